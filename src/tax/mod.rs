//! Tax: rates by destination (a country, or one region of it) and tax class, and the shop's
//! read-only tax setting (whether prices are entered with tax included).
//!
//! Invariants: one rate per (country, region, tax class), enforced by the service and by a
//! unique index on `(country, COALESCE(region, ''), tax_class)` that holds for country-level
//! rates too; rates are 0 to 100 % with at most three decimals (`8.875`), stored as integer
//! per cent mille; a region-specific rate overrides the country-level rate of its class.
//!
//! Checkout asks [`TaxService::rates_for`] for the rates at the shipping address and passes them
//! to pricing; a class without a rate there is taxed at zero. Staff manage rates through the
//! GraphQL mutations. No events are emitted yet.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::TaxError;
pub use service::TaxService;
