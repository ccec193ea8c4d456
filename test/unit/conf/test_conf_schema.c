/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf: the schema table is consistent (parents before children, list
 * keys present, defaults valid, help everywhere), its lookups work, and
 * lib/conf/README.md documents exactly its rows (conf_doc.h).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gw_test.h"
#include "gw_build.h"
#include "gw_conf.h"
#include "conf_schema.h"
#include "conf_doc.h"

static const struct gw_conf_stmt *
parent_of(const struct gw_conf_stmt *s)
{
	const char *dot = strrchr(s->path, '.');
	char buf[256];

	if (dot == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), "%.*s", (int)(dot - s->path), s->path);
	return gw_conf_schema_find(buf);
}

static void
test_table(void)
{
	const struct gw_conf_stmt *tab, *p;
	char reason[256];
	size_t n;

	tab = gw_conf_schema(&n);
	CHECK(tab != NULL);
	CHECK(n > 50);
	for (size_t i = 0; i < n; i++) {
		const struct gw_conf_stmt *s = &tab[i];
		bool ok = true;

		if (gw_conf_schema_find(s->path) != s)
			ok = false;	/* unique path */
		if (s->help == NULL || s->help[0] == '\0')
			ok = false;
		if (strchr(s->path, '.') != NULL) {
			p = parent_of(s);
			if (p == NULL || p >= s ||
			    (p->type != GW_CONF_CONTAINER && p->type != GW_CONF_LIST))
				ok = false;
		}
		if (s->type == GW_CONF_LIST) {
			const struct gw_conf_stmt *k = NULL;
			char kp[256];

			snprintf(kp, sizeof(kp), "%s.%s", s->path, s->key != NULL ? s->key : "");
			k = gw_conf_schema_find(kp);
			if (s->key == NULL || k == NULL || !(k->flags & GW_CONF_F_REQUIRED))
				ok = false;
		}
		if (s->type == GW_CONF_ENUM && (s->names == NULL || s->names[0] == NULL))
			ok = false;
		if ((s->type == GW_CONF_UINT || s->type == GW_CONF_STRING ||
		     s->type == GW_CONF_KEY) && s->min > s->max)
			ok = false;
		if (s->def != NULL && gw_conf_value_check(s, s->def, reason, sizeof(reason)) != 0)
			ok = false;
		if (!ok)
			fprintf(stderr, "schema row '%s' is inconsistent\n", s->path);
		CHECK(ok);
	}
}

static void
test_lookup(void)
{
	const struct gw_conf_stmt *s, *c;
	const char *top[8];
	unsigned int n = 0;

	s = gw_conf_schema_find("interfaces.unit.family.inet.address");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_EQ(s->type, GW_CONF_PREFIX);
		CHECK(s->flags & GW_CONF_F_MULTI);
		CHECK(strcmp(gw_conf_stmt_name(s), "address") == 0);
	}
	CHECK(gw_conf_schema_find("interfaces.unit.family.inet.adress") == NULL);
	CHECK(gw_conf_schema_find("interfaces.unit.family.inet.") == NULL);
	CHECK(gw_conf_schema_find("interface") == NULL);
	CHECK(gw_conf_schema_find("") == NULL);
	CHECK(gw_conf_schema_find(NULL) == NULL);

	s = gw_conf_schema_find("security.ipsec.security-association.encryption.key");
	CHECK(s != NULL && (s->flags & GW_CONF_F_SECRET));

	for (c = gw_conf_schema_child(NULL, NULL); c != NULL && n < 8;
	     c = gw_conf_schema_child(NULL, c))
		top[n++] = c->path;
	CHECK_EQ(n, 5);
	if (n == 5) {
		CHECK(strcmp(top[0], "system") == 0);
		CHECK(strcmp(top[1], "interfaces") == 0);
		CHECK(strcmp(top[2], "routing-options") == 0);
		CHECK(strcmp(top[3], "security") == 0);
		CHECK(strcmp(top[4], "services") == 0);
	}

	/* children of a list: its key first or not, but only direct children */
	s = gw_conf_schema_find("interfaces");
	n = 0;
	for (c = gw_conf_schema_child(s, NULL); c != NULL; c = gw_conf_schema_child(s, c)) {
		CHECK(strncmp(c->path, "interfaces.", 11) == 0);
		CHECK(strchr(c->path + 11, '.') == NULL);
		n++;
	}
	CHECK(n >= 8);
	CHECK(strcmp(gw_conf_type_name(GW_CONF_PREFIX), "?") != 0);
}

static void
test_value_check(void)
{
	const struct gw_conf_stmt *mtu = gw_conf_schema_find("interfaces.mtu");
	const struct gw_conf_stmt *lay = gw_conf_schema_find("system.dataplane.layout");
	const struct gw_conf_stmt *addr =
		gw_conf_schema_find("interfaces.unit.family.inet.address");
	const struct gw_conf_stmt *port = gw_conf_schema_find(
		"security.ipsec.policy.term.from.source-port");
	char reason[256];

	CHECK(mtu != NULL && lay != NULL && addr != NULL && port != NULL);
	if (mtu == NULL || lay == NULL || addr == NULL || port == NULL)
		return;
	CHECK(gw_conf_value_check(mtu, "1500", reason, sizeof(reason)) == 0);
	reason[0] = '\0';
	CHECK(gw_conf_value_check(mtu, "70000", reason, sizeof(reason)) == -EINVAL);
	CHECK(strstr(reason, "70000") != NULL);
	CHECK(gw_conf_value_check(mtu, "15x", reason, sizeof(reason)) == -EINVAL);
	CHECK(gw_conf_value_check(mtu, "-1", reason, sizeof(reason)) == -EINVAL);
	CHECK(gw_conf_value_check(lay, "pipeline", reason, sizeof(reason)) == 0);
	reason[0] = '\0';
	CHECK(gw_conf_value_check(lay, "pipe", reason, sizeof(reason)) == -EINVAL);
	CHECK(strstr(reason, "run-to-completion") != NULL);	/* lists the choices */
	CHECK(gw_conf_value_check(addr, "192.0.2.1/24", reason, sizeof(reason)) == 0);
	CHECK(gw_conf_value_check(addr, "10.0.0/33", reason, sizeof(reason)) == -EINVAL);
	CHECK(gw_conf_value_check(port, "1000-2000", reason, sizeof(reason)) == 0);
	CHECK(gw_conf_value_check(port, "2000-1000", reason, sizeof(reason)) == -EINVAL);
	CHECK(gw_conf_value_check(port, "65536", reason, sizeof(reason)) == -EINVAL);
	CHECK(gw_conf_value_check(NULL, "1", reason, sizeof(reason)) == -EINVAL);
}

/* Keys never show up in a message. */
static void
test_key_not_echoed(void)
{
	const struct gw_conf_stmt *k = gw_conf_schema_find(
		"security.ipsec.security-association.encryption.key");
	char reason[256];

	CHECK(k != NULL);
	if (k == NULL)
		return;
	CHECK(gw_conf_value_check(k, "0xdeadbeefcafe00zz", reason, sizeof(reason)) == -EINVAL);
	CHECK(strstr(reason, "deadbeef") == NULL);
}

/* README.md's statement table is the one conf_doc generates from the schema. */
static void
test_readme(void)
{
	const char *path = GW_SOURCE_ROOT "/lib/conf/README.md";
	int rc = conf_doc_check(path, stderr);

	if (rc != 0)
		fprintf(stderr, "%s is out of date: regenerate its table with "
			"`conf_doc --update %s` (build dir test/unit/conf)\n", path, path);
	CHECK_EQ(rc, 0);
}

int
main(void)
{
	GW_RUN(test_table);
	GW_RUN(test_lookup);
	GW_RUN(test_value_check);
	GW_RUN(test_key_not_echoed);
	GW_RUN(test_readme);
	return gw_test_result();
}
