/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fused IPv4 classify pass, second half (dp_classify4.h has the first):
 * the route lookup on the destinations the pass gathered and the IPsec
 * decisions on its ESP kinds and SPD tuples, without reading the packets'
 * headers again.
 */
#include <netinet/in.h>
#include <string.h>

#include "dp_classify4.h"
#include "dp_ipsec.h"
#include "gw_sad.h"

/*
 * gw_route_lookup_burst()'s result for one packet; true when it is still
 * good (FORWARD or LOCAL).
 */
static inline bool
route_apply(struct gw_meta *meta, const struct gw_route_result *r)
{
	switch (r->kind) {
	case GW_ROUTE_FORWARD:
		meta->out_port = r->port;
		meta->nh4 = r->nh4;
		return true;
	case GW_ROUTE_LOCAL:
		meta->out_port = r->port;
		meta->action = GW_ACT_LOCAL;
		return true;
	case GW_ROUTE_DISCARD:
		meta->drop = GW_DROP_ROUTE_DISCARD;
		return false;
	default:
		meta->drop = GW_DROP_NO_ROUTE;
		return false;
	}
}

/*
 * The SPD of the cleartext packets (not LOCAL, still good), in runs of one
 * ingress port as dp_ipsec_classify() groups them. Their tuples are
 * compacted in place when a packet between them is left out.
 */
static void
fast4_cleartext(struct gw_dp *dp, struct dp_fast4 *f, const bool *good)
{
	struct rte_mbuf *clear[GW_MAX_BURST];
	uint16_t nb = 0, first = 0;

	for (uint16_t i = 0; i < f->n; i++) {
		const struct gw_meta *meta;

		if (f->kind[i] != DP_FAST4_CLEAR || !good[i])
			continue;
		meta = gw_meta(f->pkts[i]);
		if (meta->action == GW_ACT_LOCAL)
			continue;
		if (nb != first && gw_meta(clear[first])->in_port != meta->in_port) {
			dp_ipsec_cleartext4(dp, clear + first, f->t4 + first, (uint16_t)(nb - first));
			first = nb;
		}
		if (f->clear_of[i] != nb)
			f->t4[nb] = f->t4[f->clear_of[i]];
		clear[nb++] = f->pkts[i];
	}
	if (nb != first)
		dp_ipsec_cleartext4(dp, clear + first, f->t4 + first, (uint16_t)(nb - first));
}

void
dp_fast4_finish(struct gw_dp *dp, struct dp_fast4 *f)
{
	struct gw_route_result r[GW_MAX_BURST];
	struct rte_mbuf *esp[GW_MAX_BURST], *other[GW_MAX_BURST];
	struct gw_sad_key kb[GW_MAX_BURST];
	bool good[GW_MAX_BURST];
	uint16_t nb_esp = 0, nb_other = 0;

	gw_route_lookup4_bulk(dp->routes, f->dst, r, f->n);
	for (uint16_t i = 0; i < f->n; i++)
		good[i] = route_apply(gw_meta(f->pkts[i]), &r[i]);
	if (!f->ipsec)
		return;
	for (uint16_t i = 0; i < f->n; i++) {
		if (!good[i])
			continue;
		if (f->kind[i] == DP_FAST4_ESP) {
			gw_sad_key_unicast(&kb[nb_esp], f->spi[i], AF_INET, &f->dst[i]);
			esp[nb_esp++] = f->pkts[i];
		} else if (f->kind[i] == DP_FAST4_OTHER) {
			other[nb_other++] = f->pkts[i];
		}
	}
	if (nb_esp != 0)
		dp_ipsec_esp_keys(dp, esp, kb, nb_esp);
	if (f->nb_clear != 0)
		fast4_cleartext(dp, f, good);
	if (nb_other != 0)
		dp_ipsec_classify(dp, other, nb_other);
}
