/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_EAL_ARGS_H
#define GW_EAL_ARGS_H

#include <stdbool.h>
#include "gw_conf.h"

#define GW_DEFAULT_CONF "config/default.conf"

struct eal_argv {
	int argc;
	char **argv;
	char **owned;		/* strings we allocated */
	int nb_owned;
};

/*
 * "gdoigw [EAL] -- [app]": returns the number of EAL args given (those
 * before "--"), and points app_argv at argv0 + the app args. Without "--",
 * every argument is an app argument and EAL runs on its embedded default.
 */
int eal_args_split(int argc, char **argv, int *app_argc, char ***app_argv);

/*
 * EAL argv: argv0, the user's EAL args or the embedded default (no hugepages,
 * no PCI unless the configuration names a PCI device, unique file prefix,
 * lcores the configuration uses), then the configuration's devices.
 */
int eal_args_build(struct eal_argv *out, const char *argv0, int nb_given, char **given,
		   const struct gw_config *conf);
void eal_args_free(struct eal_argv *e);

#endif /* GW_EAL_ARGS_H */
