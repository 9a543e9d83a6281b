//! `BackoffAlgorithm_InitializeParams` and `BackoffAlgorithm_GetNextBackoff`
//! on the application's `BackoffAlgorithmContext_t`, with the arithmetic of
//! [`crate::backoff::full_jitter`] (the policy the Rust demo uses).

use super::types::{BackoffContext, CEnum};
use crate::backoff::full_jitter;

/// `BackoffAlgorithmSuccess`.
pub const SUCCESS: CEnum = 0;
/// `BackoffAlgorithmRetriesExhausted`.
pub const RETRIES_EXHAUSTED: CEnum = 1;
/// `BACKOFF_ALGORITHM_RETRY_FOREVER`.
pub const RETRY_FOREVER: u32 = u32::MAX;

/// Start a retry sequence (see `backoff_algorithm.h`).
///
/// # Safety
/// `ctx` is NULL or points to writable storage for the context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BackoffAlgorithm_InitializeParams(
    ctx: *mut BackoffContext,
    base_ms: u16,
    max_ms: u16,
    max_attempts: u32,
) {
    if ctx.is_null() {
        return;
    }
    let c = BackoffContext {
        max_backoff_delay: max_ms,
        attempts_done: 0,
        next_jitter_max: base_ms,
        max_retry_attempts: max_attempts,
    };
    // SAFETY: not NULL; the caller's storage for a context.
    unsafe { ctx.write(c) };
}

/// The wait before the next retry (see `backoff_algorithm.h`).
///
/// # Safety
/// Each pointer is NULL or valid for reads and writes of its type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn BackoffAlgorithm_GetNextBackoff(
    ctx: *mut BackoffContext,
    random: u32,
    next_ms: *mut u16,
) -> CEnum {
    if ctx.is_null() || next_ms.is_null() {
        return RETRIES_EXHAUSTED;
    }
    // SAFETY: not NULL; the caller's context, used by this call alone.
    let c = unsafe { &mut *ctx };
    if c.max_retry_attempts != RETRY_FOREVER && c.attempts_done >= c.max_retry_attempts {
        return RETRIES_EXHAUSTED;
    }
    let (delay, ceiling) = full_jitter(
        u32::from(c.next_jitter_max),
        u32::from(c.max_backoff_delay),
        random,
    );
    // Both fit: the delay is at most the old ceiling and the new ceiling at
    // most the cap, both u16 values.
    // SAFETY: not NULL; the caller's variable.
    unsafe { next_ms.write(delay as u16) };
    c.next_jitter_max = ceiling as u16;
    c.attempts_done = c.attempts_done.wrapping_add(1);
    SUCCESS
}
