"""The firmware figures the READMEs show, measured: flash by component (tools/size-firmware on each
MPS2 firmware's default build) and what each firmware logs about itself in a demo run under QEMU
(heap, stacks, TLS handshake ticks with the fixed -icount shift). tools/firmware-figures prints
them, writes them into the READMEs, or checks the READMEs against them; the e2e test
test_readme_figures.py runs the check.

In a README a generated block sits between two marker lines:

    <!-- figures:NAME (tools/firmware-figures --write) -->
    ...
    <!-- /figures:NAME -->

Only what lies between them is rewritten.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

from demo_image import REPO, build_image, image_port
from mps2 import ICOUNT_SHIFT, QEMU_TIMINGS, build_make_an386, run_demo_with_broker

# The e2e tests' timings, so their builds serve: the figures do not depend on them.
RUN_TIMINGS = QEMU_TIMINGS
ITERATIONS = 2
RUN_TIMEOUT = 120

BOARDS = {
    "an385": ("mps2-an385", "Cortex-M3", "CMake", "demos/qemu-mps2-an385"),
    "an386": ("mps2-an386", "Cortex-M4F, hard float", "GNU Make", "demos/make-mps2-an386"),
}

# Tolerances of --check: a fresh test PKI changes certificate (PEM) lengths by a few bytes, and
# with them flash and heap; handshake ticks vary by the host's network round trips; on the
# Cortex-M4F an interrupt that lands while a task's FPU context is live stacks an extended frame
# (lazy FP stacking), so its stack high-water mark moves by up to ~100 B between runs.
ABS_TOLERANCE = 128
TICKS_TOLERANCE = 0.02


@dataclass
class Run:
    heap_total: int
    heap_min_free: int
    heap_before_demo: int
    stack_used: int
    stack_total: int
    tcpip_used: int
    tcpip_total: int
    handshakes: List[int]
    cipher: str

    @property
    def heap_peak(self) -> int:
        return self.heap_total - self.heap_min_free

    @property
    def session_peak(self) -> int:
        """Peak heap use above what the system held before the demo started: TLS session, socket,
        netconn."""
        return self.heap_before_demo - self.heap_min_free


def _find(pattern: str, log: str) -> Tuple[int, ...]:
    m = re.search(pattern, log)
    assert m, f"missing /{pattern}/ in:\n{log}"
    return tuple(int(g) for g in m.groups())


def parse_run(log: str) -> Run:
    min_free, total, _ = _find(r"FreeRTOS heap minimum ever free: (\d+) of (\d+) bytes "
                               r"\(peak use (\d+)\)", log)
    (before,) = _find(r"FreeRTOS heap free before the demo: (\d+) bytes", log)
    used, stack = _find(r"demo task stack high-water mark: (\d+) of (\d+) bytes used", log)
    tcpip_used, tcpip = _find(r"tcpip thread stack high-water mark: (\d+) of (\d+) bytes used",
                              log)
    handshakes = [int(t) for t in re.findall(r"handshake (\d+) ticks", log)]
    assert len(handshakes) == ITERATIONS, log
    cipher = re.search(r"TLS established with \S+: TLSv1\.\d, (\S+), handshake", log).group(1)
    return Run(total, min_free, before, used, stack, tcpip_used, tcpip, handshakes, cipher)


def measure_run(board: str, pki: Path, client_id: str, heap_size: Optional[int] = None
                ) -> Tuple[Run, Path]:
    """Build the board's firmware for a broker on this process's port (the e2e builds, reused
    when the tests built them already), run the demo against mosquitto, read its figures.
    heap_size: configTOTAL_HEAP_SIZE (default: the config's). Returns the figures and the
    image's link map."""
    port = image_port()
    if board == "an385":
        heap = {"FREERTOS_HEAP_SIZE": str(heap_size)} if heap_size else {}
        elf = build_image(pki, port, ITERATIONS, kind="qemu", timings=RUN_TIMINGS, **heap)
    else:
        heap = [f"FREERTOS_HEAP_SIZE={heap_size}"] if heap_size else []
        elf = build_make_an386(pki, port, ITERATIONS, RUN_TIMINGS, make_vars=heap)
    log = run_demo_with_broker(elf, board, pki, client_id, port,
                               ITERATIONS * int(RUN_TIMINGS["DEMO_PUBLISH_COUNT"]), RUN_TIMEOUT)
    return parse_run(log), elf.with_suffix(".map")


def measure_flash(board: str, cargo_dir: Optional[Path] = None,
                  map_path: Optional[Path] = None) -> str:
    """tools/size-firmware's table: of the board's default build, or of a given link map.
    cargo_dir: a cargo target dir to share with other builds."""
    cmd = [sys.executable, str(REPO / "tools" / "size-firmware")]
    if map_path:
        cmd.append(str(map_path))
    else:
        cmd += ["--board", board] + (["--cargo-target-dir", str(cargo_dir)] if cargo_dir else [])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.rstrip("\n")


def flash_total(table: str) -> int:
    m = re.search(r"^total\s+([\d,]+)", table, re.M)
    assert m, table
    return int(m.group(1).replace(",", ""))


def n(x: int) -> str:
    return f"{x:,}"


def ticks(run: Run) -> str:
    return " / ".join(n(t) for t in run.handshakes) + " ticks"


# ---- The blocks ---------------------------------------------------------------------------------

def summary_block(flash: Mapping[str, str], runs: Mapping[str, Run]) -> str:
    """README.md: one row per MPS2 firmware."""
    lines = [
        "| firmware | flash (`tools/size-firmware`) | heap peak (of the FreeRTOS heap) "
        "| demo task stack used | TLS handshake, ECDSA P-256, iterations 1 / 2 |",
        "|---|---|---|---|---|",
    ]
    for board, (machine, core, build, folder) in BOARDS.items():
        r = runs[board]
        lines.append(
            f"| `{machine}` ({core}; {build}, `{folder}`) | {n(flash_total(flash[board]))} B "
            f"| {n(r.heap_peak)} of {n(r.heap_total)} B | {n(r.stack_used)} of "
            f"{n(r.stack_total)} B | {ticks(r)} |")
    return "\n".join(lines)


def board_block(board: str, flash: str, run: Run) -> str:
    """A demo folder's README: its firmware's figures and the footprint table."""
    return "\n".join([
        "| figure | value |",
        "|---|---|",
        f"| flash, total (`tools/size-firmware --board {board}`) | **{n(flash_total(flash))} B** |",
        f"| FreeRTOS heap, minimum ever free | **{n(run.heap_min_free)} of {n(run.heap_total)} B**"
        f" (peak use {n(run.heap_peak)} B) |",
        f"| ...of which in use before the demo (kernel, idle/timer/tcpip/demo stacks, "
        f"mailboxes) | {n(run.heap_total - run.heap_before_demo)} B |",
        f"| ...so one mutual-TLS session (mbedTLS record buffers, socket, netconn), peak "
        f"| {n(run.session_peak)} B |",
        f"| demo task stack high-water mark | **{n(run.stack_used)} of {n(run.stack_total)} B** "
        f"used |",
        f"| tcpip thread stack high-water mark | {n(run.tcpip_used)} of {n(run.tcpip_total)} B "
        f"used |",
        f"| TLS handshake ({run.cipher}, mutual auth), iterations 1 / 2 | **{ticks(run)}** "
        f"(1 tick = 1 ms of emulated time, `-icount shift={ICOUNT_SHIFT}`) |",
        "",
        "```",
        flash,
        "```",
    ])


# An RSA-2048 handshake with mbedTLS 3.6 (TLS 1.3) peaks near 39 KB of heap: the RSA runs use
# the heap tools/demo-qemu --rsa builds with.
RSA_HEAP_SIZE = 64 * 1024


def rsa_block(board: str, flash: str, run: Run) -> str:
    """A demo folder's README: the same firmware with the RSA-2048 test PKI and RSA_HEAP_SIZE
    (the run's image, test settings)."""
    return "\n".join([
        "| RSA-2048 test PKI (`certs/gen-pki.sh --rsa`; run it: "
        f"`tools/demo-qemu --board {board} --rsa`) | value |",
        "|---|---|",
        f"| flash, total (this build, test settings) | {n(flash_total(flash))} B |",
        f"| FreeRTOS heap peak use | {n(run.heap_peak)} of {n(run.heap_total)} B |",
        f"| demo task stack high-water mark | {n(run.stack_used)} of {n(run.stack_total)} B |",
        f"| TLS handshake ({run.cipher}), iterations 1 / 2 | {ticks(run)} |",
    ])


# ---- READMEs ------------------------------------------------------------------------------------

def _marker_re(name: str) -> re.Pattern:
    return re.compile(rf"^<!-- figures:{re.escape(name)} \(tools/firmware-figures --write\) -->\n"
                      rf"(.*?)^<!-- /figures:{re.escape(name)} -->$", re.S | re.M)


def readme_block(path: Path, name: str) -> str:
    m = _marker_re(name).search(path.read_text())
    assert m, f"{path}: no figures:{name} block (markers missing)"
    return m.group(1).rstrip("\n")


def write_block(path: Path, name: str, text: str) -> bool:
    """Replace the block; True if the file changed."""
    old = path.read_text()
    m = _marker_re(name).search(old)
    assert m, f"{path}: no figures:{name} block (markers missing)"
    new = old[:m.start(1)] + text + "\n" + old[m.end(1):]
    if new != old:
        path.write_text(new)
    return new != old


_NUMBER = re.compile(r"(-?\d[\d,]*)( ticks)?")


def differences(old: str, new: str) -> List[str]:
    """Where a README block and a fresh measurement disagree beyond the tolerances: the text
    around the numbers must be the same, each number within ABS_TOLERANCE (tick figures within
    TICKS_TOLERANCE)."""
    if _NUMBER.sub("#", old) != _NUMBER.sub("#", new):
        return ["the text differs, not only the figures:\n--- README\n" + old +
                "\n--- measured\n" + new]
    out = []
    # A "x / y ticks" pair: the figure before " / " is a tick count too.
    old_nums, new_nums = _numbers(old), _numbers(new)
    for (a, is_ticks), (b, _) in zip(old_nums, new_nums):
        tol = max(ABS_TOLERANCE, TICKS_TOLERANCE * abs(b)) if is_ticks else ABS_TOLERANCE
        if abs(a - b) > tol:
            out.append(f"README {a:,} vs measured {b:,}{' ticks' if is_ticks else ''}")
    return out


def _numbers(text: str) -> List[Tuple[int, bool]]:
    nums = []
    for m in _NUMBER.finditer(text):
        tail = text[m.end():m.end() + 12]
        is_ticks = bool(m.group(2)) or bool(re.match(r" / [\d,]+ ticks", tail))
        nums.append((int(m.group(1).replace(",", "")), is_ticks))
    return nums


def p256_blocks(flash: Mapping[str, str], runs: Mapping[str, Run]) -> Dict[Tuple[Path, str], str]:
    blocks = {(REPO / "README.md", "mps2"): summary_block(flash, runs)}
    for board, (_, _, _, folder) in BOARDS.items():
        blocks[(REPO / folder / "README.md", board)] = board_block(board, flash[board],
                                                                   runs[board])
    return blocks
