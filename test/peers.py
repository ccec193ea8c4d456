"""Third-party peers the interoperability tests run against (gdoid, Pktgen-DPDK).

They are not part of this repository: a checkout finds their sources beside it, in
../shared/peers/<name>/ (each with a build.sh), builds them once into
build-peers/<name>/ of the checkout (ignored by git, kept across runs) and uses
the binary. Without the sources the tests that need them skip with a clear
reason, so a plain clone still passes. GDOIGW_GDOID / GDOIGW_PKTGEN name an
already built binary instead.
"""
import fcntl
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS_SRC = os.path.join(os.path.dirname(ROOT), "shared", "peers")
PEERS_BUILD = os.path.join(ROOT, "build-peers")


class PeerMissing(Exception):
    """The peer's sources are not beside the checkout (the reason is the message)."""


def _build(name, env_var, extra_env=None, timeout=900):
    given = os.environ.get(env_var)
    if given:
        if not os.access(given, os.X_OK):
            raise PeerMissing("%s=%s is not an executable" % (env_var, given))
        return given
    script = os.path.join(PEERS_SRC, name, "build.sh")
    if not os.path.exists(script):
        raise PeerMissing("%s sources not found beside the checkout (%s)" % (name, script))
    os.makedirs(PEERS_BUILD, exist_ok=True)
    out_dir = os.path.join(PEERS_BUILD, name)
    stamp = out_dir + ".path"
    # One build at a time, also across parallel test processes.
    with open(os.path.join(PEERS_BUILD, "." + name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(stamp):
            path = open(stamp).read().strip()
            if os.access(path, os.X_OK):
                return path
        env = dict(os.environ, SKIP_APT="1", APT="0", **(extra_env or {}))
        log = out_dir + ".log"
        with open(log, "w") as logf:
            res = subprocess.run(["bash", script, out_dir], stdout=subprocess.PIPE,
                                 stderr=logf, env=env, timeout=timeout, text=True)
        lines = res.stdout.strip().splitlines()
        if res.returncode != 0 or not lines or not os.access(lines[-1], os.X_OK):
            raise RuntimeError("building %s failed (rc %d), see %s" % (name, res.returncode, log))
        with open(stamp, "w") as f:
            f.write(lines[-1] + "\n")
        return lines[-1]


def gdoid_binary():
    """Path of the Cisco GDOI reference daemon (key server and member)."""
    return _build("gdoid", "GDOIGW_GDOID", {"WITH_TSHARK": "0"})


def pktgen_binary():
    """Path of Pktgen-DPDK built for Debian 12's DPDK 22.11."""
    return _build("pktgen", "GDOIGW_PKTGEN", timeout=1800)
