/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Attribute lists decoded into policy structs: SA KEK (RFC 6407 5.3, RFC 8263
 * KEK_ACK_REQUESTED), SA TEK for ESP/AH (RFC 2407 4.5 and the RFC 6407 SA TEK
 * additions) and GAP (RFC 6407, draft-weis-delay-detection-01 4). A known
 * attribute twice, in the wrong form or with a value too large is refused;
 * unknown attributes are counted and skipped, policy judges them.
 */

#include <errno.h>
#include <string.h>

#include "gdoi_priv.h"
#include "gdoi_names.h"

const struct gdoi_gap_ids gdoi_gap_ids_default = {
	.d3p_type = GDOI_GAP_D3P_TYPE_DEFAULT,
	.d3p_window = GDOI_GAP_D3P_WINDOWSIZE_DEFAULT,
};

/* Forms an attribute may take. */
#define FORM_TV		0x1
#define FORM_TLV	0x2
#define FORM_ANY	(FORM_TV | FORM_TLV)

/*
 * The integer value of a known attribute (bit `bit` of *seen marks it): not
 * seen before, in an allowed form, at most max.
 */
static int
known(const struct gdoi_attr *a, enum gdoi_attr_class cls, unsigned int bit, uint32_t *seen,
      unsigned int forms, uint64_t max, uint64_t *v, struct gdoi_perr *err)
{
	const char *name = gdoi_attr_name(cls, a->type);

	if (*seen & (1u << bit))
		return GDOI_FAIL(err, GDOI_PE_FIELD, a->val.off, "%s (%u) twice", name, a->type);
	*seen |= 1u << bit;
	if (!(forms & (a->tv ? FORM_TV : FORM_TLV)))
		return GDOI_FAIL(err, GDOI_PE_FIELD, a->val.off, "%s (%u) must be %s", name,
				 a->type, a->tv ? "TLV" : "TV");
	if (gdoi_attr_uint(a, v) < 0 || *v > max)
		return GDOI_FAIL(err, GDOI_PE_FIELD, a->val.off,
				 "%s (%u): value of %u octets too large", name, a->type,
				 a->val.len);
	return 0;
}

int
gdoi_kek_decode(const struct gdoi_attrs *l, struct gdoi_kek_policy *p, struct gdoi_perr *err)
{
	struct gdoi_attr a;
	uint32_t pos = 0, seen = 0;
	uint64_t v;
	int ret;

	memset(p, 0, sizeof(*p));
	while (gdoi_attrs_next(l, &pos, &a)) {
		if (a.type > GDOI_KEK_ACK_REQUESTED || a.type == 8) {
			p->unknown++;
			continue;
		}
		/* KEK_KEY_LIFETIME is variable (seconds, 4 octets); the rest basic */
		ret = known(&a, GDOI_AC_KEK, a.type, &seen,
			    a.type == GDOI_KEK_KEY_LIFETIME ? FORM_ANY : FORM_TV, UINT32_MAX,
			    &v, err);
		if (ret < 0)
			return ret;
		switch (a.type) {
		case GDOI_KEK_MANAGEMENT_ALGORITHM:
			p->mgmt_alg = (uint16_t)v;
			break;
		case GDOI_KEK_ALGORITHM:
			p->alg = (uint16_t)v;
			break;
		case GDOI_KEK_KEY_LENGTH:
			p->key_bits = (uint16_t)v;
			break;
		case GDOI_KEK_KEY_LIFETIME:
			p->lifetime_s = (uint32_t)v;
			break;
		case GDOI_KEK_SIG_HASH_ALGORITHM:
			p->sig_hash = (uint16_t)v;
			break;
		case GDOI_KEK_SIG_ALGORITHM:
			p->sig_alg = (uint16_t)v;
			break;
		case GDOI_KEK_SIG_KEY_LENGTH:
			p->sig_key_bits = (uint16_t)v;
			break;
		case GDOI_KEK_ACK_REQUESTED:
			p->ack = (uint16_t)v;
			break;
		}
	}
	return 0;
}

/*
 * RFC 2407 4.5: SA Life Type / SA Life Duration come in pairs, type first;
 * one pair per type (seconds, kilobytes).
 */
int
gdoi_tek_decode(const struct gdoi_attrs *l, struct gdoi_tek_policy *p, struct gdoi_perr *err)
{
	struct gdoi_attr a;
	uint32_t pos = 0, seen = 0, life_seen = 0;
	uint16_t life_type = 0;
	uint64_t v;
	int ret;

	memset(p, 0, sizeof(*p));
	while (gdoi_attrs_next(l, &pos, &a)) {
		switch (a.type) {
		case GDOI_IPSEC_SA_LIFE_TYPE:
			if (life_type != 0 || !a.tv || a.tv_value < 1 || a.tv_value > 2 ||
			    (life_seen & (1u << a.tv_value)))
				return GDOI_FAIL(err, GDOI_PE_FIELD, a.val.off,
						 "SA_LIFE_TYPE %u out of place", a.tv_value);
			life_type = a.tv_value;
			life_seen |= 1u << life_type;
			continue;
		case GDOI_IPSEC_SA_LIFE_DURATION:
			if (life_type == 0 || gdoi_attr_uint(&a, &v) < 0)
				return GDOI_FAIL(err, GDOI_PE_FIELD, a.val.off,
						 "SA_LIFE_DURATION without a type or too large");
			if (life_type == GDOI_LIFE_SECONDS)
				p->life_s = v;
			else
				p->life_kb = v;
			life_type = 0;
			continue;
		case GDOI_IPSEC_ENCAPSULATION_MODE:
		case GDOI_IPSEC_AUTH_ALGORITHM:
		case GDOI_IPSEC_KEY_LENGTH:
		case GDOI_IPSEC_KEY_ROUNDS:
		case GDOI_IPSEC_EXT_SEQ_NUM:
		case GDOI_IPSEC_ADDR_PRESERVATION:
		case GDOI_IPSEC_SA_DIRECTION:
			ret = known(&a, GDOI_AC_IPSEC, a.type, &seen, FORM_TV, UINT16_MAX, &v, err);
			if (ret < 0)
				return ret;
			break;
		default:
			p->unknown++;
			continue;
		}
		if (a.type == GDOI_IPSEC_ENCAPSULATION_MODE)
			p->encap = (uint16_t)v;
		else if (a.type == GDOI_IPSEC_AUTH_ALGORITHM)
			p->auth_alg = (uint16_t)v;
		else if (a.type == GDOI_IPSEC_KEY_LENGTH)
			p->key_bits = (uint16_t)v;
		else if (a.type == GDOI_IPSEC_KEY_ROUNDS)
			p->key_rounds = (uint16_t)v;
		else if (a.type == GDOI_IPSEC_EXT_SEQ_NUM)
			p->esn = (uint16_t)v;
		else if (a.type == GDOI_IPSEC_ADDR_PRESERVATION)
			p->addr_preservation = (uint16_t)v;
		else
			p->direction = (uint16_t)v;
	}
	if (life_type != 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, l->s.off + l->s.len,
				 "SA_LIFE_TYPE %u without SA_LIFE_DURATION", life_type);
	return 0;
}

/*
 * RFC 6407 GAP: ATD, DTD, SENDER_ID_REQUEST; draft-weis-delay-detection-01 4:
 * D3P-TYPE (TV, non-zero) and D3P-WINDOWSIZE (TLV, ms, > 0, required with
 * D3P-TYPE), under the numbers in ids.
 */
int
gdoi_gap_decode(const struct gdoi_attrs *l, const struct gdoi_gap_ids *ids,
		struct gdoi_gap *gap, struct gdoi_perr *err)
{
	struct gdoi_attr a;
	uint32_t pos = 0, seen = 0;
	uint64_t v;
	int ret;

	memset(gap, 0, sizeof(*gap));
	while (gdoi_attrs_next(l, &pos, &a)) {
		if (a.type == GDOI_GAP_ACTIVATION_TIME_DELAY ||
		    a.type == GDOI_GAP_DEACTIVATION_TIME_DELAY ||
		    a.type == GDOI_GAP_SENDER_ID_REQUEST) {
			ret = known(&a, GDOI_AC_GAP, a.type, &seen, FORM_ANY, UINT32_MAX, &v, err);
			if (ret < 0)
				return ret;
			if (a.type == GDOI_GAP_ACTIVATION_TIME_DELAY)
				gap->atd = (uint32_t)v;
			else if (a.type == GDOI_GAP_DEACTIVATION_TIME_DELAY)
				gap->dtd = (uint32_t)v;
			else
				gap->sid_request = (uint32_t)v;
		} else if (a.type == ids->d3p_type) {
			ret = known(&a, GDOI_AC_GAP, 4, &seen, FORM_TV, UINT16_MAX, &v, err);
			if (ret < 0)
				return ret;
			if (v == 0)
				return GDOI_FAIL(err, GDOI_PE_FIELD, a.val.off,
						 "GAP D3P-TYPE 0 (reserved)");
			gap->d3p_type = (uint16_t)v;
		} else if (a.type == ids->d3p_window) {
			ret = known(&a, GDOI_AC_GAP, 5, &seen, FORM_TLV, UINT32_MAX, &v, err);
			if (ret < 0)
				return ret;
			gap->d3p_window_ms = (uint32_t)v;
		} else {
			gap->unknown++;
		}
	}
	if (gap->d3p_type != 0 && gap->d3p_window_ms == 0)
		return GDOI_FAIL(err, GDOI_PE_FIELD, l->s.off,
				 "GAP D3P-TYPE %u without a D3P-WINDOWSIZE > 0", gap->d3p_type);
	return 0;
}
