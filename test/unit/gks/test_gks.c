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
#include "gks_test_member.h"
#include "gks.h"
#include "gdoi_build.h"
#include "ike1_sa.h"
#include "gks_priv.h"
#include "gw_ctl.h"




static FILE *pcap;
static unsigned int nframes;


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
	EVP_PKEY_free(k2.pub);
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

/*
 * A member over IPv6 whose Main Mode identity is its IPv6 address (ID_IPV6_ADDR, as
 * the gdoigw member sends it, lib/gm): accepted inside the authorised prefix,
 * refused outside it.
 */
static void
test_ipv6_address_identity(void)
{
	static const uint8_t outside[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 6, [15] = 5 };
	struct gks_params p;
	struct gks_server *s;
	struct ike1_sa i;
	char why[256] = "";

	params(&p);
	p.groups[0].auth[1].identity[0] = '\0';	/* the address is the identity */
	s = gks_server_create(NULL, &p, false, why, sizeof(why));
	CHECK(s != NULL);
	if (s == NULL)
		return;
	gks_server_set_send(s, capture, NULL);
	member_v6 = true;
	CHECK(main_mode_id(s, &i, PSK "-v6", AF_INET6, member6.sin6_addr.s6_addr));
	ike1_sa_wipe(&i);
	CHECK(!main_mode_id(s, &i, PSK "-v6", AF_INET6, outside));
	ike1_sa_wipe(&i);
	member_v6 = false;
	gks_server_free(s);
}

/*
 * GDOI over IPv6: a member at 2001:db8:5::5 (its own pre-shared key, its identity
 * checked) registers and gets the PUSH at its IPv6 address; with the IPv4 member's
 * key or identity it is refused.
 */
static void
test_ipv6_member(void)
{
	static const uint8_t ip[4] = { 10, 0, 0, 9 }, other[4] = { 10, 0, 0, 8 };
	static const uint8_t gid[4] = { 0, 0, 0x04, 0xd2 };
	uint8_t buf[8192], ni[20], nr[64];
	struct gks_server *s = server();
	struct gks_member_info mi;
	struct ike1_sa i;
	size_t len, nr_len = 0;
	uint32_t mid = 77;
	int r;

	if (s == NULL)
		return;
	member_v6 = true;
	CHECK(!main_mode(s, &i, PSK, ip));			/* the IPv4 entry's key */
	ike1_sa_wipe(&i);
	CHECK(!main_mode(s, &i, PSK "-v6", other));		/* not its identity */
	ike1_sa_wipe(&i);
	CHECK(main_mode(s, &i, PSK "-v6", ip));
	memset(ni, 0x55, sizeof(ni));
	len = pull_msg(&i, mid, buf, ni, sizeof(ni), NULL, 0, gid);
	r = exchange(s, buf, len);
	CHECK(open_reply(&i, mid, r, GDOI_MSG_PULL2, ni, sizeof(ni), NULL, 0));
	for (unsigned int j = 0; j < msg.npl; j++)
		if (msg.pl[j].type == GDOI_PL_NONCE) {
			nr_len = msg.pl[j].u.data.len;
			memcpy(nr, msg.pl[j].u.data.p, nr_len);
		}
	len = pull_msg(&i, mid, buf, ni, sizeof(ni), nr, nr_len, NULL);
	r = exchange(s, buf, len);
	CHECK(open_reply(&i, mid, r, GDOI_MSG_PULL4, ni, sizeof(ni), nr, nr_len));
	CHECK(gks_member_info(s, 0, 0, &mi) == 0 && mi.addr.family == AF_INET6 &&
	      strcmp(mi.identity, "10.0.0.9") == 0);
	nsent = 0;
	CHECK(gks_group_rekey(s, "g1", false) == 0);
	CHECK_EQ(nsent, 1);
	CHECK(sent_to[0].ss_family == AF_INET6 &&
	      memcmp(&((struct sockaddr_in6 *)&sent_to[0])->sin6_addr, &member6.sin6_addr,
		     16) == 0);
	member_v6 = false;
	ike1_sa_wipe(&i);
	gks_server_free(s);
}

/*
 * gdoid compatibility: SA TEK identities with 1-octet lengths (they parse only with
 * GDOI_WIRE_SAT_ID_LEN1) and, in a KEK rekey, the KD's KEK key packet under the old
 * KEK's SPI while the SA KEK announces the new one (what gdoid's member looks up).
 */
static void
test_gdoid_compat(void)
{
	static const uint8_t ip[4] = { 10, 0, 0, 5 }, gid[4] = { 0, 0, 0x04, 0xd2 };
	uint8_t buf[8192], ni[20], nr[64], old_spi[16];
	struct gks_params p;
	struct gks_server *s;
	struct kd_keys k;
	struct gdoi_perr err;
	struct ike1_sa i;
	size_t len, nr_len = 0;
	uint32_t mid = 9;
	char why[256];
	int r;

	params(&p);
	p.groups[0].gdoid_compat = true;
	s = gks_server_create(NULL, &p, false, why, sizeof(why));
	CHECK(s != NULL);
	if (s == NULL)
		return;
	gks_server_set_send(s, capture, NULL);
	CHECK(main_mode(s, &i, PSK, ip));
	memset(ni, 0x21, sizeof(ni));
	len = pull_msg(&i, mid, buf, ni, sizeof(ni), NULL, 0, gid);
	r = exchange(s, buf, len);
	/* decrypted and HASH-checked in open_reply; the SA TEKs need the 1-octet layout */
	CHECK(r >= 0 && ike1_sa_p2_decrypt(&i, mid, sent[r], sent_len[r]) == 0);
	CHECK(gdoi_msg_parse(sent[r], sent_len[r], GDOI_MSG_PULL2, GDOI_PARSE_DECRYPTED, &msg,
			     &err) != 0);
	CHECK(gdoi_msg_parse(sent[r], sent_len[r], GDOI_MSG_PULL2,
			     GDOI_PARSE_DECRYPTED | GDOI_WIRE_SAT_ID_LEN1, &msg, &err) == 0);
	for (unsigned int j = 0; j < msg.npl; j++)
		if (msg.pl[j].type == GDOI_PL_NONCE) {
			nr_len = msg.pl[j].u.data.len;
			memcpy(nr, msg.pl[j].u.data.p, nr_len);
		}
	len = pull_msg(&i, mid, buf, ni, sizeof(ni), nr, nr_len, NULL);
	r = exchange(s, buf, len);
	CHECK(open_reply(&i, mid, r, GDOI_MSG_PULL4, ni, sizeof(ni), nr, nr_len));
	read_kd(&msg, &k);
	memcpy(old_spi, k.kek_spi, sizeof(old_spi));
	nsent = 0;
	CHECK(gks_group_rekey(s, "g1", true) == 0 && nsent == 1);
	memcpy(k.kek_spi, old_spi, sizeof(old_spi));
	CHECK(memcmp(sent[0], old_spi, 16) == 0);	/* under the old KEK */
	{
		uint8_t iv[16];
		const uint8_t *kiv, *kkey;

		gdoi_kek_key_split(GDOI_CIPHER_AES128_CBC, k.kek, k.kek_len, &kiv, &kkey);
		memcpy(iv, kiv, 16);
		CHECK(gdoi_msg_decrypt(GDOI_CIPHER_AES128_CBC, kkey, iv, sent[0], sent_len[0]) == 0);
	}
	CHECK(gdoi_msg_parse(sent[0], sent_len[0], GDOI_MSG_PUSH,
			     GDOI_PARSE_DECRYPTED | GDOI_WIRE_SAT_ID_LEN1, &msg, &err) == 0);
	for (unsigned int j = 0; j < msg.npl; j++)
		if (msg.pl[j].type == GDOI_PL_SAK)
			CHECK(memcmp(msg.pl[j].u.sak.spi, old_spi, 16) != 0);	/* the new KEK */
	for (unsigned int j = 0; j < msg.nkp; j++)
		if (msg.kp[j].type == GDOI_KD_KEK)
			CHECK(memcmp(msg.kp[j].spi.p, old_spi, 16) == 0);	/* named by the old */
	EVP_PKEY_free(k.pub);
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
enum { HUNDRED = 100 };
static struct ike1_sa hm[HUNDRED];
static uint8_t hnr[HUNDRED][64];
static size_t hnr_len[HUNDRED];

/* Step `step` of member i's registration; true when its last reply checked out. */
static bool
hundred_step(struct gks_server *s, unsigned int i, int step)
{
	static const uint8_t gid[4] = { 0, 0, 0x04, 0xd2 };
	uint8_t buf[8192], ni[20], ip[4] = { 10, 0, 0, (uint8_t)(10 + i) };
	struct ike1_sa *m = &hm[i];
	uint32_t mid = 0x100 + i;
	size_t len;
	int r;

	memset(ni, 0x33, sizeof(ni));
	member.sin_addr.s_addr = htonl(0x0a00000a + i);
	nsent = 0;
	switch (step) {
	case 0:
		ike1_sa_init(m, true);
		ike1_mm_i1(m, offer, 1, buf, sizeof(buf), &len);
		r = exchange(s, buf, len);
		return r >= 0 && ike1_mm_i2(m, offer, 1, sent[r], sent_len[r]) == 0;
	case 1:
		ike1_mm_i3(m, buf, sizeof(buf), &len);
		r = exchange(s, buf, len);
		return r >= 0 && ike1_mm_i4(m, (const uint8_t *)PSK, strlen(PSK), sent[r],
					    sent_len[r]) == 0;
	case 2:
		ike1_mm_i5(m, ip, buf, sizeof(buf), &len);
		r = exchange(s, buf, len);
		return r >= 0 && ike1_mm_i6(m, sent[r], sent_len[r]) == 0;
	case 3:
		len = pull_msg(m, mid, buf, ni, sizeof(ni), NULL, 0, gid);
		r = exchange(s, buf, len);
		if (!open_reply(m, mid, r, GDOI_MSG_PULL2, ni, sizeof(ni), NULL, 0))
			return false;
		for (unsigned int j = 0; j < msg.npl; j++)
			if (msg.pl[j].type == GDOI_PL_NONCE) {
				hnr_len[i] = msg.pl[j].u.data.len;
				memcpy(hnr[i], msg.pl[j].u.data.p, hnr_len[i]);
			}
		return true;
	default:
		len = pull_msg(m, mid, buf, ni, sizeof(ni), hnr[i], hnr_len[i], NULL);
		r = exchange(s, buf, len);
		return open_reply(m, mid, r, GDOI_MSG_PULL4, ni, sizeof(ni), hnr[i], hnr_len[i]);
	}
}

static void
test_hundred_at_once(void)
{
	struct gks_server *s = server();
	struct gks_group_info gi;
	unsigned int ok = 0;

	if (s == NULL)
		return;
	server_us = 0;
	for (int step = 0; step < 5; step++) {
		for (unsigned int i = 0; i < HUNDRED; i++) {
			bool done = hundred_step(s, i, step);

			ok += step == 4 && done;
		}
	}
	for (unsigned int i = 0; i < HUNDRED; i++)
		ike1_sa_wipe(&hm[i]);
	CHECK_EQ(ok, HUNDRED);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.nmembers == HUNDRED);
	/* the server's CPU time (the members' DH runs in this thread too) */
	CHECK(server_us < 10000000);
	printf("100 registrations: %llu ms in the key server\n",
	       (unsigned long long)(server_us / 1000));
	member.sin_addr.s_addr = htonl(0x0a000005);
	gks_server_free(s);
}

struct spin {
	struct gks_server *s;
	uint64_t pushes, end;
	struct ctl_timer t;
};

static void
spin_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct spin *sp = arg;
	struct gks_group_info gi;

	if ((gks_group_info(sp->s, 0, &gi) == 0 && gi.pushes >= sp->pushes) ||
	    ctl_now_ms() > sp->end) {
		ctl_loop_stop(l);	/* for good: a stopped loop does not run again */
		return;
	}
	ctl_timer_arm(l, t, 5);
}

/* Run the loop until the group's PUSH count reaches n (or 30 s: the helper is niced). */
static void
spin_until_pushes(struct ctl_loop *loop, struct gks_server *s, uint64_t n)
{
	struct spin sp = { .s = s, .pushes = n, .end = ctl_now_ms() + 30000 };

	ctl_timer_init(&sp.t, spin_fire, &sp);
	ctl_timer_arm(loop, &sp.t, 5);
	ctl_loop_run(loop);
	ctl_timer_cancel(loop, &sp.t);
}

/*
 * The PUSH's signature on the helper thread (gks_async_push.c): the rekey
 * commits the new SEQ and keys at once, the PUSH goes when the signature is
 * back (pushes still 0 right after the rekey, 1 once the loop ran); it
 * decrypts with the group's KEK and its SIG verifies with the signing key.
 * Then a rekey whose server is freed before the signature is back: the job
 * comes back to nobody and is freed (ASan: no leak, no use after free).
 */
static void
test_push_signed_on_helper(void)
{
	struct ctl_loop *loop = ctl_loop_create(NULL);
	struct ctl_helper *h = ctl_helper_create(loop, NULL);
	struct gks_group_info gi;
	struct gks_server *s;
	struct gks_params p;
	struct gks_stats st;
	struct kd_keys k;
	char why[256] = "";
	const struct gks_group *g;
	uint8_t buf[8192];

	CHECK(loop != NULL && h != NULL);
	params(&p);
	p.helper = h;
	s = gks_server_create(loop, &p, false, why, sizeof(why));
	CHECK(s != NULL);
	if (s == NULL)
		goto out;
	gks_server_set_send(s, capture, NULL);
	g = &s->groups[0];
	CHECK(gks_group_rekey(s, "g1", false) == 0);
	gks_stats_get(s, &st);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.seq == 1);
	CHECK_EQ(st.push_signs, 1);
	CHECK_EQ(gi.pushes, 0);		/* on the helper: not sent yet */
	spin_until_pushes(loop, s, 1);
	CHECK(gks_group_info(s, 0, &gi) == 0 && gi.pushes == 1);
	CHECK(g->push != NULL && g->push_len <= sizeof(buf));
	if (g->push != NULL && g->push_len <= sizeof(buf)) {
		/* the KEK did not change (TEKs only): the PUSH is under g->kek */
		memset(&k, 0, sizeof(k));
		memcpy(k.kek, g->kek.keymat, g->kek.keymat_len);
		k.kek_len = g->kek.keymat_len;
		memcpy(k.kek_spi, g->kek.spi, 16);
		k.pub = g->sig_key;
		memcpy(buf, g->push, g->push_len);
		CHECK(open_push(buf, g->push_len, &k));
	}
	/* the server goes while the next signature is made */
	CHECK(gks_group_rekey(s, "g1", true) == 0);
	gks_stats_get(s, &st);
	CHECK_EQ(st.push_signs, 2);
	CHECK_EQ(st.push_stale, 0);
	gks_server_free(s);
out:
	ctl_helper_free(h);	/* delivers the orphaned job: freed */
	ctl_loop_free(loop);
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
	if (pcap != NULL)
		gks_tm_on_reply = pcap_frame;
	make_key();
	GW_RUN(test_register_push_ack_remove);
	GW_RUN(test_refusals);
	GW_RUN(test_rekey_timer);
	GW_RUN(test_ipv6_member);
	GW_RUN(test_ipv6_address_identity);
	GW_RUN(test_gdoid_compat);
	if (pcap == NULL)
		GW_RUN(test_hundred_at_once);
	GW_RUN(test_push_signed_on_helper);
	unlink(key_path);
	if (pcap != NULL)
		fclose(pcap);
	return gw_test_result();
}
