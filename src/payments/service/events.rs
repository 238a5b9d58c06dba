//! Applying provider events (Stripe webhooks) to payments, refunds and disputes.
//!
//! - **At most once.** The event id is inserted into `webhook_events` (unique) in the same
//!   transaction as the event's effect; a redelivery, or a concurrent copy that loses the race,
//!   changes nothing and is acknowledged.
//! - **Out of order.** Events arrive late, twice or out of order. SUCCEEDED and CANCELED are
//!   final at the provider, so such an event is applied as it says; for any other event on a
//!   live attempt the payment is read again from the provider (before the transaction, never
//!   inside it) and its current state is applied instead of the event's. Either way the attempt
//!   moves only where `PaymentStatus::may_become` allows, so a final state is never left
//!   (except SUCCEEDED winning over a failure: money taken is never forgotten).
//! - **Within the request.** Only database work, plus that one provider read; slower work
//!   (a refund for money taken on an order no longer payable) is an outbox job written by
//!   `settle_with` in the same transaction.

use std::sync::atomic::{AtomicBool, Ordering};

use sea_orm::{DbErr, TransactionTrait};

use crate::{
    context::RequestContext,
    orders::{
        model::{Dispute, Payment},
        service::OrderDisputes,
    },
    payments::{
        error::PaymentError,
        provider::{ProviderError, ProviderPayment, ProviderRefundStatus},
        repo,
        service::{PaymentService, attempts::provider_error},
        webhook::{DisputeReport, EventKind, PaymentReport, ProviderEvent, RefundReport},
    },
    shared::ids::OrderId,
};

/// A dispute was opened or moved (aggregate `dispute`, the provider's id): `{ disputeId,
/// orderId, paymentId, status, reason, amount, currencyCode }`.
pub const DISPUTE_UPDATED: &str = "dispute.updated";

/// What became of a provider event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Recorded with its effect (possibly none: a stale report moves nothing).
    Applied,
    /// Recorded before (a redelivery, or a concurrent copy): nothing done.
    Duplicate,
    /// Not about anything of ours (a type we do not handle, a payment or refund we do not
    /// know): nothing written.
    Ignored,
}

impl Applied {
    pub fn as_str(self) -> &'static str {
        match self {
            Applied::Applied => "applied",
            Applied::Duplicate => "duplicate",
            Applied::Ignored => "ignored",
        }
    }
}

/// The error that rolls a transaction back when its event turns out to be recorded already.
fn recorded_meanwhile() -> PaymentError {
    PaymentError::Db(DbErr::Custom("the event was applied meanwhile".into()))
}

#[async_trait::async_trait]
impl OrderDisputes for PaymentService {
    async fn disputes_by_order_ids(
        &self,
        orders: &[OrderId],
    ) -> Result<std::collections::HashMap<OrderId, Vec<Dispute>>, DbErr> {
        repo::disputes::by_order_ids(&self.db, orders).await
    }
}

impl PaymentService {
    /// Applies a verified provider event at most once (see the module docs).
    ///
    /// # Errors
    /// `Db` (the sender should retry: answer 5xx), `Provider` (the provider could not be read
    /// for an ambiguous event: retry later).
    #[tracing::instrument(
        name = "payments.apply_event",
        skip(self, rcx, event),
        fields(event_id = %event.id, event_type = %event.event_type)
    )]
    pub async fn apply_event(&self, rcx: &RequestContext, event: &ProviderEvent) -> Result<Applied, PaymentError> {
        if event.kind == EventKind::Unhandled {
            tracing::info!("event type not handled: acknowledged, nothing written");
            return Ok(Applied::Ignored);
        }
        if repo::events::seen(&self.db, &event.id).await? {
            tracing::debug!("event applied before");
            return Ok(Applied::Duplicate);
        }
        let applied = match &event.kind {
            EventKind::Payment(report) => self.payment_reported(rcx, event, report).await?,
            EventKind::Refunds(reports) => self.refunds_reported(event, reports).await?,
            EventKind::Dispute(report) => self.dispute_reported(event, report).await?,
            EventKind::Unhandled => Applied::Ignored,
        };
        tracing::info!(outcome = applied.as_str(), "provider event");
        Ok(applied)
    }

    /// The attempt a payment event is about: by the attempt id in the payment's metadata, else
    /// by the provider's reference.
    async fn attempt_for(&self, report: &PaymentReport) -> Result<Option<Payment>, PaymentError> {
        if let Some(id) = report.payment_id
            && let Some(p) = repo::find(&self.db, id).await?
        {
            if p.provider_ref.as_deref().is_some_and(|r| r != report.reference) {
                tracing::warn!(payment = %p.id, "the event's payment reference is not the attempt's; ignored");
                return Ok(None);
            }
            return Ok(Some(p));
        }
        match repo::events::payment_by_ref(&self.db, &report.reference).await? {
            Some(id) => Ok(repo::find(&self.db, id).await?),
            None => Ok(None),
        }
    }

    async fn payment_reported(
        &self,
        rcx: &RequestContext,
        event: &ProviderEvent,
        report: &PaymentReport,
    ) -> Result<Applied, PaymentError> {
        let Some(payment) = self.attempt_for(report).await? else {
            tracing::warn!("event for a payment that is not ours: ignored");
            return Ok(Applied::Ignored);
        };
        // A final report is true whenever it arrives, and nothing moves a final attempt but a
        // success; anything else may be stale, so the provider says where the payment is now.
        let answer = if report.is_terminal() || !payment.status.is_live() {
            ProviderPayment { reference: report.reference.clone(), status: report.status.clone() }
        } else {
            match self.provider.retrieve(&report.reference).await {
                Ok(current) => current,
                Err(ProviderError::UnknownPayment) => {
                    tracing::warn!(payment = %payment.id, "the provider does not know the payment: ignored");
                    return Ok(Applied::Ignored);
                }
                Err(e) => return Err(provider_error(e)),
            }
        };
        let failure_code = report.failure_code();
        let now = self.clock.now();
        let duplicate = AtomicBool::new(false);
        let settled = self
            .settle_with(rcx, payment.id, &answer, async |txn| {
                if !repo::events::record_in(txn, &event.id, event.provider, &event.event_type, now).await? {
                    duplicate.store(true, Ordering::Relaxed);
                    return Err(recorded_meanwhile());
                }
                if let Some(code) = failure_code {
                    repo::events::note_failure_in(txn, payment.id, code).await?;
                }
                Ok(())
            })
            .await;
        match settled {
            Ok(s) => {
                tracing::info!(
                    payment = %payment.id,
                    from = payment.status.as_str(),
                    to = s.payment.status.as_str(),
                    moved = s.moved,
                    refund_due = s.refund_due,
                    "payment event"
                );
                Ok(Applied::Applied)
            }
            Err(_) if duplicate.load(Ordering::Relaxed) => Ok(Applied::Duplicate),
            Err(e) => Err(e),
        }
    }

    async fn refunds_reported(&self, event: &ProviderEvent, reports: &[RefundReport]) -> Result<Applied, PaymentError> {
        let txn = self.db.begin().await?;
        if !repo::events::record_in(&txn, &event.id, event.provider, &event.event_type, self.clock.now()).await? {
            return Ok(Applied::Duplicate);
        }
        let mut ours = 0;
        for r in reports {
            let code = match &r.refund.status {
                ProviderRefundStatus::Failed { code } => Some(code.as_str()),
                _ => None,
            };
            let found = self
                .refund_reported_in(&txn, &r.refund.reference, r.refund_id.as_deref(), r.refund.status.clone(), code)
                .await?;
            ours += usize::from(found.is_some());
        }
        if ours == 0 {
            // Not a refund of ours (made in the provider's dashboard): the transaction (with
            // the event record) is dropped, so nothing is written.
            tracing::info!(refunds = reports.len(), "no refund of ours reported");
            return Ok(Applied::Ignored);
        }
        txn.commit().await?;
        Ok(Applied::Applied)
    }

    /// The outbox event of a dispute opened or moved (aggregate `dispute`, its provider id),
    /// written with the change.
    async fn dispute_reported(&self, event: &ProviderEvent, report: &DisputeReport) -> Result<Applied, PaymentError> {
        let found = match &report.payment_reference {
            Some(reference) => repo::events::payment_by_ref(&self.db, reference).await?,
            None => None,
        };
        let Some(payment) = (match found {
            Some(id) => repo::find(&self.db, id).await?,
            None => None,
        }) else {
            tracing::warn!(dispute = %report.reference, "dispute on a payment that is not ours: ignored");
            return Ok(Applied::Ignored);
        };
        let now = self.clock.now();
        let dispute = Dispute {
            provider_ref: report.reference.clone(),
            order_id: payment.order_id,
            payment_id: payment.id,
            amount: report.amount,
            reason: report.reason.clone(),
            status: report.status,
            created_at: now,
            updated_at: now,
        };
        let txn = self.db.begin().await?;
        if !repo::events::record_in(&txn, &event.id, event.provider, &event.event_type, now).await? {
            return Ok(Applied::Duplicate);
        }
        let changed = repo::disputes::upsert_in(&txn, &dispute, now).await?;
        if changed {
            let note = format!(
                "dispute {} {}: {} {} ({})",
                report.reference,
                report.status.as_str(),
                report.amount.amount(),
                report.amount.currency().code(),
                report.reason
            );
            self.orders.note_in(&txn, &RequestContext::system(), payment.order_id, note).await?;
            crate::outbox::append_in(
                &txn,
                crate::outbox::NewEvent {
                    aggregate_type: "dispute",
                    aggregate_id: dispute.provider_ref.clone(),
                    event_type: DISPUTE_UPDATED,
                    version: 1,
                    payload: serde_json::json!({
                        "disputeId": dispute.provider_ref, "orderId": dispute.order_id, "paymentId": dispute.payment_id,
                        "status": dispute.status.as_str(), "reason": dispute.reason,
                        "amount": dispute.amount.amount().to_string(), "currencyCode": dispute.amount.currency().code(),
                    }),
                    occurred_at: now,
                },
            )
            .await?;
        }
        txn.commit().await?;
        tracing::warn!(
            order = %payment.order_id,
            dispute = %report.reference,
            status = report.status.as_str(),
            changed,
            "dispute on an order's payment"
        );
        Ok(Applied::Applied)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::orders::model::PaymentStatus;

    /// What applying reports does to an attempt: it moves only where `may_become` allows (the
    /// rule `settle_with` enforces with its compare-and-set).
    fn apply(from: PaymentStatus, reports: &[PaymentStatus]) -> Vec<PaymentStatus> {
        let mut trace = vec![from];
        let mut s = from;
        for &next in reports {
            if s.may_become(next) {
                s = next;
            }
            trace.push(s);
        }
        trace
    }

    fn status() -> impl Strategy<Value = PaymentStatus> {
        proptest::sample::select(PaymentStatus::ALL.to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// 10,000 random report sequences (any order, repeats, late and stale reports):
        /// REFUNDED is absorbing, SUCCEEDED is never lost except to a refund, a failed or
        /// cancelled attempt only comes back as money taken, nothing returns to PENDING, and
        /// a success anywhere in the sequence is where it ends unless refunded.
        #[test]
        fn random_event_orders_never_reach_an_illegal_state(
            start in proptest::sample::select(vec![
                PaymentStatus::Pending,
                PaymentStatus::RequiresPaymentMethod,
                PaymentStatus::RequiresAction,
                PaymentStatus::Processing,
            ]),
            reports in proptest::collection::vec(status(), 0..12),
        ) {
            use PaymentStatus::*;
            let trace = apply(start, &reports);
            for w in trace.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a == b { continue; }
                prop_assert!(a != Refunded, "left REFUNDED: {trace:?}");
                prop_assert!(a != Succeeded || b == Refunded, "lost SUCCEEDED: {trace:?}");
                prop_assert!(!matches!(a, Failed | Canceled) || b == Succeeded, "left a final state: {trace:?}");
                prop_assert!(b != Pending, "back to PENDING: {trace:?}");
                prop_assert!(b != Refunded || a == Succeeded, "refunded without success: {trace:?}");
            }
            let end = *trace.last().unwrap();
            if reports.contains(&Succeeded) {
                prop_assert!(matches!(end, Succeeded | Refunded), "success lost: {trace:?}");
            }
            if !reports.contains(&Succeeded) {
                prop_assert!(end != Succeeded && end != Refunded, "success from nowhere: {trace:?}");
            }
        }
    }
}
