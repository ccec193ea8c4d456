/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CRYPTO_H
#define GW_CRYPTO_H

/*
 * Crypto engines behind one small interface. An engine turns an SA's keys
 * into a session once (at SA install), then works on bursts of contiguous
 * buffers. Engines verify the ICV themselves, in constant time.
 */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

enum gw_cipher {
	GW_CIPHER_NULL = 0,	/* RFC 2410 */
	GW_CIPHER_AES_CBC,	/* RFC 3602, 128/192/256 */
	GW_CIPHER_AES_GCM16,	/* RFC 4106, 128/256, 4-byte salt after the key */
	GW_CIPHER_CHACHA20_POLY1305,	/* RFC 7634, 4-byte salt after the key */
	GW_CIPHER_3DES_CBC,	/* legacy */
	GW_CIPHER_DES_CBC,	/* legacy */
	GW_CIPHER_MAX
};

enum gw_auth {
	GW_AUTH_NONE = 0,	/* only with an AEAD cipher */
	GW_AUTH_HMAC_MD5_96,
	GW_AUTH_HMAC_SHA1_96,
	GW_AUTH_HMAC_SHA256_128,	/* RFC 4868 */
	GW_AUTH_HMAC_SHA384_192,
	GW_AUTH_HMAC_SHA512_256,
	GW_AUTH_MAX
};

#define GW_CRYPTO_MAX_KEY 64	/* cipher key incl. salt; HMAC keys up to 64 */
#define GW_CRYPTO_MAX_ICV 32
#define GW_CRYPTO_MAX_IV 16

/*
 * The algorithm table (crypto_names.c): one row per algorithm with its name
 * as in the configuration, key length, ESP sizes and the engines that
 * implement it. Everything below reads it.
 */

/* Every name, in table order, NULL-terminated: the configuration's choices. */
extern const char *const gw_cipher_names[];
extern const char *const gw_auth_names[];

/* Names as in the configuration ("aes-128-gcm", "hmac-sha1-96"): 0 / -EINVAL. */
int gw_cipher_parse(const char *name, enum gw_cipher *cipher, unsigned int *key_len);
int gw_auth_parse(const char *name, enum gw_auth *auth, unsigned int *key_len);
const char *gw_cipher_name(enum gw_cipher cipher, unsigned int key_len);
const char *gw_auth_name(enum gw_auth auth);

/* Wire sizes for ESP. */
unsigned int gw_cipher_iv_len(enum gw_cipher cipher);	/* IV on the wire */
unsigned int gw_cipher_block_len(enum gw_cipher cipher);	/* padding alignment (>= 4) */
unsigned int gw_cipher_salt_len(enum gw_cipher cipher);	/* 4 for GCM/ChaCha, else 0 */
unsigned int gw_icv_len(enum gw_cipher cipher, enum gw_auth auth);
bool gw_cipher_is_aead(enum gw_cipher cipher);

struct gw_crypto_params {
	enum gw_cipher cipher;
	enum gw_auth auth;
	uint8_t cipher_key[GW_CRYPTO_MAX_KEY];	/* key || salt for AEAD */
	unsigned int cipher_key_len;		/* incl. salt */
	uint8_t auth_key[GW_CRYPTO_MAX_KEY];
	unsigned int auth_key_len;
	bool encrypt;				/* direction of the session */
};

/*
 * One operation on a contiguous buffer. ESP layout (RFC 4303):
 *   aad: for AEAD, SPI||SEQ (8 bytes) or SPI||ESN-hi||SEQ-lo (12 bytes);
 *        for cipher+HMAC the authenticated data is [auth_start, auth_start+auth_len)
 *        and the ESN high bits, if any, are in esn_hi (appended to the MAC input
 *        as RFC 4303 section 2.2.1 says).
 *   iv:  the IV as on the wire (8 bytes for GCM/ChaCha: nonce = salt||iv).
 *   cipher region [cipher_start, cipher_start+cipher_len) is en/decrypted in place.
 *   icv: where the ICV is written (encrypt) or read and compared (decrypt).
 */
struct gw_crypto_op {
	uint8_t *buf;
	uint32_t cipher_start;
	uint32_t cipher_len;
	uint32_t auth_start;		/* cipher+HMAC only */
	uint32_t auth_len;
	const uint8_t *iv;
	const uint8_t *aad;		/* AEAD only */
	uint32_t aad_len;
	uint32_t esn_hi;		/* network order; used when has_esn */
	bool has_esn;
	uint8_t *icv;
	int status;			/* out: 0, -EBADMSG (ICV mismatch), -EINVAL */
};

struct gw_crypto_session;	/* opaque, engine-specific */

/*
 * Code path of the ipsecmb engine (system.dataplane.crypto-arch), chosen at
 * run time. AUTO: the library's pick for this CPU (init_mb_mgr_auto); the
 * others force init_mb_mgr_<arch> and are refused when the CPU lacks a
 * feature that path needs - never replaced by another path.
 */
enum gw_crypto_arch {
	GW_CRYPTO_ARCH_AUTO = 0,	/* same order as the configuration's choices */
	GW_CRYPTO_ARCH_AVX512,
	GW_CRYPTO_ARCH_AVX2,
	GW_CRYPTO_ARCH_AVX,
	GW_CRYPTO_ARCH_SSE,
	GW_CRYPTO_ARCH_MAX
};

/* "auto", "avx512", "avx2", "avx", "sse" by enum, NULL-terminated. */
extern const char *const gw_crypto_arch_names[];
/* "auto", "avx512", "avx2", "avx", "sse"; NULL out of range. */
const char *gw_crypto_arch_name(enum gw_crypto_arch arch);
int gw_crypto_arch_parse(const char *name, enum gw_crypto_arch *arch);	/* 0 / -EINVAL */

/*
 * CPU features arch needs that `features` (an IMB_FEATURE_* mask, as
 * imb_get_feature_flags() returns) lacks, written to buf as /proc/cpuinfo
 * names them ("avx512f avx512bw"); returns how many (0 for AUTO).
 */
unsigned int gw_crypto_arch_missing(enum gw_crypto_arch arch, uint64_t features, char *buf,
				    size_t len);

/* Can this CPU run arch? 0, or -ENOTSUP with the missing features in why. */
int gw_crypto_arch_check(enum gw_crypto_arch arch, char *why, size_t len);

struct gw_crypto_engine {
	const char *name;		/* "ipsecmb", "openssl" */
	/*
	 * Code path (NULL: the engine has none, only AUTO). Before probe and any
	 * session; 0, -ENOTSUP (the CPU lacks a feature, logged by name) or
	 * -EBUSY (the engine already runs on another path).
	 */
	int (*set_arch)(enum gw_crypto_arch arch);
	/* Probe: can the engine run here? Called once. 0 or -ENOTSUP. */
	int (*probe)(void);
	/* Per-lcore set-up (e.g. a private IPsec-MB copy); called on that lcore. */
	int (*lcore_init)(unsigned int lcore_id);
	bool (*supports)(enum gw_cipher cipher, unsigned int key_len, enum gw_auth auth);
	struct gw_crypto_session *(*session_create)(const struct gw_crypto_params *p);
	void (*session_destroy)(struct gw_crypto_session *s);	/* wipes keys */
	/* Process n ops; each op->status set. Returns the count of ops with status 0. */
	unsigned int (*process)(struct gw_crypto_session *s, struct gw_crypto_op *ops,
				unsigned int n);
};

/* The engines, as the algorithm table's engine columns name them. */
enum gw_crypto_engine_id {
	GW_CRYPTO_IPSECMB = 0,
	GW_CRYPTO_OPENSSL,
	GW_CRYPTO_ENGINE_MAX
};
#define GW_CRYPTO_ENGINE_BIT(id) (1u << (id))

/* "ipsecmb", "openssl" by enum gw_crypto_engine_id, NULL-terminated. */
extern const char *const gw_crypto_engine_names[];

/*
 * Does the algorithm table give engine this combination, and is it a valid
 * ESP transform (gw_crypto_params_valid() with the table's key lengths)?
 * An engine's supports() starts from this, then adds what only it knows at
 * run time (a provider that did not load).
 */
bool gw_crypto_alg_supported(enum gw_crypto_engine_id engine, enum gw_cipher cipher,
			     unsigned int key_len, enum gw_auth auth);

/* Registered engines by name: "ipsecmb" (default, also for NULL) and "openssl". */
const struct gw_crypto_engine *gw_crypto_engine_get(const char *name);

/*
 * Start an engine: set its code path (an engine without one takes only
 * AUTO), then probe. 0 or -errno (a refused code path is logged with its reason).
 */
int gw_crypto_engine_init(const struct gw_crypto_engine *e, enum gw_crypto_arch arch);

/* HMAC key length for an auth algorithm (0 for none). */
unsigned int gw_auth_key_len(enum gw_auth auth);

/*
 * Is this combination a valid ESP transform with the right key lengths?
 * AEAD ciphers take GW_AUTH_NONE; the others need an HMAC (no
 * confidentiality-only ESP, no NULL+none). Engines call it in session_create.
 */
bool gw_crypto_params_valid(const struct gw_crypto_params *p);

/*
 * IPsec-MB per-lcore library copies (drivers/crypto/README.md). The
 * "ipsecmb" engine's lcore_init(lcore_id), called on the thread that will
 * process, gives that thread its own dlmopen() copy of libIPSec_MB; threads
 * that never called it use a manager from the normally linked library.
 */
enum gw_crypto_mb_copy {
	GW_CRYPTO_MB_NONE = 0,		/* lcore_init not called for this lcore */
	GW_CRYPTO_MB_PRIVATE,		/* own library copy */
	GW_CRYPTO_MB_SHARED_COPY,	/* a copy shared round-robin (limit reached) */
	GW_CRYPTO_MB_LINKED,		/* the normally linked library (dlmopen failed) */
};

/* What lcore_id got from lcore_init (lcore_id < GW_CRYPTO_MB_MAX_LCORE). */
#define GW_CRYPTO_MB_MAX_LCORE 128
enum gw_crypto_mb_copy gw_crypto_ipsecmb_lcore_copy(unsigned int lcore_id);

/* Index of the library copy the calling thread uses, -1 for the linked one. */
int gw_crypto_ipsecmb_thread_copy(void);

/*
 * Cap on private copies (default 10: glibc's static TLS runs out at 11; with
 * GLIBC_TUNABLES=glibc.rtld.nns=16 set at process start, 15 load). Set before
 * the first lcore_init. Returns the cap in effect.
 */
unsigned int gw_crypto_ipsecmb_set_max_copies(unsigned int n);

/* Number of private copies loaded so far. */
unsigned int gw_crypto_ipsecmb_copies(void);

/*
 * The ipsecmb engine's set_arch: every IPsec-MB manager made afterwards (the
 * key set-up one, each lcore's in its private copy, each other thread's from
 * the linked library) is initialised on that path. The path is fixed once
 * the first manager exists: another one is then -EBUSY.
 */
int gw_crypto_ipsecmb_set_arch(enum gw_crypto_arch arch);

/* Code path the calling thread's manager runs ("avx512", ..., "no-aesni"); NULL if none. */
const char *gw_crypto_ipsecmb_thread_arch(void);

/*
 * Raw IPsec-MB cost of one operation (no session layer, no I/O), with the
 * calling thread's manager (its code path, its private copy after
 * lcore_init): the baseline benchmarks print next to their own per-packet
 * cost. size: payload bytes, a multiple of 16 up to 9216.
 * 0 or -errno; *ns_per_op set on success.
 *
 * gw_crypto_raw_cost(): every op on one buffer, hot in L1 (IV, AAD and tag
 * apart from it).
 */
enum gw_crypto_raw_op {
	GW_CRYPTO_RAW_GCM128_ENC,	/* direct API, 8-byte AAD, 16-byte tag */
	GW_CRYPTO_RAW_CBC128_SHA1_ENC,	/* job API, HMAC-SHA1-96 over SPI..payload */
};
int gw_crypto_raw_cost(enum gw_crypto_raw_op op, unsigned int size, unsigned int iters,
		       double *ns_per_op);

/*
 * gw_crypto_raw_cost_set(): the same over nbufs buffers used in turn (op i on
 * buffer i % nbufs), as one gateway burst touches GW_CRYPTO_RAW_BURST mbufs:
 * buffers GW_CRYPTO_RAW_STRIDE bytes apart (more if size does not fit), each
 * ESP-shaped from GW_CRYPTO_RAW_OFFSET: SPI|SEQ (the GCM AAD), IV, payload,
 * ICV written after the payload. nbufs = 1 is gw_crypto_raw_cost().
 */
#define GW_CRYPTO_RAW_BURST 32		/* mbufs of one data-plane burst */
#define GW_CRYPTO_RAW_MAX_BUFS 64
#define GW_CRYPTO_RAW_STRIDE 2176	/* RTE_MBUF_DEFAULT_BUF_SIZE: 2048 + 128 headroom */
#define GW_CRYPTO_RAW_OFFSET (128 + 64)	/* where the ESP header starts in each */
int gw_crypto_raw_cost_set(enum gw_crypto_raw_op op, unsigned int size, unsigned int nbufs,
			   unsigned int iters, double *ns_per_op);

#endif /* GW_CRYPTO_H */
