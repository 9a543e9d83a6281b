#!/usr/bin/env python3
"""A scripted, misbehaving MQTT 3.1.1 broker over mutual TLS, for the end-to-end tests.

It listens on 127.0.0.1 only, with the test PKI (server.crt/server.key, and client certificates
required: ``ssl.CERT_REQUIRED`` against ca.crt, like the mosquitto harness in broker.py). It reads
the client's CONNECT and then plays one *case*: a well-behaved broker (``good``) that answers like
mosquitto, or one scripted bad behaviour (see ``CASES``: what is sent, when, and what the engine is
expected to report, in the engine's own ``Error::as_str()`` words).

Library use (tests)::

    from hostile_broker import HostileBroker, CASES

    with HostileBroker(pki_dir, "suback_invalid_status") as hb:   # free loopback port: hb.port
        ...                                   # point the client at hb.port
        hb.wait_for_connections(2, timeout=20)
        for c in hb.connections:              # one Connection per TCP connection, in order
            print(c.index, c.accepted_at, c.closed_at, c.closed_by, c.packet_types())

``port=N`` binds a fixed port (SO_REUSEADDR), for images that have the port compiled in.

Every connection is bounded in time: after the scripted misbehaviour the broker keeps reading (to
record what the client does: DISCONNECT, close) for at most ``hold_s`` seconds, then closes; a
connection never lives longer than ``max_conn_s``. Times are ``time.monotonic()`` seconds.

Well-behaved phases (case ``good``, and the parts of a case before its misbehaviour): CONNACK 0
(session present 0), SUBACK granting min(requested, 1) per filter, PUBACK (QoS 1) / PUBREC (QoS 2)
and an echo of each publish to every matching subscription (at min(publish QoS, granted QoS), with
the broker's own packet ids), PUBCOMP for PUBREL, UNSUBACK, PINGRESP for PINGREQ; DISCONNECT ends
the connection (the broker then waits for the client's close).

CLI::

    python3 tests/e2e/hostile_broker.py --list
    python3 tests/e2e/hostile_broker.py --pki certs/generated --case pingresp_flood [--port N]
        [--duration 60]        # prints the port, serves, then prints what each connection did
"""

from __future__ import annotations

import argparse
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

from broker import DEFAULT_PKI_DIR, LOOPBACK, PathLike, serve_cli

PACKET_NAMES = {
    1: "CONNECT", 2: "CONNACK", 3: "PUBLISH", 4: "PUBACK", 5: "PUBREC", 6: "PUBREL",
    7: "PUBCOMP", 8: "SUBSCRIBE", 9: "SUBACK", 10: "UNSUBSCRIBE", 11: "UNSUBACK",
    12: "PINGREQ", 13: "PINGRESP", 14: "DISCONNECT", 15: "RESERVED15", 0: "RESERVED0",
}

# CONNACK return code names, as the engine's connack_code_str() spells them.
CONNACK_CODE_NAMES = {
    1: "unacceptable protocol version",
    2: "identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorized",
}

# The engine's Error / Malformed as_str() texts (rust-component/src/error.rs) and the demo's
# wording of the errors with a bound (rust-component/src/demo/report.rs).
ERR_NO_CONNACK = "no CONNACK within 1000 ms"  # democonfigCONNACK_RECV_TIMEOUT_MS in TIMINGS
ERR_NO_PUBACK = "no PUBACK within 2000 ms"  # democonfigPROCESS_LOOP_TIMEOUT_MS in TIMINGS
ERR_REFUSED = "server refused the connection"
# What the demo logs when the engine discarded a packet larger than its buffer and went on.
LOG_DISCARDED = "discarded an incoming packet of "
LOG_STALE_PUBACK = "ignored PUBACK for packet id "
MAL_REMAINING_LENGTH = "malformed: remaining length over 4 bytes"
MAL_RESERVED_BITS = "malformed: reserved bits set"
MAL_UNEXPECTED_TYPE = "malformed: packet type not allowed here"
MAL_QOS = "malformed: invalid QoS"
MAL_ZERO_ID = "malformed: packet id 0"
MAL_SUBACK_STATUS = "malformed: invalid SUBACK return code"
MAL_SUBACK_COUNT = "malformed: SUBACK return code count mismatch"
MAL_UNSOLICITED_PINGRESP = "PINGRESP without PINGREQ"

# The demo's step names (rust-component/src/demo.rs, Step::as_str()).
STEP_CONNECT = "MQTT CONNECT"
STEP_SUBSCRIBE = "SUBSCRIBE"
STEP_PUBLISH = "PUBLISH"
STEP_TLS = "TLS connect"

BIG_PAYLOAD_LEN = 2000  # > the client's 1024-byte network buffer (democonfigNETWORK_BUFFER_SIZE)
FLOOD_COUNT = 5000  # PINGRESPs in a flood (10 kB)


# --------------------------------------------------------------------------------------------
# Packet helpers


def encode_length(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        if n:
            b |= 0x80
        out.append(b)
        if not n:
            return bytes(out)


def packet(first: int, body: bytes = b"") -> bytes:
    return bytes([first]) + encode_length(len(body)) + body


def u16(v: int) -> bytes:
    return bytes([(v >> 8) & 0xFF, v & 0xFF])


def mqtt_str(s: Union[str, bytes]) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return u16(len(b)) + b


def connack(code: int = 0, flags: int = 0) -> bytes:
    return packet(0x20, bytes([flags, code]))


def suback(packet_id: int, codes: bytes) -> bytes:
    return packet(0x90, u16(packet_id) + codes)


def ack(kind: int, packet_id: int, flags: Optional[int] = None) -> bytes:
    if flags is None:
        flags = 0x02 if kind == 6 else 0
    return packet((kind << 4) | flags, u16(packet_id))


def publish(topic: Union[str, bytes], payload: bytes, qos: int = 0, packet_id: int = 0,
            dup: bool = False, retain: bool = False) -> bytes:
    body = mqtt_str(topic) + (u16(packet_id) if qos else b"") + payload
    return packet(0x30 | (dup << 3) | (qos << 1) | int(retain), body)


PINGRESP = b"\xd0\x00"


def parse_packet(buf: Union[bytes, bytearray]) -> Optional[Tuple[int, bytes, int]]:
    """(first byte, body, bytes used) for a complete packet at the start of buf, else None.

    Raises ValueError for a remaining length over 4 bytes.
    """
    if len(buf) < 2:
        return None
    value, mult, i = 0, 1, 1
    while True:
        if i >= len(buf):
            return None
        b = buf[i]
        value += (b & 0x7F) * mult
        mult *= 128
        i += 1
        if not b & 0x80:
            break
        if i > 4:
            raise ValueError("remaining length over 4 bytes")
    if len(buf) < i + value:
        return None
    return buf[0], bytes(buf[i:i + value]), i + value


def topic_matches(filt: str, topic: str) -> bool:
    """MQTT 3.1.1 topic filter match (+ and #; $-topics not matched by leading wildcards)."""
    if topic.startswith("$") and filt[:1] in ("+", "#"):
        return False
    f, t = filt.split("/"), topic.split("/")
    for i, level in enumerate(f):
        if level == "#":
            return True
        if i >= len(t) or (level != "+" and level != t[i]):
            return False
    return len(f) == len(t)


def parse_connect(body: bytes) -> Dict[str, object]:
    """Fields of a CONNECT body (client_id, keep_alive, clean_session, username); {} if bad."""
    try:
        plen = int.from_bytes(body[0:2], "big")
        at = 2 + plen
        level, flags = body[at], body[at + 1]
        keep_alive = int.from_bytes(body[at + 2:at + 4], "big")
        at += 4
        idlen = int.from_bytes(body[at:at + 2], "big")
        client_id = body[at + 2:at + 2 + idlen].decode(errors="replace")
        at += 2 + idlen
        if flags & 0x04:
            tl = int.from_bytes(body[at:at + 2], "big")
            at += 2 + tl
            pl = int.from_bytes(body[at:at + 2], "big")
            at += 2 + pl
        username = None
        if flags & 0x80:
            ul = int.from_bytes(body[at:at + 2], "big")
            username = body[at + 2:at + 2 + ul].decode(errors="replace")
        return {"protocol_level": level, "client_id": client_id, "keep_alive": keep_alive,
                "clean_session": bool(flags & 0x02), "username": username}
    except (IndexError, ValueError):
        return {}


# --------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Case:
    """One scripted behaviour and what the client is expected to report.

    trigger: the client packet after which the broker misbehaves ("connect", "subscribe",
        "publish", "tls"), or None for a well-behaved broker.
    error: the engine's as_str() text the demo must log; step: the demo step it is logged for.
    client_may_send_after: packet types the client may still send after the misbehaviour
        (e.g. DISCONNECT when the error leaves the MQTT connection usable).
    next_attempt: how the next attempt is scheduled: "iteration" (the demo's pause between
        iterations) or "backoff" (TLS connect retried with full-jitter backoff).
    """
    name: str
    description: str
    trigger: Optional[str]
    error: Optional[str] = None
    step: Optional[str] = None
    client_may_send_after: Tuple[str, ...] = ()
    next_attempt: str = "iteration"


def _refused(code: int) -> Case:
    return Case(f"connack_refused_{code}", f"CONNACK refusal code {code} "
                f"({CONNACK_CODE_NAMES[code]})", "connect",
                f"{ERR_REFUSED}: {CONNACK_CODE_NAMES[code]} (code {code})", STEP_CONNECT)


CASES: Dict[str, Case] = {c.name: c for c in [
    Case("good", "well-behaved broker (like mosquitto)", None),
    Case("remaining_length_5_bytes", "CONNACK whose remaining length is encoded in 5 bytes",
         "connect", MAL_REMAINING_LENGTH, STEP_CONNECT),
    Case("truncated_then_silence", "3 of CONNACK's 4 bytes, then silence (socket kept open)",
         "connect", ERR_NO_CONNACK, STEP_CONNECT),
    *[_refused(code) for code in range(1, 6)],
    Case("connack_reserved_bits", "CONNACK with reserved acknowledge-flag bits set (0x02)",
         "connect", MAL_RESERVED_BITS, STEP_CONNECT),
    Case("data_after_refusal", "CONNACK refusal (5) followed by a PUBLISH and PINGRESPs",
         "connect", f"{ERR_REFUSED}: {CONNACK_CODE_NAMES[5]} (code 5)", STEP_CONNECT),
    Case("pingresp_flood", f"CONNACK 0 followed by {FLOOD_COUNT} unsolicited PINGRESPs",
         "connect", MAL_UNSOLICITED_PINGRESP, STEP_SUBSCRIBE,
         client_may_send_after=("SUBSCRIBE",)),  # sent before it reads the flood
    Case("suback_invalid_status", "SUBACK with return code 0x03", "subscribe",
         MAL_SUBACK_STATUS, STEP_SUBSCRIBE),
    # The engine hands the SUBACK over; the demo, which sent one filter, refuses it and
    # ends the session it still has with DISCONNECT.
    Case("suback_wrong_count", "SUBACK with two return codes for one filter", "subscribe",
         MAL_SUBACK_COUNT, STEP_SUBSCRIBE, client_may_send_after=("DISCONNECT",)),
    Case("server_sends_subscribe", "a SUBSCRIBE (client-only type) instead of the SUBACK",
         "subscribe", MAL_UNEXPECTED_TYPE, STEP_SUBSCRIBE),
    Case("server_sends_pingreq", "a PINGREQ (client-only type) instead of the SUBACK",
         "subscribe", MAL_UNEXPECTED_TYPE, STEP_SUBSCRIBE),
    # A stale ack is logged and ignored; the real PUBACK never comes, so the wait for it
    # times out and the demo ends the session it still has with DISCONNECT.
    Case("puback_unknown_id", "PUBACK for a packet id the client never used", "publish",
         ERR_NO_PUBACK, STEP_PUBLISH, client_may_send_after=("DISCONNECT", "PUBACK")),
    Case("publish_qos3", "PUBLISH with QoS 3 instead of the PUBACK", "publish", MAL_QOS,
         STEP_PUBLISH),
    Case("publish_packet_id_0", "QoS 1 PUBLISH with packet id 0 instead of the PUBACK",
         "publish", MAL_ZERO_ID, STEP_PUBLISH),
    # The engine discards the packet and the session goes on: every iteration succeeds.
    Case("publish_too_large", f"a {BIG_PAYLOAD_LEN}-byte PUBLISH (over the 1024-byte network "
         "buffer) before the PUBACK and echo", "publish", LOG_DISCARDED, None,
         client_may_send_after=("PUBACK", "DISCONNECT", "UNSUBSCRIBE", "PUBLISH", "PINGREQ")),
    Case("pubrel_wrong_flags", "PUBREL with fixed-header flags 0 (must be 0x2)", "publish",
         MAL_RESERVED_BITS, STEP_PUBLISH),
    Case("handshake_close", "accepts TCP, closes before the TLS handshake", "tls",
         None, STEP_TLS, next_attempt="backoff"),
]}


# --------------------------------------------------------------------------------------------
# Connection records


@dataclass
class Received:
    t: float
    first: int
    body: bytes

    @property
    def type_name(self) -> str:
        return PACKET_NAMES[self.first >> 4]


@dataclass
class Connection:
    """What happened on one TCP connection (times: time.monotonic())."""
    index: int
    case: str
    accepted_at: float
    peer: Tuple[str, int]
    tls_at: Optional[float] = None
    tls_error: Optional[str] = None
    peer_cn: Optional[str] = None
    connect: Dict[str, object] = field(default_factory=dict)
    received: List[Received] = field(default_factory=list)
    sent: List[str] = field(default_factory=list)
    misbehaved_at: Optional[float] = None
    closed_at: Optional[float] = None
    closed_by: Optional[str] = None  # "client", "server", "server (hold expired)", ...
    error: Optional[str] = None

    def packet_types(self) -> List[str]:
        return [r.type_name for r in self.received]

    def received_after_misbehaviour(self) -> List[str]:
        if self.misbehaved_at is None:
            return []
        return [r.type_name for r in self.received if r.t >= self.misbehaved_at]

    def summary(self) -> str:
        dur = f"{(self.closed_at or time.monotonic()) - self.accepted_at:.3f}s"
        tls = "TLS ok" if self.tls_at else f"TLS failed ({self.tls_error})"
        return (f"#{self.index} {tls}, received {self.packet_types()}, sent {self.sent}, "
                f"closed by {self.closed_by} after {dur}" + (f" [{self.error}]" if self.error
                                                              else ""))


class _ClientClosed(Exception):
    pass


# --------------------------------------------------------------------------------------------
# The broker


class HostileBroker:
    """A TLS MQTT server on 127.0.0.1 playing one case from CASES.

    Args:
        pki_dir: directory made by certs/gen-pki.sh (ca.crt, <cert>.crt, <cert>.key).
        case: a CASES key.
        port: fixed port (bound with SO_REUSEADDR); default a free one.
        cert: server certificate base name (default "server").
        hold_s: after misbehaving, how long to keep reading before closing.
        max_conn_s: upper bound on any connection's life.
        handshake_timeout: bound on the TLS handshake.
        flood_count: PINGRESPs sent by pingresp_flood.
    """

    def __init__(self, pki_dir: PathLike = DEFAULT_PKI_DIR, case: str = "good",
                 port: Optional[int] = None, *, cert: str = "server", hold_s: float = 10.0,
                 max_conn_s: float = 60.0, handshake_timeout: float = 10.0,
                 flood_count: int = FLOOD_COUNT) -> None:
        if case not in CASES:
            raise ValueError(f"unknown case {case!r}; one of {sorted(CASES)}")
        self.pki_dir = Path(pki_dir)
        self.case = CASES[case]
        self.cert = cert
        self.hold_s = hold_s
        self.max_conn_s = max_conn_s
        self.handshake_timeout = handshake_timeout
        self.flood_count = flood_count
        self._fixed_port = port
        self.port: Optional[int] = port
        self.connections: List[Connection] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._listener: Optional[socket.socket] = None
        self._threads: List[threading.Thread] = []
        self._socks: "set[socket.socket]" = set()
        self._ctx: Optional[ssl.SSLContext] = None

    # -- lifecycle
    def __enter__(self) -> "HostileBroker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "HostileBroker":
        """Listen (returns at once; connections are served in threads). Idempotent."""
        if self._listener is not None:
            return self
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.pki_dir / f"{self.cert}.crt"),
                            str(self.pki_dir / f"{self.cert}.key"))
        ctx.load_verify_locations(str(self.pki_dir / "ca.crt"))
        ctx.verify_mode = ssl.CERT_REQUIRED
        self._ctx = ctx
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, self._fixed_port or 0))
        sock.listen(16)
        sock.settimeout(0.1)
        self._listener = sock
        self.port = sock.getsockname()[1]
        t = threading.Thread(target=self._accept_loop, name="hostile-accept", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def stop(self) -> None:
        """Close the listener and every connection; join the threads. Idempotent."""
        self._stop.set()
        with self._cond:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in list(self._threads):
            t.join(5.0)
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    # -- waiting
    def wait_for_connections(self, n: int, timeout: float) -> List[Connection]:
        """Wait until n connections were accepted; returns them (TimeoutError if not)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.connections) >= n, timeout):
                raise TimeoutError(f"{len(self.connections)} of {n} connections after "
                                   f"{timeout} s: " + self.report())
            return list(self.connections)

    def wait_closed(self, n: int, timeout: float) -> List[Connection]:
        """Wait until n connections exist and all of them are closed."""
        def done() -> bool:
            return len(self.connections) >= n and all(c.closed_at for c in self.connections)
        with self._cond:
            if not self._cond.wait_for(done, timeout):
                raise TimeoutError(f"connections not closed after {timeout} s: " + self.report())
            return list(self.connections)

    def report(self) -> str:
        with self._cond:
            return "\n".join(c.summary() for c in self.connections) or "(no connections)"

    # -- internals
    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                raw, peer = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._cond:
                conn = Connection(len(self.connections) + 1, self.case.name, time.monotonic(),
                                  peer)
                self.connections.append(conn)
                self._socks.add(raw)
                self._cond.notify_all()
            t = threading.Thread(target=self._serve, args=(raw, conn),
                                 name=f"hostile-conn-{conn.index}", daemon=True)
            t.start()
            self._threads.append(t)

    def _closed(self, conn: Connection, by: str, error: Optional[str] = None) -> None:
        with self._cond:
            if conn.closed_at is None:
                conn.closed_at = time.monotonic()
                conn.closed_by = by
                if error:
                    conn.error = error
            self._cond.notify_all()

    def _serve(self, raw: socket.socket, conn: Connection) -> None:
        sock: socket.socket = raw
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.case.trigger == "tls":
                conn.misbehaved_at = time.monotonic()
                conn.tls_error = "closed by the server before the handshake"
                self._closed(conn, "server")
                return
            raw.settimeout(self.handshake_timeout)
            assert self._ctx is not None
            try:
                sock = self._ctx.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError) as e:
                conn.tls_error = f"{type(e).__name__}: {e}"
                self._closed(conn, "handshake failed", conn.tls_error)
                return
            with self._cond:
                self._socks.add(sock)
            conn.tls_at = time.monotonic()
            cert = sock.getpeercert() or {}
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        conn.peer_cn = v
            _Session(self, sock, conn).run()
        except _ClientClosed as e:
            self._closed(conn, "client", str(e) or None)
        except (ssl.SSLError, OSError) as e:
            if self._stop.is_set():
                self._closed(conn, "server (stopped)")
            else:
                self._closed(conn, "client", f"{type(e).__name__}: {e}")
        except Exception as e:  # noqa: BLE001 - a bug here must show in the record, not vanish
            self._closed(conn, "server (error)", f"{type(e).__name__}: {e}")
        finally:
            try:
                sock.close()
            except OSError:
                pass
            raw.close()
            with self._cond:
                self._socks.discard(sock)
                self._socks.discard(raw)
                self._cond.notify_all()


class _Session:
    """The MQTT conversation on one TLS connection."""

    def __init__(self, broker: HostileBroker, sock: socket.socket, conn: Connection) -> None:
        self.b = broker
        self.sock = sock
        self.conn = conn
        self.case = broker.case
        self.buf = bytearray()
        self.deadline = conn.accepted_at + broker.max_conn_s
        self.subs: Dict[str, int] = {}  # filter -> granted QoS
        self.next_id = 0

    # -- I/O
    def send(self, data: bytes, label: str) -> None:
        self.sock.sendall(data)
        self.conn.sent.append(label)

    def misbehave(self, data: bytes, label: str) -> None:
        self.conn.misbehaved_at = time.monotonic()
        if data:
            self.send(data, label)
        else:
            self.conn.sent.append(label)

    def read_packet(self, until: float) -> Optional[Tuple[int, bytes]]:
        """The next client packet, or None if none completes before `until`."""
        while True:
            got = parse_packet(self.buf)
            if got is not None:
                first, body, used = got
                del self.buf[:used]
                self.conn.received.append(Received(time.monotonic(), first, body))
                return first, body
            now = time.monotonic()
            end = min(until, self.deadline)
            if now >= end or self.b._stop.is_set():
                return None
            self.sock.settimeout(min(0.1, max(0.001, end - now)))
            try:
                data = self.sock.recv(4096)
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            except ssl.SSLZeroReturnError:
                raise _ClientClosed("TLS close_notify")
            if not data:
                raise _ClientClosed()
            self.buf += data

    def hold(self) -> None:
        """After misbehaving: record what the client sends until it closes or hold_s passes."""
        end = time.monotonic() + self.b.hold_s
        while True:
            got = self.read_packet(end)
            if got is None:
                break
            if self.case.name == "publish_too_large":
                # The error leaves the connection usable: keep serving properly.
                if not self.handle_good(*got):
                    end = time.monotonic() + 2.0
        self.b._closed(self.conn, "server (hold expired)" if not self.b._stop.is_set()
                       else "server (stopped)")

    # -- well-behaved answers
    def new_id(self) -> int:
        self.next_id = self.next_id % 0xFFFF + 1
        return self.next_id

    def handle_good(self, first: int, body: bytes) -> bool:
        """Answer one packet as mosquitto would; False once the client sent DISCONNECT."""
        kind = first >> 4
        if kind == 8:  # SUBSCRIBE
            pid = int.from_bytes(body[:2], "big")
            codes, at = bytearray(), 2
            while at < len(body):
                n = int.from_bytes(body[at:at + 2], "big")
                filt = body[at + 2:at + 2 + n].decode(errors="replace")
                qos = min(body[at + 2 + n], 1)
                self.subs[filt] = qos
                codes.append(qos)
                at += 3 + n
            self.send(suback(pid, bytes(codes)), "SUBACK")
        elif kind == 3:  # PUBLISH
            qos = (first >> 1) & 3
            tl = int.from_bytes(body[:2], "big")
            topic = body[2:2 + tl]
            pid = int.from_bytes(body[2 + tl:4 + tl], "big") if qos else 0
            payload = body[2 + tl + (2 if qos else 0):]
            if qos == 1:
                self.send(ack(4, pid), "PUBACK")
            elif qos == 2:
                self.send(ack(5, pid), "PUBREC")
            self.echo(topic, payload, qos)
        elif kind == 6:  # PUBREL
            self.send(ack(7, int.from_bytes(body[:2], "big")), "PUBCOMP")
        elif kind == 10:  # UNSUBSCRIBE
            pid, at = int.from_bytes(body[:2], "big"), 2
            while at < len(body):
                n = int.from_bytes(body[at:at + 2], "big")
                self.subs.pop(body[at + 2:at + 2 + n].decode(errors="replace"), None)
                at += 2 + n
            self.send(ack(11, pid), "UNSUBACK")
        elif kind == 12:  # PINGREQ
            self.send(PINGRESP, "PINGRESP")
        elif kind == 14:  # DISCONNECT
            return False
        # PUBACK/PUBREC/PUBCOMP for our echoes: nothing to answer (PUBREC would need PUBREL,
        # but echoes go out at QoS <= 1).
        return True

    def echo(self, topic: bytes, payload: bytes, qos: int) -> None:
        t = topic.decode(errors="replace")
        granted = [q for f, q in self.subs.items() if topic_matches(f, t)]
        if not granted:
            return
        q = min(qos, max(granted))
        self.send(publish(topic, payload, q, self.new_id() if q else 0), "PUBLISH(echo)")

    def serve_good(self, until_trigger: Optional[str]) -> Optional[Tuple[int, bytes]]:
        """Serve properly until the client sends the trigger packet type; return it.

        Returns None if the client disconnected or the connection's time ran out.
        """
        kinds = {"subscribe": 8, "publish": 3}
        while True:
            got = self.read_packet(self.deadline)
            if got is None:
                return None
            first, body = got
            if until_trigger and first >> 4 == kinds[until_trigger]:
                return got
            if not self.handle_good(first, body):
                # DISCONNECT: wait (bounded) for the client to close.
                self.read_packet(min(self.deadline, time.monotonic() + 5.0))
                self.b._closed(self.conn, "server (after DISCONNECT)")
                return None

    # -- the script
    def run(self) -> None:
        got = self.read_packet(time.monotonic() + 10.0)
        if got is None:
            self.b._closed(self.conn, "server (no CONNECT)")
            return
        first, body = got
        if first >> 4 != 1:
            self.b._closed(self.conn, "server (first packet not CONNECT)")
            return
        self.conn.connect = parse_connect(body)
        name = self.case.name
        trig = self.case.trigger

        if trig == "connect":
            self.connect_case(name)
            self.hold()
            return
        self.send(connack(0), "CONNACK")
        if trig is None:
            self.serve_good(None)
            if self.conn.closed_at is None:
                self.b._closed(self.conn, "server")
            return
        got = self.serve_good(trig)
        if got is None:
            if self.conn.closed_at is None:
                self.b._closed(self.conn, "server")
            return
        first, body = got
        if trig == "subscribe":
            self.subscribe_case(name, body)
        else:
            self.publish_case(name, first, body)
        self.hold()

    def connect_case(self, name: str) -> None:
        if name == "remaining_length_5_bytes":
            self.misbehave(b"\x20\xff\xff\xff\xff\x7f", "CONNACK(5-byte length)")
        elif name == "truncated_then_silence":
            self.misbehave(connack(0)[:3], "CONNACK(truncated)")
        elif name.startswith("connack_refused_"):
            code = int(name.rsplit("_", 1)[1])
            self.misbehave(connack(code), f"CONNACK({code})")
        elif name == "connack_reserved_bits":
            self.misbehave(connack(0, flags=0x02), "CONNACK(flags 0x02)")
        elif name == "data_after_refusal":
            topic = f"{self.conn.connect.get('client_id', 'x')}/example/topic"
            self.misbehave(connack(5) + publish(topic, b"after refusal", 0) + PINGRESP * 4,
                           "CONNACK(5)+PUBLISH+PINGRESPx4")
        elif name == "pingresp_flood":
            self.send(connack(0), "CONNACK")
            self.conn.misbehaved_at = time.monotonic()
            self.conn.sent.append(f"PINGRESPx{self.b.flood_count}")
            chunk = PINGRESP * 500
            left = self.b.flood_count
            try:
                while left > 0 and not self.b._stop.is_set():
                    n = min(left, 500)
                    self.sock.sendall(chunk[:2 * n])
                    left -= n
            except (ssl.SSLError, OSError):
                # The client gave up mid-flood (as it should): what it sent is still recorded.
                pass
        else:
            raise AssertionError(name)

    def subscribe_case(self, name: str, body: bytes) -> None:
        pid = int.from_bytes(body[:2], "big")
        if name == "suback_invalid_status":
            self.misbehave(suback(pid, b"\x03"), "SUBACK(0x03)")
        elif name == "suback_wrong_count":
            self.misbehave(suback(pid, b"\x01\x01"), "SUBACK(2 codes)")
        elif name == "server_sends_subscribe":
            self.misbehave(packet(0x82, u16(1) + mqtt_str("a/b") + b"\x01"), "SUBSCRIBE")
        elif name == "server_sends_pingreq":
            self.misbehave(b"\xc0\x00", "PINGREQ")
        else:
            raise AssertionError(name)

    def publish_case(self, name: str, first: int, body: bytes) -> None:
        qos = (first >> 1) & 3
        tl = int.from_bytes(body[:2], "big")
        topic = body[2:2 + tl]
        pid = int.from_bytes(body[2 + tl:4 + tl], "big") if qos else 1
        payload = body[2 + tl + (2 if qos else 0):]
        if name == "puback_unknown_id":
            self.misbehave(ack(4, (pid + 0x1000) % 0x10000 or 1), "PUBACK(unknown id)")
        elif name == "publish_qos3":
            self.misbehave(packet(0x36, mqtt_str(topic) + u16(7) + payload), "PUBLISH(QoS 3)")
        elif name == "publish_packet_id_0":
            self.misbehave(packet(0x32, mqtt_str(topic) + u16(0) + payload), "PUBLISH(id 0)")
        elif name == "publish_too_large":
            # Then behave: PUBACK and the echo, so a client that survives the discard succeeds.
            self.misbehave(publish(topic, b"x" * BIG_PAYLOAD_LEN, 0),
                           f"PUBLISH({BIG_PAYLOAD_LEN} B)")
            self.send(ack(4, pid), "PUBACK")
            self.echo(topic, payload, qos)
        elif name == "pubrel_wrong_flags":
            self.misbehave(ack(6, pid, flags=0), "PUBREL(flags 0)")
        else:
            raise AssertionError(name)


# --------------------------------------------------------------------------------------------
# A minimal client (self-tests)

SELFTEST_CLIENT_ID = "selftest-client"
SELFTEST_TOPIC = f"{SELFTEST_CLIENT_ID}/example/topic"


class MqttTlsClient:
    """Just enough MQTT 3.1.1 client over mutual TLS to poke brokers and proxies in self-tests.

    tls12=True caps TLS at 1.2 (like the device), so TLS records map 1:1 to MQTT packets.
    """

    def __init__(self, pki: PathLike, port: int, cert: Optional[str] = "client",
                 tls12: bool = False, timeout: float = 5.0) -> None:
        pki = Path(pki)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if tls12:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_verify_locations(str(pki / "ca.crt"))
        if cert:
            ctx.load_cert_chain(str(pki / f"{cert}.crt"), str(pki / f"{cert}.key"))
        raw = socket.create_connection((LOOPBACK, port), timeout=timeout)
        self.sock = ctx.wrap_socket(raw, server_hostname="localhost")
        self.buf = bytearray()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def connect(self, clean: bool = True) -> None:
        flags = 0x02 if clean else 0
        self.send(packet(0x10, mqtt_str("MQTT") + bytes([4, flags]) + u16(60)
                         + mqtt_str(SELFTEST_CLIENT_ID)))

    def subscribe(self, pid: int = 1, topic: str = SELFTEST_TOPIC) -> None:
        self.send(packet(0x82, u16(pid) + mqtt_str(topic) + b"\x01"))

    def publish(self, pid: int = 2, payload: bytes = b"Hello World!") -> None:
        self.send(packet(0x32, mqtt_str(SELFTEST_TOPIC) + u16(pid) + payload))

    def recv_bytes(self, n: int, timeout: float = 3.0) -> bytes:
        end = time.monotonic() + timeout
        while len(self.buf) < n:
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            self.buf += data
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def recv_packet(self, timeout: float = 3.0) -> Tuple[int, bytes]:
        end = time.monotonic() + timeout
        while True:
            got = parse_packet(self.buf)
            if got:
                first, body, used = got
                del self.buf[:used]
                return first, body
            self.sock.settimeout(max(0.01, end - time.monotonic()))
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("server closed")
            self.buf += data

    def is_closed_by_server(self, timeout: float = 3.0) -> bool:
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except (ssl.SSLZeroReturnError, ConnectionResetError, ssl.SSLEOFError):
            return True
        except socket.timeout:
            return False

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------------------------
# CLI


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Scripted misbehaving MQTT broker (mutual TLS).")
    ap.add_argument("--pki", default=str(DEFAULT_PKI_DIR))
    ap.add_argument("--case", default="good", help="one of --list")
    ap.add_argument("--port", type=int, default=None, help="default: a free loopback port")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds to serve (bounded)")
    ap.add_argument("--hold", type=float, default=10.0, help="seconds kept open after misbehaving")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args(argv)
    if args.list:
        for c in CASES.values():
            exp = f" -> {c.step}: {c.error}" if c.error else ""
            print(f"{c.name:26} {c.description}{exp}")
        return 0
    return serve_cli(HostileBroker(args.pki, args.case, args.port, hold_s=args.hold),
                     f"hostile_broker: case {args.case} on {LOOPBACK}:{{port}} for "
                     f"{args.duration} s", args.duration)


if __name__ == "__main__":
    sys.exit(main())
