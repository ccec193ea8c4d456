/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Route table, writer side (control thread only).
 *
 * Next-hop entries are shared between routes with the same next hop and
 * reference-counted here; the count lives in the writer's array, never in the
 * entry the workers read. A released entry goes through an rte_rcu_qsbr defer
 * queue before it returns to the free list.
 *
 * rte_lpm6 frees a tbl8 group on delete and may hand it out again on the
 * next add while a worker is still walking it. It never frees the memory (the
 * groups live inside the lpm6 object), so the worst case would be one lookup
 * answered with another rule's next hop. We avoid even that: after an IPv6
 * delete we take an RCU token, and the next IPv6 change first waits until
 * every worker has passed a quiescent state.
 */

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "gw_log.h"
#include "gw_route.h"
#include "gw_route_priv.h"

#define GW_ROUTE_DEF_RULES4 4096
#define GW_ROUTE_DEF_RULES6 4096
#define GW_ROUTE_DEF_TBL8S4 256
#define GW_ROUTE_DEF_TBL8S6 4096
#define GW_ROUTE_DEF_NH 4096
#define GW_ROUTE_MAX_NH (1u << 21)	/* lpm6 next hops are 21 bits */

const char *
gw_route_kind_name(enum gw_route_kind kind)
{
	static const char *const names[] = {
		[GW_ROUTE_NONE] = "none", [GW_ROUTE_FORWARD] = "forward",
		[GW_ROUTE_LOCAL] = "local", [GW_ROUTE_DISCARD] = "discard",
	};

	return (unsigned int)kind < RTE_DIM(names) ? names[kind] : "?";
}

const char *
gw_route_source_name(enum gw_route_source source)
{
	static const char *const names[] = {
		[GW_ROUTE_SRC_DIRECT] = "Direct", [GW_ROUTE_SRC_LOCAL] = "Local",
		[GW_ROUTE_SRC_STATIC] = "Static",
	};

	return (unsigned int)source < RTE_DIM(names) ? names[source] : "?";
}

static void
route_nh_free_cb(void *p, void *e, unsigned int n)
{
	struct gw_route_ctl *c = p;
	const uint32_t *idx = e;
	unsigned int i;

	for (i = 0; i < n; i++)
		c->nh_free[c->nb_free++] = idx[i];
}

struct gw_route_table *
gw_route_table_create(const char *name, int socket_id, const struct gw_route_params *params,
		      struct rte_rcu_qsbr *qsbr)
{
	struct gw_route_params p = {
		GW_ROUTE_DEF_RULES4, GW_ROUTE_DEF_RULES6, GW_ROUTE_DEF_TBL8S4,
		GW_ROUTE_DEF_TBL8S6, GW_ROUTE_DEF_NH,
	};
	char n[RTE_MEMZONE_NAMESIZE];
	struct gw_route_table *t;
	struct gw_route_ctl *c;
	uint32_t i;
	int err;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (params != NULL) {
		p.max_rules4 = params->max_rules4 ? params->max_rules4 : p.max_rules4;
		p.max_rules6 = params->max_rules6 ? params->max_rules6 : p.max_rules6;
		p.tbl8s4 = params->tbl8s4 ? params->tbl8s4 : p.tbl8s4;
		p.tbl8s6 = params->tbl8s6 ? params->tbl8s6 : p.tbl8s6;
		p.max_nh = params->max_nh ? params->max_nh : p.max_nh;
	}
	if (p.max_nh > GW_ROUTE_MAX_NH) {
		errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("gw_route", sizeof(*t), RTE_CACHE_LINE_SIZE, socket_id);
	c = calloc(1, sizeof(*c));
	if (t == NULL || c == NULL)
		goto nomem;
	t->ctl = c;
	c->qsbr = qsbr;
	c->max_nh = p.max_nh;
	c->max_rules = p.max_rules4 + p.max_rules6;
	c->nh = rte_zmalloc_socket("gw_route_nh", sizeof(*c->nh) * p.max_nh,
				   RTE_CACHE_LINE_SIZE, socket_id);
	c->nh_ref = calloc(p.max_nh, sizeof(*c->nh_ref));
	c->nh_free = calloc(p.max_nh, sizeof(*c->nh_free));
	c->rules = calloc(c->max_rules, sizeof(*c->rules));
	if (c->nh == NULL || c->nh_ref == NULL || c->nh_free == NULL || c->rules == NULL)
		goto nomem;
	t->nh = c->nh;
	for (i = 0; i < p.max_nh; i++)
		c->nh_free[i] = p.max_nh - 1 - i;	/* pop 0 first */
	c->nb_free = p.max_nh;

	snprintf(n, sizeof(n), "%s_v4", name);
	t->lpm4 = rte_lpm_create(n, socket_id, &(struct rte_lpm_config){
		.max_rules = p.max_rules4, .number_tbl8s = p.tbl8s4 });
	if (t->lpm4 == NULL)
		goto dpdk_err;
	snprintf(n, sizeof(n), "%s_v6", name);
	t->lpm6 = rte_lpm6_create(n, socket_id, &(struct rte_lpm6_config){
		.max_rules = p.max_rules6, .number_tbl8s = p.tbl8s6 });
	if (t->lpm6 == NULL)
		goto dpdk_err;
	if (qsbr != NULL) {
		struct rte_lpm_rcu_config rc = { .v = qsbr, .mode = RTE_LPM_QSBR_MODE_DQ };

		snprintf(n, sizeof(n), "%s_nh", name);
		if (rte_lpm_rcu_qsbr_add(t->lpm4, &rc) != 0)
			goto dpdk_err;
		c->dq = rte_rcu_qsbr_dq_create(&(struct rte_rcu_qsbr_dq_parameters){
			.name = n, .size = p.max_nh, .esize = sizeof(uint32_t),
			.trigger_reclaim_limit = p.max_nh / 8, .max_reclaim_size = 64,
			.free_fn = route_nh_free_cb, .p = c, .v = qsbr });
		if (c->dq == NULL)
			goto dpdk_err;
	}
	return t;

dpdk_err:
	err = rte_errno ? rte_errno : ENOMEM;
	GW_LOG(database, ERR, "route table %s: %s", name, rte_strerror(err));
	gw_route_table_free(t);
	errno = err;
	return NULL;
nomem:
	if (t != NULL)
		t->ctl = c;
	gw_route_table_free(t);
	if (t == NULL)
		free(c);
	errno = ENOMEM;
	return NULL;
}

void
gw_route_table_free(struct gw_route_table *t)
{
	struct gw_route_ctl *c;

	if (t == NULL)
		return;
	c = t->ctl;
	rte_lpm_free(t->lpm4);	/* also frees its RCU defer queue */
	rte_lpm6_free(t->lpm6);
	if (c != NULL) {
		if (c->dq != NULL)
			rte_rcu_qsbr_dq_delete(c->dq);
		rte_free(c->nh);
		free(c->nh_ref);
		free(c->nh_free);
		free(c->rules);
		free(c);
	}
	rte_free(t);
}

static bool
route_nh_equal(const struct gw_route_nh *a, const struct gw_route_nh *b)
{
	if (a->kind != b->kind || a->family != b->family || a->direct != b->direct ||
	    a->port != b->port)
		return false;
	if (a->direct || a->kind != GW_ROUTE_FORWARD)
		return true;
	return a->family == AF_INET ? a->gw.v4 == b->gw.v4 :
		memcmp(a->gw.v6, b->gw.v6, 16) == 0;
}

/* Find an identical live entry or publish a new one; takes a reference. */
static int
route_nh_get(struct gw_route_ctl *c, const struct gw_route_nh *want, uint32_t *idx)
{
	struct gw_route_nh nh = { 0 };
	uint32_t i;

	nh.kind = want->kind;
	nh.family = want->family;
	nh.port = want->port;
	nh.direct = want->direct;
	if (want->kind == GW_ROUTE_FORWARD && !want->direct)
		nh.gw = want->gw;
	for (i = 0; i < c->max_nh; i++) {
		if (c->nh_ref[i] != 0 && route_nh_equal(&c->nh[i], &nh)) {
			c->nh_ref[i]++;
			*idx = i;
			return 0;
		}
	}
	if (c->nb_free == 0 && c->dq != NULL) {
		rte_rcu_qsbr_dq_reclaim(c->dq, UINT32_MAX, NULL, NULL, NULL);
		if (c->nb_free == 0) {	/* all released ones still in their grace period */
			rte_rcu_qsbr_synchronize(c->qsbr, RTE_QSBR_THRID_INVALID);
			rte_rcu_qsbr_dq_reclaim(c->dq, UINT32_MAX, NULL, NULL, NULL);
		}
	}
	if (c->nb_free == 0)
		return -ENOSPC;
	i = c->nh_free[--c->nb_free];
	c->nh[i] = nh;
	c->nh_ref[i] = 1;
	/* The entry is complete before any LPM rule can lead a reader to it. */
	rte_atomic_thread_fence(__ATOMIC_RELEASE);
	*idx = i;
	return 0;
}

static void
route_nh_put(struct gw_route_ctl *c, uint32_t idx)
{
	if (--c->nh_ref[idx] != 0)
		return;
	if (c->dq == NULL || rte_rcu_qsbr_dq_enqueue(c->dq, &idx) != 0) {
		/* No readers, or the queue is full: wait out the grace period here. */
		if (c->qsbr != NULL)
			rte_rcu_qsbr_synchronize(c->qsbr, RTE_QSBR_THRID_INVALID);
		c->nh_free[c->nb_free++] = idx;
	}
}

static void
route_v6_quiesce(struct gw_route_ctl *c)
{
	if (c->v6_pending && c->qsbr != NULL)
		rte_rcu_qsbr_check(c->qsbr, c->v6_token, true);
	c->v6_pending = false;
}

static void
prefix_mask(const struct gw_prefix *in, struct gw_prefix *out)
{
	unsigned int i;

	*out = *in;
	if (in->family == AF_INET) {
		uint32_t a = rte_be_to_cpu_32(in->v4.s_addr);

		a = in->len == 0 ? 0 : a & ~((1ull << (32 - in->len)) - 1);
		out->v4.s_addr = rte_cpu_to_be_32(a);
		return;
	}
	for (i = 0; i < 16; i++) {
		unsigned int bits = in->len > i * 8 ? in->len - i * 8 : 0;

		if (bits < 8)
			out->v6.s6_addr[i] &= (uint8_t)(0xff00 >> bits);
	}
}

static bool
prefix_valid(const struct gw_prefix *p)
{
	return (p->family == AF_INET && p->len <= 32) || (p->family == AF_INET6 && p->len <= 128);
}

static bool
prefix_equal(const struct gw_prefix *a, const struct gw_prefix *b)
{
	if (a->family != b->family || a->len != b->len)
		return false;
	return a->family == AF_INET ? a->v4.s_addr == b->v4.s_addr :
		memcmp(&a->v6, &b->v6, 16) == 0;
}

static struct gw_route_rule *
route_rule_find(struct gw_route_ctl *c, const struct gw_prefix *masked)
{
	uint32_t i;

	for (i = 0; i < c->max_rules; i++)
		if (c->rules[i].used && prefix_equal(&c->rules[i].prefix, masked))
			return &c->rules[i];
	return NULL;
}

static int
route_lpm_set(struct gw_route_table *t, const struct gw_prefix *p, uint32_t nh)
{
	if (p->len == 0) {
		__atomic_store_n(p->family == AF_INET ? &t->def4 : &t->def6,
				 nh | GW_ROUTE_DEF_VALID, __ATOMIC_RELEASE);
		return 0;
	}
	if (p->family == AF_INET)
		return rte_lpm_add(t->lpm4, rte_be_to_cpu_32(p->v4.s_addr), p->len, nh);
	route_v6_quiesce(t->ctl);
	return rte_lpm6_add(t->lpm6, p->v6.s6_addr, p->len, nh);
}

static int
route_lpm_unset(struct gw_route_table *t, const struct gw_prefix *p)
{
	struct gw_route_ctl *c = t->ctl;
	int ret;

	if (p->len == 0) {
		__atomic_store_n(p->family == AF_INET ? &t->def4 : &t->def6, 0,
				 __ATOMIC_RELEASE);
		return 0;
	}
	if (p->family == AF_INET)
		return rte_lpm_delete(t->lpm4, rte_be_to_cpu_32(p->v4.s_addr), p->len);
	route_v6_quiesce(c);
	ret = rte_lpm6_delete(t->lpm6, p->v6.s6_addr, p->len);
	if (c->qsbr != NULL) {
		c->v6_token = rte_rcu_qsbr_start(c->qsbr);
		c->v6_pending = true;
	}
	return ret;
}

/* own_bits from the Local routes now in the table (writer; few rules change it). */
static void
route_own_bits_update(struct gw_route_table *t)
{
	const struct gw_route_ctl *c = t->ctl;
	uint64_t bits = 0;
	uint32_t i;

	for (i = 0; i < c->max_rules; i++) {
		const struct gw_route_rule *r = &c->rules[i];

		if (r->used && c->nh[r->nh].kind == GW_ROUTE_LOCAL)
			bits |= UINT64_C(1) << gw_route_own_bit(
				r->prefix.family == AF_INET ? (const void *)&r->prefix.v4 :
							      (const void *)&r->prefix.v6,
				r->prefix.family == AF_INET6);
	}
	__atomic_store_n(&t->own_bits, bits, __ATOMIC_RELAXED);
}

int
gw_route_add(struct gw_route_table *t, const struct gw_prefix *prefix,
	     enum gw_route_source source, const struct gw_route_nh *nh)
{
	struct gw_route_ctl *c;
	struct gw_route_rule *r;
	struct gw_prefix p;
	uint32_t idx, i;
	bool was_local = false;
	int ret;

	if (t == NULL || prefix == NULL || nh == NULL || !prefix_valid(prefix) ||
	    nh->kind == GW_ROUTE_NONE || nh->kind > GW_ROUTE_DISCARD ||
	    (nh->kind == GW_ROUTE_FORWARD && nh->family != prefix->family))
		return -EINVAL;
	c = t->ctl;
	prefix_mask(prefix, &p);
	r = route_rule_find(c, &p);
	if (r != NULL && (r->source == GW_ROUTE_SRC_STATIC) != (source == GW_ROUTE_SRC_STATIC))
		return -EEXIST;
	if (r == NULL && c->nb_rules == c->max_rules)
		return -ENOSPC;
	ret = route_nh_get(c, nh, &idx);
	if (ret != 0)
		return ret;
	if (r != NULL && r->nh == idx) {	/* unchanged */
		route_nh_put(c, idx);
		r->mark = false;
		return 0;
	}
	ret = route_lpm_set(t, &p, idx);
	if (ret != 0) {
		route_nh_put(c, idx);
		return ret == -ENOSPC ? -ENOSPC : -EINVAL;
	}
	if (r != NULL) {
		was_local = c->nh[r->nh].kind == GW_ROUTE_LOCAL;
		route_nh_put(c, r->nh);
	} else {
		for (i = 0; c->rules[i].used; i++)
			;
		r = &c->rules[i];
		r->prefix = p;
		r->used = true;
		c->nb_rules++;
	}
	r->nh = idx;
	r->source = (uint8_t)source;
	r->mark = false;
	if (was_local || nh->kind == GW_ROUTE_LOCAL)
		route_own_bits_update(t);
	return 0;
}

struct gw_route_rule *
gw_route_rule_lookup(struct gw_route_table *t, const struct gw_prefix *prefix)
{
	struct gw_prefix p;

	prefix_mask(prefix, &p);
	return route_rule_find(t->ctl, &p);
}

void
gw_route_rule_remove(struct gw_route_table *t, struct gw_route_rule *r)
{
	bool was_local = t->ctl->nh[r->nh].kind == GW_ROUTE_LOCAL;

	route_lpm_unset(t, &r->prefix);
	route_nh_put(t->ctl, r->nh);
	r->used = false;
	t->ctl->nb_rules--;
	if (was_local)
		route_own_bits_update(t);
}

int
gw_route_del(struct gw_route_table *t, const struct gw_prefix *prefix)
{
	struct gw_route_rule *r;
	struct gw_prefix p;

	if (t == NULL || prefix == NULL || !prefix_valid(prefix))
		return -EINVAL;
	prefix_mask(prefix, &p);
	r = route_rule_find(t->ctl, &p);
	if (r == NULL)
		return -ENOENT;
	gw_route_rule_remove(t, r);
	return 0;
}

static void
host_prefix(const struct gw_prefix *addr, struct gw_prefix *host)
{
	*host = *addr;
	host->len = addr->family == AF_INET ? 32 : 128;
}

int
gw_route_add_interface_addr(struct gw_route_table *t, uint16_t port, const struct gw_prefix *addr)
{
	struct gw_route_nh nh = { .family = addr->family, .port = port };
	struct gw_prefix host;
	int ret;

	if (!prefix_valid(addr))
		return -EINVAL;
	host_prefix(addr, &host);
	nh.kind = GW_ROUTE_LOCAL;
	ret = gw_route_add(t, &host, GW_ROUTE_SRC_LOCAL, &nh);
	if (ret != 0 || addr->len == host.len)
		return ret;
	nh.kind = GW_ROUTE_FORWARD;
	nh.direct = 1;
	return gw_route_add(t, addr, GW_ROUTE_SRC_DIRECT, &nh);
}

int
gw_route_del_interface_addr(struct gw_route_table *t, const struct gw_prefix *addr)
{
	struct gw_prefix host;
	int ret;

	if (!prefix_valid(addr))
		return -EINVAL;
	host_prefix(addr, &host);
	ret = gw_route_del(t, &host);
	if (addr->len != host.len) {
		int r2 = gw_route_del(t, addr);

		ret = ret != 0 ? ret : r2;
	}
	return ret;
}

enum gw_route_kind
gw_route_lookup(const struct gw_route_table *t, const struct gw_ipaddr *dst,
		struct gw_route_result *res)
{
	if (dst->family == AF_INET) {
		rte_be32_t a = dst->v4.s_addr;

		gw_route_lookup4_bulk(t, &a, res, 1);
	} else if (dst->family == AF_INET6) {
		uint8_t a[1][16];

		memcpy(a[0], &dst->v6, 16);
		gw_route_lookup6_bulk(t, a, res, 1);
	} else {
		res->kind = GW_ROUTE_NONE;
	}
	return (enum gw_route_kind)res->kind;
}

int
gw_route_walk(const struct gw_route_table *t, gw_route_walk_cb cb, void *arg)
{
	const struct gw_route_ctl *c = t->ctl;
	uint32_t i;
	int ret;

	for (i = 0; i < c->max_rules; i++) {
		const struct gw_route_rule *r = &c->rules[i];

		if (!r->used)
			continue;
		ret = cb(&r->prefix, (enum gw_route_source)r->source, &c->nh[r->nh], arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

unsigned int
gw_route_count(const struct gw_route_table *t)
{
	return t->ctl->nb_rules;
}

void
gw_route_reclaim(struct gw_route_table *t)
{
	if (t->ctl->dq != NULL)
		rte_rcu_qsbr_dq_reclaim(t->ctl->dq, UINT32_MAX, NULL, NULL, NULL);
}
