//! The MQTT client: owns I/O, time, keep-alive and the QoS state machine.
//!
//! The engine is a set of functions over a [`Context`]: the state of one
//! connection ([`Vars`], two record tables, the network buffer) and its
//! transport and clock. [`Client`] is the Rust context; the coreMQTT C API
//! implements [`Context`] over the application's `MQTTContext_t`, so both
//! run this same code on state laid out like coreMQTT's.
//!
//! Memory is the caller's: one network buffer and two record tables.
//! Incoming bytes are read greedily into the buffer (one transport call can
//! bring several packets, or part of one), complete packets are handled
//! from the front of it, and outgoing packets are built in its free tail
//! and sent with one transport call whenever they fit there (larger ones
//! are streamed, so a payload may exceed the buffer). Nothing is allocated.
//!
//! Time is bounded whatever the peer does: one [`Client::poll`] makes at
//! most one receive call (bounded by the transport's own timeout) and the
//! sends it needs; a packet that has started arriving must be complete
//! within [`Timeouts::packet_ms`] of its first byte (the whole packet, not
//! each byte); a length larger than [`Timeouts::max_packet`] is refused
//! as soon as it is read; keep-alive runs on every poll, also while a slow
//! packet arrives; CONNACK and [`Client::process_loop`] waits are overall
//! deadlines.
//!
//! Incoming QoS 1 and 2 publishes are acknowledged by the client after the
//! event is handled; QoS 2 publishes are delivered once even if the server
//! repeats them before its PUBREL. An acknowledgement for a packet id that
//! is not in flight (a broker repeating acks after a resumed session) is
//! reported as [`Event::StaleAck`] and otherwise ignored; a packet larger
//! than the buffer is discarded and reported as [`Event::Discarded`]. Only
//! protocol violations and transport failures end the connection.

use crate::error::{Error, Malformed};
use crate::state::{self, publish_state as ps, CEnum, Record, Vars};
use crate::transport::{elapsed, Clock, Transport, TransportError};
use crate::wire::{
    self, kind, AckKind, Connect, Filters, Packet, Publish, QoS, Subscription, Writer,
};

/// The smallest network buffer: it holds any fixed header, so every packet
/// can be received or recognised as too large.
pub const MIN_BUFFER: usize = 5;

/// Time and size bounds of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest time one incoming packet may take from its first byte to its
    /// last (an overall bound, not a per-byte one), ms.
    pub packet_ms: u32,
    /// Longest time a send may make no progress, ms.
    pub send_ms: u32,
    /// How long to wait for PINGRESP after PINGREQ, ms.
    pub ping_resp_ms: u32,
    /// Largest remaining length accepted from the server. A packet announced
    /// longer is refused at once ([`Error::PacketTooLarge`]); one that fits
    /// this but not the network buffer is read, discarded and reported.
    pub max_packet: usize,
}

impl Timeouts {
    /// 10 s per packet, 1 s send progress, 5 s for PINGRESP, 128 KiB
    /// (AWS IoT Core's largest message) + headers.
    pub const DEFAULT: Timeouts = Timeouts {
        packet_ms: 10_000,
        send_ms: 1000,
        ping_resp_ms: 5000,
        max_packet: 128 * 1024 + 1024,
    };
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts::DEFAULT
    }
}

/// Something the server sent that the application may care about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// An application message; topic and payload borrow the network buffer.
    Publish(Publish<'a>),
    /// An acknowledgement of one of our packets, already applied to the
    /// session state:
    /// * `PubAck`: our QoS 1 publish is delivered (flow complete);
    /// * `PubRec`: our QoS 2 publish was received; PUBREL has been sent;
    /// * `PubComp`: our QoS 2 publish is complete;
    /// * `PubRel`: an incoming QoS 2 publish is released; PUBCOMP sent;
    /// * `UnsubAck`: the UNSUBSCRIBE with this id is acknowledged.
    Ack { kind: AckKind, packet_id: u16 },
    /// The SUBSCRIBE with this id is answered: one return code per filter,
    /// 0/1/2 = granted QoS, 0x80 = refused.
    SubAck { packet_id: u16, statuses: &'a [u8] },
    /// The server answered our PINGREQ.
    PingResp,
    /// An acknowledgement for a packet id not in flight in that phase (a
    /// duplicate, or one repeated after a resumed session): ignored. For a
    /// PUBREL, PUBCOMP was sent anyway; for a PUBREC, PUBREL was resent.
    StaleAck { kind: AckKind, packet_id: u16 },
    /// A packet of `len` bytes (whole packet) did not fit the network
    /// buffer: it is being read and discarded, the connection goes on.
    Discarded { len: usize },
}

/// A connection's state, memory and I/O, reached through small accessors
/// the compiler inlines: [`Client`], or the C API over the application's
/// `MQTTContext_t`.
pub trait Context {
    /// The scalar state.
    fn vars(&mut self) -> &mut Vars;
    /// The network buffer.
    fn buf(&mut self) -> &mut [u8];
    /// Records of our QoS 1/2 publishes in flight.
    fn outgoing(&mut self) -> &mut [Record];
    /// State, buffer (to read) and both record tables at once.
    fn split(&mut self) -> Split<'_>;
    /// The connection's bounds.
    fn timeouts(&self) -> Timeouts;
    /// Milliseconds, wrapping.
    fn now_ms(&mut self) -> u32;
    /// Receive into `buf()[at..at + len]`. Transport contract: a byte count;
    /// 0 = nothing yet, try again (never "closed"); error = closed or failed.
    fn recv_at(&mut self, at: usize, len: usize) -> Result<usize, TransportError>;
    /// Send `buf()[from..to]`; a byte count (0 = try again).
    fn send_buf(&mut self, from: usize, to: usize) -> Result<usize, TransportError>;
    /// Send bytes that are not in the buffer.
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError>;
}

/// The parts of a connection [`dispatch`] needs together.
pub struct Split<'a> {
    pub vars: &'a mut Vars,
    pub buf: &'a [u8],
    pub outgoing: &'a mut [Record],
    pub incoming: &'a mut [Record],
}

/// Mark the session disconnected after a fatal error, and pass it on.
pub fn fail<X: Context, T>(x: &mut X, r: Result<T, Error>) -> Result<T, Error> {
    if let Err(e) = &r {
        disconnect_if_fatal(x.vars(), e);
    }
    r
}

fn disconnect_if_fatal(v: &mut Vars, e: &Error) {
    if e.is_fatal() {
        v.connect_status = 0;
    }
}

// ---------------------------------------------------------------------------
// Sending

/// Where the bytes to send are.
#[derive(Clone, Copy)]
enum Data<'a> {
    Buf(usize, usize),
    Ext(&'a [u8]),
}

/// Send all of `data`, continuing partial writes. `SendFailed` on a
/// transport error, `SendTimeout` when no progress is made for the send
/// timeout. Records the time the last byte left.
#[cfg_attr(not(target_os = "none"), inline(always))]
fn send_all<X: Context>(x: &mut X, mut data: Data<'_>) -> Result<(), Error> {
    let mut stalled_since = None;
    loop {
        let (r, left) = match data {
            Data::Buf(from, to) if from < to => (x.send_buf(from, to), to - from),
            Data::Ext(s) if !s.is_empty() => (x.send(s), s.len()),
            _ => break,
        };
        let n = r.map_err(|_| Error::SendFailed)?;
        if n == 0 {
            let now = x.now_ms();
            match stalled_since {
                None => stalled_since = Some(now),
                Some(t) if elapsed(now, t) >= x.timeouts().send_ms => {
                    return Err(Error::SendTimeout)
                }
                Some(_) => {}
            }
            continue;
        }
        if n > left {
            return Err(Error::SendFailed);
        }
        data = match data {
            Data::Buf(from, to) => Data::Buf(from + n, to),
            Data::Ext(s) => Data::Ext(s.get(n..).unwrap_or_default()),
        };
        stalled_since = None;
    }
    let now = x.now_ms();
    x.vars().last_tx_ms = now;
    Ok(())
}

/// A packet to build in the buffer.
enum Outgoing<'a> {
    Connect(&'a Connect<'a>),
    /// Its payload is appended, or sent from where it is if it does not fit.
    Publish(&'a Publish<'a>),
    /// SUBSCRIBE or UNSUBSCRIBE: type, packet id, filters.
    Filters(u8, u16, Filters<'a>),
}

/// Build `p` in the free tail of the network buffer (after the `index`
/// bytes received and not consumed yet) and send it with one transport
/// call; a PUBLISH payload that does not fit behind it is sent from where
/// it is. `NoMemory` if the rest does not fit (nothing is sent).
fn send_packet<X: Context>(x: &mut X, p: Outgoing<'_>) -> Result<(), Error> {
    let start = x.vars().index;
    let mut w = Writer::new(x.buf().get_mut(start..).unwrap_or_default());
    let more = match p {
        Outgoing::Connect(c) => wire::connect(&mut w, c).map(|_| &[][..]),
        Outgoing::Publish(m) => wire::publish_head(&mut w, m).map(|_| m.payload),
        Outgoing::Filters(kind, id, list) => wire::filters(&mut w, kind, id, list).map(|_| &[][..]),
    }?;
    let head = start + w.finish()?;
    let end = head + more.len();
    if let Some(dst) = x.buf().get_mut(head..end) {
        wire::copy(dst, more);
        return send_all(x, Data::Buf(start, end));
    }
    send_all(x, Data::Buf(start, head))?;
    send_all(x, Data::Ext(more))
}

/// Send a short packet (ack, PINGREQ, DISCONNECT) from where it is.
#[cfg_attr(not(target_os = "none"), inline(always))]
fn send_small<X: Context>(x: &mut X, bytes: &[u8]) -> Result<(), Error> {
    send_all(x, Data::Ext(bytes))
}

/// Send a publish acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP) and
/// note it in `control_packet_sent` (coreMQTT's `controlPacketSent`).
#[cfg_attr(not(target_os = "none"), inline(always))]
fn send_ack<X: Context>(x: &mut X, packet_kind: u8, packet_id: u16) -> Result<(), Error> {
    send_small(x, &wire::ack_bytes(packet_kind, packet_id))?;
    x.vars().control_packet_sent = 1;
    Ok(())
}

// ---------------------------------------------------------------------------
// Receiving

/// Where a complete packet lies at the front of the network buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The first byte (type and flags).
    pub first: u8,
    /// Fixed header length: the body starts at `buf[header]`.
    pub header: u8,
    /// Remaining length: the body is `buf[header..header + len]`.
    pub len: u32,
}

impl Frame {
    pub const fn total(&self) -> usize {
        self.header as usize + self.len as usize
    }
}

/// What one receive step found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// No bytes are waiting.
    Nothing,
    /// Part of a packet is in the buffer (within its time bound), or bytes
    /// of a discarded packet were dropped.
    Partial,
    /// A complete packet is at the front of the buffer.
    Frame(Frame),
    /// A packet of this total length does not fit the buffer; its bytes
    /// are being discarded (over this and later calls).
    Discarded(u32),
}

/// One receive step: a complete packet already buffered is returned without
/// a transport call; otherwise one `recv` into the free part of the buffer.
/// Enforces the packet time bound and the size limit. (Errors do not mark
/// the session disconnected: see [`fail`].)
// Inlining policy: firmware builds (no OS) keep the receive path as calls,
// for size; hosted builds (and the CPU benchmark) inline it into its callers,
// as a C compiler inlines the static helpers of coreMQTT's process loop.
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn receive<X: Context>(x: &mut X) -> Result<Received, Error> {
    let v = x.vars();
    // While discarding an oversize packet, `index` is 0 and what is left of
    // it is read over the start of the buffer.
    let (left, have) = (v.discard_remaining, v.index);
    if left == 0 && have > 0 {
        if let Some(r) = frame(x, have)? {
            return Ok(r);
        }
    }
    let size = x.buf().len();
    let room = if left > 0 {
        left.min(size)
    } else {
        size.saturating_sub(have)
    };
    let n = x.recv_at(have, room).map_err(|_| Error::RecvFailed)?;
    if n > room {
        return Err(Error::RecvFailed);
    }
    if n == 0 && have == 0 && left == 0 {
        return Ok(Received::Nothing);
    }
    let now = x.now_ms();
    let v = x.vars();
    if have == 0 && left == 0 {
        v.packet_start_ms = now;
    }
    if n > 0 {
        v.last_rx_ms = now;
    }
    let start = v.packet_start_ms;
    if left > 0 {
        v.discard_remaining = left - n;
        if left == n {
            return Ok(Received::Partial);
        }
    } else {
        v.index = have + n;
        if let Some(r) = frame(x, have + n)? {
            return Ok(r);
        }
    }
    if elapsed(now, start) >= x.timeouts().packet_ms {
        return Err(Error::Stalled);
    }
    Ok(Received::Partial)
}

/// A complete packet (or an oversize one) at the front of `buf[..have]`.
#[cfg_attr(not(target_os = "none"), inline(always))]
fn frame<X: Context>(x: &mut X, have: usize) -> Result<Option<Received>, Error> {
    let buf = x.buf();
    let size = buf.len();
    let bytes = buf.get(..have).unwrap_or_default();
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    wire::check_first_byte(first)?;
    let (len, used) = match wire::decode_remaining_length(bytes.get(1..).unwrap_or_default()) {
        Ok(r) => r,
        Err(Error::NeedMoreBytes) => return Ok(None),
        Err(e) => return Err(e),
    };
    if len > x.timeouts().max_packet {
        return Err(Error::PacketTooLarge);
    }
    let f = Frame {
        first,
        header: 1 + used as u8,
        len: len as u32,
    };
    let total = f.total();
    if total > size {
        // Everything buffered belongs to this packet: drop it, and the rest
        // as it arrives.
        let v = x.vars();
        v.index = 0;
        v.discard_remaining = total - have;
        return Ok(Some(Received::Discarded(total as u32)));
    }
    if total > have {
        return Ok(None);
    }
    Ok(Some(Received::Frame(f)))
}

/// Drop the packet `f` from the front of the buffer; the bytes after it
/// start the next packet.
pub fn consume<X: Context>(x: &mut X, f: Frame) {
    let total = f.total();
    let v = x.vars();
    let rest = v.index.saturating_sub(total);
    v.index = rest;
    if rest > 0 {
        // A forward byte copy: the regions may overlap, and copy_within
        // would link a panic path.
        let buf = x.buf();
        for i in 0..rest {
            let b = buf.get(total + i).copied().unwrap_or(0);
            if let Some(d) = buf.get_mut(i) {
                *d = b;
            }
        }
    }
}

/// The acknowledgement owed for a handled packet (its type and the packet
/// id), sent by [`finish`].
pub type Reply = Option<(u8, u16)>;

/// Apply a received packet to the session state and say what to report
/// (`None` for a QoS 2 publish repeated before its PUBREL: delivered
/// already) and what to answer. The event borrows the network buffer.
#[inline(always)]
pub fn dispatch<X: Context>(x: &mut X, f: Frame) -> Result<(Option<Event<'_>>, Reply), Error> {
    let Split {
        vars,
        buf,
        outgoing,
        incoming,
    } = x.split();
    let body = buf.get(f.header as usize..f.total()).unwrap_or_default();
    handle(vars, outgoing, incoming, wire::decode_body(f.first, body)?)
}

#[cfg_attr(not(target_os = "none"), inline(always))]
fn handle<'b>(
    vars: &mut Vars,
    outgoing: &mut [Record],
    incoming: &mut [Record],
    packet: Packet<'b>,
) -> Result<(Option<Event<'b>>, Reply), Error> {
    let (k, id) = match packet {
        Packet::Publish(p) => {
            let id = p.packet_id;
            let reply = match p.qos {
                QoS::AtMostOnce => None,
                QoS::AtLeastOnce => Some((kind::PUBACK, id)),
                QoS::ExactlyOnce => {
                    let reply = Some((kind::PUBREC, id));
                    match state::add(incoming, id, 2, ps::PUBREL_PENDING) {
                        Ok(()) => {}
                        Err(state::AddError::Collision) => return Ok((None, reply)),
                        Err(state::AddError::Full) => return Err(Error::NoMemory),
                    }
                    reply
                }
            };
            return Ok((Some(Event::Publish(p)), reply));
        }
        Packet::Ack { kind, packet_id } => (kind, packet_id),
        Packet::SubAck {
            packet_id,
            statuses,
        } => {
            let ev = Event::SubAck {
                packet_id,
                statuses,
            };
            return Ok((Some(ev), None));
        }
        Packet::PingResp => {
            if vars.waiting_for_ping_resp == 0 {
                return Err(Error::BadResponse(Malformed::UnsolicitedPingResp));
            }
            vars.waiting_for_ping_resp = 0;
            return Ok((Some(Event::PingResp), None));
        }
        Packet::ConnAck { .. } => return Err(Error::BadResponse(Malformed::UnexpectedType)),
    };
    let (table, expect) = match k {
        AckKind::UnsubAck => {
            let ev = Event::Ack {
                kind: k,
                packet_id: id,
            };
            return Ok((Some(ev), None));
        }
        AckKind::PubRel => (incoming, ps::PUBREL_PENDING),
        AckKind::PubAck => (outgoing, ps::PUBACK_PENDING),
        AckKind::PubRec => (outgoing, ps::PUBREC_PENDING),
        AckKind::PubComp => (outgoing, ps::PUBCOMP_PENDING),
    };
    // PUBREL is answered with PUBCOMP even for an id we no longer know (our
    // PUBCOMP was lost); a repeated PUBREC gets its PUBREL again.
    let mut reply = match k {
        AckKind::PubRel => Some((kind::PUBCOMP, id)),
        _ => None,
    };
    let mut fresh = false;
    if let Some(at) = state::position(table, id) {
        let st = table.get(at).map_or(ps::NULL, |r| r.state);
        if st == expect {
            fresh = true;
            // PUBREC moves the flow on to PUBCOMP (resent PUBREL on a
            // resumed session either way); the other acks complete it.
            if k != AckKind::PubRec {
                state::remove(table, at);
            } else if let Some(r) = table.get_mut(at) {
                r.state = ps::PUBCOMP_PENDING;
            }
        }
        if k == AckKind::PubRec && (fresh || st == ps::PUBCOMP_PENDING) {
            reply = Some((kind::PUBREL, id));
        }
    }
    let ev = if fresh {
        Event::Ack {
            kind: k,
            packet_id: id,
        }
    } else {
        Event::StaleAck {
            kind: k,
            packet_id: id,
        }
    };
    Ok((Some(ev), reply))
}

/// After the event of `f` was handled: consume the packet and send the
/// acknowledgement owed.
#[inline(always)]
pub fn finish<X: Context>(x: &mut X, f: Frame, reply: Reply) -> Result<(), Error> {
    consume(x, f);
    let Some((k, id)) = reply else {
        return Ok(());
    };
    send_ack(x, k, id)
}

/// Send PINGREQ when nothing was sent for the keep-alive interval;
/// `KeepAliveTimeout` when a PINGRESP is overdue.
#[inline(always)]
pub fn keep_alive<X: Context>(x: &mut X) -> Result<(), Error> {
    let v = x.vars();
    let (interval, waiting, ping_sent, last_tx) = (
        v.keep_alive_s as u32 * 1000,
        v.waiting_for_ping_resp,
        v.ping_sent_ms,
        v.last_tx_ms,
    );
    if interval == 0 {
        return Ok(());
    }
    let now = x.now_ms();
    if waiting != 0 {
        // Overdue after the bound has passed, as coreMQTT counts it.
        if elapsed(now, ping_sent) > x.timeouts().ping_resp_ms {
            return Err(Error::KeepAliveTimeout);
        }
        return Ok(());
    }
    if elapsed(now, last_tx) >= interval {
        return send_ping(x);
    }
    Ok(())
}

#[inline(always)]
fn send_ping<X: Context>(x: &mut X) -> Result<(), Error> {
    send_small(x, &wire::PINGREQ)?;
    let v = x.vars();
    v.waiting_for_ping_resp = 1;
    v.ping_sent_ms = v.last_tx_ms;
    Ok(())
}

fn require_connected<X: Context>(x: &mut X) -> Result<(), Error> {
    if !x.vars().connected() {
        return Err(Error::IllegalState);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Operations

/// Send CONNECT and wait up to `connack_timeout_ms` for CONNACK (0: one
/// receive and five retries, as coreMQTT). Returns the session-present
/// flag.
///
/// Without session present every record is cleared. With it, PUBRELs still
/// owed are resent; publishes awaiting PUBACK/PUBREC stay recorded for the
/// caller to resend ([`pending_publishes`]).
///
/// Errors: `BadParameter`, `NoMemory` (buffer under [`MIN_BUFFER`]),
/// `SendFailed`, `SendTimeout`, `RecvFailed`, `Stalled`, `NoDataAvailable`
/// (no CONNACK in time), `ServerRefused`, `BadResponse` (not a CONNACK,
/// malformed, session present on a clean session), `PacketTooLarge`.
pub fn connect<X: Context>(
    x: &mut X,
    c: &Connect<'_>,
    connack_timeout_ms: u32,
) -> Result<bool, Error> {
    let v = x.vars();
    v.connect_status = 0;
    v.waiting_for_ping_resp = 0;
    v.index = 0;
    v.discard_remaining = 0;
    send_packet(x, Outgoing::Connect(c))?;
    let start = x.now_ms();
    let mut attempts = 0u32;
    let frame = loop {
        // A CONNACK that stalls half-way has not arrived: the CONNACK
        // timeout is the bound that matters here.
        let got = receive(x);
        if got == Err(Error::Stalled) {
            return Err(Error::NoDataAvailable);
        }
        match got? {
            Received::Frame(f) => break f,
            Received::Discarded(_) => return Err(Error::BadResponse(Malformed::UnexpectedType)),
            _ => {}
        }
        attempts += 1;
        let expired = match connack_timeout_ms {
            // One receive and five retries, as coreMQTT's
            // MQTT_MAX_CONNACK_RECEIVE_RETRY_COUNT.
            0 => attempts > 5,
            ms => elapsed(x.now_ms(), start) >= ms,
        };
        if expired {
            return Err(Error::NoDataAvailable);
        }
    };
    let body = x
        .buf()
        .get(frame.header as usize..frame.total())
        .unwrap_or_default();
    let Packet::ConnAck {
        session_present,
        code,
    } = wire::decode_body(frame.first, body)?
    else {
        return Err(Error::BadResponse(Malformed::UnexpectedType));
    };
    consume(x, frame);
    if code != 0 {
        return Err(Error::ServerRefused(code));
    }
    if session_present && c.clean_session {
        return Err(Error::BadResponse(Malformed::SessionPresent));
    }
    let Split {
        outgoing, incoming, ..
    } = x.split();
    if !session_present {
        state::clear(outgoing);
        state::clear(incoming);
    }
    // A resumed session: PUBREL again for every QoS 2 publish whose PUBREC
    // arrived (its PUBCOMP may never have).
    for i in 0..outgoing.len() {
        let r = x.outgoing().get(i).copied().unwrap_or(Record::EMPTY);
        if r.packet_id == 0 {
            break;
        }
        if matches!(r.state, ps::PUBREL_SEND | ps::PUBCOMP_PENDING) {
            send_ack(x, kind::PUBREL, r.packet_id)?;
            if let Some(r) = x.outgoing().get_mut(i) {
                r.state = ps::PUBCOMP_PENDING;
            }
        }
    }
    let v = x.vars();
    v.connect_status = 1;
    v.keep_alive_s = c.keep_alive_s;
    Ok(session_present)
}

/// The next packet id (coreMQTT's `MQTT_GetPacketId`): 1, 2, ... 65535, 1,
/// never 0. An id still in flight comes round only after 65,535 others; a
/// publish with it is refused (`StateCollision`), not sent.
pub fn next_packet_id<X: Context>(x: &mut X) -> u16 {
    let v = x.vars();
    let id = v.next_packet_id.max(1);
    v.next_packet_id = id.wrapping_add(1).max(1);
    id
}

/// Publish a message with the caller's packet id (`m.packet_id`, ignored
/// for QoS 0). For QoS 1/2 a record stays in the outgoing table until the
/// flow completes. With `m.dup` set and the id already recorded (a resend),
/// the record is kept.
///
/// Errors: `IllegalState` (not connected), `BadParameter` (topic, id, QoS 0
/// with DUP), `NoMemory` (no free record), `StateCollision` (id in flight),
/// `SendFailed`, `SendTimeout`.
pub fn publish<X: Context>(x: &mut X, m: &Publish<'_>) -> Result<(), Error> {
    require_connected(x)?;
    if m.qos != QoS::AtMostOnce {
        if m.packet_id == 0 {
            return Err(Error::BadParameter);
        }
        let pending = if m.qos == QoS::AtLeastOnce {
            ps::PUBACK_PENDING
        } else {
            ps::PUBREC_PENDING
        };
        match state::add(x.outgoing(), m.packet_id, m.qos as CEnum, pending) {
            Ok(()) => {}
            Err(state::AddError::Collision) if m.dup => {}
            Err(state::AddError::Collision) => return Err(Error::StateCollision),
            Err(state::AddError::Full) => return Err(Error::NoMemory),
        }
    }
    let r = send_packet(x, Outgoing::Publish(m));
    if matches!(r, Err(Error::BadParameter | Error::NoMemory)) && !m.dup {
        // Nothing was sent: the record must not stay.
        let table = x.outgoing();
        if let Some(at) = state::position(table, m.packet_id) {
            state::remove(table, at);
        }
    }
    fail(x, r)
}

/// SUBSCRIBE (filters with QoS) or UNSUBSCRIBE (without) with the caller's
/// packet id; the answer arrives as [`Event::SubAck`] / [`Event::Ack`].
pub fn subscribe_with<X: Context>(
    x: &mut X,
    packet_kind: u8,
    packet_id: u16,
    list: Filters<'_>,
) -> Result<(), Error> {
    require_connected(x)?;
    let r = send_packet(x, Outgoing::Filters(packet_kind, packet_id, list));
    fail(x, r)
}

/// Send PINGREQ now (keep-alive also does it when idle).
pub fn ping<X: Context>(x: &mut X) -> Result<(), Error> {
    require_connected(x)?;
    let r = send_ping(x);
    fail(x, r)
}

/// Send DISCONNECT. The session is disconnected afterwards either way; the
/// caller closes the transport. `IllegalState` when not connected: nothing
/// may precede CONNECT.
pub fn disconnect<X: Context>(x: &mut X) -> Result<(), Error> {
    require_connected(x)?;
    say_goodbye(x)
}

/// Send DISCONNECT whatever the state (the C API's `MQTT_Disconnect`, as
/// coreMQTT: after an error the application may still end the session
/// cleanly, so the broker drops the will) and mark the session
/// disconnected.
#[inline(always)]
pub fn say_goodbye<X: Context>(x: &mut X) -> Result<(), Error> {
    let r = send_small(x, &wire::DISCONNECT);
    let v = x.vars();
    v.connect_status = 0;
    v.index = 0;
    v.discard_remaining = 0;
    r
}

/// Forget an outgoing publish (coreMQTT's `MQTT_CancelCallback`): its
/// acknowledgement, if it comes, is reported as stale.
pub fn cancel<X: Context>(x: &mut X, packet_id: u16) -> Result<(), Error> {
    let table = x.outgoing();
    match state::position(table, packet_id) {
        Some(at) if packet_id != 0 => {
            state::remove(table, at);
            Ok(())
        }
        _ => Err(Error::BadParameter),
    }
}

/// Packet ids of our publishes not acknowledged yet (awaiting PUBACK or
/// PUBREC, or never sent), in the order they were sent: after a resumed
/// session, resend each with DUP set.
pub fn pending_publishes(table: &[Record]) -> impl Iterator<Item = u16> + '_ {
    table
        .iter()
        .filter(|r| {
            r.packet_id != 0
                && matches!(
                    r.state,
                    ps::PUBLISH_SEND | ps::PUBACK_PENDING | ps::PUBREC_PENDING
                )
        })
        .map(|r| r.packet_id)
}

/// What one [`poll_once`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Polled {
    /// Nothing complete arrived.
    Idle,
    /// Part of a packet is buffered (coreMQTT's `MQTTNeedMoreBytes`).
    Partial,
    /// An event was handled; what the handler returned.
    Event(bool),
}

/// One pass of the receive loop: at most one receive call, at most one
/// packet handled (its event handed to `on_event`, its acknowledgement
/// sent), then keep-alive if `keep_alive` is set. A fatal error marks the
/// session disconnected.
#[inline(always)]
pub fn poll_once<X: Context>(
    x: &mut X,
    keep_alive: bool,
    on_event: &mut dyn FnMut(Event<'_>) -> bool,
) -> Result<Polled, Error> {
    let r = poll_inner(x, keep_alive, on_event);
    fail(x, r)
}

#[inline(always)]
fn poll_inner<X: Context>(
    x: &mut X,
    keep_alive: bool,
    on_event: &mut dyn FnMut(Event<'_>) -> bool,
) -> Result<Polled, Error> {
    let v = x.vars();
    if !v.connected() || v.in_callback != 0 {
        return Err(Error::IllegalState);
    }
    let polled = match receive(x)? {
        Received::Nothing => Polled::Idle,
        Received::Partial => Polled::Partial,
        Received::Discarded(len) => Polled::Event(on_event(Event::Discarded { len: len as usize })),
        Received::Frame(f) => match dispatch(x, f) {
            Ok((event, reply)) => {
                let stop = event.is_some_and(&mut *on_event);
                finish(x, f, reply)?;
                Polled::Event(stop)
            }
            Err(e) => {
                consume(x, f);
                return Err(e);
            }
        },
    };
    if keep_alive {
        self::keep_alive(x)?;
    }
    Ok(polled)
}

// ---------------------------------------------------------------------------
// The Rust client

/// An MQTT 3.1.1 client session over transport `T` and clock `C`.
pub struct Client<'a, T, C> {
    transport: T,
    clock: C,
    buf: &'a mut [u8],
    outgoing: &'a mut [Record],
    incoming: &'a mut [Record],
    timeouts: Timeouts,
    vars: Vars,
}

impl<T: Transport, C: Clock> Context for Client<'_, T, C> {
    fn vars(&mut self) -> &mut Vars {
        &mut self.vars
    }
    fn buf(&mut self) -> &mut [u8] {
        self.buf
    }
    fn outgoing(&mut self) -> &mut [Record] {
        self.outgoing
    }
    fn split(&mut self) -> Split<'_> {
        Split {
            vars: &mut self.vars,
            buf: self.buf,
            outgoing: self.outgoing,
            incoming: self.incoming,
        }
    }
    fn timeouts(&self) -> Timeouts {
        self.timeouts
    }
    fn now_ms(&mut self) -> u32 {
        self.clock.now_ms()
    }
    fn recv_at(&mut self, at: usize, len: usize) -> Result<usize, TransportError> {
        match self.buf.get_mut(at..at + len) {
            Some(dst) => self.transport.recv(dst),
            None => Err(TransportError(0)),
        }
    }
    fn send_buf(&mut self, from: usize, to: usize) -> Result<usize, TransportError> {
        match self.buf.get(from..to) {
            Some(src) => self.transport.send(src),
            None => Err(TransportError(0)),
        }
    }
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        self.transport.send(data)
    }
}

impl<'a, T: Transport, C: Clock> Client<'a, T, C> {
    /// A disconnected client. `buf` receives every incoming packet (larger
    /// ones are discarded and reported) and is where outgoing packets are
    /// built (larger ones are sent in pieces); the tables bound how many
    /// QoS 1/2 publishes may be in flight in each direction.
    pub fn new(
        transport: T,
        clock: C,
        buf: &'a mut [u8],
        outgoing: &'a mut [Record],
        incoming: &'a mut [Record],
        timeouts: Timeouts,
    ) -> Self {
        Client {
            transport,
            clock,
            buf,
            outgoing,
            incoming,
            timeouts,
            vars: Vars::NEW,
        }
    }

    /// Whether CONNACK accepted us and no fatal error happened since.
    pub fn is_connected(&self) -> bool {
        self.vars.connected()
    }

    /// The session state (the fields a coreMQTT application reads).
    pub fn state(&self) -> &Vars {
        &self.vars
    }

    /// The transport, e.g. to close it after [`Client::disconnect`].
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Send CONNECT and wait up to `connack_timeout_ms` for CONNACK; see
    /// [`connect`]. Returns the session-present flag.
    pub fn connect(&mut self, c: &Connect<'_>, connack_timeout_ms: u32) -> Result<bool, Error> {
        connect(self, c, connack_timeout_ms)
    }

    /// Publish a message; for QoS 1/2 the packet id is chosen here (never 0,
    /// never one in flight) and returned (0 for QoS 0). See [`publish`].
    pub fn publish(&mut self, m: &Publish<'_>) -> Result<u16, Error> {
        let mut m = *m;
        m.packet_id = 0;
        loop {
            if m.qos != QoS::AtMostOnce {
                m.packet_id = next_packet_id(self);
            }
            // Ids come round only every 65,535 publishes; one still in
            // flight then is skipped (the table bounds how many).
            match publish(self, &m) {
                Err(Error::StateCollision) => continue,
                r => return r.map(|()| m.packet_id),
            }
        }
    }

    /// Packet ids of our publishes awaiting PUBACK or PUBREC, e.g. after a
    /// resumed session; resend each with [`Client::resend`].
    pub fn pending_publishes(&self) -> impl Iterator<Item = u16> + '_ {
        pending_publishes(self.outgoing)
    }

    /// Resend an unacknowledged publish with DUP set and its original packet
    /// id (`m.packet_id`).
    ///
    /// Errors: `IllegalState` (not connected, or the id is not recorded at
    /// this QoS), `BadParameter` (QoS 0), `SendFailed`, `SendTimeout`.
    pub fn resend(&mut self, m: &Publish<'_>) -> Result<(), Error> {
        if m.qos == QoS::AtMostOnce {
            return Err(Error::BadParameter);
        }
        let recorded = self
            .outgoing
            .iter()
            .any(|r| r.packet_id == m.packet_id && r.qos == m.qos as CEnum);
        if !recorded {
            return Err(Error::IllegalState);
        }
        let mut m = *m;
        m.dup = true;
        publish(self, &m)
    }

    /// Forget an outgoing publish; see [`cancel`].
    pub fn cancel(&mut self, packet_id: u16) -> Result<(), Error> {
        cancel(self, packet_id)
    }

    /// Subscribe to one or more filters; returns the packet id. The SUBACK
    /// arrives as [`Event::SubAck`].
    pub fn subscribe(&mut self, subs: &[Subscription<'_>]) -> Result<u16, Error> {
        self.filters(kind::SUBSCRIBE, Filters::Subscribe(subs))
    }

    /// Unsubscribe from one or more filters; returns the packet id. The
    /// UNSUBACK arrives as [`Event::Ack`] with [`AckKind::UnsubAck`].
    pub fn unsubscribe(&mut self, filters: &[&str]) -> Result<u16, Error> {
        self.filters(kind::UNSUBSCRIBE, Filters::Unsubscribe(filters))
    }

    #[inline(never)]
    fn filters(&mut self, packet_kind: u8, list: Filters<'_>) -> Result<u16, Error> {
        let id = next_packet_id(self);
        subscribe_with(self, packet_kind, id, list)?;
        Ok(id)
    }

    /// Send PINGREQ now (the process loop also does it when idle).
    pub fn ping(&mut self) -> Result<(), Error> {
        ping(self)
    }

    /// Send DISCONNECT; see [`disconnect`].
    pub fn disconnect(&mut self) -> Result<(), Error> {
        disconnect(self)
    }

    /// One pass: receive and handle at most one packet (handing its event to
    /// `on_event`), then keep-alive. Returns what `on_event` returned, or
    /// false when no event was handled.
    ///
    /// Errors: `IllegalState` (not connected), `RecvFailed`, `Stalled`,
    /// `PacketTooLarge`, `SendFailed`, `SendTimeout`, `BadResponse`,
    /// `KeepAliveTimeout`, `NoMemory` (incoming QoS 2 table full: the
    /// publish was dropped unacknowledged; the server will repeat it). After
    /// any error but `NoMemory` and `IllegalState` the session is
    /// disconnected.
    pub fn poll(&mut self, on_event: &mut dyn FnMut(Event<'_>) -> bool) -> Result<bool, Error> {
        Ok(poll_once(self, true, on_event)? == Polled::Event(true))
    }

    /// Run [`Client::poll`] until `on_event` returns true (returns `Ok(true)`)
    /// or `timeout_ms` passes (returns `Ok(false)`). Stops at the first error.
    /// The deadline is overall; it can be overrun by one transport receive
    /// timeout (the last poll's receive call).
    pub fn process_loop(
        &mut self,
        timeout_ms: u32,
        on_event: &mut dyn FnMut(Event<'_>) -> bool,
    ) -> Result<bool, Error> {
        let start = self.clock.now_ms();
        loop {
            if poll_once(self, true, on_event)? == Polled::Event(true) {
                return Ok(true);
            }
            if elapsed(self.clock.now_ms(), start) >= timeout_ms {
                return Ok(false);
            }
        }
    }
}
