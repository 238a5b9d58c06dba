//! Orders paid through the real API with Stripe as the provider (`TestApp::spawn_with_stripe`:
//! selected from the settings as in production), against the Stripe-shaped server.

use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        fixtures::{pay, placed_order},
    },
    ops,
};

async fn placed(app: &TestApp) -> String {
    placed_order(app).await.1
}

#[tokio::test]
async fn an_order_is_paid_through_stripe_and_refunded_in_parts() {
    // given
    let app = TestApp::spawn_with_stripe(|_| {}).await;
    assert_eq!(app.state.payments.provider_name(), "stripe");
    let (s, order) = placed_order(&app).await;
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
    // Refunds through the staff API, on the same Stripe: a part, then the rest.
    let staff = &s.staff;
    let part =
        crate::refunds::refund(&app, staff, json!({ "orderId": order, "amount": "5.00", "idempotencyKey": "part" }))
            .await;
    part.assert_no_errors();
    assert_eq!(part.get("orderRefund.refund.status"), "SUCCEEDED");
    assert_eq!(part.get("orderRefund.order.paymentState"), "PARTIALLY_REFUNDED");
    let rest = crate::refunds::refund(&app, staff, json!({ "orderId": order, "idempotencyKey": "rest" })).await;
    rest.assert_no_errors();
    assert_eq!(rest.get("orderRefund.refund.amount.amount"), "7.00");
    assert_eq!(rest.get("orderRefund.order.paymentState"), "REFUNDED");
    let more =
        crate::refunds::refund(&app, staff, json!({ "orderId": order, "amount": "0.01", "idempotencyKey": "more" }))
            .await;
    assert_eq!(more.user_error_codes("orderRefund"), ["NOT_REFUNDABLE"]);
    assert_eq!(mock.refunds_created(), 2);
    let amounts: Vec<_> = mock
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/refunds")
        .map(|r| r.param("amount").map(str::to_owned))
        .collect();
    assert_eq!(amounts, [Some("500".to_owned()), Some("700".to_owned())]);
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

/// Client-side confirmation end to end: the PaymentIntent is created without a payment method,
/// the buyer confirms it with Stripe.js, Stripe posts `payment_intent.succeeded`, and the
/// order is PAID; a refund's `refund.updated` settles a refund Stripe left pending.
#[tokio::test]
async fn client_side_confirmation_is_paid_by_the_webhook_and_a_pending_refund_settles_by_webhook() {
    let app = TestApp::spawn_with_stripe(|_| {}).await;
    let (s, order) = placed_order(&app).await;
    let input = json!({ "input": { "orderId": order, "email": "ann@example.com" } });
    let r = app.gql(ops::ORDER_PAYMENT_CREATE, input.clone()).await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "REQUIRES_PAYMENT_METHOD");
    assert_eq!(r.get("orderPaymentCreate.publishableKey"), crate::helpers::stripe_mock::PUBLISHABLE_KEY);
    let mock = app.stripe();
    let pi = r.str("orderPaymentCreate.payment.providerReference");
    assert_eq!(r.get("orderPaymentCreate.payment.clientSecret"), &mock.intent(&pi).unwrap()["client_secret"]);
    // A reload asks again: the same PaymentIntent.
    let again = app.gql(ops::ORDER_PAYMENT_CREATE, input).await;
    assert_eq!(again.get("orderPaymentCreate.payment.providerReference"), pi.as_str());
    assert_eq!(mock.intents_created(), 1);

    mock.client_confirm(&pi, "pm_card_visa");
    let event = serde_json::to_vec(&mock.intent_event("payment_intent.succeeded", &pi)).unwrap();
    let header = agora::payments::webhook::sign(
        &event,
        &[crate::helpers::stripe_mock::WEBHOOK_SECRET],
        app.state.clock.now().timestamp(),
    );
    let (status, answer) = crate::stripe_webhooks::deliver(&app, &event, Some(&header)).await;
    assert_eq!((status, answer["outcome"].as_str()), (200, Some("applied")));
    let view = crate::refunds::order_payments(&app, &s.staff, &order).await;
    assert_eq!(view.get("order.status"), "PAID");

    // Stripe leaves the refund pending; its webhook settles it.
    mock.next_refund_status("pending");
    let refund = crate::refunds::refund(&app, &s.staff, json!({ "orderId": order, "idempotencyKey": "all" })).await;
    refund.assert_no_errors();
    assert_eq!(refund.get("orderRefund.refund.status"), "PENDING");
    let re_id = refund.str("orderRefund.refund.providerReference");
    assert!(mock.refund(&re_id).is_some());
    mock.settle_refund(&re_id, "succeeded", None);
    let event = serde_json::to_vec(&mock.refund_event("refund.updated", &re_id)).unwrap();
    let header = agora::payments::webhook::sign(
        &event,
        &[crate::helpers::stripe_mock::WEBHOOK_SECRET],
        app.state.clock.now().timestamp(),
    );
    let (status, _) = crate::stripe_webhooks::deliver(&app, &event, Some(&header)).await;
    assert_eq!(status, 200);
    let view = crate::refunds::order_payments(&app, &s.staff, &order).await;
    assert_eq!(view.get("order.paymentState"), "REFUNDED", "{}", view.body);
    assert_eq!(view.get("order.refunds.0.status"), "SUCCEEDED");
    mock.assert_wire_clean();
}
