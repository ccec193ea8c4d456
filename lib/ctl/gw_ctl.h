/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CTL_H
#define GW_CTL_H

/*
 * The control thread as an event loop (lib/ctl/README.md has the scheme).
 *
 * One thread runs ctl_loop_run(): epoll over registered file descriptors,
 * one timerfd armed at the earliest deadline of a timer heap, one eventfd
 * for the mailbox other threads post to, one signalfd. A helper thread runs
 * expensive jobs (public-key operations) and posts their results back, so
 * the loop thread never blocks on them.
 *
 * Thread rules: everything here is for the loop thread except what says
 * "any thread" (ctl_post, ctl_post_node, ctl_loop_stop, ctl_now_ms, the
 * stats read). No DPDK, no OpenSSL: protocol code and its tests run without
 * EAL.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_loop;

/* ---- clock ---- */

/* CLOCK_MONOTONIC in milliseconds. Any thread. */
uint64_t ctl_now_ms(void);

/* ---- timers: a binary heap with back-pointers, O(log n) arm / cancel / re-arm ---- */

struct ctl_timer;
typedef void (*ctl_timer_cb)(struct ctl_loop *l, struct ctl_timer *t, void *arg);

/* Embedded by its owner (an SA, an exchange); the loop never allocates one. */
struct ctl_timer {
	uint64_t deadline;	/* ms, CLOCK_MONOTONIC */
	uint64_t seq;		/* arm order: equal deadlines fire first-armed first */
	uint32_t idx;		/* heap position + 1; 0 = not armed */
	ctl_timer_cb cb;
	void *arg;
};

struct ctl_theap {
	struct ctl_timer **v;
	uint32_t n, cap;
	uint64_t seq;
};

int ctl_theap_init(struct ctl_theap *h, uint32_t cap_hint);
void ctl_theap_fini(struct ctl_theap *h);
/* Insert, or move if armed. 0 or -ENOMEM (the heap could not grow). */
int ctl_theap_arm(struct ctl_theap *h, struct ctl_timer *t, uint64_t deadline);
/* Remove if armed; a no-op otherwise. */
void ctl_theap_cancel(struct ctl_theap *h, struct ctl_timer *t);
/* Earliest timer, NULL if none. */
static inline struct ctl_timer *
ctl_theap_top(const struct ctl_theap *h)
{
	return h->n != 0 ? h->v[0] : NULL;
}
/* Remove and return the earliest timer due at now (deadline <= now), else NULL. */
struct ctl_timer *ctl_theap_pop_due(struct ctl_theap *h, uint64_t now);
/* Verify the heap order and every back-pointer (tests). 0 or -EINVAL. */
int ctl_theap_check(const struct ctl_theap *h);

void ctl_timer_init(struct ctl_timer *t, ctl_timer_cb cb, void *arg);
static inline bool
ctl_timer_armed(const struct ctl_timer *t)
{
	return t->idx != 0;
}
/* Arm (or re-arm) to fire delay_ms from now / at deadline_ms. 0 or -ENOMEM. */
int ctl_timer_arm(struct ctl_loop *l, struct ctl_timer *t, uint64_t delay_ms);
int ctl_timer_arm_at(struct ctl_loop *l, struct ctl_timer *t, uint64_t deadline_ms);
/* A cancelled timer never fires, even when it is already due. */
void ctl_timer_cancel(struct ctl_loop *l, struct ctl_timer *t);
/* Earliest armed deadline, UINT64_MAX if none. */
uint64_t ctl_timer_next(const struct ctl_loop *l);
/* Deadline the timerfd is programmed for (UINT64_MAX: disarmed); tests. */
uint64_t ctl_timer_programmed(const struct ctl_loop *l);

/* ---- the loop ---- */

struct ctl_loop_params {
	uint32_t mbox_size;	/* mailbox ring slots, power of two; default 4096 */
	uint32_t timers_hint;	/* initial heap capacity; default 1024 (it grows) */
};

/* NULL params: defaults. NULL + errno on failure. */
struct ctl_loop *ctl_loop_create(const struct ctl_loop_params *p);
/*
 * Close the loop's descriptors and free it. Messages still in the mailbox
 * are discarded (free the helper first: it delivers its results). Registered
 * fds are not closed (they are their owners').
 */
void ctl_loop_free(struct ctl_loop *l);
/*
 * Run on the calling thread (it becomes the loop thread) until
 * ctl_loop_stop(). 0, or -errno if epoll itself fails.
 */
int ctl_loop_run(struct ctl_loop *l);
/* Any thread: the loop returns after the callback it is running, if any. */
void ctl_loop_stop(struct ctl_loop *l);
bool ctl_loop_stopping(const struct ctl_loop *l);
/* True on the thread running ctl_loop_run() (before it runs: the creator's). */
bool ctl_loop_in_thread(const struct ctl_loop *l);

/* ---- file descriptors ---- */

struct ctl_fd;
typedef void (*ctl_fd_cb)(struct ctl_loop *l, int fd, uint32_t events, void *arg);

/* Watch fd for EPOLL* events (level-triggered). NULL + errno on failure. */
struct ctl_fd *ctl_fd_add(struct ctl_loop *l, int fd, uint32_t events, ctl_fd_cb cb,
			  void *arg);
int ctl_fd_mod(struct ctl_loop *l, struct ctl_fd *h, uint32_t events);
/* Stop watching (safe from any callback, its own included); fd is not closed. */
void ctl_fd_del(struct ctl_loop *l, struct ctl_fd *h);

/* ---- signals (signalfd) ---- */

typedef void (*ctl_signal_cb)(struct ctl_loop *l, int sig, void *arg);

/*
 * Deliver sig to cb on the loop thread. The signal must be blocked in every
 * thread of the process (block it in main() before any thread starts: new
 * threads inherit the mask); this blocks it in the calling thread too.
 * 0, -EINVAL (bad or unblockable signal), -errno.
 */
int ctl_signal_add(struct ctl_loop *l, int sig, ctl_signal_cb cb, void *arg);

/* ---- mailbox: run a function on the loop thread ---- */

#define CTL_MSG_DATA 64		/* bytes a message carries by copy */

typedef void (*ctl_msg_fn)(struct ctl_loop *l, void *arg, const void *data, size_t len);

/*
 * Any thread: run fn(l, arg, copy of data) on the loop thread, in post order
 * per producer. Multi-producer, lock-free, bounded (mbox_size messages).
 * 0, -EMSGSIZE (len > CTL_MSG_DATA), -ENOBUFS (full: nothing was queued, the
 * caller decides; counted in msgs_full).
 */
int ctl_post(struct ctl_loop *l, ctl_msg_fn fn, void *arg, const void *data, size_t len);

/*
 * For a producer that owns its message's memory (the helper's results): an
 * intrusive node on an unbounded lock-free list, so the post cannot fail.
 * Any thread; fn runs on the loop thread and may free the node.
 */
struct ctl_node;
typedef void (*ctl_node_fn)(struct ctl_loop *l, struct ctl_node *n);
struct ctl_node {
	struct ctl_node *next;
	ctl_node_fn fn;
};
void ctl_post_node(struct ctl_loop *l, struct ctl_node *n, ctl_node_fn fn);

/* Run what is in the mailbox now (ring and nodes). Loop thread; shutdown paths. */
unsigned int ctl_mbox_drain(struct ctl_loop *l);

struct ctl_stats {
	uint64_t msgs_posted;	/* accepted by ctl_post */
	uint64_t msgs_full;	/* refused by ctl_post: mailbox full */
	uint64_t msgs_run;	/* ring messages run */
	uint64_t nodes_run;	/* ctl_post_node messages run */
	uint64_t timers_fired;
	uint64_t signals;
	uint32_t timers_armed;
};
/* Loop thread (msgs_posted and msgs_full: any thread). */
void ctl_stats_get(const struct ctl_loop *l, struct ctl_stats *s);

/* ---- helper thread for expensive work ---- */

struct ctl_helper;

/* Runs on the helper thread; long work should return early once ctl_helper_stopping(). */
typedef int (*ctl_work_fn)(void *arg, const struct ctl_helper *h);
/*
 * Runs on the loop thread with work's return value, or with -ECANCELED when
 * the job never ran (the helper was freed first).
 */
typedef void (*ctl_done_fn)(struct ctl_loop *l, void *arg, int result);

struct ctl_helper_params {
	uint32_t max_jobs;	/* queued + running + undelivered; default 1024 */
	int nice;		/* scheduling nice of the helper thread; default 10 */
	const char *name;	/* thread name; default "ctl-helper" */
};

/* Start the helper thread. NULL params: defaults. NULL + errno on failure. */
struct ctl_helper *ctl_helper_create(struct ctl_loop *l, const struct ctl_helper_params *p);
/*
 * Loop thread: queue work(arg) for the helper; done(arg, result) follows on
 * the loop thread. 0, -ENOBUFS (max_jobs outstanding), -ENOMEM, -ESHUTDOWN.
 */
int ctl_helper_submit(struct ctl_helper *h, ctl_work_fn work, ctl_done_fn done, void *arg);
/* Helper thread: true once ctl_helper_free() began. */
bool ctl_helper_stopping(const struct ctl_helper *h);
/* Jobs submitted whose done has not run yet. Loop thread. */
unsigned int ctl_helper_outstanding(const struct ctl_helper *h);
/*
 * Loop thread: stop the helper. Queued jobs are cancelled (done with
 * -ECANCELED), the running one is waited for (it sees ctl_helper_stopping()),
 * every result already posted is delivered, then the thread is joined and
 * everything freed.
 */
void ctl_helper_free(struct ctl_helper *h);

/*
 * Outstanding jobs of a user that may go before they come back (an IKE
 * daemon, a key server): each job embeds a ctl_job_ref linked on its owner's
 * list; done() unlinks it and learns the owner, NULL when the owner went
 * first and orphaned it (ctl_jobref.c). Loop thread.
 */
struct ctl_job_ref {
	struct ctl_job_ref *next, **pprev;
	void *owner;
};
void ctl_job_link(struct ctl_job_ref **head, struct ctl_job_ref *j, void *owner);
/* Unlink; the owner, or NULL if orphaned. */
void *ctl_job_unlink(struct ctl_job_ref *j);
void ctl_job_orphan_all(struct ctl_job_ref **head);

#endif /* GW_CTL_H */
