#!/usr/bin/env python3
"""A throw-away mosquitto broker with a mutual-TLS listener, for the end-to-end tests and demos.

Library use (tests)::

    from broker import Broker, Observer, publish

    with Broker(pki_dir) as b:                      # server.crt/server.key, free loopback port
        with Observer(pki_dir, b.port, "freertos-rust-demo/example/topic") as obs:
            publish(pki_dir, b.port, "freertos-rust-demo/example/topic", "hi", cert="client")
            obs.wait_for_message(r"hi$", timeout=5)
        b.wait_for_log(r"as freertos-rust-demo .*u'freertos-rust-demo'", timeout=5)

    with Broker(pki_dir, start_delay=3.0) as b:     # returns at once; listens ~3 s later
        ...                                         # point the image at b.port now

The broker listens on 127.0.0.1 only, requires a client certificate signed by the test CA
(``ca.crt`` in the PKI directory) and uses the certificate's CN as the MQTT username; there is no
ACL, so any authenticated client may use any topic. It is always stopped by its PID (SIGTERM, then
SIGKILL after 3 s) when the ``with`` block ends, also on exceptions, and at interpreter exit.

Port choice: the broker gets a port the kernel hands out for ``bind(("127.0.0.1", 0))``. The
reserving socket (SO_REUSEADDR, bound, never listening) is kept open until mosquitto is listening
on the port, which Linux allows because mosquitto binds with SO_REUSEADDR too and the reserving
socket does not listen. So no other ``bind(0)`` or outgoing connection can take the port in
between, also during a ``start_delay``; while only the reservation exists, connections to the port
are refused (RST), exactly as if no broker were running. Only a process binding that exact port
number with SO_REUSEADDR itself could still race us.

CLI (for shell scripts)::

    python3 tests/e2e/broker.py serve --pki DIR [--cert server] [--port N] --pidfile F \
        [--portfile F] [--workdir DIR]
        # returns once the broker listens; prints the port on stdout, the log path on stderr
    python3 tests/e2e/broker.py stop --pidfile F
    python3 tests/e2e/broker.py free-port      # a currently free port (racy: see above)

Needs the Debian packages mosquitto (the broker) and, for Observer/publish, mosquitto-clients.
"""

from __future__ import annotations

import argparse
import atexit
import ctypes
import ctypes.util
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Union

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PKI_DIR = REPO_ROOT / "certs" / "generated"
DEFAULT_TOPIC = "freertos-rust-demo/example/topic"
LOOPBACK = "127.0.0.1"

STOP_GRACE_S = 3.0
DEFAULT_STARTUP_TIMEOUT_S = 5.0

PathLike = Union[str, os.PathLike]


class BrokerError(RuntimeError):
    """The broker could not be started (its log tail is in the message)."""


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BrokerError(f"{tool} not found in PATH (Debian: apt-get install {package})")
    return path


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def read_stamp(pki_dir: PathLike) -> Dict[str, str]:
    """The key=value pairs of pki_dir/pki.stamp, written by certs/gen-pki.sh ({} if none)."""
    try:
        text = (Path(pki_dir) / "pki.stamp").read_text()
    except FileNotFoundError:
        return {}
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


# --------------------------------------------------------------------------------------------
# Ports


def reserve_port(host: str = LOOPBACK) -> socket.socket:
    """Bind a socket (SO_REUSEADDR, not listening) to a kernel-chosen free port and return it.

    Keep it open until the real server listens on ``sock.getsockname()[1]``, then close it.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


def free_port(host: str = LOOPBACK) -> int:
    """A port that is free right now (bind port 0, then close). Racy: prefer reserve_port()."""
    with reserve_port(host) as sock:
        return sock.getsockname()[1]


def port_is_listening(port: int, host: str = LOOPBACK) -> bool:
    """True if some socket is in LISTEN state on host:port (IPv4).

    Reads /proc/net/tcp so that no connection is made (a probe connection would show up in the
    broker log as a failed TLS client); falls back to a TCP connect where /proc is unavailable.
    """
    try:
        with open("/proc/net/tcp") as f:
            lines = f.readlines()[1:]
    except OSError:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False
    want_ip = socket.inet_aton(host)[::-1].hex().upper()  # little-endian hex, as in /proc
    for line in lines:
        fields = line.split()
        if len(fields) < 4:
            continue
        ip_hex, port_hex = fields[1].split(":")
        if fields[3] == "0A" and int(port_hex, 16) == port and ip_hex in (want_ip, "00000000"):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Processes


def _pid_alive(pid: int) -> bool:
    """True if pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _pid_is(pid: int, name: str) -> bool:
    """True if pid is alive and its command line mentions name (guards against PID reuse)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().decode(errors="replace")
    except OSError:
        return _pid_alive(pid)
    return name in cmdline and _pid_alive(pid)


def stop_pid(pid: int, grace: float = STOP_GRACE_S, proc: Optional[subprocess.Popen] = None) -> None:
    """SIGTERM pid, wait up to grace seconds, then SIGKILL. Reaps it when proc (ours) is given."""
    def gone() -> bool:
        if proc is not None:
            return proc.poll() is not None
        return not _pid_alive(pid)

    if gone():
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if gone():
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    if proc is not None:
        proc.wait(timeout=5)
    else:
        deadline = time.monotonic() + 5
        while not gone() and time.monotonic() < deadline:
            time.sleep(0.02)


def _die_with_parent() -> Optional[Callable[[], None]]:
    """A preexec_fn that makes the child get SIGTERM when the spawning thread dies (Linux).

    So a broker does not outlive a test run that was killed (SIGKILL, CI timeout) before its
    cleanup could run. None where prctl is unavailable.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)

    return preexec


_PREEXEC = _die_with_parent()

_live: "set[object]" = set()  # Brokers and Observers to stop at interpreter exit
_started: List[int] = []  # every PID this process started (mosquitto, mosquitto_sub)


def started_pids() -> List[int]:
    """PIDs of every mosquitto/mosquitto_sub this process started (for leak checks)."""
    return list(_started)


def leftover_pids() -> List[int]:
    """The started PIDs that are still alive, except brokers handed over with release()."""
    return [pid for pid in _started if pid not in _released_pids and _pid_alive(pid)]


_released_pids: "set[int]" = set()


@atexit.register
def _stop_all() -> None:
    for obj in list(_live):
        try:
            obj.stop()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


# --------------------------------------------------------------------------------------------
# Broker


# An OpenSSL configuration that caps every TLS context of the process at TLS 1.2.
TLS12_OPENSSL_CONF = """openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
"""

_RUNNING = re.compile(r"^\S+: mosquitto version \S+ running$", re.MULTILINE)


class Broker:
    """mosquitto with one mutual-TLS listener on 127.0.0.1.

    Args:
        pki_dir: directory made by certs/gen-pki.sh (needs ca.crt, <cert>.crt, <cert>.key).
        cert: server certificate base name: "server", "server-wronghost", "server-expired".
        port: fixed port; default a free one (see the module doc about reservation).
        start_delay: seconds between start() (which returns at once) and mosquitto starting;
            0 starts it synchronously.
        workdir: where mosquitto.conf, mosquitto.log and mosquitto.stderr go; default a new
            temporary directory, removed on stop() unless keep_workdir.
        startup_timeout: how long to wait for the port to listen.
        new_session: start mosquitto in its own session (used by the CLI so that it outlives the
            CLI and ignores the terminal's Ctrl-C).
        extra_conf: lines appended to the listener block of mosquitto.conf.
        tls: None (TLS 1.2 and 1.3, mosquitto's default), "1.3" (TLS 1.3 only: the
            listener's tls_version, a minimum) or "1.2" (TLS 1.2 only: an OpenSSL config with
            MaxProtocol = TLSv1.2 in mosquitto's environment, as tls_version cannot cap).

    Attributes: port, pid (None until started), log_path, workdir, conf_path, started_at
    (time.monotonic() when the port started listening), ready (threading.Event).
    """

    def __init__(
        self,
        pki_dir: PathLike = DEFAULT_PKI_DIR,
        cert: str = "server",
        port: Optional[int] = None,
        *,
        start_delay: float = 0.0,
        workdir: Optional[PathLike] = None,
        keep_workdir: bool = False,
        startup_timeout: float = DEFAULT_STARTUP_TIMEOUT_S,
        new_session: bool = False,
        extra_conf: str = "",
        tls: Optional[str] = None,
    ) -> None:
        if tls not in (None, "1.2", "1.3"):
            raise ValueError(f"tls must be None, '1.2' or '1.3', not {tls!r}")
        self.tls = tls
        self.pki_dir = Path(pki_dir)
        self.cert = cert
        self.start_delay = float(start_delay)
        self.startup_timeout = float(startup_timeout)
        self.new_session = new_session
        self.extra_conf = extra_conf
        self._own_workdir = workdir is None
        self._keep_workdir = keep_workdir or workdir is not None
        # Absolute: mosquitto resolves the paths in its config from its own cwd.
        self.workdir = Path(workdir).resolve() if workdir is not None else None
        self._fixed_port = port
        self.port: Optional[int] = port
        self.pid: Optional[int] = None
        self.started_at: Optional[float] = None
        self.ready = threading.Event()
        self._proc: Optional[subprocess.Popen] = None
        self._reservation: Optional[socket.socket] = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._error: Optional[BaseException] = None
        self._released = False

    # -- paths
    @property
    def log_path(self) -> Path:
        assert self.workdir is not None, "Broker not started"
        return self.workdir / "mosquitto.log"

    @property
    def conf_path(self) -> Path:
        assert self.workdir is not None, "Broker not started"
        return self.workdir / "mosquitto.conf"

    @property
    def stderr_path(self) -> Path:
        assert self.workdir is not None, "Broker not started"
        return self.workdir / "mosquitto.stderr"

    # -- lifecycle
    def __enter__(self) -> "Broker":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "Broker":
        """Write the config and start mosquitto (now, or after start_delay in a thread).

        Returns once the port listens (start_delay == 0) or at once (start_delay > 0; use
        wait_started() to wait). Raises BrokerError if mosquitto does not come up.
        """
        _require("mosquitto", "mosquitto")
        for name in ("ca.crt", f"{self.cert}.crt", f"{self.cert}.key"):
            if not (self.pki_dir / name).is_file():
                raise BrokerError(f"{self.pki_dir / name} missing: run certs/gen-pki.sh first")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="e2e-broker-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Copies: paths without spaces for mosquitto.conf, and a stable snapshot of the PKI.
        for src, dst in (("ca.crt", "ca.crt"), (f"{self.cert}.crt", "server.crt"),
                         (f"{self.cert}.key", "server.key")):
            shutil.copyfile(self.pki_dir / src, self.workdir / dst)
            os.chmod(self.workdir / dst, 0o600)
        if re.search(r"\s", str(self.workdir)):
            raise BrokerError(f"workdir must not contain whitespace: {self.workdir}")
        if self._fixed_port is None:
            self._reservation = reserve_port()
            self.port = self._reservation.getsockname()[1]
        self._write_conf()
        _live.add(self)
        if self.start_delay > 0:
            self._thread = threading.Thread(target=self._delayed_start, name="broker-start",
                                            daemon=True)
            self._thread.start()
        else:
            try:
                self._launch()
            except BaseException:
                self.stop()
                raise
        return self

    def wait_started(self, timeout: Optional[float] = None) -> None:
        """Wait until the (delayed) broker listens; raise BrokerError if it failed."""
        if timeout is None:
            timeout = self.start_delay + self.startup_timeout + 1.0
        if not self.ready.wait(timeout):
            if self._error is not None:
                raise BrokerError(str(self._error)) from self._error
            raise BrokerError(f"broker not listening on port {self.port} after {timeout:.1f} s")

    def _delayed_start(self) -> None:
        if self._stopping.wait(self.start_delay):
            return
        try:
            self._launch()
        except BaseException as e:  # noqa: BLE001 - reported by wait_started()
            self._error = e
            return
        # mosquitto gets SIGTERM when the thread that spawned it ends (PR_SET_PDEATHSIG):
        # keep this thread alive until stop().
        self._stopping.wait()

    def _write_conf(self) -> None:
        assert self.workdir is not None
        user = pwd.getpwuid(os.getuid()).pw_name
        conf = f"""# Generated by tests/e2e/broker.py
# Global settings
per_listener_settings false
allow_anonymous false
persistence false
# Without this, mosquitto started as root drops to user "mosquitto" and cannot read our files.
user {user}
log_dest file {self.log_path}
log_type all
log_timestamp true
log_timestamp_format %Y-%m-%dT%H:%M:%S
connection_messages true

# Mutual-TLS listener on loopback only
listener {self.port} {LOOPBACK}
cafile {self.workdir / "ca.crt"}
certfile {self.workdir / "server.crt"}
keyfile {self.workdir / "server.key"}
require_certificate true
use_identity_as_username true
{"tls_version tlsv1.3" if self.tls == "1.3" else ""}
{self.extra_conf}
"""
        self.conf_path.write_text(conf)
        if self.tls == "1.2":
            (self.workdir / "openssl-tls12.cnf").write_text(TLS12_OPENSSL_CONF)

    def _launch(self) -> None:
        assert self.workdir is not None and self.port is not None
        with self._lock:
            if self._stopping.is_set():
                return
            log_start = self.log_mark()  # the log is appended to if workdir is reused
            with open(self.stderr_path, "ab") as err:
                env = None
                if self.tls == "1.2":
                    env = dict(os.environ, OPENSSL_CONF=str(self.workdir / "openssl-tls12.cnf"))
                self._proc = subprocess.Popen(
                    ["mosquitto", "-c", str(self.conf_path)],
                    stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=env,
                    cwd=self.workdir, start_new_session=self.new_session,
                    # A CLI broker must outlive the CLI; others die with their spawning thread.
                    preexec_fn=None if self.new_session else _PREEXEC,
                )
            self.pid = self._proc.pid
            _started.append(self.pid)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self._proc.poll() is not None:
                raise BrokerError(
                    f"mosquitto exited with {self._proc.returncode} while starting on port "
                    f"{self.port}:\n{_tail(self.stderr_path)}\n{_tail(self.log_path)}")
            # The "running" line comes after every listener is open; the port check confirms it.
            # (Checking the port alone could see another process on a fixed port.)
            if _RUNNING.search(self.log_text(), log_start) and port_is_listening(self.port):
                break
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"mosquitto not listening on port {self.port} after "
                    f"{self.startup_timeout} s:\n{_tail(self.log_path)}")
            time.sleep(0.02)
        self.started_at = time.monotonic()
        if self._reservation is not None:
            self._reservation.close()
            self._reservation = None
        self.ready.set()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """Stop mosquitto by PID (SIGTERM, SIGKILL after 3 s). Idempotent."""
        self._stopping.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            # _launch() is bounded by startup_timeout.
            self._thread.join(self.startup_timeout + 2.0)
        with self._lock:
            if self._proc is not None and not self._released:
                stop_pid(self._proc.pid, proc=self._proc)
        if self._reservation is not None:
            self._reservation.close()
            self._reservation = None
        _live.discard(self)
        if self._own_workdir and not self._keep_workdir and self.workdir is not None \
                and not self._released:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def release(self) -> int:
        """Forget the running mosquitto without stopping it (for the CLI) and return its PID."""
        assert self.pid is not None and self.running, "broker not running"
        self._released = True
        _released_pids.add(self.pid)
        _live.discard(self)
        return self.pid

    # -- log
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_mark(self) -> int:
        """Current log length; pass it as since= to wait_for_log() to see only later lines."""
        return len(self.log_text())

    def wait_for_log(self, regex: str, timeout: float = 5.0, since: int = 0) -> "re.Match[str]":
        """Wait until regex (re.MULTILINE) matches the log from offset since; return the match.

        Raises TimeoutError with the log tail.
        """
        pattern = re.compile(regex, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.log_text(), since)
            if m:
                return m
            if time.monotonic() > deadline:
                raise TimeoutError(f"no match for {regex!r} in broker log after {timeout} s; "
                                   f"tail:\n{_tail(self.log_path)}")
            time.sleep(0.05)


# --------------------------------------------------------------------------------------------
# Clients

_DEBUG_LINE = re.compile(r"^(Client \S* (sending|received) |Subscribed \(mid: |Unsubscribed )")
_observer_seq = 0


class Observer:
    """mosquitto_sub (certificate <cert>.crt, default observer.crt) collecting messages.

    Runs ``mosquitto_sub --cafile ca.crt --cert observer.crt --key observer.key -h localhost
    -p PORT -t TOPIC -q 1 -v -d`` in the background; start() returns once the SUBACK arrived.
    messages() returns the ``-v`` lines "topic payload" (payloads containing newlines come out as
    several lines). Stopped by PID.
    """

    def __init__(self, pki_dir: PathLike, port: int, topic: str = DEFAULT_TOPIC, *,
                 cert: str = "observer", host: str = "localhost", qos: int = 1,
                 client_id: Optional[str] = None, timeout: float = 5.0) -> None:
        global _observer_seq
        _observer_seq += 1
        self.pki_dir = Path(pki_dir)
        self.port = port
        self.topic = topic
        self.cert = cert
        self.host = host
        self.qos = qos
        self.client_id = client_id or f"observer-{os.getpid()}-{_observer_seq}"
        self.timeout = timeout
        self.pid: Optional[int] = None
        self._proc: Optional[subprocess.Popen] = None
        self._lines: List[str] = []
        self._messages: List[str] = []
        self._cond = threading.Condition()
        self._subscribed = False
        self._reader: Optional[threading.Thread] = None

    def __enter__(self) -> "Observer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> "Observer":
        _require("mosquitto_sub", "mosquitto-clients")
        cmd = ["mosquitto_sub", "--cafile", str(self.pki_dir / "ca.crt"),
               "--cert", str(self.pki_dir / f"{self.cert}.crt"),
               "--key", str(self.pki_dir / f"{self.cert}.key"),
               "-h", self.host, "-p", str(self.port), "-t", self.topic, "-q", str(self.qos),
               "-i", self.client_id, "-v", "-d"]
        # mosquitto_sub block-buffers its -d lines on a pipe: line-buffer it with stdbuf.
        if shutil.which("stdbuf"):
            cmd = ["stdbuf", "-oL"] + cmd
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, errors="replace",
                                      preexec_fn=_PREEXEC)
        self.pid = self._proc.pid
        _started.append(self.pid)
        _live.add(self)
        self._reader = threading.Thread(target=self._read, name="observer-read", daemon=True)
        self._reader.start()
        with self._cond:
            ok = self._cond.wait_for(lambda: self._subscribed or self._proc.poll() is not None,
                                     self.timeout)
        if not (ok and self._subscribed):
            out = self.output()
            self.stop()
            raise BrokerError(f"mosquitto_sub did not subscribe to {self.topic!r} on port "
                              f"{self.port}:\n{out}")
        return self

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        for raw in self._proc.stdout:
            line = raw.rstrip("\n")
            with self._cond:
                self._lines.append(line)
                if line.startswith("Subscribed (mid: "):
                    self._subscribed = True
                elif not _DEBUG_LINE.match(line):
                    self._messages.append(line)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def messages(self) -> List[str]:
        """The messages received so far, as "topic payload" lines."""
        with self._cond:
            return list(self._messages)

    def output(self) -> str:
        """Everything mosquitto_sub printed (debug lines included)."""
        with self._cond:
            return "\n".join(self._lines)

    def wait_for_message(self, regex: str = "", timeout: float = 5.0) -> str:
        """Wait for a message line matching regex (re.search); return it or raise TimeoutError."""
        pattern = re.compile(regex)
        with self._cond:
            found: List[str] = []

            def match() -> bool:
                found[:] = [m for m in self._messages if pattern.search(m)][:1]
                return bool(found)

            if not self._cond.wait_for(match, timeout):
                raise TimeoutError(f"no message matching {regex!r} after {timeout} s; "
                                   f"mosquitto_sub output:\n" + "\n".join(self._lines[-30:]))
            return found[0]

    def wait_for_count(self, regex: str, n: int, timeout: float = 5.0) -> List[str]:
        """Wait until at least n messages match regex (re.search); return all that match.

        Raises TimeoutError saying how many arrived.
        """
        pattern = re.compile(regex)
        with self._cond:
            def matching() -> List[str]:
                return [m for m in self._messages if pattern.search(m)]

            if not self._cond.wait_for(lambda: len(matching()) >= n, timeout):
                raise TimeoutError(f"{len(matching())} of {n} messages matching {regex!r} after "
                                   f"{timeout} s; mosquitto_sub output:\n"
                                   + "\n".join(self._lines[-30:]))
            return matching()

    def stop(self) -> None:
        """Stop mosquitto_sub by PID. Idempotent."""
        if self._proc is not None:
            stop_pid(self._proc.pid, proc=self._proc)
        if self._reader is not None:
            self._reader.join(2.0)
        if self._proc is not None and self._proc.stdout is not None:
            self._proc.stdout.close()
        _live.discard(self)


def publish(pki_dir: PathLike, port: int, topic: str, message: str, *, cert: str = "client",
            client_id: Optional[str] = None, host: str = "localhost", qos: int = 1,
            cafile: Optional[PathLike] = None, timeout: float = 10.0,
            env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """Publish one message with mosquitto_pub; returns the CompletedProcess (check returncode).

    cert=None connects without a client certificate. client_id defaults to the certificate's
    name. env: mosquitto_pub's environment (default ours). stdout and stderr are captured as
    text.
    """
    _require("mosquitto_pub", "mosquitto-clients")
    pki = Path(pki_dir)
    cmd = ["mosquitto_pub", "--cafile", str(cafile or pki / "ca.crt"), "-h", host,
           "-p", str(port), "-t", topic, "-m", message, "-q", str(qos),
           "-i", client_id or (cert or "no-cert-client")]
    if cert is not None:
        cmd += ["--cert", str(pki / f"{cert}.crt"), "--key", str(pki / f"{cert}.key")]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, env=env)


# --------------------------------------------------------------------------------------------
# CLI


def serve_cli(server, banner: str, duration: float) -> int:  # noqa: ANN001 - any server
    """The CLI of faultproxy.py and hostile_broker.py: start server (a context manager with
    .port and .report()), print its port on stdout and banner (formatted with port=) on stderr,
    serve for duration seconds (Ctrl-C ends it early), then print the report on stderr."""
    with server:
        print(server.port, flush=True)
        print(banner.format(port=server.port), file=sys.stderr)
        try:
            time.sleep(duration)
        except KeyboardInterrupt:
            pass
    print(server.report(), file=sys.stderr)
    return 0


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _cmd_serve(args: argparse.Namespace) -> int:
    pidfile = Path(args.pidfile)
    if pidfile.exists():
        try:
            old = int(pidfile.read_text().strip())
        except ValueError:
            old = -1
        if old > 0 and _pid_is(old, "mosquitto"):
            print(f"broker.py: a broker (PID {old}) is already running for {pidfile}; "
                  f"stop it first", file=sys.stderr)
            return 1
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="e2e-broker-"))
    broker = Broker(args.pki, args.cert, args.port, workdir=workdir, keep_workdir=True,
                    new_session=True, startup_timeout=args.timeout)
    try:
        broker.start()
    except BrokerError as e:
        print(f"broker.py: {e}", file=sys.stderr)
        broker.stop()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        return 1
    pid = broker.release()
    _write_atomic(pidfile, f"{pid}\n")
    if args.portfile:
        _write_atomic(Path(args.portfile), f"{broker.port}\n")
    print(broker.port)
    print(f"broker.py: mosquitto PID {pid} on {LOOPBACK}:{broker.port}, log {broker.log_path}",
          file=sys.stderr)
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    pidfile = Path(args.pidfile)
    try:
        pid = int(pidfile.read_text().strip())
    except FileNotFoundError:
        print(f"broker.py: no pidfile {pidfile}; nothing to stop", file=sys.stderr)
        return 0
    except ValueError:
        print(f"broker.py: {pidfile} does not hold a PID", file=sys.stderr)
        return 1
    if _pid_is(pid, "mosquitto"):
        stop_pid(pid)
        if _pid_alive(pid):
            print(f"broker.py: PID {pid} did not stop", file=sys.stderr)
            return 1
        print(f"broker.py: stopped mosquitto PID {pid}", file=sys.stderr)
    else:
        print(f"broker.py: PID {pid} is not a running mosquitto (stale pidfile)", file=sys.stderr)
    pidfile.unlink(missing_ok=True)
    return 0


def _cmd_free_port(_args: argparse.Namespace) -> int:
    print(free_port())
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Test mosquitto broker with a mutual-TLS listener.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="start a broker in the background; print its port")
    s.add_argument("--pki", default=str(DEFAULT_PKI_DIR), help="PKI dir (default: %(default)s)")
    s.add_argument("--cert", default="server",
                   help="server cert base name: server, server-wronghost, server-expired")
    s.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    s.add_argument("--pidfile", required=True, help="file to write mosquitto's PID to")
    s.add_argument("--portfile", default=None, help="file to write the port to")
    s.add_argument("--workdir", default=None,
                   help="dir for mosquitto.conf/.log (default: a new temp dir, kept)")
    s.add_argument("--timeout", type=float, default=DEFAULT_STARTUP_TIMEOUT_S,
                   help="seconds to wait for the listener (default: %(default)s)")
    s.set_defaults(func=_cmd_serve)
    t = sub.add_parser("stop", help="stop the broker whose PID is in --pidfile")
    t.add_argument("--pidfile", required=True)
    t.set_defaults(func=_cmd_stop)
    f = sub.add_parser("free-port", help="print a currently free loopback port (racy)")
    f.set_defaults(func=_cmd_free_port)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
