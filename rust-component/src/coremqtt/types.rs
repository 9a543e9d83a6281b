//! The C types of the coreMQTT v2.3 API, as `#[repr(C)]` mirrors of
//! `include/core_mqtt*.h`, `transport_interface.h` and `backoff_algorithm.h`.
//!
//! C `bool` fields the application writes are read as `u8` (any non-zero
//! is true) and C enums as [`CEnum`], so no value a C program stores can be
//! an invalid Rust value. The build checks every size and offset here
//! against the firmware's own C compiler (`build.rs`, `cview`).

use core::ffi::c_void;

pub use crate::state::{CEnum, Record, Vars};

/// `MQTTStatus_t` values.
pub mod status {
    use super::CEnum;
    pub const SUCCESS: CEnum = 0;
    pub const BAD_PARAMETER: CEnum = 1;
    pub const NO_MEMORY: CEnum = 2;
    pub const SEND_FAILED: CEnum = 3;
    pub const RECV_FAILED: CEnum = 4;
    pub const BAD_RESPONSE: CEnum = 5;
    pub const SERVER_REFUSED: CEnum = 6;
    pub const NO_DATA_AVAILABLE: CEnum = 7;
    pub const ILLEGAL_STATE: CEnum = 8;
    pub const STATE_COLLISION: CEnum = 9;
    pub const KEEP_ALIVE_TIMEOUT: CEnum = 10;
    pub const NEED_MORE_BYTES: CEnum = 11;
}

/// `NetworkContext_t *`: the transport's own, never looked into.
pub type NetworkContext = *mut c_void;

/// `TransportRecv_t`.
pub type RecvFn = unsafe extern "C" fn(NetworkContext, *mut c_void, usize) -> i32;
/// `TransportSend_t`.
pub type SendFn = unsafe extern "C" fn(NetworkContext, *const c_void, usize) -> i32;
/// `TransportWritev_t` (accepted, not called).
pub type WritevFn = unsafe extern "C" fn(NetworkContext, *mut OutVector, usize) -> i32;
/// `MQTTGetCurrentTimeFunc_t`.
pub type GetTimeFn = unsafe extern "C" fn() -> u32;
/// `MQTTEventCallback_t`.
pub type EventCallbackFn =
    unsafe extern "C" fn(*mut MqttContext, *mut PacketInfo, *mut DeserializedInfo);

/// `TransportOutVector_t`.
#[repr(C)]
pub struct OutVector {
    pub base: *const c_void,
    pub len: usize,
}

/// `TransportInterface_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct TransportInterface {
    pub recv: Option<RecvFn>,
    pub send: Option<SendFn>,
    pub writev: Option<WritevFn>,
    pub network_context: NetworkContext,
}

/// `MQTTFixedBuffer_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FixedBuffer {
    pub buffer: *mut u8,
    pub size: usize,
}

/// `MQTTConnectInfo_t`.
#[repr(C)]
pub struct ConnectInfo {
    pub clean_session: u8,
    pub keep_alive_s: u16,
    pub client_id: *const u8,
    pub client_id_len: u16,
    pub user_name: *const u8,
    pub user_name_len: u16,
    pub password: *const u8,
    pub password_len: u16,
}

/// `MQTTSubscribeInfo_t`.
#[repr(C)]
pub struct SubscribeInfo {
    pub qos: CEnum,
    pub filter: *const u8,
    pub filter_len: u16,
}

/// `MQTTPublishInfo_t`.
#[repr(C)]
pub struct PublishInfo {
    pub qos: CEnum,
    pub retain: u8,
    pub dup: u8,
    pub topic: *const u8,
    pub topic_len: u16,
    pub payload: *const c_void,
    pub payload_len: usize,
}

/// `MQTTPacketInfo_t`.
#[repr(C)]
pub struct PacketInfo {
    pub kind: u8,
    pub remaining_data: *mut u8,
    pub remaining_length: usize,
    pub header_length: usize,
}

/// `MQTTDeserializedInfo_t`.
#[repr(C)]
pub struct DeserializedInfo {
    pub packet_id: u16,
    pub publish_info: *mut PublishInfo,
    pub result: CEnum,
}

/// `MQTTContext_t`: coreMQTT's fields up to `networkBuffer`, then [`Vars`]
/// (coreMQTT's fields from `nextPacketId` on, and the engine's extension
/// fields), which the engine works on in place.
#[repr(C)]
pub struct MqttContext {
    pub outgoing: *mut Record,
    pub incoming: *mut Record,
    pub outgoing_max: usize,
    pub incoming_max: usize,
    pub transport: TransportInterface,
    pub network_buffer: FixedBuffer,
    pub vars: Vars,
}

/// `BackoffAlgorithmContext_t`.
#[repr(C)]
pub struct BackoffContext {
    pub max_backoff_delay: u16,
    pub attempts_done: u32,
    pub next_jitter_max: u16,
    pub max_retry_attempts: u32,
}

/// The firmware C compiler's layouts of the types above (build.rs): each
/// item fails to compile, naming the C type and field and showing both
/// figures, when a mirror differs.
#[cfg(feature = "coremqtt")]
mod layout_check {
    include!(concat!(env!("OUT_DIR"), "/coremqtt_layout.rs"));
}
