/* SPDX-License-Identifier: BSD-3-Clause */
/* system { dataplane { ... } traceoptions { ... } } */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "conf_priv.h"

int
conf_set_worker(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		const struct gw_conf_val *v)
{
	struct gw_conf_dataplane *dp = &c->conf->dataplane;

	for (unsigned int i = 0; i < dp->nb_workers; i++)
		if (dp->workers[i] == v->u)
			return conf_fail(c, "lcore %u listed twice", (unsigned int)v->u);
	if (dp->nb_workers >= GW_CONF_MAX_LCORES)
		return conf_fail(c, "more than %d workers", GW_CONF_MAX_LCORES);
	dp->workers[dp->nb_workers++] = (unsigned int)v->u;
	return 0;
}

int
conf_set_ring_size(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   const struct gw_conf_val *v)
{
	if (!rte_is_power_of_2((uint32_t)v->u))
		return conf_fail(c, "ring size %u is not a power of 2", (unsigned int)v->u);
	c->conf->dataplane.ring_size = (unsigned int)v->u;
	return 0;
}

int
conf_set_engine(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		const struct gw_conf_val *v)
{
	snprintf(c->conf->dataplane.crypto_engine, sizeof(c->conf->dataplane.crypto_engine),
		 "%s", v->s);
	return 0;
}

int
conf_set_trace_level(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		     const struct gw_conf_val *v)
{
	unsigned int level = gw_log_level_parse(v->s);

	if (level == 0)
		return conf_fail(c, "unknown level '%s'", v->s);
	c->conf->trace.level = level;
	return 0;
}

int
conf_set_trace_flag(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		    const struct gw_conf_val *v)
{
	unsigned int flag = gw_log_flag_parse(v->s);

	if (flag == 0)
		return conf_fail(c, "unknown flag '%s'", v->s);
	c->conf->trace.flags |= flag;
	return 0;
}

/* The layout names only the lcores it uses. */
int
conf_dataplane_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_dataplane *dp = &c->conf->dataplane;

	if (dp->layout == GW_LAYOUT_PIPELINE && dp->nb_workers > 0)
		return conf_fail_at(c, "workers", "workers are for layout run-to-completion; the "
				    "pipeline layout uses pipeline { rx; classify; crypto; tx; }");
	if (dp->layout == GW_LAYOUT_RUN_TO_COMPLETION && conf_has(c, "pipeline"))
		return conf_fail_at(c, "pipeline", "pipeline lcores need layout pipeline");
	if (dp->crypto_arch != GW_CRYPTO_ARCH_AUTO && strcmp(dp->crypto_engine, "openssl") == 0)
		return conf_fail_at(c, "crypto-arch", "crypto-arch chooses the ipsecmb engine's "
				    "code path; crypto-engine openssl has none (use \"auto\")");
	return 0;
}

/* ---- printer ---- */

int
conf_get_worker(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		unsigned int idx, char *buf, size_t len)
{
	if (idx >= c->conf->dataplane.nb_workers)
		return 0;
	snprintf(buf, len, "%u", c->conf->dataplane.workers[idx]);
	return 1;
}

int
conf_get_engine(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		unsigned int idx, char *buf, size_t len)
{
	snprintf(buf, len, "%s", c->conf->dataplane.crypto_engine);
	return idx == 0 && buf[0] != '\0';
}

int
conf_get_ring_size(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		   unsigned int idx, char *buf, size_t len)
{
	snprintf(buf, len, "%u", c->conf->dataplane.ring_size);
	return idx == 0;
}

int
conf_get_trace_level(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		     char *buf, size_t len)
{
	for (unsigned int i = 0; idx == 0 && s->names[i] != NULL; i++) {
		if (gw_log_level_parse(s->names[i]) == c->conf->trace.level) {
			snprintf(buf, len, "%s", s->names[i]);
			return 1;
		}
	}
	return 0;
}

int
conf_get_trace_flag(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		    char *buf, size_t len)
{
	unsigned int mask = c->conf->trace.flags, n = 0;

	for (unsigned int i = 0; s->names[i] != NULL; i++) {
		unsigned int f = gw_log_flag_parse(s->names[i]);

		/* "all" first: when every flag is on, it is the only one printed */
		if (f == 0 || (mask & f) != f || (mask == GW_LOGFLAG_ALL) != (f == GW_LOGFLAG_ALL))
			continue;
		if (n++ == idx) {
			snprintf(buf, len, "%s", s->names[i]);
			return 1;
		}
	}
	return 0;
}
