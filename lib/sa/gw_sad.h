/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_SAD_H
#define GW_SAD_H

/*
 * SAD: inbound SA lookup by {SPI, destination}. An rte_hash with lock-free
 * read/write concurrency: any number of worker lcores look up bursts without
 * a lock while the control thread (the only writer) adds, replaces and
 * deletes. Values are `struct gw_sa *`, opaque here: the table never looks
 * inside them. A replaced or deleted SA is handed to the free callback only
 * after an RCU QSBR grace period, and a deleted key slot is reused only after
 * one (rte_hash_rcu_qsbr_add).
 *
 * Keys: a unicast SA is keyed by SPI + family + destination (the local tunnel
 * address), a group SA by SPI alone (family 0, address zero). The decrypt
 * path tries SPI+destination first, then SPI only: gw_sad_lookup_inbound_bulk.
 */

#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <rte_byteorder.h>
#include <rte_rcu_qsbr.h>

struct gw_sa;
struct gw_sad;

/*
 * 32 bytes, no implicit padding: hashed and compared as raw bytes. 32, not
 * the 24 the fields need: rte_hash compares 32-byte keys with vector
 * instructions and other sizes through a memcmp() call.
 */
struct gw_sad_key {
	rte_be32_t spi;		/* as on the wire */
	uint8_t family;		/* AF_INET, AF_INET6, 0 = group (SPI only) */
	uint8_t pad[3];		/* zero */
	uint8_t dst[16];	/* IPv4 in the first 4 bytes, rest zero */
	uint8_t pad2[8];	/* zero */
};

/* Called on the control thread after a grace period; owns the SA. */
typedef void (*gw_sad_free_t)(struct gw_sa *sa, void *arg);

struct gw_sad_params {
	const char *name;		/* unique among SADs, < 24 characters */
	uint32_t capacity;		/* SAs held at once (>= 100000 is fine) */
	int socket;			/* NUMA node, SOCKET_ID_ANY */
	struct rte_rcu_qsbr *rcu;	/* the workers' QSBR variable (required) */
	gw_sad_free_t free_sa;		/* NULL: the table does not own SAs */
	void *free_arg;
};

/* NULL + errno (EINVAL, ENOMEM, EEXIST name in use). */
struct gw_sad *gw_sad_create(const struct gw_sad_params *params);
/* Waits for a grace period, frees every SA still in it. NULL is a no-op. */
void gw_sad_free(struct gw_sad *sad);

/* Key builders. spi in network order; addr: 4 or 16 bytes, network order. */
static inline void
gw_sad_key_unicast(struct gw_sad_key *k, rte_be32_t spi, uint8_t family, const void *addr)
{
	memset(k, 0, sizeof(*k));
	k->spi = spi;
	k->family = family;
	memcpy(k->dst, addr, family == AF_INET6 ? 16 : 4);
}

static inline void
gw_sad_key_group(struct gw_sad_key *k, rte_be32_t spi)
{
	memset(k, 0, sizeof(*k));
	k->spi = spi;
}

/* -EEXIST if the key is there, -ENOSPC, -EINVAL. */
int gw_sad_add(struct gw_sad *sad, const struct gw_sad_key *key, struct gw_sa *sa);
/*
 * Atomically swap the SA of an existing key: readers see the old or the new
 * one, never neither; the old one is freed after a grace period.
 * -ENOENT if the key is absent.
 */
int gw_sad_replace(struct gw_sad *sad, const struct gw_sad_key *key, struct gw_sa *sa);
/* Add or replace. */
int gw_sad_upsert(struct gw_sad *sad, const struct gw_sad_key *key, struct gw_sa *sa);
/* Remove; the SA is freed after a grace period. -ENOENT. */
int gw_sad_delete(struct gw_sad *sad, const struct gw_sad_key *key);

/* Single lookup (control thread, tests). NULL if absent. */
struct gw_sa *gw_sad_find(const struct gw_sad *sad, const struct gw_sad_key *key);

/*
 * Fast path: look up n keys (any n; processed in chunks of 64), out[i] is
 * the SA or NULL. Returns the number of hits. No allocation, no logging.
 */
unsigned int gw_sad_lookup_bulk(const struct gw_sad *sad, const struct gw_sad_key *keys[],
				unsigned int n, struct gw_sa *out[]);

/*
 * Decrypt path: keys are unicast keys (SPI + destination); a miss is retried
 * as a group key (SPI only). A unicast SA wins over a group SA with the same
 * SPI. Returns the number of hits.
 */
unsigned int gw_sad_lookup_inbound_bulk(const struct gw_sad *sad,
					const struct gw_sad_key *keys[], unsigned int n,
					struct gw_sa *out[]);

uint32_t gw_sad_count(const struct gw_sad *sad);

/*
 * Walk the table (control thread): *next starts at 0. Returns 0 and fills
 * key/sa, or -ENOENT at the end.
 */
int gw_sad_iterate(const struct gw_sad *sad, uint32_t *next, struct gw_sad_key *key,
		   struct gw_sa **sa);

/* Free retired SAs whose grace period is over (call from the control loop). */
void gw_sad_reclaim(struct gw_sad *sad);
/* Wait for a grace period and free every retired SA. */
void gw_sad_sync(struct gw_sad *sad);

#endif /* GW_SAD_H */
