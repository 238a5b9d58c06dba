//! Stripe as the [`PaymentProvider`], on async-stripe (PaymentIntents and Refunds of API version
//! `2026-09-30.endive`). On when `stripe.secret_key` is set (`AppState::connect`).
//!
//! **Flows.** With a payment method (server-side confirmation) `create` sends `payment_method`,
//! `confirm=true` and `automatic_payment_methods[enabled]=true` +
//! `automatic_payment_methods[allow_redirects]=never`: Stripe then confirms without a
//! `return_url`, a card needing 3-D Secure answers `requires_action` (the storefront runs
//! `stripe.handleNextAction({clientSecret})`, then `orderPaymentConfirm`), and redirect-only
//! methods are excluded. Without one (client-side confirmation) the intent waits in
//! `requires_payment_method` with every method enabled in the Dashboard, and the storefront
//! confirms it with Stripe.js and the client secret.
//!
//! **Metadata.** `agora_order_id`, `agora_payment_id` and `agora_flow` (`server` / `client`)
//! lead an intent and its events back to the attempt; refunds carry `agora_refund_id`.
//!
//! **Status mapping** (PaymentIntent → [`ProviderStatus`]):
//!
//! | Stripe | ours |
//! |---|---|
//! | `requires_payment_method`, server flow, with `last_payment_error` | `Failed { code }` (declined; the attempt is over) |
//! | `requires_payment_method` otherwise | `RequiresPaymentMethod { client_secret }` (a client-side decline leaves the intent usable, as Stripe.js expects) |
//! | `requires_action`, `requires_confirmation` | `RequiresAction { client_secret }` (`confirm` completes `requires_confirmation`) |
//! | `processing` | `Processing` |
//! | `requires_capture` | `Processing` (authorised, not captured: Agora creates automatic-capture intents, so this appears only if changed at Stripe; not yet money) |
//! | `succeeded` / `canceled` | `Succeeded` / `Canceled` |
//!
//! A decline's code is the `decline_code` when it is specific (`insufficient_funds`), else the
//! error `code` (`card_declined`, `expired_card`), as the test provider reports them.
//!
//! **Errors.** 402 `card_error` → `Ok(Failed { code })` with the intent from `error.payment_intent`;
//! `resource_missing` on `payment_method` → `InvalidPaymentMethod`, on anything else →
//! `UnknownPayment`; other 4xx → `Rejected { code }`; network errors, timeouts, 409, 429 and 5xx are
//! retried with the same key (`client.rs`), then `Unavailable`; a refused API key (401/403) is
//! `Unavailable` at once (logged as an error: the operator must fix `stripe.secret_key`).

mod client;
pub mod currency;
pub mod limiter;

use std::{collections::HashMap, sync::Arc, time::Duration};

use ::stripe::{ApiErrors, ApiErrorsType, StripeRequest as _};
use anyhow::Context as _;
use stripe_core::{
    PaymentIntent, PaymentIntentStatus, Refund,
    payment_intent::{
        CancelPaymentIntent, CancelPaymentIntentCancellationReason, ConfirmPaymentIntent, CreatePaymentIntent,
        CreatePaymentIntentAutomaticPaymentMethods, CreatePaymentIntentAutomaticPaymentMethodsAllowRedirects,
        RetrievePaymentIntent,
    },
    refund::{CreateRefund, RetrieveRefund},
};

use self::{
    client::{Backoff, Caller, Failure},
    limiter::{Admission, RateLimit},
};
use crate::{
    config::StripeSettings,
    payments::provider::{
        PaymentProvider, PaymentRequest, ProviderError, ProviderPayment, ProviderRefund, ProviderRefundStatus,
        ProviderStatus, RefundRequest,
    },
};

/// Metadata keys Agora sets on Stripe objects.
pub const META_ORDER_ID: &str = "agora_order_id";
pub const META_PAYMENT_ID: &str = "agora_payment_id";
pub const META_FLOW: &str = "agora_flow";
pub const META_REFUND_ID: &str = "agora_refund_id";

/// The Stripe adapter. Cheap to share (`Arc`); one HTTP client and one rate limit per process.
pub struct StripeProvider {
    caller: Caller,
    publishable_key: Option<String>,
}

impl StripeProvider {
    /// From the settings, with the rate limit on the real clock.
    ///
    /// # Errors
    /// No secret key, a bad `api_base`, or `max_requests_per_sec` 0.
    pub fn new(settings: &StripeSettings) -> anyhow::Result<Self> {
        let limit = RateLimit::per_second(settings.max_requests_per_sec)?;
        Self::with_admission(settings, Arc::new(limit))
    }

    /// From the settings, with a given rate limit (tests pass one on a fake clock).
    ///
    /// # Errors
    /// As [`StripeProvider::new`].
    pub fn with_admission(settings: &StripeSettings, admission: Arc<dyn Admission>) -> anyhow::Result<Self> {
        let secret = settings.secret_key.as_ref().context("stripe.secret_key is not set")?;
        // async-stripe joins `{base}v1/…`: the base must end in exactly one slash.
        let base = format!("{}/", settings.api_base.trim_end_matches('/'));
        let client = ::stripe::ClientBuilder::new(secret.expose())
            .url(base)
            .app_info("agora", Some(env!("CARGO_PKG_VERSION").to_owned()), None)
            .build()
            .context("building the Stripe client (stripe.api_base, stripe.secret_key)")?;
        Ok(Self {
            caller: Caller {
                client,
                admission,
                max_tries: settings.max_tries.max(1),
                timeout: Duration::from_secs(settings.timeout_secs.max(1)),
                backoff: Backoff { base: Duration::from_millis(250), cap: Duration::from_secs(8) },
            },
            publishable_key: settings.publishable_key.clone(),
        })
    }

    /// Replaces the retry backoff (first delay `base`, doubling up to `cap`, jittered).
    pub fn with_backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.caller.backoff = Backoff { base, cap };
        self
    }

    async fn retrieve_intent(&self, reference: &str) -> Result<PaymentIntent, ProviderError> {
        let req = RetrievePaymentIntent::new(reference);
        self.caller
            .call("payment_intent.retrieve", None, |s, t| {
                req.customize().request_strategy(s).timeout(t).send(&self.caller.client)
            })
            .await
            .map_err(|f| plain_error(f, "payment_intent.retrieve"))
    }
}

/// The amount in Stripe's integer, or `Rejected` when Stripe cannot take it exactly.
fn stripe_amount(amount: crate::shared::money::Money) -> Result<i64, ProviderError> {
    currency::to_stripe(amount).map_err(|e| {
        tracing::warn!(error = %e, "amount not representable at Stripe");
        ProviderError::Rejected { code: currency::AmountError::CODE.into() }
    })
}

fn is_server_flow(pi: &PaymentIntent) -> bool {
    pi.metadata.get(META_FLOW).is_some_and(|f| f == "server")
}

/// The code recorded for a decline.
fn decline_code(e: &ApiErrors) -> String {
    match (&e.decline_code, &e.code) {
        (Some(d), _) if d != "generic_decline" => d.clone(),
        (_, Some(c)) => c.as_str().to_owned(),
        (Some(d), None) => d.clone(),
        (None, None) => e.type_.as_str().to_owned(),
    }
}

fn error_code(e: &ApiErrors) -> String {
    e.code.as_ref().map_or_else(|| e.type_.as_str().to_owned(), |c| c.as_str().to_owned())
}

fn payment(pi: &PaymentIntent) -> ProviderPayment {
    let secret = || pi.client_secret.clone().unwrap_or_default();
    let status = match &pi.status {
        PaymentIntentStatus::RequiresPaymentMethod => match &pi.last_payment_error {
            Some(e) if is_server_flow(pi) => ProviderStatus::Failed { code: decline_code(e) },
            _ => ProviderStatus::RequiresPaymentMethod { client_secret: secret() },
        },
        PaymentIntentStatus::RequiresAction | PaymentIntentStatus::RequiresConfirmation => {
            ProviderStatus::RequiresAction { client_secret: secret() }
        }
        PaymentIntentStatus::Processing | PaymentIntentStatus::RequiresCapture => ProviderStatus::Processing,
        PaymentIntentStatus::Succeeded => ProviderStatus::Succeeded,
        PaymentIntentStatus::Canceled => ProviderStatus::Canceled,
        other => {
            tracing::warn!(status = other.as_str(), intent = %pi.id, "unknown PaymentIntent status; treated as processing");
            ProviderStatus::Processing
        }
    };
    ProviderPayment { reference: pi.id.as_str().to_owned(), status }
}

fn refund(re: &Refund) -> ProviderRefund {
    let status = match re.status.as_deref() {
        Some("succeeded") => ProviderRefundStatus::Succeeded,
        Some("failed") => {
            ProviderRefundStatus::Failed { code: re.failure_reason.clone().unwrap_or_else(|| "failed".into()) }
        }
        Some("canceled") => ProviderRefundStatus::Canceled,
        // `pending`, `requires_action` (the customer must give bank details), or absent.
        _ => ProviderRefundStatus::Pending,
    };
    ProviderRefund { reference: re.id.as_str().to_owned(), status }
}

/// A failure of a call whose errors carry no payment (reads, refunds).
fn plain_error(f: Failure, op: &'static str) -> ProviderError {
    match f {
        Failure::Unavailable(e) => ProviderError::Unavailable(e),
        Failure::Api { status, error } => {
            let code = error_code(&error);
            tracing::info!(op, status, code, param = error.param.as_deref(), "stripe refused the request");
            if code == "resource_missing" {
                if error.param.as_deref() == Some("payment_method") {
                    ProviderError::InvalidPaymentMethod
                } else {
                    ProviderError::UnknownPayment
                }
            } else {
                ProviderError::Rejected { code }
            }
        }
    }
}

/// A failure of a call that confirms: a card error is the intent's answer, not an error.
fn confirming_error(f: Failure, op: &'static str) -> Result<ProviderPayment, ProviderError> {
    if let Failure::Api { error, .. } = &f
        && error.type_ == ApiErrorsType::CardError
        && let Some(pi) = &error.payment_intent
    {
        return Ok(ProviderPayment {
            reference: pi.id.as_str().to_owned(),
            status: ProviderStatus::Failed { code: decline_code(error) },
        });
    }
    Err(plain_error(f, op))
}

#[async_trait::async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn publishable_key(&self) -> Option<String> {
        self.publishable_key.clone()
    }

    #[tracing::instrument(name = "stripe.create", skip_all, fields(payment_id = %request.payment_id))]
    async fn create(&self, request: &PaymentRequest) -> Result<ProviderPayment, ProviderError> {
        let amount = stripe_amount(request.amount)?;
        let flow = if request.payment_method.is_some() { "server" } else { "client" };
        let metadata = HashMap::from([
            (META_ORDER_ID.to_owned(), request.order_id.to_string()),
            (META_PAYMENT_ID.to_owned(), request.payment_id.to_string()),
            (META_FLOW.to_owned(), flow.to_owned()),
        ]);
        let mut create = CreatePaymentIntent::new(amount, currency::stripe_currency(request.amount.currency()))
            .metadata(metadata)
            .automatic_payment_methods(CreatePaymentIntentAutomaticPaymentMethods::new(true));
        if let Some(method) = &request.payment_method {
            let mut automatic = CreatePaymentIntentAutomaticPaymentMethods::new(true);
            automatic.allow_redirects = Some(CreatePaymentIntentAutomaticPaymentMethodsAllowRedirects::Never);
            create = create.payment_method(method).confirm(true).automatic_payment_methods(automatic);
        }
        let answer = self
            .caller
            .call("payment_intent.create", Some(&request.idempotency_key), |s, t| {
                create.customize().request_strategy(s).timeout(t).send(&self.caller.client)
            })
            .await;
        match answer {
            Ok(pi) => Ok(payment(&pi)),
            Err(f) => confirming_error(f, "payment_intent.create"),
        }
    }

    #[tracing::instrument(name = "stripe.confirm", skip_all, fields(reference = %reference))]
    async fn confirm(&self, reference: &str, idempotency_key: &str) -> Result<ProviderPayment, ProviderError> {
        let pi = self.retrieve_intent(reference).await?;
        if pi.status != PaymentIntentStatus::RequiresConfirmation {
            return Ok(payment(&pi));
        }
        let req = ConfirmPaymentIntent::new(reference);
        let answer = self
            .caller
            .call("payment_intent.confirm", Some(idempotency_key), |s, t| {
                req.customize().request_strategy(s).timeout(t).send(&self.caller.client)
            })
            .await;
        match answer {
            Ok(pi) => Ok(payment(&pi)),
            Err(f) => confirming_error(f, "payment_intent.confirm"),
        }
    }

    #[tracing::instrument(name = "stripe.retrieve", skip_all, fields(reference = %reference))]
    async fn retrieve(&self, reference: &str) -> Result<ProviderPayment, ProviderError> {
        Ok(payment(&self.retrieve_intent(reference).await?))
    }

    /// Cancels with `cancellation_reason=abandoned` (the buyer left 3-D Secure, changed card, or
    /// the order expired). An intent already canceled or succeeded answers its state.
    #[tracing::instrument(name = "stripe.cancel", skip_all, fields(reference = %reference))]
    async fn cancel(&self, reference: &str, idempotency_key: &str) -> Result<ProviderPayment, ProviderError> {
        let req =
            CancelPaymentIntent::new(reference).cancellation_reason(CancelPaymentIntentCancellationReason::Abandoned);
        let answer = self
            .caller
            .call("payment_intent.cancel", Some(idempotency_key), |s, t| {
                req.customize().request_strategy(s).timeout(t).send(&self.caller.client)
            })
            .await;
        match answer {
            Ok(pi) => Ok(payment(&pi)),
            Err(Failure::Api { status, error })
                if error.code.as_ref().is_some_and(|c| c.as_str() == "payment_intent_unexpected_state") =>
            {
                let pi = match error.payment_intent {
                    Some(pi) => pi,
                    None => self.retrieve_intent(reference).await?,
                };
                match pi.status {
                    PaymentIntentStatus::Canceled | PaymentIntentStatus::Succeeded => Ok(payment(&pi)),
                    _ => {
                        tracing::info!(
                            status,
                            intent_status = pi.status.as_str(),
                            "stripe cannot cancel this intent now"
                        );
                        Err(ProviderError::Rejected { code: "payment_intent_unexpected_state".into() })
                    }
                }
            }
            Err(f) => Err(plain_error(f, "payment_intent.cancel")),
        }
    }

    #[tracing::instrument(name = "stripe.refund", skip_all, fields(refund_id = %request.refund_id))]
    async fn refund(&self, request: &RefundRequest) -> Result<ProviderRefund, ProviderError> {
        let amount = stripe_amount(request.amount)?;
        let req = CreateRefund::new()
            .payment_intent(request.payment_reference.as_str())
            .amount(amount)
            .metadata(HashMap::from([(META_REFUND_ID.to_owned(), request.refund_id.clone())]));
        self.caller
            .call("refund.create", Some(&request.idempotency_key), |s, t| {
                req.customize().request_strategy(s).timeout(t).send(&self.caller.client)
            })
            .await
            .map(|re| refund(&re))
            .map_err(|f| plain_error(f, "refund.create"))
    }

    #[tracing::instrument(name = "stripe.retrieve_refund", skip_all, fields(reference = %reference))]
    async fn retrieve_refund(&self, reference: &str) -> Result<ProviderRefund, ProviderError> {
        let req = RetrieveRefund::new(reference);
        self.caller
            .call("refund.retrieve", None, |s, t| {
                req.customize().request_strategy(s).timeout(t).send(&self.caller.client)
            })
            .await
            .map(|re| refund(&re))
            .map_err(|f| plain_error(f, "refund.retrieve"))
    }
}
