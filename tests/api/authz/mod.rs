//! The authorization matrix (reliability goal D1; issue 12, "Isolation, proven").
//!
//! The schema is introspected for vendor-scoped operations: fields of any object type (root
//! queries and mutations included) that take a `vendorId` argument, or an input argument with a
//! `vendorId` field; root fields acting on vendor-owned objects by their own ids (named
//! `product…`, `stock…`, `fulfillment…`, `vendor…`, `shippingMethod…`); and `node(id:)`, which
//! must hide a vendor's draft products, vendor orders and shipments from everyone but the
//! vendor's members and staff. Each must have an [`Entry`] below (or a reasoned line in [`NOT_SCOPED`]):
//! its document, variables, and which principals it allows. Every entry runs as each principal
//! (anonymous, two customers, each role of vendor A, the owner of vendor B, a blocked user,
//! staff, admin), and the outcome must match: allowed, or denied (401 / `UNAUTHENTICATED` /
//! `FORBIDDEN`, or a `FORBIDDEN` user error, or the vendor reported not found). The figures
//! are printed (`cargo test --test api authz -- --nocapture`).
//!
//! "Allowed" means the request passed authorization: a user error about the input (a duplicate
//! code, say) still counts as allowed. Vendor-member rules land with the vendor, catalog and
//! fulfilment work; their entries change `allows` and add rows as those operations appear.

use std::collections::{BTreeMap, BTreeSet};

use agora::{shared::role::Role, vendors::model::MemberRole};
use serde_json::{Value, json};

use crate::{
    helpers::{Gql, TestApp, fixtures},
    ops,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Principal {
    Anonymous,
    CustomerA,
    CustomerB,
    OwnerA,
    EditorA,
    FulfillmentA,
    OwnerB,
    Blocked,
    Staff,
    Admin,
}

use Principal::*;

const PRINCIPALS: [Principal; 10] =
    [Anonymous, CustomerA, CustomerB, OwnerA, EditorA, FulfillmentA, OwnerB, Blocked, Staff, Admin];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allow,
    Deny,
    /// Neither: an internal error or a refused argument (the entry's variables are wrong).
    Other,
}

/// What the entries act on: vendor A (the principals' vendor) and objects of A. Vendor B
/// exists for its owner, a member of another vendor.
struct World {
    vendor_a: String,
    zone: String,
    method_a: String,
    discount_a: String,
    /// A member of vendor A (an editor) whom member-management entries act on.
    member_a: String,
    /// Vendor A's catalog: a member's product (draft, one variant, and a second variant), a
    /// product to archive, a member's draft only `node` reads.
    product_a: String,
    variant_a: String,
    variant_a2: String,
    archive_a: String,
    draft_a: String,
    /// A paid guest order's vendor order of vendor A (10 units on one line), and a shipment.
    vo_a: String,
    line_a: String,
    fulfillment_a: String,
    /// A pending invite of vendor A, and a shipping method of A for each principal to delete
    /// (once one is deleted, anyone asking for it is told it is not found).
    invite_a: String,
    method_del_a: BTreeMap<Principal, String>,
    /// Vendor C (active; suspended and reinstated by staff) and two applications.
    vendor_c: String,
    pending: [String; 2],
    tokens: BTreeMap<Principal, String>,
}

/// One vendor-scoped operation in the matrix.
struct Entry {
    /// `Type.field`, as found by introspection (`Mutation.productCreate`).
    operation: &'static str,
    document: &'static str,
    /// The variables for a principal (unique names where a success creates something).
    variables: fn(&World, Principal) -> Value,
    /// Whether the principal is allowed.
    allows: fn(Principal) -> bool,
    /// For reads that hide rather than refuse (`node(id:)` answers null): the path whose value
    /// is non-null exactly when the principal may see the object.
    visible_at: Option<&'static str>,
}

/// Vendor-scoped by shape but authorised by something else, with the reason and where that is
/// tested.
const NOT_SCOPED: &[(&str, &str)] = &[
    (
        "Mutation.cartShippingMethodsUpdate",
        "`vendorId` picks a vendor group of the caller's own cart; the check is cart ownership (tests/api/cart)",
    ),
    (
        "Subscription.vendorOrderEvents",
        "WebSocket only (this matrix drives HTTP); VendorService::authorize with View, as vendorOrders: members \
         allowed, another vendor's owner, customers and anonymous refused in tests/api/realtime/subscriptions.rs",
    ),
    (
        "Subscription.lowStockAlerts",
        "WebSocket only (this matrix drives HTTP); VendorService::authorize with Catalog: the editor allowed, the \
         shipper and anonymous refused in tests/api/realtime/subscriptions.rs",
    ),
];

fn staff_only(p: Principal) -> bool {
    matches!(p, Staff | Admin)
}

fn signed_in(p: Principal) -> bool {
    !matches!(p, Anonymous | Blocked)
}

fn anyone_not_blocked(p: Principal) -> bool {
    p != Blocked
}

/// Vendor A's owner, and staff (`VendorPermission::Manage`).
fn owner_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | Staff | Admin)
}

/// Vendor A's owner and editor, and staff (`VendorPermission::Catalog`).
fn catalog_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | EditorA | Staff | Admin)
}

/// Vendor A's owner and shipper, and staff (`VendorPermission::Fulfil`).
fn fulfil_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | FulfillmentA | Staff | Admin)
}

/// Any member of vendor A, and staff (`VendorPermission::View`).
fn member_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | EditorA | FulfillmentA | Staff | Admin)
}

fn entries() -> Vec<Entry> {
    vec![
        Entry {
            operation: "Query.products",
            document: ops::PRODUCTS,
            variables: |w, _| json!({ "first": 5, "filter": { "vendorId": w.vendor_a } }),
            allows: anyone_not_blocked,
            visible_at: None,
        },
        Entry {
            operation: "Query.orders",
            document: ops::ORDERS,
            // customers get their own orders whatever the filter (tests/api/checkout)
            variables: |w, _| json!({ "first": 5, "filter": { "vendorId": w.vendor_a } }),
            allows: signed_in,
            visible_at: None,
        },
        Entry {
            operation: "Query.auditLog",
            document: ops::AUDIT_LOG,
            variables: |w, _| json!({ "first": 5, "filter": { "vendorId": w.vendor_a } }),
            allows: staff_only,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.productCreate",
            document: ops::PRODUCT_CREATE,
            variables: |w, p| json!({ "input": { "vendorId": w.vendor_a, "title": format!("Authz {p:?}") } }),
            allows: catalog_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.shippingMethodCreate",
            document: ops::SHIPPING_METHOD_CREATE,
            variables: |w, p| {
                json!({ "input": {
                    "zoneId": w.zone, "vendorId": w.vendor_a, "name": format!("Authz {p:?}"), "flatRate": "5.00"
                } })
            },
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.shippingMethodUpdate",
            document: ops::SHIPPING_METHOD_UPDATE,
            variables: |w, p| json!({ "id": w.method_a, "input": { "vendorId": w.vendor_a, "name": format!("By {p:?}") } }),
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.discountCreate",
            document: ops::DISCOUNT_CREATE,
            variables: |w, p| {
                json!({ "input": {
                    "code": format!("AUTHZ{}", p as u8), "percentage": "10", "vendorId": w.vendor_a
                } })
            },
            allows: staff_only,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.discountUpdate",
            document: ops::DISCOUNT_UPDATE,
            variables: |w, _| json!({ "id": w.discount_a, "input": { "vendorId": w.vendor_a, "percentage": "15" } }),
            allows: staff_only,
            visible_at: None,
        },
        Entry {
            operation: "Query.vendorProducts",
            document: ops::VENDOR_PRODUCTS,
            variables: |w, _| json!({ "vendorId": w.vendor_a, "first": 5 }),
            allows: member_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Query.vendorOrders",
            document: ops::VENDOR_ORDERS,
            variables: |w, _| json!({ "vendorId": w.vendor_a, "first": 5 }),
            allows: member_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Query.vendorShippingMethods",
            document: ops::VENDOR_SHIPPING_METHODS,
            variables: |w, _| json!({ "vendorId": w.vendor_a }),
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.vendorProfileUpdate",
            document: ops::VENDOR_PROFILE_UPDATE,
            variables: |w, p| json!({ "input": { "vendorId": w.vendor_a, "description": format!("Edited by {p:?}") } }),
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.vendorInviteCreate",
            document: ops::VENDOR_INVITE_CREATE,
            variables: |w, p| {
                json!({ "input": {
                    "vendorId": w.vendor_a, "email": format!("invitee-{}@example.com", p as u8), "role": "EDITOR"
                } })
            },
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.vendorMemberUpdate",
            document: ops::VENDOR_MEMBER_UPDATE,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "userId": w.member_a, "role": "EDITOR" } }),
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            // the first allowed principal removes the member; later ones get a user error about
            // `userId` (still past authorization)
            operation: "Mutation.vendorMemberRemove",
            document: ops::VENDOR_MEMBER_REMOVE,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "userId": w.member_a } }),
            allows: owner_a_or_staff,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.vendorCommissionSet",
            document: ops::VENDOR_COMMISSION_SET,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "rate": "12.5" } }),
            allows: staff_only,
            visible_at: None,
        },
        Entry {
            operation: "Mutation.vendorTrustSet",
            document: ops::VENDOR_TRUST_SET,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "trusted": false } }),
            allows: staff_only,
            visible_at: None,
        },
        // Operations addressing vendor A's objects by their own id (the vendor comes from the
        // object), and staff decisions on vendors and products.
        entry(
            "Mutation.productUpdate",
            ops::PRODUCT_UPDATE,
            catalog_a_or_staff,
            |w, p| json!({ "id": w.product_a, "input": { "description": format!("By {p:?}") } }),
        ),
        entry("Mutation.productArchive", ops::PRODUCT_ARCHIVE, catalog_a_or_staff, |w, _| json!({ "id": w.archive_a })),
        entry(
            "Mutation.productVariantCreate",
            ops::PRODUCT_VARIANT_CREATE,
            catalog_a_or_staff,
            |w, p| json!({ "productId": w.product_a, "input": { "sku": format!("AUTHZ-{}", p as u8), "price": "3.00" } }),
        ),
        entry(
            "Mutation.productVariantUpdate",
            ops::PRODUCT_VARIANT_UPDATE,
            catalog_a_or_staff,
            |w, _| json!({ "id": w.variant_a, "input": { "price": "11.00" } }),
        ),
        entry(
            "Mutation.productVariantArchive",
            ops::PRODUCT_VARIANT_ARCHIVE,
            catalog_a_or_staff,
            |w, _| json!({ "id": w.variant_a2 }),
        ),
        entry(
            "Mutation.stockAdjust",
            ops::STOCK_ADJUST,
            catalog_a_or_staff,
            |w, _| json!({ "input": { "variantId": w.variant_a, "delta": 1, "reason": "RECEIVED" } }),
        ),
        entry(
            "Mutation.productSubmitForReview",
            ops::PRODUCT_SUBMIT_FOR_REVIEW,
            catalog_a_or_staff,
            |w, _| json!({ "id": w.product_a }),
        ),
        entry("Query.productReviewQueue", ops::PRODUCT_REVIEW_QUEUE, staff_only, |_, _| json!({ "first": 5 })),
        entry("Mutation.productApprove", ops::PRODUCT_APPROVE, staff_only, |w, _| json!({ "id": w.product_a })),
        entry(
            "Mutation.productReject",
            ops::PRODUCT_REJECT,
            staff_only,
            |w, _| json!({ "id": w.product_a, "reason": "matrix" }),
        ),
        entry("Mutation.fulfillmentCreate", ops::FULFILLMENT_CREATE, fulfil_a_or_staff, |w, _| {
            json!({ "input": {
                "vendorOrderId": w.vo_a, "lines": [{ "orderLineId": w.line_a, "quantity": 1 }], "carrier": "UPS"
            } })
        }),
        entry(
            "Mutation.fulfillmentUpdate",
            ops::FULFILLMENT_UPDATE,
            fulfil_a_or_staff,
            |w, p| json!({ "input": { "id": w.fulfillment_a, "trackingNumber": format!("T-{}", p as u8) } }),
        ),
        entry("Mutation.vendorOrderLinesCancel", ops::VENDOR_ORDER_LINES_CANCEL, fulfil_a_or_staff, |w, _| {
            json!({ "input": {
                "vendorOrderId": w.vo_a, "lines": [{ "orderLineId": w.line_a, "quantity": 1 }], "reason": "matrix"
            } })
        }),
        entry(
            "Mutation.vendorInviteRevoke",
            ops::VENDOR_INVITE_REVOKE,
            owner_a_or_staff,
            |w, _| json!({ "id": w.invite_a }),
        ),
        entry(
            "Mutation.shippingMethodDelete",
            ops::SHIPPING_METHOD_DELETE,
            owner_a_or_staff,
            |w, p| json!({ "id": w.method_del_a[&p] }),
        ),
        entry(
            "Mutation.vendorCreate",
            ops::VENDOR_CREATE,
            staff_only,
            |_, p| json!({ "input": { "name": format!("Created by {p:?}") } }),
        ),
        entry("Mutation.vendorApply", ops::VENDOR_APPLY, signed_in, |_, p| {
            json!({ "input": {
                "name": format!("Applied by {p:?}"), "contactEmail": "apply@example.com", "country": "US"
            } })
        }),
        entry("Mutation.vendorApprove", ops::VENDOR_APPROVE, staff_only, |w, _| json!({ "id": w.pending[0] })),
        entry(
            "Mutation.vendorReject",
            ops::VENDOR_REJECT,
            staff_only,
            |w, _| json!({ "id": w.pending[1], "reason": "matrix" }),
        ),
        entry(
            "Mutation.vendorSuspend",
            ops::VENDOR_SUSPEND,
            staff_only,
            |w, _| json!({ "id": w.vendor_c, "reason": "matrix" }),
        ),
        entry("Mutation.vendorReinstate", ops::VENDOR_REINSTATE, staff_only, |w, _| json!({ "id": w.vendor_c })),
        // a token that names no invite: every signed-in caller gets a user error (allowed)
        entry(
            "Mutation.vendorInviteAccept",
            ops::VENDOR_INVITE_ACCEPT,
            signed_in,
            |_, _| json!({ "token": "no-such" }),
        ),
        entry("Query.vendor", ops::VENDOR, anyone_not_blocked, |_, _| json!({ "slug": "vendor-a" })),
        entry("Query.vendors", ops::VENDORS, anyone_not_blocked, |_, _| json!({})),
        // `node(id:)` hides what the caller may not see: visible exactly to the vendor's members
        // and staff (a draft product, a vendor order, a shipment)
        Entry {
            visible_at: Some("node"),
            ..entry("Query.node", ops::NODE, member_a_or_staff, |w, _| json!({ "id": w.draft_a }))
        },
        Entry {
            visible_at: Some("node"),
            ..entry("Query.node", ops::VENDOR_ORDER_NODE, member_a_or_staff, |w, _| json!({ "id": w.vo_a }))
        },
        Entry {
            visible_at: Some("node"),
            ..entry("Query.node", ops::VENDOR_ORDER_NODE, member_a_or_staff, |w, _| json!({ "id": w.fulfillment_a }))
        },
    ]
}

fn entry(
    operation: &'static str,
    document: &'static str,
    allows: fn(Principal) -> bool,
    variables: fn(&World, Principal) -> Value,
) -> Entry {
    Entry { operation, document, variables, allows, visible_at: None }
}

async fn world(app: &TestApp) -> World {
    let staff = app.staff().await;
    let admin = app.user("admin@example.com", Role::Admin).await;
    let vendor_a = fixtures::vendor(app, &staff, "Vendor A").await;
    let vendor_b = fixtures::vendor(app, &staff, "Vendor B").await;
    let zone = fixtures::zone(app, &staff, "Authz zone", &[("US", None)]).await;
    let method = fixtures::method(
        app,
        &staff,
        json!({ "zoneId": zone, "vendorId": vendor_a, "name": "Vendor A post", "flatRate": "4.00" }),
    )
    .await;
    let discount_a =
        fixtures::discount(app, &staff, json!({ "code": "VENDORA", "percentage": "5", "vendorId": vendor_a })).await;
    let mut tokens = BTreeMap::new();
    tokens.insert(CustomerA, app.user("customer-a@example.com", Role::Customer).await);
    tokens.insert(CustomerB, app.user("customer-b@example.com", Role::Customer).await);
    tokens.insert(OwnerA, fixtures::vendor_member(app, &vendor_a, "owner-a@example.com", MemberRole::Owner).await);
    tokens.insert(EditorA, fixtures::vendor_member(app, &vendor_a, "editor-a@example.com", MemberRole::Editor).await);
    tokens.insert(
        FulfillmentA,
        fixtures::vendor_member(app, &vendor_a, "fulfil-a@example.com", MemberRole::Fulfillment).await,
    );
    tokens.insert(OwnerB, fixtures::vendor_member(app, &vendor_b, "owner-b@example.com", MemberRole::Owner).await);
    let member = fixtures::vendor_member(app, &vendor_a, "member-a@example.com", MemberRole::Editor).await;
    let member_a = app.gql_as(Some(&member), ops::ME, json!({})).await.str("me.id");
    let owner_a = tokens[&OwnerA].clone();
    let editor_a = tokens[&EditorA].clone();

    // vendor A's catalog
    let create = |token: String, title: &'static str, variants: Value| {
        let vendor = vendor_a.clone();
        async move {
            let input = json!({ "vendorId": vendor, "title": title, "status": "ACTIVE", "variants": variants });
            let r = app.gql_as(Some(&token), ops::VENDOR_PRODUCT_CREATE, json!({ "input": input })).await;
            r.assert_no_errors();
            r.get("productCreate.product").clone()
        }
    };
    let product = create(editor_a.clone(), "Matrix Mug", json!([{ "sku": "MX-1", "price": "10.00" }])).await;
    let product_a = product["id"].as_str().unwrap().to_owned();
    let variant_a = product["variants"][0]["id"].as_str().unwrap().to_owned();
    let second = app
        .gql_as(
            Some(&editor_a),
            ops::PRODUCT_VARIANT_CREATE,
            json!({ "productId": product_a, "input": { "sku": "MX-2", "price": "12.00" } }),
        )
        .await;
    second.assert_no_errors();
    let variant_a2 = second.str("productVariantCreate.variant.id");
    let archive_a = create(editor_a.clone(), "Matrix Old Mug", json!([])).await["id"].as_str().unwrap().to_owned();
    let draft_a = create(editor_a.clone(), "Matrix Draft", json!([])).await["id"].as_str().unwrap().to_owned();
    let on_sale = create(staff.clone(), "Matrix Bowl", json!([{ "sku": "MX-B", "price": "8.00", "stockOnHand": 50 }]))
        .await["variants"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // a paid guest order of 10 bowls from vendor A, one shipment of 1 by staff
    let cart = app
        .gql(
            ops::CART_CREATE,
            json!({ "input": { "lines": [{ "variantId": on_sale, "quantity": 10 }], "email": "ann@example.com" } }),
        )
        .await
        .str("cartCreate.cart.id");
    app.gql(ops::CART_SHIPPING_ADDRESS_UPDATE, json!({ "cartId": cart, "address": fixtures::address() }))
        .await
        .assert_no_errors();
    let method_a = method["id"].as_str().unwrap().to_owned();
    let choice = json!([{ "vendorId": vendor_a, "shippingMethodId": method_a }]);
    app.gql(ops::CART_SHIPPING_METHODS_UPDATE, json!({ "cartId": cart, "shippingMethods": choice }))
        .await
        .assert_no_errors();
    let placed = fixtures::complete(app, None, &cart, "matrix").await;
    placed.assert_no_errors();
    fixtures::pay(app, &placed.str("checkoutComplete.order.id"), "pm_card_visa").await.assert_no_errors();
    let vo_a = placed.str("checkoutComplete.order.vendorOrders.0.id");
    let line_a = placed.str("checkoutComplete.order.vendorOrders.0.lines.0.id");
    let shipped = app
        .gql_as(
            Some(&staff),
            ops::FULFILLMENT_CREATE,
            json!({ "input": { "vendorOrderId": vo_a, "lines": [{ "orderLineId": line_a, "quantity": 1 }] } }),
        )
        .await;
    shipped.assert_no_errors();
    let fulfillment_a = shipped.str("fulfillmentCreate.fulfillment.id");

    // an invite and a shipping method of A; vendor C and two applications
    let invite = app
        .gql_as(
            Some(&owner_a),
            ops::VENDOR_INVITE_CREATE,
            json!({ "input": { "vendorId": vendor_a, "email": "later@example.com", "role": "EDITOR" } }),
        )
        .await;
    invite.assert_no_errors();
    let invite_a = invite.str("vendorInviteCreate.invite.id");
    let mut method_del_a = BTreeMap::new();
    for p in PRINCIPALS {
        let m = fixtures::method(
            app,
            &staff,
            json!({ "zoneId": zone, "vendorId": vendor_a, "name": format!("To delete {p:?}"), "flatRate": "1.00" }),
        )
        .await;
        method_del_a.insert(p, m["id"].as_str().unwrap().to_owned());
    }
    let vendor_c = fixtures::vendor(app, &staff, "Vendor C").await;
    let mut pending = vec![];
    for i in 0..2 {
        let applicant = app.user(&format!("applicant-{i}@example.com"), Role::Customer).await;
        let input = json!({ "name": format!("Applicant {i}"), "contactEmail": "a@example.com", "country": "US" });
        let r = app.gql_as(Some(&applicant), ops::VENDOR_APPLY, json!({ "input": input })).await;
        r.assert_no_errors();
        pending.push(r.str("vendorApply.vendor.id"));
    }
    let blocked = fixtures::vendor_member(app, &vendor_a, "blocked@example.com", MemberRole::Owner).await;
    let me = app.gql_as(Some(&blocked), ops::ME, json!({})).await.str("me.id");
    let r =
        app.gql_as(Some(&staff), ops::USER_BLOCK, json!({ "input": { "userId": me, "reason": "authz matrix" } })).await;
    r.assert_no_errors();
    tokens.insert(Blocked, blocked);
    tokens.insert(Staff, staff);
    tokens.insert(Admin, admin);
    World {
        vendor_a,
        zone,
        method_a: method["id"].as_str().unwrap().to_owned(),
        discount_a,
        member_a,
        product_a,
        variant_a,
        variant_a2,
        archive_a,
        draft_a,
        vo_a,
        line_a,
        fulfillment_a,
        invite_a,
        method_del_a,
        vendor_c,
        pending: [pending[0].clone(), pending[1].clone()],
        tokens,
    }
}

/// Allowed, denied, or neither (see the module doc); for hiding reads, whether the value at
/// `visible_at` is there.
fn outcome_of(r: &Gql, visible_at: Option<&str>) -> Outcome {
    match (outcome(r), visible_at) {
        (Outcome::Allow, Some(path)) if r.get(path).is_null() => Outcome::Deny,
        (o, _) => o,
    }
}

fn outcome(r: &Gql) -> Outcome {
    if r.status == 401 {
        return Outcome::Deny;
    }
    if let Some(errors) = r.body.get("errors").and_then(Value::as_array) {
        let codes: Vec<&str> = errors.iter().filter_map(|e| e["extensions"]["code"].as_str()).collect();
        return if codes.iter().any(|c| matches!(*c, "UNAUTHENTICATED" | "FORBIDDEN")) {
            Outcome::Deny
        } else {
            Outcome::Other
        };
    }
    for (_, payload) in r.body["data"].as_object().into_iter().flatten() {
        for e in payload.get("userErrors").and_then(Value::as_array).into_iter().flatten() {
            let code = e["code"].as_str().unwrap_or_default();
            let on_vendor = e["field"].as_array().and_then(|f| f.last()).is_some_and(|f| f == "vendorId");
            if code == "FORBIDDEN" || (on_vendor && code.contains("NOT_FOUND")) {
                return Outcome::Deny;
            }
        }
    }
    Outcome::Allow
}

/// Root fields acting on vendor-owned objects by their own ids (products, variants, stock,
/// shipments, vendor orders, vendors and their invites and shipping methods): each needs an
/// entry whatever its arguments.
const VENDOR_MUTATION_PREFIXES: &[&str] = &["product", "stock", "fulfillment", "vendor", "shippingMethod"];
const VENDOR_QUERY_PREFIXES: &[&str] = &["vendor", "productReviewQueue"];

/// `Query.node`, the root fields named by the prefixes above, and every field that takes a
/// `vendorId` argument or an input argument with a
/// `vendorId` field, over all object types of the schema.
async fn vendor_scoped_operations(app: &TestApp) -> BTreeSet<String> {
    let query = "{ __schema { types { kind name
        fields { name args { name type { ...T } } }
        inputFields { name } } } }
        fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";
    let r = app.gql(query, json!({})).await;
    r.assert_no_errors();
    let types = r.get("__schema.types").as_array().unwrap();
    let inputs_with_vendor: BTreeSet<&str> = types
        .iter()
        .filter(|t| t["kind"] == "INPUT_OBJECT")
        .filter(|t| t["inputFields"].as_array().into_iter().flatten().any(|f| f["name"] == "vendorId"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    fn named(mut ty: &Value) -> &str {
        while ty["name"].is_null() && !ty["ofType"].is_null() {
            ty = &ty["ofType"];
        }
        ty["name"].as_str().unwrap_or_default()
    }
    let mut found = BTreeSet::from(["Query.node".to_owned()]);
    for t in types.iter().filter(|t| t["kind"] == "OBJECT" && !t["name"].as_str().unwrap().starts_with("__")) {
        for f in t["fields"].as_array().into_iter().flatten() {
            let name = f["name"].as_str().unwrap();
            let by_name = match t["name"].as_str().unwrap() {
                "Mutation" => VENDOR_MUTATION_PREFIXES.iter().any(|p| name.starts_with(p)),
                "Query" => VENDOR_QUERY_PREFIXES.iter().any(|p| name.starts_with(p)),
                _ => false,
            };
            if by_name {
                found.insert(format!("{}.{name}", t["name"].as_str().unwrap()));
            }
            let scoped = f["args"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| a["name"] == "vendorId" || inputs_with_vendor.contains(named(&a["type"])));
            if scoped {
                found.insert(format!("{}.{}", t["name"].as_str().unwrap(), f["name"].as_str().unwrap()));
            }
        }
    }
    found
}

#[tokio::test]
async fn every_vendor_scoped_operation_allows_and_denies_as_the_matrix_says() {
    // given: the principals and what they act on
    let app = TestApp::spawn().await;
    let world = world(&app).await;
    let entries = entries();

    // then (first): every vendor-scoped operation has an entry, and every entry still exists
    let scoped = vendor_scoped_operations(&app).await;
    let covered: BTreeSet<String> = entries
        .iter()
        .map(|e| e.operation.to_owned())
        .chain(NOT_SCOPED.iter().map(|(op, _)| (*op).to_owned()))
        .collect();
    let missing: Vec<&String> = scoped.difference(&covered).collect();
    let stale: Vec<&String> = covered.difference(&scoped).collect();

    // when: each entry runs as each principal
    let (mut allowed, mut denied) = (0, 0);
    let mut unexpected = vec![];
    for entry in &entries {
        for p in PRINCIPALS {
            let token = world.tokens.get(&p).map(String::as_str);
            let r = app.gql_as(token, entry.document, (entry.variables)(&world, p)).await;
            let expected = if (entry.allows)(p) { Outcome::Allow } else { Outcome::Deny };
            let got = outcome_of(&r, entry.visible_at);
            match (expected, got == expected) {
                (Outcome::Allow, true) => allowed += 1,
                (_, true) => denied += 1,
                _ => unexpected
                    .push(format!("{} as {p:?}: expected {expected:?}, got {got:?}: {}", entry.operation, r.body)),
            }
        }
    }

    // then: the figures, and nothing unexpected
    println!(
        "authorization matrix: {} vendor-scoped operations ({} with entries, {} not scoped by vendor), \
         {} principals; {allowed} allowed and {denied} denied as expected, {} unexpected; {} missing, {} stale",
        scoped.len(),
        entries.len(),
        NOT_SCOPED.len(),
        PRINCIPALS.len(),
        unexpected.len(),
        missing.len(),
        stale.len(),
    );
    assert!(missing.is_empty(), "vendor-scoped operations without a matrix entry: {missing:?}");
    assert!(stale.is_empty(), "matrix entries for operations that no longer exist: {stale:?}");
    assert!(unexpected.is_empty(), "unexpected outcomes:\n{}", unexpected.join("\n"));
}
