//! Checkout: prices a cart (`quote`) and turns it into an order (`complete`) in one database
//! transaction: idempotency claim, stock reservation (guarded single-statement updates),
//! discount redemption (guarded), the order with its vendor orders and snapshots, and the cart
//! marked completed. Any refusal rolls everything back: no order, no reservation, no usage.
//!
//! Idempotency: `checkoutComplete(cartId, idempotencyKey)` with a key seen before returns the
//! same order when the cart and principal match, and `IDEMPOTENCY_KEY_REUSED` otherwise. The
//! key row is written in the same transaction as the order, so a key never points to nothing,
//! and concurrent calls with one key queue on its unique index: one order, whatever the timing.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::CheckoutError;
pub use service::CheckoutService;
