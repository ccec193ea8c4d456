/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIAG_LOAD_H
#define DIAG_LOAD_H

/*
 * SIGUSR1, a diagnostic: 2 s of 3072-bit modular exponentiations (the cost
 * of a MODP-3072 Diffie-Hellman or an RSA-3072 signature) on the control
 * loop's helper thread, then one log line with the count and how often the
 * control loop's timers ran meanwhile. It shows the helper works, what one
 * public-key operation costs on this machine, and that the control and
 * exception paths stay responsive while it runs.
 */

#include <stdbool.h>
#include <stdint.h>

#include "gw_ctl.h"

#define DIAG_LOAD_MS 2000

struct diag_load {
	bool running;
	/* written by the helper, read on the loop thread once its result is back */
	unsigned int count;
	uint64_t ms;
	uint64_t timers_before;
};

/* Loop thread: start a load unless one runs. 0, -EBUSY, or the submit's error. */
int diag_load_start(struct diag_load *d, struct ctl_helper *h, struct ctl_loop *l);

#endif /* DIAG_LOAD_H */
