//! Orders paid through the real API with Stripe as the provider (`TestApp::spawn_with_stripe`:
//! selected from the settings as in production), against the Stripe-shaped server.

use agora::{
    payments::provider::{PaymentProvider, ProviderRefundStatus, RefundRequest},
    shared::money::{Currency, Money},
};
use serde_json::json;

use super::provider;
use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{complete, ready_cart, shop},
    },
    ops,
};

async fn placed(app: &TestApp) -> String {
    let s = shop(app, "7.00", &[10]).await;
    let cart = ready_cart(app, None, &s, &[(&s.variants[0], 1)]).await;
    complete(app, None, &cart, "k").await.str("checkoutComplete.order.id")
}

async fn pay(app: &TestApp, order: &str, method: &str) -> Gql {
    app.gql(
        ops::ORDER_PAYMENT_CREATE,
        json!({ "input": { "orderId": order, "email": "ann@example.com", "paymentMethod": method } }),
    )
    .await
}

#[tokio::test]
async fn an_order_is_paid_through_stripe_and_refunded_in_parts() {
    // given
    let app = TestApp::spawn_with_stripe(|_| {}).await;
    assert_eq!(app.state.payments.provider_name(), "stripe");
    let order = placed(&app).await;
    // when
    let r = pay(&app, &order, "pm_card_visa").await;
    // then
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "SUCCEEDED");
    assert_eq!(r.get("orderPaymentCreate.payment.provider"), "stripe");
    assert_eq!(r.get("orderPaymentCreate.order.status"), "PAID");
    let mock = app.stripe();
    assert_eq!(mock.intents_created(), 1);
    let intent = &mock.intents()[0];
    assert_eq!((intent["amount"].as_i64(), intent["currency"].as_str()), (Some(1200), Some("usd")));
    assert!(intent["metadata"]["agora_order_id"].is_string() && intent["metadata"]["agora_payment_id"].is_string());
    // Refunds (their API is another part's): through the adapter, on the same Stripe.
    let stripe = provider(mock);
    let reference = intent["id"].as_str().unwrap();
    let refund = |key: &str, minor| RefundRequest {
        payment_reference: reference.to_owned(),
        amount: Money::from_minor(minor, Currency::USD),
        idempotency_key: key.to_owned(),
        refund_id: key.to_owned(),
    };
    assert_eq!(stripe.refund(&refund("part", 500)).await.unwrap().status, ProviderRefundStatus::Succeeded);
    assert_eq!(stripe.refund(&refund("rest", 700)).await.unwrap().status, ProviderRefundStatus::Succeeded);
    assert!(stripe.refund(&refund("more", 1)).await.is_err());
    assert_eq!(mock.refunds_created(), 2);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_three_d_secure_payment_is_paid_after_the_buyer_acts_and_confirm() {
    let app = TestApp::spawn_with_stripe(|_| {}).await;
    let order = placed(&app).await;
    let r = pay(&app, &order, "pm_card_authenticationRequired").await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "REQUIRES_ACTION");
    let mock = app.stripe();
    let intent = mock.intents()[0].clone();
    assert_eq!(r.get("orderPaymentCreate.payment.clientSecret"), &intent["client_secret"]);
    let confirm =
        json!({ "input": { "paymentId": r.str("orderPaymentCreate.payment.id"), "email": "ann@example.com" } });
    // The buyer has not acted yet: still waiting.
    let early = app.gql(ops::ORDER_PAYMENT_CONFIRM, confirm.clone()).await;
    assert_eq!(early.get("orderPaymentConfirm.order.status"), "PAYMENT_PENDING");
    mock.buyer_completes_action(intent["id"].as_str().unwrap());
    let c = app.gql(ops::ORDER_PAYMENT_CONFIRM, confirm).await;
    c.assert_no_errors();
    assert_eq!(c.get("orderPaymentConfirm.order.status"), "PAID");
    assert_eq!(mock.intents_created(), 1);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_attempts_key_and_charges_once() {
    let app = TestApp::spawn_with_stripe(|_| {}).await;
    let order = placed(&app).await;
    app.stripe().drop_next(1);
    let r = pay(&app, &order, "pm_card_visa").await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.order.status"), "PAID");
    let mock = app.stripe();
    assert_eq!(mock.intents_created(), 1);
    let posts = mock.requests();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].idempotency_key, posts[1].idempotency_key);
    assert!(posts[1].replayed);
    mock.assert_wire_clean();
}

#[tokio::test]
async fn a_declined_card_is_a_failed_attempt_with_stripes_code() {
    let app = TestApp::spawn_with_stripe(|_| {}).await;
    let order = placed(&app).await;
    let r = pay(&app, &order, "pm_card_chargeDeclinedInsufficientFunds").await;
    assert_eq!(r.user_error_codes("orderPaymentCreate"), ["PAYMENT_DECLINED"]);
    let o = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(o.get("order.payments.0.status"), "FAILED");
    assert_eq!(o.get("order.payments.0.failureCode"), "insufficient_funds");
    pay(&app, &order, "pm_card_visa").await.assert_no_errors();
    app.stripe().assert_wire_clean();
}
