//! Status codes of the MQTT engine.
//!
//! Every failure the engine can report is one variant of [`Error`]. Nothing a
//! peer sends can make the engine panic: malformed input is always one of the
//! [`Malformed`] reasons inside [`Error::BadResponse`].

/// What the engine reports when an operation does not succeed.
///
/// The set mirrors coreMQTT's `MQTTStatus_t`, with the protocol violation
/// spelled out so a log line can name the cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// An argument is invalid: empty or over-long string, packet id 0,
    /// wildcard in a publish topic, DUP on QoS 0, password without user name.
    BadParameter,
    /// No state record is free (outgoing publishes in flight, or incoming
    /// QoS 2 publishes awaiting PUBREL), or the network buffer cannot hold
    /// even a packet header. Nothing was sent.
    NoMemory,
    /// No CONNACK arrived within the CONNACK timeout.
    NoDataAvailable,
    /// The call is not valid in the current state: not connected, or a
    /// receive started from inside an event handler.
    IllegalState,
    /// A publish with this packet id is already in flight.
    StateCollision,
    /// The bytes given to the decoder end before the packet does.
    NeedMoreBytes,
    // -- the variants above leave the connection usable; those below end it
    /// The transport failed while sending (the transport knows why).
    SendFailed,
    /// A send made no progress within the send timeout.
    SendTimeout,
    /// The transport failed while receiving, or the peer closed the
    /// connection (the transport knows which).
    RecvFailed,
    /// A packet that had started arriving did not complete within the
    /// packet time bound (`Timeouts::packet_ms`): the peer stalled.
    Stalled,
    /// The server sent something MQTT 3.1.1 does not allow.
    BadResponse(Malformed),
    /// The server refused the connection; the CONNACK return code (1..=5).
    ServerRefused(u8),
    /// The server did not answer a PINGREQ within the ping timeout.
    KeepAliveTimeout,
    /// The server announced a packet longer than the largest one this
    /// client accepts (`Timeouts::max_packet`); refused without reading it.
    PacketTooLarge,
}

/// Why an incoming packet was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// The remaining length needs more than four bytes.
    RemainingLength,
    /// Fixed-header flags or CONNACK acknowledge flags have reserved bits set.
    ReservedBits,
    /// The remaining length does not match the packet's contents.
    Length,
    /// A packet type a server must not send (CONNECT, SUBSCRIBE, ...), a
    /// second CONNACK, or anything but CONNACK as the first packet.
    UnexpectedType,
    /// PUBLISH with QoS 3.
    Qos,
    /// Packet identifier 0 where one is required.
    ZeroPacketId,
    /// PUBLISH topic empty, not UTF-8, or containing wildcards or NUL.
    Topic,
    /// SUBACK return code other than 0, 1, 2 or 0x80.
    SubAckStatus,
    /// SUBACK with a different number of return codes than filters sent
    /// (checked by the caller, which knows how many it sent).
    SubAckCount,
    /// CONNACK return code above 5.
    ConnAckCode,
    /// CONNACK session-present set with a refusal, or for a clean session.
    SessionPresent,
    /// A PINGRESP that answers no PINGREQ.
    UnsolicitedPingResp,
}

impl Error {
    /// A short, stable description for log lines.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Error::BadParameter => "bad parameter",
            Error::NoMemory => "no free state record",
            Error::SendFailed => "send failed",
            Error::SendTimeout => "send made no progress within the send timeout",
            Error::RecvFailed => "connection closed or receive failed",
            Error::Stalled => "peer stalled inside a packet",
            Error::BadResponse(m) => m.as_str(),
            Error::ServerRefused(_) => "server refused the connection",
            Error::NoDataAvailable => "no CONNACK within the timeout",
            Error::IllegalState => "illegal state",
            Error::StateCollision => "packet id already in flight",
            Error::KeepAliveTimeout => "keep-alive timeout: no PINGRESP",
            Error::NeedMoreBytes => "packet incomplete",
            Error::PacketTooLarge => "server announced a packet over the size limit",
        }
    }

    /// True when the connection cannot be used after this error.
    pub const fn is_fatal(&self) -> bool {
        !matches!(
            self,
            Error::BadParameter
                | Error::NoMemory
                | Error::NoDataAvailable
                | Error::StateCollision
                | Error::NeedMoreBytes
                | Error::IllegalState
        )
    }
}

impl Malformed {
    /// A short, stable description for log lines.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Malformed::RemainingLength => "malformed: remaining length over 4 bytes",
            Malformed::ReservedBits => "malformed: reserved bits set",
            Malformed::Length => "malformed: wrong packet length",
            Malformed::UnexpectedType => "malformed: packet type not allowed here",
            Malformed::Qos => "malformed: invalid QoS",
            Malformed::ZeroPacketId => "malformed: packet id 0",
            Malformed::Topic => "malformed: invalid topic name",
            Malformed::SubAckStatus => "malformed: invalid SUBACK return code",
            Malformed::SubAckCount => "malformed: SUBACK return code count mismatch",
            Malformed::ConnAckCode => "malformed: invalid CONNACK return code",
            Malformed::SessionPresent => "malformed: invalid CONNACK session-present flag",
            Malformed::UnsolicitedPingResp => "PINGRESP without PINGREQ",
        }
    }
}

/// CONNACK return code names (MQTT 3.1.1 table 3.1).
pub const fn connack_code_str(code: u8) -> &'static str {
    match code {
        0 => "accepted",
        1 => "unacceptable protocol version",
        2 => "identifier rejected",
        3 => "server unavailable",
        4 => "bad user name or password",
        5 => "not authorized",
        _ => "invalid return code",
    }
}
