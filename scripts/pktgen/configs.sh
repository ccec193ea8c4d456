# gdoigw configurations of the pktgen runs (sourced by memif.sh; README.md shows the
# same for two servers). Keys and SPIs are scripts/bench/esp_pcap.py's.
#
# dut_conf CLEAR_DEV ESP_DEV : the device under test. Port ge-0/0/0 faces pktgen's
#   cleartext port (192.0.2.1/24, protected network 10.1/16 behind 192.0.2.2), port
#   ge-0/0/1 pktgen's ESP port (198.51.100.1/24, 10.2/16 behind 198.51.100.2).
#   Outbound group SA 0x1001 (AES-128-GCM, header preservation) protects 10.1/16 ->
#   10.2/16 entering ge-0/0/0; inbound group SA 0x2001 decrypts 10.2/16 -> 10.1/16
#   without anti-replay (pktgen replays its pcap, sequence numbers repeat).
# peer_conf SRC_DEV ESP_DEV : the gateway on the far side, used once to make the ESP the
#   decrypt run replays: outbound group SA 0x2001 for 10.2/16 -> 10.1/16, its ESP
#   addressed to the DUT's ESP-port MAC and sent from pktgen's (so the capture replays as is).
# Environment: PG_CLEAR_MAC (02:00:00:00:00:02) and PG_ESP_MAC (02:00:00:00:01:02):
#   pktgen's ports; DUT_WORKER (1): the worker lcore; DUT_MTU (9000).
GCM_KEY=0x101112131415161718191a1b1c1d1e1fcafebabe

_pg_if() {	# name dev mac addr neigh neigh_mac
	cat <<CONF
  { name = "$1"; device = "$2"; mac = "$3"; exception = "none"; mtu = ${DUT_MTU:-9000};
    unit = ( { name = "0"; family = { inet = { address = [ "$4" ];
      arp = ( { address = "$5"; mac = "$6"; } ); }; }; } ); }
CONF
}

dut_conf() {
	cat <<CONF
system = { dataplane = { layout = "run-to-completion"; workers = [ ${DUT_WORKER:-1} ]; crypto-engine = "ipsecmb"; }; };
interfaces = (
$(_pg_if ge-0/0/0 "$1" 02:00:00:00:00:01 192.0.2.1/24 192.0.2.2 "${PG_CLEAR_MAC:-02:00:00:00:00:02}"),
$(_pg_if ge-0/0/1 "$2" 02:00:00:00:01:01 198.51.100.1/24 198.51.100.2 "${PG_ESP_MAC:-02:00:00:00:01:02}")
);
routing-options = { static = { route = (
  { name = "10.1.0.0/16"; next-hop = "192.0.2.2"; },
  { name = "10.2.0.0/16"; next-hop = "198.51.100.2"; } ); }; };
security = { ipsec = {
  security-association = (
    { name = "sa-out"; spi = 0x1001; direction = "outbound"; mode = "group";
      encryption = { algorithm = "aes-128-gcm"; key = "$GCM_KEY"; }; tunnel-mtu = 9192;
      selector = { source-address = "10.1.0.0/16"; destination-address = "10.2.0.0/16"; }; },
    { name = "sa-in"; spi = 0x2001; direction = "inbound"; mode = "group";
      encryption = { algorithm = "aes-128-gcm"; key = "$GCM_KEY"; }; no-anti-replay = true;
      selector = { source-address = "10.2.0.0/16"; destination-address = "10.1.0.0/16"; }; } );
  policy = ( { name = "encrypt"; interface = "ge-0/0/0"; match-direction = "input";
    term = ( { name = "to-group"; from = { source-address = "10.1.0.0/16"; destination-address = "10.2.0.0/16"; };
               then = "protect"; security-association = "sa-out"; } ); } );
}; };
CONF
}

peer_conf() {
	cat <<CONF
system = { dataplane = { layout = "run-to-completion"; workers = [ 1 ]; crypto-engine = "ipsecmb"; }; };
interfaces = (
$(_pg_if ge-0/0/0 "$1" 02:00:00:00:00:01 192.0.2.1/24 192.0.2.2 02:00:00:00:00:02),
$(_pg_if ge-0/0/1 "$2" "${PG_ESP_MAC:-02:00:00:00:01:02}" 198.51.100.2/24 198.51.100.1 02:00:00:00:01:01)
);
routing-options = { static = { route = ( { name = "10.1.0.0/16"; next-hop = "198.51.100.1"; } ); }; };
security = { ipsec = {
  security-association = ( { name = "sa-out"; spi = 0x2001; direction = "outbound"; mode = "group";
      encryption = { algorithm = "aes-128-gcm"; key = "$GCM_KEY"; }; tunnel-mtu = 9192;
      selector = { source-address = "10.2.0.0/16"; destination-address = "10.1.0.0/16"; }; } );
  policy = ( { name = "encrypt"; interface = "ge-0/0/0"; match-direction = "input";
    term = ( { name = "to-dut"; from = { source-address = "10.2.0.0/16"; destination-address = "10.1.0.0/16"; };
               then = "protect"; security-association = "sa-out"; } ); } );
}; };
CONF
}
