/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * services service-set NAME { ipsec-vpn-rules [ VPN... ]; ipsec-group-vpn VPN; }
 * and `interfaces NAME unit 0 family inet service input service-set NAME`:
 * the Junos way to apply IKE vpns (security ipsec vpn) and a group
 * (security group-vpn member ipsec vpn) to an interface. Once the whole file
 * is read, conf_services_resolve() checks the references and gives every
 * vpn without its own `bind-interface` / `interface` the interface its
 * service set is applied to; a vpn bound both ways must name one interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

static struct gw_conf_services *
svc(struct gw_conf_ctx *c)
{
	return &c->conf->services;
}

int
conf_svcset_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_services *s = svc(c);

	for (unsigned int i = 0; i < s->nb_sets; i++)
		if (strcmp(s->sets[i].name, name) == 0)
			return conf_fail(c, "duplicate service-set '%s'", name);
	if (s->nb_sets >= GW_CONF_MAX_SERVICE_SETS)
		return conf_fail(c, "more than %d service-sets", GW_CONF_MAX_SERVICE_SETS);
	c->obj[CONF_OBJ_SVC_SET] = &s->sets[s->nb_sets++];
	return 0;
}

int
conf_svcset_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_service_set *set = c->obj[CONF_OBJ_SVC_SET];

	if (set->nb_vpn_rules == 0 && set->group_vpn[0] == '\0')
		return conf_fail_at(c, NULL, "service-set without ipsec-vpn-rules or "
				    "ipsec-group-vpn");
	if (set->nb_vpn_rules != 0 && set->group_vpn[0] != '\0')
		return conf_fail_at(c, "ipsec-group-vpn", "a service-set holds ipsec-vpn-rules "
				    "or ipsec-group-vpn, not both");
	return 0;
}

void *
conf_svcset_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= svc(c)->nb_sets)
		return NULL;
	return c->obj[CONF_OBJ_SVC_SET] = &svc(c)->sets[idx];
}

int
conf_set_svc_rule(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  const struct gw_conf_val *v)
{
	struct gw_conf_service_set *set = c->obj[CONF_OBJ_SVC_SET];

	if (set->nb_vpn_rules >= GW_CONF_MAX_SVC_RULES)
		return conf_fail(c, "more than %d ipsec-vpn-rules", GW_CONF_MAX_SVC_RULES);
	for (unsigned int i = 0; i < set->nb_vpn_rules; i++)
		if (strcmp(set->vpn_rules[i], v->s) == 0)
			return conf_fail(c, "vpn '%s' named twice", v->s);
	snprintf(set->vpn_rules[set->nb_vpn_rules++], GW_CONF_NAME_LEN, "%s", v->s);
	return 0;
}

int
conf_get_svc_rule(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  unsigned int idx, char *buf, size_t len)
{
	const struct gw_conf_service_set *set = c->obj[CONF_OBJ_SVC_SET];

	if (idx >= set->nb_vpn_rules)
		return 0;
	snprintf(buf, len, "%s", set->vpn_rules[idx]);
	return 1;
}

/* ---- once the file is read ---- */

/* Fail at an entry of a list (dotted path from the root) named `name`, or at the root. */
static int
fail_entry(struct gw_conf_ctx *c, const config_setting_t *root, const char *path,
	   const char *key, const char *name, const char *stmt, const char *member,
	   const char *fmt, const char *a, const char *b)
{
	const config_setting_t *list = config_setting_lookup((config_setting_t *)(uintptr_t)root,
							     path);
	const config_setting_t *at = root;
	const char *n;

	for (int i = 0; list != NULL && i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned int)i);

		if (config_setting_lookup_string(e, key, &n) == CONFIG_TRUE &&
		    strcmp(n, name) == 0) {
			const config_setting_t *m = member != NULL ?
						    config_setting_lookup(e, member) : NULL;

			at = m != NULL ? m : e;
			break;
		}
	}
	snprintf(c->stmt, sizeof(c->stmt), "%s %s", stmt, name);
	c->cur = at;
	c->leaf = member;
	return conf_fail(c, fmt, a, b);
}

static const struct gw_conf_service_set *
set_by_name(const struct gw_conf_services *s, const char *name)
{
	for (unsigned int i = 0; i < s->nb_sets; i++)
		if (strcmp(s->sets[i].name, name) == 0)
			return &s->sets[i];
	return NULL;
}

/*
 * The interface whose input applies a service set holding `vpn` (group:
 * the ipsec-group-vpn, else one of the ipsec-vpn-rules); NULL if none,
 * *twice set when two interfaces do.
 */
static const char *
applied_on(const struct gw_config *conf, const char *vpn, bool group, bool *twice)
{
	const char *found = NULL;

	*twice = false;
	for (unsigned int i = 0; i < conf->nb_interfaces; i++) {
		const struct gw_conf_service_set *set =
			set_by_name(&conf->services, conf->interfaces[i].service_set_in);
		bool has = false;

		if (set == NULL)
			continue;
		if (group)
			has = strcmp(set->group_vpn, vpn) == 0;
		for (unsigned int r = 0; !group && r < set->nb_vpn_rules; r++)
			has |= strcmp(set->vpn_rules[r], vpn) == 0;
		if (!has)
			continue;
		if (found != NULL)
			*twice = true;
		else
			found = conf->interfaces[i].name;
	}
	return found;
}

static bool
ike_vpn_exists(const struct gw_config *conf, const char *name)
{
	for (unsigned int i = 0; i < conf->ike.nb_vpns; i++)
		if (strcmp(conf->ike.vpns[i].name, name) == 0)
			return true;
	return false;
}

static bool
gm_vpn_exists(const struct gw_config *conf, const char *name)
{
	for (unsigned int i = 0; i < conf->gm.nb_vpns; i++)
		if (strcmp(conf->gm.vpns[i].name, name) == 0)
			return true;
	return false;
}

/* Bind vpn's interface (`ifname`, empty: none given) through the service sets. */
static int
bind_vpn(struct gw_conf_ctx *c, const config_setting_t *root, const char *path,
	 const char *stmt, const char *member, const char *name, char *ifname, size_t len,
	 bool group)
{
	bool twice;
	const char *on = applied_on(c->conf, name, group, &twice);

	if (twice)
		return fail_entry(c, root, path, "name", name, stmt, NULL,
				  "vpn %s is in service-sets applied to two interfaces%s", name,
				  "");
	if (on != NULL && ifname[0] != '\0' && strcmp(on, ifname) != 0)
		return fail_entry(c, root, path, "name", name, stmt, member,
				  "'%s' here, but its service-set is applied to %s", ifname, on);
	if (on != NULL)
		snprintf(ifname, len, "%s", on);
	if (ifname[0] == '\0')
		return fail_entry(c, root, path, "name", name, stmt, NULL,
				  "vpn %s has no %s and no service-set applied to an interface "
				  "holds it", name, member);
	if (gw_conf_interface_find(c->conf, ifname) == NULL)
		return fail_entry(c, root, path, "name", name, stmt, member,
				  "unknown interface '%s'%s", ifname, "");
	return 0;
}

int
conf_services_resolve(struct gw_conf_ctx *c, const config_setting_t *root)
{
	struct gw_config *conf = c->conf;
	int rc = 0;

	for (unsigned int i = 0; i < conf->nb_interfaces && rc == 0; i++) {
		const struct gw_conf_interface *ifc = &conf->interfaces[i];
		const char *names[2] = { ifc->service_set_in, ifc->service_set_out };

		for (int k = 0; k < 2 && rc == 0; k++)
			if (names[k][0] != '\0' && set_by_name(&conf->services, names[k]) == NULL)
				rc = fail_entry(c, root, "interfaces", "name", ifc->name,
						"interfaces", NULL, "unknown service-set '%s'%s",
						names[k], "");
		if (rc == 0 && ifc->service_set_out[0] != '\0' &&
		    strcmp(ifc->service_set_out, ifc->service_set_in) != 0)
			rc = fail_entry(c, root, "interfaces", "name", ifc->name, "interfaces",
					NULL, "service output service-set '%s' is not the input "
					"one ('%s'): one service-set per interface",
					ifc->service_set_out, ifc->service_set_in);
	}
	for (unsigned int i = 0; i < conf->services.nb_sets && rc == 0; i++) {
		const struct gw_conf_service_set *set = &conf->services.sets[i];

		for (unsigned int r = 0; r < set->nb_vpn_rules && rc == 0; r++)
			if (!ike_vpn_exists(conf, set->vpn_rules[r]))
				rc = fail_entry(c, root, "services.service-set", "name", set->name,
						"services service-set", "ipsec-vpn-rules",
						"unknown vpn '%s' (security ipsec vpn)%s",
						set->vpn_rules[r], "");
		if (rc == 0 && set->group_vpn[0] != '\0' && !gm_vpn_exists(conf, set->group_vpn))
			rc = fail_entry(c, root, "services.service-set", "name", set->name,
					"services service-set", "ipsec-group-vpn",
					"unknown group vpn '%s' (security group-vpn member ipsec "
					"vpn)%s", set->group_vpn, "");
	}
	for (unsigned int i = 0; i < conf->ike.nb_vpns && rc == 0; i++) {
		struct gw_conf_vpn *v = &conf->ike.vpns[i];

		rc = bind_vpn(c, root, "security.ipsec.vpn", "security ipsec vpn",
			      "bind-interface", v->name, v->bind_interface,
			      sizeof(v->bind_interface), false);
	}
	for (unsigned int i = 0; i < conf->gm.nb_vpns && rc == 0; i++) {
		struct gw_conf_gm_vpn *v = &conf->gm.vpns[i];

		rc = bind_vpn(c, root, "security.group-vpn.member.ipsec.vpn",
			      "security group-vpn member ipsec vpn", "interface", v->name,
			      v->interface, sizeof(v->interface), true);
	}
	return rc;
}
