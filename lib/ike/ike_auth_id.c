/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH authentication, both halves and both methods (RFC 7296 2.15): our
 * ID payload, CERT / CERTREQ and AUTH (pre-shared key MAC or signature), and
 * the check of the peer's. The certificate work is lib/ike/cert's; this file
 * holds the daemon's credentials (per ike policy, loaded with the
 * configuration) and builds the octets AUTH covers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gw_log.h"
#include "ike_cert.h"
#include "ike_sa.h"

struct ike_certs {
	struct ike_cred *cred[GW_CONF_MAX_IKE];		/* by ike policy index */
	struct ike_trust *trust[GW_CONF_MAX_IKE];
};

static bool
uses_cert(const struct gw_conf_ike_policy *pol)
{
	return pol != NULL && pol->auth_method != GW_IKE_AUTHM_PSK;
}

void
ike_certs_free(struct ike_daemon *d)
{
	if (d->certs == NULL)
		return;
	for (unsigned int i = 0; i < GW_CONF_MAX_IKE; i++) {
		ike_cred_free(d->certs->cred[i]);
		ike_trust_free(d->certs->trust[i]);
	}
	free(d->certs);
	d->certs = NULL;
}

void
ike_certs_load(struct ike_daemon *d)
{
	struct ike_cert_status st;

	ike_certs_free(d);
	d->certs = calloc(1, sizeof(*d->certs));
	if (d->certs == NULL)
		return;
	for (unsigned int i = 0; i < d->conf.nb_policies; i++) {
		const struct gw_conf_ike_policy *p = &d->conf.policies[i];
		struct ike_trust *t;
		struct stat sb;
		int rc;

		if (!uses_cert(p))
			continue;
		d->certs->cred[i] = ike_cred_load(p->local_cert, p->private_key, &st);
		if (d->certs->cred[i] == NULL) {
			GW_LOG(ike, ERR, "ike policy %s: %s", p->name, st.reason);
			continue;
		}
		t = d->certs->trust[i] = ike_trust_new();
		if (t == NULL)
			continue;
		if (stat(p->trusted_ca, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = ike_trust_add_dir(t, p->trusted_ca, &st);
		else
			rc = ike_trust_add_file(t, p->trusted_ca, &st);
		if (rc != 0)
			GW_LOG(ike, ERR, "ike policy %s: %s", p->name, st.reason);
		GW_LOG(ike, INFO, "ike policy %s: certificate %s, %u trusted CAs", p->name,
		       p->local_cert, ike_trust_count(t));
	}
}

static unsigned int
pol_index(const struct ike_daemon *d, const struct ike_sa *sa)
{
	return (unsigned int)(sa->pol - d->conf.policies);
}

static struct ike_cred *
sa_cred(const struct ike_daemon *d, const struct ike_sa *sa)
{
	return d->certs != NULL && uses_cert(sa->pol) ? d->certs->cred[pol_index(d, sa)] : NULL;
}

static struct ike_trust *
sa_trust(const struct ike_daemon *d, const struct ike_sa *sa)
{
	return d->certs != NULL && uses_cert(sa->pol) ? d->certs->trust[pol_index(d, sa)] : NULL;
}

/* The gateway's configured identity (local or remote): 0, -ENOENT (none), -EINVAL. */
static int
conf_id(const struct gw_conf_ike_gateway *gw, bool local, struct ike_id *id)
{
	uint8_t type = local ? gw->local_id_type : gw->remote_id_type;
	const char *reason;

	if (type == 0)
		return -ENOENT;
	return ike_id_parse(ike_id_type_name(type), local ? gw->local_identity :
			    gw->remote_identity, id, &reason);
}

/*
 * Our ID payload body (RFC 7296 3.5): the configured local-identity; none
 * configured, the local address (pre-shared key) or the certificate's subject
 * (certificates, as strongSwan). With a certificate the identity is the one
 * ike_cred_local_id() finds in it.
 */
static int
local_id_body(const struct ike_daemon *d, const struct ike_sa *sa, uint8_t *out, size_t cap,
	      size_t *len)
{
	struct ike_cred *cred = sa_cred(d, sa);
	struct ike_id want, id;
	struct ike_cert_status st;
	int rc = conf_id(sa->gw, true, &want);

	if (rc != 0 && rc != -ENOENT)
		return rc;
	if (uses_cert(sa->pol)) {
		if (cred == NULL)
			return -ENOKEY;
		rc = ike_cred_local_id(cred, rc == 0 ? &want : NULL, &id, &st);
		if (rc != 0) {
			IKE_SA_LOG(ERR, sa, "local identity: %s", st.reason);
			return rc;
		}
	} else if (rc == 0) {
		id = want;
	} else {
		/* the local address: ID_IPV4_ADDR or ID_IPV6_ADDR (RFC 7296 3.5) */
		size_t alen;
		const uint8_t *a = ike_addr_bytes(&sa->local, &alen);

		id.type = alen == 16 ? IKE_IDTYPE_IPV6_ADDR : IKE_IDTYPE_IPV4_ADDR;
		id.len = (uint32_t)alen;
		memcpy(id.data, a, alen);
	}
	return ike_id_encode(&id, out, cap, len);
}

int
ike_auth_compute(const struct ike_sa *sa, bool of_initiator, const uint8_t *id_body,
		 uint32_t id_len, uint8_t *out, uint32_t *out_len)
{
	const uint8_t *msg = of_initiator ? sa->init_req : sa->init_resp;
	uint32_t mlen = of_initiator ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	uint32_t nlen = of_initiator ? sa->nr_len : sa->ni_len;

	*out_len = ike_prf_len(sa->suite.prf);
	return ike_psk_auth(sa->suite.prf, sa->pol->psk, sa->pol->psk_len, msg, mlen, nonce, nlen,
			    of_initiator ? sa->keys.sk_pi : sa->keys.sk_pr, sa->keys.p_len,
			    id_body, id_len, out);
}

/*
 * What a signature AUTH covers (RFC 7296 2.15): RealMessage1 | NonceRData |
 * prf(SK_pi, IDi body) for the initiator, RealMessage2 | NonceIData |
 * prf(SK_pr, IDr body) for the responder. malloc'ed into *out.
 */
static int
signed_octets(const struct ike_sa *sa, bool of_initiator, const uint8_t *id_body,
	      size_t id_len, uint8_t **out, size_t *len)
{
	const uint8_t *msg = of_initiator ? sa->init_req : sa->init_resp;
	uint32_t mlen = of_initiator ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = of_initiator ? sa->nr : sa->ni;
	uint32_t nlen = of_initiator ? sa->nr_len : sa->ni_len;
	unsigned int hlen = ike_prf_len(sa->suite.prf);
	struct ike_iov v = { id_body, id_len };
	uint8_t *p = malloc(mlen + nlen + hlen);
	int rc;

	if (p == NULL)
		return -ENOMEM;
	memcpy(p, msg, mlen);
	memcpy(p + mlen, nonce, nlen);
	rc = ike_prf(sa->suite.prf, of_initiator ? sa->keys.sk_pi : sa->keys.sk_pr,
		     sa->keys.p_len, &v, 1, p + mlen + nlen);
	if (rc != 0) {
		free(p);
		return rc;
	}
	*out = p;
	*len = mlen + nlen + hlen;
	return 0;
}

/* How we sign for this SA and the octets (malloc'ed) our AUTH covers. */
static int
sig_prepare(struct ike_daemon *d, struct ike_sa *sa, struct ike_sig_choice *ch,
	    uint8_t **octets, size_t *olen)
{
	uint8_t id[IKE_ID_HDR_LEN + IKE_ID_DATA_MAX];
	struct ike_cred *cred = sa_cred(d, sa);
	size_t idlen;
	int rc;

	if (cred == NULL)
		return -ENOKEY;
	rc = local_id_body(d, sa, id, sizeof(id), &idlen);
	if (rc == 0)
		rc = ike_auth_choose(ike_cred_key(cred), sa->peer_hashes, false, ch);
	if (rc == 0)
		rc = signed_octets(sa, sa->initiator, id, idlen, octets, olen);
	return rc;
}

int
ike_auth_presign(struct ike_daemon *d, struct ike_sa *sa, ike_sig_cb cb)
{
	struct ike_sig_choice ch;
	uint8_t *octets;
	size_t olen;
	int rc;

	sa->auth_sig_len = 0;
	sa->sig_pending = false;
	if (!uses_cert(sa->pol)) {
		if (cb != NULL)
			cb(d, sa, 0);
		return 0;
	}
	rc = sig_prepare(d, sa, &ch, &octets, &olen);
	if (rc != 0)
		return rc;
	return ike_async_sign(d, sa, ike_cred_key(sa_cred(d, sa)), &ch, octets, olen, cb);
}

/* Our signature, here and now: the helper's is not back (or was never asked for). */
static int
sign_inline(struct ike_daemon *d, struct ike_sa *sa)
{
	uint8_t *octets;
	size_t olen;
	int rc;

	if (sa->sig_pending) {
		d->ctr.async_sign_late++;
		sa->sig_pending = false;	/* its result will be dropped */
	}
	rc = sig_prepare(d, sa, &sa->auth_sig_ch, &octets, &olen);
	if (rc != 0)
		return rc;
	rc = ike_auth_sign(ike_cred_key(sa_cred(d, sa)), &sa->auth_sig_ch, octets, olen,
			   sa->auth_sig, sizeof(sa->auth_sig), &sa->auth_sig_len);
	free(octets);
	return rc;
}

/* CERT payloads of our chain, [CERTREQ of our anchors], AUTH by signature. */
static int
add_cert_auth(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b)
{
	struct ike_cred *cred = sa_cred(d, sa);
	uint8_t body[IKE_MAX_MSG / 2];
	size_t len;
	int rc;

	if (cred == NULL)
		return -ENOKEY;
	for (unsigned int i = 0; i < ike_cred_chain_len(cred); i++) {
		rc = ike_cred_cert_body(cred, i, body, sizeof(body), &len);
		if (rc != 0)
			return rc;
		ike_bld_payload(b, IKE_PL_CERT, body, (uint32_t)len);
	}
	/* strongSwan sends its certificate only when asked (send_cert = ifasked) */
	if (sa->initiator && sa_trust(d, sa) != NULL &&
	    ike_certreq_body(sa_trust(d, sa), body, sizeof(body), &len) == 0)
		ike_bld_payload(b, IKE_PL_CERTREQ, body, (uint32_t)len);
	if (sa->auth_sig_len == 0) {
		rc = sign_inline(d, sa);
		if (rc != 0)
			return rc;
	}
	IKE_SA_LOG(NOTICE, sa, "AUTH by signature: method %u%s", sa->auth_sig_ch.method,
		   sa->auth_sig_ch.method == IKE_AUTH_DIGSIG ? " (RFC 7427)" : "");
	return ike_bld_auth(b, sa->auth_sig_ch.method, sa->auth_sig,
			    (uint32_t)sa->auth_sig_len) < 0 ? -ENOSPC : 0;
}

int
ike_auth_add_local(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t id[IKE_ID_HDR_LEN + IKE_ID_DATA_MAX], auth[IKE_MAX_PRF_LEN];
	size_t idlen;
	uint32_t alen;
	int rc;

	rc = local_id_body(d, sa, id, sizeof(id), &idlen);
	if (rc != 0)
		return rc;
	ike_bld_id(b, sa->initiator ? IKE_PL_IDI : IKE_PL_IDR, id[0], id + IKE_ID_HDR_LEN,
		   (uint32_t)(idlen - IKE_ID_HDR_LEN));
	if (uses_cert(sa->pol))
		return add_cert_auth(d, sa, b);
	if (sa->initiator) {	/* the responder's identity we expect (2.15: IDr) */
		struct ike_id want;
		uint8_t rid[IKE_ID_HDR_LEN + IKE_ID_DATA_MAX];
		size_t rlen;

		if (conf_id(sa->gw, false, &want) == 0 &&
		    ike_id_encode(&want, rid, sizeof(rid), &rlen) == 0)
			ike_bld_id(b, IKE_PL_IDR, rid[0], rid + IKE_ID_HDR_LEN,
				   (uint32_t)(rlen - IKE_ID_HDR_LEN));
	}
	rc = ike_auth_compute(sa, sa->initiator, id, (uint32_t)idlen, auth, &alen);
	if (rc == 0)
		ike_bld_auth(b, IKE_AUTH_PSK, auth, alen);
	explicit_bzero(auth, sizeof(auth));
	return rc != 0 ? rc : b->err;
}

void
ike_count_cert_err(struct ike_daemon *d, enum ike_cert_err err)
{
	switch (err) {
	case IKE_CERT_E_ID_MISMATCH:
	case IKE_CERT_E_ID_NOT_IN_CERT:
		d->ctr.auth_peer_id++;
		break;
	case IKE_CERT_E_METHOD:
	case IKE_CERT_E_BAD_AUTH:
	case IKE_CERT_E_SIGNATURE:
		d->ctr.auth_signature++;
		break;
	default:
		d->ctr.auth_certificate++;
		break;
	}
}

/* The peer's certificates and AUTH signature onto the helper (ike_async_verify.c). */
static int
peer_cert_check(struct ike_daemon *d, struct ike_sa *sa, const struct ike_id *pid,
		const struct ike_id *expected, const struct ike_pl *id,
		const struct ike_pl *auth, ike_peer_cb cb)
{
	struct ike_trust *t = sa_trust(d, sa);
	struct ike_peer_auth p = { .id = pid, .method = auth->u.auth.method,
				   .auth = auth->u.auth.data.p, .auth_len = auth->u.auth.data.len };
	const struct ike_pl *c;
	uint8_t *octets;
	size_t olen;
	int rc;

	if (t == NULL) {
		IKE_SA_LOG(ERR, sa, "no trusted CA loaded: peer %s refused", sa->peer_id);
		d->ctr.auth_certificate++;
		return -ENOKEY;
	}
	while (p.n_certs < IKE_CERT_CHAIN_MAX &&
	       (c = ike_msg_find_nth(&d->msg, IKE_PL_CERT, p.n_certs)) != NULL) {
		p.cert[p.n_certs] = c->body.p;
		p.cert_len[p.n_certs++] = c->body.len;
	}
	rc = signed_octets(sa, !sa->initiator, id->body.p, id->body.len, &octets, &olen);
	if (rc != 0)
		return rc;
	p.octets_len = olen;
	return ike_async_verify(d, sa, t, &p, expected, octets, cb);
}

/* The verdict on a pre-shared key's peer (or none with an ID refused). */
static bool
peer_psk_ok(struct ike_daemon *d, struct ike_sa *sa, const struct ike_id *pid,
	    const struct ike_id *expected, const struct ike_pl *id, const struct ike_pl *auth)
{
	uint8_t want[IKE_MAX_PRF_LEN];
	uint32_t wlen;
	bool ok;

	/* none configured, the key authenticates any identity */
	if (expected != NULL && !ike_id_matches(expected, pid)) {
		d->ctr.auth_peer_id++;
		IKE_SA_LOG(WARNING, sa, "peer id %s is not remote-identity %s", sa->peer_id,
			   sa->gw->remote_identity);
		return false;
	}
	ok = auth->u.auth.method == IKE_AUTH_PSK &&
	     ike_auth_compute(sa, !sa->initiator, id->body.p, id->body.len, want, &wlen) == 0 &&
	     auth->u.auth.data.len == wlen && ike_ct_cmp(want, auth->u.auth.data.p, wlen) == 0;
	explicit_bzero(want, sizeof(want));
	return ok;
}

void
ike_peer_auth_check(struct ike_daemon *d, struct ike_sa *sa, const struct ike_pl *id,
		    const struct ike_pl *auth, ike_peer_cb cb)
{
	struct ike_id pid, expected;
	const char *reason;
	bool has_expected;

	if (ike_id_decode(id->body.p, id->body.len, &pid, &reason) != 0) {
		snprintf(sa->peer_id, sizeof(sa->peer_id), "type %u", id->u.id.type);
		IKE_SA_LOG(WARNING, sa, "peer ID refused: %s", reason);
		d->ctr.auth_peer_id++;
		cb(d, sa, false);
		return;
	}
	ike_id_to_text(&pid, sa->peer_id, sizeof(sa->peer_id));
	has_expected = conf_id(sa->gw, false, &expected) == 0;
	if (!uses_cert(sa->pol)) {
		cb(d, sa, peer_psk_ok(d, sa, &pid, has_expected ? &expected : NULL, id, auth));
		return;
	}
	if (peer_cert_check(d, sa, &pid, has_expected ? &expected : NULL, id, auth, cb) != 0)
		cb(d, sa, false);
}

void
ike_cert_init_add(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b)
{
	uint8_t body[IKE_MAX_MSG / 4];
	size_t len;

	if (!uses_cert(sa->pol))
		return;
	if (ike_sig_hash_notify_body(body, sizeof(body), &len) == 0)
		ike_bld_notify(b, 0, NULL, 0, IKE_N_SIGNATURE_HASH_ALGORITHMS, body,
			       (uint32_t)len);
	if (!sa->initiator && sa_trust(d, sa) != NULL &&
	    ike_certreq_body(sa_trust(d, sa), body, sizeof(body), &len) == 0)
		ike_bld_payload(b, IKE_PL_CERTREQ, body, (uint32_t)len);
}

void
ike_cert_init_peer(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_pl *n = ike_msg_notify(&d->msg, IKE_N_SIGNATURE_HASH_ALGORITHMS);

	sa->peer_hashes = 0;
	if (n != NULL)
		ike_sig_hash_notify_parse(n->u.notify.data.p, n->u.notify.data.len,
					  &sa->peer_hashes);
}

void
ike_auth_i_tell_failed(struct ike_daemon *d, struct ike_sa *sa)
{
	uint8_t inner[64], out[IKE_MAX_MSG];
	struct ike_bld b;
	uint32_t len;

	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_notify(&b, 0, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
	if (ike_seal(sa, IKE_EXCH_INFORMATIONAL, false, sa->next_msgid, &b, out, &len) == 0)
		ike_sendto(d, sa->natt, &sa->remote, out, len);
}
