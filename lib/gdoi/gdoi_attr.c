/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 2408 3.3 data attributes (TV and TLV): list validation, walking, integer values. */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gdoi_priv.h"

/*
 * The rest of the element is a list of attributes: each header fits, a TLV's
 * length fits in what is left, type 0 (reserved in every attribute registry)
 * is refused. A zero-length TLV is accepted here; decoders judge values.
 */
int
gdoi_parse_attrs(struct gdoi_cur *c, struct gdoi_attrs *out, struct gdoi_perr *err)
{
	out->s = cur_span(c, cur_left(c));
	out->count = 0;
	while (cur_left(c) != 0) {
		struct gdoi_wire_attr w;
		uint32_t start = c->pos;
		uint16_t type, len;
		int ret;

		ret = CUR_TAKE(c, &w, sizeof(w), "attribute header");
		if (ret < 0)
			return ret;
		type = ntohs(w.type);
		len = ntohs(w.len);
		if ((type & GDOI_ATTR_TYPE_MASK) == 0)
			return GDOI_FAIL(err, GDOI_PE_FIELD, start,
					 "attribute type 0 (reserved) at offset %u", start);
		if (!(type & GDOI_ATTR_AF) && len > cur_left(c))
			return GDOI_FAIL(err, GDOI_PE_LEN_OVER, start,
					 "attribute %u length %u > %u octets left at offset %u",
					 type, len, cur_left(c), start);
		if (!(type & GDOI_ATTR_AF))
			c->pos += len;
		out->count++;
	}
	return 0;
}

int
gdoi_attrs_parse(const uint8_t *p, size_t len, uint32_t off, struct gdoi_attrs *out,
		 struct gdoi_perr *err)
{
	struct gdoi_cur c = { .base = p, .pos = 0, .end = (uint32_t)len };
	int ret;

	if (len > UINT16_MAX)
		return GDOI_FAIL(err, GDOI_PE_LEN_OVER, off,
				 "attribute list of %zu octets > %u", len, UINT16_MAX);
	ret = gdoi_parse_attrs(&c, out, err);
	/* offsets count from the caller's origin */
	out->s.off += off;
	if (ret < 0 && err != NULL)
		err->offset += off;
	return ret;
}

bool
gdoi_attrs_next(const struct gdoi_attrs *l, uint32_t *pos, struct gdoi_attr *a)
{
	uint16_t type, len;
	const uint8_t *p;

	if (*pos + 4 > l->s.len)
		return false;
	p = l->s.p + *pos;
	type = gdoi_get16(p);
	len = gdoi_get16(p + 2);
	a->type = type & GDOI_ATTR_TYPE_MASK;
	a->tv = (type & GDOI_ATTR_AF) != 0;
	if (a->tv) {
		a->tv_value = len;
		a->val.p = p + 2;
		a->val.len = 2;
		a->val.off = l->s.off + *pos + 2;
		*pos += 4;
	} else {
		/* validated lists never get here with len past the end; stop if not */
		if (*pos + 4 + len > l->s.len)
			return false;
		a->tv_value = 0;
		a->val.p = p + 4;
		a->val.len = len;
		a->val.off = l->s.off + *pos + 4;
		*pos += 4u + len;
	}
	return true;
}

int
gdoi_attrs_find(const struct gdoi_attrs *l, uint16_t type, struct gdoi_attr *a)
{
	uint32_t pos = 0;

	while (gdoi_attrs_next(l, &pos, a))
		if (a->type == type)
			return 0;
	return -ENOENT;
}

int
gdoi_attr_uint(const struct gdoi_attr *a, uint64_t *v)
{
	uint32_t i;

	if (a->tv) {
		*v = a->tv_value;
		return 0;
	}
	if (a->val.len == 0 || a->val.len > 8)
		return -ERANGE;
	*v = 0;
	for (i = 0; i < a->val.len; i++)
		*v = *v << 8 | a->val.p[i];
	return 0;
}
