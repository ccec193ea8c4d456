/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_MSG_H
#define IKE_MSG_H

/*
 * IKEv2 message codec (RFC 7296 section 3): parse and build. Plain C11, no
 * allocation, no DPDK, no OpenSSL: the fuzz harness links it alone.
 *
 * Parsing is validate-then-interpret. ike_msg_parse() first walks the payload
 * chain checking every generic header against the rule table (length within
 * the message, at least the payload's fixed part, critical bit of unknown
 * payloads) before anything reads a payload; only then are the payloads
 * decoded (proposals, transforms, selectors, each bounded by its parent).
 * An SK payload ends the outer chain; after decryption the caller parses the
 * inner chain with ike_msg_parse_inner(). ike_msg_check() then applies the
 * per-exchange payload rules (ike_rules.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike_wire.h"

#define IKE_MAX_PAYLOADS 48
#define IKE_MAX_PROPS 32
#define IKE_MAX_XFS 128
#define IKE_MAX_TS 32
#define IKE_MAX_NONCE 256		/* RFC 7296 3.9: 16..256 */
#define IKE_MIN_NONCE 16
#define IKE_FRAG_MAX 32			/* RFC 7383 fragments of one message we reassemble */

/* A view into the caller's buffer: p, len and the offset from the message start. */
struct ike_span {
	const uint8_t *p;
	uint32_t len;
	uint32_t off;
};

struct ike_hdr {
	uint64_t spi_i, spi_r;		/* host order */
	uint8_t next, version, exch, flags;
	uint32_t msgid, length;
};

struct ike_xf {
	uint8_t type;
	uint16_t id;
	uint16_t key_len;		/* Key Length attribute in bits, 0 = absent */
};

struct ike_prop {
	uint8_t num, proto, spi_size;
	uint8_t spi[8];
	uint16_t first_xf, nxf;		/* msg->xf[first_xf .. +nxf) */
};

struct ike_ts {
	uint8_t type, proto;
	uint16_t sport, eport;
	uint8_t start[16], end[16];	/* 4 octets used for IPv4 */
};

struct ike_pl {
	uint8_t type;
	bool critical;
	bool inner;			/* inside the SK payload */
	struct ike_span body;		/* after the generic header */
	union {
		struct { uint16_t first, n; } sa;		/* msg->prop[] */
		struct { uint16_t group; struct ike_span data; } ke;
		/* body = RestOfIDPayload (what AUTH covers) */
		struct { uint8_t type; struct ike_span data; } id;
		struct { uint8_t method; struct ike_span data; } auth;
		struct { uint8_t encoding; struct ike_span data; } cert;
		struct {
			uint8_t proto, spi_size;
			uint16_t type;
			struct ike_span spi, data;
		} notify;
		struct { uint8_t proto, spi_size; uint16_t n; struct ike_span spis; } del;
		struct { uint16_t first, n; } ts;		/* msg->ts[] */
		/* SK and SKF: IV || ciphertext || ICV (SKF: after the fragment numbers) */
		struct { struct ike_span data; } sk;
	} u;
};

struct ike_msg {
	struct ike_hdr hdr;
	uint32_t len;			/* the whole message as parsed */
	uint16_t npl;
	struct ike_pl pl[IKE_MAX_PAYLOADS];
	uint16_t nprop;
	struct ike_prop prop[IKE_MAX_PROPS];
	uint16_t nxf;
	struct ike_xf xf[IKE_MAX_XFS];
	uint16_t nts;
	struct ike_ts ts[IKE_MAX_TS];
	uint16_t unknown;		/* non-critical unknown payloads skipped */
	int sk_index;			/* index of the SK payload in pl[], -1 = none */
	uint8_t sk_first_inner;		/* SK's next-payload: first inner payload */
	/* sk_index is an SKF payload (RFC 7383): its number, 1..total; 0 = SK */
	uint16_t frag_num, frag_total;
};

/* Why a message was refused, and the notify the RFC answers it with. */
enum ike_perr_code {
	IKE_PERR_OK = 0,
	IKE_PERR_TRUNCATED,		/* shorter than a header or declared length */
	IKE_PERR_BAD_LENGTH,		/* a declared length outside its bounds */
	IKE_PERR_BAD_VERSION,		/* major version not 2 */
	IKE_PERR_CRITICAL,		/* unknown payload with the critical bit */
	IKE_PERR_MALFORMED,		/* a field out of range or inconsistent */
	IKE_PERR_TOO_MANY,		/* more payloads / proposals / ... than we keep */
	IKE_PERR_MISSING,		/* a payload the exchange requires is absent */
	IKE_PERR_UNEXPECTED,		/* a payload the exchange does not allow */
	IKE_PERR_MAX,
};

struct ike_perr {
	enum ike_perr_code code;
	uint32_t off;			/* where in the message */
	uint8_t pl_type;		/* IKE_PERR_CRITICAL: the unknown type */
	char msg[160];
};

const char *ike_perr_name(enum ike_perr_code code);
/* The notify that answers the error (RFC 7296 2.21.1, 3.2, 3.10.1). */
uint16_t ike_perr_notify(enum ike_perr_code code);

/* The IKE header alone: 0 or -EBADMSG with err filled. */
int ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr, struct ike_perr *err);

/* Header and outer payload chain (up to and including an SK payload). */
int ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *msg, struct ike_perr *err);

/*
 * The inner chain of a decrypted SK payload: `plain` (len octets, padding
 * already removed) starting with payload type `first`. Appended to msg's
 * payloads with inner = true. Views point into `plain`, offsets from it.
 */
int ike_msg_parse_inner(const uint8_t *plain, size_t len, uint8_t first, struct ike_msg *msg,
			struct ike_perr *err);

/* Per-exchange payload rules (ike_rules.c), after the inner chain is parsed. */
int ike_msg_check(const struct ike_msg *msg, struct ike_perr *err);

/* First payload of a type (inner or outer), NULL if none; n-th with ike_msg_find_nth. */
const struct ike_pl *ike_msg_find(const struct ike_msg *msg, uint8_t type);
const struct ike_pl *ike_msg_find_nth(const struct ike_msg *msg, uint8_t type, unsigned int n);
/* First notify of a type, NULL if none. */
const struct ike_pl *ike_msg_notify(const struct ike_msg *msg, uint16_t type);
/* First error notify (type < 16384), NULL if none. */
const struct ike_pl *ike_msg_error_notify(const struct ike_msg *msg);

/* ---- builder ---- */

struct ike_bld {
	uint8_t *buf;
	uint32_t cap, len;
	uint32_t np_off;		/* where the next payload's type goes */
	uint8_t first;			/* inner chain: its first type lands here */
	bool inner;
	int err;			/* sticky: -ENOSPC */
};

/* A proposal to send: transforms (type, id, key length in bits or 0). */
struct ike_prop_out {
	uint8_t num, proto, spi_size;
	uint8_t spi[8];
	uint8_t nxf;
	struct ike_xf xf[16];
};

/* Message: header written now, length by ike_bld_finish(). */
void ike_bld_init(struct ike_bld *b, uint8_t *buf, uint32_t cap, const struct ike_hdr *hdr);
/* An inner chain (the SK payload's plaintext): b->first gets the first type. */
void ike_bld_init_inner(struct ike_bld *b, uint8_t *buf, uint32_t cap);
/* A payload of `type` with body (copied); returns its offset or -ENOSPC. */
int ike_bld_payload(struct ike_bld *b, uint8_t type, const void *body, uint32_t len);
/* Open a payload, fill the body with ike_bld_put*, then ike_bld_close(b, off). */
int ike_bld_open(struct ike_bld *b, uint8_t type);
void ike_bld_close(struct ike_bld *b, int off);
void ike_bld_put(struct ike_bld *b, const void *p, uint32_t len);
void ike_bld_put8(struct ike_bld *b, uint8_t v);
void ike_bld_put16(struct ike_bld *b, uint16_t v);
void ike_bld_put32(struct ike_bld *b, uint32_t v);

int ike_bld_sa(struct ike_bld *b, const struct ike_prop_out *props, unsigned int n);
int ike_bld_ke(struct ike_bld *b, uint16_t group, const uint8_t *pub, uint32_t len);
int ike_bld_notify(struct ike_bld *b, uint8_t proto, const uint8_t *spi, uint8_t spi_size,
		   uint16_t type, const void *data, uint32_t len);
int ike_bld_id(struct ike_bld *b, uint8_t pl_type, uint8_t id_type, const void *data,
	       uint32_t len);
int ike_bld_auth(struct ike_bld *b, uint8_t method, const void *data, uint32_t len);
int ike_bld_ts(struct ike_bld *b, uint8_t pl_type, const struct ike_ts *ts, unsigned int n);
int ike_bld_delete(struct ike_bld *b, uint8_t proto, uint8_t spi_size, const uint8_t *spis,
		   uint16_t n);
/* Close the message: set the IKE header length. 0 or -ENOSPC; *len = total. */
int ike_bld_finish(struct ike_bld *b, uint32_t *len);

/* Big-endian helpers. */
static inline uint16_t
ike_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
ike_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
ike_get64(const uint8_t *p)
{
	return (uint64_t)ike_get32(p) << 32 | ike_get32(p + 4);
}

static inline void
ike_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
ike_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
ike_put64(uint8_t *p, uint64_t v)
{
	ike_put32(p, (uint32_t)(v >> 32));
	ike_put32(p + 4, (uint32_t)v);
}

/* ---- names (ike_names.c) for logs and show ---- */
const char *ike_exch_name(uint8_t exch);
const char *ike_pl_name(uint8_t type);
const char *ike_notify_name(uint16_t type);
/* "ENCR_AES_GCM_16", "PRF_HMAC_SHA2_256", ... ; buf used for unknown ids. */
const char *ike_xf_name(uint8_t type, uint16_t id, char *buf, size_t len);
/* One proposal as "AES_GCM_16_128/PRF_HMAC_SHA2_256/MODP_2048" into buf. */
const char *ike_prop_str(const struct ike_xf *xf, unsigned int n, char *buf, size_t len);

#endif /* IKE_MSG_H */
