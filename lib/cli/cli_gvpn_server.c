/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key server's operational commands (lib/gks):
 *   show security group-vpn server group [NAME] [detail]
 *   show security group-vpn server members [NAME]
 *   show security group-vpn server statistics
 *   clear security group-vpn server rekey NAME [kek]     (push new keys now)
 *   clear security group-vpn server member NAME ADDRESS  (remove a member)
 * The session thread joins the arguments; the control thread, which owns the
 * key server, answers (cli_call_print).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libcli.h>

#include "gks.h"
#include "cli_priv.h"

static const char *
tek_alg(const struct gks_tek_info *t, char *buf, size_t len)
{
	const char *enc = t->transform == GDOI_ESP_3DES ? "3des-cbc" :
			  t->transform == GDOI_ESP_AES_GCM_16 ? "aes-gcm" : "aes-cbc";
	const char *auth = t->auth == GDOI_AUTH_HMAC_SHA1 ? "/hmac-sha1-96" :
			   t->auth == GDOI_AUTH_HMAC_SHA2_256 ? "/hmac-sha-256-128" : "";

	if (t->transform == GDOI_ESP_3DES)
		snprintf(buf, len, "%s%s", enc, auth);
	else
		snprintf(buf, len, "%s-%u%s", enc, t->key_bits, auth);
	return buf;
}

static void
print_members(struct gks_server *k, unsigned int g, FILE *out)
{
	struct gks_member_info mi;
	char a[INET6_ADDRSTRLEN];

	fprintf(out, "  %-40s %-24s %10s %8s %9s %s\n", "Member", "Identity", "Registered",
		"SEQ sent", "SEQ acked", "Policy");
	for (unsigned int m = 0; gks_member_info(k, g, m, &mi) == 0; m++)
		fprintf(out, "  %-40s %-24s %9us %8u %9u %s\n",
			gks_prefix_str(&mi.addr, a, sizeof(a)), mi.identity, mi.registered_s,
			mi.seq_sent, mi.seq_acked, mi.current ? "current" : "outdated");
}

static int
show_group(struct cli_server *s, const char *arg, FILE *out)
{
	struct gks_server *k = s->p.gks;
	struct gks_group_info gi;
	char name[64] = "", word[64] = "", alg[48];
	bool detail = false;
	unsigned int shown = 0;
	int n;

	if (k == NULL) {
		fprintf(out, "Group VPN server not configured\n");
		return 0;
	}
	n = sscanf(arg, "%63s %63s", name, word);
	if (strcmp(name, "detail") == 0) {
		detail = true;
		name[0] = '\0';
	} else if (n == 2 && strcmp(word, "detail") == 0) {
		detail = true;
	}
	for (unsigned int g = 0; gks_group_info(k, g, &gi) == 0; g++) {
		if (name[0] != '\0' && strcmp(name, gi.name) != 0)
			continue;
		shown++;
		fprintf(out, "Group: %s, Group ID: %u\n", gi.name, gi.id);
		fprintf(out, "  Members: %u, holding the current policy: %u\n", gi.nmembers,
			gi.members_current);
		fprintf(out, "  SEQ: %u, registrations: %" PRIu64 ", rekeys: %" PRIu64
			", ACKs: %" PRIu64 "\n", gi.seq, gi.pulls, gi.pushes, gi.acks);
		if (gi.has_kek) {
			fprintf(out, "  KEK SPI: ");
			for (unsigned int i = 0; i < sizeof(gi.kek_spi); i++)
				fprintf(out, "%02x", gi.kek_spi[i]);
			fprintf(out, ", remaining %u s\n", gi.kek_remaining_s);
		} else {
			fprintf(out, "  KEK: none (no rekeys)\n");
		}
		for (unsigned int t = 0; t < gi.nteks; t++)
			fprintf(out, "  TEK %-16s SPI 0x%08x %-28s remaining %u s\n",
				gi.teks[t].name, gi.teks[t].spi, tek_alg(&gi.teks[t], alg,
									   sizeof(alg)),
				gi.teks[t].remaining_s);
		if (detail)
			print_members(k, g, out);
	}
	if (name[0] != '\0' && shown == 0) {
		fprintf(out, "error: no group '%s'\n", name);
		return -ENOENT;
	}
	return 0;
}

static int
show_members(struct cli_server *s, const char *arg, FILE *out)
{
	struct gks_server *k = s->p.gks;
	struct gks_group_info gi;
	char name[64] = "";

	if (k == NULL) {
		fprintf(out, "Group VPN server not configured\n");
		return 0;
	}
	sscanf(arg, "%63s", name);
	for (unsigned int g = 0; gks_group_info(k, g, &gi) == 0; g++) {
		if (name[0] != '\0' && strcmp(name, gi.name) != 0)
			continue;
		fprintf(out, "Group: %s (%u members)\n", gi.name, gi.nmembers);
		print_members(k, g, out);
	}
	return 0;
}

static int
show_stats(struct cli_server *s, const char *arg __attribute__((unused)), FILE *out)
{
	struct gks_stats st;

	gks_stats_get(s->p.gks, &st);
	fprintf(out, "Datagrams received %" PRIu64 ", sent %" PRIu64
		", replies resent %" PRIu64 "\n", st.rx, st.tx, st.dup_retx);
	fprintf(out, "Phase 1 done %" PRIu64 ", failed %" PRIu64 "\n", st.p1_done, st.p1_fail);
	fprintf(out, "Registrations done %" PRIu64 ", refused %" PRIu64 "\n", st.pull_done,
		st.pull_fail);
	fprintf(out, "Rekeys %" PRIu64 ", ACKs %" PRIu64 ", bad ACKs %" PRIu64 "\n", st.pushes,
		st.acks, st.acks_bad);
	fprintf(out, "Main Mode DH on the helper thread %" PRIu64 ", results dropped %" PRIu64
		"\n", st.dh_async, st.dh_stale);
	fprintf(out, "PUSH signatures on the helper thread %" PRIu64 ", results dropped %" PRIu64
		"\n", st.push_signs, st.push_stale);
	fprintf(out, "Refused: malformed %" PRIu64 ", authentication %" PRIu64
		", unknown group %" PRIu64 ", no proposal %" PRIu64 "\n", st.bad_msg,
		st.auth_fail, st.no_group, st.no_proposal);
	return 0;
}

static int
do_rekey(struct cli_server *s, const char *arg, FILE *out)
{
	char name[64] = "", kek[16] = "";
	int rc;

	if (sscanf(arg, "%63s %15s", name, kek) < 1) {
		fprintf(out, "error: group name missing\n");
		return -EINVAL;
	}
	rc = gks_group_rekey(s->p.gks, name, strcmp(kek, "kek") == 0);
	fprintf(out, rc == 0 ? "group %s rekeyed\n" : "error: no group '%s'\n", name);
	return rc;
}

static int
do_remove(struct cli_server *s, const char *arg, FILE *out)
{
	char name[64] = "", addr[64] = "";
	struct gks_prefix p = { 0 };
	int rc;

	if (sscanf(arg, "%63s %63s", name, addr) != 2) {
		fprintf(out, "error: usage: member GROUP ADDRESS\n");
		return -EINVAL;
	}
	p.family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	p.plen = p.family == AF_INET ? 32 : 128;
	if (inet_pton(p.family, addr, p.addr) != 1) {
		fprintf(out, "error: '%s' is not an address\n", addr);
		return -EINVAL;
	}
	rc = gks_member_remove(s->p.gks, name, &p);
	fprintf(out, rc == 0 ? "member %s removed from %s\n" :
		"error: no member %s in group %s\n", addr, name);
	return rc;
}

OP_CMD(cmd_group, show_group)
OP_CMD(cmd_members, show_members)
OP_CMD(cmd_stats, show_stats)
OP_CMD(cmd_rekey, do_rekey)
OP_CMD(cmd_remove, do_remove)

void
cli_gvpn_server_register(struct cli_def *cli, struct cli_command *show_gvpn,
			 struct cli_command *clear_sec)
{
	const int P = PRIVILEGE_UNPRIVILEGED, M = MODE_EXEC;
	struct cli_command *srv, *cgvpn, *csrv;

	srv = cli_register_command(cli, show_gvpn, "server", NULL, P, M, "Group key server");
	cli_register_command(cli, srv, "group", cmd_group, P, M,
			     "Groups: keys, SEQ, members [NAME] [detail]");
	cli_register_command(cli, srv, "members", cmd_members, P, M,
			     "Registered members and the policy they hold [GROUP]");
	cli_register_command(cli, srv, "statistics", cmd_stats, P, M, "Key server counters");
	cgvpn = cli_register_command(cli, clear_sec, "group-vpn", NULL, P, M, "Group VPN");
	csrv = cli_register_command(cli, cgvpn, "server", NULL, P, M, "Group key server");
	cli_register_command(cli, csrv, "rekey", cmd_rekey, P, M,
			     "Push new TEKs now: GROUP [kek]");
	cli_register_command(cli, csrv, "member", cmd_remove, P, M,
			     "Remove a member (GROUP ADDRESS): deletes to it, new keys to others");
}
