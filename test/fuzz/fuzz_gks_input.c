/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The key server's input (lib/gks: gks_server_input) under arbitrary
 * datagrams. One server with a group (test/unit/gks/gks_test_member.c) and one
 * member whose Main Mode is done, made once. The first octet selects:
 *   0  the rest is a datagram from the member (any exchange, any state);
 *   1  the rest is the plaintext of a GROUPKEY-PULL message (octet 2: its first
 *      payload type, then the payloads), encrypted under the member's phase 1
 *      SA with a new Message ID, so the PULL parser and responder see it
 *      decrypted as the server would.
 * Replayed by the unit test gks-fuzz-input (test/unit/gks/meson.build) in the
 * release and ASan/UBSan builds. Not in the libFuzzer build: the key server
 * needs OpenSSL, which that build does not link.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "gks_test_member.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gks_server *srv;
static struct ike1_sa p1;
static uint32_t next_mid = 1;

static int
setup(void)
{
	static const uint8_t ip[4] = { 10, 0, 0, 5 };

	member.sin_addr.s_addr = htonl(0x0a000005);
	make_key();
	srv = server();
	unlink(key_path);
	if (srv == NULL || !main_mode(srv, &p1, PSK, ip))
		return -1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t buf[8192];
	struct gdoi_hdr h;
	size_t len;

	if (ready == 0)
		ready = setup() == 0 ? 1 : -1;
	if (ready < 0 || size < 1 || size > 4096)
		return 0;
	nsent = 0;
	if (data[0] == 0 || size < 2) {
		exchange(srv, data + 1, size - 1);
		return 0;
	}
	ike1_sa_hdr(&p1, GDOI_EXCH_PULL, GDOI_FLAG_ENC, next_mid, &h);
	h.next_payload = data[1];
	len = GDOI_HDR_LEN + size - 2;
	memcpy(buf, h.icookie, 8);
	memcpy(buf + 8, h.rcookie, 8);
	buf[16] = h.next_payload;
	buf[17] = GDOI_ISAKMP_VERSION;
	buf[18] = GDOI_EXCH_PULL;
	buf[19] = GDOI_FLAG_ENC;
	buf[20] = (uint8_t)(next_mid >> 24);
	buf[21] = (uint8_t)(next_mid >> 16);
	buf[22] = (uint8_t)(next_mid >> 8);
	buf[23] = (uint8_t)next_mid;
	buf[24] = (uint8_t)(len >> 24);
	buf[25] = (uint8_t)(len >> 16);
	buf[26] = (uint8_t)(len >> 8);
	buf[27] = (uint8_t)len;
	memcpy(buf + GDOI_HDR_LEN, data + 2, size - 2);
	if (ike1_sa_p2_encrypt(&p1, next_mid, buf, len, sizeof(buf), &len) == 0)
		exchange(srv, buf, len);
	ike1_sa_p2_end(&p1, next_mid);
	next_mid = next_mid == UINT32_MAX ? 1 : next_mid + 1;
	return 0;
}
