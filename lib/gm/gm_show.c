/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show security group-vpn member ike|ipsec security-associations [detail]`:
 * the member's real state, as text for the CLI (lib/cli/cli_gvpn_member.c).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "gm_priv.h"
#include "gw_gm.h"

static const char *const st[] = {
	[GM_ST_IDLE] = "IDLE", [GM_ST_MM] = "PHASE1", [GM_ST_PULL] = "PULL",
	[GM_ST_REGISTERED] = "UP", [GM_ST_BACKOFF] = "RETRY",
};

static void
hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

void
gm_member_show_ike(struct gm_member *m, FILE *out)
{
	uint64_t now = ctl_now_ms();
	char a[INET6_ADDRSTRLEN];

	fprintf(out, "%-5s %-12s %-8s %-12s %-33s %-15s %s\n", "Index", "VPN", "State",
		"Phase 1", "Initiator cookie  Responder cookie", "Remote Address", "Group");
	for (unsigned int i = 0; m != NULL && i < m->ngroups; i++) {
		const struct gm_group *g = m->groups[i];

		inet_ntop(g->servers[g->server].family, &g->servers[g->server].v4, a, sizeof(a));
		fprintf(out, "%-5u %-12s %-8s %-12s ", i + 1, g->name, st[g->state],
			ike1_state_name(g->p1.state));
		hex(out, g->p1.cky_i, GDOI_COOKIE_LEN);
		fprintf(out, "  ");
		hex(out, g->p1.cky_r, GDOI_COOKIE_LEN);
		fprintf(out, " %-15s %u\n", a, g->group_id);
		if (g->p1.state == IKE1_ST_ESTABLISHED)
			fprintf(out, "      phase 1: %s %s DH group %u, lifetime %u s, age %llu s\n",
				gdoi_cipher_name(g->p1.cipher), gdoi_hash_name(g->p1.hash),
				g->p1.xf.group, g->p1.xf.life_s,
				(unsigned long long)((now - g->p1_started_ms) / 1000));
		if (g->has_kek) {
			fprintf(out, "      KEK SPI ");
			hex(out, g->kek.spi, GDOI_KEK_SPI_LEN);
			fprintf(out, " %s, signature %s, lifetime left %llu s, SEQ %u\n",
				gdoi_cipher_name(g->kek.cipher), gdoi_hash_name(g->kek.sig_hash),
				(unsigned long long)(g->kek_expires_ms > now ?
						     (g->kek_expires_ms - now) / 1000 : 0),
				g->seq);
		}
	}
}

void
gm_member_show_ipsec(struct gm_member *m, FILE *out, bool detail)
{
	uint64_t now = ctl_now_ms();
	char alg[64], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	fprintf(out, "  Total active tunnels: %u\n", 0u + (m != NULL ? m->ngroups : 0));
	fprintf(out, "  %-12s %-10s %-32s %-9s %-9s %s\n", "VPN", "SPI", "Algorithm",
		"Life:sec", "State", "Selectors");
	for (unsigned int i = 0; m != NULL && i < m->ngroups; i++) {
		struct gm_group *g = m->groups[i];

		for (unsigned int j = 0; j < GM_MAX_SAS; j++) {
			struct gm_sa *s = &g->sas[j];

			if (!s->used)
				continue;
			inet_ntop(s->tek.src.family, &s->tek.src.v4, src, sizeof(src));
			inet_ntop(s->tek.dst.family, &s->tek.dst.v4, dst, sizeof(dst));
			fprintf(out, "  %-12s %08x   %-32s %-9llu %-9s %s/%u -> %s/%u\n", g->name,
				s->tek.spi, gm_tek_alg_name(&s->tek, alg, sizeof(alg)),
				(unsigned long long)(s->expires_ms > now ?
						     (s->expires_ms - now) / 1000 : 0),
				s->out_id != GW_SA_ID_NONE ? "encrypt" : "decrypt",
				src, s->tek.src.len, dst, s->tek.dst.len);
			if (!detail)
				continue;
			if (s->in_id != GW_SA_ID_NONE)
				g->m->in.ops->query_sa(g->m->in.ctx, s->in_id, &s->in_ctr);
			if (s->out_id != GW_SA_ID_NONE)
				g->m->in.ops->query_sa(g->m->in.ctx, s->out_id, &s->out_ctr);
			fprintf(out, "    inbound:  %llu packets, %llu bytes, %llu drops\n",
				(unsigned long long)s->in_ctr.packets,
				(unsigned long long)s->in_ctr.bytes,
				(unsigned long long)s->in_ctr.drops);
			fprintf(out, "    outbound: %llu packets, %llu bytes, %llu drops%s\n",
				(unsigned long long)s->out_ctr.packets,
				(unsigned long long)s->out_ctr.bytes,
				(unsigned long long)s->out_ctr.drops,
				s->out_id == GW_SA_ID_NONE ? " (not yet active)" : "");
		}
		if (!detail)
			continue;
		fprintf(out, "  %s: group %u on %s, state %s, delay-detection window %u ms, "
			"ATD %u s, DTD %u s\n", g->name, g->group_id, g->ifname, st[g->state],
			g->gap.d3p_window_ms, g->gap.atd, g->gap.dtd);
		for (unsigned int c = 0; c < GM_C_MAX; c++)
			if (g->ctr[c] != 0)
				fprintf(out, "    %-22s %llu\n", gm_counter_names[c],
					(unsigned long long)g->ctr[c]);
		if (g->last_error[0] != '\0')
			fprintf(out, "    last error: %s\n", g->last_error);
	}
}
