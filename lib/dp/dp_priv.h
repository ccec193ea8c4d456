/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_DP_PRIV_H
#define GW_DP_PRIV_H

#include "gw_dp.h"

int dp_ports_init(struct gw_dp *dp, uint16_t want_rxq, uint16_t want_txq);
void dp_ports_close(struct gw_dp *dp);
uint16_t dp_port_tx(struct gw_port *p, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);
/*
 * dp_port_tx of n frames holding bytes bytes, counted in ctr (tx packets and
 * bytes); what the queue refuses is dropped as tx-full.
 */
void dp_port_tx_counted(struct gw_port *p, uint16_t queue, struct gw_port_counters *ctr,
			struct rte_mbuf **pkts, uint16_t n, uint64_t bytes);

int dp_tables_init(struct gw_dp *dp);
void dp_tables_fini(struct gw_dp *dp);
void dp_tables_housekeeping(struct gw_dp *dp);
int dp_ipsec_tables_init(struct gw_dp *dp);

int dp_control_init(struct gw_dp *dp);
void dp_control_fini(struct gw_dp *dp);

/* Hand a packet to the exception thread for the kernel; frees it if the ring is full. */
/* The metadata of a packet about to enter classify, as received on port in_port. */
static inline void
dp_meta_fresh(struct gw_meta *meta, uint16_t in_port)
{
	meta->in_port = in_port;
	meta->out_port = UINT16_MAX;
	meta->drop = GW_DROP_NONE;
	meta->l3 = GW_L3_NONE;
	meta->action = GW_ACT_FORWARD;
	meta->flags = 0;
	meta->sa = NULL;
}

void dp_to_kernel(struct gw_dp *dp, struct rte_mbuf *m);
/* Have the exception thread send a complete frame out of port (ICMP errors, ARP/ND requests). */
void dp_to_port(struct gw_dp *dp, struct rte_mbuf *m, uint16_t port);

#endif /* GW_DP_PRIV_H */
