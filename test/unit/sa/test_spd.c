/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SPD: classification tables for IPv4 and IPv6 (prefixes, protocols, port
 * ranges, priority, fragments, options), fail-open only while the SA is not
 * usable, no match = bypass, slot swaps without rebuild, hit counters, the
 * per-lcore cache of ACL answers; IPv4 by packets and by gathered tuples alike.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "gw_test.h"
#include "gw_spd.h"
#include "gw_stats.h"
#define SA_TEST_DUMMY_SA
#include "sa_test_common.h"

static struct rte_rcu_qsbr *rcu;
static struct rte_mempool *pool;
static struct gw_spd_slots *slots;
static struct gw_spd *spd;

static void
dummy_free(struct gw_sa *sa, void *arg)
{
	(void)arg;
	sa->magic = SA_TEST_POISON;
	free(sa);
}

static void
pfx(struct gw_prefix *p, const char *text)
{
	char buf[64], *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	*slash = '\0';
	p->len = (uint8_t)atoi(slash + 1);
	p->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	inet_pton(p->family, buf, p->family == AF_INET ? (void *)&p->v4 : (void *)&p->v6);
}

static struct gw_spd_term
term(const char *src, const char *dst, uint8_t proto, uint16_t slo, uint16_t shi,
     uint16_t dlo, uint16_t dhi, enum gw_policy_action act, const char *sa)
{
	struct gw_spd_term t;

	memset(&t, 0, sizeof(t));
	if (src)
		pfx(&t.src, src);
	if (dst)
		pfx(&t.dst, dst);
	t.proto = proto;
	t.sport_lo = slo;
	t.sport_hi = shi;
	t.dport_lo = dlo;
	t.dport_hi = dhi;
	t.action = act;
	if (sa)
		snprintf(t.sa, sizeof(t.sa), "%s", sa);
	return t;
}

#define ANYP 0, 65535

/* Ethernet + IPv4 (ihl 32-bit words) + 8 bytes of L4. frag: the IPv4 field. */
static struct rte_mbuf *
pkt4(const char *src, const char *dst, uint8_t proto, uint16_t sport, uint16_t dport,
     unsigned int ihl, uint16_t frag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 14 + ihl * 4 + 8);
	uint8_t *ip = p + 14, *l4 = ip + ihl * 4;

	memset(p, 0, 14 + ihl * 4 + 8);
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[6] = (uint8_t)(frag >> 8);
	ip[7] = (uint8_t)frag;
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	m->l2_len = 14;
	gw_meta(m)->l3 = GW_L3_IPV4;
	return m;
}

static struct rte_mbuf *
pkt6(const char *src, const char *dst, uint8_t nh, uint16_t sport, uint16_t dport)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 14 + 40 + 8);
	uint8_t *ip = p + 14, *l4 = ip + 40;

	memset(p, 0, 14 + 40 + 8);
	ip[0] = 0x60;
	ip[6] = nh;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	m->l2_len = 14;
	gw_meta(m)->l3 = GW_L3_IPV6;
	return m;
}

struct expect {
	struct rte_mbuf *m;
	uint8_t action;
	uint16_t term;		/* 1-based, 0 = none */
	uint8_t drop;
	struct gw_sa *sa;
};

static void
run(const struct expect *e, unsigned int n, int line)
{
	struct rte_mbuf *pkts[64];
	struct gw_spd_result res[64];
	unsigned int i, good = 0;

	for (i = 0; i < n; i++) {
		pkts[i] = e[i].m;
		good += e[i].action != GW_SPD_DROP;
	}
	CHECK_EQ(gw_spd_classify_bulk(spd, pkts, (uint16_t)n, res), good);
	for (i = 0; i < n; i++) {
		if (res[i].action != e[i].action || res[i].term != e[i].term ||
		    (e[i].action == GW_SPD_DROP && res[i].drop != e[i].drop) ||
		    (e[i].action == GW_SPD_PROTECT && res[i].sa != e[i].sa)) {
			fprintf(stderr, "line %d case %u: action %u term %u drop %u, "
				"expected %u %u %u\n", line, i, res[i].action, res[i].term,
				res[i].drop, e[i].action, e[i].term, e[i].drop);
			CHECK(0);
		}
	}
}

/*
 * The IPv4 packets of e again through gw_spd_classify4_bulk(), their tuples
 * gathered with gw_spd_tuple4_fill() as lib/dp's fused classify pass does:
 * the same answers (and the hits count twice).
 */
static void
run_tuples(const struct expect *e, unsigned int n, int line)
{
	struct gw_spd_tuple4 t4[64];
	struct gw_spd_result res[64];
	unsigned int i, k = 0, good = 0, at[64];

	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = e[i].m;

		if (gw_meta((struct rte_mbuf *)(uintptr_t)m)->l3 != GW_L3_IPV4)
			continue;
		gw_spd_tuple4_fill(&t4[k], rte_pktmbuf_mtod_offset(m, const uint8_t *, 14),
				   rte_pktmbuf_data_len(m) - 14);
		good += e[i].action != GW_SPD_DROP;
		at[k++] = i;
	}
	CHECK_EQ(gw_spd_classify4_bulk(spd, t4, (uint16_t)k, res), good);
	for (i = 0; i < k; i++) {
		const struct expect *x = &e[at[i]];

		if (res[i].action != x->action || res[i].term != x->term ||
		    (x->action == GW_SPD_DROP && res[i].drop != x->drop) ||
		    (x->action == GW_SPD_PROTECT && res[i].sa != x->sa)) {
			fprintf(stderr, "line %d case %u (tuples): action %u term %u drop %u, "
				"expected %u %u %u\n", line, at[i], res[i].action, res[i].term,
				res[i].drop, x->action, x->term, x->drop);
			CHECK(0);
		}
	}
}

#define RUN(e) do { \
	run(e, RTE_DIM(e), __LINE__); \
	run_tuples(e, RTE_DIM(e), __LINE__); \
} while (0)

static void
free_pkts(struct expect *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(e[i].m);
}

static struct gw_sa *sa_a, *sa_b, *sa_c;
static int slot_a, slot_b, slot_c;

static void
setup_rules(void)
{
	struct gw_spd_term t[] = {
		/* 1 */ term(NULL, "10.0.0.0/8", IPPROTO_UDP, ANYP, 53, 53, GW_POLICY_DISCARD,
			     NULL),
		/* 2 */ term("192.168.1.0/24", "10.0.0.0/8", 0, ANYP, ANYP, GW_POLICY_PROTECT, "A"),
		/* 3 */ term(NULL, NULL, IPPROTO_TCP, ANYP, 22, 22, GW_POLICY_BYPASS, NULL),
		/* 4 */ term(NULL, "10.0.0.0/8", 0, ANYP, ANYP, GW_POLICY_PROTECT, "B"),
		/* 5 */ term("192.168.1.128/25", "10.1.0.0/16", 0, ANYP, ANYP,
			     GW_POLICY_FAIL_OPEN, "A"),
		/* 6 */ term("2001:db8:1::/48", "2001:db8:2::/48", IPPROTO_UDP, 1000, 2000, ANYP,
			     GW_POLICY_PROTECT, "C"),
		/* 7 */ term(NULL, "2001:db8:2::/48", 0, ANYP, ANYP, GW_POLICY_DISCARD, NULL),
		/* 8 */ term(NULL, NULL, IPPROTO_UDP, ANYP, 500, 500, GW_POLICY_BYPASS, NULL),
	};

	CHECK_EQ(gw_spd_build(spd, t, RTE_DIM(t)), 0);
	CHECK_EQ(gw_spd_nb_terms(spd), RTE_DIM(t));
	slot_a = gw_spd_slot_find(slots, "A");
	slot_b = gw_spd_slot_find(slots, "B");
	slot_c = gw_spd_slot_find(slots, "C");
	CHECK(slot_a >= 0 && slot_b >= 0 && slot_c >= 0);
	CHECK(slot_a != slot_b && slot_b != slot_c);
	CHECK_EQ(gw_spd_slot_find(slots, "D"), -ENOENT);
	CHECK(strcmp(gw_spd_slot_name(slots, (uint32_t)slot_c), "C") == 0);
	/* Slots exist before SAs: bind them. */
	sa_a = sa_test_dummy_new(1);
	sa_b = sa_test_dummy_new(2);
	sa_c = sa_test_dummy_new(3);
	CHECK_EQ(gw_spd_slot_bind(slots, (uint32_t)slot_a, sa_a), 0);
	CHECK_EQ(gw_spd_slot_bind(slots, (uint32_t)slot_b, sa_b), 0);
	CHECK_EQ(gw_spd_slot_bind(slots, (uint32_t)slot_c, sa_c), 0);
}

static void
test_empty_is_bypass(void)
{
	struct expect e[] = {
		{ pkt4("1.2.3.4", "5.6.7.8", IPPROTO_TCP, 1, 2, 5, 0), GW_SPD_BYPASS, 0, 0, NULL },
		{ pkt6("2001:db8::1", "2001:db8::2", IPPROTO_UDP, 1, 2),
		  GW_SPD_BYPASS, 0, 0, NULL },
	};

	RUN(e);
	CHECK_EQ(gw_spd_build(spd, NULL, 0), 0);
	RUN(e);
	free_pkts(e, RTE_DIM(e));
}

static void
test_v4(void)
{
	struct expect e[] = {
		/* discard before protect (term order) */
		{ pkt4("192.168.1.5", "10.1.1.1", IPPROTO_UDP, 999, 53, 5, 0),
		  GW_SPD_DROP, 1, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt4("192.168.1.5", "10.1.1.1", IPPROTO_TCP, 999, 22, 5, 0),
		  GW_SPD_PROTECT, 2, 0, sa_a },
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_TCP, 999, 22, 5, 0),
		  GW_SPD_BYPASS, 3, 0, NULL },
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_TCP, 999, 80, 5, 0),
		  GW_SPD_PROTECT, 4, 0, sa_b },
		{ pkt4("172.16.0.1", "11.0.0.1", IPPROTO_TCP, 999, 80, 5, 0),
		  GW_SPD_BYPASS, 0, 0, NULL },
		/* options: ports found after IHL */
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_TCP, 999, 22, 8, 0),
		  GW_SPD_BYPASS, 3, 0, NULL },
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_TCP, 999, 23, 15, 0),
		  GW_SPD_PROTECT, 4, 0, sa_b },
		/* first fragment (MF) has ports; a non-first one matches any-port only */
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_UDP, 999, 53, 5, 0x2000),
		  GW_SPD_DROP, 1, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_UDP, 999, 53, 5, 0x0010),
		  GW_SPD_PROTECT, 4, 0, sa_b },
		{ pkt4("172.16.0.1", "8.8.8.8", IPPROTO_UDP, 500, 500, 5, 0x2010),
		  GW_SPD_BYPASS, 0, 0, NULL },
		/* ICMP has no ports: any-port terms only */
		{ pkt4("172.16.0.1", "10.9.9.9", IPPROTO_ICMP, 0, 22, 5, 0),
		  GW_SPD_PROTECT, 4, 0, sa_b },
		/* any-family term */
		{ pkt4("172.16.0.1", "8.8.8.8", IPPROTO_UDP, 500, 500, 5, 0),
		  GW_SPD_BYPASS, 8, 0, NULL },
		/* prefix edges */
		{ pkt4("192.168.1.255", "10.255.255.255", IPPROTO_TCP, 1, 1, 5, 0),
		  GW_SPD_PROTECT, 2, 0, sa_a },
		{ pkt4("192.168.2.0", "9.255.255.255", IPPROTO_TCP, 1, 1, 5, 0),
		  GW_SPD_BYPASS, 0, 0, NULL },
	};

	RUN(e);
	free_pkts(e, RTE_DIM(e));
}

static void
test_v6(void)
{
	struct expect e[] = {
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", IPPROTO_UDP, 1500, 9),
		  GW_SPD_PROTECT, 6, 0, sa_c },
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", IPPROTO_UDP, 1000, 9),
		  GW_SPD_PROTECT, 6, 0, sa_c },
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", IPPROTO_UDP, 2000, 9),
		  GW_SPD_PROTECT, 6, 0, sa_c },
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", IPPROTO_UDP, 999, 9),
		  GW_SPD_DROP, 7, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", IPPROTO_UDP, 2001, 9),
		  GW_SPD_DROP, 7, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", IPPROTO_TCP, 1500, 9),
		  GW_SPD_DROP, 7, GW_DROP_POLICY_DISCARD, NULL },
		/* /48 edges: 2001:db8:1:ffff:: is in, 2001:db8:0:ffff:: is not */
		{ pkt6("2001:db8:1:ffff:ffff::1", "2001:db8:2:ffff::1", IPPROTO_UDP, 1500, 9),
		  GW_SPD_PROTECT, 6, 0, sa_c },
		{ pkt6("2001:db8:0:ffff::1", "2001:db8:3::1", IPPROTO_UDP, 1500, 9),
		  GW_SPD_BYPASS, 0, 0, NULL },
		/* extension header first: protocol 0, no ports */
		{ pkt6("2001:db8:1::5", "2001:db8:2::9", 0, 1500, 9),
		  GW_SPD_DROP, 7, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt6("2001:db8:5::1", "2001:db8:9::1", IPPROTO_UDP, 500, 500),
		  GW_SPD_BYPASS, 8, 0, NULL },
		/* IPv4 terms never match IPv6 */
		{ pkt6("2001:db8:5::1", "2001:db8:9::1", IPPROTO_TCP, 1, 80),
		  GW_SPD_BYPASS, 0, 0, NULL },
	};

	RUN(e);
	free_pkts(e, RTE_DIM(e));
}

static void
test_fail_open(void)
{
	struct expect up[] = {
		{ pkt4("192.168.1.200", "10.1.2.3", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_PROTECT, 2, 0, sa_a },
		{ pkt4("192.168.1.5", "10.1.2.3", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_PROTECT, 2, 0, sa_a },
	};
	struct expect down[] = {
		{ pkt4("192.168.1.200", "10.1.2.3", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_BYPASS, 5, 0, NULL },
		{ pkt4("192.168.1.5", "10.1.2.3", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_DROP, 2, GW_DROP_SA_DISABLED, NULL },
		/* fail-open of A does not cover B's traffic */
		{ pkt4("172.16.0.1", "10.1.0.5", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_PROTECT, 4, 0, sa_b },
	};
	struct expect unbound[] = {
		{ pkt4("192.168.1.200", "10.1.2.3", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_BYPASS, 5, 0, NULL },
		{ pkt4("192.168.1.5", "10.1.2.3", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_DROP, 2, GW_DROP_POLICY_NO_SA, NULL },
		{ pkt4("172.16.0.1", "10.1.0.5", IPPROTO_TCP, 1, 80, 5, 0),
		  GW_SPD_DROP, 4, GW_DROP_SA_DISABLED, NULL },
	};
	uint32_t a = (uint32_t)slot_a, b = (uint32_t)slot_b;

	RUN(up);
	CHECK_EQ(gw_spd_slot_set_disabled(slots, a, GW_SPD_SLOT_DIS_ADMIN, true), 0);
	RUN(down);
	CHECK_EQ(gw_spd_slot_set_disabled(slots, a, GW_SPD_SLOT_DIS_ADMIN, false), 0);
	RUN(up);
	/* Hard expiry: unbound and disabled; a new SA clears EXPIRED by itself. */
	CHECK_EQ(gw_spd_slot_bind(slots, a, NULL), 0);
	CHECK_EQ(gw_spd_slot_set_disabled(slots, b, GW_SPD_SLOT_DIS_EXPIRED, true), 0);
	RUN(unbound);
	sa_a = sa_test_dummy_new(11);
	CHECK_EQ(gw_spd_slot_bind(slots, a, sa_a), 0);
	CHECK_EQ(gw_spd_slot_bind(slots, b, sa_b), 0);	/* same SA: just re-enabled */
	CHECK_EQ(slots->slot[b].disabled, 0);
	up[0].sa = up[1].sa = sa_a;
	RUN(up);
	gw_spd_slots_sync(slots);
	free_pkts(up, RTE_DIM(up));
	free_pkts(down, RTE_DIM(down));
	free_pkts(unbound, RTE_DIM(unbound));
}

static void
test_hits_and_rebuild(void)
{
	struct gw_spd_term t[] = {
		term(NULL, "10.0.0.0/8", 0, ANYP, ANYP, GW_POLICY_PROTECT, "B"),
	};
	struct expect e[] = {
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_TCP, 999, 22, 5, 0),
		  GW_SPD_BYPASS, 3, 0, NULL },
	};
	struct expect e2[] = {
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_TCP, 999, 22, 5, 0),
		  GW_SPD_PROTECT, 1, 0, sa_b },
	};
	uint64_t before, after;
	int i;

	CHECK_EQ(gw_spd_term_hits(spd, 2, &before), 0);
	for (i = 0; i < 10; i++)
		RUN(e);
	CHECK_EQ(gw_spd_term_hits(spd, 2, &after), 0);
	CHECK_EQ(after - before, 2 * 10);	/* RUN classifies packets, then tuples */
	CHECK_EQ(gw_spd_term_hits(spd, 8, &after), -ENOENT);
	/* Rebuild: C and A no longer named; their slots go after the grace period. */
	CHECK_EQ(gw_spd_build(spd, t, RTE_DIM(t)), 0);
	RUN(e2);
	CHECK(gw_spd_slot_find(slots, "C") >= 0);	/* old rules not reclaimed yet */
	gw_spd_sync(spd);
	CHECK_EQ(gw_spd_slot_find(slots, "C"), -ENOENT);
	CHECK_EQ(gw_spd_slot_find(slots, "B"), slot_b);
	gw_spd_slots_sync(slots);
	CHECK_EQ(gw_spd_slot_find(slots, "C"), -ENOENT);	/* sa_c freed with its slot */
	free_pkts(e, RTE_DIM(e));
	free_pkts(e2, RTE_DIM(e2));
}

/* A range containing 0 must not catch packets without ports (OPAQUE). */
static void
test_opaque_ports(void)
{
	struct gw_spd_term t[] = {
		term(NULL, NULL, IPPROTO_UDP, ANYP, 0, 1023, GW_POLICY_DISCARD, NULL),
		term(NULL, NULL, 0, ANYP, ANYP, GW_POLICY_PROTECT, "B"),
	};
	struct expect e[] = {
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_UDP, 9, 53, 5, 0),
		  GW_SPD_DROP, 1, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_UDP, 9, 0, 5, 0),
		  GW_SPD_DROP, 1, GW_DROP_POLICY_DISCARD, NULL },
		{ pkt4("172.16.0.1", "10.1.1.1", IPPROTO_UDP, 9, 53, 5, 0x00b9),
		  GW_SPD_PROTECT, 2, 0, sa_b },
		{ pkt6("2001:db8::1", "2001:db8::2", 44, 9, 53),
		  GW_SPD_PROTECT, 2, 0, sa_b },
	};

	CHECK_EQ(gw_spd_build(spd, t, RTE_DIM(t)), 0);
	RUN(e);
	free_pkts(e, RTE_DIM(e));
}

static void
test_bad_terms(void)
{
	struct gw_spd_term mixed = term("10.0.0.0/8", "2001:db8::/32", 0, ANYP, ANYP,
					 GW_POLICY_BYPASS, NULL);
	struct gw_spd_term noname = term(NULL, NULL, 0, ANYP, ANYP, GW_POLICY_PROTECT, NULL);
	struct gw_spd_term fo[17];
	char name[8];
	int i;

	CHECK_EQ(gw_spd_build(spd, &mixed, 1), -EINVAL);
	CHECK_EQ(gw_spd_build(spd, &noname, 1), -EINVAL);
	for (i = 0; i < 17; i++) {
		snprintf(name, sizeof(name), "fo%d", i);
		fo[i] = term(NULL, NULL, 0, ANYP, ANYP, GW_POLICY_FAIL_OPEN, name);
	}
	CHECK_EQ(gw_spd_build(spd, fo, 15), 0);
	CHECK_EQ(gw_spd_build(spd, fo, 16), -E2BIG);
	CHECK_EQ(gw_spd_nb_terms(spd), 15);	/* running rules kept */
	gw_spd_sync(spd);
	CHECK_EQ(gw_spd_slot_find(slots, "fo15"), -ENOENT);	/* failed build released */
}

/*
 * The per-lcore ACL cache (one-category rule sets): more flows than it has
 * entries, so entries are evicted and collide, classified twice; then a
 * rebuild that swaps the actions must change every answer, cached or not.
 */
static void
cache_pass(bool swapped, unsigned int nb_flows, unsigned int *wrong)
{
	struct rte_mbuf *pkts[32];
	struct gw_spd_result res[32];
	uint64_t seed = 12345;
	char src[32], dst[32];
	unsigned int i, j;

	for (i = 0; i < nb_flows; i += 32) {
		for (j = 0; j < 32; j++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			snprintf(src, sizeof(src), "172.16.%u.%u", (unsigned int)(seed >> 56),
				 (unsigned int)(seed >> 48) & 0xff);
			snprintf(dst, sizeof(dst), "10.%u.%u.%u", (unsigned int)(seed >> 40) & 0xff,
				 (unsigned int)(seed >> 32) & 0xff, (unsigned int)(seed >> 24) & 0xff);
			pkts[j] = pkt4(src, dst, IPPROTO_UDP, (uint16_t)(seed >> 8),
				       (uint16_t)(seed >> 16), 5, 0);
		}
		gw_spd_classify_bulk(spd, pkts, 32, res);
		for (j = 0; j < 32; j++) {
			const uint8_t *ip = rte_pktmbuf_mtod_offset(pkts[j], const uint8_t *, 14);
			bool low = ip[17] < 128;	/* 10.0/9 */
			bool protect = low != swapped;	/* and term 1 */

			if (res[j].term != (protect ? 1 : 2) ||
			    res[j].action != (protect ? GW_SPD_PROTECT : GW_SPD_DROP) ||
			    (protect && res[j].sa != sa_b))
				(*wrong)++;
			rte_pktmbuf_free(pkts[j]);
		}
	}
}

static void
test_cache(void)
{
	struct gw_spd_term t[] = {
		term(NULL, "10.0.0.0/9", 0, ANYP, ANYP, GW_POLICY_PROTECT, "B"),
		term(NULL, "10.128.0.0/9", 0, ANYP, ANYP, GW_POLICY_DISCARD, NULL),
	};
	struct gw_spd_term swapped[] = {	/* term numbers swap too */
		term(NULL, "10.128.0.0/9", 0, ANYP, ANYP, GW_POLICY_PROTECT, "B"),
		term(NULL, "10.0.0.0/9", 0, ANYP, ANYP, GW_POLICY_DISCARD, NULL),
	};
	unsigned int wrong = 0;

	CHECK_EQ(gw_spd_build(spd, t, RTE_DIM(t)), 0);
	CHECK_EQ(gw_spd_slot_bind(slots, (uint32_t)gw_spd_slot_find(slots, "B"), sa_b), 0);
	cache_pass(false, 3 * 4096, &wrong);	/* fills, evicts */
	cache_pass(false, 3 * 4096, &wrong);	/* hits and evictions */
	cache_pass(false, 64, &wrong);		/* hits */
	CHECK_EQ(wrong, 0);
	CHECK_EQ(gw_spd_build(spd, swapped, RTE_DIM(swapped)), 0);
	cache_pass(true, 64, &wrong);		/* the cached answers are stale now */
	cache_pass(true, 3 * 4096, &wrong);
	CHECK_EQ(wrong, 0);
	gw_spd_sync(spd);
}

int
main(int argc, char **argv)
{
	struct gw_spd_slots_params sp = { .name = "ut", .nb_slots = 64,
		.socket = SOCKET_ID_ANY, .free_sa = dummy_free };
	struct gw_spd_params pp = { .name = "ge-0/0/0.out", .socket = SOCKET_ID_ANY };

	if (sa_test_eal_init("spd", argc, argv) < 0)
		return 1;
	rcu = sa_test_rcu_create();
	pool = rte_pktmbuf_pool_create("ut_spd", 512, 0, GW_META_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	sp.rcu = rcu;
	slots = gw_spd_slots_create(&sp);
	pp.rcu = rcu;
	pp.slots = slots;
	spd = gw_spd_create(&pp);
	CHECK(rcu != NULL && pool != NULL && slots != NULL && spd != NULL);
	if (spd == NULL)
		return gw_test_result();
	GW_RUN(test_empty_is_bypass);
	setup_rules();
	GW_RUN(test_v4);
	GW_RUN(test_v6);
	GW_RUN(test_fail_open);
	GW_RUN(test_hits_and_rebuild);
	GW_RUN(test_opaque_ports);
	GW_RUN(test_cache);
	GW_RUN(test_bad_terms);
	gw_spd_free(spd);
	gw_spd_slots_free(slots);
	rte_mempool_free(pool);
	rte_free(rcu);
	rte_eal_cleanup();
	return gw_test_result();
}
