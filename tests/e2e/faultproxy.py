#!/usr/bin/env python3
"""A fault-injecting TCP proxy for the end-to-end tests: client -> proxy -> broker, loopback only.

Why our own (small asyncio) proxy and not a packaged tool
---------------------------------------------------------
The well-kept tool for this job is Shopify's toxiproxy. It is not packaged in Debian (bookworm has
no toxiproxy package; apt-cache search finds none), and the only registries this project may use
(Debian, PyPI, npm, crates.io) carry just *clients* for it (PyPI toxiproxy-python, npm
toxiproxy-node-client), not the server. The other candidates do not fit:
  * ``tc netem`` (iproute2, Debian) is well kept and does delay and loss, but needs root and a
    network namespace to avoid disturbing the machine's other loopback traffic, and it cannot cut a
    connection at a protocol point, black-hole one connection while keeping its sockets open, or
    deliver a stream in 1-byte writes;
  * ``socat`` / ``simpleproxy`` (Debian) forward, with no fault injection;
  * PyPI chaos proxies: vaurien (last release 2014, gevent/Python 2 era), and young single-author
    0.x packages (faulty, toxic-proxy, sloww) with no notion of "after the N-th record".
So this module is a few hundred lines of asyncio, with every fault bounded in time.

How faults find protocol points inside TLS
------------------------------------------
The proxy cannot see MQTT inside TLS. It parses only the TLS *record layer* (5-byte headers:
content type, version, length), which is in clear, and counts records per direction. With TLS 1.2
every record of content type 23
(application_data) after the handshake carries MQTT, and both mbedTLS and mosquitto write each MQTT
packet with its own TLS write, i.e. in its own record. So for the demo:

    client -> broker application records: 1 CONNECT, 2 SUBSCRIBE, 3 first PUBLISH,
        then PUBACK (for the echo) and the next PUBLISH alternate: publish k is record 2k+1
        (``demo_publish_record(k)``); then UNSUBSCRIBE, DISCONNECT
    broker -> client application records: 1 CONNACK, 2 SUBACK, 3 PUBACK or echo of publish 1, ...

(The brokers behind the proxy are capped at TLS 1.2: Broker(tls="1.2"). TLS 1.3 would encrypt handshake messages as type 23 too and shift these counts; with TLS 1.3
count from the first record after the client's Finished instead - not needed here.)

Faults (``Fault(kind, **params)``; one fault per connection):
  none                      forward everything.
  cut_handshake             drop the server's ``server_records``-th TLS record (default the 1st:
                            ServerHello never arrives; 2 lets ServerHello through and cuts inside
                            the flight) and close both sides: the handshake fails.
  cut_after_connack         forward the server's 1st application record (CONNACK) and close.
  cut_after_publish         forward the client's ``record``-th application record (default 3: the
                            demo's first PUBLISH) to the broker, then close both sides: the
                            PUBLISH has left, its PUBACK cannot arrive.
  cut_before_puback         forward the broker's application records before the ``record``-th
                            (default 3: the first after the first PUBLISH, i.e. PUBACK or the
                            echo), drop that one and close: the broker has the PUBLISH, the client
                            never sees the PUBACK.
  blackhole                 after the broker's ``after_record``-th application record (default 1,
                            CONNACK; 0 = from the start, after ``after_s`` seconds if given) stop
                            forwarding in both directions but keep both sockets open (bytes read
                            are discarded), for ``hold_s`` seconds (default 10), then close: the
                            client's keep-alive / receive timeouts must fire first.
  delay                     forward every chunk ``delay_ms`` later (default 200; max 10000), both
                            directions, order kept.
  bytewise                  deliver the broker's bytes (``direction="s2c"``; "c2s" or "both") in
                            1-byte writes, with TCP_NODELAY and ``gap_ms`` (default 1) between
                            writes; with ``from_record`` N, only from the N-th application record
                            of that direction on (a drip: e.g. N = 3 and ``gap_ms=500`` trickles
                            the PUBACK of the first PUBLISH, and everything after it).

Every fault is bounded: a connection lives at most ``max_conn_s`` (default 120 s), a black hole at
most ``hold_s``, a delay at most 10 s per chunk. Connecting to the upstream is bounded by 5 s.

Library use::

    from faultproxy import FaultProxy, Fault, RandomSchedule

    with FaultProxy(upstream_port=broker.port, faults=Fault("cut_after_publish")) as px:
        ...  # point the client at px.port; px.connections: what happened to each connection
    FaultProxy(up, faults=[Fault("cut_handshake"), Fault("none")])     # per connection, in order
    FaultProxy(up, faults=RandomSchedule(seed=7, rate=0.3))             # seeded random faults

CLI::

    python3 tests/e2e/faultproxy.py --upstream-port 8883 --fault cut_after_publish:record=3 \
        [--port N] [--seed S --rate 0.3] [--duration 60]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from broker import LOOPBACK, serve_cli
TLS_HANDSHAKE = 22
TLS_APPLICATION_DATA = 23
MAX_DELAY_MS = 10_000
UPSTREAM_CONNECT_TIMEOUT_S = 5.0

KINDS = ("none", "cut_handshake", "cut_after_connack", "cut_after_publish", "cut_before_puback",
         "blackhole", "delay", "bytewise")


def demo_publish_record(k: int) -> int:
    """The client->broker application-record number of the demo's k-th PUBLISH (1-based)."""
    return 2 * k + 1


@dataclass(frozen=True)
class Fault:
    kind: str = "none"
    params: Dict[str, Any] = field(default_factory=dict)

    def __init__(self, kind: str = "none", **params: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {KINDS}")
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "params", dict(params))

    def get(self, name: str, default: Any) -> Any:
        return self.params.get(name, default)

    def __str__(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return self.kind + (f":{args}" if args else "")

    @staticmethod
    def parse(text: str) -> "Fault":
        """'kind' or 'kind:name=value,name=value' (numbers become int/float)."""
        kind, _, rest = text.partition(":")
        params: Dict[str, Any] = {}
        for item in filter(None, rest.split(",")):
            k, _, v = item.partition("=")
            try:
                params[k] = int(v)
            except ValueError:
                try:
                    params[k] = float(v)
                except ValueError:
                    params[k] = v
        return Fault(kind, **params)


class RandomSchedule:
    """Seeded random faults: connection i gets a fault with probability `rate`, drawn from
    `kinds`, with parameters drawn too. The same seed gives the same sequence."""

    DEFAULT_KINDS = ("cut_handshake", "cut_after_connack", "cut_after_publish",
                     "cut_before_puback", "blackhole", "delay", "bytewise")

    def __init__(self, seed: int, rate: float = 0.3, kinds: Sequence[str] = DEFAULT_KINDS,
                 publishes: int = 2, hold_s: float = 3.0) -> None:
        self.seed, self.rate, self.kinds = seed, rate, tuple(kinds)
        self.publishes, self.hold_s = publishes, hold_s

    def __call__(self, index: int) -> Fault:
        rng = random.Random(f"{self.seed}:{index}")
        if rng.random() >= self.rate:
            return Fault("none")
        kind = rng.choice(self.kinds)
        k = rng.randint(1, max(1, self.publishes))
        if kind == "cut_handshake":
            return Fault(kind, server_records=rng.randint(1, 3))
        if kind == "cut_after_publish":
            return Fault(kind, record=demo_publish_record(k))
        if kind == "cut_before_puback":
            return Fault(kind, record=rng.randint(2, 2 + 2 * k))
        if kind == "blackhole":
            return Fault(kind, after_record=rng.randint(1, 2 + 2 * k), hold_s=self.hold_s)
        if kind == "delay":
            return Fault(kind, delay_ms=rng.choice((20, 50, 150)))
        if kind == "bytewise":
            return Fault(kind, gap_ms=0)
        return Fault(kind)


Schedule = Union[Fault, Sequence[Fault], Callable[[int], Fault], None]


@dataclass
class ConnRecord:
    """What happened to one proxied connection (times: time.monotonic())."""
    index: int
    fault: Fault
    accepted_at: float
    upstream_at: Optional[float] = None
    closed_at: Optional[float] = None
    action: Optional[str] = None  # what the fault did, e.g. "cut after c2s app record 3"
    action_at: Optional[float] = None
    bytes: Dict[str, int] = field(default_factory=lambda: {"c2s": 0, "s2c": 0})
    records: Dict[str, int] = field(default_factory=lambda: {"c2s": 0, "s2c": 0})
    app_records: Dict[str, int] = field(default_factory=lambda: {"c2s": 0, "s2c": 0})
    writes: Dict[str, int] = field(default_factory=lambda: {"c2s": 0, "s2c": 0})
    error: Optional[str] = None

    def summary(self) -> str:
        return (f"#{self.index} {self.fault}: {self.action or 'forwarded'}; "
                f"bytes {self.bytes}, app records {self.app_records}")


class _Records:
    """Splits one direction's byte stream at TLS record boundaries."""

    def __init__(self) -> None:
        self.header = bytearray()
        self.left = 0  # body bytes left in the current record
        self.type = 0
        self.count = 0
        self.app_count = 0

    def split(self, data: bytes) -> List[tuple]:
        """Pieces (bytes, record type, app index or 0, record number, starts, ends)."""
        out = []
        i = 0
        while i < len(data):
            if self.left == 0 and len(self.header) < 5:
                starts = not self.header
                if starts:
                    self.count += 1
                    self.type = data[i]
                    if self.type == TLS_APPLICATION_DATA:
                        self.app_count += 1
                take = min(5 - len(self.header), len(data) - i)
                self.header += data[i:i + take]
                piece = data[i:i + take]
                i += take
                ends = False
                if len(self.header) == 5:
                    self.left = int.from_bytes(self.header[3:5], "big")
                    if self.left == 0:
                        ends = True
                        self.header.clear()
                out.append((piece, self.type, self._app(), self.count, starts, ends))
            else:
                take = min(self.left, len(data) - i)
                piece = data[i:i + take]
                i += take
                self.left -= take
                ends = self.left == 0
                if ends:
                    self.header.clear()
                out.append((piece, self.type, self._app(), self.count, False, ends))
        return out

    def _app(self) -> int:
        return self.app_count if self.type == TLS_APPLICATION_DATA else 0


class _Cut(Exception):
    pass


class FaultProxy:
    """The proxy; see the module doc. Runs its own event loop in a background thread."""

    def __init__(self, upstream_port: int, *, upstream_host: str = LOOPBACK,
                 port: Optional[int] = None, faults: Schedule = None,
                 max_conn_s: float = 120.0) -> None:
        if upstream_host not in (LOOPBACK, "localhost", "::1"):
            raise ValueError("the fault proxy forwards to loopback only")
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self._fixed_port = port
        self.port: Optional[int] = port
        self.max_conn_s = max_conn_s
        self.connections: List[ConnRecord] = []
        self.set_faults(faults)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._server: Optional[asyncio.base_events.Server] = None
        self._tasks: "set[asyncio.Task]" = set()
        self._ready = threading.Event()
        self._cond = threading.Condition()
        self._error: Optional[BaseException] = None

    def set_faults(self, faults: Schedule) -> None:
        """Faults for connections accepted from now on (see Schedule)."""
        if faults is None:
            self._schedule: Callable[[int], Fault] = lambda i: Fault("none")
        elif isinstance(faults, Fault):
            self._schedule = lambda i, f=faults: f
        elif callable(faults):
            self._schedule = faults
        else:
            seq = list(faults)
            base = len(getattr(self, "connections", []))
            self._schedule = lambda i: seq[i - base - 1] if 0 <= i - base - 1 < len(seq) \
                else Fault("none")

    # -- lifecycle
    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "FaultProxy":
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="faultproxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10) or self._error is not None:
            raise RuntimeError(f"fault proxy did not start: {self._error}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            loop = self._loop
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
                loop.call_soon_threadsafe(loop.stop)
            self._thread.join(10)
        self._thread = None

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((LOOPBACK, self._fixed_port or 0))
            self.port = sock.getsockname()[1]
            self._server = loop.run_until_complete(
                asyncio.start_server(self._handle, sock=sock, backlog=32))
        except BaseException as e:  # noqa: BLE001 - reported by start()
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for t in list(self._tasks):
            t.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)

    # -- waiting
    def wait_for_connections(self, n: int, timeout: float) -> List[ConnRecord]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.connections) >= n, timeout):
                raise TimeoutError(f"{len(self.connections)} of {n} connections: "
                                   + self.report())
            return list(self.connections)

    def wait_closed(self, n: int, timeout: float) -> List[ConnRecord]:
        def done() -> bool:
            return len(self.connections) >= n and all(c.closed_at for c in self.connections)
        with self._cond:
            if not self._cond.wait_for(done, timeout):
                raise TimeoutError("connections still open: " + self.report())
            return list(self.connections)

    def report(self) -> str:
        with self._cond:
            return "\n".join(c.summary() for c in self.connections) or "(no connections)"

    # -- one connection
    async def _handle(self, c_reader: asyncio.StreamReader,
                      c_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        with self._cond:
            index = len(self.connections) + 1
            rec = ConnRecord(index, self._schedule(index), time.monotonic())
            self.connections.append(rec)
            self._cond.notify_all()
        u_writer: Optional[asyncio.StreamWriter] = None
        try:
            _nodelay(c_writer)
            try:
                u_reader, u_writer = await asyncio.wait_for(
                    asyncio.open_connection(self.upstream_host, self.upstream_port),
                    UPSTREAM_CONNECT_TIMEOUT_S)
            except (OSError, asyncio.TimeoutError) as e:
                rec.error = f"upstream connect failed: {e!r}"
                return
            _nodelay(u_writer)
            rec.upstream_at = time.monotonic()
            await asyncio.wait_for(self._pump_both(rec, c_reader, c_writer, u_reader, u_writer),
                                   self.max_conn_s)
        except asyncio.TimeoutError:
            rec.action = rec.action or f"closed at max_conn_s={self.max_conn_s}"
        except asyncio.CancelledError:
            rec.error = rec.error or "proxy stopped"
        except Exception as e:  # noqa: BLE001 - keep it in the record
            rec.error = f"{type(e).__name__}: {e}"
        finally:
            for w in (c_writer, u_writer):
                if w is not None:
                    _abort(w)
            with self._cond:
                rec.closed_at = time.monotonic()
                self._cond.notify_all()
            self._tasks.discard(task)

    async def _pump_both(self, rec: ConnRecord, c_reader: asyncio.StreamReader,
                         c_writer: asyncio.StreamWriter, u_reader: asyncio.StreamReader,
                         u_writer: asyncio.StreamWriter) -> None:
        state = _ConnState(rec)
        pumps = {asyncio.ensure_future(self._pump("c2s", c_reader, u_writer, state)): "c2s",
                 asyncio.ensure_future(self._pump("s2c", u_reader, c_writer, state)): "s2c"}
        cut = asyncio.ensure_future(state.cut.wait())
        try:
            waiting = set(pumps) | {cut}
            while True:
                done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                waiting -= done
                if cut in done:
                    break  # a fault cut, or a black hole's hold ended
                # A side closed. In a black hole the broker's close is not passed on (the
                # client must find out by its own timeouts); the client's close ends it.
                if state.blackhole.is_set() and all(pumps[p] == "s2c" for p in done) \
                        and waiting - {cut}:
                    continue
                break
        finally:
            for p in list(pumps) + [cut]:
                p.cancel()
            await asyncio.gather(*pumps, cut, return_exceptions=True)

    async def _pump(self, d: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    st: "_ConnState") -> None:
        rec, f = st.rec, st.rec.fault
        split = _Records()
        delay = min(float(f.get("delay_ms", 200)), MAX_DELAY_MS) / 1000.0 \
            if f.kind == "delay" else 0.0
        bytewise = f.kind == "bytewise" and f.get("direction", "s2c") in (d, "both")
        drip_from = int(f.get("from_record", 0))
        gap = float(f.get("gap_ms", 1)) / 1000.0
        if f.kind == "blackhole" and f.get("after_record", 1) == 0:
            asyncio.get_running_loop().call_later(float(f.get("after_s", 0.0)),
                                                  st.start_blackhole, "after_s")
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                if st.blackhole.is_set():
                    continue
                arrived = time.monotonic()
                for piece, rtype, app, num, starts, ends in split.split(data):
                    rec.bytes[d] += len(piece)
                    if starts:
                        rec.records[d] += 1
                        if app:
                            rec.app_records[d] = app
                    if st.blackhole.is_set():
                        continue
                    # -- faults acting before a piece is forwarded
                    if f.kind == "cut_handshake" and d == "s2c" and starts \
                            and num >= int(f.get("server_records", 1)):
                        st.do_cut(f"cut before s2c TLS record {num} (handshake)")
                    if f.kind == "cut_before_puback" and d == "s2c" and app \
                            and app >= int(f.get("record", 3)):
                        st.do_cut(f"cut before s2c app record {app}")
                    if delay:
                        wait = arrived + delay - time.monotonic()
                        if wait > 0:
                            await asyncio.sleep(wait)
                    drip = bytewise and (drip_from == 0 or (app or 0) >= drip_from)
                    if drip and drip_from and rec.action is None:
                        rec.action = f"drip from {d} app record {app}"
                        rec.action_at = time.monotonic()
                    await self._write(writer, piece, drip, gap, rec, d)
                    # -- faults acting after a piece is forwarded
                    if ends and app:
                        if f.kind == "cut_after_connack" and d == "s2c" and app == 1:
                            st.do_cut("cut after s2c app record 1 (CONNACK)")
                        if f.kind == "cut_after_publish" and d == "c2s" \
                                and app == int(f.get("record", 3)):
                            # Stop the other direction first, let the record reach the broker
                            # (an abort with unread data pending could drop it), then cut.
                            st.blackhole.set()
                            await asyncio.sleep(0.05)
                            st.do_cut(f"cut after c2s app record {app}")
                        if f.kind == "blackhole" and d == "s2c" \
                                and app == int(f.get("after_record", 1)):
                            st.start_blackhole(f"after s2c app record {app}")
        except _Cut:
            return
        except (ConnectionError, OSError):
            return

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, data: bytes, bytewise: bool, gap: float,
                     rec: ConnRecord, d: str) -> None:
        if not bytewise:
            writer.write(data)
            rec.writes[d] += 1
            await writer.drain()
            return
        for i in range(len(data)):
            writer.write(data[i:i + 1])
            rec.writes[d] += 1
            await writer.drain()
            if gap > 0:
                await asyncio.sleep(gap)
            else:
                await asyncio.sleep(0)


class _ConnState:
    def __init__(self, rec: ConnRecord) -> None:
        self.rec = rec
        self.cut = asyncio.Event()
        self.blackhole = asyncio.Event()

    def do_cut(self, why: str) -> None:
        self.rec.action = why
        self.rec.action_at = time.monotonic()
        self.cut.set()
        raise _Cut(why)

    def start_blackhole(self, why: str) -> None:
        if not self.blackhole.is_set():
            hold = float(self.rec.fault.get("hold_s", 10.0))
            self.rec.action = f"black hole {why} for {hold} s"
            self.rec.action_at = time.monotonic()
            self.blackhole.set()
            # The hold is bounded: then both sides are closed.
            asyncio.get_running_loop().call_later(hold, self.cut.set)


def _nodelay(w: asyncio.StreamWriter) -> None:
    sock = w.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


def _abort(w: asyncio.StreamWriter) -> None:
    try:
        w.transport.abort()
    except Exception:  # noqa: BLE001 - closing a dead transport
        pass


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Fault-injecting TCP proxy (loopback only).")
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--port", type=int, default=None, help="listen port (default: a free one)")
    ap.add_argument("--fault", default="none", help=f"kind[:name=value,...]; kinds: {KINDS}")
    ap.add_argument("--seed", type=int, default=None, help="random faults from this seed")
    ap.add_argument("--rate", type=float, default=0.3, help="fault probability with --seed")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds to run (bounded)")
    args = ap.parse_args(argv)
    faults: Schedule = RandomSchedule(args.seed, args.rate) if args.seed is not None \
        else Fault.parse(args.fault)
    return serve_cli(FaultProxy(args.upstream_port, port=args.port, faults=faults),
                     f"faultproxy: {LOOPBACK}:{{port}} -> {LOOPBACK}:{args.upstream_port}",
                     args.duration)


if __name__ == "__main__":
    sys.exit(main())
