// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * main.c - FreeRTOS POSIX simulator image of the MQTT mutual-auth demo.
 *
 * Usage: mqtt_demo_posix [--client-id ID]
 *   --client-id ID  MQTT client id (and topic prefix) instead of
 *                   democonfigCLIENT_IDENTIFIER, so one image can run as
 *                   many devices (tools/fleet); Rust demo only.
 *
 * main() creates one task, "MQTTDemo" (democonfigDEMO_STACKSIZE words,
 * democonfigDEMO_PRIORITY), which runs the demo in that task:
 *   DEMO_USE_RUST_TASK=1: mqtt_demo_run(democonfigDEMO_ITERATIONS), exported
 *                         by the Rust staticlib (0 = success);
 *   DEMO_USE_C_TASK=1:    c_mqtt_demo_run(democonfigDEMO_ITERATIONS), the C
 *                         demo over the staticlib's coreMQTT API
 *                         (demos/common/c_mqtt_demo, CMake DEMO_TASK=c);
 *   DEMO_USE_AGENT_TASK=1: agent_demo_run(democonfigDEMO_ITERATIONS), several
 *                         tasks sharing one connection (mqtt_agent_posix);
 *   DEMO_USE_RUST_TASK=0: placeholder_demo_run(), which checks that the
 *                         kernel, mbedTLS and freertos-rust's shim link and work.
 *
 * Exit status: when the demo returns, the task stores its status and calls
 * vTaskEndScheduler(). The V11 POSIX port then stops the tick thread and
 * wakes the thread blocked in vTaskStartScheduler(), so main() returns and
 * exit() flushes stdio. Process exit codes:
 *   0        the demo returned 0
 *   1..100   the demo's own non-zero status (others map to 100; the raw
 *            value is printed)
 *   101      configASSERT failed          (pvPortMalloc failure is logged,
 *                                         not fatal: callers get NULL)
 *   103      task stack overflow          104  the demo task never ran
 *   105      bad command line, or a --client-id the demo refuses
 * The hooks exit at once with _exit(): the other tasks are threads parked at
 * arbitrary points, possibly inside stdio, so no locks are taken there.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "FreeRTOS.h"
#include "task.h"

#include "demo_config.h"

#ifndef DEMO_USE_RUST_TASK
#define DEMO_USE_RUST_TASK 0
#endif
#ifndef DEMO_USE_C_TASK
#define DEMO_USE_C_TASK 0
#endif
#ifndef DEMO_USE_AGENT_TASK
#define DEMO_USE_AGENT_TASK 0
#endif

enum {
	EXIT_DEMO_MAX = 100,
	EXIT_ASSERT = 101,
	EXIT_STACK_OVERFLOW = 103,
	EXIT_NOT_RUN = 104,
	EXIT_USAGE = 105,
};

#if DEMO_USE_AGENT_TASK
#include "agent_demo.h"
#define demo_run agent_demo_run
#define DEMO_NAME "C agent (tasks sharing one MQTT connection)"
#elif DEMO_USE_C_TASK
#include "c_mqtt_demo.h"
#define demo_run c_mqtt_demo_run
#define DEMO_NAME "C MQTT (core_mqtt.h)"
#elif DEMO_USE_RUST_TASK
#include "mqtt_demo.h"
#define demo_run mqtt_demo_run
#define DEMO_NAME "Rust MQTT"
#else
#include "placeholder.h"
#define demo_run placeholder_demo_run
#define DEMO_NAME "placeholder"
#endif

static volatile int32_t demo_status;
static volatile int demo_finished;
#if DEMO_USE_RUST_TASK
/* --client-id: set by the demo task before the demo runs (it takes the
 * demo's lock through the kernel, so only from a task). */
static const char *client_id_arg;
#endif
static volatile int bad_client_id;

/* Lock-free report for the hooks: format, write(2), _exit(2). */
static void __attribute__((noreturn, format(printf, 2, 3)))
fatal(int code, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	if (len > 0)
		(void)!write(STDERR_FILENO, buf, (size_t)len);
	_exit(code);
}

void vDemoAssertCalled(const char *pcFile, unsigned long ulLine)
{
	fatal(EXIT_ASSERT, "[main] FATAL: configASSERT failed at %s:%lu\n",
	      pcFile, ulLine);
}

/*
 * Not fatal: pvPortMalloc returns NULL to its caller, and mbedTLS turns that
 * into an error the TLS transport reports (TLS_TRANSPORT_INSUFFICIENT_MEMORY),
 * so the demo logs it and recovers through its backoff path.
 */
void vApplicationMallocFailedHook(void)
{
	static const char msg[] = "[main] pvPortMalloc failed: FreeRTOS heap "
				  "exhausted; the caller gets NULL\n";

	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)n;
}

void vApplicationStackOverflowHook(TaskHandle_t xTask, char *pcTaskName)
{
	(void)xTask;
	fatal(EXIT_STACK_OVERFLOW,
	      "[main] FATAL: stack overflow in task '%s'; raise its stack depth\n",
	      pcTaskName);
}

/* Sleep instead of spinning a host core; the tick signal cuts it short. */
void vApplicationIdleHook(void)
{
	const struct timespec ts = { .tv_sec = 0, .tv_nsec = 15 * 1000 * 1000 };

	(void)nanosleep(&ts, NULL);
}

static void demo_task(void *params)
{
	int32_t status;

	(void)params;
#if DEMO_USE_RUST_TASK
	if (client_id_arg != NULL) {
		status = mqtt_demo_set_client_id(client_id_arg, strlen(client_id_arg));
		if (status != MQTT_DEMO_OK) {
			fprintf(stderr, "[main] --client-id '%s' cannot be used (status %" PRId32
				"): it must be 1 to 128 bytes of UTF-8 without '+' or '#'\n",
				client_id_arg, status);
			bad_client_id = 1;
			vTaskEndScheduler();
			for (;;)
				pause();
		}
		printf("[main] client id %s (--client-id)\n", client_id_arg);
	}
#endif
	status = demo_run(democonfigDEMO_ITERATIONS);
	printf("[main] demo returned %" PRId32 "; demo task stack high water mark: %lu words\n",
	       status, (unsigned long)uxTaskGetStackHighWaterMark(NULL));
	demo_status = status;
	demo_finished = 1;
	vTaskEndScheduler();
	/* The POSIX port parks this thread in vPortEndScheduler(). */
	for (;;)
		pause();
}

static int exit_code(void)
{
	int32_t status = demo_status;

	if (bad_client_id)
		return EXIT_USAGE;
	if (!demo_finished)
		return EXIT_NOT_RUN;
	if (status >= 0 && status <= EXIT_DEMO_MAX)
		return (int)status;
	return EXIT_DEMO_MAX;
}

/* The command line: nothing, or --client-id ID. 0 when usable. */
static int parse_args(int argc, char **argv)
{
	if (argc == 1)
		return 0;
#if DEMO_USE_RUST_TASK
	if (argc == 3 && strcmp(argv[1], "--client-id") == 0) {
		client_id_arg = argv[2];
		return 0;
	}
	fprintf(stderr, "usage: %s [--client-id ID]\n", argv[0]);
#else
	fprintf(stderr, "usage: %s (the %s demo takes no arguments)\n", argv[0],
		DEMO_NAME);
#endif
	return -1;
}

int main(int argc, char **argv)
{
	BaseType_t ok;
	int code;

	/* Logs go to pipes in tests: flush each line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv) != 0)
		return EXIT_USAGE;
	printf("[main] FreeRTOS %s POSIX simulator, heap %zu bytes, %s demo, %u iteration(s) (0 = forever)\n",
	       tskKERNEL_VERSION_NUMBER, (size_t)configTOTAL_HEAP_SIZE,
	       DEMO_NAME,
	       (unsigned)democonfigDEMO_ITERATIONS);

	ok = xTaskCreate(demo_task, "MQTTDemo", democonfigDEMO_STACKSIZE, NULL,
			 democonfigDEMO_PRIORITY, NULL);
	if (ok != pdPASS) {
		fprintf(stderr, "[main] cannot create the demo task (%u words)\n",
			(unsigned)democonfigDEMO_STACKSIZE);
		return EXIT_NOT_RUN;
	}

	vTaskStartScheduler();

	code = exit_code();
	printf("[main] scheduler ended; minimum ever free heap: %zu of %zu bytes; exit code %d\n",
	       xPortGetMinimumEverFreeHeapSize(), (size_t)configTOTAL_HEAP_SIZE, code);
	fflush(stdout);
	return code;
}
