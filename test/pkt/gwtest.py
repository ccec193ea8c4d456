"""Helpers shared by the packet (test/pkt) and namespace (test/netns) tests.

Run the gateway binary (GDOIGW_BIN, default build/app/gdoigw/gdoigw) with a generated
libconfig configuration, net_pcap ports, --exit-when-idle and --stats-file, then hand
back the output pcaps and the stats JSON. Needs Debian's /usr/bin/python3 (scapy).
"""
import itertools
import json
import os
import shutil
import signal
import struct
import subprocess
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_BIN = os.path.join(REPO, "build", "app", "gdoigw", "gdoigw")

_seq = itertools.count()


def gw_bin():
    return os.environ.get("GDOIGW_BIN", DEFAULT_BIN)


def unit_bin(name, env_var):
    """A program built beside the unit tests (test/unit/gdoi/NAME): env_var overrides;
    else the build directory of GDOIGW_BIN's binary, then the tree's build/; or None."""
    env = os.environ.get(env_var)
    if env:
        return env
    build = os.path.dirname(os.path.dirname(os.path.dirname(gw_bin())))
    for b in (build, os.path.join(REPO, "build")):
        p = os.path.join(b, "test", "unit", "gdoi", name)
        if os.path.exists(p):
            return p
    return None


def unique_prefix(tag="t"):
    """A DPDK --file-prefix no other run (or helper) uses."""
    return "gwt%s%d_%d" % (tag, os.getpid(), next(_seq))


def cleanup_prefix(prefix):
    shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)


# ----------------------------------------------------------------------------------
# Data-plane layouts: (EAL lcore arguments, system.dataplane body)

LAYOUTS = {
    "rtc": (["-l", "0,1"], 'layout = "run-to-completion"; workers = [ 1 ];'),
    # every pipeline stage shares lcore 1
    "pipeline": (["-l", "0-1"], 'layout = "pipeline"; pipeline = { rx = 1; classify = 1; crypto = 1; tx = 1; };'),
    # stages on two worker lcores; lcore 2 shares CPU 0 with the main lcore, so it
    # runs on a 2-CPU machine (--lcores maps lcore ids to CPUs)
    "pipeline2": (["--lcores", "0@0,1@1,2@0"], 'layout = "pipeline"; pipeline = { rx = 1; classify = 2; crypto = 2; tx = 1; };'),
}


# ----------------------------------------------------------------------------------
# Configuration

def _q(s):
    return '"%s"' % s


def port_conf(name, device, mac, v4=(), v6=(), arp=(), ndp=(), exception="none", mtu=None):
    """One `interfaces` entry with unit 0. arp/ndp: [(ip, mac)]. mtu: None = default."""
    fam = []
    if v4 or arp:
        inet = "address = [ %s ];" % ", ".join(_q(a) for a in v4)
        if arp:
            inet += " arp = ( %s );" % ", ".join(
                '{ address = %s; mac = %s; }' % (_q(i), _q(m)) for i, m in arp)
        fam.append("inet = { %s };" % inet)
    if v6 or ndp:
        inet6 = "address = [ %s ];" % ", ".join(_q(a) for a in v6)
        if ndp:
            inet6 += " ndp = ( %s );" % ", ".join(
                '{ address = %s; mac = %s; }' % (_q(i), _q(m)) for i, m in ndp)
        fam.append("inet6 = { %s };" % inet6)
    s = '  { name = %s; device = %s; mac = %s;' % (_q(name), _q(device), _q(mac))
    if exception is not None:
        s += ' exception = %s;' % _q(exception)
    if mtu is not None:
        s += ' mtu = %d;' % mtu
    s += '\n    unit = ( { name = "0"; family = { %s }; } ); }' % " ".join(fam)
    return s


def route_conf(prefix, next_hop=None, discard=False):
    if discard:
        return '{ name = %s; discard = true; }' % _q(prefix)
    return '{ name = %s; next-hop = %s; }' % (_q(prefix), _q(next_hop))


def config_text(ports, routes=(), layout="rtc"):
    dp = LAYOUTS[layout][1]
    out = ["system = { dataplane = { %s }; };" % dp,
           "interfaces = (\n%s\n);" % ",\n".join(ports)]
    if routes:
        out.append("routing-options = { static = { route = (\n  %s\n); }; };"
                   % ",\n  ".join(routes))
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------
# pcap

def write_pcap(path, frames):
    """frames: scapy packets or bytes (Ethernet). [] gives a header-only file."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            b = bytes(fr)
            f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000, len(b), len(b)))
            f.write(b)


def read_pcap_bytes(path):
    """Frames of a pcap (micro- or nanosecond, either byte order) as bytes;
    [] if the file is missing, empty or header-only."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("%s: not a pcap file (magic %s)" % (path, magic.hex()))
    out, off = [], 24
    while off + 16 <= len(data):
        _s, _us, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break               # truncated last record (writer killed mid-write)
        out.append(data[off:off + incl])
        off += incl
    return out


# ----------------------------------------------------------------------------------
# Running the gateway

class GwResult:
    def __init__(self, rc, stdout, stderr, stats, outputs, cmd, elapsed):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.stats = stats          # dict from --stats-file or None
        self.outputs = outputs      # {port name: [frame bytes]}
        self.cmd = cmd
        self.elapsed = elapsed

    def log(self):
        return "cmd: %s\nrc: %s\n--- stdout\n%s\n--- stderr\n%s" % (
            " ".join(self.cmd), self.rc, self.stdout[-6000:], self.stderr[-6000:])

    # counters -----------------------------------------------------------------
    def port(self, name):
        for p in (self.stats or {}).get("ports", []):
            if p.get("name") == name:
                return p
        raise KeyError("port %s not in stats: %s" % (name, self.stats))

    def port_drop(self, name, reason):
        return int(self.port(name).get("drops", {}).get(reason, 0))

    def port_drops_total(self, name):
        return sum(int(v) for v in self.port(name).get("drops", {}).values())

    def drop(self, reason):
        """Global count of a drop reason (top-level "drops", else the sum over ports)."""
        top = (self.stats or {}).get("drops")
        if isinstance(top, dict) and top:
            return int(top.get(reason, 0))
        return sum(int(p.get("drops", {}).get(reason, 0))
                   for p in (self.stats or {}).get("ports", []))

    def ledger(self):
        """Every frame in exactly one counter (lib/stats/README.md), summed over the
        ports: (frames in, frames out, the parts), where in = rx_packets + from_kernel
        + originated and out = tx_packets + to_kernel + drops + reasm_consumed +
        reasm_held (fragments still held at exit)."""
        ports = (self.stats or {}).get("ports", [])
        keys = ("rx_packets", "from_kernel", "originated", "tx_packets", "to_kernel",
                "reasm_consumed", "reasm_held")
        parts = {k: sum(int(p.get(k, 0)) for p in ports) for k in keys}
        parts["drops"] = sum(int(v) for p in ports for v in p.get("drops", {}).values())
        fin = parts["rx_packets"] + parts["from_kernel"] + parts["originated"]
        fout = parts["tx_packets"] + parts["to_kernel"] + parts["drops"] + \
            parts["reasm_consumed"] + parts["reasm_held"]
        return fin, fout, parts

    def nonzero_drops(self):
        d = {}
        for p in (self.stats or {}).get("ports", []):
            for k, v in p.get("drops", {}).items():
                if int(v):
                    d[k] = d.get(k, 0) + int(v)
        return d


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "ERROR: UndefinedBehaviorSanitizer")


def run_gw(workdir, config, lcores=("-l", "0,1"), idle_ms=500, timeout=90, extra_app=(),
           extra_eal=(), outputs=None, netns=None, mem=512):
    """Run gdoigw until it exits by itself (--exit-when-idle); return a GwResult.

    outputs: {port name: pcap path} to read back after the run.
    """
    os.makedirs(workdir, exist_ok=True)
    conf = os.path.join(workdir, "gw.conf")
    with open(conf, "w") as f:
        f.write(config)
    stats = os.path.join(workdir, "stats.json")
    if os.path.exists(stats):
        os.unlink(stats)
    prefix = unique_prefix()
    cmd = [gw_bin(), "--no-huge", "-m", str(mem), "--no-pci", *lcores,
           "--file-prefix=" + prefix, *extra_eal, "--",
           "-c", conf, "--stats-file", stats]
    if idle_ms is not None:
        cmd += ["--exit-when-idle", str(idle_ms)]
    cmd += list(extra_app)
    if netns:
        cmd = ["ip", "netns", "exec", netns] + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True, errors="replace")
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        err += "\n[test harness: gdoigw did not exit within %d s; killed]" % timeout
        rc = "timeout"
    else:
        rc = p.returncode
    finally:
        cleanup_prefix(prefix)
    elapsed = time.monotonic() - t0
    st = None
    if os.path.exists(stats) and os.path.getsize(stats) > 0:
        with open(stats) as f:
            st = json.load(f)
    outs = {name: read_pcap_bytes(path) for name, path in (outputs or {}).items()}
    return GwResult(rc, out, err, st, outs, cmd, elapsed)


def assert_clean_exit(res):
    assert res.rc == 0, "gdoigw did not exit cleanly\n" + res.log()
    for m in SANITIZER_MARKS:
        assert m not in res.stderr, "sanitizer report\n" + res.log()
    assert res.stats is not None, "no --stats-file written\n" + res.log()
