//! Vendor orders and fulfilment: vendor order statuses in step with the order, the vendor
//! panel's reads (`vendorOrders`, `node`) with buyer data minimised, `fulfillmentCreate` /
//! `fulfillmentUpdate` (and staff `orderFulfil` over it), cancelling unshipped lines with
//! restock and refund, and every refusal (wrong role, wrong vendor, bad input), nothing written.

mod cancel;
mod fulfil;
mod reads;

use agora::vendors::model::MemberRole;
use serde_json::{Value, json};

use crate::{
    helpers::{
        Gql, TestApp,
        fixtures::{Shop, complete, pay, ready_cart, shop, vendor_member},
    },
    ops,
};

/// A guest order (ann@example.com) of `units` of each of two vendors' variants (10.00 each,
/// stock 10, shipping 5.00 per vendor), paid when `paid`; with a FULFILLMENT member of each
/// vendor and an EDITOR of vendor A.
pub struct Market {
    pub app_staff: String,
    pub shop: Shop,
    pub order: String,
    /// Vendor orders of vendor A and B.
    pub vo: [String; 2],
    /// The one line of each vendor order.
    pub line: [String; 2],
    /// FULFILLMENT members of vendor A and B.
    pub shipper: [String; 2],
    /// An EDITOR of vendor A.
    pub editor_a: String,
}

pub async fn market(app: &TestApp, units: u32, paid: bool) -> Market {
    let s = shop(app, "10.00", &[10, 10]).await;
    let cart = ready_cart(app, None, &s, &[(&s.variants[0], units), (&s.variants[1], units)]).await;
    let placed = complete(app, None, &cart, "k").await;
    placed.assert_no_errors();
    let order = placed.str("checkoutComplete.order.id");
    let vos = placed.get("checkoutComplete.order.vendorOrders").as_array().unwrap().clone();
    let of = |vendor: &str| -> (String, String) {
        let v = vos.iter().find(|v| v["vendor"]["id"] == vendor).expect("a vendor order per vendor");
        (v["id"].as_str().unwrap().to_owned(), v["lines"][0]["id"].as_str().unwrap().to_owned())
    };
    let (vo_a, line_a) = of(&s.vendors[0]);
    let (vo_b, line_b) = of(&s.vendors[1]);
    if paid {
        pay(app, &order, "pm_card_visa").await.assert_no_errors();
    }
    let shipper_a = vendor_member(app, &s.vendors[0], "ship-a@example.com", MemberRole::Fulfillment).await;
    let shipper_b = vendor_member(app, &s.vendors[1], "ship-b@example.com", MemberRole::Fulfillment).await;
    let editor_a = vendor_member(app, &s.vendors[0], "edit-a@example.com", MemberRole::Editor).await;
    Market {
        app_staff: s.staff.clone(),
        order,
        vo: [vo_a, vo_b],
        line: [line_a, line_b],
        shipper: [shipper_a, shipper_b],
        editor_a,
        shop: s,
    }
}

/// `fulfillmentCreate` of `[(line, quantity)]` from `vo`, with tracking.
pub async fn ship(app: &TestApp, token: Option<&str>, vo: &str, lines: &[(&str, i64)]) -> Gql {
    let lines: Vec<Value> = lines.iter().map(|(l, q)| json!({ "orderLineId": l, "quantity": q })).collect();
    let input = json!({
        "vendorOrderId": vo, "lines": lines, "carrier": "UPS", "trackingNumber": "1Z999",
        "trackingUrl": "https://track.example/1Z999"
    });
    app.gql_as(token, ops::FULFILLMENT_CREATE, json!({ "input": input })).await
}

/// `vendorOrderLinesCancel` of `[(line, quantity)]` of `vo`.
pub async fn cancel_lines(app: &TestApp, token: Option<&str>, vo: &str, lines: &[(&str, i64)]) -> Gql {
    let lines: Vec<Value> = lines.iter().map(|(l, q)| json!({ "orderLineId": l, "quantity": q })).collect();
    let input = json!({ "vendorOrderId": vo, "lines": lines, "reason": "out of stock" });
    app.gql_as(token, ops::VENDOR_ORDER_LINES_CANCEL, json!({ "input": input })).await
}

/// The order as its guest buyer sees it, with fulfilments, lines, refunds and history.
pub async fn buyer_view(app: &TestApp, order: &str) -> Gql {
    let r = app.gql(ops::ORDER_FULFILLMENTS, json!({ "id": order, "email": "ann@example.com" })).await;
    r.assert_no_errors();
    r
}

/// A vendor order through `node(id:)` as `token` sees it (null when not visible).
pub async fn vendor_order(app: &TestApp, token: &str, vo: &str) -> Gql {
    app.gql_as(Some(token), ops::VENDOR_ORDER_NODE, json!({ "id": vo })).await
}

/// The status of vendor order `vo` as staff sees it.
pub async fn vo_status(app: &TestApp, staff: &str, vo: &str) -> String {
    let r = vendor_order(app, staff, vo).await;
    r.assert_no_errors();
    r.str("node.status")
}
