// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * selftest_posix.c - end-to-end check of c-shim on the FreeRTOS POSIX port.
 *
 * Usage: c_shim_selftest HOST PORT CA.pem CERT.pem KEY.pem [EXPECT]
 *   EXPECT: success (default), connect, handshake, credentials, memory
 *   (memory: leaves only MEMORY_LEFT bytes of heap for the connect)
 *
 * With EXPECT=success it runs the PKCS#11 calls (some failing on purpose),
 * connects with TLS_FreeRTOS_Connect(), sends a hand-built MQTT CONNECT,
 * reads the CONNACK byte by byte with TLS_FreeRTOS_recv() (0 = "try again"
 * and the buffered path are both exercised and timed), sends DISCONNECT and
 * disconnects.
 * Otherwise it checks that the connect fails with the expected status.
 * Either way it reports heap use of the connect and checks for leaks.
 * A lower-priority task counts how often it got the CPU, to show the
 * sockets layer never blocks the simulator in a system call.
 *
 * Exit status: 0 when the outcome matches EXPECT.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#include "FreeRTOS.h"
#include "task.h"

#include "demo_log.h"
#include "mbedtls_freertos_alloc.h"
#include "pkcs11_rng.h"
#include "transport_mbedtls.h"

#if defined(MBEDTLS_PSA_CRYPTO_C)
#include "psa/crypto.h"
#endif

#define RECV_TIMEOUT_MS 200U
#define SEND_TIMEOUT_MS 2000U
#define CLIENT_ID "c-shim-selftest"
#define MEMORY_LEFT (13 * 1024)

struct pem {
	unsigned char *data;
	size_t size; /* including the NUL */
};

static struct {
	const char *host;
	uint16_t port;
	struct pem ca, cert, key;
	TlsTransportStatus_t expect;
} cfg;

static volatile unsigned long background_runs;

#define say(...) DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define fail(...) DemoLog_Printf(DEMO_LOG_ERROR, __VA_ARGS__)

/*
 * Hooks the project's FreeRTOSConfig.h asks for (freertos-kernel/config/posix);
 * they report and _exit(): other tasks are threads parked anywhere.
 */
void vDemoAssertCalled(const char *pcFile, unsigned long ulLine);

void vDemoAssertCalled(const char *pcFile, unsigned long ulLine)
{
	DemoLog_Printf(DEMO_LOG_ERROR, "configASSERT failed at %s:%lu", pcFile,
		       ulLine);
	_exit(3);
}

#if configUSE_MALLOC_FAILED_HOOK == 1
void vApplicationMallocFailedHook(void);

void vApplicationMallocFailedHook(void)
{
	/* Not fatal here: the shim must turn it into INSUFFICIENT_MEMORY. */
	DemoLog_Printf(DEMO_LOG_WARN, "malloc failed hook: heap exhausted");
}
#endif

#if configCHECK_FOR_STACK_OVERFLOW > 0
void vApplicationStackOverflowHook(TaskHandle_t xTask, char *pcTaskName);

void vApplicationStackOverflowHook(TaskHandle_t xTask, char *pcTaskName)
{
	(void)xTask;
	DemoLog_Printf(DEMO_LOG_ERROR, "stack overflow in %s", pcTaskName);
	_exit(3);
}
#endif

#if configUSE_IDLE_HOOK == 1
void vApplicationIdleHook(void);

void vApplicationIdleHook(void)
{
}
#endif

static uint64_t now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/* ---- PKCS#11 ---------------------------------------------------------- */

static int expect_rv(const char *what, CK_RV got, CK_RV want)
{
	if (got == want)
		return 1;
	fail("%s returned 0x%lx, expected 0x%lx", what, (unsigned long)got,
	     (unsigned long)want);
	return 0;
}

static int pkcs11_check(void)
{
	CK_FUNCTION_LIST_PTR fl = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_SLOT_ID slot = 99;
	CK_ULONG count = 1;
	unsigned char a[16], b[16], zero[16] = { 0 };
	uint32_t jitter;
	int ok = 1;

	say("PKCS#11 checks; four errors are expected next");
	ok &= expect_rv("C_GetFunctionList", C_GetFunctionList(&fl), CKR_OK);
	if (!ok)
		return 0;
	ok &= expect_rv("C_Initialize", fl->C_Initialize(NULL), CKR_OK);
	ok &= expect_rv("C_Initialize again", fl->C_Initialize(NULL),
			CKR_CRYPTOKI_ALREADY_INITIALIZED);
	ok &= expect_rv("C_GetSlotList", fl->C_GetSlotList(CK_TRUE, &slot,
							   &count), CKR_OK);
	ok &= expect_rv("C_OpenSession without CKF_SERIAL_SESSION",
			fl->C_OpenSession(slot, 0, NULL, NULL, &session),
			CKR_SESSION_PARALLEL_NOT_SUPPORTED);
	ok &= expect_rv("C_OpenSession", fl->C_OpenSession(slot,
			CKF_SERIAL_SESSION, NULL, NULL, &session), CKR_OK);
	ok &= expect_rv("C_GenerateRandom", fl->C_GenerateRandom(session, a,
			sizeof(a)), CKR_OK);
	ok &= expect_rv("C_GenerateRandom", fl->C_GenerateRandom(session, b,
			sizeof(b)), CKR_OK);
	ok &= expect_rv("C_GenerateRandom(bad session)",
			fl->C_GenerateRandom(session + 7, b, sizeof(b)),
			CKR_SESSION_HANDLE_INVALID);
	/* corePKCS11's session helper logs in when the list has C_Login. */
	ok &= expect_rv("C_Login", fl->C_Login(session, CKU_USER,
			(CK_UTF8CHAR_PTR)"0000", 4), CKR_OK);
	ok &= expect_rv("C_Login again", fl->C_Login(session, CKU_USER,
			(CK_UTF8CHAR_PTR)"0000", 4), CKR_USER_ALREADY_LOGGED_IN);
	ok &= expect_rv("C_Logout", fl->C_Logout(session), CKR_OK);
	ok &= expect_rv("C_Logout again", fl->C_Logout(session),
			CKR_USER_NOT_LOGGED_IN);
	ok &= expect_rv("C_GenerateRandom(jitter)", fl->C_GenerateRandom(
			session, (CK_BYTE_PTR)&jitter, sizeof(jitter)), CKR_OK);
	ok &= expect_rv("C_CloseSession", fl->C_CloseSession(session), CKR_OK);
	ok &= expect_rv("C_Finalize", fl->C_Finalize(NULL), CKR_OK);

	if (memcmp(a, b, sizeof(a)) == 0 || memcmp(a, zero, sizeof(a)) == 0) {
		fail("C_GenerateRandom output repeats or is zero");
		ok = 0;
	}
	say("PKCS#11: slot %lu, random %02x%02x%02x%02x..., jitter for a "
	    "500 ms ceiling: %lu ms", (unsigned long)slot, a[0], a[1], a[2],
	    a[3], (unsigned long)(jitter % 501U));
	return ok;
}

/* ---- MQTT over TLS ---------------------------------------------------- */

static int send_all(NetworkContext_t *ctx, const unsigned char *buf,
		    size_t len)
{
	int32_t n = TLS_FreeRTOS_send(ctx, buf, len);

	if (n != (int32_t)len) {
		fail("TLS_FreeRTOS_send returned %ld of %lu", (long)n,
		     (unsigned long)len);
		return 0;
	}
	return 1;
}

static int send_connect(NetworkContext_t *ctx)
{
	static const char id[] = CLIENT_ID;
	unsigned char pkt[64];
	size_t idlen = sizeof(id) - 1;
	size_t n = 0;

	pkt[n++] = 0x10;                  /* CONNECT */
	pkt[n++] = (unsigned char)(10 + 2 + idlen);
	pkt[n++] = 0;
	pkt[n++] = 4;
	memcpy(&pkt[n], "MQTT", 4);
	n += 4;
	pkt[n++] = 4;                     /* protocol level 3.1.1 */
	pkt[n++] = 0x02;                  /* clean session */
	pkt[n++] = 0;
	pkt[n++] = 60;                    /* keep-alive 60 s */
	pkt[n++] = 0;
	pkt[n++] = (unsigned char)idlen;
	memcpy(&pkt[n], id, idlen);
	n += idlen;
	return send_all(ctx, pkt, n);
}

/* Reads one byte, counting "try again" answers; returns 1 on success. */
static int recv_byte(NetworkContext_t *ctx, unsigned char *out,
		     unsigned int *zeros, uint64_t *ms)
{
	uint64_t deadline = now_ms() + 5000U;
	uint64_t t0;
	int32_t n;

	for (;;) {
		t0 = now_ms();
		n = TLS_FreeRTOS_recv(ctx, out, 1);
		*ms = now_ms() - t0;
		if (n == 1)
			return 1;
		if (n < 0) {
			fail("TLS_FreeRTOS_recv failed: %ld", (long)n);
			return 0;
		}
		(*zeros)++;
		if (now_ms() > deadline) {
			fail("no CONNACK within 5 s");
			return 0;
		}
	}
}

/* Slack over a timeout for "did not block past it": the POSIX port's tick
 * runs slow and a poll step is one tick. */
#define TIMEOUT_SLACK_MS 100U

static int idle_recv_is_zero(NetworkContext_t *ctx, const char *when)
{
	unsigned char byte;
	uint64_t t0 = now_ms();
	int32_t n = TLS_FreeRTOS_recv(ctx, &byte, 1);
	uint64_t ms = now_ms() - t0;

	say("recv %s: returned %ld after %lu ms (receive timeout %u ms)",
	    when, (long)n, (unsigned long)ms, RECV_TIMEOUT_MS);
	if (n != 0) {
		fail("expected 0 (no data yet, connection up)");
		return 0;
	}
	if (ms + 20U < RECV_TIMEOUT_MS || ms > RECV_TIMEOUT_MS + TIMEOUT_SLACK_MS) {
		fail("recv returned 0 after %lu ms: it must wait the receive "
		     "timeout (%u ms), no more", (unsigned long)ms,
		     RECV_TIMEOUT_MS);
		return 0;
	}
	return 1;
}

/* ---- FreeRTOS-Plus semantics of bad arguments --------------------------- */

static int bad_arguments_are_negative(NetworkContext_t *ctx)
{
	NetworkContext_t no_params = { .pParams = NULL };
	unsigned char buf[4] = { 0 };
	int ok = 1;

	say("bad-argument checks; six errors are expected next");
	ok &= TLS_FreeRTOS_recv(NULL, buf, sizeof(buf)) < 0;
	ok &= TLS_FreeRTOS_recv(&no_params, buf, sizeof(buf)) < 0;
	ok &= TLS_FreeRTOS_recv(ctx, NULL, sizeof(buf)) < 0;
	ok &= TLS_FreeRTOS_recv(ctx, buf, 0) < 0;
	ok &= TLS_FreeRTOS_send(NULL, buf, sizeof(buf)) < 0;
	ok &= TLS_FreeRTOS_send(ctx, buf, 0) < 0;
	if (!ok)
		fail("a NULL context/params/buffer or zero length did not give "
		     "a negative return");
	else
		say("NULL context, NULL params, NULL buffer, zero length: "
		    "negative returns");
	return ok;
}

/* ---- one task sends while another receives ------------------------------ */

#define CONC_TOPIC CLIENT_ID "/concurrency"
#define CONC_MESSAGES 40U

static volatile int sender_failed;
static volatile int sender_done;

/* Sends all of @buf, retrying on 0 for at most 5 s. */
static int send_fully(NetworkContext_t *ctx, const unsigned char *buf,
		      size_t len)
{
	uint64_t deadline = now_ms() + 5000U;
	size_t sent = 0;
	int32_t n;

	while (sent < len) {
		n = TLS_FreeRTOS_send(ctx, &buf[sent], len - sent);
		if (n < 0 || now_ms() > deadline)
			return 0;
		sent += (size_t)n;
	}
	return 1;
}

/* QoS 0 PUBLISH of "message <i>" to CONC_TOPIC. */
static size_t publish_packet(unsigned char *pkt, unsigned int i)
{
	static const char topic[] = CONC_TOPIC;
	const size_t tlen = sizeof(topic) - 1;
	char payload[24];
	int plen = snprintf(payload, sizeof(payload), "message %u", i);
	size_t n = 0;

	pkt[n++] = 0x30;
	pkt[n++] = (unsigned char)(2 + tlen + (size_t)plen);
	pkt[n++] = 0;
	pkt[n++] = (unsigned char)tlen;
	memcpy(&pkt[n], topic, tlen);
	n += tlen;
	memcpy(&pkt[n], payload, (size_t)plen);
	return n + (size_t)plen;
}

static void sender_task(void *arg)
{
	NetworkContext_t *ctx = arg;
	unsigned char pkt[96];
	unsigned int i;

	for (i = 0; i < CONC_MESSAGES && !sender_failed; i++) {
		if (!send_fully(ctx, pkt, publish_packet(pkt, i)))
			sender_failed = 1;
		vTaskDelay(pdMS_TO_TICKS(5));
	}
	sender_done = 1;
	/* Deleted by the receiving task: a task deleting itself is freed by
	 * the idle task, which the busy background task starves here. */
	vTaskSuspend(NULL);
}

/* Reads exactly @len bytes, each recv call bounded by its timeout. */
static int recv_exact(NetworkContext_t *ctx, unsigned char *buf, size_t len,
		      uint64_t deadline)
{
	size_t got = 0;
	uint64_t t0;
	int32_t n;

	while (got < len) {
		t0 = now_ms();
		n = TLS_FreeRTOS_recv(ctx, &buf[got], len - got);
		if (now_ms() - t0 > RECV_TIMEOUT_MS + TIMEOUT_SLACK_MS) {
			fail("a recv call took %lu ms (timeout %u ms)",
			     (unsigned long)(now_ms() - t0), RECV_TIMEOUT_MS);
			return 0;
		}
		if (n < 0) {
			fail("TLS_FreeRTOS_recv failed: %ld", (long)n);
			return 0;
		}
		got += (size_t)n;
		if (got < len && now_ms() > deadline) {
			fail("timed out waiting for %lu bytes",
			     (unsigned long)len);
			return 0;
		}
	}
	return 1;
}

/* One MQTT packet: its type nibble, its body in @body (@cap bytes). */
static int recv_packet(NetworkContext_t *ctx, unsigned char *type,
		       unsigned char *body, size_t cap, size_t *len,
		       uint64_t deadline)
{
	unsigned char b;
	size_t rl = 0;
	unsigned int shift = 0;

	if (!recv_exact(ctx, type, 1, deadline))
		return 0;
	do {
		if (!recv_exact(ctx, &b, 1, deadline) || shift > 21)
			return 0;
		rl |= (size_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (rl > cap) {
		fail("packet of %lu bytes does not fit", (unsigned long)rl);
		return 0;
	}
	*len = rl;
	return recv_exact(ctx, body, rl, deadline);
}

static int send_and_receive_concurrently(NetworkContext_t *ctx)
{
	static const char topic[] = CONC_TOPIC;
	unsigned char sub[64], body[128], type;
	const size_t tlen = sizeof(topic) - 1;
	uint64_t deadline;
	unsigned int publishes = 0;
	TaskHandle_t sender = NULL;
	size_t n = 0, len;

	sub[n++] = 0x82; /* SUBSCRIBE, packet id 1, QoS 0 */
	sub[n++] = (unsigned char)(2 + 2 + tlen + 1);
	sub[n++] = 0;
	sub[n++] = 1;
	sub[n++] = 0;
	sub[n++] = (unsigned char)tlen;
	memcpy(&sub[n], topic, tlen);
	n += tlen;
	sub[n++] = 0;
	deadline = now_ms() + 5000U;
	if (!send_fully(ctx, sub, n) ||
	    !recv_packet(ctx, &type, body, sizeof(body), &len, deadline) ||
	    type != 0x90) {
		fail("no SUBACK for %s", topic);
		return 0;
	}

	sender_failed = 0;
	sender_done = 0;
	if (xTaskCreate(sender_task, "sender", configMINIMAL_STACK_SIZE * 2,
			ctx, 2, &sender) != pdPASS) {
		fail("cannot create the sender task");
		return 0;
	}
	deadline = now_ms() + 15000U;
	while (publishes < CONC_MESSAGES) {
		if (!recv_packet(ctx, &type, body, sizeof(body), &len,
				 deadline))
			break;
		if ((type & 0xf0) == 0x30)
			publishes++;
	}
	while (!sender_done && now_ms() < deadline)
		vTaskDelay(pdMS_TO_TICKS(10));
	vTaskDelete(sender);
	say("one task sent %u PUBLISHes while this one received them: %u "
	    "came back; sender %s", CONC_MESSAGES, publishes,
	    sender_failed ? "FAILED" : "ok");
	return publishes == CONC_MESSAGES && !sender_failed && sender_done;
}

/* After DISCONNECT the broker closes: recv turns negative, never 0 forever,
 * and no call waits past its timeout. */
static int remote_close_is_negative(NetworkContext_t *ctx)
{
	uint64_t deadline = now_ms() + 5000U;
	unsigned char byte;
	uint64_t t0, ms;
	int32_t n;

	while (now_ms() < deadline) {
		t0 = now_ms();
		n = TLS_FreeRTOS_recv(ctx, &byte, 1);
		ms = now_ms() - t0;
		if (ms > RECV_TIMEOUT_MS + TIMEOUT_SLACK_MS) {
			fail("recv after the remote close took %lu ms",
			     (unsigned long)ms);
			return 0;
		}
		if (n < 0) {
			say("remote close: recv returned %ld (negative)",
			    (long)n);
			return 1;
		}
		if (n > 0) {
			fail("data after DISCONNECT");
			return 0;
		}
	}
	fail("recv still returned 0 5 s after the broker closed");
	return 0;
}

static int read_connack(NetworkContext_t *ctx)
{
	static const unsigned char want[4] = { 0x20, 0x02, 0x00, 0x00 };
	unsigned char got[4];
	unsigned int zeros = 0;
	uint64_t ms[4];
	size_t i;

	for (i = 0; i < sizeof(got); i++) {
		if (!recv_byte(ctx, &got[i], &zeros, &ms[i]))
			return 0;
	}
	say("CONNACK %02x %02x %02x %02x read 1 byte per call: %u \"try "
	    "again\" answers first; byte times %lu/%lu/%lu/%lu ms (bytes 2-4 "
	    "served from mbedTLS's buffer)", got[0], got[1], got[2], got[3],
	    zeros, (unsigned long)ms[0], (unsigned long)ms[1],
	    (unsigned long)ms[2], (unsigned long)ms[3]);
	if (memcmp(got, want, sizeof(want)) != 0) {
		fail("unexpected CONNACK (want 20 02 00 00)");
		return 0;
	}
	return 1;
}

static int mqtt_exchange(NetworkContext_t *ctx)
{
	static const unsigned char disconnect[2] = { 0xe0, 0x00 };

	if (!bad_arguments_are_negative(ctx))
		return 0;
	if (!idle_recv_is_zero(ctx, "before CONNECT"))
		return 0;
	if (!send_connect(ctx) || !read_connack(ctx))
		return 0;
	if (!idle_recv_is_zero(ctx, "after CONNACK"))
		return 0;
	if (!send_and_receive_concurrently(ctx))
		return 0;
	if (!send_all(ctx, disconnect, sizeof(disconnect)))
		return 0;
	return remote_close_is_negative(ctx);
}

static const char *status_name(TlsTransportStatus_t s)
{
	static const char *const names[] = {
		"SUCCESS", "INVALID_PARAMETER", "INSUFFICIENT_MEMORY",
		"INVALID_CREDENTIALS", "HANDSHAKE_FAILED", "INTERNAL_ERROR",
		"CONNECT_FAILURE",
	};

	if ((size_t)s < sizeof(names) / sizeof(names[0]))
		return names[s];
	return "?";
}

static int tls_check(void)
{
	static TlsTransportParams_t params;
	NetworkContext_t ctx = { .pParams = &params };
	NetworkCredentials_t creds = {
		.pAlpnProtos = NULL,
		.disableSni = pdFALSE,
		.pRootCa = cfg.ca.data,
		.rootCaSize = cfg.ca.size,
		.pClientCert = cfg.cert.data,
		.clientCertSize = cfg.cert.size,
		.pPrivateKey = cfg.key.data,
		.privateKeySize = cfg.key.size,
	};
	TlsTransportStatus_t status;
	size_t baseline, before, peak, steady;
	unsigned long runs;
	void *hog = NULL;
	uint64_t t0, ms;
	int ok;

	/* Module state that lives from first use on (the shared DRBG; PSA
	 * crypto in mbedTLS 3): set up before the baseline, so only
	 * per-connection memory counts as a leak. */
	if (Pkcs11Rng_Init() != 0) {
		fail("Pkcs11Rng_Init failed");
		return 0;
	}
#if defined(MBEDTLS_PSA_CRYPTO_C)
	if (psa_crypto_init() != PSA_SUCCESS) {
		fail("psa_crypto_init failed");
		return 0;
	}
#endif
	baseline = xPortGetFreeHeapSize();
	if (cfg.expect == TLS_TRANSPORT_INSUFFICIENT_MEMORY) {
		hog = pvPortMalloc(xPortGetFreeHeapSize() - MEMORY_LEFT);
		say("heap limited to %lu bytes for this connect",
		    (unsigned long)xPortGetFreeHeapSize());
	}
	xPortResetHeapMinimumEverFreeHeapSize();
	before = xPortGetFreeHeapSize();
	runs = background_runs;
	t0 = now_ms();
	status = TLS_FreeRTOS_Connect(&ctx, cfg.host, cfg.port, &creds,
				      RECV_TIMEOUT_MS, SEND_TIMEOUT_MS);
	ms = now_ms() - t0;
	peak = before - xPortGetMinimumEverFreeHeapSize();
	steady = before - xPortGetFreeHeapSize();
	say("connect: %s in %lu ms wall; FreeRTOS heap peak %lu B, held "
	    "while connected %lu B; background task ran %lu times meanwhile",
	    status_name(status), (unsigned long)ms, (unsigned long)peak,
	    (unsigned long)steady, background_runs - runs);

	ok = status == cfg.expect;
	if (!ok)
		fail("expected %s", status_name(cfg.expect));
	if (status == TLS_TRANSPORT_SUCCESS) {
		say("cipher suite: %s", TLS_FreeRTOS_GetCipherSuite(&ctx));
		ok &= mqtt_exchange(&ctx);
		TLS_FreeRTOS_Disconnect(&ctx);
	}
	TLS_FreeRTOS_Disconnect(&ctx); /* again: must be harmless */
	vPortFree(hog);

	if (xPortGetFreeHeapSize() != baseline) {
		fail("heap leak: %ld bytes not returned",
		     (long)(baseline - xPortGetFreeHeapSize()));
		ok = 0;
	}
	return ok;
}

/* ---- tasks and main --------------------------------------------------- */

static void background_task(void *arg)
{
	(void)arg;
	for (;;)
		background_runs++;
}

static void selftest_task(void *arg)
{
	int ok;

	(void)arg;
	ok = cfg.expect == TLS_TRANSPORT_SUCCESS ? pkcs11_check() : 1;
	ok &= tls_check();
	if (ok)
		say("SELFTEST PASS");
	else
		fail("SELFTEST FAIL");
	_exit(ok ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* Before the scheduler: odd level, unterminated and over-long messages. */
static void log_check(void)
{
	static const char unterminated[5] = { 'a', 'b', 'c', 'd', 'e' };
	char lng[DEMO_LOG_LINE_MAX + 40];

	memset(lng, 'x', sizeof(lng));
	DemoLog_Write(7, unterminated, 3);
	DemoLog_Write(DEMO_LOG_DEBUG, lng, sizeof(lng));
	DemoLog_Printf(DEMO_LOG_WARN, "printf %.*s", (int)sizeof(lng), lng);
}

/* Reads @path into a NUL-terminated buffer (before the scheduler runs). */
static int read_pem(const char *path, struct pem *out)
{
	FILE *f = fopen(path, "rb");
	long len;

	if (!f) {
		perror(path);
		return 0;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		fclose(f);
		return 0;
	}
	out->data = malloc((size_t)len + 1);
	if (!out->data || fread(out->data, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: read failed\n", path);
		fclose(f);
		return 0;
	}
	fclose(f);
	out->data[len] = '\0';
	out->size = (size_t)len + 1;
	return 1;
}

static int parse_expect(const char *s, TlsTransportStatus_t *out)
{
	if (strcmp(s, "success") == 0)
		*out = TLS_TRANSPORT_SUCCESS;
	else if (strcmp(s, "connect") == 0)
		*out = TLS_TRANSPORT_CONNECT_FAILURE;
	else if (strcmp(s, "handshake") == 0)
		*out = TLS_TRANSPORT_HANDSHAKE_FAILED;
	else if (strcmp(s, "credentials") == 0)
		*out = TLS_TRANSPORT_INVALID_CREDENTIALS;
	else if (strcmp(s, "memory") == 0)
		*out = TLS_TRANSPORT_INSUFFICIENT_MEMORY;
	else
		return 0;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long port;
	char *end;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: %s HOST PORT CA.pem CERT.pem KEY.pem "
			"[success|connect|handshake|credentials|memory]\n",
			argv[0]);
		return 2;
	}
	port = strtoul(argv[2], &end, 10);
	if (end == argv[2] || *end != '\0' || port == 0 || port > 65535) {
		fprintf(stderr, "PORT '%s' is not a TCP port (1-65535)\n",
			argv[2]);
		return 2;
	}
	cfg.host = argv[1];
	cfg.port = (uint16_t)port;
	cfg.expect = TLS_TRANSPORT_SUCCESS;
	if (argc == 7 && !parse_expect(argv[6], &cfg.expect)) {
		fprintf(stderr, "unknown EXPECT '%s'\n", argv[6]);
		return 2;
	}
	if (!read_pem(argv[3], &cfg.ca) || !read_pem(argv[4], &cfg.cert) ||
	    !read_pem(argv[5], &cfg.key))
		return 2;

	log_check();
	/* POSIX port: tasks run on pthread stacks; these depths only cost
	 * heap for the port's thread record, so keep them small. */
	xTaskCreate(selftest_task, "selftest", configMINIMAL_STACK_SIZE * 2,
		    NULL, 2, NULL);
	xTaskCreate(background_task, "background", configMINIMAL_STACK_SIZE,
		    NULL, 1, NULL);
	vTaskStartScheduler();
	return 1;
}
