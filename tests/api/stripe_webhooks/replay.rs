//! B1: an event delivered many times, in sequence and at once, changes the order once.

use agora::payments::provider::PaymentProvider;
use tokio::task::JoinSet;

use super::{
    SECRET, deliver, deliver_signed, event, intent, order_view, paid_entries, pending_payments, recorded_events,
    signature,
};
use crate::helpers::{TestApp, fixtures::shop};

async fn succeeded_at_the_provider(app: &TestApp, reference: &str) {
    app.payments.confirm(reference, "confirm_by_buyer").await.unwrap();
}

#[tokio::test]
async fn stripe_webhook_one_succeeded_event_100_times_in_sequence_moves_the_order_once() {
    // given
    let app = super::webhook_app().await;
    let s = shop(&app, "7.00", &[10]).await;
    let p = pending_payments(&app, &s, 1).await.remove(0);
    succeeded_at_the_provider(&app, &p.reference).await;
    let body = event("evt_replayed", "payment_intent.succeeded", intent(&p.reference, Some(p.payment), "succeeded"));

    // when
    let mut outcomes = Vec::new();
    for _ in 0..100 {
        outcomes.push(deliver_signed(&app, &body).await);
    }

    // then
    assert_eq!(outcomes[0], "applied");
    assert!(outcomes[1..].iter().all(|o| o == "duplicate"), "{outcomes:?}");
    let order = order_view(&app, &p).await;
    assert_eq!(order["status"], "PAID");
    assert_eq!(order["payments"][0]["status"], "SUCCEEDED");
    assert_eq!(paid_entries(&order), 1);
    assert_eq!(recorded_events(&app).await, 1);
}

#[tokio::test]
async fn stripe_webhook_one_succeeded_event_20_times_at_once_moves_the_order_once() {
    // given
    let app = super::webhook_app().await;
    let s = shop(&app, "7.00", &[10]).await;
    let p = pending_payments(&app, &s, 1).await.remove(0);
    succeeded_at_the_provider(&app, &p.reference).await;
    let body = event("evt_raced", "payment_intent.succeeded", intent(&p.reference, Some(p.payment), "succeeded"));
    let header = signature(&app, &body, &[SECRET]);

    // when
    let mut deliveries = JoinSet::new();
    for _ in 0..20 {
        let (client, url, body, header) =
            (app.client.clone(), app.url("/webhooks/stripe"), body.clone(), header.clone());
        deliveries.spawn(async move {
            let resp = client.post(url).header("stripe-signature", header).body(body).send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<serde_json::Value>().await.unwrap())
        });
    }
    let answers = deliveries.join_all().await;

    // then
    assert!(answers.iter().all(|(status, _)| *status == 200), "{answers:?}");
    let applied = answers.iter().filter(|(_, a)| a["outcome"] == "applied").count();
    assert_eq!(applied, 1, "{answers:?}");
    let order = order_view(&app, &p).await;
    assert_eq!(order["status"], "PAID");
    assert_eq!(paid_entries(&order), 1);
    assert_eq!(recorded_events(&app).await, 1);
    // and a late copy after the race is still a duplicate
    assert_eq!(deliver(&app, &body, Some(&header)).await.1["outcome"], "duplicate");
}
