/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Timers: one binary min-heap of pointers ordered by (deadline, seq), each
 * timer holding its own position (idx) so cancel and re-arm are O(log n)
 * without a search. The loop keeps one timerfd (CLOCK_MONOTONIC, absolute)
 * set to the heap's top.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/timerfd.h>

#include "ctl_priv.h"

uint64_t
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline bool
before(const struct ctl_timer *a, const struct ctl_timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static inline void
place(struct ctl_theap *h, uint32_t i, struct ctl_timer *t)
{
	h->v[i] = t;
	t->idx = i + 1;
}

static void
sift_up(struct ctl_theap *h, uint32_t i)
{
	struct ctl_timer *t = h->v[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!before(t, h->v[parent]))
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void
sift_down(struct ctl_theap *h, uint32_t i)
{
	struct ctl_timer *t = h->v[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(h->v[c + 1], h->v[c]))
			c++;
		if (!before(h->v[c], t))
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

int
ctl_theap_init(struct ctl_theap *h, uint32_t cap_hint)
{
	h->n = 0;
	h->seq = 0;
	h->cap = cap_hint != 0 ? cap_hint : 1024;
	h->v = malloc(sizeof(*h->v) * h->cap);
	return h->v != NULL ? 0 : -ENOMEM;
}

void
ctl_theap_fini(struct ctl_theap *h)
{
	for (uint32_t i = 0; i < h->n; i++)
		h->v[i]->idx = 0;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

int
ctl_theap_arm(struct ctl_theap *h, struct ctl_timer *t, uint64_t deadline)
{
	t->deadline = deadline;
	t->seq = ++h->seq;
	if (t->idx != 0) {
		/* The new key may be earlier or later than the old one. */
		sift_up(h, t->idx - 1);
		sift_down(h, t->idx - 1);
		return 0;
	}
	if (h->n == h->cap) {
		uint32_t cap = h->cap * 2;
		struct ctl_timer **v = realloc(h->v, sizeof(*v) * cap);

		if (v == NULL)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	place(h, h->n, t);
	sift_up(h, h->n++);
	return 0;
}

void
ctl_theap_cancel(struct ctl_theap *h, struct ctl_timer *t)
{
	uint32_t i;
	struct ctl_timer *last;

	if (t->idx == 0)
		return;
	i = t->idx - 1;
	t->idx = 0;
	last = h->v[--h->n];
	if (i == h->n)
		return;
	place(h, i, last);
	sift_up(h, i);
	sift_down(h, last->idx - 1);
}

struct ctl_timer *
ctl_theap_pop_due(struct ctl_theap *h, uint64_t now)
{
	struct ctl_timer *t = ctl_theap_top(h);

	if (t == NULL || t->deadline > now)
		return NULL;
	ctl_theap_cancel(h, t);
	return t;
}

int
ctl_theap_check(const struct ctl_theap *h)
{
	for (uint32_t i = 0; i < h->n; i++) {
		if (h->v[i]->idx != i + 1)
			return -EINVAL;
		if (i > 0 && before(h->v[i], h->v[(i - 1) / 2]))
			return -EINVAL;
	}
	return 0;
}

void
ctl_timer_init(struct ctl_timer *t, ctl_timer_cb cb, void *arg)
{
	t->deadline = 0;
	t->seq = 0;
	t->idx = 0;
	t->cb = cb;
	t->arg = arg;
}

int
ctl_timer_arm_at(struct ctl_loop *l, struct ctl_timer *t, uint64_t deadline_ms)
{
	return ctl_theap_arm(&l->heap, t, deadline_ms);
}

int
ctl_timer_arm(struct ctl_loop *l, struct ctl_timer *t, uint64_t delay_ms)
{
	return ctl_theap_arm(&l->heap, t, ctl_now_ms() + delay_ms);
}

void
ctl_timer_cancel(struct ctl_loop *l, struct ctl_timer *t)
{
	ctl_theap_cancel(&l->heap, t);
}

uint64_t
ctl_timer_next(const struct ctl_loop *l)
{
	const struct ctl_timer *t = ctl_theap_top(&l->heap);

	return t != NULL ? t->deadline : UINT64_MAX;
}

uint64_t
ctl_timer_programmed(const struct ctl_loop *l)
{
	return l->programmed;
}

/*
 * Before every epoll_wait: one timerfd_settime() only when the earliest
 * deadline moved, however many timers were armed or cancelled meanwhile.
 */
void
ctl_timers_sync(struct ctl_loop *l)
{
	uint64_t next = ctl_timer_next(l);
	struct itimerspec its = { 0 };

	if (next == l->programmed)
		return;
	if (next != UINT64_MAX) {
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000;
		if (next == 0)
			its.it_value.tv_nsec = 1;	/* zero would disarm */
	}
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		l->programmed = next;
}

/*
 * Fire every timer due now, earliest first. A timer armed by a callback for
 * a time already past waits for the next round (its seq is newer than the
 * round's), so a zero-delay re-arm cannot keep this loop from returning.
 */
void
ctl_timers_on_event(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	uint64_t expirations, now = ctl_now_ms(), round = l->heap.seq;
	struct ctl_timer *t;

	(void)events;
	(void)arg;
	if (read(fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	l->programmed = UINT64_MAX;	/* a fired absolute timerfd is disarmed */
	while ((t = ctl_theap_top(&l->heap)) != NULL && t->deadline <= now && t->seq <= round &&
	       !atomic_load_explicit(&l->stop, memory_order_relaxed)) {
		ctl_theap_cancel(&l->heap, t);
		l->timers_fired++;
		t->cb(l, t, t->arg);
	}
}
