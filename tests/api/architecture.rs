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

/// The domain slices: folders of one shape under `src/`, plus the pure `pricing`.
const SLICES: [&str; 11] = [
    "accounts",
    "vendors",
    "catalog",
    "promotions",
    "shipping",
    "tax",
    "cart",
    "checkout",
    "orders",
    "payments",
    "pricing",
];

/// The source of every file under `src/` as `(path relative to src, code)`, without comments
/// and without its `#[cfg(test)]` module (tests may reach anywhere).
fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&file).unwrap();
            let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            (rel, code)
        })
        .collect()
}

/// Every module path a file names through `crate::`: `crate::a::b` gives `a::b`, and
/// `crate::{a::{b, c}, d}` gives `a::b`, `a::c` and `d` (two levels are enough for the rules).
fn crate_paths(code: &str) -> Vec<String> {
    fn split_top(group: &str) -> Vec<&str> {
        let (mut depth, mut start, mut out) = (0, 0, Vec::new());
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(group[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(group[start..].trim());
        out.into_iter().filter(|s| !s.is_empty()).collect()
    }
    fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
        let tree = tree.trim();
        if let Some(inner) = tree.strip_prefix('{') {
            let inner = inner.strip_suffix('}').unwrap_or(inner);
            for part in split_top(inner) {
                expand(prefix, part, out);
            }
            return;
        }
        let (head, rest) = match tree.find("::") {
            Some(i) => (&tree[..i], Some(&tree[i + 2..])),
            None => (tree, None),
        };
        let head: String = head.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let path = if prefix.is_empty() { head.clone() } else { format!("{prefix}::{head}") };
        match rest {
            Some(rest) if prefix.is_empty() => expand(&path, rest, out),
            _ => out.push(path),
        }
    }
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let end = if rest.starts_with('{') {
            let mut depth = 0;
            rest.char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '{' => 1,
                        '}' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i + 1)
        } else {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len())
        };
        expand("", &rest[..end], &mut out);
    }
    out
}

/// `slice -> slices it names` (outside tests).
fn slice_graph() -> Graph {
    let mut graph = std::collections::BTreeMap::new();
    for (rel, code) in sources() {
        let Some(from) = SLICES.iter().find(|s| rel.starts_with(&format!("{s}/")) || rel == format!("{s}.rs")) else {
            continue;
        };
        for path in crate_paths(&code) {
            let top = path.split("::").next().unwrap_or_default();
            if let Some(to) = SLICES.iter().find(|s| **s == top)
                && to != from
            {
                graph.entry(*from).or_insert_with(std::collections::BTreeSet::new).insert(*to);
            }
        }
    }
    graph
}

type Graph = std::collections::BTreeMap<&'static str, std::collections::BTreeSet<&'static str>>;

/// Whether `to` can be reached from `from` along the graph's edges.
fn reaches(graph: &Graph, from: &str, to: &str, seen: &mut Vec<&'static str>) -> bool {
    for next in graph.get(from).into_iter().flatten() {
        if *next == to {
            return true;
        }
        if !seen.contains(next) {
            seen.push(next);
            if reaches(graph, next, to, seen) {
                return true;
            }
        }
    }
    false
}

#[test]
fn slices_depend_one_way() {
    let graph = slice_graph();
    let on_circle: Vec<_> = SLICES.iter().filter(|s| reaches(&graph, s, s, &mut Vec::new())).collect();
    assert!(on_circle.is_empty(), "slices on a circle of imports: {on_circle:?} (graph: {graph:?})");
}

#[test]
fn no_slice_imports_the_schema_root_or_the_server() {
    let roof = ["app", "http", "state", "seed", "graphql::schema", "graphql::node", "graphql::loaders"];
    let mut broken = Vec::new();
    for (rel, code) in sources() {
        if !SLICES.iter().any(|s| rel.starts_with(&format!("{s}/"))) {
            continue;
        }
        for path in crate_paths(&code) {
            if let Some(r) = roof.iter().find(|r| path == **r || path.starts_with(&format!("{r}::"))) {
                broken.push(format!("{rel} uses crate::{r}"));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn the_graphql_kit_imports_no_slice_and_not_the_root() {
    let root = ["graphql/schema.rs", "graphql/node.rs", "graphql/loaders.rs"];
    let mut broken = Vec::new();
    for (rel, code) in sources() {
        if !rel.starts_with("graphql/") || root.contains(&rel.as_str()) {
            continue;
        }
        for path in crate_paths(&code) {
            let top = path.split("::").next().unwrap_or_default();
            let names_root =
                ["graphql::schema", "graphql::node", "graphql::loaders"].iter().any(|r| path.starts_with(r));
            if SLICES.contains(&top) || names_root {
                broken.push(format!("{rel} uses crate::{path}"));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn crate_paths_reads_nested_use_trees() {
    let code = "use crate::{cart::{self, model::Cart}, graphql::{errors, schema::Q}, shared::ids::X};\nlet a = crate::orders::OrderService::new();";
    assert_eq!(
        crate_paths(code),
        ["cart::self", "cart::model", "graphql::errors", "graphql::schema", "shared::ids", "orders::OrderService"]
    );
}
