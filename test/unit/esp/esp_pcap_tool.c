/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esp_pcap_tool: run one SA of lib/esp over a pcap file, for interop tests
 * against scapy and tshark (esp_scapy.py).
 *
 *   esp_pcap_tool --engine ipsecmb|openssl --dir in|out --spi N
 *     --cipher NAME --ckey HEX [--auth NAME --akey HEX] [--esn] [--window N]
 *     [--local ADDR --remote ADDR | --group [--tbar-ms N]] [--natt | --udp-port N]
 *     [--seq N] --in IN.pcap --out OUT.pcap
 *   esp_pcap_tool --batch FILE
 *
 * Input and output are Ethernet pcaps; the Ethernet header is stripped
 * before lib/esp and a fixed one written back. Packets the SA drops are not
 * written; their drop reason names go to stdout, one per line, as
 * "drop <index> <reason>". Exit 0 when the run worked (drops are results).
 *
 * --batch: each line of FILE holds one run's options as above (words without
 * spaces), all run in one process after one EAL start (which costs more than
 * a run); after each run's drop lines "end <line> <status>", status 0 when it
 * worked. Exit 0 when every line could be read.
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
		"[--tbar-ms N]] [--natt | --udp-port N] [--seq N] --in F --out F\n"
		"       esp_pcap_tool --batch FILE\n");
	exit(2);
}

struct job {
	const char *engine_name, *in_path, *out_path, *batch;
	struct gw_sa_params conf;
	uint64_t start_seq;
};

/* One run's options into `j`; -EINVAL on anything that is not one. */
static int
job_parse(int argc, char **argv, struct job *j)
{
	static const struct option opts[] = {
		{ "engine", 1, NULL, 'e' }, { "dir", 1, NULL, 'd' }, { "spi", 1, NULL, 's' },
		{ "cipher", 1, NULL, 'c' }, { "ckey", 1, NULL, 'k' }, { "auth", 1, NULL, 'a' },
		{ "akey", 1, NULL, 'K' }, { "esn", 0, NULL, 'E' }, { "window", 1, NULL, 'w' },
		{ "local", 1, NULL, 'l' }, { "remote", 1, NULL, 'r' }, { "group", 0, NULL, 'g' },
		{ "tbar-ms", 1, NULL, 't' }, { "natt", 0, NULL, 'n' }, { "udp-port", 1, NULL, 'u' },
		{ "in", 1, NULL, 'i' }, { "out", 1, NULL, 'o' }, { "seq", 1, NULL, 'S' },
		{ "batch", 1, NULL, 'b' }, { NULL, 0, NULL, 0 } };
	struct gw_sa_params *conf = &j->conf;
	unsigned int key_len;
	int c;

	memset(j, 0, sizeof(*j));
	j->engine_name = "ipsecmb";
	conf->direction = GW_SA_INBOUND;
	conf->anti_replay = 1;
	strcpy(conf->label, "pcap-tool");
	optind = 0;	/* glibc: a full new scan, for each line of a batch */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': j->engine_name = optarg; break;
		case 'd': conf->direction = strcmp(optarg, "out") == 0 ?
				GW_SA_OUTBOUND : GW_SA_INBOUND; break;
		case 's': conf->spi = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'c':
			if (gw_cipher_parse(optarg, &conf->crypto.cipher, &key_len) < 0)
				return -EINVAL;
			break;
		case 'k':
			if (hex_parse(optarg, conf->crypto.cipher_key, GW_CRYPTO_MAX_KEY,
				      &conf->crypto.cipher_key_len) < 0)
				return -EINVAL;
			break;
		case 'a':
			if (gw_auth_parse(optarg, &conf->crypto.auth, &key_len) < 0)
				return -EINVAL;
			break;
		case 'K':
			if (hex_parse(optarg, conf->crypto.auth_key, GW_CRYPTO_MAX_KEY,
				      &conf->crypto.auth_key_len) < 0)
				return -EINVAL;
			break;
		case 'E': conf->esn = true; break;
		case 'w':
			conf->replay_window = (uint16_t)atoi(optarg);
			if (conf->replay_window == 0)
				conf->anti_replay = 0;
			break;
		case 'l':
			if (addr_parse(optarg, &conf->tunnel_local) < 0)
				return -EINVAL;
			break;
		case 'r':
			if (addr_parse(optarg, &conf->tunnel_remote) < 0)
				return -EINVAL;
			break;
		case 'g': conf->group = true; break;
		case 't': conf->tbar_window_ms = (uint32_t)atoi(optarg); break;
		case 'n': conf->udp_encap = GW_UDP_ENCAP_NAT_T; break;
		case 'u':
			conf->udp_encap = GW_UDP_ENCAP_PORT;
			conf->udp_port = (uint16_t)atoi(optarg);
			break;
		case 'S': j->start_seq = strtoull(optarg, NULL, 0); break;
		case 'i': j->in_path = optarg; break;
		case 'o': j->out_path = optarg; break;
		case 'b': j->batch = optarg; break;
		default: return -EINVAL;
		}
	}
	if (optind != argc || (j->batch == NULL && (j->in_path == NULL || j->out_path == NULL)))
		return -EINVAL;
	return 0;
}

/* One SA over one pcap: 0, or 1 when the run did not work (its reason on stderr). */
static int
job_run(const struct job *j, struct rte_mempool *mp)
{
	unsigned int cnt = 0, idx = 0;
	struct gw_esp_clock now;
	struct pcap_hdr ph;
	struct pcap_rec pr;
	struct gw_sa *sa;
	FILE *in, *out;
	static uint8_t buf[16384];
	int rc = 0;

	sa = gw_sa_create(&j->conf, gw_crypto_engine_get(j->engine_name), SOCKET_ID_ANY);
	if (sa == NULL) {
		fprintf(stderr, "set-up failed: %s\n", strerror(errno));
		return 1;
	}
	if (j->start_seq != 0)
		esp_sa_set_seq(sa, j->start_seq);
	in = fopen(j->in_path, "rb");
	out = fopen(j->out_path, "wb");
	if (in == NULL || out == NULL || fread(&ph, sizeof(ph), 1, in) != 1 ||
	    ph.magic != 0xa1b2c3d4 || ph.linktype != 1) {
		fprintf(stderr, "bad input %s\n", j->in_path);
		if (in != NULL)
			fclose(in);
		if (out != NULL)
			fclose(out);
		gw_sa_destroy(sa);
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
		good = j->conf.direction == GW_SA_OUTBOUND ? gw_esp_outbound(sa, &m, 1, &now) :
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
	return rc;
}

/* Each line of `path` a run: "end <line> <status>" after each. 1 if unreadable. */
static int
batch_run(const char *path, char *argv0, struct rte_mempool *mp)
{
	char line[2048], *words[64], *save;
	unsigned int n = 0;
	struct job j;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		int argc = 0, rc;

		words[argc++] = argv0;
		for (char *w = strtok_r(line, " \t\n", &save); w != NULL && argc < 63;
		     w = strtok_r(NULL, " \t\n", &save))
			words[argc++] = w;
		words[argc] = NULL;
		if (argc == 1)
			continue;
		rc = job_parse(argc, words, &j) < 0 || j.batch != NULL ? 2 : job_run(&j, mp);
		printf("end %u %d\n", n++, rc);
		fflush(stdout);
	}
	fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	char *eal[] = { argv[0], "--no-huge", "-m", "128", "--no-pci", "-l", "0",
		"--file-prefix", NULL, "--log-level", "lib.eal:error", NULL };
	struct rte_mempool *mp;
	char prefix[64];
	struct job j;
	int rc;

	if (job_parse(argc, argv, &j) < 0)
		usage();
	snprintf(prefix, sizeof(prefix), "esp-pcap-%d", getpid());
	eal[8] = prefix;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("pcap", 1024, 0, GW_META_PRIV_SIZE, 16384 + 256,
				     SOCKET_ID_ANY);
	if (mp == NULL) {
		fprintf(stderr, "set-up failed: %s\n", strerror(errno));
		return 1;
	}
	rc = j.batch != NULL ? batch_run(j.batch, argv[0], mp) : job_run(&j, mp);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return rc;
}
