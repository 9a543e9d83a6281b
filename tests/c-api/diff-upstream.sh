#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# diff-upstream.sh - optional, local only: the C API tests of this directory
# built twice, against upstream coreMQTT v2.3.1 + backoffAlgorithm C sources
# (with TEST_UPSTREAM, see deviations.h) and against this component's
# staticlib, and both run. CI never runs this and the repository holds no
# upstream code: point it at your own checkouts.
#
#   tests/c-api/diff-upstream.sh COREMQTT_DIR BACKOFF_DIR [FILTER]
#   COREMQTT_DIR=... BACKOFF_DIR=... tests/c-api/diff-upstream.sh [FILTER]
#
# COREMQTT_DIR holds source/core_mqtt.c (coreMQTT v2.3.1), BACKOFF_DIR
# source/backoff_algorithm.c. Needs target/release/libcoremqtt_rs.a
# (cargo build --release -p rust-component --features coremqtt).
# Exit status 0 when both runs pass: every difference between the two is
# then one that deviations.h names.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ $# -ge 2 ]; then
	COREMQTT_DIR=$1
	BACKOFF_DIR=$2
	shift 2
fi
: "${COREMQTT_DIR:?usage: $0 COREMQTT_DIR BACKOFF_DIR [FILTER] (or set COREMQTT_DIR and BACKOFF_DIR)}"
: "${BACKOFF_DIR:?usage: $0 COREMQTT_DIR BACKOFF_DIR [FILTER]}"
for f in "$COREMQTT_DIR/source/core_mqtt.c" "$BACKOFF_DIR/source/backoff_algorithm.c"; do
	[ -f "$f" ] || { echo "diff-upstream.sh: $f not found" >&2; exit 2; }
done
grep -q 'MQTT_LIBRARY_VERSION *"v2.3.1"' "$COREMQTT_DIR/source/include/core_mqtt.h" ||
	echo "diff-upstream.sh: warning: $COREMQTT_DIR is not coreMQTT v2.3.1" >&2

build="$repo/build/c-api-upstream"
mkdir -p "$build"
CC=${CC:-cc}
inc=(-I"$COREMQTT_DIR/source/include" -I"$COREMQTT_DIR/source/interface"
	-I"$BACKOFF_DIR/source/include")
cfg=(-DMQTT_DO_NOT_USE_CUSTOM_CONFIG)

# Upstream's own code: its warnings are not ours to fix (no -Werror).
objs=()
for src in "$COREMQTT_DIR"/source/core_mqtt*.c "$BACKOFF_DIR/source/backoff_algorithm.c"; do
	obj="$build/upstream_$(basename "${src%.c}").o"
	"$CC" -std=c11 -O1 -g "${cfg[@]}" "${inc[@]}" -c "$src" -o "$obj"
	objs+=("$obj")
done
# Ours: the same flags as the Makefile.
for src in main.c unit.c fake.c test_init.c test_connect.c test_publish.c \
	test_subscribe.c test_loop.c test_topic.c test_backoff.c; do
	obj="$build/${src%.c}.o"
	"$CC" -std=c11 -O1 -g -Wall -Wextra -Werror -Wpedantic -Wconversion -Wshadow -Wstrict-prototypes \
		-Wmissing-prototypes -Wcast-qual -Wwrite-strings -DTEST_UPSTREAM \
		"${cfg[@]}" "${inc[@]}" -c "$here/$src" -o "$obj"
	objs+=("$obj")
done
"$CC" "${objs[@]}" -o "$build/capi_tests_upstream"

make -s -C "$here" >/dev/null

status=0
echo "=== upstream coreMQTT / backoffAlgorithm ($COREMQTT_DIR, $BACKOFF_DIR)"
"$build/capi_tests_upstream" "$@" || status=1
echo
echo "=== this component (libcoremqtt_rs.a)"
"$repo/build/c-api/capi_tests" "$@" || status=1
echo
echo "deviations and known issues marked in tests/c-api/deviations.h:"
grep -oE '^#define (DEV|UNDOC|KNOWN)_[A-Z0-9_]+' "$here/deviations.h" | sed 's/#define /  /'
exit $status
