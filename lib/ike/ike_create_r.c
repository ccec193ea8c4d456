/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA, responder half (RFC 7296 1.3): a new CHILD_SA or the rekey
 * of one (1.3.3: REKEY_SA names the old SA by the SPI the initiator receives
 * on, our outbound SPI). The new pair is installed next to the old one:
 * the newest outbound SA carries the traffic at once, both inbound SAs
 * decrypt until the initiator deletes the old pair (make-before-break,
 * 2.8). KEYMAT from the exchange's own nonces and, with PFS, its g^ir (2.17,
 * ike_pfs.c); collisions with our own rekey of that child are noted for
 * ike_collide.c. The rekey of the IKE SA itself goes to ike_rekey_r().
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

struct ike_child *
ike_child_by_out(struct ike_sa *sa, uint32_t spi)
{
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].spi_out == spi)
			return &sa->children[i];
	return NULL;
}

/*
 * PFS (ike_pfs.c): the proposal we will choose decides whether a KE must
 * come and in which group. 0 or the notify refusing it (*want: the group
 * INVALID_KE_PAYLOAD names).
 */
static uint16_t
check_ke(struct ike_daemon *d, struct ike_sa *sa, uint16_t *want, struct ike_dh **dh)
{
	const struct ike_msg *m = &d->msg;
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS], chosen;
	unsigned int n = ike_props_child(d, sa->vpn, 0, IKE_EXCH_CREATE_CHILD_SA, mine,
					 GW_CONF_MAX_PROPREFS);

	if (ike_props_select(m, ike_msg_find(m, IKE_PL_SA), mine, n, &chosen, "CHILD_SA",
			     ike_addr_str(&sa->remote)) != 0) {
		d->ctr.no_proposal++;
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	return ike_pfs_respond(d, sa, &chosen, want, dh);
}

/* The new child; 0 or the notify refusing it. */
static uint16_t
new_child(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *nr, uint32_t nr_len,
	  struct ike_prop_out *chosen, struct ike_child **out, uint16_t *want,
	  struct ike_dh **dh)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *ni = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI);
	const struct ike_pl *rekey = ike_msg_notify(m, IKE_N_REKEY_SA);
	struct ike_child *c = NULL, *old = NULL;
	uint16_t rc;

	if (tsi == NULL || sa->vpn == NULL)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	if (rekey != NULL) {
		if (rekey->u.notify.proto != IKE_PROTO_ESP || rekey->u.notify.spi.len != 4 ||
		    (old = ike_child_by_out(sa, ike_get32(rekey->u.notify.spi.p))) == NULL) {
			d->ctr.child_not_found++;
			IKE_SA_LOG(WARNING, sa, "CREATE_CHILD_SA rekeys an SA we do not have");
			return IKE_N_CHILD_SA_NOT_FOUND;
		}
	}
	/* RFC 7296 2.25: our IKE SA rekey is out, or we are deleting that child */
	if (ike_collide_busy(sa, old)) {
		d->ctr.temp_failure++;
		return IKE_N_TEMPORARY_FAILURE;
	}
	rc = check_ke(d, sa, want, dh);
	if (rc == 0)
		rc = ike_child_respond(d, sa, ni->body.p, ni->body.len, nr, nr_len,
				       old != NULL ? old->spi_out : 0, chosen, &c);
	if (rc != 0)
		return rc;
	if (old != NULL) {
		d->ctr.child_rekeys++;
		IKE_SA_LOG(NOTICE, sa, "CHILD_SA %08x/%08x rekeyed by the peer: new %08x/%08x%s",
			   old->spi_in, old->spi_out, c->spi_in, c->spi_out,
			   *dh != NULL ? " (PFS)" : "");
		ike_collide_child_note(sa, old, c, ni->body.p, ni->body.len, nr, nr_len);
	}
	*out = c;
	return 0;
}

void
ike_create_r_request(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG], nr[IKE_NONCE_LEN];
	uint32_t msgid = m->hdr.msgid, len;
	struct ike_prop_out chosen;
	struct ike_child *c = NULL;
	struct ike_ts tsi, tsr;
	uint16_t refused, want = 0;
	struct ike_dh *dh = NULL;
	uint8_t g[2];
	struct ike_bld b;

	if (sa_pl->u.sa.n != 0 && m->prop[sa_pl->u.sa.first].proto == IKE_PROTO_IKE) {
		ike_rekey_r_request(d, sa);
		return;
	}
	if (ike_random(nr, sizeof(nr)) != 0)
		return;
	refused = new_child(d, sa, nr, sizeof(nr), &chosen, &c, &want, &dh);
	ike_pfs_wipe(sa);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	if (refused != 0) {
		IKE_SA_LOG(WARNING, sa, "CREATE_CHILD_SA refused: %s", ike_notify_name(refused));
		/* RFC 7296 3.10.1: INVALID_KE_PAYLOAD carries the group we want */
		ike_put16(g, want);
		ike_bld_notify(&b, 0, NULL, 0, refused, g,
			       refused == IKE_N_INVALID_KE_PAYLOAD ? 2 : 0);
	} else {
		ike_ts_from_prefix(&c->ts_remote, &tsi);
		ike_ts_from_prefix(&c->ts_local, &tsr);
		ike_bld_sa(&b, &chosen, 1);
		ike_bld_payload(&b, IKE_PL_NONCE, nr, sizeof(nr));
		ike_pfs_put_ke(&b, dh);	/* PFS: KEr */
		ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
		ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	}
	ike_dh_free(dh);
	if (ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, true, msgid, &b, out, &len) == 0)
		ike_send_response(d, sa, out, len, msgid);
	sa->peer_msgid = msgid + 1;
}
