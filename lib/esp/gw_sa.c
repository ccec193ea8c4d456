/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SA object: creation from its parameters (crypto session, outer
 * header template, specialised burst functions), accessors, counters,
 * lifetime events. See README.md for the layout and the sequence spaces.
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_ring_elem.h>

#include "esp_priv.h"

#define ESP_OUTER_TTL 64

static struct rte_ring *_Atomic esp_event_ring;

void
gw_sa_set_event_ring(struct rte_ring *ring)
{
	atomic_store_explicit(&esp_event_ring, ring, memory_order_release);
}

void
esp_sa_event(const struct gw_sa *sa, enum gw_sa_event_type type, uint64_t value)
{
	struct rte_ring *r = atomic_load_explicit(&esp_event_ring, memory_order_acquire);
	struct gw_sa_event ev = {
		.type = type,
		.spi = rte_be_to_cpu_32(sa->spi_be),
		.dir = (uint8_t)sa->conf.direction,
		.group = sa->conf.group,
		.lcore = (uint16_t)rte_lcore_id(),
		.sa = sa,
		.tag = sa->tag,
		.value = value,
	};

	if (r != NULL)
		rte_ring_mp_enqueue_elem(r, &ev, sizeof(ev));
}

/* Slots: every lcore id up to the highest enabled one, plus one shared spare. */
static unsigned int
esp_nb_slots(void)
{
	unsigned int id, max = 0;
	bool any = false;

	RTE_LCORE_FOREACH(id) {
		max = id;
		any = true;
	}
	return any ? max + 2 : 1;
}

static bool
prefix_ok(const struct gw_prefix *p)
{
	if (p->family == 0)
		return true;
	if (p->family == AF_INET)
		return p->len <= 32;
	if (p->family == AF_INET6)
		return p->len <= 128;
	return false;
}

static int
sa_check_conf(const struct gw_sa_params *c)
{
	if (c->direction != GW_SA_INBOUND && c->direction != GW_SA_OUTBOUND)
		return -EINVAL;
	if (c->spi < 256)	/* RFC 4303 2.1: 1..255 reserved, 0 local use */
		return -EINVAL;
	if (c->group && c->esn)	/* group receivers cannot infer high bits */
		return -EINVAL;
	if (c->replay_window > GW_REPLAY_MAX_WINDOW)
		return -EINVAL;
	if (c->udp_encap == GW_UDP_ENCAP_PORT &&
	    (c->udp_port < 1025 || c->udp_port == GW_ESP_NATT_PORT))
		return -EINVAL;
	if (c->udp_encap > GW_UDP_ENCAP_PORT || c->df > GW_DF_COPY)
		return -EINVAL;
	if (!c->group) {
		if (c->tunnel_local.family != c->tunnel_remote.family ||
		    (c->tunnel_local.family != AF_INET && c->tunnel_local.family != AF_INET6))
			return -EINVAL;
	}
	if (!prefix_ok(&c->sel_src) || !prefix_ok(&c->sel_dst))
		return -EINVAL;
	return 0;
}

static void
sa_build_template(struct gw_sa *sa, const struct gw_sa_params *c)
{
	uint8_t proto = sa->udp_dport_be ? IPPROTO_UDP : IPPROTO_ESP;

	if (c->group)
		return;		/* built per packet from the inner header */
	if (c->tunnel_local.family == AF_INET) {
		sa->outer.v4.version_ihl = RTE_IPV4_VHL_DEF;
		sa->outer.v4.time_to_live = ESP_OUTER_TTL;
		sa->outer.v4.next_proto_id = proto;
		sa->outer.v4.src_addr = c->tunnel_local.v4.s_addr;
		sa->outer.v4.dst_addr = c->tunnel_remote.v4.s_addr;
	} else {
		sa->outer_v6 = true;
		sa->outer.v6.vtc_flow = rte_cpu_to_be_32(6u << 28);
		sa->outer.v6.proto = proto;
		sa->outer.v6.hop_limits = ESP_OUTER_TTL;
		memcpy(sa->outer.v6.src_addr, &c->tunnel_local.v6, 16);
		memcpy(sa->outer.v6.dst_addr, &c->tunnel_remote.v6, 16);
	}
}

struct gw_sa *
gw_sa_create(const struct gw_sa_params *conf, const struct gw_crypto_engine *engine, int socket)
{
	struct gw_crypto_params params;
	unsigned int nb_slots, iv_len, icv_len, block;
	struct gw_sa *sa;
	uint32_t window;
	size_t size;
	int rc;

	if (conf == NULL || engine == NULL) {
		errno = EINVAL;
		return NULL;
	}
	rc = sa_check_conf(conf);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	if (!engine->supports(conf->crypto.cipher, conf->crypto.cipher_key_len,
			      conf->crypto.auth)) {
		errno = ENOTSUP;
		return NULL;
	}
	iv_len = gw_cipher_iv_len(conf->crypto.cipher);
	icv_len = gw_icv_len(conf->crypto.cipher, conf->crypto.auth);
	block = gw_cipher_block_len(conf->crypto.cipher);
	/* a power of two: the receive path checks alignment with a mask */
	if (iv_len > GW_CRYPTO_MAX_IV || icv_len > GW_CRYPTO_MAX_ICV || block < 4 ||
	    block > 16 || !rte_is_power_of_2(block)) {
		errno = EINVAL;
		return NULL;
	}

	nb_slots = esp_nb_slots();
	size = sizeof(*sa) + nb_slots * sizeof(struct esp_lcore);
	sa = rte_zmalloc_socket("gw_sa", size, RTE_CACHE_LINE_SIZE, socket);
	if (sa == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	sa->nb_slots = (uint16_t)nb_slots;
	/*
	 * Outer IPv4 identification: a random start per lcore slot, so that SAs
	 * between the same endpoints (or one SA on two lcores, or an SA and its
	 * rekey) do not send the same IDs in step; with DF clear a router may
	 * fragment them, and equal IDs break reassembly (RFC 6864 4.2).
	 */
	for (unsigned int i = 0; i < nb_slots; i++)
		sa->lc[i].ip_id = (uint16_t)rte_rand();

	params = conf->crypto;
	params.encrypt = conf->direction == GW_SA_OUTBOUND;
	sa->sess = engine->session_create(&params);
	explicit_bzero(&params, sizeof(params));
	if (sa->sess == NULL) {
		rc = errno ? errno : EINVAL;
		rte_free(sa);
		errno = rc;
		return NULL;
	}
	sa->engine = engine;
	sa->conf = *conf;
	explicit_bzero(sa->conf.crypto.cipher_key, sizeof(sa->conf.crypto.cipher_key));
	explicit_bzero(sa->conf.crypto.auth_key, sizeof(sa->conf.crypto.auth_key));

	sa->spi_be = rte_cpu_to_be_32(conf->spi);
	sa->iv_len = (uint8_t)iv_len;
	sa->icv_len = (uint8_t)icv_len;
	sa->pad_align = (uint8_t)block;
	if (iv_len == 0)
		sa->iv_kind = ESP_IV_NONE;
	else if (gw_cipher_is_aead(conf->crypto.cipher))
		sa->iv_kind = ESP_IV_COUNTER;
	else
		sa->iv_kind = ESP_IV_CBC;
	sa->esn = conf->esn;
	sa->group = conf->group;
	sa->tbar = conf->group && conf->tbar_window_ms != 0;
	sa->seq_max = conf->esn ? UINT64_MAX : UINT32_MAX;
	sa->d3p_proto = conf->d3p_protocol ? conf->d3p_protocol : GW_TBAR_DEFAULT_PROTO;
	sa->tbar_half_ms = conf->group ? conf->tbar_window_ms / 2 : 0;
	sa->df_mode = conf->clear_df ? GW_DF_CLEAR : conf->df;
	sa->tunnel_mtu = conf->tunnel_mtu ? conf->tunnel_mtu : 1500;
	sa->sel_src = conf->sel_src;
	sa->sel_dst = conf->sel_dst;
	sa->sel_proto = conf->sel_proto;
	if (conf->udp_encap == GW_UDP_ENCAP_NAT_T) {
		/* RFC 3948: from 4500 to the peer's port (its NAT's mapping, IKE learns it) */
		uint16_t port = conf->udp_port ? conf->udp_port : GW_ESP_NATT_PORT;

		sa->udp_dport_be = rte_cpu_to_be_16(port);
		sa->udp_sport_be = rte_cpu_to_be_16(GW_ESP_NATT_PORT);
	} else if (conf->udp_encap == GW_UDP_ENCAP_PORT) {
		sa->udp_dport_be = rte_cpu_to_be_16(conf->udp_port);
		sa->udp_sport_be = 0;	/* 49152 + flow hash */
	}
	sa_build_template(sa, conf);
	/* RFC 6054-style sender tag so two gateways sharing a group key differ */
	sa->group_tag = (rte_rand() & 0xffff) << ESP_GROUP_TAG_SHIFT;

	window = 0;
	if (!conf->group && conf->direction == GW_SA_INBOUND && conf->anti_replay != 0)
		window = conf->replay_window ? conf->replay_window : 64;
	rte_spinlock_init(&sa->replay_lock);
	gw_replay_init(&sa->replay, window, conf->esn);

	sa->created_sec = (uint64_t)time(NULL);
	sa->out_fn = conf->direction == GW_SA_OUTBOUND ? esp_outbound_select(sa) : esp_wrong_dir;
	sa->in_fn = conf->direction == GW_SA_INBOUND ? esp_inbound_select(sa) : esp_wrong_dir;
	return sa;
}

void
gw_sa_destroy(struct gw_sa *sa)
{
	if (sa == NULL)
		return;
	if (sa->sess != NULL)
		sa->engine->session_destroy(sa->sess);
	explicit_bzero(sa, sizeof(*sa));
	rte_free(sa);
}

uint32_t
gw_sa_spi(const struct gw_sa *sa)
{
	return rte_be_to_cpu_32(sa->spi_be);
}

enum gw_sa_dir
gw_sa_direction(const struct gw_sa *sa)
{
	return sa->conf.direction;
}

bool
gw_sa_is_group(const struct gw_sa *sa)
{
	return sa->conf.group;
}

const char *
gw_sa_name(const struct gw_sa *sa)
{
	return sa->conf.label;
}

const struct gw_sa_params *
gw_sa_params(const struct gw_sa *sa)
{
	return &sa->conf;
}

void
gw_sa_set_tag(struct gw_sa *sa, uint64_t tag)
{
	sa->tag = tag;
}

uint64_t
gw_sa_tag(const struct gw_sa *sa)
{
	return sa->tag;
}

void
gw_sa_stats(const struct gw_sa *sa, struct gw_sa_stats *out)
{
	unsigned int i, d;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sa->nb_slots; i++) {
		const struct gw_sa_stats *s = &sa->lc[i].stats;

		out->packets += s->packets;
		out->bytes += s->bytes;
		for (d = 0; d < GW_DROP_MAX; d++)
			out->drops[d] += s->drops[d];
	}
}

uint16_t
gw_sa_tunnel_mtu(const struct gw_sa *sa)
{
	return sa->tunnel_mtu;
}

bool
gw_sa_clear_df(const struct gw_sa *sa)
{
	return sa->conf.clear_df;
}

bool
gw_sa_passive(const struct gw_sa *sa)
{
	return sa->conf.passive;
}

uint32_t
gw_sa_overhead(const struct gw_sa *sa, uint32_t inner_len, bool inner_v6)
{
	bool v6 = sa->group ? inner_v6 : sa->outer_v6;
	uint32_t plain = inner_len + (sa->tbar ? GW_TBAR_HDR_LEN : 0);
	uint32_t padded = RTE_ALIGN_CEIL(plain + 2, sa->pad_align);

	return (v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr)) +
		(sa->udp_dport_be ? sizeof(struct rte_udp_hdr) : 0) +
		sizeof(struct rte_esp_hdr) + sa->iv_len + (padded - inner_len) + sa->icv_len;
}

uint32_t
gw_sa_replay_window(const struct gw_sa *sa)
{
	return gw_replay_window(&sa->replay);
}

uint64_t
gw_sa_seq_out(const struct gw_sa *sa)
{
	return atomic_load_explicit(&((struct gw_sa *)(uintptr_t)sa)->seq_out,
				    memory_order_relaxed);
}

void
esp_sa_set_seq(struct gw_sa *sa, uint64_t seq)
{
	if (sa->conf.direction == GW_SA_OUTBOUND) {
		atomic_store(&sa->seq_out, seq - 1);
		return;
	}
	rte_spinlock_lock(&sa->replay_lock);
	gw_replay_update(&sa->replay, seq);
	rte_spinlock_unlock(&sa->replay_lock);
}

void
gw_sa_kill(struct gw_sa *sa)
{
	atomic_store_explicit(&sa->dead, 1, memory_order_release);
}

bool
gw_sa_is_dead(const struct gw_sa *sa)
{
	return atomic_load_explicit(&((struct gw_sa *)(uintptr_t)sa)->dead,
				    memory_order_acquire) != 0;
}

int
gw_sa_lifetime_poll(struct gw_sa *sa, uint64_t now_sec)
{
	const struct gw_sa_lifetime *lt = &sa->conf.lifetime;
	uint64_t age = now_sec > sa->created_sec ? now_sec - sa->created_sec : 0;
	struct gw_sa_stats st;
	uint64_t kb;

	gw_sa_stats(sa, &st);
	kb = st.bytes / 1024;
	if (((lt->hard_seconds && age >= lt->hard_seconds) ||
	     (lt->hard_kbytes && kb >= lt->hard_kbytes)) &&
	    atomic_exchange(&sa->ev_hard, 1) == 0) {
		gw_sa_kill(sa);
		esp_sa_event(sa, GW_SA_EV_HARD_LIFETIME,
			     lt->hard_kbytes && kb >= lt->hard_kbytes ? kb : age);
	}
	if (((lt->soft_seconds && age >= lt->soft_seconds) ||
	     (lt->soft_kbytes && kb >= lt->soft_kbytes)) &&
	    atomic_exchange(&sa->ev_soft, 1) == 0)
		esp_sa_event(sa, GW_SA_EV_SOFT_LIFETIME,
			     lt->soft_kbytes && kb >= lt->soft_kbytes ? kb : age);
	return gw_sa_is_dead(sa) ? 1 : 0;
}

uint16_t
esp_partition(struct esp_lcore *lc, struct rte_mbuf **pkts, uint16_t n, const uint8_t *drop)
{
	struct rte_mbuf *bad[GW_MAX_BURST];
	uint16_t i, good = 0, nb_bad = 0;

	for (i = 0; i < n; i++) {
		if (drop[i] == GW_DROP_NONE) {
			pkts[good++] = pkts[i];
		} else {
			gw_meta(pkts[i])->drop = drop[i];
			lc->stats.drops[drop[i]]++;
			bad[nb_bad++] = pkts[i];
		}
	}
	memcpy(&pkts[good], bad, nb_bad * sizeof(bad[0]));
	return good;
}

/*
 * Runs the SA's burst function on chunks of GW_MAX_BURST and keeps the good
 * packets of all chunks at the front.
 */
static uint16_t
esp_dispatch(esp_burst_fn fn, struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
	     const struct gw_esp_clock *now)
{
	struct rte_mbuf *tmp[GW_MAX_BURST];
	uint16_t off = 0, good = 0, c, g;

	while (off < n) {
		c = RTE_MIN((uint16_t)(n - off), (uint16_t)GW_MAX_BURST);
		g = fn(sa, &pkts[off], c, now);
		if (off != good && g != 0) {
			/* [good][bad so far][g new good][new bad]: rotate */
			memcpy(tmp, &pkts[off], g * sizeof(tmp[0]));
			memmove(&pkts[good + g], &pkts[good], (off - good) * sizeof(tmp[0]));
			memcpy(&pkts[good], tmp, g * sizeof(tmp[0]));
		}
		good += g;
		off += c;
	}
	return good;
}

uint16_t
gw_esp_outbound(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
		const struct gw_esp_clock *now)
{
	return esp_dispatch(sa->out_fn, sa, pkts, n, now);
}

uint16_t
gw_esp_inbound(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
	       const struct gw_esp_clock *now)
{
	return esp_dispatch(sa->in_fn, sa, pkts, n, now);
}

/* An inbound SA handed to gw_esp_outbound or the reverse: a caller bug. */
uint16_t
esp_wrong_dir(struct gw_sa *sa, struct rte_mbuf **pkts, uint16_t n,
	      const struct gw_esp_clock *now)
{
	uint8_t drop[GW_MAX_BURST];

	RTE_SET_USED(now);
	memset(drop, GW_DROP_POLICY_NO_SA, n);
	return esp_partition(esp_lcore(sa), pkts, n, drop);
}
