/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_TEST_LOOP_H
#define GW_TEST_LOOP_H

/*
 * Drive a control loop (lib/ctl) from a unit test: run it until a condition
 * holds or a deadline passes, the condition asked every `every_ms` from a
 * timer of the loop itself. Optionally a 2 ms ticker records the loop's
 * longest pause (max_gap), for tests of work moved off the loop thread.
 * Used by the two-daemon tests (test/unit/ike/test_ike_pair.c,
 * test_ike_sig.c) and test/unit/gm/test_gm_async.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include "gw_ctl.h"

struct gw_test_loop {
	struct ctl_loop *loop;
	struct ctl_timer tick, ticker;
	bool (*done)(void *arg);
	void *arg;
	uint64_t deadline;		/* ctl_now_ms() at which the run gives up */
	uint64_t last_tick, max_gap;	/* the ticker's, with gaps */
	uint32_t every_ms;
	bool gaps;
};

static inline void
gw_test_loop_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gw_test_loop *tl = arg;

	if (tl->done(tl->arg) || ctl_now_ms() > tl->deadline) {
		ctl_loop_stop(l);
		return;
	}
	ctl_timer_arm(l, t, tl->every_ms);
}

static inline void
gw_test_loop_ticker(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct gw_test_loop *tl = arg;
	uint64_t now = ctl_now_ms();

	if (tl->last_tick != 0 && now - tl->last_tick > tl->max_gap)
		tl->max_gap = now - tl->last_tick;
	tl->last_tick = now;
	ctl_timer_arm(l, t, 2);
}

/* Before the first run: the loop, how often done() is asked, the 2 ms ticker or not. */
static inline void
gw_test_loop_init(struct gw_test_loop *tl, struct ctl_loop *loop, uint32_t every_ms,
		  bool gaps)
{
	tl->loop = loop;
	tl->every_ms = every_ms;
	tl->gaps = gaps;
	ctl_timer_init(&tl->tick, gw_test_loop_tick, tl);
	ctl_timer_init(&tl->ticker, gw_test_loop_ticker, tl);
}

/* Run the loop until done(arg) or `ms` milliseconds have passed (not at all after a
 * set-up that failed before gw_test_loop_init(): the test has its CHECK failure). */
static inline void
gw_test_loop_run(struct gw_test_loop *tl, bool (*done)(void *), void *arg, uint64_t ms)
{
	if (tl->loop == NULL)
		return;
	tl->done = done;
	tl->arg = arg;
	tl->deadline = ctl_now_ms() + ms;
	ctl_timer_arm(tl->loop, &tl->tick, tl->every_ms);
	if (tl->gaps)
		ctl_timer_arm(tl->loop, &tl->ticker, 2);
	ctl_loop_run(tl->loop);
}

/* Before the loop is freed. */
static inline void
gw_test_loop_cancel(struct gw_test_loop *tl)
{
	if (tl->loop == NULL)	/* never initialised (a set-up that failed early) */
		return;
	ctl_timer_cancel(tl->loop, &tl->tick);
	ctl_timer_cancel(tl->loop, &tl->ticker);
}

#endif
