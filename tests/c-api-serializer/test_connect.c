// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_connect.c - MQTT_GetConnectPacketSize, MQTT_SerializeConnect and
 * MQTT_SerializeConnectFixedHeader.
 */
#include "common.h"
#include "tests.h"

static MQTTConnectInfo_t conn(const char *id, uint16_t id_len)
{
	MQTTConnectInfo_t c;

	memset(&c, 0, sizeof(c));
	c.cleanSession = true;
	c.keepAliveSeconds = 60;
	c.pClientIdentifier = id;
	c.clientIdentifierLength = id_len;
	return c;
}

static MQTTPublishInfo_t will_of(const char *topic, const void *payload,
				 size_t payload_len, MQTTQoS_t qos, bool retain)
{
	MQTTPublishInfo_t w;

	memset(&w, 0, sizeof(w));
	w.qos = qos;
	w.retain = retain;
	w.pTopicName = topic;
	w.topicNameLength = (uint16_t)strlen(topic);
	w.pPayload = payload;
	w.payloadLength = payload_len;
	return w;
}

/*
 * A CONNECT both implementations accept: sizes, bytes in a buffer of
 * exactly its size (nothing written past it), MQTTNoMemory one byte short
 * (nothing written), and the fixed-header builder's prefix.
 */
static bool connect_ok(const MQTTConnectInfo_t *c, const MQTTPublishInfo_t *w)
{
	size_t rl = 0, size = 0, want_rl = 0, want_size, head;
	MQTTFixedBuffer_t b;
	uint8_t *end;
	bool ok = true;

	want_size = ref_connect(expected, c, w, &want_rl);
	ok &= EXPECT_STATUS(MQTT_GetConnectPacketSize(c, w, &rl, &size),
			    MQTTSuccess);
	ok &= EXPECT_INT(rl, want_rl);
	ok &= EXPECT_INT(size, want_size);
	b = fixed_out(want_size);
	ok &= EXPECT_STATUS(MQTT_SerializeConnect(c, w, want_rl, &b), MQTTSuccess);
	ok &= EXPECT_MEM(out, want_size, expected, want_size);
	ok &= EXPECT(untouched(out + want_size, 64));
	b = fixed_out(want_size - 1U);
	ok &= EXPECT_STATUS(MQTT_SerializeConnect(c, w, want_rl, &b), MQTTNoMemory);
	ok &= EXPECT(untouched(out, want_size));
	/* Fixed header, protocol name and level, flags, keep-alive. */
	head = 1U + ref_length_bytes(want_rl) + 10U;
	fill_canary(out, sizeof(out));
	end = MQTT_SerializeConnectFixedHeader(out, c, w, want_rl);
	ok &= EXPECT(end == out + head);
	ok &= EXPECT_MEM(out, head, expected, head);
	ok &= EXPECT(untouched(out + head, 64));
	return ok;
}

static void connect_spec_example(void)
{
	MQTTConnectInfo_t c = conn("abc", 3);
	MQTTFixedBuffer_t b = fixed_out(64);
	size_t rl = 0, size = 0;

	/* 3.1: 0x10, remaining 15; "MQTT" level 4; clean session; 60 s. */
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size), MQTTSuccess);
	EXPECT_INT(rl, 15);
	EXPECT_INT(size, 17);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\x10\x0f\x00\x04MQTT\x04\x02\x00\x3c\x00\x03"
			       "abc");
}

static void connect_all_fields(void)
{
	MQTTConnectInfo_t c = conn("cid", 3);
	MQTTPublishInfo_t w = will_of("w", "x", 1, MQTTQoS1, true);
	MQTTFixedBuffer_t b = fixed_out(64);
	size_t rl = 0, size = 0;

	c.keepAliveSeconds = 0x1234;
	c.pUserName = "u";
	c.userNameLength = 1;
	c.pPassword = "p";
	c.passwordLength = 1;
	/* Flags: user, password, will retain, will QoS 1, will, clean. */
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, &w, &rl, &size), MQTTSuccess);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, &w, rl, &b), MQTTSuccess);
	EXPECT_BYTES(out, size, "\x10\x1b\x00\x04MQTT\x04\xee\x12\x34"
			       "\x00\x03" "cid\x00\x01w\x00\x01x\x00\x01u\x00\x01p");
}

/* Every combination of the fields' presence, QoS, flags and lengths. */
static void connect_combinations(void)
{
	static const char *const users[] = { NULL, "", "user", "\xc3\xbcser" };
	static const char *const passwords[] = { NULL, "", "p\0\xff\x80s" };
	static const uint16_t password_lens[] = { 0, 0, 5 };
	static const uint16_t id_lens[] = { 1, 23, 200 };
	static const uint16_t keep_alives[] = { 0, 60, 65535 };
	static const size_t payload_lens[] = { 0, 5, 300 };
	unsigned cases = 0, clean, u, p, k, i, wq, wr, wp;

	for (clean = 0; clean < 2; clean++)
	for (u = 0; u < COUNT_OF(users); u++)
	for (p = 0; p < COUNT_OF(passwords); p++)
	for (k = 0; k < COUNT_OF(keep_alives); k++)
	for (i = 0; i < COUNT_OF(id_lens); i++)
	for (wq = 0; wq < 4; wq++) /* 3: no will */
	for (wr = 0; wr < 2; wr++)
	for (wp = 0; wp < COUNT_OF(payload_lens); wp++) {
		MQTTConnectInfo_t c = conn(text_bytes, id_lens[i]);
		MQTTPublishInfo_t w = will_of("will/topic", text_bytes,
					      payload_lens[wp], (MQTTQoS_t)wq,
					      wr != 0U);
		const MQTTPublishInfo_t *will = wq < 3U ? &w : NULL;
		size_t rl = 0, size = 0, want_rl;
		MQTTFixedBuffer_t b;

		if (wq == 3U && (wr != 0U || wp != 0U))
			continue;
		c.cleanSession = clean != 0U;
		c.keepAliveSeconds = keep_alives[k];
		c.pUserName = users[u];
		c.userNameLength = users[u] ? (uint16_t)strlen(users[u]) : 0;
		c.pPassword = passwords[p];
		c.passwordLength = password_lens[p];
		cases++;
		if (c.pPassword == NULL || c.pUserName != NULL) {
			if (!connect_ok(&c, will))
				return;
			continue;
		}
		/* MQTT 3.1.2.9: no password without a user name. */
		EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, will, &rl, &size),
			      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
		size = ref_connect(expected, &c, will, &want_rl);
		b = fixed_out(size);
		EXPECT_STATUS(MQTT_SerializeConnect(&c, will, want_rl, &b),
			      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
		if (OURS)
			EXPECT(untouched(out, size));
		else
			EXPECT_MEM(out, size, expected, size);
	}
	EXPECT_INT(cases, 2U * 4U * 3U * 3U * 3U * (3U * 2U * 3U + 1U));
}

/* Remaining lengths on each side of a change in their encoded size, and
 * every field at its longest. */
static void connect_length_boundaries(void)
{
	static const uint16_t id_lens[] = { 115, 116, 16371, 16372 };
	static const size_t rls[] = { 127, 128, 16383, 16384 };
	MQTTConnectInfo_t c;
	MQTTPublishInfo_t w;
	size_t i, rl = 0, size = 0;

	for (i = 0; i < COUNT_OF(id_lens); i++) {
		c = conn(text_bytes, id_lens[i]);
		EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size),
			      MQTTSuccess);
		EXPECT_INT(rl, rls[i]);
		connect_ok(&c, NULL);
	}
	c = conn(text_bytes, 65535);
	c.pUserName = text_bytes;
	c.userNameLength = 65535;
	c.pPassword = text_bytes;
	c.passwordLength = 65535;
	w = will_of("t", text_bytes, 65535, MQTTQoS2, true);
	w.pTopicName = text_bytes;
	w.topicNameLength = 65535;
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, &w, &rl, &size), MQTTSuccess);
	EXPECT_INT(rl, 10U + 5U * 65537U);
	connect_ok(&c, &w);
}

static void connect_bad_parameters(void)
{
	MQTTConnectInfo_t c = conn("id", 2);
	MQTTPublishInfo_t w = will_of("t", text_bytes, 65536, MQTTQoS0, false);
	MQTTFixedBuffer_t b = fixed_out(100), none = { NULL, 100 };
	size_t rl = 0, size = 0;

	EXPECT_STATUS(MQTT_GetConnectPacketSize(NULL, NULL, &rl, &size),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, NULL, &size),
		      MQTTBadParameter);
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, NULL),
		      MQTTBadParameter);
	/* A will payload has a two-byte length. */
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, &w, &rl, &size),
		      MQTTBadParameter);
	w.payloadLength = 65535;
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, &w, &rl, &size), MQTTSuccess);
	/* The size function wants a client id. */
	c.clientIdentifierLength = 0;
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size),
		      MQTTBadParameter);
	c.pClientIdentifier = NULL;
	c.clientIdentifierLength = 2;
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size),
		      MQTTBadParameter);

	c = conn("id", 2);
	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size), MQTTSuccess);
	EXPECT_STATUS(MQTT_SerializeConnect(NULL, NULL, rl, &b), MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl, NULL), MQTTBadParameter);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl, &none), MQTTBadParameter);
	w = will_of("t", NULL, 0, MQTTQoS0, false);
	w.pTopicName = NULL;
	EXPECT_STATUS(MQTT_SerializeConnect(&c, &w, rl, &b), MQTTBadParameter);
	EXPECT(untouched(out, sizeof(out)));
	/* The buffer size is checked before anything else about the packet,
	 * on the remaining length given. */
	b = fixed_out(size - 1U);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl, &b), MQTTNoMemory);
	b = fixed_out(0);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl, &b), MQTTNoMemory);
	c = conn("\xff", 1);
	b = fixed_out(3);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, 13, &b), MQTTNoMemory);
	b = fixed_out(100);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, 268435456U, &b), MQTTNoMemory);
	EXPECT(untouched(out, sizeof(out)));
}

/* A client id that starts no session: allowed with a clean session. */
static void connect_empty_client_id(void)
{
	MQTTConnectInfo_t c = conn("", 0);
	MQTTFixedBuffer_t b;
	size_t rl = 0, size = 0, want_rl;

	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size),
		      MQTTBadParameter);
	size = ref_connect(expected, &c, NULL, &want_rl);
	b = fixed_out(size);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, want_rl, &b), MQTTSuccess);
	EXPECT_MEM(out, size, expected, size);
	c.pClientIdentifier = NULL;
	b = fixed_out(size);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, want_rl, &b), MQTTSuccess);
	EXPECT_MEM(out, size, expected, size);
	/* MQTT 3.1.3.1: a zero-length id needs a clean session. */
	c.cleanSession = false;
	size = ref_connect(expected, &c, NULL, &want_rl);
	b = fixed_out(size);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, want_rl, &b),
		      DEV(DEV_FORBIDDEN, MQTTBadParameter, MQTTSuccess));
}

/* What MQTT 3.1.1 forbids in a CONNECT: the component refuses to write it. */
static void connect_forbidden_content(void)
{
	struct {
		enum dev_mark mark;
		const char *id, *user, *topic;
		MQTTQoS_t qos;
		bool compare_upstream; /* upstream writes the ref bytes */
	} cases[] = {
		{ DEV_UTF8, "\xff", NULL, NULL, MQTTQoS0, true },
		{ DEV_UTF8, "ab\xed\xa0\x80", NULL, NULL, MQTTQoS0, true },
		{ DEV_UTF8, "\xc0\xaf", NULL, NULL, MQTTQoS0, true },
		{ DEV_UTF8, "id", "\xf4\x90\x80\x80", NULL, MQTTQoS0, true },
		{ DEV_TOPIC, "id", NULL, "a/+", MQTTQoS1, true },
		{ DEV_TOPIC, "id", NULL, "#", MQTTQoS0, true },
		{ DEV_TOPIC, "id", NULL, "", MQTTQoS0, true },
		{ DEV_TOPIC, "id", NULL, "a\xff", MQTTQoS0, true },
		{ DEV_FORBIDDEN, "id", NULL, "a", (MQTTQoS_t)3, false },
	};
	size_t i, rl, size, want_rl;

	for (i = 0; i < COUNT_OF(cases); i++) {
		MQTTConnectInfo_t c = conn(cases[i].id,
					   (uint16_t)strlen(cases[i].id));
		MQTTPublishInfo_t w;
		const MQTTPublishInfo_t *will = NULL;
		MQTTFixedBuffer_t b;
		MQTTStatus_t expect;

		if (cases[i].user != NULL) {
			c.pUserName = cases[i].user;
			c.userNameLength = (uint16_t)strlen(cases[i].user);
		}
		if (cases[i].topic != NULL) {
			w = will_of(cases[i].topic, "m", 1, cases[i].qos, false);
			will = &w;
		}
		expect = (MQTTStatus_t)DEV(cases[i].mark, MQTTBadParameter,
					   MQTTSuccess);
		EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, will, &rl, &size),
			      expect);
		size = ref_connect(expected, &c, will, &want_rl);
		b = fixed_out(size);
		EXPECT_STATUS(MQTT_SerializeConnect(&c, will, want_rl, &b),
			      DEV(cases[i].mark, MQTTBadParameter, MQTTSuccess));
		if (OURS)
			EXPECT(untouched(out, sizeof(out)));
		else if (cases[i].compare_upstream)
			EXPECT_MEM(out, size, expected, size);
		fill_canary(out, sizeof(out));
		EXPECT(DEV(DEV_HEADER_NULL, 1, 0) ==
		       (MQTT_SerializeConnectFixedHeader(out, &c, will,
							 want_rl) == NULL));
	}
}

/* A remainingLength that is not the packet's. */
static void connect_other_remaining_length(void)
{
	MQTTConnectInfo_t c = conn("client", 6);
	MQTTFixedBuffer_t b;
	size_t rl = 0, size = 0;

	EXPECT_STATUS(MQTT_GetConnectPacketSize(&c, NULL, &rl, &size), MQTTSuccess);
	b = fixed_out(1000);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl + 1U, &b),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	b = fixed_out(1000);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, rl - 1U, &b),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	b = fixed_out(1000);
	EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, 200, &b),
		      DEV(DEV_REMAINING, MQTTBadParameter, MQTTSuccess));
	if (OURS)
		EXPECT(untouched(out, sizeof(out)));
	fill_canary(out, sizeof(out));
	EXPECT(DEV(DEV_REMAINING, 1, 0) ==
	       (MQTT_SerializeConnectFixedHeader(out, &c, NULL, rl + 1U) == NULL));
	if (OURS_ONLY) {
		/* coreMQTT wraps the size around and writes ten length
		 * bytes; the engine refuses, the buffer untouched. */
		b = fixed_out(1000);
		EXPECT_STATUS(MQTT_SerializeConnect(&c, NULL, SIZE_MAX, &b),
			      MQTTNoMemory);
		EXPECT(untouched(out, sizeof(out)));
		/* NULL arguments of the header builder: coreMQTT reads through
		 * them. */
		EXPECT(MQTT_SerializeConnectFixedHeader(NULL, &c, NULL, rl) == NULL);
		EXPECT(MQTT_SerializeConnectFixedHeader(out, NULL, NULL, rl) == NULL);
	}
}

const struct check_test connect_tests[] = {
	{ "connect_spec_example", connect_spec_example },
	{ "connect_all_fields", connect_all_fields },
	{ "connect_combinations", connect_combinations },
	{ "connect_length_boundaries", connect_length_boundaries },
	{ "connect_bad_parameters", connect_bad_parameters },
	{ "connect_empty_client_id", connect_empty_client_id },
	{ "connect_forbidden_content", connect_forbidden_content },
	{ "connect_other_remaining_length", connect_other_remaining_length },
	{ NULL, NULL },
};
