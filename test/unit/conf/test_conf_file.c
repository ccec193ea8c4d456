/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf: files libconfig 1.5 cannot read. Its scanner calls exit(2) when a
 * read fails (a directory given as the file or reached by @include), a FIFO
 * blocks it, and it leaks a string token's buffer on each syntax error after
 * one. Each of these must be a refusal with file:line: reason, the process
 * alive and its memory flat. Integers libconfig would wrap to 32 bits are
 * refused with their line, and lcore 0 (the main lcore) is not a worker.
 */

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gw_test.h"
#include "gw_conf.h"
#include "conf_priv.h"

static char tmpdir[] = "/tmp/gw-conf-file-XXXXXX";

static const char *
path_of(const char *name)
{
	static char buf[4][256];
	static unsigned int n;
	char *p = buf[n++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
	return p;
}

static void
write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

/* path must be refused; the formatted error must contain `want`. */
static void
expect_refused(const char *path, const char *want)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];

	errno = 0;
	conf = gw_conf_load(path, &err);
	CHECK(conf == NULL);
	gw_conf_free(conf);
	CHECK(errno != 0);
	gw_conf_error_format(&err, msg, sizeof(msg));
	if (strstr(msg, want) == NULL)
		fprintf(stderr, "expected '%s' in '%s'\n", want, msg);
	CHECK(strstr(msg, want) != NULL);
}

static void
expect_string_refused(const char *text, const char *want)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];

	conf = gw_conf_load_string(text, &err);
	CHECK(conf == NULL);
	gw_conf_free(conf);
	gw_conf_error_format(&err, msg, sizeof(msg));
	if (strstr(msg, want) == NULL)
		fprintf(stderr, "expected '%s' in '%s'\n", want, msg);
	CHECK(strstr(msg, want) != NULL);
}

static void
test_directory_as_file(void)
{
	char want[300];

	snprintf(want, sizeof(want), "%s: ", tmpdir);
	expect_refused(tmpdir, want);
	expect_refused(tmpdir, "directory");
}

static void
test_include_directory(void)
{
	char want[300];

	write_file("dot.conf", "system = { host-name = \"a\"; };\n@include \".\"\n");
	snprintf(want, sizeof(want), "%s:2: ", path_of("dot.conf"));
	expect_refused(path_of("dot.conf"), want);
	expect_refused(path_of("dot.conf"), "directory");
	write_file("empty.conf", "\n\n@include \"\"\n");
	snprintf(want, sizeof(want), "%s:3: ", path_of("empty.conf"));
	expect_refused(path_of("empty.conf"), want);
	/* one level down: the line is the included file's */
	write_file("inner.conf", "# inner\n@include \".\"\n");
	write_file("outer.conf", "@include \"inner.conf\"\n");
	snprintf(want, sizeof(want), "%s:2: ", path_of("inner.conf"));
	expect_refused(path_of("outer.conf"), want);
	/* from a string, relative to the working directory */
	expect_string_refused("a = 1;\n@include \".\"\n", "<string>:2: ");
}

/* Not an include: in a comment, in a string, not at the start of a line. */
static void
test_include_lookalikes(void)
{
	struct gw_config *conf;
	struct gw_conf_error err;

	write_file("look.conf", "/*\n@include \".\"\n*/\n"
		   "system = { host-name = \"x\n@include \\\".\\\"\"; };\n");
	conf = gw_conf_load(path_of("look.conf"), &err);
	/* loads or is refused for the host-name, never for the includes */
	if (conf == NULL)
		CHECK(strstr(err.reason, "include") == NULL);
	gw_conf_free(conf);
}

static void
test_fifo(void)
{
	char want[300];

	CHECK(mkfifo(path_of("fifo"), 0600) == 0);
	snprintf(want, sizeof(want), "%s: ", path_of("fifo"));
	expect_refused(path_of("fifo"), want);
	write_file("with-fifo.conf", "@include \"fifo\"\n");
	snprintf(want, sizeof(want), "%s:1: ", path_of("with-fifo.conf"));
	expect_refused(path_of("with-fifo.conf"), want);
	unlink(path_of("fifo"));
}

/* libconfig 1.5 leaks a string token's 64-byte buffer on a syntax error after it. */
static void
test_refused_parse_does_not_grow(void)
{
	struct mallinfo2 before, after;
	struct gw_conf_error err;

	write_file("leak.conf", "interfaces = ( { name \"ge-0/0/0\"; } );\n");
	gw_conf_free(gw_conf_load(path_of("leak.conf"), &err));	/* warm-up */
	before = mallinfo2();
	for (int i = 0; i < 200; i++) {
		struct gw_config *conf = gw_conf_load(path_of("leak.conf"), &err);

		CHECK(conf == NULL);
		gw_conf_free(conf);
	}
	after = mallinfo2();
	/* 200 x 64 B before the fix; a little slack for stdio and the like */
	if (after.uordblks > before.uordblks + 4096)
		fprintf(stderr, "heap grew by %zu B over 200 refused loads\n",
			after.uordblks - before.uordblks);
	CHECK(after.uordblks <= before.uordblks + 4096);
	/* LeakSanitizer (ASan build) checks the same at exit */
}

static void
test_integer_wrap(void)
{
	expect_string_refused("system = { dataplane = {\nworkers = [ 0x100000000 ]; }; };\n",
			      "<string>:2: ");
	expect_string_refused("system = { dataplane = {\nworkers = [ 0x100000000 ]; }; };\n",
			      "32 bits");
	expect_string_refused("a = 1;\n\nb = 10000000000;\n", "<string>:3: ");
	/* with the L suffix or in quotes it is the number written */
	expect_string_refused("a = 1;\nb = 10000000000L;\n", "unknown statement 'a'");
}

static void
test_worker_lcore_zero(void)
{
	expect_string_refused("system = { dataplane = {\nworkers = [ 0 ]; }; };\n",
			      "<string>:2: system dataplane workers");
}

/* What the pre-check cannot see (a file changed after it): libconfig's exit(2) itself. */
static struct gw_config *
libconfig_reads_a_directory(void *arg __rte_unused, struct gw_conf_error *err __rte_unused)
{
	config_t cfg;

	config_init(&cfg);
	config_read_string(&cfg, "@include \".\"\n");	/* exits: "input in flex scanner failed" */
	config_destroy(&cfg);
	errno = EINVAL;
	return NULL;
}

static void
test_child_contains_the_exit(void)
{
	struct gw_conf_error err;
	struct gw_config *conf;

	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "x.conf");
	conf = conf_child_parse(libconfig_reads_a_directory, NULL, CONF_CHILD_TIMEOUT_MS, &err);
	CHECK(conf == NULL);
	if (strstr(err.reason, "exit status 2") == NULL ||
	    strstr(err.reason, "flex scanner") == NULL)
		fprintf(stderr, "reason: '%s'\n", err.reason);
	CHECK(strstr(err.reason, "exit status 2") != NULL);
	CHECK(strstr(err.reason, "flex scanner") != NULL);
	CHECK(strcmp(err.file, "x.conf") == 0);
}

/* A parse that waits (no CPU) 1.5 s; with its flag set, one that uses 1.5 CPU-s. */
static struct gw_config *
slow_parse(void *arg, struct gw_conf_error *err __rte_unused)
{
	struct timespec t;

	if (arg == NULL) {
		usleep(1500 * 1000);
	} else {
		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
		while (t.tv_sec * 1000 + t.tv_nsec / 1000000 < 1500);
	}
	return calloc(1, sizeof(struct gw_config));
}

/*
 * The parse limit is the child's CPU time: a parse that is slow because the
 * machine is loaded (here: asleep 1.5 s, no CPU, with a limit of 0.5 s) still
 * loads — a wall-clock limit refused a reload of 100,000 SAs at load 19 — and
 * one that spins past the limit is refused.
 */
static void
test_child_limit_is_cpu_time(void)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	int spin = 1;

	memset(&err, 0, sizeof(err));
	conf = conf_child_parse(slow_parse, NULL, 500, &err);
	if (conf == NULL)
		fprintf(stderr, "reason: '%s'\n", err.reason);
	CHECK(conf != NULL);
	gw_conf_free(conf);
	memset(&err, 0, sizeof(err));
	conf = conf_child_parse(slow_parse, &spin, 500, &err);
	CHECK(conf == NULL);
	gw_conf_free(conf);
	if (strstr(err.reason, "did not finish") == NULL)
		fprintf(stderr, "reason: '%s'\n", err.reason);
	CHECK(strstr(err.reason, "did not finish within 0 s of CPU time") != NULL);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	GW_RUN(test_directory_as_file);
	GW_RUN(test_include_directory);
	GW_RUN(test_include_lookalikes);
	GW_RUN(test_fifo);
	GW_RUN(test_refused_parse_does_not_grow);
	GW_RUN(test_integer_wrap);
	GW_RUN(test_worker_lcore_zero);
	GW_RUN(test_child_contains_the_exit);
	GW_RUN(test_child_limit_is_cpu_time);
	{
		const char *names[] = { "dot.conf", "empty.conf", "inner.conf", "outer.conf",
					"look.conf", "with-fifo.conf", "leak.conf" };

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			unlink(path_of(names[i]));
		rmdir(tmpdir);
	}
	return gw_test_result();
}
