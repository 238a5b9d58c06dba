//! Refunds: staff `orderRefund` (in full, by amount, by lines with restock), its refusals and
//! idempotency, tracking to completion through the provider's failures (the outbox consumer,
//! provider reports), cancel-with-refund, and the captured amount never exceeded under
//! concurrent requests (one instance, or two on PostgreSQL).
//!
//! Provider references and payment ids come from the `OrderPayments` port (the API does not
//! show them); faults are injected into the built-in test provider (`app.payments`).

mod races;
mod requests;
mod tracking;

use std::{net::SocketAddr, sync::Arc};

use agora::{
    app::App,
    config::Settings,
    graphql::ids,
    outbox::OutboxEvent,
    payments::service::refunds::RefundRequestedConsumer,
    shared::{
        clock::SystemClock,
        ids::{OrderId, RefundId},
    },
    state::AppState,
};
use serde_json::{Value, json};

use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{Shop, complete, ready_cart, shop},
    },
    ops,
};

/// A paid guest order of `units` of one variant at 10.00 (stock 10) with 5.00 shipping: its
/// total is `units × 10 + 5`.
pub struct Paid {
    pub shop: Shop,
    pub order: String,
    pub line: String,
    pub payment: String,
}

pub async fn paid_order(app: &TestApp, units: u32) -> Paid {
    let s = shop(app, "10.00", &[10]).await;
    let (order, line, payment) = pay_for(app, &s, units, "checkout").await;
    Paid { shop: s, order, line, payment }
}

/// Places and pays a guest order of `units` in `s` (`key` tells the checkouts apart); returns
/// the order, its line and its payment.
pub async fn pay_for(app: &TestApp, s: &Shop, units: u32, key: &str) -> (String, String, String) {
    let cart = ready_cart(app, None, s, &[(&s.variants[0], units)]).await;
    let placed = complete(app, None, &cart, key).await;
    placed.assert_no_errors();
    let order = placed.str("checkoutComplete.order.id");
    let line = placed.str("checkoutComplete.order.lines.0.id");
    let input = json!({ "orderId": order, "email": "ann@example.com", "paymentMethod": "pm_card_visa" });
    let paid = app.gql(ops::ORDER_PAYMENT_CREATE, json!({ "input": input })).await;
    paid.assert_no_errors();
    (order, line, paid.str("orderPaymentCreate.payment.id"))
}

/// Runs `orderRefund` with `input`.
pub async fn refund(app: &TestApp, token: &str, input: Value) -> Gql {
    app.gql_as(Some(token), ops::ORDER_REFUND, json!({ "input": input })).await
}

/// The order with its payments, refunds and history, as staff sees it.
pub async fn order_payments(app: &TestApp, staff: &str, order: &str) -> Gql {
    let r = app.gql_as(Some(staff), ops::ORDER_PAYMENTS, json!({ "id": order })).await;
    r.assert_no_errors();
    r
}

/// The notes of the order's history, oldest first.
pub fn notes(order: &Gql) -> Vec<String> {
    order
        .get("order.history")
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["note"].as_str().map(str::to_owned))
        .collect()
}

/// The provider's reference of the order's (only) payment.
pub async fn reference(app: &TestApp, order: &str) -> String {
    let id = ids::decode::<OrderId>(order).expect("an order id");
    let payments = app.state.order_payments.by_order_ids(&[id]).await.expect("payments");
    payments[&id][0].provider_ref.clone().expect("a provider reference")
}

/// The keys the provider saw for refund calls.
pub fn refund_keys(app: &TestApp) -> Vec<String> {
    app.payments.keys_used().into_iter().filter(|k| k.starts_with("refund_")).collect()
}

/// Delivers `refund.requested` for `refund` (a global ID) to its consumer, as the relay does.
pub async fn deliver_refund_requested(app: &TestApp, refund: &str) -> anyhow::Result<()> {
    let id = ids::decode::<RefundId>(refund).expect("a refund id");
    let event = OutboxEvent {
        id: uuid::Uuid::now_v7(),
        aggregate_type: "refund".into(),
        aggregate_id: id.to_string(),
        seq: 1,
        event_type: agora::payments::service::refunds::REFUND_REQUESTED.into(),
        version: 1,
        payload: json!({ "refundId": id }),
        occurred_at: chrono::Utc::now(),
        attempts: 1,
    };
    use agora::outbox::Consumer;
    Ok(RefundRequestedConsumer(app.state.payments.clone()).handle(&event).await?)
}

/// A second app instance on the database of `app` (PostgreSQL only) sharing its test provider,
/// as two replicas share one Stripe account; it answers GraphQL at `addr`.
pub struct Second {
    pub addr: SocketAddr,
    client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for Second {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Second {
    pub async fn start(app: &TestApp) -> Option<Second> {
        if !app.database_url.starts_with("postgres") {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::for_tests(dir.path().to_path_buf(), app.database_url.clone());
        let state = AppState::connect_with(settings, Arc::new(SystemClock), app.payments.clone()).await.expect("state");
        let server = App::build(state).await.expect("app");
        let addr = server.local_addr();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run_until_stopped(async {
            let _ = rx.await;
        }));
        Some(Second { addr, client: reqwest::Client::new(), stop: Some(tx), _dir: dir })
    }

    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = self
            .client
            .post(format!("http://{}/graphql", self.addr))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        Gql { status, body: resp.json().await.expect("json body") }
    }

    /// Signs the staff user of `TestApp::staff` in on this instance (each signs its own tokens).
    pub async fn staff(&self) -> String {
        let input = json!({ "email": "staff@example.com", "password": "a long and unusual passphrase" });
        let r = self.gql_as(None, ops::TOKEN_CREATE, json!({ "input": input })).await;
        r.str("tokenCreate.tokens.accessToken")
    }
}
