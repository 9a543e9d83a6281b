/*
 * FreeRTOSConfig.h - FreeRTOS V11.2.0, POSIX simulator port (Linux host).
 *
 * Used by demos/posix. The application must provide:
 *   vDemoAssertCalled()           configASSERT failure: print file/line, exit non-zero
 *   vApplicationMallocFailedHook()
 *   vApplicationStackOverflowHook()
 *   vApplicationIdleHook()        sleeps, so the idle task does not spin a host core
 *
 * POSIX port facts (see shared ARCHITECTURE.md): every task runs on its own
 * pthread with the default pthread stack; the "stack" FreeRTOS allocates from
 * configTOTAL_HEAP_SIZE only holds the port's thread record. So task stack
 * depths here cost heap, not real stack, and stack overflow checking and
 * uxTaskGetStackHighWaterMark() measure that unused area only. Measure real
 * stack use on the Cortex-M3 image. BaseType_t is long (64-bit).
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

/* Scheduler. */
#define configUSE_PREEMPTION                    1
#define configUSE_TIME_SLICING                  1
#define configUSE_PORT_OPTIMISED_TASK_SELECTION 0
#define configUSE_TICKLESS_IDLE                 0
#define configTICK_RATE_HZ                      1000
#define configMAX_PRIORITIES                    7
#define configMINIMAL_STACK_SIZE                256
#define configMAX_TASK_NAME_LEN                 16
#define configTICK_TYPE_WIDTH_IN_BITS           TICK_TYPE_WIDTH_64_BITS
#define configIDLE_SHOULD_YIELD                 1
#define configNUMBER_OF_CORES                   1

/* Memory: heap_4 (coalescing; mbedTLS makes ~28,000 short-lived allocations
 * per ECDSA handshake). 64 KiB holds the measured mbedTLS peak with 4096/2048
 * record buffers (26.4 KB with RSA-2048 certificates on x86-64), the demo
 * task's 8 KiB stack record, the idle and timer tasks and the MQTT buffers.
 * The demo logs xPortGetMinimumEverFreeHeapSize() at exit. */
#define configSUPPORT_STATIC_ALLOCATION         0
#define configSUPPORT_DYNAMIC_ALLOCATION        1
#ifndef configTOTAL_HEAP_SIZE   /* CMake -DFREERTOS_HEAP_SIZE=<bytes> */
#define configTOTAL_HEAP_SIZE                   ( ( size_t ) ( 64 * 1024 ) )
#endif
#define configAPPLICATION_ALLOCATED_HEAP        0

/* Hooks. */
#define configUSE_IDLE_HOOK                     1
#define configUSE_TICK_HOOK                     0
#define configUSE_MALLOC_FAILED_HOOK            1
#define configCHECK_FOR_STACK_OVERFLOW          2
#define configUSE_DAEMON_TASK_STARTUP_HOOK      0

/* Kernel features and optional API functions: the same on every port
 * (freertos-rust's shim.c, the c-shim and the demos use them). */
#include "../FreeRTOSConfig_common.h"

/* configASSERT: print file and line, then exit the process non-zero. */
#ifndef __ASSEMBLER__
void vDemoAssertCalled( const char * pcFile, unsigned long ulLine );
#endif
#define configASSERT( x )                                  \
    do {                                                   \
        if( ( x ) == 0 ) {                                 \
            vDemoAssertCalled( __FILE__, __LINE__ );       \
        }                                                  \
    } while( 0 )

#endif /* FREERTOS_CONFIG_H */
