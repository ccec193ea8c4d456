/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf printer view: gw_conf_write() output loads back to the same
 * configuration and prints the same text again (load -> write -> load ->
 * write), for every example and the full sample; keys are printed only when
 * asked for.
 */

#include <stdlib.h>
#include <string.h>

#include "gw_test.h"
#include "gw_conf.h"
#include "conf_examples.h"
#include "conf_samples.h"

static char *
write_text(const struct gw_config *conf, bool secrets)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (m == NULL)
		return NULL;
	CHECK(gw_conf_write(conf, m, secrets) == 0);
	fclose(m);
	return text;
}

/* Everything but the origin (path) is the same. */
static void
check_same(const struct gw_config *a, const struct gw_config *b, const char *name)
{
	bool same = true;

	same &= strcmp(a->host_name, b->host_name) == 0;
	same &= memcmp(&a->dataplane, &b->dataplane, sizeof(a->dataplane)) == 0;
	same &= memcmp(&a->trace, &b->trace, sizeof(a->trace)) == 0;
	same &= a->nb_interfaces == b->nb_interfaces && a->nb_routes == b->nb_routes &&
		a->nb_sas == b->nb_sas && a->nb_policies == b->nb_policies;
	if (same) {
		same &= memcmp(a->interfaces, b->interfaces,
			       a->nb_interfaces * sizeof(a->interfaces[0])) == 0;
		same &= memcmp(a->routes, b->routes, a->nb_routes * sizeof(a->routes[0])) == 0;
		same &= a->nb_sas == 0 ||
			memcmp(a->sas, b->sas, a->nb_sas * sizeof(a->sas[0])) == 0;
		same &= a->nb_policies == 0 ||
			memcmp(a->policies, b->policies,
			       a->nb_policies * sizeof(a->policies[0])) == 0;
	}
	if (!same)
		fprintf(stderr, "%s: reloaded configuration differs\n", name);
	CHECK(same);
}

static void
round_trip(const struct gw_config *conf, const char *name)
{
	struct gw_conf_error err;
	struct gw_config *again;
	char *t1, *t2, msg[1200];

	t1 = write_text(conf, true);
	CHECK(t1 != NULL);
	if (t1 == NULL)
		return;
	again = gw_conf_load_string(t1, &err);
	if (again == NULL) {
		gw_conf_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s: printed configuration does not load: %s\n%s\n", name, msg,
			t1);
	}
	CHECK(again != NULL);
	if (again != NULL) {
		check_same(conf, again, name);
		t2 = write_text(again, true);
		CHECK(t2 != NULL && strcmp(t1, t2) == 0);
		free(t2);
	}
	gw_conf_free(again);
	free(t1);
}

static void
example_round_trip(const char *path, const char *name, void *arg __rte_unused)
{
	struct gw_conf_error err;
	struct gw_config *conf = gw_conf_load(path, &err);

	CHECK(conf != NULL);
	if (conf != NULL)
		round_trip(conf, name);
	gw_conf_free(conf);
}

static void
test_examples(void)
{
	CHECK(conf_examples_foreach(example_round_trip, NULL) >= 4);
}

static void
test_full(void)
{
	struct gw_conf_error err;
	struct gw_config *conf = gw_conf_load_string(full_conf, &err);

	CHECK(conf != NULL);
	if (conf != NULL)
		round_trip(conf, "full_conf");
	gw_conf_free(conf);
}

/* Without `secrets` no key material appears, and defaults are not printed. */
static void
test_secrets_hidden(void)
{
	struct gw_conf_error err;
	struct gw_config *conf = gw_conf_load_string(full_conf, &err);
	char *t;

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	t = write_text(conf, false);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK(strstr(t, "000102030405") == NULL);
		CHECK(strstr(t, "404142434445") == NULL);
		CHECK(strstr(t, "sa-out") != NULL);
		CHECK(strstr(t, "ring-size") != NULL);	/* 2048, not the default */
		CHECK(strstr(t, "crypto-engine") != NULL);
	}
	free(t);
	t = write_text(conf, true);
	CHECK(t != NULL && strstr(t, "000102030405") != NULL);
	free(t);
	gw_conf_free(conf);

	conf = gw_conf_load_string("interfaces = ( { name = \"a\"; device = \"d0\"; } );", &err);
	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	t = write_text(conf, false);
	CHECK(t != NULL && strstr(t, "mtu") == NULL && strstr(t, "mbufs") == NULL);
	free(t);
	gw_conf_free(conf);
}

/* crypto-arch: a forced code path is printed and loads back; "auto" is not printed. */
static void
test_crypto_arch(void)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char *t;

	conf = gw_conf_load_string("system = { dataplane = { crypto-arch = \"avx2\"; }; };", &err);
	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	t = write_text(conf, false);
	CHECK(t != NULL && strstr(t, "crypto-arch = \"avx2\"") != NULL);
	free(t);
	round_trip(conf, "crypto-arch avx2");
	gw_conf_free(conf);
	conf = gw_conf_load_string("system = { dataplane = { crypto-arch = \"auto\"; }; };", &err);
	CHECK(conf != NULL);
	t = conf != NULL ? write_text(conf, false) : NULL;
	CHECK(t != NULL && strstr(t, "crypto-arch") == NULL);
	free(t);
	gw_conf_free(conf);
}

int
main(void)
{
	GW_RUN(test_examples);
	GW_RUN(test_full);
	GW_RUN(test_secrets_hidden);
	GW_RUN(test_crypto_arch);
	return gw_test_result();
}
