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
 * every other task's thread outside the scheduler's control). The line
 * itself comes from DemoLog_FormatLine() (log_format.c).
 */
#include <errno.h>
#include <unistd.h>

#include "FreeRTOS.h"
#include "task.h"

#include "demo_log.h"
#include "log_format.h"

/* Guarded by the critical section in DemoLog_Write(). */
static char line_buf[DEMO_LOG_LINE_MAX];

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

void DemoLog_Write(int32_t level, const char *message, size_t length)
{
	size_t len;

	taskENTER_CRITICAL();
	len = DemoLog_FormatLine(line_buf, sizeof(line_buf),
				 (uint64_t)xTaskGetTickCount(), level, message,
				 length);
	write_all(line_buf, len);
	taskEXIT_CRITICAL();
}
