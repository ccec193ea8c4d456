/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel MTU enforcement before encryption and fragmentation of IPv4
 * (RFC 791 3.2, "An Example Fragmentation Procedure") and IPv6 (RFC 8200
 * 4.5) packets into fresh single-segment mbufs.
 */

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "gw_frag.h"
#include "frag_priv.h"

#define IPV4_HDR_MIN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define IPV6_HDR_LEN ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define IPV6_FRAG_LEN ((uint16_t)sizeof(struct rte_ipv6_fragment_ext))
#define IPV4_OPT_EOL 0
#define IPV4_OPT_NOP 1
#define IPV4_OPT_COPIED 0x80
#define ICMP_BURST_DEFAULT 10

/*
 * Identification of the outer IPv4 packets cut here, shared by all lcores.
 * The ESP packets of different SAs (and lcores) between the same tunnel
 * endpoints come with counters that start alike, and fragments of two
 * datagrams with one (source, destination, protocol, ID) break reassembly at
 * the peer (RFC 791, RFC 6864 4.2). One atomic add per packet cut.
 */
static _Atomic uint16_t outer_ip_id;

/* A random start, once (a later context must not move the counter back). */
static void
seed_outer_ip_id(void)
{
	uint16_t unset = 0;

	atomic_compare_exchange_strong(&outer_ip_id, &unset, (uint16_t)rte_rand());
}

int
gw_frag_params_init(struct gw_frag_params *p, uint16_t tunnel_mtu, uint16_t overhead,
		    bool clear_df, bool passive)
{
	uint16_t inner;

	if (p == NULL)
		return -EINVAL;
	inner = tunnel_mtu > overhead ? (uint16_t)(tunnel_mtu - overhead) : 0;
	if (inner < GW_FRAG_MIN_MTU_V4 && !passive)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->tunnel_mtu = tunnel_mtu;
	p->overhead = overhead;
	p->max_inner = inner;
	p->pmtu_v6 = RTE_MAX(inner, (uint16_t)GW_FRAG_MIN_MTU_V6);
	p->clear_df = clear_df;
	p->passive = passive;
	return 0;
}

struct gw_frag_ctx *
gw_frag_ctx_create(int socket_id, struct rte_mempool *pool, uint32_t icmp_rate,
		   uint32_t icmp_burst)
{
	struct gw_frag_ctx *ctx;

	if (pool == NULL || rte_pktmbuf_priv_size(pool) < sizeof(struct gw_meta)) {
		errno = EINVAL;
		return NULL;
	}
	ctx = rte_zmalloc_socket("gw_frag_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE, socket_id);
	if (ctx == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	ctx->pool = pool;
	ctx->ip_id = (uint16_t)rte_rand();
	seed_outer_ip_id();
	ctx->ip6_id = (uint32_t)rte_rand();
	if (icmp_rate != 0) {
		if (icmp_burst == 0)
			icmp_burst = ICMP_BURST_DEFAULT;
		ctx->tb_cost = RTE_MAX(rte_get_tsc_hz() / icmp_rate, (uint64_t)1);
		ctx->tb_max = ctx->tb_cost * icmp_burst;
		ctx->tb_credit = ctx->tb_max;
		ctx->tb_last = rte_rdtsc();
	}
	return ctx;
}

void
gw_frag_ctx_free(struct gw_frag_ctx *ctx)
{
	rte_free(ctx);
}

int
gw_frag_ctx_set_src(struct gw_frag_ctx *ctx, uint16_t port, rte_be32_t src4,
		    const uint8_t src6[16])
{
	if (ctx == NULL || port >= GW_MAX_PORTS)
		return -EINVAL;
	ctx->src[port].v4 = src4;
	ctx->src[port].has_v6 = src6 != NULL;
	if (src6 != NULL)
		memcpy(ctx->src[port].v6, src6, 16);
	return 0;
}

void
gw_frag_ctx_stats(const struct gw_frag_ctx *ctx, struct gw_frag_stats *st)
{
	*st = ctx->st;
}

/* Token bucket: one token per ICMP error, refilled at icmp_rate per second. */
static bool
icmp_token(struct gw_frag_ctx *ctx)
{
	uint64_t now;

	if (ctx->tb_cost == 0)
		return false;
	now = rte_rdtsc();
	ctx->tb_credit = RTE_MIN(ctx->tb_credit + (now - ctx->tb_last), ctx->tb_max);
	ctx->tb_last = now;
	if (ctx->tb_credit < ctx->tb_cost)
		return false;
	ctx->tb_credit -= ctx->tb_cost;
	return true;
}

struct burst_io {
	struct rte_mbuf **out;
	uint16_t out_max;
	uint16_t good;
	uint16_t bad;		/* stored reversed at the end of out[] */
	struct rte_mbuf **icmp;
	uint16_t icmp_max;
	uint16_t nb_icmp;
};

static void
put_bad(struct burst_io *b, struct rte_mbuf *m, enum gw_drop why)
{
	gw_meta(m)->drop = (uint8_t)why;
	b->bad++;
	b->out[b->out_max - b->bad] = m;
}

/* Move the dropped packets from the end of out[] to right after the good ones. */
static uint16_t
finish(struct burst_io *b, uint16_t *nb_out)
{
	struct rte_mbuf **t = b->out + b->out_max - b->bad;
	uint16_t i;

	for (i = 0; i < b->bad / 2; i++) {
		struct rte_mbuf *x = t[i];

		t[i] = t[b->bad - 1 - i];
		t[b->bad - 1 - i] = x;
	}
	if (b->bad != 0 && t != b->out + b->good)
		memmove(b->out + b->good, t, b->bad * sizeof(*t));
	*nb_out = (uint16_t)(b->good + b->bad);
	return b->good;
}

static void
queue_icmp(struct gw_frag_ctx *ctx, struct burst_io *b, struct rte_mbuf *m, bool v6,
	   uint32_t mtu)
{
	const struct frag_src *src;
	struct rte_mbuf *e;
	uint16_t port = gw_meta(m)->in_port;
	uint16_t l2 = m->l2_len;

	src = port < GW_MAX_PORTS ? &ctx->src[port] : NULL;
	if (b->nb_icmp >= b->icmp_max || src == NULL || (v6 ? !src->has_v6 : src->v4 == 0) ||
	    !(v6 ? frag_icmp6_allowed(m, l2) : frag_icmp4_allowed(m, l2))) {
		ctx->st.icmp_suppressed++;
		return;
	}
	if (!icmp_token(ctx)) {
		ctx->st.icmp_ratelimited++;
		return;
	}
	if (v6)
		e = frag_icmp6_ptb(ctx->pool, m, l2, src->v6, mtu);
	else
		e = frag_icmp4_frag_needed(ctx->pool, m, l2, src->v4, (uint16_t)mtu,
					   ctx->ip_id++);
	if (e == NULL) {
		ctx->st.icmp_nombuf++;
		return;
	}
	b->icmp[b->nb_icmp++] = e;
	ctx->st.icmp_sent++;
}

/* Options a non-first fragment carries: those with the copied flag (RFC 791). */
static uint16_t
v4_copied_opts(const uint8_t *opt, uint16_t len, uint8_t *dst)
{
	uint16_t i = 0, n = 0;

	while (i < len) {
		uint8_t type = opt[i], olen;

		if (type == IPV4_OPT_EOL)
			break;
		if (type == IPV4_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			break;		/* malformed: copy nothing more */
		if (type & IPV4_OPT_COPIED) {
			memcpy(dst + n, opt + i, olen);
			n = (uint16_t)(n + olen);
		}
		i = (uint16_t)(i + olen);
	}
	while (n & 3)
		dst[n++] = IPV4_OPT_EOL;
	return n;
}

static struct rte_mbuf *
new_frag(struct gw_frag_ctx *ctx, const struct rte_mbuf *m, uint16_t len, enum gw_drop *why)
{
	struct rte_mbuf *f = rte_pktmbuf_alloc(ctx->pool);

	if (f == NULL) {
		*why = GW_DROP_NO_MBUF;
		return NULL;
	}
	if (rte_pktmbuf_append(f, len) == NULL) {
		rte_pktmbuf_free(f);
		*why = GW_DROP_MTU_EXCEEDED;	/* pool buffers smaller than the MTU */
		return NULL;
	}
	frag_copy_md(f, m);
	return f;
}

static void
free_frags(struct rte_mbuf **f, uint16_t n)
{
	rte_pktmbuf_free_bulk(f, n);
}

/*
 * Cut the IPv4 packet m (header at m->l2_len, total length tlen) into
 * fragments of at most mtu IP bytes, written to dst[0, room). Returns the
 * number of fragments, or 0 with *why set (nothing allocated then).
 * A fragment of a fragment keeps the original offset and MF (RFC 791).
 */
static uint16_t
frag_v4(struct gw_frag_ctx *ctx, struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **dst,
	uint16_t room, enum gw_drop *why)
{
	const uint16_t l2 = m->l2_len;
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(pkt + l2);
	uint16_t hlen = (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
				   RTE_IPV4_IHL_MULTIPLIER);
	uint16_t tlen = rte_be_to_cpu_16(ip->total_length);
	uint16_t fo = rte_be_to_cpu_16(ip->fragment_offset);
	uint32_t base = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) * RTE_IPV4_HDR_OFFSET_UNITS;
	bool last_mf = (fo & RTE_IPV4_HDR_MF_FLAG) != 0;
	uint8_t opts[40];
	uint16_t nopt, nhlen, first_dl, next_dl, payload, nb, pos, i;

	nopt = v4_copied_opts(pkt + l2 + IPV4_HDR_MIN, (uint16_t)(hlen - IPV4_HDR_MIN), opts);
	nhlen = (uint16_t)(IPV4_HDR_MIN + nopt);
	if (mtu < hlen + 8 || mtu < nhlen + 8) {
		*why = GW_DROP_MTU_EXCEEDED;
		return 0;
	}
	first_dl = (uint16_t)((mtu - hlen) & ~7u);
	next_dl = (uint16_t)((mtu - nhlen) & ~7u);
	payload = (uint16_t)(tlen - hlen);
	nb = payload <= first_dl ? 1 :
		(uint16_t)(1 + (payload - first_dl + next_dl - 1) / next_dl);
	if (nb > room || nb > GW_FRAG_MAX_PER_PKT) {
		*why = GW_DROP_MTU_EXCEEDED;
		return 0;
	}

	for (i = 0, pos = 0; i < nb; i++) {
		uint16_t fh = i == 0 ? hlen : nhlen;
		uint16_t dl = RTE_MIN((uint16_t)(i == 0 ? first_dl : next_dl),
				      (uint16_t)(payload - pos));
		bool mf = i + 1 < nb || last_mf;
		struct rte_ipv4_hdr *fip;
		struct rte_mbuf *f;
		uint8_t *d;

		f = new_frag(ctx, m, (uint16_t)(l2 + fh + dl), why);
		if (f == NULL) {
			free_frags(dst, i);
			return 0;
		}
		d = rte_pktmbuf_mtod(f, uint8_t *);
		memcpy(d, pkt, l2);
		fip = (struct rte_ipv4_hdr *)(d + l2);
		if (i == 0) {
			memcpy(fip, ip, hlen);
		} else {
			memcpy(fip, ip, IPV4_HDR_MIN);
			memcpy(fip + 1, opts, nopt);
			fip->version_ihl = (uint8_t)(0x40 | (nhlen / RTE_IPV4_IHL_MULTIPLIER));
		}
		memcpy(d + l2 + fh, pkt + l2 + hlen + pos, dl);
		fip->total_length = rte_cpu_to_be_16((uint16_t)(fh + dl));
		fip->fragment_offset = rte_cpu_to_be_16((uint16_t)(
			((base + pos) / RTE_IPV4_HDR_OFFSET_UNITS) |
			(mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
		fip->hdr_checksum = 0;
		fip->hdr_checksum = rte_ipv4_cksum(fip);
		f->l3_len = fh;
		dst[i] = f;
		pos = (uint16_t)(pos + dl);
	}
	ctx->st.fragmented++;
	ctx->st.fragments += nb;
	return nb;
}

/*
 * Cut the IPv6 packet m (fixed header at m->l2_len, no extension header:
 * the whole payload is fragmentable) into fragments of at most mtu bytes
 * (RFC 8200 4.5). Returns the number of fragments or 0 with *why set.
 */
static uint16_t
frag_v6(struct gw_frag_ctx *ctx, struct rte_mbuf *m, uint16_t mtu, struct rte_mbuf **dst,
	uint16_t room, enum gw_drop *why)
{
	const uint16_t l2 = m->l2_len;
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(pkt + l2);
	uint16_t payload = rte_be_to_cpu_16(ip->payload_len);
	uint16_t dl_max, nb, pos, i;
	rte_be32_t id;

	switch (ip->proto) {
	case 0: case 43: case 44: case 51: case 60: case 135: case 139: case 140:
		/* Extension headers in the unfragmentable part: not produced by us. */
		*why = GW_DROP_FRAGMENT_UNSUPPORTED;
		return 0;
	}
	if (mtu < IPV6_HDR_LEN + IPV6_FRAG_LEN + 8) {
		*why = GW_DROP_MTU_EXCEEDED;
		return 0;
	}
	dl_max = (uint16_t)((mtu - IPV6_HDR_LEN - IPV6_FRAG_LEN) & ~7u);
	nb = (uint16_t)((payload + dl_max - 1) / dl_max);
	if (nb > room || nb > GW_FRAG_MAX_PER_PKT) {
		*why = GW_DROP_MTU_EXCEEDED;
		return 0;
	}
	id = rte_cpu_to_be_32(ctx->ip6_id++);

	for (i = 0, pos = 0; i < nb; i++) {
		uint16_t dl = RTE_MIN(dl_max, (uint16_t)(payload - pos));
		struct rte_ipv6_fragment_ext *fh;
		struct rte_ipv6_hdr *fip;
		struct rte_mbuf *f;
		uint8_t *d;

		f = new_frag(ctx, m, (uint16_t)(l2 + IPV6_HDR_LEN + IPV6_FRAG_LEN + dl), why);
		if (f == NULL) {
			free_frags(dst, i);
			return 0;
		}
		d = rte_pktmbuf_mtod(f, uint8_t *);
		memcpy(d, pkt, (size_t)l2 + IPV6_HDR_LEN);
		fip = (struct rte_ipv6_hdr *)(d + l2);
		fip->payload_len = rte_cpu_to_be_16((uint16_t)(IPV6_FRAG_LEN + dl));
		fip->proto = IPPROTO_FRAGMENT;
		fh = (struct rte_ipv6_fragment_ext *)(fip + 1);
		fh->next_header = ip->proto;
		fh->reserved = 0;
		fh->frag_data = rte_cpu_to_be_16((uint16_t)(pos | (i + 1 < nb ? 1 : 0)));
		fh->id = id;
		memcpy(fh + 1, pkt + l2 + IPV6_HDR_LEN + pos, dl);
		f->l3_len = IPV6_HDR_LEN + IPV6_FRAG_LEN;
		dst[i] = f;
		pos = (uint16_t)(pos + dl);
	}
	ctx->st.fragmented++;
	ctx->st.fragments += nb;
	return nb;
}

/* Header sanity of an IPv4 packet at l2; GW_DROP_NONE or the reason. */
static enum gw_drop
check_v4(const struct rte_mbuf *m, uint16_t *tlen)
{
	uint16_t dlen = rte_pktmbuf_data_len(m), l2 = m->l2_len, hlen;
	const struct rte_ipv4_hdr *ip;

	if (dlen < l2 + IPV4_HDR_MIN)
		return GW_DROP_BAD_IP_HDR;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
	hlen = (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER);
	if (hlen < IPV4_HDR_MIN || dlen < l2 + hlen)
		return GW_DROP_BAD_IP_HDR;
	*tlen = rte_be_to_cpu_16(ip->total_length);
	if (*tlen < hlen || *tlen > dlen - l2)
		return GW_DROP_BAD_IP_LEN;
	return GW_DROP_NONE;
}

static enum gw_drop
check_v6(const struct rte_mbuf *m, uint32_t *tlen)
{
	uint16_t dlen = rte_pktmbuf_data_len(m), l2 = m->l2_len;
	const struct rte_ipv6_hdr *ip;

	if (dlen < l2 + IPV6_HDR_LEN)
		return GW_DROP_BAD_IP_HDR;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l2);
	*tlen = (uint32_t)IPV6_HDR_LEN + rte_be_to_cpu_16(ip->payload_len);
	if (*tlen > (uint32_t)(dlen - l2))
		return GW_DROP_BAD_IP_LEN;
	return GW_DROP_NONE;
}

static uint8_t
ip_version(const struct rte_mbuf *m)
{
	if (rte_pktmbuf_data_len(m) <= m->l2_len)
		return 0;
	return *rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) >> 4;
}

/* Clear DF with an incremental checksum update (RFC 1624 eqn. 3). */
static void
clear_df(struct rte_ipv4_hdr *ip)
{
	uint16_t old = ip->fragment_offset;
	uint16_t new = (uint16_t)(old & ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG));
	uint32_t sum;

	ip->fragment_offset = new;
	sum = (uint16_t)~ip->hdr_checksum;
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = (uint16_t)~sum;
}

/* m is larger than mtu and may be cut: replace it by its fragments, or drop it. */
static void
cut(struct gw_frag_ctx *ctx, struct burst_io *b, struct rte_mbuf *m, uint16_t mtu,
    uint16_t room, bool v6)
{
	enum gw_drop why = GW_DROP_FRAGMENT_UNSUPPORTED;
	uint16_t nb = 0;

	if (m->nb_segs == 1)
		nb = v6 ? frag_v6(ctx, m, mtu, b->out + b->good, room, &why) :
			frag_v4(ctx, m, mtu, b->out + b->good, room, &why);
	if (nb == 0) {
		put_bad(b, m, why);
		return;
	}
	b->good = (uint16_t)(b->good + nb);
	rte_pktmbuf_free(m);
}

/* out[] is written ahead of in[]: they must not share memory. */
static bool
overlap(struct rte_mbuf *const *in, uint16_t n, struct rte_mbuf *const *out, uint16_t out_max)
{
	if (n == 0 || out_max == 0)
		return false;
	return (uintptr_t)in < (uintptr_t)(out + out_max) &&
		(uintptr_t)out < (uintptr_t)(in + n);
}

/* Slots packet i may fill: keep one for each packet still to come. */
static uint16_t
room_for(const struct burst_io *b, uint16_t n, uint16_t i)
{
	return (uint16_t)(b->out_max - b->good - b->bad - (n - i - 1));
}

static void
inner_one(struct gw_frag_ctx *ctx, const struct gw_frag_params *p, struct burst_io *b,
	  struct rte_mbuf *m, uint16_t room)
{
	enum gw_drop why = GW_DROP_NONE;

	switch (ip_version(m)) {
	case 4: {
		struct rte_ipv4_hdr *ip;
		uint16_t tlen;

		why = check_v4(m, &tlen);
		if (why != GW_DROP_NONE)
			break;
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
		if (p->clear_df && (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG))) {
			clear_df(ip);
			ctx->st.df_cleared++;
		}
		if (tlen <= p->max_inner) {
			b->out[b->good++] = m;
			return;
		}
		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) {
			queue_icmp(ctx, b, m, false, p->max_inner);
			why = GW_DROP_FRAG_NEEDED;
			break;
		}
		cut(ctx, b, m, p->max_inner, room, false);
		return;
	}
	case 6: {
		uint32_t tlen;

		why = check_v6(m, &tlen);
		if (why != GW_DROP_NONE)
			break;
		/* Up to 1280 always goes (then fragmented after encryption). */
		if (tlen <= p->max_inner || tlen <= GW_FRAG_MIN_MTU_V6) {
			b->out[b->good++] = m;
			return;
		}
		queue_icmp(ctx, b, m, true, p->pmtu_v6);
		why = GW_DROP_FRAG_NEEDED;
		break;
	}
	default:
		why = GW_DROP_BAD_IP_VERSION;
	}
	put_bad(b, m, why);
}

int
gw_frag_inner_burst(struct gw_frag_ctx *ctx, const struct gw_frag_params *p,
		    struct rte_mbuf **in, uint16_t n,
		    struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out,
		    struct rte_mbuf **icmp, uint16_t icmp_max, uint16_t *nb_icmp)
{
	struct burst_io b = {
		.out = out, .out_max = out_max, .icmp = icmp, .icmp_max = icmp_max,
	};
	uint16_t i;

	if (ctx == NULL || p == NULL || nb_out == NULL || out_max < n ||
	    (in == NULL && n != 0) || (out == NULL && out_max != 0) ||
	    (icmp == NULL && icmp_max != 0) || overlap(in, n, out, out_max))
		return -EINVAL;
	if (nb_icmp != NULL)
		*nb_icmp = 0;
	else
		b.icmp_max = 0;

	if (p->passive) {
		/* passive-mode-tunneling: no IP checks, no ICMP, nothing cut here. */
		memcpy(out, in, n * sizeof(*in));
		*nb_out = n;
		return n;
	}
	for (i = 0; i < n; i++)
		inner_one(ctx, p, &b, in[i], room_for(&b, n, i));
	if (nb_icmp != NULL)
		*nb_icmp = b.nb_icmp;
	return finish(&b, nb_out);
}

static void
outer_one(struct gw_frag_ctx *ctx, uint16_t mtu, struct burst_io *b, struct rte_mbuf *m,
	  uint16_t room, bool min6)
{
	uint8_t ver = ip_version(m);
	enum gw_drop why = GW_DROP_BAD_IP_VERSION;
	uint32_t tlen = 0;

	if (ver == 4) {
		uint16_t t4 = 0;

		why = check_v4(m, &t4);
		tlen = t4;
	} else if (ver == 6) {
		why = check_v6(m, &tlen);
	}
	if (why != GW_DROP_NONE) {
		put_bad(b, m, why);
		return;
	}
	if (tlen <= mtu) {
		b->out[b->good++] = m;
		return;
	}
	if (ver == 4) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
								   m->l2_len);

		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)) {
			if (!min6) {
				put_bad(b, m, GW_DROP_MTU_EXCEEDED);	/* the operator's df-bit */
				return;
			}
			ip->fragment_offset &= ~RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
			ctx->st.df_overridden++;
		}
		/* every fragment's checksum is computed afresh by frag_v4() */
		ip->packet_id = rte_cpu_to_be_16(atomic_fetch_add_explicit(&outer_ip_id, 1,
							memory_order_relaxed));
	}
	cut(ctx, b, m, mtu, room, ver == 6);
}

static int
outer_burst(struct gw_frag_ctx *ctx, uint16_t mtu, bool min6, struct rte_mbuf **in, uint16_t n,
	    struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out)
{
	struct burst_io b = { .out = out, .out_max = out_max };
	uint16_t i;

	if (ctx == NULL || nb_out == NULL || out_max < n || (in == NULL && n != 0) ||
	    (out == NULL && out_max != 0) || overlap(in, n, out, out_max))
		return -EINVAL;
	for (i = 0; i < n; i++)
		outer_one(ctx, mtu, &b, in[i], room_for(&b, n, i), min6);
	return finish(&b, nb_out);
}

int
gw_frag_outer_burst(struct gw_frag_ctx *ctx, uint16_t mtu,
		    struct rte_mbuf **in, uint16_t n,
		    struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out)
{
	return outer_burst(ctx, mtu, false, in, n, out, out_max, nb_out);
}

int
gw_frag_outer_burst_min6(struct gw_frag_ctx *ctx, uint16_t mtu,
			 struct rte_mbuf **in, uint16_t n,
			 struct rte_mbuf **out, uint16_t out_max, uint16_t *nb_out)
{
	return outer_burst(ctx, mtu, true, in, n, out, out_max, nb_out);
}
