"""The firmware figures in README.md and the MPS2 demo READMEs are what the firmware measures now:
the P-256 blocks tools/firmware-figures writes are compared with a fresh measurement (flash of
each board's default build by tools/size-firmware; heap, stacks and handshake ticks logged by a
demo run under QEMU with the fixed -icount shift). The runs reuse the images test_qemu_demo.py and
test_make_firmware.py built in this session.
"""

from demo_image import BUILD_ROOT, REPO
from figures import (BOARDS, differences, measure_flash, measure_run, p256_blocks,
                     readme_block)

_SAMPLE = """| figure | value |
|---|---|
| flash, total | **160,156 B** |
| TLS handshake | **3,477 / 3,481 ticks** |"""


def test_the_readmes_show_the_measured_firmware_figures(pki, client_id):
    cargo = {"an385": BUILD_ROOT / "cargo", "an386": BUILD_ROOT / "cargo-make"}
    flash = {b: measure_flash(b, cargo_dir=cargo[b]) for b in BOARDS}
    runs = {b: measure_run(b, pki, client_id)[0] for b in BOARDS}
    problems = []
    for (path, name), text in p256_blocks(flash, runs).items():
        for d in differences(readme_block(path, name), text):
            problems.append(f"{path.relative_to(REPO)} figures:{name}: {d}")
    assert not problems, "\n".join(problems) + (
        "\nThe READMEs are stale: tools/firmware-figures --write, then commit them.")


def test_the_figure_check_accepts_pki_noise_and_reports_real_changes():
    assert differences(_SAMPLE, _SAMPLE) == []
    # A fresh PKI moves flash and heap by a few bytes, the host's round trips the ticks a little.
    noise = _SAMPLE.replace("160,156", "160,180").replace("3,481", "3,520")
    assert differences(_SAMPLE, noise) == []
    grown = _SAMPLE.replace("160,156", "163,900")
    assert differences(_SAMPLE, grown) == ["README 160,156 vs measured 163,900"]
    slower = _SAMPLE.replace("3,481", "3,900")
    assert differences(_SAMPLE, slower) == ["README 3,481 vs measured 3,900 ticks"]
    reworded = _SAMPLE.replace("flash, total", "flash")
    assert len(differences(_SAMPLE, reworded)) == 1
