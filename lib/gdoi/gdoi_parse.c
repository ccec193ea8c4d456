/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISAKMP message parser (RFC 2408): header, the payload chain and the payload
 * bodies that need no nesting. SA, SA KEK, SA TEK and KD are in gdoi_parse_sa.c,
 * attributes in gdoi_attr.c, the per-exchange payload rules in gdoi_rules.c.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "gdoi_priv.h"
#include "gdoi_names.h"

static int
perr_errno(enum gdoi_perr_code code)
{
	switch (code) {
	case GDOI_PE_OK:
		return 0;
	case GDOI_PE_TOO_MANY:
		return -E2BIG;
	case GDOI_PE_UNSUPPORTED:
	case GDOI_PE_ENCRYPTED:
		return -ENOTSUP;
	case GDOI_PE_RULE_EXCHANGE:
	case GDOI_PE_RULE_FLAGS:
	case GDOI_PE_RULE_MISSING:
	case GDOI_PE_RULE_UNEXPECTED:
	case GDOI_PE_RULE_COUNT:
	case GDOI_PE_RULE_ORDER:
		return -EPROTO;
	default:
		return -EBADMSG;
	}
}

int
gdoi_fail(struct gdoi_perr *err, enum gdoi_perr_code code, uint32_t off, const char *func,
	  const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err != NULL) {
		err->code = code;
		err->offset = off;
		n = snprintf(err->msg, sizeof(err->msg), "%s: ", func);
		if (n < 0 || (size_t)n >= sizeof(err->msg))
			n = 0;
		va_start(ap, fmt);
		vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
		va_end(ap);
	}
	return perr_errno(code);
}

int
gdoi_cur_take(struct gdoi_cur *c, void *dst, uint32_t n, const char *what, const char *func,
	      struct gdoi_perr *err)
{
	if (cur_left(c) < n)
		return gdoi_fail(err, GDOI_PE_TRUNCATED, c->pos, func,
				 "%s needs %u octets, %u left at offset %u", what, n,
				 cur_left(c), c->pos);
	memcpy(dst, c->base + c->pos, n);
	c->pos += n;
	return 0;
}

int
gdoi_cur_view(struct gdoi_cur *c, struct gdoi_span *s, uint32_t n, const char *what,
	      const char *func, struct gdoi_perr *err)
{
	if (cur_left(c) < n)
		return gdoi_fail(err, GDOI_PE_TRUNCATED, c->pos, func,
				 "%s needs %u octets, %u left at offset %u", what, n,
				 cur_left(c), c->pos);
	*s = cur_span(c, n);
	c->pos += n;
	return 0;
}

int
gdoi_cur_sub(struct gdoi_cur *c, uint32_t start, uint32_t declared, uint32_t hdr_len,
	     struct gdoi_cur *sub, const char *what, const char *func, struct gdoi_perr *err)
{
	if (declared < hdr_len)
		return gdoi_fail(err, GDOI_PE_LEN_SHORT, start, func,
				 "%s length %u < its %u-octet header at offset %u", what,
				 declared, hdr_len, start);
	if (declared > c->end - start)
		return gdoi_fail(err, GDOI_PE_LEN_OVER, start, func,
				 "%s length %u > %u octets left at offset %u", what, declared,
				 c->end - start, start);
	sub->base = c->base;
	sub->pos = c->pos;
	sub->end = start + declared;
	c->pos = start + declared;
	return 0;
}

int
gdoi_ident_size(uint8_t type)
{
	switch (type) {
	case GDOI_ID_IPV4_ADDR:
		return 4;
	case GDOI_ID_IPV4_SUBNET:
	case GDOI_ID_IPV4_RANGE:
		return 8;
	case GDOI_ID_IPV6_ADDR:
		return 16;
	case GDOI_ID_IPV6_SUBNET:
	case GDOI_ID_IPV6_RANGE:
		return 32;
	default:
		return -1;
	}
}

int
gdoi_hdr_parse(const uint8_t *buf, size_t len, struct gdoi_hdr *hdr, struct gdoi_perr *err)
{
	struct gdoi_wire_hdr w;

	if (len < sizeof(w))
		return GDOI_FAIL(err, GDOI_PE_TRUNCATED, 0,
				 "ISAKMP header needs %zu octets, message has %zu",
				 sizeof(w), len);
	memcpy(&w, buf, sizeof(w));
	memcpy(hdr->icookie, w.icookie, sizeof(hdr->icookie));
	memcpy(hdr->rcookie, w.rcookie, sizeof(hdr->rcookie));
	hdr->next_payload = w.next_payload;
	hdr->version = w.version;
	hdr->exchange = w.exchange;
	hdr->flags = w.flags;
	hdr->msgid = ntohl(w.msgid);
	hdr->length = ntohl(w.length);
	/* RFC 2408 5.2: major 1 only; a higher minor is refused as well */
	if (w.version != GDOI_ISAKMP_VERSION)
		return GDOI_FAIL(err, GDOI_PE_VERSION, 17, "version 0x%02x, want 0x%02x",
				 w.version, GDOI_ISAKMP_VERSION);
	if (hdr->length < sizeof(w))
		return GDOI_FAIL(err, GDOI_PE_LEN_SHORT, 24,
				 "header Length %u < %zu", hdr->length, sizeof(w));
	if (hdr->length > len)
		return GDOI_FAIL(err, GDOI_PE_LEN_OVER, 24,
				 "header Length %u > %zu octets received", hdr->length, len);
	return 0;
}

/* Opaque data that must not be empty (KE, HASH, SIG, VID, NAT-D). */
static int
parse_data(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	if (cur_left(c) == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off, "%s payload with no data",
				 gdoi_pl_name(pl->type));
	pl->u.data = cur_span(c, cur_left(c));
	c->pos = c->end;
	return 0;
}

/* RFC 2408 3.8, RFC 2407 4.6.2, RFC 6407 5.1 (KEY_ID group number), RFC 3947 5.2. */
static int
parse_id(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	struct gdoi_ident *id = &pl->u.id;
	struct gdoi_wire_id w;
	int want, ret;

	if (pl->type == GDOI_PL_NATOA) {
		struct gdoi_wire_natoa n;

		ret = CUR_TAKE(c, &n, sizeof(n), "NAT-OA header");
		if (ret < 0)
			return ret;
		id->type = n.type;
		id->proto = 0;
		id->port = 0;
	} else {
		ret = CUR_TAKE(c, &w, sizeof(w), "ID header");
		if (ret < 0)
			return ret;
		id->type = w.type;
		id->proto = w.proto;
		id->port = ntohs(w.port);
	}
	id->data = cur_span(c, cur_left(c));
	c->pos = c->end;
	want = gdoi_ident_size(id->type);
	if (want >= 0 && id->data.len != (uint32_t)want)
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off, "%s data %u octets, want %d",
				 gdoi_id_type_name(id->type), id->data.len, want);
	if (want < 0 && id->data.len == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off, "%s with no data",
				 gdoi_id_type_name(id->type));
	return 0;
}

static int
parse_cert(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	int ret = CUR_TAKE(c, &pl->u.cert.encoding, 1, "CERT encoding");

	if (ret < 0)
		return ret;
	pl->u.cert.data = cur_span(c, cur_left(c));
	c->pos = c->end;
	/* a CERTREQ may name no authority (RFC 2408 3.10); a CERT carries one */
	if (pl->type == GDOI_PL_CERT && pl->u.cert.data.len == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off, "CERT payload with no data");
	return 0;
}

/* RFC 2409 5: a nonce is 8 to 256 octets. */
static int
parse_nonce(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	uint32_t n = cur_left(c);

	if (n < 8 || n > 256)
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off,
				 "nonce of %u octets, RFC 2409 wants 8..256", n);
	pl->u.data = cur_span(c, n);
	c->pos = c->end;
	return 0;
}

/* RFC 2408 3.14 */
static int
parse_notify(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	struct gdoi_notify *n = &pl->u.notify;
	struct gdoi_wire_notify w;
	int ret;

	ret = CUR_TAKE(c, &w, sizeof(w), "notification header");
	if (ret < 0)
		return ret;
	n->doi = ntohl(w.doi);
	n->proto = w.proto;
	n->type = ntohs(w.type);
	ret = CUR_VIEW(c, &n->spi, w.spi_size, "notification SPI");
	if (ret < 0)
		return ret;
	n->data = cur_span(c, cur_left(c));
	c->pos = c->end;
	return 0;
}

/* RFC 2408 3.15: exactly nspi SPIs of spi_size octets. */
static int
parse_delete(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	struct gdoi_delete *d = &pl->u.del;
	struct gdoi_wire_delete w;
	int ret;

	ret = CUR_TAKE(c, &w, sizeof(w), "delete header");
	if (ret < 0)
		return ret;
	d->doi = ntohl(w.doi);
	d->proto = w.proto;
	d->spi_size = w.spi_size;
	d->nspi = ntohs(w.nspi);
	if (d->spi_size == 0 || d->nspi == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off,
				 "delete with SPI size %u, %u SPIs", d->spi_size, d->nspi);
	if ((uint32_t)d->spi_size * d->nspi != cur_left(c))
		return GDOI_FAIL(err, GDOI_PE_FIELD, pl->off,
				 "delete of %u SPIs x %u octets, %u octets present", d->nspi,
				 d->spi_size, cur_left(c));
	d->spis = cur_span(c, cur_left(c));
	c->pos = c->end;
	return 0;
}

/* RFC 6407 (SEQ): a 4-octet sequence number and nothing else. */
static int
parse_seq(struct gdoi_cur *c, struct gdoi_pl *pl, struct gdoi_perr *err)
{
	struct gdoi_wire_seq w;
	int ret;

	ret = CUR_TAKE(c, &w, sizeof(w), "sequence number");
	if (ret < 0)
		return ret;
	if (cur_left(c) != 0)
		return GDOI_FAIL(err, GDOI_PE_TRAILING, c->pos,
				 "%u octets after the sequence number", cur_left(c));
	pl->u.seq = ntohl(w.seq);
	return 0;
}

static int
parse_body(struct gdoi_cur *c, struct gdoi_msg *msg, uint16_t idx, struct gdoi_perr *err)
{
	struct gdoi_pl *pl = &msg->pl[idx];

	switch (pl->type) {
	case GDOI_PL_SA:
		return gdoi_parse_sa_body(c, msg, idx, err);
	case GDOI_PL_KE:
	case GDOI_PL_HASH:
	case GDOI_PL_SIG:
	case GDOI_PL_VID:
	case GDOI_PL_NATD:
		return parse_data(c, pl, err);
	case GDOI_PL_ID:
	case GDOI_PL_NATOA:
		return parse_id(c, pl, err);
	case GDOI_PL_CERT:
	case GDOI_PL_CERTREQ:
		return parse_cert(c, pl, err);
	case GDOI_PL_NONCE:
		return parse_nonce(c, pl, err);
	case GDOI_PL_NOTIFY:
		return parse_notify(c, pl, err);
	case GDOI_PL_DELETE:
		return parse_delete(c, pl, err);
	case GDOI_PL_SAK:
		return gdoi_parse_sak(c, &pl->u.sak, err);
	case GDOI_PL_SAT:
		return gdoi_parse_sat(c, &pl->u.sat, msg->flags & GDOI_WIRE_SAT_ID_LEN1, err);
	case GDOI_PL_KD:
		return gdoi_parse_kd(c, msg, &pl->u.kd, err);
	case GDOI_PL_SEQ:
		return parse_seq(c, pl, err);
	case GDOI_PL_GAP:
		return gdoi_parse_attrs(c, &pl->u.gap, err);
	default:
		/* gdoi_parse_chain admits only the types above */
		return GDOI_FAIL(err, GDOI_PE_UNKNOWN_PAYLOAD, pl->off, "payload type %u",
				 pl->type);
	}
}

/*
 * Which types may stand in a chain. RFC 2408 has no critical bit: 5.2 says a
 * Next Payload that is not valid is answered with INVALID-PAYLOAD-TYPE, so an
 * unknown type fails the whole message (README.md). POP (RFC 3547) is
 * deprecated by RFC 6407 and refused the same way.
 */
static enum gdoi_perr_code
chain_admits(uint8_t type, uint16_t nested)
{
	switch (type) {
	case GDOI_PL_SAK:
	case GDOI_PL_SAT:
		return nested ? GDOI_PE_OK : GDOI_PE_CHAIN;
	case GDOI_PL_GAP:
		/* nested in a GDOI SA, or alone in PULL message 3 (RFC 6407 3) */
		return GDOI_PE_OK;
	case GDOI_PL_SA:
	case GDOI_PL_KE:
	case GDOI_PL_ID:
	case GDOI_PL_CERT:
	case GDOI_PL_CERTREQ:
	case GDOI_PL_HASH:
	case GDOI_PL_SIG:
	case GDOI_PL_NONCE:
	case GDOI_PL_NOTIFY:
	case GDOI_PL_DELETE:
	case GDOI_PL_VID:
	case GDOI_PL_KD:
	case GDOI_PL_SEQ:
	case GDOI_PL_NATD:
	case GDOI_PL_NATOA:
		return nested ? GDOI_PE_CHAIN : GDOI_PE_OK;
	case GDOI_PL_PROPOSAL:
	case GDOI_PL_TRANSFORM:
		return GDOI_PE_CHAIN;
	default:
		return GDOI_PE_UNKNOWN_PAYLOAD;
	}
}

int
gdoi_parse_chain(struct gdoi_cur *c, uint8_t first, uint16_t nested, struct gdoi_msg *msg,
		 struct gdoi_perr *err)
{
	uint8_t type = first;
	enum gdoi_perr_code why;

	while (type != GDOI_PL_NONE) {
		struct gdoi_wire_gen g;
		struct gdoi_cur sub;
		struct gdoi_pl *pl;
		uint32_t start = c->pos;
		uint16_t idx;
		int ret;

		why = chain_admits(type, nested);
		if (why != GDOI_PE_OK)
			return GDOI_FAIL(err, why, start, "%s payload %s (%u) at offset %u",
					 nested ? "SA-nested" : "top-level",
					 gdoi_pl_name(type), type, start);
		if (msg->npl >= GDOI_MAX_PAYLOADS)
			return GDOI_FAIL(err, GDOI_PE_TOO_MANY, start,
					 "more than %u payloads at offset %u",
					 GDOI_MAX_PAYLOADS, start);
		ret = CUR_TAKE(c, &g, sizeof(g), gdoi_pl_name(type));
		if (ret < 0)
			return ret;
		ret = CUR_SUB(c, start, ntohs(g.length), sizeof(g), &sub, gdoi_pl_name(type));
		if (ret < 0)
			return ret;
		idx = msg->npl++;
		pl = &msg->pl[idx];
		memset(pl, 0, sizeof(*pl));
		pl->type = type;
		pl->nested = (uint8_t)nested;
		pl->len = ntohs(g.length);
		pl->off = start;
		pl->body = cur_span(&sub, cur_left(&sub));
		if (!nested)
			msg->ntop++;
		ret = parse_body(&sub, msg, idx, err);
		if (ret < 0)
			return ret;
		if (cur_left(&sub) != 0)
			return GDOI_FAIL(err, GDOI_PE_TRAILING, sub.pos,
					 "%u octets left over in %s at offset %u",
					 cur_left(&sub), gdoi_pl_name(type), start);
		type = g.next_payload;
	}
	return 0;
}

int
gdoi_msg_parse(const uint8_t *buf, size_t len, enum gdoi_msg_kind kind, unsigned int flags,
	       struct gdoi_msg *msg, struct gdoi_perr *err)
{
	struct gdoi_cur c;
	int ret;

	msg->npl = msg->ntop = msg->nprop = msg->nxf = msg->nkp = 0;
	msg->len = msg->pad_len = 0;
	msg->flags = flags;
	if (err != NULL) {
		err->code = GDOI_PE_OK;
		err->offset = 0;
		err->msg[0] = '\0';
	}
	ret = gdoi_hdr_parse(buf, len, &msg->hdr, err);
	if (ret < 0)
		return ret;
	/* one message per datagram: RFC 2408 5.2 UNEQUAL-PAYLOAD-LENGTHS */
	if (msg->hdr.length != len)
		return GDOI_FAIL(err, GDOI_PE_TRAILING, msg->hdr.length,
				 "header Length %u, datagram %zu octets", msg->hdr.length, len);
	if ((msg->hdr.flags & GDOI_FLAG_ENC) && !(flags & GDOI_PARSE_DECRYPTED))
		return GDOI_FAIL(err, GDOI_PE_ENCRYPTED, 19,
				 "encrypted %s message: decrypt the body first",
				 gdoi_exch_name(msg->hdr.exchange));
	msg->len = msg->hdr.length;
	c.base = buf;
	c.pos = sizeof(struct gdoi_wire_hdr);
	c.end = msg->len;
	ret = gdoi_parse_chain(&c, msg->hdr.next_payload, 0, msg, err);
	if (ret < 0)
		return ret;
	if (cur_left(&c) != 0) {
		/* RFC 2408 3.1: after decryption the padding follows the last payload */
		if (!(flags & GDOI_PARSE_DECRYPTED))
			return GDOI_FAIL(err, GDOI_PE_TRAILING, c.pos,
					 "%u octets after the last payload (offset %u)",
					 cur_left(&c), c.pos);
		msg->pad_len = cur_left(&c);
	}
	if (kind == GDOI_MSG_ANY)
		return 0;
	return gdoi_msg_check_rules(msg, kind, err);
}

const struct gdoi_pl *
gdoi_msg_find(const struct gdoi_msg *msg, uint8_t type, unsigned int *pos)
{
	unsigned int i;

	for (i = *pos; i < msg->npl; i++) {
		if (msg->pl[i].type == type && !msg->pl[i].nested) {
			*pos = i + 1;
			return &msg->pl[i];
		}
	}
	*pos = msg->npl;
	return NULL;
}

uint16_t
gdoi_perr_notify(enum gdoi_perr_code code)
{
	switch (code) {
	case GDOI_PE_OK:
		return 0;
	case GDOI_PE_VERSION:
		return GDOI_N_INVALID_MAJOR_VERSION;
	case GDOI_PE_UNKNOWN_PAYLOAD:
	case GDOI_PE_RULE_UNEXPECTED:
		return GDOI_N_INVALID_PAYLOAD_TYPE;
	case GDOI_PE_RULE_EXCHANGE:
		return GDOI_N_INVALID_EXCHANGE_TYPE;
	case GDOI_PE_RULE_FLAGS:
		return GDOI_N_INVALID_FLAGS;
	case GDOI_PE_CHAIN:
		return GDOI_N_BAD_PROPOSAL_SYNTAX;
	case GDOI_PE_UNSUPPORTED:
		return GDOI_N_DOI_NOT_SUPPORTED;
	default:
		return GDOI_N_PAYLOAD_MALFORMED;
	}
}
