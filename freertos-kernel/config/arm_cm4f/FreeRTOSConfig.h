/*
 * FreeRTOSConfig.h - FreeRTOS V11.2.0, ARM_CM4F port (Cortex-M4 with its
 * single-precision FPU, hard-float ABI, thumbv7em-none-eabihf), QEMU
 * mps2-an386 (demos/make-mps2-an386). Also fits a Cortex-M7 built for
 * single-precision hard float.
 *
 * The port saves the FPU registers lazily per task; the image enables the
 * FPU (CPACR) before any floating-point instruction runs. Everything but
 * the chip's clock and priority bits is shared with the other Cortex-M
 * configs: ../FreeRTOSConfig_cortex_m.h.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#if !defined(__ARM_FP) || defined(__SOFTFP__)
#error "the ARM_CM4F port needs a hard-float build (-mfpu=fpv4-sp-d16 -mfloat-abi=hard)"
#endif

/* The AN386 FPGA image runs the Cortex-M4 at 25 MHz; QEMU's SysTick follows
 * it in emulated time (-icount). 3 NVIC priority bits (8 levels). */
#define configCPU_CLOCK_HZ                      ( ( unsigned long ) 25000000 )
#define configPRIO_BITS                         3
/* The idle task sleeps in WFI (demos/mps2/board.c): under QEMU the time a
 * task waits for the network then follows the host's clock instead of the
 * instructions an idle loop spins (see the README on -icount). */
#define configUSE_IDLE_HOOK                     1

#include "../FreeRTOSConfig_cortex_m.h"

#endif /* FREERTOS_CONFIG_H */
