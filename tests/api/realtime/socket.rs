//! The socket itself: per-operation dataloaders, and the connection-init timeout.

use serde_json::json;

use super::{Frame, Proto, Ws};
use crate::{
    helpers::{TestApp, fixtures::shop},
    ops,
};

const PRODUCT: &str = "query($id: ID!) { product(id: $id) { title vendor { name } variants { price { amount } } } }";

#[tokio::test]
async fn a_long_lived_socket_sees_fresh_rows_in_each_operation() {
    // given: a staff socket that read a product, its vendor and its variants once
    let app = TestApp::spawn().await;
    let s = shop(&app, "7.00", &[10]).await;
    let product = app.gql(ops::PRODUCT, json!({ "slug": "product-0" })).await.str("product.id");
    for proto in Proto::BOTH {
        let mut ws = Ws::ready(&app, proto, Some(&s.staff)).await;
        let before = ws.query("1", PRODUCT, json!({ "id": product })).await;
        assert!(before.get("errors").is_none(), "{before}");

        // when: the product, its vendor and its variant change (over HTTP)
        let title = format!("Renamed {proto:?}");
        app.gql_as(Some(&s.staff), ops::PRODUCT_UPDATE, json!({ "id": product, "input": { "title": title } }))
            .await
            .assert_no_errors();
        let price = if proto == Proto::TransportWs { "8.00" } else { "9.00" };
        app.gql_as(
            Some(&s.staff),
            ops::PRODUCT_VARIANT_UPDATE,
            json!({ "id": s.variants[0], "input": { "price": price } }),
        )
        .await
        .assert_no_errors();

        // then: the next operation on the same socket reads them afresh
        let after = ws.query("2", PRODUCT, json!({ "id": product })).await;
        assert_eq!(after["data"]["product"]["title"], json!(title), "{proto:?}: {after}");
        assert_eq!(after["data"]["product"]["variants"][0]["price"]["amount"], price, "{proto:?}: {after}");
    }
}

#[tokio::test]
async fn a_socket_without_connection_init_is_closed_with_4408() {
    let app = TestApp::spawn_with(|s| s.realtime.connection_init_timeout_secs = 1).await;
    for proto in Proto::BOTH {
        let mut ws = Ws::connect(&app, proto).await;
        assert_eq!(ws.frame().await, Frame::Closed(Some(4408)), "{proto:?}");
    }
}

#[tokio::test]
async fn a_socket_running_more_operations_than_allowed_is_closed_with_4429() {
    let app = TestApp::spawn_with(|s| s.realtime.max_subscriptions_per_socket = 3).await;
    shop(&app, "7.00", &[10]).await;
    let product = app.gql(ops::PRODUCT, json!({ "slug": "product-0" })).await.str("product.id");
    for proto in Proto::BOTH {
        let mut ws = Ws::ready(&app, proto, None).await;
        for i in 0..3 {
            ws.start(&i.to_string(), ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
        }
        super::subscribed(&app, 3).await;
        // (stopping one makes room for another)
        let stop = if proto == Proto::TransportWs { "complete" } else { "stop" };
        ws.send(json!({ "id": "0", "type": stop })).await;
        ws.start("3", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
        ws.start("4", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
        loop {
            match ws.frame().await {
                Frame::Closed(code) => {
                    assert_eq!(code, Some(4429), "{proto:?}");
                    break;
                }
                Frame::Json(v) => assert_eq!(v["type"], "complete", "{proto:?}: {v}"),
            }
        }
        drop(ws);
        super::subscribed_at_most(&app, 0).await;
    }
}

#[tokio::test]
async fn a_user_with_the_most_sockets_allowed_is_refused_another_until_one_closes() {
    let app = TestApp::spawn_with(|s| s.realtime.max_sockets_per_principal = 2).await;
    let ann = app.user("ann@example.com", agora::shared::role::Role::Customer).await;
    let bob = app.user("bob@example.com", agora::shared::role::Role::Customer).await;
    let first = Ws::ready(&app, Proto::TransportWs, Some(&ann)).await;
    let _second = Ws::ready(&app, Proto::Legacy, Some(&ann)).await;

    // a third of Ann's is refused; Bob's and anonymous ones are not affected
    let (_, third) = Ws::open(&app, Proto::TransportWs, Some(&ann)).await;
    assert_eq!(third, Frame::Closed(Some(4429)));
    Ws::ready(&app, Proto::TransportWs, Some(&bob)).await;
    Ws::ready(&app, Proto::TransportWs, None).await;

    // when Ann closes one, she may open another (once the server has seen it close)
    drop(first);
    let deadline = tokio::time::Instant::now() + super::PATIENCE;
    loop {
        let (_, answer) = Ws::open(&app, Proto::TransportWs, Some(&ann)).await;
        if answer == Frame::Json(json!({ "type": "connection_ack" })) {
            break;
        }
        assert_eq!(answer, Frame::Closed(Some(4429)));
        assert!(tokio::time::Instant::now() < deadline, "the closed socket was never released");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_the_buffer_is_dropped_with_slow_consumer() {
    // given: subscribers may fall 16 events behind; one watches a product
    let app = TestApp::spawn_with(|s| s.realtime.subscriber_buffer = 16).await;
    shop(&app, "7.00", &[10]).await;
    let product = app.gql(ops::PRODUCT, json!({ "slug": "product-0" })).await.str("product.id");
    let uuid = agora::graphql::ids::decode::<agora::shared::ids::ProductId>(&product).unwrap().to_string();
    let mut ws = Ws::ready(&app, Proto::TransportWs, None).await;
    ws.start("s", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
    super::subscribed(&app, 1).await;

    // when: 100 of its events are published while it cannot read (this test's runtime has one
    // thread, so the server's socket task does not run until the loop yields)
    for seq in 1..=100 {
        let event = agora::realtime::BusEvent {
            id: uuid::Uuid::now_v7(),
            aggregate_type: "variant".into(),
            aggregate_id: "v".into(),
            seq,
            event_type: "stock.changed".into(),
            version: 1,
            payload: json!({ "productId": uuid, "variantId": uuid, "quantityAvailable": seq, "inStock": true }),
            occurred_at: chrono::Utc::now(),
        };
        app.state.bus.publish(&event).await.unwrap();
    }

    // then: the subscription ends with SLOW_CONSUMER rather than buffering without bound
    let r = ws.next_of("s").await;
    assert_eq!(super::error_code(&r), "SLOW_CONSUMER", "{r}");
    ws.complete_of("s").await;
}
