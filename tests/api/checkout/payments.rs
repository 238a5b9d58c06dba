use std::sync::Arc;

use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        fixtures::{complete, pay, placed_order, ready_cart, shop, stock},
    },
    ops,
};

#[tokio::test]
async fn order_payment_with_a_good_card_makes_the_order_paid() {
    let app = TestApp::spawn().await;
    let (_, order) = placed_order(&app).await;
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
    let (_, order) = placed_order(&app).await;
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
    let (_, order) = placed_order(&app).await;
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
    let (s, order) = placed_order(&app).await;
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
    let (s, order) = placed_order(&app).await;
    pay(&app, &order, "pm_card_visa").await.assert_no_errors();
    let r = app.gql(ops::ORDER_CANCEL, json!({ "orderId": order, "email": "ann@example.com" })).await;
    r.assert_no_errors();
    assert_eq!(r.get("orderCancel.order.status"), "CANCELLED");
    let after = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(after.get("order.payments.0.status"), "REFUNDED");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (10, 10));
    assert_eq!(app.payments.payments_created(), 1);
}

/// A double click: the second call arrives while the first is talking to the provider. It is
/// told PAYMENT_IN_PROGRESS at once, and the card is charged once.
#[tokio::test]
async fn a_second_payment_call_while_the_first_is_in_flight_is_refused_and_charges_nothing() {
    let app = Arc::new(TestApp::spawn().await);
    let (_, order) = placed_order(&app).await;
    app.payments.pause().await;
    let first = tokio::spawn({
        let (app, order) = (app.clone(), order.clone());
        async move { pay(&app, &order, "pm_card_visa").await }
    });
    while app.payments.calls_waiting() == 0 {
        tokio::task::yield_now().await;
    }
    let second = pay(&app, &order, "pm_card_visa").await;
    assert_eq!(second.user_error_codes("orderPaymentCreate"), ["PAYMENT_IN_PROGRESS"]);
    let other_card = pay(&app, &order, "pm_card_mastercard").await;
    assert_eq!(other_card.user_error_codes("orderPaymentCreate"), ["PAYMENT_IN_PROGRESS"]);
    app.payments.resume();
    let first = first.await.unwrap();
    first.assert_no_errors();
    assert_eq!(first.get("orderPaymentCreate.order.status"), "PAID");
    assert_eq!(app.payments.payments_created(), 1);
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(r.get("order.payments").as_array().unwrap().len(), 1, "{}", r.body);
}

/// Many double clicks, on one instance (SQLite) or two (PostgreSQL): every order is charged
/// exactly once, whatever the interleaving.
#[tokio::test]
async fn concurrent_payment_calls_charge_each_order_once() {
    let a = TestApp::spawn().await;
    let b = match std::env::var("TEST_DATABASE_URL") {
        Ok(_) => Some(TestApp::spawn_on(&a.database_url).await),
        Err(_) => None,
    };
    let s = shop(&a, "7.00", &[100]).await;
    let mut orders = Vec::new();
    for i in 0..10 {
        let cart = ready_cart(&a, None, &s, &[(&s.variants[0], 1)]).await;
        orders.push(complete(&a, None, &cart, &format!("k{i}")).await.str("checkoutComplete.order.id"));
    }
    let calls = orders.iter().flat_map(|o| {
        let second = b.as_ref().unwrap_or(&a);
        [pay(&a, o, "pm_card_visa"), pay(second, o, "pm_card_visa")]
    });
    for r in futures_util::future::join_all(calls).await {
        let codes = r.user_error_codes("orderPaymentCreate");
        assert!(codes.is_empty() || codes == ["PAYMENT_IN_PROGRESS"] || codes == ["ORDER_NOT_PAYABLE"], "{}", r.body);
    }
    let charged = a.payments.payments_created() + b.as_ref().map_or(0, |b| b.payments.payments_created());
    assert_eq!(charged, 10, "one charge per order");
    for o in &orders {
        let r = a.gql(ops::ORDER, json!({ "id": o, "email": "ann@example.com" })).await;
        assert_eq!(r.get("order.status"), "PAID", "{}", r.body);
        let succeeded =
            r.get("order.payments").as_array().unwrap().iter().filter(|p| p["status"] == "SUCCEEDED").count();
        assert_eq!(succeeded, 1, "{}", r.body);
    }
}

/// A 3-D Secure attempt is waiting; the buyer pays with another card. The waiting attempt is
/// cancelled at the provider first (and the payload says so), so confirming it later cannot
/// charge; the same card again returns the same waiting attempt.
#[tokio::test]
async fn another_card_while_three_d_secure_is_pending_cancels_the_pending_attempt_first() {
    let app = TestApp::spawn().await;
    let (_, order) = placed_order(&app).await;
    let sca = pay(&app, &order, "pm_card_authenticationRequired").await;
    sca.assert_no_errors();
    let waiting = sca.str("orderPaymentCreate.payment.id");
    let again = pay(&app, &order, "pm_card_authenticationRequired").await;
    assert_eq!(again.str("orderPaymentCreate.payment.id"), waiting, "a repeated call joins the attempt");
    assert_eq!(app.payments.payments_created(), 1);

    let visa = pay(&app, &order, "pm_card_visa").await;
    visa.assert_no_errors();
    assert_eq!(visa.str("orderPaymentCreate.cancelledPayment.id"), waiting);
    assert_eq!(visa.get("orderPaymentCreate.cancelledPayment.status"), "CANCELED");
    assert_eq!(visa.get("orderPaymentCreate.order.status"), "PAID");
    let reference = visa.str("orderPaymentCreate.cancelledPayment.providerReference");
    let at_provider = agora::payments::provider::PaymentProvider::retrieve(&*app.payments, &reference).await.unwrap();
    assert_eq!(at_provider.status, agora::payments::provider::ProviderStatus::Canceled);

    let late = app
        .gql(ops::ORDER_PAYMENT_CONFIRM, json!({ "input": { "paymentId": waiting, "email": "ann@example.com" } }))
        .await;
    assert_eq!(late.user_error_codes("orderPaymentConfirm"), ["NOT_CONFIRMABLE"]);
    assert_eq!(app.payments.refunded(&reference), 0, "nothing charged, nothing refunded");
}

/// The provider did the work but the answer was lost: the attempt stays PENDING and the retry
/// re-sends it under the same idempotency key, so the buyer is charged once.
#[tokio::test]
async fn a_retry_after_a_lost_answer_reuses_the_attempt_and_its_key() {
    let app = TestApp::spawn().await;
    let (_, order) = placed_order(&app).await;
    app.payments.fail_next(1, true);
    let lost = pay(&app, &order, "pm_card_visa").await;
    assert_eq!(lost.user_error_codes("orderPaymentCreate"), ["PROVIDER_UNAVAILABLE"]);
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    assert_eq!(r.get("order.payments.0.status"), "PENDING");
    let retry = pay(&app, &order, "pm_card_visa").await;
    retry.assert_no_errors();
    assert_eq!(retry.get("orderPaymentCreate.order.status"), "PAID");
    assert_eq!(app.payments.payments_created(), 1);
    let keys = app.payments.keys_used();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the retry used the attempt's key");
}

/// Client-side confirmation: no payment method; the attempt waits with its client secret and
/// the publishable key, the storefront confirms with the provider's SDK, and
/// `orderPaymentConfirm` records the outcome.
#[tokio::test]
async fn client_side_confirmation_pays_the_order() {
    let app = TestApp::spawn().await;
    let (_, order) = placed_order(&app).await;
    let input = json!({ "input": { "orderId": order, "email": "ann@example.com" } });
    let r = app.gql(ops::ORDER_PAYMENT_CREATE, input.clone()).await;
    r.assert_no_errors();
    assert_eq!(r.get("orderPaymentCreate.payment.status"), "REQUIRES_PAYMENT_METHOD");
    assert!(r.str("orderPaymentCreate.payment.clientSecret").contains("_secret_"));
    assert_eq!(r.get("orderPaymentCreate.publishableKey"), "pk_test_agora_builtin");
    let again = app.gql(ops::ORDER_PAYMENT_CREATE, input).await;
    assert_eq!(again.get("orderPaymentCreate.payment.id"), r.get("orderPaymentCreate.payment.id"));

    let reference = r.str("orderPaymentCreate.payment.providerReference");
    app.payments.client_confirm(&reference, "pm_card_chargeDeclined").unwrap();
    app.payments.client_confirm(&reference, "pm_card_visa").unwrap();
    let c = app
        .gql(
            ops::ORDER_PAYMENT_CONFIRM,
            json!({ "input": { "paymentId": r.str("orderPaymentCreate.payment.id"), "email": "ann@example.com" } }),
        )
        .await;
    c.assert_no_errors();
    assert_eq!(c.get("orderPaymentConfirm.order.status"), "PAID");
    assert_eq!(app.payments.payments_created(), 1);
}
