// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_format.c - DemoLog_FormatLine(): the "[tick] [LEVEL] message\n" line
 * every log sink writes. The sink reads the tick count, holds its lock and
 * owns the buffer; this file only fills the buffer, so it builds on the host
 * too (c-shim/test/run_log_format_test.sh).
 */
#include <string.h>

#include "log_format.h"

static const char truncation_mark[] = "...\n";

static const char *level_name(int32_t level)
{
	switch (level) {
	case DEMO_LOG_ERROR:
		return "ERROR";
	case DEMO_LOG_WARN:
		return "WARN";
	case DEMO_LOG_INFO:
		return "INFO";
	case DEMO_LOG_DEBUG:
		return "DEBUG";
	default:
		return NULL;
	}
}

/* Appends the decimal form of @value at @pos; returns the new position. */
static size_t put_u64(char *buf, size_t pos, uint64_t value)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + (value % 10U));
		value /= 10U;
	} while (value != 0U);

	while (n > 0)
		buf[pos++] = digits[--n];
	return pos;
}

static size_t put_str(char *buf, size_t pos, const char *s)
{
	size_t len = strlen(s);

	memcpy(&buf[pos], s, len);
	return pos + len;
}

/* Writes "[tick] [LEVEL] "; returns its length (<= DEMO_LOG_PREFIX_MAX). */
static size_t put_prefix(char *buf, uint64_t tick, int32_t level)
{
	const char *name = level_name(level);
	size_t pos = 0;

	buf[pos++] = '[';
	pos = put_u64(buf, pos, tick);
	pos = put_str(buf, pos, "] [");
	if (name) {
		pos = put_str(buf, pos, name);
	} else {
		buf[pos++] = 'L';
		if (level < 0) {
			buf[pos++] = '-';
			pos = put_u64(buf, pos, (uint64_t)(-(int64_t)level));
		} else {
			pos = put_u64(buf, pos, (uint64_t)level);
		}
	}
	return put_str(buf, pos, "] ");
}

size_t DemoLog_FormatLine(char *buf, size_t cap, uint64_t tick, int32_t level,
			  const char *message, size_t length)
{
	size_t pos;
	size_t room;

	if (!buf || cap < DEMO_LOG_FORMAT_MIN_CAP)
		return 0;
	if (!message)
		length = 0;

	pos = put_prefix(buf, tick, level);
	room = cap - pos - 1; /* 1 for the newline */

	if (length > room) {
		room = cap - pos - (sizeof(truncation_mark) - 1);
		memcpy(&buf[pos], message, room);
		pos += room;
		return put_str(buf, pos, truncation_mark);
	}

	if (length > 0)
		memcpy(&buf[pos], message, length);
	pos += length;
	buf[pos++] = '\n';
	return pos;
}
