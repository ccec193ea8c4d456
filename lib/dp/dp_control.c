/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path and the control thread's periodic data-plane work.
 *
 * Exception thread (its own pthread, registered as a DPDK lcore for its
 * counters): workers hand it frames for the appliance (ARP, ND, local
 * addresses) and complete frames to send (ICMP errors, ARP requests and
 * neighbour solicitations the control thread built); it writes the former to
 * the interface's TAP and transmits the latter, and sends out of the port
 * whatever the kernel writes to the TAP. It is the only user of the ports'
 * control TX queue and of the to-kernel ring's consumer side, and writes no
 * table: what it learns from ARP/ND goes to the control thread through the
 * lib/ctl mailbox, because the neighbour table (rte_hash, lock-free readers)
 * allows one writer only and the control thread already is that writer
 * (requests, ageing, static entries on reload). So ARP/ND and ping to the
 * gateway keep flowing while the control thread or its helper is busy.
 *
 * Control thread (lib/ctl loop timers): neighbour requests, retries and
 * ageing every 10 ms; route reclamation and SA lifetimes every 100 ms.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "gw_ctl.h"
#include "gw_dp.h"
#include "gw_dp_acquire.h"
#include "gw_log.h"
#include "gw_neigh.h"
#include "gw_arp.h"
#include "gw_nd.h"
#include "gw_route.h"
#include "dp_priv.h"

#define CONTROL_BURST 32
#define NEIGH_MS 10		/* misses reported by workers become requests within 10 ms */
#define HOUSEKEEPING_MS 100
#define EXC_IDLE_US 100		/* the exception thread shares a core: do not spin */
/*
 * At exit the thread keeps passing frames until the kernel has been quiet this
 * long: the control thread's last words (the key server's delete PUSH, IKE
 * deletes) are sent just before it is stopped and would be lost between polls.
 */
#define EXC_DRAIN_QUIET_US 20000
#define EXC_DRAIN_MAX_US 500000

struct dp_control {
	struct gw_dp *dp;
	struct ctl_loop *loop;
	struct ctl_timer neigh_timer, housekeeping_timer;
	pthread_t exc_thread;
	bool exc_started;
	atomic_bool exc_quit;
	atomic_uint_fast64_t learn_lost;	/* mailbox full: a learn was not applied */
};

static int queue_one(uint16_t port, struct rte_mbuf *m, void *arg);

int
dp_control_init(struct gw_dp *dp)
{
	dp->to_kernel = rte_ring_create("gw_to_kernel", GW_EXC_RING_SIZE, rte_socket_id(),
					RING_F_SC_DEQ);
	if (dp->to_kernel == NULL)
		return -rte_errno;
	gw_neigh_set_tx(dp->neigh, dp->pool, queue_one, dp);
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
	uint64_t bytes = 0;

	/* bytes before the PMD may free the frames */
	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	dp_port_tx_counted(p, p->control_txq, gw_port_ctr(control_lcore(), port), pkts, n, bytes);
}

/*
 * The neighbour table's transmit (control thread): the request goes out
 * through the exception thread, the only user of the control TX queue.
 */
static int
queue_one(uint16_t port, struct rte_mbuf *m, void *arg)
{
	gw_meta(m)->in_port = port;
	gw_meta(m)->drop = GW_DROP_NONE;
	gw_port_ctr(control_lcore(), port)->originated++;
	dp_to_port(arg, m, port);
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

/* What the exception thread saw in an ARP or ND packet, for the control thread. */
enum learn_kind {
	LEARN_ARP,		/* create when the target is one of our addresses */
	LEARN_NA_SOLICITED,	/* an answer to us: create */
	LEARN_ND_OTHER,		/* refresh only */
};

struct learn_msg {
	uint16_t port;
	uint8_t kind;		/* enum learn_kind */
	rte_be32_t tpa;		/* ARP target address */
	struct gw_ipaddr ip;
	struct rte_ether_addr mac;
};

/*
 * Control thread: apply a learn. As RFC 826 merges: an existing entry is
 * always refreshed, a new one is created only when the packet is addressed
 * to us (or answers us). The configuration is read here, on the thread that
 * replaces it on reload.
 */
static void
learn_apply(struct ctl_loop *l, void *arg, const void *data, size_t len)
{
	struct gw_dp *dp = arg;
	struct learn_msg m;
	bool create;

	(void)l;
	if (len != sizeof(m))
		return;
	memcpy(&m, data, sizeof(m));
	create = m.kind == LEARN_NA_SOLICITED ||
		(m.kind == LEARN_ARP && port_has_ip4(dp, m.port, m.tpa));
	gw_neigh_learn(dp->neigh, m.port, &m.ip, &m.mac, create, rte_rdtsc());
}

/* Exception thread: parse ARP and ND on their way to the kernel, post what they teach. */
static void
learn_from(struct dp_control *c, struct rte_mbuf *m)
{
	const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	struct learn_msg msg;
	struct gw_arp_info arp;
	struct gw_nd_info nd;

	memset(&msg, 0, sizeof(msg));
	msg.port = gw_meta(m)->in_port;
	if (gw_arp_parse_frame(frame, len, &arp) == 0) {
		if (arp.spa == 0)
			return;		/* ARP probe: no sender address yet */
		msg.kind = LEARN_ARP;
		msg.tpa = arp.tpa;
		msg.ip.family = AF_INET;
		msg.ip.v4.s_addr = arp.spa;
		msg.mac = arp.sha;
	} else if (gw_nd_parse_frame(frame, len, &nd) == 0 && nd.has_lladdr) {
		msg.ip.family = AF_INET6;
		if (nd.type == GW_ND_NA) {
			memcpy(&msg.ip.v6, nd.target, 16);
			msg.kind = (nd.flags & GW_ND_NA_F_SOLICITED) != 0 ?
				LEARN_NA_SOLICITED : LEARN_ND_OTHER;
		} else {
			memcpy(&msg.ip.v6, nd.src, 16);
			msg.kind = LEARN_ND_OTHER;
		}
		msg.mac = nd.lladdr;
	} else {
		return;
	}
	if (ctl_post(c->loop, learn_apply, c->dp, &msg, sizeof(msg)) != 0 &&
	    atomic_fetch_add_explicit(&c->learn_lost, 1, memory_order_relaxed) == 0)
		GW_LOG(general, WARNING, "control mailbox full: a neighbour learnt from ARP/ND "
		       "was not applied (later ones may be lost too; counted)");
}

static unsigned int
poll_to_kernel(struct dp_control *c)
{
	struct gw_dp *dp = c->dp;
	struct rte_mbuf *pkts[CONTROL_BURST];
	unsigned int n = rte_ring_sc_dequeue_burst(dp->to_kernel, (void **)pkts,
						   CONTROL_BURST, NULL);
	unsigned int lcore = control_lcore();

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct gw_meta *meta = gw_meta(m);
		struct gw_port *p = &dp->ports[meta->in_port];

		if (meta->action == GW_ACT_FORWARD) {	/* a frame we built: out it goes */
			control_tx(dp, meta->out_port, &m, 1);
			continue;
		}
		learn_from(c, m);
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

static void
exception_drain(struct dp_control *c)
{
	unsigned int quiet_us = 0, spent_us = 0;

	while (quiet_us < EXC_DRAIN_QUIET_US && spent_us < EXC_DRAIN_MAX_US) {
		if (poll_to_kernel(c) + poll_from_kernel(c->dp) != 0)
			quiet_us = 0;
		else
			quiet_us += EXC_IDLE_US;
		spent_us += EXC_IDLE_US;
		usleep(EXC_IDLE_US);
	}
}

static void *
exception_main(void *arg)
{
	struct dp_control *c = arg;
	bool registered;
	sigset_t all;

	sigfillset(&all);	/* signals are the control thread's (signalfd) */
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* An lcore id of its own: its counters and mempool cache are not lcore 0's. */
	registered = rte_thread_register() == 0;
	if (!registered)
		GW_LOG(general, WARNING, "exception thread: no lcore id of its own (%s); "
		       "its counters share the control thread's", rte_strerror(rte_errno));
	while (!atomic_load_explicit(&c->exc_quit, memory_order_relaxed)) {
		unsigned int work = poll_to_kernel(c) + poll_from_kernel(c->dp);

		if (work == 0)
			usleep(EXC_IDLE_US);
	}
	exception_drain(c);
	if (registered)
		rte_thread_unregister();
	return NULL;
}

static void
neigh_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gw_dp *dp = arg;

	gw_neigh_process(dp->neigh, rte_rdtsc());
	dp_acquire_drain(dp);
	ctl_timer_arm(l, t, NEIGH_MS);
}

static void
housekeeping_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gw_dp *dp = arg;

	gw_route_reclaim(dp->routes);
	dp_tables_housekeeping(dp);
	ctl_timer_arm(l, t, HOUSEKEEPING_MS);
}

int
gw_dp_control_start(struct gw_dp *dp, struct ctl_loop *loop)
{
	struct dp_control *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL)
		return -ENOMEM;
	c->dp = dp;
	c->loop = loop;
	ctl_timer_init(&c->neigh_timer, neigh_tick, dp);
	ctl_timer_init(&c->housekeeping_timer, housekeeping_tick, dp);
	if (ctl_timer_arm(loop, &c->neigh_timer, 0) != 0 ||
	    ctl_timer_arm(loop, &c->housekeeping_timer, 0) != 0) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = -pthread_create(&c->exc_thread, NULL, exception_main, c);
	if (rc != 0)
		goto fail;
	pthread_setname_np(c->exc_thread, "gw-exception");
	c->exc_started = true;
	dp->control = c;
	return 0;
fail:
	ctl_timer_cancel(loop, &c->neigh_timer);
	ctl_timer_cancel(loop, &c->housekeeping_timer);
	free(c);
	return rc;
}

void
gw_dp_control_stop(struct gw_dp *dp)
{
	struct dp_control *c = dp->control;
	uint64_t lost;

	if (c == NULL)
		return;
	atomic_store(&c->exc_quit, true);
	if (c->exc_started)
		pthread_join(c->exc_thread, NULL);
	ctl_timer_cancel(c->loop, &c->neigh_timer);
	ctl_timer_cancel(c->loop, &c->housekeeping_timer);
	/* Learns still in the mailbox refer to dp: apply them now, it is still whole. */
	ctl_mbox_drain(c->loop);
	lost = atomic_load(&c->learn_lost);
	if (lost != 0)
		GW_LOG(general, WARNING, "%" PRIu64 " neighbour learns lost to a full control "
		       "mailbox", lost);
	free(c);
	dp->control = NULL;
}
