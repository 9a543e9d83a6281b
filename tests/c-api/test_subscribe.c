// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_subscribe.c - MQTT_Subscribe, MQTT_Unsubscribe, SUBACK / UNSUBACK
 * in the callback and MQTT_GetSubAckStatusCodes.
 */
#include <string.h>

#include "deviations.h"
#include "fake.h"
#include "unit.h"

static const MQTTSubscribeInfo_t two[] = {
	{ MQTTQoS1, "dev-1/t", 7 },
	{ MQTTQoS0, "a/+/c", 5 },
};

/* SUBSCRIBE / UNSUBSCRIBE of two[] with packet ids 1 and 2. */
#define SUBSCRIBE_TWO \
	"\x82\x14\x00\x01\x00\x07" "dev-1/t" "\x01\x00\x05" "a/+/c" "\x00"
#define UNSUBSCRIBE_TWO \
	"\xa2\x12\x00\x02\x00\x07" "dev-1/t" "\x00\x05" "a/+/c"

static void subscribe_and_unsubscribe_on_the_wire(void)
{
	uint16_t id;

	CHECK(fixture_connected(0));
	id = MQTT_GetPacketId(&fx.ctx);
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 2, id), MQTTSuccess);
	CHECK_SENT(SUBSCRIBE_TWO);
	id = MQTT_GetPacketId(&fx.ctx);
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, two, 2, id), MQTTSuccess);
	CHECK_SENT(UNSUBSCRIBE_TWO);
	CHECK_INT(fx.ctx.lastPacketTxTime, 1000);
}

static void subscribe_rejects_bad_arguments(void)
{
	MQTTSubscribeInfo_t no_filter = { MQTTQoS0, NULL, 3 };
	MQTTSubscribeInfo_t empty = { MQTTQoS0, "a", 0 };

	CHECK(fixture_connected(0));
	CHECK_STATUS(MQTT_Subscribe(NULL, two, 2, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, NULL, 2, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 0, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 2, 0), MQTTBadParameter);
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, &no_filter, 1, 1),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, &empty, 1, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Unsubscribe(NULL, two, 2, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, NULL, 2, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, two, 0, 1), MQTTBadParameter);
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, two, 2, 0), MQTTBadParameter);
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, &no_filter, 1, 1),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, &empty, 1, 1),
		     MQTTBadParameter);
	CHECK_NOTHING_SENT();
}

/* QoS 1/2 subscriptions need incoming records (MQTT_InitStatefulQoS). */
static void subscribe_qos1_needs_incoming_records(void)
{
	static const MQTTSubscribeInfo_t qos0_then_qos1[] = {
		{ MQTTQoS0, "a", 1 },
		{ MQTTQoS1, "b", 1 },
	};

	CHECK(fixture_init(256, false));
	CHECK(fixture_connect(0));
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 2, 1), MQTTBadParameter);
	CHECK_NOTHING_SENT();
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, &two[1], 1, 1), MQTTSuccess);
	net_clear_sent();
	/* Every entry counts, not only the first. */
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, qos0_then_qos1, 2, 2),
		     DEV_SUB_QOS_EVERY_ENTRY ? MQTTBadParameter :
						 MQTTSuccess);
}

/* UNSUBSCRIBE carries no QoS: the list a SUBSCRIBE used may be reused. */
static void unsubscribe_ignores_the_qos_field(void)
{
	CHECK(fixture_init(256, false));
	CHECK(fixture_connect(0));
	if (DEV_UNSUB_QOS_IGNORED) {
		CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, two, 2, 2), MQTTSuccess);
		CHECK_SENT(UNSUBSCRIBE_TWO);
	} else {
		CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, two, 2, 2),
			     MQTTBadParameter);
	}
}

static void subscribe_checks_topic_filters(void)
{
	static const char *const bad[] = { "a/#/b", "a+", "#/a", "a/b#", };
	MQTTSubscribeInfo_t s = { MQTTQoS0, NULL, 0 };
	size_t i;

	CHECK(fixture_connected(0));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.pTopicFilter = bad[i];
		s.topicFilterLength = (uint16_t)strlen(bad[i]);
		CHECK_STATUS(MQTT_Subscribe(&fx.ctx, &s, 1, 1),
			     DEV_TOPIC_CHECKS ? MQTTBadParameter :
						MQTTSuccess);
		CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, &s, 1, 1),
			     DEV_TOPIC_CHECKS ? MQTTBadParameter :
						MQTTSuccess);
	}
	if (DEV_TOPIC_CHECKS)
		CHECK_NOTHING_SENT();
}

/* A SUBSCRIBE bigger than the free part of the network buffer. */
static void subscribe_larger_than_the_buffer(void)
{
	char filter[48];
	MQTTSubscribeInfo_t s = { MQTTQoS0, filter, sizeof(filter) };

	memset(filter, 'f', sizeof(filter));
	CHECK(fixture_init(40, true));
	CHECK(fixture_connect(0));
	if (DEV_BUILT_IN_BUFFER) {
		CHECK_STATUS(MQTT_Subscribe(&fx.ctx, &s, 1, 1), MQTTNoMemory);
		CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, &s, 1, 1),
			     MQTTNoMemory);
		CHECK_NOTHING_SENT();
		CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
	} else {
		CHECK_STATUS(MQTT_Subscribe(&fx.ctx, &s, 1, 1), MQTTSuccess);
		CHECK_INT(net.out_len, 2 + 2 + 2 + sizeof(filter) + 1);
	}
}

static void suback_reaches_the_callback(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 2, 1), MQTTSuccess);
	FEED("\x90\x04\x00\x01\x01\x00");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK(events[0].same_context);
	CHECK_INT(events[0].type, MQTT_PACKET_TYPE_SUBACK);
	CHECK_INT(events[0].header_length, 2);
	CHECK_INT(events[0].remaining_length, 4);
	CHECK_INT(events[0].data_at, 2);
	CHECK_EVENT_DATA(0, "\x00\x01\x01\x00");
	CHECK_INT(events[0].packet_id, 1);
	CHECK_STATUS(events[0].result, MQTTSuccess);
	CHECK(!events[0].has_publish);
	CHECK_STATUS(events[0].codes_status, MQTTSuccess);
	CHECK_INT(events[0].codes_at, 4);
	CHECK_INT(events[0].codes_len, 2);
	CHECK_SENT(SUBSCRIBE_TWO);
}

static void suback_refusal_is_server_refused(void)
{
	CHECK(fixture_connected(0));
	FEED("\x90\x04\x00\x07\x80\x02");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].packet_id, 7);
	CHECK_STATUS(events[0].result, MQTTServerRefused);
	CHECK_EVENT_DATA(0, "\x00\x07\x80\x02");
	CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
}

static void suback_with_an_invalid_code_is_bad_response(void)
{
	CHECK(fixture_connected(0));
	FEED("\x90\x03\x00\x01\x03");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTBadResponse);
	CHECK_INT(event_count, 0);
}

static void unsuback_reaches_the_callback(void)
{
	CHECK(fixture_connected(0));
	FEED("\xb0\x02\x00\x02");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, MQTT_PACKET_TYPE_UNSUBACK);
	CHECK_INT(events[0].header_length, 2);
	CHECK_INT(events[0].remaining_length, 2);
	CHECK_INT(events[0].data_at, 2);
	CHECK_EVENT_DATA(0, "\x00\x02");
	CHECK_INT(events[0].packet_id, 2);
	CHECK_STATUS(events[0].result, MQTTSuccess);
	CHECK(!events[0].has_publish);
	CHECK_NOTHING_SENT();

	FEED("\xb0\x03\x00\x02\x00");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTBadResponse);
	CHECK_INT(event_count, 1);
}

static void suback_codes_reject_bad_arguments(void)
{
	uint8_t body[] = { 0x00, 0x01, 0x02 };
	MQTTPacketInfo_t p = { MQTT_PACKET_TYPE_SUBACK, body, 3, 2 };
	MQTTPacketInfo_t q;
	uint8_t *start = NULL;
	size_t size = 0;

	CHECK_STATUS(MQTT_GetSubAckStatusCodes(&p, &start, &size),
		     MQTTSuccess);
	CHECK(start == &body[2]);
	CHECK_INT(size, 1);
	CHECK_STATUS(MQTT_GetSubAckStatusCodes(NULL, &start, &size),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_GetSubAckStatusCodes(&p, NULL, &size),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_GetSubAckStatusCodes(&p, &start, NULL),
		     MQTTBadParameter);
	q = p;
	q.type = MQTT_PACKET_TYPE_UNSUBACK;
	CHECK_STATUS(MQTT_GetSubAckStatusCodes(&q, &start, &size),
		     MQTTBadParameter);
	q = p;
	q.pRemainingData = NULL;
	CHECK_STATUS(MQTT_GetSubAckStatusCodes(&q, &start, &size),
		     MQTTBadParameter);
	q = p;
	q.remainingLength = 2;
	CHECK_STATUS(MQTT_GetSubAckStatusCodes(&q, &start, &size),
		     MQTTBadParameter);
}

static void subscribe_when_not_connected(void)
{
	CHECK(fixture_init(256, true));
	if (DEV_NOT_CONNECTED) {
		CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 2, 1),
			     MQTTIllegalState);
		CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, two, 2, 1),
			     MQTTIllegalState);
		CHECK_NOTHING_SENT();
	} else {
		CHECK_STATUS(MQTT_Subscribe(&fx.ctx, two, 2, 1), MQTTSuccess);
		CHECK_SENT(SUBSCRIBE_TWO);
	}
}

const struct unit_test subscribe_tests[] = {
	UNIT_TEST(subscribe_and_unsubscribe_on_the_wire),
	UNIT_TEST(subscribe_rejects_bad_arguments),
	UNIT_TEST(subscribe_qos1_needs_incoming_records),
	UNIT_TEST(unsubscribe_ignores_the_qos_field),
	UNIT_TEST(subscribe_checks_topic_filters),
	UNIT_TEST(subscribe_larger_than_the_buffer),
	UNIT_TEST(suback_reaches_the_callback),
	UNIT_TEST(suback_refusal_is_server_refused),
	UNIT_TEST(suback_with_an_invalid_code_is_bad_response),
	UNIT_TEST(unsuback_reaches_the_callback),
	UNIT_TEST(suback_codes_reject_bad_arguments),
	UNIT_TEST(subscribe_when_not_connected),
	{ NULL, NULL },
};
