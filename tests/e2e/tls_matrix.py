"""The TLS library lines and protocol versions, end to end: one demo run of an image (POSIX or
the Cortex-M3 firmware under QEMU) built with an mbedTLS line (DEMO_MBEDTLS: 3.6, the default,
or 2.28) against mosquitto forced to one TLS version (Broker(tls=...)), and the figures the run
shows: negotiated version and suite, handshake ticks, heap peak, demo-task stack, flash.

Used by test_tls_versions.py (CI) and tools/tls-figures (the README's table).
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from broker import Broker
from demo_image import REPO, build_image, image_port, run_image

# The QEMU timings of test_qemu_demo.py, so the default firmware build is shared with it.
FAST = {
    "DEMO_PUBLISH_COUNT": "2",
    "DEMO_DELAY_BETWEEN_PUBLISHES_MS": "100",
    "DEMO_DELAY_BETWEEN_DEMO_ITERATIONS_MS": "300",
    "DEMO_RETRY_BACKOFF_BASE_MS": "500",
    "DEMO_RETRY_MAX_BACKOFF_DELAY_MS": "2000",
    "DEMO_RETRY_MAX_ATTEMPTS": "3",
}
QEMU_RUN_TIMEOUT = 120


def qemu_cmd(elf: Path) -> List[str]:
    return ["qemu-system-arm", "-M", "mps2-an385", "-m", "16M", "-nographic",
            "-monitor", "none", "-serial", "stdio",
            "-semihosting-config", "enable=on,target=native",
            "-icount", "shift=auto", "-nic", "user,model=lan9118", "-kernel", str(elf)]


@dataclass
class Outcome:
    kind: str             # "posix" or "qemu"
    mbedtls: str          # "3.6" or "2.28"
    broker_tls: Optional[str]
    rc: int
    log: str
    versions: List[str] = field(default_factory=list)   # negotiated, one per connection
    suites: List[str] = field(default_factory=list)
    ticks: List[int] = field(default_factory=list)
    heap_peak: Optional[int] = None      # QEMU: FreeRTOS heap peak use, bytes
    heap_size: Optional[int] = None
    stack_used: Optional[int] = None     # QEMU: demo task stack high-water mark, bytes used
    stack_size: Optional[int] = None
    flash: Optional[int] = None          # QEMU: total flash (tools/size-firmware)
    flash_mbedtls: Optional[int] = None


def image(pki: Path, kind: str, mbedtls: str, iterations: int = 2) -> Path:
    """The demo image for kind and mbedTLS line (built once per configuration)."""
    # The default line adds no variable, so the default images are shared with the other tests.
    extra: Dict[str, str] = {} if mbedtls == "3.6" else {"DEMO_MBEDTLS": mbedtls}
    if kind == "qemu":
        return build_image(pki, image_port(), iterations, kind="qemu", timings=FAST, **extra)
    return build_image(pki, image_port(), iterations, **extra)


def size_firmware(map_path: Path) -> Dict[str, int]:
    """{"total": flash B, "mbedtls": flash B} from tools/size-firmware."""
    r = subprocess.run([sys.executable, str(REPO / "tools" / "size-firmware"), str(map_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    out: Dict[str, int] = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(total|mbedTLS)\b.*?\s([\d,]+)\s+[\d,]+$", line)
        if m:
            out[m.group(1).lower()] = int(m.group(2).replace(",", ""))
    assert "total" in out and "mbedtls" in out, r.stdout
    return out


def run(pki: Path, kind: str, mbedtls: str, broker_tls: Optional[str],
        iterations: int = 2) -> Outcome:
    """Build (cached) and run the image against a broker on image_port(); the outcome."""
    exe = image(pki, kind, mbedtls, iterations)
    with Broker(pki, port=image_port(), tls=broker_tls):
        r = run_image(qemu_cmd(exe) if kind == "qemu" else exe,
                      timeout=QEMU_RUN_TIMEOUT if kind == "qemu" else 120)
    o = Outcome(kind, mbedtls, broker_tls, r.rc, r.log)
    for v, s, t in re.findall(r"TLS established with \S+: (TLSv1\.\d), (\S+), handshake (\d+) "
                              r"ticks", r.log):
        o.versions.append(v)
        o.suites.append(s)
        o.ticks.append(int(t))
    m = re.search(r"heap minimum ever free: (\d+) of (\d+) bytes \(peak use (\d+)\)", r.log)
    if m:
        o.heap_size, o.heap_peak = int(m.group(2)), int(m.group(3))
    m = re.search(r"demo task stack high-water mark: (\d+) of (\d+) bytes used", r.log)
    if m:
        o.stack_used, o.stack_size = int(m.group(1)), int(m.group(2))
    if kind == "qemu":
        sizes = size_firmware(exe.with_suffix(".map"))
        o.flash, o.flash_mbedtls = sizes["total"], sizes["mbedtls"]
    return o


def table(outcomes: List[Outcome]) -> str:
    """A markdown table of the Cortex-M3 figures."""
    rows = ["| mbedTLS / TLS (Cortex-M3, P-256 test PKI) | handshake | heap peak "
            "(of FreeRTOS heap) | demo task stack used | flash total (mbedTLS) |",
            "|---|---|---|---|---|"]
    for o in outcomes:
        version = o.versions[0] if o.versions else "(no session)"
        rows.append(
            f"| {o.mbedtls} / {version}, {o.suites[0] if o.suites else '-'} "
            f"| {'/'.join(str(t) for t in o.ticks)} ticks "
            f"| {o.heap_peak:,} B (of {o.heap_size:,}) "
            f"| {o.stack_used:,} of {o.stack_size:,} B "
            f"| {o.flash:,} B ({o.flash_mbedtls:,}) |")
    return "\n".join(rows)
