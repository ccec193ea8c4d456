"""Namespace topology for test/netns."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pkt"))
import gwtest  # noqa: E402


def sh(*args, check=True, timeout=30, ns=None):
    cmd = list(args)
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: rc %d\n%s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r


GW_MAC = ["02:00:00:00:99:01", "02:00:00:00:99:02"]
H1 = dict(addr="10.99.1.2/24", gw="10.99.1.1", addr6="2001:db8:99:1::2/64", gw6="2001:db8:99:1::1")
H2 = dict(addr="10.99.2.2/24", gw="10.99.2.1", addr6="2001:db8:99:2::2/64", gw6="2001:db8:99:2::1")


class NetnsTopo:
    _n = 0

    def __init__(self, workdir, layout, extra_conf=""):
        """extra_conf: configuration text appended to the generated one (e.g. a
        `security` section)."""
        NetnsTopo._n += 1
        tag = "%d_%d" % (os.getpid(), NetnsTopo._n)
        self.h1, self.h2, self.gw = "gwt-h1-" + tag, "gwt-h2-" + tag, "gwt-gw-" + tag
        self.workdir = str(workdir)
        self.layout = layout
        self.extra_conf = extra_conf
        self.proc = None
        self.prefix = gwtest.unique_prefix("n")
        self.stats_path = os.path.join(self.workdir, "stats.json")
        self.log_path = os.path.join(self.workdir, "gdoigw.log")
        self.stats = None
        self.rc = None
        self.log = None

    # -- set-up -------------------------------------------------------------------
    def create(self):
        for ns in (self.h1, self.h2, self.gw):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        # host side "eth0" in h1/h2; "v1g"/"v2g" in the gateway namespace
        for host, gname, mac in ((self.h1, "v1g", GW_MAC[0]), (self.h2, "v2g", GW_MAC[1])):
            sh("ip", "link", "add", "eth0", "netns", host, "type", "veth",
               "peer", "name", gname, "netns", self.gw)
            sh("ip", "-n", self.gw, "link", "set", gname, "address", mac)
            # The veth is only the wire under the af_packet port, but as a kernel
            # interface with the TAP's MAC it would form the TAP's own fe80:: address,
            # and whichever of the two comes up second fails duplicate address
            # detection (the TAP's fe80:: then stays "dadfailed"). No IPv6 there.
            sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % gname, ns=self.gw)
            sh("ip", "-n", self.gw, "link", "set", gname, "up")
            # The veth carries the gateway's MAC and the gateway namespace's kernel owns
            # the TAP addresses: without a strict reverse-path check that kernel answers
            # an IPv4 echo arriving on the veth itself (a duplicate reply, and half of
            # the path bypassing gdoigw). Strict rp_filter drops what comes in that way.
            sh("sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=1" % gname, ns=self.gw)
            sh("sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0", ns=host)
            sh("ip", "-n", host, "link", "set", "eth0", "up")
            # af_packet hands the gateway what the sender's kernel left for the NIC:
            # with TX checksum offload on, TCP/UDP checksums stay partial and the far
            # host drops them (measured with testpmd io-forward: TCP fails, ping works).
            sh("ethtool", "-K", "eth0", "tx", "off", ns=host)
        for host, h in ((self.h1, H1), (self.h2, H2)):
            sh("ip", "-n", host, "addr", "add", h["addr"], "dev", "eth0")
            sh("ip", "-n", host, "route", "add", "default", "via", h["gw"])
            sh("ip", "-n", host, "-6", "addr", "add", h["addr6"], "dev", "eth0", "nodad")
            sh("ip", "-n", host, "-6", "route", "add", "default", "via", h["gw6"])

    def config(self):
        ports = [
            gwtest.port_conf("ge-0/0/0", "net_af_packet0,iface=v1g", GW_MAC[0],
                             v4=["10.99.1.1/24"], v6=["2001:db8:99:1::1/64"], exception="tap"),
            gwtest.port_conf("ge-0/0/1", "net_af_packet1,iface=v2g", GW_MAC[1],
                             v4=["10.99.2.1/24"], v6=["2001:db8:99:2::1/64"], exception="tap"),
        ]
        return gwtest.config_text(ports, (), self.layout) + self.extra_conf

    def start(self, ready_timeout=40):
        conf = os.path.join(self.workdir, "gw.conf")
        with open(conf, "w") as f:
            f.write(self.config())
        cmd = ["ip", "netns", "exec", self.gw, gwtest.gw_bin(), "--no-huge", "-m", "512",
               "--no-pci", *gwtest.LAYOUTS[self.layout][0], "--file-prefix=" + self.prefix,
               "--", "-c", conf, "--stats-file", self.stats_path]
        self.cmd = cmd
        self.log = open(self.log_path, "w")
        # `ip netns exec` execs the binary: self.proc.pid is gdoigw's own PID
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        # ready when the exception TAPs carry the gateway's addresses
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gdoigw exited early (rc %s)\n%s" % (self.proc.returncode,
                                                                       self.logtext()))
            a = sh("ip", "-n", self.gw, "addr", "show", check=False).stdout
            if "10.99.1.1/" in a and "10.99.2.1/" in a:
                time.sleep(0.5)
                return
            time.sleep(0.25)
        raise RuntimeError("gateway addresses did not appear on TAPs in %d s\n%s\n%s" % (
            ready_timeout, sh("ip", "-n", self.gw, "addr", "show", check=False).stdout,
            self.logtext()))

    def wait_log(self, text, timeout):
        """True once `text` is in the gateway's log (stdout + stderr), False after
        timeout seconds or if the gateway exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, errors="replace") as f:
                if text in f.read():
                    return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def telemetry(self, cmd):
        """One DPDK telemetry command (e.g. "/gdoigw/drops") -> its value. The socket is
        a path under /var/run/dpdk, reachable from any network namespace."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.settimeout(5)
            s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % self.prefix)
            s.recv(16384)                   # greeting
            s.send(cmd.encode())
            return json.loads(s.recv(65536).decode())[cmd.split(",")[0]]
        finally:
            s.close()

    def logtext(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-8000:]
        except OSError:
            return ""

    # -- tear-down ----------------------------------------------------------------
    def stop(self, sig=signal.SIGTERM):
        terminate(self.proc, 20, sig)
        if self.proc:
            self.rc = self.proc.returncode
        if self.log:
            self.log.close()
        if os.path.exists(self.stats_path) and os.path.getsize(self.stats_path):
            with open(self.stats_path) as f:
                try:
                    self.stats = json.load(f)
                except ValueError:
                    self.stats = None

    def destroy(self):
        try:
            self.stop()
        finally:
            for ns in (self.h1, self.h2, self.gw):
                subprocess.run(["ip", "netns", "del", ns], capture_output=True)
            gwtest.cleanup_prefix(self.prefix)


def terminate(proc, timeout=20, sig=signal.SIGTERM):
    """Signal `proc` (SIGTERM: a clean exit) and wait `timeout` s; SIGKILL if it is still
    running. Nothing when it is None or has exited."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def stop_capture(proc, pcap, quiet=1.2, timeout=4):
    """End a `tcpdump -U -w pcap` once its last packets are on disk: -U writes each
    packet as tcpdump reads it, so the file stops growing `quiet` s after the traffic
    (waited for at most `timeout` s), then SIGTERM. tcpdump reads the kernel's capture
    ring in blocks handed over at the latest after its 1 s timeout (libpcap's
    TPACKET_V3), and a SIGTERM loses a block not yet handed over: `quiet` is longer than
    that. The pcap is complete on return."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = os.path.getsize(pcap) if os.path.exists(pcap) else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.1)
    terminate(proc, 10)
