//! Encoder output, byte for byte, against examples derived from the MQTT
//! 3.1.1 specification (OASIS Standard, 29 October 2014).

use crate::error::Error;
use crate::wire::*;

fn enc(f: impl FnOnce(&mut [u8]) -> Result<usize, Error>) -> Vec<u8> {
    let mut buf = [0u8; 512];
    let n = f(&mut buf).expect("encodes");
    buf[..n].to_vec()
}

#[test]
fn connect_minimal_clean_session() {
    // 3.1: fixed header 0x10; 3.1.2.1-3.1.2.10: "MQTT", level 4, flags
    // 0x02 (clean session), keep-alive 60; 3.1.3.1: client id "abc".
    let b = enc(|buf| encode_connect(buf, &Connect::new("abc", 60)));
    assert_eq!(
        b,
        [0x10, 15, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60, 0, 3, b'a', b'b', b'c']
    );
}

#[test]
fn connect_with_will_user_and_password() {
    let c = Connect {
        client_id: "cid",
        keep_alive_s: 10,
        clean_session: true,
        username: Some("u"),
        password: Some(b"p"),
        will: Some(Will {
            topic: "w",
            payload: b"x",
            qos: QoS::AtLeastOnce,
            retain: true,
        }),
    };
    let b = enc(|buf| encode_connect(buf, &c));
    // Flags (figure 3.4): user 0x80, password 0x40, will retain 0x20, will
    // QoS 1 << 3, will flag 0x04, clean session 0x02 = 0xEE. Payload order
    // (3.1.3): client id, will topic, will message, user name, password.
    let mut want = vec![0x10, 27, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xee, 0, 10];
    want.extend_from_slice(&[0, 3, b'c', b'i', b'd']);
    want.extend_from_slice(&[0, 1, b'w', 0, 1, b'x']);
    want.extend_from_slice(&[0, 1, b'u', 0, 1, b'p']);
    assert_eq!(b, want);
}

#[test]
fn connect_persistent_session_and_qos2_will_flags() {
    let c = Connect {
        clean_session: false,
        will: Some(Will {
            topic: "t",
            payload: b"",
            qos: QoS::ExactlyOnce,
            retain: false,
        }),
        ..Connect::new("id", 0)
    };
    let b = enc(|buf| encode_connect(buf, &c));
    assert_eq!(b[9], 0x04 | (2 << 3));
    assert_eq!(&b[10..12], &[0, 0]);
}

#[test]
fn connect_rejects_bad_parameters() {
    let mut buf = [0u8; 64];
    let pw_only = Connect {
        password: Some(b"p"),
        ..Connect::new("a", 1)
    };
    assert_eq!(encode_connect(&mut buf, &pw_only), Err(Error::BadParameter));
    let empty_persistent = Connect {
        clean_session: false,
        ..Connect::new("", 1)
    };
    assert_eq!(
        encode_connect(&mut buf, &empty_persistent),
        Err(Error::BadParameter)
    );
    // An empty client id with a clean session is allowed (3.1.3.1).
    assert!(encode_connect(&mut buf, &Connect::new("", 1)).is_ok());
    let long = "x".repeat(70_000);
    assert_eq!(
        encode_connect(&mut [0u8; 80_000], &Connect::new(&long, 1)),
        Err(Error::BadParameter)
    );
}

#[test]
fn publish_qos1_matches_spec_example() {
    // 3.3.2.3 example: topic "a/b", packet identifier 10.
    let p = Publish {
        packet_id: 10,
        ..Publish::new("a/b", b"hi", QoS::AtLeastOnce)
    };
    let b = enc(|buf| encode_publish(buf, &p));
    assert_eq!(b, [0x32, 9, 0, 3, b'a', b'/', b'b', 0, 10, b'h', b'i']);
}

#[test]
fn publish_qos0_retain_and_qos2_dup_flags() {
    let p = Publish {
        retain: true,
        ..Publish::new("t", b"", QoS::AtMostOnce)
    };
    assert_eq!(enc(|buf| encode_publish(buf, &p)), [0x31, 3, 0, 1, b't']);
    let p = Publish {
        dup: true,
        packet_id: 0x1234,
        ..Publish::new("t", b"z", QoS::ExactlyOnce)
    };
    assert_eq!(
        enc(|buf| encode_publish(buf, &p)),
        [0x3c, 6, 0, 1, b't', 0x12, 0x34, b'z']
    );
}

#[test]
fn publish_rejects_bad_parameters() {
    let mut buf = [0u8; 64];
    let cases = [
        Publish {
            dup: true,
            ..Publish::new("t", b"", QoS::AtMostOnce)
        },
        Publish::new("t", b"", QoS::AtLeastOnce), // packet id 0
        Publish {
            packet_id: 1,
            ..Publish::new("a/+", b"", QoS::AtLeastOnce)
        },
        Publish::new("a/#", b"", QoS::AtMostOnce),
        Publish::new("", b"", QoS::AtMostOnce),
        Publish {
            topic: b"\xff\xfe",
            ..Publish::new("t", b"", QoS::AtMostOnce)
        },
    ];
    for p in cases {
        assert_eq!(
            encode_publish(&mut buf, &p),
            Err(Error::BadParameter),
            "{p:?}"
        );
    }
}

#[test]
fn remaining_length_encoding_table() {
    // Table 2.4: boundaries of 1, 2, 3 and 4 length bytes.
    let cases: [(usize, &[u8]); 6] = [
        (0, &[0x00]),
        (127, &[0x7f]),
        (128, &[0x80, 0x01]),
        (16_383, &[0xff, 0x7f]),
        (16_384, &[0x80, 0x80, 0x01]),
        (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
    ];
    for (value, bytes) in cases {
        // QoS 0 publish to "t": remaining = 3 + payload.
        if value < 3 {
            assert_eq!(decode_remaining_length(bytes), Ok((value, bytes.len())));
            continue;
        }
        let payload = vec![7u8; value - 3];
        let mut buf = vec![0u8; value + 8];
        let n = encode_publish(&mut buf, &Publish::new("t", &payload, QoS::AtMostOnce)).unwrap();
        assert_eq!(&buf[1..1 + bytes.len()], bytes, "value {value}");
        assert_eq!(n, packet_size(value));
        assert_eq!(decode_remaining_length(bytes), Ok((value, bytes.len())));
    }
    assert_eq!(
        decode_remaining_length(&[0xff, 0xff, 0xff, 0x7f]),
        Ok((MAX_REMAINING_LENGTH, 4))
    );
}

#[test]
fn subscribe_matches_spec_example() {
    // 3.8.3.1 example: packet id 10, "a/b" QoS 1, "c/d" QoS 2.
    let subs = [
        Subscription {
            filter: "a/b",
            qos: QoS::AtLeastOnce,
        },
        Subscription {
            filter: "c/d",
            qos: QoS::ExactlyOnce,
        },
    ];
    let b = enc(|buf| encode_subscribe(buf, 10, &subs));
    assert_eq!(
        b,
        [0x82, 14, 0, 10, 0, 3, b'a', b'/', b'b', 1, 0, 3, b'c', b'/', b'd', 2]
    );
}

#[test]
fn unsubscribe_matches_spec_example() {
    // 3.10.3.1 example: "a/b" and "c/d".
    let b = enc(|buf| encode_unsubscribe(buf, 10, &["a/b", "c/d"]));
    assert_eq!(
        b,
        [0xa2, 12, 0, 10, 0, 3, b'a', b'/', b'b', 0, 3, b'c', b'/', b'd']
    );
}

#[test]
fn subscribe_and_unsubscribe_reject_bad_parameters() {
    let mut buf = [0u8; 64];
    let ok = [Subscription {
        filter: "a/#",
        qos: QoS::AtMostOnce,
    }];
    assert_eq!(encode_subscribe(&mut buf, 0, &ok), Err(Error::BadParameter));
    assert_eq!(encode_subscribe(&mut buf, 1, &[]), Err(Error::BadParameter));
    for bad in ["", "a/#/b", "a#", "a/b+", "+a", "a\0b"] {
        let s = [Subscription {
            filter: bad,
            qos: QoS::AtMostOnce,
        }];
        assert_eq!(
            encode_subscribe(&mut buf, 1, &s),
            Err(Error::BadParameter),
            "{bad:?}"
        );
        assert_eq!(
            encode_unsubscribe(&mut buf, 1, &[bad]),
            Err(Error::BadParameter)
        );
    }
    assert_eq!(
        encode_unsubscribe(&mut buf, 0, &["a"]),
        Err(Error::BadParameter)
    );
    assert_eq!(
        encode_unsubscribe(&mut buf, 1, &[]),
        Err(Error::BadParameter)
    );
}

#[test]
fn publish_head_sized_counts_a_payload_it_does_not_hold() {
    // The header of a QoS 1 publish with a 200-byte payload: the remaining
    // length (2 + 1 + 2 + 200 = 205) takes two bytes; the size is the
    // whole packet's, only the header is written.
    let p = Publish {
        packet_id: 7,
        ..Publish::new("t", b"", QoS::AtLeastOnce)
    };
    let mut buf = [0u8; 16];
    let mut w = Writer::new(&mut buf);
    assert_eq!(publish_head_sized(&mut w, &p, 200), Ok(208));
    assert_eq!(w.finish(), Ok(8));
    assert_eq!(buf[..8], [0x32, 0xcd, 0x01, 0, 1, b't', 0, 7]);
    // The same bytes as the whole packet's first eight.
    let payload = [b'x'; 200];
    let whole = enc(|b| {
        encode_publish(
            b,
            &Publish {
                payload: &payload,
                ..p
            },
        )
    });
    assert_eq!(whole[..8], buf[..8]);
    // A dry run: the size and every check, nothing written.
    assert_eq!(
        publish_head_sized(&mut Writer::new(&mut []), &p, 200),
        Ok(208)
    );
    // The largest remaining length, and one more.
    let max = MAX_REMAINING_LENGTH - 5;
    let dry = |n| publish_head_sized(&mut Writer::new(&mut []), &p, n);
    assert_eq!(dry(max), Ok(MAX_REMAINING_LENGTH + 5));
    assert_eq!(dry(max + 1), Err(Error::BadParameter));
    assert_eq!(dry(isize::MAX as usize), Err(Error::BadParameter));
}

#[test]
fn filters_head_is_the_start_of_subscribe_and_unsubscribe() {
    for (k, first) in [(kind::SUBSCRIBE, 0x82), (kind::UNSUBSCRIBE, 0xa2)] {
        let mut buf = [0u8; 8];
        let mut w = Writer::new(&mut buf);
        assert_eq!(filters_head(&mut w, k, 0x1234, 200), Ok(203));
        assert_eq!(w.finish(), Ok(5));
        assert_eq!(buf[..5], [first, 0xc8, 0x01, 0x12, 0x34]);
        let mut w = Writer::new(&mut buf);
        assert_eq!(
            filters_head(&mut w, k, 1, MAX_REMAINING_LENGTH + 1),
            Err(Error::BadParameter)
        );
    }
    // The head of a whole packet built by `filters`.
    let b = enc(|buf| encode_unsubscribe(buf, 10, &["a/b", "c/d"]));
    let mut head = [0u8; 4];
    let mut w = Writer::new(&mut head);
    assert_eq!(filters_head(&mut w, kind::UNSUBSCRIBE, 10, 12), Ok(b.len()));
    assert_eq!(head, b[..4]);
}

#[test]
fn acks_ping_and_disconnect() {
    assert_eq!(enc(|b| encode_ack(b, kind::PUBACK, 10)), [0x40, 2, 0, 10]);
    assert_eq!(enc(|b| encode_ack(b, kind::PUBREC, 10)), [0x50, 2, 0, 10]);
    // 3.6.1: PUBREL fixed-header flags are 0b0010.
    assert_eq!(
        enc(|b| encode_ack(b, kind::PUBREL, 0x0102)),
        [0x62, 2, 1, 2]
    );
    assert_eq!(enc(|b| encode_ack(b, kind::PUBCOMP, 10)), [0x70, 2, 0, 10]);
    assert_eq!(
        encode_ack(&mut [0; 4], kind::PUBACK, 0),
        Err(Error::BadParameter)
    );
    assert_eq!(
        encode_ack(&mut [0; 4], kind::SUBACK, 1),
        Err(Error::BadParameter)
    );
    assert_eq!(PINGREQ, [0xc0, 0]);
    assert_eq!(DISCONNECT, [0xe0, 0]);
}

#[test]
fn packet_that_does_not_fit_is_an_error_never_truncated() {
    let full = enc(|buf| encode_connect(buf, &Connect::new("client-1", 60)));
    for size in 0..full.len() {
        let mut buf = vec![0xaa; size];
        assert_eq!(
            encode_connect(&mut buf, &Connect::new("client-1", 60)),
            Err(Error::NoMemory),
            "size {size}"
        );
    }
    let p = Publish {
        packet_id: 1,
        ..Publish::new("a/b", b"0123456789", QoS::AtLeastOnce)
    };
    let n = enc(|buf| encode_publish(buf, &p)).len();
    assert_eq!(
        encode_publish(&mut vec![0; n - 1], &p),
        Err(Error::NoMemory)
    );
    assert_eq!(encode_publish(&mut vec![0; n], &p), Ok(n));
    let subs = [Subscription {
        filter: "a/b",
        qos: QoS::AtLeastOnce,
    }];
    assert_eq!(
        encode_subscribe(&mut [0; 9], 1, &subs),
        Err(Error::NoMemory)
    );
    assert_eq!(
        encode_unsubscribe(&mut [0; 8], 1, &["a/b"]),
        Err(Error::NoMemory)
    );
    assert_eq!(
        encode_ack(&mut [0; 3], kind::PUBACK, 1),
        Err(Error::NoMemory)
    );
}

#[test]
fn topic_filter_matching() {
    use crate::topic::matches;
    let yes = [
        ("sport/tennis/player1/#", "sport/tennis/player1"),
        ("sport/tennis/player1/#", "sport/tennis/player1/ranking"),
        ("sport/#", "sport"),
        ("#", "a/b/c"),
        ("sport/+/player1", "sport/tennis/player1"),
        ("+/+", "/finance"),
        ("/+", "/finance"),
        ("+", "x"),
        ("a/b", "a/b"),
        ("$SYS/#", "$SYS/broker"),
        ("c/example/topic", "c/example/topic"),
    ];
    let no = [
        ("sport/+", "sport"),
        ("+", "/finance"),
        ("a/b", "a/b/c"),
        ("a/b/c", "a/b"),
        ("#", "$SYS/broker"),
        ("+/monitor", "$SYS/monitor"),
        ("a/+/c", "a/b/d"),
    ];
    for (f, t) in yes {
        assert!(matches(f.as_bytes(), t.as_bytes()), "{f} should match {t}");
    }
    for (f, t) in no {
        assert!(
            !matches(f.as_bytes(), t.as_bytes()),
            "{f} should not match {t}"
        );
    }
}

#[test]
fn utf8_validation() {
    use crate::topic::is_utf8;
    assert!(is_utf8("héllo wörld €𝄞".as_bytes()));
    assert!(is_utf8(b""));
    for bad in [
        &b"\xc0\x80"[..],        // overlong NUL
        b"\xe0\x80\x80",         // overlong
        b"\xed\xa0\x80",         // surrogate
        b"\xf4\x90\x80\x80",     // above U+10FFFF
        b"\xc3",                 // truncated
        b"\x80",                 // lone continuation
        b"\xf8\x88\x80\x80\x80", // 5-byte form
    ] {
        assert!(!is_utf8(bad), "{bad:?}");
        assert_eq!(core::str::from_utf8(bad).is_ok(), is_utf8(bad));
    }
}
