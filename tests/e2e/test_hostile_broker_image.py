"""The POSIX image against the hostile broker: for every scripted bad behaviour, the demo logs the
engine's error for the right step, the client closes the connection (it does not wait for the
broker to), sends nothing it should not, and the next connection follows the announced schedule
(the pause between iterations; for a TLS failure, the full-jitter backoff). A table of cases and
outcomes is printed at the end of the run.

The image is built once (2 iterations, fast timings; see demo_image.TIMINGS) for one loopback
port; each case puts a HostileBroker on that port.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

from hostile_broker import CASES, LOG_STALE_PUBACK, HostileBroker
from demo_image import (ITERATION_PAUSE_MS, TIMINGS, build_image, check_jitter, check_schedule,
                        fmt_s, image_port, logged_pauses_ms, outcome_table, retry_delays_ms,
                        run_image)

ITERATIONS = 2
# After its misbehaviour the broker keeps the connection open this long; the client must close
# well before (its receive timeout and process-loop timeout are at most 2 s here).
HOLD_S = 15.0
CLIENT_CLOSE_WITHIN_S = 5.0

TABLE = "hostile broker: cases and outcomes (POSIX image)"
HEADER = ["case", "expected in the log", "step / what the log said", "closed by", "next attempt",
          "result"]


@pytest.fixture(scope="module")
def exe(pki: Path) -> Path:
    return build_image(pki, image_port(), iterations=ITERATIONS)


def first_failure(log: str) -> str:
    m = re.search(r"iteration \d+ failed: (.*)", log)
    return m.group(1).strip() if m else "(no failure logged)"


@pytest.mark.parametrize("name", [n for n in CASES if n != "good"])
def test_hostile_case(name: str, exe: Path, pki: Path, request: pytest.FixtureRequest) -> None:
    case = CASES[name]
    rows = outcome_table(request.config, TABLE, HEADER)
    problems: List[str] = []
    expected = (f"{case.step}: {case.error}" if case.step and case.error else case.error or
                "TLS connect retried with backoff")
    closed = next_attempt = "?"
    with HostileBroker(pki, name, port=image_port(), hold_s=HOLD_S) as hb:
        run = run_image(exe)
        try:
            conns = hb.wait_closed(1, timeout=HOLD_S + 5)
        except TimeoutError as e:
            conns = list(hb.connections)
            problems.append(str(e))
    log = run.log
    try:
        # 1. The expected error is logged, for the right step.
        if case.next_attempt == "iteration":
            assert case.error is not None
            if expected not in log:
                problems.append(f"'{expected}' not logged")
            if name == "publish_too_large":
                # Discarded, reported, and the session went on: every iteration succeeds.
                if run.rc != 0 or "iteration 1 failed" in log:
                    problems.append("an iteration failed although the packet was discarded")
            elif run.rc == 0:
                problems.append("exit status 0 although every iteration met the bad broker")
            if name == "puback_unknown_id" and LOG_STALE_PUBACK not in log:
                problems.append(f"'{LOG_STALE_PUBACK}' not logged")
        else:
            if not re.search(r"TLS connect to localhost:\d+ failed", log):
                problems.append("no 'TLS connect ... failed' line")
            jitter = check_jitter(retry_delays_ms(log),
                                  int(TIMINGS["DEMO_RETRY_BACKOFF_BASE_MS"]),
                                  int(TIMINGS["DEMO_RETRY_MAX_BACKOFF_DELAY_MS"]))
            if jitter:
                problems.append(jitter)
            if not re.search(r"TLS connect: .*retries exhausted", log):
                problems.append("no 'retries exhausted' failure")
        # 2. The client closed each connection, soon, and sent nothing it should not.
        who = sorted({c.closed_by or "open" for c in conns})
        closed = ",".join(who)
        for c in conns:
            if case.next_attempt == "backoff":
                continue  # the broker closes these itself, before the handshake
            if c.closed_by != "client":
                problems.append(f"connection {c.index} closed by {c.closed_by}, not the client")
            elif c.misbehaved_at is not None and c.closed_at is not None \
                    and c.closed_at - c.misbehaved_at > CLIENT_CLOSE_WITHIN_S:
                problems.append(f"connection {c.index} closed "
                                f"{c.closed_at - c.misbehaved_at:.1f} s after the misbehaviour")
            extra = [t for t in c.received_after_misbehaviour()
                     if t not in case.client_may_send_after]
            if extra:
                problems.append(f"connection {c.index}: client sent {extra} after the "
                                f"misbehaviour")
        if name == "data_after_refusal" and "after refusal" in log:
            problems.append("the client processed data sent after the CONNACK refusal")
        # 3. The next attempt follows the announced schedule.
        gaps = [b.accepted_at - a.closed_at for a, b in zip(conns, conns[1:])
                if a.closed_at is not None]
        pauses = logged_pauses_ms(log)
        sched = check_schedule(gaps, pauses)
        next_attempt = f"gaps {fmt_s(gaps)} for pauses {pauses} ms"
        if sched:
            problems.append(sched)
        if case.next_attempt == "iteration":
            if len(conns) != ITERATIONS:
                problems.append(f"{len(conns)} connections for {ITERATIONS} iterations")
            if f"next iteration in {ITERATION_PAUSE_MS} ms" not in log:
                problems.append("no 'next iteration in ... ms' line")
    finally:
        rows.append([name, expected, first_failure(log), closed, next_attempt,
                     "FAIL" if problems else "PASS"])
    assert not problems, "\n".join(problems) + "\n--- broker:\n" + hb.report() + \
        "\n--- image log:\n" + log[-6000:]


def test_good_hostile_broker_is_good_enough_for_the_demo(exe: Path, pki: Path,
                                                          request: pytest.FixtureRequest) -> None:
    """Baseline: in its well-behaved mode the hostile broker lets the demo succeed."""
    rows = outcome_table(request.config, TABLE, HEADER)
    with HostileBroker(pki, "good", port=image_port()) as hb:
        run = run_image(exe)
        conns = hb.wait_closed(ITERATIONS, timeout=10)
    ok = run.rc == 0 and all(f"iteration {i} succeeded" in run.log
                             for i in range(1, ITERATIONS + 1))
    rows.append(["good", "iterations succeed", "exit status %d" % run.rc,
                 ",".join(sorted({c.closed_by or "open" for c in conns})), "-",
                 "PASS" if ok else "FAIL"])
    assert ok, hb.report() + "\n" + run.log[-6000:]
    for c in conns:
        assert c.packet_types()[0] == "CONNECT" and c.packet_types()[-1] == "DISCONNECT", c
