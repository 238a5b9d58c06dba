//! README "Running a marketplace", end to end over the API with the operation documents it
//! names: a user applies, staff approve, the owner invites an editor and a shipper who accept,
//! the owner sets up shipping, the editor lists a product that staff review and approve, a
//! shopper buys it, the shipper sees the vendor order and ships it, the shopper sees the
//! tracking, and every privileged step is in the audit log.

use agora::shared::role::Role;
use serde_json::{Value, json};

use crate::{
    helpers::{
        TestApp,
        fixtures::{address, complete, pay, zone},
    },
    ops,
};

fn no_user_errors(r: &crate::helpers::Gql, mutation: &str) {
    r.assert_no_errors();
    assert_eq!(r.get(&format!("{mutation}.userErrors")), &json!([]), "{}", r.body);
}

/// Invites `email` as `role` (owner's token) and has them accept; returns their token.
async fn join(app: &TestApp, owner: &str, vendor: &str, email: &str, role: &str) -> String {
    let invite = app
        .gql_as(
            Some(owner),
            ops::VENDOR_INVITE_CREATE,
            json!({ "input": { "vendorId": vendor, "email": email, "role": role } }),
        )
        .await;
    no_user_errors(&invite, "vendorInviteCreate");
    let secret = invite.str("vendorInviteCreate.token");
    let token = app.user(email, Role::Customer).await;
    let accepted = app.gql_as(Some(&token), ops::VENDOR_INVITE_ACCEPT, json!({ "token": secret })).await;
    no_user_errors(&accepted, "vendorInviteAccept");
    assert_eq!(accepted.str("vendorInviteAccept.membership.role"), role);
    token
}

#[tokio::test]
async fn a_new_vendor_goes_from_application_to_its_first_shipped_order() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;

    // 1. apply: a signed-in user applies and owns the PENDING vendor
    let owner = app.user("owner@acme.example", Role::Customer).await;
    let input = json!({
        "name": "Acme Ceramics", "contactEmail": "owner@acme.example", "country": "US",
        "description": "Hand-thrown mugs"
    });
    let applied = app.gql_as(Some(&owner), ops::VENDOR_APPLY, json!({ "input": input })).await;
    no_user_errors(&applied, "vendorApply");
    assert_eq!(applied.str("vendorApply.vendor.status"), "PENDING");
    let vendor = applied.str("vendorApply.vendor.id");
    let cannot_sell = app
        .gql_as(Some(&owner), ops::VENDOR_PRODUCT_CREATE, json!({ "input": { "vendorId": vendor, "title": "Early" } }))
        .await;
    assert_eq!(cannot_sell.user_error_codes("productCreate"), ["VENDOR_NOT_ACTIVE"]);

    // 2. review: staff approve the application
    let approved = app.gql_as(Some(&staff), ops::VENDOR_APPROVE, json!({ "id": vendor })).await;
    no_user_errors(&approved, "vendorApprove");
    assert_eq!(approved.str("vendorApprove.vendor.status"), "ACTIVE");

    // 3–4. invite and accept: an editor and a shipper join
    let editor = join(&app, &owner, &vendor, "sam@acme.example", "EDITOR").await;
    let shipper = join(&app, &owner, &vendor, "kim@acme.example", "FULFILLMENT").await;

    // 5. shipping: staff define the zone, the owner its own method
    let zone = zone(&app, &staff, "United States", &[("US", None)]).await;
    let method = app
        .gql_as(
            Some(&owner),
            ops::SHIPPING_METHOD_CREATE,
            json!({ "input": { "zoneId": zone, "vendorId": vendor, "name": "Acme Post", "flatRate": "4.00" } }),
        )
        .await;
    no_user_errors(&method, "shippingMethodCreate");
    let method = method.str("shippingMethodCreate.shippingMethod.id");

    // 6. catalog: the editor lists a product and submits it; staff approve it from the queue
    let variants = json!([{ "sku": "ACME-MUG", "price": "18.00", "stockOnHand": 5 }]);
    let created = app
        .gql_as(
            Some(&editor),
            ops::VENDOR_PRODUCT_CREATE,
            json!({ "input": { "vendorId": vendor, "title": "Speckled Mug", "status": "ACTIVE", "variants": variants } }),
        )
        .await;
    no_user_errors(&created, "productCreate");
    assert_eq!(created.str("productCreate.product.approvalStatus"), "NOT_SUBMITTED");
    let product = created.str("productCreate.product.id");
    let variant = created.str("productCreate.product.variants.0.id");
    let on_sale = |r: &crate::helpers::Gql| {
        r.get("products.edges").as_array().unwrap().iter().any(|e| e["node"]["id"] == json!(product))
    };
    assert!(!on_sale(&app.gql(ops::PRODUCTS, json!({ "first": 50 })).await), "not on sale before approval");
    let submitted = app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": product })).await;
    no_user_errors(&submitted, "productSubmitForReview");
    let queue = app.gql_as(Some(&staff), ops::PRODUCT_REVIEW_QUEUE, json!({ "first": 10 })).await;
    queue.assert_no_errors();
    assert!(
        queue.get("productReviewQueue.edges").as_array().unwrap().iter().any(|e| e["node"]["id"] == json!(product))
    );
    let decided = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": product })).await;
    no_user_errors(&decided, "productApprove");
    assert!(on_sale(&app.gql(ops::PRODUCTS, json!({ "first": 50 })).await), "on sale once approved");

    // 7. a shopper buys two mugs with the vendor's shipping method and pays
    let cart = app
        .gql(
            ops::CART_CREATE,
            json!({ "input": { "lines": [{ "variantId": variant, "quantity": 2 }], "email": "ann@example.com" } }),
        )
        .await;
    cart.assert_no_errors();
    let cart = cart.str("cartCreate.cart.id");
    app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": address() }))
        .await
        .assert_no_errors();
    let choice = json!([{ "vendorId": vendor, "shippingMethodId": method }]);
    let chosen = app.gql(ops::CART_SHIPPING_METHODS_UPDATE, json!({ "cartId": cart, "shippingMethods": choice })).await;
    no_user_errors(&chosen, "cartShippingMethodsUpdate");
    let placed = complete(&app, None, &cart, "first-order").await;
    placed.assert_no_errors();
    let order = placed.str("checkoutComplete.order.id");
    pay(&app, &order, "pm_card_visa").await.assert_no_errors();

    // 8. the shipper sees the paid vendor order with the address, and ships it
    let orders = app.gql_as(Some(&shipper), ops::VENDOR_ORDERS, json!({ "vendorId": vendor, "first": 10 })).await;
    orders.assert_no_errors();
    let vo: Value = orders.get("vendorOrders.edges.0.node").clone();
    assert_eq!(vo["status"], "PAID");
    assert_eq!(vo["shippingAddress"]["city"], address()["city"]);
    let line = vo["lines"][0]["id"].as_str().unwrap();
    let input = json!({
        "vendorOrderId": vo["id"], "lines": [{ "orderLineId": line, "quantity": 2 }],
        "carrier": "USPS", "trackingNumber": "9400 1000 0000 0000 0000 00"
    });
    let shipped = app.gql_as(Some(&shipper), ops::FULFILLMENT_CREATE, json!({ "input": input })).await;
    no_user_errors(&shipped, "fulfillmentCreate");

    // 9. the shopper sees the order fulfilled with its tracking
    let seen = app.gql(ops::ORDER_FULFILLMENTS, json!({ "id": order, "email": "ann@example.com" })).await;
    seen.assert_no_errors();
    assert_eq!(seen.str("order.status"), "FULFILLED");
    assert_eq!(seen.str("order.fulfillments.0.carrier"), "USPS");
    assert_eq!(seen.str("order.fulfillments.0.trackingNumber"), "9400 1000 0000 0000 0000 00");

    // 10. staff find every privileged step in the vendor's audit trail
    let log = app.gql_as(Some(&staff), ops::AUDIT_LOG, json!({ "first": 50, "filter": { "vendorId": vendor } })).await;
    log.assert_no_errors();
    let actions: Vec<&str> =
        log.get("auditLog.edges").as_array().unwrap().iter().filter_map(|e| e["node"]["action"].as_str()).collect();
    for expected in
        ["vendor.apply", "vendor.approve", "vendor.invite.create", "vendor.invite.accept", "product.approve"]
    {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}
