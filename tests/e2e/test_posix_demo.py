"""End to end: the FreeRTOS POSIX image running the Rust demo task against a
real mosquitto that requires client certificates from the test CA.

Images are built once per credentials variant, all for one loopback port
chosen at session start; each test starts its own broker on that port (with
the server certificate the case needs) and stops it by PID.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from broker import Broker, Observer, free_port

REPO = Path(__file__).resolve().parents[2]
BUILD_ROOT = REPO / "build" / "e2e-posix"
RUN_TIMEOUT = 120  # seconds; each image run has its own bound

# Short timings so a run takes seconds; the logic is the reference demo's.
FAST = {
    "DEMO_PUBLISH_COUNT": "2",
    "DEMO_DELAY_BETWEEN_PUBLISHES_MS": "100",
    "DEMO_DELAY_BETWEEN_DEMO_ITERATIONS_MS": "300",
    "DEMO_RETRY_BACKOFF_BASE_MS": "500",
    "DEMO_RETRY_MAX_BACKOFF_DELAY_MS": "2000",
    "DEMO_RETRY_MAX_ATTEMPTS": "3",
}


@pytest.fixture(scope="session")
def demo_port():
    return free_port()


@pytest.fixture(scope="session")
def image(pki, demo_port):
    """image(variant, iterations) -> path of a built image (cached)."""
    built = {}

    def build(header="demo_credentials.h", iterations=2, **extra):
        key = (header, iterations, tuple(sorted(extra.items())))
        if key in built:
            return built[key]
        name = f"{Path(header).stem}-{iterations}-{len(built)}"
        bdir = BUILD_ROOT / name
        defs = dict(FAST)
        defs.update(extra)
        defs.update({
            "DEMO_USE_RUST_TASK": "ON",
            "DEMO_MQTT_BROKER_ENDPOINT": "localhost",
            "DEMO_MQTT_BROKER_PORT": str(demo_port),
            "DEMO_ALLOW_ANY_BROKER_PORT": "1",
            "DEMO_CREDENTIALS_DIR": str(pki),
            "DEMO_CREDENTIALS_HEADER": header,
            "DEMO_ITERATIONS": str(iterations),
            "RUST_COMPONENT_TARGET_DIR": str(BUILD_ROOT / "cargo"),
        })
        cmd = ["cmake", "-S", str(REPO / "demos" / "posix"), "-B", str(bdir)]
        cmd += [f"-D{k}={v}" for k, v in defs.items()]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
        r = subprocess.run(["cmake", "--build", str(bdir), "-j", str(os.cpu_count() or 2)],
                           capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
        exe = bdir / "mqtt_demo_posix"
        built[key] = exe
        return exe

    return build


def run(exe, timeout=RUN_TIMEOUT):
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr


def retry_delays(log):
    """Jittered delays the demo logged before each retry, in order."""
    return [int(m) for m in re.findall(r"retry \d+(?: of \d+)? in (\d+) ms", log)]


def test_demo_succeeds_and_the_broker_sees_the_certificate_identity(image, pki, client_id, demo_port):
    exe = image()
    with Broker(pki, port=demo_port) as broker:
        topic = f"{client_id}/example/topic"
        with Observer(pki, broker.port, topic=topic) as observer:
            rc, log = run(exe)
            assert rc == 0, log
            # Every step a user follows is in the log.
            for pattern in [
                rf"connecting to localhost:{demo_port}",
                r"TLS session established with localhost:\d+, cipher suite TLS-ECDHE-ECDSA",
                r"CONNACK: connection accepted",
                r"(?i)subscribed.*QoS 1",
                r"PUBACK for packet id \d+",
                rf"(?i)incoming publish.*{re.escape(topic)}.*Hello World!",
                r"(?i)unsubscribed",
                r"(?i)disconnecting",
                r"iteration 1 succeeded",
                r"iteration 2 succeeded",
            ]:
                assert re.search(pattern, log), f"missing /{pattern}/ in:\n{log}"
            observer.wait_for_message(r"Hello World!", timeout=5)
            got = [m for m in observer.messages() if "Hello World!" in m]
            assert len(got) >= 2 * int(FAST["DEMO_PUBLISH_COUNT"]), got
        # The broker authenticated the client as its certificate's CN.
        broker.wait_for_log(rf"New client connected .* u'{re.escape(client_id)}'", timeout=5)


def assert_no_connect_reached(broker):
    time.sleep(0.2)
    assert "New client connected" not in broker.log_text(), broker.log_text()[-2000:]


def test_a_wrong_root_ca_fails_verification_and_gives_up(image, pki, demo_port):
    exe = image("demo_credentials_other_ca.h", iterations=1)
    with Broker(pki, port=demo_port) as broker:
        rc, log = run(exe)
        assert rc != 0, log
        assert re.search(r"server certificate not accepted", log), log
        assert re.search(r"(?i)not correctly signed|not trusted|trusted CA", log), log
        assert len(retry_delays(log)) == int(FAST["DEMO_RETRY_MAX_ATTEMPTS"]), log
        assert_no_connect_reached(broker)


def test_b_client_certificate_from_unknown_ca_is_refused(image, pki, demo_port):
    exe = image("demo_credentials_unknown_client.h", iterations=1)
    with Broker(pki, port=demo_port) as broker:
        rc, log = run(exe)
        assert rc != 0, log
        assert re.search(r"server sent fatal alert|dropped the connection", log), log
        assert_no_connect_reached(broker)


def test_c_hostname_mismatch_is_refused(image, pki, demo_port):
    exe = image(iterations=1)
    with Broker(pki, cert="server-wronghost", port=demo_port) as broker:
        rc, log = run(exe)
        assert rc != 0, log
        assert re.search(r"server certificate not accepted.*expected name: localhost", log), log
        assert_no_connect_reached(broker)


def test_d_expired_server_certificate_is_refused(image, pki, demo_port):
    exe = image(iterations=1)
    with Broker(pki, cert="server-expired", port=demo_port) as broker:
        rc, log = run(exe)
        assert rc != 0, log
        assert re.search(r"(?i)server certificate not accepted.*expired", log), log
        assert_no_connect_reached(broker)


def test_e_broker_up_late_backoff_then_success(image, pki, demo_port):
    exe = image(iterations=1, DEMO_RETRY_MAX_ATTEMPTS="8")
    with Broker(pki, port=demo_port, start_delay=3.0) as broker:
        rc, log = run(exe)
        assert rc == 0, log
        delays = retry_delays(log)
        assert len(delays) >= 1, log
        # Full jitter: each delay is within its doubling ceiling.
        base, cap = int(FAST["DEMO_RETRY_BACKOFF_BASE_MS"]), int(FAST["DEMO_RETRY_MAX_BACKOFF_DELAY_MS"])
        ceiling = base
        for d in delays:
            assert 0 <= d <= ceiling, (delays, log)
            ceiling = min(ceiling * 2, cap)
        assert re.search(r"iteration 1 succeeded", log), log
        broker.wait_for_log(r"New client connected", timeout=5)
