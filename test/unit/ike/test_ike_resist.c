/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IKE_SA_INIT responder under load and abuse (lib/ike/ike_resist.c,
 * ike_async.c): one daemon on its own loop thread, a test client on
 * 127.0.0.x sending IKE_SA_INIT requests built with the codec.
 * - no amplification: every answer to an unauthenticated request (the full
 *   IKE_SA_INIT response, COOKIE, NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD,
 *   INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD) is at most the request + 40
 *   octets;
 * - the half-open caps, per peer address and in total, refuse and count;
 * - a cookie of the previous secret is accepted after one rotation, not after
 *   two (RFC 7296 2.6);
 * - 100 IKE_SA_INIT with MODP-2048 do not stall the loop with the helper
 *   thread (its 2 ms timer keeps firing), all answered;
 * - SAs cleared while their keys are computed: the results are wiped and
 *   counted (async_stale), nothing answered for them; the daemon freed while
 *   the helper holds its jobs: they come back to nobody and are freed.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "gw_test.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_ike.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "ike_sa.h"
#include "mock_install.h"

#define AMPLIFY_BOUND 40

static const char conf_text[] =
	"interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { "
	"name = \"0\"; family = { inet = { address = [ \"10.1.0.1/16\" ]; }; }; } ); } );\n"
	"security = { ike = {\n"
	" proposal = ( { name = \"p\"; encryption-algorithm = \"aes-128-gcm\";\n"
	"  dh-group = \"group14\"; } );\n"
	" policy = ( { name = \"pol\"; proposals = [ \"p\" ]; "
	"pre-shared-key = { ascii-text = \"resist-test-key-0123456789\"; }; } );\n"
	" gateway = ( { name = \"g1\"; ike-policy = \"pol\"; address = \"127.0.0.1\"; "
	"local-address = \"127.0.0.1\"; },\n"
	"  { name = \"g2\"; ike-policy = \"pol\"; address = \"127.0.0.2\"; "
	"local-address = \"127.0.0.1\"; },\n"
	"  { name = \"g3\"; ike-policy = \"pol\"; address = \"127.0.0.3\"; "
	"local-address = \"127.0.0.1\"; },\n"
	"  { name = \"g6\"; ike-policy = \"pol\"; address = \"::1\"; "
	"local-address = \"::1\"; } ); }; };\n";

struct bed {
	struct ctl_loop *loop;
	struct ctl_helper *helper;
	struct mock_install mi;
	struct ike_daemon *d;
	struct gw_config *conf;
	pthread_t thread;
	uint16_t port;
	/* the loop's 2 ms ticker: the longest gap between two ticks */
	struct ctl_timer tick;
	uint64_t last_tick, max_gap;
	bool measuring;
};

static void
tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct bed *b = arg;
	uint64_t now = ctl_now_ms();

	if (b->measuring && b->last_tick != 0 && now - b->last_tick > b->max_gap)
		b->max_gap = now - b->last_tick;
	b->last_tick = now;
	ctl_timer_arm(l, t, 2);
}

static void *
loop_thread(void *arg)
{
	struct bed *b = arg;

	ctl_loop_run(b->loop);
	return NULL;
}

static int
bed_start(struct bed *b, bool helper, const struct ike_daemon_params *extra)
{
	struct ike_daemon_params p = *extra;
	struct gw_conf_error err;

	memset(b, 0, sizeof(*b));
	b->port = (uint16_t)(30000 + (getpid() % 1000) * 8);
	b->loop = ctl_loop_create(NULL);
	if (helper)
		b->helper = ctl_helper_create(b->loop, NULL);
	mock_install_init(&b->mi);
	b->conf = gw_conf_load_string(conf_text, &err);
	if (b->conf == NULL) {
		fprintf(stderr, "config: %s: %s\n", err.statement, err.reason);
		return -EINVAL;
	}
	p.loop = b->loop;
	p.install = &b->mi.in;
	p.port = b->port;
	p.natt_port = b->port + 1;
	p.helper = b->helper;
	b->d = ike_daemon_create(&p);
	if (b->d == NULL)
		return -errno;
	ike_daemon_configure(b->d, b->conf);
	ctl_timer_init(&b->tick, tick, b);
	ctl_timer_arm(b->loop, &b->tick, 2);
	return pthread_create(&b->thread, NULL, loop_thread, b) == 0 ? 0 : -EAGAIN;
}

static void
bed_stop(struct bed *b)
{
	ctl_loop_stop(b->loop);
	pthread_join(b->thread, NULL);
	ctl_timer_cancel(b->loop, &b->tick);
	ike_daemon_free(b->d);
	ctl_helper_free(b->helper);
	ctl_loop_free(b->loop);
	gw_conf_free(b->conf);
}

/* Run fn(d) on the loop thread and wait for it. */
struct on_loop {
	void (*fn)(struct ike_daemon *d);
	struct ike_daemon *d;
	volatile int done;
};

static void
on_loop_fn(struct ctl_loop *l, void *arg, const void *data, size_t len)
{
	struct on_loop *o = arg;

	(void)l;
	(void)data;
	(void)len;
	o->fn(o->d);
	__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
}

static void
run_on_loop(struct bed *b, void (*fn)(struct ike_daemon *d))
{
	struct on_loop o = { .fn = fn, .d = b->d };

	while (ctl_post(b->loop, on_loop_fn, &o, NULL, 0) != 0)
		usleep(1000);
	while (!__atomic_load_n(&o.done, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static struct ike_counters
counters(struct bed *b)
{
	struct ike_counters c;

	ike_daemon_counters(b->d, &c);	/* racy by a message at most: tests wait first */
	return c;
}

/* A UDP socket on addr (127.0.0.x or ::1), or -1. */
static int
client(const char *addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	bool v6 = strchr(addr, ':') != NULL;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, addr, &a.sin_addr);
	inet_pton(AF_INET6, addr, &a6.sin6_addr);
	if (fd >= 0 && bind(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a,
			    v6 ? sizeof(a6) : sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct req {
	uint64_t spi;
	uint8_t ni[32];
	uint16_t group;			/* of the KE */
	uint16_t encr;			/* offered cipher */
	const uint8_t *cookie;
	uint32_t cookie_len;
};

/* An IKE_SA_INIT request of `r` into buf; its length. */
static uint32_t
build_init(const struct req *r, uint8_t *buf, uint32_t cap)
{
	struct ike_hdr hdr = { .spi_i = r->spi, .exch = IKE_EXCH_SA_INIT,
			       .flags = IKE_FLAG_INITIATOR };
	struct ike_prop_out prop = { .num = 1, .proto = IKE_PROTO_IKE, .nxf = 3, .xf = {
		{ IKE_XF_ENCR, r->encr, 128 }, { IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
		{ IKE_XF_DH, IKE_DH_MODP2048, 0 } } };
	uint8_t pub[IKE_MAX_DH_PUB], h[20] = { 0 };
	struct ike_dh *dh = ike_dh_new(r->group);
	struct ike_bld b;
	size_t plen = 0;
	uint32_t len = 0;

	if (dh == NULL || ike_dh_pub(dh, pub, sizeof(pub), &plen) != 0)
		plen = 0;
	ike_dh_free(dh);
	ike_bld_init(&b, buf, cap, &hdr);
	if (r->cookie != NULL)
		ike_bld_notify(&b, 0, NULL, 0, IKE_N_COOKIE, r->cookie, r->cookie_len);
	ike_bld_sa(&b, &prop, 1);
	ike_bld_ke(&b, r->group, pub, (uint32_t)plen);
	ike_bld_payload(&b, IKE_PL_NONCE, r->ni, sizeof(r->ni));
	ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, 20);
	ike_bld_notify(&b, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h, 20);
	return ike_bld_finish(&b, &len) == 0 ? len : 0;
}

static void
new_req(struct req *r)
{
	memset(r, 0, sizeof(*r));
	ike_random(&r->spi, sizeof(r->spi));
	ike_random(r->ni, sizeof(r->ni));
	r->group = IKE_DH_MODP2048;
	r->encr = IKE_ENCR_AES_GCM_16;
}

static void
send_to(struct bed *b, int fd, const uint8_t *msg, uint32_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(b->port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 to6 = { .sin6_family = AF_INET6, .sin6_port = htons(b->port),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_storage me;
	socklen_t mlen = sizeof(me);
	bool v6 = getsockname(fd, (struct sockaddr *)&me, &mlen) == 0 && me.ss_family == AF_INET6;

	/* to the daemon on the client's loopback: 127.0.0.1 or ::1 */
	CHECK(sendto(fd, msg, len, 0, v6 ? (struct sockaddr *)&to6 : (struct sockaddr *)&to,
		     v6 ? sizeof(to6) : sizeof(to)) == (ssize_t)len);
}

/* One datagram within ms, or -1. */
static int
recv_within(int fd, uint8_t *buf, size_t cap, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return (int)recv(fd, buf, cap, 0);
}

static struct ike_msg msg;		/* large: off the stack */

/* Send, wait for the answer; its length (-1: none), the answer parsed into msg. */
static int
exchange(struct bed *b, int fd, const uint8_t *req, uint32_t len, uint8_t *resp, int ms)
{
	struct ike_perr err;
	int n;

	send_to(b, fd, req, len);
	n = recv_within(fd, resp, IKE_MAX_MSG, ms);
	if (n > 0) {
		CHECK(ike_msg_parse(resp, (size_t)n, &msg, &err) == 0);
		/* no amplification (RFC 7296 2.6, 2.21.1) */
		if (n > (int)len + AMPLIFY_BOUND)
			fprintf(stderr, "answer %d octets to a request of %u\n", n, len);
		CHECK(n <= (int)len + AMPLIFY_BOUND);
	}
	return n;
}

static void
test_no_amplification(void)
{
	struct bed b;
	uint8_t req[IKE_MAX_MSG], resp[IKE_MAX_MSG];
	struct req r;
	uint32_t len;
	int fd = client("127.0.0.1");

	CHECK(fd >= 0);
	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookie_threshold = 2 }), 0);
	/* a good request: the full response (SA, KE, Nr, NAT detection) */
	new_req(&r);
	len = build_init(&r, req, sizeof(req));
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK(ike_msg_find(&msg, IKE_PL_KE) != NULL);
	/* a retransmission: the same answer */
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK_EQ(counters(&b).rx_dup_requests, 1);
	/* a cipher we do not take: NO_PROPOSAL_CHOSEN */
	new_req(&r);
	r.encr = IKE_ENCR_AES_GCM_8;
	len = build_init(&r, req, sizeof(req));
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK(ike_msg_notify(&msg, IKE_N_NO_PROPOSAL_CHOSEN) != NULL);
	/* a KE of another group: INVALID_KE_PAYLOAD */
	new_req(&r);
	r.group = IKE_DH_ECP256;
	len = build_init(&r, req, sizeof(req));
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK(ike_msg_notify(&msg, IKE_N_INVALID_KE_PAYLOAD) != NULL);
	/* a bad payload length: INVALID_SYNTAX */
	new_req(&r);
	len = build_init(&r, req, sizeof(req));
	ike_put16(req + 28 + 2, 3);		/* the SA payload's length */
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK(ike_msg_notify(&msg, IKE_N_INVALID_SYNTAX) != NULL);
	CHECK_EQ(counters(&b).drop_parse, 1);
	/* an unknown critical payload: UNSUPPORTED_CRITICAL_PAYLOAD with its type */
	new_req(&r);
	len = build_init(&r, req, sizeof(req));
	req[16] = 200;				/* first payload type: unknown */
	req[28 + 1] |= 0x80;			/* its critical bit */
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK(ike_msg_notify(&msg, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD) != NULL);
	CHECK_EQ(counters(&b).drop_critical, 1);
	/* two half-open SAs: cookies from now on (the answer is a COOKIE, no state) */
	new_req(&r);
	len = build_init(&r, req, sizeof(req));
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	new_req(&r);
	len = build_init(&r, req, sizeof(req));
	CHECK(exchange(&b, fd, req, len, resp, 2000) > 0);
	CHECK(ike_msg_notify(&msg, IKE_N_COOKIE) != NULL);
	bed_stop(&b);
	close(fd);
}

static void
test_half_open_caps(void)
{
	struct bed b;
	uint8_t req[IKE_MAX_MSG], resp[IKE_MAX_MSG];
	int fd1 = client("127.0.0.1"), fd2 = client("127.0.0.2"), fd3 = client("127.0.0.3");
	struct req r;
	uint32_t len;
	int answered = 0;

	CHECK(fd1 >= 0 && fd2 >= 0 && fd3 >= 0);
	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookie_threshold = 100,
		 .half_open_max = 6, .half_open_peer_max = 4 }), 0);
	/* 127.0.0.1: four half-open SAs, the fifth refused (per peer) */
	for (int i = 0; i < 5; i++) {
		new_req(&r);
		len = build_init(&r, req, sizeof(req));
		answered += exchange(&b, fd1, req, len, resp, i < 4 ? 2000 : 300) > 0;
	}
	CHECK_EQ(answered, 4);
	CHECK_EQ(counters(&b).half_open_peer_cap, 1);
	/* 127.0.0.2: two more, then the total cap (6) */
	answered = 0;
	for (int i = 0; i < 3; i++) {
		new_req(&r);
		len = build_init(&r, req, sizeof(req));
		answered += exchange(&b, fd2, req, len, resp, i < 2 ? 2000 : 300) > 0;
	}
	CHECK_EQ(answered, 2);
	CHECK_EQ(counters(&b).half_open_cap, 1);
	/* 127.0.0.3, never seen: the total cap holds too */
	new_req(&r);
	len = build_init(&r, req, sizeof(req));
	CHECK(exchange(&b, fd3, req, len, resp, 300) < 0);
	CHECK_EQ(counters(&b).half_open_cap, 2);
	bed_stop(&b);
	close(fd1);
	close(fd2);
	close(fd3);
}

/* What the daemon's rotation timer does (every 5 minutes), now. */
static void
rotate(struct ike_daemon *d)
{
	ike_cookie_rotate(d);
}

/* Ask for a cookie for r (cookies always): it goes into store. */
static void
get_cookie(struct bed *b, int fd, struct req *r, uint8_t store[64], uint32_t *slen)
{
	uint8_t req[IKE_MAX_MSG], resp[IKE_MAX_MSG];
	uint32_t len = build_init(r, req, sizeof(req));
	const struct ike_pl *c;

	*slen = 0;
	CHECK(exchange(b, fd, req, len, resp, 2000) > 0);
	c = ike_msg_notify(&msg, IKE_N_COOKIE);
	CHECK(c != NULL);
	if (c != NULL && c->u.notify.data.len <= 64) {
		memcpy(store, c->u.notify.data.p, c->u.notify.data.len);
		*slen = c->u.notify.data.len;
	}
	r->cookie = store;
	r->cookie_len = *slen;
}

/* With r's cookie: the full answer (a KE) or another COOKIE? */
static bool
accepted(struct bed *b, int fd, const struct req *r)
{
	uint8_t req[IKE_MAX_MSG], resp[IKE_MAX_MSG];
	uint32_t len = build_init(r, req, sizeof(req));

	return exchange(b, fd, req, len, resp, 2000) > 0 && ike_msg_find(&msg, IKE_PL_KE) != NULL;
}

static void
test_cookie_rotation(void)
{
	struct bed b;
	uint8_t c1[64], c2[64], c3[64];
	uint32_t l1, l2, l3;
	struct req r1, r2, r3;
	int fd = client("127.0.0.1");

	CHECK(fd >= 0);
	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookies_always = true,
		 .half_open_peer_max = 50 }), 0);
	new_req(&r1);
	new_req(&r2);
	new_req(&r3);
	get_cookie(&b, fd, &r1, c1, &l1);
	CHECK_EQ(l1, 33);
	run_on_loop(&b, rotate);
	get_cookie(&b, fd, &r2, c2, &l2);
	CHECK(c1[0] != c2[0]);			/* the secret's version octet */
	CHECK(accepted(&b, fd, &r1));		/* the previous secret: still good */
	run_on_loop(&b, rotate);
	CHECK(accepted(&b, fd, &r2));		/* previous again */
	get_cookie(&b, fd, &r3, c3, &l3);
	run_on_loop(&b, rotate);
	run_on_loop(&b, rotate);
	CHECK(!accepted(&b, fd, &r3));		/* two rotations old: a new COOKIE */
	CHECK(ike_msg_notify(&msg, IKE_N_COOKIE) != NULL);
	CHECK_EQ(counters(&b).cookie_bad, 1);
	CHECK_EQ(counters(&b).cookie_rotations, 4);
	bed_stop(&b);
	close(fd);
}

/*
 * 100 IKE_SA_INIT with MODP-2048 sent at once; all answered. Returns the
 * longest pause of the loop's 2 ms ticker meanwhile.
 */
static uint64_t
burst(bool helper, unsigned int *answered)
{
	static uint8_t reqs[100][1024];
	static uint32_t lens[100];
	uint8_t resp[IKE_MAX_MSG];
	struct bed b;
	struct req r;
	int fd = client("127.0.0.1");
	uint64_t gap;

	for (int i = 0; i < 100; i++) {
		new_req(&r);
		lens[i] = build_init(&r, reqs[i], sizeof(reqs[i]));
	}
	CHECK_EQ(bed_start(&b, helper, &(struct ike_daemon_params){ .cookie_threshold = 200,
		 .half_open_max = 200, .half_open_peer_max = 200 }), 0);
	usleep(50000);
	b.measuring = true;
	for (int i = 0; i < 100; i++)
		send_to(&b, fd, reqs[i], lens[i]);
	*answered = 0;
	while (*answered < 100 && recv_within(fd, resp, sizeof(resp), 5000) > 0)
		(*answered)++;
	usleep(20000);
	gap = b.max_gap;
	bed_stop(&b);
	close(fd);
	return gap;
}

static void
test_burst_does_not_stall(void)
{
	unsigned int n_sync, n_async;
	uint64_t sync_gap = burst(false, &n_sync), async_gap = burst(true, &n_async);

	printf("100 IKE_SA_INIT MODP-2048: longest loop pause %llu ms on the loop thread, "
	       "%llu ms with the helper\n", (unsigned long long)sync_gap,
	       (unsigned long long)async_gap);
	CHECK_EQ(n_sync, 100);
	CHECK_EQ(n_async, 100);
	/* the loop keeps ticking: a pause of a few ms, not the whole computation */
	CHECK(async_gap < 100);
	CHECK(async_gap * 3 < sync_gap);
}

static void
clear_all(struct ike_daemon *d)
{
	ike_clear_sas(d, 0);
}

static void
test_deleted_meanwhile(void)
{
	uint8_t req[IKE_MAX_MSG], resp[IKE_MAX_MSG];
	struct ike_counters c;
	struct bed b;
	struct req r;
	int fd = client("127.0.0.1"), late = 0;

	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookie_threshold = 200,
		 .half_open_max = 200, .half_open_peer_max = 200 }), 0);
	for (int i = 0; i < 30; i++) {
		uint32_t len;

		new_req(&r);
		len = build_init(&r, req, sizeof(req));
		send_to(&b, fd, req, len);
	}
	/* the SAs go while the helper works through their keys */
	usleep(5000);
	run_on_loop(&b, clear_all);
	while (recv_within(fd, resp, sizeof(resp), 1000) > 0)
		late++;
	c = counters(&b);
	printf("30 IKE_SA_INIT, cleared during the key work: %d answered before, "
	       "%llu results wiped\n", late, (unsigned long long)c.async_stale);
	CHECK(c.async_stale > 0);
	CHECK_EQ(c.async_stale + (uint64_t)late, 30);
	CHECK_EQ(c.async_jobs, 30);
	bed_stop(&b);
	close(fd);
}

/* The daemon freed while the helper still has its jobs: they come back to nobody, freed. */
static void
test_daemon_freed_first(void)
{
	uint8_t req[IKE_MAX_MSG];
	struct bed b;
	struct req r;
	int fd = client("127.0.0.1");

	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookie_threshold = 200,
		 .half_open_max = 200, .half_open_peer_max = 200 }), 0);
	for (int i = 0; i < 20; i++) {
		uint32_t len;

		new_req(&r);
		len = build_init(&r, req, sizeof(req));
		send_to(&b, fd, req, len);
	}
	usleep(5000);
	bed_stop(&b);		/* daemon first, then the helper: ASan checks the rest */
	close(fd);
}

/*
 * IKE over IPv6 (lib/ike/ike_addr.c): the per-peer cap counts by the IPv6
 * address (::1 has its own four beside 127.0.0.1's), and the cookie covers
 * the initiator's IPv6 address (RFC 7296 2.6): ::1's cookie is no good from
 * 127.0.0.1, and good from ::1.
 */
static void
test_ipv6_peer(void)
{
	struct bed b;
	uint8_t req[IKE_MAX_MSG], resp[IKE_MAX_MSG], c[64];
	int fd4 = client("127.0.0.1"), fd6 = client("::1");
	struct req r;
	uint32_t len, clen;
	int answered = 0;

	CHECK(fd4 >= 0);
	if (fd6 < 0) {
		fprintf(stderr, "test_ipv6_peer: no IPv6 loopback here, skipped\n");
		close(fd4);
		return;
	}
	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookie_threshold = 100,
		 .half_open_max = 20, .half_open_peer_max = 4 }), 0);
	for (int i = 0; i < 9; i++) {
		new_req(&r);
		len = build_init(&r, req, sizeof(req));
		answered += exchange(&b, i < 4 ? fd4 : fd6, req, len, resp,
				     i < 8 ? 2000 : 300) > 0;
	}
	CHECK_EQ(answered, 8);
	CHECK_EQ(counters(&b).half_open_peer_cap, 1);
	CHECK_EQ(counters(&b).half_open_cap + counters(&b).drop_no_gateway, 0);
	bed_stop(&b);
	CHECK_EQ(bed_start(&b, true, &(struct ike_daemon_params){ .cookies_always = true,
		 .half_open_peer_max = 50 }), 0);
	new_req(&r);
	get_cookie(&b, fd6, &r, c, &clen);
	CHECK_EQ(clen, 33);
	CHECK(!accepted(&b, fd4, &r));		/* another address: a new COOKIE */
	CHECK(ike_msg_notify(&msg, IKE_N_COOKIE) != NULL);
	CHECK(accepted(&b, fd6, &r));
	CHECK_EQ(counters(&b).cookie_bad, 1);
	bed_stop(&b);
	close(fd4);
	close(fd6);
}

int
main(void)
{
	GW_RUN(test_no_amplification);
	GW_RUN(test_half_open_caps);
	GW_RUN(test_cookie_rotation);
	GW_RUN(test_burst_does_not_stall);
	GW_RUN(test_deleted_meanwhile);
	GW_RUN(test_daemon_freed_first);
	GW_RUN(test_ipv6_peer);
	return gw_test_result();
}
