//! Build script of rust-component.
//!
//! Without the `freertos` feature it does nothing: the engine and the demo
//! flow build and test on the host with no C headers, and the staticlib's
//! C entry points return `MQTT_DEMO_ERR_NO_PLATFORM`.
//!
//! With `freertos` it reads the firmware's C headers, as the firmware's own
//! C compiler sees them, and writes to `$OUT_DIR`:
//! * `bindings.rs`: bindgen's declarations of the TLS transport
//!   (`transport_mbedtls.h`, FreeRTOS-Plus names), the log sink
//!   (`demo_log.h`), PKCS#11 (p11-kit's `p11-kit/pkcs11.h` or corePKCS11's
//!   `core_pkcs11.h`) and the few FreeRTOS kernel calls used;
//! * `layout_check.rs`: the C compiler's size, alignment and field offsets
//!   of every C type Rust allocates, reads or passes by value, as items that
//!   fail to compile on a mismatch (see `build/cview.rs`); before that,
//!   bindgen's layouts are compared with the C compiler's here, and a
//!   mismatch stops the build with both figures;
//! * `demo_config.rs`: the `democonfig*` values of the firmware's
//!   `demo_config.h`, typed for Rust. Missing optional values take the
//!   reference demo's defaults; missing required ones fail the build.
//!
//! # The build interface (plain `cargo build`, CMake, Make, IDEs)
//!
//! | variable | meaning |
//! |---|---|
//! | `DEMO_CONFIG_DIR` | directory holding `demo_config.h` |
//! | `DEMO_INCLUDE_DIRS` | include directories, separated like `PATH` (`:` on Linux/macOS, `;` on Windows; `C:\...` and spaces work): FreeRTOS include, port and config dirs; mbedTLS include and config dirs; the TLS transport's dir; the PKCS#11 header's dir; the credentials dir; `demo_log.h`'s dir |
//! | `DEMO_CLANG_ARGS` | more `-I`/`-D`/`-isystem` arguments, separated by spaces; quote a whole argument that holds spaces (`"-IC:/My Firmware/inc"`); quotes inside an argument stay (`-DMBEDTLS_CONFIG_FILE="demo_mbedtls3_config.h"`) |
//! | `DEMO_CLANG_ARGS_FILE` | a file with one argument per line (what CMake writes); any characters allowed |
//! | `CC_<target>` | the firmware's C compiler (default: the `cc` crate's, e.g. `arm-none-eabi-gcc`) |
//! | `CFLAGS_<target>` | its CPU/ABI flags, e.g. `-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard` |
//! | `DEMO_INPUT_DIGEST` | optional: a digest of the input headers' contents; a new value reruns this script (CMake sets it, so a restored older header still rebuilds) |
//! | `DEMO_INPUTS_LIST_FILE` | optional: where to write the list of headers bindgen read (for that digest) |
//!
//! `<target>` is the cargo target with `-` and `.` as `_`
//! (`CC_thumbv7em_none_eabihf`). One of the first four is required; every
//! error names the variable to set. Headers are read only from the
//! directories named: nothing is added behind the caller's back.
//!
//! From the C compiler this script derives what bindgen's clang needs to
//! see the same ABI: short enums (`__ARM_SIZEOF_MINIMAL_ENUM`), the float
//! ABI, char signedness, and the compiler's own libc include directories
//! (so `BINDGEN_EXTRA_CLANG_ARGS_<target>` is not needed). It stops when
//! cargo's float ABI (`...eabihf` or not) and the C compiler's
//! (`__ARM_PCS_VFP`) disagree.
//!
//! Adapting to the firmware's headers: when the transport header does not
//! define `struct NetworkContext`
//! (FreeRTOS-Plus leaves that to the application), the FreeRTOS application
//! convention `struct NetworkContext { TlsTransportParams_t *pParams; }` is
//! defined here, as every FreeRTOS-Plus demo does.
//!
//! Values in `demo_config.h` must be literals or arithmetic on literals and
//! other macros (bindgen evaluates those, not casts); strings may be
//! concatenations of literals.

#[cfg(any(feature = "freertos", feature = "coremqtt"))]
#[cfg_attr(not(feature = "freertos"), allow(dead_code))]
#[path = "build/cview.rs"]
mod cview;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    #[cfg(feature = "freertos")]
    freertos::generate();
    #[cfg(feature = "coremqtt")]
    coremqtt::generate();
}

/// With `coremqtt`: `$OUT_DIR/coremqtt_layout.rs`, the firmware C
/// compiler's layout of every type of the coreMQTT and backoffAlgorithm C
/// APIs (`include/*.h`) as items that fail to compile when the Rust mirror
/// in `src/coremqtt/types.rs` differs (size, alignment, each field's
/// offset). Enums are checked against `CEnum` (one byte with
/// arm-none-eabi's short enums, four elsewhere).
#[cfg(feature = "coremqtt")]
mod coremqtt {
    use std::env;
    use std::fmt::Write as _;
    use std::fs;
    use std::path::PathBuf;

    use crate::cview::{CCompiler, TypeQuery};

    /// C type, Rust type (in `crate::coremqtt::types`), and each C field
    /// with its Rust path.
    type Mirror = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    );

    const MIRRORS: &[Mirror] = &[
        (
            "MQTTContext_t",
            "MqttContext",
            &[
                ("outgoingPublishRecords", "outgoing"),
                ("incomingPublishRecords", "incoming"),
                ("outgoingPublishRecordMaxCount", "outgoing_max"),
                ("incomingPublishRecordMaxCount", "incoming_max"),
                ("transportInterface", "transport"),
                ("networkBuffer", "network_buffer"),
                ("nextPacketId", "vars.next_packet_id"),
                ("connectStatus", "vars.connect_status"),
                ("getTime", "vars.c_get_time"),
                ("appCallback", "vars.c_app_callback"),
                ("lastPacketTxTime", "vars.last_tx_ms"),
                ("lastPacketRxTime", "vars.last_rx_ms"),
                ("controlPacketSent", "vars.control_packet_sent"),
                ("index", "vars.index"),
                ("keepAliveIntervalSec", "vars.keep_alive_s"),
                ("pingReqSendTimeMs", "vars.ping_sent_ms"),
                ("waitingForPingResp", "vars.waiting_for_ping_resp"),
                ("packetStartTimeMs", "vars.packet_start_ms"),
                ("discardRemaining", "vars.discard_remaining"),
                ("inCallback", "vars.in_callback"),
            ],
        ),
        (
            "MQTTPubAckInfo_t",
            "Record",
            &[
                ("packetId", "packet_id"),
                ("qos", "qos"),
                ("publishState", "state"),
            ],
        ),
        (
            "TransportInterface_t",
            "TransportInterface",
            &[
                ("recv", "recv"),
                ("send", "send"),
                ("writev", "writev"),
                ("pNetworkContext", "network_context"),
            ],
        ),
        (
            "TransportOutVector_t",
            "OutVector",
            &[("iov_base", "base"), ("iov_len", "len")],
        ),
        (
            "MQTTFixedBuffer_t",
            "FixedBuffer",
            &[("pBuffer", "buffer"), ("size", "size")],
        ),
        (
            "MQTTConnectInfo_t",
            "ConnectInfo",
            &[
                ("cleanSession", "clean_session"),
                ("keepAliveSeconds", "keep_alive_s"),
                ("pClientIdentifier", "client_id"),
                ("clientIdentifierLength", "client_id_len"),
                ("pUserName", "user_name"),
                ("userNameLength", "user_name_len"),
                ("pPassword", "password"),
                ("passwordLength", "password_len"),
            ],
        ),
        (
            "MQTTSubscribeInfo_t",
            "SubscribeInfo",
            &[
                ("qos", "qos"),
                ("pTopicFilter", "filter"),
                ("topicFilterLength", "filter_len"),
            ],
        ),
        (
            "MQTTPublishInfo_t",
            "PublishInfo",
            &[
                ("qos", "qos"),
                ("retain", "retain"),
                ("dup", "dup"),
                ("pTopicName", "topic"),
                ("topicNameLength", "topic_len"),
                ("pPayload", "payload"),
                ("payloadLength", "payload_len"),
            ],
        ),
        (
            "MQTTPacketInfo_t",
            "PacketInfo",
            &[
                ("type", "kind"),
                ("pRemainingData", "remaining_data"),
                ("remainingLength", "remaining_length"),
                ("headerLength", "header_length"),
            ],
        ),
        (
            "MQTTDeserializedInfo_t",
            "DeserializedInfo",
            &[
                ("packetIdentifier", "packet_id"),
                ("pPublishInfo", "publish_info"),
                ("deserializationResult", "result"),
            ],
        ),
        (
            "BackoffAlgorithmContext_t",
            "BackoffContext",
            &[
                ("maxBackoffDelay", "max_backoff_delay"),
                ("attemptsDone", "attempts_done"),
                ("nextJitterMax", "next_jitter_max"),
                ("maxRetryAttempts", "max_retry_attempts"),
            ],
        ),
        ("MQTTStatus_t", "CEnum", &[]),
        ("MQTTQoS_t", "CEnum", &[]),
        ("MQTTConnectionStatus_t", "CEnum", &[]),
        ("MQTTPublishState_t", "CEnum", &[]),
        ("BackoffAlgorithmStatus_t", "CEnum", &[]),
        ("MQTTStateCursor_t", "usize", &[]),
        ("bool", "u8", &[]),
    ];

    pub fn generate() {
        let include =
            PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("include");
        for h in [
            "core_mqtt.h",
            "core_mqtt_serializer.h",
            "core_mqtt_state.h",
            "transport_interface.h",
            "backoff_algorithm.h",
        ] {
            println!("cargo:rerun-if-changed={}", include.join(h).display());
        }
        let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
        // Each type with its fields' offsets, then each field's own type
        // (its size: padding could hide a narrower field).
        let mut queries: Vec<TypeQuery> = MIRRORS
            .iter()
            .map(|(c, _, fields)| {
                let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
                TypeQuery::new(c, &names)
            })
            .collect();
        for (c, _, fields) in MIRRORS {
            for (f, _) in *fields {
                queries.push(TypeQuery::new(&format!("__typeof__((({c} *)0)->{f})"), &[]));
            }
        }
        let prelude = "#include \"core_mqtt.h\"\n#include \"core_mqtt_state.h\"\n\
                       #include \"backoff_algorithm.h\"\n";
        let layouts = CCompiler::from_env().and_then(|cc| {
            cc.layouts(
                prelude,
                &[format!("-I{}", include.display())],
                &queries,
                &out,
            )
        });
        let layouts = match layouts {
            Ok(l) => l,
            Err(e) => {
                println!("cargo::error=coremqtt layout check: {e}");
                std::process::exit(1);
            }
        };
        let mut s = String::from(
            "// Generated by build.rs (feature coremqtt): the C compiler's layouts.\n",
        );
        for ((c, rust, fields), l) in MIRRORS.iter().zip(&layouts) {
            let ty = match *rust {
                "usize" | "u8" => format!("::core::primitive::{rust}"),
                _ => format!("crate::coremqtt::types::{rust}"),
            };
            let id = c.replace(|ch: char| !ch.is_ascii_alphanumeric(), "_");
            let _ = writeln!(
                s,
                "#[allow(non_upper_case_globals, dead_code)]\nconst {id}_size_in_C: [(); {}] = [(); ::core::mem::size_of::<{ty}>()];",
                l.size
            );
            let _ = writeln!(
                s,
                "#[allow(non_upper_case_globals, dead_code)]\nconst {id}_align_in_C: [(); {}] = [(); ::core::mem::align_of::<{ty}>()];",
                l.align
            );
            for ((cf, rf), (_, off)) in fields.iter().zip(&l.fields) {
                let _ = writeln!(
                    s,
                    "#[allow(non_upper_case_globals, dead_code)]\nconst {id}_{cf}_offset_in_C: [(); {off}] = [(); ::core::mem::offset_of!({ty}, {rf})];"
                );
            }
        }
        let mut sizes = layouts.iter().skip(MIRRORS.len());
        for (c, rust, fields) in MIRRORS {
            for (cf, rf) in *fields {
                let size = sizes.next().map_or(0, |l| l.size);
                let id = c.replace(|ch: char| !ch.is_ascii_alphanumeric(), "_");
                let _ = writeln!(
                    s,
                    "#[allow(non_upper_case_globals, dead_code)]\nconst {id}_{cf}_size_in_C: [(); {size}] = [(); field_size(|t: &crate::coremqtt::types::{rust}| &t.{rf})];"
                );
            }
        }
        s.push_str(
            "const fn field_size<T, F>(_: fn(&T) -> &F) -> usize {\n    ::core::mem::size_of::<F>()\n}\n",
        );
        let path = out.join("coremqtt_layout.rs");
        if let Err(e) = fs::write(&path, s) {
            println!("cargo::error=cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
}

#[cfg(feature = "freertos")]
mod freertos {
    use std::collections::{BTreeMap, BTreeSet};
    use std::env;
    use std::fmt::Write as _;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};

    use crate::cview::{self, CCompiler, TypeQuery};

    const ENV_VARS: &[&str] = &[
        "DEMO_CONFIG_DIR",
        "DEMO_INCLUDE_DIRS",
        "DEMO_CLANG_ARGS",
        "DEMO_CLANG_ARGS_FILE",
        "DEMO_INPUT_DIGEST",
        "DEMO_INPUTS_LIST_FILE",
    ];

    /// Where the include directories can come from, for error messages.
    const DIR_VARS: &str = "DEMO_INCLUDE_DIRS (or DEMO_CLANG_ARGS / DEMO_CLANG_ARGS_FILE)";

    const FUNCTIONS: &[&str] = &[
        "TLS_FreeRTOS_Connect",
        "TLS_FreeRTOS_Disconnect",
        "TLS_FreeRTOS_recv",
        "TLS_FreeRTOS_send",
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

    /// Every C type Rust allocates, reads or passes by value, with the
    /// fields Rust touches: checked against the firmware's C compiler.
    fn checked_types() -> Vec<TypeQuery> {
        vec![
            TypeQuery::new("NetworkContext_t", &["pParams"]),
            TypeQuery::new("TlsTransportParams_t", &[]),
            TypeQuery::new(
                "NetworkCredentials_t",
                &[
                    "pAlpnProtos",
                    "disableSni",
                    "pRootCa",
                    "rootCaSize",
                    "pClientCert",
                    "clientCertSize",
                    "pPrivateKey",
                    "privateKeySize",
                ],
            ),
            TypeQuery::new("TlsTransportStatus_t", &[]),
            TypeQuery::new(
                "CK_FUNCTION_LIST",
                &[
                    "C_Initialize",
                    "C_GetSlotList",
                    "C_OpenSession",
                    "C_CloseSession",
                    "C_GenerateRandom",
                ],
            ),
            TypeQuery::new("CK_SESSION_HANDLE", &[]),
            TypeQuery::new("CK_SLOT_ID", &[]),
            TypeQuery::new("CK_ULONG", &[]),
            TypeQuery::new("CK_FLAGS", &[]),
            TypeQuery::new("CK_RV", &[]),
            TypeQuery::new("TickType_t", &[]),
            TypeQuery::new("BaseType_t", &[]),
            TypeQuery::new("UBaseType_t", &[]),
        ]
    }

    /// Macro values seen by bindgen, and the headers it read.
    #[derive(Debug, Default)]
    struct Macros {
        strings: BTreeMap<String, Vec<u8>>,
        ints: BTreeMap<String, i64>,
        headers: BTreeSet<String>,
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
        fn include_file(&self, filename: &str) {
            if let Ok(mut m) = self.0.lock() {
                m.headers.insert(filename.to_owned());
            }
        }
    }

    fn fail(msg: &str) -> ! {
        eprintln!("\nerror: rust-component (feature `freertos`): {msg}\n");
        std::process::exit(1);
    }

    fn env_opt(name: &str) -> Option<String> {
        env::var(name).ok().filter(|v| !v.trim().is_empty())
    }

    /// Splits `DEMO_CLANG_ARGS`: whitespace separates arguments; an argument
    /// that STARTS with `"` or `'` runs to the matching quote (the quotes are
    /// removed), so `"-IC:/My Firmware/inc"` is one argument; quotes inside an
    /// argument are kept (`-DMBEDTLS_CONFIG_FILE="my_config.h"`); backslashes
    /// are plain characters (Windows paths).
    fn split_quoted(s: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut quote: Option<char> = None;
        let mut in_arg = false;
        for c in s.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => cur.push(c),
                None if (c == '"' || c == '\'') && !in_arg => {
                    quote = Some(c);
                    in_arg = true;
                }
                None if c.is_whitespace() => {
                    if in_arg {
                        out.push(std::mem::take(&mut cur));
                        in_arg = false;
                    }
                }
                None => {
                    cur.push(c);
                    in_arg = true;
                }
            }
        }
        if quote.is_some() {
            return Err(format!("DEMO_CLANG_ARGS has an unclosed quote: {s}"));
        }
        if in_arg {
            out.push(cur);
        }
        Ok(out)
    }

    /// The clang arguments from the variables, in search order:
    /// `DEMO_CONFIG_DIR`, `DEMO_INCLUDE_DIRS`, the file, `DEMO_CLANG_ARGS`.
    fn clang_args() -> Vec<String> {
        let mut args = Vec::new();
        if let Some(dir) = env_opt("DEMO_CONFIG_DIR") {
            if !Path::new(&dir).join("demo_config.h").is_file() {
                fail(&format!(
                    "DEMO_CONFIG_DIR={dir}: no demo_config.h there; set DEMO_CONFIG_DIR to the \
                     directory holding the firmware's demo_config.h"
                ));
            }
            args.push(format!("-I{dir}"));
        }
        if let Some(dirs) = env::var_os("DEMO_INCLUDE_DIRS") {
            for d in env::split_paths(&dirs) {
                if d.as_os_str().is_empty() {
                    continue;
                }
                if !d.is_dir() {
                    fail(&format!(
                        "DEMO_INCLUDE_DIRS names {}, which is not a directory (entries are \
                         separated like PATH: ':' on Linux/macOS, ';' on Windows)",
                        d.display()
                    ));
                }
                args.push(format!("-I{}", d.display()));
            }
        }
        if let Some(file) = env_opt("DEMO_CLANG_ARGS_FILE") {
            println!("cargo:rerun-if-changed={file}");
            let text = fs::read_to_string(&file).unwrap_or_else(|e| {
                fail(&format!("DEMO_CLANG_ARGS_FILE={file}: cannot read it: {e}"))
            });
            args.extend(
                text.lines()
                    .map(|l| l.trim_end_matches('\r'))
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned),
            );
        }
        if let Some(more) = env_opt("DEMO_CLANG_ARGS") {
            args.extend(split_quoted(&more).unwrap_or_else(|e| fail(&e)));
        }
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

    /// The include directories named by the arguments (`-I`, `-isystem`,
    /// `-iquote`, `-idirafter`; joined or separate).
    fn include_dirs(args: &[String]) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            for flag in ["-I", "-isystem", "-iquote", "-idirafter"] {
                if let Some(rest) = a.strip_prefix(flag) {
                    let dir = if rest.is_empty() {
                        it.next().cloned()
                    } else {
                        Some(rest.to_owned())
                    };
                    if let Some(d) = dir {
                        dirs.push(PathBuf::from(d));
                    }
                    break;
                }
            }
        }
        dirs
    }

    fn find(dirs: &[PathBuf], header: &str) -> Option<PathBuf> {
        dirs.iter().map(|d| d.join(header)).find(|p| p.is_file())
    }

    /// Every header the Rust side needs must be in a named directory.
    fn require(dirs: &[PathBuf], header: &str, what: &str, var: &str) -> PathBuf {
        find(dirs, header).unwrap_or_else(|| {
            let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            fail(&format!(
                "{header} ({what}) is not in the include directories given; set {var}. \
                 Searched: [{}]",
                searched.join(", ")
            ))
        })
    }

    /// The PKCS#11 header the firmware uses: p11-kit's self-contained
    /// `p11-kit/pkcs11.h`, or corePKCS11's `core_pkcs11.h` (which sets up
    /// the OASIS `pkcs11.h`).
    fn pkcs11_include(dirs: &[PathBuf]) -> &'static str {
        if find(dirs, "p11-kit/pkcs11.h").is_some() {
            "#include <p11-kit/pkcs11.h>"
        } else if find(dirs, "core_pkcs11.h").is_some() {
            "#include \"core_pkcs11.h\""
        } else {
            fail(&format!(
                "no PKCS#11 header: neither p11-kit/pkcs11.h (Debian libp11-kit-dev: \
                 /usr/include/p11-kit-1) nor corePKCS11's core_pkcs11.h (with its OASIS \
                 pkcs11.h) is in the include directories; set {DIR_VARS}"
            ))
        }
    }

    /// True if the transport header defines `struct NetworkContext` itself.
    fn defines_network_context(header: &Path) -> bool {
        let text = fs::read_to_string(header).unwrap_or_default();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("struct NetworkContext") {
            rest = &rest[i + "struct NetworkContext".len()..];
            if rest.trim_start().starts_with('{') {
                return true;
            }
        }
        false
    }

    /// The wrapper header bindgen and the layout probe both read.
    fn wrapper(defines: &str, pkcs11: &str, define_context: bool) -> String {
        let context = if define_context {
            "/* FreeRTOS application convention: the transport header leaves\n \
             * struct NetworkContext to the application. */\n\
             struct NetworkContext { TlsTransportParams_t *pParams; };\n"
        } else {
            ""
        };
        format!(
            r#"{defines}
#include "FreeRTOS.h"
#include "task.h"
#include "demo_config.h"
#include "demo_log.h"
#include "transport_mbedtls.h"
{context}{pkcs11}
"#
        )
    }

    /// Values behind casts, which bindgen cannot evaluate in a macro but
    /// clang evaluates in a constant initializer.
    const CONSTANTS: &str = r#"
static const uint32_t demo_rs_tick_rate_hz = configTICK_RATE_HZ;
static const BaseType_t demo_rs_pd_pass = pdPASS;
static const BaseType_t demo_rs_scheduler_running = taskSCHEDULER_RUNNING;
"#;

    /// bindgen's layouts from its layout tests in `bindings.rs`:
    /// (type, "size" | "align" | field) -> bytes.
    fn bindgen_layouts(text: &str) -> BTreeMap<(String, String), u64> {
        let mut m = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("[\"") else {
                continue;
            };
            let Some((label, tail)) = rest.split_once("\"]") else {
                continue;
            };
            let Some(num) = tail
                .rsplit_once(" - ")
                .and_then(|(_, n)| n.split("usize").next())
                .and_then(|n| n.trim().parse::<u64>().ok())
            else {
                continue;
            };
            if let Some(t) = label.strip_prefix("Size of ") {
                m.insert((t.to_owned(), "size".to_owned()), num);
            } else if let Some(t) = label.strip_prefix("Alignment of ") {
                m.insert((t.to_owned(), "align".to_owned()), num);
            } else if let Some(tf) = label.strip_prefix("Offset of field: ") {
                if let Some((t, f)) = tf.split_once("::") {
                    m.insert((t.to_owned(), f.to_owned()), num);
                }
            }
        }
        m
    }

    /// bindgen names a struct by its tag when the typedef has the same
    /// layout; follow `pub type X = Y;` aliases to the laid-out name.
    fn resolve_alias(text: &str, name: &str) -> String {
        let mut cur = name.to_owned();
        for _ in 0..4 {
            let Some(rhs) = alias_of(text, &cur) else {
                break;
            };
            if rhs.contains("::") || rhs.contains(' ') || rhs.is_empty() {
                break;
            }
            cur = rhs.to_owned();
        }
        cur
    }

    /// Size of a `core::ffi` scalar on the Rust target (bindgen maps C
    /// scalars and enums, with the Consts style, to these).
    fn rust_scalar_size(ty: &str) -> Option<u64> {
        let pointer = env::var("CARGO_CFG_TARGET_POINTER_WIDTH")
            .ok()
            .and_then(|w| w.parse::<u64>().ok())
            .map(|bits| bits / 8)?;
        let name = ty.rsplit("::").next()?;
        Some(match name {
            "c_char" | "c_schar" | "c_uchar" => 1,
            "c_short" | "c_ushort" => 2,
            "c_int" | "c_uint" => 4,
            "c_long" | "c_ulong" => pointer,
            "c_longlong" | "c_ulonglong" => 8,
            _ => return None,
        })
    }

    /// The right-hand side of `pub type <name> = ...;` in the bindings.
    /// (bindgen also writes `pub use self::<target> as <name>;`.)
    fn alias_of<'a>(text: &'a str, name: &str) -> Option<&'a str> {
        let pat = format!("pub type {name} = ");
        if let Some(i) = text.find(&pat) {
            return text[i + pat.len()..].split(';').next().map(str::trim);
        }
        let suffix = format!(" as {name};");
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("pub use self::") && l.ends_with(&suffix))?;
        line.strip_prefix("pub use self::")?.strip_suffix(&suffix)
    }

    /// Compares bindgen's view with the C compiler's; every difference.
    fn compare_layouts(bindings: &str, c: &[cview::CLayout], cc: &str) -> Vec<String> {
        let bg = bindgen_layouts(bindings);
        let mut errors = Vec::new();
        for l in c {
            // Scalars and enums: bindgen's alias to a C scalar type.
            let mut scalar = alias_of(bindings, &l.name);
            for _ in 0..4 {
                match scalar {
                    Some(t) if !t.contains("::") => scalar = alias_of(bindings, t),
                    _ => break,
                }
            }
            if let Some(size) = scalar.and_then(rust_scalar_size) {
                if size != l.size {
                    errors.push(format!(
                        "{}: size is {size} B as bindgen (and so Rust) sees it, {} B as the \
                         firmware's C compiler ({cc}) sees it",
                        l.name, l.size
                    ));
                }
                continue;
            }
            let laid_out = resolve_alias(bindings, &l.name);
            let get = |item: &str| bg.get(&(laid_out.clone(), item.to_owned())).copied();
            let mut check = |item: &str, what: &str, c_value: u64| {
                if let Some(b) = get(item) {
                    if b != c_value {
                        errors.push(format!(
                            "{}: {what} is {b} B as bindgen (and so Rust) sees it, {c_value} B \
                             as the firmware's C compiler ({cc}) sees it",
                            l.name
                        ));
                    }
                }
            };
            check("size", "size", l.size);
            check("align", "alignment", l.align);
            for (f, off) in &l.fields {
                check(f, &format!("offset of {f}"), *off);
            }
        }
        errors
    }

    pub fn generate() {
        for v in ENV_VARS {
            println!("cargo:rerun-if-env-changed={v}");
        }
        let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap_or_default());
        let target = env::var("TARGET").unwrap_or_default();
        if ENV_VARS[..4].iter().all(|v| env_opt(v).is_none()) {
            fail(
                "the `freertos` feature needs the firmware's headers: set DEMO_CONFIG_DIR and \
                 DEMO_INCLUDE_DIRS (or DEMO_CLANG_ARGS / DEMO_CLANG_ARGS_FILE); see the table at \
                 the top of rust-component/build.rs and the README's \"plain cargo\" section",
            );
        }
        let (args, defines) = split_defines(clang_args());

        // Headers only from the directories named.
        let dirs = include_dirs(&args);
        require(
            &dirs,
            "demo_config.h",
            "the demo's configuration",
            "DEMO_CONFIG_DIR",
        );
        require(
            &dirs,
            "FreeRTOS.h",
            "the FreeRTOS kernel's include dir",
            DIR_VARS,
        );
        require(
            &dirs,
            "FreeRTOSConfig.h",
            "the firmware's kernel configuration",
            DIR_VARS,
        );
        require(&dirs, "portmacro.h", "the FreeRTOS port's dir", DIR_VARS);
        require(&dirs, "demo_log.h", "the log sink's declaration", DIR_VARS);
        let transport = require(
            &dirs,
            "transport_mbedtls.h",
            "the TLS transport: FreeRTOS-Plus network_transport, or c-shim/include when the \
             firmware builds this repository's c-shim",
            DIR_VARS,
        );
        require(&dirs, "mbedtls/ssl.h", "mbedTLS's include dir", DIR_VARS);
        let pkcs11 = pkcs11_include(&dirs);
        let define_context = !defines_network_context(&transport);
        let header = wrapper(&defines, pkcs11, define_context);

        // The firmware C compiler's view: ABI facts and its libc headers.
        let cc = CCompiler::from_env().unwrap_or_else(|e| fail(&e));
        let macros = cc.macros(&out_dir).unwrap_or_else(|e| fail(&e));
        if let Some(e) = cview::float_abi_mismatch(&target, &macros) {
            fail(&e);
        }
        let mut bindgen_args = args.clone();
        bindgen_args.extend(cview::bindgen_abi_args(&macros));
        for d in cc
            .system_include_dirs(&out_dir)
            .unwrap_or_else(|e| fail(&e))
        {
            bindgen_args.push("-isystem".to_owned());
            bindgen_args.push(d.display().to_string());
        }

        let collected = Arc::new(Mutex::new(Macros::default()));
        let mut builder = bindgen::Builder::default()
            .header_contents("demo_rs_wrapper.h", &format!("{header}{CONSTANTS}"))
            .clang_args(&bindgen_args)
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
            .parse_callbacks(Box::new(Collect(Arc::clone(&collected))));
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
                "bindgen could not parse the firmware's headers ({e}); the clang errors are \
                 above. Arguments used: {bindgen_args:?}. A missing mbedtls/*.h needs mbedTLS's \
                 include and config dirs and -DMBEDTLS_CONFIG_FILE; a missing libc header \
                 (stdlib.h, stdint.h) the firmware's C compiler in CC_{t} with its flags in \
                 CFLAGS_{t} (its include dirs are used); anything else a directory in \
                 {DIR_VARS}.",
                t = cview::target_var(&target)
            ))
        });
        let text = bindings.to_string();
        fs::write(out_dir.join("bindings.rs"), &text)
            .unwrap_or_else(|e| fail(&format!("cannot write bindings.rs: {e}")));

        // The same types as the firmware's C compiler lays them out.
        let c_layouts = cc
            .layouts(&header, &args, &checked_types(), &out_dir)
            .unwrap_or_else(|e| fail(&e));
        let errors = compare_layouts(&text, &c_layouts, &cc.describe());
        if !errors.is_empty() {
            fail(&format!(
                "the Rust bindings and the firmware's C compiler disagree on C types; the \
                 staticlib would read or write the wrong bytes:\n  - {}\nbindgen's clang used \
                 {:?} for the ABI (derived from the C compiler), plus \
                 BINDGEN_EXTRA_CLANG_ARGS_{t}={:?}; the C compiler is CC_{t}, its flags \
                 CFLAGS_{t}.",
                errors.join("\n  - "),
                cview::bindgen_abi_args(&macros),
                env::var(format!(
                    "BINDGEN_EXTRA_CLANG_ARGS_{}",
                    cview::target_var(&target)
                ))
                .or_else(|_| env::var(format!("BINDGEN_EXTRA_CLANG_ARGS_{target}")))
                .or_else(|_| env::var("BINDGEN_EXTRA_CLANG_ARGS"))
                .unwrap_or_default(),
                t = cview::target_var(&target)
            ));
        }
        fs::write(
            out_dir.join("layout_check.rs"),
            cview::rust_asserts(&c_layouts, "super"),
        )
        .unwrap_or_else(|e| fail(&format!("cannot write layout_check.rs: {e}")));

        let macros = collected
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        if let Some(list) = env_opt("DEMO_INPUTS_LIST_FILE") {
            let mut files: Vec<&str> = macros.headers.iter().map(String::as_str).collect();
            let args_file = env_opt("DEMO_CLANG_ARGS_FILE");
            files.extend(args_file.as_deref());
            let body = files.join("\n") + "\n";
            if fs::read_to_string(&list).ok().as_deref() != Some(body.as_str()) {
                fs::write(&list, body).unwrap_or_else(|e| {
                    fail(&format!(
                        "DEMO_INPUTS_LIST_FILE={list}: cannot write it: {e}"
                    ))
                });
            }
        }
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
