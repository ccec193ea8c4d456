/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CRYPTO_TEST_UTIL_H
#define CRYPTO_TEST_UTIL_H

/* Helpers shared by the crypto unit tests. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gw_crypto.h"

/* Hex string -> bytes; returns the length, or -1 if malformed / too long. */
static inline int
ct_hex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex), i;
	unsigned int v;

	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}

/* Session parameters from configuration names and hex keys. */
static inline int
ct_params(struct gw_crypto_params *p, const char *cipher, const char *auth,
	  const char *key, const char *auth_key, bool encrypt)
{
	unsigned int klen, alen;
	int n;

	memset(p, 0, sizeof(*p));
	if (gw_cipher_parse(cipher, &p->cipher, &klen) != 0 ||
	    gw_auth_parse(auth, &p->auth, &alen) != 0)
		return -1;
	n = ct_hex(key, p->cipher_key, sizeof(p->cipher_key));
	if (n != (int)klen)
		return -1;
	p->cipher_key_len = klen;
	if (auth_key != NULL) {
		n = ct_hex(auth_key, p->auth_key, sizeof(p->auth_key));
		if (n != (int)alen)
			return -1;
	}
	p->auth_key_len = alen;
	p->encrypt = encrypt;
	return 0;
}

/* One op through a fresh session; returns the op status. */
static inline int
ct_run(const struct gw_crypto_engine *e, const struct gw_crypto_params *p,
       struct gw_crypto_op *op)
{
	struct gw_crypto_session *s = e->session_create(p);
	unsigned int good;

	if (s == NULL)
		return -1000;
	good = e->process(s, op, 1);
	e->session_destroy(s);
	if ((good == 1) != (op->status == 0))
		return -1001;
	return op->status;
}

static inline void
ct_random(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(rand() >> 7);
}

#endif /* CRYPTO_TEST_UTIL_H */
