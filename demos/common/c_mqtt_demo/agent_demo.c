// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * agent_demo.c - publisher tasks sharing one MQTT connection through the
 * agent (see agent_demo.h).
 */
#include <stdio.h>
#include <string.h>

#include "FreeRTOS.h"
#include "queue.h"
#include "task.h"

#include "agent_demo.h"
#include "demo_config.h"
#include "demo_log.h"
#include "mqtt_agent.h"
#include "mqtt_demo.h"
#include "mqtt_link.h"

#define say(...)  DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define warn(...) DemoLog_Printf(DEMO_LOG_WARN, __VA_ARGS__)
#define fail(...) DemoLog_Printf(DEMO_LOG_ERROR, __VA_ARGS__)

#define CLIENT_ID democonfigCLIENT_IDENTIFIER
#define TOPIC_PREFIX CLIENT_ID "/agent/task"

/* One MQTT_ProcessLoop call waits this long for data: the agent's pace. */
#define AGENT_RECV_TIMEOUT_MS 20U
/* A publisher's bounds: the agent answers first (MQTT_AGENT_ACK_TIMEOUT_MS). */
#define COMMAND_WAIT_MS (MQTT_AGENT_ACK_TIMEOUT_MS + 2000U)
#define ECHO_WAIT_MS ((uint32_t)democonfigPROCESS_LOOP_TIMEOUT_MS)
/* The agent loop's own limit, beyond every publisher's worst case. */
#define RUN_LIMIT_MS ((AGENT_DEMO_PUBLISHES + 2U) * (COMMAND_WAIT_MS + ECHO_WAIT_MS))
/* How long publishers may take to finish once the agent stopped. */
#define FINISH_WAIT_MS (COMMAND_WAIT_MS + 1000U)
#define INBOX_LENGTH 4U
#define RECORDS 8U

_Static_assert(AGENT_DEMO_TASKS >= 1 && AGENT_DEMO_TASKS <= 9,
	       "AGENT_DEMO_TASKS: 1 to 9 tasks");
_Static_assert(AGENT_DEMO_TASKS <= MQTT_AGENT_MAX_PENDING && AGENT_DEMO_TASKS <= RECORDS &&
		       AGENT_DEMO_TASKS <= MQTT_AGENT_MAX_SUBSCRIPTIONS,
	       "every task may have a publish in flight and a subscription");
_Static_assert(sizeof(TOPIC_PREFIX) + 1U <= MQTT_AGENT_TOPIC_MAX,
	       "the tasks' topics must fit the agent's message items");

/* One publisher task and its tally. */
struct publisher {
	struct mqtt_agent_client client;
	QueueHandle_t inbox;
	char topic[sizeof(TOPIC_PREFIX) + 1U];
	uint16_t topic_len;
	unsigned int number;     /* 1..AGENT_DEMO_TASKS */
	uint32_t acked;          /* publishes completed with a PUBACK */
	uint32_t echoed;         /* echoes received exactly as sent */
	uint32_t wrong;          /* completions or messages not as expected */
};

static struct publisher publishers[AGENT_DEMO_TASKS];
static struct mqtt_agent agent;
static struct mqtt_link agent_link;
static QueueHandle_t commands;
static MQTTPubAckInfo_t outgoing[RECORDS];
static MQTTPubAckInfo_t incoming[RECORDS];
static uint8_t network_buffer[democonfigNETWORK_BUFFER_SIZE];
static UBaseType_t running;  /* publishers not finished (critical section) */
static bool demo_running;

static const MQTTConnectInfo_t connect_info = {
	.cleanSession = true,
	.keepAliveSeconds = democonfigKEEP_ALIVE_SECONDS,
	.pClientIdentifier = CLIENT_ID,
	.clientIdentifierLength = (uint16_t)(sizeof(CLIENT_ID) - 1U),
};

/* ---- a publisher task ------------------------------------------------------------- */

static MQTTSubscribeInfo_t filter_of(const struct publisher *p)
{
	const MQTTSubscribeInfo_t f = {
		.qos = MQTTQoS1,
		.pTopicFilter = p->topic,
		.topicFilterLength = p->topic_len,
	};

	return f;
}

static int subscribe(struct publisher *p)
{
	const MQTTSubscribeInfo_t f = filter_of(p);
	const MQTTStatus_t st = mqtt_agent_subscribe(commands, &p->client, &f, COMMAND_WAIT_MS);

	if (st != MQTTSuccess || p->client.suback_code != MQTTSubAckSuccessQos1) {
		warn("task %u: SUBSCRIBE to %s: %s, return code 0x%02x", p->number, p->topic,
		     MQTT_Status_strerror(st), (unsigned int)p->client.suback_code);
		p->wrong++;
		return -1;
	}
	say("task %u: subscribed to %s, granted QoS 1 (SUBACK for packet id %u)", p->number,
	    p->topic, (unsigned int)p->client.packet_id);
	return 0;
}

/* Wait for the broker's copy of @payload in the inbox; 0 if it came as sent. */
static int await_echo(struct publisher *p, const char *payload, size_t len, uint32_t j)
{
	struct mqtt_agent_message m;

	if (xQueueReceive(p->inbox, &m, pdMS_TO_TICKS(ECHO_WAIT_MS)) != pdPASS) {
		warn("task %u: no echo of message %lu within %lu ms", p->number,
		     (unsigned long)j, (unsigned long)ECHO_WAIT_MS);
		return -1;
	}
	if (m.topic_len != p->topic_len || memcmp(m.topic, p->topic, p->topic_len) != 0) {
		warn("task %u: received a message on %.*s, not its topic", p->number,
		     (int)m.topic_len, m.topic);
		return -1;
	}
	if (m.payload_len != len || memcmp(m.payload, payload, len) != 0 || m.qos != MQTTQoS1) {
		warn("task %u: echo of message %lu differs from what it sent (%u bytes, QoS %u)",
		     p->number, (unsigned long)j, (unsigned int)m.payload_len,
		     (unsigned int)m.qos);
		return -1;
	}
	return 0;
}

static int publish_one(struct publisher *p, uint32_t j)
{
	char payload[40];
	const int n = snprintf(payload, sizeof(payload), "task %u message %lu", p->number,
			       (unsigned long)j);
	const MQTTPublishInfo_t m = {
		.qos = MQTTQoS1,
		.pTopicName = p->topic,
		.topicNameLength = p->topic_len,
		.pPayload = payload,
		.payloadLength = (size_t)n,
	};
	MQTTStatus_t st;

	st = mqtt_agent_publish(commands, &p->client, &m, COMMAND_WAIT_MS);
	if (st != MQTTSuccess || p->client.packet_id == MQTT_PACKET_ID_INVALID) {
		warn("task %u: message %lu not acknowledged: %s", p->number, (unsigned long)j,
		     MQTT_Status_strerror(st));
		p->wrong++;
		return -1;
	}
	p->acked++;
	if (await_echo(p, payload, (size_t)n, j) != 0) {
		p->wrong++;
		return -1;
	}
	p->echoed++;
	say("task %u: message %lu acknowledged (PUBACK for packet id %u), echo received",
	    p->number, (unsigned long)j, (unsigned int)p->client.packet_id);
	return 0;
}

static void unsubscribe(struct publisher *p)
{
	const MQTTSubscribeInfo_t f = filter_of(p);
	const MQTTStatus_t st = mqtt_agent_unsubscribe(commands, &p->client, &f,
						       COMMAND_WAIT_MS);

	if (st != MQTTSuccess) {
		warn("task %u: UNSUBSCRIBE from %s: %s", p->number, p->topic,
		     MQTT_Status_strerror(st));
		p->wrong++;
		return;
	}
	say("task %u: unsubscribed from %s", p->number, p->topic);
}

/* The last publisher to finish stops the agent. */
static void finished(void)
{
	bool last;

	taskENTER_CRITICAL();
	last = --running == 0;
	taskEXIT_CRITICAL();
	if (last && mqtt_agent_stop(commands, COMMAND_WAIT_MS) != pdPASS)
		warn("agent: the STOP command could not be queued");
}

static void publisher_task(void *arg)
{
	struct publisher *p = arg;
	uint32_t j;

	mqtt_agent_client_init(&p->client, p->inbox);
	if (subscribe(p) == 0) {
		for (j = 1; j <= AGENT_DEMO_PUBLISHES; j++)
			if (publish_one(p, j) != 0)
				break;
		unsubscribe(p);
	}
	DemoLog_Printf(p->wrong == 0 ? DEMO_LOG_INFO : DEMO_LOG_ERROR,
		       "task %u: %lu of %u publishes acknowledged, %lu of %u echoes "
		       "received on its own topic, %lu wrong", p->number,
		       (unsigned long)p->acked, (unsigned int)AGENT_DEMO_PUBLISHES,
		       (unsigned long)p->echoed, (unsigned int)AGENT_DEMO_PUBLISHES,
		       (unsigned long)p->wrong);
	finished();
	vTaskDelete(NULL);
}

/* ---- the agent task ------------------------------------------------------------------ */

/* Queues and the MQTT context, once. */
static int32_t setup(void)
{
	const MQTTFixedBuffer_t buffer = { .pBuffer = network_buffer,
					   .size = sizeof(network_buffer) };
	unsigned int k;

	if (commands == NULL)
		commands = xQueueCreate(AGENT_DEMO_TASKS + 2U, sizeof(struct mqtt_agent_command));
	for (k = 0; k < AGENT_DEMO_TASKS; k++)
		if (publishers[k].inbox == NULL)
			publishers[k].inbox = xQueueCreate(INBOX_LENGTH,
							   sizeof(struct mqtt_agent_message));
	for (k = 0; k < AGENT_DEMO_TASKS; k++)
		if (commands == NULL || publishers[k].inbox == NULL) {
			fail("agent demo: no FreeRTOS heap for its queues");
			return MQTT_DEMO_ERR_TASK_CREATE;
		}
	mqtt_link_init(&agent_link, AGENT_RECV_TIMEOUT_MS);
	if (mqtt_agent_init(&agent, commands, &agent_link.transport, &buffer, outgoing, RECORDS,
			    incoming, RECORDS) != MQTTSuccess) {
		fail("agent demo: MQTT_Init failed");
		return MQTT_DEMO_ERR_CONFIG;
	}
	return MQTT_DEMO_OK;
}

static void reset_publisher(struct publisher *p, unsigned int number)
{
	QueueHandle_t inbox = p->inbox;

	memset(p, 0, sizeof(*p));
	p->inbox = inbox;
	(void)xQueueReset(inbox);
	p->number = number;
	p->topic_len = (uint16_t)snprintf(p->topic, sizeof(p->topic), "%s%u", TOPIC_PREFIX,
					  number);
}

/* Create the publishers with the scheduler suspended, so none can finish
 * before all are counted. Returns how many run. */
static UBaseType_t start_publishers(void)
{
	char name[configMAX_TASK_NAME_LEN];
	UBaseType_t started = 0;
	unsigned int k;

	vTaskSuspendAll();
	for (k = 0; k < AGENT_DEMO_TASKS; k++) {
		reset_publisher(&publishers[k], k + 1U);
		(void)snprintf(name, sizeof(name), "Pub%u", k + 1U);
		if (xTaskCreate(publisher_task, name, AGENT_DEMO_TASK_STACK_WORDS,
				&publishers[k], democonfigDEMO_PRIORITY, NULL) == pdPASS)
			started++;
		else
			publishers[k].wrong++;
	}
	running = started;
	(void)xTaskResumeAll();
	return started;
}

/* Refuse commands until every publisher finished; false if one did not. */
static bool wait_publishers(void)
{
	const uint32_t start = mqtt_link_time_ms();
	UBaseType_t left;

	for (;;) {
		taskENTER_CRITICAL();
		left = running;
		taskEXIT_CRITICAL();
		if (left == 0)
			return true;
		if (mqtt_link_time_ms() - start >= FINISH_WAIT_MS)
			return false;
		mqtt_agent_refuse(&agent, 50);
	}
}

/* Totals over the publishers; MQTT_DEMO_OK when every one is complete. */
static int32_t report(UBaseType_t started)
{
	uint32_t acked = 0, echoed = 0, wrong = 0;
	unsigned int k;

	for (k = 0; k < AGENT_DEMO_TASKS; k++) {
		acked += publishers[k].acked;
		echoed += publishers[k].echoed;
		wrong += publishers[k].wrong;
	}
	DemoLog_Printf(DEMO_LOG_INFO, "agent demo: %lu of %u tasks x %u QoS 1 publishes on one "
		       "connection: %lu acknowledged, %lu echoes back at the publishing task, "
		       "%lu wrong; agent: %lu commands, at most %lu acknowledgements awaited "
		       "at once, %lu messages delivered, %lu unmatched, %lu dropped, %lu "
		       "acknowledgement timeouts", (unsigned long)started,
		       (unsigned int)AGENT_DEMO_TASKS, (unsigned int)AGENT_DEMO_PUBLISHES,
		       (unsigned long)acked, (unsigned long)echoed, (unsigned long)wrong,
		       (unsigned long)agent.stats.commands,
		       (unsigned long)agent.stats.max_pending, (unsigned long)agent.stats.delivered,
		       (unsigned long)agent.stats.unmatched, (unsigned long)agent.stats.dropped,
		       (unsigned long)agent.stats.timeouts);
	if (wrong != 0 || started != AGENT_DEMO_TASKS ||
	    acked != AGENT_DEMO_TASKS * AGENT_DEMO_PUBLISHES ||
	    echoed != AGENT_DEMO_TASKS * AGENT_DEMO_PUBLISHES || agent.stats.unmatched != 0 ||
	    agent.stats.dropped != 0)
		return MQTT_DEMO_ERR_PUBLISH;
	return MQTT_DEMO_OK;
}

static int32_t connect_failed(enum mqtt_link_status s)
{
	switch (s) {
	case MQTT_LINK_RANDOM_FAILED:
		return MQTT_DEMO_ERR_RANDOM;
	case MQTT_LINK_MQTT_FAILED:
		return MQTT_DEMO_ERR_MQTT_CONNECT;
	default:
		return MQTT_DEMO_ERR_TLS_CONNECT;
	}
}

/* One connection: the publishers' whole run through the agent. Returns a
 * status; *@fatal when a publisher did not finish (its records stay in
 * use, so no further iteration may run). */
static int32_t iteration(bool *fatal)
{
	bool session_present = false;
	enum mqtt_link_status s;
	UBaseType_t started;
	MQTTStatus_t st;
	int32_t r;

	memset(&agent.stats, 0, sizeof(agent.stats));
	s = mqtt_link_open(&agent_link, &agent.mqtt, &connect_info, &session_present);
	if (s != MQTT_LINK_OK)
		return connect_failed(s);
	say("agent demo: connected; free heap %lu bytes; starting %u tasks, %u QoS 1 "
	    "publishes each, all through this task's MQTT context",
	    (unsigned long)xPortGetFreeHeapSize(), (unsigned int)AGENT_DEMO_TASKS,
	    (unsigned int)AGENT_DEMO_PUBLISHES);
	started = start_publishers();
	st = started > 0 ? mqtt_agent_run(&agent, RUN_LIMIT_MS) : MQTTSuccess;
	if (!wait_publishers()) {
		fail("agent demo: a publisher task did not finish within %lu ms",
		     (unsigned long)FINISH_WAIT_MS);
		*fatal = true;
	}
	r = report(started);
	if (st != MQTTSuccess && r == MQTT_DEMO_OK)
		r = MQTT_DEMO_ERR_PUBLISH;
	if (mqtt_link_close(&agent_link, &agent.mqtt) != MQTTSuccess && r == MQTT_DEMO_OK)
		r = MQTT_DEMO_ERR_DISCONNECT;
	return r;
}

static int32_t run(uint32_t iterations)
{
	int32_t last = MQTT_DEMO_OK, r;
	uint32_t done = 0, succeeded = 0;
	bool fatal = false;

	r = setup();
	if (r != MQTT_DEMO_OK)
		return r;
	while (!fatal) {
		done++;
		say("iteration %lu starting", (unsigned long)done);
		r = iteration(&fatal);
		if (r == MQTT_DEMO_OK) {
			succeeded++;
			say("iteration %lu succeeded; minimum ever free heap %lu bytes",
			    (unsigned long)done, (unsigned long)xPortGetMinimumEverFreeHeapSize());
		} else {
			fail("iteration %lu failed (status %ld)", (unsigned long)done, (long)r);
			last = r;
		}
		if (iterations != 0 && done >= iterations)
			break;
		mqtt_link_delay_ms(democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS);
	}
	DemoLog_Printf(last == MQTT_DEMO_OK ? DEMO_LOG_INFO : DEMO_LOG_ERROR,
		       "demo finished: %lu of %lu iterations succeeded",
		       (unsigned long)succeeded, (unsigned long)done);
	return last;
}

int32_t agent_demo_run(uint32_t iterations)
{
	bool busy;
	int32_t r;

	taskENTER_CRITICAL();
	busy = demo_running;
	demo_running = true;
	taskEXIT_CRITICAL();
	if (busy)
		return MQTT_DEMO_ERR_BUSY;
	r = run(iterations);
	taskENTER_CRITICAL();
	demo_running = false;
	taskEXIT_CRITICAL();
	return r;
}
