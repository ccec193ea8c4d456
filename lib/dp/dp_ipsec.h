/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_DP_IPSEC_H
#define GW_DP_IPSEC_H

#include "gw_dp.h"
#include "gw_sad.h"
#include "gw_spd.h"

/*
 * IPsec decisions in classify (after the route lookup): inbound ESP to an SA
 * becomes DECRYPT, cleartext matching a protect rule becomes ENCRYPT,
 * discard rules drop. Packets already marked bad or LOCAL are left alone.
 */
void dp_ipsec_classify(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n);
/*
 * The same two decisions for packets whose headers the fused IPv4 pass
 * (dp_classify4.c) already read, none dropped: inbound ESP by its SAD keys
 * (SPI + destination); cleartext (not LOCAL, all of one ingress port) by its
 * SPD tuples.
 */
void dp_ipsec_esp_keys(struct gw_dp *dp, struct rte_mbuf **pkts, const struct gw_sad_key *kb,
		       uint16_t n);
void dp_ipsec_cleartext4(struct gw_dp *dp, struct rte_mbuf **pkts,
			 const struct gw_spd_tuple4 *t4, uint16_t n);
/*
 * The crypto stage: ESP on runs of packets of the same SA; others pass.
 * Inner packets too large for their SA's tunnel MTU leave the burst (their
 * slot becomes NULL) and come back as encrypted fragments or ICMP errors on
 * the worker's side queue. Returns true when it left NULL slots; *drops
 * tells whether a packet may have been marked dropped.
 */
bool dp_ipsec_process(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n, bool *drops);
/* ICMP error (time exceeded, fragmentation needed) for a dropped packet, rate-limited. */
void dp_icmp_error(struct gw_dp *dp, struct rte_mbuf *m, enum gw_drop reason);
/*
 * Reassembly's test for its large-buffer pool: true for a UDP datagram whose
 * destination port cannot carry ESP (it can only go to the kernel, through
 * the TAP after tx_local cut it, never to a port's TX queue).
 */
bool dp_reasm_big_ok(const struct rte_mbuf *datagram);

#endif /* GW_DP_IPSEC_H */
