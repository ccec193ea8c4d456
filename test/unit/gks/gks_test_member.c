/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A group member for the key server's tests (test_gks, fuzz_gks_input): a key
 * server in memory whose replies are captured, Main Mode through the initiator
 * of lib/gdoi/ike1_mm.c, GROUPKEY-PULL messages written from RFC 6407 3.2.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gks_test_member.h"

void (*gks_tm_on_reply)(const char *name, const uint8_t *msg, size_t len);

uint8_t sent[16][8192];
size_t sent_len[16];
struct sockaddr_storage sent_to[16];
unsigned int nsent;

int
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

char key_path[64];

void
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

void
prefix(struct gks_prefix *p, const char *txt, unsigned int plen)
{
	memset(p, 0, sizeof(*p));
	p->family = strchr(txt, ':') != NULL ? AF_INET6 : AF_INET;
	p->plen = (uint8_t)plen;
	inet_pton(p->family, txt, p->addr);
}

void
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
	g->nauth = 2;
	prefix(&g->auth[0].peer, "10.0.0.0", 24);
	memcpy(g->auth[0].psk, PSK, strlen(PSK));
	g->auth[0].psk_len = strlen(PSK);
	/* members over IPv6 whose Main Mode identity is a name (ike1_mm_i5 sends an IPv4 ID:
	 * here the identity string "10.0.0.9" stands for it) */
	prefix(&g->auth[1].peer, "2001:db8:5::", 64);
	memcpy(g->auth[1].psk, PSK "-v6", strlen(PSK) + 3);
	g->auth[1].psk_len = strlen(PSK) + 3;
	snprintf(g->auth[1].identity, sizeof(g->auth[1].identity), "10.0.0.9");
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

struct sockaddr_in member = { .sin_family = AF_INET, .sin_port = 0x5003 };

struct sockaddr_in6 member6 = { .sin6_family = AF_INET6, .sin6_port = 0x5003,
				 .sin6_addr = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0,
							     0, 0, 0, 0, 0, 0, 0, 5 } } };
bool member_v6;
uint64_t server_us;	/* time spent in the server */

uint64_t
now_us(void)
{
	struct timespec ts;

	/* CPU time of this thread: the server's cost, not the shared machine's load */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Feed buf to the server; return the index of its (only) reply, or -1. */
int
exchange(struct gks_server *s, const uint8_t *buf, size_t len)
{
	uint8_t copy[8192];
	unsigned int before = nsent;
	uint64_t t0;

	memcpy(copy, buf, len);
	t0 = now_us();
	if (member_v6)
		gks_server_input(s, -1, (struct sockaddr *)&member6, sizeof(member6), copy, len);
	else
		gks_server_input(s, -1, (struct sockaddr *)&member, sizeof(member), copy, len);
	server_us += now_us() - t0;
	return nsent == before + 1 ? (int)before : -1;
}

const struct ike1_xform offer[] = {
	{ GDOI_IKE_ENC_AES_CBC, 128, 2, 14, GDOI_IKE_AUTH_PSK, 3600 },
};

/* Main Mode with the ike1_mm initiator; true when both sides are done. */
bool
main_mode(struct gks_server *s, struct ike1_sa *i, const char *psk, const uint8_t ip[4])
{
	return main_mode_id(s, i, psk, AF_INET, ip);
}

/* The same with an IDii of the family's address type (ID_IPV6_ADDR for AF_INET6). */
bool
main_mode_id(struct gks_server *s, struct ike1_sa *i, const char *psk, int family,
	     const uint8_t *ip)
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
	if (gks_tm_on_reply != NULL)
		gks_tm_on_reply("mm2", sent[r], sent_len[r]);
	ike1_mm_i3(i, buf, sizeof(buf), &len);
	r = exchange(s, buf, len);
	if (r < 0 || ike1_mm_i4(i, (const uint8_t *)psk, strlen(psk), sent[r],
				 sent_len[r]) != 0)
		return false;
	if (gks_tm_on_reply != NULL)
		gks_tm_on_reply("mm4", sent[r], sent_len[r]);
	ike1_mm_i5_addr(i, family, ip, buf, sizeof(buf), &len);
	r = exchange(s, buf, len);
	if (r < 0 || ike1_mm_i6(i, sent[r], sent_len[r]) != 0) {
		if (r >= 0)
			fprintf(stderr, "mm6: %s\n", i->why);
		return false;
	}
	return true;
}

struct gdoi_msg msg;

/* Decrypt reply r of the PULL and check its HASH; the parsed message in msg. */
bool
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
size_t
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

struct gks_server *
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
