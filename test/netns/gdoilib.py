"""GDOI helpers for test/netns: a gdoid key server in a namespace, and the
`security group-vpn member` configuration of a gdoigw member.

gdoid (the Cisco GDOI reference implementation, built by test/peers.py from the
sources beside the checkout) runs with -d -n -DA=99: foreground, no kernel SAs,
every debug line in its log, which the tests read. Its configuration rules
(flat TEK suites, the peers listed in [Phase 1], mode 600) are those of
../shared/peers/gdoid/README.md's run_pair.sh templates.
"""
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peers  # noqa: E402
from nslib import sh, terminate  # noqa: E402
import gwtest  # noqa: E402  (nslib put test/pkt on the path)
import clilib  # noqa: E402

PSK = "gdoigw-gdoid-interop-psk"      # >= 20 characters (Junos), <= 64 (gdoid)
GROUP = 1234

# phase 1 transforms gdoid knows, as (gdoid section, our proposal)
P1 = {
    "3des-sha1": ("ENCRYPTION_ALGORITHM=\t3DES_CBC\nHASH_ALGORITHM=\t\tSHA\n",
                  'encryption-algorithm = "3des-cbc"; authentication-algorithm = "sha1";'),
    "aes128-sha1": ("ENCRYPTION_ALGORITHM=\tAES_CBC\nKEY_LENGTH=\t\t128\n"
                    "HASH_ALGORITHM=\t\tSHA\n",
                    'encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "sha1";'),
    "aes128-md5": ("ENCRYPTION_ALGORITHM=\tAES_CBC\nKEY_LENGTH=\t\t128\n"
                   "HASH_ALGORITHM=\t\tMD5\n",
                   'encryption-algorithm = "aes-128-cbc"; authentication-algorithm = "md5";'),
}

# TEK suites: (TRANSFORM_ID, AUTHENTICATION_ALGORITHM)
TEK_AES_SHA256 = ("AES_CBC", "HMAC_SHA2_256")
TEK_3DES_SHA1 = ("3DES", "HMAC_SHA")


def gdoid_or_skip():
    try:
        return peers.gdoid_binary()
    except peers.PeerMissing as e:
        pytest.skip(str(e))


def _id_section(name, prefix, port=0):
    addr, plen = prefix.split("/") if "/" in prefix else (prefix, "32")
    if plen == "32":
        return "[%s]\nID-type=\t\tIPV4_ADDR\nAddress=\t\t%s\nPort=\t\t\t%d\n" % (
            name, addr, port)
    mask = (0xffffffff << (32 - int(plen))) & 0xffffffff
    return "[%s]\nID-type=\t\tIPV4_ADDR_SUBNET\nNetwork=\t\t%s\nNetmask=\t\t%s\nPort=\t\t\t%d\n" % (
        name, addr, ".".join(str((mask >> s) & 0xff) for s in (24, 16, 8, 0)), port)


def ks_config(workdir, ks_ip, members, kek_dst, teks, p1="3des-sha1", tek_life=120,
              rekey_period=0, kek_rekey_period=0, kek_alg="3DES", sig_hash="SHA",
              atd=None, dtd=None):
    """Write ks.conf (mode 600) and the KEK's RSA key into workdir; returns the path.
    members: the members' addresses; kek_dst: where PUSHes go (a member's address or
    a multicast group); teks: [(suite, src prefix, dst prefix)]."""
    key_pem = os.path.join(workdir, "kek_rsa.pem")
    key_der = os.path.join(workdir, "kek_rsa.der")
    sh("openssl", "genrsa", "-out", key_pem, "2048")
    sh("openssl", "rsa", "-in", key_pem, "-outform", "DER", "-traditional", "-out", key_der)
    out = ["[General]\nRetransmits=\t\t5\nExchange-max-time=\t120\nListen-on=\t\t%s\n" % ks_ip,
           "[Phase 1]\n" + "".join("%s=\t\tPeer-%d\n" % (m, i) for i, m in enumerate(members)),
           "[Phase 2]\nPassive-Connections=\tGroup-%d\n" % GROUP]
    for i, m in enumerate(members):
        out.append("[Peer-%d]\nPhase=\t\t\t1\nTransport=\t\tudp\nLocal-address=\t\t%s\n"
                   "Address=\t\t%s\nConfiguration=\t\tDefault-main-mode\n"
                   "Authentication=\t\t%s\n" % (i, ks_ip, m, PSK))
    out.append("[Group-%d]\nPhase=\t\t\t2\nConfiguration=\t\tDefault-group-mode\n"
               "ID-type=\t\tKEY_ID\nKey-value=\t\t%d\n" % (GROUP, GROUP))
    out.append("[Default-main-mode]\nDOI=\t\t\tGROUP\nEXCHANGE_TYPE=\t\tID_PROT\n"
               "Transforms=\t\tP1-XF\n")
    out.append("[P1-XF]\n%sAUTHENTICATION_METHOD=\tPRE_SHARED\nGROUP_DESCRIPTION=\tMODP_1024\n"
               "Life=\t\t\tLIFE_P1\n" % P1[p1][0])
    out.append("[LIFE_P1]\nLIFE_TYPE=\t\tSECONDS\nLIFE_DURATION=\t\t600,450:720\n")
    out.append("[LIFE_TEK]\nLIFE_TYPE=\t\tSECONDS\nLIFE_DURATION=\t\t%d,%d:%d\n" % (
        tek_life, tek_life, tek_life))
    tek_names = ",".join("TEK%d" % i for i in range(len(teks)))
    gap = "GROUP-POLICY=\t\tGP\n" if atd is not None or dtd is not None else ""
    out.append("[Default-group-mode]\nDOI=\t\t\tGROUP\nEXCHANGE_TYPE=\t\tPULL_MODE\n"
               "Crypto-protocol=\tPROTO_IPSEC_ESP\nSA-KEK=\t\t\tKEK\nSA-TEKS=\t\t%s\n%s"
               % (tek_names, gap))
    if gap:
        out.append("[GP]\n" + ("ATD=\t\t\t%d\n" % atd if atd is not None else "") +
                   ("DTD=\t\t\t%d\n" % dtd if dtd is not None else ""))
    out.append("[KEK]\nSrc-ID=\t\t\tKEK-src\nDst-ID=\t\t\tKEK-dst\nENCRYPTION_ALGORITHM=\t%s\n"
               "SIG_HASH_ALGORITHM=\t%s\nSIG_ALGORITHM=\t\tRSA\nRSA-Keypair=\t\t%s\n"
               "REKEY_PERIOD=\t\t%d\nKEK_REKEY_PERIOD=\t%d\n" % (
                   kek_alg, sig_hash, key_der, rekey_period or 100000,
                   kek_rekey_period or 100000))
    out.append(_id_section("KEK-src", ks_ip, 848))
    out.append(_id_section("KEK-dst", kek_dst, 848))
    for i, (suite, src, dst) in enumerate(teks):
        out.append("[TEK%d]\nSrc-ID=\t\t\tTEK%d-src\nDst-ID=\t\t\tTEK%d-dst\n"
                   "TEK_Suite=\t\tSUITE%d\n" % (i, i, i, i))
        out.append(_id_section("TEK%d-src" % i, src))
        out.append(_id_section("TEK%d-dst" % i, dst))
        out.append("[SUITE%d]\nPROTOCOL_ID=\t\tIPSEC_ESP\nTRANSFORM_ID=\t\t%s\n"
                   "ENCAPSULATION_MODE=\tTUNNEL\nAUTHENTICATION_ALGORITHM=\t%s\n"
                   "Life=\t\t\tLIFE_TEK\n" % (i, suite[0], suite[1]))
    path = os.path.join(workdir, "ks.conf")
    with open(path, "w") as f:
        f.write("\n".join(out))
    for p in (path, key_pem, key_der):
        os.chmod(p, 0o600)
    return path


class GdoidKS:
    """gdoid as key server in namespace ns."""

    def __init__(self, binary, ns, workdir, conf):
        self.binary, self.ns, self.workdir, self.conf = binary, ns, str(workdir), conf
        self.log_path = os.path.join(self.workdir, "ks.log")
        self.proc = None

    def start(self):
        w = self.workdir
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, self.binary, "-d", "-n", "-DA=99",
             "-f", os.path.join(w, "ks.fifo"), "-i", os.path.join(w, "ks.pid"),
             "-R", os.path.join(w, "ks.report"), "-c", self.conf],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        time.sleep(1.5)
        if self.proc.poll() is not None:
            raise RuntimeError("gdoid exited at start:\n" + self.text()[-3000:])

    def text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def count(self, needle):
        return self.text().count(needle)

    def stop(self):
        """SIGTERM: gdoid sends its last PUSH (DELETE of the TEKs) before it exits."""
        terminate(self.proc, 10)
        if self.proc:
            self.log.close()
            self.proc = None


def member_conf(server_ips, local_ip, p1="3des-sha1", interface="ge-0/0/0", dh="group2",
                psk=PSK, fail_open=(), extra_vpn=""):
    """The `security group-vpn member` section of a gdoigw member of GROUP
    registering with gdoid (1-octet SA TEK identities, bare-digest signatures)."""
    servers = ", ".join('"%s"' % s for s in server_ips)
    rules = ""
    if fail_open:
        rules = "fail-open = { rule = ( %s ); };" % ", ".join(
            '{ name = "r%d"; source-address = "%s"; destination-address = "%s"; }'
            % (i, s, d) for i, (s, d) in enumerate(fail_open))
    return """
security = { group-vpn = { member = {
  ike = {
    proposal = ( { name = "p1"; %s dh-group = "%s"; lifetime-seconds = 600; } );
    policy = ( { name = "pol"; proposals = [ "p1" ]; pre-shared-key = "%s"; } );
    gateway = ( { name = "ks"; ike-policy = "pol"; server-address = [ %s ];
                  local-address = "%s"; } );
  };
  ipsec = { vpn = ( { name = "gv"; ike-gateway = "ks"; group = %d; interface = "%s";
                      tek-id-length = 1; kek-signature = "bare-digest"; %s %s } ); };
}; }; };
""" % (P1[p1][1], dh, psk, servers, local_ip, GROUP, interface, rules, extra_vpn)


class MemberPair:
    """h1 -- gw1 == wan (bridge; gdoid KS 10.99.3.10) == gw2 -- h2, each box in a
    namespace of its own (names carry the PID), two gdoigw members of GROUP.

      h1 10.99.1.2 -- 10.99.1.1 [gw1] 10.99.3.1 --+-- 10.99.3.10 KS
      h2 10.99.2.2 -- 10.99.2.1 [gw2] 10.99.3.2 --+
    """
    KS_IP = "10.99.3.10"
    _n = 0

    def __init__(self, workdir, p1="3des-sha1"):
        MemberPair._n += 1
        tag = "%d_%d" % (os.getpid(), MemberPair._n)
        self.workdir = str(workdir)
        self.h = ["gmh1-" + tag, "gmh2-" + tag]
        self.g = ["gmg1-" + tag, "gmg2-" + tag]
        self.wan = "gmwan-" + tag
        self.p1 = p1
        self.procs = [None, None]
        self.logs = [None, None]
        self.prefixes = [gwtest.unique_prefix("gm1"), gwtest.unique_prefix("gm2")]
        self.log_paths = [os.path.join(self.workdir, "gw%d.log" % (i + 1)) for i in (0, 1)]
        self.cli_ports = [None, None]       # telnet CLI of each gateway (clilib)

    def ns_all(self):
        return self.h + self.g + [self.wan]

    def create(self):
        for ns in self.ns_all():
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", "br0", "netns", self.wan, "type", "bridge")
        sh("ip", "-n", self.wan, "addr", "add", self.KS_IP + "/24", "dev", "br0")
        sh("ip", "-n", self.wan, "link", "set", "br0", "up")
        for i in (0, 1):
            n = i + 1
            g, h = self.g[i], self.h[i]
            sh("ip", "link", "add", "eth0", "netns", h, "type", "veth", "peer", "name", "in",
               "netns", g)
            sh("ip", "link", "add", "w%d" % n, "netns", self.wan, "type", "veth", "peer",
               "name", "out", "netns", g)
            sh("ip", "-n", self.wan, "link", "set", "w%d" % n, "master", "br0", "up")
            for dev, mac in (("in", self.mac(i, 0)), ("out", self.mac(i, 1))):
                # as nslib.NetnsTopo: the veth is only the wire under the af_packet port
                sh("ip", "-n", g, "link", "set", dev, "address", mac)
                sh("sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev, ns=g)
                sh("sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=1" % dev, ns=g)
                sh("ip", "-n", g, "link", "set", dev, "up")
            sh("ip", "-n", h, "link", "set", "eth0", "up")
            sh("ethtool", "-K", "eth0", "tx", "off", ns=h)
            sh("ip", "-n", h, "addr", "add", "10.99.%d.2/24" % n, "dev", "eth0")
            sh("ip", "-n", h, "route", "add", "default", "via", "10.99.%d.1" % n)
        sh("ethtool", "-K", "br0", "tx", "off", ns=self.wan, check=False)

    @staticmethod
    def mac(i, port):
        return "02:00:00:00:a%d:0%d" % (i + 1, port + 1)

    def config(self, i, extra_vpn=""):
        n, other = i + 1, 2 - i
        ports = [
            gwtest.port_conf("ge-0/0/0", "net_af_packet0,iface=in", self.mac(i, 0),
                             v4=["10.99.%d.1/24" % n], exception="tap"),
            gwtest.port_conf("ge-0/0/1", "net_af_packet1,iface=out", self.mac(i, 1),
                             v4=["10.99.3.%d/24" % n], exception="tap"),
        ]
        routes = [gwtest.route_conf("10.99.%d.0/24" % other, "10.99.3.%d" % other)]
        text = gwtest.config_text(ports, routes, "rtc")
        text = text.replace("system = { ", 'system = { traceoptions = { level = "info"; '
                            'flag = [ "ike", "general" ]; }; ', 1)
        text += member_conf([self.KS_IP], "10.99.3.%d" % n, p1=self.p1, extra_vpn=extra_vpn)
        if self.cli_ports[i]:
            text = clilib.with_cli(text, self.cli_ports[i])
        return text

    def start(self, i, ready_timeout=40):
        conf = os.path.join(self.workdir, "gw%d.conf" % (i + 1))
        with open(conf, "w") as f:
            f.write(self.config(i))
        self.logs[i] = open(self.log_paths[i], "w")
        self.procs[i] = subprocess.Popen(
            ["ip", "netns", "exec", self.g[i], gwtest.gw_bin(), "--no-huge", "-m", "512",
             "--no-pci", *gwtest.LAYOUTS["rtc"][0], "--file-prefix=" + self.prefixes[i],
             "--", "-c", conf], stdout=self.logs[i], stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.procs[i].poll() is not None:
                raise RuntimeError("gdoigw %d exited early\n%s" % (i + 1, self.logtext(i)))
            if "10.99.3.%d/" % (i + 1) in sh("ip", "-n", self.g[i], "addr", "show",
                                            check=False).stdout:
                return
            time.sleep(0.25)
        raise RuntimeError("gdoigw %d: addresses not on the TAPs\n%s" % (i + 1,
                                                                        self.logtext(i)))

    def logtext(self, i):
        try:
            with open(self.log_paths[i], errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, i, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.logtext(i):
                return True
            if self.procs[i].poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def stop(self, i):
        p = self.procs[i]
        terminate(p, 20)
        if self.logs[i]:
            self.logs[i].close()
            self.logs[i] = None

    def destroy(self):
        try:
            for i in (0, 1):
                self.stop(i)
        finally:
            for ns in self.ns_all():
                subprocess.run(["ip", "netns", "del", ns], capture_output=True)
            for p in self.prefixes:
                gwtest.cleanup_prefix(p)
