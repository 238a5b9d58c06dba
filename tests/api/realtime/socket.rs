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
