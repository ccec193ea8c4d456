/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ROUTE_H
#define GW_ROUTE_H

/*
 * Route table: rte_lpm (IPv4) and rte_lpm6 (IPv6) map a prefix to a 24-bit
 * (lpm6: 21-bit) index into an array of next-hop entries.
 *
 * Concurrency: one writer (the control thread) and lock-free readers (the
 * workers). A next-hop entry is written completely before an LPM rule points
 * at it and is never modified afterwards; an entry that no rule uses any more
 * goes to an rte_rcu_qsbr defer queue and is reused only after every worker
 * reported a quiescent state. rte_lpm reclaims its own tbl8 groups through
 * rte_lpm_rcu_qsbr_add(); rte_lpm6 has no such hook, so the writer waits for
 * a grace period after an IPv6 delete before the next IPv6 change (see
 * gw_route.c).
 *
 * Route kinds, in Junos terms: "Direct" (connected subnet of an interface
 * address: the next hop is the destination itself), "Local" (the interface
 * address itself, /32 or /128: for the appliance, punted to the kernel),
 * "Static" (a gateway address, or discard).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <rte_byteorder.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "gw_addr.h"
#include "gw_common.h"
#include "gw_stats.h"

enum gw_route_kind {
	GW_ROUTE_NONE = 0,	/* no route */
	GW_ROUTE_FORWARD,	/* send out of port to next hop */
	GW_ROUTE_LOCAL,		/* for the appliance: exception path */
	GW_ROUTE_DISCARD,	/* static discard route */
};

enum gw_route_source {
	GW_ROUTE_SRC_DIRECT = 0,	/* connected subnet */
	GW_ROUTE_SRC_LOCAL,		/* interface address */
	GW_ROUTE_SRC_STATIC,
};

/* Next-hop entry: immutable once an LPM rule points at it. */
struct gw_route_nh {
	uint8_t kind;		/* enum gw_route_kind */
	uint8_t family;		/* AF_INET / AF_INET6 */
	uint8_t direct;		/* next hop is the packet's destination */
	uint8_t pad;
	uint16_t port;		/* egress port (FORWARD), ingress-side port (LOCAL) */
	union {
		rte_be32_t v4;
		uint8_t v6[16];
	} gw;			/* gateway unless direct */
};

/* One lookup's answer. */
struct gw_route_result {
	uint8_t kind;		/* enum gw_route_kind */
	uint16_t port;
	union {
		rte_be32_t nh4;
		uint8_t nh6[16];
	};
};

struct gw_route_ctl;

#define GW_ROUTE_DEF_VALID RTE_LPM_LOOKUP_SUCCESS

struct gw_route_table {
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	const struct gw_route_nh *nh;	/* max_nh entries */
	/* Default routes (LPM depth 0 does not exist): 0 or nh index | GW_ROUTE_DEF_VALID. */
	uint32_t def4;
	uint32_t def6;
	struct gw_route_ctl *ctl;	/* writer side, opaque */
	/*
	 * One bit per own address (the Local routes, both families), at
	 * gw_route_own_bit(): a source whose bit is clear is not ours, without a
	 * lookup. Rewritten whole by the writer when a Local route comes or goes.
	 */
	uint64_t own_bits;
};

struct gw_route_params {
	uint32_t max_rules4;	/* default 4096 */
	uint32_t max_rules6;	/* default 4096 */
	uint32_t tbl8s4;	/* default 256 */
	uint32_t tbl8s6;	/* default 4096 */
	uint32_t max_nh;	/* default 4096 */
};

/*
 * Create an empty table. params may be NULL (defaults). qsbr may be NULL
 * when no reader runs concurrently (tests, tools): memory is then reused at
 * once. Returns NULL with errno set.
 */
struct gw_route_table *gw_route_table_create(const char *name, int socket_id,
					     const struct gw_route_params *params,
					     struct rte_rcu_qsbr *qsbr);
void gw_route_table_free(struct gw_route_table *t);

/*
 * Add or replace the route for prefix (host bits are ignored) from source.
 * A prefix has one route: a static route does not replace a direct or local
 * one (-EEXIST), and vice versa. Returns 0, -EINVAL, -EEXIST, -ENOSPC.
 */
int gw_route_add(struct gw_route_table *t, const struct gw_prefix *prefix,
		 enum gw_route_source source, const struct gw_route_nh *nh);
/* Delete the route for prefix. 0 or -ENOENT. */
int gw_route_del(struct gw_route_table *t, const struct gw_prefix *prefix);

/* Direct route for the subnet of addr and local /32 or /128 for addr itself. */
int gw_route_add_interface_addr(struct gw_route_table *t, uint16_t port,
				const struct gw_prefix *addr);
int gw_route_del_interface_addr(struct gw_route_table *t, const struct gw_prefix *addr);

/*
 * Replacing the table as a whole (a configuration commit; later a routing
 * protocol's full table), touching only what changed: gw_route_sync_begin()
 * marks every route stale; each route of the new table is then added with
 * gw_route_sync_add() or gw_route_sync_interface_addr() (a route that did
 * not change keeps its LPM rule and is no longer stale; a stale route of
 * another source for the same prefix gives way); gw_route_sync_end()
 * deletes the routes still stale and returns how many. Control thread.
 */
void gw_route_sync_begin(struct gw_route_table *t);
/* As gw_route_add(); 0, -EINVAL, -EEXIST (a route of the new table), -ENOSPC. */
int gw_route_sync_add(struct gw_route_table *t, const struct gw_prefix *prefix,
		      enum gw_route_source source, const struct gw_route_nh *nh);
/*
 * An interface address: the local /32 or /128 route to port, and the
 * direct route of its subnet (none for a host prefix or an IPv6 link-local
 * subnet, which exists on every port). 0 or as gw_route_sync_add().
 */
int gw_route_sync_interface_addr(struct gw_route_table *t, uint16_t port,
				 const struct gw_prefix *addr);
unsigned int gw_route_sync_end(struct gw_route_table *t);

/*
 * Port of the longest direct (connected) route covering ip, stale routes of
 * a sync in progress excluded: how a static route's next hop resolves.
 * The port, or -ENETUNREACH.
 */
int gw_route_direct_port(const struct gw_route_table *t, const struct gw_ipaddr *ip);

/* Visit every route (control thread: "show route"). cb returns non-zero to stop. */
typedef int (*gw_route_walk_cb)(const struct gw_prefix *prefix, enum gw_route_source source,
				const struct gw_route_nh *nh, void *arg);
int gw_route_walk(const struct gw_route_table *t, gw_route_walk_cb cb, void *arg);
unsigned int gw_route_count(const struct gw_route_table *t);

/* Reclaim next-hop entries whose grace period ended (periodic, control thread). */
void gw_route_reclaim(struct gw_route_table *t);

/* Single lookup, control thread or slow path. Returns the result kind. */
enum gw_route_kind gw_route_lookup(const struct gw_route_table *t, const struct gw_ipaddr *dst,
				   struct gw_route_result *res);

const char *gw_route_kind_name(enum gw_route_kind kind);
const char *gw_route_source_name(enum gw_route_source source);

/* ---- fast path ---- */

/*
 * Bit of an address (4 or 16 bytes) in own_bits: a multiplicative hash of its
 * words, an IPv4 address zero-extended. The words are loaded straight into
 * registers: copied first into a zeroed array, the 8-byte load spanned the
 * zeroing store and the 4-byte copy, could not be forwarded from either and
 * waited for both to retire (~20 cycles on every cleartext packet).
 */
static inline unsigned int
gw_route_own_bit(const void *addr, bool v6)
{
	uint64_t w0, w1 = 0;
	uint32_t a4;

	if (v6) {
		memcpy(&w0, addr, 8);
		memcpy(&w1, (const uint8_t *)addr + 8, 8);
	} else {
		memcpy(&a4, addr, 4);
		w0 = a4;
	}
	return (unsigned int)(((w0 ^ w1) * UINT64_C(0x9e3779b97f4a7c15)) >> 58);
}


static inline void
gw_route_result_fill(const struct gw_route_table *t, uint32_t hop, bool hit,
		     const void *dst, uint8_t family, struct gw_route_result *r)
{
	const struct gw_route_nh *nh;

	if (!hit) {
		r->kind = GW_ROUTE_NONE;
		return;
	}
	nh = &t->nh[hop];
	r->kind = nh->kind;
	r->port = nh->port;
	if (family == AF_INET)
		r->nh4 = nh->direct ? *(const rte_be32_t *)dst : nh->gw.v4;
	else
		memcpy(r->nh6, nh->direct ? dst : nh->gw.v6, 16);
}

/* Look up n (<= GW_MAX_BURST) IPv4 destinations in network order. */
static inline void
gw_route_lookup4_bulk(const struct gw_route_table *t, const rte_be32_t *dst,
		      struct gw_route_result *res, unsigned int n)
{
	uint32_t ips[GW_MAX_BURST], hops[GW_MAX_BURST];
	uint32_t def = __atomic_load_n(&t->def4, __ATOMIC_ACQUIRE);
	unsigned int i;

	for (i = 0; i < n; i++)
		ips[i] = rte_be_to_cpu_32(dst[i]);
	rte_lpm_lookup_bulk(t->lpm4, ips, hops, n);
	for (i = 0; i < n; i++) {
		uint32_t h = (hops[i] & RTE_LPM_LOOKUP_SUCCESS) ? hops[i] : def;

		gw_route_result_fill(t, h & 0x00ffffff, (h & GW_ROUTE_DEF_VALID) != 0, &dst[i],
				     AF_INET, &res[i]);
	}
}

/* Look up n (<= GW_MAX_BURST) IPv6 destinations. */
static inline void
gw_route_lookup6_bulk(const struct gw_route_table *t, uint8_t dst[][16],
		      struct gw_route_result *res, unsigned int n)
{
	int32_t hops[GW_MAX_BURST];
	uint32_t def = __atomic_load_n(&t->def6, __ATOMIC_ACQUIRE);
	unsigned int i;

	rte_lpm6_lookup_bulk_func(t->lpm6, dst, hops, n);
	for (i = 0; i < n; i++) {
		uint32_t h = hops[i] >= 0 ? ((uint32_t)hops[i] | GW_ROUTE_DEF_VALID) : def;

		gw_route_result_fill(t, h & 0x00ffffff, (h & GW_ROUTE_DEF_VALID) != 0, dst[i],
				     AF_INET6, &res[i]);
	}
}

/*
 * Route a burst of packets that gw_l3_parse() accepted (meta->l3 set, l2_len
 * valid), by their destination address: FORWARD sets meta->out_port and
 * meta->nh4/nh6, LOCAL sets meta->action = GW_ACT_LOCAL (and out_port to the
 * port the address belongs to), no route sets meta->drop to GW_DROP_NO_ROUTE,
 * a discard route to GW_DROP_ROUTE_DISCARD. n <= GW_MAX_BURST.
 * Nothing is moved or freed.
 */
static inline void
gw_route_lookup_burst(const struct gw_route_table *t, struct rte_mbuf **pkts, unsigned int n)
{
	rte_be32_t d4[GW_MAX_BURST];
	uint8_t d6[GW_MAX_BURST][16];
	struct gw_route_result r4[GW_MAX_BURST], r6[GW_MAX_BURST];
	uint16_t i4[GW_MAX_BURST], i6[GW_MAX_BURST];
	unsigned int i, n4 = 0, n6 = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t l3 = gw_meta(m)->l3;

		if (l3 == GW_L3_IPV4) {
			d4[n4] = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
							 m->l2_len)->dst_addr;
			i4[n4++] = (uint16_t)i;
		} else if (l3 == GW_L3_IPV6) {
			memcpy(d6[n6], rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							       m->l2_len)->dst_addr, 16);
			i6[n6++] = (uint16_t)i;
		} else {
			gw_meta(m)->drop = GW_DROP_NO_ROUTE;
		}
	}
	if (n4 != 0)
		gw_route_lookup4_bulk(t, d4, r4, n4);
	if (n6 != 0)
		gw_route_lookup6_bulk(t, d6, r6, n6);
	for (i = 0; i < n4 + n6; i++) {
		const struct gw_route_result *r = i < n4 ? &r4[i] : &r6[i - n4];
		struct gw_meta *meta = gw_meta(pkts[i < n4 ? i4[i] : i6[i - n4]]);

		switch (r->kind) {
		case GW_ROUTE_FORWARD:
			meta->out_port = r->port;
			if (i < n4)
				meta->nh4 = r->nh4;
			else
				memcpy(meta->nh6, r->nh6, 16);
			break;
		case GW_ROUTE_LOCAL:
			meta->out_port = r->port;
			meta->action = GW_ACT_LOCAL;
			break;
		case GW_ROUTE_DISCARD:
			meta->drop = GW_DROP_ROUTE_DISCARD;
			break;
		default:
			meta->drop = GW_DROP_NO_ROUTE;
		}
	}
}

/* The source address of a parsed packet (meta->l3, l2_len set). */
static inline const uint8_t *
gw_route_src_of(struct rte_mbuf *m, bool *v6)
{
	*v6 = gw_meta(m)->l3 == GW_L3_IPV6;
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) +
	       (*v6 ? offsetof(struct rte_ipv6_hdr, src_addr) :
		      offsetof(struct rte_ipv4_hdr, src_addr));
}

/*
 * May the source of a parsed packet be one of the gateway's own addresses?
 * false: certainly not (all most packets pay: a multiply and a bit test).
 */
static inline bool
gw_route_src_may_be_own(const struct gw_route_table *t, struct rte_mbuf *m)
{
	bool v6;
	const uint8_t *src = gw_route_src_of(m, &v6);

	return (__atomic_load_n(&t->own_bits, __ATOMIC_RELAXED) &
		(UINT64_C(1) << gw_route_own_bit(src, v6))) != 0;
}

/* Is it? The bit test, then an exact lookup: a Local route is an own address. */
static inline bool
gw_route_src_is_own(const struct gw_route_table *t, struct rte_mbuf *m)
{
	struct gw_route_result res;
	uint8_t a[1][16];
	rte_be32_t a4;
	bool v6;
	const uint8_t *src = gw_route_src_of(m, &v6);

	if (!gw_route_src_may_be_own(t, m))
		return false;
	if (v6) {
		memcpy(a[0], src, 16);
		gw_route_lookup6_bulk(t, a, &res, 1);
	} else {
		memcpy(&a4, src, 4);
		gw_route_lookup4_bulk(t, &a4, &res, 1);
	}
	return res.kind == GW_ROUTE_LOCAL;
}

#endif /* GW_ROUTE_H */
