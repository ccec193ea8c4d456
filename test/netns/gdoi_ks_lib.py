"""Helpers for the key server's namespace tests (test/netns/test_netns_gks.py):
the `security group-vpn server` configuration of a gdoigw key server, a KEK
signing key, and a gdoid group member (the Cisco GDOI reference, built by
test/peers.py) in a host namespace."""
import os
import signal
import subprocess
import time

from nslib import sh

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


class GdoidMember:
    """gdoid as a group member in namespace ns (address gm), key server ks."""

    def __init__(self, binary, workdir, ns, gm, ks, enc="3DES_CBC", tag="gm"):
        self.binary, self.ns, self.tag = binary, ns, tag
        self.dir = os.path.join(str(workdir), tag)
        os.makedirs(self.dir, exist_ok=True)
        extra = "KEY_LENGTH=		128\n" if enc == "AES_CBC" else ""
        conf = GM_CONF.format(gm=gm, ks=ks, gid=GROUP_ID, psk=PSK, enc=enc)
        conf = conf.replace("AUTHENTICATION_METHOD=	PRE_SHARED\n",
                            "AUTHENTICATION_METHOD=	PRE_SHARED\n" + extra)
        self.conf = os.path.join(self.dir, "gm.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        os.chmod(self.conf, 0o600)          # gdoid refuses group/world-readable configs
        self.log_path = os.path.join(self.dir, "gm.log")
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "w")
        # -d foreground, -n no kernel SAs (PF_KEY), -DA=99 every debug line
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, self.binary, "-d", "-n", "-DA=99",
             "-f", os.path.join(self.dir, "fifo"), "-i", os.path.join(self.dir, "pid"),
             "-R", os.path.join(self.dir, "report"), "-c", self.conf],
            cwd=self.dir, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def count(self, needle):
        return self.text().count(needle)

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

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()
