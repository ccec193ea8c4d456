/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ike codec: messages built with the builder parse back field by field;
 * each malformed form gives its error (and the notify the RFC answers with);
 * the rule table refuses missing and misplaced payloads; the SK payload seals
 * and opens (a flipped octet anywhere fails the ICV); prf+ and DH sanity.
 * Independent known answers: test/pkt/test_ike_crypto.py.
 */
#include <errno.h>
#include <string.h>

#include "gw_test.h"
#include "ike_crypto.h"
#include "ike_msg.h"

static struct ike_msg m;

static uint32_t
build_init(uint8_t *buf, uint32_t cap)
{
	struct ike_hdr h = { .spi_i = 0x1122334455667788ULL, .exch = IKE_EXCH_SA_INIT,
			     .flags = IKE_FLAG_INITIATOR };
	struct ike_prop_out p = { .num = 1, .proto = IKE_PROTO_IKE, .nxf = 3,
		.xf = { { IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128 },
			{ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 }, { IKE_XF_DH, 14, 0 } } };
	uint8_t ke[256] = { 1 }, nonce[32] = { 2 };
	struct ike_bld b;
	uint32_t len = 0;

	ike_bld_init(&b, buf, cap, &h);
	ike_bld_sa(&b, &p, 1);
	ike_bld_ke(&b, 14, ke, sizeof(ke));
	ike_bld_payload(&b, IKE_PL_NONCE, nonce, sizeof(nonce));
	ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, nonce, 20);
	CHECK_EQ(ike_bld_finish(&b, &len), 0);
	return len;
}

static void
test_roundtrip(void)
{
	uint8_t buf[1024];
	uint32_t len = build_init(buf, sizeof(buf));
	struct ike_perr err;
	const struct ike_pl *sa, *ke;

	CHECK_EQ(ike_msg_parse(buf, len, &m, &err), 0);
	CHECK_EQ(ike_msg_check(&m, &err), 0);
	CHECK_EQ(m.hdr.spi_i, 0x1122334455667788ULL);
	CHECK_EQ(m.hdr.exch, IKE_EXCH_SA_INIT);
	CHECK_EQ(m.npl, 4);
	sa = ike_msg_find(&m, IKE_PL_SA);
	CHECK(sa != NULL);
	CHECK_EQ(sa->u.sa.n, 1);
	CHECK_EQ(m.prop[0].nxf, 3);
	CHECK_EQ(m.xf[0].id, IKE_ENCR_AES_GCM_16);
	CHECK_EQ(m.xf[0].key_len, 128);
	ke = ike_msg_find(&m, IKE_PL_KE);
	CHECK_EQ(ke->u.ke.group, 14);
	CHECK_EQ(ke->u.ke.data.len, 256);
	CHECK(ike_msg_notify(&m, IKE_N_NAT_DETECTION_SOURCE_IP) != NULL);
	CHECK(ike_msg_error_notify(&m) == NULL);
}

static int
parse_code(const uint8_t *buf, uint32_t len, struct ike_perr *err)
{
	int rc = ike_msg_parse(buf, len, &m, err);

	if (rc == 0)
		rc = ike_msg_check(&m, err);
	return rc == 0 ? IKE_PERR_OK : (int)err->code;
}

static void
test_malformed(void)
{
	uint8_t buf[1024], bad[1024];
	uint32_t len = build_init(buf, sizeof(buf));
	struct ike_perr err;

	/* truncated header */
	CHECK_EQ(parse_code(buf, 20, &err), IKE_PERR_TRUNCATED);
	/* header length beyond the datagram */
	memcpy(bad, buf, len);
	ike_put32(bad + 24, len + 1);
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_BAD_LENGTH);
	/* major version 3 */
	memcpy(bad, buf, len);
	bad[17] = 0x30;
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_BAD_VERSION);
	CHECK_EQ(ike_perr_notify(err.code), IKE_N_INVALID_MAJOR_VERSION);
	/* first payload (SA) length 3: less than its header */
	memcpy(bad, buf, len);
	ike_put16(bad + IKE_HDR_LEN + 2, 3);
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_BAD_LENGTH);
	CHECK_EQ(ike_perr_notify(err.code), IKE_N_INVALID_SYNTAX);
	/* SA payload longer than the message */
	memcpy(bad, buf, len);
	ike_put16(bad + IKE_HDR_LEN + 2, 2000);
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_BAD_LENGTH);
	/* proposal length past its SA payload */
	memcpy(bad, buf, len);
	ike_put16(bad + IKE_HDR_LEN + 4 + 2, 200);
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_BAD_LENGTH);
	/* transform count says 4, there are 3 */
	memcpy(bad, buf, len);
	bad[IKE_HDR_LEN + 4 + 7] = 4;
	CHECK(parse_code(bad, len, &err) != IKE_PERR_OK);
	/* first payload replaced by an unknown critical one */
	memcpy(bad, buf, len);
	bad[16] = 200;
	bad[IKE_HDR_LEN + 1] = IKE_PL_CRITICAL;
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_CRITICAL);
	CHECK_EQ(err.pl_type, 200);
	CHECK_EQ(ike_perr_notify(err.code), IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD);
	/* the same, not critical: skipped, then SA missing from IKE_SA_INIT */
	bad[IKE_HDR_LEN + 1] = 0;
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_MISSING);
	CHECK_EQ(m.unknown, 1);
	/* IKE_AUTH in clear: the rule table wants everything inside SK */
	memcpy(bad, buf, len);
	bad[18] = IKE_EXCH_AUTH;
	CHECK_EQ(parse_code(bad, len, &err), IKE_PERR_MISSING);
	/* nonce of 8 octets (RFC 7296 3.9: at least 16) */
	{
		struct ike_hdr h = { .exch = IKE_EXCH_SA_INIT };
		uint8_t n8[8] = { 0 };
		struct ike_bld b;
		uint32_t l2;

		ike_bld_init(&b, bad, sizeof(bad), &h);
		ike_bld_payload(&b, IKE_PL_NONCE, n8, sizeof(n8));
		CHECK_EQ(ike_bld_finish(&b, &l2), 0);
		CHECK_EQ(parse_code(bad, l2, &err), IKE_PERR_BAD_LENGTH);
	}
	/* every prefix of a good message fails cleanly */
	for (uint32_t l = 0; l < len; l++)
		CHECK(ike_msg_parse(buf, l, &m, &err) != 0);
}

static void
test_ts_and_delete(void)
{
	uint8_t inner[512];
	struct ike_ts ts = { .type = IKE_TS_IPV4_ADDR_RANGE, .eport = 65535,
			     .start = { 10, 0, 0, 0 }, .end = { 10, 0, 0, 255 } };
	uint8_t spis[8] = { 0, 0, 1, 0, 0, 0, 2, 0 };
	struct ike_perr err;
	struct ike_bld b;
	uint32_t len;
	const struct ike_pl *pl;

	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_ts(&b, IKE_PL_TSI, &ts, 1);
	ike_bld_ts(&b, IKE_PL_TSR, &ts, 1);
	ike_bld_delete(&b, IKE_PROTO_ESP, 4, spis, 2);
	CHECK_EQ(ike_bld_finish(&b, &len), 0);
	memset(&m, 0, sizeof(m));
	m.sk_index = -1;
	CHECK_EQ(ike_msg_parse_inner(inner, len, b.first, &m, &err), 0);
	CHECK_EQ(m.nts, 2);
	CHECK_EQ(m.ts[0].end[3], 255);
	pl = ike_msg_find(&m, IKE_PL_DELETE);
	CHECK(pl != NULL && pl->u.del.n == 2 && ike_get32(pl->u.del.spis.p + 4) == 0x200);
	/* a selector whose length disagrees with its type */
	inner[4 + 4 + 2 + 1] = 24;
	memset(&m, 0, sizeof(m));
	CHECK(ike_msg_parse_inner(inner, len, b.first, &m, &err) != 0);
}

static void
seal_open(uint16_t encr, uint16_t bits, uint16_t integ)
{
	struct ike_suite s = { .encr = encr, .encr_bits = bits, .integ = integ,
			       .prf = IKE_PRF_HMAC_SHA2_256 };
	struct ike_hdr h = { .spi_i = 1, .spi_r = 2, .exch = IKE_EXCH_INFORMATIONAL,
			     .msgid = 7, .flags = IKE_FLAG_INITIATOR };
	uint8_t ek[36], ak[64], iv[16], inner[64], out[512], plain[512];
	struct ike_bld b;
	struct ike_perr err;
	uint32_t ilen, len, plen;

	memset(ek, 0x11, sizeof(ek));
	memset(ak, 0x22, sizeof(ak));
	memset(iv, 0x33, sizeof(iv));
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	CHECK_EQ(ike_bld_finish(&b, &ilen), 0);
	CHECK_EQ(ike_sk_seal(&s, ek, ak, &h, b.first, inner, ilen, iv, out, sizeof(out), &len),
		 0);
	CHECK_EQ(ike_msg_parse(out, len, &m, &err), 0);
	CHECK_EQ(m.sk_index, 0);
	CHECK_EQ(ike_sk_open(&s, ek, ak, out, &m, plain, sizeof(plain), &plen), 0);
	CHECK_EQ(plen, ilen);
	CHECK_MEM(plain, inner, ilen);
	CHECK_EQ(ike_msg_parse_inner(plain, plen, m.sk_first_inner, &m, &err), 0);
	CHECK_EQ(ike_msg_check(&m, &err), 0);
	/* any octet flipped (header, IV, ciphertext, ICV) fails */
	for (uint32_t i = 0; i < len; i++) {
		if (i >= 24 && i < 28)
			continue;	/* the length: refused by the parser instead */
		out[i] ^= 0x01;
		if (ike_msg_parse(out, len, &m, &err) == 0 && m.sk_index == 0)
			CHECK(ike_sk_open(&s, ek, ak, out, &m, plain, sizeof(plain), &plen) != 0);
		out[i] ^= 0x01;
	}
}

static void
test_sk(void)
{
	seal_open(IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE);
	seal_open(IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE);
	seal_open(IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128);
	seal_open(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA1_96);
	seal_open(IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256);
}

static void
test_dh(void)
{
	static const uint16_t groups[] = { 14, 15, 19, 20, 31 };

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		struct ike_dh *a = ike_dh_new(groups[g]), *b = ike_dh_new(groups[g]);
		uint8_t pa[IKE_MAX_DH_PUB], pb[IKE_MAX_DH_PUB], sa[IKE_MAX_DH_PUB],
			sb[IKE_MAX_DH_PUB];
		size_t la, lb, lsa, lsb;

		CHECK(a != NULL && b != NULL);
		CHECK_EQ(ike_dh_pub(a, pa, sizeof(pa), &la), 0);
		CHECK_EQ(ike_dh_pub(b, pb, sizeof(pb), &lb), 0);
		CHECK_EQ(la, ike_dh_pub_len(groups[g]));
		CHECK_EQ(ike_dh_derive(a, pb, lb, sa, sizeof(sa), &lsa), 0);
		CHECK_EQ(ike_dh_derive(b, pa, la, sb, sizeof(sb), &lsb), 0);
		CHECK_EQ(lsa, lsb);
		CHECK_MEM(sa, sb, lsa);
		/* a wrong-length or out-of-range peer value is refused */
		CHECK(ike_dh_derive(a, pb, lb - 1, sa, sizeof(sa), &lsa) != 0);
		memset(pb, 0, lb);
		if (groups[g] != 31)
			CHECK(ike_dh_derive(a, pb, lb, sa, sizeof(sa), &lsa) != 0);
		else	/* RFC 8031 2.3: the all-zero result is refused */
			CHECK(ike_dh_derive(a, pb, lb, sa, sizeof(sa), &lsa) != 0);
		ike_dh_free(a);
		ike_dh_free(b);
	}
}

int
main(void)
{
	GW_RUN(test_roundtrip);
	GW_RUN(test_malformed);
	GW_RUN(test_ts_and_delete);
	GW_RUN(test_sk);
	GW_RUN(test_dh);
	return gw_test_result();
}
