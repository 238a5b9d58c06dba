//! An order's payment attempts as the API shows them (`Order.payments`, and the payment in
//! `OrderPaymentPayload`). The attempts are kept by the payments slice behind the
//! `OrderPayments` port.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Enum, ID, SimpleObject, dataloader::Loader};
use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use crate::{
    graphql::{dataloader::complete, ids, money::Money},
    orders::{model::Payment, service::OrderPayments},
    shared::ids::OrderId,
};

/// Where a payment stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::orders::model::PaymentStatus")]
pub enum PaymentStatus {
    /// Recorded; the provider has not answered yet (it is retried with the same idempotency key).
    Pending,
    /// Created for client-side confirmation: confirm it with `clientSecret` (Stripe.js, mobile SDK).
    RequiresPaymentMethod,
    /// The buyer must complete a step (3-D Secure), then call `orderPaymentConfirm`.
    RequiresAction,
    /// The provider is processing it; the order is paid when it succeeds.
    Processing,
    /// Paid.
    Succeeded,
    /// Declined or failed; see `failureCode`. Another attempt may be made.
    Failed,
    /// Cancelled at the provider before it succeeded (abandoned, replaced by a new attempt, or the
    /// order expired).
    Canceled,
    /// Paid, then given back in full.
    Refunded,
}

/// One payment attempt for an order.
#[derive(SimpleObject, Clone)]
pub struct OrderPayment {
    /// Global ID of the payment.
    pub id: ID,
    /// Where it stands.
    pub status: PaymentStatus,
    /// The amount charged.
    pub amount: Money,
    /// Which provider handled it (`test` for the built-in test provider, `stripe`).
    pub provider: String,
    /// The provider's id of the payment (Stripe: the PaymentIntent `pi_…`), once it has one.
    pub provider_reference: Option<String>,
    /// Why it failed, in the provider's terms (e.g. `card_declined`).
    pub failure_code: Option<String>,
    /// For REQUIRES_ACTION and REQUIRES_PAYMENT_METHOD: what the client-side SDK (Stripe.js
    /// `confirmPayment` / `handleNextAction`, the mobile SDKs) uses to complete the payment.
    pub client_secret: Option<String>,
    /// When the attempt started.
    pub created_at: DateTime<Utc>,
}

impl From<Payment> for OrderPayment {
    fn from(p: Payment) -> Self {
        Self {
            id: ids::encode(p.id),
            status: p.status.into(),
            amount: p.amount.into(),
            provider: p.provider,
            provider_reference: p.provider_ref,
            failure_code: p.failure_code,
            client_secret: p.client_secret,
            created_at: p.created_at,
        }
    }
}

/// The payments of each order (`Order.payments`), one query per batch of orders.
pub struct PaymentsByOrderIdLoader(pub Arc<dyn OrderPayments>);

impl Loader<OrderId> for PaymentsByOrderIdLoader {
    type Value = Vec<Payment>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.payments_by_order_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.by_order_ids(keys).await.map_err(Arc::new)?))
    }
}
