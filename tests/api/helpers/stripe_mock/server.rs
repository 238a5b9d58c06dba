//! The mock's request handler: wire checks, faults, Stripe's idempotency, and the endpoints on
//! the ledger.

use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    Fault, Ledger, SeenRequest, Shared, Stored, new_id, now,
    wire::{Endpoint, Params, check_params, route},
};

fn error(status: u16, type_: &str, code: Option<&str>, param: Option<&str>, message: &str) -> (u16, Value) {
    (status, json!({ "error": { "type": type_, "code": code, "param": param, "message": message } }))
}

pub(super) fn succeed(pi: &mut Value) {
    pi["status"] = json!("succeeded");
    pi["amount_received"] = pi["amount"].clone();
    pi["latest_charge"] = json!(new_id("ch"));
    pi["next_action"] = Value::Null;
    pi["last_payment_error"] = Value::Null;
}

/// Confirms `pi` with a test payment method. `Err` carries a 402 card error (the intent is
/// updated with `last_payment_error`) or a 400 for an unknown method (the intent is untouched).
pub(super) fn apply_outcome(pi: &mut Value, method: &str) -> Result<(), (u16, Value)> {
    let decline = match method {
        "pm_card_visa" | "pm_card_mastercard" => {
            succeed(pi);
            return Ok(());
        }
        "pm_card_authenticationRequired" | "pm_card_threeDSecure2Required" => {
            pi["status"] = json!("requires_action");
            pi["next_action"] = json!({
                "type": "use_stripe_sdk",
                "use_stripe_sdk": { "type": "three_d_secure_redirect", "stripe_js": "https://hooks.stripe.com/3d_secure_2/hosted", "source": new_id("src") }
            });
            return Ok(());
        }
        "pm_card_chargeDeclined" => ("card_declined", "generic_decline"),
        "pm_card_chargeDeclinedInsufficientFunds" => ("card_declined", "insufficient_funds"),
        "pm_card_chargeDeclinedExpiredCard" => ("expired_card", "expired_card"),
        other => {
            return Err(error(
                400,
                "invalid_request_error",
                Some("resource_missing"),
                Some("payment_method"),
                &format!("No such PaymentMethod: '{other}'"),
            ));
        }
    };
    let charge = new_id("ch");
    let e = json!({
        "type": "card_error", "code": decline.0, "decline_code": decline.1, "charge": charge,
        "message": "Your card was declined.",
    });
    pi["status"] = json!("requires_payment_method");
    pi["last_payment_error"] = e.clone();
    pi["latest_charge"] = json!(charge);
    pi["payment_method"] = Value::Null;
    let mut body = json!({ "error": e });
    body["error"]["payment_intent"] = pi.clone();
    Err((402, body))
}

fn intent_json(id: &str, amount: i64, currency: &str, params: &Params) -> Value {
    let allow_redirects = params.get("automatic_payment_methods[allow_redirects]").unwrap_or("always");
    let mut pi = json!({
        "id": id, "object": "payment_intent", "amount": amount, "amount_capturable": 0, "amount_received": 0,
        "automatic_payment_methods": { "enabled": true, "allow_redirects": allow_redirects },
        "capture_method": params.get("capture_method").unwrap_or("automatic_async"),
        "client_secret": format!("{id}_secret_{}", uuid::Uuid::new_v4().simple()),
        "confirmation_method": params.get("confirmation_method").unwrap_or("automatic"), "created": now(),
        "currency": currency, "description": params.get("description"), "livemode": false,
        "metadata": params.metadata(), "payment_method": params.get("payment_method"),
        "payment_method_types": ["card"], "receipt_email": params.get("receipt_email"),
        "status": "requires_payment_method",
    });
    // Stripe sends every field, null when empty.
    for field in [
        "amount_details",
        "application",
        "application_fee_amount",
        "canceled_at",
        "cancellation_reason",
        "customer",
        "customer_account",
        "excluded_payment_method_types",
        "last_payment_error",
        "latest_charge",
        "managed_payments",
        "next_action",
        "on_behalf_of",
        "payment_method_configuration_details",
        "payment_method_options",
        "processing",
        "review",
        "setup_future_usage",
        "shipping",
        "source",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "transfer_data",
        "transfer_group",
    ] {
        pi[field] = Value::Null;
    }
    pi
}

pub(super) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let raw = if method == Method::GET {
        uri.query().unwrap_or_default().to_owned()
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    let params = Params::parse(&raw);
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let fault;
    let (status, answer, replayed) = {
        let mut l = shared.ledger.lock().unwrap_or_else(|e| e.into_inner());
        let mut violations = Vec::new();
        let what = format!("{method} {path}");
        let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {}", shared.secret_key));
        if !authorized {
            violations.push(format!("{what}: missing or wrong Authorization bearer key"));
        }
        if headers.get("stripe-version").is_none() {
            violations.push(format!("{what}: no Stripe-Version header"));
        }
        if method == Method::POST {
            match &key {
                None => violations.push(format!("{what}: POST without Idempotency-Key")),
                Some(k) if k.is_empty() || k.len() > 255 => violations.push(format!("{what}: bad Idempotency-Key")),
                Some(_) => {}
            }
            if headers.get("content-type").and_then(|v| v.to_str().ok()) != Some("application/x-www-form-urlencoded") {
                violations.push(format!("{what}: body is not form-encoded"));
            }
        } else if key.is_some() {
            violations.push(format!("{what}: Idempotency-Key on a GET has no effect"));
        }
        let routed = route(&method, &path);
        if routed.is_none() {
            violations.push(format!("{what}: no such Stripe endpoint"));
        }
        let checked = routed.map(|(e, id)| (e, id, check_params(e, &params)));
        if let Some((_, _, Err((param, message)))) = &checked {
            violations.push(format!("{what}: {param}: {message}"));
        }
        l.violations.extend(violations);
        fault = l.faults.pop_front();
        let (status, answer, replayed) = match (&checked, fault) {
            _ if !authorized => {
                let (s, b) = error(401, "invalid_request_error", None, None, "Invalid API Key provided.");
                (s, b, false)
            }
            (_, Some(Fault::Status(s))) => {
                let (t, c) = if s == 429 { ("invalid_request_error", Some("rate_limit")) } else { ("api_error", None) };
                let (s, b) = error(s, t, c, None, "injected by the Stripe mock");
                (s, b, false)
            }
            (None, _) => {
                let (s, b) =
                    error(404, "invalid_request_error", None, None, &format!("Unrecognized request URL ({what})."));
                (s, b, false)
            }
            (Some((_, _, Err((param, message)))), _) => {
                let code =
                    if message.starts_with("Received unknown") { "parameter_unknown" } else { "parameter_invalid" };
                let (s, b) = error(400, "invalid_request_error", Some(code), Some(param), message);
                (s, b, false)
            }
            (Some((endpoint, id, Ok(()))), _) => {
                let endpoint_name = format!("{method} {path}");
                let stored = key.as_ref().filter(|_| method == Method::POST).and_then(|k| l.keys.get(k));
                match stored {
                    Some(st) if st.endpoint == endpoint_name && st.params == params.sorted() => {
                        (st.status, st.body.clone(), true)
                    }
                    Some(_) => {
                        let (s, b) = error(
                            400,
                            "idempotency_error",
                            None,
                            None,
                            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                        );
                        (s, b, false)
                    }
                    None => {
                        let (s, b) = execute(&mut l, *endpoint, id.as_deref(), &params);
                        if let (Some(k), true) = (&key, method == Method::POST) {
                            l.keys.insert(
                                k.clone(),
                                Stored { endpoint: endpoint_name, params: params.sorted(), status: s, body: b.clone() },
                            );
                        }
                        (s, b, false)
                    }
                }
            }
        };
        l.requests.push(SeenRequest {
            method: method.to_string(),
            path: path.clone(),
            idempotency_key: key.clone(),
            params: params.0.clone(),
            status,
            replayed,
            fault,
        });
        (status, answer, replayed)
    };
    match fault {
        Some(Fault::Hang) => std::future::pending::<()>().await,
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::DropAfterCommit) => {
            // The work is done and stored; the answer never arrives.
            let broken = futures_util::stream::once(async {
                Err::<Bytes, _>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "dropped by the Stripe mock"))
            });
            return (StatusCode::OK, [("connection", "close")], Body::from_stream(broken)).into_response();
        }
        _ => {}
    }
    let mut response = (StatusCode::from_u16(status).unwrap(), axum::Json(answer)).into_response();
    response.headers_mut().insert("request-id", new_id("req").parse().unwrap());
    if replayed {
        response.headers_mut().insert("idempotent-replayed", "true".parse().unwrap());
    }
    response
}

/// Runs one endpoint on the ledger.
fn execute(l: &mut Ledger, e: Endpoint, id: Option<&str>, p: &Params) -> (u16, Value) {
    let missing = |what: &str, param: &str, id: &str| {
        error(404, "invalid_request_error", Some("resource_missing"), Some(param), &format!("No such {what}: '{id}'"))
    };
    let unexpected = |pi: &Value, action: &str| {
        let (s, mut b) = error(
            400,
            "invalid_request_error",
            Some("payment_intent_unexpected_state"),
            None,
            &format!("You cannot {action} this PaymentIntent because it has a status of {}.", pi["status"]),
        );
        b["error"]["payment_intent"] = pi.clone();
        (s, b)
    };
    match e {
        Endpoint::CreateIntent => {
            let id = new_id("pi");
            let amount: i64 = p.get("amount").unwrap_or_default().parse().unwrap_or_default();
            let mut pi = intent_json(&id, amount, p.get("currency").unwrap_or_default(), p);
            let mut answer = (200, Value::Null);
            match (p.get("confirm"), p.get("payment_method")) {
                (Some("true"), Some(method)) => {
                    if let Err((status, body)) = apply_outcome(&mut pi, method) {
                        if status != 402 {
                            return (status, body); // no intent is created for an unknown method
                        }
                        answer = (status, body);
                    }
                }
                (Some("true"), None) => {
                    return error(
                        400,
                        "invalid_request_error",
                        Some("parameter_missing"),
                        Some("payment_method"),
                        "You cannot confirm this PaymentIntent because it's missing a payment method.",
                    );
                }
                (_, Some(_)) => pi["status"] = json!("requires_confirmation"),
                _ => {}
            }
            l.intents.insert(id, pi.clone());
            if answer.0 == 200 { (200, pi) } else { answer }
        }
        Endpoint::RetrieveIntent => {
            let id = id.unwrap_or_default();
            match l.intents.get(id) {
                Some(pi) => (200, pi.clone()),
                None => missing("payment_intent", "intent", id),
            }
        }
        Endpoint::ConfirmIntent => {
            let id = id.unwrap_or_default();
            let Some(pi) = l.intents.get_mut(id) else { return missing("payment_intent", "intent", id) };
            let method =
                p.get("payment_method").map(str::to_owned).or_else(|| pi["payment_method"].as_str().map(str::to_owned));
            let confirmable = pi["status"] == "requires_confirmation"
                || (pi["status"] == "requires_payment_method" && method.is_some());
            if !confirmable {
                return unexpected(pi, "confirm");
            }
            if pi["automatic_payment_methods"]["allow_redirects"] != "never" && p.get("return_url").is_none() {
                return error(
                    400,
                    "invalid_request_error",
                    None,
                    Some("return_url"),
                    "A return_url is needed to confirm with redirect-capable payment methods.",
                );
            }
            if pi["status"] == "requires_confirmation" && p.get("payment_method").is_none() {
                // The buyer's step was completed; the stored method now succeeds.
                succeed(pi);
                return (200, pi.clone());
            }
            match apply_outcome(pi, &method.unwrap_or_default()) {
                Ok(()) => (200, pi.clone()),
                Err(err) => err,
            }
        }
        Endpoint::CancelIntent => {
            let id = id.unwrap_or_default();
            let Some(pi) = l.intents.get_mut(id) else { return missing("payment_intent", "intent", id) };
            let cancelable =
                ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"];
            if !cancelable.contains(&pi["status"].as_str().unwrap_or_default()) {
                return unexpected(pi, "cancel");
            }
            pi["status"] = json!("canceled");
            pi["canceled_at"] = json!(now());
            pi["cancellation_reason"] = json!(p.get("cancellation_reason"));
            pi["next_action"] = Value::Null;
            (200, pi.clone())
        }
        Endpoint::CreateRefund => {
            let pi_id = p.get("payment_intent").unwrap_or_default().to_owned();
            let Some(pi) = l.intents.get(&pi_id).cloned() else {
                return missing("payment_intent", "payment_intent", &pi_id);
            };
            if pi["status"] != "succeeded" {
                return unexpected(&pi, "refund");
            }
            let captured = pi["amount_received"].as_i64().unwrap_or_default();
            let already = l.refunded.get(&pi_id).copied().unwrap_or_default();
            let amount = p.get("amount").map_or(captured - already, |a| a.parse().unwrap_or_default());
            if already >= captured {
                return error(
                    400,
                    "invalid_request_error",
                    Some("charge_already_refunded"),
                    None,
                    "Charge has already been refunded.",
                );
            }
            if already + amount > captured {
                return error(
                    400,
                    "invalid_request_error",
                    Some("amount_too_large"),
                    Some("amount"),
                    "Refund amount is greater than the unrefunded amount on the charge.",
                );
            }
            let status = l.next_refund_status.unwrap_or("succeeded");
            let id = new_id("re");
            let mut re = json!({
                "id": id, "object": "refund", "amount": amount, "charge": pi["latest_charge"], "created": now(),
                "currency": pi["currency"], "metadata": p.metadata(), "payment_intent": pi_id,
                "reason": p.get("reason"), "status": status,
                "failure_reason": if status == "failed" { json!("lost_or_stolen_card") } else { Value::Null },
            });
            for field in [
                "balance_transaction",
                "customer",
                "customer_account",
                "description",
                "destination_details",
                "failure_balance_transaction",
                "instructions_email",
                "next_action",
                "payment_method",
                "pending_reason",
                "presentment_details",
                "receipt_number",
                "source_transfer_reversal",
                "transfer_reversal",
            ] {
                re[field] = Value::Null;
            }
            if status != "failed" && status != "canceled" {
                *l.refunded.entry(pi_id).or_default() += amount;
            }
            l.refunds.insert(id, re.clone());
            (200, re)
        }
        Endpoint::RetrieveRefund => {
            let id = id.unwrap_or_default();
            match l.refunds.get(id) {
                Some(re) => (200, re.clone()),
                None => missing("refund", "refund", id),
            }
        }
    }
}
