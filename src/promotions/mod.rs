//! Promotions: discount codes a buyer enters and automatic promotions, both the same rule shape
//! (a percentage or a fixed amount off the subtotal, some products or some categories,
//! optionally for one vendor, above a minimum, within dates, under usage limits).
//!
//! Invariants: a discount is either automatic or has a code, never both; codes are stored
//! upper-cased, are unique, and match case-insensitively; a value is exactly one of a percentage
//! (0 < p ≤ 100, two decimals at most) or an amount in the shop currency; `used_count` is only
//! ever changed by single guarded statements ([`PromotionService::redeem_in`] and
//! [`PromotionService::release_in`]), so concurrent checkouts can never redeem a code more
//! often than its usage limit allows, and it never goes below zero.
//!
//! Checkout asks for [`PromotionService::candidates`] while pricing, then redeems the applied
//! ones inside its order transaction and releases them if the order is cancelled. Staff manage
//! discounts through the GraphQL mutations. No events are emitted yet.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::PromotionError;
pub use model::{Candidates, CodeProblem};
pub use service::PromotionService;
