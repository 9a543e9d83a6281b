// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_publish.c - MQTT_Publish (caller-chosen packet ids, records,
 * collisions, dup resends, NoMemory, send failures) and MQTT_CancelCallback.
 */
#include <string.h>

#include "deviations.h"
#include "fake.h"
#include "unit.h"

static MQTTPublishInfo_t message(const char *topic, const char *payload,
				 MQTTQoS_t qos)
{
	MQTTPublishInfo_t m = {
		.qos = qos,
		.pTopicName = topic,
		.topicNameLength = (uint16_t)strlen(topic),
		.pPayload = payload,
		.payloadLength = payload ? strlen(payload) : 0,
	};

	return m;
}

static MQTTStatus_t publish_qos(MQTTQoS_t qos, bool dup, uint16_t id)
{
	MQTTPublishInfo_t m = message("t", "x", qos);

	m.dup = dup;
	return MQTT_Publish(&fx.ctx, &m, id);
}

static bool record_is(size_t i, uint16_t id, MQTTQoS_t qos,
		      MQTTPublishState_t state)
{
	return EXPECT_INT(fx.outgoing[i].packetId, id) &&
	       EXPECT_INT(fx.outgoing[i].qos, qos) &&
	       EXPECT_INT(fx.outgoing[i].publishState, state);
}

static size_t records_used(void)
{
	size_t i, n = 0;

	for (i = 0; i < FIX_RECORDS; i++)
		n += fx.outgoing[i].packetId != 0;
	return n;
}

static void publish_qos0_ignores_the_packet_id(void)
{
	MQTTPublishInfo_t m = message("dev-1/t", "hi", MQTTQoS0);

	CHECK(fixture_connected(0));
	clock_advance(250);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 7), MQTTSuccess);
	CHECK_SENT("\x30\x0b\x00\x07" "dev-1/t" "hi");
	CHECK_INT(fx.ctx.lastPacketTxTime, 1250);
	CHECK_INT(records_used(), 0);
	CHECK_INT(fx.ctx.nextPacketId, 1);
}

static void publish_qos1_is_recorded_until_puback(void)
{
	MQTTPublishInfo_t m = message("dev-1/t", "hi", MQTTQoS1);
	uint16_t id;

	CHECK(fixture_connected(0));
	id = MQTT_GetPacketId(&fx.ctx);
	CHECK_INT(id, 1);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, id), MQTTSuccess);
	CHECK_SENT("\x32\x0d\x00\x07" "dev-1/t" "\x00\x01" "hi");
	CHECK(record_is(0, 1, MQTTQoS1, MQTTPubAckPending));
	CHECK_INT(records_used(), 1);
}

static void publish_qos2_retain_and_empty_payload(void)
{
	MQTTPublishInfo_t m = message("dev-1/t", NULL, MQTTQoS2);

	CHECK(fixture_connected(0));
	m.retain = true;
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0x1234), MQTTSuccess);
	CHECK_SENT("\x35\x0b\x00\x07" "dev-1/t" "\x12\x34");
	CHECK(record_is(0, 0x1234, MQTTQoS2, MQTTPubRecPending));
	m.qos = MQTTQoS0;
	m.pPayload = "";
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0), MQTTSuccess);
	CHECK_SENT("\x31\x09\x00\x07" "dev-1/t");
}

static void publish_rejects_bad_arguments(void)
{
	MQTTPublishInfo_t m = message("t", "x", MQTTQoS1);
	MQTTPublishInfo_t no_topic = m, empty_topic = m, no_payload = m;

	no_topic.pTopicName = NULL;
	empty_topic.topicNameLength = 0;
	no_payload.pPayload = NULL;
	CHECK(fixture_connected(0));
	CHECK_STATUS(MQTT_Publish(NULL, &m, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, NULL, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0), MQTTBadParameter);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &no_topic, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &empty_topic, 1),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &no_payload, 1), MQTTBadParameter);
	CHECK_NOTHING_SENT();
	CHECK_INT(records_used(), 0);
}

static void publish_qos1_needs_record_tables(void)
{
	CHECK(fixture_init(256, false));
	CHECK(fixture_connect(0));
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 1), MQTTBadParameter);
	CHECK_STATUS(publish_qos(MQTTQoS2, false, 1), MQTTBadParameter);
	CHECK_NOTHING_SENT();
	CHECK_STATUS(publish_qos(MQTTQoS0, false, 0), MQTTSuccess);
	CHECK_SENT("\x30\x04\x00\x01tx");
}

static void publish_checks_topic_names(void)
{
	static const char *const bad[] = { "a/+", "a/#", "+", "a\xff", };
	static const char nul_inside[] = "a\0b";
	MQTTPublishInfo_t m;
	size_t i;

	CHECK(fixture_connected(0));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = message(bad[i], "x", MQTTQoS0);
		if (DEV_TOPIC_CHECKS) {
			CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0),
				     MQTTBadParameter);
			CHECK_NOTHING_SENT();
		} else {
			CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0),
				     MQTTSuccess);
			net_clear_sent();
		}
	}
	m = message(nul_inside, "x", MQTTQoS0);
	m.topicNameLength = 3;
	if (DEV_TOPIC_CHECKS)
		CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0), MQTTBadParameter);
}

/* MQTT-3.3.1-2: DUP is 0 in every QoS 0 PUBLISH. */
static void publish_qos0_with_dup(void)
{
	CHECK(fixture_connected(0));
	if (DEV_QOS0_DUP) {
		CHECK_STATUS(publish_qos(MQTTQoS0, true, 0), MQTTBadParameter);
		CHECK_NOTHING_SENT();
	} else {
		CHECK_STATUS(publish_qos(MQTTQoS0, true, 0), MQTTSuccess);
		CHECK_SENT("\x38\x04\x00\x01tx");
	}
}

static void publish_id_in_flight_collides_unless_dup(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 5), MQTTSuccess);
	CHECK_SENT("\x32\x06\x00\x01t\x00\x05x");
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 5), MQTTStateCollision);
	CHECK_STATUS(publish_qos(MQTTQoS2, false, 5), MQTTStateCollision);
	CHECK_NOTHING_SENT();
	CHECK_STATUS(publish_qos(MQTTQoS1, true, 5), MQTTSuccess);
	CHECK_SENT("\x3a\x06\x00\x01t\x00\x05x");
	CHECK(record_is(0, 5, MQTTQoS1, MQTTPubAckPending));
	CHECK_INT(records_used(), 1);
}

static void publish_no_memory_when_records_are_full(void)
{
	uint16_t id;

	CHECK(fixture_connected(0));
	for (id = 1; id <= FIX_RECORDS; id++)
		CHECK_STATUS(publish_qos(MQTTQoS1, false, id), MQTTSuccess);
	net_clear_sent();
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 9), MQTTNoMemory);
	CHECK_STATUS(publish_qos(MQTTQoS2, false, 9), MQTTNoMemory);
	CHECK_NOTHING_SENT();
	/* QoS 0 needs no record. */
	CHECK_STATUS(publish_qos(MQTTQoS0, false, 0), MQTTSuccess);
	net_clear_sent();
	FEED("\x40\x02\x00\x02");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 9), MQTTSuccess);
	CHECK_SENT("\x32\x06\x00\x01t\x00\x09x");
	CHECK(record_is(0, 1, MQTTQoS1, MQTTPubAckPending));
	CHECK(record_is(1, 3, MQTTQoS1, MQTTPubAckPending));
	CHECK(record_is(2, 4, MQTTQoS1, MQTTPubAckPending));
	CHECK(record_is(3, 9, MQTTQoS1, MQTTPubAckPending));
}

static void publish_goes_out_in_pieces(void)
{
	CHECK(fixture_connected(0));
	PLAN_SEND(2, 0, 1, 0, 0, 3);
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 3), MQTTSuccess);
	CHECK_SENT("\x32\x06\x00\x01t\x00\x03x");
}

static void publish_payload_larger_than_the_buffer(void)
{
	static uint8_t want[3 + 3 + 200];
	MQTTPublishInfo_t m = message("t", NULL, MQTTQoS0);
	char payload[200];
	size_t i;

	CHECK(fixture_init(64, true));
	CHECK(fixture_connect(0));
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (char)('a' + i % 26);
	m.pPayload = payload;
	m.payloadLength = sizeof(payload);
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0), MQTTSuccess);
	memcpy(want, "\x30\xcb\x01\x00\x01t", 6);
	memcpy(&want[6], payload, sizeof(payload));
	CHECK(unit_expect_bytes(__FILE__, __LINE__, "net.out", net.out,
				net.out_len, want, sizeof(want)));
}

/* The fixed header and topic name must fit the free part of the buffer;
 * the payload need not. */
static void publish_topic_larger_than_the_buffer(void)
{
	char topic[40];
	MQTTPublishInfo_t m = message("t", "x", MQTTQoS0);

	memset(topic, 't', sizeof(topic));
	m.pTopicName = topic;
	m.topicNameLength = sizeof(topic);
	CHECK(fixture_init(32, true));
	CHECK(fixture_connect(0));
	CHECK_STATUS(MQTT_Publish(&fx.ctx, &m, 0),
		     DEV_PUBLISH_HEAD_IN_BUFFER ? MQTTNoMemory : MQTTSuccess);
}

/* A resend with dup of a QoS 2 publish whose PUBREC already came. */
static void publish_dup_after_pubrec(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS2, false, 4), MQTTSuccess);
	FEED("\x50\x02\x00\x04");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	net_clear_sent();
	CHECK_STATUS(publish_qos(MQTTQoS2, true, 4),
		     DEV_DUP_IN_ANY_PHASE ? MQTTSuccess : MQTTIllegalState);
	CHECK_SENT("\x3c\x06\x00\x01t\x00\x04x");
}

static void publish_send_failure(void)
{
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;

	CHECK(fixture_connected(0));
	PLAN_SEND(-1);
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 4), MQTTSendFailed);
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 4);
	if (DEV_ERROR_DISCONNECTS) {
		CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
		CHECK_STATUS(publish_qos(MQTTQoS0, false, 0),
			     MQTTIllegalState);
	} else {
		CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
	}
}

/* A peer that stops reading: MQTT_SEND_TIMEOUT_MS (20 s) without progress. */
static void publish_send_stall_times_out(void)
{
	CHECK(fixture_connected(0));
	tick_ms = 1000;
	net_hold_send(0);
	CHECK_STATUS(publish_qos(MQTTQoS0, false, 0), MQTTSendFailed);
	CHECK(now_ms >= 21000);
	CHECK(now_ms <= 23000);
}

static void publish_when_not_connected(void)
{
	CHECK(fixture_init(256, true));
	if (DEV_NOT_CONNECTED) {
		CHECK_STATUS(publish_qos(MQTTQoS0, false, 0), MQTTIllegalState);
		CHECK_STATUS(publish_qos(MQTTQoS1, false, 1), MQTTIllegalState);
		CHECK_NOTHING_SENT();
		CHECK_INT(records_used(), 0);
	} else {
		CHECK_STATUS(publish_qos(MQTTQoS0, false, 0), MQTTSuccess);
		CHECK_SENT("\x30\x04\x00\x01tx");
	}
}

static void cancel_forgets_an_outgoing_publish(void)
{
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;

	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS1, false, 5), MQTTSuccess);
	CHECK_STATUS(publish_qos(MQTTQoS2, false, 6), MQTTSuccess);
	net_clear_sent();
	CHECK_STATUS(MQTT_CancelCallback(NULL, 5), MQTTBadParameter);
	CHECK_STATUS(MQTT_CancelCallback(&fx.ctx, 7), MQTTBadParameter);
	if (!UPSTREAM_ASSERTS)
		CHECK_STATUS(MQTT_CancelCallback(&fx.ctx, 0), MQTTBadParameter);
	CHECK_STATUS(MQTT_CancelCallback(&fx.ctx, 5), MQTTSuccess);
	CHECK_STATUS(MQTT_CancelCallback(&fx.ctx, 5), MQTTBadParameter);
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 6);
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 0);
	CHECK_NOTHING_SENT();
	/* Its PUBACK, if it still comes, is for an id not in flight. */
	FEED("\x40\x02\x00\x05");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx),
		     DEV_STALE_ACK ? MQTTSuccess : MQTTBadResponse);
	CHECK_INT(event_count, 0);
	CHECK_STATUS(MQTT_CancelCallback(&fx.ctx, 6), MQTTSuccess);
	CHECK_INT(records_used(), 0);
}

static void cancel_needs_record_tables(void)
{
	CHECK(fixture_init(256, false));
	CHECK_STATUS(MQTT_CancelCallback(&fx.ctx, 1), MQTTBadParameter);
}

const struct unit_test publish_tests[] = {
	UNIT_TEST(publish_qos0_ignores_the_packet_id),
	UNIT_TEST(publish_qos1_is_recorded_until_puback),
	UNIT_TEST(publish_qos2_retain_and_empty_payload),
	UNIT_TEST(publish_rejects_bad_arguments),
	UNIT_TEST(publish_qos1_needs_record_tables),
	UNIT_TEST(publish_checks_topic_names),
	UNIT_TEST(publish_qos0_with_dup),
	UNIT_TEST(publish_id_in_flight_collides_unless_dup),
	UNIT_TEST(publish_no_memory_when_records_are_full),
	UNIT_TEST(publish_goes_out_in_pieces),
	UNIT_TEST(publish_payload_larger_than_the_buffer),
	UNIT_TEST(publish_topic_larger_than_the_buffer),
	UNIT_TEST(publish_dup_after_pubrec),
	UNIT_TEST(publish_send_failure),
	UNIT_TEST(publish_send_stall_times_out),
	UNIT_TEST(publish_when_not_connected),
	UNIT_TEST(cancel_forgets_an_outgoing_publish),
	UNIT_TEST(cancel_needs_record_tables),
	{ NULL, NULL },
};
