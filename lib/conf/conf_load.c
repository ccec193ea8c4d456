/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader: walks a libconfig tree against the schema. Members of a group
 * are first checked against the schema (unknown statements are errors), then
 * handled in schema order, so a section can rely on the ones above it
 * (routes see the interfaces, policies see the SAs) whatever the file order.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_log.h"
#include "conf_priv.h"

/* An @include file's name as libconfig keeps it, relative to the including file's dir. */
void
conf_include_path(char *buf, size_t len, const char *dir, const char *file)
{
	size_t n = 0;

	if (file[0] != '/' && dir != NULL)
		n = (size_t)snprintf(buf, len, "%s/", dir);
	if (n < len)
		snprintf(buf + n, len - n, "%s", file);
}

static void
vfail(struct gw_conf_ctx *c, const config_setting_t *at, const char *what,
      const char *fmt, va_list ap)
{
	struct gw_conf_error *e = c->err;
	size_t n;

	if (e->reason[0] != '\0')	/* keep the first error */
		return;
	if (at != NULL) {
		const char *file = config_setting_source_file(at);

		e->line = config_setting_source_line(at);
		/* Set for @include files only, as written in the @include. */
		if (file != NULL)
			conf_include_path(e->file, sizeof(e->file), c->dir, file);
	}
	n = (size_t)snprintf(e->statement, sizeof(e->statement), "%s", c->stmt);
	if (what != NULL && n < sizeof(e->statement)) {
		snprintf(e->statement + n, sizeof(e->statement) - n, "%s%s",
			 n > 0 ? " " : "", what);
		for (char *p = e->statement + n; *p != '\0'; p++)
			if (*p == '.')	/* "encryption.key" -> "encryption key" */
				*p = ' ';
	}
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
}

int
conf_fail(struct gw_conf_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, c->cur, c->leaf, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static config_setting_t *
frame_member(const struct gw_conf_ctx *c, const char *member)
{
	config_setting_t *g = (config_setting_t *)(uintptr_t)c->frame[c->depth - 1];

	return member != NULL && g != NULL ? config_setting_lookup(g, member) : NULL;
}

int
conf_fail_at(struct gw_conf_ctx *c, const char *member, const char *fmt, ...)
{
	const config_setting_t *at = frame_member(c, member);
	va_list ap;

	if (at == NULL)
		at = c->frame[c->depth - 1];
	va_start(ap, fmt);
	vfail(c, at, member, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool
conf_has(const struct gw_conf_ctx *c, const char *member)
{
	return frame_member(c, member) != NULL;
}

static int
push(struct gw_conf_ctx *c, const config_setting_t *g, const char *a, const char *b)
{
	size_t n = strlen(c->stmt);

	if (c->depth >= CONF_DEPTH)
		return conf_fail(c, "nested too deep");
	c->frame[c->depth] = g;
	c->frame_len[c->depth] = n;
	c->depth++;
	snprintf(c->stmt + n, sizeof(c->stmt) - n, "%s%s%s%s", n > 0 ? " " : "", a,
		 b != NULL ? " " : "", b != NULL ? b : "");
	c->cur = g;
	c->leaf = NULL;
	return 0;
}

static void
pop(struct gw_conf_ctx *c)
{
	c->depth--;
	c->stmt[c->frame_len[c->depth]] = '\0';
	c->cur = c->frame[c->depth];
	c->leaf = NULL;
}

static int
set_value(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, struct gw_conf_val *v)
{
	int rc = s->set != NULL ? s->set(c, s, v) : conf_store(c, s, v);

	explicit_bzero(v->key, sizeof(v->key));
	return rc;
}

/* Leaf defaults that belong to `scope` (a list entry, presence container, NULL: top). */
static int
apply_defaults(struct gw_conf_ctx *c, const struct gw_conf_stmt *scope)
{
	const struct gw_conf_stmt *const *d = conf_schema_defaults(scope);
	struct gw_conf_val v;
	char reason[128];

	for (; *d != NULL; d++) {
		if (conf_value_parse(*d, (*d)->def, &v, reason, sizeof(reason)) < 0)
			return conf_fail(c, "internal: default of %s: %s", (*d)->path, reason);
		c->leaf = gw_conf_stmt_name(*d);
		if (set_value(c, *d, &v) < 0)
			return -EINVAL;
	}
	c->leaf = NULL;
	return 0;
}

static int
leaf_value(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const config_setting_t *m)
{
	struct gw_conf_val v;
	char reason[200];

	c->cur = m;
	if (conf_setting_value(s, m, &v, reason, sizeof(reason)) < 0)
		return conf_fail(c, "%s", reason);
	return set_value(c, s, &v);
}

static int
walk_leaf(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const config_setting_t *m)
{
	int rc = 0;

	c->leaf = gw_conf_stmt_name(s);
	if (config_setting_is_aggregate(m)) {
		for (int i = 0; rc == 0 && i < config_setting_length(m); i++) {
			const config_setting_t *e = config_setting_get_elem(m, (unsigned int)i);

			if (!config_setting_is_scalar(e)) {
				c->cur = e;
				return conf_fail(c, "expected a %s", gw_conf_type_name(s->type));
			}
			rc = leaf_value(c, s, e);
		}
	} else {
		rc = leaf_value(c, s, m);
	}
	c->leaf = NULL;
	return rc;
}

static int walk_group(struct gw_conf_ctx *c, const config_setting_t *g,
		      const struct gw_conf_stmt *parent);

/* parent's child named name, or NULL (load_tree() checked the schema index). */
static const struct gw_conf_stmt *
find_child(const struct gw_conf_stmt *parent, const char *name)
{
	const struct gw_conf_stmt *const *s = conf_schema_children(parent);

	for (; *s != NULL; s++)
		if (strcmp(gw_conf_stmt_name(*s), name) == 0)
			return *s;
	return NULL;
}

static int
walk_entry(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const config_setting_t *e)
{
	const struct gw_conf_stmt *ks = find_child(s, s->key);
	const config_setting_t *k;
	struct gw_conf_val v;
	char reason[200];
	const char *key;
	int rc;

	c->cur = e;
	c->leaf = gw_conf_stmt_name(s);
	if (!config_setting_is_group(e))
		return conf_fail(c, "expected { %s = ...; ... } entries", s->key);
	k = config_setting_get_member(e, s->key);
	if (k == NULL || config_setting_type(k) != CONFIG_TYPE_STRING)
		return conf_fail(c, "entry without a %s string", s->key);
	key = config_setting_get_string(k);
	if (push(c, e, gw_conf_stmt_name(s), key) < 0)
		return -EINVAL;
	c->cur = k;
	rc = s->enter != NULL ? s->enter(c, key) : 0;
	if (rc == 0) {
		c->cur = k;
		c->leaf = NULL;
		if (conf_setting_value(ks, k, &v, reason, sizeof(reason)) < 0)
			rc = conf_fail(c, "%s", reason);
		else if (ks->size != 0 || ks->set != NULL)
			rc = set_value(c, ks, &v);
	}
	if (rc == 0)
		rc = apply_defaults(c, s);
	if (rc == 0)
		rc = walk_group(c, e, s);
	if (rc == 0 && s->leave != NULL) {
		c->cur = e;
		rc = s->leave(c);
	}
	pop(c);
	return rc;
}

static int
walk_list(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const config_setting_t *m)
{
	unsigned int n = (unsigned int)config_setting_length(m);
	int rc = 0;

	c->cur = m;
	c->leaf = gw_conf_stmt_name(s);
	if (s->begin != NULL && s->begin(c, n) < 0)
		return -EINVAL;
	for (unsigned int i = 0; rc == 0 && i < n; i++)
		rc = walk_entry(c, s, config_setting_get_elem(m, i));
	return rc;
}

static int
walk_container(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const config_setting_t *m)
{
	int rc;

	if (push(c, m, gw_conf_stmt_name(s), NULL) < 0)
		return -EINVAL;
	rc = s->enter != NULL ? s->enter(c, NULL) : 0;
	if (rc == 0 && (s->flags & GW_CONF_F_PRESENCE))
		rc = apply_defaults(c, s);
	if (rc == 0)
		rc = walk_group(c, m, s);
	if (rc == 0 && s->leave != NULL) {
		c->cur = m;
		rc = s->leave(c);
	}
	pop(c);
	return rc;
}

/* The libconfig shape a statement wants: NULL if m has it, else what was expected. */
static const char *
shape_error(const struct gw_conf_stmt *s, const config_setting_t *m)
{
	switch (s->type) {
	case GW_CONF_CONTAINER:
		return config_setting_is_group(m) ? NULL : "expected a group { ... }";
	case GW_CONF_LIST:
		return config_setting_is_list(m) ? NULL : "expected a list ( { ... }, ... )";
	default:
		if (config_setting_is_scalar(m))
			return NULL;
		if ((s->flags & GW_CONF_F_MULTI) && config_setting_is_array(m))
			return NULL;
		return (s->flags & GW_CONF_F_MULTI) ? "expected a value or an array [ ... ]" :
						      "expected a single value";
	}
}

static int
walk_group(struct gw_conf_ctx *c, const config_setting_t *g, const struct gw_conf_stmt *parent)
{
	const char *key = parent != NULL && parent->type == GW_CONF_LIST ? parent->key : NULL;
	const struct gw_conf_stmt *s = NULL;
	const config_setting_t *m;
	const char *why;
	int rc;

	for (int i = 0; i < config_setting_length(g); i++) {
		m = config_setting_get_elem(g, (unsigned int)i);
		c->cur = m;
		c->leaf = config_setting_name(m);
		s = find_child(parent, c->leaf);
		if (s == NULL)
			return conf_fail(c, "unknown statement '%s'", c->leaf);
		why = shape_error(s, m);
		if (why != NULL)
			return conf_fail(c, "%s", why);
	}
	for (const struct gw_conf_stmt *const *cs = conf_schema_children(parent);
	     (s = *cs) != NULL; cs++) {
		if (key != NULL && strcmp(gw_conf_stmt_name(s), key) == 0)
			continue;
		m = config_setting_get_member(g, gw_conf_stmt_name(s));
		if (m == NULL) {
			if (s->flags & GW_CONF_F_REQUIRED)
				return conf_fail_at(c, NULL, "missing mandatory statement '%s'",
						    gw_conf_stmt_name(s));
			continue;
		}
		if (s->type == GW_CONF_CONTAINER)
			rc = walk_container(c, s, m);
		else if (s->type == GW_CONF_LIST)
			rc = walk_list(c, s, m);
		else
			rc = walk_leaf(c, s, m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static struct gw_config *
load_tree(config_t *cfg, const char *file, const char *dir, struct gw_conf_error *err)
{
	struct gw_conf_ctx *c;
	struct gw_config *conf;
	int rc;

	conf = calloc(1, sizeof(*conf));
	c = calloc(1, sizeof(*c));
	if (conf == NULL || c == NULL) {
		free(conf);
		free(c);
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	snprintf(conf->path, sizeof(conf->path), "%s", file);
	c->conf = conf;
	c->err = err;
	c->dir = dir;
	c->obj[CONF_OBJ_ROOT] = conf;
	c->frame[0] = config_root_setting(cfg);
	c->depth = 1;
	/* the schema's children and defaults, indexed once (conf_schema_index.c) */
	rc = conf_schema_children(NULL) != NULL ? 0 : conf_fail(c, "out of memory");
	if (rc == 0)
		rc = apply_defaults(c, NULL);
	if (rc == 0)
		rc = walk_group(c, config_root_setting(cfg), NULL);
	if (rc == 0)
		rc = conf_services_resolve(c, config_root_setting(cfg));
	conf_sa_index_free(c);
	explicit_bzero(c, sizeof(*c));
	free(c);
	if (rc < 0) {
		gw_conf_free(conf);
		errno = -rc;
		return NULL;
	}
	return conf;
}

static void
error_init(struct gw_conf_error *err, const char *file)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", file);
}

static struct gw_config *
syntax_error(config_t *cfg, const char *file, const char *dir, struct gw_conf_error *err)
{
	const char *at = config_error_file(cfg);

	if (at != NULL)
		conf_include_path(err->file, sizeof(err->file), dir, at);
	else
		snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = config_error_line(cfg);
	snprintf(err->reason, sizeof(err->reason), "%s", config_error_text(cfg) != NULL ?
		 config_error_text(cfg) : "syntax error");
	config_destroy(cfg);
	errno = EINVAL;
	return NULL;
}

/* What the parse child is given. */
struct parse_job {
	const char *text;
	const char *file;		/* as shown in errors ("" for a string) */
	const char *dir;		/* libconfig's include directory, or NULL */
};

/* Runs in the child (conf_child.c): libconfig, then the schema walk. */
static struct gw_config *
parse_text(void *arg, struct gw_conf_error *err)
{
	const struct parse_job *job = arg;
	struct gw_config *conf;
	config_t cfg;
	int saved;

	config_init(&cfg);
	/* @include "x.conf" is relative to the including file. */
	if (job->dir != NULL)
		config_set_include_dir(&cfg, job->dir);
	if (config_read_string(&cfg, job->text) != CONFIG_TRUE)
		return syntax_error(&cfg, job->file, job->dir, err);
	conf = load_tree(&cfg, job->file, job->dir, err);
	saved = errno;
	config_destroy(&cfg);
	errno = saved;
	return conf;
}

/* The text checked (conf_file.c), then parsed in a child. */
static struct gw_config *
parse_checked(const struct parse_job *job, size_t len, struct gw_conf_error *err)
{
	size_t bytes;
	int rc = conf_text_check(job->text, len, job->file, job->dir, err, &bytes);

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	/* the parse grows with the text: a limit that hangs, not one that is large */
	return conf_child_parse(parse_text, (void *)(uintptr_t)job, CONF_CHILD_TIMEOUT_MS +
				(unsigned int)(bytes >> 20) * CONF_CHILD_MS_PER_MIB, err);
}

struct gw_config *
gw_conf_load(const char *path, struct gw_conf_error *err)
{
	struct parse_job job = { .file = path };
	struct gw_conf_error dummy;
	struct gw_config *conf;
	char dir[512], *slash, *text;
	size_t len;
	int rc, saved;

	if (err == NULL)
		err = &dummy;
	error_init(err, path != NULL ? path : "");
	if (path == NULL) {
		snprintf(err->reason, sizeof(err->reason), "no file");
		errno = EINVAL;
		return NULL;
	}
	rc = conf_file_read(path, &text, &len, err->reason, sizeof(err->reason));
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		job.dir = dir;
	}
	job.text = text;
	conf = parse_checked(&job, len, err);
	saved = errno;
	explicit_bzero(text, len);	/* keys */
	free(text);
	errno = saved;
	if (conf != NULL)
		GW_LOG(parse, INFO, "loaded %s: %u interfaces, %u routes, %u SAs, %u policies",
		       path, conf->nb_interfaces, conf->nb_routes, conf->nb_sas,
		       conf->nb_policies);
	return conf;
}

struct gw_config *
gw_conf_load_string(const char *text, struct gw_conf_error *err)
{
	struct parse_job job = { .text = text, .file = "" };
	struct gw_conf_error dummy;

	if (err == NULL)
		err = &dummy;
	error_init(err, "");
	if (text == NULL) {
		snprintf(err->reason, sizeof(err->reason), "no text");
		errno = EINVAL;
		return NULL;
	}
	return parse_checked(&job, strlen(text), err);
}

void
gw_conf_free(struct gw_config *conf)
{
	if (conf == NULL)
		return;
	if (conf->sas != NULL) {
		explicit_bzero(conf->sas, conf->nb_sas * sizeof(*conf->sas));
		free(conf->sas);
	}
	free(conf->policies);
	explicit_bzero(conf, sizeof(*conf));
	free(conf);
}

void
gw_conf_error_format(const struct gw_conf_error *err, char *buf, size_t len)
{
	const char *file = err->file[0] != '\0' ? err->file : "<string>";

	if (len == 0)
		return;
	if (err->line > 0 && err->statement[0] != '\0')
		snprintf(buf, len, "%s:%d: %s: %s", file, err->line, err->statement, err->reason);
	else if (err->line > 0)
		snprintf(buf, len, "%s:%d: %s", file, err->line, err->reason);
	else if (err->statement[0] != '\0')
		snprintf(buf, len, "%s: %s: %s", file, err->statement, err->reason);
	else
		snprintf(buf, len, "%s: %s", file, err->reason);
}
