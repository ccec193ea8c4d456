/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema's shape, indexed once per process for the loader: each
 * statement's children and the defaults that belong to each scope, in schema
 * order. Found by scanning the whole table (gw_conf_schema_child(),
 * conf_default_in_scope()), they cost a few thousand string compares for every
 * list entry the loader enters: with 100,000 security associations that was
 * a third of the parse child's CPU time (2.1 -> 1.3 s, test/unit/conf/test_conf_scale.c).
 */

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

struct schema_index {
	const struct gw_conf_stmt *base;
	size_t n;
	/* of statement i, and of the top level at i == n: [at[i], at[i + 1]) */
	uint32_t *child_at, *def_at;
	/* NULL-terminated runs */
	const struct gw_conf_stmt **child, **def;
	bool ok;
};

static struct schema_index idx;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

/* Position of s's parent (n: the top level), or -1 when the table has none. */
static long
parent_of(const struct gw_conf_stmt *s)
{
	const char *dot = strrchr(s->path, '.');
	const struct gw_conf_stmt *p;
	char path[256];
	size_t len;

	if (dot == NULL)
		return (long)idx.n;
	len = (size_t)(dot - s->path);
	if (len >= sizeof(path))
		return -1;
	memcpy(path, s->path, len);
	path[len] = '\0';
	p = gw_conf_schema_find(path);
	return p != NULL ? p - idx.base : -1;
}

/* Run r (0..n) holds the statements s with in_run(r, s), in schema order. */
static int
fill_runs(uint32_t **at_out, const struct gw_conf_stmt ***out,
	  bool (*in_run)(size_t r, const struct gw_conf_stmt *s, const long *parent),
	  const long *parent)
{
	size_t n = idx.n, total = 0;
	uint32_t *at = calloc(n + 2, sizeof(*at));
	const struct gw_conf_stmt **v = NULL;

	if (at == NULL)
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		total = 0;
		for (size_t r = 0; r <= n; r++) {
			at[r] = (uint32_t)total;
			for (size_t i = 0; i < n; i++) {
				if (!in_run(r, &idx.base[i], parent))
					continue;
				if (v != NULL)
					v[total] = &idx.base[i];
				total++;
			}
			total++;	/* the NULL that ends the run (calloc) */
		}
		at[n + 1] = (uint32_t)total;
		if (v == NULL && (v = calloc(total, sizeof(*v))) == NULL) {
			free(at);
			return -1;
		}
	}
	*at_out = at;
	*out = v;
	return 0;
}

static bool
is_child(size_t r, const struct gw_conf_stmt *s, const long *parent)
{
	return parent[s - idx.base] == (long)r;
}

static bool
is_default(size_t r, const struct gw_conf_stmt *s, const long *parent __rte_unused)
{
	return conf_default_in_scope(r < idx.n ? &idx.base[r] : NULL, s);
}

static void
index_build(void)
{
	long *parent;

	idx.base = gw_conf_schema(&idx.n);
	parent = calloc(idx.n, sizeof(*parent));
	if (parent == NULL)
		return;
	for (size_t i = 0; i < idx.n; i++)
		parent[i] = parent_of(&idx.base[i]);
	idx.ok = fill_runs(&idx.child_at, &idx.child, is_child, parent) == 0 &&
		 fill_runs(&idx.def_at, &idx.def, is_default, parent) == 0;
	free(parent);
}

/* The run of statement s (NULL: the top level), or NULL when out of memory. */
static const struct gw_conf_stmt *const *
run_of(const struct gw_conf_stmt *s, bool defaults)
{
	size_t r;

	pthread_once(&idx_once, index_build);
	if (!idx.ok)
		return NULL;
	r = s != NULL ? (size_t)(s - idx.base) : idx.n;
	return defaults ? &idx.def[idx.def_at[r]] : &idx.child[idx.child_at[r]];
}

const struct gw_conf_stmt *const *
conf_schema_children(const struct gw_conf_stmt *parent)
{
	return run_of(parent, false);
}

const struct gw_conf_stmt *const *
conf_schema_defaults(const struct gw_conf_stmt *scope)
{
	return run_of(scope, true);
}
