/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `security group-vpn server` (lib/conf) as key server parameters: the
 * configuration is one producer of struct gks_params, the tests another.
 */
#include <stdio.h>
#include <string.h>

#include "gw_conf.h"
#include "gks_conf.h"

static void
from_prefix(const struct gw_prefix *in, struct gks_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	out->plen = in->len;
	memcpy(out->addr, in->family == AF_INET ? (const void *)&in->v4 : (const void *)&in->v6,
	       in->family == AF_INET ? 4 : 16);
}

static void
from_addr(const struct gw_ipaddr *in, struct gks_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	out->plen = in->family == AF_INET ? 32 : 128;
	memcpy(out->addr, in->family == AF_INET ? (const void *)&in->v4 : (const void *)&in->v6,
	       in->family == AF_INET ? 4 : 16);
}

/* gw_gvpn_ike_enc_names: 3des-cbc, aes-128-cbc, aes-192-cbc, aes-256-cbc */
static void
ike_prop(const struct gw_conf_gvpn_proposal *c, struct gks_ike_prop *p)
{
	static const uint16_t hashes[] = { 1, 2, 4 };		/* md5, sha1, sha-256 */
	static const uint16_t groups[] = { 1, 2, 5, 14, 19, 20 };

	p->enc = c->enc == 0 ? GDOI_IKE_ENC_3DES_CBC : GDOI_IKE_ENC_AES_CBC;
	p->key_bits = c->enc == 0 ? 0 : (uint16_t)(64 + 64 * c->enc);
	p->hash = hashes[c->hash];
	p->group = groups[c->dh_group];
	p->lifetime_s = c->lifetime_s;
}

/* gw_gvpn_tek_enc_names: 3des-cbc, aes-128/192/256-cbc, aes-128-gcm, aes-256-gcm */
static void
tek(const struct gw_conf_gvpn_tek *c, struct gks_tek_params *t)
{
	static const uint16_t bits[] = { 192, 128, 192, 256, 128, 256 };
	static const uint16_t auths[] = { 0, GDOI_AUTH_HMAC_SHA1, GDOI_AUTH_HMAC_SHA2_256 };

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", c->name);
	from_prefix(&c->src, &t->src);
	from_prefix(&c->dst, &t->dst);
	t->ip_proto = (uint8_t)c->proto;
	t->sport = (uint16_t)c->sport;
	t->dport = (uint16_t)c->dport;
	t->transform = c->enc == 0 ? GDOI_ESP_3DES :
		       c->enc <= 3 ? GDOI_ESP_AES_CBC : GDOI_ESP_AES_GCM_16;
	t->key_bits = bits[c->enc];
	t->auth = auths[c->auth];
	t->lifetime_s = c->lifetime_s;
	t->encap = c->mode == 0 ? GDOI_ENCAP_TUNNEL : GDOI_ENCAP_TRANSPORT;
}

static void
group(const struct gw_conf_gvpn_group *c, struct gks_group_params *g)
{
	gks_group_params_default(g);
	snprintf(g->name, sizeof(g->name), "%s", c->name);
	g->id = c->group_id;
	g->nauth = c->nb_members;
	for (unsigned int i = 0; i < c->nb_members; i++) {
		struct gks_member_auth *a = &g->auth[i];

		from_prefix(&c->members[i].address, &a->peer);
		snprintf(a->identity, sizeof(a->identity), "%s", c->members[i].identity);
		a->psk_len = strlen(c->members[i].psk);
		memcpy(a->psk, c->members[i].psk, a->psk_len);
	}
	g->nteks = c->nb_teks;
	for (unsigned int i = 0; i < c->nb_teks; i++)
		tek(&c->teks[i], &g->teks[i]);
	g->has_kek = c->kek_key_file[0] != '\0';
	g->kek.alg = c->kek_enc == 0 ? GDOI_KEK_ALG_3DES : GDOI_KEK_ALG_AES;
	g->kek.key_bits = c->kek_enc == 0 ? 192 : (uint16_t)(64 + 64 * c->kek_enc);
	g->kek.lifetime_s = c->kek_lifetime_s;
	g->kek.sig_hash = c->kek_sig_hash == 0 ? GDOI_SIG_HASH_SHA1 : GDOI_SIG_HASH_SHA256;
	g->kek.sig_fmt = c->kek_sig_format == 0 ? GDOI_SIG_PKCS1_DIGESTINFO : GDOI_SIG_PKCS1_RAW;
	snprintf(g->kek.key_file, sizeof(g->kek.key_file), "%s", c->kek_key_file);
	g->kek.ack = c->kek_ack;
	g->comm = c->comm == 0 ? GKS_COMM_UNICAST :
		  c->comm == 1 ? GKS_COMM_MULTICAST : GKS_COMM_BOTH;
	if (c->mcast.family != 0)
		from_addr(&c->mcast, &g->mcast);
	g->mcast_ttl = (uint8_t)c->mcast_ttl;
	g->retransmits = c->retransmits;
	g->retransmit_ms = c->retransmit_s * 1000;
	g->rekey_percent = c->rekey_percent;
	g->atd_s = c->atd_s;
	g->dtd_s = c->dtd_s;
	g->d3p_window_ms = c->d3p_window_ms;
	g->gap_ids.d3p_type = (uint16_t)c->d3p_type_attr;
	g->gap_ids.d3p_window = (uint16_t)c->d3p_window_attr;
	g->gdoid_compat = c->gdoid_compat;
}

void
gks_params_from_conf(const struct gw_config *conf, struct gks_params *p)
{
	const struct gw_conf_gvpn_server *c = &conf->gvpn_server;

	gks_params_default(p);
	p->port = (uint16_t)c->port;
	p->nlisten = c->nb_listen;
	for (unsigned int i = 0; i < c->nb_listen; i++)
		from_addr(&c->listen[i], &p->listen[i]);
	p->nprops = c->nb_proposals;
	for (unsigned int i = 0; i < c->nb_proposals; i++)
		ike_prop(&c->proposals[i], &p->props[i]);
	if (p->nprops == 0) {
		/* no proposal configured: AES-128 and 3DES with SHA-1, groups 14 and 2 */
		p->nprops = 2;
		p->props[0] = (struct gks_ike_prop){ GDOI_IKE_ENC_AES_CBC, 128, 2, 14, 86400 };
		p->props[1] = (struct gks_ike_prop){ GDOI_IKE_ENC_3DES_CBC, 0, 2, 2, 86400 };
	}
	p->ngroups = c->nb_groups;
	for (unsigned int i = 0; i < c->nb_groups; i++)
		group(&c->groups[i], &p->groups[i]);
}
