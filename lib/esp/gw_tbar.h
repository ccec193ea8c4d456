/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_TBAR_H
#define GW_TBAR_H

/*
 * Time-based anti-replay for group SAs: the IP Delivery Delay Detection
 * header of draft-weis-delay-detection-01 (IP-D3P); lib/esp/README.md.
 *
 * Tunnel mode (draft section 3, figure 5):
 *   outer IP | ESP | D3P | inner IP ... | ESP trailer (next header = D3P) | ICV
 * The D3P header is inside the encrypted part, right after the ESP header
 * and IV. The ESP trailer's next header is the D3P protocol (253 by default,
 * the RFC 3692 experimental number the draft's section 4.1 uses; per SA
 * configurable), the D3P header's next header is 4 or 41.
 *
 * Receiver (draft section 2.3): local time Tr, window W centred on Tr;
 * accepted when Tr - W/2 <= Ts <= Tr + W/2. Both sides are compared in
 * milliseconds (seconds * 1000 + usec / 1000) modulo 2^32 seconds, so the
 * comparison is a wrap-aware signed difference in that ring. W/2 is rounded
 * down. An SA with window 0 does not use D3P: a packet that carries the
 * header anyway is dropped with ESP_BAD_NEXT_HDR (the draft: in tunnel mode
 * an unexpected D3P header MUST be discarded).
 */

#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "gw_stats.h"

#define GW_TBAR_DEFAULT_PROTO 253
#define GW_TBAR_TYPE_POSIX_TIME 1
#define GW_TBAR_HDR_LEN 12

/* draft-weis-delay-detection-01 section 2.1 with the POSIX-TIME timestamp (2.1.1). */
struct gw_d3p_hdr {
	uint8_t next_hdr;	/* 4 or 41 in tunnel mode */
	uint8_t type;		/* 1 = POSIX-TIME */
	rte_be16_t length;	/* 12 */
	rte_be32_t seconds;	/* low 32 bits of tv_sec */
	rte_be32_t usec;	/* 0..999999 */
} __rte_packed;

/* Write the header at p (may be unaligned). */
void gw_tbar_write(uint8_t *p, uint8_t next_hdr, uint32_t sec, uint32_t usec);

/*
 * Check a header at p (bytes available: len) against the local time.
 * half_window_ms = W / 2. Returns GW_DROP_NONE and *next_hdr, or
 * GW_DROP_TBAR_MISSING (too short, wrong type or length, usec out of range),
 * GW_DROP_TBAR_TOO_OLD, GW_DROP_TBAR_TOO_NEW.
 */
enum gw_drop gw_tbar_check(const uint8_t *p, uint32_t len, uint32_t now_sec, uint32_t now_usec,
			   uint32_t half_window_ms, uint8_t *next_hdr);

/*
 * Wrap-aware difference Ts - Tr in milliseconds, in the ring of 2^32 seconds
 * (result in (-2^31 s, +2^31 s]).
 */
int64_t gw_tbar_diff_ms(uint32_t ts_sec, uint32_t ts_usec, uint32_t tr_sec, uint32_t tr_usec);

#endif /* GW_TBAR_H */
