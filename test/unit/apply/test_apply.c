/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/apply with the real SA manager: the configuration's SAs and terms
 * follow the file (unchanged SAs keep their object, changed ones are
 * updated, new ones added, removed ones deleted, a removed policy leaves no
 * terms), and a reload never touches what another owner installed: an IKE
 * owner's SAs, its terms and their hit counters survive every apply, also
 * one that removes the configuration's SA of the same name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "gw_test.h"
#include "gw_test_sa.h"
#include "gw_apply_sa.h"
#include "gw_samgr.h"
#include "sa_test_common.h"

#define IKE1 GW_OWNER(GW_OWNER_IKE, 1)

static struct rte_rcu_qsbr *rcu;
static const struct gw_crypto_engine *engine;

/* A configuration SA like gw_test_sa_spec's. */
static struct gw_conf_sa
conf_sa(const char *name, uint32_t spi, enum gw_sa_dir dir, bool group, uint8_t key)
{
	struct gw_sa_spec s = gw_test_sa_spec(name, spi, dir, group, key);
	struct gw_conf_sa c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.spi = spi;
	c.direction = dir;
	c.group = group;
	c.crypto = s.params.crypto;
	c.tunnel_local = s.params.tunnel_local;
	c.tunnel_remote = s.params.tunnel_remote;
	c.replay_window = 64;
	c.anti_replay = -1;
	c.d3p_protocol = 253;
	c.tunnel_mtu = 1500;
	return c;
}

static void
test_apply_config(void)
{
	struct gw_samgr *m = gw_samgr_create(engine, rcu, SOCKET_ID_ANY);
	struct gw_conf_policy *pol = calloc(1, sizeof(*pol));
	struct gw_conf_sa sas1[3], sas2[3];
	struct gw_install in;
	struct gw_apply_sa *a;
	struct gw_config cfg;
	struct gw_sa *keep_out, *chg;
	struct gw_spd *spd;
	gw_sa_id_t id;

	CHECK(m != NULL && pol != NULL);
	gw_samgr_install(m, &in);
	a = gw_apply_sa_create(&in);
	CHECK(a != NULL);
	sas1[0] = conf_sa("keep-in", 0x1010, GW_SA_INBOUND, false, 1);
	sas1[1] = conf_sa("keep-out", 0x1011, GW_SA_OUTBOUND, true, 2);
	sas1[2] = conf_sa("chg", 0x1012, GW_SA_INBOUND, true, 3);
	memset(&cfg, 0, sizeof(cfg));
	cfg.nb_sas = 3;
	cfg.sas = sas1;
	snprintf(pol->name, sizeof(pol->name), "p1");
	snprintf(pol->interface, sizeof(pol->interface), "ge-0/0/0");
	pol->direction = GW_SA_OUTBOUND;
	pol->nb_terms = 1;
	pol->terms[0].action = GW_POLICY_PROTECT;
	pol->terms[0].sport_hi = pol->terms[0].dport_hi = 65535;
	snprintf(pol->terms[0].sa, sizeof(pol->terms[0].sa), "keep-out");
	cfg.nb_policies = 1;
	cfg.policies = pol;
	CHECK_EQ(gw_apply_security(a, &cfg), 0);
	CHECK_EQ(gw_samgr_count(m), 3);
	CHECK_EQ(gw_apply_sa_count(a), 3);
	spd = gw_samgr_spd(m, "ge-0/0/0", GW_SA_OUTBOUND);
	CHECK(spd != NULL);
	CHECK_EQ(gw_spd_nb_terms(spd), 1);
	keep_out = gw_samgr_sa_get(m, gw_apply_sa_id(a, "keep-out"));
	chg = gw_samgr_sa_get(m, gw_apply_sa_id(a, "chg"));
	CHECK(keep_out != NULL && chg != NULL);

	/* Second configuration: one unchanged, one changed, one new, one gone. */
	sas2[0] = sas1[1];
	sas2[1] = sas1[2];
	sas2[1].crypto.cipher_key[3] ^= 1;
	sas2[2] = conf_sa("new", 0x1013, GW_SA_INBOUND, true, 4);
	cfg.sas = sas2;
	pol->nb_terms = 2;
	pol->terms[1] = pol->terms[0];
	pol->terms[1].action = GW_POLICY_BYPASS;
	CHECK_EQ(gw_apply_security(a, &cfg), 0);
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "keep-out")) == keep_out);	/* untouched */
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "chg")) != NULL);
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "chg")) != chg);
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "new")) != NULL);
	CHECK_EQ(gw_apply_sa_id(a, "keep-in"), GW_SA_ID_NONE);			/* removed */
	CHECK_EQ(gw_samgr_count(m), 3);
	CHECK(gw_samgr_spd(m, "ge-0/0/0", GW_SA_OUTBOUND) == spd);		/* stable */
	CHECK_EQ(gw_spd_nb_terms(spd), 2);

	/* Same configuration again: nothing changes. */
	chg = gw_samgr_sa_get(m, gw_apply_sa_id(a, "chg"));
	CHECK_EQ(gw_apply_security(a, &cfg), 0);
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "chg")) == chg);
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "keep-out")) == keep_out);

	/* An SA deleted at its hard lifetime comes back with the next reload. */
	CHECK_EQ(gw_samgr_sa_del(m, gw_apply_sa_id(a, "chg")), 0);
	CHECK_EQ(gw_apply_security(a, &cfg), 0);
	CHECK(gw_samgr_sa_get(m, gw_apply_sa_id(a, "chg")) != NULL);
	CHECK_EQ(gw_samgr_count(m), 3);

	/* Policy removed: the configuration's terms go, the SPD object stays. */
	cfg.nb_policies = 0;
	CHECK_EQ(gw_apply_security(a, &cfg), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), 0);
	(void)id;
	gw_apply_sa_free(a);
	rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
	gw_samgr_poll(m, 1);
	gw_samgr_free(m);
	free(pol);
}

/* Reloads touch only what the configuration owns. */
static void
test_reload_keeps_other_owners(void)
{
	struct gw_samgr *m = gw_samgr_create(engine, rcu, SOCKET_ID_ANY);
	struct gw_conf_policy *pol = calloc(1, sizeof(*pol));
	struct gw_sa_spec ike_in = gw_test_sa_spec("x", 0x2001, GW_SA_INBOUND, false, 9);
	struct gw_sa_spec ike_out = gw_test_sa_spec("x", 0x2002, GW_SA_OUTBOUND, false, 9);
	struct gw_spd_term t;
	struct gw_conf_sa sas[2];
	struct gw_install in;
	struct gw_apply_sa *a;
	struct gw_config cfg;
	struct gw_sa *in_sa, *out_sa;
	gw_sa_id_t id_in, id_out;
	struct gw_spd *spd;
	uint64_t hits;
	int slot;

	CHECK(m != NULL && pol != NULL);
	gw_samgr_install(m, &in);
	a = gw_apply_sa_create(&in);
	/* IKE installs a pair named "x" and a term, before any configuration */
	CHECK_EQ(in.ops->add_sa(in.ctx, IKE1, &ike_in, &id_in), 0);
	CHECK_EQ(in.ops->add_sa(in.ctx, IKE1, &ike_out, &id_out), 0);
	memset(&t, 0, sizeof(t));
	t.action = GW_POLICY_PROTECT;
	t.sport_hi = t.dport_hi = 65535;
	t.dst.family = AF_INET;
	t.dst.len = 8;
	inet_pton(AF_INET, "30.0.0.0", &t.dst.v4);
	snprintf(t.sa, sizeof(t.sa), "x");
	CHECK_EQ(in.ops->set_policy(in.ctx, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, &t, 1), 0);
	in_sa = gw_samgr_sa_get(m, id_in);
	out_sa = gw_samgr_sa_get(m, id_out);
	spd = gw_samgr_spd(m, "ge-0/0/0", GW_SA_OUTBOUND);

	/* 20 reloads: the configuration's own SA "x" comes, changes and goes */
	memset(&cfg, 0, sizeof(cfg));
	cfg.sas = sas;
	cfg.policies = pol;
	snprintf(pol->interface, sizeof(pol->interface), "ge-0/0/0");
	pol->direction = GW_SA_OUTBOUND;
	pol->terms[0].action = GW_POLICY_PROTECT;
	pol->terms[0].sport_hi = pol->terms[0].dport_hi = 65535;
	snprintf(pol->terms[0].sa, sizeof(pol->terms[0].sa), "x");
	for (unsigned int r = 0; r < 20; r++) {
		sas[0] = conf_sa("x", 0x3000 + r, GW_SA_OUTBOUND, false, (uint8_t)r);
		/* a group SA with the SPI of IKE's unicast inbound SA */
		sas[1] = conf_sa("y", 0x2001, GW_SA_INBOUND, true, (uint8_t)r);
		cfg.nb_sas = r % 3 == 2 ? 0 : 2;
		cfg.nb_policies = r % 2;
		pol->nb_terms = 1 + r % 4;
		for (unsigned int k = 1; k < pol->nb_terms; k++)
			pol->terms[k] = pol->terms[0];
		CHECK_EQ(gw_apply_security(a, &cfg), 0);
		CHECK(gw_samgr_sa_get(m, id_in) == in_sa);	/* same objects */
		CHECK(gw_samgr_sa_get(m, id_out) == out_sa);
		CHECK_EQ(gw_samgr_owner_count(m, IKE1), 2);
		CHECK_EQ(gw_spd_nb_terms(spd), 1 + (cfg.nb_policies ? pol->nb_terms : 0));
		slot = gw_spd_slot_find(gw_samgr_slots(m), "ike-1/x");
		CHECK(slot >= 0 && gw_spd_slot_sa(gw_samgr_slots(m), (uint32_t)slot) == out_sa);
		CHECK_EQ(gw_samgr_policy_hits(m, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
		rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
		gw_samgr_poll(m, 10 + r);
	}
	CHECK_EQ(gw_samgr_count(m), 2 + gw_apply_sa_count(a));
	gw_apply_sa_free(a);
	rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
	gw_samgr_poll(m, 100);
	gw_samgr_free(m);
	free(pol);
}

int
main(int argc, char **argv)
{
	if (sa_test_eal_init("apply", argc, argv) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	engine = gw_crypto_engine_get("openssl");
	CHECK(rcu != NULL && engine != NULL);
	if (engine == NULL)
		return gw_test_result();
	GW_RUN(test_apply_config);
	GW_RUN(test_reload_keeps_other_owners);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
