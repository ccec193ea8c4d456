/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA manager with real lib/esp SAs: install/update/delete by id, stale ids,
 * the SPI allocator, owners' policies (union order, one owner's change leaves
 * the others' terms and counters alone), a rekey with old and new inbound SAs
 * alive together, events carrying id and owner (lifetimes, sequence
 * exhaustion, first use, idle), flush and owner removal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "gw_test.h"
#include "gw_test_sa.h"
#include "gw_esp.h"
#include "gw_samgr.h"
#include "sa_test_common.h"

static struct rte_rcu_qsbr *rcu;
static const struct gw_crypto_engine *engine;
static struct rte_mempool *pool;

#define IKE1 GW_OWNER(GW_OWNER_IKE, 1)
#define IKE2 GW_OWNER(GW_OWNER_IKE, 2)
#define GDOI7 GW_OWNER(GW_OWNER_GDOI, 7)

struct ev_log {
	unsigned int n;
	struct gw_ipsec_event ev[16];
};

static void
event_cb(const struct gw_ipsec_event *ev, void *arg)
{
	struct ev_log *log = arg;

	if (log->n < RTE_DIM(log->ev))
		log->ev[log->n] = *ev;
	log->n++;
}

static struct gw_samgr *
mgr_new(void)
{
	struct gw_samgr *m = gw_samgr_create(engine, rcu, SOCKET_ID_ANY);

	CHECK(m != NULL);
	return m;
}

static void
mgr_free(struct gw_samgr *m)
{
	rte_rcu_qsbr_synchronize(rcu, RTE_QSBR_THRID_INVALID);
	gw_samgr_poll(m, 1);
	gw_samgr_free(m);
}

static void
pfx(struct gw_prefix *p, const char *addr, uint8_t len)
{
	p->family = AF_INET;
	p->len = len;
	inet_pton(AF_INET, addr, &p->v4);
}

static struct gw_spd_term
term(const char *dst, uint8_t len, enum gw_policy_action act, const char *sa)
{
	struct gw_spd_term t;

	memset(&t, 0, sizeof(t));
	pfx(&t.dst, dst, len);
	t.sport_hi = t.dport_hi = 65535;
	t.action = act;
	if (sa != NULL)
		snprintf(t.sa, sizeof(t.sa), "%s", sa);
	return t;
}

/* Ethernet + IPv4 UDP to dst, for the SPD. */
static struct rte_mbuf *
pkt_to(const char *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 14 + 28);
	uint8_t *ip = p + 14;

	memset(p, 0, 14 + 28);
	ip[0] = 0x45;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	inet_pton(AF_INET, "10.9.9.9", ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	m->l2_len = 14;
	gw_meta(m)->l3 = GW_L3_IPV4;
	gw_meta(m)->drop = GW_DROP_NONE;
	return m;
}

/* The SPD's decision for one packet to dst. */
static struct gw_spd_result
classify(struct gw_spd *spd, const char *dst)
{
	struct rte_mbuf *m = pkt_to(dst);
	struct gw_spd_result r;

	gw_spd_classify_bulk(spd, &m, 1, &r);
	rte_pktmbuf_free(m);
	return r;
}

static struct gw_sad_key
ukey(uint32_t spi)
{
	struct gw_sad_key k;
	struct in_addr a;

	inet_pton(AF_INET, "192.0.2.1", &a);
	gw_sad_key_unicast(&k, htonl(spi), AF_INET, &a);
	return k;
}

static void
test_install(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_sa_spec in1 = gw_test_sa_spec("in1", 0x100, GW_SA_INBOUND, false, 1);
	struct gw_sa_spec gin = gw_test_sa_spec("gin", 0x200, GW_SA_INBOUND, true, 2);
	struct gw_sa_spec gout = gw_test_sa_spec("gout", 0x200, GW_SA_OUTBOUND, true, 2);
	gw_sa_id_t id_in1, id_gin, id_gout, id;
	struct gw_spd_slots *slots = gw_samgr_slots(m);
	struct gw_sad_key k;
	struct gw_owner o;
	struct gw_sa *old;
	int slot;

	CHECK_EQ(gw_samgr_sa_add(m, GW_OWNER_CONF, &in1, &id_in1), 0);
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &in1, &id), -EEXIST);	/* same SAD key */
	CHECK_EQ(gw_samgr_sa_add(m, GW_OWNER_CONF, &gin, &id_gin), 0);
	CHECK_EQ(gw_samgr_sa_add(m, GW_OWNER_CONF, &gout, &id_gout), 0);
	CHECK(id_in1 != GW_SA_ID_NONE && id_in1 != id_gin && id_gin != id_gout);
	CHECK_EQ(gw_samgr_count(m), 3);
	k = ukey(0x100);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == gw_samgr_sa_get(m, id_in1));
	gw_sad_key_group(&k, htonl(0x200));
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == gw_samgr_sa_get(m, id_gin));
	slot = gw_spd_slot_find(slots, "gout");	/* the configuration's names as they are */
	CHECK(slot >= 0);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_sa_get(m, id_gout));
	CHECK_EQ(gw_spd_slot_find(slots, "gin"), -ENOENT);
	CHECK_EQ(strcmp(gw_sa_name(gw_samgr_sa_get(m, id_gout)), "gout"), 0);
	CHECK_EQ(gw_samgr_sa_owner(m, id_gout, &o), 0);
	CHECK(gw_owner_eq(o, GW_OWNER_CONF));
	CHECK_EQ(gw_sa_tag(gw_samgr_sa_get(m, id_gout)), id_gout);

	/* Update: new object, same id, slot and key. */
	old = gw_samgr_sa_get(m, id_gout);
	gout.params.crypto.cipher_key[0] ^= 0xff;
	CHECK_EQ(gw_samgr_sa_update(m, id_gout, &gout), 0);
	CHECK(gw_samgr_sa_get(m, id_gout) != old);
	CHECK_EQ(gw_spd_slot_find(slots, "gout"), slot);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_sa_get(m, id_gout));
	/* Update with a new SPI: the key moves. */
	in1.params.spi = 0x101;
	CHECK_EQ(gw_samgr_sa_update(m, id_in1, &in1), 0);
	k = ukey(0x100);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == NULL);
	k = ukey(0x101);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k) == gw_samgr_sa_get(m, id_in1));
	/* Another direction is another SA. */
	in1.params.direction = GW_SA_OUTBOUND;
	CHECK_EQ(gw_samgr_sa_update(m, id_in1, &in1), -EINVAL);

	CHECK_EQ(gw_samgr_set_disabled(m, GW_OWNER_CONF, GW_SA_OUTBOUND, "gout", true), 0);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == NULL);
	CHECK_EQ(gw_samgr_set_disabled(m, GW_OWNER_CONF, GW_SA_OUTBOUND, "gout", false), 0);
	CHECK_EQ(gw_samgr_set_disabled(m, GW_OWNER_CONF, GW_SA_OUTBOUND, "nope", false), -ENOENT);
	/* another owner's name space */
	CHECK_EQ(gw_samgr_set_disabled(m, IKE1, GW_SA_OUTBOUND, "gout", true), -ENOENT);

	CHECK_EQ(gw_samgr_sa_del(m, id_gin), 0);
	CHECK_EQ(gw_samgr_sa_del(m, id_gin), -ENOENT);
	CHECK(gw_samgr_sa_get(m, id_gin) == NULL);
	CHECK_EQ(gw_samgr_count(m), 2);
	mgr_free(m);
}

/* A deleted SA's id fails cleanly, also once its slot holds another SA. */
static void
test_stale_ids(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_sa_spec a = gw_test_sa_spec("a", 0x300, GW_SA_INBOUND, false, 1);
	struct gw_sa_spec b = gw_test_sa_spec("b", 0x301, GW_SA_INBOUND, false, 2);
	gw_sa_id_t ida, idb, next;
	struct gw_sa_stats st;
	struct gw_owner o;
	uint32_t it = 0;

	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &a, &ida), 0);
	CHECK_EQ(gw_samgr_sa_del(m, ida), 0);
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &b, &idb), 0);
	CHECK_EQ((uint32_t)ida, (uint32_t)idb);	/* the slot was reused ... */
	CHECK(ida != idb);			/* ... under a new generation */
	CHECK(gw_samgr_sa_get(m, ida) == NULL);
	CHECK_EQ(gw_samgr_sa_update(m, ida, &a), -ENOENT);
	CHECK_EQ(gw_samgr_sa_del(m, ida), -ENOENT);
	CHECK_EQ(gw_samgr_sa_stats(m, ida, &st), -ENOENT);
	CHECK_EQ(gw_samgr_sa_owner(m, ida, &o), -ENOENT);
	CHECK(gw_samgr_sa_get(m, idb) != NULL);	/* the new SA is untouched */
	CHECK_EQ(gw_samgr_sa_get(m, GW_SA_ID_NONE) == NULL, 1);
	CHECK_EQ(gw_samgr_sa_get(m, (gw_sa_id_t)1 << 32 | 99999) == NULL, 1);
	CHECK_EQ(gw_samgr_sa_next(m, &it, &next), 0);
	CHECK_EQ(next, idb);
	CHECK_EQ(gw_samgr_sa_next(m, &it, &next), -ENOENT);
	mgr_free(m);
}

static void
test_spi_allocator(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_sa_spec s = gw_test_sa_spec("r", 0, GW_SA_INBOUND, false, 3);
	static bool seen[100];
	uint32_t spi, first_spi;
	gw_sa_id_t id;
	unsigned int i;

	/* The whole range: never 0..255, unique among 10,000 reservations. */
	for (i = 0; i < 10000; i++) {
		CHECK_EQ(gw_samgr_spi_get(m, IKE1, false, GW_SA_INBOUND, &spi), 0);
		CHECK(spi >= 256);
	}
	gw_samgr_flush(m, IKE1);	/* releases the reservations */

	/* A range of 100 SPIs, one of them used by an installed SA. */
	CHECK_EQ(gw_samgr_spi_range(m, 1000, 1099), 0);
	CHECK_EQ(gw_samgr_spi_range(m, 255, 1099), -EINVAL);
	s.params.spi = 1050;
	CHECK_EQ(gw_samgr_sa_add(m, GW_OWNER_CONF, &s, &id), 0);
	for (i = 0; i < 99; i++) {
		CHECK_EQ(gw_samgr_spi_get(m, IKE1, false, GW_SA_INBOUND, &spi), 0);
		CHECK(spi >= 1000 && spi <= 1099 && spi != 1050);
		CHECK(!seen[spi - 1000]);
		seen[spi - 1000] = true;
	}
	/* Exhausted for this kind and direction only. */
	CHECK_EQ(gw_samgr_spi_get(m, IKE1, false, GW_SA_INBOUND, &spi), -ENOSPC);
	CHECK_EQ(gw_samgr_spi_get(m, IKE1, true, GW_SA_INBOUND, &spi), 0);
	CHECK_EQ(gw_samgr_spi_get(m, IKE1, false, GW_SA_OUTBOUND, &spi), 0);
	/* Release one: it is the only one left. */
	CHECK_EQ(gw_samgr_spi_release(m, IKE2, false, GW_SA_INBOUND, 1010), -ENOENT);
	CHECK_EQ(gw_samgr_spi_release(m, IKE1, false, GW_SA_INBOUND, 1010), 0);
	CHECK_EQ(gw_samgr_spi_get(m, IKE2, false, GW_SA_INBOUND, &spi), 0);
	CHECK_EQ(spi, 1010);
	/* Deleting the SA frees its SPI. */
	CHECK_EQ(gw_samgr_sa_del(m, id), 0);
	CHECK_EQ(gw_samgr_spi_get(m, IKE2, false, GW_SA_INBOUND, &spi), 0);
	CHECK_EQ(spi, 1050);
	CHECK_EQ(gw_samgr_spi_get(m, IKE2, false, GW_SA_INBOUND, &spi), -ENOSPC);

	/* Reserve then install: the SA takes the reservation over. */
	gw_samgr_flush(m, IKE1);
	gw_samgr_flush(m, IKE2);
	CHECK_EQ(gw_samgr_spi_get(m, IKE1, false, GW_SA_INBOUND, &first_spi), 0);
	s.params.spi = first_spi;
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &s, &id), 0);
	CHECK_EQ(gw_samgr_spi_release(m, IKE1, false, GW_SA_INBOUND, first_spi), -ENOENT);
	for (i = 0; i < 99; i++) {
		CHECK_EQ(gw_samgr_spi_get(m, IKE2, false, GW_SA_INBOUND, &spi), 0);
		CHECK(spi != first_spi);
	}
	CHECK_EQ(gw_samgr_spi_get(m, IKE2, false, GW_SA_INBOUND, &spi), -ENOSPC);
	/* Flushing IKE1 deletes its SA: its SPI is free again. */
	CHECK_EQ(gw_samgr_flush(m, IKE1), 0);
	CHECK_EQ(gw_samgr_spi_get(m, IKE2, false, GW_SA_INBOUND, &spi), 0);
	CHECK_EQ(spi, first_spi);
	mgr_free(m);
}

/*
 * Union order: configuration, then GDOI, then IKE (each in its own order);
 * one owner's change keeps the others' terms and hit counters.
 */
static void
test_owner_policies(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_spd *spd = gw_samgr_spd(m, "ge-0/0/0", GW_SA_OUTBOUND);
	struct gw_spd_term conf[] = {
		term("10.0.0.0", 8, GW_POLICY_BYPASS, NULL),
	};
	struct gw_spd_term ike[] = {
		term("10.1.0.0", 16, GW_POLICY_DISCARD, NULL),	/* the configuration's first */
		term("20.1.0.0", 16, GW_POLICY_BYPASS, NULL),	/* shadowed by GDOI */
		term("30.0.0.0", 8, GW_POLICY_PROTECT, "child"),
	};
	struct gw_spd_term gdoi[] = {
		term("20.0.0.0", 8, GW_POLICY_DISCARD, NULL),
	};
	struct gw_sa_spec child = gw_test_sa_spec("child", 0x400, GW_SA_OUTBOUND, false, 4);
	struct gw_spd_result r;
	const struct gw_spd_term *got;
	unsigned int n;
	uint64_t hits;
	gw_sa_id_t id;

	CHECK(spd != NULL);
	CHECK_EQ(gw_samgr_policy_set(m, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, ike, 3), 0);
	CHECK_EQ(gw_samgr_policy_set(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, gdoi, 1), 0);
	CHECK_EQ(gw_samgr_policy_set(m, GW_OWNER_CONF, "ge-0/0/0", GW_SA_OUTBOUND, conf, 1), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), 5);
	CHECK_EQ(classify(spd, "10.1.2.3").action, GW_SPD_BYPASS);	/* configuration first */
	CHECK_EQ(classify(spd, "10.1.2.3").term, 1);
	r = classify(spd, "20.1.2.3");
	CHECK_EQ(r.action, GW_SPD_DROP);				/* GDOI before IKE */
	CHECK_EQ(r.term, 2);
	/* IKE's protect term reaches IKE's SA "child", nobody else's. */
	CHECK_EQ(classify(spd, "30.1.2.3").drop, GW_DROP_POLICY_NO_SA);
	CHECK_EQ(gw_samgr_sa_add(m, GW_OWNER_CONF, &child, &id), 0);	/* config's "child" */
	CHECK_EQ(classify(spd, "30.1.2.3").drop, GW_DROP_POLICY_NO_SA);
	child.params.spi = 0x401;
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &child, &id), 0);
	r = classify(spd, "30.1.2.3");
	CHECK_EQ(r.action, GW_SPD_PROTECT);
	CHECK(r.sa == gw_samgr_sa_get(m, id));
	CHECK(gw_spd_slot_find(gw_samgr_slots(m), "ike-1/child") >= 0);

	/* Counters: 3 hits on the configuration's term, 2 on GDOI's. */
	classify(spd, "10.2.0.1");
	classify(spd, "20.2.0.1");
	CHECK_EQ(gw_samgr_policy_hits(m, GW_OWNER_CONF, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
	CHECK_EQ(hits, 3);
	CHECK_EQ(gw_samgr_policy_hits(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
	CHECK_EQ(hits, 2);
	CHECK_EQ(gw_samgr_policy_hits(m, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, 2, &hits), 0);
	CHECK_EQ(hits, 3);
	/* IKE replaces its terms (one fewer, the protect term kept): others untouched. */
	CHECK_EQ(gw_samgr_policy_set(m, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, &ike[1], 2), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), 4);
	got = gw_samgr_policy_get(m, GW_OWNER_CONF, "ge-0/0/0", GW_SA_OUTBOUND, &n);
	CHECK_EQ(n, 1);
	CHECK(got != NULL && memcmp(got, conf, sizeof(conf)) == 0);
	got = gw_samgr_policy_get(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, &n);
	CHECK_EQ(n, 1);
	CHECK_EQ(gw_samgr_policy_hits(m, GW_OWNER_CONF, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
	CHECK_EQ(hits, 3);
	CHECK_EQ(gw_samgr_policy_hits(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
	CHECK_EQ(hits, 2);
	/* the IKE term that only moved keeps its count too */
	CHECK_EQ(gw_samgr_policy_hits(m, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, 1, &hits), 0);
	CHECK_EQ(hits, 3);
	CHECK_EQ(gw_samgr_policy_hits(m, IKE1, "ge-0/0/0", GW_SA_OUTBOUND, 2, &hits), -ENOENT);
	/* The configuration drops its terms: GDOI's and IKE's stay. */
	CHECK_EQ(gw_samgr_policy_set(m, GW_OWNER_CONF, "ge-0/0/0", GW_SA_OUTBOUND, NULL, 0), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), 3);
	CHECK_EQ(gw_samgr_policy_hits(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
	CHECK_EQ(hits, 2);
	CHECK_EQ(classify(spd, "10.1.2.3").action, GW_SPD_BYPASS);	/* no term now */
	CHECK_EQ(classify(spd, "10.1.2.3").term, 0);
	/* An identical set is no rebuild (counters as they were). */
	CHECK_EQ(gw_samgr_policy_set(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, gdoi, 1), 0);
	CHECK_EQ(gw_samgr_policy_hits(m, GDOI7, "ge-0/0/0", GW_SA_OUTBOUND, 0, &hits), 0);
	CHECK_EQ(hits, 2);
	/* Flushing IKE removes its terms and SA; GDOI's term stays. */
	CHECK_EQ(gw_samgr_flush(m, IKE1), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), 1);
	CHECK(gw_samgr_sa_get(m, id) == NULL);
	CHECK_EQ(gw_samgr_owner_count(m, GW_OWNER_CONF), 1);
	mgr_free(m);
}

/* Rekey: old and new inbound SAs decrypt together; the outbound moves to the new one. */
static void
test_rekey(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_sa_spec in_old = gw_test_sa_spec("child", 0x500, GW_SA_INBOUND, false, 5);
	struct gw_sa_spec out_old = gw_test_sa_spec("child", 0x600, GW_SA_OUTBOUND, false, 6);
	struct gw_sa_spec in_new = in_old, out_new = out_old;
	struct gw_spd_slots *slots = gw_samgr_slots(m);
	gw_sa_id_t i1, o1, i2, o2;
	struct gw_sad_key k1 = ukey(0x500), k2 = ukey(0x501);
	int slot;

	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &in_old, &i1), 0);
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &out_old, &o1), 0);
	slot = gw_spd_slot_find(slots, "ike-1/child");
	CHECK(slot >= 0);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_sa_get(m, o1));
	in_new.params.spi = 0x501;
	in_new.params.crypto.cipher_key[0] ^= 1;
	out_new.params.spi = 0x601;
	out_new.params.crypto.cipher_key[0] ^= 1;
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &in_new, &i2), 0);
	/* both inbound SAs are found by SPI */
	CHECK(gw_sad_find(gw_samgr_sad(m), &k1) == gw_samgr_sa_get(m, i1));
	CHECK(gw_sad_find(gw_samgr_sad(m), &k2) == gw_samgr_sa_get(m, i2));
	/* make-before-break: the new outbound SA carries the traffic at once */
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &out_new, &o2), 0);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_sa_get(m, o2));
	/* the old outbound goes: the slot keeps the new one */
	CHECK_EQ(gw_samgr_sa_del(m, o1), 0);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_sa_get(m, o2));
	/* old inbound still decrypts until it is deleted */
	CHECK(gw_sad_find(gw_samgr_sad(m), &k1) == gw_samgr_sa_get(m, i1));
	CHECK_EQ(gw_samgr_sa_del(m, i1), 0);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k1) == NULL);
	CHECK(gw_sad_find(gw_samgr_sad(m), &k2) == gw_samgr_sa_get(m, i2));
	/* deleting the newest inbound first keeps the name up through the older one */
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &in_old, &i1), 0);
	CHECK_EQ(gw_samgr_sa_del(m, i1), 0);
	CHECK_EQ(gw_samgr_count(m), 2);
	mgr_free(m);
}

/* One inner IPv4 UDP packet through an outbound SA: its counters move. */
static void
send_one(struct gw_sa *sa)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *p = rte_pktmbuf_append(m, 28);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	struct gw_esp_clock now;

	if (p == NULL) {
		CHECK(p != NULL);
		return;
	}
	memset(p, 0, 28);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(28);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_BE32(0x0a010001);
	ip->dst_addr = RTE_BE32(0x0a020001);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	gw_meta(m)->l3 = GW_L3_IPV4;
	gw_meta(m)->drop = GW_DROP_NONE;
	gw_meta(m)->flags = 0;
	gw_esp_clock_read(&now);
	CHECK_EQ(gw_esp_outbound(sa, &m, 1, &now), 1);
	rte_pktmbuf_free(m);
}

static void
test_events(void)
{
	struct gw_samgr *m = mgr_new();
	struct gw_sa_spec life = gw_test_sa_spec("life", 0x1020, GW_SA_INBOUND, true, 5);
	struct gw_sa_spec g = gw_test_sa_spec("gout", 0x1021, GW_SA_OUTBOUND, true, 6);
	struct gw_sa_spec use = gw_test_sa_spec("use", 0x1023, GW_SA_OUTBOUND, false, 7);
	struct gw_spd_slots *slots = gw_samgr_slots(m);
	struct gw_spd_term t = term("0.0.0.0", 0, GW_POLICY_PROTECT, "gout");
	struct ev_log log = { 0 }, conf_log = { 0 };
	gw_sa_id_t id_life, id_g, id_use, id_conf;
	struct gw_sa_event ev;
	int slot;

	life.params.lifetime.soft_seconds = 10;
	life.params.lifetime.hard_seconds = 20;
	CHECK_EQ(gw_samgr_subscribe(m, IKE1, event_cb, &log), 0);
	CHECK_EQ(gw_samgr_subscribe(m, GW_OWNER_CONF, event_cb, &conf_log), 0);
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &life, &id_life), 0);
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &g, &id_g), 0);
	life.params.spi = 0x1030;
	CHECK_EQ(gw_samgr_sa_add(m, GW_OWNER_CONF, &life, &id_conf), 0);
	/* IKE's protect term holds the outbound slot so it survives the SA. */
	CHECK_EQ(gw_samgr_policy_set(m, IKE1, "ge-0/0/1", GW_SA_OUTBOUND, &t, 1), 0);

	CHECK_EQ(gw_samgr_poll(m, 1000), 0);		/* stamps the ages */
	CHECK_EQ(gw_samgr_poll(m, 1009), 0);
	CHECK_EQ(gw_samgr_poll(m, 1010), 2);		/* IKE's and the configuration's */
	CHECK_EQ(log.n, 1);
	CHECK_EQ(log.ev[0].type, GW_SA_EV_SOFT_LIFETIME);
	CHECK_EQ(log.ev[0].id, id_life);
	CHECK(gw_owner_eq(log.ev[0].owner, IKE1));
	CHECK_EQ(log.ev[0].spi, 0x1020);
	CHECK_EQ(conf_log.n, 1);
	CHECK_EQ(conf_log.ev[0].id, id_conf);
	CHECK(gw_owner_eq(conf_log.ev[0].owner, GW_OWNER_CONF));
	CHECK_EQ(gw_samgr_poll(m, 1015), 0);		/* soft only once */
	CHECK_EQ(gw_samgr_poll(m, 1020), 2);
	CHECK_EQ(log.n, 2);
	CHECK_EQ(log.ev[1].type, GW_SA_EV_HARD_LIFETIME);
	CHECK_EQ(log.ev[1].id, id_life);
	CHECK(gw_samgr_sa_get(m, id_life) == NULL);	/* deleted at the hard limit */

	/* A worker reports the outbound group SA's sequence space exhausted. */
	memset(&ev, 0, sizeof(ev));
	ev.type = GW_SA_EV_SEQ_EXHAUSTED;
	ev.spi = 0x1021;
	ev.dir = GW_SA_OUTBOUND;
	ev.group = 1;
	ev.sa = gw_samgr_sa_get(m, id_g);
	ev.tag = id_g;
	CHECK_EQ(rte_ring_mp_enqueue_elem(gw_samgr_event_ring(m), &ev, sizeof(ev)), 0);
	/* A stale event (same id, another object) is ignored. */
	ev.sa = (const struct gw_sa *)&ev;
	CHECK_EQ(rte_ring_mp_enqueue_elem(gw_samgr_event_ring(m), &ev, sizeof(ev)), 0);
	CHECK_EQ(gw_samgr_poll(m, 1021), 1);
	CHECK_EQ(log.n, 3);
	CHECK_EQ(log.ev[2].type, GW_SA_EV_SEQ_EXHAUSTED);
	CHECK_EQ(log.ev[2].id, id_g);
	CHECK(gw_samgr_sa_get(m, id_g) == NULL);
	slot = gw_spd_slot_find(slots, "ike-1/gout");
	CHECK(slot >= 0);
	CHECK(slots->slot[slot].sa == NULL);
	CHECK(slots->slot[slot].disabled & GW_SPD_SLOT_DIS_EXPIRED);
	/* Rekey: a new SA for the name re-enables the slot. */
	g.params.spi = 0x1022;
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &g, &id_g), 0);
	CHECK(gw_spd_slot_sa(slots, (uint32_t)slot) == gw_samgr_sa_get(m, id_g));

	/* First use and idle (opt-in per SA). */
	use.first_use_event = true;
	use.idle_seconds = 5;
	CHECK_EQ(gw_samgr_sa_add(m, IKE1, &use, &id_use), 0);
	log.n = 0;
	CHECK_EQ(gw_samgr_poll(m, 1030), 0);
	send_one(gw_samgr_sa_get(m, id_use));
	CHECK_EQ(gw_samgr_poll(m, 1031), 1);
	CHECK_EQ(log.n, 1);
	CHECK_EQ(log.ev[0].type, GW_SA_EV_FIRST_USE);
	CHECK_EQ(log.ev[0].id, id_use);
	CHECK_EQ(gw_samgr_poll(m, 1035), 0);
	CHECK_EQ(gw_samgr_poll(m, 1036), 1);
	CHECK_EQ(log.ev[1].type, GW_SA_EV_IDLE);
	CHECK_EQ(log.ev[1].id, id_use);
	CHECK_EQ(log.ev[1].value, 5);
	CHECK_EQ(gw_samgr_poll(m, 1040), 0);		/* once per idle period */
	send_one(gw_samgr_sa_get(m, id_use));
	CHECK_EQ(gw_samgr_poll(m, 1041), 0);		/* first use only once */
	CHECK_EQ(gw_samgr_poll(m, 1046), 1);		/* idle again */
	CHECK_EQ(log.n, 3);

	/* The configuration that made IKE-1 goes: told, then flushed. */
	CHECK_EQ(gw_samgr_owner_removed(m, IKE1), 0);
	CHECK_EQ(log.n, 4);
	CHECK_EQ(log.ev[3].type, GW_IPSEC_EV_OWNER_REMOVED);
	CHECK(gw_owner_eq(log.ev[3].owner, IKE1));
	CHECK_EQ(gw_samgr_owner_count(m, IKE1), 0);
	CHECK_EQ(gw_spd_nb_terms(gw_samgr_spd(m, "ge-0/0/1", GW_SA_OUTBOUND)), 0);
	mgr_free(m);
}

int
main(int argc, char **argv)
{
	if (sa_test_eal_init("samgr", argc, argv) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	engine = gw_crypto_engine_get("openssl");
	pool = rte_pktmbuf_pool_create("ut_samgr", 256, 0, GW_META_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	CHECK(rcu != NULL && engine != NULL && pool != NULL);
	if (engine == NULL || pool == NULL)
		return gw_test_result();
	GW_RUN(test_install);
	GW_RUN(test_stale_ids);
	GW_RUN(test_spi_allocator);
	GW_RUN(test_owner_policies);
	GW_RUN(test_rekey);
	GW_RUN(test_events);
	rte_mempool_free(pool);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
