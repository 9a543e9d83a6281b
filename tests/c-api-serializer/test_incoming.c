// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_incoming.c - MQTT_GetIncomingPacketTypeAndLength,
 * MQTT_ProcessIncomingPacketTypeAndLength, MQTT_DeserializeAck and
 * MQTT_DeserializePublish: every first byte, remaining-length encodings
 * good and bad, acknowledgement bodies, PUBLISH round trips, malformed
 * packets.
 */
#include "common.h"
#include "tests.h"

/* The application's transport, scripted: bytes to hand out one call at a
 * time, and what a call returns once they run out (or at fail_at). */
struct NetworkContext {
	const uint8_t *bytes;
	size_t len, at, calls;
	size_t fail_at;    /* the call (from 0) that returns fail_ret */
	int32_t fail_ret;
	int32_t end_ret;   /* returned when the bytes are used up */
};

static int32_t scripted_recv(NetworkContext_t *n, void *buf, size_t len)
{
	size_t call = n->calls++;

	if (len != 1U)
		return -100; /* both read a byte per call */
	if (call == n->fail_at)
		return n->fail_ret;
	if (n->at >= n->len)
		return n->end_ret;
	*(uint8_t *)buf = n->bytes[n->at++];
	return 1;
}

static NetworkContext_t script(const uint8_t *bytes, size_t len)
{
	NetworkContext_t n;

	memset(&n, 0, sizeof(n));
	n.bytes = bytes;
	n.len = len;
	n.fail_at = SIZE_MAX;
	n.end_ret = 0;
	return n;
}

/* Remaining-length encodings: value (for the valid ones), bytes, and what
 * coreMQTT makes of them. */
static const struct {
	uint8_t b[5];
	size_t n;
	size_t value;
	MQTTStatus_t status;
} lengths[] = {
	{ { 0x00 }, 1, 0, MQTTSuccess },
	{ { 0x02 }, 1, 2, MQTTSuccess },
	{ { 0x7f }, 1, 127, MQTTSuccess },
	{ { 0x80, 0x01 }, 2, 128, MQTTSuccess },
	{ { 0xff, 0x7f }, 2, 16383, MQTTSuccess },
	{ { 0x80, 0x80, 0x01 }, 3, 16384, MQTTSuccess },
	{ { 0xff, 0xff, 0x7f }, 3, 2097151, MQTTSuccess },
	{ { 0x80, 0x80, 0x80, 0x01 }, 4, 2097152, MQTTSuccess },
	{ { 0xff, 0xff, 0xff, 0x7f }, 4, 268435455, MQTTSuccess },
	/* More bytes than the value needs. */
	{ { 0x80, 0x00 }, 2, 0, MQTTBadResponse },
	{ { 0xff, 0x00 }, 2, 0, MQTTBadResponse },
	{ { 0x82, 0x80, 0x00 }, 3, 0, MQTTBadResponse },
	{ { 0x80, 0x80, 0x80, 0x00 }, 4, 0, MQTTBadResponse },
	/* A fifth byte. */
	{ { 0x80, 0x80, 0x80, 0x80, 0x01 }, 5, 0, MQTTBadResponse },
	{ { 0xff, 0xff, 0xff, 0xff, 0x7f }, 5, 0, MQTTBadResponse },
};

static void incoming_every_type_and_length(void)
{
	unsigned t, l, cut;

	for (t = 0; t < 256U; t++)
	for (l = 0; l < COUNT_OF(lengths); l++) {
		uint8_t bytes[8];
		size_t n = 1U + lengths[l].n, index, read_len;
		MQTTStatus_t want_status = lengths[l].status;
		NetworkContext_t net;
		MQTTPacketInfo_t p;
		bool ok = true;

		bytes[0] = (uint8_t)t;
		memcpy(bytes + 1, lengths[l].b, lengths[l].n);
		/* A four-byte encoding decides; a fifth byte is never read. */
		read_len = n > 5U ? 5U : n;
		if (!ref_incoming_type_ok((uint8_t)t)) {
			want_status = MQTTBadResponse;
			read_len = 1;
		}
		/* From the transport. */
		net = script(bytes, n);
		memset(&p, 0, sizeof(p));
		ok &= EXPECT_STATUS(MQTT_GetIncomingPacketTypeAndLength(
					    scripted_recv, &net, &p), want_status);
		ok &= EXPECT_INT(p.type, t);
		ok &= EXPECT_INT(net.at, read_len);
		if (want_status == MQTTSuccess)
			ok &= EXPECT_INT(p.remainingLength, lengths[l].value);
		/* From a buffer: whole, and every shorter prefix. */
		for (cut = 0; cut <= n; cut++) {
			MQTTStatus_t w = want_status;

			index = cut;
			memset(&p, 0, sizeof(p));
			if (cut == 0U)
				w = MQTTNoDataAvailable;
			else if (!ref_incoming_type_ok((uint8_t)t))
				w = MQTTBadResponse;
			else if (cut < read_len)
				w = MQTTNeedMoreBytes;
			ok &= EXPECT_STATUS(MQTT_ProcessIncomingPacketTypeAndLength(
						    bytes, &index, &p), w);
			if (cut > 0U)
				ok &= EXPECT_INT(p.type, t);
			if (w == MQTTSuccess) {
				ok &= EXPECT_INT(p.remainingLength,
						 lengths[l].value);
				ok &= EXPECT_INT(p.headerLength, 1U + lengths[l].n);
			}
		}
		if (!ok)
			return;
	}
}

/* The transport returning 0, an error, or too much, at each call. */
static void incoming_transport_results(void)
{
	static const uint8_t bytes[] = { 0x30, 0x80, 0x80, 0x01 };
	static const int32_t rets[] = { 0, -1, -1000, 2 };
	size_t call, r;

	for (call = 0; call < 4U; call++)
	for (r = 0; r < COUNT_OF(rets); r++) {
		NetworkContext_t net = script(bytes, sizeof(bytes));
		MQTTPacketInfo_t p;
		MQTTStatus_t want_status = MQTTBadResponse;

		memset(&p, 0, sizeof(p));
		net.fail_at = call;
		net.fail_ret = rets[r];
		/* The first byte: no data, or a transport failure; later
		 * ones: a malformed length. */
		if (call == 0U)
			want_status = rets[r] == 0 ? MQTTNoDataAvailable
						   : MQTTRecvFailed;
		EXPECT_STATUS(MQTT_GetIncomingPacketTypeAndLength(scripted_recv,
								  &net, &p),
			      want_status);
		EXPECT_INT(net.calls, call + 1U);
	}
}

static void incoming_bad_parameters(void)
{
	static const uint8_t bytes[] = { 0x40, 0x02 };
	NetworkContext_t net = script(bytes, 2);
	MQTTPacketInfo_t p;
	size_t index = 2;

	EXPECT_STATUS(MQTT_GetIncomingPacketTypeAndLength(scripted_recv, &net,
							  NULL),
		      MQTTBadParameter);
	EXPECT_INT(net.calls, 0);
	EXPECT_STATUS(MQTT_ProcessIncomingPacketTypeAndLength(NULL, &index, &p),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_ProcessIncomingPacketTypeAndLength(bytes, NULL, &p),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_ProcessIncomingPacketTypeAndLength(bytes, &index, NULL),
		      MQTTBadParameter);
	if (OURS_ONLY) /* coreMQTT calls through a NULL readFunc */
		EXPECT_STATUS(MQTT_GetIncomingPacketTypeAndLength(NULL, &net, &p),
			      MQTTBadParameter);
}

/* Acknowledgement bodies: the interesting ones, and every SUBACK code. */
static const struct {
	uint8_t b[8];
	size_t n;
} bodies[] = {
	{ { 0 }, 0 },
	{ { 0 }, 1 },
	{ { 0, 0 }, 2 },
	{ { 0, 1 }, 2 },
	{ { 1, 0 }, 2 },
	{ { 1, 1 }, 2 },
	{ { 0, 5 }, 2 },
	{ { 0, 6 }, 2 },
	{ { 2, 0 }, 2 },
	{ { 0x80, 0 }, 2 },
	{ { 0xff, 0xff }, 2 },
	{ { 0x12, 0x34 }, 2 },
	{ { 0, 1, 0 }, 3 },
	{ { 0, 0, 0 }, 3 },
	{ { 0, 1, 2, 1, 0 }, 5 },
	{ { 0, 1, 0x80, 1 }, 4 },
	{ { 0, 1, 0x80, 3 }, 4 },
	{ { 0, 1, 3, 0x80 }, 4 },
	{ { 0xab, 0xcd, 0x80, 0x80 }, 4 },
};

static bool ack_case(uint8_t type, const uint8_t *body, size_t n)
{
	uint8_t copy[8];
	MQTTPacketInfo_t p;
	uint16_t id = 0xbeef, want_id = 0xbeef;
	bool sp = true, want_sp = true;
	MQTTStatus_t want_status;
	bool ok = true;

	memcpy(copy, body, n);
	memset(&p, 0, sizeof(p));
	p.type = type;
	p.pRemainingData = copy;
	p.remainingLength = n;
	p.headerLength = 2;
	want_status = ref_ack(type, body, n, &want_id, &want_sp);
	ok &= EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, &sp), want_status);
	if (want_status == MQTTSuccess || want_status == MQTTServerRefused) {
		if (type == 0x20U)
			ok &= EXPECT_INT(sp, want_sp);
		else
			ok &= EXPECT_INT(id, want_id);
	}
	return ok;
}

static void ack_every_type_and_body(void)
{
	unsigned t, b, code;

	for (t = 0; t < 256U; t++)
		for (b = 0; b < COUNT_OF(bodies); b++)
			if (!ack_case((uint8_t)t, bodies[b].b, bodies[b].n))
				return;
	for (code = 0; code < 256U; code++) {
		uint8_t suback[3] = { 0x01, 0x02, (uint8_t)code };
		uint8_t connack[2] = { 0, (uint8_t)code }, flags[2] = {
			(uint8_t)code, 0 };

		ack_case(0x90, suback, 3);
		ack_case(0x20, connack, 2);
		ack_case(0x20, flags, 2);
	}
}

static void ack_null_rules(void)
{
	uint8_t id_body[] = { 0, 7 }, connack[] = { 1, 0 };
	MQTTPacketInfo_t p;
	uint16_t id = 0;
	bool sp = false;

	EXPECT_STATUS(MQTT_DeserializeAck(NULL, &id, &sp), MQTTBadParameter);
	memset(&p, 0, sizeof(p));
	/* CONNACK needs only *pSessionPresent. */
	p.type = 0x20;
	p.pRemainingData = connack;
	p.remainingLength = 2;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, NULL, &sp), MQTTSuccess);
	EXPECT_INT(sp, 1);
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, NULL), MQTTBadParameter);
	p.pRemainingData = NULL;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, &sp), MQTTBadParameter);
	/* PINGRESP needs nothing. */
	p.type = 0xD0;
	p.remainingLength = 0;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, NULL, NULL), MQTTSuccess);
	p.remainingLength = 3;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, NULL, NULL), MQTTBadResponse);
	/* The others need *pPacketId and the data. */
	p.type = 0x40;
	p.pRemainingData = id_body;
	p.remainingLength = 2;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, NULL, NULL), MQTTBadParameter);
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, NULL), MQTTSuccess);
	EXPECT_INT(id, 7);
	p.pRemainingData = NULL;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, NULL), MQTTBadParameter);
	/* A CONNACK with flags is not a CONNACK: it needs the packet id. */
	p.type = 0x21;
	p.pRemainingData = connack;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, NULL, &sp), MQTTBadParameter);
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, &sp), MQTTBadResponse);
	/* Nor is a PUBLISH an acknowledgement. */
	p.type = 0x30;
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, &sp), MQTTBadResponse);
}

/* A packet in `expected` made into an MQTTPacketInfo_t as the application
 * would, after reading its fixed header. */
static MQTTPacketInfo_t packet_of(uint8_t *bytes, size_t size)
{
	MQTTPacketInfo_t p;
	size_t index = size;

	memset(&p, 0, sizeof(p));
	if (MQTT_ProcessIncomingPacketTypeAndLength(bytes, &index, &p) ==
	    MQTTSuccess)
		p.pRemainingData = bytes + p.headerLength;
	return p;
}

static void publish_round_trips(void)
{
	static const char *const topics[] = {
		"a", "a/b/c", "/", "$SYS/x", "t\xc3\xa9st", "\xf0\x9f\x98\x80",
	};
	static const size_t payload_lens[] = { 0, 1, 120, 20000 };
	unsigned t, q, r, d, l;

	for (t = 0; t < COUNT_OF(topics); t++)
	for (q = 0; q < 3U; q++)
	for (r = 0; r < 2U; r++)
	for (d = 0; d < 2U; d++)
	for (l = 0; l < COUNT_OF(payload_lens); l++) {
		MQTTPublishInfo_t in, got;
		MQTTPacketInfo_t p;
		size_t rl, size, topic_at;
		uint16_t id = 0xbeef;
		bool ok = true;

		if (q == 0U && d != 0U)
			continue;
		memset(&in, 0, sizeof(in));
		in.qos = (MQTTQoS_t)q;
		in.retain = r != 0U;
		in.dup = d != 0U;
		in.pTopicName = topics[t];
		in.topicNameLength = (uint16_t)strlen(topics[t]);
		in.pPayload = text_bytes;
		in.payloadLength = payload_lens[l];
		size = ref_publish(expected, &in, 0x4321, &rl);
		p = packet_of(expected, size);
		memset(&got, 0x5a, sizeof(got));
		ok &= EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got),
				    MQTTSuccess);
		ok &= EXPECT_INT(got.qos, q);
		ok &= EXPECT_INT(got.retain, r);
		ok &= EXPECT_INT(got.dup, d);
		topic_at = 1U + ref_length_bytes(rl) + 2U;
		ok &= EXPECT((const uint8_t *)got.pTopicName == expected + topic_at);
		ok &= EXPECT_INT(got.topicNameLength, in.topicNameLength);
		ok &= EXPECT_INT(got.payloadLength, payload_lens[l]);
		if (payload_lens[l] == 0U)
			ok &= EXPECT(got.pPayload == NULL);
		else
			ok &= EXPECT((const uint8_t *)got.pPayload ==
				     expected + size - payload_lens[l]);
		/* QoS 0 has no packet id: the variable is left alone. */
		ok &= EXPECT_INT(id, q == 0U ? 0xbeef : 0x4321);
		if (!ok)
			return;
	}
}

/* Malformed PUBLISH packets both refuse: body bytes after the first byte. */
static void publish_malformed(void)
{
	static const struct {
		uint8_t type;
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ 0x36, { 0, 1, 'a', 0, 1 }, 5 },  /* QoS 3 */
		{ 0x37, { 0, 1, 'a', 0, 1 }, 5 },
		{ 0x3e, { 0, 1, 'a', 0, 1 }, 5 },
		{ 0x30, { 0 }, 0 },                /* shorter than a topic */
		{ 0x30, { 0, 1 }, 2 },
		{ 0x30, { 0, 5, 'a' }, 3 },        /* topic past the end */
		{ 0x30, { 0xff, 0xff, 'a', 'b' }, 4 },
		{ 0x32, { 0, 1, 'a', 0 }, 4 },     /* no room for the id */
		{ 0x32, { 0, 1, 'a' }, 3 },
		{ 0x34, { 0, 2, 'a', 'b', 0 }, 5 },
		{ 0x32, { 0, 1, 'a', 0, 0 }, 5 },  /* packet id 0 */
		{ 0x3c, { 0, 1, 'a', 0, 0, 'x' }, 6 },
	};
	size_t i;

	for (i = 0; i < COUNT_OF(bad); i++) {
		uint8_t copy[8];
		MQTTPacketInfo_t p;
		MQTTPublishInfo_t got;
		uint16_t id = 0;

		memcpy(copy, bad[i].b, sizeof(copy));
		memset(&p, 0, sizeof(p));
		p.type = bad[i].type;
		p.pRemainingData = copy;
		p.remainingLength = bad[i].n;
		EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got),
			      MQTTBadResponse);
	}
}

static void publish_decode_bad_parameters(void)
{
	uint8_t body[] = { 0, 1, 'a', 'x' };
	MQTTPacketInfo_t p;
	MQTTPublishInfo_t got;
	uint16_t id = 0;

	memset(&p, 0, sizeof(p));
	p.type = 0x30;
	p.pRemainingData = body;
	p.remainingLength = sizeof(body);
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got), MQTTSuccess);
	EXPECT_STATUS(MQTT_DeserializePublish(NULL, &id, &got), MQTTBadParameter);
	EXPECT_STATUS(MQTT_DeserializePublish(&p, NULL, &got), MQTTBadParameter);
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, NULL), MQTTBadParameter);
	p.type = 0x40;
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got), MQTTBadParameter);
	p.type = 0x20;
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got), MQTTBadParameter);
	p.type = 0x3f;
	p.pRemainingData = NULL;
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got), MQTTBadParameter);
}

/* Topic names MQTT 3.1.1 does not let a server send (3.3.2.1, 4.7): the
 * component refuses them. */
static void publish_forbidden_content(void)
{
	static const struct {
		uint8_t type;
		uint8_t b[8];
		size_t n;
	} bad[] = {
		{ 0x30, { 0, 0, 'x' }, 3 },            /* empty topic */
		{ 0x30, { 0, 0, 'x', 'y', 'z' }, 5 },
		{ 0x32, { 0, 0, 0, 1, 'x' }, 5 },
		{ 0x30, { 0, 3, 'a', '/', '+' }, 5 },  /* wildcards */
		{ 0x30, { 0, 1, '#' }, 3 },
		{ 0x32, { 0, 3, 'a', '#', 'b', 0, 1 }, 7 },
		{ 0x30, { 0, 2, 'a', 0 }, 4 },         /* NUL */
		{ 0x30, { 0, 1, 0xff }, 3 },           /* not UTF-8 */
		{ 0x30, { 0, 3, 0xed, 0xa0, 0x80 }, 5 },
	};
	size_t i;

	for (i = 0; i < COUNT_OF(bad); i++) {
		uint8_t copy[8];
		MQTTPacketInfo_t p;
		MQTTPublishInfo_t got;
		uint16_t id = 0;

		memcpy(copy, bad[i].b, sizeof(copy));
		memset(&p, 0, sizeof(p));
		p.type = bad[i].type;
		p.pRemainingData = copy;
		p.remainingLength = bad[i].n;
		EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got),
			      DEV(DEV_DECODE, MQTTBadResponse, MQTTSuccess));
	}
}

/* DUP on QoS 0 breaks MQTT-3.3.1-2 but means nothing: both read it as
 * sent. */
static void publish_dup_on_qos0(void)
{
	uint8_t body[] = { 0, 1, 'a', 'x' };
	MQTTPacketInfo_t p;
	MQTTPublishInfo_t got;
	uint16_t id = 0xbeef;

	memset(&p, 0, sizeof(p));
	p.type = 0x39;
	p.pRemainingData = body;
	p.remainingLength = sizeof(body);
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got), MQTTSuccess);
	EXPECT_INT(got.qos, MQTTQoS0);
	EXPECT_INT(got.dup, 1);
	EXPECT_INT(got.retain, 1);
	EXPECT_MEM(got.pTopicName, got.topicNameLength, "a", 1);
	EXPECT_MEM(got.pPayload, got.payloadLength, "x", 1);
	EXPECT_INT(id, 0xbeef);
}

/* Packets from the serializers read back by the decoders. */
static void serialize_then_read(void)
{
	MQTTPublishInfo_t in, got;
	MQTTFixedBuffer_t b = fixed_out(200);
	MQTTPacketInfo_t p;
	NetworkContext_t net;
	size_t rl = 0, size = 0;
	uint16_t id = 0;

	memset(&in, 0, sizeof(in));
	in.qos = MQTTQoS2;
	in.retain = true;
	in.pTopicName = "d/e";
	in.topicNameLength = 3;
	in.pPayload = "payload";
	in.payloadLength = 7;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&in, &rl, &size), MQTTSuccess);
	EXPECT_STATUS(MQTT_SerializePublish(&in, 513, rl, &b), MQTTSuccess);
	net = script(out, size);
	memset(&p, 0, sizeof(p));
	EXPECT_STATUS(MQTT_GetIncomingPacketTypeAndLength(scripted_recv, &net,
							  &p), MQTTSuccess);
	EXPECT_INT(p.type, 0x35);
	EXPECT_INT(p.remainingLength, rl);
	p.pRemainingData = out + net.at;
	EXPECT_STATUS(MQTT_DeserializePublish(&p, &id, &got), MQTTSuccess);
	EXPECT_INT(id, 513);
	EXPECT_MEM(got.pPayload, got.payloadLength, "payload", 7);
	EXPECT_MEM(got.pTopicName, got.topicNameLength, "d/e", 3);

	b = fixed_out(200);
	EXPECT_STATUS(MQTT_SerializeAck(&b, MQTT_PACKET_TYPE_PUBREL, 513),
		      MQTTSuccess);
	p = packet_of(out, 4);
	EXPECT_STATUS(MQTT_DeserializeAck(&p, &id, NULL), MQTTSuccess);
	EXPECT_INT(id, 513);
}

const struct check_test incoming_tests[] = {
	{ "incoming_every_type_and_length", incoming_every_type_and_length },
	{ "incoming_transport_results", incoming_transport_results },
	{ "incoming_bad_parameters", incoming_bad_parameters },
	{ "ack_every_type_and_body", ack_every_type_and_body },
	{ "ack_null_rules", ack_null_rules },
	{ "publish_round_trips", publish_round_trips },
	{ "publish_malformed", publish_malformed },
	{ "publish_decode_bad_parameters", publish_decode_bad_parameters },
	{ "publish_forbidden_content", publish_forbidden_content },
	{ "publish_dup_on_qos0", publish_dup_on_qos0 },
	{ "serialize_then_read", serialize_then_read },
	{ NULL, NULL },
};
