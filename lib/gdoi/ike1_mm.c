/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv1 Main Mode initiator with pre-shared keys (RFC 2409 5, 5.4), the first
 * phase of a GDOI registration (RFC 6407 3.1):
 *
 *   HDR, SA              -->
 *                        <--  HDR, SA
 *   HDR, KE, Ni          -->
 *                        <--  HDR, KE, Nr
 *   HDR*, IDii, HASH_I   -->
 *                        <--  HDR*, IDir, HASH_R
 *
 * Each function builds or checks one message; the caller sends, retransmits
 * and logs sa->why on a refusal.
 */
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "gdoi_names.h"
#include "ike1_sa.h"

#define WHY(sa, ...) snprintf((sa)->why, sizeof((sa)->why), __VA_ARGS__)

/* The parse result is large; one per thread (the control thread runs one exchange at a time). */
static _Thread_local struct gdoi_msg mm_msg;

static int
parse(struct ike1_sa *sa, const uint8_t *buf, size_t len, enum gdoi_msg_kind kind,
      unsigned int flags)
{
	struct gdoi_perr err;
	int ret = gdoi_msg_parse(buf, len, kind, flags, &mm_msg, &err);

	if (ret < 0) {
		WHY(sa, "%s: %.200s", gdoi_perr_name(err.code), err.msg);
		return ret;
	}
	if (memcmp(mm_msg.hdr.icookie, sa->cky_i, GDOI_COOKIE_LEN) != 0) {
		WHY(sa, "initiator cookie is not ours");
		return -EBADMSG;
	}
	if (sa->state != IKE1_ST_MM1 &&
	    memcmp(mm_msg.hdr.rcookie, sa->cky_r, GDOI_COOKIE_LEN) != 0) {
		WHY(sa, "responder cookie changed");
		return -EBADMSG;
	}
	if (mm_msg.hdr.msgid != 0) {
		WHY(sa, "Main Mode message with Message ID %08x", mm_msg.hdr.msgid);
		return -EBADMSG;
	}
	return 0;
}

static int
finish(struct gdoi_bld *b, size_t *len)
{
	return gdoi_bld_finish(b, len);
}

int
ike1_mm_i1(struct ike1_sa *sa, const struct ike1_xform *xf, unsigned int n,
	   uint8_t *buf, size_t cap, size_t *len)
{
	struct gdoi_hdr h;
	struct gdoi_bld b;
	size_t body;
	int ret;

	if (n == 0 || n > IKE1_MAX_XFORMS || !sa->initiator)
		return -EINVAL;
	ike1_sa_hdr(sa, GDOI_EXCH_IDPROT, 0, 0, &h);
	gdoi_bld_init(&b, buf, cap, &h);
	ike1_sa_payload(&b, xf, n, &body);
	ret = finish(&b, len);
	if (ret < 0)
		return ret;
	/* SAi_b: the SA payload body, for HASH_I and HASH_R */
	sa->sai_len = *len - body;
	if (sa->sai_len > sizeof(sa->sai_b))
		return -EMSGSIZE;
	memcpy(sa->sai_b, buf + body, sa->sai_len);
	sa->state = IKE1_ST_MM1;
	return 0;
}

int
ike1_mm_i2(struct ike1_sa *sa, const struct ike1_xform *offered, unsigned int n,
	   const uint8_t *buf, size_t len)
{
	const struct gdoi_pl *pl;
	const struct gdoi_prop *p;
	struct ike1_xform xf;
	unsigned int pos = 0, i;
	int ret;

	if (sa->state != IKE1_ST_MM1)
		return -EPROTO;
	ret = parse(sa, buf, len, GDOI_MSG_MM2, 0);
	if (ret < 0)
		return ret;
	pl = gdoi_msg_find(&mm_msg, GDOI_PL_SA, &pos);
	if (pl->u.sa.nprop != 1 || mm_msg.prop[pl->u.sa.first_prop].nxf != 1) {
		WHY(sa, "responder SA must hold one proposal with one transform (%u proposals)",
		    pl->u.sa.nprop);
		return -EBADMSG;
	}
	p = &mm_msg.prop[pl->u.sa.first_prop];
	if (p->proto != GDOI_PROTO_ISAKMP || mm_msg.xf[p->first_xf].id != GDOI_IKE_KEY_IKE) {
		WHY(sa, "responder proposal protocol %u transform %u, not ISAKMP KEY_IKE",
		    p->proto, mm_msg.xf[p->first_xf].id);
		return -EBADMSG;
	}
	if (ike1_xform_decode(&mm_msg.xf[p->first_xf].attrs, &xf) < 0) {
		WHY(sa, "responder transform attributes malformed");
		return -EBADMSG;
	}
	/* RFC 2409 5: the responder picks one of ours, unchanged */
	for (i = 0; i < n; i++)
		if (ike1_xform_equal(&xf, &offered[i]))
			break;
	if (i == n) {
		WHY(sa, "responder chose a transform we did not offer (enc %u/%u hash %u "
		    "group %u auth %u)", xf.enc, xf.key_bits, xf.hash, xf.group, xf.auth);
		return -EBADMSG;
	}
	ret = ike1_xform_check(sa, &xf);
	if (ret < 0)
		return ret;
	/* the lifetime is ours: a responder may only shorten it */
	if (xf.life_s == 0 || (offered[i].life_s != 0 && xf.life_s > offered[i].life_s))
		xf.life_s = offered[i].life_s;
	sa->xf = xf;
	memcpy(sa->cky_r, mm_msg.hdr.rcookie, GDOI_COOKIE_LEN);
	return 0;
}

int
ike1_mm_i3(struct ike1_sa *sa, uint8_t *buf, size_t cap, size_t *len)
{
	struct gdoi_hdr h;
	struct gdoi_bld b;
	int ret;

	if (sa->state != IKE1_ST_MM1)
		return -EPROTO;
	ret = ike1_sa_make_ke_nonce(sa);
	if (ret < 0)
		return ret;
	ike1_sa_hdr(sa, GDOI_EXCH_IDPROT, 0, 0, &h);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_KE, sa->g_xi, sa->g_x_len);
	gdoi_bld_data(&b, GDOI_PL_NONCE, sa->ni, sa->ni_len);
	ret = finish(&b, len);
	if (ret == 0)
		sa->state = IKE1_ST_MM3;
	return ret;
}

int
ike1_mm_i4_peer(struct ike1_sa *sa, const uint8_t *buf, size_t len)
{
	const struct gdoi_pl *ke, *nr;
	unsigned int pos = 0;
	int ret;

	if (sa->state != IKE1_ST_MM3)
		return -EPROTO;
	ret = parse(sa, buf, len, GDOI_MSG_MM4, 0);
	if (ret < 0)
		return ret;
	ke = gdoi_msg_find(&mm_msg, GDOI_PL_KE, &pos);
	pos = 0;
	nr = gdoi_msg_find(&mm_msg, GDOI_PL_NONCE, &pos);
	if (ke->u.data.len != sa->g_x_len) {
		WHY(sa, "responder KE is %u octets, DH group %u has %zu", ke->u.data.len,
		    sa->xf.group, sa->g_x_len);
		return -EBADMSG;
	}
	memcpy(sa->g_xr, ke->u.data.p, sa->g_x_len);
	memcpy(sa->nr, nr->u.data.p, nr->u.data.len);
	sa->nr_len = nr->u.data.len;
	return 0;
}

int
ike1_mm_i4(struct ike1_sa *sa, const uint8_t *psk, size_t psk_len, const uint8_t *buf,
	   size_t len)
{
	int ret = ike1_mm_i4_peer(sa, buf, len);

	return ret < 0 ? ret : ike1_sa_derive(sa, psk, psk_len, NULL, 0);
}

int
ike1_mm_i5(struct ike1_sa *sa, const uint8_t ip4[4], uint8_t *buf, size_t cap, size_t *len)
{
	return ike1_mm_i5_addr(sa, AF_INET, ip4, buf, cap, len);
}

int
ike1_mm_i5_addr(struct ike1_sa *sa, int family, const uint8_t *ip, uint8_t *buf, size_t cap,
		size_t *len)
{
	uint8_t hash[GDOI_HASH_MAX];
	size_t alen = family == AF_INET6 ? 16 : 4;
	/* IDii body: ID_IPV4/IPV6_ADDR, protocol and port 0 (as gdoid sends it) */
	uint8_t id_b[4 + 16] = { family == AF_INET6 ? GDOI_ID_IPV6_ADDR : GDOI_ID_IPV4_ADDR };
	struct gdoi_ident id = {
		.type = id_b[0], .data = { .p = ip, .len = (uint16_t)alen },
	};
	struct gdoi_hdr h;
	struct gdoi_bld b;
	size_t plain;
	int ret;

	if (sa->state != IKE1_ST_MM3 || !sa->keyed)
		return -EPROTO;
	memcpy(id_b + 4, ip, alen);
	ret = ike1_sa_auth_hash(sa, true, id_b, 4 + alen, hash);
	if (ret < 0)
		return ret;
	ike1_sa_hdr(sa, GDOI_EXCH_IDPROT, GDOI_FLAG_ENC, 0, &h);
	gdoi_bld_init(&b, buf, cap, &h);
	gdoi_bld_id(&b, &id);
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, gdoi_hash_len(sa->hash));
	ret = finish(&b, &plain);
	if (ret < 0)
		return ret;
	ret = ike1_sa_p1_encrypt(sa, buf, plain, cap, len);
	if (ret == 0)
		sa->state = IKE1_ST_MM5;
	return ret;
}

int
ike1_mm_i6(struct ike1_sa *sa, uint8_t *buf, size_t len)
{
	uint8_t saved_iv[GDOI_CIPHER_BLOCK_MAX];
	uint8_t hash[GDOI_HASH_MAX];
	const struct gdoi_pl *id, *hp;
	unsigned int pos = 0;
	struct gdoi_hdr h;
	struct gdoi_perr err;
	int ret;

	if (sa->state != IKE1_ST_MM5)
		return -EPROTO;
	if (gdoi_hdr_parse(buf, len, &h, &err) < 0 || !(h.flags & GDOI_FLAG_ENC)) {
		WHY(sa, "message 6 not encrypted or header malformed");
		return -EBADMSG;
	}
	memcpy(saved_iv, sa->k.iv, sizeof(saved_iv));
	ret = ike1_sa_p1_decrypt(sa, buf, len);
	if (ret < 0)
		return ret;
	ret = parse(sa, buf, len, GDOI_MSG_MM6, GDOI_PARSE_DECRYPTED);
	if (ret < 0)
		goto bad;
	id = gdoi_msg_find(&mm_msg, GDOI_PL_ID, &pos);
	pos = 0;
	hp = gdoi_msg_find(&mm_msg, GDOI_PL_HASH, &pos);
	if (hp == NULL) {
		WHY(sa, "message 6 has no HASH (signature authentication not supported)");
		ret = -EBADMSG;
		goto bad;
	}
	ret = ike1_sa_auth_hash(sa, false, id->body.p, id->body.len, hash);
	if (ret < 0)
		goto bad;
	if (hp->u.data.len != gdoi_hash_len(sa->hash) ||
	    !gdoi_hash_equal(hash, hp->u.data.p, hp->u.data.len)) {
		WHY(sa, "HASH_R does not verify (pre-shared key mismatch?)");
		ret = -EACCES;
		goto bad;
	}
	sa->peer_id_len = id->body.len < IKE1_ID_MAX ? id->body.len : IKE1_ID_MAX;
	memcpy(sa->peer_id, id->body.p, sa->peer_id_len);
	ike1_sa_established(sa);
	return 0;
bad:
	/* a forged or corrupted message 6 must not break the real one that follows */
	memcpy(sa->k.iv, saved_iv, sizeof(saved_iv));
	return ret;
}
