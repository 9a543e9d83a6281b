/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * c_mqtt_demo.h - the MQTT mutual-authentication demo written in C against
 * the coreMQTT v2.3 API (core_mqtt.h, core_mqtt_state.h) and
 * backoffAlgorithm's API (backoff_algorithm.h), which the Rust staticlib
 * implements (cargo feature `coremqtt`). It does what the Rust demo task
 * (mqtt_demo.h) does, the way FreeRTOS's coreMQTT mutual-auth demo is
 * structured, so an image can run either (CMake DEMO_TASK=rust|c).
 *
 * Per iteration:
 *   1. TLS connect (transport_mbedtls.h) and MQTT CONNECT, retried together
 *      with backoffAlgorithm's full jitter, random values from PKCS#11
 *      C_GenerateRandom (mqtt_link.h);
 *   2. with a resumed session (democonfigCLEAN_SESSION 0, CONNACK session
 *      present), every publish MQTT_PublishToResend lists is sent again
 *      with dup set;
 *   3. SUBSCRIBE at QoS 1 to <client id>/example/topic, retried with
 *      backoff while the SUBACK refuses it;
 *   4. democonfigPUBLISH_COUNT times: PUBLISH "Hello World!" at QoS 1 with
 *      a packet id from MQTT_GetPacketId, then MQTT_ProcessLoop until its
 *      PUBACK and the broker's echo arrived (democonfigPROCESS_LOOP_TIMEOUT_MS
 *      at most);
 *   5. UNSUBSCRIBE and wait for UNSUBACK, DISCONNECT, close TLS, log the
 *      memory figures, pause, repeat.
 * Every step is logged through DemoLog_Write (demo_log.h) with the Rust
 * demo's wording, so one set of log checks fits both tasks.
 */
#ifndef C_MQTT_DEMO_H
#define C_MQTT_DEMO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * c_mqtt_demo_run() - run the demo in the calling FreeRTOS task.
 * @iterations: how many iterations; 0 runs forever (no return).
 *
 * Uses static buffers: one task at a time. The task needs the stack the
 * TLS handshake needs (about 5 KB on a Cortex-M3) plus about 1 KB.
 *
 * Return: MQTT_DEMO_OK (0) when every iteration succeeded, else the
 * MQTT_DEMO_ERR_* code (mqtt_demo.h, the same codes as the Rust demo) of
 * the last failure; MQTT_DEMO_ERR_BUSY if the demo runs in another task.
 */
int32_t c_mqtt_demo_run(uint32_t iterations);

#ifdef __cplusplus
}
#endif

#endif /* C_MQTT_DEMO_H */
