//! A whole demo-like session against a scripted fake broker that answers
//! the way mosquitto does: connect -> subscribe -> publish QoS 1 -> echo ->
//! unsubscribe -> disconnect.

use super::{srv, ClientPacket, FakeClock, Script};
use crate::client::{Client, Event, Timeouts};
use crate::state::Record;
use crate::topic;
use crate::wire::{kind, AckKind, Connect, Publish, QoS, Subscription};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Default)]
struct BrokerState {
    subscriptions: Vec<String>,
    next_id: u16,
    /// Packet kinds received, in order.
    log: Vec<u8>,
    /// Ids of our echoes the client acknowledged.
    echo_acks: Vec<u16>,
}

fn fake_broker(state: Rc<RefCell<BrokerState>>) -> super::Responder {
    Box::new(move |p: &ClientPacket| {
        let mut st = state.borrow_mut();
        st.log.push(p.kind());
        match p.kind() {
            kind::CONNECT => srv::connack(false, 0),
            kind::SUBSCRIBE => {
                let id = p.id_at(0);
                let fl = p.id_at(2) as usize;
                let filter = String::from_utf8(p.body[4..4 + fl].to_vec()).unwrap();
                let granted = p.body[4 + fl].min(1); // broker caps at QoS 1
                st.subscriptions.push(filter);
                srv::suback(id, &[granted])
            }
            kind::PUBLISH => {
                let (t, id, payload) = p.publish_parts();
                let mut out = srv::ack(kind::PUBACK, id);
                let topic = String::from_utf8(t).unwrap();
                if st
                    .subscriptions
                    .iter()
                    .any(|f| topic::matches(f.as_bytes(), topic.as_bytes()))
                {
                    st.next_id += 1;
                    let echo_id = st.next_id;
                    out.extend(srv::publish(&topic, &payload, 1, echo_id, false));
                }
                out
            }
            kind::PUBACK => {
                let id = p.id_at(0);
                st.echo_acks.push(id);
                Vec::new()
            }
            kind::UNSUBSCRIBE => {
                st.subscriptions.clear();
                srv::ack(kind::UNSUBACK, p.id_at(0))
            }
            kind::PINGREQ => srv::PINGRESP.to_vec(),
            _ => Vec::new(),
        }
    })
}

fn demo_session(chunk: usize, gaps: usize) -> (Vec<u8>, Vec<u16>, Vec<String>) {
    let clock = FakeClock::at(u32::MAX - 2_500); // crosses the wrap mid-session
    let state = Rc::new(RefCell::new(BrokerState::default()));
    let mut t = Script::new(&clock);
    t.chunk = chunk;
    t.gaps = gaps;
    t.responder = Some(fake_broker(state.clone()));
    let mut buf = [0u8; 256];
    let mut out = [Record::EMPTY; 4];
    let mut inc = [Record::EMPTY; 4];
    let mut c = Client::new(
        &mut t,
        clock.clone(),
        &mut buf,
        &mut out,
        &mut inc,
        Timeouts::default(),
    );
    let topic = "dev-1/example/topic";
    let mut received = Vec::new();

    assert_eq!(c.connect(&Connect::new("dev-1", 60), 1000), Ok(false));
    let sub_id = c
        .subscribe(&[Subscription {
            filter: topic,
            qos: QoS::AtLeastOnce,
        }])
        .unwrap();
    let mut granted = None;
    let done = c.process_loop(1000, &mut |e| {
        if let Event::SubAck {
            packet_id,
            statuses,
        } = e
        {
            assert_eq!(packet_id, sub_id);
            granted = Some(statuses[0]);
        }
        granted.is_some()
    });
    assert_eq!((done, granted), (Ok(true), Some(1)));

    for n in 0..3 {
        let payload = format!("Hello World! {n}");
        let id = c
            .publish(&Publish::new(topic, payload.as_bytes(), QoS::AtLeastOnce))
            .unwrap();
        let (mut acked, mut echoed) = (false, false);
        let done = c.process_loop(2000, &mut |e| {
            match e {
                Event::Ack {
                    kind: AckKind::PubAck,
                    packet_id,
                } if packet_id == id => acked = true,
                Event::Publish(p) => {
                    assert_eq!(p.topic_str(), Some(topic));
                    received.push(String::from_utf8(p.payload.to_vec()).unwrap());
                    echoed = true;
                }
                _ => {}
            }
            acked && echoed
        });
        assert_eq!(done, Ok(true), "publish {n} completed");
    }

    let unsub = c.unsubscribe(&[topic]).unwrap();
    let done = c.process_loop(1000, &mut |e| {
        e == Event::Ack {
            kind: AckKind::UnsubAck,
            packet_id: unsub,
        }
    });
    assert_eq!(done, Ok(true));
    c.disconnect().unwrap();
    drop(c);
    let st = state.borrow();
    (st.log.clone(), st.echo_acks.clone(), received)
}

#[test]
fn whole_session_against_a_scripted_broker() {
    let (log, echo_acks, received) = demo_session(usize::MAX, 0);
    assert_eq!(
        log,
        vec![
            kind::CONNECT,
            kind::SUBSCRIBE,
            kind::PUBLISH,
            kind::PUBACK,
            kind::PUBLISH,
            kind::PUBACK,
            kind::PUBLISH,
            kind::PUBACK,
            kind::UNSUBSCRIBE,
            kind::DISCONNECT
        ]
    );
    assert_eq!(echo_acks, vec![1, 2, 3], "every echo was acknowledged");
    assert_eq!(
        received,
        vec!["Hello World! 0", "Hello World! 1", "Hello World! 2"]
    );
}

#[test]
fn whole_session_one_byte_at_a_time() {
    let whole = demo_session(usize::MAX, 0);
    assert_eq!(demo_session(1, 0), whole);
    assert_eq!(demo_session(1, 1), whole);
    assert_eq!(demo_session(5, 2), whole);
}
