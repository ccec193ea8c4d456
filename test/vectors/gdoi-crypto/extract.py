#!/usr/bin/python3
"""Write a test vector (gdoid-*.txt) from a gdoid key server / group member run.

Usage: extract.py WIRE.pcap KS.log PSK > gdoid-NAME.txt

WIRE.pcap: the UDP/848 capture of the run (encrypted as sent); KS.log: the key
server's `gdoid -d -DA=99` debug log, which prints the Diffie-Hellman secret g^xy
and the phase 1 keys it derived (the values lib/gdoi cannot recompute without the
private DH value). The keys are those of a throw-away run.
"""
import re
import sys

from scapy.all import UDP, rdpcap

HEX = re.compile(r"^[0-9a-f]{2,8}$")


def logged(lines, label):
    """The hex dump printed after the first line ending in LABEL."""
    for i, line in enumerate(lines):
        if line.rstrip().endswith(label):
            out = ""
            for cont in lines[i + 1:]:
                words = cont.split()[3:]
                if not words or not all(HEX.match(w) for w in words):
                    break
                out += "".join(words)
            return out
    raise SystemExit("%s not in the log" % label)


def main():
    pcap, log, psk = sys.argv[1:4]
    lines = open(log, errors="replace").read().splitlines()
    print("# gdoid key server <-> group member, PSK phase 1 and GROUPKEY-PULL/PUSH;")
    print("# see README.md. gdoid.* = what gdoid's debug log printed.")
    print("psk", psk.encode().hex())
    print("gxy", logged(lines, "ike_phase_1_post_exchange_KE_NONCE: g^xy:"))
    for name in ("SKEYID", "SKEYID_d", "SKEYID_a", "SKEYID_e"):
        print("gdoid.%s" % name.lower(),
              logged(lines, "ike_phase_1_post_exchange_KE_NONCE: %s:" % name))
    print("gdoid.enc_key", logged(lines, "crypto_init: key:"))
    for p in rdpcap(pcap):
        if UDP in p and 848 in (p[UDP].sport, p[UDP].dport):
            print("msg", bytes(p[UDP].payload).hex())


if __name__ == "__main__":
    main()
