/*
 * FreeRTOSConfig.h - FreeRTOS V11.2.0, ARM_CM3 port, QEMU mps2-an385.
 *
 * The image must provide:
 *   vDemoAssertCalled()           configASSERT failure (print, then semihosting exit)
 *   vApplicationMallocFailedHook()
 *   vApplicationStackOverflowHook()
 * and a vector table whose SVCall, PendSV and SysTick entries are SVC_Handler,
 * PendSV_Handler and SysTick_Handler: the port's handlers are renamed to those
 * CMSIS names below, because the V11 port asserts (configCHECK_HANDLER_INSTALLATION)
 * that the vectors point straight at its handlers, not at wrappers.
 */
#ifndef FREERTOS_CONFIG_H
#define FREERTOS_CONFIG_H

/* Clocks: the AN385 FPGA image runs the Cortex-M3 at 25 MHz. QEMU's SysTick
 * follows this only with -icount shift=auto. */
#define configCPU_CLOCK_HZ                      ( ( unsigned long ) 25000000 )
#define configTICK_RATE_HZ                      1000

/* Scheduler. */
#define configUSE_PREEMPTION                    1
#define configUSE_TIME_SLICING                  1
#define configUSE_PORT_OPTIMISED_TASK_SELECTION 1
#define configUSE_TICKLESS_IDLE                 0
#define configMAX_PRIORITIES                    7
#define configMINIMAL_STACK_SIZE                128
#define configMAX_TASK_NAME_LEN                 16
#define configTICK_TYPE_WIDTH_IN_BITS           TICK_TYPE_WIDTH_32_BITS
#define configIDLE_SHOULD_YIELD                 1
#define configNUMBER_OF_CORES                   1

/* Memory: heap_4, 40 KiB target. mbedTLS with 4096/2048 record buffers peaks
 * around 18-24 KB on 32-bit (measured 18.2 KB P-256 / 26.4 KB RSA-2048 on
 * x86-64, ~2.5 KB less on 32-bit); the rest holds the task stacks (they come
 * from this heap on this port), lwIP's tasks and mailboxes and the MQTT
 * buffers. The demo logs xPortGetMinimumEverFreeHeapSize(). */
#define configSUPPORT_STATIC_ALLOCATION         0
#define configSUPPORT_DYNAMIC_ALLOCATION        1
#define configTOTAL_HEAP_SIZE                   ( ( size_t ) ( 40 * 1024 ) )
#define configAPPLICATION_ALLOCATED_HEAP        0

/* Hooks. */
#define configUSE_IDLE_HOOK                     0
#define configUSE_TICK_HOOK                     0
#define configUSE_MALLOC_FAILED_HOOK            1
#define configCHECK_FOR_STACK_OVERFLOW          2
#define configUSE_DAEMON_TASK_STARTUP_HOOK      0

/* Kernel features and optional API functions: the same on every port
 * (freertos-rust's shim.c, the c-shim and the demos use them). */
#include "../FreeRTOSConfig_common.h"

/* Interrupt priorities. The Cortex-M3 in mps2-an385 implements 3 priority
 * bits (8 levels, 0 = highest). ISRs that call FreeRTOS "FromISR" APIs (the
 * LAN9118 Ethernet on IRQ 13) must use a priority numerically >= 5. */
#define configPRIO_BITS                                    3
#define configLIBRARY_LOWEST_INTERRUPT_PRIORITY            7
#define configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY       5
#define configKERNEL_INTERRUPT_PRIORITY \
    ( configLIBRARY_LOWEST_INTERRUPT_PRIORITY << ( 8 - configPRIO_BITS ) )
#define configMAX_SYSCALL_INTERRUPT_PRIORITY \
    ( configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY << ( 8 - configPRIO_BITS ) )

/* Port handlers installed directly in the vector table (CMSIS names). */
#define vPortSVCHandler                         SVC_Handler
#define xPortPendSVHandler                      PendSV_Handler
#define xPortSysTickHandler                     SysTick_Handler
#define configCHECK_HANDLER_INSTALLATION        1

/* configASSERT: mask interrupts and report; the image's vDemoAssertCalled()
 * prints file/line on UART0 and ends QEMU with a non-zero semihosting exit. */
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

#endif /* FREERTOS_CONFIG_H */
