"""mbedTLS 3.6 (default) with TLS 1.3 and with TLS 1.2, and mbedTLS 2.28 (build option
DEMO_MBEDTLS=2.28, TLS 1.2), each end to end on the POSIX image and the Cortex-M3 firmware under
QEMU, against mosquitto forced to the version (its listener's tls_version for 1.3; an OpenSSL
MaxProtocol cap for 1.2). The Cortex-M3 runs also give the memory and flash figures, printed as
a table at the end (tools/tls-figures prints the same table for the README).

The default 3.6 images are the ones test_posix_demo.py / test_qemu_demo.py build (same
configuration, so the build is shared); 2.28 adds one build of each image.
"""

from __future__ import annotations

import re

import pytest

from demo_image import outcome_table
from tls_matrix import run, table

HEAP_TARGET = 40 * 1024

# (image, mbedTLS line, broker's TLS version, expected negotiated version)
CASES = [
    ("posix", "3.6", "1.3", "TLSv1.3"),
    ("posix", "3.6", "1.2", "TLSv1.2"),
    ("posix", "2.28", None, "TLSv1.2"),
    ("qemu", "3.6", "1.3", "TLSv1.3"),
    ("qemu", "3.6", "1.2", "TLSv1.2"),
    ("qemu", "2.28", None, "TLSv1.2"),
]
TITLE = "TLS versions and mbedTLS lines (end to end)"
HEADER = ["image", "mbedTLS", "broker", "negotiated", "suite", "heap peak", "result"]
_qemu_outcomes = []


@pytest.mark.parametrize("kind,mbedtls,broker_tls,version", CASES,
                         ids=[f"{k}-{m}-tls{b or 'any'}" for k, m, b, _ in CASES])
def test_demo_completes_with_the_forced_tls_version(pki, request, kind, mbedtls, broker_tls,
                                                    version):
    o = run(pki, kind, mbedtls, broker_tls)
    rows = outcome_table(request.config, TITLE, HEADER)
    ok = (o.rc == 0 and o.versions == [version, version]
          and re.search(r"demo finished: 2 of 2 iterations succeeded", o.log) is not None)
    if kind == "qemu":
        ok = ok and o.heap_peak is not None and o.heap_size == HEAP_TARGET \
            and o.heap_peak <= HEAP_TARGET and o.stack_used is not None
        _qemu_outcomes.append(o)
    rows.append([kind, mbedtls, broker_tls or "1.2+1.3", ",".join(o.versions) or "-",
                 o.suites[0] if o.suites else "-",
                 f"{o.heap_peak} of {o.heap_size}" if o.heap_peak else "-",
                 "PASS" if ok else "FAIL"])
    assert o.rc == 0, o.log
    assert o.versions == [version, version], o.log
    assert re.search(r"demo finished: 2 of 2 iterations succeeded", o.log), o.log
    if version == "TLSv1.3":
        assert all(s.startswith("TLS1-3-AES-") for s in o.suites), o.suites
    else:
        assert all(s.startswith("TLS-ECDHE-ECDSA-WITH-AES-") for s in o.suites), o.suites
    if kind == "qemu":
        # The demo completes within a 40 KiB FreeRTOS heap, whatever the TLS line.
        assert o.heap_size == HEAP_TARGET and o.heap_peak is not None, o.log
        assert o.heap_peak <= HEAP_TARGET, o.log
        assert o.stack_used is not None and o.stack_used < o.stack_size, o.log
        assert o.flash and o.flash_mbedtls, o.log
        if len(_qemu_outcomes) == 3:
            print("\n" + table(_qemu_outcomes))


def test_tls13_refusal_of_the_client_certificate_is_logged_by_name(pki):
    """With TLS 1.3 the server checks the client certificate after the client has sent its
    Finished: the refusal (an encrypted fatal alert, then a reset) races the client's last
    handshake step. Either the handshake fails (the reset; retried with backoff) or it completes
    and the alert arrives at the first receive, logged by name; both ways the iteration fails
    and the broker never sees an MQTT client."""
    from broker import Broker
    from demo_image import build_image, image_port, run_image
    exe = build_image(pki, image_port(), 1, DEMO_CREDENTIALS_HEADER="demo_credentials_unknown_client.h")
    with Broker(pki, port=image_port(), tls="1.3") as broker:
        r = run_image(exe)
        assert r.rc != 0, r.log
        after = re.search(r"TLS recv: server sent fatal alert \d+ \((unknown_ca|"
                          r"bad_certificate|certificate_unknown|certificate_required)", r.log)
        during = re.search(r"TLS handshake with localhost:\d+ failed: (the server dropped the "
                           r"connection|server sent fatal alert)", r.log)
        assert after or during, r.log
        if after:
            assert re.search(r"TLS established with localhost:\d+: TLSv1\.3", r.log), r.log
        assert re.search(r"iteration 1 failed", r.log), r.log
        assert "New client connected" not in broker.log_text(), broker.log_text()[-2000:]
