/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_REPLAY_H
#define GW_REPLAY_H

/*
 * Sequence-number anti-replay window for unicast inbound SAs.
 *
 * Bitmap: RFC 6479 ("IPsec Anti-Replay Algorithm without Bit Shifting").
 * The window is a ring of 64-bit buckets; sliding it right clears whole
 * buckets instead of shifting bits. One bucket more than the window needs is
 * kept so that the bucket holding the left edge is never cleared while it is
 * still inside the window (RFC 6479 section 2).
 *
 * Window size: configured 1..4096 packets, **rounded up to a multiple of 64**
 * (the bucket granularity; so 1..64 -> 64, 1000 -> 1024, 4096 -> 4096). The
 * effective size is what gw_replay_window() returns; a sequence number is
 * inside the window when top - seq < window. Size 0 disables the check
 * (no-anti-replay): every sequence number is accepted, but the highest one
 * is still tracked so that ESN high bits can be inferred (RFC 4303 section
 * 3.4.3 requires the inference even without anti-replay).
 *
 * ESN: RFC 4303 Appendix A2. The receiver infers the high 32 bits from the
 * low 32 on the wire and the window (A2.2); gw_replay_check() returns the
 * inferred 64-bit number, which feeds the ICV computation.
 *
 * Usage (RFC 4303 section 3.4.3): gw_replay_check() before decryption (cheap
 * early drop), gw_replay_update() only after the ICV verified. update
 * re-checks, so a check/update pair need not be atomic: two copies of one
 * packet may both pass check, only the first update succeeds.
 *
 * Concurrency: the functions are not thread safe. lib/esp holds a per-SA
 * spinlock across each (burst-wide) call sequence; see README.md.
 */

#include <stdint.h>
#include <stdbool.h>
#include <errno.h>
#include <string.h>

#define GW_REPLAY_BUCKET_BITS 64
#define GW_REPLAY_MAX_WINDOW 4096
/* Buckets: power of two >= window/64 + 1 (RFC 6479 section 2). */
#define GW_REPLAY_MAX_BUCKETS 128
/* Inference width used when anti-replay is off but ESN is on. */
#define GW_REPLAY_ESN_DEFAULT_WINDOW 64

struct gw_replay {
	uint64_t top;		/* highest authenticated sequence number, 0 = none */
	uint32_t window;	/* effective size in packets, 0 = disabled */
	uint32_t esn_window;	/* width used for ESN inference (>= 64) */
	uint32_t bucket_mask;	/* nb_buckets - 1 */
	bool esn;
	uint64_t bmp[GW_REPLAY_MAX_BUCKETS];
};

/* Size of the window that will be enforced for a configured size. */
static inline uint32_t
gw_replay_effective(uint32_t configured)
{
	if (configured == 0)
		return 0;
	return (configured + GW_REPLAY_BUCKET_BITS - 1) &
		~(uint32_t)(GW_REPLAY_BUCKET_BITS - 1);
}

/* 0, or -EINVAL for a window above GW_REPLAY_MAX_WINDOW. */
static inline int
gw_replay_init(struct gw_replay *r, uint32_t window, bool esn)
{
	uint32_t nb = 1, need;

	if (window > GW_REPLAY_MAX_WINDOW)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->window = gw_replay_effective(window);
	r->esn_window = r->window ? r->window : GW_REPLAY_ESN_DEFAULT_WINDOW;
	need = r->esn_window / GW_REPLAY_BUCKET_BITS + 1;
	while (nb < need)
		nb <<= 1;
	r->bucket_mask = nb - 1;
	r->esn = esn;
	return 0;
}

static inline uint32_t
gw_replay_window(const struct gw_replay *r)
{
	return r->window;
}

/*
 * RFC 4303 Appendix A2.2: infer Seqh from Seql, Tl/Th (the top) and W.
 * Returns 0 and the 64-bit number, or -ERANGE when the inference points
 * below sequence number 0 (case B with Th == 0: necessarily a replay).
 */
static inline int
gw_replay_esn_infer(const struct gw_replay *r, uint32_t seql, uint64_t *seq)
{
	uint32_t tl = (uint32_t)r->top;
	uint32_t th = (uint32_t)(r->top >> 32);
	uint32_t w = r->esn_window;
	uint32_t bottom = tl - w + 1;	/* left edge, modulo 2^32 */

	if (tl >= w - 1) {
		/* Case A: the window lies within one sequence-number subspace. */
		if (seql >= bottom)
			*seq = ((uint64_t)th << 32) | seql;
		else
			*seq = ((uint64_t)(th + 1) << 32) | seql;
	} else {
		/* Case B: the window spans two subspaces. */
		if (seql >= bottom) {
			if (th == 0)
				return -ERANGE;
			*seq = ((uint64_t)(th - 1) << 32) | seql;
		} else {
			*seq = ((uint64_t)th << 32) | seql;
		}
	}
	return 0;
}

static inline int
gw_replay_test(const struct gw_replay *r, uint64_t seq)
{
	uint32_t bucket;

	if (seq > r->top)
		return 0;
	if (seq == 0 || r->top - seq >= r->window)
		return -ERANGE;		/* left of the window */
	bucket = (uint32_t)(seq / GW_REPLAY_BUCKET_BITS) & r->bucket_mask;
	if (r->bmp[bucket] & (UINT64_C(1) << (seq % GW_REPLAY_BUCKET_BITS)))
		return -EEXIST;
	return 0;
}

/*
 * Before decryption (RFC 4303 section 3.4.3). seql is the sequence number
 * from the ESP header (host order). *seq receives the full 64-bit number
 * (the high half inferred for ESN, 0 otherwise).
 * Returns 0 (may be new), -EEXIST (already received) or -ERANGE (left of the
 * window, or sequence number 0 which is never sent).
 */
static inline int
gw_replay_check(const struct gw_replay *r, uint32_t seql, uint64_t *seq)
{
	if (r->esn) {
		if (gw_replay_esn_infer(r, seql, seq) < 0)
			return -ERANGE;
	} else {
		*seq = seql;
	}
	if (r->window == 0)
		return 0;
	return gw_replay_test(r, *seq);
}

/*
 * After the ICV verified: re-check (the window may have moved since
 * gw_replay_check) and record seq. Slides the window right when seq is the
 * new top, clearing the buckets it leaves behind (RFC 6479 section 2.2).
 * Returns 0, -EEXIST or -ERANGE like gw_replay_check (nothing recorded then).
 */
static inline int
gw_replay_update(struct gw_replay *r, uint64_t seq)
{
	uint64_t top_bucket, new_bucket, diff, i;
	int rc;

	if (r->window != 0) {
		rc = gw_replay_test(r, seq);
		if (rc < 0)
			return rc;
	}
	if (seq > r->top) {
		top_bucket = r->top / GW_REPLAY_BUCKET_BITS;
		new_bucket = seq / GW_REPLAY_BUCKET_BITS;
		diff = new_bucket - top_bucket;
		if (diff > (uint64_t)r->bucket_mask + 1)
			diff = (uint64_t)r->bucket_mask + 1;
		for (i = 1; i <= diff; i++)
			r->bmp[(top_bucket + i) & r->bucket_mask] = 0;
		r->top = seq;
	}
	if (r->window != 0)
		r->bmp[(seq / GW_REPLAY_BUCKET_BITS) & r->bucket_mask] |=
			UINT64_C(1) << (seq % GW_REPLAY_BUCKET_BITS);
	return 0;
}

#endif /* GW_REPLAY_H */
