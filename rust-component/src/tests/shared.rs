//! Fakes shared with the fuzz crate (`fuzz/src/lib.rs` compiles this file
//! by path, as it does the engine's own files): a millisecond clock, and a
//! parser for the packets the client sends. Only `std` and
//! `crate::transport`, which both crates have.

use crate::transport::Clock;
use std::cell::Cell;
use std::rc::Rc;

/// A millisecond clock shared by the test, the client and the transport.
#[derive(Clone, Default)]
pub struct FakeClock(pub Rc<Cell<u32>>);

impl FakeClock {
    pub fn at(ms: u32) -> Self {
        FakeClock(Rc::new(Cell::new(ms)))
    }
    pub fn advance(&self, ms: u32) {
        self.0.set(self.0.get().wrapping_add(ms));
    }
    pub fn get(&self) -> u32 {
        self.0.get()
    }
}

impl Clock for FakeClock {
    fn now_ms(&mut self) -> u32 {
        self.0.get()
    }
}

/// A client-to-server packet as the fake broker sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientPacket {
    pub first: u8,
    pub body: Vec<u8>,
}

impl ClientPacket {
    pub fn kind(&self) -> u8 {
        self.first >> 4
    }

    /// Split one packet off the front of `bytes`; `None` while it is
    /// incomplete, or if its remaining length is malformed.
    pub fn parse(bytes: &[u8]) -> Option<(ClientPacket, usize)> {
        let first = *bytes.first()?;
        let mut len = 0usize;
        let mut i = 1;
        loop {
            let b = *bytes.get(i)?;
            len |= ((b & 0x7f) as usize) << (7 * (i - 1));
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i > 4 {
                return None; // a remaining length over four bytes
            }
        }
        let body = bytes.get(i..i + len)?.to_vec();
        Some((ClientPacket { first, body }, i + len))
    }

    /// The packet id at the start of the body (SUBSCRIBE, acks ...).
    pub fn id_at(&self, at: usize) -> u16 {
        u16::from_be_bytes([self.body[at], self.body[at + 1]])
    }

    /// For PUBLISH: (topic, packet id (0 for QoS 0), payload).
    pub fn publish_parts(&self) -> (Vec<u8>, u16, Vec<u8>) {
        let tl = self.id_at(0) as usize;
        let topic = self.body[2..2 + tl].to_vec();
        let qos = (self.first >> 1) & 3;
        let (id, at) = if qos > 0 {
            (self.id_at(2 + tl), 4 + tl)
        } else {
            (0, 2 + tl)
        };
        (topic, id, self.body[at..].to_vec())
    }
}
