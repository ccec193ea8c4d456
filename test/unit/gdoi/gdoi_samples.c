/* SPDX-License-Identifier: BSD-3-Clause */
/* Sample messages (gdoi_samples.h): one builder per message of the exchanges. */

#include <string.h>

#include "gdoi_build.h"
#include "gdoi_samples.h"

const uint8_t sample_icookie[8] = { 0x1c, 0x1c, 0x1c, 0x1c, 0x00, 0x00, 0x00, 0x01 };
const uint8_t sample_rcookie[8] = { 0x2d, 0x2d, 0x2d, 0x2d, 0x00, 0x00, 0x00, 0x02 };
const uint8_t sample_kek_spi[16] = {
	0x00, 0xca, 0x1c, 0x48, 0x77, 0x01, 0x16, 0xe0,
	0xf3, 0x1a, 0x8f, 0x79, 0x21, 0xaa, 0x3d, 0x08 };
const uint8_t sample_net10[8] = { 10, 0, 0, 0, 255, 0, 0, 0 };
const uint8_t sample_ks_addr[4] = { 10, 99, 0, 1 };
const uint8_t sample_gm_addr[4] = { 10, 99, 0, 2 };
const uint8_t sample_rekey_group[4] = { 239, 192, 10, 1 };
const uint8_t sample_tek_enc_key[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 };
const uint8_t sample_tek_int_key[32] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae,
	0xaf, 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd,
	0xbe, 0xbf };
const uint8_t sample_kek_key[32] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
	0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d,
	0x2e, 0x2f };

/* draft-weis-delay-detection-01 4.1: MD5("draft-weis-delay-detection-01") */
static const uint8_t vid_d3p[16] = {
	0x11, 0x00, 0x88, 0x39, 0x7f, 0x51, 0xfe, 0x96,
	0x69, 0xb9, 0x63, 0x04, 0x76, 0x35, 0x8b, 0xec };

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void
hdr_init(struct gdoi_hdr *h, uint8_t exch, uint32_t msgid, bool enc, bool responder_known)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, sample_icookie, 8);
	if (responder_known)
		memcpy(h->rcookie, sample_rcookie, 8);
	h->exchange = exch;
	h->msgid = msgid;
	h->flags = enc ? GDOI_FLAG_ENC : 0;
}

/* RFC 2409 5 message 1: SA with 3DES/AES-128 x DH 2/14, SHA1, PSK; a VID. */
static int
build_mm1(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	static const struct {
		uint16_t enc, keylen, group;
	} xf[] = {
		{ GDOI_IKE_ENC_AES_CBC, 128, 14 },
		{ GDOI_IKE_ENC_AES_CBC, 128, 2 },
		{ GDOI_IKE_ENC_3DES_CBC, 0, 14 },
		{ GDOI_IKE_ENC_3DES_CBC, 0, 2 },
	};
	struct gdoi_bld b;
	struct gdoi_hdr h;
	unsigned int i;

	(void)enc;
	hdr_init(&h, GDOI_EXCH_IDPROT, 0, false, false);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_IPSEC, GDOI_SIT_IDENTITY_ONLY, false);
	gdoi_bld_prop_begin(&b, 1, GDOI_PROTO_ISAKMP, NULL, 0);
	for (i = 0; i < sizeof(xf) / sizeof(xf[0]); i++) {
		gdoi_bld_xform_begin(&b, (uint8_t)(i + 1), GDOI_IKE_KEY_IKE);
		gdoi_bld_attr_tv(&b, GDOI_IKE_ENCRYPTION_ALG, xf[i].enc);
		if (xf[i].keylen != 0)
			gdoi_bld_attr_tv(&b, GDOI_IKE_KEY_LENGTH, xf[i].keylen);
		gdoi_bld_attr_tv(&b, GDOI_IKE_HASH_ALG, GDOI_IKE_HASH_SHA1);
		gdoi_bld_attr_tv(&b, GDOI_IKE_AUTH_METHOD, GDOI_IKE_AUTH_PSK);
		gdoi_bld_attr_tv(&b, GDOI_IKE_GROUP_DESCRIPTION, xf[i].group);
		gdoi_bld_attr_tv(&b, GDOI_IKE_LIFE_TYPE, GDOI_LIFE_SECONDS);
		gdoi_bld_attr_u32(&b, GDOI_IKE_LIFE_DURATION, 86400);
		gdoi_bld_end(&b);
	}
	gdoi_bld_end(&b);	/* proposal */
	gdoi_bld_end(&b);	/* SA */
	gdoi_bld_data(&b, GDOI_PL_VID, vid_d3p, sizeof(vid_d3p));
	return gdoi_bld_finish(&b, len);
}

/* Message 3: KE (MODP-2048, 256 octets), Ni. */
static int
build_mm3(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t ke[256], ni[16];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	(void)enc;
	fill(ke, sizeof(ke), 0x31);
	fill(ni, sizeof(ni), 0x4e);
	hdr_init(&h, GDOI_EXCH_IDPROT, 0, false, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_KE, ke, sizeof(ke));
	gdoi_bld_data(&b, GDOI_PL_NONCE, ni, sizeof(ni));
	return gdoi_bld_finish(&b, len);
}

/* Message 5: IDii (IPv4, UDP 848), HASH_I, N(INITIAL-CONTACT). */
static int
build_mm5(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	struct gdoi_ident id = { GDOI_ID_IPV4_ADDR, 17, GDOI_PORT,
				 { sample_gm_addr, 4, 0 } };
	struct gdoi_notify n = { .doi = GDOI_DOI_IPSEC, .proto = GDOI_PROTO_ISAKMP,
				 .type = GDOI_N_INITIAL_CONTACT };
	uint8_t hash[20], spi[16];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(hash, sizeof(hash), 0x55);
	memcpy(spi, sample_icookie, 8);
	memcpy(spi + 8, sample_rcookie, 8);
	n.spi.p = spi;
	n.spi.len = sizeof(spi);
	hdr_init(&h, GDOI_EXCH_IDPROT, 0, enc, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_id(&b, &id);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	gdoi_bld_notify(&b, &n);
	return gdoi_bld_finish(&b, len);
}

/* RFC 6407 3 message 1: HASH(1), Ni, ID(KEY_ID group). */
static int
build_pull1(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t hash[20], ni[16];
	uint8_t gid[4] = { SAMPLE_GROUP_ID >> 24, SAMPLE_GROUP_ID >> 16 & 0xff,
			   SAMPLE_GROUP_ID >> 8 & 0xff, SAMPLE_GROUP_ID & 0xff };
	struct gdoi_ident id = { GDOI_ID_KEY_ID, 0, 0, { gid, 4, 0 } };
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(hash, sizeof(hash), 0x61);
	fill(ni, sizeof(ni), 0x71);
	hdr_init(&h, GDOI_EXCH_PULL, SAMPLE_MSGID, enc, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	gdoi_bld_data(&b, GDOI_PL_NONCE, ni, sizeof(ni));
	gdoi_bld_id(&b, &id);
	return gdoi_bld_finish(&b, len);
}

/* SA KEK: UDP 10.99.0.1:848 -> 239.192.10.1:848, AES-128, RSA-2048/SHA-256, ACKs. */
static void
put_sak(struct gdoi_bld *b)
{
	struct gdoi_sak sak = {
		.proto = 17,
		.src = { GDOI_ID_IPV4_ADDR, 0, GDOI_PORT, { sample_ks_addr, 4, 0 } },
		.dst = { GDOI_ID_IPV4_ADDR, 0, GDOI_PORT, { sample_rekey_group, 4, 0 } },
		.spi = sample_kek_spi,
	};

	gdoi_bld_sak_begin(b, &sak);
	gdoi_bld_attr_tv(b, GDOI_KEK_ALGORITHM, GDOI_KEK_ALG_AES);
	gdoi_bld_attr_tv(b, GDOI_KEK_KEY_LENGTH, 128);
	gdoi_bld_attr_u32(b, GDOI_KEK_KEY_LIFETIME, SAMPLE_KEK_LIFETIME);
	gdoi_bld_attr_tv(b, GDOI_KEK_SIG_HASH_ALGORITHM, GDOI_SIG_HASH_SHA256);
	gdoi_bld_attr_tv(b, GDOI_KEK_SIG_ALGORITHM, GDOI_SIG_ALG_RSA);
	gdoi_bld_attr_tv(b, GDOI_KEK_SIG_KEY_LENGTH, 2048);
	gdoi_bld_attr_tv(b, GDOI_KEK_ACK_REQUESTED, GDOI_ACK_KEK_SHA256);
	gdoi_bld_end(b);
}

/* SA TEK: ESP AES-CBC-128 + HMAC-SHA-256, 10.0.0.0/8 <-> 10.0.0.0/8, tunnel. */
static void
put_sat(struct gdoi_bld *b, uint32_t spi)
{
	struct gdoi_sat sat = {
		.proto_id = GDOI_TEK_PROTO_ESP,
		.esp_ah = true,
		.ip_proto = 0,
		.src = { GDOI_ID_IPV4_SUBNET, 0, 0, { sample_net10, 8, 0 } },
		.dst = { GDOI_ID_IPV4_SUBNET, 0, 0, { sample_net10, 8, 0 } },
		.transform_id = GDOI_ESP_AES_CBC,
		.spi = spi,
	};

	gdoi_bld_sat_begin(b, &sat);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_ENCAPSULATION_MODE, GDOI_ENCAP_TUNNEL);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_AUTH_ALGORITHM, GDOI_AUTH_HMAC_SHA2_256);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_KEY_LENGTH, 128);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_SA_LIFE_TYPE, GDOI_LIFE_SECONDS);
	gdoi_bld_attr_u32(b, GDOI_IPSEC_SA_LIFE_DURATION, SAMPLE_TEK_LIFETIME);
	gdoi_bld_attr_tv(b, GDOI_IPSEC_ADDR_PRESERVATION, 4);	/* source and destination */
	gdoi_bld_attr_tv(b, GDOI_IPSEC_SA_DIRECTION, 3);	/* symmetric */
	gdoi_bld_end(b);
}

/* GAP: ATD, DTD and the D3P policy (default private-use numbers). */
static void
put_gap(struct gdoi_bld *b)
{
	gdoi_bld_begin(b, GDOI_PL_GAP);
	gdoi_bld_attr_tv(b, GDOI_GAP_ACTIVATION_TIME_DELAY, SAMPLE_ATD);
	gdoi_bld_attr_tv(b, GDOI_GAP_DEACTIVATION_TIME_DELAY, SAMPLE_DTD);
	gdoi_bld_attr_tv(b, GDOI_GAP_D3P_TYPE_DEFAULT, GDOI_D3P_TYPE_POSIX_TIME);
	gdoi_bld_attr_u32(b, GDOI_GAP_D3P_WINDOWSIZE_DEFAULT, SAMPLE_D3P_WINDOW_MS);
	gdoi_bld_end(b);
}

/* Message 2: HASH(2), Nr, SA(GDOI)[SAK, SAT, GAP]. */
static int
build_pull2(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t hash[20], nr[16];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(hash, sizeof(hash), 0x62);
	fill(nr, sizeof(nr), 0x72);
	hdr_init(&h, GDOI_EXCH_PULL, SAMPLE_MSGID, enc, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	gdoi_bld_data(&b, GDOI_PL_NONCE, nr, sizeof(nr));
	gdoi_bld_sa_begin(&b, GDOI_DOI_GDOI, 0, true);
	put_sak(&b);
	put_sat(&b, SAMPLE_TEK_SPI);
	put_gap(&b);
	gdoi_bld_end(&b);
	return gdoi_bld_finish(&b, len);
}

/* Message 3: HASH(3). */
static int
build_pull3(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t hash[20];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(hash, sizeof(hash), 0x63);
	hdr_init(&h, GDOI_EXCH_PULL, SAMPLE_MSGID, enc, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	return gdoi_bld_finish(&b, len);
}

/* KD: a TEK key packet (AES key, HMAC key) and optionally a KEK key packet. */
static void
put_kd(struct gdoi_bld *b, bool with_kek)
{
	uint8_t spi[4] = { SAMPLE_TEK_SPI >> 24, SAMPLE_TEK_SPI >> 16 & 0xff,
			   SAMPLE_TEK_SPI >> 8 & 0xff, SAMPLE_TEK_SPI & 0xff };
	uint8_t sigkey[64];

	gdoi_bld_kd_begin(b);
	gdoi_bld_kp_begin(b, GDOI_KD_TEK, spi, sizeof(spi));
	gdoi_bld_attr_tlv(b, GDOI_KD_TEK_ALGORITHM_KEY, sample_tek_enc_key,
			  sizeof(sample_tek_enc_key));
	gdoi_bld_attr_tlv(b, GDOI_KD_TEK_INTEGRITY_KEY, sample_tek_int_key,
			  sizeof(sample_tek_int_key));
	gdoi_bld_end(b);
	if (with_kek) {
		fill(sigkey, sizeof(sigkey), 0x30);
		gdoi_bld_kp_begin(b, GDOI_KD_KEK, sample_kek_spi, sizeof(sample_kek_spi));
		gdoi_bld_attr_tlv(b, GDOI_KD_KEK_ALGORITHM_KEY, sample_kek_key,
				  sizeof(sample_kek_key));
		gdoi_bld_attr_tlv(b, GDOI_KD_KEK_SIG_ALGORITHM_KEY, sigkey, sizeof(sigkey));
		gdoi_bld_end(b);
	}
	gdoi_bld_end(b);
}

/* Message 4: HASH(4), SEQ, KD[TEK, KEK]. */
static int
build_pull4(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t hash[20];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(hash, sizeof(hash), 0x64);
	hdr_init(&h, GDOI_EXCH_PULL, SAMPLE_MSGID, enc, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	gdoi_bld_seq(&b, SAMPLE_PULL_SEQ);
	put_kd(&b, true);
	return gdoi_bld_finish(&b, len);
}

static void
push_hdr(struct gdoi_hdr *h, bool enc)
{
	hdr_init(h, GDOI_EXCH_PUSH, 0, enc, false);
	memcpy(h->icookie, sample_kek_spi, 8);
	memcpy(h->rcookie, sample_kek_spi + 8, 8);
}

/* RFC 6407 4: SEQ, SA[SAK, SAT], KD[TEK], SIG (cookies = KEK SPI, M-ID 0). */
static int
build_push(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t sig[256];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(sig, sizeof(sig), 0x99);
	push_hdr(&h, enc);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_seq(&b, SAMPLE_PUSH_SEQ);
	gdoi_bld_sa_begin(&b, GDOI_DOI_GDOI, 0, true);
	put_sak(&b);
	put_sat(&b, SAMPLE_TEK_SPI);
	gdoi_bld_end(&b);
	put_kd(&b, false);
	gdoi_bld_data(&b, GDOI_PL_SIG, sig, sizeof(sig));
	return gdoi_bld_finish(&b, len);
}

/* A PUSH that deletes two TEKs: SEQ, DELETE, SIG. */
static int
build_push_delete(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	static const uint8_t spis[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	uint8_t sig[256];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(sig, sizeof(sig), 0x9a);
	push_hdr(&h, enc);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_seq(&b, SAMPLE_DEL_SEQ);
	gdoi_bld_delete(&b, GDOI_DOI_GDOI, GDOI_TEK_PROTO_ESP, 4, spis, 2);
	gdoi_bld_data(&b, GDOI_PL_SIG, sig, sizeof(sig));
	return gdoi_bld_finish(&b, len);
}

/* RFC 8263: HASH, SEQ, ID(IPv4 of the member), not encrypted. */
static int
build_push_ack(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	struct gdoi_ident id = { GDOI_ID_IPV4_ADDR, 0, 0, { sample_gm_addr, 4, 0 } };
	uint8_t hash[32];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	(void)enc;
	fill(hash, sizeof(hash), 0x65);
	push_hdr(&h, false);
	h.exchange = GDOI_EXCH_PUSH_ACK;
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	gdoi_bld_seq(&b, SAMPLE_PUSH_SEQ);
	gdoi_bld_id(&b, &id);
	return gdoi_bld_finish(&b, len);
}

/* RFC 2409 5.7 Informational: HASH, DELETE of an ESP SPI. */
static int
build_info_delete(uint8_t *buf, size_t cap, bool enc, size_t *len)
{
	uint8_t spi[4] = { 0x55, 0x66, 0x77, 0x88 };
	uint8_t hash[20];
	struct gdoi_bld b;
	struct gdoi_hdr h;

	fill(hash, sizeof(hash), 0x66);
	hdr_init(&h, GDOI_EXCH_INFO, 0x0badcafe, enc, true);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, sizeof(hash));
	gdoi_bld_delete(&b, GDOI_DOI_IPSEC, GDOI_PROTO_IPSEC_ESP, 4, spi, 1);
	return gdoi_bld_finish(&b, len);
}

const struct gdoi_sample gdoi_samples[] = {
	{ "mm1-sa", GDOI_MSG_MM1, build_mm1 },
	{ "mm3-ke", GDOI_MSG_MM3, build_mm3 },
	{ "mm5-id", GDOI_MSG_MM5, build_mm5 },
	{ "pull1", GDOI_MSG_PULL1, build_pull1 },
	{ "pull2-sa", GDOI_MSG_PULL2, build_pull2 },
	{ "pull3", GDOI_MSG_PULL3, build_pull3 },
	{ "pull4-kd", GDOI_MSG_PULL4, build_pull4 },
	{ "push", GDOI_MSG_PUSH, build_push },
	{ "push-delete", GDOI_MSG_PUSH, build_push_delete },
	{ "push-ack", GDOI_MSG_PUSH_ACK, build_push_ack },
	{ "info-delete", GDOI_MSG_INFO, build_info_delete },
};
const unsigned int gdoi_nsamples = sizeof(gdoi_samples) / sizeof(gdoi_samples[0]);

const struct gdoi_sample *
gdoi_sample_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < gdoi_nsamples; i++)
		if (strcmp(gdoi_samples[i].name, name) == 0)
			return &gdoi_samples[i];
	return NULL;
}
