/*
 * FreeRTOSConfig.h - FreeRTOS V11.2.0, ARM_CM33_NTZ port (Cortex-M33
 * without TrustZone support in the kernel, ARMv8-M mainline with its
 * single-precision FPU, hard-float ABI, thumbv8m.main-none-eabihf).
 *
 * No image here runs on a Cortex-M33: this configuration is what the
 * staticlib and the kernel are built against for that target in CI
 * (tools/build-targets), and the starting point for an M33 firmware.
 * Reference values are QEMU's mps2-an505 (20 MHz, the kernel running in
 * the secure state only).
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

#if !defined(__ARM_FP) || defined(__SOFTFP__)
#error "configENABLE_FPU 1 needs a hard-float build (-mfpu=fpv5-sp-d16 -mfloat-abi=hard)"
#endif

#define configCPU_CLOCK_HZ                      ( ( unsigned long ) 20000000 )
#define configPRIO_BITS                         3

/* ARMv8-M port options. A non-secure application calling secure services
 * uses the ARM_CM33 (TrustZone) port instead. */
#define configENABLE_FPU                        1
#define configENABLE_MPU                        0
#define configENABLE_TRUSTZONE                  0
#define configRUN_FREERTOS_SECURE_ONLY          1

#include "../FreeRTOSConfig_cortex_m.h"

#endif /* FREERTOS_CONFIG_H */
