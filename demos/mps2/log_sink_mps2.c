// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_sink_mps2.c - DemoLog_Write() on UART0 of the ARM MPS2 boards
 * (AN385, AN386: CMSDK APB UART at 0x40004000), polled transmit.
 *
 * The UART is enabled on first use. Each line is built in a static buffer
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

#include "demo_log.h"
#include "log_format.h"

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

/* Guarded by the scheduler lock in DemoLog_Write(). */
static char line_buf[DEMO_LOG_LINE_MAX];

static bool in_handler_mode(void)
{
	uint32_t ipsr;

	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	return (ipsr & 0x1FFU) != 0;
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
	TickType_t tick;
	size_t len;

	if (lock)
		vTaskSuspendAll();
	tick = isr ? xTaskGetTickCountFromISR() : xTaskGetTickCount();
	len = DemoLog_FormatLine(line_buf, sizeof(line_buf), (uint64_t)tick,
				 level, message, length);
	uart_write(line_buf, len);
	if (lock)
		(void)xTaskResumeAll();
}
