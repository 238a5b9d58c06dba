//! The matrix's entries: one per vendor-scoped operation or private field (several for
//! `node`/`nodes`), each with its document, variables for a side and a principal, and who may.

use serde_json::{Value, json};

use super::{Entry, Principal, Principal::*, world::Side, world::World};
use crate::ops;

/// `nodes(ids:)` over anything with an id.
const NODES: &str = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";
/// An order by `node(id:)`, with its vendor orders' lines.
const NODES_ORDER: &str =
    "query OrderNode($id: ID!) { node(id: $id) { __typename id ... on Order { vendorOrders { id lines { id } } } } }";
/// A vendor's fields that are private to its members (or owners) and staff.
const VENDOR_PRIVATE: &str = "query VendorPrivate($slug: String!) { vendor(slug: $slug) {
    id contactEmail commissionRate commissionOverridden trusted members { email } invites { email } } }";
/// A product's fields that are private to its vendor's members and staff.
const PRODUCT_PRIVATE: &str =
    "query ProductPrivate($id: ID!) { node(id: $id) { id ... on Product { approvalStatus history { action } } } }";

fn staff_only(p: Principal) -> bool {
    matches!(p, Staff | Admin)
}

fn signed_in(p: Principal) -> bool {
    !matches!(p, Anonymous | Blocked)
}

fn anyone_not_blocked(p: Principal) -> bool {
    p != Blocked
}

/// The vendor's owner, and staff (`VendorPermission::Manage`).
fn owner_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | Staff | Admin)
}

/// The vendor's owner and editor, and staff (`VendorPermission::Catalog`).
fn catalog_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | EditorA | Staff | Admin)
}

/// The vendor's owner and shipper, and staff (`VendorPermission::Fulfil`).
fn fulfil_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | FulfillmentA | Staff | Admin)
}

/// Any member of the vendor, and staff (`VendorPermission::View`).
fn member_a_or_staff(p: Principal) -> bool {
    matches!(p, OwnerA | EditorA | FulfillmentA | Staff | Admin)
}

fn by_slug(_: &World, s: &Side, _: Principal) -> Value {
    json!({ "slug": s.slug })
}

pub fn entries() -> Vec<Entry> {
    vec![
        Entry {
            operation: "Query.products",
            document: ops::PRODUCTS,
            variables: |_, s, _| json!({ "first": 5, "filter": { "vendorId": s.vendor } }),
            allows: anyone_not_blocked,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Query.orders",
            document: ops::ORDERS,
            // customers get their own orders whatever the filter (tests/api/checkout)
            variables: |_, s, _| json!({ "first": 5, "filter": { "vendorId": s.vendor } }),
            allows: signed_in,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Query.auditLog",
            document: ops::AUDIT_LOG,
            variables: |_, s, _| json!({ "first": 5, "filter": { "vendorId": s.vendor } }),
            allows: staff_only,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.productCreate",
            document: ops::PRODUCT_CREATE,
            variables: |_, s, p| json!({ "input": { "vendorId": s.vendor, "title": format!("Authz {p:?}") } }),
            allows: catalog_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.shippingMethodCreate",
            document: ops::SHIPPING_METHOD_CREATE,
            variables: |w, s, p| {
                json!({ "input": {
                    "zoneId": w.zone, "vendorId": s.vendor, "name": format!("Authz {p:?}"), "flatRate": "5.00"
                } })
            },
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.shippingMethodUpdate",
            document: ops::SHIPPING_METHOD_UPDATE,
            variables: |_, s, p| json!({ "id": s.method, "input": { "vendorId": s.vendor, "name": format!("By {p:?}") } }),
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.discountCreate",
            document: ops::DISCOUNT_CREATE,
            variables: |_, s, p| {
                json!({ "input": {
                    "code": format!("AUTHZ{}", p as u8), "percentage": "10", "vendorId": s.vendor
                } })
            },
            allows: staff_only,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.discountUpdate",
            document: ops::DISCOUNT_UPDATE,
            variables: |_, s, _| json!({ "id": s.discount, "input": { "vendorId": s.vendor, "percentage": "15" } }),
            allows: staff_only,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Query.vendorProducts",
            document: ops::VENDOR_PRODUCTS,
            variables: |_, s, _| json!({ "vendorId": s.vendor, "first": 5 }),
            allows: member_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Query.vendorOrders",
            document: ops::VENDOR_ORDERS,
            variables: |_, s, _| json!({ "vendorId": s.vendor, "first": 5 }),
            allows: member_a_or_staff,
            visible_at: None,
            once: false,
        },
        entry(
            "Query.shippingZones",
            ops::VENDOR_SHIPPING_ZONES,
            owner_a_or_staff,
            |_, s, _| json!({ "vendorId": s.vendor }),
        ),
        Entry {
            operation: "Query.vendorShippingMethods",
            document: ops::VENDOR_SHIPPING_METHODS,
            variables: |_, s, _| json!({ "vendorId": s.vendor }),
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.vendorProfileUpdate",
            document: ops::VENDOR_PROFILE_UPDATE,
            variables: |_, s, p| json!({ "input": { "vendorId": s.vendor, "description": format!("Edited by {p:?}") } }),
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.vendorInviteCreate",
            document: ops::VENDOR_INVITE_CREATE,
            variables: |_, s, p| {
                json!({ "input": {
                    "vendorId": s.vendor, "email": format!("invitee-{}@example.com", p as u8), "role": "EDITOR"
                } })
            },
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.vendorMemberUpdate",
            document: ops::VENDOR_MEMBER_UPDATE,
            variables: |_, s, _| json!({ "input": { "vendorId": s.vendor, "userId": s.member, "role": "EDITOR" } }),
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            // the first allowed principal removes the member; later ones get a user error about
            // `userId` (still past authorization)
            operation: "Mutation.vendorMemberRemove",
            document: ops::VENDOR_MEMBER_REMOVE,
            variables: |_, s, _| json!({ "input": { "vendorId": s.vendor, "userId": s.member } }),
            allows: owner_a_or_staff,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.vendorCommissionSet",
            document: ops::VENDOR_COMMISSION_SET,
            variables: |_, s, _| json!({ "input": { "vendorId": s.vendor, "rate": "12.5" } }),
            allows: staff_only,
            visible_at: None,
            once: false,
        },
        Entry {
            operation: "Mutation.vendorTrustSet",
            document: ops::VENDOR_TRUST_SET,
            variables: |_, s, _| json!({ "input": { "vendorId": s.vendor, "trusted": false } }),
            allows: staff_only,
            visible_at: None,
            once: false,
        },
        // Operations addressing vendor A's objects by their own id (the vendor comes from the
        // object), and staff decisions on vendors and products.
        entry(
            "Mutation.productUpdate",
            ops::PRODUCT_UPDATE,
            catalog_a_or_staff,
            |_, s, p| json!({ "id": s.product, "input": { "description": format!("By {p:?}") } }),
        ),
        entry(
            "Mutation.productArchive",
            ops::PRODUCT_ARCHIVE,
            catalog_a_or_staff,
            |_, s, _| json!({ "id": s.archive }),
        ),
        entry(
            "Mutation.productVariantCreate",
            ops::PRODUCT_VARIANT_CREATE,
            catalog_a_or_staff,
            |_, s, p| json!({ "productId": s.product, "input": { "sku": format!("AUTHZ-{}", p as u8), "price": "3.00" } }),
        ),
        entry(
            "Mutation.productVariantUpdate",
            ops::PRODUCT_VARIANT_UPDATE,
            catalog_a_or_staff,
            |_, s, _| json!({ "id": s.variant, "input": { "price": "11.00" } }),
        ),
        entry(
            "Mutation.productVariantArchive",
            ops::PRODUCT_VARIANT_ARCHIVE,
            catalog_a_or_staff,
            |_, s, _| json!({ "id": s.variant2 }),
        ),
        entry(
            "Mutation.stockAdjust",
            ops::STOCK_ADJUST,
            catalog_a_or_staff,
            |_, s, _| json!({ "input": { "variantId": s.variant, "delta": 1, "reason": "RECEIVED" } }),
        ),
        entry(
            "Mutation.productSubmitForReview",
            ops::PRODUCT_SUBMIT_FOR_REVIEW,
            catalog_a_or_staff,
            |_, s, _| json!({ "id": s.product }),
        ),
        once(entry("Query.productReviewQueue", ops::PRODUCT_REVIEW_QUEUE, staff_only, |_, _, _| json!({ "first": 5 }))),
        entry("Mutation.productApprove", ops::PRODUCT_APPROVE, staff_only, |_, s, _| json!({ "id": s.product })),
        entry(
            "Mutation.productReject",
            ops::PRODUCT_REJECT,
            staff_only,
            |_, s, _| json!({ "id": s.product, "reason": "matrix" }),
        ),
        entry("Mutation.fulfillmentCreate", ops::FULFILLMENT_CREATE, fulfil_a_or_staff, |_, s, _| {
            json!({ "input": {
                "vendorOrderId": s.vo, "lines": [{ "orderLineId": s.line, "quantity": 1 }], "carrier": "UPS"
            } })
        }),
        entry(
            "Mutation.fulfillmentUpdate",
            ops::FULFILLMENT_UPDATE,
            fulfil_a_or_staff,
            |_, s, p| json!({ "input": { "id": s.fulfillment, "trackingNumber": format!("T-{}", p as u8) } }),
        ),
        entry("Mutation.vendorOrderLinesCancel", ops::VENDOR_ORDER_LINES_CANCEL, fulfil_a_or_staff, |_, s, _| {
            json!({ "input": {
                "vendorOrderId": s.vo, "lines": [{ "orderLineId": s.line, "quantity": 1 }], "reason": "matrix"
            } })
        }),
        entry(
            "Mutation.vendorInviteRevoke",
            ops::VENDOR_INVITE_REVOKE,
            owner_a_or_staff,
            |_, s, _| json!({ "id": s.invite }),
        ),
        entry(
            "Mutation.shippingMethodDelete",
            ops::SHIPPING_METHOD_DELETE,
            owner_a_or_staff,
            |_, s, p| json!({ "id": s.method_del[&p] }),
        ),
        once(entry(
            "Mutation.vendorCreate",
            ops::VENDOR_CREATE,
            staff_only,
            |_, _, p| json!({ "input": { "name": format!("Created by {p:?}") } }),
        )),
        once(entry("Mutation.vendorApply", ops::VENDOR_APPLY, signed_in, |_, _, p| {
            json!({ "input": {
                "name": format!("Applied by {p:?}"), "contactEmail": "apply@example.com", "country": "US"
            } })
        })),
        once(entry("Mutation.vendorApprove", ops::VENDOR_APPROVE, staff_only, |w, _, _| json!({ "id": w.pending[0] }))),
        once(entry(
            "Mutation.vendorReject",
            ops::VENDOR_REJECT,
            staff_only,
            |w, _, _| json!({ "id": w.pending[1], "reason": "matrix" }),
        )),
        once(entry(
            "Mutation.vendorSuspend",
            ops::VENDOR_SUSPEND,
            staff_only,
            |w, _, _| json!({ "id": w.vendor_c, "reason": "matrix" }),
        )),
        once(entry(
            "Mutation.vendorReinstate",
            ops::VENDOR_REINSTATE,
            staff_only,
            |w, _, _| json!({ "id": w.vendor_c }),
        )),
        // a token that names no invite: every signed-in caller gets a user error (allowed)
        once(entry(
            "Mutation.vendorInviteAccept",
            ops::VENDOR_INVITE_ACCEPT,
            signed_in,
            |_, _, _| json!({ "token": "no-such" }),
        )),
        entry("Query.vendor", ops::VENDOR, anyone_not_blocked, |_, s, _| json!({ "slug": s.slug })),
        once(entry("Query.vendors", ops::VENDORS, anyone_not_blocked, |_, _, _| json!({}))),
        // `node(id:)` and `nodes(ids:)` hide what the caller may not see: a draft product, a
        // vendor order and a shipment are visible exactly to the vendor's members and staff
        hidden("node", entry("Query.node", ops::NODE, member_a_or_staff, |_, s, _| json!({ "id": s.draft }))),
        hidden("node", entry("Query.node", ops::VENDOR_ORDER_NODE, member_a_or_staff, |_, s, _| json!({ "id": s.vo }))),
        hidden(
            "node",
            entry("Query.node", ops::VENDOR_ORDER_NODE, member_a_or_staff, |_, s, _| json!({ "id": s.fulfillment })),
        ),
        hidden("nodes.0", entry("Query.nodes", NODES, member_a_or_staff, |_, s, _| json!({ "ids": [s.draft] }))),
        hidden("nodes.0", entry("Query.nodes", NODES, member_a_or_staff, |_, s, _| json!({ "ids": [s.vo] }))),
        hidden("nodes.0", entry("Query.nodes", NODES, member_a_or_staff, |_, s, _| json!({ "ids": [s.fulfillment] }))),
        // the buyer's order (a guest's) is theirs and staff's: no vendor member reads it, nor its
        // other vendor's lines, through `node` or `nodes`
        once(hidden("node", entry("Query.node", NODES_ORDER, staff_only, |w, _, _| json!({ "id": w.order })))),
        // nested fields private to the vendor, on objects everyone (or every member) can reach
        hidden("vendor.contactEmail", entry("Vendor.contactEmail", VENDOR_PRIVATE, member_a_or_staff, by_slug)),
        hidden("vendor.commissionRate", entry("Vendor.commissionRate", VENDOR_PRIVATE, owner_a_or_staff, by_slug)),
        hidden(
            "vendor.commissionOverridden",
            entry("Vendor.commissionOverridden", VENDOR_PRIVATE, owner_a_or_staff, by_slug),
        ),
        hidden("vendor.trusted", entry("Vendor.trusted", VENDOR_PRIVATE, owner_a_or_staff, by_slug)),
        hidden("vendor.members", entry("Vendor.members", VENDOR_PRIVATE, owner_a_or_staff, by_slug)),
        hidden("vendor.invites", entry("Vendor.invites", VENDOR_PRIVATE, owner_a_or_staff, by_slug)),
        hidden(
            "node.approvalStatus",
            entry("Product.approvalStatus", PRODUCT_PRIVATE, member_a_or_staff, |_, s, _| json!({ "id": s.on_sale })),
        ),
        hidden(
            "node.history",
            entry("Product.history", PRODUCT_PRIVATE, member_a_or_staff, |_, s, _| json!({ "id": s.on_sale })),
        ),
        hidden(
            "vendorOrders.edges.0.node.shippingAddress",
            entry(
                "VendorPanelOrder.shippingAddress",
                ops::VENDOR_ORDERS,
                fulfil_a_or_staff,
                |_, s, _| json!({ "vendorId": s.vendor, "first": 1 }),
            ),
        ),
    ]
}

fn entry(
    operation: &'static str,
    document: &'static str,
    allows: fn(Principal) -> bool,
    variables: fn(&World, &Side, Principal) -> Value,
) -> Entry {
    Entry { operation, document, variables, allows, visible_at: None, once: false }
}

/// A read that hides rather than refuses: allowed exactly when the value at `path` is there.
fn hidden(path: &'static str, entry: Entry) -> Entry {
    Entry { visible_at: Some(path), ..entry }
}

/// An entry about no particular vendor (applications, staff decisions on vendor C, lists):
/// run once, not per side.
fn once(entry: Entry) -> Entry {
    Entry { once: true, ..entry }
}
