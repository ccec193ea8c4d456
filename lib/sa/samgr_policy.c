/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA manager: SPDs per interface and direction, each compiled from the term
 * lists of its owners (configuration first, then negotiated owners by kind
 * and id, each list in its owner's order); owners' subscriptions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "samgr_priv.h"

int
gw_samgr_slot_name(struct gw_owner owner, const char *bind, char *out, size_t len)
{
	char who[32];
	int n;

	if (bind == NULL || bind[0] == '\0')
		return -EINVAL;
	if (owner.kind == GW_OWNER_CONFIG && owner.id == 0) {
		n = snprintf(out, len, "%s", bind);	/* configuration names as they are */
	} else {
		gw_owner_format(owner, who, sizeof(who));
		n = snprintf(out, len, "%s/%s", who, bind);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static struct samgr_spd *
spd_find(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir)
{
	for (unsigned int i = 0; i < mgr->nb_spds; i++)
		if (mgr->spds[i].dir == dir && strcmp(mgr->spds[i].ifname, ifname) == 0)
			return &mgr->spds[i];
	return NULL;
}

static struct samgr_spd *
spd_get(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir)
{
	struct samgr_spd *s = spd_find(mgr, ifname, dir);
	struct gw_spd_params p = { 0 };
	char name[GW_SPD_NAME_LEN];

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
	s->nb_lists = 0;
	s->lists = NULL;
	s->nb_compiled = 0;
	s->origin = NULL;
	mgr->nb_spds++;
	return s;
}

struct gw_spd *
gw_samgr_spd(struct gw_samgr *mgr, const char *ifname, enum gw_sa_dir dir)
{
	struct samgr_spd *s;

	if (ifname == NULL || (dir != GW_SA_INBOUND && dir != GW_SA_OUTBOUND)) {
		errno = EINVAL;
		return NULL;
	}
	s = spd_get(mgr, ifname, dir);
	return s == NULL ? NULL : s->spd;
}

void
samgr_spds_free(struct gw_samgr *mgr)
{
	for (unsigned int i = 0; i < mgr->nb_spds; i++) {
		struct samgr_spd *s = &mgr->spds[i];

		gw_spd_free(s->spd);
		for (unsigned int l = 0; l < s->nb_lists; l++)
			free(s->lists[l].terms);
		free(s->lists);
		free(s->origin);
	}
	mgr->nb_spds = 0;
}

/* Compile order: the configuration, then by kind, then by id. */
static int
owner_cmp(struct gw_owner a, struct gw_owner b)
{
	if (a.kind != b.kind)
		return a.kind < b.kind ? -1 : 1;
	if (a.id != b.id)
		return a.id < b.id ? -1 : 1;
	return 0;
}

static struct samgr_list *
list_find(const struct samgr_spd *s, struct gw_owner owner)
{
	for (unsigned int l = 0; l < s->nb_lists; l++)
		if (gw_owner_eq(s->lists[l].owner, owner))
			return &s->lists[l];
	return NULL;
}

/*
 * Old position of the term that continues as (owner, idx) of the new union:
 * other owners' terms are where they were in their list; the changed owner's
 * terms continue an identical old term of it (each old one used once).
 */
static int32_t
carry_of(const struct samgr_spd *s, struct gw_owner owner, uint32_t idx, bool changed,
	 const struct gw_spd_term *t, const struct samgr_list *old_list, bool *taken)
{
	for (unsigned int i = 0; i < s->nb_compiled; i++) {
		const struct samgr_origin *o = &s->origin[i];

		if (!gw_owner_eq(o->owner, owner))
			continue;
		if (!changed) {
			if (o->idx == idx)
				return (int32_t)i;
		} else if (old_list != NULL && !taken[i] && o->idx < old_list->n &&
			   memcmp(&old_list->terms[o->idx], t, sizeof(*t)) == 0) {
			taken[i] = true;
			return (int32_t)i;
		}
	}
	return -1;
}

/*
 * Build the union with `owner`'s list replaced by terms[n] (n = 0: gone) and
 * publish it; on success the lists are updated. The old list is only read.
 */
static int
spd_compile(struct samgr_spd *s, struct gw_owner owner, const struct gw_spd_term *terms,
	    unsigned int n)
{
	const struct samgr_list *old_list = list_find(s, owner);
	struct samgr_list *lists, *cur;
	unsigned int total = 0, nb_lists = 0, l, k, pos = 0;
	struct gw_spd_term *all = NULL, *copy = NULL;
	struct samgr_origin *origin = NULL;
	int32_t *carry = NULL;
	bool *taken = NULL;
	bool inserted = false;
	int ret = -ENOMEM;

	/* the new list set, in compile order */
	lists = calloc(s->nb_lists + 1, sizeof(*lists));
	if (lists == NULL)
		return -ENOMEM;
	if (n != 0) {
		copy = malloc(n * sizeof(*copy));
		if (copy == NULL)
			goto out;
		memcpy(copy, terms, n * sizeof(*copy));
	}
	for (l = 0; l <= s->nb_lists; l++) {
		bool end = l == s->nb_lists;

		if (!inserted && n != 0 && (end || owner_cmp(owner, s->lists[l].owner) < 0)) {
			lists[nb_lists++] = (struct samgr_list){ owner, n, copy };
			inserted = true;
		}
		if (!end && !gw_owner_eq(s->lists[l].owner, owner))
			lists[nb_lists++] = s->lists[l];
	}
	for (l = 0; l < nb_lists; l++)
		total += lists[l].n;
	if (total > GW_SPD_MAX_TERMS) {
		ret = -E2BIG;
		goto out;
	}
	all = malloc(sizeof(*all) * RTE_MAX(total, 1u));
	origin = malloc(sizeof(*origin) * RTE_MAX(total, 1u));
	carry = malloc(sizeof(*carry) * RTE_MAX(total, 1u));
	taken = calloc(RTE_MAX(s->nb_compiled, 1u), sizeof(*taken));
	if (all == NULL || origin == NULL || carry == NULL || taken == NULL)
		goto out;
	for (l = 0; l < nb_lists; l++) {
		cur = &lists[l];
		for (k = 0; k < cur->n; k++, pos++) {
			struct gw_spd_term *t = &all[pos];

			*t = cur->terms[k];
			/* an owner's SA names live in its own name space */
			if ((t->action == GW_POLICY_PROTECT || t->action == GW_POLICY_FAIL_OPEN)) {
				ret = gw_samgr_slot_name(cur->owner, cur->terms[k].sa, t->sa,
							 sizeof(t->sa));
				if (ret != 0)
					goto out;
			}
			origin[pos] = (struct samgr_origin){ cur->owner, k };
			carry[pos] = carry_of(s, cur->owner, k, gw_owner_eq(cur->owner, owner),
					      &cur->terms[k], old_list, taken);
		}
	}
	ret = gw_spd_build_carry(s->spd, all, total, carry);
	if (ret != 0)
		goto out;
	if (old_list != NULL)
		free(old_list->terms);
	free(s->lists);
	s->lists = lists;
	s->nb_lists = nb_lists;
	free(s->origin);
	s->origin = origin;
	s->nb_compiled = total;
	lists = NULL;
	origin = NULL;
	copy = NULL;
out:
	free(copy);
	free(lists);
	free(all);
	free(origin);
	free(carry);
	free(taken);
	return ret;
}

int
gw_samgr_policy_set(struct gw_samgr *mgr, struct gw_owner owner, const char *ifname,
		    enum gw_sa_dir dir, const struct gw_spd_term *terms, unsigned int n)
{
	const struct samgr_list *cur;
	struct samgr_spd *s;
	char who[32];
	int ret;

	if (mgr == NULL || ifname == NULL || (n != 0 && terms == NULL) ||
	    (dir != GW_SA_INBOUND && dir != GW_SA_OUTBOUND))
		return -EINVAL;
	if (n > GW_SPD_MAX_TERMS)
		return -E2BIG;
	s = n == 0 ? spd_find(mgr, ifname, dir) : spd_get(mgr, ifname, dir);
	if (s == NULL)
		return n == 0 ? 0 : -errno;
	cur = list_find(s, owner);
	if ((cur == NULL && n == 0) ||
	    (cur != NULL && cur->n == n && memcmp(cur->terms, terms, n * sizeof(*terms)) == 0))
		return 0;	/* unchanged: keep rules and hit counters */
	ret = spd_compile(s, owner, terms, n);
	gw_owner_format(owner, who, sizeof(who));
	if (ret != 0)
		GW_LOG(policy, ERR, "policy of %s on %s %s not installed: %s", who, ifname,
		       dir == GW_SA_INBOUND ? "output" : "input", strerror(-ret));
	else
		GW_LOG(policy, INFO, "policy of %s on %s %s: %u terms", who, ifname,
		       dir == GW_SA_INBOUND ? "output" : "input", n);
	return ret;
}

const struct gw_spd_term *
gw_samgr_policy_get(const struct gw_samgr *mgr, struct gw_owner owner, const char *ifname,
		    enum gw_sa_dir dir, unsigned int *n)
{
	const struct samgr_spd *s = spd_find((struct gw_samgr *)(uintptr_t)mgr, ifname, dir);
	const struct samgr_list *l = s == NULL ? NULL : list_find(s, owner);

	*n = l == NULL ? 0 : l->n;
	return l == NULL ? NULL : l->terms;
}

int
gw_samgr_policy_hits(const struct gw_samgr *mgr, struct gw_owner owner, const char *ifname,
		     enum gw_sa_dir dir, unsigned int term, uint64_t *hits)
{
	const struct samgr_spd *s = spd_find((struct gw_samgr *)(uintptr_t)mgr, ifname, dir);

	for (unsigned int i = 0; s != NULL && i < s->nb_compiled; i++)
		if (gw_owner_eq(s->origin[i].owner, owner) && s->origin[i].idx == term)
			return gw_spd_term_hits(s->spd, i, hits);
	return -ENOENT;
}

int
samgr_policy_flush(struct gw_samgr *mgr, struct gw_owner owner)
{
	int first = 0, ret;

	for (unsigned int i = 0; i < mgr->nb_spds; i++) {
		ret = gw_samgr_policy_set(mgr, owner, mgr->spds[i].ifname, mgr->spds[i].dir,
					  NULL, 0);
		if (first == 0)
			first = ret;
	}
	return first;
}

int
gw_samgr_set_disabled(struct gw_samgr *mgr, struct gw_owner owner, enum gw_sa_dir dir,
		      const char *bind, bool disabled)
{
	struct gw_spd_slots *slots = dir == GW_SA_INBOUND ? mgr->in_slots : mgr->slots;
	char name[GW_SPD_NAME_LEN];
	int slot, ret;

	ret = gw_samgr_slot_name(owner, bind, name, sizeof(name));
	if (ret != 0)
		return ret;
	slot = gw_spd_slot_find(slots, name);
	if (slot < 0)
		return slot;
	GW_LOG(policy, NOTICE, "SA slot %s: %s", name, disabled ? "disabled" : "enabled");
	return gw_spd_slot_set_disabled(slots, (uint32_t)slot, GW_SPD_SLOT_DIS_ADMIN, disabled);
}

/* ---- subscriptions ---- */

const struct samgr_owner *
samgr_owner_find(const struct gw_samgr *mgr, struct gw_owner owner)
{
	for (unsigned int i = 0; i < mgr->nb_owners; i++)
		if (gw_owner_eq(mgr->owners[i].owner, owner))
			return &mgr->owners[i];
	return NULL;
}

int
gw_samgr_subscribe(struct gw_samgr *mgr, struct gw_owner owner, gw_ipsec_event_cb cb,
		   void *arg)
{
	struct samgr_owner *o = (struct samgr_owner *)(uintptr_t)samgr_owner_find(mgr, owner);

	if (cb == NULL) {
		if (o != NULL)
			*o = mgr->owners[--mgr->nb_owners];
		return 0;
	}
	if (o == NULL) {
		if (mgr->nb_owners == GW_SAMGR_MAX_OWNERS)
			return -ENOSPC;
		o = &mgr->owners[mgr->nb_owners++];
	}
	o->owner = owner;
	o->cb = cb;
	o->arg = arg;
	return 0;
}
