//! Decoding of every packet a server sends, and every malformed case.

use super::srv;
use crate::error::{Error, Malformed};
use crate::wire::*;

fn dec(bytes: &[u8]) -> Result<Packet<'_>, Error> {
    decode(bytes).map(|(p, used)| {
        assert_eq!(used, bytes.len(), "consumed the whole packet");
        p
    })
}

fn bad(m: Malformed) -> Result<Packet<'static>, Error> {
    Err(Error::BadResponse(m))
}

#[test]
fn connack_codes_and_session_present() {
    assert_eq!(
        dec(&srv::connack(false, 0)),
        Ok(Packet::ConnAck {
            session_present: false,
            code: 0
        })
    );
    assert_eq!(
        dec(&srv::connack(true, 0)),
        Ok(Packet::ConnAck {
            session_present: true,
            code: 0
        })
    );
    for code in 1..=5 {
        assert_eq!(
            dec(&srv::connack(false, code)),
            Ok(Packet::ConnAck {
                session_present: false,
                code
            })
        );
        // 3.2.2.2: a refusal must have session present 0.
        assert_eq!(
            dec(&srv::connack(true, code)),
            bad(Malformed::SessionPresent)
        );
    }
    assert_eq!(dec(&srv::connack(false, 6)), bad(Malformed::ConnAckCode));
    assert_eq!(dec(&[0x20, 2, 0x02, 0]), bad(Malformed::ReservedBits));
    assert_eq!(dec(&[0x21, 2, 0, 0]), bad(Malformed::ReservedBits));
    assert_eq!(dec(&[0x20, 3, 0, 0, 0]), bad(Malformed::Length));
    assert_eq!(dec(&[0x20, 1, 0]), bad(Malformed::Length));
}

#[test]
fn publish_borrows_topic_and_payload() {
    let bytes = srv::publish("a/b", b"Hello World!", 1, 7, false);
    let Ok(Packet::Publish(p)) = dec(&bytes) else {
        panic!("not a publish");
    };
    assert_eq!(p.topic, b"a/b");
    assert_eq!(p.topic_str(), Some("a/b"));
    assert_eq!(p.payload, b"Hello World!");
    assert_eq!(
        (p.qos, p.packet_id, p.dup, p.retain),
        (QoS::AtLeastOnce, 7, false, false)
    );
    // Zero copy: the payload points into the input.
    let start = bytes.as_ptr() as usize;
    let at = p.payload.as_ptr() as usize;
    assert!(at > start && at < start + bytes.len());

    let q0 = srv::publish("t", b"", 0, 0, false);
    let Ok(Packet::Publish(p)) = dec(&q0) else {
        panic!()
    };
    assert_eq!(
        (p.qos, p.packet_id, p.payload),
        (QoS::AtMostOnce, 0, &b""[..])
    );
    let mut retained = srv::publish("t", b"x", 2, 9, true);
    retained[0] |= 1;
    let Ok(Packet::Publish(p)) = dec(&retained) else {
        panic!()
    };
    assert_eq!(
        (p.qos, p.dup, p.retain, p.packet_id),
        (QoS::ExactlyOnce, true, true, 9)
    );
}

#[test]
fn publish_malformed() {
    let mut q3 = srv::publish("t", b"x", 1, 1, false);
    q3[0] = 0x36;
    assert_eq!(dec(&q3), bad(Malformed::Qos));
    // DUP on QoS 0 (MQTT-3.3.1-2) is delivered as sent, as coreMQTT does.
    let mut dup_q0 = srv::publish("t", b"x", 0, 0, false);
    dup_q0[0] = 0x38;
    match dec(&dup_q0) {
        Ok(Packet::Publish(p)) => assert_eq!((p.qos, p.dup), (QoS::AtMostOnce, true)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        dec(&srv::publish("t", b"x", 1, 0, false)),
        bad(Malformed::ZeroPacketId)
    );
    assert_eq!(
        dec(&srv::publish("a/+", b"x", 0, 0, false)),
        bad(Malformed::Topic)
    );
    assert_eq!(
        dec(&srv::publish("", b"x", 0, 0, false)),
        bad(Malformed::Topic)
    );
    // Topic length beyond the packet.
    assert_eq!(dec(&[0x30, 3, 0, 5, b'a']), bad(Malformed::Length));
    // QoS 1 without room for the packet id.
    assert_eq!(dec(&[0x32, 3, 0, 1, b'a']), bad(Malformed::Length));
    assert_eq!(dec(&[0x30, 1, 0]), bad(Malformed::Length));
    // Ill-formed UTF-8 topic (1.5.3): the connection must be closed.
    assert_eq!(dec(&[0x30, 4, 0, 2, 0xc0, 0x80]), bad(Malformed::Topic));
}

#[test]
fn the_four_publish_acks_and_unsuback() {
    for (k, ak) in [
        (kind::PUBACK, AckKind::PubAck),
        (kind::PUBREC, AckKind::PubRec),
        (kind::PUBREL, AckKind::PubRel),
        (kind::PUBCOMP, AckKind::PubComp),
        (kind::UNSUBACK, AckKind::UnsubAck),
    ] {
        assert_eq!(
            dec(&srv::ack(k, 0x1234)),
            Ok(Packet::Ack {
                kind: ak,
                packet_id: 0x1234
            })
        );
        assert_eq!(dec(&srv::ack(k, 0)), bad(Malformed::ZeroPacketId));
        let mut long = srv::ack(k, 1);
        long[1] = 3;
        long.push(0);
        assert_eq!(dec(&long), bad(Malformed::Length));
    }
    // 3.6.1: PUBREL must carry flags 0x2; others 0.
    assert_eq!(dec(&[0x60, 2, 0, 1]), bad(Malformed::ReservedBits));
    assert_eq!(dec(&[0x63, 2, 0, 1]), bad(Malformed::ReservedBits));
    assert_eq!(dec(&[0x42, 2, 0, 1]), bad(Malformed::ReservedBits));
    assert_eq!(dec(&[0xb1, 2, 0, 1]), bad(Malformed::ReservedBits));
}

#[test]
fn suback_statuses() {
    let b = srv::suback(5, &[0, 1, 2, 0x80]);
    assert_eq!(
        dec(&b),
        Ok(Packet::SubAck {
            packet_id: 5,
            statuses: &[0, 1, 2, 0x80]
        })
    );
    assert_eq!(dec(&srv::suback(5, &[3])), bad(Malformed::SubAckStatus));
    assert_eq!(dec(&srv::suback(5, &[0x81])), bad(Malformed::SubAckStatus));
    assert_eq!(dec(&srv::suback(5, &[])), bad(Malformed::Length));
    assert_eq!(dec(&srv::suback(0, &[1])), bad(Malformed::ZeroPacketId));
}

#[test]
fn pingresp() {
    assert_eq!(dec(&srv::PINGRESP), Ok(Packet::PingResp));
    assert_eq!(dec(&[0xd0, 1, 0]), bad(Malformed::Length));
    assert_eq!(dec(&[0xd1, 0]), bad(Malformed::ReservedBits));
}

#[test]
fn client_to_server_types_are_rejected() {
    // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, and reserved 0/15.
    for first in [0x10u8, 0x82, 0xa2, 0xc0, 0xe0, 0x00, 0xf0] {
        assert_eq!(
            dec(&[first, 0]),
            bad(Malformed::UnexpectedType),
            "first byte {first:#x}"
        );
    }
}

#[test]
fn remaining_length_over_four_bytes() {
    assert_eq!(
        decode(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]),
        Err(Error::BadResponse(Malformed::RemainingLength))
    );
    assert_eq!(
        decode_remaining_length(&[0x80, 0x80, 0x80, 0x80]),
        Err(Error::BadResponse(Malformed::RemainingLength))
    );
}

#[test]
fn incomplete_input_needs_more_bytes() {
    let full = srv::publish("a/b", b"payload", 1, 3, false);
    for cut in 0..full.len() {
        assert_eq!(decode(&full[..cut]), Err(Error::NeedMoreBytes), "cut {cut}");
    }
    // Trailing bytes belong to the next packet.
    let mut two = srv::ack(kind::PUBACK, 1);
    two.extend_from_slice(&srv::PINGRESP);
    let (p, used) = decode(&two).unwrap();
    assert_eq!(
        (p, used),
        (
            Packet::Ack {
                kind: AckKind::PubAck,
                packet_id: 1
            },
            4
        )
    );
    assert_eq!(decode(&two[used..]).unwrap().0, Packet::PingResp);
}
