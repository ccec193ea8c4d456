/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CONF_H
#define GW_CONF_H

/*
 * The configuration as the planes use it. Loaded from a libconfig file whose
 * groups mirror the Junos hierarchy (see lib/conf/README.md); one schema table
 * drives loading, --check and (later) the CLI. A configuration that does not
 * validate is refused whole, with file, line, statement and reason.
 */

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <netinet/in.h>
#include <rte_ether.h>

#include "gw_addr.h"
#include "gw_common.h"
#include "gw_crypto.h"
#include "gw_sa_types.h"

#define GW_CONF_NAME_LEN 64
#define GW_CONF_MAX_ADDRS 8
#define GW_CONF_MAX_ARP 64
#define GW_CONF_MAX_ROUTES 1024
#define GW_CONF_MAX_LCORES 64
#define GW_CONF_MAX_SAS 131072	/* the SA manager's GW_SAMGR_MAX_SAS */
#define GW_CONF_MAX_POLICIES 64
#define GW_CONF_MAX_TERMS 256

struct gw_conf_arp {		/* static neighbour: family inet|inet6 ... arp/ndp */
	struct gw_ipaddr addr;
	struct rte_ether_addr mac;
};

enum gw_exception_mode {
	GW_EXCEPTION_TAP = 0,	/* default: a TAP per port carries ARP/ND/local to the kernel */
	GW_EXCEPTION_NONE,	/* no kernel side (pcap tests, benchmarks) */
};

struct gw_conf_interface {
	char name[GW_IFNAME_LEN];		/* "ge-0/0/0" */
	char device[256];			/* PCI address or vdev string */
	char tap_name[16];			/* kernel side; default "gw" + index */
	uint16_t mtu;				/* default 1500 */
	bool disable;				/* "disable;" = admin down */
	bool has_mac;
	struct rte_ether_addr mac;		/* optional override */
	enum gw_exception_mode exception;
	unsigned int nb_addrs;
	struct gw_prefix addrs[GW_CONF_MAX_ADDRS];	/* inet and inet6, unit 0 */
	unsigned int nb_arp;
	struct gw_conf_arp arp[GW_CONF_MAX_ARP];	/* static ARP / NDP entries */
	/* family inet service input|output service-set (conf_services.c) */
	char service_set_in[GW_CONF_NAME_LEN], service_set_out[GW_CONF_NAME_LEN];
};

struct gw_conf_route {
	struct gw_prefix prefix;
	bool discard;			/* "discard" instead of a next hop */
	struct gw_ipaddr next_hop;	/* unset with discard */
	char interface[GW_IFNAME_LEN];	/* optional "qualified" interface */
};

enum gw_layout {
	GW_LAYOUT_RUN_TO_COMPLETION = 0,
	GW_LAYOUT_PIPELINE,
};

struct gw_conf_dataplane {
	enum gw_layout layout;
	/* run-to-completion: worker lcores; empty = every lcore but the main one */
	unsigned int nb_workers;
	unsigned int workers[GW_CONF_MAX_LCORES];
	/* pipeline: one lcore per stage (0 = pick automatically) */
	unsigned int rx_lcore, classify_lcore, crypto_lcore, tx_lcore;
	char crypto_engine[16];		/* "ipsecmb" (default) or "openssl" */
	enum gw_crypto_arch crypto_arch;	/* ipsecmb code path; default auto */
	unsigned int nb_mbufs;		/* default 16384 */
	unsigned int ring_size;		/* pipeline rings, default 1024 */
};

struct gw_conf_traceoptions {
	char file[256];			/* "" = stderr, "syslog", or a path */
	unsigned int flags;		/* GW_LOGFLAG_* mask */
	unsigned int level;		/* RTE_LOG_*; default RTE_LOG_NOTICE */
};

/* ---- security (ESP issue): manual SAs and policies ---- */

struct gw_conf_lifetime {
	uint64_t soft_seconds, hard_seconds;	/* 0 = none */
	uint64_t soft_kbytes, hard_kbytes;
};

struct gw_conf_sa {
	char name[GW_CONF_NAME_LEN];
	uint32_t spi;
	enum gw_sa_dir direction;
	bool group;			/* group SA: header preservation, SPI-only lookup, TBAR */
	struct gw_crypto_params crypto;	/* algorithms and keys; .encrypt from direction */
	struct gw_ipaddr tunnel_local;	/* unicast: tunnel endpoints */
	struct gw_ipaddr tunnel_remote;
	uint16_t replay_window;		/* unicast, default 64, up to 4096 */
	int8_t anti_replay;		/* -1 = inherit, 0 = no-anti-replay, 1 = on */
	bool esn;
	uint32_t tbar_window_ms;	/* group: 0 = off */
	uint8_t d3p_protocol;		/* default 253 */
	enum gw_udp_encap udp_encap;
	uint16_t udp_port;		/* GW_UDP_ENCAP_PORT: 1025..65535, not 4500 */
	uint16_t tunnel_mtu;		/* default 1500 */
	bool tunnel_mtu_set;		/* configured on the SA (else a policy's may apply) */
	enum gw_df_mode df;
	bool clear_df;			/* clear-dont-fragment-bit */
	bool passive;			/* passive-mode-tunneling */
	struct gw_conf_lifetime lifetime;
	/* selectors: the inner traffic the SA carries */
	struct gw_prefix sel_src, sel_dst;
	uint8_t sel_proto;		/* 0 = any */
};

struct gw_conf_term {
	char name[GW_CONF_NAME_LEN];
	struct gw_prefix src, dst;	/* family 0 = any */
	uint8_t proto;			/* 0 = any */
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;	/* 0..65535 = any */
	enum gw_policy_action action;
	char sa[GW_CONF_NAME_LEN];	/* protect / fail-open: the SA by name */
};

struct gw_conf_policy {
	char name[GW_CONF_NAME_LEN];
	char interface[GW_IFNAME_LEN];	/* where the rule applies */
	/*
	 * match-direction input: cleartext entering `interface` is protected,
	 * an outbound SPD with outbound SAs (GW_SA_OUTBOUND); output: what
	 * leaves it is checked against inbound SAs (GW_SA_INBOUND). Every
	 * protect / fail-open term's SA has this direction.
	 */
	enum gw_sa_dir direction;
	bool no_anti_replay;		/* service-set level; an SA's own setting wins */
	uint16_t tunnel_mtu;		/* service-set level default, 0 = unset */
	unsigned int nb_terms;
	struct gw_conf_term terms[GW_CONF_MAX_TERMS];
};

/* ---- security ike / ipsec vpn (IKEv2, lib/ike): fixed arrays, no heap ---- */

#define GW_CONF_MAX_IKE 16		/* entries of each IKE list */
#define GW_CONF_MAX_PROPREFS 4		/* proposals named by one policy */
#define GW_CONF_MAX_VPN_TS 8		/* traffic selectors of one vpn */
#define GW_CONF_PSK_MAX 128

/* Choices, index = the stored value (lib/conf/conf_ike.c has the names). */
enum gw_ike_encr {
	GW_IKE_ENC_AES128_CBC = 0, GW_IKE_ENC_AES256_CBC, GW_IKE_ENC_AES128_GCM,
	GW_IKE_ENC_AES256_GCM,
};
enum gw_ike_hash { GW_IKE_HASH_SHA1 = 0, GW_IKE_HASH_SHA256, GW_IKE_HASH_SHA384,
		   GW_IKE_HASH_SHA512 };
enum gw_ike_dh { GW_IKE_DH_14 = 0, GW_IKE_DH_15, GW_IKE_DH_19, GW_IKE_DH_20, GW_IKE_DH_31 };
enum gw_ipsec_auth { GW_IPSEC_AUTH_SHA1_96 = 0, GW_IPSEC_AUTH_SHA256_128,
		     GW_IPSEC_AUTH_SHA384_192, GW_IPSEC_AUTH_SHA512_256, GW_IPSEC_AUTH_NONE };
enum gw_ike_dpd { GW_IKE_DPD_OPTIMIZED = 0, GW_IKE_DPD_ALWAYS, GW_IKE_DPD_PROBE_IDLE };
enum gw_ike_establish { GW_IKE_EST_IMMEDIATELY = 0, GW_IKE_EST_ON_TRAFFIC,
			GW_IKE_EST_RESPONDER_ONLY };
/* authentication-method of an ike proposal: how we sign our AUTH (RFC 7296 2.15). */
enum gw_ike_authm { GW_IKE_AUTHM_PSK = 0, GW_IKE_AUTHM_RSA, GW_IKE_AUTHM_ECDSA256,
		    GW_IKE_AUTHM_ECDSA384, GW_IKE_AUTHM_ECDSA521 };
#define GW_CONF_PATH_MAX 256		/* certificate, key and CA file names */
#define GW_CONF_IKE_ID_MAX 256		/* identity text (a DN can be long) */

/* security ike proposal NAME */
struct gw_conf_ike_proposal {
	char name[GW_CONF_NAME_LEN];
	uint32_t encryption;		/* enum gw_ike_encr */
	uint32_t authentication;	/* enum gw_ike_hash: PRF, and integrity with CBC */
	uint32_t dh_group;		/* enum gw_ike_dh */
	uint32_t lifetime_seconds;
	uint32_t auth_method;		/* enum gw_ike_authm */
};

/* security ike policy NAME */
struct gw_conf_ike_policy {
	char name[GW_CONF_NAME_LEN];
	unsigned int nb_proposals;
	char proposals[GW_CONF_MAX_PROPREFS][GW_CONF_NAME_LEN];
	uint8_t psk[GW_CONF_PSK_MAX];	/* pre-shared-key ascii-text or hexadecimal */
	unsigned int psk_len;
	bool psk_ascii;			/* written as ascii-text (printed back that way) */
	uint32_t auth_method;		/* enum gw_ike_authm: that of its proposals */
	/* certificate { local-certificate; private-key; trusted-ca } (absolute paths) */
	char local_cert[GW_CONF_PATH_MAX];	/* PEM: ours, then intermediates */
	char private_key[GW_CONF_PATH_MAX];	/* PEM */
	char trusted_ca[GW_CONF_PATH_MAX];	/* PEM / DER file, or a directory of them */
};

/* security ike gateway NAME */
struct gw_conf_ike_gateway {
	char name[GW_CONF_NAME_LEN];
	char ike_policy[GW_CONF_NAME_LEN];
	struct gw_ipaddr address;	/* the peer */
	struct gw_ipaddr local_address;
	/*
	 * local-identity / remote-identity: ID Type (RFC 7296 3.5: hostname 2,
	 * inet 1, inet6 5, user-at-hostname 3, distinguished-name 9; 0 = none)
	 * and the value as written. None: the local address (pre-shared key) or
	 * the certificate's subject; any peer identity is accepted.
	 */
	uint8_t local_id_type, remote_id_type;
	char local_identity[GW_CONF_IKE_ID_MAX];
	char remote_identity[GW_CONF_IKE_ID_MAX];
	uint32_t dpd_mode;		/* enum gw_ike_dpd */
	uint32_t dpd_interval;		/* seconds */
	uint32_t dpd_threshold;		/* unanswered probes before the peer is dead */
	uint32_t version;		/* 0 = v2-only (the only one) */
	uint32_t nat_keepalive;		/* seconds between NAT keepalives (RFC 3948 4) */
	uint32_t frag_size;		/* fragmentation size: IP packet octets, 0 = 576 */
	bool frag_disable;		/* fragmentation disable: no RFC 7383 */
};

/* security ipsec proposal NAME */
struct gw_conf_ipsec_proposal {
	char name[GW_CONF_NAME_LEN];
	uint32_t encryption;		/* enum gw_ike_encr */
	uint32_t authentication;	/* enum gw_ipsec_auth (none with GCM) */
	uint32_t lifetime_seconds;
	uint64_t lifetime_kbytes;
};

/* security ipsec ipsec-policy NAME (Junos: security ipsec policy) */
struct gw_conf_ipsec_policy {
	char name[GW_CONF_NAME_LEN];
	unsigned int nb_proposals;
	char proposals[GW_CONF_MAX_PROPREFS][GW_CONF_NAME_LEN];
	uint32_t pfs_group;		/* 0 = no PFS, else enum gw_ike_dh + 1 */
};

struct gw_conf_vpn_ts {
	char name[GW_CONF_NAME_LEN];
	struct gw_prefix local, remote;
};

/* security ipsec vpn NAME */
struct gw_conf_vpn {
	char name[GW_CONF_NAME_LEN];
	char gateway[GW_CONF_NAME_LEN];		/* ike gateway */
	char ipsec_policy[GW_CONF_NAME_LEN];	/* ike ipsec-policy */
	char bind_interface[GW_IFNAME_LEN];	/* where the cleartext enters */
	uint32_t establish;			/* enum gw_ike_establish */
	unsigned int nb_ts;
	struct gw_conf_vpn_ts ts[GW_CONF_MAX_VPN_TS];
	uint32_t udp_port;			/* udp-encapsulate dest-udp-port, 0 = off */
};

struct gw_conf_ike {
	unsigned int nb_proposals, nb_policies, nb_gateways;
	struct gw_conf_ike_proposal proposals[GW_CONF_MAX_IKE];
	struct gw_conf_ike_policy policies[GW_CONF_MAX_IKE];
	struct gw_conf_ike_gateway gateways[GW_CONF_MAX_IKE];
	unsigned int nb_ipsec_proposals, nb_ipsec_policies, nb_vpns;
	struct gw_conf_ipsec_proposal ipsec_proposals[GW_CONF_MAX_IKE];
	struct gw_conf_ipsec_policy ipsec_policies[GW_CONF_MAX_IKE];
	struct gw_conf_vpn vpns[GW_CONF_MAX_IKE];
	/* security ike half-open: the responder's limits (lib/ike/ike_resist.c) */
	uint32_t half_open_max, half_open_peer_max, cookie_threshold;
};

#define GW_CONF_MAX_USERS 32

/* system services telnet: the CLI server (lib/cli). */
struct gw_conf_telnet {
	struct gw_ipaddr address;	/* listen address */
	uint16_t port;
	uint32_t session_limit;
};

/* ---- security group-vpn member (GDOI group member, lib/gm) ---- */

#define GW_GM_MAX_PROPOSALS 8
#define GW_GM_MAX_IKE_POLICIES 4
#define GW_GM_MAX_GATEWAYS 4
#define GW_GM_MAX_VPNS 4
#define GW_GM_MAX_SERVERS 4
#define GW_GM_MAX_FAIL_OPEN 10
#define GW_GM_PSK_MAX 64		/* octets; gdoid hashes longer keys wrongly */

/* ike proposal NAME: one IKEv1 phase 1 transform (RFC 2409 App. A numbers). */
struct gw_conf_gm_proposal {
	char name[GW_CONF_NAME_LEN];
	uint32_t enc;			/* index of gw_gm_enc_names */
	uint32_t hash;			/* index of gw_gm_hash_names */
	uint32_t dh_group;		/* index of gw_gm_dh_names */
	uint32_t lifetime_s;
	uint32_t auth_method;		/* 0 pre-shared-keys (the only one) */
};

/* ike policy NAME: proposals in preference order and the pre-shared key. */
struct gw_conf_gm_ike_policy {
	char name[GW_CONF_NAME_LEN];
	unsigned int nb_proposals;
	char proposals[GW_GM_MAX_PROPOSALS][GW_CONF_NAME_LEN];
	char psk[GW_GM_PSK_MAX + 1];	/* pre-shared-key ascii-text */
	uint32_t mode;			/* 0 main (the only one) */
};

/* ike gateway NAME: the key servers (priority order) and the local address. */
struct gw_conf_gm_gateway {
	char name[GW_CONF_NAME_LEN];
	char ike_policy[GW_CONF_NAME_LEN];
	unsigned int nb_servers;
	struct gw_ipaddr servers[GW_GM_MAX_SERVERS];
	struct gw_ipaddr local;
};

struct gw_conf_gm_fail_open {
	char name[GW_CONF_NAME_LEN];
	struct gw_prefix src, dst;
};

/* ipsec vpn NAME: one group this appliance is a member of. */
struct gw_conf_gm_vpn {
	char name[GW_CONF_NAME_LEN];
	char ike_gateway[GW_CONF_NAME_LEN];
	uint32_t group;			/* KEY_ID group number (4 octets, network order) */
	char interface[GW_IFNAME_LEN];	/* where the group's protect terms apply */
	enum gw_sa_dir direction;	/* match-direction input: GW_SA_OUTBOUND */
	enum gw_df_mode df;
	uint16_t tunnel_mtu;
	uint32_t tek_id_length;		/* SA TEK identity Data Len octets: 2 (RFC 6407) or 1 */
	uint32_t kek_signature;		/* 0 pkcs1 (DigestInfo), 1 bare-digest (gdoid) */
	uint16_t d3p_type_attr, d3p_window_attr;	/* GAP private-use numbers */
	unsigned int nb_fail_open;
	struct gw_conf_gm_fail_open fail_open[GW_GM_MAX_FAIL_OPEN];
};

struct gw_conf_gm {
	unsigned int nb_proposals;
	struct gw_conf_gm_proposal proposals[GW_GM_MAX_PROPOSALS];
	unsigned int nb_ike_policies;
	struct gw_conf_gm_ike_policy ike_policies[GW_GM_MAX_IKE_POLICIES];
	unsigned int nb_gateways;
	struct gw_conf_gm_gateway gateways[GW_GM_MAX_GATEWAYS];
	unsigned int nb_vpns;
	struct gw_conf_gm_vpn vpns[GW_GM_MAX_VPNS];
};

/* Choices of ike proposal (index = the stored value). */
extern const char *const gw_gm_enc_names[];	/* des-cbc 3des-cbc aes-128-cbc ... */
extern const char *const gw_gm_hash_names[];	/* md5 sha1 sha-256 */
extern const char *const gw_gm_dh_names[];	/* group1 group2 group5 group14 group19 group20 */

enum gw_login_class { GW_CLASS_SUPER_USER = 0, GW_CLASS_READ_ONLY };

/* system login user NAME: a CLI account; only the SHA-512 crypt hash is kept. */
struct gw_conf_user {
	char name[32];
	uint32_t login_class;		/* enum gw_login_class */
	char hash[128];			/* "$6$salt$..." */
};

/*
 * security group-vpn server: the GDOI key server (lib/gks). Fixed arrays: the
 * whole server lives in struct gw_config (no heap member to serialise).
 */
#define GW_GVPN_MAX_GROUPS 8
#define GW_GVPN_MAX_MEMBERS 16
#define GW_GVPN_MAX_TEKS 8
#define GW_GVPN_MAX_PROPOSALS 4
#define GW_GVPN_MAX_LISTEN 4

/* ike proposal NAME: a Main Mode transform the server accepts (pre-shared keys). */
struct gw_conf_gvpn_proposal {
	char name[GW_CONF_NAME_LEN];
	uint32_t enc;			/* index of gw_gvpn_ike_enc_names */
	uint32_t hash;			/* index of gw_gvpn_ike_hash_names */
	uint32_t dh_group;		/* index of gw_gvpn_dh_names */
	uint32_t lifetime_s;
};

/* group NAME member NAME: who may register, with which pre-shared key. */
struct gw_conf_gvpn_member {
	char name[GW_CONF_NAME_LEN];
	struct gw_prefix address;
	char identity[128];		/* "" = the ID is an address inside `address` */
	char psk[129];
};

/* group NAME ipsec-sa NAME: one TEK policy. */
struct gw_conf_gvpn_tek {
	char name[GW_CONF_NAME_LEN];
	struct gw_prefix src, dst;
	uint32_t proto;
	uint32_t sport, dport;
	uint32_t enc;			/* index of gw_gvpn_tek_enc_names */
	uint32_t auth;			/* index of gw_gvpn_tek_auth_names */
	uint32_t lifetime_s;
	uint32_t mode;			/* 0 tunnel, 1 transport */
};

struct gw_conf_gvpn_group {
	char name[GW_CONF_NAME_LEN];
	uint32_t group_id;
	unsigned int nb_members;
	struct gw_conf_gvpn_member members[GW_GVPN_MAX_MEMBERS];
	unsigned int nb_teks;
	struct gw_conf_gvpn_tek teks[GW_GVPN_MAX_TEKS];
	/* kek: present when signing-key is set */
	uint32_t kek_enc;		/* index of gw_gvpn_kek_enc_names */
	uint32_t kek_lifetime_s;
	uint32_t kek_sig_hash;		/* 0 sha1, 1 sha-256 */
	uint32_t kek_sig_format;	/* 0 pkcs1 (DigestInfo), 1 bare-digest (gdoid) */
	char kek_key_file[256];
	bool kek_ack;
	/* server-member-communication */
	uint32_t comm;			/* 0 unicast, 1 multicast, 2 both */
	struct gw_ipaddr mcast;
	uint32_t mcast_ttl;
	uint32_t retransmits, retransmit_s, rekey_percent;
	uint32_t atd_s, dtd_s;
	/* delay-detection (GAP D3P) */
	uint32_t d3p_window_ms, d3p_type_attr, d3p_window_attr;
	bool gdoid_compat;		/* gdoid-compatibility: members built on gdoid */
};

struct gw_conf_gvpn_server {
	unsigned int nb_listen;
	struct gw_ipaddr listen[GW_GVPN_MAX_LISTEN];
	uint32_t port;
	unsigned int nb_proposals;
	struct gw_conf_gvpn_proposal proposals[GW_GVPN_MAX_PROPOSALS];
	unsigned int nb_groups;
	struct gw_conf_gvpn_group groups[GW_GVPN_MAX_GROUPS];
};

/* The names of the enum statements above, in index order (NULL-terminated). */
extern const char *const gw_gvpn_ike_enc_names[];
extern const char *const gw_gvpn_ike_hash_names[];
extern const char *const gw_gvpn_dh_names[];
extern const char *const gw_gvpn_tek_enc_names[];
extern const char *const gw_gvpn_tek_auth_names[];
extern const char *const gw_gvpn_kek_enc_names[];

/*
 * services service-set NAME (conf_services.c): what the Junos service set
 * applies where its interface says (`interfaces ... family inet service input
 * service-set NAME`): IKE vpns (ipsec-vpn-rules) or a group (ipsec-group-vpn).
 */
#define GW_CONF_MAX_SERVICE_SETS 16
#define GW_CONF_MAX_SVC_RULES 8
struct gw_conf_service_set {
	char name[GW_CONF_NAME_LEN];
	unsigned int nb_vpn_rules;
	char vpn_rules[GW_CONF_MAX_SVC_RULES][GW_CONF_NAME_LEN];	/* security ipsec vpn */
	char group_vpn[GW_CONF_NAME_LEN];	/* security group-vpn member ipsec vpn */
};

struct gw_conf_services {
	unsigned int nb_sets;
	struct gw_conf_service_set sets[GW_CONF_MAX_SERVICE_SETS];
};

struct gw_config {
	char path[512];			/* file it came from */
	char host_name[64];
	struct gw_conf_telnet telnet;
	unsigned int nb_users;
	struct gw_conf_user users[GW_CONF_MAX_USERS];
	struct gw_conf_dataplane dataplane;
	struct gw_conf_traceoptions trace;
	unsigned int nb_interfaces;
	struct gw_conf_interface interfaces[GW_MAX_PORTS];
	unsigned int nb_routes;
	struct gw_conf_route routes[GW_CONF_MAX_ROUTES];
	struct gw_conf_gvpn_server gvpn_server;	/* nb_groups 0: no key server */
	struct gw_conf_gm gm;		/* security group-vpn member */
	struct gw_conf_ike ike;		/* IKEv2 (no heap) */
	struct gw_conf_services services;	/* services service-set (no heap) */
	/* heap members: the parse child sends them too (lib/conf/conf_child.c) */
	unsigned int nb_sas;
	struct gw_conf_sa *sas;		/* heap, nb_sas entries */
	unsigned int nb_policies;
	struct gw_conf_policy *policies;	/* heap */
};

/* Where and why a configuration was refused. */
struct gw_conf_error {
	char file[512];
	int line;			/* 0 if unknown */
	char statement[256];		/* "interfaces ge-0/0/0 mtu" */
	char reason[256];
};

/*
 * Load and validate a file. Returns a new config, or NULL with *err filled
 * (and errno set). Nothing is applied by loading.
 */
struct gw_config *gw_conf_load(const char *path, struct gw_conf_error *err);
/* Same from a string (tests, CLI candidate). */
struct gw_config *gw_conf_load_string(const char *text, struct gw_conf_error *err);
void gw_conf_free(struct gw_config *conf);	/* wipes key material */
/* "file:line: statement: reason" */
void gw_conf_error_format(const struct gw_conf_error *err, char *buf, size_t len);

/*
 * Print a configuration in the file format, from the schema (`show
 * configuration`, saving a commit): only what differs from the defaults.
 * Key material is printed only with `secrets`, else as a comment. 0 or -errno.
 */
int gw_conf_write(const struct gw_config *conf, FILE *out, bool secrets);

/* Helpers shared with the CLI and tests. 0 or -EINVAL. */
int gw_prefix_parse(const char *text, struct gw_prefix *out);	/* "10.0.0.0/8", "2001:db8::/32" */
int gw_ipaddr_parse(const char *text, struct gw_ipaddr *out);
bool gw_prefix_contains(const struct gw_prefix *p, const struct gw_ipaddr *a);

/* Look-ups by name in a loaded configuration; NULL if absent. */
const struct gw_conf_interface *gw_conf_interface_find(const struct gw_config *conf,
						       const char *name);
const struct gw_conf_sa *gw_conf_sa_find(const struct gw_config *conf, const char *name);

#endif /* GW_CONF_H */
