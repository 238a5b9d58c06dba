//! `connection_init` authenticates like an HTTP request; the token's expiry ends the
//! connection's subscriptions.

use serde_json::json;

use super::{Frame, Proto, Ws, error_code, live};
use crate::{
    helpers::{
        TestApp,
        fixtures::{placed_order, shop},
    },
    ops,
};

#[tokio::test]
async fn connection_init_with_a_valid_token_or_none_is_acknowledged_on_both_protocols() {
    let app = TestApp::spawn().await;
    let token = app.user("ann@example.com", agora::shared::role::Role::Customer).await;
    for proto in Proto::BOTH {
        Ws::ready(&app, proto, Some(&token)).await;
        Ws::ready(&app, proto, None).await;
    }
}

#[tokio::test]
async fn connection_init_with_an_invalid_token_closes_4403_on_graphql_transport_ws() {
    let app = TestApp::spawn().await;
    for token in ["not-a-jwt", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"] {
        let (_, answer) = Ws::open(&app, Proto::TransportWs, Some(token)).await;
        assert_eq!(answer, Frame::Closed(Some(4403)), "{token}");
    }
}

#[tokio::test]
async fn connection_init_with_an_invalid_token_gets_a_connection_error_then_the_close_on_legacy_graphql_ws() {
    let app = TestApp::spawn().await;
    let (mut ws, answer) = Ws::open(&app, Proto::Legacy, Some("not-a-jwt")).await;
    let Frame::Json(message) = answer else { panic!("expected connection_error, got {answer:?}") };
    assert_eq!(message["type"], "connection_error");
    assert!(matches!(ws.frame().await, Frame::Closed(_)));
}

#[tokio::test]
async fn the_tokens_expiry_ends_the_subscription_with_unauthenticated() {
    // given: access tokens that live 2 seconds, and a customer subscribed to their order
    let app = TestApp::spawn_with(|s| {
        live(s);
        s.auth.access_token_ttl_secs = 2;
    })
    .await;
    let s = shop(&app, "7.00", &[10]).await;
    let ann = app.user("ann@example.com", agora::shared::role::Role::Customer).await;
    let cart = crate::helpers::fixtures::ready_cart(&app, Some(&ann), &s, &[(&s.variants[0], 1)]).await;
    let order = crate::helpers::fixtures::complete(&app, Some(&ann), &cart, "k").await.str("checkoutComplete.order.id");
    let mut ws = Ws::ready(&app, Proto::TransportWs, Some(&ann)).await;
    ws.start("1", ops::ORDER_STATUS_CHANGED, json!({ "orderId": order })).await;

    // when: the token expires (nothing else happens to the order)
    // then: the subscription ends with UNAUTHENTICATED, then completes
    let ended = loop {
        let r = ws.next_of("1").await;
        if r["data"]["orderStatusChanged"]["type"] != "PLACED" {
            break r; // (the order's placement may be delivered just after the subscription began)
        }
    };
    assert_eq!(error_code(&ended), "UNAUTHENTICATED", "{ended}");
    ws.complete_of("1").await;
}

#[tokio::test]
async fn order_status_changed_is_forbidden_to_another_customer_and_to_a_guest_without_the_email() {
    let app = TestApp::spawn_with(live).await;
    let (_, order) = placed_order(&app).await;
    let bob = app.user("bob@example.com", agora::shared::role::Role::Customer).await;
    for (token, email) in [(Some(bob.as_str()), None), (None, None), (None, Some("someone@example.com"))] {
        let mut ws = Ws::ready(&app, Proto::TransportWs, token).await;
        ws.start("1", ops::ORDER_STATUS_CHANGED, json!({ "orderId": order, "email": email })).await;
        let r = ws.next_of("1").await;
        assert_eq!(error_code(&r), "FORBIDDEN", "{r}");
        ws.complete_of("1").await;
    }
}
