"""Helpers for the hostile-network tests that drive the FreeRTOS POSIX image (test_hostile_*.py):
building the image for a fixed loopback port, running it, reading its log, checking the
reconnect schedule against connection times, and the outcome tables printed at the end of the
pytest run (a plugin registered at run time, so no conftest change is needed).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

from broker import free_port

REPO = Path(__file__).resolve().parents[2]
BUILD_ROOT = REPO / "build" / "e2e-hostile"
DEMO_HEADER = REPO / "rust-component" / "include" / "mqtt_demo.h"

SKIP_REASON = ("the POSIX image with the Rust demo task is not there yet: "
               "rust-component/include/mqtt_demo.h does not exist")
requires_image = pytest.mark.skipif(not DEMO_HEADER.exists(), reason=SKIP_REASON)

BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120

# Fast timings; the logic is the reference demo's.
ITERATION_PAUSE_MS = 500
TIMINGS: Dict[str, str] = {
    "DEMO_PUBLISH_COUNT": "2",
    "DEMO_DELAY_BETWEEN_PUBLISHES_MS": "100",
    "DEMO_DELAY_BETWEEN_DEMO_ITERATIONS_MS": str(ITERATION_PAUSE_MS),
    "DEMO_RETRY_BACKOFF_BASE_MS": "200",
    "DEMO_RETRY_MAX_BACKOFF_DELAY_MS": "1000",
    "DEMO_RETRY_MAX_ATTEMPTS": "2",
    "DEMO_PROCESS_LOOP_TIMEOUT_MS": "2000",
    "DEMO_CONNACK_RECV_TIMEOUT_MS": "1000",
}

_port: Optional[int] = None
_built: Dict[Tuple, Path] = {}


def image_port() -> int:
    """One loopback port per test process: every image is built for it (it is compiled in), and
    each test puts its broker or proxy on it."""
    global _port
    if _port is None:
        _port = free_port()
    return _port


def build_image(pki: Path, port: int, iterations: int = 2, **overrides: str) -> Path:
    """Build (once per configuration) the POSIX image with the Rust demo task; its path."""
    defs = dict(TIMINGS)
    defs.update({k: str(v) for k, v in overrides.items()})
    defs.update({
        "DEMO_USE_RUST_TASK": "ON",
        "DEMO_MQTT_BROKER_ENDPOINT": "localhost",
        "DEMO_MQTT_BROKER_PORT": str(port),
        "DEMO_ALLOW_ANY_BROKER_PORT": "1",
        "DEMO_CREDENTIALS_DIR": str(pki),
        "DEMO_ITERATIONS": str(iterations),
        "RUST_COMPONENT_TARGET_DIR": str(BUILD_ROOT / "cargo"),
    })
    key = tuple(sorted(defs.items()))
    if key in _built:
        return _built[key]
    bdir = BUILD_ROOT / f"image-{len(_built)}-{os.getpid()}"
    cmd = ["cmake", "-S", str(REPO / "demos" / "posix"), "-B", str(bdir)]
    cmd += [f"-D{k}={v}" for k, v in defs.items()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    r = subprocess.run(["cmake", "--build", str(bdir), "-j", str(os.cpu_count() or 2)],
                       capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    exe = bdir / "mqtt_demo_posix"
    _built[key] = exe
    return exe


@dataclass
class Run:
    rc: int
    log: str
    started: float
    ended: float


def run_image(exe: Path, timeout: float = RUN_TIMEOUT_S) -> Run:
    t0 = time.monotonic()
    try:
        r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        pytest.fail(f"image hung: no exit within {timeout} s; log tail:\n{out[-4000:]}")
    return Run(r.returncode, r.stdout + r.stderr, t0, time.monotonic())


# The demo's words for a pause before the next connection: a TLS connect retry with its
# full-jitter delay, or the pause between iterations.
_PAUSE = re.compile(r"retry \d+(?: of \d+)? in (\d+) ms|next iteration in (\d+) ms")


def logged_pauses_ms(log: str) -> List[int]:
    """Every pause the demo announced before its next connection attempt, in log order."""
    return [int(a or b) for a, b in _PAUSE.findall(log)]


def retry_delays_ms(log: str) -> List[Tuple[int, int]]:
    """(retry number k, delay ms) for every TLS-connect / SUBSCRIBE retry the demo logged."""
    return [(int(k), int(d)) for k, d in re.findall(r"retry (\d+)(?: of \d+)? in (\d+) ms", log)]


def check_schedule(gaps_s: Sequence[float], pauses_ms: Sequence[int],
                   early_s: float = 0.03, late_s: float = 1.5) -> Optional[str]:
    """None if each gap between one connection's end and the next one's start matches the
    pause the demo announced (not shorter; at most late_s longer: TLS connect and the POSIX
    port's slow tick); else what is wrong."""
    if len(gaps_s) != len(pauses_ms):
        return f"{len(gaps_s)} gaps between connections but {len(pauses_ms)} pauses logged " \
               f"(gaps {fmt_s(gaps_s)}, pauses {list(pauses_ms)} ms)"
    for i, (g, p) in enumerate(zip(gaps_s, pauses_ms)):
        if not (p / 1000 - early_s <= g <= p / 1000 + late_s):
            return f"gap {i + 1} was {g * 1000:.0f} ms for a logged pause of {p} ms " \
                   f"(gaps {fmt_s(gaps_s)}, pauses {list(pauses_ms)} ms)"
    return None


def check_jitter(retries: Sequence[Tuple[int, int]], base_ms: int, cap_ms: int) -> Optional[str]:
    """Full jitter: retry k waits at most min(cap, base * 2^(k-1))."""
    for k, d in retries:
        ceiling = min(cap_ms, base_ms * 2 ** (k - 1))
        if not 0 <= d <= ceiling:
            return f"retry {k} waited {d} ms, over its ceiling {ceiling} ms ({list(retries)})"
    return None


def fmt_s(xs: Sequence[float]) -> str:
    return "[" + ", ".join(f"{x * 1000:.0f} ms" for x in xs) + "]"


# --------------------------------------------------------------------------------------------
# Outcome tables, printed in pytest's terminal summary


class _Tables:
    name = "hostile-outcome-tables"

    def __init__(self) -> None:
        self.tables: Dict[str, Tuple[List[str], List[List[str]]]] = {}

    def pytest_terminal_summary(self, terminalreporter) -> None:  # noqa: ANN001 - pytest hook
        for title, (header, rows) in self.tables.items():
            terminalreporter.section(title)
            widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
                      for i, h in enumerate(header)]
            # Keep long columns readable on a terminal.
            widths = [min(w, 70) for w in widths]

            def line(cells: Sequence[str]) -> str:
                return "  ".join(c[:w].ljust(w) for c, w in zip(cells, widths)).rstrip()

            terminalreporter.write_line(line(header))
            terminalreporter.write_line(line(["-" * w for w in widths]))
            for r in rows:
                terminalreporter.write_line(line(r))
            ok = sum(1 for r in rows if r[-1] == "PASS")
            terminalreporter.write_line(f"{ok} of {len(rows)} cases as expected")


def outcome_table(config: pytest.Config, title: str, header: List[str]) -> List[List[str]]:
    """The rows list of the table `title` (created on first use); the last column should be
    PASS/FAIL. The table is printed in pytest's terminal summary."""
    plugin = config.pluginmanager.get_plugin(_Tables.name)
    if plugin is None:
        plugin = _Tables()
        config.pluginmanager.register(plugin, _Tables.name)
    if title not in plugin.tables:
        plugin.tables[title] = (header, [])
    return plugin.tables[title][1]
