// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * board.c - board services of the MPS2 images: the semihosting exit,
 * the raw UART path for fatal reports, the FreeRTOS and lwIP fatal hooks,
 * and the few newlib system calls the C library links.
 *
 * Fatal hooks (configASSERT, stack overflow, LWIP_ASSERT) print one line
 * with the cause straight to UART0 and exit QEMU with the matching
 * board_exit_code: they may run with the scheduler in any state, so they
 * take no lock and use no log sink. A failed pvPortMalloc is logged and
 * not fatal: the caller sees NULL and reports it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "FreeRTOS.h"
#include "task.h"

#include "arch/cc.h"
#include "board.h"
#include "demo_log.h"

/* CMSDK APB UART registers. */
#define UART_REG(off)   (*(volatile uint32_t *)(BOARD_UART0_BASE + (off)))
#define UART_DATA       UART_REG(0x00)
#define UART_STATE      UART_REG(0x04)
#define UART_CTRL       UART_REG(0x08)
#define UART_BAUDDIV    UART_REG(0x10)
#define UART_STATE_TXFULL 0x1U
#define UART_CTRL_TXEN  0x1U

/* Semihosting (ARM "Semihosting for AArch32 and AArch64", v2). */
#define SEMIHOST_SYS_EXIT_EXTENDED       0x20U
#define ADP_STOPPED_APPLICATION_EXIT     0x20026U

void board_raw_write(const char *buf, unsigned int len)
{
	unsigned int i;

	if (!(UART_CTRL & UART_CTRL_TXEN)) {
		/* 25 MHz / 115200 baud; QEMU ignores the rate. */
		UART_BAUDDIV = 217;
		UART_CTRL = UART_CTRL_TXEN;
	}
	for (i = 0; i < len; i++) {
		while (UART_STATE & UART_STATE_TXFULL)
			;
		UART_DATA = (uint8_t)buf[i];
	}
}

void board_exit(int code)
{
	/* Parameter block: reason, exit status. */
	uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code };
	register uint32_t r0 __asm("r0") = SEMIHOST_SYS_EXIT_EXTENDED;
	register uint32_t *r1 __asm("r1") = block;

	__asm volatile("cpsid i" ::: "memory");
	__asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	for (;;)
		__asm volatile("wfi");
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fatal(int code, const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	int len;

	__asm volatile("cpsid i" ::: "memory");
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	if (len > (int)sizeof(buf) - 2)
		len = (int)sizeof(buf) - 2;
	buf[len++] = '\n';
	board_raw_write(buf, (unsigned int)len);
	board_exit(code);
}

/* ---- FreeRTOS hooks (freertos-kernel/config/arm_cm3/FreeRTOSConfig.h) ---- */

void vDemoAssertCalled(const char *pcFile, unsigned long ulLine)
{
	fatal(EXIT_ASSERT, "[FATAL] configASSERT failed at %s:%lu", pcFile,
	      ulLine);
}

/*
 * The idle task sleeps until the next interrupt (SysTick, the LAN9118)
 * instead of spinning: less power on a board, and under QEMU with a fixed
 * -icount shift an idle wait lasts as long in emulated time as on the host.
 */
void vApplicationIdleHook(void);
void vApplicationIdleHook(void)
{
	__asm volatile("dsb\n"
		       "wfi\n"
		       "isb\n" ::: "memory");
}

/*
 * Not fatal: the caller gets NULL and reports it (mbedTLS allocations fail
 * as TLS_TRANSPORT_INSUFFICIENT_MEMORY, the demo retries or ends non-zero),
 * as in the POSIX image. Called from a task, scheduler running.
 */
void vApplicationMallocFailedHook(void);
void vApplicationMallocFailedHook(void)
{
	DemoLog_Printf(DEMO_LOG_ERROR, "pvPortMalloc failed: FreeRTOS heap "
		       "exhausted (%lu of %lu bytes free); the caller gets NULL",
		       (unsigned long)xPortGetFreeHeapSize(),
		       (unsigned long)configTOTAL_HEAP_SIZE);
}

void vApplicationStackOverflowHook(TaskHandle_t xTask, char *pcTaskName);
void vApplicationStackOverflowHook(TaskHandle_t xTask, char *pcTaskName)
{
	(void)xTask;
	fatal(EXIT_STACK_OVERFLOW,
	      "[FATAL] stack overflow in task '%s'; raise its stack depth",
	      pcTaskName);
}

/* ---- lwIP (include/arch/cc.h) -------------------------------------------- */

void board_lwip_assert(const char *msg, const char *file, int line)
{
	fatal(EXIT_ASSERT, "[FATAL] lwIP assertion \"%s\" failed at %s:%d",
	      msg, file, line);
}

void board_lwip_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len >= (int)sizeof(buf))
		len = (int)sizeof(buf) - 1;
	/* lwIP's messages end in a newline; the sink adds its own. */
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	DemoLog_Write(DEMO_LOG_DEBUG, buf, (size_t)len);
}

/* ---- newlib system calls --------------------------------------------------
 *
 * newlib-nano's snprintf() references malloc() (for stream buffers it never
 * allocates when printing into a string), and malloc() references _sbrk().
 * There is no C library heap: mbedTLS allocates from the FreeRTOS heap
 * (c-shim), lwIP from its own pools, so _sbrk() always fails and any libc
 * malloc() returns NULL instead of carving memory outside the accounting.
 * Nothing else of the C library's system interface is linked.
 */
void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
	(void)increment;
	errno = ENOMEM;
	return (void *)-1;
}
