/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors (no EAL). With an argument "dump", prints the built frames as
 * "name hex" lines instead, for scapy_check.py to verify independently.
 */

#include <rte_ip.h>

#include "gw_test.h"
#include "net_test.h"
#include "gw_l3.h"
#include "gw_icmp.h"
#include "gw_arp.h"
#include "gw_nd.h"

static struct net_test_mbuf ob, outb;

static struct rte_mbuf *
orig_v4(uint16_t payload, uint8_t proto, uint8_t first_byte, const char *dst)
{
	uint8_t f[2048] = { 0 };
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct rte_mbuf *m;

	f[0] = 0x02, f[5] = 0x01;	/* to us */
	f[6] = 0x02, f[11] = 0x0a;
	f[12] = 0x08;
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + payload));
	ip->time_to_live = 1;
	ip->next_proto_id = proto;
	ip->src_addr = net_test_ip("198.51.100.7").v4.s_addr;
	ip->dst_addr = net_test_ip(dst).v4.s_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	for (unsigned int i = 1; i < payload; i++)
		f[34 + i] = (uint8_t)i;
	f[34] = first_byte;
	if (proto == IPPROTO_UDP) {	/* a well-formed UDP length, for scapy */
		f[38] = (uint8_t)(payload >> 8);
		f[39] = (uint8_t)payload;
	}
	m = net_test_mbuf_set(&ob, f, 34u + payload);
	if (gw_l3_parse(m) != GW_DROP_NONE)
		return NULL;
	return m;
}

static struct rte_mbuf *
orig_v6(uint16_t payload, uint8_t proto, uint8_t first_byte, const char *dst)
{
	uint8_t f[2048] = { 0 };
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
	struct gw_ipaddr a;
	struct rte_mbuf *m;

	f[0] = 0x02, f[5] = 0x01;
	f[6] = 0x02, f[11] = 0x0a;
	f[12] = 0x86, f[13] = 0xdd;
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(payload);
	ip->proto = proto;
	ip->hop_limits = 1;
	a = net_test_ip("2001:db8:7::7");
	memcpy(ip->src_addr, &a.v6, 16);
	a = net_test_ip(dst);
	memcpy(ip->dst_addr, &a.v6, 16);
	f[54] = first_byte;
	if (proto == IPPROTO_UDP) {
		f[58] = (uint8_t)(payload >> 8);
		f[59] = (uint8_t)payload;
	}
	m = net_test_mbuf_set(&ob, f, 54u + payload);
	if (gw_l3_parse(m) != GW_DROP_NONE)
		return NULL;
	return m;
}

static struct rte_mbuf *
out(void)
{
	return net_test_mbuf_set(&outb, NULL, 0);
}

static void
test_icmp4(void)
{
	rte_be32_t me = net_test_ip("192.0.2.1").v4.s_addr;
	struct rte_mbuf *o, *m = orig_v4(100, IPPROTO_UDP, 0, "203.0.113.9");
	struct rte_ipv4_hdr *ip;
	uint8_t *icmp;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	o = out();
	CHECK_EQ(gw_icmp4_time_exceeded(o, m, me), 0);
	CHECK_EQ(rte_pktmbuf_data_len(o), 14 + 20 + 8 + 120);
	ip = rte_pktmbuf_mtod_offset(o, struct rte_ipv4_hdr *, 14);
	CHECK_EQ(rte_raw_cksum(ip, 20), 0xffff);
	CHECK_EQ(ip->src_addr, me);
	CHECK_EQ(ip->dst_addr, net_test_ip("198.51.100.7").v4.s_addr);
	icmp = (uint8_t *)(ip + 1);
	CHECK_EQ(icmp[0], 11);
	CHECK_EQ(rte_raw_cksum(icmp, 8 + 120), 0xffff);
	CHECK_MEM(icmp + 8, rte_pktmbuf_mtod_offset(m, uint8_t *, 14), 120);
	CHECK_EQ(rte_pktmbuf_mtod(o, uint8_t *)[5], 0x0a);	/* back to the sender */

	/* 1400-byte packet: quote cut so the error is 576 bytes */
	m = orig_v4(1380, IPPROTO_TCP, 0, "203.0.113.9");
	o = out();
	CHECK_EQ(gw_icmp4_frag_needed(o, m, me, 1400), 0);
	CHECK_EQ(rte_pktmbuf_data_len(o), 14 + 576);
	icmp = rte_pktmbuf_mtod_offset(o, uint8_t *, 34);
	CHECK_EQ(icmp[0], 3);
	CHECK_EQ(icmp[1], 4);
	CHECK_EQ(icmp[6] << 8 | icmp[7], 1400);
	CHECK_EQ(rte_raw_cksum(icmp, 576 - 20), 0xffff);

	/* no errors about errors, multicast destinations or non-first fragments */
	m = orig_v4(36, IPPROTO_ICMP, 11, "203.0.113.9");
	CHECK_EQ(gw_icmp4_time_exceeded(out(), m, me), -EPERM);
	m = orig_v4(36, IPPROTO_ICMP, 8, "203.0.113.9");	/* echo request is fine */
	CHECK_EQ(gw_icmp4_time_exceeded(out(), m, me), 0);
	m = orig_v4(36, IPPROTO_UDP, 0, "239.1.1.1");
	CHECK_EQ(gw_icmp4_time_exceeded(out(), m, me), -EPERM);
	m = orig_v4(36, IPPROTO_UDP, 0, "203.0.113.9");
	rte_pktmbuf_mtod(m, uint8_t *)[0] = 0xff;	/* L2 broadcast */
	CHECK_EQ(gw_icmp4_time_exceeded(out(), m, me), -EPERM);
	m = orig_v4(36, IPPROTO_UDP, 0, "203.0.113.9");
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->fragment_offset = RTE_BE16(10);
	CHECK_EQ(gw_icmp4_time_exceeded(out(), m, me), -EPERM);
}

static void
test_icmp6(void)
{
	struct gw_ipaddr me = net_test_ip("2001:db8::1");
	struct rte_mbuf *o, *m = orig_v6(1400, IPPROTO_UDP, 0, "2001:db8:9::9");
	struct rte_ipv6_hdr *ip;
	uint8_t *icmp;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	o = out();
	CHECK_EQ(gw_icmp6_packet_too_big(o, m, me.v6.s6_addr, 1400), 0);
	CHECK_EQ(rte_pktmbuf_data_len(o), 14 + 1280);
	ip = rte_pktmbuf_mtod_offset(o, struct rte_ipv6_hdr *, 14);
	icmp = (uint8_t *)(ip + 1);
	CHECK_EQ(icmp[0], 2);
	CHECK_EQ(icmp[6] << 8 | icmp[7], 1400);
	CHECK_EQ(rte_ipv6_udptcp_cksum_verify(ip, icmp), 0);

	m = orig_v6(20, IPPROTO_UDP, 0, "2001:db8:9::9");
	o = out();
	CHECK_EQ(gw_icmp6_time_exceeded(o, m, me.v6.s6_addr), 0);
	CHECK_EQ(rte_pktmbuf_data_len(o), 14 + 40 + 8 + 60);
	ip = rte_pktmbuf_mtod_offset(o, struct rte_ipv6_hdr *, 14);
	CHECK_EQ(rte_ipv6_udptcp_cksum_verify(ip, ip + 1), 0);

	m = orig_v6(20, IPPROTO_ICMPV6, 1, "2001:db8:9::9");	/* an error */
	CHECK_EQ(gw_icmp6_time_exceeded(out(), m, me.v6.s6_addr), -EPERM);
	m = orig_v6(20, IPPROTO_ICMPV6, 128, "2001:db8:9::9");	/* echo request */
	CHECK_EQ(gw_icmp6_time_exceeded(out(), m, me.v6.s6_addr), 0);
	m = orig_v6(20, IPPROTO_UDP, 0, "ff0e::1");
	CHECK_EQ(gw_icmp6_time_exceeded(out(), m, me.v6.s6_addr), -EPERM);
	m = orig_v6(20, IPPROTO_UDP, 0, "ff0e::1");
	CHECK_EQ(gw_icmp6_packet_too_big(out(), m, me.v6.s6_addr, 1280), 0);	/* 2.4(e.3) */
}

static void
test_ratelimit(void)
{
	struct gw_icmp_rl rl;
	unsigned int n = 0, i;
	uint64_t now = 1000;

	gw_icmp_rl_init(&rl, 100, 10, 1000000, now);	/* 1 MHz "TSC" */
	for (i = 0; i < 50; i++)
		n += gw_icmp_rl_take(&rl, now);
	CHECK_EQ(n, 10);				/* the burst */
	now += 1000000;					/* one second later */
	for (n = 0, i = 0; i < 500; i++)
		n += gw_icmp_rl_take(&rl, now);
	CHECK_EQ(n, 10);				/* capped at burst */
	for (n = 0, i = 0; i < 1000; i++)
		n += gw_icmp_rl_take(&rl, now += 1000);	/* 1 s at 1 kHz of tries */
	CHECK(n >= 99 && n <= 101);
	gw_icmp_rl_init(&rl, 0, 10, 1000000, now);
	CHECK(!gw_icmp_rl_take(&rl, now + 5000000));
}

static void
dump(const char *name, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	printf("%s ", name);
	for (unsigned int i = 0; i < rte_pktmbuf_data_len(m); i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int
dump_all(void)
{
	struct rte_ether_addr mac = {{ 0x02, 0, 0, 0, 0, 0x01 }}, peer = {{ 0x02, 0, 0, 0, 0, 9 }};
	struct gw_ipaddr me6 = net_test_ip("2001:db8::1"), tgt = net_test_ip("2001:db8::1234:5678");
	rte_be32_t me = net_test_ip("192.0.2.1").v4.s_addr;
	struct rte_mbuf *o;

	o = out();
	gw_nd_build_ns(o, &mac, me6.v6.s6_addr, tgt.v6.s6_addr, NULL);
	dump("ns_mcast", o);
	o = out();
	gw_nd_build_ns(o, &mac, me6.v6.s6_addr, tgt.v6.s6_addr, &peer);
	dump("ns_ucast", o);
	o = out();
	gw_arp_build_request(o, &mac, me, net_test_ip("192.0.2.10").v4.s_addr, NULL);
	dump("arp_req", o);
	o = out();
	gw_icmp4_time_exceeded(o, orig_v4(100, IPPROTO_UDP, 0, "203.0.113.9"), me);
	dump("icmp4_te", o);
	o = out();
	gw_icmp4_frag_needed(o, orig_v4(1380, IPPROTO_TCP, 0, "203.0.113.9"), me, 1400);
	dump("icmp4_fn", o);
	o = out();
	gw_icmp6_time_exceeded(o, orig_v6(20, IPPROTO_UDP, 0, "2001:db8:9::9"), me6.v6.s6_addr);
	dump("icmp6_te", o);
	o = out();
	gw_icmp6_packet_too_big(o, orig_v6(1400, IPPROTO_UDP, 0, "2001:db8:9::9"),
				me6.v6.s6_addr, 1400);
	dump("icmp6_ptb", o);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "dump") == 0)
		return dump_all();
	GW_RUN(test_icmp4);
	GW_RUN(test_icmp6);
	GW_RUN(test_ratelimit);
	return gw_test_result();
}
