//! The coreMQTT-style mutual-authentication demo, generic over the platform.
//!
//! Each iteration follows the AWS/FreeRTOS reference demo:
//! 1. TLS connect to the broker, retried with full-jitter backoff;
//! 2. MQTT CONNECT (AWS IoT mode: metrics user name, ALPN on port 443);
//! 3. SUBSCRIBE at QoS 1 to `<client id>/example/topic`, retried with backoff
//!    while the broker refuses it (SUBACK 0x80);
//! 4. `publish_count` times: PUBLISH "Hello World!" at QoS 1, then run the
//!    process loop until the PUBACK for that packet id and the broker's echo
//!    of the message have both arrived;
//! 5. UNSUBSCRIBE and wait for UNSUBACK, DISCONNECT, close TLS, log the
//!    memory figures, pause, repeat (`iterations` times, 0 = forever).
//!
//! Any failure ends the iteration: it is logged with its cause, the MQTT
//! session is ended (DISCONNECT if it is still up), TLS is closed, and the
//! next iteration starts after the usual pause. What the broker sends that
//! the session survives (a packet larger than the network buffer, a repeated
//! acknowledgement) is logged and the iteration goes on.
//!
//! Layout: this file holds the platform traits, the settings and the
//! iteration loop; [`session`] the MQTT exchange of one connection;
//! [`report`] every log line's wording and the errors; [`status`] the C
//! status values.
//!
//! The platform is a [`Platform`] of small parts ([`Network`], the engine's
//! [`Clock`], [`Delay`] and [`Random`], a [`LogSink`] and [`Stats`]), so the
//! whole flow runs against fakes in host tests. Logging uses
//! [`crate::log::Line`], not `core::fmt`.

use crate::backoff::{retry, Backoff, Delay, Jitter, Random, RetryError};
use crate::client::{Client, Timeouts};
use crate::log::{Level, LogSink};
use crate::state::Record;
use crate::transport::{Clock, Transport};

pub mod report;
mod session;
pub mod status;

pub use report::{log, Awaited, ConnectError, DemoError, Step};
use report::{push_connect_error, push_host, push_retry, push_stat};
use session::{Env, Names};

/// The message every publish carries.
pub const MESSAGE: &[u8] = b"Hello World!";
/// Appended to the client id to form the demo topic.
pub const TOPIC_SUFFIX: &str = "/example/topic";
/// ALPN protocol AWS IoT Core requires for MQTT over TLS on port 443.
pub const AWS_IOT_ALPN: &str = "x-amzn-mqtt-ca";
/// The `MQTTLib` value of the AWS IoT metrics user name.
pub const MQTT_LIB: &str = concat!(env!("CARGO_PKG_NAME"), "@", env!("CARGO_PKG_VERSION"));
/// Longest client id accepted (the AWS IoT limit).
pub const MAX_CLIENT_ID_LEN: usize = 128;
/// Capacity of one log line (the C sink's limit is 256 with its prefix).
pub const LOG_LINE_LEN: usize = 200;
/// Capacity of the metrics user name.
pub const USERNAME_LEN: usize = 256;
/// QoS records per direction: one publish in flight, plus room for
/// publishes left over from a resumed session.
pub const STATE_RECORDS: usize = 4;

// ---------------------------------------------------------------------------
// Platform

/// TLS connections to the broker.
pub trait Network {
    /// An open TLS session; the MQTT client reads and writes through it.
    type Connection: Transport;

    /// Resolve `host`, connect TCP to `port` and run the TLS handshake with
    /// the platform's credentials, offering `alpn` if given. The platform
    /// logs the connection's progress (TLS version, cipher suite).
    fn connect(
        &mut self,
        host: &str,
        port: u16,
        alpn: Option<&'static str>,
    ) -> Result<Self::Connection, ConnectError>;

    /// Close the session (close_notify, socket closed, state freed).
    fn disconnect(&mut self, connection: Self::Connection);

    /// Why the last receive or send on `connection` failed, in the
    /// transport's words (e.g. "connection closed by the peer (TLS
    /// close_notify)"), and its code.
    fn last_error(&self, _connection: &Self::Connection) -> (&'static str, i32) {
        ("transport error", 0)
    }
}

/// Memory figures logged after each iteration; `None` = not available.
pub trait Stats {
    /// Free heap now, bytes.
    fn free_heap(&mut self) -> Option<usize> {
        None
    }
    /// Lowest free heap since boot, bytes.
    fn min_free_heap(&mut self) -> Option<usize> {
        None
    }
    /// Least free stack of the calling task since it started, in stack words.
    fn stack_high_water_mark(&mut self) -> Option<usize> {
        None
    }
}

/// A platform without memory figures.
pub struct NoStats;
impl Stats for NoStats {}

/// Everything the demo needs from the platform. The parts are separate
/// values so the MQTT client can borrow the clock while the demo logs and
/// waits.
pub struct Platform<N, C, D, R, L, S> {
    pub network: N,
    pub clock: C,
    pub delay: D,
    pub random: R,
    pub log: L,
    pub stats: S,
}

// ---------------------------------------------------------------------------
// Configuration

/// The demo's settings: the values of `demo_config.h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoConfig<'a> {
    /// Broker host name (`democonfigMQTT_BROKER_ENDPOINT`).
    pub endpoint: &'a str,
    /// Broker port (`democonfigMQTT_BROKER_PORT`).
    pub port: u16,
    /// MQTT client id and topic prefix (`democonfigCLIENT_IDENTIFIER`).
    pub client_id: &'a str,
    /// AWS IoT Core mode (`democonfigUSE_AWS_IOT_CORE_BROKER`): send the
    /// metrics user name, and ALPN `x-amzn-mqtt-ca` on port 443.
    pub aws_iot: bool,
    /// Metrics: `democonfigOS_NAME`, `democonfigOS_VERSION`,
    /// `democonfigHARDWARE_PLATFORM_NAME`.
    pub os_name: &'a str,
    pub os_version: &'a str,
    pub hardware_platform: &'a str,
    /// `democonfigKEEP_ALIVE_SECONDS`.
    pub keep_alive_s: u16,
    /// `democonfigCONNACK_RECV_TIMEOUT_MS`.
    pub connack_timeout_ms: u32,
    /// How long one wait for an acknowledgement may take
    /// (`democonfigPROCESS_LOOP_TIMEOUT_MS`).
    pub process_loop_timeout_ms: u32,
    /// Backoff: first ceiling, cap, and retries after the first try
    /// (`democonfigRETRY_BACKOFF_BASE_MS`, `..._MAX_BACKOFF_DELAY_MS`,
    /// `..._MAX_ATTEMPTS`; 0 retries = retry forever, as in AWS
    /// backoffAlgorithm).
    pub backoff_base_ms: u32,
    pub backoff_cap_ms: u32,
    pub max_retries: u32,
    /// No retry, and no next iteration, sooner than this after the last
    /// attempt (`democonfigRETRY_MIN_DELAY_MS`; AWS IoT Core: one CONNECT
    /// per second per client id). Added to the jittered delay.
    pub backoff_floor_ms: u32,
    /// Full jitter (`democonfigRETRY_JITTER` 1), or plain exponential
    /// backoff that waits the whole ceiling (0).
    pub backoff_jitter: bool,
    /// `democonfigPUBLISH_COUNT`.
    pub publish_count: u32,
    /// `democonfigDELAY_BETWEEN_PUBLISHES_MS`.
    pub delay_between_publishes_ms: u32,
    /// `democonfigDELAY_BETWEEN_DEMO_ITERATIONS_MS`.
    pub delay_between_iterations_ms: u32,
    /// Iterations to run, 0 = forever (`democonfigDEMO_ITERATIONS`).
    pub iterations: u32,
    /// MQTT clean session (`democonfigCLEAN_SESSION`, default on).
    pub clean_session: bool,
    /// The MQTT client's time and size bounds.
    pub timeouts: Timeouts,
}

impl<'a> DemoConfig<'a> {
    /// The reference demo's defaults for everything but the broker and the
    /// client id: keep-alive 60 s, CONNACK 1 s, process loop 2 s, backoff
    /// 500..5000 ms with 5 retries (full jitter above a 1 s floor), 5
    /// publishes 2 s apart, 5 s between iterations, forever, clean session,
    /// not AWS IoT; a packet may take 1 s from its first byte to its last.
    pub const fn new(endpoint: &'a str, port: u16, client_id: &'a str) -> Self {
        DemoConfig {
            endpoint,
            port,
            client_id,
            aws_iot: false,
            os_name: "FreeRTOS",
            os_version: "",
            hardware_platform: "",
            keep_alive_s: 60,
            connack_timeout_ms: 1000,
            process_loop_timeout_ms: 2000,
            backoff_base_ms: 500,
            backoff_cap_ms: 5000,
            max_retries: 5,
            backoff_floor_ms: 1000,
            backoff_jitter: true,
            publish_count: 5,
            delay_between_publishes_ms: 2000,
            delay_between_iterations_ms: 5000,
            iterations: 0,
            clean_session: true,
            timeouts: Timeouts {
                packet_ms: 1000,
                ..Timeouts::DEFAULT
            },
        }
    }

    /// The ALPN protocol to offer: AWS IoT on port 443 needs one.
    pub fn alpn(&self) -> Option<&'static str> {
        (self.aws_iot && self.port == 443).then_some(AWS_IOT_ALPN)
    }

    /// A fresh backoff policy with the configured base, cap, retries, floor
    /// and jitter mode.
    pub const fn backoff(&self) -> Backoff {
        let jitter = if self.backoff_jitter {
            Jitter::Full
        } else {
            Jitter::None
        };
        Backoff::new(self.backoff_base_ms, self.backoff_cap_ms, self.max_retries)
            .with_floor(self.backoff_floor_ms)
            .with_jitter(jitter)
    }

    /// The pause between iterations: never shorter than the floor, so the
    /// next CONNECT of this client id keeps its distance too.
    pub const fn iteration_pause_ms(&self) -> u32 {
        if self.delay_between_iterations_ms > self.backoff_floor_ms {
            self.delay_between_iterations_ms
        } else {
            self.backoff_floor_ms
        }
    }
}

// ---------------------------------------------------------------------------
// The demo

/// Run the demo: `cfg.iterations` iterations (0 = forever). `buf` is the
/// MQTT network buffer: incoming packets larger than it are discarded (and
/// logged); outgoing ones larger than it are sent in pieces.
///
/// Returns `Ok` when every iteration succeeded, else the last failure. Each
/// iteration and the final summary are logged.
pub fn run<N, C, D, R, L, S>(
    p: &mut Platform<N, C, D, R, L, S>,
    cfg: &DemoConfig<'_>,
    buf: &mut [u8],
) -> Result<(), DemoError>
where
    N: Network,
    C: Clock,
    D: Delay,
    R: Random,
    L: LogSink,
    S: Stats,
{
    let names = match Names::new(cfg) {
        Ok(n) => n,
        Err(e) => {
            log(&p.log, Level::Error, &mut |l| {
                l.push_str("demo not started: ");
                e.describe(l, cfg);
            });
            return Err(e);
        }
    };
    let mut outgoing = [Record::EMPTY; STATE_RECORDS];
    let mut incoming = [Record::EMPTY; STATE_RECORDS];
    let mut last_error = None;
    let (mut done, mut succeeded) = (0u32, 0u32);
    loop {
        done = done.wrapping_add(1);
        log(&p.log, Level::Info, &mut |l| {
            l.push_str("iteration ").push_u32(done);
            if cfg.iterations != 0 {
                l.push_str(" of ").push_u32(cfg.iterations);
            }
            l.push_str(" starting");
        });
        match iteration(p, cfg, &names, buf, &mut outgoing, &mut incoming) {
            Ok(()) => {
                succeeded = succeeded.wrapping_add(1);
                let free = p.stats.free_heap();
                let min = p.stats.min_free_heap();
                let hwm = p.stats.stack_high_water_mark();
                log(&p.log, Level::Info, &mut |l| {
                    l.push_str("iteration ")
                        .push_u32(done)
                        .push_str(" succeeded");
                    push_stat(l, "; free heap ", free, " bytes");
                    push_stat(l, " (minimum ever ", min, ")");
                    push_stat(l, "; stack high-water mark ", hwm, " words");
                });
            }
            Err(e) => {
                log(&p.log, Level::Error, &mut |l| {
                    l.push_str("iteration ")
                        .push_u32(done)
                        .push_str(" failed: ");
                    e.describe(l, cfg);
                });
                last_error = Some(e);
            }
        }
        if cfg.iterations != 0 && done >= cfg.iterations {
            break;
        }
        log(&p.log, Level::Info, &mut |l| {
            l.push_str("next iteration in ")
                .push_u32(cfg.iteration_pause_ms())
                .push_str(" ms");
        });
        p.delay.delay_ms(cfg.iteration_pause_ms());
    }
    let level = if last_error.is_some() {
        Level::Error
    } else {
        Level::Info
    };
    log(&p.log, level, &mut |l| {
        l.push_str("demo finished: ")
            .push_u32(succeeded)
            .push_str(" of ")
            .push_u32(done)
            .push_str(" iterations succeeded");
    });
    last_error.map_or(Ok(()), Err)
}

/// One iteration: TLS connect with backoff, the MQTT session, TLS close.
fn iteration<N, C, D, R, L, S>(
    p: &mut Platform<N, C, D, R, L, S>,
    cfg: &DemoConfig<'_>,
    names: &Names,
    buf: &mut [u8],
    outgoing: &mut [Record],
    incoming: &mut [Record],
) -> Result<(), DemoError>
where
    N: Network,
    C: Clock,
    D: Delay,
    R: Random,
    L: LogSink,
    S: Stats,
{
    let Platform {
        network,
        clock,
        delay,
        random,
        log: sink,
        ..
    } = p;
    let sink = &*sink;
    let mut backoff = cfg.backoff();
    // The transport logs the connection's progress; failures are ours.
    let connected = retry(
        &mut backoff,
        random,
        delay,
        || network.connect(cfg.endpoint, cfg.port, cfg.alpn()),
        |e, info| {
            log(sink, Level::Warn, &mut |l| {
                l.push_str("TLS connect to ");
                push_host(l, cfg);
                l.push_str(" failed: ");
                push_connect_error(l, e);
                l.push_str("; ");
                push_retry(l, &info);
            })
        },
    );
    let mut conn = match connected {
        Ok(c) => c,
        Err(RetryError::Exhausted(e)) => return Err(DemoError::Connect(e)),
        Err(RetryError::RandomFailed(_)) => return Err(DemoError::RandomFailed),
    };
    let buf_len = buf.len();
    let mut env = Env {
        cfg,
        names,
        sink,
        delay: &mut *delay,
        random: &mut *random,
        buf_len,
    };
    let result = env.session(Client::new(
        &mut conn,
        &mut *clock,
        buf,
        outgoing,
        incoming,
        cfg.timeouts,
    ));
    let result = result.map_err(|e| e.with_transport_text(network.last_error(&conn)));
    // The transport logs the close itself.
    network.disconnect(conn);
    result
}

#[cfg(test)]
mod tests;
