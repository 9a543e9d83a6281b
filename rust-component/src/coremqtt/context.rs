//! The engine's [`Context`] over an application's `MQTTContext_t`.
//!
//! [`Ctx`] holds only the raw pointer. Every accessor makes a short-lived
//! reference from it and no reference outlives the engine call that made
//! it, so the application's event callback (which gets the same pointer and
//! may call back into the API) never runs while Rust holds a reference into
//! the context or its buffer across the call.

use core::ffi::c_void;

use super::types::{GetTimeFn, MqttContext};
use crate::client::{Context, Split, Timeouts};
use crate::state::{Record, Vars};
use crate::transport::TransportError;

/// The bounds of a C context (see `MQTT_ENGINE_*` in `core_mqtt.h`): any
/// legal packet larger than the network buffer is read and dropped, as
/// coreMQTT does, but within the packet bound.
pub const TIMEOUTS: Timeouts = Timeouts {
    packet_ms: 10_000,
    send_ms: 20_000,
    ping_resp_ms: 5_000,
    max_packet: 268_435_455,
};

/// An application's context, as the engine sees it: the pointer, and the
/// network buffer and clock as they were when the API call began (read
/// once per call: the application must not swap them while a call runs;
/// the transport it may, and that is read on every use).
pub struct Ctx {
    p: *mut MqttContext,
    buf: *mut u8,
    len: usize,
    clock: Option<GetTimeFn>,
}

/// A record table from the context's pointer and count (empty when NULL).
///
/// # Safety
/// `p` is NULL or points to `n` records the application keeps valid and
/// does not touch while the engine runs (`MQTT_InitStatefulQoS`'s contract).
unsafe fn table<'a>(p: *mut Record, n: usize) -> &'a mut [Record] {
    if p.is_null() {
        return &mut [];
    }
    // SAFETY: see the function's contract.
    unsafe { core::slice::from_raw_parts_mut(p, n) }
}

impl Ctx {
    /// The engine's view of `p`.
    ///
    /// # Safety
    /// `p` points to a context set up by `MQTT_Init`, used by this call
    /// alone; its network buffer is `size` bytes the application keeps
    /// valid for the context's life and does not touch while the engine
    /// runs (`MQTT_Init`'s contract).
    pub unsafe fn new(p: *mut MqttContext) -> Ctx {
        // SAFETY: the function's contract.
        let (b, clock) = unsafe { ((*p).network_buffer, get_time(&(*p).vars)) };
        match b.buffer.is_null() {
            true => Ctx {
                p,
                buf: core::ptr::NonNull::dangling().as_ptr(),
                len: 0,
                clock,
            },
            false => Ctx {
                p,
                buf: b.buffer,
                len: b.size,
                clock,
            },
        }
    }

    /// The context pointer, for the application's callback.
    pub fn ptr(&self) -> *mut MqttContext {
        self.p
    }

    fn c(&mut self) -> &mut MqttContext {
        // SAFETY: `new`'s contract.
        unsafe { &mut *self.p }
    }

    /// The network buffer.
    fn buffer<'a>(&mut self) -> &'a mut [u8] {
        // SAFETY: `new`'s contract; a NULL buffer became an empty one.
        unsafe { core::slice::from_raw_parts_mut(self.buf, self.len) }
    }
}

/// `getTime` from its slot in [`Vars`].
pub fn get_time(v: &Vars) -> Option<GetTimeFn> {
    // SAFETY: the slot holds a `MQTTGetCurrentTimeFunc_t` (a function
    // pointer, or 0 = NULL, which is `None`); usize and function pointers
    // have one size on every target this builds for.
    unsafe { core::mem::transmute::<usize, Option<GetTimeFn>>(v.c_get_time) }
}

impl Context for Ctx {
    #[inline(always)]
    fn vars(&mut self) -> &mut Vars {
        &mut self.c().vars
    }

    #[inline(always)]
    fn buf(&mut self) -> &mut [u8] {
        self.buffer()
    }

    fn outgoing(&mut self) -> &mut [Record] {
        let c = self.c();
        // SAFETY: see `table`.
        unsafe { table(c.outgoing, c.outgoing_max) }
    }

    fn split(&mut self) -> Split<'_> {
        let buf = self.buffer();
        let c = self.c();
        // SAFETY: see `table`; the tables, the buffer and the context are
        // separate memory.
        let (outgoing, incoming) = unsafe {
            (
                table(c.outgoing, c.outgoing_max),
                table(c.incoming, c.incoming_max),
            )
        };
        Split {
            vars: &mut c.vars,
            buf,
            outgoing,
            incoming,
        }
    }

    fn timeouts(&self) -> Timeouts {
        TIMEOUTS
    }

    fn now_ms(&mut self) -> u32 {
        match self.clock {
            // SAFETY: the application's clock, as `MQTT_Init` was given it.
            Some(f) => unsafe { f() },
            None => 0,
        }
    }

    fn recv_at(&mut self, at: usize, len: usize) -> Result<usize, TransportError> {
        let t = self.c().transport;
        let Some(recv) = t.recv else {
            return Err(TransportError(-1));
        };
        if at.checked_add(len).is_none_or(|end| end > self.len) {
            return Err(TransportError(-1));
        }
        // SAFETY: `at + len <= len` was checked, so the transport writes
        // inside the network buffer; no Rust reference to it is live here.
        let n = unsafe { recv(t.network_context, self.buf.add(at).cast::<c_void>(), len) };
        usize::try_from(n).map_err(|_| TransportError(n))
    }

    fn send_buf(&mut self, from: usize, to: usize) -> Result<usize, TransportError> {
        if from > to || to > self.len {
            return Err(TransportError(-1));
        }
        // SAFETY: `from <= to <= len` was checked.
        let data = unsafe { self.buf.add(from) };
        self.send_raw(data, to - from)
    }

    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        self.send_raw(data.as_ptr(), data.len())
    }
}

impl Ctx {
    fn send_raw(&mut self, data: *const u8, len: usize) -> Result<usize, TransportError> {
        let t = self.c().transport;
        let Some(send) = t.send else {
            return Err(TransportError(-1));
        };
        // SAFETY: `data` points to `len` readable bytes (checked by the
        // callers); the transport only reads them.
        let n = unsafe { send(t.network_context, data.cast::<c_void>(), len) };
        usize::try_from(n).map_err(|_| TransportError(n))
    }
}
