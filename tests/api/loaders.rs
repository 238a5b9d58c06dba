//! Batched loading: a product page costs a constant number of SQL statements, whatever its size.

use serde_json::json;

use crate::{helpers::TestApp, ops};

/// The fewest statements a page took over three runs. Under a loaded CPU a dataloader's 1 ms
/// batching window can close early and split one batch in two; an N+1 never gets below N.
async fn statements_for_page(app: &TestApp, first: usize) -> u64 {
    let mut best = u64::MAX;
    for _ in 0..3 {
        best = best.min(statements_for_one_page(app, first).await);
    }
    best
}

async fn statements_for_one_page(app: &TestApp, first: usize) -> u64 {
    let before = app.sql_statements();
    let r = app.gql(ops::PRODUCTS, json!({ "first": first })).await;
    let after = app.sql_statements();
    r.assert_no_errors();
    let edges = r.get("products.edges").as_array().expect("edges");
    assert_eq!(edges.len(), first);
    assert!(edges.iter().all(|e| !e["node"]["variants"].as_array().unwrap().is_empty()));
    assert!(edges.iter().all(|e| !e["node"]["images"].as_array().unwrap().is_empty()));
    assert!(edges.iter().all(|e| !e["node"]["categories"].as_array().unwrap().is_empty()));
    assert!(edges.iter().all(|e| e["node"]["vendor"]["name"].is_string()));
    after - before
}

#[tokio::test]
async fn products_page_with_all_relations_runs_a_constant_number_of_statements() {
    // given: the demo catalog (every product has variants, images, categories and a vendor)
    let app = TestApp::spawn().await;
    app.seed_demo().await;

    // when: pages of 5, 20 and 50 products with variants, prices, stock, images, categories,
    // vendor and totalCount
    let five = statements_for_page(&app, 5).await;
    let twenty = statements_for_page(&app, 20).await;
    let fifty = statements_for_page(&app, 50).await;

    // then: page + count + one batch per relationship, the same for every size
    assert!(twenty <= 6, "a page of 20 ran {twenty} SQL statements");
    assert!(twenty >= 5, "the statement counter must see the page, count and relation queries ({twenty})");
    assert_eq!(five, twenty, "page of 5 vs 20");
    assert_eq!(fifty, twenty, "page of 50 vs 20");
}
