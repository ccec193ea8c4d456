"""The exception path does not wait on the control thread's work: ping RTT from a host
to the gateway stays under 5 ms while the control loop's helper thread runs 2 s of
3072-bit modular exponentiations (SIGUSR1, the diagnostic helper load; README.md,
"Signals and threads")."""
import re
import signal
import time

import pytest

from nslib import NetnsTopo, sh, H1

pytestmark = pytest.mark.netns

RTT_MAX_MS = 5.0
LOAD_START = "helper load: 2000 ms"
LOAD_DONE = re.compile(r"helper load: (\d+) modular exponentiations \(3072-bit\) in (\d+) ms "
                       r"on the helper thread; the control loop ran (\d+) timers meanwhile")


def ping_rtts(ns, dst, count):
    """Echoes 0.1 s apart; the RTT of each reply in ms (a duplicate would be left out),
    and the output."""
    r = sh("ping", "-c", str(count), "-i", "0.1", "-W", "1", dst, ns=ns, check=False,
           timeout=30)
    return [float(x) for x in re.findall(r"time=([\d.]+) ms$", r.stdout, re.M)], \
        r.stdout + r.stderr


def loaded_run(net):
    """One SIGUSR1 load with 12 pings inside it: (RTTs, ping output, seconds of pings,
    whether they all ran during the load, the load's log line match)."""
    # the first echo needs ARP again: the exception path carries the host's request to
    # the kernel and the reply back, during the load
    sh("ip", "-n", net.h1, "neigh", "flush", "dev", "eth0")
    done_before = len(LOAD_DONE.findall(net.logtext()))
    net.proc.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 5
    while net.logtext().count(LOAD_START) <= done_before and time.monotonic() < deadline:
        time.sleep(0.02)
    t0 = time.monotonic()
    rtts, out = ping_rtts(net.h1, H1["gw"], 12)              # ~1.2 s inside the 2 s load
    pinged = time.monotonic() - t0
    in_load = len(LOAD_DONE.findall(net.logtext())) == done_before
    deadline = time.monotonic() + 10
    while len(LOAD_DONE.findall(net.logtext())) == done_before and time.monotonic() < deadline:
        time.sleep(0.1)
    m = list(LOAD_DONE.finditer(net.logtext()))
    return rtts, out, pinged, in_load, (m[-1] if len(m) > done_before else None)


def test_ping_gateway_while_helper_busy(tmp_path):
    """Every RTT < 5 ms in one of five loads. If the exception path waited on the
    control thread's or the helper's work, every load would show RTTs of up to 2 s;
    the spikes of 10-50 ms seen on this shared 2-core VM when other processes keep it
    busy (load average 13) come from scheduling, and the idle warm-up shows them too,
    hence the retries."""
    net = NetnsTopo(tmp_path, "rtc")
    runs = []
    try:
        net.create()
        net.start()
        idle, out = ping_rtts(net.h1, H1["gw"], 3)           # warm-up, and the idle RTT
        assert len(idle) == 3, out + net.logtext()
        for _ in range(5):
            runs.append(loaded_run(net))
            rtts, out, pinged, in_load, m = runs[-1]
            assert m, "no helper load result\n" + net.logtext()
            print("idle RTT %s ms; under load: %s ms (%.2f s of pings); %s" % (
                " ".join("%.3f" % r for r in idle), " ".join("%.3f" % r for r in rtts),
                pinged, m.group(0)))
            assert len(rtts) == 12, out + net.logtext()
            if in_load and max(rtts) < RTT_MAX_MS:
                break
    finally:
        net.destroy()
    assert net.rc == 0, net.logtext()
    rtts, out, pinged, in_load, m = runs[-1]
    assert in_load, "the pings did not all run during the helper's load (%.2f s)" % pinged
    exps, ms, timers = int(m.group(1)), int(m.group(2)), int(m.group(3))
    assert exps > 0 and ms >= 1900, m.group(0)
    # the control loop kept its 10 ms neighbour timer going on its own thread meanwhile
    assert timers >= 50, m.group(0)
    assert max(rtts) < RTT_MAX_MS, "RTT under helper load, %d runs: %s" % (
        len(runs), [r[0] for r in runs])
