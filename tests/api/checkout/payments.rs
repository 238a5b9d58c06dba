use serde_json::json;

use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{Shop, complete, ready_cart, shop, stock},
    },
    ops,
};

async fn placed(app: &TestApp) -> (Shop, String) {
    let s = shop(app, "7.00", &[10]).await;
    let cart = ready_cart(app, None, &s, &[(&s.variants[0], 1)]).await;
    let order = complete(app, None, &cart, "k").await.str("checkoutComplete.order.id");
    (s, order)
}

async fn pay(app: &TestApp, order: &str, method: &str) -> Gql {
    app.gql(
        ops::ORDER_PAYMENT_CREATE,
        json!({ "input": { "orderId": order, "email": "ann@example.com", "paymentMethod": method } }),
    )
    .await
}

#[tokio::test]
async fn order_payment_with_a_good_card_makes_the_order_paid() {
    let app = TestApp::spawn().await;
    let (_, order) = placed(&app).await;
    let r = pay(&app, &order, "pm_card_visa").await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "SUCCEEDED");
    assert_eq!(r.get("orderPaymentCreate.payment.amount.amount"), "12.00");
    assert_eq!(r.get("orderPaymentCreate.order.status"), "PAID");
    assert_eq!(r.get("orderPaymentCreate.order.history.1.actor"), "GUEST");
    assert_eq!(pay(&app, &order, "pm_card_visa").await.user_error_codes("orderPaymentCreate"), ["ORDER_NOT_PAYABLE"]);
}

#[tokio::test]
async fn a_declined_card_leaves_the_order_awaiting_payment_and_another_card_can_pay() {
    let app = TestApp::spawn().await;
    let (_, order) = placed(&app).await;
    let declined = pay(&app, &order, "pm_card_chargeDeclined").await;
    assert_eq!(declined.user_error_codes("orderPaymentCreate"), ["PAYMENT_DECLINED"]);
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(r.str("order.status"), "PAYMENT_PENDING");
    assert_eq!(r.get("order.payments.0.status"), "FAILED");
    assert_eq!(r.get("order.payments.0.failureCode"), "card_declined");
    pay(&app, &order, "pm_card_visa").await.assert_no_errors();
}

#[tokio::test]
async fn a_card_needing_authentication_is_paid_after_confirm() {
    let app = TestApp::spawn().await;
    let (_, order) = placed(&app).await;
    let r = pay(&app, &order, "pm_card_authenticationRequired").await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "REQUIRES_ACTION");
    assert!(r.get("orderPaymentCreate.payment.clientSecret").is_string());
    assert_eq!(r.get("orderPaymentCreate.order.status"), "PAYMENT_PENDING");
    let payment = r.str("orderPaymentCreate.payment.id");
    let c = app
        .gql(ops::ORDER_PAYMENT_CONFIRM, json!({ "input": { "paymentId": payment, "email": "ann@example.com" } }))
        .await;
    c.assert_no_errors();
    assert_eq!(c.get("orderPaymentConfirm.order.status"), "PAID");
    let again = app
        .gql(ops::ORDER_PAYMENT_CONFIRM, json!({ "input": { "paymentId": payment, "email": "ann@example.com" } }))
        .await;
    assert_eq!(again.user_error_codes("orderPaymentConfirm"), ["NOT_CONFIRMABLE"]);
}

#[tokio::test]
async fn order_payment_with_bad_input_returns_codes() {
    let app = TestApp::spawn().await;
    let (s, order) = placed(&app).await;
    assert_eq!(
        pay(&app, &order, "tok_garbage").await.user_error_codes("orderPaymentCreate"),
        ["INVALID_PAYMENT_METHOD"]
    );
    assert_eq!(pay(&app, &s.vendors[0], "pm_card_visa").await.user_error_codes("orderPaymentCreate"), ["INVALID_ID"]);
    let stranger = app
        .gql(
            ops::ORDER_PAYMENT_CREATE,
            json!({ "input": { "orderId": order, "email": "eve@example.com", "paymentMethod": "pm_card_visa" } }),
        )
        .await;
    assert_eq!(stranger.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.payments.payments_created(), 0, "no attempt charged anything");
}

#[tokio::test]
async fn cancelling_a_paid_order_refunds_it_and_gives_stock_back() {
    let app = TestApp::spawn().await;
    let (s, order) = placed(&app).await;
    pay(&app, &order, "pm_card_visa").await.assert_no_errors();
    let r = app.gql(ops::ORDER_CANCEL, json!({ "orderId": order, "email": "ann@example.com" })).await;
    r.assert_no_errors();
    assert_eq!(r.get("orderCancel.order.status"), "CANCELLED");
    let after = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(after.get("order.payments.0.status"), "REFUNDED");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10));
    assert_eq!(app.payments.payments_created(), 1);
}
