/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf: every class of error is refused with the line of the statement
 * at fault, the statement as a Junos path and a reason. One case per class.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "gw_test.h"
#include "gw_conf.h"

/* Two ports, one per line, so an entry's line is its name's line. */
#define IF0 "{ name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { name = \"0\"; " \
	"family = { inet = { address = [ \"192.0.2.1/24\" ]; }; " \
	"inet6 = { address = [ \"2001:db8:1::1/64\" ]; }; }; } ); }"
#define IF1 "{ name = \"ge-0/0/1\"; device = \"net_null1\"; unit = ( { name = \"0\"; " \
	"family = { inet = { address = [ \"198.51.100.1/24\" ]; }; }; } ); }"
#define IFACES "interfaces = (\n" IF0 ",\n" IF1 "\n);\n"

#define KEY16 "0x000102030405060708090a0b0c0d0e0f"
#define KEY20 "0x000102030405060708090a0b0c0d0e0f10111213"
#define KEY32 "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* An SA's opening line; the rest of the entry follows on the next lines. */
#define SA_HEAD(name, spi, dir, mode) \
	"{ name = \"" name "\"; spi = " spi "; direction = \"" dir "\"; mode = \"" mode "\";\n"
#define GCM128 "encryption = { algorithm = \"aes-128-gcm\"; key = \"" KEY20 "\"; };\n"
#define TUN4 "tunnel = { local = \"198.51.100.1\"; remote = \"203.0.113.1\"; };\n"
#define SECURITY(sas) "security = { ipsec = { security-association = (\n" sas "); }; };\n"

/* 1-based line of the first occurrence of marker in text, 0 if absent. */
static int
line_of(const char *text, const char *marker)
{
	const char *at = strstr(text, marker);
	int line = 1;

	if (at == NULL)
		return 0;
	for (const char *p = text; p < at; p++)
		if (*p == '\n')
			line++;
	return line;
}

/*
 * text must be refused; the error is on the line of `marker`, its statement
 * contains `stmt` and its reason contains `why` (either may be NULL). `where`
 * (source line or table row) only labels the message.
 */
static void
expect_error_at(int where, const char *text, const char *marker, const char *stmt,
		const char *why)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];
	bool ok = true;
	int line = marker != NULL ? line_of(text, marker) : -1;

	memset(&err, 0xa5, sizeof(err));
	errno = 0;
	conf = gw_conf_load_string(text, &err);
	if (conf != NULL) {
		fprintf(stderr, "case %d: configuration was accepted\n", where);
		gw_conf_free(conf);
		CHECK(conf == NULL);
		return;
	}
	CHECK_EQ(errno, EINVAL);
	gw_conf_error_format(&err, msg, sizeof(msg));
	if (line > 0 && err.line != line)
		ok = false;
	if (stmt != NULL && strstr(err.statement, stmt) == NULL)
		ok = false;
	if (why != NULL && strstr(err.reason, why) == NULL)
		ok = false;
	if (err.reason[0] == '\0')
		ok = false;
	if (!ok)
		fprintf(stderr, "case %d: want line %d, statement '%s', reason '%s'; got: %s\n",
			where, line, stmt != NULL ? stmt : "", why != NULL ? why : "", msg);
	CHECK(ok);
}

#define EXPECT(text, marker, stmt, why) expect_error_at(__LINE__, text, marker, stmt, why)

static void
test_unknown_statement(void)
{
	EXPECT("system = {\n  host-name = \"x\";\n  hostname = \"y\";\n};\n",
	       "hostname", "system hostname", "unknown statement");
	EXPECT("interfaces = (\n" IF0 ",\n{ name = \"ge-0/0/1\"; device = \"d1\";\n"
	       "  speed = 10000; }\n);\n", "speed", "interfaces ge-0/0/1 speed", "unknown");
	EXPECT("frobnicate = 1;\n", "frobnicate", "frobnicate", "unknown");
}

static void
test_range(void)
{
	EXPECT("interfaces = (\n" IF0 ",\n{ name = \"ge-0/0/1\"; device = \"d1\";\n"
	       "  mtu = 99999; }\n);\n", "mtu", "interfaces ge-0/0/1 mtu", "99999");
	EXPECT("system = { dataplane = {\n  mbufs = 10; }; };\n", "mbufs",
	       "system dataplane mbufs", "range");
}

static void
test_wrong_type(void)
{
	EXPECT("interfaces = (\n" IF0 ",\n{ name = \"ge-0/0/1\"; device = \"d1\";\n"
	       "  mtu = \"big\"; }\n);\n", "mtu", "interfaces ge-0/0/1 mtu", NULL);
	EXPECT("system = {\n  host-name = 5; };\n", "host-name", "system host-name", NULL);
	EXPECT("interfaces = { name = \"x\"; };\n", "interfaces", "interfaces", NULL);
}

static void
test_bad_prefix(void)
{
	EXPECT("interfaces = (\n{ name = \"ge-0/0/0\"; device = \"d0\";\n"
	       "  unit = ( { name = \"0\"; family = { inet = {\n"
	       "    address = [ \"10.0.0/33\" ]; }; }; } ); }\n);\n",
	       "address", "interfaces ge-0/0/0 unit 0 family inet address", "10.0.0/33");
	EXPECT("interfaces = (\n{ name = \"ge-0/0/0\"; device = \"d0\";\n"
	       "  unit = ( { name = \"0\"; family = { inet6 = {\n"
	       "    address = [ \"2001:db8::1/129\" ]; }; }; } ); }\n);\n",
	       "address", "interfaces ge-0/0/0 unit 0 family inet6 address", "2001:db8::1/129");
	/* an inet6 address under family inet */
	EXPECT("interfaces = (\n{ name = \"ge-0/0/0\"; device = \"d0\";\n"
	       "  unit = ( { name = \"0\"; family = { inet = {\n"
	       "    address = [ \"2001:db8::1/64\" ]; }; }; } ); }\n);\n",
	       "address", "family inet address", NULL);
}

static void
test_bad_mac(void)
{
	EXPECT("interfaces = (\n{ name = \"ge-0/0/0\"; device = \"d0\";\n"
	       "  mac = \"02:00:00:00:00\"; }\n);\n", "mac", "interfaces ge-0/0/0 mac", NULL);
}

static void
test_missing_mandatory(void)
{
	EXPECT("interfaces = (\n{ name = \"ge-0/0/0\"; mtu = 1500; }\n);\n", "ge-0/0/0",
	       "interfaces ge-0/0/0", "device");
}

static void
test_duplicate_interface(void)
{
	EXPECT("interfaces = (\n" IF0 ",\n"
	       "{ name = \"ge-0/0/0\"; device = \"net_null9\"; }\n);\n",
	       "net_null9", "interfaces ge-0/0/0", "duplicate");
}

static void
test_duplicate_device(void)
{
	EXPECT("interfaces = (\n" IF0 ",\n"
	       "{ name = \"ge-0/0/9\"; device = \"net_null0\"; }\n);\n",
	       "ge-0/0/9", "interfaces ge-0/0/9", "net_null0");
}

static void
test_too_many_interfaces(void)
{
	char text[8192], *p = text;

	p += sprintf(p, "interfaces = (\n");
	for (int i = 0; i <= GW_MAX_PORTS; i++)
		p += sprintf(p, "%s{ name = \"ge-0/0/%d\"; device = \"net_null%d\"; }\n",
			     i > 0 ? "," : "", i, i);
	sprintf(p, ");\n");
	EXPECT(text, NULL, "interfaces", NULL);
}

static void
test_route_family(void)
{
	EXPECT(IFACES "routing-options = { static = { route = (\n"
	       "{ name = \"10.0.0.0/8\"; next-hop = \"2001:db8:1::2\"; }\n); }; };\n",
	       "10.0.0.0/8", "routing-options static route 10.0.0.0/8", "family");
}

static void
test_route_duplicate(void)
{
	EXPECT(IFACES "routing-options = { static = { route = (\n"
	       "{ name = \"10.0.0.0/8\"; next-hop = \"192.0.2.2\"; },\n"
	       "{ name = \"10.0.0.0/8\"; discard = true; }\n); }; };\n",
	       "discard", "routing-options static route 10.0.0.0/8", "duplicate");
}

static void
test_route_unreachable(void)
{
	EXPECT(IFACES "routing-options = { static = { route = (\n"
	       "{ name = \"10.0.0.0/8\"; next-hop = \"192.0.2.2\"; },\n"
	       "{ name = \"10.9.0.0/16\"; next-hop = \"172.16.0.1\"; }\n); }; };\n",
	       "172.16.0.1", "routing-options static route 10.9.0.0/16", "172.16.0.1");
}

static void
test_route_no_next_hop(void)
{
	EXPECT(IFACES "routing-options = { static = { route = (\n"
	       "{ name = \"10.0.0.0/8\"; }\n); }; };\n",
	       "10.0.0.0/8", "routing-options static route 10.0.0.0/8", NULL);
}

#define POLICY(iface, dir, sa) \
	"security = { ipsec = {\n" \
	"security-association = (\n" SA_HEAD("sa-out", "0x1000", "outbound", "group") \
	GCM128 "},\n" SA_HEAD("sa-in", "0x1000", "inbound", "group") GCM128 "});\n" \
	"policy = ( { name = \"p1\";\n" \
	"interface = \"" iface "\";\n" \
	"match-direction = \"" dir "\";\n" \
	"term = ( { name = \"t1\"; then = \"protect\";\n" \
	"security-association = \"" sa "\"; } ); } );\n}; };\n"

static void
test_policy_interface(void)
{
	EXPECT(IFACES POLICY("ge-0/0/7", "input", "sa-out"), "ge-0/0/7",
	       "security ipsec policy p1 interface", "ge-0/0/7");
}

static void
test_policy_sa_missing(void)
{
	EXPECT(IFACES POLICY("ge-0/0/0", "input", "sa-nope"), "sa-nope",
	       "security ipsec policy p1 term t1 security-association", "sa-nope");
}

static void
test_policy_sa_direction(void)
{
	EXPECT(IFACES POLICY("ge-0/0/0", "input", "sa-in"), "\"sa-in\"; }",
	       "security ipsec policy p1 term t1 security-association", "outbound");
}

static void
test_policy_protect_without_sa(void)
{
	EXPECT(IFACES "security = { ipsec = { policy = ( { name = \"p1\";\n"
	       "interface = \"ge-0/0/0\"; match-direction = \"input\";\n"
	       "term = ( { name = \"t1\"; then = \"protect\"; } ); } ); }; };\n",
	       "\"t1\"", "security ipsec policy p1 term t1", NULL);
}

static void
test_key_length(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = { algorithm = \"aes-256-gcm\";\n"
			"key = \"" KEY20 "\"; }; }\n"),
	       "key =", "security ipsec security-association s1 encryption key", "36");
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = { algorithm = \"aes-128-cbc\"; key = \"" KEY16 "\"; };\n"
			"authentication = { algorithm = \"hmac-sha1-96\";\n"
			"key = \"" KEY16 "\"; }; }\n"),
	       "key = \"" KEY16 "\"; }; }",
	       "security ipsec security-association s1 authentication key", "20");
}

static void
test_key_missing(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = { algorithm = \"aes-128-gcm\"; }; }\n"),
	       "algorithm", "security ipsec security-association s1 encryption", "key");
}

static void
test_key_not_hex(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = { algorithm = \"aes-128-gcm\";\n"
			"key = \"0x0011zz\"; }; }\n"),
	       "key =", "security ipsec security-association s1 encryption key", NULL);
}

static void
test_aead_with_auth(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group") GCM128
			"authentication = { algorithm = \"hmac-sha1-96\"; key = \"" KEY20 "\"; };\n"
			"}\n"),
	       "authentication", "security ipsec security-association s1 authentication",
	       NULL);
}

static void
test_cipher_without_auth(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = { algorithm = \"aes-128-cbc\"; key = \"" KEY16 "\"; }; }\n"),
	       "s1", "security ipsec security-association s1", "authentication");
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = { algorithm = \"null\"; }; }\n"),
	       "s1", "security ipsec security-association s1", "authentication");
}

static void
test_unknown_algorithm(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group")
			"encryption = {\nalgorithm = \"aes-512-cbc\"; key = \"" KEY16 "\"; }; }\n"),
	       "algorithm", "security ipsec security-association s1 encryption algorithm",
	       "aes-512-cbc");
}

static void
test_udp_port(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group") GCM128
			"udp-encapsulation = {\nport = 1024; }; }\n"),
	       "port", "security ipsec security-association s1 udp-encapsulation port",
	       "1024");
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group") GCM128
			"udp-encapsulation = {\nport = 65536; }; }\n"),
	       "port", "udp-encapsulation port", "65536");
}

static void
test_replay_window(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "inbound", "tunnel") GCM128 TUN4
			"anti-replay = {\nwindow-size = 0; }; }\n"),
	       "window-size", "security ipsec security-association s1 anti-replay window-size",
	       "0");
	EXPECT(SECURITY(SA_HEAD("s1", "300", "inbound", "tunnel") GCM128 TUN4
			"anti-replay = {\nwindow-size = 4097; }; }\n"),
	       "window-size", "anti-replay window-size", "4097");
}

static void
test_group_with_tunnel(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "group") GCM128 TUN4 "}\n"),
	       "tunnel =", "security ipsec security-association s1 tunnel", NULL);
}

static void
test_tunnel_without_endpoints(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "tunnel") GCM128 "}\n"),
	       "\"s1\"", "security ipsec security-association s1", "tunnel");
}

static void
test_tunnel_families(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "300", "outbound", "tunnel") GCM128
			"tunnel = { local = \"198.51.100.1\";\nremote = \"2001:db8::1\"; }; }\n"),
	       "tunnel =", "security ipsec security-association s1 tunnel", "famil");
}

static void
test_duplicate_spi(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "0x1000", "outbound", "group") GCM128 "},\n"
			SA_HEAD("s2", "0x1000", "inbound", "group") GCM128 "},\n"
			SA_HEAD("s3", "4096", "outbound", "group") GCM128 "}\n"),
	       "\"s3\"", "security ipsec security-association s3", "SPI");
}

static void
test_duplicate_sa_name(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "0x1000", "outbound", "group") GCM128 "},\n"
			SA_HEAD("s1", "0x1001", "outbound", "group") GCM128 "}\n"),
	       "0x1001", "security ipsec security-association s1", "duplicate");
}

static void
test_spi_range(void)
{
	EXPECT(SECURITY(SA_HEAD("s1", "0x1000", "outbound", "group") GCM128
			"}, { name = \"s2\";\nspi = 0x100000000L; direction = \"inbound\"; "
			"mode = \"group\";\n" GCM128 "}\n"),
	       "spi = 0x100000000", "security ipsec security-association s2 spi", "range");
	/* without the L, libconfig 1.5 would read 0: refused on its line, before */
	EXPECT(SECURITY(SA_HEAD("s1", "0x1000", "outbound", "group") GCM128
			"}, { name = \"s2\";\nspi = 0x100000100; direction = \"inbound\"; "
			"mode = \"group\";\n" GCM128 "}\n"),
	       "spi = 0x100000100", NULL, "32 bits");
}

static void
test_lcore(void)
{
	char text[256];

	snprintf(text, sizeof(text), "system = { dataplane = {\nworkers = [ 1, %d ]; }; };\n",
		 RTE_MAX_LCORE);
	EXPECT(text, "workers", "system dataplane workers", NULL);
	snprintf(text, sizeof(text), "system = { dataplane = { layout = \"pipeline\";\n"
		 "pipeline = {\n"
		 "crypto = %d; }; }; };\n", RTE_MAX_LCORE + 5);
	EXPECT(text, "crypto", "system dataplane pipeline crypto", NULL);
}

static void
test_layout_engine(void)
{
	EXPECT("system = { dataplane = {\nlayout = \"spaghetti\"; }; };\n", "layout",
	       "system dataplane layout", "spaghetti");
	EXPECT("system = { dataplane = {\ncrypto-engine = \"qat\"; }; };\n", "crypto-engine",
	       "system dataplane crypto-engine", "qat");
	EXPECT("system = { dataplane = {\ncrypto-arch = \"avx1024\"; }; };\n", "crypto-arch",
	       "system dataplane crypto-arch", "avx1024");
	/* openssl has no code path to force */
	EXPECT("system = { dataplane = {\ncrypto-engine = \"openssl\";\n"
	       "crypto-arch = \"avx2\"; }; };\n", "crypto-arch", "system dataplane crypto-arch", "openssl has none");
}

static void
test_traceoptions(void)
{
	EXPECT("system = { traceoptions = {\nflag = [ \"general\", \"bogus\" ]; }; };\n",
	       "flag", "system traceoptions flag", "bogus");
	EXPECT("system = { traceoptions = {\nlevel = \"loud\"; }; };\n", "level",
	       "system traceoptions level", "loud");
}

/* security group-vpn server: the key server's cross-checks, on their lines. */
#define GV_MEMBER "member = ( { name = \"m\"; address = \"10.0.0.0/8\"; " \
	"pre-shared-key = \"0123456789\"; } );\n"
#define GV_TEK "ipsec-sa = ( { name = \"t\"; source-address = \"10.1.0.0/16\"; " \
	"destination-address = \"10.2.0.0/16\";\n"
#define GV(body) "security = { group-vpn = { server = { group = ( {\nname = \"g\"; " \
	"group-id = 5;\n" body " } ); }; }; };\n"

static void
test_gvpn_server(void)
{
	EXPECT(GV(GV_MEMBER GV_TEK "encryption-algorithm = \"aes-256-gcm\";\n"
		  "authentication-algorithm = \"hmac-sha1-96\"; } );"),
	       "authentication-algorithm", "security group-vpn server group g ipsec-sa t "
	       "authentication-algorithm", "AES-GCM takes no");
	EXPECT(GV(GV_MEMBER GV_TEK "encryption-algorithm = \"aes-128-cbc\"; } );"),
	       "encryption-algorithm", "security group-vpn server group g ipsec-sa t "
	       "encryption-algorithm", "needs an authentication-algorithm");
	EXPECT(GV(GV_TEK "encryption-algorithm = \"aes-128-gcm\"; } );"), "group = ( {",
	       "security group-vpn server group g", "at least one member");
	EXPECT(GV(GV_MEMBER GV_TEK "encryption-algorithm = \"aes-128-gcm\"; } );\n"
		  "server-member-communication = { communication-type = \"multicast\"; };"),
	       "server-member-communication", "security group-vpn server group g "
	       "server-member-communication", "multicast-address");
	EXPECT("security = { group-vpn = { server = { group = (\n"
	       "{ name = \"a\"; group-id=5; " GV_MEMBER GV_TEK
	       "encryption-algorithm = \"aes-128-gcm\"; } ); },\n"
	       "{ name = \"b\";\ngroup-id = 5;\n" GV_MEMBER GV_TEK
	       "encryption-algorithm = \"aes-128-gcm\"; } ); } ); }; }; };\n",
	       "group-id = 5;", "security group-vpn server group b group-id",
	       "already used by group a");
	EXPECT(GV(GV_MEMBER GV_TEK "encryption-algorithm = \"aes-128-gcm\"; } );\n"
		  "kek = { ack-requested = true; };"), "ack-requested",
	       "security group-vpn server group g kek ack-requested", "signing-key");
}

/* A SHA-512 crypt hash (of "gdoigw"), as `system login user` needs. */
#define PW "authentication = { encrypted-password = \"$6$gdoigwdefault$cmWEKKyLejUWFZnk9." \
	"CFT4lP877tTBgsu2gysmNwt3S6cglGrJA/mL6PBxwfhLixU/WIefCDCbtB3pfFH0ppZ.\"; };"

/* security group-vpn member: proposal, policy (PSK), gateway, then the vpn section. */
#define GM_PROP "proposal = ( { name = \"p1\"; encryption-algorithm = \"3des-cbc\"; } );\n"
#define GM_POL(psk, prop) "policy = ( { name = \"pol\"; proposals = [ \"" prop "\" ];\n" \
	"pre-shared-key = \"" psk "\"; } );\n"
#define GM_GW(servers, local) "gateway = ( { name = \"ks\"; ike-policy = \"pol\";\n" \
	"server-address = [ " servers " ];\nlocal-address = \"" local "\"; } );\n"
#define GM_PSK "a-pre-shared-key-of-26-chars"
#define GM_VPN(ifname, extra) "ipsec = { vpn = ( { name = \"gv\"; ike-gateway = \"ks\"; " \
	"group = 1234;\ninterface = \"" ifname "\";\n" extra " } ); };\n"
#define GM(ike, vpn) IFACES "security = { group-vpn = { member = {\nike = {\n" ike "};\n" \
	vpn "}; }; };\n"

/* Further cross-checks, one row each: text, marker of the line, statement, reason. */
static const struct {
	const char *text, *marker, *stmt, *why;
} more_cases[] = {
	{ "system = { dataplane = {\nring-size = 1000; }; };\n", "ring-size",
	  "system dataplane ring-size", "power of 2" },
	{ "system = { dataplane = { layout = \"pipeline\";\nworkers = [ 1 ]; }; };\n", "workers",
	  "system dataplane workers", "run-to-completion" },
	{ "system = { dataplane = {\nworkers = [ 1, 1 ]; }; };\n", "workers",
	  "system dataplane workers", "twice" },
	{ "system = { login = { user = ( { name = \"u\"; class = \"read-only\";\n"
	  "authentication = { encrypted-password = \"secret\"; }; } ); }; };\n", "authentication",
	  "system login user u authentication", "SHA-512" },
	{ "system = { login = { user = ( { name = \"u\"; class = \"read-only\"; " PW " },\n"
	  "{ name = \"u\"; class = \"super-user\"; " PW " } ); }; };\n", NULL,
	  "system login user", "duplicate user" },
	{ "interfaces = (\n{ name = \"a\"; device = \"d0\"; tap-name = \"t0\"; },\n"
	  "{ name = \"b\"; device = \"d1\";\ntap-name = \"t0\"; }\n);\n", "tap-name = \"t0\"; }\n)",
	  "interfaces b tap-name", "t0" },
	{ "interfaces = (\n{ name = \"a\"; device = \"d0\"; unit = ( { name = \"0\"; family = {\n"
	  "inet = { address = [ \"192.0.2.1/24\" ];\narp = ( { address = \"192.0.3.2\"; "
	  "mac = \"02:00:00:00:00:02\"; } ); }; }; } ); }\n);\n", "192.0.3.2",
	  "interfaces a unit 0 family inet arp 192.0.3.2", "subnet" },
	{ "interfaces = (\n{ name = \"a\"; device = \"d0\"; unit = ( {\nname = \"1\"; } ); }\n);\n",
	  "\"1\"", "interfaces a unit 1", "unit 0" },
	{ IFACES "routing-options = { static = { route = (\n"
	  "{ name = \"10.0.0.1/8\"; next-hop = \"192.0.2.2\"; }\n); }; };\n", "10.0.0.1/8",
	  "routing-options static route 10.0.0.1/8", "host bits" },
	{ IFACES "routing-options = { static = { route = (\n"
	  "{ name = \"10.0.0.0/8\"; next-hop = \"192.0.2.1\"; }\n); }; };\n", "10.0.0.0/8",
	  "routing-options static route 10.0.0.0/8 next-hop", "address of this gateway" },
	{ IFACES "routing-options = { static = { route = (\n"
	  "{ name = \"10.0.0.0/8\"; next-hop = \"192.0.2.2\"; discard = true; }\n); }; };\n",
	  "10.0.0.0/8", "routing-options static route 10.0.0.0/8", "not both" },
	{ SECURITY(SA_HEAD("s1", "300", "outbound", "tunnel") GCM128 TUN4
		   "time-based-anti-replay = {\nwindow = 100; }; }\n"),
	  "time-based", "security ipsec security-association s1 time-based-anti-replay", "group" },
	{ SECURITY(SA_HEAD("s1", "300", "inbound", "tunnel") GCM128 TUN4
		   "anti-replay = { window-size = 64; };\nno-anti-replay = true; }\n"),
	  "no-anti-replay", "security ipsec security-association s1 no-anti-replay", NULL },
	{ SECURITY(SA_HEAD("s1", "300", "outbound", "group") GCM128
		   "lifetime = { seconds = 100;\nsoft-seconds = 100; }; }\n"),
	  "soft-seconds", "security ipsec security-association s1 lifetime soft-seconds", NULL },
	{ SECURITY(SA_HEAD("s1", "300", "outbound", "tunnel") GCM128
		   "tunnel = { local = \"198.51.100.1\";\nremote = \"198.51.100.1\"; }; }\n"),
	  "remote", "security ipsec security-association s1 tunnel remote", NULL },
	{ SECURITY(SA_HEAD("s1", "300", "outbound", "group") GCM128
		   "selector = {\nsource-address = \"10.1.0.1/16\"; }; }\n"),
	  "source-address", "security ipsec security-association s1 selector source-address",
	  "host bits" },
	{ IFACES "security = { ipsec = { security-association = (\n"
	  SA_HEAD("s1", "300", "outbound", "tunnel") GCM128 TUN4 "} );\n"
	  "policy = ( { name = \"p1\"; interface = \"ge-0/0/0\"; match-direction = \"input\";\n"
	  "term = ( { name = \"t1\"; then = \"fail-open\";\nsecurity-association = \"s1\"; } );"
	  " } ); }; };\n", "then = \"fail-open\"", "security ipsec policy p1 term t1 then",
	  "group" },
	{ IFACES "security = { ipsec = { policy = ( { name = \"p1\"; interface = \"ge-0/0/0\";\n"
	  "match-direction = \"input\"; term = ( { name = \"t1\"; then = \"bypass\";\n"
	  "from = { destination-port = 53; }; } ); } ); }; };\n", "destination-port",
	  "security ipsec policy p1 term t1 from", "protocol" },
	{ IFACES "security = { ipsec = { policy = ( { name = \"p1\"; interface = \"ge-0/0/0\";\n"
	  "match-direction = \"input\"; term = ( { name = \"t1\"; then = \"bypass\";\n"
	  "security-association = \"x\"; } ); } ); }; };\n", "security-association",
	  "security ipsec policy p1 term t1 security-association", NULL },
	{ IFACES "security = { ipsec = { policy = ( { name = \"p1\";\n"
	  "interface = \"ge-0/0/0\"; match-direction = \"input\"; } ); }; };\n", "\"p1\"",
	  "security ipsec policy p1", "term" },	/* IKEv2 (conf_ike.c) */
	{ GM(GM_PROP GM_POL("too-short", "p1") GM_GW("\"198.51.100.9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/0", "")), "pre-shared-key",
	  "security group-vpn member ike policy pol pre-shared-key", "at least 20" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p9") GM_GW("\"198.51.100.9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/0", "")), NULL, "security group-vpn member", "unknown proposal 'p9'" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"198.51.100.9\"", "198.51.100.7"),
	     GM_VPN("ge-0/0/0", "")), NULL, "security group-vpn member",
	  "local-address is not an address of an interface" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"10.0.0.1\", \"10.0.0.2\", \"10.0.0.3\", "
	     "\"10.0.0.4\", \"10.0.0.5\"", "198.51.100.1"), GM_VPN("ge-0/0/0", "")),
	  "server-address", "security group-vpn member ike gateway ks server-address",
	  "more than 4" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"198.51.100.9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/9", "")), NULL, "security group-vpn member", "unknown interface" },
	/* IPv6 transport: one family per gateway */
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"198.51.100.9\", \"2001:db8::9\"",
	     "198.51.100.1"), GM_VPN("ge-0/0/0", "")), "server-address",
	  "security group-vpn member ike gateway ks server-address", "all IPv4 or all IPv6" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"2001:db8::9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/0", "")), "local-address",
	  "security group-vpn member ike gateway ks local-address", "the key servers IPv6" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"198.51.100.9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/0", "fail-open = { rule = ( { name = \"r\";\n"
		    "source-address = \"10.1.0.1/16\"; destination-address = \"10.2.0.0/16\"; "
		    "} ); };")), "source-address = \"10.1",
	  "security group-vpn member ipsec vpn gv fail-open rule r", "host bits" },
	/* up to 10 fail-open rules (the Junos member's limit) */
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"198.51.100.9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/0", "fail-open = { rule = (\n"
		    "{ name = \"r0\"; source-address = \"10.1.0.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r1\"; source-address = \"10.1.1.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r2\"; source-address = \"10.1.2.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r3\"; source-address = \"10.1.3.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r4\"; source-address = \"10.1.4.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r5\"; source-address = \"10.1.5.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r6\"; source-address = \"10.1.6.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r7\"; source-address = \"10.1.7.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r8\"; source-address = \"10.1.8.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r9\"; source-address = \"10.1.9.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; },\n"
		    "{ name = \"r10\"; source-address = \"10.1.10.0/24\"; "
		    "destination-address = \"10.2.0.0/16\"; } ); };")),
	  "\"r10\"", "security group-vpn member ipsec vpn gv fail-open rule r10",
	  "more than 10 fail-open rules" },
	{ GM(GM_PROP GM_POL(GM_PSK, "p1") GM_GW("\"198.51.100.9\"", "198.51.100.1"),
	     GM_VPN("ge-0/0/0", "tek-id-length = 3;")), "tek-id-length",
	  "security group-vpn member ipsec vpn gv tek-id-length", NULL },
	{ "security = { ike = { proposal = ( { name = \"p\"; } );\n"
	  "policy = ( { name = \"x\";\nproposals = [ \"nope\" ]; pre-shared-key = { ascii-text = "
	  "\"k\"; }; } ); }; };\n", "proposals", "security ike policy x proposals",
	  "unknown ike proposal 'nope'" },
	{ "security = { ike = { proposal = ( { name = \"p\"; } );\n"
	  "policy = ( { name = \"x\"; proposals = [ \"p\" ]; } ); }; };\n", "\"x\"",
	  "security ike policy x", "pre-shared-key" },
	{ "security = { ike = { proposal = ( { name = \"p\"; } );\n"
	  "policy = ( { name = \"x\"; proposals = [ \"p\" ]; pre-shared-key = {\n"
	  "ascii-text = \"k\"; hexadecimal = \"0x01\"; }; } ); }; };\n", "hexadecimal",
	  "security ike policy x pre-shared-key hexadecimal", "twice" },
	{ "security = { ike = { gateway = ( { name = \"g\";\nike-policy = \"none\"; "
	  "address = \"203.0.113.7\"; local-address = \"198.51.100.1\"; } ); }; };\n",
	  "ike-policy", "security ike gateway g ike-policy", "unknown ike policy" },
	{ "security = { ipsec = { proposal = ( { name = \"e\";\n"
	  "encryption-algorithm = \"aes-128-cbc\"; } ); }; };\n", "encryption-algorithm",
	  "security ipsec proposal e encryption-algorithm", "authentication-algorithm" },
	{ IFACES "security = { ipsec = { vpn = ( { name = \"v\";\nike = { gateway = \"g\"; "
	  "ipsec-policy = \"p\"; }; bind-interface = \"ge-0/0/0\"; } ); }; };\n", "ike =",
	  "security ipsec vpn v ike gateway", "unknown ike gateway" },
	{ "security = { ike = { proposal = ( { name = \"p\"; } );\n"
	  "policy = ( { name = \"pol\"; proposals = [ \"p\" ]; pre-shared-key = { ascii-text = "
	  "\"k\"; }; } );\ngateway = ( { name = \"g\"; ike-policy = \"pol\";\n"
	  "address = \"2001:db8::7\"; local-address = \"192.0.2.1\"; } ); }; };\n",
	  "local-address = ",
	  "security ike gateway g local-address", "of one family" },
};

static void
test_more_checks(void)
{
	for (size_t i = 0; i < sizeof(more_cases) / sizeof(more_cases[0]); i++)
		expect_error_at((int)i, more_cases[i].text, more_cases[i].marker,
				more_cases[i].stmt, more_cases[i].why);
}

static void
test_syntax_error(void)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];

	conf = gw_conf_load_string("system = {\n  host-name = \"x\"\n  foo = 1;\n};\n", &err);
	CHECK(conf == NULL);
	CHECK_EQ(err.line, 3);
	CHECK(err.reason[0] != '\0');
	gw_conf_error_format(&err, msg, sizeof(msg));
	CHECK(strstr(msg, ":3:") != NULL);
	gw_conf_free(conf);
}

static void
test_syntax_error_file(void)
{
	char path[] = "/tmp/gw-conf-syntax-XXXXXX";
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, "system = {\n\n  = 3;\n", 19) == 19);
	close(fd);
	conf = gw_conf_load(path, &err);
	CHECK(conf == NULL);
	CHECK_EQ(err.line, 3);
	CHECK(strcmp(err.file, path) == 0);
	gw_conf_error_format(&err, msg, sizeof(msg));
	CHECK(strncmp(msg, path, strlen(path)) == 0);
	unlink(path);
}

static void
test_semantic_error_file(void)
{
	char path[] = "/tmp/gw-conf-sem-XXXXXX";
	static const char text[] = "system = {\n  dataplane = {\n    mbufs = 1; }; };\n";
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200], want[600];
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
	close(fd);
	conf = gw_conf_load(path, &err);
	CHECK(conf == NULL);
	CHECK_EQ(err.line, 3);
	CHECK(strcmp(err.file, path) == 0);
	gw_conf_error_format(&err, msg, sizeof(msg));
	snprintf(want, sizeof(want), "%s:3: system dataplane mbufs: ", path);
	CHECK(strncmp(msg, want, strlen(want)) == 0);
	if (strncmp(msg, want, strlen(want)) != 0)
		fprintf(stderr, "got '%s', want prefix '%s'\n", msg, want);
	unlink(path);
}

static void
test_missing_file(void)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[1200];

	errno = 0;
	conf = gw_conf_load("/nonexistent/gdoigw.conf", &err);
	CHECK(conf == NULL);
	CHECK_EQ(errno, ENOENT);
	CHECK(strcmp(err.file, "/nonexistent/gdoigw.conf") == 0);
	CHECK(err.reason[0] != '\0');
	gw_conf_error_format(&err, msg, sizeof(msg));
	CHECK(strstr(msg, "/nonexistent/gdoigw.conf") != NULL);
	/* NULL error pointer: still refused, no crash */
	CHECK(gw_conf_load("/nonexistent/gdoigw.conf", NULL) == NULL);
	CHECK(gw_conf_load_string("system = 1;", NULL) == NULL);
}

/* The first error wins, nothing after it is half-applied: the result is NULL. */
static void
test_first_error(void)
{
	EXPECT("system = { dataplane = {\nmbufs = 1;\nring-size = 1; }; };\n", "mbufs",
	       "system dataplane mbufs", NULL);
}

int
main(void)
{
	GW_RUN(test_unknown_statement);
	GW_RUN(test_range);
	GW_RUN(test_wrong_type);
	GW_RUN(test_bad_prefix);
	GW_RUN(test_bad_mac);
	GW_RUN(test_missing_mandatory);
	GW_RUN(test_duplicate_interface);
	GW_RUN(test_duplicate_device);
	GW_RUN(test_too_many_interfaces);
	GW_RUN(test_route_family);
	GW_RUN(test_route_duplicate);
	GW_RUN(test_route_unreachable);
	GW_RUN(test_route_no_next_hop);
	GW_RUN(test_policy_interface);
	GW_RUN(test_policy_sa_missing);
	GW_RUN(test_policy_sa_direction);
	GW_RUN(test_policy_protect_without_sa);
	GW_RUN(test_key_length);
	GW_RUN(test_key_missing);
	GW_RUN(test_key_not_hex);
	GW_RUN(test_aead_with_auth);
	GW_RUN(test_cipher_without_auth);
	GW_RUN(test_unknown_algorithm);
	GW_RUN(test_udp_port);
	GW_RUN(test_replay_window);
	GW_RUN(test_group_with_tunnel);
	GW_RUN(test_tunnel_without_endpoints);
	GW_RUN(test_tunnel_families);
	GW_RUN(test_duplicate_spi);
	GW_RUN(test_duplicate_sa_name);
	GW_RUN(test_spi_range);
	GW_RUN(test_lcore);
	GW_RUN(test_gvpn_server);
	GW_RUN(test_layout_engine);
	GW_RUN(test_traceoptions);
	GW_RUN(test_more_checks);
	GW_RUN(test_syntax_error);
	GW_RUN(test_syntax_error_file);
	GW_RUN(test_semantic_error_file);
	GW_RUN(test_missing_file);
	GW_RUN(test_first_error);
	return gw_test_result();
}
