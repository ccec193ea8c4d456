/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-exchange payload rules (RFC 7296 1.2-1.5, 2.6, 2.21): which payloads a
 * request or response of each exchange carries, how many, and that everything
 * after IKE_SA_INIT is inside the SK payload. Checked on the whole parsed
 * message before any handler reads it. A response carrying an error notify
 * (or a cookie / INVALID_KE_PAYLOAD request) needs none of the others.
 */
#include <errno.h>

#include "ike_msg.h"
#include "ike_priv.h"

#define ANY 255
#define REQ 1
#define RESP 2
#define BOTH 3

struct rule {
	uint8_t exch, dir, type, min, max;
};

static const struct rule rules[] = {
	{ IKE_EXCH_SA_INIT, BOTH, IKE_PL_SA, 1, 1 },
	{ IKE_EXCH_SA_INIT, BOTH, IKE_PL_KE, 1, 1 },
	{ IKE_EXCH_SA_INIT, BOTH, IKE_PL_NONCE, 1, 1 },
	{ IKE_EXCH_SA_INIT, BOTH, IKE_PL_NOTIFY, 0, ANY },
	{ IKE_EXCH_SA_INIT, BOTH, IKE_PL_VENDOR, 0, ANY },
	{ IKE_EXCH_SA_INIT, RESP, IKE_PL_CERTREQ, 0, ANY },

	{ IKE_EXCH_AUTH, REQ, IKE_PL_IDI, 1, 1 },
	{ IKE_EXCH_AUTH, REQ, IKE_PL_IDR, 0, 1 },
	{ IKE_EXCH_AUTH, RESP, IKE_PL_IDR, 1, 1 },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_AUTH, 1, 1 },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_CERT, 0, ANY },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_CERTREQ, 0, ANY },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_CP, 0, 1 },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_SA, 0, 1 },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_TSI, 0, 1 },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_TSR, 0, 1 },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_NOTIFY, 0, ANY },
	{ IKE_EXCH_AUTH, BOTH, IKE_PL_VENDOR, 0, ANY },

	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_SA, 1, 1 },
	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_NONCE, 1, 1 },
	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_KE, 0, 1 },
	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_TSI, 0, 1 },
	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_TSR, 0, 1 },
	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_NOTIFY, 0, ANY },
	{ IKE_EXCH_CREATE_CHILD_SA, BOTH, IKE_PL_VENDOR, 0, ANY },

	{ IKE_EXCH_INFORMATIONAL, BOTH, IKE_PL_NOTIFY, 0, ANY },
	{ IKE_EXCH_INFORMATIONAL, BOTH, IKE_PL_DELETE, 0, ANY },
	{ IKE_EXCH_INFORMATIONAL, BOTH, IKE_PL_CP, 0, 1 },
	{ IKE_EXCH_INFORMATIONAL, BOTH, IKE_PL_VENDOR, 0, ANY },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

static bool
relaxed(const struct ike_msg *msg, bool resp)
{
	if (!resp)
		return false;
	return ike_msg_error_notify(msg) != NULL || ike_msg_notify(msg, IKE_N_COOKIE) != NULL;
}

int
ike_msg_check(const struct ike_msg *msg, struct ike_perr *err)
{
	uint8_t exch = msg->hdr.exch;
	bool resp = (msg->hdr.flags & IKE_FLAG_RESPONSE) != 0;
	uint8_t dir = resp ? RESP : REQ;
	uint8_t count[NRULES] = { 0 };
	bool known = false, lax = relaxed(msg, resp);

	for (size_t r = 0; r < NRULES; r++)
		known |= rules[r].exch == exch;
	if (!known)
		return IKE_FAIL(err, IKE_PERR_MALFORMED, 18, "exchange type %u", exch);
	if (exch != IKE_EXCH_SA_INIT && msg->sk_index < 0)
		return IKE_FAIL(err, IKE_PERR_MISSING, IKE_HDR_LEN, "%s without an SK payload",
				ike_exch_name(exch));
	for (uint16_t i = 0; i < msg->npl; i++) {
		const struct ike_pl *pl = &msg->pl[i];
		size_t r;

		if (pl->type == IKE_PL_SK || pl->type == IKE_PL_SKF) {
			if (exch == IKE_EXCH_SA_INIT)
				return IKE_FAIL(err, IKE_PERR_UNEXPECTED, pl->body.off,
						"%s payload in IKE_SA_INIT", ike_pl_name(pl->type));
			continue;
		}
		if (exch != IKE_EXCH_SA_INIT && !pl->inner)
			return IKE_FAIL(err, IKE_PERR_UNEXPECTED, pl->body.off, "%s payload "
					"outside SK in %s", ike_pl_name(pl->type),
					ike_exch_name(exch));
		for (r = 0; r < NRULES; r++)
			if (rules[r].exch == exch && (rules[r].dir & dir) &&
			    rules[r].type == pl->type)
				break;
		if (r == NRULES)
			return IKE_FAIL(err, IKE_PERR_UNEXPECTED, pl->body.off, "%s payload in "
					"%s %s", ike_pl_name(pl->type), ike_exch_name(exch),
					resp ? "response" : "request");
		if (rules[r].max != ANY && count[r] >= rules[r].max)
			return IKE_FAIL(err, IKE_PERR_UNEXPECTED, pl->body.off, "more than %u %s "
					"payloads in %s", rules[r].max, ike_pl_name(pl->type),
					ike_exch_name(exch));
		count[r]++;
	}
	for (size_t r = 0; r < NRULES && !lax; r++)
		if (rules[r].exch == exch && (rules[r].dir & dir) && count[r] < rules[r].min)
			return IKE_FAIL(err, IKE_PERR_MISSING, 0, "%s %s without a %s payload",
					ike_exch_name(exch), resp ? "response" : "request",
					ike_pl_name(rules[r].type));
	/* RFC 7296 2.9: TSi and TSr come together */
	if ((ike_msg_find(msg, IKE_PL_TSI) == NULL) != (ike_msg_find(msg, IKE_PL_TSR) == NULL))
		return IKE_FAIL(err, IKE_PERR_MISSING, 0, "TSi without TSr or the reverse");
	return 0;
}
