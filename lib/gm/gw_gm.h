/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_GM_H
#define GW_GM_H

/*
 * The GDOI group member (RFC 6407; lib/gm/README.md): registers with the key
 * servers of each configured `security group-vpn member ipsec vpn`, installs
 * the downloaded TEKs as group SAs and their selectors as SPD terms through
 * the install interface (owner GW_OWNER_GDOI, id = the group's index + 1),
 * takes GROUPKEY-PUSH rekeys and re-registers before the keys run out. Runs
 * on the control loop (lib/ctl); the data plane is reached only through
 * struct gw_install, so unit tests use the recording mock.
 */

#include <stdbool.h>
#include <stdio.h>

#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_install.h"

struct gm_member;

struct gm_member_params {
	struct ctl_loop *loop;
	struct gw_install install;
	/* Is the interface up? NULL: always. Registration waits for it. */
	bool (*if_up)(void *arg, const char *ifname);
	void *if_up_arg;
	uint16_t port;			/* UDP port of the key servers and ours; 0 = 848 */
	struct ctl_helper *helper;	/* Main Mode DH (NULL: on the loop thread) */
};

/* NULL + errno on failure. */
struct gm_member *gm_member_create(const struct gm_member_params *p);
/*
 * (Re)configure from conf: groups whose configuration changed (or went away)
 * are torn down (their SAs and terms flushed) and those new or changed start
 * registering. conf may be freed afterwards. 0 or -errno.
 */
int gm_member_apply(struct gm_member *m, const struct gw_config *conf);
/* Every group torn down, sockets closed. */
void gm_member_free(struct gm_member *m);
/* Register again now (all groups when vpn is NULL). 0, -ENOENT. */
int gm_member_reregister(struct gm_member *m, const char *vpn);

/* `show security group-vpn member ike|ipsec security-associations [detail]`. */
void gm_member_show_ike(struct gm_member *m, FILE *out);
void gm_member_show_ipsec(struct gm_member *m, FILE *out, bool detail);

/* The running member, for the CLI (NULL when none). Control thread. */
struct gm_member *gm_member_current(void);

#endif /* GW_GM_H */
