// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_small.c - MQTT_SerializeAck, MQTT_GetDisconnectPacketSize,
 * MQTT_SerializeDisconnect, MQTT_GetPingreqPacketSize and
 * MQTT_SerializePingreq: every first byte, packet id class and buffer size.
 */
#include "common.h"
#include "tests.h"

static void ack_every_type(void)
{
	static const uint16_t ids[] = { 0, 1, 0x1234, 0xff00, 0xffff };
	static const size_t sizes[] = { 0, 1, 3, 4, 5, 100 };
	unsigned t, i, s;

	for (t = 0; t < 256U; t++)
	for (i = 0; i < COUNT_OF(ids); i++)
	for (s = 0; s < COUNT_OF(sizes); s++) {
		MQTTFixedBuffer_t b = fixed_out(sizes[s]);
		MQTTStatus_t want_status = MQTTSuccess;
		uint8_t w[4];
		bool ok;

		/* Buffer size first, then the id, then the type. */
		if (sizes[s] < MQTT_PUBLISH_ACK_PACKET_SIZE)
			want_status = MQTTNoMemory;
		else if (ids[i] == 0U)
			want_status = MQTTBadParameter;
		else if (t != MQTT_PACKET_TYPE_PUBACK &&
			 t != MQTT_PACKET_TYPE_PUBREC &&
			 t != MQTT_PACKET_TYPE_PUBREL &&
			 t != MQTT_PACKET_TYPE_PUBCOMP)
			want_status = MQTTBadParameter;
		ok = EXPECT_STATUS(MQTT_SerializeAck(&b, (uint8_t)t, ids[i]),
				   want_status);
		if (want_status == MQTTSuccess) {
			w[0] = (uint8_t)t;
			w[1] = 2;
			w[2] = (uint8_t)(ids[i] >> 8);
			w[3] = (uint8_t)ids[i];
			ok &= EXPECT_MEM(out, 4, w, 4);
			ok &= EXPECT(untouched(out + 4, 64));
		} else {
			ok &= EXPECT(untouched(out, 64));
		}
		if (!ok)
			return;
	}
}

static void ack_null(void)
{
	MQTTFixedBuffer_t none = { NULL, 100 };

	EXPECT_STATUS(MQTT_SerializeAck(NULL, MQTT_PACKET_TYPE_PUBACK, 1),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializeAck(&none, MQTT_PACKET_TYPE_PUBACK, 1),
		      MQTTBadParameter);
	/* NULL before size. */
	none.size = 0;
	EXPECT_STATUS(MQTT_SerializeAck(&none, MQTT_PACKET_TYPE_PUBACK, 1),
		      MQTTBadParameter);
}

typedef MQTTStatus_t (*get_fn)(size_t *);
typedef MQTTStatus_t (*put_fn)(const MQTTFixedBuffer_t *);

static void two_byte_packet(get_fn get, put_fn put, const char *bytes)
{
	MQTTFixedBuffer_t none = { NULL, 100 }, b;
	size_t size = 0, s;

	EXPECT_STATUS(get(NULL), MQTTBadParameter);
	EXPECT_STATUS(get(&size), MQTTSuccess);
	EXPECT_INT(size, 2);
	EXPECT_STATUS(put(NULL), MQTTBadParameter);
	EXPECT_STATUS(put(&none), MQTTBadParameter);
	none.size = 0;
	EXPECT_STATUS(put(&none), MQTTBadParameter);
	for (s = 0; s < 5U; s++) {
		b = fixed_out(s);
		if (s < 2U) {
			EXPECT_STATUS(put(&b), MQTTNoMemory);
			EXPECT(untouched(out, 64));
		} else {
			EXPECT_STATUS(put(&b), MQTTSuccess);
			EXPECT_MEM(out, 2, bytes, 2);
			EXPECT(untouched(out + 2, 64));
		}
	}
}

static void disconnect(void)
{
	/* 3.14: 0xE0, remaining length 0. */
	two_byte_packet(MQTT_GetDisconnectPacketSize, MQTT_SerializeDisconnect,
			"\xe0\x00");
}

static void pingreq(void)
{
	/* 3.12: 0xC0, remaining length 0. */
	two_byte_packet(MQTT_GetPingreqPacketSize, MQTT_SerializePingreq,
			"\xc0\x00");
}

const struct check_test small_tests[] = {
	{ "ack_every_type", ack_every_type },
	{ "ack_null", ack_null },
	{ "disconnect", disconnect },
	{ "pingreq", pingreq },
	{ NULL, NULL },
};
