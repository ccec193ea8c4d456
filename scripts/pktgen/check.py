#!/usr/bin/python3
"""Packets and output checks for the pktgen runs (Debian's /usr/bin/python3 with scapy).

  check.py gen-inner OUT.pcap SIZE [N]    N (1020) cleartext UDP frames 10.2/16 -> 10.1/16
                                          of SIZE bytes with FCS (the inner packets the
                                          decrypt run's ESP is made of), as scripts/bench's
  check.py gen-imix OUT.pcap [N]          cleartext IMIX (7 x 64 : 4 x 594 : 1 x 1518)
                                          10.1/16 -> 10.2/16 for pktgen's -s CLEAR:file
  check.py usec IN.pcap OUT.pcap           the same pcap with microsecond timestamps: DPDK's
                                          net_pcap writes nanosecond pcaps (magic a1b23c4d),
                                          which pktgen 24.07 reads as byte-swapped
  check.py esp SPI CAPTURE.pcap [N]       every frame is ESP of the group SA SPI (AES-128-GCM,
                                          header preservation) and decrypts with scapy; N:
                                          exactly that many frames
  check.py enc CAPTURE.pcap SIZE [N]      what pktgen's ESP port captured in the encrypt run:
                                          ESP of SPI 0x1001 that scapy decrypts into pktgen's
                                          UDP 10.1.0.1 -> 10.2.0.1 of SIZE, TTL 63
  check.py dec INNER.pcap CAPTURE.pcap    what pktgen's cleartext port captured in the decrypt
                                          run: each packet equal to the cleartext the ESP was
                                          made of, TTL - 2 (the peer gateway and the DUT)
Keys and SPIs are scripts/bench/esp_pcap.py's. Exit 1 when anything is wrong or missing.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import esp_pcap  # noqa: E402


def frames(path):
    return esp_pcap.read_pcap(path)


def decrypt_all(spi, path):
    """(ok inner IP packets, number bad) for the captured frames of one group SA."""
    from scapy.all import Ether, IP
    from scapy.layers.ipsec import ESP
    good, bad = [], 0
    for b in frames(path):
        ip = Ether(b)[IP]
        if not ip.haslayer(ESP) or ip[ESP].spi != spi:
            bad += 1
            continue
        try:
            p = esp_pcap.sa_for("gcm", spi, "group", ip).decrypt(ip)
        except Exception:
            bad += 1
            continue
        if (p.src, p.dst) != (ip.src, ip.dst):
            bad += 1
            continue
        good.append(p)
    return good, bad


def want(n, got):
    return n is None or got == n


def main(a):
    from scapy.all import Ether
    if a[0] == "gen-inner":
        n = int(a[3]) if len(a) > 3 else 1020
        esp_pcap.write_pcap(a[1], [bytes(Ether(src=esp_pcap.PEER0_MAC, dst=esp_pcap.PORT0_MAC) /
                                         esp_pcap.inner(i, int(a[2]), "10.2", "10.1")) for i in range(n)])
        return 0
    if a[0] == "gen-imix":
        n = int(a[2]) if len(a) > 2 else 1020
        pat = esp_pcap.SIZES["imix"]
        esp_pcap.write_pcap(a[1], [bytes(Ether(src="02:00:00:00:00:02", dst=esp_pcap.PORT0_MAC) /
                                         esp_pcap.inner(i, pat[i % len(pat)], "10.1", "10.2"))
                                   for i in range(n)])
        return 0
    if a[0] == "usec":
        import struct
        data = open(a[1], "rb").read()
        magic = struct.unpack("<I", data[:4])[0]
        if magic not in (0xA1B2C3D4, 0xA1B23C4D):
            sys.exit("usec: %s: not a little-endian pcap" % a[1])
        out, off = [struct.pack("<I", 0xA1B2C3D4) + data[4:24]], 24
        while off + 16 <= len(data):
            sec, frac, incl, orig = struct.unpack("<IIII", data[off:off + 16])
            if magic == 0xA1B23C4D:
                frac //= 1000
            out.append(struct.pack("<IIII", sec, frac, incl, orig) + data[off + 16:off + 16 + incl])
            off += 16 + incl
        open(a[2], "wb").write(b"".join(out))
        return 0
    if a[0] == "esp":
        spi, n = int(a[1], 0), int(a[3]) if len(a) > 3 else None
        good, bad = decrypt_all(spi, a[2])
        print("check esp: %d frames of SPI 0x%x decrypted by scapy, %d bad%s" % (
            len(good), spi, bad, "" if n is None else " (want %d)" % n))
        return 0 if good and not bad and want(n, len(good)) else 1
    if a[0] == "enc":
        size, n = int(a[2]), int(a[3]) if len(a) > 3 else None
        from scapy.all import UDP
        good, bad = decrypt_all(0x1001, a[1])
        ok = 0
        for p in good:
            if (p.src, p.dst, p.ttl, len(p)) == ("10.1.0.1", "10.2.0.1", 63, size - 18) and \
                    p.haslayer(UDP) and p[UDP].dport == 5000:
                ok += 1
            else:
                bad += 1
        print("check enc: %d ESP frames decrypted by scapy into pktgen's UDP 10.1.0.1 -> 10.2.0.1"
              " (%d B IP, TTL 63), %d bad%s" % (ok, size - 18, bad,
                                                 "" if n is None else " (want %d)" % n))
        return 0 if ok and not bad and want(n, ok) else 1
    if a[0] == "dec":
        # the inner packets crossed two routers: the gateway that made the ESP and the DUT
        from scapy.all import IP
        ins = [Ether(b)[IP] for b in frames(a[1])]
        ok = bad = 0
        for b in frames(a[2]):
            p = Ether(b)[IP]
            if p.id >= len(ins):
                bad += 1
                continue
            want_ip = IP(bytes(ins[p.id]))
            want_ip.ttl -= 2
            got = IP(bytes(p))
            del want_ip.chksum, got.chksum
            if bytes(IP(bytes(want_ip))) == bytes(IP(bytes(got))):
                ok += 1
            else:
                bad += 1
        print("check dec: %d cleartext frames, %d equal to the packets the ESP was made of"
              " (TTL - 2: the gateway that encrypted and the DUT), %d bad" % (ok + bad, ok, bad))
        return 0 if ok and not bad else 1
    sys.exit(__doc__)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
