// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * check.h - checks for the serializer tests, and the marks of every
 * expectation that differs between this component and coreMQTT v2.3.1.
 *
 * The same tests build against this component's staticlib (CI) and, for a
 * local differential check, against upstream's core_mqtt_serializer.c with
 * TEST_UPSTREAM defined (diff-upstream.sh). An expectation written without
 * a mark holds, byte for byte and status for status, on both.
 *
 * DEV(mark, ours, upstream) is the expected value on the build that runs:
 * `ours` on this component, `upstream` on coreMQTT. Each mark names one
 * documented difference (the top of core_mqtt_serializer.h). Checks that
 * would be undefined behaviour on upstream (it writes past a buffer, or
 * dereferences NULL, where the engine refuses) sit under `if (OURS_ONLY)`,
 * and count as marked.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_mqtt_serializer.h"

#ifdef TEST_UPSTREAM
#define OURS 0
#else
#define OURS 1
#endif
#define OURS_ONLY (check_marked(__LINE__), OURS)

/* The documented differences (core_mqtt_serializer.h). */
enum dev_mark {
	DEV_TOPIC,        /* topic names/filters checked as MQTT 3.1.1 says */
	DEV_UTF8,         /* client id, user name, will topic must be UTF-8 */
	DEV_FORBIDDEN,    /* password without user, empty id + persistent
			     session, QoS > 2, DUP on QoS 0, NULL + length */
	DEV_REMAINING,    /* remainingLength must be the packet's own */
	DEV_HEADER_NULL,  /* header builders return NULL for bad arguments */
	DEV_DECODE,       /* received topic names checked as MQTT 3.1.1 says */
	DEV_MARKS
};

extern const char *const dev_names[DEV_MARKS];

void check_marked(int line);
int check_dev(enum dev_mark mark, int ours, int upstream);
bool check_expect(const char *file, int line, bool ok, const char *what);
bool check_expect_int(const char *file, int line, const char *expr,
		      long long got, long long want);
bool check_expect_bytes(const char *file, int line, const char *expr,
			const uint8_t *got, size_t got_len,
			const uint8_t *want, size_t want_len);
const char *status_name(MQTTStatus_t s);

/* The expectation on the build that runs, for a marked difference. */
#define DEV(mark, ours, upstream) check_dev((mark), (int)(ours), (int)(upstream))

#define EXPECT(cond) check_expect(__FILE__, __LINE__, (cond), #cond)
#define EXPECT_INT(got, want) \
	check_expect_int(__FILE__, __LINE__, #got, (long long)(got), \
			 (long long)(want))
#define EXPECT_STATUS(got, want) \
	check_expect_int(__FILE__, __LINE__, #got, (long long)(got), \
			 (long long)(want))
/* want: a string literal of bytes, e.g. "\x40\x02\x00\x07". */
#define EXPECT_BYTES(got, got_len, want) \
	check_expect_bytes(__FILE__, __LINE__, #got, (const uint8_t *)(got), \
			   (got_len), (const uint8_t *)(want), sizeof(want) - 1)
#define EXPECT_MEM(got, got_len, want, want_len) \
	check_expect_bytes(__FILE__, __LINE__, #got, (const uint8_t *)(got), \
			   (got_len), (const uint8_t *)(want), (want_len))

/* A test: a void function, registered in a table (tests.c). */
struct check_test {
	const char *name;
	void (*fn)(void);
};

#endif /* CHECK_H */
