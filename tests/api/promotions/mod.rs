//! Promotions: the staff discount mutations and queries over HTTP, and the calls checkout makes
//! (`candidates`, `redeem_in`, `release_in`) through `app.state`, including concurrent
//! redemption against a usage limit.

mod checkout;
mod mutations;

use agora::{graphql::ids, shared::ids::DiscountId};
use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

/// Creates a product with one variant; returns its global ID.
async fn product(app: &TestApp, staff: &str, vendor: &str, title: &str, sku: &str) -> String {
    let input = json!({ "vendorId": vendor, "title": title, "variants": [{ "sku": sku, "price": "10.00" }] });
    let r = app.gql_as(Some(staff), ops::PRODUCT_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.str("productCreate.product.id")
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
