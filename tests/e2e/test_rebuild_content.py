"""Rebuilds follow content, not time: restoring an OLDER credentials header with a different root
CA (`cp -p`, which keeps the old timestamp) must put that CA into the firmware on the next build.
Cargo alone reruns build.rs only for files newer than its last run; the CMake cargo step hashes
the headers bindgen read (cmake/RustComponentCargo.cmake) so the content decides.

One POSIX image tree of its own (its credentials directory is the test's), sharing the e2e cargo
target dir; nothing is run, the root CA is looked up in the built executable.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

from demo_image import BUILD_ROOT, REPO

TREE = BUILD_ROOT / "rebuild-content"


def ca_marker(pem: Path) -> bytes:
    """A base64 line of the certificate that no other certificate has."""
    lines = [l for l in pem.read_text().splitlines() if l and not l.startswith("-----")]
    return lines[len(lines) // 2].encode()


def build(creds: Path) -> Path:
    cmds = [
        (["cmake", "-S", str(REPO / "demos" / "posix"), "-B", str(TREE / "tree"),
          "-DDEMO_USE_RUST_TASK=ON", f"-DDEMO_CREDENTIALS_DIR={creds}",
          f"-DRUST_COMPONENT_TARGET_DIR={BUILD_ROOT / 'cargo'}",
          "-DDEMO_MQTT_BROKER_ENDPOINT=localhost", "-DDEMO_MQTT_BROKER_PORT=8883"], 300),
        (["cmake", "--build", str(TREE / "tree"), "-j", str(os.cpu_count() or 2)], 900),
    ]
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    with open(BUILD_ROOT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for cmd, timeout in cmds:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return TREE / "tree" / "mqtt_demo_posix"


def test_an_older_header_with_another_ca_still_changes_the_ca_in_the_binary(pki: Path) -> None:
    creds = TREE / "credentials"
    shutil.rmtree(creds, ignore_errors=True)
    creds.mkdir(parents=True)
    header = creds / "demo_credentials.h"
    shutil.copyfile(pki / "demo_credentials.h", header)
    older = creds / "saved_other_ca.h"
    shutil.copyfile(pki / "demo_credentials_other_ca.h", older)
    day_ago = time.time() - 86400
    os.utime(older, (day_ago, day_ago))

    ca, other = ca_marker(pki / "ca.crt"), ca_marker(pki / "other-ca.crt")
    exe = build(creds)
    data = exe.read_bytes()
    assert ca in data and other not in data

    # Restore the older file over the header: its timestamp is a day in the past.
    subprocess.run(["cp", "-p", str(older), str(header)], check=True)
    assert header.stat().st_mtime < exe.stat().st_mtime
    exe = build(creds)
    data = exe.read_bytes()
    assert other in data, "the firmware still has the previous root CA"
    assert ca not in data
