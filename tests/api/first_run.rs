//! What a new user meets on first start: the demo data, and README's "From cart to paid order"
//! run on it document by document (the documents are `playground/operations/`, read by `ops`).

use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, fixtures::address},
    ops,
};

/// The discount code the demo data offers (README, "From cart to paid order").
const DEMO_CODE: &str = "WELCOME10";

/// The first in-stock variant of each of the first two vendors in the demo catalog.
async fn two_vendors_variants(app: &TestApp) -> Vec<String> {
    let r = app.gql(ops::PRODUCTS, json!({ "first": 20, "filter": { "inStock": true } })).await;
    r.assert_no_errors();
    let mut picked: Vec<(String, String)> = Vec::new();
    for edge in r.get("products.edges").as_array().unwrap() {
        let vendor = edge["node"]["vendor"]["id"].as_str().unwrap().to_owned();
        if picked.iter().any(|(v, _)| *v == vendor) {
            continue;
        }
        let variant = edge["node"]["variants"].as_array().unwrap().iter().find(|v| v["stockOnHand"].as_i64() > Some(0));
        if let Some(v) = variant {
            picked.push((vendor, v["id"].as_str().unwrap().to_owned()));
        }
    }
    assert!(picked.len() >= 2, "the demo data has in-stock products of two vendors: {picked:?}");
    picked.into_iter().take(2).map(|(_, v)| v).collect()
}

#[tokio::test]
async fn readme_cart_to_paid_order_runs_on_fresh_demo_data() {
    // given: a fresh shop with the demo data, as `cargo run` starts it
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    let variants = two_vendors_variants(&app).await;
    let email = "ann@example.com";

    // 1. CartCreate
    let lines: Vec<Value> = variants.iter().map(|v| json!({ "variantId": v, "quantity": 1 })).collect();
    let r = app.gql(ops::CART_CREATE, json!({ "input": { "lines": lines } })).await;
    r.assert_no_errors();
    let cart = r.str("cartCreate.cart.id");

    // 2. CartBuyerIdentityUpdate, CartShippingAddressUpdate
    let r =
        app.gql(ops::CART_BUYER_IDENTITY_UPDATE, json!({ "cartId": cart, "buyerIdentity": { "email": email } })).await;
    r.assert_no_errors();
    let r = app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": address() })).await;
    r.assert_no_errors();

    // 3. Cart: every vendor group can ship, each method with its price; pick one per group
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    r.assert_no_errors();
    let groups = r.get("cart.vendorGroups").as_array().unwrap().clone();
    assert_eq!(groups.len(), 2, "two vendors, two groups");
    let mut choices = Vec::new();
    for g in &groups {
        let methods = g["availableShippingMethods"].as_array().unwrap();
        assert!(!methods.is_empty(), "the demo data ships to the README address: {g}");
        for m in methods {
            assert!(m["price"]["amount"].is_string(), "a shopper sees what each method costs: {m}");
        }
        choices.push(json!({ "vendorId": g["vendor"]["id"], "shippingMethodId": methods[0]["id"] }));
    }
    let r = app.gql(ops::CART_SHIPPING_METHODS_UPDATE, json!({ "cartId": cart, "shippingMethods": choices })).await;
    r.assert_no_errors();
    let r = app.gql(ops::CART_DISCOUNT_CODES_UPDATE, json!({ "cartId": cart, "discountCodes": [DEMO_CODE] })).await;
    r.assert_no_errors();
    assert_eq!(r.get("cartDiscountCodesUpdate.cart.discountCodes.0.applicable"), true);
    let cost = r.get("cartDiscountCodesUpdate.cart.cost");
    let amount = |v: &Value| v["amount"].as_str().unwrap().parse::<f64>().unwrap();
    assert!(amount(&cost["discounts"]) > 0.0, "the demo code applies: {cost}");
    assert!(amount(&cost["tax"]) > 0.0, "the demo data taxes the README address: {cost}");
    assert_eq!(r.get("cartDiscountCodesUpdate.cart.checkoutReady"), true);

    // 4. CheckoutComplete
    let r = app.gql(ops::CHECKOUT_COMPLETE, json!({ "cartId": cart, "idempotencyKey": "readme-flow-1" })).await;
    r.assert_no_errors();
    let order = r.str("checkoutComplete.order.id");
    assert_eq!(r.get("checkoutComplete.order.status"), "PAYMENT_PENDING");

    // 6. OrderPaymentCreate with the test provider's good card
    let r = app
        .gql(
            ops::ORDER_PAYMENT_CREATE,
            json!({ "input": { "orderId": order, "email": email, "paymentMethod": "pm_card_visa" } }),
        )
        .await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "SUCCEEDED");

    // 7. Order(id, email): the guest reads the paid order
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": email })).await;
    r.assert_no_errors();
    assert_eq!(r.get("order.status"), "PAID");
}

#[tokio::test]
async fn demo_seed_in_a_zero_decimal_currency_seeds_the_whole_shop() {
    // given: a shop selling in yen (no minor unit)
    let app = TestApp::spawn_with(|s| s.shop.currency = "JPY".into()).await;

    // when
    app.seed_demo().await;

    // then: every product, priced in whole yen, and the shipping set-up
    let r = app.gql(ops::PRODUCTS, json!({ "first": 100 })).await;
    r.assert_no_errors();
    assert_eq!(r.get("products.totalCount"), 60);
    for edge in r.get("products.edges").as_array().unwrap() {
        for v in edge["node"]["variants"].as_array().unwrap() {
            assert_eq!(v["price"]["currencyCode"], "JPY");
            assert!(!v["price"]["amount"].as_str().unwrap().contains('.'), "whole yen: {v}");
        }
    }
    let staff = app.staff().await;
    let zones = app.gql_as(Some(&staff), ops::SHIPPING_ZONES, json!({})).await;
    zones.assert_no_errors();
    assert!(!zones.get("shippingZones").as_array().unwrap().is_empty());
}

#[tokio::test]
async fn demo_seed_that_fails_midway_writes_nothing() {
    // given: a category taking the slug the demo data's fifth category needs
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let r = app
        .gql_as(Some(&staff), ops::CATEGORY_CREATE, json!({ "input": { "name": "Tents", "slug": "camping" } }))
        .await;
    r.assert_no_errors();

    // when
    let seeded = agora::seed::seed_demo(&app.state).await;

    // then: an error, and no vendor, product or second category left behind
    assert!(seeded.is_err(), "the slug is taken");
    assert_eq!(app.gql("{ vendors { slug } }", json!({})).await.get("vendors"), &json!([]));
    assert_eq!(app.gql(ops::PRODUCTS, json!({})).await.get("products.totalCount"), 0);
    assert_eq!(app.gql(ops::CATEGORIES, json!({})).await.get("categories").as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_signed_in_customers_new_cart_takes_the_accounts_email() {
    // given
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    let token = app.user("Buyer@Example.com", agora::shared::role::Role::Customer).await;
    let variant = &two_vendors_variants(&app).await[0];

    // when: a cart without an e-mail
    let r = app
        .gql_as(
            Some(&token),
            ops::CART_CREATE,
            json!({ "input": { "lines": [{ "variantId": variant, "quantity": 1 }] } }),
        )
        .await;

    // then
    r.assert_no_errors();
    assert_eq!(r.get("cartCreate.cart.email"), "buyer@example.com");
}

#[tokio::test]
async fn cart_shipping_address_update_names_every_bad_field_at_once() {
    // given
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    let variant = &two_vendors_variants(&app).await[0];
    let r = app.gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": variant, "quantity": 1 }] } })).await;
    let cart = r.str("cartCreate.cart.id");
    let mut bad = address();
    bad["firstName"] = json!(" ");
    bad["postalCode"] = json!("12$45");
    bad["countryCode"] = json!("USA");

    // when
    let r = app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": bad })).await;

    // then: three user errors, one per field, and nothing saved
    let errors = crate::helpers::user_errors(&r, "cartShippingAddressUpdate");
    let fields: Vec<String> = errors.iter().map(|(f, _)| f.join(".")).collect();
    assert_eq!(
        fields,
        ["shippingAddress.firstName", "shippingAddress.postalCode", "shippingAddress.country"],
        "{}",
        r.body
    );
    assert!(errors.iter().all(|(_, code)| code == "INVALID"));
    assert_eq!(app.gql(ops::CART, json!({ "id": cart })).await.get("cart.shippingAddress"), &Value::Null);
}
