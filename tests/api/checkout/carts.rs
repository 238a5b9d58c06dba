use agora::shared::role::Role;
use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        fixtures::{address, ready_cart, shop},
    },
    ops,
};

#[tokio::test]
async fn cart_create_anonymous_with_lines_returns_a_cart_with_snapshots_and_cost() {
    // given
    let app = TestApp::spawn().await;
    let s = shop(&app, "12.50", &[10]).await;

    // when
    let r = app
        .gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": s.variants[0], "quantity": 2 }] } }))
        .await;

    // then
    r.assert_no_errors();
    assert_eq!(r.get("cartCreate.cart.status"), "ACTIVE");
    assert_eq!(r.get("cartCreate.cart.lines.0.unitPrice.amount"), "12.50");
    assert_eq!(r.get("cartCreate.cart.cost.subtotal.amount"), "25.00");
    assert_eq!(r.get("cartCreate.cart.totalQuantity"), 2);
    assert_eq!(r.get("cartCreate.cart.checkoutReady"), false);
}

#[tokio::test]
async fn cart_lines_add_with_bad_input_returns_codes_and_changes_nothing() {
    let app = TestApp::spawn_with(|s| s.checkout.max_quantity_per_line = 5).await;
    let s = shop(&app, "10.00", &[3]).await;
    let cart = app.gql(ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");
    let add = |variant: serde_json::Value, q: i64| {
        app.gql(ops::CART_LINES_ADD, json!({ "cartId": cart, "lines": [{ "variantId": variant, "quantity": q }] }))
    };
    let cases = [
        (json!(s.variants[0]), 4, "INSUFFICIENT_STOCK", vec!["lines", "0", "quantity"]),
        (json!(s.variants[0]), 0, "INVALID_QUANTITY", vec!["lines", "0", "quantity"]),
        (json!(s.variants[0]), 6, "INVALID_QUANTITY", vec!["lines", "0", "quantity"]),
        (json!(s.vendors[0]), 1, "INVALID_ID", vec!["lines", "0", "variantId"]),
    ];
    for (variant, q, code, field) in cases {
        let r = add(variant, q).await;
        assert_eq!(r.user_error_codes("cartLinesAdd"), [code], "{}", r.body);
        assert_eq!(r.user_error_field("cartLinesAdd", 0), field);
    }
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    assert_eq!(r.get("cart.lines"), &json!([]));
}

#[tokio::test]
async fn cart_lines_add_twice_merges_the_line_and_update_and_remove_work() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "10.00", &[10]).await;
    let cart = app.gql(ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");
    for _ in 0..2 {
        app.gql(
            ops::CART_LINES_ADD,
            json!({ "cartId": cart, "lines": [{ "variantId": s.variants[0], "quantity": 2 }] }),
        )
        .await
        .assert_no_errors();
    }
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    assert_eq!(r.get("cart.lines").as_array().unwrap().len(), 1);
    assert_eq!(r.get("cart.lines.0.quantity"), 4);
    let line = r.str("cart.lines.0.id");
    let u = app.gql(ops::CART_LINES_UPDATE, json!({ "cartId": cart, "lines": [{ "id": line, "quantity": 7 }] })).await;
    u.assert_no_errors();
    assert_eq!(u.get("cartLinesUpdate.cart.lines.0.quantity"), 7);
    let bad =
        app.gql(ops::CART_LINES_UPDATE, json!({ "cartId": cart, "lines": [{ "id": line, "quantity": 11 }] })).await;
    assert_eq!(bad.user_error_codes("cartLinesUpdate"), ["INSUFFICIENT_STOCK"]);
    let rm = app.gql(ops::CART_LINES_REMOVE, json!({ "cartId": cart, "lineIds": [line] })).await;
    rm.assert_no_errors();
    assert_eq!(rm.get("cartLinesRemove.cart.lines"), &json!([]));
    let again = app.gql(ops::CART_LINES_REMOVE, json!({ "cartId": cart, "lineIds": [line] })).await;
    assert_eq!(again.user_error_codes("cartLinesRemove"), ["LINE_NOT_FOUND"]);
}

#[tokio::test]
async fn cart_over_the_line_limit_returns_too_many_lines() {
    let app = TestApp::spawn_with(|s| s.checkout.max_lines_per_cart = 2).await;
    let s = shop(&app, "1.00", &[5, 5, 5]).await;
    let lines: Vec<_> = s.variants.iter().map(|v| json!({ "variantId": v, "quantity": 1 })).collect();
    let r = app.gql(ops::CART_CREATE, json!({ "input": { "lines": lines } })).await;
    assert_eq!(r.user_error_codes("cartCreate"), ["TOO_MANY_LINES"]);
}

#[tokio::test]
async fn cart_reports_price_changes_and_stock_shortage_without_changing_amounts() {
    // given: a cart seen at 10.00
    let app = TestApp::spawn().await;
    let s = shop(&app, "10.00", &[5]).await;
    let r = app
        .gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": s.variants[0], "quantity": 3 }] } }))
        .await;
    let cart = r.str("cartCreate.cart.id");

    // when: the price moves and stock drops
    app.gql_as(
        Some(&s.staff),
        ops::PRODUCT_VARIANT_UPDATE,
        json!({ "id": s.variants[0], "input": { "price": "12.00" } }),
    )
    .await
    .assert_no_errors();
    app.gql_as(
        Some(&s.staff),
        ops::STOCK_ADJUST,
        json!({ "input": { "variantId": s.variants[0], "delta": -3, "reason": "DAMAGED" } }),
    )
    .await
    .assert_no_errors();

    // then: problems say so, the amounts the buyer saw stay
    let r = app.gql(ops::CART, json!({ "id": cart })).await;
    r.assert_no_errors();
    assert_eq!(r.get("cart.lines.0.unitPrice.amount"), "10.00");
    assert_eq!(r.get("cart.cost.subtotal.amount"), "30.00");
    let codes: Vec<&str> =
        r.get("cart.problems").as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["PRICE_CHANGED", "INSUFFICIENT_STOCK"]);
    assert_eq!(r.get("cart.problems.0.currentPrice.amount"), "12.00");
    assert_eq!(r.get("cart.problems.1.available"), 2);

    // and updating the line accepts the new price
    let line = r.str("cart.lines.0.id");
    let u = app.gql(ops::CART_LINES_UPDATE, json!({ "cartId": cart, "lines": [{ "id": line, "quantity": 2 }] })).await;
    u.assert_no_errors();
    assert_eq!(u.get("cartLinesUpdate.cart.problems"), &json!([]));
    assert_eq!(u.get("cartLinesUpdate.cart.lines.0.unitPrice.amount"), "12.00");
}

#[tokio::test]
async fn cart_buyer_identity_and_address_validate_their_fields() {
    let app = TestApp::spawn().await;
    let cart = app.gql(ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");
    let bad_email =
        app.gql(ops::CART_BUYER_IDENTITY_UPDATE, json!({ "cartId": cart, "buyerIdentity": { "email": "nope" } })).await;
    assert_eq!(bad_email.user_error_codes("cartBuyerIdentityUpdate"), ["INVALID_EMAIL"]);
    let bad_country = app
        .gql(ops::CART_BUYER_IDENTITY_UPDATE, json!({ "cartId": cart, "buyerIdentity": { "countryCode": "USA" } }))
        .await;
    assert_eq!(bad_country.user_error_field("cartBuyerIdentityUpdate", 0), ["countryCode"]);
    let mut a = address();
    a["postalCode"] = json!("62$01");
    let bad_address = app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": a })).await;
    assert_eq!(bad_address.user_error_codes("cartShippingAddressUpdate"), ["INVALID"]);
    assert_eq!(bad_address.user_error_field("cartShippingAddressUpdate", 0), ["shippingAddress", "postalCode"]);
    let ok = app
        .gql(
            ops::CART_BUYER_IDENTITY_UPDATE,
            json!({ "cartId": cart, "buyerIdentity": { "email": " Ann@Example.com ", "countryCode": "us" } }),
        )
        .await;
    ok.assert_no_errors();
    assert_eq!(ok.get("cartBuyerIdentityUpdate.cart.email"), "ann@example.com");
    assert_eq!(ok.get("cartBuyerIdentityUpdate.cart.countryCode"), "US");
}

#[tokio::test]
async fn cart_of_a_customer_is_theirs_alone_and_unknown_carts_are_not_found() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let first = app.gql_as(Some(&ann), ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");
    let second = app.gql_as(Some(&ann), ops::CART_CREATE, json!({})).await.str("cartCreate.cart.id");
    assert_eq!(first, second, "one active cart per customer");
    assert_eq!(app.gql_as(Some(&bob), ops::CART, json!({ "id": first })).await.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.gql(ops::CART, json!({ "id": first })).await.error_codes(), ["FORBIDDEN"]);
    let unknown = agora_cart_id();
    assert!(app.gql(ops::CART, json!({ "id": unknown })).await.get("cart").is_null());
    let r = app.gql(ops::CART_LINES_ADD, json!({ "cartId": unknown, "lines": [] })).await;
    assert_eq!(r.user_error_codes("cartLinesAdd"), ["CART_NOT_FOUND"]);
}

fn agora_cart_id() -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(format!("Cart:{}", uuid::Uuid::new_v4()))
}

#[tokio::test]
async fn cart_merge_adds_guest_quantities_capped_at_stock_and_marks_the_guest_cart_merged() {
    // given: a customer cart with 2 of A, and a guest cart with 4 of A (stock 5) and 1 of B
    let app = TestApp::spawn().await;
    let s = shop(&app, "3.00", &[5, 5]).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let mine = app
        .gql_as(
            Some(&ann),
            ops::CART_CREATE,
            json!({ "input": { "lines": [{ "variantId": s.variants[0], "quantity": 2 }] } }),
        )
        .await;
    mine.assert_no_errors();
    let guest = app
        .gql(
            ops::CART_CREATE,
            json!({ "input": { "lines": [
            { "variantId": s.variants[0], "quantity": 4 }, { "variantId": s.variants[1], "quantity": 1 }
        ], "email": "guest@example.com" } }),
        )
        .await
        .str("cartCreate.cart.id");

    // when
    let r = app.gql_as(Some(&ann), ops::CART_MERGE, json!({ "guestCartId": guest })).await;

    // then
    r.assert_no_errors();
    let lines = r.get("cartMerge.cart.lines").as_array().unwrap().clone();
    let qty: Vec<i64> = lines.iter().map(|l| l["quantity"].as_i64().unwrap()).collect();
    assert_eq!(qty, [5, 1], "2 + 4 capped at the 5 available, plus the guest's other line");
    assert_eq!(r.get("cartMerge.cart.email"), "ann@example.com", "a customer's cart has the account's e-mail");
    let again = app.gql_as(Some(&ann), ops::CART_LINES_ADD, json!({ "cartId": guest, "lines": [] })).await;
    assert_eq!(again.user_error_codes("cartLinesAdd"), ["CART_COMPLETED"]);
    assert_eq!(app.gql(ops::CART_MERGE, json!({ "guestCartId": guest })).await.error_codes(), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn token_create_with_a_guest_cart_merges_it_into_the_customers_cart() {
    // given: a guest cart, and a registered customer with no cart yet
    let app = TestApp::spawn().await;
    let s = shop(&app, "3.00", &[5]).await;
    let guest = app
        .gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": s.variants[0], "quantity": 2 }] } }))
        .await
        .str("cartCreate.cart.id");
    app.gql(
        ops::ACCOUNT_REGISTER,
        json!({ "input": { "email": "ann@example.com", "password": "a long and unusual passphrase" } }),
    )
    .await
    .assert_no_errors();

    // when
    let r = app
        .gql(
            "mutation($input: TokenCreateInput!) { tokenCreate(input: $input) { tokens { accessToken } cart { id lines { quantity } } userErrors { code } } }",
            json!({ "input": { "email": "ann@example.com", "password": "a long and unusual passphrase", "guestCartId": guest } }),
        )
        .await;

    // then: the cart is now the customer's, only they can read it
    r.assert_no_errors();
    assert_eq!(r.get("tokenCreate.cart.lines.0.quantity"), 2);
    let token = r.str("tokenCreate.tokens.accessToken");
    let cart = r.str("tokenCreate.cart.id");
    app.gql_as(Some(&token), ops::CART, json!({ "id": cart })).await.assert_no_errors();
    assert_eq!(app.gql(ops::CART, json!({ "id": cart })).await.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn cart_billing_address_update_validates_and_keeps_the_shipping_address() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "3.00", &[5]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    let mut bad = address();
    bad["countryCode"] = json!("");
    let r = app.gql(ops::CART_BILLING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": bad })).await;
    assert_eq!(r.user_error_field("cartBillingAddressUpdate", 0), ["billingAddress", "country"]);
    let mut billing = address();
    billing["city"] = json!("Chicago");
    let ok = app.gql(ops::CART_BILLING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": billing })).await;
    ok.assert_no_errors();
    assert_eq!(ok.get("cartBillingAddressUpdate.cart.billingAddress.city"), "Chicago");
    assert_eq!(ok.get("cartBillingAddressUpdate.cart.shippingAddress.city"), "Springfield");
}
