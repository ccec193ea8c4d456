/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Lcore layouts. run-to-completion: every worker polls its RX queues and runs
 * every stage on the burst. pipeline: RX, classify, crypto and TX run on the
 * lcores the configuration names, joined by single-producer/single-consumer
 * rings (an lcore may run several stages). Both call the same stage functions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "gw_dp.h"
#include "gw_dp_acquire.h"
#include "gw_log.h"
#include "gw_frag.h"
#include "gw_reasm.h"
#include "dp_priv.h"
#include "dp_ipsec.h"

/* lib/frag's large buffers: 8 fragments (its limit) of a 1500-byte link fit in 16 KB */
#define REASM_BIG_MBUFS 63
#define REASM_BIG_ROOM 16384

static struct gw_dp *the_dp;	/* for gw_dp_port_name() callbacks */

const char *
gw_dp_port_name(uint16_t index)
{
	if (the_dp == NULL || index >= the_dp->nb_ports)
		return "?";
	return the_dp->ports[index].name;
}

static int
add_worker(struct gw_dp *dp, unsigned int lcore)
{
	for (unsigned int i = 0; i < dp->nb_workers; i++)
		if (dp->workers[i].lcore_id == lcore)
			return (int)i;
	if (lcore == rte_get_main_lcore()) {
		GW_LOG(general, ERR, "lcore %u is the main (control) lcore, not a worker", lcore);
		return -EINVAL;
	}
	if (!rte_lcore_is_enabled(lcore)) {
		GW_LOG(general, ERR, "lcore %u is not in the EAL core list", lcore);
		return -EINVAL;
	}
	if (dp->nb_workers == GW_MAX_WORKERS)
		return -E2BIG;
	dp->workers[dp->nb_workers].lcore_id = lcore;
	dp->workers[dp->nb_workers].slot = dp->nb_workers;
	return (int)dp->nb_workers++;
}

/* Default worker: the first lcore after the main one. */
static unsigned int
first_worker_lcore(void)
{
	return rte_get_next_lcore(-1, 1, 0);
}

static int
assign_rtc(struct gw_dp *dp)
{
	const struct gw_conf_dataplane *c = &dp->conf->dataplane;
	unsigned int lcore;
	int rc;

	if (c->nb_workers > 0) {
		for (unsigned int i = 0; i < c->nb_workers; i++) {
			rc = add_worker(dp, c->workers[i]);
			if (rc < 0)
				return rc;
		}
	} else {
		RTE_LCORE_FOREACH_WORKER(lcore) {
			rc = add_worker(dp, lcore);
			if (rc < 0)
				return rc;
		}
	}
	if (dp->nb_workers == 0) {
		GW_LOG(general, ERR, "no worker lcore: give EAL at least two lcores (-l 0-1)");
		return -EINVAL;
	}
	for (unsigned int w = 0; w < dp->nb_workers; w++) {
		for (unsigned int s = 0; s < GW_STAGE_MAX; s++)
			dp->workers[w].stage[s] = true;
		dp->workers[w].tx_slot = w;
	}
	return 0;
}

static int
assign_pipeline(struct gw_dp *dp)
{
	const struct gw_conf_dataplane *c = &dp->conf->dataplane;
	unsigned int lcores[GW_STAGE_MAX] = {
		c->rx_lcore, c->classify_lcore, c->crypto_lcore, c->tx_lcore,
	};

	for (unsigned int s = 0; s < GW_STAGE_MAX; s++) {
		int w;

		if (lcores[s] == 0)
			lcores[s] = first_worker_lcore();
		if (lcores[s] >= RTE_MAX_LCORE) {
			GW_LOG(general, ERR, "pipeline needs a worker lcore (-l 0-1)");
			return -EINVAL;
		}
		w = add_worker(dp, lcores[s]);
		if (w < 0)
			return w;
		dp->workers[w].stage[s] = true;
		if (s == GW_STAGE_TX)
			dp->workers[w].tx_slot = 0;	/* one TX lcore: queue 0 */
	}
	return 0;
}

/* RX queues: queue q of port p goes to worker (p + q) % RX workers. */
static void
assign_rx_queues(struct gw_dp *dp)
{
	unsigned int rx_workers[GW_MAX_WORKERS], nb_rx = 0;

	for (unsigned int w = 0; w < dp->nb_workers; w++)
		if (dp->workers[w].stage[GW_STAGE_RX])
			rx_workers[nb_rx++] = w;
	for (unsigned int p = 0; p < dp->nb_ports; p++) {
		for (uint16_t q = 0; q < dp->ports[p].nb_rxq; q++) {
			struct gw_worker *w = &dp->workers[rx_workers[(p + q) % nb_rx]];

			if (w->nb_rxq < RTE_DIM(w->rxq))
				w->rxq[w->nb_rxq++] = (struct gw_rxq_ref){ .port = p, .queue = q };
		}
	}
}

static int
create_rings(struct gw_dp *dp)
{
	unsigned int size = dp->conf->dataplane.ring_size;
	char name[RTE_RING_NAMESIZE];

	for (unsigned int i = 0; i < GW_STAGE_MAX - 1; i++) {
		snprintf(name, sizeof(name), "gw_stage%u", i);
		dp->stage_ring[i] = rte_ring_create(name, size, rte_socket_id(),
						    RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (dp->stage_ring[i] == NULL)
			return -rte_errno;
	}
	return 0;
}

static int
create_rcu(struct gw_dp *dp)
{
	size_t sz = rte_rcu_qsbr_get_memsize(dp->nb_workers);

	dp->rcu = rte_zmalloc("gw_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (dp->rcu == NULL)
		return -ENOMEM;
	return rte_rcu_qsbr_init(dp->rcu, dp->nb_workers);
}

/* Fragmentation and reassembly state of each worker, on its own. */
static int
create_worker_state(struct gw_dp *dp)
{
	for (unsigned int i = 0; i < dp->nb_workers; i++) {
		struct gw_worker *w = &dp->workers[i];
		struct gw_reasm_conf rc = {
			.socket_id = (int)rte_lcore_to_socket_id(w->lcore_id),
			.max_flows = 4096,
			.pool = dp->pool,
			.big_pool = dp->big_pool,
			.big_ok = dp_reasm_big_ok,
		};

		w->frag = gw_frag_ctx_create(rc.socket_id, dp->pool, 100, 10);
		w->reasm = gw_reasm_create(&rc);
		if (w->frag == NULL || w->reasm == NULL)
			return -ENOMEM;
		for (unsigned int p = 0; p < dp->nb_ports; p++)
			gw_frag_ctx_set_src(w->frag, p, dp->ports[p].ip4,
					    dp->ports[p].has_ip6 ? dp->ports[p].ip6 : NULL);
	}
	return 0;
}

int
gw_dp_init(struct gw_dp *dp, const struct gw_config *conf)
{
	uint16_t want_rxq, want_txq;
	int rc;

	the_dp = dp;
	dp->conf = conf;
	dp->layout = conf->dataplane.layout;
	rc = dp->layout == GW_LAYOUT_PIPELINE ? assign_pipeline(dp) : assign_rtc(dp);
	if (rc != 0)
		return rc;
	rc = create_rcu(dp);
	if (rc != 0)
		return rc;
	dp->pool = rte_pktmbuf_pool_create("gw_mbufs", conf->dataplane.nb_mbufs, 256,
					   GW_META_PRIV_SIZE, RTE_MBUF_DEFAULT_BUF_SIZE,
					   rte_socket_id());
	if (dp->pool == NULL) {
		GW_LOG(general, ERR, "cannot create %u mbufs: %s", conf->dataplane.nb_mbufs,
		       rte_strerror(rte_errno));
		return -rte_errno;
	}
	/* reassembled datagrams for the kernel over 2 KB (a GROUPKEY-PUSH with many TEKs) */
	dp->big_pool = rte_pktmbuf_pool_create("gw_reasm_big", REASM_BIG_MBUFS, 0,
					       GW_META_PRIV_SIZE, REASM_BIG_ROOM +
					       RTE_PKTMBUF_HEADROOM, rte_socket_id());
	if (dp->big_pool == NULL) {
		GW_LOG(general, ERR, "cannot create the reassembly pool: %s",
		       rte_strerror(rte_errno));
		return -rte_errno;
	}
	if (dp->layout == GW_LAYOUT_PIPELINE) {
		want_rxq = 1;
		want_txq = 2;		/* TX lcore + control thread */
		rc = create_rings(dp);
		if (rc != 0)
			return rc;
	} else {
		want_rxq = dp->nb_workers;
		want_txq = dp->nb_workers + 1;
	}
	rc = dp_ports_init(dp, want_rxq, want_txq);
	if (rc != 0)
		return rc;
	assign_rx_queues(dp);
	rc = create_worker_state(dp);
	if (rc != 0)
		return rc;
	rc = dp_tables_init(dp);
	if (rc != 0)
		return rc;
	return dp_control_init(dp);
}

static void side_to_tx(struct gw_dp *dp, struct gw_worker *w);
static RTE_DEFINE_PER_LCORE(struct gw_worker *, dp_self);

struct gw_worker *
gw_dp_self(void)
{
	return RTE_PER_LCORE(dp_self);
}

/* run-to-completion: one burst through every stage. */
static void
rtc_burst(struct gw_dp *dp, struct gw_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t good = gw_stage_classify(dp, pkts, &n);

	gw_drop_burst(pkts + good, n - good);
	n = good;
	good = gw_stage_crypto(dp, pkts, &n);
	gw_drop_burst(pkts + good, n - good);
	n = good;
	good = gw_stage_route(dp, pkts, n);
	gw_drop_burst(pkts + good, n - good);
	gw_stage_tx(dp, w, pkts, good);
	/* What this burst made leaves before the next burst can make more. */
	while (w->side.n != 0)
		side_to_tx(dp, w);
}

static void
rtc_poll(struct gw_dp *dp, struct gw_worker *w)
{
	struct rte_mbuf *pkts[GW_MAX_BURST];
	uint16_t held;

	/* packets held for an on-traffic negotiation (dp_acquire.c), every 10 ms */
	if (unlikely(dp->acq != NULL) &&
	    (held = dp_acquire_release(dp, pkts, GW_MAX_BURST)) != 0)
		rtc_burst(dp, w, pkts, held);
	for (unsigned int i = 0; i < w->nb_rxq; i++) {
		uint16_t n = gw_stage_rx(dp, w, i, pkts, GW_MAX_BURST);

		if (n != 0)
			rtc_burst(dp, w, pkts, n);
	}
}

/* Take up to max packets off the worker's side queue (fragments, ICMP errors). */
static uint16_t
side_take(struct gw_worker *w, struct rte_mbuf **pkts, uint16_t max)
{
	uint16_t n = RTE_MIN(w->side.n, max);

	memcpy(pkts, w->side.pkts + w->side.head, n * sizeof(pkts[0]));
	w->side.n -= n;
	w->side.head = w->side.n == 0 ? 0 : w->side.head + n;
	return n;
}

static void
side_to_tx(struct gw_dp *dp, struct gw_worker *w)
{
	struct rte_mbuf *pkts[GW_MAX_BURST];
	uint16_t n = side_take(w, pkts, GW_MAX_BURST);
	uint16_t good = gw_stage_route(dp, pkts, n);

	gw_drop_burst(pkts + good, n - good);
	gw_stage_tx(dp, w, pkts, good);
}

/*
 * Enqueue to the next stage's ring. The caller took no more than the ring's
 * free room and is its only producer, so everything fits; were it not so,
 * what does not fit would be dropped and counted, never lost.
 */
static void
ring_forward(struct rte_ring *r, struct rte_mbuf **pkts, uint16_t n)
{
	unsigned int sent = rte_ring_sp_enqueue_burst(r, (void **)pkts, n, NULL);

	for (unsigned int i = sent; i < n; i++)
		gw_meta(pkts[i])->drop = GW_DROP_RING_FULL;
	gw_drop_burst(pkts + sent, n - sent);
}

/* How many packets a stage may take: no more than the next ring can hold. */
static inline uint16_t
ring_room(const struct rte_ring *r)
{
	return (uint16_t)RTE_MIN(rte_ring_free_count(r), (unsigned int)GW_MAX_BURST);
}

/*
 * Every RX queue gets a burst of at most the room left in the first ring.
 * When the room runs out, the next round starts with the queue that got
 * none (else with the one after this round's first), so that one busy port
 * cannot starve the others when the ring has room for one burst a round.
 */
static void
pipeline_rx(struct gw_dp *dp, struct gw_worker *w)
{
	struct rte_mbuf *pkts[GW_MAX_BURST];
	unsigned int first = w->rx_next;

	if (w->nb_rxq == 0)
		return;
	w->rx_next = first + 1 < w->nb_rxq ? first + 1 : 0;
	for (unsigned int k = 0; k < w->nb_rxq; k++) {
		unsigned int i = first + k < w->nb_rxq ? first + k : first + k - w->nb_rxq;
		uint16_t room = ring_room(dp->stage_ring[0]), n;

		if (room == 0) {
			w->rx_next = i;
			return;
		}
		n = gw_stage_rx(dp, w, i, pkts, room);
		if (n != 0)
			ring_forward(dp->stage_ring[0], pkts, n);
	}
}

/* Pass the side queue on as far as the ring has room; true once it is empty. */
static bool
side_to_ring(struct gw_worker *w, struct rte_ring *out)
{
	struct rte_mbuf *pkts[GW_MAX_BURST];

	while (w->side.n != 0) {
		uint16_t n = side_take(w, pkts, ring_room(out));

		if (n == 0)
			return false;
		ring_forward(out, pkts, n);
	}
	return true;
}

/*
 * The crypto stage's output is its burst plus what the burst made (side
 * queue): the side queue goes first, and a new burst is taken only once it
 * is empty and only as large as the room left in the ring.
 */
static void
pipeline_crypto(struct gw_dp *dp, struct gw_worker *w)
{
	struct rte_ring *out = dp->stage_ring[2];
	struct rte_mbuf *pkts[GW_MAX_BURST];
	uint16_t n, good;

	if (!side_to_ring(w, out))
		return;
	n = rte_ring_sc_dequeue_burst(dp->stage_ring[1], (void **)pkts, ring_room(out), NULL);
	if (n == 0)
		return;
	good = gw_stage_crypto(dp, pkts, &n);
	gw_drop_burst(pkts + good, n - good);
	ring_forward(out, pkts, good);
	side_to_ring(w, out);
}

/*
 * Back-pressure: a stage takes from its input only as many packets as the
 * next ring has room for, so a slow stage leaves packets in the NIC (where
 * an overrun is the wire's, counted by the port as missed) instead of having
 * them dropped between stages.
 */
static void
pipeline_poll(struct gw_dp *dp, struct gw_worker *w)
{
	struct rte_mbuf *pkts[GW_MAX_BURST];
	uint16_t n, good;

	if (w->stage[GW_STAGE_RX])
		pipeline_rx(dp, w);
	if (w->stage[GW_STAGE_CLASSIFY]) {
		n = rte_ring_sc_dequeue_burst(dp->stage_ring[0], (void **)pkts,
					      ring_room(dp->stage_ring[1]), NULL);
		if (n != 0) {
			good = gw_stage_classify(dp, pkts, &n);
			gw_drop_burst(pkts + good, n - good);
			ring_forward(dp->stage_ring[1], pkts, good);
		}
	}
	if (w->stage[GW_STAGE_CRYPTO])
		pipeline_crypto(dp, w);
	if (w->stage[GW_STAGE_TX]) {
		n = rte_ring_sc_dequeue_burst(dp->stage_ring[2], (void **)pkts, GW_MAX_BURST,
					      NULL);
		if (n != 0) {
			good = gw_stage_route(dp, pkts, n);
			gw_drop_burst(pkts + good, n - good);
			gw_stage_tx(dp, w, pkts, good);
		}
	}
}

static int
worker_main(void *arg)
{
	struct gw_worker *w = arg;
	struct gw_dp *dp = the_dp;

	RTE_PER_LCORE(dp_self) = w;
	if (dp->engine != NULL && dp->engine->lcore_init != NULL)
		dp->engine->lcore_init(w->lcore_id);
	rte_rcu_qsbr_thread_register(dp->rcu, w->slot);
	rte_rcu_qsbr_thread_online(dp->rcu, w->slot);
	GW_LOG(general, INFO, "lcore %u: worker %u, %u rx queues", w->lcore_id, w->slot,
	       w->nb_rxq);
	uint64_t next_flush = 0, hz = rte_get_tsc_hz();

	while (!dp->quit) {
		uint64_t now = rte_rdtsc();

		if (now >= next_flush) {	/* reassembly timeouts, every 10 ms */
			next_flush = now + hz / 100;
			gw_reasm_flush_expired(w->reasm, now);
		}
		if (dp->layout == GW_LAYOUT_PIPELINE)
			pipeline_poll(dp, w);
		else
			rtc_poll(dp, w);
		/* No table reference survives past this point of the loop. */
		rte_rcu_qsbr_quiescent(dp->rcu, w->slot);
	}
	rte_rcu_qsbr_thread_offline(dp->rcu, w->slot);
	rte_rcu_qsbr_thread_unregister(dp->rcu, w->slot);
	return 0;
}

int
gw_dp_launch(struct gw_dp *dp)
{
	for (unsigned int i = 0; i < dp->nb_workers; i++) {
		int rc = rte_eal_remote_launch(worker_main, &dp->workers[i],
					       dp->workers[i].lcore_id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Drop and count what a ring still holds (the workers have stopped). */
static void
drop_in_flight(struct rte_ring *r)
{
	struct rte_mbuf *pkts[GW_MAX_BURST];
	unsigned int n;

	if (r == NULL)
		return;
	while ((n = rte_ring_dequeue_burst(r, (void **)pkts, GW_MAX_BURST, NULL)) != 0) {
		for (unsigned int i = 0; i < n; i++)
			gw_meta(pkts[i])->drop = GW_DROP_IN_FLIGHT_AT_EXIT;
		gw_drop_burst(pkts, (uint16_t)n);
	}
}

/*
 * Once the workers have stopped, the frames still between stages, on a
 * side queue or on the way to the control thread are counted
 * (in-flight-at-exit) before the exit report, so every frame received lands
 * in one counter. Fragments held by reassembly stay counted as reasm_held.
 */
void
gw_dp_stop(struct gw_dp *dp)
{
	dp->quit = true;
	rte_eal_mp_wait_lcore();
	for (unsigned int i = 0; i < GW_STAGE_MAX - 1; i++)
		drop_in_flight(dp->stage_ring[i]);
	for (unsigned int i = 0; i < dp->nb_workers; i++) {
		struct gw_worker *w = &dp->workers[i];
		struct rte_mbuf *pkts[GW_MAX_BURST];

		while (w->side.n != 0) {
			uint16_t n = side_take(w, pkts, GW_MAX_BURST);

			for (uint16_t k = 0; k < n; k++)
				gw_meta(pkts[k])->drop = GW_DROP_IN_FLIGHT_AT_EXIT;
			gw_drop_burst(pkts, n);
		}
	}
	drop_in_flight(dp->to_kernel);
	dp_acquire_flush(dp);
}

void
gw_dp_fini(struct gw_dp *dp)
{
	dp_control_fini(dp);
	dp_acquire_fini(dp);
	dp_ports_close(dp);
	dp_tables_fini(dp);
	for (unsigned int i = 0; i < dp->nb_workers; i++) {
		struct gw_worker *w = &dp->workers[i];

		rte_pktmbuf_free_bulk(w->side.pkts + w->side.head, w->side.n);
		w->side.n = 0;
		gw_reasm_free(w->reasm);
		gw_frag_ctx_free(w->frag);
	}
	for (unsigned int i = 0; i < GW_STAGE_MAX - 1; i++)
		rte_ring_free(dp->stage_ring[i]);
	rte_mempool_free(dp->pool);
	rte_mempool_free(dp->big_pool);
	rte_free(dp->rcu);
	the_dp = NULL;
}

uint64_t
gw_dp_rx_total(const struct gw_dp *dp)
{
	struct gw_stats_snapshot snap;
	uint64_t total = 0;

	gw_stats_snapshot(&snap, dp->nb_ports);
	for (unsigned int p = 0; p < dp->nb_ports; p++)
		total += snap.port[p].rx_pkts + snap.port[p].from_kernel;
	return total;
}
