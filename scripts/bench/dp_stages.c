/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_stages: cycles per packet spent in each stage of the run-to-completion
 * worker (lib/dp: rx, classify, crypto, route, tx), for one gdoigw
 * configuration. The regression guard (scripts/bench/guard.sh) and
 * scripts/bench/stages.sh run it; meson builds it (test/bench/meson.build).
 *
 *   dp_stages -c CONF [-n PACKETS] [-r ROUNDS] [-l LABEL] [-- EAL args]
 *
 * The configuration's first worker lcore runs the same stage functions in the
 * same order as lib/dp's rtc_poll(), with a TSC read between stages; the
 * data plane is built by gw_dp_init() exactly as gdoigw builds it, but no
 * control thread runs (no ARP, no timers: benchmark configurations use static
 * neighbours and `exception = "none"`). ROUNDS rounds of PACKETS received
 * packets each follow a warm-up of PACKETS; each stage reports the minimum of
 * its rounds (interference only ever adds cycles) and the median.
 *
 * Output (stable; one record per line, fields separated by one space):
 *   dp_stages 1                                  format version
 *   tsc_hz HZ
 *   case LABEL
 *   stage LABEL NAME MIN_CYC_PER_PKT MEDIAN_CYC_PER_PKT
 *     NAME: rx classify crypto route tx (each stage, including the freeing of
 *     what it dropped), sum (of those), loop (the whole loop: TSC between the
 *     first and last read of a round over packets received, the stage reads
 *     included), tsc (the cost of one TSC read, per packet: burst reads / pkts)
 *   stage LABEL NAME-blk MIN MEDIAN              NAME: each stage, sum, loop; the
 *     fastest block of BLOCK_BURSTS bursts in each round (min and median over
 *     the rounds): the figure that holds on a loaded machine
 *   pkts LABEL RECEIVED KEPT                     last round: received, reached TX
 * Exit status 0, or 1 when nothing was received or nothing reached TX (a
 * configuration that drops everything would otherwise look fast).
 * A benchmark, not a test: figures depend on the machine and its load.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include "gw_conf.h"
#include "gw_crypto.h"
#include "gw_dp.h"

enum { ST_RX, ST_CLASSIFY, ST_CRYPTO, ST_ROUTE, ST_TX, ST_MAX };
static const char *const st_name[ST_MAX] = { "rx", "classify", "crypto", "route", "tx" };

#define MAX_ROUNDS 31
/* TSC reads per burst in the loop below */
#define READS_PER_BURST 6

/*
 * Bursts in a block: the fastest block's cycles per packet (the "-blk"
 * records) hold on a loaded machine, where a round of a million packets is
 * always interrupted by the scheduler and reads 2-5x slow, but a block of
 * 16 bursts (~0.2 ms) often is not.
 */
#define BLOCK_BURSTS 16
/* the "-blk" figures: each stage, their sum, the loop */
#define NB_BLK (ST_MAX + 2)

struct round {
	uint64_t cyc[ST_MAX];
	uint64_t loop;
	uint64_t bursts;
	uint64_t rx, kept;
	double bmin[NB_BLK];	/* fastest block of the round, cycles per packet */
};

/* The block in progress: its cycles per stage, packets, bursts and first TSC read. */
struct block {
	uint64_t cyc[ST_MAX];
	uint64_t rx, start;
	unsigned int bursts;
};

static void
block_end(struct round *r, struct block *k, uint64_t end)
{
	double sum = 0, v;

	for (int s = 0; s < ST_MAX; s++) {
		v = (double)k->cyc[s] / (double)k->rx;
		sum += v;
		if (v < r->bmin[s])
			r->bmin[s] = v;
	}
	if (sum < r->bmin[ST_MAX])
		r->bmin[ST_MAX] = sum;
	v = (double)(end - k->start) / (double)k->rx;
	if (v < r->bmin[ST_MAX + 1])
		r->bmin[ST_MAX + 1] = v;
	memset(k, 0, sizeof(*k));
}

struct bench {
	struct gw_dp *dp;
	struct gw_worker *w;
	uint64_t packets;
	unsigned int rounds;
	struct round r[MAX_ROUNDS + 1];	/* [0] = warm-up */
	volatile int done;
};

/* One round: bursts until `packets` were received, every stage timed. */
static void
run_round(struct bench *b, struct round *r)
{
	struct gw_dp *dp = b->dp;
	struct gw_worker *w = b->w;
	struct rte_mbuf *pkts[GW_MAX_BURST];
	uint64_t idle = 0, start = rte_rdtsc();
	struct block k = { .bursts = 0 };

	memset(r, 0, sizeof(*r));
	for (int s = 0; s < NB_BLK; s++)
		r->bmin[s] = 1e30;
	while (r->rx < b->packets && idle < 100000000) {
		for (unsigned int i = 0; i < w->nb_rxq; i++) {
			uint64_t t0, t1, t2, t3, t4, t5;
			uint16_t n, good;

			t0 = rte_rdtsc();
			n = gw_stage_rx(dp, w, i, pkts, GW_MAX_BURST);
			t1 = rte_rdtsc();
			if (n == 0) {
				idle++;
				continue;
			}
			r->rx += n;
			good = gw_stage_classify(dp, pkts, &n);
			gw_drop_burst(pkts + good, n - good);
			n = good;
			t2 = rte_rdtsc();
			good = gw_stage_crypto(dp, pkts, &n);
			gw_drop_burst(pkts + good, n - good);
			n = good;
			t3 = rte_rdtsc();
			good = gw_stage_route(dp, pkts, n);
			gw_drop_burst(pkts + good, n - good);
			t4 = rte_rdtsc();
			gw_stage_tx(dp, w, pkts, good);
			t5 = rte_rdtsc();
			r->kept += good;
			r->cyc[ST_RX] += t1 - t0;
			r->cyc[ST_CLASSIFY] += t2 - t1;
			r->cyc[ST_CRYPTO] += t3 - t2;
			r->cyc[ST_ROUTE] += t4 - t3;
			r->cyc[ST_TX] += t5 - t4;
			r->bursts++;
			if (k.bursts++ == 0)
				k.start = t0;
			k.rx += n;
			k.cyc[ST_RX] += t1 - t0;
			k.cyc[ST_CLASSIFY] += t2 - t1;
			k.cyc[ST_CRYPTO] += t3 - t2;
			k.cyc[ST_ROUTE] += t4 - t3;
			k.cyc[ST_TX] += t5 - t4;
			if (k.bursts == BLOCK_BURSTS)
				block_end(r, &k, t5);
		}
		rte_rcu_qsbr_quiescent(dp->rcu, w->slot);
	}
	r->loop = rte_rdtsc() - start;
}

static int
worker(void *arg)
{
	struct bench *b = arg;
	struct gw_dp *dp = b->dp;

	if (dp->engine != NULL && dp->engine->lcore_init != NULL)
		dp->engine->lcore_init(b->w->lcore_id);	/* the worker's private IPsec-MB copy */
	rte_rcu_qsbr_thread_register(dp->rcu, b->w->slot);
	rte_rcu_qsbr_thread_online(dp->rcu, b->w->slot);
	for (unsigned int i = 0; i <= b->rounds; i++)
		run_round(b, &b->r[i]);
	rte_rcu_qsbr_thread_offline(dp->rcu, b->w->slot);
	rte_rcu_qsbr_thread_unregister(dp->rcu, b->w->slot);
	b->done = 1;
	return 0;
}

/* Cycles of one rte_rdtsc() on this lcore (minimum of many pairs). */
static double
tsc_read_cost(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 10000; i++) {
		uint64_t a = rte_rdtsc(), c = rte_rdtsc();

		if (c - a < best)
			best = c - a;
	}
	return (double)best;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(const struct bench *b, const char *label)
{
	double v[MAX_ROUNDS];
	double tsc = tsc_read_cost();
	const struct round *last = &b->r[b->rounds];

	printf("case %s\n", label);
	for (int s = 0; s <= ST_MAX + 2; s++) {
		const char *name = s < ST_MAX ? st_name[s] :
			s == ST_MAX ? "sum" : s == ST_MAX + 1 ? "loop" : "tsc";

		for (unsigned int i = 0; i < b->rounds; i++) {
			const struct round *r = &b->r[i + 1];
			double c = 0;

			if (s < ST_MAX) {
				c = (double)r->cyc[s];
			} else if (s == ST_MAX) {
				for (int k = 0; k < ST_MAX; k++)
					c += (double)r->cyc[k];
			} else if (s == ST_MAX + 1) {
				c = (double)r->loop;
			} else {
				c = tsc * READS_PER_BURST * (double)r->bursts;
			}
			v[i] = r->rx != 0 ? c / (double)r->rx : 0;
		}
		qsort(v, b->rounds, sizeof(v[0]), cmp_d);
		printf("stage %s %s %.1f %.1f\n", label, name, v[0], v[b->rounds / 2]);
	}
	for (int s = 0; s < NB_BLK; s++) {
		const char *name = s < ST_MAX ? st_name[s] : s == ST_MAX ? "sum" : "loop";

		for (unsigned int i = 0; i < b->rounds; i++)
			v[i] = b->r[i + 1].bmin[s];
		qsort(v, b->rounds, sizeof(v[0]), cmp_d);
		printf("stage %s %s-blk %.1f %.1f\n", label, name, v[0], v[b->rounds / 2]);
	}
	printf("pkts %s %lu %lu\n", label, (unsigned long)last->rx, (unsigned long)last->kept);
}

static void
usage(FILE *f, const char *argv0)
{
	fprintf(f, "usage: %s -c CONF [-n PACKETS] [-r ROUNDS] [-l LABEL] [-- EAL args]\n"
		"  per-stage cycles per packet of the run-to-completion worker\n", argv0);
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL, *label = "case";
	struct bench b = { .packets = 2000000, .rounds = 5 };
	char **dev_argv = NULL, *eal[128], prefix[64], lcores[32];
	int dev_argc = 0, neal = 0, opt, rc;
	struct gw_conf_error err;
	struct gw_config *conf;
	bool has_pci = false;
	char why[1024];

	while ((opt = getopt(argc, argv, "c:n:r:l:h")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'n': b.packets = strtoull(optarg, NULL, 0); break;
		case 'r': b.rounds = (unsigned int)atoi(optarg); break;
		case 'l': label = optarg; break;
		case 'h': usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (conf_path == NULL || b.packets == 0 || b.rounds < 1 || b.rounds > MAX_ROUNDS) {
		usage(stderr, argv[0]);
		return 2;
	}
	conf = gw_conf_load(conf_path, &err);
	if (conf == NULL) {
		gw_conf_error_format(&err, why, sizeof(why));
		fprintf(stderr, "dp_stages: %s\n", why);
		return 2;
	}
	if (conf->dataplane.layout != GW_LAYOUT_RUN_TO_COMPLETION || conf->dataplane.nb_workers < 1) {
		fprintf(stderr, "dp_stages: %s: needs the run-to-completion layout and a worker\n",
			conf_path);
		return 2;
	}
	if (gw_crypto_arch_check(conf->dataplane.crypto_arch, why, sizeof(why)) != 0) {
		fprintf(stderr, "dp_stages: crypto-arch %s: this CPU lacks %s\n",
			gw_crypto_arch_name(conf->dataplane.crypto_arch), why);
		return 2;
	}
	if (gw_dp_eal_device_args(conf, &dev_argv, &dev_argc, &has_pci) != 0)
		return 2;
	/* EAL: the benchmark method's defaults, then what follows "--", then the devices */
	snprintf(prefix, sizeof(prefix), "--file-prefix=dp-stages-%d", (int)getpid());
	snprintf(lcores, sizeof(lcores), "-l0,%u", conf->dataplane.workers[0]);
	eal[neal++] = argv[0];
	eal[neal++] = "--no-huge";
	eal[neal++] = "-m";
	eal[neal++] = "1024";
	eal[neal++] = "--no-telemetry";
	eal[neal++] = "--log-level=lib.eal:error";
	eal[neal++] = prefix;
	eal[neal++] = lcores;
	if (!has_pci)
		eal[neal++] = "--no-pci";
	for (int i = optind; i < argc && neal < 100; i++)
		eal[neal++] = argv[i];
	for (int i = 0; i < dev_argc && neal < 127; i++)
		eal[neal++] = dev_argv[i];
	eal[neal] = NULL;
	if (rte_eal_init(neal, eal) < 0) {
		fprintf(stderr, "dp_stages: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	b.dp = calloc(1, sizeof(*b.dp));
	if (b.dp == NULL)
		return 1;
	rc = gw_dp_init(b.dp, conf);
	if (rc != 0) {
		fprintf(stderr, "dp_stages: data plane: %s\n", strerror(-rc));
		return 1;
	}
	b.w = &b.dp->workers[0];
	printf("dp_stages 1\ntsc_hz %lu\n", (unsigned long)rte_get_tsc_hz());
	rc = rte_eal_remote_launch(worker, &b, b.w->lcore_id);
	if (rc != 0) {
		fprintf(stderr, "dp_stages: lcore %u: %s\n", b.w->lcore_id, strerror(-rc));
		return 1;
	}
	rte_eal_mp_wait_lcore();
	report(&b, label);
	rc = b.r[b.rounds].rx == 0 || b.r[b.rounds].kept == 0;
	if (rc)
		fprintf(stderr, "dp_stages: %s: %s\n", label, b.r[b.rounds].rx == 0 ?
			"nothing received" : "nothing reached TX (all dropped)");
	gw_dp_stop(b.dp);
	gw_dp_fini(b.dp);
	free(b.dp);
	rte_eal_cleanup();
	for (int i = 0; i < dev_argc; i++)
		free(dev_argv[i]);
	free(dev_argv);
	gw_conf_free(conf);
	return rc;
}
