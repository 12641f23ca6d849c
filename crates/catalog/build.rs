//! Reduces the reviewable JSON data in `data/` to what the crate needs (descriptions dropped, whitespace
//! removed), writes it to `OUT_DIR`, and records the sha256 of each source file for `Catalog::source()`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const FILES: [&str; 3] = [
    "iam-definition.json",
    "api-to-iam-map-2026.json",
    "cloudtrail-eventsource-map.json",
];

fn main() {
    if let Err(e) = run() {
        // A build script reports failure through a non-zero exit with a message cargo shows.
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let data = manifest.join("data");
    println!("cargo:rerun-if-changed=build.rs");
    let mut sources =
        String::from("/// Source files embedded at build time: (file name, size in bytes, sha256).\n");
    sources.push_str("pub(crate) const EMBEDDED_FILES: [(&str, u64, &str); 3] = [\n");
    for name in FILES {
        let path = data.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        };
        let _ = writeln!(sources, "    ({name:?}, {}, {sha:?}),", bytes.len());
        let mut value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))?;
        reduce(name, &mut value);
        if name == "iam-definition.json" {
            split_services(&value, &out)?;
        } else {
            let min = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
            write(&out.join(name.replace(".json", ".min.json")), &min)?;
        }
    }
    sources.push_str("];\n");
    write(&out.join("sources.rs"), sources.as_bytes())
}

/// Writes the catalog as one minified JSON object per service, concatenated (`services.json`), with an index
/// (`services.rs`): each service's prefix and byte range, and every action's full name sorted
/// case-insensitively. The crate parses a service only when something asks for it, and lists all action names
/// without parsing anything.
fn split_services(value: &serde_json::Value, out: &Path) -> Result<(), String> {
    let obj = value.as_object().ok_or("iam-definition.json: not an object")?;
    let mut blob = Vec::new();
    let mut index = String::from(
        "/// Per service, in key order: (prefix, start, end) of its JSON object in `services.json`.\n",
    );
    let _ = writeln!(
        index,
        "pub(crate) static SERVICE_SEGMENTS: [(&str, usize, usize); {}] = [",
        obj.len()
    );
    let mut names: Vec<String> = Vec::new();
    for (key, service) in obj {
        let prefix = service
            .get("prefix")
            .and_then(|p| p.as_str())
            .ok_or_else(|| format!("iam-definition.json: service `{key}` has no prefix"))?;
        let start = blob.len();
        serde_json::to_writer(&mut blob, service).map_err(|e| e.to_string())?;
        let _ = writeln!(index, "    ({prefix:?}, {start}, {}),", blob.len());
        if let Some(actions) = service.get("actions").and_then(|a| a.as_object()) {
            for action in actions.values() {
                let action = action
                    .get("name")
                    .and_then(|n| n.as_str())
                    .ok_or_else(|| format!("iam-definition.json: an action of `{key}` has no name"))?;
                names.push(format!("{prefix}:{action}"));
            }
        }
    }
    index.push_str("];\n");
    names.sort_by_cached_key(|n| n.to_ascii_lowercase());
    let _ = writeln!(
        index,
        "/// Every action's full name, sorted case-insensitively.\npub(crate) static ACTION_NAMES: [&str; {}] = [",
        names.len()
    );
    for n in &names {
        let _ = writeln!(index, "    {n:?},");
    }
    index.push_str("];\n");
    write(&out.join("services.json"), &blob)?;
    write(&out.join("services.rs"), index.as_bytes())
}

/// Drops what the crate never reads: descriptions, the `info` banners and the AWS doc scenarios.
fn reduce(name: &str, value: &mut serde_json::Value) {
    let Some(obj) = value.as_object_mut() else { return };
    match name {
        "iam-definition.json" => {
            for service in obj.values_mut() {
                for section in ["actions", "conditionKeys"] {
                    if let Some(items) = service.get_mut(section).and_then(|v| v.as_object_mut()) {
                        for item in items.values_mut() {
                            if let Some(item) = item.as_object_mut() {
                                item.remove("description");
                                item.remove("scenarios");
                            }
                        }
                    }
                }
            }
        }
        _ => {
            obj.remove("info");
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
