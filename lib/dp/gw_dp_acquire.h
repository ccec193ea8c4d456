/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_DP_ACQUIRE_H
#define GW_DP_ACQUIRE_H

/*
 * Acquires from the data plane (lib/dp/dp_acquire.c): traffic that hit a
 * protect term flagged GW_SPD_TERM_ACQUIRE (lib/sa/gw_spd_term.h) while its
 * slot had no SA. The control thread hears of it by the slot's name
 * (`<owner>/<binding>`, e.g. `ike-4294901760/to-sw`), at most once a second
 * per slot.
 */

#include <stdbool.h>
#include <stdint.h>

struct rte_mbuf;

struct gw_dp;

typedef void (*gw_dp_acquire_cb)(const char *slot, void *arg);

/* Control thread, after gw_dp_init: where acquires go (cb NULL: nowhere). 0 or -errno. */
int gw_dp_acquire_set(struct gw_dp *dp, gw_dp_acquire_cb cb, void *arg);

/* lib/dp internal: a worker's packet hit such a term of slot (rate-limited, lock-free). */
void dp_acquire_post(struct gw_dp *dp, uint32_t slot);
/* lib/dp internal, control thread: hand what the workers posted to the callback. */
void dp_acquire_drain(struct gw_dp *dp);
/*
 * lib/dp internal, gw_drop_burst: an ACQUIRE_NO_SA packet (its slot in
 * gw_meta(m)->sa_slot) taken into the hold queue (true: not freed, not
 * counted), or not (full, the slot's time up, pipeline layout).
 */
bool dp_acquire_hold(struct rte_mbuf *m);
/* lib/dp internal, a worker: held packets back for classify (every 10 ms), count. */
uint16_t dp_acquire_release(struct gw_dp *dp, struct rte_mbuf **pkts, uint16_t max);
/* Workers stopped: held packets dropped as IN_FLIGHT_AT_EXIT. */
void dp_acquire_flush(struct gw_dp *dp);
void dp_acquire_fini(struct gw_dp *dp);

#endif /* GW_DP_ACQUIRE_H */
