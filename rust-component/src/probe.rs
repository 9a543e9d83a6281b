//! Size probe: a minimal C entry point over the engine and the backoff
//! policy alone, so `tools/size-report` can measure their cost without the
//! demo and platform layers. It is the same flow a minimal firmware runs:
//! connect with backoff, subscribe, publish at QoS 1, poll, unsubscribe,
//! disconnect. The transport, clock, RNG and delay are C functions the
//! probe leaves undefined (a staticlib is never linked on its own).
#![allow(unsafe_code)]

use crate::backoff::{retry, Backoff, Delay, Random};
use crate::client::{Client, Event, Timeouts};
use crate::state::Record;
use crate::transport::{Clock, Transport, TransportError};
use crate::wire::{AckKind, Connect, Publish, QoS, Subscription};

extern "C" {
    fn probe_recv(buf: *mut u8, len: usize) -> i32;
    fn probe_send(buf: *const u8, len: usize) -> i32;
    fn probe_now_ms() -> u32;
    fn probe_random() -> u32;
    fn probe_delay_ms(ms: u32);
}

struct Ffi;

fn io_result(n: i32) -> Result<usize, TransportError> {
    usize::try_from(n).map_err(|_| TransportError(n))
}

impl Transport for Ffi {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        // SAFETY: the pointer and length describe a live, writable slice.
        io_result(unsafe { probe_recv(buf.as_mut_ptr(), buf.len()) })
    }
    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
        // SAFETY: the pointer and length describe a live, readable slice.
        io_result(unsafe { probe_send(buf.as_ptr(), buf.len()) })
    }
}

impl Clock for Ffi {
    fn now_ms(&mut self) -> u32 {
        // SAFETY: plain C call without arguments.
        unsafe { probe_now_ms() }
    }
}

impl Random for Ffi {
    fn random_u32(&mut self) -> Option<u32> {
        // SAFETY: plain C call without arguments.
        Some(unsafe { probe_random() })
    }
}

impl Delay for Ffi {
    fn delay_ms(&mut self, ms: u32) {
        // SAFETY: plain C call with a value argument.
        unsafe { probe_delay_ms(ms) }
    }
}

/// Runs the minimal flow once; returns 0 on success, -1 otherwise.
#[unsafe(no_mangle)]
pub extern "C" fn mqtt_size_probe(buf: *mut u8, len: usize) -> i32 {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: the caller passes a writable buffer of `len` bytes that it does
    // not touch during this call.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
    let mut out = [Record::EMPTY; 4];
    let mut inc = [Record::EMPTY; 4];
    let mut client = Client::new(Ffi, Ffi, buf, &mut out, &mut inc, Timeouts::default());
    let mut backoff = Backoff::new(500, 5000, 5);
    let connect = Connect::new("probe", 60);
    let r = retry(
        &mut backoff,
        &mut Ffi,
        &mut Ffi,
        || client.connect(&connect, 1000),
        |_, _| {},
    );
    if r.is_err() {
        return -1;
    }
    let topic = "probe/example/topic";
    let ok = client
        .subscribe(&[Subscription {
            filter: topic,
            qos: QoS::AtLeastOnce,
        }])
        .and_then(|_| client.publish(&Publish::new(topic, b"Hello World!", QoS::AtLeastOnce)))
        .and_then(|id| {
            client.process_loop(2000, &mut |e| {
                e == Event::Ack {
                    kind: AckKind::PubAck,
                    packet_id: id,
                }
            })
        })
        .and_then(|_| client.unsubscribe(&[topic]))
        .and_then(|_| {
            client.process_loop(2000, &mut |e| {
                matches!(
                    e,
                    Event::Ack {
                        kind: AckKind::UnsubAck,
                        ..
                    }
                )
            })
        })
        .and_then(|_| client.disconnect());
    if ok.is_err() {
        return -1;
    }
    0
}
