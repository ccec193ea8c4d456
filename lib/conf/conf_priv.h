/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_CONF_PRIV_H
#define GW_CONF_PRIV_H

/* Loader internals shared by the files of lib/conf. Not installed. */

#include <libconfig.h>

#include "gw_conf.h"
#include "conf_schema.h"

/* What a schema row's generic store (off/size) is relative to. */
enum conf_obj {
	CONF_OBJ_ROOT = 0,	/* struct gw_config */
	CONF_OBJ_IFACE,		/* struct gw_conf_interface */
	CONF_OBJ_ARP,		/* struct gw_conf_arp */
	CONF_OBJ_ROUTE,		/* struct gw_conf_route */
	CONF_OBJ_SA,		/* struct gw_conf_sa */
	CONF_OBJ_POLICY,	/* struct gw_conf_policy */
	CONF_OBJ_TERM,		/* struct gw_conf_term */
	CONF_OBJ_USER,		/* struct gw_conf_user */
	CONF_OBJ_GVPN_PROP,	/* struct gw_conf_gvpn_proposal */
	CONF_OBJ_GVPN_GROUP,	/* struct gw_conf_gvpn_group */
	CONF_OBJ_GVPN_MEMBER,	/* struct gw_conf_gvpn_member */
	CONF_OBJ_GVPN_TEK,	/* struct gw_conf_gvpn_tek */
	CONF_OBJ_GM_PROPOSAL,	/* struct gw_conf_gm_proposal */
	CONF_OBJ_GM_POLICY,	/* struct gw_conf_gm_ike_policy */
	CONF_OBJ_GM_GATEWAY,	/* struct gw_conf_gm_gateway */
	CONF_OBJ_GM_VPN,	/* struct gw_conf_gm_vpn */
	CONF_OBJ_GM_FAIL_OPEN,	/* struct gw_conf_gm_fail_open */
	CONF_OBJ_IKE_PROP,	/* struct gw_conf_ike_proposal */
	CONF_OBJ_IKE_POL,	/* struct gw_conf_ike_policy */
	CONF_OBJ_IKE_GW,	/* struct gw_conf_ike_gateway */
	CONF_OBJ_IPSEC_PROP,	/* struct gw_conf_ipsec_proposal */
	CONF_OBJ_IPSEC_POL,	/* struct gw_conf_ipsec_policy */
	CONF_OBJ_VPN,		/* struct gw_conf_vpn */
	CONF_OBJ_VPN_TS,	/* struct gw_conf_vpn_ts */
	CONF_OBJ_SVC_SET,	/* struct gw_conf_service_set */
	CONF_OBJ_MAX
};

struct gw_conf_val {
	uint64_t u;			/* UINT, BOOL, ENUM (index) */
	const char *s;			/* STRING, ENUM: the text */
	struct gw_prefix prefix;
	struct gw_ipaddr addr;
	struct rte_ether_addr mac;
	uint8_t key[GW_CRYPTO_MAX_KEY];
	unsigned int key_len;
	uint16_t lo, hi;		/* PORTS */
};

#define CONF_DEPTH 16

/* Per-SA facts the SA's cross-checks need and the struct does not keep. */
struct conf_sa_state {
	const char *enc_name;		/* algorithm as written (lives in the tree) */
	unsigned int enc_key_len;	/* expected by the algorithm */
	unsigned int auth_key_len;
	bool has_enc_key, has_auth_key, has_auth_alg;
	bool no_anti_replay;
};

struct gw_conf_ctx {
	struct gw_config *conf;
	struct gw_conf_error *err;
	const char *dir;		/* of the file: where @include files are */
	void *obj[CONF_OBJ_MAX];
	const config_setting_t *cur;	/* setting being handled: its line */
	const char *leaf;		/* its statement name, NULL for a group */
	unsigned int depth;
	const config_setting_t *frame[CONF_DEPTH];	/* enclosing groups */
	size_t frame_len[CONF_DEPTH];	/* stmt length before each frame */
	char stmt[256];			/* Junos path of the current group */
	int family;			/* AF_INET / AF_INET6 inside family inet / inet6 */
	bool unit0;			/* the interface has its unit 0 */
	struct conf_sa_state sa;
	/*
	 * conf_sec.c: the SAs read so far, by name and by (SPI, direction), so a
	 * duplicate is found without comparing with every SA before it (n²/2
	 * comparisons: 5·10⁹ for 100,000 SAs). Open addressing, SA index + 1
	 * (0: empty).
	 */
	uint32_t *sa_by_name, *sa_by_spi;
	uint32_t sa_index_mask;
	const struct gw_conf_sa *sa_multipath;	/* the first SA with a multipath port */
	unsigned int route_line[GW_CONF_MAX_ROUTES];
};

/*
 * Record the error at the current setting: statement = current path plus
 * the leaf's name (if the current setting is a leaf). Returns -EINVAL.
 */
int conf_fail(struct gw_conf_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Record the error at `member` (dotted path relative to the innermost group,
 * e.g. "encryption.key"); falls back to the group's own line if absent.
 */
int conf_fail_at(struct gw_conf_ctx *c, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The innermost group has this member (dotted path)? */
bool conf_has(const struct gw_conf_ctx *c, const char *member);

/* conf_sec.c: frees the SA indexes of conf_sa_begin() (when the walk ends). */
void conf_sa_index_free(struct gw_conf_ctx *c);

/* conf_load.c: an @include's name as shown in errors (dir "/" name). */
void conf_include_path(char *buf, size_t len, const char *dir, const char *file);

/* conf_file.c: a file and its text, checked before libconfig sees them. */
#define CONF_MAX_FILE (16u << 20)	/* bytes of one file */
#define CONF_MAX_INCLUDE_DEPTH 10	/* libconfig 1.5's MAX_INCLUDE_DEPTH */
/* A regular file's text, NUL-terminated (free it). 0, or -errno and why. */
int conf_file_read(const char *path, char **text, size_t *len, char *why, size_t why_len);
/*
 * What libconfig 1.5 would die on, hang on or misread: @include of anything but
 * a readable regular file, NUL bytes, integers it would wrap. 0 or -errno, err set;
 * bytes: the size of the text and of every @include file it read.
 */
int conf_text_check(const char *text, size_t len, const char *file, const char *dir,
		    struct gw_conf_error *err, size_t *bytes);

/*
 * conf_child.c: fn(arg, err) in a child process; its result comes back unless it
 * uses more than timeout_ms of CPU time (the loader gives CONF_CHILD_TIMEOUT_MS
 * plus CONF_CHILD_MS_PER_MIB for each MiB of configuration text: 100,000 SAs are
 * 17 MiB) or six times that of wall-clock time.
 */
#define CONF_CHILD_TIMEOUT_MS 10000
#define CONF_CHILD_MS_PER_MIB 1000
typedef struct gw_config *(*conf_parse_fn)(void *arg, struct gw_conf_error *err);
struct gw_config *conf_child_parse(conf_parse_fn fn, void *arg, unsigned int timeout_ms,
				   struct gw_conf_error *err);

/* conf_addr.c */
int conf_mac_parse(const char *text, struct rte_ether_addr *mac);
int conf_key_parse(const char *text, uint8_t *key, unsigned int max, unsigned int *len);
int conf_ports_parse(const char *text, uint16_t *lo, uint16_t *hi);
bool conf_prefix_is_canonical(const struct gw_prefix *p);
const char *conf_prefix_str(const struct gw_prefix *p, char *buf, size_t len);
const char *conf_ipaddr_str(const struct gw_ipaddr *a, char *buf, size_t len);
bool conf_ipaddr_eq(const struct gw_ipaddr *a, const struct gw_ipaddr *b);
bool conf_prefix_eq(const struct gw_prefix *a, const struct gw_prefix *b);

/* conf_value.c: text or libconfig setting -> value, type and range checked. */
int conf_value_parse(const struct gw_conf_stmt *s, const char *text, struct gw_conf_val *v,
		     char *reason, size_t len);
int conf_setting_value(const struct gw_conf_stmt *s, const config_setting_t *set,
		       struct gw_conf_val *v, char *reason, size_t len);
/* conf_schema.c: s's default is applied on entering `scope` (NULL: top). */
bool conf_default_in_scope(const struct gw_conf_stmt *scope, const struct gw_conf_stmt *s);
/*
 * conf_schema_index.c: parent's children (NULL: the top level) and the statements
 * whose default conf_default_in_scope(scope) applies, in schema order, each run
 * NULL-terminated; NULL when the index could not be allocated.
 */
const struct gw_conf_stmt *const *conf_schema_children(const struct gw_conf_stmt *parent);
const struct gw_conf_stmt *const *conf_schema_defaults(const struct gw_conf_stmt *scope);

int conf_store(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
	       const struct gw_conf_val *v);

/* Hooks the schema table points at, one file per section. */
/* conf_sys.c */
int conf_set_worker(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		    const struct gw_conf_val *v);
int conf_set_ring_size(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		       const struct gw_conf_val *v);
int conf_set_trace_level(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			 const struct gw_conf_val *v);
int conf_set_trace_flag(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			const struct gw_conf_val *v);
int conf_set_engine(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		    const struct gw_conf_val *v);
int conf_dataplane_leave(struct gw_conf_ctx *c);
/* printer */
int conf_get_worker(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_engine(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_ring_size(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_trace_level(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_trace_flag(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);

/* conf_gm.c: security group-vpn member */
int conf_gm_proposal_enter(struct gw_conf_ctx *c, const char *name);
int conf_gm_policy_enter(struct gw_conf_ctx *c, const char *name);
int conf_gm_gateway_enter(struct gw_conf_ctx *c, const char *name);
int conf_gm_vpn_enter(struct gw_conf_ctx *c, const char *name);
int conf_gm_fail_open_enter(struct gw_conf_ctx *c, const char *name);
void *conf_gm_proposal_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_gm_policy_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_gm_gateway_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_gm_vpn_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_gm_fail_open_nth(struct gw_conf_ctx *c, unsigned int idx);
int conf_set_gm_proposals(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			  const struct gw_conf_val *v);
int conf_get_gm_proposals(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			  unsigned int idx, char *buf, size_t len);
int conf_set_gm_server(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		       const struct gw_conf_val *v);
int conf_get_gm_server(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		       unsigned int idx, char *buf, size_t len);
int conf_set_gm_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			  const struct gw_conf_val *v);
int conf_get_gm_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			  unsigned int idx, char *buf, size_t len);
int conf_gm_policy_leave(struct gw_conf_ctx *c);
int conf_gm_gateway_leave(struct gw_conf_ctx *c);
int conf_gm_fail_open_leave(struct gw_conf_ctx *c);
int conf_gm_leave(struct gw_conf_ctx *c);

/* conf_if.c */
int conf_if_begin(struct gw_conf_ctx *c, unsigned int count);
int conf_if_enter(struct gw_conf_ctx *c, const char *name);
int conf_if_leave(struct gw_conf_ctx *c);
int conf_set_device(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		    const struct gw_conf_val *v);
int conf_set_ifmac(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		   const struct gw_conf_val *v);
int conf_set_tap_name(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		      const struct gw_conf_val *v);
int conf_unit_enter(struct gw_conf_ctx *c, const char *name);
int conf_inet_enter(struct gw_conf_ctx *c, const char *key);
int conf_inet6_enter(struct gw_conf_ctx *c, const char *key);
int conf_set_ifaddr(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		    const struct gw_conf_val *v);
int conf_arp_enter(struct gw_conf_ctx *c, const char *addr);
int conf_arp_leave(struct gw_conf_ctx *c);
/* printer */
int conf_get_device(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_ifmac(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_tap_name(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_unit_name(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_ifaddr(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
void *conf_if_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_unit_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_arp_nth(struct gw_conf_ctx *c, unsigned int idx);

/* conf_route.c */
int conf_user_begin(struct gw_conf_ctx *c, unsigned int count);
int conf_user_enter(struct gw_conf_ctx *c, const char *name);
int conf_user_leave(struct gw_conf_ctx *c);
void *conf_user_nth(struct gw_conf_ctx *c, unsigned int idx);
int conf_route_begin(struct gw_conf_ctx *c, unsigned int count);
int conf_route_enter(struct gw_conf_ctx *c, const char *name);
int conf_route_leave(struct gw_conf_ctx *c);
/* printer */
void *conf_route_nth(struct gw_conf_ctx *c, unsigned int idx);

/* conf_gvpn.c: security group-vpn server */
int conf_gvpn_listen_set(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			 const struct gw_conf_val *v);
int conf_gvpn_listen_get(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
			 char *buf, size_t len);
int conf_gvpn_prop_enter(struct gw_conf_ctx *c, const char *name);
void *conf_gvpn_prop_nth(struct gw_conf_ctx *c, unsigned int idx);
int conf_gvpn_group_enter(struct gw_conf_ctx *c, const char *name);
int conf_gvpn_group_leave(struct gw_conf_ctx *c);
void *conf_gvpn_group_nth(struct gw_conf_ctx *c, unsigned int idx);
int conf_gvpn_member_enter(struct gw_conf_ctx *c, const char *name);
void *conf_gvpn_member_nth(struct gw_conf_ctx *c, unsigned int idx);
int conf_gvpn_tek_enter(struct gw_conf_ctx *c, const char *name);
int conf_gvpn_tek_leave(struct gw_conf_ctx *c);
void *conf_gvpn_tek_nth(struct gw_conf_ctx *c, unsigned int idx);

/* conf_sec.c */
int conf_sa_begin(struct gw_conf_ctx *c, unsigned int count);
int conf_sa_enter(struct gw_conf_ctx *c, const char *name);
int conf_sa_leave(struct gw_conf_ctx *c);
int conf_set_enc_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		     const struct gw_conf_val *v);
int conf_set_enc_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		     const struct gw_conf_val *v);
int conf_set_auth_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		      const struct gw_conf_val *v);
int conf_set_auth_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		      const struct gw_conf_val *v);
int conf_set_no_anti_replay(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
			    const struct gw_conf_val *v);
int conf_set_udp_port(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		      const struct gw_conf_val *v);
/* printer */
int conf_get_enc_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_enc_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_auth_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_auth_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_replay_window(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_no_anti_replay(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
int conf_get_udp_port(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
void *conf_sa_nth(struct gw_conf_ctx *c, unsigned int idx);

/* conf_policy.c */
/* conf_ike.c: security ike, security ipsec proposal / ipsec-policy / vpn */
extern const char *const conf_ike_encrs[], *const conf_ike_hashes[], *const conf_ike_dhs[];
extern const char *const conf_ipsec_auths[], *const conf_ike_dpds[], *const conf_pfs_dhs[];
extern const char *const conf_ike_establish[], *const conf_ike_versions[];
#define CONF_IKE_LIST_HOOKS(x) \
	int conf_##x##_enter(struct gw_conf_ctx *c, const char *name); \
	int conf_##x##_leave(struct gw_conf_ctx *c); \
	void *conf_##x##_nth(struct gw_conf_ctx *c, unsigned int idx);
CONF_IKE_LIST_HOOKS(ikeprop)
CONF_IKE_LIST_HOOKS(ikepol)
CONF_IKE_LIST_HOOKS(ikegw)
CONF_IKE_LIST_HOOKS(ipsecprop)
CONF_IKE_LIST_HOOKS(ipsecpol)
CONF_IKE_LIST_HOOKS(vpn)
CONF_IKE_LIST_HOOKS(vpnts)
int conf_set_propref(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		     const struct gw_conf_val *v);
/* conf_services.c: services service-set, applied to interfaces */
CONF_IKE_LIST_HOOKS(svcset)
int conf_set_svc_rule(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		      const struct gw_conf_val *v);
int conf_get_svc_rule(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		      char *buf, size_t len);
/* After the walk: references of the service sets, vpns bound to their interfaces. */
int conf_services_resolve(struct gw_conf_ctx *c, const config_setting_t *root);
int conf_get_propref(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		     char *buf, size_t len);
int conf_set_psk_ascii(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		       const struct gw_conf_val *v);
int conf_set_psk_hex(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		     const struct gw_conf_val *v);
int conf_get_psk_hex(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		     char *buf, size_t len);
int conf_get_psk_ascii(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		       char *buf, size_t len);
/* conf_ike_cert.c: authentication-method, certificate files, identities */
extern const char *const conf_ike_authms[];
int conf_set_ike_id(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		    const struct gw_conf_val *v);
int conf_get_ike_id(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		    char *buf, size_t len);
int conf_set_ike_file(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		      const struct gw_conf_val *v);
/* Cross-checks of an ike policy's / gateway's authentication (their leave hooks). */
int conf_ikepol_auth(struct gw_conf_ctx *c);
int conf_ikegw_auth(struct gw_conf_ctx *c, const struct gw_conf_ike_policy *p);

int conf_policy_begin(struct gw_conf_ctx *c, unsigned int count);
int conf_policy_enter(struct gw_conf_ctx *c, const char *name);
int conf_policy_leave(struct gw_conf_ctx *c);
int conf_set_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s,
		       const struct gw_conf_val *v);
int conf_term_enter(struct gw_conf_ctx *c, const char *name);
int conf_term_leave(struct gw_conf_ctx *c);
/* printer */
int conf_get_match_dir(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, unsigned int idx,
		char *buf, size_t len);
void *conf_policy_nth(struct gw_conf_ctx *c, unsigned int idx);
void *conf_term_nth(struct gw_conf_ctx *c, unsigned int idx);

#endif /* GW_CONF_PRIV_H */
