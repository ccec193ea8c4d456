/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw_crypto_raw_cost() / gw_crypto_raw_cost_set(), the benchmarks' raw
 * IPsec-MB baseline: arguments refused, both operations measured on one hot
 * buffer and over a burst's working set (sizes from 16 B to one that needs
 * a stride wider than an mbuf's). Figures are not checked: a benchmark.
 */
#include <errno.h>
#include <stdio.h>

#include "gw_test.h"
#include "gw_crypto.h"

static void
test_refused(void)
{
	double ns = -1;

	CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_GCM128_ENC, 64, 0, 10, &ns), -EINVAL);
	CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_GCM128_ENC, 64, GW_CRYPTO_RAW_MAX_BUFS + 1,
					10, &ns), -EINVAL);
	CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_GCM128_ENC, 60, 32, 10, &ns), -EINVAL);
	CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_GCM128_ENC, 9232, 1, 10, &ns), -EINVAL);
	CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_GCM128_ENC, 64, 32, 0, &ns), -EINVAL);
	CHECK_EQ(gw_crypto_raw_cost_set((enum gw_crypto_raw_op)7, 64, 32, 10, &ns), -EINVAL);
	CHECK_EQ(gw_crypto_raw_cost(GW_CRYPTO_RAW_GCM128_ENC, 64, 10, NULL), -EINVAL);
	CHECK(ns == -1);
}

static void
test_measured(void)
{
	static const unsigned int sizes[] = { 16, 48, 1408, 2048, 9216 };
	static const unsigned int bufs[] = { 1, GW_CRYPTO_RAW_BURST, GW_CRYPTO_RAW_MAX_BUFS };
	double ns = -1;

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (unsigned int b = 0; b < sizeof(bufs) / sizeof(bufs[0]); b++) {
			double g = -1, c = -1;

			CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_GCM128_ENC, sizes[i], bufs[b],
							200, &g), 0);
			CHECK_EQ(gw_crypto_raw_cost_set(GW_CRYPTO_RAW_CBC128_SHA1_ENC, sizes[i],
							bufs[b], 200, &c), 0);
			CHECK(g > 0 && c > 0);
		}
	CHECK_EQ(gw_crypto_raw_cost(GW_CRYPTO_RAW_CBC128_SHA1_ENC, 48, 100, &ns), 0);
	CHECK(ns > 0);
}

int
main(void)
{
	GW_RUN(test_refused);
	GW_RUN(test_measured);
	return gw_test_result();
}
