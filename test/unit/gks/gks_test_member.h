/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GKS_TEST_MEMBER_H
#define GKS_TEST_MEMBER_H

/* A group member for the key server's tests (gks_test_member.c). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gks.h"
#include "gdoi_build.h"
#include "ike1_sa.h"

#define PSK "a-pre-shared-key-of-24-c"

/* What the server sent (gks_server_set_send(s, capture, NULL)), reset nsent to 0. */
extern uint8_t sent[16][8192];
extern size_t sent_len[16];
extern struct sockaddr_storage sent_to[16];
extern unsigned int nsent;
int capture(void *arg, int fd, const struct sockaddr *to, socklen_t tolen, const void *buf,
	    size_t len);

extern char key_path[64];
void make_key(void);			/* an RSA-2048 PEM at key_path (unlink it) */
void prefix(struct gks_prefix *p, const char *txt, unsigned int plen);
/* Group g1 (1234): members 10.0.0.0/24 with PSK, TEKs AES-CBC, 3DES, AES-GCM (IPv6),
 * an AES KEK with ACKs, GAP ATD 5 DTD 30 D3P 500 ms; listen 10.0.0.1. */
void params(struct gks_params *p);
struct gks_server *server(void);	/* params() with capture() */

extern struct sockaddr_in member;	/* the member's address (10.0.0.5:848) */
extern struct sockaddr_in6 member6;	/* 2001:db8:5::5, used when member_v6 */
extern bool member_v6;
extern uint64_t server_us;		/* CPU time exchange() spent in the server */
uint64_t now_us(void);
/* Feed buf to the server as from `member`: the index of its one reply, or -1. */
int exchange(struct gks_server *s, const uint8_t *buf, size_t len);

extern const struct ike1_xform offer[];	/* AES-128/SHA-1/DH 14, PSK */
extern void (*gks_tm_on_reply)(const char *name, const uint8_t *msg, size_t len);
/* Main Mode with the ike1_mm initiator; true when both sides are done. */
bool main_mode(struct gks_server *s, struct ike1_sa *i, const char *psk, const uint8_t ip[4]);
bool main_mode_id(struct gks_server *s, struct ike1_sa *i, const char *psk, int family,
		  const uint8_t *ip);

extern struct gdoi_msg msg;
/* Decrypt reply r of a PULL and check its HASH; parsed into msg. */
bool open_reply(struct ike1_sa *i, uint32_t mid, int r, enum gdoi_msg_kind kind,
		const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len);
/* PULL message 1 (gid != NULL: HASH(1), Ni, ID) or 3 (HASH(3)), encrypted. */
size_t pull_msg(struct ike1_sa *i, uint32_t mid, uint8_t *buf, const uint8_t *ni,
		size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *gid);

#endif /* GKS_TEST_MEMBER_H */
