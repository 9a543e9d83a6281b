/*
 * FreeRTOSConfig_cortex_m.h - what this repository's Cortex-M configs share
 * (ARM_CM0, ARM_CM3, ARM_CM4F, ARM_CM33_NTZ ports of FreeRTOS V11.2.0):
 * scheduler, heap, hooks, interrupt priorities, the handler names and
 * configASSERT. Included at the end of each config/arm_<core>/
 * FreeRTOSConfig.h, which first defines what depends on the chip:
 *
 *   configCPU_CLOCK_HZ   the core clock (SysTick runs from it)
 *   configPRIO_BITS      NVIC priority bits the chip implements
 *
 * and may define, before including this file, any value below that is
 * guarded by #ifndef (e.g. configTOTAL_HEAP_SIZE, which the build may also
 * set, or
 * configUSE_PORT_OPTIMISED_TASK_SELECTION 0 on ARMv6-M, which has no CLZ).
 *
 * The image must provide:
 *   vDemoAssertCalled()           configASSERT failure (print, then stop)
 *   vApplicationMallocFailedHook()
 *   vApplicationStackOverflowHook()
 * and a vector table whose SVCall, PendSV and SysTick entries are SVC_Handler,
 * PendSV_Handler and SysTick_Handler: the port's handlers are renamed to those
 * CMSIS names below, because the V11 ports assert (configCHECK_HANDLER_INSTALLATION)
 * that the vectors point straight at its handlers, not at wrappers.
 */
#ifndef FREERTOS_CONFIG_CORTEX_M_H
#define FREERTOS_CONFIG_CORTEX_M_H

#if !defined(configCPU_CLOCK_HZ) || !defined(configPRIO_BITS)
#error "define configCPU_CLOCK_HZ and configPRIO_BITS before including FreeRTOSConfig_cortex_m.h"
#endif

#define configTICK_RATE_HZ                      1000

/* Scheduler. */
#define configUSE_PREEMPTION                    1
#define configUSE_TIME_SLICING                  1
#ifndef configUSE_PORT_OPTIMISED_TASK_SELECTION
#define configUSE_PORT_OPTIMISED_TASK_SELECTION 1
#endif
#define configUSE_TICKLESS_IDLE                 0
#define configMAX_PRIORITIES                    7
#define configMINIMAL_STACK_SIZE                128
#define configMAX_TASK_NAME_LEN                 16
#define configTICK_TYPE_WIDTH_IN_BITS           TICK_TYPE_WIDTH_32_BITS
#define configIDLE_SHOULD_YIELD                 1
#define configNUMBER_OF_CORES                   1

/* Memory: heap_4, 40 KiB unless the build defines configTOTAL_HEAP_SIZE
 * (CMake -DFREERTOS_HEAP_SIZE=<bytes>, make FREERTOS_HEAP_SIZE=<bytes>).
 * One mutual-TLS session with mbedTLS 3.6 (TLS 1.3 needs a 16 KiB input
 * record buffer) peaks at ~30 KB with P-256 certificates and ~39 KB with
 * RSA-2048 ones (AWS IoT serves an RSA chain: give it 64 KiB); with 2.28
 * (4 KiB input buffer) ~13 KB / ~21 KB. The rest holds the task stacks
 * (they come from this heap on these ports), lwIP's tasks and mailboxes
 * and the MQTT buffers: ~10 KB on the MPS2 images, which log
 * xPortGetMinimumEverFreeHeapSize() (their READMEs list the figures). */
#define configSUPPORT_STATIC_ALLOCATION         0
#define configSUPPORT_DYNAMIC_ALLOCATION        1
#ifndef configTOTAL_HEAP_SIZE
#define configTOTAL_HEAP_SIZE                   ( ( size_t ) ( 40 * 1024 ) )
#endif
#define configAPPLICATION_ALLOCATED_HEAP        0

/* Hooks. */
#ifndef configUSE_IDLE_HOOK
#define configUSE_IDLE_HOOK                     0
#endif
#define configUSE_TICK_HOOK                     0
#define configUSE_MALLOC_FAILED_HOOK            1
#define configCHECK_FOR_STACK_OVERFLOW          2
#define configUSE_DAEMON_TASK_STARTUP_HOOK      0

/* Kernel features and optional API functions: the same on every port
 * (freertos-rust's shim.c, the c-shim and the demos use them). */
#include "FreeRTOSConfig_common.h"

/* Interrupt priorities (0 = highest). The kernel's own interrupts run at the
 * lowest level; ISRs that call FreeRTOS "FromISR" APIs (the MPS2 images'
 * LAN9118 Ethernet on IRQ 13) must use a level numerically >= 5. The
 * ARMv6-M port (ARM_CM0) has no BASEPRI and masks all interrupts instead. */
#define configLIBRARY_LOWEST_INTERRUPT_PRIORITY            ( ( 1 << configPRIO_BITS ) - 1 )
#ifndef configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY
#define configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY       5
#endif
#define configKERNEL_INTERRUPT_PRIORITY \
    ( configLIBRARY_LOWEST_INTERRUPT_PRIORITY << ( 8 - configPRIO_BITS ) )
#define configMAX_SYSCALL_INTERRUPT_PRIORITY \
    ( configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY << ( 8 - configPRIO_BITS ) )

/* Port handlers installed directly in the vector table (CMSIS names; the
 * ARM_CM0 and ARM_CM33_NTZ ports already use them, the renames are for
 * ARM_CM3 and ARM_CM4F). */
#define vPortSVCHandler                         SVC_Handler
#define xPortPendSVHandler                      PendSV_Handler
#define xPortSysTickHandler                     SysTick_Handler
#define configCHECK_HANDLER_INSTALLATION        1

/* configASSERT: mask interrupts and report; the image's vDemoAssertCalled()
 * says where (the MPS2 images print file/line on UART0 and end QEMU with a
 * non-zero semihosting exit). */
#ifndef __ASSEMBLER__
void vDemoAssertCalled( const char * pcFile, unsigned long ulLine );
#endif
#define configASSERT( x )                                  \
    do {                                                   \
        if( ( x ) == 0 ) {                                 \
            taskDISABLE_INTERRUPTS();                      \
            vDemoAssertCalled( __FILE__, __LINE__ );       \
        }                                                  \
    } while( 0 )

#endif /* FREERTOS_CONFIG_CORTEX_M_H */
