"""The C shim on its own, in C, against mosquitto: c-shim/test/run_selftest.sh with
c_shim_selftest built for mbedTLS 3.6 (default) and for mbedTLS 2.28, so the shim compiles
(-Wall -Wextra -Werror) and behaves the same on both lines. Covers the FreeRTOS-Plus transport
semantics (NULL context/buffer and zero length negative; 0 only after the receive timeout; no call
waits past its timeout; bytes mbedTLS buffered served first; a remote close is negative; one task
sending while another receives), the PKCS#11 module (C_Login for corePKCS11's session helper),
and the failure cases (wrong CA, host name, expiry, unknown client CA, key mismatch, out of memory,
refused, DNS). The trees build only C (no Rust task).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

from demo_image import BUILD_ROOT, REPO


def selftest_binary(mbedtls: str) -> Path:
    tree = BUILD_ROOT / f"c-shim-selftest-{mbedtls}"
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    with open(BUILD_ROOT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for cmd, timeout in (
                (["cmake", "-S", str(REPO / "demos" / "posix"), "-B", str(tree),
                  "-DDEMO_USE_RUST_TASK=OFF", "-DC_SHIM_BUILD_SELFTEST=ON",
                  f"-DDEMO_MBEDTLS={mbedtls}"], 300),
                (["cmake", "--build", str(tree), "--target", "c_shim_selftest", "-j",
                  str(os.cpu_count() or 2)], 900)):
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return tree / "c-shim" / "c_shim_selftest"


@pytest.mark.parametrize("mbedtls", ["3.6", "2.28"])
def test_c_shim_selftest(pki: Path, mbedtls: str) -> None:
    binary = selftest_binary(mbedtls)
    r = subprocess.run([str(REPO / "c-shim" / "test" / "run_selftest.sh"), str(binary),
                        str(pki)], capture_output=True, text=True, timeout=300,
                       stdin=subprocess.DEVNULL)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-6000:]
    assert "run_selftest.sh: all cases passed" in out, out[-3000:]
    for line in ("NULL context, NULL params, NULL buffer, zero length: negative returns",
                 "came back; sender ok", "remote close: recv returned -"):
        assert line in out, line + "\n" + out[-3000:]
    version = "TLSv1.3" if mbedtls == "3.6" else "TLSv1.2"
    assert f": {version}, " in out, out[-3000:]
