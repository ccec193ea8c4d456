/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT traversal beyond detection (ike_init_*.c) and the float to 4500
 * (ike_daemon.c): NAT keepalives when we are behind a NAT (RFC 3948 4: one
 * 0xFF octet on the IKE 4500 socket when nothing else was sent for the
 * gateway's nat-keepalive seconds), following the peer when its NAT mapping
 * changes (RFC 7296 2.23: only on an authenticated message; IKE answers go
 * to the new address and port, every CHILD_SA is rekeyed so that its new
 * outbound SA carries ESP there, make-before-break; the old SAs cannot be
 * changed in place without restarting their sequence numbers), and the
 * ESP-in-UDP parameters of the CHILD_SAs: the vpn's multipath port
 * (`udp-encapsulate dest-udp-port`), else NAT-T from 4500 to the peer's port.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "gw_log.h"
#include "ike_sa.h"

#define NATT_TICK_MS 1000

static void natt_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg);

void
ike_natt_init(struct ike_sa *sa)
{
	ctl_timer_init(&sa->natt_timer, natt_fire, sa);
}

void
ike_natt_established(struct ike_daemon *d, struct ike_sa *sa)
{
	sa->last_tx_ms = ctl_now_ms();
	if (!ctl_timer_armed(&sa->natt_timer))
		ctl_timer_arm(d->loop, &sa->natt_timer, NATT_TICK_MS);
}

void
ike_natt_stop(struct ike_daemon *d, struct ike_sa *sa)
{
	ctl_timer_cancel(d->loop, &sa->natt_timer);
}

static void
send_keepalive(struct ike_daemon *d, struct ike_sa *sa)
{
	static const uint8_t ka = 0xff;

	if (sendto(ike_sock_fd(d, &sa->remote, true), &ka, 1, 0, &sa->remote.sa,
		   ike_addr_len(&sa->remote)) != 1) {
		GW_LOG(ike, DEBUG, "NAT keepalive to %s:%u: %s", ike_addr_str(&sa->remote),
		       ike_addr_port(&sa->remote), strerror(errno));
		return;
	}
	d->ctr.nat_keepalives++;
	sa->last_tx_ms = ctl_now_ms();
}

/* The next child still on the peer's old port: rekey it (window 1: one at a time). */
static void
follow_children(struct ike_daemon *d, struct ike_sa *sa)
{
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++) {
		struct ike_child *c = NULL;
		int rc;

		if (sa->follow_spis[i] == 0)
			continue;
		for (unsigned int j = 0; j < IKE_MAX_CHILDREN && c == NULL; j++)
			if (sa->children[j].used && sa->children[j].spi_in == sa->follow_spis[i])
				c = &sa->children[j];
		if (c == NULL) {	/* gone or already rekeyed by someone */
			sa->follow_spis[i] = 0;
			continue;
		}
		rc = ike_create_i_rekey(d, sa, c);
		if (rc == -EBUSY)
			return;		/* the next tick */
		if (rc != 0)
			IKE_SA_LOG(WARNING, sa, "CHILD_SA %08x not moved to the peer's new "
				   "port: %s", c->spi_in, strerror(-rc));
		sa->follow_spis[i] = 0;
		return;
	}
}

static void
natt_fire(struct ctl_loop *l, struct ctl_timer *t, void *arg)
{
	struct ike_sa *sa = arg;
	struct ike_daemon *d = sa->d;
	uint64_t ival = (uint64_t)(sa->gw->nat_keepalive ? sa->gw->nat_keepalive : 20) * 1000;

	if (sa->state != IKE_ST_ESTABLISHED)
		return;
	follow_children(d, sa);
	if (sa->natt && sa->nat_local && ctl_now_ms() - sa->last_tx_ms >= ival)
		send_keepalive(d, sa);
	ctl_timer_arm(l, t, NATT_TICK_MS);
}

void
ike_natt_follow(struct ike_daemon *d, struct ike_sa *sa, const union ike_sockaddr *from,
		bool natt)
{
	char was[INET6_ADDRSTRLEN];
	unsigned int n = 0;

	if (natt && !sa->natt)
		sa->natt = true;	/* the peer floated to 4500 (RFC 7296 2.23) */
	if (ike_addr_equal(&sa->remote, from))
		return;
	snprintf(was, sizeof(was), "%s", ike_addr_str(&sa->remote));
	sa->remote = *from;
	/* before the SA is up this is the float to 4500, not a NAT mapping that changed */
	if (sa->state != IKE_ST_ESTABLISHED)
		return;
	d->ctr.nat_peer_moved++;
	for (unsigned int i = 0; i < IKE_MAX_CHILDREN; i++) {
		sa->follow_spis[i] = sa->children[i].used ? sa->children[i].spi_in : 0;
		n += sa->children[i].used;
	}
	IKE_SA_LOG(NOTICE, sa, "peer moved from %s to %s:%u (its NAT mapping changed): IKE "
		   "follows, %u CHILD_SA(s) rekeyed onto it", was, ike_addr_str(from),
		   ike_addr_port(from), n);
	ctl_timer_arm(d->loop, &sa->natt_timer, 10);
}

void
ike_natt_encap(const struct ike_sa *sa, struct gw_sa_params *p)
{
	if (sa->vpn != NULL && sa->vpn->udp_port != 0) {
		/* multipath: source port 49152 + flow hash (lib/esp), the peer configured alike */
		p->udp_encap = GW_UDP_ENCAP_PORT;
		p->udp_port = (uint16_t)sa->vpn->udp_port;
	} else if (sa->natt) {
		/*
		 * RFC 3948: outbound from 4500 to the port the peer's IKE comes from
		 * (its NAT's); inbound arrives on our 4500 (lib/esp checks it)
		 */
		p->udp_encap = GW_UDP_ENCAP_NAT_T;
		p->udp_port = p->direction == GW_SA_OUTBOUND ? ike_addr_port(&sa->remote) : 0;
	} else {
		p->udp_encap = GW_UDP_ENCAP_NONE;
		p->udp_port = 0;
	}
}
