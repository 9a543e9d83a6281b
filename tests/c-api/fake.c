// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * fake.c - the scripted network, fake clock, event recorder and fixture
 * described in fake.h.
 */
#include <string.h>

#include "fake.h"
#include "unit.h"

NetworkContext_t net;
uint32_t now_ms;
uint32_t tick_ms;
struct event events[EVENT_MAX];
size_t event_count;
void (*on_event)(MQTTContext_t *ctx, const struct event *ev);
struct fixture fx;

void net_reset(void)
{
	memset(&net, 0, sizeof(net));
}

void net_feed(const void *bytes, size_t len)
{
	if (len > sizeof(net.in) - net.in_len)
		len = sizeof(net.in) - net.in_len;
	memcpy(&net.in[net.in_len], bytes, len);
	net.in_len += len;
}

static void plan_set(struct plan *p, const int32_t *steps, size_t count)
{
	if (count > NET_PLAN_MAX)
		count = NET_PLAN_MAX;
	memcpy(p->step, steps, count * sizeof(steps[0]));
	p->len = count;
	p->at = 0;
	p->hold = false;
}

void net_plan_recv(const int32_t *steps, size_t count)
{
	plan_set(&net.recv_plan, steps, count);
}

void net_plan_send(const int32_t *steps, size_t count)
{
	plan_set(&net.send_plan, steps, count);
}

void net_hold_send(int32_t step)
{
	plan_set(&net.send_plan, &step, 1);
	net.send_plan.hold = true;
}

size_t net_pending(void)
{
	return net.in_len - net.in_at;
}

void net_clear_sent(void)
{
	net.out_len = 0;
}

/*
 * How many bytes of len the next call may move: the plan's cap, or len.
 * Returns false with *result set when the plan says "0" or "error".
 */
static bool plan_next(struct plan *p, size_t *len, int32_t *result)
{
	int32_t step;

	if (p->at < p->len)
		step = p->step[p->at++];
	else if (p->hold && p->len > 0)
		step = p->step[p->len - 1];
	else
		return true;
	if (step <= 0) {
		*result = step;
		return false;
	}
	if ((size_t)step < *len)
		*len = (size_t)step;
	return true;
}

int32_t fake_recv(NetworkContext_t *ctx, void *buf, size_t len)
{
	int32_t result = 0;

	ctx->recv_calls++;
	if (!plan_next(&ctx->recv_plan, &len, &result))
		return result;
	if (len > net_pending())
		len = net_pending();
	memcpy(buf, &ctx->in[ctx->in_at], len);
	ctx->in_at += len;
	return (int32_t)len;
}

static int32_t take(NetworkContext_t *ctx, const void *buf, size_t len)
{
	if (len > sizeof(ctx->out) - ctx->out_len)
		len = sizeof(ctx->out) - ctx->out_len;
	memcpy(&ctx->out[ctx->out_len], buf, len);
	ctx->out_len += len;
	return (int32_t)len;
}

int32_t fake_send(NetworkContext_t *ctx, const void *buf, size_t len)
{
	int32_t result = 0;

	ctx->send_calls++;
	if (!plan_next(&ctx->send_plan, &len, &result))
		return result;
	return take(ctx, buf, len);
}

/* Takes the pieces whole, in order (no plan). */
int32_t fake_writev(NetworkContext_t *ctx, TransportOutVector_t *vec,
		    size_t count)
{
	int32_t total = 0;
	size_t i;

	ctx->writev_calls++;
	for (i = 0; i < count; i++)
		total += take(ctx, vec[i].iov_base, vec[i].iov_len);
	return total;
}

uint32_t fake_time(void)
{
	uint32_t t = now_ms;

	now_ms += tick_ms;
	return t;
}

void clock_advance(uint32_t ms)
{
	now_ms += ms;
}

ptrdiff_t buffer_offset(const void *p)
{
	if (!p)
		return -1;
	return (ptrdiff_t)((uintptr_t)p - (uintptr_t)fx.ctx.networkBuffer.pBuffer);
}

static void record_publish(struct event *ev, const MQTTPublishInfo_t *p)
{
	ev->has_publish = true;
	ev->qos = p->qos;
	ev->retain = p->retain;
	ev->dup = p->dup;
	ev->topic_at = buffer_offset(p->pTopicName);
	ev->topic_len = p->topicNameLength;
	ev->payload_at = buffer_offset(p->pPayload);
	ev->payload_len = p->payloadLength;
}

static void record_codes(struct event *ev, const MQTTPacketInfo_t *packet)
{
	uint8_t *codes = NULL;

	ev->codes_status = MQTT_GetSubAckStatusCodes(packet, &codes,
						     &ev->codes_len);
	ev->codes_at = buffer_offset(codes);
}

void fake_callback(MQTTContext_t *ctx, MQTTPacketInfo_t *packet,
		   MQTTDeserializedInfo_t *info)
{
	struct event *ev;
	size_t n;

	if (event_count == EVENT_MAX)
		return;
	ev = &events[event_count++];
	memset(ev, 0, sizeof(*ev));
	ev->same_context = ctx == &fx.ctx;
	ev->sent_before = net.out_len;
	ev->type = packet->type;
	ev->remaining_length = packet->remainingLength;
	ev->header_length = packet->headerLength;
	ev->data_at = buffer_offset(packet->pRemainingData);
	n = packet->remainingLength;
	if (n > sizeof(ev->data))
		n = sizeof(ev->data);
	if (n > 0)
		memcpy(ev->data, packet->pRemainingData, n);
	ev->packet_id = info->packetIdentifier;
	ev->result = info->deserializationResult;
	if (info->pPublishInfo)
		record_publish(ev, info->pPublishInfo);
	if (packet->type == MQTT_PACKET_TYPE_SUBACK)
		record_codes(ev, packet);
	if (on_event)
		on_event(ctx, ev);
}

bool fixture_init(size_t buffer_size, bool with_records)
{
	MQTTStatus_t st;

	net_reset();
	now_ms = 1000;
	tick_ms = 0;
	event_count = 0;
	on_event = NULL;
	memset(&fx, 0, sizeof(fx));
	fx.transport.recv = fake_recv;
	fx.transport.send = fake_send;
	fx.transport.writev = NULL;
	fx.transport.pNetworkContext = &net;
	fx.fixed.pBuffer = fx.buffer;
	fx.fixed.size = buffer_size;
	st = MQTT_Init(&fx.ctx, &fx.transport, fake_time, fake_callback,
		       &fx.fixed);
	if (!EXPECT_STATUS(st, MQTTSuccess))
		return false;
	if (!with_records)
		return true;
	st = MQTT_InitStatefulQoS(&fx.ctx, fx.outgoing, FIX_RECORDS,
				  fx.incoming, FIX_RECORDS);
	return EXPECT_STATUS(st, MQTTSuccess);
}

bool fixture_connect(uint16_t keep_alive_s)
{
	MQTTConnectInfo_t info = {
		.cleanSession = true,
		.keepAliveSeconds = keep_alive_s,
		.pClientIdentifier = "dev-1",
		.clientIdentifierLength = 5,
	};
	bool present = true;
	MQTTStatus_t st;

	FEED("\x20\x02\x00\x00");
	st = MQTT_Connect(&fx.ctx, &info, NULL, 1000, &present);
	if (!EXPECT_STATUS(st, MQTTSuccess) || !EXPECT(!present))
		return false;
	net_clear_sent();
	return true;
}

bool fixture_connected(uint16_t keep_alive_s)
{
	return fixture_init(256, true) && fixture_connect(keep_alive_s);
}
