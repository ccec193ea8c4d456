/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gdoigw: gdoigw [EAL args] -- [app args]
 *
 * Loads and validates the configuration before EAL starts (so --check needs
 * no DPDK and a bad file never half-starts the appliance), adds the devices it
 * names to the EAL arguments, then runs the control loop (lib/ctl) on the main
 * lcore while the workers poll. Threads: the workers (EAL lcores), the control
 * thread (main lcore: signals, reload, timers), the exception thread (TAP <->
 * port, lib/dp/dp_control.c) and the control loop's helper thread.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "gw_build.h"
#include "gw_cli.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_dp.h"
#include "gw_dp_acquire.h"
#include "gks.h"
#include "gks_conf.h"
#include "gw_gm.h"
#include "gw_ike.h"
#include "gw_log.h"
#include "gw_stats.h"
#include "eal_args.h"
#include "diag_load.h"

struct app_args {
	const char *conf_path;
	bool check_only;
	unsigned int exit_when_idle_ms;	/* 0 = run until a signal */
	const char *stats_file;
};

#define IDLE_CHECK_MS 10	/* summing every lcore's counters is not free */

/*
 * The signals gdoigw handles. Blocked in every thread from main()'s first
 * line (threads inherit the mask, EAL's included), so none can kill the
 * process before the planes run; the control loop reads them from a signalfd
 * once they do: a SIGHUP sent during start-up becomes one reload then, a
 * SIGTERM a clean exit.
 */
static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };

static void
block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < RTE_DIM(handled_signals); i++)
		sigaddset(&set, handled_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL args] -- [options]\n"
		"       %s [options]            (embedded EAL default: no hugepages, no PCI)\n"
		"options:\n"
		"  -c, --config FILE        configuration (default %s)\n"
		"      --check              validate the configuration and exit (0 valid, 1 not)\n"
		"      --exit-when-idle MS  exit once no packet arrived for MS milliseconds\n"
		"      --stats-file FILE    write the counters as JSON on exit\n"
		"  -h, --help               this text\n"
		"  -v, --version            print the version\n", prog, prog, GW_DEFAULT_CONF);
}

/* Returns 0 to continue, 1 to exit 0 (help/version), -1 to exit 1. */
static int
parse_app_args(int argc, char **argv, struct app_args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "exit-when-idle", required_argument, NULL, 'i' },
		{ "stats-file", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long ms;
	char *end;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:hv", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			a->conf_path = optarg;
			break;
		case 'k':
			a->check_only = true;
			break;
		case 'i':
			/* strtoul() takes "-1" and an unsigned int would wrap: check first */
			errno = 0;
			ms = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] < '0' || optarg[0] > '9' ||
			    ms == 0 || ms > UINT_MAX) {
				fprintf(stderr, "gdoigw: --exit-when-idle: '%s' is not a "
					"positive number of milliseconds\n", optarg);
				return -1;
			}
			a->exit_when_idle_ms = (unsigned int)ms;
			break;
		case 's':
			a->stats_file = optarg;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		case 'v':
			printf("gdoigw %s\n", GW_VERSION);
			return 1;
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gdoigw: unexpected argument '%s'\n", argv[optind]);
		usage(stderr, argv[0]);
		return -1;
	}
	return 0;
}

/* The configuration, or NULL and why ("file:line: statement: reason") in `why`. */
static struct gw_config *
load_config(const char *path, char *why, size_t len)
{
	struct gw_conf_error err;
	struct gw_config *conf;
	char msg[512];

	conf = gw_conf_load(path, &err);
	if (conf == NULL) {
		gw_conf_error_format(&err, why, len);
		return NULL;
	}
	/* A valid file may still name a crypto code path this CPU cannot run. */
	if (gw_crypto_arch_check(conf->dataplane.crypto_arch, msg, sizeof(msg)) != 0) {
		snprintf(why, len, "%s: system dataplane crypto-arch: \"%s\" needs CPU features "
			 "this CPU lacks: %s", path, gw_crypto_arch_name(conf->dataplane.crypto_arch),
			 msg);
		gw_conf_free(conf);
		return NULL;
	}
	return conf;
}

struct control;
static int apply_config(void *arg, struct gw_config *conf);
static void ike_follow(struct control *c, const struct gw_config *conf);

/* SIGHUP: load the file again; apply it only if it validates as a whole. */
static void
reload(struct control *c, const char *path)
{
	char why[1200];
	struct gw_config *conf = load_config(path, why, sizeof(why));

	if (conf == NULL) {
		GW_LOG(general, ERR, "reload of %s refused; the running configuration stays: %s",
		       path, why);
		return;
	}
	if (apply_config(c, conf) != 0)
		gw_conf_free(conf);
}

struct control {
	struct gw_dp *dp;
	const struct app_args *a;
	struct gw_config **conf;
	struct ctl_helper *helper;
	struct gm_member *gm;		/* GDOI group member (lib/gm) */
	struct ike_daemon *ike;		/* IKEv2 (lib/ike); NULL without ike gateways */
	struct ctl_loop *loop;
	struct ctl_timer idle_timer;
	uint64_t last_rx_total, last_rx_change;
	struct diag_load load;
};

/* A start-up that failed after EAL: undo it all (ASan's leak check runs on this path). */
static int
start_failed(struct gw_dp *dp, bool launched, struct eal_argv *eal, struct gw_config *conf)
{
	if (dp != NULL) {
		if (launched)
			gw_dp_stop(dp);
		gw_dp_fini(dp);
		free(dp);
	}
	rte_eal_cleanup();
	eal_args_free(eal);
	gw_conf_free(conf);
	return 1;
}

/*
 * IKEv2 runs once the configuration has an ike gateway (its sockets, UDP 500
 * and 4500, are opened only then); a busy port is logged and forwarding runs.
 */
/* The data plane's acquires (on-traffic vpns without an SA) go to the IKE daemon. */
static void
ike_acquire(const char *slot, void *arg)
{
	struct control *c = arg;

	if (c->ike != NULL)
		ike_daemon_acquire(c->ike, slot);
}

static void
ike_follow(struct control *c, const struct gw_config *conf)
{
	if (c->ike == NULL && conf->ike.nb_gateways != 0) {
		c->ike = ike_daemon_create(&(struct ike_daemon_params){ .loop = c->loop,
			.install = &c->dp->install, .helper = c->helper });
		if (c->ike != NULL && gw_dp_acquire_set(c->dp, ike_acquire, c) != 0)
			GW_LOG(general, ERR, "on-traffic acquires not available");
	}
	if (c->ike != NULL)
		ike_daemon_configure(c->ike, conf);
}

/* A validated configuration made the running one: SIGHUP and the CLI's commit. */
static int
apply_config(void *arg, struct gw_config *conf)
{
	struct control *c = arg;
	int rc = gw_dp_reload(c->dp, conf);

	if (rc != 0)
		return rc;
	if (c->gm != NULL && gm_member_apply(c->gm, conf) != 0)
		GW_LOG(general, ERR, "group-vpn member configuration not applied");
	/* the key server keeps the groups it started with (lib/gks/README.md) */
	if (memcmp(&(*c->conf)->gvpn_server, &conf->gvpn_server, sizeof(conf->gvpn_server)) != 0)
		GW_LOG(general, NOTICE, "security group-vpn server changed: the change takes "
		       "effect at the next start");
	ike_follow(c, conf);
	gw_conf_free(*c->conf);
	*c->conf = conf;
	return 0;
}

static void
on_signal(struct ctl_loop *l, int sig, void *arg)
{
	struct control *c = arg;
	int rc;

	switch (sig) {
	case SIGHUP:
		reload(c, c->a->conf_path);
		break;
	case SIGUSR1:
		rc = diag_load_start(&c->load, c->helper, l);
		if (rc != 0)
			GW_LOG(general, WARNING, "SIGUSR1: helper load not started: %s",
			       strerror(-rc));
		break;
	default:
		GW_LOG(general, NOTICE, "%s: stopping", strsignal(sig));
		ctl_loop_stop(l);
	}
}

/* Registration of a group waits for its interface (lib/gm). */
static bool
port_up(void *arg, const char *ifname)
{
	const struct gw_dp *dp = arg;

	for (unsigned int i = 0; i < dp->nb_ports; i++)
		if (strcmp(dp->ports[i].name, ifname) == 0)
			return dp->ports[i].up;
	return false;
}

/* --exit-when-idle: stop once the RX counters did not move for that long. */
static void
idle_tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct control *c = arg;
	uint64_t rx_total = gw_dp_rx_total(c->dp), now = ctl_now_ms();

	if (rx_total != c->last_rx_total) {
		c->last_rx_total = rx_total;
		c->last_rx_change = now;
	} else if (now - c->last_rx_change > c->a->exit_when_idle_ms) {
		GW_LOG(general, INFO, "idle for %u ms, exiting", c->a->exit_when_idle_ms);
		ctl_loop_stop(l);
		return;
	}
	ctl_timer_arm(l, t, IDLE_CHECK_MS);
}

/*
 * The GDOI key server (security group-vpn server) on the control loop; its
 * groups are those of the configuration at start-up (a reload keeps them).
 */
static int
start_key_server(struct ctl_loop *loop, struct ctl_helper *helper, const struct gw_config *conf,
		 struct gks_server **out)
{
	static struct gks_params p;	/* large: off the stack */
	char why[512] = "";

	gks_params_from_conf(conf, &p);
	p.helper = helper;		/* Main Mode DH off the loop thread */
	*out = gks_server_create(loop, &p, true, why, sizeof(why));
	explicit_bzero(&p, sizeof(p));
	if (*out == NULL) {
		fprintf(stderr, "gdoigw: group-vpn server: %s\n", why);
		GW_LOG(general, ERR, "group-vpn server: %s", why);
		return -EINVAL;
	}
	return 0;
}

/*
 * The control thread: an event loop (lib/ctl) with the signals, the periodic
 * data-plane work on timers and a helper thread for public-key work; the
 * exception path runs on its own thread (gw_dp_control_start). 0 or -errno
 * when it could not be set up.
 */
static int
run_control_loop(struct gw_dp *dp, const struct app_args *a, struct gw_config **conf)
{
	struct control c = { .dp = dp, .a = a, .conf = conf, .last_rx_change = ctl_now_ms() };
	struct ctl_loop *loop = ctl_loop_create(NULL);
	struct cli_server *cli = NULL;
	struct gks_server *gks = NULL;
	int rc = 0;

	if (loop == NULL)
		return -errno;
	for (size_t i = 0; i < RTE_DIM(handled_signals) && rc == 0; i++)
		rc = ctl_signal_add(loop, handled_signals[i], on_signal, &c);
	if (rc == 0) {
		c.helper = ctl_helper_create(loop, &(struct ctl_helper_params){ .name = "gw-helper" });
		if (c.helper == NULL)
			rc = -errno;
	}
	if (rc == 0)
		rc = gw_dp_control_start(dp, loop);
	if (rc == 0) {
		c.gm = gm_member_create(&(struct gm_member_params){ .loop = loop,
			.install = dp->install, .if_up = port_up, .if_up_arg = dp,
			.helper = c.helper });
		if (c.gm == NULL)
			rc = -errno;
		else
			rc = gm_member_apply(c.gm, *conf);
	}
	if (rc == 0 && a->exit_when_idle_ms != 0) {
		ctl_timer_init(&c.idle_timer, idle_tick, &c);
		rc = ctl_timer_arm(loop, &c.idle_timer, IDLE_CHECK_MS);
	}
	if (rc == 0 && (*conf)->gvpn_server.nb_groups != 0)
		rc = start_key_server(loop, c.helper, *conf, &gks);
	if (rc == 0) {
		c.loop = loop;
		ike_follow(&c, *conf);
		/* the CLI is optional: a busy port is logged, the appliance runs */
		cli = cli_server_start(&(struct cli_params){ .loop = loop, .dp = dp,
			.running = conf, .conf_path = a->conf_path, .apply = apply_config,
			.apply_arg = &c, .gks = gks, .ike = &c.ike });
		rc = ctl_loop_run(loop);
	}
	cli_server_stop(cli);
	gks_server_free(gks);		/* its deletes go out before the sockets close */
	gm_member_free(c.gm);
	ike_daemon_free(c.ike);
	c.ike = NULL;			/* acquires still drained go nowhere */
	ctl_helper_free(c.helper);
	gw_dp_control_stop(dp);
	ctl_loop_free(loop);
	return rc;
}

int
main(int argc, char **argv)
{
	struct app_args a = { .conf_path = NULL };
	struct gw_stats_snapshot snap;
	struct gw_config *conf;
	struct eal_argv eal;
	struct gw_dp *dp;
	int app_argc, eal_given, rc;
	char **app_argv;
	char why[1200];

	block_signals();	/* first: before any thread exists (defect: SIGHUP at start-up) */
	eal_given = eal_args_split(argc, argv, &app_argc, &app_argv);
	rc = parse_app_args(app_argc, app_argv, &a);
	if (rc != 0)
		return rc > 0 ? 0 : 1;
	/* Run from the tree: config/default.conf; from elsewhere: the source tree's. */
	if (a.conf_path == NULL)
		a.conf_path = access(GW_DEFAULT_CONF, R_OK) == 0 ? GW_DEFAULT_CONF :
			GW_SOURCE_ROOT "/" GW_DEFAULT_CONF;

	conf = load_config(a.conf_path, why, sizeof(why));
	if (conf == NULL) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	if (a.check_only) {
		printf("%s: configuration OK\n", a.conf_path);
		gw_conf_free(conf);
		return 0;
	}

	if (eal_args_build(&eal, argv[0], eal_given, argv + 1, conf) != 0) {
		fprintf(stderr, "gdoigw: cannot build EAL arguments: %s\n", strerror(errno));
		gw_conf_free(conf);
		return 1;
	}
	rc = rte_eal_init(eal.argc, eal.argv);
	if (rc < 0) {
		fprintf(stderr, "gdoigw: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		eal_args_free(&eal);
		gw_conf_free(conf);
		return 1;
	}
	rc = gw_log_apply(conf->trace.flags, conf->trace.level,
			  conf->trace.file[0] != '\0' ? conf->trace.file : NULL);
	if (rc != 0)
		fprintf(stderr, "gdoigw: traceoptions file '%s': %s (logging to stderr)\n",
			conf->trace.file, strerror(-rc));

	dp = calloc(1, sizeof(*dp));
	if (dp == NULL) {
		fprintf(stderr, "gdoigw: out of memory\n");
		return start_failed(NULL, false, &eal, conf);
	}
	rc = gw_dp_init(dp, conf);
	if (rc != 0) {
		fprintf(stderr, "gdoigw: data plane initialisation failed: %s\n",
			strerror(-rc));
		return start_failed(dp, false, &eal, conf);
	}
	gw_stats_telemetry_init(dp->nb_ports, gw_dp_port_name);
	rc = gw_dp_launch(dp);
	if (rc != 0) {
		fprintf(stderr, "gdoigw: cannot start the workers: %s\n", strerror(-rc));
		return start_failed(dp, true, &eal, conf);
	}
	GW_LOG(general, NOTICE, "gdoigw %s running: %u interfaces, %u workers, %s layout",
	       GW_VERSION, dp->nb_ports, dp->nb_workers,
	       dp->layout == GW_LAYOUT_PIPELINE ? "pipeline" : "run-to-completion");

	rc = run_control_loop(dp, &a, &conf);
	if (rc != 0)
		fprintf(stderr, "gdoigw: control loop: %s\n", strerror(-rc));

	gw_dp_stop(dp);
	gw_stats_snapshot(&snap, dp->nb_ports);
	printf("gdoigw: stopped; counters:\n");
	gw_stats_print(stdout, &snap, gw_dp_port_name);
	fflush(stdout);
	if (a.stats_file != NULL && gw_dp_stats_write_json(dp, a.stats_file) != 0)
		fprintf(stderr, "gdoigw: cannot write %s: %s\n", a.stats_file, strerror(errno));
	gw_dp_fini(dp);
	free(dp);
	rte_eal_cleanup();
	eal_args_free(&eal);
	gw_conf_free(conf);
	return rc != 0 ? 1 : 0;
}
