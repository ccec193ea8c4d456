/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SA_TYPES_H
#define GW_SA_TYPES_H

/*
 * IPsec enumerations shared by the configuration, the SA object, the tables
 * and the control protocols (GDOI, IKEv2): no configuration types here.
 */

enum gw_df_mode { GW_DF_CLEAR = 0, GW_DF_SET, GW_DF_COPY };
enum gw_udp_encap { GW_UDP_ENCAP_NONE = 0, GW_UDP_ENCAP_NAT_T, GW_UDP_ENCAP_PORT };
enum gw_sa_dir { GW_SA_INBOUND = 0, GW_SA_OUTBOUND };

enum gw_policy_action {
	GW_POLICY_PROTECT = 0,
	GW_POLICY_BYPASS,
	GW_POLICY_DISCARD,
	GW_POLICY_FAIL_OPEN,		/* applies only while the group SA is disabled */
};

#endif /* GW_SA_TYPES_H */
