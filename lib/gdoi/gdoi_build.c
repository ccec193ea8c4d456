/* SPDX-License-Identifier: BSD-3-Clause */
/* ISAKMP/GDOI message builder (gdoi_build.h): the inverse of gdoi_parse*.c. */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gdoi_build.h"

enum bframe_kind {
	BF_MSG,
	BF_PAYLOAD,		/* a payload without children */
	BF_SA_IPSEC,		/* children: proposals */
	BF_SA_GDOI,		/* children: SA KEK / SA TEK / GAP */
	BF_PROP,		/* children: transforms */
	BF_KD,			/* children: key packets */
};

static int
fail(struct gdoi_bld *b, int err)
{
	if (b->err == 0)
		b->err = err;
	return b->err;
}

static void
put_be(uint8_t *p, uint32_t v, unsigned int width)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

int
gdoi_bld_put(struct gdoi_bld *b, const void *p, size_t n)
{
	if (b->err != 0)
		return b->err;
	if (b->depth == 0)
		return fail(b, -EINVAL);
	if (n > b->cap - b->len)
		return fail(b, -ENOSPC);
	if (n > 0)
		memcpy(b->buf + b->len, p, n);
	b->len += (uint32_t)n;
	return 0;
}

int
gdoi_bld_u8(struct gdoi_bld *b, uint8_t v)
{
	return gdoi_bld_put(b, &v, 1);
}

int
gdoi_bld_u16(struct gdoi_bld *b, uint16_t v)
{
	uint8_t p[2];

	put_be(p, v, 2);
	return gdoi_bld_put(b, p, 2);
}

int
gdoi_bld_u32(struct gdoi_bld *b, uint32_t v)
{
	uint8_t p[4];

	put_be(p, v, 4);
	return gdoi_bld_put(b, p, 4);
}

/*
 * Open a child container of `kind` in the current frame, whose own type is
 * `type` (written into the parent's pending Next Payload field). hdr is the
 * child's fixed header, len_at / np_at where its length / Next Payload are.
 */
static int
open_child(struct gdoi_bld *b, enum bframe_kind kind, uint8_t type, const void *hdr,
	   size_t hlen, uint32_t len_at, int np_at)
{
	struct gdoi_bframe *parent, *f;
	uint32_t start = b->len;

	if (b->err != 0)
		return b->err;
	if (b->depth == 0 || b->depth >= GDOI_BLD_DEPTH)
		return fail(b, -EINVAL);
	if (gdoi_bld_put(b, hdr, hlen) < 0)
		return b->err;
	parent = &b->f[b->depth - 1];
	if (parent->chain_width != 0)
		put_be(b->buf + parent->chain_off, type, parent->chain_width);
	if (np_at >= 0) {
		parent->chain_off = start + (uint32_t)np_at;
		parent->chain_width = 1;
	}
	if (parent->count_width != 0) {
		parent->count++;
		if (parent->count >= (1u << (8 * parent->count_width)))
			return fail(b, -EMSGSIZE);
		put_be(b->buf + parent->count_off, parent->count, parent->count_width);
	}
	f = &b->f[b->depth++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->start = start;
	f->len_off = start + len_at;
	f->len_width = 2;
	return 0;
}

static struct gdoi_bframe *
top(struct gdoi_bld *b)
{
	return &b->f[b->depth - 1];
}

static bool
top_is(struct gdoi_bld *b, enum bframe_kind kind)
{
	return b->depth > 0 && top(b)->kind == kind;
}

int
gdoi_bld_init(struct gdoi_bld *b, uint8_t *buf, size_t cap, const struct gdoi_hdr *h)
{
	struct gdoi_wire_hdr w;

	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap > UINT32_MAX ? UINT32_MAX : cap;
	b->depth = 1;
	b->f[0].kind = BF_MSG;
	b->f[0].len_off = offsetof(struct gdoi_wire_hdr, length);
	b->f[0].len_width = 4;
	b->f[0].chain_off = offsetof(struct gdoi_wire_hdr, next_payload);
	b->f[0].chain_width = 1;
	memcpy(w.icookie, h->icookie, sizeof(w.icookie));
	memcpy(w.rcookie, h->rcookie, sizeof(w.rcookie));
	w.next_payload = GDOI_PL_NONE;
	w.version = h->version != 0 ? h->version : GDOI_ISAKMP_VERSION;
	w.exchange = h->exchange;
	w.flags = h->flags;
	w.msgid = htonl(h->msgid);
	w.length = 0;
	return gdoi_bld_put(b, &w, sizeof(w));
}

void
gdoi_bld_set_compat(struct gdoi_bld *b, unsigned int compat)
{
	b->compat = compat;
}

int
gdoi_bld_end(struct gdoi_bld *b)
{
	struct gdoi_bframe *f;
	uint32_t len;

	if (b->err != 0)
		return b->err;
	if (b->depth < 2)
		return fail(b, -EINVAL);
	f = top(b);
	len = b->len - f->start;
	if (f->len_width == 2 && len > UINT16_MAX)
		return fail(b, -EMSGSIZE);
	/* RFC 2408 3.5, 6.x: a proposal carries at least one transform, a KD a key packet */
	if ((f->kind == BF_PROP || f->kind == BF_KD) && f->count == 0)
		return fail(b, -EINVAL);
	put_be(b->buf + f->len_off, len, f->len_width);
	b->depth--;
	return 0;
}

int
gdoi_bld_finish(struct gdoi_bld *b, size_t *len)
{
	if (b->err != 0)
		return b->err;
	if (b->depth != 1)
		return fail(b, -EINVAL);
	put_be(b->buf + b->f[0].len_off, b->len, 4);
	*len = b->len;
	return 0;
}

int
gdoi_bld_begin(struct gdoi_bld *b, uint8_t type)
{
	struct gdoi_wire_gen g = { 0 };

	if (b->err == 0 && !top_is(b, BF_MSG) && !top_is(b, BF_SA_GDOI))
		return fail(b, -EINVAL);
	return open_child(b, BF_PAYLOAD, type, &g, sizeof(g),
			  offsetof(struct gdoi_wire_gen, length), 0);
}

int
gdoi_bld_attr_tv(struct gdoi_bld *b, uint16_t type, uint16_t value)
{
	uint8_t a[4];

	put_be(a, GDOI_ATTR_AF | (type & GDOI_ATTR_TYPE_MASK), 2);
	put_be(a + 2, value, 2);
	return gdoi_bld_put(b, a, sizeof(a));
}

int
gdoi_bld_attr_tlv(struct gdoi_bld *b, uint16_t type, const void *val, uint16_t len)
{
	uint8_t a[4];

	put_be(a, type & GDOI_ATTR_TYPE_MASK, 2);
	put_be(a + 2, len, 2);
	if (gdoi_bld_put(b, a, sizeof(a)) < 0)
		return b->err;
	return gdoi_bld_put(b, val, len);
}

int
gdoi_bld_attr_u32(struct gdoi_bld *b, uint16_t type, uint32_t value)
{
	uint8_t v[4];

	put_be(v, value, 4);
	return gdoi_bld_attr_tlv(b, type, v, sizeof(v));
}

int
gdoi_bld_data(struct gdoi_bld *b, uint8_t type, const void *data, size_t len)
{
	gdoi_bld_begin(b, type);
	gdoi_bld_put(b, data, len);
	return gdoi_bld_end(b);
}

int
gdoi_bld_sa_begin(struct gdoi_bld *b, uint32_t doi, uint32_t situation, bool gdoi_layout)
{
	struct gdoi_bframe *f;

	if (gdoi_bld_begin(b, GDOI_PL_SA) < 0)
		return b->err;
	gdoi_bld_u32(b, doi);
	gdoi_bld_u32(b, situation);
	f = top(b);
	if (!gdoi_layout) {
		f->kind = BF_SA_IPSEC;
		return b->err;
	}
	f->kind = BF_SA_GDOI;
	f->chain_off = b->len;		/* SA Attribute Next Payload, 2 octets */
	f->chain_width = 2;
	gdoi_bld_u16(b, GDOI_PL_NONE);
	return gdoi_bld_u16(b, 0);
}

int
gdoi_bld_prop_begin(struct gdoi_bld *b, uint8_t num, uint8_t proto, const void *spi,
		    uint8_t spi_size)
{
	uint8_t h[sizeof(struct gdoi_wire_gen) + sizeof(struct gdoi_wire_prop)] = { 0 };

	if (b->err == 0 && !top_is(b, BF_SA_IPSEC))
		return fail(b, -EINVAL);
	h[4] = num;
	h[5] = proto;
	h[6] = spi_size;
	if (open_child(b, BF_PROP, GDOI_PL_PROPOSAL, h, sizeof(h), 2, 0) < 0)
		return b->err;
	top(b)->count_off = top(b)->start + 7;
	top(b)->count_width = 1;
	return gdoi_bld_put(b, spi, spi_size);
}

int
gdoi_bld_xform_begin(struct gdoi_bld *b, uint8_t num, uint8_t id)
{
	uint8_t h[sizeof(struct gdoi_wire_gen) + sizeof(struct gdoi_wire_xform)] = { 0 };

	if (b->err == 0 && !top_is(b, BF_PROP))
		return fail(b, -EINVAL);
	h[4] = num;
	h[5] = id;
	return open_child(b, BF_PAYLOAD, GDOI_PL_TRANSFORM, h, sizeof(h), 2, 0);
}

int
gdoi_bld_id(struct gdoi_bld *b, const struct gdoi_ident *id)
{
	gdoi_bld_begin(b, GDOI_PL_ID);
	gdoi_bld_u8(b, id->type);
	gdoi_bld_u8(b, id->proto);
	gdoi_bld_u16(b, id->port);
	gdoi_bld_put(b, id->data.p, id->data.len);
	return gdoi_bld_end(b);
}

int
gdoi_bld_cert(struct gdoi_bld *b, uint8_t type, uint8_t encoding, const void *data,
	      size_t len)
{
	gdoi_bld_begin(b, type);
	gdoi_bld_u8(b, encoding);
	gdoi_bld_put(b, data, len);
	return gdoi_bld_end(b);
}

int
gdoi_bld_notify(struct gdoi_bld *b, const struct gdoi_notify *n)
{
	if (n->spi.len > UINT8_MAX)
		return fail(b, -EMSGSIZE);
	gdoi_bld_begin(b, GDOI_PL_NOTIFY);
	gdoi_bld_u32(b, n->doi);
	gdoi_bld_u8(b, n->proto);
	gdoi_bld_u8(b, (uint8_t)n->spi.len);
	gdoi_bld_u16(b, n->type);
	gdoi_bld_put(b, n->spi.p, n->spi.len);
	gdoi_bld_put(b, n->data.p, n->data.len);
	return gdoi_bld_end(b);
}

int
gdoi_bld_delete(struct gdoi_bld *b, uint32_t doi, uint8_t proto, uint8_t spi_size,
		const void *spis, uint16_t nspi)
{
	gdoi_bld_begin(b, GDOI_PL_DELETE);
	gdoi_bld_u32(b, doi);
	gdoi_bld_u8(b, proto);
	gdoi_bld_u8(b, spi_size);
	gdoi_bld_u16(b, nspi);
	gdoi_bld_put(b, spis, (size_t)spi_size * nspi);
	return gdoi_bld_end(b);
}

int
gdoi_bld_seq(struct gdoi_bld *b, uint32_t seq)
{
	gdoi_bld_begin(b, GDOI_PL_SEQ);
	gdoi_bld_u32(b, seq);
	return gdoi_bld_end(b);
}

/* SRC/DST identity of an SA KEK (1-octet data length) or SA TEK (2 octets). */
static int
put_sel(struct gdoi_bld *b, const struct gdoi_ident *id, unsigned int len_width)
{
	if (id->data.len >= (1u << (8 * len_width)))
		return fail(b, -EMSGSIZE);
	gdoi_bld_u8(b, id->type);
	gdoi_bld_u16(b, id->port);
	if (len_width == 1)
		gdoi_bld_u8(b, (uint8_t)id->data.len);
	else
		gdoi_bld_u16(b, (uint16_t)id->data.len);
	return gdoi_bld_put(b, id->data.p, id->data.len);
}

int
gdoi_bld_sak_begin(struct gdoi_bld *b, const struct gdoi_sak *sak)
{
	static const uint8_t reserved2[4];

	if (b->err == 0 && !top_is(b, BF_SA_GDOI))
		return fail(b, -EINVAL);
	gdoi_bld_begin(b, GDOI_PL_SAK);
	gdoi_bld_u8(b, sak->proto);
	put_sel(b, &sak->src, 1);
	put_sel(b, &sak->dst, 1);
	gdoi_bld_put(b, sak->spi, GDOI_KEK_SPI_LEN);
	return gdoi_bld_put(b, reserved2, sizeof(reserved2));
}

int
gdoi_bld_sat_begin(struct gdoi_bld *b, const struct gdoi_sat *sat)
{
	if (b->err == 0 && !top_is(b, BF_SA_GDOI))
		return fail(b, -EINVAL);
	gdoi_bld_begin(b, GDOI_PL_SAT);
	gdoi_bld_u8(b, sat->proto_id);
	if (!sat->esp_ah)
		return gdoi_bld_put(b, sat->raw.p, sat->raw.len);
	gdoi_bld_u8(b, sat->ip_proto);
	put_sel(b, &sat->src, b->compat & GDOI_WIRE_SAT_ID_LEN1 ? 1 : 2);
	put_sel(b, &sat->dst, b->compat & GDOI_WIRE_SAT_ID_LEN1 ? 1 : 2);
	gdoi_bld_u8(b, sat->transform_id);
	return gdoi_bld_u32(b, sat->spi);
}

int
gdoi_bld_kd_begin(struct gdoi_bld *b)
{
	if (gdoi_bld_begin(b, GDOI_PL_KD) < 0)
		return b->err;
	top(b)->kind = BF_KD;
	top(b)->count_off = b->len;
	top(b)->count_width = 2;
	gdoi_bld_u16(b, 0);
	return gdoi_bld_u16(b, 0);
}

int
gdoi_bld_kp_begin(struct gdoi_bld *b, uint8_t type, const void *spi, uint8_t spi_size)
{
	uint8_t h[GDOI_WIRE_KP_LEN] = { type, 0, 0, 0, spi_size };

	if (b->err == 0 && !top_is(b, BF_KD))
		return fail(b, -EINVAL);
	/* key packets have no Next Payload: np_at -1 */
	if (open_child(b, BF_PAYLOAD, type, h, sizeof(h), 2, -1) < 0)
		return b->err;
	return gdoi_bld_put(b, spi, spi_size);
}
