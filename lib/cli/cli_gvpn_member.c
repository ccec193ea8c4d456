/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The group member's operational commands (lib/gm): `show security group-vpn member
 * ike|ipsec security-associations [detail]` and `request security group-vpn member
 * re-register [vpn NAME]`. The member's text comes from gm_member_show_*().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcli.h>

#include "cli_priv.h"
#include "gw_gm.h"

/* Print what show() wrote, line by line (pipes apply per line). */
static int
print_text(struct cli_def *cli, void (*show)(struct gm_member *, FILE *, bool), bool detail)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		cli_error(cli, "error: out of memory");
		return CLI_ERROR;
	}
	show(gm_member_current(), f, detail);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		cli_print(cli, "%s", line);
	free(buf);
	return CLI_OK;
}

static void
show_ike(struct gm_member *m, FILE *f, bool detail __attribute__((unused)))
{
	gm_member_show_ike(m, f);
}

int
cli_gvpn_ike_sa(struct cli_def *cli, const char *cmd __attribute__((unused)),
		char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	return print_text(cli, show_ike, false);
}

int
cli_gvpn_ipsec_sa(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv,
		  int argc)
{
	bool detail = false;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "detail") != 0) {
			cli_error(cli, "error: unknown argument '%s' (detail)", argv[i]);
			return CLI_ERROR;
		}
		detail = true;
	}
	return print_text(cli, gm_member_show_ipsec, detail);
}

int
cli_gvpn_reregister(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv,
		    int argc)
{
	struct gm_member *m = gm_member_current();
	const char *vpn = NULL;

	if (argc == 2 && strcmp(argv[0], "vpn") == 0) {
		vpn = argv[1];
	} else if (argc != 0) {
		cli_error(cli, "error: usage: request security group-vpn member re-register "
			  "[vpn NAME]");
		return CLI_ERROR;
	}
	if (m == NULL || gm_member_reregister(m, vpn) != 0) {
		cli_error(cli, "error: no group-vpn member vpn%s%s", vpn ? " " : "", vpn ? vpn : "");
		return CLI_ERROR;
	}
	cli_print(cli, "Re-registration started");
	return CLI_OK;
}
