"""coreMQTT v2.3's serializer API (core_mqtt_serializer.h), from C: tests/c-api-serializer built
as a plain Linux program (C11, -Wall -Wextra -Werror -Wpedantic) against the host staticlib with
`--features coremqtt`, run as is and under valgrind (any invalid read or write fails).

The program checks sizes, bytes and status codes of every serializer function for tens of
thousands of inputs (every field combination of CONNECT, PUBLISH, SUBSCRIBE and UNSUBSCRIBE,
remaining lengths at each encoding boundary up to the largest, every first byte and remaining-length
encoding received, every acknowledgement body) against expectations from the MQTT 3.1.1
specification; the expectations where this component deliberately differs from coreMQTT v2.3.1 are
marked (tests/c-api-serializer/check.h) and the same program passes against upstream's C
(diff-upstream.sh, local). The cargo build reuses the workspace target dir (target/release); the C
objects go to build/e2e/c-api-serializer. No broker, no network.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import List

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests" / "c-api-serializer"
BUILD = REPO / "build" / "e2e" / "c-api-serializer"
SUMMARY = re.compile(r"^(\d+) tests, (\d+) checks: (\d+) passed, (\d+) failed, (\d+) marked$", re.M)
# Fewer would mean tests or input combinations went missing.
MIN_TESTS = 35
MIN_CHECKS = 140_000


def run(cmd: List[str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def build() -> Path:
    cargo = run(["cargo", "build", "--release", "--locked", "-p", "rust-component",
                 "--features", "coremqtt"], 900)
    assert cargo.returncode == 0, "cargo build failed:\n" + cargo.stderr[-6000:]
    make = run(["make", "-C", str(TESTS), f"BUILD={BUILD}"], 300)
    assert make.returncode == 0, "C build failed:\n" + make.stdout[-6000:] + make.stderr[-6000:]
    return BUILD / "c_api_serializer_tests"


def check_report(r: subprocess.CompletedProcess, how: str) -> str:
    out = r.stdout + r.stderr
    assert r.returncode == 0, f"serializer tests failed ({how}, exit {r.returncode}):\n{out[-8000:]}"
    m = SUMMARY.search(r.stdout)
    assert m, f"no summary line ({how}):\n{out[-4000:]}"
    tests, checks, passed, failed, _marked = (int(g) for g in m.groups())
    assert failed == 0 and passed == checks, f"{how}: {m.group(0)}"
    assert tests >= MIN_TESTS and checks >= MIN_CHECKS, f"{how}: {m.group(0)}"
    assert "against this component" in r.stdout, out[:2000]
    return m.group(0)


def test_c_api_serializer() -> None:
    binary = build()
    plain = run([str(binary)], 120)
    print(check_report(plain, "plain run"))
    checked = run(["valgrind", "-q", "--error-exitcode=99", str(binary)], 300)
    print(check_report(checked, "under valgrind"))
