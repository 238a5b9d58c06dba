//! Shared fixtures, built through the API as staff (test apps start with an empty database):
//! vendors, categories, shipping zones and methods, discounts, and a whole `shop` with carts
//! ready for `checkoutComplete`. Fixtures only one folder uses stay in that folder's `mod.rs`.

use agora::{
    cart::service::NewCart,
    context::RequestContext,
    graphql::ids,
    shared::{
        address::Address,
        ids::{CartId, ShippingMethodId, VariantId, VendorId},
    },
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::{Gql, TestApp};
use crate::ops;

/// A well-formed global ID of `type_name` that names nothing.
pub fn unknown_id(type_name: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{}", uuid::Uuid::now_v7()))
}

/// Creates a vendor; returns its global ID.
pub async fn vendor(app: &TestApp, staff: &str, name: &str) -> String {
    let r = app.gql_as(Some(staff), ops::VENDOR_CREATE, json!({ "input": { "name": name } })).await;
    r.assert_no_errors();
    r.str("vendorCreate.vendor.id")
}

/// Creates a category (top level when `parent` is `None`); returns its global ID.
pub async fn category(app: &TestApp, staff: &str, name: &str, parent: Option<&str>) -> String {
    let r =
        app.gql_as(Some(staff), ops::CATEGORY_CREATE, json!({ "input": { "name": name, "parentId": parent } })).await;
    r.assert_no_errors();
    r.str("categoryCreate.category.id")
}

/// Creates a shipping zone from `[(country, region)]`; returns its global ID.
pub async fn zone(app: &TestApp, staff: &str, name: &str, areas: &[(&str, Option<&str>)]) -> String {
    let areas: Vec<Value> = areas.iter().map(|(c, r)| json!({ "country": c, "region": r })).collect();
    let r =
        app.gql_as(Some(staff), ops::SHIPPING_ZONE_CREATE, json!({ "input": { "name": name, "areas": areas } })).await;
    r.assert_no_errors();
    r.str("shippingZoneCreate.shippingZone.id")
}

/// Runs `shippingMethodCreate` as staff and expects success; returns the method.
pub async fn method(app: &TestApp, staff: &str, input: Value) -> Value {
    let r = app.gql_as(Some(staff), ops::SHIPPING_METHOD_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.get("shippingMethodCreate.shippingMethod").clone()
}

/// A zone for `country` with one flat-rate method for every vendor; returns the method id.
pub async fn shipping_method(app: &TestApp, staff: &str, country: &str, rate: &str) -> String {
    let zone_id = zone(app, staff, &format!("Zone {country}"), &[(country, None)]).await;
    let m = method(app, staff, json!({ "zoneId": zone_id, "name": "Standard", "flatRate": rate })).await;
    m["id"].as_str().expect("a method id").to_owned()
}

/// Creates a discount as staff with `fields` over sensible defaults; returns its id.
pub async fn discount(app: &TestApp, staff: &str, fields: Value) -> String {
    let mut input = json!({ "target": "SUBTOTAL", "automatic": false, "combinesWithOthers": true, "active": true });
    for (k, v) in fields.as_object().unwrap() {
        input[k] = v.clone();
    }
    let r = app.gql_as(Some(staff), ops::DISCOUNT_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.str("discountCreate.discount.id")
}

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
        let vendor = vendor(app, &staff, &format!("Vendor {i}")).await;
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

/// The same address as the domain type, for tests driving services directly.
pub fn domain_address() -> Address {
    Address {
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        company: None,
        line1: "1 Main St".into(),
        line2: None,
        city: "Springfield".into(),
        postal_code: "62701".into(),
        region: Some("IL".into()),
        country: "US".into(),
        phone: None,
    }
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

/// `count` ready carts of one unit of the shop's first variant (for the load drivers).
pub async fn ready_carts(app: &TestApp, s: &Shop, count: usize) -> Vec<String> {
    service_carts(app, s, &s.variants[0], 1, count, &[]).await
}

/// Ready guest carts built through the services (bulk setup for races and load): `count` carts with `quantity` of `variant`.
pub async fn service_carts(
    app: &TestApp,
    s: &Shop,
    variant: &str,
    quantity: u32,
    count: usize,
    codes: &[&str],
) -> Vec<String> {
    let rcx = RequestContext::default();
    let variant = ids::decode::<VariantId>(variant).unwrap();
    let vendor = ids::decode::<VendorId>(&s.vendors[0]).unwrap();
    let method = ids::decode::<ShippingMethodId>(&s.shipping_method).unwrap();
    let address = domain_address();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let new =
            NewCart { lines: vec![(variant, quantity)], email: Some(format!("buyer{i}@example.com")), country: None };
        let cart = app.state.carts.create(&rcx, new).await.expect("cart");
        app.state.carts.update_addresses(&rcx, cart.id, Some(address.clone()), None).await.expect("address");
        app.state.carts.update_shipping_methods(&rcx, cart.id, vec![(vendor, method)]).await.expect("shipping");
        if !codes.is_empty() {
            app.state
                .carts
                .update_discount_codes(&rcx, cart.id, codes.iter().map(|c| (*c).to_owned()).collect())
                .await
                .expect("codes");
        }
        out.push(ids::encode(CartId(cart.id.0)).0);
    }
    out
}

/// Runs `checkoutComplete` on `cart` with idempotency key `key`.
pub async fn complete(app: &TestApp, token: Option<&str>, cart: &str, key: &str) -> Gql {
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

/// The app, and on PostgreSQL a second instance on the same database (for races across
/// instances; SQLite has one writer process).
pub async fn instances() -> (TestApp, Option<TestApp>) {
    let app = TestApp::spawn().await;
    let second =
        if app.database_url.starts_with("postgres") { Some(TestApp::spawn_on(&app.database_url).await) } else { None };
    (app, second)
}

/// A guest's (ann@example.com) order of one unit (12.00 with shipping) from a shop holding 10.
pub async fn placed_order(app: &TestApp) -> (Shop, String) {
    let s = shop(app, "7.00", &[10]).await;
    let cart = ready_cart(app, None, &s, &[(&s.variants[0], 1)]).await;
    let order = complete(app, None, &cart, "k").await.str("checkoutComplete.order.id");
    (s, order)
}

/// `orderPaymentCreate` for a guest order of ann@example.com with a payment method.
pub async fn pay(app: &TestApp, order: &str, method: &str) -> Gql {
    app.gql(
        ops::ORDER_PAYMENT_CREATE,
        json!({ "input": { "orderId": order, "email": "ann@example.com", "paymentMethod": method } }),
    )
    .await
}

/// Registers `email`, makes them a member of `vendor` (a global ID) with `role`, and signs them
/// in; returns the access token. Membership is written through the service (invites have their
/// own tests), so any test can have a vendor's owner, editor or fulfilment member.
pub async fn vendor_member(
    app: &TestApp,
    vendor: &str,
    email: &str,
    role: agora::vendors::model::MemberRole,
) -> String {
    let token = app.user(email, agora::shared::role::Role::Customer).await;
    let user = app.state.accounts.set_role(email, agora::shared::role::Role::Customer).await.expect("user exists").id;
    let vendor_id = ids::decode::<VendorId>(vendor).expect("a vendor global ID");
    app.state
        .vendors
        .add_member_in(&app.state.db, vendor_id, user, role, chrono::Utc::now())
        .await
        .expect("add member");
    token
}
