//! Vendors: the sellers of a marketplace. Every product belongs to exactly one vendor.
//!
//! - Onboarding: any signed-in user applies (`PENDING`, the applicant its first `OWNER`);
//!   staff approve or reject, suspend and reinstate ([`model::VendorStatus::decide`], a
//!   compare-and-set on the status). Staff may still create `ACTIVE` vendors directly.
//! - Members: a user's role in a vendor (`OWNER`, `EDITOR`, `FULFILLMENT`,
//!   [`model::MemberRole::allows`]); owners invite by e-mail with single-use, expiring,
//!   hashed tokens, change roles and remove members; a vendor never loses its last owner.
//! - Terms: commission (basis points; the marketplace default when unset) and trust, set by
//!   staff; the marketplace settings row.
//! - [`VendorService::authorize_in`] is the one check every vendor-scoped operation of every
//!   domain makes. Every privileged change writes an audit entry in its transaction.
//!
//! Called by catalog, shipping, promotions and orders (`authorize_in`, `settings_in`) and by
//! the API (`graphql`).

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::VendorError;
pub use service::VendorService;
