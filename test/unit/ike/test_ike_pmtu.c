/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IKE fragmentation's PMTU discovery (RFC 7383 2.5.2, lib/ike/ike_frag_pmtu.c).
 * Two daemons on one control loop over 127.0.0.1 (as test_ike_pair.c), each
 * authenticated by an RSA-3072 certificate (made here with the openssl
 * command), with a relay of the test between them standing for a hop of
 * small MTU that sends no ICMP: it drops every datagram whose IP packet
 * would exceed 700 octets in the direction the case says.
 * - A -> B dropped, A with `fragmentation size 1300`: A's IKE_AUTH request
 *   goes out in fragments of 1300, then 1280, then 576 octets (two shrinks,
 *   counted), the SA comes up;
 * - B -> A dropped, B with size 1300: B's IKE_AUTH response, asked for again
 *   by A's retransmissions, shrinks likewise;
 * - nothing dropped: no shrink (loopback's MTU does not cap 1300);
 * - the size steps and the kernel's MTU towards 127.0.0.1 (loopback's).
 * Without the discovery the large fragments never pass and no SA comes up.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "gw_test.h"
#include "ike_cert_conf.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_ike.h"
#include "ike_sa.h"
#include "mock_install.h"

#define HOP_MTU 700		/* the relay drops larger IP packets */
#define IP_UDP_LEN 28

static char dir[] = "/tmp/ike_pmtu_XXXXXX";

/* ---- certificates, by the openssl command ---- */

static int
run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void
make_certs(void)
{
	FILE *f;
	char path[256];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/x509.cnf", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fprintf(f, "[req]\ndistinguished_name = dn\n[dn]\n"
		"[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n"
		"[a]\nsubjectAltName = DNS:a.test\n[b]\nsubjectAltName = DNS:b.test\n");
	fclose(f);
	CHECK_EQ(run("cd %s && openssl req -x509 -config x509.cnf -extensions ca -newkey ec "
		     "-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem "
		     "-subj /CN=pmtu-ca -days 1 2>/dev/null", dir), 0);
	for (const char *const *w = (const char *const[]){ "a", "b", NULL }; *w != NULL; w++)
		CHECK_EQ(run("cd %s && openssl req -x509 -config x509.cnf -extensions %s "
			     "-newkey rsa:3072 -nodes -keyout %s.key -out %s.pem -subj /CN=%s.test "
			     "-CA ca.pem -CAkey ca.key -days 1 2>/dev/null", dir, *w, *w, *w,
			     *w), 0);
}

static void
remove_certs(void)
{
	CHECK_EQ(run("rm -rf %s", dir), 0);
}

/* ---- the pair and the relay ---- */

static void
make_conf(char *buf, size_t len, const char *me, const char *peer, const char *est,
	  const char *lnet, const char *rnet, unsigned int frag_size)
{
	char frag[64] = "";

	if (frag_size != 0)
		snprintf(frag, sizeof(frag), " fragmentation = { size = %u; };", frag_size);
	ike_cert_conf(buf, len, dir, me, peer, est, lnet, rnet, frag);
}

/* Which way the relay drops what exceeds HOP_MTU. */
enum hole { HOLE_NONE, HOLE_A_TO_B, HOLE_B_TO_A };

struct relay {
	int fd;
	struct ctl_fd *h;
	uint16_t a_port, b_port;	/* the daemons' ports it stands between */
	enum hole hole;
	unsigned int dropped, passed;
};

struct pair {
	struct ctl_loop *loop;
	struct mock_install ma, mb;
	struct ike_daemon *a, *b;
	struct gw_config *ca, *cb;
	struct relay r[2];		/* IKE port, NAT-T port */
	struct ctl_timer tick;
	uint64_t deadline;
};

static void
relay_rx(struct ctl_loop *l, int fd, uint32_t events, void *arg)
{
	struct relay *r = arg;
	struct sockaddr_in from, to = { .sin_family = AF_INET };
	socklen_t flen = sizeof(from);
	uint8_t buf[IKE_MAX_MSG + 4];
	ssize_t n;
	bool from_a;

	(void)l;
	(void)events;
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	from_a = ntohs(from.sin_port) == r->a_port;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(from_a ? r->b_port : r->a_port);
	if ((size_t)n + IP_UDP_LEN > HOP_MTU &&
	    r->hole == (from_a ? HOLE_A_TO_B : HOLE_B_TO_A)) {
		r->dropped++;
		return;
	}
	r->passed++;
	CHECK_EQ(sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)), n);
}

static int
relay_open(struct pair *p, struct relay *r, uint16_t port, uint16_t a_port, uint16_t b_port,
	   enum hole hole)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r->a_port = a_port;
	r->b_port = b_port;
	r->hole = hole;
	r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return -errno;
	r->h = ctl_fd_add(p->loop, r->fd, EPOLLIN, relay_rx, r);
	return r->h != NULL ? 0 : -errno;
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

static void
tick(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct pair *p = arg;

	if (both_up(p) || ctl_now_ms() > p->deadline) {
		ctl_loop_stop(l);
		return;
	}
	ctl_timer_arm(l, t, 20);
}

/*
 * A initiates, B answers, the relay in between on ports r, r + 1 (the
 * daemons see NAT: the relay's ports are not theirs, so IKE_AUTH goes on the
 * NAT-T ports, with the non-ESP marker). The loop runs until both are up or
 * ms passed.
 */
static int
pair_run(struct pair *p, enum hole hole, unsigned int a_size, unsigned int b_size, uint64_t ms)
{
	static char conf_a[4096], conf_b[4096];
	uint16_t base = (uint16_t)(26000 + (getpid() % 1000) * 6), r = base + 4;
	struct gw_conf_error err;

	memset(p, 0, sizeof(*p));
	p->r[0].fd = p->r[1].fd = -1;
	make_conf(conf_a, sizeof(conf_a), "a", "b", "immediately", "10.1.0.0/16", "10.2.0.0/16",
		  a_size);
	make_conf(conf_b, sizeof(conf_b), "b", "a", "responder-only", "10.2.0.0/16",
		  "10.1.0.0/16", b_size);
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
	if (relay_open(p, &p->r[0], r, base, base + 2, hole) != 0 ||
	    relay_open(p, &p->r[1], r + 1, base + 1, base + 3, hole) != 0)
		return -EADDRINUSE;
	p->a = ike_daemon_create(&(struct ike_daemon_params){ .loop = p->loop,
		.install = &p->ma.in, .port = base, .natt_port = base + 1,
		.peer_port = r, .peer_natt_port = r + 1 });
	p->b = ike_daemon_create(&(struct ike_daemon_params){ .loop = p->loop,
		.install = &p->mb.in, .port = base + 2, .natt_port = base + 3,
		.peer_port = r, .peer_natt_port = r + 1 });
	if (p->a == NULL || p->b == NULL)
		return -errno;
	ike_daemon_configure(p->b, p->cb);
	ike_daemon_configure(p->a, p->ca);
	ctl_timer_init(&p->tick, tick, p);
	p->deadline = ctl_now_ms() + ms;
	ctl_timer_arm(p->loop, &p->tick, 20);
	ctl_loop_run(p->loop);
	return 0;
}

static void
pair_stop(struct pair *p)
{
	ctl_timer_cancel(p->loop, &p->tick);
	ike_daemon_free(p->a);
	ike_daemon_free(p->b);
	for (unsigned int i = 0; i < 2; i++) {
		if (p->r[i].h != NULL)
			ctl_fd_del(p->loop, p->r[i].h);
		if (p->r[i].fd >= 0)
			close(p->r[i].fd);
	}
	ctl_loop_free(p->loop);
	gw_conf_free(p->ca);
	gw_conf_free(p->cb);
}

static struct ike_counters
ctr(const struct ike_daemon *d)
{
	struct ike_counters c;

	ike_daemon_counters(d, &c);
	return c;
}

/* ---- the cases ---- */

/*
 * Through a hole one way, the side sending that way with size 1300: its
 * IKE_AUTH message (A's request, or B's response that A's retransmissions
 * ask for again) goes out in 1300, then 1280, then 576-octet fragments.
 */
static void
hole_case(enum hole hole)
{
	bool a_to_b = hole == HOLE_A_TO_B;
	struct ike_counters ca, cb, *sender, *other;
	struct pair p;

	CHECK_EQ(pair_run(&p, hole, a_to_b ? 1300 : 0, a_to_b ? 0 : 1300, 20000), 0);
	ca = ctr(p.a);
	cb = ctr(p.b);
	sender = a_to_b ? &ca : &cb;
	other = a_to_b ? &cb : &ca;
	printf("hole %s: up %s, dropped %u, shrinks %llu, A retransmits %llu\n",
	       a_to_b ? "A->B" : "B->A", both_up(&p) ? "yes" : "no",
	       p.r[0].dropped + p.r[1].dropped, (unsigned long long)sender->frag_pmtu_shrinks,
	       (unsigned long long)ca.retransmits);
	CHECK(both_up(&p));
	CHECK(p.r[0].dropped + p.r[1].dropped >= 2);
	CHECK_EQ(sender->frag_pmtu_shrinks, 2);
	CHECK_EQ(other->frag_pmtu_shrinks, 0);
	CHECK(other->frag_reassembled >= 1);
	CHECK_EQ(other->frag_drop_icv + other->frag_drop_num + other->frag_drop_mismatch, 0);
	pair_stop(&p);
}

static void
test_initiator_shrinks(void)
{
	hole_case(HOLE_A_TO_B);
}

static void
test_responder_shrinks(void)
{
	hole_case(HOLE_B_TO_A);
}

/* No hole: 1300-octet fragments pass, nothing shrinks. */
static void
test_no_hole(void)
{
	struct ike_counters ca, cb;
	struct pair p;

	CHECK_EQ(pair_run(&p, HOLE_NONE, 1300, 1300, 20000), 0);
	ca = ctr(p.a);
	cb = ctr(p.b);
	CHECK(both_up(&p));
	/* a retransmission (a loaded machine) would rightly shrink */
	if (ca.retransmits == 0)
		CHECK_EQ(ca.frag_pmtu_shrinks + cb.frag_pmtu_shrinks, 0);
	CHECK(ca.frag_tx >= 2 && cb.frag_tx >= 2);
	pair_stop(&p);
}

/* The steps (never below RFC 7383 2.5.1's 576 / 1280) and the kernel's MTU. */
static void
test_steps(void)
{
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = htons(500) };
	uint32_t mtu;

	CHECK_EQ(ike_pmtu_next(1500, false), 1280);
	CHECK_EQ(ike_pmtu_next(1300, false), 1280);
	CHECK_EQ(ike_pmtu_next(1280, false), 576);
	CHECK_EQ(ike_pmtu_next(1000, false), 576);
	CHECK_EQ(ike_pmtu_next(576, false), 0);
	CHECK_EQ(ike_pmtu_next(500, false), 0);
	CHECK_EQ(ike_pmtu_next(1300, true), 1280);
	CHECK_EQ(ike_pmtu_next(1280, true), 0);
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	mtu = ike_pmtu_path((const struct sockaddr *)&lo);
	printf("kernel MTU towards 127.0.0.1: %u\n", mtu);
	CHECK(mtu >= 1500);
}

int
main(void)
{
	make_certs();
	GW_RUN(test_steps);
	GW_RUN(test_initiator_shrinks);
	GW_RUN(test_responder_shrinks);
	GW_RUN(test_no_hole);
	remove_certs();
	return gw_test_result();
}
