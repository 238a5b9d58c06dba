//! Invites (single use, hashed, expiring on the app clock), members and roles, the last owner.

use agora::shared::role::Role;
use serde_json::{Value, json};

use super::{actions, active_vendor, applicant, audit};
use crate::{
    helpers::{TestApp, field, fixtures, user_errors},
    ops,
};

/// Creates an invite as `owner`; returns (invite, token).
async fn invite(app: &TestApp, owner: &str, vendor: &Value, email: &str, role: &str) -> (Value, String) {
    let r = app
        .gql_as(
            Some(owner),
            ops::VENDOR_INVITE_CREATE,
            json!({ "input": { "vendorId": vendor["id"], "email": email, "role": role } }),
        )
        .await;
    r.assert_no_errors();
    (r.get("vendorInviteCreate.invite").clone(), r.str("vendorInviteCreate.token"))
}

async fn accept(app: &TestApp, token: &str, secret: &str) -> crate::helpers::Gql {
    app.gql_as(Some(token), ops::VENDOR_INVITE_ACCEPT, json!({ "token": secret })).await
}

async fn panel(app: &TestApp, token: &str, slug: &str) -> Value {
    let r = app.gql_as(Some(token), ops::VENDOR_PANEL, json!({ "slug": slug })).await;
    r.assert_no_errors();
    r.get("vendor").clone()
}

#[tokio::test]
async fn an_owner_invites_and_the_invitee_accepts_once() {
    // given
    let app = TestApp::spawn_with_manual_clock(|_| {}).await;
    let staff = app.staff().await;
    let (owner, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;

    // when
    let (inv, secret) = invite(&app, &owner, &v, " Bob@Example.com ", "EDITOR").await;
    let listed = panel(&app, &owner, "ann").await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let accepted = accept(&app, &bob, &secret).await;
    let again = accept(&app, &bob, &secret).await;

    // then
    assert_eq!((inv["email"].as_str(), inv["role"].as_str()), (Some("bob@example.com"), Some("EDITOR")));
    let created: chrono::DateTime<chrono::Utc> = serde_json::from_value(inv["createdAt"].clone()).unwrap();
    let expires: chrono::DateTime<chrono::Utc> = serde_json::from_value(inv["expiresAt"].clone()).unwrap();
    assert_eq!(expires - created, chrono::Duration::hours(72), "marketplace.invite_ttl_hours");
    assert_eq!(secret.len(), 43, "32 random bytes, base64url");
    assert_eq!(listed["invites"].as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains(&secret), "the token is never listed");
    accepted.assert_no_errors();
    assert_eq!(accepted.get("vendorInviteAccept.membership.role"), "EDITOR");
    assert_eq!(accepted.get("vendorInviteAccept.membership.vendor.id"), &v["id"]);
    assert_eq!(user_errors(&again, "vendorInviteAccept"), [(field(&["token"]), "INVITE_USED".to_owned())]);
    let after = panel(&app, &owner, "ann").await;
    assert_eq!(after["invites"], json!([]));
    let members: Vec<(&str, &str)> = after["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(members, [("ann@example.com", "OWNER"), ("bob@example.com", "EDITOR")]);
    let me = app.gql_as(Some(&bob), ops::MY_VENDORS, json!({})).await;
    assert_eq!(me.get("me.memberships.0.role"), "EDITOR");
    assert!(me.get("me.memberships.0.vendor.commissionRate").is_null(), "editors do not see the commission");
    assert_eq!(me.get("me.memberships.0.vendor.contactEmail"), "owner@example.com", "members see the contact");
    assert_eq!(actions(&audit(&app, &v).await)[2..], ["vendor.invite.create", "vendor.invite.accept"]);
    let stored = entity::vendor_invite::Entity::find().all(&app.state.db).await.unwrap();
    use sea_orm::EntityTrait;
    assert_eq!(stored[0].token_hash.len(), 64);
    assert_ne!(stored[0].token_hash, secret);
}

#[tokio::test]
async fn expired_revoked_unknown_and_wrong_email_invites_are_refused() {
    // given
    let app = TestApp::spawn_with_manual_clock(|_| {}).await;
    let staff = app.staff().await;
    let (owner, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let (_, expiring) = invite(&app, &owner, &v, "bob@example.com", "EDITOR").await;
    let (revoked, revoked_secret) = invite(&app, &owner, &v, "bob@example.com", "EDITOR").await;
    let (_, for_carol) = invite(&app, &owner, &v, "carol@example.com", "EDITOR").await;

    // when
    let revoke = app.gql_as(Some(&owner), ops::VENDOR_INVITE_REVOKE, json!({ "id": revoked["id"] })).await;
    let revoke_again = app.gql_as(Some(&owner), ops::VENDOR_INVITE_REVOKE, json!({ "id": revoked["id"] })).await;
    let wrong_email = accept(&app, &bob, &for_carol).await;
    let unknown = accept(&app, &bob, "not-a-token").await;
    let revoked_accept = accept(&app, &bob, &revoked_secret).await;
    app.clock.as_ref().unwrap().advance(chrono::Duration::hours(72));
    let expired = accept(&app, &bob, &expiring).await;

    // then
    revoke.assert_no_errors();
    assert!(revoke.get("vendorInviteRevoke.invite.revokedAt").is_string());
    assert_eq!(user_errors(&revoke_again, "vendorInviteRevoke"), [(field(&["id"]), "INVITE_REVOKED".to_owned())]);
    let code = |r: &crate::helpers::Gql| user_errors(r, "vendorInviteAccept");
    assert_eq!(code(&wrong_email), [(field(&["token"]), "INVITE_EMAIL_MISMATCH".to_owned())]);
    assert_eq!(code(&unknown), [(field(&["token"]), "NOT_FOUND".to_owned())]);
    assert_eq!(code(&revoked_accept), [(field(&["token"]), "INVITE_REVOKED".to_owned())]);
    assert_eq!(code(&expired), [(field(&["token"]), "INVITE_EXPIRED".to_owned())]);
    assert_eq!(panel(&app, &owner, "ann").await["members"].as_array().unwrap().len(), 1);
    assert_eq!(panel(&app, &owner, "ann").await["invites"], json!([]), "expired invites are not pending");
    assert_eq!(accept(&app, &bob, "x").await.user_error_codes("vendorInviteAccept"), ["NOT_FOUND"]);
    assert_eq!(
        app.gql(ops::VENDOR_INVITE_ACCEPT, json!({ "token": for_carol })).await.error_codes(),
        ["UNAUTHENTICATED"]
    );
}

#[tokio::test]
async fn a_member_cannot_accept_another_invite_to_the_same_vendor_but_can_join_several_vendors() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (ann, a) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let (bob, b) = active_vendor(&app, &staff, "bob@example.com", "Bob").await;
    let (_, to_a) = invite(&app, &ann, &a, "bob@example.com", "FULFILLMENT").await;
    let (_, self_invite) = invite(&app, &bob, &b, "bob@example.com", "EDITOR").await;

    assert!(accept(&app, &bob, &to_a).await.user_error_codes("vendorInviteAccept").is_empty());
    assert_eq!(accept(&app, &bob, &self_invite).await.user_error_codes("vendorInviteAccept"), ["ALREADY_MEMBER"]);
    let me = app.gql_as(Some(&bob), ops::MY_VENDORS, json!({})).await;
    let roles: Vec<&str> =
        me.get("me.memberships").as_array().unwrap().iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["OWNER", "FULFILLMENT"]);
}

#[tokio::test]
async fn invite_create_with_bad_input_or_without_manage_permission_is_refused() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (ann, a) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let (bob, _) = active_vendor(&app, &staff, "bob@example.com", "Bob").await;
    let editor = fixtures::vendor_member(
        &app,
        a["id"].as_str().unwrap(),
        "ed@example.com",
        agora::vendors::model::MemberRole::Editor,
    )
    .await;
    let input =
        |vendor: &Value, email: &str| json!({ "input": { "vendorId": vendor, "email": email, "role": "EDITOR" } });

    let bad_email = app.gql_as(Some(&ann), ops::VENDOR_INVITE_CREATE, input(&a["id"], "nope")).await;
    let bad_id = app.gql_as(Some(&ann), ops::VENDOR_INVITE_CREATE, input(&json!("garbage"), "x@example.com")).await;
    let unknown = app
        .gql_as(Some(&ann), ops::VENDOR_INVITE_CREATE, input(&json!(fixtures::unknown_id("Vendor")), "x@example.com"))
        .await;
    let by_editor = app.gql_as(Some(&editor), ops::VENDOR_INVITE_CREATE, input(&a["id"], "x@example.com")).await;
    let by_other_owner = app.gql_as(Some(&bob), ops::VENDOR_INVITE_CREATE, input(&a["id"], "x@example.com")).await;
    let by_staff = app.gql_as(Some(&staff), ops::VENDOR_INVITE_CREATE, input(&a["id"], "x@example.com")).await;

    assert_eq!(user_errors(&bad_email, "vendorInviteCreate"), [(field(&["email"]), "INVALID".to_owned())]);
    assert_eq!(user_errors(&bad_id, "vendorInviteCreate"), [(field(&["vendorId"]), "INVALID_ID".to_owned())]);
    assert_eq!(user_errors(&unknown, "vendorInviteCreate"), [(field(&["vendorId"]), "NOT_FOUND".to_owned())]);
    assert_eq!(by_editor.error_codes(), ["FORBIDDEN"]);
    assert_eq!(by_other_owner.error_codes(), ["FORBIDDEN"]);
    by_staff.assert_no_errors();
    let as_editor = panel(&app, &editor, "ann").await;
    assert!(as_editor["members"].is_null() && as_editor["invites"].is_null(), "editors do not manage members");
    let as_other = panel(&app, &bob, "ann").await;
    assert!(as_other["members"].is_null() && as_other["contactEmail"].is_null());
    let (inv, _) = invite(&app, &ann, &a, "y@example.com", "EDITOR").await;
    let revoke = app.gql_as(Some(&bob), ops::VENDOR_INVITE_REVOKE, json!({ "id": inv["id"] })).await;
    assert_eq!(revoke.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn owners_change_roles_and_remove_members_but_never_the_last_owner() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (ann, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let vid = v["id"].as_str().unwrap();
    let bob = fixtures::vendor_member(&app, vid, "bob@example.com", agora::vendors::model::MemberRole::Editor).await;
    let members = panel(&app, &ann, "ann").await["members"].clone();
    let (ann_id, bob_id) = (members[0]["userId"].clone(), members[1]["userId"].clone());
    let update = |user: &Value, role: &str| json!({ "input": { "vendorId": vid, "userId": user, "role": role } });
    let remove = |user: &Value| json!({ "input": { "vendorId": vid, "userId": user } });

    // when / then: the only owner cannot step down or leave
    let r = app.gql_as(Some(&ann), ops::VENDOR_MEMBER_UPDATE, update(&ann_id, "EDITOR")).await;
    assert_eq!(user_errors(&r, "vendorMemberUpdate"), [(field(&["userId"]), "LAST_OWNER".to_owned())]);
    let r = app.gql_as(Some(&ann), ops::VENDOR_MEMBER_REMOVE, remove(&ann_id)).await;
    assert_eq!(user_errors(&r, "vendorMemberRemove"), [(field(&["userId"]), "LAST_OWNER".to_owned())]);
    // an editor cannot manage, but may leave
    let r = app.gql_as(Some(&bob), ops::VENDOR_MEMBER_UPDATE, update(&bob_id, "OWNER")).await;
    assert_eq!(r.error_codes(), ["FORBIDDEN"]);
    // promote bob; now ann may step down
    let r = app.gql_as(Some(&ann), ops::VENDOR_MEMBER_UPDATE, update(&bob_id, "OWNER")).await;
    r.assert_no_errors();
    assert_eq!(r.get("vendorMemberUpdate.member.role"), "OWNER");
    let r = app.gql_as(Some(&ann), ops::VENDOR_MEMBER_UPDATE, update(&ann_id, "FULFILLMENT")).await;
    r.assert_no_errors();
    // ann (fulfilment now) leaves; bob is the last owner again
    let r = app.gql_as(Some(&ann), ops::VENDOR_MEMBER_REMOVE, remove(&ann_id)).await;
    r.assert_no_errors();
    let r = app.gql_as(Some(&bob), ops::VENDOR_MEMBER_REMOVE, remove(&bob_id)).await;
    assert_eq!(r.user_error_codes("vendorMemberRemove"), ["LAST_OWNER"]);
    let r = app.gql_as(Some(&bob), ops::VENDOR_MEMBER_REMOVE, remove(&ann_id)).await;
    assert_eq!(user_errors(&r, "vendorMemberRemove"), [(field(&["userId"]), "NOT_FOUND".to_owned())]);
    let r = app.gql_as(Some(&bob), ops::VENDOR_MEMBER_UPDATE, update(&json!("garbage"), "EDITOR")).await;
    assert_eq!(user_errors(&r, "vendorMemberUpdate"), [(field(&["userId"]), "INVALID_ID".to_owned())]);
    assert_eq!(app.gql_as(Some(&ann), ops::MY_VENDORS, json!({})).await.get("me.memberships"), &json!([]));
    assert_eq!(
        actions(&audit(&app, &v).await)[2..],
        ["vendor.member.update", "vendor.member.update", "vendor.member.leave"]
    );
}

#[tokio::test]
async fn demoting_both_owners_concurrently_leaves_one_owner() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (ann, v) = active_vendor(&app, &staff, "ann@example.com", "Ann").await;
    let vid = v["id"].as_str().unwrap();
    fixtures::vendor_member(&app, vid, "bob@example.com", agora::vendors::model::MemberRole::Owner).await;
    let members = panel(&app, &ann, "ann").await["members"].clone();
    let update = |user: &Value| json!({ "input": { "vendorId": vid, "userId": user, "role": "EDITOR" } });

    // when (staff, who keep the permission whichever runs first)
    let (a, b) = tokio::join!(
        app.gql_as(Some(&staff), ops::VENDOR_MEMBER_UPDATE, update(&members[1]["userId"])),
        app.gql_as(Some(&staff), ops::VENDOR_MEMBER_UPDATE, update(&members[0]["userId"]))
    );

    // then
    let mut outcomes = [a.user_error_codes("vendorMemberUpdate"), b.user_error_codes("vendorMemberUpdate")];
    outcomes.sort();
    assert_eq!(outcomes, [vec![], vec!["LAST_OWNER".to_owned()]]);
    let after = panel(&app, &staff, "ann").await;
    let owners = after["members"].as_array().unwrap().iter().filter(|m| m["role"] == "OWNER").count();
    assert_eq!(owners, 1);
}

#[tokio::test]
async fn memberships_are_for_the_signed_in_user_and_an_applicant_sees_only_their_own() {
    let app = TestApp::spawn().await;
    let (_, _) = applicant(&app, "ann@example.com", "Ann").await;
    let other = app.user("other@example.com", Role::Customer).await;
    let me = app.gql_as(Some(&other), ops::MY_VENDORS, json!({})).await;
    me.assert_no_errors();
    assert_eq!(me.get("me.memberships"), &json!([]));
    assert!(app.gql_as(Some(&other), ops::VENDOR, json!({ "slug": "ann" })).await.get("vendor").is_null());
}
