// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_loop.c - MQTT_ProcessLoop and MQTT_ReceiveLoop: one packet per
 * pass, partial packets, the callback's view of each packet byte for byte,
 * acknowledgements after the callback, QoS 1/2 in both directions,
 * keep-alive, MQTT_Ping and malformed input.
 */
#include <stdio.h>
#include <string.h>

#include "deviations.h"
#include "fake.h"
#include "unit.h"

static MQTTStatus_t loop(void)
{
	return MQTT_ProcessLoop(&fx.ctx);
}

static size_t incoming_used(void)
{
	size_t i, n = 0;

	for (i = 0; i < FIX_RECORDS; i++)
		n += fx.incoming[i].packetId != 0;
	return n;
}

static MQTTStatus_t publish_qos(MQTTQoS_t qos, uint16_t id)
{
	MQTTPublishInfo_t m = {
		.qos = qos,
		.pTopicName = "t",
		.topicNameLength = 1,
		.pPayload = "x",
		.payloadLength = 1,
	};

	return MQTT_Publish(&fx.ctx, &m, id);
}

static void loops_reject_bad_arguments(void)
{
	CHECK_STATUS(MQTT_ProcessLoop(NULL), MQTTBadParameter);
	CHECK_STATUS(MQTT_ReceiveLoop(NULL), MQTTBadParameter);
	CHECK(fixture_connected(0));
	net.recv_calls = 0;
	fx.ctx.getTime = NULL;
	CHECK_STATUS(loop(), MQTTBadParameter);
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTBadParameter);
	fx.ctx.getTime = fake_time;
	fx.ctx.networkBuffer.pBuffer = NULL;
	CHECK_STATUS(loop(), MQTTBadParameter);
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTBadParameter);
	CHECK_INT(net.recv_calls, 0);
}

static void idle_loop_is_success(void)
{
	CHECK(fixture_connected(0));
	net.recv_calls = 0;
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(net.recv_calls, 2);
	CHECK_INT(event_count, 0);
	CHECK_NOTHING_SENT();
}

static void one_packet_per_pass(void)
{
	CHECK(fixture_connected(0));
	FEED("\x30\x04\x00\x01t1" "\x30\x04\x00\x01t2");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 2);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 2);
	CHECK_EVENT_DATA(0, "\x00\x01t1");
	CHECK_EVENT_DATA(1, "\x00\x01t2");
	CHECK_INT(events[1].data_at, 2);
}

static void incoming_qos0_publish_byte_for_byte(void)
{
	CHECK(fixture_connected(0));
	clock_advance(1000);
	FEED("\x31\x0c\x00\x07" "dev-1/t" "abc");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK(events[0].same_context);
	CHECK_INT(events[0].type, 0x31);
	CHECK_INT(events[0].header_length, 2);
	CHECK_INT(events[0].remaining_length, 12);
	CHECK_INT(events[0].data_at, 2);
	CHECK_EVENT_DATA(0, "\x00\x07" "dev-1/t" "abc");
	CHECK_INT(events[0].packet_id, 0);
	CHECK_STATUS(events[0].result, MQTTSuccess);
	CHECK(events[0].has_publish);
	CHECK_INT(events[0].qos, MQTTQoS0);
	CHECK(events[0].retain);
	CHECK(!events[0].dup);
	CHECK_INT(events[0].topic_at, 4);
	CHECK_INT(events[0].topic_len, 7);
	CHECK_INT(events[0].payload_at, 11);
	CHECK_INT(events[0].payload_len, 3);
	CHECK_NOTHING_SENT();
	CHECK_INT(fx.ctx.lastPacketRxTime, 2000);
	CHECK_INT(fx.ctx.index, 0);
}

/* An empty payload is pPayload NULL, payloadLength 0. */
static void incoming_publish_with_an_empty_payload(void)
{
	CHECK(fixture_connected(0));
	FEED("\x30\x03\x00\x01t");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].topic_at, 4);
	CHECK_INT(events[0].payload_len, 0);
	CHECK_INT(events[0].payload_at, -1);
}

/* Remaining length 200 takes two bytes: a three-byte fixed header. */
static void incoming_publish_with_a_long_header(void)
{
	uint8_t packet[203] = { 0x3a, 0xc8, 0x01, 0x00, 0x01, 't', 0x01, 0x02 };
	size_t i;

	for (i = 8; i < sizeof(packet); i++)
		packet[i] = (uint8_t)i;
	CHECK(fixture_connected(0));
	net_feed(packet, sizeof(packet));
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, 0x3a);
	CHECK_INT(events[0].header_length, 3);
	CHECK_INT(events[0].remaining_length, 200);
	CHECK_INT(events[0].data_at, 3);
	CHECK(memcmp(events[0].data, &packet[3], 200) == 0);
	CHECK_INT(events[0].packet_id, 0x0102);
	CHECK_INT(events[0].qos, MQTTQoS1);
	CHECK(events[0].dup);
	CHECK(!events[0].retain);
	CHECK_INT(events[0].topic_at, 5);
	CHECK_INT(events[0].topic_len, 1);
	CHECK_INT(events[0].payload_at, 8);
	CHECK_INT(events[0].payload_len, 195);
	CHECK_SENT("\x40\x02\x01\x02");
}

static void incoming_qos1_is_acknowledged_after_the_callback(void)
{
	CHECK(fixture_connected(0));
	FEED("\x32\x07\x00\x01t\x00\x07hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].sent_before, 0);
	CHECK_INT(events[0].packet_id, 7);
	CHECK_INT(events[0].qos, MQTTQoS1);
	CHECK_INT(events[0].payload_at, 7);
	CHECK_SENT("\x40\x02\x00\x07");
	CHECK(fx.ctx.controlPacketSent);
	CHECK_INT(incoming_used(), 0);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK(!fx.ctx.controlPacketSent);
}

static void receive_loop_acknowledges_too(void)
{
	CHECK(fixture_connected(0));
	FEED("\x32\x07\x00\x01t\x00\x07hi" "\x34\x07\x00\x01t\x00\x08hi");
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\x40\x02\x00\x07");
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\x50\x02\x00\x08");
	CHECK_INT(event_count, 2);
	CHECK_INT(events[1].sent_before, 0);
}

/* lastPacketRxTime: when the last packet came in. */
static void receive_times_are_recorded(void)
{
	CHECK(fixture_connected(0));
	CHECK_INT(fx.ctx.lastPacketRxTime, DEV_RX_TIME_AT_CONNACK ? 1000 : 0);
	clock_advance(1000);
	FEED("\x30\x03\x00");
	CHECK_STATUS(loop(), MQTTNeedMoreBytes);
	clock_advance(1000);
	FEED("\x01t");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(fx.ctx.lastPacketRxTime, 3000);
	clock_advance(1000);
	FEED("\x30");
	CHECK_STATUS(loop(), MQTTNeedMoreBytes);
	CHECK_INT(fx.ctx.lastPacketRxTime, DEV_RX_TIME_ON_BYTES ? 4000 : 3000);
}

static void incoming_qos1_without_incoming_records(void)
{
	CHECK(fixture_init(256, false));
	CHECK(fixture_connect(0));
	FEED("\x32\x07\x00\x01t\x00\x07hi");
	if (DEV_QOS1_NO_RECORD) {
		CHECK_STATUS(loop(), MQTTSuccess);
		CHECK_INT(event_count, 1);
		CHECK_SENT("\x40\x02\x00\x07");
	} else {
		CHECK_STATUS(loop(), MQTTRecvFailed);
		CHECK_INT(event_count, 0);
		CHECK_NOTHING_SENT();
	}
}

static void incoming_qos2_is_delivered_once(void)
{
	CHECK(fixture_connected(0));
	FEED("\x34\x07\x00\x01t\x00\x09hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, 0x34);
	CHECK_INT(events[0].qos, MQTTQoS2);
	CHECK_INT(events[0].packet_id, 9);
	CHECK_INT(events[0].sent_before, 0);
	CHECK_SENT("\x50\x02\x00\x09");
	CHECK_INT(fx.incoming[0].packetId, 9);
	CHECK_INT(fx.incoming[0].qos, MQTTQoS2);
	CHECK_INT(fx.incoming[0].publishState, MQTTPubRelPending);
	/* The broker repeats it (dup) before its PUBREL: PUBREC again only. */
	FEED("\x3c\x07\x00\x01t\x00\x09hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_SENT("\x50\x02\x00\x09");
	FEED("\x62\x02\x00\x09");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 2);
	CHECK_INT(events[1].type, 0x62);
	CHECK_INT(events[1].packet_id, 9);
	CHECK_INT(events[1].remaining_length, 2);
	CHECK_EVENT_DATA(1, "\x00\x09");
	CHECK(!events[1].has_publish);
	CHECK_INT(events[1].sent_before, 0);
	CHECK_SENT("\x70\x02\x00\x09");
	CHECK_INT(incoming_used(), 0);
	/* Once released, the same id is a new message. */
	FEED("\x34\x07\x00\x01t\x00\x09hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 3);
	CHECK_SENT("\x50\x02\x00\x09");
}

static void incoming_qos2_without_a_free_record(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(MQTT_InitStatefulQoS(&fx.ctx, fx.outgoing, FIX_RECORDS,
					  fx.incoming, 1), MQTTSuccess);
	FEED("\x34\x07\x00\x01t\x00\x01hi" "\x34\x07\x00\x01t\x00\x02hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\x50\x02\x00\x01");
	CHECK_STATUS(loop(), MQTTNoMemory);
	CHECK_INT(event_count, 1);
	CHECK_NOTHING_SENT();
	CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
	FEED("\x62\x02\x00\x01" "\x3c\x07\x00\x01t\x00\x02hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\x70\x02\x00\x01");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 3);
	CHECK_INT(events[2].packet_id, 2);
	CHECK_SENT("\x50\x02\x00\x02");
}

static void outgoing_qos1_completes_with_puback(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS1, 3), MQTTSuccess);
	net_clear_sent();
	FEED("\x40\x02\x00\x03");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, MQTT_PACKET_TYPE_PUBACK);
	CHECK_INT(events[0].header_length, 2);
	CHECK_INT(events[0].remaining_length, 2);
	CHECK_INT(events[0].data_at, 2);
	CHECK_EVENT_DATA(0, "\x00\x03");
	CHECK_INT(events[0].packet_id, 3);
	CHECK_STATUS(events[0].result, MQTTSuccess);
	CHECK(!events[0].has_publish);
	CHECK_NOTHING_SENT();
	CHECK_INT(fx.outgoing[0].packetId, 0);
}

static void outgoing_qos2_completes_with_pubrec_pubrel_pubcomp(void)
{
	MQTTStateCursor_t cursor = MQTT_STATE_CURSOR_INITIALIZER;
	MQTTPublishState_t state;

	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS2, 4), MQTTSuccess);
	net_clear_sent();
	FEED("\x50\x02\x00\x04");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, MQTT_PACKET_TYPE_PUBREC);
	CHECK_INT(events[0].packet_id, 4);
	CHECK_INT(events[0].sent_before, 0);
	CHECK_SENT("\x62\x02\x00\x04");
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, &cursor, &state), 4);
	CHECK_INT(state, MQTTPubRelSend);
	FEED("\x70\x02\x00\x04");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 2);
	CHECK_INT(events[1].type, MQTT_PACKET_TYPE_PUBCOMP);
	CHECK_INT(events[1].packet_id, 4);
	CHECK_EVENT_DATA(1, "\x00\x04");
	CHECK_NOTHING_SENT();
	cursor = MQTT_STATE_CURSOR_INITIALIZER;
	CHECK_INT(MQTT_PubrelToResend(&fx.ctx, &cursor, &state), 0);
}

/* Acks for ids not in flight: a broker repeating itself. */
static void acks_for_unknown_ids(void)
{
	static const char *const acks[] = {
		"\x40\x02\x00\x09", "\x50\x02\x00\x09", "\x70\x02\x00\x09",
	};
	size_t i;

	for (i = 0; i < sizeof(acks) / sizeof(acks[0]); i++) {
		CHECK(fixture_connected(0));
		net_feed(acks[i], 4);
		CHECK_STATUS(loop(), DEV_STALE_ACK ? MQTTSuccess :
						     MQTTBadResponse);
		CHECK_INT(event_count, 0);
		CHECK_NOTHING_SENT();
	}
	CHECK(fixture_connected(0));
	FEED("\x62\x02\x00\x09");
	if (DEV_STALE_ACK) {
		CHECK_STATUS(loop(), MQTTSuccess);
		CHECK_SENT("\x70\x02\x00\x09");
	} else {
		CHECK_STATUS(loop(), MQTTBadResponse);
		CHECK_NOTHING_SENT();
	}
	CHECK_INT(event_count, 0);
}

/* A PUBREC repeated after PUBREL went out, and an ack of the wrong kind. */
static void acks_in_the_wrong_phase(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS2, 4), MQTTSuccess);
	FEED("\x50\x02\x00\x04" "\x50\x02\x00\x04");
	CHECK_STATUS(loop(), MQTTSuccess);
	net_clear_sent();
	if (DEV_STALE_ACK) {
		CHECK_STATUS(loop(), MQTTSuccess);
		CHECK_SENT("\x62\x02\x00\x04");
	} else {
		CHECK_STATUS(loop(), MQTTIllegalState);
		CHECK_NOTHING_SENT();
	}
	CHECK_INT(event_count, 1);

	CHECK(fixture_connected(0));
	CHECK_STATUS(publish_qos(MQTTQoS2, 5), MQTTSuccess);
	FEED("\x40\x02\x00\x05");
	CHECK_STATUS(loop(), DEV_STALE_ACK ? MQTTSuccess : MQTTIllegalState);
	CHECK_INT(event_count, 0);
}

static void unsolicited_pingresp(void)
{
	CHECK(fixture_connected(0));
	FEED("\xd0\x00");
	if (DEV_UNSOLICITED_PINGRESP) {
		CHECK_STATUS(loop(), MQTTBadResponse);
		CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
	} else {
		CHECK_STATUS(loop(), MQTTSuccess);
	}
	CHECK_INT(event_count, 0);
}

static void keep_alive_pings_when_idle(void)
{
	CHECK(fixture_connected(5));
	clock_advance(4999);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_NOTHING_SENT();
	clock_advance(1);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
	CHECK(fx.ctx.waitingForPingResp);
	CHECK_INT(fx.ctx.pingReqSendTimeMs, 6000);
	CHECK_INT(fx.ctx.lastPacketTxTime, 6000);
	CHECK_INT(fx.ctx.controlPacketSent, 0); /* acks only, as upstream */
	clock_advance(100);
	FEED("\xd0\x00");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 0);
	CHECK(!fx.ctx.waitingForPingResp);
	CHECK_NOTHING_SENT();
	/* The next ping is due keep-alive after the last one went out. */
	clock_advance(4899);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_NOTHING_SENT();
	clock_advance(1);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
}

static void keep_alive_counts_from_the_last_send(void)
{
	CHECK(fixture_connected(5));
	clock_advance(3000);
	CHECK_STATUS(publish_qos(MQTTQoS0, 0), MQTTSuccess);
	net_clear_sent();
	clock_advance(2000);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_NOTHING_SENT();
	clock_advance(3000);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
}

static void keep_alive_timeout_without_pingresp(void)
{
	CHECK(fixture_connected(5));
	clock_advance(5000);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
	clock_advance(4999);
	CHECK_STATUS(loop(), MQTTSuccess);
	clock_advance(2);
	CHECK_STATUS(loop(), MQTTKeepAliveTimeout);
	CHECK_NOTHING_SENT();
	if (DEV_ERROR_DISCONNECTS) {
		CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
		CHECK_STATUS(loop(), MQTTIllegalState);
	}
}

/* MQTT_PINGRESP_TIMEOUT_MS after the PINGREQ: not yet overdue upstream. */
static void keep_alive_timeout_boundary(void)
{
	CHECK(fixture_connected(5));
	clock_advance(5000);
	CHECK_STATUS(loop(), MQTTSuccess);
	clock_advance(5000);
	CHECK_STATUS(loop(), MQTTSuccess);
	clock_advance(1);
	CHECK_STATUS(loop(), MQTTKeepAliveTimeout);
}

static void keep_alive_while_packets_arrive(void)
{
	CHECK(fixture_connected(5));
	clock_advance(5000);
	FEED("\x30\x04\x00\x01tx");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	if (DEV_KEEPALIVE_EVERY_CALL) {
		CHECK_SENT("\xc0\x00");
		return;
	}
	CHECK_NOTHING_SENT();
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
}

/* Keep-alive 0 turns keep-alive off: no PINGREQ however long it is idle. */
static void keep_alive_zero_never_pings(void)
{
	CHECK(fixture_connected(0));
	clock_advance(31000);
	CHECK_STATUS(loop(), MQTTSuccess);
	if (DEV_NO_IDLE_RX_PING)
		CHECK_NOTHING_SENT();
	else
		CHECK_SENT("\xc0\x00");
}

/* Keep-alive 60 s: when is the first PINGREQ sent? */
static void keep_alive_interval_above_thirty_seconds(void)
{
	CHECK(fixture_connected(60));
	clock_advance(30000);
	CHECK_STATUS(loop(), MQTTSuccess);
	if (!DEV_PING_AT_KEEP_ALIVE) {
		CHECK_SENT("\xc0\x00");
		return;
	}
	CHECK_NOTHING_SENT();
	clock_advance(30000);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
}

static void receive_loop_leaves_keep_alive_to_the_caller(void)
{
	CHECK(fixture_connected(5));
	clock_advance(6000);
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
	CHECK_NOTHING_SENT();
	CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
	CHECK(fx.ctx.waitingForPingResp);
	CHECK_INT(fx.ctx.pingReqSendTimeMs, 7000);
	clock_advance(6000);
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
	FEED("\xd0\x00");
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].type, MQTT_PACKET_TYPE_PINGRESP);
	CHECK_INT(events[0].header_length, 2);
	CHECK_INT(events[0].remaining_length, 0);
	CHECK_INT(events[0].data_at, 2);
	CHECK_INT(events[0].packet_id, 0);
	CHECK_STATUS(events[0].result, MQTTSuccess);
	CHECK(!events[0].has_publish);
	CHECK_NOTHING_SENT();
	CHECK_INT(fx.ctx.waitingForPingResp,
		  DEV_RECEIVE_LOOP_PINGRESP_CLEARS ? false : true);
}

static void receive_loop_pingresp_without_ping(void)
{
	CHECK(fixture_connected(0));
	FEED("\xd0\x00");
	if (DEV_UNSOLICITED_PINGRESP) {
		CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTBadResponse);
		CHECK_INT(event_count, 0);
	} else {
		CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTSuccess);
		CHECK_INT(event_count, 1);
	}
}

static void ping_checks_and_fails_like_a_send(void)
{
	CHECK_STATUS(MQTT_Ping(NULL), MQTTBadParameter);
	CHECK(fixture_connected(0));
	clock_advance(10);
	PLAN_SEND(1, 1);
	CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
	CHECK_INT(fx.ctx.pingReqSendTimeMs, 1010);
	PLAN_SEND(-1);
	CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTSendFailed);
	CHECK_INT(fx.ctx.connectStatus, DEV_ERROR_DISCONNECTS ?
			MQTTNotConnected : MQTTConnected);
}

static void ping_when_not_connected(void)
{
	CHECK(fixture_init(256, true));
	if (DEV_NOT_CONNECTED) {
		CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTIllegalState);
		CHECK_NOTHING_SENT();
	} else {
		CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTSuccess);
		CHECK_SENT("\xc0\x00");
	}
}

static void partial_packet_is_need_more_bytes(void)
{
	CHECK(fixture_connected(0));
	FEED("\x30");
	CHECK_STATUS(loop(), MQTTNeedMoreBytes);
	CHECK_INT(fx.ctx.index, 1);
	FEED("\x05\x00");
	CHECK_STATUS(MQTT_ReceiveLoop(&fx.ctx), MQTTNeedMoreBytes);
	CHECK_INT(fx.ctx.index, 3);
	CHECK_INT(event_count, 0);
	FEED("\x01tab");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].payload_at, 5);
	CHECK_EVENT_DATA(0, "\x00\x01tab");
	CHECK_INT(fx.ctx.index, 0);
}

static void partial_packet_that_never_completes(void)
{
	CHECK(fixture_connected(0));
	FEED("\x30\x05\x00");
	CHECK_STATUS(loop(), MQTTNeedMoreBytes);
	clock_advance(9999);
	CHECK_STATUS(loop(), MQTTNeedMoreBytes);
	clock_advance(1);
	if (DEV_PACKET_TIMEOUT) {
		CHECK_STATUS(loop(), MQTTRecvFailed);
		CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
	} else {
		CHECK_STATUS(loop(), MQTTNeedMoreBytes);
	}
	CHECK_INT(event_count, 0);
}

static void transport_error_is_recv_failed(void)
{
	CHECK(fixture_connected(0));
	PLAN_RECV(-1);
	CHECK_STATUS(loop(), MQTTRecvFailed);
	if (DEV_ERROR_DISCONNECTS) {
		CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
		CHECK_STATUS(loop(), MQTTIllegalState);
		CHECK_STATUS(publish_qos(MQTTQoS0, 0), MQTTIllegalState);
	} else {
		CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
		CHECK_STATUS(loop(), MQTTSuccess);
	}
}

/* A 100-byte PUBLISH through a 32-byte buffer, then a small one. */
static void packet_larger_than_the_buffer_is_dropped(void)
{
	uint8_t big[100] = { 0x30, 98, 0x00, 0x01, 'b' };
	unsigned partial = 0;
	MQTTStatus_t st;
	int i;

	CHECK(fixture_init(32, true));
	CHECK(fixture_connect(0));
	net_feed(big, sizeof(big));
	FEED("\x30\x04\x00\x01t1");
	for (i = 0; i < 10 && event_count == 0; i++) {
		st = loop();
		if (st == MQTTNeedMoreBytes)
			partial++;
		else
			CHECK_STATUS(st, MQTTSuccess);
	}
	CHECK_INT(event_count, 1);
	CHECK_EVENT_DATA(0, "\x00\x01t1");
	CHECK_NOTHING_SENT();
	CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
	if (DEV_DISCARD_OVER_CALLS)
		CHECK(partial > 0);
	else
		CHECK_INT(partial, 0);
}

static void malformed_input_is_bad_response(void)
{
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
		{ "\x20\x02\x00\x00", 4 },      /* CONNACK after connecting */
		{ "\x00\x00", 2 },              /* reserved type 0 */
		{ "\x60\x02\x00\x01", 4 },      /* PUBREL without its flag */
		{ "\x36\x05\x00\x01t\x00\x01", 7 }, /* QoS 3 */
		{ "\x30\xff\xff\xff\xff\x01", 6 },  /* five length bytes */
		{ "\x40\x03\x00\x01\x00", 5 },  /* PUBACK of three bytes */
		{ "\xd0\x01\x00", 3 },          /* PINGRESP with a body */
		{ "\x32\x03\x00\x01t", 5 },     /* QoS 1 without a packet id */
		{ "\x30\x02\x00\x05", 4 },      /* topic longer than the packet */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(fixture_connected(0));
		net_feed(bad[i].bytes, bad[i].len);
		CHECK_STATUS(loop(), MQTTBadResponse);
		CHECK_INT(event_count, 0);
		CHECK_NOTHING_SENT();
	}
}

/* Packets a broker should not send but that are no protocol violation
 * worth the connection, and some that are. */
static void unusual_input(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		MQTTStatus_t status;
		size_t events;
	} cases[] = {
		/* QoS 0 with DUP */
		{ "\x38\x04\x00\x01tx", 6, MQTTSuccess, 1 },
		{ "\x32\x05\x00\x01t\x00\x00", 7, MQTTBadResponse, 0 }, /* id 0 */
		{ "\x40\x02\x00\x00", 4, MQTTBadResponse, 0 },  /* PUBACK id 0 */
		{ "\x90\x03\x00\x00\x00", 5, MQTTBadResponse, 0 }, /* SUBACK id 0 */
		{ "\xb0\x02\x00\x00", 4, MQTTBadResponse, 0 },  /* UNSUBACK id 0 */
		{ "\x42\x02\x00\x01", 4, MQTTBadResponse, 0 },  /* PUBACK flags */
		{ "\x92\x03\x00\x01\x00", 5, MQTTBadResponse, 0 }, /* SUBACK flags */
		{ "\xd0\x80\x00", 3, MQTTBadResponse, 0 },      /* length 0 in 2 bytes */
		{ "\x90\x02\x00\x01", 4, MQTTBadResponse, 0 },  /* SUBACK, no code */
		/* topic names that are none: empty, a wildcard, not UTF-8 */
		{ "\x30\x03\x00\x00x", 5,
		  DEV_INCOMING_TOPIC_CHECKS ? MQTTBadResponse : MQTTSuccess,
		  DEV_INCOMING_TOPIC_CHECKS ? 0 : 1 },
		{ "\x30\x04\x00\x01+x", 6,
		  DEV_INCOMING_TOPIC_CHECKS ? MQTTBadResponse : MQTTSuccess,
		  DEV_INCOMING_TOPIC_CHECKS ? 0 : 1 },
		{ "\x30\x04\x00\x01\xffx", 6,
		  DEV_INCOMING_TOPIC_CHECKS ? MQTTBadResponse : MQTTSuccess,
		  DEV_INCOMING_TOPIC_CHECKS ? 0 : 1 },
		{ "\xe0\x00", 2, MQTTBadResponse, 0 },            /* DISCONNECT */
		{ "\x82\x02\x00\x01", 4, MQTTBadResponse, 0 },  /* SUBSCRIBE */
		{ "\xf0\x00", 2, MQTTBadResponse, 0 },            /* reserved 15 */
	};
	size_t i;
	bool ok = true;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		MQTTStatus_t st;

		if (!fixture_connected(0))
			return;
		net_feed(cases[i].bytes, cases[i].len);
		st = loop();
		if (st != cases[i].status || event_count != cases[i].events) {
			printf("  case %zu: %s, %zu events\n", i,
			       MQTT_Status_strerror(st), event_count);
			ok = false;
		}
	}
	CHECK(ok);
}

static void subscribe_many_filters(void)
{
	static const MQTTSubscribeInfo_t six[] = {
		{ MQTTQoS0, "a", 1 }, { MQTTQoS1, "b", 1 }, { MQTTQoS2, "c", 1 },
		{ MQTTQoS0, "d", 1 }, { MQTTQoS1, "e", 1 }, { MQTTQoS2, "f", 1 },
	};

	CHECK(fixture_connected(0));
	CHECK_STATUS(MQTT_Subscribe(&fx.ctx, six, 6, 0x0102), MQTTSuccess);
	CHECK_SENT("\x82\x1a\x01\x02"
		   "\x00\x01" "a" "\x00" "\x00\x01" "b" "\x01"
		   "\x00\x01" "c" "\x02" "\x00\x01" "d" "\x00"
		   "\x00\x01" "e" "\x01" "\x00\x01" "f" "\x02");
	CHECK_STATUS(MQTT_Unsubscribe(&fx.ctx, six, 6, 0x0103), MQTTSuccess);
	CHECK_SENT("\xa2\x14\x01\x03"
		   "\x00\x01" "a" "\x00\x01" "b" "\x00\x01" "c"
		   "\x00\x01" "d" "\x00\x01" "e" "\x00\x01" "f");
}

static void incoming_qos2_without_incoming_records(void)
{
	CHECK(fixture_init(256, false));
	CHECK(fixture_connect(0));
	FEED("\x34\x07\x00\x01t\x00\x07hi");
	CHECK_STATUS(loop(), DEV_QOS2_NO_RECORD_IS_NO_MEMORY ? MQTTNoMemory :
								MQTTRecvFailed);
	CHECK_INT(event_count, 0);
	CHECK_NOTHING_SENT();
}

/* A packet exactly as large as the buffer is delivered; one byte more is
 * dropped. */
static void packet_as_large_as_the_buffer(void)
{
	uint8_t packet[33] = { 0x30, 30, 0x00, 0x01, 't' };

	CHECK(fixture_init(32, true));
	CHECK(fixture_connect(0));
	net_feed(packet, 32);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_INT(event_count, 1);
	CHECK_INT(events[0].payload_len, 27);
	packet[1] = 31;
	net_feed(packet, 33);
	FEED("\x30\x04\x00\x01t1");
	while (event_count == 1 && net.recv_calls < 50)
		(void)loop();
	CHECK_INT(event_count, 2);
	CHECK_INT(events[1].payload_len, 1);
}

/* An incoming QoS 1 publish while the incoming table is full. */
static void incoming_qos1_with_the_table_full(void)
{
	CHECK(fixture_connected(0));
	CHECK_STATUS(MQTT_InitStatefulQoS(&fx.ctx, fx.outgoing, FIX_RECORDS,
					  fx.incoming, 1), MQTTSuccess);
	FEED("\x34\x07\x00\x01t\x00\x01hi" "\x32\x07\x00\x01t\x00\x02hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\x50\x02\x00\x01");
	if (DEV_QOS1_NO_RECORD) {
		CHECK_STATUS(loop(), MQTTSuccess);
		CHECK_SENT("\x40\x02\x00\x02");
		CHECK_INT(event_count, 2);
	} else {
		CHECK_STATUS(loop(), MQTTNoMemory);
		CHECK_NOTHING_SENT();
		CHECK_INT(event_count, 1);
	}
}

static void keep_alive_ping_send_failure(void)
{
	CHECK(fixture_connected(5));
	clock_advance(5000);
	PLAN_SEND(-1);
	CHECK_STATUS(loop(), MQTTSendFailed);
	CHECK(!fx.ctx.waitingForPingResp);
}

/* The clock may wrap: intervals are differences. */
static void keep_alive_across_the_clock_wrapping(void)
{
	CHECK(fixture_init(256, true));
	now_ms = UINT32_MAX - 1999;
	CHECK(fixture_connect(5));
	clock_advance(4999);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_NOTHING_SENT();
	clock_advance(1);
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
	CHECK_INT(fx.ctx.pingReqSendTimeMs, 3000);
	clock_advance(5001);
	CHECK_STATUS(loop(), MQTTKeepAliveTimeout);
}

static uint8_t other_out[16];
static size_t other_len;

static int32_t other_send(NetworkContext_t *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (len > sizeof(other_out) - other_len)
		len = sizeof(other_out) - other_len;
	memcpy(&other_out[other_len], buf, len);
	other_len += len;
	return (int32_t)len;
}

/* The application may swap the transport between calls. */
static void transport_is_read_on_every_call(void)
{
	CHECK(fixture_connected(0));
	other_len = 0;
	fx.ctx.transportInterface.send = other_send;
	CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTSuccess);
	CHECK_NOTHING_SENT();
	CHECK_BYTES(other_out, other_len, "\xc0\x00");
	fx.ctx.transportInterface.send = fake_send;
	CHECK_STATUS(MQTT_Ping(&fx.ctx), MQTTSuccess);
	CHECK_SENT("\xc0\x00");
}

static void echo(MQTTContext_t *ctx, const struct event *ev)
{
	MQTTPublishInfo_t m = {
		.qos = MQTTQoS0,
		.pTopicName = "echo",
		.topicNameLength = 4,
		.pPayload = &ctx->networkBuffer.pBuffer[ev->payload_at],
		.payloadLength = ev->payload_len,
	};

	(void)EXPECT_STATUS(MQTT_Publish(ctx, &m, 0), MQTTSuccess);
}

/* The callback may publish; the PUBACK still follows the callback. */
static void callback_may_publish(void)
{
	CHECK(fixture_connected(0));
	on_event = echo;
	FEED("\x32\x08\x00\x01t\x00\x09pay");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\x30\x09\x00\x04" "echopay" "\x40\x02\x00\x09");
}

static void reenter(MQTTContext_t *ctx, const struct event *ev)
{
	MQTTConnectInfo_t info = {
		.cleanSession = true,
		.pClientIdentifier = "dev-1",
		.clientIdentifierLength = 5,
	};
	bool present;

	(void)ev;
	(void)EXPECT_STATUS(MQTT_ProcessLoop(ctx), MQTTIllegalState);
	(void)EXPECT_STATUS(MQTT_ReceiveLoop(ctx), MQTTIllegalState);
	(void)EXPECT_STATUS(MQTT_Connect(ctx, &info, NULL, 0, &present),
			    MQTTIllegalState);
	(void)EXPECT_STATUS(MQTT_Ping(ctx), MQTTSuccess);
}

static void callback_may_not_reenter_the_loop(void)
{
	if (!DEV_CALLBACK_REENTRY)
		return;
	CHECK(fixture_connected(0));
	on_event = reenter;
	FEED("\x32\x07\x00\x01t\x00\x09hi");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xc0\x00" "\x40\x02\x00\x09");
	CHECK_INT(fx.ctx.connectStatus, MQTTConnected);
}

static void goodbye(MQTTContext_t *ctx, const struct event *ev)
{
	(void)ev;
	(void)EXPECT_STATUS(MQTT_Disconnect(ctx), MQTTSuccess);
}

/* The acknowledgement owed is not sent after DISCONNECT. */
static void callback_may_disconnect(void)
{
	if (!DEV_CALLBACK_MAY_DISCONNECT)
		return;
	CHECK(fixture_connected(0));
	on_event = goodbye;
	FEED("\x32\x07\x00\x01t\x00\x09hi" "\x30\x04\x00\x01tx");
	CHECK_STATUS(loop(), MQTTSuccess);
	CHECK_SENT("\xe0\x00");
	CHECK_INT(fx.ctx.connectStatus, MQTTNotConnected);
	CHECK_INT(fx.ctx.index, 0);
	CHECK_INT(event_count, 1);
}

const struct unit_test loop_tests[] = {
	UNIT_TEST(loops_reject_bad_arguments),
	UNIT_TEST(idle_loop_is_success),
	UNIT_TEST(one_packet_per_pass),
	UNIT_TEST(incoming_qos0_publish_byte_for_byte),
	UNIT_TEST(incoming_publish_with_an_empty_payload),
	UNIT_TEST(incoming_publish_with_a_long_header),
	UNIT_TEST(incoming_qos1_is_acknowledged_after_the_callback),
	UNIT_TEST(receive_loop_acknowledges_too),
	UNIT_TEST(receive_times_are_recorded),
	UNIT_TEST(incoming_qos1_without_incoming_records),
	UNIT_TEST(incoming_qos2_is_delivered_once),
	UNIT_TEST(incoming_qos2_without_a_free_record),
	UNIT_TEST(outgoing_qos1_completes_with_puback),
	UNIT_TEST(outgoing_qos2_completes_with_pubrec_pubrel_pubcomp),
	UNIT_TEST(acks_for_unknown_ids),
	UNIT_TEST(acks_in_the_wrong_phase),
	UNIT_TEST(unsolicited_pingresp),
	UNIT_TEST(keep_alive_pings_when_idle),
	UNIT_TEST(keep_alive_counts_from_the_last_send),
	UNIT_TEST(keep_alive_timeout_without_pingresp),
	UNIT_TEST(keep_alive_timeout_boundary),
	UNIT_TEST(keep_alive_while_packets_arrive),
	UNIT_TEST(keep_alive_zero_never_pings),
	UNIT_TEST(keep_alive_interval_above_thirty_seconds),
	UNIT_TEST(receive_loop_leaves_keep_alive_to_the_caller),
	UNIT_TEST(receive_loop_pingresp_without_ping),
	UNIT_TEST(ping_checks_and_fails_like_a_send),
	UNIT_TEST(ping_when_not_connected),
	UNIT_TEST(partial_packet_is_need_more_bytes),
	UNIT_TEST(partial_packet_that_never_completes),
	UNIT_TEST(transport_error_is_recv_failed),
	UNIT_TEST(packet_larger_than_the_buffer_is_dropped),
	UNIT_TEST(packet_as_large_as_the_buffer),
	UNIT_TEST(incoming_qos1_with_the_table_full),
	UNIT_TEST(keep_alive_ping_send_failure),
	UNIT_TEST(keep_alive_across_the_clock_wrapping),
	UNIT_TEST(transport_is_read_on_every_call),
	UNIT_TEST(malformed_input_is_bad_response),
	UNIT_TEST(unusual_input),
	UNIT_TEST(subscribe_many_filters),
	UNIT_TEST(incoming_qos2_without_incoming_records),
	UNIT_TEST(callback_may_publish),
	UNIT_TEST(callback_may_not_reenter_the_loop),
	UNIT_TEST(callback_may_disconnect),
	{ NULL, NULL },
};
