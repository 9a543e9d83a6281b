//! Property tests: encode -> decode round trips, and "nothing a peer sends
//! makes the decoder or the client panic".

use super::{srv, FakeClock, Script};
use crate::client::{Client, Timeouts};
use crate::state::Record;
use crate::wire::*;
use proptest::prelude::*;

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

/// Valid topic names: 1..4 levels of [a-z0-9 _-] and some UTF-8 (é, €).
fn topic() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-z0-9 _é€-]{0,8}", 1..4)
        .prop_map(|l| l.join("/"))
        .prop_filter("non-empty", |t| !t.is_empty())
}

/// Re-encode a decoded server packet the way a server would.
fn server_publish_bytes(p: &Publish<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; p.payload.len() + p.topic.len() + 16];
    let n = encode_publish(&mut buf, p).unwrap();
    buf.truncate(n);
    buf
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn publish_round_trips(t in topic(), payload in prop::collection::vec(any::<u8>(), 0..300),
                           q in qos(), retain in any::<bool>(), dup in any::<bool>(), id in 1u16..) {
        let p = Publish {
            topic: t.as_bytes(),
            payload: &payload,
            qos: q,
            retain,
            dup: dup && q != QoS::AtMostOnce,
            packet_id: if q == QoS::AtMostOnce { 0 } else { id },
        };
        let bytes = server_publish_bytes(&p);
        let (d, used) = decode(&bytes).unwrap();
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(d, Packet::Publish(p));
    }

    #[test]
    fn acks_round_trip(k in prop::sample::select(vec![kind::PUBACK, kind::PUBREC, kind::PUBREL, kind::PUBCOMP]),
                       id in 1u16..) {
        let mut buf = [0u8; 4];
        encode_ack(&mut buf, k, id).unwrap();
        let (d, _) = decode(&buf).unwrap();
        let Packet::Ack { kind: got, packet_id } = d else { panic!("{d:?}") };
        prop_assert_eq!(got as u8, k);
        prop_assert_eq!(packet_id, id);
    }

    #[test]
    fn remaining_length_round_trips(len in 0usize..=MAX_REMAINING_LENGTH) {
        let v = srv::remaining_length(len);
        prop_assert_eq!(decode_remaining_length(&v), Ok((len, v.len())));
        prop_assert_eq!(packet_size(len), 1 + v.len() + len);
    }

    #[test]
    fn subscribe_encodes_every_filter(filters in prop::collection::vec((topic(), qos()), 1..5), id in 1u16..) {
        let subs: Vec<Subscription<'_>> = filters.iter().map(|(f, q)| Subscription { filter: f, qos: *q }).collect();
        let mut buf = [0u8; 512];
        let n = encode_subscribe(&mut buf, id, &subs).unwrap();
        let (rl, used) = decode_remaining_length(&buf[1..]).unwrap();
        prop_assert_eq!(n, 1 + used + rl);
        prop_assert_eq!(buf[0], 0x82);
        prop_assert_eq!(u16::from_be_bytes([buf[1 + used], buf[2 + used]]), id);
    }

    #[test]
    fn utf8_check_agrees_with_core(bytes in prop::collection::vec(any::<u8>(), 0..24),
                                   text in "\\PC{0,12}") {
        prop_assert_eq!(crate::topic::is_utf8(&bytes), core::str::from_utf8(&bytes).is_ok());
        prop_assert!(crate::topic::is_utf8(text.as_bytes()));
    }

    #[test]
    fn topic_checks_agree_with_a_plain_definition(t in prop::collection::vec(
        prop::sample::select(vec![b'a', b'/', b'+', b'#', 0, 0xc3, 0xa9, 0x80, b'Z']), 0..20)) {
        // Names: non-empty, UTF-8, no wildcard, no NUL. Filters: non-empty,
        // UTF-8, no NUL, each wildcard a whole level, '#' only last.
        let utf8 = core::str::from_utf8(&t).is_ok();
        let name = !t.is_empty() && utf8 && !t.iter().any(|b| matches!(b, b'+' | b'#' | 0));
        prop_assert_eq!(crate::topic::validate_name(&t).is_ok(), name);
        let levels: Vec<&[u8]> = t.split(|&b| b == b'/').collect();
        let filter = !t.is_empty() && utf8 && !t.contains(&0)
            && levels.iter().enumerate().all(|(i, l)| {
                let wild = l.iter().any(|b| matches!(b, b'+' | b'#'));
                !wild || *l == b"+" || (*l == b"#" && i == levels.len() - 1)
            });
        prop_assert_eq!(crate::topic::validate_filter(&t).is_ok(), filter, "{:?}", t);
    }

    #[test]
    fn topic_matching_agrees_with_a_level_by_level_definition(
        levels in prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "$a", "+", ""]), 1..5),
        hash in any::<bool>(),
        t in prop::collection::vec(prop::sample::select(vec![b'a', b'b', b'/', b'$']), 1..8)) {
        // Valid filters by construction: whole-level '+', '#' only last.
        let mut f = levels.join("/");
        if hash {
            f.push_str(if f.is_empty() { "#" } else { "/#" });
        }
        prop_assume!(!f.is_empty());
        let f = f.into_bytes();
        prop_assert!(crate::topic::validate_filter(&f).is_ok());
        // Section 4.7: level by level, '+' is one level, '#' the rest (also
        // none: "a/#" matches "a"); no wildcard first matches a '$' topic.
        let fl: Vec<&[u8]> = f.split(|&b| b == b'/').collect();
        let tl: Vec<&[u8]> = t.split(|&b| b == b'/').collect();
        let mut want = None;
        for i in 0.. {
            match (fl.get(i), tl.get(i)) {
                (Some(&b"#"), _) => want = Some(true),
                (Some(a), Some(b)) if *a == b"+" || a == b => continue,
                (None, None) => want = Some(true),
                _ => want = Some(false),
            }
            break;
        }
        let want = want.unwrap_or(false) && !(t[0] == b'$' && matches!(f[0], b'+' | b'#'));
        prop_assert_eq!(crate::topic::matches(&f, &t), want, "{:?} {:?}", f, t);
    }

    #[test]
    fn decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode(&bytes);
        if let Some((&first, body)) = bytes.split_first() {
            let _ = decode_body(first, body);
        }
    }

    #[test]
    fn decoder_never_panics_on_mutated_valid_packets(seed in topic(), flips in prop::collection::vec((0usize..40, any::<u8>()), 1..4)) {
        let p = Publish { packet_id: 7, ..Publish::new(&seed, b"payload", QoS::AtLeastOnce) };
        let mut bytes = server_publish_bytes(&p);
        for (at, v) in flips {
            if let Some(b) = bytes.get_mut(at) { *b = v; }
        }
        let _ = decode(&bytes);
    }

    #[test]
    fn client_never_panics_on_arbitrary_streams(stream in prop::collection::vec(any::<u8>(), 0..400),
                                                chunk in 1usize..16, gaps in 0usize..2) {
        let clock = FakeClock::at(u32::MAX - 1000);
        let mut t = Script::new(&clock);
        t.chunk = chunk;
        t.gaps = gaps;
        // A valid CONNACK first half the time, so the session code runs too.
        if stream.first().is_some_and(|b| b & 1 == 0) {
            t.push(&[0x20, 2, 0, 0]);
        }
        t.push(&stream);
        let mut buf = [0u8; 128];
        let mut out = [Record::EMPTY; 2];
        let mut inc = [Record::EMPTY; 2];
        let mut c = Client::new(&mut t, clock.clone(), &mut buf, &mut out, &mut inc, Timeouts::default());
        if c.connect(&Connect::new("fuzz", 5), 500).is_ok() {
            let _ = c.subscribe(&[Subscription { filter: "a/#", qos: QoS::ExactlyOnce }]);
            let _ = c.publish(&Publish::new("a/b", b"x", QoS::ExactlyOnce));
            let _ = c.publish(&Publish::new("a/b", b"y", QoS::AtLeastOnce));
            let mut events = 0usize;
            let _ = c.process_loop(20_000, &mut |_| { events += 1; false });
        }
    }
}

proptest! {
    #[test]
    fn fast_utf8_check_agrees_with_the_plain_one(bytes in prop::collection::vec(
        prop::sample::select(vec![b'a', b'Z', 0xc3, 0xa9, 0x80, 0xe2, 0x82, 0xac, 0xff]), 0..40)) {
        prop_assert_eq!(crate::topic::is_utf8_fast(&bytes), crate::topic::is_utf8(&bytes));
    }
}
