/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef NET_TEST_H
#define NET_TEST_H

/* Helpers shared by the net unit tests (header-only, file-local). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "gw_common.h"
#include "gw_addr.h"

/* EAL with no hugepages and a per-test, per-process file prefix. */
static inline int
net_test_eal_init(const char *what)
{
	char prefix[96];
	char *argv[] = {
		(char *)"ut", (char *)"--no-huge", (char *)"-m", (char *)"256",
		(char *)"--no-pci", (char *)"-l", (char *)"0-1", prefix,
		(char *)"--log-level=lib.eal:error", NULL,
	};

	snprintf(prefix, sizeof(prefix), "--file-prefix=ut-net-%s-%d", what, (int)getpid());
	return rte_eal_init((int)RTE_DIM(argv) - 1, argv);
}

/*
 * An mbuf laid over a caller buffer, without EAL or a pool: enough for the
 * inline fast-path functions (mtod, trim, private area).
 */
struct net_test_mbuf {
	struct rte_mbuf m;
	uint8_t priv[GW_META_PRIV_SIZE];
	uint8_t buf[RTE_PKTMBUF_HEADROOM + 2048];
} __rte_cache_aligned;

static inline struct rte_mbuf *
net_test_mbuf_set(struct net_test_mbuf *b, const void *data, size_t len)
{
	struct rte_mbuf *m = &b->m;

	memset(b, 0, sizeof(*b));
	m->buf_addr = b->buf;
	m->buf_len = sizeof(b->buf);
	m->priv_size = GW_META_PRIV_SIZE;
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->nb_segs = 1;
	m->refcnt = 1;
	if (len > sizeof(b->buf) - RTE_PKTMBUF_HEADROOM)
		len = sizeof(b->buf) - RTE_PKTMBUF_HEADROOM;
	if (len != 0)
		memcpy(b->buf + RTE_PKTMBUF_HEADROOM, data, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return m;
}

/* Tiny parser so tests do not depend on lib/conf: "10.0.0.1/24", "2001:db8::1/64". */
static inline struct gw_prefix
net_test_prefix(const char *text)
{
	struct gw_prefix p = { 0 };
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, &p.v4) == 1) {
		p.family = AF_INET;
		p.len = slash ? (uint8_t)atoi(slash + 1) : 32;
	} else if (inet_pton(AF_INET6, buf, &p.v6) == 1) {
		p.family = AF_INET6;
		p.len = slash ? (uint8_t)atoi(slash + 1) : 128;
	}
	return p;
}

static inline struct gw_ipaddr
net_test_ip(const char *text)
{
	struct gw_prefix p = net_test_prefix(text);
	struct gw_ipaddr a = { .family = p.family };

	memcpy(&a.v6, &p.v6, sizeof(a.v6));
	return a;
}

#endif /* NET_TEST_H */
