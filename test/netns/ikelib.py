"""strongSwan (charon, kernel-libipsec) as an IKEv2 peer in a network namespace, and the
gdoigw IKE configuration that matches it (test/netns/test_netns_ike.py).

charon runs in the h2 namespace of nslib.NetnsTopo with its own mount namespace (a
private tmpfs on /run: its pid file path is fixed), its own strongswan.conf
(STRONGSWAN_CONF) and a vici socket in the test's directory, so several can run at
once. kernel-libipsec makes charon do ESP itself on a TUN device (ipsec0) and forces
UDP encapsulation: charon reports a NAT, IKE floats to 4500 and ESP travels in UDP
4500 (RFC 3948), which gdoigw must follow.
"""
import contextlib
import os
import shutil
import signal
import subprocess
import time

from nslib import sh, stop_capture, terminate

CHARON = "/usr/lib/ipsec/charon"
PSK = "gdoigw-ike-test-0123456789"

# (gdoigw IKE proposal, gdoigw ESP proposal, strongSwan proposals, ESP proposals)
SUITES = {
    "gcm": (dict(enc="aes-128-gcm", auth="sha-256", dh="group14"),
            dict(enc="aes-128-gcm", auth=None),
            "aes128gcm16-prfsha256-modp2048", "aes128gcm16"),
    "cbc": (dict(enc="aes-256-cbc", auth="sha-256", dh="group14"),
            dict(enc="aes-256-cbc", auth="hmac-sha-256-128"),
            "aes256-sha256-modp2048", "aes256-sha256"),
    # the rest of issue 16's algorithms (test/netns/test_netns_ike_algs.py)
    "sha1-modp3072": (dict(enc="aes-128-cbc", auth="sha1", dh="group15"),
                      dict(enc="aes-128-cbc", auth="hmac-sha1-96"),
                      "aes128-sha1-modp3072", "aes128-sha1"),
    "gcm256-ecp384": (dict(enc="aes-256-gcm", auth="sha-384", dh="group20"),
                      dict(enc="aes-256-gcm", auth=None),
                      "aes256gcm16-prfsha384-ecp384", "aes256gcm16"),
    "sha384-x25519": (dict(enc="aes-128-cbc", auth="sha-384", dh="group31"),
                      dict(enc="aes-128-cbc", auth="hmac-sha-384-192"),
                      "aes128-sha384-x25519", "aes128-sha384"),
    "sha512-ecp256": (dict(enc="aes-256-cbc", auth="sha-512", dh="group19"),
                      dict(enc="aes-256-cbc", auth="hmac-sha-512-256"),
                      "aes256-sha512-ecp256", "aes256-sha512"),
}


def have_strongswan():
    return os.path.exists(CHARON) and shutil.which("swanctl") is not None and \
        os.path.exists("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so")


def gdoigw_security(suite, gw_addr, peer_addr, local_net, remote_net, bind_if, establish,
                    child_life=None, ike_life=None, pfs=None, child_kb=None):
    """child_life / ike_life: lifetime-seconds of the ESP / IKE proposal; pfs: "group19"
    ...; child_kb: lifetime-kilobytes of the ESP proposal (test_netns_ike_rekey.py)."""
    ike, esp, _, _ = SUITES[suite]
    esp_auth = '' if esp["auth"] is None else \
        ' authentication-algorithm = "%s";' % esp["auth"]
    if child_life:
        esp_auth += ' lifetime-seconds = %d;' % child_life
    if child_kb:
        esp_auth += ' lifetime-kilobytes = %d;' % child_kb
    ike_extra = ' lifetime-seconds = %d;' % ike_life if ike_life else ''
    pfs_conf = ' perfect-forward-secrecy = { keys = "%s"; };' % pfs if pfs else ""
    return """
security = {
  ike = {
    proposal = ( { name = "p1"; encryption-algorithm = "%(ienc)s";
                   authentication-algorithm = "%(iauth)s"; dh-group = "%(dh)s";%(iextra)s } );
    policy = ( { name = "pol1"; proposals = [ "p1" ];
                 pre-shared-key = { ascii-text = "%(psk)s"; }; } );
    gateway = ( { name = "sw"; ike-policy = "pol1"; address = "%(peer)s";
                  local-address = "%(gw)s";
                  local-identity = { hostname = "a.test"; };
                  remote-identity = { hostname = "b.test"; };
                  dead-peer-detection = { interval = 5; threshold = 3; }; } );
  };
  ipsec = {
    proposal = ( { name = "e1"; encryption-algorithm = "%(eenc)s";%(eauth)s } );
    ipsec-policy = ( { name = "ip1"; proposals = [ "e1" ];%(pfs)s } );
    vpn = ( { name = "to-sw"; ike = { gateway = "sw"; ipsec-policy = "ip1"; };
              bind-interface = "%(bind)s"; establish-tunnels = "%(est)s";
              traffic-selector = ( { name = "t1"; local-ip = "%(lnet)s";
                                     remote-ip = "%(rnet)s"; } ); } );
  };
};
""" % dict(ienc=ike["enc"], iauth=ike["auth"], dh=ike["dh"], psk=PSK, peer=peer_addr,
           gw=gw_addr, eenc=esp["enc"], eauth=esp_auth, bind=bind_if, est=establish,
           lnet=local_net, rnet=remote_net, iextra=ike_extra, pfs=pfs_conf)


class Charon:
    """charon in namespace `ns`: local address `addr`, peer `peer`, protected `local_ts`
    (an address of it is put on lo) <-> `remote_ts`."""

    def __init__(self, workdir, ns, addr, peer, local_ts, remote_ts, suite, rekey=None,
                 esp_dh=None, children=()):
        """rekey: (IKE seconds, CHILD seconds) for charon's rekey_time, None = defaults;
        esp_dh: a DH group for the ESP proposal (PFS), e.g. "ecp256"; children: further
        (name, local_ts, remote_ts) children beside "net" (test_netns_ike_v6.py).
        `addr` and `peer` may be IPv6 (IKE over IPv6)."""
        self.dir = os.path.join(str(workdir), "charon")
        os.makedirs(self.dir, exist_ok=True)
        self.ns, self.addr, self.peer = ns, addr, peer
        self.local_ts, self.remote_ts, self.suite = local_ts, remote_ts, suite
        self.conf = os.path.join(self.dir, "strongswan.conf")
        self.swanctl = os.path.join(self.dir, "swanctl.conf")
        self.vici = os.path.join(self.dir, "charon.vici")
        self.log = os.path.join(self.dir, "charon.log")
        self.proc = None
        self.rekey = rekey
        self.esp_dh = esp_dh
        self.children = children

    def write(self):
        with open(self.conf, "w") as f:
            f.write("""charon {
  load = random nonce aes sha1 sha2 hmac gcm pem pkcs1 x509 pubkey openssl kdf kernel-libipsec kernel-netlink socket-default vici
  port = 500
  port_nat_t = 4500
  install_routes = yes
  retransmit_tries = 3
  plugins {
    vici {
      socket = unix://%(vici)s
    }
    kernel-libipsec {
      allow_peer_ts = no
    }
  }
  filelog {
    log {
      path = %(log)s
      time_format = %%H:%%M:%%S
      default = 1
      ike = 2
      cfg = 1
      knl = 1
      chd = 4
      flush_line = yes
    }
  }
}
swanctl {
  socket = unix://%(vici)s
}
""" % dict(vici=self.vici, log=self.log))
        _, _, ike_p, esp_p = SUITES[self.suite]
        if self.esp_dh:
            esp_p += "-" + self.esp_dh
        with open(self.swanctl, "w") as f:
            f.write("""connections {
  gw {
    version = 2
    local_addrs = %(addr)s
    remote_addrs = %(peer)s
    proposals = %(ike)s
    dpd_delay = 5s
%(ike_rekey)s    local {
      auth = psk
      id = b.test
    }
    remote {
      auth = psk
      id = a.test
    }
    children {
      net {
        local_ts = %(lts)s
        remote_ts = %(rts)s
        esp_proposals = %(esp)s
        mode = tunnel
        start_action = none
        dpd_action = clear
%(child_rekey)s
      }
%(more)s    }
  }
}
secrets {
  ike-ab {
    id-a = a.test
    id-b = b.test
    secret = "%(psk)s"
  }
}
""" % dict(addr=self.addr, peer=self.peer, ike=ike_p, lts=self.local_ts,
                 rts=self.remote_ts, esp=esp_p, psk=PSK,
                 ike_rekey="    rekey_time = %ds\n" % self.rekey[0] if self.rekey else "",
                 child_rekey="        rekey_time = %ds\n" % self.rekey[1] if self.rekey else "",
                 more="".join("""      %s {
        local_ts = %s
        remote_ts = %s
        esp_proposals = %s
        mode = tunnel
        start_action = none
      }
""" % (name, lts, rts, esp_p) for name, lts, rts in self.children)))

    def env(self):
        return dict(os.environ, STRONGSWAN_CONF=self.conf)

    def start(self, timeout=20):
        self.write()
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "unshare", "-m", "sh", "-c",
             "mount -t tmpfs tmpfs /run && exec %s" % CHARON],
            env=self.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(self.vici):
                r = self.swanctl_cmd("--load-all", "--file", self.swanctl, check=False)
                if r.returncode == 0:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("charon exited (rc %s)\n%s" % (self.proc.returncode,
                                                                self.logtext()))
            time.sleep(0.3)
        raise RuntimeError("charon did not come up\n" + self.logtext())

    def swanctl_cmd(self, *args, check=True, timeout=30):
        r = subprocess.run(["swanctl", *args, "--uri", "unix://" + self.vici],
                           env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("swanctl %s: rc %d\n%s%s\n%s" % (
                " ".join(args), r.returncode, r.stdout, r.stderr, self.logtext()))
        return r

    def initiate(self, child="net"):
        return self.swanctl_cmd("--initiate", "--child", child, "--timeout", "20",
                                check=False, timeout=40)

    def list_sas(self):
        return self.swanctl_cmd("--list-sas", check=False).stdout

    def kill(self):
        """The charon process (its PID: `unshare` and `sh` exec it)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        terminate(self.proc, 10)

    def logtext(self, tail=6000):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-tail:]
        except OSError:
            return ""


def reload_gdoigw(topo, extra_conf):
    """gdoigw's configuration with `extra_conf` written to gw.conf, then SIGHUP, until the
    IKE daemon took it (a changed IKE configuration deletes the SAs, lib/ike/ike_daemon.c)."""
    def count():
        with open(topo.log_path, errors="replace") as f:
            return f.read().count("IKE configuration:")
    before = count()
    topo.extra_conf = extra_conf
    with open(os.path.join(topo.workdir, "gw.conf"), "w") as f:
        f.write(topo.config())
    os.kill(topo.proc.pid, signal.SIGHUP)
    deadline = time.monotonic() + 15
    while count() <= before:
        assert time.monotonic() < deadline, "reload not applied\n" + topo.logtext()
        time.sleep(0.2)


# ---- tshark: the IKE messages decrypted with the keys gdoigw logs at debug level ----
# (lib/ike/ike_keylog.c: "IKE key: spi_i .. spi_r .. encr ID/bits sk_ei .. sk_er .. integ ID
# sk_ai .. sk_ar ..") -> tshark's ikev2_decryption_table, whose algorithm names these are.
TSHARK_IKE_ENCR = {12: "AES-CBC-%d [RFC3602]", 20: "AES-GCM-%d with 16 octet ICV [RFC5282]"}
TSHARK_IKE_INTEG = {0: "NONE [RFC4306]", 2: "HMAC_SHA1_96 [RFC2404]",
                    12: "HMAC_SHA2_256_128 [RFC4868]", 13: "HMAC_SHA2_384_192 [RFC4868]",
                    14: "HMAC_SHA2_512_256 [RFC4868]"}


def tshark_ike_uat(log):
    """tshark options: one ikev2_decryption_table row per IKE SA key line of the log."""
    args = []
    for line in log.splitlines():
        if "IKE key: spi_i" not in line:
            continue
        w = line.split("IKE key: ")[1].split()
        d = dict(zip(w[0::2], w[1::2]))
        encr, bits = (int(x) for x in d["encr"].split("/"))
        key = lambda k: "" if d[k] == "-" else d[k]  # noqa: E731
        # hex fields bare, names quoted (tshark's UAT file syntax)
        args += ["-o", 'uat:ikev2_decryption_table:%s,%s,%s,%s,"%s",%s,%s,"%s"' % (
            d["spi_i"], d["spi_r"], key("sk_ei"), key("sk_er"), TSHARK_IKE_ENCR[encr] % bits,
            key("sk_ai"), key("sk_ar"), TSHARK_IKE_INTEG[int(d["integ"])])]
    return args


def tshark_ike_check(pcap, log):
    """Every IKE message of the capture dissects without a malformed or error mark, its SK
    payload decrypted with the logged keys (tshark checks the ICV, then dissects the inner
    payloads). Returns {frame: dict(exch, decrypted, auth, id, cert, certreq)}."""
    uat = tshark_ike_uat(log)
    assert uat, "no IKE keys in the log (debug level?)"
    fields = ["frame.number", "isakmp.exchangetype", "isakmp.enc.decrypted", "_ws.malformed",
              "_ws.expert.severity", "isakmp.auth.method", "isakmp.id.type",
              "isakmp.cert.encoding", "isakmp.certreq.type", "isakmp.ikev2.integrity_checksum"]
    cmd = ["tshark", "-r", pcap, *uat, "-Y", "isakmp", "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = {}
    for line in r.stdout.splitlines():
        v = line.split("\t") + [""] * len(fields)
        frame, exch, dec, bad, sev, auth, idt, cert, creq, icv = v[:len(fields)]
        worst = max((int(x, 0) for x in sev.split(",") if x), default=0)
        assert not bad and not icv and worst < 0x00800000, \
            "tshark marks IKE frame %s malformed or failing its ICV: %r" % (frame, v)
        rows[int(frame)] = dict(exch=int(exch.split(",")[0]), decrypted=bool(dec), auth=auth,
                                id=idt, cert=cert, certreq=creq)
    assert rows, "no IKE messages in the capture"
    undecrypted = [f for f, x in rows.items() if x["exch"] != 34 and not x["decrypted"]]
    assert not undecrypted, "SK payloads tshark could not decrypt: frames %r" % undecrypted
    return rows


class Capture:
    """tcpdump on `iface` in namespace `ns` into `pcap` (filter `filt`) until stop()."""

    def __init__(self, ns, iface, pcap, filt):
        self.path = pcap
        self.proc = subprocess.Popen(["ip", "netns", "exec", ns, "tcpdump", "-i", iface,
                                      "-w", pcap, "-U", filt],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def finish(self):
        """Stop once the last packets are on disk (nslib.stop_capture); the path."""
        stop_capture(self.proc, self.path)
        return self.path


# ---- the bed of the strongSwan tests: namespaces, capture, charon, gdoigw ----

@contextlib.contextmanager
def charon_bed(topo, charon, host, pcap=None, filt="udp", setup=None):
    """topo's namespaces made, `host` (charon's protected address) on h2's lo, `setup()`
    called when given (e.g. a firewall in the namespaces), tcpdump on h2's eth0 into
    `pcap` (filter `filt`) when given, charon then gdoigw started; yields the Capture
    (None without pcap); afterwards all stopped and removed."""
    cap = None
    try:
        topo.create()
        sh("ip", "-n", topo.h2, "addr", "add", host + "/32", "dev", "lo")
        if setup:
            setup()
        if pcap:
            cap = Capture(topo.h2, "eth0", pcap, filt)
        charon.start()
        topo.start()
        yield cap
    finally:
        if cap is not None:
            cap.stop()
        stop_bed(topo, charon)


def stop_bed(topo, charon):
    """gdoigw first: charon answers its INFORMATIONAL delete at once (with charon gone,
    gdoigw's exit waited out the delete's retransmissions, 6-8 s a test); then charon and
    the namespaces."""
    try:
        topo.stop()
    finally:
        charon.stop()
        topo.destroy()
