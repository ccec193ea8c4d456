/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payloads with inner structure: SA (RFC 2408 3.4 with Proposals 3.5 and
 * Transforms 3.6; RFC 6407 5.2 with nested SA KEK / SA TEK / GAP), SA KEK
 * (RFC 6407 5.3), SA TEK and Key Download.
 */

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gdoi_priv.h"
#include "gdoi_names.h"

/* RFC 2408 3.6: transforms of one proposal; Next Payload 3, the last 0. */
static int
parse_transforms(struct gdoi_cur *c, struct gdoi_msg *msg, struct gdoi_prop *prop,
		 uint8_t declared, struct gdoi_perr *err)
{
	uint8_t np = GDOI_PL_TRANSFORM;

	prop->first_xf = msg->nxf;
	prop->nxf = 0;
	while (np == GDOI_PL_TRANSFORM) {
		struct gdoi_wire_gen g;
		struct gdoi_wire_xform w;
		struct gdoi_xform *xf;
		struct gdoi_cur sub;
		uint32_t start = c->pos;
		int ret;

		if (msg->nxf >= GDOI_MAX_TRANSFORMS)
			return GDOI_FAIL(err, GDOI_PE_TOO_MANY, start,
					 "more than %u transforms at offset %u",
					 GDOI_MAX_TRANSFORMS, start);
		ret = CUR_TAKE(c, &g, sizeof(g), "transform header");
		if (ret < 0)
			return ret;
		ret = CUR_SUB(c, start, ntohs(g.length), sizeof(g) + sizeof(w), &sub,
			      "transform");
		if (ret < 0)
			return ret;
		ret = CUR_TAKE(&sub, &w, sizeof(w), "transform body");
		if (ret < 0)
			return ret;
		if (g.next_payload != GDOI_PL_TRANSFORM && g.next_payload != GDOI_PL_NONE)
			return GDOI_FAIL(err, GDOI_PE_CHAIN, start,
					 "transform Next Payload %u, want 3 or 0",
					 g.next_payload);
		xf = &msg->xf[msg->nxf++];
		xf->num = w.num;
		xf->id = w.id;
		xf->off = start;
		ret = gdoi_parse_attrs(&sub, &xf->attrs, err);
		if (ret < 0)
			return ret;
		prop->nxf++;
		np = g.next_payload;
	}
	if (cur_left(c) != 0)
		return GDOI_FAIL(err, GDOI_PE_TRAILING, c->pos,
				 "%u octets after the last transform of proposal %u",
				 cur_left(c), prop->num);
	if (prop->nxf != declared)
		return GDOI_FAIL(err, GDOI_PE_FIELD, prop->off,
				 "proposal %u declares %u transforms, carries %u", prop->num,
				 declared, prop->nxf);
	return 0;
}

/* RFC 2408 3.5: proposals of an SA; Next Payload 2, the last 0. */
static int
parse_proposals(struct gdoi_cur *c, struct gdoi_msg *msg, struct gdoi_sa *sa,
		struct gdoi_perr *err)
{
	uint8_t np = GDOI_PL_PROPOSAL;

	sa->first_prop = msg->nprop;
	sa->nprop = 0;
	if (cur_left(c) == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, c->pos, "SA without a proposal");
	while (np == GDOI_PL_PROPOSAL) {
		struct gdoi_wire_gen g;
		struct gdoi_wire_prop w;
		struct gdoi_prop *prop;
		struct gdoi_cur sub;
		uint32_t start = c->pos;
		int ret;

		if (msg->nprop >= GDOI_MAX_PROPOSALS)
			return GDOI_FAIL(err, GDOI_PE_TOO_MANY, start,
					 "more than %u proposals at offset %u",
					 GDOI_MAX_PROPOSALS, start);
		ret = CUR_TAKE(c, &g, sizeof(g), "proposal header");
		if (ret < 0)
			return ret;
		ret = CUR_SUB(c, start, ntohs(g.length), sizeof(g) + sizeof(w), &sub,
			      "proposal");
		if (ret < 0)
			return ret;
		ret = CUR_TAKE(&sub, &w, sizeof(w), "proposal body");
		if (ret < 0)
			return ret;
		if (g.next_payload != GDOI_PL_PROPOSAL && g.next_payload != GDOI_PL_NONE)
			return GDOI_FAIL(err, GDOI_PE_CHAIN, start,
					 "proposal Next Payload %u, want 2 or 0", g.next_payload);
		prop = &msg->prop[msg->nprop++];
		prop->num = w.num;
		prop->proto = w.proto;
		prop->spi_size = w.spi_size;
		prop->off = start;
		ret = CUR_VIEW(&sub, &prop->spi, w.spi_size, "proposal SPI");
		if (ret < 0)
			return ret;
		if (w.ntransforms == 0)
			return GDOI_FAIL(err, GDOI_PE_FIELD, start,
					 "proposal %u without a transform", w.num);
		ret = parse_transforms(&sub, msg, prop, w.ntransforms, err);
		if (ret < 0)
			return ret;
		sa->nprop++;
		np = g.next_payload;
	}
	if (cur_left(c) != 0)
		return GDOI_FAIL(err, GDOI_PE_TRAILING, c->pos,
				 "%u octets after the last proposal", cur_left(c));
	return 0;
}

int
gdoi_parse_sa_body(struct gdoi_cur *c, struct gdoi_msg *msg, uint16_t idx,
		   struct gdoi_perr *err)
{
	struct gdoi_sa *sa = &msg->pl[idx].u.sa;
	struct gdoi_wire_sa w;
	int ret;

	ret = CUR_TAKE(c, &w, sizeof(w), "SA DOI and situation");
	if (ret < 0)
		return ret;
	sa->doi = ntohl(w.doi);
	sa->situation = ntohl(w.situation);
	if (sa->doi == GDOI_DOI_GDOI && gdoi_exch_has_gdoi_sa(msg->hdr.exchange)) {
		uint8_t tail[4];
		uint16_t first;

		ret = CUR_TAKE(c, tail, sizeof(tail), "SA Attribute Next Payload");
		if (ret < 0)
			return ret;
		first = gdoi_get16(tail);
		if (first > 0xff)
			return GDOI_FAIL(err, GDOI_PE_FIELD, c->pos - 4,
					 "SA Attribute Next Payload %u is not a payload type",
					 first);
		sa->gdoi = true;
		sa->first_child = msg->npl;
		ret = gdoi_parse_chain(c, (uint8_t)first, idx + 1, msg, err);
		if (ret < 0)
			return ret;
		sa->nchild = msg->npl - sa->first_child;
		if (cur_left(c) != 0)
			return GDOI_FAIL(err, GDOI_PE_TRAILING, c->pos,
					 "%u octets after the last SA attribute payload",
					 cur_left(c));
		return 0;
	}
	if (sa->doi != GDOI_DOI_IPSEC && sa->doi != GDOI_DOI_GDOI)
		return GDOI_FAIL(err, GDOI_PE_UNSUPPORTED, msg->pl[idx].off, "SA DOI %u",
				 sa->doi);
	/* RFC 2407 4.2: secrecy / integrity labels would follow; nobody sends them */
	if (sa->situation & (GDOI_SIT_SECRECY | GDOI_SIT_INTEGRITY))
		return GDOI_FAIL(err, GDOI_PE_UNSUPPORTED, msg->pl[idx].off,
				 "labelled situation 0x%x", sa->situation);
	return parse_proposals(c, msg, sa, err);
}

/*
 * One SRC/DST identity: SA KEK (1-octet Data Len) or SA TEK (2 octets; 1 in
 * the RFC 3547 layout, len2 false).
 */
static int
parse_sel(struct gdoi_cur *c, struct gdoi_ident *id, bool len2, const char *what,
	  struct gdoi_perr *err)
{
	uint8_t h[sizeof(struct gdoi_wire_tek_id)];
	uint32_t hlen = len2 ? sizeof(struct gdoi_wire_tek_id) : sizeof(struct gdoi_wire_kek_id);
	uint32_t start = c->pos;
	uint32_t dlen;
	int want, ret;

	ret = CUR_TAKE(c, h, hlen, what);
	if (ret < 0)
		return ret;
	id->type = h[0];
	id->proto = 0;
	id->port = gdoi_get16(h + 1);
	dlen = len2 ? gdoi_get16(h + 3) : h[3];
	ret = CUR_VIEW(c, &id->data, dlen, what);
	if (ret < 0)
		return ret;
	want = gdoi_ident_size(id->type);
	if (want >= 0 && dlen != (uint32_t)want)
		return GDOI_FAIL(err, GDOI_PE_FIELD, start, "%s %s of %u octets, want %d",
				 what, gdoi_id_type_name(id->type), dlen, want);
	return 0;
}

/* RFC 6407 5.3 */
int
gdoi_parse_sak(struct gdoi_cur *c, struct gdoi_sak *sak, struct gdoi_perr *err)
{
	struct gdoi_span tail;
	int ret;

	ret = CUR_TAKE(c, &sak->proto, 1, "SA KEK protocol");
	if (ret < 0)
		return ret;
	ret = parse_sel(c, &sak->src, false, "SA KEK SRC ID", err);
	if (ret < 0)
		return ret;
	ret = parse_sel(c, &sak->dst, false, "SA KEK DST ID", err);
	if (ret < 0)
		return ret;
	ret = CUR_VIEW(c, &tail, GDOI_SAK_TAIL_LEN, "SA KEK SPI and RESERVED2");
	if (ret < 0)
		return ret;
	sak->spi = tail.p;
	/* type 0 is reserved anyway: say what it most likely is */
	if (cur_left(c) >= 2 && c->base[c->pos] == 0 && c->base[c->pos + 1] == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, c->pos,
				 "SA KEK attributes start with 2 zero octets at offset %u: the "
				 "22-octet SPI tail of upstream gdoid? RFC 6407 has 20", c->pos);
	return gdoi_parse_attrs(c, &sak->attrs, err);
}

/* RFC 6407 (SA TEK) */
int
gdoi_parse_sat(struct gdoi_cur *c, struct gdoi_sat *sat, bool id_len1, struct gdoi_perr *err)
{
	uint8_t spi[4];
	int ret;

	ret = CUR_TAKE(c, &sat->proto_id, 1, "SA TEK Protocol-ID");
	if (ret < 0)
		return ret;
	sat->esp_ah = sat->proto_id == GDOI_TEK_PROTO_ESP || sat->proto_id == GDOI_TEK_PROTO_AH;
	if (!sat->esp_ah) {
		/* another TEK protocol (RFC 8052 ...): kept whole for its own decoder */
		sat->raw = cur_span(c, cur_left(c));
		c->pos = c->end;
		return 0;
	}
	ret = CUR_TAKE(c, &sat->ip_proto, 1, "SA TEK protocol");
	if (ret < 0)
		return ret;
	ret = parse_sel(c, &sat->src, !id_len1, "SA TEK SRC ID", err);
	if (ret < 0)
		return ret;
	ret = parse_sel(c, &sat->dst, !id_len1, "SA TEK DST ID", err);
	if (ret < 0)
		return ret;
	ret = CUR_TAKE(c, &sat->transform_id, 1, "SA TEK Transform ID");
	if (ret < 0)
		return ret;
	ret = CUR_TAKE(c, spi, sizeof(spi), "SA TEK SPI");
	if (ret < 0)
		return ret;
	sat->spi = gdoi_get32(spi);
	return gdoi_parse_attrs(c, &sat->attrs, err);
}

/* RFC 6407 (KD): Number of Key Packets, then exactly that many key packets. */
int
gdoi_parse_kd(struct gdoi_cur *c, struct gdoi_msg *msg, struct gdoi_kd *kd,
	      struct gdoi_perr *err)
{
	struct gdoi_wire_kd w;
	unsigned int i;
	int ret;

	ret = CUR_TAKE(c, &w, sizeof(w), "KD header");
	if (ret < 0)
		return ret;
	kd->nkp = ntohs(w.nkp);
	kd->first_kp = msg->nkp;
	if (kd->nkp == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, c->pos - 4, "KD without key packets");
	for (i = 0; i < kd->nkp; i++) {
		struct gdoi_wire_kp kw;
		struct gdoi_cur sub;
		struct gdoi_kp *kp;
		uint32_t start = c->pos;

		if (msg->nkp >= GDOI_MAX_KEY_PACKETS)
			return GDOI_FAIL(err, GDOI_PE_TOO_MANY, start,
					 "more than %u key packets at offset %u",
					 GDOI_MAX_KEY_PACKETS, start);
		ret = CUR_TAKE(c, &kw, GDOI_WIRE_KP_LEN, "key packet header");
		if (ret < 0)
			return ret;
		ret = CUR_SUB(c, start, ntohs(kw.length), GDOI_WIRE_KP_LEN, &sub, "key packet");
		if (ret < 0)
			return ret;
		kp = &msg->kp[msg->nkp++];
		kp->type = kw.type;
		kp->spi_size = kw.spi_size;
		kp->off = start;
		ret = CUR_VIEW(&sub, &kp->spi, kw.spi_size, "key packet SPI");
		if (ret < 0)
			return ret;
		ret = gdoi_parse_attrs(&sub, &kp->attrs, err);
		if (ret < 0)
			return ret;
	}
	if (cur_left(c) != 0)
		return GDOI_FAIL(err, GDOI_PE_TRAILING, c->pos,
				 "%u octets after key packet %u of %u", cur_left(c), kd->nkp,
				 kd->nkp);
	return 0;
}
