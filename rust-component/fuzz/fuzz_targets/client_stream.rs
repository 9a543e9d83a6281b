//! The client's connect and process loop fed an arbitrary server byte
//! stream, delivered in arbitrary chunks, interleaved with arbitrary client
//! operations. Beyond "no panic and no hang" (libFuzzer's -timeout), it
//! checks the engine against a model of the session:
//! * every fresh acknowledgement event answers something in flight (PUBACK
//!   for a QoS 1 publish, PUBREC/PUBCOMP for QoS 2), one reported as stale
//!   does not, every SUBACK return code is valid, and
//!   publish packet ids handed out are never in flight;
//! * an incoming QoS 2 publish is delivered once until its PUBREL;
//! * delivered publishes carry valid topics and ids;
//! * after a fatal error the client reports itself disconnected;
//! * everything the client sends is whole, well-formed client packets.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use rust_component_fuzz::client::{Client, Event, Timeouts};
use rust_component_fuzz::error::Error;
use rust_component_fuzz::fake::{client_packets, ClientPacket, FakeClock, FakeNet};
use rust_component_fuzz::state::Record;
use rust_component_fuzz::topic;
use rust_component_fuzz::wire::{kind, AckKind, Connect, Publish, QoS, Subscription};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Arbitrary, Debug)]
enum Op {
    Poll,
    ProcessLoop(u16),
    Publish { qos: u8, payload_len: u8 },
    Subscribe { filters: u8 },
    Unsubscribe,
    Ping,
    ResendPending,
    Disconnect,
    Connect { clean: bool },
    AdvanceClock(u16),
}

#[derive(Arbitrary, Debug)]
struct Input {
    clock_start: u32,
    buf_len: u16,
    table_len: u8,
    keep_alive_s: u8,
    clean: bool,
    idle_ms: u8,
    send_chunk: u8,
    recv_fail_after: Option<u16>,
    prefix_connack: bool,
    recv_chunks: Vec<u8>,
    ops: Vec<Op>,
    /// What the "server" sends, in order (the rest of the input).
    stream: Vec<u8>,
}

const TOPIC: &str = "dev/example/topic";
const FILTERS: [&str; 4] = ["dev/example/topic", "dev/+/topic", "#", "a/b"];

#[derive(Default)]
struct Model {
    qos1: BTreeSet<u16>,
    qos2_rec: BTreeSet<u16>,
    qos2_comp: BTreeSet<u16>,
    subs: BTreeMap<u16, usize>,
    unsubs: BTreeSet<u16>,
    incoming_qos2: BTreeSet<u16>,
}

impl Model {
    /// A publish of ours awaiting an acknowledgement with this id.
    fn in_flight(&self, id: u16) -> bool {
        self.qos1.contains(&id) || self.qos2_rec.contains(&id) || self.qos2_comp.contains(&id)
    }

    fn clear(&mut self) {
        *self = Model::default();
    }

    fn event(&mut self, ev: &Event<'_>) {
        match *ev {
            Event::Publish(p) => {
                assert!(topic::validate_name(p.topic).is_ok());
                assert_eq!(p.packet_id == 0, p.qos == QoS::AtMostOnce);
                if p.qos == QoS::ExactlyOnce {
                    assert!(
                        self.incoming_qos2.insert(p.packet_id),
                        "QoS 2 publish {} delivered twice before PUBREL",
                        p.packet_id
                    );
                }
            }
            Event::Ack { kind: k, packet_id } => {
                assert_ne!(packet_id, 0);
                match k {
                    AckKind::PubAck => assert!(
                        self.qos1.remove(&packet_id),
                        "PUBACK {packet_id} not in flight"
                    ),
                    AckKind::PubRec => {
                        assert!(
                            self.qos2_rec.remove(&packet_id),
                            "PUBREC {packet_id} not in flight"
                        );
                        self.qos2_comp.insert(packet_id);
                    }
                    AckKind::PubComp => assert!(
                        self.qos2_comp.remove(&packet_id),
                        "PUBCOMP {packet_id} not in flight"
                    ),
                    // Not tracked by the engine (as in coreMQTT): any id.
                    AckKind::UnsubAck => {
                        self.unsubs.remove(&packet_id);
                    }
                    AckKind::PubRel => {
                        self.incoming_qos2.remove(&packet_id);
                    }
                }
            }
            Event::SubAck {
                packet_id,
                statuses,
            } => {
                assert_ne!(packet_id, 0);
                assert!(!statuses.is_empty());
                assert!(statuses.iter().all(|&s| s <= 2 || s == 0x80));
                self.subs.remove(&packet_id);
            }
            Event::StaleAck { kind: k, packet_id } => {
                assert_ne!(packet_id, 0);
                match k {
                    AckKind::PubAck => assert!(
                        !self.qos1.contains(&packet_id),
                        "PUBACK {packet_id} in flight reported stale"
                    ),
                    AckKind::PubRec => assert!(
                        !self.qos2_rec.contains(&packet_id),
                        "PUBREC {packet_id} in flight reported stale"
                    ),
                    AckKind::PubComp => assert!(
                        !self.qos2_comp.contains(&packet_id),
                        "PUBCOMP {packet_id} in flight reported stale"
                    ),
                    AckKind::PubRel => assert!(
                        !self.incoming_qos2.contains(&packet_id),
                        "PUBREL {packet_id} awaited reported stale"
                    ),
                    AckKind::UnsubAck => panic!("UNSUBACK reported stale"),
                }
            }
            Event::PingResp | Event::Discarded { .. } => {}
        }
    }
}

fn check_fatal<T>(r: &Result<T, Error>, connected: bool) {
    if let Err(e) = r {
        if e.is_fatal() {
            assert!(!connected, "still connected after {e:?}");
        }
    }
}

fuzz_target!(|input: Input| {
    let clock = FakeClock::at(input.clock_start);
    let mut stream = Vec::new();
    if input.prefix_connack {
        stream.extend_from_slice(&[0x20, 2, 0, 0]);
    }
    stream.extend_from_slice(&input.stream);
    let mut net = FakeNet::new(&clock, stream);
    net.chunks = input.recv_chunks;
    net.idle_ms = u32::from(input.idle_ms.max(1));
    net.send_chunk = if input.send_chunk == 0 {
        usize::MAX
    } else {
        input.send_chunk as usize
    };
    net.recv_fail_after = input.recv_fail_after.map(usize::from);

    let mut buf = vec![0u8; (input.buf_len % 1200) as usize];
    let n_records = (input.table_len % 6) as usize;
    let mut outgoing = vec![Record::EMPTY; n_records];
    let mut incoming = vec![Record::EMPTY; n_records];
    let timeouts = Timeouts {
        packet_ms: 200,
        send_ms: 200,
        ping_resp_ms: 500,
        max_packet: 4096,
    };
    let mut client = Client::new(
        &mut net,
        clock.clone(),
        &mut buf,
        &mut outgoing,
        &mut incoming,
        timeouts,
    );
    let mut model = Model::default();

    let payload = [0x5au8; 255];
    let keep_alive = u16::from(input.keep_alive_s % 4);
    let connect = |client: &mut Client<'_, _, _>, model: &mut Model, clean: bool| {
        let mut c = Connect::new("fuzz-client", keep_alive);
        c.clean_session = clean;
        let r = client.connect(&c, 1000);
        match r {
            Ok(false) => {
                assert!(client.is_connected());
                model.clear();
            }
            Ok(true) => {
                assert!(!clean, "session present accepted on a clean session");
                assert!(client.is_connected());
                // As the client does: SUBSCRIBE/UNSUBSCRIBE are never answered
                // across sessions; publish records, and incoming QoS 2 ones
                // awaiting PUBREL, carry over.
                model.subs.clear();
                model.unsubs.clear();
            }
            Err(_) => assert!(!client.is_connected()),
        }
    };
    connect(&mut client, &mut model, input.clean);

    for op in input.ops.iter().take(48) {
        match *op {
            Op::Poll => {
                let r = client.poll(&mut |ev| {
                    model.event(&ev);
                    false
                });
                check_fatal(&r, client.is_connected());
            }
            Op::ProcessLoop(ms) => {
                let r = client.process_loop(u32::from(ms % 3000), &mut |ev| {
                    model.event(&ev);
                    false
                });
                check_fatal(&r, client.is_connected());
            }
            Op::Publish { qos, payload_len } => {
                let q = match qos % 3 {
                    0 => QoS::AtMostOnce,
                    1 => QoS::AtLeastOnce,
                    _ => QoS::ExactlyOnce,
                };
                let p = Publish::new(TOPIC, &payload[..payload_len as usize], q);
                if let Ok(id) = client.publish(&p) {
                    match q {
                        QoS::AtMostOnce => assert_eq!(id, 0),
                        QoS::AtLeastOnce => {
                            assert!(id != 0 && !model.in_flight(id), "id {id} reused");
                            model.qos1.insert(id);
                        }
                        QoS::ExactlyOnce => {
                            assert!(id != 0 && !model.in_flight(id), "id {id} reused");
                            model.qos2_rec.insert(id);
                        }
                    }
                }
            }
            Op::Subscribe { filters } => {
                let n = (filters % 4) as usize + 1;
                let subs: Vec<Subscription<'_>> = FILTERS[..n]
                    .iter()
                    .map(|f| Subscription {
                        filter: f,
                        qos: QoS::AtLeastOnce,
                    })
                    .collect();
                if let Ok(id) = client.subscribe(&subs) {
                    assert_ne!(id, 0);
                    model.subs.insert(id, n);
                }
            }
            Op::Unsubscribe => {
                if let Ok(id) = client.unsubscribe(&[TOPIC]) {
                    assert_ne!(id, 0);
                    model.unsubs.insert(id);
                }
            }
            Op::Ping => {
                let _ = client.ping();
            }
            Op::ResendPending => {
                let ids: Vec<u16> = client.pending_publishes().collect();
                for id in ids {
                    let q = if model.qos2_rec.contains(&id) {
                        QoS::ExactlyOnce
                    } else {
                        QoS::AtLeastOnce
                    };
                    let mut p = Publish::new(TOPIC, b"again", q);
                    p.packet_id = id;
                    let _ = client.resend(&p);
                }
            }
            Op::Disconnect => {
                let _ = client.disconnect();
                assert!(!client.is_connected());
            }
            Op::Connect { clean } => connect(&mut client, &mut model, clean),
            Op::AdvanceClock(ms) => clock.advance(u32::from(ms)),
        }
    }
    drop(client);

    // Everything sent is whole, well-formed client packets.
    let mut connected_once = false;
    for ClientPacket { first, body } in client_packets(&net.sent) {
        let t = first >> 4;
        let flags = first & 0x0f;
        match t {
            kind::CONNECT => {
                assert_eq!(flags, 0);
                connected_once = true;
            }
            kind::PUBLISH => {
                let q = (flags >> 1) & 3;
                assert!(q <= 2);
                let tl = u16::from_be_bytes([body[0], body[1]]) as usize;
                assert!(topic::validate_name(&body[2..2 + tl]).is_ok());
                if q > 0 {
                    assert_ne!(u16::from_be_bytes([body[2 + tl], body[3 + tl]]), 0);
                }
            }
            kind::PUBACK | kind::PUBREC | kind::PUBREL | kind::PUBCOMP => {
                assert_eq!(flags, if t == kind::PUBREL { 2 } else { 0 });
                assert_eq!(body.len(), 2);
                assert_ne!(u16::from_be_bytes([body[0], body[1]]), 0);
            }
            kind::SUBSCRIBE | kind::UNSUBSCRIBE => assert_eq!(flags, 2),
            kind::PINGREQ | kind::DISCONNECT => assert!(flags == 0 && body.is_empty()),
            _ => panic!("client sent packet type {t}"),
        }
        assert!(connected_once, "packet type {t} sent before CONNECT");
    }
});
