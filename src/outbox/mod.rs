//! The transactional outbox: events written in the same database transaction as the change
//! they describe (no event without its commit, no commit without its event), then delivered at
//! least once, in order per aggregate, by a relay to in-process consumers (provider calls after
//! commit, retries) and, with the real-time work, to the event bus.
//!
//! Consumers are idempotent by event id. Work a consumer cannot finish yet (the provider is
//! down) is retried with backoff; it is never held in memory only.

pub mod model;
pub mod repo;

pub use model::{NewEvent, OutboxEvent};

/// Appends `event` inside the caller's transaction.
pub async fn append_in(conn: &impl sea_orm::ConnectionTrait, event: NewEvent) -> Result<(), sea_orm::DbErr> {
    repo::append(conn, event).await
}
