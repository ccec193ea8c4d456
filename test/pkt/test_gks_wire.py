"""What the key server (lib/gks) sends, checked by an independent implementation.

test_gks (test/unit/gks) registers a member in memory, rekeys, takes its ACK and
removes it, and with a pcap argument writes every message the server sent,
decrypted (E flag clear), as IPv4/UDP 848 frames. tshark (`-d udp.port==848,isakmp`)
must dissect each with the expected payloads and values (SA TEKs with IPv4 and
IPv6 selectors, KD key packets, SEQ, DELETE), and report nothing malformed and no
expert warning. Skipped when tshark or test_gks is missing.
"""
import os
import shutil
import subprocess

import pytest

from gwtest import gw_bin, REPO

TSHARK = shutil.which("tshark")
DECODE = ["-d", "udp.port==848,isakmp"]


def gks_bin():
    env = os.environ.get("GKS_TEST_BIN")
    if env:
        return env
    build = os.path.dirname(os.path.dirname(os.path.dirname(gw_bin())))
    for b in (build, os.path.join(REPO, "build")):
        p = os.path.join(b, "test", "unit", "gks", "test_gks")
        if os.path.exists(p):
            return p
    return None


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    exe = gks_bin()
    if TSHARK is None or exe is None:
        pytest.skip("tshark or test_gks (ninja -C build) missing")
    pcap = str(tmp_path_factory.mktemp("gks") / "gks.pcap")
    out = subprocess.run([exe, pcap], check=True, capture_output=True, text=True).stdout
    frames = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            frames.setdefault(parts[1], int(parts[0]))
    return pcap, frames


def fields(pcap, frame, *names):
    out = subprocess.run([TSHARK, "-r", pcap, *DECODE, "-Y", "frame.number==%d" % frame,
                          "-T", "fields", "-E", "separator=;", *sum([["-e", n] for n in names],
                                                                   [])],
                         check=True, capture_output=True, text=True).stdout.strip()
    return [v.split(",") if v else [] for v in out.split(";")]


def test_no_malformed_no_expert_warning(capture):
    pcap, frames = capture
    bad = subprocess.run([TSHARK, "-r", pcap, *DECODE, "-Y",
                          '_ws.malformed || _ws.expert.severity >= "warning"'],
                         check=True, capture_output=True, text=True).stdout
    assert bad.strip() == ""
    assert {"mm2", "mm4", "pull2", "pull4", "push", "ack", "push-delete"} <= set(frames)


def test_pull2_sa(capture):
    pcap, frames = capture
    xf, src, dst, sak_alg = fields(pcap, frames["pull2"], "isakmp.sat.transform_id",
                                   "isakmp.sat.src_id_type", "isakmp.sat.dst_id_type",
                                   "isakmp.sak.protoid")
    assert xf == ["12", "3", "20"]               # AES-CBC, 3DES, AES-GCM-16
    assert src == ["4", "4", "6"]                # IPv4 subnets, IPv6 subnet
    assert dst == ["1", "4", "6"]                # a host is an address
    assert sak_alg == ["17"]


def test_pull4_push_delete(capture):
    pcap, frames = capture
    kd, seq = fields(pcap, frames["pull4"], "isakmp.kd.payload.type", "isakmp.seq.seq")
    assert kd == ["1", "1", "1", "2"] and seq == ["0"]
    kd, seq, sig = fields(pcap, frames["push"], "isakmp.kd.payload.type", "isakmp.seq.seq",
                          "isakmp.sig")
    assert kd == ["1", "1", "1", "2"] and seq == ["1"] and len(sig[0]) == 2 * 256
    exch, seq = fields(pcap, frames["ack"], "isakmp.exchangetype", "isakmp.seq.seq")
    assert exch == ["35"] and seq == ["1"]
    seq, proto = fields(pcap, frames["push-delete"], "isakmp.seq.seq",
                        "isakmp.delete.protoid")
    assert seq == ["2"] and proto == ["1", "0"]  # the TEKs (ESP), the KEK (0)
