/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GROUPKEY-PULL initiator (RFC 6407 3.2) and GROUPKEY-PUSH receiver (RFC 6407 4)
 * of one group: build, decrypt, check and decode messages. Sending, timers
 * and installing are gm_member.c's.
 *
 *   HDR*, HASH(1), Ni, ID          -->
 *                                  <--  HDR*, HASH(2), Nr, SA
 *   HDR*, HASH(3)                  -->
 *                                  <--  HDR*, HASH(4), [SEQ,] KD
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "gdoi_names.h"
#include "gm_priv.h"
#include "gw_log.h"

const char *const gm_counter_names[GM_C_MAX] = {
	[GM_C_REGISTRATIONS] = "registrations",
	[GM_C_REG_FAILED] = "registrations-failed",
	[GM_C_RETRANSMITS] = "retransmits",
	[GM_C_SERVER_FAILOVER] = "server-failovers",
	[GM_C_RX_MALFORMED] = "rx-malformed",
	[GM_C_RX_UNKNOWN_SA] = "rx-unknown-sa",
	[GM_C_RX_UNEXPECTED] = "rx-unexpected",
	[GM_C_HASH_FAILED] = "hash-failed",
	[GM_C_POLICY_REFUSED] = "policy-refused",
	[GM_C_PUSH_OK] = "push-accepted",
	[GM_C_PUSH_BAD_SIG] = "push-bad-signature",
	[GM_C_PUSH_REPLAY] = "push-replayed",
	[GM_C_PUSH_MALFORMED] = "push-malformed",
	[GM_C_PUSH_ACKS] = "push-acks-sent",
	[GM_C_TEK_INSTALLED] = "tek-installed",
	[GM_C_TEK_DELETED] = "tek-deleted",
	[GM_C_KEK_REKEYS] = "kek-rekeys",
	[GM_C_INSTALL_FAILED] = "install-failed",
	[GM_C_DH_JOBS] = "dh-jobs",
	[GM_C_DH_STALE] = "dh-stale",
};

void
gm_count(struct gm_group *g, enum gm_counter c, const char *fmt, ...)
{
	va_list ap;

	g->ctr[c]++;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(g->last_error, sizeof(g->last_error), fmt, ap);
	va_end(ap);
	GW_LOG(ike, WARNING, "group-vpn member %s: %s [%s]", g->name, g->last_error,
	       gm_counter_names[c]);
}

/* One parse result at a time on the control thread. */
static _Thread_local struct gdoi_msg pull_msg;

/* HDR*, HASH(n) first, then `rest` already built: write the HASH, encrypt. */
static int
seal(struct gm_group *g, struct gdoi_bld *b, const uint8_t *ni_b, size_t ni_len,
     const uint8_t *nr_b, size_t nr_len)
{
	size_t hlen = gdoi_hash_len(g->p1.hash), hash_off = GDOI_HDR_LEN + 4, len;
	int ret = gdoi_bld_finish(b, &len);

	if (ret < 0)
		return ret;
	ret = ike1_sa_pull_hash(&g->p1, g->mid, ni_b, ni_len, nr_b, nr_len,
				b->buf + hash_off + hlen, len - hash_off - hlen,
				b->buf + hash_off);
	if (ret < 0)
		return ret;
	return ike1_sa_p2_encrypt(&g->p1, g->mid, b->buf, len, sizeof(g->tx), &g->tx_len);
}

int
gm_pull1(struct gm_group *g)
{
	g->mid = ike1_sa_new_mid(&g->p1);
	if (RAND_bytes(g->ni, sizeof(g->ni)) != 1)
		return -EIO;
	return gm_pull1_build(g);
}

int
gm_pull1_build(struct gm_group *g)
{
	uint8_t zero[GDOI_HASH_MAX] = { 0 };
	uint8_t gid[4] = { g->group_id >> 24, g->group_id >> 16, g->group_id >> 8,
			   g->group_id };
	struct gdoi_ident id = { .type = GDOI_ID_KEY_ID, .data = { .p = gid, .len = 4 } };
	struct gdoi_hdr h;
	struct gdoi_bld b;

	gm_policy_wipe(&g->pend);
	g->nr_len = 0;
	ike1_sa_hdr(&g->p1, GDOI_EXCH_PULL, GDOI_FLAG_ENC, g->mid, &h);
	gdoi_bld_init(&b, g->tx, sizeof(g->tx), &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, zero, gdoi_hash_len(g->p1.hash));
	gdoi_bld_data(&b, GDOI_PL_NONCE, g->ni, sizeof(g->ni));
	/* RFC 6407 3.2: the group by KEY_ID, a 4-octet number in network order */
	gdoi_bld_id(&b, &id);
	return seal(g, &b, NULL, 0, NULL, 0);
}

/* Decrypt a PULL response in place, parse it, check HASH(n). */
static int
pull_open(struct gm_group *g, uint8_t *buf, size_t len, enum gdoi_msg_kind kind,
	  const uint8_t *nr_b, size_t nr_len)
{
	uint8_t hash[GDOI_HASH_MAX];
	struct gdoi_perr err;
	const struct gdoi_pl *hp;
	size_t rest_off, rest_len;
	int ret;

	ret = ike1_sa_p2_decrypt(&g->p1, g->mid, buf, len);
	if (ret < 0) {
		gm_count(g, GM_C_RX_MALFORMED, "PULL response: decryption failed (%d)", ret);
		return ret;
	}
	ret = gdoi_msg_parse(buf, len, kind, GDOI_PARSE_DECRYPTED | g->dopts.parse_flags,
			     &pull_msg, &err);
	if (ret < 0) {
		gm_count(g, GM_C_RX_MALFORMED, "PULL response: %s: %s", gdoi_perr_name(err.code),
			 err.msg);
		return ret;
	}
	hp = &pull_msg.pl[0];
	rest_off = pull_msg.pl[1].off;
	rest_len = pull_msg.len - pull_msg.pad_len - rest_off;
	/* HASH(2) covers Nr whole; HASH(4) both nonce bodies */
	if (kind == GDOI_MSG_PULL2)
		ret = ike1_sa_pull_hash(&g->p1, g->mid, g->ni, sizeof(g->ni), NULL, 0,
					buf + rest_off, rest_len, hash);
	else
		ret = ike1_sa_pull_hash(&g->p1, g->mid, g->ni, sizeof(g->ni), nr_b, nr_len,
					buf + rest_off, rest_len, hash);
	if (ret < 0)
		return ret;
	if (hp->u.data.len != gdoi_hash_len(g->p1.hash) ||
	    !gdoi_hash_equal(hash, hp->u.data.p, hp->u.data.len)) {
		gm_count(g, GM_C_HASH_FAILED, "PULL message %d: HASH does not verify",
			 kind == GDOI_MSG_PULL2 ? 2 : 4);
		return -EACCES;
	}
	return 0;
}

int
gm_pull2(struct gm_group *g, uint8_t *buf, size_t len)
{
	uint8_t zero[GDOI_HASH_MAX] = { 0 };
	const struct gdoi_pl *nr, *sa;
	unsigned int pos = 0;
	struct gdoi_hdr h;
	struct gdoi_bld b;
	char why[256];
	int ret;

	ret = pull_open(g, buf, len, GDOI_MSG_PULL2, NULL, 0);
	if (ret < 0)
		return ret;
	nr = gdoi_msg_find(&pull_msg, GDOI_PL_NONCE, &pos);
	pos = 0;
	sa = gdoi_msg_find(&pull_msg, GDOI_PL_SA, &pos);
	if (!sa->u.sa.gdoi || sa->u.sa.doi != GDOI_DOI_GDOI) {
		gm_count(g, GM_C_RX_MALFORMED, "PULL message 2: SA of DOI %u", sa->u.sa.doi);
		return -EBADMSG;
	}
	memcpy(g->nr, nr->u.data.p, nr->u.data.len);
	g->nr_len = nr->u.data.len;
	memset(&g->pend, 0, sizeof(g->pend));
	ret = gm_policy_from_sa(&pull_msg, (unsigned int)(sa - pull_msg.pl), &g->dopts, &g->pend,
				why, sizeof(why));
	if (ret < 0) {
		gm_count(g, GM_C_POLICY_REFUSED, "PULL message 2: %s", why);
		return ret;
	}
	ike1_sa_hdr(&g->p1, GDOI_EXCH_PULL, GDOI_FLAG_ENC, g->mid, &h);
	gdoi_bld_init(&b, g->tx, sizeof(g->tx), &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, zero, gdoi_hash_len(g->p1.hash));
	/* HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b): no GAP, no SIDs needed (CBC, GCM TEKs
	 * of one sender per SPI are not counter-mode SID users here) */
	return seal(g, &b, g->ni, sizeof(g->ni), g->nr, g->nr_len);
}

int
gm_pull4(struct gm_group *g, uint8_t *buf, size_t len)
{
	const struct gdoi_pl *kd, *seq;
	unsigned int pos = 0;
	char why[256];
	int ret;

	ret = pull_open(g, buf, len, GDOI_MSG_PULL4, g->nr, g->nr_len);
	if (ret < 0)
		return ret;
	seq = gdoi_msg_find(&pull_msg, GDOI_PL_SEQ, &pos);
	if (seq != NULL) {
		g->pend.has_seq = true;
		g->pend.seq = seq->u.seq;
	}
	pos = 0;
	kd = gdoi_msg_find(&pull_msg, GDOI_PL_KD, &pos);
	ret = gm_policy_keys(&pull_msg, kd, &g->pend, why, sizeof(why));
	if (ret < 0) {
		gm_count(g, GM_C_POLICY_REFUSED, "PULL message 4: %s", why);
		return ret;
	}
	ike1_sa_p2_end(&g->p1, g->mid);
	return 0;
}

/*
 * RFC 8263 3: HDR, HASH, SEQ, ID to the key server, not encrypted.
 * ack_key = prf(base_key, "GROUPKEY-PUSH ACK\0" | KEK SPI | L), HASH = prf(ack_key, SEQ | ID).
 */
static int
push_ack(struct gm_group *g, const struct gdoi_hdr *ph, uint32_t seq, uint8_t *ack, size_t cap,
	 size_t *ack_len)
{
	static const char label[] = "GROUPKEY-PUSH ACK";	/* with its NUL */
	uint8_t l[2] = { 512 >> 8, 512 & 0xff };
	uint8_t ack_key[GDOI_HASH_MAX], zero[32] = { 0 };
	struct gdoi_seg seg[3] = {
		{ label, sizeof(label) }, { g->kek.spi, GDOI_KEK_SPI_LEN }, { l, 2 },
	};
	struct gdoi_ident id = { .type = GDOI_ID_IPV4_ADDR,
				 .data = { .p = (const uint8_t *)&g->local.v4, .len = 4 } };
	struct gdoi_seg rest;
	struct gdoi_hdr h = *ph;
	struct gdoi_bld b;
	size_t hash_off = GDOI_HDR_LEN + 4;
	int ret;

	if (gdoi_prf(GDOI_HASH_SHA256, g->kek.key, gdoi_cipher_key_len(g->kek.cipher), seg, 3,
		     ack_key) < 0)
		return -EINVAL;
	h.exchange = GDOI_EXCH_PUSH_ACK;
	h.flags = 0;
	h.msgid = 0;
	gdoi_bld_init(&b, ack, cap, &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, zero, 32);
	gdoi_bld_seq(&b, seq);
	gdoi_bld_id(&b, &id);
	ret = gdoi_bld_finish(&b, ack_len);
	if (ret < 0)
		return ret;
	rest = (struct gdoi_seg){ ack + hash_off + 32, *ack_len - hash_off - 32 };
	return gdoi_prf(GDOI_HASH_SHA256, ack_key, 32, &rest, 1, ack + hash_off);
}

int
gm_push_receive(struct gm_group *g, uint8_t *buf, size_t len, struct gm_policy *p,
		struct gdoi_msg *msg, uint8_t *ack, size_t cap, size_t *ack_len)
{
	uint8_t iv[GDOI_CIPHER_BLOCK_MAX], digest[GDOI_HASH_MAX];
	const struct gdoi_pl *sig = NULL, *seq, *sa, *kd;
	unsigned int pos = 0;
	struct gdoi_perr err;
	char why[256];
	int ret;

	*ack_len = 0;
	/* RFC 6407 4: encrypted with the KEK; gdoid uses the KD's IV for every PUSH */
	memcpy(iv, g->kek.iv, sizeof(iv));
	ret = gdoi_msg_decrypt(g->kek.cipher, g->kek.key, iv, buf, len);
	if (ret < 0) {
		gm_count(g, GM_C_PUSH_MALFORMED, "PUSH: decryption failed (%d)", ret);
		return ret;
	}
	ret = gdoi_msg_parse(buf, len, GDOI_MSG_PUSH, GDOI_PARSE_DECRYPTED | g->dopts.parse_flags,
			     msg, &err);
	if (ret < 0) {
		gm_count(g, GM_C_PUSH_MALFORMED, "PUSH: %s: %s", gdoi_perr_name(err.code),
			 err.msg);
		return ret;
	}
	for (unsigned int i = 0; i < msg->npl; i++)
		if (msg->pl[i].type == GDOI_PL_SIG && msg->pl[i].nested == 0)
			sig = &msg->pl[i];
	ret = gdoi_push_digest(g->kek.sig_hash, buf, sig->off, msg->len - msg->pad_len, digest);
	if (ret == 0)
		ret = gdoi_sig_verify(g->kek.pub, g->kek.sig_hash, g->sig_fmt, digest,
				      sig->u.data.p, sig->u.data.len);
	if (ret < 0) {
		gm_count(g, GM_C_PUSH_BAD_SIG, "PUSH: signature does not verify");
		return -EACCES;
	}
	seq = gdoi_msg_find(msg, GDOI_PL_SEQ, &pos);
	/* RFC 6407 4.1: a SEQ not above the last accepted one is a replay */
	if (g->seq_valid && seq->u.seq <= g->seq) {
		gm_count(g, GM_C_PUSH_REPLAY, "PUSH: SEQ %u not above %u: replayed or older",
			 seq->u.seq, g->seq);
		return -EALREADY;
	}
	memset(p, 0, sizeof(*p));
	p->cur_kek_valid = true;
	memcpy(p->cur_kek_spi, g->kek.spi, GDOI_KEK_SPI_LEN);
	p->has_seq = true;
	p->seq = seq->u.seq;
	pos = 0;
	sa = gdoi_msg_find(msg, GDOI_PL_SA, &pos);
	if (sa != NULL) {
		ret = gm_policy_from_sa(msg, (unsigned int)(sa - msg->pl), &g->dopts, p, why,
					sizeof(why));
		pos = 0;
		kd = gdoi_msg_find(msg, GDOI_PL_KD, &pos);
		if (ret == 0 && kd == NULL && (p->nteks != 0 || p->has_kek)) {
			snprintf(why, sizeof(why), "SA without KD");
			ret = -EBADMSG;
		}
		if (ret == 0 && kd != NULL)
			ret = gm_policy_keys(msg, kd, p, why, sizeof(why));
		if (ret < 0) {
			gm_policy_wipe(p);
			gm_count(g, GM_C_POLICY_REFUSED, "PUSH SEQ %u: %s", seq->u.seq, why);
			return ret;
		}
	}
	g->seq = seq->u.seq;
	g->seq_valid = true;
	g->ctr[GM_C_PUSH_OK]++;
	/* RFC 8263: KEK_ACK_REQUESTED (9; 129 in servers of the draft) asks for an ACK */
	if (g->kek.pol.ack == GDOI_ACK_KEK_SHA256 &&
	    push_ack(g, &msg->hdr, seq->u.seq, ack, cap, ack_len) == 0)
		g->ctr[GM_C_PUSH_ACKS]++;
	return 0;
}
