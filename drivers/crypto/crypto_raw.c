/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raw IPsec-MB cost of the operations the data plane does, measured with
 * the calling thread's manager (its private copy after lcore_init): the
 * baseline a benchmark prints next to its own per-packet cost, so that the
 * overhead of everything else is visible in the same run. No I/O, no
 * session layer: direct API for GCM, one job per op for CBC+HMAC-SHA1.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto_private.h"
#include "ipsecmb_loader.h"

#define RAW_MAX_SIZE 9216

static uint64_t
raw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct raw_keys {
	struct gcm_key_data gcm;
	alignas(16) uint32_t enc[60];
	alignas(16) uint32_t dec[60];
	alignas(16) uint8_t ipad[64];
	alignas(16) uint8_t opad[64];
};

static void
raw_gcm(IMB_MGR *mgr, struct raw_keys *k, uint8_t *buf, unsigned int size, unsigned int iters)
{
	struct gcm_context_data ctx;
	uint8_t iv[12] = { 1 }, aad[8] = { 2 }, tag[16];
	unsigned int i;

	for (i = 0; i < iters; i++)
		IMB_AES128_GCM_ENC(mgr, &k->gcm, &ctx, buf, buf, size, iv, aad, 8, tag, 16);
}

static int
raw_cbc_sha1(IMB_MGR *mgr, struct raw_keys *k, uint8_t *buf, unsigned int size,
	     unsigned int iters)
{
	uint8_t iv[16] = { 3 }, tag[12];
	IMB_JOB *job;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < iters; i++) {
		job = IMB_GET_NEXT_JOB(mgr);
		memset(job, 0, sizeof(*job));
		job->cipher_mode = IMB_CIPHER_CBC;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_CIPHER_HASH;
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->enc_keys = k->enc;
		job->dec_keys = k->dec;
		job->key_len_in_bytes = 16;
		job->src = buf;
		job->dst = buf + 24;
		job->cipher_start_src_offset_in_bytes = 24;	/* SPI|SEQ|IV */
		job->msg_len_to_cipher_in_bytes = size;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = size + 24;
		job->iv = iv;
		job->iv_len_in_bytes = 16;
		job->auth_tag_output = tag;
		job->auth_tag_output_len_in_bytes = 12;
		job->u.HMAC._hashed_auth_key_xor_ipad = k->ipad;
		job->u.HMAC._hashed_auth_key_xor_opad = k->opad;
		for (job = IMB_SUBMIT_JOB(mgr); job != NULL; job = IMB_GET_COMPLETED_JOB(mgr))
			bad |= job->status != IMB_STATUS_COMPLETED;
	}
	while ((job = IMB_FLUSH_JOB(mgr)) != NULL)
		bad |= job->status != IMB_STATUS_COMPLETED;
	return bad ? -EIO : 0;
}

int
gw_crypto_raw_cost(enum gw_crypto_raw_op op, unsigned int size, unsigned int iters,
		   double *ns_per_op)
{
	IMB_MGR *mgr = gw_mb_thread_mgr();
	uint8_t key[16] = { 0x42 }, block[64];
	struct raw_keys *k;
	uint8_t *buf;
	uint64_t t0, t1;
	int rc = 0;

	if (mgr == NULL || size == 0 || size > RAW_MAX_SIZE || size % 16 != 0 || iters == 0 ||
	    ns_per_op == NULL)
		return -EINVAL;
	k = aligned_alloc(64, (sizeof(*k) + 63) & ~(size_t)63);
	buf = aligned_alloc(64, RAW_MAX_SIZE + 64);
	if (k == NULL || buf == NULL) {
		free(k);
		free(buf);
		return -ENOMEM;
	}
	memset(buf, 0x5a, RAW_MAX_SIZE + 64);
	IMB_AES128_GCM_PRE(mgr, key, &k->gcm);
	IMB_AES_KEYEXP_128(mgr, key, k->enc, k->dec);
	memset(block, 0x36, sizeof(block));
	IMB_SHA1_ONE_BLOCK(mgr, block, k->ipad);
	memset(block, 0x5c, sizeof(block));
	IMB_SHA1_ONE_BLOCK(mgr, block, k->opad);

	/* One warm-up pass of a tenth, then the timed run. */
	switch (op) {
	case GW_CRYPTO_RAW_GCM128_ENC:
		raw_gcm(mgr, k, buf, size, iters / 10 + 1);
		t0 = raw_now_ns();
		raw_gcm(mgr, k, buf, size, iters);
		t1 = raw_now_ns();
		break;
	case GW_CRYPTO_RAW_CBC128_SHA1_ENC:
		rc = raw_cbc_sha1(mgr, k, buf, size, iters / 10 + 1);
		t0 = raw_now_ns();
		if (rc == 0)
			rc = raw_cbc_sha1(mgr, k, buf, size, iters);
		t1 = raw_now_ns();
		break;
	default:
		rc = -EINVAL;
		t0 = t1 = 0;
		break;
	}
	if (rc == 0)
		*ns_per_op = (double)(t1 - t0) / iters;
	gw_crypto_wipe(k, sizeof(*k));
	free(k);
	free(buf);
	return rc;
}
