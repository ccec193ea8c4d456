"""system.dataplane.crypto-arch through the binary: --check accepts a code path this CPU
runs and refuses a bad value, one the CPU lacks (when it lacks one) and one with the
openssl engine, each with a clear error; ESP encryption on a forced path (sse, avx2)
still gives ESP that scapy decrypts to the packets sent, and the log names the path; a
SIGHUP reload that changes the path is refused (restart to apply), like crypto-engine.
"""
import signal
import time

import pytest

import gwtest
from esplib import (SA, Term, Policy, EspGw, INSIDE, OUTSIDE, PIN, LOCAL4, REMOTE4, inner,
                    ttl_minus_one, frame_in, esp_open, parse_out, spi_of, counters_msg)
from gwtest import assert_clean_exit
from pkttopo import Topo
from test_cli_args import run
from test_ops import Running, two_ports

# CPU features (/proc/cpuinfo names) of each IPsec-MB 1.3 code path (IMB_CPUFLAGS_<arch>)
NEEDS = {"sse": {"cmov", "sse4_2", "aes", "pclmulqdq"}}
NEEDS["avx"] = NEEDS["sse"] | {"avx"}
NEEDS["avx2"] = NEEDS["avx"] | {"avx2", "bmi2"}
NEEDS["avx512"] = NEEDS["avx2"] | {"avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"}


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def missing(arch):
    return sorted(NEEDS[arch] - cpu_flags())


def with_arch(text, arch, layout="rtc", engine=None):
    dp = gwtest.LAYOUTS[layout][1]
    assert dp in text
    extra = ' crypto-arch = "%s";' % arch
    if engine:
        extra += ' crypto-engine = "%s";' % engine
    return text.replace(dp, dp + extra, 1)


def check(tmp_path, arch, engine=None):
    conf = tmp_path / ("arch-%s.conf" % arch)
    conf.write_text(with_arch(Topo(tmp_path).config(str(tmp_path)), arch, engine=engine))
    r = run(["--", "-c", str(conf), "--check"])
    return conf, r.returncode, r.stdout + r.stderr


@pytest.mark.parametrize("arch", ["auto", "avx2", "sse"])
def test_check_accepts(tmp_path, arch):
    if arch != "auto" and missing(arch):
        pytest.skip("this CPU lacks %s for the %s path" % (" ".join(missing(arch)), arch))
    _conf, rc, out = check(tmp_path, arch)
    assert rc == 0, out
    assert "configuration OK" in out


def test_check_rejects_bad_value(tmp_path):
    conf, rc, out = check(tmp_path, "avx1024")
    assert rc == 1, out
    assert "%s:1: system dataplane crypto-arch: invalid value 'avx1024'" % conf in out, out
    assert "auto, avx512, avx2, avx, sse" in out, out


def test_check_rejects_openssl_with_arch(tmp_path):
    _conf, rc, out = check(tmp_path, "sse", engine="openssl")
    assert rc == 1, out
    assert "crypto-arch" in out and "openssl" in out, out


@pytest.mark.parametrize("arch", ["avx512", "avx2", "avx"])
def test_check_rejects_path_cpu_lacks(tmp_path, arch):
    lack = missing(arch)
    if not lack:
        pytest.skip("this CPU runs the %s path: no refusal to see here (the unit test "
                    "crypto-arch checks the rule on made-up CPUs)" % arch)
    conf, rc, out = check(tmp_path, arch)
    assert rc == 1, out
    assert "%s: system dataplane crypto-arch: \"%s\" needs CPU features this CPU lacks: " % (
        conf, arch) in out, out
    for feature in lack:
        assert feature in out, out


class ArchGw(EspGw):
    def __init__(self, workdir, arch, *a, **kw):
        super().__init__(workdir, *a, **kw)
        self.arch = arch

    def config(self, d):
        return with_arch(super().config(d), self.arch, self.layout)


@pytest.mark.parametrize("arch", ["sse", "avx2"])
def test_esp_encrypt_on_forced_path(tmp_path, arch):
    if missing(arch):
        pytest.skip("this CPU lacks %s for the %s path" % (" ".join(missing(arch)), arch))
    sas, terms = [], []
    for i, alg in enumerate(("aes128gcm", "aes128cbc-sha1")):
        src, dst = "10.1.%d.0/24" % (10 + i), "10.2.%d.0/24" % (10 + i)
        sas.append(SA("out-%s" % alg, 0x3000 + i, "outbound", alg, local=LOCAL4,
                      remote=REMOTE4, src=src, dst=dst))
        terms.append(Term("t-%s" % alg, "protect", src=src, dst=dst, sa=sas[-1].name))
    sent = {sa.spi: [inner("10.1.%d.5" % (10 + i), "10.2.%d.9" % (10 + i), size=size,
                           ident=100 * i + n)
                     for n, size in enumerate((64, 333, 1400))]
            for i, sa in enumerate(sas)}
    gw = ArchGw(tmp_path, arch, sas, [Policy("enc", "ge-0/0/0", "input", terms)])
    res = gw.run({INSIDE: [frame_in(PIN, p) for ps in sent.values() for p in ps]})
    assert_clean_exit(res)
    assert "%s code path (crypto-arch %s)" % (arch, arch) in res.stderr, res.log()
    got = {}
    for f in res.outputs[OUTSIDE]:
        espb = parse_out(f)[2]
        assert espb is not None, counters_msg(res)
        got.setdefault(spi_of(espb), []).append(espb)
    for sa in sas:
        frames = got.get(sa.spi, [])
        assert len(frames) == len(sent[sa.spi]), "%s\n%s" % (sa.alg, counters_msg(res))
        for espb, clear in zip(frames, sent[sa.spi]):
            nh, pl = esp_open(sa, espb)
            assert (nh, pl) == (4, ttl_minus_one(clear)), sa.alg


def test_reload_changing_arch_refused(tmp_path):
    if missing("sse"):
        pytest.skip("this CPU lacks %s for the sse path" % " ".join(missing("sse")))
    d = str(tmp_path)
    log = d + "/gdoigw.log"
    gwtest.write_pcap(d + "/in0.pcap", [])
    gwtest.write_pcap(d + "/in1.pcap", [])
    trace = 'file = "%s"; level = "info"; flag = [ "all" ];' % log
    gw = Running(d, two_ports(d, trace=trace))
    try:
        with open(gw.conf, "w") as f:
            f.write(two_ports(d, trace=trace).replace("dataplane = {",
                                                     'dataplane = { crypto-arch = "sse";', 1))
        gw.p.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while "refused" not in open(log).read() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert gw.p.poll() is None, "gdoigw died on a refused reload"
    finally:
        rc, _out, err = gw.stop()
    text = open(log).read()
    assert rc == 0, err
    assert "reload refused: interfaces, layout, crypto engine or crypto-arch changed" in text, text
    assert "configuration reloaded" not in text
