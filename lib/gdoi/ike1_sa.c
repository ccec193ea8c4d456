/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKEv1 phase 1 SA, role-neutral (ike1_sa.h): keys, IV chains, message
 * encryption. RFC 2409 5 and App. B; RFC 6407 3 for the GDOI use of it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ike1_sa.h"

int
ike1_sa_init(struct ike1_sa *sa, bool initiator)
{
	memset(sa, 0, sizeof(*sa));
	sa->initiator = initiator;
	if (RAND_bytes(initiator ? sa->cky_i : sa->cky_r, GDOI_COOKIE_LEN) != 1)
		return -EIO;
	return 0;
}

void
ike1_sa_wipe(struct ike1_sa *sa)
{
	gdoi_dh_free(sa->dh);
	sa->dh = NULL;
	gdoi_p1_keys_wipe(&sa->k);
	OPENSSL_cleanse(sa->p2, sizeof(sa->p2));
	OPENSSL_cleanse(sa->p1_last, sizeof(sa->p1_last));
	sa->keyed = false;
	sa->state = IKE1_ST_DEAD;
}

const char *
ike1_state_name(enum ike1_state s)
{
	static const char *const names[] = {
		[IKE1_ST_NONE] = "none", [IKE1_ST_MM1] = "mm1", [IKE1_ST_MM3] = "mm3",
		[IKE1_ST_MM5] = "mm5", [IKE1_ST_ESTABLISHED] = "established",
		[IKE1_ST_DEAD] = "dead",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int
ike1_xform_check(struct ike1_sa *sa, const struct ike1_xform *xf)
{
	enum gdoi_cipher c;
	enum gdoi_hash h;

	if (gdoi_cipher_from_ike(xf->enc, xf->key_bits, &c) < 0) {
		snprintf(sa->why, sizeof(sa->why), "encryption %u key length %u not supported",
			 xf->enc, xf->key_bits);
		return -ENOTSUP;
	}
	if (gdoi_hash_from_ike(xf->hash, &h) < 0) {
		snprintf(sa->why, sizeof(sa->why), "hash %u not supported", xf->hash);
		return -ENOTSUP;
	}
	if (!gdoi_dh_group_known(xf->group)) {
		snprintf(sa->why, sizeof(sa->why), "DH group %u not supported", xf->group);
		return -ENOTSUP;
	}
	if (xf->auth != GDOI_IKE_AUTH_PSK) {
		snprintf(sa->why, sizeof(sa->why), "authentication method %u not supported",
			 xf->auth);
		return -ENOTSUP;
	}
	sa->cipher = c;
	sa->hash = h;
	return 0;
}

int
ike1_xform_decode(const struct gdoi_attrs *attrs, struct ike1_xform *xf)
{
	struct gdoi_attr a;
	uint32_t pos = 0, seen = 0;
	uint64_t v;
	uint16_t life_type = 0;
	uint64_t life = 0;

	memset(xf, 0, sizeof(*xf));
	while (gdoi_attrs_next(attrs, &pos, &a)) {
		if (gdoi_attr_uint(&a, &v) < 0)
			return -EBADMSG;
		if (a.type < 32) {
			if (seen & (1u << a.type))
				return -EBADMSG;
			seen |= 1u << a.type;
		}
		switch (a.type) {
		case GDOI_IKE_ENCRYPTION_ALG:
			xf->enc = (uint16_t)v;
			break;
		case GDOI_IKE_HASH_ALG:
			xf->hash = (uint16_t)v;
			break;
		case GDOI_IKE_AUTH_METHOD:
			xf->auth = (uint16_t)v;
			break;
		case GDOI_IKE_GROUP_DESCRIPTION:
			xf->group = (uint16_t)v;
			break;
		case GDOI_IKE_KEY_LENGTH:
			xf->key_bits = (uint16_t)v;
			break;
		case GDOI_IKE_LIFE_TYPE:
			life_type = (uint16_t)v;
			break;
		case GDOI_IKE_LIFE_DURATION:
			/* RFC 2409 App. A: the type precedes its duration */
			if (life_type == GDOI_LIFE_SECONDS)
				life = v > UINT32_MAX ? UINT32_MAX : v;
			break;
		default:
			break;	/* unknown attributes: ignored (a group type we do not offer) */
		}
	}
	xf->life_s = (uint32_t)life;
	return 0;
}

bool
ike1_xform_equal(const struct ike1_xform *a, const struct ike1_xform *b)
{
	return a->enc == b->enc && a->key_bits == b->key_bits && a->hash == b->hash &&
	       a->group == b->group && a->auth == b->auth;
}

int
ike1_sa_payload(struct gdoi_bld *b, const struct ike1_xform *xf, unsigned int n,
		size_t *body_off)
{
	*body_off = b->len + 4;
	/* GDOI's phase 1 SA carries DOI 2 (RFC 6407 3.1), as gdoid sends it */
	gdoi_bld_sa_begin(b, GDOI_DOI_GDOI, 0, false);
	gdoi_bld_prop_begin(b, 1, GDOI_PROTO_ISAKMP, NULL, 0);
	for (unsigned int i = 0; i < n; i++) {
		gdoi_bld_xform_begin(b, (uint8_t)(i + 1), GDOI_IKE_KEY_IKE);
		gdoi_bld_attr_tv(b, GDOI_IKE_ENCRYPTION_ALG, xf[i].enc);
		if (xf[i].key_bits != 0)
			gdoi_bld_attr_tv(b, GDOI_IKE_KEY_LENGTH, xf[i].key_bits);
		gdoi_bld_attr_tv(b, GDOI_IKE_HASH_ALG, xf[i].hash);
		gdoi_bld_attr_tv(b, GDOI_IKE_AUTH_METHOD, xf[i].auth);
		gdoi_bld_attr_tv(b, GDOI_IKE_GROUP_DESCRIPTION, xf[i].group);
		if (xf[i].life_s != 0) {
			gdoi_bld_attr_tv(b, GDOI_IKE_LIFE_TYPE, GDOI_LIFE_SECONDS);
			if (xf[i].life_s <= UINT16_MAX)
				gdoi_bld_attr_tv(b, GDOI_IKE_LIFE_DURATION, (uint16_t)xf[i].life_s);
			else
				gdoi_bld_attr_u32(b, GDOI_IKE_LIFE_DURATION, xf[i].life_s);
		}
		gdoi_bld_end(b);
	}
	gdoi_bld_end(b);
	return gdoi_bld_end(b);
}

int
ike1_sa_make_ke_nonce(struct ike1_sa *sa)
{
	uint8_t *ke = sa->initiator ? sa->g_xi : sa->g_xr;
	uint8_t *nonce = sa->initiator ? sa->ni : sa->nr;
	size_t *nlen = sa->initiator ? &sa->ni_len : &sa->nr_len;
	int ret;

	/* a pair made ahead for this exchange (lib/gm: on the helper thread) is kept */
	if (sa->dh == NULL)
		sa->dh = gdoi_dh_new(sa->xf.group);
	if (sa->dh == NULL)
		return -errno;
	sa->g_x_len = gdoi_dh_pub_len(sa->xf.group);
	if (sa->g_x_len > IKE1_KE_MAX)
		return -EINVAL;
	ret = gdoi_dh_public(sa->dh, ke, sa->g_x_len);
	if (ret < 0)
		return ret;
	if (RAND_bytes(nonce, IKE1_NONCE_LEN) != 1)
		return -EIO;
	*nlen = IKE1_NONCE_LEN;
	return 0;
}

int
ike1_sa_derive(struct ike1_sa *sa, const uint8_t *psk, size_t psk_len,
	       const uint8_t *g_xy, size_t g_xy_len)
{
	uint8_t shared[IKE1_KE_MAX];
	struct gdoi_p1_in in;
	int ret;

	if (g_xy == NULL) {
		const uint8_t *peer = sa->initiator ? sa->g_xr : sa->g_xi;

		g_xy_len = gdoi_dh_secret_len(sa->xf.group);
		if (sa->dh == NULL || g_xy_len > sizeof(shared))
			return -EINVAL;
		ret = gdoi_dh_shared(sa->dh, peer, sa->g_x_len, shared, g_xy_len);
		if (ret < 0) {
			snprintf(sa->why, sizeof(sa->why), "peer's KE refused (DH group %u)",
				 sa->xf.group);
			return ret;
		}
		g_xy = shared;
	}
	in = (struct gdoi_p1_in){
		.hash = sa->hash, .cipher = sa->cipher, .psk = psk, .psk_len = psk_len,
		.ni_b = sa->ni, .ni_len = sa->ni_len, .nr_b = sa->nr, .nr_len = sa->nr_len,
		.g_xi = sa->g_xi, .g_xr = sa->g_xr, .g_x_len = sa->g_x_len,
		.g_xy = g_xy, .g_xy_len = g_xy_len, .cky_i = sa->cky_i, .cky_r = sa->cky_r,
	};
	ret = gdoi_p1_psk_keys(&in, &sa->k);
	OPENSSL_cleanse(shared, sizeof(shared));
	/* the private value is no longer needed (no PFS in GROUPKEY-PULL) */
	gdoi_dh_free(sa->dh);
	sa->dh = NULL;
	if (ret == 0)
		sa->keyed = true;
	return ret;
}

int
ike1_sa_auth_hash(const struct ike1_sa *sa, bool initiator, const uint8_t *id_b,
		  size_t id_len, uint8_t *out)
{
	struct gdoi_p1_in in = {
		.hash = sa->hash, .cipher = sa->cipher,
		.g_xi = sa->g_xi, .g_xr = sa->g_xr, .g_x_len = sa->g_x_len,
		.cky_i = sa->cky_i, .cky_r = sa->cky_r,
	};

	if (!sa->keyed)
		return -EINVAL;
	return gdoi_p1_auth_hash(&sa->k, &in, initiator, sa->sai_b, sa->sai_len, id_b, id_len,
				 out);
}

int
ike1_sa_p1_encrypt(struct ike1_sa *sa, uint8_t *msg, size_t len, size_t cap, size_t *out_len)
{
	if (!sa->keyed)
		return -EINVAL;
	return gdoi_msg_encrypt(sa->cipher, sa->k.enc_key, sa->k.iv, msg, len, cap, out_len);
}

int
ike1_sa_p1_decrypt(struct ike1_sa *sa, uint8_t *msg, size_t len)
{
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	int ret;

	if (!sa->keyed)
		return -EINVAL;
	memcpy(iv, sa->k.iv, sizeof(iv));
	ret = gdoi_msg_decrypt(sa->cipher, sa->k.enc_key, iv, msg, len);
	if (ret == 0)
		memcpy(sa->k.iv, iv, sizeof(iv));
	return ret;
}

void
ike1_sa_established(struct ike1_sa *sa)
{
	memcpy(sa->p1_last, sa->k.iv, sizeof(sa->p1_last));
	sa->state = IKE1_ST_ESTABLISHED;
}

static struct ike1_p2 *
p2_slot(struct ike1_sa *sa, uint32_t mid)
{
	struct ike1_p2 *free_slot = NULL;
	uint8_t m[4] = { mid >> 24, mid >> 16, mid >> 8, mid };

	if (mid == 0)
		return NULL;
	for (unsigned int i = 0; i < IKE1_P2_SLOTS; i++) {
		if (sa->p2[i].mid == mid)
			return &sa->p2[i];
		if (sa->p2[i].mid == 0 && free_slot == NULL)
			free_slot = &sa->p2[i];
	}
	if (free_slot == NULL)
		return NULL;
	if (gdoi_p2_iv(sa->hash, sa->cipher, sa->p1_last, m, free_slot->iv) < 0)
		return NULL;
	free_slot->mid = mid;
	return free_slot;
}

int
ike1_sa_p2_encrypt(struct ike1_sa *sa, uint32_t mid, uint8_t *msg, size_t len, size_t cap,
		   size_t *out_len)
{
	struct ike1_p2 *s;

	if (sa->state != IKE1_ST_ESTABLISHED)
		return -EINVAL;
	s = p2_slot(sa, mid);
	if (s == NULL)
		return -ENOSPC;
	return gdoi_msg_encrypt(sa->cipher, sa->k.enc_key, s->iv, msg, len, cap, out_len);
}

int
ike1_sa_p2_decrypt(struct ike1_sa *sa, uint32_t mid, uint8_t *msg, size_t len)
{
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX];
	struct ike1_p2 *s;
	int ret;

	if (sa->state != IKE1_ST_ESTABLISHED)
		return -EINVAL;
	s = p2_slot(sa, mid);
	if (s == NULL)
		return -ENOSPC;
	memcpy(iv, s->iv, sizeof(iv));
	ret = gdoi_msg_decrypt(sa->cipher, sa->k.enc_key, iv, msg, len);
	if (ret == 0)
		memcpy(s->iv, iv, sizeof(iv));
	return ret;
}

void
ike1_sa_p2_end(struct ike1_sa *sa, uint32_t mid)
{
	for (unsigned int i = 0; i < IKE1_P2_SLOTS; i++)
		if (sa->p2[i].mid == mid)
			memset(&sa->p2[i], 0, sizeof(sa->p2[i]));
}

uint32_t
ike1_sa_new_mid(const struct ike1_sa *sa)
{
	uint32_t mid;
	bool used;

	do {
		if (RAND_bytes((uint8_t *)&mid, sizeof(mid)) != 1)
			mid = (uint32_t)(uintptr_t)sa ^ 0x5a5a1234u;
		used = false;
		for (unsigned int i = 0; i < IKE1_P2_SLOTS; i++)
			used |= sa->p2[i].mid == mid;
	} while (mid == 0 || used);
	return mid;
}

int
ike1_sa_pull_hash(const struct ike1_sa *sa, uint32_t mid, const uint8_t *ni_b, size_t ni_len,
		  const uint8_t *nr_b, size_t nr_len, const uint8_t *rest, size_t rest_len,
		  uint8_t *out)
{
	uint8_t m[4] = { mid >> 24, mid >> 16, mid >> 8, mid };

	if (!sa->keyed)
		return -EINVAL;
	return gdoi_pull_hash(&sa->k, m, ni_b, ni_len, nr_b, nr_len, rest, rest_len, out);
}

void
ike1_sa_hdr(const struct ike1_sa *sa, uint8_t exchange, uint8_t flags, uint32_t mid,
	    struct gdoi_hdr *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->icookie, sa->cky_i, GDOI_COOKIE_LEN);
	memcpy(h->rcookie, sa->cky_r, GDOI_COOKIE_LEN);
	h->version = GDOI_ISAKMP_VERSION;
	h->exchange = exchange;
	h->flags = flags;
	h->msgid = mid;
}
