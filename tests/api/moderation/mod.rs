//! Moderation: staff block and unblock users (their tokens stop working at once, on every
//! instance), look users up, and read the append-only audit log.

mod audit_log;
mod blocking;

use agora::shared::role::Role;
use serde_json::{Value, json};

use crate::{
    helpers::{Gql, TestApp},
    ops,
};

pub const PASSWORD: &str = "a long and unusual passphrase";

/// A signed-in user: global id, access and refresh token.
pub struct Account {
    pub id: String,
    pub access: String,
    pub refresh: String,
}

/// Registers `email` with `role` and signs in.
pub async fn account(app: &TestApp, email: &str, role: Role) -> Account {
    let access = app.user(email, role).await;
    let session = login(app, email).await;
    session.assert_no_errors();
    let me = app.gql_as(Some(&access), ops::ME, json!({})).await;
    Account { id: me.str("me.id"), access, refresh: session.str("tokenCreate.tokens.refreshToken") }
}

pub async fn login(app: &TestApp, email: &str) -> Gql {
    app.gql(ops::TOKEN_CREATE, json!({ "input": { "email": email, "password": PASSWORD } })).await
}

pub async fn block(app: &TestApp, token: &str, user_id: &str, reason: &str) -> Gql {
    app.gql_as(Some(token), ops::USER_BLOCK, json!({ "input": { "userId": user_id, "reason": reason } })).await
}

pub async fn unblock(app: &TestApp, token: &str, user_id: &str) -> Gql {
    app.gql_as(Some(token), ops::USER_UNBLOCK, json!({ "input": { "userId": user_id } })).await
}

/// The audit log's nodes (staff view) for a filter, newest first (one page of up to 100).
pub async fn audit_entries(app: &TestApp, staff: &str, filter: Value) -> Vec<Value> {
    let r = app.gql_as(Some(staff), ops::AUDIT_LOG, json!({ "first": 100, "filter": filter })).await;
    r.assert_no_errors();
    r.get("auditLog.edges").as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}
