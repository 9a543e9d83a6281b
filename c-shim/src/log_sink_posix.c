// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_sink_posix.c - DemoLog_Write() for the FreeRTOS POSIX simulator.
 *
 * Each line is built in a static buffer and written to stdout with one
 * write(2), both inside a FreeRTOS critical section. On the POSIX port a
 * critical section blocks the tick signal in the calling thread, so no other
 * task can run (and no EINTR can hit the write) until the line is out. This
 * serialises lines from all tasks without a pthread mutex, which would be
 * wrong across FreeRTOS tasks (a task suspended while holding it would block
 * every other task's thread outside the scheduler's control).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "FreeRTOS.h"
#include "task.h"

#include "demo_log.h"

static const char truncation_mark[] = "...\n";

/* Guarded by the critical section in DemoLog_Write(). */
static char line_buf[DEMO_LOG_LINE_MAX];

_Static_assert(DEMO_LOG_LINE_MAX >= 64, "DEMO_LOG_LINE_MAX is too small");

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

/* Append the decimal form of @value at @pos; returns the new position. */
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

/* Writes "[tick] [LEVEL] " and returns its length (at most 40 bytes). */
static size_t put_prefix(char *buf, int32_t level)
{
	const char *name = level_name(level);
	size_t pos = 0;

	buf[pos++] = '[';
	pos = put_u64(buf, pos, (uint64_t)xTaskGetTickCount());
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

/*
 * Writes everything, retrying after EINTR and partial writes. Gives up on
 * any other error (stdout closed or non-blocking and full): there is no
 * other place to report that.
 */
static void write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Builds the line in line_buf and returns its length. */
static size_t format_line(int32_t level, const char *message, size_t length)
{
	size_t pos = put_prefix(line_buf, level);
	size_t room = sizeof(line_buf) - pos - 1; /* 1 for the newline */

	if (length > room) {
		room = sizeof(line_buf) - pos - (sizeof(truncation_mark) - 1);
		memcpy(&line_buf[pos], message, room);
		pos += room;
		return put_str(line_buf, pos, truncation_mark);
	}

	if (length > 0)
		memcpy(&line_buf[pos], message, length);
	pos += length;
	line_buf[pos++] = '\n';
	return pos;
}

void DemoLog_Write(int32_t level, const char *message, size_t length)
{
	size_t len;

	if (!message)
		length = 0;

	taskENTER_CRITICAL();
	len = format_line(level, message, length);
	write_all(line_buf, len);
	taskEXIT_CRITICAL();
}
