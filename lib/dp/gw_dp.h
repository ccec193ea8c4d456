/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_DP_H
#define GW_DP_H

/*
 * The data plane: ports, lcore roles, the stage functions and the two glue
 * layouts (run-to-completion and pipeline), and the control-thread side of
 * the exception path. One struct gw_dp holds it all; main() owns it.
 */

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>
#include <rte_ether.h>

#include "gw_common.h"
#include "gw_conf.h"
#include "gw_install.h"
#include "gw_stats.h"

struct gw_route_table;
struct gw_neigh_table;
struct gw_samgr;
struct gw_apply_sa;
struct gw_sad;
struct gw_spd;
struct gw_spd_slots;
struct gw_crypto_engine;
struct ctl_loop;
struct dp_control;

#define GW_MAX_WORKERS 64
#define GW_EXC_RING_SIZE 4096

/* One configured interface bound to a DPDK port (and maybe a TAP). */
struct gw_port {
	char name[GW_IFNAME_LEN];
	uint16_t port_id;		/* DPDK port of the interface */
	uint16_t tap_port_id;		/* DPDK port of the exception TAP, or UINT16_MAX */
	uint16_t tap_mtu;		/* largest IP packet the TAP takes (its DPDK MTU) */
	bool up;			/* administratively up */
	uint16_t mtu;
	struct rte_ether_addr mac;
	uint16_t nb_rxq, nb_txq;
	bool txq_shared;		/* fewer TX queues than lcores: lock them */
	rte_spinlock_t txq_lock[RTE_MAX_QUEUES_PER_PORT];
	uint16_t control_txq;		/* queue the control thread transmits on */
	/* first IPv4 / IPv6 address, source of ARP/ND/ICMP we originate */
	uint32_t ip4;			/* network order, 0 if none */
	uint8_t ip6[16];
	bool has_ip6;
};

enum gw_stage {
	GW_STAGE_RX = 0,
	GW_STAGE_CLASSIFY,
	GW_STAGE_CRYPTO,
	GW_STAGE_TX,			/* route + L2 rewrite + transmit */
	GW_STAGE_MAX
};

struct gw_rxq_ref {
	uint16_t port;			/* index into dp->ports */
	uint16_t queue;
};

struct gw_frag_ctx;
struct gw_reasm;

/*
 * What one burst can produce at most: every packet cut into
 * GW_FRAG_MAX_PER_PKT (64, lib/frag) fragments, or answered with an ICMP
 * error. The crypto stage takes a new burst only once the side queue is
 * empty, so it never has to drop what it made for want of room.
 */
#define GW_SIDE_QUEUE (GW_MAX_BURST * (64 + 1))

/*
 * Packets a stage produced beyond its burst (fragments of an oversize inner
 * packet, ICMP errors): they join the path again at the route stage, in
 * order from head.
 */
struct gw_side_queue {
	uint16_t head;
	uint16_t n;
	struct rte_mbuf *pkts[GW_SIDE_QUEUE];
};

/* What one worker lcore does. Written before launch, read-only after (but its queues). */
struct gw_worker {
	unsigned int lcore_id;
	unsigned int slot;		/* 0..nb_workers-1: RCU thread id */
	unsigned int tx_slot;		/* index among lcores running the TX stage: its queue */
	bool stage[GW_STAGE_MAX];	/* pipeline: stages this lcore runs */
	unsigned int nb_rxq;
	struct gw_rxq_ref rxq[GW_MAX_PORTS * 4];
	struct gw_frag_ctx *frag;	/* tunnel MTU: fragments and ICMP errors */
	struct gw_reasm *reasm;		/* ESP fragments waiting for the rest */
	unsigned int rx_next;		/* pipeline: the RX queue polled first next time */
	struct gw_side_queue side;
} __rte_cache_aligned;

struct gw_dp {
	const struct gw_config *conf;
	enum gw_layout layout;
	struct rte_mempool *pool;
	struct rte_mempool *big_pool;	/* reassembled datagrams for the kernel (lib/frag) */
	unsigned int nb_ports;
	struct gw_port ports[GW_MAX_PORTS];
	uint16_t port_index[RTE_MAX_ETHPORTS];	/* DPDK port id -> index, UINT16_MAX if none */
	struct rte_ether_addr port_macs[GW_MAX_PORTS];	/* by index, for the L2 rewrite */

	unsigned int nb_workers;
	struct gw_worker workers[GW_MAX_WORKERS];
	struct rte_rcu_qsbr *rcu;

	/* pipeline rings: [i] joins stage i and stage i+1 */
	struct rte_ring *stage_ring[GW_STAGE_MAX - 1];

	/* exception path: workers and the control thread -> the exception thread */
	struct rte_ring *to_kernel;	/* mbufs for the kernel (ARP, ND, local), frames to send */
	struct dp_control *control;	/* exception thread, control-loop timers (dp_control.c) */

	struct gw_route_table *routes;
	struct gw_neigh_table *neigh;
	struct gw_samgr *samgr;
	struct gw_install install;	/* backed by samgr: for every owner */
	struct gw_apply_sa *apply_sa;	/* the configuration as an owner */
	bool has_ipsec;			/* any SA or policy configured */
	struct gw_sad *sad;
	struct gw_spd_slots *slots;
	struct gw_spd *spd_out[GW_MAX_PORTS];	/* match-direction input: encrypt */
	struct gw_spd *spd_check[GW_MAX_PORTS];	/* match-direction output: inbound check */
	const struct gw_crypto_engine *engine;

	volatile bool quit;
	struct dp_acquire *acq;		/* on-traffic acquires (dp_acquire.c), NULL: none */
};

/* Build everything from a loaded configuration after rte_eal_init(). */
int gw_dp_init(struct gw_dp *dp, const struct gw_config *conf);
/*
 * Apply a new configuration to the running planes (SIGHUP): routes, static
 * neighbours, SAs and policies, interface MTU and up/down. SAs that did not
 * change are not touched. Interfaces themselves cannot change (-EINVAL). The
 * caller keeps conf alive until the next reload and frees the old one.
 */
int gw_dp_reload(struct gw_dp *dp, const struct gw_config *conf);
/* Start the lcores per the layout. */
int gw_dp_launch(struct gw_dp *dp);
/*
 * After gw_dp_launch(), on the control thread: start the exception thread
 * (TAP <-> port, its own pthread) and arm the periodic control work on loop
 * (neighbour requests and ageing, route reclamation, SA lifetimes). What the
 * exception thread learns from ARP/ND reaches the neighbour table through
 * loop's mailbox. 0 or -errno.
 */
int gw_dp_control_start(struct gw_dp *dp, struct ctl_loop *loop);
/* Stop and join the exception thread, cancel the timers. Control thread. */
void gw_dp_control_stop(struct gw_dp *dp);
/* Stop workers and wait for them. */
void gw_dp_stop(struct gw_dp *dp);
/* Close ports (flushes pcap output) and free tables. */
void gw_dp_fini(struct gw_dp *dp);

const char *gw_dp_port_name(uint16_t index);
uint64_t gw_dp_rx_total(const struct gw_dp *dp);
int gw_dp_stats_write_json(const struct gw_dp *dp, const char *path);

/* EAL arguments the configuration needs (vdevs, allow-list, TAPs). */
int gw_dp_eal_device_args(const struct gw_config *conf, char ***argv_out, int *argc_out,
			  bool *has_pci);

/* ---- stages (same functions for both layouts; lib/dp/dp_stages.c) ---- */
/* Receive up to max (<= GW_MAX_BURST) packets: no more than the next stage can take. */
uint16_t gw_stage_rx(struct gw_dp *dp, struct gw_worker *w, unsigned int rxq_idx,
		     struct rte_mbuf **pkts, uint16_t max);
/*
 * classify and crypto may take packets out of the burst (ESP fragments kept
 * for reassembly, oversize packets that leave as fragments through the side
 * queue): *n is updated, then good/bad as for every stage.
 */
uint16_t gw_stage_classify(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t *n);
uint16_t gw_stage_crypto(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t *n);
/* The calling worker (NULL off the workers). */
struct gw_worker *gw_dp_self(void);
uint16_t gw_stage_route(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t n);
void gw_stage_tx(struct gw_dp *dp, struct gw_worker *w, struct rte_mbuf **pkts, uint16_t n);
/* Count and free the packets a stage moved to the tail. */
void gw_drop_burst(struct rte_mbuf **pkts, uint16_t n);

/* Move packets whose meta->drop is set to the tail, keep order; returns good count. */
static inline uint16_t
gw_partition_drops(struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *bad[GW_MAX_BURST];
	uint16_t good = 0, nb_bad = 0, i = 0;

	/* Mostly nothing was dropped: no stores then. */
	while (i < n && gw_meta(pkts[i])->drop == 0)
		i++;
	good = i;
	for (; i < n; i++) {
		if (gw_meta(pkts[i])->drop == 0)
			pkts[good++] = pkts[i];
		else
			bad[nb_bad++] = pkts[i];
	}
	for (uint16_t i = 0; i < nb_bad; i++)
		pkts[good + i] = bad[i];
	return good;
}

#endif /* GW_DP_H */
