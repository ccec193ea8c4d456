/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ipsecmb engine's code path (system.dataplane.crypto-arch): names, the
 * CPU features each path needs (on made-up feature masks, so that a refusal
 * is checked on any CPU), the refusal of a path this CPU lacks (when there
 * is one), the path fixed once a manager exists, and an engine without code
 * paths. The known answers on each path are crypto-kat-<arch>,
 * crypto-cross-<arch> and crypto-lcore-<arch> (the same programs, --arch).
 */
#include <errno.h>
#include <stdio.h>

#include <intel-ipsec-mb.h>

#include "gw_test.h"
#include "gw_crypto.h"

static const char *const names[] = { "auto", "avx512", "avx2", "avx", "sse" };

static void
test_names(void)
{
	enum gw_crypto_arch a;

	CHECK_EQ(sizeof(names) / sizeof(names[0]), GW_CRYPTO_ARCH_MAX);
	for (unsigned int i = 0; i < GW_CRYPTO_ARCH_MAX; i++) {
		CHECK_EQ(gw_crypto_arch_parse(names[i], &a), 0);
		CHECK_EQ(a, i);
		CHECK(strcmp(gw_crypto_arch_name(a), names[i]) == 0);
	}
	CHECK_EQ(gw_crypto_arch_parse("avx1024", &a), -EINVAL);
	CHECK_EQ(gw_crypto_arch_parse(NULL, &a), -EINVAL);
	CHECK(gw_crypto_arch_name(GW_CRYPTO_ARCH_MAX) == NULL);
}

static void
expect_missing(enum gw_crypto_arch arch, uint64_t features, const char *want)
{
	char buf[160];
	unsigned int n = gw_crypto_arch_missing(arch, features, buf, sizeof(buf)), words = 0;

	if (strcmp(buf, want) != 0)
		fprintf(stderr, "  %s: missing '%s', expected '%s'\n", gw_crypto_arch_name(arch),
			buf, want);
	CHECK(strcmp(buf, want) == 0);
	for (const char *p = want; *p != '\0'; p++)
		words += p == want || p[-1] == ' ';
	CHECK_EQ(n, words);
}

/* Made-up CPUs: the features each path needs, named as /proc/cpuinfo does. */
static void
test_missing_features(void)
{
	char small[8];

	expect_missing(GW_CRYPTO_ARCH_AUTO, 0, "");
	expect_missing(GW_CRYPTO_ARCH_AVX512, IMB_CPUFLAGS_AVX512, "");
	expect_missing(GW_CRYPTO_ARCH_AVX512, IMB_CPUFLAGS_AVX2,
		       "avx512f avx512dq avx512cd avx512bw avx512vl");
	expect_missing(GW_CRYPTO_ARCH_AVX512,
		       IMB_CPUFLAGS_AVX512 & ~(IMB_FEATURE_AVX512VL | IMB_FEATURE_BMI2),
		       "bmi2 avx512vl");
	expect_missing(GW_CRYPTO_ARCH_AVX2, IMB_CPUFLAGS_AVX, "avx2 bmi2");
	expect_missing(GW_CRYPTO_ARCH_AVX2, IMB_CPUFLAGS_AVX2, "");
	expect_missing(GW_CRYPTO_ARCH_AVX, IMB_CPUFLAGS_SSE, "avx");
	expect_missing(GW_CRYPTO_ARCH_SSE, IMB_CPUFLAGS_NO_AESNI, "aes pclmulqdq");
	expect_missing(GW_CRYPTO_ARCH_SSE, 0, "cmov sse4_2 aes pclmulqdq");
	/* A short buffer is cut, still terminated; the count is the whole. */
	CHECK_EQ(gw_crypto_arch_missing(GW_CRYPTO_ARCH_AVX512, 0, small, sizeof(small)), 12);
	CHECK_EQ(strnlen(small, sizeof(small)), sizeof(small) - 1);
}

/*
 * On this CPU: every path it lacks is refused by name, before any manager
 * is made (the paths it has still start afterwards); the first path that
 * starts is fixed; another one is then -EBUSY.
 */
static void
test_this_cpu(void)
{
	const struct gw_crypto_engine *mb = gw_crypto_engine_get("ipsecmb");
	enum gw_crypto_arch first = GW_CRYPTO_ARCH_MAX, other = GW_CRYPTO_ARCH_MAX;
	char why[160];
	unsigned int refused = 0;

	for (unsigned int a = GW_CRYPTO_ARCH_AVX512; a < GW_CRYPTO_ARCH_MAX; a++) {
		if (gw_crypto_arch_check(a, why, sizeof(why)) == 0) {
			printf("  %s: this CPU has what it needs\n", names[a]);
			if (first == GW_CRYPTO_ARCH_MAX)
				first = a;
			else if (other == GW_CRYPTO_ARCH_MAX)
				other = a;
			continue;
		}
		printf("  %s: refused, this CPU lacks %s\n", names[a], why);
		CHECK(why[0] != '\0');
		CHECK_EQ(gw_crypto_engine_init(mb, a), -ENOTSUP);
		CHECK_EQ(gw_crypto_ipsecmb_set_arch(a), -ENOTSUP);
		refused++;
	}
	if (refused == 0)
		printf("  every forced path runs on this CPU: no real refusal to check "
		       "(test_missing_features covers the rule)\n");
	CHECK_EQ(gw_crypto_arch_check(GW_CRYPTO_ARCH_AUTO, why, sizeof(why)), 0);
	CHECK_EQ(gw_crypto_arch_check(GW_CRYPTO_ARCH_MAX, why, sizeof(why)), -EINVAL);
	if (first == GW_CRYPTO_ARCH_MAX) {
		printf("  no forced path runs here: fixing a path not checked\n");
		return;
	}
	CHECK_EQ(gw_crypto_engine_init(mb, first), 0);
	CHECK(strcmp(gw_crypto_ipsecmb_thread_arch(), names[first]) == 0);
	CHECK_EQ(gw_crypto_engine_init(mb, first), 0);	/* the same again: fine */
	CHECK_EQ(gw_crypto_engine_init(mb, GW_CRYPTO_ARCH_AUTO), -EBUSY);
	if (other != GW_CRYPTO_ARCH_MAX)
		CHECK_EQ(gw_crypto_ipsecmb_set_arch(other), -EBUSY);
	CHECK(strcmp(gw_crypto_ipsecmb_thread_arch(), names[first]) == 0);
}

/* openssl has no code path: only auto. */
static void
test_engine_without_paths(void)
{
	const struct gw_crypto_engine *ossl = gw_crypto_engine_get("openssl");

	CHECK(ossl->set_arch == NULL);
	CHECK_EQ(gw_crypto_engine_init(ossl, GW_CRYPTO_ARCH_SSE), -EINVAL);
	CHECK_EQ(gw_crypto_engine_init(ossl, GW_CRYPTO_ARCH_AUTO), 0);
}

int
main(void)
{
	GW_RUN(test_names);
	GW_RUN(test_missing_features);
	GW_RUN(test_this_cpu);
	GW_RUN(test_engine_without_paths);
	return gw_test_result();
}
