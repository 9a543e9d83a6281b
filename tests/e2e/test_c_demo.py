"""End to end: the C demo task (demos/common/c_mqtt_demo), written against the coreMQTT v2.3 and
backoffAlgorithm C APIs that the Rust staticlib implements (cargo feature coremqtt), in the POSIX
image and in the Cortex-M3 image under QEMU, against a real mosquitto that requires client
certificates from the test CA. The images are built with the CMake option DEMO_TASK=c.

What reached the broker is checked from outside: an observer (mosquitto_sub with the test PKI)
counts the echoed messages, and the broker's log names the client by its certificate's CN.

Builds: one POSIX tree (persistent session, democonfigCLEAN_SESSION 0, so the resend path of a
resumed session runs; test_agent.py runs the agent demo from the same tree) and one Cortex-M3
tree with the defaults (clean session). Every build and every run has its own timeout.
"""

import re
import shutil
import subprocess
import sys

import pytest

from broker import Broker, Observer
from demo_image import (BUILD_ROOT, REPO, TIMINGS, assert_logged, build_image, check_jitter,
                        demo_flow_patterns, image_port, retry_delays_ms, run_image)
from faultproxy import Fault, FaultProxy
from mps2 import QEMU_TIMINGS, run_demo_with_broker

RUN_TIMEOUT = 120  # seconds, per image run
PUBLISHES = int(TIMINGS["DEMO_PUBLISH_COUNT"])
BACKOFF_BASE, BACKOFF_CAP = int(TIMINGS["DEMO_RETRY_BACKOFF_BASE_MS"]), \
    int(TIMINGS["DEMO_RETRY_MAX_BACKOFF_DELAY_MS"])

# The POSIX C image of this file and test_agent.py: the C task, a persistent session, and
# retries enough for a broker that comes up late.
C_POSIX = {"DEMO_TASK": "c", "DEMO_CLEAN_SESSION": "0", "DEMO_RETRY_MAX_ATTEMPTS": "8"}
AGENT_EXE = "mqtt_agent_posix"

C_BANNER = (r"C demo over the coreMQTT v2\.3\.1 C API \(core_mqtt\.h, backoff_algorithm\.h\): "
            r"client {cid}, broker localhost:{port}, clean session {clean}")


def c_posix_image(pki, iterations=2):
    """The POSIX image running the C demo (and, beside it, the agent demo)."""
    return build_image(pki, image_port(), iterations, also=(AGENT_EXE,), **C_POSIX)


def test_c_demo_runs_end_to_end_in_the_posix_image(pki, client_id):
    exe = c_posix_image(pki)
    port = image_port()
    topic = f"{client_id}/example/topic"
    with Broker(pki, port=port) as broker:
        with Observer(pki, broker.port, topic=topic) as observer:
            run = run_image(exe, timeout=RUN_TIMEOUT)
            assert run.rc == 0, run.log
            # 2 iterations x PUBLISHES echoes reached the broker's subscribers.
            observer.wait_for_count(r"Hello World!$", 2 * PUBLISHES, timeout=5)
        broker.wait_for_log(rf"New client connected .* as {re.escape(client_id)} "
                            rf".*u'{re.escape(client_id)}'", timeout=5)
    log = run.log
    # The same steps, in the same words, as the Rust demo task.
    assert_logged(log, demo_flow_patterns(port, topic) + [
        r"\[main\] FreeRTOS V11\.2\.0 POSIX simulator, .* C MQTT \(core_mqtt\.h\) demo",
        C_BANNER.format(cid=re.escape(client_id), port=port, clean="no"),
        rf"PUBLISH packet id \d+ to {re.escape(topic)}: Hello World!",
        r"demo finished: 2 of 2 iterations succeeded",
    ])
    # A persistent session: new the first time, resumed (and nothing left to resend) the next.
    assert re.findall(r"session present: (yes|no)", log) == ["no", "yes"], log
    assert "resending PUBLISH" not in log, log
    # Every PUBLISH got its own packet id from MQTT_GetPacketId, each acknowledged.
    ids = [int(i) for i in re.findall(r"PUBLISH packet id (\d+) to", log)]
    acks = [int(i) for i in re.findall(r"PUBACK for packet id (\d+)", log)]
    assert len(ids) == 2 * PUBLISHES and len(set(ids)) == len(ids) and 0 not in ids, log
    assert sorted(acks) == sorted(ids), log
    assert not re.search(r"\[(ERROR|WARN)\]", log), log


def test_c_demo_retries_tls_with_backoff_until_the_broker_is_up(pki):
    exe = c_posix_image(pki)
    # Up after 1 s: 8 full-jitter retries (ceilings 200, 400, 800, 1000... ms) wait 3.2 s on
    # average, so the retries outlast the outage.
    with Broker(pki, port=image_port(), start_delay=1.0) as broker:
        run = run_image(exe, timeout=RUN_TIMEOUT)
        assert run.rc == 0, run.log
        broker.wait_for_log(r"New client connected", timeout=5)
    log = run.log
    # backoffAlgorithm's full jitter with PKCS#11 random values: each retry within its ceiling.
    retries = retry_delays_ms(log)
    assert len(retries) >= 1, log
    assert [k for k, _ in retries] == list(range(1, len(retries) + 1)), log
    jitter = check_jitter(retries, BACKOFF_BASE, BACKOFF_CAP)
    assert jitter is None, jitter + "\n" + log
    assert re.search(r"TLS connect to localhost:\d+ failed: TLS_TRANSPORT_CONNECT_FAILURE; "
                     r"retry 1 of 8 in \d+ ms", log), log
    assert re.search(r"iteration 1 succeeded", log), log


def test_c_demo_resends_an_unacknowledged_publish_after_a_resumed_session(
        pki, client_id, broker_factory, observer_factory):
    """The first PUBACK is cut off with the connection: the next connection resumes the session
    (CONNACK session present) and the C demo sends the publish again with MQTT_PublishToResend's
    packet id and dup set."""
    exe = c_posix_image(pki)
    # TLS 1.2: the proxy finds MQTT packets by counting TLS records (faultproxy.py).
    mosq = broker_factory(tls="1.2")
    obs = observer_factory(mosq.port, topic=f"{client_id}/example/topic")
    with FaultProxy(mosq.port, port=image_port(), faults=[Fault("cut_before_puback", record=3)]) \
            as px:
        run = run_image(exe, timeout=RUN_TIMEOUT)
        px.wait_closed(1, timeout=10)
    log = run.log
    assert re.search(r"iteration 1 failed: PUBLISH: MQTT(Recv|Send)Failed", log), \
        log + "\n--- proxy:\n" + px.report()
    first_id = int(re.search(r"PUBLISH packet id (\d+) to", log).group(1))
    assert re.search(r"session present: yes", log), log
    assert re.search(rf"resending PUBLISH packet id {first_id}\b", log), log
    assert re.search(rf"PUBACK for packet id {first_id}\b", log), log
    assert re.search(r"iteration 2 succeeded", log), log
    assert run.rc != 0, log  # iteration 1 failed, and the demo says so
    # At least once: the cut-off publish plus iteration 2's reached the observer.
    obs.wait_for_count(r"Hello World!$", 1 + PUBLISHES, timeout=5)


def test_c_demo_runs_end_to_end_on_the_cortex_m3(pki, client_id):
    missing = [t for t in ("qemu-system-arm", "arm-none-eabi-gcc") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run tools/setup")
    elf = build_image(pki, image_port(), 2, kind="qemu", timings=QEMU_TIMINGS, DEMO_TASK="c")
    port = image_port()
    topic = f"{client_id}/example/topic"
    log = run_demo_with_broker(elf, "an385", pki, client_id, port,
                               2 * int(QEMU_TIMINGS["DEMO_PUBLISH_COUNT"]), RUN_TIMEOUT)
    assert_logged(log, demo_flow_patterns(port, topic) + [
        r"main: mps2-an385 \(Cortex-M3, 25 MHz\), FreeRTOS V11\.2\.0, heap 40960 bytes; "
        r"C MQTT \(core_mqtt\.h\) demo",
        C_BANNER.format(cid=re.escape(client_id), port=port, clean="yes"),
        r"DHCP lease 10\.0\.2\.15",
        rf"TLS established with localhost:{port}: TLSv1\.3, ",
        r"demo finished: 2 of 2 iterations succeeded",
        r"exit code 0",
    ])
    assert re.findall(r"session present: (yes|no)", log) == ["no", "no"], log
    # The only warning is the board's: it has no hardware RNG.
    warnings = re.findall(r"\[(?:ERROR|WARN|FATAL)\] (.*)", log)
    assert len(warnings) == 1 and "NO hardware RNG" in warnings[0], log
    # The figures the firmware reports: within its heap and the demo task's stack.
    heap = re.search(r"heap minimum ever free: (\d+) of (\d+) bytes", log)
    stack = re.search(r"demo task stack high-water mark: (\d+) of (\d+) bytes used", log)
    assert heap and int(heap.group(1)) > 0, log
    assert stack and int(stack.group(1)) < int(stack.group(2)), log
    # Its footprint, by component: the C demo has a row of its own.
    r = subprocess.run([sys.executable, str(REPO / "tools" / "size-firmware"),
                        str(elf.with_suffix(".map")), "--check"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    row = re.search(r"^C demo task over the coreMQTT C API \(DEMO_TASK=c\)\s+([\d,]+)", r.stdout,
                    re.M)
    assert row and int(row.group(1).replace(",", "")) > 0, r.stdout
    total = re.search(r"^total\s+([\d,]+)", r.stdout, re.M).group(1)
    print(f"\nC demo on mps2-an385: heap minimum ever free {heap.group(1)} of {heap.group(2)} "
          f"bytes; demo task stack {stack.group(1)} of {stack.group(2)} bytes used; flash "
          f"{total} B, of which the C demo {row.group(1)} B")


def test_demo_task_option_accepts_only_rust_or_c(tmp_path):
    r = subprocess.run(["cmake", "-S", str(REPO / "demos" / "posix"), "-B", str(tmp_path / "b"),
                        "-DDEMO_TASK=cpp"], capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    assert r.returncode != 0, r.stdout
    assert "DEMO_TASK must be rust or c, not 'cpp'" in r.stderr, r.stderr
