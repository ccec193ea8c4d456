/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GDOI_SAMPLES_H
#define GDOI_SAMPLES_H

/*
 * Sample IKEv1 / GDOI messages built with lib/gdoi's builder, with fixed
 * cookies, nonces and keys. Used by the unit tests (parse, rules, round trip),
 * by gdoi_sample (pcap for tshark, test/pkt/test_gdoi_wire.py) and as the
 * fuzz seed corpus. The values are the constants below so tests can check them.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdoi_msg.h"

struct gdoi_sample {
	const char *name;
	enum gdoi_msg_kind kind;
	/* enc: set the E flag where the real message is encrypted (the body stays plain) */
	int (*build)(uint8_t *buf, size_t cap, bool enc, size_t *len);
};

extern const struct gdoi_sample gdoi_samples[];
extern const unsigned int gdoi_nsamples;

/* The sample called name, or NULL. */
const struct gdoi_sample *gdoi_sample_find(const char *name);

/* Values the samples carry. */
#define SAMPLE_GROUP_ID		1234u		/* KEY_ID, 4 octets, network order */
#define SAMPLE_TEK_SPI		0x11223344u
#define SAMPLE_TEK2_SPI		0x55667788u
#define SAMPLE_KEK_LIFETIME	86400u
#define SAMPLE_TEK_LIFETIME	3600u
#define SAMPLE_ATD		60u
#define SAMPLE_DTD		90u
#define SAMPLE_D3P_WINDOW_MS	500u
#define SAMPLE_PULL_SEQ		0u
#define SAMPLE_PUSH_SEQ		1u
#define SAMPLE_DEL_SEQ		2u
#define SAMPLE_MSGID		0x5a5a0001u

extern const uint8_t sample_icookie[8];
extern const uint8_t sample_rcookie[8];
extern const uint8_t sample_kek_spi[16];
extern const uint8_t sample_net10[8];		/* 10.0.0.0 255.0.0.0 */
extern const uint8_t sample_ks_addr[4];		/* 10.99.0.1 */
extern const uint8_t sample_gm_addr[4];		/* 10.99.0.2 */
extern const uint8_t sample_rekey_group[4];	/* 239.192.10.1 */
extern const uint8_t sample_tek_enc_key[16];
extern const uint8_t sample_tek_int_key[32];
extern const uint8_t sample_kek_key[32];

#endif /* GDOI_SAMPLES_H */
