//! Paying for orders. The provider is called only after the payment row is committed, never
//! inside a transaction.

mod events;
pub mod jobs;
pub mod reconcile;
pub mod refunds;

pub use events::Applied;

use std::{collections::HashMap, sync::Arc};

use sea_orm::{DatabaseConnection, TransactionTrait};

mod attempts;

pub use attempts::Started;

use crate::{
    config::PaymentsSettings,
    context::RequestContext,
    orders::{
        OrderError, OrderService,
        model::{Order, OrderEvent, OrderStatus, Refund},
        service::OrderPayments,
    },
    payments::{
        error::PaymentError,
        model::{Payment, PaymentStatus},
        provider::{PaymentProvider, ProviderPayment, ProviderStatus},
        repo,
    },
    shared::{
        clock::SharedClock,
        ids::{OrderId, PaymentId},
    },
};

/// The outbox event written when money was taken for an order that can no longer be paid.
pub const REFUND_DUE: &str = "payment.refund_due";

/// What [`PaymentService::settle`] did.
#[derive(Debug, Clone)]
pub struct Settled {
    /// The attempt after the report.
    pub payment: Payment,
    /// Whether the report moved the attempt (false for a replay or a stale report).
    pub moved: bool,
    /// The attempt succeeded for an order that can no longer be paid; a refund is scheduled.
    pub refund_due: bool,
}

#[derive(Clone)]
pub struct PaymentService {
    db: DatabaseConnection,
    orders: OrderService,
    provider: Arc<dyn PaymentProvider>,
    clock: SharedClock,
    settings: PaymentsSettings,
}

pub(super) fn order_error(e: OrderError) -> PaymentError {
    match e {
        OrderError::Forbidden | OrderError::Unauthenticated => PaymentError::Forbidden,
        OrderError::Db(db) => PaymentError::Db(db),
        _ => PaymentError::OrderNotFound,
    }
}

/// For callers allowed to read the orders (the `Order.payments` loader).
#[async_trait::async_trait]
impl OrderPayments for PaymentService {
    async fn by_order_ids(&self, orders: &[OrderId]) -> Result<HashMap<OrderId, Vec<Payment>>, sea_orm::DbErr> {
        repo::by_order_ids(&self.db, orders).await
    }
    async fn refunds_by_order_ids(&self, orders: &[OrderId]) -> Result<HashMap<OrderId, Vec<Refund>>, sea_orm::DbErr> {
        repo::refunds::by_order_ids(&self.db, orders).await
    }
}

impl PaymentService {
    pub fn new(
        db: DatabaseConnection,
        orders: OrderService,
        provider: Arc<dyn PaymentProvider>,
        clock: SharedClock,
        settings: PaymentsSettings,
    ) -> Self {
        Self { db, orders, provider, clock, settings }
    }

    pub fn provider_name(&self) -> &'static str {
        self.provider.name()
    }

    /// Records what the provider says about an attempt, in one transaction: the attempt moves
    /// only where [`PaymentStatus::may_become`] allows (so replayed, late and out-of-order
    /// reports change nothing), and a success moves the order to PAID. A success for an order
    /// that can no longer be paid (expired, cancelled, or paid by another attempt) is kept as
    /// money taken and a `payment.refund_due` job is written with it: the money goes back after
    /// commit, through the outbox, never forgotten. Extra writes (`and_then`) join the same
    /// transaction (a webhook records its event id there).
    pub(crate) async fn settle_with(
        &self,
        rcx: &RequestContext,
        payment_id: PaymentId,
        answer: &ProviderPayment,
        and_then: impl AsyncFnOnce(&sea_orm::DatabaseTransaction) -> Result<(), PaymentError>,
    ) -> Result<Settled, PaymentError> {
        let (to, failure_code, client_secret) = match &answer.status {
            ProviderStatus::RequiresPaymentMethod { client_secret } => {
                (PaymentStatus::RequiresPaymentMethod, None, Some(client_secret.as_str()))
            }
            ProviderStatus::RequiresAction { client_secret } => {
                (PaymentStatus::RequiresAction, None, Some(client_secret.as_str()))
            }
            ProviderStatus::Processing => (PaymentStatus::Processing, None, None),
            ProviderStatus::Succeeded => (PaymentStatus::Succeeded, None, None),
            ProviderStatus::Failed { code } => (PaymentStatus::Failed, Some(code.as_str()), None),
            ProviderStatus::Canceled => (PaymentStatus::Canceled, None, None),
        };
        let reference = (!answer.reference.is_empty()).then_some(answer.reference.as_str());
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        // The order's lock first, as every writer of an order's payments takes it.
        let order_id = repo::find(&txn, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?.order_id;
        self.orders.lock_in(&txn, order_id).await?;
        let mut refund_due = false;
        let mut moved = false;
        // Compare-and-set; a concurrent writer moves the attempt at most a few times.
        for _ in 0..8 {
            let current = repo::find(&txn, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
            let same_with_news = current.status == to
                && ((reference.is_some() && current.provider_ref.as_deref() != reference)
                    || client_secret.is_some_and(|c| current.client_secret.as_deref() != Some(c)));
            if !current.status.may_become(to) && !same_with_news {
                break;
            }
            if repo::settle(
                &txn,
                payment_id,
                current.status,
                to,
                Some(&answer.reference),
                failure_code,
                client_secret,
                now,
            )
            .await?
            {
                moved = current.status != to;
                break;
            }
        }
        if moved && to == PaymentStatus::Succeeded {
            let payment = repo::find(&txn, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
            let paid = self
                .orders
                .transition_in(
                    &txn,
                    rcx,
                    payment.order_id,
                    OrderStatus::PaymentPending,
                    OrderEvent::PaymentSucceeded,
                    Some(format!("paid via {}", payment.provider)),
                )
                .await?;
            if paid.is_none() {
                tracing::warn!(order = %payment.order_id, payment = %payment.id, "payment succeeded for an order no longer payable; refund scheduled");
                crate::outbox::append_in(
                    &txn,
                    crate::outbox::NewEvent {
                        aggregate_type: "payment",
                        aggregate_id: payment.id.to_string(),
                        event_type: REFUND_DUE,
                        version: 1,
                        payload: serde_json::json!({ "paymentId": payment.id, "orderId": payment.order_id, "reason": "order_not_payable" }),
                        occurred_at: now,
                    },
                )
                .await?;
                refund_due = true;
            }
        }
        and_then(&txn).await?;
        txn.commit().await?;
        let payment = repo::find(&self.db, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        Ok(Settled { payment, moved, refund_due })
    }

    /// [`Self::settle_with`] with nothing else in the transaction.
    pub(crate) async fn settle(
        &self,
        rcx: &RequestContext,
        payment_id: PaymentId,
        answer: &ProviderPayment,
    ) -> Result<Settled, PaymentError> {
        self.settle_with(rcx, payment_id, answer, async |_| Ok(())).await
    }

    /// Records the provider's answer for the caller: the attempt and order after it, or the
    /// user error the answer means.
    async fn finish(
        &self,
        rcx: &RequestContext,
        payment: Payment,
        answer: ProviderPayment,
    ) -> Result<(Payment, Order), PaymentError> {
        let settled = self.settle(rcx, payment.id, &answer).await?;
        if settled.refund_due {
            return Err(PaymentError::OrderNotPayable);
        }
        if let ProviderStatus::Failed { code } = &answer.status {
            return Err(PaymentError::Declined { code: code.clone() });
        }
        let order = self.orders.find_in(&self.db, payment.order_id).await?.ok_or(PaymentError::OrderNotFound)?;
        Ok((settled.payment, order))
    }
}
