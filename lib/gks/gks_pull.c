/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GROUPKEY-PULL responder (RFC 6407 3.2) under a finished phase 1 SA, and the
 * GROUPKEY-PUSH-ACK receiver (RFC 8263).
 *
 *   1* HASH(1), Ni, ID(group)  -> 2* HASH(2), Nr, SA(SAK, GAP, SAT...)
 *   3* HASH(3) [, GAP]         -> 4* HASH(4), [SEQ,] KD      (member registered)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#include "gw_log.h"
#include "gks_priv.h"

static void
pull_fail(struct gks_server *s, struct gks_p1 *p1, struct gks_pull *pl,
	  const char *why, const char *detail)
{
	char a[INET6_ADDRSTRLEN];

	s->st.pull_fail++;
	if (gks_log_ok(s))
		GW_LOG(ike, WARNING, "gks: GROUPKEY-PULL from %s (%s) refused: %s%s",
		       gks_prefix_str(&p1->peer_addr, a, sizeof(a)), p1->identity, why, detail);
	ike1_sa_p2_end(&p1->sa, pl->mid);
	gks_last_free(&pl->last);
	memset(pl, 0, sizeof(*pl));
}

static struct gks_pull *
pull_slot(struct gks_p1 *p1, uint32_t mid)
{
	struct gks_pull *oldest = &p1->pulls[0];

	for (unsigned int i = 0; i < IKE1_P2_SLOTS; i++)
		if (p1->pulls[i].state != GKS_PULL_FREE && p1->pulls[i].mid == mid)
			return &p1->pulls[i];
	for (unsigned int i = 0; i < IKE1_P2_SLOTS; i++) {
		if (p1->pulls[i].state == GKS_PULL_FREE)
			return &p1->pulls[i];
		if (p1->pulls[i].used_ms < oldest->used_ms)
			oldest = &p1->pulls[i];
	}
	ike1_sa_p2_end(&p1->sa, oldest->mid);
	gks_last_free(&oldest->last);
	memset(oldest, 0, sizeof(*oldest));
	return oldest;
}

/* Decrypt on the exchange's IV chain and check the HASH of a received message. */
static int
open_msg(struct gks_p1 *p1, struct gks_pull *pl, uint8_t *buf, size_t len,
	 enum gdoi_msg_kind kind, struct gdoi_msg *msg, bool nonces, struct gdoi_perr *err)
{
	uint8_t hash[GDOI_HASH_MAX];
	const struct gdoi_pl *hp;
	size_t rest_off, rest_end, plen = p1->sa.k.prf_len;
	int rc;

	rc = ike1_sa_p2_decrypt(&p1->sa, pl->mid, buf, len);
	if (rc != 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot decrypt: %s", strerror(-rc));
		return rc;
	}
	rc = gdoi_msg_parse(buf, len, kind, GDOI_PARSE_DECRYPTED, msg, err);
	if (rc != 0)
		return rc;
	hp = &msg->pl[0];
	rest_off = msg->npl > 1 ? msg->pl[1].off : msg->len - msg->pad_len;
	rest_end = msg->len - msg->pad_len;
	/* HASH(1) covers Ni as a payload; HASH(3) starts with Ni_b | Nr_b */
	rc = ike1_sa_pull_hash(&p1->sa, pl->mid, nonces ? pl->ni : NULL,
			       nonces ? pl->ni_len : 0, nonces ? pl->nr : NULL,
			       nonces ? GKS_NONCE_LEN : 0, buf + rest_off, rest_end - rest_off,
			       hash);
	if (rc == 0 && (hp->u.data.len != plen || !gdoi_hash_equal(hash, hp->u.data.p, plen))) {
		snprintf(err->msg, sizeof(err->msg), "HASH does not verify");
		rc = -EBADMSG;
	}
	return rc;
}

/* Is the member allowed in g: its address authorised with the key phase 1 used. */
static bool
authorised(const struct gks_group *g, const struct gks_p1 *p1)
{
	const struct gks_member_auth *m = gks_auth_by_addr(g, &p1->peer_addr);

	if (m == NULL || m->psk_len != p1->psk_len ||
	    !gdoi_hash_equal(m->psk, p1->psk, p1->psk_len))
		return false;
	return m->identity[0] == '\0' || strcmp(m->identity, p1->identity) == 0;
}

static void
pull1(struct gks_server *s, struct gks_p1 *p1, struct gks_pull *pl, uint8_t *buf,
      size_t len, const struct gdoi_hdr *h)
{
	static struct gdoi_msg msg;
	const struct gdoi_pl *ni, *id;
	struct gdoi_perr err = { 0 };
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	unsigned int pos = 0;
	size_t out_len;
	struct gks_group *g;
	int rc;

	pl->mid = h->msgid;
	rc = open_msg(p1, pl, buf, len, GDOI_MSG_PULL1, &msg, false, &err);
	if (rc != 0) {
		s->st.bad_msg++;
		pull_fail(s, p1, pl, "message 1: ", err.msg);
		return;
	}
	ni = gdoi_msg_find(&msg, GDOI_PL_NONCE, &pos);
	pos = 0;
	id = gdoi_msg_find(&msg, GDOI_PL_ID, &pos);
	if (ni == NULL || id == NULL || ni->u.data.len > sizeof(pl->ni)) {
		pull_fail(s, p1, pl, "message 1: nonce or ID missing", "");
		return;
	}
	memcpy(pl->ni, ni->u.data.p, ni->u.data.len);
	pl->ni_len = ni->u.data.len;
	g = id->u.id.type == GDOI_ID_KEY_ID ?
		gks_group_by_id(s, id->u.id.data.p, id->u.id.data.len) : NULL;
	if (g == NULL) {
		s->st.no_group++;
		pull_fail(s, p1, pl, "no group with that ID", "");
		return;
	}
	if (!authorised(g, p1)) {
		s->st.auth_fail++;
		pull_fail(s, p1, pl, "not authorised in group ", g->p.name);
		return;
	}
	pl->g = g;
	if (RAND_bytes(pl->nr, GKS_NONCE_LEN) != 1)
		return;
	memset(&rh, 0, sizeof(rh));
	ike1_sa_hdr(&p1->sa, GDOI_EXCH_PULL, GDOI_FLAG_ENC, pl->mid, &rh);
	gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
	gdoi_bld_set_compat(&b, g->p.gdoid_compat ? GDOI_WIRE_SAT_ID_LEN1 : 0);
	gdoi_bld_data(&b, GDOI_PL_HASH, s->txbuf, p1->sa.k.prf_len);
	gdoi_bld_data(&b, GDOI_PL_NONCE, pl->nr, GKS_NONCE_LEN);
	gks_put_sa(&b, g, &g->kek, g->teks, ctl_now_ms());
	rc = gdoi_bld_finish(&b, &out_len);
	if (rc == 0)
		rc = gks_pull_seal(p1, pl, s->txbuf, out_len, sizeof(s->txbuf), pl->ni,
				   pl->ni_len, NULL, 0, &out_len);
	if (rc != 0) {
		pull_fail(s, p1, pl, "message 2: ", strerror(-rc));
		return;
	}
	pl->state = GKS_PULL_SA_SENT;
	gks_reply(s, &pl->last, p1->fd, (struct sockaddr *)&p1->peer, p1->peer_len,
		  s->txbuf, out_len);
}

static void
pull3(struct gks_server *s, struct gks_p1 *p1, struct gks_pull *pl, uint8_t *buf,
      size_t len)
{
	static struct gdoi_msg msg;
	struct gdoi_perr err = { 0 };
	struct gks_group *g = pl->g;
	struct gdoi_hdr rh;
	struct gdoi_bld b;
	size_t out_len;
	char a[INET6_ADDRSTRLEN];
	int rc;

	rc = open_msg(p1, pl, buf, len, GDOI_MSG_PULL3, &msg, true, &err);
	if (rc != 0) {
		s->st.bad_msg++;
		pull_fail(s, p1, pl, "message 3: ", err.msg);
		return;
	}
	memset(&rh, 0, sizeof(rh));
	ike1_sa_hdr(&p1->sa, GDOI_EXCH_PULL, GDOI_FLAG_ENC, pl->mid, &rh);
	gdoi_bld_init(&b, s->txbuf, sizeof(s->txbuf), &rh);
	gdoi_bld_data(&b, GDOI_PL_HASH, s->txbuf, p1->sa.k.prf_len);
	/* RFC 6407 3.2: the SEQ a member starts from, with a KEK */
	if (g->p.has_kek)
		gdoi_bld_seq(&b, g->seq);
	gks_put_kd(&b, g, &g->kek, g->teks);
	rc = gdoi_bld_finish(&b, &out_len);
	if (rc == 0)
		rc = gks_pull_seal(p1, pl, s->txbuf, out_len, sizeof(s->txbuf), pl->ni,
				   pl->ni_len, pl->nr, GKS_NONCE_LEN, &out_len);
	if (rc != 0) {
		pull_fail(s, p1, pl, "message 4: ", strerror(-rc));
		return;
	}
	pl->state = GKS_PULL_DONE;
	s->st.pull_done++;
	g->pulls++;
	gks_member_register(g, p1);
	GW_LOG(ike, INFO, "gks: group %s: member %s (%s) registered, SEQ %u", g->p.name,
	       gks_prefix_str(&p1->peer_addr, a, sizeof(a)), p1->identity, g->seq);
	gks_reply(s, &pl->last, p1->fd, (struct sockaddr *)&p1->peer, p1->peer_len,
		  s->txbuf, out_len);
}

void
gks_pull_input(struct gks_server *s, struct gks_p1 *p1, uint8_t *buf, size_t len,
	       const struct gdoi_hdr *h)
{
	struct gks_pull *pl;

	if (p1->sa.state != IKE1_ST_ESTABLISHED || !(h->flags & GDOI_FLAG_ENC) || h->msgid == 0) {
		s->st.bad_msg++;
		return;
	}
	pl = pull_slot(p1, h->msgid);
	pl->used_ms = ctl_now_ms();
	if (gks_is_dup(s, &pl->last, p1->fd, (struct sockaddr *)&p1->peer, p1->peer_len))
		return;
	switch (pl->state) {
	case GKS_PULL_FREE:
		pull1(s, p1, pl, buf, len, h);
		break;
	case GKS_PULL_SA_SENT:
		pull3(s, p1, pl, buf, len);
		break;
	case GKS_PULL_DONE:
		s->st.bad_msg++;
		break;
	}
}
