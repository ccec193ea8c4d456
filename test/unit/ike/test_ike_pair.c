/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two IKEv2 daemons in one process, on one control loop, over UDP on
 * 127.0.0.1 (ports of their own), each installing into a recording mock of
 * the install interface (test/unit/sa/mock_install.c): no DPDK, no data
 * plane. A initiates (establish-tunnels immediately), B responds. Checked:
 * both sides install an inbound and an outbound SA under an IKE owner, A's
 * outbound keys and SPI are B's inbound ones and the reverse, selectors and
 * the protect term on bind-interface are right (B's narrowed from A's wider
 * proposal); the soft lifetime of A's outbound SA makes A rekey the child
 * (CREATE_CHILD_SA, then the old pair deleted) and both sides end with one
 * new matching pair; `clear` on A deletes B's SAs too (INFORMATIONAL); a
 * proposal mismatch gives NO_PROPOSAL_CHOSEN on both sides and installs
 * nothing; a wrong pre-shared key gives AUTHENTICATION_FAILED. With cookies
 * demanded (RFC 7296 2.6) A's first IKE_SA_INIT gets a COOKIE, the retry with
 * it goes through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "gw_test.h"
#include "gw_test_loop.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_ike.h"
#include "ike_msg.h"
#include "mock_install.h"

#define IF "interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { " \
	"name = \"0\"; family = { inet = { address = [ \"10.1.0.1/16\" ]; }; }; } ); } );\n"

static char conf_a[4096], conf_b[4096];
static uint32_t pair_frag_size;	/* both daemons fragment above this (0: the gateways') */
static const char *pair_addr = "127.0.0.1";	/* both gateways' address: IKE over it */

static void
make_conf(char *buf, size_t len, const char *enc, const char *psk, const char *est,
	  const char *lnet, const char *rnet, const char *lid, const char *rid)
{
	snprintf(buf, len, IF
		 "security = { ike = {\n"
		 " proposal = ( { name = \"p\"; encryption-algorithm = \"%s\";\n"
		 "dh-group = \"group19\"; } );\n"
		 " policy = ( { name = \"pol\"; proposals = [ \"p\" ]; "
		 "pre-shared-key = { ascii-text = \"%s\"; }; } );\n"
		 " gateway = ( { name = \"g\"; ike-policy = \"pol\"; address = \"%s\"; "
		 "local-address = \"%s\"; local-identity = { hostname = \"%s\"; }; "
		 "remote-identity = { hostname = \"%s\"; }; } ); };\n"
		 " ipsec = { proposal = ( { name = \"e\"; encryption-algorithm = \"%s\";%s } );\n"
		 " ipsec-policy = ( { name = \"ep\"; proposals = [ \"e\" ]; } );\n"
		 " vpn = ( { name = \"v\"; ike = { gateway = \"g\"; ipsec-policy = \"ep\"; }; "
		 "bind-interface = \"ge-0/0/0\"; establish-tunnels = \"%s\"; "
		 "traffic-selector = ( { name = \"t\"; local-ip = \"%s\"; remote-ip = \"%s\"; } ); "
		 "} ); }; };\n", enc, psk, pair_addr, pair_addr, lid, rid, enc,
		 strstr(enc, "cbc") ? " authentication-algorithm = \"hmac-sha-256-128\";" : "",
		 est, lnet, rnet);
}

struct pair {
	struct ctl_loop *loop;
	struct mock_install ma, mb;
	struct ike_daemon *a, *b;
	struct gw_config *ca, *cb;
	struct gw_test_loop run;
	bool (*done)(struct pair *p);
	int phase;
	enum gw_cipher cipher;
	uint32_t old_out;		/* A's outbound SPI before the rekey */
	bool cookies;			/* B asks every IKE_SA_INIT for a cookie */
};

static bool
pair_done(void *arg)
{
	struct pair *p = arg;

	return p->done(p);
}

/* The loop runs once (ctl_loop_stop is final): done() moves the test along. */
static void
run_until(struct pair *p, bool (*done)(struct pair *), uint64_t ms)
{
	p->done = done;
	gw_test_loop_run(&p->run, pair_done, p, ms);
}

static int
pair_start(struct pair *p, bool cookies)
{
	struct gw_conf_error err;
	uint16_t base = (uint16_t)(20000 + (getpid() % 2000) * 4);

	memset(p, 0, sizeof(*p));
	p->cookies = cookies;
	p->loop = ctl_loop_create(NULL);
	mock_install_init(&p->ma);
	mock_install_init(&p->mb);
	p->mb.next_spi = 0x50000;
	p->ca = gw_conf_load_string(conf_a, &err);
	p->cb = gw_conf_load_string(conf_b, &err);
	if (p->ca == NULL || p->cb == NULL) {
		fprintf(stderr, "config: %s: %s\n", err.statement, err.reason);
		return -EINVAL;
	}
	p->a = ike_daemon_create(&(struct ike_daemon_params){ .loop = p->loop,
		.install = &p->ma.in, .port = base, .natt_port = base + 1,
		.peer_port = base + 2, .peer_natt_port = base + 3, .frag_size = pair_frag_size });
	p->b = ike_daemon_create(&(struct ike_daemon_params){ .loop = p->loop,
		.install = &p->mb.in, .port = base + 2, .natt_port = base + 3,
		.peer_port = base, .peer_natt_port = base + 1, .cookies_always = p->cookies,
		.frag_size = pair_frag_size });
	if (p->a == NULL || p->b == NULL)
		return -errno;
	gw_test_loop_init(&p->run, p->loop, 20, false);
	ike_daemon_configure(p->b, p->cb);
	ike_daemon_configure(p->a, p->ca);
	return 0;
}

static void
pair_stop(struct pair *p)
{
	gw_test_loop_cancel(&p->run);
	ike_daemon_free(p->a);
	ike_daemon_free(p->b);
	ctl_loop_free(p->loop);
	gw_conf_free(p->ca);
	gw_conf_free(p->cb);
}

static unsigned int
ike_sas(const struct mock_install *m)
{
	return mock_sa_count_kind(m, GW_OWNER_IKE);
}

static bool
both_up(struct pair *p)
{
	return ike_sas(&p->ma) == 2 && ike_sas(&p->mb) == 2;
}

static bool
both_down(struct pair *p)
{
	return ike_sas(&p->ma) == 0 && ike_sas(&p->mb) == 0;
}

static const struct gw_sa_spec *
find(const struct mock_install *m, enum gw_sa_dir dir)
{
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		if (m->sas[i].used && m->sas[i].spec.params.direction == dir)
			return &m->sas[i].spec;
	return NULL;
}

static bool
same_keys(const struct gw_sa_spec *x, const struct gw_sa_spec *y)
{
	return x->params.spi == y->params.spi &&
	       x->params.crypto.cipher == y->params.crypto.cipher &&
	       x->params.crypto.cipher_key_len == y->params.crypto.cipher_key_len &&
	       memcmp(x->params.crypto.cipher_key, y->params.crypto.cipher_key,
		      x->params.crypto.cipher_key_len) == 0 &&
	       x->params.crypto.auth_key_len == y->params.crypto.auth_key_len &&
	       memcmp(x->params.crypto.auth_key, y->params.crypto.auth_key,
		      x->params.crypto.auth_key_len) == 0;
}

static void
check_pair(struct pair *p, enum gw_cipher cipher)
{
	const struct gw_sa_spec *ao = find(&p->ma, GW_SA_OUTBOUND);
	const struct gw_sa_spec *ai = find(&p->ma, GW_SA_INBOUND);
	const struct gw_sa_spec *bo = find(&p->mb, GW_SA_OUTBOUND);
	const struct gw_sa_spec *bi = find(&p->mb, GW_SA_INBOUND);
	const struct mock_policy *pa = NULL, *pb = NULL;
	struct ike_counters c;

	CHECK(ao != NULL && ai != NULL && bo != NULL && bi != NULL);
	if (ao == NULL || ai == NULL || bo == NULL || bi == NULL)
		return;
	CHECK(same_keys(ao, bi));
	CHECK(same_keys(bo, ai));
	CHECK(memcmp(ao->params.crypto.cipher_key, bo->params.crypto.cipher_key,
		     ao->params.crypto.cipher_key_len) != 0);
	CHECK_EQ(ao->params.crypto.cipher, cipher);
	CHECK_EQ(ao->params.udp_encap, GW_UDP_ENCAP_NONE);
	CHECK_EQ(strcmp(ao->bind, "v"), 0);
	/* A proposed 10.1.0.0/16 -> 10.2.0.0/16; B narrowed to its 10.2.3.0/24 side */
	CHECK_EQ(ao->params.sel_src.len, 16);
	CHECK_EQ(ao->params.sel_dst.len, 24);
	CHECK_EQ(ntohl(ao->params.sel_dst.v4.s_addr), 0x0a020300u);
	CHECK_EQ(bo->params.sel_src.len, 24);
	for (unsigned int i = 0; i < p->ma.nb_pol; i++)
		if (p->ma.pol[i].owner.kind == GW_OWNER_IKE && p->ma.pol[i].n != 0)
			pa = &p->ma.pol[i];
	for (unsigned int i = 0; i < p->mb.nb_pol; i++)
		if (p->mb.pol[i].owner.kind == GW_OWNER_IKE && p->mb.pol[i].n != 0)
			pb = &p->mb.pol[i];
	CHECK(pa != NULL && pb != NULL);
	if (pa != NULL) {
		CHECK_EQ(strcmp(pa->ifname, "ge-0/0/0"), 0);
		CHECK_EQ(pa->dir, GW_SA_OUTBOUND);
		CHECK_EQ(pa->n, 1);
		CHECK_EQ(pa->terms[0].action, GW_POLICY_PROTECT);
		CHECK_EQ(strcmp(pa->terms[0].sa, "v"), 0);
		CHECK_EQ(pa->terms[0].dst.len, 24);
	}
	ike_daemon_counters(p->a, &c);
	CHECK_EQ(c.ike_up, 1);
	CHECK(c.child_up >= 1);
	CHECK_EQ(c.drop_parse + c.drop_icv + c.drop_msgid + c.drop_state, 0);
}

static void check_pair(struct pair *p, enum gw_cipher cipher);
static const struct gw_sa_spec *find(const struct mock_install *m, enum gw_sa_dir dir);
static bool both_up(struct pair *p);
static bool both_down(struct pair *p);

static gw_sa_id_t
id_of_spec(struct mock_install *m, const struct gw_sa_spec *spec)
{
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		if (spec != NULL && &m->sas[i].spec == spec)
			for (uint64_t gen = 0; gen < 16; gen++) {
				gw_sa_id_t id = gen << 32 | i;

				if (mock_sa(m, id) == &m->sas[i])
					return id;
			}
	return GW_SA_ID_NONE;
}

static gw_sa_id_t
id_of(struct mock_install *m, enum gw_sa_dir dir)
{
	return id_of_spec(m, find(m, dir));
}

/*
 * Phase 0: both up -> check, soft lifetime raised on A's outbound SA;
 * phase 1: A rekeyed (two SAs again, a new outbound SPI) and B too -> check
 * the new pair, clear on A; phase 2: both down.
 */
static bool
up_rekey_cleared(struct pair *p)
{
	const struct gw_sa_spec *ao;

	if (p->phase == 0 && both_up(p)) {
		check_pair(p, p->cipher);
		p->old_out = find(&p->ma, GW_SA_OUTBOUND)->params.spi;
		mock_raise(&p->ma, id_of(&p->ma, GW_SA_OUTBOUND), GW_SA_EV_SOFT_LIFETIME);
		p->phase = 1;
		return false;
	}
	ao = find(&p->ma, GW_SA_OUTBOUND);
	if (p->phase == 1 && both_up(p) && ao != NULL && ao->params.spi != p->old_out &&
	    find(&p->mb, GW_SA_OUTBOUND) != NULL &&
	    find(&p->mb, GW_SA_OUTBOUND)->params.spi == find(&p->ma, GW_SA_INBOUND)->params.spi) {
		check_pair(p, p->cipher);
		CHECK_EQ(ike_clear_sas(p->a, 0), 1);
		p->phase = 2;
	}
	return p->phase == 2 && both_down(p);
}

static void
test_establish_and_clear(void)
{
	static const char *const encs[] = { "aes-128-gcm", "aes-256-cbc" };

	for (size_t e = 0; e < 2; e++) {
		struct pair p;
		struct ike_counters c;

		make_conf(conf_a, sizeof(conf_a), encs[e], "k-123", "immediately", "10.1.0.0/16",
			  "10.2.0.0/16", "a.test", "b.test");
		make_conf(conf_b, sizeof(conf_b), encs[e], "k-123", "responder-only",
			  "10.2.3.0/24", "10.1.0.0/16", "b.test", "a.test");
		/* with GCM, B also asks for a cookie (RFC 7296 2.6): A retries with it */
		CHECK_EQ(pair_start(&p, e == 0), 0);
		p.cipher = e == 0 ? GW_CIPHER_AES_GCM16 : GW_CIPHER_AES_CBC;
		run_until(&p, up_rekey_cleared, 15000);
		CHECK_EQ(p.phase, 2);
		CHECK_EQ(ike_sas(&p.ma), 0);
		CHECK_EQ(ike_sas(&p.mb), 0);
		ike_daemon_counters(p.b, &c);
		CHECK_EQ(c.ike_deleted, 1);
		CHECK_EQ(c.cookie_sent, e == 0 ? 1 : 0);
		pair_stop(&p);
	}
}

static bool
refused(struct pair *p)
{
	struct ike_counters a, b;

	ike_daemon_counters(p->a, &a);
	ike_daemon_counters(p->b, &b);
	return (a.no_proposal != 0 && b.no_proposal != 0) ||
	       (a.auth_failed != 0 && b.auth_failed != 0);
}

/* A and B differ in B's IKE cipher or key: both count the refusal, nothing installed. */
static void
refusal_case(const char *enc_b, const char *key_b, bool auth)
{
	struct ike_counters a, b;
	struct pair p;

	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "key-one", "immediately",
		  "10.1.0.0/16", "10.2.0.0/16", "a.test", "b.test");
	make_conf(conf_b, sizeof(conf_b), enc_b, key_b, "responder-only", "10.2.0.0/16",
		  "10.1.0.0/16", "b.test", "a.test");
	CHECK_EQ(pair_start(&p, false), 0);
	run_until(&p, refused, 5000);
	ike_daemon_counters(p.a, &a);
	ike_daemon_counters(p.b, &b);
	if (auth)
		CHECK(a.auth_failed >= 1 && b.auth_failed >= 1);
	else
		CHECK(a.no_proposal >= 1 && b.no_proposal >= 1);
	CHECK_EQ(ike_sas(&p.ma) + ike_sas(&p.mb), 0);
	pair_stop(&p);
}

static void
test_refusals(void)
{
	refusal_case("aes-256-gcm", "key-one", false);	/* NO_PROPOSAL_CHOSEN */
	refusal_case("aes-128-gcm", "key-two", true);	/* AUTHENTICATION_FAILED */
}


/*
 * A second traffic-selector (conf with `t` and `t2`) spliced into a
 * configuration made by make_conf.
 */
static void
add_ts(char *conf, size_t len, const char *lnet, const char *rnet)
{
	char tail[4096], *at = strstr(conf, "} ); } ); }; };");

	if (at == NULL)
		return;
	snprintf(tail, sizeof(tail), "}, { name = \"t2\"; local-ip = \"%s\"; remote-ip = \"%s\"; "
		 "%s", lnet, rnet, at);
	snprintf(at, len - (size_t)(at - conf), "%s", tail);
}

/* PFS in the configuration's ipsec-policy "ep" (made by make_conf). */
static void
add_pfs(char *conf, size_t len, const char *group)
{
	static const char anchor[] = "proposals = [ \"e\" ];";
	char tail[8192], *at = strstr(conf, anchor);

	if (at == NULL)
		return;
	at += sizeof(anchor) - 1;
	snprintf(tail, sizeof(tail), " perfect-forward-secrecy = { keys = \"%s\"; };%s", group,
		 at);
	snprintf(at, len - (size_t)(at - conf), "%s", tail);
}

static const struct mock_policy *ike_terms(const struct mock_install *m);
static bool four_each(struct pair *p);
static const struct gw_sa_spec *find_bind(const struct mock_install *m, enum gw_sa_dir dir,
					  const char *bind);

/*
 * The second child asked for by CREATE_CHILD_SA with PFS (group 19 on both
 * sides): B refuses a child request without a KE of its group, so the child
 * coming up with matching keys shows A's request carried one.
 */
static void
test_two_children_pfs(void)
{
	const struct gw_sa_spec *ao2, *bi2;
	struct ike_counters c;
	struct pair p;

	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "k-123", "immediately", "10.1.0.0/16",
		  "10.2.0.0/16", "a.test", "b.test");
	add_ts(conf_a, sizeof(conf_a), "10.5.0.0/16", "10.6.0.0/16");
	add_pfs(conf_a, sizeof(conf_a), "group19");
	make_conf(conf_b, sizeof(conf_b), "aes-128-gcm", "k-123", "responder-only",
		  "10.2.0.0/16", "10.1.0.0/16", "b.test", "a.test");
	add_ts(conf_b, sizeof(conf_b), "10.6.0.0/16", "10.5.0.0/16");
	add_pfs(conf_b, sizeof(conf_b), "group19");
	CHECK_EQ(pair_start(&p, false), 0);
	if (p.a == NULL || p.b == NULL)
		return;
	run_until(&p, four_each, 10000);
	ao2 = find_bind(&p.ma, GW_SA_OUTBOUND, "v#1");
	bi2 = find_bind(&p.mb, GW_SA_INBOUND, "v#1");
	CHECK(ao2 != NULL && bi2 != NULL);
	if (ao2 != NULL && bi2 != NULL)
		CHECK(same_keys(ao2, bi2));
	ike_daemon_counters(p.a, &c);
	CHECK_EQ(c.child_up, 2);
	CHECK_EQ(c.no_proposal + c.invalid_ke, 0);
	ike_daemon_counters(p.b, &c);
	CHECK_EQ(c.no_proposal + c.invalid_ke, 0);
	pair_stop(&p);
}

static const struct mock_policy *
ike_terms(const struct mock_install *m)
{
	for (unsigned int i = 0; i < m->nb_pol; i++)
		if (m->pol[i].owner.kind == GW_OWNER_IKE && m->pol[i].n != 0)
			return &m->pol[i];
	return NULL;
}

static const struct gw_sa_spec *
find_bind(const struct mock_install *m, enum gw_sa_dir dir, const char *bind)
{
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		if (m->sas[i].used && m->sas[i].spec.params.direction == dir &&
		    strcmp(m->sas[i].spec.bind, bind) == 0)
			return &m->sas[i].spec;
	return NULL;
}

static bool
four_each(struct pair *p)
{
	return ike_sas(&p->ma) == 4 && ike_sas(&p->mb) == 4;
}

/*
 * Two traffic-selectors, the second IPv6 (6in4: the IKE SA runs over IPv4):
 * IKE_AUTH carries the first, A asks for the second with CREATE_CHILD_SA; B
 * narrows it (2001:db8:2::/48 to its 2001:db8:2:3::/64). Each child has its
 * own binding ("v", "v#1"), keys and protect term; the expiry of one leaves
 * the other.
 */
static void
test_two_children(void)
{
	const struct gw_sa_spec *ao, *ao2, *bi2, *bo2;
	const struct mock_policy *pa, *pb;
	struct ike_counters c;
	struct pair p;

	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "k-123", "immediately", "10.1.0.0/16",
		  "10.2.0.0/16", "a.test", "b.test");
	add_ts(conf_a, sizeof(conf_a), "2001:db8:1::/48", "2001:db8:2::/48");
	make_conf(conf_b, sizeof(conf_b), "aes-128-gcm", "k-123", "responder-only",
		  "10.2.3.0/24", "10.1.0.0/16", "b.test", "a.test");
	add_ts(conf_b, sizeof(conf_b), "2001:db8:2:3::/64", "2001:db8:1::/48");
	CHECK_EQ(pair_start(&p, false), 0);
	if (p.a == NULL || p.b == NULL)
		return;
	run_until(&p, four_each, 10000);
	CHECK_EQ(ike_sas(&p.ma), 4);
	CHECK_EQ(ike_sas(&p.mb), 4);
	ao = find_bind(&p.ma, GW_SA_OUTBOUND, "v");
	ao2 = find_bind(&p.ma, GW_SA_OUTBOUND, "v#1");
	bi2 = find_bind(&p.mb, GW_SA_INBOUND, "v#1");
	bo2 = find_bind(&p.mb, GW_SA_OUTBOUND, "v#1");
	CHECK(ao != NULL && ao2 != NULL && bi2 != NULL && bo2 != NULL);
	if (ao2 != NULL && bi2 != NULL && ao != NULL && bo2 != NULL) {
		CHECK(same_keys(ao2, bi2));
		CHECK(ao2->params.spi != ao->params.spi);
		CHECK_EQ(ao2->params.sel_src.family, AF_INET6);
		CHECK_EQ(ao2->params.sel_src.len, 48);
		CHECK_EQ(ao2->params.sel_dst.len, 64);	/* narrowed by B */
		CHECK_EQ(ao2->params.sel_dst.v6.s6_addr[7], 3);
		CHECK_EQ(ao2->params.tunnel_remote.family, AF_INET);	/* 6in4 */
		CHECK_EQ(bo2->params.sel_src.len, 64);
		CHECK_EQ(ao->params.sel_src.family, AF_INET);
	}
	pa = ike_terms(&p.ma);
	pb = ike_terms(&p.mb);
	CHECK(pa != NULL && pb != NULL);
	if (pa != NULL && pb != NULL) {
		CHECK_EQ(pa->n, 2);
		CHECK_EQ(pb->n, 2);
		CHECK(strcmp(pa->terms[0].sa, pa->terms[1].sa) != 0);
		for (unsigned int i = 0; i < pa->n; i++)
			if (strcmp(pa->terms[i].sa, "v#1") == 0)
				CHECK_EQ(pa->terms[i].dst.family, AF_INET6);
	}
	/* the second child expires on A: the first one and its term stay */
	mock_raise(&p.ma, id_of_spec(&p.ma, ao2), GW_SA_EV_HARD_LIFETIME);
	CHECK(find_bind(&p.ma, GW_SA_OUTBOUND, "v") != NULL);
	CHECK(find_bind(&p.ma, GW_SA_INBOUND, "v#1") == NULL);
	pa = ike_terms(&p.ma);
	CHECK(pa != NULL && pa->n == 1 && strcmp(pa->terms[0].sa, "v") == 0);
	ike_daemon_counters(p.a, &c);
	CHECK_EQ(c.child_up, 2);
	CHECK_EQ(c.ts_unacceptable + c.no_proposal + c.drop_state, 0);
	pair_stop(&p);
}

static const struct mock_policy *
trap_terms(const struct mock_install *m)
{
	for (unsigned int i = 0; i < m->nb_pol; i++)
		if (m->pol[i].owner.kind == GW_OWNER_IKE && m->pol[i].owner.id >= 0xffff0000u &&
		    m->pol[i].n != 0)
			return &m->pol[i];
	return NULL;
}

/*
 * Phase 0: 400 ms without traffic: nobody sends anything; acquires for slots
 * that are not a trap's are ignored; the trap's slot is acquired (twice: the
 * second finds the negotiation under way). Phase 1: both up.
 */
static bool
on_traffic_step(struct pair *p)
{
	struct ike_counters a, b;
	char slot[64];

	if (p->phase == 0 && ctl_now_ms() + 9600 >= p->run.deadline) {
		ike_daemon_counters(p->a, &a);
		ike_daemon_counters(p->b, &b);
		CHECK_EQ(a.tx_msgs + b.tx_msgs, 0);	/* nobody initiates without traffic */
		ike_daemon_acquire(p->a, "ike-7/v");	/* not a trap's slot */
		ike_daemon_acquire(p->a, "ike-4294901761/v");	/* no second vpn */
		ike_daemon_counters(p->a, &a);
		CHECK_EQ(a.acquires + a.tx_msgs, 0);
		snprintf(slot, sizeof(slot), "ike-%u/v", 0xffff0000u);
		ike_daemon_acquire(p->a, slot);
		ike_daemon_acquire(p->a, slot);
		p->phase = 1;
	}
	return p->phase == 1 && both_up(p);
}

/*
 * establish-tunnels on-traffic: A installs a trap term per selector (protect,
 * GW_SPD_TERM_ACQUIRE, an owner of its own after every IKE SA) and sends
 * nothing until the data plane's acquire names the trap's slot; then the
 * tunnel comes up. An acquire for a slot that is not a trap is ignored. B
 * (responder-only) has no trap: it never initiates.
 */
static void
test_on_traffic(void)
{
	const struct mock_policy *t;
	struct ike_counters a;
	struct pair p;

	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "k-123", "on-traffic", "10.1.0.0/16",
		  "10.2.0.0/16", "a.test", "b.test");
	make_conf(conf_b, sizeof(conf_b), "aes-128-gcm", "k-123", "responder-only",
		  "10.2.0.0/16", "10.1.0.0/16", "b.test", "a.test");
	CHECK_EQ(pair_start(&p, false), 0);
	if (p.a == NULL || p.b == NULL)
		return;
	t = trap_terms(&p.ma);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_EQ(t->n, 1);
		CHECK_EQ(t->terms[0].flags, GW_SPD_TERM_ACQUIRE);
		CHECK_EQ(t->terms[0].action, GW_POLICY_PROTECT);
		CHECK_EQ(strcmp(t->terms[0].sa, "v"), 0);
		CHECK_EQ(strcmp(t->ifname, "ge-0/0/0"), 0);
		CHECK_EQ(t->dir, GW_SA_OUTBOUND);
	}
	CHECK(trap_terms(&p.mb) == NULL);
	run_until(&p, on_traffic_step, 10000);
	CHECK_EQ(p.phase, 1);
	CHECK(both_up(&p));
	ike_daemon_counters(p.a, &a);
	CHECK_EQ(a.acquires, 2);
	CHECK_EQ(a.ike_up, 1);
	CHECK(trap_terms(&p.ma) != NULL);	/* stays, behind the IKE SA's own term */
	pair_stop(&p);
}

/* ---- IKE fragmentation (RFC 7383) and the multipath port (lib/ike/ike_frag.c, ike_natt.c) ---- */

/* Insert `text` after the first `after` in a configuration. */
static void
conf_insert(char *buf, size_t cap, const char *after, const char *text)
{
	char *at = strstr(buf, after);
	size_t tl = strlen(text);

	CHECK(at != NULL && strlen(buf) + tl < cap);
	if (at == NULL || strlen(buf) + tl >= cap)
		return;
	at += strlen(after);
	memmove(at + tl, at, strlen(at) + 1);
	memcpy(at, text, tl);
}

static bool
both_up_only(struct pair *p)
{
	return both_up(p);
}

/*
 * A small fragmentation size: IKE_AUTH and the CHILD_SA rekey go as SKF
 * fragments both ways (A with GCM, B answering), reassembled, the tunnel
 * up with matching keys; B with `fragmentation disable` announces nothing
 * and nobody fragments. Both with `udp-encapsulate dest-udp-port 2000`: the
 * CHILD_SAs are ESP in UDP to that port (GW_UDP_ENCAP_PORT).
 */
static void
frag_case(bool b_disables, bool multipath)
{
	struct ike_counters a, b;
	struct pair p;

	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "k-frag", "immediately",
		  "10.1.0.0/16", "10.2.0.0/16", "a.test", "b.test");
	make_conf(conf_b, sizeof(conf_b), "aes-128-gcm", "k-frag", "responder-only",
		  "10.2.3.0/24", "10.1.0.0/16", "b.test", "a.test");
	if (b_disables)
		conf_insert(conf_b, sizeof(conf_b), "hostname = \"a.test\"; };",
			    " fragmentation = { disable = true; };");
	if (multipath) {
		conf_insert(conf_a, sizeof(conf_a), "establish-tunnels = \"immediately\";",
			    " udp-encapsulate = { dest-udp-port = 2000; };");
		conf_insert(conf_b, sizeof(conf_b), "establish-tunnels = \"responder-only\";",
			    " udp-encapsulate = { dest-udp-port = 2000; };");
	}
	pair_frag_size = 200;	/* 172 octets of IKE: IKE_AUTH needs two or three */
	CHECK_EQ(pair_start(&p, false), 0);
	p.cipher = GW_CIPHER_AES_GCM16;
	run_until(&p, both_up_only, 10000);
	CHECK(both_up(&p));
	ike_daemon_counters(p.a, &a);
	ike_daemon_counters(p.b, &b);
	if (b_disables) {
		CHECK_EQ(a.frag_tx + b.frag_tx + a.frag_rx + b.frag_rx, 0);
	} else {
		CHECK(a.frag_tx >= 2 && b.frag_tx >= 2);
		CHECK(b.frag_rx >= a.frag_tx);
		CHECK(a.frag_reassembled >= 1 && b.frag_reassembled >= 1);
		CHECK_EQ(a.frag_drop_icv + b.frag_drop_icv + a.frag_drop_num + b.frag_drop_num, 0);
	}
	if (multipath) {
		const struct gw_sa_spec *ao = find(&p.ma, GW_SA_OUTBOUND);
		const struct gw_sa_spec *bo = find(&p.mb, GW_SA_OUTBOUND);

		CHECK(ao != NULL && bo != NULL);
		if (ao != NULL && bo != NULL) {
			CHECK_EQ(ao->params.udp_encap, GW_UDP_ENCAP_PORT);
			CHECK_EQ(ao->params.udp_port, 2000);
			CHECK_EQ(bo->params.udp_encap, GW_UDP_ENCAP_PORT);
			CHECK_EQ(bo->params.udp_port, 2000);
		}
	} else {
		check_pair(&p, GW_CIPHER_AES_GCM16);
	}
	pair_frag_size = 0;
	pair_stop(&p);
}

/* The port A's IKE socket has in pair_start. */
static uint16_t
a_port(void)
{
	return (uint16_t)(20000 + (getpid() % 2000) * 4);
}

/* B's `show ... detail` holds "Remote: 127.0.0.1:<A's port>". */
static bool
b_remote_is_a(struct pair *p)
{
	char buf[8192] = "", want[64];
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	if (f == NULL)
		return false;
	ike_show_ike_sas(p->b, f, true, 0);
	fclose(f);
	snprintf(want, sizeof(want), "Remote: 127.0.0.1:%u\n", a_port());
	return strstr(buf, want) != NULL;
}

/*
 * A datagram with the IKE SA's SPIs and A's next message ID but a forged SK
 * payload, from another port: dropped (ICV), and B's idea of where A is stays
 * (RFC 7296 2.23: only authenticated messages move the peer). Before
 * lib/ike/ike_natt.c any datagram with the SPIs moved it.
 */
static bool
forged_source(struct pair *p)
{
	struct ike_counters b;

	if (p->phase == 0 && both_up(p)) {
		char buf[512] = "";
		unsigned long long spi_i = 0, spi_r = 0;
		uint8_t m[IKE_HDR_LEN + 4 + 40];
		struct sockaddr_in to = { .sin_family = AF_INET,
					  .sin_port = htons((uint16_t)(a_port() + 2)),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
		const char *row;
		int fd;

		CHECK(b_remote_is_a(p));
		ike_show_ike_sas(p->b, f, false, 0);
		fclose(f);
		row = strstr(buf, "UP");
		CHECK(row != NULL && sscanf(row, "UP %llx %llx", &spi_i, &spi_r) == 2);
		memset(m, 0xa5, sizeof(m));
		ike_put64(m, spi_i);
		ike_put64(m + 8, spi_r);
		m[16] = IKE_PL_SK;
		m[17] = IKE_VERSION;
		m[18] = IKE_EXCH_INFORMATIONAL;
		m[19] = IKE_FLAG_INITIATOR;
		ike_put32(m + 20, 2);
		ike_put32(m + 24, sizeof(m));
		m[IKE_HDR_LEN] = 0;
		m[IKE_HDR_LEN + 1] = 0;
		ike_put16(m + IKE_HDR_LEN + 2, sizeof(m) - IKE_HDR_LEN);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		CHECK(fd >= 0 && sendto(fd, m, sizeof(m), 0, (struct sockaddr *)&to,
					sizeof(to)) == (ssize_t)sizeof(m));
		close(fd);
		p->phase = 1;
		return false;
	}
	ike_daemon_counters(p->b, &b);
	if (p->phase == 1 && b.drop_icv + b.drop_msgid >= 1) {
		CHECK(b_remote_is_a(p));
		CHECK_EQ(b.nat_peer_moved, 0);
		p->phase = 2;
	}
	return p->phase == 2;
}

static void
test_unauthenticated_source_ignored(void)
{
	struct pair p;

	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "k-src", "immediately", "10.1.0.0/16",
		  "10.2.0.0/16", "a.test", "b.test");
	make_conf(conf_b, sizeof(conf_b), "aes-128-gcm", "k-src", "responder-only",
		  "10.2.3.0/24", "10.1.0.0/16", "b.test", "a.test");
	CHECK_EQ(pair_start(&p, false), 0);
	run_until(&p, forged_source, 10000);
	CHECK_EQ(p.phase, 2);
	pair_stop(&p);
}

static void
test_fragmentation(void)
{
	frag_case(false, false);
	frag_case(true, false);
}

static void
test_multipath_port(void)
{
	frag_case(false, true);
}

/* ---- IKE over IPv6 (lib/ike/ike_addr.c): the IKE SA's own addresses are ::1 ---- */

/* Remove the first `text` from a configuration. */
static void
conf_drop(char *buf, const char *text)
{
	char *at = strstr(buf, text);

	CHECK(at != NULL);
	if (at != NULL)
		memmove(at, at + strlen(text), strlen(at + strlen(text)) + 1);
}

static bool
is_loopback6(const struct gw_ipaddr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a->v6);
}

/* B's `show security ike security-associations [detail]` */
static void
show_b(struct pair *p, bool detail, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len - 1, "w");

	buf[0] = '\0';
	if (f == NULL)
		return;
	ike_show_ike_sas(p->b, f, detail, 0);
	fclose(f);
}

/* Phase 0: both up (two children each) -> checked, clear on A; phase 1: both down. */
static bool
v6_up_cleared(struct pair *p)
{
	if (p->phase == 0 && four_each(p)) {
		const struct gw_sa_spec *ao = find_bind(&p->ma, GW_SA_OUTBOUND, "v");
		const struct gw_sa_spec *ao2 = find_bind(&p->ma, GW_SA_OUTBOUND, "v#1");
		const struct gw_sa_spec *bi2 = find_bind(&p->mb, GW_SA_INBOUND, "v#1");
		char buf[8192], want[96];

		CHECK(ao != NULL && ao2 != NULL && bi2 != NULL);
		if (ao == NULL || ao2 == NULL || bi2 == NULL)
			return true;
		/* 4in6 and 6in6: the tunnel endpoints are the IKE SA's IPv6 addresses */
		CHECK(is_loopback6(&ao->params.tunnel_local));
		CHECK(is_loopback6(&ao->params.tunnel_remote));
		CHECK_EQ(ao->params.sel_src.family, AF_INET);
		CHECK(is_loopback6(&ao2->params.tunnel_remote));
		CHECK(is_loopback6(&bi2->params.tunnel_local));
		CHECK_EQ(ao2->params.sel_src.family, AF_INET6);
		CHECK(same_keys(ao2, bi2));
		/* NAT detection over IPv6 (2.23) found no NAT: ESP is not in UDP */
		CHECK_EQ(ao2->params.udp_encap, GW_UDP_ENCAP_NONE);
		show_b(p, false, buf, sizeof(buf));
		CHECK(strstr(buf, "IKEv2    ::1") != NULL);
		show_b(p, true, buf, sizeof(buf));
		snprintf(want, sizeof(want), "Remote: ::1:%u\n", a_port());
		CHECK(strstr(buf, "IKE peer ::1, Index") != NULL);
		CHECK(strstr(buf, want) != NULL);
		/* A has no local-identity: its address, ID_IPV6_ADDR (RFC 7296 3.5) */
		CHECK(strstr(buf, "Peer ike-id: ::1\n") != NULL);
		if (strstr(buf, want) == NULL || strstr(buf, "Peer ike-id: ::1\n") == NULL)
			fprintf(stderr, "%s", buf);
		CHECK_EQ(ike_clear_sas(p->a, 0), 1);
		p->phase = 1;
		return false;
	}
	return p->phase == 1 && both_down(p);
}

/*
 * IKE over IPv6: both gateways' address is ::1. With cookies demanded (the
 * cookie hashes A's IPv6 address, 2.6) A retries with it; the IKE SA comes
 * up with one IPv4 (4in6) and one IPv6 (6in6) child whose tunnel endpoints
 * are ::1, no NAT detected; A sends its IPv6 address as its identity; show
 * prints the IPv6 peer; clear on A deletes B's SAs (INFORMATIONAL over IPv6).
 * Before lib/ike/ike_addr.c the daemon had no IPv6 socket and A never
 * initiated (an IPv6 gateway address was refused).
 */
static void
test_ipv6_outer(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 lo = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct ike_counters c;
	struct pair p;
	bool have6 = fd >= 0 && bind(fd, (struct sockaddr *)&lo, sizeof(lo)) == 0;

	if (fd >= 0)
		close(fd);
	if (!have6) {
		fprintf(stderr, "test_ipv6_outer: no IPv6 loopback here, skipped\n");
		return;
	}
	pair_addr = "::1";
	make_conf(conf_a, sizeof(conf_a), "aes-128-gcm", "k-v6", "immediately", "10.1.0.0/16",
		  "10.2.0.0/16", "a.test", "b.test");
	add_ts(conf_a, sizeof(conf_a), "2001:db8:1::/48", "2001:db8:2::/48");
	conf_drop(conf_a, "local-identity = { hostname = \"a.test\"; }; ");
	make_conf(conf_b, sizeof(conf_b), "aes-128-gcm", "k-v6", "responder-only",
		  "10.2.3.0/24", "10.1.0.0/16", "b.test", "a.test");
	add_ts(conf_b, sizeof(conf_b), "2001:db8:2::/48", "2001:db8:1::/48");
	conf_drop(conf_b, "remote-identity = { hostname = \"a.test\"; }; ");
	pair_addr = "127.0.0.1";
	CHECK_EQ(pair_start(&p, true), 0);
	if (p.a == NULL || p.b == NULL)
		return;
	run_until(&p, v6_up_cleared, 15000);
	CHECK_EQ(p.phase, 1);
	CHECK_EQ(ike_sas(&p.ma), 0);
	CHECK_EQ(ike_sas(&p.mb), 0);
	ike_daemon_counters(p.b, &c);
	CHECK_EQ(c.cookie_sent, 1);
	CHECK_EQ(c.cookie_bad + c.drop_no_gateway + c.auth_failed, 0);
	CHECK_EQ(c.ike_deleted, 1);
	pair_stop(&p);
}

int
main(void)
{
	GW_RUN(test_establish_and_clear);
	GW_RUN(test_refusals);
	GW_RUN(test_two_children);
	GW_RUN(test_two_children_pfs);
	GW_RUN(test_on_traffic);
	GW_RUN(test_fragmentation);
	GW_RUN(test_multipath_port);
	GW_RUN(test_unauthenticated_source_ignored);
	GW_RUN(test_ipv6_outer);
	return gw_test_result();
}
