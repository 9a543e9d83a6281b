/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * board.h - the ARM MPS2 boards as QEMU emulates them, AN385 (Cortex-M3)
 * and AN386 (Cortex-M4 with FPU): the same memory map, UART and LAN9118,
 * the registers these images touch, exit codes. The core the image is
 * compiled for picks the board.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#if defined(__ARM_ARCH_7EM__)
#define BOARD_NAME              "mps2-an386"
#if defined(__ARM_FP) && !defined(__SOFTFP__)
#define BOARD_CORE              "Cortex-M4, FPU on, hard-float ABI"
#else
#define BOARD_CORE              "Cortex-M4, soft float"
#endif
#elif defined(__ARM_ARCH_7M__)
#define BOARD_NAME              "mps2-an385"
#define BOARD_CORE              "Cortex-M3"
#else
#error "the MPS2 images are built for the Cortex-M3 (AN385) or the Cortex-M4 (AN386)"
#endif

/* Memory: code in SSRAM1 (4 MiB at 0, our "flash"), data in SSRAM2/3. */
#define BOARD_FLASH_BASE        0x00000000UL
#define BOARD_RAM_BASE          0x20000000UL
#define BOARD_RAM_SIZE          (4UL * 1024 * 1024)

/* Peripherals. */
#define BOARD_UART0_BASE        0x40004000UL  /* CMSDK APB UART: the log */
#define BOARD_LAN9118_BASE      0x40200000UL  /* SMSC LAN9118 Ethernet */
#define BOARD_LAN9118_IRQ       13            /* external interrupt number */

/* Cortex-M system control space. */
#define SCS_REG(off)            (*(volatile uint32_t *)(0xE000E000UL + (off)))
#define SYST_CVR                SCS_REG(0x018)   /* SysTick current value */
#define NVIC_ISER0              SCS_REG(0x100)
#define NVIC_ICPR0              SCS_REG(0x280)
#define NVIC_IPR_BYTE(irq)      (*(volatile uint8_t *)(0xE000E400UL + (irq)))
#define SCB_CFSR                SCS_REG(0xD28)
#define SCB_HFSR                SCS_REG(0xD2C)
#define SCB_MMFAR               SCS_REG(0xD34)
#define SCB_BFAR                SCS_REG(0xD38)

/*
 * QEMU exit codes (semihosting SYS_EXIT_EXTENDED), the same as the POSIX
 * image's process exit codes, plus the board's own:
 *   0        the demo returned 0 (all iterations succeeded)
 *   1..100   the demo's own non-zero status (others map to 100)
 *   101      configASSERT failed, or LWIP_ASSERT (debug builds only:
 *            release builds define LWIP_NOASSERT)
 *   102      (unused: a failed pvPortMalloc is logged and reported to its
 *            caller, which fails its own way)
 *   103      task stack overflow
 *   104      the demo task never ran (scheduler did not start)
 *   105      hard fault (registers logged)
 *   106      the network did not come up (no link or no DHCP lease)
 */
enum board_exit_code {
	EXIT_DEMO_MAX = 100,
	EXIT_ASSERT = 101,
	EXIT_MALLOC_FAILED = 102,
	EXIT_STACK_OVERFLOW = 103,
	EXIT_NOT_RUN = 104,
	EXIT_HARD_FAULT = 105,
	EXIT_NETWORK = 106,
};

/**
 * board_exit() - end the emulation with @code as QEMU's exit status
 * (semihosting SYS_EXIT_EXTENDED; QEMU needs -semihosting-config
 * enable=on). Interrupts are masked first. On a board without a debugger
 * attached the BKPT faults; the fault handler then spins.
 */
void board_exit(int code) __attribute__((noreturn));

/**
 * board_raw_write() - write @len bytes straight to UART0, polled, no lock;
 * enables the UART (115200 baud) on first use. The fault handler and fatal
 * paths call it directly; everything else logs through DemoLog_Write()
 * (log_sink_mps2.c), which formats and locks around it.
 */
void board_raw_write(const char *buf, unsigned int len);

#endif /* BOARD_H */
