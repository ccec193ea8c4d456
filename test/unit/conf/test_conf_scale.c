/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf at scale: a configuration of 100,000 security associations (20,000 in
 * the ASan build) in two @include files, as scripts/bench/scale.py writes them,
 * loads in little CPU time. The loader used to look each list entry's statements and
 * defaults up by scanning the whole schema table (thousands of string compares
 * per SA: 2.1 CPU-s of the parse child for these 100,000 SAs, 1.3 with the
 * schema index, interleaved runs on a loaded 2-vCPU VM), and the parse had a
 * fixed 10 s limit that a loaded machine exceeded; the limit now grows with the
 * text. The CPU time is the parse child's own (getrusage), so other load does
 * not count; MAX_CPU_S catches a loader that turns quadratic again. The schema
 * index (conf_schema_index.c) must list exactly what the table scan finds.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "gw_test.h"
#include "gw_conf.h"
#include "conf_priv.h"

#ifndef __SANITIZE_ADDRESS__
#define NB_SAS 100000
/* CPU seconds the parse child may use for NB_SAS (1.3-2.4 measured, machine loaded) */
#define MAX_CPU_S 6.0
#else
/* the ASan + UBSan debug build parses ~15x slower (100,000 SAs: 22 CPU-s) */
#define NB_SAS 20000
#define MAX_CPU_S 15.0
#endif
#define PER_FILE (NB_SAS / 2)

static char tmpdir[] = "/tmp/gw-conf-scale-XXXXXX";

static void
path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static double
children_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
write_conf(char *top, size_t len)
{
	char name[300];
	FILE *f;

	for (unsigned int p = 0; p < NB_SAS / PER_FILE; p++) {
		char part[32];

		snprintf(part, sizeof(part), "sa%u.conf", p);
		path_of(name, sizeof(name), part);
		f = fopen(name, "w");
		if (f == NULL)
			return -1;
		for (unsigned int i = p * PER_FILE; i < (p + 1) * PER_FILE; i++)
			fprintf(f, "%s{name=\"s%u\";spi=%u;direction=\"inbound\";mode=\"group\";"
				"encryption={algorithm=\"aes-128-gcm\";"
				"key=\"0x101112131415161718191a1b1c1d1e1fcafebabe\";};}\n",
				i > 0 ? "," : "", i, 0x2001 + i);
		fclose(f);
	}
	path_of(top, len, "gw.conf");
	f = fopen(top, "w");
	if (f == NULL)
		return -1;
	fputs("security = { ipsec = { security-association = (\n", f);
	for (unsigned int p = 0; p < NB_SAS / PER_FILE; p++)
		fprintf(f, "@include \"sa%u.conf\"\n", p);
	fputs("); }; };\n", f);
	fclose(f);
	return 0;
}

static void
test_100k_sas(void)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char top[300], msg[1200], last[16];
	double cpu;

	CHECK(write_conf(top, sizeof(top)) == 0);
	cpu = children_cpu_s();
	conf = gw_conf_load(top, &err);
	cpu = children_cpu_s() - cpu;
	if (conf == NULL) {
		gw_conf_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "refused: %s\n", msg);
	}
	CHECK(conf != NULL);
	printf("%u SAs: the parse child used %.2f CPU-s\n", NB_SAS, cpu);
	CHECK(cpu < MAX_CPU_S);
	if (conf != NULL) {
		CHECK_EQ(conf->nb_sas, NB_SAS);
		CHECK_EQ(conf->sas[NB_SAS - 1].spi, 0x2001 + NB_SAS - 1);
		snprintf(last, sizeof(last), "s%u", NB_SAS - 1);
		CHECK(strcmp(conf->sas[NB_SAS - 1].name, last) == 0);
		CHECK(conf->sas[0].group);
	}
	gw_conf_free(conf);
}

/* The index lists what scanning the table finds, in the table's order. */
static void
test_index_matches_table(void)
{
	size_t n;
	const struct gw_conf_stmt *schema = gw_conf_schema(&n);

	for (size_t i = 0; i <= n; i++) {
		const struct gw_conf_stmt *p = i < n ? &schema[i] : NULL;
		const struct gw_conf_stmt *const *c = conf_schema_children(p);
		const struct gw_conf_stmt *const *d = conf_schema_defaults(p);
		const struct gw_conf_stmt *s = NULL;

		CHECK(c != NULL && d != NULL);
		if (c == NULL || d == NULL)
			return;
		while ((s = gw_conf_schema_child(p, s)) != NULL)
			CHECK(*c++ == s);
		CHECK(*c == NULL);
		for (size_t j = 0; j < n; j++)
			if (conf_default_in_scope(p, &schema[j]))
				CHECK(*d++ == &schema[j]);
		CHECK(*d == NULL);
	}
}

int
main(void)
{
	const char *names[] = { "gw.conf", "sa0.conf", "sa1.conf" };
	char name[300];

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	GW_RUN(test_index_matches_table);
	GW_RUN(test_100k_sas);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_of(name, sizeof(name), names[i]);
		unlink(name);
	}
	rmdir(tmpdir);
	return gw_test_result();
}
