/* SPDX-License-Identifier: BSD-3-Clause */
/* IKEv2 Identification payload body and text forms (RFC 7296 3.5). */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "ike_id.h"

static const struct {
	uint8_t type;
	const char *name;
} id_names[] = {
	{ IKE_IDTYPE_ANY, "any" },
	{ IKE_IDTYPE_IPV4_ADDR, "inet" },
	{ IKE_IDTYPE_FQDN, "hostname" },
	{ IKE_IDTYPE_RFC822_ADDR, "user-at-hostname" },
	{ IKE_IDTYPE_IPV6_ADDR, "inet6" },
	{ IKE_IDTYPE_DER_ASN1_DN, "distinguished-name" },
	{ IKE_IDTYPE_DER_ASN1_GN, "der-asn1-gn" },
	{ IKE_IDTYPE_KEY_ID, "key-id" },
};

const char *
ike_id_type_name(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(id_names) / sizeof(id_names[0]); i++)
		if (id_names[i].type == type)
			return id_names[i].name;
	return "unknown";
}

/*
 * A host or mail name: RFC 7296 3.5 forbids terminators (NUL, CR, ...); we
 * refuse every control character, space and DEL. Octets >= 0x80 pass (UTF-8).
 */
static bool
name_octets_ok(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] <= 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

static bool
has_at(const uint8_t *p, size_t len)
{
	return memchr(p, '@', len) != NULL;
}

/* The checks shared by the decoder and the configuration parser. */
static int
id_data_check(uint8_t type, const uint8_t *data, size_t len, const char **reason)
{
	if (len > IKE_ID_DATA_MAX) {
		*reason = "identification data too long";
		return -EBADMSG;
	}
	switch (type) {
	case IKE_IDTYPE_IPV4_ADDR:
		if (len != 4) {
			*reason = "ID_IPV4_ADDR is not 4 octets";
			return -EBADMSG;
		}
		return 0;
	case IKE_IDTYPE_IPV6_ADDR:
		if (len != 16) {
			*reason = "ID_IPV6_ADDR is not 16 octets";
			return -EBADMSG;
		}
		return 0;
	case IKE_IDTYPE_FQDN:
	case IKE_IDTYPE_RFC822_ADDR:
		if (len == 0) {
			*reason = "empty name";
			return -EBADMSG;
		}
		if (!name_octets_ok(data, len)) {
			*reason = "name holds a control character or space";
			return -EBADMSG;
		}
		return 0;
	case IKE_IDTYPE_KEY_ID:
		if (len == 0) {
			*reason = "empty key id";
			return -EBADMSG;
		}
		return 0;
	case IKE_IDTYPE_DER_ASN1_DN:
		if (!ike_dn_valid(data, len)) {
			*reason = "ID_DER_ASN1_DN is not one DER Name";
			return -EBADMSG;
		}
		if (len == 2) {		/* 30 00: a Name without RDN identifies nobody */
			*reason = "empty distinguished name";
			return -EBADMSG;
		}
		return 0;
	default:
		*reason = "unsupported ID type";
		return -EPROTONOSUPPORT;
	}
}

int
ike_id_decode(const uint8_t *body, size_t len, struct ike_id *id, const char **reason)
{
	const char *why = NULL;
	int ret;

	if (len < IKE_ID_HDR_LEN) {
		why = "ID payload shorter than its 4-octet header";
		ret = -EBADMSG;
	} else {
		ret = id_data_check(body[0], body + IKE_ID_HDR_LEN, len - IKE_ID_HDR_LEN, &why);
	}
	if (ret < 0) {
		if (reason != NULL)
			*reason = why;
		return ret;
	}
	id->type = body[0];
	id->len = (uint16_t)(len - IKE_ID_HDR_LEN);
	memcpy(id->data, body + IKE_ID_HDR_LEN, id->len);
	return 0;
}

int
ike_id_encode(const struct ike_id *id, uint8_t *out, size_t cap, size_t *len)
{
	if (id->type == IKE_IDTYPE_ANY || id->len > IKE_ID_DATA_MAX)
		return -EINVAL;
	if (cap < IKE_ID_HDR_LEN + (size_t)id->len)
		return -ENOSPC;
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;	/* RESERVED: MUST be sent as zero */
	memcpy(out + IKE_ID_HDR_LEN, id->data, id->len);
	*len = IKE_ID_HDR_LEN + (size_t)id->len;
	return 0;
}

/* key-id "0x0a0b..." (even number of hex digits) or its text as octets. */
static int
parse_key_id(const char *value, struct ike_id *id, const char **reason)
{
	size_t n = strlen(value), i;

	if (n > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
		value += 2;
		n -= 2;
		if (n % 2 != 0 || n / 2 > IKE_ID_DATA_MAX) {
			*reason = "key-id: odd number of hex digits or too long";
			return -EINVAL;
		}
		for (i = 0; i < n / 2; i++) {
			int hi = OPENSSL_hexchar2int((unsigned char)value[2 * i]);
			int lo = OPENSSL_hexchar2int((unsigned char)value[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				*reason = "key-id: not a hex digit";
				return -EINVAL;
			}
			id->data[i] = (uint8_t)(hi << 4 | lo);
		}
		id->len = (uint16_t)(n / 2);
	} else {
		if (n == 0 || n > IKE_ID_DATA_MAX) {
			*reason = "key-id: empty or too long";
			return -EINVAL;
		}
		memcpy(id->data, value, n);
		id->len = (uint16_t)n;
	}
	id->type = IKE_IDTYPE_KEY_ID;
	return 0;
}

int
ike_id_parse(const char *kind, const char *value, struct ike_id *id, const char **reason)
{
	const char *why = NULL;
	size_t n, dn_len;
	int ret = -EINVAL;

	memset(id, 0, offsetof(struct ike_id, data));
	if (kind == NULL || value == NULL) {
		why = "missing identity";
	} else if (strcmp(kind, "any") == 0) {
		id->type = IKE_IDTYPE_ANY;
		ret = 0;
	} else if (strcmp(kind, "inet") == 0) {
		ret = inet_pton(AF_INET, value, id->data) == 1 ? 0 : -EINVAL;
		why = "inet: not an IPv4 address";
		id->type = IKE_IDTYPE_IPV4_ADDR;
		id->len = 4;
	} else if (strcmp(kind, "inet6") == 0) {
		ret = inet_pton(AF_INET6, value, id->data) == 1 ? 0 : -EINVAL;
		why = "inet6: not an IPv6 address";
		id->type = IKE_IDTYPE_IPV6_ADDR;
		id->len = 16;
	} else if (strcmp(kind, "hostname") == 0 || strcmp(kind, "user-at-hostname") == 0) {
		id->type = kind[0] == 'h' ? IKE_IDTYPE_FQDN : IKE_IDTYPE_RFC822_ADDR;
		n = strlen(value);
		ret = id_data_check(id->type, (const uint8_t *)value, n, &why);
		/* received ones may lack it (strongSwan's "@@name"), configured ones not */
		if (ret == 0 && id->type == IKE_IDTYPE_RFC822_ADDR &&
		    !has_at((const uint8_t *)value, n)) {
			why = "user-at-hostname without '@'";
			ret = -EINVAL;
		}
		if (ret == 0) {
			memcpy(id->data, value, n);
			id->len = (uint16_t)n;
		}
		ret = ret < 0 ? -EINVAL : 0;
	} else if (strcmp(kind, "distinguished-name") == 0) {
		id->type = IKE_IDTYPE_DER_ASN1_DN;
		ret = ike_dn_from_text(value, id->data, sizeof(id->data), &dn_len, &why);
		if (ret == 0)
			id->len = (uint16_t)dn_len;
		ret = ret < 0 ? -EINVAL : 0;
	} else if (strcmp(kind, "key-id") == 0) {
		ret = parse_key_id(value, id, &why);
	} else {
		why = "unknown identity kind";
	}
	if (ret < 0 && reason != NULL)
		*reason = why;
	return ret;
}

/* Append to buf at *pos; false once it no longer fits (still NUL-terminated). */
static bool
put(char *buf, size_t cap, size_t *pos, const char *s, size_t n)
{
	size_t room = cap - *pos - 1;
	bool fits = n <= room;

	if (!fits)
		n = room;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
	return fits;
}

int
ike_id_to_text(const struct ike_id *id, char *buf, size_t cap)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t pos = 0, i;
	bool ok = true;

	if (cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	switch (id->type) {
	case IKE_IDTYPE_ANY:
		ok = put(buf, cap, &pos, "%any", 4);
		break;
	case IKE_IDTYPE_IPV4_ADDR:
	case IKE_IDTYPE_IPV6_ADDR:
		if (id->len != (id->type == IKE_IDTYPE_IPV4_ADDR ? 4 : 16) ||
		    inet_ntop(id->type == IKE_IDTYPE_IPV4_ADDR ? AF_INET : AF_INET6, id->data,
			      tmp, sizeof(tmp)) == NULL)
			snprintf(tmp, sizeof(tmp), "(bad address)");
		ok = put(buf, cap, &pos, tmp, strlen(tmp));
		break;
	case IKE_IDTYPE_FQDN:
	case IKE_IDTYPE_RFC822_ADDR:
		for (i = 0; i < id->len && ok; i++) {
			uint8_t o = id->data[i];
			char c = o < 0x20 || o == 0x7f ? '?' : (char)o;

			ok = put(buf, cap, &pos, &c, 1);
		}
		break;
	case IKE_IDTYPE_DER_ASN1_DN:
		return ike_dn_to_text(id->data, id->len, buf, cap);
	default:
		ok = put(buf, cap, &pos, "0x", 2);
		for (i = 0; i < id->len && ok; i++) {
			snprintf(tmp, sizeof(tmp), "%02x", id->data[i]);
			ok = put(buf, cap, &pos, tmp, 2);
		}
		break;
	}
	return ok ? (int)pos : -ENOSPC;
}

static uint8_t
tolower_ascii(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

bool
ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	size_t i;

	if (a->type != b->type || (a->type != IKE_IDTYPE_DER_ASN1_DN && a->len != b->len))
		return false;
	switch (a->type) {
	case IKE_IDTYPE_ANY:
		return true;
	case IKE_IDTYPE_FQDN:
	case IKE_IDTYPE_RFC822_ADDR:
		/* DNS names and mail domains are case-insensitive (RFC 4343). */
		for (i = 0; i < a->len; i++)
			if (tolower_ascii(a->data[i]) != tolower_ascii(b->data[i]))
				return false;
		return true;
	case IKE_IDTYPE_DER_ASN1_DN:
		return ike_dn_equal(a->data, a->len, b->data, b->len);
	default:
		return memcmp(a->data, b->data, a->len) == 0;
	}
}

bool
ike_id_matches(const struct ike_id *configured, const struct ike_id *received)
{
	return configured->type == IKE_IDTYPE_ANY || ike_id_equal(configured, received);
}
