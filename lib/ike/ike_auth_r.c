/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH, responder half (RFC 7296 1.2, 2.15): check IDi and AUTH (or
 * AUTHENTICATION_FAILED and the half-open SA goes), then the CHILD_SA: a
 * proposal from the vpn's ipsec-policy, the initiator's selectors narrowed
 * to the vpn's (2.9; TS_UNACCEPTABLE if nothing is left). A child refused
 * leaves the IKE SA up (1.2: error notify in the IKE_AUTH response).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

/* The verdict on the initiator (ike_auth_id.c); d->msg is its IKE_AUTH request. */
static void
auth_r_checked(struct ike_daemon *d, struct ike_sa *sa, bool ok)
{
	const struct ike_msg *m = &d->msg;
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG];
	struct ike_prop_out chosen;
	struct ike_child *c = NULL;
	uint32_t len, msgid = m->hdr.msgid;
	uint16_t refused;
	struct ike_bld b;

	if (!ok) {
		d->ctr.auth_failed++;
		IKE_SA_LOG(WARNING, sa, "peer %s (id %s) failed authentication (method %u): "
			   "AUTHENTICATION_FAILED", ike_addr_str(&sa->remote), sa->peer_id,
			   ike_msg_find(m, IKE_PL_AUTH)->u.auth.method);
		ike_answer_error(d, sa, IKE_N_AUTHENTICATION_FAILED);
		ike_sa_destroy(d, sa, "AUTHENTICATION_FAILED");
		return;
	}
	sa->peer_msgid = msgid + 1;
	sa->established_ms = ctl_now_ms();
	d->ctr.ike_up++;
	ike_sa_set_state(d, sa, IKE_ST_ESTABLISHED);
	IKE_SA_LOG(NOTICE, sa, "IKE SA established with %s (id %s), responder, %s",
		   ike_addr_str(&sa->remote), sa->peer_id, sa->natt ? "NAT-T" : "no NAT");
	refused = ike_child_respond(d, sa, sa->ni, sa->ni_len, sa->nr, sa->nr_len, 0, &chosen,
				    &c);

	ike_bld_init_inner(&b, inner, sizeof(inner));
	if (ike_auth_add_local(d, sa, &b) != 0) {
		IKE_SA_LOG(ERR, sa, "IKE_AUTH response: our ID / AUTH cannot be made");
		return;
	}
	if (refused != 0) {
		ike_bld_notify(&b, 0, NULL, 0, refused, NULL, 0);
	} else {
		struct ike_ts tsi, tsr;

		ike_ts_from_prefix(&c->ts_remote, &tsi);
		ike_ts_from_prefix(&c->ts_local, &tsr);
		ike_bld_sa(&b, &chosen, 1);
		ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
		ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	}
	if (ike_seal(sa, IKE_EXCH_AUTH, true, msgid, &b, out, &len) == 0)
		ike_send_response(d, sa, out, len, msgid);
	explicit_bzero(inner, sizeof(inner));
	ike_sa_arm_life(d, sa, (uint64_t)(sa->gw->dpd_interval ? sa->gw->dpd_interval : 10) * 1000);
}

void
ike_auth_r_request(struct ike_daemon *d, struct ike_sa *sa)
{
	if (sa->computing) {	/* a retransmission while the first is being checked */
		d->ctr.drop_state++;
		return;
	}
	ike_peer_auth_check(d, sa, ike_msg_find(&d->msg, IKE_PL_IDI),
			    ike_msg_find(&d->msg, IKE_PL_AUTH), auth_r_checked);
}
