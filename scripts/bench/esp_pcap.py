#!/usr/bin/python3
"""Packets for scripts/bench-esp.sh (Debian's /usr/bin/python3 with scapy).

  esp_pcap.py gen DIR            write every pcap the ESP bench needs into DIR
  esp_pcap.py gen-spread OUT.pcap NSA
        16,384 64 B GCM packets for decryption spread over NSA inbound group SAs
        (SPI 0x2001 + i % NSA), for the throughput-vs-SA-count case; the
        cleartext goes to OUT_inner.pcap
  esp_pcap.py check-enc ALG MODE IN.pcap OUT.pcap
        decrypt the gateway's ESP output with scapy (independent ESP) and compare
        each inner packet with the cleartext input (TTL - 1); prints a summary,
        exit 1 if nothing or anything wrong came out
  esp_pcap.py check-dec IN_PLAIN.pcap OUT.pcap
        compare the decrypted output with the cleartext the ESP input was made of

Sizes name the plaintext frame with FCS ("64 B" = 60 bytes in the pcap); imix =
7 x 64 : 4 x 594 : 1 x 1518 by packets, interleaved. Cleartext: 10.1.0.0/16 ->
10.2.0.0/16 UDP for encryption; ESP for decryption carries 10.2/16 -> 10.1/16.
ALG: gcm (AES-128-GCM, 16-byte ICV) or cbc (AES-128-CBC + HMAC-SHA1-96).
MODE: group (header preservation: outer = inner addresses) or tunnel
(outer 198.51.100.1 <-> 203.0.113.7).
"""
import struct
import sys

N = 1020                         # packets per pcap (a multiple of 12 for imix)
SIZES = {"64": [64], "512": [512], "1420": [1420], "imix": [64] * 7 + [594] * 4 + [1518]}
PORT0_MAC = "02:00:00:00:00:01"   # gateway port 0 (the source port in every case)
PEER0_MAC = "02:00:00:00:00:02"
GW_OUT = "198.51.100.1"           # gateway's tunnel address
PEER = "203.0.113.7"              # tunnel peer
KEYS = {
    # the same keys in the gdoigw and ipsec-secgw configurations
    "gcm": dict(spi=0x1001, crypt_algo="AES-GCM", crypt_key=bytes(range(0x10, 0x20)) + b"\xca\xfe\xba\xbe",
                auth_algo=None, auth_key=None),
    "cbc": dict(spi=0x1002, crypt_algo="AES-CBC", crypt_key=bytes(range(0x20, 0x30)),
                auth_algo="HMAC-SHA1-96", auth_key=bytes(range(0x40, 0x54))),
}
# inbound SAs (decrypt) use other SPIs
SPI_IN = {"gcm": 0x2001, "cbc": 0x2002}


def hexkey(b):
    return b.hex()


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, b in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i, len(b), len(b)) + b)


def read_pcap(path):
    from scapy.all import rdpcap
    return [bytes(p) for p in rdpcap(path)]


def inner(i, frame_size, src_net, dst_net):
    from scapy.all import IP, UDP, Raw
    p = IP(src="%s.%d.%d" % (src_net, (i >> 8) & 255, 1 + (i & 255) % 250),
           dst="%s.%d.%d" % (dst_net, (i * 7 >> 8) & 255, 1 + (i * 7) % 250), ttl=64, id=i & 0xffff) / \
        UDP(sport=1024 + i % 4096, dport=5000 + i % 16)
    pad = frame_size - 4 - 14 - len(p)
    return IP(bytes(p / Raw(bytes((i + j) & 255 for j in range(pad)))))


def sa_for(alg, spi, mode, ip):
    from scapy.all import IP
    from scapy.layers.ipsec import SecurityAssociation, ESP
    k = dict(KEYS[alg])
    k["spi"] = spi
    if mode == "group":
        th = IP(src=ip.src, dst=ip.dst, ttl=64)
    else:
        th = IP(src=PEER, dst=GW_OUT, ttl=64)
    return SecurityAssociation(ESP, tunnel_header=th, **k)


def gen(d):
    from scapy.all import Ether
    for name, pattern in SIZES.items():
        plain_enc, plain_dec, esp = [], [], {(a, m): [] for a in KEYS for m in ("group", "tunnel")}
        for i in range(N):
            size = pattern[i % len(pattern)]
            plain_enc.append(bytes(Ether(src=PEER0_MAC, dst=PORT0_MAC) / inner(i, size, "10.1", "10.2")))
            ip = inner(i, size, "10.2", "10.1")
            plain_dec.append(bytes(Ether(src=PEER0_MAC, dst=PORT0_MAC) / ip))
            for (a, m), lst in esp.items():
                sa = sa_for(a, SPI_IN[a], m, ip)
                e = sa.encrypt(ip, seq_num=i + 1)
                lst.append(bytes(Ether(src=PEER0_MAC, dst=PORT0_MAC) / e))
        write_pcap("%s/plain_%s.pcap" % (d, name), plain_enc)
        write_pcap("%s/inner_%s.pcap" % (d, name), plain_dec)
        for (a, m), lst in esp.items():
            write_pcap("%s/esp_%s_%s_%s.pcap" % (d, a, m, name), lst)
    write_pcap("%s/empty.pcap" % d, [])


def gen_spread(path, nsa, n=16384, size=64, alg="gcm"):
    """Decrypt input spread over nsa inbound group SAs: packet i uses SPI SPI_IN + i % nsa."""
    from scapy.all import Ether
    frames, clear = [], []
    sas = {}
    for i in range(n):
        ip = inner(i, size, "10.2", "10.1")
        clear.append(bytes(Ether(src=PEER0_MAC, dst=PORT0_MAC) / ip))
        s = SPI_IN[alg] + i % nsa
        if s not in sas:
            sas[s] = sa_for(alg, s, "group", ip)
        sa = sas[s]
        sa.tunnel_header.src, sa.tunnel_header.dst = ip.src, ip.dst
        frames.append(bytes(Ether(src=PEER0_MAC, dst=PORT0_MAC) / sa.encrypt(ip, seq_num=1 + i // nsa)))
    write_pcap(path, frames)
    write_pcap(path[:-5] + "_inner.pcap", clear)


def same_inner(a, b):
    """a: expected (input) IP packet, b: output; equal but TTL - 1 (and checksum)."""
    from scapy.all import IP
    a, b = IP(bytes(a)), IP(bytes(b))
    if b.ttl not in (a.ttl, a.ttl - 1):
        return False
    kept = b.ttl == a.ttl
    a.ttl = b.ttl
    del a.chksum, b.chksum
    if bytes(IP(bytes(a))) != bytes(IP(bytes(b))):
        return False
    return "ttl-kept" if kept else True


def ttl_note(kept):
    return " (inner TTL not decremented in %d)" % kept if kept else " (inner TTL - 1)"


def check_enc(alg, mode, inp, out):
    from scapy.all import Ether, IP
    from scapy.layers.ipsec import ESP
    ins = [Ether(b)[IP] for b in read_pcap(inp)]
    outs = [Ether(b) for b in read_pcap(out)]
    ok = bad = kept = 0
    seen = set()
    for o in outs:
        ip = o[IP]
        if not ip.haslayer(ESP) or ip[ESP].spi != KEYS[alg]["spi"]:
            bad += 1
            continue
        sa = sa_for(alg, KEYS[alg]["spi"], mode, ip)
        try:
            p = sa.decrypt(ip)
        except Exception:
            bad += 1
            continue
        if mode == "group" and (ip.src, ip.dst) != (p.src, p.dst):
            bad += 1
            continue
        idx = p.id
        r = same_inner(ins[idx], p) if idx < len(ins) else False
        if r:
            ok += 1
            kept += r == "ttl-kept"
            seen.add(idx)
        else:
            bad += 1
    print("check-enc %s %s: %d output packets, %d decrypted by scapy and equal to the input (%d distinct), %d bad%s"
          % (alg, mode, len(outs), ok, len(seen), bad, ttl_note(kept)))
    return 0 if ok > 0 and bad == 0 else 1


def check_dec(inp, out):
    from scapy.all import Ether, IP
    ins = [Ether(b)[IP] for b in read_pcap(inp)]
    outs = [Ether(b)[IP] for b in read_pcap(out)]
    ok = bad = kept = 0
    for p in outs:
        idx = p.id
        r = same_inner(ins[idx], p) if idx < len(ins) else False
        if r:
            ok += 1
            kept += r == "ttl-kept"
        else:
            bad += 1
    print("check-dec: %d output packets, %d equal to the cleartext the ESP was made of, %d bad%s"
          % (len(outs), ok, bad, ttl_note(kept)))
    return 0 if ok > 0 and bad == 0 else 1


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["gen"]:
        gen(a[1])
    elif a[:1] == ["gen-spread"]:
        gen_spread(a[1], int(a[2]))
    elif a[:1] == ["check-enc"]:
        sys.exit(check_enc(a[1], a[2], a[3], a[4]))
    elif a[:1] == ["check-dec"]:
        sys.exit(check_dec(a[1], a[2]))
    elif a[:1] == ["keys"]:
        for k, v in KEYS.items():
            print(k, hexkey(v["crypt_key"]), hexkey(v["auth_key"] or b""), v["spi"], SPI_IN[k])
    else:
        sys.exit(__doc__)
