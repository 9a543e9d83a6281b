// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_connect.c - MQTT_Connect: the CONNECT on the wire, CONNACK handling,
 * the CONNACK timeout, and resuming a session (PUBRELs resent,
 * MQTT_PublishToResend / MQTT_PubrelToResend), and MQTT_Disconnect.
 */
#include <string.h>

#include "deviations.h"
#include "fake.h"
#include "unit.h"

/* CONNECT of basic() with keep-alive 60 s and clean session. */
#define CONNECT_BASIC \
	"\x10\x11\x00\x04MQTT\x04\x02\x00\x3c\x00\x05" "dev-1"

static MQTTConnectInfo_t basic(void)
{
	MQTTConnectInfo_t info = {
		.cleanSession = true,
		.keepAliveSeconds = 60,
		.pClientIdentifier = "dev-1",
		.clientIdentifierLength = 5,
	};

	return info;
}

static MQTTStatus_t do_connect(const MQTTConnectInfo_t *info,
			    const MQTTPublishInfo_t *will, uint32_t timeout_ms,
			    bool *present)
{
	return MQTT_Connect(&fx.ctx, info, will, timeout_ms, present);
}

static void connect_rejects_bad_arguments(void)
{
	MQTTConnectInfo_t info = basic();
	MQTTConnectInfo_t no_id = basic();
	MQTTConnectInfo_t empty_id = basic();
	bool present;

	no_id.pClientIdentifier = NULL;
	empty_id.clientIdentifierLength = 0;
	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(MQTT_Connect(NULL, &info, NULL, 100, &present),
		     MQTTBadParameter);
	CHECK_STATUS(do_connect(NULL, NULL, 100, &present), MQTTBadParameter);
	CHECK_STATUS(do_connect(&info, NULL, 100, NULL), MQTTBadParameter);
	CHECK_STATUS(do_connect(&no_id, NULL, 100, &present), MQTTBadParameter);
	CHECK_STATUS(do_connect(&empty_id, NULL, 100, &present),
		     MQTTBadParameter);
	CHECK_NOTHING_SENT();
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
}

static void connect_sends_connect_and_accepts_connack(void)
{
	MQTTConnectInfo_t info = basic();
	bool present = true;

	CHECK(fixture_init(256, true));
	clock_advance(500);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK_SENT(CONNECT_BASIC);
	CHECK(!present);
	CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
	CHECK_INT(fx.ctx.keepAliveIntervalSec, 60);
	CHECK_INT(fx.ctx.lastPacketTxTime, 1500);
	CHECK(!fx.ctx.waitingForPingResp);
	CHECK_INT(fx.ctx.index, 0);
	CHECK_INT(event_count, 0);
	CHECK_INT(net_pending(), 0);
}

static void connect_carries_will_user_name_and_password(void)
{
	MQTTConnectInfo_t info = basic();
	MQTTPublishInfo_t will = {
		.qos = MQTTQoS1,
		.retain = true,
		.pTopicName = "dev-1/will",
		.topicNameLength = 10,
		.pPayload = "gone",
		.payloadLength = 4,
	};
	bool present;

	info.keepAliveSeconds = 10;
	info.pUserName = "user";
	info.userNameLength = 4;
	info.pPassword = "p\0w!";
	info.passwordLength = 4;
	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, &will, 1000, &present), MQTTSuccess);
	CHECK_SENT("\x10\x2f\x00\x04MQTT\x04\xee\x00\x0a"
		   "\x00\x05" "dev-1"
		   "\x00\x0a" "dev-1/will" "\x00\x04" "gone"
		   "\x00\x04" "user" "\x00\x04" "p\0w!");
}

static void connect_checks_the_will(void)
{
	static uint8_t big[65536];
	MQTTConnectInfo_t info = basic();
	MQTTPublishInfo_t will = {
		.qos = MQTTQoS0,
		.pTopicName = "w",
		.topicNameLength = 1,
		.pPayload = big,
		.payloadLength = sizeof(big),
	};
	bool present;

	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, &will, 1000, &present),
		     MQTTBadParameter);
	CHECK_NOTHING_SENT();
	will.payloadLength = 1;
	will.pTopicName = "w/#";
	will.topicNameLength = 3;
	if (DEV_TOPIC_CHECKS) {
		CHECK_STATUS(do_connect(&info, &will, 1000, &present),
			     MQTTBadParameter);
		CHECK_NOTHING_SENT();
	} else {
		CHECK_STATUS(do_connect(&info, &will, 1000, &present),
			     MQTTSuccess);
	}
}

/* writev is optional; with or without it the same bytes go out. */
static void connect_with_writev(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	fx.ctx.transportInterface.writev = fake_writev;
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK_SENT(CONNECT_BASIC);
	if (DEV_WRITEV_UNUSED)
		CHECK_INT(net.writev_calls, 0);
	else
		CHECK(net.writev_calls > 0);
}

/* The connect flags byte (the 10th) for each combination. */
static void connect_flags_follow_the_options(void)
{
	MQTTPublishInfo_t will = {
		.qos = MQTTQoS2,
		.pTopicName = "w",
		.topicNameLength = 1,
		.pPayload = NULL,
		.payloadLength = 0,
	};
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, &will, 1000, &present), MQTTSuccess);
	CHECK_SENT("\x10\x16\x00\x04MQTT\x04\x16\x00\x3c\x00\x05" "dev-1"
		   "\x00\x01w\x00\x00");

	info.cleanSession = false;
	info.pUserName = "u";
	info.userNameLength = 1;
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK_SENT("\x10\x14\x00\x04MQTT\x04\x80\x00\x3c\x00\x05" "dev-1"
		   "\x00\x01u");
}

/* MQTT-3.1.2-22: a password needs a user name. */
static void connect_password_without_user_name(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	info.pPassword = "pw";
	info.passwordLength = 2;
	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x00\x00");
	if (DEV_PASSWORD_NEEDS_USER) {
		CHECK_STATUS(do_connect(&info, NULL, 1000, &present),
			     MQTTBadParameter);
		CHECK_NOTHING_SENT();
		return;
	}
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK_SENT("\x10\x15\x00\x04MQTT\x04\x42\x00\x3c\x00\x05" "dev-1"
		   "\x00\x02pw");
}

static void connect_reports_refusal_codes(void)
{
	static const uint8_t refused[] = { 1, 2, 3, 4, 5 };
	MQTTConnectInfo_t info = basic();
	uint8_t connack[4] = { 0x20, 0x02, 0x00, 0x00 };
	bool present;
	size_t i;

	CHECK(fixture_init(256, true));
	for (i = 0; i < sizeof(refused); i++) {
		connack[3] = refused[i];
		net_feed(connack, sizeof(connack));
		CHECK_STATUS(do_connect(&info, NULL, 1000, &present),
			     MQTTServerRefused);
		CHECK_SENT(CONNECT_BASIC);
		CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
	}
	/* 6 and above are no MQTT 3.1.1 code. */
	connack[3] = 6;
	net_feed(connack, sizeof(connack));
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTBadResponse);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
}

static void connect_rejects_malformed_connack(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x01\x00");       /* session on a clean session */
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTBadResponse);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);

	CHECK(fixture_init(256, true));
	info.cleanSession = false;
	FEED("\x20\x02\x01\x01");       /* session present with a refusal */
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTBadResponse);

	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x02\x00");       /* reserved acknowledge flags */
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTBadResponse);

	CHECK(fixture_init(256, true));
	FEED("\x20\x03\x00\x00\x00");   /* remaining length 3 */
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTBadResponse);

	CHECK(fixture_init(256, true));
	FEED("\x40\x02\x00\x01");       /* a PUBACK first */
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTBadResponse);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
}

/* timeoutMs 0: a fixed number of receive attempts instead of a clock. */
static void connack_timeout_zero_retries_receive(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	PLAN_RECV(0, 0, 0, 0);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 0, &present), MQTTSuccess);
	CHECK_INT(fx.ctx.connectStatus, MQTTConnected);

	CHECK(fixture_init(256, true));
	CHECK_STATUS(do_connect(&info, NULL, 0, &present), MQTTNoDataAvailable);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
	CHECK_SENT(CONNECT_BASIC);
}

/* coreMQTT: the receive is retried MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT
 * (5) times, six attempts in all. */
static void connack_timeout_zero_allows_five_retries(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	PLAN_RECV(0, 0, 0, 0, 0);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 0, &present), MQTTSuccess);
}

static void connack_timeout_is_measured_on_the_clock(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	tick_ms = 10;
	PLAN_RECV(0, 0, 0);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 500, &present), MQTTSuccess);

	CHECK(fixture_init(256, true));
	tick_ms = 10;
	CHECK_STATUS(do_connect(&info, NULL, 500, &present), MQTTNoDataAvailable);
	CHECK(now_ms >= 1500);
	CHECK(now_ms < 1700);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);

	/* Across the clock wrapping. */
	CHECK(fixture_init(256, true));
	now_ms = UINT32_MAX - 99;
	tick_ms = 10;
	CHECK_STATUS(do_connect(&info, NULL, 500, &present), MQTTNoDataAvailable);
	CHECK(now_ms >= 400);
	CHECK(now_ms < 600);
}

static void connack_may_arrive_a_byte_at_a_time(void)
{
	MQTTConnectInfo_t info = basic();
	bool present = true;

	CHECK(fixture_init(256, true));
	PLAN_RECV(0, 1, 1, 1, 0, 1);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK(!present);
}

/* A "try again" between the CONNACK's first byte and its length. */
static void connack_paused_after_its_first_byte(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	PLAN_RECV(1, 0, 3);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present),
		     DEV_CONNACK_IN_ANY_PIECES ? MQTTSuccess :
						   MQTTBadResponse);
}

/* Half a CONNACK, then nothing until the timeout. */
static void connack_stops_half_way(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	tick_ms = 10;
	FEED("\x20\x02\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present),
		     DEV_HALF_CONNACK_IS_NO_DATA ? MQTTNoDataAvailable :
						     MQTTRecvFailed);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
}

/* Bytes after the CONNACK are the next packet, not lost. */
static void connack_followed_by_a_publish(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	FEED("\x20\x02\x00\x00" "\x30\x05\x00\x01tab");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK_INT(event_count, 0);
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, 0x30);
	CHECK_EVENT_DATA(0, "\x00\x01tab");
}

static void connect_transport_failures(void)
{
	MQTTConnectInfo_t info = basic();
	bool present;

	CHECK(fixture_init(256, true));
	PLAN_SEND(-1);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSendFailed);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);

	CHECK(fixture_init(256, true));
	PLAN_RECV(-1);
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTRecvFailed);
	CHECK_SENT(CONNECT_BASIC);
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);

	/* A send taking the packet in pieces is no failure. */
	CHECK(fixture_init(256, true));
	PLAN_SEND(3, 0, 5, 1);
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK_SENT(CONNECT_BASIC);
}

static MQTTStatus_t publish(const char *payload, MQTTQoS_t qos, bool dup,
			    uint16_t id)
{
	MQTTPublishInfo_t m = {
		.qos = qos,
		.dup = dup,
		.pTopicName = "t",
		.topicNameLength = 1,
		.pPayload = payload,
		.payloadLength = strlen(payload),
	};

	return MQTT_Publish(&fx.ctx, &m, id);
}

/* QoS 2 id 10 has its PUBREC (PUBREL sent), QoS 1 id 11 awaits PUBACK. */
static bool two_publishes_in_flight(void)
{
	if (!fixture_connected(0) ||
	    !EXPECT_STATUS(publish("2", MQTTQoS2, false, 10), MQTTSuccess) ||
	    !EXPECT_STATUS(publish("1", MQTTQoS1, false, 11), MQTTSuccess))
		return false;
	FEED("\x50\x02\x00\x0a");
	if (!EXPECT_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess))
		return false;
	if (!EXPECT_BYTES(net.out, net.out_len,
			  "\x34\x06\x00\x01t\x00\x0a" "2"
			  "\x32\x06\x00\x01t\x00\x0b" "1"
			  "\x62\x02\x00\x0a"))
		return false;
	net_clear_sent();
	return true;
}

static void resumed_session_resends_pubrel(void)
{
	MQTTConnectInfo_t info = basic();
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
	MQTTPublishState_t state = MQTTStateNull;
	bool present = false;

	CHECK(two_publishes_in_flight());
	info.cleanSession = false;
	info.keepAliveSeconds = 0;
	FEED("\x20\x02\x01\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK(present);
	CHECK_SENT("\x10\x11\x00\x04MQTT\x04\x00\x00\x00\x00\x05" "dev-1"
		   "\x62\x02\x00\x0a");
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, &cursor, &state), 10);
	CHECK_INT(state, MQTTPubRelSend);
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, &cursor, &state), 0);
	cursor = MQTT_STATE_CURSOR_INITIALIZER;
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 11);
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 0);
}

/* The application resends what MQTT_PublishToResend lists, dup set. */
static void resumed_session_completes_both_flows(void)
{
	MQTTConnectInfo_t info = basic();
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
	bool present = false;
	size_t i;

	CHECK(two_publishes_in_flight());
	info.cleanSession = false;
	FEED("\x20\x02\x01\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	net_clear_sent();
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 11);
	CHECK_STATUS(publish("1", MQTTQoS1, true, 11), MQTTSuccess);
	CHECK_SENT("\x3a\x06\x00\x01t\x00\x0b" "1");
	FEED("\x40\x02\x00\x0b" "\x70\x02\x00\x0a");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(event_count, 3);
	CHECK_INT(events[1].type, 0x40);
	CHECK_INT(events[1].packet_id, 11);
	CHECK_INT(events[2].type, 0x70);
	CHECK_INT(events[2].packet_id, 10);
	CHECK_NOTHING_SENT();
	for (i = 0; i < FIX_RECORDS; i++)
		CHECK_INT(fx.outgoing[i].packetId, 0);
}

/* An incoming QoS 2 publish awaiting PUBREL survives a resumed session. */
static void resumed_session_keeps_incoming_records(void)
{
	MQTTConnectInfo_t info = basic();
	bool present = false;

	CHECK(fixture_connected(0));
	FEED("\x34\x07\x00\x01t\x00\x09hi");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	info.cleanSession = false;
	FEED("\x20\x02\x01\x00" "\x62\x02\x00\x09");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK(present);
	CHECK_INT(fx.incoming[0].packetId, 9);
	CHECK_INT(fx.incoming[0].publishState, MQTTPubRelPending);
	net_clear_sent();
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\x70\x02\x00\x09");
	CHECK_INT(event_count, 2);
	CHECK_INT(events[1].type, MQTT_PACKET_TYPE_PUBREL);
	CHECK_INT(fx.incoming[0].packetId, 0);
}

static void new_session_clears_the_records(void)
{
	MQTTConnectInfo_t info = basic();
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
	MQTTPublishState_t state;
	bool present = true;
	size_t i;

	CHECK(two_publishes_in_flight());
	info.cleanSession = false;
	FEED("\x20\x02\x00\x00");
	CHECK_STATUS(do_connect(&info, NULL, 1000, &present), MQTTSuccess);
	CHECK(!present);
	CHECK_SENT("\x10\x11\x00\x04MQTT\x04\x00\x00\x3c\x00\x05" "dev-1");
	for (i = 0; i < FIX_RECORDS; i++) {
		CHECK_INT(fx.outgoing[i].packetId, 0);
		CHECK_INT(fx.incoming[i].packetId, 0);
	}
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, &cursor), 0);
	cursor = MQTT_STATE_CURSOR_INITIALIZER;
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, &cursor, &state), 0);
}

static void resend_queries_reject_null_arguments(void)
{
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
	MQTTPublishState_t state = MQTTStateNull;

	CHECK(two_publishes_in_flight());
	CHECK_INT(MQTT_PublishToResend(NULL, &cursor), 0);
	CHECK_INT(MQTT_PublishToResend(&fx.ctx, NULL), 0);
	CHECK_INT(MQTT_PubrelToResend(NULL, &cursor, &state), 0);
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, NULL, &state), 0);
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, &cursor, NULL), 0);
	CHECK_INT(cursor, 0);
	CHECK_INT(state, MQTTStateNull);
}

static void disconnect_sends_disconnect(void)
{
	CHECK_STATUS(MQTT_Disconnect(NULL), MQTTBadParameter);
	CHECK(fixture_connected(0));
	FEED("\x30");
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx), MQTTNeedMoreBytes);
	CHECK_STATUS(MQTT_Disconnect(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\xe0\x00");
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
	CHECK_INT(fx.ctx.index, 0);
	CHECK_STATUS(MQTT_ProcessLoop(&fx.ctx),
		     DEV_NOT_CONNECTED ? MQTTIllegalState : MQTTSuccess);
}

/* After an error the application may still say goodbye (no will sent). */
static void disconnect_when_not_connected(void)
{
	CHECK(fixture_init(256, true));
	CHECK_STATUS(MQTT_Disconnect(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\xe0\x00");
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
}

static void disconnect_send_failure(void)
{
	CHECK(fixture_connected(0));
	PLAN_SEND(-1);
	CHECK_STATUS(MQTT_Disconnect(&fx.ctx), MQTTSendFailed);
	CHECK_INT(fx.ctx.connectStatus, DEV_DISCONNECT_ENDS_SESSION ?
			MQTTNotConnected : MQTTConnected);
}

const struct unit_test connect_tests[] = {
	UNIT_TEST(connect_rejects_bad_arguments),
	UNIT_TEST(connect_sends_connect_and_accepts_connack),
	UNIT_TEST(connect_carries_will_user_name_and_password),
	UNIT_TEST(connect_checks_the_will),
	UNIT_TEST(connect_with_writev),
	UNIT_TEST(connect_flags_follow_the_options),
	UNIT_TEST(connect_password_without_user_name),
	UNIT_TEST(connect_reports_refusal_codes),
	UNIT_TEST(connect_rejects_malformed_connack),
	UNIT_TEST(connack_timeout_zero_retries_receive),
	UNIT_TEST(connack_timeout_zero_allows_five_retries),
	UNIT_TEST(connack_timeout_is_measured_on_the_clock),
	UNIT_TEST(connack_may_arrive_a_byte_at_a_time),
	UNIT_TEST(connack_paused_after_its_first_byte),
	UNIT_TEST(connack_stops_half_way),
	UNIT_TEST(connack_followed_by_a_publish),
	UNIT_TEST(connect_transport_failures),
	UNIT_TEST(resumed_session_resends_pubrel),
	UNIT_TEST(resumed_session_completes_both_flows),
	UNIT_TEST(resumed_session_keeps_incoming_records),
	UNIT_TEST(new_session_clears_the_records),
	UNIT_TEST(resend_queries_reject_null_arguments),
	UNIT_TEST(disconnect_sends_disconnect),
	UNIT_TEST(disconnect_when_not_connected),
	UNIT_TEST(disconnect_send_failure),
	{ NULL, NULL },
};
