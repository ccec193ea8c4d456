/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf takes its algorithm names from drivers/crypto's algorithm table.
 * Check that the loader's own cross-checks agree with it: every cipher x
 * authentication pair the schema offers, keyed with the lengths
 * gw_cipher_parse()/gw_auth_parse() give, loads exactly when
 * gw_crypto_params_valid() accepts it, and loads to the same enums. The
 * crypto-arch choices likewise name drivers/crypto's code paths.
 */

#include <string.h>

#include "gw_test.h"
#include "gw_conf.h"
#include "gw_crypto.h"
#include "conf_schema.h"

static void
hex_key(char *buf, size_t len, unsigned int bytes, unsigned int seed)
{
	size_t n = (size_t)snprintf(buf, len, "0x");

	for (unsigned int i = 0; i < bytes && n + 2 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", (seed + i) & 0xff);
}

static void
try_pair(const char *cipher, const char *auth)
{
	enum gw_cipher c;
	enum gw_auth a;
	unsigned int ck, ak;
	struct gw_crypto_params p;
	struct gw_conf_error err;
	struct gw_config *conf;
	char text[1024], kc[160], ka[160], enc[256], au[256];
	bool valid;

	CHECK(gw_cipher_parse(cipher, &c, &ck) == 0);
	CHECK(gw_auth_parse(auth, &a, &ak) == 0);
	hex_key(kc, sizeof(kc), ck, 0x10);
	hex_key(ka, sizeof(ka), ak, 0x80);
	if (ck > 0)
		snprintf(enc, sizeof(enc), "algorithm = \"%s\"; key = \"%s\";", cipher, kc);
	else
		snprintf(enc, sizeof(enc), "algorithm = \"%s\";", cipher);
	au[0] = '\0';
	if (strcmp(auth, "none") != 0)
		snprintf(au, sizeof(au), "authentication = { algorithm = \"%s\"; key = \"%s\"; };",
			 auth, ka);
	snprintf(text, sizeof(text),
		 "security = { ipsec = { security-association = ( { name = \"s\"; spi = 300;\n"
		 "direction = \"outbound\"; mode = \"group\"; encryption = { %s };\n"
		 "%s } ); }; };\n",
		 enc, au);

	memset(&p, 0, sizeof(p));
	p.cipher = c;
	p.auth = a;
	p.cipher_key_len = ck;
	p.auth_key_len = ak;
	valid = gw_crypto_params_valid(&p);

	conf = gw_conf_load_string(text, &err);
	if ((conf != NULL) != valid)
		fprintf(stderr, "%s + %s: loader %s, drivers/crypto %s (%s)\n", cipher, auth,
			conf != NULL ? "accepts" : "refuses", valid ? "accepts" : "refuses",
			conf == NULL ? err.reason : "");
	CHECK((conf != NULL) == valid);
	if (conf != NULL && conf->nb_sas == 1) {
		const struct gw_crypto_params *q = &conf->sas[0].crypto;

		CHECK_EQ(q->cipher, c);
		CHECK_EQ(q->auth, a);
		CHECK_EQ(q->cipher_key_len, ck);
		CHECK_EQ(q->auth_key_len, ak);
		CHECK(q->encrypt);
		CHECK(gw_crypto_params_valid(q));
		CHECK(strcmp(gw_cipher_name(q->cipher, q->cipher_key_len), cipher) == 0);
		CHECK(strcmp(gw_auth_name(q->auth), auth) == 0);
	}
	gw_conf_free(conf);
}

static void
test_names_agree(void)
{
	const struct gw_conf_stmt *cs = gw_conf_schema_find(
		"security.ipsec.security-association.encryption.algorithm");
	const struct gw_conf_stmt *as = gw_conf_schema_find(
		"security.ipsec.security-association.authentication.algorithm");
	unsigned int nc = 0, na = 0;

	CHECK(cs != NULL && as != NULL);
	if (cs == NULL || as == NULL)
		return;
	for (unsigned int i = 0; cs->names[i] != NULL; i++, nc++)
		for (unsigned int j = 0; as->names[j] != NULL; j++)
			try_pair(cs->names[i], as->names[j]);
	for (unsigned int j = 0; as->names[j] != NULL; j++)
		na++;
	CHECK_EQ(nc, 9);
	CHECK_EQ(na, 6);
}

/* crypto-arch: each choice loads to the drivers/crypto code path of that name. */
static void
test_arch_names_agree(void)
{
	const struct gw_conf_stmt *s = gw_conf_schema_find("system.dataplane.crypto-arch");
	struct gw_conf_error err;
	struct gw_config *conf;
	char text[128];
	unsigned int n = 0;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (; s->names[n] != NULL; n++) {
		snprintf(text, sizeof(text), "system = { dataplane = { crypto-arch = \"%s\"; }; };\n",
			 s->names[n]);
		conf = gw_conf_load_string(text, &err);
		CHECK(conf != NULL);
		if (conf == NULL)
			continue;
		CHECK(strcmp(gw_crypto_arch_name(conf->dataplane.crypto_arch), s->names[n]) == 0);
		gw_conf_free(conf);
	}
	CHECK_EQ(n, GW_CRYPTO_ARCH_MAX);
	conf = gw_conf_load_string("system = { };", &err);
	CHECK(conf != NULL && conf->dataplane.crypto_arch == GW_CRYPTO_ARCH_AUTO);
	gw_conf_free(conf);
}

int
main(void)
{
	GW_RUN(test_names_agree);
	GW_RUN(test_arch_names_agree);
	return gw_test_result();
}
