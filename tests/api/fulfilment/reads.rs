//! The vendor panel's reads: `vendorOrders` (scope, filters, pagination), `node(id:)` for
//! vendor orders and fulfilments, and buyer data minimised (D4).

use agora::{shared::role::Role, vendors::model::MemberRole};
use serde_json::json;

use super::{market, ship, vendor_order};
use crate::{
    helpers::{TestApp, fixtures},
    ops,
};

#[tokio::test]
async fn a_vendor_sees_only_its_own_part_and_only_shippers_see_the_address() {
    // given
    let app = TestApp::spawn().await;
    let m = market(&app, 2, true).await;
    let vars = json!({ "vendorId": m.shop.vendors[0] });

    // when: vendor A's shipper lists A's orders
    let r = app.gql_as(Some(&m.shipper[0]), ops::VENDOR_ORDERS, vars.clone()).await;

    // then: one vendor order, A's line only, the shipping address, no e-mail anywhere
    r.assert_no_errors();
    assert_eq!(r.get("vendorOrders.totalCount"), 1);
    let node = r.get("vendorOrders.edges.0.node");
    assert_eq!(node["id"], json!(m.vo[0]));
    assert_eq!(node["status"], "PAID");
    assert!(node["orderCode"].as_str().unwrap().starts_with("AG-"));
    assert_eq!(node["lines"].as_array().unwrap().len(), 1);
    assert_eq!(node["lines"][0]["id"], json!(m.line[0]));
    assert_eq!(node["total"]["amount"], "25.00");
    assert_eq!(node["shippingAddress"]["lastName"], "Lee");
    assert!(!r.body.to_string().contains("ann@example.com"));

    // when: A's EDITOR lists them: same orders, no address
    let r = app.gql_as(Some(&m.editor_a), ops::VENDOR_ORDERS, vars.clone()).await;
    r.assert_no_errors();
    assert_eq!(r.get("vendorOrders.totalCount"), 1);
    assert!(r.get("vendorOrders.edges.0.node.shippingAddress").is_null());

    // then: B's shipper, a customer are FORBIDDEN; anonymous UNAUTHENTICATED; staff see it with the address
    let customer = app.user("cust@example.com", Role::Customer).await;
    for token in [&m.shipper[1], &customer] {
        assert_eq!(app.gql_as(Some(token), ops::VENDOR_ORDERS, vars.clone()).await.error_codes(), ["FORBIDDEN"]);
    }
    assert_eq!(app.gql(ops::VENDOR_ORDERS, vars.clone()).await.error_codes(), ["UNAUTHENTICATED"]);
    let staff = app.gql_as(Some(&m.app_staff), ops::VENDOR_ORDERS, vars).await;
    staff.assert_no_errors();
    assert_eq!(staff.get("vendorOrders.edges.0.node.shippingAddress.lastName"), "Lee");
    let unknown = app
        .gql_as(Some(&m.shipper[0]), ops::VENDOR_ORDERS, json!({ "vendorId": fixtures::unknown_id("Vendor") }))
        .await;
    assert_eq!(unknown.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn the_vendor_panel_type_has_no_way_to_the_buyer_or_the_whole_order() {
    let app = TestApp::spawn().await;
    let r = app.gql(r#"{ __type(name: "VendorPanelOrder") { fields { name } } }"#, json!({})).await;
    let names: Vec<String> =
        r.get("__type.fields").as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect();
    for forbidden in ["email", "order", "orderId", "payments", "refunds", "billingAddress", "vendorOrders", "history"] {
        assert!(!names.iter().any(|n| n == forbidden), "VendorPanelOrder.{forbidden} must not exist: {names:?}");
    }
    assert!(names.iter().any(|n| n == "shippingAddress"));
}

#[tokio::test]
async fn vendor_orders_filter_by_status_and_date_and_page_newest_first() {
    // given: two orders from the same two vendors; the first one shipped by A
    let app = TestApp::spawn().await;
    let m = market(&app, 1, true).await;
    let cart = fixtures::ready_cart(&app, None, &m.shop, &[(&m.shop.variants[0], 1)]).await;
    let second = fixtures::complete(&app, None, &cart, "k2").await.str("checkoutComplete.order.id");
    ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.assert_no_errors();
    let list = |vars: serde_json::Value| {
        let app = &app;
        let token = m.shipper[0].clone();
        async move {
            let r = app.gql_as(Some(&token), ops::VENDOR_ORDERS, vars).await;
            r.assert_no_errors();
            r
        }
    };
    let a = &m.shop.vendors[0];

    // when / then: newest first, one per page
    let p1 = list(json!({ "vendorId": a, "first": 1 })).await;
    assert_eq!(p1.get("vendorOrders.totalCount"), 2);
    assert_eq!(p1.get("vendorOrders.pageInfo.hasNextPage"), true);
    assert_eq!(p1.str("vendorOrders.edges.0.node.status"), "PAYMENT_PENDING", "the second order is newest");
    let after = p1.str("vendorOrders.pageInfo.endCursor");
    let p2 = list(json!({ "vendorId": a, "first": 1, "after": after })).await;
    assert_eq!(p2.get("vendorOrders.edges.0.node.id"), &json!(m.vo[0]));
    assert_eq!(p2.get("vendorOrders.pageInfo.hasNextPage"), false);

    // by status
    let shipped = list(json!({ "vendorId": a, "filter": { "statuses": ["FULFILLED"] } })).await;
    assert_eq!(shipped.get("vendorOrders.totalCount"), 1);
    assert_eq!(shipped.get("vendorOrders.edges.0.node.id"), &json!(m.vo[0]));
    assert_eq!(shipped.get("vendorOrders.edges.0.node.fulfillments.0.carrier"), "UPS");

    // by date
    let future = list(json!({ "vendorId": a, "filter": { "createdFrom": "2999-01-01T00:00:00Z" } })).await;
    assert_eq!(future.get("vendorOrders.totalCount"), 0);
    let past = list(json!({ "vendorId": a, "filter": { "createdTo": "2999-01-01T00:00:00Z", "createdFrom": "2000-01-01T00:00:00Z" } })).await;
    assert_eq!(past.get("vendorOrders.totalCount"), 2);

    // vendor B sees only its own one
    let b = app.gql_as(Some(&m.shipper[1]), ops::VENDOR_ORDERS, json!({ "vendorId": m.shop.vendors[1] })).await;
    assert_eq!(b.get("vendorOrders.totalCount"), 1);
    let _ = second;
}

#[tokio::test]
async fn node_shows_vendor_orders_and_fulfilments_only_to_their_vendor_and_staff() {
    // given
    let app = TestApp::spawn().await;
    let m = market(&app, 1, true).await;
    let f = ship(&app, Some(&m.shipper[0]), &m.vo[0], &[(&m.line[0], 1)]).await.str("fulfillmentCreate.fulfillment.id");
    let customer = app.user("cust@example.com", Role::Customer).await;
    let owner_b = fixtures::vendor_member(&app, &m.shop.vendors[1], "own-b@example.com", MemberRole::Owner).await;

    // then: A's members and staff see the vendor order (the EDITOR without address)
    let seen = vendor_order(&app, &m.shipper[0], &m.vo[0]).await;
    seen.assert_no_errors();
    assert_eq!(seen.str("node.__typename"), "VendorPanelOrder");
    assert_eq!(seen.str("node.shippingAddress.lastName"), "Lee");
    let editor = vendor_order(&app, &m.editor_a, &m.vo[0]).await;
    assert_eq!(editor.str("node.status"), "FULFILLED");
    assert!(editor.get("node.shippingAddress").is_null());
    assert_eq!(vendor_order(&app, &m.app_staff, &m.vo[0]).await.str("node.id"), m.vo[0]);

    // and nobody else: B's members, a customer, anonymous get null
    for token in [&m.shipper[1], &owner_b, &customer] {
        let r = vendor_order(&app, token, &m.vo[0]).await;
        r.assert_no_errors();
        assert!(r.get("node").is_null(), "{}", r.body);
    }
    assert!(app.gql(ops::VENDOR_ORDER_NODE, json!({ "id": m.vo[0] })).await.get("node").is_null());

    // the fulfilment likewise
    let q = "query($id: ID!) { node(id: $id) { __typename id ... on Fulfillment { carrier } } }";
    let mine = app.gql_as(Some(&m.editor_a), q, json!({ "id": f })).await;
    assert_eq!(mine.str("node.carrier"), "UPS");
    for token in [&m.shipper[1], &customer] {
        assert!(app.gql_as(Some(token), q, json!({ "id": f })).await.get("node").is_null());
    }
    assert_eq!(app.gql_as(Some(&m.app_staff), q, json!({ "id": f })).await.str("node.__typename"), "Fulfillment");
}
