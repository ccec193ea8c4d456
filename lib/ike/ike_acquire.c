/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * establish-tunnels on-traffic: each such vpn has "trap" terms, one protect
 * term per traffic-selector on its bind-interface, flagged
 * GW_SPD_TERM_ACQUIRE and owned by { GW_OWNER_IKE, IKE_TRAP_OWNER + vpn }.
 * Nothing is ever bound to their slot, so a packet they catch is dropped
 * (ACQUIRE_NO_SA, fail-closed) and the data plane posts an acquire
 * (lib/dp/dp_acquire.c), which starts the IKE SA here. The IKE SA's own
 * terms (owner id = its index, far below IKE_TRAP_OWNER) come first in the
 * SPD (lib/sa/README.md: negotiated owners by kind and id), so once its
 * CHILD_SAs are up the traps see nothing; when the IKE SA goes, they catch
 * the traffic again. `immediately` and `responder-only` vpns have none:
 * `responder-only` never initiates.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

static struct gw_owner
trap_owner(unsigned int v)
{
	return GW_OWNER(GW_OWNER_IKE, IKE_TRAP_OWNER + v);
}

static void
vpn_traps(struct ike_daemon *d, unsigned int v, bool on)
{
	const struct gw_conf_vpn *vpn = &d->conf.vpns[v];
	struct gw_spd_term terms[GW_CONF_MAX_VPN_TS];
	int rc;

	if (vpn->establish != GW_IKE_EST_ON_TRAFFIC)
		return;
	memset(terms, 0, sizeof(terms));
	for (unsigned int k = 0; k < vpn->nb_ts; k++) {
		snprintf(terms[k].name, sizeof(terms[k].name), "%.50s-trap%u", vpn->name, k);
		terms[k].src = vpn->ts[k].local;
		terms[k].dst = vpn->ts[k].remote;
		terms[k].action = GW_POLICY_PROTECT;
		terms[k].flags = GW_SPD_TERM_ACQUIRE;
		snprintf(terms[k].sa, sizeof(terms[k].sa), "%s", vpn->name);
	}
	rc = d->in.ops->set_policy(d->in.ctx, trap_owner(v), vpn->bind_interface, GW_SA_OUTBOUND,
				   terms, on ? vpn->nb_ts : 0);
	if (rc != 0) {
		d->ctr.install_errors++;
		GW_LOG(ike, ERR, "vpn %s: on-traffic terms not %s: %s", vpn->name,
		       on ? "installed" : "removed", strerror(-rc));
	}
}

void
ike_traps_set(struct ike_daemon *d, bool on)
{
	for (unsigned int v = 0; v < d->conf.nb_vpns; v++)
		vpn_traps(d, v, on);
}

/* The vpn whose trap slot this is ("ike-<IKE_TRAP_OWNER + v>/<vpn name>"), or NULL. */
static const struct gw_conf_vpn *
vpn_of_slot(const struct ike_daemon *d, const char *slot)
{
	unsigned int id;
	int off = 0;

	if (sscanf(slot, "ike-%u/%n", &id, &off) != 1 || off == 0 || id < IKE_TRAP_OWNER ||
	    id - IKE_TRAP_OWNER >= d->conf.nb_vpns)
		return NULL;
	if (strcmp(slot + off, d->conf.vpns[id - IKE_TRAP_OWNER].name) != 0)
		return NULL;
	return &d->conf.vpns[id - IKE_TRAP_OWNER];
}

void
ike_daemon_acquire(struct ike_daemon *d, const char *slot)
{
	const struct gw_conf_vpn *vpn = vpn_of_slot(d, slot);
	struct ike_sa *sa = NULL;

	if (vpn == NULL)
		return;		/* not one of ours (or a configuration since replaced) */
	d->ctr.acquires++;
	for (unsigned int i = 0; i < IKE_MAX_SAS && sa == NULL; i++)
		if (d->sas[i].used && d->sas[i].vpn == vpn)
			sa = &d->sas[i];
	if (sa == NULL) {
		GW_LOG(ike, NOTICE, "vpn %s: traffic without an SA (on-traffic): initiating",
		       vpn->name);
		if (ike_init_start(d, vpn) != 0)
			d->ctr.acquire_failed++;
	} else if (sa->state == IKE_ST_ESTABLISHED) {
		/* a traffic-selector whose CHILD_SA is missing */
		ike_child_new_i_next(d, sa);
	}
	/* else: the negotiation is under way */
}
