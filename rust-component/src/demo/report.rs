//! What the demo says: its errors and the wording of every log line.

use super::status::*;
use super::{DemoConfig, LOG_LINE_LEN};
use crate::backoff::RetryInfo;
use crate::client::Event;
use crate::error::{connack_code_str, Error};
use crate::log::{Level, Line, LogSink};
use crate::wire::AckKind;

/// One log line of the demo.
pub type LogLine = Line<LOG_LINE_LEN>;

/// Build one line with `build` and write it to `sink`. Not generic, so the
/// line builder exists once in the firmware, not once per call site.
pub fn log(sink: &dyn LogSink, level: Level, build: &mut dyn FnMut(&mut LogLine)) {
    let mut line = LogLine::new();
    build(&mut line);
    sink.write(level, line.as_bytes());
}

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

    /// What happened, in words (the transport logged the details).
    pub const fn as_str(&self) -> &'static str {
        match self {
            ConnectError::InvalidParameter => "invalid parameter",
            ConnectError::InsufficientMemory => "out of memory",
            ConnectError::InvalidCredentials => "certificate or key not usable",
            ConnectError::HandshakeFailed => "TLS handshake failed",
            ConnectError::InternalError => "TLS setup failed",
            ConnectError::ConnectFailure => "DNS or TCP connect failed",
            ConnectError::Other(_) => "unknown transport status",
        }
    }
}

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

    pub(crate) const fn step(&self) -> Step {
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
    /// The transport failed in this step: its code and its words for it.
    Transport(Step, i32, &'static str),
    /// The broker refused the subscription (SUBACK 0x80) on every attempt.
    SubscribeRefused,
    /// Nothing arrived within the process-loop timeout.
    Timeout(Awaited),
}

impl DemoError {
    /// Status for C callers (never 0): one of the `MQTT_DEMO_ERR_*` values
    /// in [`super::status`], named after the step that failed.
    pub const fn code(&self) -> i32 {
        let step = match self {
            DemoError::Config(_) => return MQTT_DEMO_ERR_CONFIG,
            DemoError::Connect(_) => return MQTT_DEMO_ERR_TLS_CONNECT,
            DemoError::RandomFailed => return MQTT_DEMO_ERR_RANDOM,
            DemoError::Mqtt(step, _) | DemoError::Transport(step, _, _) => *step,
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

    /// A transport failure reported by the engine, in the transport's words
    /// (`last`: [`Network::last_error`]).
    pub(crate) fn with_transport_text(self, last: (&'static str, i32)) -> Self {
        match self {
            DemoError::Mqtt(step, Error::RecvFailed | Error::SendFailed) => {
                DemoError::Transport(step, last.1, last.0)
            }
            e => e,
        }
    }

    /// Append the cause in words; `cfg` gives the bounds that were exceeded.
    pub fn describe(&self, l: &mut LogLine, cfg: &DemoConfig<'_>) {
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
                l.push_str(step.as_str()).push_str(": ");
                push_mqtt_error(l, e, cfg);
            }
            DemoError::Transport(step, code, text) => {
                l.push_str(step.as_str())
                    .push_str(": ")
                    .push_str(text)
                    .push_str(" (transport error ")
                    .push_i32(*code)
                    .push_str(")");
            }
            DemoError::SubscribeRefused => {
                l.push_str("SUBSCRIBE: refused by the broker (SUBACK 0x80), retries exhausted");
            }
            DemoError::Timeout(a) => {
                l.push_str(a.step().as_str())
                    .push_str(": no ")
                    .push_str(a.as_str())
                    .push_str(" within ")
                    .push_u32(cfg.process_loop_timeout_ms)
                    .push_str(" ms");
            }
        }
    }
}

/// An engine error in words, with the bound that was exceeded.
fn push_mqtt_error(l: &mut LogLine, e: &Error, cfg: &DemoConfig<'_>) {
    let t = &cfg.timeouts;
    let (text, ms) = match e {
        Error::Stalled => ("peer stalled inside a packet for ", t.packet_ms),
        Error::NoDataAvailable => ("no CONNACK within ", cfg.connack_timeout_ms),
        Error::KeepAliveTimeout => ("keep-alive timeout: no PINGRESP within ", t.ping_resp_ms),
        Error::SendTimeout => ("send made no progress for ", t.send_ms),
        _ => {
            l.push_str(e.as_str());
            if let Error::ServerRefused(code) = e {
                l.push_str(": ")
                    .push_str(connack_code_str(*code))
                    .push_str(" (code ")
                    .push_u32(*code as u32)
                    .push_str(")");
            }
            return;
        }
    };
    l.push_str(text).push_u32(ms).push_str(" ms");
}

/// `<status in words> (<C enum name>)`.
pub(crate) fn push_connect_error(l: &mut LogLine, e: &ConnectError) {
    l.push_str(e.as_str());
    let name = match e {
        ConnectError::InvalidParameter => "TLS_TRANSPORT_INVALID_PARAMETER",
        ConnectError::InsufficientMemory => "TLS_TRANSPORT_INSUFFICIENT_MEMORY",
        ConnectError::InvalidCredentials => "TLS_TRANSPORT_INVALID_CREDENTIALS",
        ConnectError::HandshakeFailed => "TLS_TRANSPORT_HANDSHAKE_FAILED",
        ConnectError::InternalError => "TLS_TRANSPORT_INTERNAL_ERROR",
        ConnectError::ConnectFailure => "TLS_TRANSPORT_CONNECT_FAILURE",
        ConnectError::Other(s) => {
            l.push_str(" (status ").push_i32(*s).push_str(")");
            return;
        }
    };
    l.push_str(" (").push_str(name).push_str(")");
}

pub(crate) fn push_host(l: &mut LogLine, cfg: &DemoConfig<'_>) {
    l.push_str(cfg.endpoint)
        .push_str(":")
        .push_u32(cfg.port as u32);
}

pub(crate) fn push_retry(l: &mut LogLine, info: &RetryInfo) {
    l.push_str("retry ").push_u32(info.attempt);
    if info.max_retries != 0 {
        l.push_str(" of ").push_u32(info.max_retries);
    }
    l.push_str(" in ").push_u32(info.delay_ms).push_str(" ms");
}

pub(crate) fn push_stat(l: &mut LogLine, label: &str, v: Option<usize>, unit: &str) {
    if let Some(v) = v {
        l.push_str(label)
            .push_u32(u32::try_from(v).unwrap_or(u32::MAX))
            .push_str(unit);
    }
}

fn ack_name(k: AckKind) -> &'static str {
    match k {
        AckKind::PubAck => "PUBACK",
        AckKind::PubRec => "PUBREC",
        AckKind::PubRel => "PUBREL",
        AckKind::PubComp => "PUBCOMP",
        AckKind::UnsubAck => "UNSUBACK",
    }
}

/// Log what the broker sent (SUBACKs are logged by the subscribe step).
/// `buf_len` is the network buffer's size, for discarded packets.
pub(crate) fn on_event(sink: &dyn LogSink, ev: &Event<'_>, buf_len: usize) {
    match ev {
        Event::Publish(p) => log(sink, Level::Info, &mut |l| {
            l.push_str("incoming PUBLISH on ")
                .push_escaped(p.topic)
                .push_str(": ")
                .push_escaped(p.payload);
        }),
        Event::Ack {
            kind: AckKind::PubAck,
            packet_id,
        } => log(sink, Level::Info, &mut |l| {
            l.push_str("PUBACK for packet id ")
                .push_u32(*packet_id as u32);
        }),
        Event::PingResp => log(sink, Level::Debug, &mut |l| {
            l.push_str("PINGRESP");
        }),
        Event::StaleAck { kind, packet_id } => log(sink, Level::Warn, &mut |l| {
            l.push_str("ignored ")
                .push_str(ack_name(*kind))
                .push_str(" for packet id ")
                .push_u32(*packet_id as u32)
                .push_str(": not in flight (repeated by the broker)");
        }),
        Event::Discarded { len } => log(sink, Level::Warn, &mut |l| {
            l.push_str("discarded an incoming packet of ")
                .push_u32(u32::try_from(*len).unwrap_or(u32::MAX))
                .push_str(" bytes: larger than the network buffer (")
                .push_u32(u32::try_from(buf_len).unwrap_or(u32::MAX))
                .push_str(" bytes)");
        }),
        _ => {}
    }
}
