/* SPDX-License-Identifier: BSD-3-Clause */
/* SPD fast path: 5-tuple extraction and burst classification. */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "gw_common.h"
#include "gw_stats.h"
#include "spd_priv.h"

#define SPD_CHUNK GW_MAX_BURST

static inline uint32_t
l3_room(const struct rte_mbuf *m)
{
	return rte_pktmbuf_data_len(m) > m->l2_len ? rte_pktmbuf_data_len(m) - m->l2_len : 0;
}

/* IPv4: gw_spd_tuple4_fill() on the packet's IP header (gw_spd.h). */
static inline void
tuple4(const struct rte_mbuf *m, struct gw_spd_tuple4 *t)
{
	gw_spd_tuple4_fill(t, rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len), l3_room(m));
}

/* IPv6: protocol = the first Next Header (extension headers are not walked). */
static inline void
tuple6(const struct rte_mbuf *m, struct spd_tuple6 *t)
{
	const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	uint32_t room = l3_room(m);

	memset(t, 0, sizeof(*t));
	if (room < sizeof(struct rte_ipv6_hdr))
		return;
	t->proto = p[6];
	memcpy(t->src, p + 8, 16);
	memcpy(t->dst, p + 24, 16);
	if (!gw_spd_proto_has_ports(t->proto) || room < sizeof(struct rte_ipv6_hdr) + 4)
		return;
	memcpy(&t->sport, p + 40, 2);
	memcpy(&t->dport, p + 42, 2);
	t->l4 = RTE_BE32(1);
}

static inline bool
slot_usable(const struct gw_spd_slots *slots, uint32_t idx)
{
	return gw_spd_slot_sa(slots, idx) != NULL;
}

/* Protect term whose SA is not usable: a fail-open term of a down slot, or drop. */
static inline void
decide_fail_open(const struct spd_rules *r, const uint32_t *cres, uint32_t slot,
		 struct gw_spd_result *res)
{
	const struct gw_spd_slot *s = &r->slots->slot[slot];
	uint32_t c, best = 0;

	for (c = 1; c <= r->nb_fo; c++)
		if (cres[c] != 0 && (best == 0 || cres[c] < best) &&
		    !slot_usable(r->slots, r->fo_slot[c]))
			best = cres[c];
	if (best != 0) {
		res->action = GW_SPD_BYPASS;
		res->term = (uint16_t)best;
		res->slot = r->terms[best - 1].slot;
		return;
	}
	res->action = GW_SPD_DROP;
	res->drop = __atomic_load_n(&s->disabled, __ATOMIC_RELAXED) != 0 ?
		GW_DROP_SA_DISABLED : GW_DROP_POLICY_NO_SA;
}

static inline void
decide(const struct spd_rules *r, const uint32_t *cres, struct gw_spd_result *res)
{
	const struct spd_term *t;
	uint32_t m = cres[0];

	res->sa = NULL;
	res->slot = GW_SPD_SLOT_NONE;
	res->term = 0;
	res->action = GW_SPD_BYPASS;
	res->drop = GW_DROP_NONE;
	if (m == 0)
		return;
	t = &r->terms[m - 1];
	res->term = (uint16_t)m;
	res->slot = t->slot;
	switch (t->action) {
	case GW_POLICY_PROTECT:
		res->sa = gw_spd_slot_sa(r->slots, t->slot);
		if (res->sa != NULL) {
			res->action = GW_SPD_PROTECT;
		} else {
			decide_fail_open(r, cres, t->slot, res);
			if (t->acquire && res->drop == GW_DROP_POLICY_NO_SA)
				res->drop = GW_DROP_ACQUIRE_NO_SA;
		}
		break;
	case GW_POLICY_DISCARD:
		res->action = GW_SPD_DROP;
		res->drop = GW_DROP_POLICY_DISCARD;
		break;
	default:	/* bypass; fail-open terms are never in category 0 */
		break;
	}
}

/*
 * Per-lcore cache of the ACL's answer for IPv4 tuples, used when the rules
 * have one category (no fail-open term): direct-mapped, keyed by the rule
 * set's generation and the whole tuple. The answer is a pure function of
 * both, so an entry can only be right or absent: a rebuild changes the
 * generation, and decide() still reads the slots (SA, disabled) per packet.
 * A hit costs a hash and a 20-byte compare instead of a trie walk (the ACL
 * was ~30 cycles a packet at 64 B with one term).
 */
#define SPD_CACHE_SIZE 4096u

struct spd_cache_entry {
	uint64_t gen;		/* 0 = empty (generations start at 1) */
	struct gw_spd_tuple4 key;
	uint32_t match;		/* category 0's result: term number, 0 = none */
};

_Static_assert(sizeof(struct spd_cache_entry) == 32, "two entries a cache line");

static struct spd_cache_entry spd_cache[RTE_MAX_LCORE][SPD_CACHE_SIZE] __rte_cache_aligned;

static inline uint32_t
spd_cache_slot(const struct gw_spd_tuple4 *t)
{
	uint64_t a, b;

	a = ((uint64_t)t->src << 32) | t->dst;
	b = ((uint64_t)t->sport << 48) | ((uint64_t)t->dport << 32) | ((uint64_t)t->proto << 8) |
	    (t->l4 != 0);
	a = (a ^ (b * UINT64_C(0x9e3779b97f4a7c15))) * UINT64_C(0xc2b2ae3d27d4eb4f);
	return (uint32_t)(a >> 40) & (SPD_CACHE_SIZE - 1);
}

static inline bool
tuple4_equal(const struct gw_spd_tuple4 *a, const struct gw_spd_tuple4 *b)
{
	uint64_t a0, a1, b0, b1;
	uint32_t a2, b2;

	memcpy(&a0, a, 8);
	memcpy(&a1, (const uint8_t *)a + 8, 8);
	memcpy(&a2, (const uint8_t *)a + 16, 4);
	memcpy(&b0, b, 8);
	memcpy(&b1, (const uint8_t *)b + 8, 8);
	memcpy(&b2, (const uint8_t *)b + 16, 4);
	return ((a0 ^ b0) | (a1 ^ b1) | (uint64_t)(a2 ^ b2)) == 0;
}

/*
 * IPv4 through the cache: hits answer at once, the misses go to the ACL
 * in one call and are remembered. r4[i] (one category) for each t4[i].
 */
static void
classify4_cached(const struct spd_rules *r, struct spd_cache_entry *cache,
		 const struct gw_spd_tuple4 *t4, uint32_t n4, uint32_t *r4)
{
	const uint8_t *miss_data[SPD_CHUNK];
	uint32_t miss_res[SPD_CHUNK], slot[SPD_CHUNK];
	uint16_t miss_idx[SPD_CHUNK];
	uint32_t i, nb_miss = 0;

	for (i = 0; i < n4; i++) {
		const struct spd_cache_entry *e;

		slot[i] = spd_cache_slot(&t4[i]);
		e = &cache[slot[i]];
		if (e->gen == r->gen && tuple4_equal(&e->key, &t4[i])) {
			r4[i] = e->match;
			continue;
		}
		miss_data[nb_miss] = (const uint8_t *)&t4[i];
		miss_idx[nb_miss++] = (uint16_t)i;
	}
	if (nb_miss == 0)
		return;
	rte_acl_classify(r->ctx[SPD_V4], miss_data, miss_res, nb_miss, 1);
	for (i = 0; i < nb_miss; i++) {
		struct spd_cache_entry *e = &cache[slot[miss_idx[i]]];

		r4[miss_idx[i]] = miss_res[i];
		e->gen = r->gen;
		e->key = t4[miss_idx[i]];
		e->match = miss_res[i];
	}
}

/*
 * IPv4 tuples through the cache (one category) or the ACL, decided into
 * res[idx[i]] (idx NULL: res[i]). r->ctx[SPD_V4] is not NULL.
 */
static void
classify4_decide(const struct spd_rules *r, const struct gw_spd_tuple4 *t4, uint32_t n4,
		 const uint16_t *idx, struct gw_spd_result *res)
{
	const uint8_t *d4[SPD_CHUNK];
	uint32_t r4[SPD_CHUNK * RTE_ACL_MAX_CATEGORIES];
	unsigned int lcore = rte_lcore_id();
	uint32_t i;

	if (r->ncat == 1 && lcore < RTE_MAX_LCORE) {
		classify4_cached(r, spd_cache[lcore], t4, n4, r4);
	} else {
		for (i = 0; i < n4; i++)
			d4[i] = (const uint8_t *)&t4[i];
		rte_acl_classify(r->ctx[SPD_V4], d4, r4, n4, r->ncat);
	}
	for (i = 0; i < n4; i++)
		decide(r, &r4[i * r->ncat], &res[idx != NULL ? idx[i] : i]);
}

/*
 * Hits per run of one term: a burst mostly hits one term, and an increment
 * per packet chains every load on the previous store. Returns how many of
 * the n results are not drops.
 */
static uint16_t
count_hits(const struct gw_spd_result *res, uint16_t n, uint64_t *hits)
{
	uint16_t good = 0;
	uint32_t i, j;

	for (i = 0; i < n; i = j) {
		uint16_t term = res[i].term;

		for (j = i; j < n && res[j].term == term; j++)
			good += res[j].action != GW_SPD_DROP;
		if (term != 0)
			hits[term - 1] += j - i;
	}
	return good;
}

static uint16_t
classify_chunk(const struct spd_rules *r, struct rte_mbuf **pkts, uint16_t n,
	       struct gw_spd_result *res, uint64_t *hits)
{
	struct gw_spd_tuple4 t4[SPD_CHUNK];
	struct spd_tuple6 t6[SPD_CHUNK];
	const uint8_t *d6[SPD_CHUNK];
	uint32_t r6[SPD_CHUNK * RTE_ACL_MAX_CATEGORIES];
	static const uint32_t none[RTE_ACL_MAX_CATEGORIES];
	uint16_t idx4[SPD_CHUNK], idx6[SPD_CHUNK];
	uint32_t n4 = 0, n6 = 0, i;

	for (i = 0; i < n; i++) {
		uint8_t l3 = gw_meta(pkts[i])->l3;

		if (l3 == GW_L3_IPV4 && r->ctx[SPD_V4] != NULL) {
			tuple4(pkts[i], &t4[n4]);
			idx4[n4++] = (uint16_t)i;
		} else if (l3 == GW_L3_IPV6 && r->ctx[SPD_V6] != NULL) {
			tuple6(pkts[i], &t6[n6]);
			d6[n6] = (const uint8_t *)&t6[n6];
			idx6[n6++] = (uint16_t)i;
		} else {
			decide(r, none, &res[i]);	/* no rule for it: bypass */
		}
	}
	if (n4 != 0)
		classify4_decide(r, t4, n4, idx4, res);
	if (n6 != 0)
		rte_acl_classify(r->ctx[SPD_V6], d6, r6, n6, r->ncat);
	for (i = 0; i < n6; i++)
		decide(r, &r6[i * r->ncat], &res[idx6[i]]);
	return count_hits(res, n, hits);
}

/* The calling lcore's row of hit counters (non-EAL threads share the last row, best effort). */
static inline uint64_t *
hits_row(const struct spd_rules *r)
{
	unsigned int lcore = rte_lcore_id();

	return &r->hits[(size_t)(lcore < RTE_MAX_LCORE ? lcore : RTE_MAX_LCORE) * r->hits_stride];
}

/* No rule set published yet: everything bypasses. */
static uint16_t
bypass_all(struct gw_spd_result *res, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		res[i] = (struct gw_spd_result){ .slot = GW_SPD_SLOT_NONE };
	return n;
}

/* Tuples gathered by the caller (gw_spd_classify4_bulk): classify_chunk's IPv4 half. */
static uint16_t
classify4_chunk(const struct spd_rules *r, const struct gw_spd_tuple4 *t4, uint16_t n,
		struct gw_spd_result *res, uint64_t *hits)
{
	static const uint32_t none[RTE_ACL_MAX_CATEGORIES];

	if (r->ctx[SPD_V4] != NULL) {
		classify4_decide(r, t4, n, NULL, res);
	} else {
		for (uint16_t i = 0; i < n; i++)
			decide(r, none, &res[i]);	/* no IPv4 rule: bypass */
	}
	return count_hits(res, n, hits);
}

/* n packets, or n tuples when t4 is not NULL, in chunks of one ACL call. */
static uint16_t
classify_bulk(struct gw_spd *spd, struct rte_mbuf **pkts, const struct gw_spd_tuple4 *t4,
	      uint16_t n, struct gw_spd_result *res)
{
	const struct spd_rules *r = __atomic_load_n(&spd->rules, __ATOMIC_ACQUIRE);
	uint16_t done, cnt, good = 0;
	uint64_t *hits;

	if (r == NULL)
		return bypass_all(res, n);
	hits = hits_row(r);
	for (done = 0; done < n; done += cnt) {
		cnt = RTE_MIN((uint16_t)(n - done), (uint16_t)SPD_CHUNK);
		good += t4 != NULL ? classify4_chunk(r, t4 + done, cnt, res + done, hits) :
			classify_chunk(r, pkts + done, cnt, res + done, hits);
	}
	return good;
}

uint16_t
gw_spd_classify_bulk(struct gw_spd *spd, struct rte_mbuf **pkts, uint16_t n,
		     struct gw_spd_result *res)
{
	return classify_bulk(spd, pkts, NULL, n, res);
}

uint16_t
gw_spd_classify4_bulk(struct gw_spd *spd, const struct gw_spd_tuple4 *t, uint16_t n,
		      struct gw_spd_result *res)
{
	return classify_bulk(spd, NULL, t, n, res);
}
