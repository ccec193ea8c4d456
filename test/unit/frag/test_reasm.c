/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reassembly of ESP fragments: scapy fragment()/fragment6() output in
 * order, reversed and shuffled gives back the exact original; overlapping,
 * duplicate, missing and too many fragments; a flood of 10,000 incomplete
 * datagrams stays within the bounds and is counted; pool accounting.
 * argv[1]: the folder of frag_check.py.
 */

#include <stdlib.h>
#include <rte_cycles.h>

#include "gw_test.h"
#include "frag_test.h"
#include "gw_reasm.h"
#include "gw_stats.h"

#define POOL_N 16384
#define PORT 4

static const char *srcdir = ".";
static char tmpdir[64];
static struct rte_mempool *mp;	/* 2 KB buffers, like a NIC pool */
static struct rte_mempool *big;	/* 9 KB buffers for linearized copies */
static uint8_t ref[65536];
static uint64_t hz;

static uint64_t
drops(void)
{
	return gw_counters[rte_lcore_id()].port[PORT].drops[GW_DROP_ESP_FRAG_REASSEMBLY];
}

/* The port's books on fragments (lib/stats): merged into a packet, held now. */
static uint64_t
consumed(void)
{
	return gw_counters[rte_lcore_id()].port[PORT].reasm_consumed;
}

static uint64_t
held(void)
{
	return gw_counters[rte_lcore_id()].port[PORT].reasm_held;
}

static struct gw_reasm *
mk(uint32_t flows, uint32_t mbufs, struct rte_mempool *pool)
{
	struct gw_reasm_conf c = {
		.socket_id = SOCKET_ID_ANY, .max_flows = flows, .max_mbufs = mbufs,
		.timeout_ms = 2000, .pool = pool,
	};

	return gw_reasm_create(&c);
}

/* IPv4 fragment [ofs, ofs + len) of the datagram whose payload is ref[]. */
static struct rte_mbuf *
frag4(uint32_t src, uint16_t id, uint16_t ofs, uint16_t len, bool mf, uint8_t proto)
{
	uint8_t b[2048];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)b;
	struct rte_mbuf *m;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + len));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = rte_cpu_to_be_16((uint16_t)((ofs / 8) | (mf ? 0x2000 : 0)));
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = RTE_BE32(0xcb007109);
	/* past the end of ref[] (fragments "beyond 65535"), the payload is zeros */
	memset(b + 20, 0, len);
	memcpy(b + 20, ref + ofs, RTE_MIN((size_t)len, sizeof(ref) - ofs));	/* ofs < 65536 */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = ft_mbuf(mp, b, (uint16_t)(20 + len), 0);
	if (m != NULL)
		gw_meta(m)->in_port = PORT;
	return m;
}

/* Reassembled IPv4 packet: header fields and payload == ref[0, len). */
static void
check4(struct rte_mbuf *m, uint16_t id, uint16_t len)
{
	const struct rte_ipv4_hdr *ip;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	CHECK_EQ(m->nb_segs, 1);
	CHECK_EQ(m->l3_len, 20);
	CHECK_EQ(rte_pktmbuf_data_len(m), 20 + len);
	CHECK_EQ(rte_be_to_cpu_16(ip->total_length), 20 + len);
	CHECK_EQ(rte_be_to_cpu_16(ip->packet_id), id);
	CHECK_EQ(ip->fragment_offset, 0);
	CHECK_EQ(rte_raw_cksum(ip, 20), 0xffff);
	CHECK_EQ(gw_meta(m)->in_port, PORT);
	CHECK_MEM(ip + 1, ref, len);
	rte_pktmbuf_free(m);
}

/* Feed the scapy-made fragments of each datagram in three orders. */
static void
run_scapy(const char *fam, int v6)
{
	static uint8_t origs[8][9216];
	static uint32_t olen[8];
	static struct rte_mbuf *frags[64];
	static uint8_t fb[64][2048];
	static uint32_t flen[64];
	struct gw_reasm *r = mk(64, 0, big);
	int counts[8] = { 0 }, nd = 0, nf = 0, d, order;
	char args[256], path[160];
	unsigned int before = rte_mempool_avail_count(mp);
	uint64_t c0 = consumed(), h0 = held();
	FILE *f;

	snprintf(args, sizeof(args), "gen%s %s", fam, tmpdir);
	CHECK_EQ(ft_scapy(srcdir, args), 0);
	snprintf(path, sizeof(path), "%s/gen%s_counts.txt", tmpdir, fam);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f == NULL || r == NULL)
		return;
	while (nd < 8 && fscanf(f, "%d", &counts[nd]) == 1)
		nd++;
	fclose(f);
	snprintf(path, sizeof(path), "%s/gen%s_orig.pcap", tmpdir, fam);
	f = ft_pcap_in(path);
	for (d = 0; f != NULL && d < nd; d++)
		olen[d] = ft_pcap_read(f, origs[d], sizeof(origs[d]));
	if (f != NULL)
		fclose(f);
	snprintf(path, sizeof(path), "%s/gen%s_frags.pcap", tmpdir, fam);
	f = ft_pcap_in(path);
	while (f != NULL && nf < 64 && (flen[nf] = ft_pcap_read(f, fb[nf], 2048)) != 0)
		nf++;
	if (f != NULL)
		fclose(f);
	CHECK(nd > 0 && nf > nd);

	for (order = 0; order < 3; order++) {
		int base = 0;

		for (d = 0; d < nd; d++) {
			struct rte_mbuf *out = NULL;
			int k, got = 0;

			for (k = 0; k < counts[d]; k++) {
				int half = (counts[d] + 1) / 2;
				/* in order, reversed, even-numbered ones then odd ones */
				int j = base + (order == 0 ? k : order == 1 ? counts[d] - 1 - k :
					k < half ? 2 * k : 2 * (k - half) + 1);

				frags[k] = ft_mbuf(mp, fb[j], (uint16_t)flen[j], 14);
				gw_meta(frags[k])->in_port = PORT;
				gw_meta(frags[k])->flow_hash = (uint32_t)j;
			}
			for (k = 0; k < counts[d]; k++) {
				struct rte_mbuf *o = gw_reasm_input(r, frags[k], 1000);

				if (o != NULL) {
					out = o;
					got++;
				}
			}
			CHECK_EQ(got, 1);
			if (out == NULL)
				continue;
			CHECK_EQ(out->nb_segs, 1);
			CHECK_EQ(out->l2_len, 14);
			CHECK_EQ(out->l3_len, v6 ? 40 : 20);
			CHECK_EQ(rte_pktmbuf_data_len(out), olen[d]);
			if (rte_pktmbuf_data_len(out) == olen[d])
				CHECK_MEM(rte_pktmbuf_mtod_offset(out, uint8_t *, 14),
					  origs[d] + 14, olen[d] - 14);
			rte_pktmbuf_free(out);
			base += counts[d];
		}
	}
	{
		struct gw_reasm_stats st;

		gw_reasm_get_stats(r, &st);
		CHECK_EQ(st.reassembled, 3 * nd);
		CHECK_EQ(st.held, 0);
		/* every fragment but the first of each datagram, in each of 3 orders */
		CHECK_EQ(consumed() - c0, 3 * (uint64_t)(nf - nd));
		CHECK_EQ(held(), h0);
		CHECK_EQ(st.drop_table + st.drop_invalid + st.drop_linearize, 0);
	}
	gw_reasm_free(r);
	CHECK_EQ(rte_mempool_avail_count(mp), before);
}

static void
test_scapy_v4(void)
{
	run_scapy("4", 0);
}

static void
test_scapy_v6(void)
{
	run_scapy("6", 1);
}

/* In order, reverse; small first-fragment pool forces the copy path. */
static void
test_orders_and_copy(void)
{
	struct gw_reasm *r = mk(16, 0, big), *r2 = mk(16, 0, NULL);
	struct rte_mbuf *o;
	struct gw_reasm_stats st;
	uint64_t d0 = drops(), c0 = consumed(), h0 = held();

	CHECK(r != NULL && r2 != NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000001, 1, 0, 1480, true, 50), 10) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000001, 1, 1480, 1480, true, 50), 10) == NULL);
	o = gw_reasm_input(r, frag4(0x0a000001, 1, 2960, 100, false, 50), 10);
	check4(o, 1, 3060);
	CHECK(gw_reasm_input(r, frag4(0x0a000001, 2, 2960, 100, false, 50), 10) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000001, 2, 1480, 1480, true, 50), 10) == NULL);
	o = gw_reasm_input(r, frag4(0x0a000001, 2, 0, 1480, true, 50), 10);
	check4(o, 2, 3060);
	/* Fits in place (tailroom of the first fragment). */
	CHECK(gw_reasm_input(r2, frag4(0x0a000001, 3, 0, 200, true, 50), 10) == NULL);
	o = gw_reasm_input(r2, frag4(0x0a000001, 3, 200, 200, false, 50), 10);
	check4(o, 3, 400);
	/* 3060 bytes do not fit a 2 KB buffer and r2 has no big pool: dropped, counted. */
	CHECK(gw_reasm_input(r2, frag4(0x0a000001, 4, 0, 1480, true, 50), 10) == NULL);
	CHECK(gw_reasm_input(r2, frag4(0x0a000001, 4, 1480, 1480, true, 50), 10) == NULL);
	CHECK(gw_reasm_input(r2, frag4(0x0a000001, 4, 2960, 100, false, 50), 10) == NULL);
	gw_reasm_get_stats(r2, &st);
	CHECK_EQ(st.drop_linearize, 3);
	CHECK_EQ(drops() - d0, 3);
	/* 2 + 2 + 1 merged; the 3 that could not be linearized are drops, not merged */
	CHECK_EQ(consumed() - c0, 5);
	CHECK_EQ(held(), h0);
	gw_reasm_free(r);
	gw_reasm_free(r2);
}

/* Overlaps, duplicates, holes: the datagram dies, every fragment counted, no leak. */
static void
test_bad_sets(void)
{
	struct gw_reasm *r = mk(16, 0, big);
	unsigned int before = rte_mempool_avail_count(mp);
	struct gw_reasm_stats st;
	uint64_t d0 = drops();
	int i;

	/* Overlap, sizes add up to more than the total. */
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 10, 0, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 10, 400, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 10, 1200, 400, false, 50), 1) == NULL);
	/* Overlap whose sizes add up exactly, leaving a hole. */
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 11, 0, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 11, 400, 400, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 11, 1200, 400, false, 50), 1) == NULL);
	/* Duplicate first fragment. */
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 12, 0, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 12, 0, 800, true, 50), 1) == NULL);
	/* Duplicate middle fragment. */
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 13, 0, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 13, 800, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 13, 800, 800, true, 50), 1) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000002, 13, 1600, 8, false, 50), 1) == NULL);
	/* Too many fragments: 12 of 8 bytes (8 is the most). */
	for (i = 0; i < 12; i++)
		CHECK(gw_reasm_input(r, frag4(0x0a000002, 14, (uint16_t)(i * 8), 8, i != 11, 50),
				     1) == NULL);
	gw_reasm_get_stats(r, &st);
	CHECK_EQ(st.reassembled, 0);
	CHECK_EQ(st.held + st.drop_table, 3 + 3 + 2 + 4 + 12);
	CHECK_EQ(drops() - d0, st.drop_table);
	/* Whatever is still held goes at the timeout. */
	CHECK_EQ(gw_reasm_flush_expired(r, 1 + hz * 3), st.held);
	gw_reasm_get_stats(r, &st);
	CHECK_EQ(st.held, 0);
	CHECK_EQ(drops() - d0, 24);
	CHECK_EQ(rte_mempool_avail_count(mp), before);
	gw_reasm_free(r);
}

/* Missing fragment: kept until the timeout, then freed and counted. */
static void
test_timeout(void)
{
	struct gw_reasm *r = mk(16, 0, big);
	unsigned int before = rte_mempool_avail_count(mp);
	struct gw_reasm_stats st;
	uint64_t t0 = hz * 100, d0 = drops();

	CHECK(gw_reasm_input(r, frag4(0x0a000003, 20, 0, 800, true, 50), t0) == NULL);
	CHECK(gw_reasm_input(r, frag4(0x0a000003, 20, 1600, 100, false, 50), t0) == NULL);
	CHECK_EQ(rte_mempool_avail_count(mp), before - 2);
	CHECK_EQ(gw_reasm_flush_expired(r, t0 + hz), 0);
	CHECK_EQ(gw_reasm_flush_expired(r, t0 + hz * 2 + hz / 10), 2);
	gw_reasm_get_stats(r, &st);
	CHECK_EQ(st.drop_expired, 2);
	CHECK_EQ(st.held, 0);
	CHECK_EQ(drops() - d0, 2);
	CHECK_EQ(rte_mempool_avail_count(mp), before);
	/* The late fragment starts a new datagram, which also expires. */
	CHECK(gw_reasm_input(r, frag4(0x0a000003, 20, 800, 800, true, 50), t0 + hz * 3) == NULL);
	gw_reasm_free(r);
	CHECK_EQ(rte_mempool_avail_count(mp), before);
}

/* 10,000 incomplete datagrams: bounded by max_flows / max_mbufs, all counted. */
static void
test_flood(void)
{
	struct gw_reasm *r = mk(1024, 1536, big);
	unsigned int before = rte_mempool_avail_count(mp);
	struct gw_reasm_stats st;
	uint64_t t = hz * 1000, d0 = drops();
	uint32_t i;

	for (i = 0; i < 10000; i++) {
		/* Two fragments of each, never the last one. */
		CHECK(gw_reasm_input(r, frag4(0x0b000000 + i, (uint16_t)i, 0, 64, true, 50),
				     t) == NULL);
		CHECK(gw_reasm_input(r, frag4(0x0b000000 + i, (uint16_t)i, 64, 64, true, 50),
				     t) == NULL);
		t += hz / 100000;	/* 10 us apart: all within the 2 s timeout */
		gw_reasm_get_stats(r, &st);
		if (st.held > 1536 || before - rte_mempool_avail_count(mp) != st.held) {
			CHECK(false);
			break;
		}
	}
	gw_reasm_get_stats(r, &st);
	CHECK(st.held <= 1536);
	CHECK(st.held_max <= 1536);
	CHECK_EQ(st.frags_in, 20000);
	CHECK_EQ(st.held + st.drop_table + st.drop_budget, 20000);
	CHECK_EQ(drops() - d0, st.drop_table + st.drop_budget);
	/* After the timeout everything goes. */
	CHECK_EQ(gw_reasm_flush_expired(r, t + hz * 3), st.held);
	CHECK_EQ(rte_mempool_avail_count(mp), before);
	CHECK_EQ(drops() - d0, 20000);
	/* And the table works again. */
	CHECK(gw_reasm_input(r, frag4(0x0a000009, 1, 0, 8, true, 50), t + hz * 3) == NULL);
	check4(gw_reasm_input(r, frag4(0x0a000009, 1, 8, 8, false, 50), t + hz * 3), 1, 16);
	gw_reasm_free(r);
}

/* Malformed fragments refused before rte_ip_frag; non-fragments untouched. */
static void
test_invalid(void)
{
	struct gw_reasm *r = mk(16, 0, big);
	unsigned int before = rte_mempool_avail_count(mp);
	struct gw_reasm_stats st;
	struct rte_mbuf *m;
	uint8_t b[256];
	uint16_t len;

	/* MF with a length not a multiple of 8. */
	CHECK(gw_reasm_input(r, frag4(0x0a000004, 1, 0, 100, true, 50), 1) == NULL);
	/* Ends beyond 65535. */
	CHECK(gw_reasm_input(r, frag4(0x0a000004, 2, 65528, 64, false, 50), 1) == NULL);
	/* No payload. */
	CHECK(gw_reasm_input(r, frag4(0x0a000004, 3, 8, 0, false, 50), 1) == NULL);
	/* total length beyond the data. */
	m = frag4(0x0a000004, 4, 8, 64, false, 50);
	rte_pktmbuf_trim(m, 10);
	CHECK(gw_reasm_input(r, m, 1) == NULL);
	gw_reasm_get_stats(r, &st);
	CHECK_EQ(st.drop_invalid, 4);
	/* Not a fragment: returned as is. */
	len = ft_ipv4(b, "10.0.0.1", "10.0.0.2", 50, 5, true, NULL, 0, 100);
	m = ft_mbuf(mp, b, len, 0);
	CHECK(gw_reasm_input(r, m, 1) == m);
	CHECK(!gw_reasm_wanted(m, 0, true));
	rte_pktmbuf_free(m);
	/* IPv6 atomic fragment (RFC 6946): the Fragment header is removed. */
	len = ft_ipv6(b, "2001:db8::1", "2001:db8::2", IPPROTO_FRAGMENT, 8 + 64);
	b[40] = 50;
	memset(b + 41, 0, 7);
	m = ft_mbuf(mp, b, len, 0);
	m = gw_reasm_input(r, m, 1);
	CHECK(m != NULL);
	if (m != NULL) {
		const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, const void *);

		CHECK_EQ(ip->proto, 50);
		CHECK_EQ(rte_be_to_cpu_16(ip->payload_len), 64);
		CHECK_EQ(rte_pktmbuf_data_len(m), 40 + 64);
		CHECK_MEM((const uint8_t *)(ip + 1), b + 48, 64);
		rte_pktmbuf_free(m);
	}
	gw_reasm_free(r);
	CHECK_EQ(rte_mempool_avail_count(mp), before);
}

/* Which packets the classify stage hands over. */
static void
test_wanted(void)
{
	struct rte_mbuf *m;

	m = frag4(1, 1, 8, 8, false, 50);
	CHECK(gw_reasm_wanted(m, 0, false));
	rte_pktmbuf_free(m);
	m = frag4(1, 1, 8, 8, false, IPPROTO_UDP);
	CHECK(!gw_reasm_wanted(m, 0, false));
	CHECK(gw_reasm_wanted(m, 0, true));
	rte_pktmbuf_free(m);
	m = frag4(1, 1, 8, 8, false, IPPROTO_TCP);
	CHECK(!gw_reasm_wanted(m, 0, true));
	rte_pktmbuf_free(m);
}

int
main(int argc, char **argv)
{
	unsigned int i;
	int ret;

	if (argc > 1)
		srcdir = argv[1];
	if (ft_eal_init("reasm") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	if (ft_tmpdir_create(tmpdir, sizeof(tmpdir), "reasm") != 0)
		return 1;
	hz = rte_get_tsc_hz();
	for (i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 31 + (i >> 8));
	mp = ft_pool("reasm_ut", POOL_N, RTE_MBUF_DEFAULT_BUF_SIZE);
	big = ft_pool("reasm_big", 256, FT_BIG_ROOM);
	if (mp == NULL || big == NULL) {
		fprintf(stderr, "pool creation failed\n");
		return 1;
	}
	GW_RUN(test_scapy_v4);
	GW_RUN(test_scapy_v6);
	GW_RUN(test_orders_and_copy);
	GW_RUN(test_bad_sets);
	GW_RUN(test_timeout);
	GW_RUN(test_flood);
	GW_RUN(test_invalid);
	GW_RUN(test_wanted);
	CHECK_EQ(rte_mempool_avail_count(mp), POOL_N);
	CHECK_EQ(rte_mempool_avail_count(big), 256);
	ret = gw_test_result();
	rte_mempool_free(mp);
	rte_mempool_free(big);
	ft_tmpdir_remove(tmpdir);
	rte_eal_cleanup();
	return ret;
}
