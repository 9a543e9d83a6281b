//! The demo's platform traits over FreeRTOS and the C side.

use core::ffi::c_char;
use core::ptr;

use super::config;
use super::sys;
use crate::backoff::{Delay, Random};
use crate::demo::{log, ConnectError, Network, Stats};
use crate::log::{Level, LogSink};
use crate::transport::{Clock, Transport, TransportError};

// ---------------------------------------------------------------------------
// Log sink

/// `DemoLog_Write` from the C side's `demo_log.h`.
pub struct DemoLog;

impl LogSink for DemoLog {
    fn write(&self, level: Level, line: &[u8]) {
        // SAFETY: the pointer and length describe a live byte slice; the
        // sink reads `length` bytes and does not keep the pointer.
        unsafe { sys::DemoLog_Write(level as i32, line.as_ptr().cast::<c_char>(), line.len()) }
    }
}

// ---------------------------------------------------------------------------
// Time

const TICK_RATE_HZ: u64 = sys::demo_rs_tick_rate_hz as u64;
const _: () = assert!(TICK_RATE_HZ > 0, "configTICK_RATE_HZ must not be 0");

/// The kernel's tick count as milliseconds, and `vTaskDelay`.
///
/// At the usual 1000 Hz tick the millisecond count is the tick count and
/// wraps with it; at other rates the `u32` milliseconds jump once when a
/// 32-bit tick counter wraps (after days), which can end one wait early.
pub struct Ticks;

impl Clock for Ticks {
    fn now_ms(&mut self) -> u32 {
        // SAFETY: plain kernel call without arguments, from a task.
        let ticks = unsafe { sys::xTaskGetTickCount() } as u64;
        if TICK_RATE_HZ == 1000 {
            ticks as u32
        } else {
            (ticks.wrapping_mul(1000) / TICK_RATE_HZ) as u32
        }
    }
}

impl Delay for Ticks {
    fn delay_ms(&mut self, ms: u32) {
        // Round up so a short delay still yields; stay below portMAX_DELAY,
        // which would block forever.
        let ticks = (ms as u64 * TICK_RATE_HZ).div_ceil(1000);
        let ticks = sys::TickType_t::try_from(ticks)
            .unwrap_or(sys::TickType_t::MAX)
            .min(sys::TickType_t::MAX - 1);
        // SAFETY: plain kernel call with a value argument, from a task.
        unsafe { sys::vTaskDelay(ticks) }
    }
}

// ---------------------------------------------------------------------------
// Memory figures

/// Heap figures of the FreeRTOS heap (heap_4/heap_5) and the calling task's
/// stack high-water mark.
pub struct FreeRtosStats;

impl Stats for FreeRtosStats {
    fn free_heap(&mut self) -> Option<usize> {
        // SAFETY: plain kernel call without arguments.
        Some(unsafe { sys::xPortGetFreeHeapSize() })
    }
    fn min_free_heap(&mut self) -> Option<usize> {
        // SAFETY: plain kernel call without arguments.
        Some(unsafe { sys::xPortGetMinimumEverFreeHeapSize() })
    }
    fn stack_high_water_mark(&mut self) -> Option<usize> {
        // SAFETY: NULL means the calling task, which is running this code.
        Some(unsafe { sys::uxTaskGetStackHighWaterMark(ptr::null_mut()) } as usize)
    }
}

// ---------------------------------------------------------------------------
// PKCS#11 random numbers

/// `C_GenerateRandom` of the image's PKCS#11 module, in a session opened on
/// first use (`C_GetFunctionList`, `C_Initialize`, `C_GetSlotList`,
/// `C_OpenSession`) and closed on drop. Failures are logged; the module is
/// left initialised for its other users (the TLS transport).
pub struct Pkcs11Random {
    session: Option<(&'static sys::CK_FUNCTION_LIST, sys::CK_SESSION_HANDLE)>,
}

impl Pkcs11Random {
    pub const fn new() -> Self {
        Pkcs11Random { session: None }
    }

    fn failed(call: &str, rv: sys::CK_RV) {
        log(&DemoLog, Level::Error, &mut |l| {
            l.push_str("PKCS#11 ")
                .push_str(call)
                .push_str(" failed: CK_RV ")
                .push_u32(rv as u32);
        });
    }

    fn open() -> Option<(&'static sys::CK_FUNCTION_LIST, sys::CK_SESSION_HANDLE)> {
        let mut list: *mut sys::CK_FUNCTION_LIST = ptr::null_mut();
        // SAFETY: C_GetFunctionList writes a pointer to the module's static
        // function list into `list`.
        let rv = unsafe { sys::C_GetFunctionList(&mut list) };
        // SAFETY: on CKR_OK the list is the module's static table, valid
        // for the life of the program and never written by us.
        let funcs: &'static sys::CK_FUNCTION_LIST = match unsafe { list.as_ref() } {
            Some(f) if rv == sys::CKR_OK as sys::CK_RV => f,
            _ => {
                Self::failed("C_GetFunctionList", rv);
                return None;
            }
        };
        let (Some(init), Some(get_slots), Some(open)) =
            (funcs.C_Initialize, funcs.C_GetSlotList, funcs.C_OpenSession)
        else {
            Self::failed("function list", 0);
            return None;
        };
        // SAFETY: NULL init args select the default (no custom locking).
        let rv = unsafe { init(ptr::null_mut()) };
        if rv != sys::CKR_OK as sys::CK_RV
            && rv != sys::CKR_CRYPTOKI_ALREADY_INITIALIZED as sys::CK_RV
        {
            Self::failed("C_Initialize", rv);
            return None;
        }
        let mut slots: [sys::CK_SLOT_ID; 4] = [0; 4];
        let mut count = slots.len() as sys::CK_ULONG;
        // SAFETY: `slots` has room for `count` ids; the module writes at
        // most that many and updates `count`.
        let rv = unsafe { get_slots(sys::CK_TRUE as _, slots.as_mut_ptr(), &mut count) };
        let slot = match slots.first() {
            Some(&s) if rv == sys::CKR_OK as sys::CK_RV && count > 0 => s,
            _ => {
                Self::failed("C_GetSlotList (no token)", rv);
                return None;
            }
        };
        let mut session: sys::CK_SESSION_HANDLE = 0;
        // SAFETY: no callback and no application pointer; the module writes
        // the new handle into `session`.
        let rv = unsafe {
            open(
                slot,
                sys::CKF_SERIAL_SESSION as sys::CK_FLAGS,
                ptr::null_mut(),
                None,
                &mut session,
            )
        };
        if rv != sys::CKR_OK as sys::CK_RV {
            Self::failed("C_OpenSession", rv);
            return None;
        }
        Some((funcs, session))
    }
}

impl Default for Pkcs11Random {
    fn default() -> Self {
        Self::new()
    }
}

impl Random for Pkcs11Random {
    fn random_u32(&mut self) -> Option<u32> {
        if self.session.is_none() {
            self.session = Self::open();
        }
        let (funcs, session) = self.session?;
        let generate = funcs.C_GenerateRandom?;
        let mut bytes = [0u8; 4];
        // SAFETY: `bytes` is writable for the 4 bytes asked for, in an open
        // session of this module.
        let rv = unsafe { generate(session, bytes.as_mut_ptr(), bytes.len() as sys::CK_ULONG) };
        if rv != sys::CKR_OK as sys::CK_RV {
            Self::failed("C_GenerateRandom", rv);
            return None;
        }
        Some(u32::from_ne_bytes(bytes))
    }
}

impl Drop for Pkcs11Random {
    fn drop(&mut self) {
        if let Some((funcs, session)) = self.session.take() {
            if let Some(close) = funcs.C_CloseSession {
                // SAFETY: the session was opened by this value and is
                // closed once.
                let _ = unsafe { close(session) };
            }
        }
    }
}

// ---------------------------------------------------------------------------
// TLS transport

/// Longest host name passed to the transport (DNS allows 253).
const HOST_MAX: usize = 255;
/// Longest ALPN protocol name offered.
const ALPN_MAX: usize = 31;

/// Everything one TLS session needs to stay put while it is open: the
/// transport's state (mbedTLS keeps pointers into it), the context that
/// points at it, the credentials and the NUL-terminated strings they use.
pub struct TlsSlot {
    params: sys::TlsTransportParams_t,
    context: sys::NetworkContext_t,
    credentials: sys::NetworkCredentials_t,
    alpn_list: [*const c_char; 2],
    alpn: [u8; ALPN_MAX + 1],
    host: [u8; HOST_MAX + 1],
}

/// Copy `s` into `dst` with a NUL; false if it does not fit or holds a NUL.
/// (One loop, not `contains`: that pulls in core's memchr.)
fn c_string(dst: &mut [u8], s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() >= dst.len() {
        return false;
    }
    for (d, &c) in dst.iter_mut().zip(b) {
        if c == 0 {
            return false;
        }
        *d = c;
    }
    if let Some(end) = dst.get_mut(b.len()) {
        *end = 0;
    }
    true
}

/// TLS connections through `TLS_FreeRTOS_Connect` with the image's
/// credentials, one at a time, in the slot it was given.
pub struct TlsNetwork<'a> {
    slot: Option<&'a mut TlsSlot>,
}

impl<'a> TlsNetwork<'a> {
    pub fn new(slot: &'a mut TlsSlot) -> Self {
        TlsNetwork { slot: Some(slot) }
    }
}

/// An open TLS session; its slot returns to the network on disconnect.
pub struct TlsConnection<'a> {
    slot: &'a mut TlsSlot,
    /// The code of the last failed receive or send, for the log.
    last_error: i32,
}

impl<'a> Network for TlsNetwork<'a> {
    type Connection = TlsConnection<'a>;

    fn connect(
        &mut self,
        host: &str,
        port: u16,
        alpn: Option<&'static str>,
    ) -> Result<TlsConnection<'a>, ConnectError> {
        // A second connection while one is open is a caller bug.
        let slot = self.slot.take().ok_or(ConnectError::InvalidParameter)?;
        match connect_in(slot, host, port, alpn) {
            Ok(()) => Ok(TlsConnection {
                slot,
                last_error: 0,
            }),
            Err(e) => {
                self.slot = Some(slot);
                Err(e)
            }
        }
    }

    fn disconnect(&mut self, connection: TlsConnection<'a>) {
        // SAFETY: the context was connected by `connect` and its params are
        // still in place; disconnect frees the transport's state.
        unsafe { sys::TLS_FreeRTOS_Disconnect(&mut connection.slot.context) };
        self.slot = Some(connection.slot);
    }

    fn last_error(&self, connection: &TlsConnection<'a>) -> (&'static str, i32) {
        let code = connection.last_error;
        (transport_error_text(code), code)
    }
}

fn connect_in(
    slot: &mut TlsSlot,
    host: &str,
    port: u16,
    alpn: Option<&'static str>,
) -> Result<(), ConnectError> {
    if !c_string(&mut slot.host, host) {
        return Err(ConnectError::InvalidParameter);
    }
    slot.alpn_list = [ptr::null(), ptr::null()];
    if let Some(a) = alpn {
        if !c_string(&mut slot.alpn, a) {
            return Err(ConnectError::InvalidParameter);
        }
        slot.alpn_list[0] = slot.alpn.as_ptr().cast();
    }
    slot.credentials = sys::NetworkCredentials_t {
        pAlpnProtos: if alpn.is_some() {
            slot.alpn_list.as_mut_ptr()
        } else {
            ptr::null_mut()
        },
        disableSni: 0,
        pRootCa: config::ROOT_CA_PEM.as_ptr(),
        rootCaSize: config::ROOT_CA_PEM.len(),
        pClientCert: config::CLIENT_CERTIFICATE_PEM.as_ptr(),
        clientCertSize: config::CLIENT_CERTIFICATE_PEM.len(),
        pPrivateKey: config::CLIENT_PRIVATE_KEY_PEM.as_ptr(),
        privateKeySize: config::CLIENT_PRIVATE_KEY_PEM.len(),
    };
    slot.context.pParams = &mut slot.params;
    let timeout = config::TRANSPORT_SEND_RECV_TIMEOUT_MS;
    // SAFETY: every pointer refers to the slot (which stays in place, behind
    // `&mut`, until disconnect) or to static PEM data; the host and ALPN
    // strings are NUL-terminated. The receive timeout comes first, as in
    // FreeRTOS-Plus.
    let status = unsafe {
        sys::TLS_FreeRTOS_Connect(
            &mut slot.context,
            slot.host.as_ptr().cast(),
            port,
            &slot.credentials,
            timeout,
            timeout,
        )
    };
    if status == sys::TLS_TRANSPORT_SUCCESS {
        Ok(())
    } else {
        Err(ConnectError::from_status(
            i32::try_from(status).unwrap_or(i32::MAX),
        ))
    }
}

/// Words for the (negative mbedTLS) codes `TLS_FreeRTOS_recv/send` return.
/// The values are the same in mbedTLS 2.28 and 3.6.
fn transport_error_text(code: i32) -> &'static str {
    match code {
        -0x7880 => "connection closed by the peer (TLS close_notify)",
        -0x7280 => "connection closed by the peer (TCP FIN without close_notify)",
        -0x0050 => "connection reset by the peer",
        -0x004C => "socket receive failed",
        -0x004E => "socket send failed",
        -0x7100 => "TLS record too large for the receive buffer",
        -0x7180 => "TLS record authentication failed (corrupted or forged data)",
        -0x7780 => "fatal TLS alert from the peer",
        -0x7F00 | -0x7F80 => "out of memory in the TLS library",
        _ => "TLS or socket error",
    }
}

/// recv/send result: a count, 0 = try again, negative = error (kept in
/// `last_error`).
fn io_result(n: i32, max: usize, last_error: &mut i32) -> Result<usize, TransportError> {
    match usize::try_from(n) {
        Ok(n) if n <= max => Ok(n),
        _ => {
            *last_error = n;
            Err(TransportError(n))
        }
    }
}

impl Transport for TlsConnection<'_> {
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        // SAFETY: the context is connected; `buf` is writable for its length
        // and not kept by the transport.
        let n = unsafe {
            sys::TLS_FreeRTOS_recv(&mut self.slot.context, buf.as_mut_ptr().cast(), buf.len())
        };
        io_result(n, buf.len(), &mut self.last_error)
    }

    fn send(&mut self, buf: &[u8]) -> Result<usize, TransportError> {
        // SAFETY: the context is connected; `buf` is readable for its length
        // and not kept by the transport beyond the call.
        let n = unsafe {
            sys::TLS_FreeRTOS_send(&mut self.slot.context, buf.as_ptr().cast(), buf.len())
        };
        io_result(n, buf.len(), &mut self.last_error)
    }
}
