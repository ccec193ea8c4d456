/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dead peer detection (RFC 7296 2.4: liveness by an empty INFORMATIONAL
 * request) with the Junos modes of `dead-peer-detection`. Every interval the
 * IKE SA's traffic is sampled: ESP packets of its CHILD_SAs from the install
 * interface's per-SA counters (inbound SAs: received, outbound: sent) and
 * the IKE messages exchanged. Then:
 *   optimized (default)  probe when we sent and received nothing (RFC 3706's
 *                        idea: an idle tunnel is not probed, a one-way one is);
 *   probe-idle-tunnel    probe when nothing was received, whatever we sent;
 *   always-send          probe every interval.
 * A probe is resent every interval (retrans_fire in ike_daemon.c); after
 * `threshold` unanswered probes the peer is dead.
 */
#include "ike_sa.h"

/* Our own probes are not traffic: the sample is taken after the probe went out. */
void
ike_dpd_sample(struct ike_daemon *d, const struct ike_sa *sa, struct ike_dpd_traffic *out)
{
	out->esp_in = 0;
	out->esp_out = 0;
	out->ike_rx = sa->ike_rx_msgs;
	out->ike_tx = sa->ike_tx_msgs;
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++) {
		const struct ike_child *c = &sa->children[i];
		struct gw_sa_counters st;

		if (!c->used)
			continue;
		if (c->sa_in != GW_SA_ID_NONE && d->in.ops->query_sa(d->in.ctx, c->sa_in, &st) == 0)
			out->esp_in += st.packets;
		if (c->sa_out != GW_SA_ID_NONE &&
		    d->in.ops->query_sa(d->in.ctx, c->sa_out, &st) == 0)
			out->esp_out += st.packets;
	}
}

/*
 * Whether this interval calls for a probe. Sums are compared for change, not
 * growth: a rekeyed child's new SA counts from zero.
 */
static bool
want_probe(uint32_t mode, const struct ike_dpd_traffic *was, const struct ike_dpd_traffic *now)
{
	bool received = now->esp_in != was->esp_in || now->ike_rx != was->ike_rx;
	bool sent = now->esp_out != was->esp_out || now->ike_tx != was->ike_tx;

	switch (mode) {
	case GW_IKE_DPD_ALWAYS:
		return true;
	case GW_IKE_DPD_PROBE_IDLE:
		return !received;
	default:	/* GW_IKE_DPD_OPTIMIZED */
		return sent && !received;
	}
}

void
ike_dpd_tick(struct ike_daemon *d, struct ike_sa *sa)
{
	struct ike_dpd_traffic now;

	ike_dpd_sample(d, sa, &now);
	/* window 1: a request of ours (maybe the probe itself) is out: its resends decide */
	if (!ctl_timer_armed(&sa->retrans_timer) &&
	    want_probe(sa->gw->dpd_mode, &sa->dpd_seen, &now) &&
	    ike_info_send_dpd(d, sa) == 0) {
		d->ctr.dpd_probes++;
		now.ike_tx = sa->ike_tx_msgs;
	}
	sa->dpd_seen = now;
}
