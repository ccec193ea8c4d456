/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration mode: configure [exclusive], set, delete, edit, up, top,
 * exit, show, compare, commit [check | confirmed N | comment "..."],
 * rollback N. The schema is registered as libcli commands under set, delete,
 * edit and show, so '?' and TAB offer the statements with their help (from
 * the same rows the loader validates with). The candidate is shared by the
 * sessions (cli_priv.h: struct cli_candidate) and loaded from the running
 * configuration on first use and after each commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libcli.h>

#include "conf_schema.h"
#include "cli_priv.h"

#define P PRIVILEGE_UNPRIVILEGED
#define M MODE_CONFIG

static int cmd_show(struct cli_def *cli, const char *cmd, char **argv, int argc);
static int cmd_edit(struct cli_def *cli, const char *cmd, char **argv, int argc);
static void sync_entries(struct cli_def *cli, const config_t *cfg);

/* Caller holds cand->mu. Load the candidate from the running configuration. */
static int
cand_load(struct cli_server *s, char *err, size_t len)
{
	struct cli_candidate *c = &s->cand;
	char *text = NULL;
	int rc;

	if (c->loaded)
		return 0;
	rc = cli_call(s, cli_dp_active_text, NULL, &text);
	if (rc != 0) {
		snprintf(err, len, "cannot read the running configuration: %s", strerror(-rc));
		free(text);
		return rc;
	}
	config_init(&c->cfg);
	if (config_read_string(&c->cfg, text) != CONFIG_TRUE) {
		snprintf(err, len, "running configuration unreadable: %s",
			 config_error_text(&c->cfg));
		config_destroy(&c->cfg);
		free(text);
		return -EINVAL;
	}
	free(text);
	c->loaded = true;
	c->changed = false;
	return 0;
}

static void
banner(struct cli_def *cli, struct cli_session *ss)
{
	char line[1024] = "[edit";
	size_t o = strlen(line);

	for (unsigned int i = 0; i < ss->edit_len && o < sizeof(line); i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s", ss->edit[i]);
	cli_print(cli, "\n%s]", line);
}

/*
 * The command's own words come from its registered name, which libcli found
 * allowing abbreviations: right for statements ("sys" -> "system"), wrong for
 * the name of a list entry ("ge-0/0/1" typed, "ge-0/0/10" registered). So the
 * words at entry-name positions are taken as typed.
 */
static void
typed_keys(struct cli_session *ss, char **w, unsigned int from, unsigned int n)
{
	const struct cli_pipeline_stage *st = ss->cli->pipeline != NULL ?
		ss->cli->pipeline->current_stage : NULL;
	const struct gw_conf_stmt *cur = NULL;

	if (st == NULL)
		return;
	for (unsigned int i = 0; i < n; i++) {
		const struct gw_conf_stmt *s = cli_schema_child(cur, w[i]);

		if (s == NULL || (s->type != GW_CONF_CONTAINER && s->type != GW_CONF_LIST))
			return;
		cur = s;
		if (s->type == GW_CONF_LIST && i + 1 < n) {
			i++;
			/* typed word i - from + 1 (word 0 is the verb) */
			if (i >= from && (int)(i - from + 1) < st->num_words) {
				free(w[i]);
				w[i] = strdup(st->words[i - from + 1]);
			}
		}
	}
}

/* Words: the edit path, then the command's own (its name minus the verb), then argv. */
static int
words_make(struct cli_session *ss, const char *cmd, char **argv, int argc, struct cli_words *w,
	   bool with_edit)
{
	char *copy = strdup(cmd), *save = NULL, *tok;
	unsigned int n = 0, cap = (with_edit ? ss->edit_len : 0) + (unsigned int)argc + 64;

	w->w = calloc(cap, sizeof(char *));
	if (copy == NULL || w->w == NULL) {
		free(copy);
		free(w->w);
		return -ENOMEM;
	}
	if (with_edit)
		for (unsigned int i = 0; i < ss->edit_len; i++)
			w->w[n++] = strdup(ss->edit[i]);
	tok = strtok_r(copy, " ", &save);	/* the verb */
	while ((tok = strtok_r(NULL, " ", &save)) != NULL && n < cap)
		w->w[n++] = strdup(tok);
	typed_keys(ss, w->w, with_edit ? ss->edit_len : 0, n);
	for (int i = 0; i < argc && n < cap; i++)
		w->w[n++] = strdup(argv[i]);
	w->n = n;
	free(copy);
	return 0;
}

static void
words_free(struct cli_words *w)
{
	for (unsigned int i = 0; i < w->n; i++)
		free(w->w[i]);
	free(w->w);
}

static int
cmd_set_delete(struct cli_def *cli, const char *cmd, char **argv, int argc, bool del)
{
	struct cli_session *ss = cli_session_self();
	struct cli_candidate *c = &ss->srv->cand;
	struct cli_words w;
	char err[512] = "";
	int rc;

	if (words_make(ss, cmd, argv, argc, &w, true) != 0)
		return CLI_ERROR;
	pthread_mutex_lock(&c->mu);
	rc = cand_load(ss->srv, err, sizeof(err));
	if (rc == 0)
		rc = del ? cli_cand_delete(&c->cfg, &w, err, sizeof(err)) :
			cli_cand_set(&c->cfg, &w, err, sizeof(err));
	if (rc == 0) {
		c->changed = true;
		if (!del)
			sync_entries(cli, &c->cfg);
	}
	pthread_mutex_unlock(&c->mu);
	if (rc != 0)
		cli_print(cli, "error: %s", err);
	words_free(&w);
	banner(cli, ss);
	return CLI_OK;
}

static int
cmd_set(struct cli_def *cli, const char *cmd, char **argv, int argc)
{
	return cmd_set_delete(cli, cmd, argv, argc, false);
}

static int
cmd_delete(struct cli_def *cli, const char *cmd, char **argv, int argc)
{
	return cmd_set_delete(cli, cmd, argv, argc, true);
}

static void
edit_clear(struct cli_session *ss, unsigned int keep)
{
	while (ss->edit_len > keep)
		free(ss->edit[--ss->edit_len]);
}

static int
cmd_edit(struct cli_def *cli, const char *cmd, char **argv, int argc)
{
	struct cli_session *ss = cli_session_self();
	struct cli_words w;
	char err[256];

	if (words_make(ss, cmd, argv, argc, &w, true) != 0)
		return CLI_ERROR;
	if (cli_cand_check_path(&w, true, err, sizeof(err)) != 0) {
		cli_print(cli, "error: %s", err);
	} else if (w.n > CLI_MAX_EDIT) {
		cli_print(cli, "error: too deep");
	} else {
		edit_clear(ss, 0);
		for (unsigned int i = 0; i < w.n; i++)
			ss->edit[ss->edit_len++] = strdup(w.w[i]);
	}
	words_free(&w);
	banner(cli, ss);
	return CLI_OK;
}

/* Is word i of the edit path the name of a list entry (after a LIST statement)? */
static unsigned int
up_one(struct cli_session *ss)
{
	const struct gw_conf_stmt *st = NULL;
	unsigned int last = 0;

	for (unsigned int i = 0; i < ss->edit_len; i++) {
		const struct gw_conf_stmt *s = cli_schema_child(st, ss->edit[i]);

		last = i;
		if (s != NULL && s->type == GW_CONF_LIST)
			i++;
		st = s;
	}
	return last;
}

static int
cmd_up(struct cli_def *cli, const char *cmd __attribute__((unused)),
       char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	struct cli_session *ss = cli_session_self();

	edit_clear(ss, up_one(ss));
	banner(cli, ss);
	return CLI_OK;
}

static int
cmd_top(struct cli_def *cli, const char *cmd __attribute__((unused)),
	char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	struct cli_session *ss = cli_session_self();

	edit_clear(ss, 0);
	banner(cli, ss);
	return CLI_OK;
}

void
cli_config_leave(struct cli_session *ss)
{
	struct cli_candidate *c = &ss->srv->cand;

	edit_clear(ss, 0);
	pthread_mutex_lock(&c->mu);
	if (c->exclusive == ss) {
		/* configure exclusive: leaving drops what was not committed */
		c->exclusive = NULL;
		if (c->loaded && c->changed) {
			config_destroy(&c->cfg);
			c->loaded = false;
		}
	}
	pthread_mutex_unlock(&c->mu);
	ss->configuring = false;
}

static int
cmd_configure(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv,
	      int argc)
{
	struct cli_session *ss = cli_session_self();
	struct cli_candidate *c = &ss->srv->cand;
	bool exclusive = argc > 0 && strncmp(argv[0], "exclusive", strlen(argv[0])) == 0;
	char err[256];
	bool busy, dirty = false;

	if (!ss->super_user) {
		cli_print(cli, "error: permission denied (class read-only)");
		return CLI_OK;
	}
	pthread_mutex_lock(&c->mu);
	busy = c->exclusive != NULL && c->exclusive != ss;
	if (!busy && exclusive) {
		if (c->changed)
			dirty = true;
		else
			c->exclusive = ss;
	}
	pthread_mutex_unlock(&c->mu);
	if (dirty) {
		cli_print(cli, "error: the shared candidate has uncommitted changes "
			  "(commit them, or `rollback 0` in `configure`)");
		return CLI_OK;
	}
	if (busy) {
		cli_print(cli, "error: configuration database locked by %s",
			  c->exclusive != NULL ? c->exclusive->user : "another session");
		return CLI_OK;
	}
	cli_print(cli, "Entering configuration mode%s", exclusive ? " (exclusive)" : "");
	ss->configuring = true;
	cli_set_configmode(cli, MODE_CONFIG, NULL);
	pthread_mutex_lock(&c->mu);
	if (cand_load(ss->srv, err, sizeof(err)) == 0)
		sync_entries(cli, &c->cfg);
	pthread_mutex_unlock(&c->mu);
	cli_set_modestring(cli, NULL);
	cli_set_promptchar(cli, "# ");
	banner(cli, ss);
	return CLI_OK;
}

static int
cmd_exit_config(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv,
		int argc)
{
	struct cli_session *ss = cli_session_self();

	if (ss->edit_len > 0 && !(argc > 0 && strcmp(argv[0], "configuration-mode") == 0)) {
		edit_clear(ss, up_one(ss));
		banner(cli, ss);
		return CLI_OK;
	}
	if (ss->srv->cand.changed && ss->srv->cand.exclusive != ss)
		cli_print(cli, "The configuration has been changed but not committed");
	cli_config_leave(ss);
	cli_print(cli, "Exiting configuration mode");
	cli_set_configmode(cli, MODE_EXEC, NULL);
	cli_set_promptchar(cli, "> ");
	return CLI_OK;
}

static int
cmd_exit_exec(struct cli_def *cli __attribute__((unused)),
	      const char *cmd __attribute__((unused)), char **argv __attribute__((unused)),
	      int argc __attribute__((unused)))
{
	return CLI_QUIT;
}

static int
show_candidate(struct cli_def *cli, const struct cli_words *w, bool set_form)
{
	struct cli_session *ss = cli_session_self();
	struct cli_candidate *c = &ss->srv->cand;
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL)
		return CLI_ERROR;
	pthread_mutex_lock(&c->mu);
	if (cand_load(ss->srv, err, sizeof(err)) == 0)
		cli_cand_show(&c->cfg, w, set_form, false, f);
	else
		fprintf(f, "error: %s\n", err);
	pthread_mutex_unlock(&c->mu);
	fclose(f);
	cli_print_text(cli, text);
	free(text);
	return CLI_OK;
}

static int
cmd_show(struct cli_def *cli, const char *cmd, char **argv, int argc)
{
	struct cli_session *ss = cli_session_self();
	struct cli_words w;

	if (words_make(ss, cmd, argv, argc, &w, true) != 0)
		return CLI_ERROR;
	show_candidate(cli, &w, cli_pipe_display_set(cli));
	words_free(&w);
	banner(cli, ss);
	return CLI_OK;
}

/* show configuration (operational mode): the running configuration. */
int
cli_config_show_active(struct cli_def *cli, const struct cli_words *path, bool set_form)
{
	struct cli_session *ss = cli_session_self();
	char *text = NULL, *shown = NULL;
	size_t len = 0;
	config_t cfg;
	FILE *f;

	if (cli_call(ss->srv, cli_dp_active_text, NULL, &text) != 0) {
		cli_print(cli, "error: cannot read the running configuration");
		return CLI_OK;
	}
	config_init(&cfg);
	f = open_memstream(&shown, &len);
	if (f != NULL && config_read_string(&cfg, text) == CONFIG_TRUE)
		cli_cand_show(&cfg, path, set_form, false, f);
	if (f != NULL)
		fclose(f);
	config_destroy(&cfg);
	explicit_bzero(text, strlen(text));
	free(text);
	cli_print_text(cli, shown);
	free(shown);
	return CLI_OK;
}

/* `set` lines of a configuration text, sorted, for compare. */
static char **
set_lines(const config_t *cfg, unsigned int *n)
{
	struct cli_words none = { 0 };
	char *text = NULL, **v = NULL, *save = NULL, *l;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	*n = 0;
	if (f == NULL)
		return NULL;
	cli_cand_show(cfg, &none, true, false, f);
	fclose(f);
	for (l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		char **nv = realloc(v, (*n + 1) * sizeof(*v));

		if (nv == NULL)
			break;
		v = nv;
		v[(*n)++] = strdup(l);
	}
	free(text);
	return v;
}

static bool
has_line(char **v, unsigned int n, const char *l)
{
	for (unsigned int i = 0; i < n; i++)
		if (strcmp(v[i], l) == 0)
			return true;
	return false;
}

static int
cmd_compare(struct cli_def *cli, const char *cmd __attribute__((unused)),
	    char **argv __attribute__((unused)), int argc __attribute__((unused)))
{
	struct cli_session *ss = cli_session_self();
	struct cli_candidate *c = &ss->srv->cand;
	char **a = NULL, **b = NULL, *text = NULL, err[256];
	unsigned int na = 0, nb = 0;
	config_t active;

	config_init(&active);
	if (cli_call(ss->srv, cli_dp_active_text, NULL, &text) == 0 &&
	    config_read_string(&active, text) == CONFIG_TRUE)
		a = set_lines(&active, &na);
	pthread_mutex_lock(&c->mu);
	if (cand_load(ss->srv, err, sizeof(err)) == 0)
		b = set_lines(&c->cfg, &nb);
	pthread_mutex_unlock(&c->mu);
	for (unsigned int i = 0; i < na; i++)
		if (!has_line(b, nb, a[i]))
			cli_print(cli, "- %s", a[i] + 4);
	for (unsigned int i = 0; i < nb; i++)
		if (!has_line(a, na, b[i]))
			cli_print(cli, "+ %s", b[i] + 4);
	for (unsigned int i = 0; i < na; i++)
		free(a[i]);
	for (unsigned int i = 0; i < nb; i++)
		free(b[i]);
	free(a);
	free(b);
	free(text);
	config_destroy(&active);
	banner(cli, ss);
	return CLI_OK;
}

static int
cmd_commit(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv, int argc)
{
	struct cli_session *ss = cli_session_self();
	struct cli_candidate *c = &ss->srv->cand;
	char head[512], *text, *req, *out = NULL, err[256], comment[256] = "";
	bool check = false, and_quit = false;
	unsigned int minutes = 0;
	size_t o = 0;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "check") == 0) {
			check = true;
		} else if (strcmp(argv[i], "and-quit") == 0) {
			and_quit = true;
		} else if (strcmp(argv[i], "confirmed") == 0) {
			minutes = 10;
			if (i + 1 < argc && strtoul(argv[i + 1], NULL, 10) > 0)
				minutes = (unsigned int)strtoul(argv[++i], NULL, 10);
			if (minutes > 65535) {
				cli_print(cli, "error: confirmed: 1..65535 minutes");
				return CLI_OK;
			}
		} else if (strcmp(argv[i], "comment") == 0 && i + 1 < argc) {
			for (i++; i < argc && o < sizeof(comment); i++)
				o += (size_t)snprintf(comment + o, sizeof(comment) - o, "%s%s",
						      o ? " " : "", argv[i]);
		} else {
			cli_print(cli, "error: syntax: commit [check | confirmed N | "
				  "comment TEXT | and-quit]");
			return CLI_OK;
		}
	}
	for (char *p = comment; *p; p++)	/* one line, no quotes of its own */
		if (*p == '\n' || *p == '\r' || *p == '"')
			*p = ' ';
	pthread_mutex_lock(&c->mu);
	rc = cand_load(ss->srv, err, sizeof(err));
	text = rc == 0 ? cli_cand_text(&c->cfg) : NULL;
	pthread_mutex_unlock(&c->mu);
	if (text == NULL) {
		cli_print(cli, "error: %s", rc != 0 ? err : "out of memory");
		return CLI_OK;
	}
	snprintf(head, sizeof(head), "%s %s %u %s\n", check ? "check" : "commit", ss->user,
		 minutes, comment);
	req = malloc(strlen(head) + strlen(text) + 1);
	if (req != NULL) {
		strcpy(req, head);
		strcat(req, text);
		rc = cli_call(ss->srv, cli_commit_run, req, &out);
		explicit_bzero(req, strlen(req));
		free(req);
	}
	explicit_bzero(text, strlen(text));
	free(text);
	cli_print_text(cli, out);
	free(out);
	if (rc == -ENOBUFS || rc == -ETIMEDOUT)
		cli_print(cli, "error: the control thread is busy; nothing was committed");
	if (rc == 0 && !check) {
		/* the candidate restarts from what now runs */
		pthread_mutex_lock(&c->mu);
		if (c->loaded)
			config_destroy(&c->cfg);
		c->loaded = false;
		c->changed = false;
		pthread_mutex_unlock(&c->mu);
		if (and_quit)
			return cmd_exit_config(cli, "exit", (char *[]){ "configuration-mode" }, 1);
	}
	banner(cli, ss);
	return CLI_OK;
}

static int
cmd_rollback(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv,
	     int argc)
{
	struct cli_session *ss = cli_session_self();
	struct cli_candidate *c = &ss->srv->cand;
	char *text = NULL, *end;
	unsigned long k = 0;
	config_t cfg;
	int rc;

	if (argc > 0) {
		k = strtoul(argv[0], &end, 10);
		if (*end != '\0' || k >= CLI_ROLLBACKS) {
			cli_print(cli, "error: rollback 0..%d", CLI_ROLLBACKS - 1);
			return CLI_OK;
		}
	}
	rc = cli_call(ss->srv, cli_commit_rollback_text, argc > 0 ? argv[0] : "0", &text);
	config_init(&cfg);
	if (rc != 0 || config_read_string(&cfg, text) != CONFIG_TRUE) {
		cli_print(cli, "error: rollback %lu: %s", k,
			  rc != 0 ? strerror(-rc) : config_error_text(&cfg));
		config_destroy(&cfg);
	} else {
		pthread_mutex_lock(&c->mu);
		if (c->loaded)
			config_destroy(&c->cfg);
		c->cfg = cfg;
		c->loaded = true;
		c->changed = k != 0;	/* rollback 0: the candidate is the active one again */
		sync_entries(cli, &c->cfg);
		pthread_mutex_unlock(&c->mu);
		cli_print(cli, "load complete");
	}
	free(text);
	banner(cli, ss);
	return CLI_OK;
}

static int
cmd_run(struct cli_def *cli, const char *cmd __attribute__((unused)), char **argv, int argc)
{
	char line[CLI_ARG_LEN] = "";
	size_t o = 0;
	int mode;

	for (int i = 0; i < argc && o < sizeof(line); i++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%s", i ? " " : "", argv[i]);
	mode = cli_set_configmode(cli, MODE_EXEC, NULL);
	cli_run_command(cli, line);
	cli_set_configmode(cli, mode, NULL);
	cli_set_modestring(cli, NULL);
	return CLI_OK;
}

/* The schema under each verb: '?' and TAB list the statements with their help. */
static void
register_schema(struct cli_def *cli, struct cli_command *parent, const struct gw_conf_stmt *st,
		int (*cb)(struct cli_def *, const char *, char **, int), bool containers_only)
{
	const struct gw_conf_stmt *s = NULL;

	while ((s = gw_conf_schema_child(st, s)) != NULL) {
		struct cli_command *c;

		if (st != NULL && st->type == GW_CONF_LIST && strcmp(gw_conf_stmt_name(s),
								     st->key) == 0)
			continue;
		if (containers_only && s->type != GW_CONF_CONTAINER && s->type != GW_CONF_LIST)
			continue;
		c = cli_register_command(cli, parent, gw_conf_stmt_name(s), cb, P, M, s->help);
		if (c != NULL && (s->type == GW_CONF_CONTAINER || s->type == GW_CONF_LIST))
			register_schema(cli, c, s, cb, containers_only);
	}
}

static struct cli_command *
find_cmd(struct cli_command *first, const char *name)
{
	for (struct cli_command *c = first; c != NULL; c = c->next)
		if (c->mode == M && strcmp(c->command, name) == 0)
			return c;
	return NULL;
}

static void
sync_group(struct cli_def *cli, struct cli_command *cmd, const config_setting_t *g,
	   const struct gw_conf_stmt *st, int (*cb)(struct cli_def *, const char *, char **, int),
	   bool containers_only)
{
	const struct gw_conf_stmt *s = NULL;

	while ((s = gw_conf_schema_child(st, s)) != NULL) {
		const char *name = gw_conf_stmt_name(s);
		const config_setting_t *c;
		struct cli_command *sub;

		if ((st != NULL && st->type == GW_CONF_LIST && strcmp(name, st->key) == 0) ||
		    (s->type != GW_CONF_CONTAINER && s->type != GW_CONF_LIST))
			continue;
		c = config_setting_get_member(g, name);
		sub = c != NULL ? find_cmd(cmd->children, name) : NULL;
		if (sub == NULL)
			continue;
		if (s->type == GW_CONF_CONTAINER) {
			sync_group(cli, sub, c, s, cb, containers_only);
			continue;
		}
		for (int i = 0; i < config_setting_length(c); i++) {
			const config_setting_t *e = config_setting_get_elem(c, i);
			const char *key = NULL;
			struct cli_command *kc;

			if (config_setting_lookup_string(e, s->key, &key) != CONFIG_TRUE ||
			    cli_schema_child(s, key) != NULL)
				continue;	/* a name that is a statement too: an argument */
			kc = find_cmd(sub->children, key);
			if (kc == NULL) {
				kc = cli_register_command(cli, sub, key, cb, P, M, s->help);
				if (kc == NULL)
					continue;
				register_schema(cli, kc, s, cb, containers_only);
			}
			sync_group(cli, kc, e, s, cb, containers_only);
		}
	}
}

/*
 * The names of the candidate's list entries as commands too, so `?` and TAB
 * work past them ("set interfaces ge-0/0/0 ?"). Caller holds cand->mu.
 */
static void
sync_entries(struct cli_def *cli, const config_t *cfg)
{
	static const struct {
		const char *verb;
		int (*cb)(struct cli_def *, const char *, char **, int);
		bool containers_only;
	} verbs[] = {
		{ "set", cmd_set, false }, { "delete", cmd_delete, false },
		{ "show", cmd_show, false }, { "edit", cmd_edit, true },
	};

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		struct cli_command *v = find_cmd(cli->commands, verbs[i].verb);

		if (v != NULL)
			sync_group(cli, v, config_root_setting(cfg), NULL, verbs[i].cb,
				   verbs[i].containers_only);
	}
	/* recompute libcli's shortest unique abbreviations */
	cli_set_configmode(cli, MODE_EXEC, NULL);
	cli_set_configmode(cli, M, NULL);
	cli_set_modestring(cli, NULL);
}

void
cli_config_register(struct cli_def *cli)
{
	struct cli_command *c;

	cli_unregister_command(cli, "exit");
	cli_unregister_command(cli, "exit");
	cli_register_command(cli, NULL, "exit", cmd_exit_exec, P, MODE_EXEC, "Leave the CLI");
	cli_register_command(cli, NULL, "configure", cmd_configure, P, MODE_EXEC,
			     "Enter configuration mode [exclusive]");
	c = cli_register_command(cli, NULL, "set", cmd_set, P, M, "Set a statement");
	register_schema(cli, c, NULL, cmd_set, false);
	c = cli_register_command(cli, NULL, "delete", cmd_delete, P, M, "Delete a statement");
	register_schema(cli, c, NULL, cmd_delete, false);
	c = cli_register_command(cli, NULL, "edit", cmd_edit, P, M, "Edit a sub-hierarchy");
	register_schema(cli, c, NULL, cmd_edit, true);
	c = cli_register_command(cli, NULL, "show", cmd_show, P, M, "Show the candidate");
	register_schema(cli, c, NULL, cmd_show, false);
	cli_register_command(cli, NULL, "up", cmd_up, P, M, "Up one level");
	cli_register_command(cli, NULL, "top", cmd_top, P, M, "To the top level");
	cli_register_command(cli, NULL, "exit", cmd_exit_config, P, M,
			     "Up one level, or leave configuration mode");
	cli_register_command(cli, NULL, "compare", cmd_compare, P, M,
			     "Candidate against the running configuration");
	cli_register_command(cli, NULL, "commit", cmd_commit, P, M,
			     "Validate and apply [check | confirmed N | comment TEXT | and-quit]");
	cli_register_command(cli, NULL, "rollback", cmd_rollback, P, M,
			     "Load a previous configuration into the candidate (0..49)");
	cli_register_command(cli, NULL, "run", cmd_run, P, M, "Run an operational command");
}
