/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef MOCK_INSTALL_H
#define MOCK_INSTALL_H

/*
 * A recording mock of the install interface (lib/sa/gw_install.h) for unit
 * tests of protocol code (GDOI, IKEv2): no DPDK, no data plane. It keeps the
 * SAs and terms it was given (so a test can look at the state as well as at
 * the call sequence), hands out ids that go stale on delete like the real
 * ones, SPIs from a counter, and lets the test raise events.
 */

#include <stdbool.h>
#include <stdint.h>

#include "gw_install.h"

#define MOCK_MAX_CALLS 256
#define MOCK_MAX_SAS 64
#define MOCK_MAX_POLICIES 16
#define MOCK_MAX_SUBS 16

enum mock_op {
	MOCK_GET_SPI = 1, MOCK_RELEASE_SPI, MOCK_ADD_SA, MOCK_UPDATE_SA, MOCK_DEL_SA,
	MOCK_QUERY_SA, MOCK_SET_POLICY, MOCK_SET_DISABLED, MOCK_FLUSH, MOCK_SUBSCRIBE,
};

struct mock_call {
	enum mock_op op;
	struct gw_owner owner;
	gw_sa_id_t id;
	uint32_t spi;		/* get/release_spi, add/update_sa */
	uint8_t dir;
	unsigned int n;		/* set_policy: terms */
	char ifname[32];	/* set_policy */
	int ret;
};

struct mock_sa {
	bool used;
	uint32_t gen;
	struct gw_owner owner;
	struct gw_sa_spec spec;
	struct gw_sa_counters counters;	/* the test sets them */
};

struct mock_policy {
	struct gw_owner owner;
	char ifname[32];
	enum gw_sa_dir dir;
	unsigned int n;
	struct gw_spd_term terms[8];
};

struct mock_install {
	struct gw_install in;		/* give &in to the code under test */
	struct mock_call calls[MOCK_MAX_CALLS];
	unsigned int nb_calls;
	struct mock_sa sas[MOCK_MAX_SAS];
	struct mock_policy pol[MOCK_MAX_POLICIES];
	unsigned int nb_pol;
	uint32_t next_spi;
	enum mock_op fail_op;		/* the next call of this kind ... */
	int fail_ret;			/* ... returns this (once) */
	gw_ipsec_event_cb cb;		/* the last subscription */
	void *cb_arg;
	struct gw_owner cb_owner;
	struct mock_sub {		/* every owner's, as the manager keeps them */
		struct gw_owner owner;
		gw_ipsec_event_cb cb;
		void *arg;
	} subs[MOCK_MAX_SUBS];
};

void mock_install_init(struct mock_install *m);
/* The installed SA of an id, or NULL (stale / never). */
struct mock_sa *mock_sa(struct mock_install *m, gw_sa_id_t id);
unsigned int mock_sa_count(const struct mock_install *m, struct gw_owner owner);
/* The installed SAs of any owner of that kind. */
unsigned int mock_sa_count_kind(const struct mock_install *m, enum gw_owner_kind kind);
const struct mock_policy *mock_policy(const struct mock_install *m, struct gw_owner owner,
				      const char *ifname, enum gw_sa_dir dir);
/* Raise an event about an SA to its owner's subscriber, as the manager would. */
void mock_raise(struct mock_install *m, gw_sa_id_t id, enum gw_sa_event_type type);
/* Calls of one kind so far. */
unsigned int mock_count(const struct mock_install *m, enum mock_op op);

#endif /* MOCK_INSTALL_H */
