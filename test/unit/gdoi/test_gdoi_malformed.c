/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gdoi parser on bad input: every sample truncated at every octet, every
 * length field of every element too small / too large, nested lengths and
 * counts that disagree, too many payloads, unknown payload types, bad
 * headers, and RFC 2408 3.3 attribute edge cases. Each must fail with the
 * precise error code and a message naming the function.
 */

#include <errno.h>
#include <string.h>

#include "gdoi_msg.h"
#include "gdoi_build.h"
#include "gdoi_names.h"
#include "gdoi_samples.h"
#include "gw_test.h"

static uint8_t orig[4096], buf[4096];
static size_t orig_len;
static struct gdoi_msg msg, ref;
static struct gdoi_perr err;

static void
load(const struct gdoi_sample *s, bool enc)
{
	CHECK_EQ(s->build(orig, sizeof(orig), enc, &orig_len), 0);
	CHECK_EQ(gdoi_msg_parse(orig, orig_len, GDOI_MSG_ANY, GDOI_PARSE_DECRYPTED, &ref, &err),
		 0);
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Parse buf[0..len) (no rule); the error must be `want` with a usable message. */
static void
expect_fail(size_t len, unsigned int flags, enum gdoi_perr_code want, const char *what)
{
	int ret = gdoi_msg_parse(buf, len, GDOI_MSG_ANY, flags, &msg, &err);

	if (ret == 0 || err.code != want)
		fprintf(stderr, "%s: ret %d, %s (want %s): %s\n", what, ret,
			gdoi_perr_name(err.code), gdoi_perr_name(want), err.msg);
	CHECK(ret < 0);
	CHECK_EQ(err.code, want);
	CHECK(strchr(err.msg, ':') != NULL);
}

/* Parse after writing a 16-bit value at off into a copy of orig. */
static void
expect_fail16(size_t off, uint32_t v, enum gdoi_perr_code want, const char *what)
{
	memcpy(buf, orig, orig_len);
	put16(buf + off, v);
	expect_fail(orig_len, 0, want, what);
}

static void
test_truncated_every_octet(void)
{
	unsigned int i;
	size_t n;

	for (i = 0; i < gdoi_nsamples; i++) {
		load(&gdoi_samples[i], false);
		for (n = 0; n < orig_len; n++) {
			int ret;

			/* as received: the header Length no longer matches */
			memcpy(buf, orig, n);
			ret = gdoi_msg_parse(buf, n, GDOI_MSG_ANY, 0, &msg, &err);
			CHECK_EQ(ret, -EBADMSG);
			CHECK_EQ(err.code, n < 28 ? GDOI_PE_TRUNCATED : GDOI_PE_LEN_OVER);
			if (n < 28)
				continue;
			/* header Length fixed up: the payloads themselves are cut */
			put32(buf + 24, (uint32_t)n);
			ret = gdoi_msg_parse(buf, n, GDOI_MSG_ANY, GDOI_PARSE_DECRYPTED, &msg,
					     &err);
			if (ret == 0)
				fprintf(stderr, "%s cut at %zu parsed\n", gdoi_samples[i].name, n);
			CHECK_EQ(ret, -EBADMSG);
			CHECK(err.code == GDOI_PE_TRUNCATED || err.code == GDOI_PE_LEN_OVER);
			CHECK(strstr(err.msg, "left") != NULL || strstr(err.msg, "needs") != NULL);
		}
	}
}

/*
 * Each element with a 16-bit length at off+2, inside a container ending at
 * end, with a fixed header of hlen octets: 0 and hlen-1 are too small, one
 * past the container end and 0xffff too large.
 */
static void
check_len_field(uint32_t off, uint32_t end, uint32_t hlen, const char *what)
{
	expect_fail16(off + 2, 0, GDOI_PE_LEN_SHORT, what);
	expect_fail16(off + 2, hlen - 1, GDOI_PE_LEN_SHORT, what);
	expect_fail16(off + 2, end - off + 1, GDOI_PE_LEN_OVER, what);
	expect_fail16(off + 2, 0xffff, GDOI_PE_LEN_OVER, what);
}

static void
test_length_fields(void)
{
	unsigned int i, j;

	for (i = 0; i < gdoi_nsamples; i++) {
		load(&gdoi_samples[i], false);
		for (j = 0; j < ref.npl; j++) {
			const struct gdoi_pl *pl = &ref.pl[j];
			const struct gdoi_pl *sa = pl->nested ? &ref.pl[pl->nested - 1] : NULL;
			uint32_t end = sa ? sa->off + sa->len : ref.len;

			check_len_field(pl->off, end, 4, gdoi_pl_name(pl->type));
		}
		for (j = 0; j < ref.nprop; j++) {
			const struct gdoi_pl *sa = &ref.pl[0];
			const struct gdoi_prop *p = &ref.prop[j];
			unsigned int k;

			check_len_field(p->off, sa->off + sa->len, 8, "proposal");
			for (k = 0; k < p->nxf; k++)
				check_len_field(ref.xf[p->first_xf + k].off,
						p->off + get16(orig + p->off + 2), 8, "transform");
		}
		for (j = 0; j < ref.nkp; j++) {
			unsigned int pos = 0;
			const struct gdoi_pl *kd = gdoi_msg_find(&ref, GDOI_PL_KD, &pos);

			check_len_field(ref.kp[j].off, kd->off + kd->len, 5, "key packet");
		}
	}
}

/* Offset of the first payload of `type` (nested ones included). */
static uint32_t
pl_off(uint8_t type)
{
	unsigned int i;

	for (i = 0; i < ref.npl; i++)
		if (ref.pl[i].type == type)
			return ref.pl[i].off;
	CHECK(0);
	return 0;
}

static void
test_nested_inconsistent(void)
{
	uint32_t off;

	/* SA one octet shorter than its nested chain: the GAP overruns the SA */
	load(gdoi_sample_find("pull2-sa"), false);
	off = pl_off(GDOI_PL_SA);
	expect_fail16(off + 2, get16(orig + off + 2) - 1, GDOI_PE_LEN_OVER, "SA < nested");
	CHECK(strstr(err.msg, "GAP") != NULL);
	/* SA Attribute Next Payload beyond a payload type */
	expect_fail16(off + 12, 0x010f, GDOI_PE_FIELD, "SA attribute next");
	/* SA Attribute Next Payload pointing at HASH */
	expect_fail16(off + 12, GDOI_PL_HASH, GDOI_PE_CHAIN, "HASH nested in SA");
	/* SA KEK SRC ID data length past the payload */
	off = pl_off(GDOI_PL_SAK);
	memcpy(buf, orig, orig_len);
	buf[off + 4 + 1 + 3] = 0xff;
	expect_fail(orig_len, 0, GDOI_PE_TRUNCATED, "SAK SRC ID length");
	/* SA KEK IPv4 identity of 3 octets */
	memcpy(buf, orig, orig_len);
	buf[off + 4 + 1 + 3] = 3;
	expect_fail(orig_len, 0, GDOI_PE_FIELD, "SAK IPv4 of 3 octets");
	/* SA TEK IPv4 subnet declared 2 octets (2-octet length field) */
	off = pl_off(GDOI_PL_SAT);
	expect_fail16(off + 4 + 2 + 3, 2, GDOI_PE_FIELD, "SAT subnet of 2 octets");
	expect_fail16(off + 4 + 2 + 3, 0x1000, GDOI_PE_TRUNCATED, "SAT ID past payload");

	/* proposal says 3 transforms, carries 4; 5 */
	load(gdoi_sample_find("mm1-sa"), false);
	memcpy(buf, orig, orig_len);
	buf[ref.prop[0].off + 7] = 3;
	expect_fail(orig_len, 0, GDOI_PE_FIELD, "transform count 3");
	buf[ref.prop[0].off + 7] = 5;
	expect_fail(orig_len, 0, GDOI_PE_FIELD, "transform count 5");
	buf[ref.prop[0].off + 7] = 0;
	expect_fail(orig_len, 0, GDOI_PE_FIELD, "transform count 0");
	/* transform Next Payload neither 3 nor 0, proposal Next Payload 3 */
	memcpy(buf, orig, orig_len);
	buf[ref.xf[0].off] = GDOI_PL_KE;
	expect_fail(orig_len, 0, GDOI_PE_CHAIN, "transform next payload");
	memcpy(buf, orig, orig_len);
	buf[ref.prop[0].off] = GDOI_PL_TRANSFORM;
	expect_fail(orig_len, 0, GDOI_PE_CHAIN, "proposal next payload");
	/* last transform says another follows */
	memcpy(buf, orig, orig_len);
	buf[ref.xf[3].off] = GDOI_PL_TRANSFORM;
	expect_fail(orig_len, 0, GDOI_PE_TRUNCATED, "transform chain past proposal");
	/* SPI size past the proposal */
	memcpy(buf, orig, orig_len);
	buf[ref.prop[0].off + 6] = 0xff;
	expect_fail(orig_len, 0, GDOI_PE_TRUNCATED, "proposal SPI size");
	/* labelled situation, unknown DOI */
	memcpy(buf, orig, orig_len);
	buf[ref.pl[0].off + 11] |= GDOI_SIT_SECRECY;
	expect_fail(orig_len, 0, GDOI_PE_UNSUPPORTED, "secrecy situation");
	memcpy(buf, orig, orig_len);
	buf[ref.pl[0].off + 7] = 9;
	expect_fail(orig_len, 0, GDOI_PE_UNSUPPORTED, "DOI 9");

	/* KD: more or fewer key packets than counted, none, SPI past the packet */
	load(gdoi_sample_find("pull4-kd"), false);
	off = pl_off(GDOI_PL_KD);
	expect_fail16(off + 4, 3, GDOI_PE_TRUNCATED, "KD count 3 of 2");
	expect_fail16(off + 4, 1, GDOI_PE_TRAILING, "KD count 1 of 2");
	expect_fail16(off + 4, 0, GDOI_PE_FIELD, "KD count 0");
	memcpy(buf, orig, orig_len);
	buf[ref.kp[0].off + 4] = 200;
	expect_fail(orig_len, 0, GDOI_PE_TRUNCATED, "key packet SPI size");
	/* TEK key attribute longer than its key packet */
	expect_fail16(ref.kp[0].off + 5 + 4 + 2, 200, GDOI_PE_LEN_OVER, "KD attribute");
	/* SEQ of 5 octets */
	off = pl_off(GDOI_PL_SEQ);
	expect_fail16(off + 2, 9, GDOI_PE_TRAILING, "SEQ of 5 octets");

	/* delete: SPI count and size disagree with the payload length */
	load(gdoi_sample_find("push-delete"), false);
	off = pl_off(GDOI_PL_DELETE);
	expect_fail16(off + 10, 3, GDOI_PE_FIELD, "3 SPIs in 8 octets");
	expect_fail16(off + 10, 0, GDOI_PE_FIELD, "0 SPIs");
	memcpy(buf, orig, orig_len);
	buf[off + 9] = 8;
	expect_fail(orig_len, 0, GDOI_PE_FIELD, "delete of 2 SPIs x 8 octets in 8");

	/* ID payload: IPv4 of 4 octets declared as IPv6; KEY_ID of 0 octets */
	load(gdoi_sample_find("pull1"), false);
	off = pl_off(GDOI_PL_ID);
	memcpy(buf, orig, orig_len);
	buf[off + 4] = GDOI_ID_IPV6_ADDR;
	expect_fail(orig_len, 0, GDOI_PE_FIELD, "IPv6 ID of 4 octets");
	/* nonce of 7 octets (RFC 2409 5: 8..256); the ID moves up, Length too */
	off = pl_off(GDOI_PL_NONCE);
	memcpy(buf, orig, orig_len);
	memmove(buf + off + 4 + 7, buf + off + 4 + 16, orig_len - (off + 4 + 16));
	put16(buf + off + 2, 4 + 7);
	put32(buf + 24, (uint32_t)orig_len - 9);
	expect_fail(orig_len - 9, 0, GDOI_PE_FIELD, "nonce of 7 octets");
}

/* n payloads of `type` with 4 data octets each. */
static size_t
build_many(uint8_t type, unsigned int n)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_IDPROT };
	struct gdoi_bld b;
	size_t len = 0;
	unsigned int i;

	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	for (i = 0; i < n; i++)
		gdoi_bld_data(&b, type, "abcd", 4);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	return len;
}

static size_t
build_sa(unsigned int nprop, unsigned int nxf)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_IDPROT };
	struct gdoi_bld b;
	size_t len = 0;
	unsigned int i, j;

	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_IPSEC, GDOI_SIT_IDENTITY_ONLY, false);
	for (i = 0; i < nprop; i++) {
		gdoi_bld_prop_begin(&b, 1, GDOI_PROTO_ISAKMP, NULL, 0);
		for (j = 0; j < nxf; j++) {
			gdoi_bld_xform_begin(&b, (uint8_t)(j + 1), GDOI_IKE_KEY_IKE);
			gdoi_bld_attr_tv(&b, GDOI_IKE_ENCRYPTION_ALG, GDOI_IKE_ENC_AES_CBC);
			gdoi_bld_end(&b);
		}
		gdoi_bld_end(&b);
	}
	gdoi_bld_end(&b);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	return len;
}

static size_t
build_kd(unsigned int nkp)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_PULL };
	struct gdoi_bld b;
	size_t len = 0;
	unsigned int i;

	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_kd_begin(&b);
	for (i = 0; i < nkp; i++) {
		gdoi_bld_kp_begin(&b, GDOI_KD_TEK, "\1\2\3\4", 4);
		gdoi_bld_attr_tlv(&b, GDOI_KD_TEK_ALGORITHM_KEY, "0123456789abcdef", 16);
		gdoi_bld_end(&b);
	}
	gdoi_bld_end(&b);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	return len;
}

static void
expect_ok(size_t len)
{
	int ret = gdoi_msg_parse(buf, len, GDOI_MSG_ANY, 0, &msg, &err);

	if (ret != 0)
		fprintf(stderr, "%s\n", err.msg);
	CHECK_EQ(ret, 0);
}

static void
test_too_many(void)
{
	expect_ok(build_many(GDOI_PL_VID, GDOI_MAX_PAYLOADS));
	CHECK_EQ(msg.ntop, GDOI_MAX_PAYLOADS);
	expect_fail(build_many(GDOI_PL_VID, GDOI_MAX_PAYLOADS + 1), 0, GDOI_PE_TOO_MANY,
		    "payloads");
	CHECK_EQ(gdoi_msg_parse(buf, build_many(GDOI_PL_VID, GDOI_MAX_PAYLOADS + 1),
				GDOI_MSG_ANY, 0, &msg, &err), -E2BIG);
	expect_ok(build_sa(GDOI_MAX_PROPOSALS, 1));
	expect_fail(build_sa(GDOI_MAX_PROPOSALS + 1, 1), 0, GDOI_PE_TOO_MANY, "proposals");
	expect_ok(build_sa(1, GDOI_MAX_TRANSFORMS));
	expect_fail(build_sa(1, GDOI_MAX_TRANSFORMS + 1), 0, GDOI_PE_TOO_MANY, "transforms");
	expect_fail(build_sa(2, GDOI_MAX_TRANSFORMS / 2 + 1), 0, GDOI_PE_TOO_MANY,
		    "transforms over proposals");
	expect_ok(build_kd(GDOI_MAX_KEY_PACKETS));
	expect_fail(build_kd(GDOI_MAX_KEY_PACKETS + 1), 0, GDOI_PE_TOO_MANY, "key packets");
}

/* RFC 2408 5.2: a Next Payload that is not valid fails the message. */
static void
test_unknown_payloads(void)
{
	static const uint8_t unknown[] = { 14, 19, 23, 127, 128, 200, 255 };
	size_t len = build_many(GDOI_PL_VID, 2);
	unsigned int i;

	for (i = 0; i < sizeof(unknown); i++) {
		buf[16] = unknown[i];
		expect_fail(len, 0, GDOI_PE_UNKNOWN_PAYLOAD, "unknown at top");
		CHECK_EQ(gdoi_perr_notify(err.code), GDOI_N_INVALID_PAYLOAD_TYPE);
		buf[16] = GDOI_PL_VID;
		buf[28] = unknown[i];	/* second payload */
		expect_fail(len, 0, GDOI_PE_UNKNOWN_PAYLOAD, "unknown second");
		CHECK_EQ(err.offset, 36);
		buf[28] = GDOI_PL_VID;
	}
	/* proposal, transform, SA KEK, SA TEK only inside an SA */
	buf[16] = GDOI_PL_PROPOSAL;
	expect_fail(len, 0, GDOI_PE_CHAIN, "proposal at top");
	buf[16] = GDOI_PL_TRANSFORM;
	expect_fail(len, 0, GDOI_PE_CHAIN, "transform at top");
	buf[16] = GDOI_PL_SAK;
	expect_fail(len, 0, GDOI_PE_CHAIN, "SAK at top");
	buf[16] = GDOI_PL_SAT;
	expect_fail(len, 0, GDOI_PE_CHAIN, "SAT at top");
	/* a non-zero RESERVED octet is ignored (RFC 2408 3.2 has no critical bit) */
	buf[16] = GDOI_PL_VID;
	buf[29] = 0x80;
	expect_ok(len);
}

static void
test_header(void)
{
	size_t len = build_many(GDOI_PL_VID, 1);

	buf[17] = 0x20;
	expect_fail(len, 0, GDOI_PE_VERSION, "version 2.0");
	CHECK_EQ(gdoi_perr_notify(err.code), GDOI_N_INVALID_MAJOR_VERSION);
	buf[17] = 0x11;
	expect_fail(len, 0, GDOI_PE_VERSION, "version 1.1");
	buf[17] = 0x10;
	put32(buf + 24, 27);
	expect_fail(len, 0, GDOI_PE_LEN_SHORT, "Length 27");
	put32(buf + 24, (uint32_t)len - 1);
	expect_fail(len, 0, GDOI_PE_TRAILING, "Length < datagram");
	put32(buf + 24, (uint32_t)len + 1);
	expect_fail(len, 0, GDOI_PE_LEN_OVER, "Length > datagram");
	put32(buf + 24, 0xffffffff);
	expect_fail(len, 0, GDOI_PE_LEN_OVER, "Length 2^32-1");
	put32(buf + 24, 28);
	buf[16] = 0;
	expect_ok(28);		/* a header alone is well-formed; rules judge it */
	CHECK_EQ(msg.npl, 0);
	expect_fail(0, 0, GDOI_PE_TRUNCATED, "empty datagram");
}

static void
expect_attrs(const uint8_t *p, size_t n, int want_ret, enum gdoi_perr_code want,
	     unsigned int count)
{
	struct gdoi_attrs l;
	int ret = gdoi_attrs_parse(p, n, 100, &l, &err);

	CHECK_EQ(ret, want_ret);
	if (ret < 0) {
		CHECK_EQ(err.code, want);
		CHECK(err.offset >= 100);
	} else {
		CHECK_EQ(l.count, count);
		CHECK_EQ(l.s.off, 100);
	}
}

static void
test_attributes(void)
{
	static const uint8_t tv[] = { 0x80, 0x01, 0x00, 0x07 };
	static const uint8_t tlv0[] = { 0x00, 0x02, 0x00, 0x00, 0x80, 0x01, 0xff, 0xff };
	static const uint8_t tlv_over[] = { 0x00, 0x02, 0x00, 0x05, 1, 2, 3, 4 };
	static const uint8_t type0_tv[] = { 0x80, 0x00, 0x00, 0x01 };
	static const uint8_t type0_tlv[] = { 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t tlv9[] = { 0x00, 0x03, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t tlv8[] = { 0x00, 0x03, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8 };
	static uint8_t big[4 + 65535];
	struct gdoi_attrs l;
	struct gdoi_attr a;
	uint64_t v;
	uint32_t pos = 0;
	size_t n;

	expect_attrs(tv, 0, 0, GDOI_PE_OK, 0);
	expect_attrs(tv, sizeof(tv), 0, GDOI_PE_OK, 1);
	for (n = 1; n < sizeof(tv); n++)
		expect_attrs(tv, n, -EBADMSG, GDOI_PE_TRUNCATED, 0);
	expect_attrs(tlv0, sizeof(tlv0), 0, GDOI_PE_OK, 2);
	expect_attrs(tlv_over, sizeof(tlv_over), -EBADMSG, GDOI_PE_LEN_OVER, 0);
	expect_attrs(type0_tv, sizeof(type0_tv), -EBADMSG, GDOI_PE_FIELD, 0);
	expect_attrs(type0_tlv, sizeof(type0_tlv), -EBADMSG, GDOI_PE_FIELD, 0);
	/* the largest TLV, and one octet short of it */
	big[1] = 5;
	big[2] = 0xff;
	big[3] = 0xff;
	CHECK_EQ(gdoi_attrs_parse(big, sizeof(big), 0, &l, &err), -EBADMSG);
	CHECK_EQ(err.code, GDOI_PE_LEN_OVER);	/* 65539 octets do not fit a list */
	expect_attrs(big, sizeof(big) - 4, -EBADMSG, GDOI_PE_LEN_OVER, 0);

	/* walking: TV value, zero-length TLV, integers of 1..8 octets */
	CHECK_EQ(gdoi_attrs_parse(tlv0, sizeof(tlv0), 0, &l, &err), 0);
	CHECK(gdoi_attrs_next(&l, &pos, &a));
	CHECK(!a.tv);
	CHECK_EQ(a.type, 2);
	CHECK_EQ(a.val.len, 0);
	CHECK_EQ(gdoi_attr_uint(&a, &v), -ERANGE);
	CHECK(gdoi_attrs_next(&l, &pos, &a));
	CHECK(a.tv);
	CHECK_EQ(a.tv_value, 0xffff);
	CHECK_EQ(gdoi_attr_uint(&a, &v), 0);
	CHECK_EQ(v, 0xffff);
	CHECK(!gdoi_attrs_next(&l, &pos, &a));
	CHECK_EQ(gdoi_attrs_parse(tlv8, sizeof(tlv8), 0, &l, &err), 0);
	CHECK_EQ(gdoi_attrs_find(&l, 3, &a), 0);
	CHECK_EQ(gdoi_attr_uint(&a, &v), 0);
	CHECK_EQ(v, 0x0102030405060708ull);
	CHECK_EQ(gdoi_attrs_parse(tlv9, sizeof(tlv9), 0, &l, &err), 0);
	CHECK_EQ(gdoi_attrs_find(&l, 3, &a), 0);
	CHECK_EQ(gdoi_attr_uint(&a, &v), -ERANGE);
}

/* GAP decoding: D3P numbers are parameters; bad forms are refused. */
static void
test_gap(void)
{
	struct gdoi_gap_ids ids = { .d3p_type = 200, .d3p_window = 201 };
	static const uint8_t custom[] = {
		0x80, 200, 0x00, 0x01,			/* D3P-TYPE 1 as 200 */
		0x00, 201, 0x00, 0x02, 0x01, 0xf4,	/* D3P-WINDOWSIZE 500 as 201 */
		0x80, 0x01, 0x00, 0x3c,			/* ATD 60 */
		0x90, 0x00, 0x00, 0x01,			/* 4096: unknown, skipped */
	};
	static const uint8_t no_window[] = { 0x80, 200, 0x00, 0x01 };
	static const uint8_t window_tv[] = { 0x80, 200, 0x00, 0x01, 0x80, 201, 0x01, 0xf4 };
	static const uint8_t zero_window[] = {
		0x80, 200, 0x00, 0x01, 0x00, 201, 0x00, 0x01, 0x00 };
	static const uint8_t atd_twice[] = { 0x80, 0x01, 0x00, 0x3c, 0x80, 0x01, 0x00, 0x3d };
	static const uint8_t atd_long[] = {
		0x00, 0x01, 0x00, 0x05, 1, 0, 0, 0, 0 };
	struct gdoi_attrs l;
	struct gdoi_gap gap;

	CHECK_EQ(gdoi_attrs_parse(custom, sizeof(custom), 0, &l, &err), 0);
	CHECK_EQ(gdoi_gap_decode(&l, &ids, &gap, &err), 0);
	CHECK_EQ(gap.d3p_type, 1);
	CHECK_EQ(gap.d3p_window_ms, 500);
	CHECK_EQ(gap.atd, 60);
	CHECK_EQ(gap.unknown, 1);
	/* with the default numbers the same attributes are unknown */
	CHECK_EQ(gdoi_gap_decode(&l, &gdoi_gap_ids_default, &gap, &err), 0);
	CHECK_EQ(gap.d3p_type, 0);
	CHECK_EQ(gap.unknown, 3);
	CHECK_EQ(gdoi_attrs_parse(no_window, sizeof(no_window), 0, &l, &err), 0);
	CHECK_EQ(gdoi_gap_decode(&l, &ids, &gap, &err), -EBADMSG);
	CHECK(strstr(err.msg, "WINDOWSIZE") != NULL);
	CHECK_EQ(gdoi_attrs_parse(window_tv, sizeof(window_tv), 0, &l, &err), 0);
	CHECK_EQ(gdoi_gap_decode(&l, &ids, &gap, &err), -EBADMSG);
	CHECK_EQ(gdoi_attrs_parse(zero_window, sizeof(zero_window), 0, &l, &err), 0);
	CHECK_EQ(gdoi_gap_decode(&l, &ids, &gap, &err), -EBADMSG);
	CHECK_EQ(gdoi_attrs_parse(atd_twice, sizeof(atd_twice), 0, &l, &err), 0);
	CHECK_EQ(gdoi_gap_decode(&l, &ids, &gap, &err), -EBADMSG);
	CHECK(strstr(err.msg, "twice") != NULL);
	CHECK_EQ(gdoi_attrs_parse(atd_long, sizeof(atd_long), 0, &l, &err), 0);
	CHECK_EQ(gdoi_gap_decode(&l, &ids, &gap, &err), -EBADMSG);
	CHECK_EQ(err.code, GDOI_PE_FIELD);
}

/* Decode `bytes` as an attribute list with `fn`; expect ret. */
#define DECODE(fn, pol, bytes, want) do { \
	struct gdoi_attrs l_; \
	CHECK_EQ(gdoi_attrs_parse(bytes, sizeof(bytes), 0, &l_, &err), 0); \
	CHECK_EQ(fn(&l_, pol, &err), want); \
} while (0)

/* KEK and TEK decoders: duplicates, forms, sizes, life pairs (RFC 2407 4.5). */
static void
test_policy_decoders(void)
{
	static const uint8_t kek_dup[] = { 0x80, 2, 0, 3, 0x80, 2, 0, 2 };
	static const uint8_t kek_alg_tlv[] = { 0, 2, 0, 2, 0, 3 };
	static const uint8_t kek_life_tv[] = { 0x80, 4, 0x0e, 0x10, 0x80, 9, 0, 1 };
	static const uint8_t kek_life_big[] = { 0, 4, 0, 5, 1, 0, 0, 0, 0 };
	static const uint8_t kek_unknown[] = { 0x80, 8, 0, 2, 0x80, 100, 0, 1 };
	static const uint8_t tek_life2[] = {
		0x80, 1, 0, 1, 0, 2, 0, 4, 0, 0, 0x0e, 0x10,	/* seconds 3600 */
		0x80, 1, 0, 2, 0x80, 2, 0x10, 0x00 };		/* kilobytes 4096 */
	static const uint8_t tek_dur_first[] = { 0x80, 2, 0, 1, 0x80, 1, 0, 1 };
	static const uint8_t tek_type_alone[] = { 0x80, 1, 0, 1 };
	static const uint8_t tek_type_twice[] = {
		0x80, 1, 0, 1, 0x80, 2, 0, 1, 0x80, 1, 0, 1, 0x80, 2, 0, 2 };
	static const uint8_t tek_type3[] = { 0x80, 1, 0, 3, 0x80, 2, 0, 1 };
	static const uint8_t tek_auth_tlv[] = { 0, 5, 0, 2, 0, 5 };
	static const uint8_t tek_dup[] = { 0x80, 4, 0, 1, 0x80, 4, 0, 2 };
	struct gdoi_kek_policy kek;
	struct gdoi_tek_policy tek;

	DECODE(gdoi_kek_decode, &kek, kek_dup, -EBADMSG);
	CHECK(strstr(err.msg, "twice") != NULL);
	DECODE(gdoi_kek_decode, &kek, kek_alg_tlv, -EBADMSG);
	CHECK(strstr(err.msg, "must be TV") != NULL);
	DECODE(gdoi_kek_decode, &kek, kek_life_tv, 0);
	CHECK_EQ(kek.lifetime_s, 3600);
	CHECK_EQ(kek.ack, GDOI_ACK_KEK_SHA256);
	DECODE(gdoi_kek_decode, &kek, kek_life_big, -EBADMSG);
	DECODE(gdoi_kek_decode, &kek, kek_unknown, 0);
	CHECK_EQ(kek.unknown, 2);
	DECODE(gdoi_tek_decode, &tek, tek_life2, 0);
	CHECK_EQ(tek.life_s, 3600);
	CHECK_EQ(tek.life_kb, 4096);
	DECODE(gdoi_tek_decode, &tek, tek_dur_first, -EBADMSG);
	DECODE(gdoi_tek_decode, &tek, tek_type_alone, -EBADMSG);
	DECODE(gdoi_tek_decode, &tek, tek_type_twice, -EBADMSG);
	DECODE(gdoi_tek_decode, &tek, tek_type3, -EBADMSG);
	DECODE(gdoi_tek_decode, &tek, tek_auth_tlv, -EBADMSG);
	DECODE(gdoi_tek_decode, &tek, tek_dup, -EBADMSG);
}

int
main(void)
{
	GW_RUN(test_truncated_every_octet);
	GW_RUN(test_length_fields);
	GW_RUN(test_nested_inconsistent);
	GW_RUN(test_too_many);
	GW_RUN(test_unknown_payloads);
	GW_RUN(test_header);
	GW_RUN(test_attributes);
	GW_RUN(test_gap);
	GW_RUN(test_policy_decoders);
	return gw_test_result();
}
