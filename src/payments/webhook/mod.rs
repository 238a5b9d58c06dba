//! Provider webhooks, transport- and database-free: checking a delivery's signature over the
//! raw body ([`signature`]) and reading a Stripe event into a provider-neutral [`ProviderEvent`]
//! ([`stripe_event`]). `http::webhooks` receives deliveries; `PaymentService::apply_event`
//! applies them, each at most once.

pub mod event;
pub mod signature;
pub mod stripe_event;

pub use event::{DisputeReport, EventKind, PaymentReport, ProviderEvent, RefundReport};
pub use signature::{SignatureError, TOLERANCE_SECS, sign, verify};
pub use stripe_event::{ParseError, parse};
