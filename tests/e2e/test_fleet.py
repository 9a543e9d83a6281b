"""tools/fleet end to end with a small fleet (CI): 10 POSIX devices, one image per jitter mode,
the broker away 10 s. Checks what a fleet operator would look at: every device came back, no
device retried sooner than the 1 s floor (in the logs and in the measured attempt times), the
jitter build option reached the devices (plain exponential backoff logs exactly floor + ceiling,
full jitter draws below the ceiling), the figures, table and plot were written, and nothing the
tool started is left running."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from demo_image import BUILD_ROOT, REPO

DEVICES = 10
FLOOR_MS = 1000
CEILINGS = [500, 1000, 2000, 4000, 5000]  # 500 ms base doubling to the 5 s cap
TIMEOUT_S = 600  # two image builds (incremental) and two runs of ~40 s


def retries(folder: Path):
    """(device log, retry k, delay ms) for every TLS connect retry the devices logged."""
    for f in sorted(folder.glob("fleet-*.log")):
        for k, d in re.findall(r"TLS connect to \S+ failed: .*; retry (\d+) of 5 in (\d+) ms",
                               f.read_text()):
            yield f.name, int(k), int(d)


def test_small_fleet_reconnects_with_and_without_jitter():
    out = BUILD_ROOT / "fleet-ci"
    r = subprocess.run([str(REPO / "tools" / "fleet"), "--devices", str(DEVICES), "--runs", "20",
                        "--out", str(out)], stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=TIMEOUT_S)
    log = r.stdout + r.stderr
    assert r.returncode == 0, log[-6000:]
    for mode in ("full", "none"):
        f = json.loads((out / f"figures-{mode}.json").read_text())
        assert f["devices"] == DEVICES and f["not_reconnected"] == 0, f
        # Everyone came back within the demo's slowest schedule after the restart.
        assert f["reconnected_100_ms"] is not None and f["reconnected_100_ms"] < 20_000, f
        # The floor, measured on the broker's and the devices' clock-independent arrival times.
        assert f["min_gap_ms"] >= FLOOR_MS, f
        seen = list(retries(out / f"devices-{mode}"))
        assert seen, f"no retry logged in {mode} mode:\n{log[-3000:]}"
        assert all(d >= FLOOR_MS for _, _, d in seen), seen
        if mode == "none":
            # Plain exponential backoff: each retry waits floor + its whole ceiling.
            assert all(d == FLOOR_MS + CEILINGS[k - 1] for _, k, d in seen), seen
        else:
            assert all(d <= FLOOR_MS + CEILINGS[k - 1] for _, k, d in seen), seen
            assert any(d < FLOOR_MS + CEILINGS[k - 1] for _, k, d in seen), seen
        # Every attempt in the events file is one the figures counted.
        rows = (out / f"events-{mode}.csv").read_text().splitlines()
        assert rows[0] == "t_ms,device,event"
        assert sum(1 for x in rows[1:] if x.endswith(",connected")) == DEVICES
        assert (out / f"compare-{mode}.json").is_file()
    assert (out / "fleet.png").stat().st_size > 10_000
    table = (out / "fleet-table.md").read_text()
    assert "| 100 % reconnected (s after the restart) |" in table, table
    assert re.search(r"mosquitto PID \d+", log) and "FAIL" not in log, log[-3000:]
