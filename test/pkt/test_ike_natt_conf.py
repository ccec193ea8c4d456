"""The NAT-T and fragmentation statements of IKE through `gdoigw --check`
(lib/conf/conf_schema.c, conf_ike.c): `security ike gateway NAME nat-keepalive`,
`fragmentation { size; disable; }` and `security ipsec vpn NAME udp-encapsulate
dest-udp-port` accepted; out-of-range values, port 4500 as a multipath port and two vpns
with different multipath ports refused with the line and the reason."""
import subprocess

import pytest

import gwtest
from pkttopo import Topo


def block(gw_extra="", vpn_extra="", vpn2_extra=None):
    """An IKE block with a pre-shared key, one statement a line; a second vpn if asked."""
    vpn = ('{ name = "v%d"; ike = { gateway = "g"; ipsec-policy = "ip"; }; '
           'bind-interface = "ge-0/0/0";\n%s\n'
           'traffic-selector = ( { name = "t"; local-ip = "10.1.0.0/16"; '
           'remote-ip = "10.%d.0.0/16"; } ); }')
    vpns = [vpn % (1, vpn_extra, 2)]
    if vpn2_extra is not None:
        vpns.append(vpn % (2, vpn2_extra, 3))
    return "\n".join([
        "security = { ike = {",
        'proposal = ( { name = "p1"; encryption-algorithm = "aes-128-gcm"; } );',
        'policy = ( { name = "pol"; proposals = [ "p1" ]; '
        'pre-shared-key = { ascii-text = "k"; }; } );',
        'gateway = ( { name = "g"; ike-policy = "pol"; address = "192.0.2.9";',
        'local-address = "192.0.2.1";',
        gw_extra,
        "} ); };",
        'ipsec = { proposal = ( { name = "e"; encryption-algorithm = "aes-128-gcm"; } );',
        'ipsec-policy = ( { name = "ip"; proposals = [ "e" ]; } );',
        "vpn = ( " + ",\n".join(vpns) + " ); }; };", ""])


def check(tmp_path, sec):
    conf = tmp_path / ("t%d.conf" % abs(hash(sec)))
    base = Topo(tmp_path).config(str(tmp_path)) + "\n"
    conf.write_text(base + sec)
    r = subprocess.run([gwtest.gw_bin(), "--", "-c", str(conf), "--check"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                       errors="replace")
    return r.returncode, r.stdout + r.stderr, conf, base.count("\n") + 1


def test_natt_frag_config_valid(tmp_path):
    for gw, vpn in (("nat-keepalive = 5; fragmentation = { size = 1280; };",
                     "udp-encapsulate = { dest-udp-port = 2000; };"),
                    ("fragmentation = { disable = true; };", ""),
                    ("", "")):
        rc, out, _, _ = check(tmp_path, block(gw, vpn))
        assert rc == 0, out


# (block() arguments, line within the block (1-based), reason)
BAD = [
    (dict(gw_extra="fragmentation = { size = 499; };"), 6, "500"),
    (dict(gw_extra="fragmentation = { size = 1301; };"), 6, "1300"),
    (dict(gw_extra="nat-keepalive = 0;"), 6, "nat-keepalive"),
    (dict(vpn_extra="udp-encapsulate = { dest-udp-port = 4500; };"), 11, "NAT-T"),
    (dict(vpn_extra="udp-encapsulate = { dest-udp-port = 1024; };"), 11, "1025"),
    (dict(vpn_extra="udp-encapsulate = { dest-udp-port = 2000; };",
          vpn2_extra="udp-encapsulate = { dest-udp-port = 2001; };"), 14,
     "one multipath port per appliance"),
]


@pytest.mark.parametrize("args,line,reason", BAD, ids=[b[2] for b in BAD])
def test_natt_frag_config_refused(tmp_path, args, line, reason):
    rc, out, conf, first = check(tmp_path, block(**args))
    assert rc == 1, out
    assert reason in out, out
    assert "%s:%d:" % (conf, first + line - 1) in out, "want %s:%d in\n%s" % (
        conf, first + line - 1, out)
