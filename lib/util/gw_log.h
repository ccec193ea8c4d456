/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_LOG_H
#define GW_LOG_H

/*
 * One rte_log type per module. Junos traceoptions flags select which types
 * log at the configured level; everything else stays at "error".
 */

#include <stdbool.h>
#include <rte_log.h>

extern int gw_logtype_general;	/* flag general: process, ports, lcores */
extern int gw_logtype_parse;	/* flag parse: configuration loading */
extern int gw_logtype_ike;	/* flag ike: IKEv2 / IKEv1 / GDOI */
extern int gw_logtype_policy;	/* flag policy-manager: SPD, SAD changes */
extern int gw_logtype_timer;	/* flag timer: lifetimes, rekey timers */
extern int gw_logtype_database;	/* flag database: routes, neighbours */
extern int gw_logtype_dp;	/* flag dataplane: fast path (rate-limited) */
extern int gw_logtype_crypto;	/* flag crypto: engines */

#define GW_LOG(type, level, fmt, ...) \
	rte_log(RTE_LOG_##level, gw_logtype_##type, "gdoigw.%s: " fmt "\n", #type, ##__VA_ARGS__)

/* "all", "general", ... -> mask of GW_LOGFLAG_*; returns 0 if unknown. */
#define GW_LOGFLAG_GENERAL	0x01
#define GW_LOGFLAG_PARSE	0x02
#define GW_LOGFLAG_IKE		0x04
#define GW_LOGFLAG_POLICY	0x08
#define GW_LOGFLAG_TIMER	0x10
#define GW_LOGFLAG_DATABASE	0x20
#define GW_LOGFLAG_DATAPLANE	0x40
#define GW_LOGFLAG_CRYPTO	0x80
#define GW_LOGFLAG_ALL		0xff
unsigned int gw_log_flag_parse(const char *name);

/* "error" .. "all" -> RTE_LOG_* level; returns 0 if unknown. */
unsigned int gw_log_level_parse(const char *name);

/*
 * Apply traceoptions: modules in flag_mask log at `level`, the rest at
 * RTE_LOG_NOTICE. file: path to append to, "syslog", or NULL (stderr).
 * Returns 0 or -errno (file cannot be opened).
 */
int gw_log_apply(unsigned int flag_mask, unsigned int level, const char *file);

#endif /* GW_LOG_H */
