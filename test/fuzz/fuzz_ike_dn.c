/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/ike/cert's distinguished names: the input as a
 * DER Name (ike_dn_valid, ike_dn_to_text into a large and a small buffer,
 * ike_dn_equal with itself) and as text (ike_dn_from_text; what it encodes
 * must print, and that text must parse back to the same DER). No EAL.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t der[IKE_ID_DATA_MAX], again[IKE_ID_DATA_MAX];
	static char text[4096], printed[IKE_ID_TEXT_MAX * 4];
	char small[16];
	const char *why = NULL;
	size_t len, len2;
	bool valid = ike_dn_valid(data, size);
	int n;

	n = ike_dn_to_text(data, size, printed, sizeof(printed));
	if (valid != (n != -EBADMSG) || (valid && !ike_dn_equal(data, size, data, size)))
		abort();
	if (valid && ike_dn_to_text(data, size, small, sizeof(small)) >= (int)sizeof(small))
		abort();

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (ike_dn_from_text(text, der, sizeof(der), &len, &why) < 0) {
		if (why == NULL)
			abort();
		return 0;
	}
	/* our own encoding prints and reads back identically (escapes included) */
	if (!ike_dn_valid(der, len) || ike_dn_to_text(der, len, printed, sizeof(printed)) < 0)
		abort();
	if (strpbrk(printed, "?") == NULL &&
	    (ike_dn_from_text(printed, again, sizeof(again), &len2, &why) != 0 || len2 != len ||
	     memcmp(again, der, len) != 0))
		abort();
	return 0;
}
