// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * c_test_task.c - board bring-up check in C (see c_test_task.h): the TLS
 * transport, the lwIP sockets layer and the PKCS#11 RNG against the real
 * broker, without the Rust component.
 */
#include <stdbool.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include "FreeRTOS.h"
#include "task.h"

#include "c_test_task.h"
#include "demo_config.h"
#include "demo_log.h"
#include "pkcs11_rng.h"
#include "transport_mbedtls.h"

#define say(...)  DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define fail(...) DemoLog_Printf(DEMO_LOG_ERROR, __VA_ARGS__)

#define BROKER democonfigMQTT_BROKER_ENDPOINT
#define PORT democonfigMQTT_BROKER_PORT
#define IO_TIMEOUT_MS democonfigTRANSPORT_SEND_RECV_TIMEOUT_MS
#define CLIENT_ID democonfigCLIENT_IDENTIFIER
#define CLIENT_ID_LEN (sizeof(CLIENT_ID) - 1)

_Static_assert(CLIENT_ID_LEN <= 100,
	       "the hand-built CONNECT assumes a short client id");

static TlsTransportParams_t tls_params;
static NetworkContext_t net_ctx = { .pParams = &tls_params };

static const NetworkCredentials_t creds = {
	.pAlpnProtos = NULL,
	.disableSni = pdFALSE,
	.pRootCa = (const unsigned char *)democonfigROOT_CA_PEM,
	.rootCaSize = sizeof(democonfigROOT_CA_PEM),
	.pClientCert = (const unsigned char *)democonfigCLIENT_CERTIFICATE_PEM,
	.clientCertSize = sizeof(democonfigCLIENT_CERTIFICATE_PEM),
	.pPrivateKey = (const unsigned char *)democonfigCLIENT_PRIVATE_KEY_PEM,
	.privateKeySize = sizeof(democonfigCLIENT_PRIVATE_KEY_PEM),
};

/* A random 32-bit value through PKCS#11, as the Rust demo draws its jitter. */
static int pkcs11_random(uint32_t *out)
{
	static bool initialized;
	CK_FUNCTION_LIST_PTR fl = NULL;
	CK_SESSION_HANDLE session;
	CK_SLOT_ID slot;
	CK_ULONG count = 1;
	CK_RV rv;

	rv = C_GetFunctionList(&fl);
	if (rv == CKR_OK && !initialized) {
		rv = fl->C_Initialize(NULL);
		initialized = rv == CKR_OK;
	}
	if (rv == CKR_OK)
		rv = fl->C_GetSlotList(CK_TRUE, &slot, &count);
	if (rv == CKR_OK)
		rv = fl->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
				       &session);
	if (rv != CKR_OK) {
		fail("PKCS#11 setup failed: CK_RV 0x%lx", (unsigned long)rv);
		return -1;
	}
	rv = fl->C_GenerateRandom(session, (CK_BYTE_PTR)out, sizeof(*out));
	(void)fl->C_CloseSession(session);
	if (rv != CKR_OK) {
		fail("C_GenerateRandom failed: CK_RV 0x%lx", (unsigned long)rv);
		return -1;
	}
	return 0;
}

/* TLS connect, then up to democonfigRETRY_MAX_ATTEMPTS retries with
 * full-jitter backoff, like the Rust demo. */
static int connect_with_backoff(void)
{
	uint32_t ceiling = democonfigRETRY_BACKOFF_BASE_MS;
	TlsTransportStatus_t st;
	uint32_t attempt, rnd, delay;

	for (attempt = 1;; attempt++) {
		st = TLS_FreeRTOS_Connect(&net_ctx, BROKER, PORT, &creds,
					  IO_TIMEOUT_MS, IO_TIMEOUT_MS);
		if (st == TLS_TRANSPORT_SUCCESS)
			return 0;
		if (attempt > democonfigRETRY_MAX_ATTEMPTS) {
			fail("TLS connect failed (status %d); retries "
			     "exhausted", (int)st);
			return -1;
		}
		if (pkcs11_random(&rnd) != 0)
			return -1;
		delay = rnd % (ceiling + 1U);
		say("TLS connect failed (status %d); retry %lu of %lu in "
		    "%lu ms",
		    (int)st, (unsigned long)attempt,
		    (unsigned long)democonfigRETRY_MAX_ATTEMPTS,
		    (unsigned long)delay);
		vTaskDelay(pdMS_TO_TICKS(delay));
		if (ceiling < democonfigRETRY_MAX_BACKOFF_DELAY_MS / 2U)
			ceiling *= 2U;
		else
			ceiling = democonfigRETRY_MAX_BACKOFF_DELAY_MS;
	}
}

static int send_all(const uint8_t *buf, size_t len)
{
	const TickType_t start = xTaskGetTickCount();
	size_t done = 0;
	int32_t n;

	while (done < len) {
		n = TLS_FreeRTOS_send(&net_ctx, &buf[done], len - done);
		if (n < 0)
			return -1; /* logged by the transport */
		done += (size_t)n;
		if (done < len && xTaskGetTickCount() - start >
		    pdMS_TO_TICKS(democonfigCONNACK_RECV_TIMEOUT_MS)) {
			fail("MQTT send stalled");
			return -1;
		}
	}
	return 0;
}

static int recv_exact(uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	const TickType_t start = xTaskGetTickCount();
	size_t done = 0;
	int32_t n;

	while (done < len) {
		n = TLS_FreeRTOS_recv(&net_ctx, &buf[done], len - done);
		if (n < 0)
			return -1;
		done += (size_t)n;
		if (done < len && xTaskGetTickCount() - start >
		    pdMS_TO_TICKS(timeout_ms)) {
			fail("no CONNACK within %lu ms",
			     (unsigned long)timeout_ms);
			return -1;
		}
	}
	return 0;
}

/* MQTT 3.1.1 CONNECT (clean session) and its CONNACK, by hand. */
static int mqtt_connect(void)
{
	uint8_t pkt[14 + CLIENT_ID_LEN];
	uint8_t connack[4];
	size_t n = 0;

	pkt[n++] = 0x10;
	pkt[n++] = (uint8_t)(12 + CLIENT_ID_LEN);
	memcpy(&pkt[n], "\x00\x04MQTT\x04\x02", 8); /* level 4, clean */
	n += 8;
	pkt[n++] = 0;
	pkt[n++] = democonfigKEEP_ALIVE_SECONDS;
	pkt[n++] = 0;
	pkt[n++] = (uint8_t)CLIENT_ID_LEN;
	memcpy(&pkt[n], CLIENT_ID, CLIENT_ID_LEN);
	n += CLIENT_ID_LEN;

	if (send_all(pkt, n) != 0 ||
	    recv_exact(connack, sizeof(connack),
		       democonfigCONNACK_RECV_TIMEOUT_MS) != 0)
		return -1;
	if (connack[0] != 0x20 || connack[1] != 2 || connack[3] != 0) {
		fail("CONNACK refused or malformed: %02x %02x %02x %02x",
		     connack[0], connack[1], connack[2], connack[3]);
		return -1;
	}
	say("MQTT CONNACK received: accepted as \"%s\"", CLIENT_ID);
	return send_all((const uint8_t *)"\xe0\x00", 2);
}

static int iteration(void)
{
	int rc;

	if (connect_with_backoff() != 0)
		return -1;
	rc = mqtt_connect();
	TLS_FreeRTOS_Disconnect(&net_ctx);
	return rc;
}

int32_t c_test_demo_run(uint32_t iterations)
{
	uint32_t i, failed = 0;

	if (iterations == 0)
		iterations = 1;
	say("C bring-up test: %lu iteration(s) against %s:%u",
	    (unsigned long)iterations, BROKER, (unsigned int)PORT);
	for (i = 1; i <= iterations; i++) {
		if (iteration() == 0) {
			say("iteration %lu succeeded", (unsigned long)i);
		} else {
			fail("iteration %lu failed", (unsigned long)i);
			failed++;
		}
		if (i < iterations)
			vTaskDelay(pdMS_TO_TICKS(
				democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS));
	}
	return failed ? 1 : 0;
}
