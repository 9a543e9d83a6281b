/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * c_test_task.h - board bring-up check in C, used instead of the Rust demo
 * when the image is built with DEMO_USE_RUST_TASK=OFF.
 */
#ifndef C_TEST_TASK_H
#define C_TEST_TASK_H

#include <stdint.h>

/**
 * c_test_demo_run() - same signature as the Rust mqtt_demo_run(). Per
 * iteration: PKCS#11 C_GenerateRandom, TLS connect to the configured broker
 * (retried with full-jitter backoff), a raw MQTT CONNECT answered by an
 * accepting CONNACK, DISCONNECT, TLS close.
 * @iterations: number of iterations (0 counts as 1).
 *
 * Return: 0 if every iteration succeeded, 1 otherwise.
 */
int32_t c_test_demo_run(uint32_t iterations);

#endif /* C_TEST_TASK_H */
