/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Commit, on the control thread: the candidate text is validated whole by
 * the loader (gw_conf_load_string: every statement, range and cross-check),
 * applied through the SIGHUP reload path (params.apply: gw_dp_reload, which
 * keeps what did not change running), then written atomically: a temporary
 * file, fsync, the previous file kept as rollback 1 (rollback k as k + 1, up
 * to 49), rename. An invalid candidate applies and writes nothing.
 * `commit confirmed N` arms a timer that commits rollback 1 back unless a
 * commit comes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_log.h"
#include "cli_priv.h"

struct cli_confirm {
	struct ctl_timer timer;
	struct cli_server *srv;
};

static void
rollback_path(const struct cli_server *s, unsigned int k, char *buf, size_t len)
{
	if (k == 0)
		snprintf(buf, len, "%s", s->p.conf_path);
	else
		snprintf(buf, len, "%s.%u", s->p.conf_path, k);
}

static int
write_file(struct cli_server *s, const struct gw_config *conf, const char *user,
	   const char *comment)
{
	char tmp[600], from[600], to[600], when[64];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;
	int rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->p.conf_path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return -errno;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
	fprintf(f, "## Last commit: %s by %s via cli%s%s\n", when, user,
		comment[0] ? ": " : "", comment);
	if (gw_conf_write(conf, f, true) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	for (unsigned int k = CLI_ROLLBACKS - 2; k >= 1; k--) {
		rollback_path(s, k, from, sizeof(from));
		rollback_path(s, k + 1, to, sizeof(to));
		rename(from, to);
	}
	rollback_path(s, 1, to, sizeof(to));
	if (link(s->p.conf_path, to) != 0 && errno != ENOENT)
		GW_LOG(general, WARNING, "cli: cannot keep %s as %s: %s", s->p.conf_path, to,
		       strerror(errno));
	if (rename(tmp, s->p.conf_path) != 0)
		return -errno;
	/* the rename itself is durable once the directory is synced */
	char dir[600], *slash;

	snprintf(dir, sizeof(dir), "%s", s->p.conf_path);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	int dfd = open(slash != NULL ? dir : ".", O_RDONLY | O_DIRECTORY);

	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	s->last_commit = now;
	snprintf(s->last_commit_user, sizeof(s->last_commit_user), "%s", user);
	return 0;
}

static void
print_error(FILE *out, const struct gw_conf_error *err)
{
	if (err->statement[0] != '\0')
		fprintf(out, "[edit %s]\n  %s\n", err->statement, err->reason);
	else
		fprintf(out, "error: %s (line %d of the candidate)\n", err->reason, err->line);
}

/* Validate, apply, write. 0 or -errno; what happened is printed to out. */
static int
commit_text(struct cli_server *s, const char *text, bool check_only, const char *user,
	    const char *comment, FILE *out)
{
	struct gw_conf_error err = { 0 };
	struct gw_config *conf = gw_conf_load_string(text, &err);
	int rc;

	if (conf == NULL) {
		print_error(out, &err);
		fprintf(out, "error: configuration check-out failed\n");
		return -EINVAL;
	}
	if (check_only) {
		gw_conf_free(conf);
		fprintf(out, "configuration check succeeds\n");
		return 0;
	}
	struct gw_conf_telnet old = (*s->p.running)->telnet;

	rc = s->p.apply(s->p.apply_arg, conf);
	if (rc != 0) {
		gw_conf_free(conf);
		fprintf(out, "error: the planes refused the configuration: %s\n"
			"error: commit failed; the running configuration stays\n", strerror(-rc));
		return rc;
	}
	GW_LOG(general, NOTICE, "cli: commit by %s%s%s", user, comment[0] ? ": " : "", comment);
	/* the session limit applies at once; the listener's address and port at restart */
	pthread_mutex_lock(&s->mu);
	s->session_limit = conf->telnet.session_limit;
	pthread_mutex_unlock(&s->mu);
	if (old.port != conf->telnet.port ||
	    memcmp(&old.address, &conf->telnet.address, sizeof(old.address)) != 0)
		fprintf(out, "warning: system services telnet address and port take effect "
			"when gdoigw restarts\n");
	rc = write_file(s, *s->p.running, user, comment);
	if (rc != 0)
		fprintf(out, "warning: applied, but %s could not be written: %s\n",
			s->p.conf_path, strerror(-rc));
	return 0;
}

static void
confirm_expired(struct ctl_loop *l __attribute__((unused)), struct ctl_timer *t, void *arg)
{
	struct cli_confirm *c = arg;
	struct cli_server *s = c->srv;
	char path[600], *text = NULL;
	size_t len = 0;
	FILE *f, *out;

	(void)t;
	s->confirm = NULL;
	rollback_path(s, 1, path, sizeof(path));
	f = fopen(path, "r");
	out = open_memstream(&text, &len);
	if (f != NULL && out != NULL) {
		char *old = NULL;
		size_t olen = 0;
		FILE *o = open_memstream(&old, &olen);
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			fwrite(buf, 1, n, o);
		fclose(o);
		GW_LOG(general, WARNING, "cli: commit confirmed not confirmed in time: "
		       "rolling back to rollback 1");
		commit_text(s, old, false, "root", "commit confirmed rollback", out);
		free(old);
	}
	if (f != NULL)
		fclose(f);
	if (out != NULL)
		fclose(out);
	free(text);
	free(c);
}

void
cli_commit_stop(struct cli_server *s)
{
	struct cli_confirm *c = s->confirm;

	if (c == NULL)
		return;
	ctl_timer_cancel(s->p.loop, &c->timer);
	free(c);
	s->confirm = NULL;
}

/*
 * arg: "MODE USER MINUTES COMMENT\n" then the candidate text; MODE is
 * "check" or "commit"; MINUTES 0 = not confirmed.
 */
int
cli_commit_run(struct cli_server *s, const char *arg, FILE *out)
{
	char mode[16] = "", user[32] = "", comment[256] = "";
	const char *nl = strchr(arg, '\n');
	unsigned int minutes = 0;
	int used = 0, rc;

	if (nl == NULL || sscanf(arg, "%15s %31s %u %n", mode, user, &minutes, &used) < 3)
		return -EINVAL;
	if (arg + used < nl)
		snprintf(comment, sizeof(comment), "%.*s", (int)(nl - arg - used), arg + used);
	rc = commit_text(s, nl + 1, strcmp(mode, "check") == 0, user, comment, out);
	if (rc != 0 || strcmp(mode, "check") == 0)
		return rc;
	if (s->confirm != NULL) {	/* any commit confirms the pending one */
		cli_commit_stop(s);
		fprintf(out, "commit confirmed: the previous commit is now permanent\n");
	}
	if (minutes != 0) {
		struct cli_confirm *c = calloc(1, sizeof(*c));

		if (c != NULL) {
			c->srv = s;
			ctl_timer_init(&c->timer, confirm_expired, c);
			ctl_timer_arm(s->p.loop, &c->timer, (uint64_t)minutes * 60000 /
				      (getenv("GDOIGW_CLI_CONFIRM_SCALE") ?
				       strtoul(getenv("GDOIGW_CLI_CONFIRM_SCALE"), NULL, 10) : 1));
			s->confirm = c;
			fprintf(out, "commit confirmed will be automatically rolled back in %u "
				"minutes unless confirmed\n", minutes);
		}
	}
	fprintf(out, "commit complete\n");
	return 0;
}

/* The text of rollback N (arg). */
int
cli_commit_rollback_text(struct cli_server *s, const char *arg, FILE *out)
{
	unsigned int k = (unsigned int)strtoul(arg, NULL, 10);
	char path[600], buf[4096];
	size_t n;
	FILE *f;

	if (k >= CLI_ROLLBACKS)
		return -EINVAL;
	rollback_path(s, k, path, sizeof(path));
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
	return 0;
}

/* show system commit: the first line of each rollback file. */
int
cli_commit_history(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	char path[600], line[512];

	for (unsigned int k = 0; k < CLI_ROLLBACKS; k++) {
		FILE *f;

		rollback_path(s, k, path, sizeof(path));
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL &&
		    strncmp(line, "## Last commit: ", 16) == 0)
			fprintf(out, "%u   %s", k, line + 16);
		else
			fprintf(out, "%u   (file not written by a commit: %s)\n", k, path);
		fclose(f);
	}
	if (s->confirm != NULL)
		fprintf(out, "commit confirmed, rollback pending\n");
	return 0;
}
