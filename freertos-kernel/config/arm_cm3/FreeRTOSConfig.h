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

/* Synchronisation and IPC (freertos-rust's shim.c needs all of these). */
#define configUSE_TASK_NOTIFICATIONS            1
#define configTASK_NOTIFICATION_ARRAY_ENTRIES   1
#define configUSE_MUTEXES                       1
#define configUSE_RECURSIVE_MUTEXES             1
#define configUSE_COUNTING_SEMAPHORES           1
#define configUSE_EVENT_GROUPS                  1
#define configUSE_STREAM_BUFFERS                1
#define configQUEUE_REGISTRY_SIZE               8
#define configUSE_QUEUE_SETS                    0

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

/* Diagnostics. */
#define configUSE_TRACE_FACILITY                1
#define configUSE_STATS_FORMATTING_FUNCTIONS    0
#define configGENERATE_RUN_TIME_STATS           0
#define configRECORD_STACK_HIGH_ADDRESS         1

/* Software timers (freertos-rust's timer API). */
#define configUSE_TIMERS                        1
#define configTIMER_TASK_PRIORITY               ( configMAX_PRIORITIES - 1 )
#define configTIMER_QUEUE_LENGTH                10
#define configTIMER_TASK_STACK_DEPTH            ( configMINIMAL_STACK_SIZE * 2 )

/* Co-routines are not used. */
#define configUSE_CO_ROUTINES                   0

/* Optional API functions. */
#define INCLUDE_vTaskPrioritySet                1
#define INCLUDE_uxTaskPriorityGet               1
#define INCLUDE_vTaskDelete                     1
#define INCLUDE_vTaskSuspend                    1
#define INCLUDE_vTaskDelay                      1
#define INCLUDE_xTaskGetSchedulerState          1
#define INCLUDE_xTaskGetCurrentTaskHandle       1
#define INCLUDE_uxTaskGetStackHighWaterMark     1
#define INCLUDE_xTaskGetIdleTaskHandle          1
#define INCLUDE_eTaskGetState                   1
#define INCLUDE_xTimerPendFunctionCall          1
#define INCLUDE_xTaskAbortDelay                 1
#define INCLUDE_xTaskGetHandle                  1
#define INCLUDE_xSemaphoreGetMutexHolder        1

/* freertos-rust's shim.c tests INCLUDE_vTaskDelayUntil (the old name); V11
 * derives INCLUDE_xTaskDelayUntil from it and rejects having both. */
#define INCLUDE_vTaskDelayUntil                 1

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
