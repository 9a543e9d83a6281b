"""End to end: a retained message of 4.2 KB or 15 KB on the demo topic (one TLS record each,
larger than the 4 KB record buffer of the first images and than the demo's network buffer)
reaches the demo at every SUBSCRIBE, and the demo still succeeds: the record is received
whole (mbedTLS 3.6 input buffer sized for any legal record), the PUBLISH inside it is read,
discarded and reported as one log line, and the iteration goes on.

On the POSIX image and on the Cortex-M3 image under QEMU, each against a mutual-TLS mosquitto
on a free loopback port (stopped by PID). The retained message is set with mosquitto_pub and the
broker's log shows it going to the demo.
"""

import re
import subprocess
from pathlib import Path

import pytest

from broker import Broker, Observer
from demo_image import assert_logged, build_image, demo_flow_patterns, image_port, run_image
from mps2 import QEMU_TIMINGS, qemu_cmd

RUN_TIMEOUT = {"posix": 60, "qemu": 150}  # seconds, per demo run
NETWORK_BUFFER = 1024  # the images' democonfigNETWORK_BUFFER_SIZE


def retain(pki: Path, port: int, topic: str, size: int) -> None:
    """A retained QoS 1 message of `size` bytes on `topic`, set with mosquitto_pub."""
    payload = ("retained-" * (size // 9 + 1))[:size]
    r = subprocess.run(["mosquitto_pub", "--cafile", str(pki / "ca.crt"), "-h", "localhost",
                        "-p", str(port), "--cert", str(pki / "client.crt"),
                        "--key", str(pki / "client.key"), "-i", "retainer", "-t", topic,
                        "-q", "1", "-r", "-s"],
                       input=payload, capture_output=True, text=True, timeout=20)
    assert r.returncode == 0, r.stderr


def packet_size(topic: str, payload: int) -> int:
    """Bytes of a QoS 1 PUBLISH: fixed header, topic, packet id, payload."""
    remaining = 2 + len(topic.encode()) + 2 + payload
    length_bytes = 1 if remaining < 128 else 2 if remaining < 16384 else 3
    return 1 + length_bytes + remaining


@pytest.mark.parametrize("kind", ["posix", "qemu"])
@pytest.mark.parametrize("size", [4200, 15000])
def test_a_retained_message_larger_than_any_buffer_leaves_the_demo_working(
        pki, client_id, kind, size):
    port = image_port()
    timings = {"timings": QEMU_TIMINGS} if kind == "qemu" else {}
    image = build_image(pki, port, 2, kind=kind, **timings)
    topic = f"{client_id}/example/topic"
    with Broker(pki, port=port) as broker:
        retain(pki, broker.port, topic, size)
        with Observer(pki, broker.port, topic=topic) as observer:
            cmd = qemu_cmd(image) if kind == "qemu" else image
            run = run_image(cmd, timeout=RUN_TIMEOUT[kind])
            assert run.rc == 0, run.log
            # Every step succeeded, in both iterations.
            assert_logged(run.log, demo_flow_patterns(port, topic))
            observer.wait_for_message(r"Hello World!$", timeout=5)
        # The broker sent the retained message at each SUBSCRIBE...
        sent = re.findall(rf"Sending PUBLISH to {re.escape(client_id)} \(d0, q1, r1, m\d+, "
                          rf"'{re.escape(topic)}', \.\.\. \({size} bytes\)\)", broker.log_text())
        assert len(sent) == 2, broker.log_text()[-3000:]
    # ...and the demo read it whole, said what it did with it, and went on.
    total = packet_size(topic, size)
    discarded = re.findall(rf"discarded an incoming packet of {total} bytes: larger than the "
                           rf"network buffer \({NETWORK_BUFFER} bytes\)", run.log)
    assert len(discarded) == 2, run.log
    assert not re.search(r"(?i)bad input|record.*too (large|long)|-0x7100", run.log), run.log
