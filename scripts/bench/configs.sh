# Configurations for scripts/bench-esp.sh (sourced). Keys and SPIs match scripts/bench/esp_pcap.py.

# gw_esp_conf DIR(enc|dec) ALG(gcm|cbc) MODE(group|tunnel) SRCDEV SINKDEV [NSA]
# (environment GW_MBUFS: packet buffers, for pcaps bigger than the default pool;
#  ARCH: crypto-arch, the IPsec-MB code path, default auto)
gw_esp_conf() {
	local dir=$1 alg=$2 mode=$3 src=$4 sink=$5 nsa=${6:-1}
	local enc auth spi selsrc seldst a0 a1 n0 n1 r0 r1 rt
	case $alg in
	gcm) enc='encryption = { algorithm = "aes-128-gcm"; key = "0x101112131415161718191a1b1c1d1e1fcafebabe"; };'; auth='' ;;
	cbc) enc='encryption = { algorithm = "aes-128-cbc"; key = "0x202122232425262728292a2b2c2d2e2f"; };'
	     auth='authentication = { algorithm = "hmac-sha1-96"; key = "0x404142434445464748494a4b4c4d4e4f50515253"; };' ;;
	esac
	local tun='mode = "group";'
	[ "$mode" = tunnel ] && tun='mode = "tunnel"; tunnel = { local = "198.51.100.1"; remote = "203.0.113.7"; };'
	if [ "$dir" = enc ]; then
		# port 0 inside (cleartext in), port 1 outside (ESP out, sink)
		a0=192.0.2.1/24; n0=192.0.2.2; a1=198.51.100.1/24; n1=198.51.100.2
		rt='{ name = "10.2.0.0/16"; next-hop = "198.51.100.2"; }, { name = "203.0.113.0/24"; next-hop = "198.51.100.2"; }'
	else
		# port 0 outside (ESP in), port 1 inside (cleartext out, sink)
		a0=198.51.100.1/24; n0=198.51.100.2; a1=192.0.2.1/24; n1=192.0.2.2
		rt='{ name = "10.1.0.0/16"; next-hop = "192.0.2.2"; }'
	fi
	cat <<CONF
system = { dataplane = { layout = "run-to-completion"; workers = [ 1 ]; crypto-engine = "ipsecmb"; ${ARCH:+crypto-arch = \"$ARCH\";} ${GW_MBUFS:+mbufs = $GW_MBUFS;} }; };
interfaces = (
  { name = "ge-0/0/0"; device = "$src"; mac = "02:00:00:00:00:01"; exception = "none"; mtu = 9000;
    unit = ( { name = "0"; family = { inet = { address = [ "$a0" ];
      arp = ( { address = "$n0"; mac = "02:00:00:00:00:02"; } ); }; }; } ); },
  { name = "ge-0/0/1"; device = "$sink"; mac = "02:00:00:00:01:01"; exception = "none"; mtu = 9000;
    unit = ( { name = "0"; family = { inet = { address = [ "$a1" ];
      arp = ( { address = "$n1"; mac = "02:00:00:00:01:02"; } ); }; }; } ); }
);
routing-options = { static = { route = ( $rt ); }; };
CONF
	if [ "$dir" = enc ]; then
		cat <<CONF
security = { ipsec = {
  security-association = ( { name = "sa-out"; spi = $( [ $alg = gcm ] && echo 0x1001 || echo 0x1002 ); direction = "outbound"; $tun
    $enc $auth tunnel-mtu = 9192;
    selector = { source-address = "10.1.0.0/16"; destination-address = "10.2.0.0/16"; }; } );
  policy = ( { name = "encrypt"; interface = "ge-0/0/0"; match-direction = "input";
    term = ( { name = "to-group"; from = { source-address = "10.1.0.0/16"; destination-address = "10.2.0.0/16"; };
               then = "protect"; security-association = "sa-out"; } ); } );
}; };
CONF
	else
		local base=$( [ $alg = gcm ] && echo 8193 || echo 8194 ) i sas=""
		echo 'security = { ipsec = { security-association = ('
		for ((i = 0; i < nsa; i++)); do
			[ $i -gt 0 ] && echo ','
			echo "{ name = \"sa-in$i\"; spi = $((base + i)); direction = \"inbound\"; $tun $enc $auth no-anti-replay = true;"
			echo '  selector = { source-address = "10.2.0.0/16"; destination-address = "10.1.0.0/16"; }; }'
		done
		echo '); }; };'
	fi
}

# secgw_conf ALG TYPE(lookaside|cpu) -> cfg text (both directions: ipsec-secgw
# refuses an unprotected port without an inbound SA)
secgw_conf() {
	local alg=$1 type=$2 algs t="" so si
	[ "$type" = cpu ] && t="type cpu-crypto"
	case $alg in
	gcm) so=4097; si=8193; algs="aead_algo aes-128-gcm aead_key 10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f:ca:fe:ba:be" ;;
	cbc) so=4098; si=8194; algs="cipher_algo aes-128-cbc cipher_key 20:21:22:23:24:25:26:27:28:29:2a:2b:2c:2d:2e:2f auth_algo sha1-hmac auth_key 40:41:42:43:44:45:46:47:48:49:4a:4b:4c:4d:4e:4f:50:51:52:53" ;;
	esac
	echo "sp ipv4 out esp protect $so pri 1 dst 10.2.0.0/16 sport 0:65535 dport 0:65535"
	echo "sa out $so $algs mode ipv4-tunnel src 198.51.100.1 dst 203.0.113.7 $t"
	echo "sp ipv4 in esp protect $si pri 1 dst 10.1.0.0/16 sport 0:65535 dport 0:65535"
	echo "sa in $si $algs mode ipv4-tunnel src 203.0.113.7 dst 198.51.100.1 $t"
	echo "rt ipv4 dst 203.0.113.0/24 port 1"
	echo "rt ipv4 dst 10.1.0.0/16 port 1"
}
