//! The payment port: what payments need from a payment service provider (the built-in test
//! provider, Stripe). Every write carries an idempotency key the service stored before the
//! call: the same key returns the first result instead of moving money again.

use crate::shared::{
    ids::{OrderId, PaymentId},
    money::Money,
};

/// A request to create (and, with a payment method, confirm) the provider's payment for one
/// attempt.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    pub order_id: OrderId,
    /// Sent as metadata so the provider's payment (and its events) lead back to the attempt.
    pub payment_id: PaymentId,
    pub amount: Money,
    /// Derived from order and attempt, stored before the call, reused on every retry.
    pub idempotency_key: String,
    /// A payment-method token from the client (e.g. `pm_card_visa`); `None` creates the payment
    /// for client-side confirmation (Stripe.js / mobile SDK with the client secret).
    pub payment_method: Option<String>,
}

/// What the provider says about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderStatus {
    /// Waiting for the client to confirm with a payment method (client-side flow).
    RequiresPaymentMethod {
        client_secret: String,
    },
    /// The buyer must complete a step (3-D Secure).
    RequiresAction {
        client_secret: String,
    },
    Processing,
    Succeeded,
    /// Declined (`card_declined`, `insufficient_funds`, …).
    Failed {
        code: String,
    },
    Canceled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderPayment {
    /// The provider's id (Stripe: `pi_…`).
    pub reference: String,
    pub status: ProviderStatus,
}

/// A request to give (part of) a succeeded payment back.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    /// The provider's payment reference.
    pub payment_reference: String,
    pub amount: Money,
    pub idempotency_key: String,
    /// Sent as metadata (Stripe: `agora_refund_id`).
    pub refund_id: String,
}

/// Where a refund stands at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderRefundStatus {
    Pending,
    Succeeded,
    Failed { code: String },
    Canceled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRefund {
    /// The provider's id (Stripe: `re_…`).
    pub reference: String,
    pub status: ProviderRefundStatus,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the payment method is not valid")]
    InvalidPaymentMethod,
    #[error("no such payment at the provider")]
    UnknownPayment,
    /// The provider refused the request as made (4xx other than 429): the same request fails
    /// again, so the attempt is over.
    #[error("the payment provider refused the request ({code})")]
    Rejected { code: String },
    /// Network error, timeout, 429 or 5xx after the adapter's bounded retries: the outcome is
    /// unknown, so the attempt stays as it is and is retried later with the same key.
    #[error("the payment provider failed")]
    Unavailable(#[source] anyhow::Error),
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// A short name stored with each payment (`test`, `stripe`).
    fn name(&self) -> &'static str;
    /// The key a storefront uses for client-side confirmation (Stripe's publishable key).
    fn publishable_key(&self) -> Option<String> {
        None
    }
    /// Creates the provider's payment for an attempt and, with a payment method, confirms it;
    /// the same idempotency key returns the same payment.
    async fn create(&self, request: &PaymentRequest) -> Result<ProviderPayment, ProviderError>;
    /// Reports a payment after the buyer's action (3-D Secure), completing it where needed.
    async fn confirm(&self, reference: &str, idempotency_key: &str) -> Result<ProviderPayment, ProviderError>;
    /// Reads a payment's current state (reconciliation, ambiguous event order).
    async fn retrieve(&self, reference: &str) -> Result<ProviderPayment, ProviderError>;
    /// Cancels a payment that has not succeeded; cancelling a cancelled payment is a no-op.
    /// Answers the payment's state (it may have succeeded meanwhile).
    async fn cancel(&self, reference: &str, idempotency_key: &str) -> Result<ProviderPayment, ProviderError>;
    /// Gives (part of) a succeeded payment back.
    async fn refund(&self, request: &RefundRequest) -> Result<ProviderRefund, ProviderError>;
    /// Reads a refund's current state.
    async fn retrieve_refund(&self, reference: &str) -> Result<ProviderRefund, ProviderError>;
}
