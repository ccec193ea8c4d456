/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control-thread side of the operational commands: each function runs
 * on the control thread (posted by cli_call) and prints a Junos-like table.
 * These are the only places lib/cli reads the planes (gw_dp, routes,
 * neighbours, counters, the SA manager): small adapters, so the SA API
 * refactoring touches this file only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_version.h>

#include "gw_apply_sa.h"
#include "gw_build.h"
#include "gw_conf.h"
#include "gw_dp.h"
#include "gw_neigh.h"
#include "gw_route.h"
#include "gw_sa.h"
#include "gw_samgr.h"
#include "gw_stats.h"
#include "cli_priv.h"

static const char *
addr_str(int family, const void *a, char *buf, size_t len)
{
	return inet_ntop(family, a, buf, len) != NULL ? buf : "?";
}

static const char *
prefix_str(const struct gw_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", addr_str(p->family, &p->v4, a, sizeof(a)), p->len);
	return buf;
}

static void
time_str(time_t t, char *buf, size_t len)
{
	struct tm tm;

	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&t, &tm));
}

int
cli_dp_host_name(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	fputs((*s->p.running)->host_name, out);
	return 0;
}

int
cli_dp_version(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	fprintf(out, "Hostname: %s\nModel: gdoigw\nJunos-like CLI, gdoigw %s\n"
		"DPDK %s\n", (*s->p.running)->host_name, GW_VERSION, rte_version());
	return 0;
}

static void
duration(FILE *out, time_t secs)
{
	fprintf(out, "%ld day%s, %02ld:%02ld:%02ld", (long)(secs / 86400),
		secs / 86400 == 1 ? "" : "s", (long)(secs % 86400 / 3600),
		(long)(secs % 3600 / 60), (long)(secs % 60));
}

int
cli_dp_uptime(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	time_t now = time(NULL);
	char t[64];

	time_str(now, t, sizeof(t));
	fprintf(out, "Current time: %s\n", t);
	time_str(s->started, t, sizeof(t));
	fprintf(out, "System booted: %s (", t);
	duration(out, now - s->started);
	fprintf(out, " ago)\n");
	if (s->last_commit != 0) {
		time_str(s->last_commit, t, sizeof(t));
		fprintf(out, "Last configured: %s (", t);
		duration(out, now - s->last_commit);
		fprintf(out, " ago) by %s\n", s->last_commit_user);
	}
	return 0;
}

/* ---- interfaces ---- */

static void
if_addrs(FILE *out, const struct gw_conf_interface *ifc, const char *indent, bool terse)
{
	char p[64];

	for (unsigned int i = 0; i < ifc->nb_addrs; i++) {
		prefix_str(&ifc->addrs[i], p, sizeof(p));
		if (terse)
			fprintf(out, "%-24s%-6s%-6s%-9s%s\n", "", "", "",
				ifc->addrs[i].family == AF_INET6 ? "inet6" : "inet", p);
		else
			fprintf(out, "%sProtocol %s, Local: %s\n", indent,
				ifc->addrs[i].family == AF_INET6 ? "inet6" : "inet", p);
	}
}

int
cli_dp_interfaces(struct cli_server *s, const char *arg, FILE *out)
{
	const struct gw_config *conf = *s->p.running;
	struct gw_dp *dp = s->p.dp;
	bool terse = strstr(arg, "terse") != NULL, ext = strstr(arg, "extensive") != NULL;
	struct gw_stats_snapshot snap;
	char name[64] = "", mac[RTE_ETHER_ADDR_FMT_SIZE];
	bool found = false;

	if (sscanf(arg, "%63s", name) == 1 && (!strcmp(name, "terse") ||
					       !strcmp(name, "extensive")))
		name[0] = '\0';
	gw_stats_snapshot(&snap, dp->nb_ports);
	if (terse)
		fprintf(out, "%-24s%-6s%-6s%-9s%s\n", "Interface", "Admin", "Link", "Proto",
			"Local");
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		const struct gw_port *p = &dp->ports[i];
		const struct gw_port_counters *c = &snap.port[i];
		const struct gw_conf_interface *ifc = gw_conf_interface_find(conf, p->name);
		struct rte_eth_link link = { 0 };

		if (name[0] != '\0' && strcmp(name, p->name) != 0)
			continue;
		found = true;
		rte_eth_link_get_nowait(p->port_id, &link);
		if (terse) {
			fprintf(out, "%-24s%-6s%-6s\n", p->name, p->up ? "up" : "down",
				link.link_status ? "up" : "down");
			if (ifc != NULL)
				if_addrs(out, ifc, "", true);
			continue;
		}
		rte_ether_format_addr(mac, sizeof(mac), &p->mac);
		fprintf(out, "Physical interface: %s, %s, Physical link is %s\n", p->name,
			p->up ? "Enabled" : "Administratively down",
			link.link_status ? "Up" : "Down");
		fprintf(out, "  Device: %s, DPDK port %u, MTU: %u, Speed: %u mbps\n",
			ifc != NULL ? ifc->device : "?", p->port_id, p->mtu, link.link_speed);
		fprintf(out, "  Current address: %s\n", mac);
		fprintf(out, "  Traffic statistics:\n"
			"   Input  bytes  :%20" PRIu64 "\n   Output bytes  :%20" PRIu64 "\n"
			"   Input  packets:%20" PRIu64 "\n   Output packets:%20" PRIu64 "\n",
			c->rx_bytes, c->tx_bytes, c->rx_pkts, c->tx_pkts);
		fprintf(out, "   To kernel     :%20" PRIu64 "\n   From kernel   :%20" PRIu64
			"\n", c->to_kernel, c->from_kernel);
		if (ext) {
			fprintf(out, "  Drops by reason:\n");
			for (int r = 1; r < GW_DROP_MAX; r++)
				if (c->drops[r] != 0)
					fprintf(out, "   %-28s%20" PRIu64 "\n", gw_drop_name(r),
						c->drops[r]);
		}
		fprintf(out, "  Logical interface %s.0\n", p->name);
		if (ifc != NULL)
			if_addrs(out, ifc, "    ", false);
		fprintf(out, "\n");
	}
	if (name[0] != '\0' && !found)
		fprintf(out, "error: device %s not found\n", name);
	return 0;
}

int
cli_dp_monitor(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	struct gw_dp *dp = s->p.dp;
	struct gw_stats_snapshot snap;

	gw_stats_snapshot(&snap, dp->nb_ports);
	fprintf(out, "%-16s%8s%20s%20s%20s%20s\n", "Interface", "Link", "Input packets",
		"Output packets", "Input bytes", "Output bytes");
	for (unsigned int i = 0; i < dp->nb_ports; i++) {
		const struct gw_port_counters *c = &snap.port[i];

		fprintf(out, "%-16s%8s%20" PRIu64 "%20" PRIu64 "%20" PRIu64 "%20" PRIu64 "\n",
			dp->ports[i].name, dp->ports[i].up ? "Up" : "Down", c->rx_pkts,
			c->tx_pkts, c->rx_bytes, c->tx_bytes);
	}
	return 0;
}

/* ---- routes and neighbours ---- */

struct route_walk {
	FILE *out;
	struct gw_dp *dp;
	const struct gw_prefix *only;	/* family 0: all */
	unsigned int shown;
};

static int
route_cb(const struct gw_prefix *prefix, enum gw_route_source source,
	 const struct gw_route_nh *nh, void *arg)
{
	struct route_walk *w = arg;
	char p[64], gw[INET6_ADDRSTRLEN];
	const char *proto = source == GW_ROUTE_SRC_DIRECT ? "Direct" :
		source == GW_ROUTE_SRC_LOCAL ? "Local" : "Static";
	unsigned int pref = source == GW_ROUTE_SRC_STATIC ? 5 : 0;

	if (w->only->family != 0 && (w->only->family != prefix->family ||
				     (w->only->len != 0 && !gw_prefix_contains(prefix,
					 &(struct gw_ipaddr){ .family = w->only->family,
							      .v6 = w->only->v6 }))))
		return 0;
	w->shown++;
	fprintf(w->out, "%-20s*[%s/%u] 00:00:00\n", prefix_str(prefix, p, sizeof(p)), proto,
		pref);
	if (nh->kind == GW_ROUTE_DISCARD)
		fprintf(w->out, "%22sDiscard\n", "");
	else if (nh->kind == GW_ROUTE_LOCAL)
		fprintf(w->out, "%22sLocal via %s\n", "",
			nh->port < w->dp->nb_ports ? w->dp->ports[nh->port].name : "?");
	else if (nh->direct)
		fprintf(w->out, "%22s> via %s\n", "",
			nh->port < w->dp->nb_ports ? w->dp->ports[nh->port].name : "?");
	else
		fprintf(w->out, "%22s> to %s via %s\n", "",
			addr_str(nh->family, &nh->gw, gw, sizeof(gw)),
			nh->port < w->dp->nb_ports ? w->dp->ports[nh->port].name : "?");
	return 0;
}

int
cli_dp_route(struct cli_server *s, const char *arg, FILE *out)
{
	struct gw_prefix only = { 0 };
	char word[64] = "";
	struct route_walk w = { .out = out, .dp = s->p.dp, .only = &only };

	if (sscanf(arg, "%63s", word) == 1) {
		char with_len[72];

		if (strchr(word, '/') == NULL)
			snprintf(with_len, sizeof(with_len), "%s/%u", word,
				 strchr(word, ':') ? 128 : 32);
		else
			snprintf(with_len, sizeof(with_len), "%s", word);
		if (gw_prefix_parse(with_len, &only) != 0) {
			fprintf(out, "error: invalid prefix '%s'\n", word);
			return 0;
		}
	}
	fprintf(out, "\ninet.0: %u destinations, %u routes\n+ = Active Route, * = Both\n\n",
		gw_route_count(s->p.dp->routes), gw_route_count(s->p.dp->routes));
	gw_route_walk(s->p.dp->routes, route_cb, &w);
	return 0;
}

struct neigh_walk {
	FILE *out;
	struct gw_dp *dp;
	int family;
};

static int
neigh_cb(const struct gw_neigh_key *key, enum gw_neigh_state state,
	 const struct rte_ether_addr *mac, uint64_t last_seen __attribute__((unused)),
	 void *arg)
{
	struct neigh_walk *w = arg;
	char m[RTE_ETHER_ADDR_FMT_SIZE] = "", a[INET6_ADDRSTRLEN];
	const char *ifname = key->port < w->dp->nb_ports ? w->dp->ports[key->port].name : "?";

	if (key->family != w->family)
		return 0;
	if (state == GW_NEIGH_REACHABLE || state == GW_NEIGH_STATIC)
		rte_ether_format_addr(m, sizeof(m), mac);
	else
		snprintf(m, sizeof(m), "(none)");
	addr_str(key->family, key->ip, a, sizeof(a));
	if (w->family == AF_INET)
		fprintf(w->out, "%-18s %-16s %-16s %-10s %s\n", m, a, a, ifname,
			state == GW_NEIGH_STATIC ? "permanent" : "none");
	else
		fprintf(w->out, "%-40s %-18s %-12s %s\n", a, m, gw_neigh_state_name(state),
			ifname);
	return 0;
}

int
cli_dp_arp(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	struct neigh_walk w = { .out = out, .dp = s->p.dp, .family = AF_INET };

	fprintf(out, "%-18s %-16s %-16s %-10s %s\n", "MAC Address", "Address", "Name",
		"Interface", "Flags");
	gw_neigh_walk(s->p.dp->neigh, neigh_cb, &w);
	return 0;
}

int
cli_dp_ndp(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	struct neigh_walk w = { .out = out, .dp = s->p.dp, .family = AF_INET6 };

	fprintf(out, "%-40s %-18s %-12s %s\n", "IPv6 Address", "Linklayer Address", "State",
		"Interface");
	gw_neigh_walk(s->p.dp->neigh, neigh_cb, &w);
	return 0;
}

/* ---- IPsec SAs: through the SA manager's query calls only ---- */

struct sa_base {
	char name[GW_CONF_NAME_LEN];
	struct gw_sa_stats st;
};

/* SA statistics minus the baseline `clear security ipsec statistics` left. */
static int
sa_stats(struct cli_server *s, const char *name, struct gw_sa_stats *st)
{
	const struct sa_base *b = s->sa_base;
	/* the configuration's SAs by name (the owner "config"; lib/apply) */
	int rc = gw_samgr_sa_stats(s->p.dp->samgr, gw_apply_sa_id(s->p.dp->apply_sa, name), st);

	if (rc != 0)
		return rc;
	for (unsigned int i = 0; i < s->nb_sa_base; i++) {
		if (strcmp(b[i].name, name) != 0)
			continue;
		st->packets -= RTE_MIN(st->packets, b[i].st.packets);
		st->bytes -= RTE_MIN(st->bytes, b[i].st.bytes);
		for (int r = 0; r < GW_DROP_MAX; r++)
			st->drops[r] -= RTE_MIN(st->drops[r], b[i].st.drops[r]);
	}
	return 0;
}

/* "index N" in arg: N, else 0 (all). */
static unsigned int
arg_index(const char *arg)
{
	const char *p = strstr(arg, "index ");

	return p != NULL ? (unsigned int)strtoul(p + 6, NULL, 10) : 0;
}

int
cli_dp_ipsec_sa(struct cli_server *s, const char *arg, FILE *out)
{
	const struct gw_config *conf = *s->p.running;
	unsigned int only = arg_index(arg);
	bool detail = strstr(arg, "detail") != NULL;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	fprintf(out, "  Total active tunnels: %u\n", s->p.dp->samgr != NULL ?
		gw_samgr_count(s->p.dp->samgr) : 0);
	if (!detail)
		fprintf(out, "  ID    Algorithm       SPI      Life:sec/kb  Mon lsys Port  "
			"Gateway   \n");
	for (unsigned int i = 0; i < conf->nb_sas; i++) {
		const struct gw_conf_sa *sa = &conf->sas[i];
		struct gw_sa_stats st = { 0 };
		bool up = s->p.dp->samgr != NULL && sa_stats(s, sa->name, &st) == 0;

		if (only != 0 && only != i + 1)
			continue;
		if (sa->group)
			snprintf(r, sizeof(r), "group");
		else
			addr_str(sa->tunnel_remote.family, &sa->tunnel_remote.v4, r, sizeof(r));
		if (!detail) {
			fprintf(out, "  %c%-5u ESP:%-11s %08x unlim/unlim  -   root %-5u %s\n",
				sa->direction == GW_SA_INBOUND ? '<' : '>', i + 1,
				gw_cipher_name(sa->crypto.cipher, sa->crypto.cipher_key_len),
				sa->spi,
				sa->udp_encap != 0 ? (sa->udp_port ? sa->udp_port : 4500) : 500,
				r);
			continue;
		}
		addr_str(sa->tunnel_local.family, &sa->tunnel_local.v4, l, sizeof(l));
		fprintf(out, "  ID: %u Virtual-system: root, VPN Name: %s\n", i + 1, sa->name);
		fprintf(out, "  Local Gateway: %s, Remote Gateway: %s\n",
			sa->group ? "-" : l, r);
		fprintf(out, "  State: %s, Mode: %s\n", up ? "installed" : "not installed",
			sa->group ? "Group" : "Tunnel");
		fprintf(out, "    Direction: %s, SPI: %08x\n",
			sa->direction == GW_SA_INBOUND ? "inbound" : "outbound", sa->spi);
		fprintf(out, "    Protocol: ESP, Encryption: %s, Authentication: %s\n",
			gw_cipher_name(sa->crypto.cipher, sa->crypto.cipher_key_len),
			gw_auth_name(sa->crypto.auth));
		fprintf(out, "    Anti-replay service: %s, Replay window size: %u, ESN: %s\n",
			sa->anti_replay == 0 ? "disabled" : "counter-based enabled",
			sa->replay_window, sa->esn ? "yes" : "no");
		fprintf(out, "    Packets: %" PRIu64 ", Bytes: %" PRIu64 "\n\n", st.packets,
			st.bytes);
	}
	return cli_ike_show_ipsec(s, arg, out);
}

int
cli_dp_ipsec_stats(struct cli_server *s, const char *arg, FILE *out)
{
	const struct gw_config *conf = *s->p.running;
	unsigned int only = arg_index(arg);
	struct gw_sa_stats sum = { 0 };

	for (unsigned int i = 0; i < conf->nb_sas; i++) {
		struct gw_sa_stats st = { 0 };

		if ((only != 0 && only != i + 1) || s->p.dp->samgr == NULL ||
		    sa_stats(s, conf->sas[i].name, &st) != 0)
			continue;
		if (conf->sas[i].direction == GW_SA_INBOUND) {
			sum.drops[0] += st.packets;	/* decrypted */
		} else {
			sum.packets += st.packets;
			sum.bytes += st.bytes;
		}
		for (int r = 1; r < GW_DROP_MAX; r++)
			sum.drops[r] += st.drops[r];
	}
	fprintf(out, "ESP Statistics:\n  Encrypted bytes:%18" PRIu64 "\n"
		"  Encrypted packets:%16" PRIu64 "\n  Decrypted packets:%16" PRIu64 "\n",
		sum.bytes, sum.packets, sum.drops[0]);
	fprintf(out, "Errors:\n");
	for (int r = 1; r < GW_DROP_MAX; r++)
		if (sum.drops[r] != 0)
			fprintf(out, "  %-30s%10" PRIu64 "\n", gw_drop_name(r), sum.drops[r]);
	return 0;
}

int
cli_dp_ipsec_clear(struct cli_server *s, const char *arg, FILE *out)
{
	const struct gw_config *conf = *s->p.running;
	unsigned int only = arg_index(arg), n = 0;
	struct sa_base *b = calloc(conf->nb_sas + 1, sizeof(*b));

	if (b == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < conf->nb_sas; i++) {
		const struct sa_base *old = s->sa_base;
		bool kept = false;

		snprintf(b[n].name, sizeof(b[n].name), "%s", conf->sas[i].name);
		if (only != 0 && only != i + 1) {
			/* keep this SA's previous baseline */
			for (unsigned int j = 0; j < s->nb_sa_base; j++)
				if (strcmp(old[j].name, conf->sas[i].name) == 0) {
					b[n++].st = old[j].st;
					kept = true;
					break;
				}
			continue;
		}
		if (!kept && s->p.dp->samgr != NULL &&
		    gw_samgr_sa_stats(s->p.dp->samgr,
				      gw_apply_sa_id(s->p.dp->apply_sa, conf->sas[i].name),
				      &b[n].st) == 0)
			n++;
	}
	free(s->sa_base);
	s->sa_base = b;
	s->nb_sa_base = n;
	fprintf(out, "%s\n", only != 0 ? "Statistics of the SA cleared" :
		"IPsec statistics cleared");
	return 0;
}

/* ---- log: the tail of the traceoptions file (its last 200 lines) ---- */

int
cli_dp_log(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	const struct gw_config *conf = *s->p.running;
	char *lines[200] = { NULL }, buf[1024];
	unsigned int n = 0;
	FILE *f;

	if (conf->trace.file[0] == '\0' || strcmp(conf->trace.file, "syslog") == 0) {
		fprintf(out, "Logging goes to %s; set `system traceoptions file` to a path to "
			"read it here.\n", conf->trace.file[0] ? "syslog" : "standard error");
		return 0;
	}
	f = fopen(conf->trace.file, "r");
	if (f == NULL) {
		fprintf(out, "error: %s: %s\n", conf->trace.file, strerror(errno));
		return 0;
	}
	/* the last 64 kB only: the control thread does not read a whole long log */
	if (fseek(f, -65536, SEEK_END) == 0 && fgets(buf, sizeof(buf), f) == NULL)
		rewind(f);
	else if (ftell(f) < 0)
		rewind(f);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		free(lines[n % RTE_DIM(lines)]);
		lines[n % RTE_DIM(lines)] = strdup(buf);
		n++;
	}
	fclose(f);
	for (unsigned int i = n > RTE_DIM(lines) ? n - RTE_DIM(lines) : 0; i < n; i++) {
		fputs(lines[i % RTE_DIM(lines)] ? lines[i % RTE_DIM(lines)] : "", out);
	}
	for (unsigned int i = 0; i < RTE_DIM(lines); i++)
		free(lines[i]);
	return 0;
}

/* The running configuration as file text, keys included (the candidate's start). */
int
cli_dp_active_text(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	return gw_conf_write(*s->p.running, out, true);
}
