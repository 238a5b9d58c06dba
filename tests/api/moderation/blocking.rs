use agora::shared::role::Role;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use super::{account, audit_entries, block, login, unblock};
use crate::{
    helpers::{TestApp, field, user_errors},
    ops,
};

/// One signing key for every instance, as in production (`auth.jwt_secret`).
fn shared_key(s: &mut agora::config::Settings) {
    s.auth.jwt_secret = Some(agora::config::Secret::new("a shared signing key of at least 32 bytes"));
}

#[tokio::test]
async fn a_blocked_users_tokens_are_refused_at_once_on_another_instance() {
    // given: two instances on one database with one signing key (as in production), a customer
    // signed in, their token working on both
    let one = TestApp::spawn_with(shared_key).await;
    let two = TestApp::spawn_on_with(&one.database_url, shared_key).await;
    let staff = one.staff().await;
    let ann = account(&one, "ann@example.com", Role::Customer).await;
    let me = two.gql_as(Some(&ann.access), ops::ME, json!({})).await;
    me.assert_no_errors();
    assert_eq!(me.str("me.email"), "ann@example.com");

    // when: staff block her through instance one
    let r = block(&one, &staff, &ann.id, "chargeback fraud").await;
    r.assert_no_errors();
    assert!(r.get("userBlock.user.blockedAt").is_string());

    // then: instance two refuses her access token on the very next request, as an invalid one
    let me = two.gql_as(Some(&ann.access), ops::ME, json!({})).await;
    assert_eq!(me.status, 401);
    assert_eq!(me.error_codes(), ["UNAUTHENTICATED"]);
    // her refresh token was revoked with the block
    let r = two.gql(ops::TOKEN_REFRESH, json!({ "input": { "refreshToken": ann.refresh } })).await;
    assert_eq!(r.user_error_codes("tokenRefresh"), ["INVALID_REFRESH_TOKEN"]);
    // she cannot sign in again: the right password says why, a wrong one says nothing more
    assert_eq!(login(&two, "ann@example.com").await.user_error_codes("tokenCreate"), ["ACCOUNT_BLOCKED"]);
    let wrong = two
        .gql(ops::TOKEN_CREATE, json!({ "input": { "email": "ann@example.com", "password": "not the passphrase" } }))
        .await;
    assert_eq!(wrong.user_error_codes("tokenCreate"), ["INVALID_CREDENTIALS"]);
}

#[tokio::test]
async fn a_blocked_users_token_is_refused_by_websocket_connection_init() {
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;
    assert_eq!(connection_init(&app, &ann.access).await, "connection_ack");
    block(&app, &staff, &ann.id, "abuse").await.assert_no_errors();
    assert_ne!(connection_init(&app, &ann.access).await, "connection_ack");
}

/// The server's first answer to a `connection_init` with this token (its type, or "closed").
async fn connection_init(app: &TestApp, token: &str) -> String {
    let mut req = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("upgrade");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    ws.send(Message::text(init.to_string())).await.unwrap();
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                return serde_json::from_str::<Value>(&t).unwrap()["type"].as_str().unwrap_or("?").to_owned();
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return "closed".into(),
            Some(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn user_block_is_audited_and_user_unblock_lets_the_user_sign_in_again() {
    // given
    let app = TestApp::spawn().await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;

    // when: blocked
    block(&app, &staff.access, &ann.id, "  chargeback fraud  ").await.assert_no_errors();

    // then: staff see it on the user and in the blocked list
    let u = app.gql_as(Some(&staff.access), ops::USER, json!({ "id": ann.id })).await;
    u.assert_no_errors();
    let blocked_at = time(u.get("user.blockedAt"));
    let list = app.gql_as(Some(&staff.access), ops::USERS, json!({ "filter": { "blocked": true } })).await;
    list.assert_no_errors();
    assert_eq!(list.get("users.totalCount"), &json!(1));
    assert_eq!(list.str("users.edges.0.node.id"), ann.id);
    // and the audit log says who, what, to whom and why
    let entries = audit_entries(&app, &staff.access, json!({ "actions": ["user.block"] })).await;
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["actorId"], json!(staff.id));
    assert_eq!(e["actorRole"], "STAFF");
    assert_eq!(e["targetType"], "User");
    assert_eq!(e["targetId"], json!(ann.id));
    assert_eq!(e["summary"]["before"]["blockedAt"], Value::Null);
    assert_eq!(e["summary"]["after"]["reason"], "chargeback fraud");
    assert_eq!(time(&e["summary"]["after"]["blockedAt"]), blocked_at);

    // when: unblocked
    let r = unblock(&app, &staff.access, &ann.id).await;
    r.assert_no_errors();
    assert!(r.get("userUnblock.user.blockedAt").is_null());

    // then: she signs in again and her new token works; the unblock is audited
    let session = login(&app, "ann@example.com").await;
    session.assert_no_errors();
    let me = app.gql_as(Some(&session.str("tokenCreate.tokens.accessToken")), ops::ME, json!({})).await;
    me.assert_no_errors();
    assert!(me.get("me.blockedAt").is_null());
    let entries = audit_entries(&app, &staff.access, json!({ "actions": ["user.unblock"] })).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(time(&entries[0]["summary"]["before"]["blockedAt"]), blocked_at);
    assert_eq!(entries[0]["summary"]["after"]["blockedAt"], Value::Null);
}

fn time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().and_then(|t| t.parse().ok()).unwrap_or_else(|| panic!("{v} is not a time"))
}

#[tokio::test]
async fn user_block_with_bad_input_returns_user_errors_and_writes_nothing() {
    // given: staff, an admin, another staff member and a customer
    let app = TestApp::spawn().await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    let other_staff = account(&app, "colleague@example.com", Role::Staff).await;
    let admin = account(&app, "admin@example.com", Role::Admin).await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;
    let unknown = agora::graphql::ids::encode(agora::shared::ids::UserId::new()).to_string();
    let product_id = agora::graphql::ids::encode(agora::shared::ids::ProductId::new()).to_string();
    let long = "x".repeat(501);

    let cases: [(&str, &str, &[&str], &str); 8] = [
        ("not an id", "spam", &["userId"], "INVALID_ID"),
        (&product_id, "spam", &["userId"], "INVALID_ID"),
        (&unknown, "spam", &["userId"], "USER_NOT_FOUND"),
        (&ann.id, "   ", &["reason"], "REASON_REQUIRED"),
        (&ann.id, &long, &["reason"], "REASON_TOO_LONG"),
        (&staff.id, "spam", &["userId"], "CANNOT_BLOCK_SELF"),
        (&other_staff.id, "spam", &["userId"], "ROLE_TOO_HIGH"),
        (&admin.id, "spam", &["userId"], "ROLE_TOO_HIGH"),
    ];
    for (user_id, reason, at, code) in cases {
        let r = block(&app, &staff.access, user_id, reason).await;
        assert_eq!(user_errors(&r, "userBlock"), [(field(at), code.to_owned())], "{user_id} / {reason}");
        assert!(r.get("userBlock.user").is_null());
    }
    // unblocking someone not blocked, or above one's role
    assert_eq!(
        user_errors(&unblock(&app, &staff.access, &ann.id).await, "userUnblock"),
        [(field(&["userId"]), "NOT_BLOCKED".to_owned())]
    );
    assert_eq!(unblock(&app, &staff.access, &unknown).await.user_error_codes("userUnblock"), ["USER_NOT_FOUND"]);
    // blocking twice: the second is refused
    block(&app, &staff.access, &ann.id, "spam").await.assert_no_errors();
    assert_eq!(block(&app, &staff.access, &ann.id, "spam").await.user_error_codes("userBlock"), ["ALREADY_BLOCKED"]);
    admin_blocks(&app, &admin, &other_staff).await;
    assert_eq!(unblock(&app, &staff.access, &other_staff.id).await.user_error_codes("userUnblock"), ["ROLE_TOO_HIGH"]);

    // then: nothing else was written: everyone refused is still signed in, two entries logged
    for token in [&staff.access, &admin.access] {
        app.gql_as(Some(token), ops::ME, json!({})).await.assert_no_errors();
    }
    let entries = audit_entries(&app, &admin.access, json!({})).await;
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["user.block", "user.block"]);
}

/// An admin blocks a staff member: allowed, and the staff member's token stops working.
async fn admin_blocks(app: &TestApp, admin: &super::Account, staff: &super::Account) {
    let r = block(app, &admin.access, &staff.id, "left the company").await;
    r.assert_no_errors();
    assert_eq!(r.str("userBlock.user.role"), "STAFF");
    assert_eq!(app.gql_as(Some(&staff.access), ops::ME, json!({})).await.status, 401);
}

#[tokio::test]
async fn admins_can_block_and_unblock_staff() {
    let app = TestApp::spawn().await;
    let admin = account(&app, "admin@example.com", Role::Admin).await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    admin_blocks(&app, &admin, &staff).await;
    unblock(&app, &admin.access, &staff.id).await.assert_no_errors();
    login(&app, "staff@example.com").await.assert_no_errors();
}

#[tokio::test]
async fn moderation_is_for_staff_only() {
    let app = TestApp::spawn().await;
    let ann = account(&app, "ann@example.com", Role::Customer).await;
    let bob = account(&app, "bob@example.com", Role::Customer).await;
    let calls: [(&str, Value); 5] = [
        (ops::USER_BLOCK, json!({ "input": { "userId": bob.id, "reason": "spam" } })),
        (ops::USER_UNBLOCK, json!({ "input": { "userId": bob.id } })),
        (ops::USER, json!({ "id": bob.id })),
        (ops::USERS, json!({})),
        (ops::AUDIT_LOG, json!({})),
    ];
    for (doc, vars) in calls {
        assert_eq!(app.gql(doc, vars.clone()).await.error_codes(), ["UNAUTHENTICATED"], "{doc}");
        assert_eq!(app.gql_as(Some(&ann.access), doc, vars).await.error_codes(), ["FORBIDDEN"], "{doc}");
    }
    // bob was not blocked
    app.gql_as(Some(&bob.access), ops::ME, json!({})).await.assert_no_errors();
}

#[tokio::test]
async fn users_lists_newest_first_with_filters_and_pages() {
    let app = TestApp::spawn().await;
    let staff = account(&app, "staff@example.com", Role::Staff).await;
    for name in ["ann", "bob", "cat"] {
        account(&app, &format!("{name}@shop.example"), Role::Customer).await;
    }
    let page = |vars: Value| app.gql_as(Some(&staff.access), ops::USERS, vars);
    let first = page(json!({ "first": 2, "filter": { "email": "SHOP.example" } })).await;
    first.assert_no_errors();
    assert_eq!(first.get("users.totalCount"), &json!(3));
    let emails = |r: &crate::helpers::Gql| -> Vec<String> {
        r.get("users.edges").as_array().unwrap().iter().map(|e| e["node"]["email"].as_str().unwrap().into()).collect()
    };
    assert_eq!(emails(&first), ["cat@shop.example", "bob@shop.example"]);
    assert_eq!(first.get("users.pageInfo.hasNextPage"), &json!(true));
    let after = first.str("users.pageInfo.endCursor");
    let second = page(json!({ "first": 2, "after": after, "filter": { "email": "shop.example" } })).await;
    assert_eq!(emails(&second), ["ann@shop.example"]);
    assert_eq!(second.get("users.pageInfo.hasNextPage"), &json!(false));
    let none = page(json!({ "filter": { "blocked": true } })).await;
    assert_eq!(none.get("users.totalCount"), &json!(0));
    // a bad cursor or id is the caller's to fix
    assert_eq!(page(json!({ "after": "garbage" })).await.error_codes(), ["BAD_USER_INPUT"]);
    let r = app.gql_as(Some(&staff.access), ops::USER, json!({ "id": "garbage" })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn two_concurrent_blocks_of_one_user_record_one_block() {
    // given: a staff member and an admin, on two instances where the database allows
    // (PostgreSQL; SQLite has one writer process)
    let one = TestApp::spawn_with(shared_key).await;
    let two = match one.database_url.starts_with("postgres") {
        true => Some(TestApp::spawn_on_with(&one.database_url, shared_key).await),
        false => None,
    };
    let staff = account(&one, "staff@example.com", Role::Staff).await;
    let admin = account(&one, "admin@example.com", Role::Admin).await;
    let ann = account(&one, "ann@example.com", Role::Customer).await;

    // when: both block her at once
    let (a, b) = tokio::join!(
        block(&one, &staff.access, &ann.id, "first"),
        block(two.as_ref().unwrap_or(&one), &admin.access, &ann.id, "second")
    );

    // then: exactly one wins, the other is told she is blocked already; one entry
    let mut codes = [a.user_error_codes("userBlock"), b.user_error_codes("userBlock")];
    codes.sort();
    assert_eq!(codes, [vec![], vec!["ALREADY_BLOCKED".to_owned()]]);
    let entries = audit_entries(&one, &admin.access, json!({ "actions": ["user.block"] })).await;
    assert_eq!(entries.len(), 1);
}
