/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Traffic selectors (RFC 7296 2.9, 3.13.1): ours from the vpn's
 * traffic-selectors (IPv4 or IPv6: TS_IPV4_ADDR_RANGE / TS_IPV6_ADDR_RANGE,
 * any protocol, all ports), the peer's narrowed to one of them as responder.
 * The SPD matches prefixes, so a narrowed range must be exactly a prefix.
 * Addresses are compared as big-endian octet strings of 4 or 16 octets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "ike_sa.h"

static unsigned int
addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

static const uint8_t *
prefix_bytes(const struct gw_prefix *p)
{
	return p->family == AF_INET6 ? p->v6.s6_addr : (const uint8_t *)&p->v4.s_addr;
}

void
ike_ts_from_prefix(const struct gw_prefix *p, struct ike_ts *ts)
{
	const uint8_t *a = prefix_bytes(p);
	unsigned int n = addr_len(p->family);

	memset(ts, 0, sizeof(*ts));
	ts->type = p->family == AF_INET6 ? IKE_TS_IPV6_ADDR_RANGE : IKE_TS_IPV4_ADDR_RANGE;
	ts->eport = 65535;
	for (unsigned int i = 0; i < n; i++) {
		int bits = (int)p->len - 8 * (int)i;
		uint8_t mask = bits <= 0 ? 0 : bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);

		ts->start[i] = a[i] & mask;
		ts->end[i] = (uint8_t)(ts->start[i] | (uint8_t)~mask);
	}
}

void
ike_ts_of(const struct gw_conf_vpn *vpn, unsigned int k, bool local, struct ike_ts *ts)
{
	ike_ts_from_prefix(local ? &vpn->ts[k].local : &vpn->ts[k].remote, ts);
}

void
ike_ts_from_vpn(const struct gw_conf_vpn *vpn, bool local, struct ike_ts *ts)
{
	ike_ts_of(vpn, 0, local, ts);
}

static int
bit(const uint8_t *a, unsigned int i)
{
	return (a[i / 8] >> (7 - i % 8)) & 1;
}

/* A range that is exactly a prefix -> the prefix; false otherwise. */
static bool
range_prefix(const uint8_t *lo, const uint8_t *hi, uint8_t family, struct gw_prefix *out)
{
	unsigned int n = addr_len(family) * 8, len = 0;

	while (len < n && bit(lo, len) == bit(hi, len))
		len++;
	for (unsigned int i = len; i < n; i++)
		if (bit(lo, i) != 0 || bit(hi, i) != 1)
			return false;
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->len = (uint8_t)len;
	memcpy(family == AF_INET6 ? out->v6.s6_addr : (uint8_t *)&out->v4.s_addr, lo,
	       addr_len(family));
	return true;
}

/*
 * The first of the peer's selectors of our family (any protocol, all ports)
 * that intersects ours, narrowed to the intersection, which must be a prefix.
 */
int
ike_ts_narrow(const struct ike_msg *msg, const struct ike_pl *pl, const struct gw_prefix *mine,
	      struct gw_prefix *out)
{
	unsigned int n = addr_len(mine->family);
	struct ike_ts my;

	if (pl == NULL)
		return -ENOENT;
	ike_ts_from_prefix(mine, &my);
	for (unsigned int i = 0; i < pl->u.ts.n; i++) {
		const struct ike_ts *t = &msg->ts[pl->u.ts.first + i];
		const uint8_t *lo, *hi;

		if (t->type != my.type || t->proto != 0 || t->sport != 0 || t->eport != 65535 ||
		    memcmp(t->start, t->end, n) > 0)
			continue;
		lo = memcmp(t->start, my.start, n) > 0 ? t->start : my.start;
		hi = memcmp(t->end, my.end, n) < 0 ? t->end : my.end;
		if (memcmp(lo, hi, n) <= 0 && range_prefix(lo, hi, mine->family, out))
			return 0;
	}
	return -ENOENT;
}

/* Is inner within outer (same family, at least as long, same leading bits)? */
static bool
prefix_contains(const struct gw_prefix *outer, const struct gw_prefix *inner)
{
	const uint8_t *a = prefix_bytes(outer), *b = prefix_bytes(inner);

	if (outer->family != inner->family || outer->len > inner->len)
		return false;
	for (unsigned int i = 0; i < outer->len; i++)
		if (bit(a, i) != bit(b, i))
			return false;
	return true;
}

int
ike_ts_index(const struct gw_conf_vpn *vpn, const struct gw_prefix *local,
	     const struct gw_prefix *remote)
{
	for (unsigned int k = 0; k < vpn->nb_ts; k++)
		if (prefix_contains(&vpn->ts[k].local, local) &&
		    prefix_contains(&vpn->ts[k].remote, remote))
			return (int)k;
	return -ENOENT;
}

void
ike_child_bind(const struct ike_sa *sa, const struct ike_child *c, char *out, size_t len)
{
	/* the first selector keeps the vpn's name: one binding as before several children */
	if (c->ts_index == 0)
		snprintf(out, len, "%s", sa->vpn->name);
	else
		snprintf(out, len, "%.40s#%u", sa->vpn->name, c->ts_index);
}

const char *
ike_prefix_str(const struct gw_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family == AF_INET6 ? AF_INET6 : AF_INET, prefix_bytes(p), a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}
