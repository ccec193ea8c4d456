/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOI_PRIV_H
#define GDOI_PRIV_H

/*
 * Internal to lib/gdoi: the bounded read cursor and the error helper. Every
 * element is read the same way: its fixed header fits (cur_take copies it
 * out), its declared length is at least that header, at most what is left
 * (cur_sub), then the cross-field checks of the element itself.
 */

#include <stdint.h>
#include <string.h>

#include "gdoi_msg.h"

struct gdoi_cur {
	const uint8_t *base;		/* first octet of the message */
	uint32_t pos;			/* next octet to read, from base */
	uint32_t end;			/* first octet past this element */
};

static inline uint32_t
cur_left(const struct gdoi_cur *c)
{
	return c->end - c->pos;
}

static inline struct gdoi_span
cur_span(const struct gdoi_cur *c, uint32_t n)
{
	struct gdoi_span s = { .p = c->base + c->pos, .len = n, .off = c->pos };

	return s;
}

/* Fill err (message prefixed by func) and return the errno of code, negated. */
int gdoi_fail(struct gdoi_perr *err, enum gdoi_perr_code code, uint32_t off,
	      const char *func, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define GDOI_FAIL(err, code, off, ...) gdoi_fail((err), (code), (off), __func__, __VA_ARGS__)

/* Copy n octets out and advance, or fail TRUNCATED naming `what`. */
int gdoi_cur_take(struct gdoi_cur *c, void *dst, uint32_t n, const char *what,
		  const char *func, struct gdoi_perr *err);

/* Take a view of n octets and advance, or fail TRUNCATED. */
int gdoi_cur_view(struct gdoi_cur *c, struct gdoi_span *s, uint32_t n, const char *what,
		  const char *func, struct gdoi_perr *err);

/*
 * The element that started at `start` (its fixed header of hdr_len octets
 * already taken) declares `declared` octets: check hdr_len <= declared <=
 * what was left at start, set *sub to the rest of the element and move c past it.
 */
int gdoi_cur_sub(struct gdoi_cur *c, uint32_t start, uint32_t declared, uint32_t hdr_len,
		 struct gdoi_cur *sub, const char *what, const char *func,
		 struct gdoi_perr *err);

#define CUR_TAKE(c, dst, n, what) gdoi_cur_take((c), (dst), (n), (what), __func__, err)
#define CUR_VIEW(c, s, n, what) gdoi_cur_view((c), (s), (n), (what), __func__, err)
#define CUR_SUB(c, start, decl, hlen, sub, what) \
	gdoi_cur_sub((c), (start), (decl), (hlen), (sub), (what), __func__, err)

static inline uint16_t
gdoi_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
gdoi_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* SA layout of payloads carrying DOI 2 inside GROUPKEY-PULL/PUSH (RFC 6407 5.2). */
static inline int
gdoi_exch_has_gdoi_sa(uint8_t exch)
{
	return exch == GDOI_EXCH_PULL || exch == GDOI_EXCH_PUSH;
}

/* Payload body parsers (gdoi_parse_sa.c), called by the chain walk (gdoi_parse.c). */
int gdoi_parse_sa_body(struct gdoi_cur *c, struct gdoi_msg *msg, uint16_t idx,
		       struct gdoi_perr *err);
int gdoi_parse_sak(struct gdoi_cur *c, struct gdoi_sak *sak, struct gdoi_perr *err);
int gdoi_parse_sat(struct gdoi_cur *c, struct gdoi_sat *sat, bool id_len1,
		   struct gdoi_perr *err);
int gdoi_parse_kd(struct gdoi_cur *c, struct gdoi_msg *msg, struct gdoi_kd *kd,
		  struct gdoi_perr *err);
int gdoi_parse_chain(struct gdoi_cur *c, uint8_t first, uint16_t nested,
		     struct gdoi_msg *msg, struct gdoi_perr *err);
int gdoi_parse_attrs(struct gdoi_cur *c, struct gdoi_attrs *out, struct gdoi_perr *err);

/* Size an address-type identity must have, or -1 when any size goes. */
int gdoi_ident_size(uint8_t type);

#endif /* GDOI_PRIV_H */
