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
		if (memcmp(p->sa.cky_i, icky, GDOI_COOKIE_LEN) == 0 &&
		    (rcky == NULL || memcmp(p->sa.cky_r, rcky, GDOI_COOKIE_LEN) == 0))
			return p;
	return NULL;
}

static void
p1_free(struct gks_p1 *p)
{
	gks_last_free(&p->last);
	for (unsigned int i = 0; i < IKE1_P2_SLOTS; i++)
		gks_last_free(&p->pulls[i].last);
	ike1_sa_wipe(&p->sa);
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
}

static void
p1_unlink(struct gks_server *s, struct gks_p1 *p)
{
	struct gks_p1 **pp = &s->p1[bucket(p->sa.cky_i)];

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
	if (gks_log_ok(s))
		GW_LOG(ike, WARNING, "gks: phase 1 with %s failed: %s%s",
		       gks_prefix_str(&p->peer_addr, a, sizeof(a)), fmt, detail);
	p1_unlink(s, p);
}

/* A configured proposal that the member's transform matches (PSK only). */
static const struct gks_ike_prop *
prop_match(const struct gks_server *s, const struct ike1_xform *x)
{
	if (x->auth != GDOI_IKE_AUTH_PSK)
		return NULL;
	for (unsigned int i = 0; i < s->p.nprops; i++) {
		const struct gks_ike_prop *c = &s->p.props[i];

		if (c->enc == x->enc && c->hash == x->hash && c->group == x->group &&
		    (c->enc != GDOI_IKE_ENC_AES_CBC || c->key_bits == x->key_bits))
			return c;
	}
	return NULL;
}

static void
hdr_of(const struct gks_p1 *p, uint8_t flags, struct gdoi_hdr *h)
{
	ike1_sa_hdr(&p->sa, GDOI_EXCH_IDPROT, flags, 0, h);
}

static void
mm1(struct gks_server *s, int fd, const struct sockaddr *from, socklen_t fromlen,
    uint8_t *buf, size_t len, const struct gdoi_hdr *h)
{
	static struct gdoi_msg msg;
	const struct gdoi_xform *chosen = NULL;
	const struct gks_ike_prop *mine = NULL;
	const struct gdoi_prop *pr = NULL;
	const struct gdoi_pl *sa;
	struct ike1_xform x;
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
		if (gks_log_ok(s))
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

			if (ike1_xform_decode(&xf->attrs, &x) == 0 &&
			    (mine = prop_match(s, &x)) != NULL)
				chosen = xf;
		}
	}
	if (chosen == NULL) {
		s->st.no_proposal++;
		if (gks_log_ok(s))
			GW_LOG(ike, WARNING, "gks: Main Mode from %s: no acceptable proposal "
			       "(pre-shared key with a configured ike proposal)",
			       gks_prefix_str(&peer, a, sizeof(a)));
		return;
	}
	if (s->np1 >= 65536 || sa->body.len > IKE1_SA_BODY_MAX) {
		s->st.p1_fail++;
		return;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return;
	do {
		if (ike1_sa_init(&p->sa, false) != 0) {
			free(p);
			return;
		}
		memcpy(p->sa.cky_i, h->icookie, GDOI_COOKIE_LEN);
	} while (gks_p1_find(s, p->sa.cky_i, p->sa.cky_r) != NULL);
	if (x.life_s == 0 || x.life_s > mine->lifetime_s)
		x.life_s = mine->lifetime_s;
	p->sa.xf = x;
	if (ike1_xform_check(&p->sa, &x) != 0) {
		s->st.no_proposal++;
		GW_LOG(ike, WARNING, "gks: Main Mode from %s: %s",
		       gks_prefix_str(&peer, a, sizeof(a)), p->sa.why);
		free(p);
		return;
	}
	memcpy(p->sa.sai_b, sa->body.p, sa->body.len);
	p->sa.sai_len = sa->body.len;
	p->sa.state = IKE1_ST_MM1;
	memcpy(&p->peer, from, fromlen);
	p->peer_len = fromlen;
	p->fd = fd;
	p->peer_addr = peer;
	p->created_ms = ctl_now_ms();
	p->expires_ms = p->created_ms + GKS_P1_SETUP_MS;
	p->next = s->p1[bucket(p->sa.cky_i)];
	s->p1[bucket(p->sa.cky_i)] = p;
	s->np1++;

	/* message 2: the chosen transform, as the member sent it */
	hdr_of(p, 0, &rh);
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

/* Message 4 once the DH is done: the keys, then KE and Nr back. */
static void
mm4(struct gks_server *s, struct gks_p1 *p, struct gks_dh_result *r)
{
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	size_t out_len;
	int rc = r->rc;

	if (rc != 0) {
		p1_fail(s, p, "cannot make a Diffie-Hellman key or g^xy: ", strerror(-rc));
		return;
	}
	memcpy(p->sa.g_xr, r->pub, r->pub_len);
	rc = ike1_sa_derive(&p->sa, p->psk, p->psk_len, r->shared, r->secret_len);
	if (rc != 0) {
		p1_fail(s, p, "message 3: ", p->sa.why);
		return;
	}
	gks_p1_log_keys(&p->sa);
	hdr_of(p, 0, &rh);
	gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
	gdoi_bld_data(&b, GDOI_PL_KE, p->sa.g_xr, p->sa.g_x_len);
	gdoi_bld_data(&b, GDOI_PL_NONCE, p->sa.nr, p->sa.nr_len);
	if (gdoi_bld_finish(&b, &out_len) != 0)
		return;
	p->sa.state = IKE1_ST_MM3;
	gks_reply(s, &p->last, p->fd, (struct sockaddr *)&p->peer, p->peer_len, s->txbuf,
		  out_len);
}

static void
mm3(struct gks_server *s, struct gks_p1 *p, uint8_t *buf, size_t len)
{
	static struct gdoi_msg msg;
	const struct gks_member_auth *auth;
	const struct gdoi_pl *ke, *ni;
	struct gdoi_perr err;
	unsigned int pos = 0;
	int rc;

	if (p->computing)	/* message 3 again while its DH runs: message 4 follows */
		return;
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
	p->sa.g_x_len = gdoi_dh_pub_len(p->sa.xf.group);
	if (ke->u.data.len != p->sa.g_x_len || p->sa.g_x_len > IKE1_KE_MAX ||
	    ni->u.data.len > sizeof(p->sa.ni)) {
		s->st.bad_msg++;
		p1_fail(s, p, "message 3: KE or nonce of the wrong size", "");
		return;
	}
	if (RAND_bytes(p->sa.nr, IKE1_NONCE_LEN) != 1) {
		p1_fail(s, p, "no randomness for the nonce", "");
		return;
	}
	p->sa.nr_len = IKE1_NONCE_LEN;
	memcpy(p->sa.g_xi, ke->u.data.p, p->sa.g_x_len);
	memcpy(p->sa.ni, ni->u.data.p, ni->u.data.len);
	p->sa.ni_len = ni->u.data.len;
	/* our key pair and g^xy on the helper thread (gks_async.c), then message 4 */
	rc = gks_async_dh(s, p, p->sa.g_xi, mm4);
	if (rc != 0)
		p1_fail(s, p, "cannot make a Diffie-Hellman key: ", strerror(-rc));
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
	static const uint8_t any[16];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct gks_prefix a = { 0 };

	if (p->fd >= 0 && getsockname(p->fd, (struct sockaddr *)&ss, &sl) == 0)
		gks_prefix_from_sa((struct sockaddr *)&ss, &a);
	if (s->p.nlisten != 0 && (a.family != p->peer_addr.family ||
				  memcmp(a.addr, any, sizeof(any)) == 0))
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
	uint8_t hash[GDOI_HASH_MAX], idd[16], iv[GDOI_CIPHER_BLOCK_MAX];
	const struct gdoi_pl *id, *hp;
	struct gdoi_ident me;
	struct gdoi_perr err = { 0 };
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	unsigned int pos = 0;
	size_t out_len, hoff, plen = p->sa.k.prf_len;
	char a[INET6_ADDRSTRLEN];
	int rc;

	memcpy(iv, p->sa.k.iv, sizeof(iv));
	rc = ike1_sa_p1_decrypt(&p->sa, buf, len);
	if (rc == 0)
		rc = gdoi_msg_parse(buf, len, GDOI_MSG_MM5, GDOI_PARSE_DECRYPTED, &msg, &err);
	if (rc != 0) {
		/* most often a pre-shared key that differs: nothing decrypts */
		s->st.auth_fail++;
		memcpy(p->sa.k.iv, iv, sizeof(iv));
		p1_fail(s, p, "message 5 does not decrypt to a valid message (pre-shared "
			"key mismatch?): ", err.msg);
		return;
	}
	id = gdoi_msg_find(&msg, GDOI_PL_ID, &pos);
	pos = 0;
	hp = gdoi_msg_find(&msg, GDOI_PL_HASH, &pos);
	if (hp == NULL ||
	    ike1_sa_auth_hash(&p->sa, true, id->body.p, id->body.len, hash) != 0 ||
	    hp->u.data.len != plen || !gdoi_hash_equal(hash, hp->u.data.p, plen)) {
		s->st.auth_fail++;
		p1_fail(s, p, "HASH_I does not verify (pre-shared key mismatch)", "");
		return;
	}
	if (!identity_ok(s, p, &id->u.id)) {
		s->st.auth_fail++;
		p1_fail(s, p, "identity not authorised: ", p->identity);
		return;
	}
	hdr_of(p, GDOI_FLAG_ENC, &rh);
	local_ident(s, p, idd, &me);
	gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
	gdoi_bld_id(&b, &me);
	hoff = b.len;
	gdoi_bld_data(&b, GDOI_PL_HASH, hash, plen);
	if (gdoi_bld_finish(&b, &out_len) != 0)
		return;
	/* HASH_R over IDir_b: the ID payload body, after its generic header */
	rc = ike1_sa_auth_hash(&p->sa, false, s->txbuf + GDOI_HDR_LEN + 4,
			       hoff - GDOI_HDR_LEN - 4, s->txbuf + hoff + 4);
	if (rc == 0)
		rc = ike1_sa_p1_encrypt(&p->sa, s->txbuf, out_len, sizeof(s->txbuf), &out_len);
	if (rc != 0)
		return;
	ike1_sa_established(&p->sa);
	p->expires_ms = ctl_now_ms() + (uint64_t)p->sa.xf.life_s * 1000;
	s->st.p1_done++;
	GW_LOG(ike, INFO, "gks: phase 1 with %s (%s) done, %s/%s, DH %u, %u s",
	       gks_prefix_str(&p->peer_addr, a, sizeof(a)), p->identity,
	       gdoi_cipher_name(p->sa.cipher), gdoi_hash_name(p->sa.hash), p->sa.xf.group,
	       p->sa.xf.life_s);
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
		if (p != NULL && p->sa.state != IKE1_ST_MM1)
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
	switch (p->sa.state) {
	case IKE1_ST_MM1:
		if (h->flags & GDOI_FLAG_ENC) {
			s->st.bad_msg++;
			return;
		}
		mm3(s, p, buf, len);
		break;
	case IKE1_ST_MM3:
		if (!(h->flags & GDOI_FLAG_ENC)) {
			s->st.bad_msg++;
			return;
		}
		mm5(s, p, buf, len);
		break;
	default:
		s->st.bad_msg++;
		break;
	}
}
