/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA for a new CHILD_SA, initiator half (RFC 7296 1.3.1): every
 * traffic-selector of a vpn is a CHILD_SA of its own. IKE_AUTH carries the
 * first; the others are asked for here, one request at a time (window 1):
 * SA with a new inbound SPI, Ni, TSi, TSr (no REKEY_SA, no KE). On the answer
 * the child is installed with its own binding and protect term (ike_ts.c,
 * ike_child.c) and the next missing selector is asked for. A selector the
 * peer refuses (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN ...) is not asked again
 * on this IKE SA; one whose child went (deleted by the peer, expired) is
 * asked again at the next DPD tick. A `responder-only` vpn never asks.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

/* The first traffic-selector of the vpn without a child nor a refusal, or -1. */
static int
missing_ts(const struct ike_sa *sa)
{
	for (unsigned int k = 0; k < sa->vpn->nb_ts; k++) {
		bool have = (sa->ts_refused & (1u << k)) != 0;

		for (unsigned int i = 0; i < IKE_MAX_CHILDREN && !have; i++)
			have = sa->children[i].used && sa->children[i].ts_index == k;
		if (!have)
			return (int)k;
	}
	return -1;
}

/*
 * INVALID_KE_PAYLOAD naming another PFS group of ours: ask for selector k
 * again in that group (once). true when the request went out.
 */
static bool
retry_group(struct ike_daemon *d, struct ike_sa *sa, const struct ike_pl *err, unsigned int k)
{
	uint16_t want = ike_pfs_retry_group(d, sa, err);

	if (want == 0)
		return false;
	sa->child_group = want;
	sa->child_retry_ts = (uint8_t)(k + 1);
	return ike_child_new_i_next(d, sa) == 0 && sa->creating_ts != 0;
}

int
ike_child_new_i_next(struct ike_daemon *d, struct ike_sa *sa)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG];
	struct ike_ts tsi, tsr;
	uint32_t spi, len;
	struct ike_bld b;
	unsigned int n;
	int k, rc;

	if (sa->state != IKE_ST_ESTABLISHED || sa->vpn == NULL ||
	    sa->vpn->establish == GW_IKE_EST_RESPONDER_ONLY)
		return 0;
	k = missing_ts(sa);
	if (k < 0)
		return 0;
	if (ctl_timer_armed(&sa->retrans_timer) || sa->rekeying_spi_in != 0 ||
	    sa->deleting_spi_in != 0 || sa->creating_ts != 0 || sa->ike_rekeying)
		return -EBUSY;	/* the answer, or the next DPD tick, asks again */
	rc = d->in.ops->get_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, &spi);
	if (rc != 0)
		return rc;
	rc = ike_random(sa->child_ni, sizeof(sa->child_ni));
	/* PFS (ike_pfs.c): the group in the proposals and a KE after the nonce */
	n = ike_props_child(d, sa->vpn, spi, IKE_EXCH_CREATE_CHILD_SA, props,
			    GW_CONF_MAX_PROPREFS);
	if (sa->child_group == 0 || sa->child_retry_ts != (uint8_t)(k + 1))
		sa->child_group = ike_pfs_group(d, sa->vpn);	/* else INVALID_KE's group */
	sa->child_retry_ts = 0;
	ike_ts_of(sa->vpn, (unsigned int)k, true, &tsi);
	ike_ts_of(sa->vpn, (unsigned int)k, false, &tsr);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_sa(&b, props, n);
	ike_bld_payload(&b, IKE_PL_NONCE, sa->child_ni, sizeof(sa->child_ni));
	if (rc == 0)
		rc = ike_pfs_add_ke(sa, &b);
	ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
	ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	if (rc == 0)
		rc = ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, false, sa->next_msgid, &b, out, &len);
	explicit_bzero(inner, sizeof(inner));
	if (rc != 0) {
		ike_pfs_done(sa);
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, spi);
		return rc;
	}
	sa->next_msgid++;
	sa->pending_spi_in = spi;
	sa->creating_ts = (uint8_t)(k + 1);
	IKE_SA_LOG(INFO, sa, "asking for a CHILD_SA for traffic-selector %s of vpn %s%s",
		   sa->vpn->ts[k].name, sa->vpn->name, sa->child_group != 0 ? " (PFS)" : "");
	return ike_send_request(d, sa, IKE_EXCH_CREATE_CHILD_SA, out, len);
}

void
ike_child_new_i_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *nr = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI);
	const struct ike_pl *err = ike_msg_error_notify(m);
	unsigned int k = sa->creating_ts - 1u;
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
	unsigned int n = ike_props_child(d, sa->vpn, sa->pending_spi_in,
					 IKE_EXCH_CREATE_CHILD_SA, mine, GW_CONF_MAX_PROPREFS);
	struct ike_child *c = NULL;
	bool complete = sa_pl != NULL && nr != NULL && tsi != NULL;

	sa->creating_ts = 0;
	if (err != NULL || !complete || ike_pfs_answer(d, sa) != 0 ||
	    (c = ike_child_alloc(sa)) == NULL) {
		uint16_t t = err != NULL ? err->u.notify.type : 0;

		ike_pfs_done(sa);
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND,
				       sa->pending_spi_in);
		if (t == IKE_N_INVALID_KE_PAYLOAD && retry_group(d, sa, err, k))
			return;
		if (t == IKE_N_NO_PROPOSAL_CHOSEN)
			d->ctr.no_proposal++;
		if (t == IKE_N_TS_UNACCEPTABLE)
			d->ctr.ts_unacceptable++;
		IKE_SA_LOG(WARNING, sa, "no CHILD_SA for traffic-selector %s: the peer answered %s",
			   sa->vpn->ts[k].name, err != NULL ? ike_notify_name(t) :
			   complete ? "(no room for a child, or a wrong KE)" :
			   "incomplete answer");
		sa->ts_refused |= 1u << k;
		ike_child_new_i_next(d, sa);
		return;
	}
	c->spi_in = sa->pending_spi_in;
	if (ike_child_from_answer(d, sa, c, mine, n, &sa->vpn->ts[k].local,
				  &sa->vpn->ts[k].remote, "new CHILD_SA (response)") != 0) {
		ike_child_remove(d, sa, c);
		sa->ts_refused |= 1u << k;
	} else if (ike_child_install(d, sa, c, true, sa->child_ni, sizeof(sa->child_ni),
				     nr->body.p, nr->body.len) != 0) {
		sa->ts_refused |= 1u << k;
	}
	ike_pfs_done(sa);
	ike_child_new_i_next(d, sa);
}
