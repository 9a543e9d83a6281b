/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * mqtt_agent.h - several FreeRTOS tasks sharing one MQTT connection, the
 * way coreMQTT-Agent arranges it, in a few hundred lines over core_mqtt.h.
 *
 * A coreMQTT context belongs to one task at a time. Here that task is the
 * agent: it owns the MQTTContext_t (embedded in struct mqtt_agent) and is
 * the only one calling MQTT_* on it. Other tasks ("clients") hand it
 * commands through a FreeRTOS queue and block until it answers:
 *
 *   client task                          agent task (mqtt_agent_run)
 *   mqtt_agent_publish() ── queue ──▶    MQTT_GetPacketId, MQTT_Publish
 *     waits for a task notification      MQTT_ProcessLoop ... PUBACK
 *   ◀── xTaskNotify(seq) ───────────     result into the client's record
 *
 * PUBLISH (QoS 0/1/2) completes when it is sent (QoS 0) or acknowledged
 * (PUBACK; PUBCOMP for QoS 2), SUBSCRIBE on its SUBACK (the return code is
 * reported), UNSUBSCRIBE on its UNSUBACK. An incoming PUBLISH is copied into
 * the inbox queue of every client whose subscription filter matches it
 * (MQTT_MatchTopic), so each task receives what it subscribed to.
 *
 * Every wait is bounded: a client waits at most the timeout it passes; the
 * agent gives up on an acknowledgement after MQTT_AGENT_ACK_TIMEOUT_MS and
 * completes the command with MQTTNoDataAvailable; when the connection fails
 * every pending command completes with the error. Nothing is allocated:
 * the caller owns the agent, the queues and the client records.
 */
#ifndef MQTT_AGENT_H
#define MQTT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "FreeRTOS.h"
#include "queue.h"
#include "task.h"

#include "core_mqtt.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef MQTT_AGENT_MAX_PENDING
#define MQTT_AGENT_MAX_PENDING 8        /* acknowledgements awaited at once */
#endif
#ifndef MQTT_AGENT_MAX_SUBSCRIPTIONS
#define MQTT_AGENT_MAX_SUBSCRIPTIONS 8
#endif
#ifndef MQTT_AGENT_FILTER_MAX
#define MQTT_AGENT_FILTER_MAX 96        /* bytes of one topic filter */
#endif
#ifndef MQTT_AGENT_TOPIC_MAX
#define MQTT_AGENT_TOPIC_MAX 96         /* bytes of a delivered topic name */
#endif
#ifndef MQTT_AGENT_PAYLOAD_MAX
#define MQTT_AGENT_PAYLOAD_MAX 64       /* bytes of a delivered payload */
#endif
#ifndef MQTT_AGENT_ACK_TIMEOUT_MS
#define MQTT_AGENT_ACK_TIMEOUT_MS 10000U
#endif

/* A received message, copied into the subscriber's inbox queue. A message
 * whose topic or payload does not fit is not delivered (logged, counted). */
struct mqtt_agent_message {
	char topic[MQTT_AGENT_TOPIC_MAX];
	uint16_t topic_len;
	uint8_t payload[MQTT_AGENT_PAYLOAD_MAX];
	uint16_t payload_len;
	MQTTQoS_t qos;
};

/*
 * One client task's record: its inbox and the answer to its last command.
 * Static storage (or anything that outlives the agent's use of it): the
 * agent writes the answer, then notifies the task.
 */
struct mqtt_agent_client {
	TaskHandle_t task;       /* notified when a command completes */
	QueueHandle_t inbox;     /* struct mqtt_agent_message items, or NULL */
	uint32_t seq;            /* number of the last command sent */
	bool stuck;              /* a command timed out: no more commands */
	/* Written by the agent before it notifies the task: */
	volatile uint32_t done_seq;
	volatile MQTTStatus_t status;
	volatile uint16_t packet_id;
	volatile uint8_t suback_code; /* SUBSCRIBE: the broker's return code */
};

enum mqtt_agent_op {
	MQTT_AGENT_PUBLISH,
	MQTT_AGENT_SUBSCRIBE,
	MQTT_AGENT_UNSUBSCRIBE,
	MQTT_AGENT_STOP,
};

/* What goes through the command queue (create it with this item size). */
struct mqtt_agent_command {
	enum mqtt_agent_op op;
	struct mqtt_agent_client *client; /* NULL for STOP */
	uint32_t seq;
	MQTTPublishInfo_t publish;   /* PUBLISH: topic and payload stay valid
				      * until the command completes */
	MQTTSubscribeInfo_t filter;  /* SUBSCRIBE, UNSUBSCRIBE */
};

/* An acknowledgement the agent waits for. */
struct mqtt_agent_pending {
	uint16_t packet_id;                /* 0: free slot */
	uint8_t ack_type;                  /* MQTT_PACKET_TYPE_PUBACK, ... */
	struct mqtt_agent_client *client;
	uint32_t seq;
	uint32_t sent_ms;
	int8_t subscription;               /* SUBSCRIBE/UNSUBSCRIBE: its slot */
};

struct mqtt_agent_subscription {
	char filter[MQTT_AGENT_FILTER_MAX];
	uint16_t filter_len;                /* 0: free slot */
	bool active;                        /* granted by a SUBACK */
	struct mqtt_agent_client *client;
};

/* Counters the owner may read after mqtt_agent_run(). */
struct mqtt_agent_stats {
	uint32_t commands;     /* commands executed */
	uint32_t delivered;    /* messages put into an inbox */
	uint32_t unmatched;    /* incoming publishes no subscription matched */
	uint32_t dropped;      /* not delivered: too long, or inbox full */
	uint32_t timeouts;     /* acknowledgements that never came */
	uint32_t max_pending;  /* most acknowledgements awaited at once */
};

struct mqtt_agent {
	MQTTContext_t mqtt;     /* first: the event callback finds the agent */
	QueueHandle_t commands; /* struct mqtt_agent_command items */
	struct mqtt_agent_pending pending[MQTT_AGENT_MAX_PENDING];
	struct mqtt_agent_subscription subs[MQTT_AGENT_MAX_SUBSCRIPTIONS];
	struct mqtt_agent_stats stats;
	bool stop;
};

/**
 * mqtt_agent_init() - set up @agent and its MQTT context (MQTT_Init,
 * MQTT_InitStatefulQoS); connect it afterwards (MQTT_Connect on
 * &agent->mqtt, e.g. through mqtt_link_open()) from the agent task.
 * @commands:  a queue of struct mqtt_agent_command items.
 * @transport, @buffer, @outgoing/@incoming (+ counts): as for MQTT_Init
 *             and MQTT_InitStatefulQoS.
 *
 * Return: the MQTT_Init / MQTT_InitStatefulQoS status.
 */
MQTTStatus_t mqtt_agent_init(struct mqtt_agent *agent, QueueHandle_t commands,
			     const TransportInterface_t *transport,
			     const MQTTFixedBuffer_t *buffer,
			     MQTTPubAckInfo_t *outgoing, size_t outgoing_count,
			     MQTTPubAckInfo_t *incoming, size_t incoming_count);

/**
 * mqtt_agent_run() - the agent loop, in the task that owns the context:
 * take commands, MQTT_ProcessLoop (its receive timeout paces the loop),
 * expire acknowledgements, until a STOP command, an error that ends the
 * connection, or @max_ms (0: no limit). Pending commands then complete
 * with the reason.
 *
 * Return: MQTTSuccess after STOP, MQTTNoDataAvailable after @max_ms, or
 * the status that ended the connection.
 */
MQTTStatus_t mqtt_agent_run(struct mqtt_agent *agent, uint32_t max_ms);

/**
 * mqtt_agent_refuse() - after mqtt_agent_run(): answer the commands that
 * arrive during @wait_ms with MQTTIllegalState, so no client waits out its
 * timeout.
 */
void mqtt_agent_refuse(struct mqtt_agent *agent, uint32_t wait_ms);

/* ---- for client tasks -------------------------------------------------------- */

/**
 * mqtt_agent_client_init() - a record for the calling task.
 * @inbox: queue of struct mqtt_agent_message items for what its
 *         subscriptions receive (NULL if it subscribes to nothing).
 */
void mqtt_agent_client_init(struct mqtt_agent_client *client, QueueHandle_t inbox);

/**
 * mqtt_agent_publish() - have the agent publish @message and wait until it
 * completes (see the top of this file), at most @timeout_ms in all.
 * client->packet_id then holds the packet id the agent used.
 *
 * Return: the completion's status: MQTTSuccess, an MQTT_Publish error,
 * MQTTNoDataAvailable (no acknowledgement, or @timeout_ms passed),
 * MQTTIllegalState (the agent stopped, or an earlier command of this client
 * timed out), or the error that ended the connection.
 */
MQTTStatus_t mqtt_agent_publish(QueueHandle_t commands,
				struct mqtt_agent_client *client,
				const MQTTPublishInfo_t *message,
				uint32_t timeout_ms);

/**
 * mqtt_agent_subscribe() - subscribe @client to @filter and wait for the
 * SUBACK; client->suback_code holds its return code. Returns as
 * mqtt_agent_publish(), and MQTTServerRefused when the broker refused.
 */
MQTTStatus_t mqtt_agent_subscribe(QueueHandle_t commands,
				  struct mqtt_agent_client *client,
				  const MQTTSubscribeInfo_t *filter,
				  uint32_t timeout_ms);

/* Unsubscribe @client from @filter and wait for the UNSUBACK. */
MQTTStatus_t mqtt_agent_unsubscribe(QueueHandle_t commands,
				    struct mqtt_agent_client *client,
				    const MQTTSubscribeInfo_t *filter,
				    uint32_t timeout_ms);

/* Ask the agent loop to end (no answer). pdPASS if the command was queued. */
BaseType_t mqtt_agent_stop(QueueHandle_t commands, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* MQTT_AGENT_H */
