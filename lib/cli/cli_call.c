/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session thread -> control thread requests. A request is posted to the
 * control loop's mailbox (its pointer is the message) and the session waits
 * on the request's own condition variable. The request is reference counted
 * (session + control thread): a session that gave up (timeout) or went away
 * leaves it to the control thread to free, so neither side ever touches
 * freed memory. The argument is copied in: nothing of the session's stack
 * is read on the control thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libcli.h>

#include "gw_ctl.h"
#include "cli_priv.h"

struct cli_req {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned int refs;
	bool done;
	int rc;
	cli_ctl_fn fn;
	struct cli_server *srv;
	char *out;
	char *arg;			/* heap copy */
};

static void
req_put(struct cli_req *r)
{
	bool last;

	pthread_mutex_lock(&r->mu);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->mu);
	if (!last)
		return;
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->out);
	free(r->arg);
	free(r);
}

/* Control thread. */
static void
req_run(struct ctl_loop *l __attribute__((unused)), void *arg __attribute__((unused)),
	const void *data, size_t len __attribute__((unused)))
{
	struct cli_req *r;
	size_t out_len = 0;
	char *out = NULL;
	FILE *f;
	int rc;

	memcpy(&r, data, sizeof(r));
	f = open_memstream(&out, &out_len);
	if (f == NULL) {
		rc = -ENOMEM;
	} else {
		rc = r->fn(r->srv, r->arg, f);
		fclose(f);
	}
	pthread_mutex_lock(&r->mu);
	r->rc = rc;
	r->out = out;
	r->done = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	req_put(r);
}

int
cli_call(struct cli_server *s, cli_ctl_fn fn, const char *arg, char **out)
{
	struct cli_req *r = calloc(1, sizeof(*r));
	struct timespec deadline;
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (r == NULL)
		return -ENOMEM;
	r->arg = strdup(arg != NULL ? arg : "");
	if (r->arg == NULL) {
		free(r);
		return -ENOMEM;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	r->fn = fn;
	r->srv = s;
	r->refs = 2;
	if (atomic_load(&s->stopping) ||
	    ctl_post(s->p.loop, req_run, NULL, &r, sizeof(r)) != 0) {
		r->refs = 1;
		req_put(r);
		return -ENOBUFS;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += CLI_CALL_TIMEOUT_S;
	pthread_mutex_lock(&r->mu);
	while (!r->done && rc == 0)
		rc = pthread_cond_timedwait(&r->cv, &r->mu, &deadline);
	if (r->done) {
		rc = r->rc;
		if (out != NULL) {
			*out = r->out;
			r->out = NULL;
		}
	} else {
		rc = -ETIMEDOUT;
	}
	pthread_mutex_unlock(&r->mu);
	req_put(r);
	return rc;
}

void
cli_print_text(struct cli_def *cli, const char *text)
{
	const char *p = text, *nl;

	if (text == NULL)
		return;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL) {
			cli_print(cli, "%s", p);
			break;
		}
		cli_print(cli, "%.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

int
cli_call_print(struct cli_def *cli, cli_ctl_fn fn, const char *arg)
{
	char *out = NULL;
	int rc = cli_call(cli_session_self()->srv, fn, arg, &out);

	cli_print_text(cli, out);
	free(out);
	if (rc == -ENOBUFS || rc == -ETIMEDOUT)
		cli_print(cli, "error: the control thread is busy, try again");
	return CLI_OK;
}
