/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esp_pcap_tool: run one SA of lib/esp over a pcap file, for interop tests
 * against scapy and tshark (esp_scapy.py).
 *
 *   esp_pcap_tool --engine ipsecmb|openssl --dir in|out --spi N
 *     --cipher NAME --ckey HEX [--auth NAME --akey HEX] [--esn] [--window N]
 *     [--local ADDR --remote ADDR | --group [--tbar-ms N]] [--natt | --udp-port N]
 *     [--seq N] --in IN.pcap --out OUT.pcap
 *
 * Input and output are Ethernet pcaps; the Ethernet header is stripped
 * before lib/esp and a fixed one written back. Packets the SA drops are not
 * written; their drop reason names go to stdout, one per line, as
 * "drop <index> <reason>". Exit 0 when the run worked (drops are results).
 */

#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_ether.h>

#include "esp_priv.h"
#include "gw_stats.h"

struct pcap_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t zone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec {
	uint32_t sec, usec, caplen, len;
};

static int
hex_parse(const char *s, uint8_t *out, unsigned int max, unsigned int *len)
{
	unsigned int n = 0;

	if (strncmp(s, "0x", 2) == 0)
		s += 2;
	while (s[0] && s[1]) {
		unsigned int b;

		if (n >= max || sscanf(s, "%2x", &b) != 1)
			return -EINVAL;
		out[n++] = (uint8_t)b;
		s += 2;
	}
	*len = n;
	return 0;
}

static int
addr_parse(const char *s, struct gw_ipaddr *a)
{
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: esp_pcap_tool --engine E --dir in|out --spi N --cipher C --ckey HEX "
		"[--auth A --akey HEX] [--esn] [--window N] [--local A --remote A | --group "
		"[--tbar-ms N]] [--natt | --udp-port N] [--seq N] --in F --out F\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "engine", 1, NULL, 'e' }, { "dir", 1, NULL, 'd' }, { "spi", 1, NULL, 's' },
		{ "cipher", 1, NULL, 'c' }, { "ckey", 1, NULL, 'k' }, { "auth", 1, NULL, 'a' },
		{ "akey", 1, NULL, 'K' }, { "esn", 0, NULL, 'E' }, { "window", 1, NULL, 'w' },
		{ "local", 1, NULL, 'l' }, { "remote", 1, NULL, 'r' }, { "group", 0, NULL, 'g' },
		{ "tbar-ms", 1, NULL, 't' }, { "natt", 0, NULL, 'n' }, { "udp-port", 1, NULL, 'u' },
		{ "in", 1, NULL, 'i' }, { "out", 1, NULL, 'o' }, { "seq", 1, NULL, 'S' },
		{ NULL, 0, NULL, 0 } };
	char *eal[] = { argv[0], "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--file-prefix", NULL, "--log-level", "lib.eal:error", NULL };
	const char *engine_name = "ipsecmb", *in_path = NULL, *out_path = NULL;
	struct gw_sa_params conf = { .direction = GW_SA_INBOUND, .anti_replay = 1 };
	unsigned int key_len, cnt = 0, idx = 0;
	uint64_t start_seq = 0;
	struct rte_mempool *mp;
	struct gw_esp_clock now;
	struct pcap_hdr ph;
	struct pcap_rec pr;
	struct gw_sa *sa;
	FILE *in, *out;
	char prefix[64];
	uint8_t buf[16384];
	int c, rc = 0;

	snprintf(prefix, sizeof(prefix), "esp-pcap-%d", getpid());
	eal[8] = prefix;
	strcpy(conf.label, "pcap-tool");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': engine_name = optarg; break;
		case 'd': conf.direction = strcmp(optarg, "out") == 0 ?
				GW_SA_OUTBOUND : GW_SA_INBOUND; break;
		case 's': conf.spi = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'c':
			if (gw_cipher_parse(optarg, &conf.crypto.cipher, &key_len) < 0)
				usage();
			break;
		case 'k':
			if (hex_parse(optarg, conf.crypto.cipher_key, GW_CRYPTO_MAX_KEY,
				      &conf.crypto.cipher_key_len) < 0)
				usage();
			break;
		case 'a':
			if (gw_auth_parse(optarg, &conf.crypto.auth, &key_len) < 0)
				usage();
			break;
		case 'K':
			if (hex_parse(optarg, conf.crypto.auth_key, GW_CRYPTO_MAX_KEY,
				      &conf.crypto.auth_key_len) < 0)
				usage();
			break;
		case 'E': conf.esn = true; break;
		case 'w':
			conf.replay_window = (uint16_t)atoi(optarg);
			if (conf.replay_window == 0)
				conf.anti_replay = 0;
			break;
		case 'l': if (addr_parse(optarg, &conf.tunnel_local) < 0) usage(); break;
		case 'r': if (addr_parse(optarg, &conf.tunnel_remote) < 0) usage(); break;
		case 'g': conf.group = true; break;
		case 't': conf.tbar_window_ms = (uint32_t)atoi(optarg); break;
		case 'n': conf.udp_encap = GW_UDP_ENCAP_NAT_T; break;
		case 'u':
			conf.udp_encap = GW_UDP_ENCAP_PORT;
			conf.udp_port = (uint16_t)atoi(optarg);
			break;
		case 'S': start_seq = strtoull(optarg, NULL, 0); break;
		case 'i': in_path = optarg; break;
		case 'o': out_path = optarg; break;
		default: usage();
		}
	}
	if (in_path == NULL || out_path == NULL)
		usage();
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("pcap", 1024, 0, GW_META_PRIV_SIZE, 16384 + 256,
				     SOCKET_ID_ANY);
	sa = gw_sa_create(&conf, gw_crypto_engine_get(engine_name), SOCKET_ID_ANY);
	if (mp == NULL || sa == NULL) {
		fprintf(stderr, "set-up failed: %s\n", strerror(errno));
		return 1;
	}
	if (start_seq != 0)
		esp_sa_set_seq(sa, start_seq);
	in = fopen(in_path, "rb");
	out = fopen(out_path, "wb");
	if (in == NULL || out == NULL || fread(&ph, sizeof(ph), 1, in) != 1 ||
	    ph.magic != 0xa1b2c3d4 || ph.linktype != 1) {
		fprintf(stderr, "bad input %s\n", in_path);
		return 1;
	}
	ph.snaplen = 65535;
	fwrite(&ph, sizeof(ph), 1, out);
	while (fread(&pr, sizeof(pr), 1, in) == 1) {
		struct rte_mbuf *m;
		struct rte_ether_hdr eth;
		uint16_t good;
		uint8_t *p;

		if (pr.caplen > sizeof(buf) || fread(buf, pr.caplen, 1, in) != 1 ||
		    pr.caplen < sizeof(eth)) {
			rc = 1;
			break;
		}
		memcpy(&eth, buf, sizeof(eth));
		m = rte_pktmbuf_alloc(mp);
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(pr.caplen - sizeof(eth)));
		memcpy(p, buf + sizeof(eth), pr.caplen - sizeof(eth));
		gw_meta(m)->drop = GW_DROP_NONE;
		gw_meta(m)->flags = 0;
		gw_meta(m)->flow_hash = 0x9e3779b9u * (idx + 1);
		gw_esp_clock_read(&now);
		good = conf.direction == GW_SA_OUTBOUND ? gw_esp_outbound(sa, &m, 1, &now) :
			gw_esp_inbound(sa, &m, 1, &now);
		if (good == 1) {
			eth.ether_type = rte_cpu_to_be_16(gw_meta(m)->l3 == GW_L3_IPV6 ?
							  RTE_ETHER_TYPE_IPV6 :
							  RTE_ETHER_TYPE_IPV4);
			pr.caplen = pr.len = rte_pktmbuf_data_len(m) + sizeof(eth);
			fwrite(&pr, sizeof(pr), 1, out);
			fwrite(&eth, sizeof(eth), 1, out);
			fwrite(rte_pktmbuf_mtod(m, void *), rte_pktmbuf_data_len(m), 1, out);
			cnt++;
		} else {
			printf("drop %u %s\n", idx, gw_drop_name(gw_meta(m)->drop));
		}
		rte_pktmbuf_free(m);
		idx++;
	}
	fclose(in);
	fclose(out);
	fprintf(stderr, "%u of %u packets written\n", cnt, idx);
	gw_sa_destroy(sa);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return rc;
}
