/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Proposals (RFC 7296 2.7, 3.3): the configuration's IKE and ESP proposals as
 * SA payload proposals, and the responder's choice: the first of the peer's
 * proposals whose every transform type offers one we have. A mismatch is
 * logged with both lists (NO_PROPOSAL_CHOSEN).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "ike_sa.h"

static const uint16_t dh_ids[] = {	/* enum gw_ike_dh */
	IKE_DH_MODP2048, IKE_DH_MODP3072, IKE_DH_ECP256, IKE_DH_ECP384, IKE_DH_CURVE25519
};
static const uint16_t prf_ids[] = {	/* enum gw_ike_hash */
	IKE_PRF_HMAC_SHA1, IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384, IKE_PRF_HMAC_SHA2_512
};
static const uint16_t integ_ids[] = {	/* enum gw_ike_hash and enum gw_ipsec_auth */
	IKE_INTEG_HMAC_SHA1_96, IKE_INTEG_HMAC_SHA2_256_128, IKE_INTEG_HMAC_SHA2_384_192,
	IKE_INTEG_HMAC_SHA2_512_256, IKE_INTEG_NONE
};

static void
add_xf(struct ike_prop_out *p, uint8_t type, uint16_t id, uint16_t key_len)
{
	if (p->nxf < sizeof(p->xf) / sizeof(p->xf[0]))
		p->xf[p->nxf++] = (struct ike_xf){ .type = type, .id = id, .key_len = key_len };
}

static void
add_encr(struct ike_prop_out *p, uint32_t enc)
{
	bool gcm = enc == GW_IKE_ENC_AES128_GCM || enc == GW_IKE_ENC_AES256_GCM;
	bool k256 = enc == GW_IKE_ENC_AES256_CBC || enc == GW_IKE_ENC_AES256_GCM;

	add_xf(p, IKE_XF_ENCR, gcm ? IKE_ENCR_AES_GCM_16 : IKE_ENCR_AES_CBC, k256 ? 256 : 128);
}

unsigned int
ike_props_ike(const struct ike_daemon *d, const struct gw_conf_ike_policy *pol,
	      struct ike_prop_out *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < pol->nb_proposals && n < max; i++) {
		const struct gw_conf_ike_proposal *cp = NULL;
		struct ike_prop_out *p = &out[n];
		bool gcm;

		for (unsigned int j = 0; j < d->conf.nb_proposals; j++)
			if (strcmp(d->conf.proposals[j].name, pol->proposals[i]) == 0)
				cp = &d->conf.proposals[j];
		if (cp == NULL)
			continue;
		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(n + 1);
		p->proto = IKE_PROTO_IKE;
		gcm = cp->encryption == GW_IKE_ENC_AES128_GCM ||
		      cp->encryption == GW_IKE_ENC_AES256_GCM;
		add_encr(p, cp->encryption);
		add_xf(p, IKE_XF_PRF, prf_ids[cp->authentication], 0);
		if (!gcm)
			add_xf(p, IKE_XF_INTEG, integ_ids[cp->authentication], 0);
		add_xf(p, IKE_XF_DH, dh_ids[cp->dh_group], 0);
		n++;
	}
	return n;
}

unsigned int
ike_props_esp(const struct ike_daemon *d, const struct gw_conf_vpn *vpn, uint32_t spi,
	      struct ike_prop_out *out, unsigned int max)
{
	const struct gw_conf_ipsec_policy *pol = NULL;
	unsigned int n = 0;

	for (unsigned int j = 0; j < d->conf.nb_ipsec_policies; j++)
		if (strcmp(d->conf.ipsec_policies[j].name, vpn->ipsec_policy) == 0)
			pol = &d->conf.ipsec_policies[j];
	if (pol == NULL)
		return 0;
	for (unsigned int i = 0; i < pol->nb_proposals && n < max; i++) {
		const struct gw_conf_ipsec_proposal *cp = NULL;
		struct ike_prop_out *p = &out[n];

		for (unsigned int j = 0; j < d->conf.nb_ipsec_proposals; j++)
			if (strcmp(d->conf.ipsec_proposals[j].name, pol->proposals[i]) == 0)
				cp = &d->conf.ipsec_proposals[j];
		if (cp == NULL)
			continue;
		memset(p, 0, sizeof(*p));
		p->num = (uint8_t)(n + 1);
		p->proto = IKE_PROTO_ESP;
		p->spi_size = 4;
		ike_put32(p->spi, spi);
		add_encr(p, cp->encryption);
		if (cp->authentication != GW_IPSEC_AUTH_NONE)
			add_xf(p, IKE_XF_INTEG, integ_ids[cp->authentication], 0);
		add_xf(p, IKE_XF_ESN, 0, 0);
		n++;
	}
	return n;
}

int
ike_prop_xf(const struct ike_prop_out *p, uint8_t type, uint16_t *key_len)
{
	for (unsigned int i = 0; i < p->nxf; i++)
		if (p->xf[i].type == type) {
			if (key_len != NULL)
				*key_len = p->xf[i].key_len;
			return p->xf[i].id;
		}
	return -1;
}

static bool
xf_eq(const struct ike_xf *a, const struct ike_xf *b)
{
	return a->type == b->type && a->id == b->id && a->key_len == b->key_len;
}

/* Does our proposal `m` cover the peer's proposal `pp`? One of each type into *out. */
static bool
match_one(const struct ike_msg *msg, const struct ike_prop *pp, const struct ike_prop_out *m,
	  struct ike_prop_out *out)
{
	bool seen[IKE_XF_TYPE_MAX + 1] = { false };
	bool found[IKE_XF_TYPE_MAX + 1] = { false };

	if (pp->proto != m->proto)
		return false;
	memset(out, 0, sizeof(*out));
	out->num = pp->num;
	out->proto = pp->proto;
	out->spi_size = pp->spi_size;
	memcpy(out->spi, pp->spi, pp->spi_size);
	for (unsigned int i = 0; i < pp->nxf; i++) {
		const struct ike_xf *x = &msg->xf[pp->first_xf + i];

		if (x->type == 0 || x->type > IKE_XF_TYPE_MAX)
			return false;	/* RFC 7296 3.3.6: unknown type: reject the proposal */
		seen[x->type] = true;
		if (found[x->type])
			continue;
		for (unsigned int j = 0; j < m->nxf; j++)
			if (xf_eq(x, &m->xf[j])) {
				found[x->type] = true;
				add_xf(out, x->type, x->id, x->key_len);
				break;
			}
	}
	/* every type the peer offers is matched, and every type we require is offered */
	for (unsigned int t = 1; t <= IKE_XF_TYPE_MAX; t++)
		if (seen[t] != found[t])
			return false;
	for (unsigned int j = 0; j < m->nxf; j++)
		if (!seen[m->xf[j].type])
			return false;
	return true;
}

static void
list_mine(const struct ike_prop_out *mine, unsigned int n, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && pos < len; i++) {
		char one[200];

		ike_prop_str(mine[i].xf, mine[i].nxf, one, sizeof(one));
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "", one);
	}
}

static void
list_peer(const struct ike_msg *msg, const struct ike_pl *sa_pl, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < sa_pl->u.sa.n && pos < len; i++) {
		const struct ike_prop *pp = &msg->prop[sa_pl->u.sa.first + i];
		char one[200];

		ike_prop_str(&msg->xf[pp->first_xf], pp->nxf, one, sizeof(one));
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "", one);
	}
}

int
ike_props_select(const struct ike_msg *msg, const struct ike_pl *sa_pl,
		 const struct ike_prop_out *mine, unsigned int nmine, struct ike_prop_out *chosen,
		 const char *what, const char *peer)
{
	char l1[1024], l2[1024];

	for (unsigned int i = 0; i < sa_pl->u.sa.n; i++) {
		const struct ike_prop *pp = &msg->prop[sa_pl->u.sa.first + i];

		if (pp->proto == IKE_PROTO_IKE && pp->spi_size != 0 && msg->hdr.exch ==
		    IKE_EXCH_SA_INIT)
			continue;	/* RFC 7296 3.3.1: no SPI in the IKE_SA_INIT proposal */
		if (pp->proto == IKE_PROTO_ESP && pp->spi_size != 4)
			continue;
		for (unsigned int j = 0; j < nmine; j++)
			if (match_one(msg, pp, &mine[j], chosen))
				return 0;
	}
	list_peer(msg, sa_pl, l1, sizeof(l1));
	list_mine(mine, nmine, l2, sizeof(l2));
	GW_LOG(ike, WARNING, "NO_PROPOSAL_CHOSEN for %s with %s: peer offered [%s]; "
	       "we accept [%s]", what, peer, l1, l2);
	return -ENOENT;
}

int
ike_suite_from_prop(const struct ike_prop_out *p, struct ike_suite *s)
{
	uint16_t bits = 0;
	int encr = ike_prop_xf(p, IKE_XF_ENCR, &bits), prf = ike_prop_xf(p, IKE_XF_PRF, NULL);
	int integ = ike_prop_xf(p, IKE_XF_INTEG, NULL), dh = ike_prop_xf(p, IKE_XF_DH, NULL);

	if (encr < 0 || prf < 0 || dh < 0)
		return -EINVAL;
	*s = (struct ike_suite){ .encr = (uint16_t)encr, .encr_bits = bits, .prf = (uint16_t)prf,
				 .integ = integ < 0 ? IKE_INTEG_NONE : (uint16_t)integ,
				 .dh = (uint16_t)dh };
	return ike_suite_supported(s) ? 0 : -EINVAL;
}
