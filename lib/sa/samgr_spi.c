/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SA manager: the SPI allocator. One set of SPIs in use per domain (unicast
 * or group, inbound or outbound): every installed SA counts, and so does a
 * reservation (get_spi before the SA exists, as IKE needs). get_spi draws at
 * random from [lo, hi] (never 0..255, RFC 4303 2.1) an SPI nobody uses.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_random.h>

#include "gw_log.h"
#include "samgr_priv.h"

/*
 * Room for every SA and as many reservations, at most half full so that the
 * probes stay short: get_spi refuses a reservation past that.
 */
#define SPI_TAB_SIZE (4u * GW_SAMGR_MAX_SAS)
#define SPI_TAB_MAX (SPI_TAB_SIZE / 2)
#define SPI_RANDOM_TRIES 64

static uint32_t
spi_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (uint32_t)key;
}

static uint64_t
spi_key(unsigned int dom, uint32_t spi)
{
	return (uint64_t)dom << 32 | spi;
}

unsigned int
samgr_spi_domain(bool group, enum gw_sa_dir dir)
{
	return (group ? 2u : 0u) + (dir == GW_SA_OUTBOUND ? 1u : 0u);
}

int
samgr_spis_init(struct samgr_spis *s)
{
	s->tab = calloc(SPI_TAB_SIZE, sizeof(*s->tab));
	if (s->tab == NULL)
		return -ENOMEM;
	s->mask = SPI_TAB_SIZE - 1;
	s->lo = 256;
	s->hi = UINT32_MAX;
	return 0;
}

void
samgr_spis_fini(struct samgr_spis *s)
{
	free(s->tab);
	s->tab = NULL;
}

static struct samgr_spi_ent *
spi_find(const struct samgr_spis *s, uint64_t key)
{
	uint32_t i = spi_hash(key) & s->mask;

	for (; s->tab[i].key != 0; i = (i + 1) & s->mask)
		if (s->tab[i].key == key)
			return &s->tab[i];
	return NULL;
}

static struct samgr_spi_ent *
spi_insert(struct samgr_spis *s, uint64_t key)
{
	uint32_t i = spi_hash(key) & s->mask, n;

	for (n = 0; s->tab[i].key != 0; i = (i + 1) & s->mask)
		if (s->tab[i].key == key || ++n > s->mask)
			return s->tab[i].key == key ? &s->tab[i] : NULL;
	s->tab[i].key = key;
	s->nb++;
	s->tab[i].refs = 0;
	s->tab[i].reserved = false;
	return &s->tab[i];
}

static bool
in_range(const struct samgr_spis *s, uint32_t spi)
{
	return spi >= s->lo && spi <= s->hi;
}

/* Linear probing removal: shift back the entries that probed past the hole. */
static void
spi_remove(struct samgr_spis *s, struct samgr_spi_ent *ent)
{
	uint32_t hole = (uint32_t)(ent - s->tab), i = hole, home;

	if (in_range(s, (uint32_t)ent->key))
		s->used[ent->key >> 32]--;
	s->nb--;
	for (;;) {
		s->tab[hole].key = 0;
		for (;;) {
			i = (i + 1) & s->mask;
			if (s->tab[i].key == 0)
				return;
			home = spi_hash(s->tab[i].key) & s->mask;
			/* movable if home is not cyclically in (hole, i] */
			if (hole <= i ? (home <= hole || home > i) : (home <= hole && home > i))
				break;
		}
		s->tab[hole] = s->tab[i];
		hole = i;
	}
}

static struct samgr_spi_ent *
spi_ref(struct samgr_spis *s, unsigned int dom, uint32_t spi)
{
	struct samgr_spi_ent *ent = spi_insert(s, spi_key(dom, spi));

	if (ent == NULL)
		return NULL;
	if (ent->refs++ == 0 && in_range(s, spi))
		s->used[dom]++;
	return ent;
}

static void
spi_unref(struct samgr_spis *s, struct samgr_spi_ent *ent)
{
	if (--ent->refs == 0)
		spi_remove(s, ent);
}

int
samgr_spi_use(struct samgr_spis *s, unsigned int dom, uint32_t spi, struct gw_owner owner)
{
	struct samgr_spi_ent *ent = spi_find(s, spi_key(dom, spi));

	if (ent != NULL && ent->reserved && gw_owner_eq(ent->holder, owner)) {
		ent->reserved = false;	/* the SA takes the reservation over */
		return 0;
	}
	return spi_ref(s, dom, spi) == NULL ? -ENOSPC : 0;
}

void
samgr_spi_unuse(struct samgr_spis *s, unsigned int dom, uint32_t spi)
{
	struct samgr_spi_ent *ent = spi_find(s, spi_key(dom, spi));

	if (ent != NULL && ent->refs > (ent->reserved ? 1u : 0u))
		spi_unref(s, ent);
}

void
samgr_spi_flush(struct samgr_spis *s, struct gw_owner owner)
{
	uint32_t i = 0;

	/* removal shifts entries back into i: look at i again */
	while (i <= s->mask) {
		struct samgr_spi_ent *ent = &s->tab[i];

		if (ent->key != 0 && ent->reserved && gw_owner_eq(ent->holder, owner)) {
			ent->reserved = false;
			if (ent->refs == 1) {
				spi_unref(s, ent);
				continue;
			}
			ent->refs--;
		}
		i++;
	}
}

static bool
spi_free(const struct samgr_spis *s, unsigned int dom, uint32_t spi)
{
	return spi_find(s, spi_key(dom, spi)) == NULL;
}

int
gw_samgr_spi_get(struct gw_samgr *mgr, struct gw_owner owner, bool group, enum gw_sa_dir dir,
		 uint32_t *spi)
{
	struct samgr_spis *s = &mgr->spis;
	unsigned int dom = samgr_spi_domain(group, dir);
	uint64_t span = (uint64_t)s->hi - s->lo + 1, i, start;
	struct samgr_spi_ent *ent;
	uint32_t cand = 0;
	bool found = false;

	if (spi == NULL || (dir != GW_SA_INBOUND && dir != GW_SA_OUTBOUND))
		return -EINVAL;
	if (s->used[dom] >= span || s->nb >= SPI_TAB_MAX)
		return -ENOSPC;	/* range exhausted, or too many reservations */
	for (i = 0; i < SPI_RANDOM_TRIES && !found; i++) {
		cand = (uint32_t)(s->lo + rte_rand_max(span));
		found = spi_free(s, dom, cand);
	}
	/* Nearly full range (small ones, in tests): walk it from a random point. */
	start = rte_rand_max(span);
	for (i = 0; i < span && !found; i++) {
		cand = (uint32_t)(s->lo + (start + i) % span);
		found = spi_free(s, dom, cand);
	}
	if (!found)
		return -ENOSPC;
	ent = spi_ref(s, dom, cand);
	if (ent == NULL)
		return -ENOSPC;
	ent->reserved = true;
	ent->holder = owner;
	*spi = cand;
	return 0;
}

int
gw_samgr_spi_release(struct gw_samgr *mgr, struct gw_owner owner, bool group,
		     enum gw_sa_dir dir, uint32_t spi)
{
	struct samgr_spi_ent *ent = spi_find(&mgr->spis, spi_key(samgr_spi_domain(group, dir),
								 spi));

	if (ent == NULL || !ent->reserved || !gw_owner_eq(ent->holder, owner))
		return -ENOENT;
	ent->reserved = false;
	spi_unref(&mgr->spis, ent);
	return 0;
}

int
gw_samgr_spi_range(struct gw_samgr *mgr, uint32_t lo, uint32_t hi)
{
	struct samgr_spis *s = &mgr->spis;

	if (lo < 256 || hi < lo)
		return -EINVAL;
	s->lo = lo;
	s->hi = hi;
	for (unsigned int d = 0; d < SAMGR_SPI_DOMAINS; d++)
		s->used[d] = 0;
	for (uint32_t i = 0; i <= s->mask; i++)
		if (s->tab[i].key != 0 && in_range(s, (uint32_t)s->tab[i].key))
			s->used[s->tab[i].key >> 32]++;
	return 0;
}
