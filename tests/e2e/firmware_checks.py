"""What a lean firmware image must show in its ELF, for any of the demo firmwares (the CMake
mps2-an385 image, the Make mps2-an386 one): every C file of ours and of the bundled third-party
sources compiled at -Os, and no lwIP assertion texts in flash (LWIP_NOASSERT in release builds).

Both read the image itself (DWARF producer strings, the bytes of the loaded sections), so what
they check is what ships, whatever the build system printed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Dict, List

# DW_AT_producer of a GNU C unit, e.g. "GNU C11 12.2.1 20221205 -mcpu=cortex-m3 ... -Os ...";
# GCC records the effective optimisation level only (the last -O given).
_INDIRECT = r"\s*:\s*(?:\(indirect[^)]*\):\s*)?"
_PRODUCER = re.compile(r"DW_AT_producer" + _INDIRECT + r"(GNU C\S* .*)$")
_NAME = re.compile(r"DW_AT_name" + _INDIRECT + r"(\S.*)$")
# Prebuilt parts of the toolchain (newlib-nano, libgcc): not compiled by our builds.
_TOOLCHAIN = re.compile(r"newlib|libgcc|/build/gcc|\.S$")


def c_units(elf: Path) -> Dict[str, str]:
    """{source file: producer string} of every GNU C compilation unit our build compiled."""
    out = subprocess.run(["arm-none-eabi-readelf", "--debug-dump=info", str(elf)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    units: Dict[str, str] = {}
    producer = None
    for line in out.splitlines():
        m = _PRODUCER.search(line)
        if m:
            producer = m.group(1)
            continue
        m = _NAME.search(line)
        if m and producer is not None:
            name = m.group(1)
            if not _TOOLCHAIN.search(name):
                units[name] = producer
            producer = None
    return units


def not_size_optimised(elf: Path) -> List[str]:
    """Our C units not compiled at -Os (each with its -O level); empty when all are."""
    bad = []
    for name, producer in sorted(c_units(elf).items()):
        levels = re.findall(r"(?:^| )(-O\S*)", producer)
        if levels != ["-Os"]:
            bad.append(f"{name}: {' '.join(levels) or 'no -O'}")
    return bad


def flash_bytes(elf: Path, tmp: Path) -> bytes:
    """The bytes the image stores in flash (code, read-only data, .data's initial values)."""
    out = tmp / (elf.stem + ".flash.bin")
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".isr_vector", "-j", ".text",
                    "-j", ".rodata", "-j", ".data", str(elf), str(out)],
                   check=True, timeout=60)
    return out.read_bytes()
