// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * startup.c - vector table and reset handler of the MPS2 images (AN385
 * Cortex-M3, AN386 Cortex-M4).
 *
 * Reset: with the hard-float ABI, enable the FPU first (it is off out of
 * reset and compiled code may use its registers anywhere); then copy .data
 * from flash, zero .bss, run the constructors in .init_array (none are
 * expected, but linked code may add some), call main().
 *
 * The SVCall, PendSV and SysTick entries are the FreeRTOS port's own
 * handlers, named SVC_Handler, PendSV_Handler and SysTick_Handler by
 * FreeRTOSConfig.h: the V11 port checks at scheduler start that the vector
 * table points straight at them (configCHECK_HANDLER_INSTALLATION).
 *
 * Faults: the handler logs the stacked PC/LR/xPSR and the fault status
 * registers on UART0, then ends QEMU with EXIT_HARD_FAULT. Unexpected
 * interrupts are reported the same way, with their vector number.
 */
#include <stdint.h>

#include "board.h"

/* From the linker script. */
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
typedef void (*init_fn_t)(void);
extern init_fn_t __preinit_array_start[], __preinit_array_end[];
extern init_fn_t __init_array_start[], __init_array_end[];

/* FreeRTOS port (renamed in FreeRTOSConfig.h). */
void SVC_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
/* The LAN9118 driver (lan9118.c). */
void Ethernet_IRQHandler(void);

void Reset_Handler(void) __attribute__((naked, noreturn));
void reset_c(void) __attribute__((used, noreturn));
void HardFault_Handler(void) __attribute__((naked, noreturn));
/* Everything unexpected takes the same path; the report names the vector. */
void Default_Handler(void)
	__attribute__((alias("HardFault_Handler"), noreturn));
void fault_report(const uint32_t *frame, uint32_t exc_return)
	__attribute__((used, noreturn));

int main(void);

#define NUM_IRQS 32

typedef void (*vector_t)(void);

__attribute__((section(".isr_vector"), used))
const vector_t vector_table[16 + NUM_IRQS] = {
	(vector_t)(uintptr_t)__stack_top,
	Reset_Handler,
	Default_Handler,         /* NMI */
	HardFault_Handler,
	HardFault_Handler,       /* MemManage (disabled: escalates) */
	HardFault_Handler,       /* BusFault */
	HardFault_Handler,       /* UsageFault */
	Default_Handler,         /* reserved */
	Default_Handler,
	Default_Handler,
	Default_Handler,
	SVC_Handler,             /* FreeRTOS */
	Default_Handler,         /* DebugMonitor */
	Default_Handler,         /* reserved */
	PendSV_Handler,          /* FreeRTOS */
	SysTick_Handler,         /* FreeRTOS */
	Default_Handler,         /* IRQ 0 */
	Default_Handler,         /* IRQ 1 */
	Default_Handler,         /* IRQ 2 */
	Default_Handler,         /* IRQ 3 */
	Default_Handler,         /* IRQ 4 */
	Default_Handler,         /* IRQ 5 */
	Default_Handler,         /* IRQ 6 */
	Default_Handler,         /* IRQ 7 */
	Default_Handler,         /* IRQ 8 */
	Default_Handler,         /* IRQ 9 */
	Default_Handler,         /* IRQ 10 */
	Default_Handler,         /* IRQ 11 */
	Default_Handler,         /* IRQ 12 */
	Ethernet_IRQHandler,     /* IRQ 13 (LAN9118) */
	Default_Handler,         /* IRQ 14 */
	Default_Handler,         /* IRQ 15 */
	Default_Handler,         /* IRQ 16 */
	Default_Handler,         /* IRQ 17 */
	Default_Handler,         /* IRQ 18 */
	Default_Handler,         /* IRQ 19 */
	Default_Handler,         /* IRQ 20 */
	Default_Handler,         /* IRQ 21 */
	Default_Handler,         /* IRQ 22 */
	Default_Handler,         /* IRQ 23 */
	Default_Handler,         /* IRQ 24 */
	Default_Handler,         /* IRQ 25 */
	Default_Handler,         /* IRQ 26 */
	Default_Handler,         /* IRQ 27 */
	Default_Handler,         /* IRQ 28 */
	Default_Handler,         /* IRQ 29 */
	Default_Handler,         /* IRQ 30 */
	Default_Handler,         /* IRQ 31 */
};

/* No C before the FPU is on: this runs on the reset stack with no frame. */
void Reset_Handler(void)
{
	__asm volatile(
#if defined(__ARM_FP) && !defined(__SOFTFP__)
		/* CPACR (0xE000ED88): CP10 and CP11 full access. */
		"movw r0, #0xED88\n"
		"movt r0, #0xE000\n"
		"ldr r1, [r0]\n"
		"orr r1, r1, #0x00F00000\n"
		"str r1, [r0]\n"
		"dsb\n"
		"isb\n"
#endif
		"b reset_c\n");
}

void reset_c(void)
{
	uint32_t *src = __data_load;
	uint32_t *dst;
	init_fn_t *fn;

	for (dst = __data_start; dst < __data_end; dst++)
		*dst = *src++;
	for (dst = __bss_start; dst < __bss_end; dst++)
		*dst = 0;

	/* Constructors (-nostartfiles: no crti/crtn, so not libc's
	 * __libc_init_array(), which would call _init()). */
	for (fn = __preinit_array_start; fn < __preinit_array_end; fn++)
		(*fn)();
	for (fn = __init_array_start; fn < __init_array_end; fn++)
		(*fn)();
	(void)main();
	/* main() only returns if the scheduler could not start. */
	board_exit(EXIT_NOT_RUN);
}

/* Picks the stack the exception frame was pushed on, then reports. */
void HardFault_Handler(void)
{
	__asm volatile(
		"tst lr, #4\n"
		"ite eq\n"
		"mrseq r0, msp\n"
		"mrsne r0, psp\n"
		"mov r1, lr\n"
		"b fault_report\n");
}

static unsigned int put_hex(char *buf, uint32_t value)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 8; i++)
		buf[2 + i] = digits[(value >> (28 - 4 * i)) & 0xfU];
	return 10;
}

static void report(const char *name, uint32_t value)
{
	char line[48];
	unsigned int n = 0;

	while (name[n] && n < 24) {
		line[n] = name[n];
		n++;
	}
	n += put_hex(&line[n], value);
	line[n++] = '\n';
	board_raw_write(line, n);
}

void fault_report(const uint32_t *frame, uint32_t exc_return)
{
	static const char head[] = "\n[FATAL] fault or unexpected interrupt:\n";
	uint32_t ipsr;

	__asm volatile("cpsid i" ::: "memory");
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	board_raw_write(head, sizeof(head) - 1);
	report("  vector   ", ipsr & 0x1ffU);
	report("  pc       ", frame[6]);
	report("  lr       ", frame[5]);
	report("  xpsr     ", frame[7]);
	report("  sp       ", (uint32_t)(uintptr_t)frame);
	report("  exc_ret  ", exc_return);
	report("  CFSR     ", SCB_CFSR);
	report("  HFSR     ", SCB_HFSR);
	report("  MMFAR    ", SCB_MMFAR);
	report("  BFAR     ", SCB_BFAR);
	board_exit(EXIT_HARD_FAULT);
}
