/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GKS_CONF_H
#define GKS_CONF_H

#include "gks.h"

struct gw_config;

/* `security group-vpn server` as key server parameters (nothing checked here:
 * the loader did, gks_server_create() checks the rest). */
void gks_params_from_conf(const struct gw_config *conf, struct gks_params *p);

#endif /* GKS_CONF_H */
