/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telnet listener and the session threads. The listener accepts, refuses
 * a locked-out source or one session too many with a line, and starts a
 * detached thread per session that runs libcli's loop on the socket (telnet
 * option negotiation, line editing, '?' and TAB are libcli's). A session
 * blocks only itself: what it needs from the planes goes through the control
 * thread's mailbox (cli_call.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libcli.h>

#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_log.h"
#include "cli_priv.h"

#define CLI_IDLE_TIMEOUT_S 3600

static __thread struct cli_session *self;

struct cli_session *
cli_session_self(void)
{
	return self;
}

static void
peer_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)a;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(buf, len, "%s port %u", host, port);
}

static void
session_unlink(struct cli_server *s, struct cli_session *ss)
{
	pthread_mutex_lock(&s->mu);
	for (struct cli_session **pp = &s->sessions; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == ss) {
			*pp = ss->next;
			break;
		}
	}
	s->nb_sessions--;
	pthread_mutex_unlock(&s->mu);
}

/*
 * A peer that closed its end makes write() raise SIGPIPE, whose default is to
 * kill the process: the CLI's threads block it (it is per thread, being
 * synchronous) and see EPIPE instead.
 */
static void
block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void *
session_main(void *arg)
{
	struct cli_session *ss = arg;
	struct cli_server *s = ss->srv;
	struct cli_def *cli;

	block_sigpipe();
	self = ss;
	cli = cli_init();
	if (cli != NULL) {
		ss->cli = cli;
		cli_set_context(cli, ss);
		cli_set_banner(cli, "gdoigw CLI (Junos-like). Log in with a `system login user`.");
		cli_set_hostname(cli, "gdoigw");
		cli_set_idle_timeout(cli, CLI_IDLE_TIMEOUT_S);
		cli_auth_setup(cli, ss);
		cli_op_register(cli);
		cli_config_register(cli);
		cli_pipe_register(cli);
		cli_loop(cli, ss->fd);
		cli_config_leave(ss);
		cli_done(cli);
	}
	if (ss->logged_in)
		GW_LOG(general, NOTICE, "cli: %s logged out (%s)", ss->user, ss->peer_str);
	close(ss->fd);
	session_unlink(s, ss);
	free(ss);
	return NULL;
}

static void
refuse(int fd, const char *line)
{
	ssize_t n = write(fd, line, strlen(line));

	(void)n;
	close(fd);
}

static void
accept_one(struct cli_server *s)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct cli_session *ss;
	pthread_attr_t attr;
	char who[96];
	int fd;

	fd = accept4(s->listen_fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	peer_str(&peer, who, sizeof(who));
	if (cli_auth_locked(s, &peer)) {
		GW_LOG(general, WARNING, "cli: %s refused: locked out after failed logins", who);
		refuse(fd, "Too many failed logins from this address; try again later.\r\n");
		return;
	}
	ss = calloc(1, sizeof(*ss));
	if (ss == NULL) {
		refuse(fd, "Out of memory.\r\n");
		return;
	}
	ss->srv = s;
	ss->fd = fd;
	ss->peer = peer;
	snprintf(ss->peer_str, sizeof(ss->peer_str), "%s", who);
	pthread_mutex_lock(&s->mu);
	if (s->nb_sessions >= s->session_limit) {
		pthread_mutex_unlock(&s->mu);
		GW_LOG(general, WARNING, "cli: %s refused: session limit %u reached", who,
		       s->session_limit);
		refuse(fd, "Session limit reached; try again later.\r\n");
		free(ss);
		return;
	}
	s->nb_sessions++;
	ss->next = s->sessions;
	s->sessions = ss;
	pthread_mutex_unlock(&s->mu);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&ss->thread, &attr, session_main, ss) != 0) {
		session_unlink(s, ss);
		refuse(fd, "Cannot start a session.\r\n");
		free(ss);
	}
	pthread_attr_destroy(&attr);
}

static void *
listener_main(void *arg)
{
	struct cli_server *s = arg;
	struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };

	pthread_setname_np(pthread_self(), "gw-cli");
	block_sigpipe();
	while (!atomic_load(&s->stopping)) {
		if (poll(&pfd, 1, 200) > 0 && (pfd.revents & POLLIN))
			accept_one(s);
	}
	return NULL;
}

static int
open_listener(const struct gw_conf_telnet *t)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, one = 1;

	if (t->address.family == AF_INET6) {
		struct sockaddr_in6 *in6 = (void *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = t->address.v6;
		in6->sin6_port = htons(t->port);
		len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (void *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr = t->address.v4;
		in->sin_port = htons(t->port);
		len = sizeof(*in);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 64) != 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

struct cli_server *
cli_server_start(const struct cli_params *p)
{
	const struct gw_conf_telnet *t = &(*p->running)->telnet;
	struct cli_server *s = calloc(1, sizeof(*s));
	char addr[64];
	int fd;

	if (s == NULL)
		return NULL;
	s->p = *p;
	s->started = time(NULL);
	s->session_limit = t->session_limit != 0 ? t->session_limit : 8;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->cand.mu, NULL);
	inet_ntop(t->address.family == AF_INET6 ? AF_INET6 : AF_INET, &t->address.v4, addr,
		  sizeof(addr));
	fd = open_listener(t);
	if (fd < 0) {
		GW_LOG(general, ERR, "cli: cannot listen on %s port %u: %s", addr, t->port,
		       strerror(-fd));
		free(s);
		errno = -fd;
		return NULL;
	}
	s->listen_fd = fd;
	if (pthread_create(&s->listener, NULL, listener_main, s) != 0) {
		close(fd);
		free(s);
		errno = EAGAIN;
		return NULL;
	}
	GW_LOG(general, NOTICE, "cli: telnet on %s port %u, %u sessions at most", addr, t->port,
	       s->session_limit);
	return s;
}

void
cli_server_stop(struct cli_server *s)
{
	uint64_t give_up;
	bool idle;

	if (s == NULL)
		return;
	atomic_store(&s->stopping, true);
	pthread_join(s->listener, NULL);
	close(s->listen_fd);
	pthread_mutex_lock(&s->mu);
	for (struct cli_session *ss = s->sessions; ss != NULL; ss = ss->next)
		shutdown(ss->fd, SHUT_RDWR);
	pthread_mutex_unlock(&s->mu);
	/* Sessions may be waiting on a request: run them until every session ended. */
	give_up = ctl_now_ms() + 3000;
	do {
		ctl_mbox_drain(s->p.loop);
		pthread_mutex_lock(&s->mu);
		idle = s->nb_sessions == 0;
		pthread_mutex_unlock(&s->mu);
		if (!idle)
			usleep(10000);
	} while (!idle && ctl_now_ms() < give_up);
	cli_commit_stop(s);
	if (!idle) {
		/* A session thread still runs: leave it the server rather than free it. */
		GW_LOG(general, WARNING, "cli: sessions still running at exit");
		return;
	}
	if (s->cand.loaded)
		config_destroy(&s->cand.cfg);
	free(s->sa_base);
	free(s);
}
