"""TCP end to end through the gateway(s): `nbytes` of a fixed pseudo-random stream from
a client in one namespace to a server in another must arrive intact (count and SHA-256).
Shared by test_netns.py (plain forwarding), test_netns_ike*.py (strongSwan),
test_netns_gdoi_pair.py (gdoid key server) and test_netns_gks_e2e.py (gdoigw's).

Each peer kind keeps one 10 MB transfer (TCP_BYTES, as issues 14 and 16 ask); the
other cases of a kind move TCP_BYTES_SHORT, which takes the same path through the same
SAs in a tenth of the time.
"""
import hashlib
import random
import subprocess

from nslib import sh

TCP_BYTES = 10 * 1024 * 1024
TCP_BYTES_SHORT = 1024 * 1024

SERVER = r"""
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(90)
print("listening", flush=True)
c, _ = s.accept(); c.settimeout(90); h = hashlib.sha256(); n = 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    h.update(d); n += len(d)
print(n, h.hexdigest(), flush=True)
"""

CLIENT = r"""
import random, socket, sys
d = random.Random(7).randbytes(int(sys.argv[2]))
s = socket.create_connection((sys.argv[1], 5001), timeout=90); s.sendall(d); s.close()
"""


def tcp_transfer(client_ns, server_ns, host, nbytes=TCP_BYTES, why=lambda: ""):
    """`nbytes` from client_ns to `host` (an address in server_ns, IPv4 or IPv6) arrive
    intact; `why()` is added to a failure's message (the gateway's log)."""
    server = SERVER.replace("socket.socket()", "socket.socket(socket.AF_INET6)", 1) \
        if ":" in host else SERVER
    srv = subprocess.Popen(["ip", "netns", "exec", server_ns, "/usr/bin/python3", "-c",
                            server, host], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        assert srv.stdout.readline().strip() == "listening", srv.stderr.read()
        cl = sh("/usr/bin/python3", "-c", CLIENT, host, str(nbytes), ns=client_ns,
                check=False, timeout=180)
        assert cl.returncode == 0, "client: %s\n%s" % (cl.stderr, why())
        out, err = srv.communicate(timeout=120)
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()
    want = hashlib.sha256(random.Random(7).randbytes(nbytes)).hexdigest()
    assert out.split() == [str(nbytes), want], "server got %r (%s)\n%s" % (out, err, why())
