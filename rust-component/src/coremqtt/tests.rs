//! The C API driven from Rust the way a C program drives it: C-ABI
//! transport, clock and callback, the context in caller memory. (The C
//! unit tests in tests/c-api/ drive it from C.)

use super::api::*;
use super::backoff_api::{
    BackoffAlgorithm_GetNextBackoff, BackoffAlgorithm_InitializeParams, RETRIES_EXHAUSTED,
    RETRY_FOREVER,
};
use super::types::status::*;
use super::types::*;
use core::ffi::c_void;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::ptr;

/// The network: bytes the broker will send (`Err` = connection failure),
/// and everything the client sent.
#[derive(Default)]
struct Net {
    input: VecDeque<Option<u8>>,
    /// Largest chunk one recv returns.
    chunk: usize,
    sent: Vec<u8>,
}

thread_local! {
    static NOW: RefCell<u32> = const { RefCell::new(1000) };
    static EVENTS: RefCell<Vec<Seen>> = const { RefCell::new(Vec::new()) };
    static IN_CALLBACK: RefCell<Option<fn(*mut MqttContext)>> = const { RefCell::new(None) };
}

#[derive(Debug, Clone, PartialEq)]
struct Seen {
    kind: u8,
    id: u16,
    result: CEnum,
    topic: Vec<u8>,
    payload: Vec<u8>,
    qos: CEnum,
    remaining: Vec<u8>,
    header_len: usize,
    payload_null: bool,
}

unsafe extern "C" fn recv(nc: NetworkContext, buf: *mut c_void, n: usize) -> i32 {
    let net = unsafe { &mut *(nc as *mut Net) };
    let mut got = 0;
    while got < n.min(net.chunk.max(1)) {
        match net.input.pop_front() {
            Some(Some(b)) => {
                unsafe { *buf.cast::<u8>().add(got) = b };
                got += 1;
            }
            Some(None) if got == 0 => return -1,
            Some(None) => {
                net.input.push_front(None);
                break;
            }
            None => break,
        }
    }
    got as i32
}

unsafe extern "C" fn send(nc: NetworkContext, buf: *const c_void, n: usize) -> i32 {
    let net = unsafe { &mut *(nc as *mut Net) };
    net.sent
        .extend_from_slice(unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), n) });
    n as i32
}

unsafe extern "C" fn now() -> u32 {
    NOW.with(|n| *n.borrow())
}

fn advance(ms: u32) {
    NOW.with(|n| *n.borrow_mut() += ms);
}

unsafe extern "C" fn callback(ctx: *mut MqttContext, p: *mut PacketInfo, d: *mut DeserializedInfo) {
    let (p, d) = unsafe { (&*p, &*d) };
    let mut s = Seen {
        kind: p.kind,
        id: d.packet_id,
        result: d.result,
        topic: vec![],
        payload: vec![],
        qos: 0,
        remaining: unsafe { std::slice::from_raw_parts(p.remaining_data, p.remaining_length) }
            .to_vec(),
        header_len: p.header_length,
        payload_null: false,
    };
    if !d.publish_info.is_null() {
        let i = unsafe { &*d.publish_info };
        s.topic = unsafe { std::slice::from_raw_parts(i.topic, i.topic_len.into()) }.to_vec();
        s.payload_null = i.payload.is_null();
        if !s.payload_null {
            s.payload =
                unsafe { std::slice::from_raw_parts(i.payload.cast::<u8>(), i.payload_len) }
                    .to_vec();
        }
        s.qos = i.qos;
    }
    EVENTS.with(|e| e.borrow_mut().push(s));
    if let Some(f) = IN_CALLBACK.with(|c| *c.borrow()) {
        f(ctx);
    }
}

fn events() -> Vec<Seen> {
    EVENTS.with(|e| std::mem::take(&mut *e.borrow_mut()))
}

/// A context, its memory and its network, as a C program would lay them out.
struct Setup {
    ctx: Box<MqttContext>,
    net: Box<Net>,
    _buf: Vec<u8>,
    out: Vec<Record>,
    inc: Vec<Record>,
}

fn setup(buf_size: usize) -> Setup {
    IN_CALLBACK.with(|c| *c.borrow_mut() = None);
    events();
    let mut net = Box::new(Net {
        chunk: 4096,
        ..Net::default()
    });
    let mut buf = vec![0u8; buf_size];
    let transport = TransportInterface {
        recv: Some(recv),
        send: Some(send),
        writev: None,
        network_context: (&mut *net as *mut Net).cast(),
    };
    let fixed = FixedBuffer {
        buffer: buf.as_mut_ptr(),
        size: buf.len(),
    };
    // SAFETY (test): all-zero is a valid MQTTContext_t bit pattern.
    let mut ctx: Box<MqttContext> = Box::new(unsafe { std::mem::zeroed() });
    let mut s = Setup {
        ctx: Box::new(unsafe { std::mem::zeroed() }),
        net,
        _buf: buf,
        out: vec![Record::EMPTY; 4],
        inc: vec![Record::EMPTY; 4],
    };
    let st = unsafe { MQTT_Init(&mut *ctx, &transport, Some(now), Some(callback), &fixed) };
    assert_eq!(st, SUCCESS);
    let st =
        unsafe { MQTT_InitStatefulQoS(&mut *ctx, s.out.as_mut_ptr(), 4, s.inc.as_mut_ptr(), 4) };
    assert_eq!(st, SUCCESS);
    s.ctx = ctx;
    s
}

impl Setup {
    fn feed(&mut self, bytes: &[u8]) {
        self.net.input.extend(bytes.iter().map(|&b| Some(b)));
    }
    fn sent(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.net.sent)
    }
    fn c(&mut self) -> *mut MqttContext {
        &mut *self.ctx
    }
    fn connect(&mut self, keep_alive: u16) {
        self.feed(&[0x20, 2, 0, 0]);
        let id = b"dev-1";
        let info = ConnectInfo {
            clean_session: 1,
            keep_alive_s: keep_alive,
            client_id: id.as_ptr(),
            client_id_len: id.len() as u16,
            user_name: ptr::null(),
            user_name_len: 0,
            password: ptr::null(),
            password_len: 0,
        };
        let mut present = true;
        let st = unsafe { MQTT_Connect(self.c(), &info, ptr::null(), 1000, &mut present) };
        assert_eq!(st, SUCCESS);
        assert!(!present);
        self.sent();
    }
    fn process(&mut self) -> CEnum {
        unsafe { MQTT_ProcessLoop(self.c()) }
    }
}

fn publish_info(topic: &'static [u8], payload: &'static [u8], qos: CEnum) -> PublishInfo {
    PublishInfo {
        qos,
        retain: 0,
        dup: 0,
        topic: topic.as_ptr(),
        topic_len: topic.len() as u16,
        payload: payload.as_ptr().cast(),
        payload_len: payload.len(),
    }
}

#[test]
fn init_rejects_null_arguments_and_sets_up_the_context() {
    let mut ctx: MqttContext = unsafe { std::mem::zeroed() };
    let t = TransportInterface {
        recv: Some(recv),
        send: Some(send),
        writev: None,
        network_context: ptr::null_mut(),
    };
    let mut b = [0u8; 16];
    let fb = FixedBuffer {
        buffer: b.as_mut_ptr(),
        size: 16,
    };
    unsafe {
        assert_eq!(
            MQTT_Init(ptr::null_mut(), &t, Some(now), Some(callback), &fb),
            BAD_PARAMETER
        );
        assert_eq!(
            MQTT_Init(&mut ctx, ptr::null(), Some(now), Some(callback), &fb),
            BAD_PARAMETER
        );
        assert_eq!(
            MQTT_Init(&mut ctx, &t, None, Some(callback), &fb),
            BAD_PARAMETER
        );
        assert_eq!(MQTT_Init(&mut ctx, &t, Some(now), None, &fb), BAD_PARAMETER);
        assert_eq!(
            MQTT_Init(&mut ctx, &t, Some(now), Some(callback), ptr::null()),
            BAD_PARAMETER
        );
        let no_send = TransportInterface { send: None, ..t };
        assert_eq!(
            MQTT_Init(&mut ctx, &no_send, Some(now), Some(callback), &fb),
            BAD_PARAMETER
        );
        // InitStatefulQoS before Init.
        let mut r = [Record::EMPTY; 2];
        assert_eq!(
            MQTT_InitStatefulQoS(&mut ctx, r.as_mut_ptr(), 2, ptr::null_mut(), 0),
            BAD_PARAMETER
        );
        assert_eq!(
            MQTT_Init(&mut ctx, &t, Some(now), Some(callback), &fb),
            SUCCESS
        );
        assert_eq!(ctx.vars.next_packet_id, 1);
        assert_eq!(ctx.vars.connect_status, 0);
        assert_eq!(ctx.network_buffer.size, 16);
        // A count without a table, a table without a count.
        assert_eq!(
            MQTT_InitStatefulQoS(&mut ctx, ptr::null_mut(), 2, ptr::null_mut(), 0),
            BAD_PARAMETER
        );
        assert_eq!(
            MQTT_InitStatefulQoS(&mut ctx, r.as_mut_ptr(), 0, ptr::null_mut(), 0),
            BAD_PARAMETER
        );
        assert_eq!(
            MQTT_InitStatefulQoS(&mut ctx, r.as_mut_ptr(), 2, ptr::null_mut(), 0),
            SUCCESS
        );
        assert_eq!(ctx.outgoing_max, 2);
    }
}

#[test]
fn connect_subscribe_publish_echo_unsubscribe_disconnect() {
    let mut s = setup(256);
    s.connect(60);
    assert_eq!(s.ctx.vars.connect_status, 1);
    assert_eq!(s.ctx.vars.keep_alive_s, 60);

    let filter = b"dev-1/t";
    let sub = [SubscribeInfo {
        qos: 1,
        filter: filter.as_ptr(),
        filter_len: filter.len() as u16,
    }];
    let id = unsafe { MQTT_GetPacketId(s.c()) };
    assert_eq!(id, 1);
    assert_eq!(
        unsafe { MQTT_Subscribe(s.c(), sub.as_ptr(), 1, id) },
        SUCCESS
    );
    assert_eq!(s.sent(), b"\x82\x0c\x00\x01\x00\x07dev-1/t\x01");
    s.feed(&[0x90, 3, 0, 1, 1]);
    assert_eq!(s.process(), SUCCESS);
    let ev = events();
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].kind, ev[0].id, ev[0].result), (0x90, 1, SUCCESS));
    assert_eq!(ev[0].remaining, [0, 1, 1]);

    let m = publish_info(b"dev-1/t", b"hi", 1);
    let id = unsafe { MQTT_GetPacketId(s.c()) };
    assert_eq!(unsafe { MQTT_Publish(s.c(), &m, id) }, SUCCESS);
    assert_eq!(s.sent(), b"\x32\x0d\x00\x07dev-1/t\x00\x02hi");
    assert_eq!(
        (s.out[0].packet_id, s.out[0].qos, s.out[0].state),
        (2, 1, crate::state::publish_state::PUBACK_PENDING)
    );
    // The echo (QoS 1, id 7) and the PUBACK arrive in one read.
    s.feed(b"\x32\x0d\x00\x07dev-1/t\x00\x07hi\x40\x02\x00\x02");
    assert_eq!(s.process(), SUCCESS);
    let ev = events();
    assert_eq!(ev.len(), 1);
    assert_eq!(
        (
            ev[0].kind,
            ev[0].id,
            &ev[0].topic[..],
            &ev[0].payload[..],
            ev[0].qos
        ),
        (0x32, 7, &b"dev-1/t"[..], &b"hi"[..], 1)
    );
    assert_eq!(ev[0].header_len, 2);
    assert_eq!(s.sent(), b"\x40\x02\x00\x07", "PUBACK after the callback");
    assert_eq!(s.process(), SUCCESS);
    let ev = events();
    assert_eq!((ev[0].kind, ev[0].id), (0x40, 2));
    assert_eq!(s.out[0].packet_id, 0, "record freed");

    let id = unsafe { MQTT_GetPacketId(s.c()) };
    assert_eq!(
        unsafe { MQTT_Unsubscribe(s.c(), sub.as_ptr(), 1, id) },
        SUCCESS
    );
    assert_eq!(s.sent(), b"\xa2\x0b\x00\x03\x00\x07dev-1/t");
    s.feed(&[0xb0, 2, 0, 3]);
    assert_eq!(s.process(), SUCCESS);
    assert_eq!(events()[0].kind, 0xb0);
    assert_eq!(unsafe { MQTT_Disconnect(s.c()) }, SUCCESS);
    assert_eq!(s.sent(), [0xe0, 0]);
    assert_eq!(s.ctx.vars.connect_status, 0);
    assert_eq!(s.process(), ILLEGAL_STATE);
}

#[test]
fn bad_arguments_are_bad_parameter() {
    let mut s = setup(64);
    s.connect(0);
    let m = publish_info(b"a/b", b"x", 1);
    unsafe {
        assert_eq!(
            MQTT_Publish(s.c(), &m, 0),
            BAD_PARAMETER,
            "QoS 1 needs an id"
        );
        assert_eq!(MQTT_Publish(ptr::null_mut(), &m, 1), BAD_PARAMETER);
        assert_eq!(MQTT_Publish(s.c(), ptr::null(), 1), BAD_PARAMETER);
        let wild = publish_info(b"a/+", b"x", 0);
        assert_eq!(MQTT_Publish(s.c(), &wild, 0), BAD_PARAMETER);
        let q3 = publish_info(b"a/b", b"x", 3);
        assert_eq!(MQTT_Publish(s.c(), &q3, 1), BAD_PARAMETER);
        let mut nul = publish_info(b"a/b", b"x", 0);
        nul.payload = ptr::null();
        assert_eq!(MQTT_Publish(s.c(), &nul, 0), BAD_PARAMETER);
        let sub = [SubscribeInfo {
            qos: 0,
            filter: b"a/#".as_ptr(),
            filter_len: 3,
        }];
        assert_eq!(MQTT_Subscribe(s.c(), sub.as_ptr(), 0, 1), BAD_PARAMETER);
        assert_eq!(MQTT_Subscribe(s.c(), sub.as_ptr(), 1, 0), BAD_PARAMETER);
        assert_eq!(MQTT_Subscribe(s.c(), ptr::null(), 1, 1), BAD_PARAMETER);
        let bad = [SubscribeInfo {
            qos: 0,
            filter: b"a/#/b".as_ptr(),
            filter_len: 5,
        }];
        assert_eq!(MQTT_Subscribe(s.c(), bad.as_ptr(), 1, 1), BAD_PARAMETER);
        assert_eq!(MQTT_Ping(ptr::null_mut()), BAD_PARAMETER);
        assert_eq!(MQTT_ProcessLoop(ptr::null_mut()), BAD_PARAMETER);
        assert_eq!(MQTT_GetPacketId(ptr::null_mut()), 0);
        assert_eq!(MQTT_CancelCallback(s.c(), 9), BAD_PARAMETER);
    }
    assert!(s.sent().is_empty(), "nothing went out");
}

#[test]
fn publish_collision_dup_resend_and_cancel() {
    let mut s = setup(64);
    s.connect(0);
    let m = publish_info(b"t", b"1", 1);
    unsafe {
        assert_eq!(MQTT_Publish(s.c(), &m, 5), SUCCESS);
        assert_eq!(MQTT_Publish(s.c(), &m, 5), STATE_COLLISION);
        let dup = PublishInfo {
            dup: 1,
            ..publish_info(b"t", b"1", 1)
        };
        assert_eq!(MQTT_Publish(s.c(), &dup, 5), SUCCESS);
        let mut cursor = 0usize;
        assert_eq!(MQTT_PublishToResend(s.c(), &mut cursor), 5);
        assert_eq!(MQTT_PublishToResend(s.c(), &mut cursor), 0);
        assert_eq!(MQTT_CancelCallback(s.c(), 5), SUCCESS);
        assert_eq!(MQTT_CancelCallback(s.c(), 5), BAD_PARAMETER);
        let mut cursor = 0usize;
        assert_eq!(MQTT_PublishToResend(s.c(), &mut cursor), 0);
    }
    // The PUBACK for the cancelled publish is ignored: no callback.
    s.feed(&[0x40, 2, 0, 5]);
    assert_eq!(s.process(), SUCCESS);
    assert!(events().is_empty());
}

#[test]
fn partial_packets_are_need_more_bytes_and_a_stall_is_recv_failed() {
    let mut s = setup(64);
    s.connect(0);
    s.feed(&[0x30, 5, 0]);
    assert_eq!(s.process(), NEED_MORE_BYTES);
    assert_eq!(s.ctx.vars.index, 3);
    s.feed(&[1, b'x', b'a']);
    assert_eq!(s.process(), NEED_MORE_BYTES);
    s.feed(b"b");
    assert_eq!(s.process(), SUCCESS);
    assert_eq!(events()[0].payload, b"ab");
    // Half a packet, then silence past the packet bound.
    s.feed(&[0x30, 5, 0]);
    assert_eq!(s.process(), NEED_MORE_BYTES);
    advance(10_001);
    assert_eq!(s.process(), RECV_FAILED);
    assert_eq!(s.ctx.vars.connect_status, 0, "the session ended");
}

#[test]
fn keep_alive_pings_and_times_out() {
    let mut s = setup(64);
    s.connect(5);
    assert_eq!(s.process(), SUCCESS);
    assert!(s.sent().is_empty());
    advance(5000);
    assert_eq!(s.process(), SUCCESS);
    assert_eq!(s.sent(), [0xc0, 0]);
    assert_eq!(s.ctx.vars.waiting_for_ping_resp, 1);
    s.feed(&[0xd0, 0]);
    assert_eq!(s.process(), SUCCESS);
    assert!(events().is_empty(), "ProcessLoop keeps PINGRESP to itself");
    assert_eq!(s.ctx.vars.waiting_for_ping_resp, 0);
    advance(5000);
    assert_eq!(s.process(), SUCCESS);
    assert_eq!(s.sent(), [0xc0, 0]);
    // Overdue once the 5 s bound has passed (as coreMQTT: elapsed > bound).
    advance(5000);
    assert_eq!(s.process(), SUCCESS);
    advance(1);
    assert_eq!(s.process(), KEEP_ALIVE_TIMEOUT);
}

#[test]
fn receive_loop_leaves_keep_alive_to_the_caller() {
    let mut s = setup(64);
    s.connect(5);
    advance(6000);
    assert_eq!(unsafe { MQTT_ReceiveLoop(s.c()) }, SUCCESS);
    assert!(s.sent().is_empty(), "no PINGREQ");
    assert_eq!(unsafe { MQTT_Ping(s.c()) }, SUCCESS);
    assert_eq!(s.sent(), [0xc0, 0]);
    s.feed(&[0xd0, 0]);
    assert_eq!(unsafe { MQTT_ReceiveLoop(s.c()) }, SUCCESS);
    assert_eq!(events()[0].kind, 0xd0);
}

#[test]
fn callback_may_publish_but_not_re_enter_the_loop() {
    let mut s = setup(128);
    s.connect(0);
    fn echo(ctx: *mut MqttContext) {
        // Publish the received payload back, straight from the buffer.
        let ev = EVENTS.with(|e| e.borrow().last().cloned()).unwrap();
        if ev.kind & 0xf0 != 0x30 {
            return;
        }
        let m = publish_info(b"echo", b"", 0);
        let inner = unsafe { &*ctx };
        let base = inner.network_buffer.buffer;
        let payload_at = ev.header_len + 2 + ev.topic.len() + 2;
        let m = PublishInfo {
            payload: base.wrapping_add(payload_at).cast(),
            payload_len: ev.payload.len(),
            ..m
        };
        assert_eq!(unsafe { MQTT_Publish(ctx, &m, 0) }, SUCCESS);
        assert_eq!(unsafe { MQTT_ProcessLoop(ctx) }, ILLEGAL_STATE);
        assert_eq!(unsafe { MQTT_ReceiveLoop(ctx) }, ILLEGAL_STATE);
    }
    IN_CALLBACK.with(|c| *c.borrow_mut() = Some(echo));
    s.feed(b"\x32\x08\x00\x01t\x00\x09pay");
    assert_eq!(s.process(), SUCCESS);
    assert_eq!(s.sent(), b"\x30\x09\x00\x04echopay\x40\x02\x00\x09");
    assert_eq!(s.ctx.vars.in_callback, 0);
}

#[test]
fn empty_payload_is_a_null_pointer() {
    let mut s = setup(64);
    s.connect(0);
    s.feed(b"\x30\x03\x00\x01t\x30\x04\x00\x01tx");
    assert_eq!(s.process(), SUCCESS);
    assert_eq!(s.process(), SUCCESS);
    let ev = events();
    assert_eq!(ev.len(), 2);
    assert!(
        ev[0].payload_null && ev[0].payload.is_empty(),
        "pPayload NULL"
    );
    assert!(!ev[1].payload_null);
    assert_eq!(ev[1].payload, b"x");
}

#[test]
fn suback_refusal_reaches_the_callback_as_server_refused() {
    let mut s = setup(64);
    s.connect(0);
    s.feed(&[0x90, 4, 0, 1, 0x80, 1]);
    assert_eq!(s.process(), SUCCESS);
    let ev = events();
    assert_eq!(ev[0].result, SERVER_REFUSED);
    let packet = PacketInfo {
        kind: 0x90,
        remaining_data: ev[0].remaining.as_ptr().cast_mut(),
        remaining_length: ev[0].remaining.len(),
        header_length: 2,
    };
    let (mut start, mut size) = (ptr::null_mut(), 0usize);
    assert_eq!(
        unsafe { MQTT_GetSubAckStatusCodes(&packet, &mut start, &mut size) },
        SUCCESS
    );
    assert_eq!(
        unsafe { std::slice::from_raw_parts(start, size) },
        [0x80, 1]
    );
    let not_suback = PacketInfo {
        kind: 0xb0,
        ..packet
    };
    assert_eq!(
        unsafe { MQTT_GetSubAckStatusCodes(&not_suback, &mut start, &mut size) },
        BAD_PARAMETER
    );
}

#[test]
fn resumed_session_resends_pubrel_and_lists_publishes() {
    let mut s = setup(64);
    s.connect(0);
    unsafe {
        let q2 = publish_info(b"t", b"2", 2);
        assert_eq!(MQTT_Publish(s.c(), &q2, 10), SUCCESS);
        let q1 = publish_info(b"t", b"1", 1);
        assert_eq!(MQTT_Publish(s.c(), &q1, 11), SUCCESS);
    }
    s.feed(&[0x50, 2, 0, 10]); // PUBREC 10
    assert_eq!(s.process(), SUCCESS);
    s.sent();
    // Reconnect, the broker resumes the session.
    s.feed(&[0x20, 2, 1, 0]);
    let id = b"dev-1";
    let info = ConnectInfo {
        clean_session: 0,
        keep_alive_s: 0,
        client_id: id.as_ptr(),
        client_id_len: 5,
        user_name: ptr::null(),
        user_name_len: 0,
        password: ptr::null(),
        password_len: 0,
    };
    let mut present = false;
    assert_eq!(
        unsafe { MQTT_Connect(s.c(), &info, ptr::null(), 1000, &mut present) },
        SUCCESS
    );
    assert!(present);
    let sent = s.sent();
    assert_eq!(&sent[sent.len() - 4..], [0x62, 2, 0, 10], "PUBREL resent");
    let (mut cursor, mut st) = (0usize, 0 as CEnum);
    assert_eq!(
        unsafe { MQTT_PubrelToResend(s.c(), &mut cursor, &mut st) },
        10
    );
    assert_eq!(st, crate::state::publish_state::PUBREL_SEND);
    let mut cursor = 0usize;
    assert_eq!(unsafe { MQTT_PublishToResend(s.c(), &mut cursor) }, 11);
    assert_eq!(unsafe { MQTT_PublishToResend(s.c(), &mut cursor) }, 0);
}

#[test]
fn connect_checks_its_arguments_and_reports_refusal() {
    let mut s = setup(64);
    let mut present = false;
    let info = ConnectInfo {
        clean_session: 1,
        keep_alive_s: 0,
        client_id: ptr::null(),
        client_id_len: 3,
        user_name: ptr::null(),
        user_name_len: 0,
        password: ptr::null(),
        password_len: 0,
    };
    unsafe {
        assert_eq!(
            MQTT_Connect(s.c(), &info, ptr::null(), 0, &mut present),
            BAD_PARAMETER
        );
        assert_eq!(
            MQTT_Connect(s.c(), ptr::null(), ptr::null(), 0, &mut present),
            BAD_PARAMETER
        );
        // A client id is required, as in coreMQTT: NULL or empty is refused.
        let null_empty = ConnectInfo {
            client_id_len: 0,
            ..info
        };
        assert_eq!(
            MQTT_Connect(s.c(), &null_empty, ptr::null(), 0, &mut present),
            BAD_PARAMETER
        );
        let empty = ConnectInfo {
            client_id: b"abc".as_ptr(),
            client_id_len: 0,
            ..info
        };
        assert_eq!(
            MQTT_Connect(s.c(), &empty, ptr::null(), 0, &mut present),
            BAD_PARAMETER
        );
        assert!(s.sent().is_empty(), "nothing sent for a bad client id");
        let ok = ConnectInfo {
            client_id: b"abc".as_ptr(),
            ..info
        };
        assert_eq!(
            MQTT_Connect(s.c(), &ok, ptr::null(), 0, ptr::null_mut()),
            BAD_PARAMETER
        );
        // No CONNACK: five attempts with timeout 0.
        assert_eq!(
            MQTT_Connect(s.c(), &ok, ptr::null(), 0, &mut present),
            NO_DATA_AVAILABLE
        );
        s.sent();
        s.feed(&[0x20, 2, 0, 5]);
        assert_eq!(
            MQTT_Connect(s.c(), &ok, ptr::null(), 0, &mut present),
            SERVER_REFUSED
        );
        // Will, user name and password go out in CONNECT.
        let will = publish_info(b"w", b"bye", 1);
        let full = ConnectInfo {
            user_name: b"u".as_ptr(),
            user_name_len: 1,
            password: b"pw".as_ptr(),
            password_len: 2,
            ..ok
        };
        s.sent();
        s.feed(&[0x20, 2, 0, 0]);
        assert_eq!(
            MQTT_Connect(s.c(), &full, &will, 100, &mut present),
            SUCCESS
        );
    }
    assert_eq!(
        s.sent(),
        b"\x10\x1e\x00\x04MQTT\x04\xce\x00\x00\x00\x03abc\x00\x01w\x00\x03bye\x00\x01u\x00\x02pw"
    );
}

#[test]
fn match_topic_and_strerror() {
    let m = |name: &[u8], filter: &[u8]| {
        let mut r = false;
        let st = unsafe {
            MQTT_MatchTopic(
                name.as_ptr().cast(),
                name.len() as u16,
                filter.as_ptr().cast(),
                filter.len() as u16,
                &mut r,
            )
        };
        assert_eq!(st, SUCCESS);
        r
    };
    assert!(m(b"a/b", b"a/b"));
    assert!(m(b"a/b", b"a/+"));
    assert!(m(b"a/b/c", b"a/#"));
    assert!(m(b"a", b"a/#"));
    assert!(!m(b"a/b/c", b"a/+"));
    assert!(!m(b"$SYS/x", b"#"));
    assert!(m(b"$SYS/x", b"$SYS/#"));
    // As section 4.7 defines it, where coreMQTT v2.3.1 says no.
    assert!(m(b"b", b"+/#"));
    assert!(m(b"/", b"+/+"));
    let mut r = false;
    assert_eq!(
        unsafe { MQTT_MatchTopic(ptr::null(), 1, b"a".as_ptr().cast(), 1, &mut r) },
        BAD_PARAMETER
    );
    for (name, filter) in [(&b"a"[..], &b"a+"[..]), (b"a/b", b"#/b"), (b"a/+", b"a/+")] {
        let st = unsafe {
            MQTT_MatchTopic(
                name.as_ptr().cast(),
                name.len() as u16,
                filter.as_ptr().cast(),
                filter.len() as u16,
                &mut r,
            )
        };
        assert_eq!(st, BAD_PARAMETER, "{name:?} {filter:?}");
    }
    let name = |s: CEnum| unsafe { std::ffi::CStr::from_ptr(MQTT_Status_strerror(s)) };
    assert_eq!(name(SUCCESS).to_str(), Ok("MQTTSuccess"));
    assert_eq!(name(NEED_MORE_BYTES).to_str(), Ok("MQTTNeedMoreBytes"));
    assert_eq!(name(12).to_str(), Ok("Invalid MQTT Status code"));
}

#[test]
fn backoff_matches_backoff_algorithm_arithmetic() {
    let mut c: BackoffContext = unsafe { std::mem::zeroed() };
    let mut next = 0u16;
    unsafe {
        BackoffAlgorithm_InitializeParams(&mut c, 500, 5000, 3);
        assert_eq!(
            (c.next_jitter_max, c.max_backoff_delay, c.attempts_done),
            (500, 5000, 0)
        );
        // random % (ceiling + 1), ceiling 500 -> 1000 -> 2000.
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(&mut c, 1234, &mut next),
            SUCCESS
        );
        assert_eq!(next, 1234 % 501);
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(&mut c, 1234, &mut next),
            SUCCESS
        );
        assert_eq!(next, 1234 % 1001);
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(&mut c, u32::MAX, &mut next),
            SUCCESS
        );
        assert_eq!(next, (u32::MAX % 2001) as u16);
        assert_eq!(c.next_jitter_max, 4000);
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(&mut c, 7, &mut next),
            RETRIES_EXHAUSTED
        );
        assert_eq!(next, (u32::MAX % 2001) as u16, "untouched");
        // Forever, capped; a base above the cap is not clamped (as upstream).
        BackoffAlgorithm_InitializeParams(&mut c, 3000, 1000, RETRY_FOREVER);
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(&mut c, 2999, &mut next),
            SUCCESS
        );
        assert_eq!(next, 2999);
        assert_eq!(c.next_jitter_max, 1000);
        for _ in 0..100 {
            assert_eq!(
                BackoffAlgorithm_GetNextBackoff(&mut c, 60_000, &mut next),
                SUCCESS
            );
            assert!(next <= 1000);
        }
        // Zero retries allowed: exhausted at once.
        BackoffAlgorithm_InitializeParams(&mut c, 100, 1000, 0);
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(&mut c, 1, &mut next),
            RETRIES_EXHAUSTED
        );
        assert_eq!(
            BackoffAlgorithm_GetNextBackoff(ptr::null_mut(), 1, &mut next),
            RETRIES_EXHAUSTED
        );
    }
}
