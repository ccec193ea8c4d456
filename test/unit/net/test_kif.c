/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel interface configuration, in a network namespace of our own
 * (unshare(CLONE_NEWNET): it disappears with the process). Needs root;
 * skipped (exit 77) otherwise.
 */

#include <sched.h>

#include "gw_test.h"
#include "net_test.h"
#include "gw_kif.h"

#define SKIP 77

static char out[16384];

static const char *
show(void)
{
	FILE *p = popen("ip -j addr show dev utkif0 2>&1", "r");
	size_t n = 0;

	if (p != NULL) {
		n = fread(out, 1, sizeof(out) - 1, p);
		pclose(p);
	}
	out[n] = '\0';
	return out;
}

static void
test_configure(void)
{
	struct gw_prefix addrs[3] = {
		net_test_prefix("192.0.2.1/24"),
		net_test_prefix("2001:db8::1/64"),
		net_test_prefix("10.9.9.9/32"),
	};
	struct gw_kif_params itf = { .mtu = 1400, .up = true, .has_mac = true,
				     .mac = {{ 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 }},
				     .nb_addrs = 3, .addrs = addrs };

	CHECK_EQ(gw_kif_configure("utkif0", &itf), 0);
	show();
	CHECK(strstr(out, "\"mtu\":1400") != NULL);
	CHECK(strstr(out, "\"address\":\"02:00:5e:10:20:30\"") != NULL);
	CHECK(strstr(out, "\"local\":\"192.0.2.1\",\"prefixlen\":24") != NULL);
	CHECK(strstr(out, "\"local\":\"2001:db8::1\",\"prefixlen\":64") != NULL);
	CHECK(strstr(out, "\"local\":\"10.9.9.9\",\"prefixlen\":32") != NULL);
	CHECK(strstr(out, "\"UP\"") != NULL);

	/* again, idempotent; then change: one address gone, one new, MTU, down */
	CHECK_EQ(gw_kif_configure("utkif0", &itf), 0);
	addrs[0] = net_test_prefix("198.51.100.1/25");
	itf.nb_addrs = 2;
	itf.mtu = 1500;
	itf.up = false;
	CHECK_EQ(gw_kif_configure("utkif0", &itf), 0);
	show();
	CHECK(strstr(out, "192.0.2.1") == NULL);
	CHECK(strstr(out, "10.9.9.9") == NULL);
	CHECK(strstr(out, "\"local\":\"198.51.100.1\",\"prefixlen\":25") != NULL);
	CHECK(strstr(out, "\"local\":\"2001:db8::1\",\"prefixlen\":64") != NULL);
	CHECK(strstr(out, "\"mtu\":1500") != NULL);
	CHECK(strstr(out, "\"UP\"") == NULL);
	CHECK_EQ(gw_kif_set_up("utkif0", true), 0);
	CHECK(strstr(show(), "\"UP\"") != NULL);

	CHECK_EQ(gw_kif_configure("utkif-none", &itf), -ENODEV);
	itf.mtu = 40;	/* below the minimum the kernel accepts */
	CHECK(gw_kif_configure("utkif0", &itf) < 0);
}

int
main(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		printf("SKIP: needs root to create a network namespace\n");
		return SKIP;
	}
	/* no dummy module on these kernels: a TAP, like the exception path uses */
	if (system("ip tuntap add dev utkif0 mode tap 2>/dev/null") != 0 &&
	    system("ip link add utkif0 type veth peer name utkif1") != 0) {
		printf("SKIP: cannot create a dummy interface\n");
		return SKIP;
	}
	GW_RUN(test_configure);
	return gw_test_result();
}
