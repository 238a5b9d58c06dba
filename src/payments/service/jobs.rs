//! Payment work after commit, run by the outbox relay (at least once, so every step is
//! idempotent: provider calls carry keys derived from the attempt's stored key, and the
//! attempt moves by compare-and-set through [`PaymentService::settle`]).
//!
//! - `order.expired`, `order.cancelled` → [`CancelAttempts`]: the order can no longer be paid,
//!   so its live attempt is cancelled at the provider (`<attempt key>_cancel`) and the answer
//!   recorded. Stock was released at the time limit whatever the provider says (A4); if the
//!   provider answers that the payment SUCCEEDED meanwhile, `settle` keeps the money as taken
//!   and writes `payment.refund_due`: the money goes back (refund, not restore). An attempt
//!   without a provider reference never reached the provider (or its answer was lost: Stripe's
//!   webhook still reports a late success, which `settle` turns into a refund) and is simply
//!   marked CANCELED. Provider unavailable → retried with backoff, same key.
//! - `payment.refund_due` → [`RefundDueConsumer`]: money taken for an order no longer payable
//!   goes back in full through the refunds path (a refund row, tracked to completion).
//! - `refund.requested` → [`RefundRequestedConsumer`]: a refund the provider has not settled
//!   yet (unreachable, or pending) is retried under its stored key.

use std::sync::Arc;

use crate::{
    context::RequestContext,
    orders::service::{ORDER_CANCELLED, ORDER_EXPIRED},
    outbox::{Consumer, Consumers, JobError, OutboxEvent},
    payments::{
        error::PaymentError,
        model::PaymentStatus,
        provider::ProviderError,
        repo,
        service::{
            PaymentService, REFUND_DUE,
            refunds::{REFUND_REQUESTED, RefundDueConsumer, RefundRequestedConsumer},
        },
    },
    shared::ids::OrderId,
};

pub(super) fn job_error(e: PaymentError) -> JobError {
    match e {
        PaymentError::Db(e) => JobError::retry(e),
        PaymentError::Provider(e) => JobError::Retry(e),
        PaymentError::ProviderUnavailable => {
            JobError::Retry(anyhow::anyhow!("the payment provider could not be reached"))
        }
        e => JobError::give_up(e),
    }
}

/// Unavailable (outcome unknown) is worth another try with the same key; anything else the
/// provider says will not change.
pub(super) fn provider_job_error(e: ProviderError) -> JobError {
    match e {
        ProviderError::Unavailable(e) => JobError::Retry(e.context("the payment provider failed")),
        e => JobError::give_up(e),
    }
}

/// A field of an event's payload.
pub(super) fn payload_id<T: serde::de::DeserializeOwned>(event: &OutboxEvent, field: &str) -> Result<T, JobError> {
    serde_json::from_value(event.payload[field].clone())
        .map_err(|e| JobError::give_up(anyhow::anyhow!("event {} has no valid `{field}`: {e}", event.id)))
}

impl PaymentService {
    /// Registers payments' outbox consumers.
    pub fn register_consumers(&self, consumers: &mut Consumers) {
        let cancel: Arc<dyn Consumer> = Arc::new(CancelAttempts(self.clone()));
        consumers.on(ORDER_EXPIRED, cancel.clone());
        consumers.on(ORDER_CANCELLED, cancel);
        consumers.on(REFUND_DUE, Arc::new(RefundDueConsumer(self.clone())));
        consumers.on(REFUND_REQUESTED, Arc::new(RefundRequestedConsumer(self.clone())));
    }

    /// Cancels the live attempts of an order that can no longer be paid, at the provider, and
    /// records what it answers.
    #[tracing::instrument(name = "payments.cancel_live_attempts", skip(self))]
    async fn cancel_live_attempts(&self, order_id: OrderId) -> Result<(), JobError> {
        let now = self.clock.now();
        for leased in repo::jobs::live_for_order(&self.db, order_id).await? {
            let p = leased.payment.clone();
            let Some(reference) = p.provider_ref.clone() else {
                if leased.is_held(now) {
                    return Err(JobError::retry(anyhow::anyhow!("attempt {} is being sent to the provider", p.id)));
                }
                if !repo::jobs::end_unsent(&self.db, p.id, p.status, PaymentStatus::Canceled, None, None, now).await? {
                    return Err(JobError::retry(anyhow::anyhow!("attempt {} moved meanwhile", p.id)));
                }
                continue;
            };
            let key = format!("{}_cancel", p.idempotency_key);
            let answer = match self.provider.cancel(&reference, &key).await {
                Ok(answer) => answer,
                // The provider cannot cancel it now (processing): record where it stands.
                Err(ProviderError::Rejected { .. }) => {
                    self.provider.retrieve(&reference).await.map_err(provider_job_error)?
                }
                Err(e) => return Err(provider_job_error(e)),
            };
            let settled = self.settle(&RequestContext::system(), p.id, &answer).await.map_err(job_error)?;
            if settled.payment.status.is_live() {
                return Err(JobError::retry(anyhow::anyhow!(
                    "attempt {} is still {} at the provider",
                    p.id,
                    settled.payment.status.as_str()
                )));
            }
        }
        Ok(())
    }
}

/// `order.expired` / `order.cancelled`: cancels the order's live attempt at the provider.
pub struct CancelAttempts(PaymentService);

#[async_trait::async_trait]
impl Consumer for CancelAttempts {
    fn name(&self) -> &'static str {
        "payments.cancel_live_attempts"
    }

    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError> {
        let order_id: OrderId = payload_id(event, "orderId")?;
        self.0.cancel_live_attempts(order_id).await
    }
}
