/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The helper thread: expensive work (DH, ECDH, RSA/ECDSA) off the loop
 * thread. The loop thread queues a job under a mutex held only to link or
 * unlink it (the helper never holds it while working); the helper runs the
 * job and posts the job itself back as a mailbox node (its memory was
 * allocated at submit, so the post cannot fail), and the loop thread runs
 * done() and frees it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "ctl_priv.h"

struct ctl_job {
	struct ctl_node node;		/* first: the mailbox node is the job */
	struct ctl_job *next;		/* queue link */
	struct ctl_helper *h;
	ctl_work_fn work;
	ctl_done_fn done;
	void *arg;
	int result;
};

struct ctl_helper {
	struct ctl_loop *loop;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ctl_job *first, *last;	/* queued, not started */
	atomic_bool stopping;
	unsigned int outstanding;	/* loop thread: submitted, done not run yet */
	uint32_t max_jobs;
	int nice;
	char name[16];
};

/* Loop thread: the job came back. */
static void
job_delivered(struct ctl_loop *l, struct ctl_node *n)
{
	struct ctl_job *j = (struct ctl_job *)n;

	j->h->outstanding--;
	j->done(l, j->arg, j->result);
	free(j);
}

static void *
helper_main(void *arg)
{
	struct ctl_helper *h = arg;
	sigset_t all;

	/* Signals are the loop's (signalfd): none may land on this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* Public-key work yields the CPU to the packet and control threads. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), h->nice);
	for (;;) {
		struct ctl_job *j;

		pthread_mutex_lock(&h->lock);
		while (h->first == NULL && !atomic_load(&h->stopping))
			pthread_cond_wait(&h->cond, &h->lock);
		j = h->first;
		if (j == NULL || atomic_load(&h->stopping)) {
			pthread_mutex_unlock(&h->lock);
			break;	/* what is queued is cancelled by ctl_helper_free() */
		}
		h->first = j->next;
		if (h->first == NULL)
			h->last = NULL;
		pthread_mutex_unlock(&h->lock);

		j->result = j->work(j->arg, h);
		ctl_post_node(h->loop, &j->node, job_delivered);
	}
	return NULL;
}

struct ctl_helper *
ctl_helper_create(struct ctl_loop *l, const struct ctl_helper_params *p)
{
	struct ctl_helper_params def = { 0 };
	struct ctl_helper *h = calloc(1, sizeof(*h));
	int rc;

	if (h == NULL)
		return NULL;
	if (p == NULL)
		p = &def;
	h->loop = l;
	h->max_jobs = p->max_jobs != 0 ? p->max_jobs : 1024;
	h->nice = p->nice != 0 ? p->nice : 10;
	snprintf(h->name, sizeof(h->name), "%s", p->name != NULL ? p->name : "ctl-helper");
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	rc = pthread_create(&h->thread, NULL, helper_main, h);
	if (rc != 0) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
		free(h);
		errno = rc;
		return NULL;
	}
	pthread_setname_np(h->thread, h->name);
	return h;
}

int
ctl_helper_submit(struct ctl_helper *h, ctl_work_fn work, ctl_done_fn done, void *arg)
{
	struct ctl_job *j;

	if (atomic_load(&h->stopping))
		return -ESHUTDOWN;
	if (h->outstanding >= h->max_jobs)
		return -ENOBUFS;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return -ENOMEM;
	j->h = h;
	j->work = work;
	j->done = done;
	j->arg = arg;
	h->outstanding++;
	pthread_mutex_lock(&h->lock);
	if (h->last != NULL)
		h->last->next = j;
	else
		h->first = j;
	h->last = j;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

bool
ctl_helper_stopping(const struct ctl_helper *h)
{
	return atomic_load(&h->stopping);
}

unsigned int
ctl_helper_outstanding(const struct ctl_helper *h)
{
	return h->outstanding;
}

void
ctl_helper_free(struct ctl_helper *h)
{
	struct ctl_job *queued;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	atomic_store(&h->stopping, true);
	queued = h->first;
	h->first = h->last = NULL;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	/* The helper is gone: what it posted is in the mailbox, deliver it. */
	ctl_mbox_drain(h->loop);
	while (queued != NULL) {
		struct ctl_job *next = queued->next;

		h->outstanding--;
		queued->done(h->loop, queued->arg, -ECANCELED);
		free(queued);
		queued = next;
	}
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
