/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The group member (lib/gm) and the phase 1 SA (lib/gdoi/ike1_sa) driven by a
 * recorded registration with the GDOI reference key server (gdoid,
 * test/vectors/gdoi-crypto): the member plays the GM of the capture.
 *
 *  - Main Mode 2: ike1_mm_i2 takes gdoid's chosen transform (one of those of the
 *    captured message 1) and its cookie; from the captured KE/nonces and g^xy,
 *    ike1_sa_derive gives gdoid's logged SKEYID*, the cipher key; message 5 decrypts
 *    on the phase 1 IV chain and its HASH_I verifies; ike1_mm_i6 verifies HASH_R.
 *  - GROUPKEY-PULL: with the capture's Message ID and nonce, gm_pull1_build writes
 *    message 1 *byte for byte* as gdoid's GM sent it (encryption included: phase 2
 *    IV and chaining), gm_pull2 takes message 2 and writes message 3 byte for byte,
 *    gm_pull4 takes message 4: KEK (with its RSA key) and both TEKs with their keys.
 *  - Install through the recording mock: gdoid's one-way TEK policies are refused
 *    (counted, nothing installed); made paired, each TEK becomes an inbound and an
 *    outbound group SA (keys, SPI, selectors) and a protect term on the interface.
 *  - The vpn's match-direction and df-bit, read from a configuration through
 *    gm_member_apply: the protect terms land in the SPD of that direction only
 *    (input: the outbound SPD, output: the inbound check), every group SA
 *    carries the df-bit (clear, set, copy; copy when absent); a vpn bound by a
 *    service set (ipsec-group-vpn) gets its terms on the set's interface.
 *  - Re-registration: SAs missing from the new download deleted; a successor TEK
 *    decrypts at once and encrypts when 30 s of the old one remain.
 *  - GROUPKEY-PUSH: every captured PUSH verifies (bare-digest signatures) under the
 *    KEK in force (gdoid's KEK rekey names the old KEK in its key packet); a replay
 *    is refused (push-replayed), the DigestInfo format refuses a bare-digest
 *    signature (push-bad-signature); a truncated PUSH is counted as malformed.
 *
 * Usage: test_gm_vectors gdoid-3des-sha1.txt
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "gdoi_build.h"
#include "gdoi_names.h"
#include "gdoid_vec.h"
#include "gm_priv.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_gm.h"
#include "gw_test.h"
#include "mock_install.h"

static struct vec v;
static struct gm_member mem;
static struct gm_group grp;
static struct mock_install mock;
static struct gdoi_msg m;
static uint8_t buf[MAX_LEN];

enum { MM1, MM2, MM3, MM4, MM5, MM6, PULL1, PULL2, PULL3, PULL4, PUSH0 };

static const struct gdoi_pl *
find(uint8_t type)
{
	unsigned int pos = 0;

	return gdoi_msg_find(&m, type, &pos);
}

static int
parse_clear(unsigned int i, enum gdoi_msg_kind kind)
{
	struct gdoi_perr err;

	return gdoi_msg_parse(v.msg[i], v.len[i], kind, 0, &m, &err);
}

static uint32_t
msgid_of(unsigned int i)
{
	const uint8_t *p = v.msg[i] + 20;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
test_phase1(void)
{
	struct ike1_sa *sa = &grp.p1;
	struct ike1_xform offered[IKE1_MAX_XFORMS];
	unsigned int n = 0;
	const struct gdoi_pl *sa_pl, *ke, *nonce, *id, *hash;
	uint8_t h[GDOI_HASH_MAX];
	size_t body;

	CHECK_EQ(ike1_sa_init(sa, true), 0);
	/* message 1 as gdoid's GM sent it: its cookie, SAi_b, transforms */
	CHECK_EQ(parse_clear(MM1, GDOI_MSG_MM1), 0);
	memcpy(sa->cky_i, m.hdr.icookie, GDOI_COOKIE_LEN);
	sa_pl = find(GDOI_PL_SA);
	body = sa_pl->body.len;
	memcpy(sa->sai_b, sa_pl->body.p, body);
	sa->sai_len = body;
	for (unsigned int p = 0; p < sa_pl->u.sa.nprop; p++) {
		const struct gdoi_prop *pr = &m.prop[sa_pl->u.sa.first_prop + p];

		for (unsigned int x = 0; x < pr->nxf && n < IKE1_MAX_XFORMS; x++)
			CHECK_EQ(ike1_xform_decode(&m.xf[pr->first_xf + x].attrs, &offered[n++]), 0);
	}
	sa->state = IKE1_ST_MM1;
	memcpy(buf, v.msg[MM2], v.len[MM2]);
	CHECK_EQ(ike1_mm_i2(sa, offered, n, buf, v.len[MM2]), 0);
	CHECK_MEM(sa->cky_r, v.msg[MM2] + GDOI_COOKIE_LEN, GDOI_COOKIE_LEN);
	printf("phase 1: %s, %s, group %u\n", gdoi_cipher_name(sa->cipher),
	       gdoi_hash_name(sa->hash), sa->xf.group);
	/* a transform we did not offer is refused */
	{
		struct ike1_sa other = *sa;
		struct ike1_xform wrong = offered[0];

		other.state = IKE1_ST_MM1;
		wrong.group = wrong.group == 2 ? 1 : 2;
		CHECK_EQ(ike1_mm_i2(&other, &wrong, 1, buf, v.len[MM2]), -EBADMSG);
		CHECK(strstr(other.why, "did not offer") != NULL);
	}
	/* messages 3 and 4: KE and nonces of the capture, g^xy from gdoid's log */
	CHECK_EQ(parse_clear(MM3, GDOI_MSG_MM3), 0);
	ke = find(GDOI_PL_KE);
	nonce = find(GDOI_PL_NONCE);
	sa->g_x_len = ke->u.data.len;
	memcpy(sa->g_xi, ke->u.data.p, sa->g_x_len);
	memcpy(sa->ni, nonce->u.data.p, nonce->u.data.len);
	sa->ni_len = nonce->u.data.len;
	CHECK_EQ(parse_clear(MM4, GDOI_MSG_MM4), 0);
	ke = find(GDOI_PL_KE);
	nonce = find(GDOI_PL_NONCE);
	memcpy(sa->g_xr, ke->u.data.p, sa->g_x_len);
	memcpy(sa->nr, nonce->u.data.p, nonce->u.data.len);
	sa->nr_len = nonce->u.data.len;
	CHECK_EQ(ike1_sa_derive(sa, v.psk, v.psk_len, v.gxy, v.gxy_len), 0);
	CHECK_MEM(sa->k.skeyid, v.skeyid[0], v.skeyid_len);
	CHECK_MEM(sa->k.skeyid_d, v.skeyid[1], v.skeyid_len);
	CHECK_MEM(sa->k.skeyid_a, v.skeyid[2], v.skeyid_len);
	CHECK_MEM(sa->k.skeyid_e, v.skeyid[3], v.skeyid_len);
	CHECK_MEM(sa->k.enc_key, v.enc_key, v.enc_key_len);
	/* message 5 (ours in the capture): decrypts on the chain, HASH_I verifies */
	memcpy(buf, v.msg[MM5], v.len[MM5]);
	CHECK_EQ(ike1_sa_p1_decrypt(sa, buf, v.len[MM5]), 0);
	{
		struct gdoi_perr err;

		CHECK_EQ(gdoi_msg_parse(buf, v.len[MM5], GDOI_MSG_MM5, GDOI_PARSE_DECRYPTED, &m,
					&err), 0);
	}
	id = find(GDOI_PL_ID);
	hash = find(GDOI_PL_HASH);
	CHECK_EQ(ike1_sa_auth_hash(sa, true, id->body.p, id->body.len, h), 0);
	CHECK_MEM(h, hash->u.data.p, hash->u.data.len);
	/* message 6: a corrupted copy is refused and leaves the IV chain alone */
	sa->state = IKE1_ST_MM5;
	memcpy(buf, v.msg[MM6], v.len[MM6]);
	buf[GDOI_HDR_LEN + 20] ^= 0x40;		/* garbles the block of HASH_R's start */
	CHECK(ike1_mm_i6(sa, buf, v.len[MM6]) < 0);
	CHECK_EQ(sa->state, IKE1_ST_MM5);
	memcpy(buf, v.msg[MM6], v.len[MM6]);
	CHECK_EQ(ike1_mm_i6(sa, buf, v.len[MM6]), 0);
	CHECK_EQ(sa->state, IKE1_ST_ESTABLISHED);
}

static void
test_pull(void)
{
	struct gm_group *g = &grp;
	struct gdoi_perr err;
	const struct gdoi_pl *nonce, *id;

	/* the capture's Message ID and nonce (from its decrypted message 1) */
	g->mid = msgid_of(PULL1);
	memcpy(buf, v.msg[PULL1], v.len[PULL1]);
	{
		struct ike1_sa copy = g->p1;

		CHECK_EQ(ike1_sa_p2_decrypt(&copy, g->mid, buf, v.len[PULL1]), 0);
	}
	CHECK_EQ(gdoi_msg_parse(buf, v.len[PULL1], GDOI_MSG_PULL1, GDOI_PARSE_DECRYPTED, &m, &err),
		 0);
	nonce = find(GDOI_PL_NONCE);
	id = find(GDOI_PL_ID);
	CHECK_EQ(nonce->u.data.len, GM_NONCE_LEN);
	memcpy(g->ni, nonce->u.data.p, GM_NONCE_LEN);
	CHECK_EQ(id->u.id.type, GDOI_ID_KEY_ID);
	g->group_id = 1234;
	/* message 1 rebuilt: the same octets on the wire */
	CHECK_EQ(gm_pull1_build(g), 0);
	CHECK_EQ(g->tx_len, v.len[PULL1]);
	CHECK_MEM(g->tx, v.msg[PULL1], v.len[PULL1]);
	/* message 2 in, message 3 out: the same octets as gdoid's GM */
	memcpy(buf, v.msg[PULL2], v.len[PULL2]);
	CHECK_EQ(gm_pull2(g, buf, v.len[PULL2]), 0);
	CHECK_EQ(g->tx_len, v.len[PULL3]);
	CHECK_MEM(g->tx, v.msg[PULL3], v.len[PULL3]);
	CHECK(g->pend.has_kek);
	CHECK_EQ(g->pend.nteks, 2);
	/* message 4: keys of both TEKs and the KEK */
	memcpy(buf, v.msg[PULL4], v.len[PULL4]);
	CHECK_EQ(gm_pull4(g, buf, v.len[PULL4]), 0);
	CHECK(g->pend.kek.have_keys && g->pend.kek.pub != NULL);
	CHECK(g->pend.tek[0].have_keys && g->pend.tek[1].have_keys);
	CHECK(g->pend.has_seq);
	for (unsigned int i = 0; i < g->pend.nteks; i++)
		printf("TEK %08x transform %u auth %u life %llu s\n", g->pend.tek[i].spi,
		       g->pend.tek[i].transform_id, g->pend.tek[i].pol.auth_alg,
		       (unsigned long long)g->pend.tek[i].pol.life_s);
}

static void
test_pull_tampered(void)
{
	struct gm_group g2 = grp;
	uint64_t before = g2.ctr[GM_C_HASH_FAILED] + g2.ctr[GM_C_RX_MALFORMED];

	/* message 4 with one octet changed: HASH(4) (or the parse) refuses it */
	memset(&g2.pend, 0, sizeof(g2.pend));
	memcpy(buf, v.msg[PULL4], v.len[PULL4]);
	buf[v.len[PULL4] - 20] ^= 1;
	CHECK(gm_pull4(&g2, buf, v.len[PULL4]) < 0);
	CHECK(g2.ctr[GM_C_HASH_FAILED] + g2.ctr[GM_C_RX_MALFORMED] == before + 1);
	gm_policy_wipe(&g2.pend);
}

static void
test_install(void)
{
	struct gm_group *g = &grp;
	struct gm_policy *p = &g->pend;
	const struct mock_policy *pol;
	struct mock_sa *in, *out;
	unsigned int i;

	/* gdoid's sample TEKs are one-way (KS -> multicast): refused, nothing installed */
	CHECK_EQ(gm_install_policy(g, p, true), -EPROTO);
	CHECK_EQ(g->ctr[GM_C_POLICY_REFUSED], 1);
	CHECK_EQ(mock_sa_count(&mock, g->owner), 0);
	/* paired: TEK 2 carries the reverse of TEK 1 */
	p->tek[1].src = p->tek[0].dst;
	p->tek[1].dst = p->tek[0].src;
	CHECK_EQ(gm_install_policy(g, p, true), 0);
	CHECK_EQ(mock_sa_count(&mock, g->owner), 4);
	for (i = 0; i < 2; i++) {
		struct gm_sa *s = NULL;

		for (unsigned int j = 0; j < GM_MAX_SAS; j++)
			if (g->sas[j].used && g->sas[j].tek.spi == p->tek[i].spi)
				s = &g->sas[j];
		CHECK(s != NULL);
		if (s == NULL)
			continue;
		in = mock_sa(&mock, s->in_id);
		out = mock_sa(&mock, s->out_id);
		CHECK(in != NULL && out != NULL);
		if (in == NULL || out == NULL)
			continue;
		CHECK(in->spec.params.group && out->spec.params.group);
		CHECK_EQ(in->spec.params.spi, p->tek[i].spi);
		CHECK_EQ(in->spec.params.direction, GW_SA_INBOUND);
		CHECK_EQ(out->spec.params.direction, GW_SA_OUTBOUND);
		CHECK_EQ(in->spec.params.crypto.cipher_key_len, p->tek[i].enc_len);
		CHECK_MEM(in->spec.params.crypto.cipher_key, p->tek[i].enc_key, p->tek[i].enc_len);
		CHECK_MEM(out->spec.params.crypto.auth_key, p->tek[i].auth_key, p->tek[i].auth_len);
		CHECK(strcmp(out->spec.bind, s->bind) == 0);
		CHECK_EQ(in->spec.params.lifetime.hard_seconds, p->tek[i].pol.life_s);
	}
	pol = mock_policy(&mock, g->owner, "ge-0/0/0", GW_SA_OUTBOUND);
	CHECK(pol != NULL);
	if (pol != NULL) {
		CHECK_EQ(pol->n, 3);		/* 2 protect terms and the fail-open rule */
		CHECK_EQ(pol->terms[0].action, GW_POLICY_PROTECT);
		CHECK_EQ(pol->terms[2].action, GW_POLICY_FAIL_OPEN);
	}
	/* the same download again installs nothing new */
	CHECK_EQ(gm_install_policy(g, p, true), 0);
	CHECK_EQ(mock_count(&mock, MOCK_ADD_SA), 4);
	if (p->has_seq) {
		g->seq = p->seq;
		g->seq_valid = true;
	}
}

/*
 * One interface and a member vpn; svc: the interface's service sets, vpn: the
 * vpn's interface, match-direction, df-bit; tail: more sections.
 */
#define CONF_GM(svc, vpn, tail) \
	"interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\";\n" \
	"unit = ( { name = \"0\"; family = { inet = { address = [ \"192.0.2.1/24\" ];\n" \
	svc " }; }; } ); } );\n" \
	"security = { group-vpn = { member = { ike = {\n" \
	"proposal = ( { name = \"p1\"; encryption-algorithm = \"3des-cbc\"; } );\n" \
	"policy = ( { name = \"pol\"; proposals = [ \"p1\" ];\n" \
	"pre-shared-key = \"a-pre-shared-key-of-26-chars\"; } );\n" \
	"gateway = ( { name = \"ks\"; ike-policy = \"pol\"; server-address = [ \"192.0.2.9\" ];\n" \
	"local-address = \"192.0.2.1\"; } ); };\n" \
	"ipsec = { vpn = ( { name = \"gv\"; ike-gateway = \"ks\"; group = 1234;\n" \
	vpn " } ); }; }; }; };\n" tail
#define IF0 "interface = \"ge-0/0/0\"; "

/*
 * match-direction, df-bit and the interface (or service set) from the
 * configuration to what is installed: the download of test_install (made paired
 * there) through a member configured by gm_member_apply, on a mock of its own.
 */
static void
test_conf_applied(void)
{
	static const struct {
		const char *text;
		enum gw_sa_dir dir;
		enum gw_df_mode df;
	} cases[] = {
		{ CONF_GM("", IF0 "match-direction = \"input\"; df-bit = \"set\";", ""),
		  GW_SA_OUTBOUND, GW_DF_SET },
		{ CONF_GM("", IF0 "match-direction = \"output\"; df-bit = \"clear\";", ""),
		  GW_SA_INBOUND, GW_DF_CLEAR },
		{ CONF_GM("", IF0 "match-direction = \"output\";", ""), GW_SA_INBOUND, GW_DF_COPY },
		/* bound the Junos way: services service-set ... ipsec-group-vpn */
		{ CONF_GM("service = { input = { service-set = \"ss\"; }; };", "",
			  "services = { service-set = ( { name = \"ss\"; ipsec-group-vpn = \"gv\"; "
			  "} ); };\n"), GW_SA_OUTBOUND, GW_DF_COPY },
	};
	static struct mock_install mk;

	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct gm_member_params mp = { 0 };
		struct gw_conf_error err;
		struct gw_config *conf = gw_conf_load_string(cases[c].text, &err);
		struct gm_policy p = grp.pend;
		const struct mock_policy *pol;
		struct gm_member *gmm;
		struct gm_group *g;
		unsigned int nsa = 0;

		CHECK(conf != NULL);
		if (conf == NULL) {
			char msg[256];

			gw_conf_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "case %u: %s\n", c, msg);
			continue;
		}
		mock_install_init(&mk);
		mp.loop = ctl_loop_create(NULL);
		mp.install = mk.in;
		gmm = gm_member_create(&mp);
		CHECK(mp.loop != NULL && gmm != NULL);
		CHECK_EQ(gm_member_apply(gmm, conf), 0);
		gw_conf_free(conf);
		g = gmm->groups[0];
		p.kek.pub = NULL;		/* grp holds it */
		p.has_kek = false;
		CHECK_EQ(gm_install_policy(g, &p, true), 0);
		pol = mock_policy(&mk, g->owner, "ge-0/0/0", cases[c].dir);
		CHECK(pol != NULL && pol->n == 2);
		if (pol != NULL)
			CHECK_EQ(pol->terms[0].action, GW_POLICY_PROTECT);
		/* the other direction has no terms of the group */
		CHECK(mock_policy(&mk, g->owner, "ge-0/0/0", cases[c].dir == GW_SA_OUTBOUND ?
				  GW_SA_INBOUND : GW_SA_OUTBOUND) == NULL);
		for (unsigned int i = 0; i < MOCK_MAX_SAS; i++) {
			if (!mk.sas[i].used)
				continue;
			CHECK_EQ(mk.sas[i].spec.params.df, cases[c].df);
			nsa++;
		}
		CHECK_EQ(nsa, 4);		/* two TEKs, inbound and outbound */
		gm_member_free(gmm);
		ctl_loop_free(mp.loop);
		OPENSSL_cleanse(&p, sizeof(p));
	}
}

/*
 * A re-registration (PULL) that brings TEK 1 again, a new TEK for TEK 1's
 * selectors, a new one for TEK 2's, and no longer TEK 2: TEK 2 is replaced, not
 * deleted (members that have not re-registered yet still send with it); the new
 * TEKs decrypt at once and encrypt only when 30 s, or 2 % of a shorter lifetime,
 * of the old remain (test/netns/test_netns_gdoi_e2e_more.py: no ping lost).
 */
static void
test_reregister(void)
{
	struct gm_group *g = &grp;
	struct gm_policy p2 = grp.pend;		/* the download of test_install */
	uint32_t old1 = p2.tek[0].spi, old2 = p2.tek[1].spi;
	struct gm_sa *s1 = NULL, *s2 = NULL, *s1n = NULL, *s2n = NULL;
	unsigned int dels = mock_count(&mock, MOCK_DEL_SA);
	const struct mock_policy *pol;

	p2.kek.pub = NULL;			/* the group holds it */
	p2.has_kek = false;
	p2.nteks = 3;
	p2.tek[2] = p2.tek[1];
	p2.tek[2].spi = old2 ^ 0x01010101;
	p2.tek[1] = p2.tek[0];
	p2.tek[1].spi = old1 ^ 0x01010101;
	CHECK_EQ(gm_install_policy(g, &p2, true), 0);
	CHECK_EQ(mock_count(&mock, MOCK_DEL_SA), dels);	/* replaced TEKs stay */
	for (unsigned int j = 0; j < GM_MAX_SAS; j++) {
		struct gm_sa *s = &g->sas[j];

		if (!s->used)
			continue;
		s1 = s->tek.spi == old1 ? s : s1;
		s2 = s->tek.spi == old2 ? s : s2;
		s1n = s->tek.spi == p2.tek[1].spi ? s : s1n;
		s2n = s->tek.spi == p2.tek[2].spi ? s : s2n;
	}
	CHECK(s1 != NULL && s2 != NULL && s1n != NULL && s2n != NULL);
	if (s1 != NULL && s2 != NULL && s1n != NULL && s2n != NULL) {
		uint64_t life = s1->expires_ms - s1->installed_ms;
		uint64_t before = life / 50 < 30000 ? life / 50 : 30000;

		CHECK(s1->out_id != GW_SA_ID_NONE && mock_sa(&mock, s1->out_id) != NULL);
		CHECK(mock_sa(&mock, s1n->in_id) != NULL && mock_sa(&mock, s2n->in_id) != NULL);
		CHECK(s1n->out_id == GW_SA_ID_NONE);	/* not yet: TEK 1 encrypts */
		CHECK_EQ(s1n->activate_ms, s1->expires_ms - before);
		CHECK(strcmp(s1n->bind, s1->bind) == 0);
		CHECK(s2->out_id != GW_SA_ID_NONE && mock_sa(&mock, s2->in_id) != NULL);
		CHECK(s2n->out_id == GW_SA_ID_NONE);	/* not yet: TEK 2 encrypts */
	}
	pol = mock_policy(&mock, g->owner, "ge-0/0/0", GW_SA_OUTBOUND);
	CHECK(pol != NULL && pol->n == 3);	/* the two pairs' terms and the fail-open rule */
	gm_policy_wipe(&grp.pend);
	OPENSSL_cleanse(&p2, sizeof(p2));
}

static void
test_push(void)
{
	struct gm_group *g = &grp;
	static struct gdoi_msg pm;
	struct gm_policy p;
	uint8_t ack[512];
	size_t ack_len;
	unsigned int i, ok = 0;
	uint64_t rekeys;

	g->sig_fmt = GDOI_SIG_PKCS1_RAW;
	for (i = PUSH0; i < v.n; i++) {
		uint64_t bad = g->ctr[GM_C_PUSH_BAD_SIG];
		uint32_t seq;

		/* a truncated copy first: refused, counted */
		memcpy(buf, v.msg[i], v.len[i]);
		CHECK(gm_push_receive(g, buf, v.len[i] - 8, &p, &pm, ack, sizeof(ack),
				      &ack_len) < 0);
		/* the DigestInfo format does not take gdoid's bare digest */
		g->sig_fmt = GDOI_SIG_PKCS1_DIGESTINFO;
		memcpy(buf, v.msg[i], v.len[i]);
		CHECK_EQ(gm_push_receive(g, buf, v.len[i], &p, &pm, ack, sizeof(ack), &ack_len),
			 -EACCES);
		CHECK_EQ(g->ctr[GM_C_PUSH_BAD_SIG], bad + 1);
		g->sig_fmt = GDOI_SIG_PKCS1_RAW;
		memcpy(buf, v.msg[i], v.len[i]);
		CHECK_EQ(gm_push_receive(g, buf, v.len[i], &p, &pm, ack, sizeof(ack), &ack_len), 0);
		seq = p.seq;
		printf("PUSH SEQ %u: %u TEKs%s\n", seq, p.nteks, p.has_kek ? ", KEK" : "");
		/* the KEK (rekeyed or not) and the TEKs as the member takes them */
		for (unsigned int t = 0; t + 1 < p.nteks; t += 2) {
			p.tek[t + 1].src = p.tek[t].dst;
			p.tek[t + 1].dst = p.tek[t].src;
		}
		rekeys = g->ctr[GM_C_KEK_REKEYS];
		CHECK_EQ(gm_install_policy(g, &p, false), 0);
		gm_policy_wipe(&p);
		ok++;
		/*
		 * The same PUSH again: a replay (SEQ); after a KEK rekey it no longer even
		 * decrypts to a message under the new KEK (malformed).
		 */
		memcpy(buf, v.msg[i], v.len[i]);
		CHECK_EQ(gm_push_receive(g, buf, v.len[i], &p, &pm, ack, sizeof(ack), &ack_len),
			 g->ctr[GM_C_KEK_REKEYS] != rekeys ? -EBADMSG : -EALREADY);
		CHECK_EQ(g->seq, seq);
	}
	CHECK(ok >= 2);
	CHECK_EQ(g->ctr[GM_C_PUSH_OK], ok);
	CHECK(g->ctr[GM_C_KEK_REKEYS] >= 1);
	CHECK_EQ(g->ctr[GM_C_PUSH_REPLAY], ok - g->ctr[GM_C_KEK_REKEYS]);
	CHECK_EQ(g->ctr[GM_C_PUSH_MALFORMED], ok + g->ctr[GM_C_KEK_REKEYS]);
	printf("%u PUSHes, %llu KEK rekeys\n", ok, (unsigned long long)g->ctr[GM_C_KEK_REKEYS]);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s gdoid-VECTORS.txt\n", argv[0]);
		return 2;
	}
	vec_load(argv[1], &v);
	mock_install_init(&mock);
	mem.in = mock.in;
	grp.m = &mem;
	grp.owner = GW_OWNER(GW_OWNER_GDOI, 1);
	snprintf(grp.name, sizeof(grp.name), "gv");
	snprintf(grp.ifname, sizeof(grp.ifname), "ge-0/0/0");
	grp.dir = GW_SA_OUTBOUND;
	grp.dopts.gap_ids = gdoi_gap_ids_default;
	grp.dopts.parse_flags = GDOI_WIRE_SAT_ID_LEN1;
	grp.nfail_open = 1;
	snprintf(grp.fail_open[0].name, sizeof(grp.fail_open[0].name), "fail-open-mgmt");
	grp.fail_open[0].action = GW_POLICY_FAIL_OPEN;
	GW_RUN(test_phase1);
	GW_RUN(test_pull);
	GW_RUN(test_pull_tampered);
	GW_RUN(test_install);
	GW_RUN(test_conf_applied);
	GW_RUN(test_reregister);
	GW_RUN(test_push);
	ike1_sa_wipe(&grp.p1);
	EVP_PKEY_free(grp.kek.pub);
	return gw_test_result();
}
