// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * ref.c - packet formats from the MQTT 3.1.1 specification, for the
 * expectations of the tests (see ref.h).
 */
#include <string.h>

#include "ref.h"

size_t ref_length_bytes(size_t remaining)
{
	size_t n = 1;

	while (remaining >= 128U && n < 4U) {
		remaining /= 128U;
		n++;
	}
	return n;
}

/* 2.2.3: seven bits per byte, least significant first, bit 7 = more. */
size_t ref_put_length(uint8_t *p, size_t remaining)
{
	size_t n = 0;

	do {
		uint8_t b = (uint8_t)(remaining % 128U);

		remaining /= 128U;
		if (remaining > 0U)
			b |= 0x80U;
		p[n++] = b;
	} while (remaining > 0U);
	return n;
}

/* 1.5.3: a two-byte big-endian length, then the bytes (left as they are
 * for a NULL string, which the tests never compare). */
static size_t put_field(uint8_t *p, const void *s, size_t n)
{
	p[0] = (uint8_t)(n >> 8);
	p[1] = (uint8_t)n;
	if (n > 0U && s != NULL)
		memcpy(p + 2, s, n);
	return n + 2U;
}

static size_t put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* The fixed header, then the body moved after it. */
static size_t frame(uint8_t *p, uint8_t first, size_t body_len,
		    size_t *remaining)
{
	uint8_t head[5];
	size_t h;

	head[0] = first;
	h = 1U + ref_put_length(head + 1, body_len);
	memmove(p + h, p, body_len);
	memcpy(p, head, h);
	*remaining = body_len;
	return h + body_len;
}

/* 3.1: the body is built at p, then framed. */
size_t ref_connect(uint8_t *p, const MQTTConnectInfo_t *c,
		   const MQTTPublishInfo_t *will, size_t *remaining)
{
	static const uint8_t proto[] = { 0, 4, 'M', 'Q', 'T', 'T', 4 };
	uint8_t flags = 0;
	size_t n = 0;

	/* 3.1.2.3: user name 0x80, password 0x40, will retain 0x20, will QoS
	 * bits 3-4, will 0x04, clean session 0x02. */
	if (c->cleanSession)
		flags |= 0x02U;
	if (will != NULL) {
		flags |= 0x04U;
		flags |= (uint8_t)(((unsigned)will->qos & 3U) << 3);
		if (will->retain)
			flags |= 0x20U;
	}
	if (c->pPassword != NULL)
		flags |= 0x40U;
	if (c->pUserName != NULL)
		flags |= 0x80U;
	memcpy(p, proto, sizeof(proto));
	n = sizeof(proto);
	p[n++] = flags;
	n += put_u16(p + n, c->keepAliveSeconds);
	/* 3.1.3: client id, will topic, will message, user name, password. */
	n += put_field(p + n, c->pClientIdentifier, c->clientIdentifierLength);
	if (will != NULL) {
		n += put_field(p + n, will->pTopicName, will->topicNameLength);
		n += put_field(p + n, will->pPayload, will->payloadLength);
	}
	if (c->pUserName != NULL)
		n += put_field(p + n, c->pUserName, c->userNameLength);
	if (c->pPassword != NULL)
		n += put_field(p + n, c->pPassword, c->passwordLength);
	return frame(p, 0x10, n, remaining);
}

size_t ref_publish_remaining(const MQTTPublishInfo_t *pub)
{
	return 2U + pub->topicNameLength + (pub->qos != MQTTQoS0 ? 2U : 0U) +
	       pub->payloadLength;
}

/* 3.3: flags DUP 0x08, QoS bits 1-2, RETAIN 0x01; topic; id for QoS > 0. */
size_t ref_publish(uint8_t *p, const MQTTPublishInfo_t *pub, uint16_t id,
		   size_t *remaining)
{
	uint8_t first = 0x30;
	size_t n;

	first |= (uint8_t)(((unsigned)pub->qos & 3U) << 1);
	if (pub->dup)
		first |= 0x08U;
	if (pub->retain)
		first |= 0x01U;
	n = put_field(p, pub->pTopicName, pub->topicNameLength);
	if (pub->qos != MQTTQoS0)
		n += put_u16(p + n, id);
	if (pub->payloadLength > 0U && pub->pPayload != NULL)
		memcpy(p + n, pub->pPayload, pub->payloadLength);
	n += pub->payloadLength;
	return frame(p, first, n, remaining);
}

size_t ref_publish_head(uint8_t *p, const MQTTPublishInfo_t *pub, uint16_t id,
			size_t *remaining)
{
	size_t n;

	*remaining = ref_publish_remaining(pub);
	p[0] = (uint8_t)(0x30U | (((unsigned)pub->qos & 3U) << 1) |
			 (pub->dup ? 0x08U : 0U) | (pub->retain ? 0x01U : 0U));
	n = 1U + ref_put_length(p + 1, *remaining);
	n += put_field(p + n, pub->pTopicName, pub->topicNameLength);
	if (pub->qos != MQTTQoS0)
		n += put_u16(p + n, id);
	return n;
}

size_t ref_filters_remaining(uint8_t first, const MQTTSubscribeInfo_t *list,
			     size_t count)
{
	size_t n = 2, i;

	for (i = 0; i < count; i++)
		n += 2U + list[i].topicFilterLength + (first == 0x82 ? 1U : 0U);
	return n;
}

/* 3.8 / 3.10: packet id, then each filter (and its QoS for SUBSCRIBE). */
size_t ref_filters(uint8_t *p, uint8_t first, const MQTTSubscribeInfo_t *list,
		   size_t count, uint16_t id, size_t *remaining)
{
	size_t n = put_u16(p, id), i;

	for (i = 0; i < count; i++) {
		n += put_field(p + n, list[i].pTopicFilter,
			       list[i].topicFilterLength);
		if (first == 0x82)
			p[n++] = (uint8_t)list[i].qos;
	}
	return frame(p, first, n, remaining);
}

/* RFC 3629 as 1.5.3 requires: no overlong forms, surrogates or values
 * above U+10FFFF. */
bool ref_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t c = s[i], cp;
		size_t len, k;

		if (c < 0x80U) {
			i++;
			continue;
		}
		if ((c & 0xE0U) == 0xC0U) {
			len = 2;
			cp = c & 0x1FU;
		} else if ((c & 0xF0U) == 0xE0U) {
			len = 3;
			cp = c & 0x0FU;
		} else if ((c & 0xF8U) == 0xF0U) {
			len = 4;
			cp = c & 0x07U;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0U) != 0x80U)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3FU);
		}
		if ((len == 2 && cp < 0x80U) || (len == 3 && cp < 0x800U) ||
		    (len == 4 && cp < 0x10000U) || cp > 0x10FFFFU ||
		    (cp >= 0xD800U && cp <= 0xDFFFU))
			return false;
		i += len;
	}
	return true;
}

/* 4.7.3 / 1.5.3: not empty, no NUL, UTF-8; 4.7.1: no wildcard in a name. */
bool ref_topic_name_ok(const char *s, size_t n)
{
	if (n == 0U || !ref_utf8((const uint8_t *)s, n))
		return false;
	return memchr(s, '\0', n) == NULL && memchr(s, '+', n) == NULL &&
	       memchr(s, '#', n) == NULL;
}

/* 4.7.1: '+' fills a whole level; '#' a whole level and comes last. */
bool ref_topic_filter_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0U || !ref_utf8((const uint8_t *)s, n) ||
	    memchr(s, '\0', n) != NULL)
		return false;
	for (i = 0; i < n; i++) {
		bool starts = i == 0 || s[i - 1] == '/';
		bool ends = i + 1 == n || s[i + 1] == '/';

		if (s[i] == '+' && !(starts && ends))
			return false;
		if (s[i] == '#' && !(starts && i + 1 == n))
			return false;
	}
	return true;
}

static uint16_t get_u16(const uint8_t *b)
{
	return (uint16_t)((b[0] << 8) | b[1]);
}

/* 3.2, 3.4-3.7, 3.9, 3.11, 3.13 as a client must check them. */
MQTTStatus_t ref_ack(uint8_t type, const uint8_t *body, size_t n,
		     uint16_t *id, bool *session_present)
{
	size_t i;
	bool refused = false;

	switch (type) {
	case 0x20: /* CONNACK: flags (bit 0 only), return code 0..5 */
		if (n != 2U || (body[0] & 0xFEU) != 0U)
			return MQTTBadResponse;
		*session_present = body[0] == 1U;
		if ((*session_present && body[1] != 0U) || body[1] > 5U)
			return MQTTBadResponse;
		return body[1] == 0U ? MQTTSuccess : MQTTServerRefused;
	case 0x90: /* SUBACK: id, then codes 0, 1, 2 or 0x80 */
		if (n < 3U || get_u16(body) == 0U)
			return MQTTBadResponse;
		for (i = 2; i < n; i++) {
			if (body[i] == 0x80U)
				refused = true;
			else if (body[i] > 2U)
				return MQTTBadResponse;
		}
		*id = get_u16(body);
		return refused ? MQTTServerRefused : MQTTSuccess;
	case 0x40:
	case 0x50:
	case 0x62:
	case 0x70:
	case 0xB0: /* an id, not 0, alone */
		if (n != 2U || get_u16(body) == 0U)
			return MQTTBadResponse;
		*id = get_u16(body);
		return MQTTSuccess;
	case 0xD0:
		return n == 0U ? MQTTSuccess : MQTTBadResponse;
	default:
		return MQTTBadResponse;
	}
}

bool ref_incoming_type_ok(uint8_t type)
{
	switch (type >> 4) {
	case 2: case 3: case 4: case 5: case 7: case 9: case 11: case 13:
		return true;
	case 6: /* PUBREL: coreMQTT wants its flag bit 1 before the body */
		return (type & 0x02U) != 0U;
	default:
		return false;
	}
}
