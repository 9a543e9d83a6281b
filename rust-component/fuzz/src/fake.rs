//! Fakes for the client target: a transport that replays a byte stream in
//! chunks the fuzzer chooses, and a millisecond clock the transport advances
//! whenever it has nothing to give (as a real transport's receive timeout
//! would), so every wait in the client ends.

pub use crate::shared::{ClientPacket, FakeClock};
use crate::transport::{Transport, TransportError};

/// Replays `stream` to the client. Each `recv` returns at most the next size
/// of `chunks` (cycled; 0 = answer "try again" once); when the stream is used
/// up every `recv` says "try again" and advances the clock by `idle_ms`.
/// `recv_fail_after` makes the n-th `recv` call (and later ones) fail.
pub struct FakeNet {
    pub clock: FakeClock,
    pub stream: Vec<u8>,
    pub pos: usize,
    pub chunks: Vec<u8>,
    pub chunk_at: usize,
    pub idle_ms: u32,
    pub recv_calls: usize,
    pub recv_fail_after: Option<usize>,
    /// Largest number of bytes one `send` accepts (at least 1).
    pub send_chunk: usize,
    /// Everything the client sent.
    pub sent: Vec<u8>,
}

impl FakeNet {
    pub fn new(clock: &FakeClock, stream: Vec<u8>) -> Self {
        FakeNet {
            clock: clock.clone(),
            stream,
            pos: 0,
            chunks: Vec::new(),
            chunk_at: 0,
            idle_ms: 10,
            recv_calls: 0,
            recv_fail_after: None,
            send_chunk: usize::MAX,
            sent: Vec::new(),
        }
    }

    fn next_chunk(&mut self) -> usize {
        if self.chunks.is_empty() {
            return usize::MAX;
        }
        let c = self.chunks[self.chunk_at % self.chunks.len()];
        self.chunk_at = self.chunk_at.wrapping_add(1);
        c as usize
    }
}

impl Transport for FakeNet {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        self.recv_calls += 1;
        if matches!(self.recv_fail_after, Some(n) if self.recv_calls > n) {
            return Err(TransportError(-1));
        }
        let left = self.stream.len() - self.pos;
        if left == 0 || buf.is_empty() {
            self.clock.advance(self.idle_ms);
            return Ok(0);
        }
        let chunk = self.next_chunk();
        if chunk == 0 {
            self.clock.advance(1);
            return Ok(0);
        }
        let n = buf.len().min(left).min(chunk);
        buf[..n].copy_from_slice(&self.stream[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }

    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
        let n = buf.len().min(self.send_chunk.max(1));
        self.sent.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// Split the client's output into packets. Panics if the bytes do not end on
/// a packet boundary or a remaining length is malformed: the client must
/// only ever send whole, well-formed packets.
pub fn client_packets(mut bytes: &[u8]) -> Vec<ClientPacket> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (p, used) = ClientPacket::parse(bytes)
            .expect("client sent a truncated packet or a remaining length over 4 bytes");
        out.push(p);
        bytes = &bytes[used..];
    }
    out
}
