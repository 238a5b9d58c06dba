//! An order's refunds and where it stands with its money, as the API shows them
//! (`Order.refunds`, `Order.refundedAmount`, `Order.paymentState`). Refunds are kept by the
//! payments slice behind the `OrderPayments` port; one query per batch of orders.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, SimpleObject, dataloader::Loader};
use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use crate::{
    graphql::{ContextExt, dataloader::complete, errors::OrInternal, ids, money::Money},
    orders::{
        graphql::PaymentsByOrderIdLoader,
        model::{self, Refund, payment_state},
        service::OrderPayments,
    },
    shared::{ids::OrderId, money::Money as DomainMoney},
};

/// Where a refund stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::orders::model::RefundStatus")]
pub enum RefundStatus {
    /// Requested; the provider has not settled it yet (an unreachable provider is retried with
    /// the same idempotency key). Its amount counts as refunded when checking new refunds.
    Pending,
    /// The money went back.
    Succeeded,
    /// The provider refused it or reported it failed (see `failureCode`); its amount can be
    /// refunded again.
    Failed,
    /// Cancelled at the provider; its amount can be refunded again.
    Canceled,
}

/// Where an order stands with its money, from its succeeded payments and succeeded refunds.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::orders::model::PaymentState")]
pub enum OrderPaymentState {
    /// No payment succeeded.
    NotPaid,
    /// Paid; nothing given back.
    Paid,
    /// Part of what was paid was given back.
    PartiallyRefunded,
    /// Everything paid was given back.
    Refunded,
}

/// Units of an order line a refund covers.
#[derive(SimpleObject, Clone)]
pub struct OrderRefundLine {
    /// The order line.
    pub order_line_id: ID,
    /// Units refunded.
    pub quantity: u32,
    /// The line's value for these units (its total after discounts, with tax, pro rata).
    pub amount: Money,
    /// Shipped units put back on the shelf.
    pub restocked: u32,
}

/// Money given back for an order (staff `orderRefund`, a cancelled paid order, or money taken
/// for an order that could no longer be paid).
#[derive(SimpleObject, Clone)]
pub struct OrderRefund {
    /// Global ID of the refund.
    pub id: ID,
    /// The amount given back.
    pub amount: Money,
    /// Where it stands.
    pub status: RefundStatus,
    /// Why, as staff gave it.
    pub reason: Option<String>,
    /// Why it failed, in the provider's terms (e.g. `charge_already_refunded`).
    pub failure_code: Option<String>,
    /// The provider's id of the refund (Stripe: `re_…`), once it answered.
    pub provider_reference: Option<String>,
    /// Whether shipped units of its lines were put back on the shelf.
    pub restock: bool,
    /// The lines it covers; empty for a refund by amount or in full.
    pub lines: Vec<OrderRefundLine>,
    /// Calls made to the provider for it so far.
    pub attempts: u32,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Refund> for OrderRefund {
    fn from(r: Refund) -> Self {
        let currency = r.amount.currency();
        Self {
            id: ids::encode(r.id),
            amount: r.amount.into(),
            status: r.status.into(),
            reason: r.reason,
            failure_code: r.failure_code,
            provider_reference: r.provider_ref,
            restock: r.restock,
            lines: r
                .lines
                .into_iter()
                .map(|l| OrderRefundLine {
                    order_line_id: ids::encode(l.order_line_id),
                    quantity: l.quantity,
                    amount: DomainMoney::from_minor(l.amount_minor, currency).into(),
                    restocked: l.restocked,
                })
                .collect(),
            attempts: r.attempts,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The refunds of each order (`Order.refunds`), one query per batch of orders.
pub struct RefundsByOrderIdLoader(pub Arc<dyn OrderPayments>);

impl Loader<OrderId> for RefundsByOrderIdLoader {
    type Value = Vec<Refund>;
    type Error = Arc<DbErr>;

    #[tracing::instrument(name = "loader.refunds_by_order_id", skip_all, fields(count = keys.len()))]
    async fn load(&self, keys: &[OrderId]) -> Result<HashMap<OrderId, Self::Value>, Self::Error> {
        Ok(complete(keys, self.0.refunds_by_order_ids(keys).await.map_err(Arc::new)?))
    }
}

/// The refunds of `order`, oldest first.
pub(super) async fn refunds(ctx: &Context<'_>, order: &model::Order) -> async_graphql::Result<Vec<Refund>> {
    Ok(ctx.loader::<RefundsByOrderIdLoader>().load_one(order.id).await.or_internal()?.unwrap_or_default())
}

/// The order's payment state and the amount its succeeded refunds gave back.
pub(super) async fn state(
    ctx: &Context<'_>,
    order: &model::Order,
) -> async_graphql::Result<(OrderPaymentState, Money)> {
    let payments = ctx.loader::<PaymentsByOrderIdLoader>().load_one(order.id).await.or_internal()?;
    let refunds = refunds(ctx, order).await?;
    let (state, refunded) = payment_state(&payments.unwrap_or_default(), &refunds);
    Ok((state.into(), DomainMoney::from_minor(refunded, order.currency).into()))
}
