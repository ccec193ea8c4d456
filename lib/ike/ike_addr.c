/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKE SA's addresses of either family (ike_addr.h): IKE over IPv6 uses
 * them as IKE over IPv4 does, for the sockets, NAT detection (RFC 7296 2.23:
 * the 16 octets of an IPv6 address), cookies (2.6), the caps per peer and
 * the logs and show commands.
 */
#include <string.h>
#include <arpa/inet.h>

#include "ike_addr.h"

void
ike_addr_set(union ike_sockaddr *a, const struct gw_ipaddr *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (ip->family == AF_INET6) {
		a->v6.sin6_family = AF_INET6;
		a->v6.sin6_addr = ip->v6;
		a->v6.sin6_port = htons(port);
	} else {
		a->v4.sin_family = AF_INET;
		a->v4.sin_addr = ip->v4;
		a->v4.sin_port = htons(port);
	}
}

struct gw_ipaddr
ike_addr_ip(const union ike_sockaddr *a)
{
	struct gw_ipaddr ip;

	memset(&ip, 0, sizeof(ip));
	ip.family = (uint8_t)a->sa.sa_family;
	if (a->sa.sa_family == AF_INET6)
		ip.v6 = a->v6.sin6_addr;
	else
		ip.v4 = a->v4.sin_addr;
	return ip;
}

uint16_t
ike_addr_port(const union ike_sockaddr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->v6.sin6_port : a->v4.sin_port);
}

void
ike_addr_set_port(union ike_sockaddr *a, uint16_t port)
{
	if (a->sa.sa_family == AF_INET6)
		a->v6.sin6_port = htons(port);
	else
		a->v4.sin_port = htons(port);
}

socklen_t
ike_addr_len(const union ike_sockaddr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4);
}

const uint8_t *
ike_addr_bytes(const union ike_sockaddr *a, size_t *len)
{
	if (a->sa.sa_family == AF_INET6) {
		*len = 16;
		return a->v6.sin6_addr.s6_addr;
	}
	*len = 4;
	return (const uint8_t *)&a->v4.sin_addr.s_addr;
}

bool
ike_addr_same_host(const union ike_sockaddr *a, const union ike_sockaddr *b)
{
	size_t la, lb;
	const uint8_t *pa = ike_addr_bytes(a, &la), *pb = ike_addr_bytes(b, &lb);

	return a->sa.sa_family == b->sa.sa_family && la == lb && memcmp(pa, pb, la) == 0;
}

bool
ike_addr_equal(const union ike_sockaddr *a, const union ike_sockaddr *b)
{
	return ike_addr_same_host(a, b) && ike_addr_port(a) == ike_addr_port(b);
}

bool
ike_addr_is_ip(const union ike_sockaddr *a, const struct gw_ipaddr *ip)
{
	union ike_sockaddr b;

	if (ip->family != a->sa.sa_family)
		return false;
	ike_addr_set(&b, ip, 0);
	return ike_addr_same_host(a, &b);
}

const char *
ike_addr_str(const union ike_sockaddr *a)
{
	static char bufs[4][INET6_ADDRSTRLEN];
	static unsigned int next;
	char *b = bufs[next++ % 4];
	size_t len;
	const uint8_t *p = ike_addr_bytes(a, &len);

	if (inet_ntop(len == 16 ? AF_INET6 : AF_INET, p, b, INET6_ADDRSTRLEN) == NULL)
		strcpy(b, "?");
	return b;
}
