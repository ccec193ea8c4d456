/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP and ND wire parsers against scapy vectors; builders round-trip (no EAL). */

#include <rte_arp.h>

#include "gw_test.h"
#include "net_test.h"
#include "scapy_vectors.h"
#include "gw_arp.h"
#include "gw_nd.h"

static struct net_test_mbuf tb;

static void
test_arp(void)
{
	struct gw_arp_info a;
	uint8_t f[64];
	size_t cut;

	CHECK_EQ(gw_arp_parse_frame(v_arp_req, sizeof(v_arp_req), &a), 0);
	CHECK_EQ(a.op, RTE_ARP_OP_REQUEST);
	CHECK_EQ(a.spa, net_test_ip("192.0.2.10").v4.s_addr);
	CHECK_EQ(a.tpa, net_test_ip("192.0.2.1").v4.s_addr);
	CHECK_EQ(a.sha.addr_bytes[5], 0x0a);
	CHECK_EQ(gw_arp_parse_frame(v_arp_rep, sizeof(v_arp_rep), &a), 0);	/* 802.1Q */
	CHECK_EQ(a.op, RTE_ARP_OP_REPLY);
	CHECK_EQ(a.spa, net_test_ip("192.0.2.11").v4.s_addr);
	for (cut = 0; cut < sizeof(v_arp_req); cut++)
		CHECK(gw_arp_parse_frame(v_arp_req, cut, &a) != 0);
	memcpy(f, v_arp_req, sizeof(v_arp_req));
	f[21] = 3;	/* RARP op */
	CHECK_EQ(gw_arp_parse_frame(f, sizeof(v_arp_req), &a), -EINVAL);
	memcpy(f, v_arp_req, sizeof(v_arp_req));
	f[22] = 0x01;	/* multicast sender MAC */
	CHECK_EQ(gw_arp_parse_frame(f, sizeof(v_arp_req), &a), -EINVAL);
	memcpy(f, v_arp_req, sizeof(v_arp_req));
	f[19] = 16;	/* plen */
	CHECK_EQ(gw_arp_parse_frame(f, sizeof(v_arp_req), &a), -EINVAL);
	CHECK_EQ(gw_arp_parse_frame(v_ns, sizeof(v_ns), &a), -EINVAL);
}

static void
test_arp_build(void)
{
	struct rte_ether_addr mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
	struct gw_arp_info a;
	struct rte_mbuf *m = net_test_mbuf_set(&tb, NULL, 0);

	CHECK_EQ(gw_arp_build_request(m, &mac, net_test_ip("192.0.2.1").v4.s_addr,
				      net_test_ip("192.0.2.10").v4.s_addr, NULL), 0);
	CHECK_EQ(rte_pktmbuf_data_len(m), 60);
	CHECK_EQ(gw_arp_parse_frame(rte_pktmbuf_mtod(m, uint8_t *), 60, &a), 0);
	CHECK_EQ(a.op, RTE_ARP_OP_REQUEST);
	CHECK(rte_is_same_ether_addr(&a.sha, &mac));
	CHECK(rte_is_broadcast_ether_addr(rte_pktmbuf_mtod(m, struct rte_ether_addr *)));
	CHECK_EQ(a.tpa, net_test_ip("192.0.2.10").v4.s_addr);
}

static void
test_nd_vectors(void)
{
	struct gw_nd_info nd;
	struct gw_ipaddr a;

	CHECK_EQ(gw_nd_parse_frame(v_ns, sizeof(v_ns), &nd), 0);
	CHECK_EQ(nd.type, GW_ND_NS);
	CHECK(nd.has_lladdr);
	CHECK_EQ(nd.lladdr.addr_bytes[5], 0x0a);
	a = net_test_ip("2001:db8::1");
	CHECK_MEM(nd.target, &a.v6, 16);
	a = net_test_ip("2001:db8::a");
	CHECK_MEM(nd.src, &a.v6, 16);

	CHECK_EQ(gw_nd_parse_frame(v_na, sizeof(v_na), &nd), 0);
	CHECK_EQ(nd.type, GW_ND_NA);
	CHECK_EQ(nd.flags, GW_ND_NA_F_SOLICITED | GW_ND_NA_F_OVERRIDE);
	CHECK(nd.has_lladdr);
	CHECK_EQ(nd.lladdr.addr_bytes[5], 0x0b);
	a = net_test_ip("2001:db8::b");
	CHECK_MEM(nd.target, &a.v6, 16);

	CHECK_EQ(gw_nd_parse_frame(v_dad, sizeof(v_dad), &nd), 0);
	CHECK(!nd.has_lladdr);
}

static void
test_nd_invalid(void)
{
	struct gw_nd_info nd;
	uint8_t f[128];
	size_t cut;

	for (cut = 0; cut < sizeof(v_ns); cut++)
		CHECK(gw_nd_parse_frame(v_ns, cut, &nd) != 0);
	memcpy(f, v_ns, sizeof(v_ns));
	f[21] = 254;	/* hop limit: routed from elsewhere */
	CHECK_EQ(gw_nd_parse_frame(f, sizeof(v_ns), &nd), -EINVAL);
	memcpy(f, v_ns, sizeof(v_ns));
	f[sizeof(v_ns) - 1] ^= 1;	/* option byte: checksum no longer matches */
	CHECK_EQ(gw_nd_parse_frame(f, sizeof(v_ns), &nd), -EBADMSG);
	memcpy(f, v_ns, sizeof(v_ns));
	f[55] = 1;	/* code */
	CHECK_EQ(gw_nd_parse_frame(f, sizeof(v_ns), &nd), -EINVAL);
	/* option length 0 (checksum fixed up by hand: the word 0x0101 became 0x0100) */
	memcpy(f, v_ns, sizeof(v_ns));
	f[79] = 0;
	f[56] = 0x1c;
	f[57] = 0x18;
	CHECK_EQ(gw_nd_parse_frame(f, sizeof(v_ns), &nd), -EINVAL);
	/* payload length larger than the frame */
	memcpy(f, v_ns, sizeof(v_ns));
	f[19] = 0x28;
	CHECK_EQ(gw_nd_parse_frame(f, sizeof(v_ns), &nd), -EMSGSIZE);
	CHECK_EQ(gw_nd_parse_frame(v_arp_req, sizeof(v_arp_req), &nd), -EINVAL);
}

static void
test_nd_build(void)
{
	struct rte_ether_addr mac = {{ 0x02, 0, 0, 0, 0, 0x01 }}, peer = {{ 0x02, 0, 0, 0, 0, 9 }};
	struct gw_ipaddr src = net_test_ip("2001:db8::1"), tgt = net_test_ip("2001:db8::1234:5678");
	struct gw_ipaddr grp = net_test_ip("ff02::1:ff34:5678");
	struct rte_mbuf *m = net_test_mbuf_set(&tb, NULL, 0);
	struct gw_nd_info nd;
	const uint8_t *f;

	CHECK_EQ(gw_nd_build_ns(m, &mac, src.v6.s6_addr, tgt.v6.s6_addr, NULL), 0);
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	CHECK_EQ(gw_nd_parse_frame(f, rte_pktmbuf_data_len(m), &nd), 0);
	CHECK_EQ(nd.type, GW_ND_NS);
	CHECK_MEM(nd.target, &tgt.v6, 16);
	CHECK_MEM(nd.dst, &grp.v6, 16);
	CHECK(nd.has_lladdr && rte_is_same_ether_addr(&nd.lladdr, &mac));
	CHECK_EQ(f[0], 0x33);
	CHECK_EQ(f[2], 0xff);
	CHECK_EQ(f[3], 0x34);
	CHECK_EQ(f[5], 0x78);

	m = net_test_mbuf_set(&tb, NULL, 0);
	CHECK_EQ(gw_nd_build_ns(m, &mac, src.v6.s6_addr, tgt.v6.s6_addr, &peer), 0);
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	CHECK_EQ(gw_nd_parse_frame(f, rte_pktmbuf_data_len(m), &nd), 0);
	CHECK_MEM(nd.dst, &tgt.v6, 16);
	CHECK_EQ(f[5], 9);
}

int
main(void)
{
	GW_RUN(test_arp);
	GW_RUN(test_arp_build);
	GW_RUN(test_nd_vectors);
	GW_RUN(test_nd_invalid);
	GW_RUN(test_nd_build);
	return gw_test_result();
}
