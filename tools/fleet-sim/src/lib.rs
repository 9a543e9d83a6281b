//! Fleet reconnect storms: the figures of a storm from its events
//! ([`figures`], shared with tools/fleet's measured runs) and a simulation
//! of up to millions of devices in virtual time that runs rust-component's
//! own backoff policy ([`sim`]).

pub mod figures;
pub mod sim;

#[cfg(test)]
mod tests;
