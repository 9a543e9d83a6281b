"""End to end: the GNU Make example firmware (demos/make-mps2-an386: FreeRTOS ARM_CM4F, lwIP over
the LAN9118, mbedTLS, the c-shim and the Rust staticlib built by plain cargo for
thumbv7em-none-eabihf, all hard float) under qemu-system-arm -M mps2-an386, against a real
mosquitto that requires client certificates from the test CA.

The build runs with a `cmake` on PATH that fails when called, so no part of it (make, cargo,
build scripts) uses CMake.
"""

import os
import re
import subprocess
import sys

from demo_image import BUILD_ROOT, REPO, assert_logged, demo_flow_patterns, image_port
from firmware_checks import flash_bytes, not_size_optimised
from mps2 import QEMU_TIMINGS as FAST
from mps2 import build_make_an386, fake_tool_dir, run_demo_with_broker

RUN_TIMEOUT = 120
FLASH_TARGET = 256 * 1024


def _firmware(pki, tmp_path_factory):
    no_cmake = fake_tool_dir(tmp_path_factory.mktemp("tools"), "cmake")
    return build_make_an386(pki, image_port(), 2, FAST,
                            env={"PATH": f"{no_cmake}:{os.environ['PATH']}"})


def test_the_make_firmware_builds_without_cmake_and_runs_the_demo_on_the_cortex_m4f(
        pki, client_id, tmp_path_factory):
    elf = _firmware(pki, tmp_path_factory)
    port = image_port()
    topic = f"{client_id}/example/topic"
    log = run_demo_with_broker(elf, "an386", pki, client_id, port,
                               2 * int(FAST["DEMO_PUBLISH_COUNT"]), RUN_TIMEOUT)
    assert_logged(log, demo_flow_patterns(port, topic) + [
        r"main: mps2-an386 \(Cortex-M4, FPU on, hard-float ABI, 25 MHz\), "
        r"FreeRTOS V11\.2\.0, heap 40960 bytes; Rust MQTT demo",
        r"DHCP lease 10\.0\.2\.15",
        r"demo task stack high-water mark: \d+ of 6144 bytes used",
        r"FreeRTOS heap minimum ever free: \d+ of 40960 bytes",
        r"exit code 0",
    ])
    assert not re.search(r"\[(ERROR|FATAL)\]", log), log


def test_the_make_firmware_is_hard_float_size_optimised_and_without_lwip_asserts(
        pki, tmp_path_factory, tmp_path):
    elf = _firmware(pki, tmp_path_factory)
    attrs = subprocess.run(["arm-none-eabi-readelf", "-A", str(elf)], capture_output=True,
                           text=True, check=True, timeout=60).stdout
    assert re.search(r"Tag_CPU_arch: v7E-M", attrs), attrs
    assert re.search(r"Tag_ABI_VFP_args: VFP registers", attrs), attrs
    assert not_size_optimised(elf) == []
    flash = flash_bytes(elf, tmp_path)
    assert sorted(set(re.findall(rb"lwip/[\w/]+\.c", flash))) == []
    assert b"/.cargo/registry/" not in flash


def test_a_debug_build_keeps_lwip_assertions_and_its_core_locking_checks_pass(
        pki, client_id, tmp_path):
    """Release builds drop lwIP's assertions; DEBUG=1 keeps them, with the FreeRTOS port's check
    that every raw lwIP call holds the core lock (net.c, c-shim/src/sockets_lwip.c). The demo
    runs through without one firing (a failed one exits 101)."""
    elf = build_make_an386(pki, image_port(), 1, FAST, make_vars=["DEBUG=1"])
    flash = flash_bytes(elf, tmp_path)
    assert re.search(rb"lwip/api/tcpip\.c", flash), "lwIP assertions compiled in"
    syms = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    assert re.search(r" T sys_check_core_locking$", syms, re.M), "core-locking checks linked"
    log = run_demo_with_broker(elf, "an386", pki, client_id, image_port(),
                               int(FAST["DEMO_PUBLISH_COUNT"]), RUN_TIMEOUT)
    assert_logged(log, [r"iteration 1 succeeded", r"exit code 0"])


def test_the_make_firmware_footprint_is_reported_by_component(pki, tmp_path_factory):
    elf = _firmware(pki, tmp_path_factory)
    r = subprocess.run([sys.executable, str(REPO / "tools" / "size-firmware"),
                        str(elf.with_suffix(".map")), "--check",
                        "--flash-budget", str(FLASH_TARGET)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    for row in ["Rust component", "mbedTLS", "lwIP", "FreeRTOS kernel", "C shim", "board",
                "libc", "FreeRTOS heap"]:
        assert re.search(rf"^{re.escape(row)}.*\d", r.stdout, re.M), r.stdout


def test_make_names_the_variable_to_set_when_the_credentials_are_missing(tmp_path):
    r = subprocess.run(["make", "-C", str(REPO / "demos" / "make-mps2-an386"),
                        f"BUILD={tmp_path / 'build'}", f"DEMO_CREDENTIALS_DIR={tmp_path}"],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode != 0
    assert re.search(r"DEMO_CREDENTIALS_DIR: no demo_credentials\.h in '.*': "
                     r"run certs/gen-pki\.sh", r.stderr), r.stderr


def test_tools_demo_qemu_runs_the_rsa_configuration_on_the_an386(pki):
    """tools/demo-qemu --board an386 --rsa: an RSA-2048 PKI of its own (certs/generated keeps its
    P-256 one), the Make firmware, QEMU with the fixed -icount shift, the demo's status."""
    stamp = (pki / "pki.stamp").read_text()
    env = dict(os.environ, DEMO_ITERATIONS="1", DEMO_PUBLISH_DELAY_MS="100",
               DEMO_BUILD_DIR=str(BUILD_ROOT / "demo-qemu-an386-rsa"),
               DEMO_QEMU_TIMEOUT=str(RUN_TIMEOUT),
               DEMO_RUST_TARGET_DIR=str(BUILD_ROOT / "cargo-make"))
    r = subprocess.run([str(REPO / "tools" / "demo-qemu"), "--board", "an386", "--rsa"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1200,
                       env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert re.search(r"demo-qemu: qemu-system-arm -M mps2-an386 .* -icount shift=5 ", out), out
    assert re.search(r"(generating a|holds a complete) rsa-2048 (test )?PKI", out), out
    assert re.search(r"FreeRTOS V11\.2\.0, heap 65536 bytes", out), out
    assert re.search(r"TLS established with localhost:\d+: TLSv1\.[23], \S+, handshake \d+ ticks",
                     out), out
    assert re.search(r"demo-qemu: exit status 0", out), out
    assert re.search(r"stopped mosquitto PID \d+", out), out
    assert (pki / "pki.stamp").read_text() == stamp
