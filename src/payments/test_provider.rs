//! The built-in test payment provider: the embedded default, for development and demos (like
//! Saleor's dummy gateway). It follows Stripe's test payment methods:
//!
//! | token | outcome |
//! |---|---|
//! | `pm_card_visa`, `pm_card_mastercard`, `tok_visa` | succeeds |
//! | `pm_card_chargeDeclined`, `tok_chargeDeclined` | declined: `card_declined` |
//! | `pm_card_chargeDeclinedInsufficientFunds` | declined: `insufficient_funds` |
//! | `pm_card_chargeDeclinedExpiredCard` | declined: `expired_card` |
//! | `pm_card_authenticationRequired`, `pm_card_threeDSecure2Required` | requires action; `confirm` then succeeds |
//!
//! Any other token is an invalid payment method. Without a token the payment waits for
//! client-side confirmation ([`TestPaymentProvider::client_confirm`] plays Stripe.js). Like
//! Stripe, a repeated idempotency key returns the first result instead of charging again, and
//! refunds never exceed what was charged.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use crate::payments::provider::{
    PaymentProvider, PaymentRequest, ProviderError, ProviderPayment, ProviderRefund, ProviderRefundStatus,
    ProviderStatus, RefundRequest,
};

struct Charge {
    payment: ProviderPayment,
    amount_minor: i64,
    refunded_minor: i64,
}

#[derive(Default)]
struct Ledger {
    by_key: HashMap<String, String>,
    charges: HashMap<String, Charge>,
    refunds_by_key: HashMap<String, ProviderRefund>,
    refunds: HashMap<String, ProviderRefund>,
    /// Refund reference → (payment reference, minor units).
    refunded_from: HashMap<String, (String, i64)>,
    creates: u64,
    /// Calls still to fail with `Unavailable` (after doing their work when `lose_answers`).
    failures_left: u32,
    lose_answers: bool,
    keys: Vec<String>,
}

/// In-process, deterministic; counts what it was asked so tests can assert "charged once".
#[derive(Default)]
pub struct TestPaymentProvider {
    ledger: Mutex<Ledger>,
    /// Held for writing while paused: `create` calls wait on it (tests of calls in flight).
    gate: Arc<tokio::sync::RwLock<()>>,
    paused: Mutex<Option<tokio::sync::OwnedRwLockWriteGuard<()>>>,
    waiting: AtomicUsize,
}

impl TestPaymentProvider {
    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many distinct payments were created (idempotent replays not counted).
    pub fn payments_created(&self) -> u64 {
        self.ledger().creates
    }

    /// Minor units refunded for a payment reference.
    pub fn refunded(&self, reference: &str) -> i64 {
        self.ledger().charges.get(reference).map_or(0, |c| c.refunded_minor)
    }

    /// The idempotency keys of every write, in order (replays included).
    pub fn keys_used(&self) -> Vec<String> {
        self.ledger().keys.clone()
    }

    /// The next `n` calls fail as if the network dropped: before doing anything, or (with
    /// `after_work`) after the provider did the work and only the answer was lost.
    pub fn fail_next(&self, n: u32, after_work: bool) {
        let mut l = self.ledger();
        l.failures_left = n;
        l.lose_answers = after_work;
    }

    /// Holds every `create` call until [`Self::resume`]: a call in flight, made to last.
    pub async fn pause(&self) {
        let guard = self.gate.clone().write_owned().await;
        *self.paused.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard);
    }

    pub fn resume(&self) {
        self.paused.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// `create` calls waiting while paused.
    pub fn calls_waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// A succeeded refund fails later (as Stripe reports when the buyer's card was closed): the
    /// money is back with the shop and refundable again. `false` for an unknown refund.
    pub fn fail_refund_later(&self, reference: &str, code: &str) -> bool {
        let mut l = self.ledger();
        let Some((charge, minor)) = l.refunded_from.get(reference).cloned() else { return false };
        if let Some(c) = l.charges.get_mut(&charge) {
            c.refunded_minor -= minor;
        }
        let failed = ProviderRefundStatus::Failed { code: code.to_owned() };
        let l = &mut *l;
        for r in l.refunds.values_mut().chain(l.refunds_by_key.values_mut()).filter(|r| r.reference == reference) {
            r.status = failed.clone();
        }
        true
    }

    /// Plays the storefront's client-side confirmation (Stripe.js `confirmPayment`) of a payment
    /// created without a payment method.
    pub fn client_confirm(&self, reference: &str, token: &str) -> Result<ProviderPayment, ProviderError> {
        let mut l = self.ledger();
        let charge = l.charges.get_mut(reference).ok_or(ProviderError::UnknownPayment)?;
        if matches!(charge.payment.status, ProviderStatus::RequiresPaymentMethod { .. } | ProviderStatus::Failed { .. })
        {
            charge.payment.status = match outcome(token)? {
                // Like Stripe, a declined client-side confirmation leaves the payment usable.
                ProviderStatus::Failed { .. } => {
                    ProviderStatus::RequiresPaymentMethod { client_secret: client_secret(reference) }
                }
                s => s,
            };
        }
        Ok(charge.payment.clone())
    }

    /// Fails the call when a failure was asked for; `Ok(lose)` says whether to do the work and
    /// then lose the answer.
    fn injected_failure(&self) -> Result<bool, ProviderError> {
        let mut l = self.ledger();
        if l.failures_left == 0 {
            return Ok(false);
        }
        l.failures_left -= 1;
        if l.lose_answers { Ok(true) } else { Err(unavailable()) }
    }
}

fn unavailable() -> ProviderError {
    ProviderError::Unavailable(anyhow::anyhow!("test provider: connection reset (injected)"))
}

fn client_secret(reference: &str) -> String {
    format!("{reference}_secret_test")
}

fn outcome(token: &str) -> Result<ProviderStatus, ProviderError> {
    Ok(match token {
        "pm_card_visa" | "pm_card_mastercard" | "tok_visa" => ProviderStatus::Succeeded,
        "pm_card_chargeDeclined" | "tok_chargeDeclined" => ProviderStatus::Failed { code: "card_declined".into() },
        "pm_card_chargeDeclinedInsufficientFunds" => ProviderStatus::Failed { code: "insufficient_funds".into() },
        "pm_card_chargeDeclinedExpiredCard" => ProviderStatus::Failed { code: "expired_card".into() },
        "pm_card_authenticationRequired" | "pm_card_threeDSecure2Required" => {
            ProviderStatus::RequiresAction { client_secret: String::new() }
        }
        _ => return Err(ProviderError::InvalidPaymentMethod),
    })
}

/// Runs `work` unless a failure is injected; a lost answer does the work, then fails.
macro_rules! with_faults {
    ($self:ident, $work:expr) => {{
        let lose = $self.injected_failure()?;
        let answer = $work;
        if lose { Err(unavailable()) } else { answer }
    }};
}

#[async_trait::async_trait]
impl PaymentProvider for TestPaymentProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn publishable_key(&self) -> Option<String> {
        Some("pk_test_agora_builtin".into())
    }

    async fn create(&self, request: &PaymentRequest) -> Result<ProviderPayment, ProviderError> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        drop(self.gate.read().await);
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        with_faults!(self, {
            let mut l = self.ledger();
            l.keys.push(request.idempotency_key.clone());
            if let Some(reference) = l.by_key.get(&request.idempotency_key).cloned() {
                return Ok(l.charges[&reference].payment.clone());
            }
            let reference = format!("test_pi_{}", uuid::Uuid::new_v4().simple());
            let status = match &request.payment_method {
                None => ProviderStatus::RequiresPaymentMethod { client_secret: client_secret(&reference) },
                Some(token) => match outcome(token)? {
                    ProviderStatus::RequiresAction { .. } => {
                        ProviderStatus::RequiresAction { client_secret: client_secret(&reference) }
                    }
                    s => s,
                },
            };
            let amount_minor = request.amount.to_minor().map_err(|e| ProviderError::Unavailable(e.into()))?;
            let payment = ProviderPayment { reference: reference.clone(), status };
            l.creates += 1;
            l.by_key.insert(request.idempotency_key.clone(), reference.clone());
            l.charges.insert(reference, Charge { payment: payment.clone(), amount_minor, refunded_minor: 0 });
            Ok(payment)
        })
    }

    async fn confirm(&self, reference: &str, idempotency_key: &str) -> Result<ProviderPayment, ProviderError> {
        with_faults!(self, {
            let mut l = self.ledger();
            l.keys.push(idempotency_key.to_owned());
            let charge = l.charges.get_mut(reference).ok_or(ProviderError::UnknownPayment)?;
            if matches!(charge.payment.status, ProviderStatus::RequiresAction { .. }) {
                charge.payment.status = ProviderStatus::Succeeded;
            }
            Ok(charge.payment.clone())
        })
    }

    async fn retrieve(&self, reference: &str) -> Result<ProviderPayment, ProviderError> {
        with_faults!(self, {
            let l = self.ledger();
            l.charges.get(reference).map(|c| c.payment.clone()).ok_or(ProviderError::UnknownPayment)
        })
    }

    async fn cancel(&self, reference: &str, idempotency_key: &str) -> Result<ProviderPayment, ProviderError> {
        with_faults!(self, {
            let mut l = self.ledger();
            l.keys.push(idempotency_key.to_owned());
            let charge = l.charges.get_mut(reference).ok_or(ProviderError::UnknownPayment)?;
            match charge.payment.status {
                ProviderStatus::Succeeded | ProviderStatus::Canceled => {}
                ProviderStatus::Processing => {
                    return Err(ProviderError::Rejected { code: "payment_intent_unexpected_state".into() });
                }
                _ => charge.payment.status = ProviderStatus::Canceled,
            }
            Ok(charge.payment.clone())
        })
    }

    async fn refund(&self, request: &RefundRequest) -> Result<ProviderRefund, ProviderError> {
        with_faults!(self, {
            let mut l = self.ledger();
            l.keys.push(request.idempotency_key.clone());
            if let Some(existing) = l.refunds_by_key.get(&request.idempotency_key) {
                return Ok(existing.clone());
            }
            let minor = request.amount.to_minor().map_err(|e| ProviderError::Unavailable(e.into()))?;
            let charge = l.charges.get_mut(&request.payment_reference).ok_or(ProviderError::UnknownPayment)?;
            if charge.payment.status != ProviderStatus::Succeeded {
                return Err(ProviderError::Rejected { code: "charge_not_succeeded".into() });
            }
            if minor <= 0 || charge.refunded_minor + minor > charge.amount_minor {
                return Err(ProviderError::Rejected { code: "charge_already_refunded".into() });
            }
            charge.refunded_minor += minor;
            let refund = ProviderRefund {
                reference: format!("test_re_{}", uuid::Uuid::new_v4().simple()),
                status: ProviderRefundStatus::Succeeded,
            };
            l.refunds_by_key.insert(request.idempotency_key.clone(), refund.clone());
            l.refunds.insert(refund.reference.clone(), refund.clone());
            l.refunded_from.insert(refund.reference.clone(), (request.payment_reference.clone(), minor));
            Ok(refund)
        })
    }

    async fn retrieve_refund(&self, reference: &str) -> Result<ProviderRefund, ProviderError> {
        with_faults!(self, { self.ledger().refunds.get(reference).cloned().ok_or(ProviderError::UnknownPayment) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{
        ids::{OrderId, PaymentId},
        money::{Currency, Money},
    };

    fn req(token: Option<&str>, key: &str) -> PaymentRequest {
        PaymentRequest {
            order_id: OrderId::new(),
            payment_id: PaymentId::new(),
            amount: Money::from_minor(1000, Currency::USD),
            idempotency_key: key.into(),
            payment_method: token.map(str::to_owned),
        }
    }

    #[tokio::test]
    async fn test_cards_follow_stripe_semantics() {
        let p = TestPaymentProvider::default();
        assert_eq!(p.create(&req(Some("pm_card_visa"), "a")).await.unwrap().status, ProviderStatus::Succeeded);
        assert_eq!(
            p.create(&req(Some("pm_card_chargeDeclined"), "b")).await.unwrap().status,
            ProviderStatus::Failed { code: "card_declined".into() }
        );
        let sca = p.create(&req(Some("pm_card_authenticationRequired"), "c")).await.unwrap();
        assert!(matches!(sca.status, ProviderStatus::RequiresAction { .. }));
        assert_eq!(p.confirm(&sca.reference, "c_confirm").await.unwrap().status, ProviderStatus::Succeeded);
        assert!(matches!(p.create(&req(Some("garbage"), "d")).await, Err(ProviderError::InvalidPaymentMethod)));
    }

    #[tokio::test]
    async fn a_repeated_idempotency_key_does_not_charge_again() {
        let p = TestPaymentProvider::default();
        let a = p.create(&req(Some("pm_card_visa"), "same")).await.unwrap();
        let b = p.create(&req(Some("pm_card_visa"), "same")).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(p.payments_created(), 1);
    }

    #[tokio::test]
    async fn a_lost_answer_did_the_work_and_the_retry_returns_it() {
        let p = TestPaymentProvider::default();
        p.fail_next(1, true);
        assert!(matches!(p.create(&req(Some("pm_card_visa"), "k")).await, Err(ProviderError::Unavailable(_))));
        let again = p.create(&req(Some("pm_card_visa"), "k")).await.unwrap();
        assert_eq!(again.status, ProviderStatus::Succeeded);
        assert_eq!(p.payments_created(), 1);
    }

    #[tokio::test]
    async fn client_side_confirmation_and_refunds_are_bounded() {
        let p = TestPaymentProvider::default();
        let pi = p.create(&req(None, "cs")).await.unwrap();
        assert!(matches!(pi.status, ProviderStatus::RequiresPaymentMethod { .. }));
        assert!(matches!(
            p.client_confirm(&pi.reference, "pm_card_chargeDeclined").unwrap().status,
            ProviderStatus::RequiresPaymentMethod { .. }
        ));
        assert_eq!(p.client_confirm(&pi.reference, "pm_card_visa").unwrap().status, ProviderStatus::Succeeded);
        let refund = |key: &str, minor| RefundRequest {
            payment_reference: pi.reference.clone(),
            amount: Money::from_minor(minor, Currency::USD),
            idempotency_key: key.into(),
            refund_id: key.into(),
        };
        assert_eq!(p.refund(&refund("r1", 600)).await.unwrap().status, ProviderRefundStatus::Succeeded);
        assert_eq!(p.refund(&refund("r1", 600)).await.unwrap().status, ProviderRefundStatus::Succeeded);
        assert!(matches!(p.refund(&refund("r2", 600)).await, Err(ProviderError::Rejected { .. })));
        assert_eq!(p.refunded(&pi.reference), 600);
        let first = p.refund(&refund("r1", 600)).await.unwrap();
        assert!(p.fail_refund_later(&first.reference, "expired_or_canceled_card"));
        assert_eq!(p.refund(&refund("r3", 1000)).await.unwrap().status, ProviderRefundStatus::Succeeded);
    }
}
