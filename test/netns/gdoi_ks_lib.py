"""Helpers for the key server's namespace tests (test/netns/test_netns_gks.py):
the `security group-vpn server` configuration of a gdoigw key server, a KEK
signing key, and a gdoid group member (the Cisco GDOI reference, built by
test/peers.py) in a host namespace."""
import os
import subprocess
import time

from nslib import sh, stop_capture, terminate
import gdoilib

PSK = "mekmitasdigoat-gdoigw-ks"      # gdoid keeps pre-shared keys to 64 octets or fewer
GROUP_ID = 1234
REKEY_GROUP = "239.192.10.1"


def make_kek_key(workdir):
    """A 2048-bit RSA signing key (PEM) for the KEK."""
    path = os.path.join(str(workdir), "kek.pem")
    sh("openssl", "genrsa", "-out", path, "2048")
    return path


def server_conf(key, gdoid=True, member_prefix="10.99.1.0/24", listen=("10.99.1.1",),
                tek_life=3600, comm="multicast", extra_group=""):
    """The key server's configuration (appended to nslib's). gdoid members need
    the RFC 3547 SA TEK identity layout, bare-digest signatures, destination
    selectors that are host addresses and multicast rekeys."""
    listen_s = ", ".join('"%s"' % a for a in listen)
    return """
security = { group-vpn = { server = {
  listen-address = [ %s ];
  ike = { proposal = (
    { name = "3des"; encryption-algorithm = "3des-cbc"; authentication-algorithm = "sha1";
      dh-group = "group2"; },
    { name = "aes"; encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "sha1";
      dh-group = "group2"; }
  ); };
  group = ( {
    name = "g1"; group-id = %d;
    member = ( { name = "hosts"; address = "%s"; pre-shared-key = "%s"; } );
    ipsec-sa = (
      { name = "aes"; source-address = "10.1.0.0/16"; destination-address = "239.192.1.1/32";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha-256-128";
        lifetime-seconds = %d; },
      { name = "3des"; source-address = "10.2.0.0/16"; destination-address = "239.192.1.2/32";
        encryption-algorithm = "3des-cbc"; authentication-algorithm = "hmac-sha1-96";
        lifetime-seconds = %d; }
    );
    kek = { encryption-algorithm = "3des-cbc"; signing-key = "%s";
            signature-hash = "sha1"; signature-format = "%s"; };
    server-member-communication = { communication-type = "%s"; multicast-address = "%s";
                                    number-of-retransmission = 0; };
    activation-time-delay = 0; deactivation-time-delay = 30;
    gdoid-compatibility = %s;
    %s
  } );
}; }; };
""" % (listen_s, GROUP_ID, member_prefix, PSK, tek_life, tek_life, key,
       "bare-digest" if gdoid else "pkcs1", comm, REKEY_GROUP,
       "true" if gdoid else "false", extra_group)


GM_CONF = """# gdoid group member (test/netns/gdoi_ks_lib.py)
[General]
Retransmits=		5
Exchange-max-time=	120
Listen-on=		{gm}
check-interval=		60

[Phase 1]
{ks}=			GDOI-key-server

[Phase 2]
Connections=		Group-{gid}

[GDOI-key-server]
Phase=			1
Transport=		udp
Local-address=		{gm}
Address=		{ks}
Configuration=		Default-main-mode
Authentication=		{psk}

[Group-{gid}]
Phase=			2
ISAKMP-peer=		GDOI-key-server
Configuration=		Default-group-mode
ID-type=		KEY_ID
Key-value=		{gid}

[Default-main-mode]
DOI=			GROUP
EXCHANGE_TYPE=		ID_PROT
Transforms=		P1-XF

[P1-XF]
ENCRYPTION_ALGORITHM=	{enc}
HASH_ALGORITHM=		SHA
AUTHENTICATION_METHOD=	PRE_SHARED
GROUP_DESCRIPTION=	MODP_1024
Life=			LIFE_600_SECS

[LIFE_600_SECS]
LIFE_TYPE=		SECONDS
LIFE_DURATION=		600,450:720

[Default-group-mode]
DOI=			GROUP
EXCHANGE_TYPE=		PULL_MODE
"""


class GdoidMember(gdoilib.GdoidKS):
    """gdoid as a group member in namespace ns (address gm), key server ks (gdoilib's
    runner of gdoid with a member's configuration; its log is WORKDIR/TAG/ks.log)."""

    def __init__(self, binary, workdir, ns, gm, ks, enc="3DES_CBC", tag="gm"):
        d = os.path.join(str(workdir), tag)
        os.makedirs(d, exist_ok=True)
        extra = "KEY_LENGTH=		128\n" if enc == "AES_CBC" else ""
        conf = GM_CONF.format(gm=gm, ks=ks, gid=GROUP_ID, psk=PSK, enc=enc)
        conf = conf.replace("AUTHENTICATION_METHOD=	PRE_SHARED\n",
                            "AUTHENTICATION_METHOD=	PRE_SHARED\n" + extra)
        path = os.path.join(d, "gm.conf")
        with open(path, "w") as f:
            f.write(conf)
        os.chmod(path, 0o600)          # gdoid refuses group/world-readable configs
        super().__init__(binary, ns, d, path)

    def wait(self, needle, timeout, count=1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(needle) >= count:
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class GdoigwKs:
    """A gdoigw key server in namespace `ns`, one port (af_packet on veth `ks`)
    plugged into the bridge br0 of namespace `wan`, address `ip`/24 on its TAP,
    its CLI on `cli_port`; `v6` (an "addr/len") is put on that port too."""

    MAC = "02:00:00:00:a9:01"
    trace_level = "info"        # "all": the server logs every TEK's keys (flag ike)

    def __init__(self, workdir, wan, ip, cli_port, server_text, tag="ks", v6=None):
        import gwtest
        import clilib
        self.gwtest, self.clilib = gwtest, clilib
        self.workdir = str(workdir)
        self.wan, self.ip, self.cli_port = wan, ip, cli_port
        self.ns = "gks-%d-%s" % (os.getpid(), tag)
        self.prefix = gwtest.unique_prefix("ks")
        self.log_path = os.path.join(self.workdir, "%s.log" % tag)
        self.conf = os.path.join(self.workdir, "%s.conf" % tag)
        self.server_text = server_text
        self.v6 = v6
        self.proc = None
        self.log = None

    def create(self):
        sh("ip", "netns", "add", self.ns)
        sh("ip", "-n", self.ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", "wks", "netns", self.wan, "type", "veth", "peer", "name", "ks",
           "netns", self.ns)
        sh("ip", "-n", self.wan, "link", "set", "wks", "master", "br0", "up")
        sh("ip", "-n", self.ns, "link", "set", "ks", "address", self.MAC)
        sh("sysctl", "-qw", "net.ipv6.conf.ks.disable_ipv6=1", ns=self.ns)
        sh("sysctl", "-qw", "net.ipv4.conf.ks.rp_filter=1", ns=self.ns)
        sh("ip", "-n", self.ns, "link", "set", "ks", "up")

    def start(self, ready_timeout=40):
        port = self.gwtest.port_conf("ge-0/0/0", "net_af_packet0,iface=ks", self.MAC,
                                     v4=["%s/24" % self.ip],
                                     v6=[self.v6] if self.v6 else [], exception="tap")
        text = self.gwtest.config_text([port], (), "rtc")
        text = text.replace("system = { ", 'system = { traceoptions = { level = "%s"; '
                            'flag = [ "ike", "general" ]; }; ' % self.trace_level, 1)
        text = self.clilib.with_cli(text + self.server_text, self.cli_port)
        with open(self.conf, "w") as f:
            f.write(text)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, self.gwtest.gw_bin(), "--no-huge", "-m", "512",
             "--no-pci", *self.gwtest.LAYOUTS["rtc"][0], "--file-prefix=" + self.prefix,
             "--", "-c", self.conf], stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("key server exited early\n%s" % self.text())
            if "%s/" % self.ip in sh("ip", "-n", self.ns, "addr", "show", check=False).stdout:
                return
            time.sleep(0.25)
        raise RuntimeError("key server: address not on its TAP\n%s" % self.text())

    def cli(self, *cmds):
        s = self.clilib.Session(self.cli_port, netns=self.ns)
        try:
            return [s.cmd(c) for c in cmds]
        finally:
            s.close()

    def text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        terminate(self.proc, 20)
        if self.log:
            self.log.close()
            self.log = None

    def destroy(self):
        try:
            self.stop()
        finally:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
            self.gwtest.cleanup_prefix(self.prefix)


def pair_server_conf(key, psk, members="10.99.3.0/24", tek_life=900, window=0):
    """A gdoigw key server for test/netns/gdoilib.MemberPair's members: RFC wire
    layouts, RSA-signed unicast rekeys the members acknowledge (RFC 8263)."""
    return """
security = { group-vpn = { server = {
  listen-address = [ "10.99.3.10" ];
  ike = { proposal = ( { name = "p"; encryption-algorithm = "3des-cbc";
                         authentication-algorithm = "sha1"; dh-group = "group2"; } ); };
  group = ( {
    name = "g1"; group-id = %d;
    member = ( { name = "members"; address = "%s"; pre-shared-key = "%s"; } );
    ipsec-sa = (
      { name = "fwd"; source-address = "10.99.1.0/24"; destination-address = "10.99.2.0/24";
        encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "hmac-sha-256-128";
        lifetime-seconds = %d; },
      { name = "rev"; source-address = "10.99.2.0/24"; destination-address = "10.99.1.0/24";
        encryption-algorithm = "3des-cbc"; authentication-algorithm = "hmac-sha1-96";
        lifetime-seconds = %d; }
    );
    kek = { signing-key = "%s"; ack-requested = true; };
    server-member-communication = { communication-type = "unicast"; };
    deactivation-time-delay = 30;
    delay-detection = { window = %d; };
  } );
}; }; };
""" % (GROUP_ID, members, psk, tek_life, tek_life, key, window)


def start_group(pair, ks, pcap, capture="ip"):
    """gdoilib.MemberPair `pair` with the key server `ks` on its wan (in place of the
    bridge's address), a tcpdump of the wan writing `pcap` (returned), both members
    started."""
    pair.create()
    sh("ip", "-n", pair.wan, "addr", "del", pair.KS_IP + "/24", "dev", "br0")
    ks.create()
    ks.start()
    dump = subprocess.Popen(["ip", "netns", "exec", pair.wan, "tcpdump", "-i", "br0",
                             "-U", "-w", pcap, capture], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    pair.start(0)
    pair.start(1)
    return dump


def wait_all_acked(ks, timeout=15):
    """The server's group g1 once both members acknowledged its last PUSH (RFC 8263)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        show = ks.cli("show security group-vpn server group g1 detail")[0]
        if "holding the current policy: 2" in show:
            break
        time.sleep(1)
    assert "Members: 2, holding the current policy: 2" in show, show + ks.text()[-2000:]
    return show


class WanGroup:
    """gdoilib.MemberPair `pair` and a gdoigw key server (`server_text`) on its wan, the
    wan captured into `pcap` from before the members start. `with` starts everything and
    waits until both members registered for every group of `gids`; leaving it stops the
    capture and removes the boxes."""

    def __init__(self, workdir, pair, server_text, pcap, capture="ip", gids=(GROUP_ID,),
                 trace_level="info"):
        import clilib
        self.pair, self.pcap, self.capture, self.gids = pair, pcap, capture, gids
        self.ks = GdoigwKs(workdir, pair.wan, pair.KS_IP, clilib.free_port(), server_text)
        self.ks.trace_level = trace_level
        self.dump = None

    def __enter__(self):
        try:
            self.dump = start_group(self.pair, self.ks, self.pcap, self.capture)
            for i in (0, 1):
                for gid in self.gids:
                    assert self.pair.wait_log(i, "registered with %s for group %d" % (
                        self.pair.KS_IP, gid), 60), \
                        self.pair.logtext(i)[-3000:] + self.ks.text()[-3000:]
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def stop_capture(self):
        """End the capture (the pcap is complete once this returns)."""
        if self.dump is not None:
            stop_capture(self.dump, self.pcap)
            self.dump = None

    def __exit__(self, *exc):
        try:
            self.stop_capture()
        finally:
            try:
                self.ks.destroy()
            finally:
                self.pair.destroy()
