/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf robustness: every example configuration, damaged one line at a
 * time (line removed, numbers made huge or negative, strings emptied or made
 * long), either loads or is refused with a reason and a line inside the
 * file. Nothing crashes and nothing leaks (run under ASan/LSan in CI).
 */

#include <stdlib.h>
#include <string.h>

#include "gw_test.h"
#include "conf_examples.h"
#include "gw_conf.h"

static unsigned int loads, refusals;

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (f == NULL)
		return NULL;
	m = open_memstream(&buf, &len);
	while (m != NULL && (ch = fgetc(f)) != EOF)
		fputc(ch, m);
	if (m != NULL)
		fclose(m);
	fclose(f);
	return buf;
}

static int
count_lines(const char *text)
{
	int n = 1;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n;
}

static void
try_load(const char *name, const char *text, int nb_lines, const char *what)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	bool ok;

	conf = gw_conf_load_string(text, &err);
	if (conf != NULL) {
		loads++;
		gw_conf_free(conf);
		return;
	}
	refusals++;
	ok = err.reason[0] != '\0' && err.line >= 0 && err.line <= nb_lines;
	if (!ok)
		fprintf(stderr, "%s (%s): refused without a proper reason/line: line %d '%s'\n",
			name, what, err.line, err.reason);
	CHECK(ok);
}

/* Start and end (the '\n' or the NUL) of line n (0-based). 0 or -1. */
static int
line_span(const char *text, int n, const char **start, const char **end)
{
	const char *p = text;

	for (int i = 0; i < n && p != NULL; i++) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return -1;
	*start = p;
	*end = strchr(p, '\n');
	if (*end == NULL)
		*end = p + strlen(p);
	return 0;
}

/* The text with its line `n` (0-based) replaced by `repl` (NULL: removed). */
static char *
replace_line(const char *text, int n, const char *repl)
{
	const char *start, *end;
	char *out;
	size_t len;

	if (line_span(text, n, &start, &end) < 0)
		return NULL;
	len = (size_t)(start - text) + (repl != NULL ? strlen(repl) : 0) + strlen(end) + 1;
	out = malloc(len);
	if (out != NULL)
		snprintf(out, len, "%.*s%s%s", (int)(start - text), text,
			 repl != NULL ? repl : "", end);
	return out;
}

/* Line n with every number replaced by `num` and every "string" by `str`. */
static char *
mutate_line(const char *text, int n, const char *num, const char *str)
{
	const char *start, *end;
	char *line = NULL, *res;
	size_t len = 0;
	bool in_str = false;
	FILE *m;

	if (line_span(text, n, &start, &end) < 0)
		return NULL;
	m = open_memstream(&line, &len);
	if (m == NULL)
		return NULL;
	for (const char *p = start; p < end; p++) {
		if (*p == '#')	/* comment: leave the rest */
			break;
		if (*p == '"') {
			if (!in_str)
				fprintf(m, "\"%s", str);
			in_str = !in_str;
			if (!in_str)
				fputc('"', m);
			continue;
		}
		if (in_str)
			continue;
		if (*p >= '0' && *p <= '9' && (p == start || p[-1] == ' ' || p[-1] == '=')) {
			while (p + 1 < end && ((p[1] >= '0' && p[1] <= '9') || p[1] == 'x' ||
			       (p[1] >= 'a' && p[1] <= 'f')))
				p++;
			fputs(num, m);
			continue;
		}
		fputc(*p, m);
	}
	fclose(m);
	res = replace_line(text, n, line);
	free(line);
	return res;
}

/*
 * Every line is mutated by default; GW_TEST_MUTATE_STRIDE=N mutates every Nth
 * line only (the sanitizer build: each load forks an instrumented parse child).
 */
static int
sample_stride(void)
{
	const char *s = getenv("GW_TEST_MUTATE_STRIDE");
	int n = s != NULL ? atoi(s) : 1;

	return n > 0 ? n : 1;
}

static void
mutate_file(const char *path, const char *name, void *arg __rte_unused)
{
	static const char *const nums[] = { "0", "-1", "4294967296", "0x7fffffffffffffff" };
	static const char *const strs[] = {
		"", "x", "999.999.999.999/99",
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	char *text = read_file(path), *t;
	int nb, stride = sample_stride();

	CHECK(text != NULL);
	if (text == NULL)
		return;
	nb = count_lines(text);
	for (int i = 0; i < nb; i++) {
		if (i % stride != 0)
			continue;
		t = replace_line(text, i, NULL);
		if (t != NULL)
			try_load(name, t, nb, "line removed");
		free(t);
		for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
			t = mutate_line(text, i, nums[k], strs[k]);
			if (t != NULL)
				try_load(name, t, nb, "values changed");
			free(t);
		}
	}
	free(text);
}

static void
test_mutations(void)
{
	CHECK(conf_examples_foreach(mutate_file, NULL) >= 4);
	printf("%u mutants loaded, %u refused\n", loads, refusals);
	CHECK(refusals > 100);
}

/* Garbage and edge inputs. */
static void
test_garbage(void)
{
	static const char *const texts[] = {
		"", ";", "=", "system", "system = ;", "system = ( );", "system = [ ];",
		"interfaces = ( );", "interfaces = ( 1, 2 );", "interfaces = ( { } );",
		"interfaces = ( { name = 5; } );", "interfaces = [ \"a\" ];",
		"security = { ipsec = { security-association = ( { name = \"\"; } ); }; };",
		"system = { traceoptions = { flag = [ ]; }; };",
		"system = { traceoptions = { flag = ( \"general\" ); }; };",
		"@include \"/nonexistent/file\"",
		"system = { host-name = \"a\"; host-name = \"b\"; };",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		try_load("garbage", texts[i], count_lines(texts[i]), texts[i]);
}

int
main(void)
{
	GW_RUN(test_mutations);
	GW_RUN(test_garbage);
	return gw_test_result();
}
