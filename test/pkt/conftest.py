"""pytest hooks and fixtures for test/pkt (helpers live in gwtest.py, pkttopo.py, pktlib.py)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from pkttopo import Topo  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long or 3-lcore runs (left out of the ASan pass)")
    config.addinivalue_line("markers", "netns: needs root, network namespaces and /dev/net/tun")


@pytest.fixture
def topo(tmp_path):
    return Topo(tmp_path)
