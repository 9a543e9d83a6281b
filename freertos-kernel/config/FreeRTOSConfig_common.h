/*
 * FreeRTOSConfig_common.h - the kernel features and optional API functions
 * this repository's code uses: freertos-rust's shim.c, the c-shim and the
 * demos. Included by every config/<port>/FreeRTOSConfig.h, so they are the
 * same on every port; a new port's config includes it too.
 *
 * What depends on the port or the board (clock and tick, scheduler
 * options, heap size, stack sizes, hooks, interrupt priorities,
 * configASSERT) stays in the port's FreeRTOSConfig.h.
 */
#ifndef FREERTOS_CONFIG_COMMON_H
#define FREERTOS_CONFIG_COMMON_H

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

#endif /* FREERTOS_CONFIG_COMMON_H */
