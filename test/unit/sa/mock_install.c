/* SPDX-License-Identifier: BSD-3-Clause */
/* The recording mock of the install interface (see mock_install.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mock_install.h"

static struct mock_call *
record(struct mock_install *m, enum mock_op op, struct gw_owner owner)
{
	static struct mock_call spare;
	struct mock_call *c = m->nb_calls < MOCK_MAX_CALLS ? &m->calls[m->nb_calls++] : &spare;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->owner = owner;
	return c;
}

/* The test asked this call to fail. */
static int
injected(struct mock_install *m, struct mock_call *c)
{
	c->ret = 0;
	if (m->fail_op == c->op) {
		c->ret = m->fail_ret;
		m->fail_op = 0;
	}
	return c->ret;
}

static gw_sa_id_t
id_of(const struct mock_install *m, const struct mock_sa *s)
{
	return (uint64_t)s->gen << 32 | (uint32_t)(s - m->sas);
}

struct mock_sa *
mock_sa(struct mock_install *m, gw_sa_id_t id)
{
	uint32_t idx = (uint32_t)id;

	if (idx >= MOCK_MAX_SAS || !m->sas[idx].used || m->sas[idx].gen != (uint32_t)(id >> 32))
		return NULL;
	return &m->sas[idx];
}

static int
get_spi(void *ctx, struct gw_owner owner, bool group, enum gw_sa_dir dir, uint32_t *spi)
{
	struct mock_install *m = ctx;
	struct mock_call *c = record(m, MOCK_GET_SPI, owner);

	(void)group;
	c->dir = (uint8_t)dir;
	if (injected(m, c) != 0)
		return c->ret;
	*spi = c->spi = m->next_spi++;
	return 0;
}

static int
release_spi(void *ctx, struct gw_owner owner, bool group, enum gw_sa_dir dir, uint32_t spi)
{
	struct mock_call *c = record(ctx, MOCK_RELEASE_SPI, owner);

	(void)group;
	c->dir = (uint8_t)dir;
	c->spi = spi;
	return injected(ctx, c);
}

static int
add_sa(void *ctx, struct gw_owner owner, const struct gw_sa_spec *spec, gw_sa_id_t *id)
{
	struct mock_install *m = ctx;
	struct mock_call *c = record(m, MOCK_ADD_SA, owner);

	c->spi = spec->params.spi;
	c->dir = (uint8_t)spec->params.direction;
	if (injected(m, c) != 0)
		return c->ret;
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++) {
		struct mock_sa *s = &m->sas[i];

		if (s->used)
			continue;
		s->used = true;
		s->gen++;
		s->owner = owner;
		s->spec = *spec;
		memset(&s->counters, 0, sizeof(s->counters));
		*id = c->id = id_of(m, s);
		return 0;
	}
	return c->ret = -ENOSPC;
}

static int
update_sa(void *ctx, gw_sa_id_t id, const struct gw_sa_spec *spec)
{
	struct mock_install *m = ctx;
	struct mock_sa *s = mock_sa(m, id);
	struct mock_call *c = record(m, MOCK_UPDATE_SA, s ? s->owner : GW_OWNER_CONF);

	c->id = id;
	c->spi = spec->params.spi;
	if (injected(m, c) != 0)
		return c->ret;
	if (s == NULL)
		return c->ret = -ENOENT;
	s->spec = *spec;
	return 0;
}

static int
del_sa(void *ctx, gw_sa_id_t id)
{
	struct mock_install *m = ctx;
	struct mock_sa *s = mock_sa(m, id);
	struct mock_call *c = record(m, MOCK_DEL_SA, s ? s->owner : GW_OWNER_CONF);

	c->id = id;
	if (injected(m, c) != 0)
		return c->ret;
	if (s == NULL)
		return c->ret = -ENOENT;
	s->used = false;
	return 0;
}

static int
query_sa(void *ctx, gw_sa_id_t id, struct gw_sa_counters *out)
{
	struct mock_install *m = ctx;
	struct mock_sa *s = mock_sa(m, id);
	struct mock_call *c = record(m, MOCK_QUERY_SA, s ? s->owner : GW_OWNER_CONF);

	c->id = id;
	if (injected(m, c) != 0)
		return c->ret;
	if (s == NULL)
		return c->ret = -ENOENT;
	*out = s->counters;
	return 0;
}

static struct mock_policy *
policy_slot(struct mock_install *m, struct gw_owner owner, const char *ifname,
	    enum gw_sa_dir dir)
{
	for (unsigned int i = 0; i < m->nb_pol; i++)
		if (gw_owner_eq(m->pol[i].owner, owner) && m->pol[i].dir == dir &&
		    strcmp(m->pol[i].ifname, ifname) == 0)
			return &m->pol[i];
	if (m->nb_pol == MOCK_MAX_POLICIES)
		return NULL;
	m->pol[m->nb_pol].owner = owner;
	m->pol[m->nb_pol].dir = dir;
	snprintf(m->pol[m->nb_pol].ifname, sizeof(m->pol[0].ifname), "%s", ifname);
	m->pol[m->nb_pol].n = 0;
	return &m->pol[m->nb_pol++];
}

const struct mock_policy *
mock_policy(const struct mock_install *m, struct gw_owner owner, const char *ifname,
	    enum gw_sa_dir dir)
{
	for (unsigned int i = 0; i < m->nb_pol; i++)
		if (gw_owner_eq(m->pol[i].owner, owner) && m->pol[i].dir == dir &&
		    strcmp(m->pol[i].ifname, ifname) == 0)
			return m->pol[i].n != 0 ? &m->pol[i] : NULL;
	return NULL;
}

static int
set_policy(void *ctx, struct gw_owner owner, const char *ifname, enum gw_sa_dir dir,
	   const struct gw_spd_term *terms, unsigned int n)
{
	struct mock_install *m = ctx;
	struct mock_call *c = record(m, MOCK_SET_POLICY, owner);
	struct mock_policy *p;

	c->dir = (uint8_t)dir;
	c->n = n;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	if (injected(m, c) != 0)
		return c->ret;
	if (n > sizeof(p->terms) / sizeof(p->terms[0]))
		return c->ret = -E2BIG;
	p = policy_slot(m, owner, ifname, dir);
	if (p == NULL)
		return c->ret = -ENOSPC;
	p->n = n;
	if (n != 0)
		memcpy(p->terms, terms, n * sizeof(*terms));
	return 0;
}

static int
set_disabled(void *ctx, struct gw_owner owner, enum gw_sa_dir dir, const char *bind,
	     bool disabled)
{
	struct mock_call *c = record(ctx, MOCK_SET_DISABLED, owner);

	(void)bind;
	c->dir = (uint8_t)dir;
	c->n = disabled;
	return injected(ctx, c);
}

static int
flush(void *ctx, struct gw_owner owner)
{
	struct mock_install *m = ctx;
	struct mock_call *c = record(m, MOCK_FLUSH, owner);

	if (injected(m, c) != 0)
		return c->ret;
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		if (m->sas[i].used && gw_owner_eq(m->sas[i].owner, owner))
			m->sas[i].used = false;
	for (unsigned int i = 0; i < m->nb_pol; i++)
		if (gw_owner_eq(m->pol[i].owner, owner))
			m->pol[i].n = 0;
	for (unsigned int i = 0; i < MOCK_MAX_SUBS; i++)	/* and its subscription */
		if (m->subs[i].cb != NULL && gw_owner_eq(m->subs[i].owner, owner))
			m->subs[i].cb = NULL;
	return 0;
}

static int
subscribe(void *ctx, struct gw_owner owner, gw_ipsec_event_cb cb, void *arg)
{
	struct mock_install *m = ctx;
	struct mock_call *c = record(m, MOCK_SUBSCRIBE, owner);

	if (injected(m, c) != 0)
		return c->ret;
	m->cb = cb;
	m->cb_arg = arg;
	m->cb_owner = owner;
	for (unsigned int i = 0; i < MOCK_MAX_SUBS; i++)
		if (m->subs[i].cb != NULL && gw_owner_eq(m->subs[i].owner, owner))
			m->subs[i].cb = NULL;
	for (unsigned int i = 0; cb != NULL && i < MOCK_MAX_SUBS; i++)
		if (m->subs[i].cb == NULL) {
			m->subs[i] = (struct mock_sub){ .owner = owner, .cb = cb, .arg = arg };
			break;
		}
	return 0;
}

static const struct gw_install_ops mock_ops = {
	.get_spi = get_spi, .release_spi = release_spi, .add_sa = add_sa,
	.update_sa = update_sa, .del_sa = del_sa, .query_sa = query_sa,
	.set_policy = set_policy, .set_disabled = set_disabled, .flush = flush,
	.subscribe = subscribe,
};

void
mock_install_init(struct mock_install *m)
{
	memset(m, 0, sizeof(*m));
	m->in.ops = &mock_ops;
	m->in.ctx = m;
	m->next_spi = 0x1000;
}

unsigned int
mock_sa_count(const struct mock_install *m, struct gw_owner owner)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		n += m->sas[i].used && gw_owner_eq(m->sas[i].owner, owner);
	return n;
}

unsigned int
mock_sa_count_kind(const struct mock_install *m, enum gw_owner_kind kind)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		n += m->sas[i].used && m->sas[i].owner.kind == kind;
	return n;
}

void
mock_raise(struct mock_install *m, gw_sa_id_t id, enum gw_sa_event_type type)
{
	struct mock_sa *s = mock_sa(m, id);
	struct gw_ipsec_event ev = { .type = type, .id = id };

	if (s == NULL)
		return;
	ev.owner = s->owner;
	ev.spi = s->spec.params.spi;
	ev.dir = (uint8_t)s->spec.params.direction;
	ev.group = s->spec.params.group;
	if (type == GW_SA_EV_HARD_LIFETIME || type == GW_SA_EV_SEQ_EXHAUSTED)
		s->used = false;	/* the manager deletes it before telling */
	for (unsigned int i = 0; i < MOCK_MAX_SUBS; i++)
		if (m->subs[i].cb != NULL && gw_owner_eq(m->subs[i].owner, s->owner)) {
			m->subs[i].cb(&ev, m->subs[i].arg);
			return;
		}
}

unsigned int
mock_count(const struct mock_install *m, enum mock_op op)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->nb_calls; i++)
		n += m->calls[i].op == op;
	return n;
}
