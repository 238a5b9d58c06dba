//! `POST /webhooks/stripe`: deliveries signed with Stripe's scheme against the real endpoint.
//! Orders and attempts are made through the API (checkout, then `orderPaymentCreate` with
//! `pm_card_authenticationRequired`: a live REQUIRES_ACTION attempt with a provider payment),
//! and the built-in test provider answers the handler's re-reads.

mod disputes;
mod forgery;
mod ordering;
mod replay;

use agora::{
    config::Secret,
    graphql::ids,
    payments::webhook,
    shared::ids::{OrderId, PaymentId},
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::{
    helpers::{
        TestApp,
        fixtures::{Shop, complete, service_carts},
    },
    ops,
};

pub const SECRET: &str = "whsec_agora_test_current";
pub const OLD_SECRET: &str = "whsec_agora_test_previous";

/// An app verifying webhooks with [`SECRET`], on a manual clock.
pub async fn webhook_app() -> TestApp {
    TestApp::spawn_with_manual_clock(|s| s.stripe.webhook_secrets = vec![Secret::new(SECRET)]).await
}

/// The app's clock, as Unix seconds (what the endpoint checks signatures against).
pub fn now(app: &TestApp) -> i64 {
    app.state.clock.now().timestamp()
}

/// A Stripe event with `object` as `data.object`.
pub fn event(id: &str, type_: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": id, "object": "event", "api_version": "2026-09-30.endive", "created": 1_700_000_000,
        "livemode": false, "pending_webhooks": 1, "request": { "id": null, "idempotency_key": null },
        "type": type_, "data": { "object": object }
    }))
    .unwrap()
}

/// A PaymentIntent object as Stripe sends it in events (the fields the handler reads, and a few others).
pub fn intent(reference: &str, payment: Option<PaymentId>, status: &str) -> Value {
    let mut metadata = json!({});
    if let Some(p) = payment {
        metadata["agora_payment_id"] = json!(p.0.to_string());
    }
    let mut pi = json!({
        "id": reference, "object": "payment_intent", "amount": 1200, "currency": "usd", "status": status,
        "client_secret": format!("{reference}_secret_x"), "metadata": metadata, "livemode": false,
    });
    if status == "requires_payment_method" {
        pi["last_payment_error"] =
            json!({ "type": "card_error", "code": "card_declined", "decline_code": "generic_decline" });
    }
    pi
}

/// `Stripe-Signature` for `body` signed now (app clock) with `secrets`.
pub fn signature(app: &TestApp, body: &[u8], secrets: &[&str]) -> String {
    webhook::sign(body, secrets, now(app))
}

/// Posts a delivery; returns the status and the JSON answer (`null` when none).
pub async fn deliver(app: &TestApp, body: &[u8], header: Option<&str>) -> (u16, Value) {
    let mut req = app.client.post(app.url("/webhooks/stripe")).header("content-type", "application/json");
    if let Some(h) = header {
        req = req.header("stripe-signature", h);
    }
    let resp = req.body(body.to_vec()).send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Posts a delivery signed with [`SECRET`] now; asserts 200 and returns the outcome.
pub async fn deliver_signed(app: &TestApp, body: &[u8]) -> String {
    let (status, answer) = deliver(app, body, Some(&signature(app, body, &[SECRET]))).await;
    assert_eq!(status, 200, "{answer}");
    answer["outcome"].as_str().unwrap().to_owned()
}

/// Rows in `webhook_events` (events recorded as applied).
pub async fn recorded_events(app: &TestApp) -> u64 {
    entity::webhook_event::Entity::find().count(&app.state.db).await.unwrap()
}

/// Rows in `payments`.
pub async fn payment_rows(app: &TestApp) -> u64 {
    entity::payment::Entity::find().count(&app.state.db).await.unwrap()
}

/// An order awaiting payment with a live attempt at the provider.
pub struct Pending {
    pub order: String,
    pub email: String,
    pub payment: PaymentId,
    /// The provider's payment (`test_pi_…`).
    pub reference: String,
}

/// Places `count` guest orders of one unit and starts a payment for each with `card`.
pub async fn orders_paid_with(app: &TestApp, s: &Shop, count: usize, card: &str) -> Vec<Pending> {
    let carts = service_carts(app, s, &s.variants[0], 1, count, &[]).await;
    let mut out = Vec::with_capacity(count);
    for (i, cart) in carts.iter().enumerate() {
        let email = format!("buyer{i}@example.com");
        let order = complete(app, None, cart, &format!("k{i}")).await.str("checkoutComplete.order.id");
        let r = app
            .gql(
                ops::ORDER_PAYMENT_CREATE,
                json!({ "input": { "orderId": order, "email": email, "paymentMethod": card } }),
            )
            .await;
        r.assert_no_errors();
        let payment = ids::decode::<PaymentId>(&r.str("orderPaymentCreate.payment.id")).unwrap();
        let order_id = ids::decode::<OrderId>(&order).unwrap();
        let stored = app.state.order_payments.by_order_ids(&[order_id]).await.unwrap();
        let reference = stored[&order_id][0].provider_ref.clone().expect("the provider's payment reference");
        out.push(Pending { order, email, payment, reference });
    }
    out
}

/// Orders with a live REQUIRES_ACTION attempt (3-D Secure pending).
pub async fn pending_payments(app: &TestApp, s: &Shop, count: usize) -> Vec<Pending> {
    let list = orders_paid_with(app, s, count, "pm_card_authenticationRequired").await;
    for p in &list {
        assert!(p.reference.starts_with("test_pi_"));
    }
    list
}

/// The order as its buyer sees it (status, payments, disputes, history).
pub async fn order_view(app: &TestApp, p: &Pending) -> Value {
    let r = app.gql(ops::ORDER_DISPUTES, json!({ "id": p.order, "email": p.email })).await;
    r.assert_no_errors();
    r.get("order").clone()
}

/// How many history entries moved the order from PAYMENT_PENDING to PAID.
pub fn paid_entries(order: &Value) -> usize {
    order["history"].as_array().unwrap().iter().filter(|h| h["from"] == "PAYMENT_PENDING" && h["to"] == "PAID").count()
}

#[tokio::test]
async fn stripe_webhook_of_an_unhandled_type_is_acknowledged_and_writes_nothing() {
    // given
    let app = webhook_app().await;
    let body = event("evt_unknown", "customer.created", json!({ "id": "cus_1", "object": "customer" }));

    // when
    let outcome = deliver_signed(&app, &body).await;

    // then
    assert_eq!(outcome, "ignored");
    assert_eq!(recorded_events(&app).await, 0);
}

#[tokio::test]
async fn stripe_webhook_for_a_payment_that_is_not_ours_is_acknowledged_and_writes_nothing() {
    let app = webhook_app().await;
    let body = event("evt_foreign", "payment_intent.succeeded", intent("pi_not_ours", None, "succeeded"));
    assert_eq!(deliver_signed(&app, &body).await, "ignored");
    let other_id = intent("pi_not_ours", Some(PaymentId::new()), "processing");
    assert_eq!(deliver_signed(&app, &event("evt_foreign2", "payment_intent.processing", other_id)).await, "ignored");
    assert_eq!(recorded_events(&app).await, 0);
}

#[tokio::test]
async fn stripe_webhook_with_a_good_signature_over_an_unreadable_body_is_400() {
    let app = webhook_app().await;
    for body in [&b"not json"[..], br#"{"id":"evt_1","type":"payment_intent.succeeded","created":1}"#] {
        let (status, _) = deliver(&app, body, Some(&signature(&app, body, &[SECRET]))).await;
        assert_eq!(status, 400);
    }
    assert_eq!(recorded_events(&app).await, 0);
}

#[tokio::test]
async fn stripe_webhook_without_a_configured_secret_is_503_so_stripe_retries() {
    let app = TestApp::spawn().await;
    let body = event("evt_1", "payment_intent.succeeded", intent("pi_1", None, "succeeded"));
    let (status, _) = deliver(&app, &body, Some(&signature(&app, &body, &[SECRET]))).await;
    assert_eq!(status, 503);
}
