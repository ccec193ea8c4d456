/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Anti-replay window (lib/esp/gw_replay.h): table-driven cases for several
 * window sizes, ESN inference across 2^32 (RFC 4303 A2), disabled window,
 * and two threads hammering check/update under the per-SA lock.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <rte_spinlock.h>

#include "gw_test.h"
#include "gw_replay.h"

enum op { CHK, UPD, CHKUPD };

struct step {
	enum op op;
	uint64_t seq;		/* low 32 bits used on the wire */
	int rc;			/* expected */
	uint64_t seq64;		/* expected inferred value for CHK/CHKUPD (0 = seq) */
};

struct replay_case {
	const char *name;
	uint32_t window;
	bool esn;
	uint64_t start_top;	/* pre-seed by updating this number, 0 = none */
	const struct step *steps;
	unsigned int nb_steps;
};

#define STEPS(...) (const struct step[]){ __VA_ARGS__ }, \
	sizeof((const struct step[]){ __VA_ARGS__ }) / sizeof(struct step)

static void
run_case(const struct replay_case *c)
{
	struct gw_replay r;
	unsigned int i;
	uint64_t s64;
	int rc;

	CHECK_EQ(gw_replay_init(&r, c->window, c->esn), 0);
	if (c->start_top != 0)
		CHECK_EQ(gw_replay_update(&r, c->start_top), 0);
	for (i = 0; i < c->nb_steps; i++) {
		const struct step *s = &c->steps[i];
		uint64_t want64 = s->seq64 ? s->seq64 : s->seq;

		s64 = 0;
		switch (s->op) {
		case CHK:
			rc = gw_replay_check(&r, (uint32_t)s->seq, &s64);
			break;
		case UPD:
			rc = gw_replay_update(&r, s->seq);
			s64 = want64;
			break;
		default:
			rc = gw_replay_check(&r, (uint32_t)s->seq, &s64);
			if (rc == 0)
				rc = gw_replay_update(&r, s64);
			break;
		}
		if (rc != s->rc || (rc == 0 && s64 != want64)) {
			fprintf(stderr, "case %s step %u seq %#llx: rc %d (want %d) seq64 %#llx "
				"(want %#llx)\n", c->name, i, (unsigned long long)s->seq, rc,
				s->rc, (unsigned long long)s64, (unsigned long long)want64);
			CHECK(0);
		}
	}
}

static const struct replay_case cases[] = {
	{ "in-order-64", 64, false, 0, STEPS(
		{ CHKUPD, 1, 0, 0 }, { CHKUPD, 2, 0, 0 }, { CHKUPD, 3, 0, 0 },
		{ CHKUPD, 3, -EEXIST, 0 }, { CHKUPD, 1, -EEXIST, 0 }) },
	{ "seq-zero", 64, false, 0, STEPS({ CHK, 0, -ERANGE, 0 }) },
	{ "reorder-64", 64, false, 100, STEPS(
		{ CHKUPD, 99, 0, 0 }, { CHKUPD, 37, 0, 0 }, { CHKUPD, 36, -ERANGE, 0 },
		{ CHKUPD, 37, -EEXIST, 0 }, { CHKUPD, 100, -EEXIST, 0 },
		{ CHKUPD, 101, 0, 0 }, { CHKUPD, 37, -ERANGE, 0 }, { CHKUPD, 38, 0, 0 }) },
	/* 32 is rounded up to 64: 63 behind the top is still inside */
	{ "window-32-rounds-to-64", 32, false, 1000, STEPS(
		{ CHKUPD, 937, 0, 0 }, { CHKUPD, 936, -ERANGE, 0 },
		{ CHKUPD, 968, 0, 0 }) },
	{ "window-1024", 1024, false, 5000, STEPS(
		{ CHKUPD, 3977, 0, 0 }, { CHKUPD, 3976, -ERANGE, 0 },
		{ CHKUPD, 4500, 0, 0 }, { CHKUPD, 4500, -EEXIST, 0 },
		{ CHKUPD, 6000, 0, 0 }, { CHKUPD, 4977, 0, 0 }, { CHKUPD, 4976, -ERANGE, 0 },
		{ CHKUPD, 5000, -EEXIST, 0 }) },
	{ "window-4096", 4096, false, 10000, STEPS(
		{ CHKUPD, 5905, 0, 0 }, { CHKUPD, 5904, -ERANGE, 0 },
		{ CHKUPD, 9999, 0, 0 }, { CHKUPD, 9999, -EEXIST, 0 },
		{ CHKUPD, 14000, 0, 0 }, { CHKUPD, 9999, -EEXIST, 0 },
		{ CHKUPD, 9905, 0, 0 }, { CHKUPD, 9904, -ERANGE, 0 }) },
	/* a jump far beyond the bitmap clears every bucket */
	{ "huge-jump", 64, false, 10, STEPS(
		{ CHKUPD, 5, 0, 0 }, { CHKUPD, 1000000, 0, 0 }, { CHKUPD, 999999, 0, 0 },
		{ CHKUPD, 999937, 0, 0 }, { CHKUPD, 999936, -ERANGE, 0 },
		{ CHKUPD, 1000000, -EEXIST, 0 }, { CHKUPD, 0xffffffff, 0, 0 },
		{ CHKUPD, 0xfffffffe, 0, 0 }, { CHKUPD, 0xffffffff, -EEXIST, 0 }) },
	/* a bucket that wrapped around the ring must read as empty */
	{ "bucket-reuse", 64, false, 64, STEPS(
		{ CHKUPD, 64 + 64 * 2, 0, 0 }, { CHKUPD, 64 + 64 * 2 - 1, 0, 0 },
		{ CHKUPD, 64 + 64 * 2 - 63, 0, 0 }) },
	{ "far-left", 64, false, 1 << 20, STEPS(
		{ CHK, 1, -ERANGE, 0 }, { CHK, (1 << 20) - 64, -ERANGE, 0 },
		{ CHK, (1 << 20) - 63, 0, 0 }) },
	{ "update-rechecks", 64, false, 100, STEPS(
		{ CHK, 50, 0, 0 }, { UPD, 50, 0, 0 }, { UPD, 50, -EEXIST, 0 },
		{ UPD, 200, 0, 0 }, { UPD, 60, -ERANGE, 0 }) },
	/* window 0: no-anti-replay, everything accepted */
	{ "disabled", 0, false, 100, STEPS(
		{ CHKUPD, 100, 0, 0 }, { CHKUPD, 1, 0, 0 }, { CHKUPD, 1, 0, 0 },
		{ CHKUPD, 5000, 0, 0 }, { CHKUPD, 5000, 0, 0 }) },
	/* ESN, RFC 4303 A2.2 case A (Tl >= W-1): window within one subspace */
	{ "esn-case-a", 64, true, 0x500000100ULL, STEPS(
		{ CHK, 0x500000100ULL, -EEXIST, 0 },
		{ CHKUPD, 0x5000000c1ULL, 0, 0 },		/* left edge, same Th */
		{ CHK, 0x5000000c0ULL, 0, 0x6000000c0ULL },	/* below edge: Th+1 */
		{ CHKUPD, 0x500000200ULL, 0, 0 }) },
	/* ESN wrap across 2^32: top at 2^32-2, next packets have low seq 0, 1 */
	{ "esn-wrap", 64, true, 0xfffffffdULL, STEPS(
		{ CHKUPD, 0x100000000ULL, 0, 0 },	/* low 0 -> Th+1 */
		{ CHKUPD, 0x100000001ULL, 0, 0 },
		/* now top = 2^32+1, Tl = 1 < W-1: case B */
		{ CHKUPD, 0xffffffffULL, 0, 0 },	/* late: Th-1 */
		{ CHKUPD, 0xffffffffULL, -EEXIST, 0 },
		{ CHKUPD, 0xfffffffeULL, 0, 0 },
		{ CHKUPD, 0xfffffffdULL, -EEXIST, 0 },
		{ CHK, 0xffffffc2ULL, 0, 0 },		/* left edge, inside */
		{ CHK, 0xffffffc1ULL, 0, 0x1ffffffc1ULL },	/* below: next subspace */
		{ CHKUPD, 0x100000040ULL, 0, 0 }) },
	/* ESN case B at the very start: a huge low number would be Th-1 = -1 */
	{ "esn-start", 64, true, 0, STEPS(
		{ CHK, 0xfffffff0ULL, -ERANGE, 0 }, { CHKUPD, 1, 0, 0 },
		{ CHKUPD, 2, 0, 0 }) },
	/* ESN with anti-replay off still infers Seqh */
	{ "esn-disabled", 0, true, 0x2fffffff0ULL, STEPS(
		{ CHKUPD, 0x300000005ULL, 0, 0x300000005ULL },
		{ CHKUPD, 0x2fffffff0ULL, 0, 0x2fffffff0ULL }) },
	{ "esn-big-window", 4096, true, 0x7fffff800ULL, STEPS(
		{ CHKUPD, 0x800000400ULL, 0, 0x800000400ULL },
		{ CHKUPD, 0x7fffffc00ULL, 0, 0x7fffffc00ULL },
		{ CHK, 0x7fffff401ULL, 0, 0x7fffff401ULL },
		{ CHK, 0x7fffff400ULL, 0, 0x8fffff400ULL }) },
};

static void
test_table(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++)
		run_case(&cases[i]);
}

static void
test_sizes(void)
{
	struct gw_replay r;

	CHECK_EQ(gw_replay_effective(1), 64);
	CHECK_EQ(gw_replay_effective(64), 64);
	CHECK_EQ(gw_replay_effective(65), 128);
	CHECK_EQ(gw_replay_effective(4096), 4096);
	CHECK_EQ(gw_replay_init(&r, 4097, false), -EINVAL);
	CHECK_EQ(gw_replay_init(&r, 4096, false), 0);
	CHECK_EQ(r.bucket_mask + 1, 128);
	CHECK_EQ(gw_replay_init(&r, 64, false), 0);
	CHECK_EQ(r.bucket_mask + 1, 2);
}

/* Every sequence number of a random-order window, each sent exactly once. */
static void
test_random_reorder(void)
{
	static const uint32_t windows[] = { 32, 64, 1024, 4096 };
	unsigned int w, i, accepted;
	struct gw_replay r;
	uint64_t seq, s64;
	uint32_t order[4096];

	srand(7);
	for (w = 0; w < RTE_DIM(windows); w++) {
		uint32_t win = windows[w];

		gw_replay_init(&r, win, false);
		for (i = 0; i < win; i++)
			order[i] = i + 1;
		for (i = win - 1; i > 0; i--) {
			uint32_t j = rand() % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		accepted = 0;
		for (i = 0; i < win; i++) {
			seq = order[i];
			if (gw_replay_check(&r, (uint32_t)seq, &s64) == 0 &&
			    gw_replay_update(&r, s64) == 0)
				accepted++;
		}
		CHECK_EQ(accepted, win);
		for (i = 0; i < win; i++)
			CHECK_EQ(gw_replay_check(&r, order[i], &s64), -EEXIST);
	}
}

/*
 * Two threads receive the same stream (every packet duplicated, reordered
 * differently). They follow the inbound path's pattern: per-SA lock for the
 * check, crypto outside the lock, lock again for the update (which
 * re-checks). No number may be accepted twice, none may be lost.
 */
#define HAMMER_N 200000
static struct gw_replay hammer_r;
static rte_spinlock_t hammer_lock = RTE_SPINLOCK_INITIALIZER;
static _Atomic uint8_t hammer_seen[HAMMER_N + 1];
static _Atomic unsigned int hammer_dups;

static void *
hammer(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	uint64_t seq, s64;
	unsigned int i;
	int rc;

	for (i = 1; i <= HAMMER_N; i++) {
		/* small local reordering, different per thread */
		seq = (id == 0) ? i : ((i % 2) ? i + 1 : i - 1);
		if (seq == 0 || seq > HAMMER_N)
			continue;
		rte_spinlock_lock(&hammer_lock);
		rc = gw_replay_check(&hammer_r, (uint32_t)seq, &s64);
		rte_spinlock_unlock(&hammer_lock);
		if (rc < 0)
			continue;
		/*
		 * "crypto" happens here, outside the lock. With ESN, a number
		 * far left of the window is inferred into the next subspace
		 * (RFC 4303 A2.2) and fails the ICV: model that.
		 */
		if (s64 != seq)
			continue;
		rte_spinlock_lock(&hammer_lock);
		rc = gw_replay_update(&hammer_r, s64);
		rte_spinlock_unlock(&hammer_lock);
		if (rc == 0 && atomic_fetch_add(&hammer_seen[seq], 1) != 0)
			atomic_fetch_add(&hammer_dups, 1);
	}
	return NULL;
}

static void
hammer_run(bool esn)
{
	pthread_t t[2];
	unsigned int i, missing = 0;

	for (i = 0; i <= HAMMER_N; i++)
		atomic_store(&hammer_seen[i], 0);
	atomic_store(&hammer_dups, 0);
	gw_replay_init(&hammer_r, 64, esn);
	pthread_create(&t[0], NULL, hammer, (void *)0);
	pthread_create(&t[1], NULL, hammer, (void *)1);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK_EQ(atomic_load(&hammer_dups), 0);
	for (i = 1; i <= HAMMER_N; i++)
		if (atomic_load(&hammer_seen[i]) == 0)
			missing++;
	/* each thread sends every number (reordered by at most 1): none lost */
	CHECK_EQ(missing, 0);
}

static void
test_two_threads(void)
{
	hammer_run(false);
	hammer_run(true);
}

int
main(void)
{
	GW_RUN(test_sizes);
	GW_RUN(test_table);
	GW_RUN(test_random_reorder);
	GW_RUN(test_two_threads);
	return gw_test_result();
}
