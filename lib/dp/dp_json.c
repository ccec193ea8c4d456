/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters as JSON, for tests and scripts (--stats-file). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "gw_dp.h"

static void
write_drops(FILE *f, const uint64_t *drops)
{
	bool first = true;

	fputc('{', f);
	for (int r = 1; r < GW_DROP_MAX; r++) {
		if (drops[r] == 0)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ", gw_drop_name(r), drops[r]);
		first = false;
	}
	fputc('}', f);
}

int
gw_dp_stats_write_json(const struct gw_dp *dp, const char *path)
{
	struct gw_stats_snapshot snap;
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -errno;
	gw_stats_snapshot(&snap, dp->nb_ports);
	fprintf(f, "{\"ports\": [");
	for (unsigned int p = 0; p < dp->nb_ports; p++) {
		const struct gw_port_counters *c = &snap.port[p];

		fprintf(f, "%s{\"name\": \"%s\", \"rx_packets\": %" PRIu64 ", \"rx_bytes\": %"
			PRIu64 ", \"tx_packets\": %" PRIu64 ", \"tx_bytes\": %" PRIu64
			", \"to_kernel\": %" PRIu64 ", \"from_kernel\": %" PRIu64
			", \"reasm_consumed\": %" PRIu64 ", \"reasm_held\": %" PRIu64
			", \"originated\": %" PRIu64 ", \"drops\": ",
			p == 0 ? "" : ", ", dp->ports[p].name, c->rx_pkts, c->rx_bytes,
			c->tx_pkts, c->tx_bytes, c->to_kernel, c->from_kernel,
			c->reasm_consumed, c->reasm_held, c->originated);
		write_drops(f, c->drops);
		fputc('}', f);
	}
	fprintf(f, "], \"drops\": ");
	write_drops(f, snap.drops_total);
	fprintf(f, "}\n");
	return fclose(f) == 0 ? 0 : -errno;
}
