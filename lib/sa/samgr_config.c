/* SPDX-License-Identifier: BSD-3-Clause */
/* SA manager: SPDs per interface/direction and apply_config (diff). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "samgr_priv.h"

static struct samgr_spd *
spd_slot(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir)
{
	unsigned int i;

	for (i = 0; i < mgr->nb_spds; i++)
		if (mgr->spds[i].dir == dir && strcmp(mgr->spds[i].ifname, ifname) == 0)
			return &mgr->spds[i];
	return NULL;
}

static struct samgr_spd *
spd_get(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir)
{
	struct samgr_spd *s = spd_slot(mgr, ifname, dir);
	struct gw_spd_params p = { 0 };
	char name[GW_CONF_NAME_LEN];

	if (s != NULL)
		return s;
	if (mgr->nb_spds == GW_SAMGR_MAX_SPDS || strlen(ifname) >= GW_IFNAME_LEN) {
		errno = ENOSPC;
		return NULL;
	}
	s = &mgr->spds[mgr->nb_spds];
	snprintf(name, sizeof(name), "%s.%s", ifname, dir == GW_SA_INBOUND ? "in" : "out");
	p.name = name;
	p.slots = dir == GW_SA_INBOUND ? mgr->in_slots : mgr->slots;
	p.rcu = mgr->rcu;
	p.socket = mgr->socket;
	s->spd = gw_spd_create(&p);
	if (s->spd == NULL)
		return NULL;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->dir = dir;
	s->nb_terms = 0;
	s->terms = NULL;
	mgr->nb_spds++;
	return s;
}

struct gw_spd *
gw_samgr_spd(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir)
{
	struct samgr_spd *s = spd_get(mgr, ifname, dir);

	return s == NULL ? NULL : s->spd;
}

/* Terms of every policy for (ifname, dir), in configuration order. */
static unsigned int
collect_terms(const struct gw_config *conf, const char *ifname, enum gw_sa_dir dir,
	      struct gw_conf_term *out)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < conf->nb_policies; i++) {
		const struct gw_conf_policy *p = &conf->policies[i];

		if (p->direction != dir || strcmp(p->interface, ifname) != 0)
			continue;
		for (j = 0; j < p->nb_terms && n < GW_CONF_MAX_TERMS; j++)
			out[n++] = p->terms[j];
		if (j < p->nb_terms)
			return GW_CONF_MAX_TERMS + 1;
	}
	return n;
}

static int
spd_apply(struct samgr_spd *s, const struct gw_config *conf,
	  struct gw_conf_term *buf)
{
	unsigned int n = collect_terms(conf, s->ifname, s->dir, buf);
	struct gw_conf_term *copy;
	int ret;

	if (n > GW_CONF_MAX_TERMS)
		return -E2BIG;
	if (n == s->nb_terms && (n == 0 || memcmp(buf, s->terms, n * sizeof(*buf)) == 0))
		return 0;	/* unchanged: keep rules and hit counters */
	copy = n == 0 ? NULL : malloc(n * sizeof(*buf));
	if (n != 0 && copy == NULL)
		return -ENOMEM;
	ret = gw_spd_build(s->spd, buf, n);
	if (ret != 0) {
		free(copy);
		return ret;
	}
	if (n != 0)
		memcpy(copy, buf, n * sizeof(*buf));
	free(s->terms);
	s->terms = copy;
	s->nb_terms = n;
	return 0;
}

static void
keep_first(int *first, int ret)
{
	if (*first == 0 && ret != 0)
		*first = ret;
}

/*
 * An SA inherits what its service set (a policy naming it in a term) says
 * and it does not: no-anti-replay and tunnel-mtu. The SA's own setting wins.
 */
static void
effective_sa(const struct gw_config *conf, const struct gw_conf_sa *sa, struct gw_conf_sa *out)
{
	*out = *sa;
	for (unsigned int p = 0; p < conf->nb_policies; p++) {
		const struct gw_conf_policy *pol = &conf->policies[p];
		bool names_it = false;

		for (unsigned int t = 0; t < pol->nb_terms && !names_it; t++)
			names_it = strcmp(pol->terms[t].sa, sa->name) == 0;
		if (!names_it)
			continue;
		if (out->anti_replay == -1 && pol->no_anti_replay)
			out->anti_replay = 0;
		if (!sa->tunnel_mtu_set && pol->tunnel_mtu != 0)
			out->tunnel_mtu = pol->tunnel_mtu;
	}
}

int
gw_samgr_apply_config(struct gw_samgr *mgr, const struct gw_config *conf)
{
	struct gw_conf_sa eff;
	struct gw_conf_term *buf;
	unsigned int i, kept = 0, changed = 0, added = 0, removed = 0;
	struct samgr_entry *e;
	bool wanted;
	int first = 0;

	if (conf == NULL)
		return -EINVAL;
	memset(&eff, 0, sizeof(eff));	/* compared as bytes: padding too */
	buf = malloc(sizeof(*buf) * GW_CONF_MAX_TERMS);
	if (buf == NULL)
		return -ENOMEM;
	/* 1. New and changed SAs first, so new rules find them bound. */
	for (i = 0; i < conf->nb_sas; i++) {
		const struct gw_conf_sa *c = &eff;

		effective_sa(conf, &conf->sas[i], &eff);
		e = samgr_entry(mgr, c->name);
		if (e == NULL) {
			keep_first(&first, gw_samgr_add(mgr, c));
			added++;
		} else if (memcmp(&e->conf, c, sizeof(*c)) != 0) {
			keep_first(&first, gw_samgr_replace(mgr, c));
			changed++;
		} else {
			kept++;
		}
	}
	/* 2. Policies: every known SPD and every configured (interface, direction). */
	for (i = 0; i < conf->nb_policies; i++)
		if (spd_get(mgr, conf->policies[i].interface, conf->policies[i].direction) == NULL)
			keep_first(&first, -errno);
	for (i = 0; i < mgr->nb_spds; i++)
		keep_first(&first, spd_apply(&mgr->spds[i], conf, buf));
	free(buf);
	/* 3. SAs gone from the configuration. */
	for (i = 0; i < GW_SAMGR_MAX_SAS; i++) {
		unsigned int j;

		e = &mgr->entries[i];
		if (!e->used)
			continue;
		wanted = false;
		for (j = 0; j < conf->nb_sas && !wanted; j++)
			wanted = strcmp(conf->sas[j].name, e->conf.name) == 0;
		if (!wanted) {
			keep_first(&first, gw_samgr_delete(mgr, e->conf.name));
			removed++;
		}
	}
	GW_LOG(policy, NOTICE, "SAs: %u kept, %u replaced, %u added, %u removed", kept,
	       changed, added, removed);
	return first;
}
