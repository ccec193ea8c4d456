/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKE SA rekeyed by the peer (RFC 7296 1.3.2, 2.18): CREATE_CHILD_SA with
 * an IKE proposal (the initiator's new SPI), Ni and KE. The answer (our new
 * SPI, Nr, KE) goes out under the old keys; then the SA takes the new SPIs,
 * keys (SKEYSEED = prf(SK_d old, g^ir new | Ni | Nr)) and message IDs, with
 * the peer as its initiator. Its CHILD_SAs move along unchanged (same owner).
 * The old identity goes to a REKEYED slot that answers the peer's delete of
 * it (ike_rekey_i.c). While a request of ours is out the answer is
 * TEMPORARY_FAILURE (RFC 7296 2.25), unless it is a DPD probe (it moves with
 * the old identity) or our own IKE SA rekey: then the two collide (2.8.2)
 * and ike_rekey_i_response() decides.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

static void
refuse(struct ike_daemon *d, struct ike_sa *sa, uint16_t notify, const void *data, uint32_t dlen)
{
	uint8_t inner[64], out[IKE_MAX_MSG];
	uint32_t msgid = d->msg.hdr.msgid, len;
	struct ike_bld b;

	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_notify(&b, 0, NULL, 0, notify, data, dlen);
	if (ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, true, msgid, &b, out, &len) == 0)
		ike_send_response(d, sa, out, len, msgid);
	sa->peer_msgid = msgid + 1;
}

void
ike_rekey_r_request(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *ni = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *ke = ike_msg_find(m, IKE_PL_KE);
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS], chosen;
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG], nr[IKE_NONCE_LEN], pub[IKE_MAX_DH_PUB];
	uint8_t gir[IKE_MAX_DH_PUB], seed[IKE_MAX_PRF_LEN];
	unsigned int n = ike_props_ike(d, sa->pol, mine, GW_CONF_MAX_PROPREFS);
	uint32_t msgid = m->hdr.msgid, len;
	struct ike_rekey_id id = { .initiator = false };
	struct ike_dh *dh = NULL;
	size_t plen, glen;
	struct ike_bld b;
	int rc;

	/* a DPD probe of ours may be out: it moves with the old identity (ike_rekey_i.c) */
	if ((ctl_timer_armed(&sa->retrans_timer) && !sa->ike_rekeying && !ike_rekey_dpd_out(sa)) ||
	    sa->rk_peer != NULL) {
		d->ctr.temp_failure++;
		IKE_SA_LOG(INFO, sa, "IKE SA rekey by the peer while busy: TEMPORARY_FAILURE");
		refuse(d, sa, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (ke == NULL ||
	    ike_props_select(m, sa_pl, mine, n, &chosen, "IKE SA rekey",
			     ike_addr_str(&sa->remote)) != 0 ||
	    chosen.spi_size != 8 || ike_suite_from_prop(&chosen, &id.suite) != 0) {
		d->ctr.no_proposal++;
		refuse(d, sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (ke->u.ke.group != id.suite.dh) {
		uint8_t g[2];

		d->ctr.invalid_ke++;
		ike_put16(g, id.suite.dh);
		refuse(d, sa, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	id.spi_i = ike_get64(chosen.spi);
	rc = ike_random(&id.spi_r, sizeof(id.spi_r));
	if (rc == 0)
		rc = ike_random(nr, sizeof(nr));
	/* our pair and g^ir: made on the helper thread before (ike_async_ke.c) or here */
	if (rc == 0)
		rc = ike_ke_respond(sa, ke, &dh, gir, sizeof(gir), &glen);
	if (rc == 0)
		rc = ike_dh_pub(dh, pub, sizeof(pub), &plen);
	/* RFC 7296 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), old PRF */
	if (rc == 0)
		rc = ike_skeyseed_rekey(sa->suite.prf, sa->keys.sk_d, sa->keys.d_len, gir, glen,
					ni->body.p, ni->body.len, nr, sizeof(nr), seed);
	if (rc == 0)
		rc = ike_keys_derive(&id.suite, seed, ni->body.p, ni->body.len, nr, sizeof(nr),
				     id.spi_i, id.spi_r, &id.keys);
	ike_dh_free(dh);
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(seed, sizeof(seed));
	if (rc != 0) {
		IKE_SA_LOG(WARNING, sa, "IKE SA rekey failed: %s", strerror(-rc));
		refuse(d, sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	ike_put64(chosen.spi, id.spi_r);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_sa(&b, &chosen, 1);
	ike_bld_payload(&b, IKE_PL_NONCE, nr, sizeof(nr));
	ike_bld_ke(&b, id.suite.dh, pub, (uint32_t)plen);
	if (ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, true, msgid, &b, out, &len) != 0) {
		ike_keys_wipe(&id.keys);
		return;
	}
	ike_send_response(d, sa, out, len, msgid);
	sa->peer_msgid = msgid + 1;
	ike_nonce_low(ni->body.p, ni->body.len, nr, sizeof(nr), id.low, &id.low_len);
	if (sa->ike_rekeying) {
		/* ours is out too (RFC 7296 2.8.2): settled when its answer comes */
		sa->rk_peer = malloc(sizeof(*sa->rk_peer));
		if (sa->rk_peer != NULL) {
			*sa->rk_peer = id;
			IKE_SA_LOG(INFO, sa, "the peer rekeys the IKE SA too (collision)");
		}
		ike_keys_wipe(&id.keys);
		return;
	}
	/* the new identity; the old one answers only the peer's delete of it */
	ike_rekey_adopt(d, sa, &id, false);
}
