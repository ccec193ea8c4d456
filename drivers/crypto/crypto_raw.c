/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raw IPsec-MB cost of the operations the data plane does, measured with
 * the calling thread's manager (its private copy after lcore_init): the
 * baseline a benchmark prints next to its own per-packet cost, so that the
 * overhead of everything else is visible in the same run. No I/O, no
 * session layer: direct API for GCM, one job per op for CBC+HMAC-SHA1.
 *
 * Two working sets: one buffer, hot in L1 (every op on the same bytes), or
 * a set of buffers spaced like mbufs, used in turn (the data one gateway
 * burst touches: 32 x 1.5 KB does not fit L1), each ESP-shaped with the AAD
 * and the ICV in the buffer as in a packet.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto_private.h"
#include "ipsecmb_loader.h"

#define RAW_MAX_SIZE 9216
#define RAW_ESP_HDR 24		/* SPI|SEQ|16-byte IV: the CBC layout; GCM uses 16 */
#define RAW_MAX_ICV 16

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
	/* The hot buffer's IV, AAD and tags, and the GCM nonce (the engine's is on its stack). */
	uint8_t nonce[12], aad[8], cbc_iv[16], gcm_tag[16], cbc_tag[12];
};

/* Where one op reads and writes. */
struct raw_op {
	uint8_t *esp;			/* CBC+HMAC: SPI|SEQ|IV|payload, hashed from here */
	uint8_t *gcm_payload;
	uint8_t *gcm_tag;
	const uint8_t *aad;
	const uint8_t *cbc_iv;
	uint8_t *cbc_tag;
};

static void
raw_gcm(IMB_MGR *mgr, const struct raw_keys *k, const struct raw_op *ops, unsigned int n,
	unsigned int size, unsigned int iters)
{
	struct gcm_context_data ctx;
	unsigned int i, j = 0;

	for (i = 0; i < iters; i++) {
		const struct raw_op *o = &ops[j];

		j = j + 1 == n ? 0 : j + 1;
		IMB_AES128_GCM_ENC(mgr, &k->gcm, &ctx, o->gcm_payload, o->gcm_payload, size,
				   k->nonce, o->aad, 8, o->gcm_tag, 16);
	}
}

static int
raw_cbc_sha1(IMB_MGR *mgr, const struct raw_keys *k, const struct raw_op *ops, unsigned int n,
	     unsigned int size, unsigned int iters)
{
	IMB_JOB *job;
	unsigned int i, j = 0;
	int bad = 0;

	for (i = 0; i < iters; i++) {
		const struct raw_op *o = &ops[j];

		j = j + 1 == n ? 0 : j + 1;
		job = IMB_GET_NEXT_JOB(mgr);
		memset(job, 0, sizeof(*job));
		job->cipher_mode = IMB_CIPHER_CBC;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_CIPHER_HASH;
		job->hash_alg = IMB_AUTH_HMAC_SHA_1;
		job->enc_keys = k->enc;
		job->dec_keys = k->dec;
		job->key_len_in_bytes = 16;
		job->src = o->esp;
		job->dst = o->esp + RAW_ESP_HDR;
		job->cipher_start_src_offset_in_bytes = RAW_ESP_HDR;	/* SPI|SEQ|IV */
		job->msg_len_to_cipher_in_bytes = size;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = size + RAW_ESP_HDR;
		job->iv = o->cbc_iv;
		job->iv_len_in_bytes = 16;
		job->auth_tag_output = o->cbc_tag;
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

/*
 * The ops' pointers. One buffer: the payload at its start, IV, AAD and tags
 * apart (the original measurement). Several: each buffer stride bytes after
 * the previous one, its ESP header GW_CRYPTO_RAW_OFFSET bytes in, the ICV
 * right after the payload.
 */
static void
raw_layout(struct raw_op *ops, unsigned int n, uint8_t *area, size_t stride, unsigned int size,
	   struct raw_keys *k)
{
	if (n == 1) {
		ops[0] = (struct raw_op){
			.esp = area, .gcm_payload = area, .gcm_tag = k->gcm_tag, .aad = k->aad,
			.cbc_iv = k->cbc_iv, .cbc_tag = k->cbc_tag,
		};
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *esp = area + i * stride + GW_CRYPTO_RAW_OFFSET;

		ops[i] = (struct raw_op){
			.esp = esp, .gcm_payload = esp + 16, .gcm_tag = esp + 16 + size, .aad = esp,
			.cbc_iv = esp + 8, .cbc_tag = esp + RAW_ESP_HDR + size,
		};
	}
}

/* Bytes between buffers: an mbuf's, or more if the packet would not fit. */
static size_t
raw_stride(unsigned int size)
{
	size_t need = GW_CRYPTO_RAW_OFFSET + RAW_ESP_HDR + size + RAW_MAX_ICV;

	need = (need + 63) & ~(size_t)63;
	return need > GW_CRYPTO_RAW_STRIDE ? need : GW_CRYPTO_RAW_STRIDE;
}

int
gw_crypto_raw_cost_set(enum gw_crypto_raw_op op, unsigned int size, unsigned int nbufs,
		       unsigned int iters, double *ns_per_op)
{
	IMB_MGR *mgr = gw_mb_thread_mgr();
	uint8_t key[16] = { 0x42 }, block[64];
	struct raw_op ops[GW_CRYPTO_RAW_MAX_BUFS];
	struct raw_keys *k;
	uint8_t *area;
	size_t stride, area_len;
	uint64_t t0, t1;
	int rc = 0;

	if (mgr == NULL || size == 0 || size > RAW_MAX_SIZE || size % 16 != 0 || iters == 0 ||
	    nbufs == 0 || nbufs > GW_CRYPTO_RAW_MAX_BUFS || ns_per_op == NULL)
		return -EINVAL;
	stride = raw_stride(size);
	area_len = nbufs == 1 ? RAW_MAX_SIZE + 64 : nbufs * stride;
	k = aligned_alloc(64, (sizeof(*k) + 63) & ~(size_t)63);
	area = aligned_alloc(64, area_len);
	if (k == NULL || area == NULL) {
		free(k);
		free(area);
		return -ENOMEM;
	}
	memset(k, 0, sizeof(*k));
	k->nonce[0] = 1;
	k->aad[0] = 2;
	k->cbc_iv[0] = 3;
	memset(area, 0x5a, area_len);
	raw_layout(ops, nbufs, area, stride, size, k);
	IMB_AES128_GCM_PRE(mgr, key, &k->gcm);
	IMB_AES_KEYEXP_128(mgr, key, k->enc, k->dec);
	memset(block, 0x36, sizeof(block));
	IMB_SHA1_ONE_BLOCK(mgr, block, k->ipad);
	memset(block, 0x5c, sizeof(block));
	IMB_SHA1_ONE_BLOCK(mgr, block, k->opad);

	/* One warm-up pass of a tenth, then the timed run. */
	switch (op) {
	case GW_CRYPTO_RAW_GCM128_ENC:
		raw_gcm(mgr, k, ops, nbufs, size, iters / 10 + 1);
		t0 = raw_now_ns();
		raw_gcm(mgr, k, ops, nbufs, size, iters);
		t1 = raw_now_ns();
		break;
	case GW_CRYPTO_RAW_CBC128_SHA1_ENC:
		rc = raw_cbc_sha1(mgr, k, ops, nbufs, size, iters / 10 + 1);
		t0 = raw_now_ns();
		if (rc == 0)
			rc = raw_cbc_sha1(mgr, k, ops, nbufs, size, iters);
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
	free(area);
	return rc;
}

int
gw_crypto_raw_cost(enum gw_crypto_raw_op op, unsigned int size, unsigned int iters,
		   double *ns_per_op)
{
	return gw_crypto_raw_cost_set(op, size, 1, iters, ns_per_op);
}
