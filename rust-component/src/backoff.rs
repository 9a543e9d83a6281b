//! Exponential backoff with full jitter (AWS backoffAlgorithm semantics).
//!
//! Each retry waits `random % (ceiling + 1)` milliseconds. The ceiling starts
//! at the base delay and doubles after every retry until it reaches the cap.
//! The random value comes from a [`Random`] source, which the FreeRTOS build
//! binds to PKCS#11 `C_GenerateRandom`.
//!
//! Decision: this policy is our own (about 40 lines) rather than a crate.
//! The `backoff` crate is std-only and unmaintained (RUSTSEC-2025-0012).
//! `backon` builds `no_std`, but its jitter adds a random fraction on top of
//! the exponential delay instead of drawing the whole delay uniformly from
//! `[0, ceiling]` ("full jitter"), and its builders would pull its iterator
//! machinery into a 6 KB budget for the sake of one modulo. The policy here
//! matches AWS's C library bit for bit, so logs from either compare directly.

/// A source of random numbers for jitter.
pub trait Random {
    /// A uniformly distributed value, or `None` when the generator failed.
    fn random_u32(&mut self) -> Option<u32>;
}

/// A way to wait, e.g. `vTaskDelay`.
pub trait Delay {
    fn delay_ms(&mut self, ms: u32);
}

/// `max_retries` value meaning "never give up".
pub const RETRY_FOREVER: u32 = 0;

/// Backoff state for one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    base_ms: u32,
    cap_ms: u32,
    max_retries: u32,
    retries: u32,
    ceiling_ms: u32,
}

impl Backoff {
    /// `max_retries` counts retries after the first try ([`RETRY_FOREVER`] =
    /// unlimited). A base above the cap is clamped to the cap.
    pub const fn new(base_ms: u32, cap_ms: u32, max_retries: u32) -> Self {
        let base_ms = if base_ms > cap_ms { cap_ms } else { base_ms };
        Backoff {
            base_ms,
            cap_ms,
            max_retries,
            retries: 0,
            ceiling_ms: base_ms,
        }
    }

    /// Start over, as after a success.
    pub fn reset(&mut self) {
        self.retries = 0;
        self.ceiling_ms = self.base_ms;
    }

    /// Retries handed out so far.
    pub const fn retries(&self) -> u32 {
        self.retries
    }

    /// The configured retry limit (0 = forever).
    pub const fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before the next retry, drawn from `random`, or `None` when
    /// the retries are exhausted.
    pub fn next_delay(&mut self, random: u32) -> Option<u32> {
        if self.max_retries != RETRY_FOREVER && self.retries >= self.max_retries {
            return None;
        }
        let delay = match self.ceiling_ms.checked_add(1) {
            Some(m) => random % m,
            None => random,
        };
        self.ceiling_ms = if self.ceiling_ms < self.cap_ms / 2 {
            self.ceiling_ms * 2
        } else {
            self.cap_ms
        };
        self.retries = self.retries.saturating_add(1);
        Some(delay)
    }
}

/// What the retry helper reports before each wait, for logging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryInfo {
    /// 1 for the first retry.
    pub attempt: u32,
    /// 0 = forever.
    pub max_retries: u32,
    /// The jittered delay about to be waited.
    pub delay_ms: u32,
}

/// Why [`retry`] gave up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryError<E> {
    /// Every retry failed; the last error.
    Exhausted(E),
    /// The random source failed; the last error of the operation.
    RandomFailed(E),
}

/// Run `op` until it succeeds, waiting a full-jitter backoff delay between
/// tries. `on_retry` sees each failure with the retry about to happen, before
/// the wait. The backoff is reset on entry.
pub fn retry<T, E>(
    backoff: &mut Backoff,
    random: &mut dyn Random,
    delay: &mut dyn Delay,
    mut op: impl FnMut() -> Result<T, E>,
    mut on_retry: impl FnMut(&E, RetryInfo),
) -> Result<T, RetryError<E>> {
    backoff.reset();
    loop {
        let err = match op() {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let Some(r) = random.random_u32() else {
            return Err(RetryError::RandomFailed(err));
        };
        let Some(delay_ms) = backoff.next_delay(r) else {
            return Err(RetryError::Exhausted(err));
        };
        let info = RetryInfo {
            attempt: backoff.retries(),
            max_retries: backoff.max_retries(),
            delay_ms,
        };
        on_retry(&err, info);
        delay.delay_ms(delay_ms);
    }
}
