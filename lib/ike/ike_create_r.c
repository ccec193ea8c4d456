/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CREATE_CHILD_SA, responder half (RFC 7296 1.3): a new CHILD_SA or the rekey
 * of one (1.3.3: REKEY_SA names the old SA by the SPI the initiator receives
 * on, our outbound SPI). The new pair is installed next to the old one:
 * the newest outbound SA carries the traffic at once, both inbound SAs
 * decrypt until the initiator deletes the old pair (make-before-break,
 * 2.8). KEYMAT from the exchange's own nonces (2.17). The rekey of the IKE
 * SA itself goes to ike_rekey_r().
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

/* The new child; 0 or the notify refusing it. */
static uint16_t
new_child(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *nr, uint32_t nr_len,
	  struct ike_prop_out *chosen, struct ike_child **out)
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
			IKE_SA_LOG(WARNING, sa, "CREATE_CHILD_SA rekeys an SA we do not have");
			return IKE_N_CHILD_SA_NOT_FOUND;
		}
	}
	if (ike_msg_find(m, IKE_PL_KE) != NULL) {
		/* PFS on CHILD_SAs is not implemented: no proposal of ours has a group */
		d->ctr.no_proposal++;
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	rc = ike_child_respond(d, sa, ni->body.p, ni->body.len, nr, nr_len,
			       old != NULL ? old->spi_out : 0, chosen, &c);
	if (rc != 0)
		return rc;
	if (old != NULL)
		IKE_SA_LOG(NOTICE, sa, "CHILD_SA %08x/%08x rekeyed by the peer: new %08x/%08x",
			   old->spi_in, old->spi_out, c->spi_in, c->spi_out);
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
	uint16_t refused;
	struct ike_bld b;

	if (sa_pl->u.sa.n != 0 && m->prop[sa_pl->u.sa.first].proto == IKE_PROTO_IKE) {
		ike_rekey_r_request(d, sa);
		return;
	}
	if (ike_random(nr, sizeof(nr)) != 0)
		return;
	refused = new_child(d, sa, nr, sizeof(nr), &chosen, &c);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	if (refused != 0) {
		IKE_SA_LOG(WARNING, sa, "CREATE_CHILD_SA refused: %s", ike_notify_name(refused));
		ike_bld_notify(&b, 0, NULL, 0, refused, NULL, 0);
	} else {
		ike_ts_from_prefix(&c->ts_remote, &tsi);
		ike_ts_from_prefix(&c->ts_local, &tsr);
		ike_bld_sa(&b, &chosen, 1);
		ike_bld_payload(&b, IKE_PL_NONCE, nr, sizeof(nr));
		ike_bld_ts(&b, IKE_PL_TSI, &tsi, 1);
		ike_bld_ts(&b, IKE_PL_TSR, &tsr, 1);
	}
	if (ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, true, msgid, &b, out, &len) == 0)
		ike_send_response(d, sa, out, len, msgid);
	sa->peer_msgid = msgid + 1;
}
