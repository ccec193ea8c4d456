/* SPDX-License-Identifier: BSD-3-Clause */
/* security { ipsec { policy ( { name; interface; match-direction; term ( ... ) } ) } } */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

static struct gw_conf_policy *
cur_policy(struct gw_conf_ctx *c)
{
	return c->obj[CONF_OBJ_POLICY];
}

int
conf_policy_begin(struct gw_conf_ctx *c, unsigned int count)
{
	if (count > GW_CONF_MAX_POLICIES)
		return conf_fail(c, "%u policies, at most %d", count, GW_CONF_MAX_POLICIES);
	if (count == 0)
		return 0;
	c->conf->policies = calloc(count, sizeof(*c->conf->policies));
	if (c->conf->policies == NULL)
		return conf_fail(c, "out of memory");
	return 0;
}

int
conf_policy_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_config *conf = c->conf;

	for (unsigned int i = 0; i < conf->nb_policies; i++)
		if (strcmp(conf->policies[i].name, name) == 0)
			return conf_fail(c, "duplicate policy '%s'", name);
	c->obj[CONF_OBJ_POLICY] = &conf->policies[conf->nb_policies++];
	return 0;
}

/*
 * match-direction input: cleartext entering the interface is protected, so
 * the policy is an outbound SPD using outbound SAs; output: what leaves the
 * interface is checked against inbound SAs.
 */
int
conf_set_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   const struct gw_conf_val *v)
{
	cur_policy(c)->direction = strcmp(v->s, "input") == 0 ? GW_SA_OUTBOUND : GW_SA_INBOUND;
	return 0;
}

int
conf_policy_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_policy *p = cur_policy(c);

	if (gw_conf_interface_find(c->conf, p->interface) == NULL)
		return conf_fail_at(c, "interface", "unknown interface '%s'", p->interface);
	if (p->nb_terms == 0)
		return conf_fail_at(c, NULL, "policy without a term");
	return 0;
}

int
conf_term_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_conf_policy *p = cur_policy(c);

	for (unsigned int i = 0; i < p->nb_terms; i++)
		if (strcmp(p->terms[i].name, name) == 0)
			return conf_fail(c, "duplicate term '%s'", name);
	if (p->nb_terms >= GW_CONF_MAX_TERMS)
		return conf_fail(c, "more than %d terms", GW_CONF_MAX_TERMS);
	c->obj[CONF_OBJ_TERM] = &p->terms[p->nb_terms++];
	return 0;
}

static int
check_match(struct gw_conf_ctx *c, const struct gw_conf_term *t)
{
	bool ports = t->sport_lo != 0 || t->sport_hi != 65535 || t->dport_lo != 0 ||
		     t->dport_hi != 65535;

	if (t->src.family != 0 && t->dst.family != 0 && t->src.family != t->dst.family)
		return conf_fail_at(c, "from", "source and destination of different families");
	if (!conf_prefix_is_canonical(&t->src))
		return conf_fail_at(c, "from.source-address", "host bits set in the prefix");
	if (!conf_prefix_is_canonical(&t->dst))
		return conf_fail_at(c, "from.destination-address", "host bits set in the prefix");
	if (ports && t->proto != IPPROTO_TCP && t->proto != IPPROTO_UDP &&
	    t->proto != IPPROTO_SCTP)
		return conf_fail_at(c, "from", "ports need protocol 6 (tcp), 17 (udp) or "
				    "132 (sctp)");
	return 0;
}

int
conf_term_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_policy *p = cur_policy(c);
	const struct gw_conf_term *t = c->obj[CONF_OBJ_TERM];
	bool needs_sa = t->action == GW_POLICY_PROTECT || t->action == GW_POLICY_FAIL_OPEN;
	const struct gw_conf_sa *sa;

	if (check_match(c, t) < 0)
		return -EINVAL;
	if (!needs_sa && t->sa[0] != '\0')
		return conf_fail_at(c, "security-association", "only protect and fail-open "
				    "terms use a security association");
	if (!needs_sa)
		return 0;
	if (t->sa[0] == '\0')
		return conf_fail_at(c, "then", "missing security-association");
	sa = gw_conf_sa_find(c->conf, t->sa);
	if (sa == NULL)
		return conf_fail_at(c, "security-association", "unknown security association "
				    "'%s'", t->sa);
	if (sa->direction != p->direction)
		return conf_fail_at(c, "security-association", "'%s' is %s; a match-direction %s "
				    "policy uses %s SAs", t->sa,
				    sa->direction == GW_SA_OUTBOUND ? "outbound" : "inbound",
				    p->direction == GW_SA_OUTBOUND ? "input" : "output",
				    p->direction == GW_SA_OUTBOUND ? "outbound" : "inbound");
	if (t->action == GW_POLICY_FAIL_OPEN && !sa->group)
		return conf_fail_at(c, "then", "fail-open applies to group SAs only");
	return 0;
}

/* ---- printer ---- */

void *
conf_policy_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= c->conf->nb_policies)
		return NULL;
	return c->obj[CONF_OBJ_POLICY] = &c->conf->policies[idx];
}

void *
conf_term_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	struct gw_conf_policy *p = cur_policy(c);

	if (idx >= p->nb_terms)
		return NULL;
	return c->obj[CONF_OBJ_TERM] = &p->terms[idx];
}

int
conf_get_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   unsigned int idx, char *buf, size_t len)
{
	snprintf(buf, len, "%s", cur_policy(c)->direction == GW_SA_OUTBOUND ? "input" : "output");
	return idx == 0;
}
