//! The MQTT exchange of one connection: CONNECT, SUBSCRIBE, PUBLISH and
//! wait for PUBACK and echo, UNSUBSCRIBE, DISCONNECT.

use super::report::{log, on_event, push_retry, Awaited, DemoError, Step};
use super::{
    DemoConfig, MAX_CLIENT_ID_LEN, MESSAGE, MQTT_LIB, STATE_RECORDS, TOPIC_SUFFIX, USERNAME_LEN,
};
use crate::backoff::{retry, Delay, Random, RetryError, RetryInfo};
use crate::client::{Client, Event};
use crate::error::{Error, Malformed};
use crate::log::{Level, LogSink};
use crate::transport::{Clock, Transport};
use crate::wire::{AckKind, Connect, Publish, QoS, Subscription, SUBACK_FAILURE};

const TOPIC_LEN: usize = MAX_CLIENT_ID_LEN + TOPIC_SUFFIX.len();

/// Topic and user name, built once per run.
pub(super) struct Names {
    pub(super) topic: heapless::String<TOPIC_LEN>,
    pub(super) username: heapless::String<USERNAME_LEN>,
}

impl Names {
    pub(super) fn new(cfg: &DemoConfig<'_>) -> Result<Self, DemoError> {
        if cfg.client_id.is_empty() || cfg.client_id.len() > MAX_CLIENT_ID_LEN {
            return Err(DemoError::Config("client id must be 1 to 128 bytes"));
        }
        if cfg.endpoint.is_empty() {
            return Err(DemoError::Config("broker endpoint is empty"));
        }
        let mut topic = heapless::String::new();
        let topic_ok =
            topic.push_str(cfg.client_id).is_ok() && topic.push_str(TOPIC_SUFFIX).is_ok();
        let mut username = heapless::String::new();
        let user_ok = !cfg.aws_iot
            || [
                "?SDK=",
                cfg.os_name,
                "&Version=",
                cfg.os_version,
                "&Platform=",
                cfg.hardware_platform,
                "&MQTTLib=",
                MQTT_LIB,
            ]
            .iter()
            .all(|s| username.push_str(s).is_ok());
        if !topic_ok || !user_ok {
            return Err(DemoError::Config("topic or metrics user name too long"));
        }
        Ok(Names { topic, username })
    }
}

/// What the MQTT session needs besides the client.
pub(super) struct Env<'e, 'c, D, R, L> {
    pub(super) cfg: &'e DemoConfig<'c>,
    pub(super) names: &'e Names,
    pub(super) sink: &'e L,
    pub(super) delay: &'e mut D,
    pub(super) random: &'e mut R,
    /// The network buffer's size, for the log of discarded packets.
    pub(super) buf_len: usize,
}

impl<D: Delay, R: Random, L: LogSink> Env<'_, '_, D, R, L> {
    /// CONNECT, the exchange, and DISCONNECT while the session is up.
    pub(super) fn session<T: Transport, C: Clock>(
        &mut self,
        mut client: Client<'_, T, C>,
    ) -> Result<(), DemoError> {
        let cfg = self.cfg;
        let mut connect = Connect::new(cfg.client_id, cfg.keep_alive_s);
        connect.clean_session = cfg.clean_session;
        if cfg.aws_iot {
            connect.username = Some(self.names.username.as_str());
        }
        log(self.sink, Level::Info, &mut |l| {
            l.push_str("MQTT CONNECT as ")
                .push_str(cfg.client_id)
                .push_str(", keep-alive ")
                .push_u32(cfg.keep_alive_s as u32)
                .push_str(" s");
        });
        let present = client
            .connect(&connect, cfg.connack_timeout_ms)
            .map_err(|e| DemoError::Mqtt(Step::Connect, e))?;
        log(self.sink, Level::Info, &mut |l| {
            l.push_str("CONNACK: connection accepted, session present: ")
                .push_str(if present { "yes" } else { "no" });
        });
        let result = self.exchange(&mut client, present);
        if client.is_connected() {
            log(self.sink, Level::Info, &mut |l| {
                l.push_str("disconnecting");
            });
            let r = client.disconnect();
            if result.is_ok() {
                r.map_err(|e| DemoError::Mqtt(Step::Disconnect, e))?;
            }
        }
        result
    }

    /// Run the process loop until `want` says the awaited packet arrived;
    /// every event is logged first.
    fn wait<T: Transport, C: Clock>(
        &self,
        client: &mut Client<'_, T, C>,
        step: Step,
        want: &mut dyn FnMut(&Event<'_>) -> bool,
    ) -> Result<bool, DemoError> {
        wait(client, self.cfg, self.sink, self.buf_len, step, want)
    }

    /// Subscribe, publish and wait, unsubscribe.
    fn exchange<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
        session_present: bool,
    ) -> Result<(), DemoError> {
        let names = self.names;
        let topic = names.topic.as_str();
        let message = Publish::new(topic, MESSAGE, QoS::AtLeastOnce);
        if session_present {
            self.resend_pending(client, &message)?;
        }
        self.subscribe(client)?;
        for n in 0..self.cfg.publish_count {
            if n > 0 {
                self.delay.delay_ms(self.cfg.delay_between_publishes_ms);
            }
            self.publish(client, &message)?;
        }
        let id = client
            .unsubscribe(&[topic])
            .map_err(|e| DemoError::Mqtt(Step::Unsubscribe, e))?;
        let unsuback = Event::Ack {
            kind: AckKind::UnsubAck,
            packet_id: id,
        };
        if !self.wait(client, Step::Unsubscribe, &mut |ev| *ev == unsuback)? {
            return Err(DemoError::Timeout(Awaited::UnsubAck));
        }
        log(self.sink, Level::Info, &mut |l| {
            l.push_str("unsubscribed from ").push_str(topic);
        });
        Ok(())
    }

    /// A resumed session: resend our publishes still awaiting PUBACK.
    fn resend_pending<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
        message: &Publish<'_>,
    ) -> Result<(), DemoError> {
        let mut ids = heapless::Vec::<u16, STATE_RECORDS>::new();
        for id in client.pending_publishes() {
            let _ = ids.push(id);
        }
        for id in ids {
            log(self.sink, Level::Info, &mut |l| {
                l.push_str("resending PUBLISH packet id ")
                    .push_u32(id as u32);
            });
            let mut p = *message;
            p.packet_id = id;
            client
                .resend(&p)
                .map_err(|e| DemoError::Mqtt(Step::Publish, e))?;
        }
        Ok(())
    }

    /// SUBSCRIBE at QoS 1, retried with backoff while refused.
    fn subscribe<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
    ) -> Result<(), DemoError> {
        /// The broker said 0x80: worth retrying.
        struct Refused;
        let (cfg, names, sink) = (self.cfg, self.names, self.sink);
        let topic = names.topic.as_str();
        let mut backoff = cfg.backoff();
        let buf_len = self.buf_len;
        let attempt = || -> Result<Result<u8, DemoError>, Refused> {
            log(sink, Level::Info, &mut |l| {
                l.push_str("SUBSCRIBE to ")
                    .push_str(topic)
                    .push_str(" at QoS 1");
            });
            let sub = [Subscription {
                filter: topic,
                qos: QoS::AtLeastOnce,
            }];
            let id = match client.subscribe(&sub) {
                Ok(id) => id,
                Err(e) => return Ok(Err(DemoError::Mqtt(Step::Subscribe, e))),
            };
            // Some(count, first return code) once our SUBACK arrived.
            let mut granted = None;
            let waited = wait(
                client,
                cfg,
                sink,
                buf_len,
                Step::Subscribe,
                &mut |ev| match ev {
                    Event::SubAck {
                        packet_id,
                        statuses,
                    } if *packet_id == id => {
                        granted = Some((statuses.len(), statuses.first().copied()));
                        true
                    }
                    _ => false,
                },
            );
            match (waited, granted) {
                (Err(e), _) => Ok(Err(e)),
                (Ok(_), None) => Ok(Err(DemoError::Timeout(Awaited::SubAck))),
                (Ok(_), Some((1, Some(SUBACK_FAILURE)))) => Err(Refused),
                (Ok(_), Some((1, Some(qos)))) => Ok(Ok(qos)),
                (Ok(_), Some(_)) => Ok(Err(DemoError::Mqtt(
                    Step::Subscribe,
                    Error::BadResponse(Malformed::SubAckCount),
                ))),
            }
        };
        let on_retry = |_: &Refused, info: RetryInfo| {
            log(sink, Level::Warn, &mut |l| {
                l.push_str("SUBSCRIBE to ")
                    .push_str(topic)
                    .push_str(" refused by the broker (SUBACK 0x80); ");
                push_retry(l, &info);
            })
        };
        let (random, delay) = (&mut *self.random, &mut *self.delay);
        let granted = match retry(&mut backoff, random, delay, attempt, on_retry) {
            Ok(r) => r?,
            Err(RetryError::Exhausted(Refused)) => return Err(DemoError::SubscribeRefused),
            Err(RetryError::RandomFailed(Refused)) => return Err(DemoError::RandomFailed),
        };
        log(sink, Level::Info, &mut |l| {
            l.push_str("subscribed to ")
                .push_str(topic)
                .push_str(", granted QoS ")
                .push_u32(granted as u32);
        });
        Ok(())
    }

    /// One QoS 1 publish; wait for its PUBACK and for the broker's echo.
    fn publish<T: Transport, C: Clock>(
        &mut self,
        client: &mut Client<'_, T, C>,
        message: &Publish<'_>,
    ) -> Result<(), DemoError> {
        let names = self.names;
        let topic = names.topic.as_str();
        let id = client
            .publish(message)
            .map_err(|e| DemoError::Mqtt(Step::Publish, e))?;
        log(self.sink, Level::Info, &mut |l| {
            l.push_str("PUBLISH packet id ")
                .push_u32(id as u32)
                .push_str(" to ")
                .push_str(topic)
                .push_str(": ")
                .push_escaped(MESSAGE);
        });
        let (mut acked, mut echoed) = (false, false);
        self.wait(client, Step::Publish, &mut |ev| {
            match ev {
                Event::Ack {
                    kind: AckKind::PubAck,
                    packet_id,
                } if *packet_id == id => acked = true,
                Event::Publish(p) if p.topic == topic.as_bytes() && p.payload == MESSAGE => {
                    echoed = true
                }
                _ => {}
            }
            acked && echoed
        })?;
        match (acked, echoed) {
            (true, true) => Ok(()),
            (false, _) => Err(DemoError::Timeout(Awaited::PubAck)),
            (true, false) => Err(DemoError::Timeout(Awaited::Echo)),
        }
    }
}

/// Run the process loop until `want` says the awaited packet arrived (or
/// the process-loop timeout passes); every event is logged first.
fn wait<T: Transport, C: Clock>(
    client: &mut Client<'_, T, C>,
    cfg: &DemoConfig<'_>,
    sink: &dyn LogSink,
    buf_len: usize,
    step: Step,
    want: &mut dyn FnMut(&Event<'_>) -> bool,
) -> Result<bool, DemoError> {
    client
        .process_loop(cfg.process_loop_timeout_ms, &mut |ev| {
            on_event(sink, &ev, buf_len);
            want(&ev)
        })
        .map_err(|e| DemoError::Mqtt(step, e))
}
