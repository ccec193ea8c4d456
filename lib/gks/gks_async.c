/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key server's Main Mode Diffie-Hellman (message 3 -> 4: our key pair and
 * g^xy) on the control loop's helper thread (lib/ctl ctl_helper_submit), so
 * a crowd of members registering at once after a restart does not hold up
 * the loop. The job copies the peer's KE, never touches the phase 1 state;
 * back on the loop thread the exchange is found again by its cookies, and an
 * exchange dropped meanwhile (setup timeout, a new MM1 with the cookie), or a
 * server freed first, leaves the result to be wiped (counter dh_stale).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gks_priv.h"

struct gks_dh_job {
	struct ctl_job_ref ref;		/* on s->jobs; owner NULL once the server is gone */
	uint8_t icky[GDOI_COOKIE_LEN], rcky[GDOI_COOKIE_LEN];
	unsigned int group;
	size_t pub_len, secret_len;
	uint8_t peer[IKE1_KE_MAX];
	gks_dh_cb cb;
	struct gks_dh_result r;
	size_t rx_len;			/* the message 3 as received (duplicate detection) */
	uint8_t rx[];
};

static void
job_free(struct gks_dh_job *j)
{
	OPENSSL_cleanse(j, sizeof(*j) + j->rx_len);
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
dh_work(void *arg, const struct ctl_helper *h)
{
	struct gks_dh_job *j = arg;
	struct gdoi_dh *dh = gdoi_dh_new(j->group);
	int rc;

	(void)h;
	if (dh == NULL)
		return -EIO;
	rc = gdoi_dh_public(dh, j->r.pub, j->pub_len);
	if (rc == 0)
		rc = gdoi_dh_shared(dh, j->peer, j->pub_len, j->r.shared, j->secret_len);
	gdoi_dh_free(dh);
	return rc < 0 ? rc : 0;
}

static void
finish(struct gks_dh_job *j, int result)
{
	struct gks_server *s = ctl_job_unlink(&j->ref);
	struct gks_p1 *p;

	if (s == NULL) {
		job_free(j);
		return;
	}
	p = gks_p1_find(s, j->icky, j->rcky);
	if (p == NULL || !p->computing) {
		s->st.dh_stale++;
		job_free(j);
		return;
	}
	p->computing = false;
	/* the reply is recorded against the request it answers (gks_reply) */
	memcpy(s->rxcopy, j->rx, j->rx_len);
	s->rxcopy_len = j->rx_len;
	j->r.rc = result;
	j->r.pub_len = j->pub_len;
	j->r.secret_len = j->secret_len;
	j->cb(s, p, &j->r);
	job_free(j);
}

static void
dh_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	finish(arg, result);
}

int
gks_async_dh(struct gks_server *s, struct gks_p1 *p, const uint8_t *peer_ke, gks_dh_cb cb)
{
	struct gks_dh_job *j;
	int rc = -ENOBUFS;

	if (p->sa.g_x_len > sizeof(j->peer))
		return -EMSGSIZE;
	j = calloc(1, sizeof(*j) + s->rxcopy_len);
	if (j == NULL)
		return -ENOMEM;
	j->rx_len = s->rxcopy_len;
	memcpy(j->rx, s->rxcopy, s->rxcopy_len);
	memcpy(j->icky, p->sa.cky_i, GDOI_COOKIE_LEN);
	memcpy(j->rcky, p->sa.cky_r, GDOI_COOKIE_LEN);
	j->group = p->sa.xf.group;
	j->pub_len = p->sa.g_x_len;
	j->secret_len = gdoi_dh_secret_len(p->sa.xf.group);
	memcpy(j->peer, peer_ke, p->sa.g_x_len);
	j->cb = cb;
	ctl_job_link(&s->jobs, &j->ref, s);
	p->computing = true;
	s->st.dh_async++;
	if (s->p.helper != NULL)
		rc = ctl_helper_submit(s->p.helper, dh_work, dh_done, j);
	if (rc != 0)
		finish(j, dh_work(j, NULL));	/* no helper, or a full one: here */
	return 0;
}

void
gks_async_fini(struct gks_server *s)
{
	ctl_job_orphan_all(&s->jobs);
}
