/* SPDX-License-Identifier: BSD-3-Clause */
/* The loop: epoll over the watched descriptors, the timerfd, the mailbox eventfd, the signalfd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "ctl_priv.h"

#define CTL_EVENTS 64

struct ctl_fd *
ctl_fd_add(struct ctl_loop *l, int fd, uint32_t events, ctl_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct ctl_fd *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->fd = fd;
	h->cb = cb;
	h->arg = arg;
	ev.data.ptr = h;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		int err = errno;

		free(h);
		errno = err;
		return NULL;
	}
	return h;
}

int
ctl_fd_mod(struct ctl_loop *l, struct ctl_fd *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, h->fd, &ev) == 0 ? 0 : -errno;
}

/* The current batch may still hold events for h: it is freed after the batch. */
void
ctl_fd_del(struct ctl_loop *l, struct ctl_fd *h)
{
	if (h == NULL || h->dead)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
	h->dead = true;
	h->next_dead = l->dead;
	l->dead = h;
}

static void
free_dead(struct ctl_loop *l)
{
	while (l->dead != NULL) {
		struct ctl_fd *h = l->dead;

		l->dead = h->next_dead;
		free(h);
	}
}

static void
on_signalfd(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		l->signals++;
		if (sig > 0 && sig < NSIG && l->sig[sig].cb != NULL)
			l->sig[sig].cb(l, sig, l->sig[sig].arg);
		if (atomic_load_explicit(&l->stop, memory_order_relaxed))
			break;
	}
}

int
ctl_signal_add(struct ctl_loop *l, int sig, ctl_signal_cb cb, void *arg)
{
	sigset_t one;
	int fd;

	if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP || cb == NULL)
		return -EINVAL;
	sigemptyset(&one);
	sigaddset(&one, sig);
	if (pthread_sigmask(SIG_BLOCK, &one, NULL) != 0)
		return -EINVAL;
	sigaddset(&l->sigs, sig);
	fd = signalfd(l->sfd, &l->sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (l->sfd < 0) {
		l->sfd = fd;
		l->sfd_h = ctl_fd_add(l, fd, EPOLLIN, on_signalfd, NULL);
		if (l->sfd_h == NULL) {
			int err = -errno;

			close(fd);
			l->sfd = -1;
			return err;
		}
	}
	l->sig[sig].cb = cb;
	l->sig[sig].arg = arg;
	return 0;
}

struct ctl_loop *
ctl_loop_create(const struct ctl_loop_params *p)
{
	struct ctl_loop_params def = { 0 };
	struct ctl_loop *l = calloc(1, sizeof(*l));
	int err;

	if (p == NULL)
		p = &def;
	if (l == NULL)
		return NULL;
	l->epfd = l->tfd = l->efd = l->sfd = -1;
	l->programmed = UINT64_MAX;
	l->thread = pthread_self();
	sigemptyset(&l->sigs);
	err = ctl_mbox_init(l, p->mbox_size);
	if (err == 0)
		err = ctl_theap_init(&l->heap, p->timers_hint);
	if (err != 0)
		goto fail;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->epfd < 0 || l->tfd < 0 || l->efd < 0)
		goto fail_errno;
	l->tfd_h = ctl_fd_add(l, l->tfd, EPOLLIN, ctl_timers_on_event, NULL);
	if (l->tfd_h == NULL)
		goto fail_errno;
	l->efd_h = ctl_fd_add(l, l->efd, EPOLLIN, ctl_mbox_on_event, NULL);
	if (l->efd_h == NULL)
		goto fail_errno;
	return l;
fail_errno:
	err = -errno;
fail:
	ctl_loop_free(l);
	errno = -err;
	return NULL;
}

void
ctl_loop_free(struct ctl_loop *l)
{
	if (l == NULL)
		return;
	ctl_fd_del(l, l->tfd_h);
	ctl_fd_del(l, l->efd_h);
	ctl_fd_del(l, l->sfd_h);
	free_dead(l);
	if (l->sfd >= 0)
		close(l->sfd);
	if (l->efd >= 0)
		close(l->efd);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->epfd >= 0)
		close(l->epfd);
	ctl_theap_fini(&l->heap);
	ctl_mbox_fini(l);
	free(l);
}

int
ctl_loop_run(struct ctl_loop *l)
{
	struct epoll_event ev[CTL_EVENTS];

	l->thread = pthread_self();
	while (!atomic_load(&l->stop)) {
		int n;

		ctl_timers_sync(l);
		n = epoll_wait(l->epfd, ev, CTL_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n && !atomic_load(&l->stop); i++) {
			struct ctl_fd *h = ev[i].data.ptr;

			if (!h->dead)
				h->cb(l, h->fd, ev[i].events, h->arg);
		}
		free_dead(l);
	}
	return 0;
}

void
ctl_loop_stop(struct ctl_loop *l)
{
	uint64_t one = 1;
	ssize_t n;

	atomic_store(&l->stop, true);
	n = write(l->efd, &one, sizeof(one));	/* wake epoll_wait */
	(void)n;
}

bool
ctl_loop_stopping(const struct ctl_loop *l)
{
	return atomic_load(&l->stop);
}

bool
ctl_loop_in_thread(const struct ctl_loop *l)
{
	return pthread_equal(l->thread, pthread_self());
}

void
ctl_stats_get(const struct ctl_loop *l, struct ctl_stats *s)
{
	s->msgs_posted = atomic_load_explicit(&l->msgs_posted, memory_order_relaxed);
	s->msgs_full = atomic_load_explicit(&l->msgs_full, memory_order_relaxed);
	s->msgs_run = l->msgs_run;
	s->nodes_run = l->nodes_run;
	s->timers_fired = l->timers_fired;
	s->signals = l->signals;
	s->timers_armed = l->heap.n;
}
