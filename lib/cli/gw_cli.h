/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CLI_H
#define GW_CLI_H

/*
 * The Junos-like CLI over telnet (lib/cli/README.md has the scheme).
 *
 * A listener thread accepts connections; each session runs libcli's loop on
 * its own thread. Sessions never touch the planes: every table, counter and
 * commit is a request posted to the control thread's mailbox (lib/ctl) that
 * the session waits for. A commit is validated whole by the loader, applied
 * through `apply` (the SIGHUP reload path) and written to the file
 * atomically with rollback copies.
 */

#include <stdbool.h>

struct ctl_loop;
struct gw_dp;
struct gw_config;
struct cli_server;

/*
 * Control thread: make `conf` (validated by the loader) the running
 * configuration. On 0 the callee owns conf; on error the caller frees it.
 */
typedef int (*cli_apply_fn)(void *arg, struct gw_config *conf);

struct ike_daemon;

struct cli_params {
	struct ctl_loop *loop;		/* the control thread's loop */
	struct gw_dp *dp;
	struct gw_config **running;	/* control thread only */
	const char *conf_path;		/* the file commits write */
	cli_apply_fn apply;
	void *apply_arg;
	struct ike_daemon *const *ike;	/* *ike NULL: IKE not running (control thread) */
};

/*
 * Control thread: listen on the running configuration's `system services
 * telnet` address and port. NULL + errno when the socket cannot be opened.
 */
struct cli_server *cli_server_start(const struct cli_params *p);

/*
 * Control thread, after the loop stopped: close the listener and every
 * session (their pending requests are run or refused), free the server.
 */
void cli_server_stop(struct cli_server *s);

#endif /* GW_CLI_H */
