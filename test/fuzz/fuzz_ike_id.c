/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/ike/cert's ID payload decoder (RFC 7296 3.5):
 * ike_id_decode on the input as an ID payload body; a decoded identity must
 * encode back to the same octets (RESERVED zeroed), print (only a DN may be
 * truncated), and equal itself.
 * No EAL.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_id.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[IKE_ID_HDR_LEN + IKE_ID_DATA_MAX];
	static struct ike_id id, back;
	char text[IKE_ID_TEXT_MAX];
	const char *why = NULL;
	size_t len = 0;
	int n;

	if (ike_id_decode(data, size, &id, &why) < 0) {
		if (why == NULL)
			abort();	/* every refusal has a reason */
		return 0;
	}
	if (ike_id_encode(&id, out, sizeof(out), &len) != 0 || len != size ||
	    out[0] != data[0] || memcmp(out + IKE_ID_HDR_LEN, data + IKE_ID_HDR_LEN,
					size - IKE_ID_HDR_LEN) != 0)
		abort();
	n = ike_id_to_text(&id, text, sizeof(text));
	/* only a DN may outgrow IKE_ID_TEXT_MAX; the text is terminated anyway */
	if ((n < 0 && (n != -ENOSPC || id.type != IKE_IDTYPE_DER_ASN1_DN)) ||
	    strlen(text) >= sizeof(text))
		abort();
	if (ike_id_decode(out, len, &back, &why) != 0 || !ike_id_equal(&id, &back))
		abort();
	return 0;
}
