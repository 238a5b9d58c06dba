//! Query cost (reliability goals C1–C2; issue 17): Shopify's model, computed from the document
//! and variables before anything runs, reported as `extensions.cost` on every response, capped
//! by `graphql.max_cost` per operation and per batch.

use agora::graphql::{cost, schema::cost_model};
use async_graphql::Variables;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, fixtures},
    ops,
};

#[tokio::test]
async fn every_playground_operation_costs_within_the_default_limit_and_the_figures_are_printed() {
    // given: every document of playground/operations with its default variables
    let model = cost_model();
    let limit = agora::config::GraphqlSettings::default().max_cost;

    // when
    let mut costs: Vec<(u64, &str)> = ops::all()
        .into_iter()
        .map(|(path, doc)| {
            let doc = async_graphql::parser::parse_query(doc).expect("the document parses");
            (cost::cost(&model, &doc, None, &Variables::default(), None), path)
        })
        .collect();
    costs.sort_unstable_by(|a, b| b.cmp(a));

    // then
    for (c, path) in &costs {
        println!("{c:>6}  {path}");
    }
    let over: Vec<_> = costs.iter().filter(|(c, _)| *c > limit).collect();
    assert!(over.is_empty(), "operations over the default limit of {limit}: {over:?}");
}

#[tokio::test]
async fn responses_report_the_requested_and_the_actual_cost() {
    // given: two products on sale
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let vendor = fixtures::vendor(&app, &staff, "Cost Co").await;
    for title in ["Cup", "Jug"] {
        let input = json!({ "vendorId": vendor, "title": title, "status": "ACTIVE",
            "variants": [{ "sku": title, "price": "3.00" }] });
        app.gql_as(Some(&staff), ops::PRODUCT_CREATE, json!({ "input": input })).await.assert_no_errors();
    }

    // when: a page of up to 50 with their vendors
    let q = "query($n: Int) { products(first: $n) { edges { node { title vendor { name } } } } }";
    let r = app.gql(q, json!({ "n": 50 })).await;

    // then: asked 2 + 50 × (edge + node + vendor); got 2 + 2 × 3
    r.assert_no_errors();
    assert_eq!(r.body["extensions"]["cost"], json!({ "requestedQueryCost": 152, "actualQueryCost": 8 }), "{}", r.body);
}

#[tokio::test]
async fn an_operation_over_the_limit_is_refused_before_any_resolver_runs() {
    // given: a limit of 100, and a document registering 11 accounts (11 × 10 + their users)
    let app = TestApp::spawn_with(|s| s.graphql.max_cost = 100).await;
    let registrations: String = (0..11)
        .map(|i| {
            format!(
                "r{i}: accountRegister(input: {{ email: \"bulk{i}@example.com\", password: \"a long passphrase {i}\" }}) \
                 {{ user {{ id }} }} "
            )
        })
        .collect();
    let typenames: String = (0..101).map(|i| format!("t{i}: __typename ")).collect();

    // when
    let r = app.gql(&format!("mutation {{ {registrations} }}"), json!({})).await;
    let aliases = app.gql(&format!("{{ {typenames} }}"), json!({})).await;
    let signed_in = app
        .gql(ops::TOKEN_CREATE, json!({ "input": { "email": "bulk0@example.com", "password": "a long passphrase 0" } }))
        .await;

    // then: refused with the figures, and nobody was registered; aliased `__typename` is not free
    assert_eq!(r.error_codes(), ["COST_EXCEEDED"], "{}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["cost"], 11 * 11);
    assert_eq!(r.body["errors"][0]["extensions"]["maxCost"], 100);
    assert!(r.body["data"].is_null(), "{}", r.body);
    assert_eq!(aliases.error_codes(), ["COST_EXCEEDED"], "{}", aliases.body);
    assert_eq!(aliases.body["errors"][0]["extensions"]["cost"], 101);
    assert!(signed_in.body["data"]["tokenCreate"]["tokens"].is_null(), "{}", signed_in.body);
    assert!(!signed_in.user_error_codes("tokenCreate").is_empty(), "{}", signed_in.body);
}

#[tokio::test]
async fn a_batch_is_capped_by_its_cost_in_sum() {
    // given: a limit of 100 and an operation costing 60 (2 + 29 × 2)
    let app = TestApp::spawn_with(|s| s.graphql.max_cost = 100).await;
    let one = json!({ "query": "{ products(first: 29) { edges { node { id } } } }" });

    // when
    let alone = app.client.post(app.url("/graphql")).json(&json!([one])).send().await.unwrap();
    let two = app.client.post(app.url("/graphql")).json(&json!([one, one])).send().await.unwrap();

    // then
    assert_eq!(alone.status(), 200);
    let alone: Value = alone.json().await.unwrap();
    assert_eq!(alone[0]["extensions"]["cost"]["requestedQueryCost"], 60, "{alone}");
    assert_eq!(two.status(), 400);
    let two: Value = two.json().await.unwrap();
    assert_eq!(two["errors"][0]["extensions"]["code"], "COST_EXCEEDED", "{two}");
    assert!(two["errors"][0]["message"].as_str().unwrap().contains("120"), "{two}");
}
