/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_SA_INIT, responder half (RFC 7296 1.2): find the gateway of the peer's
 * address, choose a proposal (or NO_PROPOSAL_CHOSEN, both lists logged),
 * INVALID_KE_PAYLOAD when the KE's group is not the chosen one, a cap on
 * half-open SAs; then SA, KE, Nr and NAT detection back, and the keys. Also
 * the NAT detection hash and the key derivation both halves use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/evp.h>

#include "gw_log.h"
#include "ike_sa.h"

const struct gw_conf_ike_policy *ike_policy_of(const struct ike_daemon *d, const char *name);

void
ike_nat_hash(uint64_t spi_i, uint64_t spi_r, const union ike_sockaddr *a, uint8_t out[20])
{
	uint8_t in[8 + 8 + 16 + 2];
	unsigned int len = 20;
	size_t alen;
	const uint8_t *addr = ike_addr_bytes(a, &alen);
	uint16_t port = ike_addr_port(a);

	/* 2.23: SPIs | IP address (4 or 16 octets) | port, network order */
	ike_put64(in, spi_i);
	ike_put64(in + 8, spi_r);
	memcpy(in + 16, addr, alen);
	ike_put16(in + 16 + alen, port);
	EVP_Digest(in, 16 + alen + 2, out, &len, EVP_sha1(), NULL);
}

int
ike_sa_keys(struct ike_sa *sa, const uint8_t *gir, size_t glen)
{
	uint8_t skeyseed[IKE_MAX_PRF_LEN];
	int rc;

	rc = ike_skeyseed(sa->suite.prf, sa->ni, sa->ni_len, sa->nr, sa->nr_len, gir, glen,
			  skeyseed);
	if (rc == 0)
		rc = ike_keys_derive(&sa->suite, skeyseed, sa->ni, sa->ni_len, sa->nr, sa->nr_len,
				     sa->spi_i, sa->spi_r, &sa->keys);
	explicit_bzero(skeyseed, sizeof(skeyseed));
	if (rc == 0)
		ike_log_ike_keys(sa);
	return rc;
}

int
ike_sa_derive(struct ike_sa *sa, const uint8_t *peer_ke, uint32_t ke_len)
{
	uint8_t gir[IKE_MAX_DH_PUB];
	size_t glen;
	int rc;

	rc = ike_dh_derive(sa->dh, peer_ke, ke_len, gir, sizeof(gir), &glen);
	if (rc == 0)
		rc = ike_sa_keys(sa, gir, glen);
	explicit_bzero(gir, sizeof(gir));
	return rc;
}

void
ike_init_r_refuse(struct ike_daemon *d, const uint8_t *req, const union ike_sockaddr *to,
		  bool natt, uint16_t notify, uint8_t pl_type)
{
	struct ike_hdr hdr = { .spi_i = ike_get64(req), .exch = IKE_EXCH_SA_INIT,
			       .flags = IKE_FLAG_RESPONSE, .msgid = 0 };
	uint8_t buf[128];
	struct ike_bld b;
	uint32_t len;

	ike_bld_init(&b, buf, sizeof(buf), &hdr);
	/* RFC 7296 3.10.1: UNSUPPORTED_CRITICAL_PAYLOAD carries the type, one octet */
	ike_bld_notify(&b, 0, NULL, 0, notify, &pl_type,
		       notify == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD ? 1 : 0);
	if (ike_bld_finish(&b, &len) == 0)
		ike_sendto(d, natt, to, buf, len);
}

static const struct gw_conf_ike_gateway *
gateway_for(const struct ike_daemon *d, const union ike_sockaddr *from)
{
	for (unsigned int i = 0; i < d->conf.nb_gateways; i++)
		if (ike_addr_is_ip(from, &d->conf.gateways[i].address))
			return &d->conf.gateways[i];
	return NULL;
}

static const struct gw_conf_vpn *
vpn_for(const struct ike_daemon *d, const struct gw_conf_ike_gateway *gw)
{
	for (unsigned int i = 0; i < d->conf.nb_vpns; i++)
		if (strcmp(d->conf.vpns[i].gateway, gw->name) == 0)
			return &d->conf.vpns[i];
	return NULL;
}

void
ike_init_r_notify(struct ike_daemon *d, const union ike_sockaddr *from, bool natt,
		  uint16_t notify, const void *data, uint32_t dlen)
{
	struct ike_hdr hdr = { .spi_i = d->msg.hdr.spi_i, .exch = IKE_EXCH_SA_INIT,
			       .flags = IKE_FLAG_RESPONSE };
	uint8_t buf[128];
	struct ike_bld b;
	uint32_t len;

	ike_bld_init(&b, buf, sizeof(buf), &hdr);
	ike_bld_notify(&b, 0, NULL, 0, notify, data, dlen);
	if (ike_bld_finish(&b, &len) == 0)
		ike_sendto(d, natt, from, buf, len);
}

static int
answer(struct ike_daemon *d, struct ike_sa *sa, const struct ike_prop_out *chosen,
       const uint8_t *pub, size_t plen)
{
	struct ike_hdr hdr = { .spi_i = sa->spi_i, .spi_r = sa->spi_r, .exch = IKE_EXCH_SA_INIT,
			       .flags = IKE_FLAG_RESPONSE };
	uint8_t buf[IKE_MAX_MSG], h[20];
	struct ike_bld b;
	uint32_t len;
	int rc;

	ike_bld_init(&b, buf, sizeof(buf), &hdr);
	ike_bld_sa(&b, chosen, 1);
	ike_bld_ke(&b, sa->suite.dh, pub, (uint32_t)plen);
	ike_bld_payload(&b, IKE_PL_NONCE, sa->nr, sa->nr_len);
	/* NAT detection only when asked: never an answer larger than its request */
	if (sa->natd_asked) {
		ike_nat_hash(sa->spi_i, sa->spi_r, &sa->local, h);
		ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, 20);
		ike_nat_hash(sa->spi_i, sa->spi_r, &sa->remote, h);
		ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h, 20);
	}
	ike_cert_init_add(d, sa, &b);
	ike_frag_init_add(d, sa, &b);
	rc = ike_bld_finish(&b, &len);
	if (rc != 0)
		return rc;
	sa->init_resp = malloc(len);
	if (sa->init_resp == NULL)
		return -ENOMEM;
	memcpy(sa->init_resp, buf, len);
	sa->init_resp_len = len;
	return ike_send_response(d, sa, buf, len, 0);
}

/* The key pair and g^ir are ready (ike_async.c): keys, then the answer. */
static void
keys_done(struct ike_daemon *d, struct ike_sa *sa, struct ike_dh_result *r)
{
	struct ike_prop_out chosen;
	int rc = r->rc;

	memcpy(&chosen, r->ctx, sizeof(chosen));
	if (rc == 0)
		rc = ike_sa_keys(sa, r->gir, r->gir_len);
	if (rc == 0)
		rc = answer(d, sa, &chosen, r->pub, r->pub_len);
	if (rc != 0) {
		IKE_SA_LOG(WARNING, sa, "IKE_SA_INIT from %s failed: %s",
			   ike_addr_str(&sa->remote), strerror(-rc));
		ike_sa_destroy(d, sa, "IKE_SA_INIT failed");
		return;
	}
	ike_sa_set_state(d, sa, IKE_ST_INIT_DONE);
	ike_sa_arm_life(d, sa, IKE_HALF_OPEN_TIMEOUT_MS);
	/* our AUTH signature while the initiator makes its own (else inline later) */
	rc = ike_auth_presign(d, sa, NULL);
	if (rc != 0)
		IKE_SA_LOG(INFO, sa, "signature not made ahead: %s", strerror(-rc));
}

void
ike_init_r_request(struct ike_daemon *d, const uint8_t *buf, uint32_t len,
		   const union ike_sockaddr *from, bool natt)
{
	const struct ike_msg *m = &d->msg;
	const struct gw_conf_ike_gateway *gw;
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS], chosen;
	const struct ike_pl *sa_pl, *ke, *ni, *nsrc, *ndst;
	struct ike_suite suite;
	unsigned int nmine;
	struct ike_sa *sa;
	uint8_t h[20];
	int rc;

	if (m->hdr.spi_r != 0 || m->hdr.msgid != 0) {
		d->ctr.drop_parse++;
		GW_LOG(ike, INFO, "IKE_SA_INIT request from %s with responder SPI or message ID "
		       "set: dropped", ike_addr_str(from));
		return;
	}
	/* a retransmitted request: the same answer (RFC 7296 2.1) */
	sa = ike_find_half_open(d, m->hdr.spi_i, from);
	if (sa != NULL) {
		if (sa->has_resp && sa->resp_msgid == 0 && sa->state == IKE_ST_INIT_DONE) {
			d->ctr.rx_dup_requests++;
			ike_sendto(d, sa->natt, &sa->remote, sa->resp, sa->resp_len);
		}
		return;
	}
	gw = gateway_for(d, from);
	if (gw == NULL) {
		d->ctr.drop_no_gateway++;
		GW_LOG(ike, WARNING, "IKE_SA_INIT from %s: no ike gateway has that address",
		       ike_addr_str(from));
		return;
	}
	if (!ike_cookie_ok(d, from, natt) || !ike_half_open_admit(d, from))
		return;
	sa_pl = ike_msg_find(m, IKE_PL_SA);
	ke = ike_msg_find(m, IKE_PL_KE);
	ni = ike_msg_find(m, IKE_PL_NONCE);
	nmine = ike_props_ike(d, ike_policy_of(d, gw->ike_policy), mine, GW_CONF_MAX_PROPREFS);
	if (ike_props_select(m, sa_pl, mine, nmine, &chosen, "IKE SA",
			     ike_addr_str(from)) != 0 ||
	    ike_suite_from_prop(&chosen, &suite) != 0) {
		d->ctr.no_proposal++;
		ike_init_r_notify(d, from, natt, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	if (ke->u.ke.group != suite.dh) {
		/* RFC 7296 1.2: tell the initiator which group we chose */
		uint8_t g[2];

		d->ctr.invalid_ke++;
		ike_put16(g, suite.dh);
		GW_LOG(ike, INFO, "IKE_SA_INIT from %s: KE of group %u, we chose %u: "
		       "INVALID_KE_PAYLOAD", ike_addr_str(from), ke->u.ke.group, suite.dh);
		ike_init_r_notify(d, from, natt, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	sa = ike_sa_alloc(d);
	if (sa == NULL) {
		d->ctr.half_open_cap++;
		GW_LOG(ike, WARNING, "IKE_SA_INIT from %s refused: %u IKE SAs in use",
		       ike_addr_str(from), IKE_MAX_SAS);
		return;
	}
	sa->initiator = false;
	sa->gw = gw;
	sa->pol = ike_policy_of(d, gw->ike_policy);
	sa->vpn = vpn_for(d, gw);
	sa->suite = suite;
	sa->natt = natt;
	sa->remote = *from;
	ike_addr_set(&sa->local, &gw->local_address, natt ? d->natt_port : d->port);
	sa->spi_i = m->hdr.spi_i;
	sa->ni_len = ni->body.len;
	memcpy(sa->ni, ni->body.p, ni->body.len);
	sa->nr_len = IKE_NONCE_LEN;
	sa->peer_msgid = 1;
	rc = ike_random(&sa->spi_r, sizeof(sa->spi_r));
	if (rc == 0)
		rc = ike_random(sa->nr, sa->nr_len);
	if (rc != 0) {
		ike_sa_destroy(d, sa, "no randomness");
		return;
	}
	nsrc = ike_msg_notify(m, IKE_N_NAT_DETECTION_SOURCE_IP);
	ndst = ike_msg_notify(m, IKE_N_NAT_DETECTION_DESTINATION_IP);
	if (nsrc != NULL && ndst != NULL) {
		sa->natd_asked = true;
		ike_nat_hash(sa->spi_i, 0, &sa->remote, h);
		sa->nat_remote = nsrc->u.notify.data.len != 20 ||
				 ike_ct_cmp(h, nsrc->u.notify.data.p, 20) != 0;
		ike_nat_hash(sa->spi_i, 0, &sa->local, h);
		sa->nat_local = ndst->u.notify.data.len != 20 ||
				ike_ct_cmp(h, ndst->u.notify.data.p, 20) != 0;
		if (sa->nat_local || sa->nat_remote)
			IKE_SA_LOG(INFO, sa, "NAT detected (%s): ESP in UDP %u",
				   sa->nat_local ? "local" : "remote", d->natt_port);
	}
	ike_cert_init_peer(d, sa);	/* reads d->msg: before the key work */
	ike_frag_init_peer(d, sa);
	sa->init_req = malloc(len);
	if (sa->init_req == NULL) {
		ike_sa_destroy(d, sa, "out of memory");
		return;
	}
	memcpy(sa->init_req, buf, len);
	sa->init_req_len = len;
	/* a half-open SA from now on (ike_resist.c), also while its keys are made */
	ike_sa_arm_life(d, sa, IKE_HALF_OPEN_TIMEOUT_MS);
	rc = ike_async_dh(d, sa, suite.dh, NULL, ke->u.ke.data.p, ke->u.ke.data.len, &chosen,
			  sizeof(chosen), keys_done);
	if (rc != 0) {
		IKE_SA_LOG(WARNING, sa, "IKE_SA_INIT from %s: %s", ike_addr_str(from),
			   strerror(-rc));
		ike_sa_destroy(d, sa, "IKE_SA_INIT failed");
	}
}
