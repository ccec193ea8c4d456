/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The schema: every statement of the configuration, one row each, parents
 * before children. Rows without a setter are stored generically at obj + off;
 * hooks hold what a row alone cannot say (cross-checks, derived fields).
 * lib/conf/README.md documents the same rows for people.
 */

#include <stddef.h>
#include <string.h>

#include "conf_priv.h"

#define FIELD(type, f) .off = offsetof(type, f), .size = sizeof(((type *)0)->f)
#define ROOT(f) .obj = CONF_OBJ_ROOT, FIELD(struct gw_config, f)
#define IFACE(f) .obj = CONF_OBJ_IFACE, FIELD(struct gw_conf_interface, f)
#define ARP(f) .obj = CONF_OBJ_ARP, FIELD(struct gw_conf_arp, f)
#define ROUTE(f) .obj = CONF_OBJ_ROUTE, FIELD(struct gw_conf_route, f)
#define SA(f) .obj = CONF_OBJ_SA, FIELD(struct gw_conf_sa, f)
#define POLICY(f) .obj = CONF_OBJ_POLICY, FIELD(struct gw_conf_policy, f)
#define TERM(f) .obj = CONF_OBJ_TERM, FIELD(struct gw_conf_term, f)
#define USER(f) .obj = CONF_OBJ_USER, FIELD(struct gw_conf_user, f)
#define GPROP(f) .obj = CONF_OBJ_GVPN_PROP, FIELD(struct gw_conf_gvpn_proposal, f)
#define GGRP(f) .obj = CONF_OBJ_GVPN_GROUP, FIELD(struct gw_conf_gvpn_group, f)
#define GMEM(f) .obj = CONF_OBJ_GVPN_MEMBER, FIELD(struct gw_conf_gvpn_member, f)
#define GTEK(f) .obj = CONF_OBJ_GVPN_TEK, FIELD(struct gw_conf_gvpn_tek, f)
#define GVS "security.group-vpn.server"
#define GVG GVS ".group"
#define GMPROP(f) .obj = CONF_OBJ_GM_PROPOSAL, FIELD(struct gw_conf_gm_proposal, f)
#define GMPOL(f) .obj = CONF_OBJ_GM_POLICY, FIELD(struct gw_conf_gm_ike_policy, f)
#define GMGW(f) .obj = CONF_OBJ_GM_GATEWAY, FIELD(struct gw_conf_gm_gateway, f)
#define GMVPN(f) .obj = CONF_OBJ_GM_VPN, FIELD(struct gw_conf_gm_vpn, f)
#define GMFO(f) .obj = CONF_OBJ_GM_FAIL_OPEN, FIELD(struct gw_conf_gm_fail_open, f)
#define GM "security.group-vpn.member."
#define IKEPROP(f) .obj = CONF_OBJ_IKE_PROP, FIELD(struct gw_conf_ike_proposal, f)
#define IKEPOL(f) .obj = CONF_OBJ_IKE_POL, FIELD(struct gw_conf_ike_policy, f)
#define IKEGW(f) .obj = CONF_OBJ_IKE_GW, FIELD(struct gw_conf_ike_gateway, f)
#define IPSECPROP(f) .obj = CONF_OBJ_IPSEC_PROP, FIELD(struct gw_conf_ipsec_proposal, f)
#define IPSECPOL(f) .obj = CONF_OBJ_IPSEC_POL, FIELD(struct gw_conf_ipsec_policy, f)
#define VPN(f) .obj = CONF_OBJ_VPN, FIELD(struct gw_conf_vpn, f)
#define VPNTS(f) .obj = CONF_OBJ_VPN_TS, FIELD(struct gw_conf_vpn_ts, f)
#define LIST_HOOKS(x) .enter = conf_##x##_enter, .leave = conf_##x##_leave, .nth = conf_##x##_nth
#define LCORE_MAX (RTE_MAX_LCORE - 1)

static const char *const layouts[] = { "run-to-completion", "pipeline", NULL };
static const char *const levels[] = {
	"error", "warning", "notice", "info", "verbose", "all", NULL
};
static const char *const flags[] = {
	"all", "general", "parse", "ike", "policy-manager", "timer", "database", "dataplane",
	"crypto", NULL
};
static const char *const classes[] = { "super-user", "read-only", NULL };	/* gw_login_class */
static const char *const exceptions[] = { "tap", "none", NULL };	/* enum gw_exception_mode */
static const char *const sa_dirs[] = { "inbound", "outbound", NULL };	/* enum gw_sa_dir */
static const char *const sa_modes[] = { "tunnel", "group", NULL };	/* gw_conf_sa.group */
static const char *const df_modes[] = { "clear", "set", "copy", NULL };	/* enum gw_df_mode */
static const char *const match_dirs[] = { "input", "output", NULL };
static const char *const gvpn_sig_hashes[] = { "sha1", "sha-256", NULL };
static const char *const gvpn_comms[] = { "unicast", "multicast", "both", NULL };
static const char *const gvpn_modes[] = { "tunnel", "transport", NULL };
static const char *const kek_sigs[] = { "pkcs1", "bare-digest", NULL };
static const char *const actions[] = {	/* enum gw_policy_action */
	"protect", "bypass", "discard", "fail-open", NULL
};

static const struct gw_conf_stmt schema[] = {
	/* ---- system ---- */
	{ "system", GW_CONF_CONTAINER, .help = "System parameters" },
	{ "system.host-name", GW_CONF_STRING, 0, 1, 63, "gdoigw", ROOT(host_name),
	  .help = "Name of the appliance" },
	{ "system.dataplane", GW_CONF_CONTAINER, .leave = conf_dataplane_leave,
	  .help = "Data-plane lcores, crypto engine and buffers" },
	{ "system.dataplane.layout", GW_CONF_ENUM, 0, 0, 0, "run-to-completion", layouts,
	  ROOT(dataplane.layout),
	  .help = "run-to-completion (each worker does every stage) or pipeline" },
	/* lcore 0 is the main (control) lcore, as with the pipeline's "0 = automatic" */
	{ "system.dataplane.workers", GW_CONF_UINT, GW_CONF_F_MULTI, 1, LCORE_MAX,
	  .set = conf_set_worker,
	  .get = conf_get_worker,
	  .help = "Run-to-completion worker lcores, not lcore 0, the main one (default: every "
		  "lcore but the main one)" },
	{ "system.dataplane.pipeline", GW_CONF_CONTAINER,
	  .help = "Pipeline layout: the lcore of each stage (stages may share one)" },
	{ "system.dataplane.pipeline.rx", GW_CONF_UINT, 0, 0, LCORE_MAX,
	  ROOT(dataplane.rx_lcore), .help = "RX stage lcore (0 = automatic)" },
	{ "system.dataplane.pipeline.classify", GW_CONF_UINT, 0, 0, LCORE_MAX,
	  ROOT(dataplane.classify_lcore), .help = "Classify stage lcore (0 = automatic)" },
	{ "system.dataplane.pipeline.crypto", GW_CONF_UINT, 0, 0, LCORE_MAX,
	  ROOT(dataplane.crypto_lcore), .help = "ESP crypto stage lcore (0 = automatic)" },
	{ "system.dataplane.pipeline.tx", GW_CONF_UINT, 0, 0, LCORE_MAX,
	  ROOT(dataplane.tx_lcore), .help = "TX stage lcore (0 = automatic)" },
	{ "system.dataplane.crypto-engine", GW_CONF_ENUM, 0, 0, 0, "ipsecmb",
	  gw_crypto_engine_names, .set = conf_set_engine, .get = conf_get_engine,
	  .help = "Software crypto engine" },
	{ "system.dataplane.crypto-arch", GW_CONF_ENUM, 0, 0, 0, "auto", gw_crypto_arch_names,
	  ROOT(dataplane.crypto_arch),
	  .help = "IPsec-MB code path: auto (the best for this CPU) or one forced; "
		  "refused if the CPU lacks a feature it needs (ipsecmb engine only)" },
	{ "system.dataplane.mbufs", GW_CONF_UINT, 0, 1024, 4194304, "16384",
	  ROOT(dataplane.nb_mbufs), .help = "Packet buffers in the pool" },
	{ "system.dataplane.ring-size", GW_CONF_UINT, 0, 64, 65536, "1024",
	  .set = conf_set_ring_size, .get = conf_get_ring_size,
	  .help = "Entries of each pipeline ring (power of 2)" },
	{ "system.traceoptions", GW_CONF_CONTAINER, .help = "Logging" },
	{ "system.traceoptions.file", GW_CONF_STRING, 0, 0, 255, NULL, ROOT(trace.file),
	  .help = "Log file path, or \"syslog\" (default: standard error)" },
	{ "system.traceoptions.level", GW_CONF_ENUM, 0, 0, 0, "notice", levels,
	  .set = conf_set_trace_level, .get = conf_get_trace_level,
	  .help = "Level of the flagged modules" },
	{ "system.traceoptions.flag", GW_CONF_ENUM, GW_CONF_F_MULTI, 0, 0, NULL, flags,
	  .set = conf_set_trace_flag, .get = conf_get_trace_flag,
	  .help = "Modules that log at the level" },

	{ "system.services", GW_CONF_CONTAINER, .help = "Management services" },
	{ "system.services.telnet", GW_CONF_CONTAINER, .help = "The CLI over telnet" },
	{ "system.services.telnet.address", GW_CONF_IPADDR, 0, 0, 0, "127.0.0.1",
	  ROOT(telnet.address), .help = "Listen address" },
	{ "system.services.telnet.port", GW_CONF_UINT, 0, 1, 65535, "2323", ROOT(telnet.port),
	  .help = "Listen TCP port" },
	{ "system.services.telnet.session-limit", GW_CONF_UINT, 0, 1, 64, "8",
	  ROOT(telnet.session_limit), .help = "Concurrent CLI sessions" },
	{ "system.login", GW_CONF_CONTAINER, .help = "CLI accounts" },
	{ "system.login.user", GW_CONF_LIST, .key = "name", .begin = conf_user_begin,
	  .enter = conf_user_enter, .leave = conf_user_leave, .nth = conf_user_nth,
	  .help = "CLI user" },
	{ "system.login.user.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, 31, NULL,
	  USER(name), .help = "User name" },
	{ "system.login.user.class", GW_CONF_ENUM, GW_CONF_F_REQUIRED, 0, 0, NULL, classes,
	  USER(login_class), .help = "super-user (may configure) or read-only" },
	{ "system.login.user.authentication", GW_CONF_CONTAINER,
	  .help = "Authentication" },
	{ "system.login.user.authentication.encrypted-password", GW_CONF_STRING,
	  GW_CONF_F_REQUIRED, 1, 127, NULL, USER(hash),
	  .help = "SHA-512 crypt hash (\"$6$salt$...\", mkpasswd -m sha-512)" },

	/* ---- interfaces ---- */
	{ "interfaces", GW_CONF_LIST, .key = "name", .begin = conf_if_begin,
	  .enter = conf_if_enter, .leave = conf_if_leave, .nth = conf_if_nth, .help = "Ports" },
	{ "interfaces.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, GW_IFNAME_LEN - 1, NULL,
	  IFACE(name), .help = "Interface name (\"ge-0/0/0\")" },
	{ "interfaces.device", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, 255,
	  .set = conf_set_device, .get = conf_get_device,
	  .help = "PCI address or vdev string (\"net_pcap0,...\")" },
	{ "interfaces.mtu", GW_CONF_UINT, 0, 68, 9216, "1500", IFACE(mtu),
	  .help = "IP MTU" },
	{ "interfaces.mac", GW_CONF_MAC, .set = conf_set_ifmac,
	  .get = conf_get_ifmac, .help = "MAC address override" },
	{ "interfaces.exception", GW_CONF_ENUM, 0, 0, 0, "tap", exceptions, IFACE(exception),
	  .help = "Exception path to the kernel: tap or none" },
	{ "interfaces.tap-name", GW_CONF_STRING, 0, 1, 15, .set = conf_set_tap_name,
	  .get = conf_get_tap_name, .help = "Kernel TAP name (default: gw<index>)" },
	{ "interfaces.disable", GW_CONF_BOOL, IFACE(disable),
	  .help = "Administratively down" },
	{ "interfaces.unit", GW_CONF_LIST, .key = "name", .enter = conf_unit_enter,
	  .nth = conf_unit_nth, .help = "Logical unit (only unit 0)" },
	{ "interfaces.unit.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, 5,
	  .get = conf_get_unit_name, .help = "Unit number" },
	{ "interfaces.unit.family", GW_CONF_CONTAINER, .help = "Protocol families" },
	{ "interfaces.unit.family.inet", GW_CONF_CONTAINER, .enter = conf_inet_enter,
	  .help = "IPv4" },
	{ "interfaces.unit.family.inet.address", GW_CONF_PREFIX, GW_CONF_F_MULTI,
	  .set = conf_set_ifaddr, .get = conf_get_ifaddr,
	  .help = "Interface address with prefix length" },
	{ "interfaces.unit.family.inet.arp", GW_CONF_LIST, .key = "address",
	  .enter = conf_arp_enter, .leave = conf_arp_leave, .nth = conf_arp_nth,
	  .help = "Static ARP entries" },
	{ "interfaces.unit.family.inet.arp.address", GW_CONF_IPADDR, GW_CONF_F_REQUIRED,
	  ARP(addr), .help = "Neighbour address" },
	{ "interfaces.unit.family.inet.arp.mac", GW_CONF_MAC, GW_CONF_F_REQUIRED,
	  ARP(mac), .help = "Neighbour MAC address" },
	{ "interfaces.unit.family.inet.service", GW_CONF_CONTAINER,
	  .help = "Service sets applied to the interface (conf_services.c)" },
	{ "interfaces.unit.family.inet.service.input", GW_CONF_CONTAINER,
	  .help = "Applied to what enters the interface" },
	{ "interfaces.unit.family.inet.service.input.service-set", GW_CONF_STRING, 0, 1,
	  GW_CONF_NAME_LEN - 1, IFACE(service_set_in), .help = "services service-set" },
	{ "interfaces.unit.family.inet.service.output", GW_CONF_CONTAINER,
	  .help = "Applied to what leaves it (the same service set)" },
	{ "interfaces.unit.family.inet.service.output.service-set", GW_CONF_STRING, 0, 1,
	  GW_CONF_NAME_LEN - 1, IFACE(service_set_out), .help = "services service-set" },
	{ "interfaces.unit.family.inet6", GW_CONF_CONTAINER, .enter = conf_inet6_enter,
	  .help = "IPv6" },
	{ "interfaces.unit.family.inet6.address", GW_CONF_PREFIX, GW_CONF_F_MULTI,
	  .set = conf_set_ifaddr, .get = conf_get_ifaddr,
	  .help = "Interface address with prefix length" },
	{ "interfaces.unit.family.inet6.ndp", GW_CONF_LIST, .key = "address",
	  .enter = conf_arp_enter, .leave = conf_arp_leave, .nth = conf_arp_nth,
	  .help = "Static neighbours" },
	{ "interfaces.unit.family.inet6.ndp.address", GW_CONF_IPADDR, GW_CONF_F_REQUIRED,
	  ARP(addr), .help = "Neighbour address" },
	{ "interfaces.unit.family.inet6.ndp.mac", GW_CONF_MAC, GW_CONF_F_REQUIRED,
	  ARP(mac), .help = "Neighbour MAC address" },

	/* ---- routing-options ---- */
	{ "routing-options", GW_CONF_CONTAINER, .help = "Routing" },
	{ "routing-options.static", GW_CONF_CONTAINER, .help = "Static routes" },
	{ "routing-options.static.route", GW_CONF_LIST, .key = "name",
	  .begin = conf_route_begin, .enter = conf_route_enter, .leave = conf_route_leave,
	  .nth = conf_route_nth, .help = "Static route" },
	{ "routing-options.static.route.name", GW_CONF_PREFIX, GW_CONF_F_REQUIRED,
	  ROUTE(prefix), .help = "Destination prefix" },
	{ "routing-options.static.route.next-hop", GW_CONF_IPADDR, ROUTE(next_hop),
	  .help = "Next hop, on a connected subnet" },
	{ "routing-options.static.route.discard", GW_CONF_BOOL, ROUTE(discard),
	  .help = "Drop the traffic instead" },
	{ "routing-options.static.route.interface", GW_CONF_STRING, 0, 1, GW_IFNAME_LEN - 1,
	  ROUTE(interface), .help = "Interface of the next hop" },

	/* ---- security ipsec ---- */
	{ "security", GW_CONF_CONTAINER, .help = "Security" },
	/* ---- security ike (IKEv2, lib/ike; conf_ike.c) ---- */
	{ "security.ike", GW_CONF_CONTAINER, .help = "IKEv2" },
	{ "security.ike.proposal", GW_CONF_LIST, .key = "name", LIST_HOOKS(ikeprop),
	  .help = "IKE SA proposal" },
	{ "security.ike.proposal.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, IKEPROP(name), .help = "Proposal name" },
	{ "security.ike.proposal.encryption-algorithm", GW_CONF_ENUM, 0, 0, 0, "aes-128-gcm",
	  conf_ike_encrs, IKEPROP(encryption), .help = "SK payload cipher" },
	{ "security.ike.proposal.authentication-algorithm", GW_CONF_ENUM, 0, 0, 0, "sha-256",
	  conf_ike_hashes, IKEPROP(authentication),
	  .help = "PRF hash, and HMAC integrity with AES-CBC" },
	{ "security.ike.proposal.dh-group", GW_CONF_ENUM, 0, 0, 0, "group14", conf_ike_dhs,
	  IKEPROP(dh_group), .help = "Diffie-Hellman group" },
	{ "security.ike.proposal.lifetime-seconds", GW_CONF_UINT, 0, 30, 86400, "28800",
	  IKEPROP(lifetime_seconds), .help = "IKE SA lifetime (rekeyed at 80-90 %)" },
	{ "security.ike.proposal.authentication-method", GW_CONF_ENUM, 0, 0, 0,
	  "pre-shared-keys", conf_ike_authms, IKEPROP(auth_method),
	  .help = "How we authenticate (AUTH payload): pre-shared key or signature" },
	{ "security.ike.policy", GW_CONF_LIST, .key = "name", LIST_HOOKS(ikepol),
	  .help = "IKE policy: proposals and authentication" },
	{ "security.ike.policy.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, IKEPOL(name), .help = "Policy name" },
	{ "security.ike.policy.proposals", GW_CONF_STRING, GW_CONF_F_MULTI, 1,
	  GW_CONF_NAME_LEN - 1, .obj = CONF_OBJ_IKE_POL, .set = conf_set_propref,
	  .get = conf_get_propref, .help = "IKE proposals, in order of preference" },
	{ "security.ike.policy.pre-shared-key", GW_CONF_CONTAINER, .help = "Pre-shared key" },
	{ "security.ike.policy.pre-shared-key.ascii-text", GW_CONF_STRING, GW_CONF_F_SECRET,
	  1, GW_CONF_PSK_MAX, .set = conf_set_psk_ascii, .get = conf_get_psk_ascii,
	  .help = "Key as text" },
	{ "security.ike.policy.pre-shared-key.hexadecimal", GW_CONF_KEY, GW_CONF_F_SECRET,
	  1, GW_CONF_PSK_MAX, .set = conf_set_psk_hex, .get = conf_get_psk_hex,
	  .help = "Key in hex (0x...)" },
	{ "security.ike.policy.certificate", GW_CONF_CONTAINER,
	  .help = "X.509 authentication (rsa-signatures, ecdsa-signatures-*)" },
	{ "security.ike.policy.certificate.local-certificate", GW_CONF_STRING, 0, 1,
	  GW_CONF_PATH_MAX - 1, IKEPOL(local_cert), .set = conf_set_ike_file,
	  .help = "PEM file: our certificate, then intermediates" },
	{ "security.ike.policy.certificate.private-key", GW_CONF_STRING, 0, 1,
	  GW_CONF_PATH_MAX - 1, IKEPOL(private_key), .set = conf_set_ike_file,
	  .help = "PEM file: the certificate's private key (unencrypted)" },
	{ "security.ike.policy.certificate.trusted-ca", GW_CONF_STRING, 0, 1,
	  GW_CONF_PATH_MAX - 1, IKEPOL(trusted_ca), .set = conf_set_ike_file,
	  .help = "CA certificates (PEM or DER file, or a directory of them)" },
	{ "security.ike.gateway", GW_CONF_LIST, .key = "name", LIST_HOOKS(ikegw),
	  .help = "IKE peer" },
	{ "security.ike.gateway.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, IKEGW(name), .help = "Gateway name" },
	{ "security.ike.gateway.ike-policy", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, IKEGW(ike_policy), .help = "IKE policy" },
	{ "security.ike.gateway.address", GW_CONF_IPADDR, GW_CONF_F_REQUIRED, IKEGW(address),
	  .help = "Peer address" },
	{ "security.ike.gateway.local-address", GW_CONF_IPADDR, GW_CONF_F_REQUIRED,
	  IKEGW(local_address), .help = "Local address (one of the interfaces')" },
	{ "security.ike.gateway.local-identity", GW_CONF_CONTAINER,
	  .help = "Local IKE identity (default: local address; certificate subject)" },
	{ "security.ike.gateway.local-identity.hostname", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "FQDN (ID_FQDN)" },
	{ "security.ike.gateway.local-identity.inet", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "IPv4 address (ID_IPV4_ADDR)" },
	{ "security.ike.gateway.local-identity.inet6", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "IPv6 address (ID_IPV6_ADDR)" },
	{ "security.ike.gateway.local-identity.user-at-hostname", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "e-mail address (ID_RFC822_ADDR)" },
	{ "security.ike.gateway.local-identity.distinguished-name", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "DN \"C=CH, O=org, CN=name\" (ID_DER_ASN1_DN)" },
	{ "security.ike.gateway.remote-identity", GW_CONF_CONTAINER,
	  .help = "Expected peer identity (default: any)" },
	{ "security.ike.gateway.remote-identity.hostname", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "FQDN (ID_FQDN)" },
	{ "security.ike.gateway.remote-identity.inet", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "IPv4 address (ID_IPV4_ADDR)" },
	{ "security.ike.gateway.remote-identity.inet6", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "IPv6 address (ID_IPV6_ADDR)" },
	{ "security.ike.gateway.remote-identity.user-at-hostname", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "e-mail address (ID_RFC822_ADDR)" },
	{ "security.ike.gateway.remote-identity.distinguished-name", GW_CONF_STRING, 0, 1,
	  GW_CONF_IKE_ID_MAX - 1, .obj = CONF_OBJ_IKE_GW, .set = conf_set_ike_id,
	  .get = conf_get_ike_id, .help = "DN \"C=CH, O=org, CN=name\" (ID_DER_ASN1_DN)" },
	{ "security.ike.gateway.dead-peer-detection", GW_CONF_CONTAINER,
	  .help = "Dead peer detection" },
	{ "security.ike.gateway.dead-peer-detection.mode", GW_CONF_ENUM, 0, 0, 0, "optimized",
	  conf_ike_dpds, IKEGW(dpd_mode),
	  .help = "optimized (probe when sending, nothing received), always-send, "
		  "probe-idle-tunnel (probe when nothing received)" },
	{ "security.ike.gateway.dead-peer-detection.interval", GW_CONF_UINT, 0, 2, 60, "10",
	  IKEGW(dpd_interval), .help = "Seconds between probes" },
	{ "security.ike.gateway.dead-peer-detection.threshold", GW_CONF_UINT, 0, 1, 5, "5",
	  IKEGW(dpd_threshold), .help = "Unanswered probes before the peer is dead" },
	{ "security.ike.gateway.version", GW_CONF_ENUM, 0, 0, 0, "v2-only", conf_ike_versions,
	  IKEGW(version), .help = "IKE version (v2-only)" },
	{ "security.ike.gateway.nat-keepalive", GW_CONF_UINT, 0, 1, 300, "20",
	  IKEGW(nat_keepalive), .help = "Seconds between NAT keepalives when behind a NAT" },
	{ "security.ike.gateway.fragmentation", GW_CONF_CONTAINER,
	  .help = "IKE fragmentation (RFC 7383)" },
	{ "security.ike.gateway.fragmentation.size", GW_CONF_UINT, 0, 500, 1300, NULL,
	  IKEGW(frag_size),
	  .help = "Largest IP packet of an IKE message (default 576; less if unanswered)" },
	{ "security.ike.gateway.fragmentation.disable", GW_CONF_BOOL, IKEGW(frag_disable),
	  .help = "Neither announce nor use fragmentation" },

	{ "security.ipsec", GW_CONF_CONTAINER, .help = "IPsec" },
	{ "security.ipsec.security-association", GW_CONF_LIST, .key = "name",
	  .begin = conf_sa_begin, .enter = conf_sa_enter, .leave = conf_sa_leave,
	  .nth = conf_sa_nth, .help = "Manual security association" },
	{ "security.ipsec.security-association.name", GW_CONF_STRING, GW_CONF_F_REQUIRED,
	  1, GW_CONF_NAME_LEN - 1, SA(name), .help = "SA name" },
	{ "security.ipsec.security-association.spi", GW_CONF_UINT, GW_CONF_F_REQUIRED,
	  256, UINT32_MAX, SA(spi), .help = "SPI, 256..4294967295" },
	{ "security.ipsec.security-association.direction", GW_CONF_ENUM, GW_CONF_F_REQUIRED,
	  0, 0, NULL, sa_dirs, SA(direction), .help = "inbound (decrypt) or outbound" },
	{ "security.ipsec.security-association.mode", GW_CONF_ENUM, 0, 0, 0, "tunnel",
	  sa_modes, SA(group),
	  .help = "tunnel, or group (header preservation, SPI-only lookup)" },
	{ "security.ipsec.security-association.encryption", GW_CONF_CONTAINER,
	  .help = "Encryption" },
	{ "security.ipsec.security-association.encryption.algorithm", GW_CONF_ENUM,
	  GW_CONF_F_REQUIRED, 0, 0, NULL, gw_cipher_names, .set = conf_set_enc_alg,
	  .get = conf_get_enc_alg, .help = "Cipher" },
	{ "security.ipsec.security-association.encryption.key", GW_CONF_KEY, GW_CONF_F_SECRET,
	  1, GW_CRYPTO_MAX_KEY, .set = conf_set_enc_key,
	  .get = conf_get_enc_key,
	  .help = "Key in hex, salt included for AES-GCM and ChaCha20-Poly1305" },
	{ "security.ipsec.security-association.authentication", GW_CONF_CONTAINER,
	  .help = "Integrity (not with an AEAD cipher)" },
	{ "security.ipsec.security-association.authentication.algorithm", GW_CONF_ENUM,
	  GW_CONF_F_REQUIRED, 0, 0, NULL, gw_auth_names, .set = conf_set_auth_alg,
	  .get = conf_get_auth_alg, .help = "HMAC" },
	{ "security.ipsec.security-association.authentication.key", GW_CONF_KEY,
	  GW_CONF_F_SECRET, 1, GW_CRYPTO_MAX_KEY, .set = conf_set_auth_key,
	  .get = conf_get_auth_key, .help = "Key in hex" },
	{ "security.ipsec.security-association.tunnel", GW_CONF_CONTAINER,
	  .help = "Tunnel endpoints (mode tunnel)" },
	{ "security.ipsec.security-association.tunnel.local", GW_CONF_IPADDR,
	  GW_CONF_F_REQUIRED, SA(tunnel_local), .help = "Local endpoint" },
	{ "security.ipsec.security-association.tunnel.remote", GW_CONF_IPADDR,
	  GW_CONF_F_REQUIRED, SA(tunnel_remote), .help = "Remote endpoint" },
	{ "security.ipsec.security-association.anti-replay", GW_CONF_CONTAINER,
	  .help = "Sequence-number anti-replay (on)" },
	{ "security.ipsec.security-association.anti-replay.window-size", GW_CONF_UINT, 0,
	  1, 4096, "64", SA(replay_window), .get = conf_get_replay_window,
	  .help = "Replay window in packets" },
	{ "security.ipsec.security-association.no-anti-replay", GW_CONF_BOOL,
	  .set = conf_set_no_anti_replay, .get = conf_get_no_anti_replay,
	  .help = "Anti-replay off" },
	{ "security.ipsec.security-association.extended-sequence-number", GW_CONF_BOOL,
	  SA(esn), .help = "64-bit ESN (RFC 4303)" },
	{ "security.ipsec.security-association.time-based-anti-replay", GW_CONF_CONTAINER,
	  .help = "Group SA time-based anti-replay (RFC 6054)" },
	{ "security.ipsec.security-association.time-based-anti-replay.window", GW_CONF_UINT,
	  0, 0, 10000, "0", SA(tbar_window_ms), .help = "Window in ms, 0 = off" },
	{ "security.ipsec.security-association.time-based-anti-replay.protocol",
	  GW_CONF_UINT, 0, 0, 255, "253", SA(d3p_protocol),
	  .help = "IP protocol of the D3P timestamp header" },
	{ "security.ipsec.security-association.udp-encapsulation", GW_CONF_CONTAINER,
	  GW_CONF_F_PRESENCE, .help = "ESP in UDP" },
	{ "security.ipsec.security-association.udp-encapsulation.port", GW_CONF_UINT, 0,
	  1025, 65535, "4500", .set = conf_set_udp_port,
	  .get = conf_get_udp_port,
	  .help = "4500 = NAT-T (RFC 3948), other ports: multipath port" },
	{ "security.ipsec.security-association.tunnel-mtu", GW_CONF_UINT, 0, 256, 9192,
	  "1500", SA(tunnel_mtu), .help = "MTU of the tunnel" },
	{ "security.ipsec.security-association.df-bit", GW_CONF_ENUM, 0, 0, 0, "clear",
	  df_modes, SA(df), .help = "Outer DF bit: clear, set, copy" },
	{ "security.ipsec.security-association.clear-dont-fragment-bit", GW_CONF_BOOL,
	  SA(clear_df), .help = "Clear DF of the inner packet" },
	{ "security.ipsec.security-association.passive-mode-tunneling", GW_CONF_BOOL,
	  SA(passive), .help = "Tunnel packets without IP header checks" },
	{ "security.ipsec.security-association.lifetime", GW_CONF_CONTAINER,
	  .help = "Lifetime (0 = none)" },
	{ "security.ipsec.security-association.lifetime.seconds", GW_CONF_UINT, 0, 0,
	  UINT32_MAX, SA(lifetime.hard_seconds), .help = "Hard lifetime in seconds" },
	{ "security.ipsec.security-association.lifetime.soft-seconds", GW_CONF_UINT, 0, 0,
	  UINT32_MAX, SA(lifetime.soft_seconds), .help = "Soft lifetime in seconds" },
	{ "security.ipsec.security-association.lifetime.kilobytes", GW_CONF_UINT, 0, 0,
	  UINT64_MAX / 1024, SA(lifetime.hard_kbytes), .help = "Hard lifetime in kilobytes" },
	{ "security.ipsec.security-association.lifetime.soft-kilobytes", GW_CONF_UINT, 0, 0,
	  UINT64_MAX / 1024, SA(lifetime.soft_kbytes), .help = "Soft lifetime in kilobytes" },
	{ "security.ipsec.security-association.selector", GW_CONF_CONTAINER,
	  .help = "Inner traffic the SA carries" },
	{ "security.ipsec.security-association.selector.source-address", GW_CONF_PREFIX,
	  SA(sel_src), .help = "Source prefix" },
	{ "security.ipsec.security-association.selector.destination-address",
	  GW_CONF_PREFIX, SA(sel_dst), .help = "Destination prefix" },
	{ "security.ipsec.security-association.selector.protocol", GW_CONF_UINT, 0, 0, 255,
	  SA(sel_proto), .help = "IP protocol, 0 = any" },

	{ "security.ipsec.policy", GW_CONF_LIST, .key = "name", .begin = conf_policy_begin,
	  .enter = conf_policy_enter, .leave = conf_policy_leave,
	  .nth = conf_policy_nth, .help = "Security policy of an interface" },
	{ "security.ipsec.policy.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, POLICY(name), .help = "Policy name" },
	{ "security.ipsec.policy.interface", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_IFNAME_LEN - 1, POLICY(interface), .help = "Interface the policy applies on" },
	{ "security.ipsec.policy.match-direction", GW_CONF_ENUM, GW_CONF_F_REQUIRED, 0, 0,
	  NULL, match_dirs, .set = conf_set_match_dir,
	  .get = conf_get_match_dir,
	  .help = "input: protect what enters the interface; output: check what leaves" },
	{ "security.ipsec.policy.no-anti-replay", GW_CONF_BOOL, POLICY(no_anti_replay),
	  .help = "Anti-replay off for SAs that do not say" },
	{ "security.ipsec.policy.tunnel-mtu", GW_CONF_UINT, 0, 256, 9192, POLICY(tunnel_mtu),
	  .help = "Tunnel MTU for SAs that do not say" },
	{ "security.ipsec.policy.term", GW_CONF_LIST, .key = "name",
	  .enter = conf_term_enter, .leave = conf_term_leave,
	  .nth = conf_term_nth, .help = "Rule, matched in order" },
	{ "security.ipsec.policy.term.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, TERM(name), .help = "Term name" },
	{ "security.ipsec.policy.term.from", GW_CONF_CONTAINER, .help = "Match conditions" },
	{ "security.ipsec.policy.term.from.source-address", GW_CONF_PREFIX, TERM(src),
	  .help = "Source prefix (default any)" },
	{ "security.ipsec.policy.term.from.destination-address", GW_CONF_PREFIX, TERM(dst),
	  .help = "Destination prefix (default any)" },
	{ "security.ipsec.policy.term.from.protocol", GW_CONF_UINT, 0, 0, 255, TERM(proto),
	  .help = "IP protocol, 0 = any" },
	{ "security.ipsec.policy.term.from.source-port", GW_CONF_PORTS, 0, 0, 0, "0-65535",
	  TERM(sport_lo), .help = "Port or range lo-hi (TCP, UDP, SCTP)" },
	{ "security.ipsec.policy.term.from.destination-port", GW_CONF_PORTS, 0, 0, 0,
	  "0-65535", TERM(dport_lo), .help = "Port or range lo-hi (TCP, UDP, SCTP)" },
	{ "security.ipsec.policy.term.then", GW_CONF_ENUM, GW_CONF_F_REQUIRED, 0, 0, NULL,
	  actions, TERM(action), .help = "protect, bypass, discard or fail-open" },
	{ "security.ipsec.policy.term.security-association", GW_CONF_STRING, 0, 1,
	  GW_CONF_NAME_LEN - 1, TERM(sa), .help = "SA for protect and fail-open" },
	/* ---- security group-vpn server: the GDOI key server (lib/gks) ---- */
	{ "security.group-vpn", GW_CONF_CONTAINER, .help = "Group VPN (GDOI, RFC 6407)" },
	{ GVS, GW_CONF_CONTAINER, .help = "Key server" },
	{ GVS ".listen-address", GW_CONF_IPADDR, GW_CONF_F_MULTI, .set = conf_gvpn_listen_set,
	  .get = conf_gvpn_listen_get,
	  .help = "Addresses the key server listens on (UDP), IPv4 and IPv6" },
	{ GVS ".port", GW_CONF_UINT, 0, 1, 65535, "848", ROOT(gvpn_server.port),
	  .help = "UDP port (GDOI: 848)" },
	{ GVS ".ike", GW_CONF_CONTAINER, .help = "Phase 1 (IKEv1 Main Mode, pre-shared keys)" },
	{ GVS ".ike.proposal", GW_CONF_LIST, .key = "name", .enter = conf_gvpn_prop_enter,
	  .nth = conf_gvpn_prop_nth, .help = "A phase 1 transform the server accepts" },
	{ GVS ".ike.proposal.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, GW_CONF_NAME_LEN - 1,
	  GPROP(name), .help = "Proposal name" },
	{ GVS ".ike.proposal.encryption-algorithm", GW_CONF_ENUM, 0, 0, 0, "aes-128-cbc",
	  gw_gvpn_ike_enc_names, GPROP(enc), .help = "Phase 1 cipher" },
	{ GVS ".ike.proposal.authentication-algorithm", GW_CONF_ENUM, 0, 0, 0, "sha1",
	  gw_gvpn_ike_hash_names, GPROP(hash), .help = "Phase 1 hash (PRF)" },
	{ GVS ".ike.proposal.dh-group", GW_CONF_ENUM, 0, 0, 0, "group14", gw_gvpn_dh_names,
	  GPROP(dh_group), .help = "Diffie-Hellman group" },
	{ GVS ".ike.proposal.lifetime-seconds", GW_CONF_UINT, 0, 180, 86400, "86400",
	  GPROP(lifetime_s), .help = "Longest phase 1 lifetime accepted" },
	{ GVG, GW_CONF_LIST, .key = "name", .enter = conf_gvpn_group_enter,
	  .leave = conf_gvpn_group_leave, .nth = conf_gvpn_group_nth, .help = "A group" },
	{ GVG ".name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, 31, GGRP(name),
	  .help = "Group name" },
	{ GVG ".group-id", GW_CONF_UINT, GW_CONF_F_REQUIRED, 1, UINT32_MAX, GGRP(group_id),
	  .help = "Group ID (KEY_ID, 4 octets in network order)" },
	{ GVG ".member", GW_CONF_LIST, .key = "name", .enter = conf_gvpn_member_enter,
	  .nth = conf_gvpn_member_nth, .help = "Members allowed to register" },
	{ GVG ".member.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, GW_CONF_NAME_LEN - 1,
	  GMEM(name), .help = "Member name" },
	{ GVG ".member.address", GW_CONF_PREFIX, GW_CONF_F_REQUIRED, GMEM(address),
	  .help = "Member address or prefix (the pre-shared key is chosen by it)" },
	{ GVG ".member.pre-shared-key", GW_CONF_STRING, GW_CONF_F_REQUIRED | GW_CONF_F_SECRET,
	  8, 128, GMEM(psk), .help = "Pre-shared key (ASCII text)" },
	{ GVG ".member.identity", GW_CONF_STRING, 0, 1, 127, GMEM(identity),
	  .help = "Identity required in Main Mode (FQDN, user FQDN, key ID or address)" },
	{ GVG ".ipsec-sa", GW_CONF_LIST, .key = "name", .enter = conf_gvpn_tek_enter,
	  .leave = conf_gvpn_tek_leave, .nth = conf_gvpn_tek_nth,
	  .help = "Group SA policy (TEK)" },
	{ GVG ".ipsec-sa.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, 31, GTEK(name),
	  .help = "Policy name" },
	{ GVG ".ipsec-sa.source-address", GW_CONF_PREFIX, GW_CONF_F_REQUIRED, GTEK(src),
	  .help = "Source prefix (IPv4 or IPv6)" },
	{ GVG ".ipsec-sa.destination-address", GW_CONF_PREFIX, GW_CONF_F_REQUIRED, GTEK(dst),
	  .help = "Destination prefix" },
	{ GVG ".ipsec-sa.protocol", GW_CONF_UINT, 0, 0, 255, GTEK(proto),
	  .help = "IP protocol, 0 = any" },
	{ GVG ".ipsec-sa.source-port", GW_CONF_UINT, 0, 0, 65535, GTEK(sport),
	  .help = "Source port, 0 = any" },
	{ GVG ".ipsec-sa.destination-port", GW_CONF_UINT, 0, 0, 65535, GTEK(dport),
	  .help = "Destination port, 0 = any" },
	{ GVG ".ipsec-sa.encryption-algorithm", GW_CONF_ENUM, 0, 0, 0, "aes-128-cbc",
	  gw_gvpn_tek_enc_names, GTEK(enc), .help = "ESP cipher" },
	{ GVG ".ipsec-sa.authentication-algorithm", GW_CONF_ENUM, 0, 0, 0, "none",
	  gw_gvpn_tek_auth_names, GTEK(auth), .help = "ESP integrity (none with AES-GCM)" },
	{ GVG ".ipsec-sa.lifetime-seconds", GW_CONF_UINT, 0, 60, 86400, "3600",
	  GTEK(lifetime_s), .help = "TEK lifetime" },
	{ GVG ".ipsec-sa.mode", GW_CONF_ENUM, 0, 0, 0, "tunnel", gvpn_modes, GTEK(mode),
	  .help = "Encapsulation mode" },
	{ GVG ".kek", GW_CONF_CONTAINER, .help = "Rekey SA (GROUPKEY-PUSH): on with signing-key" },
	{ GVG ".kek.encryption-algorithm", GW_CONF_ENUM, 0, 0, 0, "aes-128-cbc",
	  gw_gvpn_kek_enc_names, GGRP(kek_enc), .help = "KEK cipher" },
	{ GVG ".kek.lifetime-seconds", GW_CONF_UINT, 0, 300, 604800, "86400",
	  GGRP(kek_lifetime_s), .help = "KEK lifetime" },
	{ GVG ".kek.signing-key", GW_CONF_STRING, 0, 1, 255, GGRP(kek_key_file),
	  .help = "RSA private key file (PEM) that signs the rekeys" },
	{ GVG ".kek.signature-hash", GW_CONF_ENUM, 0, 0, 0, "sha-256", gvpn_sig_hashes,
	  GGRP(kek_sig_hash), .help = "Hash of the rekey signature" },
	{ GVG ".kek.signature-format", GW_CONF_ENUM, 0, 0, 0, "pkcs1", kek_sigs,
	  GGRP(kek_sig_format),
	  .help = "pkcs1 (DigestInfo, RFC 8017) or bare-digest (the GDOI reference gdoid)" },
	{ GVG ".kek.ack-requested", GW_CONF_BOOL, GGRP(kek_ack),
	  .help = "Members acknowledge rekeys (RFC 8263)" },
	{ GVG ".server-member-communication", GW_CONF_CONTAINER,
	  .help = "How rekeys reach the members" },
	{ GVG ".server-member-communication.communication-type", GW_CONF_ENUM, 0, 0, 0,
	  "unicast", gvpn_comms, GGRP(comm),
	  .help = "unicast (each member), multicast, or both" },
	{ GVG ".server-member-communication.multicast-address", GW_CONF_IPADDR, GGRP(mcast),
	  .help = "Multicast group of the rekeys" },
	{ GVG ".server-member-communication.multicast-ttl", GW_CONF_UINT, 0, 1, 255, "16",
	  GGRP(mcast_ttl), .help = "TTL / hop limit of multicast rekeys" },
	{ GVG ".server-member-communication.number-of-retransmission", GW_CONF_UINT, 0, 0, 10,
	  "2", GGRP(retransmits), .help = "Rekey retransmissions" },
	{ GVG ".server-member-communication.retransmission-period", GW_CONF_UINT, 0, 1, 60,
	  "10", GGRP(retransmit_s), .help = "Seconds between retransmissions" },
	{ GVG ".server-member-communication.rekey-percent", GW_CONF_UINT, 0, 1, 50, "10",
	  GGRP(rekey_percent), .help = "Rekey when this % of a TEK/KEK lifetime remains" },
	{ GVG ".activation-time-delay", GW_CONF_UINT, 0, 0, 65535, GGRP(atd_s),
	  .help = "GAP: seconds before members use new keys to send" },
	{ GVG ".deactivation-time-delay", GW_CONF_UINT, 0, 0, 65535, GGRP(dtd_s),
	  .help = "GAP: seconds members keep old keys" },
	{ GVG ".delay-detection", GW_CONF_CONTAINER,
	  .help = "Time-based anti-replay policy sent in the GAP (POSIX time)" },
	{ GVG ".delay-detection.window", GW_CONF_UINT, 0, 0, 600000, GGRP(d3p_window_ms),
	  .help = "Window in ms, 0 = not sent" },
	{ GVG ".delay-detection.type-attribute", GW_CONF_UINT, 0, 1, 32767, "16384",
	  GGRP(d3p_type_attr), .help = "GAP attribute number of the D3P type" },
	{ GVG ".delay-detection.window-attribute", GW_CONF_UINT, 0, 1, 32767, "16385",
	  GGRP(d3p_window_attr), .help = "GAP attribute number of the D3P window" },
	{ GVG ".gdoid-compatibility", GW_CONF_BOOL, GGRP(gdoid_compat),
	  .help = "Members built on the GDOI reference: RFC 3547 SA TEK identities, "
		  "KEK rekey keys under the old KEK SPI" },
	/* ---- security group-vpn member: GDOI group member (lib/gm) ---- */
	{ "security.group-vpn.member", GW_CONF_CONTAINER, .leave = conf_gm_leave,
	  .help = "This appliance as a group member" },
	{ GM "ike", GW_CONF_CONTAINER, .help = "Registration with the key servers (IKEv1 phase 1)" },
	{ GM "ike.proposal", GW_CONF_LIST, .key = "name", .enter = conf_gm_proposal_enter,
	  .nth = conf_gm_proposal_nth, .help = "Phase 1 transform" },
	{ GM "ike.proposal.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, GW_CONF_NAME_LEN - 1,
	  GMPROP(name), .help = "Proposal name" },
	{ GM "ike.proposal.authentication-method", GW_CONF_ENUM, 0, 0, 0, "pre-shared-keys",
	  (const char *const []){ "pre-shared-keys", NULL }, GMPROP(auth_method),
	  .help = "pre-shared-keys (the only method)" },
	{ GM "ike.proposal.encryption-algorithm", GW_CONF_ENUM, 0, 0, 0, "aes-128-cbc",
	  gw_gm_enc_names, GMPROP(enc), .help = "Phase 1 cipher" },
	{ GM "ike.proposal.authentication-algorithm", GW_CONF_ENUM, 0, 0, 0, "sha1",
	  gw_gm_hash_names, GMPROP(hash), .help = "Phase 1 hash and PRF" },
	{ GM "ike.proposal.dh-group", GW_CONF_ENUM, 0, 0, 0, "group2", gw_gm_dh_names,
	  GMPROP(dh_group), .help = "Diffie-Hellman group" },
	{ GM "ike.proposal.lifetime-seconds", GW_CONF_UINT, 0, 180, 86400, "3600",
	  GMPROP(lifetime_s), .help = "Phase 1 lifetime (it is not rekeyed)" },
	{ GM "ike.policy", GW_CONF_LIST, .key = "name", .enter = conf_gm_policy_enter,
	  .leave = conf_gm_policy_leave, .nth = conf_gm_policy_nth,
	  .help = "Proposals and pre-shared key" },
	{ GM "ike.policy.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, GW_CONF_NAME_LEN - 1,
	  GMPOL(name), .help = "Policy name" },
	{ GM "ike.policy.mode", GW_CONF_ENUM, 0, 0, 0, "main",
	  (const char *const []){ "main", NULL }, GMPOL(mode), .help = "main (the only mode)" },
	{ GM "ike.policy.proposals", GW_CONF_STRING, GW_CONF_F_MULTI | GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, .set = conf_set_gm_proposals, .get = conf_get_gm_proposals,
	  .help = "Proposals in preference order" },
	{ GM "ike.policy.pre-shared-key", GW_CONF_STRING, GW_CONF_F_REQUIRED | GW_CONF_F_SECRET,
	  1, GW_GM_PSK_MAX, GMPOL(psk), .help = "Pre-shared key, 20 to 64 characters" },
	{ GM "ike.gateway", GW_CONF_LIST, .key = "name", .enter = conf_gm_gateway_enter,
	  .leave = conf_gm_gateway_leave, .nth = conf_gm_gateway_nth,
	  .help = "Key servers of a group" },
	{ GM "ike.gateway.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, GW_CONF_NAME_LEN - 1,
	  GMGW(name), .help = "Gateway name" },
	{ GM "ike.gateway.ike-policy", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, GMGW(ike_policy), .help = "ike policy to register with" },
	{ GM "ike.gateway.server-address", GW_CONF_IPADDR, GW_CONF_F_MULTI | GW_CONF_F_REQUIRED,
	  .set = conf_set_gm_server, .get = conf_get_gm_server,
	  .help = "Key servers, up to 4, in priority order" },
	{ GM "ike.gateway.local-address", GW_CONF_IPADDR, GW_CONF_F_REQUIRED, GMGW(local),
	  .help = "Address (of an interface) registrations come from, UDP 848" },
	{ GM "ipsec", GW_CONF_CONTAINER, .help = "Groups" },
	{ GM "ipsec.vpn", GW_CONF_LIST, .key = "name", .enter = conf_gm_vpn_enter,
	  .nth = conf_gm_vpn_nth, .help = "A group this appliance is a member of" },
	{ GM "ipsec.vpn.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1, 31, GMVPN(name),
	  .help = "VPN name" },
	{ GM "ipsec.vpn.ike-gateway", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, GMVPN(ike_gateway), .help = "Gateway of the key servers" },
	{ GM "ipsec.vpn.group", GW_CONF_UINT, GW_CONF_F_REQUIRED, 0, UINT32_MAX, GMVPN(group),
	  .help = "Group ID (KEY_ID, 4 octets)" },
	{ GM "ipsec.vpn.interface", GW_CONF_STRING, 0, 1, GW_IFNAME_LEN - 1,
	  GMVPN(interface), .help = "Interface the group's policies apply on (or a "
	  "service-set's)" },
	{ GM "ipsec.vpn.match-direction", GW_CONF_ENUM, 0, 0, 0, "input", match_dirs,
	  .set = conf_set_gm_match_dir, .get = conf_get_gm_match_dir,
	  .help = "input: protect what enters the interface; output: check what leaves" },
	{ GM "ipsec.vpn.df-bit", GW_CONF_ENUM, 0, 0, 0, "copy", df_modes, GMVPN(df),
	  .help = "Outer DF bit: clear, set, copy" },
	{ GM "ipsec.vpn.tunnel-mtu", GW_CONF_UINT, 0, 256, 9192, "1500", GMVPN(tunnel_mtu),
	  .help = "Largest inner packet sent whole" },
	{ GM "ipsec.vpn.tek-id-length", GW_CONF_UINT, 0, 1, 2, "2", GMVPN(tek_id_length),
	  .help = "SA TEK identity length octets: 2 (RFC 6407), 1 (RFC 3547, gdoid)" },
	{ GM "ipsec.vpn.kek-signature", GW_CONF_ENUM, 0, 0, 0, "pkcs1", kek_sigs,
	  GMVPN(kek_signature), .help = "PUSH signatures: pkcs1 (DigestInfo) or bare-digest "
	  "(gdoid)" },
	{ GM "ipsec.vpn.d3p-type-attribute", GW_CONF_UINT, 0, 1, 32767, "16384",
	  GMVPN(d3p_type_attr), .help = "GAP attribute number of the delay-detection type" },
	{ GM "ipsec.vpn.d3p-window-attribute", GW_CONF_UINT, 0, 1, 32767, "16385",
	  GMVPN(d3p_window_attr), .help = "GAP attribute number of the delay-detection window" },
	{ GM "ipsec.vpn.fail-open", GW_CONF_CONTAINER,
	  .help = "Clear text while the group SA is disabled (key server lost)" },
	{ GM "ipsec.vpn.fail-open.rule", GW_CONF_LIST, .key = "name",
	  .enter = conf_gm_fail_open_enter, .leave = conf_gm_fail_open_leave,
	  .nth = conf_gm_fail_open_nth, .help = "Fail-open rule, up to 10" },
	{ GM "ipsec.vpn.fail-open.rule.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, GMFO(name), .help = "Rule name" },
	{ GM "ipsec.vpn.fail-open.rule.source-address", GW_CONF_PREFIX, GW_CONF_F_REQUIRED,
	  GMFO(src), .help = "Source prefix" },
	{ GM "ipsec.vpn.fail-open.rule.destination-address", GW_CONF_PREFIX,
	  GW_CONF_F_REQUIRED, GMFO(dst), .help = "Destination prefix" },

	/* ---- security ipsec proposal / ipsec-policy / vpn (IKEv2, conf_ike.c) ---- */
	{ "security.ipsec.proposal", GW_CONF_LIST, .key = "name", LIST_HOOKS(ipsecprop),
	  .help = "CHILD_SA (ESP) proposal" },
	{ "security.ipsec.proposal.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, IPSECPROP(name), .help = "Proposal name" },
	{ "security.ipsec.proposal.encryption-algorithm", GW_CONF_ENUM, 0, 0, 0, "aes-128-gcm",
	  conf_ike_encrs, IPSECPROP(encryption), .help = "ESP cipher" },
	{ "security.ipsec.proposal.authentication-algorithm", GW_CONF_ENUM, 0, 0, 0, "none",
	  conf_ipsec_auths, IPSECPROP(authentication), .help = "ESP integrity (AES-CBC)" },
	{ "security.ipsec.proposal.lifetime-seconds", GW_CONF_UINT, 0, 30, 604800, "3600",
	  IPSECPROP(lifetime_seconds), .help = "CHILD_SA lifetime" },
	{ "security.ipsec.proposal.lifetime-kilobytes", GW_CONF_UINT, 0, 0, UINT64_MAX / 1024,
	  "0", IPSECPROP(lifetime_kbytes), .help = "CHILD_SA lifetime in kilobytes, 0 = none" },
	{ "security.ipsec.ipsec-policy", GW_CONF_LIST, .key = "name", LIST_HOOKS(ipsecpol),
	  .help = "IPsec policy of IKE-negotiated tunnels (Junos: security ipsec policy)" },
	{ "security.ipsec.ipsec-policy.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, IPSECPOL(name), .help = "Policy name" },
	{ "security.ipsec.ipsec-policy.proposals", GW_CONF_STRING, GW_CONF_F_MULTI, 1,
	  GW_CONF_NAME_LEN - 1, .obj = CONF_OBJ_IPSEC_POL, .set = conf_set_propref,
	  .get = conf_get_propref, .help = "ESP proposals, in order of preference" },
	{ "security.ipsec.ipsec-policy.perfect-forward-secrecy", GW_CONF_CONTAINER,
	  GW_CONF_F_PRESENCE, .help = "PFS on CHILD_SA rekeys" },
	{ "security.ipsec.ipsec-policy.perfect-forward-secrecy.keys", GW_CONF_ENUM, 0, 0, 0,
	  "group14", conf_pfs_dhs, IPSECPOL(pfs_group), .help = "DH group" },
	{ "security.ipsec.vpn", GW_CONF_LIST, .key = "name", LIST_HOOKS(vpn),
	  .help = "IKE-negotiated tunnel" },
	{ "security.ipsec.vpn.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, VPN(name), .help = "VPN name" },
	{ "security.ipsec.vpn.ike", GW_CONF_CONTAINER, .help = "IKE" },
	{ "security.ipsec.vpn.ike.gateway", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, VPN(gateway), .help = "IKE gateway" },
	{ "security.ipsec.vpn.ike.ipsec-policy", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, VPN(ipsec_policy), .help = "ipsec-policy" },
	{ "security.ipsec.vpn.bind-interface", GW_CONF_STRING, 0, 1,
	  GW_IFNAME_LEN - 1, VPN(bind_interface),
	  .help = "Interface where the cleartext enters (its input policy gets the terms; "
	  "or a service-set's)" },
	{ "security.ipsec.vpn.establish-tunnels", GW_CONF_ENUM, 0, 0, 0, "immediately",
	  conf_ike_establish, VPN(establish),
	  .help = "immediately, on-traffic, or responder-only" },
	{ "security.ipsec.vpn.traffic-selector", GW_CONF_LIST, .key = "name",
	  LIST_HOOKS(vpnts), .help = "Traffic the tunnel carries" },
	{ "security.ipsec.vpn.traffic-selector.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, VPNTS(name), .help = "Selector name" },
	{ "security.ipsec.vpn.traffic-selector.local-ip", GW_CONF_PREFIX, GW_CONF_F_REQUIRED,
	  VPNTS(local), .help = "Local prefix" },
	{ "security.ipsec.vpn.traffic-selector.remote-ip", GW_CONF_PREFIX, GW_CONF_F_REQUIRED,
	  VPNTS(remote), .help = "Remote prefix" },
	{ "security.ipsec.vpn.udp-encapsulate", GW_CONF_CONTAINER,
	  .help = "ESP in UDP to a multipath port (both gateways configured alike)" },
	{ "security.ipsec.vpn.udp-encapsulate.dest-udp-port", GW_CONF_UINT, 0, 1025, 65535,
	  NULL, VPN(udp_port),
	  .help = "Destination UDP port of the CHILD_SAs' ESP (not 4500)" },
	/* ---- security ike half-open (lib/ike/ike_resist.c) ---- */
	{ "security.ike.half-open", GW_CONF_CONTAINER,
	  .help = "Limits on IKE SAs not yet authenticated (responder)" },
	{ "security.ike.half-open.maximum", GW_CONF_UINT, 0, 1, 256, "64",
	  ROOT(ike.half_open_max), .help = "Half-open SAs in total" },
	{ "security.ike.half-open.per-peer", GW_CONF_UINT, 0, 1, 256, "8",
	  ROOT(ike.half_open_peer_max), .help = "Half-open SAs from one address" },
	{ "security.ike.half-open.cookie-threshold", GW_CONF_UINT, 0, 0, 256, "16",
	  ROOT(ike.cookie_threshold),
	  .help = "Half-open SAs from which IKE_SA_INIT needs a COOKIE (RFC 7296 2.6; 0 = always)" },
	/* ---- services service-set (conf_services.c) ---- */
	{ "services", GW_CONF_CONTAINER, .help = "Services" },
	{ "services.service-set", GW_CONF_LIST, .key = "name", LIST_HOOKS(svcset),
	  .help = "IKE vpns or a group applied to the interfaces naming the set" },
	{ "services.service-set.name", GW_CONF_STRING, GW_CONF_F_REQUIRED, 1,
	  GW_CONF_NAME_LEN - 1, .obj = CONF_OBJ_SVC_SET,
	  FIELD(struct gw_conf_service_set, name), .help = "Service set name" },
	{ "services.service-set.ipsec-vpn-rules", GW_CONF_STRING, GW_CONF_F_MULTI, 1,
	  GW_CONF_NAME_LEN - 1, .obj = CONF_OBJ_SVC_SET, .set = conf_set_svc_rule,
	  .get = conf_get_svc_rule, .help = "IKE vpns (security ipsec vpn), up to 8" },
	{ "services.service-set.ipsec-group-vpn", GW_CONF_STRING, 0, 1, GW_CONF_NAME_LEN - 1,
	  .obj = CONF_OBJ_SVC_SET, FIELD(struct gw_conf_service_set, group_vpn),
	  .help = "Group VPN (security group-vpn member ipsec vpn)" },
};

const struct gw_conf_stmt *
gw_conf_schema(size_t *n)
{
	if (n != NULL)
		*n = RTE_DIM(schema);
	return schema;
}

const char *
gw_conf_stmt_name(const struct gw_conf_stmt *s)
{
	const char *dot = strrchr(s->path, '.');

	return dot != NULL ? dot + 1 : s->path;
}

/* Row of the first `len` characters of a dotted path. */
static const struct gw_conf_stmt *
schema_find_n(const char *path, size_t len)
{
	for (size_t i = 0; i < RTE_DIM(schema); i++)
		if (strncmp(schema[i].path, path, len) == 0 && schema[i].path[len] == '\0')
			return &schema[i];
	return NULL;
}

const struct gw_conf_stmt *
gw_conf_schema_find(const char *path)
{
	return path != NULL ? schema_find_n(path, strlen(path)) : NULL;
}

/* s is a direct child of parent (NULL: top level)? */
static bool
is_child(const struct gw_conf_stmt *parent, const struct gw_conf_stmt *s)
{
	size_t len;

	if (parent == NULL)
		return strchr(s->path, '.') == NULL;
	len = strlen(parent->path);
	return strncmp(s->path, parent->path, len) == 0 && s->path[len] == '.' &&
	       strchr(s->path + len + 1, '.') == NULL;
}

const struct gw_conf_stmt *
gw_conf_schema_child(const struct gw_conf_stmt *parent, const struct gw_conf_stmt *prev)
{
	const struct gw_conf_stmt *s = prev != NULL ? prev + 1 : schema;

	for (; s < schema + RTE_DIM(schema); s++)
		if (is_child(parent, s))
			return s;
	return NULL;
}

/*
 * The loader applies the default of s when it enters `scope` (a list entry,
 * a presence container, or NULL for the top): s is below scope with no list
 * or presence container in between.
 */
bool
conf_default_in_scope(const struct gw_conf_stmt *scope, const struct gw_conf_stmt *s)
{
	size_t from = scope != NULL ? strlen(scope->path) : 0;
	const struct gw_conf_stmt *a;

	if (s->def == NULL)
		return false;
	if (scope != NULL && (strncmp(s->path, scope->path, from) != 0 || s->path[from] != '.'))
		return false;
	for (const char *dot = strchr(s->path + from + 1, '.'); dot != NULL;
	     dot = strchr(dot + 1, '.')) {
		a = schema_find_n(s->path, (size_t)(dot - s->path));
		if (a == NULL || a->type == GW_CONF_LIST || (a->flags & GW_CONF_F_PRESENCE))
			return false;
	}
	return true;
}
