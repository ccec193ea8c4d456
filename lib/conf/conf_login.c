/* SPDX-License-Identifier: BSD-3-Clause */
/* system { login { user ( { name; class; authentication { encrypted-password; } } ) } } */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_priv.h"

int
conf_user_begin(struct gw_conf_ctx *c, unsigned int count)
{
	if (count > GW_CONF_MAX_USERS)
		return conf_fail(c, "%u users, at most %d", count, GW_CONF_MAX_USERS);
	return 0;
}

int
conf_user_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_config *conf = c->conf;

	for (unsigned int i = 0; i < conf->nb_users; i++)
		if (strcmp(conf->users[i].name, name) == 0)
			return conf_fail(c, "duplicate user '%s'", name);
	c->obj[CONF_OBJ_USER] = &conf->users[conf->nb_users++];
	return 0;
}

/*
 * Only SHA-512 crypt hashes ("$6$[rounds=N$]salt$hash", 86 characters of
 * hash): a clear-text password in the file would be refused here rather
 * than compared as if it were a hash.
 */
int
conf_user_leave(struct gw_conf_ctx *c)
{
	const struct gw_conf_user *u = c->obj[CONF_OBJ_USER];
	const char *h = u->hash, *last = strrchr(h, '$');

	if (strncmp(h, "$6$", 3) != 0 || last == NULL || last < h + 3 ||
	    strlen(last + 1) != 86 ||
	    strspn(last + 1, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	    != 86)
		return conf_fail_at(c, "authentication", "encrypted-password is not a "
				    "SHA-512 crypt hash (\"$6$salt$...\")");
	return 0;
}

void *
conf_user_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= c->conf->nb_users)
		return NULL;
	return c->obj[CONF_OBJ_USER] = &c->conf->users[idx];
}
