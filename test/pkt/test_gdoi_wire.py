"""lib/gdoi's wire format checked by an independent implementation, Wireshark.

gdoi_sample (test/unit/gdoi, built by meson) writes the sample IKEv1 / GDOI
messages of test/unit/gdoi/gdoi_samples.c, in plaintext form, as UDP/848
frames into a pcap. tshark (`-d udp.port==848,isakmp`, which Wireshark does
not map to ISAKMP by itself) must dissect every frame with the expected
exchange, payload types and values, and report nothing malformed and no
expert warning or error. Wireshark 4.0 does not dissect the GAP payload: its
attributes are decoded here from the octets that follow the SA TEK that
tshark dissected. A corrupted copy of the pcap proves the malformed check
is not vacuous. Skipped when tshark or gdoi_sample is missing.
"""
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest

from gwtest import unit_bin

TSHARK = shutil.which("tshark")
DECODE = ["-d", "udp.port==848,isakmp"]

# lib/gdoi/gdoi_wire.h and test/unit/gdoi/gdoi_samples.h
GAP_D3P_TYPE, GAP_D3P_WINDOW = 16384, 16385


def sample_bin():
    return unit_bin("gdoi_sample", "GDOI_SAMPLE_BIN")


@pytest.fixture(scope="module")
def capture(tmp_path_factory):
    if TSHARK is None:
        pytest.skip("tshark not installed")
    exe = sample_bin()
    if exe is None:
        pytest.skip("gdoi_sample not built (ninja -C build)")
    pcap = str(tmp_path_factory.mktemp("gdoi") / "samples.pcap")
    out = subprocess.run([exe, pcap], check=True, capture_output=True, text=True).stdout
    frames = {}
    for line in out.splitlines():
        num, name, length = line.split()
        frames[name] = (int(num), int(length))
    pdml = subprocess.run([TSHARK, "-r", pcap, *DECODE, "-T", "pdml"], check=True,
                          capture_output=True, text=True).stdout
    return pcap, frames, ET.fromstring(pdml).findall("packet")


class Frame:
    """The isakmp fields of one dissected frame, in order."""

    def __init__(self, packet, raw):
        self.fields = []
        self.raw = raw
        for proto in packet.findall("proto"):
            if proto.get("name") == "isakmp":
                for f in proto.iter("field"):
                    if f.get("name", "").startswith("isakmp."):
                        self.fields.append(f)

    def all(self, name, attr="show"):
        return [f.get(attr) for f in self.fields if f.get("name") == name]

    def ints(self, name):
        return [int(v, 0) for v in self.all(name)]

    def one(self, name, attr="show"):
        v = self.all(name, attr)
        assert len(v) == 1, (name, v)
        return v[0]

    def int(self, name):
        return int(self.one(name), 0)

    def hex(self, name):
        return self.one(name, "value")


def read_pcap(path):
    """Frames of a classic little-endian pcap, as bytes."""
    with open(path, "rb") as f:
        data = f.read()
    assert struct.unpack_from("<I", data, 0)[0] == 0xa1b2c3d4
    frames, off = [], 24
    while off < len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def frame(capture, name):
    pcap, frames, packets = capture
    num, length = frames[name]
    fr = Frame(packets[num - 1], read_pcap(pcap)[num - 1])
    assert fr.int("isakmp.length") == length
    return fr


def top_payloads(fr):
    """Payload types tshark lists (nested SA TEKs included, SA KEK not)."""
    return fr.ints("isakmp.typepayload")


def test_no_malformed_no_expert_warning(capture):
    pcap, frames, packets = capture
    assert len(packets) == len(frames)
    bad = subprocess.run([TSHARK, "-r", pcap, *DECODE, "-Y",
                          '_ws.malformed || _ws.expert.severity >= "warning"'],
                         check=True, capture_output=True, text=True).stdout
    assert bad.strip() == ""
    expert = subprocess.run([TSHARK, "-r", pcap, *DECODE, "-q", "-z", "expert"],
                            check=True, capture_output=True, text=True).stdout
    assert "Errors" not in expert and "Warns" not in expert, expert
    assert "Malformed" not in expert, expert
    for p in packets:
        assert any(pr.get("name") == "isakmp" for pr in p.findall("proto"))


def test_corrupted_copy_is_flagged(capture, tmp_path):
    """The same check on a copy whose SA KEK claims 2 more octets: flagged."""
    pcap, frames, _ = capture
    num, _ = frames["pull2-sa"]
    fr = frame(capture, "pull2-sa")
    sak_len_pos = int([f for f in fr.fields
                       if f.get("name") == "isakmp.sak.payload_len"][0].get("pos"))
    with open(pcap, "rb") as f:
        data = bytearray(f.read())
    off = 24
    for _ in range(num - 1):
        off += 16 + struct.unpack_from("<I", data, off + 8)[0]
    pos = off + 16 + sak_len_pos
    struct.pack_into(">H", data, pos, struct.unpack_from(">H", data, pos)[0] + 2)
    bad_pcap = tmp_path / "bad.pcap"
    bad_pcap.write_bytes(bytes(data))
    bad = subprocess.run([TSHARK, "-r", str(bad_pcap), *DECODE, "-Y",
                          '_ws.malformed || _ws.expert.severity >= "warning"'],
                         check=True, capture_output=True, text=True).stdout
    assert bad.strip() != ""


def test_main_mode_sa(capture):
    fr = frame(capture, "mm1-sa")
    assert fr.int("isakmp.exchangetype") == 2
    assert top_payloads(fr) == [1, 2, 3, 3, 3, 3, 13]
    assert fr.int("isakmp.sa.doi") == 1
    assert fr.int("isakmp.prop.transforms") == 4
    assert fr.ints("isakmp.trans.number") == [1, 2, 3, 4]
    assert fr.ints("isakmp.ike.attr.encryption_algorithm") == [7, 7, 5, 5]   # AES, 3DES
    assert fr.ints("isakmp.ike.attr.key_length") == [128, 128]
    assert fr.ints("isakmp.ike.attr.hash_algorithm") == [2] * 4              # SHA1
    assert fr.ints("isakmp.ike.attr.authentication_method") == [1] * 4      # PSK
    assert fr.ints("isakmp.ike.attr.group_description") == [14, 2, 14, 2]
    assert fr.ints("isakmp.ike.attr.life_duration") == [86400] * 4
    assert fr.hex("isakmp.vid_bytes") == "110088397f51fe9669b9630476358bec"


def test_main_mode_ke_and_id(capture):
    fr = frame(capture, "mm3-ke")
    assert top_payloads(fr) == [4, 10]
    assert len(fr.hex("isakmp.key_exchange.data")) == 2 * 256
    assert len(fr.hex("isakmp.nonce")) == 2 * 16
    fr = frame(capture, "mm5-id")
    assert top_payloads(fr) == [5, 8, 11]
    assert fr.int("isakmp.id.type") == 1
    assert fr.one("isakmp.id.data.ipv4_addr") == "10.99.0.2"
    assert fr.int("isakmp.id.protoid") == 17
    assert fr.int("isakmp.id.port") == 848
    assert fr.int("isakmp.notify.msgtype") == 24578                       # INITIAL-CONTACT


def test_pull1(capture):
    fr = frame(capture, "pull1")
    assert fr.int("isakmp.exchangetype") == 32
    assert fr.int("isakmp.messageid") == 0x5a5a0001
    assert top_payloads(fr) == [8, 10, 5]
    assert fr.int("isakmp.id.type") == 11                                 # ID_KEY_ID
    assert fr.hex("isakmp.id.data.key_id") == "000004d2"                  # group 1234


def gap_attrs(raw, sat_pos, sat_len):
    """(type, tv, value) of the GAP payload right after the SA TEK at sat_pos."""
    np, _, length = struct.unpack_from(">BBH", raw, sat_pos + sat_len)
    body = raw[sat_pos + sat_len + 4:sat_pos + sat_len + length]
    assert np == 0 and sat_pos + sat_len + length == len(raw)   # the last payload
    out, i = [], 0
    while i < len(body):
        t, v = struct.unpack_from(">HH", body, i)
        if t & 0x8000:
            out.append((t & 0x7fff, True, v))
            i += 4
        else:
            out.append((t, False, int.from_bytes(body[i + 4:i + 4 + v], "big")))
            i += 4 + v
    assert i == len(body)
    return out


def test_pull2_sa_kek_tek_gap(capture):
    fr = frame(capture, "pull2-sa")
    assert top_payloads(fr) == [8, 10, 1, 16]
    assert fr.int("isakmp.sa.doi") == 2
    assert fr.hex("isakmp.sa.next_attribute_payload") == "000f"           # SA KEK
    # SA KEK (RFC 6407 5.3)
    assert fr.int("isakmp.sak.nextpayload") == 16
    assert fr.int("isakmp.sak.protoid") == 17
    assert fr.int("isakmp.sak.src_id_type") == 1
    assert fr.int("isakmp.sak.src_id_port") == 848
    assert fr.hex("isakmp.sak.src_id_data") == "0a630001"
    assert fr.hex("isakmp.sak.dst_id_data") == "efc00a01"
    assert fr.hex("isakmp.sak.spi") == "00ca1c48770116e0f31a8f7921aa3d08"
    # SA TEK (RFC 6407 (SA TEK)): ESP AES-CBC-128 + HMAC-SHA-256, 10/8 <-> 10/8
    assert fr.int("isakmp.sat.protocol_id") == 1
    assert fr.int("isakmp.sat.protocol") == 0
    for side in ("src", "dst"):
        assert fr.int(f"isakmp.sat.{side}_id_type") == 4                  # IPV4_ADDR_SUBNET
        assert fr.int(f"isakmp.sat.{side}_id_length") == 8
        assert fr.hex(f"isakmp.sat.{side}_id_data") == "0a000000ff000000"
    assert fr.int("isakmp.sat.transform_id") == 12                        # ESP_AES
    assert fr.hex("isakmp.sat.spi") == "11223344"
    assert fr.ints("isakmp.ipsec.attr.encap_mode")[-1] == 1               # tunnel
    assert fr.ints("isakmp.ipsec.attr.auth_algorithm")[-1] == 5           # HMAC-SHA2-256
    assert fr.ints("isakmp.ipsec.attr.key_length")[-1] == 128
    assert fr.ints("isakmp.ipsec.attr.life_duration")[-1] == 3600
    assert fr.int("isakmp.ipsec.attr.addr_preservation") == 4
    assert fr.int("isakmp.ipsec.attr.sa_direction") == 3
    # GAP after the SA TEK: tshark names it, the octets are decoded here
    assert fr.int("isakmp.sat.nextpayload") == 22
    sat = [f for f in fr.fields if f.get("name") == "isakmp.sat.nextpayload"][0]
    sat_pos = int(sat.get("pos"))
    assert gap_attrs(fr.raw, sat_pos, fr.int("isakmp.sat.payload_len")) == [
        (1, True, 60), (2, True, 90), (GAP_D3P_TYPE, True, 1), (GAP_D3P_WINDOW, False, 500)]


def test_pull3_pull4_kd(capture):
    fr = frame(capture, "pull3")
    assert top_payloads(fr) == [8]
    fr = frame(capture, "pull4-kd")
    assert top_payloads(fr) == [8, 18, 17]
    assert fr.int("isakmp.seq.seq") == 0
    assert fr.int("isakmp.kd.num_pkt") == 2
    assert fr.ints("isakmp.kd.payload.type") == [1, 2]                   # TEK, KEK
    assert fr.ints("isakmp.kd.payload.spi_size") == [4, 16]
    assert fr.all("isakmp.kd.payload.spi", "value") == [
        "11223344", "00ca1c48770116e0f31a8f7921aa3d08"]
    assert fr.ints("isakmp.key_download.attr.type") == [1, 2, 1, 2]
    values = fr.all("isakmp.key_download.attr.value", "value")
    assert values[0] == "0123456789abcdeffedcba9876543210"
    assert values[1] == bytes(range(0xa0, 0xc0)).hex()
    assert values[2] == bytes(range(0x10, 0x30)).hex()
    assert len(values[3]) == 2 * 64


def test_push(capture):
    fr = frame(capture, "push")
    assert fr.int("isakmp.exchangetype") == 33
    assert fr.hex("isakmp.ispi") + fr.hex("isakmp.rspi") == "00ca1c48770116e0f31a8f7921aa3d08"
    assert fr.int("isakmp.messageid") == 0
    assert top_payloads(fr) == [18, 1, 16, 17, 9]
    assert fr.int("isakmp.seq.seq") == 1
    assert fr.int("isakmp.sak.protoid") == 17
    assert fr.hex("isakmp.sat.spi") == "11223344"
    assert fr.int("isakmp.sat.nextpayload") == 0
    assert fr.ints("isakmp.kd.payload.type") == [1]
    assert len(fr.hex("isakmp.sig")) == 2 * 256


def test_deletes(capture):
    fr = frame(capture, "push-delete")
    assert top_payloads(fr) == [18, 12, 9]
    assert fr.int("isakmp.seq.seq") == 2
    assert fr.int("isakmp.delete.doi") == 2
    assert fr.all("isakmp.delete.spi", "value") == ["11223344", "55667788"]
    fr = frame(capture, "info-delete")
    assert fr.int("isakmp.exchangetype") == 5
    assert top_payloads(fr) == [8, 12]
    assert fr.int("isakmp.delete.doi") == 1
    assert fr.int("isakmp.delete.protoid") == 3                           # IPSEC_ESP
    assert fr.all("isakmp.delete.spi", "value") == ["55667788"]


def test_push_ack(capture):
    fr = frame(capture, "push-ack")
    assert fr.int("isakmp.exchangetype") == 35                            # RFC 8263
    assert fr.int("isakmp.flags") == 0
    assert top_payloads(fr) == [8, 18, 5]
    assert fr.int("isakmp.seq.seq") == 1
    assert fr.one("isakmp.id.data.ipv4_addr") == "10.99.0.2"
