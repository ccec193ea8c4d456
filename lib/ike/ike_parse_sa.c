/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA payload (RFC 7296 3.3): proposals, transforms, transform attributes.
 * Each substructure is bounded by its parent's declared length, which is
 * checked against what is left before anything inside it is read.
 */
#include <errno.h>
#include <string.h>

#include "ike_msg.h"
#include "ike_priv.h"

/* Attributes of one transform: only Key Length (TV) is defined (RFC 7296 3.3.5). */
static int
decode_attrs(const uint8_t *p, uint32_t len, uint32_t off, struct ike_xf *xf,
	     struct ike_perr *err)
{
	uint32_t pos = 0;

	while (pos < len) {
		uint16_t type, alen;

		if (len - pos < 4)
			return IKE_FAIL(err, IKE_PERR_TRUNCATED, off + pos, "attribute header");
		type = ike_get16(p + pos);
		if (type & IKE_ATTR_TV) {
			if ((type & ~IKE_ATTR_TV) != IKE_ATTR_KEY_LENGTH)
				return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos,
						"attribute type %u", type & ~IKE_ATTR_TV);
			if (xf->key_len != 0)
				return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos,
						"Key Length twice");
			xf->key_len = ike_get16(p + pos + 2);
			if (xf->key_len == 0)
				return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos,
						"Key Length 0");
			pos += 4;
			continue;
		}
		/* TLV: no TLV attribute is defined for IKEv2; refuse what we cannot read */
		alen = ike_get16(p + pos + 2);
		if (alen > len - pos - 4)
			return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, off + pos + 2,
					"attribute length %u, %u left", alen, len - pos - 4);
		return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos, "TLV attribute type %u", type);
	}
	return 0;
}

static int
decode_transforms(struct ike_msg *msg, struct ike_prop *prop, const uint8_t *p, uint32_t len,
		  uint32_t off, struct ike_perr *err)
{
	uint32_t pos = 0;

	prop->first_xf = msg->nxf;
	for (unsigned int i = 0; i < prop->nxf; i++) {
		struct ike_xf_wire w;
		uint32_t tlen;
		struct ike_xf *xf;
		int rc;

		if (len - pos < sizeof(w))
			return IKE_FAIL(err, IKE_PERR_TRUNCATED, off + pos, "transform %u of %u",
					i + 1, prop->nxf);
		memcpy(&w, p + pos, sizeof(w));
		tlen = ike_get16(w.length);
		if (tlen < sizeof(w) || tlen > len - pos)
			return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, off + pos + 2,
					"transform length %u, %u left", tlen, len - pos);
		if ((w.last == 0) != (i + 1 == prop->nxf) || (w.last != 0 && w.last != 3))
			return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos, "transform %u of %u "
					"says last = %u", i + 1, prop->nxf, w.last);
		if (msg->nxf >= IKE_MAX_XFS)
			return IKE_FAIL(err, IKE_PERR_TOO_MANY, off + pos, "more than %d "
					"transforms", IKE_MAX_XFS);
		xf = &msg->xf[msg->nxf++];
		memset(xf, 0, sizeof(*xf));
		xf->type = w.type;
		xf->id = ike_get16(w.id);
		rc = decode_attrs(p + pos + sizeof(w), tlen - (uint32_t)sizeof(w),
				  off + pos + (uint32_t)sizeof(w), xf, err);
		if (rc < 0)
			return rc;
		pos += tlen;
	}
	if (pos != len)
		return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, off + pos, "%u octets after the "
				"transforms", len - pos);
	return 0;
}

int
ike_decode_sa(struct ike_msg *msg, struct ike_pl *pl, struct ike_perr *err)
{
	const uint8_t *p = pl->body.p;
	uint32_t len = pl->body.len, pos = 0, off = pl->body.off;
	unsigned int expect = 1;

	pl->u.sa.first = msg->nprop;
	while (pos < len) {
		struct ike_prop_wire w;
		struct ike_prop *prop;
		uint32_t plen, hlen;
		int rc;

		if (len - pos < sizeof(w))
			return IKE_FAIL(err, IKE_PERR_TRUNCATED, off + pos, "proposal header");
		memcpy(&w, p + pos, sizeof(w));
		plen = ike_get16(w.length);
		hlen = (uint32_t)sizeof(w) + w.spi_size;
		if (plen < hlen || plen > len - pos)
			return IKE_FAIL(err, IKE_PERR_BAD_LENGTH, off + pos + 2, "proposal length "
					"%u (SPI size %u), %u left", plen, w.spi_size, len - pos);
		if (w.spi_size > 8 || (w.last != 0 && w.last != 2) ||
		    (w.last == 0) != (pos + plen == len))
			return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos, "proposal: SPI size "
					"%u, last %u", w.spi_size, w.last);
		/* RFC 7296 3.3.1: the first is 1, each next one more */
		if (w.num != expect)
			return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos + 4, "proposal number "
					"%u, expected %u", w.num, expect);
		if (w.nxf == 0)
			return IKE_FAIL(err, IKE_PERR_MALFORMED, off + pos + 7, "no transform");
		if (msg->nprop >= IKE_MAX_PROPS)
			return IKE_FAIL(err, IKE_PERR_TOO_MANY, off + pos, "more than %d proposals",
					IKE_MAX_PROPS);
		prop = &msg->prop[msg->nprop++];
		memset(prop, 0, sizeof(*prop));
		prop->num = w.num;
		prop->proto = w.proto;
		prop->spi_size = w.spi_size;
		memcpy(prop->spi, p + pos + sizeof(w), w.spi_size);
		prop->nxf = w.nxf;
		rc = decode_transforms(msg, prop, p + pos + hlen, plen - hlen, off + pos + hlen,
				       err);
		if (rc < 0)
			return rc;
		pos += plen;
		expect = w.num + 1u;
		pl->u.sa.n++;
	}
	return 0;
}
