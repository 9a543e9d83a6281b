/*
 * FreeRTOSConfig.h - FreeRTOS V11.2.0, ARM_CM0 port (Cortex-M0/M0+,
 * ARMv6-M, thumbv6m-none-eabi).
 *
 * No image here runs on a Cortex-M0+: this configuration is what the
 * staticlib and the kernel are built against for that target in CI
 * (tools/build-targets), and the starting point for an M0+ firmware, which
 * sets its own clock and keeps FreeRTOSConfig_common.h's features. Sized
 * for parts with >= 64 KiB of RAM (the TLS session alone peaks at ~14 KB
 * of heap).
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

/* Reference values: a 48 MHz core; ARMv6-M implements 2 NVIC priority bits. */
#define configCPU_CLOCK_HZ                      ( ( unsigned long ) 48000000 )
#define configPRIO_BITS                         2
/* The port's M0+ MPU support stays off. */
#define configENABLE_MPU                        0
/* ARMv6-M has no CLZ instruction: the generic task selection. */
#define configUSE_PORT_OPTIMISED_TASK_SELECTION 0
/* Unused by this port (it masks all interrupts in critical sections), but
 * the shared file derives it: keep it a valid level for 2 bits. */
#define configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY 1

#include "../FreeRTOSConfig_cortex_m.h"

#endif /* FREERTOS_CONFIG_H */
