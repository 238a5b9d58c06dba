//! What the matrix acts on: two vendors built the same way (A, whose members are most of the
//! principals, and B, which only its owner belongs to), one paid guest order with a vendor
//! order of each, a third vendor for staff decisions, and two applications.

use std::collections::BTreeMap;

use agora::{shared::role::Role, vendors::model::MemberRole};
use serde_json::{Value, json};

use super::{PRINCIPALS, Principal, Principal::*};
use crate::{
    helpers::{TestApp, fixtures},
    ops,
};

/// One vendor's objects. Each exists on both sides, so an entry runs against vendor A's
/// objects and again against vendor B's.
pub struct Side {
    pub vendor: String,
    pub slug: String,
    pub method: String,
    pub discount: String,
    /// An editor of the vendor whom member-management entries act on.
    pub member: String,
    /// A member's product (not submitted, one variant, and a second variant), a product to
    /// archive, and a member's draft only `node` reads.
    pub product: String,
    pub variant: String,
    pub variant2: String,
    pub archive: String,
    pub draft: String,
    /// A product on sale (staff-created, so approved), which anyone can read.
    pub on_sale: String,
    on_sale_variant: String,
    /// The vendor order of the shared paid order (10 units on one line), and its shipment.
    pub vo: String,
    pub line: String,
    pub fulfillment: String,
    /// A pending invite, and a shipping method for each principal to delete (once one is
    /// deleted, anyone asking for it is told it is not found).
    pub invite: String,
    pub method_del: BTreeMap<Principal, String>,
}

pub struct World {
    pub a: Side,
    pub b: Side,
    pub zone: String,
    /// The paid guest order holding both vendor orders.
    pub order: String,
    /// Vendor C (active; suspended and reinstated by staff) and two applications.
    pub vendor_c: String,
    pub pending: [String; 2],
    pub tokens: BTreeMap<Principal, String>,
}

/// A vendor applied for by `owner` (so it has a contact e-mail) and approved by staff; its
/// slug and global ID.
async fn applied_vendor(app: &TestApp, staff: &str, owner: &str, name: &str) -> (String, String) {
    let input = json!({ "name": name, "contactEmail": "contact@example.com", "country": "US" });
    let applied = app.gql_as(Some(owner), ops::VENDOR_APPLY, json!({ "input": input })).await;
    applied.assert_no_errors();
    let id = applied.str("vendorApply.vendor.id");
    app.gql_as(Some(staff), ops::VENDOR_APPROVE, json!({ "id": id })).await.assert_no_errors();
    (id, applied.str("vendorApply.vendor.slug"))
}

/// The catalog, shipping, discount, invite and members of one vendor; the order comes later.
async fn side(app: &TestApp, staff: &str, zone: &str, vendor: String, slug: String, owner: &str) -> Side {
    let tag = slug.clone();
    let editor = fixtures::vendor_member(app, &vendor, &format!("catalog-{tag}@example.com"), MemberRole::Editor).await;
    let member = fixtures::vendor_member(app, &vendor, &format!("member-{tag}@example.com"), MemberRole::Editor).await;
    let member = app.gql_as(Some(&member), ops::ME, json!({})).await.str("me.id");
    let method = fixtures::method(
        app,
        staff,
        json!({ "zoneId": zone, "vendorId": vendor, "name": format!("{tag} post"), "flatRate": "4.00" }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = format!("D{}", tag.to_uppercase().replace('-', ""));
    let discount = fixtures::discount(app, staff, json!({ "code": code, "percentage": "5", "vendorId": vendor })).await;

    let create = |token: String, title: String, variants: Value| {
        let vendor = vendor.clone();
        async move {
            let input = json!({ "vendorId": vendor, "title": title, "status": "ACTIVE", "variants": variants });
            let r = app.gql_as(Some(&token), ops::VENDOR_PRODUCT_CREATE, json!({ "input": input })).await;
            r.assert_no_errors();
            r.get("productCreate.product").clone()
        }
    };
    let product =
        create(editor.clone(), format!("{tag} mug"), json!([{ "sku": format!("{tag}-1"), "price": "10.00" }])).await;
    let product_id = product["id"].as_str().unwrap().to_owned();
    let second = app
        .gql_as(
            Some(&editor),
            ops::PRODUCT_VARIANT_CREATE,
            json!({ "productId": product_id, "input": { "sku": format!("{tag}-2"), "price": "12.00" } }),
        )
        .await;
    second.assert_no_errors();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let archive = id(&create(editor.clone(), format!("{tag} old mug"), json!([])).await);
    let draft = id(&create(editor.clone(), format!("{tag} draft"), json!([])).await);
    let on_sale = create(
        staff.to_owned(),
        format!("{tag} bowl"),
        json!([{ "sku": format!("{tag}-B"), "price": "8.00", "stockOnHand": 50 }]),
    )
    .await;

    let invite = app
        .gql_as(
            Some(owner),
            ops::VENDOR_INVITE_CREATE,
            json!({ "input": { "vendorId": vendor, "email": format!("later-{tag}@example.com"), "role": "EDITOR" } }),
        )
        .await;
    invite.assert_no_errors();
    let mut method_del = BTreeMap::new();
    for p in PRINCIPALS {
        let m = fixtures::method(
            app,
            staff,
            json!({ "zoneId": zone, "vendorId": vendor, "name": format!("To delete {p:?}"), "flatRate": "1.00" }),
        )
        .await;
        method_del.insert(p, id(&m));
    }
    Side {
        vendor,
        slug,
        method,
        discount,
        member,
        variant: product["variants"][0]["id"].as_str().unwrap().to_owned(),
        variant2: second.str("productVariantCreate.variant.id"),
        product: product_id,
        archive,
        draft,
        on_sale: id(&on_sale),
        on_sale_variant: on_sale["variants"][0]["id"].as_str().unwrap().to_owned(),
        vo: String::new(),
        line: String::new(),
        fulfillment: String::new(),
        invite: invite.str("vendorInviteCreate.invite.id"),
        method_del,
    }
}

/// A paid guest order of 10 bowls from each side; staff ships one of each. Fills in the sides'
/// vendor order, line and shipment; returns the order's global ID.
async fn order(app: &TestApp, staff: &str, a: &mut Side, b: &mut Side) -> String {
    let lines = json!([
        { "variantId": a.on_sale_variant, "quantity": 10 },
        { "variantId": b.on_sale_variant, "quantity": 10 },
    ]);
    let cart = app
        .gql(ops::CART_CREATE, json!({ "input": { "lines": lines, "email": "ann@example.com" } }))
        .await
        .str("cartCreate.cart.id");
    app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": fixtures::address() }))
        .await
        .assert_no_errors();
    let choice = json!([
        { "vendorId": a.vendor, "shippingMethodId": a.method },
        { "vendorId": b.vendor, "shippingMethodId": b.method },
    ]);
    app.gql(ops::CART_SHIPPING_METHODS_UPDATE, json!({ "cartId": cart, "shippingMethods": choice }))
        .await
        .assert_no_errors();
    let placed = fixtures::complete(app, None, &cart, "matrix").await;
    placed.assert_no_errors();
    let order = placed.str("checkoutComplete.order.id");
    fixtures::pay(app, &order, "pm_card_visa").await.assert_no_errors();
    for vo in placed.get("checkoutComplete.order.vendorOrders").as_array().unwrap() {
        let side = if vo["vendor"]["id"] == a.vendor.as_str() { &mut *a } else { &mut *b };
        side.vo = vo["id"].as_str().unwrap().to_owned();
        side.line = vo["lines"][0]["id"].as_str().unwrap().to_owned();
        let shipped = app
            .gql_as(
                Some(staff),
                ops::FULFILLMENT_CREATE,
                json!({ "input": { "vendorOrderId": side.vo, "lines": [{ "orderLineId": side.line, "quantity": 1 }] } }),
            )
            .await;
        shipped.assert_no_errors();
        side.fulfillment = shipped.str("fulfillmentCreate.fulfillment.id");
    }
    assert!(!a.vo.is_empty() && !b.vo.is_empty(), "one vendor order per vendor");
    order
}

pub async fn world(app: &TestApp) -> World {
    let staff = app.staff().await;
    let admin = app.user("admin@example.com", Role::Admin).await;
    let zone = fixtures::zone(app, &staff, "Authz zone", &[("US", None)]).await;
    let mut tokens = BTreeMap::new();
    tokens.insert(CustomerA, app.user("customer-a@example.com", Role::Customer).await);
    tokens.insert(CustomerB, app.user("customer-b@example.com", Role::Customer).await);
    let owner_a = app.user("owner-a@example.com", Role::Customer).await;
    let owner_b = app.user("owner-b@example.com", Role::Customer).await;
    let (vendor_a, slug_a) = applied_vendor(app, &staff, &owner_a, "Vendor A").await;
    let (vendor_b, slug_b) = applied_vendor(app, &staff, &owner_b, "Vendor B").await;
    tokens.insert(OwnerA, owner_a.clone());
    tokens.insert(OwnerB, owner_b.clone());
    tokens.insert(EditorA, fixtures::vendor_member(app, &vendor_a, "editor-a@example.com", MemberRole::Editor).await);
    tokens.insert(
        FulfillmentA,
        fixtures::vendor_member(app, &vendor_a, "fulfil-a@example.com", MemberRole::Fulfillment).await,
    );
    let mut a = side(app, &staff, &zone, vendor_a.clone(), slug_a, &owner_a).await;
    let mut b = side(app, &staff, &zone, vendor_b, slug_b, &owner_b).await;
    let order = order(app, &staff, &mut a, &mut b).await;

    let vendor_c = fixtures::vendor(app, &staff, "Vendor C").await;
    let mut pending = vec![];
    for i in 0..2 {
        let applicant = app.user(&format!("applicant-{i}@example.com"), Role::Customer).await;
        let input = json!({ "name": format!("Applicant {i}"), "contactEmail": "a@example.com", "country": "US" });
        let r = app.gql_as(Some(&applicant), ops::VENDOR_APPLY, json!({ "input": input })).await;
        r.assert_no_errors();
        pending.push(r.str("vendorApply.vendor.id"));
    }
    // an owner of vendor A whom staff block: every one of their requests is refused
    let blocked = fixtures::vendor_member(app, &vendor_a, "blocked@example.com", MemberRole::Owner).await;
    let me = app.gql_as(Some(&blocked), ops::ME, json!({})).await.str("me.id");
    let r =
        app.gql_as(Some(&staff), ops::USER_BLOCK, json!({ "input": { "userId": me, "reason": "authz matrix" } })).await;
    r.assert_no_errors();
    tokens.insert(Blocked, blocked);
    tokens.insert(Staff, staff);
    tokens.insert(Admin, admin);
    World { a, b, zone, order, vendor_c, pending: [pending[0].clone(), pending[1].clone()], tokens }
}
