/* SPDX-License-Identifier: BSD-3-Clause */
/* IP-D3P (draft-weis-delay-detection-01) header and window check. */

#include "gw_test.h"
#include "gw_tbar.h"

struct tbar_case {
	const char *name;
	uint32_t ts_sec, ts_usec;	/* sender */
	uint32_t tr_sec, tr_usec;	/* receiver */
	uint32_t window_ms;
	enum gw_drop want;
};

static const struct tbar_case cases[] = {
	{ "same-time", 1000, 0, 1000, 0, 1000, GW_DROP_NONE },
	{ "sender-ahead-in", 1000, 400000, 1000, 0, 1000, GW_DROP_NONE },
	{ "sender-behind-in", 999, 600000, 1000, 0, 1000, GW_DROP_NONE },
	/* exactly at the edges: +-W/2 accepted, one ms beyond dropped */
	{ "edge-new", 1000, 500000, 1000, 0, 1000, GW_DROP_NONE },
	{ "edge-new+1", 1000, 501000, 1000, 0, 1000, GW_DROP_TBAR_TOO_NEW },
	{ "edge-old", 999, 500000, 1000, 0, 1000, GW_DROP_NONE },
	{ "edge-old-1", 999, 499000, 1000, 0, 1000, GW_DROP_TBAR_TOO_OLD },
	/* sub-millisecond precision is truncated on both sides */
	{ "edge-new-usec", 1000, 500999, 1000, 0, 1000, GW_DROP_NONE },
	/* skewed clocks: sender 10 s ahead / behind with a 5 s window */
	{ "skew-ahead", 1010, 0, 1000, 0, 5000, GW_DROP_TBAR_TOO_NEW },
	{ "skew-behind", 990, 0, 1000, 0, 5000, GW_DROP_TBAR_TOO_OLD },
	/* odd window: W/2 rounds down */
	{ "odd-window", 1000, 2000, 1000, 0, 5, GW_DROP_NONE },
	{ "odd-window-out", 1000, 3000, 1000, 0, 5, GW_DROP_TBAR_TOO_NEW },
	/* wrap of the 32-bit seconds: Tr = 2^32-1, Ts = 1, W = 5 s (draft 2.3) */
	{ "wrap-new", 1, 0, UINT32_MAX, 0, 5000, GW_DROP_NONE },
	{ "wrap-new-edge", 1, 500000, UINT32_MAX, 0, 5000, GW_DROP_NONE },
	{ "wrap-too-new", 1, 501000, UINT32_MAX, 0, 5000, GW_DROP_TBAR_TOO_NEW },
	{ "wrap-old", UINT32_MAX, 0, 1, 0, 5000, GW_DROP_NONE },
	{ "wrap-old-edge", UINT32_MAX - 1, 500000, 1, 0, 5000, GW_DROP_NONE },
	{ "wrap-too-old", UINT32_MAX - 1, 499000, 1, 0, 5000, GW_DROP_TBAR_TOO_OLD },
	/* half a ring away: never accepted */
	{ "half-ring", 0x80000000u, 0, 0, 0, 60000, GW_DROP_TBAR_TOO_NEW },
	{ "half-ring+1", 0x80000001u, 0, 0, 0, 60000, GW_DROP_TBAR_TOO_OLD },
	{ "window-zero-exact", 1000, 0, 1000, 999, 0, GW_DROP_NONE },
	{ "window-zero-off", 1000, 1000, 1000, 0, 0, GW_DROP_TBAR_TOO_NEW },
};

static void
test_window(void)
{
	uint8_t hdr[GW_TBAR_HDR_LEN], nh;
	unsigned int i;
	enum gw_drop got;

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct tbar_case *c = &cases[i];

		gw_tbar_write(hdr, 4, c->ts_sec, c->ts_usec);
		nh = 0;
		got = gw_tbar_check(hdr, sizeof(hdr), c->tr_sec, c->tr_usec,
				    c->window_ms / 2, &nh);
		if (got != c->want) {
			fprintf(stderr, "case %s: got %d want %d\n", c->name, got, c->want);
			CHECK(0);
		}
		if (got == GW_DROP_NONE)
			CHECK_EQ(nh, 4);
	}
}

static void
test_wire(void)
{
	static const uint8_t want[GW_TBAR_HDR_LEN] = {
		0x29, 0x01, 0x00, 0x0c, 0x12, 0x34, 0x56, 0x78, 0x00, 0x0f, 0x42, 0x3f };
	uint8_t hdr[GW_TBAR_HDR_LEN + 1], nh;

	gw_tbar_write(hdr + 1, 41, 0x12345678, 999999);	/* unaligned on purpose */
	CHECK_MEM(hdr + 1, want, sizeof(want));
	CHECK_EQ(gw_tbar_check(hdr + 1, GW_TBAR_HDR_LEN, 0x12345678, 999999, 0, &nh),
		 GW_DROP_NONE);
	CHECK_EQ(nh, 41);
}

static void
test_malformed(void)
{
	uint8_t hdr[GW_TBAR_HDR_LEN], nh;

	gw_tbar_write(hdr, 4, 1000, 0);
	CHECK_EQ(gw_tbar_check(hdr, 11, 1000, 0, 500, &nh), GW_DROP_TBAR_MISSING);
	hdr[1] = 2;	/* unknown type */
	CHECK_EQ(gw_tbar_check(hdr, 12, 1000, 0, 500, &nh), GW_DROP_TBAR_MISSING);
	hdr[1] = 1;
	hdr[3] = 16;	/* wrong length */
	CHECK_EQ(gw_tbar_check(hdr, 12, 1000, 0, 500, &nh), GW_DROP_TBAR_MISSING);
	gw_tbar_write(hdr, 4, 1000, 1000000);	/* usec out of range */
	CHECK_EQ(gw_tbar_check(hdr, 12, 1000, 0, 500, &nh), GW_DROP_TBAR_MISSING);
}

static void
test_diff(void)
{
	CHECK_EQ(gw_tbar_diff_ms(1, 0, UINT32_MAX, 0), 2000);
	CHECK_EQ(gw_tbar_diff_ms(UINT32_MAX, 0, 1, 0), -2000);
	CHECK_EQ(gw_tbar_diff_ms(5, 250000, 5, 0), 250);
	CHECK_EQ(gw_tbar_diff_ms(4, 750000, 5, 0), -250);
}

int
main(void)
{
	GW_RUN(test_wire);
	GW_RUN(test_window);
	GW_RUN(test_malformed);
	GW_RUN(test_diff);
	return gw_test_result();
}
