/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/gdoi round trip: every sample message (built by gdoi_build.c) parses
 * under its own payload rule and gives back the values it was built from;
 * the rules refuse the wrong exchange, encryption, payload set and order.
 */

#include <errno.h>
#include <string.h>

#include "gdoi_msg.h"
#include "gdoi_build.h"
#include "gdoi_names.h"
#include "gdoi_samples.h"
#include "gw_test.h"

static uint8_t buf[4096];
static struct gdoi_msg msg;
static struct gdoi_perr err;

/* Build `name` (E flag as in real life) and parse it as its kind. */
static size_t
load(const char *name)
{
	const struct gdoi_sample *s = gdoi_sample_find(name);
	size_t len = 0;
	int ret;

	CHECK(s != NULL);
	if (s == NULL)
		return 0;
	CHECK_EQ(s->build(buf, sizeof(buf), true, &len), 0);
	ret = gdoi_msg_parse(buf, len, s->kind, GDOI_PARSE_DECRYPTED, &msg, &err);
	if (ret != 0)
		fprintf(stderr, "%s: %s: %s\n", name, gdoi_perr_name(err.code), err.msg);
	CHECK_EQ(ret, 0);
	return len;
}

static uint32_t
attr_u(const struct gdoi_attrs *l, uint16_t type)
{
	struct gdoi_attr a;
	uint64_t v = 0;

	CHECK_EQ(gdoi_attrs_find(l, type, &a), 0);
	CHECK_EQ(gdoi_attr_uint(&a, &v), 0);
	return (uint32_t)v;
}

static void
test_all_samples_parse(void)
{
	unsigned int i;

	for (i = 0; i < gdoi_nsamples; i++) {
		size_t len = load(gdoi_samples[i].name);

		CHECK_EQ(msg.len, len);
		CHECK_EQ(msg.pad_len, 0);
		CHECK(msg.ntop > 0);
	}
}

static void
test_main_mode_sa(void)
{
	const struct gdoi_pl *sa;
	const struct gdoi_prop *p;
	const struct gdoi_xform *x;

	load("mm1-sa");
	CHECK_EQ(msg.hdr.exchange, GDOI_EXCH_IDPROT);
	CHECK_MEM(msg.hdr.icookie, sample_icookie, 8);
	CHECK_EQ(msg.ntop, 2);
	sa = &msg.pl[0];
	CHECK_EQ(sa->type, GDOI_PL_SA);
	CHECK_EQ(sa->u.sa.doi, GDOI_DOI_IPSEC);
	CHECK_EQ(sa->u.sa.situation, GDOI_SIT_IDENTITY_ONLY);
	CHECK(!sa->u.sa.gdoi);
	CHECK_EQ(sa->u.sa.nprop, 1);
	p = &msg.prop[sa->u.sa.first_prop];
	CHECK_EQ(p->num, 1);
	CHECK_EQ(p->proto, GDOI_PROTO_ISAKMP);
	CHECK_EQ(p->spi_size, 0);
	CHECK_EQ(p->nxf, 4);
	x = &msg.xf[p->first_xf];
	CHECK_EQ(x[0].num, 1);
	CHECK_EQ(x[0].id, GDOI_IKE_KEY_IKE);
	CHECK_EQ(attr_u(&x[0].attrs, GDOI_IKE_ENCRYPTION_ALG), GDOI_IKE_ENC_AES_CBC);
	CHECK_EQ(attr_u(&x[0].attrs, GDOI_IKE_KEY_LENGTH), 128);
	CHECK_EQ(attr_u(&x[0].attrs, GDOI_IKE_GROUP_DESCRIPTION), 14);
	CHECK_EQ(attr_u(&x[0].attrs, GDOI_IKE_LIFE_DURATION), 86400);
	CHECK_EQ(x[0].attrs.count, 7);
	CHECK_EQ(attr_u(&x[3].attrs, GDOI_IKE_ENCRYPTION_ALG), GDOI_IKE_ENC_3DES_CBC);
	CHECK_EQ(attr_u(&x[3].attrs, GDOI_IKE_GROUP_DESCRIPTION), 2);
	CHECK_EQ(attr_u(&x[3].attrs, GDOI_IKE_AUTH_METHOD), GDOI_IKE_AUTH_PSK);
	CHECK_EQ(attr_u(&x[3].attrs, GDOI_IKE_HASH_ALG), GDOI_IKE_HASH_SHA1);
	CHECK_EQ(msg.pl[1].type, GDOI_PL_VID);
	CHECK_EQ(msg.pl[1].u.data.len, 16);
}

static void
test_mm3_mm5(void)
{
	unsigned int pos = 0;
	const struct gdoi_pl *pl;

	load("mm3-ke");
	CHECK_EQ(msg.pl[0].type, GDOI_PL_KE);
	CHECK_EQ(msg.pl[0].u.data.len, 256);
	CHECK_EQ(msg.pl[1].u.data.len, 16);
	load("mm5-id");
	pl = gdoi_msg_find(&msg, GDOI_PL_ID, &pos);
	CHECK(pl != NULL);
	CHECK_EQ(pl->u.id.type, GDOI_ID_IPV4_ADDR);
	CHECK_EQ(pl->u.id.proto, 17);
	CHECK_EQ(pl->u.id.port, GDOI_PORT);
	CHECK_MEM(pl->u.id.data.p, sample_gm_addr, 4);
	pos = 0;
	pl = gdoi_msg_find(&msg, GDOI_PL_NOTIFY, &pos);
	CHECK(pl != NULL);
	CHECK_EQ(pl->u.notify.type, GDOI_N_INITIAL_CONTACT);
	CHECK_EQ(pl->u.notify.spi.len, 16);
	CHECK_EQ(pl->u.notify.data.len, 0);
	CHECK(strcmp(gdoi_notify_name(pl->u.notify.type), "INITIAL-CONTACT") == 0);
}

static void
test_pull1_group_id(void)
{
	unsigned int pos = 0;
	const struct gdoi_pl *id;

	load("pull1");
	CHECK_EQ(msg.hdr.msgid, SAMPLE_MSGID);
	CHECK(msg.hdr.flags & GDOI_FLAG_ENC);
	id = gdoi_msg_find(&msg, GDOI_PL_ID, &pos);
	CHECK(id != NULL);
	CHECK_EQ(id->u.id.type, GDOI_ID_KEY_ID);
	CHECK_EQ(id->u.id.data.len, 4);
	CHECK_EQ((uint32_t)id->u.id.data.p[2] << 8 | id->u.id.data.p[3], SAMPLE_GROUP_ID);
	CHECK_EQ(msg.pl[1].type, GDOI_PL_NONCE);
}

/* The SA of PULL message 2: SA KEK, SA TEK, GAP nested, with their values. */
static void
check_gdoi_sa(const struct gdoi_pl *sa, bool with_gap)
{
	const struct gdoi_pl *sak, *sat;
	struct gdoi_kek_policy kek;
	struct gdoi_tek_policy tek;
	struct gdoi_gap gap;

	CHECK_EQ(sa->u.sa.doi, GDOI_DOI_GDOI);
	CHECK(sa->u.sa.gdoi);
	CHECK_EQ(sa->u.sa.nchild, with_gap ? 3 : 2);
	sak = &msg.pl[sa->u.sa.first_child];
	sat = sak + 1;
	CHECK_EQ(sak->type, GDOI_PL_SAK);
	CHECK_EQ(sak->nested, (sa - msg.pl) + 1);
	CHECK_EQ(sak->u.sak.proto, 17);
	CHECK_EQ(sak->u.sak.src.type, GDOI_ID_IPV4_ADDR);
	CHECK_EQ(sak->u.sak.src.port, GDOI_PORT);
	CHECK_MEM(sak->u.sak.src.data.p, sample_ks_addr, 4);
	CHECK_MEM(sak->u.sak.dst.data.p, sample_rekey_group, 4);
	CHECK_MEM(sak->u.sak.spi, sample_kek_spi, 16);
	CHECK_EQ(attr_u(&sak->u.sak.attrs, GDOI_KEK_ALGORITHM), GDOI_KEK_ALG_AES);
	CHECK_EQ(gdoi_kek_decode(&sak->u.sak.attrs, &kek, &err), 0);
	CHECK_EQ(kek.alg, GDOI_KEK_ALG_AES);
	CHECK_EQ(kek.key_bits, 128);
	CHECK_EQ(kek.lifetime_s, SAMPLE_KEK_LIFETIME);
	CHECK_EQ(kek.sig_hash, GDOI_SIG_HASH_SHA256);
	CHECK_EQ(kek.sig_alg, GDOI_SIG_ALG_RSA);
	CHECK_EQ(kek.sig_key_bits, 2048);
	CHECK_EQ(kek.ack, GDOI_ACK_KEK_SHA256);
	CHECK_EQ(kek.mgmt_alg, 0);
	CHECK_EQ(kek.unknown, 0);
	CHECK_EQ(sat->type, GDOI_PL_SAT);
	CHECK_EQ(sat->u.sat.proto_id, GDOI_TEK_PROTO_ESP);
	CHECK(sat->u.sat.esp_ah);
	CHECK_EQ(sat->u.sat.ip_proto, 0);
	CHECK_EQ(sat->u.sat.src.type, GDOI_ID_IPV4_SUBNET);
	CHECK_MEM(sat->u.sat.src.data.p, sample_net10, 8);
	CHECK_MEM(sat->u.sat.dst.data.p, sample_net10, 8);
	CHECK_EQ(sat->u.sat.transform_id, GDOI_ESP_AES_CBC);
	CHECK_EQ(sat->u.sat.spi, SAMPLE_TEK_SPI);
	CHECK_EQ(attr_u(&sat->u.sat.attrs, GDOI_IPSEC_SA_LIFE_DURATION), SAMPLE_TEK_LIFETIME);
	CHECK_EQ(gdoi_tek_decode(&sat->u.sat.attrs, &tek, &err), 0);
	CHECK_EQ(tek.encap, GDOI_ENCAP_TUNNEL);
	CHECK_EQ(tek.auth_alg, GDOI_AUTH_HMAC_SHA2_256);
	CHECK_EQ(tek.key_bits, 128);
	CHECK_EQ(tek.life_s, SAMPLE_TEK_LIFETIME);
	CHECK_EQ(tek.life_kb, 0);
	CHECK_EQ(tek.addr_preservation, 4);
	CHECK_EQ(tek.direction, 3);
	CHECK_EQ(tek.unknown, 0);
	if (!with_gap)
		return;
	CHECK_EQ(sat[1].type, GDOI_PL_GAP);
	CHECK_EQ(gdoi_gap_decode(&sat[1].u.gap, &gdoi_gap_ids_default, &gap, &err), 0);
	CHECK_EQ(gap.atd, SAMPLE_ATD);
	CHECK_EQ(gap.dtd, SAMPLE_DTD);
	CHECK_EQ(gap.d3p_type, GDOI_D3P_TYPE_POSIX_TIME);
	CHECK_EQ(gap.d3p_window_ms, SAMPLE_D3P_WINDOW_MS);
	CHECK_EQ(gap.unknown, 0);
}

static void
test_pull2_sa(void)
{
	unsigned int pos = 0;
	const struct gdoi_pl *sa;

	load("pull2-sa");
	CHECK_EQ(msg.ntop, 3);
	CHECK_EQ(msg.npl, 6);
	sa = gdoi_msg_find(&msg, GDOI_PL_SA, &pos);
	CHECK(sa != NULL);
	if (sa != NULL)
		check_gdoi_sa(sa, true);
	/* nested payloads are not found at top level */
	pos = 0;
	CHECK(gdoi_msg_find(&msg, GDOI_PL_GAP, &pos) == NULL);
}

/* KD with a TEK and a KEK key packet. */
static void
test_pull4_kd(void)
{
	unsigned int pos = 0;
	const struct gdoi_pl *kd, *seq;
	const struct gdoi_kp *kp;
	struct gdoi_attr a;

	load("pull4-kd");
	seq = gdoi_msg_find(&msg, GDOI_PL_SEQ, &pos);
	CHECK(seq != NULL && seq->u.seq == SAMPLE_PULL_SEQ);
	kd = gdoi_msg_find(&msg, GDOI_PL_KD, &pos);
	CHECK(kd != NULL);
	if (kd == NULL)
		return;
	CHECK_EQ(kd->u.kd.nkp, 2);
	kp = &msg.kp[kd->u.kd.first_kp];
	CHECK_EQ(kp[0].type, GDOI_KD_TEK);
	CHECK_EQ(kp[0].spi_size, 4);
	CHECK_EQ(kp[0].spi.p[0], SAMPLE_TEK_SPI >> 24);
	CHECK_EQ(gdoi_attrs_find(&kp[0].attrs, GDOI_KD_TEK_ALGORITHM_KEY, &a), 0);
	CHECK_EQ(a.val.len, 16);
	CHECK_MEM(a.val.p, sample_tek_enc_key, 16);
	CHECK_EQ(gdoi_attrs_find(&kp[0].attrs, GDOI_KD_TEK_INTEGRITY_KEY, &a), 0);
	CHECK_MEM(a.val.p, sample_tek_int_key, 32);
	CHECK_EQ(kp[1].type, GDOI_KD_KEK);
	CHECK_EQ(kp[1].spi_size, 16);
	CHECK_MEM(kp[1].spi.p, sample_kek_spi, 16);
	CHECK_EQ(gdoi_attrs_find(&kp[1].attrs, GDOI_KD_KEK_ALGORITHM_KEY, &a), 0);
	CHECK_MEM(a.val.p, sample_kek_key, 32);
	CHECK_EQ(gdoi_attrs_find(&kp[1].attrs, GDOI_KD_KEK_SIG_ALGORITHM_KEY, &a), 0);
	CHECK_EQ(a.val.len, 64);
	CHECK_EQ(gdoi_attrs_find(&kp[1].attrs, 3, &a), -ENOENT);
}

static void
test_push_and_ack(void)
{
	unsigned int pos = 0;
	const struct gdoi_pl *pl;

	load("push");
	CHECK_EQ(msg.hdr.exchange, GDOI_EXCH_PUSH);
	CHECK_MEM(msg.hdr.icookie, sample_kek_spi, 8);
	CHECK_MEM(msg.hdr.rcookie, sample_kek_spi + 8, 8);
	CHECK_EQ(msg.pl[0].u.seq, SAMPLE_PUSH_SEQ);
	pl = gdoi_msg_find(&msg, GDOI_PL_SA, &pos);
	CHECK(pl != NULL);
	if (pl != NULL)
		check_gdoi_sa(pl, false);
	pl = gdoi_msg_find(&msg, GDOI_PL_SIG, &pos);
	CHECK(pl != NULL && pl->u.data.len == 256);

	load("push-delete");
	pos = 0;
	pl = gdoi_msg_find(&msg, GDOI_PL_DELETE, &pos);
	CHECK(pl != NULL);
	if (pl != NULL) {
		CHECK_EQ(pl->u.del.doi, GDOI_DOI_GDOI);
		CHECK_EQ(pl->u.del.proto, GDOI_TEK_PROTO_ESP);
		CHECK_EQ(pl->u.del.nspi, 2);
		CHECK_EQ(pl->u.del.spis.len, 8);
	}

	load("push-ack");
	CHECK_EQ(msg.hdr.exchange, GDOI_EXCH_PUSH_ACK);
	CHECK(!(msg.hdr.flags & GDOI_FLAG_ENC));
	CHECK_EQ(msg.pl[1].u.seq, SAMPLE_PUSH_SEQ);
	CHECK_EQ(msg.pl[2].u.id.type, GDOI_ID_IPV4_ADDR);
}

/* Parse `name` with the E flag as built and check rule `kind` gives `code`. */
static void
expect_rule(const char *name, bool enc, enum gdoi_msg_kind kind, enum gdoi_perr_code code)
{
	size_t len = 0;
	int ret;

	CHECK_EQ(gdoi_sample_find(name)->build(buf, sizeof(buf), enc, &len), 0);
	ret = gdoi_msg_parse(buf, len, kind, GDOI_PARSE_DECRYPTED, &msg, &err);
	if (err.code != code)
		fprintf(stderr, "%s as %s: got %s (%s)\n", name, gdoi_msg_kind_name(kind),
			gdoi_perr_name(err.code), err.msg);
	CHECK_EQ(err.code, code);
	CHECK_EQ(ret, code == GDOI_PE_OK ? 0 : -EPROTO);
}

static void
test_rules(void)
{
	expect_rule("pull1", true, GDOI_MSG_PULL1, GDOI_PE_OK);
	expect_rule("pull1", false, GDOI_MSG_PULL1, GDOI_PE_RULE_FLAGS);
	expect_rule("push-ack", false, GDOI_MSG_PULL1, GDOI_PE_RULE_EXCHANGE);
	expect_rule("pull1", true, GDOI_MSG_PUSH, GDOI_PE_RULE_EXCHANGE);
	expect_rule("pull2-sa", true, GDOI_MSG_PULL1, GDOI_PE_RULE_UNEXPECTED);
	expect_rule("pull3", true, GDOI_MSG_PULL1, GDOI_PE_RULE_MISSING);
	expect_rule("pull3", true, GDOI_MSG_PULL4, GDOI_PE_RULE_MISSING);
	expect_rule("pull4-kd", true, GDOI_MSG_PULL2, GDOI_PE_RULE_UNEXPECTED);
	expect_rule("pull1", true, GDOI_MSG_PULL3, GDOI_PE_RULE_UNEXPECTED);
	expect_rule("push-delete", true, GDOI_MSG_PUSH, GDOI_PE_OK);
	expect_rule("push", false, GDOI_MSG_PUSH, GDOI_PE_RULE_FLAGS);
	expect_rule("info-delete", true, GDOI_MSG_INFO, GDOI_PE_OK);
	expect_rule("info-delete", false, GDOI_MSG_INFO, GDOI_PE_OK);
	expect_rule("mm1-sa", false, GDOI_MSG_MM3, GDOI_PE_RULE_UNEXPECTED);
	expect_rule("mm5-id", false, GDOI_MSG_MM5, GDOI_PE_RULE_FLAGS);
	expect_rule("mm5-id", true, GDOI_MSG_MM6, GDOI_PE_OK);
	/* a kind without a rule is the caller's bug, not "no rule" */
	CHECK_EQ(gdoi_msg_check_rules(&msg, GDOI_MSG_KIND_MAX, &err), -EINVAL);
	CHECK_EQ(gdoi_msg_check_rules(&msg, (enum gdoi_msg_kind)-1, &err), -EINVAL);
	CHECK_EQ(gdoi_msg_check_rules(&msg, GDOI_MSG_ANY, &err), 0);
}

/* A PULL message 4: HASH (first or after the SEQs), nseq SEQ, KD. Its length. */
static size_t
build_pull4(bool hash_first, unsigned int nseq)
{
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_PULL, .flags = GDOI_FLAG_ENC, .msgid = 7 };
	uint8_t h20[20] = { 1 };
	struct gdoi_bld b;
	size_t len = 0;
	unsigned int i;

	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	if (hash_first)
		gdoi_bld_data(&b, GDOI_PL_HASH, h20, sizeof(h20));
	for (i = 0; i < nseq; i++)
		gdoi_bld_seq(&b, i);
	if (!hash_first)
		gdoi_bld_data(&b, GDOI_PL_HASH, h20, sizeof(h20));
	gdoi_bld_kd_begin(&b);
	gdoi_bld_kp_begin(&b, GDOI_KD_TEK, "\1\2\3\4", 4);
	gdoi_bld_end(&b);
	gdoi_bld_end(&b);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	return len;
}

/* Hand-built messages for the count, order, one-of and SA-layout rules. */
static void
test_rules_built(void)
{
	uint8_t h20[20] = { 1 }, sig[16] = { 2 };
	struct gdoi_hdr h = { .exchange = GDOI_EXCH_PULL, .flags = GDOI_FLAG_ENC, .msgid = 7 };
	struct gdoi_bld b;
	size_t len;

	/* PULL4 with two SEQ payloads; with the HASH after the SEQ */
	CHECK_EQ(gdoi_msg_parse(buf, build_pull4(true, 2), GDOI_MSG_PULL4, GDOI_PARSE_DECRYPTED,
				&msg, &err), -EPROTO);
	CHECK_EQ(err.code, GDOI_PE_RULE_COUNT);
	CHECK_EQ(gdoi_msg_parse(buf, build_pull4(false, 1), GDOI_MSG_PULL4, GDOI_PARSE_DECRYPTED,
				&msg, &err), -EPROTO);
	CHECK_EQ(err.code, GDOI_PE_RULE_ORDER);
	CHECK_EQ(gdoi_msg_parse(buf, build_pull4(true, 1), GDOI_MSG_PULL4, GDOI_PARSE_DECRYPTED,
				&msg, &err), 0);

	/* PULL2 whose SA carries the IPsec DOI */
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_data(&b, GDOI_PL_HASH, h20, sizeof(h20));
	gdoi_bld_data(&b, GDOI_PL_NONCE, h20, 16);
	gdoi_bld_sa_begin(&b, GDOI_DOI_IPSEC, GDOI_SIT_IDENTITY_ONLY, false);
	gdoi_bld_prop_begin(&b, 1, GDOI_PROTO_IPSEC_ESP, "\1\2\3\4", 4);
	gdoi_bld_xform_begin(&b, 1, GDOI_ESP_AES_CBC);
	gdoi_bld_end(&b);
	gdoi_bld_end(&b);
	gdoi_bld_end(&b);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	CHECK_EQ(gdoi_msg_parse(buf, len, GDOI_MSG_PULL2, GDOI_PARSE_DECRYPTED, &msg, &err),
		 -EPROTO);
	CHECK_EQ(err.code, GDOI_PE_RULE_UNEXPECTED);

	/* PUSH whose SIG is not last */
	h.exchange = GDOI_EXCH_PUSH;
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_seq(&b, 1);
	gdoi_bld_data(&b, GDOI_PL_SIG, sig, sizeof(sig));
	gdoi_bld_delete(&b, GDOI_DOI_GDOI, GDOI_TEK_PROTO_ESP, 4, "\1\2\3\4", 1);
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	CHECK_EQ(gdoi_msg_parse(buf, len, GDOI_MSG_PUSH, GDOI_PARSE_DECRYPTED, &msg, &err),
		 -EPROTO);
	CHECK_EQ(err.code, GDOI_PE_RULE_ORDER);

	/* Main Mode 5 with both HASH_I and SIG_I */
	h.exchange = GDOI_EXCH_IDPROT;
	gdoi_bld_init(&b, buf, sizeof(buf), &h);
	gdoi_bld_id(&b, &(struct gdoi_ident){ GDOI_ID_IPV4_ADDR, 0, 0,
					      { sample_gm_addr, 4, 0 } });
	gdoi_bld_data(&b, GDOI_PL_HASH, h20, sizeof(h20));
	gdoi_bld_data(&b, GDOI_PL_SIG, sig, sizeof(sig));
	CHECK_EQ(gdoi_bld_finish(&b, &len), 0);
	CHECK_EQ(gdoi_msg_parse(buf, len, GDOI_MSG_MM5, GDOI_PARSE_DECRYPTED, &msg, &err),
		 -EPROTO);
	CHECK_EQ(err.code, GDOI_PE_RULE_MISSING);
	CHECK(strstr(err.msg, "exactly one") != NULL);
	CHECK_EQ(gdoi_perr_notify(err.code), GDOI_N_PAYLOAD_MALFORMED);
}

/* Encrypted input: refused unless the caller says it decrypted; padding kept apart. */
static void
test_encrypted_and_padding(void)
{
	size_t len = 0;

	CHECK_EQ(gdoi_sample_find("pull3")->build(buf, sizeof(buf), true, &len), 0);
	CHECK_EQ(gdoi_msg_parse(buf, len, GDOI_MSG_PULL3, 0, &msg, &err), -ENOTSUP);
	CHECK_EQ(err.code, GDOI_PE_ENCRYPTED);
	CHECK(strstr(err.msg, "gdoi_msg_parse") != NULL);
	/* 12 octets of padding after HASH(3); the header Length covers them */
	memset(buf + len, 0, 12);
	buf[27] = (uint8_t)(len + 12);
	CHECK_EQ(gdoi_msg_parse(buf, len + 12, GDOI_MSG_PULL3, GDOI_PARSE_DECRYPTED, &msg,
				&err), 0);
	CHECK_EQ(msg.pad_len, 12);
	/* the same octets in a plaintext message are trailing garbage */
	buf[19] = 0;
	CHECK_EQ(gdoi_msg_parse(buf, len + 12, GDOI_MSG_ANY, 0, &msg, &err), -EBADMSG);
	CHECK_EQ(err.code, GDOI_PE_TRAILING);
}

int
main(void)
{
	GW_RUN(test_all_samples_parse);
	GW_RUN(test_main_mode_sa);
	GW_RUN(test_mm3_mm5);
	GW_RUN(test_pull1_group_id);
	GW_RUN(test_pull2_sa);
	GW_RUN(test_pull4_kd);
	GW_RUN(test_push_and_ack);
	GW_RUN(test_rules);
	GW_RUN(test_rules_built);
	GW_RUN(test_encrypted_and_padding);
	return gw_test_result();
}
