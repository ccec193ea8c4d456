/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gdoi builder: never writes past the caller's buffer (every sample built
 * into every smaller capacity fails with -ENOSPC and leaves the guard octets
 * alone), computes every length and count, refuses misplaced calls, lengths
 * that do not fit their field; and the name tables cover every number used.
 */

#include <errno.h>
#include <string.h>

#include "gdoi_build.h"
#include "gdoi_names.h"
#include "gdoi_samples.h"
#include "gw_test.h"

#define GUARD 0xee

static uint8_t buf[70000], src[65536];
static struct gdoi_msg msg;
static struct gdoi_perr err;

static void
test_enospc_every_capacity(void)
{
	unsigned int i;

	for (i = 0; i < gdoi_nsamples; i++) {
		const struct gdoi_sample *s = &gdoi_samples[i];
		size_t full = 0, cap, len, k;

		CHECK_EQ(s->build(buf, sizeof(buf), true, &full), 0);
		for (cap = 0; cap < full; cap++) {
			bool guard_ok = true;

			memset(buf, GUARD, full + 16);
			CHECK_EQ(s->build(buf, cap, true, &len), -ENOSPC);
			for (k = cap; k < full + 16; k++)
				guard_ok = guard_ok && buf[k] == GUARD;
			CHECK(guard_ok);
		}
		CHECK_EQ(s->build(buf, full, true, &len), 0);
		CHECK_EQ(len, full);
	}
}

/* Lengths and counts computed by the builder, read back raw. */
static void
test_lengths_written(void)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_PULL, .msgid = 0x01020304 };
	struct gdoi_bld b;
	size_t len = 0;

	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_GDOI, 0, true);	/* 4 + 12 */
	gdoi_bld_begin(&b, GDOI_PL_GAP);		/* 4 */
	gdoi_bld_attr_tv(&b, GDOI_GAP_ACTIVATION_TIME_DELAY, 5);	/* 4 */
	gdoi_bld_end(&b);
	gdoi_bld_end(&b);
	gdoi_bld_kd_begin(&b);				/* 8 */
	gdoi_bld_kp_begin(&b, GDOI_KD_TEK, "\1\2\3\4", 4);	/* 5 + 4 */
	gdoi_bld_attr_tlv(&b, GDOI_KD_TEK_ALGORITHM_KEY, "abc", 3);	/* 7 */
	gdoi_bld_end(&b);
	gdoi_bld_end(&b);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	CHECK_EQ(len, 28 + 16 + 8 + 8 + 16);
	CHECK_EQ(buf[16], GDOI_PL_SA);
	CHECK_EQ(buf[17], GDOI_ISAKMP_VERSION);
	CHECK_EQ(buf[20], 1);
	CHECK_EQ(buf[27], len);
	CHECK_EQ(buf[28], GDOI_PL_KD);			/* SA's Next Payload */
	CHECK_EQ(buf[31], 24);				/* SA length with the GAP */
	CHECK_EQ(buf[40] << 8 | buf[41], GDOI_PL_GAP);	/* SA Attribute Next Payload */
	CHECK_EQ(buf[44], GDOI_PL_NONE);		/* GAP is the last nested */
	CHECK_EQ(buf[47], 8);
	CHECK_EQ(buf[52], GDOI_PL_NONE);		/* KD is the last */
	CHECK_EQ(buf[55], 24);
	CHECK_EQ(buf[57], 1);				/* one key packet */
	CHECK_EQ(buf[60], GDOI_KD_TEK);
	CHECK_EQ(buf[63], 16);				/* key packet length */
	CHECK_EQ(gdoi_msg_parse(buf, len, GDOI_MSG_ANY, 0, &msg, &err), 0);
	CHECK_EQ(msg.npl, 3);
}

static void
test_misuse(void)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_IDPROT };
	struct gdoi_sak sak = { .spi = src };
	struct gdoi_bld b;
	uint8_t big[300] = { 0 };
	size_t len;

	/* a proposal outside an IPsec-layout SA */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	CHECK_EQ(gdoi_bld_prop_begin(&b, 1, 1, NULL, 0), -EINVAL);
	CHECK_EQ(gdoi_bld_data(&b, GDOI_PL_VID, "x", 1), -EINVAL);	/* sticky */
	CHECK_EQ(gdoi_bld_finish(&b, &len), -EINVAL);
	/* a transform outside a proposal, an SA KEK outside a GDOI SA */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_IPSEC, 1, false);
	CHECK_EQ(gdoi_bld_xform_begin(&b, 1, 1), -EINVAL);
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	CHECK_EQ(gdoi_bld_sak_begin(&b, &sak), -EINVAL);
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	CHECK_EQ(gdoi_bld_kp_begin(&b, GDOI_KD_TEK, NULL, 0), -EINVAL);
	/* end with nothing open, finish with something open */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	CHECK_EQ(gdoi_bld_end(&b), -EINVAL);
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_begin(&b, GDOI_PL_VID);
	CHECK_EQ(gdoi_bld_finish(&b, &len), -EINVAL);
	/* a proposal without transforms, a KD without key packets */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_IPSEC, 1, false);
	gdoi_bld_prop_begin(&b, 1, 1, NULL, 0);
	CHECK_EQ(gdoi_bld_end(&b), -EINVAL);
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_kd_begin(&b);
	CHECK_EQ(gdoi_bld_end(&b), -EINVAL);
	/* nesting deeper than the frames */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_GDOI, 0, true);
	gdoi_bld_begin(&b, GDOI_PL_GAP);
	CHECK_EQ(gdoi_bld_begin(&b, GDOI_PL_GAP), -EINVAL);
	/* a payload over 65535 octets, an SA KEK identity over 255 */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_begin(&b, GDOI_PL_VID);
	gdoi_bld_put(&b, src, 65532);
	CHECK_EQ(gdoi_bld_end(&b), -EMSGSIZE);
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_begin(&b, GDOI_PL_VID);
	gdoi_bld_put(&b, src, 65531);
	CHECK_EQ(gdoi_bld_end(&b), 0);
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_sa_begin(&b, GDOI_DOI_GDOI, 0, true);
	sak.src.data.p = big;
	sak.src.data.len = sizeof(big);
	CHECK_EQ(gdoi_bld_sak_begin(&b, &sak), -EMSGSIZE);
}

/* Every number lib/gdoi defines has a name (logs never print bare numbers). */
static void
test_names(void)
{
	static const uint8_t exch[] = { 1, 2, 3, 4, 5, 32, 33, 35 };
	static const uint8_t pls[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17,
				       18, 19, 20, 21, 22 };
	unsigned int i;

	for (i = 0; i < sizeof(exch); i++)
		CHECK(strcmp(gdoi_exch_name(exch[i]), "UNKNOWN") != 0);
	CHECK(strcmp(gdoi_exch_name(34), "UNKNOWN") == 0);
	for (i = 0; i < sizeof(pls); i++)
		CHECK(strcmp(gdoi_pl_name(pls[i]), "UNKNOWN") != 0);
	CHECK(strcmp(gdoi_pl_name(14), "UNKNOWN") == 0);
	for (i = 1; i <= 30; i++)
		CHECK(strcmp(gdoi_notify_name((uint16_t)i), "UNKNOWN") != 0);
	for (i = 0; i < GDOI_PE_MAX; i++)
		CHECK(strcmp(gdoi_perr_name(i), "UNKNOWN") != 0);
	for (i = 0; i < GDOI_MSG_KIND_MAX; i++)
		CHECK(strcmp(gdoi_msg_kind_name(i), "UNKNOWN") != 0);
	for (i = 1; i <= 4; i++) {
		CHECK(strcmp(gdoi_proto_name((uint8_t)i), "UNKNOWN") != 0);
		CHECK(strcmp(gdoi_kd_type_name((uint8_t)i), "UNKNOWN") != 0);
	}
	for (i = 1; i <= 3; i++)
		CHECK(strcmp(gdoi_tek_proto_name((uint8_t)i), "UNKNOWN") != 0);
	for (i = 0; i <= 2; i++)
		CHECK(strcmp(gdoi_doi_name(i), "UNKNOWN") != 0);
	CHECK(strcmp(gdoi_id_type_name(GDOI_ID_KEY_ID), "ID_KEY_ID") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_KEK, GDOI_KEK_ACK_REQUESTED),
		     "KEK_ACK_REQUESTED") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_GAP, GDOI_GAP_D3P_WINDOWSIZE_DEFAULT),
		     "D3P-WINDOWSIZE") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_IPSEC, GDOI_IPSEC_SA_DIRECTION),
		     "SA_DIRECTION") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_IKE, GDOI_IKE_GROUP_DESCRIPTION),
		     "GROUP_DESCRIPTION") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_KD_TEK, 2), "TEK_INTEGRITY_KEY") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_KD_KEK, 2), "SIG_ALGORITHM_KEY") == 0);
	CHECK(strcmp(gdoi_attr_name(GDOI_AC_KD_SID, 1), "NUMBER_OF_SID_BITS") == 0);
	CHECK(strcmp(gdoi_notify_name(GDOI_N_DPD_R_U_THERE), "R-U-THERE") == 0);
}

int
main(void)
{
	GW_RUN(test_enospc_every_capacity);
	GW_RUN(test_lengths_written);
	GW_RUN(test_misuse);
	GW_RUN(test_names);
	return gw_test_result();
}
