/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GM_PRIV_H
#define GM_PRIV_H

/*
 * The GDOI group member (lib/gm/README.md): internals shared by its files.
 * gm_policy.c decodes what the key server downloads (SA KEK, SA TEKs, GAP,
 * KD, SEQ) into struct gm_policy; gm_exch.c builds and checks the messages of
 * GROUPKEY-PULL and GROUPKEY-PUSH; gm_member.c runs the groups on the control
 * loop (socket, timers, servers) and installs through the install interface.
 */

#include <stdbool.h>
#include <stdint.h>

#include <openssl/types.h>

#include "gdoi_crypto.h"
#include "gdoi_msg.h"
#include "gw_addr.h"
#include "gw_ctl.h"
#include "gw_install.h"
#include "ike1_sa.h"

#define GM_MAX_TEKS 8			/* per policy download */
#define GM_MAX_SAS 16			/* installed TEKs per group (old and new) */
#define GM_MSG_MAX 8192
#define GM_NONCE_LEN 16

/* One SA TEK (RFC 6407 (SA TEK)) with its keys from the KD. */
struct gm_tek {
	uint32_t spi;
	uint8_t transform_id;		/* GDOI_ESP_* */
	struct gdoi_tek_policy pol;
	struct gw_prefix src, dst;	/* selectors (protocol and ports ignored) */
	uint8_t ip_proto;
	bool have_keys;
	uint8_t enc_key[GW_CRYPTO_MAX_KEY];
	unsigned int enc_len;
	uint8_t auth_key[GW_CRYPTO_MAX_KEY];
	unsigned int auth_len;
};

/* The SA KEK (RFC 6407 5.3) with its keys from the KD. */
struct gm_kek {
	uint8_t spi[GDOI_KEK_SPI_LEN];
	struct gdoi_kek_policy pol;
	enum gdoi_cipher cipher;
	enum gdoi_hash sig_hash;
	bool have_keys;
	uint8_t key[GDOI_CIPHER_KEY_MAX];
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	EVP_PKEY *pub;			/* SIG_ALGORITHM_KEY */
	uint8_t alg_key_raw[64];	/* KEK_ALGORITHM_KEY as received (RFC 8263 base key) */
	unsigned int alg_key_len;
};

/* What one PULL or PUSH carried. */
struct gm_policy {
	bool has_kek;
	struct gm_kek kek;
	unsigned int nteks;
	struct gm_tek tek[GM_MAX_TEKS];
	bool has_gap;
	struct gdoi_gap gap;
	bool has_seq;
	uint32_t seq;
	/* PUSH: the KEK in use. gdoid labels the new KEK's key packet with it */
	bool cur_kek_valid;
	uint8_t cur_kek_spi[GDOI_KEK_SPI_LEN];
};

struct gm_decode_opts {
	struct gdoi_gap_ids gap_ids;
	unsigned int parse_flags;	/* GDOI_WIRE_SAT_ID_LEN1 */
};

/* Counters of one group; every refusal has one (gm_counter_names). */
enum gm_counter {
	GM_C_REGISTRATIONS,		/* PULLs completed */
	GM_C_REG_FAILED,		/* registrations given up on a server */
	GM_C_RETRANSMITS,
	GM_C_SERVER_FAILOVER,
	GM_C_RX_MALFORMED,		/* did not parse or decrypt */
	GM_C_RX_UNKNOWN_SA,		/* cookies of no exchange or KEK of ours */
	GM_C_RX_UNEXPECTED,		/* not the message the exchange waits for */
	GM_C_HASH_FAILED,		/* HASH_R / PULL HASH(n) did not verify */
	GM_C_POLICY_REFUSED,		/* download refused (algorithms, selectors) */
	GM_C_PUSH_OK,
	GM_C_PUSH_BAD_SIG,
	GM_C_PUSH_REPLAY,		/* SEQ not above the last accepted */
	GM_C_PUSH_MALFORMED,
	GM_C_PUSH_ACKS,
	GM_C_TEK_INSTALLED,
	GM_C_TEK_DELETED,
	GM_C_KEK_REKEYS,
	GM_C_INSTALL_FAILED,
	GM_C_DH_JOBS,			/* Main Mode g^xy handed to the helper thread */
	GM_C_DH_STALE,			/* ... back for a Main Mode restarted meanwhile */
	GM_C_MAX
};
extern const char *const gm_counter_names[GM_C_MAX];

enum gm_state {
	GM_ST_IDLE = 0,			/* not started (interface down) */
	GM_ST_MM,			/* Main Mode in progress */
	GM_ST_PULL,			/* GROUPKEY-PULL in progress */
	GM_ST_REGISTERED,
	GM_ST_BACKOFF,			/* every server failed: wait, then start over */
};

/* One installed TEK: the inbound and outbound group SAs of one SPI. */
struct gm_sa {
	bool used;
	struct gm_tek tek;		/* keys wiped once installed */
	gw_sa_id_t in_id, out_id;
	uint64_t installed_ms;
	uint64_t expires_ms;		/* hard lifetime, 0 = none */
	uint64_t activate_ms;		/* outbound SA due (GAP ATD / 30 s before the old ends) */
	char bind[GW_SPD_NAME_LEN];	/* outbound binding: one per selector pair */
	struct gw_sa_counters in_ctr, out_ctr;
};

/*
 * A selector pair the group protects, kept after its TEKs are gone: its protect
 * term then names an unbound SA (fail-closed; the fail-open rules apply) instead
 * of disappearing (which would let the traffic pass in clear).
 */
struct gm_bind {
	bool used;
	char name[GW_SPD_NAME_LEN];
	struct gw_prefix src, dst;
};

struct gm_member;

struct gm_group {
	struct gm_member *m;
	struct gw_owner owner;		/* GW_OWNER_GDOI, id = index + 1 */
	/* configuration */
	char name[32];
	uint32_t group_id;
	char ifname[32];
	enum gw_sa_dir dir;
	enum gw_df_mode df;
	uint16_t tunnel_mtu;
	struct ike1_xform xf[IKE1_MAX_XFORMS];
	unsigned int nxf;
	uint8_t psk[65];
	size_t psk_len;
	struct gw_ipaddr servers[4];
	unsigned int nservers;
	struct gw_ipaddr local;
	enum gdoi_sig_fmt sig_fmt;
	struct gm_decode_opts dopts;
	unsigned int nfail_open;
	struct gw_spd_term fail_open[10];
	/* state */
	enum gm_state state;
	unsigned int server;		/* index of the server in use */
	unsigned int tries;		/* sends of the current message */
	struct ike1_sa p1;
	uint64_t p1_started_ms;
	bool computing;			/* pair or g^xy on the helper (gm_async.c): 3 / 5 wait */
	struct ctl_job_ref *jobs;	/* outstanding (gm_async.c) */
	uint32_t mid;
	uint8_t ni[GM_NONCE_LEN];
	uint8_t nr[IKE1_NONCE_MAX];
	size_t nr_len;
	struct gm_policy pend;		/* PULL: policy of message 2, keys of message 4 */
	uint8_t tx[GM_MSG_MAX];		/* the last message sent (retransmits) */
	size_t tx_len;
	struct ctl_timer retx_timer;
	struct ctl_timer rekey_timer;	/* pull re-registration */
	struct ctl_timer sa_timer;	/* outbound activations, expiries */
	/* what the group holds */
	bool has_kek;
	struct gm_kek kek;
	uint64_t kek_expires_ms;
	bool seq_valid;
	uint32_t seq;
	struct gdoi_gap gap;
	struct gm_sa sas[GM_MAX_SAS];
	struct gm_bind binds[GM_MAX_SAS];
	uint64_t registered_ms;
	uint64_t ctr[GM_C_MAX];
	char last_error[256];
};

struct gm_sock {
	int fd;
	struct gw_ipaddr local;
	struct ctl_fd *h;
};

struct gm_member {
	struct ctl_loop *loop;
	struct ctl_helper *helper;
	struct gw_install in;
	unsigned int ngroups;
	struct gm_group *groups[4];
	unsigned int nsocks;
	struct gm_sock socks[4];
	bool (*if_up)(void *arg, const char *ifname);
	void *if_up_arg;
	uint16_t port;			/* 848; tests may change it */
};

/* gm_async.c: the Main Mode g^xy on the helper thread (message 4 taken, sa->dh taken). */
typedef void (*gm_dh_cb)(struct gm_group *g, int rc, const uint8_t *g_xy, size_t len);
/*
 * cb on the loop thread only if the group and its Main Mode (cookies,
 * g->computing) are still there (else counted dh-stale); at once without a
 * helper or with a full one. 0 or -errno (cb not called).
 */
int gm_async_dh(struct gm_group *g, gm_dh_cb cb);
/* Our key pair for message 3 (into g->p1.dh), the same way; cb gets no g^xy. */
int gm_async_pair(struct gm_group *g, gm_dh_cb cb);

/* gm_exch.c: one group's messages (the caller sends g->tx and arms the retransmit). */
int gm_pull1(struct gm_group *g);		/* a fresh M-ID and nonce, then: */
int gm_pull1_build(struct gm_group *g);	/* message 1 of g->mid, g->ni */
int gm_pull2(struct gm_group *g, uint8_t *buf, size_t len);	/* builds message 3 */
int gm_pull4(struct gm_group *g, uint8_t *buf, size_t len);	/* g->pend complete */
/* A PUSH under g's KEK: decrypted, verified, decoded into p. 0 or -errno, counted. */
int gm_push_receive(struct gm_group *g, uint8_t *buf, size_t len, struct gm_policy *p,
		    struct gdoi_msg *msg, uint8_t *ack, size_t cap, size_t *ack_len);
/* gm_member.c: install what a PULL (full: SAs not in it are deleted) or a PUSH brought. */
int gm_install_policy(struct gm_group *g, struct gm_policy *p, bool full);
void gm_count(struct gm_group *g, enum gm_counter c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* gm_policy.c */
/* The GDOI SA payload at pl (SA KEK, GAP, SA TEKs) into p (keys not yet). */
int gm_policy_from_sa(const struct gdoi_msg *msg, unsigned int sa_idx,
		      const struct gm_decode_opts *o, struct gm_policy *p, char *why, size_t n);
/* The KD: keys of p's TEKs and KEK by SPI; every TEK and the KEK must get keys. */
int gm_policy_keys(const struct gdoi_msg *msg, const struct gdoi_pl *kd, struct gm_policy *p,
		   char *why, size_t n);
void gm_policy_wipe(struct gm_policy *p);
/* The SA parameters of a TEK, for direction dir. */
int gm_tek_params(const struct gm_tek *t, enum gw_sa_dir dir, struct gw_sa_params *prm,
		  char *why, size_t n);
const char *gm_tek_alg_name(const struct gm_tek *t, char *buf, size_t n);

#endif /* GM_PRIV_H */
