//! Shipping: zones (sets of countries, or regions of a country) and the shipping methods offered
//! in each, priced flat or by weight tiers, optionally free above an order amount, optionally
//! for one vendor's goods only.
//!
//! Invariants: countries are upper-case ISO 3166-1 alpha-2 codes and regions upper-case
//! ISO 3166-2 subdivision codes; an area without a region covers the whole country; a method
//! has exactly one rate (flat, or weight tiers in strictly ascending order with at most one
//! open-ended tier, last); prices are non-negative and no more precise than the shop currency.
//!
//! Checkout asks [`ShippingService::methods_for`] which methods serve an address and a vendor,
//! and [`ShippingService::method_for`] to confirm the chosen one. Staff manage zones and methods
//! through the GraphQL mutations. No events are emitted yet.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::ShippingError;
pub use service::ShippingService;
