//! The dependency rules of README's source tree, checked on the source text.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(file, forbidden text)` for every rule broken in `src/`.
fn violations() -> Vec<(String, &'static str)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let in_domain = [
            "accounts/",
            "catalog/",
            "vendors/",
            "promotions/",
            "shipping/",
            "tax/",
            "cart/",
            "checkout/",
            "orders/",
            "payments/",
        ]
        .iter()
        .any(|d| rel.starts_with(d));
        let forbidden: &[&'static str] = if !in_domain {
            &[]
        } else if rel.ends_with("/model.rs") {
            &["sea_orm", "entity::", "async_graphql", "tokio"]
        } else if rel.contains("/graphql") {
            &["sea_orm::", "entity::", "repo::", "use sea_orm"]
        } else if rel.ends_with("/service.rs") || rel.contains("/service/") {
            &["entity::", "async_graphql"]
        } else if rel.ends_with("/repo.rs") || rel.contains("/repo/") {
            &["async_graphql", "crate::http"]
        } else {
            &[]
        };
        // `sea_orm::DbErr` is the loaders' error type, allowed in graphql files.
        let code = if rel.contains("/graphql") {
            code.replace("sea_orm::DbErr", "").replace("use sea_orm::DbErr;", "")
        } else {
            code
        };
        for f in forbidden {
            if code.contains(f) {
                broken.push((rel.clone(), *f));
            }
        }
    }
    broken
}

#[test]
fn domain_layers_only_use_what_readme_allows() {
    let broken = violations();
    assert!(broken.is_empty(), "layering rules broken: {broken:?}");
}
