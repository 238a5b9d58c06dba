//! GraphQL over HTTP, health checks and the WebSocket endpoint.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::helpers::TestApp;

const QUERY: &str = "{ vendors { id } }";

#[tokio::test]
async fn health_live_and_ready_answer_ok() {
    let app = TestApp::spawn().await;
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status(), 200);
    let ready = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["database"], "ok");
}

#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = TestApp::spawn().await;
    let r = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert!(r.headers().get("x-request-id").is_some());
}

#[tokio::test]
async fn oversize_bodies_get_413() {
    let app = TestApp::spawn_with(|s| s.server.body_limit_bytes = 1024).await;
    let big = json!({ "query": format!("{{ vendors {{ id }} }} # {}", "x".repeat(4096)) });
    let r = app.client.post(app.url("/graphql")).json(&big).send().await.unwrap();
    assert_eq!(r.status(), 413);
}

#[tokio::test]
async fn malformed_json_gets_400() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn non_json_posts_get_415_so_simple_cross_site_requests_cannot_run_mutations() {
    let app = TestApp::spawn().await;
    for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"] {
        let r = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", ct)
            .body(json!({ "query": QUERY }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415, "{ct}");
    }
}

#[tokio::test]
async fn get_runs_queries_but_mutations_get_405() {
    let app = TestApp::spawn().await;
    let ok = app.client.get(app.url("/graphql")).query(&[("query", QUERY)]).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().await.unwrap()["data"]["vendors"], json!([]));
    let m = "mutation { vendorCreate(input: { name: \"Acme\" }) { vendor { id } } }";
    let r = app.client.get(app.url("/graphql")).query(&[("query", m)]).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = TestApp::spawn().await;
    for (accept, expected) in [
        ("application/json", "application/json"),
        ("application/graphql-response+json", "application/graphql-response+json"),
        ("application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json"),
    ] {
        let r = app
            .client
            .post(app.url("/graphql"))
            .header("accept", accept)
            .json(&json!({ "query": QUERY }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-type"], expected, "{accept}");
    }
    let r = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "text/html")
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
}

#[tokio::test]
async fn invalid_documents_are_400_with_graphql_response_json_and_200_with_json() {
    let app = TestApp::spawn().await;
    let bad = json!({ "query": "{ noSuchField }" });
    let strict = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(strict.status(), 400);
    let legacy =
        app.client.post(app.url("/graphql")).header("accept", "application/json").json(&bad).send().await.unwrap();
    assert_eq!(legacy.status(), 200);
    assert!(legacy.json::<Value>().await.unwrap()["errors"].is_array());
}

#[tokio::test]
async fn batches_run_up_to_the_limit_and_larger_ones_get_400() {
    let app = TestApp::spawn().await;
    let ten: Vec<Value> = (0..10).map(|_| json!({ "query": QUERY })).collect();
    let r = app.client.post(app.url("/graphql")).json(&ten).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap().as_array().unwrap().len(), 10);
    let eleven: Vec<Value> = (0..11).map(|_| json!({ "query": QUERY })).collect();
    let r = app.client.post(app.url("/graphql")).json(&eleven).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn queries_deeper_than_the_limit_are_refused() {
    let app = TestApp::spawn_with(|s| s.graphql.max_depth = 2).await;
    let r = app.gql("{ vendors { id } }", json!({})).await;
    r.assert_no_errors();
    let deep = app.gql("{ me { id } vendors { id } __schema { types { fields { name } } } }", json!({})).await;
    assert!(deep.body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{}", deep.body);
}

#[tokio::test]
async fn websocket_on_the_graphql_path_acknowledges_graphql_transport_ws() {
    let app = TestApp::spawn().await;
    let mut req = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.expect("upgrade");
    assert_eq!(resp.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    ws.send(Message::text(json!({ "type": "connection_init", "payload": {} }).to_string())).await.unwrap();
    let ack = loop {
        match ws.next().await.expect("a message").unwrap() {
            Message::Text(t) => break serde_json::from_str::<Value>(&t).unwrap(),
            _ => continue,
        }
    };
    assert_eq!(ack["type"], "connection_ack");
}

#[tokio::test]
async fn internal_errors_are_masked_and_carry_a_code() {
    // given: a database failure the API cannot anticipate
    let app = TestApp::spawn().await;
    use sea_orm::ConnectionTrait;
    let drop = match app.state.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "DROP TABLE vendors CASCADE",
        _ => "DROP TABLE vendors",
    };
    app.state.db.execute_unprepared(drop).await.unwrap();

    // when
    let r = app.gql(QUERY, json!({})).await;

    // then: a generic message, a code, and nothing about SQL or tables
    assert_eq!(r.error_codes(), ["INTERNAL_SERVER_ERROR"]);
    let error = &r.body["errors"][0];
    assert_eq!(error["message"], "Internal server error");
    let text = format!("{} {}", error["message"], error["extensions"]).to_lowercase();
    for leak in ["vendors", "sql", "table", "relation", "database"] {
        assert!(!text.contains(leak), "the response leaks `{leak}`: {text}");
    }
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(|s| s.server.cors_allowed_origins = vec!["https://shop.example".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,authorization")
            .send()
    };
    let ok = preflight("https://shop.example").await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "https://shop.example");
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn requests_past_the_deadline_get_503() {
    // given: a one-second deadline and the app's only database connection held by the test, so a
    // request that needs the database cannot finish before the deadline, however fast the
    // machine is
    let app = TestApp::spawn_with(|s| {
        s.server.request_timeout_secs = 1;
        s.database.max_connections = 1;
    })
    .await;
    let held = sea_orm::TransactionTrait::begin(&app.state.db).await.unwrap();

    // when: a query that reads the database
    let r = app.client.post(app.url("/graphql")).json(&json!({ "query": QUERY })).send().await.unwrap();

    // then: 503 at the deadline; the same query succeeds once the connection is free
    assert_eq!(r.status(), 503);
    drop(held);
    let r = app.client.post(app.url("/graphql")).json(&json!({ "query": QUERY })).send().await.unwrap();
    assert_eq!(r.status(), 200);
}
