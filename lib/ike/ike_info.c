/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INFORMATIONAL (RFC 7296 1.4, 1.4.1, 2.4): deletes of the IKE SA or of
 * CHILD_SAs (answered with the deletes of the paired SAs), liveness checks
 * (an empty request, answered empty: DPD), our own delete and DPD requests.
 */
#include <errno.h>
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

void
ike_info_request(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG], ours[4 * IKE_MAX_CHILDREN];
	uint32_t msgid = m->hdr.msgid, len;
	bool delete_ike = false;
	uint16_t nours = 0;
	struct ike_bld b;

	for (uint16_t i = 0; i < m->npl; i++) {
		const struct ike_pl *pl = &m->pl[i];

		if (pl->type != IKE_PL_DELETE)
			continue;
		if (pl->u.del.proto == IKE_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		for (uint16_t k = 0; k < pl->u.del.n; k++) {
			uint32_t spi = ike_get32(pl->u.del.spis.p + 4 * k);
			struct ike_child *c = ike_child_by_out(sa, spi);

			if (c == NULL)
				continue;
			/* its replacement's outbound SA first: no gap in the binding */
			for (unsigned int j = 0; j < IKE_MAX_CHILDREN; j++)
				if (sa->children[j].used && sa->children[j].replaces == spi)
					ike_child_activate(d, sa, &sa->children[j]);
			if (nours < IKE_MAX_CHILDREN)
				ike_put32(ours + 4 * nours++, c->spi_in);
			IKE_SA_LOG(NOTICE, sa, "peer deleted CHILD_SA %08x/%08x", c->spi_in,
				   c->spi_out);
			ike_child_remove(d, sa, c);
		}
	}
	ike_bld_init_inner(&b, inner, sizeof(inner));
	if (nours != 0 && !delete_ike)
		ike_bld_delete(&b, IKE_PROTO_ESP, 4, ours, nours);
	if (ike_seal(sa, IKE_EXCH_INFORMATIONAL, true, msgid, &b, out, &len) == 0)
		ike_send_response(d, sa, out, len, msgid);
	sa->peer_msgid = msgid + 1;
	if (delete_ike) {
		IKE_SA_LOG(NOTICE, sa, "peer deleted the IKE SA");
		ike_sa_destroy(d, sa, "deleted by the peer");
	}
}

void
ike_info_response(struct ike_daemon *d, struct ike_sa *sa)
{
	sa->dpd_missed = 0;
	if (sa->deleting_spi_in != 0) {
		for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
			if (sa->children[i].used && sa->children[i].spi_in == sa->deleting_spi_in)
				ike_child_remove(d, sa, &sa->children[i]);
		sa->deleting_spi_in = 0;
	}
	if (sa->state == IKE_ST_DELETING)
		ike_sa_destroy(d, sa, "deleted");
}

static int
send_info(struct ike_daemon *d, struct ike_sa *sa, bool delete_ike)
{
	uint8_t inner[64], out[IKE_MAX_MSG];
	struct ike_bld b;
	uint32_t len;
	int rc;

	ike_bld_init_inner(&b, inner, sizeof(inner));
	if (delete_ike)
		ike_bld_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	rc = ike_seal(sa, IKE_EXCH_INFORMATIONAL, false, sa->next_msgid, &b, out, &len);
	if (rc != 0)
		return rc;
	sa->next_msgid++;
	return ike_send_request(d, sa, IKE_EXCH_INFORMATIONAL, out, len);
}

int
ike_info_send_delete(struct ike_daemon *d, struct ike_sa *sa)
{
	int rc;

	if (ctl_timer_armed(&sa->retrans_timer))
		return -EBUSY;	/* window 1: one request at a time */
	rc = send_info(d, sa, true);
	if (rc == 0)
		ike_sa_set_state(d, sa, IKE_ST_DELETING);
	return rc;
}

int
ike_info_send_child_delete(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c)
{
	uint8_t inner[64], out[IKE_MAX_MSG], spi[4];
	struct ike_bld b;
	uint32_t len;
	int rc;

	if (ctl_timer_armed(&sa->retrans_timer))
		return -EBUSY;
	ike_put32(spi, c->spi_in);	/* RFC 7296 3.11: the SPI we receive on */
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_delete(&b, IKE_PROTO_ESP, 4, spi, 1);
	rc = ike_seal(sa, IKE_EXCH_INFORMATIONAL, false, sa->next_msgid, &b, out, &len);
	if (rc != 0)
		return rc;
	sa->next_msgid++;
	sa->deleting_spi_in = c->spi_in;
	return ike_send_request(d, sa, IKE_EXCH_INFORMATIONAL, out, len);
}

int
ike_info_send_dpd(struct ike_daemon *d, struct ike_sa *sa)
{
	if (ctl_timer_armed(&sa->retrans_timer))
		return -EBUSY;
	sa->dpd_missed++;
	return send_info(d, sa, false);
}
