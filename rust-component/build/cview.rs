//! The firmware C compiler's own view of the C side, for `build.rs`:
//! its predefined macros (ABI: short enums, float ABI, pointer size), its
//! system include directories (so bindgen's clang finds the same libc
//! headers without `BINDGEN_EXTRA_CLANG_ARGS`), and the size, alignment and
//! field offsets of C types as that compiler lays them out.
//!
//! Std only (plus the `cc` crate to find the compiler), no bindgen, so it
//! serves builds with and without the `freertos` feature.
//!
//! # Checking hand-written `#[repr(C)]` mirrors
//!
//! ```ignore
//! let cc = cview::CCompiler::from_env()?;           // CC_<target>, CFLAGS_<target>
//! let types = [cview::TypeQuery::new("MQTTConnectInfo_t", &["cleanSession", "pClientIdentifier"])];
//! let c = cc.layouts("#include \"core_mqtt.h\"\n", &["-Irust-component/include".into()], &types)?;
//! std::fs::write(out_dir.join("mqtt_layout.rs"), cview::rust_asserts(&c, "crate::coremqtt"))?;
//! // then, in the crate: include!(concat!(env!("OUT_DIR"), "/mqtt_layout.rs"));
//! ```
//!
//! A mismatch then fails the crate's compilation with an error that names
//! the type, the item and both figures (`expected an array with a size of
//! <C's figure>, found one with a size of <Rust's figure>`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The firmware's C compiler for the cargo target being built, found with
/// the `cc` crate's conventions: `CC_<target>` / `TARGET_CC` / `CC` and
/// `CFLAGS_<target>` / `TARGET_CFLAGS` / `CFLAGS`; without them, the `cc`
/// crate's default for the target (e.g. `arm-none-eabi-gcc -mthumb
/// -march=armv7e-m -mfloat-abi=hard ...` for `thumbv7em-none-eabihf`).
pub struct CCompiler {
    pub path: PathBuf,
    pub args: Vec<OsString>,
    pub target: String,
}

/// A C type to measure: its name as C code spells it, and the fields (or
/// nested member paths such as `sslContext.context`) whose offsets matter.
pub struct TypeQuery {
    pub name: String,
    pub fields: Vec<String>,
}

impl TypeQuery {
    pub fn new(name: &str, fields: &[&str]) -> Self {
        TypeQuery {
            name: name.to_owned(),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}

/// A C type as the C compiler laid it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CLayout {
    pub name: String,
    pub size: u64,
    pub align: u64,
    pub fields: Vec<(String, u64)>,
}

const MAGIC: u64 = 0x4445_4d4f_4c41_5931; // "DEMOLAY1"

/// The target variable suffix cargo and the cc crate use: `thumbv7m_none_eabi`.
pub fn target_var(target: &str) -> String {
    target.replace(['-', '.'], "_")
}

impl CCompiler {
    pub fn from_env() -> Result<CCompiler, String> {
        let target =
            std::env::var("TARGET").map_err(|_| "TARGET is not set (not run by cargo?)")?;
        let tool = cc::Build::new()
            .cargo_metadata(false)
            .opt_level(0)
            .debug(false)
            .try_get_compiler()
            .map_err(|e| {
                format!(
                    "no C compiler for {target}: {e}. Set CC_{t} to the firmware's C compiler \
                     (and CFLAGS_{t} to its flags)",
                    t = target_var(&target)
                )
            })?;
        Ok(CCompiler {
            path: tool.path().to_path_buf(),
            args: tool.args().to_vec(),
            target,
        })
    }

    /// What to tell the user when the compiler misbehaves.
    pub fn describe(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        format!("{} {}", self.path.display(), args.join(" "))
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.path);
        c.args(&self.args);
        // Link-time optimisation would put IR, not the probe's data, in the object.
        c.arg("-fno-lto");
        c
    }

    fn run(&self, mut cmd: Command, what: &str) -> Result<std::process::Output, String> {
        let out = cmd.output().map_err(|e| {
            format!(
                "cannot run the C compiler `{}` ({e}): set CC_{} to the firmware's C compiler",
                self.path.display(),
                target_var(&self.target)
            )
        })?;
        if !out.status.success() {
            return Err(format!(
                "{what} failed with the firmware's C compiler `{}`:\n{}",
                self.describe(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(out)
    }

    /// The compiler's predefined macros (`-dM -E` on an empty file).
    pub fn macros(&self, scratch: &Path) -> Result<BTreeMap<String, String>, String> {
        let empty = scratch.join("demo_cview_empty.c");
        fs::write(&empty, "").map_err(|e| format!("cannot write {}: {e}", empty.display()))?;
        let mut cmd = self.command();
        cmd.arg("-dM").arg("-E").arg(&empty);
        let out = self.run(cmd, "listing predefined macros")?;
        let mut m = BTreeMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(rest) = line.strip_prefix("#define ") {
                let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
                m.insert(name.to_owned(), value.to_owned());
            }
        }
        Ok(m)
    }

    /// The directories the compiler searches for `<...>` headers, without
    /// its own internal ones (lib/gcc/.../include, include-fixed): bindgen's
    /// clang brings its own versions of those.
    pub fn system_include_dirs(&self, scratch: &Path) -> Result<Vec<PathBuf>, String> {
        let empty = scratch.join("demo_cview_empty.c");
        fs::write(&empty, "").map_err(|e| format!("cannot write {}: {e}", empty.display()))?;
        let mut cmd = self.command();
        cmd.arg("-E").arg("-v").arg(&empty);
        let out = self.run(cmd, "listing the include search path")?;
        let text = String::from_utf8_lossy(&out.stderr);
        let mut dirs = Vec::new();
        let mut inside = false;
        for line in text.lines() {
            if line.starts_with("#include <...> search starts here") {
                inside = true;
                continue;
            }
            if line.starts_with("End of search list") {
                break;
            }
            if !inside {
                continue;
            }
            let dir = line.trim().trim_end_matches(" (framework directory)");
            let p = PathBuf::from(dir);
            let canon = fs::canonicalize(&p).unwrap_or(p);
            let s = canon.to_string_lossy();
            let compiler_internal = s.contains("/lib/gcc/")
                || s.contains("/lib/clang/")
                || s.ends_with("include-fixed");
            if !compiler_internal {
                dirs.push(canon);
            }
        }
        Ok(dirs)
    }

    /// Size, alignment and field offsets of `types` as this compiler lays
    /// them out after `prelude` (the #includes that declare them), with the
    /// extra `args` (`-I`, `-D`). Compiles a probe object and reads the
    /// figures back from its data.
    pub fn layouts(
        &self,
        prelude: &str,
        args: &[String],
        types: &[TypeQuery],
        scratch: &Path,
    ) -> Result<Vec<CLayout>, String> {
        let mut src = String::from(prelude);
        src.push_str("\n#include <stddef.h>\n");
        src.push_str("const unsigned long long demo_cview_probe[] = {\n");
        let _ = writeln!(src, "    {MAGIC:#x}ULL,");
        let count: usize = types.iter().map(|t| 2 + t.fields.len()).sum();
        let _ = writeln!(src, "    {count}ULL,");
        for t in types {
            let n = &t.name;
            let _ = writeln!(src, "    sizeof({n}),");
            let _ = writeln!(src, "    offsetof(struct {{ char c; {n} t; }}, t),");
            for f in &t.fields {
                let _ = writeln!(src, "    offsetof({n}, {f}),");
            }
        }
        src.push_str("};\n");
        let c = scratch.join("demo_cview_probe.c");
        let o = scratch.join("demo_cview_probe.o");
        fs::write(&c, &src).map_err(|e| format!("cannot write {}: {e}", c.display()))?;
        let _ = fs::remove_file(&o);
        let mut cmd = self.command();
        cmd.args(args).arg("-c").arg(&c).arg("-o").arg(&o);
        self.run(cmd, &format!("compiling the layout probe {}", c.display()))?;
        let bytes = fs::read(&o).map_err(|e| format!("cannot read {}: {e}", o.display()))?;
        let values = read_probe(&bytes).ok_or_else(|| {
            format!(
                "the layout probe {} compiled, but its data was not found in {}",
                c.display(),
                o.display()
            )
        })?;
        if values.len() != count {
            return Err(format!(
                "layout probe: {} values, {count} expected",
                values.len()
            ));
        }
        let mut it = values.into_iter();
        let mut out = Vec::new();
        for t in types {
            let size = it.next().unwrap_or(0);
            let align = it.next().unwrap_or(0);
            let fields = t
                .fields
                .iter()
                .map(|f| (f.clone(), it.next().unwrap_or(0)))
                .collect();
            out.push(CLayout {
                name: t.name.clone(),
                size,
                align,
                fields,
            });
        }
        Ok(out)
    }
}

/// The probe's values: after the magic word (either byte order), a count,
/// then that many 64-bit values.
fn read_probe(bytes: &[u8]) -> Option<Vec<u64>> {
    for (magic, le) in [(MAGIC.to_le_bytes(), true), (MAGIC.to_be_bytes(), false)] {
        let Some(pos) = bytes.windows(8).position(|w| w == magic) else {
            continue;
        };
        let word = |i: usize| -> Option<u64> {
            let start = pos + 8 * i;
            let b: [u8; 8] = bytes.get(start..start + 8)?.try_into().ok()?;
            Some(if le {
                u64::from_le_bytes(b)
            } else {
                u64::from_be_bytes(b)
            })
        };
        let n = usize::try_from(word(1)?).ok()?;
        return (0..n).map(|i| word(2 + i)).collect();
    }
    None
}

/// Rust items that fail to compile when a Rust type's layout differs from
/// the C compiler's: for each C layout, `<rust_path>::<name>` must have the
/// same size and alignment, and each named field the same offset. The
/// error names the item (type and field) and shows both figures.
pub fn rust_asserts(layouts: &[CLayout], rust_path: &str) -> String {
    let mut s = String::from(
        "// Generated by rust-component/build.rs: the firmware C compiler's layouts.\n",
    );
    for l in layouts {
        let ident: String = l
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let ty = format!("{rust_path}::{}", l.name);
        let _ = writeln!(
            s,
            "#[allow(non_upper_case_globals)]\nconst LAYOUT_{ident}_size_in_C: [(); {}] = \
             [(); ::core::mem::size_of::<{ty}>()];",
            l.size
        );
        let _ = writeln!(
            s,
            "#[allow(non_upper_case_globals)]\nconst LAYOUT_{ident}_align_in_C: [(); {}] = \
             [(); ::core::mem::align_of::<{ty}>()];",
            l.align
        );
        for (f, off) in &l.fields {
            if f.contains(['.', '[']) {
                continue; // nested paths: offset_of! takes one field
            }
            let _ = writeln!(
                s,
                "#[allow(non_upper_case_globals)]\nconst LAYOUT_{ident}_{f}_offset_in_C: [(); {off}] = \
                 [(); ::core::mem::offset_of!({ty}, {f})];"
            );
        }
    }
    s
}

/// The ABI facts bindgen's clang must share with the firmware's compiler,
/// as clang arguments: enum size (`-fshort-enums`: arm-none-eabi-gcc's
/// default, `__ARM_SIZEOF_MINIMAL_ENUM == 1`), the float ABI (hard/softfp/
/// soft from `__ARM_PCS_VFP` / `__ARM_FP`), and plain char signedness.
pub fn bindgen_abi_args(macros: &BTreeMap<String, String>) -> Vec<String> {
    let mut a = Vec::new();
    match macros.get("__ARM_SIZEOF_MINIMAL_ENUM").map(String::as_str) {
        Some("1") => a.push("-fshort-enums".to_owned()),
        Some(_) => a.push("-fno-short-enums".to_owned()),
        None => {}
    }
    if macros.contains_key("__ARM_EABI__") || macros.contains_key("__arm__") {
        if macros.contains_key("__ARM_PCS_VFP") {
            a.push("-mfloat-abi=hard".to_owned());
        } else if macros.contains_key("__ARM_FP") {
            a.push("-mfloat-abi=softfp".to_owned());
        } else {
            a.push("-mfloat-abi=soft".to_owned());
        }
    }
    if macros.contains_key("__CHAR_UNSIGNED__") {
        a.push("-funsigned-char".to_owned());
    } else {
        a.push("-fsigned-char".to_owned());
    }
    a
}

/// Cargo's float ABI (from the target name) against the C compiler's: a
/// hard-float target (`...eabihf`) needs `__ARM_PCS_VFP`, a soft-float one
/// must not see it. `None` when they agree or the target is not ARM EABI.
pub fn float_abi_mismatch(target: &str, macros: &BTreeMap<String, String>) -> Option<String> {
    if !target.contains("-none-eabi") {
        return None;
    }
    let rust_hard = target.ends_with("eabihf");
    let c_hard = macros.contains_key("__ARM_PCS_VFP");
    if rust_hard == c_hard {
        return None;
    }
    let t = target_var(target);
    Some(if rust_hard {
        format!(
            "float ABI mismatch: the Rust target {target} passes floats in FPU registers \
             (hard float), but the firmware's C compiler flags give the soft-float calling \
             convention (no __ARM_PCS_VFP). Set CFLAGS_{t} to the firmware's flags, e.g. \
             \"-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard\", or build for the \
             soft-float target (thumbv7em-none-eabi)"
        )
    } else {
        format!(
            "float ABI mismatch: the Rust target {target} uses the soft-float calling \
             convention, but the firmware's C compiler flags select hard float \
             (__ARM_PCS_VFP). Build for the matching hard-float target (e.g. \
             thumbv7em-none-eabihf, thumbv8m.main-none-eabihf), or set CFLAGS_{t} to \
             -mfloat-abi=soft / softfp"
        )
    })
}
