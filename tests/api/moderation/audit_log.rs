use agora::shared::role::Role;
use serde_json::{Value, json};

use super::{account, audit_entries, block, unblock};
use crate::{helpers::TestApp, ops};

#[tokio::test]
async fn audit_log_pages_newest_first_and_filters() {
    // given: five entries: three blocks (by staff, then by an admin) and two unblocks
    let app = TestApp::spawn().await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    let admin = account(&app, "admin@example.com", Role::Admin).await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;
    let bob = account(&app, "bob@example.com", Role::Customer).await;
    let start = chrono::Utc::now();
    block(&app, &staff.access, &ann.id, "one").await.assert_no_errors();
    unblock(&app, &staff.access, &ann.id).await.assert_no_errors();
    block(&app, &staff.access, &ann.id, "two").await.assert_no_errors();
    block(&app, &admin.access, &bob.id, "three").await.assert_no_errors();
    unblock(&app, &admin.access, &bob.id).await.assert_no_errors();

    // when: paged two at a time
    let mut seen: Vec<Value> = vec![];
    let mut after: Option<String> = None;
    loop {
        let r = app.gql_as(Some(&staff.access), ops::AUDIT_LOG, json!({ "first": 2, "after": after })).await;
        r.assert_no_errors();
        assert_eq!(r.get("auditLog.totalCount"), &json!(5));
        seen.extend(r.get("auditLog.edges").as_array().unwrap().iter().map(|e| e["node"].clone()));
        if r.get("auditLog.pageInfo.hasNextPage") != &json!(true) {
            break;
        }
        after = Some(r.str("auditLog.pageInfo.endCursor"));
    }

    // then: every entry once, newest first
    let reasons: Vec<Value> = seen.iter().map(|e| e["summary"]["after"]["reason"].clone()).collect();
    assert_eq!(reasons, [Value::Null, json!("three"), json!("two"), Value::Null, json!("one")]);
    let times: Vec<&str> = seen.iter().map(|e| e["createdAt"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    // and: each filter narrows
    let count = |filter: Value| {
        let app = &app;
        let token = staff.access.clone();
        async move { audit_entries(app, &token, filter).await.len() }
    };
    assert_eq!(count(json!({ "actions": ["user.block"] })).await, 3);
    assert_eq!(count(json!({ "actions": ["user.block", "user.unblock"] })).await, 5);
    assert_eq!(count(json!({ "actorId": admin.id })).await, 2);
    assert_eq!(count(json!({ "targetId": ann.id })).await, 3);
    assert_eq!(count(json!({ "targetType": "User", "targetId": bob.id })).await, 2);
    assert_eq!(count(json!({ "targetType": "Vendor" })).await, 0);
    let vendor = agora::graphql::ids::encode(agora::shared::ids::VendorId::new()).to_string();
    assert_eq!(count(json!({ "vendorId": vendor })).await, 0);
    assert_eq!(count(json!({ "from": start.to_rfc3339() })).await, 5);
    assert_eq!(count(json!({ "to": start.to_rfc3339() })).await, 0);
    assert_eq!(count(json!({ "actorId": staff.id, "actions": ["user.unblock"] })).await, 1);

    // bad arguments are top-level BAD_USER_INPUT
    for filter in [
        json!({ "actorId": "garbage" }),
        json!({ "actorId": ann.id.clone() + "x" }),
        json!({ "vendorId": ann.id }),
        json!({ "targetId": "garbage" }),
        json!({ "targetType": "Vendor", "targetId": ann.id }),
    ] {
        let r = app.gql_as(Some(&staff.access), ops::AUDIT_LOG, json!({ "filter": filter })).await;
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{filter}");
    }
    let r = app.gql_as(Some(&staff.access), ops::AUDIT_LOG, json!({ "after": "garbage" })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn the_api_has_no_mutation_that_changes_the_audit_log() {
    let app = TestApp::spawn().await;
    let r = app.gql("{ __schema { mutationType { fields { name } } } }", json!({})).await;
    r.assert_no_errors();
    let names: Vec<&str> =
        r.get("__schema.mutationType.fields").as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"userBlock"), "introspection lists mutations");
    let audit: Vec<&&str> = names.iter().filter(|n| n.to_lowercase().starts_with("audit")).collect();
    assert!(audit.is_empty(), "mutations on the audit log: {audit:?}");
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_audit_entries() {
    // given: one entry
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn().await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;
    block(&app, &staff.access, &ann.id, "spam").await.assert_no_errors();

    // when: the table is written to directly
    let update = app.state.db.execute_unprepared("UPDATE audit_log SET action = 'user.unblock'").await;
    let delete = app.state.db.execute_unprepared("DELETE FROM audit_log").await;

    // then: both fail, and the entry is as recorded
    assert!(update.is_err(), "UPDATE on audit_log succeeded");
    assert!(delete.is_err(), "DELETE on audit_log succeeded");
    let entries = audit_entries(&app, &staff.access, json!({})).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "user.block");
}

/// Blocks `user_id` over raw HTTP with an optional `x-request-id`; returns the response's one.
async fn block_with_request_id(app: &TestApp, staff: &str, user_id: &str, request_id: Option<&str>) -> String {
    let body = json!({ "query": ops::USER_BLOCK, "variables": { "input": { "userId": user_id, "reason": "spam" } } });
    let mut req = app.client.post(app.url("/graphql")).bearer_auth(staff).json(&body);
    if let Some(id) = request_id {
        req = req.header("x-request-id", id);
    }
    let resp = req.send().await.unwrap();
    let header = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["userBlock"]["userErrors"], json!([]), "{body}");
    header
}

#[tokio::test]
async fn audit_entries_carry_the_request_id_sent_or_the_one_generated() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;
    let bob = account(&app, "bob@example.com", Role::Customer).await;

    // a request with an id: recorded and echoed
    let echoed = block_with_request_id(&app, &staff.access, &ann.id, Some("req-moderation-1")).await;
    assert_eq!(echoed, "req-moderation-1");
    let e = audit_entries(&app, &staff.access, json!({ "targetId": ann.id })).await;
    assert_eq!(e[0]["requestId"], "req-moderation-1");

    // a request without one: the server makes one, returns it, and records the same
    let generated = block_with_request_id(&app, &staff.access, &bob.id, None).await;
    assert!(!generated.is_empty());
    let e = audit_entries(&app, &staff.access, json!({ "targetId": bob.id })).await;
    assert_eq!(e[0]["requestId"], json!(generated));
}
