/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_TEST_HOLD_H
#define GW_TEST_HOLD_H

/*
 * A job that holds a lib/ctl helper thread until its flag is set (or the
 * helper stops), so that the jobs a test triggers queue behind it:
 * ctl_helper_submit(h, gw_test_hold_work, gw_test_hold_done, &flag).
 */
#include <stdatomic.h>
#include <unistd.h>

#include "gw_ctl.h"

static inline int
gw_test_hold_work(void *arg, const struct ctl_helper *h)
{
	atomic_int *release = arg;

	while (!atomic_load(release) && !ctl_helper_stopping(h))
		usleep(500);
	return 0;
}

static inline void
gw_test_hold_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	(void)arg;
	(void)result;
}

#endif /* GW_TEST_HOLD_H */
