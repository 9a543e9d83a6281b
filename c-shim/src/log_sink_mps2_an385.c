// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_sink_mps2_an385.c - DemoLog_Write() on UART0 of the ARM MPS2 AN385
 * board (CMSDK APB UART at 0x40004000), polled transmit.
 *
 * The UART is enabled on first use. Each line is built in a static buffer
 * and written out with the scheduler suspended, so lines from several tasks
 * never interleave while interrupts (the Ethernet receive ISR) keep running.
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
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "demo_log.h"

#define UART0_BASE      0x40004000UL
#define UART_REG(off)   (*(volatile uint32_t *)(UART0_BASE + (off)))
#define UART_DATA       UART_REG(0x00)
#define UART_STATE      UART_REG(0x04)
#define UART_CTRL       UART_REG(0x08)
#define UART_BAUDDIV    UART_REG(0x10)
#define UART_STATE_TXFULL 0x1U
#define UART_CTRL_TXEN  0x1U
/* 25 MHz / 115200 baud; QEMU ignores the rate. */
#define UART_BAUDDIV_115200 217U

static const char truncation_mark[] = "...\n";

/* Guarded by the scheduler lock in DemoLog_Write(). */
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

static size_t put_u32(char *buf, size_t pos, uint32_t value)
{
	char digits[10];
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

static bool in_handler_mode(void)
{
	uint32_t ipsr;

	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	return (ipsr & 0x1FFU) != 0;
}

/* Writes "[tick] [LEVEL] " and returns its length (at most 30 bytes). */
static size_t put_prefix(char *buf, int32_t level, bool isr)
{
	const char *name = level_name(level);
	size_t pos = 0;

	buf[pos++] = '[';
	pos = put_u32(buf, pos, isr ? (uint32_t)xTaskGetTickCountFromISR() :
			       (uint32_t)xTaskGetTickCount());
	pos = put_str(buf, pos, "] [");
	if (name) {
		pos = put_str(buf, pos, name);
	} else {
		buf[pos++] = 'L';
		if (level < 0) {
			buf[pos++] = '-';
			pos = put_u32(buf, pos, (uint32_t)0 - (uint32_t)level);
		} else {
			pos = put_u32(buf, pos, (uint32_t)level);
		}
	}
	return put_str(buf, pos, "] ");
}

static size_t format_line(int32_t level, const char *message, size_t length,
			  bool isr)
{
	size_t pos = put_prefix(line_buf, level, isr);
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

static void uart_write(const char *buf, size_t len)
{
	size_t i;

	if (!(UART_CTRL & UART_CTRL_TXEN)) {
		UART_BAUDDIV = UART_BAUDDIV_115200;
		UART_CTRL = UART_CTRL_TXEN;
	}
	for (i = 0; i < len; i++) {
		while (UART_STATE & UART_STATE_TXFULL)
			;
		UART_DATA = (uint8_t)buf[i];
	}
}

void DemoLog_Write(int32_t level, const char *message, size_t length)
{
	bool isr = in_handler_mode();
	bool lock = !isr &&
		xTaskGetSchedulerState() == taskSCHEDULER_RUNNING;
	size_t len;

	if (!message)
		length = 0;
	if (lock)
		vTaskSuspendAll();
	len = format_line(level, message, length, isr);
	uart_write(line_buf, len);
	if (lock)
		(void)xTaskResumeAll();
}
