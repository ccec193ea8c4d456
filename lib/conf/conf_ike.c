/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * security { ike { proposal; policy; gateway }; ipsec { proposal; ipsec-policy; vpn } }:
 * the IKEv2 configuration (lib/ike). Fixed arrays in struct gw_conf_ike (no
 * heap member). References are checked when an entry is left: the schema
 * walks proposals before policies before gateways, security ike before the
 * vpns, so what an entry names was loaded already.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

const char *const conf_ike_encrs[] = {	/* enum gw_ike_encr */
	"aes-128-cbc", "aes-256-cbc", "aes-128-gcm", "aes-256-gcm", NULL
};
const char *const conf_ike_hashes[] = {	/* enum gw_ike_hash */
	"sha1", "sha-256", "sha-384", "sha-512", NULL
};
const char *const conf_ike_dhs[] = {	/* enum gw_ike_dh */
	"group14", "group15", "group19", "group20", "group31", NULL
};
const char *const conf_pfs_dhs[] = {	/* 0 = no PFS, then enum gw_ike_dh + 1 */
	"none", "group14", "group15", "group19", "group20", "group31", NULL
};
const char *const conf_ipsec_auths[] = {	/* enum gw_ipsec_auth */
	"hmac-sha1-96", "hmac-sha-256-128", "hmac-sha-384-192", "hmac-sha-512-256", "none", NULL
};
const char *const conf_ike_dpds[] = {	/* enum gw_ike_dpd */
	"optimized", "always-send", "probe-idle-tunnel", NULL
};
const char *const conf_ike_establish[] = {	/* enum gw_ike_establish */
	"immediately", "on-traffic", "responder-only", NULL
};
const char *const conf_ike_versions[] = { "v2-only", NULL };

static struct gw_conf_ike *
ike(struct gw_conf_ctx *c)
{
	return &c->conf->ike;
}

/* enter / nth of one fixed-array list; `what` names it in errors. */
#define IKE_LIST(x, kind, arr, nb, max, what) \
int \
conf_##x##_enter(struct gw_conf_ctx *c, const char *name) \
{ \
	for (unsigned int i = 0; i < (nb); i++) \
		if (strcmp((arr)[i].name, name) == 0) \
			return conf_fail(c, "duplicate " what " '%s'", name); \
	if ((nb) >= (max)) \
		return conf_fail(c, "more than %d " what "s", (max)); \
	c->obj[kind] = &(arr)[(nb)++]; \
	return 0; \
} \
void * \
conf_##x##_nth(struct gw_conf_ctx *c, unsigned int idx) \
{ \
	if (idx >= (nb)) \
		return NULL; \
	return c->obj[kind] = &(arr)[idx]; \
}

IKE_LIST(ikeprop, CONF_OBJ_IKE_PROP, ike(c)->proposals, ike(c)->nb_proposals,
	 GW_CONF_MAX_IKE, "ike proposal")
IKE_LIST(ikepol, CONF_OBJ_IKE_POL, ike(c)->policies, ike(c)->nb_policies, GW_CONF_MAX_IKE,
	 "ike policy")
IKE_LIST(ikegw, CONF_OBJ_IKE_GW, ike(c)->gateways, ike(c)->nb_gateways, GW_CONF_MAX_IKE,
	 "ike gateway")
IKE_LIST(ipsecprop, CONF_OBJ_IPSEC_PROP, ike(c)->ipsec_proposals, ike(c)->nb_ipsec_proposals,
	 GW_CONF_MAX_IKE, "ipsec proposal")
IKE_LIST(ipsecpol, CONF_OBJ_IPSEC_POL, ike(c)->ipsec_policies, ike(c)->nb_ipsec_policies,
	 GW_CONF_MAX_IKE, "ipsec-policy")
IKE_LIST(vpn, CONF_OBJ_VPN, ike(c)->vpns, ike(c)->nb_vpns, GW_CONF_MAX_IKE, "vpn")
IKE_LIST(vpnts, CONF_OBJ_VPN_TS, ((struct gw_conf_vpn *)c->obj[CONF_OBJ_VPN])->ts,
	 ((struct gw_conf_vpn *)c->obj[CONF_OBJ_VPN])->nb_ts, GW_CONF_MAX_VPN_TS,
	 "traffic-selector")

int
conf_ikeprop_leave(struct gw_conf_ctx *c)
{
	(void)c;
	return 0;
}

/* The proposal names of an ike policy or ipsec-policy (the row's obj says which). */
int
conf_set_propref(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const struct gw_conf_val *v)
{
	unsigned int *nb;
	char (*names)[GW_CONF_NAME_LEN];

	if (s->obj == CONF_OBJ_IKE_POL) {
		struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];

		nb = &p->nb_proposals, names = p->proposals;
	} else {
		struct gw_conf_ipsec_policy *p = c->obj[CONF_OBJ_IPSEC_POL];

		nb = &p->nb_proposals, names = p->proposals;
	}
	if (*nb >= GW_CONF_MAX_PROPREFS)
		return conf_fail(c, "more than %d proposals", GW_CONF_MAX_PROPREFS);
	if (strlen(v->s) >= GW_CONF_NAME_LEN)
		return conf_fail(c, "proposal name too long");
	snprintf(names[(*nb)++], GW_CONF_NAME_LEN, "%s", v->s);
	return 0;
}

int
conf_get_propref(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		 char *buf, size_t len)
{
	unsigned int nb;
	char (*names)[GW_CONF_NAME_LEN];

	if (s->obj == CONF_OBJ_IKE_POL) {
		struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];

		nb = p->nb_proposals, names = p->proposals;
	} else {
		struct gw_conf_ipsec_policy *p = c->obj[CONF_OBJ_IPSEC_POL];

		nb = p->nb_proposals, names = p->proposals;
	}
	if (idx >= nb)
		return 0;
	snprintf(buf, len, "%s", names[idx]);
	return 1;
}

int
conf_set_psk_ascii(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   const struct gw_conf_val *v)
{
	struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];
	size_t n = strlen(v->s);

	if (p->psk_len != 0)
		return conf_fail(c, "pre-shared-key given twice");
	memcpy(p->psk, v->s, n);
	p->psk_len = (unsigned int)n;
	p->psk_ascii = true;
	return 0;
}

int
conf_set_psk_hex(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		 const struct gw_conf_val *v)
{
	struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];

	if (p->psk_len != 0)
		return conf_fail(c, "pre-shared-key given twice");
	memcpy(p->psk, v->key, v->key_len);
	p->psk_len = v->key_len;
	return 0;
}

/* Each form is printed back the way it was written. */
int
conf_get_psk_ascii(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];

	if (idx != 0 || p->psk_len == 0 || !p->psk_ascii)
		return 0;
	snprintf(buf, len, "%.*s", (int)p->psk_len, (const char *)p->psk);
	return 1;
}

int
conf_get_psk_hex(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		 unsigned int idx, char *buf, size_t len)
{
	struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];
	size_t pos = 0;

	if (idx != 0 || p->psk_len == 0 || p->psk_ascii || len < 3)
		return 0;
	pos = (size_t)snprintf(buf, len, "0x");
	for (unsigned int i = 0; i < p->psk_len && pos + 3 <= len; i++)
		pos += (size_t)snprintf(buf + pos, len - pos, "%02x", p->psk[i]);
	return 1;
}

int
conf_ikepol_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_ike_policy *p = c->obj[CONF_OBJ_IKE_POL];
	const struct gw_conf_ike *k = ike(c);

	if (p->nb_proposals == 0)
		return conf_fail_at(c, NULL, "ike policy without proposals");
	for (unsigned int i = 0; i < p->nb_proposals; i++) {
		bool found = false;

		for (unsigned int j = 0; j < k->nb_proposals; j++)
			found |= strcmp(k->proposals[j].name, p->proposals[i]) == 0;
		if (!found)
			return conf_fail_at(c, "proposals", "unknown ike proposal '%s'",
					    p->proposals[i]);
	}
	return conf_ikepol_auth(c);
}

int
conf_ikegw_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_ike_gateway *g = c->obj[CONF_OBJ_IKE_GW];
	const struct gw_conf_ike *k = ike(c);
	const struct gw_conf_ike_policy *pol = NULL;

	for (unsigned int j = 0; j < k->nb_policies; j++)
		if (strcmp(k->policies[j].name, g->ike_policy) == 0)
			pol = &k->policies[j];
	if (pol == NULL)
		return conf_fail_at(c, "ike-policy", "unknown ike policy '%s'", g->ike_policy);
	/* IKE over IPv4 or IPv6: the IKE SA's two addresses are of one family */
	if (g->local_address.family != 0 && g->local_address.family != g->address.family)
		return conf_fail_at(c, "local-address", "IPv%c, the peer's address is IPv%c: "
				    "the IKE SA's addresses are of one family",
				    g->local_address.family == AF_INET6 ? '6' : '4',
				    g->address.family == AF_INET6 ? '6' : '4');
	return conf_ikegw_auth(c, pol);
}

int
conf_ipsecprop_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_ipsec_proposal *p = c->obj[CONF_OBJ_IPSEC_PROP];
	bool gcm = p->encryption == GW_IKE_ENC_AES128_GCM ||
		   p->encryption == GW_IKE_ENC_AES256_GCM;

	if (gcm && p->authentication != GW_IPSEC_AUTH_NONE)
		return conf_fail_at(c, "authentication-algorithm", "AES-GCM takes no "
				    "authentication-algorithm");
	if (!gcm && p->authentication == GW_IPSEC_AUTH_NONE)
		return conf_fail_at(c, "encryption-algorithm", "AES-CBC needs an "
				    "authentication-algorithm");
	return 0;
}

int
conf_ipsecpol_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_ipsec_policy *p = c->obj[CONF_OBJ_IPSEC_POL];
	const struct gw_conf_ike *k = ike(c);

	if (p->nb_proposals == 0)
		return conf_fail_at(c, NULL, "ipsec-policy without proposals");
	for (unsigned int i = 0; i < p->nb_proposals; i++) {
		bool found = false;

		for (unsigned int j = 0; j < k->nb_ipsec_proposals; j++)
			found |= strcmp(k->ipsec_proposals[j].name, p->proposals[i]) == 0;
		if (!found)
			return conf_fail_at(c, "proposals", "unknown ipsec proposal '%s'",
					    p->proposals[i]);
	}
	return 0;
}

int
conf_vpnts_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_vpn_ts *t = c->obj[CONF_OBJ_VPN_TS];

	if (t->local.family != t->remote.family)
		return conf_fail_at(c, NULL, "local-ip and remote-ip of different families");
	if (!conf_prefix_is_canonical(&t->local))
		return conf_fail_at(c, "local-ip", "host bits set in the prefix");
	if (!conf_prefix_is_canonical(&t->remote))
		return conf_fail_at(c, "remote-ip", "host bits set in the prefix");
	return 0;
}

/*
 * udp-encapsulate dest-udp-port: the classifier knows one multipath port
 * besides 4500 (lib/dp), shared with the manual SAs' udp-encapsulation port.
 */
static int
conf_vpn_udp_port_check(struct gw_conf_ctx *c, const struct gw_conf_vpn *v)
{
	const struct gw_conf_ike *k = ike(c);

	if (v->udp_port == 0)
		return 0;
	if (v->udp_port == 4500)
		return conf_fail_at(c, "udp-encapsulate", "dest-udp-port 4500 is NAT-T's, which "
				    "IKE chooses by itself: a multipath port is another one");
	if (c->sa_multipath != NULL && c->sa_multipath->udp_port != v->udp_port)
		return conf_fail_at(c, "udp-encapsulate", "port %u differs from port %u of %s: "
				    "one multipath port per appliance", v->udp_port,
				    c->sa_multipath->udp_port, c->sa_multipath->name);
	for (const struct gw_conf_vpn *o = k->vpns; o < v; o++)
		if (o->udp_port != 0 && o->udp_port != v->udp_port)
			return conf_fail_at(c, "udp-encapsulate", "port %u differs from port %u "
					    "of vpn %s: one multipath port per appliance",
					    v->udp_port, o->udp_port, o->name);
	return 0;
}

int
conf_vpn_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_vpn *v = c->obj[CONF_OBJ_VPN];
	const struct gw_conf_ike *k = ike(c);
	bool gw = false, pol = false;

	for (unsigned int j = 0; j < k->nb_gateways; j++)
		gw |= strcmp(k->gateways[j].name, v->gateway) == 0;
	for (unsigned int j = 0; j < k->nb_ipsec_policies; j++)
		pol |= strcmp(k->ipsec_policies[j].name, v->ipsec_policy) == 0;
	if (!gw)
		return conf_fail_at(c, "ike.gateway", "unknown ike gateway '%s'", v->gateway);
	if (!pol)
		return conf_fail_at(c, "ike.ipsec-policy", "unknown ipsec-policy '%s'",
				    v->ipsec_policy);
	/* none: a service-set binds it (conf_services_resolve) */
	if (v->bind_interface[0] != '\0' &&
	    gw_conf_interface_find(c->conf, v->bind_interface) == NULL)
		return conf_fail_at(c, "bind-interface", "unknown interface '%s'",
				    v->bind_interface);
	if (v->nb_ts == 0)
		return conf_fail_at(c, NULL, "vpn without a traffic-selector");
	return conf_vpn_udp_port_check(c, v);
}
