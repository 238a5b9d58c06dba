//! Embeds the playground: `playground/assets/` (GraphiQL built by `npm run build`, committed) and
//! `playground/operations/` (the example documents) become `include_bytes!` tables in
//! `$OUT_DIR/playground_files.rs`, read by `src/http/playground.rs`. So running Agora needs no
//! Node, and a change to any of these files rebuilds the binary.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

fn collect(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, files);
        } else if let Ok(rel) = path.strip_prefix(base) {
            files.push((rel.to_string_lossy().replace('\\', "/"), path.clone()));
        }
    }
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for (name, dir) in [("ASSETS", "playground/assets"), ("OPERATIONS", "playground/operations")] {
        println!("cargo:rerun-if-changed={dir}");
        let base = root.join(dir);
        let mut files = Vec::new();
        collect(&base, &base, &mut files);
        files.sort();
        out.push_str(&format!("/// The files under `{dir}/`, by path relative to it.\n"));
        out.push_str(&format!("pub static {name}: &[(&str, &[u8])] = &[\n"));
        for (rel, abs) in files {
            out.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", abs.display().to_string()));
        }
        out.push_str("];\n");
    }
    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("playground_files.rs");
    fs::write(dest, out).expect("write playground_files.rs");
}
