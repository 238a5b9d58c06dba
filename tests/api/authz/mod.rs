//! The authorization matrix (reliability goal D1; issue 12, "Isolation, proven").
//!
//! The schema is introspected for vendor-scoped operations: fields of any object type (root
//! queries and mutations included) that take a `vendorId` argument, or an input argument with a
//! `vendorId` field. Each must have an [`Entry`] below (or a reasoned line in [`NOT_SCOPED`]):
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
}

/// Vendor-scoped by shape but authorised by something else, with the reason and where that is
/// tested.
const NOT_SCOPED: &[(&str, &str)] = &[(
    "Mutation.cartShippingMethodsUpdate",
    "`vendorId` picks a vendor group of the caller's own cart; the check is cart ownership (tests/api/cart)",
)];

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
        },
        Entry {
            operation: "Query.orders",
            document: ops::ORDERS,
            // customers get their own orders whatever the filter (tests/api/checkout)
            variables: |w, _| json!({ "first": 5, "filter": { "vendorId": w.vendor_a } }),
            allows: signed_in,
        },
        Entry {
            operation: "Query.auditLog",
            document: ops::AUDIT_LOG,
            variables: |w, _| json!({ "first": 5, "filter": { "vendorId": w.vendor_a } }),
            allows: staff_only,
        },
        Entry {
            operation: "Mutation.productCreate",
            document: ops::PRODUCT_CREATE,
            variables: |w, p| json!({ "input": { "vendorId": w.vendor_a, "title": format!("Authz {p:?}") } }),
            allows: catalog_a_or_staff,
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
        },
        Entry {
            operation: "Mutation.shippingMethodUpdate",
            document: ops::SHIPPING_METHOD_UPDATE,
            variables: |w, p| json!({ "id": w.method_a, "input": { "vendorId": w.vendor_a, "name": format!("By {p:?}") } }),
            allows: owner_a_or_staff,
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
        },
        Entry {
            operation: "Mutation.discountUpdate",
            document: ops::DISCOUNT_UPDATE,
            variables: |w, _| json!({ "id": w.discount_a, "input": { "vendorId": w.vendor_a, "percentage": "15" } }),
            allows: staff_only,
        },
        Entry {
            operation: "Query.vendorProducts",
            document: ops::VENDOR_PRODUCTS,
            variables: |w, _| json!({ "vendorId": w.vendor_a, "first": 5 }),
            allows: member_a_or_staff,
        },
        Entry {
            operation: "Query.vendorOrders",
            document: ops::VENDOR_ORDERS,
            variables: |w, _| json!({ "vendorId": w.vendor_a, "first": 5 }),
            allows: member_a_or_staff,
        },
        Entry {
            operation: "Query.vendorShippingMethods",
            document: ops::VENDOR_SHIPPING_METHODS,
            variables: |w, _| json!({ "vendorId": w.vendor_a }),
            allows: owner_a_or_staff,
        },
        Entry {
            operation: "Mutation.vendorProfileUpdate",
            document: ops::VENDOR_PROFILE_UPDATE,
            variables: |w, p| json!({ "input": { "vendorId": w.vendor_a, "description": format!("Edited by {p:?}") } }),
            allows: owner_a_or_staff,
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
        },
        Entry {
            operation: "Mutation.vendorMemberUpdate",
            document: ops::VENDOR_MEMBER_UPDATE,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "userId": w.member_a, "role": "EDITOR" } }),
            allows: owner_a_or_staff,
        },
        Entry {
            // the first allowed principal removes the member; later ones get a user error about
            // `userId` (still past authorization)
            operation: "Mutation.vendorMemberRemove",
            document: ops::VENDOR_MEMBER_REMOVE,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "userId": w.member_a } }),
            allows: owner_a_or_staff,
        },
        Entry {
            operation: "Mutation.vendorCommissionSet",
            document: ops::VENDOR_COMMISSION_SET,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "rate": "12.5" } }),
            allows: staff_only,
        },
        Entry {
            operation: "Mutation.vendorTrustSet",
            document: ops::VENDOR_TRUST_SET,
            variables: |w, _| json!({ "input": { "vendorId": w.vendor_a, "trusted": false } }),
            allows: staff_only,
        },
    ]
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
    let blocked = fixtures::vendor_member(app, &vendor_a, "blocked@example.com", MemberRole::Owner).await;
    let me = app.gql_as(Some(&blocked), ops::ME, json!({})).await.str("me.id");
    let r =
        app.gql_as(Some(&staff), ops::USER_BLOCK, json!({ "input": { "userId": me, "reason": "authz matrix" } })).await;
    r.assert_no_errors();
    tokens.insert(Blocked, blocked);
    tokens.insert(Staff, staff);
    tokens.insert(Admin, admin);
    World { vendor_a, zone, method_a: method["id"].as_str().unwrap().to_owned(), discount_a, member_a, tokens }
}

/// Allowed, denied, or neither (see the module doc).
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

/// `Type.field` of every field that takes a `vendorId` argument or an input argument with a
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
    let mut found = BTreeSet::new();
    for t in types.iter().filter(|t| t["kind"] == "OBJECT" && !t["name"].as_str().unwrap().starts_with("__")) {
        for f in t["fields"].as_array().into_iter().flatten() {
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
            let got = outcome(&r);
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
