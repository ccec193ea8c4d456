/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Group state of the key server: parameters and their checks, the KEK signing
 * key, fresh TEK and KEK keys and SPIs (RAND_bytes), remaining lifetimes,
 * look-ups by group ID and by member address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "gks_priv.h"
#include "gw_log.h"

void
gks_group_params_default(struct gks_group_params *g)
{
	memset(g, 0, sizeof(*g));
	g->gap_ids = gdoi_gap_ids_default;
	g->rekey_percent = 10;
	g->retransmits = 2;
	g->retransmit_ms = 10000;
	g->mcast_ttl = 16;
	g->kek.alg = GDOI_KEK_ALG_AES;
	g->kek.key_bits = 128;
	g->kek.lifetime_s = 86400;
	g->kek.sig_hash = GDOI_SIG_HASH_SHA256;
}

void
gks_params_default(struct gks_params *p)
{
	memset(p, 0, sizeof(*p));
	p->port = GDOI_PORT;
}

static int
check_fail(char *why, size_t len, const char *fmt, const char *name, const char *what)
{
	snprintf(why, len, fmt, name, what);
	return -EINVAL;
}

static int
tek_check(const struct gks_group_params *g, const struct gks_tek_params *t, char *why,
	  size_t len)
{
	switch (t->transform) {
	case GDOI_ESP_3DES:
		if (t->auth == 0)
			return check_fail(why, len, "group %s ipsec-sa %s: 3des needs an "
					  "authentication algorithm", g->name, t->name);
		break;
	case GDOI_ESP_AES_CBC:
		if (t->auth == 0)
			return check_fail(why, len, "group %s ipsec-sa %s: aes-cbc needs an "
					  "authentication algorithm", g->name, t->name);
		/* fall through */
	case GDOI_ESP_AES_GCM_16:
		if (t->key_bits != 128 && t->key_bits != 192 && t->key_bits != 256)
			return check_fail(why, len, "group %s ipsec-sa %s: AES key length must "
					  "be 128, 192 or 256", g->name, t->name);
		if (t->transform == GDOI_ESP_AES_GCM_16 && t->auth != 0)
			return check_fail(why, len, "group %s ipsec-sa %s: AES-GCM takes no "
					  "authentication algorithm", g->name, t->name);
		break;
	default:
		return check_fail(why, len, "group %s ipsec-sa %s: unsupported encryption",
				  g->name, t->name);
	}
	if (t->src.family != t->dst.family)
		return check_fail(why, len, "group %s ipsec-sa %s: source and destination "
				  "of different families", g->name, t->name);
	if (t->lifetime_s < 60)
		return check_fail(why, len, "group %s ipsec-sa %s: lifetime below 60 s",
				  g->name, t->name);
	return 0;
}

int
gks_params_check(const struct gks_params *p, char *why, size_t len)
{
	int rc;

	if (p->ngroups > GKS_MAX_GROUPS || p->nlisten > GKS_MAX_LISTEN ||
	    p->nprops > GKS_MAX_IKE_PROPS)
		return check_fail(why, len, "%s%s", "", "too many groups, listen addresses "
				  "or proposals");
	for (unsigned int i = 0; i < p->nprops; i++)
		if (!gdoi_dh_group_known(p->props[i].group))
			return check_fail(why, len, "ike proposal %s: %s", "",
					  "unknown Diffie-Hellman group");
	for (unsigned int i = 0; i < p->ngroups; i++) {
		const struct gks_group_params *g = &p->groups[i];

		for (unsigned int j = 0; j < i; j++)
			if (p->groups[j].id == g->id)
				return check_fail(why, len, "group %s: %s", g->name,
						  "group-id used by another group");
		if (g->nteks == 0 || g->nteks > GKS_MAX_TEKS)
			return check_fail(why, len, "group %s: %s", g->name,
					  "needs 1 to 8 ipsec-sa");
		for (unsigned int j = 0; j < g->nteks; j++) {
			rc = tek_check(g, &g->teks[j], why, len);
			if (rc != 0)
				return rc;
		}
		if (g->nauth == 0 || g->nauth > GKS_MAX_AUTH)
			return check_fail(why, len, "group %s: %s", g->name,
					  "needs at least one authorised member");
		if (g->comm != GKS_COMM_UNICAST && !g->has_kek)
			return check_fail(why, len, "group %s: %s", g->name,
					  "multicast rekeys need a kek");
		if (g->comm != GKS_COMM_UNICAST && g->mcast.family == 0)
			return check_fail(why, len, "group %s: %s", g->name,
					  "multicast rekeys need a multicast address");
		if (g->has_kek && g->kek.key_file[0] == '\0')
			return check_fail(why, len, "group %s: %s", g->name,
					  "kek needs a signing key file");
		if (g->has_kek && g->kek.alg == GDOI_KEK_ALG_AES && g->kek.key_bits != 128 &&
		    g->kek.key_bits != 192 && g->kek.key_bits != 256)
			return check_fail(why, len, "group %s: %s", g->name,
					  "kek AES key length must be 128, 192 or 256");
		if (g->rekey_percent == 0 || g->rekey_percent > 50)
			return check_fail(why, len, "group %s: %s", g->name,
					  "rekey percent must be 1..50");
	}
	return 0;
}

static size_t
tek_enc_len(const struct gks_tek_params *tp)
{
	switch (tp->transform) {
	case GDOI_ESP_3DES:
		return 24;
	case GDOI_ESP_AES_CBC:
		return tp->key_bits / 8;
	case GDOI_ESP_AES_GCM_16:
		return tp->key_bits / 8 + 4;	/* RFC 4106 8.1: key | salt */
	}
	return 0;
}

static size_t
tek_int_len(const struct gks_tek_params *tp)
{
	switch (tp->auth) {
	case GDOI_AUTH_HMAC_SHA1:
		return 20;
	case GDOI_AUTH_HMAC_SHA2_256:
		return 32;
	}
	return 0;
}

int
gks_tek_new(const struct gks_tek_params *tp, struct gks_tek *t, uint64_t now_ms)
{
	uint8_t spi[4];

	memset(t, 0, sizeof(*t));
	t->enc_len = (uint8_t)tek_enc_len(tp);
	t->int_len = (uint8_t)tek_int_len(tp);
	do {
		if (RAND_bytes(spi, sizeof(spi)) != 1)
			return -EIO;
		t->spi = (uint32_t)spi[0] << 24 | (uint32_t)spi[1] << 16 |
			 (uint32_t)spi[2] << 8 | spi[3];
	} while (t->spi < 256);		/* RFC 4303 2.1: 1..255 reserved */
	if (RAND_bytes(t->enc_key, t->enc_len) != 1 ||
	    (t->int_len != 0 && RAND_bytes(t->int_key, t->int_len) != 1))
		return -EIO;
	t->created_ms = now_ms;
	return 0;
}

static void
hex_of(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
}

void
gks_tek_log_keys(const char *group, const struct gks_tek *t)
{
	char enc[2 * sizeof(t->enc_key) + 1], integ[2 * sizeof(t->int_key) + 1];

	/* only at trace level verbose/all: lets tshark/scapy decode captures of the
	 * group's ESP in tests; never enable it on a production key server */
	if (!rte_log_can_log(gw_logtype_ike, RTE_LOG_DEBUG))
		return;
	hex_of(enc, t->enc_key, t->enc_len);
	hex_of(integ, t->int_key, t->int_len);
	GW_LOG(ike, DEBUG, "gks: group %s: TEK 0x%08x keys: encryption %s integrity %s",
	       group, t->spi, enc, integ[0] ? integ : "-");
	OPENSSL_cleanse(enc, sizeof(enc));
	OPENSSL_cleanse(integ, sizeof(integ));
}

void
gks_p1_log_keys(const struct ike1_sa *sa)
{
	char cky[2 * GDOI_COOKIE_LEN + 1], key[2 * GDOI_CIPHER_KEY_MAX + 1];

	if (!rte_log_can_log(gw_logtype_ike, RTE_LOG_DEBUG))
		return;
	hex_of(cky, sa->cky_i, sizeof(sa->cky_i));
	hex_of(key, sa->k.enc_key, gdoi_cipher_key_len(sa->k.cipher));
	GW_LOG(ike, DEBUG, "gks: phase 1 keys: initiator cookie %s encryption key %s", cky, key);
	OPENSSL_cleanse(key, sizeof(key));
}

int
gks_kek_new(const struct gks_kek_params *kp, struct gks_kek *k, uint64_t now_ms)
{
	int rc;

	memset(k, 0, sizeof(*k));
	rc = gdoi_cipher_from_kek(kp->alg, kp->alg == GDOI_KEK_ALG_AES ? kp->key_bits : 0,
				  &k->cipher);
	if (rc != 0)
		return rc;
	/* KEK_ALGORITHM_KEY = IV | key, as gdoi_kek_key_split() reads it */
	k->keymat_len = (uint8_t)(gdoi_cipher_block_len(k->cipher) +
				  gdoi_cipher_key_len(k->cipher));
	if (RAND_bytes(k->spi, sizeof(k->spi)) != 1 ||
	    RAND_bytes(k->keymat, k->keymat_len) != 1)
		return -EIO;
	k->created_ms = now_ms;
	return 0;
}

static uint32_t
remaining(uint64_t created_ms, uint32_t life_s, uint64_t now_ms)
{
	uint64_t end = created_ms + (uint64_t)life_s * 1000;

	return now_ms >= end ? 0 : (uint32_t)((end - now_ms + 999) / 1000);
}

uint32_t
gks_tek_remaining(const struct gks_group *g, unsigned int i, uint64_t now_ms)
{
	return remaining(g->teks[i].created_ms, g->p.teks[i].lifetime_s, now_ms);
}

uint32_t
gks_kek_remaining(const struct gks_group *g, uint64_t now_ms)
{
	return remaining(g->kek.created_ms, g->p.kek.lifetime_s, now_ms);
}

int
gks_group_init(struct gks_server *s, struct gks_group *g, const struct gks_group_params *p,
	       char *why, size_t len)
{
	uint64_t now = ctl_now_ms();
	int rc;

	memset(g, 0, sizeof(*g));
	g->srv = s;
	g->p = *p;
	if (p->has_kek) {
		g->sig_key = gdoi_rsa_load_pem(p->kek.key_file);
		if (g->sig_key == NULL) {
			snprintf(why, len, "group %s: kek signing key %s: cannot load an RSA "
				 "private key from it", p->name, p->kek.key_file);
			return -EINVAL;
		}
		rc = gdoi_rsa_pub_to_der(g->sig_key, g->pub_der, sizeof(g->pub_der),
					 &g->pub_len);
		if (rc != 0) {
			snprintf(why, len, "group %s: kek signing key %s: %s", p->name,
				 p->kek.key_file, strerror(-rc));
			return rc;
		}
		g->sig_bits = gdoi_rsa_bits(g->sig_key);
		rc = gks_kek_new(&p->kek, &g->kek, now);
		if (rc != 0) {
			snprintf(why, len, "group %s: kek: %s", p->name, strerror(-rc));
			return rc;
		}
	}
	for (unsigned int i = 0; i < p->nteks; i++) {
		rc = gks_tek_new(&p->teks[i], &g->teks[i], now);
		if (rc != 0) {
			snprintf(why, len, "group %s: keys: %s", p->name, strerror(-rc));
			return rc;
		}
		gks_tek_log_keys(p->name, &g->teks[i]);
	}
	return 0;
}

void
gks_group_fini(struct gks_group *g)
{
	struct gks_member *m, *n;

	for (m = g->members; m != NULL; m = n) {
		n = m->next;
		free(m);
	}
	g->members = NULL;
	EVP_PKEY_free(g->sig_key);
	g->sig_key = NULL;
	free(g->push);
	g->push = NULL;
	OPENSSL_cleanse(g->teks, sizeof(g->teks));
	OPENSSL_cleanse(&g->kek, sizeof(g->kek));
	OPENSSL_cleanse(g->p.auth, sizeof(g->p.auth));
}

struct gks_group *
gks_group_by_id(struct gks_server *s, const uint8_t *id, size_t len)
{
	uint32_t v = 0;

	/* KEY_ID: the group number, 4 octets in network order (lib/gdoi/README.md) */
	if (len == 0 || len > 4)
		return NULL;
	for (size_t i = 0; i < len; i++)
		v = v << 8 | id[i];
	for (unsigned int i = 0; i < s->ngroups; i++)
		if (s->groups[i].p.id == v)
			return &s->groups[i];
	return NULL;
}

bool
gks_prefix_contains(const struct gks_prefix *p, const struct gks_prefix *a)
{
	unsigned int bits = p->plen, n = bits / 8;

	if (p->family != a->family)
		return false;
	if (memcmp(p->addr, a->addr, n) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	return ((p->addr[n] ^ a->addr[n]) & (uint8_t)(0xff00 >> (bits % 8))) == 0;
}

const struct gks_member_auth *
gks_auth_by_addr(const struct gks_group *g, const struct gks_prefix *a)
{
	for (unsigned int i = 0; i < g->p.nauth; i++)
		if (gks_prefix_contains(&g->p.auth[i].peer, a))
			return &g->p.auth[i];
	return NULL;
}

void
gks_prefix_from_sa(const struct sockaddr *sa, struct gks_prefix *out)
{
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		out->family = AF_INET;
		out->plen = 32;
		memcpy(out->addr, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		out->family = AF_INET6;
		out->plen = 128;
		memcpy(out->addr, &in6->sin6_addr, 16);
	}
}

const char *
gks_prefix_str(const struct gks_prefix *p, char *buf, size_t len)
{
	if (p->family == 0 || inet_ntop(p->family, p->addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "-");
	return buf;
}

unsigned int
gks_group_count(const struct gks_server *s)
{
	return s != NULL ? s->ngroups : 0;
}

int
gks_group_info(const struct gks_server *s, unsigned int idx, struct gks_group_info *gi)
{
	const struct gks_group *g;
	const struct gks_member *m;
	uint64_t now = ctl_now_ms();

	if (s == NULL || idx >= s->ngroups)
		return -ENOENT;
	g = &s->groups[idx];
	memset(gi, 0, sizeof(*gi));
	snprintf(gi->name, sizeof(gi->name), "%s", g->p.name);
	gi->id = g->p.id;
	gi->seq = g->seq;
	gi->nmembers = g->nmembers;
	for (m = g->members; m != NULL; m = m->next)
		if (m->seq_acked == g->seq || (!g->p.kek.ack && m->seq_sent == g->seq))
			gi->members_current++;
	gi->nteks = g->p.nteks;
	for (unsigned int i = 0; i < g->p.nteks; i++) {
		snprintf(gi->teks[i].name, sizeof(gi->teks[i].name), "%s", g->p.teks[i].name);
		gi->teks[i].spi = g->teks[i].spi;
		gi->teks[i].remaining_s = gks_tek_remaining(g, i, now);
		gi->teks[i].transform = g->p.teks[i].transform;
		gi->teks[i].key_bits = g->p.teks[i].key_bits;
		gi->teks[i].auth = g->p.teks[i].auth;
	}
	gi->has_kek = g->p.has_kek;
	if (g->p.has_kek) {
		memcpy(gi->kek_spi, g->kek.spi, sizeof(gi->kek_spi));
		gi->kek_remaining_s = gks_kek_remaining(g, now);
	}
	gi->pushes = g->pushes;
	gi->pulls = g->pulls;
	gi->acks = g->acks;
	return 0;
}

int
gks_member_info(const struct gks_server *s, unsigned int gidx, unsigned int idx,
		struct gks_member_info *mi)
{
	const struct gks_group *g;
	const struct gks_member *m;
	uint64_t now = ctl_now_ms();

	if (s == NULL || gidx >= s->ngroups)
		return -ENOENT;
	g = &s->groups[gidx];
	for (m = g->members; m != NULL && idx != 0; m = m->next)
		idx--;
	if (m == NULL)
		return -ENOENT;
	memset(mi, 0, sizeof(*mi));
	mi->addr = m->paddr;
	snprintf(mi->identity, sizeof(mi->identity), "%s", m->identity);
	mi->registered_s = (uint32_t)((now - m->registered_ms) / 1000);
	mi->seq_sent = m->seq_sent;
	mi->seq_acked = m->seq_acked;
	mi->current = m->seq_acked == g->seq || (!g->p.kek.ack && m->seq_sent == g->seq);
	return 0;
}

void
gks_stats_get(const struct gks_server *s, struct gks_stats *st)
{
	if (s == NULL)
		memset(st, 0, sizeof(*st));
	else
		*st = s->st;
}
