/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/ike's IKEv2 parser: ike_msg_parse and the rule
 * table on the datagram; the same octets as a decrypted inner chain (each
 * first-payload type that occurs in IKEv2); every payload's decoded fields
 * and every name looked up; an SKF fragment (RFC 7383) goes on into the
 * reassembly (lib/ike/ike_frag_reasm.c), whose state lives across inputs
 * so that sequences of fragments are explored. No EAL, no OpenSSL. Seeds:
 * test/fuzz/corpus/fuzz_ike_msg (IKE messages of a strongSwan exchange with
 * gdoigw, test/netns/test_netns_ike.py, and the unit tests' built messages).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ike_frag.h"
#include "ike_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t sink;
static struct ike_msg msg;
static struct ike_reasm reasm;
static uint8_t whole[IKE_MAX_MSG];
static uint64_t clock_ms;

/* The fragment's "plaintext" (its encrypted octets: the reassembly does not care). */
static void
reassemble(const struct ike_msg *m)
{
	const struct ike_pl *skf = &m->pl[m->sk_index];
	enum ike_reasm_rc rc;
	uint32_t len;
	uint8_t first;

	clock_ms += m->hdr.msgid & 0x3fff;	/* sometimes past the timeout */
	rc = ike_reasm_add(&reasm, m->hdr.msgid & 3, m->hdr.exch, m->hdr.flags, m->frag_num,
			   m->frag_total, m->sk_first_inner, skf->u.sk.data.p,
			   skf->u.sk.data.len, clock_ms);
	sink += strlen(ike_reasm_rc_name(rc));
	if (rc == IKE_REASM_DONE && ike_reasm_take(&reasm, whole, sizeof(whole), &len,
						   &first) == 0)
		sink += len + first;
}

static void
walk(const struct ike_msg *m)
{
	char buf[256];

	for (uint16_t i = 0; i < m->npl; i++) {
		const struct ike_pl *pl = &m->pl[i];

		sink += pl->body.len + strlen(ike_pl_name(pl->type));
		if (pl->type == IKE_PL_NOTIFY)
			sink += strlen(ike_notify_name(pl->u.notify.type)) + pl->u.notify.data.len;
		if (pl->type == IKE_PL_SA)
			for (uint16_t p = 0; p < pl->u.sa.n; p++) {
				const struct ike_prop *pp = &m->prop[pl->u.sa.first + p];

				sink += strlen(ike_prop_str(&m->xf[pp->first_xf], pp->nxf, buf,
							    sizeof(buf)));
			}
		if (pl->type == IKE_PL_TSI || pl->type == IKE_PL_TSR)
			for (uint16_t t = 0; t < pl->u.ts.n; t++)
				sink += m->ts[pl->u.ts.first + t].eport;
	}
	sink += strlen(ike_exch_name(m->hdr.exch));
	(void)ike_msg_find(m, IKE_PL_SA);
	(void)ike_msg_error_notify(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t firsts[] = { IKE_PL_IDI, IKE_PL_NOTIFY, IKE_PL_SA, IKE_PL_DELETE,
					  0x77 };
	struct ike_perr err;

	if (ike_msg_parse(data, size, &msg, &err) == 0) {
		walk(&msg);
		if (msg.frag_num != 0)
			reassemble(&msg);
		if (ike_msg_check(&msg, &err) == 0)
			sink++;
	}
	sink += strlen(ike_perr_name(err.code)) + ike_perr_notify(err.code);
	for (size_t f = 0; f < sizeof(firsts); f++) {
		memset(&msg, 0, sizeof(msg));
		msg.sk_index = -1;
		msg.hdr.exch = IKE_EXCH_AUTH;
		if (ike_msg_parse_inner(data, size, firsts[f], &msg, &err) == 0) {
			walk(&msg);
			(void)ike_msg_check(&msg, &err);
		}
	}
	return 0;
}
