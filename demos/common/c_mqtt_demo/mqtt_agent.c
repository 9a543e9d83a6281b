// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * mqtt_agent.c - one task owns the MQTT context, others send it commands
 * (see mqtt_agent.h).
 *
 * Agent side, top down: the loop, the commands, the event callback with
 * its dispatch of incoming publishes, completions. Client side at the end:
 * queue a command, wait for its task notification.
 */
#include <stddef.h>
#include <string.h>

#include "FreeRTOS.h"
#include "queue.h"
#include "task.h"

#include "demo_log.h"
#include "mqtt_agent.h"
#include "mqtt_link.h"

#define say(...)  DemoLog_Printf(DEMO_LOG_INFO, __VA_ARGS__)
#define warn(...) DemoLog_Printf(DEMO_LOG_WARN, __VA_ARGS__)

_Static_assert(MQTT_AGENT_MAX_SUBSCRIPTIONS <= INT8_MAX, "subscription slots fit int8_t");
_Static_assert(MQTT_AGENT_FILTER_MAX <= UINT16_MAX && MQTT_AGENT_TOPIC_MAX <= UINT16_MAX &&
		       MQTT_AGENT_PAYLOAD_MAX <= UINT16_MAX, "sizes fit uint16_t");

static struct mqtt_agent *agent_of(MQTTContext_t *ctx)
{
	return (struct mqtt_agent *)(void *)((char *)ctx - offsetof(struct mqtt_agent, mqtt));
}

static const char *task_name(const struct mqtt_agent_client *c)
{
	return c != NULL && c->task != NULL ? pcTaskGetName(c->task) : "?";
}

/* ---- completions -------------------------------------------------------------- */

/* Store the answer in the client's record, then wake the client. */
static void complete(struct mqtt_agent_client *c, uint32_t seq, MQTTStatus_t st,
		     uint16_t packet_id, uint8_t suback_code)
{
	if (c == NULL)
		return;
	c->status = st;
	c->packet_id = packet_id;
	c->suback_code = suback_code;
	c->done_seq = seq;
	(void)xTaskNotify(c->task, seq, eSetValueWithOverwrite);
}

static void complete_command(const struct mqtt_agent_command *cmd, MQTTStatus_t st,
			     uint16_t packet_id)
{
	complete(cmd->client, cmd->seq, st, packet_id, 0);
}

static void free_subscription(struct mqtt_agent *a, int slot)
{
	if (slot >= 0 && slot < MQTT_AGENT_MAX_SUBSCRIPTIONS)
		memset(&a->subs[slot], 0, sizeof(a->subs[slot]));
}

/* Complete pending slot @i with @st and free it. */
static void finish_pending(struct mqtt_agent *a, size_t i, MQTTStatus_t st,
			   uint8_t suback_code)
{
	struct mqtt_agent_pending p = a->pending[i];

	memset(&a->pending[i], 0, sizeof(a->pending[i]));
	complete(p.client, p.seq, st, p.packet_id, suback_code);
}

static int find_pending(const struct mqtt_agent *a, uint8_t ack_type, uint16_t id)
{
	int i;

	for (i = 0; i < MQTT_AGENT_MAX_PENDING; i++)
		if (a->pending[i].packet_id == id && a->pending[i].ack_type == ack_type)
			return i;
	return -1;
}

static int free_pending_slot(const struct mqtt_agent *a)
{
	return find_pending(a, 0, 0);
}

static void add_pending(struct mqtt_agent *a, int slot, const struct mqtt_agent_command *cmd,
			uint8_t ack_type, uint16_t id, int subscription)
{
	uint32_t n = 1;
	size_t i;

	for (i = 0; i < MQTT_AGENT_MAX_PENDING; i++)
		n += a->pending[i].packet_id != 0;
	if (n > a->stats.max_pending)
		a->stats.max_pending = n;
	a->pending[slot] = (struct mqtt_agent_pending){
		.packet_id = id,
		.ack_type = ack_type,
		.client = cmd->client,
		.seq = cmd->seq,
		.sent_ms = mqtt_link_time_ms(),
		.subscription = (int8_t)subscription,
	};
}

/* Give up on acknowledgements older than MQTT_AGENT_ACK_TIMEOUT_MS. */
static void expire_pending(struct mqtt_agent *a)
{
	const uint32_t now = mqtt_link_time_ms();
	size_t i;

	for (i = 0; i < MQTT_AGENT_MAX_PENDING; i++) {
		struct mqtt_agent_pending *p = &a->pending[i];

		if (p->packet_id == 0 || now - p->sent_ms < MQTT_AGENT_ACK_TIMEOUT_MS)
			continue;
		warn("agent: no acknowledgement for packet id %u of task %s within %u ms",
		     (unsigned int)p->packet_id, task_name(p->client),
		     (unsigned int)MQTT_AGENT_ACK_TIMEOUT_MS);
		a->stats.timeouts++;
		if (p->ack_type == MQTT_PACKET_TYPE_PUBACK || p->ack_type == MQTT_PACKET_TYPE_PUBCOMP)
			(void)MQTT_CancelCallback(&a->mqtt, p->packet_id);
		else if (p->ack_type == MQTT_PACKET_TYPE_SUBACK)
			free_subscription(a, p->subscription);
		finish_pending(a, i, MQTTNoDataAvailable, 0);
	}
}

/* ---- incoming publishes --------------------------------------------------------- */

static void deliver(struct mqtt_agent *a, const struct mqtt_agent_subscription *s,
		    const MQTTPublishInfo_t *p)
{
	struct mqtt_agent_message m;

	if (p->topicNameLength > sizeof(m.topic) || p->payloadLength > sizeof(m.payload) ||
	    s->client->inbox == NULL) {
		warn("agent: PUBLISH on %.*s (%lu bytes) not delivered to task %s: "
		     "larger than its inbox item, or no inbox", (int)p->topicNameLength,
		     p->pTopicName, (unsigned long)p->payloadLength, task_name(s->client));
		a->stats.dropped++;
		return;
	}
	memset(&m, 0, sizeof(m));
	memcpy(m.topic, p->pTopicName, p->topicNameLength);
	m.topic_len = p->topicNameLength;
	if (p->payloadLength > 0)
		memcpy(m.payload, p->pPayload, p->payloadLength);
	m.payload_len = (uint16_t)p->payloadLength;
	m.qos = p->qos;
	if (xQueueSend(s->client->inbox, &m, 0) != pdPASS) {
		warn("agent: inbox of task %s full: PUBLISH on %.*s dropped",
		     task_name(s->client), (int)p->topicNameLength, p->pTopicName);
		a->stats.dropped++;
		return;
	}
	a->stats.delivered++;
}

/* Every client whose filter matches gets a copy. */
static void dispatch(struct mqtt_agent *a, const MQTTPublishInfo_t *p)
{
	bool any = false, match;
	size_t i;

	for (i = 0; i < MQTT_AGENT_MAX_SUBSCRIPTIONS; i++) {
		const struct mqtt_agent_subscription *s = &a->subs[i];

		match = false;
		if (!s->active ||
		    MQTT_MatchTopic(p->pTopicName, p->topicNameLength, s->filter,
				    s->filter_len, &match) != MQTTSuccess || !match)
			continue;
		any = true;
		deliver(a, s, p);
	}
	if (!any) {
		warn("agent: PUBLISH on %.*s matches no subscription: dropped",
		     (int)p->topicNameLength, p->pTopicName);
		a->stats.unmatched++;
	}
}

/* ---- acknowledgements ----------------------------------------------------------- */

static void on_suback(struct mqtt_agent *a, const MQTTPacketInfo_t *packet, uint16_t id)
{
	const int i = find_pending(a, MQTT_PACKET_TYPE_SUBACK, id);
	uint8_t *codes = NULL;
	size_t count = 0;
	uint8_t code = MQTTSubAckFailure;

	if (i < 0) {
		warn("agent: SUBACK for packet id %u, which no command awaits", (unsigned int)id);
		return;
	}
	if (MQTT_GetSubAckStatusCodes(packet, &codes, &count) == MQTTSuccess && count == 1)
		code = codes[0];
	if (code == MQTTSubAckFailure) {
		free_subscription(a, a->pending[i].subscription);
		finish_pending(a, (size_t)i, MQTTServerRefused, code);
		return;
	}
	a->subs[a->pending[i].subscription].active = true;
	finish_pending(a, (size_t)i, MQTTSuccess, code);
}

static void on_ack(struct mqtt_agent *a, uint8_t type, uint16_t id)
{
	const int i = find_pending(a, type, id);

	if (i < 0)
		return; /* PUBREC/PUBREL of a QoS 2 flow, or a stale ack */
	if (type == MQTT_PACKET_TYPE_UNSUBACK)
		free_subscription(a, a->pending[i].subscription);
	finish_pending(a, (size_t)i, MQTTSuccess, 0);
}

static void on_event(MQTTContext_t *ctx, MQTTPacketInfo_t *packet,
		     MQTTDeserializedInfo_t *info)
{
	struct mqtt_agent *a = agent_of(ctx);
	const uint8_t type = packet->type & 0xF0U;

	if (type == MQTT_PACKET_TYPE_PUBLISH)
		dispatch(a, info->pPublishInfo);
	else if (type == MQTT_PACKET_TYPE_SUBACK)
		on_suback(a, packet, info->packetIdentifier);
	else if (type == (MQTT_PACKET_TYPE_PUBREL & 0xF0U))
		return;
	else
		on_ack(a, type, info->packetIdentifier);
}

/* ---- commands --------------------------------------------------------------------- */

static void do_publish(struct mqtt_agent *a, const struct mqtt_agent_command *cmd)
{
	const MQTTQoS_t qos = cmd->publish.qos;
	const int slot = qos == MQTTQoS0 ? -1 : free_pending_slot(a);
	uint16_t id = 0;
	MQTTStatus_t st;

	if (qos != MQTTQoS0 && slot < 0) {
		complete_command(cmd, MQTTNoMemory, 0);
		return;
	}
	if (qos != MQTTQoS0)
		id = MQTT_GetPacketId(&a->mqtt);
	st = MQTT_Publish(&a->mqtt, &cmd->publish, id);
	say("agent: PUBLISH packet id %u for task %s to %.*s: %s", (unsigned int)id,
	    task_name(cmd->client), (int)cmd->publish.topicNameLength,
	    cmd->publish.pTopicName, MQTT_Status_strerror(st));
	if (st != MQTTSuccess || qos == MQTTQoS0) {
		complete_command(cmd, st, id);
		return;
	}
	add_pending(a, slot, cmd,
		    qos == MQTTQoS1 ? MQTT_PACKET_TYPE_PUBACK : MQTT_PACKET_TYPE_PUBCOMP,
		    id, -1);
}

static int free_subscription_slot(const struct mqtt_agent *a)
{
	int i;

	for (i = 0; i < MQTT_AGENT_MAX_SUBSCRIPTIONS; i++)
		if (a->subs[i].filter_len == 0)
			return i;
	return -1;
}

static void do_subscribe(struct mqtt_agent *a, const struct mqtt_agent_command *cmd)
{
	const MQTTSubscribeInfo_t *f = &cmd->filter;
	const int slot = free_pending_slot(a);
	const int sub = free_subscription_slot(a);
	MQTTStatus_t st;
	uint16_t id;

	if (f->pTopicFilter == NULL || f->topicFilterLength == 0 ||
	    f->topicFilterLength > MQTT_AGENT_FILTER_MAX) {
		complete_command(cmd, MQTTBadParameter, 0);
		return;
	}
	if (slot < 0 || sub < 0) {
		complete_command(cmd, MQTTNoMemory, 0);
		return;
	}
	id = MQTT_GetPacketId(&a->mqtt);
	st = MQTT_Subscribe(&a->mqtt, f, 1, id);
	say("agent: SUBSCRIBE packet id %u for task %s to %.*s at QoS %u: %s",
	    (unsigned int)id, task_name(cmd->client), (int)f->topicFilterLength,
	    f->pTopicFilter, (unsigned int)f->qos, MQTT_Status_strerror(st));
	if (st != MQTTSuccess) {
		complete_command(cmd, st, id);
		return;
	}
	memcpy(a->subs[sub].filter, f->pTopicFilter, f->topicFilterLength);
	a->subs[sub].filter_len = f->topicFilterLength;
	a->subs[sub].client = cmd->client;
	a->subs[sub].active = false;
	add_pending(a, slot, cmd, MQTT_PACKET_TYPE_SUBACK, id, sub);
}

static int find_subscription(const struct mqtt_agent *a, const struct mqtt_agent_command *cmd)
{
	const MQTTSubscribeInfo_t *f = &cmd->filter;
	int i;

	for (i = 0; i < MQTT_AGENT_MAX_SUBSCRIPTIONS; i++) {
		const struct mqtt_agent_subscription *s = &a->subs[i];

		if (s->active && s->client == cmd->client && f->pTopicFilter != NULL &&
		    s->filter_len == f->topicFilterLength &&
		    memcmp(s->filter, f->pTopicFilter, s->filter_len) == 0)
			return i;
	}
	return -1;
}

static void do_unsubscribe(struct mqtt_agent *a, const struct mqtt_agent_command *cmd)
{
	const int slot = free_pending_slot(a);
	const int sub = find_subscription(a, cmd);
	MQTTStatus_t st;
	uint16_t id;

	if (sub < 0) {
		complete_command(cmd, MQTTBadParameter, 0);
		return;
	}
	if (slot < 0) {
		complete_command(cmd, MQTTNoMemory, 0);
		return;
	}
	id = MQTT_GetPacketId(&a->mqtt);
	st = MQTT_Unsubscribe(&a->mqtt, &cmd->filter, 1, id);
	say("agent: UNSUBSCRIBE packet id %u for task %s from %.*s: %s", (unsigned int)id,
	    task_name(cmd->client), (int)cmd->filter.topicFilterLength,
	    cmd->filter.pTopicFilter, MQTT_Status_strerror(st));
	if (st != MQTTSuccess) {
		complete_command(cmd, st, id);
		return;
	}
	add_pending(a, slot, cmd, MQTT_PACKET_TYPE_UNSUBACK, id, sub);
}

static void execute(struct mqtt_agent *a, const struct mqtt_agent_command *cmd)
{
	a->stats.commands++;
	switch (cmd->op) {
	case MQTT_AGENT_STOP:
		a->stop = true;
		return;
	case MQTT_AGENT_PUBLISH:
		do_publish(a, cmd);
		return;
	case MQTT_AGENT_SUBSCRIBE:
		do_subscribe(a, cmd);
		return;
	case MQTT_AGENT_UNSUBSCRIBE:
		do_unsubscribe(a, cmd);
		return;
	}
	complete_command(cmd, MQTTBadParameter, 0);
}

/* ---- the agent loop ---------------------------------------------------------------- */

MQTTStatus_t mqtt_agent_init(struct mqtt_agent *agent, QueueHandle_t commands,
			     const TransportInterface_t *transport,
			     const MQTTFixedBuffer_t *buffer,
			     MQTTPubAckInfo_t *outgoing, size_t outgoing_count,
			     MQTTPubAckInfo_t *incoming, size_t incoming_count)
{
	MQTTStatus_t st;

	memset(agent, 0, sizeof(*agent));
	agent->commands = commands;
	st = MQTT_Init(&agent->mqtt, transport, mqtt_link_time_ms, on_event, buffer);
	if (st != MQTTSuccess)
		return st;
	return MQTT_InitStatefulQoS(&agent->mqtt, outgoing, outgoing_count, incoming,
				    incoming_count);
}

/* Complete every pending acknowledgement with @st. */
static void fail_pending(struct mqtt_agent *a, MQTTStatus_t st)
{
	size_t i;

	for (i = 0; i < MQTT_AGENT_MAX_PENDING; i++)
		if (a->pending[i].packet_id != 0)
			finish_pending(a, i, st, 0);
	for (i = 0; i < MQTT_AGENT_MAX_SUBSCRIPTIONS; i++)
		if (!a->subs[i].active)
			free_subscription(a, (int)i);
}

/* Run every queued command; stops early on STOP or a lost connection. */
static void take_commands(struct mqtt_agent *a)
{
	struct mqtt_agent_command cmd;

	while (!a->stop && a->mqtt.connectStatus == MQTTConnected &&
	       xQueueReceive(a->commands, &cmd, 0) == pdPASS)
		execute(a, &cmd);
}

MQTTStatus_t mqtt_agent_run(struct mqtt_agent *agent, uint32_t max_ms)
{
	const uint32_t start = mqtt_link_time_ms();
	MQTTStatus_t st = MQTTSuccess;

	agent->stop = false;
	while (!agent->stop) {
		if (max_ms != 0 && mqtt_link_time_ms() - start >= max_ms) {
			warn("agent: stopping after %lu ms (its time limit)", (unsigned long)max_ms);
			st = MQTTNoDataAvailable;
			break;
		}
		take_commands(agent);
		if (agent->stop)
			break;
		if (agent->mqtt.connectStatus != MQTTConnected) {
			st = MQTTIllegalState;
			break;
		}
		st = MQTT_ProcessLoop(&agent->mqtt);
		if (st != MQTTSuccess && st != MQTTNeedMoreBytes)
			break;
		st = MQTTSuccess;
		expire_pending(agent);
	}
	if (st != MQTTSuccess)
		warn("agent: loop ended: %s", MQTT_Status_strerror(st));
	fail_pending(agent, st == MQTTSuccess ? MQTTIllegalState : st);
	return st;
}

void mqtt_agent_refuse(struct mqtt_agent *agent, uint32_t wait_ms)
{
	const uint32_t start = mqtt_link_time_ms();
	struct mqtt_agent_command cmd;
	uint32_t waited;

	while ((waited = mqtt_link_time_ms() - start) < wait_ms) {
		if (xQueueReceive(agent->commands, &cmd, pdMS_TO_TICKS(wait_ms - waited)) != pdPASS)
			continue;
		if (cmd.op != MQTT_AGENT_STOP)
			complete_command(&cmd, MQTTIllegalState, 0);
	}
}

/* ---- client side -------------------------------------------------------------------- */

void mqtt_agent_client_init(struct mqtt_agent_client *client, QueueHandle_t inbox)
{
	memset(client, 0, sizeof(*client));
	client->task = xTaskGetCurrentTaskHandle();
	client->inbox = inbox;
}

/* Queue @cmd and wait for its completion, @timeout_ms in all. */
static MQTTStatus_t submit(QueueHandle_t commands, struct mqtt_agent_client *c,
			   struct mqtt_agent_command *cmd, uint32_t timeout_ms)
{
	const uint32_t start = mqtt_link_time_ms();
	uint32_t waited;

	if (c->stuck)
		return MQTTIllegalState;
	c->seq = c->seq + 1U == 0U ? 1U : c->seq + 1U;
	cmd->client = c;
	cmd->seq = c->seq;
	if (xQueueSend(commands, cmd, pdMS_TO_TICKS(timeout_ms)) != pdPASS)
		return MQTTNoDataAvailable; /* never queued: nothing to wait for */
	while (c->done_seq != cmd->seq) {
		waited = mqtt_link_time_ms() - start;
		if (waited >= timeout_ms) {
			/* The agent may still answer later: stop using this record. */
			c->stuck = true;
			return MQTTNoDataAvailable;
		}
		(void)xTaskNotifyWait(0, UINT32_MAX, NULL, pdMS_TO_TICKS(timeout_ms - waited));
	}
	return c->status;
}

MQTTStatus_t mqtt_agent_publish(QueueHandle_t commands, struct mqtt_agent_client *client,
				const MQTTPublishInfo_t *message, uint32_t timeout_ms)
{
	struct mqtt_agent_command cmd = { .op = MQTT_AGENT_PUBLISH, .publish = *message };

	return submit(commands, client, &cmd, timeout_ms);
}

MQTTStatus_t mqtt_agent_subscribe(QueueHandle_t commands, struct mqtt_agent_client *client,
				  const MQTTSubscribeInfo_t *filter, uint32_t timeout_ms)
{
	struct mqtt_agent_command cmd = { .op = MQTT_AGENT_SUBSCRIBE, .filter = *filter };

	return submit(commands, client, &cmd, timeout_ms);
}

MQTTStatus_t mqtt_agent_unsubscribe(QueueHandle_t commands, struct mqtt_agent_client *client,
				    const MQTTSubscribeInfo_t *filter, uint32_t timeout_ms)
{
	struct mqtt_agent_command cmd = { .op = MQTT_AGENT_UNSUBSCRIBE, .filter = *filter };

	return submit(commands, client, &cmd, timeout_ms);
}

BaseType_t mqtt_agent_stop(QueueHandle_t commands, uint32_t timeout_ms)
{
	const struct mqtt_agent_command cmd = { .op = MQTT_AGENT_STOP };

	return xQueueSend(commands, &cmd, pdMS_TO_TICKS(timeout_ms));
}
