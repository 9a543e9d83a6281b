//! A fleet of devices running the demo's reconnect flow in virtual time
//! against a broker that goes away for a while and then accepts at most R
//! connections per second.
//!
//! Every device is connected when the broker goes away (t = 0), as in
//! tools/fleet's fleet mode. Each notices at a uniform time in
//! `[0, detect_ms]` (the demo notices a dead connection at its next publish),
//! ends the iteration, pauses [`DemoConfig::iteration_pause_ms`], and starts
//! the next iteration: a TLS connect retried under the policy
//! [`DemoConfig::backoff`] builds, one [`Backoff::after_failure`] per failed
//! attempt (exactly what `retry()` does in the firmware); when the retries
//! are used up, the iteration fails and the pause comes again. The delays
//! come from rust-component's own code; only the random numbers (the
//! firmware's PKCS#11 `C_GenerateRandom`) and the broker are modelled here.
//!
//! The broker refuses every attempt while it is down (t < outage). After
//! that a token bucket of `burst` tokens refilled at `rate` per second
//! admits attempts; an admitted attempt is connected `connect_ms` later (or,
//! with `serve_ms`, after waiting its turn at a one-at-a-time server). A
//! refused attempt fails at once: at the TLS connect (the device backs off)
//! or, with [`Refusal::Mqtt`], at MQTT CONNECT after TLS succeeded (the
//! iteration fails and the device pauses, as the demo does on a refused
//! CONNACK).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use coremqtt_rs::backoff::{Backoff, Next, Random};
use coremqtt_rs::demo::DemoConfig;

use crate::figures::{Figures, Recorder};

/// Where the broker refuses an attempt beyond its rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The connection is refused (TCP reset or TLS alert): the demo retries
    /// with its backoff.
    Tls,
    /// TLS succeeds, MQTT CONNECT is refused: the demo's iteration fails.
    Mqtt,
}

/// One simulation's settings.
#[derive(Clone, Debug)]
pub struct Params {
    pub devices: usize,
    /// How long the broker is away, ms.
    pub outage_ms: u64,
    /// Connections admitted per second after the restart; 0 = no limit.
    pub rate: f64,
    /// Token bucket size (a burst the broker admits at once); 0 = `rate`.
    pub burst: f64,
    pub refusal: Refusal,
    /// democonfigRETRY_BACKOFF_BASE_MS, _MAX_BACKOFF_DELAY_MS,
    /// _MAX_ATTEMPTS, _MIN_DELAY_MS, _JITTER.
    pub base_ms: u32,
    pub cap_ms: u32,
    pub retries: u32,
    pub floor_ms: u32,
    pub jitter: bool,
    /// democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS.
    pub pause_ms: u32,
    /// Devices notice the broker is gone within this time.
    pub detect_ms: u32,
    /// An admitted attempt is connected (CONNACK) this much later.
    pub connect_ms: u32,
    /// 0, or the broker serves admitted connections one at a time, this
    /// long each (TLS handshake and CONNECT), first come first served: a
    /// small broker's (or this machine's) handshake capacity. Admitted
    /// attempts queue; none is refused for it.
    pub serve_ms: u32,
    /// 0, or a device whose admitted attempt is not connected within this
    /// many of its own ms gives up (the demo's CONNACK timeout): the
    /// iteration fails and it pauses. The server is busy with it until then
    /// at most.
    pub give_up_ms: u32,
    /// Real milliseconds per millisecond of the devices' clocks: every wait
    /// a device times (pause, backoff) lasts this many times longer. 1 for
    /// real devices; the FreeRTOS POSIX simulator's tick runs slow under
    /// load, and tools/fleet measures by how much.
    pub time_scale: f64,
    pub seed: u64,
    /// Stop after this much virtual time even if devices are still out.
    pub limit_ms: u64,
}

impl Params {
    /// The reference demo's backoff (500 ms base, 5 s cap, 5 retries per
    /// iteration, 5 s between iterations) with the 1 s floor and full
    /// jitter, AWS IoT Core's default connect quota of 500 per second, and
    /// tools/fleet's defaults (10 s outage, devices publishing every 500 ms).
    pub fn new(devices: usize) -> Self {
        Params {
            devices,
            outage_ms: 10_000,
            rate: 500.0,
            burst: 0.0,
            refusal: Refusal::Tls,
            base_ms: 500,
            cap_ms: 5000,
            retries: 5,
            floor_ms: 1000,
            jitter: true,
            pause_ms: 5000,
            detect_ms: 500,
            connect_ms: 0,
            serve_ms: 0,
            give_up_ms: 0,
            time_scale: 1.0,
            seed: 1,
            limit_ms: 24 * 3600 * 1000,
        }
    }

    /// The demo configuration these settings stand for; the simulation
    /// takes the policy and the pause from it, as the firmware does.
    pub fn demo_config(&self) -> DemoConfig<'static> {
        let mut cfg = DemoConfig::new("broker", 8883, "device");
        cfg.backoff_base_ms = self.base_ms;
        cfg.backoff_cap_ms = self.cap_ms;
        cfg.max_retries = self.retries;
        cfg.backoff_floor_ms = self.floor_ms;
        cfg.backoff_jitter = self.jitter;
        cfg.delay_between_iterations_ms = self.pause_ms;
        cfg
    }
}

/// SplitMix64: the random source of the simulated devices (the firmware's
/// is PKCS#11 `C_GenerateRandom`), through the component's own trait.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, n]`.
    pub fn upto(&mut self, n: u32) -> u32 {
        (self.next_u64() % (u64::from(n) + 1)) as u32
    }
}

impl Random for SplitMix {
    fn random_u32(&mut self) -> Option<u32> {
        Some((self.next_u64() >> 32) as u32)
    }
}

/// The pending attempts: a ring of one slot per millisecond covering the
/// next 2^k ms (longer waits go to a heap until they come into range).
/// A binary heap alone spends microseconds per event on a million devices;
/// here an event costs a push and a pop of a short vector. Events of one
/// millisecond come out in the order they were scheduled.
pub(crate) struct Wheel {
    slots: Vec<Vec<u32>>,
    mask: u64,
    now: u64,
    far: BinaryHeap<Reverse<(u64, u32)>>,
    len: usize,
}

impl Wheel {
    pub(crate) fn new(horizon_ms: u64) -> Self {
        let size = horizon_ms.clamp(1024, 1 << 22).next_power_of_two();
        Wheel {
            slots: vec![Vec::new(); size as usize],
            mask: size - 1,
            now: 0,
            far: BinaryHeap::new(),
            len: 0,
        }
    }

    pub(crate) fn push(&mut self, t: u64, device: u32) {
        debug_assert!(t >= self.now);
        self.len += 1;
        if t - self.now <= self.mask {
            self.slots[(t & self.mask) as usize].push(device);
        } else {
            self.far.push(Reverse((t, device)));
        }
    }

    /// The next event: (time, device), or `None` when there is none.
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
        if self.len == 0 {
            return None;
        }
        loop {
            if let Some(d) = self.slots[(self.now & self.mask) as usize].pop() {
                self.len -= 1;
                return Some((self.now, d));
            }
            self.now += 1;
            // Far events whose time is now within the ring move into it.
            while let Some(&Reverse((t, d))) = self.far.peek() {
                if t - self.now > self.mask {
                    break;
                }
                self.far.pop();
                self.slots[(t & self.mask) as usize].push(d);
            }
        }
    }
}

/// What the simulation adds to the figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub figures: Figures,
    /// Attempts the broker refused for its rate after the restart.
    pub refused_for_rate: u64,
    /// Attempts that reached the broker less than 1 s after the same
    /// device's previous one (AWS IoT Core: one CONNECT per second per
    /// client id).
    pub client_id_violations: u64,
    /// Virtual time when the simulation stopped, ms.
    pub end_ms: u64,
}

/// Run one simulation.
pub fn run(p: &Params) -> Outcome {
    let cfg = p.demo_config();
    let template: Backoff = cfg.backoff();
    let scaled = |ms: u32| (f64::from(ms) * p.time_scale).round() as u64;
    let pause = scaled(cfg.iteration_pause_ms());
    let mut rng = SplitMix(p.seed);
    let mut rec = Recorder::new(p.devices, p.outage_ms as f64);
    let mut policy = vec![template; p.devices];
    let mut last_at_broker = vec![u64::MAX; p.devices];
    let horizon = scaled(p.floor_ms.saturating_add(p.cap_ms)) + pause + u64::from(p.detect_ms);
    let mut queue = Wheel::new(horizon + u64::from(p.connect_ms) + 1);
    for d in 0..p.devices {
        // Noticed at the next publish, then the pause before the next
        // iteration: its first attempt carries no jitter.
        let t = u64::from(rng.upto(p.detect_ms)) + pause;
        queue.push(t, d as u32);
    }
    let burst = if p.burst > 0.0 {
        p.burst
    } else {
        p.rate.max(1.0)
    };
    let mut tokens = burst;
    let mut refilled_at = p.outage_ms;
    let (mut refused_for_rate, mut client_id_violations) = (0u64, 0u64);
    let mut server_free = 0u64;
    let mut left = p.devices;
    let mut now = 0;
    while let Some((t, d)) = queue.pop() {
        now = t;
        if t > p.limit_ms {
            break;
        }
        let d = d as usize;
        rec.attempt(d, t as f64);
        let admitted = if t < p.outage_ms {
            false
        } else {
            if last_at_broker[d] != u64::MAX && t - last_at_broker[d] < 1000 {
                client_id_violations += 1;
            }
            last_at_broker[d] = t;
            if p.rate <= 0.0 {
                true
            } else {
                tokens = (tokens + (t - refilled_at) as f64 * p.rate / 1000.0).min(burst);
                refilled_at = t;
                if tokens >= 1.0 {
                    tokens -= 1.0;
                    true
                } else {
                    refused_for_rate += 1;
                    false
                }
            }
        };
        let mut gave_up = false;
        if admitted {
            let mut done = t + u64::from(p.connect_ms);
            if p.serve_ms > 0 {
                let start = done.max(server_free);
                done = start + u64::from(p.serve_ms);
                let limit = t + scaled(p.give_up_ms);
                if p.give_up_ms > 0 && done > limit {
                    // Served (if at all) only until the device hung up.
                    if start < limit {
                        server_free = limit;
                    }
                    gave_up = true;
                } else {
                    server_free = done;
                }
            }
        }
        if admitted && !gave_up {
            let done = if p.serve_ms > 0 {
                server_free
            } else {
                t + u64::from(p.connect_ms)
            };
            rec.connected(d, done as f64);
            left -= 1;
            if left == 0 {
                break;
            }
            continue;
        }
        let at_mqtt = gave_up || (t >= p.outage_ms && p.refusal == Refusal::Mqtt);
        let next = if at_mqtt {
            // TLS was up; the refused CONNECT ends the iteration.
            Next::Exhausted
        } else {
            policy[d].after_failure(&mut rng)
        };
        let wait = match next {
            Next::Wait(ms) => scaled(ms),
            Next::Exhausted | Next::RandomFailed => {
                policy[d].reset();
                pause
                    + if gave_up {
                        scaled(p.give_up_ms)
                    } else if at_mqtt {
                        u64::from(p.connect_ms)
                    } else {
                        0
                    }
            }
        };
        queue.push(t + wait, d as u32);
    }
    Outcome {
        figures: rec.finish(),
        refused_for_rate,
        client_id_violations,
        end_ms: now,
    }
}
