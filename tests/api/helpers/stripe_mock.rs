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
use serde_json::{Value, json};

mod server;
mod wire;

use server::{apply_outcome, succeed};

/// The API version async-stripe 1.0.0-rc.10 sends and events carry.
pub const API_VERSION: &str = "2026-09-30.endive";

/// What the next requests suffer, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (429 or 5xx) before doing anything.
    Status(u16),
    /// Do the work (and store it under the key), then break the connection without an answer.
    DropAfterCommit,
    /// Do the work (stored under the key) and never answer: the client times out.
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
        let app = axum::Router::new().fallback(server::handle).with_state(shared.clone());
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
