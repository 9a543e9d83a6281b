/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * agent_demo.h - several FreeRTOS tasks share one MQTT connection through
 * the agent of mqtt_agent.h, over the coreMQTT C API.
 *
 * Per iteration, the calling task connects (TLS + CONNECT with backoff,
 * mqtt_link.h), creates AGENT_DEMO_TASKS publisher tasks and becomes the
 * agent. Publisher task k (1..N), through the agent only:
 *   - subscribes at QoS 1 to <client id>/agent/task<k>;
 *   - AGENT_DEMO_PUBLISHES times publishes "task <k> message <j>" at QoS 1
 *     to that topic, waits for the completion (the PUBACK, reported by a
 *     task notification), then for the broker's echo in its own inbox,
 *     which must be exactly what it sent;
 *   - unsubscribes, logs its tally, and the last one to finish stops the
 *     agent.
 * The tasks run at once, so their publishes are in flight together on one
 * connection. The run then disconnects and logs the totals.
 */
#ifndef AGENT_DEMO_H
#define AGENT_DEMO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef AGENT_DEMO_TASKS
#define AGENT_DEMO_TASKS 3
#endif
#ifndef AGENT_DEMO_PUBLISHES
#define AGENT_DEMO_PUBLISHES 10
#endif
/* Publisher task stack, words: its log lines (DemoLog_Printf's 320-byte
 * buffer) and the agent calls. On the POSIX port this is heap only. */
#ifndef AGENT_DEMO_TASK_STACK_WORDS
#define AGENT_DEMO_TASK_STACK_WORDS 512
#endif

/**
 * agent_demo_run() - run the agent demo in the calling task.
 * @iterations: how many iterations; 0 runs forever (no return).
 *
 * Return: MQTT_DEMO_OK (0) when every task of every iteration got every
 * completion and echo right, else an MQTT_DEMO_ERR_* code (mqtt_demo.h):
 * TLS_CONNECT/MQTT_CONNECT/RANDOM when the connection failed,
 * TASK_CREATE when a task or queue could not be created, PUBLISH when a
 * task's tally is short, BUSY if it runs in another task already.
 */
int32_t agent_demo_run(uint32_t iterations);

#ifdef __cplusplus
}
#endif

#endif /* AGENT_DEMO_H */
