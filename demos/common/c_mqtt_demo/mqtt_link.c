// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * mqtt_link.c - TLS and MQTT CONNECT with backoffAlgorithm retries for the
 * C demos over core_mqtt.h (see mqtt_link.h).
 */
#include <stdio.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include "FreeRTOS.h"
#include "task.h"

#include "demo_config.h"
#include "demo_log.h"
#include "mqtt_link.h"

#define say(...)  DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define warn(...) DemoLog_Printf(DEMO_LOG_WARN, __VA_ARGS__)
#define fail(...) DemoLog_Printf(DEMO_LOG_ERROR, __VA_ARGS__)

#define BROKER democonfigMQTT_BROKER_ENDPOINT
#define PORT ((uint16_t)democonfigMQTT_BROKER_PORT)

/* backoffAlgorithm counts milliseconds in uint16_t: refuse what does not
 * fit instead of truncating it. */
_Static_assert(democonfigRETRY_BACKOFF_BASE_MS >= 1 &&
		       democonfigRETRY_BACKOFF_BASE_MS <= UINT16_MAX,
	       "democonfigRETRY_BACKOFF_BASE_MS must be 1..65535 ms "
	       "(backoffAlgorithm's uint16_t)");
_Static_assert(democonfigRETRY_MAX_BACKOFF_DELAY_MS <= UINT16_MAX,
	       "democonfigRETRY_MAX_BACKOFF_DELAY_MS must be at most 65535 ms "
	       "(backoffAlgorithm's uint16_t)");
_Static_assert(democonfigCONNACK_RECV_TIMEOUT_MS > 0,
	       "democonfigCONNACK_RECV_TIMEOUT_MS must be positive");

/* AWS IoT Core takes MQTT over TLS on port 443 only with this ALPN. */
#if democonfigUSE_AWS_IOT_CORE_BROKER && democonfigMQTT_BROKER_PORT == 443
static const char *alpn_protocols[] = { "x-amzn-mqtt-ca", NULL };
#define ALPN alpn_protocols
#else
#define ALPN NULL
#endif

static const NetworkCredentials_t credentials = {
	.pAlpnProtos = ALPN,
	.disableSni = pdFALSE,
	.pRootCa = (const unsigned char *)democonfigROOT_CA_PEM,
	.rootCaSize = sizeof(democonfigROOT_CA_PEM),
	.pClientCert = (const unsigned char *)democonfigCLIENT_CERTIFICATE_PEM,
	.clientCertSize = sizeof(democonfigCLIENT_CERTIFICATE_PEM),
	.pPrivateKey = (const unsigned char *)democonfigCLIENT_PRIVATE_KEY_PEM,
	.privateKeySize = sizeof(democonfigCLIENT_PRIVATE_KEY_PEM),
};

/* ---- time ---------------------------------------------------------------- */

uint32_t mqtt_link_time_ms(void)
{
	const uint64_t ticks = (uint64_t)xTaskGetTickCount();

	/* Wraps like coreMQTT expects: only differences are used. */
	return (uint32_t)(ticks * 1000U / configTICK_RATE_HZ);
}

void mqtt_link_delay_ms(uint32_t ms)
{
	uint64_t ticks = ((uint64_t)ms * configTICK_RATE_HZ + 999U) / 1000U;

	if (ticks > (uint64_t)portMAX_DELAY - 1U)
		ticks = (uint64_t)portMAX_DELAY - 1U;
	if (ticks > 0U)
		vTaskDelay((TickType_t)ticks);
}

/* ---- PKCS#11 random --------------------------------------------------------- */

static CK_FUNCTION_LIST_PTR p11;
static CK_SESSION_HANDLE p11_session;
static bool p11_open;

static int pkcs11_open(void)
{
	CK_SLOT_ID slots[4];
	CK_ULONG count = sizeof(slots) / sizeof(slots[0]);
	CK_RV rv;

	rv = C_GetFunctionList(&p11);
	if (rv != CKR_OK || p11 == NULL) {
		fail("PKCS#11 C_GetFunctionList failed: CK_RV 0x%lx", (unsigned long)rv);
		return -1;
	}
	rv = p11->C_Initialize(NULL);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		fail("PKCS#11 C_Initialize failed: CK_RV 0x%lx", (unsigned long)rv);
		return -1;
	}
	rv = p11->C_GetSlotList(CK_TRUE, slots, &count);
	if (rv != CKR_OK || count == 0) {
		fail("PKCS#11 C_GetSlotList (no token) failed: CK_RV 0x%lx",
		     (unsigned long)rv);
		return -1;
	}
	rv = p11->C_OpenSession(slots[0], CKF_SERIAL_SESSION, NULL, NULL,
				&p11_session);
	if (rv != CKR_OK) {
		fail("PKCS#11 C_OpenSession failed: CK_RV 0x%lx", (unsigned long)rv);
		return -1;
	}
	p11_open = true;
	return 0;
}

int mqtt_link_random(uint32_t *value)
{
	CK_BYTE bytes[sizeof(*value)];
	CK_RV rv;

	if (!p11_open && pkcs11_open() != 0)
		return -1;
	rv = p11->C_GenerateRandom(p11_session, bytes, sizeof(bytes));
	if (rv != CKR_OK) {
		fail("PKCS#11 C_GenerateRandom failed: CK_RV 0x%lx", (unsigned long)rv);
		return -1;
	}
	memcpy(value, bytes, sizeof(*value));
	return 0;
}

/* ---- backoff ---------------------------------------------------------------- */

void mqtt_link_backoff_start(BackoffAlgorithmContext_t *retry)
{
	/* democonfigRETRY_MAX_ATTEMPTS 0 means retry forever. */
	const uint32_t attempts = democonfigRETRY_MAX_ATTEMPTS == 0 ?
					  BACKOFF_ALGORITHM_RETRY_FOREVER :
					  (uint32_t)democonfigRETRY_MAX_ATTEMPTS;

	BackoffAlgorithm_InitializeParams(retry,
					  (uint16_t)democonfigRETRY_BACKOFF_BASE_MS,
					  (uint16_t)democonfigRETRY_MAX_BACKOFF_DELAY_MS,
					  attempts);
}

BackoffAlgorithmStatus_t mqtt_link_next_delay(BackoffAlgorithmContext_t *retry,
					      uint32_t *delay_ms,
					      bool *random_failed)
{
	BackoffAlgorithmStatus_t st;
	uint32_t random = 0;
	uint16_t wait_ms = 0;

	*random_failed = false;
	if (retry->maxRetryAttempts != BACKOFF_ALGORITHM_RETRY_FOREVER &&
	    retry->attemptsDone >= retry->maxRetryAttempts)
		return BackoffAlgorithmRetriesExhausted;
#if democonfigRETRY_JITTER
	if (mqtt_link_random(&random) != 0) {
		*random_failed = true;
		return BackoffAlgorithmRetriesExhausted;
	}
#else
	/* No jitter: ceiling % (ceiling + 1) is the whole ceiling. */
	random = retry->nextJitterMax;
#endif
	st = BackoffAlgorithm_GetNextBackoff(retry, random, &wait_ms);
	if (st == BackoffAlgorithmSuccess)
		*delay_ms = (uint32_t)wait_ms + democonfigRETRY_MIN_DELAY_MS;
	return st;
}

/* ---- the connection --------------------------------------------------------- */

void mqtt_link_init(struct mqtt_link *link, uint32_t recv_timeout_ms)
{
	memset(link, 0, sizeof(*link));
	link->network.pParams = &link->tls;
	link->transport.recv = TLS_FreeRTOS_recv;
	link->transport.send = TLS_FreeRTOS_send;
	link->transport.writev = NULL;
	link->transport.pNetworkContext = &link->network;
	link->recv_timeout_ms = recv_timeout_ms;
}

const char *mqtt_link_tls_status_name(TlsTransportStatus_t st)
{
	switch (st) {
	case TLS_TRANSPORT_SUCCESS:
		return "TLS_TRANSPORT_SUCCESS";
	case TLS_TRANSPORT_INVALID_PARAMETER:
		return "TLS_TRANSPORT_INVALID_PARAMETER";
	case TLS_TRANSPORT_INSUFFICIENT_MEMORY:
		return "TLS_TRANSPORT_INSUFFICIENT_MEMORY";
	case TLS_TRANSPORT_INVALID_CREDENTIALS:
		return "TLS_TRANSPORT_INVALID_CREDENTIALS";
	case TLS_TRANSPORT_HANDSHAKE_FAILED:
		return "TLS_TRANSPORT_HANDSHAKE_FAILED";
	case TLS_TRANSPORT_INTERNAL_ERROR:
		return "TLS_TRANSPORT_INTERNAL_ERROR";
	case TLS_TRANSPORT_CONNECT_FAILURE:
		return "TLS_TRANSPORT_CONNECT_FAILURE";
	}
	return "unknown TLS transport status";
}

/* Why the last attempt failed, in words, into @out. */
static void describe_failure(const struct mqtt_link *link, bool tls_failed,
			     char *out, size_t size)
{
	const MQTTStatus_t st = link->last_mqtt_status;

	if (tls_failed) {
		(void)snprintf(out, size, "TLS connect to %s:%u failed: %s",
			       BROKER, (unsigned int)PORT,
			       mqtt_link_tls_status_name(link->last_tls_status));
	} else if (st == MQTTNoDataAvailable) {
		(void)snprintf(out, size, "MQTT CONNECT failed: no CONNACK within "
			       "%u ms (%s)", (unsigned int)democonfigCONNACK_RECV_TIMEOUT_MS,
			       MQTT_Status_strerror(st));
	} else if (st == MQTTServerRefused) {
		(void)snprintf(out, size, "MQTT CONNECT failed: refused by the "
			       "broker (%s)", MQTT_Status_strerror(st));
	} else {
		(void)snprintf(out, size, "MQTT CONNECT failed: %s",
			       MQTT_Status_strerror(st));
	}
}

/* TLS connect, then CONNECT/CONNACK. Returns 0, or -1 when TLS failed,
 * -2 when MQTT failed (TLS closed again). */
static int attempt(struct mqtt_link *link, MQTTContext_t *mqtt,
		   const MQTTConnectInfo_t *connect, bool *session_present)
{
	MQTTStatus_t st;

	link->last_tls_status = TLS_FreeRTOS_Connect(&link->network, BROKER, PORT,
						     &credentials,
						     link->recv_timeout_ms,
						     democonfigTRANSPORT_SEND_RECV_TIMEOUT_MS);
	if (link->last_tls_status != TLS_TRANSPORT_SUCCESS)
		return -1; /* the transport logged the cause */
	link->tls_open = true;

	say("MQTT CONNECT as %.*s, keep-alive %u s",
	    (int)connect->clientIdentifierLength, connect->pClientIdentifier,
	    (unsigned int)connect->keepAliveSeconds);
	st = MQTT_Connect(mqtt, connect, NULL, democonfigCONNACK_RECV_TIMEOUT_MS,
			  session_present);
	link->last_mqtt_status = st;
	if (st == MQTTSuccess) {
		say("CONNACK: connection accepted, session present: %s",
		    *session_present ? "yes" : "no");
		return 0;
	}
	TLS_FreeRTOS_Disconnect(&link->network);
	link->tls_open = false;
	return -2;
}

void mqtt_link_say_retry(const BackoffAlgorithmContext_t *retry,
			 uint32_t delay_ms, const char *why)
{
	if (retry->maxRetryAttempts == BACKOFF_ALGORITHM_RETRY_FOREVER)
		warn("%s; retry %lu in %lu ms", why,
		     (unsigned long)retry->attemptsDone, (unsigned long)delay_ms);
	else
		warn("%s; retry %lu of %lu in %lu ms", why,
		     (unsigned long)retry->attemptsDone,
		     (unsigned long)retry->maxRetryAttempts, (unsigned long)delay_ms);
}

enum mqtt_link_status mqtt_link_open(struct mqtt_link *link,
				     MQTTContext_t *mqtt,
				     const MQTTConnectInfo_t *connect,
				     bool *session_present)
{
	BackoffAlgorithmContext_t retry;
	char why[300];
	uint32_t delay_ms = 0;
	bool random_failed;
	int r;

	mqtt_link_backoff_start(&retry);
	for (;;) {
		r = attempt(link, mqtt, connect, session_present);
		if (r == 0)
			return MQTT_LINK_OK;
		describe_failure(link, r == -1, why, sizeof(why));
		if (mqtt_link_next_delay(&retry, &delay_ms, &random_failed) !=
		    BackoffAlgorithmSuccess) {
			if (random_failed)
				return MQTT_LINK_RANDOM_FAILED;
			warn("%s; no retries left", why);
			return r == -1 ? MQTT_LINK_TLS_FAILED : MQTT_LINK_MQTT_FAILED;
		}
		mqtt_link_say_retry(&retry, delay_ms, why);
		mqtt_link_delay_ms(delay_ms);
	}
}

MQTTStatus_t mqtt_link_close(struct mqtt_link *link, MQTTContext_t *mqtt)
{
	MQTTStatus_t st = MQTTSuccess;

	if (mqtt->connectStatus == MQTTConnected) {
		say("disconnecting");
		st = MQTT_Disconnect(mqtt);
		if (st != MQTTSuccess)
			warn("DISCONNECT could not be sent: %s", MQTT_Status_strerror(st));
	}
	if (link->tls_open) {
		TLS_FreeRTOS_Disconnect(&link->network);
		link->tls_open = false;
	}
	return st;
}

/* ---- log text --------------------------------------------------------------- */

/* How many characters byte @b takes in the log text. */
static size_t printable_width(uint8_t b)
{
	return (b >= 0x20 && b < 0x7f && b != '\\') ? 1 : 4;
}

const char *mqtt_link_printable(const void *data, size_t len, char *out,
				size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = data;
	char tail[32];
	size_t room, total = 0, used = 0, i;

	if (size == 0)
		return out;
	room = size - 1;
	for (i = 0; i < len; i++)
		total += printable_width(p[i]);
	/* Cut: keep room for a tail that says how long the whole was. */
	(void)snprintf(tail, sizeof(tail), "...(%lu bytes)", (unsigned long)len);
	if (total > room)
		room = room > strlen(tail) ? room - strlen(tail) : 0;
	for (i = 0; i < len && used + printable_width(p[i]) <= room; i++) {
		if (printable_width(p[i]) == 1) {
			out[used++] = (char)p[i];
			continue;
		}
		out[used++] = '\\';
		out[used++] = 'x';
		out[used++] = hex[p[i] >> 4];
		out[used++] = hex[p[i] & 0xfU];
	}
	out[used] = '\0';
	if (total > size - 1)
		(void)snprintf(&out[used], size - used, "%s", tail);
	return out;
}
