/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKE SA rekeyed by the peer (RFC 7296 1.3.2, 2.18): CREATE_CHILD_SA with
 * an IKE proposal (the initiator's new SPI), Ni and KE. The answer (our new
 * SPI, Nr, KE) goes out under the old keys; then the SA takes the new SPIs,
 * keys (SKEYSEED = prf(SK_d old, g^ir new | Ni | Nr)) and message IDs, with
 * the peer as its initiator. Its CHILD_SAs move along unchanged (same owner).
 * The old identity is kept only to answer the peer's delete of it.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

void
ike_sa_swap_old(struct ike_sa *sa)
{
	struct ike_sa_old cur = {
		.valid = true, .initiator = sa->initiator, .spi_i = sa->spi_i, .spi_r = sa->spi_r,
		.suite = sa->suite, .keys = sa->keys, .peer_msgid = sa->peer_msgid,
	};

	sa->initiator = sa->old.initiator;
	sa->spi_i = sa->old.spi_i;
	sa->spi_r = sa->old.spi_r;
	sa->suite = sa->old.suite;
	sa->keys = sa->old.keys;
	sa->peer_msgid = sa->old.peer_msgid;
	sa->old = cur;
	explicit_bzero(&cur, sizeof(cur));
}

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
	struct ike_suite suite;
	struct ike_keys keys;
	struct ike_dh *dh = NULL;
	uint64_t spi_i, spi_r;
	size_t plen, glen;
	struct ike_bld b;
	int rc;

	if (sa->old.valid) {	/* the previous rekey's delete has not come yet */
		refuse(d, sa, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (ke == NULL ||
	    ike_props_select(m, sa_pl, mine, n, &chosen, "IKE SA rekey",
			     inet_ntoa(sa->remote.sin_addr)) != 0 ||
	    chosen.spi_size != 8 || ike_suite_from_prop(&chosen, &suite) != 0) {
		d->ctr.no_proposal++;
		refuse(d, sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (ke->u.ke.group != suite.dh) {
		uint8_t g[2];

		d->ctr.invalid_ke++;
		ike_put16(g, suite.dh);
		refuse(d, sa, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	spi_i = ike_get64(chosen.spi);
	rc = ike_random(&spi_r, sizeof(spi_r));
	if (rc == 0)
		rc = ike_random(nr, sizeof(nr));
	dh = rc == 0 ? ike_dh_new(suite.dh) : NULL;
	rc = dh == NULL ? -EIO : ike_dh_derive(dh, ke->u.ke.data.p, ke->u.ke.data.len, gir,
					       sizeof(gir), &glen);
	if (rc == 0)
		rc = ike_dh_pub(dh, pub, sizeof(pub), &plen);
	/* RFC 7296 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), old PRF */
	if (rc == 0)
		rc = ike_skeyseed_rekey(sa->suite.prf, sa->keys.sk_d, sa->keys.d_len, gir, glen,
					ni->body.p, ni->body.len, nr, sizeof(nr), seed);
	if (rc == 0)
		rc = ike_keys_derive(&suite, seed, ni->body.p, ni->body.len, nr, sizeof(nr),
				     spi_i, spi_r, &keys);
	ike_dh_free(dh);
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(seed, sizeof(seed));
	if (rc != 0) {
		IKE_SA_LOG(WARNING, sa, "IKE SA rekey failed: %s", strerror(-rc));
		refuse(d, sa, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	ike_put64(chosen.spi, spi_r);
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_sa(&b, &chosen, 1);
	ike_bld_payload(&b, IKE_PL_NONCE, nr, sizeof(nr));
	ike_bld_ke(&b, suite.dh, pub, (uint32_t)plen);
	if (ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, true, msgid, &b, out, &len) != 0) {
		ike_keys_wipe(&keys);
		return;
	}
	ike_send_response(d, sa, out, len, msgid);
	sa->peer_msgid = msgid + 1;
	/* the new identity; the old one answers only the peer's delete of it */
	sa->old = (struct ike_sa_old){ .valid = true, .initiator = sa->initiator,
				       .spi_i = sa->spi_i, .spi_r = sa->spi_r, .suite = sa->suite,
				       .keys = sa->keys, .peer_msgid = sa->peer_msgid };
	sa->initiator = false;
	sa->spi_i = spi_i;
	sa->spi_r = spi_r;
	sa->suite = suite;
	sa->keys = keys;
	ike_keys_wipe(&keys);
	sa->next_msgid = 0;
	sa->peer_msgid = 0;
	sa->has_resp = false;
	sa->rekeys++;
	ike_log_ike_keys(sa);	/* debug level: the new SPIs' keys for tshark */
	IKE_SA_LOG(NOTICE, sa, "IKE SA rekeyed by the peer: now %016llx/%016llx",
		   (unsigned long long)spi_i, (unsigned long long)spi_r);
}
