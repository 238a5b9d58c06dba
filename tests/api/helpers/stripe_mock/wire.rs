//! Stripe's wire format as the mock checks it: routes, form parameters (names from Stripe's
//! OpenAPI description, `2026-09-30.endive`) and their types.

use axum::http::Method;
use serde_json::{Value, json};

/// Form or query parameters, in order.
pub(super) struct Params(pub(super) Vec<(String, String)>);

impl Params {
    pub(super) fn parse(raw: &str) -> Self {
        let url = reqwest::Url::parse(&format!("http://x/?{raw}")).expect("a query");
        Self(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(super) fn metadata(&self) -> Value {
        let map: serde_json::Map<String, Value> = self
            .0
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("metadata[").and_then(|k| k.strip_suffix(']')).map(|k| (k.to_owned(), json!(v)))
            })
            .collect();
        Value::Object(map)
    }

    pub(super) fn sorted(&self) -> Vec<(String, String)> {
        let mut v = self.0.clone();
        v.sort();
        v
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Endpoint {
    CreateIntent,
    RetrieveIntent,
    ConfirmIntent,
    CancelIntent,
    CreateRefund,
    RetrieveRefund,
}

pub(super) fn route(method: &Method, path: &str) -> Option<(Endpoint, Option<String>)> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let id = |s: &str, prefix: &str| s.starts_with(prefix).then(|| s.to_owned());
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["v1", "payment_intents"]) => Some((Endpoint::CreateIntent, None)),
        ("GET", ["v1", "payment_intents", pi]) => Some((Endpoint::RetrieveIntent, Some((*pi).to_owned()))),
        ("POST", ["v1", "payment_intents", pi, "confirm"]) => Some((Endpoint::ConfirmIntent, id(pi, "pi_"))),
        ("POST", ["v1", "payment_intents", pi, "cancel"]) => Some((Endpoint::CancelIntent, id(pi, "pi_"))),
        ("POST", ["v1", "refunds"]) => Some((Endpoint::CreateRefund, None)),
        ("GET", ["v1", "refunds", re]) => Some((Endpoint::RetrieveRefund, Some((*re).to_owned()))),
        _ => None,
    }
}

/// Top-level parameters each endpoint takes (Stripe's OpenAPI description, `2026-09-30.endive`).
#[rustfmt::skip]
fn known_params(e: Endpoint) -> &'static [&'static str] {
    match e {
        Endpoint::CreateIntent => &[
            "allowed_payment_method_types", "amount", "amount_details", "application_fee_amount",
            "automatic_payment_methods", "capture_method", "confirm", "confirmation_method", "confirmation_token",
            "currency", "customer", "customer_account", "description", "error_on_requires_action",
            "excluded_payment_method_types", "expand", "hooks", "mandate", "mandate_data", "metadata",
            "off_session", "on_behalf_of", "payment_details", "payment_method", "payment_method_configuration",
            "payment_method_data", "payment_method_options", "radar_options", "receipt_email", "return_url",
            "setup_future_usage", "shipping", "statement_descriptor", "statement_descriptor_suffix",
            "transfer_data", "transfer_group", "use_stripe_sdk",
        ],
        Endpoint::ConfirmIntent => &[
            "allowed_payment_method_types", "amount_details", "amount_to_confirm", "capture_method",
            "confirmation_token", "error_on_requires_action", "excluded_payment_method_types", "expand", "hooks",
            "mandate", "mandate_data", "off_session", "payment_details", "payment_method", "payment_method_data",
            "payment_method_options", "radar_options", "receipt_email", "return_url", "setup_future_usage",
            "shipping", "use_stripe_sdk",
        ],
        Endpoint::CancelIntent => &[
            "cancellation_reason", "expand",
        ],
        Endpoint::RetrieveIntent => &[
            "client_secret", "expand",
        ],
        Endpoint::CreateRefund => &[
            "amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin",
            "payment_intent", "reason", "refund_application_fee", "reverse_transfer",
        ],
        Endpoint::RetrieveRefund => &[
            "expand",
        ],
    }
}

/// The wire checks of one endpoint's parameters: `Err((param, message))` as Stripe's 400.
pub(super) fn check_params(e: Endpoint, p: &Params) -> Result<(), (String, String)> {
    let bad = |k: &str, m: &str| Err((k.to_owned(), m.to_owned()));
    let mut metadata = 0;
    for (k, v) in &p.0 {
        let top = k.split('[').next().unwrap_or_default();
        if !known_params(e).contains(&top) {
            return Err((k.clone(), format!("Received unknown parameter: {k}")));
        }
        match top {
            "amount" if !v.parse::<i64>().is_ok_and(|a| (1..=99_999_999).contains(&a)) => {
                return bad(k, "Invalid positive integer (at most 99999999)");
            }
            "currency" if !(v.len() == 3 && v.chars().all(|c| c.is_ascii_lowercase())) => {
                return bad(k, "Invalid currency: use a lowercase ISO code");
            }
            "confirm" | "use_stripe_sdk" | "error_on_requires_action" if v != "true" && v != "false" => {
                return bad(k, "Invalid boolean");
            }
            "metadata" => {
                let key = k.strip_prefix("metadata[").and_then(|k| k.strip_suffix(']'));
                if !key.is_some_and(|key| !key.is_empty() && key.len() <= 40 && !key.contains('[')) || v.len() > 500 {
                    return bad(k, "Invalid metadata: keys up to 40 characters, values up to 500");
                }
                metadata += 1;
            }
            "automatic_payment_methods" => match k.as_str() {
                "automatic_payment_methods[enabled]" if v == "true" || v == "false" => {}
                "automatic_payment_methods[allow_redirects]" if v == "always" || v == "never" => {}
                _ => return bad(k, "Invalid automatic_payment_methods"),
            },
            "cancellation_reason"
                if !["duplicate", "fraudulent", "requested_by_customer", "abandoned"].contains(&v.as_str()) =>
            {
                return bad(k, "Invalid cancellation_reason");
            }
            "reason" if !["duplicate", "fraudulent", "requested_by_customer"].contains(&v.as_str()) => {
                return bad(k, "Invalid reason");
            }
            "payment_method" | "payment_intent" | "return_url" | "description" if v.is_empty() => {
                return bad(k, "Invalid string: empty");
            }
            _ => {}
        }
    }
    if metadata > 50 {
        return bad("metadata", "At most 50 metadata keys");
    }
    match e {
        Endpoint::CreateIntent => {
            for required in ["amount", "currency"] {
                if p.get(required).is_none() {
                    return Err((required.into(), format!("Missing required param: {required}.")));
                }
            }
            if p.get("automatic_payment_methods[allow_redirects]").is_some()
                && p.get("automatic_payment_methods[enabled]").is_none()
            {
                return bad("automatic_payment_methods[enabled]", "Missing required param");
            }
            let amount: i64 = p.get("amount").unwrap_or_default().parse().unwrap_or_default();
            let currency = p.get("currency").unwrap_or_default();
            if ["bhd", "jod", "kwd", "omr", "tnd"].contains(&currency) && amount % 10 != 0 {
                return bad("amount", "Three-decimal currencies need amounts ending in 0");
            }
            if currency == "isk" && amount % 100 != 0 {
                return bad("amount", "invalid_charge_amount_no_decimal_compatible: ISK amounts are multiples of 100");
            }
            if p.get("confirm") == Some("true")
                && p.get("return_url").is_none()
                && p.get("automatic_payment_methods[allow_redirects]") != Some("never")
            {
                return bad(
                    "return_url",
                    "Confirming with redirect-capable payment methods needs a return_url, or \
                     automatic_payment_methods[allow_redirects]=never",
                );
            }
        }
        Endpoint::CreateRefund if p.get("payment_intent").is_none() && p.get("charge").is_none() => {
            return bad("payment_intent", "One of charge or payment_intent is required.");
        }
        _ => {}
    }
    Ok(())
}
