/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_INSTALL_H
#define GW_INSTALL_H

/*
 * The install interface: how a control protocol (GDOI member or key server,
 * IKEv2, the configuration) puts SAs and policies into the data plane. A
 * table of function pointers (the model is strongSwan's kernel_ipsec_t):
 * gw_samgr_install() gives the real one, backed by the SA manager; protocol
 * unit tests link a recording mock instead (test/unit/sa/mock_install.c) and
 * need neither DPDK nor the data plane: this header includes no DPDK.
 *
 * Everything belongs to an **owner**: SAs, SPI reservations, policy terms and
 * event subscriptions. An owner only ever changes what it owns; the
 * configuration is the owner { GW_OWNER_CONFIG, 0 }. Control thread only.
 * Errors are negative errno values.
 */

#include <stdbool.h>
#include <stdint.h>

#include "gw_sa_params.h"
#include "gw_spd_term.h"

enum gw_owner_kind {
	GW_OWNER_CONFIG = 0,	/* the configuration file (lib/apply) */
	GW_OWNER_GDOI,		/* id: the GDOI group */
	GW_OWNER_IKE,		/* id: the IKE SA */
	GW_OWNER_TEST,		/* test-only owner (lib/apply/apply_test.c) */
	GW_OWNER_KIND_MAX,
};

struct gw_owner {
	uint32_t kind;		/* enum gw_owner_kind */
	uint32_t id;
};

#define GW_OWNER(k, i) ((struct gw_owner){ .kind = (k), .id = (i) })
#define GW_OWNER_CONF GW_OWNER(GW_OWNER_CONFIG, 0)

static inline bool
gw_owner_eq(struct gw_owner a, struct gw_owner b)
{
	return a.kind == b.kind && a.id == b.id;
}

/*
 * An installed SA. The low 32 bits are the manager's slot, the high 32 bits
 * its generation: once the SA is deleted its id fails with -ENOENT, also
 * after the slot was reused. 0 is never an SA.
 */
typedef uint64_t gw_sa_id_t;
#define GW_SA_ID_NONE 0

/* What an owner installs: the SA's parameters and how policies reach it. */
struct gw_sa_spec {
	struct gw_sa_params params;
	/*
	 * The policy binding (strongSwan's reqid): this owner's protect and
	 * fail-open terms naming `bind` reach this SA. Empty: params.label.
	 * Outbound: the newest SA installed for a name carries the traffic
	 * (make-before-break); deleting it leaves the name unbound. Inbound
	 * SAs are all found by SPI, old and new together during a rekey.
	 */
	char bind[GW_SPD_NAME_LEN];
	uint32_t idle_seconds;	/* GW_SA_EV_IDLE after that long without a packet; 0 = off */
	bool first_use_event;	/* GW_SA_EV_FIRST_USE at its first packet */
};

struct gw_ipsec_event {
	uint32_t type;		/* enum gw_sa_event_type */
	uint32_t spi;		/* host order */
	gw_sa_id_t id;		/* the SA (already deleted after a hard event) */
	struct gw_owner owner;
	uint8_t dir;		/* enum gw_sa_dir */
	uint8_t group;
	uint64_t value;		/* seconds, kbytes, sequence number or idle seconds */
};

/*
 * Not about one SA: the configuration that made the owner (a GDOI group, an
 * IKE gateway) was removed. The owner tears its sessions down (deleting its
 * SAs and terms itself, or leaving them to the flush that follows).
 */
#define GW_IPSEC_EV_OWNER_REMOVED 0x100

typedef void (*gw_ipsec_event_cb)(const struct gw_ipsec_event *ev, void *arg);

struct gw_sa_counters {
	uint64_t packets;
	uint64_t bytes;		/* inner bytes */
	uint64_t drops;		/* every reason together */
};

struct gw_install_ops {
	/*
	 * A random SPI (never 0..255) unique among SAs and reservations of its
	 * kind (unicast or group) and direction, reserved for the owner until an
	 * SA is added with it (which takes the reservation over) or release_spi.
	 * -ENOSPC when the range is exhausted.
	 */
	int (*get_spi)(void *ctx, struct gw_owner owner, bool group, enum gw_sa_dir dir,
		       uint32_t *spi);
	int (*release_spi)(void *ctx, struct gw_owner owner, bool group, enum gw_sa_dir dir,
			   uint32_t spi);
	int (*add_sa)(void *ctx, struct gw_owner owner, const struct gw_sa_spec *spec,
		      gw_sa_id_t *id);
	/* New SA object (new keys, lifetimes restart) for the same id, swapped atomically. */
	int (*update_sa)(void *ctx, gw_sa_id_t id, const struct gw_sa_spec *spec);
	int (*del_sa)(void *ctx, gw_sa_id_t id);
	int (*query_sa)(void *ctx, gw_sa_id_t id, struct gw_sa_counters *out);
	/*
	 * Install or replace (n = 0: remove) the owner's terms on an interface
	 * and direction. The SPD compiles all owners' terms together (see
	 * lib/sa/README.md for the order); other owners' terms and hit counters
	 * are not touched; workers see the new rule set at once. Terms are
	 * compared as bytes with the installed ones: zero-fill them.
	 */
	int (*set_policy)(void *ctx, struct gw_owner owner, const char *ifname,
			  enum gw_sa_dir dir, const struct gw_spd_term *terms, unsigned int n);
	/* Group key server unreachable and the like: fail-open terms take over. */
	int (*set_disabled)(void *ctx, struct gw_owner owner, enum gw_sa_dir dir,
			    const char *bind, bool disabled);
	/* Everything of the owner: SAs, reservations, terms, its subscription. */
	int (*flush)(void *ctx, struct gw_owner owner);
	/* Events of the owner's SAs go to cb (NULL: unsubscribe). */
	int (*subscribe)(void *ctx, struct gw_owner owner, gw_ipsec_event_cb cb, void *arg);
};

struct gw_install {
	const struct gw_install_ops *ops;
	void *ctx;
};

#endif /* GW_INSTALL_H */
