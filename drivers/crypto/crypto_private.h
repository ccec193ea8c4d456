/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CRYPTO_PRIVATE_H
#define GW_CRYPTO_PRIVATE_H

/* Shared by the engines of drivers/crypto; not part of the contract. */

#include <stdint.h>
#include <string.h>

#include "gw_crypto.h"

/* Ops handled per round of job submission (fixed scratch arrays, no VLAs). */
#define GW_CRYPTO_BURST 64

extern const struct gw_crypto_engine gw_crypto_engine_ipsecmb;
extern const struct gw_crypto_engine gw_crypto_engine_openssl;

/* The head of every engine's session: catches a session fed to the wrong engine. */
struct gw_crypto_session {
	const struct gw_crypto_engine *engine;
};

/*
 * Constant-time inequality of two ICVs: 0 if equal, 1 otherwise. Eight bytes
 * a step; the empty asm keeps the compiler from ending the loop at the first
 * difference. (A volatile accumulator did the same by a store and a reload
 * per byte: a 16-byte GCM tag cost some 90 cycles, 15 % of a 64 B decrypt.)
 */
static inline int
gw_crypto_ct_differ(const uint8_t *a, const uint8_t *b, unsigned int n)
{
	uint64_t d = 0, x, y;
	unsigned int i = 0;

	for (; i + sizeof(x) <= n; i += sizeof(x)) {
		memcpy(&x, a + i, sizeof(x));
		memcpy(&y, b + i, sizeof(y));
		d |= x ^ y;
		__asm__ volatile("" : "+r"(d));
	}
	for (; i < n; i++) {
		d |= (uint64_t)(a[i] ^ b[i]);
		__asm__ volatile("" : "+r"(d));
	}
	return (int)((d | (0 - d)) >> 63);
}

/* Wipe key material where the compiler may not elide it. */
static inline void
gw_crypto_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

/*
 * RFC 4303 section 2.2.1: with ESN the high 32 bits are appended to the MAC
 * input. The ICV space right after the authenticated region holds them while
 * the MAC runs (it is written or read afterwards), so the ICV must directly
 * follow [auth_start, auth_start + auth_len) - the ESP layout.
 */
static inline int
gw_crypto_esn_in_place(const struct gw_crypto_op *op)
{
	return op->icv == op->buf + op->auth_start + op->auth_len;
}

#endif /* GW_CRYPTO_PRIVATE_H */
