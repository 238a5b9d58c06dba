//! Paying for orders. The provider is called only after the payment row is committed, never
//! inside a transaction.

pub mod refunds;

use std::{collections::HashMap, sync::Arc};

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::{
    context::RequestContext,
    orders::{
        OrderError, OrderService,
        model::{Order, OrderEvent, OrderStatus, Refund},
        service::OrderPayments,
    },
    payments::{
        error::PaymentError,
        model::{Payment, PaymentStatus},
        provider::{PaymentProvider, PaymentRequest, ProviderError, ProviderPayment, ProviderStatus},
        repo,
    },
    shared::{
        clock::SharedClock,
        ids::{OrderId, PaymentId},
        money::Money,
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
}

fn order_error(e: OrderError) -> PaymentError {
    match e {
        OrderError::Forbidden | OrderError::Unauthenticated => PaymentError::Forbidden,
        OrderError::Db(db) => PaymentError::Db(db),
        _ => PaymentError::OrderNotFound,
    }
}

fn provider_error(e: ProviderError) -> PaymentError {
    match e {
        ProviderError::InvalidPaymentMethod => PaymentError::InvalidPaymentMethod,
        ProviderError::UnknownPayment => PaymentError::PaymentNotFound,
        ProviderError::Rejected { code } => PaymentError::Provider(anyhow::anyhow!("rejected: {code}")),
        ProviderError::Unavailable(e) => PaymentError::Provider(e),
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
    ) -> Self {
        Self { db, orders, provider, clock }
    }

    pub fn provider_name(&self) -> &'static str {
        self.provider.name()
    }

    /// Pays an unpaid order with a payment-method token. The order becomes PAID when the
    /// provider accepts; a payment needing 3-D Secure waits for `confirm`.
    ///
    /// # Errors
    /// `OrderNotFound`, `OrderNotPayable` (paid, expired, cancelled, or reservation over),
    /// `InvalidPaymentMethod`, `Declined`, `PaymentInProgress`; `Forbidden` (top-level).
    #[tracing::instrument(name = "payments.start", skip(self, rcx, email, payment_method))]
    pub async fn start(
        &self,
        rcx: &RequestContext,
        order_id: OrderId,
        email: Option<&str>,
        payment_method: &str,
    ) -> Result<(Payment, Order), PaymentError> {
        let order =
            self.orders.get(rcx, order_id, email).await.map_err(order_error)?.ok_or(PaymentError::OrderNotFound)?;
        let now = self.clock.now();
        if order.status != OrderStatus::PaymentPending || order.reserved_until <= now {
            return Err(PaymentError::OrderNotPayable);
        }
        let attempt = repo::count_for_order(&self.db, order.id).await? + 1;
        let payment = Payment {
            id: PaymentId::new(),
            order_id: order.id,
            provider: self.provider.name().to_owned(),
            provider_ref: None,
            idempotency_key: format!("order_{}_attempt_{attempt}", order.id),
            amount: order.total,
            status: PaymentStatus::Pending,
            failure_code: None,
            client_secret: None,
            payment_method: Some(payment_method.to_owned()),
            refunded: Money::from_minor(0, order.total.currency()),
            created_at: now,
            updated_at: now,
        };
        if !repo::insert(&self.db, &payment).await? {
            return Err(PaymentError::PaymentInProgress);
        }
        // Committed above; only now talk to the provider.
        let request = PaymentRequest {
            order_id: order.id,
            payment_id: payment.id,
            amount: order.total,
            idempotency_key: payment.idempotency_key.clone(),
            payment_method: Some(payment_method.to_owned()),
        };
        match self.provider.create(&request).await {
            Ok(answer) => self.finish(rcx, payment, answer).await,
            Err(e) => {
                repo::update_status(
                    &self.db,
                    payment.id,
                    PaymentStatus::Failed,
                    None,
                    Some("provider_error"),
                    None,
                    self.clock.now(),
                )
                .await?;
                Err(provider_error(e))
            }
        }
    }

    /// Completes a payment that required an action (3-D Secure).
    ///
    /// # Errors
    /// `PaymentNotFound`, `NotConfirmable`, `Declined`, `OrderNotPayable`; `Forbidden`.
    #[tracing::instrument(name = "payments.confirm", skip(self, rcx, email))]
    pub async fn confirm(
        &self,
        rcx: &RequestContext,
        id: PaymentId,
        email: Option<&str>,
    ) -> Result<(Payment, Order), PaymentError> {
        let payment = repo::find(&self.db, id).await?.ok_or(PaymentError::PaymentNotFound)?;
        self.orders.get(rcx, payment.order_id, email).await.map_err(order_error)?;
        let (PaymentStatus::RequiresAction, Some(reference)) = (payment.status, payment.provider_ref.clone()) else {
            return Err(PaymentError::NotConfirmable);
        };
        let answer = self
            .provider
            .confirm(&reference, &format!("{}_confirm", payment.idempotency_key))
            .await
            .map_err(provider_error)?;
        self.finish(rcx, payment, answer).await
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
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let mut refund_due = false;
        let mut moved = false;
        // Compare-and-set; a concurrent writer moves the attempt at most a few times.
        for _ in 0..8 {
            let current = repo::find(&txn, payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
            let same_with_news = current.status == to
                && (current.provider_ref.as_deref() != Some(answer.reference.as_str())
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
