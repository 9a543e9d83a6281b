// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * fake.h - a scripted network, a fake clock and an event recorder for the
 * coreMQTT API tests: everything the library touches, under the test's
 * control and deterministic.
 *
 * Network: the bytes the broker will send wait in a queue. Each recv() call
 * takes the next entry of a plan, if any: > 0 caps the bytes returned,
 * 0 returns 0 ("try again"), < 0 returns that error. Without a plan entry
 * recv() returns what is queued, up to what was asked. send() works the
 * same way on its own plan and records every byte taken. A held plan
 * repeats its last step for ever (a peer that stops reading).
 *
 * Clock: now_ms, advanced by the test (clock_advance) and, if tick_ms is
 * set, by tick_ms after each getTime() call (for loops that wait on time).
 */
#ifndef FAKE_H
#define FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_mqtt.h"
#include "core_mqtt_state.h"

#define NET_IN_MAX 1024
#define NET_OUT_MAX 2048
#define NET_PLAN_MAX 32
#define EVENT_MAX 8
#define EVENT_DATA_MAX 256
#define FIX_BUFFER_MAX 1024
#define FIX_RECORDS 4

struct plan {
	int32_t step[NET_PLAN_MAX];
	size_t len;
	size_t at;
	bool hold;      /* the last step repeats once the plan is done */
};

struct NetworkContext {
	uint8_t in[NET_IN_MAX];
	size_t in_len;
	size_t in_at;
	struct plan recv_plan;
	uint8_t out[NET_OUT_MAX];
	size_t out_len;
	struct plan send_plan;
	unsigned recv_calls;
	unsigned send_calls;
	unsigned writev_calls;
};

extern NetworkContext_t net;

void net_reset(void);
void net_feed(const void *bytes, size_t len);
void net_plan_recv(const int32_t *steps, size_t count);
void net_plan_send(const int32_t *steps, size_t count);
void net_hold_send(int32_t step);
size_t net_pending(void);
void net_clear_sent(void);

int32_t fake_recv(NetworkContext_t *ctx, void *buf, size_t len);
int32_t fake_send(NetworkContext_t *ctx, const void *buf, size_t len);
int32_t fake_writev(NetworkContext_t *ctx, TransportOutVector_t *vec,
		    size_t count);

/* Feed a string literal of broker bytes. */
#define FEED(lit) net_feed((lit), sizeof(lit) - 1)
/* Compare what was sent with a string literal, then forget it. */
#define CHECK_SENT(lit) \
	do { \
		if (!EXPECT_BYTES(net.out, net.out_len, lit)) \
			return; \
		net_clear_sent(); \
	} while (0)
#define CHECK_NOTHING_SENT() CHECK_INT(net.out_len, 0)
#define PLAN_RECV(...) \
	do { \
		static const int32_t steps_[] = { __VA_ARGS__ }; \
		net_plan_recv(steps_, sizeof(steps_) / sizeof(steps_[0])); \
	} while (0)
#define PLAN_SEND(...) \
	do { \
		static const int32_t steps_[] = { __VA_ARGS__ }; \
		net_plan_send(steps_, sizeof(steps_) / sizeof(steps_[0])); \
	} while (0)

extern uint32_t now_ms;
extern uint32_t tick_ms;
uint32_t fake_time(void);
void clock_advance(uint32_t ms);

/* What one callback invocation saw, copied while it ran. */
struct event {
	/* MQTTPacketInfo_t */
	uint8_t type;
	size_t remaining_length;
	size_t header_length;
	ptrdiff_t data_at;          /* pRemainingData - networkBuffer.pBuffer */
	uint8_t data[EVENT_DATA_MAX];
	/* MQTTDeserializedInfo_t */
	uint16_t packet_id;
	MQTTStatus_t result;
	bool has_publish;
	MQTTQoS_t qos;
	bool retain;
	bool dup;
	ptrdiff_t topic_at;         /* pTopicName - networkBuffer.pBuffer */
	uint16_t topic_len;
	ptrdiff_t payload_at;       /* pPayload - networkBuffer.pBuffer */
	size_t payload_len;
	/* MQTT_GetSubAckStatusCodes on the packet, for a SUBACK */
	MQTTStatus_t codes_status;
	ptrdiff_t codes_at;         /* its *pPayloadStart - pBuffer */
	size_t codes_len;
	/* the network when the callback ran */
	size_t sent_before;         /* bytes the library had sent */
	bool same_context;          /* pContext was the context under test */
};

extern struct event events[EVENT_MAX];
extern size_t event_count;
/* Called from inside the callback after it recorded the event, if set. */
extern void (*on_event)(MQTTContext_t *ctx, const struct event *ev);

void fake_callback(MQTTContext_t *ctx, MQTTPacketInfo_t *packet,
		   MQTTDeserializedInfo_t *info);

/* A context with its memory, as an application lays it out. */
struct fixture {
	MQTTContext_t ctx;
	uint8_t buffer[FIX_BUFFER_MAX];
	MQTTPubAckInfo_t outgoing[FIX_RECORDS];
	MQTTPubAckInfo_t incoming[FIX_RECORDS];
	TransportInterface_t transport;
	MQTTFixedBuffer_t fixed;
};

extern struct fixture fx;

/* Reset network, clock (1000 ms, no tick) and events; MQTT_Init with a
 * buffer of buffer_size bytes; MQTT_InitStatefulQoS with FIX_RECORDS
 * records each way when with_records. */
bool fixture_init(size_t buffer_size, bool with_records);
/* MQTT_Connect (clean session, client id "dev-1") accepted without a
 * session; forgets what was sent. */
bool fixture_connect(uint16_t keep_alive_s);
/* fixture_init(256, true) and fixture_connect(keep_alive_s). */
bool fixture_connected(uint16_t keep_alive_s);

/* Offset of p in the network buffer (for pointers the library hands out);
 * -1 for NULL. */
ptrdiff_t buffer_offset(const void *p);

/* The i-th event's remaining data, compared with a string literal. */
#define CHECK_EVENT_DATA(i, lit) \
	CHECK_BYTES(events[i].data, events[i].remaining_length, lit)

#endif /* FAKE_H */
