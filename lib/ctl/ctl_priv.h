/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CTL_PRIV_H
#define CTL_PRIV_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "gw_ctl.h"

/* One mailbox ring slot: its sequence number says whose turn it is. */
struct ctl_slot {
	atomic_size_t seq;
	ctl_msg_fn fn;
	void *arg;
	size_t len;
	unsigned char data[CTL_MSG_DATA];
};

struct ctl_fd {
	int fd;
	bool dead;		/* deleted; freed after the current epoll batch */
	ctl_fd_cb cb;
	void *arg;
	struct ctl_fd *next_dead;
};

struct ctl_loop {
	int epfd;
	pthread_t thread;
	atomic_bool stop;

	/* timers */
	struct ctl_theap heap;
	int tfd;
	uint64_t programmed;		/* deadline the timerfd is set to; UINT64_MAX none */
	struct ctl_fd *tfd_h;

	/* mailbox: bounded ring (copies) + unbounded intrusive list (nodes) */
	int efd;
	struct ctl_fd *efd_h;
	atomic_int wake_pending;	/* an eventfd write is on its way */
	struct ctl_slot *slots;
	size_t mask;
	atomic_size_t tail;		/* producers */
	size_t head;			/* the loop thread */
	_Atomic(struct ctl_node *) nodes;

	/* signals */
	int sfd;
	struct ctl_fd *sfd_h;
	sigset_t sigs;
	struct {
		ctl_signal_cb cb;
		void *arg;
	} sig[NSIG];

	struct ctl_fd *dead;		/* deleted watchers, freed after the batch */

	atomic_uint_fast64_t msgs_posted, msgs_full;
	uint64_t msgs_run, nodes_run, timers_fired, signals;
};

/* Wake the loop thread (eventfd), at most one write in flight. */
void ctl_mbox_wake(struct ctl_loop *l);
int ctl_mbox_init(struct ctl_loop *l, uint32_t size);
void ctl_mbox_fini(struct ctl_loop *l);
/* eventfd readable. */
void ctl_mbox_on_event(struct ctl_loop *l, int fd, uint32_t events, void *arg);

/* timerfd readable: fire what is due. */
void ctl_timers_on_event(struct ctl_loop *l, int fd, uint32_t events, void *arg);
/* Program the timerfd for the earliest deadline if it changed. */
void ctl_timers_sync(struct ctl_loop *l);

#endif /* CTL_PRIV_H */
