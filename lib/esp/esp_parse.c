/* SPDX-License-Identifier: BSD-3-Clause */
/* Classify helper: is this ESP (plain or in UDP), and with which SPI. */

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <netinet/in.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "gw_esp.h"

_Atomic uint16_t gw_esp_encap_port_now;

void
gw_esp_set_encap_port(uint16_t port)
{
	atomic_store_explicit(&gw_esp_encap_port_now, port, memory_order_relaxed);
}

int
gw_esp_parse_spi_buf(const uint8_t *p, uint32_t len, uint32_t *spi, bool *udp_encap,
		     uint16_t *udp_port)
{
	struct rte_ipv4_hdr ip;
	struct rte_ipv6_hdr ip6;
	struct rte_udp_hdr uh;
	uint32_t l3, end, be_spi;
	uint16_t dport;
	uint8_t proto;

	*udp_encap = false;
	*udp_port = 0;
	if (len < 1)
		return -EBADMSG;
	if ((p[0] >> 4) == 4) {
		if (len < sizeof(ip))
			return -EBADMSG;
		memcpy(&ip, p, sizeof(ip));
		l3 = (ip.version_ihl & 0x0f) * 4u;
		end = rte_be_to_cpu_16(ip.total_length);
		if (l3 < sizeof(ip) || end < l3 || end > len)
			return -EBADMSG;
		if (ip.fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
			return GW_ESP_CLASS_FRAGMENT;
		proto = ip.next_proto_id;
	} else if ((p[0] >> 4) == 6) {
		if (len < sizeof(ip6))
			return -EBADMSG;
		memcpy(&ip6, p, sizeof(ip6));
		l3 = sizeof(ip6);
		end = l3 + rte_be_to_cpu_16(ip6.payload_len);
		if (end > len)
			return -EBADMSG;
		proto = ip6.proto;
	} else {
		return -EBADMSG;
	}

	if (proto == IPPROTO_UDP) {
		if (end - l3 < sizeof(uh))
			return -EBADMSG;
		memcpy(&uh, p + l3, sizeof(uh));
		dport = rte_be_to_cpu_16(uh.dst_port);
		if (!gw_esp_udp_port_may_carry_esp(dport))
			return GW_ESP_CLASS_NOT_ESP;
		if (rte_be_to_cpu_16(uh.dgram_len) < sizeof(uh) ||
		    rte_be_to_cpu_16(uh.dgram_len) > end - l3)
			return -EBADMSG;
		end = l3 + rte_be_to_cpu_16(uh.dgram_len);
		l3 += sizeof(uh);
		if (dport == GW_ESP_NATT_PORT) {
			/* RFC 3948 2.3 NAT-keepalive: a single 0xFF octet */
			if (end - l3 == 1 && p[l3] == 0xff)
				return GW_ESP_CLASS_KEEPALIVE;
			/* RFC 3948 2.2: non-ESP marker, four zero octets: IKE */
			if (end - l3 >= 4 && memcmp(p + l3, "\0\0\0\0", 4) == 0)
				return GW_ESP_CLASS_IKE;
		}
		*udp_encap = true;
		*udp_port = dport;
	} else if (proto != IPPROTO_ESP) {
		return GW_ESP_CLASS_NOT_ESP;
	}
	if (end - l3 < 8)	/* SPI and sequence number */
		return -EBADMSG;
	memcpy(&be_spi, p + l3, 4);
	*spi = rte_be_to_cpu_32(be_spi);
	if (*spi == 0)	/* reserved (RFC 4303 2.1); never an SA */
		return -EBADMSG;
	return GW_ESP_CLASS_ESP;
}

int
gw_esp_parse_spi(struct rte_mbuf *m, uint32_t *spi, bool *udp_encap, uint16_t *udp_port)
{
	return gw_esp_parse_spi_buf(rte_pktmbuf_mtod(m, const uint8_t *),
				    rte_pktmbuf_data_len(m), spi, udp_encap, udp_port);
}
