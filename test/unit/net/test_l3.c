/* SPDX-License-Identifier: BSD-3-Clause */
/* L2/L3 validation, TTL decrement and fragment detection (no EAL needed). */

#include <rte_ip.h>
#include <rte_ether.h>

#include "gw_test.h"
#include "net_test.h"
#include "gw_l3.h"

static struct net_test_mbuf tb;

/* Ethernet (+ optional VLAN) + IPv4 header with a valid checksum + payload. */
static size_t
build_v4(uint8_t *f, bool vlan, const char *src, const char *dst, uint16_t payload,
	 uint8_t ttl)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip;
	size_t l2 = sizeof(*eth);

	memset(f, 0, 1600);
	memset(&eth->dst_addr, 0x02, 6);
	memset(&eth->src_addr, 0x04, 6);
	if (vlan) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = RTE_BE16(100);
		vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		l2 += sizeof(*vh);
	} else {
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	}
	ip = (struct rte_ipv4_hdr *)(f + l2);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + payload));
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	inet_pton(AF_INET, src, &ip->src_addr);
	inet_pton(AF_INET, dst, &ip->dst_addr);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return l2 + 20 + payload;
}

static size_t
build_v6(uint8_t *f, const char *src, const char *dst, uint16_t payload)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

	memset(f, 0, 1600);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(payload);
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = 64;
	inet_pton(AF_INET6, src, ip->src_addr);
	inet_pton(AF_INET6, dst, ip->dst_addr);
	return sizeof(*eth) + sizeof(*ip) + payload;
}

static struct rte_ipv4_hdr *
v4hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
}

static void
test_v4_good_and_padding(void)
{
	uint8_t f[2048];
	size_t len = build_v4(f, false, "192.0.2.1", "198.51.100.1", 6, 64);
	struct rte_mbuf *m = net_test_mbuf_set(&tb, f, 60);	/* padded to 60 */

	CHECK_EQ(len, 40);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(m->l2_len, 14);
	CHECK_EQ(m->l3_len, 20);
	CHECK_EQ(gw_meta(m)->l3, GW_L3_IPV4);
	CHECK_EQ(rte_pktmbuf_data_len(m), 40);
	CHECK_EQ(rte_pktmbuf_pkt_len(m), 40);
	CHECK(!gw_l3_is_fragment(m));

	len = build_v4(f, true, "192.0.2.1", "198.51.100.1", 100, 64);
	m = net_test_mbuf_set(&tb, f, len);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(m->l2_len, 18);
	CHECK_EQ(m->vlan_tci, 100);
}

static void
test_v4_bad(void)
{
	uint8_t f[2048];
	size_t len = build_v4(f, false, "192.0.2.1", "198.51.100.1", 20, 64);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct rte_mbuf *m;

	m = net_test_mbuf_set(&tb, f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	CHECK_EQ(gw_l3_parse(m), GW_DROP_BAD_IP_CSUM);
	m = net_test_mbuf_set(&tb, f, len);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	ip->hdr_checksum ^= 0x1234;	/* NIC said good: not recomputed */
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), f, len);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_CSUM);
	ip->hdr_checksum ^= 0x1234;

	ip->version_ihl = 0x65;
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_VERSION);
	ip->version_ihl = 0x44;
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_HDR);
	ip->version_ihl = 0x4f;	/* 60-byte header in a 54-byte frame */
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_TRUNCATED);
	ip->version_ihl = 0x46;	/* 24 > total length 40? no: fits; checksum now wrong */
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_CSUM);
	ip->version_ihl = 0x45;

	ip->total_length = RTE_BE16(41);	/* one byte more than the frame */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_LEN);
	ip->total_length = RTE_BE16(19);	/* shorter than the header */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_LEN);

	static const char *const bad_src[] = {
		"0.0.0.0", "127.0.0.1", "224.0.0.5", "255.255.255.255", "240.0.0.1",
	};
	for (unsigned int i = 0; i < RTE_DIM(bad_src); i++) {
		len = build_v4(f, false, bad_src[i], "198.51.100.1", 0, 64);
		CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_ADDR);
	}
	len = build_v4(f, false, "192.0.2.1", "127.0.0.1", 0, 64);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_ADDR);
	len = build_v4(f, false, "192.0.2.1", "0.1.2.3", 0, 64);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_ADDR);
	len = build_v4(f, false, "192.0.2.1", "240.0.0.1", 0, 64);	/* class E */
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_ADDR);
	len = build_v4(f, false, "192.0.2.1", "255.255.255.254", 0, 64);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_ADDR);
	/* the limited broadcast passes: classify punts it */
	len = build_v4(f, false, "192.0.2.1", "255.255.255.255", 0, 64);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_NONE);
	/* Multicast destination passes validation: the route stage decides. */
	len = build_v4(f, false, "192.0.2.1", "224.0.0.5", 0, 64);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_NONE);
}

static void
test_l2(void)
{
	uint8_t f[2048];
	size_t len = build_v4(f, false, "192.0.2.1", "198.51.100.1", 0, 64);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_mbuf *m;

	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	m = net_test_mbuf_set(&tb, f, 42);
	CHECK_EQ(gw_l3_parse(m), GW_L3_ARP);
	CHECK_EQ(m->l2_len, 14);
	CHECK_EQ(gw_meta(m)->l3, GW_L3_NONE);
	eth->ether_type = RTE_BE16(0x88cc);	/* LLDP */
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_UNSUPPORTED_ETHERTYPE);
	len = build_v4(f, true, "192.0.2.1", "198.51.100.1", 0, 64);
	((struct rte_vlan_hdr *)(eth + 1))->eth_proto = RTE_BE16(RTE_ETHER_TYPE_VLAN);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_L2);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, 13)), GW_DROP_TRUNCATED);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, 16)), GW_DROP_TRUNCATED);
	/* IPv4 EtherType carrying a version-6 header */
	len = build_v6(f, "2001:db8::1", "2001:db8::2", 0);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_VERSION);
	/* chained mbufs are refused */
	m = net_test_mbuf_set(&tb, f, len);
	m->pkt_len += 10;
	CHECK_EQ(gw_l3_parse(m), GW_DROP_BAD_L2);
}

/* Every truncation of valid frames is refused without reading past the data. */
static void
test_truncations(void)
{
	uint8_t f[2048];
	size_t len, cut;

	len = build_v4(f, true, "192.0.2.1", "198.51.100.1", 8, 64);
	for (cut = 0; cut < len; cut++)
		CHECK(gw_l3_parse(net_test_mbuf_set(&tb, f, cut)) != GW_DROP_NONE);
	len = build_v6(f, "2001:db8::1", "2001:db8::2", 8);
	for (cut = 0; cut < len; cut++)
		CHECK(gw_l3_parse(net_test_mbuf_set(&tb, f, cut)) != GW_DROP_NONE);
}

static void
test_v6(void)
{
	uint8_t f[2048];
	size_t len = build_v6(f, "2001:db8::1", "2001:db8:1::2", 8);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
	struct rte_mbuf *m = net_test_mbuf_set(&tb, f, 80);

	CHECK_EQ(len, 62);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(m->l3_len, 40);
	CHECK_EQ(gw_meta(m)->l3, GW_L3_IPV6);
	CHECK_EQ(rte_pktmbuf_data_len(m), 62);
	CHECK(!gw_l3_is_fragment(m));
	ip->proto = GW_L3_IPPROTO_FRAGMENT;
	m = net_test_mbuf_set(&tb, f, len);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK(gw_l3_is_fragment(m));

	ip->payload_len = RTE_BE16(9);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_LEN);
	ip->payload_len = RTE_BE16(8);
	ip->vtc_flow = RTE_BE32(4u << 28);
	CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)), GW_DROP_BAD_IP_VERSION);

	static const char *const pairs[][3] = {
		/* src, dst, expected (N = none, A = bad address) */
		{ "ff02::1", "2001:db8::2", "A" },
		{ "::1", "2001:db8::2", "A" },
		{ "::", "2001:db8::2", "A" },
		{ "::", "ff02::1:ff00:2", "N" },	/* DAD probe */
		{ "2001:db8::1", "::1", "A" },
		{ "2001:db8::1", "::", "A" },
		{ "fe80::1", "ff02::1", "N" },
		/* IPv4-mapped is neither source nor destination (RFC 4291 2.5.5.2) */
		{ "::ffff:192.0.2.1", "2001:db8::2", "A" },
		{ "2001:db8::1", "::ffff:192.0.2.1", "A" },
		{ "::ffff:0:0", "2001:db8::2", "A" },
		{ "::fffe:c000:201", "2001:db8::2", "N" },	/* not mapped */
		{ "::1:ffff:c000:201", "2001:db8::2", "N" },
		/* link-local is the forwarding decision's (classify), not validation's */
		{ "fe80::1", "2001:db8::2", "N" },
	};
	for (unsigned int i = 0; i < RTE_DIM(pairs); i++) {
		len = build_v6(f, pairs[i][0], pairs[i][1], 0);
		CHECK_EQ(gw_l3_parse(net_test_mbuf_set(&tb, f, len)),
			 pairs[i][2][0] == 'N' ? GW_DROP_NONE : GW_DROP_BAD_IP_ADDR);
	}
}

/* The shared helpers: link-local bits, and the inner-packet reasons. */
static void
test_link_local_and_inner(void)
{
	struct { const char *src, *dst; unsigned int ll; } v4[] = {
		{ "169.254.0.1", "192.0.2.1", GW_L3_LL_SRC },
		{ "192.0.2.1", "169.254.255.255", GW_L3_LL_DST },
		{ "169.254.1.1", "169.254.2.2", GW_L3_LL_SRC | GW_L3_LL_DST },
		{ "169.253.255.255", "169.255.0.0", 0 },
	}, v6[] = {
		{ "fe80::1", "2001:db8::2", GW_L3_LL_SRC },
		{ "febf:ffff::1", "2001:db8::2", GW_L3_LL_SRC },
		{ "2001:db8::1", "fe80::2", GW_L3_LL_DST },
		{ "fec0::1", "fe7f::1", 0 },
	};
	struct rte_ipv4_hdr ip4 = { .version_ihl = 0x45, .total_length = RTE_BE16(20),
				    .time_to_live = 64 };
	struct rte_ipv6_hdr ip6 = { .vtc_flow = RTE_BE32(6u << 28) };

	for (unsigned int i = 0; i < RTE_DIM(v4); i++) {
		inet_pton(AF_INET, v4[i].src, &ip4.src_addr);
		inet_pton(AF_INET, v4[i].dst, &ip4.dst_addr);
		ip4.hdr_checksum = 0;
		ip4.hdr_checksum = rte_ipv4_cksum(&ip4);
		CHECK_EQ(gw_l3_ipv4_link_local(&ip4), v4[i].ll);
		CHECK_EQ(gw_l3_inner_check_ipv4(&ip4, 20),
			 v4[i].ll ? GW_DROP_INNER_LINK_LOCAL : GW_DROP_NONE);
	}
	for (unsigned int i = 0; i < RTE_DIM(v6); i++) {
		inet_pton(AF_INET6, v6[i].src, ip6.src_addr);
		inet_pton(AF_INET6, v6[i].dst, ip6.dst_addr);
		CHECK_EQ(gw_l3_ipv6_link_local(&ip6), v6[i].ll);
		CHECK_EQ(gw_l3_inner_check_ipv6(&ip6),
			 v6[i].ll ? GW_DROP_INNER_LINK_LOCAL : GW_DROP_NONE);
	}
	/* checksum before addresses, as in gw_l3_parse() */
	inet_pton(AF_INET, "127.0.0.1", &ip4.src_addr);
	ip4.hdr_checksum = 0;
	ip4.hdr_checksum = rte_ipv4_cksum(&ip4);
	CHECK_EQ(gw_l3_inner_check_ipv4(&ip4, 20), GW_DROP_INNER_BAD_IP_ADDR);
	ip4.hdr_checksum ^= 1;
	CHECK_EQ(gw_l3_inner_check_ipv4(&ip4, 20), GW_DROP_INNER_BAD_IP_CSUM);
	inet_pton(AF_INET6, "::ffff:10.0.0.1", ip6.src_addr);
	CHECK_EQ(gw_l3_inner_check_ipv6(&ip6), GW_DROP_INNER_BAD_IP_ADDR);
	/* groups: for the kernel in clear, never routed from inside a tunnel */
	inet_pton(AF_INET6, "2001:db8::1", ip6.src_addr);
	inet_pton(AF_INET6, "ff05::2", ip6.dst_addr);
	CHECK_EQ(gw_l3_inner_check_ipv6(&ip6), GW_DROP_INNER_MULTICAST);
	inet_pton(AF_INET, "192.0.2.1", &ip4.src_addr);
	inet_pton(AF_INET, "255.255.255.255", &ip4.dst_addr);
	ip4.hdr_checksum = 0;
	ip4.hdr_checksum = rte_ipv4_cksum(&ip4);
	CHECK_EQ(gw_l3_inner_check_ipv4(&ip4, 20), GW_DROP_INNER_MULTICAST);
}

static void
test_ttl(void)
{
	uint8_t f[2048];
	unsigned int i;
	struct rte_mbuf *m;

	srand(1);
	for (i = 0; i < 2000; i++) {
		size_t len = build_v4(f, false, "192.0.2.1", "198.51.100.1", 0,
				      (uint8_t)(2 + rand() % 254));
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

		ip->packet_id = (uint16_t)rand();
		ip->next_proto_id = (uint8_t)rand();
		ip->src_addr = rte_cpu_to_be_32(0x0a000000u | ((uint32_t)rand() & 0xffffff));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		m = net_test_mbuf_set(&tb, f, len);
		if (gw_l3_parse(m) != GW_DROP_NONE) {
			CHECK(0);
			continue;
		}
		CHECK_EQ(gw_l3_ttl_decrement(m), GW_DROP_NONE);
		ip = v4hdr(m);
		CHECK_EQ(ip->time_to_live, ((struct rte_ipv4_hdr *)(f + 14))->time_to_live - 1);
		CHECK_EQ(rte_raw_cksum(ip, 20), 0xffff);
		CHECK(gw_meta(m)->flags & GW_META_F_TTL_DONE);
	}
	build_v4(f, false, "192.0.2.1", "198.51.100.1", 0, 1);
	m = net_test_mbuf_set(&tb, f, 34);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(gw_l3_ttl_decrement(m), GW_DROP_TTL_EXPIRED);
	CHECK_EQ(v4hdr(m)->time_to_live, 1);
	build_v4(f, false, "192.0.2.1", "198.51.100.1", 0, 0);
	m = net_test_mbuf_set(&tb, f, 34);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(gw_l3_ttl_decrement(m), GW_DROP_TTL_EXPIRED);

	build_v6(f, "2001:db8::1", "2001:db8::2", 0);
	m = net_test_mbuf_set(&tb, f, 54);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK_EQ(gw_l3_ttl_decrement(m), GW_DROP_NONE);
	CHECK_EQ(rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14)->hop_limits, 63);
	rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14)->hop_limits = 1;
	CHECK_EQ(gw_l3_ttl_decrement(m), GW_DROP_TTL_EXPIRED);
}

static void
test_v4_fragment(void)
{
	uint8_t f[2048];
	size_t len = build_v4(f, false, "192.0.2.1", "198.51.100.1", 8, 64);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct rte_mbuf *m;

	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = net_test_mbuf_set(&tb, f, len);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK(!gw_l3_is_fragment(m));
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = net_test_mbuf_set(&tb, f, len);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK(gw_l3_is_fragment(m));
	ip->fragment_offset = RTE_BE16(185);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	m = net_test_mbuf_set(&tb, f, len);
	CHECK_EQ(gw_l3_parse(m), GW_DROP_NONE);
	CHECK(gw_l3_is_fragment(m));
}

/*
 * The register sum of a 20-byte header agrees with rte_raw_cksum() on
 * random headers, right checksums and wrong ones, including the sums
 * that need every carry fold (all-0xff words).
 */
static void
test_v4_cksum_matches_raw(void)
{
	uint8_t h[20];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned int agree = 0, good = 0, i, j;

	for (i = 0; i < 200000; i++) {
		for (j = 0; j < sizeof(h); j++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			h[j] = (uint8_t)(seed >> 56);
		}
		if (i % 7 == 0)
			memset(h, 0xff, sizeof(h) - (i % 5));
		if (i % 2 == 0) {	/* make it right */
			struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)h;

			ip->hdr_checksum = 0;
			ip->hdr_checksum = (uint16_t)~rte_raw_cksum(h, sizeof(h));
		}
		bool raw = rte_raw_cksum(h, sizeof(h)) == 0xffff;

		agree += gw_l3_ipv4_cksum_ok((const struct rte_ipv4_hdr *)h, 20) == raw;
		good += raw;
	}
	CHECK_EQ(agree, 200000);
	CHECK(good >= 100000);
}

int
main(void)
{
	GW_RUN(test_v4_cksum_matches_raw);
	GW_RUN(test_v4_good_and_padding);
	GW_RUN(test_v4_bad);
	GW_RUN(test_l2);
	GW_RUN(test_truncations);
	GW_RUN(test_v6);
	GW_RUN(test_link_local_and_inner);
	GW_RUN(test_ttl);
	GW_RUN(test_v4_fragment);
	return gw_test_result();
}
