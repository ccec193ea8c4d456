/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mailbox: other threads run a function on the loop thread.
 *
 * Ring: a bounded multi-producer / single-consumer array of slots, each with
 * a sequence number (slot i is free for the producer that claimed position p
 * when seq == p, holds a message when seq == p + 1, and is free again for
 * position p + size once the consumer stored seq = p + size). Producers claim
 * a position with one compare-and-swap on the tail, copy the message in and
 * publish it with a release store; a full ring refuses the post (-ENOBUFS).
 *
 * Nodes: caller-owned messages pushed on a lock-free list (push = CAS on the
 * head; the consumer takes the whole list with one exchange and reverses it).
 *
 * Wake-up: after publishing, a producer writes the eventfd only if no write
 * is pending (wake_pending 0 -> 1); the consumer clears wake_pending before
 * it drains. The seq_cst fences on both sides make the pair Dekker-safe: a
 * producer that sees the flag still set published before the consumer's
 * drain began, so that drain finds its message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_priv.h"

int
ctl_mbox_init(struct ctl_loop *l, uint32_t size)
{
	if (size == 0)
		size = 4096;
	if ((size & (size - 1)) != 0)
		return -EINVAL;
	l->slots = calloc(size, sizeof(*l->slots));
	if (l->slots == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < size; i++)
		atomic_init(&l->slots[i].seq, i);
	l->mask = size - 1;
	atomic_init(&l->tail, 0);
	l->head = 0;
	atomic_init(&l->nodes, NULL);
	atomic_init(&l->wake_pending, 0);
	return 0;
}

void
ctl_mbox_fini(struct ctl_loop *l)
{
	free(l->slots);
	l->slots = NULL;
}

void
ctl_mbox_wake(struct ctl_loop *l)
{
	uint64_t one = 1;

	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_exchange(&l->wake_pending, 1) == 0) {
		/* Only EAGAIN (counter at its maximum) can fail: the loop is awake anyway. */
		ssize_t n = write(l->efd, &one, sizeof(one));

		(void)n;
	}
}

int
ctl_post(struct ctl_loop *l, ctl_msg_fn fn, void *arg, const void *data, size_t len)
{
	size_t pos = atomic_load_explicit(&l->tail, memory_order_relaxed);
	struct ctl_slot *s;

	if (len > CTL_MSG_DATA)
		return -EMSGSIZE;
	for (;;) {
		size_t seq;
		intptr_t dif;

		s = &l->slots[pos & l->mask];
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		dif = (intptr_t)seq - (intptr_t)pos;
		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&l->tail, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed))
				break;	/* pos is ours */
		} else if (dif < 0) {
			/* The slot still holds the message of the previous lap: full. */
			atomic_fetch_add_explicit(&l->msgs_full, 1, memory_order_relaxed);
			return -ENOBUFS;
		} else {
			pos = atomic_load_explicit(&l->tail, memory_order_relaxed);
		}
	}
	s->fn = fn;
	s->arg = arg;
	s->len = len;
	if (len != 0)
		memcpy(s->data, data, len);
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
	atomic_fetch_add_explicit(&l->msgs_posted, 1, memory_order_relaxed);
	ctl_mbox_wake(l);
	return 0;
}

void
ctl_post_node(struct ctl_loop *l, struct ctl_node *n, ctl_node_fn fn)
{
	struct ctl_node *head = atomic_load_explicit(&l->nodes, memory_order_relaxed);

	n->fn = fn;
	do {
		n->next = head;
	} while (!atomic_compare_exchange_weak_explicit(&l->nodes, &head, n,
							memory_order_release,
							memory_order_relaxed));
	ctl_mbox_wake(l);
}

/* One ring message, copied out first so its slot is free while fn runs. */
static bool
run_one(struct ctl_loop *l)
{
	struct ctl_slot *s = &l->slots[l->head & l->mask];
	unsigned char data[CTL_MSG_DATA];
	ctl_msg_fn fn;
	void *arg;
	size_t len;

	if (atomic_load_explicit(&s->seq, memory_order_acquire) != l->head + 1)
		return false;	/* empty, or its producer has not published yet */
	fn = s->fn;
	arg = s->arg;
	len = s->len;
	memcpy(data, s->data, len);
	atomic_store_explicit(&s->seq, l->head + l->mask + 1, memory_order_release);
	l->head++;
	l->msgs_run++;
	fn(l, arg, data, len);
	return true;
}

static unsigned int
run_nodes(struct ctl_loop *l)
{
	struct ctl_node *n = atomic_exchange_explicit(&l->nodes, NULL, memory_order_acquire);
	struct ctl_node *fifo = NULL;
	unsigned int done = 0;

	while (n != NULL) {	/* pushed last-first: reverse */
		struct ctl_node *next = n->next;

		n->next = fifo;
		fifo = n;
		n = next;
	}
	while (fifo != NULL) {
		struct ctl_node *next = fifo->next;

		l->nodes_run++;
		fifo->fn(l, fifo);	/* may free the node */
		fifo = next;
		done++;
	}
	return done;
}

unsigned int
ctl_mbox_drain(struct ctl_loop *l)
{
	unsigned int done = run_nodes(l);

	/* At most one ring's worth per call: a busy producer cannot hold the loop. */
	for (size_t i = 0; i <= l->mask && run_one(l); i++)
		done++;
	return done;
}

void
ctl_mbox_on_event(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	uint64_t v;
	ssize_t n = read(fd, &v, sizeof(v));

	(void)n;
	(void)events;
	(void)arg;
	atomic_store(&l->wake_pending, 0);
	atomic_thread_fence(memory_order_seq_cst);
	ctl_mbox_drain(l);
	/* Left over (a full ring's worth ran) or a producer mid-publish: come back. */
	if (atomic_load_explicit(&l->slots[l->head & l->mask].seq, memory_order_acquire) ==
	    l->head + 1 || atomic_load_explicit(&l->nodes, memory_order_relaxed) != NULL)
		ctl_mbox_wake(l);
}
