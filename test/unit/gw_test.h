/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_TEST_H
#define GW_TEST_H

/*
 * Minimal unit-test helpers. A test program runs its cases with GW_RUN(),
 * each CHECK failure prints file:line and the expression, and main returns
 * gw_test_result(), non-zero if anything failed.
 */

#include <stdio.h>
#include <string.h>

static int gw_test_failures;
static int gw_test_cases;
static int gw_test_case_failed;

#define CHECK(expr) do { \
	if (!(expr)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
		gw_test_failures++; \
		gw_test_case_failed = 1; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != %lld)\n", \
			__FILE__, __LINE__, #a, #b, _a, _b); \
		gw_test_failures++; \
		gw_test_case_failed = 1; \
	} \
} while (0)

#define CHECK_MEM(a, b, n) do { \
	if (memcmp((a), (b), (n)) != 0) { \
		fprintf(stderr, "%s:%d: CHECK_MEM failed: %s vs %s (%zu bytes)\n", \
			__FILE__, __LINE__, #a, #b, (size_t)(n)); \
		gw_test_failures++; \
		gw_test_case_failed = 1; \
	} \
} while (0)

#define GW_RUN(fn) do { \
	gw_test_case_failed = 0; \
	gw_test_cases++; \
	fn(); \
	printf("%s %s\n", gw_test_case_failed ? "FAIL" : "ok  ", #fn); \
} while (0)

static inline int
gw_test_result(void)
{
	printf("%d cases, %d check failures\n", gw_test_cases, gw_test_failures);
	return gw_test_failures != 0;
}

#endif /* GW_TEST_H */
