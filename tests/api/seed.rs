//! The demo catalog a new user gets on first start.

use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

#[tokio::test]
async fn demo_seed_creates_vendors_a_category_tree_products_and_variants() {
    // given
    let app = TestApp::spawn().await;

    // when
    app.seed_demo().await;

    // then
    let vendors = app.gql("{ vendors { slug } }", json!({})).await;
    assert_eq!(vendors.get("vendors").as_array().unwrap().len(), 3);

    let cats = app.gql(ops::CATEGORIES, json!({})).await;
    cats.assert_no_errors();
    let top = cats.get("categories").as_array().unwrap();
    let children: usize = top.iter().map(|c| c["children"].as_array().unwrap().len()).sum();
    assert_eq!((top.len(), top.len() + children), (3, 8), "3 top-level categories, 8 in all");

    let r = app.gql(ops::PRODUCTS, json!({ "first": 100 })).await;
    r.assert_no_errors();
    assert_eq!(r.get("products.totalCount"), &json!(60));
    let products = r.get("products.edges").as_array().unwrap();
    assert_eq!(products.len(), 60);
    let variants: Vec<&Value> = products.iter().flat_map(|e| e["node"]["variants"].as_array().unwrap()).collect();
    assert_eq!(variants.len(), 150);
    for v in &variants {
        assert!(!v["selectedOptions"].as_array().unwrap().is_empty(), "option values: {v}");
        assert_eq!(v["price"]["currencyCode"], "USD");
        assert!(v["price"]["amount"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    }
    assert!(variants.iter().any(|v| v["stockOnHand"].as_i64().unwrap() > 0));
    assert!(products.iter().all(|e| {
        e["node"]["images"].as_array().unwrap().iter().all(|i| i["url"].as_str().unwrap().starts_with("https://"))
    }));
}

#[tokio::test]
async fn demo_seed_runs_only_into_an_empty_shop() {
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    assert!(!agora::seed::seed_demo(&app.state).await.unwrap(), "a second seed must not run");
    let r = app.gql(ops::PRODUCTS, json!({ "first": 1 })).await;
    assert_eq!(r.get("products.totalCount"), &json!(60));
}
