/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-message payload rules, checked on a parsed message before any handler
 * sees it: exchange type, encryption, which top-level payloads may appear,
 * how often, which must come first or last. Nested SA KEK / SA TEK / GAP are
 * the SA's business (the parser already restricted them).
 */

#include <errno.h>

#include "gdoi_priv.h"
#include "gdoi_names.h"

#define ANY_N		255	/* no upper bound beyond GDOI_MAX_PAYLOADS */
#define MAX_COUNTS	8

enum rule_enc {
	ENC_NO,			/* E flag must be clear */
	ENC_YES,		/* E flag must be set (the body was decrypted) */
	ENC_ANY,
};

#define RULE_SA_GDOI		0x01	/* every SA uses the RFC 6407 5.2 layout */
#define RULE_HASH_FIRST_IF_ENC	0x02	/* RFC 2409 5.7: protected Informational */
#define RULE_ONE_OF		0x04	/* exactly one of one_of[0], one_of[1] */
#define RULE_SOME_OF		0x08	/* at least one of one_of[0], one_of[1] */

struct rule_count {
	uint8_t type;
	uint8_t min;
	uint8_t max;
};

struct gdoi_rule {
	uint8_t exch;
	uint8_t enc;			/* enum rule_enc */
	uint8_t first;			/* payload type that must come first, or 0 */
	uint8_t last;			/* payload type that must come last, or 0 */
	uint8_t flags;
	uint8_t one_of[2];
	struct rule_count pl[MAX_COUNTS];
};

static const struct gdoi_rule rules[GDOI_MSG_KIND_MAX] = {
	/* RFC 2409 5: HDR, SA [, VID...] */
	[GDOI_MSG_MM1] = { GDOI_EXCH_IDPROT, ENC_NO, GDOI_PL_SA, 0, 0, { 0 },
		{ { GDOI_PL_SA, 1, 1 }, { GDOI_PL_VID, 0, ANY_N } } },
	[GDOI_MSG_MM2] = { GDOI_EXCH_IDPROT, ENC_NO, GDOI_PL_SA, 0, 0, { 0 },
		{ { GDOI_PL_SA, 1, 1 }, { GDOI_PL_VID, 0, ANY_N } } },
	/* HDR, KE, Ni [, CERTREQ...] [, NAT-D...] [, VID...] */
	[GDOI_MSG_MM3] = { GDOI_EXCH_IDPROT, ENC_NO, 0, 0, 0, { 0 },
		{ { GDOI_PL_KE, 1, 1 }, { GDOI_PL_NONCE, 1, 1 }, { GDOI_PL_CERTREQ, 0, ANY_N },
		  { GDOI_PL_NATD, 0, ANY_N }, { GDOI_PL_VID, 0, ANY_N } } },
	[GDOI_MSG_MM4] = { GDOI_EXCH_IDPROT, ENC_NO, 0, 0, 0, { 0 },
		{ { GDOI_PL_KE, 1, 1 }, { GDOI_PL_NONCE, 1, 1 }, { GDOI_PL_CERTREQ, 0, ANY_N },
		  { GDOI_PL_NATD, 0, ANY_N }, { GDOI_PL_VID, 0, ANY_N } } },
	/* HDR*, IDii, [CERT,] SIG_I | HASH_I [, N(INITIAL-CONTACT)] [, VID] */
	[GDOI_MSG_MM5] = { GDOI_EXCH_IDPROT, ENC_YES, GDOI_PL_ID, 0, RULE_ONE_OF,
		{ GDOI_PL_HASH, GDOI_PL_SIG },
		{ { GDOI_PL_ID, 1, 1 }, { GDOI_PL_HASH, 0, 1 }, { GDOI_PL_SIG, 0, 1 },
		  { GDOI_PL_CERT, 0, ANY_N }, { GDOI_PL_CERTREQ, 0, ANY_N },
		  { GDOI_PL_NOTIFY, 0, ANY_N }, { GDOI_PL_VID, 0, ANY_N } } },
	[GDOI_MSG_MM6] = { GDOI_EXCH_IDPROT, ENC_YES, GDOI_PL_ID, 0, RULE_ONE_OF,
		{ GDOI_PL_HASH, GDOI_PL_SIG },
		{ { GDOI_PL_ID, 1, 1 }, { GDOI_PL_HASH, 0, 1 }, { GDOI_PL_SIG, 0, 1 },
		  { GDOI_PL_CERT, 0, ANY_N }, { GDOI_PL_NOTIFY, 0, ANY_N },
		  { GDOI_PL_VID, 0, ANY_N } } },
	/* RFC 2408 4.8, RFC 2409 5.7: HDR*, HASH, N | D ... */
	[GDOI_MSG_INFO] = { GDOI_EXCH_INFO, ENC_ANY, 0, 0,
		RULE_HASH_FIRST_IF_ENC | RULE_SOME_OF, { GDOI_PL_NOTIFY, GDOI_PL_DELETE },
		{ { GDOI_PL_HASH, 0, 1 }, { GDOI_PL_NOTIFY, 0, ANY_N },
		  { GDOI_PL_DELETE, 0, ANY_N } } },
	/* RFC 6407 3: HDR*, HASH(1), Ni, ID */
	[GDOI_MSG_PULL1] = { GDOI_EXCH_PULL, ENC_YES, GDOI_PL_HASH, 0, 0, { 0 },
		{ { GDOI_PL_HASH, 1, 1 }, { GDOI_PL_NONCE, 1, 1 }, { GDOI_PL_ID, 1, 1 } } },
	/* HDR*, HASH(2), Nr, SA */
	[GDOI_MSG_PULL2] = { GDOI_EXCH_PULL, ENC_YES, GDOI_PL_HASH, 0, RULE_SA_GDOI, { 0 },
		{ { GDOI_PL_HASH, 1, 1 }, { GDOI_PL_NONCE, 1, 1 }, { GDOI_PL_SA, 1, 1 } } },
	/* HDR*, HASH(3) [, GAP] */
	[GDOI_MSG_PULL3] = { GDOI_EXCH_PULL, ENC_YES, GDOI_PL_HASH, 0, 0, { 0 },
		{ { GDOI_PL_HASH, 1, 1 }, { GDOI_PL_GAP, 0, 1 } } },
	/* HDR*, HASH(4), [SEQ,] KD */
	[GDOI_MSG_PULL4] = { GDOI_EXCH_PULL, ENC_YES, GDOI_PL_HASH, 0, 0, { 0 },
		{ { GDOI_PL_HASH, 1, 1 }, { GDOI_PL_SEQ, 0, 1 }, { GDOI_PL_KD, 1, 1 } } },
	/*
	 * RFC 6407 4: HDR*, SEQ, [D,] SA, KD, [GAP,] SIG. SA and KD are optional
	 * here: a PUSH that only deletes (SEQ, D, SIG) is what the GDOI reference
	 * sends when its key server stops.
	 */
	[GDOI_MSG_PUSH] = { GDOI_EXCH_PUSH, ENC_YES, GDOI_PL_SEQ, GDOI_PL_SIG, RULE_SA_GDOI,
		{ 0 },
		{ { GDOI_PL_SEQ, 1, 1 }, { GDOI_PL_DELETE, 0, ANY_N }, { GDOI_PL_SA, 0, 1 },
		  { GDOI_PL_KD, 0, 1 }, { GDOI_PL_GAP, 0, 1 }, { GDOI_PL_SIG, 1, 1 } } },
	/* RFC 8263: HDR, HASH, SEQ, ID (not encrypted) */
	[GDOI_MSG_PUSH_ACK] = { GDOI_EXCH_PUSH_ACK, ENC_NO, GDOI_PL_HASH, 0, 0, { 0 },
		{ { GDOI_PL_HASH, 1, 1 }, { GDOI_PL_SEQ, 1, 1 }, { GDOI_PL_ID, 1, 1 } } },
};

static const struct rule_count *
rule_find(const struct gdoi_rule *r, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < MAX_COUNTS && r->pl[i].type != GDOI_PL_NONE; i++)
		if (r->pl[i].type == type)
			return &r->pl[i];
	return NULL;
}

int
gdoi_msg_check_rules(const struct gdoi_msg *msg, enum gdoi_msg_kind kind,
		     struct gdoi_perr *err)
{
	const char *kn = gdoi_msg_kind_name(kind);
	unsigned int count[256] = { 0 };
	const struct gdoi_pl *first = NULL, *last = NULL;
	const struct gdoi_rule *r;
	bool enc;
	unsigned int i;

	if (kind == GDOI_MSG_ANY)
		return 0;
	/* a caller's bug: never let it pass as "no rule" */
	if ((unsigned int)kind >= GDOI_MSG_KIND_MAX) {
		GDOI_FAIL(err, GDOI_PE_RULE_EXCHANGE, 0, "no rule for message kind %d", (int)kind);
		return -EINVAL;
	}
	r = &rules[kind];
	if (msg->hdr.exchange != r->exch)
		return GDOI_FAIL(err, GDOI_PE_RULE_EXCHANGE, 18, "%s: exchange %s (%u), want %u",
				 kn, gdoi_exch_name(msg->hdr.exchange), msg->hdr.exchange,
				 r->exch);
	enc = (msg->hdr.flags & GDOI_FLAG_ENC) != 0;
	if ((r->enc == ENC_YES && !enc) || (r->enc == ENC_NO && enc))
		return GDOI_FAIL(err, GDOI_PE_RULE_FLAGS, 19, "%s must %sbe encrypted", kn,
				 r->enc == ENC_YES ? "" : "not ");
	for (i = 0; i < msg->npl; i++) {
		const struct gdoi_pl *pl = &msg->pl[i];

		if (pl->nested)
			continue;
		if (rule_find(r, pl->type) == NULL)
			return GDOI_FAIL(err, GDOI_PE_RULE_UNEXPECTED, pl->off,
					 "%s: %s payload not allowed (offset %u)", kn,
					 gdoi_pl_name(pl->type), pl->off);
		if ((r->flags & RULE_SA_GDOI) && pl->type == GDOI_PL_SA && !pl->u.sa.gdoi)
			return GDOI_FAIL(err, GDOI_PE_RULE_UNEXPECTED, pl->off,
					 "%s: SA with DOI %u, want GDOI (2)", kn, pl->u.sa.doi);
		count[pl->type]++;
		if (first == NULL)
			first = pl;
		last = pl;
	}
	for (i = 0; i < MAX_COUNTS && r->pl[i].type != GDOI_PL_NONE; i++) {
		const struct rule_count *rc = &r->pl[i];

		if (count[rc->type] < rc->min)
			return GDOI_FAIL(err, GDOI_PE_RULE_MISSING, 0, "%s: no %s payload", kn,
					 gdoi_pl_name(rc->type));
		if (count[rc->type] > rc->max)
			return GDOI_FAIL(err, GDOI_PE_RULE_COUNT, 0, "%s: %u %s payloads, max %u",
					 kn, count[rc->type], gdoi_pl_name(rc->type), rc->max);
	}
	if (r->flags & RULE_ONE_OF && count[r->one_of[0]] + count[r->one_of[1]] != 1)
		return GDOI_FAIL(err, GDOI_PE_RULE_MISSING, 0, "%s: want exactly one of %s, %s",
				 kn, gdoi_pl_name(r->one_of[0]), gdoi_pl_name(r->one_of[1]));
	if (r->flags & RULE_SOME_OF && count[r->one_of[0]] + count[r->one_of[1]] == 0)
		return GDOI_FAIL(err, GDOI_PE_RULE_MISSING, 0, "%s: want a %s or a %s", kn,
				 gdoi_pl_name(r->one_of[0]), gdoi_pl_name(r->one_of[1]));
	if (r->flags & RULE_HASH_FIRST_IF_ENC && enc &&
	    (first == NULL || first->type != GDOI_PL_HASH))
		return GDOI_FAIL(err, GDOI_PE_RULE_ORDER, 0, "%s: encrypted without HASH first",
				 kn);
	if (r->first != GDOI_PL_NONE && (first == NULL || first->type != r->first))
		return GDOI_FAIL(err, GDOI_PE_RULE_ORDER, first ? first->off : 0,
				 "%s: first payload %s, want %s", kn,
				 first ? gdoi_pl_name(first->type) : "none",
				 gdoi_pl_name(r->first));
	if (r->last != GDOI_PL_NONE && (last == NULL || last->type != r->last))
		return GDOI_FAIL(err, GDOI_PE_RULE_ORDER, last ? last->off : 0,
				 "%s: last payload %s, want %s", kn,
				 last ? gdoi_pl_name(last->type) : "none", gdoi_pl_name(r->last));
	return 0;
}
