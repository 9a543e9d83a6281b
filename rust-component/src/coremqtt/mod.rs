//! The coreMQTT v2.3 C API (`include/core_mqtt.h`, `core_mqtt_state.h`,
//! `core_mqtt_serializer.h`, `transport_interface.h`) and backoffAlgorithm's
//! C API (`include/backoff_algorithm.h`) over this crate's engine and
//! backoff policy (feature `coremqtt`).
//!
//! A thin layer beside `ffi`: it checks the C arguments as coreMQTT does,
//! turns them into the engine's types and runs the engine's functions on
//! the application's `MQTTContext_t` in place ([`context::Ctx`]). No second
//! protocol implementation lives here; nothing here depends on an OS.

pub mod api;
pub mod backoff_api;
pub mod context;
pub mod serializer;
pub mod types;

#[cfg(test)]
mod tests;
