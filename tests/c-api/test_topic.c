// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_topic.c - MQTT_MatchTopic over a table of names and filters
 * (MQTT 3.1.1 section 4.7), with lengths that do not include a NUL.
 */
#include <stdio.h>
#include <string.h>

#include "deviations.h"
#include "fake.h"
#include "unit.h"

struct match_case {
	const char *name;
	const char *filter;
	bool match;
};

static const struct match_case cases[] = {
	{ "a/b", "a/b", true },
	{ "a/b", "a/c", false },
	{ "a/b", "A/b", false },
	{ "a/bc", "a/b", false },
	{ "a/b", "a/bc", false },
	{ "a/b", "a/b/", false },
	{ "a/b/", "a/b", false },
	/* + : exactly one level, which may be empty */
	{ "a/b", "a/+", true },
	{ "a/b/c", "a/+", false },
	{ "a/b/c", "a/+/c", true },
	{ "a/b/c", "+/+/+", true },
	{ "a/b", "+", false },
	{ "a", "+", true },
	{ "/a", "+/a", true },
	{ "a/", "a/+", true },
	{ "a//c", "a/+/c", true },
	{ "a/b/c/d", "a/+/c", false },
	{ "a/b", "+/b/+", false },
	/* # : the parent level and any number of levels below */
	{ "a/b/c", "a/#", true },
	{ "a", "a/#", true },
	{ "a/", "a/#", true },
	{ "sport/tennis/player1", "sport/tennis/#", true },
	{ "sport", "sport/#", true },
	{ "sportx", "sport/#", false },
	{ "a/b", "#", true },
	{ "/", "#", true },
	{ "a/b/c", "a/+/#", true },
	{ "a/b", "a/+/#", DEV_MATCH_TOPIC_AS_SECTION_4_7 },
	{ "a", "+/#", DEV_MATCH_TOPIC_AS_SECTION_4_7 },
	{ "a/b", "+/+/#", DEV_MATCH_TOPIC_AS_SECTION_4_7 },
	{ "a/b/c", "+/#", true },
	{ "a", "a/+/#", false },
	{ "b/c", "a/#", false },
	{ "a", "a/b/#", false },
	/* $ topics: no filter starting with a wildcard matches them */
	{ "$SYS/broker", "#", false },
	{ "$SYS/broker", "+/broker", false },
	{ "$SYS/broker", "$SYS/#", true },
	{ "$SYS/broker", "$SYS/+", true },
	{ "$SYS", "$SYS", true },
	{ "$SYS", "$SYS/#", true },
	{ "a/$SYS", "a/+", true },
	{ "a/$SYS", "+/$SYS", true },
	{ "/", "+/+", DEV_MATCH_TOPIC_AS_SECTION_4_7 },
	{ "b", "+/#", DEV_MATCH_TOPIC_AS_SECTION_4_7 },
};

static bool one_case(const struct match_case *c)
{
	char name[64], filter[64];
	bool match = !c->match;
	size_t nl = strlen(c->name), fl = strlen(c->filter);
	MQTTStatus_t st;

	/* Followed by junk, not a NUL: the lengths are what counts. */
	memset(name, 'X', sizeof(name));
	memset(filter, 'X', sizeof(filter));
	memcpy(name, c->name, nl);
	memcpy(filter, c->filter, fl);
	st = MQTT_MatchTopic(name, (uint16_t)nl, filter, (uint16_t)fl, &match);
	if (st == MQTTSuccess && match == c->match)
		return true;
	printf("  \"%s\" vs filter \"%s\": %s, %s (want %s)\n", c->name,
	       c->filter, MQTT_Status_strerror(st), match ? "match" : "no match",
	       c->match ? "match" : "no match");
	return false;
}

static void match_topic_table(void)
{
	size_t i, wrong = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		wrong += !one_case(&cases[i]);
	CHECK_INT(wrong, 0);
}

/* A name with a wildcard, a filter with a misplaced one: no topic name or
 * filter at all. Upstream compares them as plain bytes. */
static void match_topic_invalid_names_and_filters(void)
{
	static const struct match_case invalid[] = {
		{ "a/+", "a/+", true },
		{ "a/#", "a/#", true },
		{ "a/#", "a/+", true },
		{ "ab", "a+", false },
		{ "a/b", "#/b", false },
		{ "a/b/c", "a/#/c", false },
	};
	size_t i, wrong = 0;
	bool match;
	MQTTStatus_t st;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		const struct match_case *c = &invalid[i];

		match = !c->match;
		st = MQTT_MatchTopic(c->name, (uint16_t)strlen(c->name),
				     c->filter, (uint16_t)strlen(c->filter),
				     &match);
		if (DEV_MATCH_TOPIC_AS_SECTION_4_7)
			wrong += st != MQTTBadParameter;
		else
			wrong += st != MQTTSuccess || match != c->match;
	}
	CHECK_INT(wrong, 0);
}

static void match_topic_rejects_bad_arguments(void)
{
	bool match = true;

	CHECK_STATUS(MQTT_MatchTopic(NULL, 1, "a", 1, &match),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_MatchTopic("a", 0, "a", 1, &match),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_MatchTopic("a", 1, NULL, 1, &match),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_MatchTopic("a", 1, "a", 0, &match),
		     MQTTBadParameter);
	CHECK_STATUS(MQTT_MatchTopic("a", 1, "a", 1, NULL), MQTTBadParameter);
	CHECK(match);
}

const struct unit_test topic_tests[] = {
	UNIT_TEST(match_topic_table),
	UNIT_TEST(match_topic_invalid_names_and_filters),
	UNIT_TEST(match_topic_rejects_bad_arguments),
	{ NULL, NULL },
};
