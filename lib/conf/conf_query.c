/* SPDX-License-Identifier: BSD-3-Clause */
/* Look-ups by name in a loaded configuration. */

#include <string.h>

#include "conf_priv.h"

const struct gw_conf_interface *
gw_conf_interface_find(const struct gw_config *conf, const char *name)
{
	if (conf == NULL || name == NULL)
		return NULL;
	for (unsigned int i = 0; i < conf->nb_interfaces; i++)
		if (strcmp(conf->interfaces[i].name, name) == 0)
			return &conf->interfaces[i];
	return NULL;
}

const struct gw_conf_sa *
gw_conf_sa_find(const struct gw_config *conf, const char *name)
{
	if (conf == NULL || name == NULL)
		return NULL;
	for (unsigned int i = 0; i < conf->nb_sas; i++)
		if (strcmp(conf->sas[i].name, name) == 0)
			return &conf->sas[i];
	return NULL;
}
