/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/conf: gw_prefix_parse, gw_ipaddr_parse, gw_prefix_contains and the error format. */

#include <string.h>
#include <arpa/inet.h>

#include "gw_test.h"
#include "gw_conf.h"

static void
test_ipaddr(void)
{
	struct gw_ipaddr a;
	uint8_t v6[16];

	CHECK(gw_ipaddr_parse("192.0.2.1", &a) == 0);
	CHECK_EQ(a.family, AF_INET);
	CHECK_EQ(a.v4.s_addr, htonl(0xc0000201));
	CHECK(gw_ipaddr_parse("2001:db8::1", &a) == 0);
	CHECK_EQ(a.family, AF_INET6);
	inet_pton(AF_INET6, "2001:db8::1", v6);
	CHECK_MEM(a.v6.s6_addr, v6, 16);
	CHECK(gw_ipaddr_parse("::", &a) == 0);
	CHECK_EQ(a.family, AF_INET6);

	a.family = 99;
	CHECK(gw_ipaddr_parse("192.0.2", &a) == -EINVAL);
	CHECK(gw_ipaddr_parse("192.0.2.256", &a) == -EINVAL);
	CHECK(gw_ipaddr_parse("192.0.2.1/24", &a) == -EINVAL);
	CHECK(gw_ipaddr_parse("", &a) == -EINVAL);
	CHECK(gw_ipaddr_parse(" 192.0.2.1", &a) == -EINVAL);
	CHECK(gw_ipaddr_parse("2001:db8:::1", &a) == -EINVAL);
	CHECK(gw_ipaddr_parse(NULL, &a) == -EINVAL);
	CHECK_EQ(a.family, 99);		/* untouched on error */
}

static void
test_prefix(void)
{
	struct gw_prefix p;

	CHECK(gw_prefix_parse("10.0.0.0/8", &p) == 0);
	CHECK_EQ(p.family, AF_INET);
	CHECK_EQ(p.len, 8);
	CHECK_EQ(p.v4.s_addr, htonl(0x0a000000));
	CHECK(gw_prefix_parse("0.0.0.0/0", &p) == 0);
	CHECK_EQ(p.len, 0);
	CHECK(gw_prefix_parse("192.0.2.1/32", &p) == 0);
	CHECK_EQ(p.len, 32);
	CHECK(gw_prefix_parse("2001:db8::/32", &p) == 0);
	CHECK_EQ(p.family, AF_INET6);
	CHECK_EQ(p.len, 32);
	CHECK_EQ(p.v6.s6_addr[0], 0x20);
	CHECK_EQ(p.v6.s6_addr[3], 0xb8);
	CHECK(gw_prefix_parse("::/0", &p) == 0);
	CHECK(gw_prefix_parse("2001:db8::1/128", &p) == 0);
	CHECK_EQ(p.len, 128);
	/* host bits are kept as written: interface addresses carry them */
	CHECK(gw_prefix_parse("192.0.2.1/24", &p) == 0);
	CHECK_EQ(p.v4.s_addr, htonl(0xc0000201));

	CHECK(gw_prefix_parse("10.0.0/33", &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0/33", &p) == -EINVAL);
	CHECK(gw_prefix_parse("2001:db8::/129", &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0", &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0/", &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0/-1", &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0/8x", &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0/ 8", &p) == -EINVAL);
	CHECK(gw_prefix_parse("/8", &p) == -EINVAL);
	CHECK(gw_prefix_parse("", &p) == -EINVAL);
	CHECK(gw_prefix_parse(NULL, &p) == -EINVAL);
	CHECK(gw_prefix_parse("10.0.0.0/99999999999999999999", &p) == -EINVAL);
}

static bool
contains(const char *prefix, const char *addr)
{
	struct gw_prefix p;
	struct gw_ipaddr a;

	if (gw_prefix_parse(prefix, &p) < 0 || gw_ipaddr_parse(addr, &a) < 0)
		return false;
	return gw_prefix_contains(&p, &a);
}

static void
test_contains(void)
{
	CHECK(contains("10.0.0.0/8", "10.255.1.2"));
	CHECK(!contains("10.0.0.0/8", "11.0.0.0"));
	CHECK(contains("0.0.0.0/0", "203.0.113.9"));
	CHECK(contains("192.0.2.1/24", "192.0.2.200"));	/* host bits ignored */
	CHECK(contains("192.0.2.0/25", "192.0.2.127"));
	CHECK(!contains("192.0.2.0/25", "192.0.2.128"));
	CHECK(contains("192.0.2.7/32", "192.0.2.7"));
	CHECK(!contains("192.0.2.7/32", "192.0.2.6"));
	CHECK(contains("10.16.0.0/12", "10.31.255.255"));
	CHECK(!contains("10.16.0.0/12", "10.32.0.0"));
	CHECK(contains("2001:db8::/32", "2001:db8:ffff::1"));
	CHECK(!contains("2001:db8::/32", "2001:db9::1"));
	CHECK(contains("2001:db8:1::/63", "2001:db8:1:1::5"));
	CHECK(!contains("2001:db8:1::/63", "2001:db8:1:2::5"));
	CHECK(contains("::/0", "2001:db8::1"));
	CHECK(contains("2001:db8::1/128", "2001:db8::1"));
	CHECK(!contains("2001:db8::1/128", "2001:db8::2"));
	/* families never mix */
	CHECK(!contains("0.0.0.0/0", "::1"));
	CHECK(!contains("::/0", "10.0.0.1"));
	CHECK(!gw_prefix_contains(NULL, NULL));
}

static void
test_error_format(void)
{
	struct gw_conf_error e;
	char buf[1200], small[16];

	memset(&e, 0, sizeof(e));
	strcpy(e.file, "gw.conf");
	e.line = 12;
	strcpy(e.statement, "interfaces ge-0/0/0 unit 0 family inet address");
	strcpy(e.reason, "invalid prefix '10.0.0/33'");
	gw_conf_error_format(&e, buf, sizeof(buf));
	CHECK(strcmp(buf, "gw.conf:12: interfaces ge-0/0/0 unit 0 family inet address: "
		      "invalid prefix '10.0.0/33'") == 0);
	if (strcmp(buf, "gw.conf:12: interfaces ge-0/0/0 unit 0 family inet address: "
		   "invalid prefix '10.0.0/33'") != 0)
		fprintf(stderr, "got '%s'\n", buf);

	/* truncation stays terminated */
	gw_conf_error_format(&e, small, sizeof(small));
	CHECK(strlen(small) == sizeof(small) - 1);
	CHECK(strncmp(small, "gw.conf:12: ", 12) == 0);

	/* no line, no statement: nothing empty printed for them */
	e.line = 0;
	e.statement[0] = '\0';
	strcpy(e.reason, "cannot open: No such file or directory");
	gw_conf_error_format(&e, buf, sizeof(buf));
	CHECK(strstr(buf, "gw.conf") == buf);
	CHECK(strstr(buf, ":0:") == NULL);
	CHECK(strstr(buf, ": :") == NULL);
	CHECK(strstr(buf, "cannot open") != NULL);
}

int
main(void)
{
	GW_RUN(test_ipaddr);
	GW_RUN(test_prefix);
	GW_RUN(test_contains);
	GW_RUN(test_error_format);
	return gw_test_result();
}
