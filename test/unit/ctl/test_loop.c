/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ctl loop: the mailbox (producers x messages, each delivered exactly
 * once and in order per producer; a full ring refuses with -ENOBUFS), node
 * posts, signals through signalfd, the helper thread (results back on the
 * loop thread, the loop responsive meanwhile, cancellation at shutdown),
 * fd watchers and loop exit.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "gw_test.h"
#include "gw_ctl.h"

/* ---- mailbox ---- */

#define PRODUCERS 4
#define PER_PRODUCER 200000

struct msg {
	unsigned int producer;
	unsigned int seq;
};

struct mbox_run {
	struct ctl_loop *loop;
	pthread_t loop_thread;
	unsigned int next[PRODUCERS];	/* next seq expected per producer */
	unsigned int got, wrong_thread, out_of_order, retries[PRODUCERS];
};

static void
on_msg(struct ctl_loop *l, void *arg, const void *data, size_t len)
{
	struct mbox_run *r = arg;
	struct msg m;

	CHECK_EQ(len, sizeof(m));
	memcpy(&m, data, sizeof(m));
	r->wrong_thread += !pthread_equal(pthread_self(), r->loop_thread);
	r->out_of_order += m.seq != r->next[m.producer];
	r->next[m.producer] = m.seq + 1;
	if (++r->got == PRODUCERS * PER_PRODUCER)
		ctl_loop_stop(l);
}

struct producer {
	struct mbox_run *r;
	unsigned int id;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;

	for (unsigned int s = 0; s < PER_PRODUCER; s++) {
		struct msg m = { p->id, s };
		int rc;

		while ((rc = ctl_post(p->r->loop, on_msg, p->r, &m, sizeof(m))) == -ENOBUFS) {
			p->r->retries[p->id]++;
			sched_yield();
		}
		CHECK_EQ(rc, 0);
	}
	return NULL;
}

/* Start the producer threads, run the loop until a consumer stops it, join them. */
static void
run_producers(struct mbox_run *r, void *(*fn)(void *))
{
	struct producer p[PRODUCERS];
	pthread_t th[PRODUCERS];

	for (unsigned int i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ r, i };
		pthread_create(&th[i], NULL, fn, &p[i]);
	}
	CHECK_EQ(ctl_loop_run(r->loop), 0);
	for (unsigned int i = 0; i < PRODUCERS; i++)
		pthread_join(th[i], NULL);
}

static void
test_mbox_producers(void)
{
	struct ctl_loop_params prm = { .mbox_size = 256 };	/* small: it fills up */
	struct mbox_run r = { 0 };
	struct ctl_stats st;
	unsigned int retries = 0;

	r.loop = ctl_loop_create(&prm);
	r.loop_thread = pthread_self();
	CHECK(r.loop != NULL);
	run_producers(&r, produce);
	for (unsigned int i = 0; i < PRODUCERS; i++) {
		CHECK_EQ(r.next[i], PER_PRODUCER);
		retries += r.retries[i];
	}
	CHECK_EQ(r.got, PRODUCERS * PER_PRODUCER);
	CHECK_EQ(r.out_of_order, 0);
	CHECK_EQ(r.wrong_thread, 0);
	ctl_stats_get(r.loop, &st);
	CHECK_EQ(st.msgs_posted, PRODUCERS * PER_PRODUCER);
	CHECK_EQ(st.msgs_run, PRODUCERS * PER_PRODUCER);
	CHECK_EQ(st.msgs_full, retries);
	printf("     %u messages, %u refused while full and posted again\n", r.got, retries);
	/* Nothing left over, nothing delivered twice. */
	CHECK_EQ(ctl_mbox_drain(r.loop), 0);
	CHECK_EQ(r.got, PRODUCERS * PER_PRODUCER);
	ctl_loop_free(r.loop);
}

static unsigned int counted;

static void
count_msg(struct ctl_loop *l, void *arg, const void *data, size_t len)
{
	(void)l;
	(void)data;
	CHECK_EQ((uintptr_t)arg, counted);
	CHECK_EQ(len, 0);
	counted++;
}

static void
test_mbox_full(void)
{
	struct ctl_loop_params prm = { .mbox_size = 8 };
	struct ctl_loop *l = ctl_loop_create(&prm);
	unsigned char big[CTL_MSG_DATA + 1] = { 0 };
	struct ctl_stats st;

	CHECK(l != NULL);
	for (uintptr_t i = 0; i < 8; i++)
		CHECK_EQ(ctl_post(l, count_msg, (void *)i, NULL, 0), 0);
	CHECK_EQ(ctl_post(l, count_msg, (void *)99, NULL, 0), -ENOBUFS);
	CHECK_EQ(ctl_post(l, count_msg, NULL, big, sizeof(big)), -EMSGSIZE);
	ctl_stats_get(l, &st);
	CHECK_EQ(st.msgs_full, 1);
	CHECK_EQ(ctl_mbox_drain(l), 8);
	CHECK_EQ(counted, 8);
	CHECK_EQ(ctl_post(l, count_msg, (void *)8, NULL, 0), 0);	/* room again */
	CHECK_EQ(ctl_mbox_drain(l), 1);
	CHECK_EQ(counted, 9);
	CHECK(ctl_loop_create(&(struct ctl_loop_params){ .mbox_size = 6 }) == NULL &&
	      errno == EINVAL);
	ctl_loop_free(l);
}

/* ---- node posts ---- */

#define NODES 50000

struct tnode {
	struct ctl_node node;
	unsigned int producer, seq;
};

static unsigned int node_next[PRODUCERS], node_got, node_bad;

static void
on_node(struct ctl_loop *l, struct ctl_node *n)
{
	struct tnode *t = (struct tnode *)n;

	node_bad += t->seq != node_next[t->producer];
	node_next[t->producer] = t->seq + 1;
	free(t);
	if (++node_got == PRODUCERS * NODES)
		ctl_loop_stop(l);
}

static void *
produce_nodes(void *arg)
{
	struct producer *p = arg;

	for (unsigned int s = 0; s < NODES; s++) {
		struct tnode *t = malloc(sizeof(*t));

		t->producer = p->id;
		t->seq = s;
		ctl_post_node(p->r->loop, &t->node, on_node);
	}
	return NULL;
}

static void
test_mbox_nodes(void)
{
	struct mbox_run r = { 0 };

	r.loop = ctl_loop_create(NULL);
	run_producers(&r, produce_nodes);
	for (unsigned int i = 0; i < PRODUCERS; i++)
		CHECK_EQ(node_next[i], NODES);
	CHECK_EQ(node_got, PRODUCERS * NODES);
	CHECK_EQ(node_bad, 0);
	ctl_loop_free(r.loop);
}

/* ---- signals ---- */

static unsigned int sig_hup, sig_usr1, sig_wrong_thread;
static pthread_t loop_tid;

static void
on_sig(struct ctl_loop *l, int sig, void *arg)
{
	(void)arg;
	sig_wrong_thread += !pthread_equal(pthread_self(), loop_tid);
	if (sig == SIGHUP)
		sig_hup++;
	else if (sig == SIGUSR1)
		sig_usr1++;
	else if (sig == SIGTERM)
		ctl_loop_stop(l);
}

static void *
send_signals(void *arg)
{
	(void)arg;
	usleep(20000);
	kill(getpid(), SIGHUP);		/* process-directed: any thread might take it */
	usleep(20000);
	kill(getpid(), SIGUSR1);
	usleep(20000);
	kill(getpid(), SIGTERM);
	return NULL;
}

static void
test_signals(void)
{
	struct ctl_loop *l = ctl_loop_create(NULL);
	pthread_t th;

	CHECK_EQ(ctl_signal_add(l, SIGHUP, on_sig, NULL), 0);
	CHECK_EQ(ctl_signal_add(l, SIGUSR1, on_sig, NULL), 0);
	CHECK_EQ(ctl_signal_add(l, SIGTERM, on_sig, NULL), 0);
	CHECK_EQ(ctl_signal_add(l, SIGKILL, on_sig, NULL), -EINVAL);
	loop_tid = pthread_self();
	pthread_create(&th, NULL, send_signals, NULL);
	CHECK_EQ(ctl_loop_run(l), 0);
	pthread_join(th, NULL);
	CHECK_EQ(sig_hup, 1);
	CHECK_EQ(sig_usr1, 1);
	CHECK_EQ(sig_wrong_thread, 0);
	ctl_loop_free(l);
}

/* ---- helper thread ---- */

struct job {
	pthread_t ran_on;
	int result;
	unsigned int done_calls;
	bool done_on_loop;
	unsigned int spin_ms;
	bool until_stopped;
};

static int
work(void *arg, const struct ctl_helper *h)
{
	struct job *j = arg;
	uint64_t end = ctl_now_ms() + j->spin_ms;

	j->ran_on = pthread_self();
	while (ctl_now_ms() < end || (j->until_stopped && !ctl_helper_stopping(h)))
		;	/* busy, like a modular exponentiation */
	return 42;
}

static struct ctl_loop *the_loop;

static void
done(struct ctl_loop *l, void *arg, int result)
{
	struct job *j = arg;

	j->result = result;
	j->done_calls++;
	j->done_on_loop = ctl_loop_in_thread(l) && pthread_equal(pthread_self(), loop_tid);
}

static unsigned int ticks, ticks_during;
static struct job busy;

static void
tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	(void)arg;
	ticks++;
	if (busy.done_calls == 0)
		ticks_during++;
	if (busy.done_calls != 0)
		ctl_loop_stop(l);
	else
		ctl_timer_arm(l, t, 10);
}

static void
test_helper_roundtrip(void)
{
	struct ctl_loop *l = ctl_loop_create(NULL);
	struct ctl_helper *h = ctl_helper_create(l, NULL);
	struct job quick = { 0 };
	struct ctl_timer t;

	CHECK(h != NULL);
	the_loop = l;
	loop_tid = pthread_self();
	busy = (struct job){ .spin_ms = 300 };
	CHECK_EQ(ctl_helper_submit(h, work, done, &quick), 0);
	CHECK_EQ(ctl_helper_submit(h, work, done, &busy), 0);
	CHECK_EQ(ctl_helper_outstanding(h), 2);
	ctl_timer_init(&t, tick, NULL);
	ctl_timer_arm(l, &t, 10);
	CHECK_EQ(ctl_loop_run(l), 0);
	CHECK_EQ(quick.done_calls, 1);
	CHECK_EQ(quick.result, 42);
	CHECK(quick.done_on_loop);
	CHECK(!pthread_equal(quick.ran_on, loop_tid));
	CHECK_EQ(busy.done_calls, 1);
	CHECK(busy.done_on_loop);
	/* The loop kept its 10 ms timer going while the helper was busy for 300 ms. */
	printf("     loop ticks during 300 ms of helper work: %u\n", ticks_during);
	CHECK(ticks_during >= 5);
	CHECK_EQ(ctl_helper_outstanding(h), 0);
	ctl_helper_free(h);
	ctl_loop_free(l);
}

static struct ctl_helper *to_free;

static void
free_helper(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	ctl_helper_free(to_free);	/* from the loop thread, while a job runs */
	ctl_loop_stop(l);
}

static void
test_helper_shutdown(void)
{
	struct ctl_helper_params prm = { .max_jobs = 6 };
	struct ctl_loop *l = ctl_loop_create(NULL);
	struct job running = { .until_stopped = true }, queued[5] = { 0 }, extra;
	struct ctl_timer t;

	loop_tid = pthread_self();
	to_free = ctl_helper_create(l, &prm);
	CHECK_EQ(ctl_helper_submit(to_free, work, done, &running), 0);
	for (unsigned int i = 0; i < 5; i++)
		CHECK_EQ(ctl_helper_submit(to_free, work, done, &queued[i]), 0);
	CHECK_EQ(ctl_helper_submit(to_free, work, done, &extra), -ENOBUFS);
	ctl_timer_init(&t, free_helper, NULL);
	ctl_timer_arm(l, &t, 50);
	CHECK_EQ(ctl_loop_run(l), 0);
	/* The running job finished (it saw the stop) and was delivered; the rest cancelled. */
	CHECK_EQ(running.done_calls, 1);
	CHECK_EQ(running.result, 42);
	CHECK(running.done_on_loop);
	for (unsigned int i = 0; i < 5; i++) {
		CHECK_EQ(queued[i].done_calls, 1);
		CHECK_EQ(queued[i].result, -ECANCELED);
		CHECK(queued[i].done_on_loop);
	}
	ctl_loop_free(l);
}

/* ---- fd watchers and loop exit ---- */

static unsigned int reads;

/* arg: where the watcher's own handle is kept. */
static void
on_pipe(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	struct ctl_fd **self = arg;
	char c;

	CHECK(events & EPOLLIN);
	CHECK_EQ(read(fd, &c, 1), 1);
	if (++reads == 3) {
		ctl_fd_del(l, *self);	/* itself, from its own callback */
		ctl_loop_stop(l);
	}
}

static void *
write_three(void *arg)
{
	int fd = *(int *)arg;

	for (int i = 0; i < 3; i++) {
		usleep(10000);
		CHECK_EQ(write(fd, "x", 1), 1);
	}
	return NULL;
}

static void *
stop_later(void *arg)
{
	usleep(50000);
	ctl_loop_stop(arg);
	return NULL;
}

static void
test_fd_and_exit(void)
{
	struct ctl_loop *l = ctl_loop_create(NULL);
	struct ctl_fd *h;
	pthread_t th;
	uint64_t t0;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	h = ctl_fd_add(l, p[0], EPOLLIN, on_pipe, &h);
	CHECK(h != NULL);
	CHECK_EQ(ctl_fd_mod(l, h, EPOLLIN), 0);
	CHECK(ctl_fd_add(l, -1, EPOLLIN, on_pipe, NULL) == NULL && errno == EBADF);
	pthread_create(&th, NULL, write_three, &p[1]);
	CHECK_EQ(ctl_loop_run(l), 0);
	pthread_join(th, NULL);
	CHECK_EQ(reads, 3);
	close(p[0]);
	close(p[1]);
	ctl_loop_free(l);

	/* Loop exit from another thread while it sleeps in epoll_wait. */
	l = ctl_loop_create(NULL);
	t0 = ctl_now_ms();
	pthread_create(&th, NULL, stop_later, l);
	CHECK_EQ(ctl_loop_run(l), 0);
	pthread_join(th, NULL);
	CHECK(ctl_now_ms() - t0 < 5000);
	CHECK(ctl_loop_stopping(l));
	ctl_loop_free(l);
}

int
main(void)
{
	sigset_t sigs;

	/* As gdoigw's main() does: block before any thread exists. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	GW_RUN(test_mbox_full);
	GW_RUN(test_mbox_producers);
	GW_RUN(test_mbox_nodes);
	GW_RUN(test_signals);
	GW_RUN(test_helper_roundtrip);
	GW_RUN(test_helper_shutdown);
	GW_RUN(test_fd_and_exit);
	return gw_test_result();
}
