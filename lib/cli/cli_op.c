/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Operational mode: the `show`, `clear`, `monitor` and `ping` commands. Each
 * is a libcli command (so '?' and TAB list them with their help); the
 * callback joins its arguments and has the control thread answer
 * (cli_dp.c), then prints the text through libcli's filters (pipes).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libcli.h>

#include "gw_conf.h"
#include "cli_priv.h"

extern char **environ;

#define MONITOR_ROUNDS 3600		/* one an second, at most an hour */

static void
join_args(char *buf, size_t len, char **argv, int argc)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", argv[i]);
}

/* Every show command: its control-thread function is the command's context. */
#define OP_CMD(fn_name, ctl_fn)							\
static int									\
fn_name(struct cli_def *cli, const char *cmd __attribute__((unused)),		\
	char **argv, int argc)							\
{										\
	char arg[CLI_ARG_LEN];							\
										\
	join_args(arg, sizeof(arg), argv, argc);				\
	return cli_call_print(cli, ctl_fn, arg);				\
}

OP_CMD(cmd_version, cli_dp_version)
OP_CMD(cmd_uptime, cli_dp_uptime)
OP_CMD(cmd_interfaces, cli_dp_interfaces)
OP_CMD(cmd_route, cli_dp_route)
OP_CMD(cmd_arp, cli_dp_arp)
OP_CMD(cmd_ndp, cli_dp_ndp)
OP_CMD(cmd_ipsec_sa, cli_dp_ipsec_sa)
OP_CMD(cmd_ipsec_stats, cli_dp_ipsec_stats)
OP_CMD(cmd_ipsec_clear, cli_dp_ipsec_clear)
OP_CMD(cmd_log, cli_dp_log)
OP_CMD(cmd_commits, cli_commit_history)

OP_CMD(cmd_ike_sa, cli_ike_show_sa)
OP_CMD(cmd_ike_clear, cli_ike_clear_sa)
OP_CMD(cmd_ike_stats, cli_ike_stats)

/* GDOI has no SAs yet: its tables print empty, laid out. */
static int
cmd_gvpn_ipsec_sa(struct cli_def *cli, const char *cmd __attribute__((unused)),
		  char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	cli_print(cli, "  Total active tunnels: 0");
	cli_print(cli, "  ID    Server          Port  Algorithm       SPI         Life:sec/kb  "
		  "GW");
	return CLI_OK;
}

static int
cmd_gvpn_ike_sa(struct cli_def *cli, const char *cmd __attribute__((unused)),
		char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	cli_print(cli, "Index   State  Initiator cookie  Responder cookie  Mode           "
		  "Remote Address");
	return CLI_OK;
}

static int
cmd_show_configuration(struct cli_def *cli, const char *cmd __attribute__((unused)),
		       char **argv, int argc)
{
	struct cli_words path = { .w = argv, .n = (unsigned int)argc };

	return cli_config_show_active(cli, &path, cli_pipe_display_set(cli));
}

/* Live counters, refreshed every second until a key is pressed. */
static int
cmd_monitor(struct cli_def *cli, const char *cmd __attribute__((unused)),
	    char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	struct cli_session *ss = cli_session_self();
	struct pollfd pfd = { .fd = ss->fd, .events = POLLIN };
	char *out = NULL, junk[64];

	for (int round = 0; round < MONITOR_ROUNDS; round++) {
		if (cli_call(ss->srv, cli_dp_monitor, NULL, &out) != 0)
			break;
		cli_bufprint(cli, "\033[H\033[2J");
		cli_print_text(cli, out);
		cli_print(cli, "(press any key to stop)");
		free(out);
		out = NULL;
		if (poll(&pfd, 1, 1000) != 0) {
			ssize_t n = read(ss->fd, junk, sizeof(junk));

			(void)n;
			break;
		}
	}
	return CLI_OK;
}

/*
 * ping HOST [count N]: the kernel's ping, through the exception TAPs (which
 * carry the interfaces' addresses when `exception "tap"`). Spawned without a
 * shell, with an address the loader's parser accepted: nothing of the line
 * reaches a shell.
 */
static int
cmd_ping(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv, int argc)
{
	posix_spawn_file_actions_t fa;
	struct gw_ipaddr addr;
	char count[8] = "5", line[512];
	int pfd[2], status;
	FILE *f;
	pid_t pid;

	if (argc < 1 || gw_ipaddr_parse(argv[0], &addr) != 0) {
		cli_print(cli, "error: ping ADDRESS [count 1..100]");
		return CLI_OK;
	}
	if (argc >= 3 && strcmp(argv[1], "count") == 0) {
		unsigned long n = strtoul(argv[2], NULL, 10);

		if (n < 1 || n > 100) {
			cli_print(cli, "error: count 1..100");
			return CLI_OK;
		}
		snprintf(count, sizeof(count), "%lu", n);
	}
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return CLI_ERROR;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	char *args[] = { "ping", "-n", "-c", count, "-W", "1", argv[0], NULL };

	if (posix_spawnp(&pid, "ping", &fa, NULL, args, environ) != 0) {
		cli_print(cli, "error: cannot run ping");
		pid = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		cli_print(cli, "%s", line);
	}
	if (f != NULL)
		fclose(f);
	else
		close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return CLI_OK;
}

void
cli_op_register(struct cli_def *cli)
{
	struct cli_command *show, *sys, *ipv6, *sec, *ipsec, *ike, *gvpn, *member, *mipsec, *mike;
	struct cli_command *clear, *csec, *cipsec, *cike, *mon, *mif;
	const int P = PRIVILEGE_UNPRIVILEGED, M = MODE_EXEC;

	cli_unregister_command(cli, "enable");
	cli_unregister_command(cli, "disable");
	cli_unregister_command(cli, "configure");
	show = cli_register_command(cli, NULL, "show", NULL, P, M, "Show information");
	cli_register_command(cli, show, "version", cmd_version, P, M, "Software version");
	sys = cli_register_command(cli, show, "system", NULL, P, M, "System information");
	cli_register_command(cli, sys, "uptime", cmd_uptime, P, M, "Time since start and commit");
	cli_register_command(cli, sys, "commit", cmd_commits, P, M, "Commit history");
	cli_register_command(cli, show, "interfaces", cmd_interfaces, P, M,
			     "Interfaces [NAME] [terse|extensive]");
	cli_register_command(cli, show, "route", cmd_route, P, M, "Routing table [PREFIX]");
	cli_register_command(cli, show, "arp", cmd_arp, P, M, "IPv4 neighbours");
	ipv6 = cli_register_command(cli, show, "ipv6", NULL, P, M, "IPv6 information");
	cli_register_command(cli, ipv6, "neighbors", cmd_ndp, P, M, "IPv6 neighbours");
	sec = cli_register_command(cli, show, "security", NULL, P, M, "Security information");
	ipsec = cli_register_command(cli, sec, "ipsec", NULL, P, M, "IPsec");
	cli_register_command(cli, ipsec, "security-associations", cmd_ipsec_sa, P, M,
			     "IPsec SAs [index N] [detail]");
	cli_register_command(cli, ipsec, "statistics", cmd_ipsec_stats, P, M,
			     "IPsec counters [index N]");
	ike = cli_register_command(cli, sec, "ike", NULL, P, M, "IKE");
	cli_register_command(cli, ike, "security-associations", cmd_ike_sa, P, M,
			     "IKE SAs [index N] [detail]");
	cli_register_command(cli, ike, "statistics", cmd_ike_stats, P, M,
			     "IKE counters: messages, and every reason one was refused");
	gvpn = cli_register_command(cli, sec, "group-vpn", NULL, P, M, "Group VPN");
	member = cli_register_command(cli, gvpn, "member", NULL, P, M, "Group member");
	mipsec = cli_register_command(cli, member, "ipsec", NULL, P, M, "Group IPsec");
	cli_register_command(cli, mipsec, "security-associations", cmd_gvpn_ipsec_sa, P, M,
			     "Group IPsec SAs [detail]");
	mike = cli_register_command(cli, member, "ike", NULL, P, M, "Group IKE (GDOI)");
	cli_register_command(cli, mike, "security-associations", cmd_gvpn_ike_sa, P, M,
			     "GDOI registration SAs");
	cli_register_command(cli, show, "configuration", cmd_show_configuration, P, M,
			     "Active configuration [PATH]");
	cli_register_command(cli, show, "log", cmd_log, P, M, "Recent log messages");
	clear = cli_register_command(cli, NULL, "clear", NULL, P, M, "Clear information");
	csec = cli_register_command(cli, clear, "security", NULL, P, M, "Security");
	cipsec = cli_register_command(cli, csec, "ipsec", NULL, P, M, "IPsec");
	cli_register_command(cli, cipsec, "statistics", cmd_ipsec_clear, P, M,
			     "Zero IPsec counters [index N]");
	cike = cli_register_command(cli, csec, "ike", NULL, P, M, "IKE");
	cli_register_command(cli, cike, "security-associations", cmd_ike_clear, P, M,
			     "Delete IKE SAs and their tunnels [index N]");
	mon = cli_register_command(cli, NULL, "monitor", NULL, P, M, "Live information");
	mif = cli_register_command(cli, mon, "interface", NULL, P, M, "Interfaces");
	cli_register_command(cli, mif, "traffic", cmd_monitor, P, M, "Live interface counters");
	cli_register_command(cli, NULL, "ping", cmd_ping, P, M,
			     "Ping an address from the appliance [count N]");
}
