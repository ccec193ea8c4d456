/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKE SA's keys in the log at debug level only (`system traceoptions
 * flag "ike"; level "all"`), one line per SA, so captures can be decrypted
 * (tshark's ikev2_decryption_table: SPIs, SK_ei, SK_er, SK_ai, SK_ar), as the
 * ESP keys are (ike_child.c). Never at the default level.
 */
#include <stdio.h>
#include <string.h>

#include <rte_log.h>

#include "gw_log.h"
#include "ike_sa.h"

static const char *
hex(const uint8_t *p, uint32_t len, char *buf)
{
	for (uint32_t i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * len] = '\0';
	return len != 0 ? buf : "-";
}

void
ike_log_ike_keys(const struct ike_sa *sa)
{
	char ei[2 * IKE_MAX_KEY_LEN + 1], er[2 * IKE_MAX_KEY_LEN + 1];
	char ai[2 * IKE_MAX_KEY_LEN + 1], ar[2 * IKE_MAX_KEY_LEN + 1];
	const struct ike_keys *k = &sa->keys;

	if (!rte_log_can_log(gw_logtype_ike, RTE_LOG_DEBUG))
		return;
	GW_LOG(ike, DEBUG, "IKE key: spi_i %016llx spi_r %016llx encr %u/%u sk_ei %s sk_er %s "
	       "integ %u sk_ai %s sk_ar %s", (unsigned long long)sa->spi_i,
	       (unsigned long long)sa->spi_r, sa->suite.encr, sa->suite.encr_bits,
	       hex(k->sk_ei, k->e_len, ei), hex(k->sk_er, k->e_len, er), sa->suite.integ,
	       hex(k->sk_ai, k->a_len, ai), hex(k->sk_ar, k->a_len, ar));
	explicit_bzero(ei, sizeof(ei));
	explicit_bzero(er, sizeof(er));
	explicit_bzero(ai, sizeof(ai));
	explicit_bzero(ar, sizeof(ar));
}
