/* SPDX-License-Identifier: BSD-3-Clause */
/* Addresses, prefixes, MACs, keys and port ranges as the configuration writes them. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "conf_priv.h"

int
gw_ipaddr_parse(const char *text, struct gw_ipaddr *out)
{
	struct gw_ipaddr a;

	memset(&a, 0, sizeof(a));
	if (text == NULL)
		return -EINVAL;
	if (inet_pton(AF_INET, text, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, text, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*out = a;
	return 0;
}

int
gw_prefix_parse(const char *text, struct gw_prefix *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct gw_ipaddr a;
	const char *slash;
	unsigned long len;
	char *end;

	if (text == NULL)
		return -EINVAL;
	slash = strchr(text, '/');
	if (slash == NULL || (size_t)(slash - text) >= sizeof(buf) || slash[1] < '0' ||
	    slash[1] > '9')
		return -EINVAL;
	memcpy(buf, text, slash - text);
	buf[slash - text] = '\0';
	if (gw_ipaddr_parse(buf, &a) < 0)
		return -EINVAL;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || len > (a.family == AF_INET ? 32u : 128u))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = a.family;
	out->len = (uint8_t)len;
	if (a.family == AF_INET)
		out->v4 = a.v4;
	else
		out->v6 = a.v6;
	return 0;
}

/* The first `len` bits of x and y are equal. */
static bool
bits_match(const uint8_t *x, const uint8_t *y, unsigned int len)
{
	unsigned int bytes = len / 8, rest = len % 8;

	if (memcmp(x, y, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((x[bytes] ^ y[bytes]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
gw_prefix_contains(const struct gw_prefix *p, const struct gw_ipaddr *a)
{
	if (p == NULL || a == NULL || p->family != a->family)
		return false;
	if (p->family == AF_INET)
		return bits_match((const uint8_t *)&p->v4, (const uint8_t *)&a->v4, p->len);
	if (p->family == AF_INET6)
		return bits_match(p->v6.s6_addr, a->v6.s6_addr, p->len);
	return false;
}

/* No bit set after the prefix length ("10.0.0.0/8", not "10.0.0.1/8"). */
bool
conf_prefix_is_canonical(const struct gw_prefix *p)
{
	const uint8_t *b = p->family == AF_INET ? (const uint8_t *)&p->v4 : p->v6.s6_addr;
	unsigned int total = p->family == AF_INET ? 4 : 16;

	for (unsigned int i = p->len / 8; i < total; i++) {
		uint8_t mask = i == p->len / 8 ? (uint8_t)(0xff >> (p->len % 8)) : 0xff;

		if (b[i] & mask)
			return false;
	}
	return true;
}

bool
conf_ipaddr_eq(const struct gw_ipaddr *a, const struct gw_ipaddr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
	return true;
}

bool
conf_prefix_eq(const struct gw_prefix *a, const struct gw_prefix *b)
{
	if (a->family != b->family || a->len != b->len)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

const char *
conf_ipaddr_str(const struct gw_ipaddr *a, char *buf, size_t len)
{
	if (a->family == 0 || inet_ntop(a->family, &a->v6, buf, len) == NULL)
		snprintf(buf, len, "-");
	return buf;
}

const char *
conf_prefix_str(const struct gw_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (p->family == 0 || inet_ntop(p->family, &p->v6, a, sizeof(a)) == NULL)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

static int
hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "02:00:00:00:00:01" (or '-' separated); unicast, not all-zero. */
int
conf_mac_parse(const char *text, struct rte_ether_addr *mac)
{
	struct rte_ether_addr m;

	if (text == NULL || strlen(text) != 17)
		return -EINVAL;
	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++) {
		const char *p = text + 3 * i;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < RTE_ETHER_ADDR_LEN - 1 && p[2] != ':' && p[2] != '-')
			return -EINVAL;
		m.addr_bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!rte_is_valid_assigned_ether_addr(&m))
		return -EINVAL;
	*mac = m;
	return 0;
}

/* "0x0011..." (the "0x" is optional), an even number of hex digits, <= max bytes. */
int
conf_key_parse(const char *text, uint8_t *key, unsigned int max, unsigned int *len)
{
	size_t n;

	if (text == NULL)
		return -EINVAL;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	n = strlen(text);
	if (n == 0 || n % 2 != 0 || n / 2 > max)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			explicit_bzero(key, i);
			return -EINVAL;
		}
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = (unsigned int)(n / 2);
	return 0;
}

static int
port_parse(const char *text, char **end, uint16_t *port)
{
	unsigned long v;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(text, end, 10);
	if (errno != 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/* "53" or "1000-2000" (lo <= hi). */
int
conf_ports_parse(const char *text, uint16_t *lo, uint16_t *hi)
{
	uint16_t a, b;
	char *end;

	if (text == NULL || port_parse(text, &end, &a) < 0)
		return -EINVAL;
	if (*end == '\0') {
		*lo = *hi = a;
		return 0;
	}
	if (*end != '-' || port_parse(end + 1, &end, &b) < 0 || *end != '\0' || b < a)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}
