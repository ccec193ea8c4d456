/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gw_crypto_ct_differ(), the ICV comparison of both engines: equal inputs of
 * every ICV length (and 0) compare equal; one flipped bit anywhere, of any
 * weight, compares unequal, for every length the algorithms use and a few
 * that exercise the byte tail.
 */
#include <string.h>

#include "gw_test.h"
#include "crypto_private.h"

static void
test_equal(void)
{
	uint8_t a[32], b[32];

	for (unsigned int i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 37 + 11);
	for (unsigned int n = 0; n <= sizeof(a); n++)
		CHECK_EQ(gw_crypto_ct_differ(a, b, n), 0);
}

static void
test_one_bit(void)
{
	static const unsigned int lens[] = { 1, 7, 8, 9, 12, 16, 24, 31, 32 };
	uint8_t a[32], b[32];

	for (unsigned int i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 37 + 11);
	for (unsigned int l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
		for (unsigned int pos = 0; pos < lens[l]; pos++)
			for (unsigned int bit = 0; bit < 8; bit++) {
				memcpy(b, a, sizeof(b));
				b[pos] ^= (uint8_t)(1u << bit);
				CHECK_EQ(gw_crypto_ct_differ(a, b, lens[l]), 1);
				/* a difference past n is not looked at */
				if (pos == lens[l] - 1 && lens[l] > 1)
					CHECK_EQ(gw_crypto_ct_differ(a, b, lens[l] - 1), 0);
			}
}

int
main(void)
{
	GW_RUN(test_equal);
	GW_RUN(test_one_bit);
	return gw_test_result();
}
