// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_sink_mps2.c - DemoLog_Write() on UART0 of the ARM MPS2 boards
 * (AN385, AN386: CMSDK APB UART at 0x40004000), polled transmit through
 * board_raw_write() (board.c), which enables the UART on first use.
 *
 * Each line is built in a static buffer
 * by DemoLog_FormatLine() (c-shim/src/log_format.c) and written out with the
 * scheduler suspended, so lines from several tasks never interleave while
 * interrupts (the Ethernet receive ISR) keep running.
 * Before the scheduler starts there is only one thread of execution and no
 * lock is needed. In handler mode (a fault handler), the line is written
 * without locking; that is the only case where a line could interleave.
 *
 * Under QEMU the transmitter never fills (-serial stdio); on hardware at
 * 115200 baud a 100-character line keeps the scheduler suspended ~9 ms:
 * use an interrupt-driven or DMA UART there.
 */
#include <stdbool.h>
#include <stdint.h>

#include "FreeRTOS.h"
#include "task.h"

#include "board.h"
#include "demo_log.h"
#include "log_format.h"

/* Guarded by the scheduler lock in DemoLog_Write(). */
static char line_buf[DEMO_LOG_LINE_MAX];

static bool in_handler_mode(void)
{
	uint32_t ipsr;

	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	return (ipsr & 0x1FFU) != 0;
}

void DemoLog_Write(int32_t level, const char *message, size_t length)
{
	bool isr = in_handler_mode();
	bool lock = !isr &&
		xTaskGetSchedulerState() == taskSCHEDULER_RUNNING;
	TickType_t tick;
	size_t len;

	if (lock)
		vTaskSuspendAll();
	tick = isr ? xTaskGetTickCountFromISR() : xTaskGetTickCount();
	len = DemoLog_FormatLine(line_buf, sizeof(line_buf), (uint64_t)tick,
				 level, message, length);
	board_raw_write(line_buf, (unsigned int)len);
	if (lock)
		(void)xTaskResumeAll();
}
