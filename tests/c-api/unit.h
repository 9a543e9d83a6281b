// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * unit.h - the smallest test framework that does the job.
 *
 * A test is a void function. CHECK_* macros compare, print what differs
 * (file:line, the expression, both values) and return from the test at the
 * first failure. Helpers that return bool use the EXPECT_* forms, which
 * only report and evaluate to the comparison's result.
 *
 * Known issues (see deviations.h): CHECK_KNOWN(issue, cond) is a CHECK on
 * the reference build; where the issue is present, a failing cond is
 * counted as known (and ends the test), a passing one is a failure that
 * asks for the mark to be removed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_mqtt.h"

/* One test: its name and function. */
struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_TEST(fn) { #fn, fn }

/* A suite: a NULL-terminated table of tests. */
struct unit_suite {
	const char *name;
	const struct unit_test *tests;
};

bool unit_expect(const char *file, int line, bool ok, const char *what);
bool unit_expect_int(const char *file, int line, const char *expr,
		     long long got, long long want);
bool unit_expect_status(const char *file, int line, const char *expr,
			MQTTStatus_t got, MQTTStatus_t want);
bool unit_expect_bytes(const char *file, int line, const char *expr,
		       const uint8_t *got, size_t got_len,
		       const uint8_t *want, size_t want_len);
bool unit_known(const char *file, int line, const char *issue, int present,
		bool ok, const char *what);

/* Run the suites; tests whose "suite.name" contains filter (NULL: all). */
int unit_run(const struct unit_suite *suites, const char *filter);

#define EXPECT(cond) unit_expect(__FILE__, __LINE__, (cond), #cond)
#define EXPECT_INT(got, want) \
	unit_expect_int(__FILE__, __LINE__, #got, (long long)(got), \
			(long long)(want))
#define EXPECT_STATUS(got, want) \
	unit_expect_status(__FILE__, __LINE__, #got, (got), (want))
/* want is a string literal of bytes, e.g. "\x40\x02\x00\x07". */
#define EXPECT_BYTES(got, got_len, want) \
	unit_expect_bytes(__FILE__, __LINE__, #got, (const uint8_t *)(got), \
			  (got_len), (const uint8_t *)(want), sizeof(want) - 1)

#define CHECK(cond) do { if (!EXPECT(cond)) return; } while (0)
#define CHECK_INT(got, want) do { if (!EXPECT_INT(got, want)) return; } while (0)
#define CHECK_STATUS(got, want) \
	do { if (!EXPECT_STATUS(got, want)) return; } while (0)
#define CHECK_BYTES(got, got_len, want) \
	do { if (!EXPECT_BYTES(got, got_len, want)) return; } while (0)
#define CHECK_KNOWN(issue, cond) \
	do { \
		if (!unit_known(__FILE__, __LINE__, #issue, (issue), (cond), \
				#cond)) \
			return; \
	} while (0)

#endif /* UNIT_H */
