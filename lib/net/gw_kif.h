/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_KIF_H
#define GW_KIF_H

/*
 * Kernel side of a port (the TAP of the exception path): make the kernel
 * interface carry the port's addresses, MTU and MAC, and set it up or
 * down, over rtnetlink. Control thread only; needs CAP_NET_ADMIN.
 */

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>

#include "gw_addr.h"

/* What the kernel interface should look like. */
struct gw_kif_params {
	uint16_t mtu;			/* 0 = leave the kernel's */
	bool up;
	bool has_mac;
	struct rte_ether_addr mac;	/* with has_mac */
	unsigned int nb_addrs;
	const struct gw_prefix *addrs;	/* IPv4 and IPv6 */
};

/*
 * Configure ifname as p says: MTU, MAC (when given), every address of p
 * (added or kept), other addresses removed (kernel IPv6 link-local addresses
 * are kept), link up or down. Returns 0 or -errno (-ENODEV: no such
 * interface).
 */
int gw_kif_configure(const char *ifname, const struct gw_kif_params *p);

/* Set the link up or down. 0 or -errno. */
int gw_kif_set_up(const char *ifname, bool up);

#endif /* GW_KIF_H */
