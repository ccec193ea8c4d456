/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GROUPKEY-PUSH (RFC 6407 4): the rekey when rekey_percent of a TEK or KEK
 * lifetime remains, sent to every registered member (unicast) and/or the
 * group's multicast address, retransmitted; ACKs (RFC 8263) tell which member
 * holds the current policy; member removal; deletes on shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gw_log.h"
#include "gks_priv.h"

void
gks_member_register(struct gks_group *g, const struct gks_p1 *p1)
{
	struct gks_member *m;

	for (m = g->members; m != NULL; m = m->next)
		if (gks_prefix_contains(&m->paddr, &p1->peer_addr))
			break;
	if (m == NULL) {
		m = calloc(1, sizeof(*m));
		if (m == NULL)
			return;
		m->next = g->members;
		g->members = m;
		g->nmembers++;
	}
	memcpy(&m->addr, &p1->peer, p1->peer_len);
	m->addr_len = p1->peer_len;
	m->fd = p1->fd;
	m->paddr = p1->peer_addr;
	memcpy(m->identity, p1->identity, sizeof(m->identity));
	m->registered_ms = ctl_now_ms();
	/* the registration delivered the current policy */
	m->seq_sent = m->seq_acked = g->seq;
	m->retx_left = 0;
}

static void
send_mcast(struct gks_group *g, const uint8_t *buf, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;

	if (g->p.comm == GKS_COMM_UNICAST)
		return;
	if (g->p.mcast.family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(g->srv->p.port);
		memcpy(&in->sin_addr, g->p.mcast.addr, 4);
		sl = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(g->srv->p.port);
		memcpy(&in6->sin6_addr, g->p.mcast.addr, 16);
		sl = sizeof(*in6);
	}
	gks_send(g->srv, -1, (struct sockaddr *)&ss, sl, buf, len);
}

static void
retx_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gks_group *g = arg;
	bool more = false;

	(void)t;
	if (g->push == NULL)
		return;
	for (struct gks_member *m = g->members; m != NULL; m = m->next) {
		if (m->retx_left == 0 || (g->p.kek.ack && m->seq_acked == g->seq))
			continue;
		if (g->p.comm != GKS_COMM_MULTICAST)
			gks_send(g->srv, m->fd, (struct sockaddr *)&m->addr, m->addr_len,
				 g->push, g->push_len);
		m->retx_left--;
		more |= m->retx_left != 0;
	}
	if (g->push_retx_left != 0) {
		send_mcast(g, g->push, g->push_len);
		g->push_retx_left--;
		more |= g->push_retx_left != 0;
	}
	if (more)
		ctl_timer_arm(l, &g->retx_timer, g->p.retransmit_ms);
}

void
gks_push_start(struct gks_group *g)
{
	g->pushes++;
	g->srv->st.pushes++;
	for (struct gks_member *m = g->members; m != NULL; m = m->next) {
		if (g->p.comm != GKS_COMM_MULTICAST)
			gks_send(g->srv, m->fd, (struct sockaddr *)&m->addr, m->addr_len,
				 g->push, g->push_len);
		m->seq_sent = g->seq;
		m->retx_left = g->p.retransmits;
	}
	send_mcast(g, g->push, g->push_len);
	g->push_retx_left = g->p.comm != GKS_COMM_UNICAST ? g->p.retransmits : 0;
	if (g->p.retransmits != 0 && g->srv->loop != NULL)
		ctl_timer_arm(g->srv->loop, &g->retx_timer, g->p.retransmit_ms);
}

static void
rekey_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gks_group *g = arg;
	uint64_t now = ctl_now_ms();
	bool kek = g->p.has_kek &&
		gks_kek_remaining(g, now) * 100 <= g->p.kek.lifetime_s * g->p.rekey_percent;

	(void)l;
	(void)t;
	gks_group_rekey_now(g, kek);
}

void
gks_group_timers_init(struct gks_group *g)
{
	ctl_timer_init(&g->rekey_timer, rekey_tick, g);
	ctl_timer_init(&g->retx_timer, retx_tick, g);
}

void
gks_rekey_arm(struct gks_group *g)
{
	uint64_t next = UINT64_MAX, at;

	if (g->srv->loop == NULL)
		return;
	for (unsigned int i = 0; i < g->p.nteks; i++) {
		at = g->teks[i].created_ms + (uint64_t)g->p.teks[i].lifetime_s * 10 *
			(100 - g->p.rekey_percent);
		next = at < next ? at : next;
	}
	if (g->p.has_kek) {
		at = g->kek.created_ms + (uint64_t)g->p.kek.lifetime_s * 10 *
			(100 - g->p.rekey_percent);
		next = at < next ? at : next;
	}
	if (next != UINT64_MAX)
		ctl_timer_arm_at(g->srv->loop, &g->rekey_timer, next);
}

static int
push_keep(struct gks_group *g, const uint8_t *buf, size_t len)
{
	uint8_t *copy = malloc(len);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, buf, len);
	free(g->push);
	g->push = copy;
	g->push_len = len;
	return 0;
}

void
gks_push_signed(struct gks_group *g, const uint8_t *buf, size_t len)
{
	if (push_keep(g, buf, len) != 0) {
		GW_LOG(ike, ERR, "gks: group %s: PUSH not kept: out of memory", g->p.name);
		return;
	}
	gks_push_start(g);
}

int
gks_group_rekey_now(struct gks_group *g, bool kek)
{
	struct gks_tek teks[GKS_MAX_TEKS];
	struct gks_push_draft dr;
	struct gks_kek nk;
	uint64_t now = ctl_now_ms();
	int rc = 0;

	for (unsigned int i = 0; i < g->p.nteks && rc == 0; i++)
		rc = gks_tek_new(&g->p.teks[i], &teks[i], now);
	if (rc == 0 && kek)
		rc = gks_kek_new(&g->p.kek, &nk, now);
	if (rc != 0)
		goto out;
	if (g->p.has_kek) {
		/* sent under the KEK the members hold; it announces the new one */
		rc = gks_push_draft(g, g->seq + 1, teks, kek ? &nk : NULL, false, g->srv->txbuf,
				    sizeof(g->srv->txbuf), &dr);
		if (rc != 0)
			goto out;
		g->seq++;
		if (kek) {
			g->prev_kek = g->kek;
			g->kek = nk;
		}
	}
	memcpy(g->teks, teks, sizeof(teks));
	for (unsigned int i = 0; i < g->p.nteks; i++)
		gks_tek_log_keys(g->p.name, &g->teks[i]);
	GW_LOG(ike, NOTICE, "gks: group %s: rekey, SEQ %u, TEKs%s, %u members", g->p.name,
	       g->seq, kek ? " and KEK" : "", g->nmembers);
	/* signed on the helper thread, sent when back (at once without a helper) */
	if (g->p.has_kek)
		rc = gks_async_push(g, g->seq, g->srv->txbuf, &dr);
out:
	OPENSSL_cleanse(teks, sizeof(teks));
	OPENSSL_cleanse(&nk, sizeof(nk));
	OPENSSL_cleanse(&dr, sizeof(dr));
	if (rc != 0)
		GW_LOG(ike, ERR, "gks: group %s: rekey failed: %s", g->p.name, strerror(-rc));
	gks_rekey_arm(g);
	return rc;
}

void
gks_group_delete_all(struct gks_group *g)
{
	size_t len;

	if (!g->p.has_kek || gks_build_push(g, g->seq + 1, NULL, NULL, true, g->srv->txbuf,
					    sizeof(g->srv->txbuf), &len) != 0)
		return;
	g->seq++;
	for (struct gks_member *m = g->members; m != NULL; m = m->next)
		if (g->p.comm != GKS_COMM_MULTICAST)
			gks_send(g->srv, m->fd, (struct sockaddr *)&m->addr, m->addr_len,
				 g->srv->txbuf, len);
	send_mcast(g, g->srv->txbuf, len);
	GW_LOG(ike, NOTICE, "gks: group %s: deletes sent to %u members, SEQ %u", g->p.name,
	       g->nmembers, g->seq);
}

int
gks_member_remove(struct gks_server *s, const char *group, const struct gks_prefix *addr)
{
	struct gks_group *g = NULL;
	struct gks_member **pp, *m;
	size_t len;
	char a[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; s != NULL && i < s->ngroups && g == NULL; i++)
		if (strcmp(s->groups[i].p.name, group) == 0)
			g = &s->groups[i];
	if (g == NULL)
		return -ENOENT;
	for (pp = &g->members; (m = *pp) != NULL; pp = &m->next)
		if (gks_prefix_contains(addr, &m->paddr))
			break;
	if (m == NULL)
		return -ENOENT;
	*pp = m->next;
	g->nmembers--;
	/* the removed member alone gets a delete of every TEK and of the KEK */
	if (g->p.has_kek && gks_build_push(g, g->seq + 1, NULL, NULL, true, s->txbuf,
					   sizeof(s->txbuf), &len) == 0) {
		g->seq++;
		gks_send(s, m->fd, (struct sockaddr *)&m->addr, m->addr_len, s->txbuf, len);
	}
	GW_LOG(ike, NOTICE, "gks: group %s: member %s removed", g->p.name,
	       gks_prefix_str(&m->paddr, a, sizeof(a)));
	free(m);
	/* and the others new TEKs and a new KEK it does not know */
	return gks_group_rekey_now(g, true);
}

int
gks_group_rekey(struct gks_server *s, const char *group, bool kek)
{
	for (unsigned int i = 0; s != NULL && i < s->ngroups; i++)
		if (strcmp(s->groups[i].p.name, group) == 0)
			return gks_group_rekey_now(&s->groups[i], kek);
	return -ENOENT;
}

/* RFC 8263 3: ack_key = prf(base_key, "GROUPKEY-PUSH ACK\0" | SPI | L), prf = HMAC-SHA-256. */
static int
ack_hash(const struct gks_kek *k, const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	static const char label[] = "GROUPKEY-PUSH ACK";	/* with its NUL */
	const uint8_t *iv, *key;
	uint8_t ack_key[32], l[2] = { 512 >> 8, 512 & 0xff };
	struct gdoi_seg seg[3] = {
		{ label, sizeof(label) }, { k->spi, GDOI_KEK_SPI_LEN }, { l, sizeof(l) },
	};
	struct gdoi_seg r = { rest, rest_len };
	int rc;

	rc = gdoi_kek_key_split(k->cipher, k->keymat, k->keymat_len, &iv, &key);
	if (rc == 0)
		rc = gdoi_prf(GDOI_HASH_SHA256, key, gdoi_cipher_key_len(k->cipher), seg, 3,
			      ack_key);
	if (rc == 0)
		rc = gdoi_prf(GDOI_HASH_SHA256, ack_key, sizeof(ack_key), &r, 1, out);
	OPENSSL_cleanse(ack_key, sizeof(ack_key));
	return rc;
}

void
gks_ack_input(struct gks_server *s, const struct sockaddr *from, uint8_t *buf, size_t len,
	      const struct gdoi_hdr *h)
{
	static struct gdoi_msg msg;
	const struct gks_kek *k = NULL;
	struct gks_group *g = NULL;
	struct gks_prefix peer;
	struct gdoi_perr err;
	uint8_t hash[32];
	const struct gdoi_pl *hp, *seq;
	unsigned int pos = 0;
	size_t rest;

	for (unsigned int i = 0; i < s->ngroups && k == NULL; i++) {
		g = &s->groups[i];
		if (!g->p.has_kek)
			continue;
		if (memcmp(g->kek.spi, h->icookie, GDOI_COOKIE_LEN) == 0 &&
		    memcmp(g->kek.spi + 8, h->rcookie, GDOI_COOKIE_LEN) == 0)
			k = &g->kek;
		else if (memcmp(g->prev_kek.spi, h->icookie, GDOI_COOKIE_LEN) == 0 &&
			 memcmp(g->prev_kek.spi + 8, h->rcookie, GDOI_COOKIE_LEN) == 0)
			k = &g->prev_kek;
	}
	if (k == NULL || gdoi_msg_parse(buf, len, GDOI_MSG_PUSH_ACK, 0, &msg, &err) != 0) {
		s->st.acks_bad++;
		return;
	}
	hp = &msg.pl[0];
	rest = msg.pl[1].off;
	if (ack_hash(k, buf + rest, len - rest, hash) != 0 || hp->u.data.len != sizeof(hash) ||
	    !gdoi_hash_equal(hash, hp->u.data.p, sizeof(hash))) {
		s->st.acks_bad++;
		return;
	}
	seq = gdoi_msg_find(&msg, GDOI_PL_SEQ, &pos);
	gks_prefix_from_sa(from, &peer);
	for (struct gks_member *m = g->members; m != NULL; m = m->next) {
		if (!gks_prefix_contains(&m->paddr, &peer))
			continue;
		if (seq->u.seq > m->seq_acked && seq->u.seq <= g->seq)
			m->seq_acked = seq->u.seq;
		g->acks++;
		s->st.acks++;
		return;
	}
	s->st.acks_bad++;
}
