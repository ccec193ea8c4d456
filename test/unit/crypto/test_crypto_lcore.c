/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore IPsec-MB library copies: two threads call lcore_init (as worker
 * lcores would), each gets its own dlmopen() copy, and both process the same
 * sessions concurrently with known answers (GCM spec test case 3, RFC 3602
 * case 2). A third lcore over the cap shares a copy. Threads without
 * lcore_init use the linked library. No EAL: the engine keys on the thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "gw_test.h"
#include "gw_crypto.h"
#include "crypto_kat.h"
#include "crypto_test_util.h"

#define ROUNDS 2000

struct worker {
	unsigned int lcore;
	int init_rc;
	int copy;
	const char *arch;	/* code path of the lcore's manager */
	unsigned int bad;
};

static const struct gw_crypto_engine *mb;
static struct gw_crypto_session *gcm_enc, *gcm_dec, *cbc_enc;
static pthread_barrier_t start;
static uint8_t gcm_pt[64], gcm_ct[64], gcm_tag[16], gcm_iv[8];
static uint8_t cbc_pt[32], cbc_ct[32], cbc_iv[16], cbc_icv[12];

static unsigned int
worker_round(void)
{
	uint8_t buf[64 + 16], cbuf[32 + 12];
	struct gw_crypto_op op = {
		.buf = buf, .cipher_len = 64, .iv = gcm_iv, .aad = buf, .aad_len = 0,
		.icv = buf + 64,
	};
	struct gw_crypto_op cop = {
		.buf = cbuf, .cipher_len = 32, .auth_len = 32, .iv = cbc_iv, .icv = cbuf + 32,
	};
	unsigned int bad = 0;

	memcpy(buf, gcm_pt, 64);
	bad += mb->process(gcm_enc, &op, 1) != 1;
	bad += memcmp(buf, gcm_ct, 64) != 0 || memcmp(buf + 64, gcm_tag, 16) != 0;
	bad += mb->process(gcm_dec, &op, 1) != 1;
	bad += memcmp(buf, gcm_pt, 64) != 0;
	memcpy(cbuf, cbc_pt, 32);
	bad += mb->process(cbc_enc, &cop, 1) != 1;
	bad += memcmp(cbuf, cbc_ct, 32) != 0 || memcmp(cbuf + 32, cbc_icv, 12) != 0;
	return bad;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int i;

	w->init_rc = mb->lcore_init(w->lcore);
	w->copy = gw_crypto_ipsecmb_thread_copy();
	w->arch = gw_crypto_ipsecmb_thread_arch();
	pthread_barrier_wait(&start);
	for (i = 0; i < ROUNDS; i++)
		w->bad += worker_round();
	return NULL;
}

static struct gw_crypto_session *
session(const char *name, bool encrypt)
{
	struct gw_crypto_params p;

	for (unsigned int i = 0; i < sizeof(crypto_kats) / sizeof(crypto_kats[0]); i++) {
		const struct crypto_kat *k = &crypto_kats[i];

		if (strcmp(k->name, name) != 0)
			continue;
		if (ct_params(&p, k->cipher, k->auth, k->key, k->auth_key, encrypt) != 0)
			return NULL;
		return mb->session_create(&p);
	}
	return NULL;
}

static void
setup(void)
{
	const struct crypto_kat *g = &crypto_kats[1], *c = &crypto_kats[8];
	uint8_t buf[32 + 12];
	struct gw_crypto_op cop = {
		.buf = buf, .cipher_len = 32, .auth_len = 32, .iv = cbc_iv, .icv = buf + 32,
	};

	CHECK(strcmp(g->name, "gcm128-tc3") == 0 && strcmp(c->name, "aes128cbc-rfc3602-2") == 0);
	ct_hex(g->pt, gcm_pt, sizeof(gcm_pt));
	ct_hex(g->ct, gcm_ct, sizeof(gcm_ct));
	ct_hex(g->icv, gcm_tag, sizeof(gcm_tag));
	ct_hex(g->iv, gcm_iv, sizeof(gcm_iv));
	ct_hex(c->pt, cbc_pt, sizeof(cbc_pt));
	ct_hex(c->ct, cbc_ct, sizeof(cbc_ct));
	ct_hex(c->iv, cbc_iv, sizeof(cbc_iv));
	gcm_enc = session(g->name, true);
	gcm_dec = session(g->name, false);
	cbc_enc = session(c->name, true);
	CHECK(gcm_enc != NULL && gcm_dec != NULL && cbc_enc != NULL);
	/* The CBC vector's ICV (HMAC over the ciphertext) from this thread. */
	memcpy(buf, cbc_pt, 32);
	CHECK_EQ(mb->process(cbc_enc, &cop, 1), 1);
	memcpy(cbc_icv, buf + 32, 12);
}

static void
test_linked_thread(void)
{
	/* This thread never called lcore_init: the linked library. */
	CHECK_EQ(worker_round(), 0);
	CHECK_EQ(gw_crypto_ipsecmb_thread_copy(), -1);
	CHECK_EQ(gw_crypto_ipsecmb_lcore_copy(0), GW_CRYPTO_MB_NONE);
}

static void
test_private_copies(void)
{
	struct worker w[2] = { { .lcore = 1 }, { .lcore = 2 } };
	pthread_t t[2];
	unsigned int i;

	CHECK_EQ(gw_crypto_ipsecmb_set_max_copies(2), 2);
	pthread_barrier_init(&start, NULL, 2);
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(w[i].init_rc, 0);
		CHECK_EQ(w[i].bad, 0);
		CHECK(w[i].copy >= 0);
		CHECK_EQ(gw_crypto_ipsecmb_lcore_copy(w[i].lcore), GW_CRYPTO_MB_PRIVATE);
		/* Each private copy runs the code path of the linked library's managers. */
		CHECK(w[i].arch != NULL && strcmp(w[i].arch, gw_crypto_ipsecmb_thread_arch()) == 0);
	}
	CHECK(w[0].copy != w[1].copy);
	CHECK_EQ(gw_crypto_ipsecmb_copies(), 2);
	printf("  lcore 1 -> copy %d, lcore 2 -> copy %d, %s code path\n", w[0].copy, w[1].copy,
	       w[0].arch);
}

static void
test_over_cap_shares(void)
{
	struct worker w = { .lcore = 3 };
	pthread_t t;

	pthread_barrier_init(&start, NULL, 1);
	CHECK_EQ(pthread_create(&t, NULL, worker_main, &w), 0);
	pthread_join(t, NULL);
	pthread_barrier_destroy(&start);
	CHECK_EQ(w.init_rc, 0);
	CHECK_EQ(w.bad, 0);
	CHECK(w.copy >= 0 && w.copy < 2);
	CHECK_EQ(gw_crypto_ipsecmb_lcore_copy(3), GW_CRYPTO_MB_SHARED_COPY);
	CHECK_EQ(gw_crypto_ipsecmb_copies(), 2);
	CHECK_EQ(mb->lcore_init(GW_CRYPTO_MB_MAX_LCORE), -EINVAL);
}

int
main(int argc, char **argv)
{
	int rc = ct_arch_args(argc, argv);

	if (rc != 0)
		return rc;
	mb = gw_crypto_engine_get("ipsecmb");
	CHECK_EQ(mb->probe(), 0);
	GW_RUN(setup);
	GW_RUN(test_linked_thread);
	GW_RUN(test_private_copies);
	GW_RUN(test_over_cap_shares);
	mb->session_destroy(gcm_enc);
	mb->session_destroy(gcm_dec);
	mb->session_destroy(cbc_enc);
	return gw_test_result();
}
