/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef ESP_PRIV_H
#define ESP_PRIV_H

/* The SA object's layout; private to lib/esp. See README.md. */

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_esp.h>
#include <rte_spinlock.h>

#include "gw_common.h"
#include "gw_esp.h"
#include "gw_replay.h"
#include "gw_tbar.h"

typedef uint16_t (*esp_burst_fn)(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
				 const struct gw_esp_clock *now);

/* How the IV is made; chosen at create from the cipher. */
enum esp_iv_kind {
	ESP_IV_NONE = 0,	/* NULL cipher */
	ESP_IV_COUNTER,		/* GCM, ChaCha20-Poly1305: IV = sequence/counter (RFC 4106 3.1) */
	ESP_IV_CBC,		/* CBC: unpredictable, E_K(nonce) (RFC 3602 2.3; esp_out.c) */
};

/* Group SA IV: sender tag (16) | lcore slot (8) | per-lcore counter (40). */
#define ESP_GROUP_CTR_BITS 40
#define ESP_GROUP_SLOT_SHIFT 40
#define ESP_GROUP_TAG_SHIFT 48

/* Per-lcore block: only that lcore writes it. */
struct esp_lcore {
	struct gw_sa_stats stats;
	uint64_t group_ctr;	/* group outbound: this lcore's counter */
	uint16_t ip_id;		/* outer IPv4 identification */
} __rte_cache_aligned;

struct gw_sa {
	/* ---- hot, read-only after create ---- */
	esp_burst_fn out_fn;	/* the wrong direction gets esp_wrong_dir */
	esp_burst_fn in_fn;
	const struct gw_crypto_engine *engine;
	struct gw_crypto_session *sess;
	rte_be32_t spi_be;
	uint8_t iv_len;
	uint8_t icv_len;
	uint8_t pad_align;	/* cipher block, >= 4 */
	uint8_t iv_kind;	/* enum esp_iv_kind */
	uint8_t d3p_proto;
	uint8_t df_mode;	/* enum gw_df_mode after clear-dont-fragment-bit */
	bool esn;
	bool group;
	bool tbar;		/* group SA with a D3P window */
	bool outer_v6;		/* unicast outer family */
	rte_be16_t udp_sport_be;	/* NAT-T: fixed; multipath: 0 = by flow hash */
	rte_be16_t udp_dport_be;	/* 0 = no UDP encapsulation */
	uint16_t nb_slots;	/* esp_lcore blocks; the last is for non-EAL threads */
	uint16_t tunnel_mtu;
	uint32_t tbar_half_ms;	/* W/2, group SAs with D3P */
	uint64_t seq_max;	/* UINT32_MAX, or UINT64_MAX with ESN */
	uint64_t group_tag;	/* group IV sender tag, already shifted */
	_Atomic uint8_t dead;	/* hard lifetime: drop everything */
	struct gw_prefix sel_src, sel_dst;
	uint8_t sel_proto;
	union {			/* unicast outer header template */
		struct rte_ipv4_hdr v4;
		struct rte_ipv6_hdr v6;
	} outer;

	/* ---- unicast outbound sequence: its own cache line ---- */
	_Atomic uint64_t seq_out __rte_cache_aligned;	/* last reserved */
	_Atomic uint8_t seq_event;

	/* ---- unicast inbound replay window: its own cache lines ---- */
	rte_spinlock_t replay_lock __rte_cache_aligned;
	struct gw_replay replay;

	/* ---- cold ---- */
	struct gw_sa_params conf __rte_cache_aligned;	/* key bytes wiped */
	uint64_t tag;					/* gw_sa_set_tag */
	uint64_t created_sec;
	_Atomic uint8_t ev_soft, ev_hard;

	struct esp_lcore lc[];	/* nb_slots */
};

static_assert(offsetof(struct gw_sa, seq_out) <= GW_SA_HOT_BYTES,
	      "gw_sa_prefetch() covers the hot fields");

static inline struct esp_lcore *
esp_lcore(struct gw_sa *sa)
{
	unsigned int id = rte_lcore_id();

	return &sa->lc[id < (unsigned int)sa->nb_slots - 1 ? id : sa->nb_slots - 1u];
}

static inline unsigned int
esp_slot(const struct gw_sa *sa)
{
	unsigned int id = rte_lcore_id();

	return id < (unsigned int)sa->nb_slots - 1 ? id : sa->nb_slots - 1u;
}

/*
 * Sequence-number inputs of a crypto op: ESN high bits for the HMAC
 * (RFC 4303 2.2.1) and the AAD, SPI || SEQ or SPI || ESN-hi || SEQ-lo
 * (RFC 4106 5, RFC 7634 2.1) in the caller's 12-byte buffer.
 */
static inline void
esp_op_seq(struct gw_crypto_op *op, uint8_t *esp, uint8_t aad[12], uint64_t seq, bool esn)
{
	op->has_esn = esn;
	op->esn_hi = rte_cpu_to_be_32((uint32_t)(seq >> 32));
	if (esn) {
		memcpy(aad, esp, 4);
		memcpy(aad + 4, &op->esn_hi, 4);
		memcpy(aad + 8, esp + 4, 4);
		op->aad = aad;
		op->aad_len = 12;
	} else {
		op->aad = esp;
		op->aad_len = 8;
	}
}

/* Raise an event on the control ring (gw_sa.c). */
void esp_sa_event(const struct gw_sa *sa, enum gw_sa_event_type type, uint64_t value);

/*
 * Move the packets whose drop[] is non-zero to the tail, keeping both groups
 * in order; writes gw_meta(m)->drop and counts them. Returns the good count.
 */
uint16_t esp_partition(struct esp_lcore *lc, struct rte_mbuf **pkts, uint16_t n,
		       const uint8_t *drop);

/*
 * Tests and tools: outbound, the next sequence number will be seq;
 * inbound, seq is recorded as received (moves the window and the ESN top).
 */
void esp_sa_set_seq(struct gw_sa *sa, uint64_t seq);

/* Specialised burst functions (esp_out.c, esp_in.c), picked at create. */
esp_burst_fn esp_outbound_select(const struct gw_sa *sa);
esp_burst_fn esp_inbound_select(const struct gw_sa *sa);
uint16_t esp_wrong_dir(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
		       const struct gw_esp_clock *now);

#endif /* ESP_PRIV_H */
