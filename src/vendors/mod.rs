//! Vendors: the sellers of a marketplace. Every product belongs to exactly one vendor.
//!
//! Minimal for now (name, slug, status); members, onboarding and payouts come with the
//! marketplace work. Only staff create vendors.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::VendorError;
pub use service::VendorService;
