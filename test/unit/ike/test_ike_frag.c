/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE fragmentation (RFC 7383), the codec side: SKF fragments built by
 * ike_skf_seal parse (numbers, last payload, bounds) and open with the
 * ICV checked, every flipped octet refused; the reassembly of
 * lib/ike/ike_frag_reasm.c: any order, duplicates ignored, a larger Total
 * Fragments restarts (2.6.2), a smaller one is dropped, bad numbers, the
 * size cap, another exchange under the same message ID, the timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_test.h"
#include "ike_crypto.h"
#include "ike_frag.h"
#include "ike_msg.h"

static struct ike_msg msg;
static struct ike_reasm reasm;

static enum ike_reasm_rc
add(uint32_t msgid, uint16_t num, uint16_t total, const char *text, uint64_t now)
{
	return ike_reasm_add(&reasm, msgid, IKE_EXCH_AUTH, IKE_FLAG_INITIATOR, num, total,
			     num == 1 ? IKE_PL_IDI : 0, (const uint8_t *)text,
			     (uint32_t)strlen(text), now);
}

static void
check_take(const char *want)
{
	uint8_t out[IKE_MAX_MSG];
	uint32_t len = 0;
	uint8_t first = 0;

	CHECK_EQ(ike_reasm_take(&reasm, out, sizeof(out), &len, &first), 0);
	CHECK_EQ(len, strlen(want));
	CHECK_MEM(out, want, strlen(want));
	CHECK_EQ(first, IKE_PL_IDI);
	CHECK(!reasm.active);
}

static void
test_reasm_order_and_duplicates(void)
{
	ike_reasm_reset(&reasm);
	CHECK_EQ(add(1, 3, 3, "ccc", 0), IKE_REASM_KEPT);
	CHECK_EQ(add(1, 1, 3, "aaaa", 1), IKE_REASM_KEPT);
	CHECK_EQ(add(1, 1, 3, "xxxx", 2), IKE_REASM_DUP);	/* the first one stays */
	CHECK_EQ(add(1, 2, 3, "bb", 3), IKE_REASM_DONE);
	check_take("aaaabbccc");
	/* one fragment is a whole message too */
	CHECK_EQ(add(2, 1, 1, "solo", 4), IKE_REASM_DONE);
	check_take("solo");
	/* take before complete */
	CHECK_EQ(add(3, 1, 2, "half", 5), IKE_REASM_KEPT);
	{
		uint8_t out[16], first;
		uint32_t len;

		CHECK_EQ(ike_reasm_take(&reasm, out, sizeof(out), &len, &first), -EINVAL);
	}
}

static void
test_reasm_totals(void)
{
	ike_reasm_reset(&reasm);
	/* RFC 7383 2.6.2: more fragments than stored: the sender re-fragmented, start over */
	CHECK_EQ(add(5, 1, 2, "AAAAAAAA", 0), IKE_REASM_KEPT);
	CHECK_EQ(add(5, 1, 3, "aaaa", 1), IKE_REASM_KEPT);
	CHECK_EQ(reasm.count, 1);
	/* fewer than stored: dropped, the stored ones kept */
	CHECK_EQ(add(5, 2, 2, "BBBBBBBB", 2), IKE_REASM_STALE);
	CHECK_EQ(add(5, 2, 3, "bbbb", 3), IKE_REASM_KEPT);
	CHECK_EQ(add(5, 3, 3, "cc", 4), IKE_REASM_DONE);
	check_take("aaaabbbbcc");
	/* a new message ID replaces an unfinished one */
	CHECK_EQ(add(6, 1, 2, "old", 5), IKE_REASM_KEPT);
	CHECK_EQ(add(7, 2, 2, "new", 6), IKE_REASM_KEPT);
	CHECK_EQ(reasm.msgid, 7);
	CHECK_EQ(reasm.count, 1);
}

static void
test_reasm_bounds(void)
{
	static char big[IKE_MAX_MSG / 2 + 1];	/* IKE_MAX_MSG / 2 octets and the NUL */
	uint8_t one = 'x';

	ike_reasm_reset(&reasm);
	CHECK_EQ(add(1, 0, 3, "x", 0), IKE_REASM_BAD_NUM);
	CHECK_EQ(add(1, 4, 3, "x", 0), IKE_REASM_BAD_NUM);
	CHECK_EQ(add(1, 1, 0, "x", 0), IKE_REASM_BAD_NUM);
	CHECK_EQ(add(1, 1, IKE_FRAG_MAX + 1, "x", 0), IKE_REASM_BAD_NUM);
	CHECK(!reasm.active);
	/* the plaintext cap: two halves fill it, one octet more and everything goes */
	memset(big, 'b', sizeof(big) - 1);
	CHECK_EQ(add(2, 1, 3, big, 0), IKE_REASM_KEPT);
	CHECK_EQ(add(2, 2, 3, big, 0), IKE_REASM_KEPT);
	CHECK_EQ(add(2, 3, 3, "z", 0), IKE_REASM_TOO_BIG);
	CHECK(!reasm.active);
	/* the most fragments we take, one octet each */
	for (uint16_t i = 1; i <= IKE_FRAG_MAX; i++)
		CHECK_EQ(ike_reasm_add(&reasm, 3, IKE_EXCH_AUTH, 0, i, IKE_FRAG_MAX, IKE_PL_IDI,
				       &one, 1, 0),
			 i == IKE_FRAG_MAX ? IKE_REASM_DONE : IKE_REASM_KEPT);
	ike_reasm_reset(&reasm);
	/* another exchange or flags under the same message ID */
	CHECK_EQ(add(4, 1, 2, "a", 0), IKE_REASM_KEPT);
	CHECK_EQ(ike_reasm_add(&reasm, 4, IKE_EXCH_INFORMATIONAL, IKE_FLAG_INITIATOR, 2, 2, 0,
			       &one, 1, 0), IKE_REASM_MISMATCH);
	CHECK_EQ(ike_reasm_add(&reasm, 4, IKE_EXCH_AUTH, IKE_FLAG_RESPONSE, 2, 2, 0, &one, 1, 0),
		 IKE_REASM_MISMATCH);
	/* too late: the old fragments are dropped (counted), this one starts anew */
	CHECK_EQ(add(4, 2, 2, "b", IKE_FRAG_TIMEOUT_MS + 1), IKE_REASM_KEPT);
	CHECK_EQ(reasm.timeouts, 1);
	CHECK_EQ(reasm.count, 1);
	CHECK_EQ(add(4, 1, 2, "a", IKE_FRAG_TIMEOUT_MS + 2), IKE_REASM_DONE);
	check_take("ab");
}

/* SKF fragments of a message: sealed, parsed back, opened (ICV), tampered, reassembled. */
static void
test_skf_seal_open(void)
{
	static const uint16_t encrs[][2] = { { IKE_ENCR_AES_GCM_16, 128 },
					     { IKE_ENCR_AES_CBC, 256 } };
	uint8_t plain[300], out[IKE_MAX_MSG], dec[IKE_MAX_MSG], key[64], akey[64], iv[16];

	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 7);
	memset(key, 0x11, sizeof(key));
	memset(akey, 0x22, sizeof(akey));
	memset(iv, 0x33, sizeof(iv));
	for (size_t e = 0; e < 2; e++) {
		uint16_t integ = e == 0 ? IKE_INTEG_NONE : IKE_INTEG_HMAC_SHA2_256_128;
		struct ike_suite s = { .encr = encrs[e][0], .encr_bits = encrs[e][1],
				       .integ = integ, .prf = IKE_PRF_HMAC_SHA2_256 };
		struct ike_hdr h = { .spi_i = 1, .spi_r = 2, .exch = IKE_EXCH_AUTH,
				     .flags = IKE_FLAG_INITIATOR, .msgid = 1 };
		struct ike_perr err;
		uint32_t len, plen, total = 0;

		ike_reasm_reset(&reasm);
		for (uint16_t n = 1; n <= 3; n++) {
			CHECK_EQ(ike_skf_seal(&s, key, akey, &h, IKE_PL_IDI, n, 3,
					      plain + (n - 1) * 100, 100, iv, out, sizeof(out),
					      &len), 0);
			CHECK_EQ(out[16], IKE_PL_SKF);
			CHECK_EQ(out[IKE_HDR_LEN], n == 1 ? IKE_PL_IDI : 0);
			CHECK_EQ(ike_msg_parse(out, len, &msg, &err), 0);
			CHECK_EQ(msg.frag_num, n);
			CHECK_EQ(msg.frag_total, 3);
			CHECK_EQ(msg.sk_index, 0);
			CHECK_EQ(ike_sk_open(&s, key, akey, out, &msg, dec, sizeof(dec), &plen), 0);
			CHECK_EQ(plen, 100);
			CHECK_MEM(dec, plain + (n - 1) * 100, 100);
			CHECK_EQ(ike_reasm_add(&reasm, 1, IKE_EXCH_AUTH, IKE_FLAG_INITIATOR, n, 3,
					       msg.sk_first_inner, dec, plen, 0),
				 n == 3 ? IKE_REASM_DONE : IKE_REASM_KEPT);
			/* every octet from the SKF header on is covered: a flip is refused */
			for (uint32_t o = IKE_HDR_LEN; o < len; o++) {
				bool parsed;

				out[o] ^= 0x01;
				parsed = ike_msg_parse(out, len, &msg, &err) == 0;
				CHECK(!parsed || ike_sk_open(&s, key, akey, out, &msg, dec,
							     sizeof(dec), &plen) != 0);
				out[o] ^= 0x01;
			}
		}
		{
			uint8_t first;

			CHECK_EQ(ike_reasm_take(&reasm, dec, sizeof(dec), &total, &first), 0);
			CHECK_EQ(total, sizeof(plain));
			CHECK_MEM(dec, plain, sizeof(plain));
			CHECK_EQ(first, IKE_PL_IDI);
		}
	}
}

/* Parser rules for SKF: numbers within 1..total..IKE_FRAG_MAX, the last payload. */
static void
test_skf_parse_rules(void)
{
	uint8_t m[IKE_HDR_LEN + 4 + 4 + 20];
	struct ike_perr err;

	memset(m, 0, sizeof(m));
	m[16] = IKE_PL_SKF;
	m[17] = IKE_VERSION;
	m[18] = IKE_EXCH_AUTH;
	ike_put32(m + 24, sizeof(m));
	m[IKE_HDR_LEN] = IKE_PL_IDI;
	ike_put16(m + IKE_HDR_LEN + 2, sizeof(m) - IKE_HDR_LEN);
	ike_put16(m + IKE_HDR_LEN + 4, 1);
	ike_put16(m + IKE_HDR_LEN + 6, 2);
	CHECK_EQ(ike_msg_parse(m, sizeof(m), &msg, &err), 0);
	CHECK_EQ(msg.frag_num, 1);
	CHECK_EQ(msg.sk_first_inner, IKE_PL_IDI);
	ike_put16(m + IKE_HDR_LEN + 4, 0);
	CHECK(ike_msg_parse(m, sizeof(m), &msg, &err) != 0 && err.code == IKE_PERR_MALFORMED);
	ike_put16(m + IKE_HDR_LEN + 4, 3);
	CHECK(ike_msg_parse(m, sizeof(m), &msg, &err) != 0 && err.code == IKE_PERR_MALFORMED);
	ike_put16(m + IKE_HDR_LEN + 4, 1);
	ike_put16(m + IKE_HDR_LEN + 6, IKE_FRAG_MAX + 1);
	CHECK(ike_msg_parse(m, sizeof(m), &msg, &err) != 0 && err.code == IKE_PERR_MALFORMED);
	ike_put16(m + IKE_HDR_LEN + 6, 2);
	/* shorter than its numbers */
	ike_put16(m + IKE_HDR_LEN + 2, 6);
	CHECK(ike_msg_parse(m, sizeof(m), &msg, &err) != 0);
	/* not the last payload */
	ike_put16(m + IKE_HDR_LEN + 2, sizeof(m) - IKE_HDR_LEN - 8);
	CHECK(ike_msg_parse(m, sizeof(m), &msg, &err) != 0);
	/* IKE_SA_INIT carries no SKF (rule table) */
	ike_put16(m + IKE_HDR_LEN + 2, sizeof(m) - IKE_HDR_LEN);
	m[18] = IKE_EXCH_SA_INIT;
	CHECK_EQ(ike_msg_parse(m, sizeof(m), &msg, &err), 0);
	CHECK(ike_msg_check(&msg, &err) != 0);
}

int
main(void)
{
	GW_RUN(test_reasm_order_and_duplicates);
	GW_RUN(test_reasm_totals);
	GW_RUN(test_reasm_bounds);
	GW_RUN(test_skf_seal_open);
	GW_RUN(test_skf_parse_rules);
	return gw_test_result();
}
