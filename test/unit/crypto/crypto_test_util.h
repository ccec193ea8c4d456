/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CRYPTO_TEST_UTIL_H
#define CRYPTO_TEST_UTIL_H

/* Helpers shared by the crypto unit tests. */

#include <stdint.h>
#include <stdio.h>
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

/*
 * `test --arch NAME` (meson: crypto-kat-avx2, ...): run on that ipsecmb code
 * path. 0: go on (with no argument, the automatic path); 77, meson's "skipped",
 * with the reason printed, when this CPU cannot run the path; 1 on an error.
 */
static inline int
ct_arch_args(int argc, char **argv)
{
	enum gw_crypto_arch arch = GW_CRYPTO_ARCH_AUTO;
	const char *used;
	char why[160];

	if (argc == 3 && strcmp(argv[1], "--arch") == 0) {
		if (gw_crypto_arch_parse(argv[2], &arch) != 0) {
			fprintf(stderr, "unknown code path '%s'\n", argv[2]);
			return 1;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--arch auto|avx512|avx2|avx|sse]\n", argv[0]);
		return 1;
	}
	if (gw_crypto_arch_check(arch, why, sizeof(why)) != 0) {
		printf("SKIP: the IPsec-MB %s code path needs CPU features this CPU lacks: %s\n",
		       gw_crypto_arch_name(arch), why);
		return 77;
	}
	if (gw_crypto_engine_init(gw_crypto_engine_get("ipsecmb"), arch) != 0)
		return 1;
	used = gw_crypto_ipsecmb_thread_arch();
	printf("ipsecmb: %s code path (crypto-arch %s)\n", used ? used : "none",
	       gw_crypto_arch_name(arch));
	if (used == NULL || (arch != GW_CRYPTO_ARCH_AUTO && strcmp(used, argv[2]) != 0))
		return 1;
	return 0;
}

#endif /* CRYPTO_TEST_UTIL_H */
