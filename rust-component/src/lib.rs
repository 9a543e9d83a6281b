//! A `no_std`, allocation-free MQTT 3.1.1 client, a full-jitter backoff
//! policy, and the AWS-style mutual-authentication demo task, built as a
//! staticlib for FreeRTOS firmware.
//!
//! Layers, from the bottom:
//! * [`wire`]: serializer and validating decoder (no I/O, no time).
//! * [`state`]: QoS and acknowledgement records in caller storage.
//! * [`client`]: the session, generic over [`transport::Transport`] and
//!   [`transport::Clock`]: connect, publish, subscribe, process loop,
//!   keep-alive.
//! * [`backoff`]: full-jitter exponential backoff and a retry helper.
//! * [`log`]: a fixed-capacity log line builder (no `core::fmt`).
//! * [`demo`]: the AWS-style mutual-authentication demo flow, generic over
//!   small platform traits (TLS network, clock, delay, random, log, stats).
//! * `ffi` (feature `freertos`): those traits over FreeRTOS and the C side,
//!   and the C entry points `mqtt_demo_run` / `mqtt_demo_task_create`.
//! * [`coremqtt`] (feature `coremqtt`): coreMQTT v2.3's and
//!   backoffAlgorithm's C APIs over [`client`] and [`backoff`], for C
//!   firmware; beside `ffi`, depending on no OS.
//!
//! The engine uses no `unsafe` and no `core::fmt`; logging belongs to the
//! layers above it.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![deny(unsafe_code)]

pub mod backoff;
pub mod client;
pub mod demo;
pub mod error;
pub mod log;
pub mod state;
pub mod topic;
pub mod transport;
pub mod wire;

#[cfg(feature = "size-probe")]
pub mod probe;

/// FreeRTOS and C-side platform binding and the C entry points (feature
/// `freertos`); without it, entry points that return
/// `MQTT_DEMO_ERR_NO_PLATFORM`; under test also the committed C header check.
#[allow(unsafe_code)]
pub mod ffi;

/// The coreMQTT v2.3 and backoffAlgorithm C APIs over the engine (feature
/// `coremqtt`; always under test).
#[cfg(any(feature = "coremqtt", test))]
#[allow(unsafe_code)]
pub mod coremqtt;

pub use backoff::{retry, Backoff, Delay, Random, RetryError, RetryInfo};
pub use client::{Client, Event, Timeouts};
pub use error::{Error, Malformed};
pub use state::Record;
pub use transport::{Clock, Transport, TransportError};
pub use wire::{AckKind, Connect, Packet, Publish, QoS, Subscription, Will};

#[cfg(test)]
mod tests;

/// A panic can only come from a bug (no input reaches one); stop here rather
/// than unwind through C frames.
#[cfg(not(any(test, feature = "std", feature = "freertos")))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// `panic = "abort"` still needs this symbol when the staticlib is built for
/// a hosted target (the FreeRTOS POSIX simulator); it is never called.
#[cfg(not(any(test, feature = "std", target_os = "none")))]
#[allow(unsafe_code)]
// SAFETY: defines a symbol the toolchain expects on hosted targets; it takes
// no arguments, touches nothing, and is unreachable with panic = "abort".
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}
