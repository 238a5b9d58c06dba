//! The offline playground (`/playground`), the front page (`/`) and the browser redirect from
//! `/graphql`. The browser itself is driven by `playground/browser-test.mjs` (`.ci/run`).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{helpers::TestApp, ops};

const PLAYGROUND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/playground");

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_committed_playground_build_matches_its_lockfile_and_sources() {
    // given: what the committed build was made from
    let stamp: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{PLAYGROUND}/assets/build-stamp.json")).unwrap())
            .unwrap();
    let recorded: BTreeMap<String, String> = serde_json::from_value(stamp["inputs"].clone()).unwrap();

    // when: the inputs as they are now
    let mut inputs =
        vec!["build.mjs".to_owned(), "index.html".into(), "package-lock.json".into(), "package.json".into()];
    for entry in std::fs::read_dir(format!("{PLAYGROUND}/src")).unwrap() {
        inputs.push(format!("src/{}", entry.unwrap().file_name().to_string_lossy()));
    }
    let current: BTreeMap<String, String> = inputs
        .into_iter()
        .map(|p| {
            let hash = sha256_hex(&std::fs::read(format!("{PLAYGROUND}/{p}")).unwrap());
            (p, hash)
        })
        .collect();

    // then
    assert!(
        recorded == current,
        "playground/assets is stale: run `cd playground && npm ci && npm run build` and commit playground/assets\n\
         recorded: {recorded:#?}\ncurrent: {current:#?}"
    );
}

#[test]
fn the_playground_bundle_loads_nothing_from_another_host() {
    for entry in std::fs::read_dir(format!("{PLAYGROUND}/assets")).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for needle in
            ["src=\"http", "src=\"//", "href=\"http", "href=\"//", "url(http", "url(\"http", "url('http", "@import"]
        {
            assert!(!text.contains(needle), "{} loads from another host: {needle}", path.display());
        }
    }
}

#[tokio::test]
async fn get_playground_serves_graphiql_from_this_origin_only() {
    // given
    let app = TestApp::spawn().await;

    // when
    let page = app.client.get(app.url("/playground")).send().await.unwrap();

    // then: the page, with a policy allowing this origin only
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    for directive in ["default-src 'none'", "script-src 'self';", "connect-src 'self';", "font-src 'self' data:"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("http"), "no other host is allowed: {csp}");
    let html = page.text().await.unwrap();
    for asset in ["/playground/assets/playground.js", "/playground/assets/playground.css"] {
        assert!(html.contains(asset), "{html}");
        let r = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{asset}");
        assert!(r.bytes().await.unwrap().len() > 10_000, "{asset} is the built bundle");
    }
    let missing = app.client.get(app.url("/playground/assets/nothing.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_playground_offers_every_example_document_complete_with_its_fragments() {
    // given
    let app = TestApp::spawn().await;

    // when
    let r = app.client.get(app.url("/playground/operations.json")).send().await.unwrap();

    // then: every document of playground/operations/, by folder, each valid as sent
    assert_eq!(r.status(), 200);
    let groups: Value = r.json().await.unwrap();
    let offered: Vec<&Value> =
        groups.as_array().unwrap().iter().flat_map(|g| g["operations"].as_array().unwrap()).collect();
    let mut paths: Vec<&str> = offered.iter().map(|o| o["path"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = ops::all().into_iter().map(|(p, _)| p).collect();
    paths.sort_unstable();
    expected.sort_unstable();
    assert_eq!(paths, expected);
    for op in &offered {
        let (path, doc) = (op["path"].as_str().unwrap(), op["document"].as_str().unwrap());
        assert!(path.starts_with(&format!("{}/", groups_of(&groups, path))), "{path} is in its folder's group");
        let r = app.gql(doc, json!({})).await;
        for e in r.body["errors"].as_array().into_iter().flatten() {
            let msg = e["message"].as_str().unwrap_or_default();
            // a subscription that validated is refused over HTTP (it runs over WebSocket)
            let subscription = msg == "Subscriptions are not supported on this transport.";
            assert!(
                msg.starts_with("Variable") || e.get("path").is_some() || subscription,
                "{path} as offered does not validate: {msg}"
            );
        }
    }
    let products = offered.iter().find(|o| o["path"] == "catalog/Products.graphql").unwrap();
    assert_eq!(products["variables"]["first"], 5, "example variables come with the documents");
}

fn groups_of<'a>(groups: &'a Value, path: &str) -> &'a str {
    groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["operations"].as_array().unwrap().iter().any(|o| o["path"] == path))
        .and_then(|g| g["group"].as_str())
        .unwrap()
}

#[tokio::test]
async fn a_browser_opening_graphql_is_sent_to_the_playground() {
    // given
    let app = TestApp::spawn().await;
    let client = no_redirects();

    // when
    let r = client
        .get(app.url("/graphql"))
        .header("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .send()
        .await
        .unwrap();

    // then
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/playground");
    let api = client
        .get(app.url("/graphql?query=%7B__typename%7D"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200, "GraphQL over GET is unchanged");
}

#[tokio::test]
async fn the_front_page_points_to_the_api_the_playground_the_schema_and_health() {
    let app = TestApp::spawn().await;

    let json: Value =
        app.client.get(app.url("/")).header("accept", "application/json").send().await.unwrap().json().await.unwrap();
    assert_eq!(json["graphql"], "/graphql");
    assert_eq!(json["playground"], "/playground");
    assert_eq!(json["health"]["ready"], "/health/ready");
    let sdl = app.client.get(app.url(json["schema"].as_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert_eq!(sdl, std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap());

    let page = app.client.get(app.url("/")).header("accept", "text/html").send().await.unwrap();
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    for link in ["/graphql", "/playground", "/health/ready", "/schema.graphql"] {
        assert!(html.contains(link), "{link} in {html}");
    }
}

#[tokio::test]
async fn a_disabled_playground_is_not_served_nor_redirected_to() {
    // given
    let app = TestApp::spawn_with(|s| s.playground.enabled = false).await;
    let client = no_redirects();

    // then
    for path in ["/playground", "/playground/assets/playground.js", "/playground/operations.json"] {
        assert_eq!(client.get(app.url(path)).send().await.unwrap().status(), 404, "{path}");
    }
    let r = client.get(app.url("/graphql")).header("accept", "text/html").send().await.unwrap();
    assert_ne!(r.status(), 303);
    let front: Value = client.get(app.url("/")).send().await.unwrap().json().await.unwrap();
    assert_eq!(front["playground"], Value::Null);
}
