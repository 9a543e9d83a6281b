// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * test_backoff.c - BackoffAlgorithm_InitializeParams and
 * BackoffAlgorithm_GetNextBackoff: exact waits for given random values
 * (randomValue % (ceiling + 1)), the doubling ceiling and its cap,
 * exhaustion and BACKOFF_ALGORITHM_RETRY_FOREVER.
 */
#include <string.h>

#include "backoff_algorithm.h"
#include "deviations.h"
#include "unit.h"

static BackoffAlgorithmContext_t retry;

/* One step: status, the wait, and the ceiling for the step after. */
static bool step(uint32_t random, BackoffAlgorithmStatus_t status,
		 uint16_t wait, uint16_t next_ceiling)
{
	uint16_t got = 0xbeef;

	return EXPECT_INT(BackoffAlgorithm_GetNextBackoff(&retry, random, &got),
			  status) &&
	       EXPECT_INT(got, status == BackoffAlgorithmSuccess ? wait : 0xbeef) &&
	       EXPECT_INT(retry.nextJitterMax, next_ceiling);
}

static void initialize_sets_every_field(void)
{
	memset(&retry, 0xff, sizeof(retry));
	BackoffAlgorithm_InitializeParams(&retry, 500, 5000, 3);
	CHECK_INT(retry.nextJitterMax, 500);
	CHECK_INT(retry.maxBackoffDelay, 5000);
	CHECK_INT(retry.maxRetryAttempts, 3);
	CHECK_INT(retry.attemptsDone, 0);
}

static void waits_are_random_modulo_a_doubling_ceiling(void)
{
	BackoffAlgorithm_InitializeParams(&retry, 500, 5000, 3);
	CHECK(step(1234, BackoffAlgorithmSuccess, 232, 1000));
	CHECK_INT(retry.attemptsDone, 1);
	CHECK(step(1234, BackoffAlgorithmSuccess, 233, 2000));
	CHECK(step(UINT32_MAX, BackoffAlgorithmSuccess, 885, 4000));
	CHECK_INT(retry.attemptsDone, 3);
	CHECK(step(7, BackoffAlgorithmRetriesExhausted, 0, 4000));
	CHECK(step(7, BackoffAlgorithmRetriesExhausted, 0, 4000));
	CHECK_INT(retry.attemptsDone, 3);
}

static void ceiling_stops_at_the_maximum(void)
{
	BackoffAlgorithm_InitializeParams(&retry, 1000, 3000, 10);
	CHECK(step(2999, BackoffAlgorithmSuccess, 997, 2000));
	CHECK(step(2999, BackoffAlgorithmSuccess, 998, 3000));
	CHECK(step(2999, BackoffAlgorithmSuccess, 2999, 3000));
	CHECK(step(0, BackoffAlgorithmSuccess, 0, 3000));
	CHECK(step(3001, BackoffAlgorithmSuccess, 0, 3000));
}

/* A base above the maximum is used once, then the maximum. */
static void base_above_the_maximum(void)
{
	BackoffAlgorithm_InitializeParams(&retry, 3000, 1000, 5);
	CHECK(step(2999, BackoffAlgorithmSuccess, 2999, 1000));
	CHECK(step(2999, BackoffAlgorithmSuccess, 997, 1000));
}

static void largest_values(void)
{
	BackoffAlgorithm_InitializeParams(&retry, UINT16_MAX, UINT16_MAX, 2);
	CHECK(step(UINT32_MAX, BackoffAlgorithmSuccess, 65535, 65535));
	CHECK(step(123456789, BackoffAlgorithmSuccess, 123456789 % 65536,
		   65535));
	CHECK(step(1, BackoffAlgorithmRetriesExhausted, 0, 65535));
	BackoffAlgorithm_InitializeParams(&retry, 0, 0, 1);
	CHECK(step(UINT32_MAX, BackoffAlgorithmSuccess, 0, 0));
}

static void zero_attempts_is_exhausted_at_once(void)
{
	BackoffAlgorithm_InitializeParams(&retry, 100, 1000, 0);
	CHECK(step(1, BackoffAlgorithmRetriesExhausted, 0, 100));
	CHECK_INT(retry.attemptsDone, 0);
}

static void retry_forever_never_exhausts(void)
{
	uint32_t i, wrong = 0;
	uint16_t wait;

	BackoffAlgorithm_InitializeParams(&retry, 10, 4000,
					  BACKOFF_ALGORITHM_RETRY_FOREVER);
	for (i = 0; i < 100000; i++) {
		if (BackoffAlgorithm_GetNextBackoff(&retry, i * 2654435761U,
						    &wait) !=
			    BackoffAlgorithmSuccess ||
		    wait > 4000)
			wrong++;
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(retry.attemptsDone, 100000);
	CHECK_INT(retry.nextJitterMax, 4000);
	/* attemptsDone wraps without ending the sequence. */
	retry.attemptsDone = UINT32_MAX;
	CHECK(step(5, BackoffAlgorithmSuccess, 5, 4000));
	CHECK_INT(retry.attemptsDone, 0);
}

/* The largest finite count is a count, not "forever". */
static void largest_finite_attempt_count(void)
{
	BackoffAlgorithm_InitializeParams(&retry, 10, 20, UINT32_MAX - 1);
	retry.attemptsDone = UINT32_MAX - 2;
	CHECK(step(5, BackoffAlgorithmSuccess, 5, 20));
	CHECK(step(5, BackoffAlgorithmRetriesExhausted, 0, 20));
}

static void null_arguments(void)
{
	uint16_t wait = 7;

	if (!DEV_BACKOFF_NULL)
		return;
	BackoffAlgorithm_InitializeParams(NULL, 1, 2, 3);
	BackoffAlgorithm_InitializeParams(&retry, 100, 1000, 3);
	CHECK_INT(BackoffAlgorithm_GetNextBackoff(NULL, 1, &wait),
		  BackoffAlgorithmRetriesExhausted);
	CHECK_INT(BackoffAlgorithm_GetNextBackoff(&retry, 1, NULL),
		  BackoffAlgorithmRetriesExhausted);
	CHECK_INT(wait, 7);
	CHECK_INT(retry.attemptsDone, 0);
}

const struct unit_test backoff_tests[] = {
	UNIT_TEST(initialize_sets_every_field),
	UNIT_TEST(waits_are_random_modulo_a_doubling_ceiling),
	UNIT_TEST(ceiling_stops_at_the_maximum),
	UNIT_TEST(base_above_the_maximum),
	UNIT_TEST(largest_values),
	UNIT_TEST(zero_attempts_is_exhausted_at_once),
	UNIT_TEST(retry_forever_never_exhausts),
	UNIT_TEST(largest_finite_attempt_count),
	UNIT_TEST(null_arguments),
	{ NULL, NULL },
};
