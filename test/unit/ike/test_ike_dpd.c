/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Dead peer detection modes (lib/ike/ike_dpd.c) between two IKEv2 daemons in
 * one process (loopback UDP, the recording install mock of test/unit/sa, no
 * DPDK). Deterministic part (interval 60 s: the daemon's own timer never
 * fires): an interval is opened (ike_dpd_sample), the test moves the packet
 * counters of A's CHILD_SA in the mock or has B send an IKE request, then
 * runs A's DPD tick (ike_dpd_tick) and checks whether a probe went out:
 *
 *   traffic in the interval        optimized  probe-idle-tunnel  always-send
 *   nothing                        no         probe              probe
 *   outbound ESP only              probe      probe              probe
 *   inbound ESP only               no         no                 probe
 *   both ways                      no         no                 probe
 *   an IKE request from the peer   no         no                 probe
 *
 * The show detail names the mode. Timed part (interval 2 s, threshold 2): B
 * forgets its SA (a dead peer: no delete, no answer); with outbound ESP rising (optimized)
 * or nothing flowing (probe-idle-tunnel), A probes once, resends once, and
 * declares the peer dead after two unanswered probes: its SAs are removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_test.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_ike.h"
#include "ike_sa.h"
#include "mock_install.h"

static const char conf_fmt[] =
	"interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { "
	"name = \"0\"; family = { inet = { address = [ \"10.1.0.1/16\" ]; }; }; } ); } );\n"
	"security = { ike = {\n"
	" proposal = ( { name = \"p\"; encryption-algorithm = \"aes-128-gcm\"; "
	"dh-group = \"group19\"; } );\n"
	" policy = ( { name = \"pol\"; proposals = [ \"p\" ]; "
	"pre-shared-key = { ascii-text = \"dpd-key\"; }; } );\n"
	" gateway = ( { name = \"g\"; ike-policy = \"pol\"; address = \"127.0.0.1\"; "
	"local-address = \"127.0.0.1\"; dead-peer-detection = { mode = \"%s\"; "
	"interval = %u; threshold = 2; }; } ); };\n"
	" ipsec = { proposal = ( { name = \"e\"; encryption-algorithm = \"aes-256-gcm\"; } );\n"
	" ipsec-policy = ( { name = \"ep\"; proposals = [ \"e\" ]; } );\n"
	" vpn = ( { name = \"v\"; ike = { gateway = \"g\"; ipsec-policy = \"ep\"; }; "
	"bind-interface = \"ge-0/0/0\"; establish-tunnels = \"%s\"; "
	"traffic-selector = ( { name = \"t\"; local-ip = \"%s\"; remote-ip = \"%s\"; } ); "
	"} ); }; };\n";

enum { DPD_OPTIMIZED, DPD_PROBE_IDLE, DPD_ALWAYS, DPD_MODES };
static const char *const mode_names[DPD_MODES] = { "optimized", "probe-idle-tunnel",
						   "always-send" };

/* One interval: what flows, and whether each mode probes. */
static const struct scenario {
	const char *what;
	uint64_t esp_in, esp_out;	/* packets added to A's inbound / outbound SA */
	bool peer_ike;			/* B sends A an IKE request (its own DPD) */
	bool probe[DPD_MODES];
} scenarios[] = {
	{ "nothing", 0, 0, false, { false, true, true } },
	{ "outbound ESP only", 0, 25, false, { true, true, true } },
	{ "inbound ESP only", 25, 0, false, { false, false, true } },
	{ "ESP both ways", 25, 25, false, { false, false, true } },
	{ "an IKE request from the peer", 0, 0, true, { false, false, true } },
};
#define NB_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

struct bed {
	struct ctl_loop *loop;
	struct mock_install ma, mb;
	struct ike_daemon *a, *b;
	struct gw_config *ca, *cb;
	struct ctl_timer tick;
	uint64_t deadline;
	unsigned int mode;
	unsigned int next;		/* the next scenario (timed part: phase) */
	bool peer_pending;		/* B's request of the current scenario is out */
	bool timed, traffic, done;
};

static struct ike_sa *
live_sa(struct ike_daemon *d)
{
	for (unsigned int i = 0; d != NULL && i < IKE_MAX_SAS; i++)
		if (d->sas[i].used && d->sas[i].state == IKE_ST_ESTABLISHED)
			return &d->sas[i];
	return NULL;
}

static struct mock_sa *
one(struct mock_install *m, enum gw_sa_dir dir)
{
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		if (m->sas[i].used && m->sas[i].owner.kind == GW_OWNER_IKE &&
		    m->sas[i].spec.params.direction == dir)
			return &m->sas[i];
	return NULL;
}

static struct ike_counters
counters(const struct ike_daemon *d)
{
	struct ike_counters c;

	ike_daemon_counters(d, &c);
	return c;
}

#define CTR(d, name) (counters(d).name)

/* Both sides up, one pair each, no request of either side out. */
static bool
settled(struct bed *t)
{
	struct ike_sa *sa = live_sa(t->a), *sb = live_sa(t->b);

	return sa != NULL && sb != NULL && one(&t->ma, GW_SA_INBOUND) != NULL &&
	       one(&t->ma, GW_SA_OUTBOUND) != NULL && one(&t->mb, GW_SA_OUTBOUND) != NULL &&
	       !ctl_timer_armed(&sa->retrans_timer) && !ctl_timer_armed(&sb->retrans_timer);
}

static void
check_show(struct bed *t)
{
	char *buf = NULL, want[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	if (f == NULL)
		return;
	ike_show_ike_sas(t->a, f, true, 0);
	fclose(f);
	snprintf(want, sizeof(want), "DPD: mode %s, interval 60 s, threshold 2, "
		 "probes unanswered 0", mode_names[t->mode]);
	CHECK(strstr(buf, want) != NULL);
	if (strstr(buf, want) == NULL)
		fprintf(stderr, "want \"%s\" in:\n%s", want, buf);
	free(buf);
}

/* The interval ends: A's tick probes or not, as the mode says. */
static void
end_interval(struct bed *t, const struct scenario *s)
{
	struct ike_sa *sa = live_sa(t->a);
	uint64_t before = CTR(t->a, dpd_probes);
	bool probed;

	ike_dpd_tick(t->a, sa);
	probed = CTR(t->a, dpd_probes) != before;
	printf("  %s, %s: %s\n", mode_names[t->mode], s->what, probed ? "probe" : "no probe");
	CHECK_EQ(probed, s->probe[t->mode]);
	CHECK_EQ(ctl_timer_armed(&sa->retrans_timer), probed);
	CHECK_EQ(sa->dpd_missed, probed ? 1u : 0u);
}

static void
advance_modes(struct bed *t)
{
	const struct scenario *s;
	struct ike_sa *sa;

	if (!settled(t))
		return;
	if (t->peer_pending) {		/* B's request answered: A received it */
		t->peer_pending = false;
		end_interval(t, &scenarios[t->next++]);
		return;
	}
	if (t->next == NB_SCENARIOS) {
		check_show(t);
		t->done = true;
		return;
	}
	s = &scenarios[t->next];
	sa = live_sa(t->a);
	t->ma.nb_calls = t->mb.nb_calls = 0;	/* room in the call logs */
	ike_dpd_sample(t->a, sa, &sa->dpd_seen);	/* the interval starts */
	one(&t->ma, GW_SA_INBOUND)->counters.packets += s->esp_in;
	one(&t->ma, GW_SA_OUTBOUND)->counters.packets += s->esp_out;
	if (s->peer_ike) {
		CHECK_EQ(ike_info_send_dpd(t->b, live_sa(t->b)), 0);
		t->peer_pending = true;
		return;
	}
	end_interval(t, s);
	t->next++;
}

/* B's SA gone; A's outbound ESP rises (t->traffic) or nothing flows, until A declares it dead. */
static void
advance_dead(struct bed *t)
{
	struct mock_sa *out = one(&t->ma, GW_SA_OUTBOUND);

	if (t->next == 0) {
		if (!settled(t))
			return;
		/* B forgets the SA without a delete: A's probes find no SA there */
		ike_sa_destroy(t->b, live_sa(t->b), "test: the peer dies");
		t->next = 1;
		return;
	}
	if (t->traffic && out != NULL)
		out->counters.packets++;
	if (CTR(t->a, dpd_dead) == 1)
		t->done = true;
}

static void
tick(struct ctl_loop *l, struct ctl_timer *tm, void *arg)
{
	struct bed *t = arg;

	if (t->timed)
		advance_dead(t);
	else
		advance_modes(t);
	if (t->done || ctl_now_ms() > t->deadline) {
		ctl_loop_stop(l);
		return;
	}
	ctl_timer_arm(l, tm, 10);
}

static void
run_bed(struct bed *t, unsigned int interval, uint64_t ms)
{
	static char conf_a[4096], conf_b[4096];
	uint16_t base = (uint16_t)(40000 + (getpid() % 2000) * 4);
	struct gw_conf_error err;

	snprintf(conf_a, sizeof(conf_a), conf_fmt, mode_names[t->mode], interval, "immediately",
		 "10.1.0.0/16", "10.2.0.0/16");
	snprintf(conf_b, sizeof(conf_b), conf_fmt, mode_names[t->mode], interval,
		 "responder-only", "10.2.0.0/16", "10.1.0.0/16");
	t->loop = ctl_loop_create(NULL);
	mock_install_init(&t->ma);
	mock_install_init(&t->mb);
	t->mb.next_spi = 0x50000;
	t->ca = gw_conf_load_string(conf_a, &err);
	CHECK(t->ca != NULL);
	t->cb = gw_conf_load_string(conf_b, &err);
	CHECK(t->cb != NULL);
	if (t->ca == NULL || t->cb == NULL) {
		fprintf(stderr, "config: %s: %s\n", err.statement, err.reason);
		return;
	}
	t->a = ike_daemon_create(&(struct ike_daemon_params){ .loop = t->loop,
		.install = &t->ma.in, .port = base, .natt_port = base + 1,
		.peer_port = base + 2, .peer_natt_port = base + 3 });
	t->b = ike_daemon_create(&(struct ike_daemon_params){ .loop = t->loop,
		.install = &t->mb.in, .port = base + 2, .natt_port = base + 3,
		.peer_port = base, .peer_natt_port = base + 1 });
	CHECK(t->a != NULL && t->b != NULL);
	if (t->a == NULL || t->b == NULL)
		return;
	ike_daemon_configure(t->b, t->cb);
	ike_daemon_configure(t->a, t->ca);
	ctl_timer_init(&t->tick, tick, t);
	t->deadline = ctl_now_ms() + ms;
	ctl_timer_arm(t->loop, &t->tick, 10);
	ctl_loop_run(t->loop);
	CHECK(t->done);
	if (!t->done)
		fprintf(stderr, "%s: stuck at %u\n", mode_names[t->mode], t->next);
}

static void
free_bed(struct bed *t)
{
	ctl_timer_cancel(t->loop, &t->tick);
	ike_daemon_free(t->a);
	ike_daemon_free(t->b);
	ctl_loop_free(t->loop);
	gw_conf_free(t->ca);
	gw_conf_free(t->cb);
}

static void
test_modes(void)
{
	for (unsigned int m = 0; m < DPD_MODES; m++) {
		struct bed t = { .mode = m };

		run_bed(&t, 60, 20000);
		CHECK_EQ(t.next, NB_SCENARIOS);
		CHECK_EQ(CTR(t.a, dpd_dead), 0);
		free_bed(&t);
	}
}

/* Two unanswered probes (threshold 2), an interval apart, then dead: SAs removed. */
static void
dead_case(unsigned int mode, bool traffic)
{
	struct bed t = { .mode = mode, .timed = true, .traffic = traffic };

	run_bed(&t, 2, 20000);
	printf("  %s, %s: probes %llu, retransmits %llu, dead %llu\n", mode_names[mode],
	       traffic ? "outbound ESP rising" : "nothing flowing",
	       (unsigned long long)CTR(t.a, dpd_probes),
	       (unsigned long long)CTR(t.a, retransmits),
	       (unsigned long long)CTR(t.a, dpd_dead));
	CHECK_EQ(CTR(t.a, dpd_dead), 1);
	CHECK_EQ(CTR(t.a, dpd_probes), 1);
	CHECK_EQ(CTR(t.a, retransmits), 1);
	CHECK(one(&t.ma, GW_SA_INBOUND) == NULL && one(&t.ma, GW_SA_OUTBOUND) == NULL);
	CHECK(live_sa(t.a) == NULL);
	free_bed(&t);
}

static void
test_dead_peer(void)
{
	dead_case(DPD_OPTIMIZED, true);
	dead_case(DPD_PROBE_IDLE, false);
}

int
main(void)
{
	GW_RUN(test_modes);
	GW_RUN(test_dead_peer);
	return gw_test_result();
}
