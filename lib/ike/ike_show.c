/* SPDX-License-Identifier: BSD-3-Clause */
/* Operational output: `show security ike|ipsec security-associations`, `clear`. */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

static const char *
encr_str(uint16_t encr, uint16_t bits, char *buf, size_t len)
{
	snprintf(buf, len, "aes-%s-%u", encr == IKE_ENCR_AES_GCM_16 ? "gcm" : "cbc", bits);
	return buf;
}

void
ike_show_header(FILE *out)
{
	fprintf(out, "%-7s %-9s %-17s %-17s %-8s %s\n", "Index", "State", "Initiator cookie",
		"Responder cookie", "Mode", "Remote Address");
}

/* Rekey state and age of the SA's identity (ike_rekey_i.c). */
static void
ike_show_rekey(const struct ike_sa *sa, FILE *out, uint64_t now)
{
	fprintf(out, "  Rekeys: %u, this IKE SA %llu seconds old, ", sa->rekeys,
		sa->rekeyed_ms ? (unsigned long long)((now - sa->rekeyed_ms) / 1000) : 0ULL);
	if (sa->state == IKE_ST_REKEYED)
		fprintf(out, "replaced by index %u (waiting for its delete)\n", sa->replaced_by);
	else if (sa->ike_rekeying)
		fprintf(out, "rekey in progress\n");
	else if (sa->rekey_at_ms > now)
		fprintf(out, "next rekey in %llu seconds\n",
			(unsigned long long)((sa->rekey_at_ms - now) / 1000));
	else
		fprintf(out, "rekey due\n");
}

static const char *
dpd_mode_name(uint32_t mode)
{
	static const char *const names[] = {	/* enum gw_ike_dpd, as configured */
		[GW_IKE_DPD_OPTIMIZED] = "optimized", [GW_IKE_DPD_ALWAYS] = "always-send",
		[GW_IKE_DPD_PROBE_IDLE] = "probe-idle-tunnel",
	};

	return mode < sizeof(names) / sizeof(names[0]) ? names[mode] : "?";
}

void
ike_show_ike_sas(struct ike_daemon *d, FILE *out, bool detail, uint32_t index)
{
	uint64_t now = ctl_now_ms();

	if (!detail)
		ike_show_header(out);
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		const struct ike_sa *sa = &d->sas[i];
		char enc[32], tmp[16];
		unsigned int nchild = 0;

		if (!sa->used || (index != 0 && sa->index != index))
			continue;
		for (unsigned int c = 0; c < IKE_MAX_CHILDREN; c++)
			nchild += sa->children[c].used;
		if (!detail) {
			fprintf(out, "%-7u %-9s %016llx  %016llx  %-8s %s\n", sa->index,
				ike_state_name(sa->state), (unsigned long long)sa->spi_i,
				(unsigned long long)sa->spi_r, "IKEv2",
				ike_addr_str(&sa->remote));
			continue;
		}
		fprintf(out, "IKE peer %s, Index %u, Gateway Name: %s\n",
			ike_addr_str(&sa->remote), sa->index, sa->gw->name);
		fprintf(out, "  Role: %s, State: %s\n", sa->initiator ? "Initiator" : "Responder",
			ike_state_name(sa->state));
		fprintf(out, "  Initiator cookie: %016llx, Responder cookie: %016llx\n",
			(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
		fprintf(out, "  Exchange type: IKEv2, Authentication method: Pre-shared-keys\n");
		fprintf(out, "  Local: %s:%u, ", ike_addr_str(&sa->local),
			sa->natt ? d->natt_port : d->port);
		fprintf(out, "Remote: %s:%u\n", ike_addr_str(&sa->remote),
			ike_addr_port(&sa->remote));
		fprintf(out, "  Established: %llu seconds ago\n", sa->established_ms ?
			(unsigned long long)((now - sa->established_ms) / 1000) : 0ULL);
		fprintf(out, "  Peer ike-id: %s\n", sa->peer_id[0] ? sa->peer_id : "-");
		fprintf(out, "  NAT traversal: %s%s%s\n", sa->natt ? "yes" : "no",
			sa->nat_local ? " (local behind NAT)" : "",
			sa->nat_remote ? " (peer behind NAT)" : "");
		fprintf(out, "  Algorithms:\n");
		fprintf(out, "   Encryption             : %s\n",
			encr_str(sa->suite.encr, sa->suite.encr_bits, enc, sizeof(enc)));
		fprintf(out, "   Integrity              : %s\n",
			ike_xf_name(IKE_XF_INTEG, sa->suite.integ, tmp, sizeof(tmp)));
		fprintf(out, "   Pseudo random function : %s\n",
			ike_xf_name(IKE_XF_PRF, sa->suite.prf, tmp, sizeof(tmp)));
		fprintf(out, "   Diffie-Hellman group   : %u (%s)\n", sa->suite.dh,
			ike_xf_name(IKE_XF_DH, sa->suite.dh, tmp, sizeof(tmp)));
		fprintf(out, "  Messages: next request %u, next peer request %u\n",
			sa->next_msgid, sa->peer_msgid);
		ike_show_rekey(sa, out, now);
		fprintf(out, "  DPD: mode %s, interval %u s, threshold %u, probes unanswered %u\n",
			dpd_mode_name(sa->gw->dpd_mode), sa->gw->dpd_interval,
			sa->gw->dpd_threshold, sa->dpd_missed);
		fprintf(out, "  IPsec security associations: %u\n\n", nchild);
	}
}

void
ike_show_ipsec_sas(struct ike_daemon *d, FILE *out)
{
	uint64_t now = ctl_now_ms();
	unsigned int total = 0;

	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		for (unsigned int c = 0; c < IKE_MAX_CHILDREN; c++)
			total += d->sas[i].used && d->sas[i].children[c].used &&
				 d->sas[i].children[c].sa_out != GW_SA_ID_NONE;
	fprintf(out, "  Total active tunnels: %u\n", total);
	if (total == 0)
		return;
	fprintf(out, "  %-6s %-26s %-9s %-12s %-5s %s\n", "ID", "Algorithm", "SPI",
		"Life:sec/kb", "Port", "Gateway");
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		const struct ike_sa *sa = &d->sas[i];

		for (unsigned int c = 0; sa->used && c < IKE_MAX_CHILDREN; c++) {
			const struct ike_child *ch = &sa->children[c];
			uint64_t age = (now - ch->installed_ms) / 1000;
			uint64_t left = ch->lifetime_s > age ? ch->lifetime_s - age : 0;
			char alg[48], enc[32], tmp[24];
			struct gw_sa_counters st;

			if (!ch->used || ch->sa_out == GW_SA_ID_NONE)
				continue;
			snprintf(alg, sizeof(alg), "ESP:%s/%s",
				 encr_str(ch->encr, ch->encr_bits, enc, sizeof(enc)),
				 ch->integ ?
				 ike_xf_name(IKE_XF_INTEG, ch->integ, tmp, sizeof(tmp)) : "None");
			for (int dir = 0; dir < 2; dir++) {
				gw_sa_id_t id = dir == 0 ? ch->sa_in : ch->sa_out;

				struct gw_sa_lifetime lt = { 0 };
				char life[48];

				memset(&st, 0, sizeof(st));
				d->in.ops->query_sa(d->in.ctx, id, &st);
				/* kilobytes left before the hard limit (lifetime-kilobytes) */
				ike_child_kbytes(sa, ch, dir != 0, &lt);
				if (lt.hard_kbytes == 0)
					snprintf(life, sizeof(life), "%llu/unlim",
						 (unsigned long long)left);
				else
					snprintf(life, sizeof(life), "%llu/%llu",
						 (unsigned long long)left, (unsigned long long)
						 (lt.hard_kbytes > st.bytes / 1024 ?
						  lt.hard_kbytes - st.bytes / 1024 : 0));
				fprintf(out, "  %c%-5u %-26s %08x  %-12s %-5u %s  "
					"(%llu packets)\n", dir == 0 ? '<' : '>', sa->index, alg,
					dir == 0 ? ch->spi_in : ch->spi_out,
					life, sa->natt ? 4500 : 0,
					ike_addr_str(&sa->remote),
					(unsigned long long)st.packets);
			}
		}
	}
}

unsigned int
ike_clear_sas(struct ike_daemon *d, uint32_t index)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		struct ike_sa *sa = &d->sas[i];

		if (!sa->used || (index != 0 && sa->index != index))
			continue;
		if (sa->state == IKE_ST_ESTABLISHED)
			ike_info_send_delete(d, sa);
		n += sa->state != IKE_ST_REKEYED;	/* a replaced identity: not an SA */
		ike_sa_destroy(d, sa, "cleared by the operator");
	}
	return n;
}
