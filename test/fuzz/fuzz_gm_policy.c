/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the group member's decoding of what a key server
 * downloads (lib/gm/gm_policy.c): a decrypted PULL 2 / PULL 4 / PUSH (any
 * message that parses, with either SA TEK identity layout) has each GDOI SA
 * decoded into a policy (SA KEK, GAP, SA TEKs), each KD's key packets matched
 * to it, and every TEK turned into SA parameters in both directions. No EAL.
 * Seeds: test/fuzz/corpus/fuzz_gm_policy (gdoid's messages, test/vectors/gdoi).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gm_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gdoi_msg msg;
static struct gm_policy pol;

static void
decode(void)
{
	struct gm_decode_opts o = { .gap_ids = gdoi_gap_ids_default };
	struct gw_sa_params prm;
	char why[256];
	unsigned int i;

	memset(&pol, 0, sizeof(pol));
	for (i = 0; i < msg.npl; i++)
		if (msg.pl[i].type == GDOI_PL_SA && msg.pl[i].nested == 0 && msg.pl[i].u.sa.gdoi)
			gm_policy_from_sa(&msg, i, &o, &pol, why, sizeof(why));
	for (i = 0; i < msg.npl; i++)
		if (msg.pl[i].type == GDOI_PL_KD && msg.pl[i].nested == 0)
			gm_policy_keys(&msg, &msg.pl[i], &pol, why, sizeof(why));
	for (i = 0; i < pol.nteks; i++) {
		gm_tek_params(&pol.tek[i], GW_SA_INBOUND, &prm, why, sizeof(why));
		gm_tek_params(&pol.tek[i], GW_SA_OUTBOUND, &prm, why, sizeof(why));
		gm_tek_alg_name(&pol.tek[i], why, sizeof(why));
	}
	gm_policy_wipe(&pol);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum gdoi_msg_kind kinds[] = {
		GDOI_MSG_PULL2, GDOI_MSG_PULL4, GDOI_MSG_PUSH, GDOI_MSG_ANY,
	};
	struct gdoi_perr err;

	for (unsigned int k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (unsigned int len1 = 0; len1 < 2; len1++)
			if (gdoi_msg_parse(data, size, kinds[k], GDOI_PARSE_DECRYPTED |
					   (len1 ? GDOI_WIRE_SAT_ID_LEN1 : 0), &msg, &err) == 0)
				decode();
	return 0;
}
