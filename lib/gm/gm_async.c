/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The member's Main Mode Diffie-Hellman on the control loop's helper
 * thread, like the key server's (lib/gks/gks_async.c): our key pair for
 * message 3 (gm_async_pair) and, at message 4, g^xy from the key server's KE
 * and that pair (gm_async_dh; the job takes the pair and copies the KE).
 * The job never touches the group; back on the loop thread the result goes
 * on only if the group is still there (a group torn down orphans its jobs)
 * and still at that step of that Main Mode (same cookies and state,
 * g->computing; a restart or a fail-over clears it): else it is wiped and
 * counted dh-stale.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gm_priv.h"

struct gm_dh_job {
	struct ctl_job_ref ref;		/* on g->jobs; owner NULL once the group is gone */
	uint8_t icky[GDOI_COOKIE_LEN], rcky[GDOI_COOKIE_LEN];
	enum ike1_state state;		/* the Main Mode step it is for */
	unsigned int group;
	bool pair_only;			/* message 3: our pair, no g^xy */
	struct gdoi_dh *dh;		/* ours, taken from the phase 1 SA or made here */
	uint8_t peer[IKE1_KE_MAX];
	size_t pub_len, secret_len;
	uint8_t shared[IKE1_KE_MAX];
	gm_dh_cb cb;
};

static void
job_free(struct gm_dh_job *j)
{
	gdoi_dh_free(j->dh);
	OPENSSL_cleanse(j, sizeof(*j));
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
dh_work(void *arg, const struct ctl_helper *h)
{
	struct gm_dh_job *j = arg;
	int rc;

	(void)h;
	if (j->pair_only) {
		j->dh = gdoi_dh_new(j->group);
		return j->dh == NULL ? -EIO : 0;
	}
	rc = gdoi_dh_shared(j->dh, j->peer, j->pub_len, j->shared, j->secret_len);
	return rc < 0 ? rc : 0;
}

static void
finish(struct gm_dh_job *j, int result)
{
	struct gm_group *g = ctl_job_unlink(&j->ref);

	if (g == NULL) {	/* the group went first */
		job_free(j);
		return;
	}
	if (!g->computing || g->p1.state != j->state ||
	    memcmp(g->p1.cky_i, j->icky, GDOI_COOKIE_LEN) != 0 ||
	    memcmp(g->p1.cky_r, j->rcky, GDOI_COOKIE_LEN) != 0) {
		g->ctr[GM_C_DH_STALE]++;
		job_free(j);
		return;
	}
	g->computing = false;
	if (j->pair_only) {
		if (result == 0) {	/* the phase 1 SA takes it (ike1_sa_make_ke_nonce) */
			gdoi_dh_free(g->p1.dh);
			g->p1.dh = j->dh;
			j->dh = NULL;
		}
		j->cb(g, result, NULL, 0);
	} else {
		j->cb(g, result, j->shared, j->secret_len);
	}
	job_free(j);
}

static void
dh_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	finish(arg, result);
}

static struct gm_dh_job *
job_new(struct gm_group *g, gm_dh_cb cb)
{
	struct gm_dh_job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	memcpy(j->icky, g->p1.cky_i, GDOI_COOKIE_LEN);
	memcpy(j->rcky, g->p1.cky_r, GDOI_COOKIE_LEN);
	j->state = g->p1.state;
	j->group = g->p1.xf.group;
	j->cb = cb;
	return j;
}

static int
submit(struct gm_group *g, struct gm_dh_job *j)
{
	int rc = -ENOBUFS;

	ctl_job_link(&g->jobs, &j->ref, g);
	g->computing = true;
	g->ctr[GM_C_DH_JOBS]++;
	if (g->m->helper != NULL)
		rc = ctl_helper_submit(g->m->helper, dh_work, dh_done, j);
	if (rc != 0)
		finish(j, dh_work(j, NULL));	/* no helper, or a full one: here */
	return 0;
}

int
gm_async_pair(struct gm_group *g, gm_dh_cb cb)
{
	struct gm_dh_job *j;

	if (!gdoi_dh_group_known(g->p1.xf.group))
		return -ENOTSUP;
	j = job_new(g, cb);
	if (j == NULL)
		return -ENOMEM;
	j->pair_only = true;
	return submit(g, j);
}

int
gm_async_dh(struct gm_group *g, gm_dh_cb cb)
{
	struct ike1_sa *sa = &g->p1;
	struct gm_dh_job *j;

	if (sa->dh == NULL || sa->g_x_len > sizeof(j->peer) ||
	    gdoi_dh_secret_len(sa->xf.group) > sizeof(j->shared))
		return -EINVAL;
	j = job_new(g, cb);
	if (j == NULL)
		return -ENOMEM;
	j->dh = sa->dh;
	sa->dh = NULL;
	memcpy(j->peer, sa->g_xr, sa->g_x_len);
	j->pub_len = sa->g_x_len;
	j->secret_len = gdoi_dh_secret_len(sa->xf.group);
	return submit(g, j);
}
