// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_printf.c - DemoLog_Printf(): printf-style front end of the log sink.
 * Platform independent; the platform provides DemoLog_Write().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "demo_log.h"

#ifndef DEMO_LOG_LEVEL
#define DEMO_LOG_LEVEL DEMO_LOG_INFO
#endif

static const char truncation_mark[] = "...";

void DemoLog_Printf(int32_t level, const char *fmt, ...)
{
	char msg[DEMO_LOG_LINE_MAX];
	size_t len;
	va_list ap;
	int n;

	if (level > DEMO_LOG_LEVEL || !fmt)
		return;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (n < 0) {
		static const char bad[] = "(log format error)";

		DemoLog_Write(level, bad, sizeof(bad) - 1);
		return;
	}

	len = (size_t)n;
	if (len >= sizeof(msg)) {
		len = sizeof(msg) - 1;
		memcpy(&msg[len - (sizeof(truncation_mark) - 1)],
		       truncation_mark, sizeof(truncation_mark) - 1);
	}
	DemoLog_Write(level, msg, len);
}
