//! Full-jitter backoff: bounds per attempt, exhaustion, distribution, and
//! the retry helper, with deterministic random sources.

use crate::backoff::*;

/// xorshift32: deterministic and good enough for distribution checks.
struct XorShift(u32);

impl Random for XorShift {
    fn random_u32(&mut self) -> Option<u32> {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        Some(x)
    }
}

struct Fixed(u32);

impl Random for Fixed {
    fn random_u32(&mut self) -> Option<u32> {
        Some(self.0)
    }
}

struct Broken;

impl Random for Broken {
    fn random_u32(&mut self) -> Option<u32> {
        None
    }
}

#[derive(Default)]
struct Waits(Vec<u32>);

impl Delay for Waits {
    fn delay_ms(&mut self, ms: u32) {
        self.0.push(ms);
    }
}

#[test]
fn ceiling_doubles_from_base_to_cap() {
    // With random = u32::MAX the delay is MAX % (ceiling + 1): compare with
    // the ceiling sequence 500, 1000, 2000, 4000, 5000, 5000.
    let mut b = Backoff::new(500, 5000, RETRY_FOREVER);
    let ceilings = [500u32, 1000, 2000, 4000, 5000, 5000, 5000];
    for c in ceilings {
        assert_eq!(b.next_delay(u32::MAX), Some(u32::MAX % (c + 1)));
    }
    // random = ceiling gives exactly the ceiling: the bound is inclusive.
    let mut b = Backoff::new(500, 5000, 0);
    for c in ceilings {
        assert_eq!(b.next_delay(c), Some(c));
    }
}

#[test]
fn every_delay_is_within_zero_and_its_ceiling() {
    let mut rng = XorShift(0x1234_5678);
    for _ in 0..200 {
        let mut b = Backoff::new(500, 5000, 5);
        let ceilings = [500u32, 1000, 2000, 4000, 5000];
        for c in ceilings {
            let d = b.next_delay(rng.random_u32().unwrap()).unwrap();
            assert!(d <= c, "{d} > {c}");
        }
        assert_eq!(b.next_delay(1), None);
    }
}

#[test]
fn exhaustion_after_max_retries_and_reset() {
    let mut b = Backoff::new(100, 1000, 3);
    assert!(b.next_delay(7).is_some());
    assert!(b.next_delay(7).is_some());
    assert!(b.next_delay(7).is_some());
    assert_eq!(b.retries(), 3);
    assert_eq!(b.next_delay(7), None);
    assert_eq!(b.next_delay(7), None);
    b.reset();
    assert_eq!(b.retries(), 0);
    assert_eq!(b.next_delay(u32::MAX), Some(u32::MAX % 101));
}

#[test]
fn retry_forever_never_exhausts() {
    let mut b = Backoff::new(1, 8, RETRY_FOREVER);
    for _ in 0..100_000 {
        assert!(b.next_delay(3).unwrap() <= 8);
    }
}

#[test]
fn edge_configurations() {
    // Base above the cap is clamped to the cap.
    let mut b = Backoff::new(9000, 5000, 2);
    assert_eq!(b.next_delay(u32::MAX), Some(u32::MAX % 5001));
    // Cap of u32::MAX: ceiling + 1 would overflow; the delay is the random.
    let mut b = Backoff::new(u32::MAX, u32::MAX, 1);
    assert_eq!(b.next_delay(12345), Some(12345));
    // Zero base: delays are 0 until the ceiling grows... it cannot double 0.
    let mut b = Backoff::new(0, 100, 3);
    assert_eq!(b.next_delay(99), Some(0));
}

#[test]
fn distribution_is_uniform_over_the_ceiling() {
    // 40,000 first-retry delays with ceiling 999 into 10 buckets: each bucket
    // should hold ~4,000; allow +/-10 % (over 8 sigma for binomial noise).
    let mut rng = XorShift(42);
    let mut buckets = [0u32; 10];
    for _ in 0..40_000 {
        let mut b = Backoff::new(999, 5000, 1);
        let d = b.next_delay(rng.random_u32().unwrap()).unwrap();
        buckets[(d / 100) as usize] += 1;
    }
    for (i, n) in buckets.iter().enumerate() {
        assert!((3600..=4400).contains(n), "bucket {i}: {n}");
    }
    // The mean of full jitter is half the ceiling.
    let mut rng = XorShift(7);
    let mut sum = 0u64;
    for _ in 0..20_000 {
        let mut b = Backoff::new(4000, 5000, 1);
        sum += b.next_delay(rng.random_u32().unwrap()).unwrap() as u64;
    }
    let mean = sum / 20_000;
    assert!((1900..=2100).contains(&mean), "mean {mean}");
}

#[test]
fn retry_reports_attempts_and_delays_then_succeeds() {
    let mut b = Backoff::new(500, 5000, 5);
    let mut waits = Waits::default();
    let mut calls = 0;
    let mut seen = Vec::new();
    let r = retry(
        &mut b,
        &mut Fixed(u32::MAX),
        &mut waits,
        || {
            calls += 1;
            if calls < 4 {
                Err(calls)
            } else {
                Ok("up")
            }
        },
        |e, info| seen.push((*e, info)),
    );
    assert_eq!(r, Ok("up"));
    assert_eq!(calls, 4);
    let want: Vec<u32> = [500u32, 1000, 2000]
        .iter()
        .map(|c| u32::MAX % (c + 1))
        .collect();
    assert_eq!(waits.0, want);
    assert_eq!(seen.len(), 3);
    for (i, (e, info)) in seen.iter().enumerate() {
        assert_eq!(*e, i as i32 + 1);
        assert_eq!(info.attempt, i as u32 + 1);
        assert_eq!(info.max_retries, 5);
        assert_eq!(info.delay_ms, want[i]);
    }
}

#[test]
fn retry_gives_up_with_the_last_error() {
    let mut b = Backoff::new(10, 100, 5);
    let mut waits = Waits::default();
    let mut calls = 0;
    let r: Result<(), _> = retry(
        &mut b,
        &mut XorShift(9),
        &mut waits,
        || {
            calls += 1;
            Err(calls)
        },
        |_, _| {},
    );
    // One try plus five retries, as AWS's RETRY_MAX_ATTEMPTS counts them.
    assert_eq!(r, Err(RetryError::Exhausted(6)));
    assert_eq!(waits.0.len(), 5);
    // The helper resets the policy on entry, so it can be reused.
    let r: Result<(), _> = retry(&mut b, &mut XorShift(9), &mut waits, || Err(0), |_, _| {});
    assert_eq!(r, Err(RetryError::Exhausted(0)));
}

#[test]
fn retry_stops_when_the_random_source_fails() {
    let mut b = Backoff::new(10, 100, 5);
    let mut waits = Waits::default();
    let r: Result<(), _> = retry(&mut b, &mut Broken, &mut waits, || Err("down"), |_, _| {});
    assert_eq!(r, Err(RetryError::RandomFailed("down")));
    assert!(waits.0.is_empty());
}
