// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * log_format_test.c - host unit test of DemoLog_FormatLine() (log_format.c).
 * Built and run by run_log_format_test.sh. Exit status 0 when all pass.
 */
#include <stdio.h>
#include <string.h>

#include "log_format.h"

/* Room past the capacity under test, filled with CANARY to catch overruns. */
#define SLACK 16
#define CANARY '#'

static char buf[DEMO_LOG_LINE_MAX + SLACK];
static int failures;

static void print_bytes(const char *what, const char *s, size_t len)
{
	size_t i;

	printf("  %s (%zu bytes): \"", what, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			printf("\\n");
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

/*
 * Formats into the first @cap bytes of buf and compares the result with
 * @want (@want_len bytes); also checks nothing was written past @cap.
 */
static void check(const char *name, size_t cap, uint64_t tick, int32_t level,
		  const char *message, size_t length, const char *want,
		  size_t want_len)
{
	size_t len;
	size_t i;

	memset(buf, CANARY, sizeof(buf));
	len = DemoLog_FormatLine(buf, cap, tick, level, message, length);

	if (len != want_len || memcmp(buf, want, want_len) != 0) {
		printf("FAIL %s\n", name);
		print_bytes("want", want, want_len);
		print_bytes("got ", buf, len <= cap ? len : cap);
		failures++;
		return;
	}
	for (i = cap; i < sizeof(buf); i++) {
		if (buf[i] != CANARY) {
			printf("FAIL %s: byte %zu past the capacity %zu written\n",
			       name, i, cap);
			failures++;
			return;
		}
	}
	printf("ok   %s\n", name);
}

/* As check(), for a NUL-terminated message and expected line. */
static void check_str(const char *name, uint64_t tick, int32_t level,
		      const char *message, const char *want)
{
	check(name, DEMO_LOG_LINE_MAX, tick, level, message, strlen(message),
	      want, strlen(want));
}

static void test_levels(void)
{
	check_str("error", 0, DEMO_LOG_ERROR, "e", "[0] [ERROR] e\n");
	check_str("warn", 1, DEMO_LOG_WARN, "w", "[1] [WARN] w\n");
	check_str("info", 12, DEMO_LOG_INFO, "i", "[12] [INFO] i\n");
	check_str("debug", 345, DEMO_LOG_DEBUG, "d", "[345] [DEBUG] d\n");
	check_str("unknown level 0", 7, 0, "x", "[7] [L0] x\n");
	check_str("unknown level 5", 7, 5, "x", "[7] [L5] x\n");
	check_str("unknown level -1", 7, -1, "x", "[7] [L-1] x\n");
	check_str("unknown level INT32_MAX", 7, INT32_MAX, "x",
		  "[7] [L2147483647] x\n");
	check_str("unknown level INT32_MIN", 7, INT32_MIN, "x",
		  "[7] [L-2147483648] x\n");
}

static void test_ticks(void)
{
	check_str("tick 10", 10, DEMO_LOG_INFO, "m", "[10] [INFO] m\n");
	check_str("tick UINT32_MAX", UINT32_MAX, DEMO_LOG_INFO, "m",
		  "[4294967295] [INFO] m\n");
	check_str("tick 2^32", (uint64_t)UINT32_MAX + 1, DEMO_LOG_INFO, "m",
		  "[4294967296] [INFO] m\n");
	check_str("tick UINT64_MAX", UINT64_MAX, DEMO_LOG_INFO, "m",
		  "[18446744073709551615] [INFO] m\n");
}

static void test_messages(void)
{
	static const char with_nul[] = { 'a', '\0', 'b' };
	static const char want_nul[] = "[3] [INFO] a\0b\n";

	check_str("empty message", 3, DEMO_LOG_INFO, "", "[3] [INFO] \n");
	check("NULL message, length 0", DEMO_LOG_LINE_MAX, 3, DEMO_LOG_INFO,
	      NULL, 0, "[3] [INFO] \n", 12);
	check("NULL message, length 5 (taken as empty)", DEMO_LOG_LINE_MAX, 3,
	      DEMO_LOG_INFO, NULL, 5, "[3] [INFO] \n", 12);
	check("only the first length bytes", DEMO_LOG_LINE_MAX, 3,
	      DEMO_LOG_INFO, "abcdef", 3, "[3] [INFO] abc\n", 15);
	check("embedded NUL copied", DEMO_LOG_LINE_MAX, 3, DEMO_LOG_INFO,
	      with_nul, sizeof(with_nul), want_nul, sizeof(want_nul) - 1);
	check_str("trailing newline kept, one more added", 3, DEMO_LOG_INFO,
		  "line\n", "[3] [INFO] line\n\n");
	check_str("inner newline copied", 3, DEMO_LOG_INFO, "a\nb",
		  "[3] [INFO] a\nb\n");
}

/*
 * Lines around the capacity: "[9] [INFO] " is 11 bytes, so a message of
 * cap - 12 bytes fits exactly with its newline; one more byte is cut to
 * cap - 15 bytes followed by "...\n".
 */
static void test_truncation(void)
{
	static const char prefix[] = "[9] [INFO] ";
	static char msg[2 * DEMO_LOG_LINE_MAX];
	static char want[DEMO_LOG_LINE_MAX + 1];
	const size_t plen = sizeof(prefix) - 1;
	const size_t caps[] = { DEMO_LOG_LINE_MAX, DEMO_LOG_FORMAT_MIN_CAP + 1,
				DEMO_LOG_FORMAT_MIN_CAP };
	size_t i;
	size_t k;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);

	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		size_t cap = caps[k];
		size_t fit = cap - plen - 1;
		size_t kept = cap - plen - 4;
		char name[80];

		memcpy(want, prefix, plen);
		memcpy(&want[plen], msg, fit);
		want[plen + fit] = '\n';
		snprintf(name, sizeof(name), "cap %zu: exact fit", cap);
		check(name, cap, 9, DEMO_LOG_INFO, msg, fit, want, cap);

		if (fit > 0) {
			want[plen + fit - 1] = '\n';
			snprintf(name, sizeof(name), "cap %zu: one short", cap);
			check(name, cap, 9, DEMO_LOG_INFO, msg, fit - 1, want,
			      cap - 1);
		}

		memcpy(&want[plen + kept], "...\n", 4);
		snprintf(name, sizeof(name), "cap %zu: one over, cut", cap);
		check(name, cap, 9, DEMO_LOG_INFO, msg, fit + 1, want, cap);
		snprintf(name, sizeof(name), "cap %zu: far over, cut", cap);
		check(name, cap, 9, DEMO_LOG_INFO, msg, sizeof(msg), want, cap);
	}

	/* The longest prefix still leaves room for the mark. */
	check("longest prefix at the smallest capacity",
	      DEMO_LOG_FORMAT_MIN_CAP, UINT64_MAX, INT32_MIN, msg, sizeof(msg),
	      "[18446744073709551615] [L-2147483648] ...\n",
	      DEMO_LOG_FORMAT_MIN_CAP);
}

static void test_bad_arguments(void)
{
	check("capacity below the minimum", DEMO_LOG_FORMAT_MIN_CAP - 1, 1,
	      DEMO_LOG_INFO, "x", 1, "", 0);
	check("capacity 0", 0, 1, DEMO_LOG_INFO, "x", 1, "", 0);
	if (DemoLog_FormatLine(NULL, DEMO_LOG_LINE_MAX, 1, DEMO_LOG_INFO, "x",
			       1) != 0) {
		printf("FAIL NULL buffer: nonzero length\n");
		failures++;
	} else {
		printf("ok   NULL buffer\n");
	}
}

int main(void)
{
	test_levels();
	test_ticks();
	test_messages();
	test_truncation();
	test_bad_arguments();

	if (failures) {
		printf("log_format_test: %d failure(s)\n", failures);
		return 1;
	}
	printf("log_format_test: all passed\n");
	return 0;
}
