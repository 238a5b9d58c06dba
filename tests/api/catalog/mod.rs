//! Catalog API tests: products, listing (filters, sorting, pagination), variants and stock,
//! categories, and `node` / role guards. Fixtures go through the API as staff: test apps start
//! with an empty database.

mod access;
mod categories;
mod listing;
mod products;
mod stock;
mod variants;

use serde_json::{Value, json};

use crate::{
    helpers::{
        Gql, TestApp, field,
        fixtures::{category, unknown_id, vendor},
        user_errors,
    },
    ops,
};

/// A variant input with a SKU, a price and stock on hand.
fn variant(sku: &str, price: &str, stock: i32) -> Value {
    json!({ "sku": sku, "price": price, "stockOnHand": stock })
}

/// Creates a product from a full `ProductCreateInput`; returns `productCreate.product`.
async fn create_product(app: &TestApp, staff: &str, input: Value) -> Value {
    let r = app.gql_as(Some(staff), ops::PRODUCT_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.get("productCreate.product").clone()
}

/// Creates an ACTIVE product with these variants; returns `productCreate.product`.
async fn active_product(app: &TestApp, staff: &str, vendor: &str, title: &str, variants: Value) -> Value {
    create_product(app, staff, json!({ "vendorId": vendor, "title": title, "status": "ACTIVE", "variants": variants }))
        .await
}

/// Creates a DRAFT product (the default status) with these variants; returns `productCreate.product`.
async fn draft_product(app: &TestApp, staff: &str, vendor: &str, title: &str, variants: Value) -> Value {
    create_product(app, staff, json!({ "vendorId": vendor, "title": title, "variants": variants })).await
}

/// The `id` of a product or variant JSON object.
fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

/// Sets a product's status through `productUpdate`.
async fn set_status(app: &TestApp, staff: &str, product_id: &str, status: &str) {
    let r =
        app.gql_as(Some(staff), ops::PRODUCT_UPDATE, json!({ "id": product_id, "input": { "status": status } })).await;
    r.assert_no_errors();
}

/// Runs `products` with these variables, as `token` (anonymous when `None`).
async fn products(app: &TestApp, token: Option<&str>, variables: Value) -> Gql {
    let r = app.gql_as(token, ops::PRODUCTS, variables).await;
    r.assert_no_errors();
    r
}

/// Runs `product(id:)` as `token`.
async fn product_by_id(app: &TestApp, token: Option<&str>, id: &str) -> Gql {
    let r = app.gql_as(token, ops::PRODUCT, json!({ "id": id })).await;
    r.assert_no_errors();
    r
}

/// The titles of a `products` page, in order.
fn titles(r: &Gql) -> Vec<String> {
    r.get("products.edges")
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {}", r.body))
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The SKUs of `product.variants` in a `product` response, in order.
fn variant_skus(r: &Gql) -> Vec<&str> {
    r.get("product.variants")
        .as_array()
        .unwrap_or_else(|| panic!("no variants in {}", r.body))
        .iter()
        .map(|v| v["sku"].as_str().unwrap())
        .collect()
}

/// `products.totalCount` of a page.
fn total_count(r: &Gql) -> u64 {
    r.get("products.totalCount").as_u64().unwrap_or_else(|| panic!("no totalCount in {}", r.body))
}

/// A copy of `v` without any `id` keys, to compare objects with generated IDs.
fn without_ids(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(k, _)| k.as_str() != "id").map(|(k, v)| (k.clone(), without_ids(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_ids).collect()),
        other => other.clone(),
    }
}
