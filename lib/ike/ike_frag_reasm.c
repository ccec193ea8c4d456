/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly of an IKE message from its SKF fragments (RFC 7383 2.6.2):
 * fragments arrive in any order, duplicates are ignored, a fragment with a
 * larger Total Fragments restarts the reassembly (the sender re-fragmented
 * smaller), one with a smaller total is dropped; the plaintext is bounded by
 * IKE_MAX_MSG and the count by IKE_FRAG_MAX. Fragments are stored in the
 * order they came, their offsets per number.
 */
#include <errno.h>
#include <string.h>

#include "ike_frag.h"

void
ike_reasm_reset(struct ike_reasm *r)
{
	uint32_t timeouts = r->timeouts;

	/* the plaintext goes too: it is the peer's IKE message */
	memset(r, 0, sizeof(*r));
	r->timeouts = timeouts;
}

static void
start(struct ike_reasm *r, uint32_t msgid, uint8_t exch, uint8_t flags, uint16_t total,
      uint64_t now_ms)
{
	ike_reasm_reset(r);
	r->active = true;
	r->msgid = msgid;
	r->exch = exch;
	r->flags = flags;
	r->total = total;
	r->start_ms = now_ms;
}

enum ike_reasm_rc
ike_reasm_add(struct ike_reasm *r, uint32_t msgid, uint8_t exch, uint8_t flags, uint16_t num,
	      uint16_t total, uint8_t next, const uint8_t *plain, uint32_t len, uint64_t now_ms)
{
	if (total == 0 || total > IKE_FRAG_MAX || num == 0 || num > total)
		return IKE_REASM_BAD_NUM;
	if (r->active && now_ms - r->start_ms > IKE_FRAG_TIMEOUT_MS) {
		r->timeouts++;
		ike_reasm_reset(r);
	}
	if (r->active && r->msgid == msgid && (r->exch != exch || r->flags != flags))
		return IKE_REASM_MISMATCH;
	if (r->active && r->msgid == msgid && total < r->total)
		return IKE_REASM_STALE;
	if (!r->active || r->msgid != msgid || total > r->total)
		start(r, msgid, exch, flags, total, now_ms);
	if (r->frag[num].have)
		return IKE_REASM_DUP;
	if (len > sizeof(r->buf) - r->used) {
		ike_reasm_reset(r);
		return IKE_REASM_TOO_BIG;
	}
	memcpy(r->buf + r->used, plain, len);
	r->frag[num].off = (uint16_t)r->used;
	r->frag[num].len = (uint16_t)len;
	r->frag[num].have = true;
	r->used += len;
	if (num == 1)
		r->first = next;
	return ++r->count == r->total ? IKE_REASM_DONE : IKE_REASM_KEPT;
}

int
ike_reasm_take(struct ike_reasm *r, uint8_t *out, uint32_t cap, uint32_t *len, uint8_t *first)
{
	uint32_t pos = 0;

	if (!r->active || r->count != r->total || r->used > cap)
		return -EINVAL;
	for (uint16_t i = 1; i <= r->total; i++) {
		memcpy(out + pos, r->buf + r->frag[i].off, r->frag[i].len);
		pos += r->frag[i].len;
	}
	*len = pos;
	*first = r->first;
	ike_reasm_reset(r);
	return 0;
}

const char *
ike_reasm_rc_name(enum ike_reasm_rc rc)
{
	static const char *const names[] = {
		[IKE_REASM_KEPT] = "kept", [IKE_REASM_DONE] = "complete",
		[IKE_REASM_DUP] = "duplicate", [IKE_REASM_BAD_NUM] = "bad fragment number",
		[IKE_REASM_STALE] = "fewer fragments than stored",
		[IKE_REASM_TOO_BIG] = "message too large",
		[IKE_REASM_MISMATCH] = "exchange or flags differ",
	};

	return (unsigned int)rc < sizeof(names) / sizeof(names[0]) ? names[rc] : "?";
}
