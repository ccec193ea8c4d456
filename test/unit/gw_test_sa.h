/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GW_TEST_SA_H
#define GW_TEST_SA_H

/* A manual AES-128-GCM SA for tests (tunnel endpoints unless group). */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gw_install.h"

static inline struct gw_sa_spec
gw_test_sa_spec(const char *name, uint32_t spi, enum gw_sa_dir dir, bool group, uint8_t keybyte)
{
	struct gw_sa_spec s;
	struct gw_sa_params *c = &s.params;
	unsigned int len;

	memset(&s, 0, sizeof(s));
	snprintf(c->label, sizeof(c->label), "%s", name);
	snprintf(s.bind, sizeof(s.bind), "%s", name);
	c->spi = spi;
	c->direction = dir;
	c->group = group;
	gw_cipher_parse("aes-128-gcm", &c->crypto.cipher, &len);
	c->crypto.cipher_key_len = len;
	memset(c->crypto.cipher_key, keybyte, len);
	c->crypto.encrypt = dir == GW_SA_OUTBOUND;
	if (!group) {
		c->tunnel_local.family = c->tunnel_remote.family = AF_INET;
		inet_pton(AF_INET, "192.0.2.1", &c->tunnel_local.v4);
		inet_pton(AF_INET, "198.51.100.1", &c->tunnel_remote.v4);
	}
	c->replay_window = 64;
	c->anti_replay = 1;
	c->d3p_protocol = 253;
	c->tunnel_mtu = 1500;
	return s;
}

#endif /* GW_TEST_SA_H */
