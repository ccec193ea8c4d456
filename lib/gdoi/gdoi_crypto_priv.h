/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal helpers shared by the gdoi_*.c crypto files. */
#ifndef GDOI_CRYPTO_PRIV_H
#define GDOI_CRYPTO_PRIV_H

#include <openssl/evp.h>

#include "gdoi_crypto.h"

const EVP_MD *gdoi_md(enum gdoi_hash h);
/* The EVP cipher; fetched (caller frees with EVP_CIPHER_free). DES comes from
 * OpenSSL's legacy provider, loaded into a private library context. */
EVP_CIPHER *gdoi_evp_cipher(enum gdoi_cipher c);

#endif /* GDOI_CRYPTO_PRIV_H */
