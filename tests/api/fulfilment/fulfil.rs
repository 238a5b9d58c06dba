//! `fulfillmentCreate`, `fulfillmentUpdate`, staff `orderFulfil` over them, and vendor order
//! statuses kept in step with the order.

use agora::vendors::model::MemberRole;
use serde_json::json;

use super::{buyer_view, market, ship, vendor_order, vo_status};
use crate::{
    helpers::{
        TestApp, field,
        fixtures::{self, stock, unknown_id},
        user_errors,
    },
    ops,
};

#[tokio::test]
async fn vendor_orders_follow_payment_then_their_own_shipments_and_the_order_derives_from_them() {
    // given: a placed, unpaid order with a part from each of two vendors
    let app = TestApp::spawn().await;
    let m = market(&app, 2, false).await;
    let staff = &m.app_staff;
    assert_eq!(vo_status(&app, staff, &m.vo[0]).await, "PAYMENT_PENDING");

    // when: it is paid
    fixtures::pay(&app, &m.order, "pm_card_visa").await.assert_no_errors();

    // then: both vendor orders are PAID with it
    assert_eq!(vo_status(&app, staff, &m.vo[0]).await, "PAID");
    assert_eq!(vo_status(&app, staff, &m.vo[1]).await, "PAID");

    // when: vendor A's shipper ships 1 of 2 units
    let (on_hand_before, _) = stock(&app, staff, &m.shop.variants[0]).await;
    let r = ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;

    // then: a fulfilment with its tracking; A is PARTIALLY_FULFILLED, and so is the order
    r.assert_no_errors();
    assert_eq!(r.str("fulfillmentCreate.fulfillment.status"), "SHIPPED");
    assert_eq!(r.str("fulfillmentCreate.fulfillment.carrier"), "UPS");
    assert_eq!(r.get("fulfillmentCreate.fulfillment.lines"), &json!([{ "orderLineId": m.line[0], "quantity": 1 }]));
    assert_eq!(r.str("fulfillmentCreate.vendorOrder.status"), "PARTIALLY_FULFILLED");
    assert_eq!(r.get("fulfillmentCreate.vendorOrder.lines.0.fulfilledQuantity"), 1);
    assert_eq!(stock(&app, staff, &m.shop.variants[0]).await.0, on_hand_before - 1, "the unit left the shelf");
    assert_eq!(buyer_view(&app, &m.order).await.str("order.status"), "PARTIALLY_FULFILLED");

    // when: A ships the rest
    ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.assert_no_errors();

    // then: A is FULFILLED, B still PAID, so the order is PARTIALLY_FULFILLED
    assert_eq!(vo_status(&app, staff, &m.vo[0]).await, "FULFILLED");
    assert_eq!(vo_status(&app, staff, &m.vo[1]).await, "PAID");
    assert_eq!(buyer_view(&app, &m.order).await.str("order.status"), "PARTIALLY_FULFILLED");

    // when: staff ship B's part through the same mutation
    ship(&app, Some(staff), &m.vo[1], &[(&m.line[1], 2)]).await.assert_no_errors();

    // then: every vendor order is FULFILLED, and so is the order; the buyer sees every shipment
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.str("order.status"), "FULFILLED");
    let fulfillments = seen.get("order.fulfillments").as_array().unwrap();
    assert_eq!(fulfillments.len(), 3);
    assert!(
        fulfillments
            .iter()
            .all(|f| f["trackingNumber"] == "1Z999" && f["trackingUrl"] == "https://track.example/1Z999")
    );
    let history: Vec<_> = seen.get("order.history").as_array().unwrap().iter().map(|h| h["to"].clone()).collect();
    assert_eq!(history.last(), Some(&json!("FULFILLED")));
    assert!(
        seen.get("order.history")
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["note"].as_str().is_some_and(|n| n.contains("1 unit shipped with UPS")))
    );
}

#[tokio::test]
async fn cancelling_an_order_cancels_its_vendor_orders() {
    let app = TestApp::spawn().await;
    let m = market(&app, 1, true).await;
    let r = app.gql(ops::ORDER_CANCEL, json!({ "orderId": m.order, "email": "ann@example.com" })).await;
    r.assert_no_errors();
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[0]).await, "CANCELLED");
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[1]).await, "CANCELLED");

    // and a cancelled vendor order cannot be fulfilled
    let r = ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;
    assert_eq!(user_errors(&r, "fulfillmentCreate"), [(field(&["vendorOrderId"]), "CANNOT_FULFIL".into())]);
}

#[tokio::test]
async fn an_unpaid_vendor_order_cannot_be_fulfilled() {
    let app = TestApp::spawn().await;
    let m = market(&app, 1, false).await;
    let r = ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;
    assert_eq!(user_errors(&r, "fulfillmentCreate"), [(field(&["vendorOrderId"]), "CANNOT_FULFIL".into())]);
    assert_eq!(buyer_view(&app, &m.order).await.get("order.fulfillments"), &json!([]));
}

/// A user error's field path and code.
type FieldCode = (Vec<String>, String);

#[tokio::test]
async fn fulfillment_create_refuses_bad_input_and_writes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let m = market(&app, 2, true).await;
    let a = Some(m.shipper[0].as_str());
    let line = m.line[0].as_str();
    let cases: Vec<(serde_json::Value, Vec<FieldCode>)> = vec![
        // more than ordered
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": line, "quantity": 3 }] }),
            vec![(field(&["lines", "0", "quantity"]), "INVALID_QUANTITY".into())],
        ),
        // the same line twice adds up past what is ordered
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": line, "quantity": 2 }, { "orderLineId": line, "quantity": 1 }] }),
            vec![(field(&["lines", "0", "quantity"]), "INVALID_QUANTITY".into())],
        ),
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": line, "quantity": 0 }] }),
            vec![(field(&["lines", "0", "quantity"]), "INVALID_QUANTITY".into())],
        ),
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": line, "quantity": -1 }] }),
            vec![(field(&["lines", "0", "quantity"]), "INVALID_QUANTITY".into())],
        ),
        (json!({ "vendorOrderId": m.vo[0], "lines": [] }), vec![(field(&["lines"]), "NO_LINES".into())]),
        // a line of the other vendor order of the same order
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": m.line[1], "quantity": 1 }] }),
            vec![(field(&["lines", "0", "orderLineId"]), "LINE_NOT_FOUND".into())],
        ),
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": unknown_id("OrderLine"), "quantity": 1 }] }),
            vec![(field(&["lines", "0", "orderLineId"]), "LINE_NOT_FOUND".into())],
        ),
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": m.vo[1], "quantity": 1 }] }),
            vec![(field(&["lines", "0", "orderLineId"]), "INVALID_ID".into())],
        ),
        (
            json!({ "vendorOrderId": unknown_id("VendorOrder"), "lines": [{ "orderLineId": line, "quantity": 1 }] }),
            vec![(field(&["vendorOrderId"]), "VENDOR_ORDER_NOT_FOUND".into())],
        ),
        (
            json!({ "vendorOrderId": m.order, "lines": [{ "orderLineId": line, "quantity": 1 }] }),
            vec![(field(&["vendorOrderId"]), "INVALID_ID".into())],
        ),
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": line, "quantity": 1 }], "trackingUrl": "javascript:alert(1)" }),
            vec![(field(&["trackingUrl"]), "INVALID_TRACKING".into())],
        ),
        (
            json!({ "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": line, "quantity": 1 }], "carrier": "x".repeat(101) }),
            vec![(field(&["carrier"]), "INVALID_TRACKING".into())],
        ),
    ];
    for (input, expected) in cases {
        // when
        let r = app.gql_as(a, ops::FULFILLMENT_CREATE, json!({ "input": input })).await;
        // then
        assert_eq!(user_errors(&r, "fulfillmentCreate"), expected, "{input}");
        assert!(r.get("fulfillmentCreate.fulfillment").is_null());
    }
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.get("order.fulfillments"), &json!([]));
    assert_eq!(seen.get("order.lines.0.fulfilledQuantity"), 0);
    assert_eq!(seen.str("order.status"), "PAID");
}

#[tokio::test]
async fn only_shippers_of_the_vendor_and_staff_may_fulfil() {
    // given
    let app = TestApp::spawn().await;
    let m = market(&app, 2, true).await;
    let owner_b = fixtures::vendor_member(&app, &m.shop.vendors[1], "own-b@example.com", MemberRole::Owner).await;
    let customer = app.user("cust@example.com", agora::shared::role::Role::Customer).await;
    let line = [(m.line[0].as_str(), 1)];

    // then: an EDITOR, another vendor's shipper and owner, a customer are FORBIDDEN; anonymous UNAUTHENTICATED
    for (who, token) in
        [("editor", &m.editor_a), ("B's shipper", &m.shipper[1]), ("B's owner", &owner_b), ("customer", &customer)]
    {
        let r = ship(&app, Some(token), &m.vo[0], &line).await;
        assert_eq!(r.error_codes(), ["FORBIDDEN"], "{who}: {}", r.body);
    }
    assert_eq!(ship(&app, None, &m.vo[0], &line).await.error_codes(), ["UNAUTHENTICATED"]);

    // and nothing was written
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.get("order.fulfillments"), &json!([]));
    assert_eq!(seen.get("order.lines.0.fulfilledQuantity"), 0);

    // while A's owner may
    let owner_a = fixtures::vendor_member(&app, &m.shop.vendors[0], "own-a@example.com", MemberRole::Owner).await;
    ship(&app, Some(&owner_a), &m.vo[0], &line).await.assert_no_errors();
}

#[tokio::test]
async fn two_concurrent_shipments_of_the_last_unit_ship_it_once() {
    // given: on PostgreSQL the second shipment goes through another instance
    let (app, second) = fixtures::instances().await;
    let m = market(&app, 1, true).await;
    let other = second.as_ref().unwrap_or(&app);
    // each instance signs its own tokens: the shipper signs in on the other one too
    let password = "a long and unusual passphrase";
    let signed_in =
        other.gql(ops::TOKEN_CREATE, json!({ "input": { "email": "ship-a@example.com", "password": password } })).await;
    let other_token = signed_in.str("tokenCreate.tokens.accessToken");
    let line = [(m.line[0].as_str(), 1)];

    // when
    let (r1, r2) = tokio::join!(
        ship(&app, Some(&m.shipper[0]), &m.vo[0], &line),
        ship(other, Some(&other_token), &m.vo[0], &line)
    );

    // then: one shipped it, the other was refused
    let ok = [&r1, &r2].iter().filter(|r| r.get("fulfillmentCreate.fulfillment").is_object()).count();
    assert_eq!(ok, 1, "{} / {}", r1.body, r2.body);
    let refused = if r1.get("fulfillmentCreate.fulfillment").is_object() { &r2 } else { &r1 };
    let codes = refused.user_error_codes("fulfillmentCreate");
    assert!(codes == ["INVALID_QUANTITY"] || codes == ["CANNOT_FULFIL"] || codes == ["CONFLICT"], "{codes:?}");
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.get("order.lines.0.fulfilledQuantity"), 1);
    assert_eq!(seen.get("order.fulfillments").as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn fulfillment_update_changes_tracking_and_marks_delivery() {
    // given
    let app = TestApp::spawn().await;
    let m = market(&app, 1, true).await;
    let id =
        ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.str("fulfillmentCreate.fulfillment.id");

    // when: new tracking
    let input = json!({ "id": id, "carrier": "DHL", "trackingNumber": "JD01", "trackingUrl": "" });
    let r = app.gql_as(Some(&m.shipper[0]), ops::FULFILLMENT_UPDATE, json!({ "input": input })).await;

    // then
    r.assert_no_errors();
    assert_eq!(r.str("fulfillmentUpdate.fulfillment.carrier"), "DHL");
    assert_eq!(r.str("fulfillmentUpdate.fulfillment.trackingNumber"), "JD01");
    assert!(r.get("fulfillmentUpdate.fulfillment.trackingUrl").is_null());
    assert_eq!(r.str("fulfillmentUpdate.fulfillment.status"), "SHIPPED");

    // when: delivered
    let r = app
        .gql_as(Some(&m.shipper[0]), ops::FULFILLMENT_UPDATE, json!({ "input": { "id": id, "delivered": true } }))
        .await;

    // then: DELIVERED with its time; tracking kept; the buyer sees it
    r.assert_no_errors();
    assert_eq!(r.str("fulfillmentUpdate.fulfillment.status"), "DELIVERED");
    assert!(r.get("fulfillmentUpdate.fulfillment.deliveredAt").is_string());
    assert_eq!(r.str("fulfillmentUpdate.fulfillment.carrier"), "DHL");
    assert_eq!(buyer_view(&app, &m.order).await.str("order.fulfillments.0.status"), "DELIVERED");

    // refusals: unknown id, bad URL, an EDITOR, another vendor's shipper (nothing written)
    let unknown = app
        .gql_as(
            Some(&m.shipper[0]),
            ops::FULFILLMENT_UPDATE,
            json!({ "input": { "id": unknown_id("Fulfillment"), "delivered": true } }),
        )
        .await;
    assert_eq!(user_errors(&unknown, "fulfillmentUpdate"), [(field(&["id"]), "FULFILLMENT_NOT_FOUND".into())]);
    let bad = app
        .gql_as(
            Some(&m.shipper[0]),
            ops::FULFILLMENT_UPDATE,
            json!({ "input": { "id": id, "trackingUrl": "ftp://x" } }),
        )
        .await;
    assert_eq!(user_errors(&bad, "fulfillmentUpdate"), [(field(&["trackingUrl"]), "INVALID_TRACKING".into())]);
    for token in [&m.editor_a, &m.shipper[1]] {
        let r =
            app.gql_as(Some(token), ops::FULFILLMENT_UPDATE, json!({ "input": { "id": id, "carrier": "X" } })).await;
        assert_eq!(r.error_codes(), ["FORBIDDEN"], "{}", r.body);
    }
    assert_eq!(buyer_view(&app, &m.order).await.str("order.fulfillments.0.carrier"), "DHL");
}

#[tokio::test]
async fn staff_order_fulfil_records_one_fulfilment_per_vendor_order() {
    // given
    let app = TestApp::spawn().await;
    let m = market(&app, 2, true).await;

    // when: staff ship a unit of each vendor's line at once
    let lines = json!([{ "lineId": m.line[0], "quantity": 1 }, { "lineId": m.line[1], "quantity": 2 }]);
    let r = app.gql_as(Some(&m.app_staff), ops::ORDER_FULFIL, json!({ "orderId": m.order, "lines": lines })).await;

    // then
    r.assert_no_errors();
    assert_eq!(r.str("orderFulfil.order.status"), "PARTIALLY_FULFILLED");
    let seen = buyer_view(&app, &m.order).await;
    let vos: Vec<_> =
        seen.get("order.fulfillments").as_array().unwrap().iter().map(|f| f["vendorOrderId"].clone()).collect();
    assert_eq!(vos.len(), 2);
    assert!(vos.contains(&json!(m.vo[0])) && vos.contains(&json!(m.vo[1])));
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[0]).await, "PARTIALLY_FULFILLED");
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[1]).await, "FULFILLED");
    assert_eq!(vendor_order(&app, &m.shipper[0], &m.vo[0]).await.get("node.fulfillments").as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_expired_order_expires_its_vendor_orders() {
    // given: an unpaid order, reservation 15 minutes (guest), with a controlled clock
    use agora::shared::clock::Clock;
    let app = TestApp::spawn_with_manual_clock(|_| {}).await;
    let m = market(&app, 1, false).await;
    let clock = app.clock.clone().expect("manual clock");

    // when: the reservation ends and the sweep runs
    clock.advance(chrono::Duration::minutes(16));
    assert_eq!(app.state.orders.expire_due(clock.now()).await.unwrap(), 1);

    // then: both vendor orders are EXPIRED with it, and cannot be fulfilled
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[0]).await, "EXPIRED");
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[1]).await, "EXPIRED");
    let r = ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;
    assert_eq!(user_errors(&r, "fulfillmentCreate"), [(field(&["vendorOrderId"]), "CANNOT_FULFIL".into())]);
}

#[tokio::test]
async fn a_suspended_vendor_still_ships_its_open_orders() {
    // given: vendor A suspended by staff after the order was paid
    let app = TestApp::spawn().await;
    let m = market(&app, 1, true).await;
    let r = app
        .gql_as(Some(&m.app_staff), ops::VENDOR_SUSPEND, json!({ "id": m.shop.vendors[0], "reason": "late shipments" }))
        .await;
    assert_eq!(r.str("vendorSuspend.vendor.status"), "SUSPENDED", "{}", r.body);

    // when / then: its shipper still ships the open vendor order
    let r = ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;
    r.assert_no_errors();
    assert_eq!(r.str("fulfillmentCreate.vendorOrder.status"), "FULFILLED");
}
