//! The C entry points of a staticlib built WITHOUT the platform binding
//! (no cargo feature `freertos`: a plain host or Linux build, e.g. for the
//! coreMQTT-style C API alone). They exist, with the signatures of
//! `mqtt_demo.h`, so such an archive links like the real one; and they fail
//! at once and clearly, returning `MQTT_DEMO_ERR_NO_PLATFORM`, so it cannot
//! be mistaken for one that can run the demo.

use crate::demo::status::MQTT_DEMO_ERR_NO_PLATFORM;

/// `mqtt_demo_run` without a platform: returns `MQTT_DEMO_ERR_NO_PLATFORM`.
#[unsafe(no_mangle)]
pub extern "C" fn mqtt_demo_run(_iterations: u32) -> i32 {
    MQTT_DEMO_ERR_NO_PLATFORM
}

/// `mqtt_demo_task_create` without a platform: creates nothing, returns
/// `MQTT_DEMO_ERR_NO_PLATFORM`.
#[unsafe(no_mangle)]
pub extern "C" fn mqtt_demo_task_create(_stack_depth_words: u32, _priority: u32) -> i32 {
    MQTT_DEMO_ERR_NO_PLATFORM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_platform_both_entry_points_say_so() {
        assert_eq!(mqtt_demo_run(1), MQTT_DEMO_ERR_NO_PLATFORM);
        assert_eq!(mqtt_demo_run(0), MQTT_DEMO_ERR_NO_PLATFORM);
        assert_eq!(mqtt_demo_task_create(1024, 1), MQTT_DEMO_ERR_NO_PLATFORM);
    }
}
