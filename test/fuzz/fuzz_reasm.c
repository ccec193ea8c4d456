/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the reassembly input path (lib/frag/gw_reasm.c over
 * rte_ip_frag). The input is a sequence of records, each one packet fed to
 * gw_reasm_input() of a fresh, small table:
 *
 *   ctl(1) ...
 *   ctl bit 7 clear: a well-formed-looking fragment built from 5 bytes
 *     id(1) offset(2, in 8-byte units) length(2): bit 0 IPv6, bit 1 MF,
 *     bits 2-3 source, bit 4 a jump in time beyond the timeout, bit 5 flush
 *   ctl bit 7 set: raw packet, len(2) then len bytes (IPv4 or IPv6 header first)
 *
 * Every packet returned must be one segment whose IP length matches; at the
 * end every mbuf must be back in the pool (no leak, no double free).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "gw_common.h"
#include "gw_reasm.h"

#define POOL_N 2048
#define MAX_REC 256

static struct rte_mempool *pool;
static uint64_t hz;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = {
		(char *)"fuzz_reasm", (char *)"--no-huge", (char *)"-m", (char *)"128",
		(char *)"--no-pci", (char *)"-l", (char *)"0", prefix,
		(char *)"--log-level=lib.eal:error", (char *)"--log-level=user1:error", NULL,
	};

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz-reasm-%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		abort();
	pool = rte_pktmbuf_pool_create("fuzz_reasm", POOL_N, 0, GW_META_PRIV_SIZE,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	hz = rte_get_tsc_hz();
	return 0;
}

static struct rte_mbuf *
mk(const void *b, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	void *d;

	if (m == NULL)
		abort();	/* the tables are bounded: the pool must never run dry */
	d = rte_pktmbuf_append(m, len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(d, b, len);
	memset(gw_meta(m), 0, sizeof(struct gw_meta));
	gw_meta(m)->in_port = 1;
	m->l2_len = 0;
	return m;
}

/* A fragment from the compact description: IP header, then len bytes of payload. */
static uint16_t
build(uint8_t *b, uint8_t ctl, const uint8_t *f)
{
	uint16_t ofs = (uint16_t)((f[1] << 8 | f[2]) & 0x1fff);
	uint16_t len = (uint16_t)(((f[3] << 8) | f[4]) % 1480);
	uint16_t hlen = (ctl & 1) ? 48 : 20, i;

	memset(b, 0, hlen);
	for (i = 0; i < len; i++)
		b[hlen + i] = (uint8_t)(ofs * 8 + i);
	if (!(ctl & 1)) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;

		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + len));
		ip->packet_id = rte_cpu_to_be_16(f[0]);
		ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(ofs | ((ctl & 2) ? 0x2000 : 0)));
		ip->time_to_live = 64;
		ip->next_proto_id = 50;
		ip->src_addr = rte_cpu_to_be_32(0x0a000001 + ((ctl >> 2) & 3));
		ip->dst_addr = RTE_BE32(0x0a000101);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)b;
		struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(ip + 1);

		ip->vtc_flow = RTE_BE32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*fh) + len));
		ip->proto = IPPROTO_FRAGMENT;
		ip->hop_limits = 64;
		ip->src_addr[0] = 0x20;
		ip->src_addr[15] = (uint8_t)((ctl >> 2) & 3);
		ip->dst_addr[0] = 0x20;
		ip->dst_addr[15] = 0x99;
		fh->next_header = 50;
		fh->frag_data = rte_cpu_to_be_16((uint16_t)((ofs << 3) | ((ctl & 2) ? 1 : 0)));
		fh->id = rte_cpu_to_be_32(f[0]);
	}
	return (uint16_t)(hlen + len);
}

static void
check_out(struct rte_mbuf *o)
{
	const uint8_t *p;
	uint32_t iplen;

	if (o->nb_segs != 1 || o->pkt_len != o->data_len)
		abort();
	p = rte_pktmbuf_mtod_offset(o, const uint8_t *, o->l2_len);
	if ((p[0] >> 4) == 4)
		iplen = (uint32_t)(p[2] << 8 | p[3]);
	else
		iplen = 40u + (uint32_t)(p[4] << 8 | p[5]);
	if (iplen > rte_pktmbuf_data_len(o) - o->l2_len)
		abort();
	rte_pktmbuf_free(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t b[2048];
	struct gw_reasm_conf c = {
		.socket_id = SOCKET_ID_ANY, .max_flows = 8, .max_mbufs = 24, .timeout_ms = 2000,
	};
	struct gw_reasm *r = gw_reasm_create(&c);
	uint64_t tsc = hz * 1000;
	size_t pos = 0;
	unsigned int nrec = 0;

	if (r == NULL)
		abort();
	while (pos < size && nrec++ < MAX_REC) {
		uint8_t ctl = data[pos++];
		struct gw_reasm_stats st;
		struct rte_mbuf *m, *o;
		uint64_t done;
		uint16_t len;

		if (ctl & 0x80) {
			if (size - pos < 2)
				break;
			len = (uint16_t)((data[pos] << 8 | data[pos + 1]) % 1600);
			pos += 2;
			if (len > size - pos)
				len = (uint16_t)(size - pos);
			memcpy(b, data + pos, len);
			pos += len;
		} else {
			if (size - pos < 5)
				break;
			len = build(b, ctl, data + pos);
			pos += 5;
			if (ctl & 0x10)
				tsc += hz * 3;
		}
		tsc += 1000;
		m = mk(b, len);
		if (m == NULL)
			continue;
		gw_reasm_get_stats(r, &st);
		done = st.reassembled + st.atomic;
		o = gw_reasm_input(r, m, tsc);
		gw_reasm_get_stats(r, &st);
		if (o != NULL && st.reassembled + st.atomic != done)
			check_out(o);		/* reassembled (or atomic fragment) */
		else if (o != NULL)
			rte_pktmbuf_free(o);	/* not a fragment: returned as is */
		if (!(ctl & 0x80) && (ctl & 0x20))
			gw_reasm_flush_expired(r, tsc);
	}
	gw_reasm_free(r);
	if (rte_mempool_avail_count(pool) != POOL_N)
		abort();	/* a fragment leaked */
	return 0;
}
