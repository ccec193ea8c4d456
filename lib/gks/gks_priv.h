/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GKS_PRIV_H
#define GKS_PRIV_H

/* Internal state of the key server (lib/gks/README.md). */

#include <netinet/in.h>

#include "gdoi_build.h"
#include "gks.h"
#include "ike1_sa.h"
#include "gw_ctl.h"

#define GKS_MSG_MAX		8192	/* largest message sent or accepted */
#define GKS_NONCE_LEN		20
#define GKS_P1_BUCKETS		256
#define GKS_P1_SETUP_MS		60000	/* an unfinished phase 1 is dropped after this */
#define GKS_SWEEP_MS		1000
#define GKS_LOG_PER_S		20
#define GKS_KEK_KEYMAT_MAX	(GDOI_CIPHER_BLOCK_MAX + GDOI_CIPHER_KEY_MAX)

struct gks_tek {
	uint32_t spi;
	uint8_t enc_key[36];		/* AES-GCM: key | 4-octet salt */
	uint8_t enc_len;
	uint8_t int_key[32];
	uint8_t int_len;
	uint64_t created_ms;
};

struct gks_kek {
	uint8_t spi[GDOI_KEK_SPI_LEN];
	uint8_t keymat[GKS_KEK_KEYMAT_MAX];	/* KEK_ALGORITHM_KEY: IV | key */
	uint8_t keymat_len;
	enum gdoi_cipher cipher;
	uint64_t created_ms;
};

/* A datagram kept to answer a retransmission with the same reply. */
struct gks_last {
	uint8_t *rx;
	size_t rx_len;
	uint8_t *tx;
	size_t tx_len;
};

struct gks_group;

enum gks_pull_state { GKS_PULL_FREE = 0, GKS_PULL_SA_SENT, GKS_PULL_DONE };

/* A GROUPKEY-PULL exchange; its IV chain is the phase 1 SA's slot of that M-ID. */
struct gks_pull {
	enum gks_pull_state state;
	uint32_t mid;			/* host order */
	uint8_t ni[IKE1_NONCE_MAX];
	size_t ni_len;
	uint8_t nr[GKS_NONCE_LEN];
	struct gks_group *g;
	uint64_t used_ms;
	struct gks_last last;
};

/* A phase 1 SA (IKEv1 Main Mode, responder: lib/gdoi/ike1_sa.h) and its
 * GROUPKEY-PULL exchanges. */
struct gks_p1 {
	struct gks_p1 *next;		/* hash bucket of the I-cookie */
	struct ike1_sa sa;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int fd;
	struct gks_prefix peer_addr;
	const uint8_t *psk;		/* the member authorisation that matched the address */
	size_t psk_len;
	char identity[GKS_NAME_LEN * 4];	/* from message 5, printable */
	uint64_t created_ms, expires_ms;
	struct gks_last last;
	struct gks_pull pulls[IKE1_P2_SLOTS];
	bool computing;			/* message 3's DH on the helper (gks_async.c) */
};

/* A registered member of a group. */
struct gks_member {
	struct gks_member *next;
	struct sockaddr_storage addr;	/* where pushes go (its registration's source) */
	socklen_t addr_len;
	int fd;
	struct gks_prefix paddr;
	char identity[GKS_NAME_LEN * 4];
	uint64_t registered_ms;
	uint32_t seq_sent, seq_acked;
	unsigned int retx_left;
};

struct gks_group {
	struct gks_server *srv;
	struct gks_group_params p;
	EVP_PKEY *sig_key;
	uint8_t pub_der[1024];
	size_t pub_len;
	unsigned int sig_bits;
	uint32_t seq;			/* last SEQ used */
	struct gks_tek teks[GKS_MAX_TEKS];
	struct gks_kek kek;
	struct gks_kek prev_kek;	/* the KEK before the last KEK rekey (late ACKs) */
	struct gks_member *members;
	unsigned int nmembers;
	/* the PUSH of the current SEQ, kept for retransmissions */
	uint8_t *push;
	size_t push_len;
	unsigned int push_retx_left;
	struct ctl_timer rekey_timer;
	struct ctl_timer retx_timer;
	uint64_t pushes, pulls, acks;
};

struct gks_server {
	struct ctl_loop *loop;
	struct gks_params p;
	unsigned int ngroups;
	struct gks_group groups[GKS_MAX_GROUPS];
	int fds[GKS_MAX_LISTEN];
	struct ctl_fd *fdh[GKS_MAX_LISTEN];
	unsigned int nfds;
	gks_send_fn send;
	void *send_arg;
	struct gks_p1 *p1[GKS_P1_BUCKETS];
	unsigned int np1;
	struct ctl_timer sweep_timer;
	struct gks_stats st;
	uint64_t log_window_ms;		/* refusal logs: at most GKS_LOG_PER_S a second */
	unsigned int log_count;
	uint8_t rxbuf[GKS_MSG_MAX];
	uint8_t rxcopy[GKS_MSG_MAX];	/* the datagram as received (decryption is in place) */
	size_t rxcopy_len;
	uint8_t txbuf[GKS_MSG_MAX];
	struct ctl_job_ref *jobs;	/* gks_async.c: outstanding */
};

/* gks_async.c: the Main Mode DH on the helper thread */
struct gks_dh_result {
	int rc;
	uint8_t pub[IKE1_KE_MAX];	/* our KE data */
	uint8_t shared[IKE1_KE_MAX];	/* g^xy (wiped after the callback) */
	size_t pub_len, secret_len;
};
typedef void (*gks_dh_cb)(struct gks_server *s, struct gks_p1 *p, struct gks_dh_result *r);
/*
 * A key pair of the exchange's group and g^xy with the peer's KE (g_x_len
 * octets) on s->p.helper; cb runs on the loop thread if the exchange is still
 * there (else the result is wiped, dh_stale), p->computing meanwhile. Without
 * a helper (or with a full one) cb runs before this returns. 0 or -errno.
 */
int gks_async_dh(struct gks_server *s, struct gks_p1 *p, const uint8_t *peer_ke, gks_dh_cb cb);
void gks_async_fini(struct gks_server *s);

/* gks_group.c */
int gks_group_init(struct gks_server *s, struct gks_group *g, const struct gks_group_params *p,
		   char *why, size_t len);
void gks_group_fini(struct gks_group *g);
int gks_tek_new(const struct gks_tek_params *tp, struct gks_tek *t, uint64_t now_ms);
/* The TEK's keys in hex at trace level verbose/all (flag ike), for decoding captures. */
void gks_tek_log_keys(const char *group, const struct gks_tek *t);
/* At trace level verbose/all: the phase 1 SA's initiator cookie and cipher key, one line
 * in the form of Wireshark's ikev1_decryption_table (test captures only). */
void gks_p1_log_keys(const struct ike1_sa *sa);
int gks_kek_new(const struct gks_kek_params *kp, struct gks_kek *k, uint64_t now_ms);
uint32_t gks_tek_remaining(const struct gks_group *g, unsigned int i, uint64_t now_ms);
uint32_t gks_kek_remaining(const struct gks_group *g, uint64_t now_ms);
struct gks_group *gks_group_by_id(struct gks_server *s, const uint8_t *id, size_t len);
const struct gks_member_auth *gks_auth_by_addr(const struct gks_group *g,
					       const struct gks_prefix *a);
bool gks_prefix_contains(const struct gks_prefix *p, const struct gks_prefix *a);
void gks_prefix_from_sa(const struct sockaddr *sa, struct gks_prefix *out);

/* gks_msg.c: the GDOI payloads of a group and whole messages */
void gks_put_sa(struct gdoi_bld *b, const struct gks_group *g, const struct gks_kek *kek,
		const struct gks_tek *teks, uint64_t now_ms);
void gks_put_kd(struct gdoi_bld *b, const struct gks_group *g, const struct gks_kek *kek,
		const struct gks_tek *teks);
/*
 * A GROUPKEY-PUSH of g: SEQ seq, [DELETE,] [SA, KD,] SIG, signed, encrypted
 * with the current KEK. teks/new_kek: what it announces (NULL: nothing, a
 * delete-only PUSH); del_all: DELETE of every TEK and of the KEK.
 */
int gks_build_push(const struct gks_group *g, uint32_t seq, const struct gks_tek *teks,
		   const struct gks_kek *new_kek, bool del_all, uint8_t *buf, size_t cap,
		   size_t *len);
/* A PUSH built and digested, its SIG not yet made nor the message encrypted. */
struct gks_push_draft {
	enum gdoi_hash hash;
	enum gdoi_sig_fmt fmt;
	uint8_t digest[GDOI_HASH_MAX];
	size_t sig_off, sig_len, plain_len, cap;
	enum gdoi_cipher cipher;		/* the KEK it goes under (copied) */
	uint8_t keymat[GKS_KEK_KEYMAT_MAX];
	uint8_t keymat_len;
};
/* gks_build_push() in two halves: the message and its digest (loop thread)... */
int gks_push_draft(const struct gks_group *g, uint32_t seq, const struct gks_tek *teks,
		   const struct gks_kek *new_kek, bool del_all, uint8_t *buf, size_t cap,
		   struct gks_push_draft *dr);
/* ...then the signature and the encryption: only buf, dr and key (the helper thread). */
int gks_push_seal(EVP_PKEY *key, const struct gks_push_draft *dr, uint8_t *buf, size_t *len);
/* Patch the HASH of a built message (HASH first: data at 32) and encrypt it. */
int gks_pull_seal(struct gks_p1 *p1, struct gks_pull *pl, uint8_t *buf, size_t len,
		  size_t cap, const uint8_t *ni_b, size_t ni_len, const uint8_t *nr_b,
		  size_t nr_len, size_t *out_len);

/* gks_p1.c */
struct gks_p1 *gks_p1_find(struct gks_server *s, const uint8_t *icky, const uint8_t *rcky);
void gks_p1_input(struct gks_server *s, int fd, const struct sockaddr *from, socklen_t fromlen,
		  uint8_t *buf, size_t len, const struct gdoi_hdr *h);
void gks_p1_sweep(struct gks_server *s, uint64_t now_ms, bool all);

/* gks_pull.c */
void gks_pull_input(struct gks_server *s, struct gks_p1 *p1, uint8_t *buf, size_t len,
		    const struct gdoi_hdr *h);
void gks_ack_input(struct gks_server *s, const struct sockaddr *from, uint8_t *buf,
		   size_t len, const struct gdoi_hdr *h);

/* gks_async_push.c: the PUSH's signature on the helper thread */
/*
 * Sign and encrypt the PUSH buf (dr->plain_len octets, copied) of SEQ seq on
 * s->p.helper; when back, gks_push_signed() if the group is still there (else
 * push_stale). Without a helper (or with a full one) before this returns. 0 or -errno.
 */
int gks_async_push(struct gks_group *g, uint32_t seq, const uint8_t *buf,
		   const struct gks_push_draft *dr);

/* gks_push.c */
void gks_push_start(struct gks_group *g);
/* The rekey's PUSH is signed (gks_async_push.c): kept for retransmissions and sent. */
void gks_push_signed(struct gks_group *g, const uint8_t *buf, size_t len);
void gks_group_timers_init(struct gks_group *g);
void gks_rekey_arm(struct gks_group *g);
int gks_group_rekey_now(struct gks_group *g, bool kek);
void gks_member_register(struct gks_group *g, const struct gks_p1 *p1);
void gks_group_delete_all(struct gks_group *g);

/* gks_server.c */
int gks_send(struct gks_server *s, int fd, const struct sockaddr *to, socklen_t tolen,
	     const void *buf, size_t len);
/* Remember rx and answer it with tx (kept for a retransmitted rx). */
int gks_reply(struct gks_server *s, struct gks_last *last, int fd, const struct sockaddr *to,
	      socklen_t tolen, const uint8_t *tx, size_t tx_len);
/* The datagram being handled (as received: s->rxcopy) is the one last answered:
 * send the same reply again. */
bool gks_is_dup(struct gks_server *s, struct gks_last *last, int fd, const struct sockaddr *to,
		socklen_t tolen);
void gks_last_free(struct gks_last *l);
/* A refusal may be logged now (a flood of bad requests only counts). */
bool gks_log_ok(struct gks_server *s);

#endif /* GKS_PRIV_H */
