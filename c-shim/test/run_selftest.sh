#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Run c_shim_selftest against a throwaway mosquitto with mutual-TLS listeners.
#
# Usage: c-shim/test/run_selftest.sh SELFTEST_BINARY [PKI_DIR]
#
#   SELFTEST_BINARY  built with -DC_SHIM_BUILD_SELFTEST=ON, e.g.
#                    cmake -S demos/posix -B build/posix -DC_SHIM_BUILD_SELFTEST=ON
#                    cmake --build build/posix --target c_shim_selftest
#   PKI_DIR          output of certs/gen-pki.sh (default: certs/generated)
#
# Cases: success (PKCS#11 + TLS + MQTT CONNECT/CONNACK/DISCONNECT), wrong root
# CA, wrong host name, expired server certificate, client certificate from an
# unknown CA, key not matching the certificate, heap too small, connection
# refused, DNS failure. The broker listens on free loopback ports and is killed by PID.
# First runs the host unit test of the log line format (run_log_format_test.sh).
set -euo pipefail

die() {
    echo "run_selftest.sh: $*" >&2
    exit 2
}

[ $# -ge 1 ] || die "usage: $0 SELFTEST_BINARY [PKI_DIR]"
bin="$(realpath "$1")"
repo="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
pki="$(realpath "${2:-$repo/certs/generated}")"
[ -x "$bin" ] || die "$bin is not executable"
[ -s "$pki/server.key" ] || die "no PKI in $pki (run certs/gen-pki.sh)"
command -v mosquitto >/dev/null || die "mosquitto not found (apt-get install mosquitto)"

if ! out="$("$repo/c-shim/test/run_log_format_test.sh" 2>&1)"; then
    echo "$out"
    die "log format unit test failed"
fi
echo "=== log format unit test: ok"

work="$(mktemp -d)"
broker_pid=""
broker12_pid=""
cleanup() {
    local pid
    for pid in $broker_pid $broker12_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf -- "$work"
}
trap cleanup EXIT

# Five free ports: four listeners and one where nothing listens.
read -r p_ok p_wronghost p_expired p_tls12 p_closed < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

listener() {
    cat <<EOF
listener $1 127.0.0.1
cafile $pki/ca.crt
certfile $pki/$2.crt
keyfile $pki/$2.key
require_certificate true
use_identity_as_username true
EOF
}

{
    # mosquitto started as root drops to user "mosquitto", which cannot
    # read the keys: stay the current user.
    echo "user $(id -un)"
    echo "per_listener_settings false"
    echo "allow_anonymous true"
    echo "log_dest file $work/mosquitto.log"
    listener "$p_ok" server
    listener "$p_wronghost" server-wronghost
    listener "$p_expired" server-expired
} >"$work/mosquitto.conf"

# A second broker capped at TLS 1.2 (an OpenSSL config in its environment:
# mosquitto's tls_version is only a minimum), where the server refuses an
# unknown client certificate inside the handshake. With TLS 1.3 the refusal
# comes after the client's handshake, at its first receive or during the
# connect depending on timing (test_tls_versions.py covers that end to end).
{
    echo "user $(id -un)"
    echo "allow_anonymous true"
    echo "log_dest file $work/mosquitto12.log"
    listener "$p_tls12" server
} >"$work/mosquitto12.conf"
printf 'openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = tls12\n[tls12]\nMaxProtocol = TLSv1.2\n' \
    >"$work/openssl-tls12.cnf"

mosquitto -c "$work/mosquitto.conf" &
broker_pid=$!
OPENSSL_CONF="$work/openssl-tls12.cnf" mosquitto -c "$work/mosquitto12.conf" &
broker12_pid=$!
for port in "$p_expired" "$p_tls12"; do
    for _ in $(seq 50); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
done

failed=0
run() {
    local name="$1"
    shift
    echo "=== $name"
    if "$bin" "$@"; then
        echo "--- ok: $name"
    else
        echo "--- FAILED: $name"
        failed=$((failed + 1))
    fi
}

run "success" localhost "$p_ok" "$pki/ca.crt" "$pki/client.crt" "$pki/client.key"
run "wrong root CA" localhost "$p_ok" "$pki/other-ca.crt" "$pki/client.crt" "$pki/client.key" handshake
run "wrong host name" localhost "$p_wronghost" "$pki/ca.crt" "$pki/client.crt" "$pki/client.key" handshake
run "expired server certificate" localhost "$p_expired" "$pki/ca.crt" "$pki/client.crt" "$pki/client.key" handshake
run "client certificate from an unknown CA" localhost "$p_tls12" "$pki/ca.crt" "$pki/other-client.crt" "$pki/other-client.key" handshake
run "key does not match the certificate" localhost "$p_ok" "$pki/ca.crt" "$pki/client.crt" "$pki/other-client.key" credentials
run "out of memory" localhost "$p_ok" "$pki/ca.crt" "$pki/client.crt" "$pki/client.key" memory
run "connection refused" localhost "$p_closed" "$pki/ca.crt" "$pki/client.crt" "$pki/client.key" connect
run "DNS failure" no-such-host.invalid "$p_ok" "$pki/ca.crt" "$pki/client.crt" "$pki/client.key" connect

if [ "$failed" -ne 0 ]; then
    echo "run_selftest.sh: $failed case(s) failed; broker logs:"
    cat "$work/mosquitto.log" "$work/mosquitto12.log"
    exit 1
fi
echo "run_selftest.sh: all cases passed"
