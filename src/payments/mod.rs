//! Payments: taking an order from PAYMENT_PENDING to PAID through a [`provider::PaymentProvider`].
//!
//! Invariants: a payment row (with its idempotency key) is written and committed before the
//! provider is called, and the provider is never called inside a database transaction; the
//! order moves to PAID with a compare-and-set, so a payment that succeeds after the order
//! expired or was cancelled is refunded instead of resurrecting the order.

pub mod error;
pub mod graphql;
pub mod model;
pub mod provider;
pub mod repo;
pub mod service;
#[cfg(feature = "stripe")]
pub mod stripe;
pub mod test_provider;

pub use error::PaymentError;
pub use service::PaymentService;
