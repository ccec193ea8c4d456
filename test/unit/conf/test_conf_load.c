/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf: a complete configuration loads into the structs the planes use,
 * defaults fill what the file leaves out, and every example in config/ loads.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "gw_test.h"
#include "conf_examples.h"
#include "conf_samples.h"
#include "gw_conf.h"
#include "gw_log.h"

static struct gw_config *
load_ok(const char *text)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];

	conf = gw_conf_load_string(text, &err);
	if (conf == NULL) {
		gw_conf_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "unexpected error: %s\n", msg);
	}
	return conf;
}

static void
check_prefix(const struct gw_prefix *p, const char *text)
{
	struct gw_prefix want;

	CHECK(gw_prefix_parse(text, &want) == 0);
	CHECK_EQ(p->family, want.family);
	CHECK_EQ(p->len, want.len);
	CHECK_MEM(&p->v6, &want.v6, want.family == AF_INET ? 4 : 16);
}

static void
check_addr(const struct gw_ipaddr *a, const char *text)
{
	struct gw_ipaddr want;

	CHECK(gw_ipaddr_parse(text, &want) == 0);
	CHECK_EQ(a->family, want.family);
	CHECK_MEM(&a->v6, &want.v6, want.family == AF_INET ? 4 : 16);
}

static void
test_full_system(void)
{
	struct gw_config *conf = load_ok(full_conf);
	const struct gw_conf_dataplane *dp;

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	dp = &conf->dataplane;
	CHECK(strcmp(conf->host_name, "gw-test") == 0);
	CHECK_EQ(dp->layout, GW_LAYOUT_RUN_TO_COMPLETION);
	CHECK_EQ(dp->nb_workers, 2);
	CHECK_EQ(dp->workers[0], 1);
	CHECK_EQ(dp->workers[1], 3);
	CHECK(strcmp(dp->crypto_engine, "openssl") == 0);
	CHECK_EQ(dp->nb_mbufs, 32768);
	CHECK_EQ(dp->ring_size, 2048);
	CHECK(strcmp(conf->trace.file, "/tmp/gdoigw-test.log") == 0);
	CHECK_EQ(conf->trace.level, RTE_LOG_INFO);
	CHECK_EQ(conf->trace.flags, GW_LOGFLAG_GENERAL | GW_LOGFLAG_PARSE);
	gw_conf_free(conf);
}

static void
test_full_interfaces(void)
{
	struct gw_config *conf = load_ok(full_conf);
	const struct gw_conf_interface *i0, *i1;
	const uint8_t mac1[] = { 2, 0, 0, 0, 0, 1 }, mac2[] = { 2, 0, 0, 0, 0, 2 };
	const uint8_t mac3[] = { 2, 0, 0, 0, 0, 3 };

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->nb_interfaces, 2);
	i0 = &conf->interfaces[0];
	i1 = &conf->interfaces[1];
	CHECK(strcmp(i0->name, "ge-0/0/0") == 0);
	CHECK(strcmp(i0->device, "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap") == 0);
	CHECK_EQ(i0->mtu, 9000);
	CHECK(i0->has_mac);
	CHECK_MEM(i0->mac.addr_bytes, mac1, 6);
	CHECK_EQ(i0->exception, GW_EXCEPTION_TAP);
	CHECK(strcmp(i0->tap_name, "inside0") == 0);
	CHECK(!i0->disable);
	CHECK_EQ(i0->nb_addrs, 3);
	if (i0->nb_addrs == 3) {
		check_prefix(&i0->addrs[0], "192.0.2.1/24");
		check_prefix(&i0->addrs[1], "10.9.0.1/16");
		check_prefix(&i0->addrs[2], "2001:db8:1::1/64");
	}
	CHECK_EQ(i0->nb_arp, 2);
	if (i0->nb_arp == 2) {
		check_addr(&i0->arp[0].addr, "192.0.2.2");
		CHECK_MEM(i0->arp[0].mac.addr_bytes, mac2, 6);
		check_addr(&i0->arp[1].addr, "2001:db8:1::2");
		CHECK_MEM(i0->arp[1].mac.addr_bytes, mac3, 6);
	}

	CHECK(strcmp(i1->name, "ge-0/0/1") == 0);
	CHECK(strcmp(i1->device, "0000:03:00.0") == 0);
	CHECK_EQ(i1->mtu, 1500);
	CHECK(!i1->has_mac);
	CHECK_EQ(i1->exception, GW_EXCEPTION_NONE);
	CHECK(i1->disable);
	CHECK(strcmp(i1->tap_name, "gw1") == 0);
	CHECK_EQ(i1->nb_addrs, 1);
	check_prefix(&i1->addrs[0], "198.51.100.1/24");
	CHECK_EQ(i1->nb_arp, 0);
	gw_conf_free(conf);
}

static void
test_full_routes(void)
{
	struct gw_config *conf = load_ok(full_conf);

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->nb_routes, 3);
	if (conf->nb_routes != 3)
		goto out;
	check_prefix(&conf->routes[0].prefix, "10.0.0.0/8");
	check_addr(&conf->routes[0].next_hop, "192.0.2.2");
	CHECK(!conf->routes[0].discard);
	check_prefix(&conf->routes[1].prefix, "2001:db8:99::/48");
	check_addr(&conf->routes[1].next_hop, "2001:db8:1::2");
	check_prefix(&conf->routes[2].prefix, "203.0.113.0/24");
	CHECK(conf->routes[2].discard);
	CHECK_EQ(conf->routes[2].next_hop.family, 0);
out:
	gw_conf_free(conf);
}

static void
test_full_sas(void)
{
	static const uint8_t gcm_key[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0xa0, 0xa1, 0xa2, 0xa3
	};
	struct gw_config *conf = load_ok(full_conf);
	const struct gw_conf_sa *a, *b, *m;

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->nb_sas, 3);
	if (conf->nb_sas != 3)
		goto out;
	a = &conf->sas[0];
	b = &conf->sas[1];
	m = &conf->sas[2];

	CHECK(strcmp(a->name, "sa-out") == 0);
	CHECK_EQ(a->spi, 0x1000);
	CHECK_EQ(a->direction, GW_SA_OUTBOUND);
	CHECK(a->group);
	CHECK(a->crypto.encrypt);
	CHECK_EQ(a->crypto.cipher, GW_CIPHER_AES_GCM16);
	CHECK_EQ(a->crypto.cipher_key_len, 20);
	CHECK_MEM(a->crypto.cipher_key, gcm_key, sizeof(gcm_key));
	CHECK_EQ(a->crypto.auth, GW_AUTH_NONE);
	CHECK_EQ(a->crypto.auth_key_len, 0);
	CHECK_EQ(a->tunnel_local.family, 0);
	CHECK_EQ(a->tunnel_remote.family, 0);
	CHECK_EQ(a->tbar_window_ms, 2000);
	CHECK_EQ(a->d3p_protocol, 254);
	CHECK_EQ(a->tunnel_mtu, 1400);
	CHECK_EQ(a->df, GW_DF_COPY);
	CHECK(a->clear_df);
	CHECK(!a->passive);
	CHECK_EQ(a->udp_encap, GW_UDP_ENCAP_NONE);
	CHECK_EQ(a->anti_replay, -1);
	CHECK_EQ(a->replay_window, 64);
	CHECK_EQ(a->lifetime.hard_seconds, 3600);
	CHECK_EQ(a->lifetime.soft_seconds, 3000);
	CHECK_EQ(a->lifetime.hard_kbytes, 1000000);
	CHECK_EQ(a->lifetime.soft_kbytes, 900000);
	check_prefix(&a->sel_src, "10.1.0.0/16");
	check_prefix(&a->sel_dst, "10.2.0.0/16");
	CHECK_EQ(a->sel_proto, 17);

	CHECK(strcmp(b->name, "sa-in") == 0);
	CHECK_EQ(b->spi, 0x2000);
	CHECK_EQ(b->direction, GW_SA_INBOUND);
	CHECK(!b->group);
	CHECK(!b->crypto.encrypt);
	CHECK_EQ(b->crypto.cipher, GW_CIPHER_AES_CBC);
	CHECK_EQ(b->crypto.cipher_key_len, 32);
	CHECK_EQ(b->crypto.cipher_key[31], 0x1f);
	CHECK_EQ(b->crypto.auth, GW_AUTH_HMAC_SHA1_96);
	CHECK_EQ(b->crypto.auth_key_len, 20);
	CHECK_EQ(b->crypto.auth_key[0], 0x40);
	CHECK_EQ(b->crypto.auth_key[19], 0x53);
	check_addr(&b->tunnel_local, "198.51.100.1");
	check_addr(&b->tunnel_remote, "203.0.113.9");
	CHECK_EQ(b->replay_window, 1024);
	CHECK_EQ(b->anti_replay, 1);
	CHECK(b->esn);
	CHECK_EQ(b->udp_encap, GW_UDP_ENCAP_NAT_T);
	CHECK(b->passive);
	CHECK_EQ(b->tunnel_mtu, 1500);
	CHECK_EQ(b->df, GW_DF_CLEAR);
	CHECK_EQ(b->d3p_protocol, 253);
	CHECK_EQ(b->tbar_window_ms, 0);
	CHECK_EQ(b->sel_src.family, 0);

	CHECK(strcmp(m->name, "sa-mp") == 0);
	CHECK_EQ(m->crypto.cipher, GW_CIPHER_NULL);
	CHECK_EQ(m->crypto.cipher_key_len, 0);
	CHECK_EQ(m->crypto.auth, GW_AUTH_HMAC_SHA256_128);
	CHECK_EQ(m->crypto.auth_key_len, 32);
	CHECK_EQ(m->anti_replay, 0);
	CHECK_EQ(m->udp_encap, GW_UDP_ENCAP_PORT);
	CHECK_EQ(m->udp_port, 10000);
	check_addr(&m->tunnel_remote, "2001:db8:99::1");
out:
	gw_conf_free(conf);
}

static void
test_full_policies(void)
{
	struct gw_config *conf = load_ok(full_conf);
	const struct gw_conf_policy *p;
	const struct gw_conf_term *t;

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->nb_policies, 2);
	if (conf->nb_policies != 2)
		goto out;
	p = &conf->policies[1];
	CHECK(strcmp(p->name, "p-in") == 0);
	CHECK_EQ(p->direction, GW_SA_INBOUND);	/* output: check what leaves */
	CHECK(!p->no_anti_replay);
	CHECK_EQ(p->tunnel_mtu, 0);
	CHECK_EQ(p->nb_terms, 1);
	CHECK(strcmp(p->terms[0].sa, "sa-in") == 0);
	p = &conf->policies[0];
	CHECK(strcmp(p->name, "p-out") == 0);
	CHECK(strcmp(p->interface, "ge-0/0/1") == 0);
	CHECK_EQ(p->direction, GW_SA_OUTBOUND);	/* input: protect what comes in */
	CHECK(p->no_anti_replay);
	CHECK_EQ(p->tunnel_mtu, 1300);
	CHECK_EQ(p->nb_terms, 3);
	if (p->nb_terms != 3)
		goto out;
	t = &p->terms[0];
	CHECK(strcmp(t->name, "t1") == 0);
	check_prefix(&t->src, "10.1.0.0/16");
	check_prefix(&t->dst, "10.2.0.0/16");
	CHECK_EQ(t->proto, 17);
	CHECK_EQ(t->sport_lo, 1000);
	CHECK_EQ(t->sport_hi, 2000);
	CHECK_EQ(t->dport_lo, 53);
	CHECK_EQ(t->dport_hi, 53);
	CHECK_EQ(t->action, GW_POLICY_PROTECT);
	CHECK(strcmp(t->sa, "sa-out") == 0);
	t = &p->terms[1];
	CHECK_EQ(t->action, GW_POLICY_BYPASS);
	CHECK_EQ(t->src.family, 0);
	CHECK_EQ(t->sport_lo, 0);
	CHECK_EQ(t->sport_hi, 65535);
	CHECK_EQ(t->dport_lo, 500);
	CHECK_EQ(t->dport_hi, 500);
	t = &p->terms[2];
	CHECK_EQ(t->action, GW_POLICY_DISCARD);
	CHECK_EQ(t->proto, 0);
	CHECK_EQ(t->dport_lo, 0);
	CHECK_EQ(t->dport_hi, 65535);
out:
	gw_conf_free(conf);
}

static void
test_pipeline(void)
{
	struct gw_config *conf = load_ok(
		"system = { dataplane = { layout = \"pipeline\";\n"
		"  pipeline = { rx = 1; classify = 2; crypto = 2; tx = 3; }; }; };\n");

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->dataplane.layout, GW_LAYOUT_PIPELINE);
	CHECK_EQ(conf->dataplane.nb_workers, 0);
	CHECK_EQ(conf->dataplane.rx_lcore, 1);
	CHECK_EQ(conf->dataplane.classify_lcore, 2);
	CHECK_EQ(conf->dataplane.crypto_lcore, 2);
	CHECK_EQ(conf->dataplane.tx_lcore, 3);
	gw_conf_free(conf);
}

/* What the file leaves out. */
static void
test_defaults(void)
{
	struct gw_config *conf = load_ok(
		"interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; },\n"
		"  { name = \"ge-0/0/1\"; device = \"net_null1\"; } );\n");

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK(strcmp(conf->host_name, "gdoigw") == 0);
	CHECK_EQ(conf->dataplane.layout, GW_LAYOUT_RUN_TO_COMPLETION);
	CHECK_EQ(conf->dataplane.nb_workers, 0);
	CHECK(strcmp(conf->dataplane.crypto_engine, "ipsecmb") == 0);
	CHECK_EQ(conf->dataplane.nb_mbufs, 16384);
	CHECK_EQ(conf->dataplane.ring_size, 1024);
	CHECK_EQ(conf->trace.level, RTE_LOG_NOTICE);
	CHECK_EQ(conf->trace.file[0], '\0');
	CHECK_EQ(conf->nb_interfaces, 2);
	CHECK_EQ(conf->interfaces[0].mtu, 1500);
	CHECK_EQ(conf->interfaces[0].exception, GW_EXCEPTION_TAP);
	CHECK(strcmp(conf->interfaces[0].tap_name, "gw0") == 0);
	CHECK(strcmp(conf->interfaces[1].tap_name, "gw1") == 0);
	CHECK(!conf->interfaces[0].disable);
	CHECK(!conf->interfaces[0].has_mac);
	CHECK_EQ(conf->interfaces[0].nb_addrs, 0);
	CHECK_EQ(conf->nb_routes, 0);
	CHECK_EQ(conf->nb_sas, 0);
	CHECK_EQ(conf->nb_policies, 0);
	gw_conf_free(conf);

	/* An empty file is a valid (if useless) configuration. */
	conf = load_ok("");
	CHECK(conf != NULL);
	if (conf != NULL)
		CHECK_EQ(conf->nb_interfaces, 0);
	gw_conf_free(conf);
	gw_conf_free(NULL);
}

static void
test_sa_defaults(void)
{
	struct gw_config *conf = load_ok(
		"security = { ipsec = { security-association = ( {\n"
		"  name = \"s\"; spi = 300; direction = \"inbound\"; mode = \"tunnel\";\n"
		"  tunnel = { local = \"192.0.2.1\"; remote = \"192.0.2.9\"; };\n"
		"  encryption = { algorithm = \"chacha20-poly1305\";\n"
		"    key = \"0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		"20212223\"; }; } ); }; };\n");

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->nb_sas, 1);
	CHECK_EQ(conf->sas[0].crypto.cipher, GW_CIPHER_CHACHA20_POLY1305);
	CHECK_EQ(conf->sas[0].crypto.cipher_key_len, 36);
	CHECK(!conf->sas[0].crypto.encrypt);
	CHECK_EQ(conf->sas[0].replay_window, 64);
	CHECK_EQ(conf->sas[0].anti_replay, -1);
	CHECK(!conf->sas[0].esn);
	CHECK_EQ(conf->sas[0].d3p_protocol, 253);
	CHECK_EQ(conf->sas[0].tunnel_mtu, 1500);
	CHECK_EQ(conf->sas[0].df, GW_DF_CLEAR);
	CHECK_EQ(conf->sas[0].udp_encap, GW_UDP_ENCAP_NONE);
	CHECK_EQ(conf->sas[0].lifetime.hard_seconds, 0);
	gw_conf_free(conf);
}

/*
 * Values beyond 32 bits: the L suffix or a string (README "Mapping to Junos");
 * libconfig 1.5 itself wraps plain decimal and hex integers to 32 bits.
 */
static void
test_big_numbers(void)
{
	struct gw_config *conf = load_ok(
		"security = { ipsec = { security-association = ( {\n"
		"  name = \"s\"; spi = 0xdeadbeef; direction = \"outbound\"; mode = \"group\";\n"
		"  encryption = { algorithm = \"aes-128-gcm\";\n"
		"    key = \"0x000102030405060708090a0b0c0d0e0fa0a1a2a3\"; };\n"
		"  lifetime = { kilobytes = 10000000000L; soft-kilobytes = \"9000000000\";\n"
		"    seconds = 4294967295L; soft-seconds = \"0xfffffffe\"; }; } ); }; };\n");

	CHECK(conf != NULL);
	if (conf == NULL)
		return;
	CHECK_EQ(conf->sas[0].spi, 0xdeadbeefu);
	CHECK_EQ(conf->sas[0].lifetime.hard_kbytes, 10000000000ull);
	CHECK_EQ(conf->sas[0].lifetime.soft_kbytes, 9000000000ull);
	CHECK_EQ(conf->sas[0].lifetime.hard_seconds, 4294967295ull);
	CHECK_EQ(conf->sas[0].lifetime.soft_seconds, 4294967294ull);
	gw_conf_free(conf);
}

/* The file loader records where the configuration came from. */
static void
test_load_file(void)
{
	char path[] = "/tmp/gw-conf-test-XXXXXX";
	struct gw_conf_error err;
	struct gw_config *conf;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs(full_conf, f);
	fclose(f);
	conf = gw_conf_load(path, &err);
	CHECK(conf != NULL);
	if (conf != NULL) {
		CHECK(strcmp(conf->path, path) == 0);
		CHECK_EQ(conf->nb_interfaces, 2);
	}
	gw_conf_free(conf);
	unlink(path);
}

/* The embedded default: two net_tap ports, no NIC (what ./scripts/run.sh runs). */
static void
check_default_conf(const struct gw_config *conf)
{
	CHECK_EQ(conf->nb_interfaces, 2);
	if (conf->nb_interfaces != 2)
		return;
	CHECK(strcmp(conf->interfaces[0].device, "net_tap0,iface=gwdemo0") == 0);
	CHECK(strcmp(conf->interfaces[1].device, "net_tap1,iface=gwdemo1") == 0);
	CHECK_EQ(conf->interfaces[0].exception, GW_EXCEPTION_NONE);
	CHECK_EQ(conf->interfaces[1].exception, GW_EXCEPTION_NONE);
	check_prefix(&conf->interfaces[0].addrs[0], "192.0.2.1/24");
	check_prefix(&conf->interfaces[1].addrs[0], "198.51.100.1/24");
	CHECK_EQ(conf->nb_routes, 1);
	check_prefix(&conf->routes[0].prefix, "203.0.113.0/24");
	check_addr(&conf->routes[0].next_hop, "198.51.100.2");
	CHECK_EQ(conf->dataplane.layout, GW_LAYOUT_RUN_TO_COMPLETION);
	CHECK_EQ(conf->trace.level, RTE_LOG_NOTICE);
	CHECK_EQ(conf->trace.flags, GW_LOGFLAG_GENERAL);
	CHECK_EQ(conf->nb_sas, 0);
}

static void
load_example(const char *path, const char *name, void *arg)
{
	bool *has_default = arg;
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];

	conf = gw_conf_load(path, &err);
	if (conf == NULL) {
		gw_conf_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "example %s: %s\n", name, msg);
	}
	CHECK(conf != NULL);
	if (conf != NULL && strcmp(name, "default.conf") == 0) {
		*has_default = true;
		check_default_conf(conf);
	}
	gw_conf_free(conf);
}

/* Every example shipped in config/ loads. */
static void
test_examples(void)
{
	bool has_default = false;

	CHECK(conf_examples_foreach(load_example, &has_default) >= 4);
	CHECK(has_default);
}

/*
 * A configuration of many SAs (a GDOI key server's, a scale test's) loads in
 * time linear in their number: duplicates are found through indexes, not by
 * comparing each SA with every one before it. The duplicate and multipath
 * checks still hold at that size.
 */
#define MANY_SAS 5000
#define MANY_KEY "0x000102030405060708090a0b0c0d0e0f10111213"

static char *
many_sas_text(const char *last)
{
	size_t cap = (size_t)MANY_SAS * 160 + 4096, len = 0;
	char *t = malloc(cap);

	CHECK(t != NULL);
	len += (size_t)snprintf(t + len, cap - len,
				"security = { ipsec = { security-association = (\n");
	for (unsigned int i = 0; i < MANY_SAS; i++)
		len += (size_t)snprintf(t + len, cap - len,
			"%s{name=\"s%u\";spi=%u;direction=\"inbound\";mode=\"group\";"
			"encryption={algorithm=\"aes-128-gcm\";key=\"" MANY_KEY "\";};}\n",
			i == 0 ? "" : ",", i, 0x10000 + i);
	len += (size_t)snprintf(t + len, cap - len, "%s); }; };\n", last);
	CHECK(len < cap);
	return t;
}

static void
expect_reason(char *text, const char *want)
{
	struct gw_conf_error err;
	struct gw_config *conf = gw_conf_load_string(text, &err);

	CHECK(conf == NULL);
	if (conf != NULL)
		gw_conf_free(conf);
	else if (strstr(err.reason, want) == NULL)
		fprintf(stderr, "reason '%s', expected '%s'\n", err.reason, want);
	CHECK(conf == NULL && strstr(err.reason, want) != NULL);
	free(text);
}

static void
test_many_sas(void)
{
	struct gw_config *conf;
	char *text = many_sas_text("");

	conf = load_ok(text);
	free(text);
	CHECK(conf != NULL);
	if (conf != NULL) {
		CHECK_EQ(conf->nb_sas, MANY_SAS);
		CHECK_EQ(conf->sas[MANY_SAS - 1].spi, 0x10000 + MANY_SAS - 1);
		gw_conf_free(conf);
	}
	/* same SPI, other direction: allowed */
	text = many_sas_text(",{name=\"out\";spi=65536;direction=\"outbound\";mode=\"group\";"
			     "encryption={algorithm=\"aes-128-gcm\";key=\"" MANY_KEY "\";};}");
	conf = load_ok(text);
	free(text);
	CHECK(conf != NULL && conf->nb_sas == MANY_SAS + 1);
	gw_conf_free(conf);
	expect_reason(many_sas_text(",{name=\"dup\";spi=68036;direction=\"inbound\";"
				    "mode=\"group\";encryption={algorithm=\"aes-128-gcm\";"
				    "key=\"" MANY_KEY "\";};}"),
		      "SPI 0x109c4 inbound already used by s2500");
	expect_reason(many_sas_text(",{name=\"s3777\";spi=700;direction=\"inbound\";"
				    "mode=\"group\";encryption={algorithm=\"aes-128-gcm\";"
				    "key=\"" MANY_KEY "\";};}"),
		      "duplicate security association 's3777'");
	expect_reason(many_sas_text(",{name=\"m1\";spi=700;direction=\"inbound\";mode=\"group\";"
				    "udp-encapsulation={port=5555;};encryption={algorithm="
				    "\"aes-128-gcm\";key=\"" MANY_KEY "\";};},"
				    "{name=\"m2\";spi=800;direction=\"inbound\";mode=\"group\";"
				    "udp-encapsulation={port=6666;};encryption={algorithm="
				    "\"aes-128-gcm\";key=\"" MANY_KEY "\";};}"),
		      "port 6666 differs from port 5555 of m1");
}

int
main(void)
{
	GW_RUN(test_full_system);
	GW_RUN(test_full_interfaces);
	GW_RUN(test_full_routes);
	GW_RUN(test_full_sas);
	GW_RUN(test_full_policies);
	GW_RUN(test_pipeline);
	GW_RUN(test_defaults);
	GW_RUN(test_sa_defaults);
	GW_RUN(test_big_numbers);
	GW_RUN(test_many_sas);
	GW_RUN(test_load_file);
	GW_RUN(test_examples);
	return gw_test_result();
}
