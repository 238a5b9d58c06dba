//! What the relay hands events to: in-process consumers registered by event type.

use std::{collections::HashMap, sync::Arc};

use crate::outbox::model::OutboxEvent;

/// Why a consumer could not handle an event.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later (the provider is down, a row is busy): the relay retries with
    /// exponential backoff until `payments.max_job_attempts`, then gives up.
    #[error("{0:#}")]
    Retry(anyhow::Error),
    /// Trying again cannot help (the data says no): the relay gives up at once and keeps the
    /// event, dead, for staff.
    #[error("{0:#}")]
    GiveUp(anyhow::Error),
}

impl JobError {
    pub fn retry(e: impl Into<anyhow::Error>) -> Self {
        Self::Retry(e.into())
    }

    pub fn give_up(e: impl Into<anyhow::Error>) -> Self {
        Self::GiveUp(e.into())
    }
}

impl From<sea_orm::DbErr> for JobError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Retry(e.into())
    }
}

/// Reacts to committed events. Delivery is at least once: an event may be handed over again
/// (a retry after another consumer of the same event failed, a relay that stopped before
/// marking it delivered), so a consumer must be idempotent by `event.id` — for example by
/// compare-and-set on the state it moves, or by an idempotency key derived from the event or
/// the aggregate.
#[async_trait::async_trait]
pub trait Consumer: Send + Sync + 'static {
    /// A short name for logs (`payments.cancel_attempts`).
    fn name(&self) -> &'static str;
    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError>;
}

/// The consumers of each event type, in registration order, plus those that take every event
/// (the event bus of the real-time work). An event without consumers is simply marked delivered.
#[derive(Default, Clone)]
pub struct Consumers {
    by_type: HashMap<String, Vec<Arc<dyn Consumer>>>,
    all: Vec<Arc<dyn Consumer>>,
}

impl Consumers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Hands events of `event_type` to `consumer`.
    pub fn on(&mut self, event_type: &str, consumer: Arc<dyn Consumer>) -> &mut Self {
        self.by_type.entry(event_type.to_owned()).or_default().push(consumer);
        self
    }

    /// Hands every event to `consumer`, after the consumers of its type.
    pub fn on_all(&mut self, consumer: Arc<dyn Consumer>) -> &mut Self {
        self.all.push(consumer);
        self
    }

    /// The consumers of an event type, in the order they run.
    pub fn of(&self, event_type: &str) -> Vec<Arc<dyn Consumer>> {
        self.by_type.get(event_type).into_iter().flatten().chain(&self.all).cloned().collect()
    }
}
