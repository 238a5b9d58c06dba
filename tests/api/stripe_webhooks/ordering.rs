//! B2/B8: every order of created / processing / succeeded / payment_failed / canceled for one
//! PaymentIntent ends in the right state: final states absorb, a success wins, and events that
//! may be stale are settled from the provider's current state (the test provider's).

use agora::payments::provider::PaymentProvider;

use super::{Pending, deliver_signed, event, intent, order_view, paid_entries, pending_payments};
use crate::helpers::{TestApp, fixtures::shop};

/// Every ordering of `items`.
fn permutations(items: &[&'static str]) -> Vec<Vec<&'static str>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for (i, first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            out.push(tail);
        }
    }
    out
}

/// The event of `kind` for the attempt, as Stripe would send it.
fn stripe_event(p: &Pending, kind: &str) -> Vec<u8> {
    let (type_, status) = match kind {
        "created" => ("payment_intent.created", "requires_action"),
        "processing" => ("payment_intent.processing", "processing"),
        "succeeded" => ("payment_intent.succeeded", "succeeded"),
        "payment_failed" => ("payment_intent.payment_failed", "requires_payment_method"),
        "canceled" => ("payment_intent.canceled", "canceled"),
        other => panic!("{other}"),
    };
    event(&format!("evt_{}_{kind}", p.reference), type_, intent(&p.reference, Some(p.payment), status))
}

/// Delivers each permutation of `kinds` to its own order after `at_provider` set the
/// provider's truth; returns the final order views with the permutation.
async fn run(
    app: &TestApp,
    kinds: &[&'static str],
    at_provider: impl AsyncFn(&TestApp, &str),
) -> Vec<(Vec<&'static str>, serde_json::Value)> {
    let orders = permutations(kinds);
    let s = shop(app, "7.00", &[orders.len() as i32]).await;
    let pending = pending_payments(app, &s, orders.len()).await;
    let mut out = Vec::new();
    for (order, p) in orders.into_iter().zip(&pending) {
        at_provider(app, &p.reference).await;
        for kind in &order {
            assert_ne!(deliver_signed(app, &stripe_event(p, kind)).await, "ignored");
        }
        out.push((order, order_view(app, p).await));
    }
    out
}

#[tokio::test]
async fn stripe_webhook_events_in_all_120_orders_end_succeeded_and_paid_once() {
    // given: the buyer completed 3-D Secure, so the provider's payment succeeded
    let app = super::webhook_app().await;

    // when
    let ends = run(&app, &["created", "processing", "succeeded", "payment_failed", "canceled"], async |app, r| {
        app.payments.confirm(r, "3ds_done").await.unwrap();
    })
    .await;

    // then
    assert_eq!(ends.len(), 120);
    for (order, end) in ends {
        assert_eq!(end["payments"][0]["status"], "SUCCEEDED", "{order:?}: {end}");
        assert_eq!(end["status"], "PAID", "{order:?}");
        assert_eq!(paid_entries(&end), 1, "{order:?}");
    }
}

#[tokio::test]
async fn stripe_webhook_events_of_a_cancelled_payment_in_any_order_end_canceled_and_payable() {
    // given: the payment was cancelled at the provider (abandoned 3-D Secure)
    let app = super::webhook_app().await;

    // when
    let ends = run(&app, &["created", "processing", "payment_failed", "canceled"], async |app, r| {
        app.payments.cancel(r, "abandoned").await.unwrap();
    })
    .await;

    // then: the order stays payable until its reservation ends
    assert_eq!(ends.len(), 24);
    for (order, end) in ends {
        assert_eq!(end["payments"][0]["status"], "CANCELED", "{order:?}: {end}");
        assert_eq!(end["status"], "PAYMENT_PENDING", "{order:?}");
    }
}

#[tokio::test]
async fn stripe_webhook_stale_events_of_a_live_payment_follow_the_provider_and_keep_the_failure_code() {
    // given: the provider's payment still waits for the buyer (3-D Secure)
    let app = super::webhook_app().await;

    // when
    let ends = run(&app, &["created", "processing", "payment_failed"], async |_, _| {}).await;

    // then: the stale "processing" never sticks, the attempt stays live with the decline code
    assert_eq!(ends.len(), 6);
    for (order, end) in ends {
        assert_eq!(end["payments"][0]["status"], "REQUIRES_ACTION", "{order:?}: {end}");
        assert_eq!(end["payments"][0]["failureCode"], "generic_decline", "{order:?}");
        assert_eq!(end["status"], "PAYMENT_PENDING", "{order:?}");
    }
}
