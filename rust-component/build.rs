//! Build script of rust-component.
//!
//! Without the `freertos` feature it does nothing: the engine and the demo
//! flow build and test on the host with no C headers.
//!
//! With `freertos` it runs bindgen over the image's C headers and writes to
//! `$OUT_DIR`:
//! * `bindings.rs`: the TLS transport (`transport_mbedtls.h`, FreeRTOS-Plus
//!   names), the log sink (`demo_log.h`), PKCS#11 (`p11-kit/pkcs11.h` from
//!   Debian's libp11-kit-dev) and the few FreeRTOS kernel calls used;
//! * `demo_config.rs`: the `democonfig*` values of the image's
//!   `demo_config.h`, as bindgen evaluated them, typed for Rust (strings as
//!   `&str`, PEMs as NUL-terminated `&[u8]`). Missing optional values take
//!   the reference demo's defaults; missing required ones fail the build.
//!
//! Environment (all optional; the CMake build sets the first one):
//!
//! | variable | meaning |
//! |---|---|
//! | `DEMO_CLANG_ARGS_FILE` | file with one clang argument per line (`-I...`, `-D...`); written by the image's CMake build |
//! | `DEMO_CLANG_ARGS` | more clang arguments, separated by whitespace |
//! | `DEMO_CONFIG_DIR` | directory holding `demo_config.h` (searched first) |
//! | `DEMO_INCLUDE_DIRS` | more include directories, separated by `:` or `;` (FreeRTOS include, port and config dirs; mbedTLS include and config dirs; c-shim include; credentials dir) |
//! | `DEMO_PKCS11_INCLUDE_DIR` | directory holding `p11-kit/pkcs11.h`; default `/usr/include/p11-kit-1` |
//! | `BINDGEN_EXTRA_CLANG_ARGS[_<target>]` | read by bindgen itself, e.g. `-isystem /usr/lib/arm-none-eabi/include` for `thumbv7m-none-eabi` |
//!
//! Search order: `DEMO_CONFIG_DIR`, `DEMO_INCLUDE_DIRS`, the file, then
//! `DEMO_CLANG_ARGS`, and last this repository's `c-shim/include` and the
//! PKCS#11 directory, so an image's own copies win. mbedTLS must be seen
//! with the image's configuration (`-DMBEDTLS_CONFIG_FILE=...`): the size
//! of `TlsTransportParams_t`, which Rust allocates, depends on it.
//!
//! Values in `demo_config.h` must be literals or arithmetic on literals and
//! other macros (bindgen evaluates those, not casts); strings may be
//! concatenations of literals.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "freertos")]
    freertos::generate();
}

#[cfg(feature = "freertos")]
mod freertos {
    use std::collections::BTreeMap;
    use std::env;
    use std::fmt::Write as _;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};

    const ENV_VARS: &[&str] = &[
        "DEMO_CLANG_ARGS_FILE",
        "DEMO_CLANG_ARGS",
        "DEMO_CONFIG_DIR",
        "DEMO_INCLUDE_DIRS",
        "DEMO_PKCS11_INCLUDE_DIR",
    ];

    /// The headers, in include order.
    const WRAPPER: &str = r#"
#include "FreeRTOS.h"
#include "task.h"
#include "demo_config.h"
#include "demo_log.h"
#include "transport_mbedtls.h"
#include <p11-kit/pkcs11.h>

/* Values behind casts, which bindgen cannot evaluate in a macro but clang
 * evaluates in a constant initializer. */
static const uint32_t demo_rs_tick_rate_hz = configTICK_RATE_HZ;
static const BaseType_t demo_rs_pd_pass = pdPASS;
static const BaseType_t demo_rs_scheduler_running = taskSCHEDULER_RUNNING;
"#;

    const FUNCTIONS: &[&str] = &[
        "TLS_FreeRTOS_Connect",
        "TLS_FreeRTOS_Disconnect",
        "TLS_FreeRTOS_recv",
        "TLS_FreeRTOS_send",
        "TLS_FreeRTOS_GetCipherSuite",
        "DemoLog_Write",
        "C_GetFunctionList",
        "vTaskDelay",
        "xTaskGetTickCount",
        "xTaskCreate",
        "vTaskDelete",
        "vTaskSuspend",
        "vTaskSuspendAll",
        "xTaskResumeAll",
        "xTaskGetSchedulerState",
        "uxTaskGetStackHighWaterMark",
        "xPortGetFreeHeapSize",
        "xPortGetMinimumEverFreeHeapSize",
    ];

    const TYPES: &[&str] = &[
        "NetworkContext_t",
        "TlsTransportParams_t",
        "NetworkCredentials_t",
        "TlsTransportStatus_t",
        "CK_FUNCTION_LIST",
        "CK_SESSION_HANDLE",
        "CK_SLOT_ID",
        "CK_ULONG",
        "CK_FLAGS",
        "CK_RV",
    ];

    const VARS: &[&str] = &[
        "demo_rs_.*",
        "DEMO_LOG_.*",
        "CKR_OK",
        "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        "CKF_SERIAL_SESSION",
        "CK_TRUE",
    ];

    /// Macro values seen by bindgen.
    #[derive(Debug, Default)]
    struct Macros {
        strings: BTreeMap<String, Vec<u8>>,
        ints: BTreeMap<String, i64>,
    }

    #[derive(Debug)]
    struct Collect(Arc<Mutex<Macros>>);

    impl bindgen::callbacks::ParseCallbacks for Collect {
        fn str_macro(&self, name: &str, value: &[u8]) {
            if let Ok(mut m) = self.0.lock() {
                m.strings.insert(name.to_owned(), value.to_vec());
            }
        }
        fn int_macro(&self, name: &str, value: i64) -> Option<bindgen::callbacks::IntKind> {
            if let Ok(mut m) = self.0.lock() {
                m.ints.insert(name.to_owned(), value);
            }
            None
        }
    }

    fn fail(msg: &str) -> ! {
        eprintln!("\nerror: rust-component (feature `freertos`): {msg}\n");
        std::process::exit(1);
    }

    fn env_opt(name: &str) -> Option<String> {
        env::var(name).ok().filter(|v| !v.trim().is_empty())
    }

    /// The clang arguments, in search order (see the module docs).
    fn clang_args(manifest_dir: &Path) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(dir) = env_opt("DEMO_CONFIG_DIR") {
            args.push(format!("-I{dir}"));
        }
        if let Some(dirs) = env_opt("DEMO_INCLUDE_DIRS") {
            args.extend(
                dirs.split([':', ';'])
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| format!("-I{}", d.trim())),
            );
        }
        if let Some(file) = env_opt("DEMO_CLANG_ARGS_FILE") {
            println!("cargo:rerun-if-changed={file}");
            let text = fs::read_to_string(&file).unwrap_or_else(|e| {
                fail(&format!("DEMO_CLANG_ARGS_FILE={file}: cannot read it: {e}"))
            });
            args.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            );
        }
        if let Some(more) = env_opt("DEMO_CLANG_ARGS") {
            args.extend(more.split_whitespace().map(str::to_owned));
        }
        let shim = manifest_dir.join("../c-shim/include");
        if shim.is_dir() {
            args.push(format!("-I{}", shim.display()));
        }
        let p11 = env_opt("DEMO_PKCS11_INCLUDE_DIR")
            .unwrap_or_else(|| "/usr/include/p11-kit-1".to_owned());
        if !Path::new(&p11).join("p11-kit/pkcs11.h").is_file() {
            fail(&format!(
                "no p11-kit/pkcs11.h in {p11}: install Debian's libp11-kit-dev, or set \
                 DEMO_PKCS11_INCLUDE_DIR to the directory holding p11-kit/pkcs11.h"
            ));
        }
        args.push(format!("-I{p11}"));
        args
    }

    /// Move `-DNAME[=VALUE]` out of the clang arguments into `#define` lines
    /// at the top of the wrapper header: bindgen reports macros defined in a
    /// file, not on the command line (`-DdemoconfigMQTT_BROKER_PORT=...` from
    /// CMake would be invisible). The effect on the headers is the same.
    fn split_defines(args: Vec<String>) -> (Vec<String>, String) {
        let mut kept = Vec::new();
        let mut defines = String::new();
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            let def = match a.strip_prefix("-D") {
                Some("") => it.next(),
                Some(d) => Some(d.to_owned()),
                None => {
                    kept.push(a);
                    continue;
                }
            };
            if let Some(d) = def {
                let (name, value) = d.split_once('=').unwrap_or((&d, "1"));
                let _ = writeln!(defines, "#define {name} {value}");
            }
        }
        (kept, defines)
    }

    pub fn generate() {
        for v in ENV_VARS {
            println!("cargo:rerun-if-env-changed={v}");
        }
        let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
        let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
        if ENV_VARS[..4].iter().all(|v| env_opt(v).is_none()) {
            fail(
                "the `freertos` feature needs the image's headers: set DEMO_CLANG_ARGS_FILE \
                 (written by the image's CMake build), or DEMO_CONFIG_DIR / DEMO_INCLUDE_DIRS / \
                 DEMO_CLANG_ARGS (see the top of rust-component/build.rs)",
            );
        }
        let (args, defines) = split_defines(clang_args(&manifest_dir));
        let wrapper = format!("{defines}{WRAPPER}");

        let macros = Arc::new(Mutex::new(Macros::default()));
        let mut builder = bindgen::Builder::default()
            .header_contents("demo_rs_wrapper.h", &wrapper)
            .clang_args(&args)
            .use_core()
            .ctypes_prefix("core::ffi")
            .layout_tests(true)
            .generate_comments(false)
            .prepend_enum_name(false)
            .default_enum_style(bindgen::EnumVariation::Consts)
            // mbedTLS state is only ever handled by the C side: keep its
            // size and alignment, not its fields.
            .opaque_type("SSLContext_t")
            .opaque_type("SSLContext")
            .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()))
            .parse_callbacks(Box::new(Collect(Arc::clone(&macros))));
        for f in FUNCTIONS {
            builder = builder.allowlist_function(f);
        }
        for t in TYPES {
            builder = builder.allowlist_type(t);
        }
        for v in VARS {
            builder = builder.allowlist_var(v);
        }
        let bindings = builder.generate().unwrap_or_else(|e| {
            fail(&format!(
                "bindgen could not parse the image's headers ({e}); the clang errors are above. \
                 Clang arguments used: {args:?}. A missing mbedtls/*.h needs the mbedTLS include \
                 and config dirs and -DMBEDTLS_CONFIG_FILE; a missing FreeRTOS.h or \
                 FreeRTOSConfig.h the kernel include, port and config dirs; a missing \
                 demo_config.h or demo_credentials.h DEMO_CONFIG_DIR and the credentials dir."
            ))
        });
        bindings
            .write_to_file(out_dir.join("bindings.rs"))
            .unwrap_or_else(|e| fail(&format!("cannot write bindings.rs: {e}")));

        let macros = macros
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        let config = demo_config(&macros).unwrap_or_else(|errors| {
            fail(&format!(
                "demo_config.h is not usable:\n  - {}",
                errors.join("\n  - ")
            ))
        });
        fs::write(out_dir.join("demo_config.rs"), config)
            .unwrap_or_else(|e| fail(&format!("cannot write demo_config.rs: {e}")));
    }

    /// How a value is typed in Rust.
    enum Kind {
        Str,
        Pem,
        Int(&'static str, i64, i64),
        Bool,
    }

    /// One `democonfig*` value: macro suffix, Rust name, kind, default
    /// (`None` = required).
    struct Item {
        suffix: &'static str,
        name: &'static str,
        kind: Kind,
        default: Option<&'static str>,
    }

    const fn item(
        suffix: &'static str,
        name: &'static str,
        kind: Kind,
        default: Option<&'static str>,
    ) -> Item {
        Item {
            suffix,
            name,
            kind,
            default,
        }
    }

    const U32: Kind = Kind::Int("u32", 0, u32::MAX as i64);

    const ITEMS: &[Item] = &[
        item("MQTT_BROKER_ENDPOINT", "ENDPOINT", Kind::Str, None),
        item("MQTT_BROKER_PORT", "PORT", Kind::Int("u16", 1, 65535), None),
        item("CLIENT_IDENTIFIER", "CLIENT_ID", Kind::Str, None),
        item("ROOT_CA_PEM", "ROOT_CA_PEM", Kind::Pem, None),
        item(
            "CLIENT_CERTIFICATE_PEM",
            "CLIENT_CERTIFICATE_PEM",
            Kind::Pem,
            None,
        ),
        item(
            "CLIENT_PRIVATE_KEY_PEM",
            "CLIENT_PRIVATE_KEY_PEM",
            Kind::Pem,
            None,
        ),
        item("USE_AWS_IOT_CORE_BROKER", "AWS_IOT", Kind::Bool, Some("0")),
        item(
            "ALLOW_ANY_BROKER_PORT",
            "ALLOW_ANY_BROKER_PORT",
            Kind::Bool,
            Some("0"),
        ),
        item("OS_NAME", "OS_NAME", Kind::Str, Some("FreeRTOS")),
        item("OS_VERSION", "OS_VERSION", Kind::Str, Some("")),
        item(
            "HARDWARE_PLATFORM_NAME",
            "HARDWARE_PLATFORM_NAME",
            Kind::Str,
            Some(""),
        ),
        item(
            "NETWORK_BUFFER_SIZE",
            "NETWORK_BUFFER_SIZE",
            Kind::Int("usize", 16, 1 << 24),
            Some("1024"),
        ),
        item("DEMO_ITERATIONS", "ITERATIONS", U32, Some("0")),
        item("DEMO_STACKSIZE", "STACK_SIZE", U32, Some("1024")),
        item("DEMO_PRIORITY", "PRIORITY", U32, Some("1")),
        item(
            "KEEP_ALIVE_SECONDS",
            "KEEP_ALIVE_SECONDS",
            Kind::Int("u16", 0, 65535),
            Some("60"),
        ),
        item(
            "CONNACK_RECV_TIMEOUT_MS",
            "CONNACK_RECV_TIMEOUT_MS",
            U32,
            Some("1000"),
        ),
        item(
            "TRANSPORT_SEND_RECV_TIMEOUT_MS",
            "TRANSPORT_SEND_RECV_TIMEOUT_MS",
            U32,
            Some("200"),
        ),
        item(
            "PROCESS_LOOP_TIMEOUT_MS",
            "PROCESS_LOOP_TIMEOUT_MS",
            U32,
            Some("2000"),
        ),
        item(
            "RETRY_BACKOFF_BASE_MS",
            "RETRY_BACKOFF_BASE_MS",
            U32,
            Some("500"),
        ),
        item(
            "RETRY_MAX_BACKOFF_DELAY_MS",
            "RETRY_MAX_BACKOFF_DELAY_MS",
            U32,
            Some("5000"),
        ),
        item("RETRY_MAX_ATTEMPTS", "RETRY_MAX_ATTEMPTS", U32, Some("5")),
        item(
            "RETRY_MIN_DELAY_MS",
            "RETRY_MIN_DELAY_MS",
            U32,
            Some("1000"),
        ),
        item("RETRY_JITTER", "RETRY_JITTER", Kind::Bool, Some("1")),
        item("PUBLISH_COUNT", "PUBLISH_COUNT", U32, Some("5")),
        item(
            "DELAY_BETWEEN_PUBLISHES_MS",
            "DELAY_BETWEEN_PUBLISHES_MS",
            U32,
            Some("2000"),
        ),
        item(
            "DELAY_BETWEEN_DEMO_ITERATIONS_MS",
            "DELAY_BETWEEN_DEMO_ITERATIONS_MS",
            U32,
            Some("5000"),
        ),
        item("CLEAN_SESSION", "CLEAN_SESSION", Kind::Bool, Some("1")),
    ];

    fn byte_literal(bytes: &[u8]) -> String {
        let mut s = String::from("b\"");
        for &b in bytes {
            s.extend(std::ascii::escape_default(b).map(char::from));
        }
        s.push('"');
        s
    }

    fn missing(macro_name: &str, suffix: &str) -> String {
        match suffix {
            "MQTT_BROKER_ENDPOINT" => format!(
                "{macro_name} is missing: define the broker's host name (AWS IoT: \
                 <prefix>-ats.iot.<region>.amazonaws.com)"
            ),
            "ROOT_CA_PEM" | "CLIENT_CERTIFICATE_PEM" | "CLIENT_PRIVATE_KEY_PEM" => format!(
                "{macro_name} is missing: run certs/gen-pki.sh (writes \
                 certs/generated/demo_credentials.h) or put your own demo_credentials.h on \
                 the include path"
            ),
            _ => format!("{macro_name} is missing, or not a literal bindgen can evaluate"),
        }
    }

    /// `demo_config.rs`, or every reason it cannot be written.
    fn demo_config(m: &Macros) -> Result<String, Vec<String>> {
        let mut out = String::from(
            "// Generated by rust-component/build.rs from the image's demo_config.h \
             (values as bindgen evaluated them). Do not edit.\n",
        );
        let mut errors = Vec::new();
        let mut ints = BTreeMap::new();
        for it in ITEMS {
            let macro_name = format!("democonfig{}", it.suffix);
            let text = matches!(it.kind, Kind::Str | Kind::Pem);
            let string = m.strings.get(&macro_name).cloned();
            let int = m.ints.get(&macro_name).copied();
            let (string, int) = match (text, string, int, it.default) {
                (true, Some(s), _, _) => (s, 0),
                (false, _, Some(i), _) => (Vec::new(), i),
                (true, None, Some(_), _) => {
                    errors.push(format!(
                        "{macro_name} must be a string literal, not a number"
                    ));
                    continue;
                }
                (false, Some(_), None, _) => {
                    errors.push(format!("{macro_name} must be a number, not a string"));
                    continue;
                }
                (_, None, None, Some(d)) => (d.as_bytes().to_vec(), d.parse().unwrap_or(0)),
                (_, None, None, None) => {
                    errors.push(missing(&macro_name, it.suffix));
                    continue;
                }
            };
            let _ = writeln!(out, "/// `{macro_name}`");
            match it.kind {
                Kind::Str => match String::from_utf8(string) {
                    Ok(s) => {
                        let _ = writeln!(out, "pub const {}: &str = {s:?};", it.name);
                    }
                    Err(_) => errors.push(format!("{macro_name} is not valid UTF-8")),
                },
                Kind::Pem => {
                    if string.is_empty() {
                        errors.push(format!("{macro_name} is empty"));
                    }
                    let mut with_nul = string;
                    with_nul.push(0);
                    let _ = writeln!(
                        out,
                        "pub const {}: &[u8] = {};",
                        it.name,
                        byte_literal(&with_nul)
                    );
                }
                Kind::Int(ty, lo, hi) => {
                    if int < lo || int > hi {
                        errors.push(format!("{macro_name} = {int} is outside {lo}..={hi}"));
                    }
                    ints.insert(it.suffix, int);
                    let _ = writeln!(out, "pub const {}: {ty} = {int};", it.name);
                }
                Kind::Bool => {
                    ints.insert(it.suffix, int);
                    let _ = writeln!(out, "pub const {}: bool = {};", it.name, int != 0);
                }
            }
        }
        let text = |name: &str| m.strings.get(&format!("democonfig{name}"));
        if let Some(id) = text("CLIENT_IDENTIFIER") {
            if id.is_empty() || id.len() > 128 {
                errors.push(format!(
                    "democonfigCLIENT_IDENTIFIER is {} bytes: it must be 1 to 128 (AWS IoT limit)",
                    id.len()
                ));
            }
        }
        if text("MQTT_BROKER_ENDPOINT").is_some_and(|e| e.is_empty()) {
            errors.push("democonfigMQTT_BROKER_ENDPOINT is empty".to_owned());
        }
        let port = ints.get("MQTT_BROKER_PORT").copied();
        let any_port = ints.get("ALLOW_ANY_BROKER_PORT").copied().unwrap_or(0) != 0;
        let aws = ints.get("USE_AWS_IOT_CORE_BROKER").copied().unwrap_or(0) != 0;
        if let Some(port) = port {
            if (aws || !any_port) && port != 8883 && port != 443 {
                errors.push(format!(
                    "democonfigMQTT_BROKER_PORT is {port}: use 8883 (MQTT over TLS) or 443 \
                     (with ALPN); a local test broker on another port needs \
                     democonfigALLOW_ANY_BROKER_PORT 1 (not with AWS IoT)"
                ));
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}
