/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>
#include <inttypes.h>
#include <ctype.h>

#include <rte_telemetry.h>

#include "gw_stats.h"

struct gw_lcore_counters gw_counters[RTE_MAX_LCORE];

/* "TTL_EXPIRED" -> "ttl-expired", built once at load time. */
static char drop_names[GW_DROP_MAX][40];
static const char *const drop_ids[GW_DROP_MAX] = {
#define GW_DROP_ID(name, help) #name,
	GW_DROP_REASONS(GW_DROP_ID)
#undef GW_DROP_ID
};
static const char *const drop_helps[GW_DROP_MAX] = {
#define GW_DROP_HELP(name, help) help,
	GW_DROP_REASONS(GW_DROP_HELP)
#undef GW_DROP_HELP
};

RTE_INIT(gw_drop_names_init)
{
	for (int r = 0; r < GW_DROP_MAX; r++) {
		size_t i;

		for (i = 0; drop_ids[r][i] != '\0' && i + 1 < sizeof(drop_names[r]); i++)
			drop_names[r][i] = drop_ids[r][i] == '_' ? '-' :
				(char)tolower((unsigned char)drop_ids[r][i]);
		drop_names[r][i] = '\0';
	}
}

const char *
gw_drop_name(enum gw_drop reason)
{
	return (unsigned int)reason < GW_DROP_MAX ? drop_names[reason] : "unknown";
}

const char *
gw_drop_help(enum gw_drop reason)
{
	return (unsigned int)reason < GW_DROP_MAX ? drop_helps[reason] : "unknown";
}

void
gw_stats_snapshot(struct gw_stats_snapshot *snap, uint16_t nb_ports)
{
	memset(snap, 0, sizeof(*snap));
	snap->nb_ports = RTE_MIN(nb_ports, GW_MAX_PORTS);
	for (unsigned int l = 0; l < RTE_MAX_LCORE; l++) {
		for (uint16_t p = 0; p < snap->nb_ports; p++) {
			const struct gw_port_counters *c = &gw_counters[l].port[p];
			struct gw_port_counters *s = &snap->port[p];

			s->rx_pkts += c->rx_pkts;
			s->rx_bytes += c->rx_bytes;
			s->tx_pkts += c->tx_pkts;
			s->tx_bytes += c->tx_bytes;
			s->to_kernel += c->to_kernel;
			s->from_kernel += c->from_kernel;
			s->reasm_consumed += c->reasm_consumed;
			s->reasm_held += c->reasm_held;
			s->originated += c->originated;
			for (int r = 0; r < GW_DROP_MAX; r++) {
				s->drops[r] += c->drops[r];
				snap->drops_total[r] += c->drops[r];
			}
		}
	}
}

void
gw_stats_clear(void)
{
	memset(gw_counters, 0, sizeof(gw_counters));
}

static const char *
default_port_name(uint16_t port)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "port%u", port);
	return buf;
}

void
gw_stats_print(FILE *f, const struct gw_stats_snapshot *snap,
	       const char *(*port_name)(uint16_t port))
{
	if (port_name == NULL)
		port_name = default_port_name;
	fprintf(f, "%-14s %14s %14s %14s %14s %10s %10s\n", "interface", "rx-packets",
		"rx-bytes", "tx-packets", "tx-bytes", "to-kernel", "from-kernel");
	for (uint16_t p = 0; p < snap->nb_ports; p++) {
		const struct gw_port_counters *s = &snap->port[p];

		fprintf(f, "%-14s %14" PRIu64 " %14" PRIu64 " %14" PRIu64 " %14" PRIu64
			" %10" PRIu64 " %10" PRIu64 "\n", port_name(p), s->rx_pkts, s->rx_bytes,
			s->tx_pkts, s->tx_bytes, s->to_kernel, s->from_kernel);
	}
	for (uint16_t p = 0; p < snap->nb_ports; p++) {
		const struct gw_port_counters *s = &snap->port[p];

		if (s->reasm_consumed != 0 || s->reasm_held != 0 || s->originated != 0)
			fprintf(f, "%-14s reassembly: %" PRIu64 " fragments merged, %" PRIu64
				" held; originated: %" PRIu64 "\n", port_name(p),
				s->reasm_consumed, s->reasm_held, s->originated);
	}
	fprintf(f, "drops:\n");
	for (int r = 1; r < GW_DROP_MAX; r++) {
		if (snap->drops_total[r] == 0)
			continue;
		fprintf(f, "  %-28s %14" PRIu64, gw_drop_name(r), snap->drops_total[r]);
		for (uint16_t p = 0; p < snap->nb_ports; p++)
			if (snap->port[p].drops[r] != 0)
				fprintf(f, "  %s=%" PRIu64, port_name(p), snap->port[p].drops[r]);
		fprintf(f, "\n");
	}
}

/* Telemetry keys allow letters, digits and '_' only: "ttl-expired" -> "ttl_expired". */
static char telemetry_names[GW_DROP_MAX][40];

static const char *
telemetry_drop_name(int reason)
{
	if (telemetry_names[reason][0] == '\0') {
		const char *n = gw_drop_name(reason);
		size_t i;

		for (i = 0; n[i] != '\0' && i + 1 < sizeof(telemetry_names[reason]); i++)
			telemetry_names[reason][i] = n[i] == '-' ? '_' : n[i];
		telemetry_names[reason][i] = '\0';
	}
	return telemetry_names[reason];
}

static uint16_t telemetry_nb_ports;
static const char *(*telemetry_port_name)(uint16_t port);

static int
telemetry_drops(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	struct gw_stats_snapshot snap;

	gw_stats_snapshot(&snap, telemetry_nb_ports);
	rte_tel_data_start_dict(d);
	for (int r = 1; r < GW_DROP_MAX; r++)
		rte_tel_data_add_dict_u64(d, telemetry_drop_name(r), snap.drops_total[r]);
	return 0;
}

static int
telemetry_ports(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct gw_stats_snapshot snap;
	const struct gw_port_counters *s;
	unsigned long port;
	char *end;

	if (params == NULL || *params == '\0') {
		rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
		for (uint16_t p = 0; p < telemetry_nb_ports; p++)
			rte_tel_data_add_array_string(d, telemetry_port_name(p));
		return 0;
	}
	port = strtoul(params, &end, 10);
	if (*end != '\0' || port >= telemetry_nb_ports)
		return -EINVAL;
	gw_stats_snapshot(&snap, telemetry_nb_ports);
	s = &snap.port[port];
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", telemetry_port_name(port));
	rte_tel_data_add_dict_u64(d, "rx_packets", s->rx_pkts);
	rte_tel_data_add_dict_u64(d, "rx_bytes", s->rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_packets", s->tx_pkts);
	rte_tel_data_add_dict_u64(d, "tx_bytes", s->tx_bytes);
	rte_tel_data_add_dict_u64(d, "to_kernel", s->to_kernel);
	rte_tel_data_add_dict_u64(d, "from_kernel", s->from_kernel);
	rte_tel_data_add_dict_u64(d, "reasm_consumed", s->reasm_consumed);
	rte_tel_data_add_dict_u64(d, "reasm_held", s->reasm_held);
	rte_tel_data_add_dict_u64(d, "originated", s->originated);
	for (int r = 1; r < GW_DROP_MAX; r++)
		if (s->drops[r] != 0)
			rte_tel_data_add_dict_u64(d, telemetry_drop_name(r), s->drops[r]);
	return 0;
}

int
gw_stats_telemetry_init(uint16_t nb_ports, const char *(*port_name)(uint16_t port))
{
	int rc;

	telemetry_nb_ports = nb_ports;
	telemetry_port_name = port_name != NULL ? port_name : default_port_name;
	rc = rte_telemetry_register_cmd("/gdoigw/drops", telemetry_drops,
					"Packets dropped, by reason, all interfaces");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/gdoigw/ports", telemetry_ports,
			"Interface counters. Parameters: int port_id (none: list names)");
	return rc;
}
