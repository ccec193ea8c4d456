/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SPD_H
#define GW_SPD_H

/*
 * SPD: per interface and direction, the ordered terms of a policy
 * (match-direction input|output) compiled into rte_acl contexts (one for
 * IPv4, one for IPv6). A new rule set is built off to the side and published
 * by one atomic pointer swap; the old one is freed after an RCU grace period.
 *
 * Terms name SAs; the compiled rules hold SA *slot* indices, never SA
 * pointers. A slot (struct gw_spd_slots, shared by all SPDs) holds an
 * atomically swappable `struct gw_sa *` and a disabled mask, so installing,
 * replacing or disabling an SA never rebuilds an ACL.
 *
 * Decision for a packet (first match wins, priority = term order):
 *   - no term matches                       -> BYPASS (plain forwarding)
 *   - bypass term                           -> BYPASS
 *   - discard term                          -> DROP (POLICY_DISCARD)
 *   - protect term, slot bound and enabled  -> PROTECT with the slot's SA
 *   - protect term, slot not usable         -> BYPASS if a fail-open term
 *     matches whose own slot is not usable (disabled or unbound), else DROP:
 *     SA_DISABLED (slot disabled) or POLICY_NO_SA (no SA bound): fail-closed.
 *   Fail-open terms never apply while their slot is usable, and never
 *   override bypass/discard terms.
 *
 * 5-tuple: the IP header is at m->l2_len, its family in gw_meta(m)->l3.
 * IPv4 options are skipped (IHL). IPv6: the protocol is the first Next
 * Header; extension headers are not walked, so a packet with extension
 * headers matches as protocol 0/43/44/60... and without ports. Ports exist
 * only for TCP, UDP and SCTP in an unfragmented packet or a first fragment
 * carrying the first 4 bytes of the L4 header; other packets (non-first
 * fragments, ICMP, ...) match only terms with any-port (RFC 4301 section
 * 7.1: OPAQUE ports match only ANY).
 */

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "gw_spd_term.h"

struct gw_sa;
struct gw_spd;

#define GW_SPD_SLOT_NONE UINT32_MAX

/* ---- SA slots ---- */

/* Why a slot is disabled (mask): either keeps fail-open terms active. */
#define GW_SPD_SLOT_DIS_ADMIN	0x1	/* control plane: key server unreachable ... */
#define GW_SPD_SLOT_DIS_EXPIRED	0x2	/* hard lifetime reached; cleared by a new SA */

/* Read by the fast path; written by the control thread only. */
struct gw_spd_slot {
	struct gw_sa *sa;	/* NULL = none bound */
	uint32_t disabled;	/* GW_SPD_SLOT_DIS_* mask */
	uint32_t refcnt;	/* control thread */
};

struct gw_spd_slots {
	struct gw_spd_slot *slot;	/* stable array, never moves */
	uint32_t nb_slots;
	void *priv;
};

typedef void (*gw_spd_free_t)(struct gw_sa *sa, void *arg);

struct gw_spd_slots_params {
	const char *name;		/* unique, < 24 characters */
	uint32_t nb_slots;
	int socket;
	struct rte_rcu_qsbr *rcu;	/* required */
	gw_spd_free_t free_sa;		/* NULL: the slots do not own SAs */
	void *free_arg;
};

struct gw_spd_slots *gw_spd_slots_create(const struct gw_spd_slots_params *p);
/* After every SPD using it is freed. Frees bound SAs. */
void gw_spd_slots_free(struct gw_spd_slots *slots);

/* Slot of an SA name, allocated if new; takes a reference. idx or -ENOSPC/-EINVAL. */
int gw_spd_slot_get(struct gw_spd_slots *slots, const char *name);
/* idx or -ENOENT; no reference. */
int gw_spd_slot_find(const struct gw_spd_slots *slots, const char *name);
/* Drop a reference; at zero the slot's SA is unbound and the slot reused. */
void gw_spd_slot_put(struct gw_spd_slots *slots, uint32_t idx);
/*
 * Bind sa (NULL: unbind). Readers see the old or the new SA; the old one is
 * freed after a grace period. Binding an SA clears GW_SPD_SLOT_DIS_EXPIRED.
 */
int gw_spd_slot_bind(struct gw_spd_slots *slots, uint32_t idx, struct gw_sa *sa);
/* Set or clear bits of the disabled mask. */
int gw_spd_slot_set_disabled(struct gw_spd_slots *slots, uint32_t idx, uint32_t why, bool on);
const char *gw_spd_slot_name(const struct gw_spd_slots *slots, uint32_t idx);
/* Free retired SAs past their grace period / wait for one and free all. */
void gw_spd_slots_reclaim(struct gw_spd_slots *slots);
void gw_spd_slots_sync(struct gw_spd_slots *slots);

/* Fast path: the slot's SA if bound and enabled, else NULL. */
static inline struct gw_sa *
gw_spd_slot_sa(const struct gw_spd_slots *slots, uint32_t idx)
{
	const struct gw_spd_slot *s = &slots->slot[idx];

	if (__atomic_load_n(&s->disabled, __ATOMIC_RELAXED) != 0)
		return NULL;
	return __atomic_load_n(&s->sa, __ATOMIC_ACQUIRE);
}

/* ---- SPD ---- */

enum gw_spd_action {
	GW_SPD_BYPASS = 0,	/* forward in clear (no match, bypass or fail-open) */
	GW_SPD_PROTECT,		/* .sa is the outbound SA */
	GW_SPD_DROP,		/* .drop says why */
};

struct gw_spd_result {
	struct gw_sa *sa;	/* PROTECT only */
	uint32_t slot;		/* slot of the deciding term, or GW_SPD_SLOT_NONE */
	uint16_t term;		/* deciding term + 1; 0 = no term matched */
	uint8_t action;		/* enum gw_spd_action */
	uint8_t drop;		/* enum gw_drop for GW_SPD_DROP */
};

struct gw_spd_params {
	const char *name;		/* for logs and ACL names */
	struct gw_spd_slots *slots;	/* required, outlives the SPD */
	struct rte_rcu_qsbr *rcu;	/* required */
	int socket;
};

/* Starts empty (everything bypasses). NULL + errno. */
struct gw_spd *gw_spd_create(const struct gw_spd_params *p);
void gw_spd_free(struct gw_spd *spd);

/*
 * Compile terms (in priority order) and publish them atomically. On error
 * the running rules stay. -EINVAL (bad term: mixed families, protect without
 * an SA name), -E2BIG (more than 15 distinct SAs named by fail-open terms,
 * or more than GW_SPD_MAX_TERMS terms), -ENOSPC (no slot), -ENOMEM.
 * Hit counters restart at zero.
 */
int gw_spd_build(struct gw_spd *spd, const struct gw_spd_term *terms, unsigned int nb_terms);
/*
 * The same, but term i's hit counter continues the running rule set's term
 * carry[i] (-1: starts at zero), so a term that merely moved keeps its count.
 * carry NULL = gw_spd_build.
 */
int gw_spd_build_carry(struct gw_spd *spd, const struct gw_spd_term *terms,
		       unsigned int nb_terms, const int32_t *carry);

/*
 * Fast path: classify n packets (any n). Returns how many are not dropped.
 * No allocation, no logging; hit counters on the calling lcore.
 */
uint16_t gw_spd_classify_bulk(struct gw_spd *spd, struct rte_mbuf **pkts, uint16_t n,
			      struct gw_spd_result *res);

/*
 * The IPv4 5-tuple the SPD matches on (the ACL's input): addresses and ports
 * in network order as in the packet; l4 is RTE_BE32(1) when the ports are
 * real (terms with a port range require it, any-port terms do not look).
 */
struct gw_spd_tuple4 {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint32_t l4;
};

_Static_assert(offsetof(struct gw_spd_tuple4, src) == 4 &&
	       offsetof(struct gw_spd_tuple4, dst) == 8 &&
	       offsetof(struct gw_spd_tuple4, sport) == 12 &&
	       offsetof(struct gw_spd_tuple4, l4) == 16, "gw_spd_tuple4_fill() stores words");

/* Protocols whose first 4 bytes are a source and a destination port. */
static inline bool
gw_spd_proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

/*
 * The tuple of the IPv4 header at p, room bytes of the packet from p on:
 * options skipped by IHL, ports (see above) for TCP/UDP/SCTP when the
 * fragment offset is 0 and the first 4 bytes of the L4 header are there.
 * A header too short leaves the tuple zero (callers have validated it).
 */
static inline void
gw_spd_tuple4_fill(struct gw_spd_tuple4 *t, const uint8_t *p, uint32_t room)
{
	uint32_t ihl, src, dst, ports = 0, l4 = 0;
	uint64_t w[2];
	uint16_t frag;
	uint8_t proto;

	/*
	 * Built in registers, stored as whole words: a memset() and field
	 * stores made rep stos here, and the cache's 8-byte compares of the
	 * tuple could not be forwarded from the narrow stores.
	 */
	if (room < sizeof(struct rte_ipv4_hdr)) {
		memset(t, 0, sizeof(*t));
		return;
	}
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	proto = p[9];
	memcpy(&src, p + 12, 4);
	memcpy(&dst, p + 16, 4);
	memcpy(&frag, p + 6, 2);
	if ((rte_be_to_cpu_16(frag) & RTE_IPV4_HDR_OFFSET_MASK) == 0 &&
	    gw_spd_proto_has_ports(proto) && ihl >= sizeof(struct rte_ipv4_hdr) &&
	    room >= ihl + 4) {
		memcpy(&ports, p + ihl, 4);	/* sport, dport */
		l4 = RTE_BE32(1);
	}
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	w[0] = (uint64_t)proto | (uint64_t)src << 32;
	w[1] = (uint64_t)dst | (uint64_t)ports << 32;
#else
	w[0] = (uint64_t)proto << 56 | src;
	w[1] = (uint64_t)dst << 32 | ports;
#endif
	memcpy(t, w, sizeof(w));
	memcpy(&t->l4, &l4, sizeof(l4));
}

/*
 * Fast path: gw_spd_classify_bulk() for n IPv4 packets (any n) whose tuples
 * the caller already gathered with gw_spd_tuple4_fill() (the fused classify
 * pass of lib/dp reads each header once). Same results, same counters.
 */
uint16_t gw_spd_classify4_bulk(struct gw_spd *spd, const struct gw_spd_tuple4 *t, uint16_t n,
			       struct gw_spd_result *res);

unsigned int gw_spd_nb_terms(const struct gw_spd *spd);
/* Hits of term (0-based) summed over lcores since the last build. -ENOENT. */
int gw_spd_term_hits(const struct gw_spd *spd, unsigned int term, uint64_t *hits);

void gw_spd_reclaim(struct gw_spd *spd);
void gw_spd_sync(struct gw_spd *spd);

#endif /* GW_SPD_H */
