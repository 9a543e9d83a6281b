"""Self-test of hostile_broker.py: each case's bytes on the wire, seen by a tiny MQTT client over
mutual TLS (Python ssl, client.crt). No firmware image involved."""

from __future__ import annotations

import ssl
import time
from pathlib import Path
from typing import Tuple

import pytest

from hostile_broker import (BIG_PAYLOAD_LEN, CASES, HostileBroker, ack, mqtt_str, packet,
                            parse_packet, u16)
from hostile_broker import MqttTlsClient as MiniClient
from hostile_broker import SELFTEST_CLIENT_ID as CLIENT_ID
from hostile_broker import SELFTEST_TOPIC as TOPIC


def start(pki: Path, case: str, **kw: object) -> HostileBroker:
    kw.setdefault("hold_s", 2.0)
    return HostileBroker(pki, case, **kw).start()  # type: ignore[arg-type]


def wait_closed(hb: HostileBroker, n: int = 1) -> None:
    hb.wait_closed(n, timeout=10)


def test_good_broker_answers_like_mosquitto(pki: Path, client_id: str) -> None:
    with start(pki, "good") as hb:
        c = MiniClient(pki, hb.port)
        c.connect()
        assert c.recv_packet() == (0x20, b"\x00\x00")
        c.subscribe(pid=7)
        assert c.recv_packet() == (0x90, b"\x00\x07\x01")
        c.publish(pid=8)
        got = [c.recv_packet(), c.recv_packet()]
        assert got[0] == (0x40, b"\x00\x08")
        first, body = got[1]
        assert first == 0x32  # echo at QoS 1
        assert body[:2 + len(TOPIC)] == mqtt_str(TOPIC) and body.endswith(b"Hello World!")
        echo_id = int.from_bytes(body[2 + len(TOPIC):4 + len(TOPIC)], "big")
        assert echo_id != 0
        c.send(ack(4, echo_id))
        c.send(packet(0xA2, u16(9) + mqtt_str(TOPIC)))
        assert c.recv_packet() == (0xB0, b"\x00\x09")
        c.send(b"\xc0\x00")
        assert c.recv_packet() == (0xD0, b"")
        c.send(b"\xe0\x00")
        c.close()
        wait_closed(hb)
        conn = hb.connections[0]
        assert conn.packet_types() == ["CONNECT", "SUBSCRIBE", "PUBLISH", "PUBACK",
                                       "UNSUBSCRIBE", "PINGREQ", "DISCONNECT"]
        assert conn.connect["client_id"] == CLIENT_ID and conn.connect["clean_session"] is True
        assert conn.peer_cn == client_id  # client.crt's CN
        assert conn.closed_by == "client"
        assert conn.accepted_at <= conn.tls_at <= conn.closed_at


def test_client_certificate_is_required(pki: Path) -> None:
    with start(pki, "good") as hb:
        with pytest.raises((ssl.SSLError, OSError, EOFError)):
            c = MiniClient(pki, hb.port, cert=None)
            # TLS 1.3 reports the missing certificate only on the first read.
            c.connect()
            c.recv_packet()
        hb.wait_closed(1, timeout=10)
        assert hb.connections[0].tls_at is None
        assert hb.connections[0].closed_by == "handshake failed"


def expect_after_connect(pki: Path, case: str, n: int) -> Tuple[bytes, HostileBroker, MiniClient]:
    hb = start(pki, case)
    c = MiniClient(pki, hb.port)
    c.connect()
    return c.recv_bytes(n), hb, c


@pytest.mark.parametrize("case,expected", [
    ("remaining_length_5_bytes", b"\x20\xff\xff\xff\xff\x7f"),
    *[(f"connack_refused_{k}", bytes([0x20, 2, 0, k])) for k in range(1, 6)],
    ("connack_reserved_bits", b"\x20\x02\x02\x00"),
])
def test_connect_cases_send_the_scripted_bytes(pki: Path, case: str, expected: bytes) -> None:
    got, hb, c = expect_after_connect(pki, case, len(expected))
    try:
        assert got == expected
        assert c.recv_bytes(1, timeout=0.3) == b""  # nothing more
        c.close()
        wait_closed(hb)
        conn = hb.connections[0]
        assert conn.closed_by == "client"
        assert conn.misbehaved_at is not None and conn.packet_types() == ["CONNECT"]
    finally:
        hb.stop()


def test_truncated_then_silence_keeps_the_socket_open(pki: Path) -> None:
    got, hb, c = expect_after_connect(pki, "truncated_then_silence", 3)
    try:
        assert got == b"\x20\x02\x00"
        assert not c.is_closed_by_server(timeout=0.5)  # silence, not a close
        c.close()
        wait_closed(hb)
        assert hb.connections[0].closed_by == "client"
    finally:
        hb.stop()


def test_silence_is_bounded_by_hold(pki: Path) -> None:
    with start(pki, "truncated_then_silence", hold_s=0.5) as hb:
        c = MiniClient(pki, hb.port)
        c.connect()
        assert c.recv_bytes(3) == b"\x20\x02\x00"
        assert c.is_closed_by_server(timeout=5)
        wait_closed(hb)
        assert hb.connections[0].closed_by == "server (hold expired)"


def test_data_after_refusal(pki: Path) -> None:
    n = 4 + len(packet(0x30, mqtt_str(TOPIC) + b"after refusal")) + 8
    got, hb, c = expect_after_connect(pki, "data_after_refusal", n)
    try:
        assert got.startswith(b"\x20\x02\x00\x05")
        rest = got[4:]
        first, body, used = parse_packet(rest)
        assert first == 0x30 and body.startswith(mqtt_str(TOPIC))
        assert rest[used:] == b"\xd0\x00" * 4
    finally:
        c.close()
        hb.stop()


def test_pingresp_flood(pki: Path) -> None:
    with start(pki, "pingresp_flood", flood_count=3000) as hb:
        c = MiniClient(pki, hb.port)
        c.connect()
        got = c.recv_bytes(4 + 2 * 3000, timeout=10)
        assert got == b"\x20\x02\x00\x00" + b"\xd0\x00" * 3000
        c.close()
        wait_closed(hb)


@pytest.mark.parametrize("case,expected", [
    ("suback_invalid_status", b"\x90\x03\x00\x01\x03"),
    ("suback_wrong_count", b"\x90\x04\x00\x01\x01\x01"),
    ("server_sends_subscribe", packet(0x82, u16(1) + mqtt_str("a/b") + b"\x01")),
    ("server_sends_pingreq", b"\xc0\x00"),
])
def test_subscribe_cases(pki: Path, case: str, expected: bytes) -> None:
    with start(pki, case) as hb:
        c = MiniClient(pki, hb.port)
        c.connect()
        assert c.recv_packet() == (0x20, b"\x00\x00")
        c.subscribe(pid=1)
        assert c.recv_bytes(len(expected)) == expected
        assert c.recv_bytes(1, timeout=0.3) == b""
        c.close()
        wait_closed(hb)
        assert hb.connections[0].packet_types() == ["CONNECT", "SUBSCRIBE"]
        assert hb.connections[0].received_after_misbehaviour() == []


def publish_case(pki: Path, case: str, n: int) -> Tuple[bytes, HostileBroker, MiniClient]:
    hb = start(pki, case)
    c = MiniClient(pki, hb.port)
    c.connect()
    assert c.recv_packet() == (0x20, b"\x00\x00")
    c.subscribe(pid=1)
    assert c.recv_packet() == (0x90, b"\x00\x01\x01")
    c.publish(pid=2)
    return c.recv_bytes(n), hb, c


@pytest.mark.parametrize("case,expected", [
    ("puback_unknown_id", b"\x40\x02\x10\x02"),
    ("publish_qos3", packet(0x36, mqtt_str(TOPIC) + u16(7) + b"Hello World!")),
    ("publish_packet_id_0", packet(0x32, mqtt_str(TOPIC) + u16(0) + b"Hello World!")),
    ("pubrel_wrong_flags", b"\x60\x02\x00\x02"),
])
def test_publish_cases(pki: Path, case: str, expected: bytes) -> None:
    got, hb, c = publish_case(pki, case, len(expected))
    try:
        assert got == expected
        assert c.recv_bytes(1, timeout=0.3) == b""
    finally:
        c.close()
        hb.stop()


def test_publish_too_large_then_puback_and_echo(pki: Path) -> None:
    big = len(packet(0x30, mqtt_str(TOPIC) + b"x" * BIG_PAYLOAD_LEN))
    echo = len(packet(0x32, mqtt_str(TOPIC) + u16(1) + b"Hello World!"))
    got, hb, c = publish_case(pki, "publish_too_large", big + 4 + echo)
    try:
        first, body, used = parse_packet(got)
        assert first == 0x30 and len(body) == 2 + len(TOPIC) + BIG_PAYLOAD_LEN
        assert used > 1024
        rest = got[used:]
        assert rest.startswith(b"\x40\x02\x00\x02")
        first, body, _ = parse_packet(rest[4:])
        assert first == 0x32 and body.endswith(b"Hello World!")
        # The connection stays usable: it still answers.
        c.send(b"\xc0\x00")
        assert c.recv_packet() == (0xD0, b"")
        c.send(b"\xe0\x00")
        c.close()
        wait_closed(hb)
        assert hb.connections[0].received_after_misbehaviour() == ["PINGREQ", "DISCONNECT"]
    finally:
        hb.stop()


def test_handshake_close_and_connection_times(pki: Path) -> None:
    with start(pki, "handshake_close") as hb:
        for _ in range(3):
            with pytest.raises((ssl.SSLError, OSError)):
                MiniClient(pki, hb.port)
            time.sleep(0.2)
        conns = hb.wait_closed(3, timeout=10)
        gaps = [b.accepted_at - a.accepted_at for a, b in zip(conns, conns[1:])]
        assert all(0.15 < g < 2.0 for g in gaps), gaps
        assert all(c.tls_at is None for c in conns)


def test_fixed_port_can_be_rebound_at_once(pki: Path) -> None:
    with start(pki, "good") as hb:
        port = hb.port
        MiniClient(pki, port).close()
        hb.wait_closed(1, timeout=10)
    with start(pki, "good", port=port) as hb2:
        assert hb2.port == port
        c = MiniClient(pki, port)
        c.connect()
        assert c.recv_packet() == (0x20, b"\x00\x00")
        c.close()


def test_every_case_has_an_expectation() -> None:
    for case in CASES.values():
        if case.name in ("good", "handshake_close"):
            continue
        assert case.error and case.trigger, case
        # Every case fails a step, except the oversize PUBLISH: the engine
        # discards it, logs that, and the iteration goes on.
        assert case.step or case.name == "publish_too_large", case
