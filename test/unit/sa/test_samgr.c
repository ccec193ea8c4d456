/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA manager with real lib/esp SAs: install/replace/delete, apply_config
 * keeps unchanged SAs (same object) and replaces changed ones, policies,
 * events from the ring, lifetimes, hard expiry of a group SA (fail-open).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "gw_test.h"
#include "gw_test_sa.h"
#include "gw_samgr.h"
#include "sa_test_common.h"

static struct rte_rcu_qsbr *rcu;
static const struct gw_crypto_engine *engine;

struct cb_log {
	unsigned int soft, hard, seq;
	char last[GW_CONF_NAME_LEN];
};

static void
event_cb(struct gw_samgr *mgr, const char *name, enum gw_sa_event_type type, void *arg)
{
	struct cb_log *log = arg;

	(void)mgr;
	snprintf(log->last, sizeof(log->last), "%s", name);
	if (type == GW_SA_EV_SOFT_LIFETIME)
		log->soft++;
	else if (type == GW_SA_EV_HARD_LIFETIME)
		log->hard++;
	else
		log->seq++;
}


static struct gw_samgr *
mgr_new(void)
{
	struct gw_samgr *m = gw_samgr_create(engine, rcu, SOCKET_ID_ANY);

	CHECK(m != NULL);
	return m;
}

static void
test_install(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_conf_sa in1 = gw_test_sa_conf("in1", 0x100, GW_SA_INBOUND, false, 1);
	struct gw_conf_sa gin = gw_test_sa_conf("gin", 0x200, GW_SA_INBOUND, true, 2);
	struct gw_conf_sa gout = gw_test_sa_conf("gout", 0x200, GW_SA_OUTBOUND, true, 2);
	struct gw_sad_key k;
	struct gw_sa *old;
	struct in_addr a;
	int slot;

	CHECK_EQ(gw_samgr_add(m, &in1), 0);
	CHECK_EQ(gw_samgr_add(m, &in1), -EEXIST);
	CHECK_EQ(gw_samgr_add(m, &gin), 0);
	CHECK_EQ(gw_samgr_add(m, &gout), 0);
	CHECK_EQ(gw_samgr_count(m), 3);
	inet_pton(AF_INET, "192.0.2.1", &a);
	gw_sad_key_unicast(&k, htonl(0x100), AF_INET, &a);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == gw_samgr_find(m, "in1"));
	gw_sad_key_group(&k, htonl(0x200));
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == gw_samgr_find(m, "gin"));
	slot = gw_spd_slot_find(gw_samgr_slots(m), "gout");
	CHECK(slot >= 0);
	CHECK(gw_spd_slot_sa(gw_samgr_slots(m), (uint32_t)slot) == gw_samgr_find(m, "gout"));
	CHECK_EQ(gw_spd_slot_find(gw_samgr_slots(m), "gin"), -ENOENT);
	CHECK_EQ(strcmp(gw_sa_name(gw_samgr_find(m, "gout")), "gout"), 0);

	/* Replace: new object, same slot / key. */
	old = gw_samgr_find(m, "gout");
	gout.crypto.cipher_key[0] ^= 0xff;
	CHECK_EQ(gw_samgr_replace(m, &gout), 0);
	CHECK(gw_samgr_find(m, "gout") != old);
	CHECK_EQ(gw_spd_slot_find(gw_samgr_slots(m), "gout"), slot);
	CHECK(gw_spd_slot_sa(gw_samgr_slots(m), (uint32_t)slot) == gw_samgr_find(m, "gout"));
	/* Replace with a new SPI: the key moves. */
	in1.spi = 0x101;
	CHECK_EQ(gw_samgr_replace(m, &in1), 0);
	gw_sad_key_unicast(&k, htonl(0x100), AF_INET, &a);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == NULL);
	gw_sad_key_unicast(&k, htonl(0x101), AF_INET, &a);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == gw_samgr_find(m, "in1"));

	CHECK_EQ(gw_samgr_set_disabled(m, "gout", true), 0);
	CHECK(gw_spd_slot_sa(gw_samgr_slots(m), (uint32_t)slot) == NULL);
	CHECK_EQ(gw_samgr_set_disabled(m, "gout", false), 0);
	CHECK_EQ(gw_samgr_set_disabled(m, "nope", false), -ENOENT);

	CHECK_EQ(gw_samgr_delete(m, "gin"), 0);
	CHECK_EQ(gw_samgr_delete(m, "gin"), -ENOENT);
	CHECK(gw_samgr_find(m, "gin") == NULL);
	CHECK_EQ(gw_samgr_count(m), 2);
	rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
	gw_samgr_poll(m, 1);
	gw_samgr_free(m);
}

static void
test_apply_config(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_conf_sa sas1[3], sas2[3];
	struct gw_conf_policy *pol = calloc(1, sizeof(*pol));
	struct gw_config cfg;
	struct gw_sa *keep_out, *chg;
	struct gw_spd *spd;

	sas1[0] = gw_test_sa_conf("keep-in", 0x1010, GW_SA_INBOUND, false, 1);
	sas1[1] = gw_test_sa_conf("keep-out", 0x1011, GW_SA_OUTBOUND, true, 2);
	sas1[2] = gw_test_sa_conf("chg", 0x1012, GW_SA_INBOUND, true, 3);
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
	CHECK_EQ(gw_samgr_apply_config(m, &cfg), 0);
	CHECK_EQ(gw_samgr_count(m), 3);
	spd = gw_samgr_spd(m, "ge-0/0/0", GW_SA_OUTBOUND);
	CHECK(spd != NULL);
	CHECK_EQ(gw_spd_nb_terms(spd), 1);
	keep_out = gw_samgr_find(m, "keep-out");
	chg = gw_samgr_find(m, "chg");

	/* Second configuration: one unchanged pair, one changed, one new, one gone. */
	sas2[0] = sas1[1];
	sas2[1] = sas1[2];
	sas2[1].crypto.cipher_key[3] ^= 1;
	sas2[2] = gw_test_sa_conf("new", 0x1013, GW_SA_INBOUND, true, 4);
	cfg.sas = sas2;
	cfg.nb_sas = 3;
	pol->nb_terms = 2;
	pol->terms[1] = pol->terms[0];
	pol->terms[1].action = GW_POLICY_BYPASS;
	CHECK_EQ(gw_samgr_apply_config(m, &cfg), 0);
	CHECK(gw_samgr_find(m, "keep-out") == keep_out);	/* untouched */
	CHECK(gw_samgr_find(m, "chg") != NULL && gw_samgr_find(m, "chg") != chg);
	CHECK(gw_samgr_find(m, "new") != NULL);
	CHECK(gw_samgr_find(m, "keep-in") == NULL);		/* removed */
	CHECK_EQ(gw_samgr_count(m), 3);
	CHECK(gw_samgr_spd(m, "ge-0/0/0", GW_SA_OUTBOUND) == spd);	/* stable */
	CHECK_EQ(gw_spd_nb_terms(spd), 2);

	/* Same configuration again: nothing changes. */
	chg = gw_samgr_find(m, "chg");
	CHECK_EQ(gw_samgr_apply_config(m, &cfg), 0);
	CHECK(gw_samgr_find(m, "chg") == chg);
	CHECK(gw_samgr_find(m, "keep-out") == keep_out);

	/* Policy removed: empty SPD (bypass), object still there. */
	cfg.nb_policies = 0;
	CHECK_EQ(gw_samgr_apply_config(m, &cfg), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), 0);
	gw_samgr_free(m);
	free(pol);
}

static void
test_events_lifetimes(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_conf_sa life = gw_test_sa_conf("life", 0x1020, GW_SA_INBOUND, true, 5);
	struct gw_conf_sa g = gw_test_sa_conf("gout", 0x1021, GW_SA_OUTBOUND, true, 6);
	struct gw_sa_event ev;
	struct cb_log log = { 0 };
	struct gw_spd_slots *slots = gw_samgr_slots(m);
	struct gw_conf_term t;
	struct gw_spd *spd;
	int slot;

	life.lifetime.soft_seconds = 10;
	life.lifetime.hard_seconds = 20;
	gw_samgr_set_event_cb(m, event_cb, &log);
	CHECK_EQ(gw_samgr_add(m, &life), 0);
	CHECK_EQ(gw_samgr_add(m, &g), 0);
	/* A policy holds the outbound slot so it survives the SA. */
	memset(&t, 0, sizeof(t));
	t.action = GW_POLICY_PROTECT;
	t.sport_hi = t.dport_hi = 65535;
	snprintf(t.sa, sizeof(t.sa), "gout");
	spd = gw_samgr_spd(m, "ge-0/0/1", GW_SA_OUTBOUND);
	CHECK_EQ(gw_spd_build(spd, &t, 1), 0);

	CHECK_EQ(gw_samgr_poll(m, 1000), 0);		/* stamps the ages */
	CHECK_EQ(gw_samgr_poll(m, 1009), 0);
	CHECK_EQ(gw_samgr_poll(m, 1010), 1);
	CHECK_EQ(log.soft, 1);
	CHECK_EQ(strcmp(log.last, "life"), 0);
	CHECK_EQ(gw_samgr_poll(m, 1015), 0);		/* soft only once */
	CHECK_EQ(gw_samgr_poll(m, 1020), 1);
	CHECK_EQ(log.hard, 1);
	CHECK(gw_samgr_find(m, "life") == NULL);

	/* A worker reports the outbound group SA's sequence space exhausted. */
	memset(&ev, 0, sizeof(ev));
	ev.type = GW_SA_EV_SEQ_EXHAUSTED;
	ev.spi = 0x1021;
	ev.dir = GW_SA_OUTBOUND;
	ev.group = 1;
	ev.sa = gw_samgr_find(m, "gout");
	CHECK_EQ(rte_ring_mp_enqueue_elem(gw_samgr_event_ring(m), &ev, sizeof(ev)), 0);
	/* A stale event (unknown SA) is ignored. */
	ev.sa = (const struct gw_sa *)&ev;
	CHECK_EQ(rte_ring_mp_enqueue_elem(gw_samgr_event_ring(m), &ev, sizeof(ev)), 0);
	CHECK_EQ(gw_samgr_poll(m, 1021), 1);
	CHECK_EQ(log.seq, 1);
	CHECK(gw_samgr_find(m, "gout") == NULL);
	slot = gw_spd_slot_find(slots, "gout");
	CHECK(slot >= 0);
	CHECK(slots->slot[slot].sa == NULL);
	CHECK(slots->slot[slot].disabled & GW_SPD_SLOT_DIS_EXPIRED);
	/* Rekey: a new SA for the name re-enables the slot. */
	g.spi = 0x1022;
	CHECK_EQ(gw_samgr_add(m, &g), 0);
	CHECK_EQ(gw_spd_slot_find(slots, "gout"), slot);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_find(m, "gout"));
	rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
	gw_samgr_poll(m, 1022);
	gw_samgr_free(m);
}

int
main(int argc, char **argv)
{
	if (sa_test_eal_init("samgr", argc, argv) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	engine = gw_crypto_engine_get("openssl");
	CHECK(rcu != NULL && engine != NULL);
	if (engine == NULL)
		return gw_test_result();
	GW_RUN(test_install);
	GW_RUN(test_apply_config);
	GW_RUN(test_events_lifetimes);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
