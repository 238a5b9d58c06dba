//! The payment port: what checkout needs from a payment service provider.

use crate::shared::{ids::OrderId, money::Money};

/// A request to charge an order.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    pub order_id: OrderId,
    pub amount: Money,
    /// Sent to the provider so a retried request never charges twice.
    pub idempotency_key: String,
    /// A payment-method token from the client (e.g. `pm_card_visa`).
    pub payment_method: String,
}

/// What the provider says about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderStatus {
    Succeeded,
    RequiresAction { client_secret: String },
    Failed { code: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderPayment {
    pub reference: String,
    pub status: ProviderStatus,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("the payment method is not valid")]
    InvalidPaymentMethod,
    #[error("no such payment at the provider")]
    UnknownPayment,
    #[error("the payment provider failed")]
    Unavailable(#[source] anyhow::Error),
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// A short name stored with each payment (`test`, `stripe`).
    fn name(&self) -> &'static str;
    /// Creates and confirms a payment; the same idempotency key returns the same payment.
    async fn create(&self, request: &PaymentRequest) -> Result<ProviderPayment, ProviderError>;
    /// Completes a payment that required an action.
    async fn confirm(&self, reference: &str) -> Result<ProviderPayment, ProviderError>;
    /// Gives a succeeded payment back.
    async fn refund(&self, reference: &str, amount: Money, idempotency_key: &str) -> Result<(), ProviderError>;
}
