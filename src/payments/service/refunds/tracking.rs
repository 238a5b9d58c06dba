//! Refunds tracked to completion: the provider asked (or read) after commit and on every
//! retry with the refund's stored key, its answers and reports (webhooks) recorded with a
//! compare-and-set, and the outbox consumers that drive retries.

use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{
    context::RequestContext,
    orders::model::RefundStatus,
    outbox::{Consumer, JobError, OutboxEvent},
    payments::{
        error::PaymentError,
        model::PaymentStatus,
        provider::{ProviderError, ProviderRefundStatus, RefundRequest},
        repo,
        service::PaymentService,
    },
    shared::ids::{PaymentId, RefundId},
};

use super::{Refund, minor, money_text};
use crate::payments::service::jobs::{job_error, payload_id};

impl PaymentService {
    /// Completes a refund (the consumer of `refund.requested`): asks the provider with the
    /// refund's stored key (or, once the provider named it, reads it) and records the answer.
    /// Idempotent: a refund already final is returned as it is.
    ///
    /// # Errors
    /// `RefundNotFound`; `Provider` when the provider could not be reached (the refund stays
    /// PENDING: retry later).
    #[tracing::instrument(name = "payments.process_refund", skip(self))]
    pub async fn process_refund(&self, refund_id: RefundId) -> Result<Refund, PaymentError> {
        let refund = repo::refunds::find(&self.db, refund_id).await?.ok_or(PaymentError::RefundNotFound)?;
        self.process(refund).await
    }

    /// [`Self::process`] right after a request: a provider that cannot be reached leaves the
    /// refund PENDING (the outbox consumer retries it), which is not an error for the caller.
    pub(super) async fn process_after_commit(&self, refund: Refund) -> Result<Refund, PaymentError> {
        let id = refund.id;
        match self.process(refund).await {
            Err(PaymentError::Provider(e)) => {
                tracing::warn!(refund = %id, error = %crate::error::chain(e.as_ref()), "refund left pending; the outbox retries it");
                repo::refunds::find(&self.db, id).await?.ok_or(PaymentError::RefundNotFound)
            }
            other => other,
        }
    }

    async fn process(&self, refund: Refund) -> Result<Refund, PaymentError> {
        if refund.status.is_final() {
            return Ok(refund);
        }
        let payment = repo::find(&self.db, refund.payment_id).await?.ok_or(PaymentError::PaymentNotFound)?;
        let answer = match (&refund.provider_ref, &payment.provider_ref) {
            (Some(reference), _) => self.provider.retrieve_refund(reference).await,
            (None, Some(payment_reference)) => {
                let request = RefundRequest {
                    payment_reference: payment_reference.clone(),
                    amount: refund.amount,
                    idempotency_key: refund.idempotency_key.clone(),
                    refund_id: refund.id.to_string(),
                };
                self.provider.refund(&request).await
            }
            (None, None) => Err(ProviderError::Rejected { code: "payment_without_reference".into() }),
        };
        repo::refunds::count_attempt(&self.db, refund.id, self.clock.now()).await?;
        let (reference, status) = match answer {
            Ok(r) => (Some(r.reference), r.status),
            Err(ProviderError::Unavailable(e)) => return Err(PaymentError::Provider(e)),
            Err(ProviderError::Rejected { code }) => (None, ProviderRefundStatus::Failed { code }),
            Err(ProviderError::UnknownPayment) => {
                (None, ProviderRefundStatus::Failed { code: "unknown_payment".into() })
            }
            Err(ProviderError::InvalidPaymentMethod) => {
                (None, ProviderRefundStatus::Failed { code: "invalid_request".into() })
            }
        };
        let rcx = RequestContext::system();
        let txn = self.db.begin().await?;
        self.record_in(&txn, &rcx, &refund, &status, reference.as_deref(), None).await?;
        txn.commit().await?;
        repo::refunds::find(&self.db, refund.id).await?.ok_or(PaymentError::RefundNotFound)
    }

    /// Records what the provider says about a refund (webhooks: `charge.refunded`,
    /// `refund.updated`, `refund.failed`) inside the caller's transaction. The refund is found by
    /// our id (Stripe metadata `agora_refund_id`) or the provider's reference. Final states are
    /// absorbing; FAILED and CANCELED give the claimed amount back; the provider's reference is
    /// stored when missing. `None` for a refund Agora did not make (e.g. from Stripe's dashboard).
    pub async fn refund_reported_in(
        &self,
        conn: &impl ConnectionTrait,
        reference: &str,
        agora_refund_id: Option<&str>,
        status: ProviderRefundStatus,
        failure_code: Option<&str>,
    ) -> Result<Option<Refund>, PaymentError> {
        let by_id = match agora_refund_id.and_then(|s| uuid::Uuid::parse_str(s).ok()) {
            Some(id) => repo::refunds::find(conn, RefundId(id)).await?,
            None => None,
        };
        let refund = match by_id {
            Some(r) => r,
            None => match repo::refunds::find_by_provider_ref(conn, reference).await? {
                Some(r) => r,
                None => {
                    tracing::warn!(reference, "provider reported a refund Agora did not make; ignored");
                    return Ok(None);
                }
            },
        };
        self.record_in(conn, &RequestContext::system(), &refund, &status, Some(reference), failure_code).await?;
        Ok(repo::refunds::find(conn, refund.id).await?)
    }

    /// Moves a PENDING refund to what the provider said, in `conn`: a compare-and-set on its
    /// status (a final refund stays as it is); FAILED and CANCELED give the claim back; a
    /// payment whose succeeded refunds reach its amount becomes REFUNDED; a history note says
    /// what happened. `false` when nothing moved.
    async fn record_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        refund: &Refund,
        status: &ProviderRefundStatus,
        reference: Option<&str>,
        failure_code: Option<&str>,
    ) -> Result<bool, sea_orm::DbErr> {
        let now = self.clock.now();
        let (to, code) = match status {
            ProviderRefundStatus::Pending => {
                if let Some(r) = reference {
                    repo::refunds::set_provider_ref(conn, refund.id, r, now).await?;
                }
                return Ok(false);
            }
            ProviderRefundStatus::Succeeded => (RefundStatus::Succeeded, None),
            ProviderRefundStatus::Failed { code } => (RefundStatus::Failed, Some(failure_code.unwrap_or(code))),
            ProviderRefundStatus::Canceled => (RefundStatus::Canceled, failure_code),
        };
        // Settlements of one payment's refunds queue on its row, so the sum below sees them all.
        repo::refunds::lock_payment(conn, refund.payment_id, now).await?;
        let Some(current) = repo::refunds::find(conn, refund.id).await? else { return Ok(false) };
        if !current.status.may_become(to)
            || !repo::refunds::settle(conn, refund.id, current.status, to, reference, code, now).await?
        {
            return Ok(false);
        }
        let amount = money_text(refund.amount);
        if current.status == RefundStatus::Succeeded {
            // Failed after it succeeded: the money is back with the shop, refundable again.
            repo::refunds::release(conn, refund.payment_id, minor(refund.amount), now).await?;
            if let Some(p) = repo::find(conn, refund.payment_id).await?
                && p.status == PaymentStatus::Refunded
            {
                repo::settle(conn, p.id, PaymentStatus::Refunded, PaymentStatus::Succeeded, None, None, None, now)
                    .await?;
            }
            tracing::warn!(refund = %refund.id, order = %refund.order_id, code, "a succeeded refund failed later; shown on the order");
            let note = format!("refund of {amount} failed after succeeding: {}", code.unwrap_or("no reason given"));
            self.orders.note_in(conn, rcx, refund.order_id, note).await?;
            return Ok(true);
        }
        let note = match to {
            RefundStatus::Succeeded => {
                let payment = repo::find(conn, refund.payment_id).await?;
                if let Some(p) = payment.filter(|p| p.status == PaymentStatus::Succeeded)
                    && repo::refunds::succeeded_minor(conn, p.id).await? >= minor(p.amount)
                {
                    repo::settle(conn, p.id, p.status, PaymentStatus::Refunded, None, None, None, now).await?;
                }
                format!("refund of {amount} succeeded")
            }
            _ => {
                repo::refunds::release(conn, refund.payment_id, minor(refund.amount), now).await?;
                tracing::warn!(refund = %refund.id, order = %refund.order_id, code, "refund failed; shown on the order");
                format!("refund of {amount} {}: {}", to.as_str().to_lowercase(), code.unwrap_or("no reason given"))
            }
        };
        self.orders.note_in(conn, rcx, refund.order_id, note).await?;
        Ok(true)
    }
}

/// The outbox consumer of `refund.requested` (payload `{refundId}`): completes the refund with
/// [`PaymentService::process_refund`]. A retry is asked of the relay (with backoff) while the
/// provider is unreachable or the refund is still pending at the provider.
#[derive(Clone)]
pub struct RefundRequestedConsumer(pub PaymentService);

#[async_trait::async_trait]
impl Consumer for RefundRequestedConsumer {
    fn name(&self) -> &'static str {
        "payments.refund_requested"
    }

    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError> {
        let id: RefundId = payload_id(event, "refundId")?;
        match self.0.process_refund(id).await {
            Ok(r) if r.status == RefundStatus::Pending => {
                Err(JobError::retry(anyhow::anyhow!("refund {} is still pending", r.id)))
            }
            Ok(_) | Err(PaymentError::RefundNotFound) => Ok(()),
            Err(e) => Err(job_error(e)),
        }
    }
}

/// The outbox consumer of `payment.refund_due` (payload `{paymentId, orderId, reason}`): money
/// taken for an order that can no longer be paid goes back in full with
/// [`PaymentService::refund_due`] (refund, not restore).
#[derive(Clone)]
pub struct RefundDueConsumer(pub PaymentService);

#[async_trait::async_trait]
impl Consumer for RefundDueConsumer {
    fn name(&self) -> &'static str {
        "payments.refund_due"
    }

    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError> {
        let id: PaymentId = payload_id(event, "paymentId")?;
        let reason = event.payload.get("reason").and_then(|v| v.as_str()).unwrap_or("refund_due");
        self.0.refund_due(id, reason).await.map_err(job_error)?;
        Ok(())
    }
}
