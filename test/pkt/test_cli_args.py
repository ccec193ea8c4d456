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


# libconfig 1.5's scanner calls exit(2) ("input in flex scanner failed") when it
# reads a directory: --check must refuse such a file with file[:line]: reason.
def assert_refused(r, where):
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "flex scanner" not in out, out
    assert where in out, "expected '%s' in:\n%s" % (where, out)
    for m in gwtest.SANITIZER_MARKS:
        assert m not in r.stderr, r.stderr


def test_check_directory_as_config(tmp_path):
    r = run(["--", "--check", "-c", str(tmp_path)])
    assert_refused(r, "%s: cannot read: a directory" % tmp_path)


def test_check_include_of_a_directory(tmp_path):
    good = Topo(tmp_path).config(str(tmp_path))
    for target in (".", ""):
        conf = tmp_path / "inc.conf"
        conf.write_text(good + '\n@include "%s"\n' % target)
        line = len(good.splitlines()) + 2
        r = run(["--", "--check", "-c", str(conf)])
        assert_refused(r, '%s:%d: @include "%s": cannot read: a directory'
                       % (conf, line, target))


def check_dataplane(tmp_path, body):
    """--check of a valid file whose dataplane block is `body`, on its own line."""
    text = Topo(tmp_path).config(str(tmp_path))
    text = re.sub(r"system = \{ dataplane = \{[^\n]*\}; \};",
                  "system = { dataplane = {\n%s\n}; };" % body, text, count=1)
    assert body in text
    conf = tmp_path / "dp.conf"
    conf.write_text(text)
    return conf, text.splitlines().index(body) + 1, run(["--", "--check", "-c", str(conf)])


def test_check_refuses_worker_lcore_zero(tmp_path):
    # lcore 0 is the main (control) lcore: start-up refuses it, so --check does
    conf, line, r = check_dataplane(tmp_path, 'layout = "run-to-completion"; workers = [ 0 ];')
    assert_refused(r, "%s:%d: system dataplane workers" % (conf, line))


def test_check_refuses_wrapping_integer(tmp_path):
    # libconfig 1.5 reads 0x100000000 as 0 (32 bits): refused on its line
    conf, line, r = check_dataplane(tmp_path,
                                    'layout = "run-to-completion"; workers = [ 0x100000000 ];')
    assert_refused(r, "%s:%d: 0x100000000 does not fit in the 32 bits" % (conf, line))


def test_exit_when_idle_out_of_range(tmp_path):
    # an unsigned int would wrap 4294967297 to 1 ms, and strtoul() takes "-1"
    conf = tmp_path / "ok.conf"
    conf.write_text(Topo(tmp_path).config(str(tmp_path)))
    for bad in ("4294967297", "-1", "0", "5ms"):
        r = run(["--", "-c", str(conf), "--check", "--exit-when-idle", bad])
        assert r.returncode == 1, (bad, r.stdout + r.stderr)
        assert "--exit-when-idle" in r.stderr, r.stderr
    r = run(["--", "-c", str(conf), "--check", "--exit-when-idle", "4294967295"])
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_refuses_device_name_start_up_cannot_find(tmp_path):
    # start-up finds a port by the device string's name (before the first ','),
    # which DPDK keeps to 63 characters: --check refuses a longer one on its line
    text = Topo(tmp_path).config(str(tmp_path))
    long_dev = "net_null" + "9" * 60
    text = re.sub(r'device = "net_pcap0,[^"]*"', 'device = "%s"' % long_dev, text, count=1)
    conf = tmp_path / "dev.conf"
    conf.write_text(text)
    line = next(i + 1 for i, l in enumerate(text.splitlines()) if long_dev in l)
    assert_refused(run(["--", "--check", "-c", str(conf)]), "%s:%d:" % (conf, line))
    assert "longer than 63" in run(["--", "--check", "-c", str(conf)]).stderr
