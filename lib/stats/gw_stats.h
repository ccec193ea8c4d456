/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_STATS_H
#define GW_STATS_H

/*
 * Counters. Every lcore writes only its own cache-aligned block; readers sum
 * the blocks (no shared "+=" on the fast path). Every reason a packet can be
 * dropped has a name here, shown by the CLI, telemetry and the exit report.
 */

#include <stdint.h>
#include <stdio.h>
#include <rte_common.h>
#include <rte_lcore.h>

#include "gw_common.h"

/* name, help: one line per drop reason. Append only at the end of a section. */
#define GW_DROP_REASONS(X) \
	X(NONE, "not dropped") \
	/* L2/L3 validation (classify) */ \
	X(TRUNCATED, "frame shorter than its headers") \
	X(BAD_L2, "unsupported or malformed Ethernet header") \
	X(UNSUPPORTED_ETHERTYPE, "EtherType neither IPv4, IPv6 nor ARP") \
	X(BAD_IP_VERSION, "IP version field does not match EtherType") \
	X(BAD_IP_HDR, "IP header length or options invalid") \
	X(BAD_IP_LEN, "IP total/payload length disagrees with the frame") \
	X(BAD_IP_CSUM, "IPv4 header checksum wrong") \
	X(BAD_IP_ADDR, "source or destination address not forwardable") \
	X(TTL_EXPIRED, "TTL or hop limit reached zero") \
	X(NO_ROUTE, "no route to the destination") \
	X(ROUTE_DISCARD, "matched a static discard route") \
	X(NEIGH_UNRESOLVED, "next-hop MAC address not (yet) resolved") \
	X(MTU_EXCEEDED, "larger than the egress MTU") \
	X(PORT_DOWN, "egress interface administratively down") \
	X(TX_FULL, "egress queue full") \
	X(RING_FULL, "inter-stage ring full (pipeline layout)") \
	X(EXCEPTION_FULL, "exception path (to the kernel) full") \
	X(NO_MBUF, "packet buffer pool empty") \
	X(FRAGMENT_UNSUPPORTED, "fragment the path cannot handle") \
	X(LINK_LOCAL, "link-local source or destination, not forwarded (RFC 4291, 3927)") \
	X(OWN_SRC_ADDR, "source is one of the gateway's own addresses (spoofed)") \
	X(SIDE_QUEUE_FULL, "made from one burst (fragments, ICMP) beyond the side queue") \
	/* ESP inbound */ \
	X(ESP_TRUNCATED, "ESP packet shorter than header, IV and ICV") \
	X(ESP_UNKNOWN_SPI, "no SA for the SPI (and destination)") \
	X(ESP_REPLAY, "sequence number replayed or left of the window") \
	X(ESP_ICV, "integrity check value mismatch") \
	X(ESP_BAD_PAD, "ESP padding length or contents invalid") \
	X(ESP_BAD_NEXT_HDR, "ESP next header not allowed for the SA") \
	X(ESP_BAD_BLOCK, "ciphertext not a multiple of the block size") \
	X(TBAR_TOO_OLD, "delay-detection timestamp older than the window") \
	X(TBAR_TOO_NEW, "delay-detection timestamp ahead of the window") \
	X(TBAR_MISSING, "delay-detection header missing or malformed") \
	X(UDP_ENCAP_MISMATCH, "ESP without, or with unexpected, UDP encapsulation") \
	X(ESP_FRAG_REASSEMBLY, "ESP fragment reassembly failed or timed out") \
	/* policy and SA state */ \
	X(POLICY_DISCARD, "matched a discard rule") \
	X(POLICY_NO_SA, "protect rule without a usable SA (fail-closed)") \
	X(POLICY_INBOUND_MISMATCH, "decrypted packet outside the SA selectors") \
	X(POLICY_CLEARTEXT_PROTECTED, "cleartext arrived where policy requires ESP") \
	X(SA_DISABLED, "group SA disabled, no fail-open rule matched") \
	X(SA_EXPIRED, "SA hard lifetime reached") \
	X(SEQ_EXHAUSTED, "outbound sequence number space exhausted") \
	X(CRYPTO_ERROR, "crypto engine reported an error") \
	X(FRAG_NEEDED, "DF set and larger than tunnel MTU (ICMP sent)") \
	/* decrypted inner packets: the checks of classify, under their own names */ \
	X(INNER_BAD_IP_CSUM, "decrypted packet with a wrong IPv4 header checksum") \
	X(INNER_BAD_IP_ADDR, "decrypted packet with an address not forwardable") \
	X(INNER_LINK_LOCAL, "decrypted packet with a link-local source or destination") \
	X(INNER_OWN_SRC_ADDR, "decrypted packet from one of the gateway's own addresses") \
	X(INNER_MULTICAST, "decrypted packet to a multicast or broadcast group (not routed)") \
	/* exception path */ \
	X(L2_NOT_FOR_US, "unicast frame addressed to another MAC") \
	X(NO_EXCEPTION_PATH, "for the appliance, but the interface has no kernel TAP") \
	/* shutdown */ \
	X(IN_FLIGHT_AT_EXIT, "between stages or on the exception ring when the gateway stopped") \
	/* IKEv2 establish-tunnels on-traffic (lib/dp/dp_acquire.c) */ \
	X(ACQUIRE_NO_SA, "on-traffic vpn without its SA yet, not held (hold queue full)") \
	X(ACQUIRE_TIMEOUT, "held for an on-traffic negotiation that did not finish in 2 s")

enum gw_drop {
#define GW_DROP_ENUM(name, help) GW_DROP_##name,
	GW_DROP_REASONS(GW_DROP_ENUM)
#undef GW_DROP_ENUM
	GW_DROP_MAX
};

struct gw_port_counters {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t tx_pkts;
	uint64_t tx_bytes;
	uint64_t to_kernel;	/* exception path: port -> TAP */
	uint64_t from_kernel;	/* exception path: TAP -> port */
	uint64_t drops[GW_DROP_MAX];	/* by the port the packet came in on */
	/*
	 * Received frames that are neither sent, given to the kernel nor
	 * dropped (so that rx = tx + to_kernel + drops + these, lib/stats/README.md):
	 * fragments merged into a reassembled packet (all but the one that
	 * carries it on), and fragments reassembly holds now (a gauge: at exit,
	 * those still held).
	 */
	uint64_t reasm_consumed;
	uint64_t reasm_held;
	/*
	 * Frames the gateway built and sent on (ICMP errors, ARP/ND requests,
	 * fragments beyond the first of a packet), by the port of the packet
	 * that caused them: rx + from_kernel + originated = tx + to_kernel +
	 * drops + reasm_consumed + reasm_held.
	 */
	uint64_t originated;
};

/* One per lcore; only that lcore writes it. */
struct gw_lcore_counters {
	struct gw_port_counters port[GW_MAX_PORTS];
} __rte_cache_aligned;

extern struct gw_lcore_counters gw_counters[RTE_MAX_LCORE];

static inline struct gw_port_counters *
gw_port_ctr(unsigned int lcore, uint16_t port)
{
	return &gw_counters[lcore].port[port];
}

/* Count a drop on the calling lcore. */
static inline void
gw_count_drop(uint16_t port, enum gw_drop reason)
{
	gw_counters[rte_lcore_id() == LCORE_ID_ANY ? 0 : rte_lcore_id()]
		.port[port].drops[reason]++;
}

/* The calling lcore's counters of a port (lcore 0 off the EAL threads). */
static inline struct gw_port_counters *
gw_my_port_ctr(uint16_t port)
{
	return &gw_counters[rte_lcore_id() == LCORE_ID_ANY ? 0 : rte_lcore_id()].port[port];
}

const char *gw_drop_name(enum gw_drop reason);	/* "ttl-expired" */
const char *gw_drop_help(enum gw_drop reason);

/* Summed view across lcores, for show commands, telemetry and exit report. */
struct gw_stats_snapshot {
	uint16_t nb_ports;
	struct gw_port_counters port[GW_MAX_PORTS];
	uint64_t drops_total[GW_DROP_MAX];
};

void gw_stats_snapshot(struct gw_stats_snapshot *snap, uint16_t nb_ports);
/* Zero every lcore's block (racy against running workers by design: clear is best effort). */
void gw_stats_clear(void);
/* Human-readable report: ports then non-zero drop reasons. port_name may be NULL. */
void gw_stats_print(FILE *f, const struct gw_stats_snapshot *snap,
		    const char *(*port_name)(uint16_t port));
/* Register /gdoigw/drops and /gdoigw/ports telemetry endpoints. */
int gw_stats_telemetry_init(uint16_t nb_ports, const char *(*port_name)(uint16_t port));

#endif /* GW_STATS_H */
