/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esp_micro: micro-benchmarks for scripts/bench-esp.sh on the project's libraries
 * (a meson target: test/bench/meson.build).
 *
 *   esp_micro [--arch=A] CMD ...   every IPsec-MB manager on code path A
 *                                  (crypto-arch: auto, avx512, avx2, avx, sse)
 *   esp_micro raw SIZE...          raw IPsec-MB cost (gw_crypto_raw_cost_set, private
 *                                  copy as on a worker): GCM-128 enc and
 *                                  CBC-128+HMAC-SHA1-96 enc on one hot buffer
 *                                  (gcm, cbc) and over one burst's working set,
 *                                  32 buffers spaced like mbufs (gcm_set,
 *                                  cbc_set); sizes interleaved, minimum (and
 *                                  median) of 7, ns + cycles
 *   esp_micro imb SIZE MS          imb_errno contention: GCM-128 enc on 1 and 2
 *                                  pinned threads, linked library vs private copies
 *   esp_micro sad N...             SAD lookup ns/packet, bursts of 32, keys spread
 *                                  over N installed SAs (group: 2-step miss+hit;
 *                                  unicast: 1-step hit), each burst's SAs then
 *                                  prefetched and read as classify does; the
 *                                  fastest pass over the keys (a pass the
 *                                  scheduler interrupted only reads slower) and
 *                                  the median pass
 *   esp_micro out SIZE...          gw_esp_outbound() alone, ns and cycles per packet in
 *                                  bursts of 32 frames of SIZE (64 = 46-byte IPv4
 *                                  packets), group and tunnel SA, AES-128-GCM and
 *                                  AES-128-CBC+HMAC-SHA1; the fastest block of 16
 *                                  bursts (each burst first restores its packets:
 *                                  data offset, lengths, inner IPv4 header)
 *   esp_micro install MS NSA       SA installs/s (gw_samgr_sa_update, real sessions)
 *                                  on the main lcore while worker lcore 1 looks up
 *                                  bursts of 32 in the same SAD and reads the SA
 * A benchmark, not a test: figures depend on the machine and its load.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "gw_crypto.h"
#include "gw_esp.h"
#include "gw_sa.h"
#include "gw_sad.h"
#include "gw_samgr.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double tsc_ghz;

/* ---- raw ---- */
#define RAW_REPS 7
/* What `raw` measures per size: hot = one buffer, set = one burst's working set. */
static const struct {
	const char *name;
	enum gw_crypto_raw_op op;
	unsigned int nbufs, iters;
} raw_kinds[] = {
	{ "gcm", GW_CRYPTO_RAW_GCM128_ENC, 1, 200000 },
	{ "cbc", GW_CRYPTO_RAW_CBC128_SHA1_ENC, 1, 100000 },
	{ "gcm_set", GW_CRYPTO_RAW_GCM128_ENC, GW_CRYPTO_RAW_BURST, 200000 },
	{ "cbc_set", GW_CRYPTO_RAW_CBC128_SHA1_ENC, GW_CRYPTO_RAW_BURST, 100000 },
};
#define RAW_KINDS (sizeof(raw_kinds) / sizeof(raw_kinds[0]))

static int
cmd_raw(int argc, char **argv)
{
	const struct gw_crypto_engine *mb = gw_crypto_engine_get("ipsecmb");
	static double t[16][RAW_KINDS][RAW_REPS];

	if (argc > 16)
		argc = 16;
	if (mb->probe() != 0 || mb->lcore_init(rte_lcore_id()) != 0)
		fprintf(stderr, "raw: no private copy, linked library\n");
	printf("raw_setup arch %s set_bufs %u stride %u offset %u\n",
	       gw_crypto_ipsecmb_thread_arch(), GW_CRYPTO_RAW_BURST, GW_CRYPTO_RAW_STRIDE,
	       GW_CRYPTO_RAW_OFFSET);
	/* sizes and kinds interleaved, RAW_REPS rounds: a burst of load hits every one alike */
	for (int r = 0; r < RAW_REPS; r++)
		for (int i = 0; i < argc; i++)
			for (unsigned int k = 0; k < RAW_KINDS; k++)
				if (gw_crypto_raw_cost_set(raw_kinds[k].op, (unsigned int)atoi(argv[i]),
							   raw_kinds[k].nbufs, raw_kinds[k].iters,
							   &t[i][k][r]) != 0) {
					fprintf(stderr, "raw: size %s refused\n", argv[i]);
					return 1;
				}
	/* the minimum: interference only ever adds time to a pure CPU loop */
	for (int i = 0; i < argc; i++) {
		printf("raw %s", argv[i]);
		for (unsigned int k = 0; k < RAW_KINDS; k++) {
			qsort(t[i][k], RAW_REPS, sizeof(double), cmp_d);
			printf(" %s_ns %.2f %s_cyc %.1f %s_median_ns %.2f", raw_kinds[k].name,
			       t[i][k][0], raw_kinds[k].name, t[i][k][0] * tsc_ghz, raw_kinds[k].name,
			       t[i][k][RAW_REPS / 2]);
		}
		printf("\n");
	}
	return 0;
}

/* ---- imb contention ---- */
struct imb_arg {
	int cpu;
	bool private_copy;
	unsigned int size, ms;
	pthread_barrier_t *bar;
	double mops;
};

static void *
imb_thread(void *p)
{
	struct imb_arg *a = p;
	const struct gw_crypto_engine *mb = gw_crypto_engine_get("ipsecmb");
	cpu_set_t set;
	double ns, t0, ops = 0;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (a->private_copy && mb->lcore_init(100 + a->cpu) != 0)
		fprintf(stderr, "imb: lcore_init failed\n");
	gw_crypto_raw_cost(GW_CRYPTO_RAW_GCM128_ENC, a->size, 10000, &ns);	/* warm */
	pthread_barrier_wait(a->bar);
	t0 = now_s();
	while (now_s() - t0 < a->ms / 1000.0) {
		gw_crypto_raw_cost(GW_CRYPTO_RAW_GCM128_ENC, a->size, 100000, &ns);
		ops += 100000;
	}
	a->mops = ops / (now_s() - t0) / 1e6;
	return NULL;
}

static double
imb_run(unsigned int nthreads, bool private_copy, unsigned int size, unsigned int ms)
{
	pthread_t th[2];
	struct imb_arg a[2];
	pthread_barrier_t bar;
	double total = 0;

	pthread_barrier_init(&bar, NULL, nthreads);
	for (unsigned int i = 0; i < nthreads; i++) {
		a[i] = (struct imb_arg){ .cpu = (int)i, .private_copy = private_copy, .size = size,
					 .ms = ms, .bar = &bar };
		pthread_create(&th[i], NULL, imb_thread, &a[i]);
	}
	for (unsigned int i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		total += a[i].mops;
	}
	pthread_barrier_destroy(&bar);
	return total;
}

static int
cmd_imb(int argc, char **argv)
{
	unsigned int size = argc > 0 ? (unsigned int)atoi(argv[0]) : 48;
	unsigned int ms = argc > 1 ? (unsigned int)atoi(argv[1]) : 2000;

	gw_crypto_engine_get("ipsecmb")->probe();
	for (int p = 0; p < 2; p++) {
		double one = imb_run(1, p, size, ms), two = imb_run(2, p, size, ms);

		printf("imb %s size %u t1_mops %.2f t2_mops %.2f scale %.2f\n",
		       p ? "private" : "shared", size, one, two, two / one);
	}
	return 0;
}

/* ---- SAD lookup ---- */
#define NKEYS 65536
#define NPASS 60			/* passes over the keys (~3 ms each) */
static struct rte_rcu_qsbr *
rcu_new(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	struct rte_rcu_qsbr *v = rte_zmalloc("bench_rcu", sz, RTE_CACHE_LINE_SIZE);

	if (v == NULL || rte_rcu_qsbr_init(v, RTE_MAX_LCORE) != 0)
		abort();
	return v;
}

static int
cmd_sad(int argc, char **argv)
{
	struct rte_rcu_qsbr *rcu = rcu_new();
	static struct gw_sad_key keys[NKEYS];
	static const struct gw_sad_key *kp[NKEYS];
	uint8_t dst[4] = { 198, 51, 100, 1 };

	for (int a = 0; a < argc; a++) {
		unsigned int n = (unsigned int)atoi(argv[a]);

		for (int group = 1; group >= 0; group--) {
			char name[24];
			struct gw_sad_params p = { .name = name, .capacity = n < 1024 ? 1024 : n,
						   .socket = SOCKET_ID_ANY, .rcu = rcu };
			struct gw_sad *sad;
			uint8_t *sas = aligned_alloc(64, (size_t)n * 256);
			struct gw_sa *out[32];
			double pass[NPASS];
			uint64_t sum = 0;

			snprintf(name, sizeof(name), "bsad%d_%u", group, n);
			sad = gw_sad_create(&p);
			if (sad == NULL || sas == NULL)
				return 1;
			for (unsigned int i = 0; i < n; i++) {
				struct gw_sad_key k;
				rte_be32_t spi = htonl(0x1000 + i);

				if (group)
					gw_sad_key_group(&k, spi);
				else
					gw_sad_key_unicast(&k, spi, AF_INET, dst);
				if (gw_sad_add(sad, &k, (struct gw_sa *)(sas + (size_t)i * 256)) != 0)
					return 1;
			}
			srand(1);
			for (unsigned int i = 0; i < NKEYS; i++) {
				unsigned int s = (unsigned int)(((uint64_t)rand() << 16 ^ rand()) % n);

				/* the decrypt path: SPI + outer destination first */
				gw_sad_key_unicast(&keys[i], htonl(0x1000 + s), AF_INET, dst);
				kp[i] = &keys[i];
			}
			for (int r = 0; r < NPASS; r++) {
				uint64_t t0 = rte_rdtsc();

				for (unsigned int i = 0; i < NKEYS; i += 32) {
					if (gw_sad_lookup_inbound_bulk(sad, &kp[i], 32, out) != 32)
						abort();
					for (int j = 0; j < 32; j++)	/* as classify_esp() */
						rte_prefetch0(out[j]);
					for (int j = 0; j < 32; j++)	/* touch the SA */
						sum += *(volatile uint8_t *)out[j];
				}
				pass[r] = (double)(rte_rdtsc() - t0) / NKEYS;
			}
			qsort(pass, NPASS, sizeof(double), cmp_d);
			printf("sad %s %u ns %.2f cyc %.1f median-ns %.2f\n", group ? "group" : "unicast",
			       n, pass[0] / tsc_ghz, pass[0], pass[NPASS / 2] / tsc_ghz);
			(void)sum;
			gw_sad_free(sad);
			free(sas);
		}
	}
	rte_free(rcu);
	return 0;
}

/* ---- installs while forwarding ---- */
static struct gw_samgr *mgr;
static struct rte_rcu_qsbr *irc;
static volatile int phase;	/* 0 idle, 1 baseline, 2 churn, 3 stop */
static uint64_t rd_lookups[4], rd_miss[4];

static int
reader(void *arg)
{
	unsigned int nsa = *(unsigned int *)arg, lc = rte_lcore_id(), base = 0;
	struct gw_sad_key keys[32];
	const struct gw_sad_key *kp[32];
	struct gw_sa *out[32];
	uint8_t dst[4] = { 198, 51, 100, 1 };
	uint64_t sum = 0;

	rte_rcu_qsbr_thread_register(irc, lc);
	rte_rcu_qsbr_thread_online(irc, lc);
	for (int i = 0; i < 32; i++)
		kp[i] = &keys[i];
	while (phase != 3) {
		int ph = phase;
		struct gw_sad *sad = gw_samgr_sad(mgr);

		for (int i = 0; i < 32; i++)
			gw_sad_key_unicast(&keys[i], htonl(0x1000 + (base + i * 7) % nsa), AF_INET, dst);
		base += 32;
		unsigned int hit = gw_sad_lookup_inbound_bulk(sad, kp, 32, out);

		for (int i = 0; i < 32; i++)
			if (out[i] != NULL)
				sum += gw_sa_spi(out[i]);
		rd_lookups[ph] += 32;
		rd_miss[ph] += 32 - hit;
		rte_rcu_qsbr_quiescent(irc, lc);
	}
	rte_rcu_qsbr_thread_offline(irc, lc);
	rte_rcu_qsbr_thread_unregister(irc, lc);
	return (int)(sum & 1) * 0;
}

static struct gw_sa_spec
in_conf(unsigned int i, uint8_t keybyte)
{
	struct gw_sa_spec s;
	struct gw_sa_params *c = &s.params;
	unsigned int len;

	memset(&s, 0, sizeof(s));
	snprintf(c->label, sizeof(c->label), "in%u", i);
	c->spi = 0x1000 + i;
	c->direction = GW_SA_INBOUND;
	c->group = true;
	gw_cipher_parse("aes-128-gcm", &c->crypto.cipher, &len);
	c->crypto.cipher_key_len = len;
	memset(c->crypto.cipher_key, keybyte, len);
	c->anti_replay = 0;
	c->d3p_protocol = 253;
	c->tunnel_mtu = 1500;
	return s;
}

static int
cmd_install(int argc, char **argv)
{
	unsigned int ms = argc > 0 ? (unsigned int)atoi(argv[0]) : 2000;
	unsigned int nsa = argc > 1 ? (unsigned int)atoi(argv[1]) : 1000;
	const struct gw_crypto_engine *eng = gw_crypto_engine_get("ipsecmb");
	uint64_t installs = 0;
	double t0, t_base, t_churn;
	gw_sa_id_t *ids;

	if (eng->probe() != 0)
		return 1;
	irc = rcu_new();
	mgr = gw_samgr_create(eng, irc, SOCKET_ID_ANY);
	if (mgr == NULL)
		return 1;
	ids = calloc(nsa, sizeof(*ids));
	for (unsigned int i = 0; ids != NULL && i < nsa; i++) {
		struct gw_sa_spec c = in_conf(i, 1);

		if (gw_samgr_sa_add(mgr, GW_OWNER_CONF, &c, &ids[i]) != 0) {
			fprintf(stderr, "install: add %u failed\n", i);
			return 1;
		}
	}
	rte_eal_remote_launch(reader, &nsa, rte_get_next_lcore(-1, 1, 0));
	phase = 1;
	t0 = now_s();
	while (now_s() - t0 < ms / 1000.0)
		gw_samgr_poll(mgr, (uint64_t)time(NULL));
	t_base = now_s() - t0;
	phase = 2;
	t0 = now_s();
	while (now_s() - t0 < ms / 1000.0) {
		for (int k = 0; k < 64; k++, installs++) {
			struct gw_sa_spec c = in_conf((unsigned int)(installs % nsa),
						      (uint8_t)(2 + installs / nsa));

			if (gw_samgr_sa_update(mgr, ids[installs % nsa], &c) != 0) {
				fprintf(stderr, "install: replace failed\n");
				phase = 3;
				return 1;
			}
		}
		gw_samgr_poll(mgr, (uint64_t)time(NULL));	/* reclaims past grace periods */
	}
	t_churn = now_s() - t0;
	phase = 3;
	rte_eal_mp_wait_lcore();
	printf("install nsa %u installs_per_s %.0f reader_baseline_mlookups %.2f "
	       "reader_during_mlookups %.2f reader_misses %lu\n",
	       nsa, installs / t_churn, rd_lookups[1] / t_base / 1e6,
	       rd_lookups[2] / t_churn / 1e6, (unsigned long)(rd_miss[1] + rd_miss[2]));
	gw_samgr_free(mgr);
	free(ids);
	return 0;
}

/* ---- out ---- */
#define OUT_BURST 32
#define OUT_BLOCK 16
#define OUT_REPS 400

static const char *const out_algs[][2] = {
	{ "aes-128-gcm", NULL }, { "aes-128-cbc", "hmac-sha1-96" },
};

/* An outbound SA: group (header preservation) or tunnel 198.51.100.1 -> 203.0.113.7. */
static struct gw_sa *
out_sa(bool group, unsigned int alg)
{
	struct gw_sa_params c;
	unsigned int len;

	memset(&c, 0, sizeof(c));
	c.spi = 0x1001;
	c.direction = GW_SA_OUTBOUND;
	c.group = group;
	c.tunnel_mtu = 9000;
	gw_cipher_parse(out_algs[alg][0], &c.crypto.cipher, &len);
	c.crypto.cipher_key_len = len;
	if (out_algs[alg][1] != NULL) {
		gw_auth_parse(out_algs[alg][1], &c.crypto.auth, &len);
		c.crypto.auth_key_len = len;
	}
	if (!group) {
		c.tunnel_local.family = c.tunnel_remote.family = AF_INET;
		c.tunnel_local.v4.s_addr = htonl(0xc6336401);
		c.tunnel_remote.v4.s_addr = htonl(0xcb007107);
	}
	return gw_sa_create(&c, gw_crypto_engine_get("ipsecmb"), SOCKET_ID_ANY);
}

/* TSC cycles per packet: the fastest block of OUT_BLOCK bursts, or < 0. */
static double
out_time(struct gw_sa *sa, struct rte_mbuf **m, unsigned int ip_len)
{
	uint8_t hdr[OUT_BURST][20];
	struct gw_esp_clock now;
	double best = 1e30, t0;
	unsigned int i, b, r;

	gw_esp_clock_read(&now);
	for (i = 0; i < OUT_BURST; i++) {
		uint8_t *p;

		rte_pktmbuf_reset(m[i]);
		p = (uint8_t *)rte_pktmbuf_append(m[i], (uint16_t)ip_len);
		memset(p, 0, ip_len);
		p[0] = 0x45;	/* UDP 10.1.0.1 -> 10.2.0.1 */
		p[2] = (uint8_t)(ip_len >> 8);
		p[3] = (uint8_t)ip_len;
		p[8] = 64;
		p[9] = 17;
		memcpy(p + 12, "\x0a\x01\x00\x01\x0a\x02\x00\x01", 8);
		memcpy(hdr[i], p, 20);
	}
	for (r = 0; r < OUT_REPS; r++) {
		t0 = (double)rte_rdtsc();
		for (b = 0; b < OUT_BLOCK; b++) {
			/* the packets as received: the cipher overwrote the inner header */
			for (i = 0; i < OUT_BURST; i++) {
				m[i]->data_off = RTE_PKTMBUF_HEADROOM;
				m[i]->data_len = (uint16_t)ip_len;
				m[i]->pkt_len = ip_len;
				memcpy(rte_pktmbuf_mtod(m[i], uint8_t *), hdr[i], 20);
			}
			if (gw_esp_outbound(sa, m, OUT_BURST, &now) != OUT_BURST)
				return -1;
		}
		t0 = (double)rte_rdtsc() - t0;
		best = t0 < best ? t0 : best;
	}
	return best / (OUT_BLOCK * OUT_BURST);
}

static int
cmd_out(int argc, char **argv)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create("esp-micro-out", 255, 0,
							 GW_META_PRIV_SIZE, 4096, SOCKET_ID_ANY);
	struct rte_mbuf *m[OUT_BURST];

	if (mp == NULL || rte_pktmbuf_alloc_bulk(mp, m, OUT_BURST) != 0)
		return 1;
	printf("%-6s %-5s %-12s %10s %10s\n", "size", "sa", "alg", "ns/pkt", "cyc/pkt");
	for (int a = 0; a < argc; a++) {
		/* frame with FCS: Ethernet 14 + 4 */
		unsigned int ip_len = (unsigned int)atoi(argv[a]) - 18;

		for (unsigned int g = 0; g < 2; g++) {
			for (unsigned int k = 0; k < RTE_DIM(out_algs); k++) {
				struct gw_sa *sa = out_sa(g == 0, k);
				double cyc = sa != NULL ? out_time(sa, m, ip_len) : -1;

				gw_sa_destroy(sa);
				if (cyc < 0)
					return 1;
				printf("%-6s %-5s %-12s %10.1f %10.1f\n", argv[a],
				       g == 0 ? "group" : "tun", out_algs[k][0],
				       cyc / tsc_ghz, cyc);
			}
		}
	}
	rte_pktmbuf_free_bulk(m, OUT_BURST);
	rte_mempool_free(mp);
	return 0;
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "512", "--no-pci", "-l", "0,1",
			"--no-telemetry", "--log-level=lib.eal:error", prefix, NULL };
	enum gw_crypto_arch arch = GW_CRYPTO_ARCH_AUTO;

	if (argc > 1 && strncmp(argv[1], "--arch=", 7) == 0) {
		if (gw_crypto_arch_parse(argv[1] + 7, &arch) != 0) {
			fprintf(stderr, "esp_micro: unknown code path '%s'\n", argv[1] + 7);
			return 2;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: esp_micro [--arch=auto|avx512|avx2|avx|sse] "
			"raw|imb|sad|install|out ...\n");
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=esp-micro-%d", (int)getpid());
	if (rte_eal_init(10, eal) < 0)
		return 1;
	tsc_ghz = rte_get_tsc_hz() / 1e9;
	printf("tsc_hz %lu\n", (unsigned long)rte_get_tsc_hz());
	/* every IPsec-MB manager of the run on that path (refused if the CPU lacks it) */
	if (gw_crypto_engine_init(gw_crypto_engine_get("ipsecmb"), arch) != 0) {
		fprintf(stderr, "esp_micro: crypto-arch %s refused\n", gw_crypto_arch_name(arch));
		return 1;
	}
	if (!strcmp(argv[1], "raw"))
		return cmd_raw(argc - 2, argv + 2);
	if (!strcmp(argv[1], "imb"))
		return cmd_imb(argc - 2, argv + 2);
	if (!strcmp(argv[1], "sad"))
		return cmd_sad(argc - 2, argv + 2);
	if (!strcmp(argv[1], "install"))
		return cmd_install(argc - 2, argv + 2);
	if (!strcmp(argv[1], "out"))
		return cmd_out(argc - 2, argv + 2);
	return 2;
}
