/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * security { group-vpn { member { ike { proposal; policy; gateway }; ipsec { vpn } } } }:
 * the GDOI group member's configuration (lib/gm), in the Junos Group VPNv2
 * member hierarchy. Fixed arrays inside struct gw_config (no heap member).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

const char *const gw_gm_enc_names[] = {
	"des-cbc", "3des-cbc", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", NULL
};
const char *const gw_gm_hash_names[] = { "md5", "sha1", "sha-256", NULL };
const char *const gw_gm_dh_names[] = {
	"group1", "group2", "group5", "group14", "group19", "group20", NULL
};

static struct gw_conf_gm *
gm(struct gw_conf_ctx *c)
{
	return &c->conf->gm;
}

#define GM_ENTER(list, nb, max, what, which) do {					\
	for (unsigned int i_ = 0; i_ < gm(c)->nb; i_++)				\
		if (strcmp(gm(c)->list[i_].name, name) == 0)			\
			return conf_fail(c, "duplicate " what " '%s'", name);	\
	if (gm(c)->nb >= (max))							\
		return conf_fail(c, "more than %d " what "s", (max));		\
	c->obj[which] = &gm(c)->list[gm(c)->nb++];				\
	return 0;								\
} while (0)

int
conf_gm_proposal_enter(struct gw_conf_ctx *c, const char *name)
{
	GM_ENTER(proposals, nb_proposals, GW_GM_MAX_PROPOSALS, "proposal", CONF_OBJ_GM_PROPOSAL);
}

int
conf_gm_policy_enter(struct gw_conf_ctx *c, const char *name)
{
	GM_ENTER(ike_policies, nb_ike_policies, GW_GM_MAX_IKE_POLICIES, "ike policy",
		 CONF_OBJ_GM_POLICY);
}

int
conf_gm_gateway_enter(struct gw_conf_ctx *c, const char *name)
{
	GM_ENTER(gateways, nb_gateways, GW_GM_MAX_GATEWAYS, "gateway", CONF_OBJ_GM_GATEWAY);
}

int
conf_gm_vpn_enter(struct gw_conf_ctx *c, const char *name)
{
	GM_ENTER(vpns, nb_vpns, GW_GM_MAX_VPNS, "vpn", CONF_OBJ_GM_VPN);
}

int
conf_gm_fail_open_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_gm_vpn *v = c->obj[CONF_OBJ_GM_VPN];

	for (unsigned int i = 0; i < v->nb_fail_open; i++)
		if (strcmp(v->fail_open[i].name, name) == 0)
			return conf_fail(c, "duplicate fail-open rule '%s'", name);
	if (v->nb_fail_open >= GW_GM_MAX_FAIL_OPEN)
		return conf_fail(c, "more than %d fail-open rules", GW_GM_MAX_FAIL_OPEN);
	c->obj[CONF_OBJ_GM_FAIL_OPEN] = &v->fail_open[v->nb_fail_open++];
	return 0;
}

#define GM_NTH(list, nb, which) do {						\
	if (idx >= gm(c)->nb)							\
		return NULL;							\
	return c->obj[which] = &gm(c)->list[idx];					\
} while (0)

void *
conf_gm_proposal_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	GM_NTH(proposals, nb_proposals, CONF_OBJ_GM_PROPOSAL);
}

void *
conf_gm_policy_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	GM_NTH(ike_policies, nb_ike_policies, CONF_OBJ_GM_POLICY);
}

void *
conf_gm_gateway_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	GM_NTH(gateways, nb_gateways, CONF_OBJ_GM_GATEWAY);
}

void *
conf_gm_vpn_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	GM_NTH(vpns, nb_vpns, CONF_OBJ_GM_VPN);
}

void *
conf_gm_fail_open_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	struct gw_conf_gm_vpn *v = c->obj[CONF_OBJ_GM_VPN];

	if (idx >= v->nb_fail_open)
		return NULL;
	return c->obj[CONF_OBJ_GM_FAIL_OPEN] = &v->fail_open[idx];
}

int
conf_set_gm_proposals(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		      const struct gw_conf_val *v)
{
	struct gw_conf_gm_ike_policy *p = c->obj[CONF_OBJ_GM_POLICY];

	if (p->nb_proposals >= GW_GM_MAX_PROPOSALS)
		return conf_fail(c, "more than %d proposals", GW_GM_MAX_PROPOSALS);
	snprintf(p->proposals[p->nb_proposals++], GW_CONF_NAME_LEN, "%s", v->s);
	return 0;
}

int
conf_get_gm_proposals(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		      unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_gm_ike_policy *p = c->obj[CONF_OBJ_GM_POLICY];

	if (idx >= p->nb_proposals)
		return 0;
	snprintf(buf, len, "%s", p->proposals[idx]);
	return 1;
}

int
conf_set_gm_server(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   const struct gw_conf_val *v)
{
	struct gw_conf_gm_gateway *g = c->obj[CONF_OBJ_GM_GATEWAY];

	if (v->addr.family != AF_INET && v->addr.family != AF_INET6)
		return conf_fail(c, "key servers are IPv4 or IPv6 addresses");
	if (g->nb_servers > 0 && g->servers[0].family != v->addr.family)
		return conf_fail(c, "key servers of one gateway are all IPv4 or all IPv6");
	for (unsigned int i = 0; i < g->nb_servers; i++)
		if (conf_ipaddr_eq(&g->servers[i], &v->addr))
			return conf_fail(c, "server listed twice");
	if (g->nb_servers >= GW_GM_MAX_SERVERS)
		return conf_fail(c, "more than %d key servers", GW_GM_MAX_SERVERS);
	g->servers[g->nb_servers++] = v->addr;
	return 0;
}

int
conf_get_gm_server(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_gm_gateway *g = c->obj[CONF_OBJ_GM_GATEWAY];

	if (idx >= g->nb_servers)
		return 0;
	conf_ipaddr_str(&g->servers[idx], buf, len);
	return 1;
}

int
conf_set_gm_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		      const struct gw_conf_val *v)
{
	struct gw_conf_gm_vpn *p = c->obj[CONF_OBJ_GM_VPN];

	p->direction = strcmp(v->s, "input") == 0 ? GW_SA_OUTBOUND : GW_SA_INBOUND;
	return 0;
}

int
conf_get_gm_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		      unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_gm_vpn *p = c->obj[CONF_OBJ_GM_VPN];

	snprintf(buf, len, "%s", p->direction == GW_SA_OUTBOUND ? "input" : "output");
	return idx == 0;
}

int
conf_gm_policy_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_gm_ike_policy *p = c->obj[CONF_OBJ_GM_POLICY];
	size_t n = strlen(p->psk);

	/* Junos asks for at least 20 characters; gdoid mishandles more than 64 */
	if (n < 20)
		return conf_fail_at(c, "pre-shared-key", "pre-shared key of %zu characters, at "
				    "least 20", n);
	if (p->nb_proposals == 0)
		return conf_fail_at(c, NULL, "ike policy without proposals");
	return 0;
}

int
conf_gm_gateway_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_gm_gateway *g = c->obj[CONF_OBJ_GM_GATEWAY];

	if (g->nb_servers == 0)
		return conf_fail_at(c, "server-address", "gateway without a key server");
	if (g->local.family != AF_INET && g->local.family != AF_INET6)
		return conf_fail_at(c, "local-address", "local-address must be an IP address");
	/* one socket per gateway: its family is the servers' */
	if (g->local.family != g->servers[0].family)
		return conf_fail_at(c, "local-address", "local-address is IPv%c, the key "
				    "servers IPv%c", g->local.family == AF_INET ? '4' : '6',
				    g->servers[0].family == AF_INET ? '4' : '6');
	return 0;
}

int
conf_gm_fail_open_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_gm_fail_open *r = c->obj[CONF_OBJ_GM_FAIL_OPEN];

	if (!conf_prefix_is_canonical(&r->src))
		return conf_fail_at(c, "source-address", "host bits set in the prefix");
	if (!conf_prefix_is_canonical(&r->dst))
		return conf_fail_at(c, "destination-address", "host bits set in the prefix");
	return 0;
}

static bool
local_address(const struct gw_config *conf, const struct gw_ipaddr *a)
{
	const struct gw_prefix *p;

	for (unsigned int i = 0; i < conf->nb_interfaces; i++)
		for (unsigned int j = 0; j < conf->interfaces[i].nb_addrs; j++) {
			p = &conf->interfaces[i].addrs[j];
			if (p->family == a->family &&
			    (a->family == AF_INET ? p->v4.s_addr == a->v4.s_addr :
			     memcmp(&p->v6, &a->v6, sizeof(a->v6)) == 0))
				return true;
		}
	return false;
}

/*
 * Cross-references, once the whole member section is read: proposals named by
 * policies, policies by gateways, gateways and interfaces by vpns.
 */
int
conf_gm_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_gm *m = gm(c);
	unsigned int i, j, k;

	for (i = 0; i < m->nb_ike_policies; i++)
		for (j = 0; j < m->ike_policies[i].nb_proposals; j++) {
			for (k = 0; k < m->nb_proposals; k++)
				if (strcmp(m->proposals[k].name,
					   m->ike_policies[i].proposals[j]) == 0)
					break;
			if (k == m->nb_proposals)
				return conf_fail_at(c, "ike.policy", "ike policy %s: unknown "
						    "proposal '%s'", m->ike_policies[i].name,
						    m->ike_policies[i].proposals[j]);
		}
	for (i = 0; i < m->nb_gateways; i++) {
		for (k = 0; k < m->nb_ike_policies; k++)
			if (strcmp(m->ike_policies[k].name, m->gateways[i].ike_policy) == 0)
				break;
		if (k == m->nb_ike_policies)
			return conf_fail_at(c, "ike.gateway", "gateway %s: unknown ike-policy '%s'",
					    m->gateways[i].name, m->gateways[i].ike_policy);
		if (!local_address(c->conf, &m->gateways[i].local))
			return conf_fail_at(c, "ike.gateway", "gateway %s: local-address is not "
					    "an address of an interface", m->gateways[i].name);
	}
	for (i = 0; i < m->nb_vpns; i++) {
		for (k = 0; k < m->nb_gateways; k++)
			if (strcmp(m->gateways[k].name, m->vpns[i].ike_gateway) == 0)
				break;
		if (k == m->nb_gateways)
			return conf_fail_at(c, "ipsec.vpn", "vpn %s: unknown ike-gateway '%s'",
					    m->vpns[i].name, m->vpns[i].ike_gateway);
		/* none: a service-set binds it (conf_services_resolve) */
		if (m->vpns[i].interface[0] != '\0' &&
		    gw_conf_interface_find(c->conf, m->vpns[i].interface) == NULL)
			return conf_fail_at(c, "ipsec.vpn", "vpn %s: unknown interface '%s'",
					    m->vpns[i].name, m->vpns[i].interface);
		for (j = 0; j < i; j++)
			if (m->vpns[j].group == m->vpns[i].group &&
			    strcmp(m->vpns[j].ike_gateway, m->vpns[i].ike_gateway) == 0)
				return conf_fail_at(c, "ipsec.vpn", "vpns %s and %s: the same group "
						    "%u through the same gateway", m->vpns[j].name,
						    m->vpns[i].name, m->vpns[i].group);
	}
	return 0;
}
