//! Load drivers, not tests: they print figures and assert only correctness. Run in release:
//! `cargo test --release --test api bench_ -- --ignored --nocapture --test-threads 1`
//! (add `TEST_DATABASE_URL=postgres://…` for PostgreSQL). Figures are recorded in README.

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use serde_json::json;

use crate::{
    helpers::{
        TestApp,
        fixtures::{ready_carts, shop},
    },
    ops,
};

fn report(name: &str, mut latencies: Vec<Duration>, wall: Duration) {
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{name}: {} requests in {:.2} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        wall.as_secs_f64(),
        latencies.len() as f64 / wall.as_secs_f64(),
        pick(0.50).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
    );
}

async fn timed(
    app: &TestApp,
    requests: Vec<(String, serde_json::Value)>,
    clients: usize,
) -> (Vec<Duration>, Duration, usize) {
    let start = Instant::now();
    let results: Vec<(Duration, bool)> = stream::iter(requests)
        .map(|(query, vars)| async move {
            let t = Instant::now();
            let r = app.gql(&query, vars).await;
            let ok = r.body.get("errors").is_none()
                && r.body["data"]
                    .as_object()
                    .is_some_and(|d| d.values().all(|v| v.get("userErrors").is_none_or(|u| u == &json!([]))));
            (t.elapsed(), ok)
        })
        .buffer_unordered(clients)
        .collect()
        .await;
    let wall = start.elapsed();
    let ok = results.iter().filter(|(_, ok)| *ok).count();
    (results.into_iter().map(|(d, _)| d).collect(), wall, ok)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "load driver: run in release, see the module docs"]
async fn bench_checkout_on_one_hot_variant() {
    let app = TestApp::spawn().await;
    let s = shop(&app, "9.99", &[1_000_000]).await;
    let carts = ready_carts(&app, &s, 2_000).await;
    let requests = carts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (ops::CHECKOUT_COMPLETE.to_owned(), json!({ "cartId": c, "idempotencyKey": format!("bench-{i}") }))
        })
        .collect();
    let (latencies, wall, ok) = timed(&app, requests, 64).await;
    assert_eq!(ok, 2_000, "every checkout succeeds");
    report("checkoutComplete, one hot variant, 64 clients", latencies, wall);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "load driver: run in release, see the module docs"]
async fn bench_storefront_product_pages() {
    let app = TestApp::spawn().await;
    app.seed_demo().await;
    let requests = (0..2_000).map(|_| (ops::PRODUCTS.to_owned(), json!({ "first": 20 }))).collect();
    let (latencies, wall, ok) = timed(&app, requests, 64).await;
    assert_eq!(ok, 2_000);
    report("products(first: 20) with variants, images, categories, vendor; 64 clients", latencies, wall);
}

/// B4: Stripe webhook acknowledgement at a steady 200 deliveries/s (paced, not a burst): each
/// is a signed `payment_intent.succeeded` that verifies, records the event id and moves one
/// order to PAID in one transaction.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "load driver: run in release, see the module docs"]
async fn bench_stripe_webhook_acknowledgement_at_200_per_second() {
    use crate::stripe_webhooks::{SECRET, deliver, event, intent, pending_payments, signature, webhook_app};
    let app = webhook_app().await;
    let s = shop(&app, "7.00", &[1_000_000]).await;
    let pending = pending_payments(&app, &s, 2_000).await;
    let bodies: Vec<Vec<u8>> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| {
            event(
                &format!("evt_bench_{i}"),
                "payment_intent.succeeded",
                intent(&p.reference, Some(p.payment), "succeeded"),
            )
        })
        .collect();
    let start = tokio::time::Instant::now();
    let app = &app;
    let deliveries = bodies.into_iter().enumerate().map(|(i, body)| async move {
        tokio::time::sleep_until(start + Duration::from_millis(5 * i as u64)).await;
        let header = signature(app, &body, &[SECRET]);
        let t = Instant::now();
        let (status, answer) = deliver(app, &body, Some(&header)).await;
        (t.elapsed(), status == 200 && answer["outcome"] == "applied")
    });
    let results = futures_util::future::join_all(deliveries).await;
    let wall = start.elapsed();
    assert!(results.iter().all(|(_, ok)| *ok), "every delivery is applied once");
    report(
        "Stripe webhook payment_intent.succeeded, paced at 200/s",
        results.into_iter().map(|(d, _)| d).collect(),
        wall,
    );
}
