/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_SA_INIT, initiator half (RFC 7296 1.2): SA, KE, Ni, NAT detection
 * (2.23); the response's proposal, INVALID_KE_PAYLOAD (1.2: retry with the
 * group asked for), COOKIE (2.6: retry with it), then the keys (2.14) and
 * IKE_AUTH.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

static int send_init(struct ike_daemon *d, struct ike_sa *sa);

/* Our key pair is made (ike_async.c, on the helper thread): the request goes. */
static void
pair_done(struct ike_daemon *d, struct ike_sa *sa, struct ike_dh_result *r)
{
	int rc = r->rc;

	if (rc == 0) {
		ike_dh_free(sa->dh);
		sa->dh = r->dh;		/* taken: the job frees it no more */
		r->dh = NULL;
		rc = send_init(d, sa);
	}
	if (rc != 0) {
		IKE_SA_LOG(ERR, sa, "IKE_SA_INIT not sent: %s", strerror(-rc));
		ike_sa_destroy(d, sa, "cannot initiate");
	}
}

/*
 * Build and send the request with the SA's current group, nonce and cookie.
 * Without a key pair of that group one is made on the helper thread first
 * and the request goes when it is back (pair_done); the SA may be gone when
 * this returns 0, so the caller touches it no more.
 */
static int
send_init(struct ike_daemon *d, struct ike_sa *sa)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	struct ike_hdr hdr = { .spi_i = sa->spi_i, .exch = IKE_EXCH_SA_INIT,
			       .flags = IKE_FLAG_INITIATOR };
	uint8_t buf[IKE_MAX_MSG], pub[IKE_MAX_DH_PUB], h[20];
	unsigned int n = ike_props_ike(d, sa->pol, props, GW_CONF_MAX_PROPREFS);
	struct ike_bld b;
	size_t plen;
	uint32_t len;
	int rc;

	if (sa->dh == NULL || ike_dh_group(sa->dh) != sa->dh_group) {
		ike_dh_free(sa->dh);
		sa->dh = NULL;
		return ike_async_dh(d, sa, sa->dh_group, NULL, NULL, 0, NULL, 0, pair_done);
	}
	rc = ike_dh_pub(sa->dh, pub, sizeof(pub), &plen);
	if (rc != 0)
		return rc;
	ike_bld_init(&b, buf, sizeof(buf), &hdr);
	if (sa->cookie_len != 0)	/* RFC 7296 2.6: the cookie comes first */
		ike_bld_notify(&b, 0, NULL, 0, IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	ike_bld_sa(&b, props, n);
	ike_bld_ke(&b, sa->dh_group, pub, (uint32_t)plen);
	ike_bld_payload(&b, IKE_PL_NONCE, sa->ni, sa->ni_len);
	ike_nat_hash(sa->spi_i, 0, &sa->local, h);
	ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, 20);
	ike_nat_hash(sa->spi_i, 0, &sa->remote, h);
	ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h, 20);
	ike_cert_init_add(d, sa, &b);
	ike_frag_init_add(d, sa, &b);
	rc = ike_bld_finish(&b, &len);
	if (rc != 0)
		return rc;
	free(sa->init_req);
	sa->init_req = malloc(len);
	if (sa->init_req == NULL)
		return -ENOMEM;
	memcpy(sa->init_req, buf, len);
	sa->init_req_len = len;
	sa->next_msgid = 1;
	ike_sa_set_state(d, sa, IKE_ST_INIT_SENT);
	return ike_send_request(d, sa, IKE_EXCH_SA_INIT, buf, len);
}

static const struct gw_conf_ike_gateway *
gateway_of(const struct ike_daemon *d, const char *name)
{
	for (unsigned int i = 0; i < d->conf.nb_gateways; i++)
		if (strcmp(d->conf.gateways[i].name, name) == 0)
			return &d->conf.gateways[i];
	return NULL;
}

const struct gw_conf_ike_policy *ike_policy_of(const struct ike_daemon *d, const char *name);
const struct gw_conf_ike_policy *
ike_policy_of(const struct ike_daemon *d, const char *name)
{
	for (unsigned int i = 0; i < d->conf.nb_policies; i++)
		if (strcmp(d->conf.policies[i].name, name) == 0)
			return &d->conf.policies[i];
	return NULL;
}

/* The DH group of our first proposal: what KE carries first (RFC 7296 1.2). */
static uint16_t
first_group(const struct ike_daemon *d, const struct gw_conf_ike_policy *pol)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	unsigned int n = ike_props_ike(d, pol, props, GW_CONF_MAX_PROPREFS);
	int g = n ? ike_prop_xf(&props[0], IKE_XF_DH, NULL) : -1;

	return g < 0 ? IKE_DH_MODP2048 : (uint16_t)g;
}

int
ike_init_start(struct ike_daemon *d, const struct gw_conf_vpn *vpn)
{
	const struct gw_conf_ike_gateway *gw = gateway_of(d, vpn->gateway);
	struct ike_sa *sa;
	int rc;

	if (gw == NULL || (gw->address.family != AF_INET && gw->address.family != AF_INET6))
		return -EINVAL;
	sa = ike_sa_alloc(d);
	if (sa == NULL)
		return -ENOSPC;
	sa->initiator = true;
	sa->gw = gw;
	sa->pol = ike_policy_of(d, gw->ike_policy);
	sa->vpn = vpn;
	ike_addr_set(&sa->local, &gw->local_address, d->port);
	ike_addr_set(&sa->remote, &gw->address, d->peer_port);
	sa->dh_group = first_group(d, sa->pol);
	sa->ni_len = IKE_NONCE_LEN;
	rc = ike_random(&sa->spi_i, sizeof(sa->spi_i));
	if (rc == 0)
		rc = ike_random(sa->ni, sa->ni_len);
	if (rc != 0) {
		IKE_SA_LOG(ERR, sa, "IKE_SA_INIT not sent: %s", strerror(-rc));
		ike_sa_destroy(d, sa, "cannot initiate");
		return rc;
	}
	IKE_SA_LOG(NOTICE, sa, "initiating to %s (vpn %s)", ike_addr_str(&sa->remote),
		   vpn->name);
	/* the half-open time counts from here: the key pair is made on the helper first */
	ike_sa_arm_life(d, sa, IKE_HALF_OPEN_TIMEOUT_MS);
	rc = send_init(d, sa);
	if (rc != 0) {	/* else the SA may be gone already (pair_done): not touched */
		IKE_SA_LOG(ERR, sa, "IKE_SA_INIT not sent: %s", strerror(-rc));
		ike_sa_destroy(d, sa, "cannot initiate");
	}
	return rc;
}

/* The response's error notifies we act on (RFC 7296 1.2, 2.6). true: handled. */
static bool
init_retry(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *n;

	n = ike_msg_notify(m, IKE_N_COOKIE);
	if (n != NULL && n->u.notify.data.len >= 1 && n->u.notify.data.len <= 64 &&
	    sa->cookie_len == 0) {
		sa->cookie_len = n->u.notify.data.len;
		memcpy(sa->cookie, n->u.notify.data.p, sa->cookie_len);
		IKE_SA_LOG(INFO, sa, "COOKIE received: IKE_SA_INIT again with it");
		send_init(d, sa);
		return true;
	}
	n = ike_msg_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	if (n != NULL) {
		struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
		unsigned int np = ike_props_ike(d, sa->pol, props, GW_CONF_MAX_PROPREFS);
		uint16_t want = n->u.notify.data.len == 2 ? ike_get16(n->u.notify.data.p) : 0;
		bool ours = false;

		d->ctr.invalid_ke++;
		for (unsigned int i = 0; i < np; i++)
			ours |= ike_prop_xf(&props[i], IKE_XF_DH, NULL) == want;
		if (ours && want != sa->dh_group) {
			IKE_SA_LOG(INFO, sa, "INVALID_KE_PAYLOAD: peer wants group %u", want);
			sa->dh_group = want;
			send_init(d, sa);
			return true;
		}
	}
	return false;
}

/* Our AUTH is ready (ike_async_sig.c; at once with a pre-shared key): IKE_AUTH. */
static void
signed_send(struct ike_daemon *d, struct ike_sa *sa, int rc)
{
	if (rc == 0)
		rc = ike_auth_i_send(d, sa);
	if (rc != 0) {
		IKE_SA_LOG(ERR, sa, "IKE_AUTH not sent: %s", strerror(-rc));
		ike_sa_destroy(d, sa, "cannot send IKE_AUTH");
	}
}

/* g^ir is known (ike_async.c): the keys, our signature (helper), then IKE_AUTH. */
static void
keys_done(struct ike_daemon *d, struct ike_sa *sa, struct ike_dh_result *r)
{
	int rc = r->rc;

	if (rc == 0)
		rc = ike_sa_keys(sa, r->gir, r->gir_len);
	if (rc != 0) {
		IKE_SA_LOG(WARNING, sa, "keys not derived: %s", strerror(-rc));
		ike_sa_destroy(d, sa, "bad KE");
		return;
	}
	rc = ike_auth_presign(d, sa, signed_send);
	if (rc != 0)
		signed_send(d, sa, rc);
}

void
ike_init_i_response(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *buf, uint32_t len)
{
	const struct ike_msg *m = &d->msg;
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS], chosen;
	const struct ike_pl *err, *sa_pl, *ke, *nr, *nsrc, *ndst;
	unsigned int nmine = ike_props_ike(d, sa->pol, mine, GW_CONF_MAX_PROPREFS);
	struct ike_dh *dh;
	uint8_t h[20];
	int rc;

	if (sa->computing) {	/* a duplicate of the response whose keys are being made */
		d->ctr.drop_state++;
		return;
	}
	if (init_retry(d, sa))
		return;
	err = ike_msg_error_notify(m);
	if (err != NULL) {
		if (err->u.notify.type == IKE_N_NO_PROPOSAL_CHOSEN)
			d->ctr.no_proposal++;
		IKE_SA_LOG(WARNING, sa, "IKE_SA_INIT refused by the peer: %s",
			   ike_notify_name(err->u.notify.type));
		ike_sa_destroy(d, sa, ike_notify_name(err->u.notify.type));
		return;
	}
	sa_pl = ike_msg_find(m, IKE_PL_SA);
	ke = ike_msg_find(m, IKE_PL_KE);
	nr = ike_msg_find(m, IKE_PL_NONCE);
	/* the answer must be one of ours, exactly one proposal */
	if (sa_pl->u.sa.n != 1 ||
	    ike_props_select(m, sa_pl, mine, nmine, &chosen, "IKE SA (response)",
			     ike_addr_str(&sa->remote)) != 0 ||
	    ike_suite_from_prop(&chosen, &sa->suite) != 0 || sa->suite.dh != ke->u.ke.group ||
	    ke->u.ke.group != sa->dh_group || m->hdr.spi_r == 0) {
		d->ctr.no_proposal++;
		IKE_SA_LOG(WARNING, sa, "IKE_SA_INIT response with an unacceptable proposal, "
			   "group %u or SPI", ke->u.ke.group);
		ike_sa_destroy(d, sa, "bad IKE_SA_INIT response");
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	sa->nr_len = nr->body.len;
	memcpy(sa->nr, nr->body.p, nr->body.len);
	/* RFC 7296 2.23: NAT detection */
	nsrc = ike_msg_notify(m, IKE_N_NAT_DETECTION_SOURCE_IP);
	ndst = ike_msg_notify(m, IKE_N_NAT_DETECTION_DESTINATION_IP);
	if (nsrc != NULL && ndst != NULL) {
		ike_nat_hash(sa->spi_i, sa->spi_r, &sa->remote, h);
		sa->nat_remote = nsrc->u.notify.data.len != 20 ||
				 ike_ct_cmp(h, nsrc->u.notify.data.p, 20) != 0;
		ike_nat_hash(sa->spi_i, sa->spi_r, &sa->local, h);
		sa->nat_local = ndst->u.notify.data.len != 20 ||
				ike_ct_cmp(h, ndst->u.notify.data.p, 20) != 0;
		if (sa->nat_local || sa->nat_remote) {
			sa->natt = true;
			ike_addr_set_port(&sa->remote, d->peer_natt_port);
			IKE_SA_LOG(INFO, sa, "NAT detected (%s): IKE and ESP on UDP %u",
				   sa->nat_local ? "local" : "remote", d->natt_port);
		}
	}
	ike_frag_init_peer(d, sa);
	free(sa->init_resp);
	sa->init_resp = malloc(len);
	if (sa->init_resp == NULL) {
		ike_sa_destroy(d, sa, "out of memory");
		return;
	}
	memcpy(sa->init_resp, buf, len);
	sa->init_resp_len = len;
	ike_cert_init_peer(d, sa);	/* reads d->msg: before the key work */
	/* g^ir on the helper thread (ike_async.c), which takes the key pair */
	dh = sa->dh;
	sa->dh = NULL;
	rc = ike_async_dh(d, sa, sa->dh_group, dh, ke->u.ke.data.p, ke->u.ke.data.len, NULL, 0,
			  keys_done);
	if (rc != 0) {
		ike_dh_free(dh);
		IKE_SA_LOG(WARNING, sa, "keys not derived: %s", strerror(-rc));
		ike_sa_destroy(d, sa, "bad KE");
	}
}
