//! MQTT 3.1.1 serializer: structs to bytes and back. No I/O, no time.
//!
//! Encoding writes into a caller-owned buffer and returns the packet length;
//! a packet that does not fit is [`Error::NoMemory`], never truncated.
//!
//! Decoding works in two levels, as smoltcp's `wire` does: the fixed header
//! (type, flags, remaining length) is parsed first, then [`decode_body`]
//! validates the whole variable header and payload of a complete packet and
//! returns a [`Packet`] whose slices borrow the receive buffer (no copy). Once
//! a `Packet` exists every field in it is valid; nothing indexes unchecked.

use crate::error::{Error, Malformed};
use crate::topic;

/// Packet type numbers (upper nibble of the first byte).
pub mod kind {
    pub const CONNECT: u8 = 1;
    pub const CONNACK: u8 = 2;
    pub const PUBLISH: u8 = 3;
    pub const PUBACK: u8 = 4;
    pub const PUBREC: u8 = 5;
    pub const PUBREL: u8 = 6;
    pub const PUBCOMP: u8 = 7;
    pub const SUBSCRIBE: u8 = 8;
    pub const SUBACK: u8 = 9;
    pub const UNSUBSCRIBE: u8 = 10;
    pub const UNSUBACK: u8 = 11;
    pub const PINGREQ: u8 = 12;
    pub const PINGRESP: u8 = 13;
    pub const DISCONNECT: u8 = 14;
}

/// Largest remaining length MQTT can encode (four length bytes).
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// SUBACK return code for a refused subscription.
pub const SUBACK_FAILURE: u8 = 0x80;

/// Quality of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum QoS {
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS for the two-bit wire value, `None` for 3.
    pub const fn from_bits(bits: u8) -> Option<QoS> {
        match bits {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// Last will and testament carried in CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Will<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub qos: QoS,
    pub retain: bool,
}

/// The CONNECT packet's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Connect<'a> {
    pub client_id: &'a str,
    /// Keep-alive interval in seconds; 0 disables keep-alive.
    pub keep_alive_s: u16,
    pub clean_session: bool,
    pub username: Option<&'a str>,
    pub password: Option<&'a [u8]>,
    pub will: Option<Will<'a>>,
}

impl<'a> Connect<'a> {
    /// Clean session, no credentials, no will.
    pub const fn new(client_id: &'a str, keep_alive_s: u16) -> Self {
        Connect {
            client_id,
            keep_alive_s,
            clean_session: true,
            username: None,
            password: None,
            will: None,
        }
    }
}

/// A PUBLISH packet, outgoing or incoming. Incoming topic and payload borrow
/// the receive buffer.
///
/// The topic is bytes so the engine need not carry `core::str` validation;
/// it is checked to be well-formed UTF-8 both ways ([`Publish::topic_str`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Publish<'a> {
    pub topic: &'a [u8],
    pub payload: &'a [u8],
    pub qos: QoS,
    pub retain: bool,
    pub dup: bool,
    /// 0 for QoS 0; never 0 otherwise.
    pub packet_id: u16,
}

impl<'a> Publish<'a> {
    /// A publish without retain or DUP; the client assigns the packet id.
    pub const fn new(topic: &'a str, payload: &'a [u8], qos: QoS) -> Self {
        Publish {
            topic: topic.as_bytes(),
            payload,
            qos,
            retain: false,
            dup: false,
            packet_id: 0,
        }
    }

    /// The topic as `&str` (`None` only if it was built from invalid bytes).
    pub fn topic_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.topic).ok()
    }
}

/// One topic filter of a SUBSCRIBE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription<'a> {
    pub filter: &'a str,
    pub qos: QoS,
}

/// The packets a server sends that carry nothing but a packet id. The value
/// is the packet type number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum AckKind {
    PubAck = kind::PUBACK,
    PubRec = kind::PUBREC,
    PubRel = kind::PUBREL,
    PubComp = kind::PUBCOMP,
    UnsubAck = kind::UNSUBACK,
}

/// A packet a server may send, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    ConnAck {
        session_present: bool,
        code: u8,
    },
    Publish(Publish<'a>),
    /// PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK, with a non-zero id.
    Ack {
        kind: AckKind,
        packet_id: u16,
    },
    /// Return codes, one per filter: 0, 1, 2 (granted QoS) or 0x80.
    SubAck {
        packet_id: u16,
        statuses: &'a [u8],
    },
    PingResp,
}

// ---------------------------------------------------------------------------
// Encoding

/// Bounds-checked cursor over an output buffer. A write past the end sets
/// `overflow` instead of writing, and [`Writer::finish`] returns `NoMemory`:
/// a packet is never truncated.
pub struct Writer<'b> {
    /// The part of the buffer not written yet.
    rest: &'b mut [u8],
    /// The buffer's length.
    len: usize,
    overflow: bool,
}

impl<'b> Writer<'b> {
    pub fn new(buf: &'b mut [u8]) -> Self {
        Writer {
            len: buf.len(),
            rest: buf,
            overflow: false,
        }
    }

    /// Bytes written, or `NoMemory` if something did not fit.
    pub fn finish(self) -> Result<usize, Error> {
        if self.overflow {
            return Err(Error::NoMemory);
        }
        Ok(self.len - self.rest.len())
    }

    pub fn put(&mut self, data: &[u8]) {
        let rest = core::mem::take(&mut self.rest);
        match rest.split_at_mut_checked(data.len()) {
            Some((dst, rest)) => {
                copy(dst, data);
                self.rest = rest;
            }
            None => self.overflow = true,
        }
    }

    pub fn byte(&mut self, b: u8) {
        let rest = core::mem::take(&mut self.rest);
        match rest.split_first_mut() {
            Some((d, rest)) => {
                *d = b;
                self.rest = rest;
            }
            None => self.overflow = true,
        }
    }

    /// A big-endian u16.
    fn u16(&mut self, v: u16) {
        self.byte((v >> 8) as u8);
        self.byte(v as u8);
    }

    /// Two-byte length prefix, then the bytes (length checked by the
    /// caller).
    fn field(&mut self, data: &[u8]) {
        self.u16(data.len() as u16);
        self.put(data);
    }

    /// The fixed header: first byte and remaining length. Returns the size
    /// of the whole packet.
    #[inline(always)]
    fn header(&mut self, first: u8, remaining: usize) -> Result<usize, Error> {
        if remaining > MAX_REMAINING_LENGTH {
            return Err(Error::BadParameter);
        }
        self.byte(first);
        let mut n = 1;
        let mut rest = remaining;
        loop {
            let b = (rest % 128) as u8;
            rest /= 128;
            n += 1;
            if rest == 0 {
                self.byte(b);
                return Ok(n + remaining);
            }
            self.byte(b | 0x80);
        }
    }
}

/// Copy `src` to the start of `dst` (as much as fits). A zip copy has no
/// length-mismatch panic path, unlike `copy_from_slice`; the compiler still
/// turns it into `memcpy`.
pub fn copy(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// Length of a string/binary field with its prefix; errors past 65535 bytes.
fn field_len(data: &[u8]) -> Result<usize, Error> {
    if data.len() > u16::MAX as usize {
        return Err(Error::BadParameter);
    }
    Ok(2 + data.len())
}

/// Total size of a packet with this remaining length.
pub const fn packet_size(remaining: usize) -> usize {
    let len_bytes = if remaining < 128 {
        1
    } else if remaining < 16_384 {
        2
    } else if remaining < 2_097_152 {
        3
    } else {
        4
    };
    1 + len_bytes + remaining
}

/// Serialize CONNECT (protocol level 4) into `w`; returns its size.
/// Everything is validated before the first byte is written.
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn connect(w: &mut Writer<'_>, c: &Connect<'_>) -> Result<usize, Error> {
    if c.password.is_some() && c.username.is_none() {
        return Err(Error::BadParameter);
    }
    if c.client_id.is_empty() && !c.clean_session {
        return Err(Error::BadParameter);
    }
    let mut flags = 0u8;
    let mut remaining = 10 + field_len(c.client_id.as_bytes())?;
    if c.clean_session {
        flags |= 0x02;
    }
    if let Some(will) = &c.will {
        topic::validate_name(will.topic.as_bytes())?;
        flags |= 0x04 | ((will.qos as u8) << 3) | if will.retain { 0x20 } else { 0 };
        remaining += field_len(will.topic.as_bytes())? + field_len(will.payload)?;
    }
    if let Some(u) = c.username {
        flags |= 0x80;
        remaining += field_len(u.as_bytes())?;
    }
    if let Some(p) = c.password {
        flags |= 0x40;
        remaining += field_len(p)?;
    }
    let size = w.header(kind::CONNECT << 4, remaining)?;
    // Protocol name "MQTT", level 4 (3.1.1).
    w.put(b"\x00\x04MQTT\x04");
    w.byte(flags);
    w.u16(c.keep_alive_s);
    w.field(c.client_id.as_bytes());
    if let Some(will) = &c.will {
        w.field(will.topic.as_bytes());
        w.field(will.payload);
    }
    if let Some(u) = c.username {
        w.field(u.as_bytes());
    }
    if let Some(p) = c.password {
        w.field(p);
    }
    Ok(size)
}

/// Serialize PUBLISH into `w` up to its payload (fixed header, topic,
/// packet id); returns the size of the whole packet. `p.packet_id` must be
/// non-zero for QoS 1 and 2. The caller sends the payload after these bytes.
// Hosted builds inline it into the send path (see client::receive).
#[inline(always)]
pub fn publish_head(w: &mut Writer<'_>, p: &Publish<'_>) -> Result<usize, Error> {
    // One copy on Cortex-M, shared with the C API (flash); on hosts the
    // payload's length read only where it is added (CPU: nothing more kept
    // live across the topic check in the send path).
    #[cfg(target_os = "none")]
    return publish_head_sized(w, p, p.payload.len());
    #[cfg(not(target_os = "none"))]
    return publish_head_of(w, p, None);
}

/// [`publish_head`] for a payload of `payload_len` bytes, which `p.payload`
/// need not hold: the C API builds PUBLISH headers for payloads it never
/// sees (`MQTT_SerializePublishHeader`, `MQTT_GetPublishPacketSize`).
/// `payload_len` must be a length a slice can have (at most `isize::MAX`,
/// as the C API checks): the remaining length then cannot wrap, and a
/// packet over [`MAX_REMAINING_LENGTH`] is `BadParameter`.
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn publish_head_sized(
    w: &mut Writer<'_>,
    p: &Publish<'_>,
    payload_len: usize,
) -> Result<usize, Error> {
    publish_head_of(w, p, Some(payload_len))
}

/// Both of the above: `None` for `p.payload`'s own length, read only where
/// it is added (the engine's send path keeps no extra value live across
/// the topic check).
#[inline(always)]
fn publish_head_of(
    w: &mut Writer<'_>,
    p: &Publish<'_>,
    payload_len: Option<usize>,
) -> Result<usize, Error> {
    topic::validate_name(p.topic)?;
    let qos = p.qos as u8;
    if (qos == 0 && p.dup) || (qos > 0 && p.packet_id == 0) {
        return Err(Error::BadParameter);
    }
    let id_len = if qos > 0 { 2 } else { 0 };
    // Cannot wrap for a length up to isize::MAX (see above).
    let remaining = field_len(p.topic)? + id_len + payload_len.unwrap_or(p.payload.len());
    let first = (kind::PUBLISH << 4) | ((p.dup as u8) << 3) | (qos << 1) | p.retain as u8;
    let size = w.header(first, remaining)?;
    w.field(p.topic);
    if qos > 0 {
        w.u16(p.packet_id);
    }
    Ok(size)
}

/// The filter `i` of a SUBSCRIBE/UNSUBSCRIBE, with its QoS for SUBSCRIBE;
/// `None` past the end (or for an entry the caller cannot provide, which
/// makes the packet a `BadParameter`).
pub type FilterAt<'f> = dyn Fn(usize) -> Option<(&'f [u8], Option<QoS>)> + 'f;

/// The topic filters of a SUBSCRIBE (with QoS) or UNSUBSCRIBE (without).
#[derive(Clone, Copy)]
pub enum Filters<'a> {
    Subscribe(&'a [Subscription<'a>]),
    Unsubscribe(&'a [&'a str]),
    /// Any other representation (the C API's arrays): how many, and filter
    /// `i` (for SUBSCRIBE with its QoS).
    Each(usize, &'a FilterAt<'a>),
}

impl<'a> Filters<'a> {
    fn len(&self) -> usize {
        match *self {
            Filters::Subscribe(s) => s.len(),
            Filters::Unsubscribe(s) => s.len(),
            Filters::Each(n, _) => n,
        }
    }

    fn get(&self, i: usize) -> Option<(&'a [u8], Option<QoS>)> {
        match *self {
            Filters::Subscribe(s) => s.get(i).map(|s| (s.filter.as_bytes(), Some(s.qos))),
            Filters::Unsubscribe(s) => s.get(i).map(|f| (f.as_bytes(), None)),
            Filters::Each(_, get) => get(i),
        }
    }
}

/// Serialize SUBSCRIBE (`packet_kind` [`kind::SUBSCRIBE`]) or UNSUBSCRIBE
/// with one or more filters; returns its size. One code path for both: half
/// the flash.
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn filters(
    w: &mut Writer<'_>,
    packet_kind: u8,
    packet_id: u16,
    list: Filters<'_>,
) -> Result<usize, Error> {
    let count = list.len();
    if packet_id == 0 || count == 0 {
        return Err(Error::BadParameter);
    }
    let mut remaining = 2;
    for i in 0..count {
        let (filter, qos) = list.get(i).ok_or(Error::BadParameter)?;
        topic::validate_filter(filter)?;
        remaining += field_len(filter)? + qos.is_some() as usize;
    }
    let size = filters_head(w, packet_kind, packet_id, remaining)?;
    for i in 0..count {
        if let Some((filter, qos)) = list.get(i) {
            w.field(filter);
            if let Some(q) = qos {
                w.byte(q as u8);
            }
        }
    }
    Ok(size)
}

/// The fixed header and packet id of a SUBSCRIBE (`packet_kind`
/// [`kind::SUBSCRIBE`]) or UNSUBSCRIBE whose remaining length is
/// `remaining`; returns the size of the whole packet. [`filters`] writes its
/// filters after it; the C API's `MQTT_Serialize(Un)subscribeHeader` is
/// this alone.
#[inline(always)]
pub fn filters_head(
    w: &mut Writer<'_>,
    packet_kind: u8,
    packet_id: u16,
    remaining: usize,
) -> Result<usize, Error> {
    let size = w.header((packet_kind << 4) | 0x02, remaining)?;
    w.u16(packet_id);
    Ok(size)
}

/// Serialize SUBSCRIBE with one or more filters into `buf`.
pub fn encode_subscribe(
    buf: &mut [u8],
    packet_id: u16,
    subs: &[Subscription<'_>],
) -> Result<usize, Error> {
    let mut w = Writer::new(buf);
    filters(&mut w, kind::SUBSCRIBE, packet_id, Filters::Subscribe(subs))?;
    w.finish()
}

/// Serialize UNSUBSCRIBE with one or more filters into `buf`.
pub fn encode_unsubscribe(buf: &mut [u8], packet_id: u16, topics: &[&str]) -> Result<usize, Error> {
    let mut w = Writer::new(buf);
    filters(
        &mut w,
        kind::UNSUBSCRIBE,
        packet_id,
        Filters::Unsubscribe(topics),
    )?;
    w.finish()
}

/// Serialize CONNECT into `buf`; returns the packet length.
pub fn encode_connect(buf: &mut [u8], c: &Connect<'_>) -> Result<usize, Error> {
    let mut w = Writer::new(buf);
    connect(&mut w, c)?;
    w.finish()
}

/// Serialize PUBLISH into `buf`; returns the packet length.
pub fn encode_publish(buf: &mut [u8], p: &Publish<'_>) -> Result<usize, Error> {
    let mut w = Writer::new(buf);
    publish_head(&mut w, p)?;
    w.put(p.payload);
    w.finish()
}

/// The four bytes of PUBACK, PUBREC, PUBREL (flags 0x2) or PUBCOMP.
pub fn ack_bytes(packet_kind: u8, packet_id: u16) -> [u8; 4] {
    let flags = if packet_kind == kind::PUBREL { 0x02 } else { 0 };
    let id = packet_id.to_be_bytes();
    [(packet_kind << 4) | flags, 2, id[0], id[1]]
}

/// Serialize PUBACK, PUBREC, PUBREL or PUBCOMP.
pub fn encode_ack(buf: &mut [u8], packet_kind: u8, packet_id: u16) -> Result<usize, Error> {
    if packet_id == 0 || !(kind::PUBACK..=kind::PUBCOMP).contains(&packet_kind) {
        return Err(Error::BadParameter);
    }
    let mut w = Writer::new(buf);
    w.put(&ack_bytes(packet_kind, packet_id));
    w.finish()
}

/// PINGREQ bytes.
pub const PINGREQ: [u8; 2] = [kind::PINGREQ << 4, 0];
/// DISCONNECT bytes.
pub const DISCONNECT: [u8; 2] = [kind::DISCONNECT << 4, 0];

// ---------------------------------------------------------------------------
// Decoding

/// Decode a remaining length from the bytes after the first byte.
///
/// Returns the value and how many bytes it used. `NeedMoreBytes` when the
/// bytes end with a continuation bit set; `RemainingLength` when a fourth byte
/// still has its continuation bit.
pub fn decode_remaining_length(bytes: &[u8]) -> Result<(usize, usize), Error> {
    let mut value = 0usize;
    for (i, &b) in bytes.iter().enumerate().take(4) {
        value |= ((b & 0x7f) as usize) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    if bytes.len() >= 4 {
        return Err(Error::BadResponse(Malformed::RemainingLength));
    }
    Err(Error::NeedMoreBytes)
}

/// Decode one complete packet from the start of `bytes`.
///
/// Returns the packet and the number of bytes it occupied, or `NeedMoreBytes`
/// when `bytes` holds only part of it.
pub fn decode(bytes: &[u8]) -> Result<(Packet<'_>, usize), Error> {
    let first = *bytes.first().ok_or(Error::NeedMoreBytes)?;
    check_first_byte(first)?;
    let rest = bytes.get(1..).unwrap_or_default();
    let (remaining, used) = decode_remaining_length(rest)?;
    let body = rest
        .get(used..used + remaining)
        .ok_or(Error::NeedMoreBytes)?;
    Ok((decode_body(first, body)?, 1 + used + remaining))
}

/// Reject a first byte whose type a server never sends, before its body is
/// read. The flags are checked with the body by [`decode_body`].
pub fn check_first_byte(first: u8) -> Result<(), Error> {
    match first >> 4 {
        kind::CONNACK..=kind::PUBCOMP | kind::SUBACK | kind::UNSUBACK | kind::PINGRESP => Ok(()),
        _ => Err(Error::BadResponse(Malformed::UnexpectedType)),
    }
}

fn bad(m: Malformed) -> Error {
    Error::BadResponse(m)
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    match b.get(at..at + 2) {
        Some(&[hi, lo]) => Some(u16::from_be_bytes([hi, lo])),
        _ => None,
    }
}

/// Body of a packet that is exactly a non-zero packet id.
#[inline(always)]
fn id_only(body: &[u8]) -> Result<u16, Error> {
    if body.len() != 2 {
        return Err(bad(Malformed::Length));
    }
    match read_u16(body, 0) {
        Some(0) => Err(bad(Malformed::ZeroPacketId)),
        Some(id) => Ok(id),
        None => Err(bad(Malformed::Length)),
    }
}

/// Validate and decode the body of a packet whose first byte is `first`.
/// `body` must be exactly the remaining-length bytes.
#[cfg_attr(not(target_os = "none"), inline(always))]
pub fn decode_body(first: u8, body: &[u8]) -> Result<Packet<'_>, Error> {
    check_first_byte(first)?;
    let ptype = first >> 4;
    let flags = first & 0x0f;
    if ptype == kind::PUBLISH {
        return decode_publish(flags, body).map(Packet::Publish);
    }
    let expected_flags = if ptype == kind::PUBREL { 0x02 } else { 0 };
    if flags != expected_flags {
        return Err(bad(Malformed::ReservedBits));
    }
    let ack = match ptype {
        kind::CONNACK => return decode_connack(body),
        kind::SUBACK => return decode_suback(body),
        kind::PUBACK => AckKind::PubAck,
        kind::PUBREC => AckKind::PubRec,
        kind::PUBREL => AckKind::PubRel,
        kind::PUBCOMP => AckKind::PubComp,
        kind::UNSUBACK => AckKind::UnsubAck,
        _ => {
            // PINGRESP: check_first_byte admitted nothing else.
            if !body.is_empty() {
                return Err(bad(Malformed::Length));
            }
            return Ok(Packet::PingResp);
        }
    };
    Ok(Packet::Ack {
        kind: ack,
        packet_id: id_only(body)?,
    })
}

#[inline(always)]
fn decode_connack(body: &[u8]) -> Result<Packet<'_>, Error> {
    let &[ack_flags, code] = body else {
        return Err(bad(Malformed::Length));
    };
    if ack_flags & 0xfe != 0 {
        return Err(bad(Malformed::ReservedBits));
    }
    if code > 5 {
        return Err(bad(Malformed::ConnAckCode));
    }
    let session_present = ack_flags == 1;
    if session_present && code != 0 {
        return Err(bad(Malformed::SessionPresent));
    }
    Ok(Packet::ConnAck {
        session_present,
        code,
    })
}

fn decode_suback(body: &[u8]) -> Result<Packet<'_>, Error> {
    if body.len() < 3 {
        return Err(bad(Malformed::Length));
    }
    let packet_id = id_only(body.get(..2).unwrap_or_default())?;
    let statuses = body.get(2..).unwrap_or_default();
    if statuses.iter().any(|&s| s > 2 && s != SUBACK_FAILURE) {
        return Err(bad(Malformed::SubAckStatus));
    }
    Ok(Packet::SubAck {
        packet_id,
        statuses,
    })
}

fn decode_publish(flags: u8, body: &[u8]) -> Result<Publish<'_>, Error> {
    let Some(qos) = QoS::from_bits((flags >> 1) & 3) else {
        return Err(bad(Malformed::Qos));
    };
    // DUP on QoS 0 breaks MQTT-3.3.1-2 but means nothing: delivered as
    // sent (as coreMQTT does), not worth a dropped connection.
    let dup = flags & 0x08 != 0;
    let Some(topic_len) = read_u16(body, 0) else {
        return Err(bad(Malformed::Length));
    };
    let topic_end = 2 + topic_len as usize;
    let Some(topic) = body.get(2..topic_end) else {
        return Err(bad(Malformed::Length));
    };
    topic::validate_name(topic).map_err(|_| bad(Malformed::Topic))?;
    let mut packet_id = 0;
    let mut payload_at = topic_end;
    if qos != QoS::AtMostOnce {
        packet_id = match read_u16(body, topic_end) {
            Some(0) => return Err(bad(Malformed::ZeroPacketId)),
            Some(id) => id,
            None => return Err(bad(Malformed::Length)),
        };
        payload_at += 2;
    }
    Ok(Publish {
        topic,
        payload: body.get(payload_at..).unwrap_or_default(),
        qos,
        retain: flags & 1 != 0,
        dup,
        packet_id,
    })
}
