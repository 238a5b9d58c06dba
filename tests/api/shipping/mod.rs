//! Shipping: the staff zone and method mutations and the `shippingZones` query over HTTP, and
//! the calls checkout makes (`methods_for`, `method_for`) through `app.state`.

mod checkout;
mod mutations;

use serde_json::{Value, json};

use crate::{helpers::TestApp, ops};

/// The zones staff see.
async fn zones(app: &TestApp, staff: &str) -> Vec<Value> {
    let r = app.gql_as(Some(staff), ops::SHIPPING_ZONES, json!({})).await;
    r.assert_no_errors();
    r.get("shippingZones").as_array().cloned().unwrap_or_default()
}
