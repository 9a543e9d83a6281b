//! The MQTT client: owns I/O, time, keep-alive and the QoS state machine.
//!
//! All memory is the caller's: one network buffer (every outgoing packet is
//! serialized into it, every incoming packet is received into it) and two
//! tables of [`Record`]s. Nothing is allocated.
//!
//! Incoming packets are handed to the application as [`Event`]s from
//! [`Client::poll`] / [`Client::process_loop`]. Incoming QoS 1 and QoS 2
//! publishes are acknowledged by the client itself after the event handler
//! returns. QoS 2 publishes are delivered once (on first receipt) even if the
//! server sends duplicates before its PUBREL.

use crate::error::{Error, Malformed};
use crate::state::{self, Phase, Record};
use crate::transport::{elapsed, Clock, Transport};
use crate::wire::{self, kind, AckKind, Connect, Packet, Publish, QoS, Subscription};

/// Timeouts the client applies to the transport, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest stall allowed inside a packet that has started arriving.
    pub recv_ms: u32,
    /// Longest time a send may make no progress.
    pub send_ms: u32,
    /// How long to wait for PINGRESP after PINGREQ.
    pub ping_resp_ms: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            recv_ms: 1000,
            send_ms: 1000,
            ping_resp_ms: 5000,
        }
    }
}

/// Something the server sent that the application may care about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// An application message; topic and payload borrow the network buffer.
    Publish(Publish<'a>),
    /// An acknowledgement of one of our packets, already applied to the
    /// session state:
    /// * `PubAck`: our QoS 1 publish is delivered (flow complete);
    /// * `PubRec`: our QoS 2 publish was received; PUBREL has been sent;
    /// * `PubComp`: our QoS 2 publish is complete;
    /// * `PubRel`: an incoming QoS 2 publish is released; PUBCOMP sent;
    /// * `UnsubAck`: the UNSUBSCRIBE is acknowledged.
    Ack { kind: AckKind, packet_id: u16 },
    /// The SUBSCRIBE with this id is answered: one return code per filter,
    /// 0/1/2 = granted QoS, 0x80 = refused.
    SubAck { packet_id: u16, statuses: &'a [u8] },
    /// The server answered our PINGREQ.
    PingResp,
}

/// An MQTT 3.1.1 client session over transport `T` and clock `C`.
pub struct Client<'a, T, C> {
    transport: T,
    clock: C,
    buf: &'a mut [u8],
    outgoing: &'a mut [Record],
    incoming: &'a mut [Record],
    timeouts: Timeouts,
    keep_alive_ms: u32,
    last_tx: u32,
    ping_sent: u32,
    next_id: u16,
    ping_pending: bool,
    connected: bool,
}

/// Send all of `data`, continuing partial writes; `SendFailed` on a transport
/// error or when no progress is made for `timeout` ms. Returns the time the
/// last byte left.
fn send_all<T: Transport, C: Clock>(
    t: &mut T,
    c: &mut C,
    mut data: &[u8],
    timeout: u32,
) -> Result<u32, Error> {
    let mut progress = c.now_ms();
    while !data.is_empty() {
        let n = t.send(data).map_err(|_| Error::SendFailed)?;
        let now = c.now_ms();
        if n == 0 {
            if elapsed(now, progress) >= timeout {
                return Err(Error::SendFailed);
            }
            continue;
        }
        data = data.get(n..).ok_or(Error::SendFailed)?;
        progress = now;
    }
    Ok(progress)
}

/// Move the record for `packet_id` from phase `expect` to `next` (`Free`
/// ends the flow). `acks` is the SUBACK return-code count, 0 otherwise.
fn settle(
    table: &mut [Record],
    packet_id: u16,
    expect: Phase,
    next: Phase,
    acks: usize,
) -> Result<(), Error> {
    let r = state::find(table, packet_id).ok_or(Error::BadResponse(Malformed::UnknownPacketId))?;
    if r.phase != expect {
        return Err(Error::IllegalState);
    }
    if r.filters as usize != acks {
        return Err(Error::BadResponse(Malformed::SubAckCount));
    }
    r.phase = next;
    Ok(())
}

impl<'a, T: Transport, C: Clock> Client<'a, T, C> {
    /// A disconnected client. `buf` must hold the largest packet sent or
    /// received (one too small for CONNECT fails [`Client::connect`] with
    /// `NoMemory`); the tables bound how many acknowledgements may be
    /// outstanding in each direction.
    pub fn new(
        transport: T,
        clock: C,
        buf: &'a mut [u8],
        outgoing: &'a mut [Record],
        incoming: &'a mut [Record],
        timeouts: Timeouts,
    ) -> Self {
        Client {
            transport,
            clock,
            buf,
            outgoing,
            incoming,
            timeouts,
            keep_alive_ms: 0,
            last_tx: 0,
            ping_sent: 0,
            next_id: 0,
            ping_pending: false,
            connected: false,
        }
    }

    /// Whether CONNACK accepted us and no fatal error happened since.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// The transport, e.g. to close it after [`Client::disconnect`].
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Send CONNECT and wait up to `connack_timeout_ms` for CONNACK.
    ///
    /// Returns the session-present flag. With session present, PUBRELs still
    /// owed are resent here and SUBSCRIBE/UNSUBSCRIBE records from the old
    /// connection are dropped; publishes awaiting PUBACK/PUBREC are listed by
    /// [`Client::pending_publishes`] for [`Client::resend`]. Without it, all
    /// state records are cleared.
    ///
    /// Errors: `BadParameter`, `NoMemory` (buffer), `SendFailed`,
    /// `RecvFailed`, `NoDataAvailable` (no CONNACK in time), `ServerRefused`,
    /// `BadResponse` (not a CONNACK, malformed, session present on a clean
    /// session), `PacketTooLarge`.
    pub fn connect(&mut self, c: &Connect<'_>, connack_timeout_ms: u32) -> Result<bool, Error> {
        self.connected = false;
        self.ping_pending = false;
        let n = wire::encode_connect(self.buf, c)?;
        self.send_buf(n)?;
        let start = self.clock.now_ms();
        let (first, len) = loop {
            if let Some(got) = self.receive()? {
                break got;
            }
            if elapsed(self.clock.now_ms(), start) >= connack_timeout_ms {
                return Err(Error::NoDataAvailable);
            }
        };
        let body = self.buf.get(..len).unwrap_or_default();
        let Packet::ConnAck {
            session_present,
            code,
        } = wire::decode_body(first, body)?
        else {
            return Err(Error::BadResponse(Malformed::UnexpectedType));
        };
        if code != 0 {
            return Err(Error::ServerRefused(code));
        }
        if session_present && c.clean_session {
            return Err(Error::BadResponse(Malformed::SessionPresent));
        }
        self.keep_alive_ms = c.keep_alive_s as u32 * 1000;
        self.connected = true;
        if !session_present {
            state::clear(self.outgoing);
            state::clear(self.incoming);
            return Ok(false);
        }
        self.resend_pubrels()?;
        Ok(true)
    }

    /// After a resumed session: resend owed PUBRELs, and drop SUBSCRIBE and
    /// UNSUBSCRIBE records, which a server never answers across sessions.
    fn resend_pubrels(&mut self) -> Result<(), Error> {
        for i in 0..self.outgoing.len() {
            let Some(r) = self.outgoing.get_mut(i) else {
                break;
            };
            match r.phase {
                Phase::AwaitPubComp => {
                    let b = wire::ack_bytes(kind::PUBREL, r.packet_id);
                    self.send_bytes(&b)?;
                }
                Phase::AwaitSubAck | Phase::AwaitUnsubAck => *r = Record::EMPTY,
                _ => {}
            }
        }
        Ok(())
    }

    /// Publish a message. `p.packet_id` and `p.dup` are assigned here; the
    /// packet id used (0 for QoS 0) is returned. For QoS 1/2 a record stays in
    /// the outgoing table until the flow completes.
    ///
    /// Errors: `IllegalState` (not connected), `BadParameter` (topic),
    /// `NoMemory` (buffer or table full), `SendFailed`.
    pub fn publish(&mut self, p: &Publish<'_>) -> Result<u16, Error> {
        self.require_connected()?;
        let mut p = *p;
        p.dup = false;
        p.packet_id = 0;
        let phase = match p.qos {
            QoS::AtMostOnce => Phase::Free,
            QoS::AtLeastOnce => Phase::AwaitPubAck,
            QoS::ExactlyOnce => Phase::AwaitPubRec,
        };
        if phase != Phase::Free {
            p.packet_id = self.alloc_id()?;
        }
        let n = wire::encode_publish(self.buf, &p)?;
        if phase != Phase::Free && !state::insert(self.outgoing, p.packet_id, phase, 0) {
            return Err(Error::NoMemory);
        }
        self.send_buf(n)?;
        Ok(p.packet_id)
    }

    /// Packet ids of our publishes still awaiting PUBACK or PUBREC, e.g. after
    /// a resumed session; resend each with [`Client::resend`].
    pub fn pending_publishes(&self) -> impl Iterator<Item = u16> + '_ {
        self.outgoing
            .iter()
            .filter(|r| matches!(r.phase, Phase::AwaitPubAck | Phase::AwaitPubRec))
            .map(|r| r.packet_id)
    }

    /// Resend an unacknowledged publish with DUP set and its original packet
    /// id (`p.packet_id`).
    ///
    /// Errors: `IllegalState` (not connected, or the id is not awaiting
    /// PUBACK/PUBREC at this QoS), `BadParameter`, `NoMemory`, `SendFailed`.
    pub fn resend(&mut self, p: &Publish<'_>) -> Result<(), Error> {
        self.require_connected()?;
        let expect = match p.qos {
            QoS::AtLeastOnce => Phase::AwaitPubAck,
            QoS::ExactlyOnce => Phase::AwaitPubRec,
            QoS::AtMostOnce => return Err(Error::BadParameter),
        };
        let r = state::find(self.outgoing, p.packet_id).ok_or(Error::IllegalState)?;
        if r.phase != expect {
            return Err(Error::IllegalState);
        }
        let mut p = *p;
        p.dup = true;
        let n = wire::encode_publish(self.buf, &p)?;
        self.send_buf(n)
    }

    /// Subscribe to one or more filters; returns the packet id. The SUBACK
    /// arrives as [`Event::SubAck`].
    pub fn subscribe(&mut self, subs: &[Subscription<'_>]) -> Result<u16, Error> {
        let count = u8::try_from(subs.len()).map_err(|_| Error::BadParameter)?;
        self.require_connected()?;
        let id = self.alloc_id()?;
        let n = wire::encode_subscribe(self.buf, id, subs)?;
        self.track_and_send(id, Phase::AwaitSubAck, count, n)
    }

    /// Unsubscribe from one or more filters; returns the packet id. The
    /// UNSUBACK arrives as [`Event::Ack`] with [`AckKind::UnsubAck`].
    pub fn unsubscribe(&mut self, filters: &[&str]) -> Result<u16, Error> {
        self.require_connected()?;
        let id = self.alloc_id()?;
        let n = wire::encode_unsubscribe(self.buf, id, filters)?;
        self.track_and_send(id, Phase::AwaitUnsubAck, 0, n)
    }

    fn track_and_send(
        &mut self,
        id: u16,
        phase: Phase,
        filters: u8,
        n: usize,
    ) -> Result<u16, Error> {
        if !state::insert(self.outgoing, id, phase, filters) {
            return Err(Error::NoMemory);
        }
        self.send_buf(n)?;
        Ok(id)
    }

    /// Send PINGREQ now (the process loop also does it when idle).
    pub fn ping(&mut self) -> Result<(), Error> {
        self.require_connected()?;
        self.send_bytes(&wire::PINGREQ)?;
        self.ping_pending = true;
        self.ping_sent = self.last_tx;
        Ok(())
    }

    /// Send DISCONNECT. The client is disconnected afterwards either way; the
    /// caller closes the transport.
    pub fn disconnect(&mut self) -> Result<(), Error> {
        self.require_connected()?;
        let r = self.send_bytes(&wire::DISCONNECT);
        self.connected = false;
        r
    }

    /// One iteration: receive at most one packet (handing its event to
    /// `on_event`), then run keep-alive. Returns what `on_event` returned, or
    /// false when no packet arrived.
    ///
    /// Errors: `IllegalState` (not connected), `RecvFailed`, `SendFailed`,
    /// `BadResponse`, `KeepAliveTimeout`, `NoMemory` (incoming QoS 2 table
    /// full), `PacketTooLarge` (packet discarded; connection still usable).
    /// After any other error the client is disconnected.
    pub fn poll(&mut self, on_event: &mut dyn FnMut(Event<'_>) -> bool) -> Result<bool, Error> {
        self.require_connected()?;
        let r = self.poll_inner(on_event);
        if let Err(e) = r {
            if e.is_fatal() || e == Error::NoMemory {
                self.connected = false;
            }
        }
        r
    }

    /// Run [`Client::poll`] until `on_event` returns true (returns `Ok(true)`)
    /// or `timeout_ms` passes (returns `Ok(false)`). Stops at the first error.
    pub fn process_loop(
        &mut self,
        timeout_ms: u32,
        on_event: &mut dyn FnMut(Event<'_>) -> bool,
    ) -> Result<bool, Error> {
        let start = self.clock.now_ms();
        loop {
            if self.poll(on_event)? {
                return Ok(true);
            }
            if elapsed(self.clock.now_ms(), start) >= timeout_ms {
                return Ok(false);
            }
        }
    }

    fn poll_inner(&mut self, on_event: &mut dyn FnMut(Event<'_>) -> bool) -> Result<bool, Error> {
        let mut stop = false;
        if let Some((first, len)) = self.receive()? {
            stop = self.handle(first, len, on_event)?;
        }
        self.keep_alive()?;
        Ok(stop)
    }

    fn require_connected(&self) -> Result<(), Error> {
        if !self.connected {
            return Err(Error::IllegalState);
        }
        Ok(())
    }

    /// A packet id that is not 0 and not in flight.
    fn alloc_id(&mut self) -> Result<u16, Error> {
        for _ in 0..=self.outgoing.len() {
            self.next_id = self.next_id.wrapping_add(1).max(1);
            if state::find(self.outgoing, self.next_id).is_none() {
                return Ok(self.next_id);
            }
        }
        Err(Error::NoMemory)
    }

    fn send_buf(&mut self, n: usize) -> Result<(), Error> {
        let data = self.buf.get(..n).ok_or(Error::NoMemory)?;
        let r = send_all(
            &mut self.transport,
            &mut self.clock,
            data,
            self.timeouts.send_ms,
        );
        self.sent(r)
    }

    fn send_bytes(&mut self, data: &[u8]) -> Result<(), Error> {
        let r = send_all(
            &mut self.transport,
            &mut self.clock,
            data,
            self.timeouts.send_ms,
        );
        self.sent(r)
    }

    fn sent(&mut self, r: Result<u32, Error>) -> Result<(), Error> {
        match r {
            Ok(t) => {
                self.last_tx = t;
                Ok(())
            }
            Err(e) => {
                self.connected = false;
                Err(e)
            }
        }
    }

    fn keep_alive(&mut self) -> Result<(), Error> {
        if self.keep_alive_ms == 0 {
            return Ok(());
        }
        let now = self.clock.now_ms();
        if self.ping_pending {
            if elapsed(now, self.ping_sent) >= self.timeouts.ping_resp_ms {
                return Err(Error::KeepAliveTimeout);
            }
            return Ok(());
        }
        if elapsed(now, self.last_tx) >= self.keep_alive_ms {
            return self.ping();
        }
        Ok(())
    }

    /// Fill `buf[start..end]` from the transport, allowing a stall of at most
    /// the receive timeout between pieces.
    fn recv_exact(&mut self, mut start: usize, end: usize) -> Result<(), Error> {
        let mut progress = self.clock.now_ms();
        while start < end {
            let dst = self.buf.get_mut(start..end).ok_or(Error::NoMemory)?;
            let want = dst.len();
            let n = self.transport.recv(dst).map_err(|_| Error::RecvFailed)?;
            if n > want {
                return Err(Error::RecvFailed);
            }
            let now = self.clock.now_ms();
            if n == 0 {
                if elapsed(now, progress) >= self.timeouts.recv_ms {
                    return Err(Error::RecvFailed);
                }
                continue;
            }
            start += n;
            progress = now;
        }
        Ok(())
    }

    /// Receive one whole packet into the buffer if one is arriving. Returns
    /// its first byte and the length of its body, which starts at `buf[0]`.
    /// Only reached once CONNECT fitted the buffer, so it holds at least the
    /// first byte and a four-byte remaining length.
    fn receive(&mut self) -> Result<Option<(u8, usize)>, Error> {
        let mut head = [0u8; 1];
        let n = self
            .transport
            .recv(&mut head)
            .map_err(|_| Error::RecvFailed)?;
        match n {
            0 => return Ok(None),
            1 => {}
            _ => return Err(Error::RecvFailed),
        }
        let [first] = head;
        wire::check_first_byte(first)?;
        let mut used = 1;
        let remaining = loop {
            self.recv_exact(used, used + 1)?;
            used += 1;
            let len_bytes = self.buf.get(1..used).unwrap_or_default();
            match wire::decode_remaining_length(len_bytes) {
                Ok((value, _)) => break value,
                Err(Error::NeedMoreBytes) => continue,
                Err(e) => return Err(e),
            }
        };
        if remaining > self.buf.len() {
            self.drain(remaining)?;
            return Err(Error::PacketTooLarge);
        }
        self.recv_exact(0, remaining)?;
        Ok(Some((first, remaining)))
    }

    /// Read and discard `left` bytes, the body of a packet too large to keep.
    fn drain(&mut self, mut left: usize) -> Result<(), Error> {
        while left > 0 {
            let chunk = left.min(self.buf.len());
            self.recv_exact(0, chunk)?;
            left -= chunk;
        }
        Ok(())
    }

    /// Apply one received packet to the session and report it.
    fn handle(
        &mut self,
        first: u8,
        len: usize,
        on_event: &mut dyn FnMut(Event<'_>) -> bool,
    ) -> Result<bool, Error> {
        let body = self.buf.get(..len).unwrap_or_default();
        let packet = wire::decode_body(first, body)?;
        let out = &mut *self.outgoing;
        let mut reply = None;
        let stop = match packet {
            Packet::ConnAck { .. } => return Err(Error::BadResponse(Malformed::UnexpectedType)),
            Packet::Publish(p) => {
                let id = p.packet_id;
                match p.qos {
                    QoS::AtMostOnce => on_event(Event::Publish(p)),
                    QoS::AtLeastOnce => {
                        reply = Some((kind::PUBACK, id));
                        on_event(Event::Publish(p))
                    }
                    QoS::ExactlyOnce => {
                        reply = Some((kind::PUBREC, id));
                        if state::find(self.incoming, id).is_some() {
                            false // duplicate before PUBREL: delivered already
                        } else if state::insert(self.incoming, id, Phase::AwaitPubRel, 0) {
                            on_event(Event::Publish(p))
                        } else {
                            return Err(Error::NoMemory);
                        }
                    }
                }
            }
            Packet::Ack { kind: k, packet_id } => {
                let (expect, next, answer) = match k {
                    AckKind::PubAck => (Phase::AwaitPubAck, Phase::Free, None),
                    AckKind::PubRec => {
                        (Phase::AwaitPubRec, Phase::AwaitPubComp, Some(kind::PUBREL))
                    }
                    AckKind::PubComp => (Phase::AwaitPubComp, Phase::Free, None),
                    AckKind::UnsubAck => (Phase::AwaitUnsubAck, Phase::Free, None),
                    AckKind::PubRel => {
                        // Unknown ids are completed too: the server may repeat
                        // a PUBREL whose PUBCOMP it did not see. (Incoming
                        // records are only ever AwaitPubRel.)
                        if let Some(r) = state::find(self.incoming, packet_id) {
                            *r = Record::EMPTY;
                        }
                        (Phase::Free, Phase::Free, Some(kind::PUBCOMP))
                    }
                };
                if expect != Phase::Free {
                    settle(out, packet_id, expect, next, 0)?;
                }
                reply = answer.map(|a| (a, packet_id));
                on_event(Event::Ack { kind: k, packet_id })
            }
            Packet::SubAck {
                packet_id,
                statuses,
            } => {
                settle(
                    out,
                    packet_id,
                    Phase::AwaitSubAck,
                    Phase::Free,
                    statuses.len(),
                )?;
                on_event(Event::SubAck {
                    packet_id,
                    statuses,
                })
            }
            Packet::PingResp => {
                if !self.ping_pending {
                    return Err(Error::BadResponse(Malformed::UnsolicitedPingResp));
                }
                self.ping_pending = false;
                on_event(Event::PingResp)
            }
        };
        if let Some((k, id)) = reply {
            self.send_bytes(&wire::ack_bytes(k, id))?;
        }
        Ok(stop)
    }
}
