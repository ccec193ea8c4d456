/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * security group-vpn server: the key server's groups, members, TEK policies
 * (ipsec-sa), KEK and phase 1 proposals. Lists and their cross-checks; the
 * key server (lib/gks/gks_conf.c) turns the result into its parameters.
 */

#include <string.h>

#include "conf_priv.h"

const char *const gw_gvpn_ike_enc_names[] = {
	"3des-cbc", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", NULL
};
const char *const gw_gvpn_ike_hash_names[] = { "md5", "sha1", "sha-256", NULL };
const char *const gw_gvpn_dh_names[] = {
	"group1", "group2", "group5", "group14", "group19", "group20", NULL
};
const char *const gw_gvpn_tek_enc_names[] = {
	"3des-cbc", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "aes-128-gcm", "aes-256-gcm",
	NULL
};
const char *const gw_gvpn_tek_auth_names[] = {
	"none", "hmac-sha1-96", "hmac-sha-256-128", NULL
};
const char *const gw_gvpn_kek_enc_names[] = {
	"3des-cbc", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc", NULL
};

static struct gw_conf_gvpn_server *
srv(struct gw_conf_ctx *c)
{
	return &c->conf->gvpn_server;
}

static struct gw_conf_gvpn_group *
cur_group(struct gw_conf_ctx *c)
{
	return c->obj[CONF_OBJ_GVPN_GROUP];
}

int
conf_gvpn_listen_set(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		     const struct gw_conf_val *v)
{
	struct gw_conf_gvpn_server *g = srv(c);

	for (unsigned int i = 0; i < g->nb_listen; i++)
		if (conf_ipaddr_eq(&g->listen[i], &v->addr))
			return conf_fail(c, "address listed twice");
	if (g->nb_listen >= GW_GVPN_MAX_LISTEN)
		return conf_fail(c, "more than %d listen addresses", GW_GVPN_MAX_LISTEN);
	g->listen[g->nb_listen++] = v->addr;
	return 0;
}

int
conf_gvpn_listen_get(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		     unsigned int idx, char *buf, size_t len)
{
	if (idx >= srv(c)->nb_listen)
		return 0;
	conf_ipaddr_str(&srv(c)->listen[idx], buf, len);
	return 1;
}

int
conf_gvpn_prop_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_gvpn_server *g = srv(c);

	for (unsigned int i = 0; i < g->nb_proposals; i++)
		if (strcmp(g->proposals[i].name, name) == 0)
			return conf_fail(c, "duplicate proposal '%s'", name);
	if (g->nb_proposals >= GW_GVPN_MAX_PROPOSALS)
		return conf_fail(c, "more than %d proposals", GW_GVPN_MAX_PROPOSALS);
	c->obj[CONF_OBJ_GVPN_PROP] = &g->proposals[g->nb_proposals++];
	return 0;
}

void *
conf_gvpn_prop_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= srv(c)->nb_proposals)
		return NULL;
	return c->obj[CONF_OBJ_GVPN_PROP] = &srv(c)->proposals[idx];
}

int
conf_gvpn_group_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_gvpn_server *g = srv(c);

	for (unsigned int i = 0; i < g->nb_groups; i++)
		if (strcmp(g->groups[i].name, name) == 0)
			return conf_fail(c, "duplicate group '%s'", name);
	if (g->nb_groups >= GW_GVPN_MAX_GROUPS)
		return conf_fail(c, "more than %d groups", GW_GVPN_MAX_GROUPS);
	c->obj[CONF_OBJ_GVPN_GROUP] = &g->groups[g->nb_groups++];
	return 0;
}

int
conf_gvpn_group_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_gvpn_server *srvc = srv(c);
	struct gw_conf_gvpn_group *g = cur_group(c);

	for (unsigned int i = 0; i + 1 < srvc->nb_groups; i++)
		if (srvc->groups[i].group_id == g->group_id)
			return conf_fail_at(c, "group-id", "group-id %u already used by group %s",
					    g->group_id, srvc->groups[i].name);
	if (g->nb_teks == 0)
		return conf_fail(c, "a group needs at least one ipsec-sa");
	if (g->nb_members == 0)
		return conf_fail(c, "a group needs at least one member");
	if (g->comm != 0 && g->mcast.family == 0)
		return conf_fail_at(c, "server-member-communication",
				    "multicast rekeys need multicast-address");
	if (g->mcast.family != 0 &&
	    !(g->mcast.family == AF_INET ? IN_MULTICAST(ntohl(g->mcast.v4.s_addr)) :
	      IN6_IS_ADDR_MULTICAST(&g->mcast.v6)))
		return conf_fail_at(c, "server-member-communication.multicast-address",
				    "not a multicast address");
	if (g->comm != 0 && g->kek_key_file[0] == '\0')
		return conf_fail_at(c, "server-member-communication",
				    "multicast rekeys need a kek (signing-key)");
	if (g->kek_ack && g->kek_key_file[0] == '\0')
		return conf_fail_at(c, "kek.ack-requested", "needs kek signing-key");
	if (g->d3p_type_attr == g->d3p_window_attr)
		return conf_fail_at(c, "delay-detection",
				    "type-attribute and window-attribute must differ");
	return 0;
}

void *
conf_gvpn_group_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= srv(c)->nb_groups)
		return NULL;
	return c->obj[CONF_OBJ_GVPN_GROUP] = &srv(c)->groups[idx];
}

int
conf_gvpn_member_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_gvpn_group *g = cur_group(c);

	for (unsigned int i = 0; i < g->nb_members; i++)
		if (strcmp(g->members[i].name, name) == 0)
			return conf_fail(c, "duplicate member '%s'", name);
	if (g->nb_members >= GW_GVPN_MAX_MEMBERS)
		return conf_fail(c, "more than %d members", GW_GVPN_MAX_MEMBERS);
	c->obj[CONF_OBJ_GVPN_MEMBER] = &g->members[g->nb_members++];
	return 0;
}

void *
conf_gvpn_member_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= cur_group(c)->nb_members)
		return NULL;
	return c->obj[CONF_OBJ_GVPN_MEMBER] = &cur_group(c)->members[idx];
}

int
conf_gvpn_tek_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_gvpn_group *g = cur_group(c);

	for (unsigned int i = 0; i < g->nb_teks; i++)
		if (strcmp(g->teks[i].name, name) == 0)
			return conf_fail(c, "duplicate ipsec-sa '%s'", name);
	if (g->nb_teks >= GW_GVPN_MAX_TEKS)
		return conf_fail(c, "more than %d ipsec-sa", GW_GVPN_MAX_TEKS);
	c->obj[CONF_OBJ_GVPN_TEK] = &g->teks[g->nb_teks++];
	return 0;
}

int
conf_gvpn_tek_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_gvpn_tek *t = c->obj[CONF_OBJ_GVPN_TEK];
	bool gcm = strstr(gw_gvpn_tek_enc_names[t->enc], "gcm") != NULL;

	if (gcm && t->auth != 0)
		return conf_fail_at(c, "authentication-algorithm",
				    "AES-GCM takes no authentication algorithm");
	if (!gcm && t->auth == 0)
		return conf_fail_at(c, "encryption-algorithm",
				    "%s needs an authentication-algorithm",
				    gw_gvpn_tek_enc_names[t->enc]);
	if (t->src.family != t->dst.family)
		return conf_fail_at(c, "destination-address",
				    "source and destination of different families");
	if (!conf_prefix_is_canonical(&t->src))
		return conf_fail_at(c, "source-address", "host bits set in the prefix");
	if (!conf_prefix_is_canonical(&t->dst))
		return conf_fail_at(c, "destination-address", "host bits set in the prefix");
	if ((t->sport != 0 || t->dport != 0) && t->proto != IPPROTO_TCP &&
	    t->proto != IPPROTO_UDP)
		return conf_fail_at(c, "protocol", "ports need protocol 6 or 17");
	return 0;
}

void *
conf_gvpn_tek_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= cur_group(c)->nb_teks)
		return NULL;
	return c->obj[CONF_OBJ_GVPN_TEK] = &cur_group(c)->teks[idx];
}
