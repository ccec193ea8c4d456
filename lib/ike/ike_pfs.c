/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PFS on CHILD_SAs (RFC 7296 1.3.1, 2.17): `security ipsec ipsec-policy NAME
 * perfect-forward-secrecy keys groupN` puts that group (transform type 4)
 * into every ESP proposal of a CREATE_CHILD_SA, both ways, and a KE payload
 * into the exchange; KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr). IKE_AUTH
 * children carry no group (their keys come from the IKE SA's exchange), as
 * strongSwan does. Also the CHILD_SAs' kilobyte lifetimes
 * (`security ipsec proposal lifetime-kilobytes`), jittered like the seconds.
 */
#include <errno.h>
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

static const struct gw_conf_ipsec_policy *
policy_of(const struct ike_daemon *d, const struct gw_conf_vpn *vpn)
{
	for (unsigned int j = 0; j < d->conf.nb_ipsec_policies; j++)
		if (strcmp(d->conf.ipsec_policies[j].name, vpn->ipsec_policy) == 0)
			return &d->conf.ipsec_policies[j];
	return NULL;
}

uint16_t
ike_pfs_group(const struct ike_daemon *d, const struct gw_conf_vpn *vpn)
{
	static const uint16_t ids[] = {	/* enum gw_ike_dh */
		IKE_DH_MODP2048, IKE_DH_MODP3072, IKE_DH_ECP256, IKE_DH_ECP384,
		IKE_DH_CURVE25519
	};
	const struct gw_conf_ipsec_policy *p = vpn != NULL ? policy_of(d, vpn) : NULL;

	if (p == NULL || p->pfs_group == 0 || p->pfs_group > sizeof(ids) / sizeof(ids[0]))
		return 0;
	return ids[p->pfs_group - 1];
}

unsigned int
ike_props_child(const struct ike_daemon *d, const struct gw_conf_vpn *vpn, uint32_t spi,
		uint8_t exch, struct ike_prop_out *out, unsigned int max)
{
	unsigned int n = ike_props_esp(d, vpn, spi, out, max);
	uint16_t g = exch == IKE_EXCH_CREATE_CHILD_SA ? ike_pfs_group(d, vpn) : 0;

	for (unsigned int i = 0; g != 0 && i < n; i++)
		if (out[i].nxf < sizeof(out[i].xf) / sizeof(out[i].xf[0]))
			out[i].xf[out[i].nxf++] = (struct ike_xf){ .type = IKE_XF_DH, .id = g };
	return n;
}

static int
put_ke(struct ike_bld *b, const struct ike_dh *dh)
{
	uint8_t pub[IKE_MAX_DH_PUB];
	size_t plen;
	int rc = ike_dh_pub(dh, pub, sizeof(pub), &plen);

	if (rc == 0)
		rc = ike_bld_ke(b, ike_dh_group(dh), pub, (uint32_t)plen) < 0 ? -ENOSPC : 0;
	return rc;
}

/* Our next PFS pair is back from the helper: kept for our next CREATE_CHILD_SA. */
static void
spare_done(struct ike_daemon *d, struct ike_sa *sa, struct ike_dh_result *r)
{
	(void)d;
	sa->pfs_spare_out = false;
	if (r->rc != 0)
		return;
	ike_dh_free(sa->pfs_spare);
	sa->pfs_spare = r->dh;		/* taken: the job frees it no more */
	r->dh = NULL;
}

void
ike_pfs_spare(struct ike_daemon *d, struct ike_sa *sa)
{
	uint16_t g = ike_pfs_group(d, sa->vpn);

	/* without a helper the pair is made when the request is (unit tests) */
	if (g == 0 || d->helper == NULL || sa->pfs_spare_out ||
	    (sa->pfs_spare != NULL && ike_dh_group(sa->pfs_spare) == g))
		return;
	sa->pfs_spare_out = true;
	if (ike_async_pair_ahead(d, sa, g, spare_done) != 0)
		sa->pfs_spare_out = false;
}

int
ike_pfs_add_ke(struct ike_sa *sa, struct ike_bld *b)
{
	ike_pfs_done(sa);
	if (sa->child_group == 0)
		return 0;
	if (sa->pfs_spare != NULL && ike_dh_group(sa->pfs_spare) == sa->child_group) {
		sa->child_dh = sa->pfs_spare;	/* made ahead on the helper thread */
		sa->pfs_spare = NULL;
	} else {
		/* none ready (another group asked for, or no helper): here */
		if (sa->d->helper != NULL)
			sa->d->ctr.async_inline++;
		sa->child_dh = ike_dh_new(sa->child_group);
		if (sa->child_dh == NULL)
			return -errno;
	}
	ike_pfs_spare(sa->d, sa);	/* the next one */
	return put_ke(b, sa->child_dh);
}

int
ike_pfs_put_ke(struct ike_bld *b, const struct ike_dh *dh)
{
	return dh == NULL ? 0 : put_ke(b, dh);
}

/* g^ir with our pair: computed on the helper thread before (ike_async_ke.c) or here. */
static int
derive(struct ike_sa *sa, const struct ike_dh *dh, const struct ike_pl *ke)
{
	size_t glen = 0;
	int rc = ike_ke_answer(sa, dh, ke, sa->child_gir, sizeof(sa->child_gir), &glen);

	sa->child_gir_len = rc == 0 ? (uint32_t)glen : 0;
	return rc;
}

int
ike_pfs_answer(struct ike_daemon *d, struct ike_sa *sa)
{
	const struct ike_pl *ke = ike_msg_find(&d->msg, IKE_PL_KE);
	int rc;

	if (sa->child_group == 0)
		return ke == NULL ? 0 : -EINVAL;
	if (ke == NULL || ke->u.ke.group != sa->child_group || sa->child_dh == NULL) {
		IKE_SA_LOG(WARNING, sa, "CREATE_CHILD_SA answer without a KE of group %u",
			   sa->child_group);
		return -EINVAL;
	}
	rc = derive(sa, sa->child_dh, ke);
	/* the private value is of no further use (RFC 7296 2.12) */
	ike_dh_free(sa->child_dh);
	sa->child_dh = NULL;
	return rc;
}

uint16_t
ike_pfs_respond(struct ike_daemon *d, struct ike_sa *sa, const struct ike_prop_out *ch,
		uint16_t *want, struct ike_dh **mine)
{
	const struct ike_pl *ke = ike_msg_find(&d->msg, IKE_PL_KE);
	int g = ike_prop_xf(ch, IKE_XF_DH, NULL);
	size_t glen = 0;
	int rc;

	*mine = NULL;
	if (g <= 0)	/* no PFS (or NONE chosen): a KE would be out of place */
		return ke == NULL ? 0 : IKE_N_NO_PROPOSAL_CHOSEN;
	if (ke == NULL || ke->u.ke.group != (uint16_t)g) {
		/* RFC 7296 1.3: the group we chose, for the initiator's retry */
		d->ctr.invalid_ke++;
		*want = (uint16_t)g;
		IKE_SA_LOG(INFO, sa, "CREATE_CHILD_SA: KE of group %u, we want %d: "
			   "INVALID_KE_PAYLOAD", ke != NULL ? ke->u.ke.group : 0, g);
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	/*
	 * our pair stays for the answer's KE (ike_pfs_put_ke); g^ir until the
	 * install; both made on the helper thread before (ike_async_ke.c) or here
	 */
	rc = ike_ke_respond(sa, ke, mine, sa->child_gir, sizeof(sa->child_gir), &glen);
	sa->child_gir_len = rc == 0 ? (uint32_t)glen : 0;
	if (rc == -EIO)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	if (rc != 0) {
		IKE_SA_LOG(WARNING, sa, "CREATE_CHILD_SA: the peer's KE is invalid");
		return IKE_N_INVALID_SYNTAX;
	}
	return 0;
}

void
ike_pfs_wipe(struct ike_sa *sa)
{
	explicit_bzero(sa->child_gir, sizeof(sa->child_gir));
	sa->child_gir_len = 0;
}

void
ike_pfs_done(struct ike_sa *sa)
{
	ike_dh_free(sa->child_dh);
	sa->child_dh = NULL;
	ike_pfs_wipe(sa);
}

static const struct gw_conf_ipsec_proposal *
first_proposal(const struct ike_daemon *d, const struct gw_conf_vpn *vpn)
{
	const struct gw_conf_ipsec_policy *p = policy_of(d, vpn);

	for (unsigned int k = 0; p != NULL && p->nb_proposals != 0 &&
	     k < d->conf.nb_ipsec_proposals; k++)
		if (strcmp(d->conf.ipsec_proposals[k].name, p->proposals[0]) == 0)
			return &d->conf.ipsec_proposals[k];
	return NULL;
}

void
ike_child_kbytes(const struct ike_sa *sa, const struct ike_child *c, bool outbound,
		 struct gw_sa_lifetime *lt)
{
	const struct gw_conf_ipsec_proposal *cp = sa->vpn != NULL ?
		first_proposal(sa->d, sa->vpn) : NULL;
	uint64_t hard = cp != NULL ? cp->lifetime_kbytes : 0, permille;

	(void)outbound;
	if (hard == 0)
		return;
	lt->hard_kbytes = hard;
	/*
	 * Soft at 80-90 %, the same jitter as the seconds (c->jitter_s is 0..10 %
	 * of the lifetime); on both directions, since a flow may go one way only:
	 * whichever comes first starts the rekey, the other finds it done.
	 */
	permille = c->lifetime_s != 0 ? (uint64_t)c->jitter_s * 1000u / c->lifetime_s : 0;
	/* hard <= UINT64_MAX / 1024 (the schema): neither product overflows */
	lt->soft_kbytes = hard * 80u / 100u + hard * permille / 1000u;
	if (lt->soft_kbytes == 0 || lt->soft_kbytes >= hard)
		lt->soft_kbytes = hard > 1 ? hard - 1 : hard;
}

uint16_t
ike_pfs_retry_group(struct ike_daemon *d, const struct ike_sa *sa, const struct ike_pl *err)
{
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
	unsigned int n = ike_props_child(d, sa->vpn, 0, IKE_EXCH_CREATE_CHILD_SA, mine,
					 GW_CONF_MAX_PROPREFS);
	uint16_t want = err->u.notify.data.len == 2 ? ike_get16(err->u.notify.data.p) : 0;
	bool ours = false;

	d->ctr.invalid_ke++;
	for (unsigned int i = 0; i < n; i++)
		ours |= want != 0 && ike_prop_xf(&mine[i], IKE_XF_DH, NULL) == want;
	if (!ours || want == sa->child_group)
		return 0;
	IKE_SA_LOG(INFO, sa, "INVALID_KE_PAYLOAD: the peer wants group %u", want);
	return want;
}
