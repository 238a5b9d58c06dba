//! The authorization matrix (reliability goal D1; issue 12, "Isolation, proven").
//!
//! The schema is introspected for vendor-scoped operations: fields of any object type (root
//! queries and mutations included) that take a `vendorId` argument, or an input argument with a
//! `vendorId` field; root fields acting on vendor-owned objects by their own ids (named
//! `product…`, `stock…`, `fulfillment…`, `vendor…`, `shippingMethod…`); `node(id:)` and
//! `nodes(ids:)`, which must hide a vendor's draft products, vendor orders and shipments from
//! everyone but the vendor's members and staff; and nested fields private to a vendor (their
//! description says "Private to the vendor"). Each must have an [`Entry`] (in `entries.rs`),
//! or a reasoned line in [`NOT_SCOPED`] / [`TESTED_ELSEWHERE`]: its document, variables, and
//! which principals it allows.
//!
//! Every entry runs as each principal (anonymous, two customers, each role of vendor A, the
//! owner of vendor B, a blocked user, staff, admin) against vendor A's objects, and again
//! against vendor B's (built the same way, `world.rs`), where the owner of B takes the part of
//! A's owner and A's members that of signed-in strangers. The outcome must match: allowed, or
//! denied (401 / `UNAUTHENTICATED` / `FORBIDDEN`, or a `FORBIDDEN` user error, or the vendor
//! reported not found, or a hidden value). The figures are printed
//! (`cargo test --test api authz -- --nocapture`).
//!
//! "Allowed" means the request passed authorization: a user error about the input (a duplicate
//! code, say) still counts as allowed.

mod entries;
mod inputs;
mod world;

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{Gql, TestApp};
use world::{Side, World};

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

/// One vendor-scoped operation in the matrix.
struct Entry {
    /// `Type.field`, as found by introspection (`Mutation.productCreate`).
    operation: &'static str,
    document: &'static str,
    /// The variables for a side's objects and a principal (unique names where a success
    /// creates something).
    variables: fn(&World, &Side, Principal) -> Value,
    /// Whether the principal is allowed.
    allows: fn(Principal) -> bool,
    /// For reads that hide rather than refuse (`node(id:)` answers null): the path whose value
    /// is non-null exactly when the principal may see the object.
    visible_at: Option<&'static str>,
    /// About no vendor in particular: run once, not on each side.
    once: bool,
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

/// Private fields whose hiding the matrix cannot show on the shared objects, with the reason
/// and the test that shows it.
const TESTED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "Vendor.statusReason",
        "set only while a vendor is rejected or suspended, which would take the sides off the storefront; \
         tests/api/vendors/onboarding.rs (suspend_and_reinstate…, rejected applicant, private fields)",
    ),
    (
        "Product.approvalReason",
        "set only on a rejected product, which only its vendor's members and staff reach at all (the \
         `node` entries); tests/api/catalog/approval.rs",
    ),
];

/// Who `p` is to vendor B's objects: B's owner is what A's owner is to A's; A's members are
/// signed-in strangers, like a customer.
fn towards_b(p: Principal) -> Principal {
    match p {
        OwnerB => OwnerA,
        OwnerA | EditorA | FulfillmentA => CustomerB,
        other => other,
    }
}

/// The named type inside an introspected type reference (`Product` for `[Product!]!`).
fn named(mut ty: &Value) -> &str {
    while ty["name"].is_null() && !ty["ofType"].is_null() {
        ty = &ty["ofType"];
    }
    ty["name"].as_str().unwrap_or_default()
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

/// `Query.node` and `Query.nodes`, the root fields named by the prefixes above, every field
/// that takes a `vendorId` argument or an input argument with a `vendorId` field, and every
/// field whose description says it is private to the vendor, over all object types.
async fn vendor_scoped_operations(app: &TestApp) -> BTreeSet<String> {
    let query = "{ __schema { types { kind name
        fields { name description args { name type { ...T } } }
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
    let mut found = BTreeSet::from(["Query.node".to_owned(), "Query.nodes".to_owned()]);
    for t in types.iter().filter(|t| t["kind"] == "OBJECT" && !t["name"].as_str().unwrap().starts_with("__")) {
        for f in t["fields"].as_array().into_iter().flatten() {
            let name = f["name"].as_str().unwrap();
            let by_name = match t["name"].as_str().unwrap() {
                "Mutation" => VENDOR_MUTATION_PREFIXES.iter().any(|p| name.starts_with(p)),
                "Query" => VENDOR_QUERY_PREFIXES.iter().any(|p| name.starts_with(p)),
                _ => false,
            };
            let private = f["description"].as_str().is_some_and(|d| d.contains("Private to the vendor"));
            if by_name || private {
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
    let world = world::world(&app).await;
    let entries = entries::entries();

    // then (first): every vendor-scoped operation has an entry, and every entry still exists
    let scoped = vendor_scoped_operations(&app).await;
    let covered: BTreeSet<String> = entries
        .iter()
        .map(|e| e.operation.to_owned())
        .chain(NOT_SCOPED.iter().chain(TESTED_ELSEWHERE).map(|(op, _)| (*op).to_owned()))
        .collect();
    let missing: Vec<&String> = scoped.difference(&covered).collect();
    let stale: Vec<&String> = covered.difference(&scoped).collect();

    // when: each entry runs as each principal, on vendor A's objects and then on vendor B's
    let (mut allowed, mut denied, mut runs) = (0, 0, 0);
    let mut unexpected = vec![];
    for entry in &entries {
        let sides: &[(&str, &Side)] = if entry.once { &[("", &world.a)] } else { &[("A", &world.a), ("B", &world.b)] };
        for (name, side) in sides {
            for p in PRINCIPALS {
                let token = world.tokens.get(&p).map(String::as_str);
                let r = app.gql_as(token, entry.document, (entry.variables)(&world, side, p)).await;
                let as_who = if *name == "B" { towards_b(p) } else { p };
                let expected = if (entry.allows)(as_who) { Outcome::Allow } else { Outcome::Deny };
                let got = outcome_of(&r, entry.visible_at);
                runs += 1;
                match (expected, got == expected) {
                    (Outcome::Allow, true) => allowed += 1,
                    (_, true) => denied += 1,
                    _ => unexpected.push(format!(
                        "{} {} as {p:?}: expected {expected:?}, got {got:?}: {}",
                        entry.operation, name, r.body
                    )),
                }
            }
        }
    }

    // then: the figures, and nothing unexpected
    println!(
        "authorization matrix: {} vendor-scoped operations and private fields ({} entries, {} not scoped by \
         vendor, {} tested elsewhere), {} principals, objects of vendors A and B: {runs} runs, {allowed} allowed \
         and {denied} denied as expected, {} unexpected; {} missing, {} stale",
        scoped.len(),
        entries.len(),
        NOT_SCOPED.len(),
        TESTED_ELSEWHERE.len(),
        PRINCIPALS.len(),
        unexpected.len(),
        missing.len(),
        stale.len(),
    );
    assert!(missing.is_empty(), "vendor-scoped operations without a matrix entry: {missing:?}");
    assert!(stale.is_empty(), "matrix entries for operations that no longer exist: {stale:?}");
    assert!(unexpected.is_empty(), "unexpected outcomes:\n{}", unexpected.join("\n"));
}
