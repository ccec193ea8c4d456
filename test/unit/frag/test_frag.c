/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fragmentation before encryption: sizes x MTUs checked by scapy's
 * defragment(), DF -> ICMP frag-needed, IPv6 -> Packet Too Big, passive
 * mode and the outer fragmentation, burst overflow, ICMP rate limit.
 * argv[1]: the folder of frag_check.py.
 */

#include <stdlib.h>
#include <rte_cycles.h>

#include "gw_test.h"
#include "frag_test.h"
#include "gw_frag.h"
#include <rte_ip_frag.h>

#define POOL_N 4096

static const char *srcdir = ".";
static char tmpdir[64];
static struct rte_mempool *mp;
static struct gw_frag_ctx *ctx;
static uint8_t pkt[9216];

static const char *
tpath(const char *name)
{
	static char p[4][160];
	static int k;

	k = (k + 1) & 3;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static unsigned int
avail(void)
{
	return rte_mempool_avail_count(mp);
}

static void
free_all(struct rte_mbuf **m, uint16_t n)
{
	rte_pktmbuf_free_bulk(m, n);
}

/* A pcap holding the IP packet buf[0, len). */
static void
write_pcap_one(const char *path, const uint8_t *buf, uint16_t len)
{
	struct rte_mbuf *m = ft_mbuf(mp, buf, len, 0);
	FILE *f = ft_pcap_open(path);

	ft_pcap_write(f, m);
	fclose(f);
	rte_pktmbuf_free(m);
}

static void
test_params(void)
{
	struct gw_frag_params p;

	CHECK_EQ(gw_frag_params_init(&p, 1500, 73, false, false), 0);
	CHECK_EQ(p.max_inner, 1427);
	CHECK_EQ(p.pmtu_v6, 1427);
	CHECK_EQ(gw_frag_params_init(&p, 1300, 73, false, false), 0);
	CHECK_EQ(p.pmtu_v6, 1280);
	CHECK_EQ(gw_frag_params_init(&p, 100, 73, false, false), -EINVAL);
	CHECK_EQ(gw_frag_params_init(&p, 100, 73, false, true), 0);
}

/* Fragments of IPv4 packets of many sizes at many tunnel MTUs, checked by scapy. */
static void
test_v4_sizes(void)
{
	static const uint16_t mtus[] = { 1500, 1400, 1280, 576, 100 };
	static const uint16_t sizes[] = { 60, 99, 100, 101, 575, 577, 1000, 1400, 1427, 1428,
					  1500, 2999, 4000, 9000 };
	/* Router alert (copied), record route (not copied), 4-byte aligned. */
	static const uint8_t opts[] = { 0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0 };
	unsigned int before = avail(), t;

	/* Protocol 253 (RFC 3692): scapy keeps the payload raw, no length semantics. */
	for (t = 0; t < RTE_DIM(mtus); t++) {
		struct gw_frag_params p;
		struct rte_mbuf *in[GW_MAX_BURST], *out[512];
		FILE *fo = ft_pcap_open(tpath("v4_orig.pcap"));
		FILE *ff = ft_pcap_open(tpath("v4_frags.pcap"));
		uint16_t n = 0, nb_out = 0, i, id = 1;
		char args[512];
		int good;

		CHECK_EQ(gw_frag_params_init(&p, mtus[t], 0, false, false), 0);
		for (i = 0; i < RTE_DIM(sizes); i++, id++) {
			uint16_t len;

			/* 9000 bytes at MTU 100 would be more than GW_FRAG_MAX_PER_PKT. */
			if (mtus[t] < 576 && sizes[i] > 4000)
				continue;
			len = ft_ipv4(pkt, "192.0.2.1", "198.51.100.7", 253, id, false, NULL, 0,
				      sizes[i]);

			in[n] = ft_mbuf(mp, pkt, len, 0);
			ft_pcap_write(fo, in[n++]);
			if (sizes[i] + 32 <= 9000) {
				id++;
				len = ft_ipv4(pkt, "192.0.2.2", "198.51.100.8", 253, id,
					      false, opts, sizeof(opts), sizes[i]);
				in[n] = ft_mbuf(mp, pkt, len, 0);
				ft_pcap_write(fo, in[n++]);
			}
		}
		fclose(fo);
		good = gw_frag_inner_burst(ctx, &p, in, n, out, RTE_DIM(out), &nb_out,
					   NULL, 0, NULL);
		CHECK(good > n);
		CHECK_EQ(nb_out, good);
		for (i = 0; i < nb_out; i++) {
			const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(out[i],
				const struct rte_ipv4_hdr *);

			CHECK(rte_be_to_cpu_16(ip->total_length) <= mtus[t]);
			CHECK_EQ(rte_pktmbuf_data_len(out[i]), rte_be_to_cpu_16(ip->total_length));
			if (rte_ipv4_frag_pkt_is_fragmented(ip))
				CHECK_EQ(out[i]->l3_len, (ip->version_ihl & 0xf) * 4);
			CHECK_EQ(out[i]->nb_segs, 1);
			ft_pcap_write(ff, out[i]);
		}
		fclose(ff);
		free_all(out, nb_out);
		snprintf(args, sizeof(args), "frag4 %s %s %u", tpath("v4_orig.pcap"),
			 tpath("v4_frags.pcap"), mtus[t]);
		CHECK_EQ(ft_scapy(srcdir, args), 0);
	}
	CHECK_EQ(avail(), before);
}

/* Meta copied, order kept, L2 bytes copied, fragments of a fragment. */
static void
test_v4_meta_order(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[3], *out[16];
	uint8_t frame[2000];
	uint16_t nb_out, len, i;
	int good;

	CHECK_EQ(gw_frag_params_init(&p, 1000, 0, false, false), 0);
	memset(frame, 0xee, 14);
	len = ft_ipv4(frame + 14, "192.0.2.1", "198.51.100.7", 50, 7, false, NULL, 0, 1500);
	in[0] = ft_mbuf(mp, frame, (uint16_t)(len + 14), 14);
	gw_meta(in[0])->flow_hash = 0xabcd;
	gw_meta(in[0])->in_port = 3;
	len = ft_ipv4(pkt, "192.0.2.1", "198.51.100.7", 50, 8, false, NULL, 0, 200);
	in[1] = ft_mbuf(mp, pkt, len, 0);
	/* A non-last fragment (offset 800, MF) of 1600 bytes of payload. */
	len = ft_ipv4(pkt, "192.0.2.1", "198.51.100.7", 50, 9, false, NULL, 0, 1600);
	((struct rte_ipv4_hdr *)pkt)->fragment_offset = rte_cpu_to_be_16(100 | 0x2000);
	((struct rte_ipv4_hdr *)pkt)->hdr_checksum = 0;
	((struct rte_ipv4_hdr *)pkt)->hdr_checksum = rte_ipv4_cksum((void *)pkt);
	in[2] = ft_mbuf(mp, pkt, len, 0);

	good = gw_frag_inner_burst(ctx, &p, in, 3, out, RTE_DIM(out), &nb_out, NULL, 0, NULL);
	CHECK_EQ(good, 5);
	CHECK_EQ(nb_out, 5);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(gw_meta(out[i])->flow_hash, 0xabcd);
		CHECK_EQ(gw_meta(out[i])->in_port, 3);
		CHECK_EQ(out[i]->l2_len, 14);
		CHECK_EQ(*rte_pktmbuf_mtod(out[i], uint8_t *), 0xee);
	}
	CHECK_EQ(rte_pktmbuf_data_len(out[2]), 220);
	{
		const struct rte_ipv4_hdr *a = rte_pktmbuf_mtod(out[3], const void *);
		const struct rte_ipv4_hdr *b = rte_pktmbuf_mtod(out[4], const void *);

		CHECK_EQ(rte_be_to_cpu_16(a->fragment_offset), 100 | 0x2000);
		CHECK_EQ(rte_be_to_cpu_16(b->fragment_offset), (100 + 976 / 8) | 0x2000);
		CHECK_EQ(rte_be_to_cpu_16(a->total_length), 996);
		CHECK_EQ(rte_be_to_cpu_16(b->total_length), 20 + 1600 - 976);
	}
	free_all(out, nb_out);
}

/* DF set: dropped FRAG_NEEDED, ICMP frag-needed with MTU T - O, checked by scapy. */
static void
test_v4_df(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[4], *out[8], *icmp[4];
	FILE *fo = ft_pcap_open(tpath("df_orig.pcap"));
	FILE *fi = ft_pcap_open(tpath("df_icmp.pcap"));
	rte_be32_t src;
	uint16_t nb_out, nb_icmp, len, i;
	char args[512];
	int good;

	inet_pton(AF_INET, "10.0.0.254", &src);
	CHECK_EQ(gw_frag_ctx_set_src(ctx, 1, src, NULL), 0);
	CHECK_EQ(gw_frag_params_init(&p, 1500, 73, false, false), 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_TCP, 1, true, NULL, 0, 1450);
	in[0] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_TCP, 2, true, NULL, 0, 100);
	in[1] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv4(pkt, "10.0.0.6", "198.51.100.7", IPPROTO_UDP, 3, true, NULL, 0, 1472);
	in[2] = ft_mbuf(mp, pkt, len, 0);
	for (i = 0; i < 3; i++)
		gw_meta(in[i])->in_port = 1;
	ft_pcap_write(fo, in[0]);
	ft_pcap_write(fo, in[2]);
	fclose(fo);

	good = gw_frag_inner_burst(ctx, &p, in, 3, out, RTE_DIM(out), &nb_out, icmp, 4, &nb_icmp);
	CHECK_EQ(good, 1);
	CHECK_EQ(nb_out, 3);
	CHECK_EQ(nb_icmp, 2);
	CHECK_EQ(rte_pktmbuf_data_len(out[0]), 120);
	CHECK_EQ(gw_meta(out[1])->drop, GW_DROP_FRAG_NEEDED);
	CHECK_EQ(gw_meta(out[2])->drop, GW_DROP_FRAG_NEEDED);
	CHECK_EQ(rte_be_to_cpu_16(rte_pktmbuf_mtod(out[1], struct rte_ipv4_hdr *)->packet_id), 1);
	CHECK_EQ(rte_be_to_cpu_16(rte_pktmbuf_mtod(out[2], struct rte_ipv4_hdr *)->packet_id), 3);
	for (i = 0; i < nb_icmp; i++) {
		CHECK_EQ(gw_meta(icmp[i])->l3, GW_L3_IPV4);
		CHECK_EQ(gw_meta(icmp[i])->action, GW_ACT_FORWARD);
		CHECK_EQ(gw_meta(icmp[i])->drop, GW_DROP_NONE);
		CHECK(gw_meta(icmp[i])->sa == NULL);
		CHECK_EQ(icmp[i]->l2_len, 0);
		ft_pcap_write(fi, icmp[i]);
	}
	fclose(fi);
	free_all(out, nb_out);
	free_all(icmp, nb_icmp);
	snprintf(args, sizeof(args), "icmp4 %s %s 1427 10.0.0.254", tpath("df_orig.pcap"),
		 tpath("df_icmp.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);
}

/* clear-dont-fragment-bit: DF cleared (checksum kept right), then fragmented. */
static void
test_v4_clear_df(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[2], *out[8];
	FILE *fo = ft_pcap_open(tpath("cdf_orig.pcap"));
	FILE *ff = ft_pcap_open(tpath("cdf_frags.pcap"));
	uint16_t nb_out, nb_icmp = 9, len, i;
	char args[512];
	int good;

	CHECK_EQ(gw_frag_params_init(&p, 1400, 60, true, false), 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", 253, 77, true, NULL, 0, 2000);
	in[0] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", 253, 78, true, NULL, 0, 50);
	in[1] = ft_mbuf(mp, pkt, len, 0);
	/* The reference: the same packets with DF clear. */
	for (i = 0; i < 2; i++) {
		struct rte_mbuf *c = rte_pktmbuf_copy(in[i], mp, 0, UINT32_MAX);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(c, struct rte_ipv4_hdr *);

		ip->fragment_offset = 0;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		ft_pcap_write(fo, c);
		rte_pktmbuf_free(c);
	}
	fclose(fo);
	good = gw_frag_inner_burst(ctx, &p, in, 2, out, RTE_DIM(out), &nb_out, NULL, 0, &nb_icmp);
	CHECK_EQ(nb_icmp, 0);
	CHECK_EQ(good, 3);
	for (i = 0; i < nb_out; i++)
		ft_pcap_write(ff, out[i]);
	fclose(ff);
	{
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(out[2], const void *);

		CHECK_EQ(ip->fragment_offset, 0);
		CHECK_EQ(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	}
	free_all(out, nb_out);
	snprintf(args, sizeof(args), "frag4 %s %s 1340", tpath("cdf_orig.pcap"),
		 tpath("cdf_frags.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);
}

/* IPv6 over T - O: Packet Too Big with max(1280, T - O); <= 1280 always passes. */
static void
test_v6_ptb(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[4], *out[8], *icmp[4];
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xfe };
	FILE *fo = ft_pcap_open(tpath("ptb_orig.pcap"));
	FILE *fi = ft_pcap_open(tpath("ptb_icmp.pcap"));
	uint16_t nb_out, nb_icmp, len, i;
	char args[512];
	int good;

	CHECK_EQ(gw_frag_ctx_set_src(ctx, 2, 0, src6), 0);
	/* T - O = 1200 < 1280. */
	CHECK_EQ(gw_frag_params_init(&p, 1280, 80, false, false), 0);
	len = ft_ipv6(pkt, "2001:db8:5::1", "2001:db8:9::1", IPPROTO_UDP, 1240);	/* 1280 */
	in[0] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv6(pkt, "2001:db8:5::1", "2001:db8:9::1", IPPROTO_UDP, 1241);	/* 1281 */
	in[1] = ft_mbuf(mp, pkt, len, 0);
	for (i = 0; i < 2; i++)
		gw_meta(in[i])->in_port = 2;
	ft_pcap_write(fo, in[1]);
	good = gw_frag_inner_burst(ctx, &p, in, 2, out, RTE_DIM(out), &nb_out, icmp, 4, &nb_icmp);
	CHECK_EQ(good, 1);
	CHECK_EQ(nb_out, 2);
	CHECK_EQ(nb_icmp, 1);
	CHECK_EQ(gw_meta(out[1])->drop, GW_DROP_FRAG_NEEDED);
	for (i = 0; i < nb_icmp; i++) {
		CHECK_EQ(gw_meta(icmp[i])->l3, GW_L3_IPV6);
		ft_pcap_write(fi, icmp[i]);
	}
	free_all(out, nb_out);
	free_all(icmp, nb_icmp);
	fclose(fi);
	fclose(fo);
	snprintf(args, sizeof(args), "ptb6 %s %s 1280 2001:db8::fe", tpath("ptb_orig.pcap"),
		 tpath("ptb_icmp.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);

	/* T - O = 1400: MTU 1400 reported for a 1500-byte packet. */
	fo = ft_pcap_open(tpath("ptb_orig.pcap"));
	fi = ft_pcap_open(tpath("ptb_icmp.pcap"));
	CHECK_EQ(gw_frag_params_init(&p, 1473, 73, false, false), 0);
	len = ft_ipv6(pkt, "2001:db8:5::2", "2001:db8:9::1", IPPROTO_TCP, 1460);
	in[0] = ft_mbuf(mp, pkt, len, 0);
	gw_meta(in[0])->in_port = 2;
	ft_pcap_write(fo, in[0]);
	good = gw_frag_inner_burst(ctx, &p, in, 1, out, RTE_DIM(out), &nb_out, icmp, 4, &nb_icmp);
	CHECK_EQ(good, 0);
	CHECK_EQ(nb_icmp, 1);
	for (i = 0; i < nb_icmp; i++)
		ft_pcap_write(fi, icmp[i]);
	free_all(out, nb_out);
	free_all(icmp, nb_icmp);
	fclose(fi);
	fclose(fo);
	snprintf(args, sizeof(args), "ptb6 %s %s 1400 2001:db8::fe", tpath("ptb_orig.pcap"),
		 tpath("ptb_icmp.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);
}

/* Passive mode: everything goes through untouched; the outer packet is cut after. */
static void
test_passive_outer(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[4], *out[16], *enc[4];
	static uint8_t orig4[2048];
	struct rte_ipv4_hdr *ip4;
	FILE *fo, *ff;
	uint16_t nb_out, nb_icmp, len, len4, i;
	char args[512];
	int good;

	CHECK_EQ(gw_frag_params_init(&p, 1500, 73, false, true), 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_UDP, 1, true, NULL, 0, 1480);
	in[0] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv6(pkt, "2001:db8:5::1", "2001:db8:9::1", IPPROTO_UDP, 1460);
	in[1] = ft_mbuf(mp, pkt, len, 0);
	good = gw_frag_inner_burst(ctx, &p, in, 2, out, RTE_DIM(out), &nb_out, enc, 4, &nb_icmp);
	CHECK_EQ(good, 2);
	CHECK_EQ(nb_icmp, 0);
	CHECK(out[0] == in[0] && out[1] == in[1]);
	free_all(out, nb_out);

	/* "Encrypted" outer packets: ESP over IPv4 (DF clear / set) and IPv6. */
	len = ft_ipv4(pkt, "192.0.2.1", "192.0.2.2", 50, 500, false, NULL, 0, 1560);
	len4 = len;
	memcpy(orig4, pkt, len);
	in[0] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv4(pkt, "192.0.2.1", "192.0.2.2", 50, 501, true, NULL, 0, 1560);
	in[1] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv6(pkt, "2001:db8::1", "2001:db8::2", 50, 1600);
	in[2] = ft_mbuf(mp, pkt, len, 0);
	fo = ft_pcap_open(tpath("outer6_orig.pcap"));
	ft_pcap_write(fo, in[2]);
	fclose(fo);
	good = gw_frag_outer_burst(ctx, 1500, in, 3, out, RTE_DIM(out), &nb_out);
	CHECK_EQ(good, 4);
	CHECK_EQ(nb_out, 5);
	CHECK_EQ(gw_meta(out[4])->drop, GW_DROP_MTU_EXCEEDED);
	ff = ft_pcap_open(tpath("outer_frags.pcap"));
	for (i = 0; i < 2; i++)
		ft_pcap_write(ff, out[i]);
	fclose(ff);
	/* The cut packet got an identification of its own (shared counter): expect it. */
	ip4 = (struct rte_ipv4_hdr *)orig4;
	ip4->packet_id = rte_pktmbuf_mtod(out[0], struct rte_ipv4_hdr *)->packet_id;
	CHECK_EQ(rte_pktmbuf_mtod(out[1], struct rte_ipv4_hdr *)->packet_id, ip4->packet_id);
	ip4->hdr_checksum = 0;
	ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	write_pcap_one(tpath("outer_orig.pcap"), orig4, len4);
	ff = ft_pcap_open(tpath("outer6_frags.pcap"));
	for (i = 2; i < 4; i++) {
		CHECK(rte_pktmbuf_data_len(out[i]) <= 1500);
		ft_pcap_write(ff, out[i]);
	}
	fclose(ff);
	free_all(out, nb_out);
	snprintf(args, sizeof(args), "frag4 %s %s 1500", tpath("outer_orig.pcap"),
		 tpath("outer_frags.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);
	snprintf(args, sizeof(args), "frag6 %s %s 1500", tpath("outer6_orig.pcap"),
		 tpath("outer6_frags.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);
}

/*
 * ESP packets carrying IPv6 of at most 1280 bytes (gw_frag_outer_burst_min6):
 * an outer IPv4 with DF set is cut with DF cleared instead of dropped; two
 * packets that came with one identification (two SAs, same endpoints) leave
 * with two; IPv6 outer is cut as by gw_frag_outer_burst. Checked by scapy.
 */
static void
test_outer_min6(void)
{
	struct rte_mbuf *in[4], *out[16];
	static uint8_t orig[2][2048];
	struct gw_frag_stats before, after;
	struct rte_ipv4_hdr *ip4;
	uint16_t nb_out, len[2], l, i;
	char args[512];
	FILE *ff;
	int good;

	gw_frag_ctx_stats(ctx, &before);
	for (i = 0; i < 2; i++) {	/* 1356 bytes: a 1280-byte IPv6 packet in ESP */
		len[i] = ft_ipv4(pkt, "192.0.2.1", "192.0.2.2", 50, 7, true, NULL, 0, 1336);
		memcpy(orig[i], pkt, len[i]);
		in[i] = ft_mbuf(mp, pkt, len[i], 0);
	}
	l = ft_ipv4(pkt, "192.0.2.1", "192.0.2.2", 50, 8, true, NULL, 0, 600);
	in[2] = ft_mbuf(mp, pkt, l, 0);	/* fits: untouched, DF kept */
	good = gw_frag_outer_burst_min6(ctx, 1300, in, 3, out, RTE_DIM(out), &nb_out);
	CHECK_EQ(good, 5);
	CHECK_EQ(nb_out, 5);
	CHECK(out[4] == in[2]);
	CHECK(rte_pktmbuf_mtod(out[4], struct rte_ipv4_hdr *)->fragment_offset ==
	      RTE_BE16(RTE_IPV4_HDR_DF_FLAG));
	gw_frag_ctx_stats(ctx, &after);
	CHECK_EQ(after.df_overridden - before.df_overridden, 2);
	CHECK(rte_pktmbuf_mtod(out[0], struct rte_ipv4_hdr *)->packet_id !=
	      rte_pktmbuf_mtod(out[2], struct rte_ipv4_hdr *)->packet_id);
	ff = ft_pcap_open(tpath("min6_frags.pcap"));
	for (i = 0; i < 4; i++)
		ft_pcap_write(ff, out[i]);
	fclose(ff);
	/* what scapy must get back: the originals, without DF, with the new IDs */
	ff = ft_pcap_open(tpath("min6_orig.pcap"));
	for (i = 0; i < 2; i++) {
		struct rte_mbuf *m;

		ip4 = (struct rte_ipv4_hdr *)orig[i];
		ip4->packet_id = rte_pktmbuf_mtod(out[2 * i], struct rte_ipv4_hdr *)->packet_id;
		ip4->fragment_offset = 0;
		ip4->hdr_checksum = 0;
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
		m = ft_mbuf(mp, orig[i], len[i], 0);
		ft_pcap_write(ff, m);
		rte_pktmbuf_free(m);
	}
	fclose(ff);
	free_all(out, nb_out);
	snprintf(args, sizeof(args), "frag4 %s %s 1300", tpath("min6_orig.pcap"),
		 tpath("min6_frags.pcap"));
	CHECK_EQ(ft_scapy(srcdir, args), 0);

	/* Without min6 the same packet is dropped: the operator's df-bit. */
	l = ft_ipv4(pkt, "192.0.2.1", "192.0.2.2", 50, 9, true, NULL, 0, 1336);
	in[0] = ft_mbuf(mp, pkt, l, 0);
	good = gw_frag_outer_burst(ctx, 1300, in, 1, out, RTE_DIM(out), &nb_out);
	CHECK_EQ(good, 0);
	CHECK_EQ(gw_meta(out[0])->drop, GW_DROP_MTU_EXCEEDED);
	free_all(out, nb_out);
}

/* A burst whose fragments do not fit: capped, the rest dropped, order kept, no leak. */
static void
test_overflow(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[GW_MAX_BURST], *out[48];
	unsigned int before = avail();
	uint16_t nb_out, len, i, ids_seen = 0;
	int good;

	CHECK_EQ(gw_frag_params_init(&p, 1400, 0, false, false), 0);
	for (i = 0; i < GW_MAX_BURST; i++) {
		len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_UDP, (uint16_t)(i + 1),
			      false, NULL, 0, (i & 1) ? 4000 : 100);
		in[i] = ft_mbuf(mp, pkt, len, 0);
	}
	CHECK_EQ(gw_frag_inner_burst(ctx, &p, in, GW_MAX_BURST, out, 16, &nb_out, NULL, 0, NULL),
		 -EINVAL);
	good = gw_frag_inner_burst(ctx, &p, in, GW_MAX_BURST, out, RTE_DIM(out), &nb_out,
				   NULL, 0, NULL);
	/* Good ones ascend by id; every input is accounted for exactly once. */
	{
		uint16_t last = 0, k;

		for (k = 0; k < good; k++) {
			const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(out[k], const void *);
			uint16_t id = rte_be_to_cpu_16(ip->packet_id);

			CHECK(id >= last);
			if (id != last)
				ids_seen++;
			last = id;
		}
		for (k = (uint16_t)good; k < nb_out; k++)
			CHECK_EQ(gw_meta(out[k])->drop, GW_DROP_MTU_EXCEEDED);
		CHECK_EQ(ids_seen + (nb_out - good), GW_MAX_BURST);
		CHECK(nb_out - good > 0);
		CHECK(nb_out <= RTE_DIM(out));
	}
	free_all(out, nb_out);
	CHECK_EQ(avail(), before);
}

/* ICMP: at most the bucket depth per burst of offenders; none without a source. */
static void
test_icmp_limits(void)
{
	struct gw_frag_ctx *c = gw_frag_ctx_create(SOCKET_ID_ANY, mp, 100, 10);
	struct gw_frag_params p;
	struct rte_mbuf *in[GW_MAX_BURST], *out[GW_MAX_BURST], *icmp[GW_MAX_BURST];
	struct gw_frag_stats st;
	rte_be32_t src;
	uint16_t nb_out, nb_icmp, len, i;

	CHECK(c != NULL);
	inet_pton(AF_INET, "10.0.0.254", &src);
	gw_frag_ctx_set_src(c, 0, src, NULL);
	CHECK_EQ(gw_frag_params_init(&p, 1500, 73, false, false), 0);
	for (i = 0; i < 20; i++) {
		len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_TCP, i, true, NULL, 0, 1450);
		in[i] = ft_mbuf(mp, pkt, len, 0);
	}
	/* One to a multicast source, one ICMP error: never answered. */
	len = ft_ipv4(pkt, "224.0.0.5", "198.51.100.7", IPPROTO_TCP, 99, true, NULL, 0, 1450);
	in[20] = ft_mbuf(mp, pkt, len, 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_ICMP, 98, true, NULL, 0, 1450);
	pkt[20] = 3;
	in[21] = ft_mbuf(mp, pkt, len, 0);
	gw_frag_inner_burst(c, &p, in, 22, out, RTE_DIM(out), &nb_out, icmp, RTE_DIM(icmp),
			    &nb_icmp);
	CHECK_EQ(nb_icmp, 10);
	gw_frag_ctx_stats(c, &st);
	CHECK_EQ(st.icmp_sent, 10);
	CHECK_EQ(st.icmp_ratelimited, 10);
	CHECK_EQ(st.icmp_suppressed, 2);
	free_all(out, nb_out);
	free_all(icmp, nb_icmp);
	/* 100/s: after 50 ms about 5 more tokens. */
	rte_delay_ms(50);
	for (i = 0; i < 10; i++) {
		len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_TCP, i, true, NULL, 0, 1450);
		in[i] = ft_mbuf(mp, pkt, len, 0);
	}
	gw_frag_inner_burst(c, &p, in, 10, out, RTE_DIM(out), &nb_out, icmp, RTE_DIM(icmp),
			    &nb_icmp);
	CHECK(nb_icmp >= 4 && nb_icmp <= 7);
	free_all(out, nb_out);
	free_all(icmp, nb_icmp);
	/* No source for port 5: no error. */
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_TCP, 1, true, NULL, 0, 1450);
	in[0] = ft_mbuf(mp, pkt, len, 0);
	gw_meta(in[0])->in_port = 5;
	rte_delay_ms(20);
	gw_frag_inner_burst(c, &p, in, 1, out, RTE_DIM(out), &nb_out, icmp, RTE_DIM(icmp),
			    &nb_icmp);
	CHECK_EQ(nb_icmp, 0);
	free_all(out, nb_out);
	gw_frag_ctx_free(c);
}

/* Malformed inner headers go to the tail with the right reason. */
static void
test_malformed(void)
{
	struct gw_frag_params p;
	struct rte_mbuf *in[3], *out[8];
	uint16_t nb_out, len;
	int good;

	CHECK_EQ(gw_frag_params_init(&p, 1500, 73, false, false), 0);
	len = ft_ipv4(pkt, "10.0.0.5", "198.51.100.7", IPPROTO_TCP, 1, false, NULL, 0, 100);
	pkt[2] = 0x40;		/* total length 16384 > data */
	in[0] = ft_mbuf(mp, pkt, len, 0);
	pkt[0] = 0x43;		/* IHL 3 */
	in[1] = ft_mbuf(mp, pkt, len, 0);
	pkt[0] = 0x55;
	in[2] = ft_mbuf(mp, pkt, len, 0);
	good = gw_frag_inner_burst(ctx, &p, in, 3, out, RTE_DIM(out), &nb_out, NULL, 0, NULL);
	CHECK_EQ(good, 0);
	CHECK_EQ(nb_out, 3);
	CHECK_EQ(gw_meta(out[0])->drop, GW_DROP_BAD_IP_LEN);
	CHECK_EQ(gw_meta(out[1])->drop, GW_DROP_BAD_IP_HDR);
	CHECK_EQ(gw_meta(out[2])->drop, GW_DROP_BAD_IP_VERSION);
	free_all(out, nb_out);
}

int
main(int argc, char **argv)
{
	int ret;

	if (argc > 1)
		srcdir = argv[1];
	if (ft_eal_init("frag") < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	if (ft_tmpdir_create(tmpdir, sizeof(tmpdir), "frag") != 0)
		return 1;
	mp = ft_pool("frag_ut", POOL_N, FT_BIG_ROOM);
	ctx = gw_frag_ctx_create(SOCKET_ID_ANY, mp, 1000000, 1000);
	if (mp == NULL || ctx == NULL) {
		fprintf(stderr, "pool/ctx creation failed: %p %p %s\n", (void *)mp, (void *)ctx,
			rte_strerror(rte_errno));
		return 1;
	}
	GW_RUN(test_params);
	GW_RUN(test_v4_sizes);
	GW_RUN(test_v4_meta_order);
	GW_RUN(test_v4_df);
	GW_RUN(test_v4_clear_df);
	GW_RUN(test_v6_ptb);
	GW_RUN(test_passive_outer);
	GW_RUN(test_outer_min6);
	GW_RUN(test_overflow);
	GW_RUN(test_icmp_limits);
	GW_RUN(test_malformed);
	CHECK_EQ(rte_mempool_avail_count(mp), POOL_N);
	ret = gw_test_result();
	gw_frag_ctx_free(ctx);
	rte_mempool_free(mp);
	ft_tmpdir_remove(tmpdir);
	rte_eal_cleanup();
	return ret;
}
