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

static uint64_t next_housekeeping;

int
dp_control_init(struct gw_dp *dp)
{
	dp->to_kernel = rte_ring_create("gw_to_kernel", GW_EXC_RING_SIZE, rte_socket_id(),
					RING_F_SC_DEQ);
	if (dp->to_kernel == NULL)
		return -rte_errno;
	dp->resolve = rte_ring_create_elem("gw_resolve", sizeof(struct gw_resolve_req),
					   1024, rte_socket_id(), RING_F_SC_DEQ);
	if (dp->resolve == NULL)
		return -rte_errno;
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
	rte_ring_free(dp->resolve);
	dp->to_kernel = NULL;
	dp->resolve = NULL;
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
dp_request_resolve(struct gw_dp *dp, uint16_t port, uint8_t family, const void *addr)
{
	struct gw_resolve_req req = { .port = port, .family = family };

	memcpy(req.addr, addr, family == AF_INET ? 4 : 16);
	/* Best effort: a full ring means requests are already pending. */
	rte_ring_mp_enqueue_elem(dp->resolve, &req, sizeof(req));
}

static unsigned int
control_lcore(void)
{
	unsigned int lcore = rte_lcore_id();

	return lcore == LCORE_ID_ANY ? 0 : lcore;
}

/* Transmit on the port's control queue; unsent frames are dropped and counted. */
static void
control_tx(struct gw_dp *dp, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct gw_port *p = &dp->ports[port];
	uint16_t sent = dp_port_tx(p, p->control_txq, pkts, n);

	for (uint16_t i = sent; i < n; i++)
		gw_meta(pkts[i])->drop = GW_DROP_TX_FULL;
	gw_drop_burst(pkts + sent, n - sent);
}

/* Learn from ARP and neighbour discovery on their way to the kernel. */
static void
learn_from(struct gw_dp *dp, struct rte_mbuf *m)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t port = gw_meta(m)->in_port;
	struct gw_neigh_observation obs;

	if (gw_arp_observe(frame, rte_pktmbuf_data_len(m), &obs) == 0 ||
	    gw_nd_observe(frame, rte_pktmbuf_data_len(m), &obs) == 0)
		gw_neigh_learn(dp->neigh, port, obs.family, obs.addr, &obs.mac);
}

static unsigned int
poll_to_kernel(struct gw_dp *dp)
{
	struct rte_mbuf *pkts[CONTROL_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(dp->to_kernel, (void **)pkts,
						   CONTROL_BURST, NULL);
	unsigned int lcore = control_lcore();

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		struct gw_port *p = &dp->ports[meta->in_port];

		learn_from(dp, m);
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
		if (!p->up) {
			for (uint16_t i = 0; i < n; i++)
				gw_meta(pkts[i])->drop = GW_DROP_PORT_DOWN;
			gw_drop_burst(pkts, n);
			continue;
		}
		gw_port_ctr(lcore, port)->from_kernel += n;
		control_tx(dp, port, pkts, n);
		total += n;
	}
	return total;
}

static unsigned int
poll_resolve(struct gw_dp *dp)
{
	struct gw_resolve_req reqs[CONTROL_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst_elem(dp->resolve, reqs, sizeof(reqs[0]),
							CONTROL_BURST, NULL);

	for (unsigned int i = 0; i < n; i++) {
		const struct gw_resolve_req *r = &reqs[i];
		struct gw_port *p = &dp->ports[r->port];
		struct rte_mbuf *m;

		/* One request per neighbour per retry interval, however many packets wait. */
		if (!gw_neigh_should_request(dp->neigh, r->port, r->family, r->addr,
					     rte_rdtsc()))
			continue;
		m = rte_pktmbuf_alloc(dp->pool);
		if (m == NULL)
			continue;
		gw_meta(m)->in_port = r->port;
		if ((r->family == AF_INET ?
		     gw_arp_build_request(m, &p->mac, p->ip4, *(const uint32_t *)r->addr) :
		     gw_nd_build_solicit(m, &p->mac, p->has_ip6 ? p->ip6 : NULL, r->addr)) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		control_tx(dp, r->port, &m, 1);
	}
	return n;
}

unsigned int
gw_dp_control_poll(struct gw_dp *dp)
{
	unsigned int work = 0;
	uint64_t now = rte_rdtsc();

	work += poll_to_kernel(dp);
	work += poll_from_kernel(dp);
	work += poll_resolve(dp);
	if (now >= next_housekeeping) {
		next_housekeeping = now + rte_get_tsc_hz() * HOUSEKEEPING_MS / 1000;
		gw_neigh_age(dp->neigh, now);
		gw_route_reclaim(dp->routes);
		dp_tables_housekeeping(dp);
	}
	return work;
}
