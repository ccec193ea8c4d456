/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rekeying between two IKEv2 daemons in one process (loopback UDP, the
 * recording install mock of test/unit/sa, no DPDK), driven step by step so
 * that collisions happen deterministically: both rekey requests leave in the
 * same loop turn, before either daemon reads a message, so each answers the
 * other's request before its own answer comes (RFC 7296 2.8.1, 2.8.2). The
 * vpn has PFS (group 19) and a kilobyte lifetime; the IKE SA is in AES-GCM,
 * then (a second run) in AES-CBC + HMAC. Checked at every step:
 * each side holds exactly one inbound and one outbound SA, A's outbound
 * keys and SPI are B's inbound ones and the reverse, and no outbound SA was
 * ever deleted while it carried the binding (the mock's call log replayed:
 * no gap in ESP). Steps: the kilobyte lifetimes of the installed SAs; a
 * CHILD_SA rekey with PFS whose first KE has the wrong group
 * (INVALID_KE_PAYLOAD both ways, then the retry); a CHILD_SA rekey collision;
 * our IKE SA rekey (children untouched: no install call at all, the old SA
 * deleted); an IKE SA rekey collision; a CHILD_SA rekey on the rekeyed IKE
 * SA (its SK_d agrees on both sides); a soft lifetime that comes while a
 * DPD request is out (the rekey waits, then goes); an IKE SA rekey and a
 * CHILD_SA rekey crossing (each answered TEMPORARY_FAILURE, RFC 7296 2.25,
 * both through later); the peer's IKE SA rekey while our DPD probe is out
 * (accepted: the probe's answer comes to the old identity); the replaced identities all gone; a rekey of a
 * child the peer does not know (CHILD_SA_NOT_FOUND: removed here too).
 * Then (test_rekeys_on_helper) both daemons with a helper thread: the
 * public-key work of every step goes there (lib/ike/ike_async.c,
 * ike_async_ke.c): our IKE_SA_INIT key pair, the IKE SA rekey's pair and g^ir
 * on both sides, the PFS pair made ahead and the PFS g^ir of a CHILD_SA
 * rekey; the peer's rekey whose SA is cleared while its KE is computed, and
 * an initiation whose SA is cleared while its key pair is made (async_stale).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gw_test.h"
#include "gw_test_hold.h"
#include "gw_conf.h"
#include "gw_ctl.h"
#include "gw_ike.h"
#include "ike_sa.h"
#include "mock_install.h"

#define ROUNDS 3	/* collisions: each round one side wins, the other loses */

static const char conf_fmt[] =
	"interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { "
	"name = \"0\"; family = { inet = { address = [ \"10.1.0.1/16\" ]; }; }; } ); } );\n"
	"security = { ike = {\n"
	" proposal = ( { name = \"p\"; encryption-algorithm = \"%s\"; dh-group = \"group19\"; },\n"
	" { name = \"q\"; encryption-algorithm = \"%s\"; dh-group = \"group14\"; } );\n"
	" policy = ( { name = \"pol\"; proposals = [ %s ]; "
	"pre-shared-key = { ascii-text = \"rekey-key\"; }; } );\n"
	" gateway = ( { name = \"g\"; ike-policy = \"pol\"; address = \"127.0.0.1\"; "
	"local-address = \"127.0.0.1\"; } ); };\n"
	" ipsec = { proposal = ( { name = \"e\"; encryption-algorithm = \"aes-256-gcm\"; "
	"lifetime-kilobytes = 1000; } );\n"
	" ipsec-policy = ( { name = \"ep\"; proposals = [ \"e\" ]; "
	"perfect-forward-secrecy = { keys = \"group19\"; }; } );\n"
	" vpn = ( { name = \"v\"; ike = { gateway = \"g\"; ipsec-policy = \"ep\"; }; "
	"bind-interface = \"ge-0/0/0\"; establish-tunnels = \"%s\"; "
	"traffic-selector = ( { name = \"t\"; local-ip = \"%s\"; remote-ip = \"%s\"; } ); "
	"} ); }; };\n";

struct bed {
	void (*advance)(struct bed *t);
	struct ctl_loop *loop;
	struct mock_install ma, mb;
	struct ike_daemon *a, *b;
	struct gw_config *ca, *cb;
	struct ctl_timer tick;
	uint64_t deadline;
	int step;
	unsigned int round;
	uint32_t a_out;			/* A's outbound SPI before the step */
	uint64_t a_spi_i;		/* A's IKE SPIs before the step */
	unsigned int calls_a, calls_b;	/* install calls before the step */
	uint64_t temp_a;		/* A's temp_failure before the step */
	uint64_t jobs_a, jobs_b, stale_a;	/* async counters before the step */
};

static bool bed_helpers;	/* run_bed: each daemon with a helper thread */
static struct ctl_helper *helper_a, *helper_b;
static atomic_int release;	/* of the job that holds A's helper (gw_test_hold.h) */

/* The established IKE SA of a daemon (not a replaced identity). */
static struct ike_sa *
live_sa(struct ike_daemon *d)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		if (d->sas[i].used && d->sas[i].state == IKE_ST_ESTABLISHED)
			return &d->sas[i];
	return NULL;
}

static unsigned int
sa_slots(struct ike_daemon *d)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		n += d->sas[i].used;
	return n;
}

static const struct mock_sa *
one(const struct mock_install *m, enum gw_sa_dir dir, unsigned int *count)
{
	const struct mock_sa *s = NULL;

	*count = 0;
	for (unsigned int i = 0; i < MOCK_MAX_SAS; i++)
		if (m->sas[i].used && m->sas[i].spec.params.direction == dir) {
			s = &m->sas[i];
			(*count)++;
		}
	return s;
}

static gw_sa_id_t
id_of(struct mock_install *m, const struct mock_sa *s)
{
	return (gw_sa_id_t)s->gen << 32 | (uint64_t)(s - m->sas);
}

static bool
keys_eq(const struct gw_sa_params *x, const struct gw_sa_params *y)
{
	return x->spi == y->spi && x->crypto.cipher_key_len == y->crypto.cipher_key_len &&
	       memcmp(x->crypto.cipher_key, y->crypto.cipher_key,
		      x->crypto.cipher_key_len) == 0;
}

/* One pair on each side, matching keys; no exchange of either side in flight. */
static bool
settled(struct bed *t)
{
	unsigned int n1, n2, n3, n4;
	const struct mock_sa *ao = one(&t->ma, GW_SA_OUTBOUND, &n1);
	const struct mock_sa *ai = one(&t->ma, GW_SA_INBOUND, &n2);
	const struct mock_sa *bo = one(&t->mb, GW_SA_OUTBOUND, &n3);
	const struct mock_sa *bi = one(&t->mb, GW_SA_INBOUND, &n4);
	struct ike_sa *sa = live_sa(t->a), *sb = live_sa(t->b);

	return n1 == 1 && n2 == 1 && n3 == 1 && n4 == 1 && sa != NULL && sb != NULL &&
	       keys_eq(&ao->spec.params, &bi->spec.params) &&
	       keys_eq(&bo->spec.params, &ai->spec.params) &&
	       !ctl_timer_armed(&sa->retrans_timer) && !ctl_timer_armed(&sb->retrans_timer) &&
	       sa_slots(t->a) == 1 && sa_slots(t->b) == 1;
}

/*
 * Replay the install calls since `from`: an outbound SA deleted while it was
 * the newest one installed (the one carrying the binding) is a gap.
 */
static unsigned int
gaps(const struct mock_install *m, unsigned int from)
{
	gw_sa_id_t carrying = GW_SA_ID_NONE;
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->nb_calls; i++) {
		const struct mock_call *c = &m->calls[i];

		if (c->op == MOCK_ADD_SA && c->dir == GW_SA_OUTBOUND && c->ret == 0)
			carrying = c->id;
		else if (c->op == MOCK_DEL_SA && c->id == carrying && carrying != GW_SA_ID_NONE) {
			carrying = GW_SA_ID_NONE;
			n += i >= from;
		}
	}
	return n;
}

/* Calls since `from` that change SAs or terms. */
static unsigned int
sa_calls(const struct mock_install *m, unsigned int from)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < m->nb_calls; i++)
		n += m->calls[i].op == MOCK_ADD_SA || m->calls[i].op == MOCK_DEL_SA ||
		     m->calls[i].op == MOCK_SET_POLICY || m->calls[i].op == MOCK_GET_SPI;
	return n;
}

static uint64_t
ctr(struct ike_daemon *d, size_t off)
{
	struct ike_counters c;

	ike_daemon_counters(d, &c);
	return *(const uint64_t *)((const char *)&c + off);
}

#define CTR(d, name) ctr((d), offsetof(struct ike_counters, name))

static uint32_t
a_out(struct bed *t)
{
	unsigned int n;
	const struct mock_sa *s = one(&t->ma, GW_SA_OUTBOUND, &n);

	return s != NULL ? s->spec.params.spi : 0;
}

/* Before each step: remember what the step must change. */
static void
mark(struct bed *t)
{
	t->a_out = a_out(t);
	t->a_spi_i = live_sa(t->a)->spi_i;
	t->calls_a = t->ma.nb_calls;
	t->calls_b = t->mb.nb_calls;
}

static void
check_settled(struct bed *t, const char *what)
{
	CHECK(settled(t));
	CHECK_EQ(gaps(&t->ma, t->calls_a), 0);
	CHECK_EQ(gaps(&t->mb, t->calls_b), 0);
	CHECK(t->ma.nb_calls < MOCK_MAX_CALLS && t->mb.nb_calls < MOCK_MAX_CALLS);
	printf("  %s: A out %08x, IKE SPIs %016llx/%016llx\n", what, a_out(t),
	       (unsigned long long)live_sa(t->a)->spi_i,
	       (unsigned long long)live_sa(t->a)->spi_r);
}

static unsigned int
ike_sa_count_children(const struct ike_sa *sa)
{
	unsigned int n = 0;

	for (unsigned int i = 0; sa != NULL && i < IKE_MAX_CHILDREN; i++)
		n += sa->children[i].used;
	return n;
}

/* Raise the soft lifetime of a side's outbound SA (what the manager would do). */
static void
soft(struct mock_install *m)
{
	unsigned int n;
	const struct mock_sa *s = one(m, GW_SA_OUTBOUND, &n);

	mock_raise(m, id_of(m, s), GW_SA_EV_SOFT_LIFETIME);
}

static void
step_kbytes(struct bed *t)
{
	unsigned int n;
	const struct mock_sa *o = one(&t->ma, GW_SA_OUTBOUND, &n);
	const struct mock_sa *i = one(&t->ma, GW_SA_INBOUND, &n);

	/* lifetime-kilobytes 1000: hard on both, soft 80-90 % (jittered) */
	CHECK_EQ(o->spec.params.lifetime.hard_kbytes, 1000);
	CHECK_EQ(i->spec.params.lifetime.hard_kbytes, 1000);
	CHECK(o->spec.params.lifetime.soft_kbytes >= 800 &&
	      o->spec.params.lifetime.soft_kbytes <= 900);
	CHECK(i->spec.params.lifetime.soft_kbytes >= 800 &&
	      i->spec.params.lifetime.soft_kbytes <= 900);
	CHECK(o->spec.params.lifetime.soft_seconds != 0);
}

/* `show security ipsec security-associations`: kilobytes left in the Life column. */
static void
show_kbytes(struct bed *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	if (f == NULL)
		return;
	ike_show_ipsec_sas(t->a, f);
	fclose(f);
	CHECK(strstr(buf, "/1000 ") != NULL);
	CHECK(strstr(buf, "unlim") == NULL);
	free(buf);
}

/* A's child rekey whose KE is of group 14 while the proposal says 19. */
static void
start_wrong_group(struct bed *t)
{
	struct ike_sa *sa = live_sa(t->a);
	struct ike_child *c = &sa->children[0];

	for (unsigned int i = 0; i < IKE_MAX_CHILDREN && !c->used; i++)
		c = &sa->children[i];
	sa->child_group = IKE_DH_MODP2048;
	sa->rekeying_retry = c->spi_in;
	CHECK_EQ(ike_create_i_rekey(t->a, sa, c), 0);
}

static bool
a_rekeyed(struct bed *t)
{
	return settled(t) && a_out(t) != t->a_out;
}

static bool
ike_rekeyed(struct bed *t)
{
	return settled(t) && live_sa(t->a)->spi_i != t->a_spi_i &&
	       live_sa(t->a)->spi_i == live_sa(t->b)->spi_i &&
	       live_sa(t->a)->spi_r == live_sa(t->b)->spi_r;
}

/*
 * The steps: 0 up; 1 PFS rekey with INVALID_KE first; 2.. CHILD collisions;
 * then our IKE SA rekey; IKE collisions; a CHILD rekey on the new IKE SA.
 */
enum { S_UP, S_PFS, S_CHILD_COLL, S_IKE, S_IKE_COLL, S_AFTER, S_POSTPONED, S_TEMP,
	S_DPD, S_NOT_FOUND, S_DONE };

static void
advance_all(struct bed *t)
{
	struct ike_sa *sa, *sb;

	switch (t->step) {
	case S_UP:
		if (!settled(t))
			return;
		step_kbytes(t);
		show_kbytes(t);
		mark(t);
		start_wrong_group(t);
		t->step = S_PFS;
		return;
	case S_PFS:
		if (!a_rekeyed(t))
			return;
		check_settled(t, "PFS rekey after INVALID_KE_PAYLOAD");
		CHECK(CTR(t->a, invalid_ke) >= 1);
		CHECK(CTR(t->b, invalid_ke) >= 1);
		CHECK_EQ(live_sa(t->a)->child_group, IKE_DH_ECP256);
		break;
	case S_CHILD_COLL:
		if (!a_rekeyed(t))
			return;
		check_settled(t, "CHILD_SA rekey collision");
		CHECK_EQ(CTR(t->a, rekey_collisions), t->round + 1);
		CHECK_EQ(CTR(t->b, rekey_collisions), t->round + 1);
		break;
	case S_IKE:
		if (!ike_rekeyed(t))
			return;
		check_settled(t, "IKE SA rekey");
		/* the children moved without a single SA or policy call */
		CHECK_EQ(sa_calls(&t->ma, t->calls_a), 0);
		CHECK_EQ(sa_calls(&t->mb, t->calls_b), 0);
		CHECK_EQ(live_sa(t->a)->rekeys, 1);
		CHECK_EQ(live_sa(t->b)->rekeys, 1);
		CHECK(live_sa(t->a)->initiator);
		break;
	case S_IKE_COLL:
		if (!ike_rekeyed(t))
			return;
		check_settled(t, "IKE SA rekey collision");
		CHECK_EQ(CTR(t->a, rekey_collisions), ROUNDS + t->round + 1);
		CHECK_EQ(CTR(t->b, rekey_collisions), ROUNDS + t->round + 1);
		CHECK_EQ(live_sa(t->a)->rekeys, t->round + 2);
		break;
	case S_AFTER:
		if (!a_rekeyed(t))
			return;
		check_settled(t, "CHILD_SA rekey on the rekeyed IKE SA");
		break;
	case S_POSTPONED:
		if (!a_rekeyed(t))
			return;
		check_settled(t, "CHILD_SA rekey postponed while a DPD request was out");
		break;
	case S_TEMP:
		if (!ike_rekeyed(t) || a_out(t) == t->a_out)
			return;
		/* each refused the other's (RFC 7296 2.25), both went through later */
		check_settled(t, "IKE SA rekey and CHILD_SA rekey crossing: TEMPORARY_FAILURE");
		CHECK(CTR(t->a, temp_failure) >= 1);
		CHECK(CTR(t->b, temp_failure) >= 1);
		CHECK_EQ(CTR(t->a, drop_icv) + CTR(t->b, drop_icv), 0);
		CHECK_EQ(CTR(t->a, install_errors) + CTR(t->b, install_errors), 0);
		CHECK_EQ(CTR(t->a, give_up) + CTR(t->b, give_up), 0);
		break;
	case S_DPD:
		if (!ike_rekeyed(t))
			return;
		/* A's DPD probe out: B's IKE SA rekey accepted all the same */
		check_settled(t, "IKE SA rekey by the peer while a DPD probe was out");
		CHECK_EQ(CTR(t->a, temp_failure), t->temp_a);
		CHECK_EQ(CTR(t->a, drop_msgid) + CTR(t->b, drop_msgid), 0);
		CHECK(live_sa(t->b)->initiator);
		break;
	case S_NOT_FOUND:
		/* B answered CHILD_SA_NOT_FOUND, A removed its child (2.25) */
		if (CTR(t->a, child_not_found) != 1 || CTR(t->b, child_not_found) != 1)
			return;
		CHECK_EQ(ike_sa_count_children(live_sa(t->a)), 0);
		t->step = S_DONE;
		return;
	default:
		return;
	}
	/* the next action */
	if ((t->step == S_CHILD_COLL || t->step == S_IKE_COLL) && ++t->round < ROUNDS) {
		/* again */
	} else if (t->step != S_DONE) {
		t->step = t->step == S_PFS ? S_CHILD_COLL : t->step + 1;
		t->round = 0;
	}
	t->ma.nb_calls = t->mb.nb_calls = 0;	/* room in the call logs */
	mark(t);
	sa = live_sa(t->a);
	sb = live_sa(t->b);
	switch (t->step) {
	case S_CHILD_COLL:	/* both rekey the child in the same turn */
		soft(&t->ma);
		soft(&t->mb);
		break;
	case S_IKE:
		CHECK_EQ(ike_rekey_i_start(t->a, sa), 0);
		break;
	case S_IKE_COLL:
		CHECK_EQ(ike_rekey_i_start(t->a, sa), 0);
		CHECK_EQ(ike_rekey_i_start(t->b, sb), 0);
		break;
	case S_AFTER:
		soft(&t->ma);
		break;
	case S_POSTPONED:
		/* the soft event finds an exchange out (window 1): retried, not lost */
		CHECK_EQ(ike_info_send_dpd(t->a, sa), 0);
		soft(&t->ma);
		break;
	case S_TEMP:	/* A's IKE SA rekey and B's CHILD_SA rekey cross */
		CHECK_EQ(ike_rekey_i_start(t->a, sa), 0);
		soft(&t->mb);
		break;
	case S_DPD:	/* B rekeys the IKE SA while A's DPD probe is out */
		t->temp_a = CTR(t->a, temp_failure);
		CHECK_EQ(ike_info_send_dpd(t->a, sa), 0);
		CHECK_EQ(ike_rekey_i_start(t->b, sb), 0);
		break;
	case S_NOT_FOUND:	/* A rekeys a child B does not know */
		for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++)
			if (sa->children[i].used) {
				sa->children[i].spi_in = 0xdead;
				CHECK_EQ(ike_create_i_rekey(t->a, sa, &sa->children[i]), 0);
				break;
			}
		break;
	}
}

static void
tick(struct ctl_loop *l, struct ctl_timer *tm, void *arg)
{
	struct bed *t = arg;

	t->advance(t);
	if (t->step == S_DONE || ctl_now_ms() > t->deadline) {
		ctl_loop_stop(l);
		return;
	}
	ctl_timer_arm(l, tm, 10);
}

/*
 * Two daemons with the IKE encryption `ike_enc` and ike-policy proposals
 * `props_a` / `props_b` ("p": group 19, "q": group 14) run `advance`.
 */
static void
run_bed(const char *ike_enc, const char *props_a, const char *props_b,
	void (*advance)(struct bed *t))
{
	static char conf_a[4096], conf_b[4096];
	uint16_t base = (uint16_t)(30000 + (getpid() % 2000) * 4);
	struct gw_conf_error err;
	struct bed t;

	memset(&t, 0, sizeof(t));
	t.advance = advance;
	snprintf(conf_a, sizeof(conf_a), conf_fmt, ike_enc, ike_enc, props_a, "immediately",
		 "10.1.0.0/16", "10.2.0.0/16");
	snprintf(conf_b, sizeof(conf_b), conf_fmt, ike_enc, ike_enc, props_b, "responder-only",
		 "10.2.0.0/16", "10.1.0.0/16");
	t.loop = ctl_loop_create(NULL);
	mock_install_init(&t.ma);
	mock_install_init(&t.mb);
	t.mb.next_spi = 0x50000;
	t.ca = gw_conf_load_string(conf_a, &err);
	CHECK(t.ca != NULL);
	t.cb = gw_conf_load_string(conf_b, &err);
	CHECK(t.cb != NULL);
	if (t.ca == NULL || t.cb == NULL) {
		fprintf(stderr, "config: %s: %s\n", err.statement, err.reason);
		return;
	}
	helper_a = bed_helpers ? ctl_helper_create(t.loop, NULL) : NULL;
	helper_b = bed_helpers ? ctl_helper_create(t.loop, NULL) : NULL;
	t.a = ike_daemon_create(&(struct ike_daemon_params){ .loop = t.loop,
		.install = &t.ma.in, .port = base, .natt_port = base + 1,
		.peer_port = base + 2, .peer_natt_port = base + 3, .helper = helper_a });
	t.b = ike_daemon_create(&(struct ike_daemon_params){ .loop = t.loop,
		.install = &t.mb.in, .port = base + 2, .natt_port = base + 3,
		.peer_port = base, .peer_natt_port = base + 1, .helper = helper_b });
	CHECK(t.a != NULL && t.b != NULL);
	if (t.a == NULL || t.b == NULL)
		return;
	ike_daemon_configure(t.b, t.cb);
	ike_daemon_configure(t.a, t.ca);
	ctl_timer_init(&t.tick, tick, &t);
	t.deadline = ctl_now_ms() + 60000;
	ctl_timer_arm(t.loop, &t.tick, 10);
	ctl_loop_run(t.loop);
	CHECK_EQ(t.step, S_DONE);
	if (t.step != S_DONE)
		fprintf(stderr, "stuck at step %d round %u\n", t.step, t.round);
	ctl_timer_cancel(t.loop, &t.tick);
	ike_daemon_free(t.a);
	ike_daemon_free(t.b);
	atomic_store(&release, 1);
	ctl_helper_free(helper_a);	/* after the daemons: late jobs come back to nobody */
	ctl_helper_free(helper_b);
	ctl_loop_free(t.loop);
	gw_conf_free(t.ca);
	gw_conf_free(t.cb);
}

/* The IKE SA in AES-GCM or AES-CBC + HMAC (SK_a keys through the rekeys too). */
static void
test_rekeys_and_collisions(void)
{
	run_bed("aes-128-gcm", "\"p\"", "\"p\"", advance_all);
	run_bed("aes-256-cbc", "\"p\"", "\"p\"", advance_all);
}

/*
 * The IKE SA in group 14 (A's first proposal); B rekeys it preferring group
 * 19 but with a KE of the SA's group: A chooses B's first proposal and
 * answers INVALID_KE_PAYLOAD naming 19, B retries with it (RFC 7296 1.3.2).
 */
static void
advance_invalid_ke(struct bed *t)
{
	if (t->step == 0 && settled(t)) {
		CHECK_EQ(live_sa(t->a)->suite.dh, IKE_DH_MODP2048);
		mark(t);
		CHECK_EQ(ike_rekey_i_start(t->b, live_sa(t->b)), 0);
		t->step = 1;
	} else if (t->step == 1 && ike_rekeyed(t)) {
		check_settled(t, "IKE SA rekey after INVALID_KE_PAYLOAD");
		CHECK(CTR(t->a, invalid_ke) >= 1);
		CHECK(CTR(t->b, invalid_ke) >= 1);
		CHECK_EQ(live_sa(t->a)->suite.dh, IKE_DH_ECP256);
		CHECK(live_sa(t->b)->initiator);
		t->step = S_DONE;
	}
}

static void
test_ike_rekey_invalid_ke(void)
{
	run_bed("aes-128-gcm", "\"q\", \"p\"", "\"p\", \"q\"", advance_invalid_ke);
}

/* The steps of test_rekeys_on_helper. */
enum { H_UP, H_IKE, H_CHILD, H_STALE_R, H_STALE_R_BACK, H_STALE_I };

/* A's SA that computes (a key pair or a KE on the helper), NULL if none. */
static struct ike_sa *
computing_sa(struct ike_daemon *d)
{
	for (unsigned int i = 0; i < IKE_MAX_SAS; i++)
		if (d->sas[i].used && d->sas[i].computing)
			return &d->sas[i];
	return NULL;
}

static void
advance_helper(struct bed *t)
{
	struct ike_sa *sa, *sb;

	switch (t->step) {
	case H_UP:
		if (!settled(t))
			return;
		/* A initiated: its key pair and g^ir (at least) on its helper */
		CHECK(CTR(t->a, async_jobs) >= 2);
		CHECK_EQ(CTR(t->a, async_inline) + CTR(t->b, async_inline), 0);
		/* the first PFS pair is made ahead once the IKE SA is up */
		CHECK(live_sa(t->a)->pfs_spare != NULL || live_sa(t->a)->pfs_spare_out);
		mark(t);
		t->jobs_a = CTR(t->a, async_jobs);
		t->jobs_b = CTR(t->b, async_jobs);
		sb = live_sa(t->b);
		CHECK_EQ(ike_rekey_i_start(t->b, sb), 0);
		/* B's new key pair is made on its helper: the request is not out yet */
		CHECK(sb->computing);
		CHECK(!sb->ike_rekeying);
		CHECK(!ctl_timer_armed(&sb->retrans_timer));
		t->step = H_IKE;
		return;
	case H_IKE:
		if (!ike_rekeyed(t))
			return;
		check_settled(t, "IKE SA rekey, DH on the helper threads");
		/* A (responder): its pair and g^ir; B: its pair, then g^ir of the answer */
		CHECK(CTR(t->a, async_jobs) >= t->jobs_a + 1);
		CHECK(CTR(t->b, async_jobs) >= t->jobs_b + 2);
		CHECK(live_sa(t->b)->initiator);
		/* the PFS pair of A's next CHILD_SA rekey is ready, made ahead */
		CHECK(live_sa(t->a)->pfs_spare != NULL);
		mark(t);
		t->jobs_a = CTR(t->a, async_jobs);
		t->jobs_b = CTR(t->b, async_jobs);
		soft(&t->ma);
		t->step = H_CHILD;
		return;
	case H_CHILD:
		if (!a_rekeyed(t))
			return;
		check_settled(t, "CHILD_SA rekey with PFS, DH on the helper threads");
		CHECK_EQ(live_sa(t->a)->child_group, IKE_DH_ECP256);
		/* A took the spare pair (none made inline), g^ir of the answer, a new spare */
		CHECK_EQ(CTR(t->a, async_inline), 0);
		CHECK(CTR(t->a, async_jobs) >= t->jobs_a + 2);
		CHECK(CTR(t->b, async_jobs) >= t->jobs_b + 1);
		/* A's helper held: the KE of B's next rekey waits there */
		atomic_store(&release, 0);
		CHECK_EQ(ctl_helper_submit(helper_a, gw_test_hold_work, gw_test_hold_done,
					   &release), 0);
		t->stale_a = CTR(t->a, async_stale);
		CHECK_EQ(ike_rekey_i_start(t->b, live_sa(t->b)), 0);
		t->step = H_STALE_R;
		return;
	case H_STALE_R:
		sa = computing_sa(t->a);
		if (sa == NULL)
			return;
		/* B's request is in, its KE on A's (held) helper: the SA cleared meanwhile */
		CHECK_EQ(sa->state, IKE_ST_ESTABLISHED);
		ike_sa_destroy(t->a, sa, "cleared by the test while its KE is computed");
		atomic_store(&release, 1);
		t->step = H_STALE_R_BACK;
		return;
	case H_STALE_R_BACK:
		if (CTR(t->a, async_stale) <= t->stale_a)
			return;
		/* an initiation whose SA is cleared while its key pair is made */
		t->stale_a = CTR(t->a, async_stale);
		CHECK_EQ(ike_init_start(t->a, &t->a->conf.vpns[0]), 0);
		sa = computing_sa(t->a);
		CHECK(sa != NULL);
		if (sa != NULL) {
			/* the pair is on the helper: IKE_SA_INIT not sent yet */
			CHECK(sa->initiator);
			CHECK(sa->state != IKE_ST_INIT_SENT);
			CHECK(sa->init_req == NULL);
			ike_sa_destroy(t->a, sa, "cleared by the test while its key pair is made");
		}
		t->step = H_STALE_I;
		return;
	case H_STALE_I:
		if (CTR(t->a, async_stale) <= t->stale_a)
			return;
		printf("  stale results wiped: %llu\n",
		       (unsigned long long)CTR(t->a, async_stale));
		t->step = S_DONE;
		return;
	}
}

static void
test_rekeys_on_helper(void)
{
	bed_helpers = true;
	run_bed("aes-128-gcm", "\"p\"", "\"p\"", advance_helper);
	bed_helpers = false;
}

/* The lowest-nonce rule's comparison (RFC 7296 2.8.1): octet by octet, a prefix is lower. */
static void
test_nonce_order(void)
{
	const uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 }, c[] = { 1, 2 }, z[] = { 0, 9, 9, 9 };
	uint8_t low[IKE_MAX_NONCE];
	uint32_t len;

	CHECK(ike_nonce_cmp(a, 3, b, 3) < 0);
	CHECK(ike_nonce_cmp(b, 3, a, 3) > 0);
	CHECK(ike_nonce_cmp(c, 2, a, 3) < 0);
	CHECK(ike_nonce_cmp(a, 3, c, 2) > 0);
	CHECK_EQ(ike_nonce_cmp(a, 3, a, 3), 0);
	/* not as integers: the longer z is lower */
	CHECK(ike_nonce_cmp(z, 4, c, 2) < 0);
	ike_nonce_low(b, 3, z, 4, low, &len);
	CHECK_EQ(len, 4);
	CHECK_MEM(low, z, 4);
	ike_nonce_low(c, 2, a, 3, low, &len);
	CHECK_EQ(len, 2);
}

int
main(void)
{
	GW_RUN(test_nonce_order);
	GW_RUN(test_rekeys_and_collisions);
	GW_RUN(test_ike_rekey_invalid_ke);
	GW_RUN(test_rekeys_on_helper);
	return gw_test_result();
}
