/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eal_args.h"
#include "gw_dp.h"

/* The app args: argv[0] followed by what comes after "--" (or everything). */
static char *app_argv_buf[256];

int
eal_args_split(int argc, char **argv, int *app_argc, char ***app_argv)
{
	int sep = -1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	}
	app_argv_buf[0] = argv[0];
	*app_argc = 1;
	for (int i = sep < 0 ? 1 : sep + 1; i < argc && *app_argc < 255; i++)
		app_argv_buf[(*app_argc)++] = argv[i];
	app_argv_buf[*app_argc] = NULL;
	*app_argv = app_argv_buf;
	return sep < 0 ? 0 : sep - 1;
}

static int
push(struct eal_argv *e, const char *s, bool copy)
{
	char **argv = realloc(e->argv, sizeof(char *) * (e->argc + 2));
	char *str = (char *)s;

	if (argv == NULL)
		return -ENOMEM;
	e->argv = argv;
	if (copy) {
		char **owned = realloc(e->owned, sizeof(char *) * (e->nb_owned + 1));

		if (owned == NULL)
			return -ENOMEM;
		e->owned = owned;
		str = strdup(s);
		if (str == NULL)
			return -ENOMEM;
		e->owned[e->nb_owned++] = str;
	}
	e->argv[e->argc++] = str;
	e->argv[e->argc] = NULL;
	return 0;
}

/* Highest lcore the dataplane configuration mentions (1 if none). */
static unsigned int
highest_lcore(const struct gw_conf_dataplane *dpc)
{
	unsigned int max = 1;

	for (unsigned int i = 0; i < dpc->nb_workers; i++)
		max = RTE_MAX(max, dpc->workers[i]);
	if (dpc->layout == GW_LAYOUT_PIPELINE) {
		max = RTE_MAX(max, dpc->rx_lcore);
		max = RTE_MAX(max, dpc->classify_lcore);
		max = RTE_MAX(max, dpc->crypto_lcore);
		max = RTE_MAX(max, dpc->tx_lcore);
	}
	return max;
}

int
eal_args_build(struct eal_argv *e, const char *argv0, int nb_given, char **given,
	       const struct gw_config *conf)
{
	char **dev_argv = NULL;
	int dev_argc = 0, rc;
	bool has_pci = false;
	char buf[64];

	memset(e, 0, sizeof(*e));
	rc = gw_dp_eal_device_args(conf, &dev_argv, &dev_argc, &has_pci);
	if (rc != 0)
		goto fail;
	rc = push(e, argv0, false);
	if (nb_given > 0) {
		for (int i = 0; i < nb_given && rc == 0; i++)
			rc = push(e, given[i], false);
	} else {
		rc = push(e, "--no-huge", false);
		rc = rc ?: push(e, "-m", false);
		rc = rc ?: push(e, "512", false);
		if (!has_pci)
			rc = rc ?: push(e, "--no-pci", false);
		snprintf(buf, sizeof(buf), "--file-prefix=gdoigw-%d", (int)getpid());
		rc = rc ?: push(e, buf, true);
		snprintf(buf, sizeof(buf), "-l0-%u", highest_lcore(&conf->dataplane));
		rc = rc ?: push(e, buf, true);
	}
	for (int i = 0; i < dev_argc && rc == 0; i++)
		rc = push(e, dev_argv[i], true);
fail:
	for (int i = 0; i < dev_argc; i++)
		free(dev_argv[i]);
	free(dev_argv);
	if (rc != 0) {
		eal_args_free(e);
		errno = -rc;
		return -1;
	}
	return 0;
}

void
eal_args_free(struct eal_argv *e)
{
	for (int i = 0; i < e->nb_owned; i++)
		free(e->owned[i]);
	free(e->owned);
	free(e->argv);
	memset(e, 0, sizeof(*e));
}
