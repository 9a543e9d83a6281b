/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * mqtt_link.h - the connection to the broker for C code written against
 * core_mqtt.h: the image's TLS transport (transport_mbedtls.h) as a
 * coreMQTT TransportInterface_t, MQTT CONNECT, and both retried with
 * backoffAlgorithm's full jitter drawn from PKCS#11 C_GenerateRandom.
 *
 * Used by the C mutual-auth demo (c_mqtt_demo.c) and the agent demo
 * (agent_demo.c). Settings come from demo_config.h (democonfig*): broker,
 * credentials, ALPN for AWS IoT on port 443, CONNACK timeout, backoff base,
 * cap, retries, floor and jitter mode.
 *
 * All functions are for FreeRTOS tasks; one link is used by one task at a
 * time.
 */
#ifndef MQTT_LINK_H
#define MQTT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backoff_algorithm.h"
#include "core_mqtt.h"
#include "transport_mbedtls.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How mqtt_link_open() ended. */
enum mqtt_link_status {
	MQTT_LINK_OK = 0,
	MQTT_LINK_TLS_FAILED,     /* TLS connect failed on every attempt */
	MQTT_LINK_MQTT_FAILED,    /* TLS worked, CONNECT failed every time */
	MQTT_LINK_RANDOM_FAILED,  /* no random value for a backoff delay */
};

/* One TLS session to the broker and its MQTT transport description. */
struct mqtt_link {
	TlsTransportParams_t tls;          /* the transport's state */
	NetworkContext_t network;          /* .pParams = &tls */
	TransportInterface_t transport;    /* TLS_FreeRTOS_recv / _send */
	uint32_t recv_timeout_ms;          /* bound of one recv() */
	bool tls_open;
	MQTTStatus_t last_mqtt_status;     /* of the last MQTT_Connect */
	TlsTransportStatus_t last_tls_status;
};

/**
 * mqtt_link_init() - prepare @link: transport functions and context.
 * @recv_timeout_ms: bound of one TLS_FreeRTOS_recv(), i.e. of one
 *                   MQTT_ProcessLoop() call that finds nothing to read.
 */
void mqtt_link_init(struct mqtt_link *link, uint32_t recv_timeout_ms);

/**
 * mqtt_link_open() - TLS connect, then MQTT_Connect(), as one attempt;
 * failed attempts are retried after a backoffAlgorithm delay (plus
 * democonfigRETRY_MIN_DELAY_MS) until democonfigRETRY_MAX_ATTEMPTS retries
 * are used up. Every failure and every delay is logged.
 * @mqtt:            a context set up with MQTT_Init() on @link->transport.
 * @connect:         what CONNECT carries.
 * @session_present: set from CONNACK on success.
 *
 * Return: MQTT_LINK_OK with TLS and MQTT up, or why not (all closed).
 */
enum mqtt_link_status mqtt_link_open(struct mqtt_link *link,
				     MQTTContext_t *mqtt,
				     const MQTTConnectInfo_t *connect,
				     bool *session_present);

/**
 * mqtt_link_close() - DISCONNECT if the MQTT session is up (logged), then
 * close TLS. Safe to call on a link that is not open.
 *
 * Return: MQTTSuccess, or the status of MQTT_Disconnect().
 */
MQTTStatus_t mqtt_link_close(struct mqtt_link *link, MQTTContext_t *mqtt);

/**
 * mqtt_link_random() - a 32-bit random value from the PKCS#11 module
 * (C_GenerateRandom in a session opened on first use and kept).
 *
 * Return: 0, or -1 (logged with the CK_RV).
 */
int mqtt_link_random(uint32_t *value);

/**
 * mqtt_link_next_delay() - the wait before the next retry of @retry: the
 * backoffAlgorithm delay for a PKCS#11 random value (the whole ceiling
 * when democonfigRETRY_JITTER is 0) plus democonfigRETRY_MIN_DELAY_MS.
 * @retry: started with mqtt_link_backoff_start().
 *
 * Return: BackoffAlgorithmSuccess with *@delay_ms set; or
 * BackoffAlgorithmRetriesExhausted, *@random_failed telling whether the
 * random source was the cause.
 */
BackoffAlgorithmStatus_t mqtt_link_next_delay(BackoffAlgorithmContext_t *retry,
					      uint32_t *delay_ms,
					      bool *random_failed);

/* Log "<why>; retry k of N in D ms" (or "retry k in D ms" forever) after
 * mqtt_link_next_delay() handed out retry k. */
void mqtt_link_say_retry(const BackoffAlgorithmContext_t *retry,
			 uint32_t delay_ms, const char *why);

/* The name of a TlsTransportStatus_t, e.g. "TLS_TRANSPORT_HANDSHAKE_FAILED". */
const char *mqtt_link_tls_status_name(TlsTransportStatus_t status);

/* Start a retry sequence with the democonfigRETRY_* settings. */
void mqtt_link_backoff_start(BackoffAlgorithmContext_t *retry);

/* Milliseconds since the scheduler started (wraps): MQTTGetCurrentTimeFunc_t. */
uint32_t mqtt_link_time_ms(void);

/* Block the calling task for @ms milliseconds (at least one tick if > 0). */
void mqtt_link_delay_ms(uint32_t ms);

/**
 * mqtt_link_printable() - @len bytes of @data as a NUL-terminated log text
 * in @out (@size bytes): printable ASCII as is, other bytes as \xNN, and a
 * text that does not fit ends in "...(N bytes)".
 *
 * Return: @out.
 */
const char *mqtt_link_printable(const void *data, size_t len, char *out,
				size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MQTT_LINK_H */
