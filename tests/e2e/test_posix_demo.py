"""End to end: the FreeRTOS POSIX image running the Rust demo task against a
real mosquitto that requires client certificates from the test CA.

Images come from demo_image.build_image (shared with the hostile-network
tests: the default image is built once for all of them), all for one loopback
port; each test starts its own broker on that port (with the server
certificate the case needs) and stops it by PID.
"""

import os
import re
import subprocess
import time

import pytest

from broker import Broker, Observer
from demo_image import (BUILD_ROOT, REPO, TIMINGS, assert_logged, build_image, check_jitter,
                        demo_flow_patterns, image_port, retry_delays_ms, run_image)

PUBLISHES = int(TIMINGS["DEMO_PUBLISH_COUNT"])
ATTEMPTS = int(TIMINGS["DEMO_RETRY_MAX_ATTEMPTS"])


def image(pki, header=None, iterations=2, **overrides):
    if header is not None:
        overrides["DEMO_CREDENTIALS_HEADER"] = header
    return build_image(pki, image_port(), iterations, **overrides)


def test_demo_succeeds_and_the_broker_sees_the_certificate_identity(pki, client_id):
    exe = image(pki)
    port = image_port()
    with Broker(pki, port=port) as broker:
        topic = f"{client_id}/example/topic"
        with Observer(pki, broker.port, topic=topic) as observer:
            run = run_image(exe)
            assert run.rc == 0, run.log
            # Every step a user follows is in the log.
            assert_logged(run.log, demo_flow_patterns(port, topic))
            # 2 iterations x PUBLISHES reached the broker.
            observer.wait_for_count(r"Hello World!$", 2 * PUBLISHES, timeout=5)
        # The broker authenticated the client as its certificate's CN.
        broker.wait_for_log(rf"New client connected .* as {re.escape(client_id)} "
                            rf".*u'{re.escape(client_id)}'", timeout=5)


# name -> (credentials header, broker certificate, iterations, the failure in the log)
REFUSALS = {
    "wrong_root_ca": ("demo_credentials_other_ca.h", "server", 1,
                      r"server certificate not accepted.*(not correctly signed|not trusted|"
                      r"trusted CA)"),
    "client_certificate_from_unknown_ca": ("demo_credentials_unknown_client.h", "server", 1,
                                           r"server sent fatal alert|dropped the connection"),
    "hostname_mismatch": (None, "server-wronghost", 2,
                          r"server certificate not accepted.*expected name: localhost"),
    "expired_server_certificate": (None, "server-expired", 2,
                                   r"(?i)server certificate not accepted.*expired"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_a_tls_refusal_is_retried_with_backoff_then_given_up(pki, name):
    header, cert, iterations, failure = REFUSALS[name]
    exe = image(pki, header, iterations)
    # A refused client certificate fails the handshake only with TLS 1.2; with TLS 1.3 the
    # server's refusal arrives after the client's handshake (test_tls_versions.py covers it).
    tls = "1.2" if name == "client_certificate_from_unknown_ca" else None
    with Broker(pki, cert=cert, port=image_port(), tls=tls) as broker:
        run = run_image(exe)
        log = run.log
        assert run.rc != 0, log
        assert re.search(failure, log), log
        # Every iteration: the first attempt and ATTEMPTS retries failed, with full jitter.
        retries = retry_delays_ms(log)
        assert [k for k, _ in retries] == list(range(1, ATTEMPTS + 1)) * iterations, log
        jitter = check_jitter(retries, int(TIMINGS["DEMO_RETRY_BACKOFF_BASE_MS"]),
                              int(TIMINGS["DEMO_RETRY_MAX_BACKOFF_DELAY_MS"]))
        assert jitter is None, jitter + "\n" + log
        assert len(re.findall(r"failed: TLS connect: .*retries exhausted", log)) == iterations, log
        # The broker never saw an MQTT client.
        time.sleep(0.2)
        assert "New client connected" not in broker.log_text(), broker.log_text()[-2000:]


def test_broker_up_late_backoff_then_success(pki):
    base, cap = 500, 2000
    exe = image(pki, iterations=1, DEMO_RETRY_BACKOFF_BASE_MS=str(base),
                DEMO_RETRY_MAX_BACKOFF_DELAY_MS=str(cap), DEMO_RETRY_MAX_ATTEMPTS="8")
    with Broker(pki, port=image_port(), start_delay=3.0) as broker:
        run = run_image(exe)
        assert run.rc == 0, run.log
        retries = retry_delays_ms(run.log)
        assert len(retries) >= 1, run.log
        jitter = check_jitter(retries, base, cap)
        assert jitter is None, jitter + "\n" + run.log
        assert re.search(r"iteration 1 succeeded", run.log), run.log
        broker.wait_for_log(r"New client connected", timeout=5)


def test_tools_demo_runs_the_demo_and_returns_its_status():
    """The README's first command: PKI, broker, build, 2 iterations, broker stopped, status."""
    env = dict(os.environ, DEMO_PUBLISH_DELAY_MS="100", DEMO_ITERATION_DELAY_MS="300",
               DEMO_BUILD_DIR=str(BUILD_ROOT / "demo-posix-tool"),
               DEMO_RUST_TARGET_DIR=str(BUILD_ROOT / "cargo"))
    r = subprocess.run([str(REPO / "tools" / "demo")], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=1200, env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert_logged(out, [r"demo finished: 2 of 2 iterations succeeded", r"demo: exit status 0",
                        r"stopped mosquitto PID \d+"])
