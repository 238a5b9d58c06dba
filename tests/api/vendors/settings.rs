//! The profile (owners), commission and trust (staff), marketplace settings (staff).

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::{actions, active_vendor, applicant, audit};
use crate::{
    helpers::{TestApp, field, fixtures, user_errors},
    ops,
};

#[tokio::test]
async fn owners_update_the_profile_and_the_change_is_audited() {
    // given
    let app = TestApp::spawn().await;
    let (owner, v) = applicant(&app, "ann@example.com", "Ann").await;

    // when
    let input = json!({
        "vendorId": v["id"], "name": " Ann & Co ", "description": "Pots and mugs",
        "logoUrl": "https://cdn.example.com/ann.png", "returnPolicy": "30 days",
        "supportEmail": "Help@Ann.example",
    });
    let r = app.gql_as(Some(&owner), ops::VENDOR_PROFILE_UPDATE, json!({ "input": input })).await;
    let cleared = app
        .gql_as(Some(&owner), ops::VENDOR_PROFILE_UPDATE, json!({ "input": { "vendorId": v["id"], "logoUrl": null } }))
        .await;

    // then
    r.assert_no_errors();
    let p = r.get("vendorProfileUpdate.vendor");
    assert_eq!(p["name"], "Ann & Co");
    assert_eq!(p["status"], "PENDING", "an applicant completes the profile while waiting");
    assert_eq!(
        (p["logoUrl"].as_str(), p["supportEmail"].as_str()),
        (Some("https://cdn.example.com/ann.png"), Some("help@ann.example"))
    );
    assert_eq!((p["description"].as_str(), p["returnPolicy"].as_str()), (Some("Pots and mugs"), Some("30 days")));
    cleared.assert_no_errors();
    assert!(cleared.get("vendorProfileUpdate.vendor.logoUrl").is_null());
    assert_eq!(cleared.get("vendorProfileUpdate.vendor.returnPolicy"), "30 days", "omitted fields stay");
    let entries = audit(&app, &v).await;
    assert_eq!(actions(&entries), ["vendor.apply", "vendor.profile.update", "vendor.profile.update"]);
    assert_eq!(entries[1].1["after"]["name"], "Ann & Co");
}

#[tokio::test]
async fn profile_update_with_bad_input_or_without_permission_is_refused() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (owner, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let (other, _) = active_vendor(&app, &staff, "bob@example.com", "Bob").await;
    let editor = fixtures::vendor_member(
        &app,
        v["id"].as_str().unwrap(),
        "ed@example.com",
        agora::vendors::model::MemberRole::Editor,
    )
    .await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({ "name": "" }), "INVALID", "name"),
        (json!({ "logoUrl": "ftp://x.example/logo.png" }), "INVALID", "logoUrl"),
        (json!({ "logoUrl": "not a url" }), "INVALID", "logoUrl"),
        (json!({ "supportEmail": "nope" }), "INVALID", "supportEmail"),
        (json!({ "description": "x".repeat(5001) }), "INVALID", "description"),
        (json!({ "returnPolicy": "x".repeat(5001) }), "INVALID", "returnPolicy"),
        (json!({ "vendorId": "garbage" }), "INVALID_ID", "vendorId"),
        (json!({ "vendorId": fixtures::unknown_id("Vendor") }), "NOT_FOUND", "vendorId"),
    ];
    for (change, code, at) in cases {
        let mut input = json!({ "vendorId": v["id"] });
        for (k, val) in change.as_object().unwrap() {
            input[k] = val.clone();
        }
        let r = app.gql_as(Some(&owner), ops::VENDOR_PROFILE_UPDATE, json!({ "input": input })).await;
        assert_eq!(user_errors(&r, "vendorProfileUpdate"), [(field(&[at]), code.to_owned())], "{change}");
    }
    let input = json!({ "input": { "vendorId": v["id"], "name": "Hijack" } });
    assert_eq!(app.gql_as(Some(&editor), ops::VENDOR_PROFILE_UPDATE, input.clone()).await.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.gql_as(Some(&other), ops::VENDOR_PROFILE_UPDATE, input.clone()).await.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.gql(ops::VENDOR_PROFILE_UPDATE, input).await.error_codes(), ["UNAUTHENTICATED"]);
    // privileged fields are not part of the input at all
    let r = app
        .gql_as(
            Some(&owner),
            ops::VENDOR_PROFILE_UPDATE,
            json!({ "input": { "vendorId": v["id"], "status": "ACTIVE", "trusted": true } }),
        )
        .await;
    assert!(r.body.get("errors").is_some(), "unknown input fields are refused: {}", r.body);
    assert_eq!(actions(&audit(&app, &v).await), ["vendor.apply", "vendor.approve"]);
    assert_eq!(app.gql(ops::VENDOR, json!({ "slug": "ann" })).await.get("vendor.name"), "Ann");
}

#[tokio::test]
async fn staff_set_commission_and_trust_which_owners_see_and_shoppers_do_not() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (owner, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;

    // when
    let set = app
        .gql_as(Some(&staff), ops::VENDOR_COMMISSION_SET, json!({ "input": { "vendorId": v["id"], "rate": "12.5" } }))
        .await;
    let trusted = app
        .gql_as(Some(&staff), ops::VENDOR_TRUST_SET, json!({ "input": { "vendorId": v["id"], "trusted": true } }))
        .await;
    let by_owner = app.gql_as(Some(&owner), ops::VENDOR, json!({ "slug": "ann" })).await;
    let by_shopper = app.gql(ops::VENDOR, json!({ "slug": "ann" })).await;
    let reset = app
        .gql_as(Some(&staff), ops::VENDOR_COMMISSION_SET, json!({ "input": { "vendorId": v["id"], "rate": null } }))
        .await;

    // then
    set.assert_no_errors();
    assert_eq!(set.get("vendorCommissionSet.vendor.commissionRate"), "12.5");
    assert_eq!(set.get("vendorCommissionSet.vendor.commissionOverridden"), true);
    trusted.assert_no_errors();
    assert_eq!(trusted.get("vendorTrustSet.vendor.trusted"), true);
    assert_eq!((by_owner.get("vendor.commissionRate"), by_owner.get("vendor.trusted")), (&json!("12.5"), &json!(true)));
    assert!(by_shopper.get("vendor.commissionRate").is_null() && by_shopper.get("vendor.trusted").is_null());
    reset.assert_no_errors();
    assert_eq!(reset.get("vendorCommissionSet.vendor.commissionRate"), "10");
    assert_eq!(reset.get("vendorCommissionSet.vendor.commissionOverridden"), false);
    let entries = audit(&app, &v).await;
    assert_eq!(actions(&entries)[2..], ["vendor.commission.set", "vendor.trust.set", "vendor.commission.set"]);
    assert_eq!(
        entries[2].1,
        json!({ "before": { "commissionBps": null, "trusted": false }, "after": { "commissionBps": 1250, "trusted": false } })
    );
}

#[tokio::test]
async fn commission_and_trust_refuse_bad_input_and_non_staff() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (owner, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    for rate in ["-1", "100.01", "12.345", "abc"] {
        let r = app
            .gql_as(Some(&staff), ops::VENDOR_COMMISSION_SET, json!({ "input": { "vendorId": v["id"], "rate": rate } }))
            .await;
        if rate == "abc" {
            assert!(r.body.get("errors").is_some(), "not a Decimal");
        } else {
            assert_eq!(user_errors(&r, "vendorCommissionSet"), [(field(&["rate"]), "INVALID".to_owned())], "{rate}");
        }
    }
    let unknown = json!({ "input": { "vendorId": fixtures::unknown_id("Vendor"), "trusted": true } });
    let r = app.gql_as(Some(&staff), ops::VENDOR_TRUST_SET, unknown).await;
    assert_eq!(user_errors(&r, "vendorTrustSet"), [(field(&["vendorId"]), "NOT_FOUND".to_owned())]);
    let r = app
        .gql_as(Some(&owner), ops::VENDOR_COMMISSION_SET, json!({ "input": { "vendorId": v["id"], "rate": "0" } }))
        .await;
    assert_eq!(r.error_codes(), ["FORBIDDEN"]);
    let r = app
        .gql_as(Some(&owner), ops::VENDOR_TRUST_SET, json!({ "input": { "vendorId": v["id"], "trusted": true } }))
        .await;
    assert_eq!(r.error_codes(), ["FORBIDDEN"]);
    assert_eq!(actions(&audit(&app, &v).await), ["vendor.apply", "vendor.approve"]);
}

#[tokio::test]
async fn staff_read_and_change_the_marketplace_settings() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (owner, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;

    // when
    let before = app.gql_as(Some(&staff), ops::MARKETPLACE_SETTINGS, json!({})).await;
    let updated = app
        .gql_as(
            Some(&staff),
            ops::MARKETPLACE_SETTINGS_UPDATE,
            json!({ "input": { "defaultCommissionRate": "7.25", "reviewApprovedEdits": true } }),
        )
        .await;
    let partial = app
        .gql_as(Some(&staff), ops::MARKETPLACE_SETTINGS_UPDATE, json!({ "input": { "reviewApprovedEdits": false } }))
        .await;
    let bad = app
        .gql_as(Some(&staff), ops::MARKETPLACE_SETTINGS_UPDATE, json!({ "input": { "defaultCommissionRate": "101" } }))
        .await;
    let effective = app.gql_as(Some(&owner), ops::VENDOR, json!({ "slug": "ann" })).await;

    // then
    assert_eq!(
        before.get("marketplaceSettings"),
        &json!({ "defaultCommissionRate": "10", "reviewApprovedEdits": false })
    );
    updated.assert_no_errors();
    assert_eq!(
        updated.get("marketplaceSettingsUpdate.settings"),
        &json!({ "defaultCommissionRate": "7.25", "reviewApprovedEdits": true })
    );
    assert_eq!(
        partial.get("marketplaceSettingsUpdate.settings"),
        &json!({ "defaultCommissionRate": "7.25", "reviewApprovedEdits": false })
    );
    assert_eq!(
        user_errors(&bad, "marketplaceSettingsUpdate"),
        [(field(&["defaultCommissionRate"]), "INVALID".to_owned())]
    );
    assert_eq!(effective.get("vendor.commissionRate"), "7.25", "vendors without a rate pay the default");
    assert!(!v.is_null());
    for token in [Some(owner.as_str()), None] {
        let r = app.gql_as(token, ops::MARKETPLACE_SETTINGS, json!({})).await;
        assert_eq!(r.error_codes().len(), 1);
        let r = app.gql_as(token, ops::MARKETPLACE_SETTINGS_UPDATE, json!({ "input": {} })).await;
        assert_eq!(r.error_codes().len(), 1);
    }
    let customer = app.user("c@example.com", Role::Customer).await;
    assert_eq!(app.gql_as(Some(&customer), ops::MARKETPLACE_SETTINGS, json!({})).await.error_codes(), ["FORBIDDEN"]);
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let logged = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("marketplace.settings.update"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(logged.len(), 2);
}
