/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKEv2 daemon: sockets on 500 and 4500 (RFC 7296 2.23: IKE on 4500
 * carries the four-octet non-ESP marker, RFC 3948 2.2), dispatch of each
 * message to its exchange (validate-then-interpret: header, chain and rule
 * table before any handler), message IDs with window 1, retransmission with
 * exponential backoff and a give-up limit, duplicate requests answered from
 * the cached response (RFC 7296 2.1, 2.2), the SA table and its state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

static const char *const state_names[IKE_ST_MAX] = {
	[IKE_ST_IDLE] = "IDLE", [IKE_ST_INIT_SENT] = "INIT-SENT",
	[IKE_ST_INIT_DONE] = "INIT-DONE", [IKE_ST_AUTH_SENT] = "AUTH-SENT",
	[IKE_ST_ESTABLISHED] = "UP", [IKE_ST_DELETING] = "DELETING", [IKE_ST_DEAD] = "DEAD",
	[IKE_ST_REKEYED] = "REKEYED",
};

const char *
ike_state_name(enum ike_state st)
{
	return st < IKE_ST_MAX ? state_names[st] : "?";
}

/* The one place an SA changes state: logged as old -> new. */
void
ike_sa_set_state(struct ike_daemon *d, struct ike_sa *sa, enum ike_state st)
{
	if (sa->state == st)
		return;
	IKE_SA_LOG(INFO, sa, "%s -> %s", ike_state_name(sa->state), ike_state_name(st));
	sa->state = st;
	if (st == IKE_ST_ESTABLISHED) {
		ike_natt_established(d, sa);
		ike_rekey_arm(d, sa);
	}
}

struct gw_owner
ike_owner(const struct ike_sa *sa)
{
	return GW_OWNER(GW_OWNER_IKE, sa->index);
}

static void retrans_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg);
static void life_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg);

struct ike_sa *
ike_sa_alloc(struct ike_daemon *d)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		struct ike_sa *sa = &d->sas[i];

		if (sa->used)
			continue;
		memset(sa, 0, sizeof(*sa));
		sa->used = true;
		sa->d = d;
		sa->index = ++d->next_index;
		if (sa->index == 0)
			sa->index = ++d->next_index;
		sa->created_ms = sa->last_rx_ms = ctl_now_ms();
		ctl_timer_init(&sa->retrans_timer, retrans_fire, sa);
		ctl_timer_init(&sa->life_timer, life_fire, sa);
		ike_natt_init(sa);
		ike_rekey_init(d, sa);
		d->in.ops->subscribe(d->in.ctx, ike_owner(sa), ike_sa_event, d);
		return sa;
	}
	return NULL;
}

void
ike_sa_destroy(struct ike_daemon *d, struct ike_sa *sa, const char *why)
{
	if (!sa->used)
		return;
	IKE_SA_LOG(NOTICE, sa, "IKE SA %016llx/%016llx with %s removed (%s)",
		   (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r,
		   ike_addr_str(&sa->remote), why);
	ctl_timer_cancel(d->loop, &sa->retrans_timer);
	ctl_timer_cancel(d->loop, &sa->life_timer);
	ike_natt_stop(d, sa);
	ike_frag_free(sa);
	ike_rekey_cleanup(d, sa);
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
		if (sa->children[i].used)
			ike_child_remove(d, sa, &sa->children[i]);
	/* what the children did not take away (reservations, terms) */
	d->in.ops->flush(d->in.ctx, ike_owner(sa));
	if (sa->state == IKE_ST_ESTABLISHED || sa->state == IKE_ST_DELETING)
		d->ctr.ike_deleted++;
	ike_dh_free(sa->dh);
	ike_keys_wipe(&sa->keys);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->req);
	free(sa->resp);
	explicit_bzero(sa, sizeof(*sa));
	/* establish-tunnels immediately: the start timer brings it back */
	if (!ctl_timer_armed(&d->start_timer))
		ctl_timer_arm(d->loop, &d->start_timer, IKE_RETRY_MS);
}

int
ike_sock_fd(const struct ike_daemon *d, const union ike_sockaddr *to, bool natt)
{
	if (to->sa.sa_family == AF_INET6)
		return natt ? d->fd6_natt : d->fd6;
	return natt ? d->fd_natt : d->fd;
}

/* One datagram. */
static int
send_one(struct ike_daemon *d, bool natt, const union ike_sockaddr *to, const uint8_t *msg,
	 uint32_t len)
{
	uint8_t buf[IKE_MAX_MSG + 4];
	const uint8_t *p = msg;
	ssize_t n;

	if (natt) {	/* RFC 3948 2.2: the non-ESP marker */
		if (len > IKE_MAX_MSG)
			return -EMSGSIZE;
		memset(buf, 0, 4);
		memcpy(buf + 4, msg, len);
		p = buf;
		len += 4;
	}
	if (ike_sock_fd(d, to, natt) < 0) {
		GW_LOG(ike, WARNING, "send to %s: no IKE socket of its family (IPv6 off here)",
		       ike_addr_str(to));
		return -EAFNOSUPPORT;
	}
	n = sendto(ike_sock_fd(d, to, natt), p, len, 0, &to->sa, ike_addr_len(to));
	if (n < 0) {
		GW_LOG(ike, WARNING, "send to %s:%u: %s", ike_addr_str(to),
		       ike_addr_port(to), strerror(errno));
		return -errno;
	}
	d->ctr.tx_msgs++;
	return 0;
}

/* msg may be a train of messages (SKF fragments, ike_frag.c): one datagram each. */
int
ike_sendto(struct ike_daemon *d, bool natt, const union ike_sockaddr *to, const uint8_t *msg,
	   uint32_t len)
{
	int rc = 0;

	while (len > 0 && rc == 0) {
		uint32_t one = len >= IKE_HDR_LEN ? ike_get32(msg + 24) : len;

		if (one < IKE_HDR_LEN || one > len)
			one = len;
		rc = send_one(d, natt, to, msg, one);
		msg += one;
		len -= one;
	}
	return rc;
}

static int
keep(uint8_t **dst, uint32_t *dlen, const uint8_t *msg, uint32_t len)
{
	uint8_t *p = realloc(*dst, len);

	if (p == NULL)
		return -ENOMEM;
	memcpy(p, msg, len);
	*dst = p;
	*dlen = len;
	return 0;
}

/* Kept for retransmission as sent: whole, or as its SKF fragments (RFC 7383 2.6.4). */
static int
keep_sent(struct ike_daemon *d, struct ike_sa *sa, uint8_t **dst, uint32_t *dlen,
	  const uint8_t *msg, uint32_t len)
{
	uint8_t *train;
	uint32_t tlen;
	int rc = ike_frag_split(d, sa, msg, len, &train, &tlen);

	if (rc != 0)
		IKE_SA_LOG(WARNING, sa, "message not fragmented: %s", strerror(-rc));
	rc = train != NULL ? keep(dst, dlen, train, tlen) : keep(dst, dlen, msg, len);
	free(train);
	sa->last_tx_ms = ctl_now_ms();
	sa->ike_tx_msgs++;
	return rc;
}

int
ike_send_request(struct ike_daemon *d, struct ike_sa *sa, uint8_t exch, const uint8_t *msg,
		 uint32_t len)
{
	int rc = keep_sent(d, sa, &sa->req, &sa->req_len, msg, len);

	if (rc != 0)
		return rc;
	sa->req_msgid = ike_get32(msg + 20);
	sa->req_exch = exch;
	sa->retrans = 0;
	ctl_timer_arm(d->loop, &sa->retrans_timer, IKE_RETRANS_FIRST_MS);
	return ike_sendto(d, sa->natt, &sa->remote, sa->req, sa->req_len);
}

int
ike_send_response(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
		  uint32_t msgid)
{
	int rc = keep_sent(d, sa, &sa->resp, &sa->resp_len, msg, len);

	if (rc != 0)
		return ike_sendto(d, sa->natt, &sa->remote, msg, len);
	sa->resp_msgid = msgid;
	sa->has_resp = true;
	return ike_sendto(d, sa->natt, &sa->remote, sa->resp, sa->resp_len);
}

int
ike_seal(struct ike_sa *sa, uint8_t exch, bool response, uint32_t msgid,
	 const struct ike_bld *inner, uint8_t *out, uint32_t *len)
{
	struct ike_hdr hdr = {
		.spi_i = sa->spi_i, .spi_r = sa->spi_r, .exch = exch, .msgid = msgid,
		.flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) |
			 (response ? IKE_FLAG_RESPONSE : 0),
	};
	unsigned int klen, iv_len, block, aicv;
	uint8_t iv[16];
	int rc;

	if (inner->err != 0)
		return inner->err;
	rc = ike_encr_sizes(sa->suite.encr, sa->suite.encr_bits, &klen, &iv_len, &block, &aicv);
	if (rc == 0)
		rc = ike_random(iv, iv_len);
	if (rc == 0)
		rc = ike_sk_seal(&sa->suite, sa->initiator ? sa->keys.sk_ei : sa->keys.sk_er,
				 sa->initiator ? sa->keys.sk_ai : sa->keys.sk_ar, &hdr,
				 inner->first, inner->buf, inner->len, iv, out, IKE_MAX_MSG, len);
	return rc;
}

/* Retransmission (RFC 7296 2.1): same bytes, doubled interval, then give up. */
static void
retrans_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_daemon *d = sa->d;
	/*
	 * A DPD probe: resent every `interval` (the gateway's settings); the
	 * peer is dead when `threshold` probes went unanswered an interval each.
	 */
	bool dpd = sa->state == IKE_ST_ESTABLISHED && sa->req_exch == IKE_EXCH_INFORMATIONAL;
	unsigned int limit = dpd ? (sa->gw->dpd_threshold ? sa->gw->dpd_threshold - 1 : 0) :
			     IKE_RETRANS_MAX;
	uint64_t next = dpd ? (uint64_t)sa->gw->dpd_interval * 1000 :
		       (uint64_t)IKE_RETRANS_FIRST_MS << (sa->retrans + 1);

	if (sa->retrans >= limit) {
		d->ctr.give_up++;
		IKE_SA_LOG(WARNING, sa, "%s request (message %u) unanswered after %u "
			   "retransmissions: giving up", ike_exch_name(sa->req_exch),
			   sa->req_msgid, sa->retrans);
		if (dpd) {
			d->ctr.dpd_dead++;
			IKE_SA_LOG(WARNING, sa, "peer %s dead (DPD): no answer to %u probes",
				   ike_addr_str(&sa->remote), sa->retrans + 1);
		}
		ike_sa_destroy(d, sa, dpd ? "dead peer" : "peer not answering");
		return;
	}
	sa->retrans++;
	d->ctr.retransmits++;
	if (dpd && sa->deleting_spi_in == 0)
		sa->dpd_missed++;
	ctl_timer_arm(l, t, next);
	ike_pmtu_shrink(d, sa, true);	/* RFC 7383 2.5.2: in smaller fragments */
	ike_sendto(d, sa->natt, &sa->remote, sa->req, sa->req_len);
}

void
ike_sa_arm_life(struct ike_daemon *d, struct ike_sa *sa, uint64_t ms)
{
	ctl_timer_arm(d->loop, &sa->life_timer, ms);
}

/*
 * Half-open SAs time out; established ones probe the peer (DPD, RFC 7296
 * 2.4: an empty INFORMATIONAL) as the gateway's mode says (ike_dpd.c). The
 * probe's retransmission limit declares the peer dead.
 */
static void
life_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_daemon *d = sa->d;
	uint64_t ival;

	(void)t;
	if (sa->state != IKE_ST_ESTABLISHED) {
		ike_sa_destroy(d, sa, "negotiation timed out");
		return;
	}
	ival = (uint64_t)(sa->gw->dpd_interval ? sa->gw->dpd_interval : 10) * 1000;
	ike_dpd_tick(d, sa);
	ike_child_new_i_next(d, sa);	/* a traffic-selector whose child went */
	ctl_timer_arm(l, &sa->life_timer, ival);
}

static struct ike_sa *
find_sa(struct ike_daemon *d, uint64_t spi_i, uint64_t spi_r)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		struct ike_sa *sa = &d->sas[i];

		if (sa->used && sa->spi_i == spi_i && sa->spi_r == spi_r)
			return sa;
	}
	return NULL;
}

/* A responder SA by the initiator's SPI and address (IKE_SA_INIT retransmissions). */
struct ike_sa *
ike_find_half_open(struct ike_daemon *d, uint64_t spi_i, const union ike_sockaddr *from)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		struct ike_sa *sa = &d->sas[i];

		if (sa->used && !sa->initiator && sa->spi_i == spi_i &&
		    ike_addr_same_host(&sa->remote, from))
			return sa;
	}
	return NULL;
}

static void
count_perr(struct ike_daemon *d, const struct ike_perr *err, const union ike_sockaddr *from)
{
	if (err->code == IKE_PERR_CRITICAL)
		d->ctr.drop_critical++;
	else if (err->code == IKE_PERR_BAD_VERSION)
		d->ctr.drop_bad_version++;
	else
		d->ctr.drop_parse++;
	GW_LOG(ike, WARNING, "message from %s:%u refused: %s: %s", ike_addr_str(from),
	       ike_addr_port(from), ike_perr_name(err->code), err->msg);
}

/* The decrypted inner chain (d->plain) parsed and checked against the rule table. */
static int
open_inner(struct ike_daemon *d, struct ike_sa *sa, uint32_t plen, uint16_t *notify)
{
	struct ike_msg *m = &d->msg;
	struct ike_perr err;
	int rc;

	d->plain_len = plen;
	rc = ike_msg_parse_inner(d->plain, plen, m->sk_first_inner, m, &err);
	if (rc == 0)
		rc = ike_msg_check(m, &err);
	if (rc != 0) {
		count_perr(d, &err, &sa->remote);
		*notify = ike_perr_notify(err.code);
		d->err_pl_type = err.pl_type;
		return rc;
	}
	return 0;
}

/*
 * An encrypted message of an SA: the SK payload is opened (ICV first), or an
 * SKF fragment kept until the message is whole (RFC 7383, ike_frag.c); then
 * the inner chain. 0, or the RFC's notify to answer a request with in
 * *notify (0xffff: drop silently, also while fragments are missing).
 */
static int
open_sk(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *buf, uint16_t *notify)
{
	struct ike_msg *m = &d->msg;
	bool from_i = (m->hdr.flags & IKE_FLAG_INITIATOR) != 0;
	uint32_t plen;
	int rc;

	*notify = 0xffff;
	if (m->frag_num != 0) {
		rc = ike_frag_open(d, sa, buf, &plen);
		return rc != 0 ? rc : open_inner(d, sa, plen, notify);
	}
	rc = ike_sk_open(&sa->suite, from_i ? sa->keys.sk_ei : sa->keys.sk_er,
			 from_i ? sa->keys.sk_ai : sa->keys.sk_ar, buf, m, d->plain,
			 sizeof(d->plain), &plen);
	if (rc != 0) {
		d->ctr.drop_icv++;
		IKE_SA_LOG(WARNING, sa, "%s message %u: SK payload does not verify (%s): dropped",
			   ike_exch_name(m->hdr.exch), m->hdr.msgid, strerror(-rc));
		return rc;	/* RFC 7296 2.21.2: an ICV failure is dropped silently */
	}
	return open_inner(d, sa, plen, notify);
}

/* An authenticated error answer to a request of an SA (RFC 7296 2.21.2). */
void
ike_answer_error(struct ike_daemon *d, struct ike_sa *sa, uint16_t notify)
{
	uint8_t inner[64], out[IKE_MAX_MSG];
	struct ike_bld b;
	uint32_t len;

	ike_bld_init_inner(&b, inner, sizeof(inner));
	/* RFC 7296 3.10.1: UNSUPPORTED_CRITICAL_PAYLOAD carries the type, one octet */
	ike_bld_notify(&b, 0, NULL, 0, notify, &d->err_pl_type,
		       notify == IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD ? 1 : 0);
	if (ike_seal(sa, d->msg.hdr.exch, true, d->msg.hdr.msgid, &b, out, &len) == 0)
		ike_send_response(d, sa, out, len, d->msg.hdr.msgid);
	sa->peer_msgid = d->msg.hdr.msgid + 1;
}

/* A message the SA's state does not expect: counted and logged (info). */
static void
drop_state(struct ike_daemon *d, struct ike_sa *sa)
{
	d->ctr.drop_state++;
	IKE_SA_LOG(INFO, sa, "%s %s message %u not expected in state %s: dropped",
		   ike_exch_name(d->msg.hdr.exch),
		   (d->msg.hdr.flags & IKE_FLAG_RESPONSE) ? "response" : "request",
		   d->msg.hdr.msgid, ike_state_name(sa->state));
}

void
ike_create_child_msg(struct ike_daemon *d, struct ike_sa *sa)
{
	if (!(d->msg.hdr.flags & IKE_FLAG_RESPONSE))
		ike_create_r_request(d, sa);
	else if (sa->creating_ts != 0)
		ike_child_new_i_response(d, sa);
	else
		ike_create_i_response(d, sa);
}

static void
handle_sa_message(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *buf,
		  const union ike_sockaddr *from, bool natt)
{
	const struct ike_hdr *h = &d->msg.hdr;
	bool resp = (h->flags & IKE_FLAG_RESPONSE) != 0;
	uint16_t notify;

	if (!resp) {
		/*
		 * RFC 7296 2.2: a retransmitted request gets the same response; one
		 * of another exchange with that ID is no retransmission; one sent in
		 * fragments only on its first (RFC 7383 2.6.1)
		 */
		if (sa->has_resp && h->msgid == sa->resp_msgid && sa->resp_len > 18 &&
		    sa->resp[18] == h->exch) {
			if (d->msg.frag_num > 1)
				return;
			d->ctr.rx_dup_requests++;
			ike_pmtu_shrink(d, sa, false);	/* RFC 7383 2.5.2 */
			ike_sendto(d, sa->natt, &sa->remote, sa->resp, sa->resp_len);
			return;
		}
		if (h->msgid != sa->peer_msgid) {
			d->ctr.drop_msgid++;
			IKE_SA_LOG(INFO, sa, "request message %u, expected %u: dropped", h->msgid,
				   sa->peer_msgid);
			return;
		}
	} else if (sa->req == NULL || h->msgid != sa->req_msgid ||
		   !ctl_timer_armed(&sa->retrans_timer)) {
		d->ctr.drop_msgid++;
		IKE_SA_LOG(INFO, sa, "response message %u matches no request: dropped", h->msgid);
		return;
	}
	if (sa->computing && sa->state == IKE_ST_ESTABLISHED) {
		/* a CREATE_CHILD_SA's KE is computed (ike_async_ke.c): the peer sends again */
		drop_state(d, sa);
		return;
	}
	if (open_sk(d, sa, buf, &notify) != 0) {
		if (!resp && notify != 0xffff)
			ike_answer_error(d, sa, notify);
		return;
	}
	/* authenticated: the peer's address and port are where we answer (RFC 7296 2.23) */
	ike_natt_follow(d, sa, from, natt);
	sa->last_rx_ms = ctl_now_ms();
	sa->ike_rx_msgs++;
	if (resp)
		ctl_timer_cancel(d->loop, &sa->retrans_timer);
	if (sa->state == IKE_ST_REKEYED) {	/* an identity a rekey replaced */
		ike_rekey_retired_message(d, sa);
		return;
	}
	switch (h->exch) {
	case IKE_EXCH_AUTH:
		if (!resp && sa->state == IKE_ST_INIT_DONE && !sa->initiator)
			ike_auth_r_request(d, sa);
		else if (resp && sa->state == IKE_ST_AUTH_SENT)
			ike_auth_i_response(d, sa);
		else
			drop_state(d, sa);
		break;
	case IKE_EXCH_INFORMATIONAL:
		if (sa->state != IKE_ST_ESTABLISHED && sa->state != IKE_ST_DELETING) {
			drop_state(d, sa);
			break;
		}
		if (resp)
			ike_info_response(d, sa);
		else
			ike_info_request(d, sa);
		break;
	case IKE_EXCH_CREATE_CHILD_SA:
		if (sa->state != IKE_ST_ESTABLISHED)
			drop_state(d, sa);
		else if (!ike_async_ke_first(d, sa))	/* else handled when its KE is done */
			ike_create_child_msg(d, sa);
		break;
	default:
		drop_state(d, sa);
	}
}

static void
handle_datagram(struct ike_daemon *d, const uint8_t *buf, uint32_t len,
		const union ike_sockaddr *from, bool natt)
{
	struct ike_msg *m = &d->msg;
	struct ike_perr err;
	struct ike_sa *sa;

	d->ctr.rx_msgs++;
	if (ike_msg_parse(buf, len, m, &err) != 0) {
		count_perr(d, &err, from);
		/* RFC 7296 2.21.1: an unauthenticated answer only to IKE_SA_INIT requests */
		if (err.code != IKE_PERR_TRUNCATED && len >= IKE_HDR_LEN &&
		    buf[18] == IKE_EXCH_SA_INIT && !(buf[19] & IKE_FLAG_RESPONSE))
			ike_init_r_refuse(d, buf, from, natt, ike_perr_notify(err.code),
					  err.pl_type);
		return;
	}
	if (m->hdr.exch == IKE_EXCH_SA_INIT) {
		if (ike_msg_check(m, &err) != 0) {
			count_perr(d, &err, from);
			return;
		}
		if (!(m->hdr.flags & IKE_FLAG_RESPONSE)) {
			ike_init_r_request(d, buf, len, from, natt);
			return;
		}
		sa = find_sa(d, m->hdr.spi_i, 0);
		if (sa == NULL || !sa->initiator || sa->state != IKE_ST_INIT_SENT) {
			d->ctr.drop_unknown_spi++;
			GW_LOG(ike, INFO, "IKE_SA_INIT response from %s for no SA of ours: dropped",
			       ike_addr_str(from));
			return;
		}
		ctl_timer_cancel(d->loop, &sa->retrans_timer);
		sa->last_rx_ms = ctl_now_ms();
		ike_init_i_response(d, sa, buf, len);
		return;
	}
	sa = find_sa(d, m->hdr.spi_i, m->hdr.spi_r);
	if (sa == NULL) {
		d->ctr.drop_unknown_spi++;
		GW_LOG(ike, INFO, "%s from %s for unknown SPIs %016llx/%016llx: dropped",
		       ike_exch_name(m->hdr.exch), ike_addr_str(from),
		       (unsigned long long)m->hdr.spi_i, (unsigned long long)m->hdr.spi_r);
		return;
	}
	handle_sa_message(d, sa, buf, from, natt);
}

static void
on_readable(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	struct ike_daemon *d = arg;
	bool natt = fd == d->fd_natt || fd == d->fd6_natt;

	(void)l;
	(void)events;
	for (int i = 0; i < 64; i++) {
		union ike_sockaddr from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, d->rxbuf, sizeof(d->rxbuf), MSG_DONTWAIT, &from.sa,
				     &flen);
		const uint8_t *p = d->rxbuf;

		if (n < 0)
			return;
		if (natt) {
			if (n == 1 && d->rxbuf[0] == 0xff)
				continue;	/* RFC 3948 2.3: NAT keepalive */
			if (n < 4 || memcmp(d->rxbuf, "\0\0\0\0", 4) != 0) {
				/* ESP in UDP the data plane did not take: per packet, so debug */
				d->ctr.drop_not_ike++;
				GW_LOG(ike, DEBUG, "UDP %u from %s without the non-ESP marker: "
				       "dropped", d->natt_port, ike_addr_str(&from));
				continue;
			}
			p += 4;
			n -= 4;
		}
		handle_datagram(d, p, (uint32_t)n, &from, natt);
	}
}

static int
open_socket(int family, uint16_t port)
{
	union ike_sockaddr a;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	ike_addr_set(&a, &(struct gw_ipaddr){ .family = (uint8_t)family }, port);
	/* no SO_REUSEADDR: a second IKE daemon on the ports must fail, not share them */
	if (fd < 0)
		return -errno;
	/* IPv6 only: IPv4 peers stay on the IPv4 socket, as plain (not mapped) addresses */
	if ((family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, &a.sa, ike_addr_len(&a)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/*
 * IKE over IPv6 (peers whose `address` is IPv6): UDP 500 and 4500 on every
 * IPv6 address too. Without IPv6 in the namespace (no such family, no
 * address) IKE stays IPv4 and says so; ports taken fail as on IPv4.
 */
static int
open_inet6(struct ike_daemon *d)
{
	d->fd6 = open_socket(AF_INET6, d->port);
	d->fd6_natt = d->fd6 < 0 ? d->fd6 : open_socket(AF_INET6, d->natt_port);
	if (d->fd6_natt >= 0)
		return 0;
	if (d->fd6_natt == -EADDRINUSE)
		return d->fd6_natt;
	GW_LOG(ike, WARNING, "no IKE over IPv6 (UDP %u and %u): %s", d->port, d->natt_port,
	       strerror(-d->fd6_natt));
	if (d->fd6 >= 0)
		close(d->fd6);
	d->fd6 = d->fd6_natt = -1;
	return 0;
}

/* One family's two sockets and their handlers, as far as they were opened. */
static void
close_family(struct ike_daemon *d, struct ctl_fd **h, struct ctl_fd **h_natt, int *fd,
	     int *fd_natt)
{
	if (*h != NULL)
		ctl_fd_del(d->loop, *h);
	if (*h_natt != NULL)
		ctl_fd_del(d->loop, *h_natt);
	if (*fd >= 0)
		close(*fd);
	if (*fd_natt >= 0)
		close(*fd_natt);
	*h = *h_natt = NULL;
	*fd = *fd_natt = -1;
}

/* establish-tunnels immediately: every such vpn without an IKE SA gets one started. */
static void
start_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct ike_daemon *d = arg;

	(void)l;
	(void)t;
	for (unsigned int v = 0; v < d->conf.nb_vpns; v++) {
		const struct gw_conf_vpn *vpn = &d->conf.vpns[v];
		bool have = false;

		if (vpn->establish != GW_IKE_EST_IMMEDIATELY)
			continue;
		for (unsigned int i = 0; i < IKE_MAX_SAS && !have; i++)
			have = d->sas[i].used && d->sas[i].vpn == vpn;
		if (!have)
			ike_init_start(d, vpn);
	}
}

struct ike_daemon *
ike_daemon_create(const struct ike_daemon_params *p)
{
	struct ike_daemon *d = calloc(1, sizeof(*d));
	int rc;

	if (d == NULL)
		return NULL;
	d->loop = p->loop;
	d->in = *p->install;
	d->port = p->port ? p->port : IKE_PORT;
	d->natt_port = p->natt_port ? p->natt_port : IKE_NATT_PORT;
	d->peer_port = p->peer_port ? p->peer_port : d->port;
	d->peer_natt_port = p->peer_natt_port ? p->peer_natt_port : d->natt_port;
	d->frag_size = p->frag_size;
	d->helper = p->helper;
	d->fd6 = d->fd6_natt = -1;
	if (ike_resist_init(d, p) != 0) {
		ike_resist_fini(d);
		free(d);
		errno = EIO;
		return NULL;
	}
	d->fd = open_socket(AF_INET, d->port);
	d->fd_natt = d->fd < 0 ? -1 : open_socket(AF_INET, d->natt_port);
	rc = d->fd < 0 ? d->fd : d->fd_natt;
	if (rc >= 0)
		rc = open_inet6(d);
	if (rc < 0) {
		GW_LOG(ike, ERR, "IKE sockets on UDP %u and %u: %s", d->port, d->natt_port,
		       strerror(-rc));
		goto fail;
	}
	d->h = ctl_fd_add(d->loop, d->fd, EPOLLIN, on_readable, d);
	d->h_natt = d->h == NULL ? NULL :
		    ctl_fd_add(d->loop, d->fd_natt, EPOLLIN, on_readable, d);
	if (d->h_natt != NULL && d->fd6 >= 0) {
		d->h6 = ctl_fd_add(d->loop, d->fd6, EPOLLIN, on_readable, d);
		d->h6_natt = d->h6 == NULL ? NULL :
			     ctl_fd_add(d->loop, d->fd6_natt, EPOLLIN, on_readable, d);
	}
	if (d->h_natt == NULL || (d->fd6 >= 0 && d->h6_natt == NULL)) {
		rc = -errno;
		goto fail;
	}
	ctl_timer_init(&d->start_timer, start_fire, d);
	GW_LOG(ike, NOTICE, "IKEv2 listening on UDP %u and %u (IPv4%s)", d->port, d->natt_port,
	       d->fd6 >= 0 ? " and IPv6" : "");
	return d;
fail:
	ike_resist_fini(d);
	close_family(d, &d->h, &d->h_natt, &d->fd, &d->fd_natt);
	close_family(d, &d->h6, &d->h6_natt, &d->fd6, &d->fd6_natt);
	free(d);
	errno = -rc;
	return NULL;
}

int
ike_daemon_configure(struct ike_daemon *d, const struct gw_config *conf)
{
	if (memcmp(&d->conf, &conf->ike, sizeof(d->conf)) == 0)
		return 0;
	/* the SAs point into the old configuration: a change restarts them */
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		if (d->sas[i].used) {
			if (d->sas[i].state == IKE_ST_ESTABLISHED)
				ike_info_send_delete(d, &d->sas[i]);
			ike_sa_destroy(d, &d->sas[i], "configuration changed");
		}
	ike_traps_set(d, false);
	explicit_bzero(&d->conf, sizeof(d->conf));
	d->conf = conf->ike;
	ike_resist_configure(d);
	ike_certs_load(d);
	ike_traps_set(d, true);
	GW_LOG(ike, NOTICE, "IKE configuration: %u gateways, %u vpns", d->conf.nb_gateways,
	       d->conf.nb_vpns);
	ctl_timer_arm(d->loop, &d->start_timer, 100);
	return 0;
}

void
ike_daemon_free(struct ike_daemon *d)
{
	if (d == NULL)
		return;
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		if (d->sas[i].used) {
			if (d->sas[i].state == IKE_ST_ESTABLISHED)
				ike_info_send_delete(d, &d->sas[i]);
			ike_sa_destroy(d, &d->sas[i], "shutdown");
		}
	ike_traps_set(d, false);
	ctl_timer_cancel(d->loop, &d->start_timer);
	close_family(d, &d->h, &d->h_natt, &d->fd, &d->fd_natt);
	close_family(d, &d->h6, &d->h6_natt, &d->fd6, &d->fd6_natt);
	ike_certs_free(d);
	ike_async_fini(d);
	ike_resist_fini(d);
	explicit_bzero(&d->conf, sizeof(d->conf));
	free(d);
}

void
ike_daemon_counters(const struct ike_daemon *d, struct ike_counters *out)
{
	*out = d->ctr;
}
