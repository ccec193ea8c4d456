/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKEv2 operational commands (lib/ike): `show security ike
 * security-associations [index N] [detail]`, the IKE-negotiated tunnels of
 * `show security ipsec security-associations`, and `clear security ike
 * security-associations [index N]`, `show security ike statistics`. They run
 * on the control thread, which owns the IKE daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw_ike.h"
#include "cli_priv.h"

static struct ike_daemon *
ike_of(const struct cli_server *s)
{
	return s->p.ike != NULL ? *s->p.ike : NULL;
}

static uint32_t
index_arg(const char *arg)
{
	const char *p = strstr(arg, "index ");

	return p != NULL ? (uint32_t)strtoul(p + 6, NULL, 10) : 0;
}

int
cli_ike_show_sa(struct cli_server *s, const char *arg, FILE *out)
{
	if (ike_of(s) == NULL) {	/* no ike gateway (or UDP 500/4500 busy): empty */
		ike_show_header(out);
		return 0;
	}
	ike_show_ike_sas(ike_of(s), out, strstr(arg, "detail") != NULL, index_arg(arg));
	return 0;
}

int
cli_ike_show_ipsec(struct cli_server *s, const char *arg, FILE *out)
{
	(void)arg;
	if (ike_of(s) != NULL) {
		fprintf(out, "\n  IKE-negotiated tunnels:\n");
		ike_show_ipsec_sas(ike_of(s), out);
	}
	return 0;
}

/* `show security ike statistics`: every counter of the IKE daemon, named. */
int
cli_ike_stats(struct cli_server *s, const char *arg, FILE *out)
{
	struct ike_counters c;

	(void)arg;
	if (ike_of(s) == NULL) {
		fprintf(out, "IKE is not running (no ike gateway configured, or UDP 500/4500 "
			"busy)\n");
		return 0;
	}
	ike_daemon_counters(ike_of(s), &c);
#define IKE_CTR_PRINT(n, h) fprintf(out, "  %-18s %12llu  %s\n", #n, \
				    (unsigned long long)c.n, h);
	IKE_COUNTERS(IKE_CTR_PRINT)
#undef IKE_CTR_PRINT
	return 0;
}

int
cli_ike_clear_sa(struct cli_server *s, const char *arg, FILE *out)
{
	unsigned int n = ike_of(s) != NULL ? ike_clear_sas(ike_of(s), index_arg(arg)) : 0;

	fprintf(out, "%u IKE security association%s cleared\n", n, n == 1 ? "" : "s");
	return 0;
}
