/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP tunnel mode through the real engines: round trips for every
 * algorithm, outer/inner family, UDP encapsulation, ESN; group SAs with
 * header preservation and D3P; bad input (each with its drop reason); the
 * classify helper; sequence exhaustion and lifetime events; burst ordering.
 */

#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <rte_eal.h>
#include <rte_ring_elem.h>

#include "gw_test.h"
#include "esp_test_eal.h"
#include "esp_priv.h"

static struct rte_mempool *mp;
static const char *engines[] = { "ipsecmb", "openssl" };

struct alg {
	const char *cipher, *auth;
};

static const struct alg algs[] = {
	{ "aes-128-gcm", NULL }, { "aes-256-gcm", NULL }, { "chacha20-poly1305", NULL },
	{ "aes-128-cbc", "hmac-sha1-96" }, { "aes-192-cbc", "hmac-sha-256-128" },
	{ "aes-256-cbc", "hmac-sha-384-192" }, { "aes-256-cbc", "hmac-sha-512-256" },
	{ "aes-128-cbc", "hmac-md5-96" }, { "3des-cbc", "hmac-sha1-96" },
	{ "des-cbc", "hmac-md5-96" }, { "null", "hmac-sha-256-128" },
};

static void
conf_init(struct gw_sa_params *c, const struct alg *a, enum gw_sa_dir dir, bool v6)
{
	unsigned int i, len;

	memset(c, 0, sizeof(*c));
	strcpy(c->label, "t");
	c->spi = 0x1000;
	c->direction = dir;
	c->anti_replay = 1;
	c->replay_window = 64;
	gw_cipher_parse(a->cipher, &c->crypto.cipher, &len);
	c->crypto.cipher_key_len = len;
	for (i = 0; i < len; i++)
		c->crypto.cipher_key[i] = (uint8_t)(0x11 * i + 1);
	if (a->auth != NULL) {
		gw_auth_parse(a->auth, &c->crypto.auth, &len);
		c->crypto.auth_key_len = len;
		for (i = 0; i < len; i++)
			c->crypto.auth_key[i] = (uint8_t)(0x5a ^ i);
	}
	if (v6) {
		c->tunnel_local.family = c->tunnel_remote.family = AF_INET6;
		inet_pton(AF_INET6, dir == GW_SA_OUTBOUND ? "2001:db8::1" : "2001:db8::2",
			  &c->tunnel_local.v6);
		inet_pton(AF_INET6, dir == GW_SA_OUTBOUND ? "2001:db8::2" : "2001:db8::1",
			  &c->tunnel_remote.v6);
	} else {
		c->tunnel_local.family = c->tunnel_remote.family = AF_INET;
		inet_pton(AF_INET, dir == GW_SA_OUTBOUND ? "192.0.2.1" : "192.0.2.2",
			  &c->tunnel_local.v4);
		inet_pton(AF_INET, dir == GW_SA_OUTBOUND ? "192.0.2.2" : "192.0.2.1",
			  &c->tunnel_remote.v4);
	}
}

/* An inner UDP packet of payload len bytes (IPv4 10.1.0.x -> 10.2.0.y or IPv6). */
static struct rte_mbuf *
mk_inner(bool v6, unsigned int len, unsigned int id)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;
	unsigned int i, hl = v6 ? 40 : 20, tot = hl + 8 + len;

	if (rte_pktmbuf_append(m, (uint16_t)tot) == NULL)
		return m;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memset(p, 0, tot);
	gw_meta(m)->drop = GW_DROP_NONE;
	gw_meta(m)->flags = 0;
	gw_meta(m)->flow_hash = id * 2654435761u;
	if (v6) {
		p[0] = 0x60 | 0x0b;	/* traffic class 0xb8 >> 4 ... */
		p[1] = 0x80;
		p[4] = (uint8_t)((len + 8) >> 8);
		p[5] = (uint8_t)(len + 8);
		p[6] = IPPROTO_UDP;
		p[7] = 64;
		inet_pton(AF_INET6, "2001:db8:1::5", p + 8);
		inet_pton(AF_INET6, "2001:db8:2::7", p + 24);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

		ip->version_ihl = 0x45;
		ip->type_of_service = 0xb8;
		ip->total_length = rte_cpu_to_be_16((uint16_t)tot);
		ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(0x0a010000 | (id & 0xff));
		ip->dst_addr = rte_cpu_to_be_32(0x0a020000 | ((id >> 8) & 0xff));
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	p[hl + 4] = (uint8_t)((len + 8) >> 8);
	p[hl + 5] = (uint8_t)(len + 8);
	for (i = 0; i < len; i++)
		p[hl + 8 + i] = (uint8_t)(i * 7 + id);
	return m;
}

static void
clock_at(struct gw_esp_clock *c, uint64_t sec, uint32_t usec)
{
	c->sec = sec;
	c->usec = usec;
	c->tsc = 0;
}

struct pair {
	struct gw_sa *out, *in;
};

static bool
pair_make(struct pair *p, const char *engine, const struct gw_sa_params *co,
	  const struct gw_sa_params *ci)
{
	const struct gw_crypto_engine *e = gw_crypto_engine_get(engine);

	p->out = gw_sa_create(co, e, SOCKET_ID_ANY);
	p->in = gw_sa_create(ci, e, SOCKET_ID_ANY);
	if (p->out == NULL || p->in == NULL) {
		gw_sa_destroy(p->out);
		gw_sa_destroy(p->in);
		return false;
	}
	return true;
}

static void
pair_free(struct pair *p)
{
	gw_sa_destroy(p->out);
	gw_sa_destroy(p->in);
}

/* Encrypt n packets, decrypt them, compare with copies of the originals. */
static int
round_trip(struct pair *sp, bool inner_v6, unsigned int n, unsigned int len0,
	   const struct gw_esp_clock *now)
{
	struct rte_mbuf *pk[GW_MAX_BURST];
	uint8_t ref[GW_MAX_BURST][2048];
	uint16_t ref_len[GW_MAX_BURST];
	unsigned int i, bad = 0;
	uint16_t g;

	for (i = 0; i < n; i++) {
		pk[i] = mk_inner(inner_v6, len0 + i * 13, i + 1);
		ref_len[i] = rte_pktmbuf_data_len(pk[i]);
		memcpy(ref[i], rte_pktmbuf_mtod(pk[i], void *), ref_len[i]);
	}
	g = gw_esp_outbound(sp->out, pk, (uint16_t)n, now);
	if (g != n)
		bad++;
	g = gw_esp_inbound(sp->in, pk, g, now);
	if (g != n)
		bad++;
	for (i = 0; i < g; i++)
		if (rte_pktmbuf_data_len(pk[i]) != ref_len[i] ||
		    memcmp(rte_pktmbuf_mtod(pk[i], void *), ref[i], ref_len[i]) != 0 ||
		    !(gw_meta(pk[i])->flags & GW_META_F_DECRYPTED))
			bad++;
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(pk[i]);
	return (int)bad;
}

static void
test_all_algorithms(void)
{
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	unsigned int e, a, fam, udp, esn;
	struct pair sp;

	gw_esp_clock_read(&now);
	for (e = 0; e < RTE_DIM(engines); e++)
		for (a = 0; a < RTE_DIM(algs); a++)
			for (fam = 0; fam < 4; fam++)
				for (udp = 0; udp < 3; udp++)
					for (esn = 0; esn < 2; esn++) {
		bool outer6 = fam & 1, inner6 = fam & 2;

		conf_init(&co, &algs[a], GW_SA_OUTBOUND, outer6);
		conf_init(&ci, &algs[a], GW_SA_INBOUND, outer6);
		co.esn = ci.esn = esn;
		co.udp_encap = ci.udp_encap = (enum gw_udp_encap)udp;
		co.udp_port = ci.udp_port = udp == GW_UDP_ENCAP_PORT ? 4789 : 0;
		if (!pair_make(&sp, engines[e], &co, &ci)) {
			if (strcmp(algs[a].cipher, "des-cbc") == 0)
				continue;	/* legacy provider may be missing */
			fprintf(stderr, "%s %s/%s: create failed: %s\n", engines[e],
				algs[a].cipher, algs[a].auth ? algs[a].auth : "",
				strerror(errno));
			CHECK(0);
			continue;
		}
		if (esn) {
			/* cross 2^32 inside the burst */
			esp_sa_set_seq(sp.out, 0xfffffff0ULL);
			esp_sa_set_seq(sp.in, 0xffffffe0ULL);
		}
		if (round_trip(&sp, inner6, 24, 1 + a, &now) != 0) {
			fprintf(stderr, "%s %s/%s outer6 %d inner6 %d udp %u esn %u\n",
				engines[e], algs[a].cipher, algs[a].auth ? algs[a].auth : "",
				outer6, inner6, udp, esn);
			CHECK(0);
		}
		pair_free(&sp);
					}
}

/* Outbound with one engine, inbound with the other. */
static void
test_cross_engine(void)
{
	const struct gw_crypto_engine *e0 = gw_crypto_engine_get("ipsecmb");
	const struct gw_crypto_engine *e1 = gw_crypto_engine_get("openssl");
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	unsigned int a;
	struct pair sp;

	gw_esp_clock_read(&now);
	for (a = 0; a < RTE_DIM(algs); a++) {
		conf_init(&co, &algs[a], GW_SA_OUTBOUND, false);
		conf_init(&ci, &algs[a], GW_SA_INBOUND, false);
		sp.out = gw_sa_create(&co, e0, SOCKET_ID_ANY);
		sp.in = gw_sa_create(&ci, e1, SOCKET_ID_ANY);
		if (sp.out == NULL || sp.in == NULL) {
			CHECK(strcmp(algs[a].cipher, "des-cbc") == 0);
			pair_free(&sp);
			continue;
		}
		CHECK_EQ(round_trip(&sp, a & 1, 8, 100, &now), 0);
		pair_free(&sp);
	}
}

static void
group_conf(struct gw_sa_params *c, enum gw_sa_dir dir, uint32_t tbar_ms)
{
	static const struct alg gcm = { "aes-256-gcm", NULL };

	conf_init(c, &gcm, dir, false);
	memset(&c->tunnel_local, 0, sizeof(c->tunnel_local));
	memset(&c->tunnel_remote, 0, sizeof(c->tunnel_remote));
	c->group = true;
	c->tbar_window_ms = tbar_ms;
}

static void
test_group_header_preservation(void)
{
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	struct rte_mbuf *m;
	uint8_t inner[64];
	struct pair sp;
	unsigned int v6;

	clock_at(&now, 1700000000, 250000);
	group_conf(&co, GW_SA_OUTBOUND, 2000);
	group_conf(&ci, GW_SA_INBOUND, 2000);
	CHECK(pair_make(&sp, "ipsecmb", &co, &ci));
	for (v6 = 0; v6 < 2; v6++) {
		const uint8_t *o;

		m = mk_inner(v6, 50, 3);
		memcpy(inner, rte_pktmbuf_mtod(m, void *), 40);
		CHECK_EQ(gw_esp_outbound(sp.out, &m, 1, &now), 1);
		o = rte_pktmbuf_mtod(m, const uint8_t *);
		if (v6) {
			CHECK_EQ(o[0] >> 4, 6);
			CHECK_MEM(o + 8, inner + 8, 32);	/* addresses preserved */
			CHECK_EQ(((o[0] & 0xf) << 4) | (o[1] >> 4), 0xb8);	/* TC copied */
			CHECK_EQ(o[6], IPPROTO_ESP);
		} else {
			CHECK_EQ(o[0], 0x45);
			CHECK_MEM(o + 12, inner + 12, 8);
			CHECK_EQ(o[1], 0xb8);				/* TOS copied */
			CHECK_EQ(o[6] & 0x40, 0);			/* DF clear (default) */
			CHECK_EQ(o[9], IPPROTO_ESP);
			CHECK_EQ(rte_ipv4_cksum((const struct rte_ipv4_hdr *)o), 0 ^ 0);
		}
		/* D3P is inside: decrypting proves it; wrong clock proves it is checked */
		CHECK_EQ(gw_esp_inbound(sp.in, &m, 1, &now), 1);
		CHECK_MEM(rte_pktmbuf_mtod(m, void *), inner, 40);
		rte_pktmbuf_free(m);
	}
	pair_free(&sp);
}

static void
test_group_tbar(void)
{
	static const struct {
		int64_t rx_skew_ms;	/* receiver clock - sender clock */
		uint8_t drop;
	} cases[] = {
		{ 0, GW_DROP_NONE }, { 1000, GW_DROP_NONE }, { -1000, GW_DROP_NONE },
		{ 1001, GW_DROP_TBAR_TOO_OLD }, { -1001, GW_DROP_TBAR_TOO_NEW },
		{ 60000, GW_DROP_TBAR_TOO_OLD }, { -60000, GW_DROP_TBAR_TOO_NEW },
	};
	struct gw_sa_params co, ci;
	struct gw_esp_clock tx, rx;
	struct rte_mbuf *m;
	struct pair sp;
	unsigned int i;

	group_conf(&co, GW_SA_OUTBOUND, 2000);
	group_conf(&ci, GW_SA_INBOUND, 2000);
	CHECK(pair_make(&sp, "openssl", &co, &ci));
	/* Tr = 2^32 - 1 s: the sender is around the 32-bit wrap */
	for (i = 0; i < RTE_DIM(cases); i++) {
		int64_t rx_ms = ((int64_t)UINT32_MAX * 1000 + 500) + cases[i].rx_skew_ms;
		uint64_t tx_ms = (uint64_t)UINT32_MAX * 1000 + 500;

		clock_at(&tx, tx_ms / 1000, (uint32_t)(tx_ms % 1000) * 1000);
		clock_at(&rx, (uint64_t)rx_ms / 1000, (uint32_t)(rx_ms % 1000) * 1000);
		m = mk_inner(false, 20, 1);
		CHECK_EQ(gw_esp_outbound(sp.out, &m, 1, &tx), 1);
		CHECK_EQ(gw_esp_inbound(sp.in, &m, 1, &rx), cases[i].drop == GW_DROP_NONE);
		CHECK_EQ(gw_meta(m)->drop, cases[i].drop);
		rte_pktmbuf_free(m);
	}
	pair_free(&sp);

	/* sender without D3P, receiver requires it: TBAR_MISSING */
	group_conf(&co, GW_SA_OUTBOUND, 0);
	group_conf(&ci, GW_SA_INBOUND, 2000);
	CHECK(pair_make(&sp, "ipsecmb", &co, &ci));
	clock_at(&tx, 1000, 0);
	m = mk_inner(false, 20, 1);
	CHECK_EQ(gw_esp_outbound(sp.out, &m, 1, &tx), 1);
	CHECK_EQ(gw_esp_inbound(sp.in, &m, 1, &tx), 0);
	CHECK_EQ(gw_meta(m)->drop, GW_DROP_TBAR_MISSING);
	rte_pktmbuf_free(m);
	pair_free(&sp);

	/* window 0 receiver, D3P sender: unexpected header in tunnel mode */
	group_conf(&co, GW_SA_OUTBOUND, 2000);
	group_conf(&ci, GW_SA_INBOUND, 0);
	CHECK(pair_make(&sp, "ipsecmb", &co, &ci));
	m = mk_inner(false, 20, 1);
	CHECK_EQ(gw_esp_outbound(sp.out, &m, 1, &tx), 1);
	CHECK_EQ(gw_esp_inbound(sp.in, &m, 1, &tx), 0);
	CHECK_EQ(gw_meta(m)->drop, GW_DROP_ESP_BAD_NEXT_HDR);
	rte_pktmbuf_free(m);
	pair_free(&sp);
}

/* Group IVs: different per lcore (slot) and per packet. */
static void
test_group_iv_unique(void)
{
	struct gw_sa_params co;
	struct gw_esp_clock now;
	struct rte_mbuf *m[4];
	struct gw_sa *sa;
	uint64_t iv[4];
	unsigned int i, j;

	group_conf(&co, GW_SA_OUTBOUND, 0);
	sa = gw_sa_create(&co, gw_crypto_engine_get("ipsecmb"), SOCKET_ID_ANY);
	CHECK(sa != NULL);
	clock_at(&now, 1, 0);
	for (i = 0; i < 4; i++)
		m[i] = mk_inner(false, 10, i);
	CHECK_EQ(gw_esp_outbound(sa, m, 4, &now), 4);
	for (i = 0; i < 4; i++) {
		memcpy(&iv[i], rte_pktmbuf_mtod_offset(m[i], void *, 20 + 8), 8);
		iv[i] = rte_be_to_cpu_64(iv[i]);
		CHECK_EQ(iv[i] & 0xffffffffffULL, i + 1);
		CHECK_EQ((iv[i] >> ESP_GROUP_SLOT_SHIFT) & 0xff, rte_lcore_id());
		for (j = 0; j < i; j++)
			CHECK(iv[i] != iv[j]);
		rte_pktmbuf_free(m[i]);
	}
	gw_sa_destroy(sa);
}

/* Corrupt one encrypted packet, expect a reason. */
typedef void (*mangle_fn)(struct rte_mbuf *m, struct gw_sa *in);

static uint8_t
bad_case(const struct alg *a, enum gw_udp_encap udp_out, enum gw_udp_encap udp_in,
	 mangle_fn fn)
{
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	struct rte_mbuf *m;
	struct pair sp;
	uint8_t reason;

	gw_esp_clock_read(&now);
	conf_init(&co, a, GW_SA_OUTBOUND, false);
	conf_init(&ci, a, GW_SA_INBOUND, false);
	co.udp_encap = udp_out;
	ci.udp_encap = udp_in;
	co.udp_port = udp_out == GW_UDP_ENCAP_PORT ? 4789 : 0;
	ci.udp_port = udp_in == GW_UDP_ENCAP_PORT ? 4789 : 0;
	if (!pair_make(&sp, "ipsecmb", &co, &ci))
		return 0xff;
	m = mk_inner(false, 33, 1);
	gw_esp_outbound(sp.out, &m, 1, &now);
	if (fn != NULL)
		fn(m, sp.in);
	reason = gw_esp_inbound(sp.in, &m, 1, &now) ? GW_DROP_NONE : gw_meta(m)->drop;
	rte_pktmbuf_free(m);
	pair_free(&sp);
	return reason;
}

static void
mg_truncate(struct rte_mbuf *m, struct gw_sa *in)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	RTE_SET_USED(in);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - 20 - 8 - 8 - 16 - 2);
	ip->total_length = rte_cpu_to_be_16(rte_pktmbuf_data_len(m));
}

static void
mg_block(struct rte_mbuf *m, struct gw_sa *in)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	RTE_SET_USED(in);
	rte_pktmbuf_trim(m, 1);
	ip->total_length = rte_cpu_to_be_16(rte_pktmbuf_data_len(m));
}

static void
mg_icv(struct rte_mbuf *m, struct gw_sa *in)
{
	RTE_SET_USED(in);
	*rte_pktmbuf_mtod_offset(m, uint8_t *, rte_pktmbuf_data_len(m) - 1) ^= 1;
}

static void
mg_spi(struct rte_mbuf *m, struct gw_sa *in)
{
	RTE_SET_USED(in);
	*rte_pktmbuf_mtod_offset(m, uint8_t *, 20 + 3) ^= 1;
}

static void
mg_replay(struct rte_mbuf *m, struct gw_sa *in)
{
	RTE_SET_USED(m);
	esp_sa_set_seq(in, 1);	/* the packet's number is 1: already seen */
}

static void
mg_old(struct rte_mbuf *m, struct gw_sa *in)
{
	RTE_SET_USED(m);
	esp_sa_set_seq(in, 1000);
}

static void
mg_port(struct rte_mbuf *m, struct gw_sa *in)
{
	RTE_SET_USED(in);
	*rte_pktmbuf_mtod_offset(m, rte_be16_t *, 20 + 2) = RTE_BE16(4501);
}

static void
mg_short_udp(struct rte_mbuf *m, struct gw_sa *in)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);

	RTE_SET_USED(in);
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - 20 - 8 - 6);
	ip->total_length = rte_cpu_to_be_16(rte_pktmbuf_data_len(m));
	*rte_pktmbuf_mtod_offset(m, rte_be16_t *, 20 + 4) = RTE_BE16(14);
}

static void
test_bad_input(void)
{
	static const struct alg gcm = { "aes-128-gcm", NULL };
	static const struct alg cbc = { "aes-128-cbc", "hmac-sha1-96" };
	enum gw_udp_encap N = GW_UDP_ENCAP_NONE, T = GW_UDP_ENCAP_NAT_T, P = GW_UDP_ENCAP_PORT;

	CHECK_EQ(bad_case(&gcm, N, N, NULL), GW_DROP_NONE);
	CHECK_EQ(bad_case(&gcm, N, N, mg_truncate), GW_DROP_ESP_TRUNCATED);
	CHECK_EQ(bad_case(&cbc, N, N, mg_block), GW_DROP_ESP_BAD_BLOCK);
	CHECK_EQ(bad_case(&gcm, N, N, mg_icv), GW_DROP_ESP_ICV);
	CHECK_EQ(bad_case(&cbc, N, N, mg_icv), GW_DROP_ESP_ICV);
	CHECK_EQ(bad_case(&gcm, N, N, mg_spi), GW_DROP_ESP_UNKNOWN_SPI);
	CHECK_EQ(bad_case(&gcm, N, N, mg_replay), GW_DROP_ESP_REPLAY);
	CHECK_EQ(bad_case(&cbc, N, N, mg_old), GW_DROP_ESP_REPLAY);
	CHECK_EQ(bad_case(&gcm, T, N, NULL), GW_DROP_UDP_ENCAP_MISMATCH);
	CHECK_EQ(bad_case(&gcm, N, T, NULL), GW_DROP_UDP_ENCAP_MISMATCH);
	CHECK_EQ(bad_case(&gcm, P, T, NULL), GW_DROP_UDP_ENCAP_MISMATCH);
	CHECK_EQ(bad_case(&gcm, T, T, mg_port), GW_DROP_UDP_ENCAP_MISMATCH);
	CHECK_EQ(bad_case(&gcm, P, P, NULL), GW_DROP_NONE);
	CHECK_EQ(bad_case(&gcm, T, T, mg_short_udp), GW_DROP_ESP_TRUNCATED);
}

/*
 * Bad padding and next header need a valid ICV: build the packets with a
 * NULL-cipher SA, edit the plaintext trailer, then recompute the ICV by
 * re-running the engine on the edited packet.
 */
static uint8_t
trailer_case(int pad_delta, int pad_byte_xor, uint8_t nh)
{
	static const struct alg nul = { "null", "hmac-sha1-96" };
	const struct gw_crypto_engine *e = gw_crypto_engine_get("ipsecmb");
	struct gw_crypto_params prm;
	struct gw_crypto_session *s;
	struct gw_crypto_op op;
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	struct rte_mbuf *m;
	struct pair sp;
	uint8_t *esp, *t, reason;
	uint32_t esp_len;

	gw_esp_clock_read(&now);
	conf_init(&co, &nul, GW_SA_OUTBOUND, false);
	conf_init(&ci, &nul, GW_SA_INBOUND, false);
	prm = co.crypto;
	prm.encrypt = true;
	s = e->session_create(&prm);
	CHECK(pair_make(&sp, "ipsecmb", &co, &ci));
	m = mk_inner(false, 33, 1);	/* 61 bytes: +2 -> pad 1 to 64 */
	gw_esp_outbound(sp.out, &m, 1, &now);
	esp = rte_pktmbuf_mtod_offset(m, uint8_t *, 20);
	esp_len = rte_pktmbuf_data_len(m) - 20;
	t = esp + esp_len - 12 - 2;	/* pad length, next header */
	t[0] = (uint8_t)(t[0] + pad_delta);
	if (pad_byte_xor)
		t[-1] ^= (uint8_t)pad_byte_xor;
	if (nh)
		t[1] = nh;
	memset(&op, 0, sizeof(op));
	op.buf = esp;
	op.cipher_start = 8;
	op.cipher_len = esp_len - 8 - 12;
	op.auth_len = esp_len - 12;
	op.iv = esp + 8;
	op.aad = esp;
	op.aad_len = 8;
	op.icv = esp + op.auth_len;
	e->process(s, &op, 1);
	CHECK_EQ(op.status, 0);
	reason = gw_esp_inbound(sp.in, &m, 1, &now) ? GW_DROP_NONE : gw_meta(m)->drop;
	e->session_destroy(s);
	rte_pktmbuf_free(m);
	pair_free(&sp);
	return reason;
}

static void
test_trailer(void)
{
	CHECK_EQ(trailer_case(0, 0, 0), GW_DROP_NONE);
	CHECK_EQ(trailer_case(0, 0x10, 0), GW_DROP_ESP_BAD_PAD);	/* pad byte != 1 */
	CHECK_EQ(trailer_case(100, 0, 0), GW_DROP_ESP_BAD_PAD);	/* longer than data */
	CHECK_EQ(trailer_case(0, 0, 17), GW_DROP_ESP_BAD_NEXT_HDR);
	CHECK_EQ(trailer_case(0, 0, 59), GW_DROP_ESP_BAD_NEXT_HDR);
	CHECK_EQ(trailer_case(0, 0, 253), GW_DROP_ESP_BAD_NEXT_HDR);
	CHECK_EQ(trailer_case(0, 0, 41), GW_DROP_BAD_IP_VERSION);	/* v4 inside, says v6 */
}

static void
test_selectors(void)
{
	static const struct alg gcm = { "aes-128-gcm", NULL };
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	struct rte_mbuf *m[3];
	struct pair sp;

	gw_esp_clock_read(&now);
	conf_init(&co, &gcm, GW_SA_OUTBOUND, false);
	conf_init(&ci, &gcm, GW_SA_INBOUND, false);
	ci.sel_src.family = AF_INET;
	ci.sel_src.len = 31;
	ci.sel_src.v4.s_addr = rte_cpu_to_be_32(0x0a010002);	/* 10.1.0.2/31 */
	ci.sel_proto = IPPROTO_UDP;
	CHECK(pair_make(&sp, "ipsecmb", &co, &ci));
	m[0] = mk_inner(false, 10, 1);	/* 10.1.0.1: outside */
	m[1] = mk_inner(false, 10, 2);	/* inside */
	m[2] = mk_inner(true, 10, 3);	/* IPv6: other family */
	CHECK_EQ(gw_esp_outbound(sp.out, m, 3, &now), 3);
	CHECK_EQ(gw_esp_inbound(sp.in, m, 3, &now), 1);
	CHECK_EQ(rte_pktmbuf_mtod(m[0], uint8_t *)[15], 2);	/* good first */
	CHECK_EQ(gw_meta(m[1])->drop, GW_DROP_POLICY_INBOUND_MISMATCH);
	CHECK_EQ(gw_meta(m[2])->drop, GW_DROP_POLICY_INBOUND_MISMATCH);
	rte_pktmbuf_free_bulk(m, 3);
	pair_free(&sp);
}

/* 70 packets (3 chunks), every third one corrupted: order kept. */
static void
test_burst_order(void)
{
	static const struct alg gcm = { "aes-128-gcm", NULL };
	struct rte_mbuf *m[70];
	struct gw_sa_params co, ci;
	struct gw_esp_clock now;
	unsigned int i, g;
	struct pair sp;
	struct gw_sa_stats st;

	gw_esp_clock_read(&now);
	conf_init(&co, &gcm, GW_SA_OUTBOUND, false);
	conf_init(&ci, &gcm, GW_SA_INBOUND, false);
	ci.replay_window = 128;
	CHECK(pair_make(&sp, "openssl", &co, &ci));
	for (i = 0; i < 70; i++)
		m[i] = mk_inner(false, 10, i);
	CHECK_EQ(gw_esp_outbound(sp.out, m, 70, &now), 70);
	for (i = 0; i < 70; i += 3)
		mg_icv(m[i], NULL);
	g = gw_esp_inbound(sp.in, m, 70, &now);
	CHECK_EQ(g, 46);
	for (i = 0; i < g; i++)
		CHECK_EQ(rte_pktmbuf_mtod(m[i], uint8_t *)[15], (i / 2) * 3 + 1 + i % 2);
	for (i = g; i < 70; i++)
		CHECK_EQ(gw_meta(m[i])->drop, GW_DROP_ESP_ICV);
	gw_sa_stats(sp.in, &st);
	CHECK_EQ(st.packets, 46);
	CHECK_EQ(st.drops[GW_DROP_ESP_ICV], 24);
	rte_pktmbuf_free_bulk(m, 70);
	pair_free(&sp);
}

static void
test_seq_exhausted_and_events(void)
{
	static const struct alg gcm = { "aes-128-gcm", NULL };
	struct rte_ring *r;
	struct gw_sa_params co;
	struct gw_esp_clock now;
	struct gw_sa_event ev;
	struct rte_mbuf *m[3];
	struct gw_sa *sa;

	r = rte_ring_create_elem("esp-ev", sizeof(ev), 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	CHECK(r != NULL);
	gw_sa_set_event_ring(r);
	gw_esp_clock_read(&now);
	conf_init(&co, &gcm, GW_SA_OUTBOUND, false);
	co.lifetime.soft_kbytes = 1;
	co.lifetime.hard_seconds = 100;
	sa = gw_sa_create(&co, gw_crypto_engine_get("ipsecmb"), SOCKET_ID_ANY);
	esp_sa_set_seq(sa, 0xfffffffeULL);
	m[0] = mk_inner(false, 1000, 1);
	m[1] = mk_inner(false, 1000, 2);
	m[2] = mk_inner(false, 10, 3);
	CHECK_EQ(gw_esp_outbound(sa, m, 3, &now), 2);
	CHECK_EQ(gw_meta(m[2])->drop, GW_DROP_SEQ_EXHAUSTED);
	CHECK_EQ(rte_ring_sc_dequeue_elem(r, &ev, sizeof(ev)), 0);
	CHECK_EQ(ev.type, GW_SA_EV_SEQ_EXHAUSTED);
	CHECK_EQ(ev.spi, 0x1000);
	CHECK_EQ(rte_ring_sc_dequeue_elem(r, &ev, sizeof(ev)), -ENOENT);	/* once */

	CHECK_EQ(gw_sa_lifetime_poll(sa, (uint64_t)time(NULL)), 0);
	CHECK_EQ(rte_ring_sc_dequeue_elem(r, &ev, sizeof(ev)), 0);
	CHECK_EQ(ev.type, GW_SA_EV_SOFT_LIFETIME);
	CHECK_EQ(gw_sa_lifetime_poll(sa, (uint64_t)time(NULL) + 101), 1);
	CHECK_EQ(rte_ring_sc_dequeue_elem(r, &ev, sizeof(ev)), 0);
	CHECK_EQ(ev.type, GW_SA_EV_HARD_LIFETIME);
	CHECK_EQ(rte_ring_sc_dequeue_elem(r, &ev, sizeof(ev)), -ENOENT);
	CHECK_EQ(gw_esp_outbound(sa, &m[2], 1, &now), 0);
	CHECK_EQ(gw_meta(m[2])->drop, GW_DROP_SA_EXPIRED);
	/* an outbound SA handed to the inbound path */
	CHECK_EQ(gw_esp_inbound(sa, &m[2], 1, &now), 0);
	rte_pktmbuf_free_bulk(m, 3);
	gw_sa_destroy(sa);
	gw_sa_set_event_ring(NULL);
	rte_ring_free(r);
}

static void
test_create_errors(void)
{
	static const struct alg gcm = { "aes-128-gcm", NULL };
	const struct gw_crypto_engine *e = gw_crypto_engine_get("ipsecmb");
	struct gw_sa_params c;

	conf_init(&c, &gcm, GW_SA_INBOUND, false);
	c.replay_window = 4097;
	errno = 0;
	CHECK(gw_sa_create(&c, e, SOCKET_ID_ANY) == NULL && errno == EINVAL);
	conf_init(&c, &gcm, GW_SA_INBOUND, false);
	c.spi = 7;
	CHECK(gw_sa_create(&c, e, SOCKET_ID_ANY) == NULL && errno == EINVAL);
	group_conf(&c, GW_SA_INBOUND, 0);
	c.esn = true;
	CHECK(gw_sa_create(&c, e, SOCKET_ID_ANY) == NULL && errno == EINVAL);
	conf_init(&c, &gcm, GW_SA_INBOUND, false);
	c.crypto.cipher_key_len = 17;
	CHECK(gw_sa_create(&c, e, SOCKET_ID_ANY) == NULL && errno == ENOTSUP);
	conf_init(&c, &gcm, GW_SA_INBOUND, false);
	c.udp_encap = GW_UDP_ENCAP_PORT;
	c.udp_port = 4500;
	CHECK(gw_sa_create(&c, e, SOCKET_ID_ANY) == NULL && errno == EINVAL);
}

static void
test_overhead(void)
{
	static const struct alg cbc = { "aes-128-cbc", "hmac-sha1-96" };
	struct gw_sa_params co;
	struct gw_esp_clock now;
	struct rte_mbuf *m;
	struct gw_sa *sa;
	unsigned int len;

	gw_esp_clock_read(&now);
	conf_init(&co, &cbc, GW_SA_OUTBOUND, true);
	co.udp_encap = GW_UDP_ENCAP_NAT_T;
	sa = gw_sa_create(&co, gw_crypto_engine_get("openssl"), SOCKET_ID_ANY);
	CHECK_EQ(gw_sa_tunnel_mtu(sa), 1500);
	for (len = 0; len < 40; len++) {
		m = mk_inner(false, len, 1);
		uint32_t in_len = rte_pktmbuf_data_len(m);

		CHECK_EQ(gw_esp_outbound(sa, &m, 1, &now), 1);
		CHECK_EQ(rte_pktmbuf_data_len(m), in_len + gw_sa_overhead(sa, in_len, false));
		rte_pktmbuf_free(m);
	}
	gw_sa_destroy(sa);
}

static void
test_parse_spi(void)
{
	uint8_t p[80] = { 0x45, 0, 0, 48, 0, 0, 0, 0, 64, IPPROTO_UDP };
	uint32_t spi;
	bool udp;
	uint16_t port;

	/* UDP 4500, ESP with SPI 0x01020304 */
	p[20] = 0x11; p[21] = 0x94; p[22] = 0x11; p[23] = 0x94; p[24] = 0; p[25] = 28;
	p[28] = 1; p[29] = 2; p[30] = 3; p[31] = 4;
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_ESP);
	CHECK_EQ(spi, 0x01020304);
	CHECK(udp);
	CHECK_EQ(port, 4500);
	/* non-ESP marker: IKE */
	memset(p + 28, 0, 4);
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_IKE);
	/* keepalive */
	p[3] = 29; p[25] = 9; p[28] = 0xff;
	CHECK_EQ(gw_esp_parse_spi_buf(p, 29, &spi, &udp, &port), GW_ESP_CLASS_KEEPALIVE);
	/* other UDP port, then the configured multipath port */
	p[3] = 48; p[25] = 28; p[28] = 9;
	p[22] = 0x12; p[23] = 0xb5;	/* 4789 */
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_NOT_ESP);
	gw_esp_set_encap_port(4789);
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_ESP);
	CHECK_EQ(port, 4789);
	gw_esp_set_encap_port(0);
	/* plain ESP */
	p[9] = IPPROTO_ESP;
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_ESP);
	CHECK(!udp);
	CHECK_EQ(spi, 0x119412b5);
	/* truncations, fragments, other protocols */
	CHECK_EQ(gw_esp_parse_spi_buf(p, 25, &spi, &udp, &port), -EBADMSG);
	p[3] = 27;
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), -EBADMSG);
	p[3] = 48;
	p[6] = 0x20;	/* MF */
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_FRAGMENT);
	p[6] = 0;
	p[9] = IPPROTO_TCP;
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), GW_ESP_CLASS_NOT_ESP);
	p[0] = 0x55;
	CHECK_EQ(gw_esp_parse_spi_buf(p, 48, &spi, &udp, &port), -EBADMSG);
}

int
main(int argc, char **argv)
{
	RTE_SET_USED(argc);
	mp = esp_test_eal_init(argv[0], "esp-ut", 2047);
	if (mp == NULL)
		return 1;
	GW_RUN(test_create_errors);
	GW_RUN(test_all_algorithms);
	GW_RUN(test_cross_engine);
	GW_RUN(test_group_header_preservation);
	GW_RUN(test_group_tbar);
	GW_RUN(test_group_iv_unique);
	GW_RUN(test_bad_input);
	GW_RUN(test_trailer);
	GW_RUN(test_selectors);
	GW_RUN(test_burst_order);
	GW_RUN(test_seq_exhausted_and_events);
	GW_RUN(test_overhead);
	GW_RUN(test_parse_spi);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return gw_test_result();
}
