//! Paying an order: at most one live attempt per order, its provider call held by a lease, and
//! every retry of an attempt sent under the attempt's own idempotency key.
//!
//! - The attempt row (with its key and payment method) is committed before the provider is
//!   called; the partial unique index `ux_payments_live_attempt` lets only one live attempt
//!   exist per order, so a double click (on one instance or two) joins the attempt in flight
//!   (`PAYMENT_IN_PROGRESS` while its call runs, the same attempt afterwards) instead of
//!   charging twice.
//! - A provider call that failed without an answer (network, timeout, 429/5xx past the
//!   adapter's own retries) leaves the attempt PENDING; the next call (or the reconciler)
//!   re-sends the same request under the same key, which the provider answers with the first
//!   result.
//! - Paying with another method while an attempt waits for the buyer (3-D Secure, client-side
//!   confirmation) first cancels that attempt at the provider (its own `…_cancel` key, so
//!   repeating is harmless) and says so in `cancelled`; if the provider says it succeeded
//!   meanwhile, the order is paid by it and no new attempt is made.

use chrono::Duration;
use sea_orm::TransactionTrait;

use crate::{
    context::RequestContext,
    orders::model::{Order, OrderStatus},
    payments::{
        error::PaymentError,
        model::{Payment, PaymentStatus},
        provider::{PaymentRequest, ProviderError, ProviderPayment, ProviderStatus},
        repo,
        service::{PaymentService, order_error},
    },
    shared::{ids::PaymentId, money::Money},
};

/// What `orderPaymentCreate` did.
#[derive(Debug, Clone)]
pub struct Started {
    pub payment: Payment,
    pub order: Order,
    /// The waiting attempt cancelled at the provider to make room for this one.
    pub cancelled: Option<Payment>,
    /// The provider's key for client-side confirmation.
    pub publishable_key: Option<String>,
}

/// Rounds of "look at the live attempt, act" before giving up with `PAYMENT_IN_PROGRESS`
/// (each round either finishes or observes another caller's progress).
const ROUNDS: usize = 4;

impl PaymentService {
    fn started(&self, payment: Payment, order: Order, cancelled: Option<Payment>) -> Started {
        Started { payment, order, cancelled, publishable_key: self.provider.publishable_key() }
    }

    fn lease(&self) -> Duration {
        Duration::seconds(i64::try_from(self.settings.call_lease_secs.max(1)).unwrap_or(60))
    }

    /// Pays an unpaid order: with a payment-method token (server-side confirmation; a payment
    /// needing 3-D Secure comes back REQUIRES_ACTION for `confirm`), or without one
    /// (client-side confirmation: the attempt comes back REQUIRES_PAYMENT_METHOD with the
    /// client secret, the storefront confirms with the provider's SDK, and the provider's
    /// webhook or `confirm` records the outcome). Repeating the call for the same method returns
    /// the same attempt.
    ///
    /// # Errors
    /// `OrderNotFound`, `OrderNotPayable` (paid, expired, cancelled, or reservation over),
    /// `InvalidPaymentMethod`, `Declined`, `PaymentInProgress` (another call for this order is
    /// talking to the provider), `ProviderUnavailable` (no answer; calling again is safe);
    /// `Forbidden` (top-level).
    #[tracing::instrument(name = "payments.start", skip_all, fields(order = %order_id))]
    pub async fn start(
        &self,
        rcx: &RequestContext,
        order_id: crate::shared::ids::OrderId,
        email: Option<&str>,
        payment_method: Option<&str>,
    ) -> Result<Started, PaymentError> {
        let order =
            self.orders.get(rcx, order_id, email).await.map_err(order_error)?.ok_or(PaymentError::OrderNotFound)?;
        let payment_method = payment_method.map(str::trim).filter(|m| !m.is_empty());
        let mut cancelled: Option<Payment> = None;
        for _ in 0..ROUNDS {
            let now = self.clock.now();
            let live = repo::live_for_order(&self.db, order.id).await?;
            let Some(live) = live else {
                let order = self.orders.find_in(&self.db, order.id).await?.ok_or(PaymentError::OrderNotFound)?;
                if order.status != OrderStatus::PaymentPending || order.reserved_until <= now {
                    return match cancelled {
                        // The attempt we went to cancel had succeeded: the order is paid by it.
                        Some(p) if order.status == OrderStatus::Paid && p.status == PaymentStatus::Succeeded => {
                            Ok(self.started(p, order, None))
                        }
                        _ => Err(PaymentError::OrderNotPayable),
                    };
                }
                match self.new_attempt(&order, payment_method, now).await? {
                    Some(payment) => {
                        let (payment, order) = self.call_create(rcx, payment).await?;
                        return Ok(self.started(payment, order, cancelled));
                    }
                    None => continue, // a concurrent call made one first: join it
                };
            };
            match live.status {
                PaymentStatus::Pending => {
                    // Its call is running, or it failed without an answer: re-send it, same key.
                    if !repo::claim_call(&self.db, live.id, live.status, now, now + self.lease()).await? {
                        return Err(PaymentError::PaymentInProgress);
                    }
                    let (payment, order) = self.call_create(rcx, live).await?;
                    if payment.status.is_live() && payment.payment_method.as_deref() != payment_method {
                        continue; // settled as waiting; replaced in the next round
                    }
                    return Ok(self.started(payment, order, cancelled));
                }
                PaymentStatus::Processing => return Err(PaymentError::PaymentInProgress),
                _ if live.payment_method.as_deref() == payment_method => {
                    // The same request again (a double click, a reload): the same attempt.
                    let order = self.orders.find_in(&self.db, order.id).await?.ok_or(PaymentError::OrderNotFound)?;
                    return Ok(self.started(live, order, cancelled));
                }
                _ => {
                    // Waiting for the buyer with another method: cancel it at the provider first.
                    if !repo::claim_call(&self.db, live.id, live.status, now, now + self.lease()).await? {
                        return Err(PaymentError::PaymentInProgress);
                    }
                    cancelled = Some(self.cancel_at_provider(rcx, &live).await?);
                }
            }
        }
        Err(PaymentError::PaymentInProgress)
    }

    /// Completes a payment that waited for the buyer (3-D Secure, or client-side confirmation):
    /// asks the provider where it stands and records it.
    ///
    /// # Errors
    /// `PaymentNotFound`, `NotConfirmable`, `Declined`, `OrderNotPayable`,
    /// `ProviderUnavailable`; `Forbidden`.
    #[tracing::instrument(name = "payments.confirm", skip_all, fields(payment = %id))]
    pub async fn confirm(
        &self,
        rcx: &RequestContext,
        id: PaymentId,
        email: Option<&str>,
    ) -> Result<(Payment, Order), PaymentError> {
        let payment = repo::find(&self.db, id).await?.ok_or(PaymentError::PaymentNotFound)?;
        self.orders
            .get(rcx, payment.order_id, email)
            .await
            .map_err(order_error)?
            .ok_or(PaymentError::PaymentNotFound)?;
        let waiting = matches!(
            payment.status,
            PaymentStatus::RequiresAction | PaymentStatus::RequiresPaymentMethod | PaymentStatus::Processing
        );
        let (true, Some(reference)) = (waiting, payment.provider_ref.clone()) else {
            return Err(PaymentError::NotConfirmable);
        };
        let answer = self
            .provider
            .confirm(&reference, &format!("{}_confirm", payment.idempotency_key))
            .await
            .map_err(provider_error)?;
        self.finish(rcx, payment, answer).await
    }

    /// Records a new attempt holding its provider call; `None` when the order got a live
    /// attempt meanwhile (the partial unique index refused this one).
    async fn new_attempt(
        &self,
        order: &Order,
        payment_method: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Payment>, PaymentError> {
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
            payment_method: payment_method.map(str::to_owned),
            refunded: Money::from_minor(0, order.total.currency()),
            created_at: now,
            updated_at: now,
        };
        // Under the order's lock: no attempt starts for an order another attempt just paid.
        let txn = self.db.begin().await?;
        if !self.orders.lock_payable_in(&txn, order.id).await? {
            return Err(PaymentError::OrderNotPayable);
        }
        if !repo::insert(&txn, &payment, now + self.lease()).await? {
            txn.rollback().await?;
            return Ok(None);
        }
        txn.commit().await?;
        Ok(Some(payment))
    }

    /// Sends the attempt's create request (first time or retry: the stored key and method) and
    /// records the answer. The caller holds the attempt's call lease; it is released here.
    async fn call_create(&self, rcx: &RequestContext, payment: Payment) -> Result<(Payment, Order), PaymentError> {
        let request = PaymentRequest {
            order_id: payment.order_id,
            payment_id: payment.id,
            amount: payment.amount,
            idempotency_key: payment.idempotency_key.clone(),
            payment_method: payment.payment_method.clone(),
        };
        let answer = self.provider.create(&request).await;
        let outcome = match answer {
            Ok(answer) => self.finish(rcx, payment.clone(), answer).await,
            Err(ProviderError::Unavailable(e)) => {
                // No answer: the attempt stays PENDING and the next call re-sends it, same key.
                tracing::warn!(payment = %payment.id, error = %crate::error::chain(&*e), "payment provider unavailable; the attempt will be retried with its key");
                Err(PaymentError::ProviderUnavailable)
            }
            Err(ProviderError::InvalidPaymentMethod) => {
                self.fail(rcx, &payment, "invalid_payment_method").await?;
                Err(PaymentError::InvalidPaymentMethod)
            }
            Err(ProviderError::Rejected { code }) => {
                self.fail(rcx, &payment, &code).await?;
                Err(PaymentError::Declined { code })
            }
            Err(ProviderError::UnknownPayment) => {
                self.fail(rcx, &payment, "unknown_payment").await?;
                Err(PaymentError::PaymentNotFound)
            }
        };
        repo::release_call(&self.db, payment.id).await?;
        outcome
    }

    /// The provider refused the attempt as made: it is over.
    async fn fail(&self, rcx: &RequestContext, payment: &Payment, code: &str) -> Result<(), PaymentError> {
        let reference = payment.provider_ref.clone().unwrap_or_default();
        self.settle(
            rcx,
            payment.id,
            &ProviderPayment { reference, status: ProviderStatus::Failed { code: code.into() } },
        )
        .await?;
        Ok(())
    }

    /// Cancels a waiting attempt at the provider (idempotently) and records where it ends:
    /// CANCELED, or SUCCEEDED if the buyer finished it meanwhile.
    async fn cancel_at_provider(&self, rcx: &RequestContext, live: &Payment) -> Result<Payment, PaymentError> {
        let outcome = match &live.provider_ref {
            None => Ok(ProviderPayment { reference: String::new(), status: ProviderStatus::Canceled }),
            Some(reference) => self.provider.cancel(reference, &format!("{}_cancel", live.idempotency_key)).await,
        };
        let result = match outcome {
            Ok(answer) => self.settle(rcx, live.id, &answer).await.map(|s| s.payment),
            Err(e) => Err(provider_error(e)),
        };
        repo::release_call(&self.db, live.id).await?;
        result
    }
}

pub(super) fn provider_error(e: ProviderError) -> PaymentError {
    match e {
        ProviderError::InvalidPaymentMethod => PaymentError::InvalidPaymentMethod,
        ProviderError::UnknownPayment => PaymentError::PaymentNotFound,
        ProviderError::Rejected { code } => PaymentError::Declined { code },
        ProviderError::Unavailable(_) => PaymentError::ProviderUnavailable,
    }
}
