/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef APPLY_PRIV_H
#define APPLY_PRIV_H

/* lib/apply internals shared by apply_sa.c and apply_policy.c. */

#include "gw_apply_sa.h"

/* The (interface, direction) pairs an owner has terms on. */
struct apply_spds {
	unsigned int n;
	struct {
		char ifname[GW_IFNAME_LEN];
		enum gw_sa_dir dir;
	} at[2 * GW_CONF_MAX_POLICIES];
};

/*
 * Install conf's policies as owner's terms (terms of all policies for one
 * interface and direction concatenated in configuration order); pairs in
 * *had that conf no longer has get no terms. *had becomes conf's pairs.
 */
int apply_policies(const struct gw_install *in, struct gw_owner owner,
		   const struct gw_config *conf, struct apply_spds *had);

#endif /* APPLY_PRIV_H */
