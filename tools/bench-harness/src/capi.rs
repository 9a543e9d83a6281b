//! The same cases through the coreMQTT C API: an `MQTTContext_t` set up with
//! `MQTT_Init` and `MQTT_InitStatefulQoS`, C-ABI transport, clock and event
//! callbacks (named `bench_cb_*`, so callgrind leaves them out), and each
//! step one API call as a C application makes it (`MQTT_GetPacketId`
//! included where the application needs an id).

use crate::scripts::{self, Api, Case};
use crate::{begin_step, end_step, io_now, io_recv, io_send, serve_connack};
use crate::{BUFFER, RECORDS};
use core::ffi::c_void;
use coremqtt_rs::coremqtt::api::*;
use coremqtt_rs::coremqtt::types::status::SUCCESS;
use coremqtt_rs::coremqtt::types::*;
use std::ptr;

#[no_mangle]
#[inline(never)]
unsafe extern "C" fn bench_cb_c_recv(_: NetworkContext, buf: *mut c_void, n: usize) -> i32 {
    // SAFETY: the engine passes its buffer's free part, n bytes.
    let buf = unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), n) };
    io_recv(buf) as i32
}

#[no_mangle]
#[inline(never)]
unsafe extern "C" fn bench_cb_c_send(_: NetworkContext, buf: *const c_void, n: usize) -> i32 {
    // SAFETY: the engine passes n readable bytes.
    let data = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), n) };
    io_send(data) as i32
}

#[no_mangle]
#[inline(never)]
unsafe extern "C" fn bench_cb_c_now() -> u32 {
    io_now()
}

#[no_mangle]
#[inline(never)]
unsafe extern "C" fn bench_cb_c_event(
    ctx: *mut MqttContext,
    packet: *mut PacketInfo,
    info: *mut DeserializedInfo,
) {
    std::hint::black_box((ctx, packet, info));
}

#[no_mangle]
#[inline(never)]
fn bench_op_c_connect(ctx: *mut MqttContext, info: &ConnectInfo) -> bool {
    let mut present = false;
    // SAFETY: an initialised context and a valid connect info.
    unsafe { MQTT_Connect(ctx, info, ptr::null(), 1000, &mut present) == SUCCESS }
}

#[no_mangle]
#[inline(never)]
fn bench_op_c_publish(ctx: *mut MqttContext, m: &PublishInfo) -> bool {
    // SAFETY: an initialised context and a valid message.
    unsafe {
        let id = MQTT_GetPacketId(ctx);
        MQTT_Publish(ctx, m, id) == SUCCESS
    }
}

#[no_mangle]
#[inline(never)]
fn bench_op_c_subscribe(ctx: *mut MqttContext, s: &SubscribeInfo) -> bool {
    // SAFETY: an initialised context and one valid filter.
    unsafe {
        let id = MQTT_GetPacketId(ctx);
        MQTT_Subscribe(ctx, s, 1, id) == SUCCESS
    }
}

#[no_mangle]
#[inline(never)]
fn bench_op_c_unsubscribe(ctx: *mut MqttContext, s: &SubscribeInfo) -> bool {
    // SAFETY: an initialised context and one valid filter.
    unsafe {
        let id = MQTT_GetPacketId(ctx);
        MQTT_Unsubscribe(ctx, s, 1, id) == SUCCESS
    }
}

#[no_mangle]
#[inline(never)]
fn bench_op_c_process(ctx: *mut MqttContext) -> bool {
    // SAFETY: an initialised context.
    unsafe { MQTT_ProcessLoop(ctx) == SUCCESS }
}

fn connect_info() -> ConnectInfo {
    ConnectInfo {
        clean_session: 1,
        keep_alive_s: scripts::KEEP_ALIVE_S,
        client_id: scripts::CLIENT_ID.as_ptr(),
        client_id_len: scripts::CLIENT_ID.len() as u16,
        user_name: scripts::USERNAME.as_ptr(),
        user_name_len: scripts::USERNAME.len() as u16,
        password: ptr::null(),
        password_len: 0,
    }
}

/// Transport calls of one repetition: (recv, send).
pub fn run_case(case: &Case) -> Result<(u32, u32), String> {
    let mut buf = [0u8; BUFFER];
    let mut out = [Record::EMPTY; RECORDS];
    let mut inc = [Record::EMPTY; RECORDS];
    let transport = TransportInterface {
        recv: Some(bench_cb_c_recv),
        send: Some(bench_cb_c_send),
        writev: None,
        network_context: ptr::null_mut(),
    };
    let fixed = FixedBuffer {
        buffer: buf.as_mut_ptr(),
        size: BUFFER,
    };
    let mut ctx = std::mem::MaybeUninit::<MqttContext>::uninit();
    let c = ctx.as_mut_ptr();
    // SAFETY: MQTT_Init writes the whole context; the buffer and tables
    // outlive every use below.
    unsafe {
        if MQTT_Init(
            c,
            &transport,
            Some(bench_cb_c_now),
            Some(bench_cb_c_event),
            &fixed,
        ) != SUCCESS
            || MQTT_InitStatefulQoS(c, out.as_mut_ptr(), RECORDS, inc.as_mut_ptr(), RECORDS)
                != SUCCESS
        {
            return Err("MQTT_Init failed".into());
        }
    }
    let info = connect_info();
    if case.steps[0].api != Api::Connect {
        // Connected first, outside the measurement (not a bench_op_*).
        serve_connack();
        let mut present = false;
        // SAFETY: an initialised context and a valid connect info.
        if unsafe { MQTT_Connect(c, &info, ptr::null(), 1000, &mut present) } != SUCCESS {
            return Err("setup MQTT_Connect failed".into());
        }
    }
    let message = PublishInfo {
        qos: 1,
        retain: 0,
        dup: 0,
        topic: scripts::TOPIC.as_ptr(),
        topic_len: scripts::TOPIC.len() as u16,
        payload: scripts::PAYLOAD12.as_ptr().cast(),
        payload_len: scripts::PAYLOAD12.len(),
    };
    let filter = SubscribeInfo {
        qos: 1,
        filter: scripts::TOPIC.as_ptr(),
        filter_len: scripts::TOPIC.len() as u16,
    };
    let (mut recvs, mut sends) = (0, 0);
    for (i, st) in case.steps.iter().enumerate() {
        begin_step(st);
        let ok = match st.api {
            Api::Connect => bench_op_c_connect(c, &info),
            Api::Publish => bench_op_c_publish(c, &message),
            Api::Subscribe => bench_op_c_subscribe(c, &filter),
            Api::Unsubscribe => bench_op_c_unsubscribe(c, &filter),
            Api::Process => bench_op_c_process(c),
        };
        if !ok {
            return Err(format!(
                "{} step {}: the C API call failed",
                case.name,
                i + 1
            ));
        }
        let calls = end_step(case, i, st)?;
        recvs += calls.0;
        sends += calls.1;
    }
    Ok((recvs, sends))
}
