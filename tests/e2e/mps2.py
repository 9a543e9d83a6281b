"""The MPS2 firmwares under QEMU: the command that runs them, and the GNU Make build of the
mps2-an386 (Cortex-M4F) firmware for the end-to-end tests. The CMake mps2-an385 image is built by
demo_image.build_image(kind="qemu").

QEMU runs with a fixed instruction-count clock, -icount shift=ICOUNT_SHIFT: every guest
instruction advances emulated time by 2**ICOUNT_SHIFT ns, so work the CPU does (a TLS handshake's
arithmetic) takes the same number of FreeRTOS ticks on every run and every host. The firmware's
idle task sleeps in WFI, and QEMU's clock follows the host's while the guest sleeps, so waiting
for the network costs what it costs on the host (a loopback broker: well under a tick per round
trip). shift=auto instead adapts the instruction rate to the host's speed: handshake figures then
vary several-fold between runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Mapping, Sequence

from broker import Broker, Observer
from demo_image import BUILD_ROOT, BUILD_TIMEOUT_S, REPO, run_image

# 1 instruction = 32 ns: 31.25 million instructions per emulated second. Stated in the README
# next to every tick figure.
ICOUNT_SHIFT = 5

MACHINES = {"an385": "mps2-an385", "an386": "mps2-an386"}

# Short timings so a run takes seconds; the logic is the reference demo's. The QEMU tests of both
# boards and the README figures build with these, so they share their builds.
QEMU_TIMINGS = {
    "DEMO_PUBLISH_COUNT": "2",
    "DEMO_DELAY_BETWEEN_PUBLISHES_MS": "100",
    "DEMO_DELAY_BETWEEN_DEMO_ITERATIONS_MS": "300",
    "DEMO_RETRY_BACKOFF_BASE_MS": "500",
    "DEMO_RETRY_MAX_BACKOFF_DELAY_MS": "2000",
    "DEMO_RETRY_MAX_ATTEMPTS": "3",
    "DEMO_RETRY_MIN_DELAY_MS": "0",  # no fleet floor: check_jitter expects the plain draws
}


def qemu_cmd(elf: Path, board: str = "an385") -> list:
    """The QEMU command line that runs an MPS2 image to its semihosting exit."""
    return ["qemu-system-arm", "-M", MACHINES[board], "-m", "16M", "-nographic",
            "-monitor", "none", "-serial", "stdio",
            "-semihosting-config", "enable=on,target=native",
            "-icount", f"shift={ICOUNT_SHIFT}", "-nic", "user,model=lan9118",
            "-kernel", str(elf)]


def run_demo_with_broker(elf: Path, board: str, pki: Path, client_id: str, port: int,
                         publishes: int, timeout: float) -> str:
    """Run an MPS2 image against a mutual-TLS mosquitto on `port`, with an observer on the demo
    topic. Asserts what every successful run shows outside the firmware: exit status 0,
    `publishes` echoes of "Hello World!" at the observer, and the broker naming the client by
    its certificate's CN. Returns the UART log for the caller's own checks."""
    topic = f"{client_id}/example/topic"
    with Broker(pki, port=port) as broker:
        with Observer(pki, broker.port, topic=topic) as observer:
            r = run_image(qemu_cmd(elf, board), timeout=timeout)
            assert r.rc == 0, r.log
            observer.wait_for_count(r"Hello World!$", publishes, timeout=5)
        # Mutual TLS: the broker took the client's identity from its certificate.
        broker.wait_for_log(
            rf"New client connected from 127\.0\.0\.1:\d+ as {re.escape(client_id)} "
            rf".*u'{re.escape(client_id)}'", timeout=5)
    return r.log


# The democonfig macro of a CMake DEMO_<NAME> cache variable (cmake/DemoConfig.cmake): the
# three macros whose name starts with DEMO_ keep it, the others lose the variable's DEMO_.
_KEEP_PREFIX = {"DEMO_ITERATIONS", "DEMO_STACKSIZE", "DEMO_PRIORITY"}


def _democonfig(name: str) -> str:
    return "democonfig" + (name if name in _KEEP_PREFIX else name[len("DEMO_"):])


_STRINGS = {"DEMO_MQTT_BROKER_ENDPOINT", "DEMO_CLIENT_IDENTIFIER", "DEMO_CREDENTIALS_HEADER"}

_built: Dict[tuple, Path] = {}


def build_make_an386(pki: Path, port: int, iterations: int, timings: Mapping[str, str],
                     env: Mapping[str, str] = None, make_vars: Sequence[str] = (),
                     **overrides: str) -> Path:
    """Build demos/make-mps2-an386 with GNU Make for a broker on `port` (once per
    configuration); the ELF's path (the link map is beside it, .map).

    timings/overrides: DEMO_<NAME> settings as for the CMake images, passed to make as
    DEMO_DEFINES. env: extra environment for make (e.g. a PATH without cmake). make_vars: more
    VAR=value arguments (e.g. DEBUG=1)."""
    settings = dict(timings)
    settings.update(overrides)
    settings.update({"DEMO_MQTT_BROKER_ENDPOINT": "localhost", "DEMO_ALLOW_ANY_BROKER_PORT": "1",
                     "DEMO_ITERATIONS": str(iterations), "DEMO_MQTT_BROKER_PORT": str(port)})
    defines = []
    for name, value in sorted(settings.items()):
        value = f'"{value}"' if name in _STRINGS else value
        defines.append(f"{_democonfig(name)}={value}")
    key = tuple(defines) + (str(pki),) + tuple(make_vars)
    if key in _built:
        return _built[key]
    build = BUILD_ROOT / f"make-an386-{hashlib.sha1(repr(key).encode()).hexdigest()[:10]}"
    cmd = ["make", "-C", str(REPO / "demos" / "make-mps2-an386"), f"-j{os.cpu_count() or 2}",
           f"BUILD={build}", f"CARGO_TARGET_DIR={BUILD_ROOT / 'cargo-make'}",
           f"DEMO_CREDENTIALS_DIR={pki}", "DEMO_DEFINES=" + " ".join(defines), *make_vars]
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    with open(BUILD_ROOT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time (shared cargo dirs)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
                           stdin=subprocess.DEVNULL, env=dict(os.environ, **(env or {})))
    assert r.returncode == 0, " ".join(cmd) + "\n" + r.stdout[-4000:] + r.stderr[-4000:]
    _built[key] = build / "mqtt_demo_an386.elf"
    return _built[key]


def fake_tool_dir(tmp: Path, name: str) -> Path:
    """A directory holding an executable `name` that fails loudly when run: put it first on PATH
    to prove a build never calls that tool."""
    d = tmp / f"no-{name}"
    d.mkdir(parents=True, exist_ok=True)
    tool = d / name
    tool.write_text(f"#!/bin/sh\necho '{name} was called: \"$0 $*\"' >&2\nexit 97\n")
    tool.chmod(0o755)
    assert shutil.which(name, path=str(d)) == str(tool)
    return d
