// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_subscribe.c - MQTT_GetSubscribePacketSize, MQTT_SerializeSubscribe,
 * MQTT_GetUnsubscribePacketSize, MQTT_SerializeUnsubscribe,
 * MQTT_SerializeSubscribeHeader and MQTT_SerializeUnsubscribeHeader.
 */
#include <stdlib.h>

#include "common.h"
#include "tests.h"

#define SUB 0x82U
#define UNSUB 0xA2U

/* Room for the SUBSCRIBE over the largest remaining length. */
#define MANY 4200U
static MQTTSubscribeInfo_t many[MANY];

typedef MQTTStatus_t (*size_fn)(const MQTTSubscribeInfo_t *, size_t, size_t *,
				size_t *);
typedef MQTTStatus_t (*serialize_fn)(const MQTTSubscribeInfo_t *, size_t,
				     uint16_t, size_t,
				     const MQTTFixedBuffer_t *);
typedef uint8_t *(*header_fn)(size_t, uint8_t *, uint16_t);

static size_fn size_of(uint8_t first)
{
	return first == SUB ? MQTT_GetSubscribePacketSize
			    : MQTT_GetUnsubscribePacketSize;
}

static serialize_fn serialize_of(uint8_t first)
{
	return first == SUB ? MQTT_SerializeSubscribe : MQTT_SerializeUnsubscribe;
}

static header_fn header_of(uint8_t first)
{
	return first == SUB ? MQTT_SerializeSubscribeHeader
			    : MQTT_SerializeUnsubscribeHeader;
}

static MQTTSubscribeInfo_t entry(const char *f, uint16_t len, MQTTQoS_t qos)
{
	MQTTSubscribeInfo_t s;

	memset(&s, 0, sizeof(s));
	s.qos = qos;
	s.pTopicFilter = f;
	s.topicFilterLength = len;
	return s;
}

static MQTTSubscribeInfo_t entry_str(const char *f, MQTTQoS_t qos)
{
	return entry(f, (uint16_t)strlen(f), qos);
}

/* A list both accept: sizes, bytes in an exact buffer, MQTTNoMemory one
 * byte short, and the header builder's prefix. */
static bool filters_ok_in(uint8_t *o, uint8_t *w, size_t room, uint8_t first,
			  const MQTTSubscribeInfo_t *list, size_t count,
			  uint16_t id)
{
	size_t rl = 0, size = 0, want_rl, want_size, head;
	MQTTFixedBuffer_t b = { o, 0 };
	uint8_t *end;
	bool ok = true;

	want_size = ref_filters(w, (uint8_t)first, list, count, id, &want_rl);
	if (!EXPECT(want_size + 64U <= room))
		return false;
	ok &= EXPECT_STATUS(size_of(first)(list, count, &rl, &size), MQTTSuccess);
	ok &= EXPECT_INT(rl, want_rl);
	ok &= EXPECT_INT(size, want_size);
	fill_canary(o, room);
	b.size = want_size;
	ok &= EXPECT_STATUS(serialize_of(first)(list, count, id, want_rl, &b),
			    MQTTSuccess);
	ok &= EXPECT_MEM(o, want_size, w, want_size);
	ok &= EXPECT(untouched(o + want_size, 64));
	fill_canary(o, room);
	b.size = want_size - 1U;
	ok &= EXPECT_STATUS(serialize_of(first)(list, count, id, want_rl, &b),
			    MQTTNoMemory);
	ok &= EXPECT(untouched(o, want_size));
	head = 1U + ref_length_bytes(want_rl) + 2U;
	fill_canary(o, room);
	end = header_of(first)(want_rl, o, id);
	ok &= EXPECT(end == o + head);
	ok &= EXPECT_MEM(o, head, w, head);
	ok &= EXPECT(untouched(o + head, 64));
	return ok;
}

static bool filters_ok(uint8_t first, const MQTTSubscribeInfo_t *list,
		       size_t count, uint16_t id)
{
	return filters_ok_in(out, expected, sizeof(out), first, list, count, id);
}

static void subscribe_spec_examples(void)
{
	MQTTSubscribeInfo_t list[2];
	MQTTFixedBuffer_t b = fixed_out(64);
	size_t rl = 0, size = 0;

	/* 3.8.3: "a/b" QoS 1 and "c/d" QoS 2, packet id 10. */
	list[0] = entry_str("a/b", MQTTQoS1);
	list[1] = entry_str("c/d", MQTTQoS2);
	EXPECT_STATUS(MQTT_GetSubscribePacketSize(list, 2, &rl, &size), MQTTSuccess);
	EXPECT_INT(rl, 14);
	EXPECT_STATUS(MQTT_SerializeSubscribe(list, 2, 10, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\x82\x0e\x00\x0a\x00\x03" "a/b\x01\x00\x03"
			       "c/d\x02");
	/* 3.10.3: the same filters unsubscribed. */
	b = fixed_out(64);
	EXPECT_STATUS(MQTT_GetUnsubscribePacketSize(list, 2, &rl, &size),
		      MQTTSuccess);
	EXPECT_INT(rl, 12);
	EXPECT_STATUS(MQTT_SerializeUnsubscribe(list, 2, 10, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\xa2\x0c\x00\x0a\x00\x03" "a/b\x00\x03" "c/d");
}

static void filters_combinations(void)
{
	static const char *const filters[] = {
		"a", "a/b", "+", "#", "a/+/c", "sport/tennis/#", "$SYS/#", "/",
		"+/+", "a/#", "/+", "+/", "\xe2\x82\xac/\xf0\x9f\x98\x80", "//",
	};
	static const uint16_t ids[] = { 1, 0x8000, 0xffff };
	unsigned cases = 0, kind, count, start, i, k;
	MQTTSubscribeInfo_t list[5];

	for (kind = 0; kind < 2; kind++)
	for (count = 1; count <= COUNT_OF(list); count++)
	for (start = 0; start < COUNT_OF(filters); start++)
	for (i = 0; i < COUNT_OF(ids); i++) {
		for (k = 0; k < count; k++)
			list[k] = entry_str(filters[(start + k * 3U) %
						    COUNT_OF(filters)],
					    (MQTTQoS_t)((start + k) % 3U));
		cases++;
		if (!filters_ok(kind ? UNSUB : SUB, list, count, ids[i]))
			return;
	}
	EXPECT_INT(cases, 2U * 5U * COUNT_OF(filters) * 3U);
	/* UNSUBSCRIBE does not read qos. */
	list[0] = entry_str("a/b", (MQTTQoS_t)7);
	filters_ok(UNSUB, list, 1, 2);
	/* The longest filter. */
	list[0] = entry(text_bytes, 65535, MQTTQoS1);
	filters_ok(SUB, list, 1, 3);
	filters_ok(UNSUB, list, 1, 3);
}

/* Entries of up to 65,535 bytes making a remaining length of `target`;
 * returns how many. */
static size_t fill_to(uint8_t first, size_t target)
{
	size_t per = first == SUB ? 3U : 2U, rest = target - 2U, n = 0;

	while (rest > 0U && n < MANY) {
		size_t len = rest - per > 65535U ? 65535U : rest - per;

		/* Leave no remainder too short for an entry of one byte. */
		if (rest - (len + per) > 0U && rest - (len + per) < per + 1U)
			len -= per + 1U;
		many[n++] = entry(text_bytes, (uint16_t)len, MQTTQoS2);
		rest -= len + per;
	}
	return n;
}

static void filters_length_boundaries(void)
{
	static const size_t rls[] = { 127, 128, 16383, 16384, 2097151, 2097152 };
	size_t room = 2097152U + 1024U, i, kind, n, rl, size;
	uint8_t *o = malloc(room), *w = malloc(room);

	if (!EXPECT(o != NULL && w != NULL))
		goto done;
	for (kind = 0; kind < 2; kind++) {
		uint8_t first = kind ? UNSUB : SUB;

		for (i = 0; i < COUNT_OF(rls); i++) {
			n = fill_to(first, rls[i]);
			EXPECT_STATUS(size_of(first)(many, n, &rl, &size),
				      MQTTSuccess);
			EXPECT_INT(rl, rls[i]);
			filters_ok_in(o, w, room, first, many, n, 0x0102);
		}
		/* The largest remaining length, and one more (sizes only). */
		n = fill_to(first, REF_MAX_REMAINING);
		EXPECT_STATUS(size_of(first)(many, n, &rl, &size), MQTTSuccess);
		EXPECT_INT(rl, REF_MAX_REMAINING);
		EXPECT_INT(size, REF_MAX_REMAINING + 5U);
		n = fill_to(first, REF_MAX_REMAINING + 1U);
		EXPECT_STATUS(size_of(first)(many, n, &rl, &size),
			      MQTTBadParameter);
	}
done:
	free(o);
	free(w);
}

static void filters_bad_parameters(void)
{
	MQTTSubscribeInfo_t list[2] = { entry_str("a", MQTTQoS0),
					entry_str("b", MQTTQoS1) };
	MQTTFixedBuffer_t b = fixed_out(100), none = { NULL, 100 };
	size_t rl = 0, size = 0, kind;

	for (kind = 0; kind < 2; kind++) {
		uint8_t first = kind ? UNSUB : SUB;
		size_fn get = size_of(first);
		serialize_fn put = serialize_of(first);

		list[1] = entry_str("b", MQTTQoS1);
		EXPECT_STATUS(get(NULL, 1, &rl, &size), MQTTBadParameter);
		EXPECT_STATUS(get(list, 0, &rl, &size), MQTTBadParameter);
		EXPECT_STATUS(get(list, 1, NULL, &size), MQTTBadParameter);
		EXPECT_STATUS(get(list, 1, &rl, NULL), MQTTBadParameter);
		list[1] = entry("b", 0, MQTTQoS1);
		EXPECT_STATUS(get(list, 2, &rl, &size), MQTTBadParameter);
		list[1] = entry(NULL, 1, MQTTQoS1);
		EXPECT_STATUS(get(list, 2, &rl, &size), MQTTBadParameter);
		list[1] = entry_str("b", MQTTQoS1);
		EXPECT_STATUS(get(list, 2, &rl, &size), MQTTSuccess);

		b = fixed_out(100);
		EXPECT_STATUS(put(NULL, 2, 1, rl, &b), MQTTBadParameter);
		EXPECT_STATUS(put(list, 2, 1, rl, NULL), MQTTBadParameter);
		EXPECT_STATUS(put(list, 2, 1, rl, &none), MQTTBadParameter);
		EXPECT_STATUS(put(list, 0, 1, rl, &b), MQTTBadParameter);
		EXPECT_STATUS(put(list, 2, 0, rl, &b), MQTTBadParameter);
		EXPECT(untouched(out, sizeof(out)));
		/* The size first, on the remaining length given. */
		b = fixed_out(size - 1U);
		EXPECT_STATUS(put(list, 2, 1, rl, &b), MQTTNoMemory);
		b = fixed_out(0);
		EXPECT_STATUS(put(list, 2, 1, rl, &b), MQTTNoMemory);
		list[1] = entry_str("b+", MQTTQoS1);
		b = fixed_out(size - 1U);
		EXPECT_STATUS(put(list, 2, 1, rl, &b), MQTTNoMemory);
		b = fixed_out(100);
		EXPECT_STATUS(put(list, 2, 1, 268435456U, &b), MQTTNoMemory);
		EXPECT(untouched(out, sizeof(out)));
	}
}

/* Filters MQTT 3.1.1 does not allow (4.7.1, 1.5.3): refused, nothing
 * written. */
static void filters_bad_filters(void)
{
	static const struct {
		const char *f;
		uint16_t len;
	} bad[] = {
		{ "a+", 2 }, { "+a", 2 }, { "a/b+", 4 }, { "a/+b/c", 6 },
		{ "#/a", 3 }, { "a/#/b", 5 }, { "a#", 2 }, { "a/#b", 4 },
		{ "##", 2 }, { "a\0", 2 }, { "\0", 1 }, { "\xff", 1 },
		{ "a/\xc3", 3 }, { "\xed\xbf\xbf", 3 }, { "\xf8\x88\x80\x80\x80", 5 },
	};
	size_t i, kind;

	for (kind = 0; kind < 2; kind++)
	for (i = 0; i < COUNT_OF(bad); i++) {
		uint8_t first = kind ? UNSUB : SUB;
		MQTTSubscribeInfo_t list[2] = { entry_str("ok/+", MQTTQoS1),
						entry(bad[i].f, bad[i].len,
						      MQTTQoS0) };
		size_t rl = 0, size = 0, want_rl, want_size;
		MQTTFixedBuffer_t b;

		EXPECT(!ref_topic_filter_ok(bad[i].f, bad[i].len));
		EXPECT_STATUS(size_of(first)(list, 2, &rl, &size),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		want_size = ref_filters(expected, first, list, 2, 9, &want_rl);
		b = fixed_out(want_size);
		EXPECT_STATUS(serialize_of(first)(list, 2, 9, want_rl, &b),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		if (OURS)
			EXPECT(untouched(out, sizeof(out)));
		else
			EXPECT_MEM(out, want_size, expected, want_size);
	}
}

/* A QoS MQTT has not, an empty or NULL filter given to the serializer,
 * a remaining length not the packet's, header arguments not a packet's. */
static void filters_forbidden_arguments(void)
{
	MQTTSubscribeInfo_t list[1] = { entry_str("a/b", (MQTTQoS_t)3) };
	MQTTFixedBuffer_t b = fixed_out(100);
	size_t rl = 0, size = 0, kind, want_rl;

	EXPECT_STATUS(MQTT_GetSubscribePacketSize(list, 1, &rl, &size),
		      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
	EXPECT_STATUS(MQTT_SerializeSubscribe(list, 1, 1, 8, &b),
		      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
	for (kind = 0; kind < 2; kind++) {
		uint8_t first = kind ? UNSUB : SUB;

		list[0] = entry("x", 0, MQTTQoS0);
		b = fixed_out(100);
		EXPECT_STATUS(serialize_of(first)(list, 1, 1, 4U + (kind ? 0U : 1U),
						  &b),
			      DEV(DEV_TOPIC, MQTTBadParameter, MQTTSuccess));
		list[0] = entry(NULL, 2, MQTTQoS0);
		b = fixed_out(100);
		EXPECT_STATUS(serialize_of(first)(list, 1, 1, 6U + (kind ? 0U : 1U),
						  &b),
			      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));

		list[0] = entry_str("a/b", MQTTQoS1);
		EXPECT_STATUS(size_of(first)(list, 1, &rl, &size), MQTTSuccess);
		b = fixed_out(100);
		EXPECT_STATUS(serialize_of(first)(list, 1, 1, rl + 1U, &b),
			      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
		b = fixed_out(100);
		EXPECT_STATUS(serialize_of(first)(list, 1, 1, rl - 1U, &b),
			      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
		if (OURS)
			EXPECT(untouched(out, sizeof(out)));

		/* The header alone: any remaining length and packet id a
		 * header can carry, as coreMQTT writes them. */
		fill_canary(out, sizeof(out));
		want_rl = REF_MAX_REMAINING;
		EXPECT(header_of(first)(want_rl, out, 0) == out + 7);
		EXPECT_MEM(out, 7, kind ? "\xa2\xff\xff\xff\x7f\x00\x00"
					: "\x82\xff\xff\xff\x7f\x00\x00", 7);
		fill_canary(out, sizeof(out));
		EXPECT(header_of(first)(0, out, 0x1234) == out + 4);
		EXPECT_MEM(out, 4, kind ? "\xa2\x00\x12\x34" : "\x82\x00\x12\x34", 4);
		/* More than MQTT's largest: coreMQTT writes five length bytes. */
		fill_canary(out, sizeof(out));
		EXPECT(DEV(DEV_HEADER_NULL, 1, 0) ==
		       (header_of(first)(REF_MAX_REMAINING + 1U, out, 1) == NULL));
		if (OURS) {
			EXPECT(untouched(out, sizeof(out)));
		}
		if (OURS_ONLY)
			EXPECT(header_of(first)(10, NULL, 1) == NULL);
	}
}

const struct check_test subscribe_tests[] = {
	{ "subscribe_spec_examples", subscribe_spec_examples },
	{ "filters_combinations", filters_combinations },
	{ "filters_length_boundaries", filters_length_boundaries },
	{ "filters_bad_parameters", filters_bad_parameters },
	{ "filters_bad_filters", filters_bad_filters },
	{ "filters_forbidden_arguments", filters_forbidden_arguments },
	{ NULL, NULL },
};
