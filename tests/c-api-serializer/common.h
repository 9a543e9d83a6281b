// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * common.h - buffers and helpers shared by the serializer tests.
 */
#ifndef COMMON_H
#define COMMON_H

#include <string.h>

#include "check.h"
#include "ref.h"

/* Room for the largest CONNECT (five 65,535-byte fields) and then some. */
#define BIG (400U * 1024U)
/* What an untouched buffer byte holds. */
#define CANARY 0xA5U

extern uint8_t out[BIG];
extern uint8_t expected[BIG];
/* 65,535 + 1 bytes of printable ASCII, for long strings and payloads. */
extern char text_bytes[65536];

void fill_text(void);
void fill_canary(uint8_t *b, size_t n);
bool untouched(const uint8_t *b, size_t n);

/* A fixed buffer over `out` of `size` bytes, canary-filled. */
static inline MQTTFixedBuffer_t fixed_out(size_t size)
{
	MQTTFixedBuffer_t b = { out, size };

	fill_canary(out, sizeof(out));
	return b;
}

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#endif /* COMMON_H */
