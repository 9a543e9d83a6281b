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
//!
//! Two fleet settings sit on top, honoured by [`Backoff::next_wait`] (and so
//! by [`retry`]) but never by [`Backoff::next_delay`], which stays
//! backoffAlgorithm's `BackoffAlgorithm_GetNextBackoff`:
//! * a floor: every wait is `floor + delay`, so one client id never tries
//!   again sooner than the floor (AWS IoT Core accepts one CONNECT per second
//!   per client id). The floor is added, not used as a minimum: clamping the
//!   delays up to the floor would put every draw below it on the same
//!   instant, and a fleet would retry in lockstep at exactly the floor;
//! * the jitter switch: [`Jitter::None`] waits the whole ceiling (plain
//!   exponential backoff), for comparison; fleets should keep
//!   [`Jitter::Full`].

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

/// How [`Backoff::next_wait`] draws a wait from the current ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Uniform in `[0, ceiling]`: `random % (ceiling + 1)` (the default).
    Full,
    /// Exactly the ceiling, no random value used: plain exponential backoff.
    /// Devices that failed together retry together.
    None,
}

/// What to do after a failed attempt ([`Backoff::after_failure`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Wait this many milliseconds, then try again.
    Wait(u32),
    /// The retries are used up.
    Exhausted,
    /// The random source failed, so no wait could be drawn.
    RandomFailed,
}

/// One step of full jitter with backoffAlgorithm's arithmetic: the delay
/// `random % (ceiling + 1)`, and the ceiling for the step after it (doubled
/// while that stays under the cap, else the cap). [`Backoff::next_delay`]
/// and the C API's `BackoffAlgorithm_GetNextBackoff` both step with this.
#[inline(always)]
pub const fn full_jitter(ceiling: u32, cap: u32, random: u32) -> (u32, u32) {
    let delay = match ceiling.checked_add(1) {
        Some(m) => random % m,
        None => random,
    };
    let next = if ceiling < cap / 2 { ceiling * 2 } else { cap };
    (delay, next)
}

/// Backoff state for one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    base_ms: u32,
    cap_ms: u32,
    max_retries: u32,
    retries: u32,
    ceiling_ms: u32,
    floor_ms: u32,
    jitter: Jitter,
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
            floor_ms: 0,
            jitter: Jitter::Full,
        }
    }

    /// The same policy with a floor: [`Backoff::next_wait`] returns
    /// `floor_ms + delay`, so no retry comes sooner than `floor_ms` after a
    /// failure. [`Backoff::next_delay`] ignores it.
    pub const fn with_floor(mut self, floor_ms: u32) -> Self {
        self.floor_ms = floor_ms;
        self
    }

    /// The same policy with another jitter mode for [`Backoff::next_wait`].
    /// [`Backoff::next_delay`] always uses full jitter.
    pub const fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// The floor (0 unless set with [`Backoff::with_floor`]).
    pub const fn floor_ms(&self) -> u32 {
        self.floor_ms
    }

    /// The jitter mode of [`Backoff::next_wait`].
    pub const fn jitter(&self) -> Jitter {
        self.jitter
    }

    /// The ceiling the next delay is drawn under.
    pub const fn ceiling_ms(&self) -> u32 {
        self.ceiling_ms
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
        let (delay, ceiling) = full_jitter(self.ceiling_ms, self.cap_ms, random);
        self.ceiling_ms = ceiling;
        self.retries = self.retries.saturating_add(1);
        Some(delay)
    }

    /// The wait before the next retry with this policy's floor and jitter
    /// mode, or `None` when the retries are exhausted. The ceiling and the
    /// retry count advance exactly as in [`Backoff::next_delay`]; `random`
    /// is not used with [`Jitter::None`]. Saturates at `u32::MAX`.
    pub fn next_wait(&mut self, random: u32) -> Option<u32> {
        // `ceiling % (ceiling + 1)` is the ceiling itself: no jitter.
        let random = match self.jitter {
            Jitter::Full => random,
            Jitter::None => self.ceiling_ms,
        };
        let delay = self.next_delay(random)?;
        Some(self.floor_ms.saturating_add(delay))
    }

    /// After a failed attempt: the wait before the next one, or why there is
    /// none. With full jitter a random value is drawn first, as the AWS demos
    /// draw one before `BackoffAlgorithm_GetNextBackoff`; plain exponential
    /// backoff draws none. [`retry`] is this in a loop; the fleet simulator
    /// (tools/fleet-sim) calls it for each simulated device.
    pub fn after_failure(&mut self, random: &mut dyn Random) -> Next {
        let r = match self.jitter {
            Jitter::Full => match random.random_u32() {
                Some(r) => r,
                None => return Next::RandomFailed,
            },
            Jitter::None => 0,
        };
        match self.next_wait(r) {
            Some(ms) => Next::Wait(ms),
            None => Next::Exhausted,
        }
    }
}

/// What the retry helper reports before each wait, for logging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryInfo {
    /// 1 for the first retry.
    pub attempt: u32,
    /// 0 = forever.
    pub max_retries: u32,
    /// The wait about to happen (floor plus jittered delay).
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

/// Run `op` until it succeeds, waiting the policy's backoff (full jitter
/// above its floor, by default with no floor) between tries. `on_retry` sees
/// each failure with the retry about to happen, before the wait. The backoff
/// is reset on entry.
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
        let delay_ms = match backoff.after_failure(random) {
            Next::Wait(ms) => ms,
            Next::Exhausted => return Err(RetryError::Exhausted(err)),
            Next::RandomFailed => return Err(RetryError::RandomFailed(err)),
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

#[cfg(test)]
mod floor_and_jitter_tests {
    //! The fleet settings: the floor and the jitter switch, and that neither
    //! touches `next_delay` (backoffAlgorithm's semantics).
    use super::*;
    use std::cell::Cell;
    use std::vec::Vec;

    /// xorshift32, counting the values drawn.
    struct Counted {
        state: u32,
        drawn: Cell<u32>,
    }

    impl Counted {
        fn new(seed: u32) -> Self {
            Counted {
                state: seed,
                drawn: Cell::new(0),
            }
        }
    }

    impl Random for Counted {
        fn random_u32(&mut self) -> Option<u32> {
            let mut x = self.state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            self.state = x;
            self.drawn.set(self.drawn.get() + 1);
            Some(x)
        }
    }

    /// A virtual clock: each wait moves it on; `op` records when it ran.
    #[derive(Default)]
    struct Clock {
        now: u64,
        waits: Vec<u32>,
    }

    impl Delay for Clock {
        fn delay_ms(&mut self, ms: u32) {
            self.waits.push(ms);
            self.now += u64::from(ms);
        }
    }

    #[test]
    fn next_delay_ignores_floor_and_jitter_mode() {
        let plain = Backoff::new(500, 5000, RETRY_FOREVER);
        for fleet in [
            plain.with_floor(1000),
            plain.with_jitter(Jitter::None),
            plain.with_floor(7).with_jitter(Jitter::None),
        ] {
            let (mut a, mut b) = (plain, fleet);
            let mut rng = Counted::new(0xC0FF_EE11);
            for _ in 0..50 {
                let r = rng.random_u32().unwrap();
                assert_eq!(a.next_delay(r), b.next_delay(r));
                assert_eq!(a.ceiling_ms(), b.ceiling_ms());
            }
        }
    }

    #[test]
    fn without_a_floor_next_wait_is_next_delay() {
        let mut a = Backoff::new(500, 5000, 5);
        let mut b = a;
        for r in [0, 1, 499, 500, 501, 77_777, u32::MAX, 123_456_789] {
            assert_eq!(a.next_delay(r), b.next_wait(r));
        }
        assert_eq!(b.next_wait(1), None);
    }

    #[test]
    fn full_jitter_waits_floor_plus_a_uniform_draw() {
        let mut rng = Counted::new(99);
        let ceilings = [500u32, 1000, 2000, 4000, 5000, 5000];
        let mut at_floor = 0;
        let mut sum_first = 0u64;
        for _ in 0..10_000 {
            let mut b = Backoff::new(500, 5000, RETRY_FOREVER).with_floor(1000);
            for (i, c) in ceilings.iter().enumerate() {
                let w = b.next_wait(rng.random_u32().unwrap()).unwrap();
                assert!((1000..=1000 + c).contains(&w), "wait {w}, ceiling {c}");
                if w == 1000 {
                    at_floor += 1;
                }
                if i == 0 {
                    sum_first += u64::from(w);
                }
            }
        }
        // Not clamped: hitting the floor exactly is as rare as any other
        // value (about 1 in 501..5001 draws), and the mean of the first wait
        // is floor + 250.
        assert!(at_floor < 60, "{at_floor} of 60,000 waits on the floor");
        let mean = sum_first / 10_000;
        assert!((1230..=1270).contains(&mean), "mean first wait {mean}");
    }

    #[test]
    fn no_jitter_waits_the_ceiling_and_draws_nothing() {
        let mut rng = Counted::new(5);
        let mut b = Backoff::new(500, 5000, 6)
            .with_floor(1000)
            .with_jitter(Jitter::None);
        let mut waits = Vec::new();
        while let Next::Wait(ms) = b.after_failure(&mut rng) {
            waits.push(ms);
        }
        assert_eq!(waits, [1500, 2000, 3000, 5000, 6000, 6000]);
        assert_eq!(rng.drawn.get(), 0);
        // Without a floor: the plain exponential sequence.
        let mut b = Backoff::new(500, 5000, 5).with_jitter(Jitter::None);
        let waits: Vec<_> = (0..5).map(|_| b.next_wait(u32::MAX).unwrap()).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 5000]);
    }

    #[test]
    fn after_failure_reports_exhaustion_and_random_failure() {
        let mut rng = Counted::new(3);
        let mut b = Backoff::new(100, 1000, 2).with_floor(1000);
        assert!(matches!(b.after_failure(&mut rng), Next::Wait(_)));
        assert!(matches!(b.after_failure(&mut rng), Next::Wait(_)));
        assert_eq!(b.after_failure(&mut rng), Next::Exhausted);
        assert_eq!(b.after_failure(&mut rng), Next::Exhausted);
        struct Broken;
        impl Random for Broken {
            fn random_u32(&mut self) -> Option<u32> {
                None
            }
        }
        let mut b = Backoff::new(100, 1000, 2);
        assert_eq!(b.after_failure(&mut Broken), Next::RandomFailed);
        // Plain exponential backoff needs no random value at all.
        let mut b = b.with_jitter(Jitter::None);
        assert_eq!(b.after_failure(&mut Broken), Next::Wait(100));
    }

    #[test]
    fn retry_never_tries_again_sooner_than_the_floor() {
        // The worst draw for the floor: random 0 makes every delay 0.
        struct Zero;
        impl Random for Zero {
            fn random_u32(&mut self) -> Option<u32> {
                Some(0)
            }
        }
        for floor in [1000u32, 250, 1] {
            let mut b = Backoff::new(500, 5000, 5).with_floor(floor);
            let mut clock = Clock::default();
            let mut tries = Vec::new();
            let now = Cell::new(0u64);
            let mut delay = TrackingDelay {
                inner: &mut clock,
                now: &now,
            };
            let r: Result<(), _> = retry(
                &mut b,
                &mut Zero,
                &mut delay,
                || {
                    tries.push(now.get());
                    Err("refused")
                },
                |_, info| assert_eq!(info.delay_ms, floor),
            );
            assert_eq!(r, Err(RetryError::Exhausted("refused")));
            assert_eq!(tries.len(), 6);
            assert_eq!(clock.waits, [floor; 5]);
            for w in tries.windows(2) {
                assert!(w[1] - w[0] >= u64::from(floor), "tries at {tries:?}");
            }
        }
    }

    /// A delay that also publishes the virtual time to the op.
    struct TrackingDelay<'a> {
        inner: &'a mut Clock,
        now: &'a Cell<u64>,
    }

    impl Delay for TrackingDelay<'_> {
        fn delay_ms(&mut self, ms: u32) {
            self.inner.delay_ms(ms);
            self.now.set(self.inner.now);
        }
    }

    #[test]
    fn next_wait_saturates() {
        let mut b = Backoff::new(10, u32::MAX, 1).with_floor(u32::MAX - 5);
        assert_eq!(b.next_wait(10), Some(u32::MAX));
        let mut b = Backoff::new(500, 5000, 1)
            .with_floor(u32::MAX)
            .with_jitter(Jitter::None);
        assert_eq!(b.next_wait(0), Some(u32::MAX));
    }
}
