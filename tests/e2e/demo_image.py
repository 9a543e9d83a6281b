"""Building and running the demo images for the end-to-end tests, one builder for all of them:
the FreeRTOS POSIX image (test_posix_demo.py, test_hostile_*.py, tools/soak) and the Cortex-M3
firmware for QEMU (test_qemu_demo.py). Also: reading the demo's log, checking the reconnect
schedule against connection times, and the outcome tables printed at the end of the pytest run (a
plugin registered at run time, so no conftest change is needed).

Every image is built for one loopback port per process (image_port(): it is compiled in), once per
configuration. A configuration's build tree is named by a hash of its settings without the port,
so a later run reuses it (a new port only reconfigures); all trees share one cargo target dir, so
the Rust dependencies compile once. Builds hold a lock on build/e2e, and each process runs private
copies of its images (build/e2e/run-<pid>, removed at exit), so test runs started at the same
time in one work tree do not run each other's images.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import pytest

from broker import free_port

REPO = Path(__file__).resolve().parents[2]
BUILD_ROOT = REPO / "build" / "e2e"

BUILD_TIMEOUT_S = 900  # per image (cold cargo + C builds)
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
    # No fleet floor: the schedule checks expect the plain draws (tools/fleet checks the floor).
    "DEMO_RETRY_MIN_DELAY_MS": "0",
    "DEMO_PROCESS_LOOP_TIMEOUT_MS": "2000",
    "DEMO_CONNACK_RECV_TIMEOUT_MS": "1000",
}

# source dir under demos/, the image file in its build tree
IMAGES = {
    "posix": ("posix", "mqtt_demo_posix"),
    "qemu": ("qemu-mps2-an385", "mqtt_demo_an385.elf"),
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


def build_image(pki: Path, port: int, iterations: int = 2, *, kind: str = "posix",
                timings: Mapping[str, str] = TIMINGS, also: Sequence[str] = (),
                **overrides: str) -> Path:
    """Build (once per configuration) the demo image with the Rust demo task; its path.

    kind: "posix" (the executable) or "qemu" (the ELF; the link map is beside it, .map).
    also: more files of the build tree to copy beside the image (e.g. "mqtt_agent_posix").
    overrides: DEMO_<NAME> cache variables (demos/common), e.g. DEMO_CLEAN_SESSION="0",
    DEMO_CREDENTIALS_HEADER="demo_credentials_other_ca.h" or DEMO_TASK="c" (the C demo task).
    """
    source, image = IMAGES[kind]
    defs = dict(timings)
    defs.update({k: str(v) for k, v in overrides.items()})
    defs.update({
        "DEMO_USE_RUST_TASK": "ON",
        "DEMO_MQTT_BROKER_ENDPOINT": "localhost",
        "DEMO_ALLOW_ANY_BROKER_PORT": "1",
        "DEMO_CREDENTIALS_DIR": str(pki),
        "DEMO_ITERATIONS": str(iterations),
        "RUST_COMPONENT_TARGET_DIR": str(BUILD_ROOT / "cargo"),
    })
    config = (kind,) + tuple(sorted(defs.items()))
    key = config + (port, tuple(also))
    if key in _built:
        return _built[key]
    defs["DEMO_MQTT_BROKER_PORT"] = str(port)
    name = f"{kind}-{hashlib.sha1(repr(config).encode()).hexdigest()[:10]}"
    bdir = BUILD_ROOT / name
    cmd = ["cmake", "-S", str(REPO / "demos" / source), "-B", str(bdir)]
    cmd += [f"-D{k}={v}" for k, v in defs.items()]
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    with open(BUILD_ROOT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the trees and the cargo dir: one build at a time
        for c, timeout in ((cmd, 300), (["cmake", "--build", str(bdir), "-j",
                                         str(os.cpu_count() or 2)], BUILD_TIMEOUT_S)):
            r = subprocess.run(c, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
        out = _run_dir() / f"{name}-{port}"
        out.mkdir(exist_ok=True)
        for f in (bdir / image, (bdir / image).with_suffix(".map")):
            if f.exists():
                shutil.copy2(f, out / f.name)
        for name_ in also:
            shutil.copy2(bdir / name_, out / name_)
    _built[key] = out / image
    return _built[key]


_runs: Dict[int, Path] = {}


def _run_dir() -> Path:
    """This process's directory for its image copies (removed at exit)."""
    pid = os.getpid()
    if pid not in _runs:
        _runs[pid] = BUILD_ROOT / f"run-{pid}"
        _runs[pid].mkdir(parents=True, exist_ok=True)
        atexit.register(shutil.rmtree, _runs[pid], True)
    return _runs[pid]


@dataclass
class Run:
    rc: int
    log: str
    started: float
    ended: float


def run_image(cmd: Union[Path, Sequence[str]], timeout: float = RUN_TIMEOUT_S) -> Run:
    """Run an image (a path, or a whole command such as QEMU's) to its end; a hang fails the
    test with the log tail."""
    argv = [str(cmd)] if isinstance(cmd, Path) else [str(c) for c in cmd]
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        pytest.fail(f"image hung: no exit within {timeout} s; log tail:\n{out[-4000:]}")
    return Run(r.returncode, r.stdout + r.stderr, t0, time.monotonic())


def assert_logged(log: str, patterns: Iterable[str]) -> None:
    """Every regex in patterns matches somewhere in the log."""
    for pattern in patterns:
        assert re.search(pattern, log), f"missing /{pattern}/ in:\n{log}"


def demo_flow_patterns(port: int, topic: str, iterations: int = 2) -> List[str]:
    """The log lines of a successful run against localhost:port (P-256 PKI), every step a user
    follows, on any image."""
    return [
        # The TLS transport logs the connection (the demo no longer logs it a second time).
        rf"TLS connecting to localhost:{port}",
        rf"TLS established with localhost:{port}: TLSv1\.[23], \S+",
        r"CONNACK: connection accepted",
        rf"subscribed to {re.escape(topic)}, granted QoS 1",
        r"PUBACK for packet id \d+",
        rf"incoming PUBLISH on {re.escape(topic)}: Hello World!",
        rf"unsubscribed from {re.escape(topic)}",
        r"disconnecting",
    ] + [rf"iteration {i} succeeded" for i in range(1, iterations + 1)]


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
