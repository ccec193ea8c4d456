/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key server (lib/gks) driven in memory by a member: Main Mode with the
 * initiator of lib/gdoi/ike1_mm.c, then GROUPKEY-PULL written here from RFC
 * 6407 3.2, a retransmitted request, a PUSH rekey (decrypted with the KEK of
 * the KD, its signature checked with the KD's public key), an RFC 8263 ACK
 * computed here with OpenSSL's HMAC, member removal, a wrong pre-shared key,
 * an unknown group, an unauthorised address.
 *
 * test_gks [OUT.pcap]: also writes every message the server sent, decrypted
 * (E flag cleared), as IPv4/UDP 848 frames for tshark (test/pkt/test_gks_wire.py);
 * prints "<frame> <name> <length>" per frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "gw_test.h"
#include "gks.h"
#include "gdoi_build.h"
#include "ike1_sa.h"
#include "gks_priv.h"
#include "gw_ctl.h"

#define PSK "a-pre-shared-key-of-24-c"

static uint8_t sent[16][8192];
static size_t sent_len[16];
static struct sockaddr_storage sent_to[16];
static unsigned int nsent;

static FILE *pcap;
static unsigned int nframes;

static int
capture(void *arg, int fd, const struct sockaddr *to, socklen_t tolen, const void *buf,
	size_t len)
{
	(void)arg;
	(void)fd;
	if (nsent < 16 && len <= sizeof(sent[0])) {
		memcpy(sent[nsent], buf, len);
		memcpy(&sent_to[nsent], to, tolen);
		sent_len[nsent++] = len;
	}
	return 0;
}

/* One frame, linktype RAW (IPv4), UDP checksum 0 (RFC 768: none). */
static void
pcap_frame(const char *name, const uint8_t *msg, size_t len)
{
	uint8_t ip[28] = { 0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 5,
			   0x03, 0x50, 0x03, 0x50 };
	uint32_t rec[4] = { nframes + 1, 0, (uint32_t)(len + 28), (uint32_t)(len + 28) };
	uint32_t sum = 0;

	if (pcap == NULL)
		return;
	ip[2] = (uint8_t)((len + 28) >> 8);
	ip[3] = (uint8_t)(len + 28);
	ip[24] = (uint8_t)((len + 8) >> 8);
	ip[25] = (uint8_t)(len + 8);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	fwrite(rec, 4, 4, pcap);
	fwrite(ip, 1, sizeof(ip), pcap);
	fwrite(msg, 1, len, pcap);
	nframes++;
	printf("%u %s %zu\n", nframes, name, len);
}

/* A decrypted copy for the pcap: E flag clear, Length without the padding. */
static void
pcap_plain(const char *name, const uint8_t *msg, size_t plain_len)
{
	uint8_t copy[8192];

	memcpy(copy, msg, plain_len);
	copy[19] &= (uint8_t)~GDOI_FLAG_ENC;
	copy[24] = (uint8_t)(plain_len >> 24);
	copy[25] = (uint8_t)(plain_len >> 16);
	copy[26] = (uint8_t)(plain_len >> 8);
	copy[27] = (uint8_t)plain_len;
	pcap_frame(name, copy, plain_len);
}

static char key_path[64];

static void
make_key(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	int fd;
	FILE *f;

	snprintf(key_path, sizeof(key_path), "/tmp/gks-test-XXXXXX");
	fd = mkstemp(key_path);
	f = fdopen(fd, "w");
	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	EVP_PKEY_free(k);
}

static void
prefix(struct gks_prefix *p, const char *txt, unsigned int plen)
{
	memset(p, 0, sizeof(*p));
	p->family = strchr(txt, ':') != NULL ? AF_INET6 : AF_INET;
	p->plen = (uint8_t)plen;
	inet_pton(p->family, txt, p->addr);
}

static void
params(struct gks_params *p)
{
	struct gks_group_params *g = &p->groups[0];

	gks_params_default(p);
	p->nlisten = 1;
	prefix(&p->listen[0], "10.0.0.1", 32);
	p->nprops = 2;
	p->props[0] = (struct gks_ike_prop){ GDOI_IKE_ENC_AES_CBC, 128, 2, 14, 86400 };
	p->props[1] = (struct gks_ike_prop){ GDOI_IKE_ENC_3DES_CBC, 0, 2, 2, 3600 };
	p->ngroups = 1;
	gks_group_params_default(g);
	snprintf(g->name, sizeof(g->name), "g1");
	g->id = 1234;
	g->nauth = 1;
	prefix(&g->auth[0].peer, "10.0.0.0", 24);
	memcpy(g->auth[0].psk, PSK, strlen(PSK));
	g->auth[0].psk_len = strlen(PSK);
	g->nteks = 3;
	g->teks[0] = (struct gks_tek_params){ .name = "aes", .transform = GDOI_ESP_AES_CBC,
		.key_bits = 128, .auth = GDOI_AUTH_HMAC_SHA2_256, .lifetime_s = 3600,
		.encap = GDOI_ENCAP_TUNNEL, .addr_preservation = 4, .direction = 3 };
	prefix(&g->teks[0].src, "10.1.0.0", 16);
	prefix(&g->teks[0].dst, "239.1.1.1", 32);
	g->teks[1] = (struct gks_tek_params){ .name = "3des", .transform = GDOI_ESP_3DES,
		.key_bits = 192, .auth = GDOI_AUTH_HMAC_SHA1, .lifetime_s = 1800,
		.encap = GDOI_ENCAP_TUNNEL };
	prefix(&g->teks[1].src, "10.2.0.0", 16);
	prefix(&g->teks[1].dst, "10.3.0.0", 16);
	g->teks[2] = (struct gks_tek_params){ .name = "gcm6", .transform = GDOI_ESP_AES_GCM_16,
		.key_bits = 256, .lifetime_s = 3600, .encap = GDOI_ENCAP_TUNNEL,
		.addr_preservation = 4 };
	prefix(&g->teks[2].src, "2001:db8:1::", 48);
	prefix(&g->teks[2].dst, "2001:db8:2::", 48);
	g->has_kek = true;
	g->kek.alg = GDOI_KEK_ALG_AES;
	g->kek.key_bits = 128;
	g->kek.lifetime_s = 86400;
	g->kek.sig_hash = GDOI_SIG_HASH_SHA256;
	g->kek.sig_fmt = GDOI_SIG_PKCS1_DIGESTINFO;
	g->kek.ack = true;
	snprintf(g->kek.key_file, sizeof(g->kek.key_file), "%s", key_path);
	g->atd_s = 5;
	g->dtd_s = 30;
	g->d3p_window_ms = 500;
}

static struct sockaddr_in member = { .sin_family = AF_INET, .sin_port = 0x5003 };

static uint64_t server_us;	/* time spent in the server */

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Feed buf to the server; return the index of its (only) reply, or -1. */
static int
exchange(struct gks_server *s, const uint8_t *buf, size_t len)
{
	uint8_t copy[8192];
	unsigned int before = nsent;
	uint64_t t0;

	memcpy(copy, buf, len);
	t0 = now_us();
	gks_server_input(s, -1, (struct sockaddr *)&member, sizeof(member), copy, len);
	server_us += now_us() - t0;
	return nsent == before + 1 ? (int)before : -1;
}

static const struct ike1_xform offer[] = {
	{ GDOI_IKE_ENC_AES_CBC, 128, 2, 14, GDOI_IKE_AUTH_PSK, 3600 },
};

/* Main Mode with the ike1_mm initiator; true when both sides are done. */
static bool
main_mode(struct gks_server *s, struct ike1_sa *i, const char *psk, const uint8_t ip[4])
{
	uint8_t buf[8192];
	size_t len;
	int r;

	ike1_sa_init(i, true);
	if (ike1_mm_i1(i, offer, 1, buf, sizeof(buf), &len) != 0)
		return false;
	r = exchange(s, buf, len);
	if (r < 0 || ike1_mm_i2(i, offer, 1, sent[r], sent_len[r]) != 0)
		return false;
	pcap_frame("mm2", sent[r], sent_len[r]);
	ike1_mm_i3(i, buf, sizeof(buf), &len);
	r = exchange(s, buf, len);
	if (r < 0 || ike1_mm_i4(i, (const uint8_t *)psk, strlen(psk), sent[r],
				 sent_len[r]) != 0)
		return false;
	pcap_frame("mm4", sent[r], sent_len[r]);
	ike1_mm_i5(i, ip, buf, sizeof(buf), &len);
	r = exchange(s, buf, len);
	if (r < 0 || ike1_mm_i6(i, sent[r], sent_len[r]) != 0) {
		if (r >= 0)
			fprintf(stderr, "mm6: %s\n", i->why);
		return false;
	}
	return true;
}

static struct gdoi_msg msg;

/* Decrypt reply r of the PULL and check its HASH; the parsed message in msg. */
static bool
open_reply(struct ike1_sa *i, uint32_t mid, int r, enum gdoi_msg_kind kind,
	   const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len)
{
	uint8_t hash[GDOI_HASH_MAX];
	struct gdoi_perr err;
	size_t rest;

	if (r < 0 || ike1_sa_p2_decrypt(i, mid, sent[r], sent_len[r]) != 0 ||
	    gdoi_msg_parse(sent[r], sent_len[r], kind, GDOI_PARSE_DECRYPTED, &msg, &err) != 0)
		return false;
	rest = msg.pl[1].off;
	ike1_sa_pull_hash(i, mid, ni, ni_len, nr, nr_len, sent[r] + rest,
			  msg.len - msg.pad_len - rest, hash);
	return msg.pl[0].u.data.len == i->k.prf_len &&
	       memcmp(hash, msg.pl[0].u.data.p, i->k.prf_len) == 0;
}

/* Build a PULL message: HASH (computed), then what add() puts; encrypted. */
static size_t
pull_msg(struct ike1_sa *i, uint32_t mid, uint8_t *buf, const uint8_t *ni, size_t ni_len,
	 const uint8_t *nr, size_t nr_len, const uint8_t *gid)
{
	struct gdoi_ident id = { GDOI_ID_KEY_ID, 0, 0, { gid, 4, 0 } };
	size_t hl = i->k.prf_len, len;
	struct gdoi_hdr h;
	struct gdoi_bld b;

	ike1_sa_hdr(i, GDOI_EXCH_PULL, GDOI_FLAG_ENC, mid, &h);
	gdoi_bld_init(&b, buf, 8192, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, buf, hl);
	if (gid != NULL) {
		gdoi_bld_data(&b, GDOI_PL_NONCE, ni, ni_len);
		gdoi_bld_id(&b, &id);
	}
	gdoi_bld_finish(&b, &len);
	/* HASH(1) = prf(SKEYID_a, M-ID | Ni | ID); HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b) */
	ike1_sa_pull_hash(i, mid, gid != NULL ? NULL : ni, gid != NULL ? 0 : ni_len,
			  gid != NULL ? NULL : nr, gid != NULL ? 0 : nr_len, buf + 32 + hl,
			  len - 32 - hl, buf + 32);
	ike1_sa_p2_encrypt(i, mid, buf, len, 8192, &len);
	return len;
}

struct kd_keys {
	uint8_t kek[48];
	size_t kek_len;
	uint8_t kek_spi[16];
	EVP_PKEY *pub;
	uint32_t tek_spi[8];
	unsigned int nteks;
};

static void
read_kd(const struct gdoi_msg *m, struct kd_keys *k)
{
	struct gdoi_attr a;

	memset(k, 0, sizeof(*k));
	for (unsigned int j = 0; j < m->nkp; j++) {
		const struct gdoi_kp *kp = &m->kp[j];

		if (kp->type == GDOI_KD_TEK) {
			k->tek_spi[k->nteks++] = (uint32_t)kp->spi.p[0] << 24 |
				(uint32_t)kp->spi.p[1] << 16 | kp->spi.p[2] << 8 | kp->spi.p[3];
			continue;
		}
		memcpy(k->kek_spi, kp->spi.p, 16);
		if (gdoi_attrs_find(&kp->attrs, GDOI_KD_KEK_ALGORITHM_KEY, &a) == 0) {
			memcpy(k->kek, a.val.p, a.val.len);
			k->kek_len = a.val.len;
		}
		if (gdoi_attrs_find(&kp->attrs, GDOI_KD_KEK_SIG_ALGORITHM_KEY, &a) == 0)
			k->pub = gdoi_rsa_pub_from_der(a.val.p, a.val.len);
	}
}

/* Decrypt and verify a PUSH with the member's KEK; parsed into msg. */
static bool
open_push(uint8_t *buf, size_t len, const struct kd_keys *k)
{
	uint8_t iv[16], digest[32];
	const uint8_t *kiv, *kkey;
	struct gdoi_perr err;
	unsigned int sig;

	if (memcmp(buf, k->kek_spi, 16) != 0)
		return false;
	gdoi_kek_key_split(GDOI_CIPHER_AES128_CBC, k->kek, k->kek_len, &kiv, &kkey);
	memcpy(iv, kiv, 16);
	if (gdoi_msg_decrypt(GDOI_CIPHER_AES128_CBC, kkey, iv, buf, len) != 0 ||
	    gdoi_msg_parse(buf, len, GDOI_MSG_PUSH, GDOI_PARSE_DECRYPTED, &msg, &err) != 0) {
		fprintf(stderr, "push: %s\n", err.msg);
		return false;
	}
	sig = msg.npl - 1;
	gdoi_push_digest(GDOI_HASH_SHA256, buf, msg.pl[sig].off, msg.len - msg.pad_len, digest);
	return gdoi_sig_verify(k->pub, GDOI_HASH_SHA256, GDOI_SIG_PKCS1_DIGESTINFO, digest,
			       msg.pl[sig].u.data.p, msg.pl[sig].u.data.len) == 0;
}

/* RFC 8263 3, computed here with OpenSSL's HMAC. */
static size_t
ack_msg(const struct kd_keys *k, uint32_t seq, const uint8_t ip[4], uint8_t *buf)
{
	static const char label[] = "GROUPKEY-PUSH ACK";
	uint8_t in[64], ack_key[32], rest[64];
	struct gdoi_ident id = { GDOI_ID_IPV4_ADDR, 0, 0, { ip, 4, 0 } };
	unsigned int n = 0, hl = 32;
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_PUSH_ACK };
	struct gdoi_bld b;
	size_t len;

	memcpy(in, label, sizeof(label));
	memcpy(in + sizeof(label), k->kek_spi, 16);
	in[sizeof(label) + 16] = 0x02;
	in[sizeof(label) + 17] = 0x00;
	n = sizeof(label) + 18;
	/* base_key: KEK_ALGORITHM_KEY without its IV (AES-128: the last 16 octets) */
	HMAC(EVP_sha256(), k->kek + 16, 16, in, n, ack_key, &hl);
	memcpy(h.icookie, k->kek_spi, 8);
	memcpy(h.rcookie, k->kek_spi + 8, 8);
	gdoi_bld_init(&b, buf, 8192, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, rest, 32);
	gdoi_bld_seq(&b, seq);
	gdoi_bld_id(&b, &id);
	gdoi_bld_finish(&b, &len);
	HMAC(EVP_sha256(), ack_key, 32, buf + 64, len - 64, buf + 32, &hl);
	return len;
}

static struct gks_server *
server(void)
{
	struct gks_params p;
	struct gks_server *s;
	char why[256] = "";

	params(&p);
	s = gks_server_create(NULL, &p, false, why, sizeof(why));
	if (s == NULL)
		fprintf(stderr, "server: %s\n", why);
	else
		gks_server_set_send(s, capture, NULL);
	return s;
}

static void
test_register_push_ack_remove(void)
{
	static const uint8_t ip[4] = { 10, 0, 0, 5 }, gid[4] = { 0, 0, 0x04, 0xd2 };
	uint8_t buf[8192], pull3[8192], ni[20], nr[64];
	struct gks_member_info mi;
	struct gks_group_info gi;
	struct gks_server *s = server();
	struct ike1_sa i;
	struct kd_keys k, k2;
	struct gdoi_kek_policy kp;
	struct gdoi_gap gap;
	struct gdoi_perr err;
	unsigned int pos = 0, nsat = 0;
	size_t len, len3, nr_len = 0;
	uint32_t mid;
	int r;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	nsent = 0;
	CHECK(main_mode(s, &i, PSK, ip));
	memset(ni, 0x42, sizeof(ni));
	mid = ike1_sa_new_mid(&i);
	len = pull_msg(&i, mid, buf, ni, sizeof(ni), NULL, 0, gid);
	r = exchange(s, buf, len);
	CHECK(open_reply(&i, mid, r, GDOI_MSG_PULL2, ni, sizeof(ni), NULL, 0));
	if (r < 0)
		goto out;
	pcap_plain("pull2", sent[r], msg.len - msg.pad_len);
	/* SA: SA KEK, three SA TEKs, GAP; what they say */
	for (unsigned int j = 0; j < msg.npl; j++) {
		const struct gdoi_pl *p = &msg.pl[j];

		if (p->type == GDOI_PL_NONCE) {
			nr_len = p->u.data.len;
			memcpy(nr, p->u.data.p, nr_len);
		} else if (p->type == GDOI_PL_SAK) {
			CHECK(gdoi_kek_decode(&p->u.sak.attrs, &kp, &err) == 0);
			CHECK_EQ(kp.alg, GDOI_KEK_ALG_AES);
			CHECK_EQ(kp.sig_key_bits, 2048);
			CHECK_EQ(kp.ack, GDOI_ACK_KEK_SHA256);
		} else if (p->type == GDOI_PL_SAT) {
			nsat++;
			if (p->u.sat.transform_id == GDOI_ESP_AES_GCM_16) {
				CHECK_EQ(p->u.sat.src.type, GDOI_ID_IPV6_SUBNET);
				CHECK_EQ(p->u.sat.src.data.len, 32);
			}
		} else if (p->type == GDOI_PL_GAP) {
			CHECK(gdoi_gap_decode(&p->u.gap, &gdoi_gap_ids_default, &gap, &err) == 0);
			CHECK_EQ(gap.d3p_window_ms, 500);
			CHECK_EQ(gap.atd, 5);
			CHECK_EQ(gap.dtd, 30);
		}
	}
	CHECK_EQ(nsat, 3);
	len3 = pull_msg(&i, mid, pull3, ni, sizeof(ni), nr, nr_len, NULL);
	memcpy(buf, pull3, len3);
	r = exchange(s, pull3, len3);
	CHECK(open_reply(&i, mid, r, GDOI_MSG_PULL4, ni, sizeof(ni), nr, nr_len));
	if (r < 0)
		goto out;
	len = sent_len[r];
	pcap_plain("pull4", sent[r], msg.len - msg.pad_len);
	CHECK_EQ(gdoi_msg_find(&msg, GDOI_PL_SEQ, &pos)->u.seq, 0);
	read_kd(&msg, &k);
	CHECK_EQ(k.nteks, 3);
	CHECK(k.pub != NULL && k.kek_len == 32);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.nmembers == 1 && gi.pulls == 1);
	CHECK_EQ(gi.teks[1].spi, k.tek_spi[1]);

	/* the same message 3 again: the same reply, nothing registered twice */
	nsent = 0;
	r = exchange(s, buf, len3);
	CHECK_EQ(r, 0);
	CHECK_EQ(sent_len[0], len);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.pulls == 1);

	/* a rekey of TEKs and KEK: one PUSH to the member, under the KEK it holds */
	nsent = 0;
	CHECK(gks_group_rekey(s, "g1", true) == 0);
	CHECK_EQ(nsent, 1);
	CHECK(open_push(sent[0], sent_len[0], &k));
	pcap_plain("push", sent[0], msg.len - msg.pad_len);
	pos = 0;
	CHECK_EQ(gdoi_msg_find(&msg, GDOI_PL_SEQ, &pos)->u.seq, 1);
	read_kd(&msg, &k2);
	CHECK(memcmp(k2.kek_spi, k.kek_spi, 16) != 0);
	CHECK(k2.tek_spi[0] != k.tek_spi[0]);
	CHECK(gks_member_info(s, 0, 0, &mi) == 0 && mi.seq_sent == 1 && mi.seq_acked == 0 &&
	      !mi.current);
	/* the ACK (cookies of the PUSH: the KEK it came under) */
	len = ack_msg(&k, 1, ip, buf);
	pcap_frame("ack", buf, len);
	exchange(s, buf, len);
	CHECK(gks_member_info(s, 0, 0, &mi) == 0 && mi.seq_acked == 1 && mi.current);
	/* a forged ACK changes nothing */
	buf[40] ^= 1;
	exchange(s, buf, len);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.acks == 1 && gi.members_current == 1);

	/* removal: the member gets a delete of everything, under the new KEK */
	nsent = 0;
	k2.pub = k.pub;
	CHECK(gks_member_remove(s, "g1", &(struct gks_prefix){ AF_INET, 32,
							   { 10, 0, 0, 5 } }) == 0);
	CHECK(nsent >= 1);
	CHECK(open_push(sent[0], sent_len[0], &k2));
	pcap_plain("push-delete", sent[0], msg.len - msg.pad_len);
	pos = 0;
	CHECK(gdoi_msg_find(&msg, GDOI_PL_DELETE, &pos) != NULL);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.nmembers == 0 && gi.seq == 3);
	EVP_PKEY_free(k.pub);
out:
	ike1_sa_wipe(&i);
	gks_server_free(s);
}

static void
test_refusals(void)
{
	static const uint8_t ip[4] = { 10, 0, 0, 6 }, gid[4] = { 0, 0, 0x04, 0xd3 };
	struct gks_server *s = server();
	struct gks_stats st;
	struct ike1_sa i;
	uint8_t buf[8192], ni[20] = { 1 };
	size_t len;
	uint32_t mid;

	if (s == NULL)
		return;
	/* a wrong pre-shared key: message 5 does not verify, no reply */
	CHECK(!main_mode(s, &i, "another-pre-shared-key!!", ip));
	gks_stats_get(s, &st);
	CHECK_EQ(st.auth_fail, 1);
	ike1_sa_wipe(&i);
	/* an unknown group: no reply */
	CHECK(main_mode(s, &i, PSK, ip));
	mid = ike1_sa_new_mid(&i);
	len = pull_msg(&i, mid, buf, ni, sizeof(ni), NULL, 0, gid);
	CHECK_EQ(exchange(s, buf, len), -1);
	gks_stats_get(s, &st);
	CHECK_EQ(st.no_group, 1);
	ike1_sa_wipe(&i);
	/* an address no group authorises: refused at message 3 */
	member.sin_addr.s_addr = htonl(0x0a000105);
	CHECK(!main_mode(s, &i, PSK, ip));
	gks_stats_get(s, &st);
	CHECK_EQ(st.auth_fail, 2);
	member.sin_addr.s_addr = htonl(0x0a000005);
	ike1_sa_wipe(&i);
	gks_server_free(s);
}

/* The rekey timer is due when 10 % of the earliest lifetime remains (the 1800 s TEK). */
static void
test_rekey_timer(void)
{
	struct ctl_loop *loop = ctl_loop_create(NULL);
	struct gks_params p;
	struct gks_server *s;
	char why[256];

	params(&p);
	s = gks_server_create(loop, &p, false, why, sizeof(why));
	CHECK(s != NULL);
	if (s != NULL) {
		const struct gks_group *g = &s->groups[0];

		CHECK(ctl_timer_armed(&g->rekey_timer));
		CHECK_EQ(g->rekey_timer.deadline, g->teks[1].created_ms + 1800 * 900);
		gks_server_set_send(s, capture, NULL);
		gks_server_free(s);
	}
	ctl_loop_free(loop);
}

/* 100 members registering at once (each step of every exchange interleaved), < 10 s. */
static void
test_hundred_at_once(void)
{
	enum { N = 100 };
	static struct ike1_sa m[N];
	static const uint8_t gid[4] = { 0, 0, 0x04, 0xd2 };
	static uint8_t nr[N][64];
	static size_t nr_len[N];
	uint8_t buf[8192], ni[20], ip[4] = { 10, 0, 0, 0 };
	struct gks_server *s = server();
	struct gks_group_info gi;
	unsigned int ok = 0;
	size_t len;
	int r;

	if (s == NULL)
		return;
	server_us = 0;
	memset(ni, 0x33, sizeof(ni));
	for (int step = 0; step < 5; step++) {
		for (unsigned int i = 0; i < N; i++) {
			uint32_t mid = 0x100 + i;

			ip[3] = (uint8_t)(10 + i);
			member.sin_addr.s_addr = htonl(0x0a00000a + i);
			nsent = 0;
			switch (step) {
			case 0:
				ike1_sa_init(&m[i], true);
				ike1_mm_i1(&m[i], offer, 1, buf, sizeof(buf), &len);
				if ((r = exchange(s, buf, len)) >= 0)
					ike1_mm_i2(&m[i], offer, 1, sent[r], sent_len[r]);
				break;
			case 1:
				ike1_mm_i3(&m[i], buf, sizeof(buf), &len);
				if ((r = exchange(s, buf, len)) >= 0)
					ike1_mm_i4(&m[i], (const uint8_t *)PSK, strlen(PSK), sent[r],
						   sent_len[r]);
				break;
			case 2:
				ike1_mm_i5(&m[i], ip, buf, sizeof(buf), &len);
				if ((r = exchange(s, buf, len)) >= 0)
					ike1_mm_i6(&m[i], sent[r], sent_len[r]);
				break;
			case 3:
				len = pull_msg(&m[i], mid, buf, ni, sizeof(ni), NULL, 0, gid);
				r = exchange(s, buf, len);
				if (open_reply(&m[i], mid, r, GDOI_MSG_PULL2, ni, sizeof(ni), NULL, 0)) {
					for (unsigned int j = 0; j < msg.npl; j++)
						if (msg.pl[j].type == GDOI_PL_NONCE) {
							nr_len[i] = msg.pl[j].u.data.len;
							memcpy(nr[i], msg.pl[j].u.data.p, nr_len[i]);
						}
				}
				break;
			case 4:
				len = pull_msg(&m[i], mid, buf, ni, sizeof(ni), nr[i], nr_len[i], NULL);
				r = exchange(s, buf, len);
				ok += open_reply(&m[i], mid, r, GDOI_MSG_PULL4, ni, sizeof(ni), nr[i],
						 nr_len[i]);
				ike1_sa_wipe(&m[i]);
				break;
			}
		}
	}
	CHECK_EQ(ok, N);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.nmembers == N);
	/* the server's share (the members' DH runs in this process too) */
	CHECK(server_us < 10000000);
	printf("100 registrations: %llu ms in the key server\n",
	       (unsigned long long)(server_us / 1000));
	member.sin_addr.s_addr = htonl(0x0a000005);
	gks_server_free(s);
}

int
main(int argc, char **argv)
{
	static const uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101 };

	member.sin_addr.s_addr = htonl(0x0a000005);
	if (argc > 1) {
		pcap = fopen(argv[1], "wb");
		if (pcap == NULL)
			return 2;
		fwrite(gh, 4, 6, pcap);
	}
	make_key();
	GW_RUN(test_register_push_ack_remove);
	GW_RUN(test_refusals);
	GW_RUN(test_rekey_timer);
	if (pcap == NULL)
		GW_RUN(test_hundred_at_once);
	unlink(key_path);
	if (pcap != NULL)
		fclose(pcap);
	return gw_test_result();
}
