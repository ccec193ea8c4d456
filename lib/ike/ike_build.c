/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 message builder (RFC 7296 section 3) into a caller's buffer. Each
 * payload's type is written into the previous header's Next Payload field
 * (the IKE header's for the first); overflow is sticky (-ENOSPC at finish).
 */
#include <errno.h>
#include <string.h>

#include "ike_msg.h"

static bool
room(struct ike_bld *b, uint32_t n)
{
	if (b->err != 0 || b->cap - b->len < n) {
		b->err = -ENOSPC;
		return false;
	}
	return true;
}

void
ike_bld_put(struct ike_bld *b, const void *p, uint32_t len)
{
	if (!room(b, len))
		return;
	if (len != 0)
		memcpy(b->buf + b->len, p, len);
	b->len += len;
}

void
ike_bld_put8(struct ike_bld *b, uint8_t v)
{
	ike_bld_put(b, &v, 1);
}

void
ike_bld_put16(struct ike_bld *b, uint16_t v)
{
	uint8_t w[2];

	ike_put16(w, v);
	ike_bld_put(b, w, 2);
}

void
ike_bld_put32(struct ike_bld *b, uint32_t v)
{
	uint8_t w[4];

	ike_put32(w, v);
	ike_bld_put(b, w, 4);
}

void
ike_bld_init(struct ike_bld *b, uint8_t *buf, uint32_t cap, const struct ike_hdr *hdr)
{
	*b = (struct ike_bld){ .buf = buf, .cap = cap };
	if (!room(b, IKE_HDR_LEN))
		return;
	memset(buf, 0, IKE_HDR_LEN);
	ike_put64(buf, hdr->spi_i);
	ike_put64(buf + 8, hdr->spi_r);
	buf[17] = IKE_VERSION;
	buf[18] = hdr->exch;
	buf[19] = hdr->flags;
	ike_put32(buf + 20, hdr->msgid);
	b->np_off = 16;
	b->len = IKE_HDR_LEN;
}

void
ike_bld_init_inner(struct ike_bld *b, uint8_t *buf, uint32_t cap)
{
	*b = (struct ike_bld){ .buf = buf, .cap = cap, .inner = true };
}

int
ike_bld_open(struct ike_bld *b, uint8_t type)
{
	uint32_t off = b->len;

	if (!room(b, IKE_PL_HDR_LEN))
		return -ENOSPC;
	if (b->inner && off == 0)
		b->first = type;
	else
		b->buf[b->np_off] = type;
	memset(b->buf + off, 0, IKE_PL_HDR_LEN);
	b->np_off = off;
	b->len += IKE_PL_HDR_LEN;
	return (int)off;
}

void
ike_bld_close(struct ike_bld *b, int off)
{
	if (b->err != 0 || off < 0)
		return;
	if (b->len - (uint32_t)off > UINT16_MAX) {
		b->err = -EMSGSIZE;
		return;
	}
	ike_put16(b->buf + off + 2, (uint16_t)(b->len - (uint32_t)off));
}

int
ike_bld_payload(struct ike_bld *b, uint8_t type, const void *body, uint32_t len)
{
	int off = ike_bld_open(b, type);

	ike_bld_put(b, body, len);
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_sa(struct ike_bld *b, const struct ike_prop_out *props, unsigned int n)
{
	int off = ike_bld_open(b, IKE_PL_SA);

	for (unsigned int i = 0; i < n; i++) {
		const struct ike_prop_out *p = &props[i];
		uint32_t poff = b->len;

		ike_bld_put8(b, i + 1 == n ? 0 : 2);
		ike_bld_put8(b, 0);
		ike_bld_put16(b, 0);	/* length, below */
		ike_bld_put8(b, p->num);
		ike_bld_put8(b, p->proto);
		ike_bld_put8(b, p->spi_size);
		ike_bld_put8(b, p->nxf);
		ike_bld_put(b, p->spi, p->spi_size);
		for (unsigned int t = 0; t < p->nxf; t++) {
			const struct ike_xf *xf = &p->xf[t];

			ike_bld_put8(b, t + 1 == p->nxf ? 0 : 3);
			ike_bld_put8(b, 0);
			ike_bld_put16(b, xf->key_len != 0 ? 12 : 8);
			ike_bld_put8(b, xf->type);
			ike_bld_put8(b, 0);
			ike_bld_put16(b, xf->id);
			if (xf->key_len != 0) {
				ike_bld_put16(b, IKE_ATTR_TV | IKE_ATTR_KEY_LENGTH);
				ike_bld_put16(b, xf->key_len);
			}
		}
		if (b->err == 0)
			ike_put16(b->buf + poff + 2, (uint16_t)(b->len - poff));
	}
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_ke(struct ike_bld *b, uint16_t group, const uint8_t *pub, uint32_t len)
{
	int off = ike_bld_open(b, IKE_PL_KE);

	ike_bld_put16(b, group);
	ike_bld_put16(b, 0);
	ike_bld_put(b, pub, len);
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_notify(struct ike_bld *b, uint8_t proto, const uint8_t *spi, uint8_t spi_size,
	       uint16_t type, const void *data, uint32_t len)
{
	int off = ike_bld_open(b, IKE_PL_NOTIFY);

	ike_bld_put8(b, proto);
	ike_bld_put8(b, spi_size);
	ike_bld_put16(b, type);
	ike_bld_put(b, spi, spi_size);
	ike_bld_put(b, data, len);
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_id(struct ike_bld *b, uint8_t pl_type, uint8_t id_type, const void *data, uint32_t len)
{
	int off = ike_bld_open(b, pl_type);

	ike_bld_put8(b, id_type);
	ike_bld_put8(b, 0);
	ike_bld_put16(b, 0);
	ike_bld_put(b, data, len);
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_auth(struct ike_bld *b, uint8_t method, const void *data, uint32_t len)
{
	return ike_bld_id(b, IKE_PL_AUTH, method, data, len);
}

int
ike_bld_ts(struct ike_bld *b, uint8_t pl_type, const struct ike_ts *ts, unsigned int n)
{
	int off = ike_bld_open(b, pl_type);

	ike_bld_put8(b, (uint8_t)n);
	ike_bld_put8(b, 0);
	ike_bld_put16(b, 0);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t alen = ts[i].type == IKE_TS_IPV6_ADDR_RANGE ? 16 : 4;

		ike_bld_put8(b, ts[i].type);
		ike_bld_put8(b, ts[i].proto);
		ike_bld_put16(b, (uint16_t)(8 + 2 * alen));
		ike_bld_put16(b, ts[i].sport);
		ike_bld_put16(b, ts[i].eport);
		ike_bld_put(b, ts[i].start, alen);
		ike_bld_put(b, ts[i].end, alen);
	}
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_delete(struct ike_bld *b, uint8_t proto, uint8_t spi_size, const uint8_t *spis,
	       uint16_t n)
{
	int off = ike_bld_open(b, IKE_PL_DELETE);

	ike_bld_put8(b, proto);
	ike_bld_put8(b, spi_size);
	ike_bld_put16(b, n);
	ike_bld_put(b, spis, (uint32_t)spi_size * n);
	ike_bld_close(b, off);
	return b->err != 0 ? b->err : off;
}

int
ike_bld_finish(struct ike_bld *b, uint32_t *len)
{
	if (b->err != 0)
		return b->err;
	if (!b->inner)
		ike_put32(b->buf + 24, b->len);
	*len = b->len;
	return 0;
}
