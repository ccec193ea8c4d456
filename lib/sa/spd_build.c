/* SPDX-License-Identifier: BSD-3-Clause */
/* SPD: compile policy terms into rte_acl contexts, publish, retire. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "gw_log.h"
#include "spd_priv.h"

#define F4_NB 6
#define F6_NB 12

RTE_ACL_RULE_DEF(spd_rule4, F4_NB);
RTE_ACL_RULE_DEF(spd_rule6, F6_NB);

#define FDEF(t, sz, fi, ii, off) { .type = (t), .size = (sz), .field_index = (fi), \
	.input_index = (ii), .offset = (off) }

static const struct rte_acl_field_def fdef4[F4_NB] = {
	FDEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 0, 0, offsetof(struct gw_spd_tuple4, proto)),
	FDEF(RTE_ACL_FIELD_TYPE_MASK, 4, 1, 1, offsetof(struct gw_spd_tuple4, src)),
	FDEF(RTE_ACL_FIELD_TYPE_MASK, 4, 2, 2, offsetof(struct gw_spd_tuple4, dst)),
	FDEF(RTE_ACL_FIELD_TYPE_RANGE, 2, 3, 3, offsetof(struct gw_spd_tuple4, sport)),
	FDEF(RTE_ACL_FIELD_TYPE_RANGE, 2, 4, 3, offsetof(struct gw_spd_tuple4, dport)),
	FDEF(RTE_ACL_FIELD_TYPE_BITMASK, 4, 5, 4, offsetof(struct gw_spd_tuple4, l4)),
};

#define V6W(fi, arr, w) FDEF(RTE_ACL_FIELD_TYPE_MASK, 4, fi, fi, \
	offsetof(struct spd_tuple6, arr) + 4 * (w))

static const struct rte_acl_field_def fdef6[F6_NB] = {
	FDEF(RTE_ACL_FIELD_TYPE_BITMASK, 1, 0, 0, offsetof(struct spd_tuple6, proto)),
	V6W(1, src, 0), V6W(2, src, 1), V6W(3, src, 2), V6W(4, src, 3),
	V6W(5, dst, 0), V6W(6, dst, 1), V6W(7, dst, 2), V6W(8, dst, 3),
	FDEF(RTE_ACL_FIELD_TYPE_RANGE, 2, 9, 9, offsetof(struct spd_tuple6, sport)),
	FDEF(RTE_ACL_FIELD_TYPE_RANGE, 2, 10, 9, offsetof(struct spd_tuple6, dport)),
	FDEF(RTE_ACL_FIELD_TYPE_BITMASK, 4, 11, 10, offsetof(struct spd_tuple6, l4)),
};

static void
rules_destroy(struct spd_rules *r)
{
	unsigned int i;

	if (r == NULL)
		return;
	for (i = 0; i < SPD_NB_FAMILIES; i++)
		rte_acl_free(r->ctx[i]);
	for (i = 0; r->terms != NULL && i < r->nb_terms; i++)
		if (r->terms[i].slot != GW_SPD_SLOT_NONE)
			gw_spd_slot_put(r->slots, r->terms[i].slot);
	rte_free(r->terms);
	rte_free(r->hits);
	free(r->hits_base);
	rte_free(r);
}

static void
rules_release(void *obj, void *arg)
{
	(void)arg;
	rules_destroy(obj);
}

struct gw_spd *
gw_spd_create(const struct gw_spd_params *p)
{
	struct gw_spd *spd;

	if (p == NULL || p->name == NULL || p->slots == NULL || p->rcu == NULL) {
		errno = EINVAL;
		return NULL;
	}
	spd = rte_zmalloc_socket("gw_spd", sizeof(*spd), RTE_CACHE_LINE_SIZE, p->socket);
	if (spd == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	spd->slots = p->slots;
	spd->socket = p->socket;
	snprintf(spd->name, sizeof(spd->name), "%s", p->name);
	/* A handful of rule sets in flight at most; beyond that, synchronize. */
	spd->gc = sa_gc_create(p->rcu, 64);
	if (spd->gc == NULL) {
		rte_free(spd);
		return NULL;
	}
	return spd;
}

void
gw_spd_free(struct gw_spd *spd)
{
	if (spd == NULL)
		return;
	if (spd->rules != NULL)
		sa_gc_defer(spd->gc, rules_release, spd->rules, NULL);
	sa_gc_free(spd->gc);
	rte_free(spd);
}

static bool
term_any_port(uint16_t lo, uint16_t hi)
{
	return (lo == 0 && hi == UINT16_MAX) || (lo == 0 && hi == 0);
}

/* Fields shared by both families: proto, ports, the l4 requirement. */
static void
rule_common(const struct gw_spd_term *t, struct rte_acl_field *proto,
	    struct rte_acl_field *sport, struct rte_acl_field *dport, struct rte_acl_field *l4)
{
	bool any_s = term_any_port(t->sport_lo, t->sport_hi);
	bool any_d = term_any_port(t->dport_lo, t->dport_hi);

	proto->value.u8 = t->proto;
	proto->mask_range.u8 = t->proto != 0 ? UINT8_MAX : 0;
	sport->value.u16 = any_s ? 0 : t->sport_lo;
	sport->mask_range.u16 = any_s ? UINT16_MAX : t->sport_hi;
	dport->value.u16 = any_d ? 0 : t->dport_lo;
	dport->mask_range.u16 = any_d ? UINT16_MAX : t->dport_hi;
	l4->value.u32 = (any_s && any_d) ? 0 : 1;
	l4->mask_range.u32 = (any_s && any_d) ? 0 : 1;
}

static void
rule4(const struct gw_spd_term *t, struct spd_rule4 *r)
{
	rule_common(t, &r->field[0], &r->field[3], &r->field[4], &r->field[5]);
	if (t->src.family == AF_INET) {
		r->field[1].value.u32 = rte_be_to_cpu_32(t->src.v4.s_addr);
		r->field[1].mask_range.u32 = t->src.len;
	}
	if (t->dst.family == AF_INET) {
		r->field[2].value.u32 = rte_be_to_cpu_32(t->dst.v4.s_addr);
		r->field[2].mask_range.u32 = t->dst.len;
	}
}

static void
prefix6(const struct gw_prefix *p, struct rte_acl_field *f)
{
	uint32_t w;
	int bits;

	if (p->family != AF_INET6)
		return;
	for (w = 0; w < 4; w++) {
		memcpy(&f[w].value.u32, &p->v6.s6_addr[4 * w], 4);
		f[w].value.u32 = rte_be_to_cpu_32(f[w].value.u32);
		bits = (int)p->len - 32 * (int)w;
		f[w].mask_range.u32 = (uint32_t)RTE_MAX(0, RTE_MIN(32, bits));
	}
}

static void
rule6(const struct gw_spd_term *t, struct spd_rule6 *r)
{
	rule_common(t, &r->field[0], &r->field[9], &r->field[10], &r->field[11]);
	prefix6(&t->src, &r->field[1]);
	prefix6(&t->dst, &r->field[5]);
}

/* Which families a term applies to: bit 0 IPv4, bit 1 IPv6; 0 = invalid. */
static unsigned int
term_families(const struct gw_spd_term *t)
{
	uint8_t fs = t->src.family, fd = t->dst.family;

	if ((fs != 0 && fs != AF_INET && fs != AF_INET6) ||
	    (fd != 0 && fd != AF_INET && fd != AF_INET6) || (fs != 0 && fd != 0 && fs != fd))
		return 0;
	if (fs == AF_INET || fd == AF_INET)
		return 1u << SPD_V4;
	if (fs == AF_INET6 || fd == AF_INET6)
		return 1u << SPD_V6;
	return (1u << SPD_V4) | (1u << SPD_V6);
}

static int
ctx_build(struct spd_rules *r, unsigned int fam, const struct gw_spd_term *terms,
	  const uint32_t *cat, int socket, const char *tag)
{
	static uint32_t seq;
	struct rte_acl_param prm = { 0 };
	struct rte_acl_config cfg = { 0 };
	char name[RTE_ACL_NAMESIZE];
	union {
		struct spd_rule4 r4;
		struct spd_rule6 r6;
	} u;
	struct rte_acl_rule *rule = (struct rte_acl_rule *)&u;
	unsigned int i, nb = 0;
	int ret;

	for (i = 0; i < r->nb_terms; i++)
		nb += (term_families(&terms[i]) >> fam) & 1;
	if (nb == 0)
		return 0;
	snprintf(name, sizeof(name), "spd%u_%.12s_%c", __atomic_fetch_add(&seq, 1,
		 __ATOMIC_RELAXED), tag, fam == SPD_V4 ? '4' : '6');
	prm.name = name;
	prm.socket_id = socket;
	prm.rule_size = RTE_ACL_RULE_SZ(fam == SPD_V4 ? F4_NB : F6_NB);
	prm.max_rule_num = nb;
	r->ctx[fam] = rte_acl_create(&prm);
	if (r->ctx[fam] == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	for (i = 0; i < r->nb_terms; i++) {
		if (!((term_families(&terms[i]) >> fam) & 1))
			continue;
		memset(&u, 0, sizeof(u));
		if (fam == SPD_V4)
			rule4(&terms[i], &u.r4);
		else
			rule6(&terms[i], &u.r6);
		rule->data.category_mask = 1u << cat[i];
		rule->data.priority = RTE_ACL_MAX_PRIORITY - (int32_t)i;
		rule->data.userdata = i + 1;
		ret = rte_acl_add_rules(r->ctx[fam], rule, 1);
		if (ret != 0)
			return ret;
	}
	cfg.num_categories = r->ncat;
	cfg.num_fields = fam == SPD_V4 ? F4_NB : F6_NB;
	memcpy(cfg.defs, fam == SPD_V4 ? fdef4 : fdef6,
	       sizeof(cfg.defs[0]) * cfg.num_fields);
	return rte_acl_build(r->ctx[fam], &cfg);
}

/* Slots and categories of the terms. */
static int
rules_terms(struct spd_rules *r, const struct gw_spd_term *terms, uint32_t *cat)
{
	unsigned int i, c;
	int idx;

	for (i = 0; i < r->nb_terms; i++)
		r->terms[i].slot = GW_SPD_SLOT_NONE;
	for (i = 0; i < r->nb_terms; i++) {
		const struct gw_spd_term *t = &terms[i];

		r->terms[i].action = (uint8_t)t->action;
		r->terms[i].acquire = (t->flags & GW_SPD_TERM_ACQUIRE) != 0;
		cat[i] = 0;
		if (term_families(t) == 0 || t->action > GW_POLICY_FAIL_OPEN)
			return -EINVAL;
		if (t->action != GW_POLICY_PROTECT && t->action != GW_POLICY_FAIL_OPEN)
			continue;
		idx = gw_spd_slot_get(r->slots, t->sa);
		if (idx < 0)
			return idx;
		r->terms[i].slot = (uint32_t)idx;
		if (t->action != GW_POLICY_FAIL_OPEN)
			continue;
		for (c = 1; c <= r->nb_fo; c++)
			if (r->fo_slot[c] == (uint32_t)idx)
				break;
		if (c > r->nb_fo) {
			if (r->nb_fo == SPD_MAX_FO_SLOTS)
				return -E2BIG;
			r->fo_slot[++r->nb_fo] = (uint32_t)idx;
		}
		cat[i] = c;
	}
	r->ncat = r->nb_fo == 0 ? 1 : RTE_ALIGN(r->nb_fo + 1, RTE_ACL_RESULTS_MULTIPLIER);
	return 0;
}

/* Hits of term in r, from its lcore rows and what it carried. */
static uint64_t
rules_term_hits(const struct spd_rules *r, unsigned int term)
{
	uint64_t sum = r->hits_base == NULL ? 0 : r->hits_base[term];
	unsigned int l;

	for (l = 0; l <= RTE_MAX_LCORE; l++)
		sum += __atomic_load_n(&r->hits[(size_t)l * r->hits_stride + term],
				       __ATOMIC_RELAXED);
	return sum;
}

/*
 * Read after the new set is published: only packets classified by the old
 * set during the readers' switch-over (one poll loop) are not carried.
 */
static void
rules_carry(struct spd_rules *r, const struct spd_rules *old, const int32_t *carry)
{
	unsigned int i;

	if (carry == NULL || old == NULL)
		return;
	r->hits_base = calloc(RTE_MAX(r->nb_terms, 1u), sizeof(*r->hits_base));
	if (r->hits_base == NULL)
		return;		/* counters restart: only statistics are lost */
	for (i = 0; i < r->nb_terms; i++)
		if (carry[i] >= 0 && (uint32_t)carry[i] < old->nb_terms)
			r->hits_base[i] = rules_term_hits(old, (unsigned int)carry[i]);
}

int
gw_spd_build(struct gw_spd *spd, const struct gw_spd_term *terms, unsigned int nb_terms)
{
	return gw_spd_build_carry(spd, terms, nb_terms, NULL);
}

int
gw_spd_build_carry(struct gw_spd *spd, const struct gw_spd_term *terms, unsigned int nb_terms,
		   const int32_t *carry)
{
	uint32_t cat[GW_SPD_MAX_TERMS];
	struct spd_rules *r, *old;
	unsigned int fam;
	int ret;

	if (nb_terms > GW_SPD_MAX_TERMS)
		return -E2BIG;
	if (nb_terms != 0 && terms == NULL)
		return -EINVAL;
	r = rte_zmalloc_socket("gw_spd_rules", sizeof(*r), RTE_CACHE_LINE_SIZE, spd->socket);
	if (r == NULL)
		return -ENOMEM;
	static uint64_t spd_gen;

	r->gen = __atomic_add_fetch(&spd_gen, 1, __ATOMIC_RELAXED);
	r->slots = spd->slots;
	r->nb_terms = nb_terms;
	r->hits_stride = RTE_ALIGN(RTE_MAX(nb_terms, 1u), RTE_CACHE_LINE_SIZE / sizeof(uint64_t));
	r->terms = rte_zmalloc_socket("gw_spd_terms", sizeof(*r->terms) * RTE_MAX(nb_terms, 1u),
				      RTE_CACHE_LINE_SIZE, spd->socket);
	r->hits = rte_zmalloc_socket("gw_spd_hits",
				     sizeof(uint64_t) * r->hits_stride * (RTE_MAX_LCORE + 1),
				     RTE_CACHE_LINE_SIZE, spd->socket);
	if (r->terms == NULL || r->hits == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = rules_terms(r, terms, cat);
	for (fam = 0; ret == 0 && fam < SPD_NB_FAMILIES; fam++)
		ret = ctx_build(r, fam, terms, cat, spd->socket, spd->name);
	if (ret != 0)
		goto fail;
	old = spd->rules;
	__atomic_store_n(&spd->rules, r, __ATOMIC_RELEASE);
	rules_carry(r, old, carry);
	if (old != NULL)
		sa_gc_defer(spd->gc, rules_release, old, NULL);
	GW_LOG(policy, INFO, "spd %s: %u terms published (%u fail-open SAs)", spd->name,
	       nb_terms, r->nb_fo);
	return 0;
fail:
	GW_LOG(policy, ERR, "spd %s: build of %u terms failed: %s", spd->name, nb_terms,
	       strerror(-ret));
	rules_destroy(r);
	return ret;
}

unsigned int
gw_spd_nb_terms(const struct gw_spd *spd)
{
	const struct spd_rules *r = spd->rules;

	return r == NULL ? 0 : r->nb_terms;
}

int
gw_spd_term_hits(const struct gw_spd *spd, unsigned int term, uint64_t *hits)
{
	const struct spd_rules *r = spd->rules;

	if (r == NULL || term >= r->nb_terms)
		return -ENOENT;
	*hits = rules_term_hits(r, term);
	return 0;
}

void
gw_spd_reclaim(struct gw_spd *spd)
{
	sa_gc_reclaim(spd->gc);
}

void
gw_spd_sync(struct gw_spd *spd)
{
	sa_gc_drain(spd->gc);
}
