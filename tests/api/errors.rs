//! Every top-level error carries `extensions.code` (and, once the request reached GraphQL,
//! `extensions.requestId`): issue 17, "Bounded inputs and clear errors".

use serde_json::{Value, json};

use crate::helpers::TestApp;

#[tokio::test]
async fn parse_validation_depth_and_coercion_errors_have_codes_and_the_request_id() {
    // given
    let app = TestApp::spawn_with(|s| s.graphql.max_depth = 3).await;

    // when
    let cases = [
        ("{ vendors { id ", json!({}), "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", json!({}), "GRAPHQL_VALIDATION_FAILED"),
        ("query($n: Int) { products(first: $n) { totalCount } }", json!({ "n": "many" }), "GRAPHQL_VALIDATION_FAILED"),
        ("{ products { edges { node { vendor { id } } } } }", json!({}), "DEPTH_LIMIT_EXCEEDED"),
        ("{ product(id: 42) { id } }", json!({}), "BAD_USER_INPUT"),
        ("{ products(first: 1000) { totalCount } }", json!({}), "BAD_USER_INPUT"),
    ];
    let mut seen = vec![];
    for (query, variables, code) in cases {
        let r =
            app.client.post(app.url("/graphql")).json(&json!({ "query": query, "variables": variables })).send().await;
        let r = r.unwrap();
        let header_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body: Value = r.json().await.unwrap();
        seen.push((query, code, header_id, body));
    }

    // then
    for (query, code, header_id, body) in seen {
        let errors = body["errors"].as_array().unwrap_or_else(|| panic!("{query}: no errors in {body}"));
        for e in errors {
            assert_eq!(e["extensions"]["code"], code, "{query}: {body}");
            assert_eq!(e["extensions"]["requestId"], header_id.as_str(), "{query}: {body}");
        }
    }
}

#[tokio::test]
async fn an_oversize_body_is_answered_413_as_graphql_json() {
    // given: a 1 KiB limit
    let app = TestApp::spawn_with(|s| s.server.body_limit_bytes = 1024).await;
    let big = json!({ "query": format!("{{ vendors {{ id }} }} # {}", "x".repeat(4096)) });

    // when
    let r = app.client.post(app.url("/graphql")).json(&big).send().await.unwrap();

    // then
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.expect("a GraphQL JSON body");
    assert_eq!(body["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("1024"), "{body}");
}

#[tokio::test]
async fn requests_refused_before_graphql_runs_carry_their_code_and_request_id_too() {
    // given
    let app = TestApp::spawn().await;
    let query = json!({ "query": "{ vendors { id } }" });
    let url = app.url("/graphql");

    // when: a wrong content type, an oversize batch, a bad token, and a mutation over GET
    let responses = [
        (app.client.post(&url).header("content-type", "text/plain").body(query.to_string()), "UNSUPPORTED_MEDIA_TYPE"),
        (app.client.post(&url).json(&vec![query.clone(); 11]), "BATCH_LIMIT"),
        (app.client.post(&url).bearer_auth("not-a-token").json(&query), "UNAUTHENTICATED"),
        (app.client.get(format!("{url}?query=mutation%7BtokenRevoke%7D")), "METHOD_NOT_ALLOWED"),
    ];
    let mut seen = vec![];
    for (request, code) in responses {
        let r = request.send().await.unwrap();
        let header_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
        seen.push((code, header_id, r.json::<Value>().await.unwrap()));
    }

    // then
    for (code, header_id, body) in seen {
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], header_id.as_str(), "{code}: {body}");
    }
}
