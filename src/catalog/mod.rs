//! The catalog: a category tree, products (owned by a vendor), their variants, images,
//! attributes and stock.
//!
//! Invariants: SKUs and slugs are unique; prices are non-negative and no more precise than the
//! shop currency; stock on hand never goes below zero (a guarded single-statement update, and a
//! CHECK constraint behind it); every stock change writes a stock movement with its reason; the
//! category tree has no cycles. Storefront callers see a product only when it is ACTIVE,
//! APPROVED and its vendor ACTIVE (lists, lookups, `node`, carts, checkout); its vendor's
//! members see all of its products; staff see all. Products are edited by staff and by the
//! members of their vendor whose role allows catalog work, while the vendor is ACTIVE; every
//! approval transition is kept in the product's history.

pub mod error;
pub mod graphql;
pub mod model;
pub mod repo;
pub mod service;

pub use error::CatalogError;
pub use service::CatalogService;
