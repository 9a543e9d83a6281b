"""The staticlib's build interface without CMake (plain cargo, as a Make or IDE firmware runs
it): the documented variables are enough, paths with spaces work, every error names the variable
to set, headers come only from the directories named, a float-ABI or layout mismatch between
bindgen and the firmware's C compiler stops the build with both figures, and a staticlib built
without the platform binding says so at run time.

The include directories and definitions are those of the Cortex-M3 (or POSIX) image as its CMake
configuration writes them (demo_clang_args.txt), handed to cargo through DEMO_CONFIG_DIR,
DEMO_INCLUDE_DIRS and DEMO_CLANG_ARGS instead of the arguments file. All builds share the e2e
cargo target dir (dependencies compile once) under the e2e build lock.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from demo_image import BUILD_ROOT, REPO, TIMINGS, build_image, image_port
from mps2 import QEMU_TIMINGS as FAST

CARGO_DIR = BUILD_ROOT / "cargo"
M3 = "thumbv7m-none-eabi"
HOST = "x86_64-unknown-linux-gnu"


def configured(pki: Path, kind: str) -> Path:
    """The demo_clang_args.txt of a configured (and built) image tree of kind: the trees
    test_qemu_demo.py / test_posix_demo.py build, so nothing extra is built."""
    if kind == "qemu":
        image = build_image(pki, image_port(), 2, kind="qemu", timings=FAST)
    else:
        image = build_image(pki, image_port(), 2, timings=TIMINGS)
    # build_image copies the image to <run dir>/<tree name>-<port>/.
    tree = BUILD_ROOT / image.parent.name.rsplit("-", 1)[0]
    args = tree / "demo_clang_args.txt"
    assert args.is_file(), args
    return args


def split_args(args_file: Path) -> Tuple[Path, List[Path], List[str]]:
    """(demo_config.h's dir, other include dirs, other arguments) of an arguments file."""
    config_dir: Optional[Path] = None
    dirs: List[Path] = []
    rest: List[str] = []
    for line in args_file.read_text().splitlines():
        if line.startswith("-I"):
            d = Path(line[2:])
            if config_dir is None and (d / "demo_config.h").is_file():
                config_dir = d
            elif d not in dirs:
                dirs.append(d)
        elif line.strip():
            rest.append(line)
    assert config_dir is not None, args_file.read_text()
    return config_dir, dirs, rest


def cargo(target: str, env: Dict[str, str], features: str = "freertos",
          timeout: float = 900, target_dir: Path = CARGO_DIR) -> subprocess.CompletedProcess:
    """cargo build of the staticlib for target with only env's variables added."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DEMO_", "BINDGEN_EXTRA_CLANG_ARGS", "CC_", "CFLAGS_"))}
    clean.update(env)
    clean["CARGO_TARGET_DIR"] = str(target_dir)
    cmd = ["cargo", "build", "--release", "--locked", "-p", "rust-component", "--lib",
           "--target", target]
    if features:
        cmd += ["--features", features]
    BUILD_ROOT.mkdir(parents=True, exist_ok=True)
    with open(BUILD_ROOT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(cmd, cwd=REPO, env=clean, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)


def plain_env(args_file: Path, config_dir: Optional[Path] = None,
              drop: str = "") -> Dict[str, str]:
    """DEMO_CONFIG_DIR, DEMO_INCLUDE_DIRS and DEMO_CLANG_ARGS equivalent to args_file (without
    the include dirs whose path contains drop)."""
    cfg, dirs, rest = split_args(args_file)
    dirs = [d for d in dirs if not (drop and drop in str(d))]
    return {
        "DEMO_CONFIG_DIR": str(config_dir or cfg),
        "DEMO_INCLUDE_DIRS": os.pathsep.join(str(d) for d in dirs),
        "DEMO_CLANG_ARGS": " ".join(rest),
    }


@pytest.fixture(scope="module")
def m3_args(pki: Path) -> Path:
    return configured(pki, "qemu")


def test_plain_cargo_builds_the_firmware_staticlib_with_a_config_dir_holding_spaces(
        m3_args: Path, tmp_path: Path) -> None:
    cfg, _, _ = split_args(m3_args)
    spaced = tmp_path / "my firmware" / "config dir"
    spaced.mkdir(parents=True)
    shutil.copy2(cfg / "demo_config.h", spaced / "demo_config.h")
    r = cargo(M3, plain_env(m3_args, config_dir=spaced))
    assert r.returncode == 0, r.stderr[-6000:]
    lib = CARGO_DIR / M3 / "release" / "libcoremqtt_rs.a"
    # readelf, not nm: nm's LTO plugin chokes on the bitcode section rustc embeds.
    syms = subprocess.run(["arm-none-eabi-readelf", "-sW", str(lib)], capture_output=True,
                          text=True, timeout=60).stdout
    # The entry points are defined; the C side's functions are what it needs.
    assert re.search(r" FUNC +GLOBAL +DEFAULT +\d+ mqtt_demo_run$", syms, re.M), syms[-3000:]
    for sym in ("TLS_FreeRTOS_Connect", "TLS_FreeRTOS_recv", "C_GetFunctionList",
                "DemoLog_Write", "xTaskCreate"):
        assert re.search(rf" GLOBAL +DEFAULT +UND {sym}$", syms, re.M), sym


def test_no_variables_is_an_error_naming_them() -> None:
    r = cargo(M3, {}, timeout=600)
    assert r.returncode != 0
    assert "set DEMO_CONFIG_DIR and DEMO_INCLUDE_DIRS" in r.stderr, r.stderr[-3000:]


def test_a_missing_transport_directory_is_an_error_not_a_fallback(m3_args: Path,
                                                                   tmp_path: Path) -> None:
    """The firmware's transport directory left out (its log sink header given on its own): the
    project's own c-shim/include is never added behind the caller's back."""
    sink = tmp_path / "log sink"
    sink.mkdir()
    shutil.copy2(REPO / "c-shim" / "include" / "demo_log.h", sink / "demo_log.h")
    env = plain_env(m3_args, drop="c-shim/include")
    env["DEMO_INCLUDE_DIRS"] += os.pathsep + str(sink)
    r = cargo(M3, env)
    assert r.returncode != 0
    assert re.search(r"transport_mbedtls\.h \(the TLS transport.*set DEMO_INCLUDE_DIRS",
                     r.stderr), r.stderr[-3000:]


def test_a_missing_config_dir_names_demo_config_dir(m3_args: Path, tmp_path: Path) -> None:
    r = cargo(M3, plain_env(m3_args, config_dir=tmp_path))
    assert r.returncode != 0
    assert "no demo_config.h there; set DEMO_CONFIG_DIR" in r.stderr, r.stderr[-3000:]


def test_a_float_abi_mismatch_stops_the_build(m3_args: Path) -> None:
    """A soft-float Rust target with hard-float firmware flags."""
    env = plain_env(m3_args)
    env["CFLAGS_thumbv7m_none_eabi"] = "-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
    r = cargo(M3, env)
    assert r.returncode != 0
    assert "float ABI mismatch" in r.stderr and "thumbv7em-none-eabihf" in r.stderr, \
        r.stderr[-3000:]


def test_a_layout_mismatch_stops_the_build_with_both_figures(m3_args: Path) -> None:
    """bindgen forced to full-size enums while arm-none-eabi-gcc uses short enums: the
    transport's status enum (returned by value) and the structs holding mbedTLS enums differ."""
    env = plain_env(m3_args)
    env["BINDGEN_EXTRA_CLANG_ARGS_thumbv7m_none_eabi"] = "-fno-short-enums"
    r = cargo(M3, env)
    assert r.returncode != 0
    m = re.search(r"TlsTransportStatus_t: size is (\d+) B as bindgen \(and so Rust\) sees it, "
                  r"(\d+) B as the firmware's C compiler \(\S*arm-none-eabi-gcc", r.stderr)
    assert m, r.stderr[-3000:]
    assert (int(m.group(1)), int(m.group(2))) == (4, 1), m.group(0)
    assert re.search(r"TlsTransportParams_t: size is \d+ B as bindgen.*, \d+ B as the firmware",
                     r.stderr), r.stderr[-3000:]


def test_a_staticlib_without_the_platform_binding_fails_clearly_at_run_time(
        tmp_path: Path) -> None:
    """Built without `freertos` (a plain host build, as for the C MQTT API alone): the demo's
    entry points exist and return MQTT_DEMO_ERR_NO_PLATFORM."""
    # Its own target dir: the POSIX image's staticlib (with the platform) stays as it is.
    no_platform_dir = BUILD_ROOT / "cargo-no-platform"
    r = cargo(HOST, {}, features="", target_dir=no_platform_dir)
    assert r.returncode == 0, r.stderr[-3000:]
    main = tmp_path / "main.c"
    main.write_text("""
#include <stdio.h>
#include "mqtt_demo.h"
int main(void) {
    int32_t run = mqtt_demo_run(1), task = mqtt_demo_task_create(1024, 1);
    printf("%d %d %d\\n", (int)run, (int)task, MQTT_DEMO_ERR_NO_PLATFORM);
    return run == MQTT_DEMO_ERR_NO_PLATFORM && task == MQTT_DEMO_ERR_NO_PLATFORM ? 0 : 1;
}
""")
    exe = tmp_path / "no_platform"
    cc = subprocess.run(["cc", "-std=c11", "-Wall", "-Werror", "-I",
                         str(REPO / "rust-component" / "include"), str(main),
                         str(no_platform_dir / HOST / "release" / "libcoremqtt_rs.a"),
                         "-o", str(exe)], capture_output=True, text=True, timeout=120)
    assert cc.returncode == 0, cc.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.split() == ["12", "12", "12"], out.stdout
