/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SA_PARAMS_H
#define GW_SA_PARAMS_H

/*
 * What an SA is built from, and the events it raises: plain types with no
 * DPDK and no configuration type, so that protocol code (GDOI, IKEv2) and
 * its unit tests include them without the data plane.
 */

#include <stdbool.h>
#include <stdint.h>

#include "gw_addr.h"
#include "gw_crypto.h"
#include "gw_sa_types.h"

#define GW_SA_LABEL_LEN 64

/* Lifetimes; 0 = none. Seconds count from the install, kbytes are inner bytes. */
struct gw_sa_lifetime {
	uint64_t soft_seconds, hard_seconds;
	uint64_t soft_kbytes, hard_kbytes;
};

/*
 * Everything an SA is built from, whoever negotiated it (configuration,
 * GDOI, IKEv2): protocol-neutral, no configuration type. Zero-fill it first;
 * zero means the default where one is given.
 */
struct gw_sa_params {
	char label[GW_SA_LABEL_LEN];	/* for logs and show; not an identity */
	uint32_t spi;			/* host order, >= 256 (RFC 4303 2.1) */
	enum gw_sa_dir direction;
	bool group;			/* header preservation, SPI-only lookup, TBAR */
	struct gw_crypto_params crypto;	/* algorithms and keys; .encrypt from direction */
	struct gw_ipaddr tunnel_local;	/* unicast: tunnel endpoints */
	struct gw_ipaddr tunnel_remote;
	uint16_t replay_window;		/* unicast inbound, default 64, up to 4096 */
	int8_t anti_replay;		/* 0 = off; anything else = on (unicast inbound) */
	bool esn;
	uint32_t tbar_window_ms;	/* group: 0 = off */
	uint8_t d3p_protocol;		/* default 253 */
	enum gw_udp_encap udp_encap;
	uint16_t udp_port;		/* GW_UDP_ENCAP_PORT: 1025..65535, not 4500 */
	uint16_t tunnel_mtu;		/* largest inner packet sent whole, default 1500 */
	enum gw_df_mode df;
	bool clear_df;			/* clear-dont-fragment-bit */
	bool passive;			/* passive-mode-tunneling: fragment the ESP packet */
	struct gw_sa_lifetime lifetime;
	/* selectors: the inner traffic the SA carries */
	struct gw_prefix sel_src, sel_dst;
	uint8_t sel_proto;		/* 0 = any */
};

/*
 * SA events. The SA raises the first three (gw_sa_event, through the event
 * ring); the SA manager detects first use and idle when it polls.
 */
enum gw_sa_event_type {
	GW_SA_EV_SOFT_LIFETIME = 1,	/* soft seconds/kbytes reached: rekey */
	GW_SA_EV_HARD_LIFETIME,		/* hard limit reached: SA now drops SA_EXPIRED */
	GW_SA_EV_SEQ_EXHAUSTED,		/* outbound sequence space used up (worker) */
	GW_SA_EV_FIRST_USE,		/* first packet counted (opt-in per SA) */
	GW_SA_EV_IDLE,			/* no packet for the SA's idle time (opt-in) */
};

#endif /* GW_SA_PARAMS_H */
