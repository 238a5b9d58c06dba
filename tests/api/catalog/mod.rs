//! Catalog API tests: products, listing (filters, sorting, pagination), variants and stock,
//! categories, and `node` / role guards. Fixtures go through the API as staff: test apps start
//! with an empty database.

mod access;
mod approval;
mod categories;
mod listing;
mod products;
mod stock;
mod storefront;
mod variants;
mod vendor_catalog;

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

/// Moves a staff-made (ACTIVE) vendor to `status` as staff: `vendorSuspend` and
/// `vendorReinstate` through the API. PENDING and REJECTED are states of applications
/// (`vendorApply`, `vendorReject`, tests/api/vendors) that a vendor staff made never passes
/// through, so those two are written to the database.
async fn set_vendor_status(app: &TestApp, staff: &str, vendor: &str, status: &str) {
    let r = match status {
        "SUSPENDED" => {
            app.gql_as(Some(staff), ops::VENDOR_SUSPEND, json!({ "id": vendor, "reason": "test suspension" })).await
        }
        "ACTIVE" => app.gql_as(Some(staff), ops::VENDOR_REINSTATE, json!({ "id": vendor })).await,
        _ => {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
            let id = agora::graphql::ids::decode::<agora::shared::ids::VendorId>(vendor).unwrap().0;
            entity::vendor::Entity::update_many()
                .col_expr(entity::vendor::Column::Status, Expr::value(status))
                .filter(entity::vendor::Column::Id.eq(id))
                .exec(&app.state.db)
                .await
                .unwrap();
            return;
        }
    };
    r.assert_no_errors();
    assert!(r.body["data"].as_object().unwrap().values().all(|p| p["userErrors"] == json!([])), "{}", r.body);
}

/// Marks a vendor trusted (`vendorTrustSet`, staff).
async fn set_vendor_trusted(app: &TestApp, staff: &str, vendor: &str) {
    let r = app
        .gql_as(Some(staff), ops::VENDOR_TRUST_SET, json!({ "input": { "vendorId": vendor, "trusted": true } }))
        .await;
    r.assert_no_errors();
    assert_eq!(r.get("vendorTrustSet.userErrors"), &json!([]));
}

/// Turns on re-review of edits to approved products (`marketplaceSettingsUpdate`, staff).
async fn review_approved_edits(app: &TestApp, staff: &str) {
    let r = app
        .gql_as(Some(staff), ops::MARKETPLACE_SETTINGS_UPDATE, json!({ "input": { "reviewApprovedEdits": true } }))
        .await;
    r.assert_no_errors();
    assert_eq!(r.get("marketplaceSettingsUpdate.settings.reviewApprovedEdits"), &json!(true));
}

/// A staff-made vendor with a member of `role`: `(vendor id, member token)`.
async fn vendor_with_member(
    app: &TestApp,
    staff: &str,
    name: &str,
    role: agora::vendors::model::MemberRole,
) -> (String, String) {
    let v = vendor(app, staff, name).await;
    let email = format!("{}-{}@example.com", name.to_lowercase().replace(' ', "-"), role.as_str().to_lowercase());
    let token = crate::helpers::fixtures::vendor_member(app, &v, &email, role).await;
    (v, token)
}

/// A product a member creates through the vendor panel operation; returns `productCreate.product`.
async fn member_product(app: &TestApp, token: &str, vendor: &str, title: &str, variants: Value) -> Value {
    let r = app
        .gql_as(
            Some(token),
            ops::VENDOR_PRODUCT_CREATE,
            json!({ "input": { "vendorId": vendor, "title": title, "status": "ACTIVE", "variants": variants } }),
        )
        .await;
    r.assert_no_errors();
    assert_eq!(r.user_error_codes("productCreate"), Vec::<String>::new(), "{}", r.body);
    r.get("productCreate.product").clone()
}
