/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE_AUTH signatures made and checked on the helper thread
 * (lib/ike/ike_async_sig.c, ike_async_verify.c): two
 * daemons on one control loop over 127.0.0.1 (as test_ike_pair.c), each
 * authenticated by an RSA-4096 certificate of a CA made here with OpenSSL.
 * - with a helper thread per daemon, the loop thread spends on the whole
 *   handshake about two RSA-4096 signatures' CPU time less than without;
 * - the responder's signature not back when the IKE_AUTH request comes (its
 *   helper held, and full: the peer's certificate checked inline): signed
 *   inline (async_sign_late), established all the same, the late result
 *   dropped;
 * - the initiator's SA cleared while its signature is on the helper: the
 *   result is wiped (async_stale), no IKE_AUTH goes out;
 * - the responder's SA cleared while the initiator's certificate and AUTH
 *   are checked on the helper: dropped (async_stale), nothing installed.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gw_test.h"
#include "ike_cert_conf.h"
#include "gw_test_loop.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_ike.h"
#include "ike_sa.h"
#include "mock_install.h"

static char dir[] = "/tmp/ike_sig_XXXXXX";
static EVP_PKEY *key_a;		/* A's, for timing one signature */

/* ---- certificates ---- */

static void
add_ext(X509 *issuer, X509 *cert, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	CHECK(ext != NULL);
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
}

static X509 *
make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, long serial)
{
	X509 *c = X509_new();
	X509_NAME *name = X509_NAME_new();
	char san[64];

	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), 86400);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
				   0);
	X509_set_subject_name(c, name);
	X509_set_issuer_name(c, issuer != NULL ? X509_get_subject_name(issuer) : name);
	X509_set_pubkey(c, key);
	if (issuer == NULL) {
		add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		snprintf(san, sizeof(san), "DNS:%s", cn);
		add_ext(issuer, c, NID_subject_alt_name, san);
	}
	X509_sign(c, issuer_key, EVP_sha256());
	X509_NAME_free(name);
	return c;
}

static void
write_pem(const char *file, X509 *cert, EVP_PKEY *key)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	if (cert != NULL)
		PEM_write_X509(f, cert);
	else
		PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
}

static void
make_certs(void)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *kb = EVP_RSA_gen(4096);
	X509 *ca, *ca_cert_a, *cb;

	key_a = EVP_RSA_gen(4096);
	CHECK(mkdtemp(dir) != NULL);
	CHECK(ca_key != NULL && key_a != NULL && kb != NULL);
	ca = make_cert("gdoigw test CA", ca_key, NULL, ca_key, 1);
	ca_cert_a = make_cert("a.test", key_a, ca, ca_key, 2);
	cb = make_cert("b.test", kb, ca, ca_key, 3);
	write_pem("ca.pem", ca, NULL);
	write_pem("a.pem", ca_cert_a, NULL);
	write_pem("a.key", NULL, key_a);
	write_pem("b.pem", cb, NULL);
	write_pem("b.key", NULL, kb);
	X509_free(ca);
	X509_free(ca_cert_a);
	X509_free(cb);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(kb);
}

static void
remove_certs(void)
{
	static const char *const files[] = { "ca.pem", "a.pem", "a.key", "b.pem", "b.key" };
	char path[256];

	for (unsigned int i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	EVP_PKEY_free(key_a);
}

/* ---- the pair ---- */

static void
make_conf(char *buf, size_t len, const char *me, const char *peer, const char *est,
	  const char *lnet, const char *rnet)
{
	ike_cert_conf(buf, len, dir, me, peer, est, lnet, rnet, "");
}

/*
 * A job that holds a helper thread until released (or the helper stops); when
 * its done runs, `then` (if any) is submitted to the same helper: behind the
 * jobs queued meanwhile, before any submitted after.
 */
struct blocker {
	atomic_int running, release;
	struct ctl_helper *h;
	struct blocker *then;
};

static int
block_work(void *arg, const struct ctl_helper *h)
{
	struct blocker *bl = arg;

	atomic_store(&bl->running, 1);
	while (!atomic_load(&bl->release) && !ctl_helper_stopping(h))
		usleep(500);
	return 0;
}

static void
block_done(struct ctl_loop *l, void *arg, int result)
{
	struct blocker *bl = arg;

	(void)l;
	if (result == 0 && bl->then != NULL) {
		bl->then->h = bl->h;
		CHECK_EQ(ctl_helper_submit(bl->h, block_work, block_done, bl->then), 0);
	}
}

static void
block(struct ctl_helper *h, struct blocker *bl)
{
	bl->h = h;
	CHECK_EQ(ctl_helper_submit(h, block_work, block_done, bl), 0);
}

struct pair {
	struct ctl_loop *loop;
	struct ctl_helper *ha, *hb;
	struct mock_install ma, mb;
	struct ike_daemon *a, *b;
	struct gw_config *ca, *cb;
	struct gw_test_loop run;
	bool (*done)(struct pair *p);
	int phase;
	struct blocker bl1, bl2, bl3;
	struct blocker blx;		/* the initiator held: between its key pair and g^ir */
};

static bool
pair_done(void *arg)
{
	struct pair *p = arg;

	return p->done(p);
}

/* done() asked every millisecond; the 2 ms ticker records the loop's longest pause */
static void
run_until(struct pair *p, bool (*done)(struct pair *), uint64_t ms)
{
	p->done = done;
	gw_test_loop_run(&p->run, pair_done, p, ms);
}

/*
 * held 'a' or 'b': that daemon's helper held from the start by blocker 1,
 * blocker 2 behind it once released (hold_signature). b_max_jobs: B's helper's
 * (0: the default).
 */
static int
pair_start(struct pair *p, bool helpers, char held, unsigned int b_max_jobs)
{
	static char conf_a[4096], conf_b[4096];
	struct gw_conf_error err;
	uint16_t base = (uint16_t)(24000 + (getpid() % 2000) * 4);

	memset(p, 0, sizeof(*p));
	make_conf(conf_a, sizeof(conf_a), "a", "b", "immediately", "10.1.0.0/16", "10.2.0.0/16");
	make_conf(conf_b, sizeof(conf_b), "b", "a", "on-traffic", "10.2.0.0/16", "10.1.0.0/16");
	/*
	 * the configuration is parsed in a forked child (lib/conf): before any
	 * helper thread exists (under ASan a fork beside them made the parse fail)
	 */
	p->ca = gw_conf_load_string(conf_a, &err);
	p->cb = gw_conf_load_string(conf_b, &err);
	if (p->ca == NULL || p->cb == NULL) {
		fprintf(stderr, "config: %s: %s\n", err.statement, err.reason);
		return -EINVAL;
	}
	p->loop = ctl_loop_create(NULL);
	if (helpers) {
		p->ha = ctl_helper_create(p->loop, NULL);
		p->hb = ctl_helper_create(p->loop, &(struct ctl_helper_params){
			.max_jobs = b_max_jobs });
	}
	if (held != 0) {
		/* the initiator's first job is its key pair, g^ir comes behind blx */
		p->bl1.then = held == 'a' ? &p->blx : &p->bl2;
		p->blx.then = &p->bl2;
		block(held == 'a' ? p->ha : p->hb, &p->bl1);
	}
	mock_install_init(&p->ma);
	mock_install_init(&p->mb);
	p->mb.next_spi = 0x50000;
	p->a = ike_daemon_create(&(struct ike_daemon_params){ .loop = p->loop,
		.install = &p->ma.in, .port = base, .natt_port = base + 1,
		.peer_port = base + 2, .peer_natt_port = base + 3, .helper = p->ha });
	p->b = ike_daemon_create(&(struct ike_daemon_params){ .loop = p->loop,
		.install = &p->mb.in, .port = base + 2, .natt_port = base + 3,
		.peer_port = base, .peer_natt_port = base + 1, .helper = p->hb });
	if (p->a == NULL || p->b == NULL)
		return -errno;
	gw_test_loop_init(&p->run, p->loop, 1, true);
	ike_daemon_configure(p->b, p->cb);
	ike_daemon_configure(p->a, p->ca);
	return 0;
}

static void
pair_stop(struct pair *p)
{
	atomic_store(&p->bl1.release, 1);
	atomic_store(&p->bl2.release, 1);
	atomic_store(&p->bl3.release, 1);
	atomic_store(&p->blx.release, 1);
	gw_test_loop_cancel(&p->run);
	ike_daemon_free(p->a);
	ike_daemon_free(p->b);
	ctl_helper_free(p->ha);
	ctl_helper_free(p->hb);
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

static struct ike_counters
ctr(const struct ike_daemon *d)
{
	struct ike_counters c;

	ike_daemon_counters(d, &c);
	return c;
}

/* The daemon's one SA, or NULL. */
static struct ike_sa *
the_sa(struct ike_daemon *d)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		if (d->sas[i].used)
			return &d->sas[i];
	return NULL;
}

/* ---- the cases ---- */

/* CPU time of this thread (the loop's), in microseconds: scheduling noise does not count. */
static uint64_t
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* One RSA-4096 signature on this thread, CPU microseconds: the least of three. */
static uint64_t
sign_us(void)
{
	static const uint8_t octets[600];
	struct ike_sig_choice ch = { .method = IKE_AUTH_RSA };
	uint8_t sig[IKE_AUTH_SIG_MAX];
	uint64_t best = UINT64_MAX;
	size_t len;

	for (int i = 0; i < 3; i++) {
		uint64_t t0 = cpu_us(), t;

		CHECK_EQ(ike_auth_sign(key_a, &ch, octets, sizeof(octets), sig, sizeof(sig), &len),
			 0);
		t = cpu_us() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/* Establish the pair: the loop thread's CPU time meanwhile, its longest pause. */
static uint64_t
establish(bool helpers, uint64_t *gap)
{
	struct ike_counters ca, cb;
	struct pair p;
	uint64_t t0;

	CHECK_EQ(pair_start(&p, helpers, 0, 0), 0);
	t0 = cpu_us();
	run_until(&p, both_up, 20000);
	t0 = cpu_us() - t0;
	CHECK(both_up(&p));
	ca = ctr(p.a);
	cb = ctr(p.b);
	CHECK_EQ(ca.ike_up, 1);
	CHECK_EQ(cb.ike_up, 1);
	CHECK_EQ(ca.async_signs, 1);
	CHECK_EQ(cb.async_signs, 1);
	CHECK_EQ(ca.async_verifies, 1);
	CHECK_EQ(cb.async_verifies, 1);
	CHECK_EQ(ca.async_inline + cb.async_inline + ca.async_stale + cb.async_stale, 0);
	CHECK_EQ(ca.async_sign_late + cb.async_sign_late, 0);
	CHECK_EQ(ca.auth_failed + cb.auth_failed, 0);
	*gap = p.run.max_gap;
	pair_stop(&p);
	return t0;
}

/*
 * Measured as the loop thread's CPU time (a pause of the loop on the shared
 * machine may be the scheduler's): both signatures on the loop without
 * helpers, none with them. The longest pause of the 2 ms ticker is printed.
 */
static void
test_sign_does_not_stall(void)
{
	uint64_t s = sign_us(), sync_gap, async_gap;
	uint64_t sync_cpu = establish(false, &sync_gap), async_cpu = establish(true, &async_gap);

	printf("RSA-4096 signature %llu us; IKE_SA_INIT + IKE_AUTH by certificate, loop thread "
	       "CPU %llu us (longest pause %llu ms) on the loop thread, %llu us (%llu ms) with "
	       "the helpers\n", (unsigned long long)s, (unsigned long long)sync_cpu,
	       (unsigned long long)sync_gap, (unsigned long long)async_cpu,
	       (unsigned long long)async_gap);
	/* the helpers took both signatures (the rest, both ways: verifying, parsing) */
	CHECK(async_cpu + 3 * s / 2 < sync_cpu);
}

/*
 * The daemon's helper is held by blocker 1 from the start, so its DH waits
 * behind it. Once the DH is queued blocker 1 is released: blocker 2 goes
 * behind the DH, and the signature made with the keys queues behind blocker 2.
 * The initiator's first job is its key pair (IKE_SA_INIT not sent yet): then
 * blocker x goes behind the pair, g^ir queues behind it, and once g^ir is
 * queued blocker x is released, blocker 2 following as above.
 */
static void
hold_signature(struct pair *p, struct ike_daemon *d)
{
	struct ike_sa *sa = the_sa(d);

	if (p->phase == 0 && sa != NULL && sa->computing) {
		CHECK(!sa->initiator || sa->state != IKE_ST_INIT_SENT);
		atomic_store(&p->bl1.release, 1);
		p->phase = sa->initiator ? 5 : 1;
	} else if (p->phase == 5 && sa != NULL && sa->computing &&
		   sa->state == IKE_ST_INIT_SENT) {
		atomic_store(&p->blx.release, 1);
		p->phase = 1;
	}
}

static bool
responder_late(struct pair *p)
{
	hold_signature(p, p->b);
	if (p->phase == 1 && both_up(p)) {
		atomic_store(&p->bl2.release, 1);
		p->phase = 2;
	}
	/* B's held signature comes back after B signed inline: dropped */
	return p->phase == 2 && ctl_helper_outstanding(p->hb) == 0;
}

static void
test_responder_signs_inline_when_late(void)
{
	struct ike_counters cb;
	struct pair p;

	/* two jobs at most: B's check of A's certificate finds the helper full */
	CHECK_EQ(pair_start(&p, true, 'b', 2), 0);
	run_until(&p, responder_late, 20000);
	CHECK_EQ(p.phase, 2);
	CHECK(both_up(&p));
	cb = ctr(p.b);
	printf("responder's signature held: established %s, async_sign_late %llu\n",
	       both_up(&p) ? "yes" : "no", (unsigned long long)cb.async_sign_late);
	CHECK_EQ(cb.ike_up, 1);
	CHECK_EQ(cb.async_sign_late, 1);
	CHECK_EQ(cb.async_inline, 1);	/* the check of A's certificate */
	CHECK_EQ(cb.async_verifies, 1);
	CHECK_EQ(cb.async_stale, 0);
	CHECK(the_sa(p.b) != NULL && !the_sa(p.b)->sig_pending);
	pair_stop(&p);
}

/* A's signature held on its helper; A's SA cleared meanwhile, then released. */
static bool
cleared_while_signing(struct pair *p)
{
	struct ike_sa *sa = the_sa(p->a);

	hold_signature(p, p->a);
	if (p->phase == 1 && sa != NULL && sa->sig_pending) {
		ike_clear_sas(p->a, 0);
		atomic_store(&p->bl2.release, 1);
		p->phase = 2;
	}
	return p->phase == 2 && ctl_helper_outstanding(p->ha) == 0;
}

static void
test_cleared_while_signing(void)
{
	struct ike_counters ca, cb;
	struct pair p;

	CHECK_EQ(pair_start(&p, true, 'a', 0), 0);
	run_until(&p, cleared_while_signing, 20000);
	run_until(&p, both_up, 300);	/* time for a stray IKE_AUTH: none */
	CHECK_EQ(p.phase, 2);
	ca = ctr(p.a);
	cb = ctr(p.b);
	printf("initiator's SA cleared while signing: async_stale %llu\n",
	       (unsigned long long)ca.async_stale);
	CHECK_EQ(ca.async_stale, 1);
	CHECK_EQ(ca.async_signs, 1);
	CHECK_EQ(cb.ike_up, 0);
	CHECK_EQ(ike_sas(&p.ma) + ike_sas(&p.mb), 0);
	pair_stop(&p);
}

/*
 * A's signature held on A's helper (as above) until B's own is back; then B's
 * helper held by blocker 3 and A's released: A's IKE_AUTH comes, B's check of
 * it queues behind blocker 3; B's SA cleared, blocker 3 released.
 */
static bool
cleared_while_verifying(struct pair *p)
{
	struct ike_sa *sa = the_sa(p->a), *sb = the_sa(p->b);

	hold_signature(p, p->a);
	if (p->phase == 1 && sa != NULL && sa->sig_pending && sb != NULL &&
	    sb->auth_sig_len != 0) {
		block(p->hb, &p->bl3);
		atomic_store(&p->bl2.release, 1);
		p->phase = 2;
	} else if (p->phase == 2 && sb != NULL && sb->computing) {
		ike_clear_sas(p->b, 0);
		atomic_store(&p->bl3.release, 1);
		p->phase = 3;
	}
	return p->phase == 3 && ctl_helper_outstanding(p->hb) == 0;
}

static void
test_cleared_while_verifying(void)
{
	struct ike_counters cb;
	struct pair p;

	CHECK_EQ(pair_start(&p, true, 'a', 0), 0);
	run_until(&p, cleared_while_verifying, 20000);
	CHECK_EQ(p.phase, 3);
	cb = ctr(p.b);
	printf("responder's SA cleared while checking the initiator: async_stale %llu\n",
	       (unsigned long long)cb.async_stale);
	CHECK_EQ(cb.async_verifies, 1);
	CHECK_EQ(cb.async_stale, 1);
	CHECK_EQ(cb.ike_up, 0);
	CHECK_EQ(cb.auth_failed, 0);
	CHECK_EQ(ike_sas(&p.mb), 0);
	pair_stop(&p);
}

int
main(void)
{
	make_certs();
	GW_RUN(test_sign_does_not_stall);
	GW_RUN(test_responder_signs_inline_when_late);
	GW_RUN(test_cleared_while_signing);
	GW_RUN(test_cleared_while_verifying);
	remove_certs();
	return gw_test_result();
}
