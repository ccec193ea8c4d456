/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GKS_H
#define GKS_H

/*
 * The GDOI key server (RFC 6407): groups, their TEK and KEK policies and
 * keys, the IKEv1 Main Mode responder (pre-shared keys, RFC 2409), the
 * GROUPKEY-PULL responder, GROUPKEY-PUSH rekeys and deletes (RFC 6407 4) and
 * their acknowledgements (RFC 8263), on the control loop (lib/ctl) with
 * plain kernel UDP sockets. lib/gks/README.md has the scheme.
 *
 * The server is built from the neutral parameters below (the configuration
 * is one producer of them: gks_conf.c). It installs no data-plane SA.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "gdoi_crypto.h"
#include "gdoi_msg.h"

struct ctl_loop;

#define GKS_MAX_GROUPS		16
#define GKS_MAX_TEKS		8
#define GKS_MAX_AUTH		32	/* member authorisations per group */
#define GKS_MAX_IKE_PROPS	8
#define GKS_MAX_LISTEN		4
#define GKS_NAME_LEN		32
#define GKS_PSK_MAX		128
#define GKS_PATH_LEN		256

/* An address or prefix, IPv4 or IPv6 (family AF_INET / AF_INET6). */
struct gks_prefix {
	uint8_t family;
	uint8_t plen;
	uint8_t addr[16];
};

/* One ESP TEK policy (RFC 6407 5.4.1). */
struct gks_tek_params {
	char name[GKS_NAME_LEN];
	struct gks_prefix src, dst;	/* selectors; a host prefix goes out as an address */
	uint8_t ip_proto;		/* 0 = any */
	uint16_t sport, dport;
	uint8_t transform;		/* GDOI_ESP_3DES, GDOI_ESP_AES_CBC, GDOI_ESP_AES_GCM_16 */
	uint16_t key_bits;		/* AES: 128, 192, 256; 3DES: 192 */
	uint16_t auth;			/* GDOI_AUTH_HMAC_SHA1 / _SHA2_256; 0 with AES-GCM */
	uint32_t lifetime_s;
	uint8_t encap;			/* GDOI_ENCAP_TUNNEL / _TRANSPORT */
	uint8_t addr_preservation;	/* RFC 6407: 1 none, 2 source, 3 destination, 4 both */
	uint8_t direction;		/* RFC 6407: 1 sender, 2 receiver, 3 symmetric */
};

/* The KEK (RFC 6407 5.3): rekey SA of the group. */
struct gks_kek_params {
	uint16_t alg;			/* GDOI_KEK_ALG_3DES / _AES */
	uint16_t key_bits;		/* AES: 128, 192, 256 */
	uint32_t lifetime_s;
	uint16_t sig_hash;		/* GDOI_SIG_HASH_SHA1 / _SHA256 */
	enum gdoi_sig_fmt sig_fmt;	/* DigestInfo (RFC 8017) or the bare digest (gdoid) */
	char key_file[GKS_PATH_LEN];	/* RSA private key, PEM */
	bool ack;			/* KEK_ACK_REQUESTED (RFC 8263) */
};

/* Who may join a group: the peer address (prefix), its pre-shared key, and
 * optionally the identity it must send in Main Mode message 5. */
struct gks_member_auth {
	struct gks_prefix peer;
	char identity[GKS_NAME_LEN * 4];	/* "" = an address ID inside `peer` */
	uint8_t psk[GKS_PSK_MAX];
	size_t psk_len;
};

enum gks_comm {
	GKS_COMM_UNICAST = 0,		/* each registered member on its address */
	GKS_COMM_MULTICAST,		/* the group's multicast address */
	GKS_COMM_BOTH,
};

struct gks_group_params {
	char name[GKS_NAME_LEN];
	uint32_t id;			/* KEY_ID, 4 octets in network order */
	unsigned int nauth;
	struct gks_member_auth auth[GKS_MAX_AUTH];
	unsigned int nteks;
	struct gks_tek_params teks[GKS_MAX_TEKS];
	bool has_kek;
	struct gks_kek_params kek;
	uint32_t atd_s, dtd_s;		/* GAP ACTIVATION / DEACTIVATION_TIME_DELAY; 0 = absent */
	uint32_t d3p_window_ms;		/* GAP delay detection window; 0 = absent */
	struct gdoi_gap_ids gap_ids;	/* its attribute numbers */
	enum gks_comm comm;
	struct gks_prefix mcast;	/* GKS_COMM_MULTICAST / _BOTH: the rekey address */
	uint8_t mcast_ttl;
	unsigned int rekey_percent;	/* rekey when this % of a lifetime remains (10) */
	unsigned int retransmits;	/* PUSH retransmissions */
	unsigned int retransmit_ms;	/* between them */
	/*
	 * Members built on the GDOI reference (gdoid): SA TEK identities with
	 * 1-octet lengths (GDOI_WIRE_SAT_ID_LEN1, RFC 3547), and in a KEK rekey the
	 * KD's KEK key packet under the SPI of the KEK being replaced (gdoid looks
	 * the new keys up by the old SPI; RFC 6407 5.6 names the new KEK's).
	 */
	bool gdoid_compat;
};

/* One accepted phase 1 proposal (RFC 2409 App. A numbers). */
struct gks_ike_prop {
	uint16_t enc;			/* GDOI_IKE_ENC_3DES_CBC / _AES_CBC (1 DES) */
	uint16_t key_bits;		/* AES */
	uint16_t hash;			/* 1 MD5, 2 SHA1, 4 SHA2-256 */
	uint16_t group;			/* DH 1, 2, 5, 14, 19, 20 */
	uint32_t lifetime_s;		/* the most the server accepts */
};

struct gks_params {
	unsigned int nlisten;
	struct gks_prefix listen[GKS_MAX_LISTEN];	/* addresses (plen ignored) */
	uint16_t port;					/* 848 */
	unsigned int nprops;
	struct gks_ike_prop props[GKS_MAX_IKE_PROPS];
	unsigned int ngroups;
	struct gks_group_params groups[GKS_MAX_GROUPS];
	struct ctl_helper *helper;	/* Main Mode DH there (NULL: on the loop thread) */
};

/* Defaults for a group / the server (the configuration's defaults). */
void gks_group_params_default(struct gks_group_params *g);
void gks_params_default(struct gks_params *p);
/* Cross-checks; 0 or -EINVAL with a reason. */
int gks_params_check(const struct gks_params *p, char *why, size_t len);

struct gks_server;

/*
 * Sends a datagram: the server's sockets by default; tests install their own.
 * fd < 0 asks for the socket of the peer's family.
 */
typedef int (*gks_send_fn)(void *arg, int fd, const struct sockaddr *to, socklen_t tolen,
			   const void *buf, size_t len);

/*
 * A server on loop: loads the KEK keys, generates the first TEKs and KEKs,
 * opens the sockets (open_sockets false: tests feed gks_server_input()).
 * NULL + errno, why says what failed.
 */
struct gks_server *gks_server_create(struct ctl_loop *loop, const struct gks_params *p,
				     bool open_sockets, char *why, size_t len);
/* Send deletes to every member (RFC 6407 4), close, free. NULL is fine. */
void gks_server_free(struct gks_server *s);
void gks_server_set_send(struct gks_server *s, gks_send_fn fn, void *arg);

/* One datagram from a peer (what the socket callback calls). */
void gks_server_input(struct gks_server *s, int fd, const struct sockaddr *from,
		      socklen_t fromlen, uint8_t *buf, size_t len);

/* Rekey a group now (TEKs, and the KEK too when kek). 0, -ENOENT. */
int gks_group_rekey(struct gks_server *s, const char *group, bool kek);
/*
 * Remove a member: a PUSH deleting every TEK and the KEK goes to it alone,
 * then the group rekeys TEKs and KEK to the others. 0, -ENOENT.
 */
int gks_member_remove(struct gks_server *s, const char *group, const struct gks_prefix *addr);

/* ---- state for show commands ---- */

struct gks_tek_info {
	char name[GKS_NAME_LEN];
	uint32_t spi;
	uint32_t remaining_s;
	uint8_t transform;
	uint16_t key_bits, auth;
};

struct gks_group_info {
	char name[GKS_NAME_LEN];
	uint32_t id;
	uint32_t seq;
	unsigned int nmembers;
	unsigned int members_current;	/* acknowledged (or were sent) the current SEQ */
	unsigned int nteks;
	struct gks_tek_info teks[GKS_MAX_TEKS];
	bool has_kek;
	uint8_t kek_spi[GDOI_KEK_SPI_LEN];
	uint32_t kek_remaining_s;
	uint64_t pushes, pulls, acks;
};

struct gks_member_info {
	struct gks_prefix addr;
	char identity[GKS_NAME_LEN * 4];
	uint32_t registered_s;		/* seconds ago */
	uint32_t seq_sent, seq_acked;
	bool current;			/* holds the group's current policy */
};

struct gks_stats {
	uint64_t rx, tx, dup_retx;
	uint64_t p1_done, p1_fail, pull_done, pull_fail;
	uint64_t bad_msg, auth_fail, no_group, no_proposal;
	uint64_t acks, acks_bad, pushes;
	uint64_t dh_async, dh_stale;	/* DH handed to the helper; results for a gone exchange */
	uint64_t push_signs, push_stale;	/* PUSH signatures made there; for a gone group */
};

unsigned int gks_group_count(const struct gks_server *s);
int gks_group_info(const struct gks_server *s, unsigned int idx, struct gks_group_info *gi);
/* Member idx of group gidx: 0, or -ENOENT past the end. */
int gks_member_info(const struct gks_server *s, unsigned int gidx, unsigned int idx,
		    struct gks_member_info *mi);
void gks_stats_get(const struct gks_server *s, struct gks_stats *st);
/* An address as text ("-" when unset). */
const char *gks_prefix_str(const struct gks_prefix *p, char *buf, size_t len);

#endif /* GKS_H */
