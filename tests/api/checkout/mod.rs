//! The buying path: carts, checkout, orders and payments, and their guarantees under
//! concurrency. Fixtures go through the API as staff; carts for the concurrency runs are
//! prepared through the services (the same rules, fewer round trips).

mod cart_races;
mod carts;
mod complete;
pub mod concurrency;
mod orders;
mod payments;
mod pricing;

use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

/// A staff-built shop: one vendor per entry of `stock`, each with one ACTIVE product with one
/// variant at `price` and the given stock, and a flat-rate shipping method to US for all.
pub struct Shop {
    pub staff: String,
    pub vendors: Vec<String>,
    pub variants: Vec<String>,
    pub shipping_method: String,
}

pub async fn shop(app: &TestApp, price: &str, stock: &[i32]) -> Shop {
    let staff = app.staff().await;
    let mut vendors = Vec::new();
    let mut variants = Vec::new();
    for (i, s) in stock.iter().enumerate() {
        let v =
            app.gql_as(Some(&staff), ops::VENDOR_CREATE, json!({ "input": { "name": format!("Vendor {i}") } })).await;
        v.assert_no_errors();
        let vendor = v.str("vendorCreate.vendor.id");
        let p = app
            .gql_as(
                Some(&staff),
                ops::PRODUCT_CREATE,
                json!({ "input": {
                    "vendorId": vendor, "title": format!("Product {i}"), "status": "ACTIVE",
                    "variants": [{ "sku": format!("SKU-{i}"), "price": price, "stockOnHand": s, "weightGrams": 500 }]
                }}),
            )
            .await;
        p.assert_no_errors();
        variants.push(p.str("productCreate.product.variants.0.id"));
        vendors.push(vendor);
    }
    let shipping_method = shipping_method(app, &staff, "US", "5.00").await;
    Shop { staff, vendors, variants, shipping_method }
}

/// A zone for `country` with one flat-rate method for every vendor; returns the method id.
pub async fn shipping_method(app: &TestApp, staff: &str, country: &str, rate: &str) -> String {
    let zone = app
        .gql_as(
            Some(staff),
            "mutation($input: ShippingZoneCreateInput!) { shippingZoneCreate(input: $input) { shippingZone { id } userErrors { field code message } } }",
            json!({ "input": { "name": format!("Zone {country}"), "areas": [{ "country": country }] } }),
        )
        .await;
    zone.assert_no_errors();
    let zone_id = zone.str("shippingZoneCreate.shippingZone.id");
    let method = app
        .gql_as(
            Some(staff),
            "mutation($input: ShippingMethodCreateInput!) { shippingMethodCreate(input: $input) { shippingMethod { id } userErrors { field code message } } }",
            json!({ "input": { "zoneId": zone_id, "name": "Standard", "flatRate": rate } }),
        )
        .await;
    method.assert_no_errors();
    method.str("shippingMethodCreate.shippingMethod.id")
}

pub fn address() -> Value {
    json!({
        "firstName": "Ann", "lastName": "Lee", "line1": "1 Main St", "city": "Springfield",
        "postalCode": "62701", "region": "IL", "countryCode": "US"
    })
}

/// A guest cart with `lines` `[(variant, quantity)]`, e-mail, address and a shipping method
/// chosen for every vendor group: ready for `checkoutComplete`.
pub async fn ready_cart(app: &TestApp, token: Option<&str>, shop: &Shop, lines: &[(&str, u32)]) -> String {
    let lines: Vec<Value> = lines.iter().map(|(v, q)| json!({ "variantId": v, "quantity": q })).collect();
    let r =
        app.gql_as(token, ops::CART_CREATE, json!({ "input": { "lines": lines, "email": "ann@example.com" } })).await;
    r.assert_no_errors();
    let cart = r.str("cartCreate.cart.id");
    app.gql_as(token, ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": address() }))
        .await
        .assert_no_errors();
    let groups = app.gql_as(token, ops::CART, json!({ "id": cart })).await;
    let choices: Vec<Value> = groups
        .get("cart.vendorGroups")
        .as_array()
        .unwrap()
        .iter()
        .map(|g| json!({ "vendorId": g["vendor"]["id"], "shippingMethodId": shop.shipping_method }))
        .collect();
    app.gql_as(token, ops::CART_SHIPPING_METHODS_UPDATE, json!({ "cartId": cart, "shippingMethods": choices }))
        .await
        .assert_no_errors();
    cart
}

pub async fn complete(app: &TestApp, token: Option<&str>, cart: &str, key: &str) -> crate::helpers::Gql {
    app.gql_as(token, ops::CHECKOUT_COMPLETE, json!({ "cartId": cart, "idempotencyKey": key })).await
}

/// `(stockOnHand, quantityAvailable)` of a variant, as staff sees it.
pub async fn stock(app: &TestApp, staff: &str, variant: &str) -> (i64, i64) {
    let r = app
        .gql_as(
            Some(staff),
            "query($id: ID!) { variant(id: $id) { stockOnHand quantityAvailable } }",
            json!({ "id": variant }),
        )
        .await;
    r.assert_no_errors();
    (r.get("variant.stockOnHand").as_i64().unwrap(), r.get("variant.quantityAvailable").as_i64().unwrap())
}

/// How many orders exist (staff view).
pub async fn order_count(app: &TestApp, staff: &str) -> i64 {
    let r = app.gql_as(Some(staff), ops::ORDERS, json!({ "first": 1 })).await;
    r.assert_no_errors();
    r.get("orders.totalCount").as_i64().unwrap()
}
