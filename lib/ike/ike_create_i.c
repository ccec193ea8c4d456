/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA, initiator half (RFC 7296 1.3.3): our rekey of a CHILD_SA
 * when its outbound SA reaches its soft lifetime (80-90 % of the hard one,
 * jittered so that the peers do not rekey in step). N(REKEY_SA) with the SPI
 * we receive on, SA with a new inbound SPI, Ni, TSi, TSr. On the answer the
 * new pair is installed at once (the responder installed its inbound SA
 * before answering), then the old pair is deleted with an INFORMATIONAL and
 * removed when that is answered: make-before-break. With PFS a KE of the
 * ipsec-policy's group rides along (ike_pfs.c; INVALID_KE_PAYLOAD naming
 * another group of ours: again with it). TEMPORARY_FAILURE (the peer is
 * busy, RFC 7296 2.25): again a little later; CHILD_SA_NOT_FOUND: the child
 * is gone at the peer, so here too; a collision with the peer's rekey of
 * the same child is resolved by ike_collide.c. Also the SA events of the
 * children (soft seconds or kilobytes: rekey, retried while busy; hard: the
 * manager deleted the SA).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

int
ike_create_i_rekey(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG], old[4];
	struct ike_ts tsi, tsr;
	unsigned int n;
	uint32_t spi, len;
	struct ike_bld b;
	int rc;

	if (ctl_timer_armed(&sa->retrans_timer) || sa->rekeying_spi_in != 0 ||
	    sa->deleting_spi_in != 0 || sa->ike_rekeying || sa->vpn == NULL)
		return -EBUSY;	/* window 1: ike_rekey_retry() tries again */
	rc = d->in.ops->get_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, &spi);
	if (rc == 0)
		rc = ike_random(sa->child_ni, sizeof(sa->child_ni));
	if (rc != 0)
		return rc;
	n = ike_props_child(d, sa->vpn, spi, IKE_EXCH_CREATE_CHILD_SA, props,
			    GW_CONF_MAX_PROPREFS);
	if (sa->child_group == 0 || c->spi_in != sa->rekeying_retry)
		sa->child_group = ike_pfs_group(d, sa->vpn);	/* else INVALID_KE's group */
	ike_ts_from_prefix(&c->ts_local, &tsi);
	ike_ts_from_prefix(&c->ts_remote, &tsr);
	ike_put32(old, c->spi_in);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_notify(&b, IKE_PROTO_ESP, old, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_bld_sa(&b, props, n);
	ike_bld_payload(&b, IKE_PL_NONCE, sa->child_ni, sizeof(sa->child_ni));
	rc = ike_pfs_add_ke(sa, &b);
	ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
	ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	if (rc == 0)
		rc = ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, false, sa->next_msgid, &b, out, &len);
	if (rc != 0) {
		ike_pfs_done(sa);
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, spi);
		return rc;
	}
	sa->next_msgid++;
	sa->pending_spi_in = spi;
	sa->rekeying_spi_in = c->spi_in;
	sa->rekeying_retry = 0;
	c->rekey_due = false;
	IKE_SA_LOG(INFO, sa, "rekeying CHILD_SA %08x/%08x%s", c->spi_in, c->spi_out,
		   sa->child_group != 0 ? " (PFS)" : "");
	return ike_send_request(d, sa, IKE_EXCH_CREATE_CHILD_SA, out, len);
}

static struct ike_child *
child_by_in(struct ike_sa *sa, uint32_t spi)
{
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].spi_in == spi)
			return &sa->children[i];
	return NULL;
}

/*
 * The answer refused our rekey of `old`: again with the group the peer
 * wants (INVALID_KE_PAYLOAD), later (TEMPORARY_FAILURE), or never.
 */
static void
refused(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *old, const struct ike_pl *err)
{
	uint16_t type = err != NULL ? err->u.notify.type : 0;

	IKE_SA_LOG(WARNING, sa, "CHILD_SA rekey refused: %s",
		   err != NULL ? ike_notify_name(type) : "incomplete answer");
	if (old == NULL)
		return;
	if (type == IKE_N_INVALID_KE_PAYLOAD) {
		uint16_t want = ike_pfs_retry_group(d, sa, err);

		if (want != 0) {
			sa->child_group = want;
			sa->rekeying_retry = old->spi_in;
			if (ike_create_i_rekey(d, sa, old) == 0)
				return;
		}
	} else if (type == IKE_N_TEMPORARY_FAILURE) {
		d->ctr.temp_failure++;
	} else if (type == IKE_N_CHILD_SA_NOT_FOUND) {
		/* RFC 7296 2.25: gone at the peer; its delete may have crossed ours */
		d->ctr.child_not_found++;
		ike_child_remove(d, sa, old);
		return;
	} else if (type == IKE_N_NO_PROPOSAL_CHOSEN) {
		d->ctr.no_proposal++;
	}
	/* try again a little later: the hard lifetime is still 10-20 % away */
	old->rekey_due = true;
	ike_rekey_retry(d, sa, 2000);
}

/* Our new child lost a collision: its outbound SA is never installed. */
static void
drop_outbound(struct ike_child *c)
{
	if (c->pending_out != NULL) {
		explicit_bzero(c->pending_out, sizeof(*c->pending_out));
		free(c->pending_out);
		c->pending_out = NULL;
	}
	c->replaces = 0;
}

void
ike_create_i_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *nr = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI);
	const struct ike_pl *err = ike_msg_error_notify(m);
	struct ike_child *old, *c;
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
	unsigned int n;
	bool lost;

	if (sa->ike_rekeying) {	/* the answer to our IKE SA rekey */
		ike_rekey_i_response(d, sa);
		return;
	}
	old = child_by_in(sa, sa->rekeying_spi_in);
	n = ike_props_child(d, sa->vpn, sa->pending_spi_in, IKE_EXCH_CREATE_CHILD_SA, mine,
			    GW_CONF_MAX_PROPREFS);
	sa->rekeying_spi_in = 0;
	if (err != NULL || sa_pl == NULL || nr == NULL || tsi == NULL || old == NULL ||
	    ike_pfs_answer(d, sa) != 0 || (c = ike_child_alloc(sa)) == NULL) {
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND,
				       sa->pending_spi_in);
		ike_pfs_done(sa);
		sa->coll_spi_in = 0;
		refused(d, sa, old, err);
		return;
	}
	c->spi_in = sa->pending_spi_in;
	if (ike_child_from_answer(d, sa, c, mine, n, &old->ts_local, &old->ts_remote,
				  "CHILD_SA rekey (response)") != 0) {
		ike_pfs_done(sa);
		ike_child_remove(d, sa, c);
		return;
	}
	/* RFC 7296 2.8.1: the peer rekeyed `old` meanwhile: which new child stays? */
	lost = ike_collide_child_lost(d, sa, old, nr->body.p, nr->body.len);
	if (lost)
		c->replaces = old->spi_out;	/* keeps its outbound SA aside */
	if (ike_child_install(d, sa, c, true, sa->child_ni, sizeof(sa->child_ni), nr->body.p,
			      nr->body.len) != 0) {
		ike_pfs_done(sa);
		return;
	}
	ike_pfs_done(sa);
	d->ctr.child_rekeys++;
	IKE_SA_LOG(NOTICE, sa, "CHILD_SA %08x/%08x rekeyed: new %08x/%08x%s", old->spi_in,
		   old->spi_out, c->spi_in, c->spi_out, sa->child_group != 0 ? " (PFS)" : "");
	if (lost) {
		/* the peer's new child carries on; the peer deletes `old` */
		drop_outbound(c);
		old = c;
	}
	if (ike_info_send_child_delete(d, sa, old) != 0)
		ike_child_remove(d, sa, old);
}

/* Is c the old child of a rekey: being deleted, or replaced by a child awaiting its delete? */
static bool
superseded(const struct ike_sa *sa, const struct ike_child *c)
{
	if (sa->deleting_spi_in == c->spi_in)
		return true;
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].replaces == c->spi_out)
			return true;
	return false;
}

/* The manager's events about the IKE SAs' children (lib/sa/gw_install.h). */
void
ike_sa_event(const struct gw_ipsec_event *ev, void *arg)
{
	struct ike_daemon *d = arg;

	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		struct ike_sa *sa = &d->sas[i];

		if (!sa->used || sa->index != ev->owner.id)
			continue;
		for (unsigned int k = 0; k < IKE_MAX_CHILDREN; k++) {
			struct ike_child *c = &sa->children[k];

			if (!c->used || (c->sa_out != ev->id && c->sa_in != ev->id))
				continue;
			if (ev->type == GW_SA_EV_SOFT_LIFETIME && sa->state == IKE_ST_ESTABLISHED) {
				/* an old child a rekey replaced, or one already being rekeyed */
				if (c->sa_out == GW_SA_ID_NONE || c->replaces != 0 ||
				    superseded(sa, c) || sa->rekeying_spi_in == c->spi_in)
					return;
				if (ike_create_i_rekey(d, sa, c) != 0) {
					IKE_SA_LOG(INFO, sa, "CHILD_SA %08x: rekey postponed",
						   c->spi_in);
					c->rekey_due = true;
					ike_rekey_retry(d, sa, 1000);
				}
			} else if (ev->type == GW_SA_EV_HARD_LIFETIME ||
				   ev->type == GW_SA_EV_SEQ_EXHAUSTED) {
				IKE_SA_LOG(WARNING, sa, "CHILD_SA %08x/%08x expired", c->spi_in,
					   c->spi_out);
				/* the manager deleted that SA already; the rest goes too */
				if (c->sa_out == ev->id)
					c->sa_out = GW_SA_ID_NONE;
				else
					c->sa_in = GW_SA_ID_NONE;
				ike_child_remove(d, sa, c);
			}
			return;
		}
	}
}
