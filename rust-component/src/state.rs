//! QoS and acknowledgement state records, kept in caller-provided storage.
//!
//! The client holds two tables the application sizes: outgoing records
//! (publishes at QoS 1/2, SUBSCRIBE, UNSUBSCRIBE waiting for their ack) and
//! incoming records (QoS 2 publishes waiting for PUBREL). A packet id is never
//! reused while its record is in the outgoing table.

/// Where a packet is in its acknowledgement flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Slot unused.
    Free,
    /// Outgoing QoS 1 PUBLISH sent; waiting for PUBACK.
    AwaitPubAck,
    /// Outgoing QoS 2 PUBLISH sent; waiting for PUBREC.
    AwaitPubRec,
    /// Outgoing QoS 2 PUBREL sent; waiting for PUBCOMP.
    AwaitPubComp,
    /// SUBSCRIBE sent ([`Record::filters`] filters); waiting for SUBACK.
    AwaitSubAck,
    /// UNSUBSCRIBE sent; waiting for UNSUBACK.
    AwaitUnsubAck,
    /// Incoming QoS 2 PUBLISH delivered and PUBREC sent; waiting for PUBREL.
    AwaitPubRel,
}

/// One state record. Declare storage as `[Record::EMPTY; N]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub packet_id: u16,
    pub phase: Phase,
    /// For SUBSCRIBE: how many filters, so the SUBACK's count is checked.
    pub filters: u8,
}

impl Record {
    pub const EMPTY: Record = Record {
        packet_id: 0,
        phase: Phase::Free,
        filters: 0,
    };
}

impl Default for Record {
    fn default() -> Self {
        Record::EMPTY
    }
}

/// The in-use record with this packet id.
pub(crate) fn find(table: &mut [Record], packet_id: u16) -> Option<&mut Record> {
    table
        .iter_mut()
        .find(|r| r.phase != Phase::Free && r.packet_id == packet_id)
}

/// Store a new record in a free slot; false when the table is full.
pub(crate) fn insert(table: &mut [Record], packet_id: u16, phase: Phase, filters: u8) -> bool {
    match table.iter_mut().find(|r| r.phase == Phase::Free) {
        Some(slot) => {
            *slot = Record {
                packet_id,
                phase,
                filters,
            };
            true
        }
        None => false,
    }
}

pub(crate) fn clear(table: &mut [Record]) {
    for r in table.iter_mut() {
        *r = Record::EMPTY;
    }
}
