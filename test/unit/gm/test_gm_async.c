/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The member's Main Mode key pair (message 3) and g^xy (message 4) on the
 * helper thread (lib/gm/gm_async.c): a lib/gm member registers with a lib/gks
 * key server on one control loop over 127.0.0.1 / 127.0.0.2 (DH group 14),
 * each with a helper thread.
 * - the registration goes through with both made on the member's helper
 *   (dh-jobs 2, no dh-stale);
 * - the member's helper held from the start: message 2's key pair queues
 *   (message 3 not sent, state still MM1); the registration restarted
 *   meanwhile (re-register): the late pair is wiped (dh-stale 1), the new
 *   Main Mode registers;
 * - the member's helper held once message 3 is out: message 4's g^xy
 *   queues; restarted meanwhile: the late g^xy is wiped (dh-stale 1).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gw_test.h"
#include "gw_test_loop.h"
#include "gw_test_hold.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gks.h"
#include "gks_conf.h"
#include "gm_priv.h"
#include "gw_gm.h"
#include "mock_install.h"

#define PSK "gm-async-test-pre-shared-key"

static char key_path[] = "/tmp/gm_async_XXXXXX";

static void
make_key(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	int fd = mkstemp(key_path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(k != NULL && f != NULL);
	if (f != NULL) {
		PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
		fclose(f);
	}
	EVP_PKEY_free(k);
}

static struct gw_config *
load_conf(void)
{
	static char text[4096];
	struct gw_conf_error err;
	struct gw_config *c;

	snprintf(text, sizeof(text),
		 "interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { "
		 "name = \"0\"; family = { inet = { address = [ \"127.0.0.2/8\" ]; }; }; } ); "
		 "} );\n"
		 "security = { group-vpn = {\n"
		 " server = { listen-address = [ \"127.0.0.1\" ];\n"
		 "  ike = { proposal = ( { name = \"p\"; encryption-algorithm = \"3des-cbc\"; "
		 "authentication-algorithm = \"sha1\"; dh-group = \"group14\"; } ); };\n"
		 "  group = ( { name = \"g1\"; group-id = 1234;\n"
		 "   member = ( { name = \"m\"; address = \"127.0.0.0/8\"; "
		 "pre-shared-key = \"" PSK "\"; } );\n"
		 "   ipsec-sa = ( { name = \"fwd\"; source-address = \"10.1.0.0/16\"; "
		 "destination-address = \"10.2.0.0/16\"; encryption-algorithm = \"aes-128-cbc\"; "
		 "authentication-algorithm = \"hmac-sha-256-128\"; lifetime-seconds = 900; },\n"
		 "    { name = \"rev\"; source-address = \"10.2.0.0/16\"; "
		 "destination-address = \"10.1.0.0/16\"; encryption-algorithm = \"aes-128-cbc\"; "
		 "authentication-algorithm = \"hmac-sha-256-128\"; lifetime-seconds = 900; } );\n"
		 "   kek = { signing-key = \"%s\"; };\n"
		 "   server-member-communication = { communication-type = \"unicast\"; }; } ); };\n"
		 " member = { ike = {\n"
		 "  proposal = ( { name = \"p1\"; encryption-algorithm = \"3des-cbc\"; "
		 "authentication-algorithm = \"sha1\"; dh-group = \"group14\"; "
		 "lifetime-seconds = 600; } );\n"
		 "  policy = ( { name = \"pol\"; proposals = [ \"p1\" ]; "
		 "pre-shared-key = \"" PSK "\"; } );\n"
		 "  gateway = ( { name = \"ks\"; ike-policy = \"pol\"; "
		 "server-address = [ \"127.0.0.1\" ]; local-address = \"127.0.0.2\"; } ); };\n"
		 "  ipsec = { vpn = ( { name = \"gv\"; ike-gateway = \"ks\"; group = 1234; "
		 "interface = \"ge-0/0/0\"; } ); }; };\n"
		 "}; };\n", key_path);
	c = gw_conf_load_string(text, &err);
	if (c == NULL)
		fprintf(stderr, "config: %s: %s\n", err.statement, err.reason);
	return c;
}

/* The flags of the jobs that hold the member's helper (gw_test_hold.h). */
static atomic_int release, release2;

struct bed {
	struct ctl_loop *loop;
	struct ctl_helper *hs, *hm;
	struct mock_install mi;
	struct gks_server *s;
	struct gm_member *m;
	struct gw_config *conf;
	struct gw_test_loop run;
	bool (*done)(struct bed *b);
	int phase;
};

static bool
bed_done(void *arg)
{
	struct bed *b = arg;

	return b->done(b);
}

static void
run_until(struct bed *b, bool (*done)(struct bed *), uint64_t ms)
{
	b->done = done;
	gw_test_loop_run(&b->run, bed_done, b, ms);
}

static int
bed_start(struct bed *b, bool held)
{
	uint16_t port = (uint16_t)(34000 + (getpid() % 2000) * 2);
	struct gks_params p;
	char why[256] = "";

	memset(b, 0, sizeof(*b));
	b->loop = ctl_loop_create(NULL);
	b->hs = ctl_helper_create(b->loop, NULL);
	b->hm = ctl_helper_create(b->loop, NULL);
	atomic_store(&release, 0);
	atomic_store(&release2, 0);
	if (held)
		ctl_helper_submit(b->hm, gw_test_hold_work, gw_test_hold_done, &release);
	mock_install_init(&b->mi);
	b->conf = load_conf();
	if (b->conf == NULL)
		return -EINVAL;
	gks_params_from_conf(b->conf, &p);
	p.port = port;
	p.helper = b->hs;
	b->s = gks_server_create(b->loop, &p, true, why, sizeof(why));
	if (b->s == NULL) {
		fprintf(stderr, "key server: %s\n", why);
		return -EINVAL;
	}
	b->m = gm_member_create(&(struct gm_member_params){ .loop = b->loop,
		.install = b->mi.in, .port = port, .helper = b->hm });
	if (b->m == NULL)
		return -errno;
	gw_test_loop_init(&b->run, b->loop, 1, false);
	return gm_member_apply(b->m, b->conf);
}

static void
bed_stop(struct bed *b)
{
	atomic_store(&release, 1);
	atomic_store(&release2, 1);
	gw_test_loop_cancel(&b->run);
	gm_member_free(b->m);
	gks_server_free(b->s);
	ctl_helper_free(b->hm);
	ctl_helper_free(b->hs);
	ctl_loop_free(b->loop);
	gw_conf_free(b->conf);
}

static struct gm_group *
group(struct bed *b)
{
	return b->m != NULL && b->m->ngroups > 0 ? b->m->groups[0] : NULL;
}

static bool
registered(struct bed *b)
{
	return group(b) != NULL && group(b)->ctr[GM_C_REGISTRATIONS] >= 1;
}

/*
 * Run the bed (the member's helper held from the start or not) until `step`
 * reaches `phases` and the group registered; then the counters.
 */
static void
run_bed(bool held, bool (*step)(struct bed *), int phases, const char *what,
	uint64_t jobs, uint64_t stale)
{
	struct bed b;

	CHECK_EQ(bed_start(&b, held), 0);
	run_until(&b, step, 30000);
	CHECK_EQ(b.phase, phases);
	CHECK(registered(&b));
	if (group(&b) != NULL) {
		printf("%s: dh-jobs %llu, dh-stale %llu\n", what,
		       (unsigned long long)group(&b)->ctr[GM_C_DH_JOBS],
		       (unsigned long long)group(&b)->ctr[GM_C_DH_STALE]);
		CHECK_EQ(group(&b)->ctr[GM_C_DH_JOBS], jobs);
		CHECK_EQ(group(&b)->ctr[GM_C_DH_STALE], stale);
	}
	bed_stop(&b);
}

static void
test_registers_with_helper(void)
{
	/* message 3's key pair and message 4's g^xy */
	run_bed(false, registered, 0, "registered", 2, 0);
}

/* The helper held: message 2's key pair queues; then a re-registration, then released. */
static bool
restarted_while_computing(struct bed *b)
{
	struct gm_group *g = group(b);

	if (b->phase == 0 && g != NULL && g->computing) {
		/* message 3 waits for its pair: the helper makes it, not the loop */
		CHECK_EQ(g->p1.state, IKE1_ST_MM1);
		CHECK_EQ(gm_member_reregister(b->m, NULL), 0);
		CHECK(!g->computing);
		atomic_store(&release, 1);
		b->phase = 1;
	}
	return b->phase == 1 && registered(b);
}

static void
test_restarted_while_computing(void)
{
	/* the stale pair, then the new Main Mode's pair and g^xy */
	run_bed(true, restarted_while_computing, 1, "restarted during the key pair", 3, 1);
}

/*
 * The helper held from the start, message 2's pair queued behind: a second
 * hold queued behind the pair, the first released; the pair comes back,
 * message 3 goes, message 4's g^xy queues behind the second hold; then a
 * re-registration, then released.
 */
static bool
restarted_during_gxy(struct bed *b)
{
	struct gm_group *g = group(b);

	if (b->phase == 0 && g != NULL && g->computing) {
		CHECK_EQ(g->p1.state, IKE1_ST_MM1);
		ctl_helper_submit(b->hm, gw_test_hold_work, gw_test_hold_done, &release2);
		atomic_store(&release, 1);
		b->phase = 1;
	} else if (b->phase == 1 && g != NULL && g->computing &&
		   g->p1.state == IKE1_ST_MM3) {
		CHECK_EQ(gm_member_reregister(b->m, NULL), 0);
		CHECK(!g->computing);
		atomic_store(&release2, 1);
		b->phase = 2;
	}
	return b->phase == 2 && registered(b);
}

static void
test_restarted_during_gxy(void)
{
	/* pair and stale g^xy, then the new Main Mode's pair and g^xy */
	run_bed(true, restarted_during_gxy, 2, "restarted during g^xy", 4, 1);
}

int
main(void)
{
	make_key();
	GW_RUN(test_registers_with_helper);
	GW_RUN(test_restarted_while_computing);
	GW_RUN(test_restarted_during_gxy);
	unlink(key_path);
	return gw_test_result();
}
