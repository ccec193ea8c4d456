/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/gdoi's attribute lists (RFC 2408 3.3):
 * gdoi_attrs_parse, then the walk, the integer decoder, the KEK and TEK
 * policy decoders, and the GAP decoder with the default and with other D3P
 * attribute numbers (taken from the first four octets of the input). No EAL.
 */

#include <stddef.h>
#include <stdint.h>

#include "gdoi_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdoi_gap_ids ids = gdoi_gap_ids_default;
	struct gdoi_kek_policy kek;
	struct gdoi_tek_policy tek;
	struct gdoi_attrs l;
	struct gdoi_perr err;
	struct gdoi_attr a;
	struct gdoi_gap gap;
	uint32_t pos = 0;
	uint64_t v;

	if (size >= 4) {
		ids.d3p_type = (uint16_t)(data[0] << 8 | data[1]) & 0x7fff;
		ids.d3p_window = (uint16_t)(data[2] << 8 | data[3]) & 0x7fff;
	}
	if (gdoi_attrs_parse(data, size, 0, &l, &err) < 0)
		return 0;
	while (gdoi_attrs_next(&l, &pos, &a))
		if (gdoi_attr_uint(&a, &v) == 0)
			sink += v;
	if (gdoi_gap_decode(&l, &gdoi_gap_ids_default, &gap, &err) == 0)
		sink += gap.d3p_window_ms;
	if (gdoi_gap_decode(&l, &ids, &gap, &err) == 0)
		sink += gap.unknown;
	if (gdoi_kek_decode(&l, &kek, &err) == 0)
		sink += kek.lifetime_s;
	if (gdoi_tek_decode(&l, &tek, &err) == 0)
		sink += tek.life_s;
	if (l.count > 0 && gdoi_attrs_find(&l, 1, &a) == 0)
		sink += a.type;
	return 0;
}
