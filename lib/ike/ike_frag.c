/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE fragmentation (RFC 7383), the daemon's side: IKEV2_FRAGMENTATION_SUPPORTED
 * in IKE_SA_INIT both ways (2.3; the gateway's `fragmentation disable` turns
 * it off); our encrypted messages larger than the gateway's `fragmentation
 * size` (an IP packet's octets, default 576, RFC 7383 2.5.1) sent as SKF
 * fragments once both announced support; the peer's fragments authenticated
 * one by one (ICV first, 2.6.2) and handed to the bounded reassembly of
 * ike_frag_reasm.c. Every refusal has its counter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

#define IP4_UDP_OVERHEAD (20 + 8)	/* what the fragmentation size counts besides IKE */
#define FRAG_SIZE_V4 576		/* RFC 7383 2.5.1 */
#define IP6_UDP_OVERHEAD (40 + 8)	/* IKE over IPv6 */
#define FRAG_SIZE_V6 1280		/* 2.5.1: IPv6's minimum MTU (RFC 8200 5) */

static bool
frag_enabled(const struct ike_sa *sa)
{
	return sa->gw != NULL && !sa->gw->frag_disable;
}

void
ike_frag_init_add(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b)
{
	(void)d;
	if (frag_enabled(sa) && (sa->initiator || sa->frag_peer))
		ike_bld_notify(b, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
}

void
ike_frag_init_peer(struct ike_daemon *d, struct ike_sa *sa)
{
	sa->frag_peer = frag_enabled(sa) &&
			ike_msg_notify(&d->msg, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
}

void
ike_frag_free(struct ike_sa *sa)
{
	if (sa->reasm != NULL)
		explicit_bzero(sa->reasm, sizeof(*sa->reasm));
	free(sa->reasm);
	sa->reasm = NULL;
}

/* A refused fragment: its counter and a log line. */
static int
refuse(struct ike_daemon *d, struct ike_sa *sa, uint64_t *ctr, const char *why, int rc)
{
	const struct ike_msg *m = &d->msg;

	(*ctr)++;
	IKE_SA_LOG(WARNING, sa, "%s message %u fragment %u/%u refused: %s",
		   ike_exch_name(m->hdr.exch), m->hdr.msgid, m->frag_num, m->frag_total, why);
	return rc;
}

int
ike_frag_open(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *buf, uint32_t *plen)
{
	struct ike_msg *m = &d->msg;
	bool from_i = (m->hdr.flags & IKE_FLAG_INITIATOR) != 0;
	enum ike_reasm_rc rrc;
	uint32_t flen, timeouts;
	uint8_t first;
	int rc;

	if (!frag_enabled(sa))
		return refuse(d, sa, &d->ctr.frag_drop_unsupported, "fragmentation disabled",
			      -EPROTO);
	/* RFC 7383 2.6.2: authenticate the fragment before keeping it */
	rc = ike_sk_open(&sa->suite, from_i ? sa->keys.sk_ei : sa->keys.sk_er,
			 from_i ? sa->keys.sk_ai : sa->keys.sk_ar, buf, m, d->plain,
			 sizeof(d->plain), &flen);
	if (rc != 0)
		return refuse(d, sa, &d->ctr.frag_drop_icv, "ICV or padding wrong", rc);
	if (sa->reasm == NULL && (sa->reasm = calloc(1, sizeof(*sa->reasm))) == NULL)
		return -ENOMEM;
	d->ctr.frag_rx++;
	timeouts = sa->reasm->timeouts;
	rrc = ike_reasm_add(sa->reasm, m->hdr.msgid, m->hdr.exch, m->hdr.flags, m->frag_num,
			    m->frag_total, m->sk_first_inner, d->plain, flen, ctl_now_ms());
	d->ctr.frag_timeout += sa->reasm->timeouts - timeouts;
	switch (rrc) {
	case IKE_REASM_KEPT:
		return -EINPROGRESS;
	case IKE_REASM_DUP:	/* a retransmission: nothing to say */
		d->ctr.frag_drop_dup++;
		return -EINPROGRESS;
	case IKE_REASM_BAD_NUM:
		return refuse(d, sa, &d->ctr.frag_drop_num, ike_reasm_rc_name(rrc), -EBADMSG);
	case IKE_REASM_STALE:
		return refuse(d, sa, &d->ctr.frag_drop_stale, ike_reasm_rc_name(rrc), -EBADMSG);
	case IKE_REASM_TOO_BIG:
		return refuse(d, sa, &d->ctr.frag_drop_too_big, ike_reasm_rc_name(rrc), -EBADMSG);
	case IKE_REASM_MISMATCH:
		return refuse(d, sa, &d->ctr.frag_drop_mismatch, ike_reasm_rc_name(rrc), -EBADMSG);
	case IKE_REASM_DONE:
		break;
	}
	rc = ike_reasm_take(sa->reasm, d->plain, sizeof(d->plain), plen, &first);
	if (rc != 0)
		return rc;
	m->sk_first_inner = first;
	d->ctr.frag_reassembled++;
	IKE_SA_LOG(DEBUG, sa, "%s message %u reassembled from %u fragments (%u octets)",
		   ike_exch_name(m->hdr.exch), m->hdr.msgid, m->frag_total, *plen);
	return 0;
}

/* The largest IKE message we send whole: the fragmentation size less IP, UDP, marker. */
static uint32_t
max_whole(const struct ike_daemon *d, const struct ike_sa *sa)
{
	bool v6 = sa->remote.sa.sa_family == AF_INET6;
	uint32_t size = d->frag_size ? d->frag_size : sa->gw->frag_size ? sa->gw->frag_size :
			v6 ? FRAG_SIZE_V6 : FRAG_SIZE_V4;

	return size - (v6 ? IP6_UDP_OVERHEAD : IP4_UDP_OVERHEAD) - (sa->natt ? 4 : 0);
}

/* Our own sealed SK message, decrypted again: its inner chain to cut up. */
static int
reopen_own(struct ike_sa *sa, const uint8_t *msg, uint32_t len, uint8_t *plain, uint32_t *plen)
{
	struct ike_msg *m = malloc(sizeof(*m));
	struct ike_perr err;
	int rc;

	if (m == NULL)
		return -ENOMEM;
	rc = ike_msg_parse(msg, len, m, &err);
	if (rc == 0 && m->sk_index != 0)
		rc = -EINVAL;
	if (rc == 0)
		rc = ike_sk_open(&sa->suite, sa->initiator ? sa->keys.sk_ei : sa->keys.sk_er,
				 sa->initiator ? sa->keys.sk_ai : sa->keys.sk_ar, msg, m, plain,
				 IKE_MAX_MSG, plen);
	free(m);
	return rc;
}

int
ike_frag_split(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
	       uint8_t **train, uint32_t *tlen)
{
	unsigned int klen, iv_len, block, aicv, ik, icv;
	uint32_t whole, room, chunk, plen, n, pos = 0, cap;
	struct ike_hdr hdr;
	struct ike_perr err;
	uint8_t *plain, *out;
	int rc;

	*train = NULL;
	if (!sa->frag_peer || len < IKE_HDR_LEN || msg[16] != IKE_PL_SK ||
	    len <= (whole = max_whole(d, sa)))
		return 0;
	rc = ike_hdr_parse(msg, len, &hdr, &err);
	if (rc == 0)
		rc = ike_encr_sizes(sa->suite.encr, sa->suite.encr_bits, &klen, &iv_len, &block,
				    &aicv);
	if (rc == 0)
		rc = ike_integ_sizes(sa->suite.integ, &ik, &icv);
	if (rc != 0)
		return rc;
	if (aicv != 0)
		icv = aicv;
	/* RFC 7383 2.5: header, SKF header with the two numbers, IV, ICV around each piece */
	if (whole < IKE_HDR_LEN + IKE_PL_HDR_LEN + 4 + iv_len + icv + block + 64)
		return 0;
	room = whole - IKE_HDR_LEN - IKE_PL_HDR_LEN - 4 - iv_len - icv;
	chunk = room / block * block - 1;	/* at least the pad length octet */
	plain = malloc(IKE_MAX_MSG);
	if (plain == NULL)
		return -ENOMEM;
	rc = reopen_own(sa, msg, len, plain, &plen);
	n = rc == 0 ? (plen + chunk - 1) / chunk : 0;
	if (rc == 0 && n > IKE_FRAG_MAX) {
		IKE_SA_LOG(WARNING, sa, "%u octets in %u fragments of %u: above %d, sent whole",
			   plen, n, chunk, IKE_FRAG_MAX);
		n = 0;
	}
	cap = n * whole;
	out = n > 1 ? malloc(cap) : NULL;
	for (uint32_t i = 0; out != NULL && i < n && rc == 0; i++) {
		uint32_t piece = plen - i * chunk < chunk ? plen - i * chunk : chunk, flen;
		const uint8_t *ek = sa->initiator ? sa->keys.sk_ei : sa->keys.sk_er;
		const uint8_t *ak = sa->initiator ? sa->keys.sk_ai : sa->keys.sk_ar;
		uint8_t iv[16];

		rc = ike_random(iv, iv_len);
		if (rc == 0)
			rc = ike_skf_seal(&sa->suite, ek, ak, &hdr, msg[IKE_HDR_LEN],
					  (uint16_t)(i + 1), (uint16_t)n, plain + i * chunk, piece,
					  iv, out + pos, cap - pos, &flen);
		pos += rc == 0 ? flen : 0;
	}
	explicit_bzero(plain, IKE_MAX_MSG);
	free(plain);
	if (out == NULL || rc != 0) {
		free(out);
		return rc;	/* 0: one fragment would do, send it whole */
	}
	d->ctr.frag_tx += n;
	IKE_SA_LOG(DEBUG, sa, "%s message %u (%u octets) sent as %u fragments",
		   ike_exch_name(hdr.exch), hdr.msgid, len, n);
	*train = out;
	*tlen = pos;
	return 0;
}
