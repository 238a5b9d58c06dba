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

/// The embedded search engine on a 10,000-product catalog: index build time, then searches
/// with every facet counted (typo, prefix, multi-word and filtered queries) from 8 concurrent
/// callers. Engine-level (the `SearchIndex` port), so the figure excludes HTTP and GraphQL.
#[cfg(feature = "embedded-search")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn bench_search_embedded_10000_products() {
    use std::sync::Arc;

    use agora::search::{
        SearchIndex,
        model::{Facet, SearchDocument, SearchFilter, SearchRequest, price_bucket},
    };
    let adjectives =
        ["Classic", "Washed", "Linen", "Walnut", "Alpine", "Trail", "Summit", "Coastal", "Minimal", "Heavy"];
    let nouns = ["Shirt", "Lantern", "Skillet", "Throw", "Daypack", "Teapot", "Hoodie", "Tent", "Candle", "Jogger"];
    let colours = ["navy", "sand", "moss", "rust", "ivory"];
    let docs: Vec<SearchDocument> = (0..10_000u32)
        .map(|i| {
            let title = format!(
                "{} {} {}",
                adjectives[(i % 10) as usize],
                nouns[((i / 10) % 10) as usize],
                ["One", "Two", "Three", "Four"][(i % 4) as usize]
            );
            let price = 500 + i64::from(i * 7919 % 60_000);
            SearchDocument {
                id: uuid::Uuid::from_u128(u128::from(i) + 1).to_string(),
                description: format!("{title}: a benchmark product, number {i}."),
                title,
                vendor_id: format!("vendor-{}", i % 25),
                vendor_name: format!("Vendor {}", i % 25),
                category_ids: vec![format!("cat-{}", i % 8), format!("sub-{}", i % 40)],
                category_names: vec![format!("Category {}", i % 8)],
                attributes: vec![format!("colour={}", colours[(i % 5) as usize]), format!("size={}", i % 6)],
                attribute_values: vec![colours[(i % 5) as usize].to_owned()],
                price_min: price,
                price_max: price + 1_000,
                price_bucket: price_bucket(price, 2).to_owned(),
                in_stock: i % 3 != 0,
                created_at: i64::from(i),
            }
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let index: Arc<dyn SearchIndex> = Arc::new(agora::search::embedded::Embedded::open(dir.path()).unwrap());
    let t = Instant::now();
    index.rebuild(docs).await.unwrap();
    println!("search index build: 10000 products in {:.2} s", t.elapsed().as_secs_f64());
    assert_eq!(index.count().await.unwrap(), 10_000);

    let queries = ["skilet", "lantern", "linen thr", "walnut tea", "summit daypack", "tent", "hoodi", "coastal"];
    let requests: Vec<SearchRequest> = (0..4_000usize)
        .map(|i| SearchRequest {
            query: queries[i % queries.len()].to_owned(),
            filter: if i % 2 == 0 {
                SearchFilter { in_stock: Some(true), ..SearchFilter::default() }
            } else {
                let sizes = ["0", "1", "2", "3"].map(String::from).to_vec();
                SearchFilter { attributes: vec![("size".into(), sizes)], ..SearchFilter::default() }
            },
            facets: Facet::ALL.to_vec(),
            limit: 20,
            ..SearchRequest::default()
        })
        .collect();
    let start = Instant::now();
    let results: Vec<(Duration, u64)> = stream::iter(requests)
        .map(|r| {
            let index = index.clone();
            async move {
                let t = Instant::now();
                let res = index.search(&r).await.unwrap();
                (t.elapsed(), res.total_hits)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let wall = start.elapsed();
    assert!(results.iter().all(|(_, n)| *n > 0), "every benchmark query finds products");
    report("search (embedded, 10k products, all facets)", results.into_iter().map(|(d, _)| d).collect(), wall);
}
