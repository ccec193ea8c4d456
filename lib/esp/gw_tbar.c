/* SPDX-License-Identifier: BSD-3-Clause */
/* IP-D3P header (draft-weis-delay-detection-01), see gw_tbar.h. */

#include <string.h>

#include "gw_tbar.h"

#define TBAR_RING_MS ((int64_t)1000 << 32)	/* 2^32 seconds in ms */

void
gw_tbar_write(uint8_t *p, uint8_t next_hdr, uint32_t sec, uint32_t usec)
{
	struct gw_d3p_hdr h = {
		.next_hdr = next_hdr,
		.type = GW_TBAR_TYPE_POSIX_TIME,
		.length = RTE_BE16(GW_TBAR_HDR_LEN),
		.seconds = rte_cpu_to_be_32(sec),
		.usec = rte_cpu_to_be_32(usec),
	};

	memcpy(p, &h, sizeof(h));
}

int64_t
gw_tbar_diff_ms(uint32_t ts_sec, uint32_t ts_usec, uint32_t tr_sec, uint32_t tr_usec)
{
	int64_t ts = (int64_t)ts_sec * 1000 + ts_usec / 1000;
	int64_t tr = (int64_t)tr_sec * 1000 + tr_usec / 1000;
	int64_t d = ts - tr;	/* in (-ring, +ring) */

	if (d > TBAR_RING_MS / 2)
		d -= TBAR_RING_MS;
	else if (d <= -TBAR_RING_MS / 2)
		d += TBAR_RING_MS;
	return d;
}

enum gw_drop
gw_tbar_check(const uint8_t *p, uint32_t len, uint32_t now_sec, uint32_t now_usec,
	      uint32_t half_window_ms, uint8_t *next_hdr)
{
	struct gw_d3p_hdr h;
	uint32_t ts_usec;
	int64_t d;

	if (len < sizeof(h))
		return GW_DROP_TBAR_MISSING;
	memcpy(&h, p, sizeof(h));
	ts_usec = rte_be_to_cpu_32(h.usec);
	if (h.type != GW_TBAR_TYPE_POSIX_TIME ||
	    rte_be_to_cpu_16(h.length) != GW_TBAR_HDR_LEN || ts_usec > 999999)
		return GW_DROP_TBAR_MISSING;
	d = gw_tbar_diff_ms(rte_be_to_cpu_32(h.seconds), ts_usec, now_sec, now_usec);
	if (d < -(int64_t)half_window_ms)
		return GW_DROP_TBAR_TOO_OLD;
	if (d > (int64_t)half_window_ms)
		return GW_DROP_TBAR_TOO_NEW;
	*next_hdr = h.next_hdr;
	return GW_DROP_NONE;
}
