/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IKE_CERT_CONF_H
#define IKE_CERT_CONF_H

/*
 * The configuration of one daemon of a two-daemon unit test that authenticates
 * with certificates (test_ike_sig.c, test_ike_pmtu.c): RSA signatures, identities
 * "<me>.test" and "<peer>.test", certificate, key and CA as PEM files <dir>/<me>.pem,
 * <dir>/<me>.key and <dir>/ca.pem, AES-GCM for IKE and ESP over 127.0.0.1, one vpn
 * with one traffic selector. `gateway_extra` goes into the ike gateway ("" for none).
 */

#include <stdio.h>

static inline void
ike_cert_conf(char *buf, size_t len, const char *dir, const char *me, const char *peer,
	      const char *est, const char *lnet, const char *rnet, const char *gateway_extra)
{
	snprintf(buf, len,
		 "interfaces = ( { name = \"ge-0/0/0\"; device = \"net_null0\"; unit = ( { "
		 "name = \"0\"; family = { inet = { address = [ \"10.1.0.1/16\" ]; }; }; } ); "
		 "} );\n"
		 "security = { ike = {\n"
		 " proposal = ( { name = \"p\"; authentication-method = \"rsa-signatures\"; "
		 "encryption-algorithm = \"aes-128-gcm\"; dh-group = \"group19\"; } );\n"
		 " policy = ( { name = \"pol\"; proposals = [ \"p\" ]; certificate = { "
		 "local-certificate = \"%s/%s.pem\"; private-key = \"%s/%s.key\"; "
		 "trusted-ca = \"%s/ca.pem\"; }; } );\n"
		 " gateway = ( { name = \"g\"; ike-policy = \"pol\"; address = \"127.0.0.1\"; "
		 "local-address = \"127.0.0.1\"; local-identity = { hostname = \"%s.test\"; }; "
		 "remote-identity = { hostname = \"%s.test\"; };%s } ); };\n"
		 " ipsec = { proposal = ( { name = \"e\"; encryption-algorithm = \"aes-128-gcm\"; "
		 "} );\n"
		 " ipsec-policy = ( { name = \"ep\"; proposals = [ \"e\" ]; } );\n"
		 " vpn = ( { name = \"v\"; ike = { gateway = \"g\"; ipsec-policy = \"ep\"; }; "
		 "bind-interface = \"ge-0/0/0\"; establish-tunnels = \"%s\"; "
		 "traffic-selector = ( { name = \"t\"; local-ip = \"%s\"; remote-ip = \"%s\"; } ); "
		 "} ); }; };\n", dir, me, dir, me, dir, me, peer, gateway_extra, est, lnet, rnet);
}

#endif
