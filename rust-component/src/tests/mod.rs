//! Host tests for the engine. Shared fakes live here: a scripted transport
//! with controllable chunking and server packet builders; the fake clock it
//! advances and the parser for client-to-server packets are in `shared.rs`,
//! which the fuzz crate compiles too.

mod backoff_tests;
mod client_tests;
mod props;
mod session_tests;
mod wire_decode;
mod wire_encode;

mod shared;
pub use shared::{ClientPacket, FakeClock};

use crate::transport::{Transport, TransportError};
use std::collections::VecDeque;

/// Reacts to each complete packet the client sends; returns bytes to queue
/// for the client to receive.
pub type Responder = Box<dyn FnMut(&ClientPacket) -> Vec<u8>>;

/// A transport driven by a script: bytes queued for the client, a plan of
/// chunk sizes per `recv`, and a record of everything sent.
pub struct Script {
    pub clock: FakeClock,
    /// Bytes the "server" has sent and the client has not read yet.
    pub inbound: VecDeque<u8>,
    /// Largest chunk one `recv` returns (1 = one byte per call).
    pub chunk: usize,
    /// Explicit chunk sizes for the next recv calls (overrides `chunk`).
    pub plan: VecDeque<usize>,
    /// Each recv that finds nothing returns Ok(0) and advances the clock by
    /// this much, like a transport whose receive timeout expired.
    pub idle_ms: u32,
    /// Ok(0) answers inserted before every recv that has data.
    pub gaps: usize,
    /// How far each of those Ok(0) answers advances the clock.
    pub gap_ms: u32,
    gap_left: usize,
    /// Everything the client sent, in order.
    pub sent: Vec<u8>,
    /// Largest number of bytes one `send` accepts.
    pub send_chunk: usize,
    /// Sends answered with Ok(0) before each accepted one.
    pub send_stalls: usize,
    stall_left: usize,
    pub fail_recv: bool,
    pub fail_send: bool,
    pub responder: Option<Responder>,
    pending: Vec<u8>,
    pub recv_calls: usize,
    /// Bytes handed to the client so far.
    pub delivered: usize,
    /// Stream offsets no single recv may cross; at each, one Ok(0) is
    /// returned first (a TLS record boundary that arrives late).
    pub boundaries: VecDeque<usize>,
}

impl Script {
    pub fn new(clock: &FakeClock) -> Self {
        Script {
            clock: clock.clone(),
            inbound: VecDeque::new(),
            chunk: usize::MAX,
            plan: VecDeque::new(),
            idle_ms: 10,
            gaps: 0,
            gap_ms: 1,
            gap_left: 0,
            sent: Vec::new(),
            send_chunk: usize::MAX,
            send_stalls: 0,
            stall_left: 0,
            fail_recv: false,
            fail_send: false,
            responder: None,
            pending: Vec::new(),
            recv_calls: 0,
            delivered: 0,
            boundaries: VecDeque::new(),
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.inbound.extend(bytes.iter().copied());
    }

    /// Complete client packets sent so far.
    pub fn sent_packets(&self) -> Vec<ClientPacket> {
        let mut out = Vec::new();
        let mut rest = &self.sent[..];
        while let Some((p, used)) = ClientPacket::parse(rest) {
            out.push(p);
            rest = &rest[used..];
        }
        out
    }
}

impl Transport for Script {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        self.recv_calls += 1;
        if self.fail_recv {
            return Err(TransportError(-1));
        }
        if self.inbound.is_empty() {
            self.clock.advance(self.idle_ms);
            return Ok(0);
        }
        if self.gap_left > 0 {
            self.gap_left -= 1;
            self.clock.advance(self.gap_ms);
            return Ok(0);
        }
        self.gap_left = self.gaps;
        let chunk = self.plan.pop_front().unwrap_or(self.chunk).max(1);
        let mut n = buf.len().min(chunk).min(self.inbound.len());
        if let Some(&edge) = self.boundaries.front() {
            if self.delivered == edge {
                self.boundaries.pop_front();
                self.clock.advance(1);
                return Ok(0);
            }
            if self.delivered < edge {
                n = n.min(edge - self.delivered);
            }
        }
        for b in buf.iter_mut().take(n) {
            *b = self.inbound.pop_front().unwrap();
        }
        self.delivered += n;
        Ok(n)
    }

    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
        if self.fail_send {
            return Err(TransportError(-2));
        }
        if self.stall_left > 0 {
            self.stall_left -= 1;
            self.clock.advance(1);
            return Ok(0);
        }
        self.stall_left = self.send_stalls;
        let n = buf.len().min(self.send_chunk);
        self.sent.extend_from_slice(&buf[..n]);
        self.pending.extend_from_slice(&buf[..n]);
        while let Some((p, used)) = ClientPacket::parse(&self.pending) {
            self.pending.drain(..used);
            if let Some(r) = self.responder.as_mut() {
                let reply = r(&p);
                self.inbound.extend(reply);
            }
        }
        Ok(n)
    }
}

/// Server packet builders for scripts.
pub mod srv {
    pub fn connack(session_present: bool, code: u8) -> Vec<u8> {
        vec![0x20, 2, session_present as u8, code]
    }
    pub fn ack(kind: u8, id: u16) -> Vec<u8> {
        let flags = if kind == 6 { 2 } else { 0 };
        vec![(kind << 4) | flags, 2, (id >> 8) as u8, id as u8]
    }
    pub fn suback(id: u16, codes: &[u8]) -> Vec<u8> {
        let mut v = vec![0x90, (2 + codes.len()) as u8, (id >> 8) as u8, id as u8];
        v.extend_from_slice(codes);
        v
    }
    pub fn publish(topic: &str, payload: &[u8], qos: u8, id: u16, dup: bool) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(&(topic.len() as u16).to_be_bytes());
        body.extend_from_slice(topic.as_bytes());
        if qos > 0 {
            body.extend_from_slice(&id.to_be_bytes());
        }
        body.extend_from_slice(payload);
        let mut v = vec![0x30 | ((dup as u8) << 3) | (qos << 1)];
        v.extend(remaining_length(body.len()));
        v.extend(body);
        v
    }
    /// The variable-length encoding of a remaining length (spec 2.2.3).
    pub fn remaining_length(mut len: usize) -> Vec<u8> {
        let mut v = Vec::new();
        loop {
            let mut b = (len % 128) as u8;
            len /= 128;
            if len > 0 {
                b |= 0x80;
            }
            v.push(b);
            if len == 0 {
                return v;
            }
        }
    }
    pub const PINGRESP: [u8; 2] = [0xd0, 0];
}
