/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_ESP_H
#define GW_ESP_H

/*
 * ESP tunnel mode (RFC 4303) fast path. The crypto stage calls these with
 * bursts that all belong to one SA; see lib/esp/README.md.
 *
 * Contract: mbufs are single-segment; the data starts at the IP header (the
 * inner one for outbound, the outer one for inbound). The calls return the
 * number of good packets, which stay at the front in their order; the others
 * follow with gw_meta(m)->drop set. Nothing is freed or allocated.
 */

#include <stdint.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "gw_sa.h"

/* One clock read per burst: CLOCK_REALTIME for TBAR and lifetimes, TSC. */
struct gw_esp_clock {
	uint64_t sec;
	uint32_t usec;
	uint64_t tsc;
};

static inline void
gw_esp_clock_read(struct gw_esp_clock *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	c->sec = (uint64_t)ts.tv_sec;
	c->usec = (uint32_t)(ts.tv_nsec / 1000);
	c->tsc = rte_rdtsc();
}

/* Encrypt a burst of inner packets for an outbound SA. */
uint16_t gw_esp_outbound(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
			 const struct gw_esp_clock *now);
/* Decrypt a burst of ESP packets (outer IP header first) for an inbound SA. */
uint16_t gw_esp_inbound(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
			const struct gw_esp_clock *now);

/* What gw_esp_parse_spi found (classify punts everything but ESP). */
enum gw_esp_class {
	GW_ESP_CLASS_ESP = 0,		/* ESP, or ESP in UDP: *spi valid */
	GW_ESP_CLASS_IKE,		/* UDP 4500 with the non-ESP marker (RFC 3948 2.2) */
	GW_ESP_CLASS_KEEPALIVE,		/* UDP 4500, one byte 0xFF (RFC 3948 2.3) */
	GW_ESP_CLASS_NOT_ESP,		/* another protocol or port */
	GW_ESP_CLASS_FRAGMENT,		/* IPv4 fragment: reassemble first */
};

#define GW_ESP_NATT_PORT 4500

/*
 * Classify helper on an mbuf at the outer IP header (IPv4 or IPv6 without
 * extension headers). Returns an enum gw_esp_class value (>= 0), or
 * -EBADMSG when the headers are truncated or inconsistent. For ESP,
 * *spi (host order) is set, *udp_encap tells whether it came in UDP and
 * *udp_port is the UDP destination port (0 without UDP).
 */
int gw_esp_parse_spi(struct rte_mbuf *m, uint32_t *spi, bool *udp_encap, uint16_t *udp_port);
/* Same on a plain buffer (fuzzing, tests). */
int gw_esp_parse_spi_buf(const uint8_t *p, uint32_t len, uint32_t *spi, bool *udp_encap,
			 uint16_t *udp_port);

/*
 * The appliance-wide multipath UDP encapsulation port (1025..65535, not
 * 4500; 0 = none) recognised by gw_esp_parse_spi besides 4500. Set by the
 * control thread at commit.
 */
void gw_esp_set_encap_port(uint16_t port);

/* The port set above; read by classify's quick pre-check of UDP packets. */
extern _Atomic uint16_t gw_esp_encap_port_now;

/* Can UDP to this destination port (host order) carry ESP? 4500 or the multipath port. */
static inline bool
gw_esp_udp_port_may_carry_esp(uint16_t dport)
{
	uint16_t mp = atomic_load_explicit(&gw_esp_encap_port_now, memory_order_relaxed);

	return dport == GW_ESP_NATT_PORT || (mp != 0 && dport == mp);
}

#endif /* GW_ESP_H */
