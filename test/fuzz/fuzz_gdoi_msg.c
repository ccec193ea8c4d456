/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/gdoi's message parser: gdoi_hdr_parse and
 * gdoi_msg_parse (as received, as decrypted, with the RFC 3547 SA TEK
 * identities), then on what parses: every
 * payload rule, every attribute list walked and decoded (KEK, TEK, GAP
 * policies), every name looked
 * up. No EAL. Seeds: test/fuzz/corpus/fuzz_gdoi_msg (gdoi_sample's messages
 * and gdoid's, test/vectors/gdoi).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gdoi_msg.h"
#include "gdoi_names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t sink;

static void
walk(const struct gdoi_attrs *l, enum gdoi_attr_class cls)
{
	struct gdoi_attr a;
	uint32_t pos = 0;
	uint64_t v;

	while (gdoi_attrs_next(l, &pos, &a)) {
		if (gdoi_attr_uint(&a, &v) == 0)
			sink += v;
		sink += a.val.len + strlen(gdoi_attr_name(cls, a.type));
	}
}

static void
walk_msg(const struct gdoi_msg *m)
{
	struct gdoi_kek_policy kek;
	struct gdoi_tek_policy tek;
	struct gdoi_perr err;
	struct gdoi_gap gap;
	unsigned int i, k;

	for (k = 0; k < GDOI_MSG_KIND_MAX; k++)
		sink += gdoi_msg_check_rules(m, k, &err) == 0;
	for (i = 0; i < m->npl; i++) {
		const struct gdoi_pl *pl = &m->pl[i];

		sink += strlen(gdoi_pl_name(pl->type)) + pl->body.len;
		if (pl->type == GDOI_PL_SAK) {
			walk(&pl->u.sak.attrs, GDOI_AC_KEK);
			sink += gdoi_kek_decode(&pl->u.sak.attrs, &kek, &err) == 0;
		} else if (pl->type == GDOI_PL_SAT) {
			walk(&pl->u.sat.attrs, GDOI_AC_IPSEC);
			sink += gdoi_tek_decode(&pl->u.sat.attrs, &tek, &err) == 0;
		}
		else if (pl->type == GDOI_PL_GAP && gdoi_gap_decode(&pl->u.gap,
				&gdoi_gap_ids_default, &gap, &err) == 0)
			sink += gap.atd + gap.d3p_window_ms;
		else if (pl->type == GDOI_PL_NOTIFY)
			sink += strlen(gdoi_notify_name(pl->u.notify.type));
		else if (pl->type == GDOI_PL_ID)
			sink += strlen(gdoi_id_type_name(pl->u.id.type)) + pl->u.id.data.len;
	}
	for (i = 0; i < m->nxf; i++)
		walk(&m->xf[i].attrs, GDOI_AC_IKE);
	for (i = 0; i < m->nkp; i++)
		walk(&m->kp[i].attrs, m->kp[i].type == GDOI_KD_KEK ? GDOI_AC_KD_KEK :
		     GDOI_AC_KD_TEK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gdoi_msg msg;
	struct gdoi_perr err;
	struct gdoi_hdr hdr;

	if (gdoi_hdr_parse(data, size, &hdr, &err) == 0)
		sink += strlen(gdoi_exch_name(hdr.exchange));
	if (gdoi_msg_parse(data, size, GDOI_MSG_ANY, 0, &msg, &err) == 0)
		walk_msg(&msg);
	else
		sink += strlen(gdoi_perr_name(err.code)) + gdoi_perr_notify(err.code);
	if (gdoi_msg_parse(data, size, GDOI_MSG_ANY, GDOI_PARSE_DECRYPTED, &msg, &err) == 0)
		walk_msg(&msg);
	/* the RFC 3547 SA TEK layout of the GDOI reference implementation */
	if (gdoi_msg_parse(data, size, GDOI_MSG_ANY, GDOI_PARSE_DECRYPTED | GDOI_WIRE_SAT_ID_LEN1,
			   &msg, &err) == 0)
		walk_msg(&msg);
	return 0;
}
