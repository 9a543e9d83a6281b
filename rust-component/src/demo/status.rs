//! Status values of the C entry points (`mqtt_demo_run`,
//! `mqtt_demo_task_create`); cbindgen copies them into `mqtt_demo.h`.

/// Success: every requested iteration succeeded / the task was created.
pub const MQTT_DEMO_OK: i32 = 0;
/// The configuration cannot work (client id, topic or user name length).
pub const MQTT_DEMO_ERR_CONFIG: i32 = 1;
/// TLS connect failed on every attempt.
pub const MQTT_DEMO_ERR_TLS_CONNECT: i32 = 2;
/// The random source (PKCS#11 `C_GenerateRandom`) failed during a backoff.
pub const MQTT_DEMO_ERR_RANDOM: i32 = 3;
/// MQTT CONNECT failed or was refused.
pub const MQTT_DEMO_ERR_MQTT_CONNECT: i32 = 4;
/// SUBSCRIBE failed, timed out or was refused on every attempt.
pub const MQTT_DEMO_ERR_SUBSCRIBE: i32 = 5;
/// PUBLISH failed, or its PUBACK or echo did not arrive in time.
pub const MQTT_DEMO_ERR_PUBLISH: i32 = 6;
/// UNSUBSCRIBE failed or its UNSUBACK did not arrive in time.
pub const MQTT_DEMO_ERR_UNSUBSCRIBE: i32 = 7;
/// DISCONNECT could not be sent.
pub const MQTT_DEMO_ERR_DISCONNECT: i32 = 8;
/// The demo is already running in another task (it uses static buffers).
pub const MQTT_DEMO_ERR_BUSY: i32 = 9;
/// `xTaskCreate` failed (not enough FreeRTOS heap for the stack).
pub const MQTT_DEMO_ERR_TASK_CREATE: i32 = 10;
/// An argument does not fit the port's types (stack depth, priority).
pub const MQTT_DEMO_ERR_ARGUMENT: i32 = 11;
/// The staticlib was built without the platform binding (cargo feature
/// `freertos`): it has no TLS transport, PKCS#11 or kernel to run the demo on.
pub const MQTT_DEMO_ERR_NO_PLATFORM: i32 = 12;
