/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "gw_log.h"

RTE_LOG_REGISTER(gw_logtype_general, gdoigw.general, NOTICE);
RTE_LOG_REGISTER(gw_logtype_parse, gdoigw.parse, NOTICE);
RTE_LOG_REGISTER(gw_logtype_ike, gdoigw.ike, NOTICE);
RTE_LOG_REGISTER(gw_logtype_policy, gdoigw.policy, NOTICE);
RTE_LOG_REGISTER(gw_logtype_timer, gdoigw.timer, NOTICE);
RTE_LOG_REGISTER(gw_logtype_database, gdoigw.database, NOTICE);
RTE_LOG_REGISTER(gw_logtype_dp, gdoigw.dp, NOTICE);
RTE_LOG_REGISTER(gw_logtype_crypto, gdoigw.crypto, NOTICE);

static const struct {
	const char *name;
	unsigned int flag;
	int *logtype;
} log_flags[] = {
	{ "general", GW_LOGFLAG_GENERAL, &gw_logtype_general },
	{ "parse", GW_LOGFLAG_PARSE, &gw_logtype_parse },
	{ "ike", GW_LOGFLAG_IKE, &gw_logtype_ike },
	{ "policy-manager", GW_LOGFLAG_POLICY, &gw_logtype_policy },
	{ "timer", GW_LOGFLAG_TIMER, &gw_logtype_timer },
	{ "database", GW_LOGFLAG_DATABASE, &gw_logtype_database },
	{ "dataplane", GW_LOGFLAG_DATAPLANE, &gw_logtype_dp },
	{ "crypto", GW_LOGFLAG_CRYPTO, &gw_logtype_crypto },
};

static const struct {
	const char *name;
	unsigned int level;
} log_levels[] = {
	{ "error", RTE_LOG_ERR },
	{ "warning", RTE_LOG_WARNING },
	{ "notice", RTE_LOG_NOTICE },
	{ "info", RTE_LOG_INFO },
	{ "verbose", RTE_LOG_DEBUG },
	{ "all", RTE_LOG_DEBUG },
};

unsigned int
gw_log_flag_parse(const char *name)
{
	if (strcmp(name, "all") == 0)
		return GW_LOGFLAG_ALL;
	for (size_t i = 0; i < RTE_DIM(log_flags); i++)
		if (strcmp(name, log_flags[i].name) == 0)
			return log_flags[i].flag;
	return 0;
}

unsigned int
gw_log_level_parse(const char *name)
{
	for (size_t i = 0; i < RTE_DIM(log_levels); i++)
		if (strcmp(name, log_levels[i].name) == 0)
			return log_levels[i].level;
	return 0;
}

static ssize_t
syslog_write(void *cookie __rte_unused, const char *buf, size_t size)
{
	syslog(LOG_INFO, "%.*s", (int)size, buf);
	return (ssize_t)size;
}

int
gw_log_apply(unsigned int flag_mask, unsigned int level, const char *file)
{
	FILE *stream = NULL;

	if (file != NULL && strcmp(file, "syslog") == 0) {
		cookie_io_functions_t io = { .write = syslog_write };

		openlog("gdoigw", LOG_PID, LOG_DAEMON);
		stream = fopencookie(NULL, "w", io);
		if (stream == NULL)
			return -errno;
		setvbuf(stream, NULL, _IOLBF, 0);
	} else if (file != NULL) {
		stream = fopen(file, "a");
		if (stream == NULL)
			return -errno;
		setvbuf(stream, NULL, _IOLBF, 0);
	}
	if (stream != NULL)
		rte_openlog_stream(stream);
	for (size_t i = 0; i < RTE_DIM(log_flags); i++)
		rte_log_set_level(*log_flags[i].logtype,
				  (flag_mask & log_flags[i].flag) ? level : RTE_LOG_NOTICE);
	return 0;
}
