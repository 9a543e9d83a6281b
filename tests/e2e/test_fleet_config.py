"""The fleet-sizing knobs of demos/common/demo_config_defaults.h: democonfigFLEET_DEVICES and
democonfigFLEET_CONNECTS_PER_SECOND set the backoff cap (N / (10 R) s, at least 5 s) and retry
forever; explicit values win; the reference demo's values stay the default. Checked by compiling
and running a small C program against the header (stub kernel headers), as a firmware sees it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from demo_image import REPO

PROGRAM = r"""
#include <stdio.h>
#include "demo_config_defaults.h"
int main(void)
{
	printf("%lld %lld %lld %lld %lld\n", (long long)democonfigRETRY_BACKOFF_BASE_MS,
	       (long long)democonfigRETRY_MAX_BACKOFF_DELAY_MS,
	       (long long)democonfigRETRY_MAX_ATTEMPTS, (long long)democonfigRETRY_MIN_DELAY_MS,
	       (long long)democonfigRETRY_JITTER);
	return 0;
}
"""


def backoff(tmp_path: Path, **defs: int):
    """(base, cap, attempts, floor, jitter) as a firmware built with these democonfig values
    sees them; None when the header refuses to compile."""
    (tmp_path / "FreeRTOS.h").write_text('#define tskKERNEL_VERSION_NUMBER "V11.2.0"\n')
    (tmp_path / "task.h").write_text("")
    (tmp_path / "main.c").write_text(PROGRAM)
    args = ["cc", "-std=c11", "-Wall", "-Werror", "-I", str(tmp_path),
            "-I", str(REPO / "demos" / "common"), "-o", str(tmp_path / "probe"),
            str(tmp_path / "main.c"), '-DdemoconfigHARDWARE_PLATFORM_NAME="test"',
            "-DdemoconfigDEMO_STACKSIZE=1", "-DdemoconfigDEMO_PRIORITY=1",
            '-DdemoconfigROOT_CA_PEM="x"', '-DdemoconfigCLIENT_CERTIFICATE_PEM="x"',
            '-DdemoconfigCLIENT_PRIVATE_KEY_PEM="x"']
    args += [f"-Ddemoconfig{k}={v}" for k, v in defs.items()]
    if subprocess.run(args, capture_output=True, text=True).returncode != 0:
        return None
    out = subprocess.run([str(tmp_path / "probe")], capture_output=True, text=True, check=True)
    return tuple(int(v) for v in out.stdout.split())


@pytest.mark.parametrize("defs, want", [
    ({}, (500, 5000, 5, 1000, 1)),                                   # the reference demo
    ({"FLEET_DEVICES": 100000, "FLEET_CONNECTS_PER_SECOND": 500}, (500, 20000, 0, 1000, 1)),
    ({"FLEET_DEVICES": 1000000, "FLEET_CONNECTS_PER_SECOND": 500}, (500, 200000, 0, 1000, 1)),
    ({"FLEET_DEVICES": 2000, "FLEET_CONNECTS_PER_SECOND": 500}, (500, 5000, 0, 1000, 1)),
    ({"FLEET_DEVICES": 100000, "FLEET_CONNECTS_PER_SECOND": 500,
      "RETRY_MAX_BACKOFF_DELAY_MS": 7000, "RETRY_MAX_ATTEMPTS": 9}, (500, 7000, 9, 1000, 1)),
    ({"RETRY_JITTER": 0, "RETRY_MIN_DELAY_MS": 2000}, (500, 5000, 5, 2000, 0)),
    ({"FLEET_DEVICES": 100000}, None),                               # half a sizing
    ({"FLEET_DEVICES": 10, "FLEET_CONNECTS_PER_SECOND": 0}, None),
])
def test_fleet_sizing_sets_the_backoff(tmp_path, defs, want):
    assert backoff(tmp_path, **defs) == want
