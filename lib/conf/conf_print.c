/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The second view of the schema: a configuration printed back in the file
 * format, only what differs from the defaults, so that printing and loading
 * again gives the same configuration (`show configuration`, commit).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

static uint64_t
load_uint(const uint8_t *p, size_t size)
{
	switch (size) {
	case 1:
		return *p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		return *(const uint32_t *)p;
	default:
		return *(const uint64_t *)p;
	}
}

/* Value of a generically stored leaf; 0 when unset (nothing to print). */
static int
get_generic(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
	    char *buf, size_t len)
{
	const uint8_t *p = c->obj[s->obj];
	uint64_t u;

	if (idx > 0 || p == NULL || s->size == 0)
		return 0;
	p += s->off;
	switch (s->type) {
	case GW_CONF_BOOL:
		if (load_uint(p, s->size) == 0)
			return 0;
		snprintf(buf, len, "true");
		return 1;
	case GW_CONF_UINT:
		u = load_uint(p, s->size);
		if (u == 0 && s->def == NULL)
			return 0;
		snprintf(buf, len, "%" PRIu64, u);
		return 1;
	case GW_CONF_ENUM:
		snprintf(buf, len, "%s", s->names[load_uint(p, s->size)]);
		return 1;
	case GW_CONF_STRING:
		snprintf(buf, len, "%s", (const char *)p);
		return buf[0] != '\0';
	case GW_CONF_PREFIX:
		if (((const struct gw_prefix *)p)->family == 0)
			return 0;
		conf_prefix_str((const struct gw_prefix *)p, buf, len);
		return 1;
	case GW_CONF_IPADDR:
		if (((const struct gw_ipaddr *)p)->family == 0)
			return 0;
		conf_ipaddr_str((const struct gw_ipaddr *)p, buf, len);
		return 1;
	case GW_CONF_MAC:
		rte_ether_format_addr(buf, len, (const struct rte_ether_addr *)p);
		return 1;
	case GW_CONF_PORTS:
		u = load_uint(p, 2);
		if (u == load_uint(p + 2, 2))
			snprintf(buf, len, "%u", (unsigned int)u);
		else
			snprintf(buf, len, "%u-%u", (unsigned int)u,
				 (unsigned int)load_uint(p + 2, 2));
		return 1;
	default:
		return 0;
	}
}

static void
indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc('\t', out);
}

static void
put_value(FILE *out, const struct gw_conf_stmt *s, const char *v)
{
	uint64_t u;

	if (s->type == GW_CONF_BOOL) {
		fputs(v, out);
	} else if (s->type == GW_CONF_UINT) {
		u = strtoull(v, NULL, 10);
		fprintf(out, "%s%s", v, u > INT32_MAX ? "L" : "");	/* libconfig int64 */
	} else {
		fputc('"', out);
		for (; *v != '\0'; v++)
			fprintf(out, *v == '"' || *v == '\\' ? "\\%c" : "%c", *v);
		fputc('"', out);
	}
}

static int
print_leaf(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, FILE *out, int depth,
	   bool secrets)
{
	char buf[256];
	unsigned int n = 0;
	int rc;

	for (unsigned int i = 0;; i++) {
		rc = s->get != NULL ? s->get(c, s, i, buf, sizeof(buf)) :
				      get_generic(c, s, i, buf, sizeof(buf));
		if (rc == 0)
			break;
		/* 1: skip the default; 2: print anyway (it says a container is there). */
		if (rc == 1 && s->def != NULL && strcmp(buf, s->def) == 0 &&
		    !(s->flags & GW_CONF_F_REQUIRED))
			continue;
		if (n == 0) {
			indent(out, depth);
			if ((s->flags & GW_CONF_F_SECRET) && !secrets) {
				fprintf(out, "# %s hidden\n", gw_conf_stmt_name(s));
				explicit_bzero(buf, sizeof(buf));
				return 0;
			}
			fprintf(out, "%s = %s", gw_conf_stmt_name(s),
				(s->flags & GW_CONF_F_MULTI) ? "[ " : "");
		} else {
			fputs(", ", out);
		}
		put_value(out, s, buf);
		n++;
		if (!(s->flags & GW_CONF_F_MULTI))
			break;
	}
	explicit_bzero(buf, sizeof(buf));
	if (n > 0)
		fprintf(out, "%s;\n", (s->flags & GW_CONF_F_MULTI) ? " ]" : "");
	return 0;
}

static int print_group(struct gw_conf_ctx *c, const struct gw_conf_stmt *parent, FILE *out,
		       int depth, bool secrets);

/* Print `body` of a nested group through a memory stream: empty groups vanish. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static int
mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	return m->f != NULL ? 0 : -errno;
}

static void
mem_close(struct mem *m)
{
	if (m->f != NULL)
		fclose(m->f);
	if (m->buf != NULL) {
		explicit_bzero(m->buf, m->len);	/* may hold keys */
		free(m->buf);
	}
}

static int
print_container(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, FILE *out, int depth,
		bool secrets)
{
	struct mem m;
	int rc = mem_open(&m);

	if (rc < 0)
		return rc;
	if (s->enter != NULL)	/* containers' enter hooks only set the family */
		s->enter(c, NULL);
	rc = print_group(c, s, m.f, depth + 1, secrets);
	fflush(m.f);
	if (rc == 0 && m.len > 0) {
		indent(out, depth);
		fprintf(out, "%s = {\n%s", gw_conf_stmt_name(s), m.buf);
		indent(out, depth);
		fputs("};\n", out);
	}
	mem_close(&m);
	return rc;
}

static const struct gw_conf_stmt *
key_row(const struct gw_conf_stmt *list)
{
	const struct gw_conf_stmt *k = NULL;

	while ((k = gw_conf_schema_child(list, k)) != NULL)
		if (strcmp(gw_conf_stmt_name(k), list->key) == 0)
			return k;
	return NULL;
}

static int
print_list(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, FILE *out, int depth,
	   bool secrets)
{
	const struct gw_conf_stmt *k = key_row(s);
	unsigned int i;
	int rc = 0;

	for (i = 0; rc == 0 && s->nth != NULL && s->nth(c, i) != NULL; i++) {
		if (i == 0) {
			indent(out, depth);
			fprintf(out, "%s = (\n", gw_conf_stmt_name(s));
		} else {
			fputs(",\n", out);
		}
		indent(out, depth + 1);
		fputs("{\n", out);
		print_leaf(c, k, out, depth + 2, secrets);
		rc = print_group(c, s, out, depth + 2, secrets);
		indent(out, depth + 1);
		fputs("}", out);
	}
	if (i > 0) {
		fputs("\n", out);
		indent(out, depth);
		fputs(");\n", out);
	}
	return rc;
}

static int
print_group(struct gw_conf_ctx *c, const struct gw_conf_stmt *parent, FILE *out, int depth,
	    bool secrets)
{
	const char *key = parent != NULL && parent->type == GW_CONF_LIST ? parent->key : NULL;
	const struct gw_conf_stmt *s = NULL;
	int rc = 0;

	while (rc == 0 && (s = gw_conf_schema_child(parent, s)) != NULL) {
		if (key != NULL && strcmp(gw_conf_stmt_name(s), key) == 0)
			continue;
		if (s->type == GW_CONF_CONTAINER)
			rc = print_container(c, s, out, depth, secrets);
		else if (s->type == GW_CONF_LIST)
			rc = print_list(c, s, out, depth, secrets);
		else
			rc = print_leaf(c, s, out, depth, secrets);
	}
	return rc;
}

int
gw_conf_write(const struct gw_config *conf, FILE *out, bool secrets)
{
	struct gw_conf_ctx *c;
	int rc;

	if (conf == NULL || out == NULL)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->conf = (struct gw_config *)(uintptr_t)conf;	/* read only here */
	c->obj[CONF_OBJ_ROOT] = c->conf;
	rc = print_group(c, NULL, out, 0, secrets);
	free(c);
	if (rc == 0 && ferror(out))
		rc = -EIO;
	return rc;
}
