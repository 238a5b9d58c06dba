use chrono::{DateTime, Utc};

use crate::shared::{
    ids::{OrderId, PaymentId},
    money::Money,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// Recorded; the provider has not answered yet.
    Pending,
    /// The buyer must complete an extra step (3-D Secure), then `orderPaymentConfirm`.
    RequiresAction,
    Succeeded,
    Failed,
    /// Succeeded, then given back (the order could no longer be paid).
    Refunded,
}

impl PaymentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentStatus::Pending => "PENDING",
            PaymentStatus::RequiresAction => "REQUIRES_ACTION",
            PaymentStatus::Succeeded => "SUCCEEDED",
            PaymentStatus::Failed => "FAILED",
            PaymentStatus::Refunded => "REFUNDED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::RequiresAction, Self::Succeeded, Self::Failed, Self::Refunded]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub order_id: OrderId,
    pub provider: String,
    pub provider_ref: Option<String>,
    pub idempotency_key: String,
    pub amount: Money,
    pub status: PaymentStatus,
    pub failure_code: Option<String>,
    /// For `RequiresAction`: what the client uses to complete the step.
    pub client_secret: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
