/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resistance of the IKE_SA_INIT responder to floods (RFC 7296 2.6, 2.21.1):
 * half-open SAs are capped in total and per peer address, cookies are asked
 * for from a threshold on, and the cookie secret is replaced every few
 * minutes, the previous one still accepted until the next rotation, so a
 * cookie handed out just before a rotation still works. Nothing here answers
 * with more than a small notify: no amplification.
 */
#include <string.h>
#include <arpa/inet.h>

#include <openssl/evp.h>

#include "gw_log.h"
#include "ike_sa.h"

#define IKE_HALF_OPEN_PEER_MAX 8	/* default per-peer cap */
#define IKE_COOKIE_ROTATE_MS 300000	/* 5 minutes */
#define IKE_COOKIE_THRESHOLD 16

/* Responder SAs not authenticated yet: keys being made, or IKE_SA_INIT answered. */
static bool
half_open_sa(const struct ike_sa *sa)
{
	return sa->used && !sa->initiator &&
	       (sa->state == IKE_ST_IDLE || sa->state == IKE_ST_INIT_DONE);
}

unsigned int
ike_half_open(const struct ike_daemon *d, const union ike_sockaddr *from, unsigned int *peer)
{
	unsigned int n = 0, p = 0;

	for (unsigned int i = 0; i < IKE_MAX_SAS; i++) {
		const struct ike_sa *sa = &d->sas[i];

		if (!half_open_sa(sa))
			continue;
		n++;
		p += from != NULL && ike_addr_same_host(&sa->remote, from);
	}
	if (peer != NULL)
		*peer = p;
	return n;
}

bool
ike_half_open_admit(struct ike_daemon *d, const union ike_sockaddr *from)
{
	unsigned int peer, total = ike_half_open(d, from, &peer);

	if (total >= d->half_open_max) {
		d->ctr.half_open_cap++;
		GW_LOG(ike, WARNING, "IKE_SA_INIT from %s refused: %u half-open SAs (maximum)",
		       ike_addr_str(from), total);
		return false;
	}
	if (peer >= d->half_open_peer_max) {
		d->ctr.half_open_peer_cap++;
		GW_LOG(ike, WARNING, "IKE_SA_INIT from %s refused: %u half-open SAs from that "
		       "address (per-peer maximum)", ike_addr_str(from), peer);
		return false;
	}
	return true;
}

/*
 * RFC 7296 2.6: Cookie = <VersionIDofSecret> | SHA-256(Ni | IPi | SPIi | <secret>).
 * The version octet says which secret made it (current or previous).
 */
static void
make_cookie(const uint8_t secret[32], uint8_t version, const struct ike_pl *ni,
	    const union ike_sockaddr *from, uint64_t spi_i, uint8_t out[IKE_COOKIE_LEN])
{
	uint8_t spi[8];
	unsigned int len = 32;
	size_t ip_len;
	const uint8_t *ip = ike_addr_bytes(from, &ip_len);	/* IPi: the initiator's */
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	ike_put64(spi, spi_i);
	out[0] = version;
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, ni->body.p, ni->body.len) != 1 ||
	    EVP_DigestUpdate(ctx, ip, ip_len) != 1 ||	/* 4 or 16 octets */
	    EVP_DigestUpdate(ctx, spi, 8) != 1 ||
	    EVP_DigestUpdate(ctx, secret, 32) != 1 ||
	    EVP_DigestFinal_ex(ctx, out + 1, &len) != 1)
		memset(out + 1, 0xff, 32);	/* never matches a real one */
	EVP_MD_CTX_free(ctx);
}

/* Does the COOKIE notify carry a cookie of the current or the previous secret? */
static bool
cookie_valid(const struct ike_daemon *d, const struct ike_pl *c, const struct ike_pl *ni,
	     const union ike_sockaddr *from, uint64_t spi_i)
{
	uint8_t want[IKE_COOKIE_LEN];
	const uint8_t *secret;
	bool ok;

	if (c->u.notify.data.len != IKE_COOKIE_LEN)
		return false;
	if (c->u.notify.data.p[0] == d->cookie_version)
		secret = d->cookie_secret;
	else if (d->cookie_prev_valid && c->u.notify.data.p[0] == (uint8_t)(d->cookie_version - 1))
		secret = d->cookie_prev;
	else
		return false;
	make_cookie(secret, c->u.notify.data.p[0], ni, from, spi_i, want);
	ok = ike_ct_cmp(c->u.notify.data.p, want, sizeof(want)) == 0;
	explicit_bzero(want, sizeof(want));
	return ok;
}

bool
ike_cookie_ok(struct ike_daemon *d, const union ike_sockaddr *from, bool natt)
{
	const struct ike_msg *m = &d->msg;
	const struct ike_pl *ni = ike_msg_find(m, IKE_PL_NONCE);
	const struct ike_pl *c = m->npl > 0 && m->pl[0].type == IKE_PL_NOTIFY &&
				 m->pl[0].u.notify.type == IKE_N_COOKIE ? &m->pl[0] : NULL;
	uint8_t want[IKE_COOKIE_LEN];

	if (ike_half_open(d, NULL, NULL) < d->cookie_threshold)
		return true;
	if (c != NULL && cookie_valid(d, c, ni, from, m->hdr.spi_i))
		return true;
	if (c != NULL) {
		d->ctr.cookie_bad++;
		GW_LOG(ike, INFO, "IKE_SA_INIT from %s with a wrong or outdated COOKIE",
		       ike_addr_str(from));
	}
	d->ctr.cookie_sent++;
	make_cookie(d->cookie_secret, d->cookie_version, ni, from, m->hdr.spi_i, want);
	ike_init_r_notify(d, from, natt, IKE_N_COOKIE, want, sizeof(want));
	return false;
}

int
ike_cookie_rotate(struct ike_daemon *d)
{
	uint8_t next[32];
	int rc = ike_random(next, sizeof(next));

	if (rc != 0)
		return rc;
	memcpy(d->cookie_prev, d->cookie_secret, sizeof(d->cookie_prev));
	memcpy(d->cookie_secret, next, sizeof(next));
	explicit_bzero(next, sizeof(next));
	d->cookie_prev_valid = true;
	d->cookie_version++;
	d->ctr.cookie_rotations++;
	return 0;
}

static void
rotate_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct ike_daemon *d = arg;

	if (ike_cookie_rotate(d) != 0)
		GW_LOG(ike, WARNING, "cookie secret not rotated: no randomness");
	ctl_timer_arm(l, t, d->cookie_rotate_ms);
}

int
ike_resist_init(struct ike_daemon *d, const struct ike_daemon_params *p)
{
	d->resist_params = *p;
	d->cookie_rotate_ms = p->cookie_rotate_ms ? p->cookie_rotate_ms : IKE_COOKIE_ROTATE_MS;
	ike_resist_configure(d);
	ctl_timer_init(&d->cookie_timer, rotate_fire, d);
	ctl_timer_arm(d->loop, &d->cookie_timer, d->cookie_rotate_ms);
	return ike_random(d->cookie_secret, sizeof(d->cookie_secret));
}

/* The caller's parameters (tests) win over the configuration, which wins over defaults. */
static uint32_t
pick(uint32_t param, bool have_conf, uint32_t conf, uint32_t def)
{
	return param != 0 ? param : have_conf ? conf : def;
}

void
ike_resist_configure(struct ike_daemon *d)
{
	const struct ike_daemon_params *p = &d->resist_params;
	/* a loaded configuration (its maximum is at least 1), or none yet */
	bool conf = d->conf.half_open_max != 0;

	d->half_open_max = pick(p->half_open_max, conf, d->conf.half_open_max,
				IKE_HALF_OPEN_MAX);
	d->half_open_peer_max = pick(p->half_open_peer_max, conf, d->conf.half_open_peer_max,
				     IKE_HALF_OPEN_PEER_MAX);
	d->cookie_threshold = pick(p->cookie_threshold, conf, d->conf.cookie_threshold,
				   IKE_COOKIE_THRESHOLD);
	if (p->cookies_always)
		d->cookie_threshold = 0;
}

void
ike_resist_fini(struct ike_daemon *d)
{
	ctl_timer_cancel(d->loop, &d->cookie_timer);
	explicit_bzero(d->cookie_secret, sizeof(d->cookie_secret));
	explicit_bzero(d->cookie_prev, sizeof(d->cookie_prev));
}
