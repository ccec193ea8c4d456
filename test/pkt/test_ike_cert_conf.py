"""IKE certificate configuration through `gdoigw --check`: a valid RSA and ECDSA setup
(files relative to the configuration file), and each refusal with the file, the line
of the statement at fault and the reason (lib/conf/conf_ike_cert.c). The certificates
are made at test time with the openssl CLI: a CA, an RSA-2048 and an ECDSA P-256 end
entity (CN=a.test, subjectAltName a.test), a certificate of a CA nobody trusts."""
import subprocess

import pytest

import gwtest
from pkttopo import Topo

OPENSSL = "openssl"


def sh(*args, cwd):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, "%s: %s" % (" ".join(args), r.stderr)


@pytest.fixture(scope="module")
def pkidir(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    sh(OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
       "-out", "ca.pem", "-days", "30", "-subj", "/C=CH/O=gdoigw test/CN=Test CA",
       "-addext", "basicConstraints=critical,CA:TRUE", cwd=d)
    sh(OPENSSL, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
       "-out", "rsa.key", cwd=d)
    sh(OPENSSL, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-out", "ec.key", cwd=d)
    for name in ("rsa", "ec"):
        sh(OPENSSL, "req", "-new", "-key", name + ".key", "-subj",
           "/C=CH/O=gdoigw test/CN=a.test", "-out", name + ".csr", cwd=d)
        ext = d / (name + ".ext")
        ext.write_text("subjectAltName=DNS:a.test\n")
        sh(OPENSSL, "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
           "-CAcreateserial", "-days", "30", "-out", name + ".pem", "-extfile", str(ext),
           cwd=d)
    (d / "empty").mkdir()
    (d / "cas").mkdir()
    (d / "cas" / "ca.pem").write_bytes((d / "ca.pem").read_bytes())
    return d


def run_check(path):
    return subprocess.run([gwtest.gw_bin(), "--", "-c", str(path), "--check"],
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, errors="replace")


def security(method="rsa-signatures", cert="rsa.pem", key="rsa.key", ca="ca.pem",
             local='hostname = "a.test";', extra_policy=""):
    """An ike block, one statement a line (the line numbers are checked)."""
    return "\n".join([
        "security = { ike = {",
        "proposal = ( { name = \"p1\";",
        "authentication-method = \"%s\"; } );" % method,
        "policy = ( { name = \"pol1\"; proposals = [ \"p1\" ];",
        "certificate = {",
        "local-certificate = \"%s\";" % cert,
        "private-key = \"%s\";" % key,
        "trusted-ca = \"%s\"; };" % ca,
        extra_policy + " } );",
        "gateway = ( { name = \"g\"; ike-policy = \"pol1\";",
        "address = \"192.0.2.9\"; local-address = \"192.0.2.1\";",
        "local-identity = { %s };" % local,
        "remote-identity = { distinguished-name = \"C=CH, O=peer, CN=b.test\"; }; } );",
        "}; };", ""])


def write(pkidir, tmp_path, sec):
    """The configuration in the certificates' directory (relative file names)."""
    base = Topo(tmp_path).config(str(tmp_path))
    conf = pkidir / ("t%d.conf" % abs(hash(sec)))
    conf.write_text(base + "\n" + sec)
    return conf, (base + "\n").count("\n") + 1


@pytest.mark.parametrize("method,cert,key", [("rsa-signatures", "rsa.pem", "rsa.key"),
                                             ("ecdsa-signatures-256", "ec.pem", "ec.key")])
def test_cert_config_valid(pkidir, tmp_path, method, cert, key):
    for local in ('hostname = "a.test";',
                  'distinguished-name = "C=CH, O=gdoigw test, CN=a.test";'):
        conf, _ = write(pkidir, tmp_path, security(method, cert, key, local=local))
        r = run_check(conf)
        assert r.returncode == 0, r.stdout + r.stderr
    # a directory of CAs
    conf, _ = write(pkidir, tmp_path, security(method, cert, key, ca="cas"))
    assert run_check(conf).returncode == 0


# (arguments of security(), line within the block (1-based), reason)
BAD = [
    (dict(cert="missing.pem"), 6, "missing.pem"),
    (dict(key="ec.key"), 7, "not the key of"),
    (dict(method="ecdsa-signatures-256"), 7, "needs an ECDSA P-256 key"),
    (dict(method="ecdsa-signatures-384", cert="ec.pem", key="ec.key"), 7,
     "needs an ECDSA P-384 key"),
    (dict(ca="empty"), 8, "no CA certificate"),
    (dict(ca="rsa.key"), 8, "trusted-ca"),
    (dict(local='hostname = "c.test";'), 12, "identity not in certificate"),
    (dict(local='distinguished-name = "C=CH, CN=other";'), 12, "identity not in certificate"),
    (dict(local='inet = "192.0.2.300";'), 12, "inet"),
    (dict(local='hostname = "a.test"; inet = "192.0.2.1";'), 12, "given twice"),
    (dict(extra_policy='pre-shared-key = { ascii-text = "k"; };'), 9,
     "pre-shared-key with authentication-method rsa-signatures"),
]


@pytest.mark.parametrize("args,line,reason", BAD, ids=[b[2] for b in BAD])
def test_cert_config_refused(pkidir, tmp_path, args, line, reason):
    conf, first = write(pkidir, tmp_path, security(**args))
    r = run_check(conf)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "%s:%d:" % (conf, first + line - 1) in out, "want %s:%d in\n%s" % (
        conf, first + line - 1, out)
    assert reason in out, out
