/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our IKE_AUTH signature (RFC 7296 2.15, RFC 7427) on the control loop's
 * helper thread, like the Diffie-Hellman of ike_async.c: the job holds the
 * octets to sign and its own reference to the private key, never the SA; back
 * on the loop thread the SA is looked up by its index and takes the signature
 * only if it still exists and still waits for it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "gw_log.h"
#include "ike_sa.h"

struct ike_sig_job {
	struct ctl_job_ref ref;		/* on d->jobs; owner NULL once the daemon is gone */
	uint32_t sa_index;
	EVP_PKEY *key;			/* our reference */
	struct ike_sig_choice ch;
	uint8_t *octets;
	size_t octets_len;
	ike_sig_cb cb;			/* NULL: made ahead of need */
	int rc;
	uint8_t sig[IKE_AUTH_SIG_MAX];
	size_t sig_len;
};

static void
sig_job_free(struct ike_sig_job *j)
{
	EVP_PKEY_free(j->key);
	free(j->octets);
	explicit_bzero(j, sizeof(*j));
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
sign_work(void *arg, const struct ctl_helper *h)
{
	struct ike_sig_job *j = arg;

	(void)h;
	j->rc = ike_auth_sign(j->key, &j->ch, j->octets, j->octets_len, j->sig, sizeof(j->sig),
			      &j->sig_len);
	return j->rc;
}

static void
sign_finish(struct ike_sig_job *j, int result)
{
	struct ike_daemon *d = ctl_job_unlink(&j->ref);
	struct ike_sa *sa;

	if (d == NULL) {	/* the daemon went first */
		sig_job_free(j);
		return;
	}
	sa = ike_sa_by_index(d, j->sa_index);
	if (sa == NULL) {
		d->ctr.async_stale++;
		GW_LOG(ike, INFO, "ike-%u: signature done, the SA is gone: result wiped",
		       j->sa_index);
		sig_job_free(j);
		return;
	}
	if (!sa->sig_pending) {	/* the exchange could not wait and signed inline */
		IKE_SA_LOG(DEBUG, sa, "signature back after it was made inline: dropped");
		sig_job_free(j);
		return;
	}
	sa->sig_pending = false;
	if (j->cb != NULL)
		sa->computing = false;
	if (result != 0 && j->rc == 0)
		j->rc = result;
	if (j->rc == 0) {
		memcpy(sa->auth_sig, j->sig, j->sig_len);
		sa->auth_sig_len = j->sig_len;
		sa->auth_sig_ch = j->ch;
	}
	if (j->cb != NULL)
		j->cb(d, sa, j->rc);
	sig_job_free(j);
}

static void
sign_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	sign_finish(arg, result);
}

int
ike_async_sign(struct ike_daemon *d, struct ike_sa *sa, EVP_PKEY *key,
	       const struct ike_sig_choice *ch, uint8_t *octets, size_t octets_len,
	       ike_sig_cb cb)
{
	struct ike_sig_job *j = calloc(1, sizeof(*j));
	int rc = -ENOBUFS;

	if (j == NULL || EVP_PKEY_up_ref(key) != 1) {
		free(j);
		free(octets);
		return -ENOMEM;
	}
	j->sa_index = sa->index;
	j->key = key;
	j->ch = *ch;
	j->octets = octets;
	j->octets_len = octets_len;
	j->cb = cb;
	ctl_job_link(&d->jobs, &j->ref, d);
	sa->auth_sig_len = 0;
	sa->sig_pending = true;
	if (cb != NULL)
		sa->computing = true;
	d->ctr.async_signs++;
	if (d->helper != NULL)
		rc = ctl_helper_submit(d->helper, sign_work, sign_done, j);
	if (rc != 0) {
		/* no helper, or it is full: on this thread */
		if (d->helper != NULL)
			d->ctr.async_inline++;
		sign_finish(j, sign_work(j, NULL));
	}
	return 0;
}
