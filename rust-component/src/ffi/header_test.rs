//! The committed C header must be what cbindgen makes of the exports today.
//! `UPDATE_HEADER=1 cargo test -p rust-component header` rewrites it.

use std::path::Path;

#[test]
fn committed_c_header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/exports.rs"))
        .with_src(root.join("src/demo/status.rs"))
        .generate()
        .expect("cbindgen parses the exports")
        .write(&mut generated);
    let path = root.join("include/mqtt_demo.h");
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::create_dir_all(root.join("include")).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "rust-component/include/mqtt_demo.h is stale: regenerate it with \
         `UPDATE_HEADER=1 cargo test -p rust-component header` and commit it.\n\
         --- generated ---\n{}",
        String::from_utf8_lossy(&generated)
    );
}
