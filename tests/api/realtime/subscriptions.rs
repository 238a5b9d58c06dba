//! The four subscriptions: who may subscribe, what each delivers (once), and that a vendor never
//! sees another vendor's events.

use agora::{shared::role::Role, vendors::model::MemberRole};
use serde_json::{Value, json};

use super::{Proto, Ws, error_code, live_app, subscribed};
use crate::{
    helpers::{
        TestApp,
        fixtures::{complete, pay, placed_order, ready_cart, shop, vendor_member},
    },
    ops,
};

async fn line_id(app: &TestApp, order: &str) -> String {
    let r = app.gql(ops::ORDER, json!({ "id": order, "email": "ann@example.com" })).await;
    r.assert_no_errors();
    r.str("order.lines.0.id")
}

fn kinds(events: &[Value]) -> Vec<String> {
    let mut k: Vec<String> = events.iter().map(|e| e["type"].as_str().unwrap().to_owned()).collect();
    k.sort();
    k
}

#[tokio::test]
async fn order_status_changed_delivers_payment_shipment_and_tracking_once_on_both_protocols() {
    // given: a guest's order, watched on both protocols with the order's e-mail
    let app = live_app().await;
    let (s, order) = placed_order(&app).await;
    let mut sockets = Vec::new();
    for proto in Proto::BOTH {
        let mut ws = Ws::ready(&app, proto, None).await;
        ws.start("o", ops::ORDER_STATUS_CHANGED, json!({ "orderId": order, "email": "ann@example.com" })).await;
        sockets.push(ws);
    }
    subscribed(&app, 2).await;

    // when: paid, shipped with tracking, tracking changed
    pay(&app, &order, "pm_card_visa").await.assert_no_errors();
    let line = line_id(&app, &order).await;
    let fulfil = app
        .gql_as(
            Some(&s.staff),
            ops::ORDER_FULFIL,
            json!({ "orderId": order, "lines": [{ "lineId": line, "quantity": 1 }] }),
        )
        .await;
    fulfil.assert_no_errors();
    let shipments = app.gql(ops::ORDER_FULFILLMENTS, json!({ "id": order, "email": "ann@example.com" })).await;
    let fulfillment = shipments.str("order.fulfillments.0.id");
    let update = json!({ "input": { "id": fulfillment, "carrier": "UPS", "trackingNumber": "1Z999" } });
    app.gql_as(Some(&s.staff), ops::FULFILLMENT_UPDATE, update).await.assert_no_errors();

    // then: each socket gets each change once: the order's in order, the shipment's in order
    for ws in &mut sockets {
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(ws.change("o", "orderStatusChanged").await);
        }
        assert_eq!(kinds(&got), ["FULFILLED", "FULFILLMENT_CREATED", "FULFILLMENT_UPDATED", "PAID"], "{got:?}");
        let order_events: Vec<&Value> = got.iter().filter(|e| !e["status"].is_null()).collect();
        assert_eq!(order_events[0]["status"], "PAID");
        assert_eq!(order_events[1]["status"], "FULFILLED");
        let updated = got.iter().find(|e| e["type"] == "FULFILLMENT_UPDATED").unwrap();
        assert_eq!(updated["fulfillment"]["trackingNumber"], "1Z999");
        assert_eq!(updated["fulfillment"]["carrier"], "UPS");
        assert!(got.iter().all(|e| e["orderId"] == json!(order)));
    }
    // and: nothing more (no copy of an earlier event): the next message is the next change
    let delivered = json!({ "input": { "id": fulfillment, "delivered": true } });
    app.gql_as(Some(&s.staff), ops::FULFILLMENT_UPDATE, delivered).await.assert_no_errors();
    for ws in &mut sockets {
        let e = ws.change("o", "orderStatusChanged").await;
        assert_eq!(e["type"], "FULFILLMENT_UPDATED");
        assert_eq!(e["fulfillment"]["status"], "DELIVERED");
    }
}

#[tokio::test]
async fn vendor_order_events_reach_all_of_a_vendors_members_and_none_of_another_vendors() {
    // given: vendors A and B; A's owner and shipper, and B's owner, subscribed
    let n = 20;
    let app = live_app().await;
    let s = shop(&app, "3.00", &[1_000, 1_000]).await;
    let a_owner = vendor_member(&app, &s.vendors[0], "owner-a@example.com", MemberRole::Owner).await;
    let a_shipper = vendor_member(&app, &s.vendors[0], "ship-a@example.com", MemberRole::Fulfillment).await;
    let b_owner = vendor_member(&app, &s.vendors[1], "owner-b@example.com", MemberRole::Owner).await;
    let mut a = Vec::new();
    for (token, proto) in [(&a_owner, Proto::TransportWs), (&a_shipper, Proto::Legacy)] {
        let mut ws = Ws::ready(&app, proto, Some(token)).await;
        ws.start("v", ops::VENDOR_ORDER_EVENTS, json!({ "vendorId": s.vendors[0] })).await;
        a.push(ws);
    }
    let mut b = Ws::ready(&app, Proto::TransportWs, Some(&b_owner)).await;
    b.start("v", ops::VENDOR_ORDER_EVENTS, json!({ "vendorId": s.vendors[1] })).await;
    subscribed(&app, 3).await;
    // and: B's owner cannot watch A, nor can a customer or an anonymous caller
    let ann = app.user("ann@example.com", Role::Customer).await;
    for token in [Some(b_owner.as_str()), Some(ann.as_str()), None] {
        let mut ws = Ws::ready(&app, Proto::TransportWs, token).await;
        ws.start("x", ops::VENDOR_ORDER_EVENTS, json!({ "vendorId": s.vendors[0] })).await;
        let r = ws.next_of("x").await;
        assert!(["FORBIDDEN", "UNAUTHENTICATED"].contains(&error_code(&r).as_str()), "{r}");
    }

    // when: n orders from vendor A
    let mut vendor_orders = Vec::new();
    for i in 0..n {
        let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 1)]).await;
        let r = complete(&app, None, &cart, &format!("k{i}")).await;
        vendor_orders.push(r.str("checkoutComplete.order.vendorOrders.0.id"));
    }

    // then: each of A's subscribers gets the n new vendor orders, once each
    for ws in &mut a {
        let mut got = Vec::new();
        for _ in 0..n {
            let e = ws.next_of("v").await["data"]["vendorOrderEvents"].clone();
            assert_eq!(e["type"], "PLACED");
            assert_eq!(e["vendorId"], json!(s.vendors[0]));
            assert_eq!(e["status"], "PAYMENT_PENDING");
            got.push(e["vendorOrderId"].as_str().unwrap().to_owned());
        }
        got.sort();
        let mut expected = vendor_orders.clone();
        expected.sort();
        assert_eq!(got, expected);
    }
    // and: B's subscriber got none of them: the first event it receives is B's own next order
    let cart = ready_cart(&app, None, &s, &[(&s.variants[1], 1)]).await;
    let r = complete(&app, None, &cart, "kb").await;
    let b_order = r.str("checkoutComplete.order.vendorOrders.0.id");
    let e = b.next_of("v").await["data"]["vendorOrderEvents"].clone();
    assert_eq!(e["vendorOrderId"], json!(b_order), "vendor B received one of vendor A's events: {e}");
    assert_eq!(e["vendorId"], json!(s.vendors[1]));
}

#[tokio::test]
async fn vendor_order_events_follow_payment_and_shipment() {
    let app = live_app().await;
    let (s, order) = placed_order(&app).await;
    let shipper = vendor_member(&app, &s.vendors[0], "ship@example.com", MemberRole::Fulfillment).await;
    let mut ws = Ws::ready(&app, Proto::TransportWs, Some(&shipper)).await;
    ws.start("v", ops::VENDOR_ORDER_EVENTS, json!({ "vendorId": s.vendors[0] })).await;
    subscribed(&app, 1).await;

    pay(&app, &order, "pm_card_visa").await.assert_no_errors();
    let paid = ws.change("v", "vendorOrderEvents").await;
    assert_eq!((paid["type"].as_str(), paid["status"].as_str()), (Some("STATUS_CHANGED"), Some("PAID")));
    assert_eq!(paid["previousStatus"], "PAYMENT_PENDING");

    let line = line_id(&app, &order).await;
    let input = json!({ "input": {
        "vendorOrderId": paid["vendorOrderId"], "lines": [{ "orderLineId": line, "quantity": 1 }],
        "carrier": "DHL", "trackingNumber": "JD0001"
    }});
    app.gql_as(Some(&shipper), ops::FULFILLMENT_CREATE, input).await.assert_no_errors();
    let mut got = [ws.change("v", "vendorOrderEvents").await, ws.change("v", "vendorOrderEvents").await];
    got.sort_by_key(|e| e["type"].as_str().unwrap().to_owned());
    assert_eq!(got[0]["type"], "FULFILLMENT_CREATED");
    assert_eq!(got[0]["fulfillment"]["trackingNumber"], "JD0001");
    assert_eq!((got[1]["type"].as_str(), got[1]["status"].as_str()), (Some("STATUS_CHANGED"), Some("FULFILLED")));
}

#[tokio::test]
async fn stock_level_changed_shows_public_availability_and_low_stock_alerts_reach_the_catalog_team() {
    // given: a product with 10 units, watched anonymously; its vendor's editor watches low stock
    let app = live_app().await;
    let s = shop(&app, "7.00", &[10]).await;
    let product = app.gql(ops::PRODUCT, json!({ "id": null, "slug": "product-0" })).await.str("product.id");
    let editor = vendor_member(&app, &s.vendors[0], "editor@example.com", MemberRole::Editor).await;
    let shipper = vendor_member(&app, &s.vendors[0], "ship@example.com", MemberRole::Fulfillment).await;
    let mut shopper = Ws::ready(&app, Proto::Legacy, None).await;
    shopper.start("s", ops::STOCK_LEVEL_CHANGED, json!({ "productId": product })).await;
    let mut panel = Ws::ready(&app, Proto::TransportWs, Some(&editor)).await;
    panel.start("l", ops::LOW_STOCK_ALERTS, json!({ "vendorId": s.vendors[0] })).await;
    subscribed(&app, 2).await;
    // and: a shipper does not manage the catalog, and an anonymous caller is no member
    for (token, code) in [(Some(shipper.as_str()), "FORBIDDEN"), (None, "UNAUTHENTICATED")] {
        let mut other = Ws::ready(&app, Proto::TransportWs, token).await;
        other.start("l", ops::LOW_STOCK_ALERTS, json!({ "vendorId": s.vendors[0] })).await;
        assert_eq!(error_code(&other.next_of("l").await), code);
    }

    // when: a buyer holds 2 units, then staff write 4 off as damaged (10 → 8 → 4 available)
    let cart = ready_cart(&app, None, &s, &[(&s.variants[0], 2)]).await;
    complete(&app, None, &cart, "k").await.assert_no_errors();
    let adjust = json!({ "input": { "variantId": s.variants[0], "delta": -4, "reason": "DAMAGED" } });
    app.gql_as(Some(&s.staff), ops::STOCK_ADJUST, adjust).await.assert_no_errors();

    // then: the storefront sees each availability, and only public fields exist
    for expected in [8, 4] {
        let e = shopper.next_of("s").await["data"]["stockLevelChanged"].clone();
        assert_eq!(e["quantityAvailable"], expected, "{e}");
        assert_eq!(e["inStock"], true);
        assert_eq!(e["variantId"], json!(s.variants[0]));
    }
    // and: the editor is told once, when availability fell to the threshold (5) or below
    let alert = panel.next_of("l").await["data"]["lowStockAlerts"].clone();
    assert_eq!(alert["variantId"], json!(s.variants[0]));
    assert_eq!(alert["quantityAvailable"], 4);
    assert_eq!(alert["threshold"], 5);
    assert_eq!(alert["sku"], "SKU-0");
}

#[tokio::test]
async fn stock_level_changed_refuses_a_product_the_caller_cannot_see() {
    let app = live_app().await;
    let s = shop(&app, "7.00", &[10]).await;
    let draft = app
        .gql_as(
            Some(&s.staff),
            ops::PRODUCT_CREATE,
            json!({ "input": { "vendorId": s.vendors[0], "title": "Hidden", "variants": [{ "sku": "H-1", "price": "1.00" }] } }),
        )
        .await
        .str("productCreate.product.id");
    let mut ws = Ws::ready(&app, Proto::TransportWs, None).await;
    ws.start("s", ops::STOCK_LEVEL_CHANGED, json!({ "productId": draft })).await;
    assert_eq!(error_code(&ws.next_of("s").await), "NOT_FOUND");
}

#[tokio::test]
async fn an_order_watched_by_its_customer_sees_its_cancellation() {
    let app = live_app().await;
    let s = shop(&app, "7.00", &[10]).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let cart = ready_cart(&app, Some(&ann), &s, &[(&s.variants[0], 1)]).await;
    let order = complete(&app, Some(&ann), &cart, "k").await.str("checkoutComplete.order.id");
    let mut ws = Ws::ready(&app, Proto::Legacy, Some(&ann)).await;
    ws.start("o", ops::ORDER_STATUS_CHANGED, json!({ "orderId": order })).await;
    subscribed(&app, 1).await;

    app.gql_as(Some(&ann), ops::ORDER_CANCEL, json!({ "orderId": order })).await.assert_no_errors();

    let e = ws.change("o", "orderStatusChanged").await;
    assert_eq!((e["type"].as_str(), e["status"].as_str()), (Some("CANCELLED"), Some("CANCELLED")));
}
