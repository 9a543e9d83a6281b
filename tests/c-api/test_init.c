// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_init.c - MQTT_Init, MQTT_InitStatefulQoS, MQTT_GetPacketId and
 * MQTT_Status_strerror.
 */
#include <string.h>

#include "deviations.h"
#include "fake.h"
#include "unit.h"

static MQTTContext_t ctx;
static uint8_t buffer[64];
static const MQTTFixedBuffer_t fixed = { buffer, sizeof(buffer) };

static TransportInterface_t transport(void)
{
	TransportInterface_t t = {
		.recv = fake_recv,
		.send = fake_send,
		.writev = NULL,
		.pNetworkContext = &net,
	};

	return t;
}

static void init_rejects_null_arguments(void)
{
	TransportInterface_t t = transport();
	TransportInterface_t no_recv = transport();
	TransportInterface_t no_send = transport();

	no_recv.recv = NULL;
	no_send.send = NULL;
	CHECK_STATUS(MQTT_Init(NULL, &t, fake_time, fake_callback, &fixed),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, NULL, fake_time, fake_callback, &fixed),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, &t, NULL, fake_callback, &fixed),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, &t, fake_time, NULL, &fixed),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, &t, fake_time, fake_callback, NULL),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, &no_recv, fake_time, fake_callback,
			       &fixed), MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, &no_send, fake_time, fake_callback,
			       &fixed), MQTTBadParameter);
}

static void init_sets_up_the_context_and_sends_nothing(void)
{
	TransportInterface_t t = transport();

	net_reset();
	t.writev = fake_writev;
	memset(&ctx, 0xa5, sizeof(ctx));
	CHECK_STATUS(MQTT_Init(&ctx, &t, fake_time, fake_callback, &fixed),
		     MQTTSuccess);
	CHECK(ctx.transportInterface.recv == fake_recv);
	CHECK(ctx.transportInterface.send == fake_send);
	CHECK(ctx.transportInterface.writev == fake_writev);
	CHECK(ctx.transportInterface.pNetworkContext == &net);
	CHECK(ctx.networkBuffer.pBuffer == buffer);
	CHECK_INT(ctx.networkBuffer.size, sizeof(buffer));
	CHECK(ctx.getTime == fake_time);
	CHECK(ctx.appCallback == fake_callback);
	CHECK_INT(ctx.nextPacketId, 1);
	CHECK_INT(ctx.connectStatus, MQTTNotConnected);
	CHECK(ctx.outgoingPublishRecords == NULL);
	CHECK(ctx.incomingPublishRecords == NULL);
	CHECK_INT(ctx.outgoingPublishRecordMaxCount, 0);
	CHECK_INT(ctx.incomingPublishRecordMaxCount, 0);
	CHECK_INT(ctx.lastPacketTxTime, 0);
	CHECK_INT(ctx.lastPacketRxTime, 0);
	CHECK(!ctx.controlPacketSent);
	CHECK_INT(ctx.index, 0);
	CHECK_INT(ctx.keepAliveIntervalSec, 0);
	CHECK_INT(ctx.pingReqSendTimeMs, 0);
	CHECK(!ctx.waitingForPingResp);
	CHECK_INT(net.recv_calls + net.send_calls + net.writev_calls, 0);
}

static void stateful_qos_checks_its_arguments(void)
{
	MQTTPubAckInfo_t out[2], in[3];
	TransportInterface_t t = transport();

	/* Before MQTT_Init: no callback in the context yet. */
	memset(&ctx, 0, sizeof(ctx));
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, out, 2, in, 3),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Init(&ctx, &t, fake_time, fake_callback, &fixed),
		     MQTTSuccess);
	CHECK_STATUS(MQTT_InitStatefulQoS(NULL, out, 2, in, 3),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, NULL, 2, in, 3),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, out, 0, in, 3),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, out, 2, NULL, 3),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, out, 2, in, 0),
		     MQTTBadParameter);
	CHECK(ctx.outgoingPublishRecords == NULL);
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, out, 2, in, 3), MQTTSuccess);
	CHECK(ctx.outgoingPublishRecords == out);
	CHECK_INT(ctx.outgoingPublishRecordMaxCount, 2);
	CHECK(ctx.incomingPublishRecords == in);
	CHECK_INT(ctx.incomingPublishRecordMaxCount, 3);
	/* One direction only: NULL goes with 0. */
	CHECK_STATUS(MQTT_InitStatefulQoS(&ctx, out, 2, NULL, 0), MQTTSuccess);
	CHECK(ctx.incomingPublishRecords == NULL);
	CHECK_INT(ctx.incomingPublishRecordMaxCount, 0);
}

static void packet_ids_count_up_and_wrap_past_zero(void)
{
	CHECK(fixture_init(64, false));
	CHECK_INT(MQTT_GetPacketId(NULL), 0);
	CHECK_INT(MQTT_GetPacketId(&fx.ctx), 1);
	CHECK_INT(MQTT_GetPacketId(&fx.ctx), 2);
	CHECK_INT(fx.ctx.nextPacketId, 3);
	fx.ctx.nextPacketId = 65534;
	CHECK_INT(MQTT_GetPacketId(&fx.ctx), 65534);
	CHECK_INT(MQTT_GetPacketId(&fx.ctx), 65535);
	CHECK_INT(fx.ctx.nextPacketId, 1);
	CHECK_INT(MQTT_GetPacketId(&fx.ctx), 1);
	CHECK_INT(MQTT_GetPacketId(&fx.ctx), 2);
}

static void packet_ids_never_zero_over_a_full_cycle(void)
{
	uint32_t i, wrong = 0;

	CHECK(fixture_init(64, false));
	for (i = 0; i < 2U * 65535U; i++) {
		if (MQTT_GetPacketId(&fx.ctx) != i % 65535U + 1)
			wrong++;
	}
	CHECK_INT(wrong, 0);
	CHECK_NOTHING_SENT();
}

static void strerror_names_every_status(void)
{
	static const char *const names[] = {
		"MQTTSuccess", "MQTTBadParameter", "MQTTNoMemory",
		"MQTTSendFailed", "MQTTRecvFailed", "MQTTBadResponse",
		"MQTTServerRefused", "MQTTNoDataAvailable",
		"MQTTIllegalState", "MQTTStateCollision",
		"MQTTKeepAliveTimeout", "MQTTNeedMoreBytes",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		CHECK(strcmp(MQTT_Status_strerror((MQTTStatus_t)i),
			     names[i]) == 0);
	CHECK(strcmp(MQTT_Status_strerror((MQTTStatus_t)12),
		     "Invalid MQTT Status code") == 0);
	CHECK(strcmp(MQTT_Status_strerror((MQTTStatus_t)255),
		     "Invalid MQTT Status code") == 0);
}

const struct unit_test init_tests[] = {
	UNIT_TEST(init_rejects_null_arguments),
	UNIT_TEST(init_sets_up_the_context_and_sends_nothing),
	UNIT_TEST(stateful_qos_checks_its_arguments),
	UNIT_TEST(packet_ids_count_up_and_wrap_past_zero),
	UNIT_TEST(packet_ids_never_zero_over_a_full_cycle),
	UNIT_TEST(strerror_names_every_status),
	{ NULL, NULL },
};
