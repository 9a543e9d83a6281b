/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * log_format.h - the log line format every DemoLog_Write() sink writes:
 * c-shim's src/log_sink_posix.c and the boards' own sinks under demos/
 * (e.g. demos/mps2/log_sink_mps2.c).
 */
#ifndef LOG_FORMAT_H
#define LOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "demo_log.h"

/*
 * Longest "[tick] [LEVEL] " prefix: "[" + 20 digits (UINT64_MAX) + "] [" +
 * "L-2147483648" (INT32_MIN as an unknown level) + "] ".
 */
#define DEMO_LOG_PREFIX_MAX 38

/* Smallest buffer DemoLog_FormatLine() accepts: a prefix and "...\n". */
#define DEMO_LOG_FORMAT_MIN_CAP (DEMO_LOG_PREFIX_MAX + 4)

/* The sinks format into a DEMO_LOG_LINE_MAX buffer. */
_Static_assert(DEMO_LOG_LINE_MAX >= 64, "DEMO_LOG_LINE_MAX is too small");
_Static_assert(DEMO_LOG_LINE_MAX >= DEMO_LOG_FORMAT_MIN_CAP,
	       "DEMO_LOG_LINE_MAX cannot hold a prefix and \"...\\n\"");

/**
 * DemoLog_FormatLine() - build one log line "[tick] [LEVEL] message\n".
 * @buf:     where the line goes; not NUL-terminated.
 * @cap:     size of @buf, at least DEMO_LOG_FORMAT_MIN_CAP.
 * @tick:    tick count printed in decimal.
 * @level:   DEMO_LOG_ERROR .. DEMO_LOG_DEBUG print as ERROR, WARN, INFO,
 *           DEBUG; any other value as "L<n>" (e.g. "L0", "L-1", "L7").
 * @message: the text, copied byte for byte (a newline or NUL in it is
 *           copied too); NULL is taken as empty.
 * @length:  number of bytes in @message.
 *
 * A newline is always appended. A line that would not fit in @cap bytes
 * is cut so that it ends in "...\n" and is exactly @cap bytes long.
 *
 * Return: length of the line in @buf (at most @cap), or 0 if @buf is NULL
 * or @cap is below DEMO_LOG_FORMAT_MIN_CAP (nothing is written then).
 */
size_t DemoLog_FormatLine(char *buf, size_t cap, uint64_t tick, int32_t level,
			  const char *message, size_t length);

#endif /* LOG_FORMAT_H */
