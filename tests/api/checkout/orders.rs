use std::time::Duration;

use agora::shared::role::Role;
use serde_json::json;

use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{Shop, complete, ready_cart, shop, stock},
    },
    ops,
};

/// Places an order for `quantity` of the shop's first variant; returns its id.
async fn place_order(app: &TestApp, token: Option<&str>, s: &Shop, quantity: u32) -> String {
    let cart = ready_cart(app, token, s, &[(&s.variants[0], quantity)]).await;
    complete(app, token, &cart, "k").await.str("checkoutComplete.order.id")
}

async fn pay(app: &TestApp, token: Option<&str>, order: &str, email: Option<&str>) -> Gql {
    app.gql_as(
        token,
        ops::ORDER_PAYMENT_CREATE,
        json!({ "input": { "orderId": order, "email": email, "paymentMethod": "pm_card_visa" } }),
    )
    .await
}

async fn fulfil(app: &TestApp, staff: &str, order: &str, line: &str, quantity: i32) -> Gql {
    app.gql_as(
        Some(staff),
        ops::ORDER_FULFIL,
        json!({ "orderId": order, "lines": [{ "lineId": line, "quantity": quantity }] }),
    )
    .await
}

#[tokio::test]
async fn a_customer_reads_their_own_orders_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let order = place_order(&app, Some(&ann), &s, 1).await;

    let mine = app.gql_as(Some(&ann), ops::ORDERS, json!({})).await;
    mine.assert_no_errors();
    assert_eq!(mine.get("orders.totalCount"), 1);
    assert_eq!(app.gql_as(Some(&ann), ops::ORDER, json!({ "id": order })).await.str("order.id"), order);
    assert_eq!(app.gql_as(Some(&bob), ops::ORDERS, json!({})).await.get("orders.totalCount"), 0);
    assert_eq!(app.gql_as(Some(&bob), ops::ORDER, json!({ "id": order })).await.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.gql(ops::ORDERS, json!({})).await.error_codes(), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn a_guest_reads_an_order_with_its_id_and_email_only() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let order = place_order(&app, None, &s, 1).await;
    let ok = app.gql(ops::ORDER, json!({ "id": order, "email": "ANN@example.com" })).await;
    ok.assert_no_errors();
    assert_eq!(ok.str("order.status"), "PAYMENT_PENDING");
    assert_eq!(
        app.gql(ops::ORDER, json!({ "id": order, "email": "eve@example.com" })).await.error_codes(),
        ["FORBIDDEN"]
    );
    assert_eq!(app.gql(ops::ORDER, json!({ "id": order })).await.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn order_cancel_by_the_customer_gives_stock_back_and_is_final() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let order = place_order(&app, Some(&ann), &s, 3).await;
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 7));

    let r = app.gql_as(Some(&ann), ops::ORDER_CANCEL, json!({ "orderId": order })).await;
    r.assert_no_errors();
    assert_eq!(r.get("orderCancel.order.status"), "CANCELLED");
    assert_eq!(r.get("orderCancel.order.history.1.actor"), "CUSTOMER");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10));
    let again = app.gql_as(Some(&ann), ops::ORDER_CANCEL, json!({ "orderId": order })).await;
    assert_eq!(again.user_error_codes("orderCancel"), ["CANNOT_CANCEL"]);
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10), "released once");
    let paid = pay(&app, Some(&ann), &order, None).await;
    assert_eq!(paid.user_error_codes("orderPaymentCreate"), ["ORDER_NOT_PAYABLE"]);
}

#[tokio::test]
async fn staff_filter_orders_and_cancel_with_a_note() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10, 10]).await;
    let a = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
    let b = ready_cart(&app, None, &s, &[(&s.variants[1], 1)]).await;
    let first = complete(&app, None, &a, "a").await.str("checkoutComplete.order.id");
    complete(&app, None, &b, "b").await.assert_no_errors();
    let by_vendor = app.gql_as(Some(&s.staff), ops::ORDERS, json!({ "filter": { "vendorId": s.vendors[1] } })).await;
    assert_eq!(by_vendor.get("orders.totalCount"), 1);
    let r = app.gql_as(Some(&s.staff), ops::ORDER_CANCEL, json!({ "orderId": first, "note": "customer called" })).await;
    r.assert_no_errors();
    assert_eq!(
        r.get("orderCancel.order.history.1"),
        &json!({ "from": "PAYMENT_PENDING", "to": "CANCELLED", "actor": "STAFF", "note": "customer called" })
    );
    let cancelled = app.gql_as(Some(&s.staff), ops::ORDERS, json!({ "filter": { "status": ["CANCELLED"] } })).await;
    assert_eq!(cancelled.get("orders.totalCount"), 1);
    let by_email =
        app.gql_as(Some(&s.staff), ops::ORDERS, json!({ "filter": { "customerEmail": "ANN@example.com" } })).await;
    assert_eq!(by_email.get("orders.totalCount"), 2);
}

#[tokio::test]
async fn order_fulfil_moves_paid_orders_through_partial_to_fulfilled_and_ships_stock() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 3)]).await;
    let placed = complete(&app, None, &cart, "k").await;
    let order = placed.str("checkoutComplete.order.id");
    let line = placed.str("checkoutComplete.order.lines.0.id");
    let early = fulfil(&app, &s.staff, &order, &line, 1).await;
    assert_eq!(early.user_error_codes("orderFulfil"), ["CANNOT_FULFIL"]);
    pay(&app, None, &order, Some("ann@example.com")).await.assert_no_errors();

    let part = fulfil(&app, &s.staff, &order, &line, 1).await;
    part.assert_no_errors();
    assert_eq!(part.get("orderFulfil.order.status"), "PARTIALLY_FULFILLED");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (9, 7));
    let too_many = fulfil(&app, &s.staff, &order, &line, 3).await;
    assert_eq!(too_many.user_error_codes("orderFulfil"), ["INVALID_QUANTITY"]);
    let rest = fulfil(&app, &s.staff, &order, &line, 2).await;
    rest.assert_no_errors();
    assert_eq!(rest.get("orderFulfil.order.status"), "FULFILLED");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (7, 7));
    let cancel = app.gql_as(Some(&s.staff), ops::ORDER_CANCEL, json!({ "orderId": order })).await;
    assert_eq!(cancel.user_error_codes("orderCancel"), ["CANNOT_CANCEL"]);
    let statuses: Vec<&str> =
        rest.get("orderFulfil.order.history").as_array().unwrap().iter().map(|h| h["to"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["PAYMENT_PENDING", "PAID", "PARTIALLY_FULFILLED", "FULFILLED"]);
    let customer = app.user("c@example.com", Role::Customer).await;
    assert_eq!(
        app.gql_as(Some(&customer), ops::ORDER_FULFIL, json!({ "orderId": order, "lines": [] })).await.error_codes(),
        ["FORBIDDEN"]
    );
}

#[tokio::test]
async fn unpaid_orders_expire_after_the_reservation_with_a_controlled_clock() {
    // given: an unpaid guest order holding 2 units, reservation 15 minutes
    let app = TestApp::spawn_with_manual_clock(|_| {}).await;
    let s = shop(&app, "5.00", &[5]).await;
    let order = place_order(&app, None, &s, 2).await;
    let clock = app.clock.clone().expect("manual clock");

    // when: just before the end nothing happens; just after, the sweep expires it
    clock.advance(chrono::Duration::minutes(14));
    assert_eq!(app.state.orders.expire_due(clock_now(&app)).await.unwrap(), 0);
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(app.state.orders.expire_due(clock_now(&app)).await.unwrap(), 1);

    // then
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(r.str("order.status"), "EXPIRED");
    assert_eq!(r.get("order.history.1.actor"), "SYSTEM");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (5, 5));
    assert_eq!(
        pay(&app, None, &order, Some("ann@example.com")).await.user_error_codes("orderPaymentCreate"),
        ["ORDER_NOT_PAYABLE"]
    );
}

fn clock_now(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    use agora::shared::clock::Clock;
    app.clock.as_ref().unwrap().now()
}

#[tokio::test]
async fn unpaid_orders_expire_in_real_time_with_a_short_ttl() {
    let app = TestApp::spawn_with(|s| {
        s.checkout.guest_reservation_secs = 1;
        s.checkout.sweeper_interval_ms = 100;
    })
    .await;
    let s = shop(&app, "5.00", &[5]).await;
    let order = place_order(&app, None, &s, 5).await;
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (5, 0));
    // Polls until the sweeper has run past the TTL; the generous bound only matters if the
    // sweeper never runs (a loaded machine makes it late, never wrong).
    let mut status = String::new();
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await.str("order.status");
        if status == "EXPIRED" {
            break;
        }
    }
    assert_eq!(status, "EXPIRED", "the sweeper expired the order");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (5, 5));
}

#[tokio::test]
async fn node_resolves_an_order_for_its_owner_only() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "5.00", &[10]).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let order = place_order(&app, Some(&ann), &s, 1).await;
    let mine = app.gql_as(Some(&ann), ops::NODE, json!({ "id": order })).await;
    mine.assert_no_errors();
    assert_eq!(mine.get("node.__typename"), "Order");
    assert_eq!(mine.get("node.status"), "PAYMENT_PENDING");
    assert!(app.gql_as(Some(&bob), ops::NODE, json!({ "id": order })).await.get("node").is_null());
}
