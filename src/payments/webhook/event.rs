//! What a provider's event says, in payments' own terms: no provider types leave the webhook
//! module, so applying events (`PaymentService::apply_event`) works for any provider.

use crate::{
    orders::model::DisputeStatus,
    payments::provider::{ProviderRefund, ProviderStatus},
    shared::{ids::PaymentId, money::Money},
};

/// One event from a payment provider (Stripe: an `Event` delivered to the webhook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderEvent {
    /// Who sent it (`stripe`), recorded with the event id.
    pub provider: &'static str,
    /// The provider's event id (Stripe: `evt_…`): each is applied at most once.
    pub id: String,
    /// The provider's event type (Stripe: `payment_intent.succeeded`), for logs and the record.
    pub event_type: String,
    /// When the provider created the event (Unix seconds).
    pub created: i64,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A payment moved (Stripe: `payment_intent.*`).
    Payment(PaymentReport),
    /// Refunds moved (Stripe: `charge.refunded` lists them; `refund.*` carries one).
    Refunds(Vec<RefundReport>),
    /// A dispute was opened, changed or closed (Stripe: `charge.dispute.*`).
    Dispute(DisputeReport),
    /// A type payments does not handle: acknowledged, logged, nothing written.
    Unhandled,
}

/// What an event says about a provider payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReport {
    /// The provider's payment (Stripe: `pi_…`).
    pub reference: String,
    /// The attempt named in the payment's metadata (`agora_payment_id`), when present and valid.
    pub payment_id: Option<PaymentId>,
    /// The state the event reports. Only terminal states ([`Self::is_terminal`]) are applied
    /// as they are; for the others the provider is asked for the payment's current state,
    /// since events arrive out of order.
    pub status: ProviderStatus,
}

impl PaymentReport {
    /// SUCCEEDED and CANCELED are final at the provider: such an event is true whenever it
    /// arrives. Any other state may already be stale.
    pub fn is_terminal(&self) -> bool {
        matches!(self.status, ProviderStatus::Succeeded | ProviderStatus::Canceled)
    }

    /// The decline code of a failure event (`payment_intent.payment_failed`).
    pub fn failure_code(&self) -> Option<&str> {
        match &self.status {
            ProviderStatus::Failed { code } => Some(code),
            _ => None,
        }
    }
}

/// What an event says about one refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReport {
    /// Our refund named in the refund's metadata (`agora_refund_id`), as sent.
    pub refund_id: Option<String>,
    /// The provider's refund (Stripe: `re_…`) and its state.
    pub refund: ProviderRefund,
    /// The provider's payment refunded (Stripe: `pi_…`).
    pub payment_reference: Option<String>,
    pub amount: Money,
}

/// What an event says about a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeReport {
    /// The provider's dispute (Stripe: `dp_…`).
    pub reference: String,
    /// The provider's payment disputed (Stripe: `pi_…`); none for payments made without one.
    pub payment_reference: Option<String>,
    pub amount: Money,
    pub reason: String,
    pub status: DisputeStatus,
}
