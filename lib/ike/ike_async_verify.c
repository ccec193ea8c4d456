/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The peer's IKE_AUTH by certificate (RFC 7296 2.15, RFC 7427) checked on the
 * control loop's helper thread: its chain against our anchors and its AUTH
 * signature. The exchange continues on the message it was checking (the
 * CHILD_SA's proposals and selectors), so the job keeps a copy of the parsed
 * message and of the decrypted octets its views point into, and puts both
 * back into the daemon (d->msg, d->plain: the same addresses, so the views
 * hold again) before the exchange goes on. As in ike_async.c the job never
 * touches an SA; the SA is looked up by its index when the job is back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

struct ike_verify_job {
	struct ctl_job_ref ref;		/* on d->jobs; owner NULL once the daemon is gone */
	uint32_t sa_index;
	struct ike_trust *trust;	/* our reference */
	struct ike_peer_auth p;		/* views into plain */
	struct ike_id pid, expected;
	bool has_expected;
	uint8_t *octets;
	ike_peer_cb cb;
	int rc;
	struct ike_cert_status st;
	struct ike_msg msg;		/* d->msg, its views into d->plain */
	uint32_t plain_len;
	uint8_t plain[];		/* d->plain */
};

/* Loop thread: the trust reference is dropped where it was taken. */
static void
verify_job_free(struct ike_verify_job *j)
{
	ike_trust_free(j->trust);
	free(j->octets);
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
verify_work(void *arg, const struct ctl_helper *h)
{
	struct ike_verify_job *j = arg;

	(void)h;
	j->rc = ike_cert_verify_peer(j->trust, &j->p, j->has_expected ? &j->expected : NULL,
				     &j->st);
	return j->rc;
}

static void
verify_finish(struct ike_verify_job *j, int result)
{
	struct ike_daemon *d = ctl_job_unlink(&j->ref);
	struct ike_sa *sa;

	if (d == NULL) {	/* the daemon went first */
		verify_job_free(j);
		return;
	}
	sa = ike_sa_by_index(d, j->sa_index);
	if (sa == NULL) {
		d->ctr.async_stale++;
		GW_LOG(ike, INFO, "ike-%u: peer's certificate checked, the SA is gone: dropped",
		       j->sa_index);
		verify_job_free(j);
		return;
	}
	sa->computing = false;
	if (result != 0 && j->rc == 0) {
		j->rc = result;
		j->st.err = IKE_CERT_E_SIGNATURE;
		j->st.reason[0] = '\0';
	}
	memcpy(d->plain, j->plain, j->plain_len);
	d->plain_len = j->plain_len;
	d->msg = j->msg;
	if (j->rc != 0) {
		ike_count_cert_err(d, j->st.err);
		IKE_SA_LOG(WARNING, sa, "peer %s (id %s) refused: %s",
			   ike_addr_str(&sa->remote), sa->peer_id,
			   j->st.reason[0] != '\0' ? j->st.reason : "not checked");
	}
	j->cb(d, sa, j->rc == 0);
	verify_job_free(j);
}

static void
verify_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	verify_finish(arg, result);
}

/* A view into d->plain, the same place in the job's copy; NULL if it is elsewhere. */
static const uint8_t *
rebase(const struct ike_daemon *d, struct ike_verify_job *j, const uint8_t *p, size_t len)
{
	if (p < d->plain || p + len > d->plain + d->plain_len)
		return NULL;
	return j->plain + (p - d->plain);
}

int
ike_async_verify(struct ike_daemon *d, struct ike_sa *sa, struct ike_trust *t,
		 const struct ike_peer_auth *p, const struct ike_id *expected,
		 uint8_t *octets, ike_peer_cb cb)
{
	struct ike_verify_job *j = calloc(1, sizeof(*j) + d->plain_len);
	int rc = -ENOBUFS;

	if (j == NULL) {
		free(octets);
		return -ENOMEM;
	}
	memcpy(j->plain, d->plain, d->plain_len);
	j->plain_len = d->plain_len;
	j->p = *p;
	j->octets = octets;
	j->p.octets = octets;
	j->pid = *p->id;
	j->p.id = &j->pid;
	j->has_expected = expected != NULL;
	if (expected != NULL)
		j->expected = *expected;
	j->p.auth = rebase(d, j, p->auth, p->auth_len);
	for (unsigned int i = 0; i < p->n_certs; i++)
		j->p.cert[i] = rebase(d, j, p->cert[i], p->cert_len[i]);
	for (unsigned int i = 0; i < p->n_certs && j->p.auth != NULL; i++)
		if (j->p.cert[i] == NULL)
			j->p.auth = NULL;
	if (j->p.auth == NULL) {	/* not views of the decrypted message: a bug */
		verify_job_free(j);
		return -EFAULT;
	}
	j->msg = d->msg;
	j->trust = ike_trust_ref(t);
	j->sa_index = sa->index;
	j->cb = cb;
	ctl_job_link(&d->jobs, &j->ref, d);
	sa->computing = true;
	d->ctr.async_verifies++;
	if (d->helper != NULL)
		rc = ctl_helper_submit(d->helper, verify_work, verify_done, j);
	if (rc != 0) {
		/* no helper, or it is full: on this thread */
		if (d->helper != NULL)
			d->ctr.async_inline++;
		verify_finish(j, verify_work(j, NULL));
	}
	return 0;
}
