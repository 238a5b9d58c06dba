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
//! Any other token is an invalid payment method. Like Stripe, a repeated idempotency key
//! returns the first result instead of charging again.

use std::{collections::HashMap, sync::Mutex};

use crate::{
    payments::provider::{PaymentProvider, PaymentRequest, ProviderError, ProviderPayment, ProviderStatus},
    shared::money::Money,
};

#[derive(Default)]
struct Ledger {
    by_key: HashMap<String, ProviderPayment>,
    by_ref: HashMap<String, ProviderPayment>,
    refunded: HashMap<String, i64>,
    creates: u64,
}

/// In-process, deterministic; counts what it was asked so tests can assert "charged once".
#[derive(Default)]
pub struct TestPaymentProvider {
    ledger: Mutex<Ledger>,
}

impl TestPaymentProvider {
    /// How many distinct payments were created (idempotent replays not counted).
    pub fn payments_created(&self) -> u64 {
        self.ledger.lock().unwrap_or_else(|e| e.into_inner()).creates
    }

    /// Minor units refunded for a payment reference.
    pub fn refunded(&self, reference: &str) -> i64 {
        self.ledger.lock().unwrap_or_else(|e| e.into_inner()).refunded.get(reference).copied().unwrap_or(0)
    }
}

fn outcome(token: &str) -> Result<ProviderStatus, ProviderError> {
    Ok(match token {
        "pm_card_visa" | "pm_card_mastercard" | "tok_visa" => ProviderStatus::Succeeded,
        "pm_card_chargeDeclined" | "tok_chargeDeclined" => ProviderStatus::Failed { code: "card_declined".into() },
        "pm_card_chargeDeclinedInsufficientFunds" => ProviderStatus::Failed { code: "insufficient_funds".into() },
        "pm_card_chargeDeclinedExpiredCard" => ProviderStatus::Failed { code: "expired_card".into() },
        "pm_card_authenticationRequired" | "pm_card_threeDSecure2Required" => {
            ProviderStatus::RequiresAction { client_secret: format!("test_secret_{}", uuid::Uuid::new_v4().simple()) }
        }
        _ => return Err(ProviderError::InvalidPaymentMethod),
    })
}

#[async_trait::async_trait]
impl PaymentProvider for TestPaymentProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    async fn create(&self, request: &PaymentRequest) -> Result<ProviderPayment, ProviderError> {
        let mut ledger = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = ledger.by_key.get(&request.idempotency_key) {
            return Ok(existing.clone());
        }
        let payment = ProviderPayment {
            reference: format!("test_pi_{}", uuid::Uuid::new_v4().simple()),
            status: outcome(&request.payment_method)?,
        };
        ledger.creates += 1;
        ledger.by_key.insert(request.idempotency_key.clone(), payment.clone());
        ledger.by_ref.insert(payment.reference.clone(), payment.clone());
        Ok(payment)
    }

    async fn confirm(&self, reference: &str) -> Result<ProviderPayment, ProviderError> {
        let mut ledger = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
        let payment = ledger.by_ref.get_mut(reference).ok_or(ProviderError::UnknownPayment)?;
        if matches!(payment.status, ProviderStatus::RequiresAction { .. }) {
            payment.status = ProviderStatus::Succeeded;
        }
        Ok(payment.clone())
    }

    async fn refund(&self, reference: &str, amount: Money, _idempotency_key: &str) -> Result<(), ProviderError> {
        let mut ledger = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
        if !ledger.by_ref.contains_key(reference) {
            return Err(ProviderError::UnknownPayment);
        }
        let minor = amount.to_minor().map_err(|e| ProviderError::Unavailable(e.into()))?;
        *ledger.refunded.entry(reference.to_owned()).or_default() += minor;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::{ids::OrderId, money::Currency};

    fn req(token: &str, key: &str) -> PaymentRequest {
        PaymentRequest {
            order_id: OrderId::new(),
            amount: Money::from_minor(1000, Currency::USD),
            idempotency_key: key.into(),
            payment_method: token.into(),
        }
    }

    #[tokio::test]
    async fn test_cards_follow_stripe_semantics() {
        let p = TestPaymentProvider::default();
        assert_eq!(p.create(&req("pm_card_visa", "a")).await.unwrap().status, ProviderStatus::Succeeded);
        assert_eq!(
            p.create(&req("pm_card_chargeDeclined", "b")).await.unwrap().status,
            ProviderStatus::Failed { code: "card_declined".into() }
        );
        let sca = p.create(&req("pm_card_authenticationRequired", "c")).await.unwrap();
        assert!(matches!(sca.status, ProviderStatus::RequiresAction { .. }));
        assert_eq!(p.confirm(&sca.reference).await.unwrap().status, ProviderStatus::Succeeded);
        assert!(matches!(p.create(&req("garbage", "d")).await, Err(ProviderError::InvalidPaymentMethod)));
    }

    #[tokio::test]
    async fn a_repeated_idempotency_key_does_not_charge_again() {
        let p = TestPaymentProvider::default();
        let a = p.create(&req("pm_card_visa", "same")).await.unwrap();
        let b = p.create(&req("pm_card_visa", "same")).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(p.payments_created(), 1);
    }
}
