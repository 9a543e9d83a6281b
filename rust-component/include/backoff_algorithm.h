/*
 * backoff_algorithm.h - exponential backoff with full jitter, with the API
 * of AWS's backoffAlgorithm library (same names, types, layout and status
 * codes), implemented by this component's Rust backoff policy.
 *
 * Each retry waits a random time in [0, ceiling] milliseconds, where the
 * ceiling starts at the base delay and doubles after every retry until it
 * reaches the maximum. The caller supplies the random value (for example
 * from PKCS#11 C_GenerateRandom), so the library needs no random source of
 * its own.
 *
 *     BackoffAlgorithmContext_t retry;
 *     uint16_t waitMs;
 *     BackoffAlgorithm_InitializeParams(&retry, 500, 5000, 5);
 *     while (connect_to_broker() != 0) {
 *             if (BackoffAlgorithm_GetNextBackoff(&retry, random32(), &waitMs)
 *                 == BackoffAlgorithmRetriesExhausted)
 *                     break;
 *             vTaskDelay(pdMS_TO_TICKS(waitMs));
 *     }
 */

#ifndef BACKOFF_ALGORITHM_H_
#define BACKOFF_ALGORITHM_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* maxAttempts value meaning "never stop retrying". */
#define BACKOFF_ALGORITHM_RETRY_FOREVER (UINT32_MAX)

typedef enum BackoffAlgorithmStatus {
	BackoffAlgorithmSuccess = 0,     /* *pNextBackOff holds the next wait */
	BackoffAlgorithmRetriesExhausted /* no retries left (or a NULL argument) */
} BackoffAlgorithmStatus_t;

/* Retry state; the application owns it and may read it. */
typedef struct BackoffAlgorithmContext {
	uint16_t maxBackoffDelay;  /* the ceiling never grows past this (ms) */
	uint32_t attemptsDone;     /* retries handed out so far */
	uint16_t nextJitterMax;    /* the ceiling of the next wait (ms) */
	uint32_t maxRetryAttempts; /* or BACKOFF_ALGORITHM_RETRY_FOREVER */
} BackoffAlgorithmContext_t;

/*
 * Start a retry sequence: the first wait is drawn from [0, backOffBase],
 * later ones from a ceiling doubled each time up to maxBackOff; at most
 * maxAttempts retries. A NULL pContext is ignored.
 */
void BackoffAlgorithm_InitializeParams(BackoffAlgorithmContext_t *pContext,
				       uint16_t backOffBase,
				       uint16_t maxBackOff,
				       uint32_t maxAttempts);

/*
 * The wait before the next retry: randomValue % (ceiling + 1) ms, stored in
 * *pNextBackOff; then the ceiling doubles (capped) and attemptsDone grows.
 * Returns BackoffAlgorithmRetriesExhausted, leaving *pNextBackOff alone,
 * once maxRetryAttempts retries were handed out. Where upstream asserts on
 * a NULL argument, this returns BackoffAlgorithmRetriesExhausted.
 */
BackoffAlgorithmStatus_t
BackoffAlgorithm_GetNextBackoff(BackoffAlgorithmContext_t *pRetryContext,
				uint32_t randomValue, uint16_t *pNextBackOff);

#ifdef __cplusplus
}
#endif

#endif /* BACKOFF_ALGORITHM_H_ */
