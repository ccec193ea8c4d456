/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The group member on the control loop: one record per configured group,
 * a UDP socket per local address, timers for retransmits, key-server
 * failover, pull re-registration, outbound activation and expiry; what a
 * registration or a push downloads goes to the data plane through the
 * install interface (lib/gm/README.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "gdoi_names.h"
#include "gm_priv.h"
#include "gw_gm.h"
#include "gw_log.h"

#define GM_RETX_MS 10000		/* three retries 10 s apart, then the next server */
#define GM_TRIES 4
#define GM_BACKOFF_MS 30000		/* every server tried: start over after */
#define GM_TICK_MS 1000			/* activations and expiries */
#define GM_SWITCH_BEFORE_MS 30000	/* the new key encrypts when 30 s of the old remain */

static struct gm_member *current;

struct gm_member *
gm_member_current(void)
{
	return current;
}

static const char *const state_names[] = {
	[GM_ST_IDLE] = "idle", [GM_ST_MM] = "phase-1", [GM_ST_PULL] = "pull",
	[GM_ST_REGISTERED] = "registered", [GM_ST_BACKOFF] = "backoff",
};

static void
set_state(struct gm_group *g, enum gm_state s)
{
	if (g->state != s)
		GW_LOG(ike, INFO, "group-vpn member %s: %s -> %s", g->name, state_names[g->state],
		       state_names[s]);
	g->state = s;
}

static const char *
ip_str(const struct gw_ipaddr *a, char *buf, size_t n)
{
	return inet_ntop(a->family, &a->v4, buf, (socklen_t)n);
}

/* The socket address of a (IPv4 or IPv6, RFC 6407 over either) at our port. */
static socklen_t
sockaddr_of(const struct gw_ipaddr *a, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		in6->sin6_addr = a->v6;
		return sizeof(*in6);
	}
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	in->sin_addr = a->v4;
	return sizeof(*in);
}

static const char *
from_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	return inet_ntop(ss->ss_family, a, buf, (socklen_t)n);
}

static bool
ipaddr_eq(const struct gw_ipaddr *a, const struct gw_ipaddr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == AF_INET6 ? memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0 :
	       a->v4.s_addr == b->v4.s_addr;
}

/* ---- sockets ---- */

static struct gm_sock *
sock_of(struct gm_member *m, const struct gw_ipaddr *local)
{
	for (unsigned int i = 0; i < m->nsocks; i++)
		if (ipaddr_eq(&m->socks[i].local, local))
			return &m->socks[i];
	return NULL;
}

static void on_rx(struct ctl_loop *l, int fd, uint32_t events, void *arg);

/* A socket bound to local:848; -errno when the address is not (yet) there. */
static int
sock_open(struct gm_member *m, const struct gw_ipaddr *local, struct gm_sock **out)
{
	struct sockaddr_storage sin;
	socklen_t sin_len = sockaddr_of(local, m->port, &sin);
	struct gm_sock *s = sock_of(m, local);
	int fd, one = 1, ret;

	if (s != NULL) {
		*out = s;
		return 0;
	}
	if (m->nsocks == RTE_DIM(m->socks))
		return -ENOSPC;
	fd = socket(local->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (local->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sin_len) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	s = &m->socks[m->nsocks];
	s->h = ctl_fd_add(m->loop, fd, EPOLLIN, on_rx, m);
	if (s->h == NULL) {
		ret = -errno;
		close(fd);
		return ret;
	}
	s->fd = fd;
	s->local = *local;
	m->nsocks++;
	*out = s;
	return 0;
}

static void
send_tx(struct gm_group *g)
{
	struct sockaddr_storage to;
	socklen_t to_len = sockaddr_of(&g->servers[g->server], g->m->port, &to);
	struct gm_sock *s = NULL;
	int ret = sock_open(g->m, &g->local, &s);

	if (ret == 0 && sendto(s->fd, g->tx, g->tx_len, 0, (struct sockaddr *)&to,
			       to_len) < 0)
		ret = -errno;
	if (ret < 0)
		GW_LOG(ike, WARNING, "group-vpn member %s: send to the key server failed: %s",
		       g->name, strerror(-ret));
	g->tries++;
	ctl_timer_arm(g->m->loop, &g->retx_timer, GM_RETX_MS);
}

/* ---- registration ---- */

static void
start_mm(struct gm_group *g)
{
	char a[INET6_ADDRSTRLEN];
	size_t len;
	int ret;

	ike1_sa_wipe(&g->p1);
	g->computing = false;	/* a g^xy still on the helper comes back stale */
	ret = ike1_sa_init(&g->p1, true);
	if (ret == 0)
		ret = ike1_mm_i1(&g->p1, g->xf, g->nxf, g->tx, sizeof(g->tx), &len);
	if (ret < 0) {
		GW_LOG(ike, ERR, "group-vpn member %s: Main Mode message 1: %s", g->name,
		       strerror(-ret));
		return;
	}
	g->tx_len = len;
	g->tries = 0;
	g->p1_started_ms = ctl_now_ms();
	set_state(g, GM_ST_MM);
	GW_LOG(ike, NOTICE, "group-vpn member %s: registering for group %u with key server %s",
	       g->name, g->group_id, ip_str(&g->servers[g->server], a, sizeof(a)));
	send_tx(g);
}

/* The exchange failed on this server: next one (or the same after a pause). */
static void
fail_over(struct gm_group *g, const char *why)
{
	char a[INET6_ADDRSTRLEN];

	gm_count(g, GM_C_REG_FAILED, "registration with %s failed: %s",
		 ip_str(&g->servers[g->server], a, sizeof(a)), why);
	ike1_sa_wipe(&g->p1);
	g->computing = false;
	g->server = (g->server + 1) % g->nservers;
	if (g->server == 0) {
		/* every server tried: SAs forward until they expire, then fail-open rules */
		set_state(g, GM_ST_BACKOFF);
		ctl_timer_arm(g->m->loop, &g->retx_timer, GM_BACKOFF_MS);
		return;
	}
	g->ctr[GM_C_SERVER_FAILOVER]++;
	start_mm(g);
}

static void
retx_fire(struct ctl_loop *l __rte_unused, struct ctl_timer *t __rte_unused, void *arg)
{
	struct gm_group *g = arg;

	switch (g->state) {
	case GM_ST_MM:
	case GM_ST_PULL:
		if (g->tries < GM_TRIES) {
			g->ctr[GM_C_RETRANSMITS]++;
			send_tx(g);
		} else {
			fail_over(g, "no answer");
		}
		break;
	case GM_ST_IDLE:
		if (g->m->if_up != NULL && !g->m->if_up(g->m->if_up_arg, g->ifname)) {
			ctl_timer_arm(g->m->loop, &g->retx_timer, GM_TICK_MS);
			break;
		}
		/* fall through */
	case GM_ST_BACKOFF:
		start_mm(g);
		break;
	default:
		break;
	}
}

static void
rekey_fire(struct ctl_loop *l __rte_unused, struct ctl_timer *t __rte_unused, void *arg)
{
	struct gm_group *g = arg;

	if (g->state == GM_ST_REGISTERED) {
		GW_LOG(ike, NOTICE, "group-vpn member %s: keys running out: re-registering",
		       g->name);
		g->server = 0;
		start_mm(g);
	}
}

/* ---- install ---- */

static void
sel_str(const struct gw_prefix *p, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, &p->v4, a, sizeof(a));
	snprintf(buf, n, "%s/%u", a, p->len);
}

/*
 * The outbound binding of a selector pair, "vpn:src>dst"; IPv6 pairs that do not fit
 * a term name become "vpn:" and a hash of the pair, never a truncation two pairs share.
 */
static void
bind_name(const struct gm_group *g, const char *src, const char *dst, char *out, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	const char *p;
	int len;

	len = snprintf(out, n, "%.20s:%s>%s", g->name, src, dst);
	if (len >= 0 && (size_t)len < n)
		return;
	for (p = src; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h = (h ^ '>') * 16777619u;
	for (p = dst; *p != '\0'; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	snprintf(out, n, "%.20s:%.20s>#%08x", g->name, src, h);
}

static bool
prefix_eq(const struct gw_prefix *a, const struct gw_prefix *b)
{
	if (a->family != b->family || a->len != b->len)
		return false;
	return a->family == AF_INET6 ? memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0 :
	       a->v4.s_addr == b->v4.s_addr;
}

static bool
prefix_covers(const struct gw_prefix *outer, const struct gw_prefix *inner)
{
	uint32_t mask = outer->len == 0 ? 0 : htonl(~0u << (32 - outer->len));
	unsigned int whole = outer->len / 8, rest = outer->len % 8;

	if (outer->family != inner->family || outer->len > inner->len)
		return false;
	if (outer->family == AF_INET)
		return (inner->v4.s_addr & mask) == outer->v4.s_addr;
	if (memcmp(&outer->v6, &inner->v6, whole) != 0)
		return false;
	return rest == 0 || ((outer->v6.s6_addr[whole] ^ inner->v6.s6_addr[whole]) &
			     (uint8_t)(0xff << (8 - rest))) == 0;
}

/*
 * Install the terms: one protect term per selector pair the group knows (with or
 * without a usable SA: fail-closed), then the fail-open rules.
 */
static int
set_terms(struct gm_group *g)
{
	struct gw_spd_term terms[GM_MAX_SAS + 10];
	unsigned int n = 0, i, j, nprot;
	int ret;

	memset(terms, 0, sizeof(terms));
	for (i = 0; i < GM_MAX_SAS; i++) {
		const struct gm_bind *b = &g->binds[i];

		if (!b->used)
			continue;
		snprintf(terms[n].name, sizeof(terms[n].name), "%s", b->name);
		terms[n].src = b->src;
		terms[n].dst = b->dst;
		terms[n].action = GW_POLICY_PROTECT;
		snprintf(terms[n].sa, sizeof(terms[n].sa), "%s", b->name);
		n++;
	}
	nprot = n;
	for (i = 0; i < g->nfail_open && nprot > 0; i++) {
		struct gw_spd_term *t = &terms[n];

		*t = g->fail_open[i];
		/* the slot whose loss opens the rule: the protect term that covers it */
		memcpy(t->sa, terms[0].sa, sizeof(t->sa));
		for (j = 0; j < nprot; j++)
			if (prefix_covers(&terms[j].src, &t->src) &&
			    prefix_covers(&terms[j].dst, &t->dst)) {
				memcpy(t->sa, terms[j].sa, sizeof(t->sa));
				break;
			}
		n++;
	}
	ret = g->m->in.ops->set_policy(g->m->in.ctx, g->owner, g->ifname, g->dir, terms, n);
	if (ret < 0)
		gm_count(g, GM_C_INSTALL_FAILED, "policy on %s: %s", g->ifname, strerror(-ret));
	return ret;
}

static void
bind_add(struct gm_group *g, const struct gm_sa *s)
{
	struct gm_bind *free_b = NULL;

	for (unsigned int i = 0; i < GM_MAX_SAS; i++) {
		if (g->binds[i].used && strcmp(g->binds[i].name, s->bind) == 0)
			return;
		if (!g->binds[i].used && free_b == NULL)
			free_b = &g->binds[i];
	}
	if (free_b == NULL)
		return;
	free_b->used = true;
	snprintf(free_b->name, sizeof(free_b->name), "%s", s->bind);
	free_b->src = s->tek.src;
	free_b->dst = s->tek.dst;
}

static void
sa_delete(struct gm_group *g, struct gm_sa *s, const char *why)
{
	const struct gw_install *in = &g->m->in;

	GW_LOG(ike, NOTICE, "group-vpn member %s: TEK %08x deleted (%s)", g->name, s->tek.spi,
	       why);
	if (s->in_id != GW_SA_ID_NONE)
		in->ops->del_sa(in->ctx, s->in_id);
	if (s->out_id != GW_SA_ID_NONE)
		in->ops->del_sa(in->ctx, s->out_id);
	OPENSSL_cleanse(s, sizeof(*s));
	g->ctr[GM_C_TEK_DELETED]++;
}

static struct gm_sa *
sa_find(struct gm_group *g, uint32_t spi)
{
	for (unsigned int i = 0; i < GM_MAX_SAS; i++)
		if (g->sas[i].used && g->sas[i].tek.spi == spi)
			return &g->sas[i];
	return NULL;
}

static int
spec_of(struct gm_group *g, const struct gm_sa *s, enum gw_sa_dir dir, struct gw_sa_spec *sp)
{
	char why[256];
	int ret;

	memset(sp, 0, sizeof(*sp));
	ret = gm_tek_params(&s->tek, dir, &sp->params, why, sizeof(why));
	if (ret < 0) {
		gm_count(g, GM_C_POLICY_REFUSED, "%s", why);
		return ret;
	}
	snprintf(sp->params.label, sizeof(sp->params.label), "%s:%08x", g->name, s->tek.spi);
	sp->params.df = g->df;
	sp->params.tunnel_mtu = g->tunnel_mtu;
	/* the delay-detection window comes from the key server (GAP D3P) */
	if (g->gap.d3p_type != 0)
		sp->params.tbar_window_ms = g->gap.d3p_window_ms;
	if (s->expires_ms != 0)
		sp->params.lifetime.hard_seconds = (s->expires_ms - ctl_now_ms() + 999) / 1000;
	if (dir == GW_SA_OUTBOUND)
		snprintf(sp->bind, sizeof(sp->bind), "%s", s->bind);
	return 0;
}

static int
install_out(struct gm_group *g, struct gm_sa *s)
{
	struct gw_sa_spec sp;
	int ret = spec_of(g, s, GW_SA_OUTBOUND, &sp);

	if (ret == 0)
		ret = g->m->in.ops->add_sa(g->m->in.ctx, g->owner, &sp, &s->out_id);
	OPENSSL_cleanse(&sp, sizeof(sp));
	if (ret < 0)
		gm_count(g, GM_C_INSTALL_FAILED, "outbound SA %08x: %s", s->tek.spi,
			 strerror(-ret));
	else
		GW_LOG(ike, NOTICE, "group-vpn member %s: TEK %08x encrypts %s", g->name,
		       s->tek.spi, s->bind);
	return ret;
}

/*
 * A paired policy: the TEK's selectors are symmetric or another TEK carries the
 * reverse direction (Junos refuses a one-way TEK policy; RFC 6407 leaves it open).
 */
static bool
tek_paired(const struct gm_policy *p, const struct gm_tek *t)
{
	if (prefix_eq(&t->src, &t->dst))
		return true;
	for (unsigned int i = 0; i < p->nteks; i++)
		if (prefix_eq(&p->tek[i].src, &t->dst) && prefix_eq(&p->tek[i].dst, &t->src))
			return true;
	return false;
}

/*
 * Install what a PULL (full = true: SAs not in it go) or a PUSH downloaded.
 * Outbound: a TEK that replaces one of the same selectors encrypts from
 * activate_ms on; inbound SAs decrypt at once (old and new together).
 */
static void
take_kek(struct gm_group *g, struct gm_policy *p)
{
	if (!p->has_kek)
		return;
	if (g->has_kek && memcmp(g->kek.spi, p->kek.spi, GDOI_KEK_SPI_LEN) != 0) {
		g->ctr[GM_C_KEK_REKEYS]++;
		GW_LOG(ike, NOTICE, "group-vpn member %s: KEK rekeyed (SPI %02x%02x%02x%02x...)",
		       g->name, p->kek.spi[0], p->kek.spi[1], p->kek.spi[2], p->kek.spi[3]);
	}
	EVP_PKEY_free(g->kek.pub);
	g->kek = p->kek;
	p->kek.pub = NULL;		/* moved */
	p->has_kek = false;
	g->has_kek = true;
	g->kek_expires_ms = g->kek.pol.lifetime_s != 0 ?
			    ctl_now_ms() + (uint64_t)g->kek.pol.lifetime_s * 1000 : 0;
}

int
gm_install_policy(struct gm_group *g, struct gm_policy *p, bool full)
{
	uint64_t now = ctl_now_ms();
	unsigned int i, j;
	int ret;

	/* a PUSH's new KEK stands whatever its TEKs (the next PUSH comes under it) */
	if (!full)
		take_kek(g, p);
	for (i = 0; i < p->nteks; i++)
		if (!tek_paired(p, &p->tek[i])) {
			char s[INET6_ADDRSTRLEN + 4], d[INET6_ADDRSTRLEN + 4];

			sel_str(&p->tek[i].src, s, sizeof(s));
			sel_str(&p->tek[i].dst, d, sizeof(d));
			gm_count(g, GM_C_POLICY_REFUSED, "TEK %08x policy %s -> %s has no reverse "
				 "policy: registration refused", p->tek[i].spi, s, d);
			return -EPROTO;
		}
	if (p->has_gap)
		g->gap = p->gap;
	take_kek(g, p);
	if (full) {
		/* the key server's policy now: selector pairs it no longer has go */
		for (j = 0; j < GM_MAX_SAS; j++) {
			bool kept = false;

			for (i = 0; i < p->nteks && g->binds[j].used; i++)
				kept |= prefix_eq(&p->tek[i].src, &g->binds[j].src) &&
					prefix_eq(&p->tek[i].dst, &g->binds[j].dst);
			if (g->binds[j].used && !kept)
				memset(&g->binds[j], 0, sizeof(g->binds[j]));
		}
		for (j = 0; j < GM_MAX_SAS; j++) {
			bool kept = false;

			if (!g->sas[j].used)
				continue;
			/*
			 * A TEK the download replaces (same selectors, new SPI) stays to
			 * its expiry: members that have not re-registered yet still send
			 * with it (old and new keys both decrypt).
			 */
			for (i = 0; i < p->nteks; i++)
				kept |= p->tek[i].spi == g->sas[j].tek.spi ||
					(prefix_eq(&p->tek[i].src, &g->sas[j].tek.src) &&
					 prefix_eq(&p->tek[i].dst, &g->sas[j].tek.dst));
			if (!kept)
				sa_delete(g, &g->sas[j], "not in the key server's policy");
		}
	}
	for (i = 0; i < p->nteks; i++) {
		struct gm_tek *t = &p->tek[i];
		struct gm_sa *s = sa_find(g, t->spi);
		uint64_t old_end = 0, old_life = 0, before;
		char src[INET6_ADDRSTRLEN + 4], dst[INET6_ADDRSTRLEN + 4];
		struct gw_sa_spec sp;

		if (s != NULL)
			continue;	/* the same TEK again: already installed */
		for (j = 0; j < GM_MAX_SAS && g->sas[j].used; j++)
			;
		if (j == GM_MAX_SAS) {
			gm_count(g, GM_C_INSTALL_FAILED, "more than %d TEKs", GM_MAX_SAS);
			return -ENOSPC;
		}
		s = &g->sas[j];
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->tek = *t;
		s->installed_ms = now;
		s->expires_ms = t->pol.life_s != 0 ? now + t->pol.life_s * 1000 : 0;
		sel_str(&t->src, src, sizeof(src));
		sel_str(&t->dst, dst, sizeof(dst));
		bind_name(g, src, dst, s->bind, sizeof(s->bind));
		/* outbound: when does this TEK take over from the current one? */
		for (j = 0; j < GM_MAX_SAS; j++) {
			const struct gm_sa *o = &g->sas[j];

			if (o != s && o->used && o->out_id != GW_SA_ID_NONE &&
			    strcmp(o->bind, s->bind) == 0 && o->expires_ms > old_end) {
				old_end = o->expires_ms;
				old_life = o->expires_ms - o->installed_ms;
			}
		}
		/*
		 * Every member re-registers by 5 % of the lifetime left: a short TEK
		 * (under 25 min) switches when 2 % of it remains, after the last pull,
		 * or the members that pulled first send what the others cannot read.
		 */
		before = RTE_MIN((uint64_t)GM_SWITCH_BEFORE_MS, old_life / 50);
		/*
		 * A PUSH: the GAP's activation time delay (none: now). A PULL
		 * re-registration: when 30 s of the old TEK remain.
		 */
		if (!full)
			s->activate_ms = now + (uint64_t)g->gap.atd * 1000;
		else if (old_end > now + before)
			s->activate_ms = old_end - before;
		else
			s->activate_ms = now;
		if (!full && g->gap.dtd != 0)	/* GAP DTD: the old ones go; none: at expiry */
			for (j = 0; j < GM_MAX_SAS; j++)
				if (&g->sas[j] != s && g->sas[j].used &&
				    strcmp(g->sas[j].bind, s->bind) == 0)
					g->sas[j].expires_ms = now + (uint64_t)g->gap.dtd * 1000;
		ret = spec_of(g, s, GW_SA_INBOUND, &sp);
		if (ret == 0)
			ret = g->m->in.ops->add_sa(g->m->in.ctx, g->owner, &sp, &s->in_id);
		OPENSSL_cleanse(&sp, sizeof(sp));
		if (ret < 0) {
			gm_count(g, GM_C_INSTALL_FAILED, "inbound SA %08x: %s", t->spi,
				 strerror(-ret));
			OPENSSL_cleanse(s, sizeof(*s));
			return ret;
		}
		g->ctr[GM_C_TEK_INSTALLED]++;
		bind_add(g, s);
		GW_LOG(ike, NOTICE, "group-vpn member %s: TEK %08x installed (%s -> %s, %llu s)",
		       g->name, t->spi, src, dst, (unsigned long long)t->pol.life_s);
		if (s->activate_ms <= now) {
			ret = install_out(g, s);
			if (ret < 0)
				return ret;
		}
	}
	return set_terms(g);
}

/* Re-register when 7 to 5 % of the shortest lifetime is left (jittered). */
static void
arm_rekey(struct gm_group *g)
{
	uint64_t now = ctl_now_ms(), first = UINT64_MAX, life = 0, at;
	uint16_t r = 0;

	for (unsigned int i = 0; i < GM_MAX_SAS; i++) {
		const struct gm_sa *s = &g->sas[i];

		if (s->used && s->expires_ms != 0 && s->expires_ms < first) {
			first = s->expires_ms;
			life = s->expires_ms - s->installed_ms;
		}
	}
	if (g->has_kek && g->kek_expires_ms != 0 && g->kek_expires_ms < first) {
		first = g->kek_expires_ms;
		life = (uint64_t)g->kek.pol.lifetime_s * 1000;
	}
	if (first == UINT64_MAX)
		return;
	RAND_bytes((uint8_t *)&r, sizeof(r));
	at = first - life * (500 + r % 201) / 10000;
	ctl_timer_arm_at(g->m->loop, &g->rekey_timer, at > now ? at : now);
}

static void
tick(struct ctl_loop *l __rte_unused, struct ctl_timer *t __rte_unused, void *arg)
{
	struct gm_group *g = arg;
	uint64_t now = ctl_now_ms();
	bool changed = false;

	for (unsigned int i = 0; i < GM_MAX_SAS; i++) {
		struct gm_sa *s = &g->sas[i];

		if (!s->used)
			continue;
		if (s->expires_ms != 0 && s->expires_ms <= now) {
			sa_delete(g, s, "lifetime expired");
			changed = true;
		} else if (s->out_id == GW_SA_ID_NONE && s->activate_ms <= now) {
			install_out(g, s);
			changed = true;
		}
	}
	if (g->has_kek && g->kek_expires_ms != 0 && g->kek_expires_ms <= now) {
		GW_LOG(ike, NOTICE, "group-vpn member %s: KEK expired", g->name);
		EVP_PKEY_free(g->kek.pub);
		OPENSSL_cleanse(&g->kek, sizeof(g->kek));
		g->has_kek = false;
	}
	if (changed)
		set_terms(g);
	ctl_timer_arm(g->m->loop, &g->sa_timer, GM_TICK_MS);
}

static void
registered(struct gm_group *g)
{
	char a[INET6_ADDRSTRLEN];
	int ret;

	ctl_timer_cancel(g->m->loop, &g->retx_timer);
	if (g->pend.has_seq) {
		g->seq = g->pend.seq;
		g->seq_valid = true;
	}
	ret = gm_install_policy(g, &g->pend, true);
	gm_policy_wipe(&g->pend);
	if (ret < 0) {
		fail_over(g, "policy refused");
		return;
	}
	g->ctr[GM_C_REGISTRATIONS]++;
	g->registered_ms = ctl_now_ms();
	set_state(g, GM_ST_REGISTERED);
	GW_LOG(ike, NOTICE, "group-vpn member %s: registered with %s for group %u",
	       g->name, ip_str(&g->servers[g->server], a, sizeof(a)), g->group_id);
	arm_rekey(g);
}

/* ---- receive ---- */

/* The Main Mode message made (or why not): sent, or counted and perhaps the next server. */
static void
mm_send(struct gm_group *g, int ret, size_t out)
{
	if (ret < 0) {
		gm_count(g, ret == -EACCES ? GM_C_HASH_FAILED : GM_C_RX_UNEXPECTED,
			 "Main Mode: %s", g->p1.why[0] ? g->p1.why : strerror(-ret));
		if (ret == -EACCES || ret == -ENOTSUP)
			fail_over(g, "phase 1 refused");
		return;
	}
	g->tx_len = out;
	g->tries = 0;
	send_tx(g);
}

/* g^xy is known (gm_async.c): the phase 1 keys, then message 5. */
static void
mm4_keyed(struct gm_group *g, int rc, const uint8_t *g_xy, size_t len)
{
	size_t out = 0;

	if (rc < 0)
		snprintf(g->p1.why, sizeof(g->p1.why), "key server's KE refused (DH group %u)",
			 g->p1.xf.group);
	if (rc == 0)
		rc = ike1_sa_derive(&g->p1, g->psk, g->psk_len, g_xy, len);
	if (rc == 0)
		rc = ike1_mm_i5_addr(&g->p1, g->local.family, (const uint8_t *)&g->local.v4,
				     g->tx, sizeof(g->tx), &out);
	mm_send(g, rc, out);
}

/* Our key pair is made (gm_async.c): message 3. */
static void
mm2_paired(struct gm_group *g, int rc, const uint8_t *g_xy, size_t len)
{
	size_t out = 0;

	(void)g_xy;
	(void)len;
	if (rc == 0)
		rc = ike1_mm_i3(&g->p1, g->tx, sizeof(g->tx), &out);
	mm_send(g, rc, out);
}

static void
mm_step(struct gm_group *g, uint8_t *buf, size_t len)
{
	size_t out = 0;
	int ret;

	switch (g->p1.state) {
	case IKE1_ST_MM1:
		if (g->computing)	/* a retransmitted 2 while our pair is made */
			return;
		ret = ike1_mm_i2(&g->p1, g->xf, g->nxf, buf, len);
		if (ret == 0)
			ret = gm_async_pair(g, mm2_paired);
		if (ret == 0)
			return;		/* mm2_paired goes on */
		break;
	case IKE1_ST_MM3:
		if (buf[GDOI_HDR_LEN - 11] & GDOI_FLAG_ENC)	/* a retransmitted 4 is clear */
			return;
		if (g->computing)	/* a retransmitted 4 while g^xy is made */
			return;
		ret = ike1_mm_i4_peer(&g->p1, buf, len);
		if (ret == 0)
			ret = gm_async_dh(g, mm4_keyed);
		if (ret == 0)
			return;		/* mm4_keyed goes on */
		break;
	case IKE1_ST_MM5:
		ret = ike1_mm_i6(&g->p1, buf, len);
		if (ret == 0) {
			GW_LOG(ike, INFO, "group-vpn member %s: phase 1 established (%s, %s, "
			       "group %u)", g->name, gdoi_cipher_name(g->p1.cipher),
			       gdoi_hash_name(g->p1.hash), g->p1.xf.group);
			set_state(g, GM_ST_PULL);
			ret = gm_pull1(g);
			out = g->tx_len;
		}
		break;
	default:
		return;
	}
	mm_send(g, ret, out);
}

static void
pull_step(struct gm_group *g, uint8_t *buf, size_t len, uint32_t mid)
{
	int ret;

	if (mid != g->mid) {
		gm_count(g, GM_C_RX_UNEXPECTED, "PULL message with Message ID %08x", mid);
		return;
	}
	if (g->nr_len == 0) {
		ret = gm_pull2(g, buf, len);
		if (ret == 0) {
			g->tries = 0;
			send_tx(g);
		} else if (ret == -ENOTSUP || ret == -EPROTO) {
			fail_over(g, "policy refused");
		}
		return;
	}
	ret = gm_pull4(g, buf, len);
	if (ret == 0)
		registered(g);
	else if (ret == -ENOTSUP || ret == -EBADMSG)
		fail_over(g, "key download refused");
}

static void
del_payloads(struct gm_group *g, const struct gdoi_msg *msg)
{
	for (unsigned int i = 0; i < msg->npl; i++) {
		const struct gdoi_delete *d = &msg->pl[i].u.del;

		if (msg->pl[i].type != GDOI_PL_DELETE || msg->pl[i].nested != 0)
			continue;
		if (d->spi_size == GDOI_KEK_SPI_LEN) {
			/* the KEK: no more pushes; keep the TEKs to their expiry */
			EVP_PKEY_free(g->kek.pub);
			OPENSSL_cleanse(&g->kek, sizeof(g->kek));
			g->has_kek = false;
			GW_LOG(ike, NOTICE, "group-vpn member %s: KEK deleted by the key server",
			       g->name);
			continue;
		}
		if (d->spi_size != 4)
			continue;
		for (unsigned int k = 0; k < d->nspi; k++) {
			const uint8_t *p = d->spis.p + 4 * k;
			uint32_t spi = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				       (uint32_t)p[2] << 8 | p[3];

			for (unsigned int j = 0; j < GM_MAX_SAS; j++)
				if (g->sas[j].used && (spi == 0 || g->sas[j].tek.spi == spi))
					sa_delete(g, &g->sas[j], "deleted by the key server");
		}
	}
	set_terms(g);
}

static struct gdoi_msg push_msg;

static void
push_step(struct gm_group *g, struct gm_sock *s, uint8_t *buf, size_t len,
	  const struct sockaddr_storage *from, socklen_t flen)
{
	static uint8_t ack[512];
	struct gm_policy p;
	size_t ack_len;
	int ret;

	ret = gm_push_receive(g, buf, len, &p, &push_msg, ack, sizeof(ack), &ack_len);
	if (ret < 0)
		return;
	GW_LOG(ike, NOTICE, "group-vpn member %s: PUSH SEQ %u accepted (%u TEKs%s)", g->name,
	       p.seq, p.nteks, p.has_kek ? ", KEK" : "");
	del_payloads(g, &push_msg);
	if (p.nteks != 0 || p.has_kek) {
		gm_install_policy(g, &p, false);
		arm_rekey(g);
	}
	gm_policy_wipe(&p);
	if (ack_len != 0)
		sendto(s->fd, ack, ack_len, 0, (const struct sockaddr *)from, flen);
}

static void
on_rx(struct ctl_loop *l __rte_unused, int fd, uint32_t events __rte_unused, void *arg)
{
	static uint8_t buf[65536];
	struct gm_member *m = arg;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char a[INET6_ADDRSTRLEN];
	struct gdoi_perr err;
	struct gdoi_hdr h;
	struct gm_sock *s = NULL;
	ssize_t n;

	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	for (unsigned int i = 0; i < m->nsocks; i++)
		if (m->socks[i].fd == fd)
			s = &m->socks[i];
	if (gdoi_hdr_parse(buf, (size_t)n, &h, &err) < 0 || h.length != (uint32_t)n) {
		if (m->ngroups != 0)
			gm_count(m->groups[0], GM_C_RX_MALFORMED, "message from %s: %s",
				 from_str(&from, a, sizeof(a)), err.msg);
		return;
	}
	for (unsigned int i = 0; i < m->ngroups; i++) {
		struct gm_group *g = m->groups[i];

		if (h.exchange == GDOI_EXCH_PUSH) {
			if (g->has_kek && memcmp(h.icookie, g->kek.spi, GDOI_COOKIE_LEN) == 0 &&
			    memcmp(h.rcookie, g->kek.spi + GDOI_COOKIE_LEN,
				   GDOI_COOKIE_LEN) == 0) {
				push_step(g, s, buf, (size_t)n, &from, flen);
				return;
			}
			continue;
		}
		if (memcmp(h.icookie, g->p1.cky_i, GDOI_COOKIE_LEN) != 0 ||
		    (g->state != GM_ST_MM && g->state != GM_ST_PULL))
			continue;
		if (h.exchange == GDOI_EXCH_IDPROT && g->state == GM_ST_MM)
			mm_step(g, buf, (size_t)n);
		else if (h.exchange == GDOI_EXCH_PULL && g->state == GM_ST_PULL)
			pull_step(g, buf, (size_t)n, h.msgid);
		else if (h.exchange == GDOI_EXCH_INFO)
			gm_count(g, GM_C_RX_UNEXPECTED, "Informational message from the key "
				 "server (not processed)");
		else
			gm_count(g, GM_C_RX_UNEXPECTED, "exchange %u in state %s", h.exchange,
				 state_names[g->state]);
		return;
	}
	if (m->ngroups != 0)
		gm_count(m->groups[0], GM_C_RX_UNKNOWN_SA, "message of exchange %u from %s "
			 "matches no exchange or KEK", h.exchange, from_str(&from, a, sizeof(a)));
}

/* ---- configuration ---- */

static const uint16_t enc_ike[][2] = {	/* gw_gm_enc_names: ENCRYPTION, KEY_LENGTH */
	{ 1, 0 }, { 5, 0 }, { 7, 128 }, { 7, 192 }, { 7, 256 },
};
static const uint16_t hash_ike[] = { 1, 2, 4 };		/* gw_gm_hash_names */
static const uint16_t dh_ike[] = { 1, 2, 5, 14, 19, 20 };	/* gw_gm_dh_names */

static struct gm_group *
group_new(struct gm_member *m, const struct gw_config *conf, const struct gw_conf_gm_vpn *v,
	  unsigned int idx)
{
	const struct gw_conf_gm *c = &conf->gm;
	const struct gw_conf_gm_gateway *gw = NULL;
	const struct gw_conf_gm_ike_policy *pol = NULL;
	struct gm_group *g = calloc(1, sizeof(*g));
	unsigned int i, j;

	if (g == NULL)
		return NULL;
	for (i = 0; i < c->nb_gateways; i++)
		if (strcmp(c->gateways[i].name, v->ike_gateway) == 0)
			gw = &c->gateways[i];
	for (i = 0; gw != NULL && i < c->nb_ike_policies; i++)
		if (strcmp(c->ike_policies[i].name, gw->ike_policy) == 0)
			pol = &c->ike_policies[i];
	if (pol == NULL) {	/* the loader checked the references */
		free(g);
		errno = EINVAL;
		return NULL;
	}
	g->m = m;
	g->owner = GW_OWNER(GW_OWNER_GDOI, idx);	/* 0: gm_member_apply picks one */
	snprintf(g->name, sizeof(g->name), "%s", v->name);
	g->group_id = v->group;
	snprintf(g->ifname, sizeof(g->ifname), "%s", v->interface);
	g->dir = v->direction;
	g->df = v->df;
	g->tunnel_mtu = v->tunnel_mtu;
	g->sig_fmt = v->kek_signature == 1 ? GDOI_SIG_PKCS1_RAW : GDOI_SIG_PKCS1_DIGESTINFO;
	g->dopts.gap_ids.d3p_type = v->d3p_type_attr;
	g->dopts.gap_ids.d3p_window = v->d3p_window_attr;
	g->dopts.parse_flags = v->tek_id_length == 1 ? GDOI_WIRE_SAT_ID_LEN1 : 0;
	for (i = 0; i < pol->nb_proposals && g->nxf < IKE1_MAX_XFORMS; i++)
		for (j = 0; j < c->nb_proposals; j++) {
			const struct gw_conf_gm_proposal *pr = &c->proposals[j];

			if (strcmp(pr->name, pol->proposals[i]) != 0)
				continue;
			struct ike1_xform *x = &g->xf[g->nxf++];

			/* field by field on zeroed memory: same_config() compares octets */
			x->enc = enc_ike[pr->enc][0];
			x->key_bits = enc_ike[pr->enc][1];
			x->hash = hash_ike[pr->hash];
			x->group = dh_ike[pr->dh_group];
			x->auth = GDOI_IKE_AUTH_PSK;
			x->life_s = pr->lifetime_s;
		}
	g->psk_len = strlen(pol->psk);
	memcpy(g->psk, pol->psk, g->psk_len);
	g->nservers = gw->nb_servers;
	memcpy(g->servers, gw->servers, sizeof(g->servers));
	g->local = gw->local;
	for (i = 0; i < v->nb_fail_open; i++) {
		struct gw_spd_term *t = &g->fail_open[g->nfail_open++];

		snprintf(t->name, sizeof(t->name), "fail-open-%.40s", v->fail_open[i].name);
		t->src = v->fail_open[i].src;
		t->dst = v->fail_open[i].dst;
		t->action = GW_POLICY_FAIL_OPEN;
	}
	ctl_timer_init(&g->retx_timer, retx_fire, g);
	ctl_timer_init(&g->rekey_timer, rekey_fire, g);
	ctl_timer_init(&g->sa_timer, tick, g);
	return g;
}

static void
group_free(struct gm_group *g)
{
	struct gm_member *m = g->m;

	ctl_timer_cancel(m->loop, &g->retx_timer);
	ctl_timer_cancel(m->loop, &g->rekey_timer);
	ctl_timer_cancel(m->loop, &g->sa_timer);
	m->in.ops->flush(m->in.ctx, g->owner);
	ctl_job_orphan_all(&g->jobs);	/* their results are freed when they come back */
	ike1_sa_wipe(&g->p1);
	gm_policy_wipe(&g->pend);
	EVP_PKEY_free(g->kek.pub);
	OPENSSL_cleanse(g, sizeof(*g));
	free(g);
}

struct gm_member *
gm_member_create(const struct gm_member_params *p)
{
	struct gm_member *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->loop = p->loop;
	m->in = p->install;
	m->if_up = p->if_up;
	m->if_up_arg = p->if_up_arg;
	m->port = p->port != 0 ? p->port : GDOI_PORT;
	m->helper = p->helper;
	current = m;
	return m;
}

/* The configuration part of a group record: from its name to its state. */
static bool
same_config(const struct gm_group *a, const struct gm_group *b)
{
	size_t from = offsetof(struct gm_group, name), to = offsetof(struct gm_group, state);

	return memcmp((const char *)a + from, (const char *)b + from, to - from) == 0;
}

static bool
owner_in_use(struct gm_group *const *gs, unsigned int n, uint32_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (gs[i] != NULL && gs[i]->owner.id == id)
			return true;
	return false;
}

int
gm_member_apply(struct gm_member *m, const struct gw_config *conf)
{
	struct gm_group *next[RTE_DIM(m->groups)] = { NULL };
	unsigned int i, j, n = conf->gm.nb_vpns;
	uint32_t id;

	if (n > RTE_DIM(m->groups))
		return -E2BIG;
	/* a group whose configuration did not change keeps running (and its SAs) */
	for (i = 0; i < n; i++) {
		next[i] = group_new(m, conf, &conf->gm.vpns[i], 0);
		if (next[i] == NULL) {
			while (i-- > 0)
				free(next[i]);
			return -errno;
		}
		for (j = 0; j < m->ngroups; j++)
			if (m->groups[j] != NULL && same_config(m->groups[j], next[i])) {
				OPENSSL_cleanse(next[i], sizeof(*next[i]));
				free(next[i]);
				next[i] = m->groups[j];
				m->groups[j] = NULL;
				break;
			}
	}
	for (j = 0; j < m->ngroups; j++)
		if (m->groups[j] != NULL)
			group_free(m->groups[j]);	/* removed or changed: flushed */
	/* new groups: an owner id no kept group has */
	for (i = 0; i < n; i++) {
		if (next[i]->owner.id != 0)
			continue;
		for (id = 1; owner_in_use(next, n, id); id++)
			;
		next[i]->owner = GW_OWNER(GW_OWNER_GDOI, id);
		ctl_timer_arm(m->loop, &next[i]->sa_timer, GM_TICK_MS);
		/* registration starts once the interface is up (checked every second) */
		ctl_timer_arm(m->loop, &next[i]->retx_timer, 0);
	}
	memcpy(m->groups, next, sizeof(next));
	m->ngroups = n;
	return 0;
}

void
gm_member_free(struct gm_member *m)
{
	if (m == NULL)
		return;
	for (unsigned int i = 0; i < m->ngroups; i++)
		group_free(m->groups[i]);
	for (unsigned int i = 0; i < m->nsocks; i++) {
		ctl_fd_del(m->loop, m->socks[i].h);
		close(m->socks[i].fd);
	}
	if (current == m)
		current = NULL;
	free(m);
}

int
gm_member_reregister(struct gm_member *m, const char *vpn)
{
	int ret = -ENOENT;

	for (unsigned int i = 0; i < m->ngroups; i++) {
		struct gm_group *g = m->groups[i];

		if (vpn != NULL && strcmp(vpn, g->name) != 0)
			continue;
		GW_LOG(ike, NOTICE, "group-vpn member %s: re-register requested", g->name);
		g->server = 0;
		start_mm(g);
		ret = 0;
	}
	return ret;
}
