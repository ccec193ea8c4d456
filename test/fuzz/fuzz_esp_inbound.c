/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness for the ESP inbound path (lib/esp): the classify parser
 * and gw_esp_inbound on several SAs. Input: byte 0 picks the SA, the rest is
 * the packet from the outer IP header. SAs 4..5 use NULL encryption and the
 * harness recomputes the ICV over the fuzzed ESP packet first, so the input
 * reaches the trailer, D3P and inner-header checks.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "esp_priv.h"

static struct rte_mempool *mp;
static struct gw_sa *sas[6];
static struct gw_crypto_session *icv_sess[6];
static const struct gw_crypto_engine *eng;
/* The SAs live in rte_malloc memory, which LeakSanitizer does not scan. */
static struct gw_crypto_session *keep[RTE_DIM(sas)];

static struct gw_sa *
mk_sa(const char *cipher, const char *auth, bool group, uint32_t tbar, enum gw_udp_encap udp,
      unsigned int i)
{
	struct gw_sa_params c;
	unsigned int len, k;

	memset(&c, 0, sizeof(c));
	c.spi = 0x1000;
	c.direction = GW_SA_INBOUND;
	c.anti_replay = 1;
	c.replay_window = 64;
	c.group = group;
	c.tbar_window_ms = tbar;
	c.udp_encap = udp;
	c.esn = (i == 1);
	gw_cipher_parse(cipher, &c.crypto.cipher, &len);
	c.crypto.cipher_key_len = len;
	for (k = 0; k < len; k++)
		c.crypto.cipher_key[k] = (uint8_t)k;
	if (auth != NULL) {
		gw_auth_parse(auth, &c.crypto.auth, &len);
		c.crypto.auth_key_len = len;
		memset(c.crypto.auth_key, 0x33, len);
	}
	if (!group) {
		c.tunnel_local.family = c.tunnel_remote.family = AF_INET;
		c.sel_dst.family = AF_INET;
		c.sel_dst.len = 8;
		c.sel_dst.v4.s_addr = RTE_BE32(0x0a000000);
	}
	if (cipher[0] == 'n') {
		struct gw_crypto_params p = c.crypto;

		p.encrypt = true;
		icv_sess[i] = eng->session_create(&p);
	}
	return gw_sa_create(&c, eng, SOCKET_ID_ANY);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = { (*argv)[0], "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--file-prefix", prefix, "--log-level", "lib.eal:error", "--no-telemetry" };

	RTE_SET_USED(argc);
	snprintf(prefix, sizeof(prefix), "fuzz-esp-%d", getpid());
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0)
		abort();
	mp = rte_pktmbuf_pool_create("fz", 63, 0, GW_META_PRIV_SIZE, 4096, SOCKET_ID_ANY);
	eng = gw_crypto_engine_get("ipsecmb");
	sas[0] = mk_sa("aes-128-gcm", NULL, false, 0, GW_UDP_ENCAP_NONE, 0);
	sas[1] = mk_sa("aes-128-cbc", "hmac-sha1-96", false, 0, GW_UDP_ENCAP_NAT_T, 1);
	sas[2] = mk_sa("aes-256-gcm", NULL, true, 1000, GW_UDP_ENCAP_NONE, 2);
	sas[3] = mk_sa("chacha20-poly1305", NULL, true, 0, GW_UDP_ENCAP_PORT, 3);
	sas[4] = mk_sa("null", "hmac-sha-256-128", false, 0, GW_UDP_ENCAP_NONE, 4);
	sas[5] = mk_sa("null", "hmac-sha1-96", true, 60000, GW_UDP_ENCAP_NONE, 5);
	for (unsigned int i = 0; i < RTE_DIM(sas); i++)
		keep[i] = sas[i] != NULL ? sas[i]->sess : NULL;
	if (mp == NULL || sas[0] == NULL || sas[1] == NULL || sas[2] == NULL ||
	    sas[4] == NULL || sas[5] == NULL)
		abort();
	return 0;
}

/* NULL-cipher SAs: make the ICV right for whatever ESP bytes the input has. */
static void
fix_icv(unsigned int i, uint8_t *p, uint32_t len)
{
	struct gw_crypto_op op;
	uint32_t off, end, icv = sas[i]->icv_len;

	if (icv_sess[i] == NULL || len < 20)
		return;
	if ((p[0] >> 4) == 4) {
		off = (p[0] & 0xf) * 4u;
		end = ((uint32_t)p[2] << 8) | p[3];
	} else if ((p[0] >> 4) == 6 && len >= 40) {
		off = 40;
		end = 40 + (((uint32_t)p[4] << 8) | p[5]);
	} else {
		return;
	}
	if (end > len || off < 20 || end < off + 8 + icv + 4)
		return;
	memset(&op, 0, sizeof(op));
	op.buf = p + off;
	op.cipher_start = 8;
	op.cipher_len = end - off - 8 - icv;
	op.auth_len = end - off - icv;
	op.iv = p + off + 8;
	op.aad = p + off;
	op.aad_len = 8;
	op.icv = p + end - icv;
	eng->process(icv_sess[i], &op, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_esp_clock now = { .sec = 1700000000, .usec = 0 };
	struct rte_mbuf *m;
	unsigned int i;
	uint32_t spi;
	uint16_t port;
	bool udp;
	uint8_t *p;

	if (size < 1 || size > 4000)
		return 0;
	i = data[0] % RTE_DIM(sas);
	if (sas[i] == NULL)
		return 0;
	gw_esp_parse_spi_buf(data + 1, (uint32_t)(size - 1), &spi, &udp, &port);
	m = rte_pktmbuf_alloc(mp);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(size - 1));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return 0;
	}
	memcpy(p, data + 1, size - 1);
	fix_icv(i, p, (uint32_t)(size - 1));
	gw_meta(m)->drop = 0;
	gw_meta(m)->flags = 0;
	gw_esp_inbound(sas[i], &m, 1, &now);
	rte_pktmbuf_free(m);
	return 0;
}
