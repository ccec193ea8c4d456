/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounded reassembly of ESP fragments (RFC 791, RFC 8200 4.5) on top of
 * rte_ip_frag. DPDK 22.11's reassembly trusts the lengths it is given, so
 * every fragment is validated here first (payload > 0, a multiple of 8
 * unless last, end within 65535, Fragment header right after the IPv6
 * header); its death row is drained after every call so that each freed
 * fragment is counted on the port it came in on.
 */

#include <errno.h>
#include <string.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>

#include "gw_reasm.h"
#include "gw_stats.h"
#include "frag_priv.h"

#define IPV4_HDR_MIN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define IPV6_HDR_LEN ((uint16_t)sizeof(struct rte_ipv6_hdr))
#define IPV6_FRAG_LEN ((uint16_t)sizeof(struct rte_ipv6_fragment_ext))
#define IP_MAX_LEN 65535u
/* Associativity of the table; each key has two candidate buckets. */
#define BUCKET_ENTRIES 4
#define DEFAULT_MBUFS_PER_FLOW 4

struct gw_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_mempool *pool;
	struct rte_mempool *big_pool;
	bool (*big_ok)(const struct rte_mbuf *datagram);
	uint32_t max_mbufs;
	struct gw_reasm_stats st;
	struct rte_ip_frag_death_row dr;
};

/*
 * The port counters of a fragment (lib/stats): held while reassembly keeps
 * it, consumed once merged into a packet that another fragment carries on.
 */
static inline void
port_held_add(const struct rte_mbuf *m, int64_t d)
{
	uint16_t port = gw_meta((struct rte_mbuf *)(uintptr_t)m)->in_port;

	if (port < GW_MAX_PORTS)
		gw_my_port_ctr(port)->reasm_held += (uint64_t)d;
}

static inline void
port_consumed(uint16_t port)
{
	if (port < GW_MAX_PORTS)
		gw_my_port_ctr(port)->reasm_consumed++;
}

struct gw_reasm *
gw_reasm_create(const struct gw_reasm_conf *conf)
{
	struct gw_reasm *r;
	uint64_t cycles;
	uint32_t timeout, buckets;

	if (conf == NULL || conf->max_flows == 0 || conf->max_flows > (1u << 24)) {
		errno = EINVAL;
		return NULL;
	}
	r = rte_zmalloc_socket("gw_reasm", sizeof(*r), RTE_CACHE_LINE_SIZE, conf->socket_id);
	if (r == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	timeout = conf->timeout_ms != 0 ? conf->timeout_ms : GW_REASM_DEFAULT_TIMEOUT_MS;
	cycles = (rte_get_tsc_hz() + 999) / 1000 * timeout;
	buckets = RTE_MAX(conf->max_flows / BUCKET_ENTRIES, 1u);
	r->tbl = rte_ip_frag_table_create(buckets, BUCKET_ENTRIES, conf->max_flows, cycles,
					  conf->socket_id);
	if (r->tbl == NULL) {
		rte_free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->pool = conf->pool;
	r->big_pool = conf->big_ok != NULL ? conf->big_pool : NULL;
	r->big_ok = conf->big_ok;
	r->max_mbufs = conf->max_mbufs != 0 ? conf->max_mbufs :
		conf->max_flows * DEFAULT_MBUFS_PER_FLOW;
	return r;
}

/* Free what rte_ip_frag put on the death row; every segment is a lost fragment. */
static uint32_t
drain(struct gw_reasm *r, uint64_t *ctr)
{
	uint32_t i, segs = 0;

	for (i = 0; i < r->dr.cnt; i++) {
		struct rte_mbuf *m = r->dr.row[i];

		/* every segment is a fragment held until now, on its own port */
		for (struct rte_mbuf *s = m; s != NULL; s = s->next) {
			uint16_t port = gw_meta(s)->in_port;

			port_held_add(s, -1);
			if (port < GW_MAX_PORTS)
				gw_count_drop(port, GW_DROP_ESP_FRAG_REASSEMBLY);
		}
		segs += m->nb_segs;
		rte_pktmbuf_free(m);
	}
	r->dr.cnt = 0;
	*ctr += segs;
	r->st.held -= RTE_MIN(segs, r->st.held);
	return segs;
}

void
gw_reasm_free(struct gw_reasm *r)
{
	if (r == NULL)
		return;
	gw_reasm_flush_expired(r, UINT64_MAX);
	rte_ip_frag_table_destroy(r->tbl);
	rte_free(r);
}

uint32_t
gw_reasm_flush_expired(struct gw_reasm *r, uint64_t tsc)
{
	uint32_t n = 0, k;

	/* It stops when the death row is full: drain and go on. */
	do {
		rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, tsc);
		k = drain(r, &r->st.drop_expired);
		n += k;
	} while (k != 0);
	return n;
}

void
gw_reasm_get_stats(const struct gw_reasm *r, struct gw_reasm_stats *st)
{
	*st = r->st;
}

static struct rte_mbuf *
drop_one(struct gw_reasm *r, struct rte_mbuf *m, uint64_t *ctr)
{
	uint16_t port = gw_meta(m)->in_port;

	if (port < GW_MAX_PORTS)
		gw_count_drop(port, GW_DROP_ESP_FRAG_REASSEMBLY);
	(*ctr)++;
	rte_pktmbuf_free(m);
	RTE_SET_USED(r);
	return NULL;
}

enum frag_kind { NOT_FRAG, FRAG_OK, FRAG_BAD, FRAG_ATOMIC };

static enum frag_kind
check_v4(struct rte_mbuf *m)
{
	uint16_t l2 = m->l2_len, dlen = rte_pktmbuf_data_len(m);
	const struct rte_ipv4_hdr *ip;
	uint16_t hlen, tlen, fo, plen;
	uint32_t ofs;

	if (dlen < l2 + IPV4_HDR_MIN)
		return FRAG_BAD;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l2);
	hlen = (uint16_t)((ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER);
	tlen = rte_be_to_cpu_16(ip->total_length);
	fo = rte_be_to_cpu_16(ip->fragment_offset);
	if (!(fo & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return NOT_FRAG;
	if (hlen < IPV4_HDR_MIN || tlen <= hlen || tlen > dlen - l2)
		return FRAG_BAD;
	plen = (uint16_t)(tlen - hlen);
	ofs = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) * RTE_IPV4_HDR_OFFSET_UNITS;
	if ((fo & RTE_IPV4_HDR_MF_FLAG) && (plen & 7))
		return FRAG_BAD;
	if (ofs + plen + hlen > IP_MAX_LEN)
		return FRAG_BAD;
	m->l3_len = hlen;
	return FRAG_OK;
}

static enum frag_kind
check_v6(struct rte_mbuf *m)
{
	uint16_t l2 = m->l2_len, dlen = rte_pktmbuf_data_len(m);
	const struct rte_ipv6_hdr *ip;
	const struct rte_ipv6_fragment_ext *fh;
	uint16_t plen, fd, flen;
	uint32_t ofs;

	if (dlen < l2 + IPV6_HDR_LEN)
		return FRAG_BAD;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l2);
	/* Only a Fragment header right after the fixed header (rte_ip_frag's limit). */
	if (ip->proto != IPPROTO_FRAGMENT)
		return NOT_FRAG;
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (dlen < l2 + IPV6_HDR_LEN + IPV6_FRAG_LEN || plen < IPV6_FRAG_LEN ||
	    (uint32_t)IPV6_HDR_LEN + plen > (uint32_t)(dlen - l2))
		return FRAG_BAD;
	fh = (const struct rte_ipv6_fragment_ext *)(ip + 1);
	fd = rte_be_to_cpu_16(fh->frag_data);
	ofs = (uint32_t)(fd & RTE_IPV6_EHDR_FO_MASK);
	flen = (uint16_t)(plen - IPV6_FRAG_LEN);
	if (ofs == 0 && !(fd & RTE_IPV6_EHDR_MF_MASK))
		return FRAG_ATOMIC;
	if (flen == 0 || ((fd & RTE_IPV6_EHDR_MF_MASK) && (flen & 7)))
		return FRAG_BAD;
	if (ofs + flen > IP_MAX_LEN)
		return FRAG_BAD;
	m->l3_len = IPV6_HDR_LEN + IPV6_FRAG_LEN;
	return FRAG_OK;
}

/* RFC 6946: an atomic fragment is processed alone: drop its Fragment header. */
static struct rte_mbuf *
unfrag_atomic(struct gw_reasm *r, struct rte_mbuf *m)
{
	uint16_t l2 = m->l2_len;
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
	const struct rte_ipv6_fragment_ext *fh = (const void *)(ip + 1);
	uint8_t *d;

	ip->proto = fh->next_header;
	ip->payload_len = rte_cpu_to_be_16(
		(uint16_t)(rte_be_to_cpu_16(ip->payload_len) - IPV6_FRAG_LEN));
	d = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(d + IPV6_FRAG_LEN, d, (size_t)l2 + IPV6_HDR_LEN);
	rte_pktmbuf_adj(m, IPV6_FRAG_LEN);
	m->l3_len = IPV6_HDR_LEN;
	r->st.atomic++;
	return m;
}

/* Make the reassembled chain one segment, in place or in a fresh mbuf. */
static struct rte_mbuf *
linearize(struct gw_reasm *r, struct rte_mbuf *m)
{
	struct rte_mempool *pool;
	struct rte_mbuf *n, *s;
	uint8_t *d;

	if (m->nb_segs == 1 || rte_pktmbuf_linearize(m) == 0)
		return m;
	pool = r->pool != NULL ? r->pool : m->pool;
	if (m->pkt_len > UINT16_MAX)
		goto fail;
	if (m->pkt_len > (uint32_t)rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM &&
	    r->big_pool != NULL && r->big_ok(m))
		pool = r->big_pool;
	n = rte_pktmbuf_alloc(pool);
	if (n == NULL)
		goto fail;
	d = (uint8_t *)rte_pktmbuf_append(n, (uint16_t)m->pkt_len);
	if (d == NULL) {
		rte_pktmbuf_free(n);
		goto fail;
	}
	for (s = m; s != NULL; s = s->next) {
		memcpy(d, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		d += s->data_len;
	}
	frag_copy_md(n, m);
	rte_pktmbuf_free(m);
	return n;
fail:
	for (s = m; s != NULL; s = s->next) {
		uint16_t port = gw_meta(s)->in_port;

		if (port < GW_MAX_PORTS)
			gw_count_drop(port, GW_DROP_ESP_FRAG_REASSEMBLY);
	}
	r->st.drop_linearize += m->nb_segs;
	rte_pktmbuf_free(m);
	return NULL;
}

struct rte_mbuf *
gw_reasm_input(struct gw_reasm *r, struct rte_mbuf *m, uint64_t tsc)
{
	uint16_t merged_port[GW_REASM_MAX_FRAGS];
	unsigned int nb_merged;
	enum frag_kind kind;
	struct rte_mbuf *out;
	uint8_t ver;

	if (m->nb_segs != 1 || rte_pktmbuf_data_len(m) <= m->l2_len)
		return m;
	ver = *rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) >> 4;
	if (ver == 4)
		kind = check_v4(m);
	else if (ver == 6)
		kind = check_v6(m);
	else
		return m;
	if (kind == NOT_FRAG)
		return m;
	r->st.frags_in++;
	if (kind == FRAG_BAD)
		return drop_one(r, m, &r->st.drop_invalid);
	if (kind == FRAG_ATOMIC)
		return unfrag_atomic(r, m);
	if (r->st.held >= r->max_mbufs)
		return drop_one(r, m, &r->st.drop_budget);

	r->st.held++;
	port_held_add(m, 1);
	if (ver == 4) {
		struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);

		out = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, tsc, ip);
	} else {
		struct rte_ipv6_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);

		out = rte_ipv6_frag_reassemble_packet(r->tbl, &r->dr, m, tsc, ip,
						      (struct rte_ipv6_fragment_ext *)(ip + 1));
	}
	drain(r, &r->st.drop_table);
	if (out == NULL) {
		r->st.held_max = RTE_MAX(r->st.held_max, r->st.held);
		return NULL;
	}
	r->st.held -= RTE_MIN((uint32_t)out->nb_segs, r->st.held);
	/* The first fragment carries the packet on; the others end here. */
	nb_merged = 0;
	for (struct rte_mbuf *s = out; s != NULL; s = s->next) {
		port_held_add(s, -1);
		if (s != out && nb_merged < RTE_DIM(merged_port))
			merged_port[nb_merged++] = gw_meta(s)->in_port;
	}

	out = linearize(r, out);
	if (out == NULL)
		return NULL;
	for (unsigned int i = 0; i < nb_merged; i++)
		port_consumed(merged_port[i]);
	out->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	if (ver == 4) {
		struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(out, struct rte_ipv4_hdr *, out->l2_len);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		gw_meta(out)->l3 = GW_L3_IPV4;
	} else {
		out->l3_len = IPV6_HDR_LEN;
		gw_meta(out)->l3 = GW_L3_IPV6;
	}
	r->st.reassembled++;
	return out;
}
