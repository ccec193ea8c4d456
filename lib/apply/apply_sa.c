/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/apply: the configuration's SAs as owner GW_OWNER_CONF of the install
 * interface. Configuration names map to SA ids here; the manager knows ids.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "apply_priv.h"

#define NAME_BUCKETS 4096	/* a power of two */

/* One SA of the configuration as installed; compared byte for byte. */
struct apply_ent {
	struct apply_ent *next;		/* bucket chain */
	struct gw_conf_sa conf;		/* effective (inherited) settings */
	gw_sa_id_t id;
	bool seen;			/* in the file being applied */
};

struct gw_apply_sa {
	struct gw_install in;
	struct apply_ent *bucket[NAME_BUCKETS];
	unsigned int count;
	struct apply_spds spds;		/* where the configuration has terms */
};

static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h & (NAME_BUCKETS - 1);
}

static struct apply_ent *
ent_find(const struct gw_apply_sa *a, const char *name)
{
	struct apply_ent *e = a->bucket[name_hash(name)];

	while (e != NULL && strcmp(e->conf.name, name) != 0)
		e = e->next;
	return e;
}

static void
ent_remove(struct gw_apply_sa *a, struct apply_ent *e)
{
	struct apply_ent **p = &a->bucket[name_hash(e->conf.name)];

	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	explicit_bzero(e, sizeof(*e));
	free(e);
	a->count--;
}

struct gw_apply_sa *
gw_apply_sa_create(const struct gw_install *in)
{
	struct gw_apply_sa *a;

	if (in == NULL || in->ops == NULL) {
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->in = *in;
	return a;
}

void
gw_apply_sa_free(struct gw_apply_sa *a)
{
	if (a == NULL)
		return;
	for (unsigned int b = 0; b < NAME_BUCKETS; b++)
		while (a->bucket[b] != NULL)
			ent_remove(a, a->bucket[b]);
	free(a);
}

/* What a policy naming the SA says and the SA does not: the SA's own setting wins. */
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

/* An effective gw_conf_sa as the install interface takes it. */
static void
spec_of(const struct gw_conf_sa *c, struct gw_sa_spec *out)
{
	struct gw_sa_params *p = &out->params;

	memset(out, 0, sizeof(*out));
	snprintf(p->label, sizeof(p->label), "%s", c->name);
	snprintf(out->bind, sizeof(out->bind), "%s", c->name);
	p->spi = c->spi;
	p->direction = c->direction;
	p->group = c->group;
	p->crypto = c->crypto;
	p->tunnel_local = c->tunnel_local;
	p->tunnel_remote = c->tunnel_remote;
	p->replay_window = c->replay_window;
	p->anti_replay = c->anti_replay != 0;	/* inherit (-1) = on */
	p->esn = c->esn;
	p->tbar_window_ms = c->tbar_window_ms;
	p->d3p_protocol = c->d3p_protocol;
	p->udp_encap = c->udp_encap;
	p->udp_port = c->udp_port;
	p->tunnel_mtu = c->tunnel_mtu;
	p->df = c->df;
	p->clear_df = c->clear_df;
	p->passive = c->passive;
	p->lifetime.soft_seconds = c->lifetime.soft_seconds;
	p->lifetime.hard_seconds = c->lifetime.hard_seconds;
	p->lifetime.soft_kbytes = c->lifetime.soft_kbytes;
	p->lifetime.hard_kbytes = c->lifetime.hard_kbytes;
	p->sel_src = c->sel_src;
	p->sel_dst = c->sel_dst;
	p->sel_proto = c->sel_proto;
}

void
gw_apply_sa_spec(const struct gw_config *conf, const struct gw_conf_sa *sa,
		 struct gw_sa_spec *out)
{
	struct gw_conf_sa eff;

	effective_sa(conf, sa, &eff);
	spec_of(&eff, out);
	explicit_bzero(&eff, sizeof(eff));
}

static void
keep_first(int *first, int ret)
{
	if (*first == 0 && ret != 0)
		*first = ret;
}

/* Still installed (not deleted at its hard lifetime)? */
static bool
sa_alive(const struct gw_apply_sa *a, gw_sa_id_t id)
{
	struct gw_sa_counters c;

	return a->in.ops->query_sa(a->in.ctx, id, &c) == 0;
}

/* New or changed SA; 1 if added, 2 if updated, 0 if unchanged, or -errno. */
static int
apply_one(struct gw_apply_sa *a, const struct gw_config *conf, const struct gw_conf_sa *c)
{
	struct apply_ent *e = ent_find(a, c->name);
	struct gw_conf_sa eff;
	struct gw_sa_spec spec;
	int ret;

	memset(&eff, 0, sizeof(eff));	/* compared as bytes: padding too */
	effective_sa(conf, c, &eff);
	if (e != NULL && memcmp(&e->conf, &eff, sizeof(eff)) == 0 && sa_alive(a, e->id)) {
		e->seen = true;
		explicit_bzero(&eff, sizeof(eff));
		return 0;
	}
	spec_of(&eff, &spec);
	if (e != NULL) {
		ret = a->in.ops->update_sa(a->in.ctx, e->id, &spec);
		if (ret == -EINVAL || ret == -ENOENT) {
			/* direction, kind or binding changed, or expired: a new SA */
			a->in.ops->del_sa(a->in.ctx, e->id);
			e->id = GW_SA_ID_NONE;
			ret = a->in.ops->add_sa(a->in.ctx, GW_OWNER_CONF, &spec, &e->id);
		}
		if (ret == 0)
			e->conf = eff;
		e->seen = true;
		ret = ret == 0 ? 2 : ret;
	} else {
		e = calloc(1, sizeof(*e));
		ret = e == NULL ? -ENOMEM :
			a->in.ops->add_sa(a->in.ctx, GW_OWNER_CONF, &spec, &e->id);
		if (ret == 0) {
			uint32_t b = name_hash(c->name);

			e->conf = eff;
			e->seen = true;
			e->next = a->bucket[b];
			a->bucket[b] = e;
			a->count++;
			ret = 1;
		} else {
			free(e);
		}
	}
	explicit_bzero(&spec, sizeof(spec));
	explicit_bzero(&eff, sizeof(eff));
	return ret;
}

int
gw_apply_security(struct gw_apply_sa *a, const struct gw_config *conf)
{
	unsigned int i, b, kept = 0, changed = 0, added = 0, removed = 0;
	struct apply_ent *e, *next;
	int first = 0, ret;

	if (a == NULL || conf == NULL)
		return -EINVAL;
	for (b = 0; b < NAME_BUCKETS; b++)
		for (e = a->bucket[b]; e != NULL; e = e->next)
			e->seen = false;
	/* 1. New and changed SAs first, so new rules find them bound. */
	for (i = 0; i < conf->nb_sas; i++) {
		ret = apply_one(a, conf, &conf->sas[i]);
		if (ret < 0) {
			keep_first(&first, ret);
			continue;
		}
		kept += ret == 0;
		added += ret == 1;
		changed += ret == 2;
	}
	/* 2. The configuration's terms on every (interface, direction) it has or had. */
	keep_first(&first, apply_policies(&a->in, GW_OWNER_CONF, conf, &a->spds));
	/* 3. SAs gone from the file: only the configuration's own. */
	for (b = 0; b < NAME_BUCKETS; b++) {
		for (e = a->bucket[b]; e != NULL; e = next) {
			next = e->next;
			if (e->seen)
				continue;
			ret = a->in.ops->del_sa(a->in.ctx, e->id);
			keep_first(&first, ret == -ENOENT ? 0 : ret);	/* expired meanwhile */
			ent_remove(a, e);
			removed++;
		}
	}
	GW_LOG(policy, NOTICE, "configuration SAs: %u kept, %u replaced, %u added, %u removed",
	       kept, changed, added, removed);
	return first;
}

gw_sa_id_t
gw_apply_sa_id(const struct gw_apply_sa *a, const char *name)
{
	const struct apply_ent *e = name == NULL ? NULL : ent_find(a, name);

	return e == NULL ? GW_SA_ID_NONE : e->id;
}

unsigned int
gw_apply_sa_count(const struct gw_apply_sa *a)
{
	return a->count;
}
