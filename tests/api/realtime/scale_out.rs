//! Two app instances sharing PostgreSQL and Redis: a subscriber on one sees, in order and once,
//! the events of changes made through the other. Runs when `TEST_DATABASE_URL` is PostgreSQL and
//! `REDIS_URL` is set (as `.ci/run` does); skipped otherwise (SQLite has one writer process).

use agora::{config::Secret, vendors::model::MemberRole};
use serde_json::json;

use super::{Proto, Ws, live, subscribed};
use crate::{
    helpers::{
        TestApp,
        fixtures::{complete, pay, ready_cart, shop, vendor_member},
    },
    ops,
};

/// `REDIS_URL` when the database is PostgreSQL.
fn redis_url() -> Option<String> {
    let pg = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"));
    std::env::var("REDIS_URL").ok().filter(|u| pg && !u.trim().is_empty())
}

#[tokio::test]
async fn a_subscriber_on_instance_a_receives_in_order_and_once_the_events_of_mutations_sent_to_instance_b() {
    let Some(redis) = redis_url() else {
        eprintln!("skipped: needs TEST_DATABASE_URL=postgres://… and REDIS_URL");
        return;
    };
    let with_redis = |s: &mut agora::config::Settings| {
        live(s);
        s.redis.url = Some(Secret::new(redis.clone()));
    };
    // given: instances A and B on one database and one Redis
    let a = TestApp::spawn_with(with_redis).await;
    let key = a.state.settings.auth.jwt_secret.clone();
    let b = TestApp::spawn_on_with(&a.database_url, |s| {
        with_redis(s);
        s.auth.jwt_secret = key; // one signing key: a token from B works on A
    })
    .await;
    assert_eq!(a.state.bus.name(), "redis");
    let s = shop(&b, "5.00", &[1_000]).await;
    let owner = vendor_member(&b, &s.vendors[0], "owner@example.com", MemberRole::Owner).await;
    let cart = ready_cart(&b, None, &s, &[(&s.variants[0], 1)]).await;
    let order = complete(&b, None, &cart, "first").await.str("checkoutComplete.order.id");
    // and: on A, the buyer watches the order and the vendor's owner the vendor's orders
    let mut buyer = Ws::ready(&a, Proto::TransportWs, None).await;
    buyer.start("o", ops::ORDER_STATUS_CHANGED, json!({ "orderId": order, "email": "ann@example.com" })).await;
    let mut panel = Ws::ready(&a, Proto::Legacy, Some(&owner)).await;
    panel.start("v", ops::VENDOR_ORDER_EVENTS, json!({ "vendorId": s.vendors[0] })).await;
    subscribed(&a, 2).await;

    // when: through B, the order is paid, shipped and its tracking changed three times, and 10
    // more orders are placed
    pay(&b, &order, "pm_card_visa").await.assert_no_errors();
    let line = b.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await.str("order.lines.0.id");
    b.gql_as(
        Some(&s.staff),
        ops::ORDER_FULFIL,
        json!({ "orderId": order, "lines": [{ "lineId": line, "quantity": 1 }] }),
    )
    .await
    .assert_no_errors();
    let fulfillment = b
        .gql(ops::ORDER_FULFILLMENTS, json!({ "id": order, "email": "ann@example.com" }))
        .await
        .str("order.fulfillments.0.id");
    for n in 1..=3 {
        let input = json!({ "input": { "id": fulfillment, "trackingNumber": format!("T{n}") } });
        b.gql_as(Some(&s.staff), ops::FULFILLMENT_UPDATE, input).await.assert_no_errors();
    }
    let mut placed = Vec::new();
    for i in 0..10 {
        let cart = ready_cart(&b, None, &s, &[(&s.variants[0], 1)]).await;
        placed.push(complete(&b, None, &cart, &format!("k{i}")).await.str("checkoutComplete.order.vendorOrders.0.id"));
    }

    // then: the buyer on A got the order's changes once each, each aggregate's in order
    let mut got = Vec::new();
    for _ in 0..6 {
        got.push(buyer.change("o", "orderStatusChanged").await);
    }
    let statuses: Vec<&str> = got.iter().filter_map(|e| e["status"].as_str()).collect();
    assert_eq!(statuses, ["PAID", "FULFILLED"]);
    let tracking: Vec<Option<&str>> = got
        .iter()
        .filter(|e| e["type"].as_str().is_some_and(|t| t.starts_with("FULFILLMENT_")))
        .map(|e| e["fulfillment"]["trackingNumber"].as_str())
        .collect();
    assert_eq!(tracking, [None, Some("T1"), Some("T2"), Some("T3")]);
    let mut ids: Vec<&str> = got.iter().map(|e| e["eventId"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "an event arrived twice");
    // and: the vendor's owner on A got PAID, FULFILLED, the shipment with its 3 updates, then
    // the 10 new vendor orders, once each
    let mut placed_seen = Vec::new();
    let mut others = Vec::new();
    while placed_seen.len() < placed.len() || others.len() < 6 {
        let e = panel.next_of("v").await["data"]["vendorOrderEvents"].clone();
        if e["type"] == "PLACED" {
            let id = e["vendorOrderId"].as_str().unwrap().to_owned();
            if placed.contains(&id) {
                placed_seen.push(id); // (not the first order's, which may come just after subscribing)
            }
        } else {
            others.push(e);
        }
    }
    placed_seen.sort();
    placed.sort();
    assert_eq!(placed_seen, placed);
    assert_eq!(others.len(), 6, "{others:?}");
}

/// A TCP proxy to Redis the test can cut (as if Redis went away) and restore.
struct Proxy {
    addr: std::net::SocketAddr,
    open: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

impl Proxy {
    async fn to(target: String) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let links = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (o, l) = (open.clone(), links.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !o.load(Ordering::SeqCst) {
                    continue; // dropped: refused while cut
                }
                let target = target.clone();
                l.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Self { addr, open, links, accept }
    }

    fn cut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn when_redis_goes_away_subscriptions_are_told_nothing_is_lost_from_the_outbox_and_resubscribing_works() {
    let Some(redis) = std::env::var("REDIS_URL").ok().filter(|u| !u.trim().is_empty()) else {
        eprintln!("skipped: needs REDIS_URL");
        return;
    };
    // given: an app whose Redis connections go through a proxy the test can cut
    let url = reqwest::Url::parse(&redis).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(6379));
    let proxy = Proxy::to(target).await;
    let via_proxy = format!("redis://{}", proxy.addr);
    let app = TestApp::spawn_with(|s| {
        live(s);
        s.redis.url = Some(Secret::new(via_proxy.clone()));
    })
    .await;
    let s = shop(&app, "7.00", &[10]).await;
    let product = app.gql(ops::PRODUCT, json!({ "slug": "product-0" })).await.str("product.id");
    // and: a watcher reading the bus's Redis channel directly (not through the proxy)
    let mut watcher = redis::Client::open(redis.as_str()).unwrap().get_async_pubsub().await.unwrap();
    watcher.subscribe(agora::realtime::RedisBus::CHANNEL).await.unwrap();
    let mut ws = Ws::ready(&app, Proto::TransportWs, None).await;
    ws.start("s", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
    subscribed(&app, 1).await;

    // when: Redis goes away
    proxy.cut();

    // then: the subscription is told, then ends; a new one is refused while Redis is away
    let told = ws.next_of("s").await;
    assert_eq!(super::error_code(&told), "SERVICE_UNAVAILABLE", "{told}");
    ws.complete_of("s").await;
    ws.start("s2", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
    assert_eq!(super::error_code(&ws.next_of("s2").await), "SERVICE_UNAVAILABLE");
    ws.complete_of("s2").await;

    // when: stock changes while Redis is away, then Redis comes back
    let adjust = json!({ "input": { "variantId": s.variants[0], "delta": 1, "reason": "RECEIVED" } });
    app.gql_as(Some(&s.staff), ops::STOCK_ADJUST, adjust).await.assert_no_errors();
    proxy.restore();

    // then: the change kept in the outbox is published once Redis is back
    use futures_util::StreamExt;
    let variant = agora::graphql::ids::decode::<agora::shared::ids::VariantId>(&s.variants[0]).unwrap().to_string();
    let mut messages = watcher.on_message();
    loop {
        let msg = tokio::time::timeout(super::PATIENCE, messages.next()).await.expect("published in time").unwrap();
        let e: serde_json::Value = serde_json::from_str(&msg.get_payload::<String>().unwrap()).unwrap();
        if e["eventType"] == "stock.changed" && e["aggregateId"] == json!(variant) {
            assert_eq!(e["payload"]["quantityAvailable"], 11);
            break;
        }
    }
    // and: subscribing works again once the app's Redis subscription is back, and sees new changes
    let deadline = tokio::time::Instant::now() + super::PATIENCE;
    while app.state.bus.subscribe().is_err() {
        assert!(tokio::time::Instant::now() < deadline, "the bus did not come back");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    ws.start("again", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
    subscribed(&app, 1).await;
    let adjust = json!({ "input": { "variantId": s.variants[0], "delta": 1, "reason": "RECEIVED" } });
    app.gql_as(Some(&s.staff), ops::STOCK_ADJUST, adjust).await.assert_no_errors();
    loop {
        let r = ws.next_of("again").await;
        assert!(r.get("errors").is_none(), "{r}");
        // (11 may come first: the retried publication can land after the new subscription)
        if r["data"]["stockLevelChanged"]["quantityAvailable"] == 12 {
            break;
        }
    }
}
