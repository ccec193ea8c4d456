/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Public-key work of the exchanges on the control loop's helper thread
 * (lib/ctl ctl_helper_submit): a Diffie-Hellman key pair and g^ir for an
 * IKE SA. The job copies what it needs (the peer's public value, the
 * caller's context), so the helper never touches an SA; on completion, back
 * on the loop thread, the SA is looked up by its index (never reused), and
 * the exchange continues only if it is still there. An SA deleted meanwhile,
 * or a daemon freed, leaves the result to be wiped and counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

struct ike_job {
	struct ctl_job_ref ref;		/* on d->jobs; owner NULL once the daemon is gone */
	uint32_t sa_index;
	uint16_t group;
	uint8_t peer[IKE_MAX_DH_PUB];
	size_t peer_len;		/* 0: key pair only */
	ike_dh_cb cb;
	bool ahead;			/* made ahead of need: the exchange does not wait */
	struct ike_dh_result r;
};

static void
job_free(struct ike_job *j)
{
	ike_dh_free(j->r.dh);
	explicit_bzero(j, sizeof(*j));
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
dh_work(void *arg, const struct ctl_helper *h)
{
	struct ike_job *j = arg;
	struct ike_dh_result *r = &j->r;

	(void)h;
	if (r->dh == NULL) {
		r->dh = ike_dh_new(j->group);
		if (r->dh == NULL)
			return -EIO;
	}
	r->rc = ike_dh_pub(r->dh, r->pub, sizeof(r->pub), &r->pub_len);
	if (r->rc == 0 && j->peer_len != 0)
		r->rc = ike_dh_derive(r->dh, j->peer, j->peer_len, r->gir, sizeof(r->gir),
				      &r->gir_len);
	return r->rc;
}

struct ike_sa *
ike_sa_by_index(struct ike_daemon *d, uint32_t index)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		if (d->sas[i].used && d->sas[i].index == index)
			return &d->sas[i];
	return NULL;
}

static void
finish(struct ike_job *j, int result)
{
	struct ike_daemon *d = ctl_job_unlink(&j->ref);
	struct ike_sa *sa;

	if (d == NULL) {	/* the daemon went first */
		job_free(j);
		return;
	}
	sa = ike_sa_by_index(d, j->sa_index);
	if (sa == NULL) {
		d->ctr.async_stale++;
		GW_LOG(ike, INFO, "ike-%u: key computation done, the SA is gone: result wiped",
		       j->sa_index);
		job_free(j);
		return;
	}
	if (!j->ahead)
		sa->computing = false;
	if (result != 0 && j->r.rc == 0)
		j->r.rc = result;
	j->cb(d, sa, &j->r);
	job_free(j);
}

static void
dh_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	finish(arg, result);
}

static int
submit(struct ike_daemon *d, struct ike_sa *sa, uint16_t group, struct ike_dh *dh,
       const uint8_t *peer, size_t peer_len, const void *ctx, size_t ctx_len, ike_dh_cb cb,
       bool ahead)
{
	struct ike_job *j;
	int rc = -ENOBUFS;

	if (peer_len > sizeof(j->peer) || ctx_len > sizeof(j->r.ctx))
		return -EMSGSIZE;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return -ENOMEM;
	j->sa_index = sa->index;
	j->group = group;
	j->r.dh = dh;
	j->cb = cb;
	j->ahead = ahead;
	if (peer_len != 0)	/* peer may be NULL: a key pair only */
		memcpy(j->peer, peer, peer_len);
	j->peer_len = peer_len;
	if (ctx_len != 0)	/* ctx may be NULL (C11 7.24.1: even for 0 octets) */
		memcpy(j->r.ctx, ctx, ctx_len);
	ctl_job_link(&d->jobs, &j->ref, d);
	if (!ahead)
		sa->computing = true;
	d->ctr.async_jobs++;
	if (d->helper != NULL)
		rc = ctl_helper_submit(d->helper, dh_work, dh_done, j);
	if (rc != 0) {
		/* no helper, or it is full: on this thread, as before */
		if (d->helper != NULL)
			d->ctr.async_inline++;
		finish(j, dh_work(j, NULL));
	}
	return 0;
}

int
ike_async_dh(struct ike_daemon *d, struct ike_sa *sa, uint16_t group, struct ike_dh *dh,
	     const uint8_t *peer, size_t peer_len, const void *ctx, size_t ctx_len, ike_dh_cb cb)
{
	return submit(d, sa, group, dh, peer, peer_len, ctx, ctx_len, cb, false);
}

int
ike_async_pair_ahead(struct ike_daemon *d, struct ike_sa *sa, uint16_t group, ike_dh_cb cb)
{
	return submit(d, sa, group, NULL, NULL, 0, NULL, 0, cb, true);
}

void
ike_async_fini(struct ike_daemon *d)
{
	/* outstanding jobs finish on the helper, then only free themselves */
	ctl_job_orphan_all(&d->jobs);
}
