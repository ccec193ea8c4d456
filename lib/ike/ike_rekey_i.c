/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our rekey of the IKE SA (RFC 7296 1.3.2, 2.18) and the identities a rekey
 * replaces. The soft lifetime is 80-90 % of the ike-policy's proposals'
 * shortest `lifetime-seconds`, jittered per SA (so two gdoigw do not rekey in
 * step); then CREATE_CHILD_SA {SA (our proposals, a new 8-octet SPI), Ni,
 * KEi in the SA's group}; INVALID_KE_PAYLOAD naming another group of ours:
 * again with it; TEMPORARY_FAILURE: again a few seconds later. On the answer
 * SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old PRF, the
 * seven keys from the new suite and SPIs.
 *
 * The IKE SA keeps its slot and its index (the CHILD_SAs' owner), so its
 * children move to the new keys with no change in the data plane: no gap in
 * ESP. The identity it leaves (SPIs, keys, message IDs, cached response)
 * moves to a slot of its own in state REKEYED, with no children: the side
 * that initiated the surviving exchange deletes it (INFORMATIONAL under the
 * old keys), the other waits for that delete; a REKEYED identity answers
 * only deletes and liveness checks, CREATE_CHILD_SA with TEMPORARY_FAILURE,
 * and goes after a minute at the latest.
 *
 * Collisions (2.8.2): the peer's IKE SA rekey answered while ours is out is
 * kept (rk_peer) until our answer; the exchange with the lowest of the four
 * nonces made the redundant SA, which its initiator deletes; the winner
 * deletes the old one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

#define IKE_REKEYED_TIMEOUT_MS 60000	/* a replaced identity waits that long at most */
#define IKE_REKEY_BUSY_MS 1000		/* an exchange is out: try again */
#define IKE_REKEY_REFUSED_MS 30000	/* the peer refused (NO_PROPOSAL_CHOSEN ...) */

static void rekey_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg);

void
ike_rekey_init(struct ike_daemon *d, struct ike_sa *sa)
{
	(void)d;
	ctl_timer_init(&sa->rekey_timer, rekey_fire, sa);
}

static void
free_peer(struct ike_sa *sa)
{
	if (sa->rk_peer == NULL)
		return;
	ike_keys_wipe(&sa->rk_peer->keys);
	explicit_bzero(sa->rk_peer, sizeof(*sa->rk_peer));
	free(sa->rk_peer);
	sa->rk_peer = NULL;
}

void
ike_rekey_cleanup(struct ike_daemon *d, struct ike_sa *sa)
{
	ctl_timer_cancel(d->loop, &sa->rekey_timer);
	ike_pfs_done(sa);
	ike_dh_free(sa->pfs_spare);
	sa->pfs_spare = NULL;
	free_peer(sa);
	explicit_bzero(sa->rk_ni, sizeof(sa->rk_ni));
}

/* The shortest lifetime-seconds of the ike-policy's proposals (0: none). */
static uint32_t
ike_lifetime(const struct ike_daemon *d, const struct ike_sa *sa)
{
	uint32_t life = 0;

	for (unsigned int i = 0; sa->pol != NULL && i < sa->pol->nb_proposals; i++)
		for (unsigned int j = 0; j < d->conf.nb_proposals; j++) {
			const struct gw_conf_ike_proposal *cp = &d->conf.proposals[j];

			if (strcmp(cp->name, sa->pol->proposals[i]) == 0 && cp->lifetime_seconds &&
			    (life == 0 || cp->lifetime_seconds < life))
				life = cp->lifetime_seconds;
		}
	return life;
}

void
ike_rekey_arm(struct ike_daemon *d, struct ike_sa *sa)
{
	uint32_t life = ike_lifetime(d, sa), jitter = 0;
	uint64_t soft_ms;

	sa->rekeyed_ms = ctl_now_ms();
	ike_pfs_spare(d, sa);	/* the first CHILD_SA rekey's pair, ahead (ike_pfs.c) */
	if (life == 0)
		return;
	if (ike_random(&jitter, sizeof(jitter)) == 0)
		jitter %= life * 100u + 1u;	/* 0..10 % of the lifetime, in ms */
	soft_ms = (uint64_t)life * 800u + jitter;
	sa->rekey_at_ms = sa->rekeyed_ms + soft_ms;
	ctl_timer_arm(d->loop, &sa->rekey_timer, soft_ms);
}

void
ike_rekey_retry(struct ike_daemon *d, struct ike_sa *sa, uint64_t ms)
{
	/* rekey_fire() arms the timer again for what remains due */
	ctl_timer_arm(d->loop, &sa->rekey_timer, ms);
}

static void
rekey_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_daemon *d = sa->d;
	uint64_t now = ctl_now_ms(), next = 0;
	int rc;

	if (sa->state != IKE_ST_ESTABLISHED)
		return;
	/* postponed CHILD_SA rekeys first: their hard lifetime is closer */
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++) {
		struct ike_child *c = &sa->children[i];

		if (!c->used || !c->rekey_due)
			continue;
		next = IKE_REKEY_BUSY_MS;	/* the others after this one */
		if (ike_create_i_rekey(d, sa, c) == 0)
			break;
	}
	if (next == 0 && sa->rekey_at_ms != 0 && now >= sa->rekey_at_ms) {
		rc = ike_rekey_i_start(d, sa);
		if (rc == -EBUSY) {
			next = IKE_REKEY_BUSY_MS;
		} else if (rc != 0) {
			IKE_SA_LOG(WARNING, sa, "IKE SA rekey not sent: %s", strerror(-rc));
			sa->rekey_at_ms = now + IKE_REKEY_REFUSED_MS;
		}
	}
	if (next == 0 && sa->rekey_at_ms > now)
		next = sa->rekey_at_ms - now;
	if (next != 0)
		ctl_timer_arm(l, t, next);
}

/* An exchange of ours is out or about to be (window 1), or the peer's rekey was answered. */
static bool
busy(const struct ike_sa *sa)
{
	return ctl_timer_armed(&sa->retrans_timer) || sa->rekeying_spi_in != 0 ||
	       sa->deleting_spi_in != 0 || sa->ike_rekeying || sa->rk_peer != NULL ||
	       sa->computing;
}

static int send_rekey(struct ike_daemon *d, struct ike_sa *sa);

/*
 * Our key pair for the rekey is made (ike_async.c, on the helper thread): the
 * request goes, unless another exchange went out meanwhile: then the rekey
 * comes again a little later with this pair.
 */
static void
rekey_pair_done(struct ike_daemon *d, struct ike_sa *sa, struct ike_dh_result *r)
{
	uint64_t later = IKE_REKEY_BUSY_MS;
	int rc = r->rc;

	if (sa->state != IKE_ST_ESTABLISHED)
		return;
	if (rc == 0) {
		ike_dh_free(sa->dh);
		sa->dh = r->dh;		/* taken: the job frees it no more */
		r->dh = NULL;
		rc = busy(sa) ? -EBUSY : send_rekey(d, sa);
	}
	if (rc == 0)
		return;
	if (rc != -EBUSY) {
		IKE_SA_LOG(WARNING, sa, "IKE SA rekey not sent: %s", strerror(-rc));
		later = IKE_REKEY_REFUSED_MS;
	}
	sa->rekey_at_ms = ctl_now_ms() + later;
	ike_rekey_retry(d, sa, later);
}

/*
 * Build and send the rekey request with sa->dh_group; without a pair of that
 * group one is made on the helper thread first (rekey_pair_done sends).
 */
static int
send_rekey(struct ike_daemon *d, struct ike_sa *sa)
{
	struct ike_prop_out props[GW_CONF_MAX_PROPREFS];
	uint8_t inner[IKE_MAX_MSG], out[IKE_MAX_MSG];
	unsigned int n = ike_props_ike(d, sa->pol, props, GW_CONF_MAX_PROPREFS);
	struct ike_bld b;
	uint32_t len;
	int rc;

	for (unsigned int i = 0; i < n; i++) {	/* RFC 7296 3.3.1: the new SPI in each */
		props[i].spi_size = 8;
		ike_put64(props[i].spi, sa->rk_spi);
	}
	if (sa->dh == NULL || ike_dh_group(sa->dh) != sa->dh_group) {
		ike_dh_free(sa->dh);
		sa->dh = NULL;
		return ike_async_dh(d, sa, sa->dh_group, NULL, NULL, 0, NULL, 0, rekey_pair_done);
	}
	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_sa(&b, props, n);
	ike_bld_payload(&b, IKE_PL_NONCE, sa->rk_ni, sizeof(sa->rk_ni));
	rc = ike_pfs_put_ke(&b, sa->dh);	/* KEi (the same payload as PFS's) */
	if (rc == 0)
		rc = ike_seal(sa, IKE_EXCH_CREATE_CHILD_SA, false, sa->next_msgid, &b, out, &len);
	if (rc != 0)
		return rc;
	sa->next_msgid++;
	sa->ike_rekeying = true;
	IKE_SA_LOG(INFO, sa, "rekeying the IKE SA %016llx/%016llx (group %u)",
		   (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r, sa->dh_group);
	return ike_send_request(d, sa, IKE_EXCH_CREATE_CHILD_SA, out, len);
}

int
ike_rekey_i_start(struct ike_daemon *d, struct ike_sa *sa)
{
	int rc;

	if (sa->state != IKE_ST_ESTABLISHED || sa->pol == NULL)
		return -EINVAL;
	if (busy(sa))
		return -EBUSY;
	do {
		rc = ike_random(&sa->rk_spi, sizeof(sa->rk_spi));
	} while (rc == 0 && sa->rk_spi == 0);
	if (rc == 0)
		rc = ike_random(sa->rk_ni, sizeof(sa->rk_ni));
	if (rc != 0)
		return rc;
	sa->dh_group = sa->suite.dh;	/* the SA's group first (1.3.2) */
	sa->rekey_at_ms = 0;
	return send_rekey(d, sa);
}

/* Send a delete of the IKE SA of this (REKEYED) identity; it goes on the answer. */
static void
send_delete(struct ike_daemon *d, struct ike_sa *o)
{
	uint8_t inner[64], out[IKE_MAX_MSG];
	struct ike_bld b;
	uint32_t len;

	ike_bld_init_inner(&b, inner, sizeof(inner));
	ike_bld_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	if (ike_seal(o, IKE_EXCH_INFORMATIONAL, false, o->next_msgid, &b, out, &len) == 0 &&
	    ike_send_request(d, o, IKE_EXCH_INFORMATIONAL, out, len) == 0) {
		o->next_msgid++;
		o->rk_deleting = true;
	}
}

bool
ike_rekey_dpd_out(const struct ike_sa *sa)
{
	/* our INFORMATIONAL requests: DPD, a child's delete, the SA's delete */
	return ctl_timer_armed(&sa->retrans_timer) && sa->req_exch == IKE_EXCH_INFORMATIONAL &&
	       sa->deleting_spi_in == 0 && sa->state == IKE_ST_ESTABLISHED;
}

static void
retired_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	(void)l;
	(void)t;
	ike_sa_destroy(((struct ike_sa *)arg)->d, arg, "rekeyed: not deleted in time");
}

/*
 * A slot of its own for an identity out of use: the SA's current one (id
 * NULL; with its message IDs and cached response) or a redundant new one.
 */
static void
retire(struct ike_daemon *d, struct ike_sa *sa, const struct ike_rekey_id *id, bool we_delete)
{
	struct ike_sa *o = ike_sa_alloc(d);

	if (o == NULL) {
		IKE_SA_LOG(WARNING, sa, "no slot for the replaced IKE SA: forgotten");
		return;
	}
	o->state = IKE_ST_REKEYED;
	o->replaced_by = sa->index;
	o->gw = sa->gw;
	o->pol = sa->pol;
	o->local = sa->local;
	o->remote = sa->remote;
	o->natt = sa->natt;
	o->nat_local = sa->nat_local;
	o->nat_remote = sa->nat_remote;
	o->established_ms = sa->established_ms;
	memcpy(o->peer_id, sa->peer_id, sizeof(o->peer_id));
	if (id == NULL) {
		o->initiator = sa->initiator;
		o->spi_i = sa->spi_i;
		o->spi_r = sa->spi_r;
		o->suite = sa->suite;
		o->keys = sa->keys;
		o->next_msgid = sa->next_msgid;
		o->peer_msgid = sa->peer_msgid;
		/* a retransmitted request of the peer still gets its answer */
		o->resp = sa->resp;
		o->resp_len = sa->resp_len;
		o->resp_msgid = sa->resp_msgid;
		o->has_resp = sa->has_resp;
		sa->resp = NULL;
		sa->has_resp = false;
		if (ike_rekey_dpd_out(sa)) {	/* its answer comes under the old keys */
			o->req = sa->req;
			o->req_len = sa->req_len;
			o->req_msgid = sa->req_msgid;
			o->req_exch = sa->req_exch;
			sa->req = NULL;
			ctl_timer_cancel(d->loop, &sa->retrans_timer);
			ctl_timer_arm(d->loop, &o->retrans_timer, IKE_RETRANS_FIRST_MS);
		}
	} else {
		o->initiator = id->initiator;
		o->spi_i = id->spi_i;
		o->spi_r = id->spi_r;
		o->suite = id->suite;
		o->keys = id->keys;
	}
	ctl_timer_init(&o->life_timer, retired_fire, o);
	ike_sa_arm_life(d, o, IKE_REKEYED_TIMEOUT_MS);
	IKE_SA_LOG(INFO, o, "IKE SA %016llx/%016llx replaced by ike-%u: %s",
		   (unsigned long long)o->spi_i, (unsigned long long)o->spi_r, sa->index,
		   we_delete ? "deleting it" : "the peer deletes it");
	if (we_delete)
		send_delete(d, o);
}

void
ike_rekey_adopt(struct ike_daemon *d, struct ike_sa *sa, struct ike_rekey_id *id, bool we_delete)
{
	uint64_t old_i = sa->spi_i, old_r = sa->spi_r;

	retire(d, sa, NULL, we_delete);
	sa->initiator = id->initiator;
	sa->spi_i = id->spi_i;
	sa->spi_r = id->spi_r;
	sa->suite = id->suite;
	ike_keys_wipe(&sa->keys);
	sa->keys = id->keys;
	ike_keys_wipe(&id->keys);
	sa->next_msgid = 0;
	sa->peer_msgid = 0;
	sa->has_resp = false;
	sa->dpd_missed = 0;
	sa->rekeys++;
	d->ctr.ike_rekeys++;
	IKE_SA_LOG(NOTICE, sa, "IKE SA rekeyed%s: %016llx/%016llx -> %016llx/%016llx",
		   id->initiator ? "" : " by the peer", (unsigned long long)old_i,
		   (unsigned long long)old_r, (unsigned long long)sa->spi_i,
		   (unsigned long long)sa->spi_r);
	ike_log_ike_keys(sa);	/* debug level: the new SPIs' keys for tshark */
	ike_rekey_arm(d, sa);
}

/* The answer was refused: again with the group asked for, later, or with the peer's SA. */
static void
refused(struct ike_daemon *d, struct ike_sa *sa, const struct ike_pl *err)
{
	uint16_t type = err != NULL ? err->u.notify.type : 0;
	uint64_t later = IKE_REKEY_REFUSED_MS;

	IKE_SA_LOG(WARNING, sa, "IKE SA rekey refused: %s",
		   err != NULL ? ike_notify_name(type) : "unacceptable answer");
	if (type == IKE_N_INVALID_KE_PAYLOAD) {
		struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
		unsigned int n = ike_props_ike(d, sa->pol, mine, GW_CONF_MAX_PROPREFS);
		uint16_t want = err->u.notify.data.len == 2 ? ike_get16(err->u.notify.data.p) : 0;
		bool ours = false;

		d->ctr.invalid_ke++;
		for (unsigned int i = 0; i < n; i++)
			ours |= want != 0 && ike_prop_xf(&mine[i], IKE_XF_DH, NULL) == want;
		if (ours && want != sa->dh_group && sa->rk_peer == NULL) {
			sa->dh_group = want;
			if (send_rekey(d, sa) == 0)
				return;
		}
	} else if (type == IKE_N_TEMPORARY_FAILURE) {
		uint32_t r = 0;

		d->ctr.temp_failure++;
		ike_random(&r, sizeof(r));
		later = 2000 + r % 2000;	/* RFC 7296 2.25: the peer is busy; jittered */
	} else if (type == IKE_N_NO_PROPOSAL_CHOSEN) {
		d->ctr.no_proposal++;
	}
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	if (sa->rk_peer != NULL) {	/* the peer's rekey stands: the peer deletes the old SA */
		ike_rekey_adopt(d, sa, sa->rk_peer, false);
		free_peer(sa);
		return;
	}
	sa->rekey_at_ms = ctl_now_ms() + later;
	ctl_timer_arm(d->loop, &sa->rekey_timer, later);
}

/* The new identity of our exchange from its answer; 0 or -EINVAL (refused). */
static int
our_identity(struct ike_daemon *d, struct ike_sa *sa, struct ike_rekey_id *id)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *nr = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *ke = ike_msg_find(m, IKE_PL_KE);
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS], chosen;
	unsigned int n = ike_props_ike(d, sa->pol, mine, GW_CONF_MAX_PROPREFS);
	uint8_t gir[IKE_MAX_DH_PUB], seed[IKE_MAX_PRF_LEN];
	size_t glen = 0;
	int rc;

	for (unsigned int i = 0; i < n; i++) {
		mine[i].spi_size = 8;
		ike_put64(mine[i].spi, sa->rk_spi);
	}
	memset(id, 0, sizeof(*id));
	if (sa_pl == NULL || nr == NULL || ke == NULL || sa_pl->u.sa.n != 1 ||
	    ike_props_select(m, sa_pl, mine, n, &chosen, "IKE SA rekey (response)",
			     ike_addr_str(&sa->remote)) != 0 ||
	    chosen.spi_size != 8 || ike_suite_from_prop(&chosen, &id->suite) != 0 ||
	    id->suite.dh != sa->dh_group || ke->u.ke.group != sa->dh_group ||
	    ike_get64(chosen.spi) == 0 || sa->dh == NULL)
		return -EINVAL;
	id->initiator = true;
	id->spi_i = sa->rk_spi;
	id->spi_r = ike_get64(chosen.spi);
	/* g^ir: computed on the helper thread before (ike_async_ke.c) or here */
	rc = ike_ke_answer(sa, sa->dh, ke, gir, sizeof(gir), &glen);
	/* RFC 7296 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), the old PRF */
	if (rc == 0)
		rc = ike_skeyseed_rekey(sa->suite.prf, sa->keys.sk_d, sa->keys.d_len, gir, glen,
					sa->rk_ni, sizeof(sa->rk_ni), nr->body.p, nr->body.len,
					seed);
	if (rc == 0)
		rc = ike_keys_derive(&id->suite, seed, sa->rk_ni, sizeof(sa->rk_ni), nr->body.p,
				     nr->body.len, id->spi_i, id->spi_r, &id->keys);
	ike_nonce_low(sa->rk_ni, sizeof(sa->rk_ni), nr->body.p, nr->body.len, id->low,
		      &id->low_len);
	explicit_bzero(gir, sizeof(gir));
	explicit_bzero(seed, sizeof(seed));
	return rc;
}

void
ike_rekey_i_response(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_pl *err = ike_msg_error_notify(&d->msg);
	struct ike_rekey_id id = { .initiator = true };
	bool lost;

	sa->ike_rekeying = false;
	if (err != NULL || our_identity(d, sa, &id) != 0) {
		ike_keys_wipe(&id.keys);
		refused(d, sa, err);
		return;
	}
	ike_dh_free(sa->dh);	/* the private value is of no further use */
	sa->dh = NULL;
	if (sa->rk_peer == NULL) {
		ike_rekey_adopt(d, sa, &id, true);
		return;
	}
	/* RFC 7296 2.8.2: the exchange with the lowest nonce made the redundant SA */
	d->ctr.rekey_collisions++;
	lost = ike_nonce_cmp(id.low, id.low_len, sa->rk_peer->low, sa->rk_peer->low_len) < 0;
	IKE_SA_LOG(NOTICE, sa, "IKE SA rekey collision %s: %s", lost ? "lost" : "won",
		   lost ? "deleting our redundant IKE SA" : "deleting the old IKE SA");
	if (lost) {
		ike_rekey_adopt(d, sa, sa->rk_peer, false);
		retire(d, sa, &id, true);
	} else {
		ike_rekey_adopt(d, sa, &id, true);
		retire(d, sa, sa->rk_peer, false);
	}
	ike_keys_wipe(&id.keys);
	free_peer(sa);
}

void
ike_rekey_retired_message(struct ike_daemon *d, struct ike_sa *o)
{
	const struct ike_msg *m = &d->msg;
	uint8_t inner[8], out[IKE_MAX_MSG];
	bool del = false;
	struct ike_bld b;
	uint32_t len;

	if (m->hdr.flags & IKE_FLAG_RESPONSE) {
		/* our delete is answered (else a DPD probe that moved here) */
		if (m->hdr.exch == IKE_EXCH_INFORMATIONAL && o->rk_deleting)
			ike_sa_destroy(d, o, "rekeyed and deleted");
		return;
	}
	switch (m->hdr.exch) {
	case IKE_EXCH_INFORMATIONAL:
		for (uint16_t i = 0; i < m->npl; i++)
			del |= m->pl[i].type == IKE_PL_DELETE &&
			       m->pl[i].u.del.proto == IKE_PROTO_IKE;
		ike_bld_init_inner(&b, inner, sizeof(inner));
		if (ike_seal(o, IKE_EXCH_INFORMATIONAL, true, m->hdr.msgid, &b, out, &len) == 0)
			ike_send_response(d, o, out, len, m->hdr.msgid);
		o->peer_msgid = m->hdr.msgid + 1;
		if (del)
			ike_sa_destroy(d, o, "rekeyed and deleted by the peer");
		break;
	case IKE_EXCH_CREATE_CHILD_SA:
		/* RFC 7296 2.25: this SA is being closed */
		d->ctr.temp_failure++;
		ike_answer_error(d, o, IKE_N_TEMPORARY_FAILURE);
		break;
	default:
		d->ctr.drop_state++;
		IKE_SA_LOG(INFO, o, "%s request on a rekeyed IKE SA: dropped",
			   ike_exch_name(m->hdr.exch));
	}
}
