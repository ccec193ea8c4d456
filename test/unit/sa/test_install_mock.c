/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The install interface as a protocol uses it, against the recording mock:
 * no DPDK is linked. A toy IKE child-SA handler (what lib/ike will do)
 * reserves the inbound SPI before negotiating, installs the pair and its
 * terms, rekeys make-before-break on the soft lifetime (old inbound kept
 * until the new pair is in), tears down on the hard lifetime and when its
 * configuration is removed; a failed install releases the reservation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "gw_test.h"
#include "mock_install.h"

/* ---- the toy protocol: one child SA of one IKE SA ---- */

struct toy_child {
	const struct gw_install *in;
	struct gw_owner owner;
	uint32_t peer_spi;		/* the peer's choice: our outbound SPI */
	gw_sa_id_t in_id, out_id;
	gw_sa_id_t old_in_id;		/* kept during a rekey */
	unsigned int rekeys, gone;
};

static void
toy_spec(struct gw_sa_spec *s, enum gw_sa_dir dir, uint32_t spi, uint8_t key)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->params.label, sizeof(s->params.label), "child-%s",
		 dir == GW_SA_INBOUND ? "in" : "out");
	snprintf(s->bind, sizeof(s->bind), "child");
	s->params.spi = spi;
	s->params.direction = dir;
	s->params.crypto.cipher = GW_CIPHER_AES_GCM16;
	s->params.crypto.cipher_key_len = 20;
	memset(s->params.crypto.cipher_key, key, 20);
	s->params.tunnel_local.family = s->params.tunnel_remote.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &s->params.tunnel_local.v4);
	inet_pton(AF_INET, "198.51.100.1", &s->params.tunnel_remote.v4);
	s->params.anti_replay = 1;
	s->params.lifetime.soft_seconds = 3000;
	s->params.lifetime.hard_seconds = 3600;
}

/* Install a new pair (a first negotiation or a rekey); the old outbound goes after. */
static int
toy_install_pair(struct toy_child *c, uint8_t key)
{
	const struct gw_install *in = c->in;
	struct gw_sa_spec s;
	uint32_t spi;
	gw_sa_id_t in_id, out_id;
	int ret;

	/* our SPI goes in the proposal: reserved before the SA exists */
	ret = in->ops->get_spi(in->ctx, c->owner, false, GW_SA_INBOUND, &spi);
	if (ret != 0)
		return ret;
	toy_spec(&s, GW_SA_INBOUND, spi, key);
	ret = in->ops->add_sa(in->ctx, c->owner, &s, &in_id);
	if (ret != 0) {
		in->ops->release_spi(in->ctx, c->owner, false, GW_SA_INBOUND, spi);
		return ret;
	}
	toy_spec(&s, GW_SA_OUTBOUND, c->peer_spi++, key);
	ret = in->ops->add_sa(in->ctx, c->owner, &s, &out_id);
	if (ret != 0) {
		in->ops->del_sa(in->ctx, in_id);
		return ret;
	}
	if (c->out_id != GW_SA_ID_NONE)
		in->ops->del_sa(in->ctx, c->out_id);	/* the new one carries the traffic */
	c->old_in_id = c->in_id;			/* still decrypts what is in flight */
	c->in_id = in_id;
	c->out_id = out_id;
	return 0;
}

static void
toy_event(const struct gw_ipsec_event *ev, void *arg)
{
	struct toy_child *c = arg;

	switch (ev->type) {
	case GW_SA_EV_SOFT_LIFETIME:
		if (ev->id == c->in_id || ev->id == c->out_id)
			c->rekeys += toy_install_pair(c, (uint8_t)(0x40 + c->rekeys)) == 0;
		break;
	case GW_SA_EV_HARD_LIFETIME:
	case GW_IPSEC_EV_OWNER_REMOVED:
		c->in->ops->flush(c->in->ctx, c->owner);
		c->in_id = c->out_id = c->old_in_id = GW_SA_ID_NONE;
		c->gone++;
		break;
	default:
		break;
	}
}

static int
toy_establish(struct toy_child *c, const struct gw_install *in, struct gw_owner owner)
{
	struct gw_spd_term t;
	int ret;

	memset(c, 0, sizeof(*c));
	c->in = in;
	c->owner = owner;
	c->peer_spi = 0xc0de0000;
	ret = in->ops->subscribe(in->ctx, owner, toy_event, c);
	if (ret == 0)
		ret = toy_install_pair(c, 0x11);
	if (ret != 0)
		return ret;
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "ts-1");
	t.dst.family = AF_INET;
	t.dst.len = 16;
	inet_pton(AF_INET, "10.2.0.0", &t.dst.v4);
	t.sport_hi = t.dport_hi = 65535;
	t.action = GW_POLICY_PROTECT;
	snprintf(t.sa, sizeof(t.sa), "child");
	return in->ops->set_policy(in->ctx, owner, "ge-0/0/0", GW_SA_OUTBOUND, &t, 1);
}

/* ---- tests ---- */

#define IKE3 GW_OWNER(GW_OWNER_IKE, 3)

static void
test_establish_rekey_teardown(void)
{
	static struct mock_install m;
	struct toy_child c;
	const struct mock_policy *p;
	gw_sa_id_t first_in, first_out;
	struct mock_sa *s;

	mock_install_init(&m);
	CHECK_EQ(toy_establish(&c, &m.in, IKE3), 0);
	/* the call sequence of an establishment */
	CHECK_EQ(m.nb_calls, 5);
	CHECK_EQ(m.calls[0].op, MOCK_SUBSCRIBE);
	CHECK_EQ(m.calls[1].op, MOCK_GET_SPI);
	CHECK_EQ(m.calls[2].op, MOCK_ADD_SA);
	CHECK_EQ(m.calls[2].spi, m.calls[1].spi);	/* the reserved SPI */
	CHECK_EQ(m.calls[3].op, MOCK_ADD_SA);
	CHECK_EQ(m.calls[3].spi, 0xc0de0000);
	CHECK_EQ(m.calls[4].op, MOCK_SET_POLICY);
	for (unsigned int i = 0; i < m.nb_calls; i++)
		CHECK(gw_owner_eq(m.calls[i].owner, IKE3));
	p = mock_policy(&m, IKE3, "ge-0/0/0", GW_SA_OUTBOUND);
	CHECK(p != NULL && p->n == 1 && strcmp(p->terms[0].sa, "child") == 0);
	s = mock_sa(&m, c.in_id);
	CHECK(s != NULL && strcmp(s->spec.bind, "child") == 0);
	first_in = c.in_id;
	first_out = c.out_id;

	/* soft lifetime: a new pair, the old inbound kept, the old outbound deleted */
	mock_raise(&m, c.out_id, GW_SA_EV_SOFT_LIFETIME);
	CHECK_EQ(c.rekeys, 1);
	CHECK(c.in_id != first_in && c.old_in_id == first_in);
	CHECK(mock_sa(&m, first_in) != NULL);		/* old and new inbound together */
	CHECK(mock_sa(&m, c.in_id) != NULL);
	CHECK(mock_sa(&m, first_out) == NULL);		/* stale now */
	CHECK_EQ(mock_sa_count(&m, IKE3), 3);
	CHECK_EQ(mock_count(&m, MOCK_GET_SPI), 2);
	CHECK_EQ(mock_count(&m, MOCK_DEL_SA), 1);
	/* a late event about the deleted SA is about nobody */
	mock_raise(&m, first_out, GW_SA_EV_SOFT_LIFETIME);
	CHECK_EQ(c.rekeys, 1);

	/* hard lifetime: the protocol flushes what it owns */
	mock_raise(&m, c.in_id, GW_SA_EV_HARD_LIFETIME);
	CHECK_EQ(c.gone, 1);
	CHECK_EQ(mock_sa_count(&m, IKE3), 0);
	CHECK(mock_policy(&m, IKE3, "ge-0/0/0", GW_SA_OUTBOUND) == NULL);
}

static void
test_failed_install_releases_spi(void)
{
	static struct mock_install m;
	struct toy_child c;

	mock_install_init(&m);
	memset(&c, 0, sizeof(c));
	c.in = &m.in;
	c.owner = IKE3;
	c.peer_spi = 1000;
	m.fail_op = MOCK_ADD_SA;
	m.fail_ret = -ENOSPC;
	CHECK_EQ(toy_install_pair(&c, 1), -ENOSPC);
	CHECK_EQ(m.nb_calls, 3);
	CHECK_EQ(m.calls[2].op, MOCK_RELEASE_SPI);
	CHECK_EQ(m.calls[2].spi, m.calls[0].spi);	/* the reservation goes back */
	CHECK_EQ(mock_sa_count(&m, IKE3), 0);
}

static void
test_owner_removed(void)
{
	static struct mock_install m;
	struct toy_child c;
	struct gw_ipsec_event ev = { .type = GW_IPSEC_EV_OWNER_REMOVED, .owner = IKE3 };

	mock_install_init(&m);
	CHECK_EQ(toy_establish(&c, &m.in, IKE3), 0);
	CHECK_EQ(mock_sa_count(&m, IKE3), 2);
	m.cb(&ev, m.cb_arg);	/* what gw_samgr_owner_removed delivers */
	CHECK_EQ(c.gone, 1);
	CHECK_EQ(mock_sa_count(&m, IKE3), 0);
	CHECK_EQ(mock_count(&m, MOCK_FLUSH), 1);
}

int
main(void)
{
	GW_RUN(test_establish_rekey_teardown);
	GW_RUN(test_failed_install_releases_spi);
	GW_RUN(test_owner_removed);
	return gw_test_result();
}
