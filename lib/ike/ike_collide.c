/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rekey collisions (RFC 7296 2.8.1, 2.8.2) and the answers of 2.25. When both
 * peers rekey the same CHILD_SA (or the IKE SA) at once, each answers the
 * other's request as usual, and two new SAs exist: the one created by the
 * exchange holding the lowest of the four nonces ("lowest" octet by octet, a
 * prefix being lower) is redundant and its creator deletes it; the other
 * side (the winner) deletes the old SA. A CHILD_SA collision is remembered
 * here when the peer's request comes while ours is out (one request of ours
 * at a time: one record per IKE SA) and resolved when our answer comes; the
 * IKE SA's in ike_rekey_i.c. While an exchange cannot be answered sensibly
 * (our IKE SA rekey is out, the child is being deleted) the answer is
 * TEMPORARY_FAILURE (2.25) and the peer retries.
 */
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

int
ike_nonce_cmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
	uint32_t n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

void
ike_nonce_low(const uint8_t *ni, uint32_t ni_len, const uint8_t *nr, uint32_t nr_len,
	      uint8_t *out, uint32_t *out_len)
{
	bool i_low = ike_nonce_cmp(ni, ni_len, nr, nr_len) <= 0;

	*out_len = i_low ? ni_len : nr_len;
	memcpy(out, i_low ? ni : nr, *out_len);
}

void
ike_collide_child_note(struct ike_sa *sa, const struct ike_child *old,
		       const struct ike_child *c, const uint8_t *ni, uint32_t ni_len,
		       const uint8_t *nr, uint32_t nr_len)
{
	if (sa->rekeying_spi_in == 0 || sa->rekeying_spi_in != old->spi_in)
		return;
	sa->coll_spi_in = c->spi_in;
	ike_nonce_low(ni, ni_len, nr, nr_len, sa->coll_low, &sa->coll_low_len);
	IKE_SA_LOG(INFO, sa, "CHILD_SA %08x: the peer rekeys it too (collision)", old->spi_in);
}

bool
ike_collide_child_lost(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *old,
		       const uint8_t *nr, uint32_t nr_len)
{
	uint32_t spi = sa->coll_spi_in, low_len;
	uint8_t low[IKE_MAX_NONCE];
	struct ike_child *other = NULL;
	bool lost;

	sa->coll_spi_in = 0;
	for (unsigned int i = 0; spi != 0 && i < IKE_MAX_CHILDREN; i++)
		if (sa->children[i].used && sa->children[i].spi_in == spi)
			other = &sa->children[i];
	if (other == NULL || other->replaces != old->spi_out)
		return false;	/* no collision, or the peer's child is already settled */
	d->ctr.rekey_collisions++;
	ike_nonce_low(sa->child_ni, sizeof(sa->child_ni), nr, nr_len, low, &low_len);
	lost = ike_nonce_cmp(low, low_len, sa->coll_low, sa->coll_low_len) < 0;
	IKE_SA_LOG(NOTICE, sa, "CHILD_SA %08x rekey collision %s: %s", old->spi_in,
		   lost ? "lost" : "won",
		   lost ? "deleting our redundant CHILD_SA" : "deleting the old CHILD_SA");
	return lost;
}

bool
ike_collide_busy(struct ike_sa *sa, const struct ike_child *old)
{
	if (sa->ike_rekeying)
		return true;
	return old != NULL && sa->deleting_spi_in != 0 && sa->deleting_spi_in == old->spi_in;
}
