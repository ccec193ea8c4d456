/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/apply: configuration policies -> an owner's terms per interface and direction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_priv.h"

void
gw_apply_term(const struct gw_conf_term *t, struct gw_spd_term *out)
{
	memset(out, 0, sizeof(*out));	/* compared as bytes: padding too */
	memcpy(out->name, t->name, sizeof(out->name) < sizeof(t->name) ?
	       sizeof(out->name) : sizeof(t->name));
	out->name[sizeof(out->name) - 1] = '\0';
	out->src = t->src;
	out->dst = t->dst;
	out->proto = t->proto;
	out->sport_lo = t->sport_lo;
	out->sport_hi = t->sport_hi;
	out->dport_lo = t->dport_lo;
	out->dport_hi = t->dport_hi;
	out->action = t->action;
	memcpy(out->sa, t->sa, sizeof(out->sa) < sizeof(t->sa) ? sizeof(out->sa) : sizeof(t->sa));
	out->sa[sizeof(out->sa) - 1] = '\0';
}

/* Terms of every policy for (ifname, dir), in configuration order. */
static unsigned int
collect_terms(const struct gw_config *conf, const char *ifname, enum gw_sa_dir dir,
	      struct gw_spd_term *out)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < conf->nb_policies; i++) {
		const struct gw_conf_policy *p = &conf->policies[i];

		if (p->direction != dir || strcmp(p->interface, ifname) != 0)
			continue;
		for (j = 0; j < p->nb_terms && n < GW_SPD_MAX_TERMS; j++)
			gw_apply_term(&p->terms[j], &out[n++]);
		if (j < p->nb_terms)
			return GW_SPD_MAX_TERMS + 1;
	}
	return n;
}

static bool
spds_has(const struct apply_spds *s, const char *ifname, enum gw_sa_dir dir)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->at[i].dir == dir && strcmp(s->at[i].ifname, ifname) == 0)
			return true;
	return false;
}

static void
spds_add(struct apply_spds *s, const char *ifname, enum gw_sa_dir dir)
{
	if (spds_has(s, ifname, dir) || s->n == RTE_DIM(s->at))
		return;
	snprintf(s->at[s->n].ifname, sizeof(s->at[s->n].ifname), "%s", ifname);
	s->at[s->n].dir = dir;
	s->n++;
}

static void
keep_first(int *first, int ret)
{
	if (*first == 0 && ret != 0)
		*first = ret;
}

int
apply_policies(const struct gw_install *in, struct gw_owner owner,
	       const struct gw_config *conf, struct apply_spds *had)
{
	struct apply_spds now = { 0 };
	struct gw_spd_term *buf;
	unsigned int i, n;
	int first = 0;

	buf = malloc(sizeof(*buf) * (GW_SPD_MAX_TERMS + 1));
	if (buf == NULL)
		return -ENOMEM;
	for (i = 0; i < conf->nb_policies; i++)
		spds_add(&now, conf->policies[i].interface, conf->policies[i].direction);
	for (i = 0; i < now.n; i++) {
		n = collect_terms(conf, now.at[i].ifname, now.at[i].dir, buf);
		if (n > GW_SPD_MAX_TERMS) {
			keep_first(&first, -E2BIG);
			continue;
		}
		keep_first(&first, in->ops->set_policy(in->ctx, owner, now.at[i].ifname,
						       now.at[i].dir, buf, n));
	}
	/* a removed policy leaves no terms of this owner (the SPD object stays) */
	for (i = 0; i < had->n; i++)
		if (!spds_has(&now, had->at[i].ifname, had->at[i].dir))
			keep_first(&first, in->ops->set_policy(in->ctx, owner, had->at[i].ifname,
							       had->at[i].dir, NULL, 0));
	*had = now;
	free(buf);
	return first;
}
