/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOID_VEC_H
#define GDOID_VEC_H

/*
 * test/vectors/gdoi-crypto/gdoid-*.txt (its README.md says what they hold): the
 * pre-shared key, g^xy, the keys gdoid logged and the captured messages, read
 * into struct vec. Shared by the lib/gdoi crypto and the lib/gm tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdoi_crypto.h"

#define MAX_MSGS 16
#define MAX_LEN 4096

struct vec {
	uint8_t psk[64], gxy[256];
	size_t psk_len, gxy_len;
	uint8_t skeyid[4][GDOI_HASH_MAX];	/* gdoid's SKEYID, _d, _a, _e */
	size_t skeyid_len;
	uint8_t enc_key[GDOI_CIPHER_KEY_MAX];
	size_t enc_key_len;
	uint8_t msg[MAX_MSGS][MAX_LEN];
	size_t len[MAX_MSGS];
	unsigned int n;
};

static inline size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int x;

	while (s[0] && s[1] && s[0] != '\n') {
		if (n == cap || sscanf(s, "%2x", &x) != 1) {
			fprintf(stderr, "bad hex or too long\n");
			exit(2);
		}
		out[n++] = (uint8_t)x;
		s += 2;
	}
	return n;
}

static inline void
vec_load(const char *path, struct vec *vp)
{
	static char line[2 * MAX_LEN + 64];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *val = strchr(line, ' ');

		if (line[0] == '#' || val == NULL)
			continue;
		*val++ = 0;
		if (!strcmp(line, "psk"))
			vp->psk_len = unhex(val, vp->psk, sizeof(vp->psk));
		else if (!strcmp(line, "gxy"))
			vp->gxy_len = unhex(val, vp->gxy, sizeof(vp->gxy));
		else if (!strcmp(line, "gdoid.skeyid"))
			vp->skeyid_len = unhex(val, vp->skeyid[0], GDOI_HASH_MAX);
		else if (!strcmp(line, "gdoid.skeyid_d"))
			unhex(val, vp->skeyid[1], GDOI_HASH_MAX);
		else if (!strcmp(line, "gdoid.skeyid_a"))
			unhex(val, vp->skeyid[2], GDOI_HASH_MAX);
		else if (!strcmp(line, "gdoid.skeyid_e"))
			unhex(val, vp->skeyid[3], GDOI_HASH_MAX);
		else if (!strcmp(line, "gdoid.enc_key"))
			vp->enc_key_len = unhex(val, vp->enc_key, sizeof(vp->enc_key));
		else if (!strcmp(line, "msg") && vp->n < MAX_MSGS) {
			n = unhex(val, vp->msg[vp->n], MAX_LEN);
			vp->len[vp->n++] = n;
		}
	}
	fclose(f);
}

#endif /* GDOID_VEC_H */
