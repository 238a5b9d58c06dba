//! Applying to sell, the staff decisions (a compare-and-set state machine), who sees which
//! vendors and fields.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::{actions, active_vendor, applicant, application, audit};
use crate::{
    helpers::{TestApp, field, fixtures, user_errors},
    ops,
};

#[tokio::test]
async fn vendor_apply_creates_a_pending_vendor_owned_by_the_applicant() {
    // given
    let app = TestApp::spawn().await;

    // when
    let (token, v) = applicant(&app, "ann@example.com", "Ann's Pots").await;

    // then
    assert_eq!((v["status"].as_str(), v["slug"].as_str()), (Some("PENDING"), Some("ann-s-pots")));
    assert_eq!((v["country"].as_str(), v["contactEmail"].as_str()), (Some("DE"), Some("owner@example.com")));
    assert_eq!(v["description"], "Hand-made pots.");
    let me = app.gql_as(Some(&token), ops::MY_VENDORS, json!({})).await;
    me.assert_no_errors();
    let ms = me.get("me.memberships").as_array().unwrap().clone();
    assert_eq!(ms.len(), 1);
    assert_eq!((ms[0]["role"].as_str(), ms[0]["vendor"]["id"].clone()), (Some("OWNER"), v["id"].clone()));
    assert_eq!(ms[0]["vendor"]["commissionRate"], "10", "owners see the effective (default) commission");
    assert_eq!(actions(&audit(&app, &v).await), ["vendor.apply"]);
}

#[tokio::test]
async fn vendor_apply_with_bad_input_returns_user_errors_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let (token, _) = applicant(&app, "ann@example.com", "Taken Name").await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({ "name": " " }), "INVALID", "name"),
        (json!({ "name": "x".repeat(201) }), "INVALID", "name"),
        (json!({ "slug": "Bad Slug" }), "INVALID", "slug"),
        (json!({ "name": "Taken Name" }), "TAKEN", "slug"),
        (json!({ "slug": "taken-name" }), "TAKEN", "slug"),
        (json!({ "contactEmail": "nope" }), "INVALID", "contactEmail"),
        (json!({ "country": "Germany" }), "INVALID", "country"),
        (json!({ "country": "1A" }), "INVALID", "country"),
        (json!({ "description": "x".repeat(5001) }), "INVALID", "description"),
    ];
    for (change, code, at) in cases {
        // given
        let mut input = application("Fresh Vendor");
        for (k, v) in change.as_object().unwrap() {
            input[k] = v.clone();
        }

        // when
        let r = app.gql_as(Some(&token), ops::VENDOR_APPLY, json!({ "input": input })).await;

        // then
        assert_eq!(user_errors(&r, "vendorApply"), [(field(&[at]), code.to_owned())], "{change}");
        assert!(r.get("vendorApply.vendor").is_null());
    }
    let me = app.gql_as(Some(&token), ops::MY_VENDORS, json!({})).await;
    assert_eq!(me.get("me.memberships").as_array().unwrap().len(), 1, "nothing else was created");
}

#[tokio::test]
async fn vendor_apply_needs_a_signed_in_user() {
    let app = TestApp::spawn().await;
    let r = app.gql(ops::VENDOR_APPLY, json!({ "input": application("Anon") })).await;
    assert_eq!(r.error_codes(), ["UNAUTHENTICATED"]);
}

#[tokio::test]
async fn staff_decide_applications_and_suspensions_along_the_state_machine_with_audit_entries() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (owner, v) = applicant(&app, "ann@example.com", "Ann").await;
    let id = v["id"].clone();

    // when approved, suspended with a reason, reinstated
    let approved = app.gql_as(Some(&staff), ops::VENDOR_APPROVE, json!({ "id": id })).await;
    let suspended =
        app.gql_as(Some(&staff), ops::VENDOR_SUSPEND, json!({ "id": id, "reason": " Late shipments " })).await;
    let seen_by_owner = app.gql_as(Some(&owner), ops::VENDOR, json!({ "slug": "ann" })).await;
    let seen_by_shopper = app.gql(ops::VENDOR, json!({ "slug": "ann" })).await;
    let reinstated = app.gql_as(Some(&staff), ops::VENDOR_REINSTATE, json!({ "id": id })).await;

    // then
    approved.assert_no_errors();
    assert_eq!(approved.get("vendorApprove.vendor.status"), "ACTIVE");
    suspended.assert_no_errors();
    assert_eq!(suspended.get("vendorSuspend.vendor.status"), "SUSPENDED");
    assert_eq!(suspended.get("vendorSuspend.vendor.statusReason"), "Late shipments");
    assert_eq!(seen_by_owner.get("vendor.statusReason"), "Late shipments");
    assert!(seen_by_shopper.get("vendor").is_null(), "a suspended vendor is hidden from shoppers");
    reinstated.assert_no_errors();
    assert_eq!(reinstated.get("vendorReinstate.vendor.status"), "ACTIVE");
    assert!(reinstated.get("vendorReinstate.vendor.statusReason").is_null());
    let entries = audit(&app, &v).await;
    assert_eq!(actions(&entries), ["vendor.apply", "vendor.approve", "vendor.suspend", "vendor.reinstate"]);
    assert_eq!(
        entries[2].1,
        json!({ "before": { "status": "ACTIVE", "reason": null }, "after": { "status": "SUSPENDED", "reason": "Late shipments" } })
    );
}

#[tokio::test]
async fn a_rejected_application_keeps_its_reason_and_cannot_be_approved() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (owner, v) = applicant(&app, "ann@example.com", "Ann").await;

    let rejected = app.gql_as(Some(&staff), ops::VENDOR_REJECT, json!({ "id": v["id"], "reason": "Not a fit" })).await;
    let approve = app.gql_as(Some(&staff), ops::VENDOR_APPROVE, json!({ "id": v["id"] })).await;

    rejected.assert_no_errors();
    assert_eq!(rejected.get("vendorReject.vendor.status"), "REJECTED");
    assert_eq!(user_errors(&approve, "vendorApprove"), [(field(&["id"]), "INVALID_STATUS".to_owned())]);
    let me = app.gql_as(Some(&owner), ops::MY_VENDORS, json!({})).await;
    assert_eq!(me.get("me.memberships.0.vendor.statusReason"), "Not a fit");
    assert_eq!(actions(&audit(&app, &v).await), ["vendor.apply", "vendor.reject"]);
}

#[tokio::test]
async fn decisions_the_status_does_not_allow_and_bad_input_return_user_errors() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (_, pending) = applicant(&app, "ann@example.com", "Pending").await;
    let (_, active) = active_vendor(&app, &staff, "bob@example.com", "Active").await;
    let cases: Vec<(&str, &str, Value, &str, &str)> = vec![
        (ops::VENDOR_APPROVE, "vendorApprove", json!({ "id": active["id"] }), "INVALID_STATUS", "id"),
        (ops::VENDOR_REJECT, "vendorReject", json!({ "id": active["id"], "reason": "x" }), "INVALID_STATUS", "id"),
        (ops::VENDOR_SUSPEND, "vendorSuspend", json!({ "id": pending["id"], "reason": "x" }), "INVALID_STATUS", "id"),
        (ops::VENDOR_REINSTATE, "vendorReinstate", json!({ "id": active["id"] }), "INVALID_STATUS", "id"),
        (ops::VENDOR_REJECT, "vendorReject", json!({ "id": pending["id"], "reason": "  " }), "INVALID", "reason"),
        (
            ops::VENDOR_SUSPEND,
            "vendorSuspend",
            json!({ "id": active["id"], "reason": "x".repeat(1001) }),
            "INVALID",
            "reason",
        ),
        (ops::VENDOR_APPROVE, "vendorApprove", json!({ "id": fixtures::unknown_id("Vendor") }), "NOT_FOUND", "id"),
    ];
    for (op, name, vars, code, at) in cases {
        let r = app.gql_as(Some(&staff), op, vars.clone()).await;
        assert_eq!(user_errors(&r, name), [(field(&[at]), code.to_owned())], "{name} {vars}");
    }
    let r = app.gql_as(Some(&staff), ops::VENDOR_APPROVE, json!({ "id": "garbage" })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
    assert_eq!(actions(&audit(&app, &pending).await), ["vendor.apply"], "refused decisions are not recorded");
}

#[tokio::test]
async fn approving_twice_concurrently_succeeds_once() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (_, v) = applicant(&app, "ann@example.com", "Ann").await;

    // when
    let vars = json!({ "id": v["id"] });
    let (a, b) = tokio::join!(
        app.gql_as(Some(&staff), ops::VENDOR_APPROVE, vars.clone()),
        app.gql_as(Some(&staff), ops::VENDOR_APPROVE, vars.clone())
    );

    // then
    let mut outcomes: Vec<Vec<String>> = [&a, &b].iter().map(|r| r.user_error_codes("vendorApprove")).collect();
    outcomes.sort();
    assert_eq!(outcomes, [vec![], vec!["INVALID_STATUS".to_owned()]]);
    assert_eq!(actions(&audit(&app, &v).await), ["vendor.apply", "vendor.approve"]);
}

#[tokio::test]
async fn only_staff_decide_or_list_applications() {
    let app = TestApp::spawn().await;
    let (owner, v) = applicant(&app, "ann@example.com", "Ann").await;
    for (op, vars) in [
        (ops::VENDOR_APPROVE, json!({ "id": v["id"] })),
        (ops::VENDOR_REJECT, json!({ "id": v["id"], "reason": "x" })),
        (ops::VENDOR_SUSPEND, json!({ "id": v["id"], "reason": "x" })),
        (ops::VENDOR_REINSTATE, json!({ "id": v["id"] })),
        (ops::VENDORS, json!({ "filter": { "statuses": ["PENDING"] } })),
    ] {
        assert_eq!(app.gql_as(Some(&owner), op, vars.clone()).await.error_codes(), ["FORBIDDEN"]);
        assert_eq!(app.gql(op, vars).await.error_codes(), ["UNAUTHENTICATED"]);
    }
    assert_eq!(app.gql_as(Some(&owner), ops::VENDOR, json!({ "slug": "ann" })).await.get("vendor.status"), "PENDING");
}

#[tokio::test]
async fn shoppers_see_active_vendors_and_public_fields_staff_list_by_status() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (_, pending) = applicant(&app, "ann@example.com", "Pending Co").await;
    let (_, active) = active_vendor(&app, &staff, "bob@example.com", "Active Co").await;
    let by_staff = fixtures::vendor(&app, &staff, "Staff Made").await;
    let shopper = app.user("carol@example.com", Role::Customer).await;

    // when
    let public = app.gql_as(Some(&shopper), ops::VENDORS, json!({})).await;
    let applications = app.gql_as(Some(&staff), ops::VENDORS, json!({ "filter": { "statuses": ["PENDING"] } })).await;
    let hidden = app.gql(ops::VENDOR, json!({ "slug": "pending-co" })).await;
    let node = app.gql(ops::NODE, json!({ "id": pending["id"] })).await;
    let node_active = app.gql(ops::NODE, json!({ "id": active["id"] })).await;

    // then
    public.assert_no_errors();
    let names: Vec<&str> =
        public.get("vendors").as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Active Co", "Staff Made"], "staff-created vendors are active");
    let v = &public.get("vendors")[0];
    assert_eq!((v["country"].as_str(), v["description"].as_str()), (Some("DE"), Some("Hand-made pots.")));
    for private in ["statusReason", "contactEmail", "commissionRate", "commissionOverridden", "trusted"] {
        assert!(v[private].is_null(), "{private} is hidden from shoppers");
    }
    applications.assert_no_errors();
    assert_eq!(applications.get("vendors").as_array().unwrap().len(), 1);
    assert_eq!(applications.get("vendors.0.id"), &pending["id"]);
    assert_eq!(applications.get("vendors.0.contactEmail"), "owner@example.com");
    assert!(hidden.get("vendor").is_null());
    assert!(node.get("node").is_null(), "node(id:) hides a pending vendor too");
    assert_eq!(node_active.get("node.slug"), "active-co");
    assert!(!by_staff.is_empty());
}

#[tokio::test]
async fn vendor_create_by_staff_still_makes_active_vendors() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let r = app.gql_as(Some(&staff), ops::VENDOR_CREATE, json!({ "input": { "name": "Direct" } })).await;
    r.assert_no_errors();
    assert_eq!(r.get("vendorCreate.vendor.status"), "ACTIVE");
    let customer = app.user("c@example.com", Role::Customer).await;
    let r = app.gql_as(Some(&customer), ops::VENDOR_CREATE, json!({ "input": { "name": "Nope" } })).await;
    assert_eq!(r.error_codes(), ["FORBIDDEN"]);
}
