"""The telnet CLI (lib/cli) through Debian's telnet client: login, every operational
command, '?' and TAB, configuration mode, commit / rollback, pipes and bad input."""
import os
import socket
import time

import pexpect
import pytest

import clilib


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    g = clilib.Gateway(tmp_path_factory.mktemp("cli"), clilib.free_port())
    yield g
    rc = g.stop()
    assert rc == 0, g.logtext()[-3000:]


@pytest.fixture
def sess(gw):
    s = clilib.Session(gw.port)
    yield s
    s.close()


def test_login_and_prompt(gw, sess):
    assert "gdoigw" in sess.cmd("show version")
    assert "cli: admin logged in from 127.0.0.1" in gw.logtext()


def test_wrong_password_delayed_and_logged(gw):
    s = clilib.Session(gw.port, login=False)
    t0 = time.monotonic()
    s.login("admin", "not-the-password", expect_ok=False)
    s.p.expect("Access denied")
    assert time.monotonic() - t0 >= 1.0
    assert "failed login for 'admin'" in gw.logtext()
    s.login("admin", clilib.PASSWORD)    # a success resets the failure count
    s.close()


def test_unknown_user_refused(gw):
    s = clilib.Session(gw.port, login=False)
    s.login("nobody", clilib.PASSWORD, expect_ok=False)
    s.p.expect("Access denied")
    s.close()


def test_operational_commands(gw, sess):
    assert "Hostname: gdoigw" in sess.cmd("show version")
    assert "System booted" in sess.cmd("show system uptime")
    out = sess.cmd("show interfaces")
    assert "Physical interface: ge-0/0/0" in out and "Input  packets" in out
    assert "Local: 192.0.2.1/24" in out
    out = sess.cmd("show interfaces ge-0/0/1 terse")
    assert "ge-0/0/1" in out and "ge-0/0/0" not in out and "198.51.100.1/24" in out
    assert "Drops by reason" in sess.cmd("show interfaces ge-0/0/0 extensive")
    out = sess.cmd("show route")
    assert "192.0.2.0/24" in out and "Direct" in out and "Local" in out
    out = sess.cmd("show route 198.51.100.0/24")
    assert "198.51.100.0/24" in out and "192.0.2.0/24" not in out
    assert "MAC Address" in sess.cmd("show arp")
    assert "IPv6 Address" in sess.cmd("show ipv6 neighbors")
    assert "Total active tunnels: 0" in sess.cmd("show security ipsec security-associations")
    assert "ESP Statistics" in sess.cmd("show security ipsec statistics")
    assert "cleared" in sess.cmd("clear security ipsec statistics")
    assert "Index" in sess.cmd("show security ike security-associations")
    assert "Total active tunnels: 0" in sess.cmd(
        "show security group-vpn member ipsec security-associations detail")
    assert "Index" in sess.cmd("show security group-vpn member ike security-associations")
    out = sess.cmd("show configuration interfaces")
    assert "ge-0/0/0 {" in out and "address 192.0.2.1/24;" in out
    assert "Logging goes to" in sess.cmd("show log")


def test_monitor_interface_traffic(gw, sess):
    sess.send("monitor interface traffic")
    sess.p.expect("Input packets")
    sess.p.expect("press any key")
    sess.p.send("q")
    sess.p.expect(sess.prompt_re())


def test_pipes(gw, sess):
    out = sess.cmd("show route | match Direct")
    assert "Direct" in out and "Local" not in out
    out = sess.cmd("show route | except Direct")
    assert "Direct" not in out and "Local" in out
    # two connected IPv4 subnets and one IPv6
    out = sess.cmd("show route | match via | except Local | count")
    assert "3" in out
    out = sess.cmd("show route | match via | except Local")
    assert "> via ge-0/0/0" in out and "Local" not in out
    out = sess.cmd("show configuration | display set")
    assert "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24" in out
    assert "{" not in out
    assert "ge-0/0/0" in sess.cmd("show interfaces terse | no-more")
    out = sess.cmd("show interfaces terse | count")
    assert "lines" in out.lower() or any(ch.isdigit() for ch in out)


def ask(sess, partial, pattern):
    """Type a partial line and '?': the help must list `pattern`; then clear the line
    (^U)."""
    sess.p.send(partial + "?")
    sess.p.expect(pattern)
    sess.p.expect(sess.prompt_re())
    sess.p.send("\x15")


def test_help_and_completion(gw, sess):
    ask(sess, "show ", "interfaces +Interfaces")
    ask(sess, "show security ", "group-vpn +Group VPN")
    sess.p.send("show vers\t")
    sess.p.expect("version")
    sess.p.send("\r")
    sess.p.expect("Hostname")
    sess.p.expect(sess.prompt_re())
    # configuration statements, from the schema
    sess.cmd("configure")
    ask(sess, "set system services telnet ", "session-limit +Concurrent CLI sessions")
    ask(sess, "set routing-options ", "static +Static routes")
    sess.p.send("set routing-options sta\t")
    sess.p.expect("static")
    sess.p.send("\x15")
    sess.cmd("")
    # past the name of an entry: the entry's statements
    ask(sess, "set interfaces ge-0/0/0 ", "mtu +IP MTU")
    ask(sess, "set interfaces ge-0/0/0 unit 0 family inet ",
        "address +Interface address with prefix length")
    sess.cmd("")
    sess.cmd("exit")


def test_entry_name_not_abbreviated(gw, sess):
    """A new entry whose name is a prefix of an existing one's is a new entry, not an
    abbreviation of the existing name."""
    sess.cmd("configure")
    sess.cmd("set interfaces ge-0/0/1 mtu 1400")
    sess.cmd("set routing-options static route 203.0.113.0/24 next-hop 198.51.100.2")
    sess.cmd("set routing-options static route 203.0.113.0/2 discard")
    out = sess.cmd("show routing-options | display set")
    assert "set routing-options static route 203.0.113.0/2 discard" in out
    assert "203.0.113.0/24 discard" not in out
    sess.cmd("rollback 0")
    sess.cmd("exit")


def test_read_only_cannot_configure(gw):
    s = clilib.Session(gw.port, user="viewer")
    assert "permission denied" in s.cmd("configure")
    assert "Hostname" in s.cmd("show version")
    s.close()


def test_set_show_compare_commit_rollback(gw, sess):
    out = sess.cmd("configure")
    assert "[edit]" in out
    sess.cmd("set routing-options static route 203.0.113.0/24 next-hop 198.51.100.2")
    out = sess.cmd("show routing-options")
    assert "route 203.0.113.0/24 {" in out and "next-hop 198.51.100.2;" in out
    out = sess.cmd("show routing-options | display set")
    assert "set routing-options static route 203.0.113.0/24 next-hop 198.51.100.2" in out
    out = sess.cmd("compare")
    assert "+ routing-options static route 203.0.113.0/24 next-hop 198.51.100.2" in out
    assert "configuration check succeeds" in sess.cmd("commit check")
    assert "203.0.113.0/24" not in sess.cmd("run show route")
    assert "commit complete" in sess.cmd('commit comment "add a route"')
    assert "203.0.113.0/24" in sess.cmd("run show route")
    with open(gw.conf) as f:
        saved = f.read()
    assert "203.0.113.0/24" in saved and "add a route" in saved
    assert os.path.exists(gw.conf + ".1")
    assert "add a route" in sess.cmd("run show system commit")
    assert "load complete" in sess.cmd("rollback 1")
    assert "- routing-options static route 203.0.113.0/24" in sess.cmd("compare")
    assert "commit complete" in sess.cmd("commit")
    assert "203.0.113.0/24" not in sess.cmd("run show route")
    sess.cmd("exit")


def test_invalid_candidate_applies_nothing(gw, sess):
    sess.cmd("configure")
    # a next hop on no connected subnet: the loader's cross-check refuses it
    sess.cmd("set routing-options static route 10.9.0.0/16 next-hop 10.1.1.1")
    out = sess.cmd("commit")
    assert "[edit routing-options static route 10.9.0.0/16" in out
    assert "check-out failed" in out
    assert "10.9.0.0/16" not in sess.cmd("run show route")
    with open(gw.conf) as f:
        assert "10.9.0.0" not in f.read()
    # a value out of range is refused at `set`, naming the statement
    out = sess.cmd("set interfaces ge-0/0/0 mtu 5")
    assert "error: mtu" in out
    out = sess.cmd("set nonsense 1")
    assert "syntax error" in out
    sess.cmd("rollback 0")
    sess.cmd("exit")


def test_edit_up_top_banner(gw, sess):
    sess.cmd("configure")
    out = sess.cmd("edit interfaces ge-0/0/0 unit 0")
    assert "[edit interfaces ge-0/0/0 unit 0]" in out
    out = sess.cmd("show")
    assert "family {" in out and "address 192.0.2.1/24;" in out
    assert "[edit interfaces ge-0/0/0]" in sess.cmd("up")
    assert "[edit]" in sess.cmd("top")
    sess.cmd("exit")


def test_commit_confirmed_expires(tmp_path):
    os.environ["GDOIGW_CLI_CONFIRM_SCALE"] = "60"   # a minute lasts a second
    try:
        g = clilib.Gateway(tmp_path, clilib.free_port())
    finally:
        del os.environ["GDOIGW_CLI_CONFIRM_SCALE"]
    try:
        s = clilib.Session(g.port)
        s.cmd("configure")
        s.cmd("set routing-options static route 203.0.113.0/24 next-hop 198.51.100.2")
        assert "rolled back in 2 minutes" in s.cmd("commit confirmed 2")
        assert "203.0.113.0/24" in s.cmd("run show route")
        # rolled back 2 s (2 scaled minutes) after the commit: wait for it, 6 s at most
        deadline = time.monotonic() + 6
        while "203.0.113.0/24" in s.cmd("run show route") and time.monotonic() < deadline:
            time.sleep(0.25)
        assert "203.0.113.0/24" not in s.cmd("run show route")
        with open(g.conf) as f:
            assert "203.0.113.0/24" not in f.read()
        s.close()
    finally:
        assert g.stop() == 0


def test_lockout_after_repeated_failures(tmp_path):
    g = clilib.Gateway(tmp_path, clilib.free_port())
    try:
        s = clilib.Session(g.port, login=False)
        for _ in range(5):
            s.login("admin", "wrong", expect_ok=False)
            i = s.p.expect(["Access denied", "locked out", pexpect.EOF])
            if i != 0:
                break
        s.p.close(force=True)
        p = pexpect.spawn("telnet", ["127.0.0.1", str(g.port)], encoding="utf-8", timeout=10)
        p.expect("try again later")
        p.close(force=True)
        assert "locked out" in g.logtext()
    finally:
        assert g.stop() == 0


def session_when_free(port, wait=30.0):
    deadline = time.monotonic() + wait
    while True:
        try:
            return clilib.Session(port)
        except pexpect.EOF:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_bad_input_keeps_serving(tmp_path):
    g = clilib.Gateway(tmp_path, clilib.free_port(), limit=4)
    try:
        # overlong line, binary garbage and a telnet option flood on raw sockets
        for payload in (b"A" * 100000 + b"\r\n", bytes(range(256)) * 64,
                        b"\xff\xfb\x01\xff\xfd\x03" * 5000):
            c = socket.create_connection(("127.0.0.1", g.port), timeout=5)
            try:
                c.sendall(payload)
            except OSError:
                pass
            c.close()
        # hundreds of quick connections
        for _ in range(200):
            try:
                c = socket.create_connection(("127.0.0.1", g.port), timeout=5)
                c.close()
            except OSError:
                pass
        # a client that goes away in the middle of a commit; the sessions of the
        # quick connections may still hold the limit for a moment (slow under ASan):
        # the server answers "Session limit reached" meanwhile, and then serves
        s = session_when_free(g.port)
        s.cmd("configure")
        s.cmd("set routing-options static route 203.0.113.0/24 next-hop 198.51.100.2")
        s.send("commit")
        s.p.close(force=True)
        time.sleep(1)
        assert g.alive()
        s = clilib.Session(g.port)
        assert "Hostname" in s.cmd("show version")
        s.close()
        with open(g.conf) as f:
            text = f.read()
        assert "interfaces" in text
    finally:
        assert g.stop() == 0


def test_configure_exclusive(gw, sess):
    assert "(exclusive)" in sess.cmd("configure exclusive")
    other = clilib.Session(gw.port)
    try:
        assert "locked by admin" in other.cmd("configure")
        sess.cmd("set interfaces ge-0/0/1 mtu 1400")
        sess.cmd("exit")                    # leaving drops the uncommitted change
        assert "Entering configuration mode" in other.cmd("configure")
        assert "mtu" not in other.cmd("show interfaces ge-0/0/1")
        other.cmd("exit")
    finally:
        other.close()


KEY = "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"


def test_sa_committed_shown_and_secret_hidden(gw, sess):
    """An SA set in the CLI is committed, installed and shown; its key never printed."""
    sess.cmd("configure")
    base = "set security ipsec security-association gsa-out "
    for rest in ("spi 0x10001", "direction outbound", "mode group",
                 "encryption algorithm aes-256-cbc", "encryption key " + KEY,
                 "authentication algorithm hmac-sha-256-128",
                 "authentication key " + KEY):
        assert "error" not in sess.cmd(base + rest)
    out = sess.cmd("show security")
    assert "## SECRET-DATA" in out and KEY[2:] not in out
    assert "commit complete" in sess.cmd("commit")
    out = sess.cmd("run show security ipsec security-associations")
    assert "Total active tunnels: 1" in out and "00010001" in out
    out = sess.cmd("run show security ipsec security-associations index 1 detail")
    assert "VPN Name: gsa-out" in out and "State: installed" in out
    assert "Encrypted packets" in sess.cmd("run show security ipsec statistics index 1")
    assert KEY[2:] not in sess.cmd("run show configuration security")
    with open(gw.conf) as f:
        assert KEY[2:] in f.read()               # the file keeps the key
    sess.cmd("delete security")
    assert "commit complete" in sess.cmd("commit")
    assert "Total active tunnels: 0" in sess.cmd(
        "run show security ipsec security-associations")
    sess.cmd("exit")


def test_session_limit_applies_at_commit(gw, sess):
    sess.cmd("configure")
    sess.cmd("set system services telnet session-limit 1")
    assert "commit complete" in sess.cmd("commit")
    p = pexpect.spawn("telnet", ["127.0.0.1", str(gw.port)], encoding="utf-8", timeout=10)
    p.expect("Session limit reached")
    p.close(force=True)
    sess.cmd("rollback 1")
    assert "commit complete" in sess.cmd("commit")
    other = clilib.Session(gw.port)          # the limit is back to 8
    other.close()
    sess.cmd("set system services telnet port %d" % clilib.free_port())
    assert "take effect when gdoigw restarts" in sess.cmd("commit")
    sess.cmd("rollback 1")
    assert "commit complete" in sess.cmd("commit")
    sess.cmd("exit")
