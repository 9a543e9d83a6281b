"""Proves the end-to-end harness: the test PKI, the mutual-TLS broker, the observer and the CLI.

Every external command runs with a subprocess timeout and every wait is bounded; brokers and
observers are stopped by PID (checked here and, for the whole session, by the `pki` fixture).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from broker import (DEFAULT_TOPIC, Broker, Observer, _pid_alive, port_is_listening,
                    publish)

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
BROKER_PY = E2E_DIR / "broker.py"
GEN_PKI = REPO_ROOT / "certs" / "gen-pki.sh"

PKI_FILES = ["ca", "server", "server-wronghost", "server-expired", "client", "observer",
             "other-ca", "other-client"]
HEADERS = {
    "demo_credentials.h": ("ca", "client"),
    "demo_credentials_other_ca.h": ("other-ca", "client"),
    "demo_credentials_unknown_client.h": ("ca", "other-client"),
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def run(cmd, timeout: float = 30, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def x509(pki: Path, name: str, *opts: str) -> str:
    res = run(["openssl", "x509", "-noout", "-in", pki / f"{name}.crt", *opts])
    assert res.returncode == 0, res.stderr
    return res.stdout


# ---------------------------------------------------------------------------------------------
# The PKI itself


def test_pki_files_and_roles(pki: Path, client_id: str) -> None:
    for name in PKI_FILES:
        assert (pki / f"{name}.crt").is_file() and (pki / f"{name}.key").is_file(), name
    for header in HEADERS:
        assert (pki / header).is_file(), header

    ca_text = x509(pki, "ca", "-text")
    assert "CA:TRUE" in ca_text and "Certificate Sign, CRL Sign" in ca_text

    server = x509(pki, "server", "-subject", "-ext", "subjectAltName,extendedKeyUsage")
    assert "CN = localhost" in server
    assert "DNS:localhost" in server and "IP Address:127.0.0.1" in server
    assert "IP Address:10.0.2.2" in server and "TLS Web Server Authentication" in server

    wrong = x509(pki, "server-wronghost", "-ext", "subjectAltName")
    assert "DNS:wrong-host.invalid" in wrong and "localhost" not in wrong

    expired = x509(pki, "server-expired", "-dates", "-ext", "subjectAltName")
    assert "notBefore=Jan  1 00:00:00 2020 GMT" in expired
    assert "notAfter=Jan  1 00:00:00 2021 GMT" in expired
    assert "DNS:localhost" in expired and "IP Address:10.0.2.2" in expired

    client = x509(pki, "client", "-subject", "-ext", "extendedKeyUsage")
    assert f"CN = {client_id}" in client and "TLS Web Client Authentication" in client
    assert "CN = observer" in x509(pki, "observer", "-subject")
    assert f"CN = {client_id}" in x509(pki, "other-client", "-subject")

    for name in ("server", "server-wronghost", "client", "observer"):
        assert run(["openssl", "verify", "-CAfile", pki / "ca.crt",
                    pki / f"{name}.crt"]).returncode == 0, name
    assert run(["openssl", "verify", "-CAfile", pki / "other-ca.crt",
                pki / "other-client.crt"]).returncode == 0
    assert run(["openssl", "verify", "-CAfile", pki / "ca.crt",
                pki / "other-client.crt"]).returncode != 0


def test_gen_pki_is_idempotent(pki: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in pki.iterdir()
              if p.suffix in (".crt", ".key", ".h")}
    stamp = (pki / "pki.stamp").read_text()
    args = ["bash", GEN_PKI, "--out", pki]
    if "algorithm=rsa-2048" in stamp:
        args.append("--rsa")
    m = re.search(r"^client_id=(.*)$", stamp, re.MULTILINE)
    assert m, stamp
    args += ["--client-id", m.group(1)]
    res = run(args)
    assert res.returncode == 0, res.stderr
    assert "nothing to do" in res.stdout
    after = {p.name: p.stat().st_mtime_ns for p in pki.iterdir()
             if p.suffix in (".crt", ".key", ".h")}
    assert before == after


def _header_strings(header: Path, tmp_path: Path) -> dict:
    """Compile a tiny C program that prints the three macros of header; return name -> text."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:  # a failure, not a skip: the images need a C compiler anyway
        pytest.fail("no C compiler (cc, gcc or clang) to check the headers with")
    src = tmp_path / "print_header.c"
    src.write_text(f"""
#include <stdio.h>
#include "{header}"
#include "{header}" /* include guard */
int main(void) {{
    fputs(democonfigROOT_CA_PEM, stdout); fputs("@@\\n", stdout);
    fputs(democonfigCLIENT_CERTIFICATE_PEM, stdout); fputs("@@\\n", stdout);
    fputs(democonfigCLIENT_PRIVATE_KEY_PEM, stdout);
    /* sizeof includes the NUL, as mbedTLS wants */
    return sizeof(democonfigROOT_CA_PEM) == 0;
}}
""")
    exe = tmp_path / "print_header"
    res = run([cc, "-std=c99", "-Wall", "-Werror", "-o", exe, src])
    assert res.returncode == 0, res.stderr
    out = run([exe])
    assert out.returncode == 0
    ca, cert, key = out.stdout.split("@@\n")
    return {"ca": ca, "cert": cert, "key": key}


@pytest.mark.parametrize("header", sorted(HEADERS))
def test_headers_hold_the_pem_files(pki: Path, tmp_path: Path, header: str) -> None:
    ca_name, client_name = HEADERS[header]
    text = (pki / header).read_text()
    assert "TEST-ONLY" in text and "#ifndef" in text
    got = _header_strings(pki / header, tmp_path)
    assert got["ca"] == (pki / f"{ca_name}.crt").read_text()
    assert got["cert"] == (pki / f"{client_name}.crt").read_text()
    assert got["key"] == (pki / f"{client_name}.key").read_text()


def test_gen_pki_rsa_custom_client_id_and_regeneration(tmp_path: Path) -> None:
    out = tmp_path / "pki"
    res = run(["bash", GEN_PKI, "--out", out, "--rsa", "--client-id", "dev-7"], timeout=120)
    assert res.returncode == 0, res.stderr
    key = run(["openssl", "pkey", "-noout", "-text", "-in", out / "client.key"])
    assert "Private-Key: (2048 bit" in key.stdout
    assert "CN = dev-7" in x509(out, "client", "-subject")
    assert "algorithm=rsa-2048" in (out / "pki.stamp").read_text()

    res = run(["bash", GEN_PKI, "--out", out, "--rsa", "--client-id", "dev-7"])
    assert "nothing to do" in res.stdout

    # A different algorithm regenerates everything.
    res = run(["bash", GEN_PKI, "--out", out, "--client-id", "dev-7"], timeout=120)
    assert res.returncode == 0 and "generating" in res.stdout, res.stderr
    key = run(["openssl", "pkey", "-noout", "-text", "-in", out / "client.key"])
    assert "Private-Key: (256 bit" in key.stdout

    # A missing file regenerates too.
    (out / "observer.key").unlink()
    res = run(["bash", GEN_PKI, "--out", out, "--client-id", "dev-7"], timeout=120)
    assert "generating" in res.stdout and (out / "observer.key").is_file()

    assert run(["bash", GEN_PKI, "--out", out, "--client-id", "bad/id"]).returncode != 0


def test_pem_to_header_rejects_bad_input(pki: Path, tmp_path: Path) -> None:
    p2h = REPO_ROOT / "certs" / "pem-to-header.sh"
    res = run(["bash", p2h, "--ca", pki / "ca.crt", "--cert", pki / "client.crt",
               "--key", pki / "client.crt"])
    assert res.returncode != 0 and "PRIVATE KEY" in res.stderr
    enc = tmp_path / "enc.key"
    assert run(["openssl", "pkey", "-in", pki / "client.key", "-aes256", "-passout",
                "pass:x", "-out", enc]).returncode == 0
    res = run(["bash", p2h, "--ca", pki / "ca.crt", "--cert", pki / "client.crt",
               "--key", enc])
    assert res.returncode != 0 and "encrypted" in res.stderr
    assert run(["bash", p2h, "--ca", pki / "ca.crt"]).returncode == 2


# ---------------------------------------------------------------------------------------------
# The broker and mutual TLS


def test_good_client_publishes_and_observer_receives(pki: Path, broker: Broker,
                                                     observer_factory, client_id: str) -> None:
    topic = f"{client_id}/example/topic"
    obs = observer_factory(broker.port, topic)
    payload = unique("Hello World!")
    res = publish(pki, broker.port, topic, payload, cert="client", client_id=client_id)
    assert res.returncode == 0, res.stderr
    assert obs.wait_for_message(re.escape(payload), timeout=5) == f"{topic} {payload}"


def test_broker_log_shows_certificate_cn_as_username(pki: Path, broker: Broker,
                                                     client_id: str) -> None:
    mark = broker.log_mark()
    mqtt_id = unique("harness")
    res = publish(pki, broker.port, DEFAULT_TOPIC, "x", cert="client", client_id=mqtt_id)
    assert res.returncode == 0, res.stderr
    broker.wait_for_log(
        rf"New client connected from 127\.0\.0\.1:\d+ as {re.escape(mqtt_id)} "
        rf"\(p\d, c1, k\d+, u'{re.escape(client_id)}'\)", timeout=5, since=mark)


def _assert_refused(pki: Path, broker: Broker, observer_factory, cert, log_regex: str) -> None:
    obs = observer_factory(broker.port, DEFAULT_TOPIC)
    mark = broker.log_mark()
    bad = unique("must-not-arrive")
    res = publish(pki, broker.port, DEFAULT_TOPIC, bad, cert=cert,
                  client_id=unique("refused"), timeout=15)
    assert res.returncode != 0, res.stdout + res.stderr
    broker.wait_for_log(log_regex, timeout=5, since=mark)
    assert "New client connected" not in broker.log_text()[mark:]
    # A message sent afterwards by a good client arrives; the refused one never did.
    good = unique("sentinel")
    assert publish(pki, broker.port, DEFAULT_TOPIC, good, cert="client").returncode == 0
    obs.wait_for_message(re.escape(good), timeout=5)
    assert not [m for m in obs.messages() if bad in m]


def test_client_from_unknown_ca_is_refused(pki: Path, broker: Broker, observer_factory) -> None:
    _assert_refused(pki, broker, observer_factory, "other-client", r"certificate verify failed")


def test_client_without_certificate_is_refused(pki: Path, broker: Broker,
                                               observer_factory) -> None:
    _assert_refused(pki, broker, observer_factory, None,
                    r"peer did not return a certificate")


def s_client(pki: Path, port: int) -> subprocess.CompletedProcess:
    return run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                "-servername", "localhost", "-verify_hostname", "localhost",
                "-CAfile", pki / "ca.crt", "-verify_return_error",
                "-cert", pki / "observer.crt", "-key", pki / "observer.key", "-brief"],
               timeout=15)


@pytest.mark.parametrize("cert,ok,why", [
    ("server", True, "Verification: OK"),
    ("server-wronghost", False, "hostname mismatch"),
    ("server-expired", False, "certificate has expired"),
])
def test_server_certificate_verification(pki: Path, broker: Broker, broker_factory,
                                         cert: str, ok: bool, why: str) -> None:
    b = broker if cert == "server" else broker_factory(cert)
    res = s_client(pki, b.port)
    out = res.stdout + res.stderr
    assert (res.returncode == 0) == ok, out
    assert why in out, out


# ---------------------------------------------------------------------------------------------
# Harness mechanics: delayed start, stop by PID, CLI


def test_delayed_start_refuses_then_accepts(pki: Path) -> None:
    t0 = time.monotonic()
    with Broker(pki, start_delay=1.5) as b:
        assert b.port and not b.ready.is_set()
        early = publish(pki, b.port, DEFAULT_TOPIC, "early", cert="client")
        assert early.returncode != 0
        assert "refused" in early.stderr.lower(), early.stderr
        b.wait_started(timeout=10)
        assert b.started_at is not None and b.started_at - t0 >= 1.5
        late = publish(pki, b.port, DEFAULT_TOPIC, "late", cert="client")
        assert late.returncode == 0, late.stderr
        pid = b.pid
    assert pid is not None and not _pid_alive(pid)


def test_broker_stops_on_exception_and_leaves_nothing(pki: Path) -> None:
    pids = {}
    with pytest.raises(RuntimeError, match="boom"):
        with Broker(pki) as b:
            with Observer(pki, b.port) as o:
                pids = {"broker": b.pid, "observer": o.pid}
                port = b.port
                raise RuntimeError("boom")
    assert pids and all(not _pid_alive(p) for p in pids.values()), pids
    assert not port_is_listening(port)


def test_broker_stopped_before_delayed_start_never_starts(pki: Path) -> None:
    b = Broker(pki, start_delay=0.5).start()
    b.stop()
    time.sleep(0.8)
    assert b.pid is None and not port_is_listening(b.port)


def test_cli_serve_and_stop(pki: Path, tmp_path: Path) -> None:
    pidfile, portfile = tmp_path / "broker.pid", tmp_path / "broker.port"
    res = run([sys.executable, BROKER_PY, "serve", "--pki", pki, "--pidfile", pidfile,
               "--portfile", portfile, "--workdir", tmp_path / "work"])
    pid = int(pidfile.read_text()) if pidfile.exists() else None
    try:
        assert res.returncode == 0, res.stderr
        port = int(res.stdout.strip())
        assert int(portfile.read_text()) == port
        assert pid is not None and _pid_alive(pid)
        assert port_is_listening(port)
        pub = publish(pki, port, DEFAULT_TOPIC, "via-cli", cert="client")
        assert pub.returncode == 0, pub.stderr
        # A second serve on the same pidfile refuses.
        again = run([sys.executable, BROKER_PY, "serve", "--pki", pki, "--pidfile", pidfile])
        assert again.returncode != 0
    finally:
        stop = run([sys.executable, BROKER_PY, "stop", "--pidfile", pidfile])
    assert stop.returncode == 0, stop.stderr
    assert pid is not None and not _pid_alive(pid)
    assert not pidfile.exists()
    assert "Received PUBLISH" in (tmp_path / "work" / "mosquitto.log").read_text()


def test_children_die_with_a_killed_test_process(pki: Path) -> None:
    """A test run killed with SIGKILL (no cleanup at all) leaves no broker or observer running."""
    code = f"""
import sys, time
sys.path.insert(0, {str(E2E_DIR)!r})
from broker import Broker, Observer
b = Broker({str(pki)!r}).start()
o = Observer({str(pki)!r}, b.port).start()
d = Broker({str(pki)!r}, start_delay=0.1).start()
d.wait_started(10)
print(b.pid, o.pid, d.pid, flush=True)
time.sleep(60)
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
    pids = [int(p) for p in line.split()]
    assert len(pids) == 3, line
    deadline = time.monotonic() + 5
    while any(_pid_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if _pid_alive(p)]
