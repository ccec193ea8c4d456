/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key server daemon on the control loop: one UDP socket per listen
 * address (IPv4 or IPv6, bound with IP_FREEBIND: the gateway's addresses
 * appear on its exception TAPs after start-up), datagrams dispatched by
 * exchange, the last reply of each exchange kept and resent when the same
 * request comes again, unfinished phase 1 SAs swept.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "gw_log.h"
#include "gks_priv.h"

void
gks_last_free(struct gks_last *l)
{
	free(l->rx);
	free(l->tx);
	memset(l, 0, sizeof(*l));
}

bool
gks_log_ok(struct gks_server *s)
{
	uint64_t now = ctl_now_ms();

	if (now - s->log_window_ms >= 1000) {
		s->log_window_ms = now;
		s->log_count = 0;
	}
	return s->log_count++ < GKS_LOG_PER_S;
}

int
gks_send(struct gks_server *s, int fd, const struct sockaddr *to, socklen_t tolen,
	 const void *buf, size_t len)
{
	if (fd < 0) {
		/* the first socket of the destination's family */
		for (unsigned int i = 0; i < s->nfds && fd < 0; i++)
			if (s->p.listen[i].family == to->sa_family)
				fd = s->fds[i];
	}
	s->st.tx++;
	if (s->send != NULL)
		return s->send(s->send_arg, fd, to, tolen, buf, len);
	if (fd < 0 || sendto(fd, buf, len, 0, to, tolen) < 0) {
		GW_LOG(ike, DEBUG, "gks: sendto: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int
gks_reply(struct gks_server *s, struct gks_last *last, int fd, const struct sockaddr *to,
	  socklen_t tolen, const uint8_t *tx, size_t tx_len)
{
	uint8_t *rx = malloc(s->rxcopy_len), *t = malloc(tx_len);

	gks_last_free(last);
	if (rx != NULL && t != NULL) {
		memcpy(rx, s->rxcopy, s->rxcopy_len);
		memcpy(t, tx, tx_len);
		last->rx = rx;
		last->rx_len = s->rxcopy_len;
		last->tx = t;
		last->tx_len = tx_len;
	} else {
		free(rx);
		free(t);
	}
	return gks_send(s, fd, to, tolen, tx, tx_len);
}

bool
gks_is_dup(struct gks_server *s, struct gks_last *last, int fd, const struct sockaddr *to,
	   socklen_t tolen)
{
	if (last->rx == NULL || last->rx_len != s->rxcopy_len ||
	    memcmp(last->rx, s->rxcopy, s->rxcopy_len) != 0)
		return false;
	s->st.dup_retx++;
	gks_send(s, fd, to, tolen, last->tx, last->tx_len);
	return true;
}

void
gks_server_input(struct gks_server *s, int fd, const struct sockaddr *from, socklen_t fromlen,
		 uint8_t *buf, size_t len)
{
	struct gdoi_perr err;
	struct gdoi_hdr h;
	struct gks_p1 *p1;

	s->st.rx++;
	if (len > sizeof(s->rxcopy) || gdoi_hdr_parse(buf, len, &h, &err) != 0 ||
	    h.length != len) {
		s->st.bad_msg++;
		return;
	}
	memcpy(s->rxcopy, buf, len);
	s->rxcopy_len = len;
	switch (h.exchange) {
	case GDOI_EXCH_IDPROT:
		gks_p1_input(s, fd, from, fromlen, buf, len, &h);
		break;
	case GDOI_EXCH_PULL:
		p1 = gks_p1_find(s, h.icookie, h.rcookie);
		if (p1 == NULL) {
			s->st.bad_msg++;
			return;
		}
		gks_pull_input(s, p1, buf, len, &h);
		break;
	case GDOI_EXCH_PUSH_ACK:
		gks_ack_input(s, from, buf, len, &h);
		break;
	case GDOI_EXCH_INFO:
		/* INITIAL-CONTACT, DPD, deletes of a phase 1: nothing to do for now */
		break;
	default:
		s->st.bad_msg++;
	}
}

static void
on_readable(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	struct gks_server *s = arg;
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t n;

	(void)l;
	(void)events;
	/* a bounded batch: 100 members registering at once share the loop fairly */
	for (int i = 0; i < 64; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, s->rxbuf, sizeof(s->rxbuf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		gks_server_input(s, fd, (struct sockaddr *)&from, fl, s->rxbuf, (size_t)n);
	}
}

static void
sweep_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gks_server *s = arg;

	gks_p1_sweep(s, ctl_now_ms(), false);
	ctl_timer_arm(l, t, GKS_SWEEP_MS);
}

static int
open_socket(struct gks_server *s, const struct gks_prefix *a, char *why, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int fd, on = 1, ttl = 16;
	char txt[INET6_ADDRSTRLEN];

	fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(s->p.port);
		memcpy(&in->sin_addr, a->addr, 4);
		sl = sizeof(*in);
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof(on));
		for (unsigned int i = 0; i < s->ngroups; i++)
			if (s->groups[i].p.mcast_ttl > ttl)
				ttl = s->groups[i].p.mcast_ttl;
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(s->p.port);
		memcpy(&in6->sin6_addr, a->addr, 16);
		sl = sizeof(*in6);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0)
		goto fail;
	s->fdh[s->nfds] = ctl_fd_add(s->loop, fd, EPOLLIN, on_readable, s);
	if (s->fdh[s->nfds] == NULL)
		goto fail;
	s->fds[s->nfds++] = fd;
	return 0;
fail:
	snprintf(why, len, "listen %s port %u: %s", gks_prefix_str(a, txt, sizeof(txt)),
		 s->p.port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -errno;
}

struct gks_server *
gks_server_create(struct ctl_loop *loop, const struct gks_params *p, bool open_sockets,
		  char *why, size_t len)
{
	struct gks_server *s;
	int rc;

	rc = gks_params_check(p, why, len);
	if (rc != 0) {
		errno = -rc;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->loop = loop;
	s->p = *p;
	for (unsigned int i = 0; i < p->ngroups; i++) {
		rc = gks_group_init(s, &s->groups[i], &p->groups[i], why, len);
		if (rc != 0)
			goto fail;
		s->ngroups++;
		gks_group_timers_init(&s->groups[i]);
	}
	if (open_sockets) {
		for (unsigned int i = 0; i < p->nlisten; i++) {
			rc = open_socket(s, &p->listen[i], why, len);
			if (rc != 0)
				goto fail;
		}
	}
	if (loop != NULL) {
		ctl_timer_init(&s->sweep_timer, sweep_tick, s);
		ctl_timer_arm(loop, &s->sweep_timer, GKS_SWEEP_MS);
		for (unsigned int i = 0; i < s->ngroups; i++)
			gks_rekey_arm(&s->groups[i]);
	}
	memset(s->p.groups, 0, sizeof(s->p.groups));	/* the keys live in the groups */
	GW_LOG(ike, NOTICE, "gks: key server: %u groups, %u listen addresses", s->ngroups,
	       s->nfds);
	return s;
fail:
	gks_server_free(s);
	errno = rc < 0 ? -rc : EINVAL;
	return NULL;
}

void
gks_server_set_send(struct gks_server *s, gks_send_fn fn, void *arg)
{
	s->send = fn;
	s->send_arg = arg;
}

void
gks_server_free(struct gks_server *s)
{
	if (s == NULL)
		return;
	gks_async_fini(s);
	for (unsigned int i = 0; i < s->ngroups; i++) {
		struct gks_group *g = &s->groups[i];

		gks_group_delete_all(g);
		if (s->loop != NULL) {
			ctl_timer_cancel(s->loop, &g->rekey_timer);
			ctl_timer_cancel(s->loop, &g->retx_timer);
		}
		gks_group_fini(g);
	}
	if (s->loop != NULL)
		ctl_timer_cancel(s->loop, &s->sweep_timer);
	for (unsigned int i = 0; i < s->nfds; i++) {
		ctl_fd_del(s->loop, s->fdh[i]);
		close(s->fds[i]);
	}
	gks_p1_sweep(s, 0, true);
	free(s);
}
