//! Real-time: committed outbox events on an [`EventBus`], and the GraphQL subscriptions that
//! read them (`graphql.rs`).
//!
//! - **Publish.** The outbox relay hands every committed event to [`BusPublisher`] (registered
//!   with `Consumers::on_all`), which publishes it on the bus. A failed publish (Redis down) is
//!   a failed delivery: the event stays in the outbox and the relay retries it with backoff, so
//!   nothing is lost; delivery is at least once.
//! - **Bus.** [`LocalBus`], a `tokio::sync::broadcast` channel, for the embedded single
//!   instance; [`RedisBus`] (Redis pub/sub on one channel) when `redis.url` (`AGORA_REDIS__URL`
//!   or `REDIS_URL`) is set, so a subscriber on any instance sees the events committed on any
//!   instance. Each instance reads the channel once and fans out in process.
//! - **Subscribe.** Every subscriber gets a bounded receiver (`realtime.subscriber_buffer`
//!   events): one that falls further behind is dropped (its subscription ends with an error)
//!   rather than buffered without bound. When Redis goes away, every subscription is told (an
//!   error, then completion) and new ones are refused until it is back; clients resubscribe.
//! - **Order and duplicates.** The relay delivers an aggregate's events in order; a subscription
//!   drops any event whose per-aggregate `seq` it has already passed (a redelivery), so it sees
//!   each event once, in order per aggregate.

pub mod graphql;
mod local;
mod redis;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

pub use local::LocalBus;
pub use redis::RedisBus;

use crate::outbox::{Consumer, JobError, OutboxEvent};

/// A committed event as it travels on the bus (JSON on Redis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusEvent {
    pub id: uuid::Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub seq: i64,
    pub event_type: String,
    pub version: i32,
    pub payload: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
}

impl From<&OutboxEvent> for BusEvent {
    fn from(e: &OutboxEvent) -> Self {
        Self {
            id: e.id,
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: e.aggregate_id.clone(),
            seq: e.seq,
            event_type: e.event_type.clone(),
            version: e.version,
            payload: e.payload.clone(),
            occurred_at: e.occurred_at,
        }
    }
}

/// What a subscriber receives.
#[derive(Debug, Clone)]
pub enum BusMessage {
    Event(Arc<BusEvent>),
    /// The bus lost its backend (Redis): events may be missed from here on, so subscriptions
    /// end and clients resubscribe when it is back.
    Down(Arc<str>),
}

/// Why the bus cannot take a publication or a subscriber now.
#[derive(Debug, thiserror::Error)]
#[error("event bus unavailable: {0}")]
pub struct BusUnavailable(pub String);

/// Committed events, fanned out to subscribers (on this instance, or on all of them).
#[async_trait::async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// `local` or `redis`, for logs.
    fn name(&self) -> &'static str;
    /// Publishes a committed event to every subscriber.
    ///
    /// # Errors
    /// The backend did not take it (the relay retries).
    async fn publish(&self, event: &BusEvent) -> Result<(), BusUnavailable>;
    /// A bounded receiver of every event published from now on.
    ///
    /// # Errors
    /// The backend is down (Redis): no event would arrive.
    fn subscribe(&self) -> Result<broadcast::Receiver<BusMessage>, BusUnavailable>;
    /// Subscribers on this instance now (one per live subscription).
    fn subscriber_count(&self) -> usize;
}

/// The bus the settings name: Redis when `redis.url` is set (waiting up to 5 s for its
/// subscription, with a warning if Redis is not there yet: it keeps trying), else in process.
///
/// # Errors
/// A Redis URL the client cannot parse.
pub async fn bus_from_settings(settings: &crate::config::Settings) -> anyhow::Result<Arc<dyn EventBus>> {
    let buffer = settings.realtime.subscriber_buffer;
    match &settings.redis.url {
        Some(url) => {
            let bus = RedisBus::start(url.expose(), buffer)?;
            if !bus.wait_until_up(std::time::Duration::from_secs(5)).await {
                tracing::warn!("event bus: Redis is not reachable yet; subscriptions are refused until it is");
            }
            tracing::info!(bus = "redis", "event bus: Redis pub/sub (subscriptions see events of every instance)");
            Ok(Arc::new(bus))
        }
        None => {
            tracing::info!(
                bus = "local",
                "event bus: in process (set AGORA_REDIS__URL or REDIS_URL for several instances)"
            );
            Ok(Arc::new(LocalBus::new(buffer)))
        }
    }
}

/// The outbox consumer that publishes every committed event on the bus.
pub struct BusPublisher(pub Arc<dyn EventBus>);

#[async_trait::async_trait]
impl Consumer for BusPublisher {
    fn name(&self) -> &'static str {
        "realtime.publish"
    }

    async fn handle(&self, event: &OutboxEvent) -> Result<(), JobError> {
        self.0.publish(&BusEvent::from(event)).await.map_err(JobError::retry)
    }
}

/// Open WebSocket connections per signed-in user on this instance, bounded by
/// `realtime.max_sockets_per_principal` (anonymous sockets are bounded per socket only).
pub struct SocketCounts {
    max: usize,
    open: std::sync::Mutex<std::collections::HashMap<crate::shared::ids::UserId, usize>>,
}

/// One counted socket; the count goes down when it is dropped (the connection's data is).
pub struct SocketSlot {
    counts: Arc<SocketCounts>,
    user: crate::shared::ids::UserId,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

impl SocketCounts {
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self { max: max.max(1), open: Default::default() })
    }

    /// A slot for one more socket of `user`; `None` when they have `max` open already.
    pub fn acquire(self: &Arc<Self>, user: crate::shared::ids::UserId) -> Option<SocketSlot> {
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(user).or_default();
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(SocketSlot { counts: self.clone(), user })
    }
}
