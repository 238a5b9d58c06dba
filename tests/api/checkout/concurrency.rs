//! The guarantees under load: no oversell, single redemption, one order per key.
//! On PostgreSQL two app instances share the database; on SQLite one instance serves.

use std::collections::HashMap;

use agora::{graphql::ids, shared::ids::VariantId};
use futures_util::{StreamExt, stream};
use serde_json::json;

use crate::helpers::{
    Gql, TestApp,
    fixtures::{complete, discount, instances, order_count, service_carts, shop, stock},
};

/// Runs every `(cart, key)` attempt with `clients` in flight at once, spread over the apps;
/// returns how many made an order and the user-error codes of the others.
async fn race(
    apps: &[&TestApp],
    attempts: Vec<(String, String)>,
    clients: usize,
) -> (usize, HashMap<String, usize>, Vec<String>) {
    let results: Vec<Gql> = stream::iter(attempts.into_iter().enumerate())
        .map(|(i, (cart, key))| {
            let app = apps[i % apps.len()];
            async move { complete(app, None, &cart, &key).await }
        })
        .buffer_unordered(clients)
        .collect()
        .await;
    let mut ok = 0;
    let mut codes: HashMap<String, usize> = HashMap::new();
    let mut order_ids = Vec::new();
    for r in results {
        assert!(r.body.get("errors").is_none(), "no top-level error may happen: {}", r.body);
        let errors = r.body["data"]["checkoutComplete"]["userErrors"].as_array().unwrap();
        if errors.is_empty() {
            ok += 1;
            order_ids.push(r.str("checkoutComplete.order.id"));
        } else {
            *codes.entry(errors[0]["code"].as_str().unwrap().to_owned()).or_default() += 1;
        }
    }
    (ok, codes, order_ids)
}

/// Samples `on hand - reserved` of a variant straight from the table until `stop`; returns
/// the lowest value seen and how many samples were taken.
async fn sample_available(
    db: sea_orm::DatabaseConnection,
    variant: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> (i64, u32) {
    use sea_orm::EntityTrait;
    let id = ids::decode::<VariantId>(&variant).unwrap().0;
    let (mut lowest, mut samples) = (i64::MAX, 0);
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        if let Some(v) = entity::variant::Entity::find_by_id(id).one(&db).await.unwrap() {
            lowest = lowest.min(i64::from(v.stock_on_hand) - i64::from(v.reserved));
            samples += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    (lowest, samples)
}

async fn no_oversell(stock_n: i32) {
    // given: stock N, 2,000 ready carts of one unit each
    let (app, second) = instances().await;
    let s = shop(&app, "9.99", &[stock_n]).await;
    let carts = service_carts(&app, &s, &s.variants[0], 1, 2_000, &[]).await;
    let attempts = carts.into_iter().enumerate().map(|(i, c)| (c, format!("key-{i}"))).collect();
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();

    // when: 200 concurrent clients race to check out, while a sampler watches the row
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = tokio::spawn(sample_available(app.state.db.clone(), s.variants[0].clone(), stop.clone()));
    let (sold, failures, _) = race(&apps, attempts, 200).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (lowest, samples) = sampler.await.unwrap();

    // then: exactly N sold, every other attempt a clean INSUFFICIENT_STOCK, stock intact,
    // and at no sampled instant were more units held than on hand
    assert!(samples > 0 && lowest >= 0, "on hand - reserved went down to {lowest} ({samples} samples)");
    assert_eq!(sold, stock_n as usize);
    assert_eq!(failures, HashMap::from([("INSUFFICIENT_STOCK".to_owned(), 2_000 - stock_n as usize)]));
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (i64::from(stock_n), 0));
    assert_eq!(order_count(&app, &s.staff).await, i64::from(stock_n));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn checkout_race_for_a_single_unit_sells_exactly_one() {
    no_oversell(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn checkout_race_for_a_hundred_units_sells_exactly_a_hundred() {
    no_oversell(100).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_discount_with_usage_limit_one_is_redeemed_once_under_fifty_concurrent_checkouts() {
    // given: 50 carts using one code with usage limit 1
    let (app, second) = instances().await;
    let s = shop(&app, "20.00", &[100]).await;
    discount(&app, &s.staff, json!({ "code": "ONCE", "percentage": "10", "usageLimit": 1 })).await;
    let carts = service_carts(&app, &s, &s.variants[0], 1, 50, &["ONCE"]).await;
    let attempts = carts.into_iter().enumerate().map(|(i, c)| (c, format!("key-{i}"))).collect();
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();

    // when
    let (ok, failures, _) = race(&apps, attempts, 50).await;

    // then: one order with the discount; the rest refused for the code, nothing else
    assert_eq!(ok, 1);
    let refused: usize = failures
        .iter()
        .filter(|(c, _)| *c == "DISCOUNT_USAGE_LIMIT_REACHED" || *c == "DISCOUNT_CODE_INVALID")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(refused, 49, "{failures:?}");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (100, 99));
    let d = app.gql_as(Some(&s.staff), "{ discounts { code usedCount } }", json!({})).await;
    assert_eq!(d.get("discounts.0.usedCount"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_checkouts_with_one_key_make_one_order() {
    // given
    let (app, second) = instances().await;
    let s = shop(&app, "20.00", &[100]).await;
    let cart = service_carts(&app, &s, &s.variants[0], 2, 1, &[]).await.remove(0);
    let attempts = (0..50).map(|_| (cart.clone(), "the-key".to_owned())).collect();
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();

    // when
    let (ok, failures, order_ids) = race(&apps, attempts, 50).await;

    // then: every call answers with the same order, and only one exists
    assert_eq!((ok, failures.len()), (50, 0), "{failures:?}");
    assert!(order_ids.iter().all(|id| *id == order_ids[0]));
    assert_eq!(order_count(&app, &s.staff).await, 1);
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (100, 98));
}

#[tokio::test]
async fn reserving_stock_never_holds_more_than_is_on_hand() {
    // The guard every checkout relies on, checked without timing: whatever the interleaving,
    // a reservation is refused when it would hold more than on hand.
    let app = TestApp::spawn().await;
    let s = shop(&app, "1.00", &[3]).await;
    let variant = ids::decode::<VariantId>(&s.variants[0]).unwrap();
    let catalog = &app.state.catalog;
    let db = &app.state.db;
    assert!(!catalog.reserve_in(db, variant, 4).await.unwrap(), "more than on hand");
    assert!(catalog.reserve_in(db, variant, 2).await.unwrap());
    assert!(!catalog.reserve_in(db, variant, 2).await.unwrap(), "only 1 left");
    assert!(catalog.reserve_in(db, variant, 1).await.unwrap());
    assert!(!catalog.reserve_in(db, variant, 1).await.unwrap(), "none left");
    assert_eq!(stock(&app, &s.staff, &s.variants[0]).await, (3, 0));
}
