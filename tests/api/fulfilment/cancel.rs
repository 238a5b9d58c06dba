//! `vendorOrderLinesCancel`: unshipped units cancelled, given back to stock and refunded; the
//! vendor order and the order move; refusals write nothing.

use agora::vendors::model::MemberRole;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::{buyer_view, cancel_lines, market, ship, vo_status};
use crate::{
    helpers::{TestApp, field, fixtures, user_errors},
    ops,
};

async fn audit_entries(app: &TestApp) -> u64 {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("vendor_order.lines_cancel"))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn cancelling_unshipped_units_restocks_refunds_and_moves_the_vendor_order() {
    // given: a paid order of 2 units from each vendor (10.00 each)
    let app = TestApp::spawn().await;
    let m = market(&app, 2, true).await;
    let (_, available_before) = fixtures::stock(&app, &m.app_staff, &m.shop.variants[0]).await;

    // when: A cancels 1 unit
    let r = cancel_lines(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;

    // then: counted, back on sale, refunded (10.00), audited; A still PAID (1 unit left)
    r.assert_no_errors();
    assert_eq!(r.get("vendorOrderLinesCancel.vendorOrder.lines.0.cancelledQuantity"), 1);
    assert_eq!(r.str("vendorOrderLinesCancel.vendorOrder.status"), "PAID");
    assert_eq!(fixtures::stock(&app, &m.app_staff, &m.shop.variants[0]).await.1, available_before + 1);
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.get("order.refunds"), &json!([{ "amount": { "amount": "10.00" }, "status": "SUCCEEDED" }]));
    assert_eq!(seen.get("order.lines.0.cancelledQuantity"), 1);
    assert!(
        seen.get("order.history")
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["note"].as_str().is_some_and(|n| n.contains("1 unit cancelled before shipping: out of stock")))
    );
    assert_eq!(audit_entries(&app).await, 1);

    // when: A ships the other unit: nothing is left, something shipped → FULFILLED
    ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.assert_no_errors();
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[0]).await, "FULFILLED");
    assert_eq!(buyer_view(&app, &m.order).await.str("order.status"), "PARTIALLY_FULFILLED");

    // when: B cancels everything (staff may too): B CANCELLED, and the order FULFILLED
    let r = cancel_lines(&app, Some(&m.app_staff), &m.vo[1], &[(&m.line[1], 2)]).await;
    r.assert_no_errors();
    assert_eq!(r.str("vendorOrderLinesCancel.vendorOrder.status"), "CANCELLED");
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.str("order.status"), "FULFILLED");
    assert_eq!(seen.get("order.refunds").as_array().unwrap().len(), 2);
    assert_eq!(seen.get("order.refunds.1.amount.amount"), "20.00");
}

#[tokio::test]
async fn cancelling_every_unit_cancels_the_vendor_orders_and_the_order() {
    let app = TestApp::spawn().await;
    let m = market(&app, 1, true).await;
    cancel_lines(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.assert_no_errors();
    assert_eq!(buyer_view(&app, &m.order).await.str("order.status"), "PAID", "B's part is still to ship");
    cancel_lines(&app, Some(&m.shipper[1]), &m.vo[1], &[(&m.line[1], 1)]).await.assert_no_errors();
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.str("order.status"), "CANCELLED");
    assert_eq!(seen.get("order.vendorOrders.0.status"), "CANCELLED");
    assert_eq!(seen.get("order.vendorOrders.1.status"), "CANCELLED");
    assert_eq!(vo_status(&app, &m.app_staff, &m.vo[0]).await, "CANCELLED");
    // both lines' value refunded; shipping stays with the payment (two refunds of 10.00)
    let amounts: Vec<_> =
        seen.get("order.refunds").as_array().unwrap().iter().map(|r| r["amount"]["amount"].clone()).collect();
    assert_eq!(amounts, [json!("10.00"), json!("10.00")]);
}

#[tokio::test]
async fn cancelling_lines_refuses_shipped_units_wrong_people_and_bad_input() {
    // given: A shipped 1 of 2 units
    let app = TestApp::spawn().await;
    let m = market(&app, 2, true).await;
    ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.assert_no_errors();
    let owner_b = fixtures::vendor_member(&app, &m.shop.vendors[1], "own-b@example.com", MemberRole::Owner).await;
    let a = Some(m.shipper[0].as_str());

    // then: shipped units cannot be cancelled; zero, negative, other vendor order's line, unknown ids
    let cases = [
        (vec![(m.line[0].as_str(), 2)], m.vo[0].as_str(), (field(&["lines", "0", "quantity"]), "INVALID_QUANTITY")),
        (vec![(m.line[0].as_str(), 0)], m.vo[0].as_str(), (field(&["lines", "0", "quantity"]), "INVALID_QUANTITY")),
        (vec![(m.line[0].as_str(), -2)], m.vo[0].as_str(), (field(&["lines", "0", "quantity"]), "INVALID_QUANTITY")),
        (vec![(m.line[1].as_str(), 1)], m.vo[0].as_str(), (field(&["lines", "0", "orderLineId"]), "LINE_NOT_FOUND")),
    ];
    for (lines, vo, (f, code)) in cases {
        let r = cancel_lines(&app, a, vo, &lines).await;
        assert_eq!(user_errors(&r, "vendorOrderLinesCancel"), [(f, code.to_owned())], "{lines:?}");
    }
    let unknown = cancel_lines(&app, a, &fixtures::unknown_id("VendorOrder"), &[(&m.line[0], 1)]).await;
    assert_eq!(
        user_errors(&unknown, "vendorOrderLinesCancel"),
        [(field(&["vendorOrderId"]), "VENDOR_ORDER_NOT_FOUND".into())]
    );
    let long = app
        .gql_as(a, ops::VENDOR_ORDER_LINES_CANCEL, json!({ "input": {
            "vendorOrderId": m.vo[0], "lines": [{ "orderLineId": m.line[0], "quantity": 1 }], "reason": "x".repeat(501) } }))
        .await;
    assert_eq!(user_errors(&long, "vendorOrderLinesCancel"), [(field(&["reason"]), "INVALID_REASON".into())]);

    // an EDITOR, B's shipper and owner: FORBIDDEN
    for token in [&m.editor_a, &m.shipper[1], &owner_b] {
        let r = cancel_lines(&app, Some(token), &m.vo[0], &[(&m.line[0], 1)]).await;
        assert_eq!(r.error_codes(), ["FORBIDDEN"], "{}", r.body);
    }

    // and nothing was written
    let seen = buyer_view(&app, &m.order).await;
    assert_eq!(seen.get("order.lines.0.cancelledQuantity"), 0);
    assert_eq!(seen.get("order.refunds"), &json!([]));
    assert_eq!(audit_entries(&app).await, 0);
}

#[tokio::test]
async fn an_unpaid_vendor_order_has_no_lines_to_cancel() {
    let app = TestApp::spawn().await;
    let m = market(&app, 1, false).await;
    let r = cancel_lines(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await;
    assert_eq!(user_errors(&r, "vendorOrderLinesCancel"), [(field(&["vendorOrderId"]), "CANNOT_CANCEL".into())]);
}
