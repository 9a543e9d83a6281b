//! The client session against scripted transports: what goes out on the
//! wire, what events come back, timeouts under a fake clock (including the
//! u32 wrap), chunked delivery, QoS 1/2 both ways, resumed sessions.

use super::{srv, FakeClock, Script};
use crate::client;
use crate::client::{Client, Event, Timeouts};
use crate::error::{Error, Malformed};
use crate::state::{publish_state as ps, Record};
use crate::wire::{kind, AckKind, Connect, Publish, QoS, Subscription};

/// Owned storage a test client borrows.
struct Store {
    buf: Vec<u8>,
    out: [Record; 4],
    inc: [Record; 4],
}

impl Store {
    fn new(size: usize) -> Self {
        Store {
            buf: vec![0; size],
            out: [Record::EMPTY; 4],
            inc: [Record::EMPTY; 4],
        }
    }
    fn client<'a>(
        &'a mut self,
        t: &'a mut Script,
        c: &FakeClock,
    ) -> Client<'a, &'a mut Script, FakeClock> {
        let timeouts = Timeouts {
            packet_ms: 500,
            send_ms: 300,
            ping_resp_ms: 2000,
            max_packet: 100_000,
        };
        Client::new(
            t,
            c.clone(),
            &mut self.buf,
            &mut self.out,
            &mut self.inc,
            timeouts,
        )
    }
}

/// Owned copy of an event, for assertions after the buffer moves on.
#[derive(Debug, PartialEq, Eq)]
enum Ev {
    Pub(Vec<u8>, Vec<u8>, QoS, u16, bool),
    Ack(AckKind, u16),
    SubAck(u16, Vec<u8>),
    PingResp,
    Stale(AckKind, u16),
    Discarded(usize),
}

fn own(e: Event<'_>) -> Ev {
    match e {
        Event::Publish(p) => Ev::Pub(
            p.topic.to_vec(),
            p.payload.to_vec(),
            p.qos,
            p.packet_id,
            p.dup,
        ),
        Event::Ack { kind, packet_id } => Ev::Ack(kind, packet_id),
        Event::SubAck {
            packet_id,
            statuses,
        } => Ev::SubAck(packet_id, statuses.to_vec()),
        Event::PingResp => Ev::PingResp,
        Event::StaleAck { kind, packet_id } => Ev::Stale(kind, packet_id),
        Event::Discarded { len } => Ev::Discarded(len),
    }
}

/// Drain events for `ms` of fake time.
fn run(c: &mut Client<'_, &mut Script, FakeClock>, ms: u32) -> (Vec<Ev>, Result<bool, Error>) {
    let mut evs = Vec::new();
    let r = c.process_loop(ms, &mut |e| {
        evs.push(own(e));
        false
    });
    (evs, r)
}

/// A clock at `ms`, a script on it, and storage with a `size`-byte buffer.
fn parts(ms: u32, size: usize) -> (FakeClock, Script, Store) {
    let clock = FakeClock::at(ms);
    let t = Script::new(&clock);
    (clock, t, Store::new(size))
}

fn connected<'a>(
    s: &'a mut Store,
    t: &'a mut Script,
    clock: &FakeClock,
) -> Client<'a, &'a mut Script, FakeClock> {
    t.push(&srv::connack(false, 0));
    let mut c = s.client(t, clock);
    assert_eq!(c.connect(&Connect::new("dev", 60), 1000), Ok(false));
    c
}

#[test]
fn connect_sends_connect_and_accepts_connack() {
    let (clock, mut t, mut s) = parts(0, 256);
    {
        let c = connected(&mut s, &mut t, &clock);
        assert!(c.is_connected());
    }
    let sent = t.sent_packets();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind(), kind::CONNECT);
}

#[test]
fn connack_timeout_is_no_data_available() {
    let (clock, mut t, mut s) = parts(u32::MAX - 300, 256); // the deadline crosses the wrap
    let mut c = s.client(&mut t, &clock);
    assert_eq!(
        c.connect(&Connect::new("dev", 60), 1000),
        Err(Error::NoDataAvailable)
    );
    assert!(!c.is_connected());
    drop(c);
    let waited = clock.get().wrapping_sub(u32::MAX - 300);
    assert!((1000..1100).contains(&waited), "waited {waited} ms");
}

#[test]
fn connack_refusals_and_violations() {
    for (bytes, want) in [
        (srv::connack(false, 5), Error::ServerRefused(5)),
        (srv::connack(false, 2), Error::ServerRefused(2)),
        (
            srv::connack(true, 0),
            Error::BadResponse(Malformed::SessionPresent),
        ),
        (
            srv::ack(kind::PUBACK, 1),
            Error::BadResponse(Malformed::UnexpectedType),
        ),
        (
            vec![0x20, 2, 4, 0],
            Error::BadResponse(Malformed::ReservedBits),
        ),
        (vec![0x10, 0], Error::BadResponse(Malformed::UnexpectedType)),
    ] {
        let (clock, mut t, mut s) = parts(0, 256);
        t.push(&bytes);
        let mut c = s.client(&mut t, &clock);
        assert_eq!(
            c.connect(&Connect::new("dev", 60), 1000),
            Err(want),
            "{bytes:?}"
        );
        assert!(!c.is_connected());
        assert_eq!(
            c.publish(&Publish::new("t", b"", QoS::AtMostOnce)),
            Err(Error::IllegalState)
        );
    }
}

#[test]
fn operations_before_connect_are_illegal_state() {
    let (clock, mut t, mut s) = parts(0, 64);
    let mut c = s.client(&mut t, &clock);
    let sub = [Subscription {
        filter: "a",
        qos: QoS::AtLeastOnce,
    }];
    assert_eq!(c.subscribe(&sub), Err(Error::IllegalState));
    assert_eq!(c.unsubscribe(&["a"]), Err(Error::IllegalState));
    assert_eq!(c.ping(), Err(Error::IllegalState));
    assert_eq!(c.disconnect(), Err(Error::IllegalState));
    assert_eq!(c.poll(&mut |_| false), Err(Error::IllegalState));
    drop(c);
    assert!(t.sent.is_empty(), "nothing may leave before CONNECT");
}

#[test]
fn qos1_outgoing_flow_and_packet_ids() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let id1 = c
        .publish(&Publish::new("a/b", b"one", QoS::AtLeastOnce))
        .unwrap();
    let id2 = c
        .publish(&Publish::new("a/b", b"two", QoS::AtLeastOnce))
        .unwrap();
    assert_ne!(id1, 0);
    assert_ne!(id1, id2);
    assert_eq!(c.pending_publishes().collect::<Vec<_>>(), vec![id1, id2]);
    c.transport_mut().push(&srv::ack(kind::PUBACK, id2));
    c.transport_mut().push(&srv::ack(kind::PUBACK, id1));
    let (evs, r) = run(&mut c, 100);
    assert_eq!(r, Ok(false));
    assert_eq!(
        evs,
        vec![Ev::Ack(AckKind::PubAck, id2), Ev::Ack(AckKind::PubAck, id1)]
    );
    assert_eq!(c.pending_publishes().count(), 0);
    // A second PUBACK for the same id (a broker repeating acks) is
    // reported as stale and ignored: the session goes on.
    c.transport_mut().push(&srv::ack(kind::PUBACK, id1));
    let (evs, r) = run(&mut c, 100);
    assert_eq!((evs, r), (vec![Ev::Stale(AckKind::PubAck, id1)], Ok(false)));
    assert!(c.is_connected());
    drop(c);
    let sent = t.sent_packets();
    assert_eq!(
        sent[1].publish_parts(),
        (b"a/b".to_vec(), id1, b"one".to_vec())
    );
    assert_eq!(sent[1].first, 0x32);
}

#[test]
fn packet_ids_skip_zero_and_ids_in_flight() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let first = c
        .publish(&Publish::new("t", b"", QoS::AtLeastOnce))
        .unwrap();
    let mut seen = vec![first];
    // Complete and reissue 65,540 publishes: ids wrap, never 0, never the
    // one still in flight.
    for _ in 0..65_540u32 {
        let id = c
            .publish(&Publish::new("t", b"", QoS::AtLeastOnce))
            .unwrap();
        assert_ne!(id, 0);
        assert_ne!(id, first);
        c.transport_mut().push(&srv::ack(kind::PUBACK, id));
        c.poll(&mut |_| false).unwrap();
        seen.push(id);
    }
    assert!(seen.len() > 65_535);
    // After 65535 comes 2: 0 is skipped, and so is 1, still in flight.
    assert_eq!(first, 1);
    assert!(seen.windows(2).any(|w| w == [u16::MAX, 2]), "ids wrapped");
}

#[test]
fn outgoing_table_full_is_no_memory_and_nothing_is_sent() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    for _ in 0..4 {
        c.publish(&Publish::new("t", b"", QoS::AtLeastOnce))
            .unwrap();
    }
    assert_eq!(
        c.publish(&Publish::new("t", b"", QoS::AtLeastOnce)),
        Err(Error::NoMemory)
    );
    // QoS 0 needs no record.
    assert_eq!(c.publish(&Publish::new("t", b"", QoS::AtMostOnce)), Ok(0));
    drop(c);
    assert_eq!(t.sent_packets().len(), 1 + 4 + 1);
}

#[test]
fn qos2_outgoing_flow() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let id = c
        .publish(&Publish::new("q2", b"x", QoS::ExactlyOnce))
        .unwrap();
    c.transport_mut().push(&srv::ack(kind::PUBREC, id));
    let (evs, r) = run(&mut c, 50);
    assert_eq!((evs, r), (vec![Ev::Ack(AckKind::PubRec, id)], Ok(false)));
    c.transport_mut().push(&srv::ack(kind::PUBCOMP, id));
    let (evs, _) = run(&mut c, 50);
    assert_eq!(evs, vec![Ev::Ack(AckKind::PubComp, id)]);
    drop(c);
    let sent = t.sent_packets();
    assert_eq!(sent[2].first, 0x62, "PUBREL with flags 0x2");
    assert_eq!(sent[2].id_at(0), id);
}

#[test]
fn acks_in_the_wrong_phase_are_stale_and_ignored() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let id = c
        .publish(&Publish::new("q2", b"x", QoS::ExactlyOnce))
        .unwrap();
    // PUBACK for a QoS 2 publish, PUBCOMP before PUBREC, an UNSUBACK and a
    // PUBREL nobody asked for: none moves the flow, none ends the session.
    c.transport_mut().push(&srv::ack(kind::PUBACK, id));
    c.transport_mut().push(&srv::ack(kind::PUBCOMP, id));
    c.transport_mut().push(&srv::ack(kind::PUBREL, 4242));
    let (evs, r) = run(&mut c, 50);
    assert_eq!(r, Ok(false));
    assert_eq!(
        evs,
        vec![
            Ev::Stale(AckKind::PubAck, id),
            Ev::Stale(AckKind::PubComp, id),
            Ev::Stale(AckKind::PubRel, 4242)
        ]
    );
    assert!(c.is_connected());
    // The flow still completes normally.
    c.transport_mut().push(&srv::ack(kind::PUBREC, id));
    // A repeated PUBREC (our PUBREL was lost) gets PUBREL again.
    c.transport_mut().push(&srv::ack(kind::PUBREC, id));
    c.transport_mut().push(&srv::ack(kind::PUBCOMP, id));
    let (evs, r) = run(&mut c, 50);
    assert_eq!(r, Ok(false));
    assert_eq!(
        evs,
        vec![
            Ev::Ack(AckKind::PubRec, id),
            Ev::Stale(AckKind::PubRec, id),
            Ev::Ack(AckKind::PubComp, id)
        ]
    );
    assert_eq!(c.pending_publishes().count(), 0);
    drop(c);
    let answers: Vec<_> = t
        .sent_packets()
        .iter()
        .skip(2)
        .map(|p| (p.first, p.id_at(0)))
        .collect();
    assert_eq!(answers, vec![(0x70, 4242), (0x62, id), (0x62, id)]);
}

#[test]
fn qos1_incoming_is_delivered_then_acked() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    c.transport_mut()
        .push(&srv::publish("in/t", b"hello", 1, 77, false));
    let (evs, _) = run(&mut c, 50);
    assert_eq!(
        evs,
        vec![Ev::Pub(
            b"in/t".to_vec(),
            b"hello".to_vec(),
            QoS::AtLeastOnce,
            77,
            false
        )]
    );
    drop(c);
    assert_eq!(t.sent[t.sent.len() - 4..], srv::ack(kind::PUBACK, 77)[..]);
}

#[test]
fn qos2_incoming_is_delivered_once_and_completed() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    c.transport_mut()
        .push(&srv::publish("in", b"once", 2, 9, false));
    // The server did not see our PUBREC and resends with DUP.
    c.transport_mut()
        .push(&srv::publish("in", b"once", 2, 9, true));
    c.transport_mut().push(&srv::ack(kind::PUBREL, 9));
    let (evs, r) = run(&mut c, 100);
    assert_eq!(r, Ok(false));
    assert_eq!(
        evs,
        vec![
            Ev::Pub(b"in".to_vec(), b"once".to_vec(), QoS::ExactlyOnce, 9, false),
            Ev::Ack(AckKind::PubRel, 9)
        ]
    );
    // After PUBREL the id is free: a new publish with it is a new message.
    c.transport_mut()
        .push(&srv::publish("in", b"again", 2, 9, false));
    let (evs, _) = run(&mut c, 50);
    assert_eq!(evs.len(), 1);
    drop(c);
    let acks: Vec<_> = t
        .sent_packets()
        .iter()
        .skip(1)
        .map(|p| (p.first, p.id_at(0)))
        .collect();
    assert_eq!(acks, vec![(0x50, 9), (0x50, 9), (0x70, 9), (0x50, 9)]);
}

#[test]
fn incoming_qos2_table_full_is_no_memory() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    for id in 1..=5 {
        c.transport_mut()
            .push(&srv::publish("in", b"x", 2, id, false));
    }
    let (evs, r) = run(&mut c, 100);
    assert_eq!(evs.len(), 4);
    assert_eq!(r, Err(Error::NoMemory));
}

#[test]
fn subscribe_reports_suback_statuses() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let subs = [
        Subscription {
            filter: "a/#",
            qos: QoS::AtLeastOnce,
        },
        Subscription {
            filter: "b/+",
            qos: QoS::ExactlyOnce,
        },
    ];
    let id = c.subscribe(&subs).unwrap();
    c.transport_mut().push(&srv::suback(id, &[1, 0x80]));
    let (evs, _) = run(&mut c, 50);
    assert_eq!(evs, vec![Ev::SubAck(id, vec![1, 0x80])]);
    // The caller, which knows what it sent, checks the count.
    c.transport_mut().push(&srv::suback(id, &[1]));
    let (evs, r) = run(&mut c, 50);
    assert_eq!((evs, r), (vec![Ev::SubAck(id, vec![1])], Ok(false)));
    drop(c);
    let sub = &t.sent_packets()[1];
    assert_eq!(sub.first, 0x82);
    assert_eq!(sub.body, b"\x00\x01\x00\x03a/#\x01\x00\x03b/+\x02");
}

#[test]
fn unsubscribe_and_disconnect() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let id = c.unsubscribe(&["a/b"]).unwrap();
    c.transport_mut().push(&srv::ack(kind::UNSUBACK, id));
    let mut got = None;
    let r = c.process_loop(1000, &mut |e| {
        got = Some(own(e));
        true
    });
    assert_eq!(r, Ok(true), "the handler ends the loop early");
    assert_eq!(got, Some(Ev::Ack(AckKind::UnsubAck, id)));
    assert_eq!(c.disconnect(), Ok(()));
    assert!(!c.is_connected());
    drop(c);
    assert_eq!(t.sent[t.sent.len() - 2..], [0xe0, 0]);
}

#[test]
fn keep_alive_pings_when_idle_and_detects_missing_pingresp_across_wrap() {
    // Start 30 s before the u32 millisecond counter wraps.
    let (clock, mut t, mut s) = parts(u32::MAX - 30_000, 256);
    t.idle_ms = 100;
    let mut c = connected(&mut s, &mut t, &clock);
    let t0 = clock.get();
    // Idle for 59.9 s: no PINGREQ yet.
    let (_, r) = run(&mut c, 59_800);
    assert_eq!(r, Ok(false));
    assert_eq!(c.transport_mut().sent_packets().len(), 1);
    // Past 60 s idle: exactly one PINGREQ.
    let (_, r) = run(&mut c, 400);
    assert_eq!(r, Ok(false));
    let sent = c.transport_mut().sent_packets();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].kind(), kind::PINGREQ);
    let ping_at = clock.get();
    assert!(ping_at.wrapping_sub(t0) >= 60_000);
    // The server answers: the session goes on.
    c.transport_mut().push(&srv::PINGRESP);
    let (evs, r) = run(&mut c, 100);
    assert_eq!((evs, r), (vec![Ev::PingResp], Ok(false)));
    // Next ping is not answered: KeepAliveTimeout after ping_resp_ms.
    let r = c.process_loop(200_000, &mut |_| false);
    assert_eq!(r, Err(Error::KeepAliveTimeout));
    assert!(!c.is_connected());
    let sent = c.transport_mut().sent_packets();
    assert_eq!(sent.iter().filter(|p| p.kind() == kind::PINGREQ).count(), 2);
}

#[test]
fn traffic_postpones_the_ping_and_unsolicited_pingresp_is_rejected() {
    let (clock, mut t, mut s) = parts(1_000, 256);
    t.idle_ms = 100;
    let mut c = connected(&mut s, &mut t, &clock);
    for _ in 0..5 {
        assert_eq!(run(&mut c, 50_000), (vec![], Ok(false)));
        c.publish(&Publish::new("t", b"", QoS::AtMostOnce)).unwrap();
    }
    assert!(c
        .transport_mut()
        .sent_packets()
        .iter()
        .all(|p| p.kind() != kind::PINGREQ));
    c.transport_mut().push(&srv::PINGRESP);
    let (_, r) = run(&mut c, 100);
    assert_eq!(r, Err(Error::BadResponse(Malformed::UnsolicitedPingResp)));
}

#[test]
fn keep_alive_zero_never_pings() {
    let (clock, mut t, mut s) = parts(0, 256);
    t.idle_ms = 1000;
    t.push(&srv::connack(false, 0));
    let mut c = s.client(&mut t, &clock);
    c.connect(&Connect::new("dev", 0), 1000).unwrap();
    let (_, r) = run(&mut c, 1_000_000);
    assert_eq!(r, Ok(false));
    drop(c);
    assert_eq!(t.sent_packets().len(), 1);
}

/// A server stream covering every inbound packet type after CONNACK.
fn mixed_stream(pub_id: u16, sub_id: u16) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(srv::suback(sub_id, &[1]));
    v.extend(srv::publish(
        "c/example/topic",
        b"Hello World!",
        1,
        300,
        false,
    ));
    v.extend(srv::ack(kind::PUBACK, pub_id));
    v.extend(srv::publish("big/payload", &[0x5a; 200], 0, 0, false));
    v.extend(srv::publish("q2", b"two", 2, 301, false));
    v.extend(srv::ack(kind::PUBREL, 301));
    v
}

/// Run the mixed stream with a given chunk plan; return the events.
fn run_chunked(plan: impl Fn(&mut Script), gaps: usize) -> Vec<Ev> {
    let (clock, mut t, mut s) = parts(5, 300);
    let mut c = connected(&mut s, &mut t, &clock);
    let sub_id = c
        .subscribe(&[Subscription {
            filter: "c/example/topic",
            qos: QoS::AtLeastOnce,
        }])
        .unwrap();
    let pub_id = c
        .publish(&Publish::new(
            "c/example/topic",
            b"Hello World!",
            QoS::AtLeastOnce,
        ))
        .unwrap();
    plan(c.transport_mut());
    c.transport_mut().gaps = gaps;
    c.transport_mut().push(&mixed_stream(pub_id, sub_id));
    let (evs, r) = run(&mut c, 2_000);
    assert_eq!(r, Ok(false));
    evs
}

#[test]
fn every_packet_arriving_one_byte_per_recv_with_empty_reads_between() {
    let whole = run_chunked(|_| {}, 0);
    assert_eq!(whole.len(), 6);
    assert_eq!(run_chunked(|t| t.chunk = 1, 0), whole);
    // One byte per call with an Ok(0) ("try again") before every byte.
    assert_eq!(run_chunked(|t| t.chunk = 1, 1), whole);
    assert_eq!(run_chunked(|t| t.chunk = 3, 2), whole);
}

#[test]
fn stream_split_at_every_position() {
    let whole = run_chunked(|_| {}, 0);
    let total = mixed_stream(1, 2).len();
    for cut in 1..total {
        let got = run_chunked(
            |t| {
                // Only the first `cut` bytes are available at first; the rest
                // arrives after an empty read, whatever the request sizes.
                let at = t.delivered + cut;
                t.boundaries.push_back(at);
            },
            0,
        );
        assert_eq!(got, whole, "split at {cut}");
    }
}

#[test]
fn stalled_packet_is_stalled_after_the_packet_bound() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    // Header says 10 bytes, only 3 ever arrive.
    c.transport_mut().push(&[0x30, 10, 0, 1, b't']);
    let before = clock.get();
    let (_, r) = run(&mut c, 10_000);
    assert_eq!(r, Err(Error::Stalled));
    assert!(!c.is_connected());
    let waited = clock.get() - before;
    assert!((500..520).contains(&waited), "gave up after {waited} ms");
}

#[test]
fn a_dripped_packet_is_bounded_overall_not_per_byte() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    // One byte every 200 ms: each byte is in time, the packet is not.
    c.transport_mut().chunk = 1;
    c.transport_mut().gaps = 1;
    c.transport_mut().gap_ms = 200;
    c.transport_mut()
        .push(&srv::publish("a/b", &[7; 40], 1, 3, false));
    let before = clock.get();
    let (evs, r) = run(&mut c, 60_000);
    assert_eq!((evs, r), (vec![], Err(Error::Stalled)));
    let waited = clock.get() - before;
    assert!((500..800).contains(&waited), "gave up after {waited} ms");
}

#[test]
fn keep_alive_runs_while_a_slow_packet_arrives() {
    let (clock, mut t, mut s) = parts(0, 256);
    // The server answers PINGREQ (after whatever it is still sending).
    t.responder = Some(Box::new(|p| {
        if p.kind() == kind::PINGREQ {
            srv::PINGRESP.to_vec()
        } else {
            Vec::new()
        }
    }));
    // Bounds generous enough for a packet that takes 63 s.
    let timeouts = Timeouts {
        packet_ms: 100_000,
        ping_resp_ms: 20_000,
        ..Timeouts::DEFAULT
    };
    let mut c = Client::new(
        &mut t,
        clock.clone(),
        &mut s.buf,
        &mut s.out,
        &mut s.inc,
        timeouts,
    );
    c.transport_mut().push(&srv::connack(false, 0));
    c.connect(&Connect::new("dev", 60), 1000).unwrap();
    c.transport_mut().chunk = 1;
    c.transport_mut().gaps = 1;
    c.transport_mut().gap_ms = 1_000;
    c.transport_mut()
        .push(&srv::publish("a/b", &[7; 56], 0, 0, false));
    let mut evs = Vec::new();
    let mut ping_before_publish = false;
    let r = c.process_loop(80_000, &mut |e| {
        if evs.is_empty() {
            ping_before_publish = true;
        }
        evs.push(own(e));
        false
    });
    assert_eq!(r, Ok(false));
    assert_eq!(evs.len(), 2, "{evs:?}");
    assert!(
        matches!(evs[0], Ev::Pub(..)),
        "the slow packet arrived whole"
    );
    assert_eq!(evs[1], Ev::PingResp);
    assert!(ping_before_publish);
    drop(c);
    let pings = t
        .sent_packets()
        .iter()
        .filter(|p| p.kind() == kind::PINGREQ)
        .count();
    assert_eq!(
        pings, 1,
        "PINGREQ sent at 60 s, while the packet was arriving"
    );
}

#[test]
fn an_announced_length_over_the_limit_is_refused_at_once() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    // 268,435,455 bytes announced, then a drip that would take forever.
    c.transport_mut()
        .push(&[0x30, 0xff, 0xff, 0xff, 0x7f, 0, 1]);
    c.transport_mut().chunk = 5;
    let calls = c.transport_mut().recv_calls;
    let before = clock.get();
    let (_, r) = run(&mut c, 10_000);
    assert_eq!(r, Err(Error::PacketTooLarge));
    assert!(!c.is_connected());
    assert_eq!(
        c.transport_mut().recv_calls - calls,
        1,
        "refused on the first read"
    );
    assert_eq!(clock.get(), before);
}

#[test]
fn a_slow_connack_fails_at_the_connack_deadline() {
    let (clock, mut t, mut s) = parts(0, 256);
    t.chunk = 1;
    t.gaps = 1;
    t.gap_ms = 800;
    t.push(&srv::connack(false, 0));
    let timeouts = Timeouts {
        packet_ms: 100_000,
        ..Timeouts::DEFAULT
    };
    let mut c = Client::new(
        &mut t,
        clock.clone(),
        &mut s.buf,
        &mut s.out,
        &mut s.inc,
        timeouts,
    );
    assert_eq!(
        c.connect(&Connect::new("dev", 60), 1000),
        Err(Error::NoDataAvailable)
    );
    assert!(!c.is_connected());
    // The deadline is overall: at most one receive wait (800 ms) late.
    assert!(clock.get() <= 1800, "gave up at {} ms", clock.get());
    drop(c);
    // With a packet bound shorter than the CONNACK timeout, a CONNACK that
    // stalls half-way is still reported as not arrived.
    let (clock, mut t, mut s) = parts(0, 256);
    t.chunk = 1;
    t.gaps = 1;
    t.gap_ms = 400;
    t.push(&srv::connack(false, 0)[..3]);
    let mut c = s.client(&mut t, &clock);
    assert_eq!(
        c.connect(&Connect::new("dev", 60), 1000),
        Err(Error::NoDataAvailable)
    );
}

#[test]
fn packets_read_together_are_handled_with_one_receive_call() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let id = c
        .publish(&Publish::new("a", b"1", QoS::AtLeastOnce))
        .unwrap();
    c.transport_mut().push(&srv::ack(kind::PUBACK, id));
    c.transport_mut()
        .push(&srv::publish("a", b"2", 1, 9, false));
    c.transport_mut()
        .push(&srv::publish("a", b"3", 0, 0, false));
    let calls = c.transport_mut().recv_calls;
    let mut evs = Vec::new();
    for _ in 0..3 {
        c.poll(&mut |e| {
            evs.push(own(e));
            false
        })
        .unwrap();
    }
    assert_eq!(evs.len(), 3);
    assert_eq!(c.transport_mut().recv_calls - calls, 1);
}

#[test]
fn oversized_packet_is_discarded_reported_and_the_stream_stays_in_sync() {
    let (clock, mut t, mut s) = parts(0, 64);
    let mut c = connected(&mut s, &mut t, &clock);
    let canary = 0xC3u8;
    let big = srv::publish("big", &[canary; 5000], 1, 5, false);
    let big_len = big.len();
    c.transport_mut().push(&big);
    c.transport_mut()
        .push(&srv::publish("small", b"ok", 0, 0, false));
    let (evs, r) = run(&mut c, 100);
    assert_eq!(r, Ok(false));
    assert!(c.is_connected(), "discarding keeps the connection usable");
    assert_eq!(
        evs,
        vec![
            Ev::Discarded(big_len),
            Ev::Pub(b"small".to_vec(), b"ok".to_vec(), QoS::AtMostOnce, 0, false)
        ]
    );
    drop(c);
    assert_eq!(s.buf.len(), 64, "buffer never grew");
    assert!(
        t.sent_packets().iter().all(|p| p.kind() != kind::PUBACK),
        "the discarded publish is not acknowledged"
    );
}

#[test]
fn a_discard_that_stalls_is_bounded_too() {
    let (clock, mut t, mut s) = parts(0, 64);
    let mut c = connected(&mut s, &mut t, &clock);
    let big = srv::publish("big", &[1; 500], 0, 0, false);
    c.transport_mut().push(&big[..300]);
    let (evs, r) = run(&mut c, 10_000);
    assert_eq!(evs, vec![Ev::Discarded(big.len())]);
    assert_eq!(r, Err(Error::Stalled));
}

#[test]
fn a_publish_larger_than_the_buffer_is_sent_in_pieces() {
    let (clock, mut t, mut s) = parts(0, 64);
    let mut c = connected(&mut s, &mut t, &clock);
    let payload: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
    let id = c
        .publish(&Publish::new("long/topic", &payload, QoS::AtLeastOnce))
        .unwrap();
    drop(c);
    let sent = t.sent_packets();
    assert_eq!(
        sent[1].publish_parts(),
        (b"long/topic".to_vec(), id, payload)
    );
}

#[test]
fn small_packets_go_out_in_one_send_call() {
    let (clock, mut t, mut s) = parts(0, 256);
    t.send_chunk = usize::MAX;
    let mut c = connected(&mut s, &mut t, &clock);
    let before = c.transport_mut().sent.len();
    c.publish(&Publish::new("a/b", b"Hello World!", QoS::AtLeastOnce))
        .unwrap();
    let after = c.transport_mut().sent.len();
    assert_eq!(after - before, 2 + 2 + 3 + 2 + 12);
}

#[test]
fn caller_chosen_packet_ids_collide_unless_resent_with_dup() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    let p = Publish {
        packet_id: 5,
        ..Publish::new("t", b"x", QoS::AtLeastOnce)
    };
    assert_eq!(client::publish(&mut c, &p), Ok(()));
    assert_eq!(client::publish(&mut c, &p), Err(Error::StateCollision));
    let dup = Publish { dup: true, ..p };
    assert_eq!(client::publish(&mut c, &dup), Ok(()));
    let zero = Publish { packet_id: 0, ..p };
    assert_eq!(client::publish(&mut c, &zero), Err(Error::BadParameter));
    // A bad topic leaves no record behind.
    let bad = Publish {
        topic: b"a/+",
        packet_id: 6,
        ..p
    };
    assert_eq!(client::publish(&mut c, &bad), Err(Error::BadParameter));
    assert_eq!(c.pending_publishes().collect::<Vec<_>>(), vec![5]);
    assert_eq!(c.cancel(5), Ok(()));
    assert_eq!(c.cancel(5), Err(Error::BadParameter));
    c.transport_mut().push(&srv::ack(kind::PUBACK, 5));
    let (evs, _) = run(&mut c, 50);
    assert_eq!(evs, vec![Ev::Stale(AckKind::PubAck, 5)]);
}

#[test]
fn remaining_length_of_five_bytes_is_rejected_on_the_wire() {
    let (clock, mut t, mut s) = parts(0, 64);
    let mut c = connected(&mut s, &mut t, &clock);
    c.transport_mut()
        .push(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    let (_, r) = run(&mut c, 100);
    assert_eq!(r, Err(Error::BadResponse(Malformed::RemainingLength)));
    assert!(!c.is_connected());
}

#[test]
fn partial_sends_are_continued_and_stalled_sends_time_out() {
    let (clock, mut t, mut s) = parts(0, 256);
    t.send_chunk = 3;
    t.send_stalls = 2;
    let mut c = connected(&mut s, &mut t, &clock);
    let payload = [0x11u8; 100];
    let id = c
        .publish(&Publish::new("a/b", &payload, QoS::AtLeastOnce))
        .unwrap();
    let sent = c.transport_mut().sent_packets();
    assert_eq!(
        sent[1].publish_parts(),
        (b"a/b".to_vec(), id, payload.to_vec())
    );
    // A transport that accepts nothing for longer than send_ms.
    c.transport_mut().send_stalls = 1_000;
    let r = c.publish(&Publish::new("a/b", b"x", QoS::AtMostOnce));
    assert_eq!(r, Err(Error::SendTimeout));
    assert!(!c.is_connected());
}

#[test]
fn transport_errors_disconnect() {
    let (clock, mut t, mut s) = parts(0, 256);
    let mut c = connected(&mut s, &mut t, &clock);
    c.transport_mut().fail_recv = true;
    assert_eq!(c.poll(&mut |_| false), Err(Error::RecvFailed));
    assert!(!c.is_connected());
    c.transport_mut().fail_recv = false;
    c.transport_mut().fail_send = true;
    c.transport_mut().push(&srv::connack(false, 0));
    assert_eq!(
        c.connect(&Connect::new("dev", 60), 100),
        Err(Error::SendFailed)
    );
}

#[test]
fn resumed_session_lists_publishes_for_resend_and_resends_pubrel() {
    let (clock, mut t, mut s) = parts(0, 256);
    let persistent = Connect {
        clean_session: false,
        ..Connect::new("dev", 60)
    };
    let (q1, q2_rec, q2_comp);
    {
        t.push(&srv::connack(false, 0));
        let mut c = s.client(&mut t, &clock);
        assert_eq!(c.connect(&persistent, 100), Ok(false));
        q1 = c
            .publish(&Publish::new("a", b"one", QoS::AtLeastOnce))
            .unwrap();
        q2_rec = c
            .publish(&Publish::new("b", b"two", QoS::ExactlyOnce))
            .unwrap();
        q2_comp = c
            .publish(&Publish::new("c", b"three", QoS::ExactlyOnce))
            .unwrap();
        c.transport_mut().push(&srv::ack(kind::PUBREC, q2_comp));
        let (evs, r) = run(&mut c, 50);
        assert_eq!(
            (evs, r),
            (vec![Ev::Ack(AckKind::PubRec, q2_comp)], Ok(false))
        );
        // A SUBSCRIBE that never gets its SUBACK before the drop.
        c.subscribe(&[Subscription {
            filter: "s",
            qos: QoS::AtLeastOnce,
        }])
        .unwrap();
        // The connection drops here.
        c.transport_mut().fail_recv = true;
        assert_eq!(c.poll(&mut |_| false), Err(Error::RecvFailed));
    }
    t.fail_recv = false;
    t.sent.clear();
    t.push(&srv::connack(true, 0));
    let mut c = s.client(&mut t, &clock);
    assert_eq!(c.connect(&persistent, 100), Ok(true));
    // The PUBREL owed for q2_comp was resent by connect itself.
    let sent = c.transport_mut().sent_packets();
    assert_eq!((sent[1].first, sent[1].id_at(0)), (0x62, q2_comp));
    let pending: Vec<u16> = c.pending_publishes().collect();
    assert_eq!(pending, vec![q1, q2_rec]);
    drop(c);
    // The publish and PUBREL records stay, in coreMQTT's states.
    let states: Vec<_> = s
        .out
        .iter()
        .filter(|r| r.packet_id != 0)
        .map(|r| (r.packet_id, r.qos, r.state))
        .collect();
    assert_eq!(
        states,
        vec![
            (q1, 1, ps::PUBACK_PENDING),
            (q2_rec, 2, ps::PUBREC_PENDING),
            (q2_comp, 2, ps::PUBCOMP_PENDING)
        ]
    );
    let mut c = s.client(&mut t, &clock);
    c.transport_mut().sent.clear();
    c.transport_mut().push(&srv::connack(true, 0));
    assert_eq!(c.connect(&persistent, 100), Ok(true));
    let resend1 = Publish {
        packet_id: q1,
        ..Publish::new("a", b"one", QoS::AtLeastOnce)
    };
    c.resend(&resend1).unwrap();
    let resend2 = Publish {
        packet_id: q2_rec,
        ..Publish::new("b", b"two", QoS::ExactlyOnce)
    };
    c.resend(&resend2).unwrap();
    // Wrong QoS for the record, or an id not in flight.
    let wrong = Publish {
        packet_id: q1,
        ..Publish::new("a", b"one", QoS::ExactlyOnce)
    };
    assert_eq!(c.resend(&wrong), Err(Error::IllegalState));
    let unknown = Publish {
        packet_id: 999,
        ..Publish::new("a", b"one", QoS::AtLeastOnce)
    };
    assert_eq!(c.resend(&unknown), Err(Error::IllegalState));
    let sent = c.transport_mut().sent_packets();
    assert_eq!(sent[2].first, 0x3a, "QoS 1 with DUP");
    assert_eq!(
        sent[2].publish_parts(),
        (b"a".to_vec(), q1, b"one".to_vec())
    );
    assert_eq!(sent[3].first, 0x3c, "QoS 2 with DUP");
    c.transport_mut().push(&srv::ack(kind::PUBACK, q1));
    c.transport_mut().push(&srv::ack(kind::PUBCOMP, q2_comp));
    let (evs, r) = run(&mut c, 50);
    assert_eq!(r, Ok(false));
    assert_eq!(
        evs,
        vec![
            Ev::Ack(AckKind::PubAck, q1),
            Ev::Ack(AckKind::PubComp, q2_comp)
        ]
    );
}

#[test]
fn session_not_present_clears_the_records() {
    let (clock, mut t, mut s) = parts(0, 256);
    let persistent = Connect {
        clean_session: false,
        ..Connect::new("dev", 60)
    };
    {
        t.push(&srv::connack(false, 0));
        let mut c = s.client(&mut t, &clock);
        c.connect(&persistent, 100).unwrap();
        c.publish(&Publish::new("a", b"one", QoS::AtLeastOnce))
            .unwrap();
    }
    t.push(&srv::connack(false, 0));
    let mut c = s.client(&mut t, &clock);
    assert_eq!(c.connect(&persistent, 100), Ok(false));
    assert_eq!(c.pending_publishes().count(), 0);
}

#[test]
fn buffer_too_small_for_connect_is_no_memory_and_nothing_is_sent() {
    // CONNECT, SUBSCRIBE and UNSUBSCRIBE are built whole in the buffer;
    // only a PUBLISH payload may be longer (it is sent from where it is).
    let connect = Connect::new("dev", 60);
    let need = crate::wire::encode_connect(&mut [0; 64], &connect).unwrap();
    assert_eq!(need, 17);
    for size in 0..=need + 1 {
        let (clock, mut t, mut s) = parts(0, size);
        t.push(&srv::connack(false, 0));
        let mut c = s.client(&mut t, &clock);
        let r = c.connect(&connect, 100);
        drop(c);
        if size < need {
            assert_eq!(r, Err(Error::NoMemory), "size {size}");
            assert!(t.sent.is_empty(), "size {size}");
        } else {
            assert_eq!(r, Ok(false), "size {size}");
            assert_eq!(t.sent_packets()[0].kind(), kind::CONNECT);
        }
    }
}
