//! The transactional outbox: events written in the same database transaction as the change
//! they describe (no event without its commit, no commit without its event), then delivered at
//! least once, in order per aggregate, by a relay to in-process consumers (provider calls after
//! commit, retries) and, with the real-time work, to the event bus.
//!
//! - Write: [`append_in`] on the business transaction (numbered per aggregate).
//! - Deliver: [`relay::Relay`] hands each committed event to the [`Consumer`]s registered for
//!   its `event_type` ([`Consumers::on`]; [`Consumers::on_all`] for a bus taking every event),
//!   retries failures with jittered exponential backoff, and gives up after
//!   `payments.max_job_attempts`, keeping the event (dead) for staff: [`dead`], [`revive`].
//! - Order: an aggregate's event is not handed out while an earlier one of the same aggregate
//!   is undelivered (and not dead). Several relays (instances) claim with a lease
//!   (`claimed_until`, `FOR UPDATE SKIP LOCKED` on PostgreSQL), so no event is delivered by two
//!   at once.
//!
//! Consumers are idempotent by event id: delivery is at least once (a relay stopped between a
//! consumer's work and the mark delivers again after the lease). Work a consumer cannot finish
//! yet (the provider is down) is retried with backoff; it is never held in memory only.
//!
//! Event types written today (JSON payloads, camelCase, version 1):
//!
//! | type | aggregate | payload | written by |
//! |---|---|---|---|
//! | `order.expired` | `order` | `{ orderId }` | `OrderService::expire_due` |
//! | `order.cancelled` | `order` | `{ orderId }` | `OrderService::cancel` |
//! | `payment.refund_due` | `payment` | `{ paymentId, orderId, reason }` | `PaymentService::settle` |

pub mod consumer;
pub mod model;
pub mod relay;
pub mod repo;

use chrono::{DateTime, Utc};
pub use consumer::{Consumer, Consumers, JobError};
pub use model::{DeadEvent, NewEvent, OutboxEvent};
pub use relay::{Relay, RelayConfig};

/// Appends `event` inside the caller's transaction.
pub async fn append_in(conn: &impl sea_orm::ConnectionTrait, event: NewEvent) -> Result<(), sea_orm::DbErr> {
    repo::append(conn, event).await
}

/// Events the relay gave up on, oldest first (for staff).
pub async fn dead(conn: &impl sea_orm::ConnectionTrait, limit: u64) -> Result<Vec<DeadEvent>, sea_orm::DbErr> {
    repo::dead(conn, limit).await
}

/// Makes a dead event due again at `now`, with a fresh count of attempts; `false` when it was
/// not dead.
pub async fn revive(
    conn: &impl sea_orm::ConnectionTrait,
    id: uuid::Uuid,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    repo::revive(conn, id, now).await
}
