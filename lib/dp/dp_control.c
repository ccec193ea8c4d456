/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's side of the exception path. Workers hand it frames for
 * the appliance (ARP, ND, local addresses) and next hops to resolve; it is the
 * only writer of the neighbour table, learns from ARP/ND on the way to the
 * kernel, forwards what the kernel sends out of the port, and sends ARP
 * requests / neighbour solicitations itself.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "gw_dp.h"
#include "gw_log.h"
#include "gw_neigh.h"
#include "gw_arp.h"
#include "gw_nd.h"
#include "gw_route.h"
#include "dp_priv.h"

#define CONTROL_BURST 32
#define HOUSEKEEPING_MS 100

static uint64_t next_housekeeping, next_neigh;

int
dp_control_init(struct gw_dp *dp)
{
	dp->to_kernel = rte_ring_create("gw_to_kernel", GW_EXC_RING_SIZE, rte_socket_id(),
					RING_F_SC_DEQ);
	if (dp->to_kernel == NULL)
		return -rte_errno;
	gw_neigh_set_tx(dp->neigh, dp->pool, dp_control_tx_one, dp);
	return 0;
}

void
dp_control_fini(struct gw_dp *dp)
{
	struct rte_mbuf *m;

	if (dp->to_kernel != NULL) {
		while (rte_ring_sc_dequeue(dp->to_kernel, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(dp->to_kernel);
	}
	dp->to_kernel = NULL;
}

void
dp_to_kernel(struct gw_dp *dp, struct rte_mbuf *m)
{
	if (rte_ring_mp_enqueue(dp->to_kernel, m) != 0) {
		gw_meta(m)->drop = GW_DROP_EXCEPTION_FULL;
		gw_drop_burst(&m, 1);
	}
}

void
dp_to_port(struct gw_dp *dp, struct rte_mbuf *m, uint16_t port)
{
	gw_meta(m)->action = GW_ACT_FORWARD;
	gw_meta(m)->out_port = port;
	dp_to_kernel(dp, m);
}

static unsigned int
control_lcore(void)
{
	unsigned int lcore = rte_lcore_id();

	return lcore == LCORE_ID_ANY ? 0 : lcore;
}

/*
 * Transmit on the port's control queue: what is sent counts as tx of the
 * port like the workers' frames, unsent frames are dropped and counted.
 */
static void
control_tx(struct gw_dp *dp, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct gw_port *p = &dp->ports[port];
	struct gw_port_counters *ctr = gw_port_ctr(control_lcore(), port);
	uint64_t bytes = 0;
	uint16_t sent;

	/* bytes before the PMD may free the frames */
	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	sent = dp_port_tx(p, p->control_txq, pkts, n);
	for (uint16_t i = sent; i < n; i++) {
		bytes -= rte_pktmbuf_pkt_len(pkts[i]);
		gw_meta(pkts[i])->drop = GW_DROP_TX_FULL;
	}
	ctr->tx_pkts += sent;
	ctr->tx_bytes += bytes;
	gw_drop_burst(pkts + sent, n - sent);
}

/* ARP requests and neighbour solicitations the neighbour table built. */
int
dp_control_tx_one(uint16_t port, struct rte_mbuf *m, void *arg)
{
	struct gw_dp *dp = arg;

	gw_meta(m)->in_port = port;
	gw_meta(m)->drop = GW_DROP_NONE;
	gw_port_ctr(control_lcore(), port)->originated++;
	control_tx(dp, port, &m, 1);
	return 0;
}

static bool
port_has_ip4(const struct gw_dp *dp, uint16_t port, rte_be32_t ip)
{
	const struct gw_conf_interface *itf = &dp->conf->interfaces[port];

	for (unsigned int a = 0; a < itf->nb_addrs; a++)
		if (itf->addrs[a].family == AF_INET && itf->addrs[a].v4.s_addr == ip)
			return true;
	return false;
}

/*
 * Learn from ARP and neighbour discovery on their way to the kernel. As RFC
 * 826 merges: an existing entry is always refreshed, a new one is created
 * only when the packet is addressed to us (or answers us).
 */
static void
learn_from(struct gw_dp *dp, struct rte_mbuf *m, uint64_t now)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	uint16_t port = gw_meta(m)->in_port;
	struct gw_ipaddr ip = { 0 };
	struct gw_arp_info arp;
	struct gw_nd_info nd;

	if (gw_arp_parse_frame(frame, len, &arp) == 0) {
		if (arp.spa == 0)
			return;		/* ARP probe: no sender address yet */
		ip.family = AF_INET;
		ip.v4.s_addr = arp.spa;
		gw_neigh_learn(dp->neigh, port, &ip, &arp.sha,
			       port_has_ip4(dp, port, arp.tpa), now);
	} else if (gw_nd_parse_frame(frame, len, &nd) == 0 && nd.has_lladdr) {
		ip.family = AF_INET6;
		if (nd.type == GW_ND_NA) {
			memcpy(&ip.v6, nd.target, 16);
			gw_neigh_learn(dp->neigh, port, &ip, &nd.lladdr,
				       (nd.flags & GW_ND_NA_F_SOLICITED) != 0, now);
		} else {
			memcpy(&ip.v6, nd.src, 16);
			gw_neigh_learn(dp->neigh, port, &ip, &nd.lladdr, false, now);
		}
	}
}

static unsigned int
poll_to_kernel(struct gw_dp *dp)
{
	struct rte_mbuf *pkts[CONTROL_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(dp->to_kernel, (void **)pkts,
						   CONTROL_BURST, NULL);
	unsigned int lcore = control_lcore();
	uint64_t now = rte_rdtsc();

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		struct gw_port *p = &dp->ports[meta->in_port];

		if (meta->action == GW_ACT_FORWARD) {	/* a frame we built: out it goes */
			control_tx(dp, meta->out_port, &m, 1);
			continue;
		}
		learn_from(dp, m, now);
		if (p->tap_port_id == UINT16_MAX) {
			meta->drop = GW_DROP_NO_EXCEPTION_PATH;
			gw_drop_burst(&m, 1);
			continue;
		}
		if (rte_eth_tx_burst(p->tap_port_id, 0, &m, 1) == 1) {
			gw_port_ctr(lcore, meta->in_port)->to_kernel++;
		} else {
			meta->drop = GW_DROP_EXCEPTION_FULL;
			gw_drop_burst(&m, 1);
		}
	}
	return n;
}

/* What the kernel sends through a TAP goes out of its port as it is. */
static unsigned int
poll_from_kernel(struct gw_dp *dp)
{
	struct rte_mbuf *pkts[CONTROL_BURST];
	unsigned int lcore = control_lcore(), total = 0;

	for (unsigned int port = 0; port < dp->nb_ports; port++) {
		struct gw_port *p = &dp->ports[port];
		uint16_t n;

		if (p->tap_port_id == UINT16_MAX)
			continue;
		n = rte_eth_rx_burst(p->tap_port_id, 0, pkts, CONTROL_BURST);
		if (n == 0)
			continue;
		for (uint16_t i = 0; i < n; i++) {
			struct gw_meta *meta = gw_meta(pkts[i]);

			meta->in_port = port;
			meta->drop = GW_DROP_NONE;
		}
		/* received from the kernel, sent or not */
		gw_port_ctr(lcore, port)->from_kernel += n;
		if (!p->up) {
			for (uint16_t i = 0; i < n; i++)
				gw_meta(pkts[i])->drop = GW_DROP_PORT_DOWN;
			gw_drop_burst(pkts, n);
			continue;
		}
		control_tx(dp, port, pkts, n);
		total += n;
	}
	return total;
}

unsigned int
gw_dp_control_poll(struct gw_dp *dp)
{
	unsigned int work = 0;
	uint64_t now = rte_rdtsc();

	work += poll_to_kernel(dp);
	work += poll_from_kernel(dp);
	if (now >= next_neigh) {
		/* Misses reported by workers become requests within 10 ms. */
		next_neigh = now + rte_get_tsc_hz() / 100;
		work += gw_neigh_process(dp->neigh, now);
	}
	if (now >= next_housekeeping) {
		next_housekeeping = now + rte_get_tsc_hz() * HOUSEKEEPING_MS / 1000;
		gw_route_reclaim(dp->routes);
		dp_tables_housekeeping(dp);
	}
	return work;
}
