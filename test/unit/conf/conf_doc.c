/* SPDX-License-Identifier: BSD-3-Clause */
/* Markdown statement table of the configuration schema (see conf_doc.h). */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conf_schema.h"
#include "conf_doc.h"

/* Markdown-safe copy: '|' escaped, '<' and '>' as entities (not HTML tags). */
static void
put_cell(FILE *out, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '|')
			fputs("\\|", out);
		else
			fputc(*p, out);
	}
}

static void
put_type(FILE *out, const struct gw_conf_stmt *s)
{
	fprintf(out, "%s", gw_conf_type_name(s->type));
	if (s->flags & GW_CONF_F_MULTI)
		fprintf(out, " [ ]");
	if (s->flags & GW_CONF_F_REQUIRED)
		fprintf(out, ", required");
	if (s->flags & GW_CONF_F_SECRET)
		fprintf(out, ", secret");
}

static void
put_range(FILE *out, const struct gw_conf_stmt *s)
{
	switch (s->type) {
	case GW_CONF_UINT:
		fprintf(out, "%" PRIu64 "..%" PRIu64, s->min, s->max);
		break;
	case GW_CONF_STRING:
		fprintf(out, "%" PRIu64 "..%" PRIu64 " chars", s->min, s->max);
		break;
	case GW_CONF_KEY:
		fprintf(out, "%" PRIu64 "..%" PRIu64 " bytes", s->min, s->max);
		break;
	case GW_CONF_ENUM:
		for (unsigned int i = 0; s->names[i] != NULL; i++)
			fprintf(out, "%s`%s`", i > 0 ? " " : "", s->names[i]);
		break;
	case GW_CONF_BOOL:
		fprintf(out, "`true` `false`");
		break;
	case GW_CONF_PORTS:
		fprintf(out, "`P` or `LO-HI`, 0..65535");
		break;
	case GW_CONF_LIST:
		fprintf(out, "entries keyed by `%s`", s->key);
		break;
	default:
		break;
	}
}

int
conf_doc_table(FILE *out)
{
	const struct gw_conf_stmt *tab;
	size_t n;

	tab = gw_conf_schema(&n);
	fprintf(out, "| Statement | Type | Range | Default | Meaning |\n");
	fprintf(out, "|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct gw_conf_stmt *s = &tab[i];

		fprintf(out, "| `%s` | ", s->path);
		put_type(out, s);
		fprintf(out, " | ");
		put_range(out, s);
		fprintf(out, " | ");
		if (s->def != NULL) {
			fprintf(out, "`");
			put_cell(out, s->def);
			fprintf(out, "`");
		}
		fprintf(out, " | ");
		put_cell(out, s->help != NULL ? s->help : "");
		fprintf(out, " |\n");
	}
	return ferror(out) ? -EIO : 0;
}

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		errno = EIO;
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static char *
table_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return NULL;
	if (conf_doc_table(f) < 0) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	return text;
}

/* The README split around the table: [0, *start) marker-line, table, [*end, ...). */
static int
find_table(const char *doc, size_t *start, size_t *end)
{
	const char *b = strstr(doc, CONF_DOC_BEGIN "\n");
	const char *e = b != NULL ? strstr(b, CONF_DOC_END) : NULL;

	if (b == NULL || e == NULL)
		return -EINVAL;
	*start = (size_t)(b - doc) + strlen(CONF_DOC_BEGIN "\n");
	*end = (size_t)(e - doc);
	return 0;
}

int
conf_doc_check(const char *readme, FILE *diag)
{
	size_t len, start, end;
	char *doc, *table;
	int rc = 0;

	doc = read_all(readme, &len);
	if (doc == NULL)
		return -errno;
	table = table_text();
	if (table == NULL) {
		free(doc);
		return -ENOMEM;
	}
	if (find_table(doc, &start, &end) < 0) {
		fprintf(diag, "%s: no '%s' ... '%s' section\n", readme, CONF_DOC_BEGIN,
			CONF_DOC_END);
		rc = -EINVAL;
	} else if (end - start != strlen(table) || memcmp(doc + start, table, end - start)) {
		fprintf(diag, "%s: the statement table differs from the schema\n", readme);
		rc = -EINVAL;
	}
	free(table);
	free(doc);
	return rc;
}

int
conf_doc_update(const char *readme)
{
	size_t len, start, end;
	char *doc, *table;
	FILE *f;
	int rc = 0;

	doc = read_all(readme, &len);
	if (doc == NULL)
		return -errno;
	table = table_text();
	if (table == NULL || find_table(doc, &start, &end) < 0) {
		rc = table == NULL ? -ENOMEM : -EINVAL;
		goto out;
	}
	f = fopen(readme, "w");
	if (f == NULL) {
		rc = -errno;
		goto out;
	}
	fwrite(doc, 1, start, f);
	fputs(table, f);
	fwrite(doc + end, 1, len - end, f);
	if (fclose(f) != 0)
		rc = -errno;
out:
	free(table);
	free(doc);
	return rc;
}
