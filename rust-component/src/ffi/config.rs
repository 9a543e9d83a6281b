//! The image's `demo_config.h`, as bindgen evaluated it (`build.rs` checks
//! and types the values), and the [`DemoConfig`] built from it.
#![allow(dead_code)]

use crate::client::Timeouts;
use crate::demo::DemoConfig;

include!(concat!(env!("OUT_DIR"), "/demo_config.rs"));

/// The demo settings of this image.
pub const DEMO: DemoConfig<'static> = DemoConfig {
    endpoint: ENDPOINT,
    port: PORT,
    client_id: CLIENT_ID,
    aws_iot: AWS_IOT,
    os_name: OS_NAME,
    os_version: OS_VERSION,
    hardware_platform: HARDWARE_PLATFORM_NAME,
    keep_alive_s: KEEP_ALIVE_SECONDS,
    connack_timeout_ms: CONNACK_RECV_TIMEOUT_MS,
    process_loop_timeout_ms: PROCESS_LOOP_TIMEOUT_MS,
    backoff_base_ms: RETRY_BACKOFF_BASE_MS,
    backoff_cap_ms: RETRY_MAX_BACKOFF_DELAY_MS,
    max_retries: RETRY_MAX_ATTEMPTS,
    backoff_floor_ms: RETRY_MIN_DELAY_MS,
    backoff_jitter: RETRY_JITTER,
    publish_count: PUBLISH_COUNT,
    delay_between_publishes_ms: DELAY_BETWEEN_PUBLISHES_MS,
    delay_between_iterations_ms: DELAY_BETWEEN_DEMO_ITERATIONS_MS,
    iterations: ITERATIONS,
    clean_session: CLEAN_SESSION,
    // The TLS transport blocks at most TRANSPORT_SEND_RECV_TIMEOUT_MS per
    // call; a whole packet may take several of those.
    timeouts: Timeouts {
        packet_ms: max(1000, 2 * TRANSPORT_SEND_RECV_TIMEOUT_MS),
        send_ms: max(1000, 2 * TRANSPORT_SEND_RECV_TIMEOUT_MS),
        ..Timeouts::DEFAULT
    },
};

const fn max(a: u32, b: u32) -> u32 {
    if a > b {
        a
    } else {
        b
    }
}
