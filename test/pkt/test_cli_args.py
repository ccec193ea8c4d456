"""Command-line behaviour that needs no packets: --version, --help, --check."""
import re
import subprocess

import gwtest
from pkttopo import Topo


def run(args, timeout=60):
    return subprocess.run([gwtest.gw_bin(), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, errors="replace")


def test_version():
    r = run(["--", "--version"])
    if r.returncode != 0:           # also accept the app option without "--"
        r = run(["--version"])
    assert r.returncode == 0, r.stderr
    assert re.search(r"\d+\.\d+", r.stdout + r.stderr)


def test_help():
    r = run(["--", "--help"])
    if r.returncode != 0:
        r = run(["--help"])
    assert r.returncode == 0, r.stderr
    out = r.stdout + r.stderr
    for opt in ("-c", "--check", "--exit-when-idle", "--stats-file"):
        assert opt in out, "--help does not mention %s" % opt


def test_check_valid(tmp_path):
    conf = tmp_path / "ok.conf"
    conf.write_text(Topo(tmp_path).config(str(tmp_path)))
    r = run(["--", "-c", str(conf), "--check"])
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_invalid_reports_file_line(tmp_path):
    good = Topo(tmp_path).config(str(tmp_path)).splitlines()
    # break the first interface address (line of the first "address = [")
    idx = next(i for i, l in enumerate(good) if "192.0.2.1/24" in l)
    good[idx] = good[idx].replace("192.0.2.1/24", "192.0.2.300/24")
    conf = tmp_path / "bad.conf"
    conf.write_text("\n".join(good) + "\n")
    r = run(["--", "-c", str(conf), "--check"])
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "%s:%d:" % (conf, idx + 1) in out, "expected '%s:%d: ...' in:\n%s" % (
        conf, idx + 1, out)


def test_check_syntax_error(tmp_path):
    conf = tmp_path / "syntax.conf"
    conf.write_text('system = { dataplane = { layout = "run-to-completion" ; };\n')
    r = run(["--", "-c", str(conf), "--check"])
    assert r.returncode == 1, r.stdout + r.stderr
    assert str(conf) + ":" in r.stdout + r.stderr
