/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl timers: the heap alone (100,000 timers, random arm / re-arm /
 * cancel against a brute-force reference), then through the loop and its
 * timerfd (fired in deadline order, never early, cancelled ones never).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>

#include "gw_test.h"
#include "gw_ctl.h"
#include "ctl_priv.h"

#define NB 100000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct ctl_timer tm[NB];

/* Earliest armed timer by a linear scan: (deadline, seq) like the heap. */
static struct ctl_timer *
brute_min(void)
{
	struct ctl_timer *best = NULL;

	for (unsigned int i = 0; i < NB; i++) {
		struct ctl_timer *t = &tm[i];

		if (!ctl_timer_armed(t))
			continue;
		if (best == NULL || t->deadline < best->deadline ||
		    (t->deadline == best->deadline && t->seq < best->seq))
			best = t;
	}
	return best;
}

static void
test_heap_order(void)
{
	struct ctl_theap h;
	struct ctl_timer *t, *prev = NULL;
	unsigned int n = 0;

	CHECK_EQ(ctl_theap_init(&h, 16), 0);	/* small: it must grow */
	for (unsigned int i = 0; i < NB; i++) {
		ctl_timer_init(&tm[i], NULL, NULL);
		CHECK_EQ(ctl_theap_arm(&h, &tm[i], rnd() % 1000000), 0);
	}
	CHECK_EQ(h.n, NB);
	CHECK_EQ(ctl_theap_check(&h), 0);
	while ((t = ctl_theap_pop_due(&h, UINT64_MAX)) != NULL) {
		CHECK(!ctl_timer_armed(t));
		if (prev != NULL)
			CHECK(prev->deadline < t->deadline ||
			      (prev->deadline == t->deadline && prev->seq < t->seq));
		prev = t;
		n++;
	}
	CHECK_EQ(n, NB);
	ctl_theap_fini(&h);
}

/* Random arm / re-arm / cancel; the heap's top is checked against a scan. */
static void
test_heap_random_ops(void)
{
	static uint64_t want[NB];	/* final deadline, UINT64_MAX = cancelled */
	struct ctl_theap h;
	struct ctl_timer *t;
	unsigned int popped = 0, armed = 0, bad_order = 0;
	uint64_t last = 0;

	CHECK_EQ(ctl_theap_init(&h, 0), 0);
	for (unsigned int i = 0; i < NB; i++) {
		ctl_timer_init(&tm[i], NULL, NULL);
		want[i] = UINT64_MAX;
	}
	for (unsigned int op = 0; op < 1000000; op++) {
		unsigned int i = (unsigned int)(rnd() % NB);

		if (rnd() % 4 == 0) {
			ctl_theap_cancel(&h, &tm[i]);
			ctl_theap_cancel(&h, &tm[i]);	/* twice: a no-op */
			want[i] = UINT64_MAX;
		} else {
			want[i] = rnd() % 100000;
			CHECK_EQ(ctl_theap_arm(&h, &tm[i], want[i]), 0);
		}
		if (op % 50000 == 0) {
			CHECK_EQ(ctl_theap_check(&h), 0);
			CHECK(ctl_theap_top(&h) == brute_min());
		}
	}
	CHECK_EQ(ctl_theap_check(&h), 0);
	CHECK(ctl_theap_top(&h) == brute_min());
	for (unsigned int i = 0; i < NB; i++)
		armed += want[i] != UINT64_MAX;
	CHECK_EQ(h.n, armed);
	/* Pop in two steps: nothing later than now comes out. */
	while ((t = ctl_theap_pop_due(&h, 50000)) != NULL) {
		CHECK(t->deadline <= 50000);
		CHECK_EQ(t->deadline, want[t - tm]);
		bad_order += t->deadline < last;
		last = t->deadline;
		want[t - tm] = UINT64_MAX - 1;	/* fired */
		popped++;
	}
	CHECK(ctl_theap_top(&h) == NULL || ctl_theap_top(&h)->deadline > 50000);
	CHECK_EQ(ctl_theap_check(&h), 0);
	while ((t = ctl_theap_pop_due(&h, UINT64_MAX)) != NULL) {
		CHECK_EQ(t->deadline, want[t - tm]);
		bad_order += t->deadline < last;
		last = t->deadline;
		want[t - tm] = UINT64_MAX - 1;
		popped++;
	}
	CHECK_EQ(bad_order, 0);
	CHECK_EQ(popped, armed);
	for (unsigned int i = 0; i < NB; i++)	/* every armed one fired, no cancelled one */
		CHECK(want[i] == UINT64_MAX || want[i] == UINT64_MAX - 1);
	ctl_theap_fini(&h);
}

/* ---- through the loop ---- */

struct fire_log {
	unsigned int expected, fired, early, out_of_order, twice, cancelled_fired;
	uint64_t last_deadline;
	uint8_t state[NB];	/* 0 armed, 1 cancelled, 2 fired */
};

static struct fire_log flog;

static void
on_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;

	flog.early += ctl_now_ms() < t->deadline;
	flog.out_of_order += t->deadline < flog.last_deadline;
	flog.last_deadline = t->deadline;
	flog.twice += flog.state[i] == 2;
	flog.cancelled_fired += flog.state[i] == 1;
	flog.state[i] = 2;
	if (++flog.fired == flog.expected)
		ctl_loop_stop(l);
}

static void
guard(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	fprintf(stderr, "loop timers: guard fired, %u of %u\n", flog.fired, flog.expected);
	ctl_loop_stop(l);
}

static void
test_loop_timers(void)
{
	struct ctl_loop *l = ctl_loop_create(NULL);
	struct ctl_timer g;
	struct itimerspec its;
	uint64_t now = ctl_now_ms(), k;

	CHECK(l != NULL);
	memset(&flog, 0, sizeof(flog));
	for (unsigned int i = 0; i < NB; i++) {
		ctl_timer_init(&tm[i], on_fire, (void *)(uintptr_t)i);
		CHECK_EQ(ctl_timer_arm_at(l, &tm[i], now + 50 + rnd() % 1500), 0);
	}
	/* A tenth cancelled, a tenth re-armed (earlier or later). */
	for (unsigned int i = 0; i < NB; i += 10) {
		ctl_timer_cancel(l, &tm[i]);
		flog.state[i] = 1;
		CHECK_EQ(ctl_timer_arm(l, &tm[i + 1], rnd() % 1500), 0);
	}
	flog.expected = NB - NB / 10;
	{
		struct ctl_stats st;

		ctl_stats_get(l, &st);
		CHECK_EQ(st.timers_armed, flog.expected);
	}

	/* The timerfd is programmed for the earliest deadline, to the millisecond. */
	ctl_timers_sync(l);
	CHECK_EQ(ctl_timer_programmed(l), ctl_timer_next(l));
	CHECK(timerfd_gettime(l->tfd, &its) == 0);
	k = ctl_now_ms() + (uint64_t)its.it_value.tv_sec * 1000 +
		(uint64_t)its.it_value.tv_nsec / 1000000;
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		CHECK(ctl_timer_next(l) <= ctl_now_ms());	/* already due: it expired */
	else
		CHECK(k + 2 >= ctl_timer_next(l) && k <= ctl_timer_next(l) + 2);

	ctl_timer_init(&g, guard, NULL);
	ctl_timer_arm(l, &g, 30000);
	CHECK_EQ(ctl_loop_run(l), 0);
	CHECK_EQ(flog.fired, flog.expected);
	CHECK_EQ(flog.early, 0);
	CHECK_EQ(flog.out_of_order, 0);
	CHECK_EQ(flog.twice, 0);
	CHECK_EQ(flog.cancelled_fired, 0);
	/* Only the guard is left, and the bookkeeping knows it. */
	CHECK_EQ(ctl_timer_next(l), g.deadline);
	ctl_timers_sync(l);
	CHECK_EQ(ctl_timer_programmed(l), g.deadline);
	ctl_timer_cancel(l, &g);
	ctl_timers_sync(l);
	CHECK_EQ(ctl_timer_programmed(l), UINT64_MAX);
	CHECK(timerfd_gettime(l->tfd, &its) == 0 && its.it_value.tv_sec == 0 &&
	      its.it_value.tv_nsec == 0);
	ctl_loop_free(l);
}

/* A timer that re-arms itself with no delay must not keep others waiting. */
static unsigned int spins, others;

static void
spin(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	(void)arg;
	spins++;
	ctl_timer_arm(l, t, 0);
}

static void
other(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	if (++others == 3)
		ctl_loop_stop(l);
	else
		ctl_timer_arm(l, t, 5);
}

static void
test_zero_delay_rearm(void)
{
	struct ctl_loop *l = ctl_loop_create(NULL);
	struct ctl_timer a, b;

	ctl_timer_init(&a, spin, NULL);
	ctl_timer_init(&b, other, NULL);
	ctl_timer_arm(l, &a, 0);
	ctl_timer_arm(l, &b, 5);
	CHECK_EQ(ctl_loop_run(l), 0);
	CHECK_EQ(others, 3);
	CHECK(spins > 0);
	ctl_loop_free(l);
}

int
main(void)
{
	GW_RUN(test_heap_order);
	GW_RUN(test_heap_random_ops);
	GW_RUN(test_loop_timers);
	GW_RUN(test_zero_delay_rearm);
	return gw_test_result();
}
