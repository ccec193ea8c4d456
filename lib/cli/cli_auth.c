/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Login: the user's class and SHA-512 crypt hash come from the running
 * configuration (a control-thread request); the password is hashed here on
 * the session thread (crypt_r, 5000 rounds by default: the control thread
 * never spends that time) and compared in constant time. A wrong answer
 * comes after CLI_FAIL_DELAY_MS and is logged; CLI_LOCK_FAILURES in a row
 * from one address lock it out for CLI_LOCK_SECONDS (the listener refuses
 * it), and the session is closed.
 */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libcli.h>

#include "gw_conf.h"
#include "gw_log.h"
#include "cli_priv.h"

static bool
same_source(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* Caller holds s->mu. The slot of src, or a free / the oldest one when create. */
static struct cli_lock_slot *
lock_slot(struct cli_server *s, const struct sockaddr_storage *src, bool create)
{
	struct cli_lock_slot *free_slot = NULL;

	for (unsigned int i = 0; i < CLI_LOCK_SLOTS; i++) {
		struct cli_lock_slot *l = &s->locks[i];

		if (l->src.ss_family != 0 && same_source(&l->src, src))
			return l;
		if (free_slot == NULL && (l->src.ss_family == 0 ||
					  (l->failures < CLI_LOCK_FAILURES && l->until == 0)))
			free_slot = l;
	}
	if (!create)
		return NULL;
	if (free_slot == NULL)
		free_slot = &s->locks[rand() % CLI_LOCK_SLOTS];
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->src = *src;
	return free_slot;
}

int
cli_auth_locked(struct cli_server *s, const struct sockaddr_storage *src)
{
	struct cli_lock_slot *l;
	int locked = 0;

	pthread_mutex_lock(&s->mu);
	l = lock_slot(s, src, false);
	if (l != NULL && l->until != 0) {
		if (time(NULL) < l->until) {
			locked = 1;
		} else {
			l->until = 0;
			l->failures = 0;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return locked;
}

/* Returns true when this failure locked the source out. */
static bool
note_failure(struct cli_server *s, const struct sockaddr_storage *src)
{
	struct cli_lock_slot *l;
	bool locked = false;

	pthread_mutex_lock(&s->mu);
	l = lock_slot(s, src, true);
	if (++l->failures >= CLI_LOCK_FAILURES) {
		l->until = time(NULL) + CLI_LOCK_SECONDS;
		locked = true;
	}
	pthread_mutex_unlock(&s->mu);
	return locked;
}

static void
note_success(struct cli_server *s, const struct sockaddr_storage *src)
{
	struct cli_lock_slot *l;

	pthread_mutex_lock(&s->mu);
	l = lock_slot(s, src, false);
	if (l != NULL)
		memset(l, 0, sizeof(*l));
	pthread_mutex_unlock(&s->mu);
}

/* Control thread: "class hash" of user `arg`, -ENOENT when there is none. */
int
cli_dp_user(struct cli_server *s, const char *arg, FILE *out)
{
	const struct gw_config *conf = *s->p.running;

	for (unsigned int i = 0; i < conf->nb_users; i++) {
		if (strcmp(conf->users[i].name, arg) != 0)
			continue;
		fprintf(out, "%u %s", conf->users[i].login_class, conf->users[i].hash);
		return 0;
	}
	return -ENOENT;
}

static bool
equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The user's hash checked against the password; false on any failure. */
static bool
check_password(struct cli_server *s, const char *user, const char *password, bool *super)
{
	/* A hash to compute against when the user does not exist: same delay. */
	static const char dummy[] = "$6$gdoigwnouser$";
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char *answer = NULL, *hash;
	unsigned int class = 0;
	const char *h = dummy;
	bool ok = false;
	char *res;

	if (cd == NULL)
		return false;
	if (strlen(user) < 32 && cli_call(s, cli_dp_user, user, &answer) == 0 &&
	    answer != NULL && (hash = strchr(answer, ' ')) != NULL) {
		class = (unsigned int)strtoul(answer, NULL, 10);
		h = hash + 1;
	}
	res = crypt_r(password, h, cd);
	if (h != dummy && res != NULL && res[0] != '*' && equal_ct(res, h)) {
		ok = true;
		*super = class == GW_CLASS_SUPER_USER;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	free(answer);
	return ok;
}

static int
auth_cb(const char *user, const char *password)
{
	struct cli_session *ss = cli_session_self();
	struct cli_server *s = ss->srv;
	bool super = false;

	if (check_password(s, user, password, &super)) {
		note_success(s, &ss->peer);
		snprintf(ss->user, sizeof(ss->user), "%s", user);
		ss->super_user = super;
		ss->logged_in = true;
		GW_LOG(general, NOTICE, "cli: %s logged in from %s (class %s)", user,
		       ss->peer_str, super ? "super-user" : "read-only");
		char *host = NULL, prompt[128];

		if (cli_call(s, cli_dp_host_name, NULL, &host) != 0 || host == NULL)
			host = strdup("gdoigw");
		snprintf(prompt, sizeof(prompt), "%s@%s", user, host != NULL ? host : "gdoigw");
		free(host);
		cli_set_hostname(ss->cli, prompt);
		return CLI_OK;
	}
	usleep(CLI_FAIL_DELAY_MS * 1000);
	GW_LOG(general, WARNING, "cli: failed login for '%.31s' from %s", user, ss->peer_str);
	if (note_failure(s, &ss->peer)) {
		GW_LOG(general, WARNING, "cli: %s locked out for %d s after %d failed logins",
		       ss->peer_str, CLI_LOCK_SECONDS, CLI_LOCK_FAILURES);
		cli_print(ss->cli, "Too many failed logins; locked out for %d seconds.",
			  CLI_LOCK_SECONDS);
		shutdown(ss->fd, SHUT_RDWR);
	}
	return CLI_ERROR;
}

void
cli_auth_setup(struct cli_def *cli, struct cli_session *ss __attribute__((unused)))
{
	cli_set_auth_callback(cli, auth_cb);
}
