//! The offline playground and the front page: `GET /playground` (GraphiQL, built by
//! `playground/` into `playground/assets/` and embedded by `build.rs`), its assets, its examples
//! (`/playground/operations.json`: every document under `playground/operations/`, grouped by
//! folder, with the fragments it spreads appended and example variables), and `GET /` (where
//! things are). Nothing is loaded from another host: the page's Content-Security-Policy allows
//! this origin only (plus `data:` fonts and images, which GraphiQL's stylesheet inlines).

use std::{collections::BTreeMap, sync::OnceLock};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::{Value, json};

use super::HttpState;

mod files {
    include!(concat!(env!("OUT_DIR"), "/playground_files.rs"));
}

/// Scripts, styles, connections (HTTP and WebSocket) from this origin only; GraphiQL's own
/// stylesheet inlines its fonts and icons as `data:` URLs, and its editor positions elements with
/// inline styles.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

fn asset(path: &str) -> Option<&'static [u8]> {
    files::ASSETS.iter().find(|(p, _)| *p == path).map(|(_, bytes)| *bytes)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "text/plain; charset=utf-8",
    }
}

fn static_file(path: &str, bytes: &'static [u8]) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type(path))),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        // The names carry no hash: revalidate, so a new binary's assets are picked up.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    (headers, bytes).into_response()
}

fn enabled(state: &HttpState) -> bool {
    state.app.settings.playground.enabled
}

/// `GET /playground`: the GraphiQL page.
pub(super) async fn page(State(state): State<HttpState>) -> Response {
    match asset("index.html") {
        Some(bytes) if enabled(&state) => static_file("index.html", bytes),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /playground/assets/{*path}`: the built script, stylesheet and licences.
pub(super) async fn assets(State(state): State<HttpState>, Path(path): Path<String>) -> Response {
    match asset(&path) {
        Some(bytes) if enabled(&state) => static_file(&path, bytes),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /playground/operations.json`: the example documents.
pub(super) async fn operations(State(state): State<HttpState>) -> Response {
    if !enabled(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    static CATALOGUE: OnceLock<String> = OnceLock::new();
    let body = CATALOGUE.get_or_init(|| operation_catalogue(files::OPERATIONS).to_string());
    ([(header::CONTENT_TYPE, "application/json")], body.as_str()).into_response()
}

/// The fragment names `doc` spreads (`...Name`, not inline `... on Type`).
fn spreads(doc: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = doc;
    while let Some(at) = rest.find("...") {
        rest = rest[at + 3..].trim_start();
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.is_empty() && name != "on" && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// `doc` followed by each fragment it spreads, directly or through another fragment, once.
fn with_fragments(doc: &str, fragments: &BTreeMap<&str, &str>) -> String {
    let mut out = doc.trim_end().to_owned();
    let mut added: Vec<&str> = Vec::new();
    let mut queue = spreads(doc);
    while let Some(name) = queue.pop() {
        if added.contains(&name) {
            continue;
        }
        if let Some(fragment) = fragments.get(name) {
            added.push(name);
            out.push_str("\n\n");
            out.push_str(fragment.trim_end());
            queue.extend(spreads(fragment));
        }
    }
    out.push('\n');
    out
}

/// Every document of `files` (paths under `playground/operations/`) by folder, with its
/// fragments appended and the example variables of `examples.json` (null: none written).
fn operation_catalogue(files: &[(&'static str, &'static [u8])]) -> Value {
    let text = |bytes: &'static [u8]| std::str::from_utf8(bytes).unwrap_or_default();
    let fragments: BTreeMap<&str, &str> = files
        .iter()
        .filter_map(|(path, bytes)| {
            let name = path.strip_prefix("fragments/")?.strip_suffix(".graphql")?;
            Some((name, text(bytes)))
        })
        .collect();
    let examples: Value = files
        .iter()
        .find(|(path, _)| *path == "examples.json")
        .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        .unwrap_or_default();
    let mut groups: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for (path, bytes) in files {
        let Some((group, file)) = path.split_once('/') else { continue };
        let Some(name) = file.strip_suffix(".graphql") else { continue };
        if group == "fragments" {
            continue;
        }
        groups.entry(group).or_default().push(json!({
            "name": name,
            "path": path,
            "document": with_fragments(text(bytes), &fragments),
            "variables": examples.get(*path).cloned().unwrap_or(Value::Null),
        }));
    }
    // The buying path first, as README walks it; the staff and vendor folders after.
    const FIRST: [&str; 6] = ["catalog", "accounts", "cart", "checkout", "payments", "orders"];
    let mut ordered: Vec<(&str, Vec<Value>)> = groups.into_iter().collect();
    ordered.sort_by_key(|(g, _)| (FIRST.iter().position(|f| f == g).unwrap_or(FIRST.len()), g.to_string()));
    Value::Array(
        ordered
            .into_iter()
            .map(|(group, operations)| json!({ "group": group, "open": group == "catalog", "operations": operations }))
            .collect(),
    )
}

fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    accept.split(',').any(|part| part.trim().starts_with("text/html"))
}

/// A browser opening `/graphql` (`GET` for an HTML page, no WebSocket upgrade) is sent to the
/// playground; everything else is GraphQL over HTTP.
pub(super) async fn redirect_browsers(
    State(state): State<HttpState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers();
    let browser =
        request.method() == axum::http::Method::GET && !headers.contains_key(header::UPGRADE) && wants_html(headers);
    if browser && enabled(&state) {
        return Redirect::to("/playground").into_response();
    }
    next.run(request).await
}

/// `GET /`: where things are, as a small page or as JSON (`Accept: application/json`).
pub(super) async fn root(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    let playground = enabled(&state).then_some("/playground");
    let links = json!({
        "name": "Agora",
        "graphql": "/graphql",
        "playground": playground,
        "schema": "/schema.graphql",
        "health": { "live": "/health/live", "ready": "/health/ready" },
    });
    if !wants_html(&headers) {
        return axum::Json(links).into_response();
    }
    let playground_item = match playground {
        Some(p) => format!(r#"<li><a href="{p}">{p}</a>: GraphiQL with the example operations, offline</li>"#),
        None => "<li>The playground is turned off (<code>playground.enabled</code>).</li>".to_owned(),
    };
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agora</title><link rel="icon" href="data:,"></head>
<body>
<h1>Agora</h1>
<p>A GraphQL headless-commerce backend.</p>
<ul>
<li><code>POST /graphql</code>: the GraphQL API (also <code>GET</code> for queries, and WebSocket for subscriptions)</li>
{playground_item}
<li><a href="/schema.graphql">/schema.graphql</a>: the schema (SDL)</li>
<li><a href="/health/ready">/health/ready</a> and <a href="/health/live">/health/live</a>: health checks</li>
</ul>
</body></html>
"#
    );
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; img-src data:")),
    ];
    (headers, html).into_response()
}

/// `GET /schema.graphql`: the SDL of the running server.
pub(super) async fn schema() -> Response {
    static SDL: OnceLock<String> = OnceLock::new();
    let sdl = SDL.get_or_init(crate::graphql::schema::sdl);
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], sdl.as_str()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_get_the_fragments_they_spread_nested_ones_once() {
        let fragments: BTreeMap<&str, &str> =
            [("A", "fragment A on T { x ...B }"), ("B", "fragment B on T { y }"), ("C", "fragment C on T { z }")]
                .into_iter()
                .collect();
        let doc = with_fragments("query Q { t { ...A ...B ... on T { w } } }", &fragments);
        assert_eq!(doc.matches("fragment A").count(), 1);
        assert_eq!(doc.matches("fragment B").count(), 1);
        assert!(!doc.contains("fragment C"));
    }

    #[test]
    fn the_catalogue_offers_every_document_by_folder_with_its_examples() {
        let catalogue = operation_catalogue(files::OPERATIONS);
        let groups = catalogue.as_array().unwrap();
        assert_eq!(groups[0]["group"], "catalog");
        assert!(groups.iter().all(|g| g["group"] != "fragments"));
        let documents =
            files::OPERATIONS.iter().filter(|(p, _)| p.ends_with(".graphql") && !p.starts_with("fragments/"));
        let offered: usize = groups.iter().map(|g| g["operations"].as_array().unwrap().len()).sum();
        assert_eq!(offered, documents.count());
        let cart = groups.iter().find(|g| g["group"] == "cart").unwrap();
        let create = cart["operations"].as_array().unwrap().iter().find(|o| o["name"] == "CartCreate").unwrap();
        assert!(create["document"].as_str().unwrap().contains("fragment CartFields on Cart"));
        assert!(create["variables"]["input"]["lines"].is_array());
    }
}
