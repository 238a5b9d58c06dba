//! Product review: vendors submit, staff approve or reject (with a reason) from PENDING_REVIEW
//! only, trusted vendors skip review, edits to approved content go back to review when the
//! marketplace asks for it, and every transition is in the product's history (staff decisions
//! in the audit log too). Approval fields are private to staff and the vendor's members.

use agora::{shared::role::Role, vendors::model::MemberRole};
use serde_json::{Value, json};

use super::*;

/// `product(id:)` with its approval fields and history, as `token` sees it.
async fn approval_view(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    let r = app.gql_as(token, ops::VENDOR_PRODUCT, json!({ "id": id })).await;
    r.assert_no_errors();
    r.get("product").clone()
}

/// The `(action, fromStatus, toStatus)` of a product's history, newest first.
fn history(view: &Value) -> Vec<(String, Value, Value)> {
    view["history"]
        .as_array()
        .unwrap_or_else(|| panic!("no history in {view}"))
        .iter()
        .map(|h| (h["action"].as_str().unwrap().to_owned(), h["fromStatus"].clone(), h["toStatus"].clone()))
        .collect()
}

fn h(action: &str, from: Option<&str>, to: &str) -> (String, Value, Value) {
    (action.to_owned(), from.map_or(Value::Null, |f| json!(f)), json!(to))
}

/// How many audit entries have `action` (read in the database until the audit query lands).
async fn audit_count(app: &TestApp, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq(action))
        .count(&app.state.db)
        .await
        .unwrap()
}

fn on_storefront(r: &Gql) -> bool {
    total_count(r) == 1
}

#[tokio::test]
async fn a_submitted_product_approved_by_staff_goes_on_the_storefront_with_its_history() {
    // given: an editor's ACTIVE product, not yet submitted
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let p = member_product(&app, &editor, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
    let id = id_of(&p);
    let slug = p["slug"].as_str().unwrap().to_owned();
    let search = json!({ "filter": { "query": "Acme Mug" } });
    assert!(!on_storefront(&products(&app, None, search.clone()).await), "not submitted: off the storefront");
    assert!(app.gql(ops::PRODUCT, json!({ "slug": slug })).await.get("product").is_null());
    assert!(app.gql(ops::NODE, json!({ "id": id })).await.get("node").is_null());

    // when: submitted
    let s = app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await;

    // then: waiting in the queue, still off the storefront
    assert_eq!(s.user_error_codes("productSubmitForReview"), Vec::<String>::new());
    assert_eq!(s.str("productSubmitForReview.product.approvalStatus"), "PENDING_REVIEW");
    let q = app.gql_as(Some(&staff), ops::PRODUCT_REVIEW_QUEUE, json!({})).await;
    q.assert_no_errors();
    assert_eq!(q.get("productReviewQueue.edges.0.node.id"), id.as_str());
    assert!(!on_storefront(&products(&app, None, search.clone()).await));

    // when: approved
    let a = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": id })).await;

    // then: on the storefront, out of the queue, history newest first, audited
    assert_eq!(a.user_error_codes("productApprove"), Vec::<String>::new());
    assert_eq!(a.str("productApprove.product.approvalStatus"), "APPROVED");
    assert!(on_storefront(&products(&app, None, search).await));
    assert_eq!(app.gql(ops::PRODUCT, json!({ "slug": slug })).await.str("product.id"), id);
    assert_eq!(app.gql(ops::NODE, json!({ "id": id })).await.str("node.id"), id);
    let q = app.gql_as(Some(&staff), ops::PRODUCT_REVIEW_QUEUE, json!({})).await;
    assert_eq!(q.get("productReviewQueue.totalCount"), 0);
    let view = approval_view(&app, Some(&editor), &id).await;
    assert_eq!(
        history(&view),
        [
            h("APPROVED", Some("PENDING_REVIEW"), "APPROVED"),
            h("SUBMITTED", Some("NOT_SUBMITTED"), "PENDING_REVIEW"),
            h("CREATED", None, "NOT_SUBMITTED"),
        ]
    );
    assert!(view["history"][0]["actorId"].is_string());
    assert_eq!(audit_count(&app, "product.approve").await, 1);
}

#[tokio::test]
async fn a_rejection_needs_a_reason_the_vendor_sees_and_the_product_can_be_submitted_again() {
    // given: a submitted product
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let id = id_of(&member_product(&app, &editor, &acme, "Acme Mug", json!([])).await);
    app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await.assert_no_errors();

    // when: rejected without a reason, then with an overlong one, then with one
    let blank = app.gql_as(Some(&staff), ops::PRODUCT_REJECT, json!({ "id": id, "reason": "  " })).await;
    let long = app.gql_as(Some(&staff), ops::PRODUCT_REJECT, json!({ "id": id, "reason": "x".repeat(1001) })).await;
    let r = app.gql_as(Some(&staff), ops::PRODUCT_REJECT, json!({ "id": id, "reason": "Photos are blurry" })).await;

    // then
    assert_eq!(user_errors(&blank, "productReject"), [(field(&["reason"]), "REQUIRED".into())]);
    assert_eq!(user_errors(&long, "productReject"), [(field(&["reason"]), "INVALID".into())]);
    assert_eq!(r.user_error_codes("productReject"), Vec::<String>::new());
    let view = approval_view(&app, Some(&editor), &id).await;
    assert_eq!(
        (view["approvalStatus"].as_str(), view["approvalReason"].as_str()),
        (Some("REJECTED"), Some("Photos are blurry"))
    );
    assert_eq!(view["history"][0]["reason"], "Photos are blurry");
    assert_eq!(audit_count(&app, "product.reject").await, 1);

    // when: submitted again
    let again = app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await;

    // then
    assert_eq!(again.str("productSubmitForReview.product.approvalStatus"), "PENDING_REVIEW");
    assert!(again.get("productSubmitForReview.product.approvalReason").is_null(), "the old reason is cleared");
}

#[tokio::test]
async fn approving_twice_or_concurrently_gives_one_success_and_a_user_error() {
    // given: two submitted products
    let (app, second) = crate::helpers::fixtures::instances().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let a = id_of(&member_product(&app, &editor, &acme, "Mug A", json!([])).await);
    let b = id_of(&member_product(&app, &editor, &acme, "Mug B", json!([])).await);
    for id in [&a, &b] {
        app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await.assert_no_errors();
    }

    // when: approved twice in a row
    let first = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": a })).await;
    let twice = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": a })).await;
    let reject_after = app.gql_as(Some(&staff), ops::PRODUCT_REJECT, json!({ "id": a, "reason": "late" })).await;

    // then
    assert_eq!(first.user_error_codes("productApprove"), Vec::<String>::new());
    assert_eq!(user_errors(&twice, "productApprove"), [(field(&["id"]), "INVALID_APPROVAL_TRANSITION".into())]);
    assert_eq!(reject_after.user_error_codes("productReject"), ["INVALID_APPROVAL_TRANSITION"]);

    // when: approved and rejected at the same time (from two instances on PostgreSQL)
    let other = second.as_ref().unwrap_or(&app);
    // each instance signs its own tokens
    let other_staff = match &second {
        Some(s) => s.user("staff2@example.com", Role::Staff).await,
        None => staff.clone(),
    };
    let (x, y) = tokio::join!(
        app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": b })),
        other.gql_as(Some(&other_staff), ops::PRODUCT_REJECT, json!({ "id": b, "reason": "no" })),
    );

    // then: exactly one decision, and one history entry for it
    let wins = [x.user_error_codes("productApprove"), y.user_error_codes("productReject")];
    assert_eq!(wins.iter().filter(|c| c.is_empty()).count(), 1, "{wins:?}");
    assert!(wins.iter().any(|c| c == &["INVALID_APPROVAL_TRANSITION"]), "{wins:?}");
    let decisions = history(&approval_view(&app, Some(&staff), &b).await)
        .into_iter()
        .filter(|(a, ..)| a == "APPROVED" || a == "REJECTED")
        .count();
    assert_eq!(decisions, 1);
    assert_eq!(audit_count(&app, "product.approve").await + audit_count(&app, "product.reject").await, 2);
}

#[tokio::test]
async fn decisions_are_staff_only_and_only_for_products_waiting_for_review() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, owner) = vendor_with_member(&app, &staff, "Acme", MemberRole::Owner).await;
    let id = id_of(&member_product(&app, &owner, &acme, "Acme Mug", json!([])).await);

    // when / then: members cannot decide
    let own = app.gql_as(Some(&owner), ops::PRODUCT_APPROVE, json!({ "id": id })).await;
    assert_eq!(own.error_codes(), ["FORBIDDEN"]);
    let own = app.gql_as(Some(&owner), ops::PRODUCT_REJECT, json!({ "id": id, "reason": "x" })).await;
    assert_eq!(own.error_codes(), ["FORBIDDEN"]);
    assert_eq!(app.gql(ops::PRODUCT_APPROVE, json!({ "id": id })).await.error_codes(), ["UNAUTHENTICATED"]);

    // staff cannot approve what was not submitted; unknown products are not found
    let early = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": id })).await;
    assert_eq!(early.user_error_codes("productApprove"), ["INVALID_APPROVAL_TRANSITION"]);
    let unknown = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": unknown_id("Product") })).await;
    assert_eq!(user_errors(&unknown, "productApprove"), [(field(&["id"]), "NOT_FOUND".into())]);
    let wrong_type = app.gql_as(Some(&staff), ops::PRODUCT_APPROVE, json!({ "id": acme })).await;
    assert_eq!(wrong_type.error_codes(), ["BAD_USER_INPUT"]);

    // submitting twice is refused
    app.gql_as(Some(&owner), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await.assert_no_errors();
    let twice = app.gql_as(Some(&owner), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await;
    assert_eq!(twice.user_error_codes("productSubmitForReview"), ["INVALID_APPROVAL_TRANSITION"]);
    assert_eq!(history(&approval_view(&app, Some(&owner), &id).await).len(), 2, "created, submitted");

    // the queue is staff only
    assert_eq!(app.gql_as(Some(&owner), ops::PRODUCT_REVIEW_QUEUE, json!({})).await.error_codes(), ["FORBIDDEN"]);
}

#[tokio::test]
async fn staff_products_are_approved_and_trusted_vendors_skip_review() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let by_staff = active_product(&app, &staff, &acme, "Staff Mug", json!([])).await;
    let untrusted = member_product(&app, &editor, &acme, "Early Mug", json!([])).await;
    set_vendor_trusted(&app, &staff, &acme).await;

    // when
    let trusted = member_product(&app, &editor, &acme, "Trusted Mug", json!([])).await;
    let submitted = app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id_of(&untrusted) })).await;

    // then
    let staff_view = approval_view(&app, Some(&staff), &id_of(&by_staff)).await;
    assert_eq!(history(&staff_view), [h("CREATED", None, "APPROVED")]);
    assert_eq!(trusted["approvalStatus"], "APPROVED");
    assert_eq!(
        history(&approval_view(&app, Some(&editor), &id_of(&trusted)).await),
        [h("AUTO_APPROVED", None, "APPROVED")]
    );
    assert_eq!(submitted.str("productSubmitForReview.product.approvalStatus"), "APPROVED");
    assert_eq!(
        history(&approval_view(&app, Some(&editor), &id_of(&untrusted)).await)[0],
        h("AUTO_APPROVED", Some("NOT_SUBMITTED"), "APPROVED")
    );
    let r = products(&app, None, json!({ "filter": { "query": "Mug" } })).await;
    assert_eq!(total_count(&r), 3, "all three on the storefront");
}

#[tokio::test]
async fn approval_state_and_history_are_visible_to_staff_and_the_vendors_members_only() {
    // given: an approved storefront product of Acme
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, fulfil) = vendor_with_member(&app, &staff, "Acme", MemberRole::Fulfillment).await;
    let (_beta, beta_owner) = vendor_with_member(&app, &staff, "Beta", MemberRole::Owner).await;
    let customer = app.user("ann@example.com", Role::Customer).await;
    let id = id_of(&active_product(&app, &staff, &acme, "Acme Mug", json!([])).await);

    for (token, private) in [
        (Some(&staff), true),
        (Some(&fulfil), true),
        (Some(&beta_owner), false),
        (Some(&customer), false),
        (None, false),
    ] {
        // when
        let view = approval_view(&app, token.map(String::as_str), &id).await;

        // then
        assert_eq!(view["id"], id.as_str(), "the product itself is public");
        assert_eq!(view["approvalStatus"].is_string(), private, "{view}");
        assert_eq!(view["history"].is_array(), private, "{view}");
    }
}

#[tokio::test]
async fn with_review_of_edits_on_a_members_content_edit_sends_an_approved_product_back_to_review() {
    // given: two approved products, re-review of edits on
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let p = active_product(&app, &staff, &acme, "Acme Mug", json!([variant("AC-1", "9.00", 3)])).await;
    let other = id_of(&active_product(&app, &staff, &acme, "Other Mug", json!([])).await);
    let id = id_of(&p);

    // when: without the setting, a content edit keeps the approval
    let u = app
        .gql_as(Some(&editor), ops::VENDOR_PRODUCT_UPDATE, json!({ "id": id, "input": { "description": "Big" } }))
        .await;
    assert_eq!(u.str("productUpdate.product.approvalStatus"), "APPROVED");
    review_approved_edits(&app, &staff).await;

    // then: price, stock and status changes keep it approved
    let v = id_of(&p["variants"][0]);
    app.gql_as(Some(&editor), ops::PRODUCT_VARIANT_UPDATE, json!({ "id": v, "input": { "price": "10.00" } }))
        .await
        .assert_no_errors();
    app.gql_as(
        Some(&editor),
        ops::STOCK_ADJUST,
        json!({ "input": { "variantId": v, "delta": 1, "reason": "RECEIVED" } }),
    )
    .await
    .assert_no_errors();
    let same = app
        .gql_as(
            Some(&editor),
            ops::VENDOR_PRODUCT_UPDATE,
            json!({ "id": id, "input": { "title": "Acme Mug", "status": "ACTIVE" } }),
        )
        .await;
    assert_eq!(same.str("productUpdate.product.approvalStatus"), "APPROVED", "no content changed");

    // a staff edit keeps it approved
    let s = app
        .gql_as(Some(&staff), ops::VENDOR_PRODUCT_UPDATE, json!({ "id": other, "input": { "title": "Staff title" } }))
        .await;
    assert_eq!(s.str("productUpdate.product.approvalStatus"), "APPROVED");

    // a member's content edit sends it back to review
    let e = app
        .gql_as(Some(&editor), ops::VENDOR_PRODUCT_UPDATE, json!({ "id": id, "input": { "title": "Bigger Mug" } }))
        .await;
    assert_eq!(e.str("productUpdate.product.approvalStatus"), "PENDING_REVIEW");
    assert_eq!(
        history(&approval_view(&app, Some(&editor), &id).await)[0],
        h("EDITED", Some("APPROVED"), "PENDING_REVIEW")
    );
    let r = products(&app, None, json!({ "filter": { "query": "Bigger" } })).await;
    assert_eq!(total_count(&r), 0, "off the storefront until approved again");
    let images = app
        .gql_as(
            Some(&editor),
            ops::VENDOR_PRODUCT_UPDATE,
            json!({ "id": other, "input": { "images": [{ "url": "https://img.example/a.png" }] } }),
        )
        .await;
    assert_eq!(images.str("productUpdate.product.approvalStatus"), "PENDING_REVIEW", "images are content");
}

#[tokio::test]
async fn the_review_queue_lists_products_waiting_for_review_oldest_first_in_pages() {
    // given: three submitted products and one not submitted
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let (acme, editor) = vendor_with_member(&app, &staff, "Acme", MemberRole::Editor).await;
    let mut ids = Vec::new();
    for title in ["First", "Second", "Third"] {
        let id = id_of(&member_product(&app, &editor, &acme, title, json!([])).await);
        app.gql_as(Some(&editor), ops::PRODUCT_SUBMIT_FOR_REVIEW, json!({ "id": id })).await.assert_no_errors();
        ids.push(id);
    }
    member_product(&app, &editor, &acme, "Unsubmitted", json!([])).await;

    // when
    let p1 = app.gql_as(Some(&staff), ops::PRODUCT_REVIEW_QUEUE, json!({ "first": 2 })).await;
    let after = p1.str("productReviewQueue.pageInfo.endCursor");
    let p2 = app.gql_as(Some(&staff), ops::PRODUCT_REVIEW_QUEUE, json!({ "first": 2, "after": after })).await;

    // then
    let page = |r: &Gql| -> Vec<String> {
        r.get("productReviewQueue.edges")
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(page(&p1), ids[..2]);
    assert_eq!(page(&p2), ids[2..]);
    assert_eq!(p1.get("productReviewQueue.totalCount"), 3);
    assert_eq!(p1.get("productReviewQueue.pageInfo.hasNextPage"), true);
    assert_eq!(p2.get("productReviewQueue.pageInfo.hasNextPage"), false);
}
