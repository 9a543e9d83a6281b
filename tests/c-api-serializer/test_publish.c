// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_publish.c - MQTT_GetPublishPacketSize, MQTT_SerializePublish,
 * MQTT_SerializePublishHeader, MQTT_SerializePublishHeaderWithoutTopic.
 */
#include <stdlib.h>

#include "common.h"
#include "tests.h"

static MQTTPublishInfo_t pub_of(const char *topic, uint16_t topic_len,
				const void *payload, size_t payload_len,
				MQTTQoS_t qos)
{
	MQTTPublishInfo_t p;

	memset(&p, 0, sizeof(p));
	p.qos = qos;
	p.pTopicName = topic;
	p.topicNameLength = topic_len;
	p.pPayload = payload;
	p.payloadLength = payload_len;
	return p;
}

static MQTTPublishInfo_t pub_str(const char *topic, const char *payload,
				 MQTTQoS_t qos)
{
	return pub_of(topic, (uint16_t)strlen(topic), payload,
		      payload ? strlen(payload) : 0U, qos);
}

/*
 * A PUBLISH both accept, in buffers `o` and `w` of `room` bytes: sizes,
 * the whole packet, the header alone, the header without topic; exact
 * buffers work, one byte less is MQTTNoMemory with nothing written.
 */
static bool publish_ok_in(uint8_t *o, uint8_t *w, size_t room,
			  const MQTTPublishInfo_t *p, uint16_t id)
{
	size_t rl = 0, size = 0, want_rl, want_size, head, got_head = 0;
	MQTTFixedBuffer_t b = { o, 0 };
	bool ok = true;

	want_size = ref_publish(w, p, id, &want_rl);
	if (!EXPECT(want_size + 64U <= room))
		return false;
	ok &= EXPECT_STATUS(MQTT_GetPublishPacketSize(p, &rl, &size), MQTTSuccess);
	ok &= EXPECT_INT(rl, want_rl);
	ok &= EXPECT_INT(size, want_size);

	fill_canary(o, room);
	b.size = want_size;
	ok &= EXPECT_STATUS(MQTT_SerializePublish(p, id, want_rl, &b), MQTTSuccess);
	ok &= EXPECT_MEM(o, want_size, w, want_size);
	ok &= EXPECT(untouched(o + want_size, 64));
	fill_canary(o, room);
	b.size = want_size - 1U;
	ok &= EXPECT_STATUS(MQTT_SerializePublish(p, id, want_rl, &b), MQTTNoMemory);
	ok &= EXPECT(untouched(o, want_size));

	head = want_size - p->payloadLength;
	fill_canary(o, room);
	b.size = head;
	ok &= EXPECT_STATUS(MQTT_SerializePublishHeader(p, id, want_rl, &b,
							&got_head), MQTTSuccess);
	ok &= EXPECT_INT(got_head, head);
	ok &= EXPECT_MEM(o, head, w, head);
	ok &= EXPECT(untouched(o + head, 64));
	fill_canary(o, room);
	b.size = head - 1U;
	ok &= EXPECT_STATUS(MQTT_SerializePublishHeader(p, id, want_rl, &b,
							&got_head), MQTTNoMemory);
	ok &= EXPECT(untouched(o, head));

	/* First byte, remaining length, the topic's length. */
	head = 1U + ref_length_bytes(want_rl) + 2U;
	fill_canary(o, room);
	got_head = 0;
	ok &= EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(
				    p, want_rl, o, &got_head), MQTTSuccess);
	ok &= EXPECT_INT(got_head, head);
	ok &= EXPECT_MEM(o, head, w, head);
	ok &= EXPECT(untouched(o + head, 64));
	return ok;
}

static bool publish_ok(const MQTTPublishInfo_t *p, uint16_t id)
{
	return publish_ok_in(out, expected, sizeof(out), p, id);
}

static void publish_spec_examples(void)
{
	MQTTPublishInfo_t p = pub_str("a/b", "hi", MQTTQoS1);
	MQTTFixedBuffer_t b = fixed_out(64);
	size_t rl = 0, size = 0;

	/* 3.3: QoS 1, topic "a/b", packet id 10, payload "hi". */
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	EXPECT_INT(rl, 9);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 10, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\x32\x09\x00\x03" "a/b\x00\x0ahi");
	/* QoS 0 retained, no payload: the packet id is not written. */
	p = pub_str("t", NULL, MQTTQoS0);
	p.retain = true;
	b = fixed_out(64);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 77, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\x31\x03\x00\x01t");
	/* QoS 2 DUP. */
	p = pub_str("x", "!", MQTTQoS2);
	p.dup = true;
	b = fixed_out(64);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 0xfffe, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\x3c\x06\x00\x01x\xff\xfe!");
}

static void publish_combinations(void)
{
	static const char *const topics[] = {
		"a", "a/b/c", "/", "a//b/", "$SYS/broker", "sport/t\xc3\xa9nnis",
		"\xe2\x82\xac/\xf0\x9f\x98\x80", " ",
	};
	static const size_t payload_lens[] = { 0, 1, 100, 118, 119, 16000 };
	static const uint16_t ids[] = { 1, 0x1234, 0xffff };
	unsigned cases = 0, t, q, r, d, l, i;

	for (t = 0; t < COUNT_OF(topics); t++)
	for (q = 0; q < 3; q++)
	for (r = 0; r < 2; r++)
	for (d = 0; d < 2; d++)
	for (l = 0; l < COUNT_OF(payload_lens); l++)
	for (i = 0; i < COUNT_OF(ids); i++) {
		MQTTPublishInfo_t p = pub_of(topics[t],
					     (uint16_t)strlen(topics[t]),
					     payload_lens[l] ? text_bytes : NULL,
					     payload_lens[l], (MQTTQoS_t)q);

		if (q == 0U && d != 0U)
			continue; /* DUP on QoS 0: publish_dup_on_qos0 */
		p.retain = r != 0U;
		p.dup = d != 0U;
		cases++;
		if (!publish_ok(&p, ids[i]))
			return;
	}
	EXPECT_INT(cases, 8U * 10U * 6U * 3U);
	/* The longest topic. */
	{
		MQTTPublishInfo_t p = pub_of(text_bytes, 65535, "p", 1, MQTTQoS1);

		publish_ok(&p, 9);
	}
}

/* Remaining lengths on each side of each change in their encoded size. */
static void publish_length_boundaries(void)
{
	static const size_t rls[] = { 127, 128, 16383, 16384, 2097151, 2097152 };
	size_t room = 2097152U + 1024U, i;
	uint8_t *o = malloc(room), *w = malloc(room), *payload = malloc(room);

	if (!EXPECT(o != NULL && w != NULL && payload != NULL))
		goto done;
	memset(payload, 'p', room);
	for (i = 0; i < COUNT_OF(rls); i++) {
		/* Topic "t/x" (2 + 3) and a packet id (2). */
		MQTTPublishInfo_t p = pub_of("t/x", 3, payload, rls[i] - 7U,
					     MQTTQoS1);
		size_t rl = 0, size = 0;

		EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size),
			      MQTTSuccess);
		EXPECT_INT(rl, rls[i]);
		EXPECT_INT(size, 1U + ref_length_bytes(rls[i]) + rls[i]);
		publish_ok_in(o, w, room, &p, 4242);
	}
done:
	free(o);
	free(w);
	free(payload);
}

/* The largest PUBLISH, by size alone (no payload memory needed). */
static void publish_largest(void)
{
	/* Topic "t" (2 + 1) and a packet id (2): a payload of n bytes makes a
	 * packet of 1 + 4 + 5 + n bytes, kept within 268,435,455. */
	size_t n = REF_MAX_REMAINING - 10U, rl = 0, size = 0, head = 0;
	MQTTPublishInfo_t p = pub_of("t", 1, NULL, n, MQTTQoS1);
	MQTTFixedBuffer_t b = fixed_out(64);

	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	EXPECT_INT(rl, n + 5U);
	EXPECT_INT(size, REF_MAX_REMAINING);
	/* Its header, without the payload (which is not read). */
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 3, rl, &b, &head),
		      MQTTSuccess);
	EXPECT_INT(head, 10);
	EXPECT_BYTES(out, head, "\x32\xfa\xff\xff\x7f\x00\x01t\x00\x03");
	p.payloadLength = n + 1U;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
	p.payloadLength = REF_MAX_REMAINING;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
	p.payloadLength = SIZE_MAX;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
	p.payloadLength = SIZE_MAX - 3U;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
	/* QoS 0: two bytes more for the payload. */
	p = pub_of("t", 1, NULL, n + 2U, MQTTQoS0);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	EXPECT_INT(size, REF_MAX_REMAINING);
	p.payloadLength = n + 3U;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
}

static void publish_bad_parameters(void)
{
	MQTTPublishInfo_t p = pub_str("t", "x", MQTTQoS1);
	MQTTFixedBuffer_t b = fixed_out(100), none = { NULL, 100 };
	size_t rl = 0, size = 0, head = 0;

	EXPECT_STATUS(MQTT_GetPublishPacketSize(NULL, &rl, &size), MQTTBadParameter);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, NULL, &size), MQTTBadParameter);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, NULL), MQTTBadParameter);
	p.topicNameLength = 0;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
	p = pub_str("t", "x", MQTTQoS1);
	p.pTopicName = NULL;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTBadParameter);
	/* The size needs no payload memory. */
	p = pub_str("t", "x", MQTTQoS1);
	p.pPayload = NULL;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	/* Nor a packet id, nor a DUP flag that fits the QoS. */
	p = pub_str("t", "x", MQTTQoS0);
	p.dup = true;
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);

	p = pub_str("t", "x", MQTTQoS1);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	EXPECT_STATUS(MQTT_SerializePublish(NULL, 1, rl, &b), MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl, NULL), MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl, &none), MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 0, rl, &b), MQTTBadParameter);
	p.qos = MQTTQoS2;
	EXPECT_STATUS(MQTT_SerializePublish(&p, 0, rl, &b), MQTTBadParameter);
	p.qos = MQTTQoS0;
	p.dup = true;
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl - 2U, &b), MQTTBadParameter);
	p = pub_str("t", "x", MQTTQoS1);
	p.pPayload = NULL;
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl, &b), MQTTBadParameter);
	p = pub_str("t", "x", MQTTQoS1);
	p.pTopicName = NULL;
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl, &b), MQTTBadParameter);
	p = pub_str("t", "x", MQTTQoS1);
	p.topicNameLength = 0;
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl, &b), MQTTBadParameter);
	EXPECT(untouched(out, sizeof(out)));
	/* Size first, on the remaining length given; then the content. */
	p = pub_str("a/+", "x", MQTTQoS1);
	b = fixed_out(9);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, 8, &b), MQTTNoMemory);
	b = fixed_out(0);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, 8, &b), MQTTNoMemory);
	b = fixed_out(100);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, 268435456U, &b), MQTTNoMemory);
	EXPECT(untouched(out, sizeof(out)));

	p = pub_str("t", "x", MQTTQoS1);
	EXPECT_STATUS(MQTT_SerializePublishHeader(NULL, 1, rl, &b, &head),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 1, rl, NULL, &head),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 1, rl, &none, &head),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 1, rl, &b, NULL),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 0, rl, &b, &head),
		      MQTTBadParameter);
	p.qos = MQTTQoS0;
	p.dup = true;
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 1, rl - 2U, &b, &head),
		      MQTTBadParameter);
	p = pub_str("t", "x", MQTTQoS1);
	p.topicNameLength = 0;
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 1, rl, &b, &head),
		      MQTTBadParameter);
	EXPECT(untouched(out, sizeof(out)));
	/* The header needs no payload memory. */
	p = pub_str("t", "xyz", MQTTQoS1);
	p.pPayload = NULL;
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 5, 8, &b, &head),
		      MQTTSuccess);
	EXPECT_INT(head, 7);
	EXPECT_BYTES(out, head, "\x32\x08\x00\x01t\x00\x05");
	/* A payload longer than the packet: the header's size wraps in
	 * coreMQTT, MQTTNoMemory on both. */
	b = fixed_out(100);
	p.payloadLength = 50;
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 5, 8, &b, &head),
		      MQTTNoMemory);
	EXPECT(untouched(out, sizeof(out)));
}

/* What MQTT 3.1.1 forbids in a PUBLISH topic: refused, nothing written. */
static void publish_bad_topics(void)
{
	static const struct {
		const char *topic;
		uint16_t len;
	} topics[] = {
		{ "a/+", 3 }, { "+", 1 }, { "a/#", 3 }, { "#", 1 }, { "a+b", 3 },
		{ "a\0b", 3 }, { "\xff", 1 }, { "\xc0\x80", 2 },
		{ "\xed\xa0\x80", 3 }, { "\xf4\x90\x80\x80", 4 }, { "\xe2\x82", 2 },
	};
	size_t i;

	for (i = 0; i < COUNT_OF(topics); i++) {
		MQTTPublishInfo_t p = pub_of(topics[i].topic, topics[i].len,
					     "pay", 3, MQTTQoS1);
		size_t rl = 0, size = 0, head = 0, want_rl;
		size_t want_size = ref_publish(expected, &p, 7, &want_rl);
		MQTTFixedBuffer_t b;

		EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		b = fixed_out(want_size);
		EXPECT_STATUS(MQTT_SerializePublish(&p, 7, want_rl, &b),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		if (OURS)
			EXPECT(untouched(out, sizeof(out)));
		else
			EXPECT_MEM(out, want_size, expected, want_size);
		b = fixed_out(want_size);
		EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 7, want_rl, &b, &head),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		fill_canary(out, sizeof(out));
		EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(
				      &p, want_rl, out, &head),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		if (OURS)
			EXPECT(untouched(out, sizeof(out)));
	}
}

/* QoS values MQTT has not, DUP on QoS 0, a remaining length not the
 * packet's, NULL arguments of the header builder. */
static void publish_forbidden_arguments(void)
{
	MQTTPublishInfo_t p = pub_str("t", "x", (MQTTQoS_t)3);
	MQTTFixedBuffer_t b = fixed_out(100);
	size_t rl = 0, size = 0, head = 0;

	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size),
		      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, 6, &b),
		      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
	p = pub_str("t", "x", MQTTQoS0);
	p.dup = true;
	fill_canary(out, sizeof(out));
	EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(&p, 4, out, &head),
		      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
	p = pub_str("t", "x", MQTTQoS1);
	p.pTopicName = NULL;
	EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(&p, 6, out, &head),
		      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));

	p = pub_str("t/1", "payload", MQTTQoS2);
	EXPECT_STATUS(MQTT_GetPublishPacketSize(&p, &rl, &size), MQTTSuccess);
	b = fixed_out(100);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl + 1U, &b),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	b = fixed_out(100);
	EXPECT_STATUS(MQTT_SerializePublish(&p, 1, rl - 1U, &b),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	b = fixed_out(100);
	EXPECT_STATUS(MQTT_SerializePublishHeader(&p, 1, rl + 1U, &b, &head),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	fill_canary(out, sizeof(out));
	EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(&p, rl + 1U, out,
							      &head),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	if (OURS)
		EXPECT(untouched(out, sizeof(out)));
	if (OURS_ONLY) {
		/* coreMQTT reads and writes through these. */
		EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(
				      NULL, rl, out, &head), MQTTBadParameter);
		EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(
				      &p, rl, NULL, &head), MQTTBadParameter);
		EXPECT_STATUS(MQTT_SerializePublishHeaderWithoutTopic(
				      &p, rl, out, NULL), MQTTBadParameter);
		/* A remaining length coreMQTT's size wraps around on. */
		b = fixed_out(100);
		EXPECT_STATUS(MQTT_SerializePublish(&p, 1, SIZE_MAX, &b),
			      MQTTNoMemory);
		EXPECT(untouched(out, sizeof(out)));
	}
}

const struct check_test publish_tests[] = {
	{ "publish_spec_examples", publish_spec_examples },
	{ "publish_combinations", publish_combinations },
	{ "publish_length_boundaries", publish_length_boundaries },
	{ "publish_largest", publish_largest },
	{ "publish_bad_parameters", publish_bad_parameters },
	{ "publish_bad_topics", publish_bad_topics },
	{ "publish_forbidden_arguments", publish_forbidden_arguments },
	{ NULL, NULL },
};
