/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef CONF_EXAMPLES_H
#define CONF_EXAMPLES_H

/* The example configurations of config/ for the lib/conf tests. */

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "gw_build.h"

#define CONF_EXAMPLES_DIR GW_SOURCE_ROOT "/config"

/* Call fn(path, file name, arg) for every .conf file of config/: how many, -1 on error. */
static inline int
conf_examples_foreach(void (*fn)(const char *path, const char *name, void *arg), void *arg)
{
	DIR *d = opendir(CONF_EXAMPLES_DIR);
	char path[1024];
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", CONF_EXAMPLES_DIR, de->d_name);
		fn(path, de->d_name, arg);
		n++;
	}
	closedir(d);
	return n;
}

#endif /* CONF_EXAMPLES_H */
