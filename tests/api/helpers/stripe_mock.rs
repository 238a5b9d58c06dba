//! A Stripe-shaped HTTP server for tests: the real async-stripe client (through
//! `StripeProvider`) is pointed at it with `stripe.api_base`.
//!
//! Every request is checked against Stripe's wire format (parameter names from Stripe's OpenAPI
//! description, API version `2026-09-30.endive`, as async-stripe generates them): method and
//! path, `Authorization: Bearer <secret key>`, `Stripe-Version`, a form body on POST with known
//! parameters of the right type (unknown ones get Stripe's 400 `parameter_unknown`), and an
//! `Idempotency-Key` on every POST (none on GET, where Stripe ignores it). Anything Stripe would
//! reject as malformed is recorded in [`StripeMock::violations`]; tests end with
//! [`StripeMock::assert_wire_clean`].
//!
//! Stripe's idempotency: the same key with the same parameters replays the stored answer (with
//! `Idempotent-Replayed: true`), including card declines; with other parameters or another
//! endpoint it is a 400 `idempotency_error`. Validation errors and injected 429/500 (which
//! happen before the endpoint runs) are not stored, as at Stripe.
//!
//! Test payment methods: `pm_card_visa`, `pm_card_mastercard` succeed; `pm_card_chargeDeclined`
//! (`card_declined` / `generic_decline`), `pm_card_chargeDeclinedInsufficientFunds`,
//! `pm_card_chargeDeclinedExpiredCard` answer 402 `card_error` with the intent in
//! `error.payment_intent`; `pm_card_authenticationRequired`, `pm_card_threeDSecure2Required` answer
//! `requires_action` (`next_action.type = use_stripe_sdk`); any other id is 400
//! `resource_missing` on `payment_method`.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use agora::config::{Secret, StripeSettings};
use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

/// The API version async-stripe 1.0.0-rc.10 sends and events carry.
pub const API_VERSION: &str = "2026-09-30.endive";

/// What the next requests suffer, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (429 or 5xx) before doing anything.
    Status(u16),
    /// Do the work (and store it under the key), then break the connection without an answer.
    DropAfterCommit,
    /// Never answer (the client's timeout fires).
    Hang,
    /// Answer after this long.
    Delay(Duration),
}

/// A request as the mock saw it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub params: Vec<(String, String)>,
    pub status: u16,
    pub replayed: bool,
    pub fault: Option<Fault>,
}

impl SeenRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

struct Stored {
    endpoint: String,
    params: Vec<(String, String)>,
    status: u16,
    body: Value,
}

#[derive(Default)]
struct Ledger {
    intents: BTreeMap<String, Value>,
    /// Minor units refunded per intent.
    refunded: HashMap<String, i64>,
    refunds: BTreeMap<String, Value>,
    keys: HashMap<String, Stored>,
    requests: Vec<SeenRequest>,
    violations: Vec<String>,
    faults: VecDeque<Fault>,
    next_refund_status: Option<&'static str>,
}

struct Shared {
    secret_key: String,
    ledger: Mutex<Ledger>,
}

/// The server; stops when dropped.
pub struct StripeMock {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StripeMock {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub const SECRET_KEY: &str = "sk_test_agora_mock_0123456789";
pub const PUBLISHABLE_KEY: &str = "pk_test_agora_mock_0123456789";
pub const WEBHOOK_SECRET: &str = "whsec_agora_mock_0123456789";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", &uuid::Uuid::new_v4().simple().to_string()[..24])
}

impl StripeMock {
    /// Starts a fresh server on 127.0.0.1, port 0, expecting [`SECRET_KEY`].
    pub async fn start() -> Self {
        let shared = Arc::new(Shared { secret_key: SECRET_KEY.to_owned(), ledger: Mutex::default() });
        let app = axum::Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the Stripe mock");
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        Self { addr, shared, task }
    }

    /// `http://127.0.0.1:<port>`, for `stripe.api_base`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stripe settings pointing at this server (keys, one webhook secret, 2 s timeout, 4 tries).
    pub fn settings(&self) -> StripeSettings {
        StripeSettings {
            secret_key: Some(Secret::new(self.shared.secret_key.clone())),
            publishable_key: Some(PUBLISHABLE_KEY.into()),
            webhook_secrets: vec![Secret::new(WEBHOOK_SECRET)],
            api_base: self.url(),
            max_requests_per_sec: 1000,
            timeout_secs: 2,
            max_tries: 4,
        }
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.shared.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---- fault injection ----

    /// The next `n` requests answer `status` (429, 500, 503…) without doing anything.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.push_faults(n, Fault::Status(status));
    }

    /// The next `n` requests do their work, then lose the answer (connection broken).
    pub fn drop_next(&self, n: usize) {
        self.push_faults(n, Fault::DropAfterCommit);
    }

    /// The next `n` requests never get an answer.
    pub fn hang_next(&self, n: usize) {
        self.push_faults(n, Fault::Hang);
    }

    /// The next `n` requests are answered after `by`.
    pub fn delay_next(&self, n: usize, by: Duration) {
        self.push_faults(n, Fault::Delay(by));
    }

    pub fn push_faults(&self, n: usize, fault: Fault) {
        self.ledger().faults.extend(std::iter::repeat_n(fault, n));
    }

    /// The status of the next refunds created (`pending`, `failed`, `requires_action`);
    /// `succeeded` otherwise.
    pub fn next_refund_status(&self, status: &'static str) {
        self.ledger().next_refund_status = Some(status);
    }

    // ---- the buyer and Stripe's side ----

    /// The buyer completes 3-D Secure (Stripe.js `handleNextAction`): `requires_action` →
    /// `succeeded` (automatic confirmation).
    pub fn buyer_completes_action(&self, intent: &str) -> Value {
        self.update_intent(intent, |pi| {
            assert_eq!(pi["status"], "requires_action", "no action to complete");
            succeed(pi);
        })
    }

    /// The buyer completes 3-D Secure on an intent that then waits for a server-side confirm:
    /// `requires_action` → `requires_confirmation`.
    pub fn buyer_completes_action_pending_confirmation(&self, intent: &str) -> Value {
        self.update_intent(intent, |pi| {
            assert_eq!(pi["status"], "requires_action", "no action to complete");
            pi["status"] = json!("requires_confirmation");
            pi["next_action"] = Value::Null;
        })
    }

    /// The buyer fails or abandons 3-D Secure: `requires_payment_method` with
    /// `payment_intent_authentication_failure`.
    pub fn buyer_fails_action(&self, intent: &str) -> Value {
        self.update_intent(intent, |pi| {
            pi["status"] = json!("requires_payment_method");
            pi["next_action"] = Value::Null;
            pi["last_payment_error"] = json!({
                "type": "invalid_request_error", "code": "payment_intent_authentication_failure",
                "message": "The provided PaymentMethod has failed authentication."
            });
        })
    }

    /// Stripe.js `confirmPayment` of a client-side intent with a test payment method.
    pub fn client_confirm(&self, intent: &str, payment_method: &str) -> Value {
        self.update_intent(intent, |pi| {
            pi["payment_method"] = json!(payment_method);
            if let Err((_, error)) = apply_outcome(pi, payment_method) {
                assert!(error["error"]["type"] == "card_error", "not a test card: {payment_method}");
            }
        })
    }

    /// Sets an intent's status as Stripe would report it later (`processing`, `succeeded`, …).
    pub fn set_intent_status(&self, intent: &str, status: &str) -> Value {
        self.update_intent(intent, |pi| {
            if status == "succeeded" {
                succeed(pi);
            } else {
                pi["status"] = json!(status);
            }
        })
    }

    /// Moves a refund to `succeeded`, `failed` (with `failure_reason`) or `canceled`.
    pub fn settle_refund(&self, refund: &str, status: &str, failure_reason: Option<&str>) -> Value {
        let mut l = self.ledger();
        let re = l.refunds.get_mut(refund).expect("no such refund");
        re["status"] = json!(status);
        re["failure_reason"] = json!(failure_reason);
        re.clone()
    }

    fn update_intent(&self, intent: &str, f: impl FnOnce(&mut Value)) -> Value {
        let mut l = self.ledger();
        let pi = l.intents.get_mut(intent).expect("no such PaymentIntent");
        f(pi);
        pi.clone()
    }

    // ---- what happened ----

    /// PaymentIntents created (idempotent replays not counted).
    pub fn intents_created(&self) -> usize {
        self.ledger().intents.len()
    }

    pub fn intent(&self, id: &str) -> Option<Value> {
        self.ledger().intents.get(id).cloned()
    }

    pub fn intents(&self) -> Vec<Value> {
        self.ledger().intents.values().cloned().collect()
    }

    pub fn refunds_created(&self) -> usize {
        self.ledger().refunds.len()
    }

    pub fn refund(&self, id: &str) -> Option<Value> {
        self.ledger().refunds.get(id).cloned()
    }

    /// Every request seen, in order.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.ledger().requests.clone()
    }

    /// What Stripe would have rejected as malformed.
    pub fn violations(&self) -> Vec<String> {
        self.ledger().violations.clone()
    }

    /// Fails the test if any request broke Stripe's wire format.
    pub fn assert_wire_clean(&self) {
        let v = self.violations();
        assert!(v.is_empty(), "requests Stripe would reject:\n{}", v.join("\n"));
        assert!(!self.requests().is_empty(), "the mock saw no request");
    }

    // ---- events ----

    /// A Stripe event (`payment_intent.succeeded`, …) about the intent as it stands now.
    pub fn intent_event(&self, event_type: &str, intent: &str) -> Value {
        stripe_event(event_type, self.intent(intent).expect("no such PaymentIntent"))
    }

    /// A Stripe event (`refund.updated`, `refund.failed`) about the refund as it stands now.
    pub fn refund_event(&self, event_type: &str, refund: &str) -> Value {
        stripe_event(event_type, self.refund(refund).expect("no such refund"))
    }
}

/// A Stripe event object (`{"object": "event", "type", "data": {"object": …}, …}`) as Stripe posts
/// it to a webhook endpoint.
pub fn stripe_event(event_type: &str, object: Value) -> Value {
    json!({
        "id": new_id("evt"),
        "object": "event",
        "account": null,
        "api_version": API_VERSION,
        "created": now(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": event_type,
    })
}

// ---- the server ----

fn error(status: u16, type_: &str, code: Option<&str>, param: Option<&str>, message: &str) -> (u16, Value) {
    (status, json!({ "error": { "type": type_, "code": code, "param": param, "message": message } }))
}

fn succeed(pi: &mut Value) {
    pi["status"] = json!("succeeded");
    pi["amount_received"] = pi["amount"].clone();
    pi["latest_charge"] = json!(new_id("ch"));
    pi["next_action"] = Value::Null;
    pi["last_payment_error"] = Value::Null;
}

/// Confirms `pi` with a test payment method. `Err` carries a 402 card error (the intent is
/// updated with `last_payment_error`) or a 400 for an unknown method (the intent is untouched).
fn apply_outcome(pi: &mut Value, method: &str) -> Result<(), (u16, Value)> {
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

/// Form or query parameters, in order.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: &str) -> Self {
        let url = reqwest::Url::parse(&format!("http://x/?{raw}")).expect("a query");
        Self(url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn metadata(&self) -> Value {
        let map: serde_json::Map<String, Value> = self
            .0
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("metadata[").and_then(|k| k.strip_suffix(']')).map(|k| (k.to_owned(), json!(v)))
            })
            .collect();
        Value::Object(map)
    }

    fn sorted(&self) -> Vec<(String, String)> {
        let mut v = self.0.clone();
        v.sort();
        v
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Endpoint {
    CreateIntent,
    RetrieveIntent,
    ConfirmIntent,
    CancelIntent,
    CreateRefund,
    RetrieveRefund,
}

fn route(method: &Method, path: &str) -> Option<(Endpoint, Option<String>)> {
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
fn known_params(e: Endpoint) -> &'static [&'static str] {
    match e {
        Endpoint::CreateIntent => &[
            "allowed_payment_method_types",
            "amount",
            "amount_details",
            "application_fee_amount",
            "automatic_payment_methods",
            "capture_method",
            "confirm",
            "confirmation_method",
            "confirmation_token",
            "currency",
            "customer",
            "customer_account",
            "description",
            "error_on_requires_action",
            "excluded_payment_method_types",
            "expand",
            "hooks",
            "mandate",
            "mandate_data",
            "metadata",
            "off_session",
            "on_behalf_of",
            "payment_details",
            "payment_method",
            "payment_method_configuration",
            "payment_method_data",
            "payment_method_options",
            "radar_options",
            "receipt_email",
            "return_url",
            "setup_future_usage",
            "shipping",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "transfer_data",
            "transfer_group",
            "use_stripe_sdk",
        ],
        Endpoint::ConfirmIntent => &[
            "allowed_payment_method_types",
            "amount_details",
            "amount_to_confirm",
            "capture_method",
            "confirmation_token",
            "error_on_requires_action",
            "excluded_payment_method_types",
            "expand",
            "hooks",
            "mandate",
            "mandate_data",
            "off_session",
            "payment_details",
            "payment_method",
            "payment_method_data",
            "payment_method_options",
            "radar_options",
            "receipt_email",
            "return_url",
            "setup_future_usage",
            "shipping",
            "use_stripe_sdk",
        ],
        Endpoint::CancelIntent => &["cancellation_reason", "expand"],
        Endpoint::RetrieveIntent => &["client_secret", "expand"],
        Endpoint::CreateRefund => &[
            "amount",
            "charge",
            "currency",
            "customer",
            "expand",
            "instructions_email",
            "metadata",
            "origin",
            "payment_intent",
            "reason",
            "refund_application_fee",
            "reverse_transfer",
        ],
        Endpoint::RetrieveRefund => &["expand"],
    }
}

/// The wire checks of one endpoint's parameters: `Err((param, message))` as Stripe's 400.
fn check_params(e: Endpoint, p: &Params) -> Result<(), (String, String)> {
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

async fn handle(
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
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {}", shared.secret_key))
        {
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
