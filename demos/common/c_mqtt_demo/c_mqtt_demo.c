// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * c_mqtt_demo.c - the MQTT mutual-authentication demo in C over the
 * coreMQTT v2.3 and backoffAlgorithm C APIs (see c_mqtt_demo.h).
 *
 * Layout, top down: the run loop (iterations, memory figures), one
 * iteration (connect, exchange, disconnect), the exchange's steps
 * (resend, subscribe, publish, unsubscribe), the process-loop wait, and
 * the event callback that records what the wait looks for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "task.h"

#include "backoff_algorithm.h"
#include "c_mqtt_demo.h"
#include "core_mqtt.h"
#include "core_mqtt_state.h"
#include "demo_config.h"
#include "demo_log.h"
#include "mqtt_demo.h"
#include "mqtt_link.h"

#define say(...)  DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define warn(...) DemoLog_Printf(DEMO_LOG_WARN, __VA_ARGS__)
#define fail(...) DemoLog_Printf(DEMO_LOG_ERROR, __VA_ARGS__)

#define CLIENT_ID democonfigCLIENT_IDENTIFIER
#define CLIENT_ID_LEN ((uint16_t)(sizeof(CLIENT_ID) - 1U))
#define TOPIC CLIENT_ID "/example/topic"
#define TOPIC_LEN ((uint16_t)(sizeof(TOPIC) - 1U))
#define MESSAGE "Hello World!"
#define MESSAGE_LEN (sizeof(MESSAGE) - 1U)

/* QoS records per direction: the publish in flight, plus what a resumed
 * session may still hold. */
#define RECORDS 4U

/* AWS IoT Core metrics: the user name says who connects. */
#if democonfigUSE_AWS_IOT_CORE_BROKER
#define MQTT_LIB "core-mqtt-api@" MQTT_LIBRARY_VERSION
#define USER_NAME "?SDK=" democonfigOS_NAME "&Version=" democonfigOS_VERSION \
	"&Platform=" democonfigHARDWARE_PLATFORM_NAME "&MQTTLib=" MQTT_LIB
#define USER_NAME_LEN ((uint16_t)(sizeof(USER_NAME) - 1U))
_Static_assert(sizeof(USER_NAME) - 1U <= UINT16_MAX, "metrics user name too long");
#else
#define USER_NAME NULL
#define USER_NAME_LEN 0U
#endif

_Static_assert(sizeof(TOPIC) - 1U <= UINT16_MAX, "topic longer than MQTT allows");
_Static_assert(democonfigNETWORK_BUFFER_SIZE >= 128,
	       "democonfigNETWORK_BUFFER_SIZE must hold CONNECT and SUBSCRIBE");

/* What the running wait looks for; the event callback fills it in. */
struct awaited {
	uint16_t packet_id;  /* of our SUBSCRIBE, PUBLISH or UNSUBSCRIBE */
	bool acked;          /* its SUBACK, PUBACK or UNSUBACK arrived */
	bool echoed;         /* the broker sent our message back */
	size_t suback_count; /* return codes in the SUBACK */
	uint8_t suback_code; /* the first of them */
};

/* Everything the demo keeps; the context comes first so the callback
 * finds the rest from the context pointer it gets. */
struct c_demo {
	MQTTContext_t mqtt;
	struct mqtt_link link;
	MQTTPubAckInfo_t outgoing[RECORDS];
	MQTTPubAckInfo_t incoming[RECORDS];
	uint8_t buffer[democonfigNETWORK_BUFFER_SIZE];
	struct awaited wait;
	bool ready;            /* MQTT_Init done (once per boot) */
	char failure[160];     /* why the iteration failed */
};

static struct c_demo demo;
static bool demo_running;

static const MQTTConnectInfo_t connect_info = {
	.cleanSession = democonfigCLEAN_SESSION != 0,
	.keepAliveSeconds = democonfigKEEP_ALIVE_SECONDS,
	.pClientIdentifier = CLIENT_ID,
	.clientIdentifierLength = CLIENT_ID_LEN,
	.pUserName = USER_NAME,
	.userNameLength = USER_NAME_LEN,
	.pPassword = NULL,
	.passwordLength = 0,
};

static const MQTTSubscribeInfo_t subscription = {
	.qos = MQTTQoS1,
	.pTopicFilter = TOPIC,
	.topicFilterLength = TOPIC_LEN,
};

static struct c_demo *demo_of(MQTTContext_t *ctx)
{
	return (struct c_demo *)(void *)((char *)ctx - offsetof(struct c_demo, mqtt));
}

/* Record why the iteration failed; returns @code. */
static int32_t __attribute__((format(printf, 3, 4)))
failed(struct c_demo *d, int32_t code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(d->failure, sizeof(d->failure), fmt, ap);
	va_end(ap);
	return code;
}

/* ---- the event callback --------------------------------------------------- */

static void on_publish(struct c_demo *d, const MQTTPublishInfo_t *p)
{
	char text[96];

	say("incoming PUBLISH on %.*s: %s", (int)p->topicNameLength, p->pTopicName,
	    mqtt_link_printable(p->pPayload, p->payloadLength, text, sizeof(text)));
	if (p->topicNameLength == TOPIC_LEN &&
	    memcmp(p->pTopicName, TOPIC, TOPIC_LEN) == 0 &&
	    p->payloadLength == MESSAGE_LEN &&
	    memcmp(p->pPayload, MESSAGE, MESSAGE_LEN) == 0)
		d->wait.echoed = true;
}

static void on_suback(struct c_demo *d, const MQTTPacketInfo_t *packet,
		      uint16_t id)
{
	uint8_t *codes = NULL;
	size_t count = 0;

	if (id != d->wait.packet_id) {
		warn("SUBACK for packet id %u, not ours: ignored", (unsigned int)id);
		return;
	}
	if (MQTT_GetSubAckStatusCodes(packet, &codes, &count) != MQTTSuccess ||
	    count == 0) {
		warn("SUBACK for packet id %u without return codes", (unsigned int)id);
		return;
	}
	d->wait.suback_count = count;
	d->wait.suback_code = codes[0];
	d->wait.acked = true;
}

static void on_ack(struct c_demo *d, const char *name, uint16_t id)
{
	say("%s for packet id %u", name, (unsigned int)id);
	if (id == d->wait.packet_id)
		d->wait.acked = true;
}

static void on_event(MQTTContext_t *ctx, MQTTPacketInfo_t *packet,
		     MQTTDeserializedInfo_t *info)
{
	struct c_demo *d = demo_of(ctx);
	const uint16_t id = info->packetIdentifier;

	switch (packet->type & 0xF0U) {
	case MQTT_PACKET_TYPE_PUBLISH:
		on_publish(d, info->pPublishInfo);
		break;
	case MQTT_PACKET_TYPE_PUBACK:
		on_ack(d, "PUBACK", id);
		break;
	case MQTT_PACKET_TYPE_SUBACK:
		on_suback(d, packet, id);
		break;
	case MQTT_PACKET_TYPE_UNSUBACK:
		if (id == d->wait.packet_id)
			d->wait.acked = true;
		break;
	default:
		/* PUBREC/PUBREL/PUBCOMP (QoS 2: not used here), PINGRESP. */
		DemoLog_Printf(DEMO_LOG_DEBUG, "packet 0x%02x, packet id %u",
			       (unsigned int)packet->type, (unsigned int)id);
		break;
	}
}

/* ---- waiting ---------------------------------------------------------------- */

typedef bool (*wait_done_fn)(const struct awaited *w);

static bool acked(const struct awaited *w)
{
	return w->acked;
}

static bool acked_and_echoed(const struct awaited *w)
{
	return w->acked && w->echoed;
}

/*
 * MQTT_ProcessLoop until @done says so, at most
 * democonfigPROCESS_LOOP_TIMEOUT_MS (plus one transport receive timeout).
 * Returns MQTTSuccess when done, MQTTNoDataAvailable on the timeout, or the
 * loop's error.
 */
static MQTTStatus_t wait_for(struct c_demo *d, wait_done_fn done)
{
	const uint32_t start = mqtt_link_time_ms();
	MQTTStatus_t st;

	while (!done(&d->wait)) {
		if (mqtt_link_time_ms() - start >= democonfigPROCESS_LOOP_TIMEOUT_MS)
			return MQTTNoDataAvailable;
		st = MQTT_ProcessLoop(&d->mqtt);
		if (st != MQTTSuccess && st != MQTTNeedMoreBytes)
			return st;
	}
	return MQTTSuccess;
}

/* Start waiting for the acknowledgement of a new packet id. */
static uint16_t expect(struct c_demo *d)
{
	memset(&d->wait, 0, sizeof(d->wait));
	d->wait.packet_id = MQTT_GetPacketId(&d->mqtt);
	return d->wait.packet_id;
}

/* ---- the exchange ------------------------------------------------------------ */

static MQTTPublishInfo_t message(bool dup)
{
	const MQTTPublishInfo_t m = {
		.qos = MQTTQoS1,
		.retain = false,
		.dup = dup,
		.pTopicName = TOPIC,
		.topicNameLength = TOPIC_LEN,
		.pPayload = MESSAGE,
		.payloadLength = MESSAGE_LEN,
	};

	return m;
}

/* A resumed session: send again, with dup set, what the broker may not
 * have acknowledged. The ids are collected first, then resent. */
static int32_t resend_pending(struct c_demo *d)
{
	const MQTTPublishInfo_t m = message(true);
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
	uint16_t ids[RECORDS];
	size_t n = 0, i;
	uint16_t id;
	MQTTStatus_t st;

	while (n < RECORDS &&
	       (id = MQTT_PublishToResend(&d->mqtt, &cursor)) != MQTT_PACKET_ID_INVALID)
		ids[n++] = id;
	for (i = 0; i < n; i++) {
		say("resending PUBLISH packet id %u", (unsigned int)ids[i]);
		st = MQTT_Publish(&d->mqtt, &m, ids[i]);
		if (st != MQTTSuccess)
			return failed(d, MQTT_DEMO_ERR_PUBLISH, "PUBLISH (resend of packet "
				      "id %u): %s", (unsigned int)ids[i],
				      MQTT_Status_strerror(st));
	}
	return MQTT_DEMO_OK;
}

/* One SUBSCRIBE and its SUBACK: 1 refused (worth a retry), 0 granted,
 * or an MQTT_DEMO_ERR_* code. */
static int32_t subscribe_once(struct c_demo *d)
{
	const uint16_t id = expect(d);
	MQTTStatus_t st;

	say("SUBSCRIBE to %s at QoS 1", TOPIC);
	st = MQTT_Subscribe(&d->mqtt, &subscription, 1, id);
	if (st == MQTTSuccess)
		st = wait_for(d, acked);
	if (st == MQTTNoDataAvailable)
		return failed(d, MQTT_DEMO_ERR_SUBSCRIBE, "SUBSCRIBE: no SUBACK within %u ms",
			      (unsigned int)democonfigPROCESS_LOOP_TIMEOUT_MS);
	if (st != MQTTSuccess)
		return failed(d, MQTT_DEMO_ERR_SUBSCRIBE, "SUBSCRIBE: %s",
			      MQTT_Status_strerror(st));
	if (d->wait.suback_count != 1)
		return failed(d, MQTT_DEMO_ERR_SUBSCRIBE, "SUBSCRIBE: SUBACK with %lu "
			      "return codes for 1 filter", (unsigned long)d->wait.suback_count);
	if (d->wait.suback_code == MQTTSubAckFailure)
		return 1;
	say("subscribed to %s, granted QoS %u", TOPIC, (unsigned int)d->wait.suback_code);
	return MQTT_DEMO_OK;
}

/* SUBSCRIBE, retried with backoff while the broker refuses it. */
static int32_t subscribe(struct c_demo *d)
{
	BackoffAlgorithmContext_t retry;
	uint32_t delay_ms = 0;
	bool random_failed;
	int32_t r;

	mqtt_link_backoff_start(&retry);
	while ((r = subscribe_once(d)) == 1) {
		if (mqtt_link_next_delay(&retry, &delay_ms, &random_failed) !=
		    BackoffAlgorithmSuccess) {
			if (random_failed)
				return failed(d, MQTT_DEMO_ERR_RANDOM,
					      "random source failed (no backoff delay)");
			return failed(d, MQTT_DEMO_ERR_SUBSCRIBE, "SUBSCRIBE: refused by "
				      "the broker (SUBACK 0x80), retries exhausted");
		}
		mqtt_link_say_retry(&retry, delay_ms, "SUBSCRIBE to " TOPIC
				    " refused by the broker (SUBACK 0x80)");
		mqtt_link_delay_ms(delay_ms);
	}
	return r;
}

/* One QoS 1 PUBLISH; wait for its PUBACK and for the broker's echo. */
static int32_t publish(struct c_demo *d)
{
	const MQTTPublishInfo_t m = message(false);
	const uint16_t id = expect(d);
	MQTTStatus_t st;

	st = MQTT_Publish(&d->mqtt, &m, id);
	if (st != MQTTSuccess)
		return failed(d, MQTT_DEMO_ERR_PUBLISH, "PUBLISH: %s",
			      MQTT_Status_strerror(st));
	say("PUBLISH packet id %u to %s: %s", (unsigned int)id, TOPIC, MESSAGE);
	st = wait_for(d, acked_and_echoed);
	if (st == MQTTNoDataAvailable)
		return failed(d, MQTT_DEMO_ERR_PUBLISH, "PUBLISH: no %s within %u ms",
			      d->wait.acked ? "echo of our publish" : "PUBACK",
			      (unsigned int)democonfigPROCESS_LOOP_TIMEOUT_MS);
	if (st != MQTTSuccess)
		return failed(d, MQTT_DEMO_ERR_PUBLISH, "PUBLISH: %s",
			      MQTT_Status_strerror(st));
	return MQTT_DEMO_OK;
}

static int32_t unsubscribe(struct c_demo *d)
{
	const uint16_t id = expect(d);
	MQTTStatus_t st;

	st = MQTT_Unsubscribe(&d->mqtt, &subscription, 1, id);
	if (st == MQTTSuccess)
		st = wait_for(d, acked);
	if (st == MQTTNoDataAvailable)
		return failed(d, MQTT_DEMO_ERR_UNSUBSCRIBE, "UNSUBSCRIBE: no UNSUBACK "
			      "within %u ms", (unsigned int)democonfigPROCESS_LOOP_TIMEOUT_MS);
	if (st != MQTTSuccess)
		return failed(d, MQTT_DEMO_ERR_UNSUBSCRIBE, "UNSUBSCRIBE: %s",
			      MQTT_Status_strerror(st));
	say("unsubscribed from %s", TOPIC);
	return MQTT_DEMO_OK;
}

static int32_t exchange(struct c_demo *d, bool session_present)
{
	int32_t r = MQTT_DEMO_OK;
	uint32_t n;

	if (session_present)
		r = resend_pending(d);
	if (r == MQTT_DEMO_OK)
		r = subscribe(d);
	for (n = 0; r == MQTT_DEMO_OK && n < democonfigPUBLISH_COUNT; n++) {
		if (n > 0)
			mqtt_link_delay_ms(democonfigDELAY_BETWEEN_PUBLISHES_MS);
		r = publish(d);
	}
	if (r == MQTT_DEMO_OK)
		r = unsubscribe(d);
	return r;
}

/* ---- one iteration -------------------------------------------------------- */

static int32_t connect_failed(struct c_demo *d, enum mqtt_link_status s)
{
	switch (s) {
	case MQTT_LINK_RANDOM_FAILED:
		return failed(d, MQTT_DEMO_ERR_RANDOM, "random source failed (no backoff delay)");
	case MQTT_LINK_MQTT_FAILED:
		return failed(d, MQTT_DEMO_ERR_MQTT_CONNECT, "MQTT CONNECT: %s, retries "
			      "exhausted", MQTT_Status_strerror(d->link.last_mqtt_status));
	default:
		return failed(d, MQTT_DEMO_ERR_TLS_CONNECT, "TLS connect: %s, retries "
			      "exhausted", mqtt_link_tls_status_name(d->link.last_tls_status));
	}
}

static int32_t iteration(struct c_demo *d)
{
	bool session_present = false;
	enum mqtt_link_status s;
	MQTTStatus_t st;
	int32_t r;

	s = mqtt_link_open(&d->link, &d->mqtt, &connect_info, &session_present);
	if (s != MQTT_LINK_OK)
		return connect_failed(d, s);
	r = exchange(d, session_present);
	st = mqtt_link_close(&d->link, &d->mqtt);
	if (r == MQTT_DEMO_OK && st != MQTTSuccess)
		r = failed(d, MQTT_DEMO_ERR_DISCONNECT, "DISCONNECT: %s",
			   MQTT_Status_strerror(st));
	return r;
}

/* ---- the run ------------------------------------------------------------------ */

/* MQTT_Init once: the context then lives across connections, so packet
 * ids keep counting and a resumed session finds its QoS records. */
static int32_t setup(struct c_demo *d)
{
	const MQTTFixedBuffer_t buffer = { .pBuffer = d->buffer, .size = sizeof(d->buffer) };
	MQTTStatus_t st;

	if (d->ready)
		return MQTT_DEMO_OK;
	mqtt_link_init(&d->link, democonfigTRANSPORT_SEND_RECV_TIMEOUT_MS);
	st = MQTT_Init(&d->mqtt, &d->link.transport, mqtt_link_time_ms, on_event, &buffer);
	if (st == MQTTSuccess)
		st = MQTT_InitStatefulQoS(&d->mqtt, d->outgoing, RECORDS, d->incoming, RECORDS);
	if (st != MQTTSuccess) {
		fail("demo not started: MQTT_Init: %s", MQTT_Status_strerror(st));
		return MQTT_DEMO_ERR_CONFIG;
	}
	d->ready = true;
	return MQTT_DEMO_OK;
}

static void log_success(uint32_t n)
{
	say("iteration %lu succeeded; free heap %lu bytes (minimum ever %lu); "
	    "stack high-water mark %lu words", (unsigned long)n,
	    (unsigned long)xPortGetFreeHeapSize(),
	    (unsigned long)xPortGetMinimumEverFreeHeapSize(),
	    (unsigned long)uxTaskGetStackHighWaterMark(NULL));
}

static uint32_t iteration_pause_ms(void)
{
	const uint32_t pause = democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS;

	/* The next CONNECT of this client id keeps the retry floor too. */
	return pause > democonfigRETRY_MIN_DELAY_MS ? pause : democonfigRETRY_MIN_DELAY_MS;
}

static int32_t run(struct c_demo *d, uint32_t iterations)
{
	int32_t last = MQTT_DEMO_OK, r;
	uint32_t done = 0, succeeded = 0;

	say("C demo over the coreMQTT %s C API (core_mqtt.h, backoff_algorithm.h): "
	    "client %s, broker %s:%u, clean session %s", MQTT_LIBRARY_VERSION, CLIENT_ID,
	    democonfigMQTT_BROKER_ENDPOINT, (unsigned int)democonfigMQTT_BROKER_PORT,
	    connect_info.cleanSession ? "yes" : "no");
	for (;;) {
		done++;
		if (iterations != 0)
			say("iteration %lu of %lu starting", (unsigned long)done,
			    (unsigned long)iterations);
		else
			say("iteration %lu starting", (unsigned long)done);
		r = iteration(d);
		if (r == MQTT_DEMO_OK) {
			succeeded++;
			log_success(done);
		} else {
			fail("iteration %lu failed: %s", (unsigned long)done, d->failure);
			last = r;
		}
		if (iterations != 0 && done >= iterations)
			break;
		say("next iteration in %lu ms", (unsigned long)iteration_pause_ms());
		mqtt_link_delay_ms(iteration_pause_ms());
	}
	DemoLog_Printf(last == MQTT_DEMO_OK ? DEMO_LOG_INFO : DEMO_LOG_ERROR,
		       "demo finished: %lu of %lu iterations succeeded",
		       (unsigned long)succeeded, (unsigned long)done);
	return last;
}

int32_t c_mqtt_demo_run(uint32_t iterations)
{
	bool busy;
	int32_t r;

	taskENTER_CRITICAL();
	busy = demo_running;
	demo_running = true;
	taskEXIT_CRITICAL();
	if (busy)
		return MQTT_DEMO_ERR_BUSY;
	r = setup(&demo);
	if (r == MQTT_DEMO_OK)
		r = run(&demo, iterations);
	taskENTER_CRITICAL();
	demo_running = false;
	taskEXIT_CRITICAL();
	return r;
}
