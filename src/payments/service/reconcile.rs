//! The reconciler: settles attempts left live with nobody working on them — a crash between
//! the attempt's commit and the provider call, or an answer lost on the way back — from the
//! provider's state. It runs at start and every `payments.reconcile_interval_secs`.
//!
//! An attempt is picked when it is live (PENDING, REQUIRES_PAYMENT_METHOD, REQUIRES_ACTION,
//! PROCESSING), no call holds its lease (`lease_until` NULL or past) and it has not moved for
//! `payments.call_lease_secs`. The reconciler takes the lease (compare-and-set, so two
//! instances never ask twice), then, outside any transaction:
//! - without a provider reference, re-sends the create with the attempt's stored idempotency
//!   key and payment method: the provider replays the first result for the same key, so a
//!   payment that was made is found and none is made twice. If the order can no longer be paid
//!   (expired, cancelled), nothing is sent and the attempt is CANCELED, as the expiry job does;
//! - with a reference, reads the payment (`retrieve`);
//!
//! and records the answer with [`PaymentService::settle`] (a success for an order no longer
//! payable is refunded through the outbox). A provider still unavailable leaves the attempt for
//! the next round.
//!
//! Refunds still PENDING after `payments.call_lease_secs` without a change are asked about
//! again the same way ([`PaymentService::process_refund`], the refund's stored key), so a refund
//! whose outbox job gave up during a long provider outage is still completed.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};

use crate::{
    context::RequestContext,
    orders::model::OrderStatus,
    payments::{
        error::PaymentError,
        model::{Payment, PaymentStatus},
        provider::{PaymentRequest, ProviderError, ProviderPayment},
        repo,
        service::PaymentService,
    },
};

/// Attempts looked at per round.
const BATCH: u64 = 100;

/// Cheap to clone.
#[derive(Clone)]
pub struct Reconciler {
    payments: PaymentService,
    call_lease: chrono::TimeDelta,
}

/// What a round did with one attempt.
enum Outcome {
    /// The provider answered; the answer was recorded.
    Settled,
    /// The attempt was ended without asking the provider.
    Ended,
    /// Left for the next round (provider unavailable, moved meanwhile).
    Skipped,
}

impl Reconciler {
    /// `call_lease_secs`: how long a provider call may hold an attempt (`payments.call_lease_secs`).
    pub fn new(payments: PaymentService, call_lease_secs: u64) -> Self {
        let secs = i64::try_from(call_lease_secs.max(1)).unwrap_or(i64::MAX / 1_000);
        Self { payments, call_lease: chrono::TimeDelta::seconds(secs) }
    }

    /// One round at `now`; returns how many attempts were settled or ended.
    ///
    /// # Errors
    /// A database error (the attempts not reached yet wait for the next round).
    #[tracing::instrument(name = "payments.reconcile", skip(self))]
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, PaymentError> {
        let db = &self.payments.db;
        let mut done = 0;
        for p in repo::jobs::stale(db, now, now - self.call_lease, BATCH).await? {
            let until = (now + self.call_lease).trunc_subsecs(6);
            if !repo::claim_call(db, p.id, p.status, now, until).await? {
                continue;
            }
            let outcome = self.reconcile(&p, now, until).await;
            repo::jobs::release_lease(db, p.id, until).await?;
            match outcome? {
                Outcome::Settled | Outcome::Ended => done += 1,
                Outcome::Skipped => {}
            }
        }
        // Refunds left PENDING: their outbox job may have given up while the provider was down
        // for long; asking again under the refund's stored key is always safe.
        for id in repo::refunds::stale_pending(db, now - self.call_lease, BATCH).await? {
            match self.payments.process_refund(id).await {
                Ok(r) if r.status.is_final() => done += 1,
                Ok(_) | Err(PaymentError::Provider(_) | PaymentError::ProviderUnavailable) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    async fn reconcile(&self, p: &Payment, now: DateTime<Utc>, lease: DateTime<Utc>) -> Result<Outcome, PaymentError> {
        let s = &self.payments;
        let answer = match &p.provider_ref {
            Some(reference) => s.provider.retrieve(reference).await,
            None => {
                let order = s.orders.find_in(&s.db, p.order_id).await?.ok_or(PaymentError::OrderNotFound)?;
                if order.status != OrderStatus::PaymentPending || order.reserved_until <= now {
                    let ended = repo::jobs::end_unsent(
                        &s.db,
                        p.id,
                        p.status,
                        PaymentStatus::Canceled,
                        None,
                        Some(lease),
                        s.clock.now(),
                    )
                    .await?;
                    return Ok(if ended { Outcome::Ended } else { Outcome::Skipped });
                }
                let request = PaymentRequest {
                    order_id: p.order_id,
                    payment_id: p.id,
                    amount: p.amount,
                    idempotency_key: p.idempotency_key.clone(),
                    payment_method: p.payment_method.clone(),
                };
                s.provider.create(&request).await
            }
        };
        match answer {
            Ok(answer) => self.record(p, &answer).await,
            Err(ProviderError::Unavailable(e)) => {
                tracing::warn!(payment = %p.id, error = %format!("{e:#}"), "reconciler: provider unavailable; next round");
                Ok(Outcome::Skipped)
            }
            Err(e) if p.provider_ref.is_none() => {
                // The create itself was refused: the attempt is over.
                let code = match &e {
                    ProviderError::InvalidPaymentMethod => "invalid_payment_method".to_owned(),
                    ProviderError::Rejected { code } => code.clone(),
                    _ => "provider_error".to_owned(),
                };
                let ended = repo::jobs::end_unsent(
                    &s.db,
                    p.id,
                    p.status,
                    PaymentStatus::Failed,
                    Some(&code),
                    Some(lease),
                    s.clock.now(),
                )
                .await?;
                Ok(if ended { Outcome::Ended } else { Outcome::Skipped })
            }
            Err(e) => {
                tracing::error!(payment = %p.id, error = %crate::error::chain(&e), "reconciler: the provider does not know this payment; left for staff");
                Ok(Outcome::Skipped)
            }
        }
    }

    async fn record(&self, p: &Payment, answer: &ProviderPayment) -> Result<Outcome, PaymentError> {
        let settled = self.payments.settle(&RequestContext::system(), p.id, answer).await?;
        if settled.moved {
            tracing::info!(payment = %p.id, status = settled.payment.status.as_str(), "reconciler settled an attempt from the provider's state");
        }
        Ok(Outcome::Settled)
    }

    /// Runs a round at once (attempts left by a crash are settled at start), then every
    /// `interval`, until the handle is aborted.
    pub fn spawn(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let reconciler = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match reconciler.run_once(reconciler.payments.clock.now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reconciled = n, "settled payment attempts from the provider's state"),
                    Err(e) => tracing::error!(error = %crate::error::chain(&e), "payment reconciler failed"),
                }
            }
        })
    }
}
