/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/ike's IKEv2 parser: ike_msg_parse and the rule
 * table on the datagram; the same octets as a decrypted inner chain (each
 * first-payload type that occurs in IKEv2); every payload's decoded fields
 * and every name looked up. No EAL, no OpenSSL. Seeds:
 * test/fuzz/corpus/fuzz_ike_msg (IKE messages of a strongSwan exchange with
 * gdoigw, test/netns/test_netns_ike.py, and the unit tests' built messages).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ike_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t sink;
static struct ike_msg msg;

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
