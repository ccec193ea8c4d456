/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The candidate configuration: a libconfig tree (the very format of the
 * file) edited by `set` / `delete` along the schema (lib/conf/conf_schema.h),
 * so a statement the CLI accepts is one the loader knows, with the value's
 * type and range checked by the loader's own gw_conf_value_check(). Named
 * objects are libconfig lists of groups keyed by their key member, as in
 * the file. Cross-checks are the loader's, at commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_schema.h"
#include "cli_priv.h"

const struct gw_conf_stmt *
cli_schema_child(const struct gw_conf_stmt *parent, const char *name)
{
	const struct gw_conf_stmt *c = NULL;

	while ((c = gw_conf_schema_child(parent, c)) != NULL) {
		if (parent != NULL && parent->type == GW_CONF_LIST && parent->key != NULL &&
		    strcmp(gw_conf_stmt_name(c), parent->key) == 0)
			continue;	/* the key is the entry's name, not a statement */
		if (strcmp(gw_conf_stmt_name(c), name) == 0)
			return c;
	}
	return NULL;
}

static const struct gw_conf_stmt *
key_stmt(const struct gw_conf_stmt *list)
{
	const struct gw_conf_stmt *c = NULL;

	while ((c = gw_conf_schema_child(list, c)) != NULL)
		if (strcmp(gw_conf_stmt_name(c), list->key) == 0)
			return c;
	return NULL;
}

/* Scalar setting as text (numbers, booleans, strings). */
static const char *
scalar_text(const config_setting_t *v, char *buf, size_t len)
{
	switch (config_setting_type(v)) {
	case CONFIG_TYPE_INT:
		snprintf(buf, len, "%d", config_setting_get_int(v));
		return buf;
	case CONFIG_TYPE_INT64:
		snprintf(buf, len, "%lld", config_setting_get_int64(v));
		return buf;
	case CONFIG_TYPE_BOOL:
		return config_setting_get_bool(v) ? "true" : "false";
	case CONFIG_TYPE_STRING:
		return config_setting_get_string(v);
	default:
		return "";
	}
}

static config_setting_t *
list_entry(config_setting_t *list, const char *keyname, const char *key, int *idx)
{
	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		config_setting_t *k = config_setting_get_member(e, keyname);
		char buf[64];

		if (k != NULL && strcmp(scalar_text(k, buf, sizeof(buf)), key) == 0) {
			if (idx != NULL)
				*idx = i;
			return e;
		}
	}
	return NULL;
}

static config_setting_t *
get_or_add(config_setting_t *parent, const char *name, int type)
{
	config_setting_t *c = config_setting_get_member(parent, name);

	if (c != NULL && config_setting_type(c) != type) {
		config_setting_remove(parent, name);
		c = NULL;
	}
	return c != NULL ? c : config_setting_add(parent, name, type);
}

struct walk {
	config_setting_t *cur;		/* group the next word is looked up in */
	const struct gw_conf_stmt *stmt;	/* its schema row (NULL: top) */
	config_setting_t *list;		/* when cur is a list entry: its list */
	int entry_idx;
};

/*
 * Walk path[0..n) (creating when `create`) down to the last container or
 * entry; returns the index of the first leaf word, n when the path names a
 * container / entry, or -errno with err filled.
 */
static int
walk(config_t *cfg, const struct cli_words *path, bool create, struct walk *w, char *err,
     size_t len)
{
	w->cur = config_root_setting(cfg);
	w->stmt = NULL;
	w->list = NULL;
	for (unsigned int i = 0; i < path->n; i++) {
		const struct gw_conf_stmt *s = cli_schema_child(w->stmt, path->w[i]);
		config_setting_t *c;

		if (s == NULL) {
			snprintf(err, len, "syntax error: '%s' is not a statement here",
				 path->w[i]);
			return -EINVAL;
		}
		if (s->type != GW_CONF_CONTAINER && s->type != GW_CONF_LIST) {
			w->stmt = s;
			return (int)i;
		}
		if (s->type == GW_CONF_CONTAINER) {
			c = create ? get_or_add(w->cur, path->w[i], CONFIG_TYPE_GROUP) :
				config_setting_get_member(w->cur, path->w[i]);
			if (c == NULL) {
				snprintf(err, len, "statement not found: %s", path->w[i]);
				return -ENOENT;
			}
			w->cur = c;
			w->stmt = s;
			w->list = NULL;
			continue;
		}
		/* LIST: the next word is the entry's name */
		if (i + 1 >= path->n) {
			w->stmt = s;
			return (int)i;
		}
		const struct gw_conf_stmt *ks = key_stmt(s);
		const char *key = path->w[i + 1];
		char reason[160];

		if (ks != NULL && gw_conf_value_check(ks, key, reason, sizeof(reason)) != 0) {
			snprintf(err, len, "%s '%s': %s", path->w[i], key, reason);
			return -EINVAL;
		}
		c = create ? get_or_add(w->cur, path->w[i], CONFIG_TYPE_LIST) :
			config_setting_get_member(w->cur, path->w[i]);
		config_setting_t *e = c != NULL ? list_entry(c, s->key, key, &w->entry_idx) : NULL;

		if (e == NULL && create) {
			e = config_setting_add(c, NULL, CONFIG_TYPE_GROUP);
			if (e != NULL) {
				config_setting_t *k = config_setting_add(e, s->key,
									 CONFIG_TYPE_STRING);

				config_setting_set_string(k, key);
			}
			w->entry_idx = config_setting_length(c) - 1;
		}
		if (e == NULL) {
			snprintf(err, len, "statement not found: %s %s", path->w[i], key);
			return -ENOENT;
		}
		w->cur = e;
		w->stmt = s;
		w->list = c;
		i++;
	}
	return (int)path->n;
}

int
cli_cand_check_path(const struct cli_words *path, bool container_only, char *err, size_t len)
{
	const struct gw_conf_stmt *st = NULL;

	for (unsigned int i = 0; i < path->n; i++) {
		const struct gw_conf_stmt *s = cli_schema_child(st, path->w[i]);

		if (s == NULL) {
			snprintf(err, len, "syntax error: '%s' is not a statement here",
				 path->w[i]);
			return -EINVAL;
		}
		if (s->type != GW_CONF_CONTAINER && s->type != GW_CONF_LIST) {
			if (container_only) {
				snprintf(err, len, "syntax error: '%s' is a leaf", path->w[i]);
				return -EINVAL;
			}
			return 0;
		}
		if (s->type == GW_CONF_LIST) {
			if (i + 1 >= path->n) {
				snprintf(err, len, "missing name after '%s'", path->w[i]);
				return -EINVAL;
			}
			i++;
		}
		st = s;
	}
	return 0;
}

static void
set_scalar(config_setting_t *parent, const struct gw_conf_stmt *s, const char *name,
	   const char *value)
{
	config_setting_t *c;

	config_setting_remove(parent, name);
	if (s->type == GW_CONF_BOOL) {
		c = config_setting_add(parent, name, CONFIG_TYPE_BOOL);
		config_setting_set_bool(c, strcmp(value, "true") == 0);
	} else {
		c = config_setting_add(parent, name, CONFIG_TYPE_STRING);
		config_setting_set_string(c, value);
	}
}

/* A multi-valued leaf: add value to its array (a scalar becomes an array of two). */
static void
set_multi(config_setting_t *parent, const char *name, const char *value)
{
	config_setting_t *c = config_setting_get_member(parent, name), *arr;
	char *old[64];
	const unsigned int max_old = 64;
	unsigned int n = 0;
	char buf[64];

	if (c != NULL) {
		if (config_setting_is_array(c)) {
			for (int i = 0; i < config_setting_length(c) && n < max_old; i++)
				old[n++] = strdup(scalar_text(config_setting_get_elem(c, i), buf,
							      sizeof(buf)));
		} else {
			old[n++] = strdup(scalar_text(c, buf, sizeof(buf)));
		}
		config_setting_remove(parent, name);
	}
	arr = config_setting_add(parent, name, CONFIG_TYPE_ARRAY);
	bool seen = false;

	for (unsigned int i = 0; i < n; i++) {
		if (old[i] == NULL)
			continue;
		seen |= strcmp(old[i], value) == 0;
		config_setting_set_string(config_setting_add(arr, NULL, CONFIG_TYPE_STRING),
					  old[i]);
		free(old[i]);
	}
	if (!seen)
		config_setting_set_string(config_setting_add(arr, NULL, CONFIG_TYPE_STRING),
					  value);
}

int
cli_cand_set(config_t *cfg, const struct cli_words *path, char *err, size_t len)
{
	struct walk w;
	const char *value;
	char reason[160];
	int leaf = walk(cfg, path, true, &w, err, len);

	if (leaf < 0)
		return leaf;
	if ((unsigned int)leaf >= path->n) {
		if (w.stmt != NULL && w.stmt->type == GW_CONF_LIST && w.list == NULL) {
			snprintf(err, len, "missing name after '%s'", gw_conf_stmt_name(w.stmt));
			return -EINVAL;
		}
		return 0;	/* a container or entry: being there is the statement */
	}
	if (w.stmt->type == GW_CONF_LIST) {
		snprintf(err, len, "missing name after '%s'", path->w[leaf]);
		return -EINVAL;
	}
	if (w.stmt->type == GW_CONF_BOOL && (unsigned int)leaf + 1 >= path->n) {
		value = "true";
	} else if ((unsigned int)leaf + 2 == path->n) {
		value = path->w[leaf + 1];
	} else if ((unsigned int)leaf + 1 >= path->n) {
		snprintf(err, len, "missing value for '%s' (%s)", path->w[leaf], w.stmt->help);
		return -EINVAL;
	} else {
		snprintf(err, len, "syntax error: '%s' after the value of '%s'",
			 path->w[leaf + 2], path->w[leaf]);
		return -EINVAL;
	}
	if (gw_conf_value_check(w.stmt, value, reason, sizeof(reason)) != 0) {
		snprintf(err, len, "%s: %s", path->w[leaf], reason);
		return -EINVAL;
	}
	if (w.stmt->flags & GW_CONF_F_MULTI)
		set_multi(w.cur, path->w[leaf], value);
	else
		set_scalar(w.cur, w.stmt, path->w[leaf], value);
	return 0;
}

/* Remove groups left empty by a delete, up to the root (entries keep their key). */
static void
prune(config_setting_t *c)
{
	while (c != NULL && !config_setting_is_root(c) && config_setting_length(c) == 0) {
		config_setting_t *parent = config_setting_parent(c);

		config_setting_remove_elem(parent, config_setting_index(c));
		c = parent;
	}
}

int
cli_cand_delete(config_t *cfg, const struct cli_words *path, char *err, size_t len)
{
	struct walk w;
	int leaf = walk(cfg, path, false, &w, err, len);

	if (leaf < 0)
		return leaf;
	if (path->n == 0) {
		snprintf(err, len, "delete what? (`delete` alone would remove everything)");
		return -EINVAL;
	}
	if ((unsigned int)leaf < path->n) {
		config_setting_t *c = config_setting_get_member(w.cur, path->w[leaf]);

		if (c == NULL) {
			snprintf(err, len, "statement not found: %s", path->w[leaf]);
			return -ENOENT;
		}
		if ((unsigned int)leaf + 1 < path->n && config_setting_is_array(c)) {
			char buf[64];
			int i;

			for (i = 0; i < config_setting_length(c); i++)
				if (strcmp(scalar_text(config_setting_get_elem(c, i), buf,
						       sizeof(buf)), path->w[leaf + 1]) == 0)
					break;
			if (i == config_setting_length(c)) {
				snprintf(err, len, "statement not found: %s %s", path->w[leaf],
					 path->w[leaf + 1]);
				return -ENOENT;
			}
			config_setting_remove_elem(c, i);
			prune(c);
			return 0;
		}
		config_setting_remove(w.cur, path->w[leaf]);
		prune(w.cur);
		return 0;
	}
	if (w.list != NULL) {		/* a named entry */
		config_setting_remove_elem(w.list, w.entry_idx);
		prune(w.list);
		return 0;
	}
	config_setting_t *parent = config_setting_parent(w.cur);

	config_setting_remove_elem(parent, config_setting_index(w.cur));
	prune(parent);
	return 0;
}

/* ---- printing ---- */

static bool
needs_quotes(const char *v)
{
	return v[0] == '\0' || strpbrk(v, " \t;{}[]\"#") != NULL;
}

static void
print_value(FILE *out, const struct gw_conf_stmt *s, const char *v, bool secrets)
{
	if (s != NULL && (s->flags & GW_CONF_F_SECRET) && !secrets)
		fprintf(out, "\"<secret>\"");
	else if (needs_quotes(v))
		fprintf(out, "\"%s\"", v);
	else
		fputs(v, out);
}

static void show_group(const config_setting_t *g, const struct gw_conf_stmt *st,
		       const char *prefix, bool set_form, bool secrets, int depth, FILE *out);

static void
show_leaf(const config_setting_t *c, const struct gw_conf_stmt *s, const char *prefix,
	  bool set_form, bool secrets, int depth, FILE *out)
{
	const char *name = config_setting_name(c);
	char buf[64];
	int n = config_setting_is_array(c) ? config_setting_length(c) : 1;

	for (int i = 0; i < n; i++) {
		const config_setting_t *v = config_setting_is_array(c) ?
			config_setting_get_elem(c, i) : c;
		const char *text = scalar_text(v, buf, sizeof(buf));

		if (config_setting_type(v) == CONFIG_TYPE_BOOL) {
			if (!config_setting_get_bool(v))
				continue;
			if (set_form)
				fprintf(out, "set %s%s\n", prefix, name);
			else
				fprintf(out, "%*s%s;\n", depth * 4, "", name);
			continue;
		}
		if (set_form)
			fprintf(out, "set %s%s ", prefix, name);
		else
			fprintf(out, "%*s%s ", depth * 4, "", name);
		print_value(out, s, text, secrets);
		if (set_form)
			fputc('\n', out);
		else
			fprintf(out, ";%s\n", s != NULL && (s->flags & GW_CONF_F_SECRET) ?
				" ## SECRET-DATA" : "");
	}
}

static void
show_member(const config_setting_t *c, const struct gw_conf_stmt *s, const char *prefix,
	    bool set_form, bool secrets, int depth, FILE *out)
{
	const char *name = config_setting_name(c);
	char sub[1024], buf[64];

	if (s != NULL && s->type == GW_CONF_LIST) {
		for (int i = 0; i < config_setting_length(c); i++) {
			const config_setting_t *e = config_setting_get_elem(c, i);
			const config_setting_t *k = config_setting_get_member(e, s->key);
			const char *key = k != NULL ? scalar_text(k, buf, sizeof(buf)) : "?";
			char qkey[80];

			snprintf(qkey, sizeof(qkey), needs_quotes(key) ? "\"%s\"" : "%s", key);
			snprintf(sub, sizeof(sub), "%s%s %s ", prefix, name, qkey);
			if (!set_form)
				fprintf(out, "%*s%s %s {\n", depth * 4, "", name, qkey);
			else if (config_setting_length(e) <= 1)
				fprintf(out, "set %s%s %s\n", prefix, name, qkey);
			show_group(e, s, sub, set_form, secrets, depth + 1, out);
			if (!set_form)
				fprintf(out, "%*s}\n", depth * 4, "");
		}
		return;
	}
	if (config_setting_is_group(c)) {
		snprintf(sub, sizeof(sub), "%s%s ", prefix, name);
		if (!set_form)
			fprintf(out, "%*s%s {\n", depth * 4, "", name);
		else if (config_setting_length(c) == 0)
			fprintf(out, "set %s%s\n", prefix, name);
		show_group(c, s, sub, set_form, secrets, depth + 1, out);
		if (!set_form)
			fprintf(out, "%*s}\n", depth * 4, "");
		return;
	}
	show_leaf(c, s, prefix, set_form, secrets, depth, out);
}

static void
show_group(const config_setting_t *g, const struct gw_conf_stmt *st, const char *prefix,
	   bool set_form, bool secrets, int depth, FILE *out)
{
	/* Schema order, so the output does not depend on the order of the set commands. */
	const struct gw_conf_stmt *s = NULL;

	while ((s = gw_conf_schema_child(st, s)) != NULL) {
		const config_setting_t *c;

		if (st != NULL && st->type == GW_CONF_LIST && strcmp(gw_conf_stmt_name(s),
								     st->key) == 0)
			continue;
		c = config_setting_get_member(g, gw_conf_stmt_name(s));
		if (c != NULL)
			show_member(c, s, prefix, set_form, secrets, depth, out);
	}
}

void
cli_cand_show(const config_t *cfg, const struct cli_words *path, bool set_form, bool secrets,
	      FILE *out)
{
	char prefix[1024] = "", err[256];
	struct walk w;
	size_t o = 0;
	int leaf = walk((config_t *)cfg, path, false, &w, err, sizeof(err));

	if (leaf < 0)
		return;		/* nothing there: Junos prints nothing */
	for (int i = 0; i < leaf && o < sizeof(prefix); i++)
		o += (size_t)snprintf(prefix + o, sizeof(prefix) - o, "%s ", path->w[i]);
	if ((unsigned int)leaf < path->n) {
		const config_setting_t *c = config_setting_get_member(w.cur, path->w[leaf]);

		if (c != NULL)
			show_member(c, w.stmt, prefix, set_form, secrets, 0, out);
		return;
	}
	if (w.stmt != NULL && w.stmt->type == GW_CONF_LIST && w.list == NULL) {
		const config_setting_t *c = w.cur;

		show_member(c, w.stmt, prefix, set_form, secrets, 0, out);
		return;
	}
	show_group(w.cur, w.stmt, prefix, set_form, secrets, 0, out);
}

char *
cli_cand_text(const config_t *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	config_write(cfg, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
