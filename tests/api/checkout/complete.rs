use agora::shared::role::Role;
use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        fixtures::{address, complete, order_count, ready_cart, shop, stock},
    },
    ops,
};

#[tokio::test]
async fn checkout_complete_turns_a_ready_cart_into_an_order_holding_its_stock() {
    // given
    let app = TestApp::spawn().await;
    let s = shop(&app, "12.50", &[10]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 2)]).await;
    let before = app.gql(ops::CART, json!({ "id": cart })).await;
    assert_eq!(before.get("cart.checkoutReady"), true, "{}", before.body);

    // when
    let r = complete(&app, None, &cart, "key-1").await;

    // then
    r.assert_no_errors();
    let order = r.get("checkoutComplete.order");
    assert_eq!(order["status"], "PAYMENT_PENDING");
    assert_eq!(order["subtotal"]["amount"], "25.00");
    assert_eq!(order["shipping"]["amount"], "5.00");
    assert_eq!(order["total"]["amount"], "30.00");
    assert_eq!(order["lines"][0]["sku"], "SKU-0");
    assert_eq!(order["lines"][0]["productTitle"], "Product 0");
    assert_eq!(order["shippingAddress"]["city"], "Springfield");
    assert_eq!(order["vendorOrders"].as_array().unwrap().len(), 1);
    assert_eq!(order["history"], json!([{ "from": null, "to": "PAYMENT_PENDING", "actor": "GUEST", "note": null }]));
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 8), "held, not shipped");
    let cart_after = app.gql(ops::CART, json!({ "id": cart })).await;
    assert_eq!(cart_after.get("cart.status"), "COMPLETED");
    assert_eq!(cart_after.get("cart.completedOrderId"), &order["id"]);
}

#[tokio::test]
async fn checkout_complete_with_the_same_key_returns_the_same_order_and_another_key_is_refused() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    let first = complete(&app, None, &cart, "same-key").await;
    first.assert_no_errors();
    let again = complete(&app, None, &cart, "same-key").await;
    again.assert_no_errors();
    assert_eq!(first.get("checkoutComplete.order.id"), again.get("checkoutComplete.order.id"));
    let other_key = complete(&app, None, &cart, "other-key").await;
    assert_eq!(other_key.user_error_codes("checkoutComplete"), ["CART_COMPLETED"]);
    let other_cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    let reused = complete(&app, None, &other_cart, "same-key").await;
    assert_eq!(reused.user_error_codes("checkoutComplete"), ["IDEMPOTENCY_KEY_REUSED"]);
    assert_eq!(order_count(&app, &s.staff).await, 1);
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 9));
}

#[tokio::test]
async fn checkout_complete_with_the_same_key_from_another_principal_is_refused() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let guest_cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    complete(&app, None, &guest_cart, "k").await.assert_no_errors();
    let r = complete(&app, Some(&ann), &guest_cart, "k").await;
    assert_eq!(r.user_error_codes("checkoutComplete"), ["IDEMPOTENCY_KEY_REUSED"]);
}

#[tokio::test]
async fn checkout_complete_on_an_unready_cart_names_what_is_missing_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let empty =
        app.gql(ops::CART_CREATE, json!({ "input": { "email": "a@example.com" } })).await.str("cartCreate.cart.id");
    assert_eq!(complete(&app, None, &empty, "k1").await.user_error_codes("checkoutComplete"), ["CART_EMPTY"]);

    let cart = app
        .gql(ops::CART_CREATE, json!({ "input": { "lines": [{ "variantId": s.variants[0], "quantity": 1 }] } }))
        .await
        .str("cartCreate.cart.id");
    assert_eq!(complete(&app, None, &cart, "k2").await.user_error_codes("checkoutComplete"), ["EMAIL_REQUIRED"]);
    app.gql(ops::CART_BUYER_IDENTITY_UPDATE, json!({ "cartId": cart, "buyerIdentity": { "email": "a@example.com" } }))
        .await
        .assert_no_errors();
    assert_eq!(
        complete(&app, None, &cart, "k3").await.user_error_codes("checkoutComplete"),
        ["SHIPPING_ADDRESS_REQUIRED"]
    );
    app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": address() }))
        .await
        .assert_no_errors();
    let r = complete(&app, None, &cart, "k4").await;
    assert_eq!(r.user_error_codes("checkoutComplete"), ["SHIPPING_METHOD_REQUIRED"]);
    assert_eq!(r.user_error_field("checkoutComplete", 0), ["cart", "vendorGroups", "0", "shippingMethod"]);
    assert_eq!(complete(&app, None, &cart, "").await.user_error_codes("checkoutComplete"), ["INVALID"]);

    assert_eq!(order_count(&app, &s.staff).await, 0);
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10));
}

#[tokio::test]
async fn checkout_complete_with_a_malformed_cart_id_is_a_bad_user_input_like_cart_mutations() {
    // given
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;

    for bad in ["garbage".to_owned(), s.variants[0].clone()] {
        // when
        let r = complete(&app, None, &bad, "k").await;
        let add = app.gql(ops::CART_LINES_ADD, json!({ "cartId": bad, "lines": [] })).await;

        // then: one rule for a malformed ID argument (STYLE §2.3)
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{bad}: {}", r.body);
        assert_eq!(add.error_codes(), ["BAD_USER_INPUT"], "{bad}: {}", add.body);
    }
    assert_eq!(order_count(&app, &s.staff).await, 0);
}

#[tokio::test]
async fn checkout_complete_after_a_price_change_asks_the_buyer_to_review() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    app.gql_as(
        Some(&s.staff),
        ops::PRODUCT_VARIANT_UPDATE,
        json!({ "id": s.variants[0], "input": { "price": "6.00" } }),
    )
    .await
    .assert_no_errors();
    let r = complete(&app, None, &cart, "k").await;
    assert_eq!(r.user_error_codes("checkoutComplete"), ["PRICE_CHANGED"]);
    assert_eq!(r.user_error_field("checkoutComplete", 0), ["cart", "lines", "0", "unitPrice"]);
}

#[tokio::test]
async fn checkout_complete_of_a_multi_vendor_cart_with_one_short_line_creates_nothing_at_all() {
    // given: three vendors; the cart is ready, then the third vendor's stock drops
    let app = TestApp::spawn().await;
    let s = shop(&app, "10.00", &[5, 5, 5]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 2), (&s.variants[1], 2), (&s.variants[2], 2)]).await;
    app.gql_as(
        Some(&s.staff),
        ops::STOCK_ADJUST,
        json!({ "input": { "variantId": s.variants[2], "delta": -4, "reason": "LOST" } }),
    )
    .await
    .assert_no_errors();

    // when
    let r = complete(&app, None, &cart, "k").await;

    // then: one clean error naming the line, and no order, no reservation anywhere
    assert_eq!(r.user_error_codes("checkoutComplete"), ["INSUFFICIENT_STOCK"]);
    assert_eq!(r.user_error_field("checkoutComplete", 0), ["cart", "lines", "2", "quantity"]);
    assert_eq!(order_count(&app, &s.staff).await, 0);
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (5, 5));
    assert_eq!(stock(&app, &s.staff, &s.variants[1]).await, (5, 5));
    assert_eq!(stock(&app, &s.staff, &s.variants[2]).await, (1, 1));
    assert_eq!(app.gql(ops::CART, json!({ "id": cart })).await.get("cart.status"), "ACTIVE");
}

#[tokio::test]
async fn checkout_complete_of_a_multi_vendor_cart_makes_one_vendor_order_per_vendor_that_add_up() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "10.00", &[5, 5, 5]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1), (&s.variants[1], 2), (&s.variants[2], 3)]).await;
    let r = complete(&app, None, &cart, "k").await;
    r.assert_no_errors();
    let order = r.get("checkoutComplete.order");
    let vos = order["vendorOrders"].as_array().unwrap();
    assert_eq!(vos.len(), 3);
    let cents = |v: &serde_json::Value| (v.as_str().unwrap().parse::<f64>().unwrap() * 100.0).round() as i64;
    let sum: i64 = vos.iter().map(|v| cents(&v["total"]["amount"])).sum();
    assert_eq!(sum, cents(&order["total"]["amount"]));
    assert_eq!(order["shipping"]["amount"], "15.00", "each vendor ships its own lines");
    assert_eq!(order["total"]["amount"], "75.00");
    assert!(vos.iter().all(|v| v["lines"].as_array().unwrap().len() == 1));
}
