//! The coreMQTT v2.3 functions (`core_mqtt.h`, `core_mqtt_state.h`).
//!
//! Each checks its arguments as coreMQTT does (NULL pointers, zero ids and
//! counts, QoS without record tables: `MQTTBadParameter`), then runs the
//! engine function of the same name on the application's context.

use core::ffi::{c_char, c_void};
use core::ptr;

use super::context::Ctx;
use super::types::status::*;
use super::types::*;
use crate::client::{self, Context, Event, Frame, Received, Reply};
use crate::error::Error;
use crate::state;
use crate::topic;
use crate::wire::{kind, Connect, Filters, Publish, QoS, Will, MAX_REMAINING_LENGTH};

/// The `MQTTStatus_t` of an engine error.
pub const fn code(e: Error) -> CEnum {
    match e {
        Error::BadParameter => BAD_PARAMETER,
        Error::NoMemory => NO_MEMORY,
        Error::NoDataAvailable => NO_DATA_AVAILABLE,
        Error::IllegalState => ILLEGAL_STATE,
        Error::StateCollision => STATE_COLLISION,
        Error::NeedMoreBytes => NEED_MORE_BYTES,
        Error::SendFailed | Error::SendTimeout => SEND_FAILED,
        Error::RecvFailed | Error::Stalled => RECV_FAILED,
        Error::BadResponse(_) | Error::PacketTooLarge => BAD_RESPONSE,
        Error::ServerRefused(_) => SERVER_REFUSED,
        Error::KeepAliveTimeout => KEEP_ALIVE_TIMEOUT,
    }
}

fn done(r: Result<(), Error>) -> CEnum {
    match r {
        Ok(()) => SUCCESS,
        Err(e) => code(e),
    }
}

/// `len` bytes at `p` (`None` for NULL with a length, or a length no MQTT
/// packet can carry).
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that outlive `'a`.
unsafe fn bytes<'a>(p: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if p.is_null() || len > MAX_REMAINING_LENGTH {
        return None;
    }
    // SAFETY: see the function's contract; `len` is far below isize::MAX.
    Some(unsafe { core::slice::from_raw_parts(p, len) })
}

/// A UTF-8 string of `len` bytes at `p`.
///
/// # Safety
/// As [`bytes`].
unsafe fn text<'a>(p: *const u8, len: u16) -> Result<&'a str, Error> {
    // SAFETY: the caller's contract.
    let b = unsafe { bytes(p, usize::from(len)) }.ok_or(Error::BadParameter)?;
    if !topic::is_utf8_fast(b) {
        return Err(Error::BadParameter);
    }
    // SAFETY: checked to be UTF-8 just above.
    Ok(unsafe { core::str::from_utf8_unchecked(b) })
}

fn qos(v: CEnum) -> Result<QoS, Error> {
    match v {
        0 => Ok(QoS::AtMostOnce),
        1 => Ok(QoS::AtLeastOnce),
        2 => Ok(QoS::ExactlyOnce),
        _ => Err(Error::BadParameter),
    }
}

/// Set up a context (`core_mqtt.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the network buffer stays
/// valid, and used by the engine alone, for the context's life.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Init(
    ctx: *mut MqttContext,
    transport: *const TransportInterface,
    get_time: Option<GetTimeFn>,
    callback: Option<EventCallbackFn>,
    buffer: *const FixedBuffer,
) -> CEnum {
    if ctx.is_null() || transport.is_null() || buffer.is_null() {
        return BAD_PARAMETER;
    }
    let (Some(get_time), Some(callback)) = (get_time, callback) else {
        return BAD_PARAMETER;
    };
    // SAFETY: not NULL; the caller's descriptions, copied.
    let (transport, network_buffer) = unsafe { (*transport, *buffer) };
    if transport.recv.is_none() || transport.send.is_none() {
        return BAD_PARAMETER;
    }
    let c = MqttContext {
        outgoing: ptr::null_mut(),
        incoming: ptr::null_mut(),
        outgoing_max: 0,
        incoming_max: 0,
        transport,
        network_buffer,
        vars: Vars {
            c_get_time: get_time as usize,
            c_app_callback: callback as usize,
            ..Vars::NEW
        },
    };
    // SAFETY: not NULL; the caller's storage for a context, written whole.
    unsafe { ctx.write(c) };
    SUCCESS
}

/// Hand the context its QoS record tables (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context; each table is NULL or `count`
/// records that stay valid for the context's life.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_InitStatefulQoS(
    ctx: *mut MqttContext,
    outgoing: *mut Record,
    outgoing_count: usize,
    incoming: *mut Record,
    incoming_count: usize,
) -> CEnum {
    if ctx.is_null()
        || (outgoing_count == 0) != outgoing.is_null()
        || (incoming_count == 0) != incoming.is_null()
    {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's context.
    let c = unsafe { &mut *ctx };
    if c.vars.c_app_callback == 0 {
        return BAD_PARAMETER;
    }
    c.outgoing = outgoing;
    c.outgoing_max = outgoing_count;
    c.incoming = incoming;
    c.incoming_max = incoming_count;
    SUCCESS
}

/// The will of a CONNECT.
///
/// # Safety
/// `w` points to a valid `MQTTPublishInfo_t`.
unsafe fn will<'a>(w: &PublishInfo) -> Result<Will<'a>, Error> {
    if w.topic.is_null() || w.payload_len > usize::from(u16::MAX) {
        return Err(Error::BadParameter);
    }
    Ok(Will {
        // SAFETY: the caller's strings, read during this call.
        topic: unsafe { text(w.topic, w.topic_len) }?,
        payload: unsafe { bytes(w.payload.cast::<u8>(), w.payload_len) }
            .ok_or(Error::BadParameter)?,
        qos: qos(w.qos)?,
        retain: w.retain != 0,
    })
}

/// # Safety
/// As [`MQTT_Connect`], with `ctx` and `info` not NULL.
unsafe fn connect(
    ctx: *mut MqttContext,
    info: &ConnectInfo,
    w: *const PublishInfo,
    timeout_ms: u32,
) -> Result<bool, Error> {
    // coreMQTT requires a client identifier (no broker-assigned ones); a
    // NULL one with a length is refused by `text` below.
    if info.client_id_len == 0 {
        return Err(Error::BadParameter);
    }
    // SAFETY (all blocks): the caller's strings and will, read during
    // this call.
    let username = match info.user_name.is_null() {
        true => None,
        false => Some(unsafe { text(info.user_name, info.user_name_len) }?),
    };
    let password = match info.password.is_null() {
        true => None,
        false => Some(
            unsafe { bytes(info.password, usize::from(info.password_len)) }
                .ok_or(Error::BadParameter)?,
        ),
    };
    let will = match w.is_null() {
        true => None,
        false => Some(unsafe { will(&*w) }?),
    };
    let c = Connect {
        client_id: unsafe { text(info.client_id, info.client_id_len) }?,
        keep_alive_s: info.keep_alive_s,
        clean_session: info.clean_session != 0,
        username,
        password,
        will,
    };
    // SAFETY: the caller's context (not NULL: checked by MQTT_Connect).
    let mut x = unsafe { Ctx::new(ctx) };
    if x.vars().in_callback != 0 {
        return Err(Error::IllegalState);
    }
    let present = client::connect(&mut x, &c, timeout_ms)?;
    x.vars().ping_sent_ms = 0;
    Ok(present)
}

/// Send CONNECT and wait for CONNACK (`core_mqtt.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Connect(
    ctx: *mut MqttContext,
    info: *const ConnectInfo,
    will: *const PublishInfo,
    timeout_ms: u32,
    session_present: *mut bool,
) -> CEnum {
    if ctx.is_null() || info.is_null() || session_present.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's connect info and context.
    match unsafe { connect(ctx, &*info, will, timeout_ms) } {
        Ok(present) => {
            // SAFETY: not NULL; the caller's variable.
            unsafe { session_present.write(present) };
            SUCCESS
        }
        Err(e) => code(e),
    }
}

/// SUBSCRIBE or UNSUBSCRIBE from the C list.
///
/// # Safety
/// `ctx` and `list` are NULL or valid; `list` has `count` entries.
unsafe fn filters(
    ctx: *mut MqttContext,
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
    packet_kind: u8,
) -> Result<(), Error> {
    if ctx.is_null() || list.is_null() || count == 0 || packet_id == 0 {
        return Err(Error::BadParameter);
    }
    // SAFETY: not NULL; `count` entries (the caller's contract).
    let list = unsafe { core::slice::from_raw_parts(list, count) };
    let subscribe = packet_kind == kind::SUBSCRIBE;
    // SAFETY: not NULL; only a field is read.
    let no_incoming = unsafe { (*ctx).incoming.is_null() };
    // QoS 1/2 subscriptions need incoming records, as in coreMQTT.
    if subscribe && no_incoming && list.iter().any(|s| s.qos != 0) {
        return Err(Error::BadParameter);
    }
    let at = |i: usize| {
        let s = list.get(i)?;
        // SAFETY: the caller's filter strings, read during this call.
        let f = unsafe { bytes(s.filter, usize::from(s.filter_len)) }?;
        match subscribe {
            true => Some((f, Some(qos(s.qos).ok()?))),
            false => Some((f, None)),
        }
    };
    client::subscribe_with(
        // SAFETY: not NULL (checked above); the caller's context.
        &mut unsafe { Ctx::new(ctx) },
        packet_kind,
        packet_id,
        Filters::Each(count, &at),
    )
}

/// Send SUBSCRIBE (`core_mqtt.h`).
///
/// # Safety
/// As [`filters`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Subscribe(
    ctx: *mut MqttContext,
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { filters(ctx, list, count, packet_id, kind::SUBSCRIBE) })
}

/// Send UNSUBSCRIBE (`core_mqtt.h`).
///
/// # Safety
/// As [`filters`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Unsubscribe(
    ctx: *mut MqttContext,
    list: *const SubscribeInfo,
    count: usize,
    packet_id: u16,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { filters(ctx, list, count, packet_id, kind::UNSUBSCRIBE) })
}

/// # Safety
/// As [`MQTT_Publish`].
unsafe fn publish(ctx: *mut MqttContext, info: *const PublishInfo, id: u16) -> Result<(), Error> {
    if ctx.is_null() || info.is_null() {
        return Err(Error::BadParameter);
    }
    // SAFETY: not NULL; the caller's message description and context.
    let (i, no_records) = unsafe { (&*info, (*ctx).outgoing.is_null()) };
    let q = qos(i.qos)?;
    if q != QoS::AtMostOnce && (id == 0 || no_records) {
        return Err(Error::BadParameter);
    }
    if i.topic.is_null() {
        return Err(Error::BadParameter);
    }
    let m = Publish {
        // SAFETY: the caller's topic and payload, read during this call.
        topic: unsafe { bytes(i.topic, usize::from(i.topic_len)) }.ok_or(Error::BadParameter)?,
        payload: unsafe { bytes(i.payload.cast::<u8>(), i.payload_len) }
            .ok_or(Error::BadParameter)?,
        qos: q,
        retain: i.retain != 0,
        dup: i.dup != 0,
        packet_id: if q == QoS::AtMostOnce { 0 } else { id },
    };
    // SAFETY: not NULL (checked above); the caller's context.
    client::publish(&mut unsafe { Ctx::new(ctx) }, &m)
}

/// Send PUBLISH (`core_mqtt.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Publish(
    ctx: *mut MqttContext,
    info: *const PublishInfo,
    packet_id: u16,
) -> CEnum {
    // SAFETY: the caller's contract.
    done(unsafe { publish(ctx, info, packet_id) })
}

/// Forget an outgoing QoS 1/2 publish (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_CancelCallback(ctx: *const MqttContext, packet_id: u16) -> CEnum {
    if ctx.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the context is only read (its records are the
    // application's memory, writable).
    let c = unsafe { &*ctx };
    if c.outgoing.is_null() || packet_id == 0 {
        return BAD_PARAMETER;
    }
    // SAFETY: the table `MQTT_InitStatefulQoS` was given.
    let table = unsafe { core::slice::from_raw_parts_mut(c.outgoing, c.outgoing_max) };
    match state::position(table, packet_id) {
        Some(at) => {
            state::remove(table, at);
            SUCCESS
        }
        None => BAD_PARAMETER,
    }
}

/// Send PINGREQ (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Ping(ctx: *mut MqttContext) -> CEnum {
    if ctx.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL (checked above); the caller's context.
    done(client::ping(&mut unsafe { Ctx::new(ctx) }))
}

/// Send DISCONNECT (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_Disconnect(ctx: *mut MqttContext) -> CEnum {
    if ctx.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL (checked above); the caller's context.
    done(client::say_goodbye(&mut unsafe { Ctx::new(ctx) }))
}

/// Hand a handled packet to the application's callback, then consume it
/// and send its acknowledgement. No Rust reference into the context or its
/// buffer is live while the callback runs.
fn deliver(x: &mut Ctx, f: Frame, keep_alive: bool) -> Result<(), Error> {
    let (event, reply): (_, Reply) = match client::dispatch(x, f) {
        Ok(r) => r,
        Err(e) => {
            client::consume(x, f);
            return Err(e);
        }
    };
    match event {
        Some(Event::Publish(p)) => {
            let id = p.packet_id;
            let mut info = PublishInfo {
                qos: p.qos as CEnum,
                retain: p.retain as u8,
                dup: p.dup as u8,
                topic: p.topic.as_ptr(),
                // A topic is at most 65,535 bytes (a two-byte length).
                topic_len: p.topic.len() as u16,
                // coreMQTT: no payload is a NULL pointer.
                payload: match p.payload.is_empty() {
                    true => ptr::null(),
                    false => p.payload.as_ptr().cast::<c_void>(),
                },
                payload_len: p.payload.len(),
            };
            call(x, f, id, &mut info, SUCCESS);
        }
        Some(Event::Ack { packet_id, .. }) => call(x, f, packet_id, ptr::null_mut(), SUCCESS),
        Some(Event::SubAck {
            packet_id,
            statuses,
        }) => {
            // Not `contains`: for bytes it is memchr, 390 B on Cortex-M.
            #[allow(clippy::manual_contains)]
            let refused = statuses.iter().any(|&s| s == crate::wire::SUBACK_FAILURE);
            let result = if refused { SERVER_REFUSED } else { SUCCESS };
            call(x, f, packet_id, ptr::null_mut(), result);
        }
        // coreMQTT shows PINGRESP to the application only when it does not
        // manage keep-alive itself.
        Some(Event::PingResp) if !keep_alive => call(x, f, 0, ptr::null_mut(), SUCCESS),
        _ => {}
    }
    if !x.vars().connected() {
        // The callback disconnected: nothing more to send.
        client::consume(x, f);
        return Ok(());
    }
    client::finish(x, f, reply)
}

/// The application's callback for the packet `f`, with the packet id, the
/// publish (or NULL) and the result it reports.
#[cfg_attr(not(target_os = "none"), inline(always))]
fn call(x: &mut Ctx, f: Frame, id: u16, publish: *mut PublishInfo, result: CEnum) {
    let Some(cb) = app_callback(x.vars()) else {
        return;
    };
    let mut packet = PacketInfo {
        kind: f.first,
        remaining_data: x.buf().as_mut_ptr().wrapping_add(usize::from(f.header)),
        remaining_length: f.len as usize,
        header_length: usize::from(f.header),
    };
    let mut des = DeserializedInfo {
        packet_id: id,
        publish_info: publish,
        result,
    };
    x.vars().in_callback = 1;
    // SAFETY: the application's callback as `MQTT_Init` was given it, with
    // its own context and descriptions that live on this stack frame until
    // it returns.
    unsafe { cb(x.ptr(), &mut packet, &mut des) };
    x.vars().in_callback = 0;
}

fn app_callback(v: &Vars) -> Option<EventCallbackFn> {
    // SAFETY: the slot holds a `MQTTEventCallback_t` (0 = NULL = `None`);
    // usize and function pointers have one size on every target.
    unsafe { core::mem::transmute::<usize, Option<EventCallbackFn>>(v.c_app_callback) }
}

/// One pass of the receive loop; see `MQTT_ProcessLoop`.
fn once(x: &mut Ctx, keep_alive: bool) -> Result<CEnum, Error> {
    let v = x.vars();
    if !v.connected() || v.in_callback != 0 {
        return Err(Error::IllegalState);
    }
    v.control_packet_sent = 0;
    let status = match client::receive(x)? {
        Received::Partial => NEED_MORE_BYTES,
        Received::Frame(f) => {
            deliver(x, f, keep_alive)?;
            if !x.vars().connected() {
                return Ok(SUCCESS);
            }
            SUCCESS
        }
        _ => SUCCESS,
    };
    if keep_alive {
        client::keep_alive(x)?;
    }
    Ok(status)
}

/// # Safety
/// `ctx` is NULL or an initialised context.
unsafe fn run_loop(ctx: *mut MqttContext, keep_alive: bool) -> CEnum {
    if ctx.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; two fields read.
    let (clock, buffer) = unsafe { ((*ctx).vars.c_get_time, (*ctx).network_buffer.buffer) };
    if clock == 0 || buffer.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL (checked above); the caller's context.
    let mut x = unsafe { Ctx::new(ctx) };
    let r = once(&mut x, keep_alive);
    match client::fail(&mut x, r) {
        Ok(s) => s,
        Err(e) => code(e),
    }
}

/// One pass of receive, callback, acknowledgement and keep-alive
/// (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_ProcessLoop(ctx: *mut MqttContext) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { run_loop(ctx, true) }
}

/// `MQTT_ProcessLoop` without keep-alive (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_ReceiveLoop(ctx: *mut MqttContext) -> CEnum {
    // SAFETY: the caller's contract.
    unsafe { run_loop(ctx, false) }
}

/// The next packet id (`core_mqtt.h`).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetPacketId(ctx: *mut MqttContext) -> u16 {
    if ctx.is_null() {
        return 0;
    }
    // SAFETY: not NULL (checked above); the caller's context.
    client::next_packet_id(&mut unsafe { Ctx::new(ctx) })
}

/// Whether a topic name matches a filter (`core_mqtt.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type and length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_MatchTopic(
    name: *const c_char,
    name_len: u16,
    filter: *const c_char,
    filter_len: u16,
    is_match: *mut bool,
) -> CEnum {
    if name.is_null() || name_len == 0 || filter.is_null() || filter_len == 0 || is_match.is_null()
    {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's strings of these lengths.
    let (name, filter) = unsafe {
        (
            core::slice::from_raw_parts(name.cast::<u8>(), usize::from(name_len)),
            core::slice::from_raw_parts(filter.cast::<u8>(), usize::from(filter_len)),
        )
    };
    // A filter with a misplaced wildcard, or a name with one, matches
    // nothing a broker would deliver: say so instead of guessing.
    if topic::validate_filter(filter).is_err() || topic::validate_name(name).is_err() {
        return BAD_PARAMETER;
    }
    let m = topic::matches(filter, name);
    // SAFETY: not NULL; the caller's variable.
    unsafe { is_match.write(m) };
    SUCCESS
}

/// The return codes of a SUBACK (`core_mqtt.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type; the packet describes a
/// SUBACK in memory, as the callback received it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_GetSubAckStatusCodes(
    packet: *const PacketInfo,
    start: *mut *mut u8,
    size: *mut usize,
) -> CEnum {
    if packet.is_null() || start.is_null() || size.is_null() {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's packet description.
    let p = unsafe { &*packet };
    if p.kind != 0x90 || p.remaining_data.is_null() || p.remaining_length < 3 {
        return BAD_PARAMETER;
    }
    // SAFETY: not NULL; the caller's variables. The codes follow the
    // two-byte packet id inside the packet.
    unsafe {
        start.write(p.remaining_data.wrapping_add(2));
        size.write(p.remaining_length - 2);
    }
    SUCCESS
}

/// `MQTTStatus_t` names, in value order.
const STATUS_NAMES: [&core::ffi::CStr; 12] = [
    c"MQTTSuccess",
    c"MQTTBadParameter",
    c"MQTTNoMemory",
    c"MQTTSendFailed",
    c"MQTTRecvFailed",
    c"MQTTBadResponse",
    c"MQTTServerRefused",
    c"MQTTNoDataAvailable",
    c"MQTTIllegalState",
    c"MQTTStateCollision",
    c"MQTTKeepAliveTimeout",
    c"MQTTNeedMoreBytes",
];

/// The name of a status code (`core_mqtt.h`).
#[unsafe(no_mangle)]
pub extern "C" fn MQTT_Status_strerror(status: CEnum) -> *const c_char {
    // A CEnum (u8 or u32) always fits a usize on the targets this builds for.
    let name = STATUS_NAMES
        .get(status as usize)
        .copied()
        .unwrap_or(c"Invalid MQTT Status code");
    name.as_ptr()
}

/// The next outgoing record from `cursor` whose state is in `states` (a
/// bit per `MQTTPublishState_t` value).
///
/// # Safety
/// Each pointer is NULL or valid; the context's table is `MQTT_InitStatefulQoS`'s.
unsafe fn select(ctx: *const MqttContext, cursor: *mut usize, states: u16) -> u16 {
    if ctx.is_null() || cursor.is_null() {
        return 0;
    }
    // SAFETY: not NULL; the caller's context and cursor.
    let (c, at) = unsafe { (&*ctx, &mut *cursor) };
    if c.outgoing.is_null() {
        return 0;
    }
    // SAFETY: the table `MQTT_InitStatefulQoS` was given, only read.
    let table = unsafe { core::slice::from_raw_parts(c.outgoing, c.outgoing_max) };
    while let Some(r) = table.get(*at) {
        *at += 1;
        if r.state < 16 && states & (1 << r.state) != 0 {
            return r.packet_id;
        }
    }
    0
}

/// The next publish whose PUBREL must be resent (`core_mqtt_state.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_PubrelToResend(
    ctx: *const MqttContext,
    cursor: *mut usize,
    state_out: *mut CEnum,
) -> u16 {
    if state_out.is_null() {
        return 0;
    }
    use state::publish_state as ps;
    // SAFETY: the caller's contract.
    let id = unsafe { select(ctx, cursor, 1 << ps::PUBREL_SEND | 1 << ps::PUBCOMP_PENDING) };
    if id != 0 {
        // SAFETY: not NULL; the caller's variable.
        unsafe { state_out.write(ps::PUBREL_SEND) };
    }
    id
}

/// The next publish not acknowledged yet (`core_mqtt_state.h`).
///
/// # Safety
/// Each pointer is NULL or valid for its C type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MQTT_PublishToResend(ctx: *const MqttContext, cursor: *mut usize) -> u16 {
    use state::publish_state as ps;
    // SAFETY: the caller's contract.
    unsafe {
        select(
            ctx,
            cursor,
            1 << ps::PUBLISH_SEND | 1 << ps::PUBACK_PENDING | 1 << ps::PUBREC_PENDING,
        )
    }
}
