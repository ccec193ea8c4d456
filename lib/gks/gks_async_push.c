/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The GROUPKEY-PUSH's signature (RFC 6407 4: the SIG over the message, RSA
 * with the group's KEK signing key) and its encryption under the KEK on the
 * control loop's helper thread, one per rekey, like the Main Mode DH of
 * gks_async.c. The rekey commits the group's new state at once
 * (gks_group_rekey_now); the job holds the built message, its digest, a copy
 * of the KEK it goes under and its own reference to the signing key, never
 * the group. Back on the loop thread the PUSH is kept and sent
 * (gks_push_signed) if its group is still there; else the result is wiped
 * and counted (push_stale); a server freed meanwhile (a reload) leaves the
 * job to be freed. The helper runs its jobs in order, so two rekeys in a row
 * go out in order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gw_log.h"
#include "gks_priv.h"

struct gks_push_job {
	struct ctl_job_ref ref;		/* on s->jobs; owner NULL once the server is gone */
	unsigned int gidx;
	char name[GKS_NAME_LEN];
	uint32_t seq;
	EVP_PKEY *key;			/* our reference */
	struct gks_push_draft dr;
	int rc;
	size_t len;
	uint8_t buf[GKS_MSG_MAX];
};

static void
push_job_free(struct gks_push_job *j)
{
	EVP_PKEY_free(j->key);
	OPENSSL_cleanse(j, sizeof(*j));
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
push_work(void *arg, const struct ctl_helper *h)
{
	struct gks_push_job *j = arg;

	(void)h;
	j->rc = gks_push_seal(j->key, &j->dr, j->buf, &j->len);
	return j->rc;
}

static void
push_finish(struct gks_push_job *j, int result)
{
	struct gks_server *s = ctl_job_unlink(&j->ref);
	struct gks_group *g;

	if (s == NULL) {	/* the server went first */
		push_job_free(j);
		return;
	}
	g = j->gidx < s->ngroups && strcmp(s->groups[j->gidx].p.name, j->name) == 0 ?
		&s->groups[j->gidx] : NULL;
	if (g == NULL) {
		s->st.push_stale++;
		GW_LOG(ike, INFO, "gks: group %s: PUSH SEQ %u signed, the group is gone: dropped",
		       j->name, j->seq);
		push_job_free(j);
		return;
	}
	if (result != 0 && j->rc == 0)
		j->rc = result;
	if (j->rc != 0)
		GW_LOG(ike, ERR, "gks: group %s: PUSH SEQ %u not signed: %s", j->name, j->seq,
		       strerror(-j->rc));
	else
		gks_push_signed(g, j->buf, j->len);
	push_job_free(j);
}

static void
push_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	push_finish(arg, result);
}

int
gks_async_push(struct gks_group *g, uint32_t seq, const uint8_t *buf,
	       const struct gks_push_draft *dr)
{
	struct gks_server *s = g->srv;
	struct gks_push_job *j;
	int rc = -ENOBUFS;

	if (dr->cap > sizeof(j->buf) || dr->plain_len > dr->cap)
		return -EMSGSIZE;
	j = calloc(1, sizeof(*j));
	if (j == NULL || EVP_PKEY_up_ref(g->sig_key) != 1) {
		free(j);
		return -ENOMEM;
	}
	j->key = g->sig_key;
	j->gidx = (unsigned int)(g - s->groups);
	snprintf(j->name, sizeof(j->name), "%s", g->p.name);
	j->seq = seq;
	j->dr = *dr;
	memcpy(j->buf, buf, dr->plain_len);
	ctl_job_link(&s->jobs, &j->ref, s);
	s->st.push_signs++;
	if (s->p.helper != NULL)
		rc = ctl_helper_submit(s->p.helper, push_work, push_done, j);
	if (rc != 0)
		push_finish(j, push_work(j, NULL));	/* no helper, or a full one: here */
	return 0;
}
