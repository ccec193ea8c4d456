"""`services service-set` through `gdoigw --check` (lib/conf/conf_services.c): an IKE vpn
(ipsec-vpn-rules) and a group vpn (ipsec-group-vpn) bound to interfaces the Junos way,
`family inet service input service-set`, and each refusal with the file, the line of
the statement at fault and the reason. The existing `bind-interface` / `interface` forms keep working (the other
configuration tests and examples)."""
import subprocess

import pytest

import gwtest

IF = """interfaces = (
{ name = "ge-0/0/0"; device = "net_null0";
unit = ( { name = "0"; family = { inet = { address = [ "10.99.1.1/24" ];
%(svc0)s
}; }; } ); },
{ name = "ge-0/0/1"; device = "net_null1";
unit = ( { name = "0"; family = { inet = { address = [ "10.99.2.1/24" ];
%(svc1)s
}; }; } ); } );
"""

IKE = """security = {
ike = {
proposal = ( { name = "p1"; } );
policy = ( { name = "pol1"; proposals = [ "p1" ];
pre-shared-key = { ascii-text = "service-set-test-key-0123"; }; } );
gateway = ( { name = "sw"; ike-policy = "pol1"; address = "10.99.2.2";
local-address = "10.99.2.1"; } ); };
ipsec = {
proposal = ( { name = "e1"; } );
ipsec-policy = ( { name = "ip1"; proposals = [ "e1" ]; } );
vpn = ( { name = "to-sw"; ike = { gateway = "sw"; ipsec-policy = "ip1"; };
%(bind)s
traffic-selector = ( { name = "t1"; local-ip = "10.99.1.0/24";
remote-ip = "10.99.102.0/24"; } ); } ); };
group-vpn = { member = {
ike = {
proposal = ( { name = "gp"; } );
policy = ( { name = "gpol"; proposals = [ "gp" ];
pre-shared-key = "group-vpn-member-key-0123"; } );
gateway = ( { name = "ks"; ike-policy = "gpol"; server-address = [ "10.99.2.9" ];
local-address = "10.99.2.1"; } ); };
ipsec = { vpn = ( { name = "g1"; ike-gateway = "ks"; group = 1;
%(gbind)s
} ); }; }; };
};
"""

SERVICES = """services = { service-set = (
{ name = "ss-vpn"; ipsec-vpn-rules = [ %(rules)s ]; },
{ name = "ss-gvpn";
ipsec-group-vpn = "%(group)s"; } ); };
"""


def conf_text(svc0='service = { input = { service-set = "ss-vpn"; }; };',
              svc1='service = { input = { service-set = "ss-gvpn"; }; };',
              bind="", gbind="", rules='"to-sw"', group="g1"):
    return (IF % dict(svc0=svc0, svc1=svc1) + IKE % dict(bind=bind, gbind=gbind) +
            SERVICES % dict(rules=rules, group=group))


def check(tmp_path, text, *extra):
    path = tmp_path / "ss.conf"
    path.write_text(text)
    r = subprocess.run([gwtest.gw_bin(), "--", "-c", str(path), "--check", *extra],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                       errors="replace")
    return path, r


def line_of(text, needle, nth=1):
    n = 0
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            n += 1
            if n == nth:
                return i
    raise AssertionError(needle)


def test_service_sets_bind(tmp_path):
    text = conf_text()
    path, r = check(tmp_path, text)
    assert r.returncode == 0, r.stdout + r.stderr
    # the same vpn also with its own bind-interface, the same interface: fine
    path, r = check(tmp_path, conf_text(bind='bind-interface = "ge-0/0/0";',
                                        gbind='interface = "ge-0/0/1";'))
    assert r.returncode == 0, r.stdout + r.stderr
    # without service sets, the existing forms
    plain = IF % dict(svc0="", svc1="") + IKE % dict(
        bind='bind-interface = "ge-0/0/0";', gbind='interface = "ge-0/0/1";')
    path, r = check(tmp_path, plain)
    assert r.returncode == 0, r.stdout + r.stderr


# (conf_text arguments, the line's text (its first occurrence), reason)
BAD = [
    (dict(bind='bind-interface = "ge-0/0/1";'), 'bind-interface = "ge-0/0/1";',
     "'ge-0/0/1' here, but its service-set is applied to ge-0/0/0"),
    (dict(svc0=""), '{ name = "to-sw";',
     "vpn to-sw has no bind-interface and no service-set applied to an interface holds it"),
    (dict(svc1=""), '{ name = "g1";',
     "vpn g1 has no interface and no service-set applied to an interface holds it"),
    (dict(rules='"to-sw", "nope"'), 'ipsec-vpn-rules', "unknown vpn 'nope'"),
    (dict(group="nope"), 'ipsec-group-vpn', "unknown group vpn 'nope'"),
    (dict(svc0='service = { input = { service-set = "ss-nope"; }; };'),
     '{ name = "ge-0/0/0";', "unknown service-set 'ss-nope'"),
    (dict(svc1='service = { input = { service-set = "ss-vpn"; }; };'), '{ name = "to-sw";',
     "vpn to-sw is in service-sets applied to two interfaces"),
    (dict(svc0='service = { input = { service-set = "ss-vpn"; }; '
               'output = { service-set = "ss-gvpn"; }; };'), '{ name = "ge-0/0/0";',
     "is not the input one"),
    (dict(rules=""), '{ name = "ss-vpn";', "service-set without ipsec-vpn-rules"),
]


@pytest.mark.parametrize("args,where,reason", BAD, ids=[b[2][:40] for b in BAD])
def test_service_sets_refused(tmp_path, args, where, reason):
    text = conf_text(**args)
    path, r = check(tmp_path, text)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    want = "%s:%d:" % (path, line_of(text, where))
    assert want in out, "want %s in\n%s" % (want, out)
    assert reason in out, out
