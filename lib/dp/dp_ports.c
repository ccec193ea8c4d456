/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interfaces: EAL device arguments from the configuration, port and queue
 * set-up, and the exception TAP each port may have.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "gw_dp.h"
#include "apply_net.h"
#include "gw_log.h"
#include "dp_priv.h"

#define RX_DESC 1024
#define TX_DESC 1024

/* "0000:03:00.0" or "03:00.0": a PCI address; anything else is a vdev. */
static bool
is_pci_address(const char *dev)
{
	unsigned int a, b, c, d;
	char tail;

	return sscanf(dev, "%x:%x:%x.%x%c", &a, &b, &c, &d, &tail) == 4 ||
	       sscanf(dev, "%x:%x.%x%c", &b, &c, &d, &tail) == 3;
}

/* The exception TAP's vdev name for interface i (net_tap requires the prefix). */
static void
tap_vdev_name(unsigned int i, char *buf, size_t len)
{
	snprintf(buf, len, "net_tap_gwexc%u", i);
}

int
gw_dp_eal_device_args(const struct gw_config *conf, char ***argv_out, int *argc_out,
		      bool *has_pci)
{
	char **argv = calloc(conf->nb_interfaces * 4 + 1, sizeof(char *));
	int argc = 0;
	char buf[512];

	if (argv == NULL)
		return -ENOMEM;
	*has_pci = false;
	for (unsigned int i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_interface *itf = &conf->interfaces[i];
		bool pci = is_pci_address(itf->device);

		*has_pci |= pci;
		argv[argc++] = strdup(pci ? "-a" : "--vdev");
		argv[argc++] = strdup(itf->device);
		if (itf->exception == GW_EXCEPTION_TAP) {
			tap_vdev_name(i, buf, sizeof(buf));
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ",iface=%s",
				 itf->tap_name);
			argv[argc++] = strdup("--vdev");
			argv[argc++] = strdup(buf);
		}
	}
	for (int i = 0; i < argc; i++) {
		if (argv[i] == NULL) {
			for (int j = 0; j < argc; j++)
				free(argv[j]);
			free(argv);
			return -ENOMEM;
		}
	}
	*argv_out = argv;
	*argc_out = argc;
	return 0;
}

/* DPDK's device name is the device string up to the first comma. */
static int
port_by_device(const char *device, uint16_t *port_id)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t n = strcspn(device, ",");

	if (n >= sizeof(name))
		return -ENAMETOOLONG;
	memcpy(name, device, n);
	name[n] = '\0';
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	/* PCI devices may be named in the short form "03:00.0". */
	if (is_pci_address(name) && strchr(name, ':') == strrchr(name, ':')) {
		char full[RTE_ETH_NAME_MAX_LEN + 8];

		snprintf(full, sizeof(full), "0000:%s", name);
		if (rte_eth_dev_get_port_by_name(full, port_id) == 0)
			return 0;
	}
	return -ENODEV;
}

static int
setup_queues(struct gw_dp *dp, struct gw_port *p, uint16_t want_rxq, uint16_t want_txq)
{
	struct rte_eth_conf port_conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = RX_DESC, nb_txd = TX_DESC;
	int socket = rte_eth_dev_socket_id(p->port_id);
	int rc;

	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	/* net_tap insists on as many RX as TX queues: the extra RX queues are polled too. */
	if (strcmp(info.driver_name, "net_tap") == 0)
		want_rxq = want_txq = RTE_MAX(want_rxq, want_txq);
	p->nb_rxq = RTE_MIN(want_rxq, info.max_rx_queues);
	p->nb_txq = RTE_MIN(want_txq, info.max_tx_queues);
	if (p->nb_rxq == 0 || p->nb_txq == 0)
		return -ENOTSUP;
	p->txq_shared = p->nb_txq < want_txq;
	p->control_txq = p->nb_txq - 1;
	for (uint16_t q = 0; q < p->nb_txq; q++)
		rte_spinlock_init(&p->txq_lock[q]);
	if (p->nb_rxq > 1) {
		/* Spread flows across workers; group SAs keep inner addresses outside. */
		port_conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		port_conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
			info.flow_type_rss_offloads;
		if (port_conf.rx_adv_conf.rss_conf.rss_hf == 0)
			port_conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		port_conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &port_conf);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc != 0)
		return rc;
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, socket, NULL, dp->pool);
		if (rc != 0)
			return rc;
	}
	for (uint16_t q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, socket, NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
port_addresses(struct gw_port *p, const struct gw_conf_interface *itf)
{
	for (unsigned int a = 0; a < itf->nb_addrs; a++) {
		const struct gw_prefix *pf = &itf->addrs[a];

		if (pf->family == AF_INET && p->ip4 == 0)
			p->ip4 = pf->v4.s_addr;
		if (pf->family == AF_INET6 && !p->has_ip6) {
			memcpy(p->ip6, &pf->v6, 16);
			p->has_ip6 = true;
		}
	}
}

static int
setup_tap(struct gw_dp *dp, struct gw_port *p, unsigned int index,
	  const struct gw_conf_interface *itf)
{
	char name[64];
	int rc;

	tap_vdev_name(index, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, &p->tap_port_id) != 0) {
		GW_LOG(general, ERR, "%s: exception TAP %s missing", itf->name, name);
		return -ENODEV;
	}
	{
		struct gw_port tap = { .port_id = p->tap_port_id };

		rc = setup_queues(dp, &tap, 1, 1);
	}
	if (rc != 0)
		return rc;
	/* The kernel answers ARP for the port: it must use the port's MAC. */
	rc = rte_eth_dev_default_mac_addr_set(p->tap_port_id, &p->mac);
	if (rc != 0)
		GW_LOG(general, WARNING, "%s: cannot set TAP MAC: %s", itf->name,
		       rte_strerror(-rc));
	rc = rte_eth_dev_start(p->tap_port_id);
	if (rc != 0)
		return rc;
	/* net_tap refuses frames over its own MTU, whatever the kernel side's (lib/dp tx_local) */
	if (rte_eth_dev_get_mtu(p->tap_port_id, &p->tap_mtu) != 0 || p->tap_mtu < 1280)
		p->tap_mtu = RTE_ETHER_MTU;
	rc = apply_kif(itf->tap_name, itf);
	if (rc != 0)
		GW_LOG(general, ERR, "%s: cannot configure kernel interface %s: %s",
		       itf->name, itf->tap_name, strerror(-rc));
	return rc;
}

int
dp_ports_init(struct gw_dp *dp, uint16_t want_rxq, uint16_t want_txq)
{
	const struct gw_config *conf = dp->conf;
	int rc;

	for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++)
		dp->port_index[i] = UINT16_MAX;
	for (unsigned int i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_interface *itf = &conf->interfaces[i];
		struct gw_port *p = &dp->ports[i];

		snprintf(p->name, sizeof(p->name), "%s", itf->name);
		p->tap_port_id = UINT16_MAX;
		p->up = !itf->disable;
		p->mtu = itf->mtu;
		rc = port_by_device(itf->device, &p->port_id);
		if (rc != 0) {
			GW_LOG(general, ERR, "%s: device '%s' not found", itf->name,
			       itf->device);
			return rc;
		}
		dp->port_index[p->port_id] = i;
		dp->nb_ports = i + 1;
		rc = setup_queues(dp, p, want_rxq, want_txq);
		if (rc != 0) {
			GW_LOG(general, ERR, "%s: queue set-up failed: %s", itf->name,
			       rte_strerror(-rc));
			return rc;
		}
		if (itf->has_mac) {
			p->mac = itf->mac;
			rc = rte_eth_dev_default_mac_addr_set(p->port_id, &p->mac);
			if (rc != 0)
				GW_LOG(general, INFO, "%s: device keeps its MAC (%s); "
				       "frames use the configured one", itf->name,
				       rte_strerror(-rc));
		} else {
			rte_eth_macaddr_get(p->port_id, &p->mac);
		}
		rc = rte_eth_dev_set_mtu(p->port_id, p->mtu);
		if (rc != 0 && rc != -ENOTSUP)
			GW_LOG(general, INFO, "%s: device MTU unchanged: %s", itf->name,
			       rte_strerror(-rc));
		port_addresses(p, itf);
		rc = rte_eth_dev_start(p->port_id);
		if (rc != 0) {
			GW_LOG(general, ERR, "%s: start failed: %s", itf->name,
			       rte_strerror(-rc));
			return rc;
		}
		rte_eth_promiscuous_enable(p->port_id);
		if (!p->up)
			rte_eth_dev_set_link_down(p->port_id);
		if (itf->exception == GW_EXCEPTION_TAP) {
			rc = setup_tap(dp, p, i, itf);
			if (rc != 0)
				return rc;
		}
		GW_LOG(general, NOTICE, "%s: port %u, %u rx / %u tx queues%s, MAC "
		       RTE_ETHER_ADDR_PRT_FMT "%s%s", itf->name, p->port_id, p->nb_rxq,
		       p->nb_txq, p->txq_shared ? " (shared)" : "",
		       RTE_ETHER_ADDR_BYTES(&p->mac),
		       p->tap_port_id != UINT16_MAX ? ", kernel side " : "",
		       p->tap_port_id != UINT16_MAX ? itf->tap_name : "");
	}
	return 0;
}

void
dp_ports_close(struct gw_dp *dp)
{
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		struct gw_port *p = &dp->ports[i];

		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		if (p->tap_port_id != UINT16_MAX) {
			rte_eth_dev_stop(p->tap_port_id);
			rte_eth_dev_close(p->tap_port_id);
		}
	}
}

/* Transmit on a port queue, locking it when lcores share it. */
uint16_t
dp_port_tx(struct gw_port *p, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t sent;

	if (!p->txq_shared)
		return rte_eth_tx_burst(p->port_id, queue, pkts, n);
	rte_spinlock_lock(&p->txq_lock[queue]);
	sent = rte_eth_tx_burst(p->port_id, queue, pkts, n);
	rte_spinlock_unlock(&p->txq_lock[queue]);
	return sent;
}

void
dp_port_tx_counted(struct gw_port *p, uint16_t queue, struct gw_port_counters *ctr,
		   struct rte_mbuf **pkts, uint16_t n, uint64_t bytes)
{
	uint16_t sent = dp_port_tx(p, queue, pkts, n);

	for (uint16_t i = sent; i < n; i++) {
		bytes -= rte_pktmbuf_pkt_len(pkts[i]);
		gw_meta(pkts[i])->drop = GW_DROP_TX_FULL;
	}
	ctr->tx_pkts += sent;
	ctr->tx_bytes += bytes;
	gw_drop_burst(pkts + sent, n - sent);
}
