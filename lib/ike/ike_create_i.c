/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA, initiator half (RFC 7296 1.3.3): our rekey of a CHILD_SA
 * when its outbound SA reaches its soft lifetime (80-90 % of the hard one,
 * jittered so that the peers do not rekey in step). N(REKEY_SA) with the SPI
 * we receive on, SA with a new inbound SPI, Ni, TSi, TSr. On the answer the
 * new pair is installed at once (the responder installed its inbound SA
 * before answering), then the old pair is deleted with an INFORMATIONAL and
 * removed when that is answered: make-before-break. Also the SA events of
 * the children (soft: rekey; hard: the manager deleted the SA).
 */
#include <errno.h>
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
	    sa->deleting_spi_in != 0 || sa->vpn == NULL)
		return -EBUSY;	/* window 1: the next soft event or DPD round retries */
	rc = d->in.ops->get_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, &spi);
	if (rc == 0)
		rc = ike_random(sa->child_ni, sizeof(sa->child_ni));
	if (rc != 0)
		return rc;
	n = ike_props_esp(d, sa->vpn, spi, props, GW_CONF_MAX_PROPREFS);
	ike_ts_from_prefix(&c->ts_local, &tsi);
	ike_ts_from_prefix(&c->ts_remote, &tsr);
	ike_put32(old, c->spi_in);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_notify(&b, IKE_PROTO_ESP, old, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_bld_sa(&b, props, n);
	ike_bld_payload(&b, IKE_PL_NONCE, sa->child_ni, sizeof(sa->child_ni));
	ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
	ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	rc = ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, false, sa->next_msgid, &b, out, &len);
	if (rc != 0) {
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, spi);
		return rc;
	}
	sa->next_msgid++;
	sa->pending_spi_in = spi;
	sa->rekeying_spi_in = c->spi_in;
	IKE_SA_LOG(INFO, sa, "rekeying CHILD_SA %08x/%08x", c->spi_in, c->spi_out);
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

void
ike_create_i_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *nr = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI);
	const struct ike_pl *err = ike_msg_error_notify(m);
	struct ike_child *old = child_by_in(sa, sa->rekeying_spi_in), *c;
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
	unsigned int n = ike_props_esp(d, sa->vpn, sa->pending_spi_in, mine,
				       GW_CONF_MAX_PROPREFS);

	sa->rekeying_spi_in = 0;
	if (err != NULL || sa_pl == NULL || nr == NULL || tsi == NULL || old == NULL ||
	    (c = ike_child_alloc(sa)) == NULL) {
		IKE_SA_LOG(WARNING, sa, "CHILD_SA rekey refused: %s",
			   err != NULL ? ike_notify_name(err->u.notify.type) : "incomplete answer");
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND,
				       sa->pending_spi_in);
		return;
	}
	c->spi_in = sa->pending_spi_in;
	if (ike_child_from_answer(d, sa, c, mine, n, &old->ts_local, &old->ts_remote,
				  "CHILD_SA rekey (response)") != 0) {
		ike_child_remove(d, sa, c);
		return;
	}
	if (ike_child_install(d, sa, c, true, sa->child_ni, sizeof(sa->child_ni), nr->body.p,
			      nr->body.len) != 0)
		return;
	IKE_SA_LOG(NOTICE, sa, "CHILD_SA %08x/%08x rekeyed: new %08x/%08x", old->spi_in,
		   old->spi_out, c->spi_in, c->spi_out);
	if (ike_info_send_child_delete(d, sa, old) != 0)
		ike_child_remove(d, sa, old);
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
				if (ike_create_i_rekey(d, sa, c) != 0)
					IKE_SA_LOG(INFO, sa, "CHILD_SA %08x: rekey postponed",
						   c->spi_in);
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
