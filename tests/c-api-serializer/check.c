// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * check.c - counts checks, prints what differs, runs the tests (main).
 *
 *   c_api_serializer_tests [FILTER]   the tests whose name contains FILTER
 *
 * The last line is the summary the CI test reads:
 *   N tests, M checks: P passed, F failed, K marked
 * (K: checks whose expectation is a marked difference, see check.h).
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

const char *const dev_names[DEV_MARKS] = {
	"DEV_TOPIC", "DEV_UTF8", "DEV_FORBIDDEN", "DEV_REMAINING",
	"DEV_HEADER_NULL", "DEV_DECODE",
};

static unsigned long checks, failed, marked, ours_only;
static unsigned long dev_count[DEV_MARKS];
static bool test_failed;
static const char *current;

void check_marked(int line)
{
	(void)line;
	marked++;
	ours_only++;
}

int check_dev(enum dev_mark mark, int ours, int upstream)
{
	marked++;
	dev_count[mark]++;
	return OURS ? ours : upstream;
}

static bool count(bool ok)
{
	checks++;
	if (!ok) {
		failed++;
		test_failed = true;
	}
	return ok;
}

bool check_expect(const char *file, int line, bool ok, const char *what)
{
	if (!count(ok))
		printf("FAIL %s (%s:%d): %s\n", current, file, line, what);
	return ok;
}

const char *status_name(MQTTStatus_t s)
{
	static const char *const names[] = {
		"MQTTSuccess", "MQTTBadParameter", "MQTTNoMemory",
		"MQTTSendFailed", "MQTTRecvFailed", "MQTTBadResponse",
		"MQTTServerRefused", "MQTTNoDataAvailable", "MQTTIllegalState",
		"MQTTStateCollision", "MQTTKeepAliveTimeout", "MQTTNeedMoreBytes",
	};
	if ((size_t)s < sizeof(names) / sizeof(names[0]))
		return names[s];
	return "(not a status)";
}

bool check_expect_int(const char *file, int line, const char *expr,
		      long long got, long long want)
{
	if (!count(got == want))
		printf("FAIL %s (%s:%d): %s is %lld, want %lld\n", current, file,
		       line, expr, got, want);
	return got == want;
}

static void hex(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 48; i++)
		printf(" %02x", b[i]);
	if (n > 48)
		printf(" ... (%zu bytes)", n);
	printf("\n");
}

bool check_expect_bytes(const char *file, int line, const char *expr,
			const uint8_t *got, size_t got_len,
			const uint8_t *want, size_t want_len)
{
	bool ok = got_len == want_len && memcmp(got, want, got_len) == 0;
	size_t at = 0;

	if (count(ok))
		return true;
	while (at < got_len && at < want_len && got[at] == want[at])
		at++;
	printf("FAIL %s (%s:%d): %s differs at byte %zu\n", current, file, line,
	       expr, at);
	printf("  got: ");
	hex(got + (at > 8 ? at - 8 : 0), got_len - (at > 8 ? at - 8 : 0));
	printf("  want:");
	hex(want + (at > 8 ? at - 8 : 0), want_len - (at > 8 ? at - 8 : 0));
	return false;
}

extern const struct check_test *const all_suites[];

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned long tests = 0, tests_failed = 0;
	const struct check_test *const *suite, *t;
	int m;

	printf("core_mqtt_serializer.h tests against %s\n",
	       OURS ? "this component (libcoremqtt_rs.a)"
		    : "upstream coreMQTT (TEST_UPSTREAM)");
	fill_text();
	for (suite = all_suites; *suite != NULL; suite++)
	for (t = *suite; t->name != NULL; t++) {
		if (filter != NULL && strstr(t->name, filter) == NULL)
			continue;
		current = t->name;
		test_failed = false;
		t->fn();
		tests++;
		if (test_failed)
			tests_failed++;
		printf("%s %s\n", test_failed ? "FAILED" : "ok    ", t->name);
	}
	printf("marked differences:");
	for (m = 0; m < DEV_MARKS; m++)
		printf(" %s %lu", dev_names[m], dev_count[m]);
	printf(" OURS_ONLY %lu\n", ours_only);
	printf("%lu tests, %lu checks: %lu passed, %lu failed, %lu marked\n",
	       tests, checks, checks - failed, failed, marked);
	return failed == 0 && tests_failed == 0 && tests > 0 ? 0 : 1;
}
