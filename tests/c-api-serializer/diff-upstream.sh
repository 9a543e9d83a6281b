#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# diff-upstream.sh - optional, local only: the serializer tests of this
# directory built against upstream coreMQTT v2.3.1's C sources (with
# TEST_UPSTREAM: every marked expectation takes upstream's value, see
# check.h) and against this component's staticlib, both run; then the
# randomized differential run (diff_random.c: both implementations in one
# program, the same random inputs, every difference classified).
#
#   tests/c-api-serializer/diff-upstream.sh COREMQTT_DIR [ITERATIONS [SEED]]
#
# COREMQTT_DIR holds source/core_mqtt_serializer.c of coreMQTT v2.3.1. CI
# never runs this, and the repository holds no upstream code. Needs
# target/release/libcoremqtt_rs.a (cargo build --release -p
# rust-component --features coremqtt). Exit status 0 when both test runs
# pass and the random run finds no unexplained difference.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
COREMQTT_DIR=${1:?usage: $0 COREMQTT_DIR [ITERATIONS [SEED]]}
iterations=${2:-1000000}
seed=${3:-1}
src="$COREMQTT_DIR/source"
[ -f "$src/core_mqtt_serializer.c" ] ||
	{ echo "diff-upstream.sh: $src/core_mqtt_serializer.c not found" >&2; exit 2; }
grep -q 'MQTT_LIBRARY_VERSION *"v2.3.1"' "$src/include/core_mqtt.h" ||
	echo "diff-upstream.sh: warning: $COREMQTT_DIR is not coreMQTT v2.3.1" >&2
lib="$repo/target/release/libcoremqtt_rs.a"
[ -f "$lib" ] || { echo "diff-upstream.sh: $lib missing (cargo build --release -p rust-component --features coremqtt)" >&2; exit 2; }

build="$repo/build/c-api-serializer-upstream"
mkdir -p "$build"
CC=${CC:-cc}
up_inc=(-I"$src/include" -I"$src/interface" -DMQTT_DO_NOT_USE_CUSTOM_CONFIG)
warn=(-std=c11 -O1 -g -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wcast-qual -Wwrite-strings)

# Upstream's own code, as it is (its warnings are not ours to fix).
up_objs=()
for f in "$src"/*.c; do
	o="$build/upstream_$(basename "${f%.c}").o"
	"$CC" -std=c11 -O1 -g "${up_inc[@]}" -c "$f" -o "$o"
	up_objs+=("$o")
done
# The tests, declarations from this component's header (so the upstream
# build also checks that they match upstream's definitions).
objs=()
for f in check.c common.c ref.c test_connect.c test_publish.c test_subscribe.c \
	test_small.c test_incoming.c; do
	o="$build/${f%.c}.o"
	"$CC" "${warn[@]}" -DTEST_UPSTREAM -I"$repo/rust-component/include" -c "$here/$f" -o "$o"
	objs+=("$o")
done
"$CC" "${objs[@]}" "${up_objs[@]}" -o "$build/tests_upstream"
make -s -C "$here" >/dev/null

status=0
echo "=== the tests against upstream coreMQTT ($COREMQTT_DIR)"
"$build/tests_upstream" | grep -v '^ok ' || status=1
echo
echo "=== the tests against this component"
"$repo/build/c-api-serializer/c_api_serializer_tests" | grep -v '^ok ' || status=1

# Both in one program: upstream's serializer with its public symbols
# renamed UP_*. Without its assert()s: random remaining lengths make it
# write past the buffer size it was given (never past the memory the
# program gives it), which it asserts against.
obj="$build/upstream_serializer_ndebug.o"
"$CC" -std=c11 -O1 -g -DNDEBUG "${up_inc[@]}" -c "$src/core_mqtt_serializer.c" -o "$obj"
renamed="$build/upstream_renamed.o"
syms=$(nm -g --defined-only "$obj" | awk '$3 ~ /^MQTT_/ { print "--redefine-sym " $3 "=UP_" $3 }')
# shellcheck disable=SC2086
objcopy $syms "$obj" "$renamed"
"$CC" "${warn[@]}" -I"$repo/rust-component/include" -c "$here/diff_random.c" -o "$build/diff_random.o"
"$CC" "$build/diff_random.o" "$build/ref.o" "$renamed" "$lib" -o "$build/diff_random"
echo
echo "=== randomized differential run ($iterations inputs, seed $seed)"
"$build/diff_random" "$iterations" "$seed" || status=1
exit $status
