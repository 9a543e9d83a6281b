//! Session state: the QoS records and the scalar state of one connection.
//!
//! Both are laid out like coreMQTT's (`MQTTPubAckInfo_t`, and the fields of
//! `MQTTContext_t` from `nextPacketId` on), so the coreMQTT-compatible C API
//! runs the engine on the application's own `MQTTContext_t` in place, and a
//! C application reads the state the engine keeps. Rust users never see the
//! C side of it: [`crate::client::Client`] holds a [`Vars`] of its own.
//!
//! A slot is free when its packet id is 0, as in coreMQTT. The engine keeps
//! the used records packed at the start of the table in the order they were
//! added (so resends come out in the order of the original sends, MQTT-4.6.0-1):
//! new records go after the last one, a removed record's followers move up,
//! and a search stops at the first free slot.

/// The integer type a C compiler gives an enum of small values on this
/// target: one byte on bare-metal ARM EABI (short enums, as gcc and rustc
/// both lay them out), `int` elsewhere. Fields that C declares as enums are
/// read as this integer, so no value a C program stores can be invalid here.
#[cfg(all(target_arch = "arm", target_os = "none"))]
pub type CEnum = u8;
/// See the ARM definition.
#[cfg(not(all(target_arch = "arm", target_os = "none")))]
pub type CEnum = u32;

/// `MQTTPublishState_t` values (the state of one QoS 1/2 publish flow).
pub mod publish_state {
    use super::CEnum;
    pub const NULL: CEnum = 0;
    pub const PUBLISH_SEND: CEnum = 1;
    pub const PUBACK_SEND: CEnum = 2;
    pub const PUBREC_SEND: CEnum = 3;
    pub const PUBREL_SEND: CEnum = 4;
    pub const PUBCOMP_SEND: CEnum = 5;
    pub const PUBACK_PENDING: CEnum = 6;
    pub const PUBREC_PENDING: CEnum = 7;
    pub const PUBREL_PENDING: CEnum = 8;
    pub const PUBCOMP_PENDING: CEnum = 9;
    pub const PUBLISH_DONE: CEnum = 10;
}
use publish_state as ps;

/// One QoS record (`MQTTPubAckInfo_t`). Declare storage as
/// `[Record::EMPTY; N]`.
///
/// Outgoing records: our QoS 1 publishes awaiting PUBACK, QoS 2 publishes
/// awaiting PUBREC or PUBCOMP. Incoming records: QoS 2 publishes delivered
/// and acknowledged with PUBREC, awaiting the server's PUBREL.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// 0 = free slot.
    pub packet_id: u16,
    /// QoS of the publish (1 or 2).
    pub qos: CEnum,
    /// A [`publish_state`] value.
    pub state: CEnum,
}

impl Record {
    pub const EMPTY: Record = Record {
        packet_id: 0,
        qos: 0,
        state: ps::NULL,
    };
}

impl Default for Record {
    fn default() -> Self {
        Record::EMPTY
    }
}

/// Where the record of `packet_id` (not 0) is.
pub(crate) fn position(table: &[Record], packet_id: u16) -> Option<usize> {
    table
        .iter()
        .take_while(|r| r.packet_id != 0)
        .position(|r| r.packet_id == packet_id)
}

/// Remove the record at `at`; the ones after it move up.
pub(crate) fn remove(table: &mut [Record], mut at: usize) {
    loop {
        let next = table.get(at + 1).copied().unwrap_or(Record::EMPTY);
        let Some(r) = table.get_mut(at) else { break };
        *r = next;
        if next.packet_id == 0 {
            break;
        }
        at += 1;
    }
}

/// Why a record could not be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AddError {
    Full,
    Collision,
}

/// Add a record after the last one. `Collision` if the id is already
/// recorded, `Full` if no slot is free.
pub(crate) fn add(
    table: &mut [Record],
    packet_id: u16,
    qos: CEnum,
    state: CEnum,
) -> Result<(), AddError> {
    let mut end = 0;
    for r in table.iter() {
        if r.packet_id == 0 {
            break;
        }
        if r.packet_id == packet_id {
            return Err(AddError::Collision);
        }
        end += 1;
    }
    let r = table.get_mut(end).ok_or(AddError::Full)?;
    *r = Record {
        packet_id,
        qos,
        state,
    };
    Ok(())
}

/// Free every slot.
#[inline(always)]
pub(crate) fn clear(table: &mut [Record]) {
    for r in table.iter_mut() {
        *r = Record::EMPTY;
    }
}

/// The scalar state of one connection, laid out like the fields of
/// coreMQTT's `MQTTContext_t` from `nextPacketId` to `waitingForPingResp`,
/// followed by the engine's own extension fields. Booleans are bytes
/// (0 = false) and enums [`CEnum`]s, so any value C stores is valid here.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vars {
    /// The packet id `MQTT_GetPacketId` hands out next (never 0).
    pub next_packet_id: u16,
    /// `MQTTConnectionStatus_t`: 1 = connected.
    pub connect_status: CEnum,
    /// Slots of the C context's `getTime` and `appCallback` pointers; the
    /// engine never touches them.
    pub c_get_time: usize,
    pub c_app_callback: usize,
    /// When the last packet was sent / received (ms).
    pub last_tx_ms: u32,
    pub last_rx_ms: u32,
    /// Set when an acknowledgement or PINGREQ was sent (coreMQTT's
    /// `controlPacketSent`).
    pub control_packet_sent: u8,
    /// Bytes received into the network buffer and not consumed yet.
    pub index: usize,
    /// Keep-alive interval of the connection, seconds (0 = off).
    pub keep_alive_s: u16,
    /// When the PINGREQ now awaiting its PINGRESP was sent (ms).
    pub ping_sent_ms: u32,
    /// A PINGREQ awaits its PINGRESP.
    pub waiting_for_ping_resp: u8,
    // -- extensions: not in coreMQTT --
    /// When the first byte of the packet now arriving was received (ms);
    /// bounds the time a packet may take (see `Timeouts::packet_ms`).
    pub packet_start_ms: u32,
    /// Bytes of a packet too large for the network buffer still to be read
    /// and discarded.
    pub discard_remaining: usize,
    /// Non-zero while an event handler runs (re-entrant receive refused).
    pub in_callback: u8,
}

impl Vars {
    /// A disconnected session whose first packet id is 1.
    pub const NEW: Vars = Vars {
        next_packet_id: 1,
        connect_status: 0,
        c_get_time: 0,
        c_app_callback: 0,
        last_tx_ms: 0,
        last_rx_ms: 0,
        control_packet_sent: 0,
        index: 0,
        keep_alive_s: 0,
        ping_sent_ms: 0,
        waiting_for_ping_resp: 0,
        packet_start_ms: 0,
        discard_remaining: 0,
        in_callback: 0,
    };

    pub const fn connected(&self) -> bool {
        self.connect_status != 0
    }
}

impl Default for Vars {
    fn default() -> Self {
        Vars::NEW
    }
}
