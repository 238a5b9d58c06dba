//! Outbox events: versioned JSON about one aggregate, numbered per aggregate.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An event to append: what happened (`event_type`, e.g. `order.expired`), to which aggregate
/// (`aggregate_type` + `aggregate_id`, e.g. `order` + its UUID), with a JSON payload whose shape
/// is fixed by (`event_type`, `version`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub aggregate_type: &'static str,
    pub aggregate_id: String,
    pub event_type: &'static str,
    pub version: i32,
    pub payload: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
}

/// A stored event, as the relay hands it to consumers.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// 1, 2, … per aggregate, in commit order of the aggregate's changes.
    pub seq: i64,
    pub event_type: String,
    pub version: i32,
    pub payload: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
    /// Deliveries tried so far (0 on the first).
    pub attempts: i32,
}

/// An event the relay gave up on: not delivered, no longer tried, kept for staff to look at
/// and revive ([`crate::outbox::revive`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DeadEvent {
    pub event: OutboxEvent,
    /// `gave up after N attempts: <the last error>`.
    pub last_error: Option<String>,
}
