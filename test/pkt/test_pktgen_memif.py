"""Pktgen-DPDK and the gateway as two processes joined by net_memif (scripts/pktgen/memif.sh).

The functional half of `scripts/bench.sh pktgen`: pktgen sends counted cleartext through
the gateway and gets every frame back as ESP that scapy decrypts into what it sent; it
replays ESP made by the gateway itself and gets back the cleartext the ESP was made of.
Skips when pktgen is not available (test/peers.py: sources beside the checkout, built once
into build-peers/, or GDOIGW_PKTGEN).
"""
import os
import subprocess

import pytest

from gwtest import gw_bin

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.slow
def test_pktgen_memif_functional(tmp_path):
    env = dict(os.environ, GDOIGW_BIN=gw_bin(), RUN=str(tmp_path / "run"), CHECK_ONLY="1",
               COUNT="200")
    res = subprocess.run([os.path.join(ROOT, "scripts", "pktgen", "memif.sh")], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    if "pktgen: skipped:" in res.stdout:
        pytest.skip(res.stdout.strip().splitlines()[-1])
    assert res.returncode == 0, res.stdout
    assert "check encrypt: ok: pktgen sent 200 cleartext frames, got 200 ESP frames back" \
        in res.stdout, res.stdout
    assert "check decrypt: ok: pktgen replayed 1020 ESP frames made by gdoigw, got 1020" \
        in res.stdout, res.stdout
