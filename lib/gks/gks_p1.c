/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv1 Main Mode responder with pre-shared keys (RFC 2409 5), the key
 * server's phase 1. The pre-shared key is chosen by the member's address
 * (message 3: it is needed before the member's identity can be decrypted),
 * from the first group that authorises that address; message 5's identity is
 * then checked against that authorisation (lib/gks/README.md).
 *
 *   MM1 SA            -> MM2 SA (the first acceptable transform, as sent)
 *   MM3 KE, Ni        -> MM4 KE, Nr      (keys derived)
 *   MM5* IDii, HASH_I -> MM6* IDir, HASH_R
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "gw_log.h"
#include "gks_priv.h"

static unsigned int
bucket(const uint8_t *icky)
{
	return (icky[0] ^ icky[3] ^ icky[7]) % GKS_P1_BUCKETS;
}

struct gks_p1 *
gks_p1_find(struct gks_server *s, const uint8_t *icky, const uint8_t *rcky)
{
	for (struct gks_p1 *p = s->p1[bucket(icky)]; p != NULL; p = p->next)
		if (memcmp(p->icky, icky, GDOI_COOKIE_LEN) == 0 &&
		    (rcky == NULL || memcmp(p->rcky, rcky, GDOI_COOKIE_LEN) == 0))
			return p;
	return NULL;
}

static void
p1_free(struct gks_p1 *p)
{
	gks_last_free(&p->last);
	for (unsigned int i = 0; i < GKS_PULLS; i++)
		gks_last_free(&p->pulls[i].last);
	gdoi_dh_free(p->dh);
	free(p->sai_b);
	gdoi_p1_keys_wipe(&p->keys);
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
}

static void
p1_unlink(struct gks_server *s, struct gks_p1 *p)
{
	struct gks_p1 **pp = &s->p1[bucket(p->icky)];

	while (*pp != NULL && *pp != p)
		pp = &(*pp)->next;
	if (*pp == p) {
		*pp = p->next;
		s->np1--;
	}
	p1_free(p);
}

void
gks_p1_sweep(struct gks_server *s, uint64_t now_ms, bool all)
{
	for (unsigned int b = 0; b < GKS_P1_BUCKETS; b++) {
		struct gks_p1 **pp = &s->p1[b], *p;

		while ((p = *pp) != NULL) {
			if (all || now_ms >= p->expires_ms) {
				*pp = p->next;
				s->np1--;
				p1_free(p);
			} else {
				pp = &p->next;
			}
		}
	}
}

static void
p1_fail(struct gks_server *s, struct gks_p1 *p, const char *fmt, const char *detail)
{
	char a[INET6_ADDRSTRLEN];

	s->st.p1_fail++;
	GW_LOG(ike, WARNING, "gks: phase 1 with %s failed: %s%s",
	       gks_prefix_str(&p->peer_addr, a, sizeof(a)), fmt, detail);
	p1_unlink(s, p);
}

/* The transform's attributes as a proposal; false if not PSK or incomplete. */
static bool
xform_prop(const struct gdoi_xform *x, struct gks_ike_prop *out)
{
	struct gdoi_attr a;
	uint32_t pos = 0;
	uint64_t v;
	bool psk = false;

	memset(out, 0, sizeof(*out));
	while (gdoi_attrs_next(&x->attrs, &pos, &a)) {
		if (gdoi_attr_uint(&a, &v) != 0)
			continue;
		switch (a.type) {
		case GDOI_IKE_ENCRYPTION_ALG:
			out->enc = (uint16_t)v;
			break;
		case GDOI_IKE_KEY_LENGTH:
			out->key_bits = (uint16_t)v;
			break;
		case GDOI_IKE_HASH_ALG:
			out->hash = (uint16_t)v;
			break;
		case GDOI_IKE_AUTH_METHOD:
			psk = v == GDOI_IKE_AUTH_PSK;
			break;
		case GDOI_IKE_GROUP_DESCRIPTION:
			out->group = (uint16_t)v;
			break;
		case GDOI_IKE_LIFE_DURATION:
			out->lifetime_s = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			break;
		}
	}
	return psk && out->enc != 0 && out->hash != 0 && out->group != 0;
}

static const struct gks_ike_prop *
prop_match(const struct gks_server *s, const struct gks_ike_prop *x)
{
	for (unsigned int i = 0; i < s->p.nprops; i++) {
		const struct gks_ike_prop *c = &s->p.props[i];

		if (c->enc == x->enc && c->hash == x->hash && c->group == x->group &&
		    (c->enc != GDOI_IKE_ENC_AES_CBC || c->key_bits == x->key_bits))
			return c;
	}
	return NULL;
}

static void
mm1(struct gks_server *s, int fd, const struct sockaddr *from, socklen_t fromlen,
    uint8_t *buf, size_t len, const struct gdoi_hdr *h)
{
	static struct gdoi_msg msg;
	const struct gdoi_xform *chosen = NULL;
	const struct gks_ike_prop *mine = NULL;
	const struct gdoi_prop *pr;
	const struct gdoi_pl *sa;
	struct gks_ike_prop x;
	struct gdoi_perr err;
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	struct gks_p1 *p;
	unsigned int pos = 0;
	size_t out_len;
	char a[INET6_ADDRSTRLEN];
	struct gks_prefix peer;

	gks_prefix_from_sa(from, &peer);
	if (gdoi_msg_parse(buf, len, GDOI_MSG_MM1, 0, &msg, &err) < 0) {
		s->st.bad_msg++;
		GW_LOG(ike, WARNING, "gks: Main Mode 1 from %s refused: %s",
		       gks_prefix_str(&peer, a, sizeof(a)), err.msg);
		return;
	}
	sa = gdoi_msg_find(&msg, GDOI_PL_SA, &pos);
	for (unsigned int i = 0; sa != NULL && i < sa->u.sa.nprop && chosen == NULL; i++) {
		pr = &msg.prop[sa->u.sa.first_prop + i];
		if (pr->proto != GDOI_PROTO_ISAKMP)
			continue;
		for (unsigned int j = 0; j < pr->nxf && chosen == NULL; j++) {
			const struct gdoi_xform *xf = &msg.xf[pr->first_xf + j];

			if (xform_prop(xf, &x) && (mine = prop_match(s, &x)) != NULL)
				chosen = xf;
		}
		if (chosen != NULL) {
			if (s->np1 >= 65536) {
				s->st.p1_fail++;
				return;
			}
			p = calloc(1, sizeof(*p));
			if (p == NULL)
				return;
			memcpy(p->icky, h->icookie, GDOI_COOKIE_LEN);
			do {
				if (RAND_bytes(p->rcky, GDOI_COOKIE_LEN) != 1) {
					free(p);
					return;
				}
			} while (gks_p1_find(s, p->icky, p->rcky) != NULL);
			memcpy(&p->peer, from, fromlen);
			p->peer_len = fromlen;
			p->fd = fd;
			p->peer_addr = peer;
			p->prop = *mine;
			p->prop.key_bits = x.key_bits;
			p->life_s = x.lifetime_s != 0 && x.lifetime_s < mine->lifetime_s ?
				x.lifetime_s : mine->lifetime_s;
			p->created_ms = ctl_now_ms();
			p->expires_ms = p->created_ms + GKS_P1_SETUP_MS;
			p->sai_b = malloc(sa->body.len);
			if (p->sai_b == NULL) {
				free(p);
				return;
			}
			memcpy(p->sai_b, sa->body.p, sa->body.len);
			p->sai_len = sa->body.len;
			p->state = GKS_P1_SA_SENT;
			p->next = s->p1[bucket(p->icky)];
			s->p1[bucket(p->icky)] = p;
			s->np1++;

			memset(&rh, 0, sizeof(rh));
			memcpy(rh.icookie, p->icky, GDOI_COOKIE_LEN);
			memcpy(rh.rcookie, p->rcky, GDOI_COOKIE_LEN);
			rh.exchange = GDOI_EXCH_IDPROT;
			gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
			gdoi_bld_sa_begin(&b, sa->u.sa.doi, sa->u.sa.situation, false);
			gdoi_bld_prop_begin(&b, pr->num, GDOI_PROTO_ISAKMP, NULL, 0);
			gdoi_bld_xform_begin(&b, chosen->num, chosen->id);
			gdoi_bld_put(&b, chosen->attrs.s.p, chosen->attrs.s.len);
			gdoi_bld_end(&b);
			gdoi_bld_end(&b);
			gdoi_bld_end(&b);
			if (gdoi_bld_finish(&b, &out_len) != 0) {
				p1_unlink(s, p);
				return;
			}
			gks_reply(s, &p->last, fd, from, fromlen, s->txbuf, out_len);
			return;
		}
	}
	s->st.no_proposal++;
	GW_LOG(ike, WARNING, "gks: Main Mode from %s: no acceptable proposal (pre-shared key "
	       "with a configured ike proposal)", gks_prefix_str(&peer, a, sizeof(a)));
}

/* The pre-shared key of the first group authorising the address. */
static const struct gks_member_auth *
auth_for(struct gks_server *s, const struct gks_prefix *peer)
{
	const struct gks_member_auth *m;

	for (unsigned int i = 0; i < s->ngroups; i++) {
		m = gks_auth_by_addr(&s->groups[i], peer);
		if (m != NULL)
			return m;
	}
	return NULL;
}

static void
p1_in(const struct gks_p1 *p, struct gdoi_p1_in *in)
{
	memset(in, 0, sizeof(*in));
	in->hash = p->keys.hash;
	in->cipher = p->keys.cipher;
	in->psk = p->psk;
	in->psk_len = p->psk_len;
	in->ni_b = p->ni;
	in->ni_len = p->ni_len;
	in->nr_b = p->nr;
	in->nr_len = GKS_NONCE_LEN;
	in->g_xi = p->g_xi;
	in->g_xr = p->g_xr;
	in->g_x_len = p->gx_len;
	in->cky_i = p->icky;
	in->cky_r = p->rcky;
}

static void
mm3(struct gks_server *s, struct gks_p1 *p, uint8_t *buf, size_t len)
{
	static struct gdoi_msg msg;
	const struct gks_member_auth *auth;
	const struct gdoi_pl *ke, *ni;
	uint8_t g_xy[GKS_DH_MAX];
	struct gdoi_p1_in in;
	struct gdoi_perr err;
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	unsigned int pos = 0;
	size_t out_len, glen;
	int rc;

	if (gdoi_msg_parse(buf, len, GDOI_MSG_MM3, 0, &msg, &err) < 0) {
		s->st.bad_msg++;
		p1_fail(s, p, "message 3: ", err.msg);
		return;
	}
	ke = gdoi_msg_find(&msg, GDOI_PL_KE, &pos);
	pos = 0;
	ni = gdoi_msg_find(&msg, GDOI_PL_NONCE, &pos);
	auth = auth_for(s, &p->peer_addr);
	if (auth == NULL) {
		s->st.auth_fail++;
		p1_fail(s, p, "no group authorises this address", "");
		return;
	}
	p->psk = auth->psk;
	p->psk_len = auth->psk_len;
	glen = gdoi_dh_pub_len(p->prop.group);
	if (ke->u.data.len != glen || glen > GKS_DH_MAX || ni->u.data.len > sizeof(p->ni)) {
		s->st.bad_msg++;
		p1_fail(s, p, "message 3: KE or nonce of the wrong size", "");
		return;
	}
	p->dh = gdoi_dh_new(p->prop.group);
	if (p->dh == NULL) {
		p1_fail(s, p, "cannot make a Diffie-Hellman key", "");
		return;
	}
	p->gx_len = glen;
	memcpy(p->g_xi, ke->u.data.p, glen);
	memcpy(p->ni, ni->u.data.p, ni->u.data.len);
	p->ni_len = ni->u.data.len;
	rc = gdoi_dh_public(p->dh, p->g_xr, glen);
	if (rc == 0)
		rc = gdoi_dh_shared(p->dh, p->g_xi, glen, g_xy, gdoi_dh_secret_len(p->prop.group));
	if (rc == 0 && RAND_bytes(p->nr, GKS_NONCE_LEN) != 1)
		rc = -EIO;
	if (rc != 0) {
		p1_fail(s, p, "message 3: Diffie-Hellman: ", strerror(-rc));
		return;
	}
	gdoi_dh_free(p->dh);
	p->dh = NULL;
	p->keys.hash = 0;
	p1_in(p, &in);
	rc = gdoi_hash_from_ike(p->prop.hash, &in.hash);
	if (rc == 0)
		rc = gdoi_cipher_from_ike(p->prop.enc, p->prop.key_bits, &in.cipher);
	in.g_xy = g_xy;
	in.g_xy_len = gdoi_dh_secret_len(p->prop.group);
	if (rc == 0)
		rc = gdoi_p1_psk_keys(&in, &p->keys);
	OPENSSL_cleanse(g_xy, sizeof(g_xy));
	if (rc != 0) {
		p1_fail(s, p, "key derivation: ", strerror(-rc));
		return;
	}
	memset(&rh, 0, sizeof(rh));
	memcpy(rh.icookie, p->icky, GDOI_COOKIE_LEN);
	memcpy(rh.rcookie, p->rcky, GDOI_COOKIE_LEN);
	rh.exchange = GDOI_EXCH_IDPROT;
	gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
	gdoi_bld_data(&b, GDOI_PL_KE, p->g_xr, glen);
	gdoi_bld_data(&b, GDOI_PL_NONCE, p->nr, GKS_NONCE_LEN);
	if (gdoi_bld_finish(&b, &out_len) != 0)
		return;
	p->state = GKS_P1_KE_SENT;
	gks_reply(s, &p->last, p->fd, (struct sockaddr *)&p->peer, p->peer_len, s->txbuf,
		  out_len);
}

/* The identity of message 5 against the authorisation that gave the key. */
static bool
identity_ok(const struct gks_server *s, struct gks_p1 *p, const struct gdoi_ident *id)
{
	const struct gks_member_auth *auth = NULL;
	struct gks_prefix a = { 0 };
	size_t n = id->data.len < sizeof(p->identity) - 1 ? id->data.len :
		   sizeof(p->identity) - 1;

	for (unsigned int i = 0; i < s->ngroups && auth == NULL; i++)
		auth = gks_auth_by_addr(&s->groups[i], &p->peer_addr);
	if (auth == NULL)
		return false;
	p->id_type = id->type;
	switch (id->type) {
	case GDOI_ID_IPV4_ADDR:
	case GDOI_ID_IPV6_ADDR:
		a.family = id->type == GDOI_ID_IPV4_ADDR ? AF_INET : AF_INET6;
		a.plen = a.family == AF_INET ? 32 : 128;
		memcpy(a.addr, id->data.p, id->data.len);
		gks_prefix_str(&a, p->identity, sizeof(p->identity));
		return auth->identity[0] == '\0' ? gks_prefix_contains(&auth->peer, &a) :
			strcmp(auth->identity, p->identity) == 0;
	case GDOI_ID_FQDN:
	case GDOI_ID_USER_FQDN:
	case GDOI_ID_KEY_ID:
		memcpy(p->identity, id->data.p, n);
		p->identity[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (p->identity[i] < 0x20 || p->identity[i] > 0x7e)
				p->identity[i] = '?';
		return auth->identity[0] != '\0' && strlen(auth->identity) == id->data.len &&
		       memcmp(auth->identity, id->data.p, id->data.len) == 0;
	}
	return false;
}

/* Our ID for message 6: the address the member sent to (or the first listened on). */
static void
local_ident(const struct gks_server *s, const struct gks_p1 *p, uint8_t *data,
	    struct gdoi_ident *id)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct gks_prefix a = { 0 };

	if (p->fd >= 0 && getsockname(p->fd, (struct sockaddr *)&ss, &sl) == 0)
		gks_prefix_from_sa((struct sockaddr *)&ss, &a);
	if (s->p.nlisten != 0 && (a.family != p->peer_addr.family ||
				  memcmp(a.addr, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) == 0))
		a = s->p.listen[0];
	if (a.family == 0)
		a.family = p->peer_addr.family;
	memset(id, 0, sizeof(*id));
	id->type = a.family == AF_INET6 ? GDOI_ID_IPV6_ADDR : GDOI_ID_IPV4_ADDR;
	id->proto = IPPROTO_UDP;
	id->port = s->p.port;
	memcpy(data, a.addr, 16);
	id->data.p = data;
	id->data.len = a.family == AF_INET6 ? 16 : 4;
}

static void
mm5(struct gks_server *s, struct gks_p1 *p, uint8_t *buf, size_t len)
{
	static struct gdoi_msg msg;
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX], hash[GDOI_HASH_MAX], idd[16];
	const struct gdoi_pl *id, *hp;
	struct gdoi_ident me;
	struct gdoi_p1_in in;
	struct gdoi_perr err;
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	unsigned int pos = 0;
	size_t out_len, hoff;
	int rc;

	memcpy(iv, p->keys.iv, sizeof(iv));
	rc = gdoi_msg_decrypt(p->keys.cipher, p->keys.enc_key, iv, buf, len);
	if (rc == 0)
		rc = gdoi_msg_parse(buf, len, GDOI_MSG_MM5, GDOI_PARSE_DECRYPTED, &msg, &err);
	if (rc != 0) {
		/* most often a pre-shared key that differs: nothing decrypts */
		s->st.auth_fail++;
		p1_fail(s, p, "message 5 does not decrypt to a valid message (pre-shared "
			"key mismatch?): ", rc == -EBADMSG || rc == -EPROTO ? err.msg : "");
		return;
	}
	id = gdoi_msg_find(&msg, GDOI_PL_ID, &pos);
	pos = 0;
	hp = gdoi_msg_find(&msg, GDOI_PL_HASH, &pos);
	p1_in(p, &in);
	if (hp == NULL ||
	    gdoi_p1_auth_hash(&p->keys, &in, true, p->sai_b, p->sai_len, id->body.p,
			      id->body.len, hash) != 0 ||
	    hp->u.data.len != p->keys.prf_len ||
	    !gdoi_hash_equal(hash, hp->u.data.p, p->keys.prf_len)) {
		s->st.auth_fail++;
		p1_fail(s, p, "HASH_I does not verify (pre-shared key mismatch)", "");
		return;
	}
	if (!identity_ok(s, p, &id->u.id)) {
		s->st.auth_fail++;
		p1_fail(s, p, "identity not authorised: ", p->identity);
		return;
	}
	memcpy(p->keys.iv, iv, sizeof(iv));	/* the last block of message 5 */

	memset(&rh, 0, sizeof(rh));
	memcpy(rh.icookie, p->icky, GDOI_COOKIE_LEN);
	memcpy(rh.rcookie, p->rcky, GDOI_COOKIE_LEN);
	rh.exchange = GDOI_EXCH_IDPROT;
	rh.flags = GDOI_FLAG_ENC;
	local_ident(s, p, idd, &me);
	gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
	gdoi_bld_id(&b, &me);
	hoff = b.len;
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, p->keys.prf_len);
	if (gdoi_bld_finish(&b, &out_len) != 0)
		return;
	/* IDir_b: the ID payload body, after its generic header */
	rc = gdoi_p1_auth_hash(&p->keys, &in, false, p->sai_b, p->sai_len,
			       s->txbuf + GDOI_HDR_LEN + 4, hoff - GDOI_HDR_LEN - 4,
			       s->txbuf + hoff + 4);
	if (rc == 0)
		rc = gdoi_msg_encrypt(p->keys.cipher, p->keys.enc_key, p->keys.iv, s->txbuf,
				      out_len, sizeof(s->txbuf), &out_len);
	if (rc != 0)
		return;
	p->state = GKS_P1_DONE;
	p->expires_ms = ctl_now_ms() + (uint64_t)p->life_s * 1000;
	free(p->sai_b);
	p->sai_b = NULL;
	s->st.p1_done++;
	{
		char a[INET6_ADDRSTRLEN];

		GW_LOG(ike, INFO, "gks: phase 1 with %s (%s) done, %s/%s, DH %u, %u s",
		       gks_prefix_str(&p->peer_addr, a, sizeof(a)), p->identity,
		       gdoi_cipher_name(p->keys.cipher), gdoi_hash_name(p->keys.hash),
		       p->prop.group, p->life_s);
	}
	gks_reply(s, &p->last, p->fd, (struct sockaddr *)&p->peer, p->peer_len, s->txbuf,
		  out_len);
}

void
gks_p1_input(struct gks_server *s, int fd, const struct sockaddr *from, socklen_t fromlen,
	     uint8_t *buf, size_t len, const struct gdoi_hdr *h)
{
	static const uint8_t zero[GDOI_COOKIE_LEN];
	struct gks_p1 *p;

	if (memcmp(h->rcookie, zero, GDOI_COOKIE_LEN) == 0) {
		p = gks_p1_find(s, h->icookie, NULL);
		if (p != NULL && gks_is_dup(s, &p->last, fd, from, fromlen))
			return;
		if (p != NULL && p->state != GKS_P1_SA_SENT)
			return;		/* a cookie in use: not a new exchange */
		if (p != NULL)
			p1_unlink(s, p);
		mm1(s, fd, from, fromlen, buf, len, h);
		return;
	}
	p = gks_p1_find(s, h->icookie, h->rcookie);
	if (p == NULL) {
		s->st.bad_msg++;
		return;
	}
	if (gks_is_dup(s, &p->last, fd, from, fromlen))
		return;
	switch (p->state) {
	case GKS_P1_SA_SENT:
		if (h->flags & GDOI_FLAG_ENC) {
			s->st.bad_msg++;
			return;
		}
		mm3(s, p, buf, len);
		break;
	case GKS_P1_KE_SENT:
		if (!(h->flags & GDOI_FLAG_ENC)) {
			s->st.bad_msg++;
			return;
		}
		mm5(s, p, buf, len);
		break;
	case GKS_P1_DONE:
		s->st.bad_msg++;
		break;
	}
}
