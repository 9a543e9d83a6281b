"""The POSIX image through the fault-injecting proxy to a real mosquitto: each network fault is
logged, the client recovers (TLS retry with backoff, or the next iteration), nothing hangs, and a
QoS 1 PUBLISH cut off from its PUBACK still reached the broker (an observer subscribed at QoS 1
receives it). A table of faults and outcomes is printed at the end of the run.

The proxy listens on the port compiled into the image (demo_image.image_port()); mosquitto on
its own free port. The first connection gets the fault, later ones pass untouched.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

from broker import Broker, Observer
from faultproxy import Fault, FaultProxy, demo_publish_record
from demo_image import (ITERATION_PAUSE_MS, TIMINGS, build_image, check_schedule, fmt_s,
                        image_port, outcome_table, retry_delays_ms, run_image)

ITERATIONS = 2
PUBLISHES = int(TIMINGS["DEMO_PUBLISH_COUNT"])
TABLE = "network faults: cases and outcomes (POSIX image via faultproxy to mosquitto)"
HEADER = ["case", "fault", "expected", "what the log said", "recovery", "result"]

# A cut connection, in the transport's words with its code (rust-component/src/demo/report.rs:
# "<step>: <words> (transport error <code>)").
RECV = r"[^\n]*\(transport error -\d+\)"
SEND = RECV

# name -> (fault on the first connection, expected failure regex or None, the image variant)
CASES: Dict[str, tuple] = {
    "cut_during_handshake": (Fault("cut_handshake"),
                             r"TLS connect to localhost:\d+ failed: .*; retry 1", None),
    "cut_inside_server_flight": (Fault("cut_handshake", server_records=2),
                                 r"TLS connect to localhost:\d+ failed: .*; retry 1", None),
    "cut_after_connack": (Fault("cut_after_connack"),
                          rf"iteration 1 failed: SUBSCRIBE: ({RECV}|{SEND})", None),
    "cut_after_publish": (Fault("cut_after_publish", record=demo_publish_record(1)),
                          rf"iteration 1 failed: PUBLISH: ({RECV}|{SEND})", None),
    "cut_before_puback": (Fault("cut_before_puback", record=3),
                          rf"iteration 1 failed: PUBLISH: ({RECV}|{SEND})", None),
    "blackhole_after_connack": (Fault("blackhole", after_record=1, hold_s=20.0),
                                r"iteration 1 failed: SUBSCRIBE: no SUBACK within 2000 ms", None),
    "blackhole_keepalive": (Fault("blackhole", after_record=2, hold_s=30.0),
                            r"iteration 1 failed: PUBLISH: keep-alive timeout: no PINGRESP",
                            "keepalive"),
    # Persistent session (clean session off): the PUBLISH cut off from its PUBACK is resent
    # with DUP after the reconnect (CONNACK session present) instead of being dropped.
    "persistent_cut_after_publish": (Fault("cut_after_publish", record=demo_publish_record(1)),
                                     rf"iteration 1 failed: PUBLISH: ({RECV}|{SEND})",
                                     "persistent"),
    "persistent_cut_before_puback": (Fault("cut_before_puback", record=3),
                                     rf"iteration 1 failed: PUBLISH: ({RECV}|{SEND})",
                                     "persistent"),
    "delay_300ms": (Fault("delay", delay_ms=300), None, None),
    "bytewise": (Fault("bytewise", direction="both", gap_ms=0), None, None),
    # The broker's bytes from the PUBACK/echo of the first PUBLISH on, one every 0.5 s (a
    # 30-byte TLS record takes 15 s): the wait for them is an overall deadline, so the client
    # gives up at it and reconnects instead of being held by the trickle.
    "drip_after_publish": (Fault("bytewise", direction="s2c", gap_ms=500, from_record=3),
                           r"iteration 1 failed: PUBLISH: no [^\n]* within 2000 ms", None),
}

VARIANTS = {
    None: {},
    # Keep-alive 1 s; a process loop longer than keep-alive + the 5 s PINGRESP timeout.
    "keepalive": {"DEMO_KEEP_ALIVE_SECONDS": "1", "DEMO_PROCESS_LOOP_TIMEOUT_MS": "10000"},
    "persistent": {"DEMO_CLEAN_SESSION": "0"},
}


@pytest.fixture(scope="module")
def images(pki: Path) -> Callable[[Optional[str]], Path]:
    def get(variant: Optional[str]) -> Path:
        return build_image(pki, image_port(), iterations=ITERATIONS, **VARIANTS[variant])
    return get


@pytest.mark.parametrize("name", list(CASES))
def test_network_fault(name: str, images: Callable[[Optional[str]], Path], pki: Path,
                       client_id: str, broker_factory: Callable[..., Broker],
                       observer_factory: Callable[..., Observer],
                       request: pytest.FixtureRequest) -> None:
    fault, expect, variant = CASES[name]
    exe = images(variant)
    rows = outcome_table(request.config, TABLE, HEADER)
    problems: List[str] = []
    # TLS 1.2: the proxy finds MQTT packets by counting TLS records (faultproxy.py).
    mosq = broker_factory(tls="1.2")
    obs = observer_factory(mosq.port, topic=f"{client_id}/example/topic")
    with FaultProxy(mosq.port, port=image_port(), faults=[fault]) as px:
        run = run_image(exe)
        try:
            conns = px.wait_closed(1, timeout=10)
        except TimeoutError as e:
            conns = list(px.connections)
            problems.append(str(e))
    log = run.log
    said = "all iterations succeeded"
    recovery = ""
    try:
        m = re.search(r"iteration \d+ failed: .*|TLS connect to .* failed: .*", log)
        if m:
            said = m.group(0)
        # The fault is reported as expected (or, for a slow link, not at all).
        if expect is None:
            if run.rc != 0 or "failed" in log:
                problems.append("a slowed-down link must not fail an iteration")
        elif not re.search(expect, log):
            problems.append(f"/{expect}/ not in the log")
        # Recovery: the last iteration succeeds on a clean connection.
        if f"iteration {ITERATIONS} succeeded" not in log:
            problems.append(f"iteration {ITERATIONS} did not succeed")
        # The faulty connection ended because of the fault, and the client closed a black
        # hole itself, long before the proxy would have.
        first = conns[0] if conns else None
        if first is None:
            problems.append("no connection reached the proxy")
        elif fault.kind == "delay":
            # A TLS 1.2 handshake is two round trips: 4 delayed flights (at least 1 RTT even if
            # the POSIX port's tick lags), against ~60 ticks without the delay.
            ticks = re.search(r"handshake (\d+) ticks", log)
            if not ticks or int(ticks.group(1)) < 2 * int(fault.get("delay_ms", 200)):
                problems.append("the first handshake was not slowed down: "
                                + (ticks.group(0) if ticks else "no handshake time logged"))
        elif fault.kind == "bytewise" and fault.get("from_record", 0):
            # The drip began, and the client closed at its deadline, long before the trickle
            # of one record (15 s) could have completed.
            if first.action_at is None or first.closed_at is None:
                problems.append("the drip never began: " + px.report())
            else:
                held = first.closed_at - first.action_at
                if held > 2.0 + 3.0:
                    problems.append(f"the client was held {held:.1f} s by the drip")
                recovery = f"client closed {held:.1f} s into the drip; "
        elif fault.kind == "bytewise":
            # One write per byte (the last record may be cut short by the close).
            for d in ("c2s", "s2c"):
                if first.bytes[d] < 500 or first.writes[d] < first.bytes[d] - 64:
                    problems.append(f"{d}: {first.writes[d]} writes for {first.bytes[d]} bytes, "
                                    "not one write per byte")
        elif fault.kind != "none" and first.action is None:
            problems.append("the fault never triggered: " + px.report())
        if fault.kind == "blackhole" and first is not None and first.action_at is not None \
                and first.closed_at is not None:
            held = first.closed_at - first.action_at
            if held > float(fault.get("hold_s", 10)) - 1.0:
                problems.append(f"the client waited out the black hole ({held:.1f} s)")
            recovery = f"client closed {held:.1f} s into the black hole; "
        # The next connection follows the announced pause (retry delay or iteration pause).
        if expect is not None and len(conns) < 2:
            problems.append(f"{len(conns)} connection(s): no reconnect after the fault")
        elif expect is not None:
            gap = conns[1].accepted_at - (conns[0].closed_at or conns[0].accepted_at)
            retries = retry_delays_ms(log)
            pause = retries[0][1] if fault.kind == "cut_handshake" and retries \
                else ITERATION_PAUSE_MS
            bad = check_schedule([gap], [pause])
            if bad:
                problems.append(bad)
            recovery += f"next connection after {fmt_s([gap])} (pause {pause} ms)"
        # QoS 1: every PUBLISH of the faulty iteration that left the client reached the broker.
        n_ok = sum(1 for i in range(1, ITERATIONS + 1) if f"iteration {i} succeeded" in log)
        cut = name.endswith(("cut_after_publish", "cut_before_puback"))
        want = n_ok * PUBLISHES + (1 if cut else 0)
        if variant == "persistent":
            # The session survived the cut, and the unacknowledged PUBLISH went out again.
            if "session present: yes" not in log:
                problems.append("the reconnect did not resume the session")
            if not re.search(r"resending PUBLISH packet id \d+", log):
                problems.append("the unacknowledged PUBLISH was not resent with DUP")
        try:
            obs.wait_for_count(r"Hello World!$", want, timeout=5)
        except TimeoutError as e:
            problems.append(f"the observer missed messages: {e}")
    finally:
        rows.append([name, str(fault), expect or "no failure", said[:70], recovery or "-",
                     "FAIL" if problems else "PASS"])
    assert not problems, "\n".join(problems) + "\n--- proxy:\n" + px.report() + \
        "\n--- image log:\n" + log[-6000:]
