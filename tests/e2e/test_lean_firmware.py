"""The Cortex-M3 image (demos/qemu-mps2-an385, CMake, default RelWithDebInfo build) is lean:

* every C unit is compiled at -Os, the toolchain file's level (CMake's RelWithDebInfo defaults used
  to append -O2 after it);
* lwIP's assertions are compiled out (LWIP_NOASSERT in release builds): no assertion file names
  in flash;
* no build-machine paths in flash (configASSERT's __FILE__ is "FreeRTOS-Kernel/...").

The image is the one test_qemu_demo.py runs (same configuration, so the same build tree).
"""

import re

from demo_image import build_image, image_port
from firmware_checks import flash_bytes, not_size_optimised
from mps2 import QEMU_TIMINGS as FAST


def _elf(pki):
    return build_image(pki, image_port(), 2, kind="qemu", timings=FAST)


def test_every_c_unit_of_the_cortex_m3_image_is_compiled_at_os(pki):
    elf = _elf(pki)
    assert not_size_optimised(elf) == []


def test_the_cortex_m3_image_has_no_lwip_assertion_texts_or_build_paths_in_flash(pki, tmp_path):
    flash = flash_bytes(_elf(pki), tmp_path)
    assert len(flash) > 64 * 1024
    asserts = sorted(set(re.findall(rb"lwip/[\w/]+\.c", flash)))
    assert asserts == [], asserts
    assert b"/.cargo/registry/" not in flash
    assert re.search(rb"FreeRTOS-Kernel/tasks\.c", flash), "configASSERT's file name"
