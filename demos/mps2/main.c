// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * main.c - the MQTT mutual-auth demo firmware for QEMU's MPS2 boards
 * (board.h): FreeRTOS (ARM_CM3 port on the AN385, ARM_CM4F on the AN386),
 * lwIP over the LAN9118, the c-shim TLS transport and PKCS#11 module, and
 * the Rust demo task.
 *
 * main() creates one task, "MQTTDemo" (democonfigDEMO_STACKSIZE words,
 * democonfigDEMO_PRIORITY), and starts the scheduler. The task brings the
 * network up (DHCP), then runs the demo in itself:
 *   DEMO_USE_RUST_TASK=1: mqtt_demo_run(democonfigDEMO_ITERATIONS), exported
 *                         by the Rust staticlib (0 = success);
 *   DEMO_USE_C_TASK=1:    c_mqtt_demo_run(democonfigDEMO_ITERATIONS), the C
 *                         demo over the staticlib's coreMQTT API
 *                         (demos/common/c_mqtt_demo, CMake DEMO_TASK=c);
 *   DEMO_USE_RUST_TASK=0: c_test_demo_run(), a C bring-up check (TLS
 *                         connect and a raw MQTT CONNECT/CONNACK).
 * When it returns, the task logs the memory figures (its own stack
 * high-water mark, the heap's minimum-ever free, the network counters) and
 * ends QEMU with the demo's status as exit code (board.h lists the codes).
 */
#include <stdint.h>

#include "FreeRTOS.h"
#include "task.h"

#include "board.h"
#include "demo_config.h"
#include "demo_log.h"
#include "net.h"

#ifndef DEMO_USE_RUST_TASK
#define DEMO_USE_RUST_TASK 0
#endif
#ifndef DEMO_USE_C_TASK
#define DEMO_USE_C_TASK 0
#endif

#if DEMO_USE_C_TASK
#include "c_mqtt_demo.h"
#define demo_run c_mqtt_demo_run
#define DEMO_NAME "C MQTT (core_mqtt.h)"
#elif DEMO_USE_RUST_TASK
#include "mqtt_demo.h"
#define demo_run mqtt_demo_run
#define DEMO_NAME "Rust MQTT"
#else
#include "c_test_task.h"
#define demo_run c_test_demo_run
#define DEMO_NAME "C bring-up test"
#endif

/* Longest wait for the DHCP lease. */
#define NET_DHCP_TIMEOUT_MS 10000U

#define say(...) DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)

static int exit_code(int32_t status)
{
	if (status >= 0 && status <= EXIT_DEMO_MAX)
		return (int)status;
	return EXIT_DEMO_MAX;
}

static void log_memory(void)
{
	const unsigned long heap = configTOTAL_HEAP_SIZE;
	const unsigned long min_free = xPortGetMinimumEverFreeHeapSize();
	const unsigned long stack = democonfigDEMO_STACKSIZE *
				    sizeof(StackType_t);
	const unsigned long unused = uxTaskGetStackHighWaterMark(NULL) *
				     sizeof(StackType_t);

	say("memory: demo task stack high-water mark: %lu of %lu bytes used "
	    "(%lu never touched)", stack - unused, stack, unused);
	say("memory: FreeRTOS heap minimum ever free: %lu of %lu bytes (peak "
	    "use %lu)", min_free, heap, heap - min_free);
	net_log_stats();
}

static void demo_task(void *params)
{
	int32_t status;

	(void)params;
	if (net_start(NET_DHCP_TIMEOUT_MS) != 0) {
		DemoLog_Printf(DEMO_LOG_ERROR, "main: network bring-up failed; "
			       "exit code %d", EXIT_NETWORK);
		board_exit(EXIT_NETWORK);
	}
	say("main: FreeRTOS heap free before the demo: %lu bytes (kernel "
	    "objects, lwIP's thread and mailboxes, this task's stack)",
	    (unsigned long)xPortGetFreeHeapSize());

	status = demo_run(democonfigDEMO_ITERATIONS);

	say("main: demo returned %ld", (long)status);
	log_memory();
	say("main: exit code %d", exit_code(status));
	board_exit(exit_code(status));
}

int main(void)
{
	BaseType_t ok;

	say("main: %s (%s, %lu MHz), FreeRTOS %s, heap %lu "
	    "bytes; %s demo, %lu iteration(s) (0 = forever)",
	    BOARD_NAME, BOARD_CORE,
	    (unsigned long)(configCPU_CLOCK_HZ / 1000000UL),
	    tskKERNEL_VERSION_NUMBER, (unsigned long)configTOTAL_HEAP_SIZE,
	    DEMO_NAME, (unsigned long)democonfigDEMO_ITERATIONS);

	ok = xTaskCreate(demo_task, "MQTTDemo", democonfigDEMO_STACKSIZE, NULL,
			 democonfigDEMO_PRIORITY, NULL);
	if (ok != pdPASS) {
		DemoLog_Printf(DEMO_LOG_ERROR, "main: cannot create the demo "
			       "task (%u words): FreeRTOS heap too small",
			       (unsigned int)democonfigDEMO_STACKSIZE);
		board_exit(EXIT_NOT_RUN);
	}

	vTaskStartScheduler();
	DemoLog_Printf(DEMO_LOG_ERROR, "main: the scheduler returned (no heap "
		       "for the idle or timer task?)");
	return EXIT_NOT_RUN;
}
