/* SPDX-License-Identifier: BSD-3-Clause */
/* SIGUSR1: a 2 s public-key load on the helper thread (diag_load.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <openssl/bn.h>

#include "gw_log.h"
#include "diag_load.h"

#define DIAG_LOAD_BITS 3072

/* Helper thread. */
static int
load_work(void *arg, const struct ctl_helper *h)
{
	struct diag_load *d = arg;
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *mod = BN_new(), *base = BN_new(), *exp = BN_new(), *r = BN_new();
	uint64_t t0 = ctl_now_ms(), now = t0;
	int rc = -ENOMEM;

	d->count = 0;
	if (ctx == NULL || mod == NULL || base == NULL || exp == NULL || r == NULL)
		goto out;
	if (!BN_rand(mod, DIAG_LOAD_BITS, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD) ||
	    !BN_rand_range(base, mod) || !BN_rand(exp, DIAG_LOAD_BITS, BN_RAND_TOP_ONE,
						   BN_RAND_BOTTOM_ANY))
		goto out;
	rc = 0;
	while (now - t0 < DIAG_LOAD_MS && !ctl_helper_stopping(h)) {
		if (!BN_mod_exp(r, base, exp, mod, ctx)) {
			rc = -EIO;
			break;
		}
		d->count++;
		now = ctl_now_ms();
	}
	d->ms = now - t0;
out:
	BN_free(r);
	BN_free(exp);
	BN_free(base);
	BN_free(mod);
	BN_CTX_free(ctx);
	return rc;
}

/* Loop thread. */
static void
load_done(struct ctl_loop *l, void *arg, int result)
{
	struct diag_load *d = arg;
	struct ctl_stats st;

	d->running = false;
	if (result != 0) {
		GW_LOG(general, WARNING, "helper load: not run: %s", strerror(-result));
		return;
	}
	ctl_stats_get(l, &st);
	GW_LOG(general, NOTICE, "helper load: %u modular exponentiations (%u-bit) in %" PRIu64
	       " ms on the helper thread; the control loop ran %" PRIu64 " timers meanwhile",
	       d->count, DIAG_LOAD_BITS, d->ms, st.timers_fired - d->timers_before);
}

int
diag_load_start(struct diag_load *d, struct ctl_helper *h, struct ctl_loop *l)
{
	struct ctl_stats st;
	int rc;

	if (d->running)
		return -EBUSY;
	ctl_stats_get(l, &st);
	d->timers_before = st.timers_fired;
	rc = ctl_helper_submit(h, load_work, load_done, d);
	if (rc == 0) {
		d->running = true;
		GW_LOG(general, NOTICE, "helper load: %u ms of %u-bit modular exponentiations "
		       "on the helper thread", DIAG_LOAD_MS, DIAG_LOAD_BITS);
	}
	return rc;
}
