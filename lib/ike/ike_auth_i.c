/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH, initiator half (RFC 7296 1.2, 2.15): IDi, [IDr], AUTH (shared
 * key), SA, TSi, TSr in the SK payload; the response's IDr and AUTH checked,
 * then the CHILD_SA the responder chose and narrowed is installed. Also the
 * identity and AUTH computations both halves use.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

/*
 * ID payload body (RFC 7296 3.5): the configured hostname as ID_FQDN, else
 * the address as ID_IPV4_ADDR. Certificate identities (DN, ...) are the
 * X.509 part's.
 */
uint32_t
ike_id_body(const struct ike_sa *sa, bool local, uint8_t *out, uint32_t cap)
{
	const char *name = local ? sa->gw->local_identity : sa->gw->remote_identity;
	const struct sockaddr_in *a = local ? &sa->local : &sa->remote;
	size_t n = strlen(name);

	if (cap < 4 + (n > 4 ? n : 4))
		return 0;
	memset(out, 0, 4);
	if (n != 0) {
		out[0] = IKE_ID_FQDN;
		memcpy(out + 4, name, n);
		return (uint32_t)(4 + n);
	}
	out[0] = IKE_ID_IPV4_ADDR;
	memcpy(out + 4, &a->sin_addr, 4);
	return 8;
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

/* The peer's ID: what the gateway expects (RFC 7296 2.15 authenticates it). */
bool ike_peer_id_ok(struct ike_sa *sa, const struct ike_pl *id);
bool
ike_peer_id_ok(struct ike_sa *sa, const struct ike_pl *id)
{
	uint8_t want[160];
	uint32_t wlen = ike_id_body(sa, false, want, sizeof(want));
	const struct ike_span *dt = &id->u.id.data;

	if (id->u.id.type == IKE_ID_FQDN || id->u.id.type == IKE_ID_RFC822_ADDR)
		snprintf(sa->peer_id, sizeof(sa->peer_id), "%.*s", (int)dt->len,
			 (const char *)dt->p);
	else if (id->u.id.type == IKE_ID_IPV4_ADDR && dt->len == 4)
		inet_ntop(AF_INET, dt->p, sa->peer_id, sizeof(sa->peer_id));
	else
		snprintf(sa->peer_id, sizeof(sa->peer_id), "type %u", id->u.id.type);
	if (sa->gw->remote_identity[0] == '\0')
		return true;	/* none configured: the shared key authenticates */
	return id->body.len == wlen && memcmp(id->body.p, want, wlen) == 0;
}

int
ike_auth_i_send(struct ike_daemon *d, struct ike_sa *sa)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG], id[160], auth[IKE_MAX_PRF_LEN];
	struct ike_ts tsi, tsr;
	uint32_t idlen, alen, len, spi;
	unsigned int n;
	struct ike_bld b;
	int rc;

	rc = d->in.ops->get_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, &spi);
	if (rc != 0)
		return rc;
	sa->pending_spi_in = spi;
	n = ike_props_esp(d, sa->vpn, spi, props, GW_CONF_MAX_PROPREFS);
	idlen = ike_id_body(sa, true, id, sizeof(id));
	rc = ike_auth_compute(sa, true, id, idlen, auth, &alen);
	if (rc != 0)
		return rc;
	ike_ts_from_vpn(sa->vpn, true, &tsi);
	ike_ts_from_vpn(sa->vpn, false, &tsr);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_id(&b, IKE_PL_IDI, id[0], id + 4, idlen - 4);
	if (sa->gw->remote_identity[0] != '\0') {
		uint8_t rid[160];
		uint32_t rlen = ike_id_body(sa, false, rid, sizeof(rid));

		ike_bld_id(&b, IKE_PL_IDR, rid[0], rid + 4, rlen - 4);
	}
	ike_bld_auth(&b, IKE_AUTH_PSK, auth, alen);
	ike_bld_sa(&b, props, n);
	ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
	ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	rc = ike_seal(sa, IKE_EXCH_AUTH, false, sa->next_msgid, &b, out, &len);
	explicit_bzero(auth, sizeof(auth));
	if (rc != 0)
		return rc;
	sa->next_msgid++;
	ike_sa_set_state(d, sa, IKE_ST_AUTH_SENT);
	return ike_send_request(d, sa, IKE_EXCH_AUTH, out, len);
}

/* The CHILD_SA of the response: one of our proposals, selectors within ours. */
static void
child_from_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI), *tsr = ike_msg_find(m, IKE_PL_TSR);
	const struct ike_pl *err = ike_msg_error_notify(m);
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS], chosen;
	unsigned int n = ike_props_esp(d, sa->vpn, sa->pending_spi_in, mine,
				       GW_CONF_MAX_PROPREFS);
	struct ike_child *c;
	uint16_t bits = 0;
	int integ;

	if (err != NULL || sa_pl == NULL || tsi == NULL) {
		uint16_t t = err != NULL ? err->u.notify.type : 0;

		if (t == IKE_N_NO_PROPOSAL_CHOSEN)
			d->ctr.no_proposal++;
		if (t == IKE_N_TS_UNACCEPTABLE)
			d->ctr.ts_unacceptable++;
		IKE_SA_LOG(WARNING, sa, "no CHILD_SA: the peer answered %s",
			   err != NULL ? ike_notify_name(t) : "without SA/TS payloads");
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND,
				       sa->pending_spi_in);
		return;
	}
	c = ike_child_alloc(sa);
	if (c == NULL)
		return;
	c->spi_in = sa->pending_spi_in;
	if (sa_pl->u.sa.n != 1 ||
	    ike_props_select(m, sa_pl, mine, n, &chosen, "CHILD_SA (response)",
			     inet_ntoa(sa->remote.sin_addr)) != 0 ||
	    ike_ts_narrow(m, tsi, &sa->vpn->ts[0].local, &c->ts_local) != 0 ||
	    ike_ts_narrow(m, tsr, &sa->vpn->ts[0].remote, &c->ts_remote) != 0) {
		IKE_SA_LOG(WARNING, sa, "CHILD_SA response outside what we proposed: not "
			   "installed");
		ike_child_remove(d, sa, c);
		return;
	}
	c->spi_out = ike_get32(chosen.spi);
	c->encr = (uint16_t)ike_prop_xf(&chosen, IKE_XF_ENCR, &bits);
	c->encr_bits = bits;
	integ = ike_prop_xf(&chosen, IKE_XF_INTEG, NULL);
	c->integ = integ < 0 ? IKE_INTEG_NONE : (uint16_t)integ;
	ike_child_install(d, sa, c, sa->initiator, sa->ni, sa->ni_len, sa->nr, sa->nr_len);
}

void
ike_auth_i_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *idr = ike_msg_find(m, IKE_PL_IDR);
	const struct ike_pl *auth = ike_msg_find(m, IKE_PL_AUTH);
	const struct ike_pl *err = ike_msg_error_notify(m);
	uint8_t want[IKE_MAX_PRF_LEN];
	uint32_t wlen;

	if (idr == NULL || auth == NULL) {
		uint16_t t = err != NULL ? err->u.notify.type : 0;

		if (t == IKE_N_AUTHENTICATION_FAILED)
			d->ctr.auth_failed++;
		if (t == IKE_N_NO_PROPOSAL_CHOSEN)
			d->ctr.no_proposal++;
		IKE_SA_LOG(WARNING, sa, "IKE_AUTH refused by the peer: %s",
			   t != 0 ? ike_notify_name(t) : "no IDr/AUTH");
		ike_sa_destroy(d, sa, "IKE_AUTH refused");
		return;
	}
	if (!ike_peer_id_ok(sa, idr) || auth->u.auth.method != IKE_AUTH_PSK ||
	    ike_auth_compute(sa, false, idr->body.p, idr->body.len, want, &wlen) != 0 ||
	    auth->u.auth.data.len != wlen ||
	    ike_ct_cmp(want, auth->u.auth.data.p, wlen) != 0) {
		d->ctr.auth_failed++;
		IKE_SA_LOG(WARNING, sa, "peer %s (id %s) failed authentication (method %u)",
			   inet_ntoa(sa->remote.sin_addr), sa->peer_id, auth->u.auth.method);
		ike_sa_destroy(d, sa, "AUTHENTICATION_FAILED");
		return;
	}
	explicit_bzero(want, sizeof(want));
	sa->established_ms = ctl_now_ms();
	d->ctr.ike_up++;
	ike_sa_set_state(d, sa, IKE_ST_ESTABLISHED);
	IKE_SA_LOG(NOTICE, sa, "IKE SA established with %s (id %s), %s",
		   inet_ntoa(sa->remote.sin_addr),
		   sa->peer_id, sa->natt ? "NAT-T" : "no NAT");
	child_from_response(d, sa);
	ike_sa_arm_life(d, sa, (uint64_t)(sa->gw->dpd_interval ? sa->gw->dpd_interval : 10) * 1000);
}
