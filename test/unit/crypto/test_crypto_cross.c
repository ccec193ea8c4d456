/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Engine cross-check: for every algorithm, random ESP-shaped packets
 * encrypted by one engine give byte-identical ciphertext and ICV on the
 * other, and decrypt on the other, with and without ESN.
 */
#include <errno.h>
#include <stdio.h>

#include "gw_test.h"
#include "gw_crypto.h"
#include "crypto_test_util.h"

#define PKTS 40
#define PKT_MAX (8 + 16 + 512 + GW_CRYPTO_MAX_ICV)

struct pkt {
	uint8_t buf[PKT_MAX];
	uint8_t iv[16];
	uint32_t len;		/* payload */
};

/* ESP: SPI|SEQ | IV | payload | ICV; AEAD AAD = SPI|SEQ (or SPI|ESN-hi|SEQ). */
static void
op_init(struct gw_crypto_op *op, struct pkt *pk, const struct gw_crypto_params *p,
	bool esn, uint8_t *aad)
{
	unsigned int ivl = gw_cipher_iv_len(p->cipher);

	memset(op, 0, sizeof(*op));
	op->buf = pk->buf;
	op->iv = pk->iv;
	op->cipher_start = 8 + ivl;
	op->cipher_len = pk->len;
	op->auth_start = 0;
	op->auth_len = 8 + ivl + pk->len;
	op->icv = pk->buf + op->auth_len;
	op->has_esn = esn;
	op->esn_hi = __builtin_bswap32(7);
	if (gw_cipher_is_aead(p->cipher)) {
		memcpy(aad, pk->buf, 4);
		memcpy(aad + 4, &op->esn_hi, 4);
		memcpy(aad + 8, pk->buf + 4, 4);
		if (!esn)
			memcpy(aad + 4, pk->buf + 4, 4);
		op->aad = aad;
		op->aad_len = esn ? 12 : 8;
		op->has_esn = false;
	}
	/* AEAD/CBC IV on the wire: copy it into the packet too. */
	memcpy(pk->buf + 8, pk->iv, ivl);
}

static void
cross_one(const char *cipher, const char *auth, bool esn)
{
	const struct gw_crypto_engine *e[2] = {
		gw_crypto_engine_get("ipsecmb"), gw_crypto_engine_get("openssl")
	};
	static struct pkt pk[2][PKTS];
	static uint8_t plain[PKTS][PKT_MAX];
	uint8_t aad[2][PKTS][12];
	struct gw_crypto_op ops[2][PKTS];
	struct gw_crypto_params p;
	struct gw_crypto_session *s[2];
	unsigned int klen, alen, i, x, blk, icvl;

	CHECK_EQ(gw_cipher_parse(cipher, &p.cipher, &klen), 0);
	CHECK_EQ(gw_auth_parse(auth, &p.auth, &alen), 0);
	memset(&p, 0, sizeof(p));
	gw_cipher_parse(cipher, &p.cipher, &p.cipher_key_len);
	gw_auth_parse(auth, &p.auth, &p.auth_key_len);
	if (!e[1]->supports(p.cipher, p.cipher_key_len, p.auth)) {
		printf("  openssl lacks %s, skipped\n", cipher);
		return;
	}
	ct_random(p.cipher_key, klen);
	ct_random(p.auth_key, alen);
	blk = gw_cipher_block_len(p.cipher);
	icvl = gw_icv_len(p.cipher, p.auth);
	for (i = 0; i < PKTS; i++) {
		pk[0][i].len = (rand() % 512) / blk * blk;
		if (pk[0][i].len == 0 && blk > 4)
			pk[0][i].len = blk;	/* CBC: at least one block */
		ct_random(pk[0][i].buf, sizeof(pk[0][i].buf));
		ct_random(pk[0][i].iv, sizeof(pk[0][i].iv));
		memcpy(plain[i], pk[0][i].buf, PKT_MAX);
		pk[1][i] = pk[0][i];
	}
	/* Encrypt the same packets on both engines: identical bytes. */
	p.encrypt = true;
	for (x = 0; x < 2; x++) {
		s[x] = e[x]->session_create(&p);
		CHECK(s[x] != NULL);
		if (s[x] == NULL)
			return;
		for (i = 0; i < PKTS; i++)
			op_init(&ops[x][i], &pk[x][i], &p, esn, aad[x][i]);
		CHECK_EQ(e[x]->process(s[x], ops[x], PKTS), PKTS);
		e[x]->session_destroy(s[x]);
	}
	for (i = 0; i < PKTS; i++) {
		CHECK_MEM(pk[0][i].buf, pk[1][i].buf, 8 + 16 + pk[0][i].len + icvl);
		if (memcmp(pk[0][i].buf, pk[1][i].buf, 8 + 16 + pk[0][i].len + icvl) != 0) {
			fprintf(stderr, "  %s/%s esn %d: packet %u (%u bytes) differs\n",
				cipher, auth, esn, i, pk[0][i].len);
			break;
		}
	}
	/* Decrypt each engine's output on the other engine. */
	p.encrypt = false;
	for (x = 0; x < 2; x++) {
		s[x] = e[x]->session_create(&p);
		CHECK(s[x] != NULL);
		if (s[x] == NULL)
			return;
		CHECK_EQ(e[x]->process(s[x], ops[1 - x], PKTS), PKTS);
		e[x]->session_destroy(s[x]);
	}
	for (i = 0; i < PKTS; i++) {
		unsigned int off = 8 + gw_cipher_iv_len(p.cipher);

		CHECK_MEM(pk[0][i].buf + off, plain[i] + off, pk[0][i].len);
		CHECK_MEM(pk[1][i].buf + off, plain[i] + off, pk[1][i].len);
	}
}

static void
test_cross_engines(void)
{
	static const char *const ciphers[] = {
		"null", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "3des-cbc", "des-cbc",
	};
	static const char *const auths[] = {
		"hmac-md5-96", "hmac-sha1-96", "hmac-sha-256-128", "hmac-sha-384-192",
		"hmac-sha-512-256",
	};
	static const char *const aeads[] = {
		"aes-128-gcm", "aes-256-gcm", "chacha20-poly1305",
	};
	unsigned int c, a, esn;

	for (esn = 0; esn < 2; esn++) {
		for (c = 0; c < sizeof(ciphers) / sizeof(ciphers[0]); c++)
			for (a = 0; a < sizeof(auths) / sizeof(auths[0]); a++)
				cross_one(ciphers[c], auths[a], esn);
		for (c = 0; c < sizeof(aeads) / sizeof(aeads[0]); c++)
			cross_one(aeads[c], "none", esn);
	}
}

int
main(int argc, char **argv)
{
	int rc = ct_arch_args(argc, argv);

	if (rc != 0)
		return rc;
	srand(7634);
	GW_RUN(test_cross_engines);
	return gw_test_result();
}
