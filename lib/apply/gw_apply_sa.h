/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_APPLY_SA_H
#define GW_APPLY_SA_H

/*
 * The configuration as an owner of SAs and policies: the one translation
 * from `security` (struct gw_conf_sa, gw_conf_policy) into calls of the
 * install interface (lib/sa/gw_install.h) with owner GW_OWNER_CONF. Reload
 * and commit touch only what the configuration owns; SAs and terms of GDOI,
 * IKEv2 (or the test owner) are never seen here. Control thread only.
 */

#include "gw_conf.h"
#include "gw_install.h"

struct gw_apply_sa;

/* in must outlive the result. NULL + errno. */
struct gw_apply_sa *gw_apply_sa_create(const struct gw_install *in);
/* Forgets the configuration's SAs without deleting them (the manager goes too). */
void gw_apply_sa_free(struct gw_apply_sa *a);

/*
 * Make the configuration's SAs and terms equal the file: an SA whose
 * effective parameters did not change is not touched (same object, counters
 * and replay state kept), a changed one is updated, a new one added, one the
 * file no longer has deleted (in that order: adds, then policies, then
 * deletes). Not transactional: continues past errors, returns the first one.
 */
int gw_apply_security(struct gw_apply_sa *a, const struct gw_config *conf);

/* The installed SA of a configuration name, or GW_SA_ID_NONE. */
gw_sa_id_t gw_apply_sa_id(const struct gw_apply_sa *a, const char *name);
unsigned int gw_apply_sa_count(const struct gw_apply_sa *a);

/*
 * The configuration's SA as the install interface takes it: an SA inherits
 * what a policy naming it says and it does not (no-anti-replay,
 * tunnel-mtu); label and binding are its name.
 */
void gw_apply_sa_spec(const struct gw_config *conf, const struct gw_conf_sa *sa,
		      struct gw_sa_spec *out);
/* A configuration term as the install interface takes it. */
void gw_apply_term(const struct gw_conf_term *t, struct gw_spd_term *out);

/*
 * TEST ONLY: the SAs and policies of a second file in the configuration's
 * syntax installed under `owner` through the install interface, exactly the
 * calls GDOI and IKEv2 make (lib/apply/README.md). The gateway reads the file
 * named by the environment variable GDOIGW_TEST_OWNER_FILE at start.
 */
int gw_apply_test_owner(const struct gw_install *in, struct gw_owner owner, const char *path);

#endif /* GW_APPLY_SA_H */
