//! Promotions: the staff discount mutations and queries over HTTP, and the calls checkout makes
//! (`candidates`, `redeem_in`, `release_in`) through `app.state`, including concurrent
//! redemption against a usage limit.

mod checkout;
mod mutations;

use agora::{graphql::ids, shared::ids::DiscountId};
use serde_json::{Value, json};

use crate::{
    helpers::{Gql, TestApp},
    ops,
};

/// Creates a vendor; returns its global ID.
async fn vendor(app: &TestApp, staff: &str, name: &str) -> String {
    let r = app.gql_as(Some(staff), ops::VENDOR_CREATE, json!({ "input": { "name": name } })).await;
    r.assert_no_errors();
    r.str("vendorCreate.vendor.id")
}

/// Creates a product with one variant; returns its global ID.
async fn product(app: &TestApp, staff: &str, vendor: &str, title: &str, sku: &str) -> String {
    let input = json!({ "vendorId": vendor, "title": title, "variants": [{ "sku": sku, "price": "10.00" }] });
    let r = app.gql_as(Some(staff), ops::PRODUCT_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.str("productCreate.product.id")
}

/// Creates a top-level category; returns its global ID.
async fn category(app: &TestApp, staff: &str, name: &str) -> String {
    let r = app.gql_as(Some(staff), ops::CATEGORY_CREATE, json!({ "input": { "name": name } })).await;
    r.assert_no_errors();
    r.str("categoryCreate.category.id")
}

/// Runs `discountCreate` as staff and expects success; returns the discount.
async fn create(app: &TestApp, staff: &str, input: Value) -> Value {
    let r = app.gql_as(Some(staff), ops::DISCOUNT_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.get("discountCreate.discount").clone()
}

/// A code discount of 10 % on the subtotal, with extra fields merged in.
fn ten_percent(code: &str, extra: Value) -> Value {
    let mut input = json!({ "code": code, "percentage": "10" });
    input.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    input
}

/// The discounts staff see, as returned by `discounts`.
async fn discounts(app: &TestApp, staff: &str) -> Vec<Value> {
    let r = app.gql_as(Some(staff), ops::DISCOUNTS, json!({})).await;
    r.assert_no_errors();
    r.get("discounts").as_array().cloned().unwrap_or_default()
}

/// One discount as staff see it.
async fn discount(app: &TestApp, staff: &str, id: &str) -> Value {
    let r = app.gql_as(Some(staff), ops::DISCOUNT, json!({ "id": id })).await;
    r.assert_no_errors();
    r.get("discount").clone()
}

/// The typed id behind a discount's global ID.
fn discount_id(global_id: &Value) -> DiscountId {
    ids::decode::<DiscountId>(global_id.as_str().expect("an ID string")).expect("a Discount ID")
}

/// The `(field, code)` of every user error of `mutation`.
fn user_errors(r: &Gql, mutation: &str) -> Vec<(Vec<String>, String)> {
    let codes = r.user_error_codes(mutation);
    codes.into_iter().enumerate().map(|(i, c)| (r.user_error_field(mutation, i), c)).collect()
}

/// A field path from string segments.
fn field(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}
