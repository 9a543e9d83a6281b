//! What the engine needs from the platform: a byte transport and a clock.

/// A transport error. The value is the transport's own negative code, kept
/// for logging; the engine treats every error as fatal for the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportError(pub i32);

/// A reliable, ordered byte stream (TLS over TCP on a device), with
/// coreMQTT's transport contract:
///
/// * `recv` copies at most `buf.len()` bytes and returns how many. `Ok(0)`
///   means "nothing available yet, try again", never "closed". A closed peer
///   or any failure is `Err`. It may block up to its own receive timeout.
/// * `send` writes at most `buf.len()` bytes and returns how many. `Ok(0)`
///   means "cannot take bytes now, try again". Partial writes are normal; the
///   engine continues them until done or its send timeout expires.
pub trait Transport {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError>;
    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError>;
}

/// A millisecond counter that wraps at `u32::MAX`. Only differences are used,
/// with wrapping arithmetic, so the wrap is harmless for intervals under
/// 2^31 ms (about 24 days).
pub trait Clock {
    fn now_ms(&mut self) -> u32;
}

/// Milliseconds from `since` to `now`, correct across the `u32` wrap.
pub const fn elapsed(now: u32, since: u32) -> u32 {
    now.wrapping_sub(since)
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        (**self).recv(buf)
    }
    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
        (**self).send(buf)
    }
}

impl<C: Clock + ?Sized> Clock for &mut C {
    fn now_ms(&mut self) -> u32 {
        (**self).now_ms()
    }
}
