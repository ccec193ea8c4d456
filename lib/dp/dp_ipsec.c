/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_ipsec.h"

void
dp_ipsec_classify(struct gw_dp *dp __rte_unused, struct rte_mbuf **pkts __rte_unused,
		  uint16_t n __rte_unused)
{
	/* No SAs yet: every packet is routed in the clear. */
}

void
dp_ipsec_process(struct gw_dp *dp __rte_unused, struct rte_mbuf **pkts __rte_unused,
		 uint16_t n __rte_unused)
{
	/* Pass-through until the ESP data path is wired in. */
}

void
dp_icmp_error(struct gw_dp *dp __rte_unused, struct rte_mbuf *m __rte_unused,
	      enum gw_drop reason __rte_unused)
{
}
