/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 parser (RFC 7296 section 3), validate-then-interpret: pass one walks
 * the generic payload headers and checks each declared length against the
 * message and the payload's row in the rule table (ike_pl_rules); only a
 * chain that passed is decoded (pass two), each substructure bounded by its
 * parent. Headers are copied out of the buffer, never cast onto it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ike_msg.h"
#include "ike_priv.h"

int
ike_fail(struct ike_perr *err, enum ike_perr_code code, uint32_t off, const char *func,
	 const char *fmt, ...)
{
	va_list ap;
	int n;

	err->code = code;
	err->off = off;
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", func);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

static const char *const perr_names[IKE_PERR_MAX] = {
	[IKE_PERR_OK] = "ok",
	[IKE_PERR_TRUNCATED] = "truncated",
	[IKE_PERR_BAD_LENGTH] = "bad-length",
	[IKE_PERR_BAD_VERSION] = "bad-version",
	[IKE_PERR_CRITICAL] = "unsupported-critical-payload",
	[IKE_PERR_MALFORMED] = "malformed",
	[IKE_PERR_TOO_MANY] = "too-many",
	[IKE_PERR_MISSING] = "missing-payload",
	[IKE_PERR_UNEXPECTED] = "unexpected-payload",
};

const char *
ike_perr_name(enum ike_perr_code code)
{
	return code < IKE_PERR_MAX ? perr_names[code] : "?";
}

uint16_t
ike_perr_notify(enum ike_perr_code code)
{
	switch (code) {
	case IKE_PERR_CRITICAL:
		return IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD;
	case IKE_PERR_BAD_VERSION:
		return IKE_N_INVALID_MAJOR_VERSION;
	default:
		return IKE_N_INVALID_SYNTAX;
	}
}

/*
 * The rule table of pass one: the payloads we know, with the least (and for
 * Nonce the most) body length. Unknown types are skipped, or refused with
 * UNSUPPORTED_CRITICAL_PAYLOAD when their critical bit is set (RFC 7296 3.2).
 */
struct pl_rule {
	uint8_t type;
	uint16_t min_body, max_body;	/* max 0 = no limit but the message */
};

static const struct pl_rule pl_rules[] = {
	{ IKE_PL_SA, 8, 0 },			/* at least one proposal header */
	{ IKE_PL_KE, 5, 0 },			/* group, reserved, one octet of data */
	{ IKE_PL_IDI, 5, 0 },
	{ IKE_PL_IDR, 5, 0 },
	{ IKE_PL_CERT, 1, 0 },
	{ IKE_PL_CERTREQ, 1, 0 },
	{ IKE_PL_AUTH, 5, 0 },
	{ IKE_PL_NONCE, IKE_MIN_NONCE, IKE_MAX_NONCE },
	{ IKE_PL_NOTIFY, 4, 0 },
	{ IKE_PL_DELETE, 4, 0 },
	{ IKE_PL_VENDOR, 0, 0 },
	{ IKE_PL_TSI, 4 + 8, 0 },		/* at least one selector header */
	{ IKE_PL_TSR, 4 + 8, 0 },
	{ IKE_PL_SK, 0, 0 },			/* IV and ICV sizes: at decryption */
	{ IKE_PL_CP, 4, 0 },
	{ IKE_PL_EAP, 4, 0 },
	{ IKE_PL_SKF, 4, 0 },
};

static const struct pl_rule *
pl_rule(uint8_t type)
{
	for (size_t i = 0; i < sizeof(pl_rules) / sizeof(pl_rules[0]); i++)
		if (pl_rules[i].type == type)
			return &pl_rules[i];
	return NULL;
}

int
ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *hdr, struct ike_perr *err)
{
	struct ike_hdr_wire w;

	if (len < IKE_HDR_LEN)
		return IKE_FAIL(err, IKE_PERR_TRUNCATED, 0, "%zu octets, the header is %d", len,
				IKE_HDR_LEN);
	memcpy(&w, buf, sizeof(w));
	hdr->spi_i = ike_get64(w.spi_i);
	hdr->spi_r = ike_get64(w.spi_r);
	hdr->next = w.next;
	hdr->version = w.version;
	hdr->exch = w.exch;
	hdr->flags = w.flags;
	hdr->msgid = ike_get32(w.msgid);
	hdr->length = ike_get32(w.length);
	if ((w.version >> 4) != 2)
		return IKE_FAIL(err, IKE_PERR_BAD_VERSION, 17, "major version %u", w.version >> 4);
	if (hdr->length < IKE_HDR_LEN || hdr->length > len)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, 24, "header length %u, %zu received",
				hdr->length, len);
	return 0;
}

/*
 * Pass one over a chain at [pos, end) of base: count the payloads, check each
 * generic header and length. Appends bare entries (type, critical, body) to
 * msg->pl; the SK payload ends the chain.
 */
static int
chain_validate(const uint8_t *base, uint32_t pos, uint32_t end, uint8_t next, bool inner,
	       struct ike_msg *msg, struct ike_perr *err)
{
	while (next != IKE_PL_NONE) {
		const struct pl_rule *r = pl_rule(next);
		struct ike_pl_wire w;
		uint32_t plen, body;
		struct ike_pl *pl;

		if (end - pos < IKE_PL_HDR_LEN)
			return IKE_FAIL(err, IKE_PERR_TRUNCATED, pos, "%s payload header: %u "
					"octets left", ike_pl_name(next), end - pos);
		memcpy(&w, base + pos, sizeof(w));
		plen = ike_get16(w.length);
		if (plen < IKE_PL_HDR_LEN || plen > end - pos)
			return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pos + 2, "%s payload length %u, "
					"%u octets left", ike_pl_name(next), plen, end - pos);
		body = plen - IKE_PL_HDR_LEN;
		if (r == NULL) {
			if (w.critical & IKE_PL_CRITICAL) {
				err->pl_type = next;
				return IKE_FAIL(err, IKE_PERR_CRITICAL, pos, "payload type %u "
						"unknown and critical", next);
			}
			msg->unknown++;
			pos += plen;
			next = w.next;
			continue;
		}
		if (body < r->min_body || (r->max_body != 0 && body > r->max_body))
			return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pos + 2, "%s payload body %u "
					"octets, allowed %u..%u", ike_pl_name(next), body,
					r->min_body, r->max_body ? r->max_body : end - pos);
		if (msg->npl >= IKE_MAX_PAYLOADS)
			return IKE_FAIL(err, IKE_PERR_TOO_MANY, pos, "more than %d payloads",
					IKE_MAX_PAYLOADS);
		pl = &msg->pl[msg->npl++];
		memset(pl, 0, sizeof(*pl));
		pl->type = next;
		pl->critical = (w.critical & IKE_PL_CRITICAL) != 0;
		pl->inner = inner;
		pl->body = (struct ike_span){ base + pos + IKE_PL_HDR_LEN, body,
					      pos + IKE_PL_HDR_LEN };
		pos += plen;
		if (next == IKE_PL_SK || next == IKE_PL_SKF) {
			/* RFC 7296 3.14, RFC 7383 2.5: the Encrypted (Fragment) payload is last */
			if (inner || pos != end)
				return IKE_FAIL(err, IKE_PERR_MALFORMED, pos, "%s %s",
						ike_pl_name(next), inner ? "payload inside SK" :
						"payload not the last one");
			msg->sk_index = msg->npl - 1;
			msg->sk_first_inner = w.next;
			return 0;
		}
		next = w.next;
	}
	if (pos != end)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pos, "%u octets after the last payload",
				end - pos);
	return 0;
}

/* ---- pass two: decode each payload within its validated body ---- */

static int
decode_ts(struct ike_msg *msg, struct ike_pl *pl, struct ike_perr *err)
{
	const uint8_t *p = pl->body.p;
	uint32_t left = pl->body.len - 4, pos = 4;
	uint8_t n = p[0];

	if (n == 0)
		return IKE_FAIL(err, IKE_PERR_MALFORMED, pl->body.off, "no traffic selector");
	pl->u.ts.first = msg->nts;
	for (unsigned int i = 0; i < n; i++) {
		struct ike_ts_wire w;
		struct ike_ts *ts;
		uint32_t tlen, alen;

		if (left < sizeof(w))
			return IKE_FAIL(err, IKE_PERR_TRUNCATED, pl->body.off + pos,
					"selector %u of %u", i + 1, n);
		memcpy(&w, p + pos, sizeof(w));
		tlen = ike_get16(w.length);
		if (w.type == IKE_TS_IPV4_ADDR_RANGE)
			alen = 4;
		else if (w.type == IKE_TS_IPV6_ADDR_RANGE)
			alen = 16;
		else
			return IKE_FAIL(err, IKE_PERR_MALFORMED, pl->body.off + pos,
					"selector type %u", w.type);
		if (tlen != sizeof(w) + 2 * alen || tlen > left)
			return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pl->body.off + pos + 2,
					"selector length %u (type %u), %u left", tlen, w.type,
					left);
		if (msg->nts >= IKE_MAX_TS)
			return IKE_FAIL(err, IKE_PERR_TOO_MANY, pl->body.off + pos,
					"more than %d selectors", IKE_MAX_TS);
		ts = &msg->ts[msg->nts++];
		memset(ts, 0, sizeof(*ts));
		ts->type = w.type;
		ts->proto = w.proto;
		ts->sport = ike_get16(w.sport);
		ts->eport = ike_get16(w.eport);
		memcpy(ts->start, p + pos + sizeof(w), alen);
		memcpy(ts->end, p + pos + sizeof(w) + alen, alen);
		pos += tlen;
		left -= tlen;
	}
	if (left != 0)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pl->body.off + pos,
				"%u octets after the selectors", left);
	pl->u.ts.n = n;
	return 0;
}

static int
decode_notify(struct ike_pl *pl, struct ike_perr *err)
{
	const uint8_t *p = pl->body.p;
	uint8_t spi_size = p[1];

	if (4u + spi_size > pl->body.len)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pl->body.off + 1, "SPI size %u in %u "
				"octets", spi_size, pl->body.len);
	pl->u.notify.proto = p[0];
	pl->u.notify.spi_size = spi_size;
	pl->u.notify.type = ike_get16(p + 2);
	pl->u.notify.spi = (struct ike_span){ p + 4, spi_size, pl->body.off + 4 };
	pl->u.notify.data = (struct ike_span){ p + 4 + spi_size, pl->body.len - 4 - spi_size,
					       pl->body.off + 4 + spi_size };
	return 0;
}

static int
decode_delete(struct ike_pl *pl, struct ike_perr *err)
{
	const uint8_t *p = pl->body.p;
	uint16_t n = ike_get16(p + 2);

	pl->u.del.proto = p[0];
	pl->u.del.spi_size = p[1];
	pl->u.del.n = n;
	if ((uint32_t)p[1] * n != pl->body.len - 4)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, pl->body.off, "%u SPIs of %u octets in "
				"%u octets", n, p[1], pl->body.len - 4);
	if ((p[0] == IKE_PROTO_IKE && p[1] != 0) ||
	    ((p[0] == IKE_PROTO_ESP || p[0] == IKE_PROTO_AH) && p[1] != 4))
		return IKE_FAIL(err, IKE_PERR_MALFORMED, pl->body.off, "protocol %u with SPI "
				"size %u", p[0], p[1]);
	pl->u.del.spis = (struct ike_span){ p + 4, pl->body.len - 4, pl->body.off + 4 };
	return 0;
}

static void
decode_simple(struct ike_pl *pl)
{
	const uint8_t *p = pl->body.p;
	struct ike_span rest = { p + 4, pl->body.len - 4, pl->body.off + 4 };

	switch (pl->type) {
	case IKE_PL_KE:
		pl->u.ke.group = ike_get16(p);
		pl->u.ke.data = rest;
		break;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		pl->u.id.type = p[0];
		pl->u.id.data = rest;
		break;
	case IKE_PL_AUTH:
		pl->u.auth.method = p[0];
		pl->u.auth.data = rest;
		break;
	case IKE_PL_CERT:
	case IKE_PL_CERTREQ:
		pl->u.cert.encoding = p[0];
		pl->u.cert.data = (struct ike_span){ p + 1, pl->body.len - 1, pl->body.off + 1 };
		break;
	case IKE_PL_SK:
		pl->u.sk.data = pl->body;
		break;
	default:
		break;
	}
}

/*
 * RFC 7383 2.5: Fragment Number (1..Total) and Total Fragments (>= 1, at
 * most IKE_FRAG_MAX, what we reassemble); IV || ciphertext || ICV follow.
 */
static int
decode_skf(struct ike_msg *msg, struct ike_pl *pl, struct ike_perr *err)
{
	const uint8_t *p = pl->body.p;
	uint16_t num = ike_get16(p), total = ike_get16(p + 2);

	if (total == 0 || total > IKE_FRAG_MAX)
		return IKE_FAIL(err, IKE_PERR_MALFORMED, pl->body.off + 2, "Total Fragments %u, "
				"allowed 1..%d", total, IKE_FRAG_MAX);
	if (num == 0 || num > total)
		return IKE_FAIL(err, IKE_PERR_MALFORMED, pl->body.off, "Fragment Number %u of %u",
				num, total);
	msg->frag_num = num;
	msg->frag_total = total;
	pl->u.sk.data = (struct ike_span){ p + 4, pl->body.len - 4, pl->body.off + 4 };
	return 0;
}

static int
decode_all(struct ike_msg *msg, uint16_t from, struct ike_perr *err)
{
	int rc = 0;

	for (uint16_t i = from; i < msg->npl && rc == 0; i++) {
		struct ike_pl *pl = &msg->pl[i];

		switch (pl->type) {
		case IKE_PL_SA:
			rc = ike_decode_sa(msg, pl, err);
			break;
		case IKE_PL_TSI:
		case IKE_PL_TSR:
			rc = decode_ts(msg, pl, err);
			break;
		case IKE_PL_NOTIFY:
			rc = decode_notify(pl, err);
			break;
		case IKE_PL_DELETE:
			rc = decode_delete(pl, err);
			break;
		case IKE_PL_SKF:
			rc = decode_skf(msg, pl, err);
			break;
		default:
			decode_simple(pl);
		}
	}
	return rc;
}

int
ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *msg, struct ike_perr *err)
{
	int rc;

	memset(err, 0, sizeof(*err));
	msg->npl = msg->nprop = msg->nxf = msg->nts = msg->unknown = 0;
	msg->sk_index = -1;
	msg->sk_first_inner = 0;
	msg->frag_num = msg->frag_total = 0;
	rc = ike_hdr_parse(buf, len, &msg->hdr, err);
	if (rc < 0)
		return rc;
	msg->len = msg->hdr.length;
	rc = chain_validate(buf, IKE_HDR_LEN, msg->len, msg->hdr.next, false, msg, err);
	if (rc < 0)
		return rc;
	return decode_all(msg, 0, err);
}

int
ike_msg_parse_inner(const uint8_t *plain, size_t len, uint8_t first, struct ike_msg *msg,
		    struct ike_perr *err)
{
	uint16_t from = msg->npl;
	int rc;

	memset(err, 0, sizeof(*err));
	if (len > IKE_MAX_MSG)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, 0, "inner chain of %zu octets", len);
	rc = chain_validate(plain, 0, (uint32_t)len, first, true, msg, err);
	if (rc < 0)
		return rc;
	return decode_all(msg, from, err);
}

const struct ike_pl *
ike_msg_find_nth(const struct ike_msg *msg, uint8_t type, unsigned int n)
{
	for (uint16_t i = 0; i < msg->npl; i++)
		if (msg->pl[i].type == type && n-- == 0)
			return &msg->pl[i];
	return NULL;
}

const struct ike_pl *
ike_msg_find(const struct ike_msg *msg, uint8_t type)
{
	return ike_msg_find_nth(msg, type, 0);
}

const struct ike_pl *
ike_msg_notify(const struct ike_msg *msg, uint16_t type)
{
	for (uint16_t i = 0; i < msg->npl; i++)
		if (msg->pl[i].type == IKE_PL_NOTIFY && msg->pl[i].u.notify.type == type)
			return &msg->pl[i];
	return NULL;
}

const struct ike_pl *
ike_msg_error_notify(const struct ike_msg *msg)
{
	for (uint16_t i = 0; i < msg->npl; i++)
		if (msg->pl[i].type == IKE_PL_NOTIFY &&
		    msg->pl[i].u.notify.type <= IKE_N_ERROR_MAX)
			return &msg->pl[i];
	return NULL;
}
