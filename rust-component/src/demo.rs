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
//! next iteration starts after the usual pause.
//!
//! The platform is a [`Platform`] of small parts ([`Network`], the engine's
//! [`Clock`], [`Delay`] and [`Random`], a [`LogSink`] and [`Stats`]), so the
//! whole flow runs against fakes in host tests. Logging uses
//! [`crate::log::Line`], not `core::fmt`.

use crate::backoff::{retry, Backoff, Delay, Jitter, Random, RetryError, RetryInfo};
use crate::client::{Client, Event, Timeouts};
use crate::error::{connack_code_str, Error};
use crate::log::{Level, Line, LogSink};
use crate::state::Record;
use crate::transport::{Clock, Transport};
use crate::wire::{AckKind, Connect, Publish, QoS, Subscription};

pub mod status;
use status::*;

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
/// QoS records per direction: one publish and one (un)subscribe in flight,
/// plus room for publishes left over from a resumed session.
pub const STATE_RECORDS: usize = 4;

const TOPIC_LEN: usize = MAX_CLIENT_ID_LEN + TOPIC_SUFFIX.len();

type LogLine = Line<LOG_LINE_LEN>;

// ---------------------------------------------------------------------------
// Platform

/// Why a TLS connect failed: the FreeRTOS-Plus `TlsTransportStatus_t` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// `TLS_TRANSPORT_INVALID_PARAMETER` (1), also a host name the platform
    /// cannot pass on (too long, contains NUL).
    InvalidParameter,
    /// `TLS_TRANSPORT_INSUFFICIENT_MEMORY` (2).
    InsufficientMemory,
    /// `TLS_TRANSPORT_INVALID_CREDENTIALS` (3).
    InvalidCredentials,
    /// `TLS_TRANSPORT_HANDSHAKE_FAILED` (4).
    HandshakeFailed,
    /// `TLS_TRANSPORT_INTERNAL_ERROR` (5).
    InternalError,
    /// `TLS_TRANSPORT_CONNECT_FAILURE` (6): DNS or TCP connect failed.
    ConnectFailure,
    /// Any other status the C side returned.
    Other(i32),
}

impl ConnectError {
    /// The error for a non-zero C status.
    pub const fn from_status(status: i32) -> Self {
        match status {
            1 => ConnectError::InvalidParameter,
            2 => ConnectError::InsufficientMemory,
            3 => ConnectError::InvalidCredentials,
            4 => ConnectError::HandshakeFailed,
            5 => ConnectError::InternalError,
            6 => ConnectError::ConnectFailure,
            s => ConnectError::Other(s),
        }
    }

    /// The C status value.
    pub const fn status(&self) -> i32 {
        match self {
            ConnectError::InvalidParameter => 1,
            ConnectError::InsufficientMemory => 2,
            ConnectError::InvalidCredentials => 3,
            ConnectError::HandshakeFailed => 4,
            ConnectError::InternalError => 5,
            ConnectError::ConnectFailure => 6,
            ConnectError::Other(s) => *s,
        }
    }

    /// A short description for log lines.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ConnectError::InvalidParameter => "invalid parameter",
            ConnectError::InsufficientMemory => "out of memory",
            ConnectError::InvalidCredentials => "invalid credentials",
            ConnectError::HandshakeFailed => "TLS handshake failed",
            ConnectError::InternalError => "TLS internal error",
            ConnectError::ConnectFailure => "DNS or TCP connect failed",
            ConnectError::Other(_) => "unknown transport status",
        }
    }
}

/// TLS connections to the broker.
pub trait Network {
    /// An open TLS session; the MQTT client reads and writes through it.
    type Connection: Transport;

    /// Resolve `host`, connect TCP to `port` and run the TLS handshake with
    /// the platform's credentials, offering `alpn` if given.
    fn connect(
        &mut self,
        host: &str,
        port: u16,
        alpn: Option<&'static str>,
    ) -> Result<Self::Connection, ConnectError>;

    /// Close the session (close_notify, socket closed, state freed).
    fn disconnect(&mut self, connection: Self::Connection);

    /// The negotiated cipher suite's name, if the platform can tell.
    fn cipher_suite(&self, connection: &Self::Connection) -> Option<&'static [u8]>;
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
    /// The MQTT client's own stall and ping timeouts.
    pub timeouts: Timeouts,
}

impl<'a> DemoConfig<'a> {
    /// The reference demo's defaults for everything but the broker and the
    /// client id: keep-alive 60 s, CONNACK 1 s, process loop 2 s, backoff
    /// 500..5000 ms with 5 retries (full jitter above a 1 s floor), 5
    /// publishes 2 s apart, 5 s between iterations, forever, clean session,
    /// not AWS IoT.
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
                recv_ms: 1000,
                send_ms: 1000,
                ping_resp_ms: 5000,
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
// Errors

/// The MQTT step that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Connect,
    Subscribe,
    Publish,
    Unsubscribe,
    Disconnect,
}

impl Step {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Step::Connect => "MQTT CONNECT",
            Step::Subscribe => "SUBSCRIBE",
            Step::Publish => "PUBLISH",
            Step::Unsubscribe => "UNSUBSCRIBE",
            Step::Disconnect => "DISCONNECT",
        }
    }
}

/// What a wait for the broker was waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Awaited {
    SubAck,
    PubAck,
    /// The broker's copy of our own publish (we are subscribed to it).
    Echo,
    UnsubAck,
}

impl Awaited {
    pub const fn as_str(&self) -> &'static str {
        match self {
            Awaited::SubAck => "SUBACK",
            Awaited::PubAck => "PUBACK",
            Awaited::Echo => "echo of our publish",
            Awaited::UnsubAck => "UNSUBACK",
        }
    }

    const fn step(&self) -> Step {
        match self {
            Awaited::SubAck => Step::Subscribe,
            Awaited::PubAck | Awaited::Echo => Step::Publish,
            Awaited::UnsubAck => Step::Unsubscribe,
        }
    }
}

/// Why an iteration failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoError {
    /// The configuration cannot work (the reason).
    Config(&'static str),
    /// TLS connect failed on every attempt; the last failure.
    Connect(ConnectError),
    /// The random source failed, so no backoff delay could be drawn.
    RandomFailed,
    /// The MQTT engine reported an error in this step.
    Mqtt(Step, Error),
    /// The broker refused the subscription (SUBACK 0x80) on every attempt.
    SubscribeRefused,
    /// Nothing arrived within the process-loop timeout.
    Timeout(Awaited),
}

impl DemoError {
    /// Status for C callers (never 0): one of the `MQTT_DEMO_ERR_*` values
    /// in [`status`], named after the step that failed.
    pub const fn code(&self) -> i32 {
        let step = match self {
            DemoError::Config(_) => return MQTT_DEMO_ERR_CONFIG,
            DemoError::Connect(_) => return MQTT_DEMO_ERR_TLS_CONNECT,
            DemoError::RandomFailed => return MQTT_DEMO_ERR_RANDOM,
            DemoError::Mqtt(step, _) => *step,
            DemoError::SubscribeRefused => Step::Subscribe,
            DemoError::Timeout(a) => a.step(),
        };
        match step {
            Step::Connect => MQTT_DEMO_ERR_MQTT_CONNECT,
            Step::Subscribe => MQTT_DEMO_ERR_SUBSCRIBE,
            Step::Publish => MQTT_DEMO_ERR_PUBLISH,
            Step::Unsubscribe => MQTT_DEMO_ERR_UNSUBSCRIBE,
            Step::Disconnect => MQTT_DEMO_ERR_DISCONNECT,
        }
    }

    /// Append the cause in words.
    pub fn describe<const N: usize>(&self, l: &mut Line<N>) {
        match self {
            DemoError::Config(why) => {
                l.push_str("configuration: ").push_str(why);
            }
            DemoError::Connect(e) => {
                l.push_str("TLS connect: ");
                push_connect_error(l, e);
                l.push_str(", retries exhausted");
            }
            DemoError::RandomFailed => {
                l.push_str("random source failed (no backoff delay)");
            }
            DemoError::Mqtt(step, e) => {
                l.push_str(step.as_str())
                    .push_str(": ")
                    .push_str(e.as_str());
                if let Error::ServerRefused(code) = e {
                    l.push_str(": ")
                        .push_str(connack_code_str(*code))
                        .push_str(" (code ")
                        .push_u32(*code as u32)
                        .push_str(")");
                }
            }
            DemoError::SubscribeRefused => {
                l.push_str("SUBSCRIBE: refused by the broker (SUBACK 0x80), retries exhausted");
            }
            DemoError::Timeout(a) => {
                l.push_str(a.step().as_str())
                    .push_str(": no ")
                    .push_str(a.as_str())
                    .push_str(" in time");
            }
        }
    }
}

fn push_connect_error<const N: usize>(l: &mut Line<N>, e: &ConnectError) {
    l.push_str(e.as_str())
        .push_str(" (status ")
        .push_i32(e.status())
        .push_str(")");
}

// ---------------------------------------------------------------------------
// The demo

/// Topic and user name, built once per run.
struct Names {
    topic: heapless::String<TOPIC_LEN>,
    username: heapless::String<USERNAME_LEN>,
}

impl Names {
    fn new(cfg: &DemoConfig<'_>) -> Result<Self, DemoError> {
        if cfg.client_id.is_empty() || cfg.client_id.len() > MAX_CLIENT_ID_LEN {
            return Err(DemoError::Config("client id must be 1 to 128 bytes"));
        }
        if cfg.endpoint.is_empty() {
            return Err(DemoError::Config("broker endpoint is empty"));
        }
        let mut topic = heapless::String::new();
        let topic_ok =
            topic.push_str(cfg.client_id).is_ok() && topic.push_str(TOPIC_SUFFIX).is_ok();
        let mut username = heapless::String::new();
        let user_ok = !cfg.aws_iot
            || [
                "?SDK=",
                cfg.os_name,
                "&Version=",
                cfg.os_version,
                "&Platform=",
                cfg.hardware_platform,
                "&MQTTLib=",
                MQTT_LIB,
            ]
            .iter()
            .all(|s| username.push_str(s).is_ok());
        if !topic_ok || !user_ok {
            return Err(DemoError::Config("topic or metrics user name too long"));
        }
        Ok(Names { topic, username })
    }
}

/// Build one line of at most [`LOG_LINE_LEN`] bytes and write it to `sink`.
pub(crate) fn log<L: LogSink>(sink: &L, level: Level, build: impl FnOnce(&mut LogLine)) {
    let mut line = LogLine::new();
    build(&mut line);
    sink.write(level, line.as_bytes());
}

fn push_host<const N: usize>(l: &mut Line<N>, cfg: &DemoConfig<'_>) {
    l.push_str(cfg.endpoint)
        .push_str(":")
        .push_u32(cfg.port as u32);
}

fn push_retry<const N: usize>(l: &mut Line<N>, info: &RetryInfo) {
    l.push_str("retry ").push_u32(info.attempt);
    if info.max_retries != 0 {
        l.push_str(" of ").push_u32(info.max_retries);
    }
    l.push_str(" in ").push_u32(info.delay_ms).push_str(" ms");
}

fn push_stat<const N: usize>(l: &mut Line<N>, label: &str, v: Option<usize>, unit: &str) {
    if let Some(v) = v {
        l.push_str(label)
            .push_u32(u32::try_from(v).unwrap_or(u32::MAX))
            .push_str(unit);
    }
}

/// Run the demo: `cfg.iterations` iterations (0 = forever). `buf` is the
/// MQTT network buffer (every packet sent or received must fit).
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
            log(&p.log, Level::Error, |l| {
                l.push_str("demo not started: ");
                e.describe(l);
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
        log(&p.log, Level::Info, |l| {
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
                log(&p.log, Level::Info, |l| {
                    l.push_str("iteration ")
                        .push_u32(done)
                        .push_str(" succeeded");
                    push_stat(l, "; free heap ", free, " bytes");
                    push_stat(l, " (minimum ever ", min, ")");
                    push_stat(l, "; stack high-water mark ", hwm, " words");
                });
            }
            Err(e) => {
                log(&p.log, Level::Error, |l| {
                    l.push_str("iteration ")
                        .push_u32(done)
                        .push_str(" failed: ");
                    e.describe(l);
                });
                last_error = Some(e);
            }
        }
        if cfg.iterations != 0 && done >= cfg.iterations {
            break;
        }
        log(&p.log, Level::Info, |l| {
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
    log(&p.log, level, |l| {
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
    log(sink, Level::Info, |l| {
        l.push_str("connecting to ");
        push_host(l, cfg);
        if let Some(alpn) = cfg.alpn() {
            l.push_str(" (ALPN ").push_str(alpn).push_str(")");
        }
    });
    let mut backoff = cfg.backoff();
    let connected = retry(
        &mut backoff,
        random,
        delay,
        || network.connect(cfg.endpoint, cfg.port, cfg.alpn()),
        |e, info| {
            log(sink, Level::Warn, |l| {
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
    log(sink, Level::Info, |l| {
        l.push_str("TLS session established with ");
        push_host(l, cfg);
        if let Some(suite) = network.cipher_suite(&conn) {
            l.push_str(", cipher suite ").push_escaped(suite);
        }
    });
    let mut env = Env {
        cfg,
        names,
        sink,
        delay: &mut *delay,
        random: &mut *random,
    };
    let result = env.session(Client::new(
        &mut conn,
        &mut *clock,
        buf,
        outgoing,
        incoming,
        cfg.timeouts,
    ));
    // The transport logs the close itself.
    network.disconnect(conn);
    result
}

/// What the MQTT session needs besides the client.
struct Env<'e, 'c, D, R, L> {
    cfg: &'e DemoConfig<'c>,
    names: &'e Names,
    sink: &'e L,
    delay: &'e mut D,
    random: &'e mut R,
}

impl<D: Delay, R: Random, L: LogSink> Env<'_, '_, D, R, L> {
    /// CONNECT, the exchange, and DISCONNECT while the session is up.
    fn session<T: Transport, C: Clock>(
        &mut self,
        mut client: Client<'_, T, C>,
    ) -> Result<(), DemoError> {
        let cfg = self.cfg;
        let mut connect = Connect::new(cfg.client_id, cfg.keep_alive_s);
        connect.clean_session = cfg.clean_session;
        if cfg.aws_iot {
            connect.username = Some(self.names.username.as_str());
        }
        log(self.sink, Level::Info, |l| {
            l.push_str("MQTT CONNECT as ")
                .push_str(cfg.client_id)
                .push_str(", keep-alive ")
                .push_u32(cfg.keep_alive_s as u32)
                .push_str(" s");
        });
        let present = client
            .connect(&connect, cfg.connack_timeout_ms)
            .map_err(|e| DemoError::Mqtt(Step::Connect, e))?;
        log(self.sink, Level::Info, |l| {
            l.push_str("CONNACK: connection accepted, session present: ")
                .push_str(if present { "yes" } else { "no" });
        });
        let result = self.exchange(&mut client, present);
        if client.is_connected() {
            log(self.sink, Level::Info, |l| {
                l.push_str("disconnecting");
            });
            let r = client.disconnect();
            if result.is_ok() {
                r.map_err(|e| DemoError::Mqtt(Step::Disconnect, e))?;
            }
        }
        result
    }

    /// Subscribe, publish and wait, unsubscribe.
    fn exchange<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
        session_present: bool,
    ) -> Result<(), DemoError> {
        let names = self.names;
        let topic = names.topic.as_str();
        let message = Publish::new(topic, MESSAGE, QoS::AtLeastOnce);
        if session_present {
            self.resend_pending(client, &message)?;
        }
        self.subscribe(client)?;
        for n in 0..self.cfg.publish_count {
            if n > 0 {
                self.delay.delay_ms(self.cfg.delay_between_publishes_ms);
            }
            self.publish(client, &message)?;
        }
        let id = client
            .unsubscribe(&[topic])
            .map_err(|e| DemoError::Mqtt(Step::Unsubscribe, e))?;
        let sink = self.sink;
        let done = client
            .process_loop(self.cfg.process_loop_timeout_ms, &mut |ev| {
                on_event(sink, &ev);
                ev == Event::Ack {
                    kind: AckKind::UnsubAck,
                    packet_id: id,
                }
            })
            .map_err(|e| DemoError::Mqtt(Step::Unsubscribe, e))?;
        if !done {
            return Err(DemoError::Timeout(Awaited::UnsubAck));
        }
        log(self.sink, Level::Info, |l| {
            l.push_str("unsubscribed from ").push_str(topic);
        });
        Ok(())
    }

    /// A resumed session: resend our publishes still awaiting PUBACK.
    fn resend_pending<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
        message: &Publish<'_>,
    ) -> Result<(), DemoError> {
        let mut ids = heapless::Vec::<u16, STATE_RECORDS>::new();
        for id in client.pending_publishes() {
            let _ = ids.push(id);
        }
        for id in ids {
            log(self.sink, Level::Info, |l| {
                l.push_str("resending PUBLISH packet id ")
                    .push_u32(id as u32);
            });
            let mut p = *message;
            p.packet_id = id;
            client
                .resend(&p)
                .map_err(|e| DemoError::Mqtt(Step::Publish, e))?;
        }
        Ok(())
    }

    /// SUBSCRIBE at QoS 1, retried with backoff while refused.
    fn subscribe<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
    ) -> Result<(), DemoError> {
        /// The broker said 0x80: worth retrying.
        struct Refused;
        let (cfg, names, sink) = (self.cfg, self.names, self.sink);
        let topic = names.topic.as_str();
        let mut backoff = cfg.backoff();
        let attempt = || -> Result<Result<u8, DemoError>, Refused> {
            log(sink, Level::Info, |l| {
                l.push_str("SUBSCRIBE to ")
                    .push_str(topic)
                    .push_str(" at QoS 1");
            });
            let sub = [Subscription {
                filter: topic,
                qos: QoS::AtLeastOnce,
            }];
            let id = match client.subscribe(&sub) {
                Ok(id) => id,
                Err(e) => return Ok(Err(DemoError::Mqtt(Step::Subscribe, e))),
            };
            let mut granted = None;
            let waited = client.process_loop(cfg.process_loop_timeout_ms, &mut |ev| {
                on_event(sink, &ev);
                match ev {
                    Event::SubAck {
                        packet_id,
                        statuses,
                    } if packet_id == id => {
                        granted = statuses.first().copied();
                        true
                    }
                    _ => false,
                }
            });
            match (waited, granted) {
                (Err(e), _) => Ok(Err(DemoError::Mqtt(Step::Subscribe, e))),
                (Ok(_), None) => Ok(Err(DemoError::Timeout(Awaited::SubAck))),
                (Ok(_), Some(crate::wire::SUBACK_FAILURE)) => Err(Refused),
                (Ok(_), Some(qos)) => Ok(Ok(qos)),
            }
        };
        let on_retry = |_: &Refused, info: RetryInfo| {
            log(sink, Level::Warn, |l| {
                l.push_str("SUBSCRIBE to ")
                    .push_str(topic)
                    .push_str(" refused by the broker (SUBACK 0x80); ");
                push_retry(l, &info);
            })
        };
        let granted = match retry(&mut backoff, self.random, self.delay, attempt, on_retry) {
            Ok(r) => r?,
            Err(RetryError::Exhausted(Refused)) => return Err(DemoError::SubscribeRefused),
            Err(RetryError::RandomFailed(Refused)) => return Err(DemoError::RandomFailed),
        };
        log(sink, Level::Info, |l| {
            l.push_str("subscribed to ")
                .push_str(topic)
                .push_str(", granted QoS ")
                .push_u32(granted as u32);
        });
        Ok(())
    }

    /// One QoS 1 publish; wait for its PUBACK and for the broker's echo.
    fn publish<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
        message: &Publish<'_>,
    ) -> Result<(), DemoError> {
        let names = self.names;
        let topic = names.topic.as_str();
        let id = client
            .publish(message)
            .map_err(|e| DemoError::Mqtt(Step::Publish, e))?;
        log(self.sink, Level::Info, |l| {
            l.push_str("PUBLISH packet id ")
                .push_u32(id as u32)
                .push_str(" to ")
                .push_str(topic)
                .push_str(": ")
                .push_escaped(MESSAGE);
        });
        let (mut acked, mut echoed) = (false, false);
        let sink = self.sink;
        client
            .process_loop(self.cfg.process_loop_timeout_ms, &mut |ev| {
                on_event(sink, &ev);
                match ev {
                    Event::Ack {
                        kind: AckKind::PubAck,
                        packet_id,
                    } if packet_id == id => acked = true,
                    Event::Publish(p) if p.topic == topic.as_bytes() && p.payload == MESSAGE => {
                        echoed = true
                    }
                    _ => {}
                }
                acked && echoed
            })
            .map_err(|e| DemoError::Mqtt(Step::Publish, e))?;
        match (acked, echoed) {
            (true, true) => Ok(()),
            (false, _) => Err(DemoError::Timeout(Awaited::PubAck)),
            (true, false) => Err(DemoError::Timeout(Awaited::Echo)),
        }
    }
}

/// Log what the broker sent (SUBACKs are logged by the subscribe step).
fn on_event<L: LogSink>(sink: &L, ev: &Event<'_>) {
    match ev {
        Event::Publish(p) => log(sink, Level::Info, |l| {
            l.push_str("incoming PUBLISH on ")
                .push_escaped(p.topic)
                .push_str(": ")
                .push_escaped(p.payload);
        }),
        Event::Ack {
            kind: AckKind::PubAck,
            packet_id,
        } => log(sink, Level::Info, |l| {
            l.push_str("PUBACK for packet id ")
                .push_u32(*packet_id as u32);
        }),
        Event::PingResp => log(sink, Level::Debug, |l| {
            l.push_str("PINGRESP");
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Phase;
    use crate::tests::{srv, ClientPacket};
    use crate::transport::TransportError;
    use crate::wire::kind;
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::rc::Rc;
    use std::string::String;
    use std::vec::Vec;

    /// A packet the client sent, as the fake broker understood it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Sent {
        Connect {
            client_id: String,
            username: Option<String>,
            keep_alive: u16,
            clean: bool,
        },
        Subscribe {
            id: u16,
            filter: String,
            qos: u8,
        },
        Publish {
            id: u16,
            topic: String,
            payload: Vec<u8>,
            qos: u8,
            dup: bool,
        },
        PubAck(u16),
        Unsubscribe {
            id: u16,
            filter: String,
        },
        PingReq,
        Disconnect,
    }

    /// How the fake broker behaves.
    struct Script {
        /// Results of successive TLS connects (Ok once empty).
        connects: VecDeque<Result<(), ConnectError>>,
        connack_code: u8,
        /// SUBACK return codes of successive SUBSCRIBEs (1 once empty).
        suback_codes: VecDeque<u8>,
        /// Deliver our publishes back to us (we are subscribed).
        echo: bool,
        /// Send the echo before the PUBACK (mosquitto queues it first).
        echo_first: bool,
        answer_unsubscribe: bool,
        session_present: bool,
    }

    impl Default for Script {
        fn default() -> Self {
            Script {
                connects: VecDeque::new(),
                connack_code: 0,
                suback_codes: VecDeque::new(),
                echo: true,
                echo_first: false,
                answer_unsubscribe: true,
                session_present: false,
            }
        }
    }

    /// State shared by the fakes and the test.
    #[derive(Default)]
    struct World {
        now: Cell<u32>,
        script: RefCell<Script>,
        sent: RefCell<Vec<Sent>>,
        delays: RefCell<Vec<u32>>,
        lines: RefCell<Vec<(Level, String)>>,
        connects: RefCell<Vec<(String, u16, Option<&'static str>)>>,
        open: Cell<u32>,
        closed: Cell<u32>,
        randoms: RefCell<VecDeque<u32>>,
    }

    type W = Rc<World>;

    /// The broker end of one TLS session.
    struct Broker {
        w: W,
        inbox: Vec<u8>,
        outbox: VecDeque<u8>,
        subscribed: Vec<String>,
        next_id: u16,
    }

    fn field(b: &[u8], at: &mut usize) -> Vec<u8> {
        let len = u16::from_be_bytes([b[*at], b[*at + 1]]) as usize;
        let v = b[*at + 2..*at + 2 + len].to_vec();
        *at += 2 + len;
        v
    }

    fn text(v: Vec<u8>) -> String {
        String::from_utf8(v).unwrap()
    }

    impl Broker {
        fn queue(&mut self, bytes: &[u8]) {
            self.outbox.extend(bytes.iter().copied());
        }

        fn handle(&mut self, p: &ClientPacket) {
            let body = &p.body[..];
            let sent = match p.kind() {
                kind::CONNECT => {
                    let mut at = 0;
                    assert_eq!(field(body, &mut at), b"MQTT");
                    assert_eq!(body[at], 4, "protocol level 3.1.1");
                    let flags = body[at + 1];
                    let keep_alive = u16::from_be_bytes([body[at + 2], body[at + 3]]);
                    at += 4;
                    let client_id = text(field(body, &mut at));
                    let username = (flags & 0x80 != 0).then(|| text(field(body, &mut at)));
                    let s = self.w.script.borrow();
                    let connack = srv::connack(s.session_present, s.connack_code);
                    drop(s);
                    self.queue(&connack);
                    Sent::Connect {
                        client_id,
                        username,
                        keep_alive,
                        clean: flags & 0x02 != 0,
                    }
                }
                kind::PUBLISH => {
                    let qos = (p.first >> 1) & 3;
                    let (topic, pid, payload) = p.publish_parts();
                    let topic = text(topic);
                    let (echo, echo_first) = {
                        let s = self.w.script.borrow();
                        (s.echo && self.subscribed.contains(&topic), s.echo_first)
                    };
                    let puback = srv::ack(kind::PUBACK, pid);
                    if !echo_first && qos > 0 {
                        self.queue(&puback);
                    }
                    if echo {
                        let bid = self.next_id;
                        self.next_id += 1;
                        self.queue(&srv::publish(&topic, &payload, 1, bid, false));
                    }
                    if echo_first && qos > 0 {
                        self.queue(&puback);
                    }
                    Sent::Publish {
                        id: pid,
                        topic,
                        payload,
                        qos,
                        dup: p.first & 0x08 != 0,
                    }
                }
                kind::PUBACK => Sent::PubAck(p.id_at(0)),
                kind::SUBSCRIBE => {
                    let pid = p.id_at(0);
                    let mut at = 2;
                    let filter = text(field(body, &mut at));
                    let qos = body[at];
                    let code = self
                        .w
                        .script
                        .borrow_mut()
                        .suback_codes
                        .pop_front()
                        .unwrap_or(1);
                    if code != 0x80 {
                        self.subscribed.push(filter.clone());
                    }
                    self.queue(&srv::suback(pid, &[code]));
                    Sent::Subscribe {
                        id: pid,
                        filter,
                        qos,
                    }
                }
                kind::UNSUBSCRIBE => {
                    let pid = p.id_at(0);
                    let mut at = 2;
                    let filter = text(field(body, &mut at));
                    self.subscribed.retain(|f| *f != filter);
                    if self.w.script.borrow().answer_unsubscribe {
                        self.queue(&srv::ack(kind::UNSUBACK, pid));
                    }
                    Sent::Unsubscribe { id: pid, filter }
                }
                kind::PINGREQ => {
                    self.queue(&srv::PINGRESP);
                    Sent::PingReq
                }
                kind::DISCONNECT => Sent::Disconnect,
                t => panic!("client sent packet type {t}"),
            };
            self.w.sent.borrow_mut().push(sent);
        }
    }

    impl Transport for Broker {
        fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
            if self.outbox.is_empty() {
                // Like a socket wait that times out.
                self.w.now.set(self.w.now.get().wrapping_add(10));
                return Ok(0);
            }
            let n = buf.len().min(self.outbox.len());
            for (d, s) in buf.iter_mut().zip(self.outbox.drain(..n)) {
                *d = s;
            }
            Ok(n)
        }

        fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
            self.inbox.extend_from_slice(buf);
            while let Some((p, used)) = ClientPacket::parse(&self.inbox) {
                self.inbox.drain(..used);
                self.handle(&p);
            }
            Ok(buf.len())
        }
    }

    struct Net(W);
    impl Network for Net {
        type Connection = Broker;
        fn connect(
            &mut self,
            host: &str,
            port: u16,
            alpn: Option<&'static str>,
        ) -> Result<Broker, ConnectError> {
            self.0.connects.borrow_mut().push((host.into(), port, alpn));
            self.0.now.set(self.0.now.get() + 50);
            self.0
                .script
                .borrow_mut()
                .connects
                .pop_front()
                .unwrap_or(Ok(()))?;
            self.0.open.set(self.0.open.get() + 1);
            Ok(Broker {
                w: self.0.clone(),
                inbox: Vec::new(),
                outbox: VecDeque::new(),
                subscribed: Vec::new(),
                next_id: 0x100,
            })
        }
        fn disconnect(&mut self, _c: Broker) {
            self.0.closed.set(self.0.closed.get() + 1);
        }
        fn cipher_suite(&self, _c: &Broker) -> Option<&'static [u8]> {
            Some(b"TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256")
        }
    }

    struct Tick(W);
    impl Clock for Tick {
        fn now_ms(&mut self) -> u32 {
            self.0.now.get()
        }
    }
    impl Delay for Tick {
        fn delay_ms(&mut self, ms: u32) {
            self.0.delays.borrow_mut().push(ms);
            self.0.now.set(self.0.now.get().wrapping_add(ms));
        }
    }
    impl Random for Tick {
        fn random_u32(&mut self) -> Option<u32> {
            self.0
                .randoms
                .borrow_mut()
                .pop_front()
                .or(Some(0x1234_5678))
        }
    }
    impl LogSink for Tick {
        fn write(&self, level: Level, line: &[u8]) {
            let line = String::from_utf8(line.to_vec()).unwrap();
            self.0.lines.borrow_mut().push((level, line));
        }
    }
    impl Stats for Tick {
        fn free_heap(&mut self) -> Option<usize> {
            Some(20_000)
        }
        fn min_free_heap(&mut self) -> Option<usize> {
            Some(12_345)
        }
        fn stack_high_water_mark(&mut self) -> Option<usize> {
            Some(321)
        }
    }

    type TestPlatform = Platform<Net, Tick, Tick, Tick, Tick, Tick>;

    fn platform(w: &W) -> TestPlatform {
        Platform {
            network: Net(w.clone()),
            clock: Tick(w.clone()),
            delay: Tick(w.clone()),
            random: Tick(w.clone()),
            log: Tick(w.clone()),
            stats: Tick(w.clone()),
        }
    }

    fn config() -> DemoConfig<'static> {
        let mut c = DemoConfig::new("broker.local", 8883, "dev1");
        c.iterations = 1;
        c.publish_count = 2;
        // The reference demo's backoff, without the fleet floor (tested in
        // backoff.rs), so the expected delays are the plain draws.
        c.backoff_floor_ms = 0;
        c
    }

    fn run_demo(w: &W, cfg: &DemoConfig<'_>) -> Result<(), DemoError> {
        let mut buf = [0u8; 512];
        run(&mut platform(w), cfg, &mut buf)
    }

    fn lines(w: &W) -> Vec<String> {
        w.lines.borrow().iter().map(|(_, l)| l.clone()).collect()
    }

    fn has_line(w: &W, level: Level, line: &str) -> bool {
        w.lines
            .borrow()
            .iter()
            .any(|(lv, l)| *lv == level && l == line)
    }

    fn publish(id: u16, dup: bool) -> Sent {
        Sent::Publish {
            id,
            topic: "dev1/example/topic".into(),
            payload: MESSAGE.to_vec(),
            qos: 1,
            dup,
        }
    }

    fn one_iteration_packets() -> Vec<Sent> {
        let topic = String::from("dev1/example/topic");
        vec![
            Sent::Connect {
                client_id: "dev1".into(),
                username: None,
                keep_alive: 60,
                clean: true,
            },
            Sent::Subscribe {
                id: 1,
                filter: topic.clone(),
                qos: 1,
            },
            publish(2, false),
            Sent::PubAck(0x100),
            publish(3, false),
            Sent::PubAck(0x101),
            Sent::Unsubscribe {
                id: 4,
                filter: topic,
            },
            Sent::Disconnect,
        ]
    }

    #[test]
    fn one_iteration_logs_every_step_and_sends_the_reference_packets() {
        let w = W::default();
        assert_eq!(run_demo(&w, &config()), Ok(()));
        assert_eq!(
            lines(&w),
            [
                "iteration 1 of 1 starting",
                "connecting to broker.local:8883",
                "TLS session established with broker.local:8883, cipher suite TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
                "MQTT CONNECT as dev1, keep-alive 60 s",
                "CONNACK: connection accepted, session present: no",
                "SUBSCRIBE to dev1/example/topic at QoS 1",
                "subscribed to dev1/example/topic, granted QoS 1",
                "PUBLISH packet id 2 to dev1/example/topic: Hello World!",
                "PUBACK for packet id 2",
                "incoming PUBLISH on dev1/example/topic: Hello World!",
                "PUBLISH packet id 3 to dev1/example/topic: Hello World!",
                "PUBACK for packet id 3",
                "incoming PUBLISH on dev1/example/topic: Hello World!",
                "unsubscribed from dev1/example/topic",
                "disconnecting",
                "iteration 1 succeeded; free heap 20000 bytes (minimum ever 12345); stack high-water mark 321 words",
                "demo finished: 1 of 1 iterations succeeded",
            ]
        );
        assert!(w.lines.borrow().iter().all(|(lv, _)| *lv == Level::Info));
        assert_eq!(*w.sent.borrow(), one_iteration_packets());
        assert_eq!(*w.connects.borrow(), [("broker.local".into(), 8883, None)]);
        assert_eq!((w.open.get(), w.closed.get()), (1, 1));
        // Only the pause between the two publishes.
        assert_eq!(*w.delays.borrow(), [2000]);
    }

    #[test]
    fn two_iterations_succeed_with_a_pause_between() {
        let w = W::default();
        let mut cfg = config();
        cfg.iterations = 2;
        cfg.publish_count = 3;
        // The echo arriving before the PUBACK works as well.
        w.script.borrow_mut().echo_first = true;
        assert_eq!(run_demo(&w, &cfg), Ok(()));
        let l = lines(&w);
        assert!(l.contains(&"next iteration in 5000 ms".into()));
        assert!(l
            .iter()
            .any(|s| s.starts_with("iteration 2 succeeded; free heap")));
        assert_eq!(
            l.last().unwrap(),
            "demo finished: 2 of 2 iterations succeeded"
        );
        assert_eq!(*w.delays.borrow(), [2000, 2000, 5000, 2000, 2000]);
        let sent = w.sent.borrow();
        let count = |f: fn(&Sent) -> bool| sent.iter().filter(|s| f(s)).count();
        assert_eq!(count(|s| matches!(s, Sent::Connect { .. })), 2);
        assert_eq!(count(|s| matches!(s, Sent::Publish { .. })), 6);
        assert_eq!(count(|s| matches!(s, Sent::PubAck(_))), 6);
        assert_eq!(count(|s| matches!(s, Sent::Disconnect)), 2);
        assert_eq!((w.open.get(), w.closed.get()), (2, 2));
    }

    #[test]
    fn tls_connect_is_retried_with_full_jitter() {
        let w = W::default();
        w.script.borrow_mut().connects = [
            Err(ConnectError::ConnectFailure),
            Err(ConnectError::HandshakeFailed),
        ]
        .into();
        *w.randoms.borrow_mut() = [1_000_123, 7_777_777].into();
        assert_eq!(run_demo(&w, &config()), Ok(()));
        // random % (ceiling + 1): ceiling 500, then 1000.
        let (d1, d2) = (1_000_123 % 501, 7_777_777 % 1001);
        assert!(d1 <= 500 && d2 <= 1000);
        assert!(has_line(
            &w,
            Level::Warn,
            &format!(
                "TLS connect to broker.local:8883 failed: DNS or TCP connect failed (status 6); retry 1 of 5 in {d1} ms"
            )
        ));
        assert!(has_line(
            &w,
            Level::Warn,
            &format!(
                "TLS connect to broker.local:8883 failed: TLS handshake failed (status 4); retry 2 of 5 in {d2} ms"
            )
        ));
        assert_eq!(w.delays.borrow()[..2], [d1, d2]);
        assert_eq!(w.connects.borrow().len(), 3);
        assert_eq!((w.open.get(), w.closed.get()), (1, 1));
    }

    #[test]
    fn tls_retries_exhausted_fail_the_iteration() {
        let w = W::default();
        let mut cfg = config();
        cfg.max_retries = 2;
        w.script.borrow_mut().connects = [Err(ConnectError::ConnectFailure); 3].into();
        let err = DemoError::Connect(ConnectError::ConnectFailure);
        assert_eq!(run_demo(&w, &cfg), Err(err));
        assert_eq!(err.code(), 2);
        assert_eq!(w.connects.borrow().len(), 3);
        let warns = w
            .lines
            .borrow()
            .iter()
            .filter(|(l, _)| *l == Level::Warn)
            .count();
        assert_eq!(warns, 2);
        assert!(has_line(
            &w,
            Level::Error,
            "iteration 1 failed: TLS connect: DNS or TCP connect failed (status 6), retries exhausted"
        ));
        assert!(has_line(
            &w,
            Level::Error,
            "demo finished: 0 of 1 iterations succeeded"
        ));
        assert!(w.sent.borrow().is_empty());
        assert_eq!(w.open.get(), 0);
    }

    #[test]
    fn refused_subscription_is_retried() {
        let w = W::default();
        w.script.borrow_mut().suback_codes = [0x80, 1].into();
        *w.randoms.borrow_mut() = [100].into();
        assert_eq!(run_demo(&w, &config()), Ok(()));
        assert!(has_line(
            &w,
            Level::Warn,
            "SUBSCRIBE to dev1/example/topic refused by the broker (SUBACK 0x80); retry 1 of 5 in 100 ms"
        ));
        let subs: Vec<_> = w
            .sent
            .borrow()
            .iter()
            .filter_map(|s| match s {
                Sent::Subscribe { id, .. } => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(subs, [1, 2]);
        assert_eq!(w.delays.borrow()[0], 100);
        assert!(has_line(
            &w,
            Level::Info,
            "subscribed to dev1/example/topic, granted QoS 1"
        ));
    }

    #[test]
    fn subscription_refused_every_time_is_an_error() {
        let w = W::default();
        let mut cfg = config();
        cfg.max_retries = 1;
        w.script.borrow_mut().suback_codes = [0x80, 0x80].into();
        assert_eq!(run_demo(&w, &cfg), Err(DemoError::SubscribeRefused));
        assert!(has_line(
            &w,
            Level::Error,
            "iteration 1 failed: SUBSCRIBE: refused by the broker (SUBACK 0x80), retries exhausted"
        ));
        // The session is still ended cleanly.
        assert_eq!(w.sent.borrow().last(), Some(&Sent::Disconnect));
        assert_eq!(w.closed.get(), 1);
    }

    #[test]
    fn missing_echo_times_out() {
        let w = W::default();
        w.script.borrow_mut().echo = false;
        let start = w.now.get();
        let err = DemoError::Timeout(Awaited::Echo);
        assert_eq!(run_demo(&w, &config()), Err(err));
        assert_eq!(err.code(), 6);
        assert!(
            w.now.get() - start >= 2000,
            "waited the process-loop timeout"
        );
        assert!(has_line(&w, Level::Info, "PUBACK for packet id 2"));
        assert!(has_line(
            &w,
            Level::Error,
            "iteration 1 failed: PUBLISH: no echo of our publish in time"
        ));
        let sent = w.sent.borrow();
        assert_eq!(
            sent.iter()
                .filter(|s| matches!(s, Sent::Publish { .. }))
                .count(),
            1
        );
        assert_eq!(sent.last(), Some(&Sent::Disconnect));
        assert_eq!((w.open.get(), w.closed.get()), (1, 1));
    }

    #[test]
    fn missing_unsuback_times_out() {
        let w = W::default();
        w.script.borrow_mut().answer_unsubscribe = false;
        assert_eq!(
            run_demo(&w, &config()),
            Err(DemoError::Timeout(Awaited::UnsubAck))
        );
        assert!(has_line(
            &w,
            Level::Error,
            "iteration 1 failed: UNSUBSCRIBE: no UNSUBACK in time"
        ));
    }

    #[test]
    fn refused_connection_names_the_connack_code() {
        let w = W::default();
        w.script.borrow_mut().connack_code = 5;
        let err = DemoError::Mqtt(Step::Connect, Error::ServerRefused(5));
        assert_eq!(run_demo(&w, &config()), Err(err));
        assert_eq!(err.code(), 4);
        assert!(has_line(
            &w,
            Level::Error,
            "iteration 1 failed: MQTT CONNECT: server refused the connection: not authorized (code 5)"
        ));
        // No DISCONNECT on a refused session, but TLS is closed.
        assert_eq!(w.sent.borrow().len(), 1);
        assert_eq!((w.open.get(), w.closed.get()), (1, 1));
    }

    #[test]
    fn a_failed_iteration_is_followed_by_the_next() {
        let w = W::default();
        let mut cfg = config();
        cfg.iterations = 2;
        cfg.max_retries = 0;
        w.script.borrow_mut().connack_code = 3;
        let r = run_demo(&w, &cfg);
        assert_eq!(
            r,
            Err(DemoError::Mqtt(Step::Connect, Error::ServerRefused(3)))
        );
        assert!(has_line(
            &w,
            Level::Error,
            "demo finished: 0 of 2 iterations succeeded"
        ));
        w.script.borrow_mut().connack_code = 0;
        w.lines.borrow_mut().clear();
        assert_eq!(run_demo(&w, &cfg), Ok(()));
        assert!(has_line(
            &w,
            Level::Info,
            "demo finished: 2 of 2 iterations succeeded"
        ));
    }

    #[test]
    fn aws_iot_mode_sends_metrics_and_alpn_on_443() {
        let w = W::default();
        let mut cfg = config();
        cfg.aws_iot = true;
        cfg.port = 443;
        cfg.os_version = "V11.2.0";
        cfg.hardware_platform = "POSIX-simulator";
        assert_eq!(run_demo(&w, &cfg), Ok(()));
        assert_eq!(
            *w.connects.borrow(),
            [("broker.local".into(), 443, Some("x-amzn-mqtt-ca"))]
        );
        assert!(has_line(
            &w,
            Level::Info,
            "connecting to broker.local:443 (ALPN x-amzn-mqtt-ca)"
        ));
        let Sent::Connect { username, .. } = &w.sent.borrow()[0] else {
            panic!("CONNECT first");
        };
        let username = username.clone().unwrap();
        assert!(username.starts_with("?SDK="));
        assert_eq!(
            username,
            format!(
                "?SDK=FreeRTOS&Version=V11.2.0&Platform=POSIX-simulator&MQTTLib=rust-component@{}",
                env!("CARGO_PKG_VERSION")
            )
        );

        // Port 8883: metrics, no ALPN. Not AWS: neither.
        let w = W::default();
        cfg.port = 8883;
        assert_eq!(run_demo(&w, &cfg), Ok(()));
        assert_eq!(w.connects.borrow()[0].2, None);
        let w = W::default();
        cfg.aws_iot = false;
        cfg.port = 443;
        assert_eq!(run_demo(&w, &cfg), Ok(()));
        assert_eq!(w.connects.borrow()[0].2, None);
        assert_eq!(w.sent.borrow()[0], one_iteration_packets()[0]);
    }

    #[test]
    fn bad_configuration_is_reported_before_connecting() {
        let long = "x".repeat(129);
        for (cfg, why) in [
            (
                DemoConfig::new("h", 8883, &long),
                "client id must be 1 to 128 bytes",
            ),
            (
                DemoConfig::new("h", 8883, ""),
                "client id must be 1 to 128 bytes",
            ),
            (DemoConfig::new("", 8883, "id"), "broker endpoint is empty"),
        ] {
            let w = W::default();
            assert_eq!(run_demo(&w, &cfg), Err(DemoError::Config(why)));
            assert_eq!(
                lines(&w),
                [format!("demo not started: configuration: {why}")]
            );
            assert!(w.connects.borrow().is_empty());
        }
        let w = W::default();
        let mut cfg = DemoConfig::new("h", 8883, "id");
        cfg.aws_iot = true;
        let big = "v".repeat(USERNAME_LEN);
        cfg.os_version = &big;
        assert!(matches!(run_demo(&w, &cfg), Err(DemoError::Config(_))));
        // 128 bytes is fine.
        let id = "y".repeat(128);
        let w = W::default();
        assert_eq!(
            run_demo(
                &w,
                &DemoConfig {
                    iterations: 1,
                    ..DemoConfig::new("h", 8883, &id)
                }
            ),
            Ok(())
        );
    }

    #[test]
    fn random_failure_stops_the_backoff() {
        struct NoRandom;
        impl Random for NoRandom {
            fn random_u32(&mut self) -> Option<u32> {
                None
            }
        }
        let w = W::default();
        w.script.borrow_mut().connects = [Err(ConnectError::Other(-7))].into();
        let mut p = Platform {
            network: Net(w.clone()),
            clock: Tick(w.clone()),
            delay: Tick(w.clone()),
            random: NoRandom,
            log: Tick(w.clone()),
            stats: NoStats,
        };
        let mut buf = [0u8; 256];
        assert_eq!(
            run(&mut p, &config(), &mut buf),
            Err(DemoError::RandomFailed)
        );
        assert!(has_line(
            &w,
            Level::Error,
            "iteration 1 failed: random source failed (no backoff delay)"
        ));
    }

    #[test]
    fn resumed_session_resends_unacknowledged_publishes() {
        let w = W::default();
        let mut cfg = config();
        cfg.clean_session = false;
        cfg.publish_count = 1;
        let mut out = [Record::EMPTY; STATE_RECORDS];
        out[0] = Record {
            packet_id: 7,
            phase: Phase::AwaitPubAck,
            filters: 0,
        };
        out[1] = Record {
            packet_id: 8,
            phase: Phase::AwaitSubAck,
            filters: 1,
        };
        let mut inc = [Record::EMPTY; STATE_RECORDS];
        let mut p = platform(&w);
        let names = Names::new(&cfg).unwrap();
        let mut buf = [0u8; 256];
        w.script.borrow_mut().session_present = true;
        let mut conn = Net(w.clone()).connect("h", 1, None).unwrap();
        let mut env = Env {
            cfg: &cfg,
            names: &names,
            sink: &p.log,
            delay: &mut p.delay,
            random: &mut p.random,
        };
        let client = Client::new(
            &mut conn,
            &mut p.clock,
            &mut buf,
            &mut out,
            &mut inc,
            cfg.timeouts,
        );
        assert_eq!(env.session(client), Ok(()));
        assert!(has_line(
            &w,
            Level::Info,
            "CONNACK: connection accepted, session present: yes"
        ));
        assert!(has_line(&w, Level::Info, "resending PUBLISH packet id 7"));
        assert!(has_line(&w, Level::Info, "PUBACK for packet id 7"));
        assert_eq!(w.sent.borrow()[1], publish(7, true));
    }

    #[test]
    fn connect_error_status_round_trips() {
        for s in [1, 2, 3, 4, 5, 6, -1, 0, 99] {
            assert_eq!(ConnectError::from_status(s).status(), s);
        }
        assert_eq!(ConnectError::from_status(4), ConnectError::HandshakeFailed);
    }
}
