//! Payments: taking an order from PAYMENT_PENDING to PAID through a [`provider::PaymentProvider`].
//!
//! Invariants: a payment row (with its idempotency key) is written and committed before the
//! provider is called, and the provider is never called inside a database transaction; the
//! order moves to PAID with a compare-and-set, so a payment that succeeds after the order
//! expired or was cancelled is refunded instead of resurrecting the order.
//!
//! Expiry (A4): an unpaid order's stock is released at its time limit whatever the provider
//! says. The expiry writes `order.expired` to the outbox; after commit a consumer
//! (`service/jobs.rs`) cancels the live attempt at the provider, idempotently and retried with
//! backoff. A payment that succeeds after expiry is **refunded, not restored** (the stock may
//! be held by another buyer by then): `settle` records the success and writes
//! `payment.refund_due`, which gives the money back after commit. The reconciler
//! (`service/reconcile.rs`) settles attempts left live by a crash or a lost answer from the
//! provider's state, with the attempt's stored idempotency key.

pub mod error;
pub mod graphql;
pub mod model;
pub mod provider;
pub mod repo;
pub mod service;
#[cfg(feature = "stripe")]
pub mod stripe;
pub mod test_provider;
pub mod webhook;

pub use error::PaymentError;
pub use service::PaymentService;
