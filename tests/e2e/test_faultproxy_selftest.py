"""Self-test of faultproxy.py between mosquitto_pub / a tiny TLS 1.2 MQTT client and a real
mosquitto (mutual TLS, test PKI). No firmware image involved."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import time
from pathlib import Path
from typing import Callable, List

import pytest

from broker import Broker, Observer, publish
from faultproxy import Fault, FaultProxy, RandomSchedule, demo_publish_record
from hostile_broker import MqttTlsClient

TOPIC = "proxytest/topic"
Pub = Callable[..., subprocess.CompletedProcess]

# mosquitto_pub's --tls-version sets only a minimum; an OpenSSL config caps it at TLS 1.2, the
# device's version, so that application records map 1:1 to MQTT packets (see faultproxy.py).
TLS12_OPENSSL_CONF = """openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
"""


@pytest.fixture(scope="module")
def pub(pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Pub:
    """pub(port, message, timeout=15): mosquitto_pub at QoS 1 over TLS 1.2 (like the device)
    with client.crt, through `port`."""
    conf = tmp_path_factory.mktemp("openssl") / "tls12.cnf"
    conf.write_text(TLS12_OPENSSL_CONF)
    env = dict(os.environ, OPENSSL_CONF=str(conf))

    def pub(port: int, message: str, timeout: float = 15.0) -> subprocess.CompletedProcess:
        return publish(pki, port, TOPIC, message, client_id="proxy-selftest-pub",
                       timeout=timeout, env=env)
    return pub


@pytest.fixture
def mosq(broker_factory: Callable[..., Broker]) -> Broker:
    return broker_factory()


@pytest.fixture
def observer(pki: Path, mosq: Broker, observer_factory: Callable[..., Observer]) -> Observer:
    return observer_factory(mosq.port, topic=TOPIC)


def test_pass_through_counts_one_record_per_mqtt_packet(pub: Pub, mosq: Broker,
                                                        observer: Observer) -> None:
    with FaultProxy(mosq.port) as px:
        r = pub(px.port, "through the proxy")
        assert r.returncode == 0, r.stderr
        observer.wait_for_message(r"through the proxy$", timeout=5)
        [c] = px.wait_closed(1, timeout=10)
        # mosquitto_pub: CONNECT, PUBLISH, DISCONNECT; mosquitto: CONNACK, PUBACK.
        assert c.app_records == {"c2s": 3, "s2c": 2}, px.report()
        assert c.action is None and c.error is None


def test_cut_during_handshake(pub: Pub, mosq: Broker) -> None:
    with FaultProxy(mosq.port, faults=Fault("cut_handshake")) as px:
        t0 = time.monotonic()
        r = pub(px.port, "never")
        assert r.returncode != 0
        assert time.monotonic() - t0 < 10
        [c] = px.wait_closed(1, timeout=10)
        assert c.action == "cut before s2c TLS record 1 (handshake)"
        assert c.app_records == {"c2s": 0, "s2c": 0}
    time.sleep(0.2)
    assert "New client connected" not in mosq.log_text()


def test_cut_inside_the_server_flight(pub: Pub, mosq: Broker) -> None:
    with FaultProxy(mosq.port, faults=Fault("cut_handshake", server_records=2)) as px:
        assert pub(px.port, "never").returncode != 0
        [c] = px.wait_closed(1, timeout=10)
        assert c.action == "cut before s2c TLS record 2 (handshake)"
        assert c.records["s2c"] >= 1


def test_cut_after_connack(pki: Path, mosq: Broker) -> None:
    with FaultProxy(mosq.port, faults=Fault("cut_after_connack")) as px:
        cl = MqttTlsClient(pki, px.port, tls12=True)
        try:
            cl.connect()
            assert cl.recv_packet() == (0x20, b"\x00\x00")
            assert cl.is_closed_by_server(timeout=5)
        finally:
            cl.close()
        [c] = px.wait_closed(1, timeout=10)
        assert c.action == "cut after s2c app record 1 (CONNACK)"
    mosq.wait_for_log(r"New client connected .* as selftest-client", timeout=5)


def test_cut_right_after_a_publish_leaves(pub: Pub, mosq: Broker, observer: Observer) -> None:
    # mosquitto_pub's PUBLISH is its 2nd application record (after CONNECT).
    with FaultProxy(mosq.port, faults=Fault("cut_after_publish", record=2)) as px:
        r = pub(px.port, "left before the cut")
        [c] = px.wait_closed(1, timeout=10)
        assert c.action == "cut after c2s app record 2", px.report()
        assert c.app_records["s2c"] == 1  # only the CONNACK reached the client
    # The broker got the PUBLISH: the observer has it; the publisher, never acknowledged,
    # fails.
    observer.wait_for_message(r"left before the cut$", timeout=5)
    assert r.returncode != 0, r.stdout + r.stderr


def test_cut_right_before_the_puback_arrives(pub: Pub, mosq: Broker,
                                             observer: Observer) -> None:
    # mosquitto's answers: 1 CONNACK, 2 PUBACK.
    with FaultProxy(mosq.port, faults=Fault("cut_before_puback", record=2)) as px:
        r = pub(px.port, "acked but not told")
        [c] = px.wait_closed(1, timeout=10)
        assert c.action == "cut before s2c app record 2", px.report()
    observer.wait_for_message(r"acked but not told$", timeout=5)
    assert r.returncode != 0


def test_blackhole_keeps_sockets_open_then_closes(pki: Path, mosq: Broker) -> None:
    with FaultProxy(mosq.port, faults=Fault("blackhole", after_record=1, hold_s=1.5)) as px:
        cl = MqttTlsClient(pki, px.port, tls12=True)
        try:
            cl.connect()
            assert cl.recv_packet() == (0x20, b"\x00\x00")
            t0 = time.monotonic()
            cl.send(b"\xc0\x00")  # PINGREQ: swallowed
            assert not cl.is_closed_by_server(timeout=0.8)  # open, silent
            assert cl.is_closed_by_server(timeout=5)  # then closed when the hold ends
            held = time.monotonic() - t0
            assert 1.2 < held < 3.0, held
        finally:
            cl.close()
        [c] = px.wait_closed(1, timeout=10)
        assert c.action.startswith("black hole after s2c app record 1")


def test_blackhole_from_the_start_after_a_time(pub: Pub, mosq: Broker) -> None:
    with FaultProxy(mosq.port, faults=Fault("blackhole", after_record=0, after_s=0.0,
                                            hold_s=1.0)) as px:
        t0 = time.monotonic()
        r = pub(px.port, "never", timeout=20)
        assert r.returncode != 0
        assert time.monotonic() - t0 < 10
        [c] = px.wait_closed(1, timeout=10)
        assert c.action.startswith("black hole after_s")


def test_delay_adds_latency_both_ways(pki: Path, mosq: Broker) -> None:
    def rtt(port: int) -> float:
        cl = MqttTlsClient(pki, port, tls12=True)
        try:
            cl.connect()
            assert cl.recv_packet(timeout=10) == (0x20, b"\x00\x00")
            t0 = time.monotonic()
            cl.send(b"\xc0\x00")
            assert cl.recv_packet(timeout=10) == (0xD0, b"")
            return time.monotonic() - t0
        finally:
            cl.close()

    with FaultProxy(mosq.port, faults=Fault("delay", delay_ms=300)) as px:
        slow = rtt(px.port)
    assert 0.55 < slow < 2.0, slow


def test_bytewise_delivery_still_works(pub: Pub, mosq: Broker, observer: Observer) -> None:
    with FaultProxy(mosq.port, faults=Fault("bytewise", gap_ms=0)) as px:
        r = pub(px.port, "one byte at a time", timeout=30)
        assert r.returncode == 0, r.stderr
        [c] = px.wait_closed(1, timeout=10)
        assert c.bytes["s2c"] > 500
        assert c.writes["s2c"] >= c.bytes["s2c"] - 64  # one write per byte (to the close)
        assert c.writes["c2s"] < c.bytes["c2s"]
    observer.wait_for_message(r"one byte at a time$", timeout=5)


def test_bytewise_reads_arrive_in_single_bytes(pki: Path, mosq: Broker) -> None:
    """With a gap, the reader really sees 1-byte reads (not coalesced segments)."""
    with FaultProxy(mosq.port, faults=Fault("bytewise", gap_ms=2)) as px:
        s = socket.create_connection(("127.0.0.1", px.port), timeout=5)
        try:
            # A real TLS 1.2 ClientHello (made by ssl in memory), so that mosquitto answers
            # with its first flight (garbage would get an alert or a close).
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_verify_locations(str(pki / "ca.crt"))
            inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
            obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
            with pytest.raises(ssl.SSLWantReadError):
                obj.do_handshake()
            s.sendall(out.read())
            sizes: List[int] = []
            end = time.monotonic() + 3
            while time.monotonic() < end and len(sizes) < 50:
                data = s.recv(4096)
                if not data:
                    break
                sizes.append(len(data))
            # The proxy writes one byte per send; a busy reader may still find two or three
            # queued (scheduling), but never a coalesced record: most reads are 1 byte and
            # none comes near the server's first flight (hundreds of bytes).
            ones = sizes.count(1)
            assert len(sizes) >= 50, sizes[:60]
            assert ones >= 0.8 * len(sizes) and max(sizes) <= 8, sizes[:60]
        finally:
            s.close()


def test_seeded_schedule_is_reproducible() -> None:
    a = [str(RandomSchedule(seed=7, rate=0.5)(i)) for i in range(1, 200)]
    b = [str(RandomSchedule(seed=7, rate=0.5)(i)) for i in range(1, 200)]
    c = [str(RandomSchedule(seed=8, rate=0.5)(i)) for i in range(1, 200)]
    assert a == b and a != c
    kinds = {f.split(":")[0] for f in a}
    assert {"none", "cut_after_publish", "blackhole", "delay"} <= kinds
    assert demo_publish_record(1) == 3 and demo_publish_record(2) == 5


def test_fault_list_applies_per_connection(pub: Pub, mosq: Broker,
                                           observer: Observer) -> None:
    with FaultProxy(mosq.port, faults=[Fault("cut_handshake"), Fault("none")]) as px:
        assert pub(px.port, "first").returncode != 0
        assert pub(px.port, "second").returncode == 0
        conns = px.wait_closed(2, timeout=10)
        assert [str(c.fault) for c in conns] == ["cut_handshake", "none"]
    observer.wait_for_message(r"second$", timeout=5)


def test_only_loopback_upstreams() -> None:
    with pytest.raises(ValueError):
        FaultProxy(8883, upstream_host="10.0.2.2")
