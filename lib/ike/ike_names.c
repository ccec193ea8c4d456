/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of IKEv2 numbers (IANA "IKEv2 Parameters") for logs and show output. */
#include <stdio.h>

#include "ike_msg.h"

struct name {
	uint16_t v;
	const char *s;
};

static const char *
lookup(const struct name *t, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].s;
	return NULL;
}

#define LOOKUP(t, v) lookup((t), sizeof(t) / sizeof((t)[0]), (v))

static const struct name exchs[] = {
	{ IKE_EXCH_SA_INIT, "IKE_SA_INIT" },
	{ IKE_EXCH_AUTH, "IKE_AUTH" },
	{ IKE_EXCH_CREATE_CHILD_SA, "CREATE_CHILD_SA" },
	{ IKE_EXCH_INFORMATIONAL, "INFORMATIONAL" },
};

static const struct name pls[] = {
	{ IKE_PL_SA, "SA" }, { IKE_PL_KE, "KE" }, { IKE_PL_IDI, "IDi" }, { IKE_PL_IDR, "IDr" },
	{ IKE_PL_CERT, "CERT" }, { IKE_PL_CERTREQ, "CERTREQ" }, { IKE_PL_AUTH, "AUTH" },
	{ IKE_PL_NONCE, "Nonce" }, { IKE_PL_NOTIFY, "N" }, { IKE_PL_DELETE, "D" },
	{ IKE_PL_VENDOR, "V" }, { IKE_PL_TSI, "TSi" }, { IKE_PL_TSR, "TSr" },
	{ IKE_PL_SK, "SK" }, { IKE_PL_CP, "CP" }, { IKE_PL_EAP, "EAP" }, { IKE_PL_SKF, "SKF" },
};

static const struct name notifies[] = {
	{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
	{ IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
	{ IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
	{ IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
	{ IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
	{ IKE_N_INVALID_SPI, "INVALID_SPI" },
	{ IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
	{ IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
	{ IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
	{ IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
	{ IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
	{ IKE_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
	{ IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
	{ IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
	{ IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
	{ IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
	{ IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
	{ IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
	{ IKE_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE" },
	{ IKE_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE" },
	{ IKE_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED" },
	{ IKE_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP" },
	{ IKE_N_NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP" },
	{ IKE_N_COOKIE, "COOKIE" },
	{ IKE_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE" },
	{ IKE_N_REKEY_SA, "REKEY_SA" },
	{ IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PADDING_NOT_SUPPORTED" },
	{ IKE_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO" },
	{ IKE_N_MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED" },
	{ IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, "IKEV2_FRAGMENTATION_SUPPORTED" },
	{ IKE_N_SIGNATURE_HASH_ALGORITHMS, "SIGNATURE_HASH_ALGORITHMS" },
};

static const struct name encrs[] = {
	{ IKE_ENCR_3DES, "3DES" }, { IKE_ENCR_NULL, "NULL" }, { IKE_ENCR_AES_CBC, "AES_CBC" },
	{ IKE_ENCR_AES_GCM_8, "AES_GCM_8" }, { IKE_ENCR_AES_GCM_12, "AES_GCM_12" },
	{ IKE_ENCR_AES_GCM_16, "AES_GCM_16" },
};
static const struct name prfs[] = {
	{ IKE_PRF_HMAC_MD5, "PRF_HMAC_MD5" }, { IKE_PRF_HMAC_SHA1, "PRF_HMAC_SHA1" },
	{ IKE_PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256" },
	{ IKE_PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384" },
	{ IKE_PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512" },
};
static const struct name integs[] = {
	{ IKE_INTEG_NONE, "NONE" }, { IKE_INTEG_HMAC_MD5_96, "HMAC_MD5_96" },
	{ IKE_INTEG_HMAC_SHA1_96, "HMAC_SHA1_96" },
	{ IKE_INTEG_HMAC_SHA2_256_128, "HMAC_SHA2_256_128" },
	{ IKE_INTEG_HMAC_SHA2_384_192, "HMAC_SHA2_384_192" },
	{ IKE_INTEG_HMAC_SHA2_512_256, "HMAC_SHA2_512_256" },
};
static const struct name dhs[] = {
	{ IKE_DH_NONE, "NONE" }, { IKE_DH_MODP2048, "MODP_2048" },
	{ IKE_DH_MODP3072, "MODP_3072" }, { IKE_DH_ECP256, "ECP_256" },
	{ IKE_DH_ECP384, "ECP_384" }, { IKE_DH_CURVE25519, "CURVE_25519" },
};
static const struct name esns[] = { { 0, "NO_ESN" }, { 1, "ESN" } };

const char *
ike_exch_name(uint8_t exch)
{
	const char *s = LOOKUP(exchs, exch);

	return s != NULL ? s : "exchange-?";
}

const char *
ike_pl_name(uint8_t type)
{
	const char *s = LOOKUP(pls, type);

	return s != NULL ? s : "payload-?";
}

const char *
ike_notify_name(uint16_t type)
{
	const char *s = LOOKUP(notifies, type);

	return s != NULL ? s : "notify-?";
}

const char *
ike_xf_name(uint8_t type, uint16_t id, char *buf, size_t len)
{
	const char *s = NULL;

	switch (type) {
	case IKE_XF_ENCR:
		s = LOOKUP(encrs, id);
		break;
	case IKE_XF_PRF:
		s = LOOKUP(prfs, id);
		break;
	case IKE_XF_INTEG:
		s = LOOKUP(integs, id);
		break;
	case IKE_XF_DH:
		s = LOOKUP(dhs, id);
		break;
	case IKE_XF_ESN:
		s = LOOKUP(esns, id);
		break;
	}
	if (s != NULL)
		return s;
	snprintf(buf, len, "%u:%u", type, id);
	return buf;
}

const char *
ike_prop_str(const struct ike_xf *xf, unsigned int n, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && pos < len; i++) {
		char tmp[16];
		const char *s = ike_xf_name(xf[i].type, xf[i].id, tmp, sizeof(tmp));
		int w;

		if (xf[i].key_len != 0)
			w = snprintf(buf + pos, len - pos, "%s%s_%u", i ? "/" : "", s,
				     xf[i].key_len);
		else
			w = snprintf(buf + pos, len - pos, "%s%s", i ? "/" : "", s);
		if (w < 0)
			break;
		pos += (size_t)w;
	}
	return buf;
}
