/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ipsecmb" engine: Intel IPsec-MB job API. A session precomputes the
 * key schedule (AES, GCM hash keys, DES), the HMAC ipad/opad states and a
 * job template; process() copies the template per op, fills in offsets, IV
 * and AAD, submits the whole burst, then flushes and verifies the ICVs (AES-GCM:
 * the direct API; AES-CBC + HMAC-SHA: the cipher and hash burst API).
 * The IMB_MGR is the calling thread's (ipsecmb_loader.c: per-lcore copies).
 */
#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <gw_log.h>

#include "crypto_private.h"
#include "ipsecmb_loader.h"

struct mb_session {
	struct gw_crypto_session base;
	IMB_JOB tmpl;			/* cipher/hash mode, keys, lengths */
	bool encrypt;
	bool aead;
	bool gcm;
	bool burst_api;			/* AES-CBC + HMAC-SHA: mb_cbc_hmac_burst() */
	unsigned int icv_len;
	unsigned int iv_len;
	unsigned int block_len;
	uint8_t salt[4];
	const void *des3_ks[3];
	alignas(64) union {
		struct gcm_key_data gcm;
		struct {
			alignas(16) uint32_t enc[60];
			alignas(16) uint32_t dec[60];
		} aes;
		uint64_t des[3][16];
		uint8_t chacha[32];
	} k;
	alignas(16) uint8_t ipad[64];	/* hash state after key ^ ipad */
	alignas(16) uint8_t opad[64];
};

/* Per-op scratch, alive until the burst is flushed. */
struct mb_scratch {
	uint8_t nonce[12];
	bool esn;
	uint8_t tag[GW_CRYPTO_MAX_ICV];
	uint8_t recv[GW_CRYPTO_MAX_ICV];	/* received ICV (decrypt) */
};

static int
mb_probe(void)
{
	return gw_mb_setup_mgr() != NULL ? 0 : -ENOTSUP;
}

static int
mb_lcore_init(unsigned int lcore_id)
{
	return gw_mb_lcore_init(lcore_id);
}

static bool
mb_supports(enum gw_cipher cipher, unsigned int key_len, enum gw_auth auth)
{
	return gw_crypto_alg_supported(GW_CRYPTO_IPSECMB, cipher, key_len, auth);
}

/* HMAC: hash one block of key ^ pad; the job continues from that state. */
static int
mb_hmac_precompute(IMB_MGR *mgr, struct mb_session *s, const struct gw_crypto_params *p)
{
	uint8_t block[128];
	hash_one_block_t fn;
	unsigned int bs = 64, i;

	switch (p->auth) {
	case GW_AUTH_HMAC_MD5_96:
		fn = mgr->md5_one_block;
		s->tmpl.hash_alg = IMB_AUTH_MD5;
		break;
	case GW_AUTH_HMAC_SHA1_96:
		fn = mgr->sha1_one_block;
		s->tmpl.hash_alg = IMB_AUTH_HMAC_SHA_1;
		break;
	case GW_AUTH_HMAC_SHA256_128:
		fn = mgr->sha256_one_block;
		s->tmpl.hash_alg = IMB_AUTH_HMAC_SHA_256;
		break;
	case GW_AUTH_HMAC_SHA384_192:
		fn = mgr->sha384_one_block;
		s->tmpl.hash_alg = IMB_AUTH_HMAC_SHA_384;
		bs = 128;
		break;
	case GW_AUTH_HMAC_SHA512_256:
		fn = mgr->sha512_one_block;
		s->tmpl.hash_alg = IMB_AUTH_HMAC_SHA_512;
		bs = 128;
		break;
	default:
		return -EINVAL;
	}
	/* Key lengths are fixed per algorithm and never exceed the block. */
	memset(block, 0, sizeof(block));
	memcpy(block, p->auth_key, p->auth_key_len);
	for (i = 0; i < bs; i++)
		block[i] ^= 0x36;
	fn(block, s->ipad);
	for (i = 0; i < bs; i++)
		block[i] ^= 0x36 ^ 0x5c;
	fn(block, s->opad);
	gw_crypto_wipe(block, sizeof(block));
	s->tmpl.u.HMAC._hashed_auth_key_xor_ipad = s->ipad;
	s->tmpl.u.HMAC._hashed_auth_key_xor_opad = s->opad;
	return 0;
}

static int
mb_cipher_setup(IMB_MGR *mgr, struct mb_session *s, const struct gw_crypto_params *p)
{
	unsigned int klen = p->cipher_key_len - gw_cipher_salt_len(p->cipher);
	IMB_JOB *t = &s->tmpl;

	t->key_len_in_bytes = klen;
	switch (p->cipher) {
	case GW_CIPHER_NULL:
		t->cipher_mode = IMB_CIPHER_NULL;
		t->key_len_in_bytes = 0;
		return 0;
	case GW_CIPHER_AES_CBC:
		t->cipher_mode = IMB_CIPHER_CBC;
		if (klen == 16)
			IMB_AES_KEYEXP_128(mgr, p->cipher_key, s->k.aes.enc, s->k.aes.dec);
		else if (klen == 24)
			IMB_AES_KEYEXP_192(mgr, p->cipher_key, s->k.aes.enc, s->k.aes.dec);
		else
			IMB_AES_KEYEXP_256(mgr, p->cipher_key, s->k.aes.enc, s->k.aes.dec);
		t->enc_keys = s->k.aes.enc;
		t->dec_keys = s->k.aes.dec;
		return 0;
	case GW_CIPHER_AES_GCM16:
		t->cipher_mode = IMB_CIPHER_GCM;
		t->hash_alg = IMB_AUTH_AES_GMAC;
		if (klen == 16)
			IMB_AES128_GCM_PRE(mgr, p->cipher_key, &s->k.gcm);
		else
			IMB_AES256_GCM_PRE(mgr, p->cipher_key, &s->k.gcm);
		t->enc_keys = t->dec_keys = &s->k.gcm;
		s->gcm = true;
		break;
	case GW_CIPHER_CHACHA20_POLY1305:
		t->cipher_mode = IMB_CIPHER_CHACHA20_POLY1305;
		t->hash_alg = IMB_AUTH_CHACHA20_POLY1305;
		memcpy(s->k.chacha, p->cipher_key, 32);
		t->enc_keys = t->dec_keys = s->k.chacha;
		break;
	case GW_CIPHER_3DES_CBC:
		t->cipher_mode = IMB_CIPHER_DES3;
		for (unsigned int i = 0; i < 3; i++) {
			IMB_DES_KEYSCHED(mgr, s->k.des[i], p->cipher_key + 8 * i);
			s->des3_ks[i] = s->k.des[i];
		}
		t->enc_keys = t->dec_keys = s->des3_ks;
		return 0;
	case GW_CIPHER_DES_CBC:
		t->cipher_mode = IMB_CIPHER_DES;
		IMB_DES_KEYSCHED(mgr, s->k.des[0], p->cipher_key);
		t->enc_keys = t->dec_keys = s->k.des[0];
		return 0;
	default:
		return -EINVAL;
	}
	/* AEAD: the salt is the last 4 bytes of the key material. */
	memcpy(s->salt, p->cipher_key + klen, 4);
	s->aead = true;
	t->iv_len_in_bytes = 12;
	return 0;
}

static struct gw_crypto_session *
mb_session_create(const struct gw_crypto_params *p)
{
	IMB_MGR *mgr = gw_mb_setup_mgr();
	struct mb_session *s;

	if (!gw_crypto_params_valid(p)) {
		errno = EINVAL;
		return NULL;
	}
	if (mgr == NULL) {
		errno = ENOTSUP;
		return NULL;
	}
	s = aligned_alloc(64, (sizeof(*s) + 63) & ~(size_t)63);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	s->base.engine = &gw_crypto_engine_ipsecmb;
	s->encrypt = p->encrypt;
	s->icv_len = gw_icv_len(p->cipher, p->auth);
	s->iv_len = gw_cipher_iv_len(p->cipher);
	s->block_len = p->cipher == GW_CIPHER_AES_CBC || p->cipher == GW_CIPHER_3DES_CBC ||
		       p->cipher == GW_CIPHER_DES_CBC ? s->iv_len : 1;
	s->tmpl.hash_alg = IMB_AUTH_NULL;
	s->tmpl.iv_len_in_bytes = s->iv_len;
	if (mb_cipher_setup(mgr, s, p) != 0 ||
	    (!s->aead && mb_hmac_precompute(mgr, s, p) != 0)) {
		gw_crypto_wipe(s, sizeof(*s));
		free(s);
		errno = EINVAL;
		return NULL;
	}
	s->tmpl.cipher_direction = p->encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	s->tmpl.chain_order = p->encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	s->tmpl.auth_tag_output_len_in_bytes = s->icv_len;
	s->burst_api = p->cipher == GW_CIPHER_AES_CBC && s->tmpl.hash_alg != IMB_AUTH_MD5 &&
		       mgr->submit_cipher_burst != NULL && mgr->submit_hash_burst != NULL;
	return &s->base;
}

static void
mb_session_destroy(struct gw_crypto_session *base)
{
	struct mb_session *s = (struct mb_session *)base;

	if (s == NULL)
		return;
	gw_crypto_wipe(s, sizeof(*s));
	free(s);
}

/* Fill the job for one op from the template. 0 or -EINVAL. */
static int
mb_job_fill(const struct mb_session *s, IMB_JOB *job, struct gw_crypto_op *op,
	    struct mb_scratch *x)
{
	*job = s->tmpl;
	job->src = op->buf;
	job->dst = op->buf + op->cipher_start;	/* the offset applies to src only */
	job->cipher_start_src_offset_in_bytes = op->cipher_start;
	job->msg_len_to_cipher_in_bytes = op->cipher_len;
	job->user_data = op;
	job->user_data2 = x;
	x->esn = false;
	if (s->aead) {
		memcpy(x->nonce, s->salt, 4);
		memcpy(x->nonce + 4, op->iv, 8);
		job->iv = x->nonce;
		job->hash_start_src_offset_in_bytes = op->cipher_start;
		job->msg_len_to_hash_in_bytes = op->cipher_len;
		if (s->gcm) {
			job->u.GCM.aad = op->aad;
			job->u.GCM.aad_len_in_bytes = op->aad_len;
		} else {
			job->u.CHACHA20_POLY1305.aad = op->aad;
			job->u.CHACHA20_POLY1305.aad_len_in_bytes = op->aad_len;
		}
		if (s->encrypt) {
			job->auth_tag_output = op->icv;
		} else {
			memcpy(x->recv, op->icv, s->icv_len);
			job->auth_tag_output = x->tag;
		}
		return 0;
	}
	/* CBC: whole blocks, at least one (an ESP trailer is never empty). */
	if (op->cipher_len % s->block_len != 0 || (s->block_len > 1 && op->cipher_len == 0))
		return -EINVAL;
	job->iv = op->iv;
	job->hash_start_src_offset_in_bytes = op->auth_start;
	job->msg_len_to_hash_in_bytes = op->auth_len;
	if (!s->encrypt)
		memcpy(x->recv, op->icv, s->icv_len);
	if (op->has_esn) {
		if (!gw_crypto_esn_in_place(op))
			return -EINVAL;
		memcpy(op->icv, &op->esn_hi, 4);
		job->msg_len_to_hash_in_bytes += 4;
		x->esn = true;
	}
	job->auth_tag_output = s->encrypt && !x->esn ? op->icv : x->tag;
	return 0;
}

static void
mb_job_done(const struct mb_session *s, IMB_JOB *job)
{
	struct gw_crypto_op *op = job->user_data;
	struct mb_scratch *x = job->user_data2;

	if (job->status != IMB_STATUS_COMPLETED) {
		op->status = -EINVAL;
		if (x->esn && !s->encrypt)
			memcpy(op->icv, x->recv, 4);
		return;
	}
	if (s->encrypt) {
		if (x->esn)
			memcpy(op->icv, x->tag, s->icv_len);
		op->status = 0;
		return;
	}
	if (x->esn)
		memcpy(op->icv, x->recv, 4);
	op->status = gw_crypto_ct_differ(x->tag, x->recv, s->icv_len) ? -EBADMSG : 0;
}

/*
 * AES-GCM through the direct API: no job queue, so it costs what the raw
 * primitive costs (test/bench/crypto_raw.c measured ~70 -> ~45 ns per op at 64 B, raw ~34).
 * The nonces (salt | IV) are written for the whole burst first: built right
 * before each call, the cipher's wide load of the 12 bytes spans two fresh
 * narrow stores and waits for them to retire (a failed store-to-load forward,
 * ~20 cycles a packet at 64 B).
 */
static void
mb_gcm_direct(const struct mb_session *s, IMB_MGR *mgr, struct gw_crypto_op *ops,
	      unsigned int n)
{
	struct gcm_context_data ctx;
	alignas(16) uint8_t nonce[GW_CRYPTO_BURST][16];
	uint8_t tag[16];
	unsigned int i, base, m;

	for (base = 0; base < n; base += m) {
		m = n - base < GW_CRYPTO_BURST ? n - base : GW_CRYPTO_BURST;
		for (i = 0; i < m; i++) {
			memcpy(nonce[i], s->salt, 4);
			memcpy(nonce[i] + 4, ops[base + i].iv, 8);
		}
		for (i = 0; i < m; i++) {
			struct gw_crypto_op *op = &ops[base + i];
			uint8_t *p = op->buf + op->cipher_start;

			if (s->encrypt) {
				if (s->tmpl.key_len_in_bytes == 16)
					IMB_AES128_GCM_ENC(mgr, &s->k.gcm, &ctx, p, p,
							   op->cipher_len, nonce[i], op->aad,
							   op->aad_len, op->icv, 16);
				else
					IMB_AES256_GCM_ENC(mgr, &s->k.gcm, &ctx, p, p,
							   op->cipher_len, nonce[i], op->aad,
							   op->aad_len, op->icv, 16);
				op->status = 0;
				continue;
			}
			if (s->tmpl.key_len_in_bytes == 16)
				IMB_AES128_GCM_DEC(mgr, &s->k.gcm, &ctx, p, p, op->cipher_len,
						   nonce[i], op->aad, op->aad_len, tag, 16);
			else
				IMB_AES256_GCM_DEC(mgr, &s->k.gcm, &ctx, p, p, op->cipher_len,
						   nonce[i], op->aad, op->aad_len, tag, 16);
			op->status = gw_crypto_ct_differ(tag, op->icv, 16) ? -EBADMSG : 0;
		}
	}
}

/*
 * AES-CBC + HMAC-SHA through IPsec-MB's cipher and hash burst API (1.3): each
 * call completes every job it is given, cipher over the whole burst then hash
 * (encrypt-then-MAC; the reverse to decrypt). The job API (mb_burst()) has to
 * flush its lanes at the end of each burst — the gateway's engine call is
 * synchronous — and runs the last ones partly empty (13 % of the raw job
 * stream at 496 B, scripts/bench/docs/history.md). A burst the library refuses
 * (it checks the jobs before it runs any) fails every op in it.
 */
static void
mb_cbc_hmac_burst(const struct mb_session *s, IMB_MGR *mgr, struct gw_crypto_op *ops,
		  unsigned int n)
{
	IMB_JOB jobs[GW_CRYPTO_BURST];
	struct mb_scratch scratch[GW_CRYPTO_BURST];
	unsigned int i, m = 0;
	uint32_t done;

	for (i = 0; i < n; i++) {
		if (mb_job_fill(s, &jobs[m], &ops[i], &scratch[m]) != 0) {
			ops[i].status = -EINVAL;
			continue;
		}
		m++;
	}
	if (m == 0)
		return;
	if (s->encrypt) {
		done = IMB_SUBMIT_CIPHER_BURST(mgr, jobs, m, IMB_CIPHER_CBC, IMB_DIR_ENCRYPT,
					       s->tmpl.key_len_in_bytes);
		if (done == m)
			done = IMB_SUBMIT_HASH_BURST(mgr, jobs, m, s->tmpl.hash_alg);
	} else {
		done = IMB_SUBMIT_HASH_BURST(mgr, jobs, m, s->tmpl.hash_alg);
		if (done == m)
			done = IMB_SUBMIT_CIPHER_BURST(mgr, jobs, m, IMB_CIPHER_CBC,
						       IMB_DIR_DECRYPT, s->tmpl.key_len_in_bytes);
	}
	for (i = 0; i < m; i++) {
		if (done != m)
			jobs[i].status = IMB_STATUS_INVALID_ARGS;
		mb_job_done(s, &jobs[i]);
	}
}

static void
mb_burst(const struct mb_session *s, IMB_MGR *mgr, struct gw_crypto_op *ops, unsigned int n)
{
	struct mb_scratch scratch[GW_CRYPTO_BURST];
	IMB_JOB *job;
	unsigned int i;

	for (i = 0; i < n; i++) {
		job = IMB_GET_NEXT_JOB(mgr);
		if (mb_job_fill(s, job, &ops[i], &scratch[i]) != 0) {
			ops[i].status = -EINVAL;
			continue;	/* the slot is handed out again */
		}
		job = IMB_SUBMIT_JOB(mgr);
		while (job != NULL) {
			mb_job_done(s, job);
			job = IMB_GET_COMPLETED_JOB(mgr);
		}
	}
	while ((job = IMB_FLUSH_JOB(mgr)) != NULL)
		mb_job_done(s, job);
}

static unsigned int
mb_process(struct gw_crypto_session *base, struct gw_crypto_op *ops, unsigned int n)
{
	const struct mb_session *s = (const struct mb_session *)base;
	IMB_MGR *mgr = gw_mb_thread_mgr();
	unsigned int i, m, good = 0;

	if (mgr == NULL || s == NULL || s->base.engine != &gw_crypto_engine_ipsecmb) {
		for (i = 0; i < n; i++)
			ops[i].status = -EINVAL;
		return 0;
	}
	if (s->gcm) {
		mb_gcm_direct(s, mgr, ops, n);
	} else if (s->burst_api) {
		for (i = 0; i < n; i += m) {
			m = n - i < GW_CRYPTO_BURST ? n - i : GW_CRYPTO_BURST;
			mb_cbc_hmac_burst(s, mgr, ops + i, m);
		}
	} else {
		for (i = 0; i < n; i += m) {
			m = n - i < GW_CRYPTO_BURST ? n - i : GW_CRYPTO_BURST;
			mb_burst(s, mgr, ops + i, m);
		}
	}
	for (i = 0; i < n; i++)
		good += ops[i].status == 0;
	return good;
}

const struct gw_crypto_engine gw_crypto_engine_ipsecmb = {
	.name = "ipsecmb",
	.set_arch = gw_crypto_ipsecmb_set_arch,
	.probe = mb_probe,
	.lcore_init = mb_lcore_init,
	.supports = mb_supports,
	.session_create = mb_session_create,
	.session_destroy = mb_session_destroy,
	.process = mb_process,
};
