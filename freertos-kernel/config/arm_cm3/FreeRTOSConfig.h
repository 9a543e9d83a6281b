/*
 * FreeRTOSConfig.h - FreeRTOS V11.2.0, ARM_CM3 port (Cortex-M3,
 * thumbv7m-none-eabi), QEMU mps2-an385 (demos/qemu-mps2-an385).
 *
 * Everything but the chip's clock and priority bits is shared with the
 * other Cortex-M configs: ../FreeRTOSConfig_cortex_m.h (what the image must
 * provide is listed there).
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

/* The AN385 FPGA image runs the Cortex-M3 at 25 MHz; QEMU's SysTick follows
 * it in emulated time (-icount). 3 NVIC priority bits (8 levels). */
#define configCPU_CLOCK_HZ                      ( ( unsigned long ) 25000000 )
#define configPRIO_BITS                         3
/* The idle task sleeps in WFI (demos/mps2/board.c): under QEMU the time a
 * task waits for the network then follows the host's clock instead of the
 * instructions an idle loop spins (see the README on -icount). */
#define configUSE_IDLE_HOOK                     1

#include "../FreeRTOSConfig_cortex_m.h"

#endif /* FREERTOS_CONFIG_H */
