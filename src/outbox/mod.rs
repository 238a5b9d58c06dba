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
//! Event types written today (JSON payloads, camelCase, version 1; ids are UUIDs, amounts
//! decimal strings). Each is appended in the transaction of its change by the slice named; the
//! aggregate's row is written in the same transaction first, which serialises its events'
//! numbers. Every order-related payload names its `orderId`, every vendor-facing one its
//! `vendorId` (what the subscriptions filter on, `crate::realtime`).
//!
//! | type | aggregate | payload | written by |
//! |---|---|---|---|
//! | `order.placed` | `order` | `{ orderId, status, vendorIds }` | `OrderService::insert_in` (checkout) |
//! | `order.paid` | `order` | `{ orderId, status }` | `OrderService::transition_in` (payments) |
//! | `order.fulfilled` | `order` | `{ orderId, status }` (PARTIALLY_FULFILLED or FULFILLED) | `transition_in` (shipments) |
//! | `order.cancelled` | `order` | `{ orderId, status }` | `transition_in` (`cancel_in`, line cancellations) |
//! | `order.expired` | `order` | `{ orderId, status }` | `transition_in` (`OrderService::expire_due`) |
//! | `vendor_order.placed` | `vendor_order` | `{ vendorOrderId, orderId, vendorId, status }` | `OrderService::insert_in` |
//! | `vendor_order.status_changed` | `vendor_order` | `{ vendorOrderId, orderId, vendorId, status, previousStatus }` | `transition_in`, shipments and line cancellations |
//! | `fulfillment.created` | `fulfillment` | `{ fulfillmentId, orderId, vendorOrderId, vendorId, status, carrier, trackingNumber, trackingUrl, quantity }` | `OrderService::fulfillment_create`, `fulfil` |
//! | `fulfillment.updated` | `fulfillment` | as `fulfillment.created` | `OrderService::fulfillment_update` |
//! | `refund.requested` | `refund` | `{ refundId, orderId, paymentId, amount, currencyCode }` | `PaymentService` (refunds, paid cancellations) |
//! | `payment.refund_due` | `payment` | `{ paymentId, orderId, reason }` | `PaymentService::settle` |
//! | `dispute.updated` | `dispute` | `{ disputeId, orderId, paymentId, status, reason, amount, currencyCode }` | Stripe dispute webhooks |
//! | `product.created` | `product` | `{ productId, vendorId, status, approvalStatus }` | `CatalogService::create_product` |
//! | `product.updated` | `product` | as `product.created` | `CatalogService::update_product` |
//! | `product.archived` | `product` | as `product.created` | `update_product` to ARCHIVED (`archive_product`) |
//! | `product.approved` | `product` | as `product.created` | approval (staff, or a trusted vendor's submission) |
//! | `product.review_changed` | `product` | as `product.created` | submission, rejection |
//! | `stock.changed` | `variant` | `{ variantId, productId, vendorId, sku, stockOnHand, reserved, quantityAvailable, inStock }` | reserve, release, ship, restock, `stockAdjust` |
//! | `stock.low` | `variant` | `{ variantId, productId, vendorId, sku, quantityAvailable, threshold }` | a `stock.changed` that crossed `realtime.low_stock_threshold` downwards |
//! | `price.changed` | `variant` | `{ variantId, productId, vendorId, sku, price, previousPrice, currencyCode }` | `CatalogService::update_variant` |
//!
//! Every event also goes to the event bus (`crate::realtime::EventBus`) through a consumer
//! taking all events ([`Consumers::on_all`]), for GraphQL subscriptions on every instance.

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
