"""h1 -- veth -- [gdoigw: two net_af_packet ports, exception TAPs] -- veth -- h2,
each in a network namespace this test creates (names carry the PID) and removes."""
import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def pytest_configure(config):
    config.addinivalue_line("markers", "netns: needs root, network namespaces and /dev/net/tun")
    config.addinivalue_line("markers", "slow: long or 3-lcore runs (left out of the ASan pass)")


def pytest_collection_modifyitems(config, items):
    reason = None
    if os.geteuid() != 0:
        reason = "netns tests need root"
    elif not os.path.exists("/dev/net/tun"):
        reason = "netns tests need /dev/net/tun"
    elif not shutil.which("ip") or not shutil.which("ethtool"):
        reason = "netns tests need iproute2 and ethtool (scripts/setup.sh --test)"
    for it in items:
        if "netns" in it.keywords and reason:
            it.add_marker(pytest.mark.skip(reason=reason))


from nslib import NetnsTopo  # noqa: E402


NETNS_LAYOUTS = [pytest.param("rtc", id="rtc"), pytest.param("pipeline", id="pipeline")]


@pytest.fixture(scope="module", params=NETNS_LAYOUTS)
def net(request, tmp_path_factory):
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun"):
        pytest.skip("netns tests need root and /dev/net/tun")
    t = NetnsTopo(tmp_path_factory.mktemp("netns-" + request.param), request.param)
    try:
        t.create()
        t.start()
        yield t
    finally:
        t.destroy()
