/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FRAG_TEST_H
#define FRAG_TEST_H

/*
 * Helpers shared by the lib/frag unit tests (header-only, file-local):
 * EAL, pools, packet builders, a tiny pcap writer/reader (Ethernet link
 * type, so that scapy dissects both families) and the scapy checker.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "gw_common.h"

#define FT_PY "/usr/bin/python3"
#define FT_BIG_ROOM (RTE_PKTMBUF_HEADROOM + 9216)

static inline int
ft_eal_init(const char *what)
{
	char prefix[96];
	char *argv[] = {
		(char *)"ut", (char *)"--no-huge", (char *)"-m", (char *)"256",
		(char *)"--no-pci", (char *)"-l", (char *)"0-1", prefix,
		(char *)"--log-level=lib.eal:error", NULL,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut-frag-%s-%d", what, (int)getpid());
	return rte_eal_init((int)RTE_DIM(argv) - 1, argv);
}

static inline struct rte_mempool *
ft_pool(const char *name, unsigned int n, uint16_t room)
{
	return rte_pktmbuf_pool_create(name, n, 0, GW_META_PRIV_SIZE, room, SOCKET_ID_ANY);
}

static inline struct rte_mbuf *
ft_mbuf(struct rte_mempool *mp, const void *data, uint16_t len, uint16_t l2)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	void *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_append(m, len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(d, data, len);
	memset(gw_meta(m), 0, sizeof(struct gw_meta));
	m->l2_len = l2;
	return m;
}

/*
 * IPv4 packet into buf: optlen bytes of options (multiple of 4) from opts,
 * payload of plen pseudo-random bytes. Returns the total length.
 */
static inline uint16_t
ft_ipv4(uint8_t *buf, const char *src, const char *dst, uint8_t proto, uint16_t id,
	bool df, const uint8_t *opts, uint8_t optlen, uint16_t plen)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
	uint16_t hlen = (uint16_t)(20 + optlen), i;

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = (uint8_t)(0x40 | (hlen / 4));
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hlen + plen));
	ip->packet_id = rte_cpu_to_be_16(id);
	ip->fragment_offset = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	inet_pton(AF_INET, src, &ip->src_addr);
	inet_pton(AF_INET, dst, &ip->dst_addr);
	if (optlen)
		memcpy(ip + 1, opts, optlen);
	for (i = 0; i < plen; i++)
		buf[hlen + i] = (uint8_t)(rte_rand() + i);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return (uint16_t)(hlen + plen);
}

static inline uint16_t
ft_ipv6(uint8_t *buf, const char *src, const char *dst, uint8_t proto, uint16_t plen)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)buf;
	uint16_t i;

	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = proto;
	ip->hop_limits = 64;
	inet_pton(AF_INET6, src, ip->src_addr);
	inet_pton(AF_INET6, dst, ip->dst_addr);
	for (i = 0; i < plen; i++)
		buf[40 + i] = (uint8_t)(rte_rand() + i);
	return (uint16_t)(40 + plen);
}

/* pcap, link type Ethernet: IP packets get a dummy Ethernet header. */
static inline FILE *
ft_pcap_open(const char *path)
{
	FILE *f = fopen(path, "wb");
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

	if (f != NULL)
		fwrite(gh, sizeof(gh), 1, f);
	return f;
}

/* Write the IP packet of m (its L2 header, if any, is replaced). */
static inline void
ft_pcap_write(FILE *f, const struct rte_mbuf *m)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	uint32_t len = rte_pktmbuf_data_len(m) - m->l2_len;
	uint32_t rh[4] = { 0, 0, len + 14, len + 14 };
	uint8_t eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 };

	if ((ip[0] >> 4) == 6)
		eth[12] = 0x86, eth[13] = 0xdd;
	fwrite(rh, sizeof(rh), 1, f);
	fwrite(eth, sizeof(eth), 1, f);
	fwrite(ip, len, 1, f);
}

/* Read the next record of an Ethernet pcap into buf; returns its length, 0 at EOF. */
static inline uint32_t
ft_pcap_read(FILE *f, uint8_t *buf, uint32_t max)
{
	uint32_t rh[4];

	if (fread(rh, sizeof(rh), 1, f) != 1 || rh[2] > max)
		return 0;
	if (fread(buf, rh[2], 1, f) != 1)
		return 0;
	return rh[2];
}

static inline FILE *
ft_pcap_in(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint32_t gh[6];

	if (f != NULL && fread(gh, sizeof(gh), 1, f) != 1) {
		fclose(f);
		return NULL;
	}
	return f;
}

/* Run the scapy checker; returns its exit status (0 = pass). */
static inline int
ft_scapy(const char *dir, const char *args)
{
	char cmd[1024];
	int rc;

	snprintf(cmd, sizeof(cmd), FT_PY " %s/frag_check.py %s", dir, args);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "scapy check failed (%d): %s\n", rc, cmd);
	return rc;
}

/* A private folder for the pcaps of one test run; removed by ft_tmpdir_remove(). */
static inline int
ft_tmpdir_create(char *dir, size_t size, const char *what)
{
	snprintf(dir, size, "/tmp/ut-%s-XXXXXX", what);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static inline void
ft_tmpdir_remove(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#endif /* FRAG_TEST_H */
