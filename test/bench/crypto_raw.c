/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crypto_raw: raw IPsec-MB cost (gw_crypto_raw_cost) next to the cost of
 * the same operation through the gw_crypto engines, in one run.
 *   crypto_raw [iterations] [size ...]     (default 200000; 64 512 1408)
 * A micro-benchmark, not a test: numbers depend on the machine and load. The
 * engine figures are the fastest block of BLOCK bursts (a block the scheduler
 * interrupted only reads slower), so they hold on a busy machine too; the
 * decrypt column verifies ICVs that do not match, which costs what a match does.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_crypto.h"

#define BURST 32
#define BLOCK 16			/* bursts timed together */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per op through engine->process() in bursts of BURST: the fastest block. */
static double
engine_cost(const char *engine, const char *cipher, const char *auth, unsigned int size,
	    unsigned int iters, bool encrypt)
{
	const struct gw_crypto_engine *e = gw_crypto_engine_get(engine);
	static uint8_t pkts[BURST][24 + 9216 + 32];
	struct gw_crypto_op ops[BURST];
	struct gw_crypto_params p = { .encrypt = encrypt };
	struct gw_crypto_session *s;
	uint8_t iv[16] = { 1 };
	unsigned int i, n, b, ivl;
	double t0, best = 1e30;

	if (e->probe() != 0 || gw_cipher_parse(cipher, &p.cipher, &p.cipher_key_len) != 0 ||
	    gw_auth_parse(auth, &p.auth, &p.auth_key_len) != 0)
		return -1;
	memset(p.cipher_key, 0x42, sizeof(p.cipher_key));
	memset(p.auth_key, 0x43, sizeof(p.auth_key));
	s = e->session_create(&p);
	if (s == NULL)
		return -1;
	ivl = gw_cipher_iv_len(p.cipher);
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < BURST; i++) {
		ops[i].buf = pkts[i];
		ops[i].cipher_start = 8 + ivl;
		ops[i].cipher_len = size;
		ops[i].auth_len = 8 + ivl + size;
		ops[i].iv = iv;
		ops[i].aad = pkts[i];
		ops[i].aad_len = 8;
		ops[i].icv = pkts[i] + 8 + ivl + size;
	}
	e->process(s, ops, BURST);
	for (n = 0; n < iters; n += BURST * BLOCK) {
		t0 = now_ns();
		for (b = 0; b < BLOCK; b++)
			e->process(s, ops, BURST);
		t0 = now_ns() - t0;
		best = t0 < best ? t0 : best;
	}
	e->session_destroy(s);
	return best / (BURST * BLOCK);
}

int
main(int argc, char **argv)
{
	static const unsigned int def_sizes[] = { 64, 512, 1408 };
	unsigned int iters = argc > 1 ? (unsigned int)atoi(argv[1]) : 200000;
	unsigned int i, nsizes = argc > 2 ? (unsigned int)argc - 2 : 3;
	const struct gw_crypto_engine *mb = gw_crypto_engine_get("ipsecmb");

	if (mb->probe() != 0 || mb->lcore_init(1) != 0)
		fprintf(stderr, "no private IPsec-MB copy; using the linked library\n");
	printf("%-8s %14s %14s %14s %14s %14s %14s %14s\n", "size", "raw-gcm128", "mb-gcm128",
	       "ossl-gcm128", "raw-cbc-sha1", "mb-cbc-sha1", "ossl-cbc-sha1", "mb-cbc-sha1-dec");
	for (i = 0; i < nsizes; i++) {
		unsigned int size = argc > 2 ? (unsigned int)atoi(argv[2 + i]) : def_sizes[i];
		double raw_gcm = -1, raw_cbc = -1;

		gw_crypto_raw_cost(GW_CRYPTO_RAW_GCM128_ENC, size, iters, &raw_gcm);
		gw_crypto_raw_cost(GW_CRYPTO_RAW_CBC128_SHA1_ENC, size, iters, &raw_cbc);
		printf("%-8u %11.1f ns %11.1f ns %11.1f ns %11.1f ns %11.1f ns %11.1f ns %11.1f ns\n",
		       size, raw_gcm,
		       engine_cost("ipsecmb", "aes-128-gcm", "none", size, iters, true),
		       engine_cost("openssl", "aes-128-gcm", "none", size, iters, true), raw_cbc,
		       engine_cost("ipsecmb", "aes-128-cbc", "hmac-sha1-96", size, iters, true),
		       engine_cost("openssl", "aes-128-cbc", "hmac-sha1-96", size, iters, true),
		       engine_cost("ipsecmb", "aes-128-cbc", "hmac-sha1-96", size, iters, false));
	}
	return 0;
}
