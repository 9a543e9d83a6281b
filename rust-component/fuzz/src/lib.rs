//! The engine modules of `rust-component`, compiled from their own source
//! files for fuzzing, plus the fakes the targets share (some of them the unit
//! tests' own, from `src/tests/shared.rs`).
//!
//! Why not a path dependency on `rust-component`: that crate is a `no_std`
//! staticlib that defines its own `#[panic_handler]` (and a
//! `rust_eh_personality` stub) unless built for its tests or with the
//! `freertos` feature, and a libFuzzer binary links `std`, which defines the
//! same lang item. Including the engine's files (`wire`, `client`, `state`,
//! `error`, `topic`, `transport`) under the same module names keeps every
//! `crate::...` path inside them valid, and fuzzes exactly the code that
//! ships; the `rust-component` lib root, the demo flow and the FFI are left
//! out. If the crate ever gates its panic handler on `not(fuzzing)`, this
//! file can become a plain dependency.
#![forbid(unsafe_code)]
#![allow(dead_code)]

#[path = "../../src/client.rs"]
pub mod client;
#[path = "../../src/error.rs"]
pub mod error;
#[path = "../../src/state.rs"]
pub mod state;
#[path = "../../src/topic.rs"]
pub mod topic;
#[path = "../../src/transport.rs"]
pub mod transport;
#[path = "../../src/wire.rs"]
pub mod wire;

/// The unit tests' fake clock and client-packet parser (also engine-only).
#[path = "../../src/tests/shared.rs"]
pub mod shared;

pub mod fake;
