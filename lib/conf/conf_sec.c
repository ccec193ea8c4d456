/* SPDX-License-Identifier: BSD-3-Clause */
/* security { ipsec { security-association ( { name; spi; direction; mode; ... } ) } } */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

static struct gw_conf_sa *
cur_sa(struct gw_conf_ctx *c)
{
	return c->obj[CONF_OBJ_SA];
}

/* FNV-1a: names are short and the table only has to spread them. */
static uint32_t
name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

static uint32_t
spi_hash(uint32_t spi, unsigned int direction)
{
	return (uint32_t)(((uint64_t)spi << 1 | direction) * UINT64_C(0x9e3779b97f4a7c15) >> 32);
}

void
conf_sa_index_free(struct gw_conf_ctx *c)
{
	free(c->sa_by_name);
	free(c->sa_by_spi);
	c->sa_by_name = c->sa_by_spi = NULL;
}

int
conf_sa_begin(struct gw_conf_ctx *c, unsigned int count)
{
	uint32_t size = 64;

	if (count > GW_CONF_MAX_SAS)
		return conf_fail(c, "%u security associations, at most %d", count,
				 GW_CONF_MAX_SAS);
	if (count == 0)
		return 0;
	/* Sized once: key material is never left behind by a realloc. */
	c->conf->sas = calloc(count, sizeof(*c->conf->sas));
	/* at most half full */
	while (size < 2 * count)
		size *= 2;
	c->sa_by_name = calloc(size, sizeof(uint32_t));
	c->sa_by_spi = calloc(size, sizeof(uint32_t));
	c->sa_index_mask = size - 1;
	if (c->conf->sas == NULL || c->sa_by_name == NULL || c->sa_by_spi == NULL)
		return conf_fail(c, "out of memory");
	return 0;
}

/* The slot of name in the name index: its SA's, or the empty one it would take. */
static uint32_t *
name_slot(struct gw_conf_ctx *c, const char *name)
{
	uint32_t i = name_hash(name) & c->sa_index_mask;

	while (c->sa_by_name[i] != 0 &&
	       strcmp(c->conf->sas[c->sa_by_name[i] - 1].name, name) != 0)
		i = (i + 1) & c->sa_index_mask;
	return &c->sa_by_name[i];
}

static uint32_t *
spi_slot(struct gw_conf_ctx *c, uint32_t spi, unsigned int direction)
{
	uint32_t i = spi_hash(spi, direction) & c->sa_index_mask;

	for (;;) {
		const struct gw_conf_sa *o;

		if (c->sa_by_spi[i] == 0)
			return &c->sa_by_spi[i];
		o = &c->conf->sas[c->sa_by_spi[i] - 1];
		if (o->spi == spi && o->direction == direction)
			return &c->sa_by_spi[i];
		i = (i + 1) & c->sa_index_mask;
	}
}

int
conf_sa_enter(struct gw_conf_ctx *c, const char *name)
{
	struct gw_config *conf = c->conf;

	if (*name_slot(c, name) != 0)
		return conf_fail(c, "duplicate security association '%s'", name);
	c->obj[CONF_OBJ_SA] = &conf->sas[conf->nb_sas++];
	memset(&c->sa, 0, sizeof(c->sa));
	return 0;
}

int
conf_set_enc_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		 const struct gw_conf_val *v)
{
	if (gw_cipher_parse(v->s, &cur_sa(c)->crypto.cipher, &c->sa.enc_key_len) < 0)
		return conf_fail(c, "unknown algorithm '%s'", v->s);
	c->sa.enc_name = v->s;
	return 0;
}

int
conf_set_auth_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  const struct gw_conf_val *v)
{
	if (gw_auth_parse(v->s, &cur_sa(c)->crypto.auth, &c->sa.auth_key_len) < 0)
		return conf_fail(c, "unknown algorithm '%s'", v->s);
	c->sa.has_auth_alg = true;
	return 0;
}

/* The hex text of a key is wiped in the parsed tree once it has been read. */
static void
wipe_text(const char *text)
{
	explicit_bzero((char *)(uintptr_t)text, strlen(text));
}

int
conf_set_enc_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		 const struct gw_conf_val *v)
{
	struct gw_crypto_params *p = &cur_sa(c)->crypto;

	memcpy(p->cipher_key, v->key, v->key_len);
	p->cipher_key_len = v->key_len;
	c->sa.has_enc_key = true;
	wipe_text(v->s);
	return 0;
}

int
conf_set_auth_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  const struct gw_conf_val *v)
{
	struct gw_crypto_params *p = &cur_sa(c)->crypto;

	memcpy(p->auth_key, v->key, v->key_len);
	p->auth_key_len = v->key_len;
	c->sa.has_auth_key = true;
	wipe_text(v->s);
	return 0;
}

int
conf_set_no_anti_replay(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
			const struct gw_conf_val *v)
{
	c->sa.no_anti_replay = v->u != 0;
	return 0;
}

int
conf_set_udp_port(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  const struct gw_conf_val *v)
{
	struct gw_conf_sa *sa = cur_sa(c);

	sa->udp_encap = v->u == 4500 ? GW_UDP_ENCAP_NAT_T : GW_UDP_ENCAP_PORT;
	sa->udp_port = (uint16_t)v->u;
	return 0;
}

/* Algorithms and keys fit together (RFC 4303 section 3.2: ESP without integrity is refused). */
static int
check_crypto(struct gw_conf_ctx *c)
{
	struct gw_conf_sa *sa = cur_sa(c);
	const struct gw_crypto_params *p = &sa->crypto;
	bool aead = gw_cipher_is_aead(p->cipher);

	if (!conf_has(c, "encryption"))
		return conf_fail_at(c, NULL, "missing encryption (algorithm null for none)");
	if (c->sa.enc_key_len == 0 && c->sa.has_enc_key)
		return conf_fail_at(c, "encryption.key", "cipher null takes no key");
	if (c->sa.enc_key_len != 0 && !c->sa.has_enc_key)
		return conf_fail_at(c, "encryption", "missing key");
	if (c->sa.has_enc_key && p->cipher_key_len != c->sa.enc_key_len)
		return conf_fail_at(c, "encryption.key",
				    "key is %u bytes, the algorithm needs %u%s",
				    p->cipher_key_len, c->sa.enc_key_len,
				    aead ? " (salt included)" : "");
	if (aead && p->auth != GW_AUTH_NONE)
		return conf_fail_at(c, "authentication.algorithm",
				    "an AEAD cipher does its own integrity: no authentication");
	if (!aead && p->auth == GW_AUTH_NONE)
		return conf_fail_at(c, c->sa.has_auth_alg ? "authentication.algorithm" : NULL,
				    "cipher %s needs an authentication algorithm",
				    c->sa.enc_name != NULL ? c->sa.enc_name : "null");
	if (c->sa.auth_key_len == 0 && c->sa.has_auth_key)
		return conf_fail_at(c, "authentication.key", "authentication none takes no key");
	if (c->sa.auth_key_len != 0 && !c->sa.has_auth_key)
		return conf_fail_at(c, "authentication", "missing key");
	if (c->sa.has_auth_key && p->auth_key_len != c->sa.auth_key_len)
		return conf_fail_at(c, "authentication.key",
				    "key is %u bytes, the algorithm needs %u",
				    p->auth_key_len, c->sa.auth_key_len);
	return 0;
}

/* Group SAs keep the packet's header and are found by SPI; tunnel SAs have endpoints. */
static int
check_mode(struct gw_conf_ctx *c)
{
	struct gw_conf_sa *sa = cur_sa(c);

	if (sa->group && conf_has(c, "tunnel"))
		return conf_fail_at(c, "tunnel", "a group SA has no tunnel endpoints "
				    "(header preservation)");
	if (!sa->group && !conf_has(c, "tunnel"))
		return conf_fail_at(c, NULL, "mode tunnel needs tunnel { local; remote; }");
	if (!sa->group && sa->tunnel_local.family != sa->tunnel_remote.family)
		return conf_fail_at(c, "tunnel", "local and remote are of different families");
	if (!sa->group && conf_ipaddr_eq(&sa->tunnel_local, &sa->tunnel_remote))
		return conf_fail_at(c, "tunnel.remote", "remote is the local address");
	if (!sa->group && conf_has(c, "time-based-anti-replay"))
		return conf_fail_at(c, "time-based-anti-replay",
				    "time-based anti-replay is for group SAs");
	return 0;
}

static int
check_options(struct gw_conf_ctx *c)
{
	struct gw_conf_sa *sa = cur_sa(c);
	const struct gw_conf_lifetime *l = &sa->lifetime;

	if (conf_has(c, "anti-replay") && c->sa.no_anti_replay)
		return conf_fail_at(c, "no-anti-replay", "conflicts with anti-replay");
	sa->anti_replay = conf_has(c, "anti-replay") ? 1 : c->sa.no_anti_replay ? 0 : -1;
	sa->tunnel_mtu_set = conf_has(c, "tunnel-mtu");
	if (l->hard_seconds != 0 && l->soft_seconds >= l->hard_seconds)
		return conf_fail_at(c, "lifetime.soft-seconds", "must be below seconds (%llu)",
				    (unsigned long long)l->hard_seconds);
	if (l->hard_kbytes != 0 && l->soft_kbytes >= l->hard_kbytes)
		return conf_fail_at(c, "lifetime.soft-kilobytes", "must be below kilobytes (%llu)",
				    (unsigned long long)l->hard_kbytes);
	if (sa->sel_src.family != 0 && sa->sel_dst.family != 0 &&
	    sa->sel_src.family != sa->sel_dst.family)
		return conf_fail_at(c, "selector", "source and destination of different families");
	if (!conf_prefix_is_canonical(&sa->sel_src))
		return conf_fail_at(c, "selector.source-address", "host bits set in the prefix");
	if (!conf_prefix_is_canonical(&sa->sel_dst))
		return conf_fail_at(c, "selector.destination-address",
				    "host bits set in the prefix");
	return 0;
}

int
conf_sa_leave(struct gw_conf_ctx *c)
{
	struct gw_conf_sa *sa = cur_sa(c);
	const struct gw_conf_sa *dup, *mp = c->sa_multipath;
	uint32_t *spi_at, *name_at;
	int rc;

	sa->crypto.encrypt = sa->direction == GW_SA_OUTBOUND;
	rc = check_crypto(c);
	if (rc == 0)
		rc = check_mode(c);
	if (rc == 0)
		rc = check_options(c);
	if (rc < 0)
		return rc;
	/* The earlier SA with this SPI and direction, or with another multipath port. */
	spi_at = spi_slot(c, sa->spi, sa->direction);
	dup = *spi_at != 0 ? &c->conf->sas[*spi_at - 1] : NULL;
	/* The classifier knows one multipath port besides 4500 (like Junos). */
	if (sa->udp_encap != GW_UDP_ENCAP_PORT || mp == NULL || mp->udp_port == sa->udp_port)
		mp = NULL;
	if (dup != NULL && (mp == NULL || dup < mp))
		return conf_fail_at(c, "spi", "SPI 0x%x %s already used by %s",
				    sa->spi, sa->direction == GW_SA_OUTBOUND ?
				    "outbound" : "inbound", dup->name);
	if (mp != NULL)
		return conf_fail_at(c, "udp-encapsulation",
				    "port %u differs from port %u of %s: one multipath "
				    "port per appliance", sa->udp_port, mp->udp_port, mp->name);
	if (sa->udp_encap == GW_UDP_ENCAP_PORT && c->sa_multipath == NULL)
		c->sa_multipath = sa;
	*spi_at = (uint32_t)(sa - c->conf->sas) + 1;
	name_at = name_slot(c, sa->name);
	if (*name_at == 0)
		*name_at = *spi_at;
	return 0;
}

/* ---- printer ---- */

void *
conf_sa_nth(struct gw_conf_ctx *c, unsigned int idx)
{
	if (idx >= c->conf->nb_sas)
		return NULL;
	return c->obj[CONF_OBJ_SA] = &c->conf->sas[idx];
}

static int
get_name(const char *name, unsigned int idx, char *buf, size_t len)
{
	if (idx > 0 || name == NULL)
		return 0;
	snprintf(buf, len, "%s", name);
	return 1;
}

static int
get_key(const uint8_t *key, unsigned int key_len, unsigned int idx, char *buf, size_t len)
{
	if (idx > 0 || key_len == 0 || len < 2 * key_len + 3)
		return 0;
	buf[0] = '0';
	buf[1] = 'x';
	for (unsigned int i = 0; i < key_len; i++)
		snprintf(buf + 2 + 2 * i, 3, "%02x", key[i]);
	return 1;
}

int
conf_get_enc_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		 unsigned int idx, char *buf, size_t len)
{
	const struct gw_crypto_params *p = &cur_sa(c)->crypto;

	return get_name(gw_cipher_name(p->cipher, p->cipher_key_len), idx, buf, len);
}

int
conf_get_enc_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		 unsigned int idx, char *buf, size_t len)
{
	const struct gw_crypto_params *p = &cur_sa(c)->crypto;

	return get_key(p->cipher_key, p->cipher_key_len, idx, buf, len);
}

int
conf_get_auth_alg(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  unsigned int idx, char *buf, size_t len)
{
	enum gw_auth auth = cur_sa(c)->crypto.auth;

	return auth == GW_AUTH_NONE ? 0 : get_name(gw_auth_name(auth), idx, buf, len);
}

int
conf_get_auth_key(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  unsigned int idx, char *buf, size_t len)
{
	const struct gw_crypto_params *p = &cur_sa(c)->crypto;

	return get_key(p->auth_key, p->auth_key_len, idx, buf, len);
}

/* Printed whenever anti-replay { } was there: the container says "on". */
int
conf_get_replay_window(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		       unsigned int idx, char *buf, size_t len)
{
	if (idx > 0 || cur_sa(c)->anti_replay != 1)
		return 0;
	snprintf(buf, len, "%u", cur_sa(c)->replay_window);
	return 2;
}

int
conf_get_no_anti_replay(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
			unsigned int idx, char *buf, size_t len)
{
	return get_name(cur_sa(c)->anti_replay == 0 ? "true" : NULL, idx, buf, len);
}

int
conf_get_udp_port(struct gw_conf_ctx *c, const struct gw_conf_stmt *s __rte_unused,
		  unsigned int idx, char *buf, size_t len)
{
	if (idx > 0 || cur_sa(c)->udp_encap == GW_UDP_ENCAP_NONE)
		return 0;
	snprintf(buf, len, "%u", cur_sa(c)->udp_port);
	return 2;	/* presence container: 4500 is printed too */
}
