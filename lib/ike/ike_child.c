/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CHILD_SAs: traffic selectors (RFC 7296 2.9: ours from the vpn, narrowing
 * the peer's as responder), KEYMAT (2.17: directions of the exchange that
 * made the child) and the install: an inbound and an
 * outbound ESP tunnel SA and the protect term on the vpn's bind-interface,
 * all owned by the IKE SA (lib/sa/gw_install.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

struct ike_child *
ike_child_alloc(struct ike_sa *sa)
{
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
		if (!sa->children[i].used) {
			memset(&sa->children[i], 0, sizeof(sa->children[i]));
			sa->children[i].used = true;
			return &sa->children[i];
		}
	return NULL;
}

static enum gw_auth
esp_auth(uint16_t integ, unsigned int *key_len)
{
	unsigned int icv;

	if (ike_integ_sizes(integ, key_len, &icv) != 0)
		*key_len = 0;
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return GW_AUTH_HMAC_SHA1_96;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return GW_AUTH_HMAC_SHA256_128;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return GW_AUTH_HMAC_SHA384_192;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return GW_AUTH_HMAC_SHA512_256;
	default:
		return GW_AUTH_NONE;
	}
}

static uint32_t
child_lifetime(const struct ike_daemon *d, const struct ike_sa *sa)
{
	for (unsigned int j = 0; j < d->conf.nb_ipsec_policies; j++) {
		const struct gw_conf_ipsec_policy *p = &d->conf.ipsec_policies[j];

		if (strcmp(p->name, sa->vpn->ipsec_policy) != 0 || p->nb_proposals == 0)
			continue;
		for (unsigned int k = 0; k < d->conf.nb_ipsec_proposals; k++)
			if (strcmp(d->conf.ipsec_proposals[k].name, p->proposals[0]) == 0)
				return d->conf.ipsec_proposals[k].lifetime_seconds;
	}
	return 3600;
}

static void
fill_spec(const struct ike_sa *sa, const struct ike_child *c, bool outbound,
	  const uint8_t *ekey, unsigned int ek, const uint8_t *akey, unsigned int ak,
	  enum gw_auth auth, struct gw_sa_spec *spec)
{
	struct gw_sa_params *p = &spec->params;

	memset(spec, 0, sizeof(*spec));
	ike_child_bind(sa, c, spec->bind, sizeof(spec->bind));
	snprintf(p->label, sizeof(p->label), "%.50s/%s", spec->bind, outbound ? "out" : "in");
	p->spi = outbound ? c->spi_out : c->spi_in;
	p->direction = outbound ? GW_SA_OUTBOUND : GW_SA_INBOUND;
	p->crypto.cipher = ike_encr_is_aead(c->encr) ? GW_CIPHER_AES_GCM16 : GW_CIPHER_AES_CBC;
	p->crypto.auth = auth;
	memcpy(p->crypto.cipher_key, ekey, ek);
	p->crypto.cipher_key_len = ek;
	memcpy(p->crypto.auth_key, akey, ak);
	p->crypto.auth_key_len = ak;
	/* the IKE SA's family: 4in4 / 6in4, or 4in6 / 6in6 over IKE over IPv6 */
	p->tunnel_local = ike_addr_ip(&sa->local);
	p->tunnel_remote = ike_addr_ip(&sa->remote);
	p->anti_replay = outbound ? 0 : 1;
	p->replay_window = 64;
	/* RFC 3948 ESP in UDP when a NAT was detected, or the vpn's multipath port */
	ike_natt_encap(sa, p);
	p->df = GW_DF_CLEAR;
	p->lifetime.hard_seconds = c->lifetime_s;
	/* the outbound SA's soft lifetime starts our rekey: 80-90 % of the hard one */
	if (outbound)
		p->lifetime.soft_seconds = c->lifetime_s * 80u / 100u + c->jitter_s;
	ike_child_kbytes(sa, c, outbound, &p->lifetime);
	p->sel_src = outbound ? c->ts_local : c->ts_remote;
	p->sel_dst = outbound ? c->ts_remote : c->ts_local;
}

/*
 * ESP keys at debug level only (`system traceoptions flag ike level all`), so
 * that tshark can decrypt a capture (test/netns/test_netns_ike.py); never at
 * the default level.
 */
static void
log_keys(const struct gw_sa_spec *spec)
{
	const struct gw_sa_params *p = &spec->params;
	char ek[2 * GW_CRYPTO_MAX_KEY + 1], ak[2 * GW_CRYPTO_MAX_KEY + 1];

	if (!rte_log_can_log(gw_logtype_ike, RTE_LOG_DEBUG))
		return;
	for (unsigned int i = 0; i < p->crypto.cipher_key_len; i++)
		snprintf(ek + 2 * i, 3, "%02x", p->crypto.cipher_key[i]);
	ek[2 * p->crypto.cipher_key_len] = '\0';
	for (unsigned int i = 0; i < p->crypto.auth_key_len; i++)
		snprintf(ak + 2 * i, 3, "%02x", p->crypto.auth_key[i]);
	ak[2 * p->crypto.auth_key_len] = '\0';
	GW_LOG(ike, DEBUG, "ESP key: spi 0x%08x %s cipher %s key 0x%s auth %s key 0x%s",
	       p->spi, p->direction == GW_SA_OUTBOUND ? "out" : "in",
	       gw_cipher_name(p->crypto.cipher, p->crypto.cipher_key_len), ek,
	       gw_auth_name(p->crypto.auth), ak[0] ? ak : "-");
	explicit_bzero(ek, sizeof(ek));
	explicit_bzero(ak, sizeof(ak));
}

/* Every protect term of the IKE SA's children, on the vpn's interface. */
static int
set_terms(struct ike_daemon *d, struct ike_sa *sa)
{
	struct gw_spd_term terms[IKE_MAX_CHILDREN];
	unsigned int n = 0;

	memset(terms, 0, sizeof(terms));
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++) {
		const struct ike_child *c = &sa->children[i];
		struct gw_spd_term *t = &terms[n];

		bool dup = false;

		if (!c->used || c->sa_out == GW_SA_ID_NONE)
			continue;
		/* a rekey's old and new child share selectors: one term (the name binds) */
		for (unsigned int k = 0; k < n && !dup; k++)
			dup = memcmp(&terms[k].src, &c->ts_local, sizeof(c->ts_local)) == 0 &&
			      memcmp(&terms[k].dst, &c->ts_remote, sizeof(c->ts_remote)) == 0;
		if (dup)
			continue;
		snprintf(t->name, sizeof(t->name), "%.50s-%u", sa->vpn->name, i);
		t->src = c->ts_local;
		t->dst = c->ts_remote;
		t->action = GW_POLICY_PROTECT;
		ike_child_bind(sa, c, t->sa, sizeof(t->sa));
		n++;
	}
	return d->in.ops->set_policy(d->in.ctx, ike_owner(sa), sa->vpn->bind_interface,
				     GW_SA_OUTBOUND, terms, n);
}

/* SPI out and transforms of a chosen ESP proposal into the child. */
static void
take_transforms(struct ike_child *c, const struct ike_prop_out *chosen)
{
	uint16_t bits = 0;
	int integ;

	c->spi_out = ike_get32(chosen->spi);
	c->encr = (uint16_t)ike_prop_xf(chosen, IKE_XF_ENCR, &bits);
	c->encr_bits = bits;
	integ = ike_prop_xf(chosen, IKE_XF_INTEG, NULL);
	c->integ = integ < 0 ? IKE_INTEG_NONE : (uint16_t)integ;
}

/*
 * Initiator: the responder's answer for child c (spi_in set): exactly one of
 * our proposals, selectors within `local` / `remote`. 0 or -EINVAL (logged).
 */
int
ike_child_from_answer(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c,
		      const struct ike_prop_out *mine, unsigned int n,
		      const struct gw_prefix *local, const struct gw_prefix *remote,
		      const char *what)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI);
	const struct ike_pl *tsr = ike_msg_find(m, IKE_PL_TSR);
	struct ike_prop_out chosen;

	if (sa_pl == NULL || tsi == NULL || sa_pl->u.sa.n != 1 ||
	    ike_props_select(m, sa_pl, mine, n, &chosen, what,
			     ike_addr_str(&sa->remote)) != 0 ||
	    ike_ts_narrow(m, tsi, local, &c->ts_local) != 0 ||
	    ike_ts_narrow(m, tsr, remote, &c->ts_remote) != 0) {
		IKE_SA_LOG(WARNING, sa, "%s outside what we proposed: not installed", what);
		return -EINVAL;
	}
	take_transforms(c, &chosen);
	return 0;
}

/*
 * Responder: the CHILD_SA a request (IKE_AUTH or CREATE_CHILD_SA) asks for,
 * chosen, narrowed, given an SPI and installed; 0 or the notify refusing it.
 * `chosen` comes back with our SPI, ready for the answer.
 */
uint16_t
ike_child_respond(struct ike_daemon *d, struct ike_sa *sa, const uint8_t *ni, uint32_t ni_len,
		  const uint8_t *nr, uint32_t nr_len, uint32_t replaces,
		  struct ike_prop_out *chosen, struct ike_child **out)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *sa_pl = ike_msg_find(m, IKE_PL_SA);
	const struct ike_pl *tsi = ike_msg_find(m, IKE_PL_TSI), *tsr = ike_msg_find(m, IKE_PL_TSR);
	struct ike_prop_out mine[GW_CONF_MAX_PROPREFS];
	struct ike_child *c;
	unsigned int n, k;
	uint32_t spi;

	if (sa_pl == NULL || tsi == NULL || sa->vpn == NULL)
		return IKE_N_NO_PROPOSAL_CHOSEN;
	/* with the PFS group in CREATE_CHILD_SA (ike_pfs.c) */
	n = ike_props_child(d, sa->vpn, 0, m->hdr.exch, mine, GW_CONF_MAX_PROPREFS);
	if (ike_props_select(m, sa_pl, mine, n, chosen, "CHILD_SA",
			     ike_addr_str(&sa->remote)) != 0) {
		d->ctr.no_proposal++;
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	c = ike_child_alloc(sa);
	if (c == NULL)
		return IKE_N_NO_ADDITIONAL_SAS;
	/* TSi is the initiator's side: our remote; TSr ours; the first of our selectors */
	for (k = 0; k < sa->vpn->nb_ts; k++)
		if (ike_ts_narrow(m, tsi, &sa->vpn->ts[k].remote, &c->ts_remote) == 0 &&
		    ike_ts_narrow(m, tsr, &sa->vpn->ts[k].local, &c->ts_local) == 0)
			break;
	if (k == sa->vpn->nb_ts) {
		d->ctr.ts_unacceptable++;
		IKE_SA_LOG(WARNING, sa, "TS_UNACCEPTABLE: the initiator's selectors do not "
			   "meet vpn %s's", sa->vpn->name);
		ike_child_remove(d, sa, c);
		return IKE_N_TS_UNACCEPTABLE;
	}
	if (d->in.ops->get_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, &spi) != 0) {
		ike_child_remove(d, sa, c);
		return IKE_N_TEMPORARY_FAILURE;
	}
	c->spi_in = spi;
	take_transforms(c, chosen);
	ike_put32(chosen->spi, spi);	/* the answer carries our SPI */
	c->replaces = replaces;
	if (ike_child_install(d, sa, c, false, ni, ni_len, nr, nr_len) != 0)
		return IKE_N_TEMPORARY_FAILURE;
	*out = c;
	return 0;
}

int
ike_child_install(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c, bool we_initiated,
		  const uint8_t *ni, uint32_t ni_len, const uint8_t *nr, uint32_t nr_len)
{
	unsigned int ek, iv, blk, aicv, ak;
	enum gw_auth auth = esp_auth(c->integ, &ak);
	uint8_t km[4 * GW_CRYPTO_MAX_KEY];
	const uint8_t *i_e, *i_a, *r_e, *r_a;
	struct gw_sa_spec spec;
	char l[64], r[64];
	int rc;

	rc = ike_encr_sizes(c->encr, c->encr_bits, &ek, &iv, &blk, &aicv);
	if (rc != 0)
		return rc;
	/* which traffic-selector it carries: its binding (a rekey keeps it) */
	rc = ike_ts_index(sa->vpn, &c->ts_local, &c->ts_remote);
	c->ts_index = rc < 0 ? 0 : (uint8_t)rc;
	c->lifetime_s = child_lifetime(d, sa);
	if (ike_random(&c->jitter_s, sizeof(c->jitter_s)) == 0)
		c->jitter_s %= c->lifetime_s / 10u + 1u;
	else
		c->jitter_s = 0;
	/*
	 * RFC 7296 2.17: i->r encryption, i->r integrity, r->i encryption, r->i
	 * integrity, from prf+(SK_d, [g^ir (new, PFS: ike_pfs.c)] | Ni | Nr)
	 */
	rc = ike_child_keymat(sa->suite.prf, sa->keys.sk_d, sa->keys.d_len,
			      sa->child_gir_len != 0 ? sa->child_gir : NULL, sa->child_gir_len,
			      ni, ni_len, nr, nr_len, km, 2u * (ek + ak));
	if (rc != 0)
		return rc;
	/* "initiator": of the exchange that made the child, not of the IKE SA */
	i_e = km, i_a = km + ek, r_e = km + ek + ak, r_a = km + 2 * ek + ak;
	fill_spec(sa, c, false, we_initiated ? r_e : i_e, ek, we_initiated ? r_a : i_a, ak, auth,
		  &spec);
	log_keys(&spec);
	rc = d->in.ops->add_sa(d->in.ctx, ike_owner(sa), &spec, &c->sa_in);
	if (rc == 0) {
		fill_spec(sa, c, true, we_initiated ? i_e : r_e, ek, we_initiated ? i_a : r_a, ak,
			  auth, &spec);
		log_keys(&spec);
		if (c->replaces != 0) {
			c->pending_out = malloc(sizeof(spec));
			if (c->pending_out == NULL)
				rc = -ENOMEM;
			else
				memcpy(c->pending_out, &spec, sizeof(spec));
		} else {
			rc = d->in.ops->add_sa(d->in.ctx, ike_owner(sa), &spec, &c->sa_out);
		}
	}
	explicit_bzero(&spec, sizeof(spec));
	explicit_bzero(km, sizeof(km));
	if (rc == 0)
		rc = set_terms(d, sa);
	if (rc != 0) {
		d->ctr.install_errors++;
		IKE_SA_LOG(ERR, sa, "CHILD_SA install failed: %s", strerror(-rc));
		ike_child_remove(d, sa, c);
		return rc;
	}
	c->installed_ms = ctl_now_ms();
	d->ctr.child_up++;
	IKE_SA_LOG(NOTICE, sa, "CHILD_SA %s up: SPIs in %08x out %08x, %s === %s%s",
		   sa->vpn->name, c->spi_in, c->spi_out,
		   ike_prefix_str(&c->ts_local, l, sizeof(l)),
		   ike_prefix_str(&c->ts_remote, r, sizeof(r)),
		   sa->natt ? ", ESP in UDP 4500" : "");
	return 0;
}

void
ike_child_activate(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c)
{
	int rc;

	if (c->pending_out == NULL)
		return;
	rc = d->in.ops->add_sa(d->in.ctx, ike_owner(sa), c->pending_out, &c->sa_out);
	explicit_bzero(c->pending_out, sizeof(*c->pending_out));
	free(c->pending_out);
	c->pending_out = NULL;
	c->replaces = 0;
	if (rc == 0)
		rc = set_terms(d, sa);
	if (rc != 0) {
		d->ctr.install_errors++;
		IKE_SA_LOG(ERR, sa, "rekeyed CHILD_SA %08x: outbound SA not installed: %s",
			   c->spi_in, strerror(-rc));
	}
}

void
ike_child_remove(struct ike_daemon *d, struct ike_sa *sa, struct ike_child *c)
{
	if (c->pending_out != NULL) {
		explicit_bzero(c->pending_out, sizeof(*c->pending_out));
		free(c->pending_out);
		c->pending_out = NULL;
	}
	if (c->sa_out != GW_SA_ID_NONE)
		d->in.ops->del_sa(d->in.ctx, c->sa_out);
	if (c->sa_in != GW_SA_ID_NONE)
		d->in.ops->del_sa(d->in.ctx, c->sa_in);
	else if (c->spi_in != 0)
		d->in.ops->release_spi(d->in.ctx, ike_owner(sa), false, GW_SA_INBOUND, c->spi_in);
	c->sa_out = c->sa_in = GW_SA_ID_NONE;
	c->used = false;
	if (sa->vpn != NULL)
		set_terms(d, sa);
	explicit_bzero(c, sizeof(*c));
}
