/* SPDX-License-Identifier: BSD-3-Clause */
/* interfaces ( { name; device; ...; unit ( { name = "0"; family { inet; inet6 } } ) } ) */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "conf_priv.h"

static struct gw_conf_interface *
cur_if(struct gw_conf_ctx *c)
{
	return c->obj[CONF_OBJ_IFACE];
}

int
conf_if_begin(struct gw_conf_ctx *c, unsigned int count)
{
	if (count > GW_MAX_PORTS)
		return conf_fail(c, "%u interfaces, at most %d", count, GW_MAX_PORTS);
	return 0;
}

int
conf_if_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_config *conf = c->conf;

	for (unsigned int i = 0; i < conf->nb_interfaces; i++)
		if (strcmp(conf->interfaces[i].name, name) == 0)
			return conf_fail(c, "duplicate interface '%s'", name);
	if (strpbrk(name, " \t") != NULL)
		return conf_fail(c, "invalid interface name '%s'", name);
	c->obj[CONF_OBJ_IFACE] = &conf->interfaces[conf->nb_interfaces++];
	c->unit0 = false;
	return 0;
}

/* The part of a device string that names the port: "net_tap0" of "net_tap0,iface=x". */
static size_t
device_id_len(const char *dev)
{
	return strcspn(dev, ",");
}

int
conf_set_device(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		const struct gw_conf_val *v)
{
	struct gw_conf_interface *ifc = cur_if(c);
	size_t n = device_id_len(v->s);

	if (n == 0)
		return conf_fail(c, "invalid device '%s'", v->s);
	/* start-up looks the port up by that name: DPDK keeps 63 characters */
	if (n >= RTE_ETH_NAME_MAX_LEN)
		return conf_fail(c, "device name '%.*s...' (before the first ',') longer than "
				 "%d characters", 20, v->s, RTE_ETH_NAME_MAX_LEN - 1);
	for (unsigned int i = 0; i < c->conf->nb_interfaces; i++) {
		const struct gw_conf_interface *o = &c->conf->interfaces[i];

		if (o != ifc && device_id_len(o->device) == n && strncmp(o->device, v->s, n) == 0)
			return conf_fail(c, "device '%.*s' already used by interface %s",
					 (int)n, v->s, o->name);
	}
	snprintf(ifc->device, sizeof(ifc->device), "%s", v->s);
	return 0;
}

int
conf_set_ifmac(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
	       const struct gw_conf_val *v)
{
	cur_if(c)->mac = v->mac;
	cur_if(c)->has_mac = true;
	return 0;
}

int
conf_set_tap_name(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  const struct gw_conf_val *v)
{
	if (strpbrk(v->s, " \t/:") != NULL)
		return conf_fail(c, "invalid kernel interface name '%s'", v->s);
	snprintf(cur_if(c)->tap_name, sizeof(cur_if(c)->tap_name), "%s", v->s);
	return 0;
}

int
conf_if_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_interface *ifc = cur_if(c);
	unsigned int idx = (unsigned int)(ifc - c->conf->interfaces);

	if (ifc->tap_name[0] == '\0')
		snprintf(ifc->tap_name, sizeof(ifc->tap_name), "gw%u", idx);
	if (ifc->exception != GW_EXCEPTION_TAP)
		return 0;
	for (unsigned int i = 0; i < idx; i++) {
		const struct gw_conf_interface *o = &c->conf->interfaces[i];

		if (o->exception == GW_EXCEPTION_TAP && strcmp(o->tap_name, ifc->tap_name) == 0)
			return conf_fail_at(c, "tap-name", "TAP '%s' already used by interface %s",
					    ifc->tap_name, o->name);
	}
	return 0;
}

int
conf_unit_enter(struct gw_conf_ctx *c, const char *name)
{
	if (strcmp(name, "0") != 0)
		return conf_fail(c, "only unit 0 is supported");
	if (c->unit0)
		return conf_fail(c, "duplicate unit 0");
	c->unit0 = true;
	return 0;
}

int
conf_inet_enter(struct gw_conf_ctx *c, const char *key __rte_unused)
{
	c->family = AF_INET;
	return 0;
}

int
conf_inet6_enter(struct gw_conf_ctx *c, const char *key __rte_unused)
{
	c->family = AF_INET6;
	return 0;
}

/* An interface address: right family, a host of its subnet, on one interface only. */
int
conf_set_ifaddr(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		const struct gw_conf_val *v)
{
	struct gw_conf_interface *ifc = cur_if(c);
	const struct gw_prefix *p = &v->prefix;
	struct gw_prefix net = *p;
	char buf[64];

	conf_prefix_str(p, buf, sizeof(buf));
	if (p->family != c->family)
		return conf_fail(c, "'%s' is not an %s address", v->s,
				 c->family == AF_INET ? "IPv4" : "IPv6");
	if (p->len == 0)
		return conf_fail(c, "invalid prefix length in '%s'", v->s);
	/* The subnet address itself is not a host (IPv4 up to /30). */
	if (p->family == AF_INET && p->len <= 30) {
		net.v4.s_addr &= htonl(~0u << (32 - p->len));
		if (net.v4.s_addr == p->v4.s_addr)
			return conf_fail(c, "'%s' is a subnet, not a host address", v->s);
	}
	if (ifc->nb_addrs >= GW_CONF_MAX_ADDRS)
		return conf_fail(c, "more than %d addresses", GW_CONF_MAX_ADDRS);
	for (unsigned int i = 0; i < c->conf->nb_interfaces; i++) {
		const struct gw_conf_interface *o = &c->conf->interfaces[i];

		for (unsigned int j = 0; j < o->nb_addrs; j++) {
			struct gw_ipaddr a = { .family = p->family, .v6 = p->v6 };
			struct gw_ipaddr b = { .family = o->addrs[j].family, .v6 = o->addrs[j].v6 };

			if (conf_ipaddr_eq(&a, &b))
				return conf_fail(c, "address %s already on interface %s",
						 buf, o->name);
			if (o != ifc && o->addrs[j].len == p->len &&
			    gw_prefix_contains(&o->addrs[j], &a))
				return conf_fail(c, "subnet of %s overlaps interface %s", buf,
						 o->name);
		}
	}
	ifc->addrs[ifc->nb_addrs++] = *p;
	return 0;
}

int
conf_arp_enter(struct gw_conf_ctx *c, const char *addr __rte_unused)
{
	struct gw_conf_interface *ifc = cur_if(c);

	if (ifc->nb_arp >= GW_CONF_MAX_ARP)
		return conf_fail(c, "more than %d static neighbours", GW_CONF_MAX_ARP);
	c->obj[CONF_OBJ_ARP] = &ifc->arp[ifc->nb_arp++];
	return 0;
}

/* A static neighbour is on one of the interface's subnets, once. */
int
conf_arp_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_interface *ifc = cur_if(c);
	const struct gw_conf_arp *e = c->obj[CONF_OBJ_ARP];
	bool connected = false;
	char buf[64];

	conf_ipaddr_str(&e->addr, buf, sizeof(buf));
	if (e->addr.family != c->family)
		return conf_fail_at(c, "address", "'%s' is not an %s address", buf,
				    c->family == AF_INET ? "IPv4" : "IPv6");
	for (const struct gw_conf_arp *o = ifc->arp; o < e; o++)
		if (conf_ipaddr_eq(&o->addr, &e->addr))
			return conf_fail_at(c, "address", "duplicate neighbour %s", buf);
	for (unsigned int i = 0; i < ifc->nb_addrs; i++)
		connected |= gw_prefix_contains(&ifc->addrs[i], &e->addr);
	if (!connected)
		return conf_fail_at(c, "address", "%s is not on a subnet of %s", buf, ifc->name);
	return 0;
}

/* ---- printer ---- */

void *
conf_if_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= c->conf->nb_interfaces)
		return NULL;
	return c->obj[CONF_OBJ_IFACE] = &c->conf->interfaces[idx];
}

void *
conf_unit_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	struct gw_conf_interface *ifc = cur_if(c);

	return idx == 0 && (ifc->nb_addrs > 0 || ifc->nb_arp > 0) ? ifc : NULL;
}

void *
conf_arp_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	struct gw_conf_interface *ifc = cur_if(c);

	for (unsigned int i = 0; i < ifc->nb_arp; i++)
		if (ifc->arp[i].addr.family == c->family && idx-- == 0)
			return c->obj[CONF_OBJ_ARP] = &ifc->arp[i];
	return NULL;
}

int
conf_get_device(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		unsigned int idx, char *buf, size_t len)
{
	snprintf(buf, len, "%s", cur_if(c)->device);
	return idx == 0;
}

int
conf_get_ifmac(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
	       unsigned int idx, char *buf, size_t len)
{
	if (idx > 0 || !cur_if(c)->has_mac)
		return 0;
	rte_ether_format_addr(buf, len, &cur_if(c)->mac);
	return 1;
}

int
conf_get_tap_name(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_interface *ifc = cur_if(c);
	char def[sizeof(ifc->tap_name)];

	snprintf(def, sizeof(def), "gw%u", (unsigned int)(ifc - c->conf->interfaces));
	snprintf(buf, len, "%s", ifc->tap_name);
	return idx == 0 && strcmp(def, ifc->tap_name) != 0;
}

int
conf_get_unit_name(struct gw_conf_ctx *c __rte_unused, const struct gw_conf_stmt *s __rte_unused,
		   unsigned int idx, char *buf, size_t len)
{
	snprintf(buf, len, "0");
	return idx == 0;
}

int
conf_get_ifaddr(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_interface *ifc = cur_if(c);

	for (unsigned int i = 0; i < ifc->nb_addrs; i++) {
		if (ifc->addrs[i].family == c->family && idx-- == 0) {
			conf_prefix_str(&ifc->addrs[i], buf, len);
			return 1;
		}
	}
	return 0;
}
