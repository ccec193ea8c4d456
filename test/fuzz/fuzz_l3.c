/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for lib/net wire input: ARP and ND parsers on the raw
 * bytes, and the inline L3 validator (plus TTL decrement and fragment test
 * on what it accepts) on an mbuf laid by hand over a static buffer: no EAL.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "gw_l3.h"
#include "gw_arp.h"
#include "gw_nd.h"

struct fuzz_mbuf {
	struct rte_mbuf m;
	uint8_t priv[GW_META_PRIV_SIZE];
	uint8_t buf[RTE_PKTMBUF_HEADROOM + UINT16_MAX];
} __rte_cache_aligned;

static struct fuzz_mbuf fb;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m = &fb.m;
	struct gw_arp_info arp;
	struct gw_nd_info nd;
	size_t len = size > UINT16_MAX ? UINT16_MAX : size;

	gw_arp_parse_frame(data, size, &arp);
	gw_arp_parse(data, size, &arp);
	gw_nd_parse_frame(data, size, &nd);
	gw_nd_parse(data, size, &nd);

	memset(&fb.m, 0, sizeof(fb.m));
	m->buf_addr = fb.buf;
	m->buf_len = sizeof(fb.buf) > UINT16_MAX ? UINT16_MAX : sizeof(fb.buf);
	m->priv_size = GW_META_PRIV_SIZE;
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->nb_segs = 1;
	m->refcnt = 1;
	/* Exactly len bytes after the headroom, so ASan sees any over-read. */
	m->data_off = (uint16_t)(m->buf_len - len);
	memcpy(fb.buf + m->data_off, data, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	if (gw_l3_parse(m) == GW_DROP_NONE) {
		gw_l3_is_fragment(m);
		gw_l3_ttl_decrement(m);
	}
	return 0;
}
