/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The KE of a CREATE_CHILD_SA (an IKE SA rekey, RFC 7296 1.3.2; a CHILD_SA
 * with PFS, 1.3.1 and 2.17) on the control loop's helper thread, before the
 * message is handled: for the peer's request our key pair of its group and
 * g^ir, for the answer to ours g^ir with our pair. As in ike_async_verify.c
 * the job keeps a copy of the parsed message and of the decrypted octets its
 * views point into; back on the loop thread it puts both back into the
 * daemon and the message is handled again (ike_create_child_msg) with the
 * result at hand (sa->ke_pre): ike_rekey_r.c, ike_rekey_i.c and ike_pfs.c
 * take it through ike_ke_respond() / ike_ke_answer() instead of computing
 * inline, so the exchanges' code stays one path. While the job is out the SA
 * is `computing`: the peer's messages on it are dropped (it sends them
 * again), and for an answer our request is treated as still out (its
 * retransmission timer runs again) so that we start no other exchange. The
 * job never touches the SA; back, the SA is looked up by its index and the
 * message handled only if the SA is still there, established and at that
 * message ID (else the result is wiped, async_stale).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

struct ike_ke_job {
	struct ctl_job_ref ref;		/* on d->jobs; owner NULL once the daemon is gone */
	uint32_t sa_index;
	bool response;			/* the answer to ours: g^ir with our pair */
	bool ike_pair;			/* the pair is sa->dh (IKE SA rekey), else sa->child_dh */
	uint8_t peer[IKE_MAX_DH_PUB];
	size_t peer_len;
	struct ike_ke_pre pre;
	struct ike_msg msg;		/* d->msg, its views into plain */
	uint32_t plain_len;
	uint8_t plain[];		/* d->plain */
};

static void
ke_job_free(struct ike_ke_job *j)
{
	ike_dh_free(j->pre.dh);
	explicit_bzero(j, sizeof(*j) + j->plain_len);
	free(j);
}

/* Helper thread (or the loop thread without a helper): only the job's own memory. */
static int
ke_work(void *arg, const struct ctl_helper *h)
{
	struct ike_ke_job *j = arg;
	struct ike_ke_pre *p = &j->pre;

	(void)h;
	if (p->dh == NULL)
		p->dh = ike_dh_new(p->group);
	p->rc = p->dh == NULL ? -EIO :
		ike_dh_derive(p->dh, j->peer, j->peer_len, p->gir, sizeof(p->gir), &p->gir_len);
	return p->rc;
}

/* The SA still waits for this message: same identity, state and message ID. */
static bool
still_wanted(const struct ike_sa *sa, const struct ike_ke_job *j)
{
	if (sa->state != IKE_ST_ESTABLISHED)
		return false;
	if (j->response)
		return sa->req != NULL && sa->req_msgid == j->msg.hdr.msgid &&
		       sa->req_exch == IKE_EXCH_CREATE_CHILD_SA;
	return sa->peer_msgid == j->msg.hdr.msgid;
}

static void
ke_finish(struct ike_ke_job *j, int result)
{
	struct ike_daemon *d = ctl_job_unlink(&j->ref);
	struct ike_dh **slot;
	struct ike_sa *sa;

	if (d == NULL) {	/* the daemon went first */
		ke_job_free(j);
		return;
	}
	sa = ike_sa_by_index(d, j->sa_index);
	if (sa != NULL)
		sa->computing = false;
	if (sa == NULL || !still_wanted(sa, j)) {
		d->ctr.async_stale++;
		GW_LOG(ike, INFO, "ike-%u: CREATE_CHILD_SA key computed, the %s is gone: "
		       "result wiped", j->sa_index, sa == NULL ? "SA" : "exchange");
		ke_job_free(j);
		return;
	}
	if (result != 0 && j->pre.rc == 0)
		j->pre.rc = result;
	if (j->response) {
		/* our pair goes back where it was: the exchange's code frees it */
		slot = j->ike_pair ? &sa->dh : &sa->child_dh;
		if (*slot == NULL) {
			*slot = j->pre.dh;
			j->pre.dh = NULL;
		}
		ctl_timer_cancel(d->loop, &sa->retrans_timer);	/* answered, as before */
	}
	memcpy(d->plain, j->plain, j->plain_len);
	d->plain_len = j->plain_len;
	d->msg = j->msg;
	sa->ke_pre = &j->pre;
	ike_create_child_msg(d, sa);
	/* the SA may have gone while the message was handled */
	sa = ike_sa_by_index(d, j->sa_index);
	if (sa != NULL)
		sa->ke_pre = NULL;
	ke_job_free(j);
}

static void
ke_done(struct ctl_loop *l, void *arg, int result)
{
	(void)l;
	ke_finish(arg, result);
}

bool
ike_async_ke_first(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *ke = ike_msg_find(m, IKE_PL_KE);
	bool resp = (m->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	bool ike_pair = resp && sa->ike_rekeying;
	struct ike_dh **slot = ike_pair ? &sa->dh : &sa->child_dh;
	struct ike_ke_job *j;
	int rc;

	/* without a helper the exchanges compute inline, as they always did */
	if (d->helper == NULL || ke == NULL || sa->ke_pre != NULL || sa->computing ||
	    !ike_dh_supported(ke->u.ke.group) ||
	    ke->u.ke.data.len != ike_dh_pub_len(ke->u.ke.group))
		return false;
	/* an answer in another group than our KE's is refused without any computation */
	if (resp && (*slot == NULL || ike_dh_group(*slot) != ke->u.ke.group))
		return false;
	j = calloc(1, sizeof(*j) + d->plain_len);
	if (j == NULL)
		return false;	/* inline then */
	memcpy(j->plain, d->plain, d->plain_len);
	j->plain_len = d->plain_len;
	j->msg = d->msg;
	j->sa_index = sa->index;
	j->response = resp;
	j->ike_pair = ike_pair;
	j->pre.group = ke->u.ke.group;
	j->pre.response = resp;
	memcpy(j->peer, ke->u.ke.data.p, ke->u.ke.data.len);
	j->peer_len = ke->u.ke.data.len;
	if (resp) {	/* the job holds our pair meanwhile: nothing else may use it */
		j->pre.dh = *slot;
		*slot = NULL;
	}
	ctl_job_link(&d->jobs, &j->ref, d);
	d->ctr.async_jobs++;
	rc = ctl_helper_submit(d->helper, ke_work, ke_done, j);
	if (rc != 0) {
		/* a full helper: give the pair back and handle the message inline */
		ctl_job_unlink(&j->ref);
		if (resp) {
			*slot = j->pre.dh;
			j->pre.dh = NULL;
		}
		d->ctr.async_jobs--;
		d->ctr.async_inline++;
		ke_job_free(j);
		return false;
	}
	sa->computing = true;
	if (resp)	/* our request counts as out until the answer is handled */
		ctl_timer_arm(d->loop, &sa->retrans_timer, IKE_RETRANS_FIRST_MS);
	return true;
}

int
ike_ke_respond(struct ike_sa *sa, const struct ike_pl *ke, struct ike_dh **dh, uint8_t *gir,
	       size_t cap, size_t *glen)
{
	struct ike_ke_pre *p = sa->ke_pre;
	int rc;

	*dh = NULL;
	if (p != NULL && !p->response && p->group == ke->u.ke.group && p->dh != NULL &&
	    p->gir_len <= cap) {	/* made on the helper for this message */
		if (p->rc != 0)
			return p->rc;
		*dh = p->dh;
		p->dh = NULL;
		memcpy(gir, p->gir, p->gir_len);
		*glen = p->gir_len;
		return 0;
	}
	*dh = ike_dh_new(ke->u.ke.group);
	if (*dh == NULL)
		return -EIO;
	rc = ike_dh_derive(*dh, ke->u.ke.data.p, ke->u.ke.data.len, gir, cap, glen);
	if (rc != 0) {
		ike_dh_free(*dh);
		*dh = NULL;
	}
	return rc;
}

int
ike_ke_answer(struct ike_sa *sa, const struct ike_dh *mine, const struct ike_pl *ke,
	      uint8_t *gir, size_t cap, size_t *glen)
{
	const struct ike_ke_pre *p = sa->ke_pre;

	if (p != NULL && p->response && p->group == ke->u.ke.group &&
	    p->group == ike_dh_group(mine) && p->gir_len <= cap) {
		if (p->rc == 0) {
			memcpy(gir, p->gir, p->gir_len);
			*glen = p->gir_len;
		}
		return p->rc;
	}
	return ike_dh_derive(mine, ke->u.ke.data.p, ke->u.ke.data.len, gir, cap, glen);
}
