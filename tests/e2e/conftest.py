"""Fixtures for the end-to-end tests: test PKI and mosquitto brokers with a mutual-TLS listener.

Fixtures:
  pki             (session) Path of the PKI directory, made or reused by certs/gen-pki.sh.
                  Default certs/generated: the same directory the firmware images take their
                  demo_credentials*.h from, so images built before the tests trust the broker.
                  gen-pki.sh is idempotent; if the directory already holds a PKI, its algorithm and
                  client id (pki.stamp) are kept. Override the directory with E2E_PKI_DIR.
  client_id       (session) the MQTT client id = CN of client.crt (from pki.stamp).
  broker          (session) a running broker.Broker with server.crt on a free loopback port.
  broker_factory  (function) make_broker(cert="server", **kwargs) -> started Broker (any
                  Broker keyword, e.g. start_delay=3.0); all are stopped after the test.
  observer_factory (function) make_observer(port, topic=..., **kwargs) -> started Observer;
                  all are stopped after the test.

At the end of the session the `pki` fixture fails the run if any mosquitto/mosquitto_sub that the
tests started is still alive.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

E2E_DIR = Path(__file__).resolve().parent
if str(E2E_DIR) not in sys.path:
    sys.path.insert(0, str(E2E_DIR))

import broker as broker_mod  # noqa: E402  (needs the sys.path entry above)
from broker import Broker, Observer, read_stamp  # noqa: E402

REPO_ROOT = E2E_DIR.parents[1]
GEN_PKI = REPO_ROOT / "certs" / "gen-pki.sh"


def ensure_pki(pki_dir: Path) -> Path:
    """Run gen-pki.sh on pki_dir, keeping the algorithm and client id already there."""
    stamp = read_stamp(pki_dir)
    args = ["bash", str(GEN_PKI), "--out", str(pki_dir)]
    if stamp.get("algorithm") == "rsa-2048":
        args.append("--rsa")
    if stamp.get("client_id"):
        args += ["--client-id", stamp["client_id"]]
    res = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=120)
    if res.returncode != 0:
        pytest.fail(f"gen-pki.sh failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return pki_dir


@pytest.fixture(scope="session")
def pki() -> Iterator[Path]:
    pki_dir = Path(os.environ.get("E2E_PKI_DIR", REPO_ROOT / "certs" / "generated")).resolve()
    yield ensure_pki(pki_dir)
    # Torn down after every fixture that uses it, i.e. after all brokers are stopped.
    leftovers = broker_mod.leftover_pids()
    if leftovers:
        pytest.fail(f"processes started by the tests are still running: {leftovers}")


@pytest.fixture(scope="session")
def client_id(pki: Path) -> str:
    return read_stamp(pki).get("client_id", "freertos-rust-demo")


@pytest.fixture(scope="session")
def broker(pki: Path) -> Iterator[Broker]:
    with Broker(pki, "server") as b:
        yield b


@pytest.fixture
def broker_factory(pki: Path) -> Iterator[Callable[..., Broker]]:
    made: List[Broker] = []

    def make_broker(cert: str = "server", **kwargs: object) -> Broker:
        b = Broker(pki, cert, **kwargs)  # type: ignore[arg-type]
        made.append(b)
        return b.start()

    yield make_broker
    for b in made:
        b.stop()


@pytest.fixture
def observer_factory(pki: Path) -> Iterator[Callable[..., Observer]]:
    made: List[Observer] = []

    def make_observer(port: int, topic: str = broker_mod.DEFAULT_TOPIC,
                      **kwargs: object) -> Observer:
        o = Observer(pki, port, topic, **kwargs)  # type: ignore[arg-type]
        made.append(o)
        return o.start()

    yield make_observer
    for o in made:
        o.stop()
