/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ADDR_H
#define GW_ADDR_H

/*
 * Addresses and prefixes, IPv4 or IPv6, as every module passes them
 * (configuration, routes, neighbours, SAs, policies).
 */

#include <stdint.h>
#include <netinet/in.h>

struct gw_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* prefix length */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct gw_ipaddr {
	uint8_t family;		/* AF_INET, AF_INET6, 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

#endif /* GW_ADDR_H */
