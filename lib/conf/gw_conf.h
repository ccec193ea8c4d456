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

#define GW_CONF_MAX_USERS 32

/* system services telnet: the CLI server (lib/cli). */
struct gw_conf_telnet {
	struct gw_ipaddr address;	/* listen address */
	uint16_t port;
	uint32_t session_limit;
};

enum gw_login_class { GW_CLASS_SUPER_USER = 0, GW_CLASS_READ_ONLY };

/* system login user NAME: a CLI account; only the SHA-512 crypt hash is kept. */
struct gw_conf_user {
	char name[32];
	uint32_t login_class;		/* enum gw_login_class */
	char hash[128];			/* "$6$salt$..." */
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
