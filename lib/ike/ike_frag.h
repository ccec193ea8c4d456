/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_FRAG_H
#define IKE_FRAG_H

/*
 * IKE fragmentation (RFC 7383): the reassembly of one message from its SKF
 * fragments, bounded (IKE_FRAG_MAX fragments, IKE_MAX_MSG octets of
 * plaintext, a timeout). Plain C11, no OpenSSL: the caller has checked each
 * fragment's ICV and decrypted it before handing it over (2.6.2: a fragment
 * is kept only once it is authenticated). The daemon's side (announcing
 * support, fragmenting what we send, feeding this) is ike_frag.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ike_msg.h"

#define IKE_FRAG_TIMEOUT_MS 30000	/* a message not complete by then is dropped */

/* What ike_reasm_add did with a fragment. */
enum ike_reasm_rc {
	IKE_REASM_KEPT = 0,		/* stored, more to come */
	IKE_REASM_DONE,			/* the message is complete: ike_reasm_take */
	IKE_REASM_DUP,			/* that fragment number is already stored: ignored */
	IKE_REASM_BAD_NUM,		/* number 0 or above total, total 0 or above the cap */
	IKE_REASM_STALE,		/* fewer fragments than the stored ones (2.6.2): dropped */
	IKE_REASM_TOO_BIG,		/* the plaintext would exceed IKE_MAX_MSG: all dropped */
	IKE_REASM_MISMATCH,		/* another exchange / flags for the same message ID */
};

struct ike_reasm {
	bool active;
	uint32_t msgid;
	uint8_t exch, flags;
	uint8_t first;			/* fragment 1's next payload: the first inner one */
	uint16_t total, count;
	uint32_t used;			/* octets of buf in use */
	uint64_t start_ms;
	uint32_t timeouts;		/* incomplete messages dropped (the caller counts them) */
	struct { uint16_t off, len; bool have; } frag[IKE_FRAG_MAX + 1];
	uint8_t buf[IKE_MAX_MSG];
};

void ike_reasm_reset(struct ike_reasm *r);
/*
 * Keep the plaintext of fragment `num` of `total` of message msgid (exch and
 * flags as in its header; `next` its SKF next-payload). A fragment of
 * another message ID, or with more fragments (2.6.2: the sender's fragments
 * shrank), or arriving after IKE_FRAG_TIMEOUT_MS, starts over.
 */
enum ike_reasm_rc ike_reasm_add(struct ike_reasm *r, uint32_t msgid, uint8_t exch, uint8_t flags,
				uint16_t num, uint16_t total, uint8_t next, const uint8_t *plain,
				uint32_t len, uint64_t now_ms);
/* After IKE_REASM_DONE: the plaintext in order into out (cap octets); the state resets. */
int ike_reasm_take(struct ike_reasm *r, uint8_t *out, uint32_t cap, uint32_t *len,
		   uint8_t *first);
const char *ike_reasm_rc_name(enum ike_reasm_rc rc);

#endif /* IKE_FRAG_H */
