//! No mass assignment (reliability goal D3; issue 12): privileged fields (approval state,
//! commission, trust, vendor or order status, totals, payment state, blocking, account role)
//! exist in no input type that a customer or vendor member can send. Checked from the schema:
//! every input type reachable from a mutation that is not staff-only, nested inputs included.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::named;
use crate::helpers::TestApp;

/// Field names that are privileged wherever they appear.
const PRIVILEGED: &[&str] = &[
    "approvalStatus",
    "approvalReason",
    "commissionRate",
    "commissionBps",
    "commissionOverridden",
    "defaultCommissionRate",
    "trusted",
    "reviewApprovedEdits",
    "vendorStatus",
    "total",
    "subtotal",
    "grandTotal",
    "amountPaid",
    "paidAt",
    "paymentStatus",
    "blocked",
    "blockedAt",
    "fulfilledQuantity",
    "cancelledQuantity",
];

/// Whether `field` is privileged in `input`: the names above, a `status` of anything but a
/// product (an editor sets their product's DRAFT/ACTIVE status), and a `role` of anything but a
/// vendor membership (owners give invitees and members a vendor role; an account's role is
/// never an input).
fn privileged(input: &str, field: &str) -> bool {
    PRIVILEGED.contains(&field)
        || (field == "status" && !input.starts_with("Product"))
        || (field == "role" && !(input.starts_with("VendorInvite") || input.starts_with("VendorMember")))
}

/// Mutations only staff may call, whose inputs may carry privileged fields. Each is refused to
/// everyone else: the `staff_only` entries of the matrix, and the tests named.
const STAFF_ONLY: &[&str] = &[
    "productApprove",
    "productReject",
    "vendorCreate",
    "vendorApprove",
    "vendorReject",
    "vendorSuspend",
    "vendorReinstate",
    "vendorCommissionSet",
    "vendorTrustSet",
    // tests/api/vendors/onboarding.rs
    "marketplaceSettingsUpdate",
    // tests/api/catalog (categories), tests/api/shipping, tests/api/tax, tests/api/promotions
    "categoryCreate",
    "categoryUpdate",
    "categoryArchive",
    "shippingZoneCreate",
    "shippingZoneUpdate",
    "shippingZoneDelete",
    "taxRateCreate",
    "taxRateUpdate",
    "taxRateDelete",
    "discountCreate",
    "discountUpdate",
    "discountDeactivate",
    // tests/api/refunds, tests/api/fulfilment, tests/api/moderation
    "orderRefund",
    "orderFulfil",
    "userBlock",
    "userUnblock",
];

/// `(input type, field)` pairs that are privileged, over the input types reachable from
/// `mutations` (by name) through their arguments and nested input fields.
fn privileged_fields(types: &[Value], mutations: &[&Value]) -> BTreeSet<(String, String)> {
    let inputs: BTreeMap<&str, &Value> =
        types.iter().filter(|t| t["kind"] == "INPUT_OBJECT").map(|t| (t["name"].as_str().unwrap(), t)).collect();
    let mut todo: Vec<&str> = mutations
        .iter()
        .flat_map(|m| m["args"].as_array().into_iter().flatten())
        .map(|a| named(&a["type"]))
        .filter(|n| inputs.contains_key(n))
        .collect();
    let (mut seen, mut found) = (BTreeSet::new(), BTreeSet::new());
    while let Some(name) = todo.pop() {
        if !seen.insert(name) {
            continue;
        }
        for f in inputs[name]["inputFields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().unwrap();
            if privileged(name, field) {
                found.insert((name.to_owned(), field.to_owned()));
            }
            let nested = named(&f["type"]);
            if inputs.contains_key(nested) {
                todo.push(nested);
            }
        }
    }
    found
}

#[tokio::test]
async fn inputs_that_customers_and_vendor_members_send_carry_no_privileged_fields() {
    // given: the schema's mutations and input types
    let app = TestApp::spawn().await;
    let query = "{ __schema { mutationType { fields { name args { name type { ...T } } } }
        types { kind name inputFields { name type { ...T } } } } }
        fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";
    let r = app.gql(query, json!({})).await;
    r.assert_no_errors();
    let types = r.get("__schema.types").as_array().unwrap().clone();
    let mutations = r.get("__schema.mutationType.fields").as_array().unwrap().clone();
    let names: BTreeSet<&str> = mutations.iter().map(|m| m["name"].as_str().unwrap()).collect();
    let stale: Vec<&&str> = STAFF_ONLY.iter().filter(|m| !names.contains(*m)).collect();
    assert!(stale.is_empty(), "staff-only mutations that no longer exist: {stale:?}");
    let (staff, open): (Vec<&Value>, Vec<&Value>) =
        mutations.iter().partition(|m| STAFF_ONLY.contains(&m["name"].as_str().unwrap()));

    // when: the inputs open to customers and vendor members are searched, and (as a check that
    // the search finds what it looks for) the staff-only ones
    let leaked = privileged_fields(&types, &open);
    let in_staff_inputs = privileged_fields(&types, &staff);

    // then
    println!(
        "mass assignment: {} mutations open to customers or vendor members, {} staff-only; privileged fields \
         in open inputs: {leaked:?}; in staff-only inputs: {}",
        open.len(),
        staff.len(),
        in_staff_inputs.len()
    );
    assert!(
        in_staff_inputs.contains(&("VendorTrustSetInput".to_owned(), "trusted".to_owned()))
            && in_staff_inputs
                .contains(&("MarketplaceSettingsUpdateInput".to_owned(), "defaultCommissionRate".to_owned())),
        "the search finds privileged fields where they are meant to be: {in_staff_inputs:?}"
    );
    assert!(leaked.is_empty(), "privileged fields in inputs customers or vendor members send: {leaked:?}");
}
