#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Build log_format_test.c with src/log_format.c using the host compiler
# (CC, default cc) and the warnings the firmware builds use, then run it,
# once with the default DEMO_LOG_LINE_MAX and once with the smallest allowed.
#
# Usage: c-shim/test/run_log_format_test.sh
set -euo pipefail

shim="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

for line_max in default 64; do
    defs=()
    [ "$line_max" = default ] || defs=("-DDEMO_LOG_LINE_MAX=$line_max")
    echo "=== log format test, DEMO_LOG_LINE_MAX $line_max"
    "${CC:-cc}" -std=c11 -pedantic -O1 -g \
        -Wall -Wextra -Werror \
        -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wundef \
        -fsanitize=address,undefined -fno-sanitize-recover=all \
        "${defs[@]}" \
        -I "$shim/include" -I "$shim/src" \
        -o "$work/log_format_test" \
        "$shim/src/log_format.c" "$shim/test/log_format_test.c"
    "$work/log_format_test"
done
