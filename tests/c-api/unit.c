// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * unit.c - runs the tests of unit.h and reports, one line per test:
 *   ok    suite.test
 *   FAIL  suite.test        (preceded by what differed)
 *   KNOWN suite.test        (a known issue of deviations.h, not a failure)
 * and a summary line the CI test looks for.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

static unsigned checks;
static bool failed;     /* the running test failed */
static bool known;      /* the running test hit a known issue */

static void where(const char *file, int line)
{
	const char *base = strrchr(file, '/');

	printf("  %s:%d: ", base ? base + 1 : file, line);
}

bool unit_expect(const char *file, int line, bool ok, const char *what)
{
	checks++;
	if (ok)
		return true;
	where(file, line);
	printf("check failed: %s\n", what);
	failed = true;
	return false;
}

bool unit_expect_int(const char *file, int line, const char *expr,
		     long long got, long long want)
{
	checks++;
	if (got == want)
		return true;
	where(file, line);
	printf("%s is %lld, want %lld\n", expr, got, want);
	failed = true;
	return false;
}

bool unit_expect_status(const char *file, int line, const char *expr,
			MQTTStatus_t got, MQTTStatus_t want)
{
	checks++;
	if (got == want)
		return true;
	where(file, line);
	printf("%s is %s, want %s\n", expr, MQTT_Status_strerror(got),
	       MQTT_Status_strerror(want));
	failed = true;
	return false;
}

static void hex(const char *label, const uint8_t *p, size_t len)
{
	size_t i;

	printf("    %s (%zu):", label, len);
	for (i = 0; i < len; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

bool unit_expect_bytes(const char *file, int line, const char *expr,
		       const uint8_t *got, size_t got_len,
		       const uint8_t *want, size_t want_len)
{
	size_t i = 0;

	checks++;
	if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0))
		return true;
	while (i < got_len && i < want_len && got[i] == want[i])
		i++;
	where(file, line);
	printf("%s differs at byte %zu\n", expr, i);
	hex("got ", got, got_len);
	hex("want", want, want_len);
	failed = true;
	return false;
}

bool unit_known(const char *file, int line, const char *issue, int present,
		bool ok, const char *what)
{
	if (!present)
		return unit_expect(file, line, ok, what);
	checks++;
	where(file, line);
	if (ok) {
		printf("%s no longer shows (%s holds): remove the mark\n",
		       issue, what);
		failed = true;
		return false;
	}
	printf("known issue %s: %s does not hold\n", issue, what);
	known = true;
	return false;
}

static bool selected(const char *suite, const char *test, const char *filter)
{
	char name[128];

	if (!filter)
		return true;
	snprintf(name, sizeof(name), "%s.%s", suite, test);
	return strstr(name, filter) != NULL;
}

int unit_run(const struct unit_suite *suites, const char *filter)
{
	unsigned run = 0, bad = 0, known_count = 0;
	const struct unit_suite *s;
	const struct unit_test *t;

	for (s = suites; s->name; s++) {
		for (t = s->tests; t->name; t++) {
			if (!selected(s->name, t->name, filter))
				continue;
			failed = false;
			known = false;
			t->fn();
			run++;
			if (failed)
				bad++;
			else if (known)
				known_count++;
			printf("%-5s %s.%s\n",
			       failed ? "FAIL" : known ? "KNOWN" : "ok",
			       s->name, t->name);
		}
	}
	printf("%u tests, %u checks: %u passed, %u failed, %u known issues\n",
	       run, checks, run - bad - known_count, bad, known_count);
	return bad == 0 && run > 0 ? 0 : 1;
}
