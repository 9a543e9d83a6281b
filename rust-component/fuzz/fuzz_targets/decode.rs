//! The packet decoder on arbitrary bytes: `wire::decode`, `wire::decode_body`
//! and `wire::decode_remaining_length` must never panic, and whatever they
//! accept must be consistent and valid:
//! * `decode` reports a length within the input, and decoding exactly that
//!   prefix, or its body with `decode_body`, gives the same packet;
//! * a decoded PUBLISH re-encodes with `encode_publish` and decodes back
//!   equal; acks carry a non-zero id; CONNACK codes are 0..=5;
//! * `decode_body` on any first byte and any body never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_component_fuzz::error::Error;
use rust_component_fuzz::topic;
use rust_component_fuzz::wire::{self, Packet, QoS};

fuzz_target!(|data: &[u8]| {
    // Level 1: the remaining-length decoder on the bytes after the first.
    if let Ok((value, used)) = wire::decode_remaining_length(data) {
        assert!((1..=4).contains(&used) && used <= data.len());
        assert!(value <= wire::MAX_REMAINING_LENGTH);
    }

    match wire::decode(data) {
        Ok((packet, used)) => {
            assert!(
                used >= 2 && used <= data.len(),
                "used {used} of {}",
                data.len()
            );
            let (again, used2) = wire::decode(&data[..used]).expect("prefix decodes");
            assert_eq!((again, used2), (packet, used));
            let (_, len_bytes) = wire::decode_remaining_length(&data[1..]).unwrap();
            let body = &data[1 + len_bytes..used];
            assert_eq!(wire::decode_body(data[0], body), Ok(packet));
            check_valid(&packet);
        }
        Err(Error::NeedMoreBytes) => {
            // Something longer must be able to complete it, unless the first
            // byte is already known bad (checked before the length).
            assert!(wire::check_first_byte(*data.first().unwrap_or(&0x30)).is_ok());
        }
        Err(Error::BadResponse(_)) => {}
        Err(e) => panic!("decode returned {e:?}"),
    }

    // Level 2: decode_body directly, with any first byte and any body.
    if let Some((&first, body)) = data.split_first() {
        match wire::decode_body(first, body) {
            Ok(p) => check_valid(&p),
            Err(Error::BadResponse(_)) => {}
            Err(e) => panic!("decode_body returned {e:?}"),
        }
    }
});

fn check_valid(p: &Packet<'_>) {
    match *p {
        Packet::ConnAck {
            session_present,
            code,
        } => {
            assert!(code <= 5);
            assert!(!(session_present && code != 0));
        }
        Packet::Publish(publish) => {
            assert!(topic::validate_name(publish.topic).is_ok());
            assert_eq!(publish.packet_id == 0, publish.qos == QoS::AtMostOnce);
            // Round trip through the encoder, which sends no DUP on QoS 0
            // (MQTT-3.3.1-2; a server's is tolerated).
            let mut publish = publish;
            if publish.qos == QoS::AtMostOnce {
                publish.dup = false;
            }
            let mut buf = vec![0u8; publish.topic.len() + publish.payload.len() + 16];
            let n = wire::encode_publish(&mut buf, &publish).expect("re-encodes");
            let (back, used) = wire::decode(&buf[..n]).expect("re-decodes");
            assert_eq!(used, n);
            assert_eq!(back, Packet::Publish(publish));
        }
        Packet::Ack { packet_id, .. } => assert_ne!(packet_id, 0),
        Packet::SubAck {
            packet_id,
            statuses,
        } => {
            assert_ne!(packet_id, 0);
            assert!(!statuses.is_empty());
            assert!(statuses
                .iter()
                .all(|&s| s <= 2 || s == wire::SUBACK_FAILURE));
        }
        Packet::PingResp => {}
    }
}
