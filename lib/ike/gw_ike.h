/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_IKE_H
#define GW_IKE_H

/*
 * The IKEv2 daemon (RFC 7296) on the control thread: UDP sockets on 500 and
 * 4500 (the gateway's addresses live on its exception TAPs), one IKE SA per
 * `security ipsec vpn` and peer, CHILD_SAs and their protect terms installed
 * through the install interface under owner { GW_OWNER_IKE, IKE SA index }.
 * lib/ike/README.md has the design.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_install.h"

struct ike_daemon;

struct ike_daemon_params {
	struct ctl_loop *loop;
	const struct gw_install *install;
	uint16_t port;			/* default 500 */
	uint16_t natt_port;		/* default 4500 */
	uint16_t peer_port, peer_natt_port;	/* where peers listen (tests); default: ours */
	/* half-open SAs from which IKE_SA_INIT needs a cookie (RFC 7296 2.6); 0 = 16 */
	uint32_t cookie_threshold;
	bool cookies_always;		/* tests: every IKE_SA_INIT needs one */
	uint32_t frag_size;		/* tests: fragment above this (0: the gateway's size) */
	struct ctl_helper *helper;	/* DH on this thread (NULL: on the loop thread) */
	/* 0: the configuration's (security ike half-open), else 64 / 8 */
	uint32_t half_open_max, half_open_peer_max;
	uint32_t cookie_rotate_ms;	/* cookie secret lifetime; 0 = 5 minutes */
};

/* Counters of the daemon: one per reason a message was dropped or refused. */
#define IKE_COUNTERS(X) \
	X(rx_msgs, "messages received") \
	X(tx_msgs, "messages sent") \
	X(retransmits, "requests retransmitted") \
	X(rx_dup_requests, "duplicate requests answered from the cached response") \
	X(drop_parse, "malformed messages (INVALID_SYNTAX, bad lengths)") \
	X(drop_critical, "unknown critical payloads (UNSUPPORTED_CRITICAL_PAYLOAD)") \
	X(drop_bad_version, "major version not 2") \
	X(drop_unknown_spi, "no IKE SA for the SPIs") \
	X(drop_msgid, "message ID outside the window") \
	X(drop_icv, "SK payload ICV or padding wrong") \
	X(drop_state, "message not expected in the SA's state") \
	X(drop_no_gateway, "IKE_SA_INIT from an address with no gateway") \
	X(drop_not_ike, "datagram on 4500 without the non-ESP marker") \
	X(no_proposal, "NO_PROPOSAL_CHOSEN (sent or received)") \
	X(invalid_ke, "INVALID_KE_PAYLOAD (sent or received)") \
	X(auth_failed, "AUTHENTICATION_FAILED (sent or received)") \
	X(ts_unacceptable, "TS_UNACCEPTABLE (sent or received)") \
	X(half_open_cap, "IKE_SA_INIT refused: half-open SAs at the cap") \
	X(cookie_sent, "IKE_SA_INIT answered with a COOKIE (no state kept)") \
	X(cookie_bad, "IKE_SA_INIT with a COOKIE that does not verify") \
	X(give_up, "exchanges abandoned after the last retransmission") \
	X(install_errors, "CHILD_SA or policy install failures") \
	X(ike_up, "IKE SAs established") \
	X(child_up, "CHILD_SAs installed") \
	X(ike_deleted, "IKE SAs deleted") \
	X(dpd_dead, "peers declared dead by DPD") \
	X(dpd_probes, "DPD probes started (their resends count in retransmits)") \
	X(auth_certificate, "peer certificate refused (unknown CA, expired, chain, key)") \
	X(auth_peer_id, "peer identity not remote-identity or not in its certificate") \
	X(auth_signature, "peer AUTH signature invalid or of a method not for its key") \
	X(acquires, "acquires from the data plane (on-traffic vpn without an SA)") \
	X(acquire_failed, "acquires whose IKE_SA_INIT could not be started") \
	X(frag_tx, "IKE fragments sent (RFC 7383)") \
	X(frag_rx, "IKE fragments received and authenticated") \
	X(frag_reassembled, "IKE messages reassembled from fragments") \
	X(frag_drop_unsupported, "fragment refused: fragmentation not negotiated") \
	X(frag_drop_num, "fragment refused: bad number or total") \
	X(frag_drop_dup, "duplicate fragments ignored") \
	X(frag_drop_stale, "fragment refused: fewer fragments than the stored ones") \
	X(frag_drop_too_big, "reassembly abandoned: message above the size cap") \
	X(frag_drop_mismatch, "fragment refused: exchange or flags differ") \
	X(frag_timeout, "reassemblies abandoned incomplete (timeout)") \
	X(frag_drop_icv, "fragments whose ICV does not verify") \
	X(nat_keepalives, "NAT keepalives sent (RFC 3948 4)") \
	X(nat_peer_moved, "peer's address or port changed: IKE and ESP follow (RFC 7296 2.23)") \
	X(temp_failure, "TEMPORARY_FAILURE (sent or received): a rekey or delete in progress") \
	X(child_not_found, "CHILD_SA_NOT_FOUND (sent or received)") \
	X(rekey_collisions, "simultaneous rekeys resolved by the lowest nonce (RFC 7296 2.8)") \
	X(ike_rekeys, "IKE SAs rekeyed (by us or by the peer)") \
	X(child_rekeys, "CHILD_SAs rekeyed (by us or by the peer)") \
	X(half_open_peer_cap, "IKE_SA_INIT refused: half-open SAs from that address at the cap") \
	X(cookie_rotations, "cookie secrets replaced (the previous one still accepted)") \
	X(async_jobs, "DH key pairs and g^ir handed to the helper thread (any exchange)") \
	X(async_inline, "DH or signatures on the control thread (helper full, no PFS pair ready)") \
	X(async_stale, "DH or signature results for an SA or exchange gone meanwhile (wiped)") \
	X(async_signs, "IKE_AUTH signatures handed to the helper thread") \
	X(async_verifies, "peers' certificates and AUTH signatures handed to the helper thread") \
	X(async_sign_late, "IKE_AUTH request before our signature was back: signed inline") \
	X(frag_pmtu_shrinks, "messages sent again in smaller fragments (RFC 7383 2.5.2)")

struct ike_counters {
#define IKE_CTR_FIELD(n, h) uint64_t n;
	IKE_COUNTERS(IKE_CTR_FIELD)
#undef IKE_CTR_FIELD
};

/* NULL + errno (sockets cannot be bound: -EADDRINUSE ...). */
struct ike_daemon *ike_daemon_create(const struct ike_daemon_params *p);
/* Take the configuration (copied): new vpns start, removed ones are torn down. */
int ike_daemon_configure(struct ike_daemon *d, const struct gw_config *conf);
/* Delete every SA (INFORMATIONAL delete sent, best effort), close, free. */
void ike_daemon_free(struct ike_daemon *d);

void ike_daemon_counters(const struct ike_daemon *d, struct ike_counters *out);
/* The column header of that table (also when IKE does not run). */
void ike_show_header(FILE *out);
/* `show security ike security-associations [index N] [detail]` */
void ike_show_ike_sas(struct ike_daemon *d, FILE *out, bool detail, uint32_t index);
/* IKE-negotiated lines of `show security ipsec security-associations` */
void ike_show_ipsec_sas(struct ike_daemon *d, FILE *out);
/* `clear security ike security-associations`: delete all (index 0) or one. */
unsigned int ike_clear_sas(struct ike_daemon *d, uint32_t index);
/*
 * The data plane's acquire (lib/dp/gw_dp_acquire.h) by slot name: traffic of
 * an on-traffic vpn without an SA starts its IKE SA (or its missing CHILD_SA).
 */
void ike_daemon_acquire(struct ike_daemon *d, const char *slot);

#endif /* GW_IKE_H */
