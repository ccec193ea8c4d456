/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/ike's crypto layer driven line by line, for test/pkt/test_ike_crypto.py,
 * which recomputes every answer with independent code (Python hmac and
 * `cryptography`). One command per stdin line, hex in, hex out:
 *   prfplus PRF KEY SEED LEN              -> out HEX
 *   keys ENCR BITS PRF INTEG NI NR GIR SPII SPIR
 *                                         -> skeyseed, sk_d .. sk_pr HEX (one a line)
 *   childkm PRF SKD NI NR LEN             -> out HEX
 *   psk PRF PSK MSG NONCE SKP IDBODY      -> out HEX
 *   seal ENCR BITS INTEG EKEY AKEY IV SPII SPIR EXCH FLAGS MSGID FIRST PLAIN
 *                                         -> out HEX (the whole message)
 *   open ENCR BITS INTEG EKEY AKEY MSG    -> first N, out HEX (the inner chain)
 *   dh GROUP PEERPUB                      -> pub HEX, shared HEX
 * Errors print "error ..." for that line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike_crypto.h"
#include "ike_msg.h"

#define MAXB 8192

static int
unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(s);

	if (strcmp(s, "-") == 0) {
		*len = 0;
		return 0;
	}
	if (n % 2 != 0 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	*len = n / 2;
	return 0;
}

static void
hexout(const char *name, const uint8_t *p, size_t len)
{
	printf("%s ", name);
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static uint8_t A[MAXB], B[MAXB], C[MAXB], D[MAXB], E[MAXB], F[MAXB], O[MAXB];
static size_t la, lb, lc, ld, le, lf;

static int
run(char **w, int n)
{
	int rc = -EINVAL;

	if (strcmp(w[0], "prfplus") == 0 && n == 5) {
		size_t len = strtoul(w[4], NULL, 0);

		if (unhex(w[2], A, MAXB, &la) || unhex(w[3], B, MAXB, &lb) || len > MAXB)
			return -EINVAL;
		rc = ike_prf_plus((uint16_t)atoi(w[1]), A, la, B, lb, O, len);
		if (rc == 0)
			hexout("out", O, len);
	} else if (strcmp(w[0], "keys") == 0 && n == 10) {
		struct ike_suite s = { .encr = (uint16_t)atoi(w[1]),
				       .encr_bits = (uint16_t)atoi(w[2]),
				       .prf = (uint16_t)atoi(w[3]), .integ = (uint16_t)atoi(w[4]) };
		uint8_t seed[IKE_MAX_PRF_LEN];
		struct ike_keys k;

		if (unhex(w[5], A, MAXB, &la) || unhex(w[6], B, MAXB, &lb) ||
		    unhex(w[7], C, MAXB, &lc))
			return -EINVAL;
		rc = ike_skeyseed(s.prf, A, la, B, lb, C, lc, seed);
		if (rc == 0)
			rc = ike_keys_derive(&s, seed, A, la, B, lb, strtoull(w[8], NULL, 16),
					     strtoull(w[9], NULL, 16), &k);
		if (rc == 0) {
			hexout("skeyseed", seed, ike_prf_len(s.prf));
			hexout("sk_d", k.sk_d, k.d_len);
			hexout("sk_ai", k.sk_ai, k.a_len);
			hexout("sk_ar", k.sk_ar, k.a_len);
			hexout("sk_ei", k.sk_ei, k.e_len);
			hexout("sk_er", k.sk_er, k.e_len);
			hexout("sk_pi", k.sk_pi, k.p_len);
			hexout("sk_pr", k.sk_pr, k.p_len);
		}
	} else if (strcmp(w[0], "childkm") == 0 && n == 6) {
		size_t len = strtoul(w[5], NULL, 0);

		if (unhex(w[2], A, MAXB, &la) || unhex(w[3], B, MAXB, &lb) ||
		    unhex(w[4], C, MAXB, &lc) || len > MAXB)
			return -EINVAL;
		rc = ike_child_keymat((uint16_t)atoi(w[1]), A, la, NULL, 0, B, lb, C, lc, O, len);
		if (rc == 0)
			hexout("out", O, len);
	} else if (strcmp(w[0], "psk") == 0 && n == 7) {
		uint16_t prf = (uint16_t)atoi(w[1]);

		if (unhex(w[2], A, MAXB, &la) || unhex(w[3], B, MAXB, &lb) ||
		    unhex(w[4], C, MAXB, &lc) || unhex(w[5], D, MAXB, &ld) ||
		    unhex(w[6], E, MAXB, &le))
			return -EINVAL;
		rc = ike_psk_auth(prf, A, la, B, lb, C, lc, D, ld, E, le, O);
		if (rc == 0)
			hexout("out", O, ike_prf_len(prf));
	} else if (strcmp(w[0], "seal") == 0 && n == 14) {
		struct ike_suite s = { .encr = (uint16_t)atoi(w[1]),
				       .encr_bits = (uint16_t)atoi(w[2]),
				       .integ = (uint16_t)atoi(w[3]) };
		struct ike_hdr h = { .spi_i = strtoull(w[7], NULL, 16),
				     .spi_r = strtoull(w[8], NULL, 16),
				     .exch = (uint8_t)atoi(w[9]),
				     .flags = (uint8_t)strtoul(w[10], NULL, 0),
				     .msgid = (uint32_t)strtoul(w[11], NULL, 0) };
		uint32_t len;

		if (unhex(w[4], A, MAXB, &la) || unhex(w[5], B, MAXB, &lb) ||
		    unhex(w[6], C, MAXB, &lc) || unhex(w[13], D, MAXB, &ld))
			return -EINVAL;
		rc = ike_sk_seal(&s, A, B, &h, (uint8_t)atoi(w[12]), D, (uint32_t)ld, C, O, MAXB,
				 &len);
		if (rc == 0)
			hexout("out", O, len);
	} else if (strcmp(w[0], "open") == 0 && n == 7) {
		struct ike_suite s = { .encr = (uint16_t)atoi(w[1]),
				       .encr_bits = (uint16_t)atoi(w[2]),
				       .integ = (uint16_t)atoi(w[3]) };
		static struct ike_msg m;
		struct ike_perr err;
		uint32_t plen;

		if (unhex(w[4], A, MAXB, &la) || unhex(w[5], B, MAXB, &lb) ||
		    unhex(w[6], F, MAXB, &lf))
			return -EINVAL;
		rc = ike_msg_parse(F, lf, &m, &err);
		if (rc == 0)
			rc = ike_sk_open(&s, A, B, F, &m, O, MAXB, &plen);
		if (rc == 0) {
			printf("first %u\n", m.sk_first_inner);
			hexout("out", O, plen);
		}
	} else if (strcmp(w[0], "dh") == 0 && n == 3) {
		struct ike_dh *dh = ike_dh_new((uint16_t)atoi(w[1]));
		size_t plen, slen;

		if (dh == NULL)
			return -errno;
		rc = unhex(w[2], A, MAXB, &la);
		if (rc == 0)
			rc = ike_dh_pub(dh, B, MAXB, &plen);
		if (rc == 0)
			rc = ike_dh_derive(dh, A, la, C, MAXB, &slen);
		if (rc == 0) {
			hexout("pub", B, plen);
			hexout("shared", C, slen);
		}
		ike_dh_free(dh);
	}
	return rc;
}

int
main(void)
{
	static char line[4 * MAXB * 2 + 256];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *w[16], *save = NULL;
		int n = 0, rc;

		for (char *t = strtok_r(line, " \t\n", &save); t != NULL && n < 16;
		     t = strtok_r(NULL, " \t\n", &save))
			w[n++] = t;
		if (n == 0)
			continue;
		rc = run(w, n);
		if (rc != 0)
			printf("error %s: %s\n", w[0], strerror(-rc));
		printf("end\n");
		fflush(stdout);
	}
	return 0;
}
