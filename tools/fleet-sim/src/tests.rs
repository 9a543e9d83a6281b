//! The figures on hand-made events, and the simulation against what the
//! component's policy must produce.

use crate::figures::{read_events, Recorder};
use crate::sim::{run, Params, Refusal, SplitMix};
use coremqtt_rs::backoff::Random;

#[test]
fn figures_of_a_small_storm() {
    // 3 devices; broker back at 1000 ms.
    let mut r = Recorder::new(3, 1000.0);
    r.attempt(0, -50.0); // steady state: ignored
    r.connected(0, -40.0); // ditto
    for (d, t) in [(0, 10.0), (1, 20.0), (2, 30.0), (0, 1050.0), (1, 1150.0)] {
        r.attempt(d, t);
    }
    r.connected(0, 1060.0);
    r.attempt(0, 1070.0); // after its reconnection: ignored
    r.connected(1, 1200.0);
    r.attempt(2, 1990.0);
    r.connected(2, 2000.0);
    let f = r.finish();
    assert_eq!(f.attempts, 6);
    // Bins of 100 ms from 0 to 2000 ms (21 bins): 3 in the first, then
    // one each at 1000, 1100, 1900.
    assert_eq!(f.bins.len(), 21);
    assert_eq!(f.bins[0], 3);
    assert_eq!((f.bins[10], f.bins[11], f.bins[19]), (1, 1, 1));
    assert_eq!(f.peak_per_bin, 3);
    assert_eq!(f.peak_per_bin_after_restart, 1);
    assert!((f.mean_per_bin - 6.0 / 21.0).abs() < 1e-9);
    // 50 % = 2nd of 3 (ceil 1.5), 95 % and 100 % = 3rd; from the restart.
    assert_eq!(f.reconnected_ms, [Some(200.0), Some(1000.0), Some(1000.0)]);
    assert_eq!(f.attempts_per_device_max, 2);
    assert!((f.attempts_per_device_mean - 2.0).abs() < 1e-9);
    assert_eq!(f.min_gap_ms, Some(1040.0));
    assert_eq!(f.not_reconnected, 0);
}

#[test]
fn a_device_that_never_reconnects_is_counted() {
    let mut r = Recorder::new(2, 0.0);
    r.attempt(0, 5.0);
    r.connected(0, 6.0);
    r.attempt(1, 7.0);
    let f = r.finish();
    assert_eq!(f.not_reconnected, 1);
    assert_eq!(f.reconnected_ms, [Some(6.0), None, None]);
    assert_eq!(f.min_gap_ms, None);
}

#[test]
fn event_files_are_read_strictly() {
    let text = "t_ms,device,event\n10.5,0,attempt\n20,1,attempt\n30,0,connected\n40,1,connected\n";
    let f = read_events(text, 2, 25.0).unwrap().finish();
    assert_eq!(f.attempts, 2);
    assert_eq!(f.reconnected_ms[2], Some(15.0));
    assert!(read_events("t,d,e\n", 1, 0.0).is_err());
    assert!(read_events("t_ms,device,event\n1,5,attempt\n", 2, 0.0).is_err());
    assert!(read_events("t_ms,device,event\n1,0,knock\n", 2, 0.0).is_err());
    assert!(read_events("t_ms,device,event\nx,0,attempt\n", 2, 0.0).is_err());
}

fn one_device(jitter: bool) -> Params {
    let mut p = Params::new(1);
    p.detect_ms = 0;
    p.rate = 0.0;
    p.jitter = jitter;
    p
}

#[test]
fn one_device_without_jitter_follows_the_exponential_schedule() {
    // Broker away 10 s; noticed at 0, pause 5 s: attempt at 5 s, then
    // floor + ceiling: +1.5 s, +2 s, +3 s -> 11.5 s, after the restart.
    let o = run(&one_device(false));
    let f = &o.figures;
    assert_eq!(f.attempts, 4);
    let at: Vec<usize> = (0..f.bins.len()).filter(|&i| f.bins[i] > 0).collect();
    assert_eq!(at, [50, 65, 85, 115]);
    assert_eq!(f.reconnected_ms[2], Some(1500.0));
    assert_eq!(f.min_gap_ms, Some(1500.0));
}

#[test]
fn exhausted_retries_pause_and_start_over_at_the_base() {
    // Broker away 60 s: 1 + 5 attempts (5 s, 6.5, 8.5, 11.5, 16.5, 22.5),
    // then the 5 s pause: 27.5, 29, 31, 34, 39, 45; pause: 50, 51.5, 53.5,
    // 56.5, 61.5 -> connected.
    let mut p = one_device(false);
    p.outage_ms = 60_000;
    let f = run(&p).figures;
    let at: Vec<usize> = (0..f.bins.len()).filter(|&i| f.bins[i] > 0).collect();
    assert_eq!(
        at,
        [50, 65, 85, 115, 165, 225, 275, 290, 310, 340, 390, 450, 500, 515, 535, 565, 615]
    );
    assert_eq!(f.reconnected_ms[2], Some(1500.0));
}

#[test]
fn without_jitter_a_fleet_retries_in_lockstep() {
    let mut p = Params::new(1000);
    p.detect_ms = 0;
    p.rate = 0.0;
    p.jitter = false;
    let f = run(&p).figures;
    assert_eq!(f.peak_per_bin, 1000);
    assert_eq!(f.peak_per_bin_after_restart, 1000);
    assert_eq!(f.reconnected_ms, [Some(1500.0); 3]);
    // With full jitter the same fleet spreads out after its first attempt
    // (which the fixed pause keeps in lockstep).
    p.jitter = true;
    let f = run(&p).figures;
    assert_eq!(
        f.bins[50], 1000,
        "the first attempt comes after the fixed pause"
    );
    assert!(
        f.peak_per_bin_after_restart < 150,
        "{}",
        f.peak_per_bin_after_restart
    );
}

#[test]
fn the_floor_holds_for_every_device() {
    let mut p = Params::new(20_000);
    p.rate = 200.0;
    let o = run(&p);
    assert!(o.figures.min_gap_ms.unwrap() >= 1000.0);
    assert_eq!(o.client_id_violations, 0);
    assert_eq!(o.figures.not_reconnected, 0);
    // Without the floor, full jitter retries some ids within a second.
    p.floor_ms = 0;
    let o = run(&p);
    assert!(o.figures.min_gap_ms.unwrap() < 50.0);
    assert!(o.client_id_violations > 0);
}

#[test]
fn the_broker_admits_no_more_than_its_rate() {
    let mut p = Params::new(5000);
    p.rate = 100.0;
    let o = run(&p);
    let f = &o.figures;
    assert_eq!(f.not_reconnected, 0);
    // 100 admitted at once (the bucket), then 100 per second.
    let t100 = f.reconnected_ms[2].unwrap();
    assert!(t100 >= (5000.0 - 100.0) / 100.0 * 1000.0, "{t100}");
    assert!(o.refused_for_rate > 0);
    // Every admission is counted once.
    assert_eq!(
        f.attempts - o.refused_for_rate - 5000,
        attempts_before_restart(&p)
    );
}

/// Attempts made while the broker was down, from a rerun without a limit
/// that ends at the restart.
fn attempts_before_restart(p: &Params) -> u64 {
    let mut q = p.clone();
    q.limit_ms = q.outage_ms - 1;
    run(&q).figures.attempts
}

#[test]
fn refusal_at_mqtt_connect_ends_the_iteration() {
    let mut p = Params::new(2000);
    p.rate = 100.0;
    p.refusal = Refusal::Mqtt;
    let o = run(&p);
    assert_eq!(o.figures.not_reconnected, 0);
    // A device refused at CONNECT waits the 5 s pause, never less.
    assert!(o.figures.min_gap_ms.unwrap() >= 1000.0);
}

#[test]
fn a_seed_gives_the_same_storm() {
    let p = Params::new(3000);
    assert_eq!(run(&p), run(&p));
    let mut q = p.clone();
    q.seed = 2;
    assert_ne!(run(&p).figures.bins, run(&q).figures.bins);
}

#[test]
fn random_source_is_uniform_enough() {
    let mut r = SplitMix(7);
    let mut buckets = [0u32; 8];
    for _ in 0..80_000 {
        buckets[(r.random_u32().unwrap() >> 29) as usize] += 1;
    }
    assert!(
        buckets.iter().all(|&n| (9_500..=10_500).contains(&n)),
        "{buckets:?}"
    );
}

#[test]
fn the_event_wheel_keeps_time_order_beyond_its_ring() {
    use crate::sim::Wheel;
    let mut w = Wheel::new(1000); // a ring of 1024 ms
    for (t, d) in [(5, 1), (3000, 2), (5, 3), (1031, 4), (2_000_000, 5), (0, 6)] {
        w.push(t, d);
    }
    let mut out = Vec::new();
    while let Some((t, d)) = w.pop() {
        out.push((t, d));
        if d == 1 {
            w.push(t + 1500, 7); // beyond the ring from here
        }
    }
    let times: Vec<u64> = out.iter().map(|e| e.0).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    assert_eq!(times, [0, 5, 5, 1031, 1505, 3000, 2_000_000]);
    assert_eq!(out.iter().find(|e| e.1 == 7).unwrap().0, 1505);
}

#[test]
fn a_one_at_a_time_broker_queues_a_synchronised_fleet() {
    // 100 devices in lockstep reach a broker that serves one connection per
    // 50 ms: the last is connected 100 * 50 ms after the wave arrives.
    let mut p = Params::new(100);
    p.detect_ms = 0;
    p.rate = 0.0;
    p.jitter = false;
    p.serve_ms = 50;
    let f = run(&p).figures;
    assert_eq!(f.reconnected_ms[0], Some(1500.0 + 50.0 * 50.0));
    assert_eq!(f.reconnected_ms[2], Some(1500.0 + 100.0 * 50.0));
    assert_eq!(f.attempts_per_device_max, 4);
}

#[test]
fn devices_queued_past_their_timeout_give_up_and_pause() {
    // 100 devices in lockstep, one connection per 50 ms, and devices that
    // hang up after 1 s: 20 get through in the first wave, the rest fail,
    // pause 5 s and come back as a smaller wave.
    let mut p = Params::new(100);
    p.detect_ms = 0;
    p.rate = 0.0;
    p.jitter = false;
    p.serve_ms = 50;
    p.give_up_ms = 1000;
    let o = run(&p);
    let f = &o.figures;
    assert_eq!(f.not_reconnected, 0);
    assert_eq!(f.reconnected_ms[0].map(|t| t > 1500.0 + 1000.0), Some(true));
    // The first 20 are served by 11.5 s + 1 s; the 21st cannot be.
    let mut q = p.clone();
    q.devices = 20;
    assert_eq!(
        run(&q).figures.reconnected_ms[2],
        Some(1500.0 + 20.0 * 50.0)
    );
    assert!(
        f.attempts_per_device_max > 4,
        "{}",
        f.attempts_per_device_max
    );
    assert!(f.min_gap_ms.unwrap() >= 1000.0);
}
