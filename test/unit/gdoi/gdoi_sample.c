/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gdoi_sample OUT.pcap [CORPUS_DIR]: the sample messages (gdoi_samples.c) in
 * plaintext form (E flag clear, so tshark dissects every payload) as UDP/848
 * frames 10.99.0.1 -> 10.99.0.2 in a pcap, one line per frame on stdout
 * ("<frame> <name> <length>"). With CORPUS_DIR, also each message as a file
 * (E flag set where the real message is encrypted): the fuzz seed corpus.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdoi_msg.h"
#include "gdoi_samples.h"

#define FRAME_HDR (14 + 20 + 8)

static uint16_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8 & 0xff;
	p[2] = v >> 16 & 0xff;
	p[3] = v >> 24;
}

/* Ethernet / IPv4 / UDP 848 -> 848 around msg, checksums computed. */
static size_t
frame(uint8_t *f, const uint8_t *msg, size_t len)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };
	uint8_t *ip = f + 14, *udp = ip + 20, pseudo[12];
	uint16_t c;

	memcpy(f, eth, sizeof(eth));
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + len));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, sample_ks_addr, 4);
	memcpy(ip + 16, sample_gm_addr, 4);
	put16(ip + 10, (uint16_t)~csum_add(0, ip, 20));
	put16(udp, GDOI_PORT);
	put16(udp + 2, GDOI_PORT);
	put16(udp + 4, (uint16_t)(8 + len));
	put16(udp + 6, 0);
	memcpy(udp + 8, msg, len);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	put16(pseudo + 10, (uint16_t)(8 + len));
	c = csum_add(csum_add(0, pseudo, sizeof(pseudo)), udp, 8 + len);
	c = (uint16_t)~c;
	put16(udp + 6, c == 0 ? 0xffff : c);
	return FRAME_HDR + len;
}

static int
write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -errno;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

int
main(int argc, char **argv)
{
	uint8_t msg[4096], fr[4096 + FRAME_HDR], rec[16], gh[24] = { 0 };
	FILE *out;
	unsigned int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OUT.pcap [CORPUS_DIR]\n", argv[0]);
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (out == NULL) {
		perror(argv[1]);
		return 1;
	}
	put32le(gh, 0xa1b2c3d4);
	gh[4] = 2;		/* version 2.4 */
	gh[6] = 4;
	put32le(gh + 16, 65535);
	put32le(gh + 20, 1);	/* Ethernet */
	fwrite(gh, 1, sizeof(gh), out);
	for (i = 0; i < gdoi_nsamples; i++) {
		const struct gdoi_sample *s = &gdoi_samples[i];
		size_t len, flen;
		int ret;

		ret = s->build(msg, sizeof(msg), false, &len);
		if (ret < 0) {
			fprintf(stderr, "%s: build: %s\n", s->name, strerror(-ret));
			return 1;
		}
		flen = frame(fr, msg, len);
		put32le(rec, 1700000000u + i);
		put32le(rec + 4, 0);
		put32le(rec + 8, (uint32_t)flen);
		put32le(rec + 12, (uint32_t)flen);
		fwrite(rec, 1, sizeof(rec), out);
		fwrite(fr, 1, flen, out);
		printf("%u %s %zu\n", i + 1, s->name, len);
		if (argc > 2) {
			char path[512];

			ret = s->build(msg, sizeof(msg), true, &len);
			snprintf(path, sizeof(path), "%s/%s.bin", argv[2], s->name);
			if (ret == 0)
				ret = write_file(path, msg, len);
			if (ret < 0) {
				fprintf(stderr, "%s: %s\n", path, strerror(-ret));
				return 1;
			}
		}
	}
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
