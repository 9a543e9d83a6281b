use super::session::{Env, Names};
use super::*;
use crate::error::Error;
use crate::state::publish_state as ps;
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
    /// Bytes the broker sends right after the first PUBLISH reaches it,
    /// before its answers to it.
    after_first_publish: Vec<u8>,
    /// Then send nothing more (a peer that stalls).
    stall_after_first_publish: bool,
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
            after_first_publish: Vec::new(),
            stall_after_first_publish: false,
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
    /// Sends nothing more (`Script::stall_after_first_publish`).
    stalled: bool,
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
                let (inject, stall) = {
                    let mut s = self.w.script.borrow_mut();
                    (
                        std::mem::take(&mut s.after_first_publish),
                        std::mem::take(&mut s.stall_after_first_publish),
                    )
                };
                self.queue(&inject);
                if stall {
                    self.stalled = true;
                }
                if self.stalled {
                    return self.w.sent.borrow_mut().push(Sent::Publish {
                        id: pid,
                        topic,
                        payload,
                        qos,
                        dup: p.first & 0x08 != 0,
                    });
                }
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
            stalled: false,
        })
    }
    fn disconnect(&mut self, _c: Broker) {
        self.0.closed.set(self.0.closed.get() + 1);
    }
    fn last_error(&self, _c: &Broker) -> (&'static str, i32) {
        ("connection closed by the peer (TLS close_notify)", -0x7880)
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
                "TLS connect to broker.local:8883 failed: DNS or TCP connect failed (TLS_TRANSPORT_CONNECT_FAILURE); retry 1 of 5 in {d1} ms"
            )
        ));
    assert!(has_line(
            &w,
            Level::Warn,
            &format!(
                "TLS connect to broker.local:8883 failed: TLS handshake failed (TLS_TRANSPORT_HANDSHAKE_FAILED); retry 2 of 5 in {d2} ms"
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
            "iteration 1 failed: TLS connect: DNS or TCP connect failed (TLS_TRANSPORT_CONNECT_FAILURE), retries exhausted"
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
        "iteration 1 failed: PUBLISH: no echo of our publish within 2000 ms"
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
        "iteration 1 failed: UNSUBSCRIBE: no UNSUBACK within 2000 ms"
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
        qos: 1,
        state: ps::PUBACK_PENDING,
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
        buf_len: 256,
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

#[test]
fn an_incoming_packet_larger_than_the_buffer_is_logged_and_the_iteration_goes_on() {
    let w = W::default();
    let big = srv::publish("dev1/example/topic", &[b'x'; 700], 0, 0, false);
    w.script.borrow_mut().after_first_publish = big.clone();
    assert_eq!(run_demo(&w, &config()), Ok(()));
    assert!(has_line(
        &w,
        Level::Warn,
        &format!(
            "discarded an incoming packet of {} bytes: larger than the network buffer (512 bytes)",
            big.len()
        )
    ));
    assert!(w
        .lines
        .borrow()
        .iter()
        .any(|(_, l)| l.starts_with("iteration 1 succeeded")));
}

#[test]
fn a_repeated_puback_is_logged_and_ignored() {
    let w = W::default();
    // The broker acknowledges publish 2 twice (as after a resumed session).
    w.script.borrow_mut().after_first_publish = srv::ack(kind::PUBACK, 2).to_vec();
    assert_eq!(run_demo(&w, &config()), Ok(()));
    assert!(has_line(
        &w,
        Level::Warn,
        "ignored PUBACK for packet id 2: not in flight (repeated by the broker)"
    ));
    assert!(w
        .lines
        .borrow()
        .iter()
        .any(|(_, l)| l.starts_with("iteration 1 succeeded")));
}

#[test]
fn a_peer_that_stalls_inside_a_packet_is_named_and_bounded() {
    let w = W::default();
    {
        let mut s = w.script.borrow_mut();
        // The first 3 bytes of a PUBLISH, then nothing.
        s.after_first_publish = vec![0x30, 20, 0];
        s.stall_after_first_publish = true;
    }
    let start = w.now.get();
    assert_eq!(
        run_demo(&w, &config()),
        Err(DemoError::Mqtt(Step::Publish, Error::Stalled))
    );
    assert!(has_line(
        &w,
        Level::Error,
        "iteration 1 failed: PUBLISH: peer stalled inside a packet for 1000 ms"
    ));
    // Bounded by the packet bound (1 s here), not by the process-loop timeout.
    assert!(w.now.get() - start < 2000, "{} ms", w.now.get() - start);
}
