/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE fragmentation's PMTU discovery (RFC 7383 2.5.2): the size of our SKF
 * fragments, and cutting a message again smaller when it goes unanswered.
 *
 * The size (an IP packet's octets, as the gateway's `fragmentation size`
 * counts it) is the configured one (default: 2.5.1's 576 for IPv4, 1280 for
 * IPv6), capped by the kernel's MTU towards the peer: the egress interface's
 * (the exception TAP carries the port's MTU, lib/net/gw_kif.c) or a smaller
 * path MTU the kernel learned from an ICMP fragmentation-needed / packet too
 * big (our UDP sockets keep Linux's default IP_PMTUDISC_WANT, so fragments
 * that fit leave with DF set and a router too small for them says so).
 * A message larger than that is fragmented when the peer supports it; one
 * that is not (no IKEV2_FRAGMENTATION_SUPPORTED, or IKE_SA_INIT) is sent
 * whole and the kernel fragments it at the IP layer.
 *
 * A black hole (a hop that drops what is too large without a word) is
 * found by the exchange itself: each retransmission of a request we sent
 * larger than the smallest size goes out cut again, one coarse step
 * smaller (1280, then 576 for IPv4; 1280 is already IPv6's floor), never
 * below 2.5.1's minimum; a smaller path MTU the kernel learned meanwhile is
 * taken at once. The request keeps its message ID and its retransmission
 * count (the give-up limit is unchanged); the new set has more fragments
 * than the last (2.6.2: the peer drops the old set's and starts over, never
 * mixes the two). A responder cannot retransmit: when the peer asks again
 * for a response we sent large (its retransmitted request), the response
 * goes out cut one step smaller likewise (the duplicate is answered before
 * anything authenticates it: a forged one costs at most the steps left,
 * smaller fragments of the same response). The smaller size stays for the
 * SA's later messages. Each new cut is counted (`frag_pmtu_shrinks`) and
 * logged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "gw_log.h"
#include "ike_sa.h"

#define PMTU_MIN_V4 576		/* RFC 7383 2.5.1 */
#define PMTU_MIN_V6 1280
#define UDP_HDR_LEN 8
#define NON_ESP_MARKER_LEN 4	/* RFC 3948 2.2, on port 4500 */

/* One of our messages as sealed, before it was cut: to cut it again. */
struct ike_kept {
	uint8_t *msg;
	uint32_t len, msgid;
	uint32_t size;		/* the IP packet size it was cut for */
	uint16_t total;		/* the pieces it went out in (1: whole) */
};

struct ike_frag_tx {
	uint32_t size;		/* after a shrink: the SA's fragment size (0: none yet) */
	struct ike_kept req, resp;
};

static bool
sa_v6(const struct ike_sa *sa)
{
	return ((const struct sockaddr *)&sa->remote)->sa_family == AF_INET6;
}

static uint32_t
size_floor(const struct ike_sa *sa)
{
	return sa_v6(sa) ? PMTU_MIN_V6 : PMTU_MIN_V4;
}

/* The largest IKE message that fits an IP packet of `size` octets. */
static uint32_t
whole_of(const struct ike_sa *sa, uint32_t size)
{
	uint32_t over = (sa_v6(sa) ? 40 : 20) + UDP_HDR_LEN + (sa->natt ? NON_ESP_MARKER_LEN : 0);

	return size > over ? size - over : 0;
}

uint32_t
ike_pmtu_next(uint32_t size, bool v6)
{
	/* 2.5.2: coarse steps, few retransmissions lost to the discovery */
	static const uint32_t steps[] = { 1280, PMTU_MIN_V4 };
	uint32_t floor = v6 ? PMTU_MIN_V6 : PMTU_MIN_V4;

	for (unsigned int i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] < size && steps[i] >= floor)
			return steps[i];
	return 0;
}

uint32_t
ike_pmtu_path(const struct sockaddr *to)
{
	bool v6 = to->sa_family == AF_INET6;
	socklen_t alen = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	socklen_t olen = sizeof(int);
	int fd, mtu = 0;

	/* a connected socket of our own: IP_MTU is the route's (interface or learned) MTU */
	fd = socket(to->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, to, alen) != 0 ||
	    getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_MTU : IP_MTU, &mtu,
		       &olen) != 0)
		mtu = 0;
	close(fd);
	return mtu > 0 ? (uint32_t)mtu : 0;
}

uint32_t
ike_pmtu_size(struct ike_daemon *d, struct ike_sa *sa)
{
	uint32_t floor = size_floor(sa), path;
	uint32_t size = d->frag_size ? d->frag_size :
			sa->gw->frag_size ? sa->gw->frag_size : floor;

	if (sa->ftx != NULL && sa->ftx->size != 0 && sa->ftx->size < size)
		size = sa->ftx->size;
	if (size > floor && (path = ike_pmtu_path((const struct sockaddr *)&sa->remote)) != 0 &&
	    path < size)
		size = path > floor ? path : floor;
	return size;
}

uint32_t
ike_pmtu_whole(struct ike_daemon *d, struct ike_sa *sa)
{
	return whole_of(sa, ike_pmtu_size(d, sa));
}

static void
kept_clear(struct ike_kept *k)
{
	free(k->msg);
	memset(k, 0, sizeof(*k));
}

void
ike_pmtu_keep(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
	      uint16_t total)
{
	bool request = len < IKE_HDR_LEN || (msg[19] & IKE_FLAG_RESPONSE) == 0;
	uint32_t size;
	struct ike_kept *k;

	if (sa->ftx != NULL)
		kept_clear(request ? &sa->ftx->req : &sa->ftx->resp);
	/* only what could go out smaller: SK messages larger than the floor allows whole */
	if (!sa->frag_peer || len < IKE_HDR_LEN || msg[16] != IKE_PL_SK ||
	    len <= whole_of(sa, size_floor(sa)))
		return;
	size = ike_pmtu_size(d, sa);
	if (ike_pmtu_next(size, sa_v6(sa)) == 0)
		return;
	if (sa->ftx == NULL && (sa->ftx = calloc(1, sizeof(*sa->ftx))) == NULL)
		return;
	k = request ? &sa->ftx->req : &sa->ftx->resp;
	k->msg = malloc(len);
	if (k->msg == NULL)
		return;
	memcpy(k->msg, msg, len);
	k->len = len;
	k->msgid = ike_get32(msg + 20);
	k->size = size;
	k->total = total;
}

void
ike_pmtu_shrink(struct ike_daemon *d, struct ike_sa *sa, bool request)
{
	uint8_t **sent = request ? &sa->req : &sa->resp;
	uint32_t *sent_len = request ? &sa->req_len : &sa->resp_len;
	uint32_t to, cur, tlen;
	struct ike_kept *k;
	uint16_t total;
	uint8_t *train;
	int rc;

	if (sa->ftx == NULL)
		return;
	k = request ? &sa->ftx->req : &sa->ftx->resp;
	if (k->msg == NULL || *sent == NULL ||
	    k->msgid != (request ? sa->req_msgid : sa->resp_msgid))
		return;
	/* a smaller path MTU the kernel learned meanwhile (ICMP), else one step down */
	cur = ike_pmtu_size(d, sa);
	to = cur < k->size ? cur : ike_pmtu_next(k->size, sa_v6(sa));
	if (to == 0)
		return;
	sa->ftx->size = to;
	rc = ike_frag_split_at(d, sa, k->msg, k->len, whole_of(sa, to), (uint16_t)(k->total + 1),
			       &train, &tlen, &total);
	if (rc != 0 || train == NULL) {
		if (rc != 0)
			IKE_SA_LOG(WARNING, sa, "message %u not cut again: %s", k->msgid,
				   strerror(-rc));
		return;
	}
	free(*sent);
	*sent = train;
	*sent_len = tlen;
	d->ctr.frag_pmtu_shrinks++;
	IKE_SA_LOG(NOTICE, sa, "%s %s %u %s: sent again in %u fragments of at most %u octets "
		   "(was %u in %u)", ike_exch_name(k->msg[18]), request ? "request" : "response",
		   k->msgid, request ? "unanswered" : "asked for again", total, to, k->size,
		   k->total);
	k->size = to;
	k->total = total;
}

void
ike_pmtu_free(struct ike_sa *sa)
{
	if (sa->ftx == NULL)
		return;
	kept_clear(&sa->ftx->req);
	kept_clear(&sa->ftx->resp);
	free(sa->ftx);
	sa->ftx = NULL;
}
