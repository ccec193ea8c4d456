/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_ADDR_H
#define IKE_ADDR_H

/*
 * The IKE SA's own addresses, of either family (IKE over IPv4 or IPv6): a
 * socket address the sockets take as it is, and the helpers that hash,
 * compare and print it (ike_addr.c). Control thread only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "gw_addr.h"

union ike_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in v4;		/* sa.sa_family AF_INET */
	struct sockaddr_in6 v6;		/* AF_INET6 */
};

/* A configured address and a port (host order). */
void ike_addr_set(union ike_sockaddr *a, const struct gw_ipaddr *ip, uint16_t port);
/* The address alone (tunnel endpoints, identities). */
struct gw_ipaddr ike_addr_ip(const union ike_sockaddr *a);
uint16_t ike_addr_port(const union ike_sockaddr *a);	/* host order */
void ike_addr_set_port(union ike_sockaddr *a, uint16_t port);
socklen_t ike_addr_len(const union ike_sockaddr *a);
/* The address octets, network order: 4 or 16 of them (*len). */
const uint8_t *ike_addr_bytes(const union ike_sockaddr *a, size_t *len);
/* Same family and address (ports aside). */
bool ike_addr_same_host(const union ike_sockaddr *a, const union ike_sockaddr *b);
/* Same family, address and port. */
bool ike_addr_equal(const union ike_sockaddr *a, const union ike_sockaddr *b);
bool ike_addr_is_ip(const union ike_sockaddr *a, const struct gw_ipaddr *ip);
/*
 * "192.0.2.1" or "2001:db8::1", in one of a few static buffers used in turn
 * (several in one log line, as inet_ntoa for one).
 */
const char *ike_addr_str(const union ike_sockaddr *a);

#endif /* IKE_ADDR_H */
