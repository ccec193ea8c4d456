/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH, initiator half (RFC 7296 1.2, 2.15): IDi, [CERT, CERTREQ], [IDr],
 * AUTH (ike_auth_id.c), SA, TSi, TSr in the SK payload; the response's IDr and
 * AUTH checked, then the CHILD_SA the responder chose and narrowed is installed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

int
ike_auth_i_send(struct ike_daemon *d, struct ike_sa *sa)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG];
	struct ike_ts tsi, tsr;
	uint32_t len, spi;
	unsigned int n;
	struct ike_bld b;
	int rc;

	rc = d->in.ops->get_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, &spi);
	if (rc != 0)
		return rc;
	sa->pending_spi_in = spi;
	n = ike_props_esp(d, sa->vpn, spi, props, GW_CONF_MAX_PROPREFS);
	ike_ts_from_vpn(sa->vpn, true, &tsi);
	ike_ts_from_vpn(sa->vpn, false, &tsr);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	rc = ike_auth_add_local(d, sa, &b);
	if (rc != 0)
		return rc;
	ike_bld_sa(&b, props, n);
	ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
	ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	rc = ike_seal(sa, IKE_EXCH_AUTH, false, sa->next_msgid, &b, out, &len);
	explicit_bzero(inner, sizeof(inner));
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
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI);
	const struct ike_pl *err = ike_msg_error_notify(m);
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
	unsigned int n = ike_props_esp(d, sa->vpn, sa->pending_spi_in, mine,
				       GW_CONF_MAX_PROPREFS);
	struct ike_child *c;

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
	if (ike_child_from_answer(d, sa, c, mine, n, &sa->vpn->ts[0].local,
				  &sa->vpn->ts[0].remote, "CHILD_SA (IKE_AUTH response)") != 0) {
		ike_child_remove(d, sa, c);
		return;
	}
	ike_child_install(d, sa, c, sa->initiator, sa->ni, sa->ni_len, sa->nr, sa->nr_len);
}

static void auth_i_checked(struct ike_daemon *d, struct ike_sa *sa, bool ok);

void
ike_auth_i_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *idr = ike_msg_find(m, IKE_PL_IDR);
	const struct ike_pl *auth = ike_msg_find(m, IKE_PL_AUTH);
	const struct ike_pl *err = ike_msg_error_notify(m);

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
	ike_peer_auth_check(d, sa, idr, auth, auth_i_checked);
}

/* The verdict on the responder (ike_auth_id.c); d->msg is its IKE_AUTH response. */
static void
auth_i_checked(struct ike_daemon *d, struct ike_sa *sa, bool ok)
{
	if (!ok) {
		d->ctr.auth_failed++;
		IKE_SA_LOG(WARNING, sa, "peer %s (id %s) failed authentication (method %u)",
			   ike_addr_str(&sa->remote), sa->peer_id,
			   ike_msg_find(&d->msg, IKE_PL_AUTH)->u.auth.method);
		ike_auth_i_tell_failed(d, sa);
		ike_sa_destroy(d, sa, "AUTHENTICATION_FAILED");
		return;
	}
	sa->established_ms = ctl_now_ms();
	d->ctr.ike_up++;
	ike_sa_set_state(d, sa, IKE_ST_ESTABLISHED);
	IKE_SA_LOG(NOTICE, sa, "IKE SA established with %s (id %s), %s",
		   ike_addr_str(&sa->remote),
		   sa->peer_id, sa->natt ? "NAT-T" : "no NAT");
	child_from_response(d, sa);
	ike_child_new_i_next(d, sa);	/* the vpn's other traffic-selectors */
	ike_sa_arm_life(d, sa, (uint64_t)(sa->gw->dpd_interval ? sa->gw->dpd_interval : 10) * 1000);
}
