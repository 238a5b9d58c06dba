//! Disputes (chargebacks) on an order's payments as the API shows them (`Order.disputes`,
//! `Order.disputed`). Recorded from the payment provider's events by the payments slice,
//! behind the `OrderPayments` port.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Enum, SimpleObject, dataloader::Loader};
use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use crate::{
    graphql::{dataloader::complete, money::Money},
    orders::{model::Dispute, service::OrderPayments},
    shared::ids::OrderId,
};

/// Where a dispute stands (the payment provider's statuses).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::orders::model::DisputeStatus")]
pub enum DisputeStatus {
    /// An inquiry (not yet a chargeback) waiting for evidence.
    WarningNeedsResponse,
    /// An inquiry under review.
    WarningUnderReview,
    /// The inquiry ended without a chargeback.
    WarningClosed,
    /// A chargeback waiting for evidence (submit it in the provider's dashboard).
    NeedsResponse,
    /// Evidence submitted; the bank is deciding.
    UnderReview,
    /// Closed in the shop's favour.
    Won,
    /// Closed in the buyer's favour: the amount is gone.
    Lost,
    /// Resolved before it became a chargeback.
    Prevented,
}

/// A dispute the buyer's bank opened against one of the order's payments.
#[derive(SimpleObject, Clone)]
pub struct OrderDispute {
    /// The amount disputed (held back while open, gone if lost).
    pub amount: Money,
    /// The provider's reason code (e.g. `fraudulent`, `product_not_received`).
    pub reason: String,
    /// Where it stands; WON, LOST, WARNING_CLOSED and PREVENTED are final.
    pub status: DisputeStatus,
    /// Whether it is still being decided.
    pub open: bool,
    /// The dispute at the provider (Stripe: `dp_…`), to find it in the provider's dashboard.
    pub provider_reference: String,
    /// When it was first reported.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Dispute> for OrderDispute {
    fn from(d: Dispute) -> Self {
        Self {
            amount: d.amount.into(),
            reason: d.reason,
            status: d.status.into(),
            open: d.status.is_open(),
            provider_reference: d.provider_ref,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// The disputes of each order (`Order.disputes`, `Order.disputed`), one query per batch.
pub struct DisputesByOrderIdLoader(pub Arc<dyn OrderPayments>);

impl Loader<OrderId> for DisputesByOrderIdLoader {
    type Value = Vec<Dispute>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.disputes_by_order_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.disputes_by_order_ids(keys).await.map_err(Arc::new)?))
    }
}
