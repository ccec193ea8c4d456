/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CLI_PRIV_H
#define CLI_PRIV_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#include <libconfig.h>

#include "gw_cli.h"

struct gw_conf_stmt;

struct cli_def;
struct cli_session;

#define CLI_LOCK_SLOTS 64		/* sources remembered for the lockout */
#define CLI_LOCK_FAILURES 5		/* failures in a row that lock a source out */
#define CLI_LOCK_SECONDS 60
#define CLI_FAIL_DELAY_MS 1500		/* answer to a wrong password */
#define CLI_CALL_TIMEOUT_S 30		/* a control-thread request not run by then fails */
#define CLI_ROLLBACKS 50		/* rollback 0..49 */
#define CLI_MAX_EDIT 32			/* words of an `edit` path */

struct cli_lock_slot {
	struct sockaddr_storage src;	/* address only, port zero */
	unsigned int failures;
	time_t until;			/* locked out until */
};

/* The shared candidate configuration (Junos: one candidate, sessions share it). */
struct cli_candidate {
	pthread_mutex_t mu;
	config_t cfg;
	bool loaded;			/* cfg holds the candidate */
	bool changed;			/* differs from what it was loaded from */
	struct cli_session *exclusive;	/* `configure exclusive` holder */
};

struct cli_server {
	struct cli_params p;
	int listen_fd;
	pthread_t listener;
	atomic_bool stopping;
	pthread_mutex_t mu;		/* sessions, lock slots */
	unsigned int session_limit;
	unsigned int nb_sessions;
	struct cli_session *sessions;
	struct cli_lock_slot locks[CLI_LOCK_SLOTS];
	time_t started;
	struct cli_candidate cand;
	/* commit confirmed: control thread only */
	void *confirm;			/* struct cli_confirm *, NULL when none pending */
	/* clear security ipsec statistics baselines: control thread only */
	void *sa_base;
	unsigned int nb_sa_base;
	time_t last_commit;		/* control thread */
	char last_commit_user[32];
};

struct cli_session {
	struct cli_server *srv;
	struct cli_session *next;
	int fd;
	pthread_t thread;
	struct sockaddr_storage peer;
	char peer_str[96];
	char user[32];
	bool super_user;
	bool logged_in;
	bool configuring;
	char *edit[CLI_MAX_EDIT];	/* `edit` path, words */
	unsigned int edit_len;
	bool display_set;		/* `| display set` seen on this command */
	struct cli_def *cli;
};

/* ---- cli_call.c: run a function on the control thread and wait ---- */

#define CLI_ARG_LEN 512

/*
 * Runs on the control thread with a copy of the caller's argument; prints
 * its answer to `out`. Returns 0 or -errno (given back to the caller).
 */
typedef int (*cli_ctl_fn)(struct cli_server *s, const char *arg, FILE *out);

/*
 * Session thread: run fn(arg) on the control thread and wait. *out (may be
 * NULL) receives the printed text (free it). `text` (may be NULL) is handed
 * over too and read as arg when arg is NULL (large: a candidate). 0, the
 * function's error, -ENOBUFS (mailbox full), -ETIMEDOUT.
 */
int cli_call(struct cli_server *s, cli_ctl_fn fn, const char *arg, char **out);

/* Print a text line by line through libcli (filters apply). */
void cli_print_text(struct cli_def *cli, const char *text);

/* Session thread: call fn and print what it answered, or the error. */
int cli_call_print(struct cli_def *cli, cli_ctl_fn fn, const char *arg);

/* ---- cli_auth.c ---- */
int cli_auth_locked(struct cli_server *s, const struct sockaddr_storage *src);
void cli_auth_setup(struct cli_def *cli, struct cli_session *ss);

/* ---- cli_op.c: operational commands ---- */
void cli_op_register(struct cli_def *cli);
/* ---- cli_dp.c: the control-thread side of the show commands ---- */
int cli_dp_version(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_uptime(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_interfaces(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_monitor(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_route(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_arp(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_ndp(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_ipsec_sa(struct cli_server *s, const char *arg, FILE *out);
/* cli_ike.c: IKEv2 SAs (lib/ike) */
int cli_ike_show_sa(struct cli_server *s, const char *arg, FILE *out);
int cli_ike_show_ipsec(struct cli_server *s, const char *arg, FILE *out);
int cli_ike_clear_sa(struct cli_server *s, const char *arg, FILE *out);
int cli_ike_stats(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_ipsec_stats(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_ipsec_clear(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_log(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_user(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_active_text(struct cli_server *s, const char *arg, FILE *out);
int cli_dp_host_name(struct cli_server *s, const char *arg, FILE *out);

/* ---- cli_pipe.c ---- */
void cli_pipe_register(struct cli_def *cli);
bool cli_pipe_display_set(struct cli_def *cli);

/* ---- cli_cand.c: the candidate as a libconfig tree walked with the schema ---- */
struct cli_words {
	char **w;
	unsigned int n;
};
int cli_cand_set(config_t *cfg, const struct cli_words *path, char *err, size_t len);
int cli_cand_delete(config_t *cfg, const struct cli_words *path, char *err, size_t len);
int cli_cand_check_path(const struct cli_words *path, bool container_only, char *err,
			size_t len);
/* Print the part under path: curly braces, or `set` lines. */
void cli_cand_show(const config_t *cfg, const struct cli_words *path, bool set_form,
		   bool secrets, FILE *out);
/* cfg as libconfig text (the loader's input). NULL on failure. */
char *cli_cand_text(const config_t *cfg);

const struct gw_conf_stmt *cli_schema_child(const struct gw_conf_stmt *parent, const char *name);

/* ---- cli_config.c: configuration mode ---- */
void cli_config_register(struct cli_def *cli);
void cli_config_leave(struct cli_session *ss);
int cli_config_show_active(struct cli_def *cli, const struct cli_words *path, bool set_form);

/* ---- cli_commit.c ---- */
int cli_commit_run(struct cli_server *s, const char *arg, FILE *out);
int cli_commit_history(struct cli_server *s, const char *arg, FILE *out);
int cli_commit_rollback_text(struct cli_server *s, const char *arg, FILE *out);
void cli_commit_stop(struct cli_server *s);

/* The session of the calling thread (libcli's auth callback has no context). */
struct cli_session *cli_session_self(void);

#endif /* CLI_PRIV_H */
