//! The C entry points. cbindgen turns this file (and `demo/status.rs`) into
//! `rust-component/include/mqtt_demo.h`; a unit test keeps the committed
//! header in step.

use core::cell::UnsafeCell;
use core::ffi::{c_char, c_void};
use core::mem::MaybeUninit;
use core::ptr;
use core::sync::atomic::{compiler_fence, AtomicBool, Ordering};

use super::config;
use super::platform::{DemoLog, FreeRtosStats, Pkcs11Random, Ticks, TlsNetwork, TlsSlot};
use super::sys;
use crate::demo::status::{
    MQTT_DEMO_ERR_ARGUMENT, MQTT_DEMO_ERR_BUSY, MQTT_DEMO_ERR_TASK_CREATE, MQTT_DEMO_OK,
};
use crate::demo::{self, Platform};
use crate::log::{Level, LogSink};
use crate::topic;

/// The demo's static memory: the MQTT network buffer
/// (`democonfigNETWORK_BUFFER_SIZE`), the TLS session state, and the client
/// id set at run time (length 0: democonfigCLIENT_IDENTIFIER).
struct Statics {
    buf: [u8; config::NETWORK_BUFFER_SIZE],
    tls: TlsSlot,
    client_id: [u8; demo::MAX_CLIENT_ID_LEN],
    client_id_len: usize,
}

struct StaticCell(UnsafeCell<MaybeUninit<Statics>>);

// SAFETY: the contents are only reached through `claim`, which hands out at
// most one `&mut` at a time (guarded by `BUSY`).
unsafe impl Sync for StaticCell {}

/// All zeroes: a valid value for every field (integers, NULL pointers, the
/// C structs before their first connect). Lives in .bss.
static STATICS: StaticCell = StaticCell(UnsafeCell::new(MaybeUninit::zeroed()));
/// Set while a run holds [`STATICS`]. Only loaded and stored (Cortex-M0/M0+,
/// `thumbv6m-none-eabi`, has no compare-and-swap), always with the
/// scheduler suspended, so no other task runs between the test and the set.
static BUSY: AtomicBool = AtomicBool::new(false);

/// Exclusive use of [`STATICS`] for one run; released on drop.
struct Claim(&'static mut Statics);

impl Claim {
    fn take() -> Option<Claim> {
        // SAFETY: plain kernel calls from a task (mqtt_demo_run's contract);
        // every suspend is matched by the resume below.
        unsafe { sys::vTaskSuspendAll() };
        // The kernel calls cannot see BUSY: keep its accesses between them.
        compiler_fence(Ordering::SeqCst);
        let free = !BUSY.load(Ordering::Relaxed);
        if free {
            BUSY.store(true, Ordering::Relaxed);
        }
        compiler_fence(Ordering::SeqCst);
        // SAFETY: as above; the return value (whether resuming yielded) is
        // not needed.
        unsafe { sys::xTaskResumeAll() };
        if !free {
            return None;
        }
        // SAFETY: BUSY was false and is now ours, so no other reference to
        // STATICS exists until this claim is dropped; all-zero bytes are a
        // valid `Statics` (see STATICS).
        Some(Claim(unsafe { (*STATICS.0.get()).assume_init_mut() }))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        BUSY.store(false, Ordering::Release);
    }
}

/// Run the MQTT mutual-authentication demo in the calling FreeRTOS task.
///
/// `iterations`: how many connect-publish-disconnect iterations to run;
/// 0 runs forever (the function then never returns).
///
/// The settings come from the image's demo_config.h at build time. Uses
/// static buffers, so only one task may run the demo at a time. Needs about
/// 2 KB of task stack for itself plus what the TLS handshake needs (about
/// 4 KB for ECDSA on a 32-bit target).
///
/// Returns MQTT_DEMO_OK (0) when every iteration succeeded; otherwise the
/// MQTT_DEMO_ERR_* status of the last failure, or MQTT_DEMO_ERR_BUSY if the
/// demo is already running. A staticlib built without the platform binding
/// (cargo feature `freertos`) returns MQTT_DEMO_ERR_NO_PLATFORM at once.
#[unsafe(no_mangle)]
pub extern "C" fn mqtt_demo_run(iterations: u32) -> i32 {
    let Some(claim) = Claim::take() else {
        DemoLog.write(Level::Error, b"mqtt_demo_run: the demo is already running");
        return MQTT_DEMO_ERR_BUSY;
    };
    let Statics {
        buf,
        tls,
        client_id,
        client_id_len,
    } = &mut *claim.0;
    let client_id = match client_id.get(..*client_id_len) {
        // SAFETY: mqtt_demo_set_client_id stored these bytes only after
        // checking that they are UTF-8 (topic::validate_name).
        Some(id) if !id.is_empty() => unsafe { core::str::from_utf8_unchecked(id) },
        _ => config::DEMO.client_id,
    };
    let mut platform = Platform {
        network: TlsNetwork::new(tls),
        clock: Ticks,
        delay: Ticks,
        random: Pkcs11Random::new(),
        log: DemoLog,
        stats: FreeRtosStats,
    };
    let cfg = demo::DemoConfig {
        iterations,
        client_id,
        ..config::DEMO
    };
    let result = demo::run(&mut platform, &cfg, buf);
    match result {
        Ok(()) => MQTT_DEMO_OK,
        Err(e) => e.code(),
    }
}

/// Use another MQTT client id than democonfigCLIENT_IDENTIFIER for the
/// runs that follow, e.g. one per simulated device of a fleet sharing one
/// image (tools/fleet). The demo topic follows it (`<id>/example/topic`).
///
/// `client_id`: `len` bytes of UTF-8, no NUL needed; 1 to 128 bytes without
/// NUL, `+` or `#` (it starts a topic name). NULL or `len` 0 goes back to the
/// configured id.
///
/// Call it from a task, like mqtt_demo_run (it takes the demo's lock with
/// the scheduler suspended), before the demo starts.
///
/// Returns MQTT_DEMO_OK, MQTT_DEMO_ERR_ARGUMENT for an id that cannot be
/// used (nothing changes), or MQTT_DEMO_ERR_BUSY while the demo runs.
///
/// # Safety
/// `client_id` is NULL or points to `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mqtt_demo_set_client_id(client_id: *const c_char, len: usize) -> i32 {
    let id: &[u8] = if client_id.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: the caller passes `len` readable bytes (see above); they
        // are copied before this function returns.
        unsafe { core::slice::from_raw_parts(client_id.cast::<u8>(), len) }
    };
    if id.len() > demo::MAX_CLIENT_ID_LEN || (!id.is_empty() && topic::validate_name(id).is_err()) {
        return MQTT_DEMO_ERR_ARGUMENT;
    }
    let Some(claim) = Claim::take() else {
        return MQTT_DEMO_ERR_BUSY;
    };
    let statics = &mut *claim.0;
    for (d, s) in statics.client_id.iter_mut().zip(id) {
        *d = *s;
    }
    statics.client_id_len = id.len();
    MQTT_DEMO_OK
}

extern "C" fn demo_task(_params: *mut c_void) {
    let _ = mqtt_demo_run(config::ITERATIONS);
    // SAFETY: NULL deletes the calling task; a FreeRTOS task must not
    // return from its function.
    unsafe { sys::vTaskDelete(ptr::null_mut()) }
}

/// Create a FreeRTOS task named "MQTTDemo" that runs the demo for
/// democonfigDEMO_ITERATIONS iterations (0 = forever), then deletes itself.
///
/// `stack_depth_words`: task stack in StackType_t words (see
/// democonfigDEMO_STACKSIZE); `priority`: FreeRTOS priority.
///
/// Returns MQTT_DEMO_OK (0) when the task was created, MQTT_DEMO_ERR_ARGUMENT
/// if a value does not fit the port's types, or MQTT_DEMO_ERR_TASK_CREATE
/// when xTaskCreate failed (heap exhausted); MQTT_DEMO_ERR_NO_PLATFORM (and
/// no task) from a staticlib built without the platform binding.
#[unsafe(no_mangle)]
// The port's stack-depth and priority types may be narrower than u32 (e.g.
// configSTACK_DEPTH_TYPE uint16_t), or not (the POSIX port's 64-bit ones).
pub extern "C" fn mqtt_demo_task_create(stack_depth_words: u32, priority: u32) -> i32 {
    let (Some(depth), Some(prio)) = (
        TryFrom::try_from(stack_depth_words).ok(),
        sys::UBaseType_t::try_from(priority).ok(),
    ) else {
        return MQTT_DEMO_ERR_ARGUMENT;
    };
    // SAFETY: the entry point has the TaskFunction_t signature and never
    // returns; the name is a NUL-terminated static string; no parameter
    // and no handle are passed.
    let created = unsafe {
        sys::xTaskCreate(
            Some(demo_task),
            c"MQTTDemo".as_ptr(),
            depth,
            ptr::null_mut(),
            prio,
            ptr::null_mut(),
        )
    };
    if created == sys::demo_rs_pd_pass {
        MQTT_DEMO_OK
    } else {
        MQTT_DEMO_ERR_TASK_CREATE
    }
}

/// Panics come only from bugs (no input reaches one). Log where, then stop:
/// on a hosted target (the POSIX simulator) abort the process with an
/// illegal instruction so the run visibly fails; on a device suspend the
/// task (other tasks, and a watchdog, keep running).
#[cfg(not(test))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    demo::log(&DemoLog, Level::Error, &mut |l| {
        l.push_str("PANIC");
        if let Some(loc) = info.location() {
            l.push_str(" at ")
                .push_str(loc.file())
                .push_str(":")
                .push_u32(loc.line());
        }
        if let Some(msg) = info.message().as_str() {
            l.push_str(": ").push_str(msg);
        }
    });
    stop()
}

#[cfg(all(
    not(test),
    not(target_os = "none"),
    any(target_arch = "x86_64", target_arch = "x86")
))]
fn stop() -> ! {
    // SAFETY: raises SIGILL, which ends the process; nothing runs after it.
    unsafe { core::arch::asm!("ud2", options(noreturn)) }
}

#[cfg(all(
    not(test),
    not(all(
        not(target_os = "none"),
        any(target_arch = "x86_64", target_arch = "x86")
    ))
))]
fn stop() -> ! {
    loop {
        // SAFETY: plain kernel calls; NULL suspends the calling task, which
        // is only done while the scheduler runs.
        unsafe {
            if sys::xTaskGetSchedulerState() == sys::demo_rs_scheduler_running {
                sys::vTaskSuspend(ptr::null_mut());
            }
        }
        core::hint::spin_loop();
    }
}
