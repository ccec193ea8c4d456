/* SPDX-License-Identifier: BSD-3-Clause */
/* One leaf value: from text or a libconfig setting, type and range checked, then stored. */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

const char *
gw_conf_type_name(enum gw_conf_type type)
{
	static const char *const names[] = {
		[GW_CONF_CONTAINER] = "container", [GW_CONF_LIST] = "list",
		[GW_CONF_BOOL] = "flag", [GW_CONF_UINT] = "number",
		[GW_CONF_STRING] = "string", [GW_CONF_ENUM] = "choice",
		[GW_CONF_PREFIX] = "prefix", [GW_CONF_IPADDR] = "address",
		[GW_CONF_MAC] = "mac-address", [GW_CONF_KEY] = "hex-key",
		[GW_CONF_PORTS] = "port-range",
	};

	if ((size_t)type >= RTE_DIM(names) || names[type] == NULL)
		return "?";
	return names[type];
}

static int
parse_uint(const struct gw_conf_stmt *s, const char *text, uint64_t *out,
	   char *reason, size_t len)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (text[0] < '0' || text[0] > '9')
		goto bad;
	v = strtoull(text, &end, 0);
	if (errno != 0 || *end != '\0')
		goto bad;
	if (v < s->min || v > s->max) {
		snprintf(reason, len, "value %llu out of range %" PRIu64 "..%" PRIu64,
			 v, s->min, s->max);
		return -ERANGE;
	}
	*out = v;
	return 0;
bad:
	snprintf(reason, len, "invalid number '%s'", text);
	return -EINVAL;
}

static int
parse_enum(const struct gw_conf_stmt *s, const char *text, uint64_t *out,
	   char *reason, size_t len)
{
	size_t used;

	for (unsigned int i = 0; s->names[i] != NULL; i++) {
		if (strcmp(text, s->names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	used = (size_t)snprintf(reason, len, "invalid value '%s', expected", text);
	for (unsigned int i = 0; s->names[i] != NULL && used < len; i++)
		used += (size_t)snprintf(reason + used, len - used, "%s %s",
					 i == 0 ? "" : ",", s->names[i]);
	return -EINVAL;
}

int
conf_value_parse(const struct gw_conf_stmt *s, const char *text, struct gw_conf_val *v,
		 char *reason, size_t len)
{
	size_t n;

	memset(v, 0, sizeof(*v));
	v->s = text;
	switch (s->type) {
	case GW_CONF_BOOL:
		if (text[0] == '\0' || strcmp(text, "true") == 0)
			v->u = 1;
		else if (strcmp(text, "false") != 0)
			goto bad;
		return 0;
	case GW_CONF_UINT:
		return parse_uint(s, text, &v->u, reason, len);
	case GW_CONF_STRING:
		n = strlen(text);
		if (n < s->min || n > s->max) {
			snprintf(reason, len, "'%s': length must be %" PRIu64 "..%" PRIu64,
				 text, s->min, s->max);
			return -EINVAL;
		}
		return 0;
	case GW_CONF_ENUM:
		return parse_enum(s, text, &v->u, reason, len);
	case GW_CONF_PREFIX:
		if (gw_prefix_parse(text, &v->prefix) < 0)
			goto bad;
		return 0;
	case GW_CONF_IPADDR:
		if (gw_ipaddr_parse(text, &v->addr) < 0)
			goto bad;
		return 0;
	case GW_CONF_MAC:
		if (conf_mac_parse(text, &v->mac) < 0)
			goto bad;
		return 0;
	case GW_CONF_KEY:
		/* Never echo key material into a message. */
		if (conf_key_parse(text, v->key, sizeof(v->key), &v->key_len) < 0 ||
		    v->key_len < s->min || v->key_len > s->max) {
			explicit_bzero(v->key, sizeof(v->key));
			snprintf(reason, len, "invalid key: expected 0x and %" PRIu64 "..%" PRIu64
				 " bytes in hex", s->min, s->max);
			return -EINVAL;
		}
		return 0;
	case GW_CONF_PORTS:
		if (conf_ports_parse(text, &v->lo, &v->hi) < 0)
			goto bad;
		return 0;
	default:
		snprintf(reason, len, "'%s' is not a value statement", gw_conf_stmt_name(s));
		return -EINVAL;
	}
bad:
	snprintf(reason, len, "invalid %s '%s'", gw_conf_type_name(s->type), text);
	return -EINVAL;
}

int
conf_setting_value(const struct gw_conf_stmt *s, const config_setting_t *set,
		   struct gw_conf_val *v, char *reason, size_t len)
{
	char num[24];
	long long i;
	int type = config_setting_type(set);

	if (s->type == GW_CONF_BOOL) {
		if (type != CONFIG_TYPE_BOOL) {
			snprintf(reason, len, "expected true or false");
			return -EINVAL;
		}
		memset(v, 0, sizeof(*v));
		v->u = config_setting_get_bool(set) != 0;
		return 0;
	}
	if (type == CONFIG_TYPE_STRING)
		return conf_value_parse(s, config_setting_get_string(set), v, reason, len);
	if ((type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) &&
	    (s->type == GW_CONF_UINT || s->type == GW_CONF_PORTS)) {
		i = config_setting_get_int64(set);
		/*
		 * libconfig 1.5 keeps plain integers in 32 bits: 0xdeadbeef reads
		 * as negative (taken back as unsigned here), 3000000000 too (refused:
		 * it needs an L suffix or quotes, see README).
		 */
		if (type == CONFIG_TYPE_INT && i < 0 &&
		    config_setting_get_format(set) == CONFIG_FORMAT_HEX)
			i = (long long)(uint32_t)i;
		if (i < 0) {
			snprintf(reason, len, "negative number (write numbers from 2^31 up with an "
				 "L suffix, 3000000000L, or in quotes)");
			return -ERANGE;
		}
		snprintf(num, sizeof(num), "%lld", i);
		return conf_value_parse(s, num, v, reason, len);
	}
	snprintf(reason, len, "expected a %s", gw_conf_type_name(s->type));
	return -EINVAL;
}

static void
store_uint(void *dst, size_t size, uint64_t u)
{
	switch (size) {
	case 1:
		*(uint8_t *)dst = (uint8_t)u;
		break;
	case 2:
		*(uint16_t *)dst = (uint16_t)u;
		break;
	case 4:
		*(uint32_t *)dst = (uint32_t)u;
		break;
	default:
		*(uint64_t *)dst = u;
		break;
	}
}

/* The generic store of a row: the value at obj + off. */
int
conf_store(struct gw_conf_ctx *c, const struct gw_conf_stmt *s, const struct gw_conf_val *v)
{
	uint8_t *dst = c->obj[s->obj];

	if (dst == NULL || s->size == 0)
		return conf_fail(c, "internal: no place to store '%s'", s->path);
	dst += s->off;
	switch (s->type) {
	case GW_CONF_BOOL:
		if (s->size == sizeof(bool)) {
			*(bool *)dst = v->u != 0;
			return 0;
		}
		/* fall through */
	case GW_CONF_UINT:
	case GW_CONF_ENUM:
		store_uint(dst, s->size, v->u);
		return 0;
	case GW_CONF_STRING:
		snprintf((char *)dst, s->size, "%s", v->s);
		return 0;
	case GW_CONF_PREFIX:
		memcpy(dst, &v->prefix, sizeof(v->prefix));
		return 0;
	case GW_CONF_IPADDR:
		memcpy(dst, &v->addr, sizeof(v->addr));
		return 0;
	case GW_CONF_MAC:
		memcpy(dst, &v->mac, sizeof(v->mac));
		return 0;
	case GW_CONF_PORTS:	/* uint16_t lo, hi; side by side */
		memcpy(dst, &v->lo, sizeof(v->lo));
		memcpy(dst + sizeof(v->lo), &v->hi, sizeof(v->hi));
		return 0;
	default:
		return conf_fail(c, "internal: '%s' needs a setter", s->path);
	}
}

int
gw_conf_value_check(const struct gw_conf_stmt *s, const char *text, char *reason, size_t len)
{
	struct gw_conf_val v;
	int rc;

	if (s == NULL || text == NULL)
		return -EINVAL;
	rc = conf_value_parse(s, text, &v, reason, len);
	explicit_bzero(&v, sizeof(v));
	return rc < 0 ? -EINVAL : 0;
}
