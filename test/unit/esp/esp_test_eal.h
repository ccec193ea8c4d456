/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ESP_TEST_EAL_H
#define ESP_TEST_EAL_H

/*
 * The ESP unit tests' start-up (test_esp.c, test_esp_outer.c): EAL without
 * hugepages or PCI on lcores 0-1 under a per-process file prefix, and one mbuf
 * pool of `nb_mbufs` with the gateway's metadata area.
 */

#include <stdio.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "gw_common.h"

static inline struct rte_mempool *
esp_test_eal_init(char *argv0, const char *name, unsigned int nb_mbufs)
{
	char prefix[64];
	char *eal[] = { argv0, "--no-huge", "-m", "256", "--no-pci", "-l", "0-1",
		"--file-prefix", prefix, "--log-level", "lib.eal:error" };

	snprintf(prefix, sizeof(prefix), "ut-%s-%d", name, getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0)
		return NULL;
	return rte_pktmbuf_pool_create(name, nb_mbufs, 0, GW_META_PRIV_SIZE, 4096, SOCKET_ID_ANY);
}

#endif
