"""End to end: the Cortex-M3 firmware (demos/qemu-mps2-an385: FreeRTOS ARM_CM3,
lwIP over the emulated LAN9118, mbedTLS, the Rust staticlib for
thumbv7m-none-eabi) under qemu-system-arm -M mps2-an385, against a real
mosquitto on the host that requires client certificates from the test CA.

The firmware reaches the broker as "localhost", which lwIP's local host list
resolves to 10.0.2.2; QEMU's user network forwards that to the host's
127.0.0.1. The demo's status leaves QEMU as its exit code (semihosting).

Images come from demo_image.build_image (kind "qemu"), once per credentials
variant, for the one loopback port of the test process; each test starts its own
broker on that port and stops it by PID. Every build and every QEMU run has its
own timeout.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

from broker import Broker
from demo_image import (BUILD_ROOT, REPO, assert_logged, build_image, check_jitter,
                        demo_flow_patterns, image_port, retry_delays_ms, run_image)
from mps2 import QEMU_TIMINGS, qemu_cmd, run_demo_with_broker

RUN_TIMEOUT = 120     # seconds, per QEMU run
TOOL_TIMEOUT = 1200   # seconds, tools/demo-qemu (build + run)
HEAP_TARGET = 40 * 1024
FLASH_TARGET = 256 * 1024

# Short timings so a run takes seconds (mps2.QEMU_TIMINGS, shared with the an386 tests and the
# README figures, so they reuse these builds).
FAST = QEMU_TIMINGS


@pytest.fixture(scope="session")
def tools_present():
    missing = [t for t in ("qemu-system-arm", "arm-none-eabi-gcc", "cmake", "cargo")
               if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run tools/setup (Debian qemu-system-arm, "
                    "gcc-arm-none-eabi, libnewlib-arm-none-eabi, cmake; rustup)")


@pytest.fixture(scope="session")
def firmware(pki, tools_present):
    """firmware(header, iterations) -> (elf, map) of a built image (cached)."""
    def build(header=None, iterations=2):
        extra = {"DEMO_CREDENTIALS_HEADER": header} if header else {}
        elf = build_image(pki, image_port(), iterations, kind="qemu", timings=FAST, **extra)
        return elf, elf.with_suffix(".map")

    return build


def run(elf, timeout=RUN_TIMEOUT):
    """Runs the image; returns (QEMU's exit code = the demo's status, UART log)."""
    r = run_image(qemu_cmd(elf), timeout=timeout)
    return r.rc, r.log


def test_demo_completes_on_the_cortex_m3_and_the_broker_sees_the_certificate_cn(
        firmware, pki, client_id):
    elf, _ = firmware()
    port = image_port()
    topic = f"{client_id}/example/topic"
    # 2 iterations x DEMO_PUBLISH_COUNT reach the broker.
    log = run_demo_with_broker(elf, "an385", pki, client_id, port,
                               2 * int(FAST["DEMO_PUBLISH_COUNT"]), RUN_TIMEOUT)
    assert_logged(log, demo_flow_patterns(port, topic) + [
        r"main: mps2-an385 \(Cortex-M3, 25 MHz\), FreeRTOS V11\.2\.0, heap 40960 bytes; "
        r"Rust MQTT demo",
        r"LAN9118: id 0x0118",
        r"DHCP lease 10\.0\.2\.15 .*gateway 10\.0\.2\.2",
        r'local host list: "localhost" is 10\.0\.2\.2',
        r"NO hardware RNG.*NOT production-grade",
        # mbedTLS 3.6 (the default) and mosquitto agree on TLS 1.3.
        rf"TLS established with localhost:{port}: TLSv1\.3, "
        r"TLS1-3-AES-\S+, handshake \d+ ticks",
        r"exit code 0",
    ])

    # The figures the firmware reports, within the targets.
    ticks = [int(t) for t in re.findall(r"handshake (\d+) ticks", log)]
    assert len(ticks) == 2 and all(t > 0 for t in ticks), log
    m = re.search(r"heap minimum ever free: (\d+) of (\d+) bytes", log)
    assert m, log
    min_free, heap = int(m.group(1)), int(m.group(2))
    assert heap <= HEAP_TARGET and min_free > 0, log
    m = re.search(r"demo task stack high-water mark: (\d+) of (\d+) bytes used", log)
    assert m and int(m.group(1)) < int(m.group(2)), log
    assert not re.search(r"\[(ERROR|FATAL)\]", log), log


def test_an_image_built_with_another_root_ca_fails_verification_and_exits_non_zero(
        firmware, pki):
    elf, _ = firmware("demo_credentials_other_ca.h", iterations=1)
    with Broker(pki, port=image_port()) as broker:
        rc, log = run(elf)
        assert rc not in (0, 124), log
        # The cause, in words, once per attempt.
        failures = re.findall(r"\[ERROR\] TLS handshake with localhost:\d+ failed: server "
                              r"certificate not accepted .*not correctly signed by the "
                              r"trusted CA", log)
        attempts = int(FAST["DEMO_RETRY_MAX_ATTEMPTS"])
        assert len(failures) == attempts + 1, log
        # Retried with full-jitter backoff: each delay within its doubling ceiling.
        seen = retry_delays_ms(log)
        assert [k for k, _ in seen] == list(range(1, attempts + 1)), log
        jitter = check_jitter(seen, int(FAST["DEMO_RETRY_BACKOFF_BASE_MS"]),
                              int(FAST["DEMO_RETRY_MAX_BACKOFF_DELAY_MS"]))
        assert jitter is None, jitter + "\n" + log
        assert re.search(r"iteration 1 failed", log), log
        assert re.search(rf"exit code {rc}\b", log), log
        assert "New client connected" not in broker.log_text(), broker.log_text()[-2000:]


def test_footprint_fits_the_flash_budget_and_is_reported_by_component(firmware):
    _, map_path = firmware()
    r = subprocess.run([sys.executable, str(REPO / "tools" / "size-firmware"), str(map_path),
                        "--check", "--flash-budget", str(FLASH_TARGET)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    for row in ["Rust component", "mbedTLS", "lwIP", "FreeRTOS kernel", "C shim",
                "libc", "FreeRTOS heap", "total"]:
        assert re.search(rf"^{re.escape(row)}.*\d", r.stdout, re.M), r.stdout
    total = int(re.search(r"^total\s+([\d,]+)", r.stdout, re.M).group(1).replace(",", ""))
    assert 0 < total <= FLASH_TARGET, r.stdout


def test_tools_demo_qemu_runs_the_demo_and_returns_its_status(tools_present):
    env = dict(os.environ, DEMO_ITERATIONS="1", DEMO_PUBLISH_DELAY_MS="100",
               DEMO_BUILD_DIR=str(BUILD_ROOT / "demo-qemu-tool"),
               DEMO_QEMU_TIMEOUT=str(RUN_TIMEOUT),
               DEMO_RUST_TARGET_DIR=str(BUILD_ROOT / "cargo"))
    r = subprocess.run([str(REPO / "tools" / "demo-qemu")], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TOOL_TIMEOUT, env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert re.search(r"iteration 1 succeeded", out), out
    assert re.search(r"demo-qemu: qemu-system-arm -M mps2-an385 .* -icount shift=5 ", out), out
    assert re.search(r"demo-qemu: exit status 0", out), out
    assert re.search(r"stopped mosquitto PID \d+", out), out
