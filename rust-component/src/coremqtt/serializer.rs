//! The serializer functions of coreMQTT v2.3's `core_mqtt_serializer.h`:
//! packet sizes, packets and packet headers built in caller buffers, and
//! received packets read back, for applications that move the bytes
//! themselves.
//!
//! Every byte comes from the engine's own encoder and decoder
//! ([`crate::wire`]), the code `MQTT_Connect` and `MQTT_ProcessLoop` run:
//! this module checks the C arguments in coreMQTT's order (so the status
//! codes are coreMQTT's) and converts types, nothing more.
//!
//! coreMQTT's `MQTT_Serialize*` take the remaining length back from the
//! caller. Here it must be the packet's own (what `MQTT_Get*PacketSize`
//! returned for the same arguments): a dry run of the encoder (a
//! [`Writer`] over no bytes writes nothing and still returns the size, with
//! every check) compares them before a byte is written.

use core::ffi::c_void;
use core::ptr;

use super::api::code;
use super::types::status::*;
use super::types::*;
use crate::error::{Error, Malformed};
use crate::topic;
use crate::wire::{
    self, kind, Connect, Filters, Packet, Publish, QoS, Will, Writer, MAX_REMAINING_LENGTH,
};

/// The packet a call describes, in the caller's C structures; converted
/// to the engine's types on each use (by [`encode`]).
#[derive(Clone, Copy)]
enum Src<'a> {
    /// CONNECT, with its will.
    Connect(&'a ConnectInfo, Option<&'a PublishInfo>),
    /// PUBLISH with this packet id.
    Publish(&'a PublishInfo, u16, Part),
    /// SUBSCRIBE or UNSUBSCRIBE (the packet kind): list, count, packet id.
    Filters(*const SubscribeInfo, usize, u16, u8),
}

/// What of a PUBLISH is wanted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Its size: DUP and the packet id do not count.
    Size,
    /// Up to the payload, which is not read.
    Head,
    /// All of it.
    Whole,
}

fn done(r: Result<(), Error>) -> CEnum {
    match r {
        Ok(()) => SUCCESS,
        Err(e) => code(e),
    }
}

/// `len` bytes at `p`: none for a length of 0; `BadParameter` for NULL with
/// a length, or a length no packet can carry.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that outlive `'a`.
unsafe fn bytes<'a>(p: *const u8, len: usize) -> Result<&'a [u8], Error> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() || len > MAX_REMAINING_LENGTH {
        return Err(Error::BadParameter);
    }
    // SAFETY: the function's contract; `len` is far below isize::MAX.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// A UTF-8 string of `len` bytes at `p`.
///
/// # Safety
/// As [`bytes`].
unsafe fn text<'a>(p: *const u8, len: u16) -> Result<&'a str, Error> {
    // SAFETY: the caller's contract.
    let b = unsafe { bytes(p, usize::from(len)) }?;
    if !topic::is_utf8_fast(b) {
        return Err(Error::BadParameter);
    }
    // SAFETY: checked to be UTF-8 just above.
    Ok(unsafe { core::str::from_utf8_unchecked(b) })
}

fn qos(v: CEnum) -> Result<QoS, Error> {
    // A match, not a conversion: `CEnum` is u8 or u32 by target.
    match v {
        0 => Ok(QoS::AtMostOnce),
        1 => Ok(QoS::AtLeastOnce),
        2 => Ok(QoS::ExactlyOnce),
        _ => Err(Error::BadParameter),
    }
}

/// The size of a packet whose remaining length is `remaining`, as its
/// header would encode it (saturating for values no packet has, which
/// then match no encoder's size).
fn total(remaining: usize) -> usize {
    if remaining > MAX_REMAINING_LENGTH {
        return remaining.saturating_add(5);
    }
    wire::packet_size(remaining)
}

/// Bytes of the fixed header (type and remaining length) of such a packet.
fn fixed_header(remaining: usize) -> usize {
    total(remaining).saturating_sub(remaining)
}

/// The remaining length of a packet of `size` bytes (a size an encoder
/// returned: 1 type byte, 1 to 4 length bytes, then the rest).
fn remaining_of(size: usize) -> usize {
    let mut rest = size.saturating_sub(2);
    while rest > 0 && wire::packet_size(rest) > size {
        rest -= 1;
    }
    rest
}

/// The engine's encoder for `src`, run on `w`; returns the whole packet's
/// size (also when `w` holds only part of it).
///
/// # Safety
/// The strings and lists `src` describes stay readable meanwhile.
unsafe fn encode(src: Src<'_>, w: &mut Writer<'_>) -> Result<usize, Error> {
    // SAFETY (all blocks): the function's contract.
    match src {
        Src::Connect(i, will) => wire::connect(w, &unsafe { connect_of(i, will) }?),
        Src::Publish(i, id, part) => {
            let p = unsafe { publish_of(i, id, part) }?;
            if part != Part::Whole {
                return wire::publish_head_sized(w, &p, i.payload_len);
            }
            let payload = unsafe { bytes(i.payload.cast::<u8>(), i.payload_len) }?;
            let n = wire::publish_head_sized(w, &p, payload.len())?;
            w.put(payload);
            Ok(n)
        }
        Src::Filters(list, count, id, k) => unsafe { filters_into(w, list, count, id, k) },
    }
}

/// `src`'s packet size, with every check; nothing written.
///
/// # Safety
/// As [`encode`].
unsafe fn dry_run(src: Src<'_>) -> Result<usize, Error> {
    // SAFETY: the caller's contract.
    unsafe { encode(src, &mut Writer::new(&mut [])) }
}

/// Write the first `len` bytes of `src`'s packet at `dst`, once a dry run
/// has shown the packet is `total` bytes long (else `BadParameter`,
/// nothing written). `len` is `total` for a whole packet, less for a
/// header: the bytes past `len` are not written.
///
/// # Safety
/// As [`encode`]; `dst` points to `len` writable bytes that nothing else
/// uses meanwhile.
unsafe fn emit(dst: *mut u8, len: usize, total: usize, src: Src<'_>) -> Result<(), Error> {
    // SAFETY: the caller's contract.
    if unsafe { dry_run(src) }? != total {
        return Err(Error::BadParameter);
    }
    // SAFETY: the function's contract.
    let out = unsafe { core::slice::from_raw_parts_mut(dst, len) };
    // The dry run passed, so only the end of `out` can stop it; a header
    // stops there on purpose.
    // SAFETY: the caller's contract.
    unsafe { encode(src, &mut Writer::new(out)) }.map(|_| ())
}

/// The caller's `MQTTFixedBuffer_t`: `BadParameter` when it or its buffer
/// is NULL (coreMQTT's first checks, in its order).
///
/// # Safety
/// `b` is NULL or points to a valid `MQTTFixedBuffer_t`.
unsafe fn fixed<'a>(b: *const FixedBuffer) -> Result<&'a FixedBuffer, Error> {
    // SAFETY: the function's contract.
    match unsafe { b.as_ref() } {
        Some(f) if !f.buffer.is_null() => Ok(f),
        _ => Err(Error::BadParameter),
    }
}

/// Write `n` (the packet size `need`) into `buf`, or `NoMemory` when the
/// buffer is shorter: coreMQTT's check, made on the caller's remaining
/// length before anything else about the packet.
fn fits(buf: &FixedBuffer, need: usize) -> Result<(), Error> {
    if need > buf.size {
        return Err(Error::NoMemory);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// CONNECT

/// # Safety
/// `w` describes strings the caller keeps readable during the call.
unsafe fn will_of<'a>(w: &PublishInfo) -> Result<Will<'a>, Error> {
    if w.topic.is_null() {
        return Err(Error::BadParameter);
    }
    Ok(Will {
        // SAFETY (both): the caller's strings, read during this call.
        topic: unsafe { text(w.topic, w.topic_len) }?,
        payload: unsafe { bytes(w.payload.cast::<u8>(), w.payload_len) }?,
        qos: qos(w.qos)?,
        retain: w.retain != 0,
    })
}

/// The engine's CONNECT for the C descriptions.
///
/// # Safety
/// `i` and `w` describe strings the caller keeps readable during the call.
unsafe fn connect_of<'a>(i: &ConnectInfo, w: Option<&PublishInfo>) -> Result<Connect<'a>, Error> {
    // SAFETY (all blocks): the caller's strings, read during this call.
    let username = match i.user_name.is_null() {
        true => None,
        false => Some(unsafe { text(i.user_name, i.user_name_len) }?),
    };
    let password = match i.password.is_null() {
        true => None,
        false => Some(unsafe { bytes(i.password, usize::from(i.password_len)) }?),
    };
    let will = match w {
        None => None,
        Some(w) => Some(unsafe { will_of(w) }?),
    };
    Ok(Connect {
        client_id: unsafe { text(i.client_id, i.client_id_len) }?,
        keep_alive_s: i.keep_alive_s,
        clean_session: i.clean_session != 0,
        username,
        password,
        will,
    })
}

/// # Safety
/// As [`MQTT_GetConnectPacketSize`], pointers checked.
unsafe fn connect_size(i: &ConnectInfo, w: *const PublishInfo) -> Result<usize, Error> {
    if i.client_id_len == 0 || i.client_id.is_null() {
        return Err(Error::BadParameter);
    }
    // SAFETY: NULL or the caller's will.
    let w = unsafe { w.as_ref() };
    if w.is_some_and(|w| w.payload_len > usize::from(u16::MAX)) {
        return Err(Error::BadParameter);
    }
    // SAFETY: the caller's strings.
    unsafe { dry_run(Src::Connect(i, w)) }
}

/// Remaining length and size of a CONNECT (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; strings as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetConnectPacketSize(
    info: *const ConnectInfo,
    will: *const PublishInfo,
    remaining: *mut usize,
    size: *mut usize,
) -> CEnum {
    if info.is_null() || remaining.is_null() || size.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's description and variables.
    match unsafe { connect_size(&*info, will) } {
        Ok(n) => {
            // SAFETY: not NULL; the caller's variables.
            unsafe {
                remaining.write(remaining_of(n));
                size.write(n);
            }
            SUCCESS
        }
        Err(e) => code(e),
    }
}

/// # Safety
/// As [`MQTT_SerializeConnect`].
unsafe fn serialize_connect(
    info: *const ConnectInfo,
    will: *const PublishInfo,
    remaining: usize,
    out: *const FixedBuffer,
) -> Result<(), Error> {
    // SAFETY: NULL or the caller's descriptions.
    let (i, w, out) = unsafe { (info.as_ref(), will.as_ref(), fixed(out)) };
    let (Some(i), Ok(out)) = (i, out) else {
        return Err(Error::BadParameter);
    };
    if w.is_some_and(|w| w.topic.is_null()) {
        return Err(Error::BadParameter);
    }
    let need = total(remaining);
    fits(out, need)?;
    // SAFETY: the caller's strings, and its buffer of at least `need` bytes.
    unsafe { emit(out.buffer, need, need, Src::Connect(i, w)) }
}

/// Write a CONNECT (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the buffer has `size`
/// writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeConnect(
    info: *const ConnectInfo,
    will: *const PublishInfo,
    remaining: usize,
    out: *const FixedBuffer,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { serialize_connect(info, will, remaining, out) })
}

/// The fixed header and variable header of a CONNECT
/// (`core_mqtt_serializer.h`); NULL for arguments that are not a packet's.
///
/// # Safety
/// Each pointer is NULL or valid for its C type; `at` has room for the
/// header (at most 15 bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeConnectFixedHeader(
    at: *mut u8,
    info: *const ConnectInfo,
    will: *const PublishInfo,
    remaining: usize,
) -> *mut u8 {
    // SAFETY: NULL or the caller's descriptions.
    let (Some(i), w) = (unsafe { info.as_ref() }, unsafe { will.as_ref() }) else {
        return ptr::null_mut();
    };
    if at.is_null() {
        return ptr::null_mut();
    }
    // The protocol name and level, flags and keep-alive: 10 bytes.
    let len = fixed_header(remaining) + 10;
    // SAFETY: the caller's strings; `at` has room for `len` bytes once the
    // dry run has shown `remaining` is the packet's.
    let r = unsafe { emit(at, len, total(remaining), Src::Connect(i, w)) };
    match r {
        Ok(()) => at.wrapping_add(len),
        Err(_) => ptr::null_mut(),
    }
}

// ---------------------------------------------------------------------------
// SUBSCRIBE and UNSUBSCRIBE

/// The engine's encoder of the SUBSCRIBE (`packet_kind`) or UNSUBSCRIBE of
/// the C list, run on `w`.
///
/// # Safety
/// `list` has `count` valid entries whose filters stay readable meanwhile.
unsafe fn filters_into(
    w: &mut Writer<'_>,
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
    packet_kind: u8,
) -> Result<usize, Error> {
    let subscribe = packet_kind == kind::SUBSCRIBE;
    let at = |i: usize| {
        if i >= count {
            return None;
        }
        // SAFETY: an entry of the caller's list and its filter string.
        let s = unsafe { &*list.add(i) };
        let f = unsafe { bytes(s.filter, usize::from(s.filter_len)) }.ok()?;
        match subscribe {
            true => Some((f, Some(qos(s.qos).ok()?))),
            false => Some((f, None)),
        }
    };
    wire::filters(w, packet_kind, packet_id, Filters::Each(count, &at))
}

/// # Safety
/// As [`MQTT_GetSubscribePacketSize`].
unsafe fn filters_size(
    list: *const SubscribeInfo,
    count: usize,
    remaining: *mut usize,
    size: *mut usize,
    packet_kind: u8,
) -> CEnum {
    if list.is_null() || remaining.is_null() || size.is_null() || count == 0 {
        return BAD_PARAMETER;
    }
    // Any packet id but 0 gives the size.
    // SAFETY: the caller's list.
    match unsafe { dry_run(Src::Filters(list, count, 1, packet_kind)) } {
        Ok(n) => {
            // SAFETY: not NULL; the caller's variables.
            unsafe {
                remaining.write(remaining_of(n));
                size.write(n);
            }
            SUCCESS
        }
        Err(e) => code(e),
    }
}

/// # Safety
/// As [`MQTT_SerializeSubscribe`].
unsafe fn serialize_filters(
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
    packet_kind: u8,
) -> Result<(), Error> {
    // SAFETY: NULL or the caller's buffer description.
    let out = unsafe { fixed(out) };
    let out = match (out, list.is_null()) {
        (Ok(out), false) => out,
        _ => return Err(Error::BadParameter),
    };
    if count == 0 || packet_id == 0 {
        return Err(Error::BadParameter);
    }
    let need = total(remaining);
    fits(out, need)?;
    // SAFETY: the caller's list, and its buffer of at least `need` bytes.
    unsafe {
        emit(
            out.buffer,
            need,
            need,
            Src::Filters(list, count, packet_id, packet_kind),
        )
    }
}

/// Remaining length and size of a SUBSCRIBE (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid; `list` has `count` entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetSubscribePacketSize(
    list: *const SubscribeInfo,
    count: usize,
    remaining: *mut usize,
    size: *mut usize,
) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { filters_size(list, count, remaining, size, kind::SUBSCRIBE) }
}

/// Remaining length and size of an UNSUBSCRIBE (`core_mqtt_serializer.h`).
///
/// # Safety
/// As [`MQTT_GetSubscribePacketSize`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetUnsubscribePacketSize(
    list: *const SubscribeInfo,
    count: usize,
    remaining: *mut usize,
    size: *mut usize,
) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { filters_size(list, count, remaining, size, kind::UNSUBSCRIBE) }
}

/// Write a SUBSCRIBE (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid; `list` has `count` entries; the buffer
/// has `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeSubscribe(
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { serialize_filters(list, count, packet_id, remaining, out, kind::SUBSCRIBE) })
}

/// Write an UNSUBSCRIBE (`core_mqtt_serializer.h`).
///
/// # Safety
/// As [`MQTT_SerializeSubscribe`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeUnsubscribe(
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { serialize_filters(list, count, packet_id, remaining, out, kind::UNSUBSCRIBE) })
}

/// # Safety
/// `at` is NULL or has room for the header (at most 7 bytes).
unsafe fn filters_header(
    remaining: usize,
    at: *mut u8,
    packet_id: u16,
    packet_kind: u8,
) -> *mut u8 {
    if at.is_null() || remaining > MAX_REMAINING_LENGTH {
        return ptr::null_mut();
    }
    let len = fixed_header(remaining) + 2;
    // SAFETY: the caller's room for the header.
    let out = unsafe { core::slice::from_raw_parts_mut(at, len) };
    match wire::filters_head(&mut Writer::new(out), packet_kind, packet_id, remaining) {
        Ok(_) => at.wrapping_add(len),
        Err(_) => ptr::null_mut(),
    }
}

/// The fixed header and packet id of a SUBSCRIBE (`core_mqtt_serializer.h`).
///
/// # Safety
/// `at` is NULL or has room for the header (at most 7 bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeSubscribeHeader(
    remaining: usize,
    at: *mut u8,
    packet_id: u16,
) -> *mut u8 {
    // SAFETY: the caller's contract.
    unsafe { filters_header(remaining, at, packet_id, kind::SUBSCRIBE) }
}

/// The fixed header and packet id of an UNSUBSCRIBE
/// (`core_mqtt_serializer.h`).
///
/// # Safety
/// As [`MQTT_SerializeSubscribeHeader`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeUnsubscribeHeader(
    remaining: usize,
    at: *mut u8,
    packet_id: u16,
) -> *mut u8 {
    // SAFETY: the caller's contract.
    unsafe { filters_header(remaining, at, packet_id, kind::UNSUBSCRIBE) }
}

// ---------------------------------------------------------------------------
// PUBLISH

/// The engine's PUBLISH for the C description, without its payload (the
/// encoders here take the payload's length apart); for its size, without
/// DUP.
///
/// # Safety
/// `i`'s topic stays readable meanwhile.
unsafe fn publish_of<'a>(
    i: &PublishInfo,
    packet_id: u16,
    part: Part,
) -> Result<Publish<'a>, Error> {
    if i.topic.is_null() || i.topic_len == 0 || i.payload_len > MAX_REMAINING_LENGTH {
        return Err(Error::BadParameter);
    }
    let q = qos(i.qos)?;
    Ok(Publish {
        // SAFETY: the caller's topic.
        topic: unsafe { bytes(i.topic, usize::from(i.topic_len)) }?,
        payload: &[],
        qos: q,
        retain: i.retain != 0,
        dup: i.dup != 0 && part != Part::Size,
        packet_id: if q == QoS::AtMostOnce { 0 } else { packet_id },
    })
}

/// # Safety
/// As [`MQTT_GetPublishPacketSize`], pointers checked.
unsafe fn publish_size(i: &PublishInfo) -> Result<usize, Error> {
    // The size depends on neither the packet id (any but 0) nor DUP.
    // SAFETY: the caller's topic.
    let n = unsafe { dry_run(Src::Publish(i, 1, Part::Size)) }?;
    // coreMQTT keeps the whole packet, not only its remaining length,
    // within the largest remaining length.
    if n > MAX_REMAINING_LENGTH {
        return Err(Error::BadParameter);
    }
    Ok(n)
}

/// Remaining length and size of a PUBLISH (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the topic as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetPublishPacketSize(
    info: *const PublishInfo,
    remaining: *mut usize,
    size: *mut usize,
) -> CEnum {
    if info.is_null() || remaining.is_null() || size.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's description.
    match unsafe { publish_size(&*info) } {
        Ok(n) => {
            // SAFETY: not NULL; the caller's variables.
            unsafe {
                remaining.write(remaining_of(n));
                size.write(n);
            }
            SUCCESS
        }
        Err(e) => code(e),
    }
}

/// coreMQTT's argument checks of the PUBLISH serializers, in its order
/// (the payload's pointer only where the payload is written).
fn publish_args(i: &PublishInfo, packet_id: u16, with_payload: bool) -> Result<(), Error> {
    let bad = (with_payload && i.payload_len > 0 && i.payload.is_null())
        || i.topic.is_null()
        || i.topic_len == 0
        || (i.qos != 0 && packet_id == 0)
        || (i.dup != 0 && i.qos == 0);
    match bad {
        true => Err(Error::BadParameter),
        false => Ok(()),
    }
}

/// # Safety
/// As [`MQTT_SerializePublish`].
unsafe fn serialize_publish(
    info: *const PublishInfo,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
) -> Result<(), Error> {
    // SAFETY: NULL or the caller's descriptions.
    let (out, i) = unsafe { (fixed(out), info.as_ref()) };
    let (Ok(out), Some(i)) = (out, i) else {
        return Err(Error::BadParameter);
    };
    publish_args(i, packet_id, true)?;
    let need = total(remaining);
    fits(out, need)?;
    // SAFETY: the caller's topic and payload, and its buffer of at least
    // `need` bytes.
    unsafe {
        emit(
            out.buffer,
            need,
            need,
            Src::Publish(i, packet_id, Part::Whole),
        )
    }
}

/// Write a PUBLISH with its payload (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the buffer has `size`
/// writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializePublish(
    info: *const PublishInfo,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { serialize_publish(info, packet_id, remaining, out) })
}

/// # Safety
/// As [`MQTT_SerializePublishHeader`], `header_size` not NULL.
unsafe fn serialize_publish_header(
    info: *const PublishInfo,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
) -> Result<usize, Error> {
    // SAFETY: NULL or the caller's descriptions.
    let (out, i) = unsafe { (fixed(out), info.as_ref()) };
    let (Ok(out), Some(i)) = (out, i) else {
        return Err(Error::BadParameter);
    };
    publish_args(i, packet_id, false)?;
    // Everything but the payload; a payload longer than the packet is not
    // this packet's.
    let need = total(remaining)
        .checked_sub(i.payload_len)
        .ok_or(Error::NoMemory)?;
    fits(out, need)?;
    // SAFETY: the caller's topic, and its buffer of at least `need` bytes.
    unsafe {
        emit(
            out.buffer,
            need,
            total(remaining),
            Src::Publish(i, packet_id, Part::Head),
        )
    }?;
    Ok(need)
}

/// Write a PUBLISH up to its payload (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the buffer has `size`
/// writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializePublishHeader(
    info: *const PublishInfo,
    packet_id: u16,
    remaining: usize,
    out: *const FixedBuffer,
    header_size: *mut usize,
) -> CEnum {
    if header_size.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: the caller's contract.
    match unsafe { serialize_publish_header(info, packet_id, remaining, out) } {
        Ok(n) => {
            // SAFETY: not NULL; the caller's variable.
            unsafe { header_size.write(n) };
            SUCCESS
        }
        Err(e) => code(e),
    }
}

/// Write the first byte, remaining length and topic length of a PUBLISH
/// (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; `at` has room for the
/// header (at most 7 bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializePublishHeaderWithoutTopic(
    info: *const PublishInfo,
    remaining: usize,
    at: *mut u8,
    header_size: *mut usize,
) -> CEnum {
    // SAFETY: NULL or the caller's description.
    let Some(i) = (unsafe { info.as_ref() }) else {
        return BAD_PARAMETER;
    };
    if at.is_null() || header_size.is_null() {
        return BAD_PARAMETER;
    }
    // The topic's two length bytes follow the fixed header.
    let len = fixed_header(remaining) + 2;
    // No packet id is written; any but 0 passes the encoder's check.
    // SAFETY: the caller's topic; `at` has room for `len` bytes once the
    // dry run has shown `remaining` is the packet's.
    let r = unsafe { emit(at, len, total(remaining), Src::Publish(i, 1, Part::Head)) };
    if let Err(e) = r {
        return code(e);
    }
    // SAFETY: not NULL; the caller's variable.
    unsafe { header_size.write(len) };
    SUCCESS
}

// ---------------------------------------------------------------------------
// Acknowledgements, PINGREQ, DISCONNECT

/// Write PUBACK, PUBREC, PUBREL or PUBCOMP (`core_mqtt_serializer.h`);
/// `packet_type` is the packet's whole first byte, as coreMQTT's
/// `MQTT_PACKET_TYPE_*`.
///
/// # Safety
/// `out` is NULL or valid; the buffer has `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeAck(
    out: *const FixedBuffer,
    packet_type: u8,
    packet_id: u16,
) -> CEnum {
    // SAFETY: NULL or the caller's buffer description.
    let out = match unsafe { fixed(out) } {
        Ok(out) => out,
        Err(e) => return code(e),
    };
    let ack = wire::ack_bytes(packet_type >> 4, packet_id);
    if out.size < ack.len() {
        return NO_MEMORY;
    }
    let k = packet_type >> 4;
    let ack_kind = matches!(
        k,
        kind::PUBACK | kind::PUBREC | kind::PUBREL | kind::PUBCOMP
    );
    if packet_id == 0 || !ack_kind || ack[0] != packet_type {
        return BAD_PARAMETER;
    }
    // SAFETY: the caller's buffer, at least `ack.len()` bytes.
    wire::copy(
        unsafe { core::slice::from_raw_parts_mut(out.buffer, ack.len()) },
        &ack,
    );
    SUCCESS
}

/// # Safety
/// As [`MQTT_SerializePingreq`].
unsafe fn serialize_fixed(out: *const FixedBuffer, packet: &[u8]) -> CEnum {
    // SAFETY: NULL or the caller's buffer description.
    let r = unsafe { fixed(out) }.and_then(|out| {
        fits(out, packet.len())?;
        // SAFETY: the caller's buffer, at least `packet.len()` bytes.
        wire::copy(
            unsafe { core::slice::from_raw_parts_mut(out.buffer, packet.len()) },
            packet,
        );
        Ok(())
    });
    done(r)
}

/// # Safety
/// `size` is NULL or valid.
unsafe fn fixed_size(size: *mut usize, packet: &[u8]) -> CEnum {
    if size.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's variable.
    unsafe { size.write(packet.len()) };
    SUCCESS
}

/// Size of a DISCONNECT (`core_mqtt_serializer.h`).
///
/// # Safety
/// `size` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetDisconnectPacketSize(size: *mut usize) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { fixed_size(size, &wire::DISCONNECT) }
}

/// Write a DISCONNECT (`core_mqtt_serializer.h`).
///
/// # Safety
/// `out` is NULL or valid; the buffer has `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializeDisconnect(out: *const FixedBuffer) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { serialize_fixed(out, &wire::DISCONNECT) }
}

/// Size of a PINGREQ (`core_mqtt_serializer.h`).
///
/// # Safety
/// `size` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetPingreqPacketSize(size: *mut usize) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { fixed_size(size, &wire::PINGREQ) }
}

/// Write a PINGREQ (`core_mqtt_serializer.h`).
///
/// # Safety
/// `out` is NULL or valid; the buffer has `size` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_SerializePingreq(out: *const FixedBuffer) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { serialize_fixed(out, &wire::PINGREQ) }
}

// ---------------------------------------------------------------------------
// Received packets

/// The bytes after a received packet's fixed header (`None`: NULL with a
/// length, or more than MQTT allows).
///
/// # Safety
/// `p` describes `remainingLength` readable bytes (or none).
unsafe fn body_of<'a>(p: &PacketInfo) -> Option<&'a [u8]> {
    // SAFETY: the function's contract.
    unsafe { bytes(p.remaining_data, p.remaining_length) }.ok()
}

/// Read an incoming PUBLISH (`core_mqtt_serializer.h`): its topic and
/// payload point into the packet.
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the packet's remaining
/// data holds `remainingLength` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_DeserializePublish(
    packet: *const PacketInfo,
    packet_id: *mut u16,
    info: *mut PublishInfo,
) -> CEnum {
    if packet.is_null() || packet_id.is_null() || info.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's packet description.
    let p = unsafe { &*packet };
    if p.kind >> 4 != kind::PUBLISH || p.remaining_data.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: the caller's packet.
    let Some(body) = (unsafe { body_of(p) }) else {
        return BAD_RESPONSE;
    };
    let Ok(Packet::Publish(m)) = wire::decode_body(p.kind, body) else {
        return BAD_RESPONSE;
    };
    let d = PublishInfo {
        qos: m.qos as CEnum,
        retain: m.retain as u8,
        dup: m.dup as u8,
        topic: m.topic.as_ptr(),
        // A topic is at most 65,535 bytes (a two-byte length).
        topic_len: m.topic.len() as u16,
        payload: match m.payload.is_empty() {
            true => ptr::null(),
            false => m.payload.as_ptr().cast::<c_void>(),
        },
        payload_len: m.payload.len(),
    };
    // SAFETY: not NULL; the caller's variables. A QoS 0 publish has no
    // packet id: the caller's variable is left as it was, as in coreMQTT.
    unsafe {
        if m.qos != QoS::AtMostOnce {
            packet_id.write(m.packet_id);
        }
        info.write(d);
    }
    SUCCESS
}

/// Read a CONNACK, SUBACK, UNSUBACK, PUBACK, PUBREC, PUBREL, PUBCOMP or
/// PINGRESP (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the packet's remaining
/// data holds `remainingLength` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_DeserializeAck(
    packet: *const PacketInfo,
    packet_id: *mut u16,
    session_present: *mut bool,
) -> CEnum {
    const CONNACK: u8 = kind::CONNACK << 4;
    const PINGRESP: u8 = kind::PINGRESP << 4;
    // SAFETY: NULL or the caller's packet description.
    let Some(p) = (unsafe { packet.as_ref() }) else {
        return BAD_PARAMETER;
    };
    let t = p.kind;
    if (packet_id.is_null() && t != CONNACK && t != PINGRESP)
        || (session_present.is_null() && t == CONNACK)
        || (p.remaining_data.is_null() && t != PINGRESP)
    {
        return BAD_PARAMETER;
    }
    // SAFETY: the caller's packet.
    let Some(body) = (unsafe { body_of(p) }) else {
        return BAD_RESPONSE;
    };
    // SAFETY (all writes): each variable was checked not NULL above for
    // the packet type that writes it.
    match wire::decode_body(t, body) {
        Ok(Packet::ConnAck {
            session_present: present,
            code,
        }) => {
            unsafe { session_present.write(present) };
            match code {
                0 => SUCCESS,
                _ => SERVER_REFUSED,
            }
        }
        Ok(Packet::SubAck {
            packet_id: id,
            statuses,
        }) => {
            unsafe { packet_id.write(id) };
            // Not `contains`: for bytes it is memchr, 390 B on Cortex-M.
            #[allow(clippy::manual_contains)]
            let refused = statuses.iter().any(|&s| s == wire::SUBACK_FAILURE);
            match refused {
                true => SERVER_REFUSED,
                false => SUCCESS,
            }
        }
        Ok(Packet::Ack { packet_id: id, .. }) => {
            unsafe { packet_id.write(id) };
            SUCCESS
        }
        Ok(Packet::PingResp) => SUCCESS,
        Ok(Packet::Publish(_)) | Err(_) => BAD_RESPONSE,
    }
}

/// A first byte coreMQTT takes from a server before reading the rest: a
/// type servers send, and PUBREL with its flag bit. The other flags are
/// checked with the body (`MQTT_DeserializePublish`/`MQTT_DeserializeAck`).
fn incoming_type_ok(first: u8) -> bool {
    wire::check_first_byte(first).is_ok() && (first >> 4 != kind::PUBREL || first & 0x02 != 0)
}

/// A remaining length as coreMQTT takes it: at most four bytes, and no
/// more bytes than the value needs. Returns the value and the bytes used.
fn remaining_length(bytes: &[u8]) -> Result<(usize, usize), Error> {
    let (value, used) = wire::decode_remaining_length(bytes)?;
    if fixed_header(value) != 1 + used {
        return Err(Error::BadResponse(Malformed::RemainingLength));
    }
    Ok((value, used))
}

/// Read a packet's first byte and remaining length from the transport,
/// one byte per call (`core_mqtt_serializer.h`).
///
/// # Safety
/// `packet` is NULL or valid; `read` is NULL or a transport receive
/// function for `net`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetIncomingPacketTypeAndLength(
    read: Option<RecvFn>,
    net: NetworkContext,
    packet: *mut PacketInfo,
) -> CEnum {
    let Some(read) = read else {
        return BAD_PARAMETER;
    };
    if packet.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: the application's transport, given one byte: the packet's
    // type field, as coreMQTT reads it.
    let n = unsafe { read(net, ptr::addr_of_mut!((*packet).kind).cast::<c_void>(), 1) };
    match n {
        1 => {}
        0 => return NO_DATA_AVAILABLE,
        _ => return RECV_FAILED,
    }
    // SAFETY: not NULL; the caller's packet description.
    let p = unsafe { &mut *packet };
    if !incoming_type_ok(p.kind) {
        return BAD_RESPONSE;
    }
    let mut len = [0u8; 4];
    let mut have = 0;
    while let Some(slot) = len.get_mut(have) {
        // SAFETY: the application's transport, given one byte of ours.
        if unsafe { read(net, ptr::from_mut(slot).cast::<c_void>(), 1) } != 1 {
            return BAD_RESPONSE;
        }
        have += 1;
        match remaining_length(len.get(..have).unwrap_or_default()) {
            Ok((value, _)) => {
                p.remaining_length = value;
                return SUCCESS;
            }
            Err(Error::NeedMoreBytes) => {}
            Err(e) => return code(e),
        }
    }
    // Four bytes always decide (a fourth with its continuation bit is
    // malformed); kept for the compiler.
    BAD_RESPONSE
}

/// Read a packet's first byte and remaining length from the start of a
/// buffer holding `*index` received bytes (`core_mqtt_serializer.h`).
///
/// # Safety
/// Each pointer is NULL or valid; `buffer` holds `*index` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_ProcessIncomingPacketTypeAndLength(
    buffer: *const u8,
    index: *const usize,
    packet: *mut PacketInfo,
) -> CEnum {
    if packet.is_null() || index.is_null() || buffer.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's count, and at most the five bytes of
    // a fixed header out of the `*index` its buffer holds.
    let b = unsafe { core::slice::from_raw_parts(buffer, (*index).min(5)) };
    let Some((&first, rest)) = b.split_first() else {
        return NO_DATA_AVAILABLE;
    };
    // SAFETY: not NULL; the caller's packet description.
    let p = unsafe { &mut *packet };
    p.kind = first;
    if !incoming_type_ok(first) {
        return BAD_RESPONSE;
    }
    match remaining_length(rest) {
        Ok((value, used)) => {
            p.remaining_length = value;
            p.header_length = used + 1;
            SUCCESS
        }
        Err(e) => code(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_of_inverts_packet_size() {
        for r in [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152] {
            assert_eq!(remaining_of(wire::packet_size(r)), r);
        }
        assert_eq!(
            remaining_of(wire::packet_size(MAX_REMAINING_LENGTH)),
            MAX_REMAINING_LENGTH
        );
        assert_eq!(fixed_header(MAX_REMAINING_LENGTH), 5);
        assert_eq!(total(usize::MAX), usize::MAX);
    }

    #[test]
    fn remaining_length_as_coremqtt_takes_it() {
        assert_eq!(remaining_length(&[0x7f]), Ok((127, 1)));
        assert_eq!(remaining_length(&[0x80, 0x01]), Ok((128, 2)));
        assert_eq!(remaining_length(&[0x80]), Err(Error::NeedMoreBytes));
        let long = Err(Error::BadResponse(Malformed::RemainingLength));
        assert_eq!(remaining_length(&[0x80, 0x00]), long);
        assert_eq!(remaining_length(&[0xff, 0xff, 0xff, 0xff]), long);
    }

    #[test]
    fn connect_is_the_engine_packet() {
        let info = ConnectInfo {
            clean_session: 1,
            keep_alive_s: 60,
            client_id: b"abc".as_ptr(),
            client_id_len: 3,
            user_name: ptr::null(),
            user_name_len: 0,
            password: ptr::null(),
            password_len: 0,
        };
        let (mut remaining, mut size) = (0, 0);
        // SAFETY: valid descriptions and variables.
        let s = unsafe { MQTT_GetConnectPacketSize(&info, ptr::null(), &mut remaining, &mut size) };
        assert_eq!((s, remaining, size), (SUCCESS, 15, 17));
        let mut buf = [0u8; 17];
        let out = FixedBuffer {
            buffer: buf.as_mut_ptr(),
            size: buf.len(),
        };
        // SAFETY: as above; the buffer is `size` bytes.
        assert_eq!(
            unsafe { MQTT_SerializeConnect(&info, ptr::null(), 15, &out) },
            SUCCESS
        );
        let mut want = [0u8; 17];
        assert_eq!(
            wire::encode_connect(&mut want, &Connect::new("abc", 60)),
            Ok(17)
        );
        assert_eq!(buf, want);
        // Any other remaining length: nothing written.
        let mut buf = [0xa5u8; 40];
        let out = FixedBuffer {
            buffer: buf.as_mut_ptr(),
            size: buf.len(),
        };
        for r in [14, 16, usize::MAX] {
            // SAFETY: as above.
            let s = unsafe { MQTT_SerializeConnect(&info, ptr::null(), r, &out) };
            assert_ne!(s, SUCCESS);
        }
        assert!(buf.iter().all(|&b| b == 0xa5));
    }

    unsafe extern "C" fn read_pubrel(net: NetworkContext, buf: *mut c_void, len: usize) -> i32 {
        // SAFETY: the test's counter and a one-byte destination.
        unsafe {
            let at = &mut *net.cast::<usize>();
            let bytes = [0x62u8, 0x02];
            match bytes.get(*at) {
                Some(&b) if len == 1 => {
                    *buf.cast::<u8>() = b;
                    *at += 1;
                    1
                }
                _ => 0,
            }
        }
    }

    #[test]
    fn incoming_type_and_length_then_ack() {
        let mut at = 0usize;
        let mut p = PacketInfo {
            kind: 0,
            remaining_data: ptr::null_mut(),
            remaining_length: 9,
            header_length: 0,
        };
        let net = ptr::from_mut(&mut at).cast::<c_void>();
        // SAFETY: the test's transport and packet description.
        let s = unsafe { MQTT_GetIncomingPacketTypeAndLength(Some(read_pubrel), net, &mut p) };
        assert_eq!((s, p.kind, p.remaining_length, at), (SUCCESS, 0x62, 2, 2));
        let mut body = [0x01u8, 0x02];
        p.remaining_data = body.as_mut_ptr();
        let mut id = 0u16;
        // SAFETY: the description points at `body`.
        let s = unsafe { MQTT_DeserializeAck(&p, &mut id, ptr::null_mut()) };
        assert_eq!((s, id), (SUCCESS, 0x0102));
        // SAFETY: a NULL read function is refused before any call.
        let s = unsafe { MQTT_GetIncomingPacketTypeAndLength(None, net, &mut p) };
        assert_eq!(s, BAD_PARAMETER);
    }
}
