// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * diff_random.c - randomized differential run (local, optional; built by
 * diff-upstream.sh): this component's serializer and upstream coreMQTT
 * v2.3.1's (compiled from the user's checkout, its symbols renamed UP_*)
 * in one program, given the same random inputs.
 *
 *   diff_random ITERATIONS SEED
 *
 * Inputs are mostly valid packets and arguments, with topics, filters,
 * strings, QoS values, lengths, remaining lengths and received bytes drawn
 * so that every validation path is reached. Every call's status, outputs
 * and written bytes are compared. A difference is "deliberate" only when
 * this component refused (MQTTBadParameter, MQTTBadResponse, a NULL
 * header) an input that breaks a rule the input generator itself checks
 * with ref.c (the rules of the top of core_mqtt_serializer.h); any other
 * difference is printed and fails the run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_mqtt_serializer.h"
#include "ref.h"

/* Upstream's functions, renamed by objcopy. */
MQTTStatus_t UP_MQTT_GetConnectPacketSize(const MQTTConnectInfo_t *,
					  const MQTTPublishInfo_t *, size_t *,
					  size_t *);
MQTTStatus_t UP_MQTT_SerializeConnect(const MQTTConnectInfo_t *,
				      const MQTTPublishInfo_t *, size_t,
				      const MQTTFixedBuffer_t *);
uint8_t *UP_MQTT_SerializeConnectFixedHeader(uint8_t *,
					     const MQTTConnectInfo_t *,
					     const MQTTPublishInfo_t *, size_t);
MQTTStatus_t UP_MQTT_GetSubscribePacketSize(const MQTTSubscribeInfo_t *,
					    size_t, size_t *, size_t *);
MQTTStatus_t UP_MQTT_SerializeSubscribe(const MQTTSubscribeInfo_t *, size_t,
					uint16_t, size_t,
					const MQTTFixedBuffer_t *);
MQTTStatus_t UP_MQTT_GetUnsubscribePacketSize(const MQTTSubscribeInfo_t *,
					      size_t, size_t *, size_t *);
MQTTStatus_t UP_MQTT_SerializeUnsubscribe(const MQTTSubscribeInfo_t *, size_t,
					  uint16_t, size_t,
					  const MQTTFixedBuffer_t *);
uint8_t *UP_MQTT_SerializeSubscribeHeader(size_t, uint8_t *, uint16_t);
uint8_t *UP_MQTT_SerializeUnsubscribeHeader(size_t, uint8_t *, uint16_t);
MQTTStatus_t UP_MQTT_GetPublishPacketSize(const MQTTPublishInfo_t *, size_t *,
					  size_t *);
MQTTStatus_t UP_MQTT_SerializePublish(const MQTTPublishInfo_t *, uint16_t,
				      size_t, const MQTTFixedBuffer_t *);
MQTTStatus_t UP_MQTT_SerializePublishHeader(const MQTTPublishInfo_t *,
					    uint16_t, size_t,
					    const MQTTFixedBuffer_t *, size_t *);
MQTTStatus_t UP_MQTT_SerializePublishHeaderWithoutTopic(
	const MQTTPublishInfo_t *, size_t, uint8_t *, size_t *);
MQTTStatus_t UP_MQTT_SerializeAck(const MQTTFixedBuffer_t *, uint8_t,
				  uint16_t);
MQTTStatus_t UP_MQTT_DeserializePublish(const MQTTPacketInfo_t *, uint16_t *,
					MQTTPublishInfo_t *);
MQTTStatus_t UP_MQTT_DeserializeAck(const MQTTPacketInfo_t *, uint16_t *,
				    bool *);
MQTTStatus_t UP_MQTT_GetIncomingPacketTypeAndLength(TransportRecv_t,
						    NetworkContext_t *,
						    MQTTPacketInfo_t *);
MQTTStatus_t UP_MQTT_ProcessIncomingPacketTypeAndLength(const uint8_t *,
							const size_t *,
							MQTTPacketInfo_t *);

#define BIG (400U * 1024U)
#define CANARY 0xA5U
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t ours_buf[BIG], up_buf[BIG];
static char long_text[65536];

/* ---- random numbers (xorshift64*) ---- */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t below(size_t n)
{
	return n == 0U ? 0U : (size_t)(rnd() % n);
}

static bool chance(unsigned percent)
{
	return below(100) < percent;
}

/* ---- the tally ---- */
enum { R_TOPIC, R_UTF8, R_FORBIDDEN, R_REMAINING, R_DECODE, R_RULES };
static const char *const rule_names[R_RULES] = {
	"topic/filter rules", "UTF-8 strings", "forbidden arguments",
	"remainingLength not the packet's", "received topic name rules",
};

struct family {
	const char *name;
	unsigned long calls, same, deliberate[R_RULES], unexpected;
};

enum { F_CONNECT, F_PUBLISH, F_FILTERS, F_SMALL, F_INCOMING, F_DECODE, F_N };
static struct family fam[F_N] = {
	{ "CONNECT (size, serialize, fixed header)", 0, 0, { 0 }, 0 },
	{ "PUBLISH (size, serialize, header, header w/o topic)", 0, 0, { 0 }, 0 },
	{ "SUBSCRIBE/UNSUBSCRIBE (size, serialize, header)", 0, 0, { 0 }, 0 },
	{ "ack, PINGREQ, DISCONNECT", 0, 0, { 0 }, 0 },
	{ "type and remaining length (transport, buffer)", 0, 0, { 0 }, 0 },
	{ "DeserializePublish, DeserializeAck", 0, 0, { 0 }, 0 },
};
static unsigned long printed;

/* A difference: deliberate when `ours_refused` and some rule in `broken`
 * (a bit per R_*) explains it. */
static void differ(int f, bool ours_refused, unsigned broken, const char *what,
		   unsigned long iteration)
{
	int r;

	fam[f].calls++;
	if (ours_refused && broken != 0U) {
		for (r = 0; r < R_RULES; r++) {
			if (broken & (1U << r)) {
				fam[f].deliberate[r]++;
				return;
			}
		}
	}
	fam[f].unexpected++;
	if (printed++ < 40U)
		printf("UNEXPECTED #%lu %s: %s (rules broken: 0x%x)\n", iteration,
		       fam[f].name, what, broken);
}

/* The same result from both; `accepted` with rules broken would mean this
 * component took an input it says it refuses. */
static void same(int f, bool accepted, unsigned broken, const char *what,
		 unsigned long it)
{
	if (accepted && broken != 0U) {
		differ(f, false, broken, what, it);
		return;
	}
	fam[f].calls++;
	fam[f].same++;
}

/* ---- generators ---- */

/* Topic-ish text: levels of letters, wildcards, UTF-8 and bad bytes. */
static size_t gen_topic(char *p, size_t room)
{
	static const char *const levels[] = {
		"a", "bc", "sensor", "", "+", "#", "x+", "#y", "+#", "$SYS",
		"\xc3\xa9t\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", " ",
		"\xff", "\xc0\x80", "\xed\xa0\x80", "a\0b", "\xe2\x82",
	};
	size_t n = 0, levels_n = 1U + below(5), i;

	if (chance(2)) {
		n = below(room < 65536U ? room : 65536U);
		memcpy(p, long_text, n);
		return n;
	}
	for (i = 0; i < levels_n; i++) {
		const char *l;
		size_t len;

		/* Mostly plain levels, so most topics are valid. */
		l = chance(90) ? levels[below(4)] : levels[below(COUNT_OF(levels))];
		len = l == levels[17] ? 3U : strlen(l); /* "a\0b": 3 bytes */
		if (i > 0U && n < room)
			p[n++] = '/';
		if (n + len > room)
			break;
		memcpy(p + n, l, len);
		n += len;
	}
	return n;
}

/* A string for a client id or user name: mostly ASCII, sometimes UTF-8,
 * sometimes bytes that are not. */
static size_t gen_string(char *p, size_t max)
{
	size_t n = below(max + 1U), i;

	for (i = 0; i < n; i++)
		p[i] = (char)('0' + below(75));
	if (n > 2U && chance(10)) {
		i = below(n - 1U);
		p[i] = (char)0xc3; /* U+00E9 */
		p[i + 1U] = (char)0xa9;
	}
	if (n > 0U && chance(3))
		p[below(n)] = (char)(0x80U + below(128));
	if (chance(2)) {
		n = chance(50) ? 65535U : below(65536);
		memcpy(p, long_text, n);
	}
	return n;
}

static MQTTQoS_t gen_qos(void)
{
	return (MQTTQoS_t)(chance(3) ? 3U : below(3));
}

/* Remaining length to hand back: mostly the right one. */
static size_t gen_rl(size_t right, unsigned *broken)
{
	size_t rl = right;

	if (chance(85))
		return rl;
	switch (below(4)) {
	case 0: rl = right + 1U; break;
	case 1: rl = right > 0U ? right - 1U : 1U; break;
	case 2: rl = below(300); break;
	default: rl = REF_MAX_REMAINING + 1U + below(1000); break;
	}
	if (rl != right)
		*broken |= 1U << R_REMAINING;
	return rl;
}

/* A buffer size: exact, short, or roomy. */
static size_t gen_size(size_t exact)
{
	switch (below(5)) {
	case 0: return exact > 0U ? exact - 1U : 0U;
	case 1: return below(exact + 1U);
	case 2: return exact + below(100);
	default: return exact;
	}
}

static void canary(size_t n)
{
	if (n > BIG)
		n = BIG;
	memset(ours_buf, CANARY, n);
	memset(up_buf, CANARY, n);
}

static bool same_bytes(size_t n)
{
	if (n > BIG)
		n = BIG;
	return memcmp(ours_buf, up_buf, n) == 0;
}

/* Status, and bytes over `span` when both succeeded. */
static void compare_status(int f, MQTTStatus_t ours, MQTTStatus_t up,
			   unsigned broken, size_t span, const char *what,
			   unsigned long it)
{
	char msg[160];

	if (ours == up && (ours != MQTTSuccess || same_bytes(span))) {
		same(f, ours == MQTTSuccess, broken, what, it);
		return;
	}
	snprintf(msg, sizeof(msg), "%s: ours %d, upstream %d%s", what, ours,
		 up, ours == up ? ", bytes differ" : "");
	differ(f, ours == MQTTBadParameter && up == MQTTSuccess, broken, msg, it);
}

/* ---- CONNECT ---- */
static char id_text[65536], user_text[65536], pass_text[65536];
static char will_topic[65536];

static void run_connect(unsigned long it)
{
	MQTTConnectInfo_t c;
	MQTTPublishInfo_t w;
	const MQTTPublishInfo_t *will = NULL;
	size_t o_rl = 0, o_size = 0, u_rl = 0, u_size = 0, ref_rl, ref_size, rl;
	unsigned broken = 0;
	MQTTStatus_t so, su;
	MQTTFixedBuffer_t bo, bu;
	uint8_t *eo, *eu;

	memset(&c, 0, sizeof(c));
	memset(&w, 0, sizeof(w));
	c.cleanSession = chance(70);
	c.keepAliveSeconds = (uint16_t)rnd();
	c.pClientIdentifier = id_text;
	c.clientIdentifierLength = (uint16_t)gen_string(id_text, 30);
	if (chance(3))
		c.pClientIdentifier = NULL;
	if (chance(50)) {
		c.pUserName = user_text;
		c.userNameLength = (uint16_t)gen_string(user_text, 20);
	}
	/* A password mostly with a user name (MQTT 3.1.2.9). */
	if (chance(c.pUserName != NULL ? 50U : 5U)) {
		c.pPassword = pass_text;
		c.passwordLength = (uint16_t)below(30);
		if (chance(3))
			c.passwordLength = 65535;
	}
	if (chance(50)) {
		w.qos = gen_qos();
		w.retain = chance(50);
		w.pTopicName = will_topic;
		w.topicNameLength = (uint16_t)gen_topic(will_topic, 200);
		w.pPayload = long_text;
		w.payloadLength = below(300);
		if (chance(3))
			w.payloadLength = 65535U + below(2);
		if (chance(2))
			w.pPayload = NULL;
		will = &w;
	}
	/* The rules the component enforces (core_mqtt_serializer.h). */
	if (c.pClientIdentifier != NULL &&
	    !ref_utf8((const uint8_t *)c.pClientIdentifier,
		      c.clientIdentifierLength))
		broken |= 1U << R_UTF8;
	if (c.pUserName != NULL &&
	    !ref_utf8((const uint8_t *)c.pUserName, c.userNameLength))
		broken |= 1U << R_UTF8;
	if ((c.pPassword != NULL && c.pUserName == NULL) ||
	    (c.clientIdentifierLength == 0U && !c.cleanSession) ||
	    (c.pClientIdentifier == NULL && c.clientIdentifierLength > 0U))
		broken |= 1U << R_FORBIDDEN;
	if (will != NULL) {
		if (!ref_topic_name_ok(w.pTopicName, w.topicNameLength))
			broken |= 1U << R_TOPIC;
		if ((unsigned)w.qos > 2U || w.payloadLength > 65535U ||
		    (w.pPayload == NULL && w.payloadLength > 0U))
			broken |= 1U << R_FORBIDDEN;
	}

	/* GetConnectPacketSize: the content rules only. */
	so = MQTT_GetConnectPacketSize(&c, will, &o_rl, &o_size);
	su = UP_MQTT_GetConnectPacketSize(&c, will, &u_rl, &u_size);
	if (so == su && (so != MQTTSuccess || (o_rl == u_rl && o_size == u_size)))
		same(F_CONNECT, so == MQTTSuccess, broken, "GetConnectPacketSize", it);
	else
		differ(F_CONNECT, so == MQTTBadParameter && su == MQTTSuccess,
		       broken, "GetConnectPacketSize", it);

	/* Upstream truncates a will payload over 65,535 bytes: keep it out
	 * of the byte comparisons below (its status is compared above). */
	if (will != NULL && w.payloadLength > 65535U)
		return;
	ref_size = ref_connect((uint8_t *)up_buf, &c, will, &ref_rl);
	rl = gen_rl(ref_rl, &broken);
	canary(ref_size + 64U);
	bo.pBuffer = ours_buf;
	bu.pBuffer = up_buf;
	bo.size = bu.size = gen_size(ref_size);
	so = MQTT_SerializeConnect(&c, will, rl, &bo);
	su = UP_MQTT_SerializeConnect(&c, will, rl, &bu);
	/* Upstream leaves a NULL string's bytes unwritten. */
	if ((c.pClientIdentifier == NULL && c.clientIdentifierLength > 0U) ||
	    (will != NULL && w.pPayload == NULL && w.payloadLength > 0U)) {
		if (so == su)
			same(F_CONNECT, so == MQTTSuccess, broken,
			     "SerializeConnect, a NULL string", it);
		else
			differ(F_CONNECT, so == MQTTBadParameter && su == MQTTSuccess,
			       broken, "SerializeConnect, a NULL string", it);
	} else {
		compare_status(F_CONNECT, so, su, broken, ref_size + 64U,
			       "SerializeConnect", it);
	}
	if (will != NULL && w.pTopicName == NULL)
		return;
	canary(ref_size + 64U);
	eo = MQTT_SerializeConnectFixedHeader(ours_buf, &c, will, rl);
	eu = UP_MQTT_SerializeConnectFixedHeader(up_buf, &c, will, rl);
	if (eo != NULL && eo - ours_buf == eu - up_buf && same_bytes(ref_size + 64U))
		same(F_CONNECT, true, broken, "SerializeConnectFixedHeader", it);
	else
		differ(F_CONNECT, eo == NULL, broken, "SerializeConnectFixedHeader",
		       it);
}

/* ---- PUBLISH ---- */
static char pub_topic[65536];

static void run_publish(unsigned long it)
{
	MQTTPublishInfo_t p;
	size_t o_rl = 0, o_size = 0, u_rl = 0, u_size = 0, ref_rl, ref_size, rl;
	size_t ho = 0, hu = 0;
	unsigned broken = 0;
	uint16_t id = chance(5) ? 0 : (uint16_t)rnd();
	MQTTStatus_t so, su;
	MQTTFixedBuffer_t bo, bu;

	memset(&p, 0, sizeof(p));
	p.qos = gen_qos();
	p.retain = chance(50);
	p.dup = chance(30);
	p.pTopicName = pub_topic;
	p.topicNameLength = (uint16_t)gen_topic(pub_topic, 300);
	if (chance(2))
		p.pTopicName = NULL;
	p.pPayload = long_text;
	p.payloadLength = below(2000);
	if (chance(2))
		p.pPayload = NULL;
	if (!ref_topic_name_ok(p.pTopicName ? p.pTopicName : "", p.topicNameLength))
		broken |= 1U << R_TOPIC;
	if ((unsigned)p.qos > 2U)
		broken |= 1U << R_FORBIDDEN;

	so = MQTT_GetPublishPacketSize(&p, &o_rl, &o_size);
	su = UP_MQTT_GetPublishPacketSize(&p, &u_rl, &u_size);
	if (so == su && (so != MQTTSuccess || (o_rl == u_rl && o_size == u_size)))
		same(F_PUBLISH, so == MQTTSuccess, broken, "GetPublishPacketSize", it);
	else
		differ(F_PUBLISH, so == MQTTBadParameter && su == MQTTSuccess,
		       broken, "GetPublishPacketSize", it);

	if (p.pTopicName == NULL)
		return; /* upstream's header without topic reads no topic */
	if (p.pPayload == NULL) {
		/* ref_publish copies the payload: describe it apart. */
		MQTTPublishInfo_t q = p;

		q.pPayload = long_text;
		ref_size = ref_publish(up_buf, &q, id, &ref_rl);
	} else {
		ref_size = ref_publish(up_buf, &p, id, &ref_rl);
	}
	rl = gen_rl(ref_rl, &broken);
	canary(ref_size + 64U);
	bo.pBuffer = ours_buf;
	bu.pBuffer = up_buf;
	bo.size = bu.size = gen_size(ref_size);
	so = MQTT_SerializePublish(&p, id, rl, &bo);
	su = UP_MQTT_SerializePublish(&p, id, rl, &bu);
	compare_status(F_PUBLISH, so, su, broken, ref_size + 64U,
		       "SerializePublish", it);

	canary(ref_size + 64U);
	bo.size = bu.size = gen_size(ref_size - p.payloadLength);
	so = MQTT_SerializePublishHeader(&p, id, rl, &bo, &ho);
	su = UP_MQTT_SerializePublishHeader(&p, id, rl, &bu, &hu);
	if (so == MQTTSuccess && su == MQTTSuccess && ho != hu)
		differ(F_PUBLISH, false, broken, "header size", it);
	else
		compare_status(F_PUBLISH, so, su, broken, ref_size + 64U,
			       "SerializePublishHeader", it);

	canary(ref_size + 64U);
	ho = hu = 0;
	if (p.dup && p.qos == MQTTQoS0)
		broken |= 1U << R_FORBIDDEN;
	so = MQTT_SerializePublishHeaderWithoutTopic(&p, rl, ours_buf, &ho);
	su = UP_MQTT_SerializePublishHeaderWithoutTopic(&p, rl, up_buf, &hu);
	if (so == MQTTSuccess && su == MQTTSuccess && ho != hu)
		differ(F_PUBLISH, false, broken, "header w/o topic size", it);
	else
		compare_status(F_PUBLISH, so, su, broken, ref_size + 64U,
			       "SerializePublishHeaderWithoutTopic", it);
}

/* ---- SUBSCRIBE / UNSUBSCRIBE ---- */
static char filter_text[8][256];

static void run_filters(unsigned long it)
{
	MQTTSubscribeInfo_t list[8];
	size_t count = chance(3) ? 0U : 1U + below(COUNT_OF(list));
	bool sub = chance(50);
	uint8_t first = sub ? 0x82U : 0xA2U;
	size_t o_rl = 0, o_size = 0, u_rl = 0, u_size = 0, ref_rl, ref_size, rl, i;
	uint16_t id = chance(5) ? 0 : (uint16_t)rnd();
	unsigned broken = 0;
	bool null_filter = false;
	MQTTStatus_t so, su;
	MQTTFixedBuffer_t bo, bu;
	uint8_t *eo, *eu;

	memset(list, 0, sizeof(list));
	for (i = 0; i < count; i++) {
		list[i].qos = gen_qos();
		list[i].pTopicFilter = filter_text[i];
		list[i].topicFilterLength =
			(uint16_t)gen_topic(filter_text[i], sizeof(filter_text[i]));
		if (chance(1)) {
			list[i].pTopicFilter = NULL;
			null_filter = list[i].topicFilterLength > 0U;
		}
		if (!ref_topic_filter_ok(list[i].pTopicFilter ? list[i].pTopicFilter
							      : "",
					 list[i].topicFilterLength))
			broken |= 1U << R_TOPIC;
		if (sub && (unsigned)list[i].qos > 2U)
			broken |= 1U << R_FORBIDDEN;
	}
	if (null_filter)
		broken |= 1U << R_FORBIDDEN;

	so = (sub ? MQTT_GetSubscribePacketSize
		  : MQTT_GetUnsubscribePacketSize)(list, count, &o_rl, &o_size);
	su = (sub ? UP_MQTT_GetSubscribePacketSize
		  : UP_MQTT_GetUnsubscribePacketSize)(list, count, &u_rl, &u_size);
	if (so == su && (so != MQTTSuccess || (o_rl == u_rl && o_size == u_size)))
		same(F_FILTERS, so == MQTTSuccess, broken, "Get(Un)subscribePacketSize",
		     it);
	else
		differ(F_FILTERS, so == MQTTBadParameter && su == MQTTSuccess,
		       broken, "Get(Un)subscribePacketSize", it);

	ref_size = ref_filters(up_buf, first, list, count, id, &ref_rl);
	rl = gen_rl(ref_rl, &broken);
	canary(ref_size + 64U);
	bo.pBuffer = ours_buf;
	bu.pBuffer = up_buf;
	bo.size = bu.size = gen_size(ref_size);
	so = (sub ? MQTT_SerializeSubscribe
		  : MQTT_SerializeUnsubscribe)(list, count, id, rl, &bo);
	su = (sub ? UP_MQTT_SerializeSubscribe
		  : UP_MQTT_SerializeUnsubscribe)(list, count, id, rl, &bu);
	/* Upstream leaves a NULL filter's bytes unwritten. */
	if (null_filter && so == MQTTBadParameter && su == MQTTSuccess)
		differ(F_FILTERS, true, broken, "NULL filter", it);
	else
		compare_status(F_FILTERS, so, su, broken, ref_size + 64U,
			       "Serialize(Un)subscribe", it);

	canary(64);
	eo = (sub ? MQTT_SerializeSubscribeHeader
		  : MQTT_SerializeUnsubscribeHeader)(rl, ours_buf, id);
	eu = (sub ? UP_MQTT_SerializeSubscribeHeader
		  : UP_MQTT_SerializeUnsubscribeHeader)(rl, up_buf, id);
	/* The header alone knows only its remaining length. */
	broken = rl > REF_MAX_REMAINING ? 1U << R_REMAINING : 0U;
	if (eo != NULL && eo - ours_buf == eu - up_buf && same_bytes(64))
		same(F_FILTERS, true, broken, "Serialize(Un)subscribeHeader", it);
	else
		differ(F_FILTERS, eo == NULL, broken,
		       "Serialize(Un)subscribeHeader", it);
}

/* ---- acks, PINGREQ, DISCONNECT ---- */
static void run_small(unsigned long it)
{
	static const uint8_t types[] = { 0x40, 0x50, 0x62, 0x70 };
	uint8_t type = chance(60) ? types[below(4)] : (uint8_t)rnd();
	uint16_t id = chance(10) ? 0 : (uint16_t)rnd();
	MQTTFixedBuffer_t bo = { ours_buf, below(8) }, bu = { up_buf, bo.size };

	canary(64);
	compare_status(F_SMALL, MQTT_SerializeAck(&bo, type, id),
		       UP_MQTT_SerializeAck(&bu, type, id), 0, 64,
		       "SerializeAck", it);
}

/* ---- received bytes ---- */
struct NetworkContext {
	const uint8_t *bytes;
	size_t len, at;
	int32_t end_ret;
};

static int32_t scripted_recv(NetworkContext_t *n, void *buf, size_t len)
{
	if (len != 1U)
		return -100;
	if (n->at >= n->len)
		return n->end_ret;
	*(uint8_t *)buf = n->bytes[n->at++];
	return 1;
}

static size_t gen_header(uint8_t *b)
{
	static const uint8_t types[] = { 0x20, 0x30, 0x32, 0x35, 0x3b, 0x40,
					 0x50, 0x62, 0x70, 0x90, 0xb0, 0xd0 };
	size_t n = 1, i, len_bytes = 1U + below(5);

	b[0] = chance(70) ? types[below(COUNT_OF(types))] : (uint8_t)rnd();
	if (chance(60)) {
		n += ref_put_length(b + 1, (size_t)(rnd() % (REF_MAX_REMAINING + 1U)) >>
						   (7U * below(4)));
		return n;
	}
	for (i = 0; i < len_bytes; i++)
		b[n++] = (uint8_t)(chance(60) ? (0x80U | rnd()) : rnd());
	return n;
}

static void run_incoming(unsigned long it)
{
	uint8_t b[8];
	size_t n = gen_header(b), index = below(n + 2U);
	MQTTPacketInfo_t po, pu;
	NetworkContext_t no = { b, n, 0, 0 }, nu = { b, n, 0, 0 };
	MQTTStatus_t so, su;

	if (index > n)
		index = n;
	no.end_ret = nu.end_ret = chance(50) ? 0 : -1;
	no.len = nu.len = below(n + 1U);
	memset(&po, 0x11, sizeof(po));
	memset(&pu, 0x11, sizeof(pu));
	so = MQTT_GetIncomingPacketTypeAndLength(scripted_recv, &no, &po);
	su = UP_MQTT_GetIncomingPacketTypeAndLength(scripted_recv, &nu, &pu);
	if (so == su && no.at == nu.at && po.type == pu.type &&
	    (so != MQTTSuccess || po.remainingLength == pu.remainingLength))
		same(F_INCOMING, false, 0, NULL, it);
	else
		differ(F_INCOMING, false, 0, "GetIncomingPacketTypeAndLength", it);

	memset(&po, 0x11, sizeof(po));
	memset(&pu, 0x11, sizeof(pu));
	so = MQTT_ProcessIncomingPacketTypeAndLength(b, &index, &po);
	su = UP_MQTT_ProcessIncomingPacketTypeAndLength(b, &index, &pu);
	if (so == su && (so != MQTTSuccess || (po.type == pu.type &&
					       po.remainingLength == pu.remainingLength &&
					       po.headerLength == pu.headerLength)))
		same(F_INCOMING, false, 0, NULL, it);
	else
		differ(F_INCOMING, false, 0, "ProcessIncomingPacketTypeAndLength", it);
}

static bool same_publish(const MQTTPublishInfo_t *a, const MQTTPublishInfo_t *b)
{
	return a->qos == b->qos && a->retain == b->retain && a->dup == b->dup &&
	       a->pTopicName == b->pTopicName &&
	       a->topicNameLength == b->topicNameLength &&
	       a->pPayload == b->pPayload && a->payloadLength == b->payloadLength;
}

/* A received packet: one from the reference encoder, mutated, or bytes. */
static void run_decode(unsigned long it)
{
	static uint8_t pkt[4096];
	MQTTPacketInfo_t p;
	MQTTPublishInfo_t in, go, gu;
	uint16_t io = 0x1111, iu = 0x1111;
	bool spo = false, spu = false;
	size_t size, rl, head, flips, i;
	unsigned broken = 0;
	MQTTStatus_t so, su;
	char msg[64];

	memset(&in, 0, sizeof(in));
	if (chance(60)) {
		in.qos = (MQTTQoS_t)below(3);
		in.retain = chance(50);
		in.dup = chance(20);
		in.pTopicName = pub_topic;
		in.topicNameLength = (uint16_t)gen_topic(pub_topic, 100);
		in.pPayload = long_text;
		in.payloadLength = below(200);
		size = ref_publish(pkt, &in, (uint16_t)rnd(), &rl);
	} else {
		uint8_t ack[] = { 0x40, 0x50, 0x62, 0x70, 0xb0, 0x90, 0x20, 0xd0 };

		rl = chance(70) ? 2U : below(6);
		pkt[0] = ack[below(COUNT_OF(ack))];
		pkt[1] = (uint8_t)rl;
		for (i = 0; i < rl; i++)
			pkt[2 + i] = (uint8_t)(chance(50) ? below(3) : rnd());
		size = 2U + rl;
	}
	head = 1U + ref_length_bytes(rl);
	/* Mutations: flip bits, shorten. */
	flips = chance(50) ? 0U : 1U + below(3);
	for (i = 0; i < flips; i++)
		pkt[below(size)] ^= (uint8_t)(1U << below(8));
	if (chance(10) && rl > 0U)
		rl = below(rl);
	memset(&p, 0, sizeof(p));
	p.type = pkt[0];
	p.pRemainingData = pkt + head;
	p.remainingLength = rl;
	p.headerLength = head;

	if ((p.type & 0xF0U) == 0x30U) {
		/* What the component checks beyond coreMQTT: the topic name,
		 * decoded the way both read it. */
		if (rl >= 2U) {
			size_t tl = (size_t)(pkt[head] << 8 | pkt[head + 1]);

			if (tl + 2U <= rl &&
			    !ref_topic_name_ok((const char *)pkt + head + 2, tl))
				broken |= 1U << R_DECODE;
		}
		memset(&go, 0x22, sizeof(go));
		memset(&gu, 0x22, sizeof(gu));
		so = MQTT_DeserializePublish(&p, &io, &go);
		su = UP_MQTT_DeserializePublish(&p, &iu, &gu);
		if (so == su && (so != MQTTSuccess || (io == iu && same_publish(&go, &gu))))
			same(F_DECODE, so == MQTTSuccess, broken, "DeserializePublish", it);
		else {
			snprintf(msg, sizeof(msg), "DeserializePublish: ours %d, upstream %d",
				 so, su);
			differ(F_DECODE, so == MQTTBadResponse && su == MQTTSuccess,
			       broken, msg, it);
		}
		return;
	}
	so = MQTT_DeserializeAck(&p, &io, &spo);
	su = UP_MQTT_DeserializeAck(&p, &iu, &spu);
	if (so == su && ((so != MQTTSuccess && so != MQTTServerRefused) ||
			 (io == iu && spo == spu)))
		same(F_DECODE, false, 0, NULL, it);
	else {
		snprintf(msg, sizeof(msg), "DeserializeAck 0x%02x: ours %d, upstream %d",
			 p.type, so, su);
		differ(F_DECODE, false, 0, msg, it);
	}
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000UL;
	unsigned long seed = argc > 2 ? strtoul(argv[2], NULL, 10) : 1UL, it;
	unsigned long total = 0, total_same = 0, total_deliberate = 0, bad = 0;
	int f, r;

	for (it = 0; it < sizeof(long_text); it++)
		long_text[it] = (char)('a' + it % 26U);
	rng_state = 0x9E3779B97F4A7C15ULL ^ (uint64_t)seed;
	for (it = 0; it < n; it++) {
		switch (below(6)) {
		case 0: run_connect(it); break;
		case 1: run_publish(it); break;
		case 2: run_filters(it); break;
		case 3: run_small(it); break;
		case 4: run_incoming(it); break;
		default: run_decode(it); break;
		}
	}
	printf("%lu random inputs (seed %lu), compared call by call:\n", n, seed);
	for (f = 0; f < F_N; f++) {
		unsigned long d = 0;

		for (r = 0; r < R_RULES; r++)
			d += fam[f].deliberate[r];
		printf("  %-52s %8lu calls: %8lu identical, %7lu deliberate, %lu unexpected\n",
		       fam[f].name, fam[f].calls, fam[f].same, d, fam[f].unexpected);
		for (r = 0; r < R_RULES; r++)
			if (fam[f].deliberate[r] > 0U)
				printf("  %52s   deliberate: %s %lu\n", "",
				       rule_names[r], fam[f].deliberate[r]);
		total += fam[f].calls;
		total_same += fam[f].same;
		total_deliberate += d;
		bad += fam[f].unexpected;
	}
	printf("total: %lu calls, %lu identical, %lu deliberate differences, %lu unexpected\n",
	       total, total_same, total_deliberate, bad);
	return bad == 0U ? 0 : 1;
}
