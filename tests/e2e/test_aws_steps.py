"""certs/README.md's AWS IoT steps 5 and 6 run exactly as written: the shell blocks are taken
from the README and executed, with only what no test can have replaced: Amazon Root CA 1, the
device certificate and key from the AWS console and the endpoint are a locally generated
stand-in PKI (a root CA, a device certificate with CN=CLIENT_ID, and a broker certificate for
the README's endpoint name), and the endpoint name is mapped to the host's loopback by the
Cortex-M3 image's lwIP host list (DEMO_HOST_LIST_NAME, QEMU's 10.0.2.2 = host 127.0.0.1). A
mosquitto with that broker certificate listens on 127.0.0.1:8883, and the demo, in AWS IoT mode
on port 8883, connects, publishes and succeeds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest

from broker import Broker, port_is_listening
from demo_image import BUILD_ROOT, REPO, run_image
from mps2 import qemu_cmd

README = REPO / "certs" / "README.md"
AMAZON_CA = "/usr/share/ca-certificates/mozilla/Amazon_Root_CA_1.crt"


def step_block(step: str, lang: str = "sh") -> str:
    """The first ```lang block after the README's list item `step` (e.g. "5. **Header.**")."""
    text = README.read_text()
    start = text.index(step)
    m = re.compile(rf"^ *```{lang}\n(.*?)^ *```", re.M | re.S).search(text, start)
    assert m, f"no ```{lang} block after {step!r} in {README}"
    return "\n".join(line.strip() for line in m.group(1).splitlines()) + "\n"


def openssl(*args: str) -> None:
    r = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def standin_pki(d: Path, endpoint: str, thing: str) -> None:
    """ca.crt (stand-in for Amazon Root CA 1), server.crt/key for the endpoint, device.crt/key."""
    d.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", str(d / "ca.key"), "-out", str(d / "ca.crt"),
            "-days", "30", "-subj", "/CN=Stand-in for Amazon Root CA 1",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name, cn, ext in (("server", endpoint, f"subjectAltName=DNS:{endpoint}\n"
                                               "extendedKeyUsage=serverAuth\n"),
                          ("device", thing, "extendedKeyUsage=clientAuth\n")):
        openssl("req", "-new", *ec, "-keyout", str(d / f"{name}.key"),
                "-out", str(d / f"{name}.csr"), "-subj", f"/CN={cn}")
        (d / f"{name}.ext").write_text("basicConstraints=critical,CA:FALSE\n"
                                       "keyUsage=critical,digitalSignature\n" + ext)
        openssl("x509", "-req", "-in", str(d / f"{name}.csr"), "-CA", str(d / "ca.crt"),
                "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-days", "30",
                "-extfile", str(d / f"{name}.ext"), "-out", str(d / f"{name}.crt"))


def bash(script: str, home: Path, timeout: float) -> subprocess.CompletedProcess:
    # $HOME is the test's (the README's ~/aws); rustup and cargo keep the real homes.
    real = Path.home()
    env = dict(os.environ, HOME=str(home),
               RUSTUP_HOME=os.environ.get("RUSTUP_HOME", str(real / ".rustup")),
               CARGO_HOME=os.environ.get("CARGO_HOME", str(real / ".cargo")))
    env["PATH"] = env.get("PATH", "/usr/bin:/bin") + os.pathsep + str(real / ".cargo" / "bin")
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_the_aws_steps_as_written_connect(tmp_path: Path) -> None:
    if port_is_listening(8883):
        pytest.fail("127.0.0.1:8883 is taken: the AWS steps use port 8883")
    step6 = step_block("6. **Image configuration.**")
    endpoint = re.search(r"-DDEMO_MQTT_BROKER_ENDPOINT=(\S+)", step6).group(1)
    thing = re.search(r"-DDEMO_CLIENT_IDENTIFIER=(\S+)", step6).group(1)
    pki = tmp_path / "standin"
    standin_pki(pki, endpoint, thing)

    # Steps 3-4 leave the console's files in ~/aws.
    home = tmp_path / "home"
    (home / "aws").mkdir(parents=True)
    shutil.copy2(pki / "device.crt", home / "aws" / "dev-certificate.pem.crt")
    shutil.copy2(pki / "device.key", home / "aws" / "dev-private.pem.key")

    # Step 5 as written; only the Amazon CA path points at the stand-in.
    step5 = step_block("5. **Header.**")
    assert AMAZON_CA in step5, step5
    r = bash(step5.replace(AMAZON_CA, str(pki / "ca.crt")), home, 60)
    assert r.returncode == 0, r.stderr
    assert "democonfigROOT_CA_PEM" in (home / "aws" / "aws_credentials.h").read_text()

    # Step 6 as written (its build dir under build/e2e), plus the test's own settings: the
    # endpoint mapped to the host, one short iteration, the shared cargo dir.
    tree = BUILD_ROOT / "aws"
    extra: List[str] = [f"-DDEMO_HOST_LIST_NAME={endpoint}", "-DDEMO_ITERATIONS=1",
                        "-DDEMO_PUBLISH_COUNT=2", "-DDEMO_DELAY_BETWEEN_PUBLISHES_MS=100",
                        f"-DRUST_COMPONENT_TARGET_DIR={BUILD_ROOT / 'cargo'}"]
    script = step6.replace("build/aws", str(tree))
    script = script.replace("-DDEMO_CLIENT_IDENTIFIER=" + thing,
                            "-DDEMO_CLIENT_IDENTIFIER=" + thing + " " + " ".join(extra), 1)
    script = script.replace("cmake --build " + str(tree), f"cmake --build {tree} -j 2")
    r = bash(script, home, 1200)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]

    with Broker(pki, cert="server", port=8883) as broker:
        run = run_image(qemu_cmd(tree / "mqtt_demo_an385.elf"), timeout=120)
        assert run.rc == 0, run.log
        assert re.search(rf"TLS established with {re.escape(endpoint)}:8883", run.log), run.log
        assert re.search(r"iteration 1 succeeded", run.log), run.log
        broker.wait_for_log(rf"New client connected .* as {re.escape(thing)} "
                            rf".*u'{re.escape(thing)}'", timeout=5)
