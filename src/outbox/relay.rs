//! The relay: delivers committed events to their [`Consumer`]s, at least once, in order per
//! aggregate, with retries and backoff; several instances may run it at once.
//!
//! One pass ([`Relay::run_once`]) claims due events (see [`repo::claim`]: the earliest
//! undelivered event of each aggregate, leased until `now + outbox.claim_lease_secs`), hands each
//! to the consumers of its type (each in its own task, so a panic or a timeout is a failure, not
//! a lost relay), and then marks it delivered, or records the failure: one more attempt, the
//! error, and `available_at = now + jittered exponential backoff` (2 s doubling, capped at 1 h).
//! After `payments.max_job_attempts` tries (or a [`JobError::GiveUp`]) the event is dead:
//! `delivered_at` stays NULL and `available_at` is [`repo::dead_at`] (never due), with
//! `last_error` = `gave up after N attempts: …`. Dead events do not hold back their aggregate's
//! later events; staff find them with [`crate::outbox::dead`] and retry them with
//! [`crate::outbox::revive`]. A pass repeats until nothing more is due, so an aggregate's
//! events are delivered one after the other within one pass.
//!
//! A relay stopped mid-pass (crash, shutdown) leaves its claims to expire: the events are
//! delivered again after the lease, by this or another instance — hence consumers idempotent
//! by event id. Delivered events are deleted after `outbox.retention_days`.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, SubsecRound, Utc};
use rand::Rng;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::{sync::Notify, task::JoinSet};

use crate::{
    config::Settings,
    outbox::{
        consumer::{Consumer, Consumers, JobError},
        model::OutboxEvent,
        repo,
    },
    shared::clock::SharedClock,
};

/// First retry delay; doubled per attempt.
const BACKOFF_BASE_SECS: i64 = 2;
/// Longest retry delay.
const BACKOFF_CAP_SECS: i64 = 3_600;
/// Passes of claiming within one [`Relay::run_once`] (each delivers the next event of every
/// aggregate), so a pass ends even when events keep coming.
const MAX_ROUNDS: usize = 64;
/// How often the background loop prunes delivered events.
const PRUNE_EVERY: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// How the relay delivers.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Tries of one event before it is dead.
    pub max_attempts: u32,
    /// How long a claim holds; also the deadline of one consumer call.
    pub claim_lease: Duration,
    /// Events claimed at once.
    pub batch_size: u64,
    /// How long delivered events are kept.
    pub retention: chrono::TimeDelta,
}

impl RelayConfig {
    pub fn from_settings(s: &Settings) -> Self {
        Self {
            max_attempts: s.payments.max_job_attempts.max(1),
            claim_lease: Duration::from_secs(s.outbox.claim_lease_secs.max(1)),
            batch_size: s.outbox.batch_size.max(1),
            retention: chrono::TimeDelta::days(i64::try_from(s.outbox.retention_days).unwrap_or(i64::MAX / 86_400_000)),
        }
    }
}

/// Cheap to clone; clones share the wake-up signal.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    clock: SharedClock,
    consumers: Consumers,
    config: RelayConfig,
    wake: Notify,
}

/// The delay before the next try after `attempts` failed ones: 2 s × 2^(attempts − 1), capped
/// at 1 h, with "equal jitter" (between half and all of it) so that retries of many events
/// spread out.
pub fn backoff(attempts: u32) -> chrono::TimeDelta {
    let exp = attempts.clamp(1, 32) - 1;
    let full_ms = BACKOFF_BASE_SECS.saturating_mul(1_i64 << exp.min(30)).min(BACKOFF_CAP_SECS) * 1_000;
    let ms = rand::rng().random_range(full_ms / 2..=full_ms);
    chrono::TimeDelta::milliseconds(ms)
}

impl Relay {
    pub fn new(db: DatabaseConnection, clock: SharedClock, consumers: Consumers, config: RelayConfig) -> Self {
        Self { inner: Arc::new(Inner { db, clock, consumers, config, wake: Notify::new() }) }
    }

    /// Wakes the background loop before its interval (after a commit that wrote events).
    pub fn kick(&self) {
        self.inner.wake.notify_one();
    }

    /// Delivers every event due at `now`, aggregate by aggregate in order; returns how many
    /// were delivered (failures are recorded for a later try).
    ///
    /// # Errors
    /// A database error; events already claimed are delivered again after their lease.
    #[tracing::instrument(name = "outbox.relay", skip(self))]
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        let cfg = &self.inner.config;
        let lease = chrono::TimeDelta::from_std(cfg.claim_lease).unwrap_or(chrono::TimeDelta::minutes(5));
        // Microseconds: what PostgreSQL keeps, so the compare-and-set finds the claim again.
        let lease_until = (now + lease).trunc_subsecs(6);
        let mut delivered = 0;
        for _ in 0..MAX_ROUNDS {
            let batch = repo::claim(&self.inner.db, now, lease_until, cfg.batch_size).await?;
            if batch.is_empty() {
                break;
            }
            let mut tasks = JoinSet::new();
            for event in batch {
                let consumers = self.inner.consumers.of(&event.event_type);
                let timeout = cfg.claim_lease;
                tasks.spawn(async move {
                    let outcome = deliver(&consumers, &event, timeout).await;
                    (event, outcome)
                });
            }
            while let Some(done) = tasks.join_next().await {
                let (event, outcome) = done.map_err(|e| DbErr::Custom(format!("relay task failed: {e}")))?;
                if self.record(&event, outcome, lease_until, now).await? {
                    delivered += 1;
                }
            }
        }
        Ok(delivered)
    }

    /// Stores a delivery's outcome; `true` when the event was delivered.
    async fn record(
        &self,
        event: &OutboxEvent,
        outcome: Result<(), JobError>,
        lease_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let db = &self.inner.db;
        let error = match outcome {
            Ok(()) => {
                if !repo::mark_delivered(db, event.id, lease_until, now).await? {
                    tracing::warn!(event = %event.id, "outbox claim lost before delivery was recorded");
                }
                return Ok(true);
            }
            Err(e) => e,
        };
        let attempts = u32::try_from(event.attempts).unwrap_or(0) + 1;
        let (give_up, message) = match &error {
            JobError::GiveUp(e) => (true, format!("{e:#}")),
            JobError::Retry(e) => (attempts >= self.inner.config.max_attempts, format!("{e:#}")),
        };
        let (available_at, stored) = if give_up {
            tracing::error!(event = %event.id, event_type = %event.event_type, attempts, error = %message, "outbox event dead: gave up");
            (repo::dead_at(), format!("gave up after {attempts} attempts: {message}"))
        } else {
            tracing::warn!(event = %event.id, event_type = %event.event_type, attempts, error = %message, "outbox event failed; will retry");
            (now + backoff(attempts), message)
        };
        repo::mark_failed(db, event.id, lease_until, &stored, available_at).await?;
        Ok(false)
    }

    /// Deletes events delivered longer than the retention ago.
    pub async fn prune(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        repo::prune(&self.inner.db, now - self.inner.config.retention).await
    }

    /// Runs a pass at once (events left by a crash go out at start), then every `interval` or
    /// on [`Relay::kick`], pruning hourly, until the handle is aborted.
    pub fn spawn(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let relay = self.clone();
        tokio::spawn(async move {
            let mut pruned_at: Option<DateTime<Utc>> = None;
            loop {
                let now = relay.inner.clock.now();
                if let Err(e) = relay.run_once(now).await {
                    tracing::error!(error = %crate::error::chain(&e), "outbox relay failed");
                }
                if pruned_at.is_none_or(|t| now - t >= PRUNE_EVERY) {
                    match relay.prune(now).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(pruned = n, "deleted delivered outbox events"),
                        Err(e) => tracing::error!(error = %crate::error::chain(&e), "outbox pruning failed"),
                    }
                    pruned_at = Some(now);
                }
                tokio::select! {
                    () = tokio::time::sleep(interval) => {}
                    () = relay.inner.wake.notified() => {}
                }
            }
        })
    }
}

/// Hands `event` to each consumer in turn, each in its own task with a deadline; the first
/// failure stops the delivery (the consumers before it run again on the retry).
async fn deliver(consumers: &[Arc<dyn Consumer>], event: &OutboxEvent, timeout: Duration) -> Result<(), JobError> {
    for consumer in consumers {
        let (c, e) = (consumer.clone(), event.clone());
        let mut task = tokio::spawn(async move { c.handle(&e).await });
        let name = consumer.name();
        match tokio::time::timeout(timeout, &mut task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(JobError::Retry(e)))) => return Err(JobError::Retry(e.context(name))),
            Ok(Ok(Err(JobError::GiveUp(e)))) => return Err(JobError::GiveUp(e.context(name))),
            Ok(Err(join)) => return Err(JobError::Retry(anyhow::anyhow!("{name}: consumer stopped: {join}"))),
            Err(_) => {
                task.abort();
                return Err(JobError::Retry(anyhow::anyhow!("{name}: consumer timed out after {timeout:?}")));
            }
        }
    }
    Ok(())
}
