//! `schema.graphql` is the reviewed public API: it must match the code, and every example
//! operation must validate against it.

use serde_json::json;

use crate::{helpers::TestApp, ops};

#[test]
fn schema_graphql_is_up_to_date() {
    let sdl = agora::graphql::schema::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &sdl).expect("write schema.graphql");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == sdl,
        "schema.graphql is stale: run `UPDATE_SCHEMA=1 cargo test --test api schema_graphql` and review the diff"
    );
}

#[tokio::test]
async fn every_example_operation_validates_against_the_schema() {
    let app = TestApp::spawn().await;
    for (name, doc) in ops::all() {
        // Variables are omitted on purpose: then the only acceptable validation error is the
        // missing variable; an unknown field or type would be reported too.
        let r = app.gql(doc, json!({})).await;
        for e in r.body["errors"].as_array().into_iter().flatten() {
            let msg = e["message"].as_str().unwrap_or_default();
            // A subscription validates, then is refused over HTTP (WebSocket only: tests/api/realtime).
            let first = doc.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
            let subscription = first.is_some_and(|l| l.starts_with("subscription"))
                && msg == "Subscriptions are not supported on this transport.";
            assert!(
                msg.starts_with("Variable") || e.get("path").is_some() || subscription,
                "{name} does not validate: {msg}"
            );
        }
    }
}

#[test]
fn schema_graphql_puts_each_argument_on_its_own_line() {
    let sdl = agora::graphql::schema::sdl();
    for (n, line) in sdl.lines().enumerate() {
        let body = line.trim_start_matches('\t');
        assert!(!body.contains('\t'), "line {}: arguments run together: {line:?}", n + 1);
    }
}
