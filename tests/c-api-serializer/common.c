// SPDX-License-Identifier: MIT OR Apache-2.0
/* common.c - the shared buffers, and the list of test tables. */
#include "common.h"
#include "tests.h"

uint8_t out[BIG];
uint8_t expected[BIG];
char text_bytes[65536];

/* Letters: a valid topic name or filter of any length, one level. */
void fill_text(void)
{
	size_t i;

	for (i = 0; i < sizeof(text_bytes); i++)
		text_bytes[i] = (char)('a' + i % 26U);
}

void fill_canary(uint8_t *b, size_t n)
{
	memset(b, CANARY, n);
}

bool untouched(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (b[i] != CANARY)
			return false;
	}
	return true;
}

const struct check_test *const all_suites[] = {
	connect_tests, publish_tests, subscribe_tests, small_tests,
	incoming_tests, NULL,
};
