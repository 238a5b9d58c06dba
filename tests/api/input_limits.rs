//! Bounded inputs (issue 17): every string and list input has a maximum checked before the
//! database sees it, and going over it is a `BAD_USER_INPUT` naming the argument and the limit,
//! never an internal error from the database.

use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

fn assert_bad_input(r: &crate::helpers::Gql, names: &[&str]) {
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{}", r.body);
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    for name in names {
        assert!(message.contains(name), "`{name}` named in {message}");
    }
}

#[tokio::test]
async fn the_inputs_that_reached_sqlite_unbounded_are_refused_with_their_limit() {
    // given: what used to end in "pattern too complex", "expression tree too large" and
    // "too many SQL variables"
    let app = TestApp::spawn().await;
    let long_query = json!({ "first": 5, "filter": { "query": "x".repeat(50_000) } });
    let many_filters: Vec<Value> = (0..1_000).map(|i| json!({ "key": format!("k{i}"), "values": ["v"] })).collect();
    let many_values: Vec<String> = (0..40_000).map(|i| format!("v{i}")).collect();

    // when
    let query = app.gql(ops::PRODUCTS, long_query).await;
    let filters = app.gql(ops::PRODUCTS, json!({ "first": 5, "filter": { "attributes": many_filters } })).await;
    let values = app
        .gql(ops::PRODUCTS, json!({ "first": 5, "filter": { "attributes": [{ "key": "k", "values": many_values }] } }))
        .await;

    // then
    assert_bad_input(&query, &["query", "200"]);
    assert_bad_input(&filters, &["attributes", "20"]);
    assert_bad_input(&values, &["values", "100"]);
}

#[tokio::test]
async fn strings_and_lists_over_the_general_limit_are_refused_wherever_they_are() {
    // given: a string longer than any input may be, and a list longer than any may be, as a
    // variable and as a literal
    let app = TestApp::spawn().await;
    let long = "x".repeat(20_001);
    let ids: Vec<String> = (0..1_001).map(|i| format!("id{i}")).collect();

    // when
    let as_variable =
        app.gql("query($slug: String!) { vendor(slug: $slug) { id } }", json!({ "slug": long.clone() })).await;
    let as_literal = app.gql(&format!("{{ vendor(slug: \"{long}\") {{ id }} }}"), json!({})).await;
    let list = app.gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": ids })).await;

    // then
    assert_bad_input(&as_variable, &["slug", "20000"]);
    assert_bad_input(&as_literal, &["slug", "20000"]);
    assert_bad_input(&list, &["ids", "1000"]);
}

/// The type of an argument or input field as written in a variable definition (`[ID!]!`).
fn type_ref(ty: &Value) -> String {
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => format!("{}!", type_ref(&ty["ofType"])),
        "LIST" => format!("[{}]", type_ref(&ty["ofType"])),
        _ => ty["name"].as_str().unwrap().to_owned(),
    }
}

/// Over-limit values for `ty`, one per string or list position inside it, with the path of
/// that position (`$v`, `$v.lines`, `$v.address.line1`).
fn over_limit(ty: &Value, inputs: &serde_json::Map<String, Value>, path: String, depth: usize) -> Vec<(Value, String)> {
    let long = || Value::String("x".repeat(20_001));
    match ty["kind"].as_str().unwrap() {
        "NON_NULL" => over_limit(&ty["ofType"], inputs, path, depth),
        "LIST" => vec![(Value::Array(vec![Value::Null; 1_001]), path)],
        "SCALAR" if matches!(ty["name"].as_str(), Some("String" | "ID")) => vec![(long(), path)],
        "INPUT_OBJECT" if depth < 4 => {
            let fields = inputs[ty["name"].as_str().unwrap()]["inputFields"].as_array().unwrap();
            fields
                .iter()
                .flat_map(|f| {
                    let name = f["name"].as_str().unwrap();
                    over_limit(&f["type"], inputs, format!("{path}.{name}"), depth + 1)
                        .into_iter()
                        .map(move |(v, p)| (json!({ name: v }), p))
                })
                .collect()
        }
        _ => vec![],
    }
}

#[tokio::test]
async fn every_string_and_list_argument_of_the_schema_is_bounded() {
    // given: every argument of every root field, and every string or list inside it
    let app = TestApp::spawn().await;
    let t = "type { ...T }";
    let query = format!(
        "{{ __schema {{ types {{ kind name inputFields {{ name {t} }} fields {{ name args {{ name {t} }} }} }} }} }}
        fragment T on __Type {{ kind name ofType {{ kind name ofType {{ kind name ofType {{ kind name }} }} }} }}"
    );
    let r = app.gql(&query, json!({})).await;
    r.assert_no_errors();
    let types = r.get("__schema.types").as_array().unwrap();
    let inputs: serde_json::Map<String, Value> = types
        .iter()
        .filter(|t| t["kind"] == "INPUT_OBJECT")
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
        .collect();
    let mut cases = vec![];
    for root in ["Query", "Mutation"] {
        let fields = types.iter().find(|t| t["name"] == root).unwrap()["fields"].as_array().unwrap();
        for f in fields {
            for a in f["args"].as_array().unwrap() {
                for (value, path) in over_limit(&a["type"], &inputs, "$v".to_owned(), 0) {
                    let op = if root == "Query" { "query" } else { "mutation" };
                    let doc = format!(
                        "{op}($v: {}) {{ {}({}: $v) {{ __typename }} }}",
                        type_ref(&a["type"]),
                        f["name"].as_str().unwrap(),
                        a["name"].as_str().unwrap()
                    );
                    cases.push((doc, value, path));
                }
            }
        }
    }

    // when: each is sent with its over-limit value
    let mut refused = 0;
    let mut wrong = vec![];
    for (doc, value, path) in &cases {
        let r = app.gql(doc, json!({ "v": value })).await;
        let message = r.body["errors"][0]["message"].as_str().unwrap_or_default();
        if r.body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" && message.contains(&format!("`{path}`")) {
            refused += 1;
        } else {
            wrong.push(format!("{doc} at {path}: {message}"));
        }
    }

    // then
    println!(
        "bounded inputs: {} string and list positions in root arguments, {refused} refused with their limit",
        cases.len()
    );
    assert!(cases.len() > 100, "the schema's inputs were found: {}", cases.len());
    assert!(wrong.is_empty(), "not refused as over the limit:\n{}", wrong.join("\n"));
}
