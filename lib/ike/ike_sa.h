/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_SA_H
#define IKE_SA_H

/*
 * Internal to the IKEv2 daemon: the IKE SA, its CHILD_SAs, the daemon, and
 * the functions the exchange files (ike_init_*.c, ike_auth_*.c, ike_info.c)
 * share. Control thread only.
 */

#include <netinet/in.h>
#include <sys/socket.h>

#include "gw_ike.h"
#include "ike_addr.h"
#include "ike_cert.h"
#include "ike_crypto.h"
#include "ike_frag.h"
#include "ike_msg.h"

#define IKE_MAX_SAS 256
/* every traffic-selector of a vpn, twice during its rekey */
#define IKE_MAX_CHILDREN (2 * GW_CONF_MAX_VPN_TS)
#define IKE_NONCE_LEN 32
#define IKE_RETRANS_FIRST_MS 1000	/* then doubled: 1, 2, 4, 8, 16 s */
#define IKE_RETRANS_MAX 5		/* retransmissions before giving up */
#define IKE_RETRY_MS 10000		/* initiator: next attempt after a failure */
#define IKE_HALF_OPEN_MAX 64		/* responder SAs not yet authenticated */
#define IKE_HALF_OPEN_TIMEOUT_MS 30000

enum ike_state {
	IKE_ST_IDLE = 0,
	IKE_ST_INIT_SENT,	/* initiator: IKE_SA_INIT request out */
	IKE_ST_INIT_DONE,	/* responder: IKE_SA_INIT answered, waiting for IKE_AUTH */
	IKE_ST_AUTH_SENT,	/* initiator: IKE_AUTH request out */
	IKE_ST_ESTABLISHED,
	IKE_ST_DELETING,	/* our INFORMATIONAL delete is out */
	IKE_ST_DEAD,		/* to be freed */
	IKE_ST_REKEYED,		/* an identity a rekey replaced: only its delete (ike_rekey_i.c) */
	IKE_ST_MAX
};

struct ike_child {
	bool used;
	uint32_t spi_in, spi_out;	/* host order */
	gw_sa_id_t sa_in, sa_out;
	struct gw_prefix ts_local, ts_remote;
	uint16_t encr, encr_bits, integ;
	uint64_t installed_ms;
	uint32_t lifetime_s;
	uint32_t jitter_s;		/* 0..10 % of the lifetime: peers do not rekey in step */
	/*
	 * Rekey as responder (RFC 7296 2.8): the new outbound SA waits until the
	 * initiator deletes the old pair (`replaces`, its outbound SPI), so we
	 * never send on an SA the initiator has not installed yet.
	 */
	struct gw_sa_spec *pending_out;
	uint32_t replaces;
	uint8_t ts_index;		/* the vpn's traffic-selector it carries (ike_ts.c) */
	bool rekey_due;			/* soft lifetime came while busy: retried */
};

/* A new IKE SA identity out of a rekey exchange (RFC 7296 1.3.2, 2.18). */
struct ike_rekey_id {
	bool initiator;			/* we initiated that exchange */
	uint64_t spi_i, spi_r;
	struct ike_suite suite;
	struct ike_keys keys;
	uint8_t low[IKE_MAX_NONCE];	/* the lower of its two nonces (2.8.2) */
	uint32_t low_len;
};

/* What an IKE SA exchanged so far: the DPD sample (ike_dpd.c). */
struct ike_dpd_traffic {
	uint64_t esp_in, esp_out;	/* packets of its CHILD_SAs' SAs, summed */
	uint64_t ike_rx, ike_tx;	/* IKE messages */
};

struct ike_sa {
	bool used;
	struct ike_daemon *d;
	uint32_t index;			/* owner id, never 0 */
	enum ike_state state;
	bool initiator;
	const struct gw_conf_ike_gateway *gw;	/* in d->conf */
	const struct gw_conf_ike_policy *pol;
	const struct gw_conf_vpn *vpn;
	union ike_sockaddr local, remote;	/* remote port: where the peer speaks from */
	bool natt;			/* IKE on 4500 with the marker, ESP in UDP */
	bool nat_local, nat_remote;	/* which side is behind a NAT */
	uint64_t spi_i, spi_r;
	struct ike_suite suite;
	struct ike_keys keys;
	struct ike_dh *dh;
	uint16_t dh_group;		/* the group we offer in KE */
	uint8_t ni[IKE_MAX_NONCE], nr[IKE_MAX_NONCE];
	uint32_t ni_len, nr_len;
	uint8_t *init_req, *init_resp;	/* RealMessage1 / 2 (AUTH input) */
	uint32_t init_req_len, init_resp_len;
	uint8_t cookie[64];
	uint32_t cookie_len;
	/* our requests: window 1 */
	uint32_t next_msgid;
	uint8_t *req;			/* in flight, as sent (with the marker if natt) */
	uint32_t req_len, req_msgid;
	uint8_t req_exch;
	unsigned int retrans;
	struct ctl_timer retrans_timer;
	/* the peer's requests */
	uint32_t peer_msgid;		/* next expected */
	uint8_t *resp;			/* last response, for duplicates */
	uint32_t resp_len, resp_msgid;
	bool has_resp;
	/* the child being negotiated in IKE_AUTH or our CREATE_CHILD_SA (initiator) */
	uint32_t pending_spi_in;
	uint32_t rekeying_spi_in;	/* our CREATE_CHILD_SA rekeys this child */
	uint32_t rekeying_retry;	/* ... again, with the group INVALID_KE_PAYLOAD named */
	uint32_t deleting_spi_in;	/* our INFORMATIONAL deletes this child */
	uint8_t child_ni[IKE_NONCE_LEN];
	struct ike_child children[IKE_MAX_CHILDREN];
	uint64_t created_ms, established_ms, last_rx_ms;
	struct ctl_timer life_timer;	/* half-open timeout, DPD */
	unsigned int dpd_missed;		/* probes sent, unanswered so far */
	uint64_t ike_rx_msgs, ike_tx_msgs;	/* authenticated in; new ones out */
	struct ike_dpd_traffic dpd_seen;	/* at the last DPD tick */
	char peer_id[128];
	unsigned int rekeys;
	uint32_t peer_hashes;		/* its SIGNATURE_HASH_ALGORITHMS (RFC 7427), bits */
	/* our CREATE_CHILD_SA for a further traffic-selector (ike_child_new_i.c) */
	uint8_t creating_ts;		/* its index + 1; 0: none in flight */
	uint32_t ts_refused;		/* selectors the peer refused: not asked again */
	uint8_t child_retry_ts;		/* INVALID_KE retry of that selector (index + 1) */
	/* NAT-T and fragmentation (ike_natt.c, ike_frag.c) */
	bool frag_peer;			/* both announced IKEV2_FRAGMENTATION_SUPPORTED */
	struct ike_reasm *reasm;	/* the peer's fragments being reassembled */
	struct ike_frag_tx *ftx;	/* ours kept whole, their size (ike_frag_pmtu.c) */
	struct ctl_timer natt_timer;	/* keepalives; children to move after the peer */
	uint64_t last_tx_ms;
	uint32_t follow_spis[IKE_MAX_CHILDREN];	/* children (inbound SPI) to rekey */
	/* rekeying (ike_rekey_i.c, ike_collide.c, ike_pfs.c) */
	struct ctl_timer rekey_timer;	/* our IKE SA rekey, postponed CHILD_SA rekeys */
	uint64_t rekey_at_ms;		/* our IKE SA rekey is due then (0: never) */
	uint64_t rekeyed_ms;		/* the current identity's birth (show: age) */
	bool ike_rekeying;		/* our IKE SA rekey is out (sa->dh, rk_ni, rk_spi) */
	uint64_t rk_spi;		/* our new SPI in it */
	uint8_t rk_ni[IKE_NONCE_LEN];
	struct ike_rekey_id *rk_peer;	/* the peer's IKE SA rekey we answered meanwhile */
	uint32_t replaced_by;		/* IKE_ST_REKEYED: the index of the SA that lives on */
	bool rk_deleting;		/* IKE_ST_REKEYED: our delete of it is out */
	/* PFS of our CREATE_CHILD_SA (RFC 7296 1.3.1, 2.17) */
	struct ike_dh *child_dh;	/* our pair while the request is out */
	uint16_t child_group;		/* the group of our KE (0: no PFS) */
	uint8_t child_gir[IKE_MAX_DH_PUB];	/* g^ir for KEYMAT (either role), wiped after */
	uint32_t child_gir_len;
	/* CHILD_SA rekey collision (2.8.1): the child the peer made while we rekeyed it */
	uint32_t coll_spi_in;
	uint8_t coll_low[IKE_MAX_NONCE];	/* the lower nonce of the peer's exchange */
	uint32_t coll_low_len;
	bool computing;			/* DH on the helper (ike_async.c): the exchange waits */
	/* our IKE_AUTH signature, made on the helper once the keys are known */
	uint8_t auth_sig[IKE_AUTH_SIG_MAX];
	size_t auth_sig_len;		/* 0: none yet */
	struct ike_sig_choice auth_sig_ch;
	bool sig_pending;		/* its job is out (ike_async_sig.c) */
	bool natd_asked;		/* responder: the request had NAT detection (2.23) */
	struct ike_ke_pre *ke_pre;	/* the message's KE from the helper (ike_async_ke.c) */
	struct ike_dh *pfs_spare;	/* our next PFS pair, made ahead (ike_pfs.c) */
	bool pfs_spare_out;		/* its job is out */
};

struct ike_daemon {
	struct ctl_loop *loop;
	struct gw_install in;
	int fd, fd_natt;
	struct ctl_fd *h, *h_natt;
	uint16_t port, natt_port;
	uint16_t peer_port, peer_natt_port;
	uint32_t cookie_threshold;	/* half-open SAs needing cookies from (0: always) */
	uint8_t cookie_secret[32];	/* RFC 7296 2.6: random at start */
	struct gw_conf_ike conf;
	struct ike_sa sas[IKE_MAX_SAS];
	uint32_t next_index;
	struct ctl_timer start_timer;	/* initiations of establish-tunnels immediately */
	struct ike_counters ctr;
	uint8_t rxbuf[IKE_MAX_MSG + 4];
	struct ike_msg msg;		/* the message being handled (large: not on the stack) */
	uint8_t plain[IKE_MAX_MSG];	/* its decrypted SK payload */
	uint32_t plain_len;
	struct ike_certs *certs;	/* certificate policies' credentials (ike_auth_id.c) */
	uint32_t frag_size;		/* tests: instead of the gateways' fragmentation size */
	/* ike_resist.c: half-open caps, cookie secret rotation (RFC 7296 2.6) */
	struct ike_daemon_params resist_params;	/* as created: tests' values win */
	uint32_t half_open_max, half_open_peer_max;
	uint8_t cookie_prev[32];	/* the secret before the last rotation, still accepted */
	uint8_t cookie_version;		/* of cookie_secret; cookie_prev's is one less */
	bool cookie_prev_valid;
	uint32_t cookie_rotate_ms;
	struct ctl_timer cookie_timer;
	/* ike_async.c: public-key work on the helper thread */
	struct ctl_helper *helper;	/* NULL: on the loop thread */
	struct ctl_job_ref *jobs;	/* outstanding (ike_async.c) */
	uint8_t err_pl_type;		/* the unknown critical payload of the refused SK chain */
	/* IKE over IPv6: its sockets on port and natt_port (-1: none, IPv4 only) */
	int fd6, fd6_natt;
	struct ctl_fd *h6, *h6_natt;
};

/* ---- ike_daemon.c ---- */
const char *ike_state_name(enum ike_state st);
void ike_sa_set_state(struct ike_daemon *d, struct ike_sa *sa, enum ike_state st);
struct ike_sa *ike_sa_alloc(struct ike_daemon *d);
/* Remove children (SAs, terms), wipe keys, free buffers; the slot becomes free. */
void ike_sa_destroy(struct ike_daemon *d, struct ike_sa *sa, const char *why);
struct gw_owner ike_owner(const struct ike_sa *sa);
/* Send a request (we initiate): kept for retransmission, msgid taken. */
int ike_send_request(struct ike_daemon *d, struct ike_sa *sa, uint8_t exch, const uint8_t *msg,
		     uint32_t len);
/* Send a response and keep it for duplicates. */
int ike_send_response(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
		      uint32_t msgid);
/* An authenticated error notify answering the current request. */
void ike_answer_error(struct ike_daemon *d, struct ike_sa *sa, uint16_t notify);
struct ike_sa *ike_find_half_open(struct ike_daemon *d, uint64_t spi_i,
				  const union ike_sockaddr *from);
/* The socket that sends to `to`: its family's, IKE's port or NAT-T's. */
int ike_sock_fd(const struct ike_daemon *d, const union ike_sockaddr *to, bool natt);
/* Send raw (no state): unauthenticated notifies. */
int ike_sendto(struct ike_daemon *d, bool natt, const union ike_sockaddr *to, const uint8_t *msg,
	       uint32_t len);
/* Build an encrypted message of the SA from an inner chain; out has IKE_MAX_MSG. */
int ike_seal(struct ike_sa *sa, uint8_t exch, bool response, uint32_t msgid,
	     const struct ike_bld *inner, uint8_t *out, uint32_t *len);
/* Arm the SA's DPD / lifetime timer. */
void ike_sa_arm_life(struct ike_daemon *d, struct ike_sa *sa, uint64_t ms);

/* ---- ike_proposal.c: configuration -> proposals, selection, logs ---- */
unsigned int ike_props_ike(const struct ike_daemon *d, const struct gw_conf_ike_policy *pol,
			   struct ike_prop_out *out, unsigned int max);
unsigned int ike_props_esp(const struct ike_daemon *d, const struct gw_conf_vpn *vpn,
			   uint32_t spi, struct ike_prop_out *out, unsigned int max);
/*
 * Pick from the peer's SA payload the first proposal whose every transform
 * type has one we accept (ours: `mine`). 0 with *chosen (one transform per
 * type) or -ENOENT, with both lists logged (NO_PROPOSAL_CHOSEN).
 */
int ike_props_select(const struct ike_msg *msg, const struct ike_pl *sa_pl,
		     const struct ike_prop_out *mine, unsigned int nmine,
		     struct ike_prop_out *chosen, const char *what, const char *peer);
/* A chosen IKE proposal -> suite. 0 or -EINVAL. */
int ike_suite_from_prop(const struct ike_prop_out *p, struct ike_suite *s);
/* uint16 id of a transform type in a proposal, or -1. */
int ike_prop_xf(const struct ike_prop_out *p, uint8_t type, uint16_t *key_len);

/* ---- ike_init_i.c / ike_init_r.c ---- */
int ike_init_start(struct ike_daemon *d, const struct gw_conf_vpn *vpn);
void ike_init_i_response(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *buf,
			 uint32_t len);
/* Unauthenticated error answer to an IKE_SA_INIT request (RFC 7296 2.21.1). */
void ike_init_r_refuse(struct ike_daemon *d, const uint8_t *req, const union ike_sockaddr *to,
		       bool natt, uint16_t notify, uint8_t pl_type);
void ike_init_r_request(struct ike_daemon *d, const uint8_t *buf, uint32_t len,
			const union ike_sockaddr *from, bool natt);
/* NAT_DETECTION_*_IP hash (RFC 7296 2.23): SHA1(SPIi | SPIr | address | port). */
void ike_nat_hash(uint64_t spi_i, uint64_t spi_r, const union ike_sockaddr *a, uint8_t out[20]);
/* The keys from g^ir and the nonces, once IKE_SA_INIT is done. */
int ike_sa_derive(struct ike_sa *sa, const uint8_t *peer_ke, uint32_t ke_len);

/* ---- ike_auth_i.c / ike_auth_r.c ---- */
int ike_auth_i_send(struct ike_daemon *d, struct ike_sa *sa);
void ike_auth_i_response(struct ike_daemon *d, struct ike_sa *sa);
void ike_auth_r_request(struct ike_daemon *d, struct ike_sa *sa);
/* ---- ike_auth_id.c: IKE_AUTH authentication, pre-shared key or certificates ---- */
/* AUTH of a side: prf(prf(psk, pad), realmsg | nonce | prf(SK_p, id body)). */
int ike_auth_compute(const struct ike_sa *sa, bool of_initiator, const uint8_t *id_body,
		     uint32_t id_len, uint8_t *out, uint32_t *out_len);
/* Our IDi / IDr, [CERT..., CERTREQ (initiator)], [IDr (PSK initiator)], AUTH. */
int ike_auth_add_local(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b);
/* Our AUTH signature is in sa->auth_sig (rc 0) or could not be made. */
typedef void (*ike_sig_cb)(struct ike_daemon *d, struct ike_sa *sa, int rc);
/*
 * Once the keys are known: our AUTH signature (certificate policies) onto the
 * helper thread (ike_async_sign, cb as there); pre-shared keys: cb at once.
 */
int ike_auth_presign(struct ike_daemon *d, struct ike_sa *sa, ike_sig_cb cb);
/* The verdict on the peer's ID and AUTH; d->msg is the IKE_AUTH message again. */
typedef void (*ike_peer_cb)(struct ike_daemon *d, struct ike_sa *sa, bool ok);
/*
 * Do the peer's ID and AUTH (and CERTs) authenticate it? Logged and counted
 * if not. A pre-shared key: cb at once; certificates: the chain and the
 * signature checked on the helper thread (ike_async_verify), cb after.
 */
void ike_peer_auth_check(struct ike_daemon *d, struct ike_sa *sa, const struct ike_pl *id,
			 const struct ike_pl *auth, ike_peer_cb cb);
/* Count a refused certificate / signature by the kind of reason. */
void ike_count_cert_err(struct ike_daemon *d, enum ike_cert_err err);
/*
 * The responder failed our check (initiator): AUTHENTICATION_FAILED in an
 * INFORMATIONAL request (RFC 7296 2.21.2), sent once, the SA then goes.
 */
void ike_auth_i_tell_failed(struct ike_daemon *d, struct ike_sa *sa);
/* IKE_SA_INIT of a certificate policy: SIGNATURE_HASH_ALGORITHMS, CERTREQ (responder). */
void ike_cert_init_add(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b);
/* The peer's IKE_SA_INIT (d->msg): the hashes it signs with (RFC 7427 4). */
void ike_cert_init_peer(struct ike_daemon *d, struct ike_sa *sa);
/* Credentials and CAs of the configuration's certificate policies (configure time). */
void ike_certs_load(struct ike_daemon *d);
void ike_certs_free(struct ike_daemon *d);

/* ---- ike_ts.c: traffic selectors, IPv4 and IPv6 ---- */
/* Our selectors of the vpn as TS payload entries (first traffic-selector). */
void ike_ts_from_vpn(const struct gw_conf_vpn *vpn, bool local, struct ike_ts *ts);
/* The same for the vpn's traffic-selector k. */
void ike_ts_of(const struct gw_conf_vpn *vpn, unsigned int k, bool local, struct ike_ts *ts);
/* Narrow the peer's selectors to ours (responder): 0, or -ENOENT (TS_UNACCEPTABLE). */
int ike_ts_narrow(const struct ike_msg *msg, const struct ike_pl *pl, const struct gw_prefix *mine,
		  struct gw_prefix *out);
void ike_ts_from_prefix(const struct gw_prefix *p, struct ike_ts *ts);
/* The vpn's traffic-selector that holds local === remote, or -ENOENT. */
int ike_ts_index(const struct gw_conf_vpn *vpn, const struct gw_prefix *local,
		 const struct gw_prefix *remote);
/* The policy binding of a child: the vpn's name, "vpn#k" for traffic-selector k > 0. */
void ike_child_bind(const struct ike_sa *sa, const struct ike_child *c, char *out, size_t len);
/* "address/len" of either family. */
const char *ike_prefix_str(const struct gw_prefix *p, char *buf, size_t len);

/* ---- ike_child_new_i.c: CREATE_CHILD_SA for the vpn's further traffic-selectors ---- */
/*
 * Ask for a CHILD_SA for the first traffic-selector of the vpn that has none
 * (one request at a time, window 1): 0 (sent or nothing to do), -EBUSY, -errno.
 */
int ike_child_new_i_next(struct ike_daemon *d, struct ike_sa *sa);
void ike_child_new_i_response(struct ike_daemon *d, struct ike_sa *sa);

/* ---- ike_acquire.c: establish-tunnels on-traffic ---- */
/* Owner ids of the vpns' trap terms: IKE_TRAP_OWNER + vpn index, after every IKE SA's. */
#define IKE_TRAP_OWNER 0xffff0000u
/* Install (on) or remove the trap terms of every on-traffic vpn of d->conf. */
void ike_traps_set(struct ike_daemon *d, bool on);

/* ---- ike_child.c ---- */
/* Install a CHILD_SA pair and its protect term (ike_child), keys from KEYMAT. */
int ike_child_install(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c,
		      bool we_initiated, const uint8_t *ni, uint32_t ni_len, const uint8_t *nr,
		      uint32_t nr_len);
/* The deferred outbound SA of a child rekeyed as responder: install it now. */
void ike_child_activate(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c);
void ike_child_remove(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c);
struct ike_child *ike_child_alloc(struct ike_sa *sa);
int ike_child_from_answer(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c,
			  const struct ike_prop_out *mine, unsigned int n,
			  const struct gw_prefix *local, const struct gw_prefix *remote,
			  const char *what);
uint16_t ike_child_respond(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *ni,
			   uint32_t ni_len, const uint8_t *nr, uint32_t nr_len, uint32_t replaces,
			   struct ike_prop_out *chosen, struct ike_child **out);

/* ---- ike_create_r.c: CREATE_CHILD_SA, responder half ---- */
void ike_create_r_request(struct ike_daemon *d, struct ike_sa *sa);
struct ike_child *ike_child_by_out(struct ike_sa *sa, uint32_t spi);
/* ike_rekey_r.c: the IKE SA rekeyed by the peer (RFC 7296 1.3.2, 2.18) */
void ike_rekey_r_request(struct ike_daemon *d, struct ike_sa *sa);

/* ---- ike_create_i.c: CREATE_CHILD_SA, initiator half (our rekeys) ---- */
/* Rekey the child (its soft lifetime came): 0, -EBUSY (a request is out), -errno. */
int ike_create_i_rekey(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c);
void ike_create_i_response(struct ike_daemon *d, struct ike_sa *sa);
/* SA events of the IKE SAs' children (soft: rekey, hard: gone). */
void ike_sa_event(const struct gw_ipsec_event *ev, void *arg);

/* ---- ike_info.c ---- */
void ike_info_request(struct ike_daemon *d, struct ike_sa *sa);
void ike_info_response(struct ike_daemon *d, struct ike_sa *sa);
int ike_info_send_delete(struct ike_daemon *d, struct ike_sa *sa);
int ike_info_send_dpd(struct ike_daemon *d, struct ike_sa *sa);
/* DPD (ike_dpd.c): the SA's traffic now; every interval, probe if its mode says so. */
void ike_dpd_sample(struct ike_daemon *d, const struct ike_sa *sa, struct ike_dpd_traffic *out);
void ike_dpd_tick(struct ike_daemon *d, struct ike_sa *sa);
/* Delete one of our CHILD_SAs at the peer (after our rekey); removed on the answer. */
int ike_info_send_child_delete(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c);

/* ---- ike_frag.c: IKE fragmentation (RFC 7383) ---- */
/* IKE_SA_INIT: IKEV2_FRAGMENTATION_SUPPORTED (initiator; responder if the peer sent it). */
void ike_frag_init_add(struct ike_daemon *d, struct ike_sa *sa, struct ike_bld *b);
/* The peer's IKE_SA_INIT (d->msg): did it announce support? */
void ike_frag_init_peer(struct ike_daemon *d, struct ike_sa *sa);
/*
 * One SKF fragment of d->msg: ICV checked, kept; 0 when the message is
 * complete (plaintext in d->plain, *plen, d->msg.sk_first_inner set),
 * -EINPROGRESS while fragments are missing, another -errno when refused
 * (counted and logged).
 */
int ike_frag_open(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *buf, uint32_t *plen);
/* Our sealed message as SKF fragments when it exceeds the size: *train (malloc) or NULL. */
int ike_frag_split(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
		   uint8_t **train, uint32_t *tlen);
/* ... in fragments of `whole` octets of IKE message, at least min_total (*total) of them. */
int ike_frag_split_at(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
		      uint32_t whole, uint16_t min_total, uint8_t **train, uint32_t *tlen,
		      uint16_t *total);
void ike_frag_free(struct ike_sa *sa);

/* ---- ike_frag_pmtu.c: RFC 7383 2.5.2, our fragments shrink when unanswered ---- */
struct ike_frag_tx;
/* The IP packet size of our fragments now: configured, egress / path MTU, shrinks. */
uint32_t ike_pmtu_size(struct ike_daemon *d, struct ike_sa *sa);
/* ... less IP, UDP and the non-ESP marker: the largest IKE message sent whole. */
uint32_t ike_pmtu_whole(struct ike_daemon *d, struct ike_sa *sa);
/* Our sealed message, sent in `total` pieces (1: whole), kept to be cut smaller later. */
void ike_pmtu_keep(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *msg, uint32_t len,
		   uint16_t total);
/*
 * Our request went unanswered (request) or the peer asks again for our
 * response: sa->req / sa->resp cut again one size smaller (counted), if
 * there is one.
 */
void ike_pmtu_shrink(struct ike_daemon *d, struct ike_sa *sa, bool request);
void ike_pmtu_free(struct ike_sa *sa);
/* The next smaller fragment size (IP packet octets) after `size`, 0: none. */
uint32_t ike_pmtu_next(uint32_t size, bool v6);
/* The kernel's MTU towards `to` (egress interface, or what ICMP taught it), 0: unknown. */
uint32_t ike_pmtu_path(const struct sockaddr *to);

/* ---- ike_natt.c: NAT keepalives, following the peer, ESP-in-UDP ports ---- */
void ike_natt_init(struct ike_sa *sa);
/* The SA is up: keepalives when we are behind a NAT (RFC 3948 4). */
void ike_natt_established(struct ike_daemon *d, struct ike_sa *sa);
void ike_natt_stop(struct ike_daemon *d, struct ike_sa *sa);
/* An authenticated message came from `from`: IKE and the CHILD_SAs follow (RFC 7296 2.23). */
void ike_natt_follow(struct ike_daemon *d, struct ike_sa *sa, const union ike_sockaddr *from,
		     bool natt);
/* The CHILD_SA's ESP-in-UDP: the vpn's multipath port, NAT-T to the peer's port, none. */
void ike_natt_encap(const struct ike_sa *sa, struct gw_sa_params *p);
/* ---- ike_rekey_i.c: our IKE SA rekey; identities a rekey replaced ---- */
void ike_rekey_init(struct ike_daemon *d, struct ike_sa *sa);	/* at alloc */
void ike_rekey_cleanup(struct ike_daemon *d, struct ike_sa *sa);	/* at destroy */
/* The SA is established (again): arm its IKE SA soft lifetime, jittered. */
void ike_rekey_arm(struct ike_daemon *d, struct ike_sa *sa);
/* Rekey the IKE SA now: 0, -EBUSY (an exchange is out), -errno. */
int ike_rekey_i_start(struct ike_daemon *d, struct ike_sa *sa);
void ike_rekey_i_response(struct ike_daemon *d, struct ike_sa *sa);
/*
 * The current identity goes to a slot of its own (IKE_ST_REKEYED, no
 * children) and the SA takes `id`: the CHILD_SAs stay (same owner).
 * `we_delete`: the old identity is deleted by us, else we wait for the peer.
 */
void ike_rekey_adopt(struct ike_daemon *d, struct ike_sa *sa, struct ike_rekey_id *id,
		     bool we_delete);
/* Is the request of ours that is out a DPD probe (an empty INFORMATIONAL)? */
bool ike_rekey_dpd_out(const struct ike_sa *sa);
/* A message (authenticated, in window) on an IKE_ST_REKEYED identity. */
void ike_rekey_retired_message(struct ike_daemon *d, struct ike_sa *sa);
/* Later attempts: a child whose rekey was postponed, the IKE SA after a refusal. */
void ike_rekey_retry(struct ike_daemon *d, struct ike_sa *sa, uint64_t ms);

/* ---- ike_collide.c: rekey collisions (RFC 7296 2.8.1, 2.8.2, 2.25) ---- */
/* Octet by octet, a prefix is lower: <0, 0, >0. */
int ike_nonce_cmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen);
/* The lower of an exchange's two nonces into out (IKE_MAX_NONCE). */
void ike_nonce_low(const uint8_t *ni, uint32_t ni_len, const uint8_t *nr, uint32_t nr_len,
		   uint8_t *out, uint32_t *out_len);
/* The peer's rekey of child `old` made `c` while ours of `old` is out: remember. */
void ike_collide_child_note(struct ike_sa *sa, const struct ike_child *old,
			    const struct ike_child *c, const uint8_t *ni, uint32_t ni_len,
			    const uint8_t *nr, uint32_t nr_len);
/*
 * The answer to our rekey of `old` came (nonce nr): resolve a collision with
 * the peer's rekey of it. true: we lost, our new child is redundant (never
 * install its outbound SA) and we delete it; false: no collision or we won,
 * we delete `old`.
 */
bool ike_collide_child_lost(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *old,
			    const uint8_t *nr, uint32_t nr_len);
/* 2.25: TEMPORARY_FAILURE for a CREATE_CHILD_SA request now (child may be NULL)? */
bool ike_collide_busy(struct ike_sa *sa, const struct ike_child *old);

/* ---- ike_pfs.c: PFS on CHILD_SAs; kilobyte lifetimes ---- */
/* The vpn's ipsec-policy PFS group (IKE number), 0 without PFS. */
uint16_t ike_pfs_group(const struct ike_daemon *d, const struct gw_conf_vpn *vpn);
/*
 * Initiator: the peer's INVALID_KE_PAYLOAD (err) names a group of our PFS
 * proposals other than the one we used: that group (counted, logged), else 0.
 */
uint16_t ike_pfs_retry_group(struct ike_daemon *d, const struct ike_sa *sa,
			     const struct ike_pl *err);
/* ESP proposals for a CHILD_SA of exchange `exch`: with the PFS group in CREATE_CHILD_SA. */
unsigned int ike_props_child(const struct ike_daemon *d, const struct gw_conf_vpn *vpn,
			     uint32_t spi, uint8_t exch, struct ike_prop_out *out,
			     unsigned int max);
/* Initiator: a fresh key pair of sa->child_group and its KE payload (none if 0). */
int ike_pfs_add_ke(struct ike_sa *sa, struct ike_bld *b);
/* Our next PFS pair of the vpn's group, made ahead on the helper (sa->pfs_spare). */
void ike_pfs_spare(struct ike_daemon *d, struct ike_sa *sa);
/* Initiator: the answer's KE -> sa->child_gir. 0, -EINVAL (missing, wrong group). */
int ike_pfs_answer(struct ike_daemon *d, struct ike_sa *sa);
/*
 * Responder: the request's KE against the chosen proposal: 0 (g^ir in
 * sa->child_gir, our pair in *mine or NULL without PFS), or the notify
 * refusing it (INVALID_KE_PAYLOAD with *want set, NO_PROPOSAL_CHOSEN).
 */
uint16_t ike_pfs_respond(struct ike_daemon *d, struct ike_sa *sa, const struct ike_prop_out *ch,
			 uint16_t *want, struct ike_dh **mine);
/* Responder: KEr of our pair (nothing if NULL). */
int ike_pfs_put_ke(struct ike_bld *b, const struct ike_dh *dh);
/* Wipe g^ir (after the install). */
void ike_pfs_wipe(struct ike_sa *sa);
/* Initiator: forget our pair of the exchange, wipe g^ir. */
void ike_pfs_done(struct ike_sa *sa);
/* lifetime-kilobytes of the child's proposal into its SA's lifetimes (soft jittered). */
void ike_child_kbytes(const struct ike_sa *sa, const struct ike_child *c, bool outbound,
		      struct gw_sa_lifetime *lt);
/* ---- ike_resist.c: half-open caps, cookies (RFC 7296 2.6) ---- */
#define IKE_COOKIE_LEN 33		/* version octet | SHA-256 */
/* Half-open responder SAs in total; *peer (optional): those from `from`. */
unsigned int ike_half_open(const struct ike_daemon *d, const union ike_sockaddr *from,
			   unsigned int *peer);
/* Room for one more half-open SA from `from`? Else counted and logged. */
bool ike_half_open_admit(struct ike_daemon *d, const union ike_sockaddr *from);
/* Cookies demanded and d->msg has no valid one: a COOKIE sent, false (no state kept). */
bool ike_cookie_ok(struct ike_daemon *d, const union ike_sockaddr *from, bool natt);
/* A new cookie secret; the current one becomes the previous (still accepted). */
int ike_cookie_rotate(struct ike_daemon *d);
int ike_resist_init(struct ike_daemon *d, const struct ike_daemon_params *p);
/* The caps and the threshold from the parameters, the configuration, the defaults. */
void ike_resist_configure(struct ike_daemon *d);
void ike_resist_fini(struct ike_daemon *d);
/* An unauthenticated notify answering the IKE_SA_INIT request in d->msg (2.21.1). */
void ike_init_r_notify(struct ike_daemon *d, const union ike_sockaddr *from, bool natt,
		       uint16_t notify, const void *data, uint32_t dlen);
/* SKEYSEED and the seven keys (2.14) from g^ir and the SA's nonces and SPIs. */
int ike_sa_keys(struct ike_sa *sa, const uint8_t *gir, size_t glen);

/* ---- ike_async.c: Diffie-Hellman on the helper thread ---- */
struct ike_dh_result {
	int rc;				/* 0, or why the work failed */
	struct ike_dh *dh;		/* the key pair; the callback may take it (set NULL) */
	uint8_t pub[IKE_MAX_DH_PUB];	/* our public value */
	size_t pub_len;
	uint8_t gir[IKE_MAX_DH_PUB];	/* the shared secret (wiped after the callback) */
	size_t gir_len;
	uint8_t ctx[256];		/* the caller's context, copied */
};
typedef void (*ike_dh_cb)(struct ike_daemon *d, struct ike_sa *sa, struct ike_dh_result *r);
/*
 * Our public value and g^ir (peer_len 0: the public value only) for the SA,
 * with `dh` (taken over when 0 is returned) or a new key pair of `group`, on the helper thread.
 * cb runs on the loop thread when done, only if the SA still exists (else
 * the result is wiped, counter async_stale); sa->computing is true meanwhile.
 * Without a helper, or with a full one, the work runs at once and cb before
 * this returns: the caller returns right after. 0, or -errno (cb not called).
 * For every exchange with a KE (IKE_SA_INIT, CREATE_CHILD_SA with PFS or an
 * IKE rekey).
 */
int ike_async_dh(struct ike_daemon *d, struct ike_sa *sa, uint16_t group, struct ike_dh *dh,
		 const uint8_t *peer, size_t peer_len, const void *ctx, size_t ctx_len,
		 ike_dh_cb cb);
/*
 * A key pair of `group` made ahead of need on the helper thread: as
 * ike_async_dh() without a peer value, but the exchange does not wait (no
 * sa->computing); cb takes r->dh.
 */
int ike_async_pair_ahead(struct ike_daemon *d, struct ike_sa *sa, uint16_t group, ike_dh_cb cb);
/* The daemon goes: outstanding jobs are freed when they come back. */
void ike_async_fini(struct ike_daemon *d);
/* The SA with that index (indexes are never reused), or NULL: it is gone. */
struct ike_sa *ike_sa_by_index(struct ike_daemon *d, uint32_t index);

/* ---- ike_async_verify.c: the peer's certificate chain and AUTH on the helper ---- */
/*
 * ike_cert_verify_peer(t, p, expected) on the helper thread; the job copies
 * d->msg and the decrypted message p's views point into (d->plain), and
 * holds a reference to t. cb on the loop thread with d->msg and d->plain as
 * they were, only if the SA still exists (else async_stale); sa->computing
 * meanwhile. Without a helper, or with a full one, at once. 0 or -errno (cb
 * not called).
 */
int ike_async_verify(struct ike_daemon *d, struct ike_sa *sa, struct ike_trust *t,
		     const struct ike_peer_auth *p, const struct ike_id *expected,
		     uint8_t *octets, ike_peer_cb cb);

/* ---- ike_async_sig.c: our IKE_AUTH signature on the helper thread ---- */
/*
 * Sign octets (taken over, freed) with key (a reference of the job's own, so a
 * reload may free the credentials meanwhile) on the helper thread into
 * sa->auth_sig. cb != NULL: the exchange waits (sa->computing) and cb runs on
 * the loop thread when done, only if the SA still exists (else async_stale).
 * cb == NULL: made ahead of need (responder); the exchange signs inline when
 * it needs the signature before it is back (async_sign_late).
 * Without a helper, or with a full one, the work runs at once (cb before this
 * returns). 0, or -errno (cb not called).
 */
int ike_async_sign(struct ike_daemon *d, struct ike_sa *sa, EVP_PKEY *key,
		   const struct ike_sig_choice *ch, uint8_t *octets, size_t octets_len,
		   ike_sig_cb cb);

/* ---- ike_async_ke.c: a CREATE_CHILD_SA's KE on the helper, then the message again ---- */
struct ike_ke_pre {
	bool response;			/* g^ir with our pair (else a new pair of ours too) */
	uint16_t group;
	int rc;				/* 0, or why the peer's KE was refused */
	struct ike_dh *dh;		/* request: our new pair (ike_ke_respond takes it) */
	uint8_t gir[IKE_MAX_DH_PUB];
	size_t gir_len;
};
/*
 * The CREATE_CHILD_SA in d->msg carries a KE: compute it on the helper thread
 * and handle the message again when it is back (ike_create_child_msg, with
 * sa->ke_pre). true: the job is out (sa->computing), the caller returns;
 * false: handle it now (no helper, a full one, no usable KE).
 */
bool ike_async_ke_first(struct ike_daemon *d, struct ike_sa *sa);
/* Our new pair of the KE's group and g^ir: sa->ke_pre's, else computed here. 0, -EIO, -errno. */
int ike_ke_respond(struct ike_sa *sa, const struct ike_pl *ke, struct ike_dh **dh, uint8_t *gir,
		   size_t cap, size_t *glen);
/* g^ir of our pair `mine` and the peer's KE: sa->ke_pre's, else computed here. */
int ike_ke_answer(struct ike_sa *sa, const struct ike_dh *mine, const struct ike_pl *ke,
		  uint8_t *gir, size_t cap, size_t *glen);
/* ike_daemon.c: a CREATE_CHILD_SA message on an established SA, to its handler. */
void ike_create_child_msg(struct ike_daemon *d, struct ike_sa *sa);

/* ---- ike_keylog.c: the IKE SA's keys at debug level (tshark decryption) ---- */
void ike_log_ike_keys(const struct ike_sa *sa);

#define IKE_SA_LOG(level, sa, fmt, ...) \
	GW_LOG(ike, level, "ike-%u %s: " fmt, (sa)->index, \
	       (sa)->gw != NULL ? (sa)->gw->name : "?", ##__VA_ARGS__)

#endif /* IKE_SA_H */
