"""Telnet CLI helpers: a gateway with the CLI on its own port, and a session driven by
Debian's `telnet` client through pexpect (so the option negotiation is a real client's)."""
import os
import re
import signal
import socket
import subprocess
import time

import pexpect

import gwtest

# `openssl passwd -6 -salt gdoigwdefault gdoigw`: the documented default of config/default.conf
HASH = ("$6$gdoigwdefault$cmWEKKyLejUWFZnk9.CFT4lP877tTBgsu2gysmNwt3S6cglGrJA/"
        "mL6PBxwfhLixU/WIefCDCbtB3pfFH0ppZ.")
PASSWORD = "gdoigw"


def free_port():
    """A TCP port nobody listens on now (each test its own: parallel runs do not collide)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def system_text(port, limit=8):
    return ('services = { telnet = { port = %d; session-limit = %d; }; };\n'
            '  login = { user = ( { name = "admin"; class = "super-user"; '
            'authentication = { encrypted-password = "%s"; }; },\n'
            '    { name = "viewer"; class = "read-only"; '
            'authentication = { encrypted-password = "%s"; }; } ); };\n'
            % (port, limit, HASH, HASH))


def with_cli(config, port, limit=8):
    """Put the CLI's system statements into a gwtest.config_text() configuration."""
    return config.replace("system = {", "system = {\n  " + system_text(port, limit), 1)


class Gateway:
    """gdoigw on two net_null ports with the CLI on `port`, run until stop()."""

    def __init__(self, workdir, port, limit=8, routes=()):
        self.workdir = str(workdir)
        self.port = port
        ports = [gwtest.port_conf("ge-0/0/0", "net_null0", "02:00:00:00:01:01",
                                  v4=["192.0.2.1/24"], v6=["2001:db8:1::1/64"]),
                 gwtest.port_conf("ge-0/0/1", "net_null1", "02:00:00:00:01:02",
                                  v4=["198.51.100.1/24"])]
        self.conf = os.path.join(self.workdir, "gw.conf")
        with open(self.conf, "w") as f:
            f.write(with_cli(gwtest.config_text(ports, routes), port, limit))
        self.log_path = os.path.join(self.workdir, "gw.log")
        self.prefix = gwtest.unique_prefix("cli")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [gwtest.gw_bin(), "--no-huge", "-m", "512", "--no-pci", "-l", "0,1",
             "--file-prefix=" + self.prefix, "--", "-c", self.conf],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gdoigw exited: %s" % self.logtext())
            if "cli: telnet on" in self.logtext():
                return
            time.sleep(0.2)
        raise RuntimeError("CLI did not start: %s" % self.logtext())

    def logtext(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        gwtest.cleanup_prefix(self.prefix)
        return self.proc.returncode


class Session:
    """One telnet session. cmd() sends a line and returns what came before the prompt."""

    def __init__(self, port, user="admin", password=PASSWORD, netns=None, login=True,
                 timeout=20):
        argv = ["telnet", "127.0.0.1", str(port)]
        if netns:
            argv = ["ip", "netns", "exec", netns] + argv
        self.p = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=timeout,
                               codec_errors="replace")
        self.user = user
        if login:
            self.login(user, password)

    def prompt_re(self):
        return re.escape(self.user) + r"@[\w.-]+[>#] "

    def login(self, user, password, expect_ok=True):
        self.user = user
        self.p.expect("Username: ")
        self.send(user)
        self.p.expect("Password: ")
        self.send(password)
        if expect_ok:
            self.p.expect(self.prompt_re())

    def send(self, line):
        """A line as a terminal sends it: ended by CR."""
        self.p.send(line + "\r")

    def cmd(self, line, timeout=None):
        self.send(line)
        self.p.expect(self.prompt_re(), timeout=timeout or self.p.timeout)
        out = self.p.before.replace("\r", "")
        # drop the echoed command line
        return out.split("\n", 1)[1] if "\n" in out else ""

    def close(self):
        try:
            for _ in range(3):
                self.send("exit")
            self.p.expect(pexpect.EOF, timeout=5)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError):
            pass
        self.p.close(force=True)
