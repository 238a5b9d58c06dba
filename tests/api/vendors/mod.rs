//! The marketplace's vendors over HTTP: onboarding and staff decisions, members and invites,
//! the profile, commission, trust and marketplace settings, and vendor owners' shipping methods.

mod members;
mod onboarding;
mod settings;
mod shipping;

use agora::shared::role::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

/// Signs up `email` and applies for a vendor named `name`; returns (token, vendor).
async fn applicant(app: &TestApp, email: &str, name: &str) -> (String, Value) {
    let token = app.user(email, Role::Customer).await;
    let r = app.gql_as(Some(&token), ops::VENDOR_APPLY, json!({ "input": application(name) })).await;
    r.assert_no_errors();
    (token, r.get("vendorApply.vendor").clone())
}

fn application(name: &str) -> Value {
    json!({ "name": name, "contactEmail": "owner@example.com", "country": "de", "description": "Hand-made pots." })
}

/// An applicant whose vendor staff approved; returns (owner token, vendor).
async fn active_vendor(app: &TestApp, staff: &str, email: &str, name: &str) -> (String, Value) {
    let (token, v) = applicant(app, email, name).await;
    let r = app.gql_as(Some(staff), ops::VENDOR_APPROVE, json!({ "id": v["id"] })).await;
    r.assert_no_errors();
    (token, r.get("vendorApprove.vendor").clone())
}

/// The audit actions recorded for `vendor` (a global ID), oldest first, with their summaries.
async fn audit(app: &TestApp, vendor: &Value) -> Vec<(String, Value)> {
    let id = agora::graphql::ids::decode::<agora::shared::ids::VendorId>(vendor["id"].as_str().unwrap()).unwrap().0;
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::VendorId.eq(id))
        .order_by_asc(entity::audit_log::Column::CreatedAt)
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.summary))
        .collect()
}

fn actions(entries: &[(String, Value)]) -> Vec<&str> {
    entries.iter().map(|(a, _)| a.as_str()).collect()
}
