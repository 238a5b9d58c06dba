//! Shipping: the staff zone and method mutations and the `shippingZones` query over HTTP, and
//! the calls checkout makes (`methods_for`, `method_for`) through `app.state`.

mod checkout;
mod mutations;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::{
    helpers::{Gql, TestApp},
    ops,
};

/// A well-formed global ID of `type_name` that names nothing.
fn unknown_id(type_name: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{}", uuid::Uuid::now_v7()))
}

/// Creates a vendor; returns its global ID.
async fn vendor(app: &TestApp, staff: &str, name: &str) -> String {
    let r = app.gql_as(Some(staff), ops::VENDOR_CREATE, json!({ "input": { "name": name } })).await;
    r.assert_no_errors();
    r.str("vendorCreate.vendor.id")
}

/// Creates a zone from `[(country, region)]`; returns its global ID.
async fn zone(app: &TestApp, staff: &str, name: &str, areas: &[(&str, Option<&str>)]) -> String {
    let areas: Vec<Value> = areas.iter().map(|(c, r)| json!({ "country": c, "region": r })).collect();
    let r =
        app.gql_as(Some(staff), ops::SHIPPING_ZONE_CREATE, json!({ "input": { "name": name, "areas": areas } })).await;
    r.assert_no_errors();
    r.str("shippingZoneCreate.shippingZone.id")
}

/// Runs `shippingMethodCreate` as staff and expects success; returns the method.
async fn method(app: &TestApp, staff: &str, input: Value) -> Value {
    let r = app.gql_as(Some(staff), ops::SHIPPING_METHOD_CREATE, json!({ "input": input })).await;
    r.assert_no_errors();
    r.get("shippingMethodCreate.shippingMethod").clone()
}

/// The zones staff see.
async fn zones(app: &TestApp, staff: &str) -> Vec<Value> {
    let r = app.gql_as(Some(staff), ops::SHIPPING_ZONES, json!({})).await;
    r.assert_no_errors();
    r.get("shippingZones").as_array().cloned().unwrap_or_default()
}

/// The `(field, code)` of every user error of `mutation`.
fn user_errors(r: &Gql, mutation: &str) -> Vec<(Vec<String>, String)> {
    let codes = r.user_error_codes(mutation);
    codes.into_iter().enumerate().map(|(i, c)| (r.user_error_field(mutation, i), c)).collect()
}

/// A field path from string segments.
fn field(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}
